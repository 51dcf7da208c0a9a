//! Answers of the app's own commands, the same in every workspace: the core's verdict on the
//! runtime names the pages suggest or the page tests type, and the retirement notice before and
//! after it is dismissed, on the world's day and on a day after the retirement; the project
//! folder refused when it is not a full path.

use std::path::Path;

use pfrm_core::migration::retirement::{parse_date, RetirementStatus};
use pfrm_core::migration::scaffold::chosen_out_dir;
use pfrm_core::naming::validate_runtime_name;
use serde_json::{json, Map, Value};
use time::Date;

use super::answer;

/// Names the page tests type: one against the rule, and free ones.
const TYPED_NAMES: &[&str] = &["bad_name", "my-runtime", "rt-ci-alex"];

/// A day after prompt flow's retirement, for the `retired` page-test scenario.
const AFTER_RETIREMENT: &str = "2027-05-01";

/// `validate_runtime_name`'s answer for each name typed in the page tests, and each name the
/// pages suggest for the user's instances (`rt-<instance>`), by name.
pub fn runtime_names(instances: &[String]) -> Value {
    let suggested = instances.iter().map(|instance| format!("rt-{instance}"));
    let names = TYPED_NAMES
        .iter()
        .map(|name| name.to_string())
        .chain(suggested);
    let mut verdicts = Map::new();
    for name in names {
        let verdict = answer(validate_runtime_name(&name));
        verdicts.insert(name, verdict);
    }
    Value::Object(verdicts)
}

/// The retirement status as the app shows it on `today` and after this week's notice is
/// dismissed (the session's `retirement_status` and `dismiss_retirement_notice`), and the same
/// after the retirement.
pub fn retirement(today: Date) -> Value {
    let retired = parse_date(AFTER_RETIREMENT).expect("AFTER_RETIREMENT is a date");
    json!({
        "current": notice_and_dismissal(today),
        "retired": notice_and_dismissal(retired),
    })
}

fn notice_and_dismissal(day: Date) -> Value {
    let notice = RetirementStatus::on(day);
    let dismissed = notice.clone().with_dismissal(Some(&notice.week_of));
    json!({ "notice": notice, "dismissed": dismissed })
}

/// `export_flow_project`'s refusal of a folder typed as a relative path (the app has no working
/// folder to take it from), before anything is read from Azure.
pub fn relative_project_folder() -> Value {
    answer(chosen_out_dir(Path::new("my-flow"), None))
}
