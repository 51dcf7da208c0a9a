//! `DELETE .../Flows/{flowId}/sessions?experimentId=` (`Flows_DeleteFlowSession`, flow service
//! swagger): the flow's compute session stops (a serverless instance goes with its last
//! session); 200. `experimentId` is required and must be the flow's.

use super::errors::user_error;
use super::FlowCall;
use crate::http::{json_resp, Resp};
use serde_json::json;

pub async fn delete_session(call: FlowCall) -> Resp {
    if let Err(r) = call.enter() {
        return r;
    }
    let Some(experiment) = call.req.q("experimentId").filter(|e| !e.is_empty()) else {
        return user_error(
            400,
            "BadRequest",
            "The query parameter 'experimentId' is required.",
        );
    };
    let experiment = experiment.to_string();
    let mut world = call.app.world();
    let ws = world
        .workspace_mut(call.sub(), call.rg(), call.ws_name())
        .expect("checked");
    let expected = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, ws.id().as_bytes()).to_string();
    let id = &call.p["flow"];
    let Some(flow) = ws
        .prompt_flow
        .flows
        .iter_mut()
        .find(|f| f.flow_id.eq_ignore_ascii_case(id))
    else {
        return user_error(404, "FlowNotFound", &format!("Flow '{id}' was not found."));
    };
    if !experiment.eq_ignore_ascii_case(&expected) {
        return user_error(
            404,
            "ExperimentNotFound",
            &format!("Flow '{id}' does not belong to experiment '{experiment}'."),
        );
    }
    flow.session = None;
    json_resp(200, &json!({}))
}
