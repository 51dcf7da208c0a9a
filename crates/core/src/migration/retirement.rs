//! Prompt flow's retirement, told truthfully: the date, the days left, whether the runtime
//! images are frozen (so the newest tag is the final one), and the refusal to create runtimes
//! once the date has passed.
//!
//! "Today" comes from a [`Clock`], so tests, the emulator's scenarios and the sandbox can set
//! the date instead of waiting for it.

use serde::{Deserialize, Serialize};
use time::macros::date;
use time::{Date, OffsetDateTime};
use ts_rs::TS;

use crate::error::{Error, ErrorCode, Result};

/// The day prompt flow retires: web authoring, the VS Code extension and the runtime images
/// are unavailable from then on.
pub const RETIREMENT_DATE: Date = date!(2027 - 04 - 20);

/// The day Microsoft announced the retirement; from then on the runtime images receive no
/// more updates (security fixes included), so the newest tag in the registry is the last.
pub const IMAGES_FROZEN_SINCE: Date = date!(2026 - 06 - 04);

/// Microsoft's guide to moving prompt flows to Agent Framework.
pub const MIGRATION_GUIDE_URL: &str =
    "https://learn.microsoft.com/azure/machine-learning/prompt-flow/migrate-prompt-flow-to-agent-framework";

/// Sets "today" for pfrm (`YYYY-MM-DD`), for tests and demonstrations of the retirement.
pub const TODAY_ENV: &str = "PFRM_TODAY";

/// Where pfrm reads the date from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Clock {
    fixed: Option<Date>,
}

impl Clock {
    /// The system's UTC date.
    pub fn system() -> Clock {
        Clock { fixed: None }
    }

    /// Always `today`.
    pub fn fixed(today: Date) -> Clock {
        Clock { fixed: Some(today) }
    }

    /// `PFRM_TODAY` when set and valid, else `fallback` (the cloud's own date, as the emulator
    /// gives it), else the system's date.
    pub fn from_env_or(fallback: Option<Date>) -> Clock {
        let from_env = std::env::var(TODAY_ENV)
            .ok()
            .and_then(|text| parse_date(text.trim()));
        Clock {
            fixed: from_env.or(fallback),
        }
    }

    pub fn today(&self) -> Date {
        self.fixed
            .unwrap_or_else(|| OffsetDateTime::now_utc().date())
    }

    /// Whether the date was set rather than read from the system.
    pub fn is_fixed(&self) -> bool {
        self.fixed.is_some()
    }
}

/// Reads `YYYY-MM-DD`.
pub fn parse_date(text: &str) -> Option<Date> {
    Date::parse(
        text,
        time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

/// `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    format!(
        "{:04}-{:02}-{:02}",
        date.year(),
        u8::from(date.month()),
        date.day()
    )
}

/// Where today stands against the retirement date: the one place that decides whether to count
/// days or to say prompt flow has retired, so no screen, command or export shows "-1 days". The
/// hosts and the exports only phrase it (plurals included) from their own catalogs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Countdown {
    /// `days` whole days (1 or more) until the retirement date.
    DaysLeft { days: u32 },
    /// Today is the retirement date: prompt flow has retired.
    RetirementDay,
    /// The retirement date was `days` days ago (1 or more).
    Retired { days: u32 },
}

impl Countdown {
    /// The countdown on `today`.
    pub fn on(today: Date) -> Countdown {
        let days = (RETIREMENT_DATE - today).whole_days();
        let whole = |days: i64| u32::try_from(days).unwrap_or(u32::MAX);
        match days {
            days if days > 0 => Countdown::DaysLeft { days: whole(days) },
            0 => Countdown::RetirementDay,
            days => Countdown::Retired {
                days: whole(days.saturating_neg()),
            },
        }
    }

    /// Prompt flow has retired (on or after the date).
    pub fn retired(self) -> bool {
        !matches!(self, Countdown::DaysLeft { .. })
    }
}

