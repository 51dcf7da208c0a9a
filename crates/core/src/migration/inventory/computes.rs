//! Compute instance rows (those that host a runtime or a session, or have a prompt flow
//! application) with their state, size and idle shutdown, and the prompt flow custom
//! applications on them.

use std::collections::BTreeMap;

use super::workspace::Stock;
use super::{CostState, ItemKind};
use crate::azure::arm::ComputeResource;
use crate::model::{ComputeInstanceState, ComputeInstanceSummary, RuntimeSummary};

/// `session_users`: compute (lower case) → the flows whose session runs on it.
pub(super) fn add_rows(
    stock: &mut Stock,
    computes: &[ComputeResource],
    runtimes: &[RuntimeSummary],
    session_users: &BTreeMap<String, Vec<String>>,
) {
    for compute in computes.iter().filter(|c| c.is_compute_instance()) {
        let summary = ComputeInstanceSummary::from(compute);
        let runtime_users: Vec<String> = runtimes
            .iter()
            .filter(|r| {
                r.compute_instance_name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&summary.name))
            })
            .map(|r| format!("runtime {}", r.name))
            .collect();
        let session_flows = session_users
            .get(&summary.name.to_lowercase())
            .cloned()
            .unwrap_or_default();
        let pf_apps: Vec<_> = summary
            .custom_apps
            .iter()
            .filter(|a| a.is_prompt_flow_runtime)
            .collect();
        if runtime_users.is_empty() && session_flows.is_empty() && pf_apps.is_empty() {
            continue;
        }
        let running = matches!(summary.state, ComputeInstanceState::Running);
        let mut row = stock.row(ItemKind::ComputeInstance, &summary.name);
        row.id = Some(summary.id.clone());
        row.state = summary
            .state_text
            .clone()
            .or(Some(format!("{:?}", summary.state)));
        row.cost = CostState::billed_if(running);
        row.size = summary.vm_size.clone();
        row.owner = summary.created_by_name.clone();
        row.idle_shutdown_minutes = compute
            .properties
            .properties
            .as_ref()
            .and_then(|p| p["idleTimeBeforeShutdown"].as_str())
            .and_then(iso_minutes);
        row.used_by = runtime_users;
        row.used_by
            .extend(session_flows.into_iter().map(|f| format!("flow {f}")));
        stock.items.push(row);
        for app in pf_apps {
            let mut row = stock.row(ItemKind::CustomApp, &app.name);
            row.state = Some(format!("{:?}", summary.state));
            row.cost = CostState::NoCompute;
            row.runs_on = Some(summary.name.clone());
            row.size = app.image.clone();
            row.used_by = runtimes
                .iter()
                .filter(|r| r.custom_app_name.as_deref() == Some(app.name.as_str()))
                .map(|r| format!("runtime {}", r.name))
                .collect();
            stock.items.push(row);
        }
    }
}

/// `PT60M`, `PT1H30M`, `PT3600S` in minutes.
fn iso_minutes(text: &str) -> Option<u32> {
    let rest = text.strip_prefix("PT")?;
    let mut total = 0u32;
    let mut number = String::new();
    for c in rest.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let n: u32 = number.parse().ok()?;
        number.clear();
        total += match c {
            'H' => n * 60,
            'M' => n,
            'S' => n / 60,
            _ => return None,
        };
    }
    number.is_empty().then_some(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idle_shutdown_reads_iso_durations_in_minutes() {
        assert_eq!(iso_minutes("PT60M"), Some(60));
        assert_eq!(iso_minutes("PT1H30M"), Some(90));
        assert_eq!(iso_minutes("PT3600S"), Some(60));
        assert_eq!(iso_minutes("60"), None);
        assert_eq!(iso_minutes("PT5"), None);
    }
}
