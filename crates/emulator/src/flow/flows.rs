//! The flow service's Flows API under a workspace: `GET /Flows`, `GET /Flows/{flowId}` and the
//! flow's compute session status. Shapes follow `specs/promptflow/flow-service-swagger.json`
//! (`FlowBaseDto`, `FlowDto`, `FlowSessionDto`).

use super::errors::user_error;
use super::FlowCall;
use crate::http::{json_resp, Resp};
use crate::prompt_flow::FlowSeed;
use crate::state::{Workspace, World};
use serde_json::{json, Value};

fn owner(world: &World, user_name: &str) -> Value {
    let user = world.user_by_name(user_name);
    json!({
        "userObjectId": user.map(|u| u.object_id.clone()),
        "userTenantId": user.map(|u| u.tenant_id.clone()),
        "userName": user.map(|u| u.display_name.clone()).unwrap_or_else(|| user_name.to_string()),
        "userPrincipalName": user_name,
    })
}

/// `FlowBaseDto`, as `GET /Flows` lists it.
fn flow_base(world: &World, ws: &Workspace, flow: &FlowSeed) -> Value {
    let mut base = json!({
        "flowId": flow.flow_id,
        "flowName": flow.flow_name,
        "description": null,
        "tags": {},
        "flowType": flow.flow_type,
        "experimentId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, ws.id().as_bytes()).to_string(),
        "createdDate": flow.created_date,
        "lastModifiedDate": flow.last_modified_date,
        "owner": owner(world, &flow.owner),
        "flowResourceId": format!("azureml://locations/{}/workspaces/{}/flows/{}", ws.location, ws.workspace_guid(), flow.flow_id),
        "isArchived": false,
        "flowDefinitionFilePath": flow.flow_definition_file_path,
        "enableMultiContainer": false,
    });
    if let Some(session) = &flow.session {
        base["vmSize"] = json!(session.vm_size);
        base["maxIdleTimeSeconds"] = json!(session.max_idle_time_seconds);
    }
    base
}

/// `FlowDto`, as `GET /Flows/{flowId}` answers: the base plus the flow graph and run settings.
fn flow_dto(world: &World, ws: &Workspace, flow: &FlowSeed) -> Value {
    let mut dto = flow_base(world, ws, flow);
    dto["flow"] = json!({
        "flowGraph": flow.flow_graph,
        "nodeVariants": flow.node_variants,
    });
    dto["flowRunSettings"] = json!({
        "runtimeName": flow.runtime_name,
        "computeName": flow.session.as_ref().map(|s| s.compute_name.clone()),
        "vmSize": flow.session.as_ref().map(|s| s.vm_size.clone()),
        "maxIdleTimeSeconds": flow.session.as_ref().map(|s| s.max_idle_time_seconds),
    });
    dto["eTag"] = json!(format!("\"{}\"", flow.last_modified_date));
    dto
}

/// `FlowSessionDto` for a flow's session, or `NotExist` when it has none.
fn session_dto(flow: &FlowSeed) -> Value {
    match &flow.session {
        Some(session) => json!({
            "sessionId": flow.flow_id,
            "status": session.status,
            "computeName": session.compute_name,
            "vmSize": session.vm_size,
            "maxIdleTimeSeconds": session.max_idle_time_seconds,
            // Serverless sessions run as training sessions; the others on the instance.
            "runtimeType": if session.serverless { "TrainingSession" } else { "ComputeInstance" },
            "computeInstanceName": (!session.serverless).then(|| session.compute_name.clone()),
            "instanceType": session.serverless.then(|| session.vm_size.clone()),
            "enableMultiContainer": false,
            "baseImage": "mcr.microsoft.com/azureml/promptflow/promptflow-runtime:latest",
        }),
        None => {
            json!({"sessionId": flow.flow_id, "status": "NotExist", "enableMultiContainer": false})
        }
    }
}

/// The flow named in the path, answered by `answer` (after the workspace's checks).
fn with_flow(call: &FlowCall, answer: impl Fn(&World, &Workspace, &FlowSeed) -> Value) -> Resp {
    call.in_workspace(|world, ws| {
        let id = call.p["flow"].to_ascii_lowercase();
        match ws
            .prompt_flow
            .flows
            .iter()
            .find(|f| f.flow_id.eq_ignore_ascii_case(&id))
        {
            Some(flow) => json_resp(200, &answer(world, ws, flow)),
            None => user_error(404, "FlowNotFound", &format!("Flow '{id}' was not found.")),
        }
    })
}

pub async fn list(call: FlowCall) -> Resp {
    call.in_workspace(|world, ws| {
        json_resp(
            200,
            &Value::Array(
                ws.prompt_flow
                    .flows
                    .iter()
                    .map(|f| flow_base(world, ws, f))
                    .collect(),
            ),
        )
    })
}

pub async fn get(call: FlowCall) -> Resp {
    with_flow(&call, flow_dto)
}

pub async fn session(call: FlowCall) -> Resp {
    with_flow(&call, |_, _, flow| session_dto(flow))
}
