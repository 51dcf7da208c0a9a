//! Printing helpers shared by the commands: aligned tables, JSON, checklist marks.

use pfrm_core::model::{RuntimeStatus, RuntimeSummary};
use pfrm_core::preflight::{CheckResult, CheckStatus, Severity};
use pfrm_core::Error;

/// Prints `value` as pretty JSON on stdout (the `--json` result of a command).
pub fn print_json<T: serde::Serialize>(value: &T) -> Result<(), Error> {
    println!("{}", crate::to_json(value)?);
    Ok(())
}

pub fn or_dash(value: Option<&str>) -> String {
    match value {
        Some(value) if !value.is_empty() => value.to_owned(),
        _ => "-".to_owned(),
    }
}

/// Columns padded to their widest cell; the last column is not padded.
pub struct Table {
    headers: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(headers: &[&str]) -> Table {
        Table {
            headers: headers.iter().map(|h| (*h).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    pub fn render(&self) -> String {
        let columns = self.headers.len();
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (index, cell) in row.iter().enumerate().take(columns) {
                widths[index] = widths[index].max(cell.chars().count());
            }
        }
        let line = |cells: &[String]| {
            let mut text = String::new();
            for (index, cell) in cells.iter().enumerate().take(columns) {
                if index + 1 == columns {
                    text.push_str(cell);
                } else {
                    text.push_str(cell);
                    let pad = widths[index] - cell.chars().count() + 2;
                    text.push_str(&" ".repeat(pad));
                }
            }
            text.trim_end().to_owned()
        };
        let mut out = line(&self.headers);
        for row in &self.rows {
            out.push('\n');
            out.push_str(&line(row));
        }
        out
    }

    pub fn print(&self) {
        println!("{}", self.render());
    }
}

/// A runtime's status as the list shows it: the service's own text when it has one.
pub fn runtime_status(runtime: &RuntimeSummary) -> String {
    match (&runtime.status, &runtime.status_text) {
        (RuntimeStatus::Unknown, Some(text)) => text.clone(),
        (status, _) => format!("{status:?}"),
    }
}

/// ✓ passed, ✗ a failed blocker, ! a failed warning or notice, ? could not be checked.
pub fn check_mark(check: &CheckResult) -> &'static str {
    match (check.status, check.severity) {
        (CheckStatus::Passed, _) => "✓",
        (CheckStatus::Failed, Severity::Blocker) => "✗",
        (CheckStatus::Failed, _) => "!",
        (CheckStatus::Unknown, _) => "?",
    }
}

/// A check's title says what should hold; one that does not is said to be not met, so a red
/// mark never sits next to what reads as a success (as in the app's checklist). A notice is no
/// requirement: its title says what was found, and it reads as such.
pub fn check_title(check: &CheckResult) -> String {
    match (check.status, check.severity) {
        (CheckStatus::Passed, _) | (CheckStatus::Failed, Severity::Info) => check.title.clone(),
        (CheckStatus::Failed, _) => format!("Not met: {}", check.title),
        (CheckStatus::Unknown, _) => format!("Could not check: {}", check.title),
    }
}

/// One check as a checklist entry: mark and title, then evidence, remedy and link indented.
pub fn print_check(check: &CheckResult, indent: &str) {
    let severity = match (check.status, check.severity) {
        (CheckStatus::Passed, _) => "",
        (_, Severity::Blocker) => " (blocker)",
        (_, Severity::Warning) => " (warning)",
        (_, Severity::Info) => " (note)",
    };
    println!(
        "{indent}{} {}{severity}",
        check_mark(check),
        check_title(check)
    );
    for item in &check.evidence {
        println!("{indent}    {}: {}", item.label, item.value);
    }
    if check.status != CheckStatus::Passed {
        if let Some(remedy) = &check.remedy {
            println!("{indent}    → {remedy}");
        }
        if let Some(link) = &check.link {
            println!("{indent}    {link}");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfrm_core::preflight::CheckId;

    fn check(severity: Severity, status: CheckStatus, title: &str) -> CheckResult {
        CheckResult::new(CheckId::NetworkIsolation, severity, status, title)
    }

    #[test]
    fn a_notice_reads_as_what_was_found_and_only_requirements_as_not_met() {
        let notice = check(
            Severity::Info,
            CheckStatus::Failed,
            "The workspace is network-isolated",
        );
        assert_eq!(check_title(&notice), "The workspace is network-isolated");
        assert_eq!(check_mark(&notice), "!");
        let blocker = check(Severity::Blocker, CheckStatus::Failed, "You have the role");
        assert_eq!(check_title(&blocker), "Not met: You have the role");
        let warning = check(Severity::Warning, CheckStatus::Failed, "It is running");
        assert_eq!(check_title(&warning), "Not met: It is running");
        let unknown = check(Severity::Info, CheckStatus::Unknown, "Quota");
        assert_eq!(check_title(&unknown), "Could not check: Quota");
    }

    #[test]
    fn table_columns_line_up_on_the_widest_cell() {
        let mut table = Table::new(&["NAME", "STATE"]);
        table.row(vec!["ci-alice-long".into(), "Running".into()]);
        table.row(vec!["ci".into(), "Stopped".into()]);
        assert_eq!(
            table.render(),
            "NAME           STATE\nci-alice-long  Running\nci             Stopped"
        );
    }
}
