//! Online endpoints (list, get) and the deployments that serve a flow (list, get; prompt flow's
//! own assets, shaped as `OnlineDeploymentTrackedResource`).

use super::checks::page;
use super::workspaces::enter;
use super::Call;
use crate::http::{json_resp, Resp};
use crate::names::is_named;
use crate::prompt_flow::DeploymentSeed;
use crate::state::{Workspace, MLS};
use serde_json::{json, Value};

const READ: &str = "onlineEndpoints/read";

pub async fn list(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/{READ}")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let items = at.ws.endpoints.clone();
    let size = at.page_size();
    drop(at);
    page(&call.app, &call.req, items, size)
}

fn has_endpoint(ws: &Workspace, name: &str) -> bool {
    ws.endpoints.iter().any(|e| is_named(e, name))
}

pub async fn get(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/{READ}")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let name = &call.p["endpoint"];
    match at.ws.endpoints.iter().find(|e| is_named(e, name)) {
        Some(e) => json_resp(200, e),
        None => at.not_found("onlineEndpoints", name),
    }
}

pub async fn list_deployments(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/{READ}")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let endpoint = &call.p["endpoint"];
    if !has_endpoint(&at.ws, endpoint) {
        return at.not_found("onlineEndpoints", endpoint);
    }
    let ws = &at.ws;
    json_resp(
        200,
        &json!({"value": ws
            .prompt_flow
            .online_deployments
            .iter()
            .filter(|d| d.endpoint.eq_ignore_ascii_case(endpoint))
            .map(|d| deployment_resource(ws, d))
            .collect::<Vec<_>>()}),
    )
}

pub async fn get_deployment(call: Call) -> Resp {
    let at = match enter(&call, &format!("{MLS}/workspaces/{READ}")) {
        Ok(at) => at,
        Err(r) => return r,
    };
    let (endpoint, name) = (&call.p["endpoint"], &call.p["deployment"]);
    match at
        .ws
        .prompt_flow
        .online_deployments
        .iter()
        .find(|d| d.endpoint.eq_ignore_ascii_case(endpoint) && d.name.eq_ignore_ascii_case(name))
    {
        Some(d) => json_resp(200, &deployment_resource(&at.ws, d)),
        None => at.not_found("deployments", name),
    }
}

fn deployment_resource(ws: &Workspace, deployment: &DeploymentSeed) -> Value {
    let flow = ws
        .prompt_flow
        .flows
        .iter()
        .find(|f| f.flow_name == deployment.flow);
    json!({
        "id": format!("{}/onlineEndpoints/{}/deployments/{}", ws.id(), deployment.endpoint, deployment.name),
        "name": deployment.name,
        "type": format!("{MLS}/workspaces/onlineEndpoints/deployments"),
        "location": ws.location,
        "kind": "Managed",
        "sku": {"name": "Default", "tier": "Standard", "capacity": deployment.instance_count},
        "properties": {
            "endpointComputeType": "Managed",
            "instanceType": deployment.instance_type,
            "provisioningState": "Succeeded",
            "environmentId": "azureml://registries/azureml/environments/promptflow-runtime/versions/12",
            "model": format!("{}/models/{}-model/versions/1", ws.id(), deployment.flow),
            "environmentVariables": {
                "PROMPTFLOW_RUN_MODE": "serving",
                "PRT_CONFIG_OVERRIDE": format!("deployment.subscription_id={},deployment.resource_group={},deployment.workspace_name={},deployment.endpoint_name={},deployment.deployment_name={}", ws.subscription_id, ws.resource_group, ws.name, deployment.endpoint, deployment.name),
            },
            "properties": {
                "azureml.promptflow.source_flow_id": flow.map(|f| f.flow_id.clone()),
                "azureml.promptflow.source_flow_name": deployment.flow,
            },
        },
    })
}