/// What every screen and command says about the retirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RetirementStatus {
    /// `2027-04-20`.
    pub retirement_date: String,
    /// The date pfrm counts from (`YYYY-MM-DD`).
    pub today: String,
    /// Whole days from today to the retirement date; 0 on the day, negative after it.
    pub days_left: i32,
    /// The retirement date has come: no new runtimes.
    pub retired: bool,
    /// The days left, the day itself, or the days since: what the notices phrase.
    pub countdown: Countdown,
    /// The runtime images receive no more updates: the newest tag is the final one.
    pub images_frozen: bool,
    /// Microsoft's migration guide.
    pub guide_url: String,
    /// The Monday of today's week (`YYYY-MM-DD`): a notice dismissed this week shows again
    /// from the next one.
    pub week_of: String,
    /// The user dismissed the notice this week (it is never hidden for longer).
    pub dismissed_this_week: bool,
}

impl RetirementStatus {
    pub fn on(today: Date) -> RetirementStatus {
        let days_left = (RETIREMENT_DATE - today).whole_days();
        let monday =
            today - time::Duration::days(i64::from(today.weekday().number_days_from_monday()));
        RetirementStatus {
            retirement_date: format_date(RETIREMENT_DATE),
            today: format_date(today),
            days_left: i32::try_from(days_left).unwrap_or(if days_left < 0 {
                i32::MIN
            } else {
                i32::MAX
            }),
            retired: Countdown::on(today).retired(),
            countdown: Countdown::on(today),
            images_frozen: today >= IMAGES_FROZEN_SINCE,
            guide_url: MIGRATION_GUIDE_URL.to_owned(),
            week_of: format_date(monday),
            dismissed_this_week: false,
        }
    }

    /// The status with the user's dismissal applied: `dismissed_week` is the Monday of the
    /// week the notice was dismissed in, as saved in the settings.
    pub fn with_dismissal(mut self, dismissed_week: Option<&str>) -> RetirementStatus {
        self.dismissed_this_week = dismissed_week == Some(self.week_of.as_str());
        self
    }

    /// One sentence for a terminal: the date and the days left (or since), and what to do.
    pub fn notice(&self) -> String {
        let when = match self.days_left {
            days if days > 1 => format!("in {days} days"),
            1 => "tomorrow".to_owned(),
            0 => "today".to_owned(),
            -1 => "yesterday (1 day ago)".to_owned(),
            days => format!("{} days ago", -days),
        };
        let tense = if self.retired { "retired" } else { "retires" };
        format!(
            "Prompt flow {tense} on {} ({when}); its runtime images get no more updates, security fixes included. Plan the move to Microsoft Agent Framework: {}",
            self.retirement_date, self.guide_url
        )
    }
}

