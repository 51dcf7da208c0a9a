//! The Decommission page's removal, as the core carries it out: in each workspace whose plan
//! has items, what the page ticks by default (the plan's suggestions) removed, in a world of its
//! own (the removal leaves nothing for the other changes to act on).

use pfrm_core::migration::decommission::{self, DecommissionRequest};
use pfrm_core::ops::Operations;
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::answer;
use super::normalise::normalise;
use crate::clients_common::ops::{fast, services};
use crate::{start, World};

/// By workspace id: `selected` (the plan item ids ticked) and `answer` (the core's report).
pub async fn decommission_answers(world: &World, ids: &[String]) -> Map<String, Value> {
    let started = OffsetDateTime::now_utc();
    let env = start(world).await;
    let services = services(&env, Operations::default());
    let mut answers = Map::new();
    for id in ids {
        let Ok(plan) = decommission::plan_decommission(&services, id, None).await else {
            continue;
        };
        let selected: Vec<String> = plan
            .items
            .iter()
            .filter(|item| item.suggested)
            .map(|item| item.id.clone())
            .collect();
        if selected.is_empty() {
            continue;
        }
        let request = DecommissionRequest {
            workspace_id: id.clone(),
            confirm_workspace: plan.workspace_name.clone(),
            selected: selected.clone(),
            moved_flows: None,
        };
        let report = decommission::apply(&services, request, fast()).await;
        answers.insert(
            id.clone(),
            json!({ "selected": selected, "answer": answer(report) }),
        );
    }
    match normalise(Value::Object(answers), env.emulator.ready_info(), started) {
        Value::Object(map) => map,
        _ => unreachable!("normalising keeps an object"),
    }
}
