//! Whether a compute instance stops itself when idle (it costs until then).

use crate::preflight::{evidence, CheckId, CheckResult, CheckStatus, Severity};

/// Whether the instance stops itself when idle (`idleTimeBeforeShutdown`, ISO 8601).
pub fn idle_shutdown_check(instance: &str, idle_time_before_shutdown: Option<&str>) -> CheckResult {
    let title = "The compute instance shuts down when idle";
    let set = idle_time_before_shutdown.filter(|value| !value.trim().is_empty());
    let result = CheckResult::new(
        CheckId::IdleShutdown,
        if set.is_some() {
            Severity::Info
        } else {
            Severity::Warning
        },
        CheckStatus::passed_if(set.is_some()),
        title,
    )
    .evidence(evidence(
        "Idle shutdown",
        match set {
            Some(value) => format!("after {}", readable_duration(value)),
            None => "not set".into(),
        },
    ));
    if set.is_some() {
        result
    } else {
        result.remedy(format!(
            "{instance} runs, and costs, until someone stops it. Set idle shutdown in Azure ML studio (Compute → {instance} → Schedule and idle shutdown), for example after 60 minutes."
        ))
    }
}

/// `PT90M` → `90 minutes`; anything else as given.
fn readable_duration(value: &str) -> String {
    let upper = value.trim().to_ascii_uppercase();
    let Some(rest) = upper.strip_prefix("PT") else {
        return value.to_string();
    };
    let mut minutes = 0u64;
    let mut number = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u64 = number.parse().unwrap_or(0);
        number.clear();
        match c {
            'H' => minutes += n * 60,
            'M' => minutes += n,
            'S' => minutes += n / 60,
            _ => return value.to_string(),
        }
    }
    if minutes == 1 {
        "1 minute".into()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn idle_times_read_as_minutes() {
        assert_eq!(readable_duration("PT60M"), "60 minutes");
        assert_eq!(readable_duration("PT1H30M"), "90 minutes");
        assert_eq!(readable_duration("P1D"), "P1D");
    }
}
