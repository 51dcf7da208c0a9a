//! The runtime DTO (`FlowRuntimeDto`), as created and as presented now.

use super::custom_app::TARGET_PORT;
use crate::state::{Compute, Runtime, User, Workspace};
use serde_json::{json, Value};

#[allow(clippy::too_many_arguments)]
pub fn runtime_dto(
    ws: &Workspace,
    name: &str,
    compute: &Compute,
    owner: Option<&User>,
    tenant: &str,
    image: &str,
    environment: Option<&str>,
    port: i64,
    from_existing: bool,
    created_on: &str,
) -> Value {
    let (oid, tid) = compute
        .assigned_user()
        .unwrap_or_else(|| (String::new(), tenant.to_string()));
    json!({
        "runtimeName": name,
        "runtimeDescription": "",
        "runtimeType": "ComputeInstance",
        "environment": environment,
        "status": "Starting",
        "statusMessage": null,
        "fromExistingEndpoint": false,
        "endpointName": null,
        "fromExistingDeployment": false,
        "deploymentName": null,
        "instanceType": null,
        "instanceCount": 0,
        "computeInstanceName": compute.name(),
        "dockerImage": image,
        "publishedPort": port,
        "targetPort": TARGET_PORT,
        "fromExistingCustomApp": from_existing,
        "customAppName": name,
        "assignedTo": {"objectId": oid, "tenantId": tid},
        "endpointUrl": format!("https://{}-{port}.{}.instances.azureml.ms", compute.name(), ws.location),
        "createdOn": created_on,
        "modifiedOn": created_on,
        "owner": {
            "userObjectId": owner.map(|u| u.object_id.clone()).unwrap_or(oid.clone()),
            "userTenantId": owner.map(|u| u.tenant_id.clone()).unwrap_or(tid.clone()),
            "userName": owner.map(|u| u.display_name.clone()).unwrap_or_default(),
            "userPrincipalName": owner.map(|u| u.user_name.clone()).unwrap_or_default()
        }
    })
}

/// What the DTO looks like now: a running runtime on a stopped instance is unavailable.
pub fn present(ws: &Workspace, rt: &Runtime) -> Value {
    let mut dto = rt.dto.clone();
    if dto["status"] == "Running" {
        let ci = dto["computeInstanceName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match ws.compute(&ci) {
            Some(c) if c.state() == "Running" => {}
            Some(c) => {
                dto["status"] = json!("Unavailable");
                dto["statusMessage"] =
                    json!(format!("The compute instance '{ci}' is {}.", c.state()));
            }
            None => {
                dto["status"] = json!("Unavailable");
                dto["statusMessage"] =
                    json!(format!("The compute instance '{ci}' no longer exists."));
            }
        }
    }
    if let Some(obj) = dto.as_object_mut() {
        obj.retain(|k, v| {
            !(v.is_null() && matches!(k.as_str(), "error" | "identity" | "assignedTo" | "owner"))
        });
    }
    dto
}