/// Refuses to create a runtime on or after the retirement date, saying why.
pub fn refuse_create_after_retirement(today: Date) -> Result<()> {
    let status = RetirementStatus::on(today);
    if !status.retired {
        return Ok(());
    }
    Err(Error::new(
        ErrorCode::Conflict,
        format!(
            "No new runtime can be created: prompt flow retired on {}, and its runtime images are no longer available.",
            status.retirement_date
        ),
    )
    .with_remedy(format!(
        "Move the flow to Microsoft Agent Framework (`pfrm migrate audit` and `pfrm migrate scaffold` help): {}",
        status.guide_url
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_the_days_left_to_the_retirement() {
        let status = RetirementStatus::on(date!(2026 - 12 - 06));
        assert_eq!(status.days_left, 135);
        assert!(!status.retired);
        assert!(status.images_frozen);
        assert!(status
            .notice()
            .contains("retires on 2027-04-20 (in 135 days)"));
        let eve = RetirementStatus::on(date!(2027 - 04 - 19));
        assert_eq!(eve.days_left, 1);
        assert!(eve.notice().contains("(tomorrow)"));
        let day = RetirementStatus::on(RETIREMENT_DATE);
        assert_eq!(day.days_left, 0);
        assert!(day.retired);
        assert!(day.notice().contains("retired on 2027-04-20 (today)"));
        let after = RetirementStatus::on(date!(2027 - 05 - 01));
        assert_eq!(after.days_left, -11);
        assert!(after.notice().contains("11 days ago"));
    }

    #[test]
    fn the_countdown_counts_days_until_the_date_then_says_retired() {
        assert_eq!(
            Countdown::on(date!(2026 - 12 - 06)),
            Countdown::DaysLeft { days: 135 }
        );
        assert_eq!(
            Countdown::on(date!(2027 - 04 - 19)),
            Countdown::DaysLeft { days: 1 }
        );
        assert_eq!(Countdown::on(RETIREMENT_DATE), Countdown::RetirementDay);
        // The day after: retired one day ago, never "-1 days left".
        assert_eq!(
            Countdown::on(date!(2027 - 04 - 21)),
            Countdown::Retired { days: 1 }
        );
        assert!(!Countdown::on(date!(2027 - 04 - 19)).retired());
        assert!(Countdown::on(RETIREMENT_DATE).retired());
        assert!(Countdown::on(date!(2027 - 05 - 01)).retired());
        // The status's own verdict is the countdown's.
        for day in [
            date!(2027 - 04 - 19),
            RETIREMENT_DATE,
            date!(2027 - 04 - 21),
        ] {
            let status = RetirementStatus::on(day);
            assert_eq!(status.countdown, Countdown::on(day));
            assert_eq!(status.retired, status.countdown.retired());
        }
        // The wire shape the hosts read.
        assert_eq!(
            serde_json::to_value(Countdown::DaysLeft { days: 135 }).unwrap(),
            serde_json::json!({"kind": "daysLeft", "days": 135})
        );
        assert_eq!(
            serde_json::to_value(Countdown::RetirementDay).unwrap(),
            serde_json::json!({"kind": "retirementDay"})
        );
    }

    #[test]
    fn images_are_frozen_from_the_announcement() {
        assert!(!RetirementStatus::on(date!(2026 - 06 - 03)).images_frozen);
        assert!(RetirementStatus::on(date!(2026 - 06 - 04)).images_frozen);
    }

    #[test]
    fn the_week_of_a_dismissal_starts_on_monday() {
        // 2026-12-06 is a Sunday; its week began on Monday 2026-11-30.
        assert_eq!(
            RetirementStatus::on(date!(2026 - 12 - 06)).week_of,
            "2026-11-30"
        );
        assert_eq!(
            RetirementStatus::on(date!(2026 - 12 - 07)).week_of,
            "2026-12-07"
        );
    }

    #[test]
    fn a_dismissal_lasts_for_its_week_only() {
        let sunday = RetirementStatus::on(date!(2026 - 12 - 06));
        assert!(
            sunday
                .clone()
                .with_dismissal(Some("2026-11-30"))
                .dismissed_this_week
        );
        let monday = RetirementStatus::on(date!(2026 - 12 - 07));
        assert!(
            !monday
                .with_dismissal(Some("2026-11-30"))
                .dismissed_this_week
        );
        assert!(!sunday.with_dismissal(None).dismissed_this_week);
    }

    #[test]
    fn creating_a_runtime_is_refused_from_the_retirement_date_on() {
        assert!(refuse_create_after_retirement(date!(2027 - 04 - 19)).is_ok());
        let error = refuse_create_after_retirement(RETIREMENT_DATE).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("retired on 2027-04-20"));
        assert!(error.remedy.unwrap().contains(MIGRATION_GUIDE_URL));
    }

    #[test]
    fn a_fixed_clock_wins_over_the_system() {
        let clock = Clock::fixed(date!(2027 - 01 - 02));
        assert_eq!(clock.today(), date!(2027 - 01 - 02));
        assert!(clock.is_fixed());
        assert_eq!(parse_date("2027-04-20"), Some(RETIREMENT_DATE));
        assert_eq!(parse_date("20 April"), None);
    }
}
