//! What the user ticked, checked against the plan: an item goes only when everything in the
//! plan that uses it goes too. A ticked compute instance whose runtime is not ticked stays, and
//! so does anything that in turn waits on a held-back item.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use super::plan::{DecommissionPlan, PlanItem};
use crate::error::{Error, Result};

/// A ticked item that is not removed, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct HeldBack {
    pub id: String,
    pub kind: crate::migration::inventory::ItemKind,
    pub name: String,
    pub reason: String,
}

/// The ticked items split into what goes (in removal order) and what stays.
#[derive(Debug, Clone, PartialEq)]
pub struct Selection {
    pub remove: Vec<PlanItem>,
    pub held_back: Vec<HeldBack>,
}

/// Checks `selected` (plan item ids) against `plan`. An id the plan does not list is refused:
/// it is either kept for a reason the plan gives, or unknown.
pub fn select(plan: &DecommissionPlan, selected: &[String]) -> Result<Selection> {
    let mut chosen = BTreeSet::new();
    for id in selected {
        let Some(item) = plan.items.iter().find(|i| i.id.eq_ignore_ascii_case(id)) else {
            let kept = plan
                .kept
                .iter()
                .find(|k| id.ends_with(&format!(":{}", k.name)));
            return Err(match kept {
                Some(kept) => {
                    Error::invalid_input(format!("{id} cannot be removed: {}", kept.reason))
                        .with_remedy("Leave it out, or move the flows that use it first.")
                }
                None => Error::invalid_input(format!(
                    "{id} is not in the decommission plan of {}.",
                    plan.workspace_name
                ))
                .with_remedy("Run `pfrm decommission plan` and use the ids it lists."),
            });
        };
        chosen.insert(item.id.clone());
    }
    // Hold back every chosen item whose users in the plan are not all chosen, until nothing
    // changes (holding one back can hold back what waits on it).
    let mut held_back = Vec::new();
    loop {
        let blocked: Vec<(&PlanItem, String)> = plan
            .items
            .iter()
            .filter(|i| chosen.contains(&i.id))
            .filter_map(|i| {
                let missing: Vec<&String> =
                    i.needs.iter().filter(|n| !chosen.contains(*n)).collect();
                (!missing.is_empty()).then(|| {
                    (
                        i,
                        format!(
                            "{} stays, and it uses this.",
                            missing
                                .iter()
                                .map(|m| item_name(m))
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                })
            })
            .collect();
        if blocked.is_empty() {
            break;
        }
        for (item, reason) in blocked {
            chosen.remove(&item.id);
            held_back.push(HeldBack {
                id: item.id.clone(),
                kind: item.kind,
                name: item.name.clone(),
                reason,
            });
        }
    }
    Ok(Selection {
        remove: plan
            .items
            .iter()
            .filter(|i| chosen.contains(&i.id))
            .cloned()
            .collect(),
        held_back,
    })
}

/// A plan item's name from its id (`kind:name`), as a message shows it.
pub(super) fn item_name(id: &str) -> &str {
    id.split_once(':').map_or(id, |(_, name)| name)
}
