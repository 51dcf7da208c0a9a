//! The failures users of prompt flow runtimes report, reproduced: each trouble names one way a
//! runtime ends `Failed`, with the message the service gives for it, worded as the service words
//! it in public reports. A runtime seed (`failure`) starts in that state; a compute instance seed
//! (`runtimeFailure`) makes every runtime created or updated on it end that way.
//!
//! The wording lives here, in the emulator, and nowhere in the client: the client must recognise
//! the service's words, not its own.

use anyhow::{anyhow, Result};

/// Every trouble name, for error messages and tests.
pub const NAMES: [&str; 9] = [
    "start-timeout",
    "assigned-to-someone-else",
    "custom-app-failed",
    "image-not-in-acr",
    "shared-key-disabled",
    "dag-yaml-unreadable",
    "quota-exceeded",
    "datalake-default-datastore",
    "unrecognised",
];

/// What a trouble message may name.
pub struct Context<'a> {
    pub runtime: &'a str,
    pub compute_instance: &'a str,
    /// Object id of the instance's assignee.
    pub assignee: &'a str,
    pub vm_size: &'a str,
    pub subscription_id: &'a str,
    pub location: &'a str,
    /// The workspace's default datastore.
    pub default_datastore: &'a str,
}

/// The object id of the pipeline (a service principal) that calls a runtime it may not use.
const PIPELINE_OBJECT_ID: &str = "5e7d1c2b-9a8f-4e3d-8c1b-0a9f8e7d6c5b";

/// Fails with the known names when `name` is not one.
pub fn check(name: &str) -> Result<()> {
    if NAMES.contains(&name) {
        Ok(())
    } else {
        Err(anyhow!(
            "unknown runtime failure {name:?}; known: {}",
            NAMES.join(", ")
        ))
    }
}

/// The service's message for `name`.
pub fn message(name: &str, context: &Context<'_>) -> Result<String> {
    check(name)?;
    let Context {
        runtime,
        compute_instance,
        assignee,
        vm_size,
        subscription_id,
        location,
        default_datastore,
    } = context;
    let session = short_hash(&format!("{runtime}/{compute_instance}"));
    Ok(match name {
        "start-timeout" => format!(
            "FlowRuntime {runtime} in compute instance {compute_instance} compute is not ready: runtime starting timeout. Please try to create a new compute instance to hold runtime"
        ),
        "assigned-to-someone-else" => format!(
            "User {PIPELINE_OBJECT_ID} is not authorized to invoke this runtime as the runtime compute instance {compute_instance} is assigned to {assignee}."
        ),
        "custom-app-failed" => format!(
            "Failed to provision Automatic runtime, id: {session}, error code: ValidationError/ValidationError, message: Custom application deployment failed after retry with new compute session{}, abort session creation for Session ID: {session}.",
            &session[..12]
        ),
        "image-not-in-acr" => format!(
            "Failed to provision Automatic runtime, id: {session}, error code: ValidationError/ValidationError, message: [docker.io/contoso/{runtime}:v20240124.1] is not a valid name for an ACR image with tag specified."
        ),
        "shared-key-disabled" => format!(
            "Key based authentication is not permitted on this storage account.\nRequestId:{}\nTime:2024-08-09T17:14:19.1983902Z",
            uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, session.as_bytes())
        ),
        "dag-yaml-unreadable" => format!(
            "Unable to access the dag.yaml file in flow folder Users/{runtime}/promptflow/web-classification. Please check the storage setting and make sure the file exists."
        ),
        "quota-exceeded" => format!(
            "Not enough quota available for {vm_size} in SubscriptionId {subscription_id}. Current usage/limit: 24/24. Additional needed: 4 Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota"
        ),
        "datalake-default-datastore" => format!(
            "Prompt flow is not supported in this workspace ({location}): the default datastore '{default_datastore}' is of type AzureDataLakeGen2."
        ),
        _ => format!(
            "Runtime container on {compute_instance} exited unexpectedly with exit code 139 after 12 seconds."
        ),
    })
}

/// A stable hex id, like the service's session ids.
fn short_hash(text: &str) -> String {
    uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, text.as_bytes())
        .simple()
        .to_string()
}

/// The message for a runtime named `runtime` on `compute` in `ws`.
pub fn message_for(
    name: &str,
    ws: &crate::state::Workspace,
    compute: &crate::state::Compute,
    runtime: &str,
) -> Result<String> {
    let (assignee, _) = compute.assigned_user().unwrap_or_default();
    let vm_size = compute.value["properties"]["properties"]["vmSize"]
        .as_str()
        .unwrap_or("STANDARD_DS3_V2")
        .to_owned();
    let default_datastore = ws
        .datastores
        .iter()
        .find(|store| store["properties"]["isDefault"] == true)
        .and_then(|store| store["name"].as_str())
        .unwrap_or("workspaceblobstore")
        .to_owned();
    message(
        name,
        &Context {
            runtime,
            compute_instance: compute.name(),
            assignee: &assignee,
            vm_size: &vm_size,
            subscription_id: &ws.subscription_id,
            location: &ws.location,
            default_datastore: &default_datastore,
        },
    )
}

/// Puts a seeded runtime's DTO in the `Failed` state with the trouble's message, as the
/// service reports a runtime that failed to start.
pub fn fail_seeded(
    dto: &mut serde_json::Value,
    name: &str,
    ws: &crate::state::Workspace,
    compute: &crate::state::Compute,
) -> Result<()> {
    let runtime = dto["runtimeName"].as_str().unwrap_or_default().to_owned();
    let text = message_for(name, ws, compute, &runtime)?;
    dto["status"] = serde_json::json!("Failed");
    dto["statusMessage"] = serde_json::json!(text);
    dto["error"] =
        crate::flow::flow_error_body("UserError", "RuntimeStartFailed", &text, &ws.location);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context<'static> {
        Context {
            runtime: "rt-1",
            compute_instance: "ci-alice",
            assignee: "a11ce000-0000-4000-8000-000000000001",
            vm_size: "STANDARD_DS3_V2",
            subscription_id: "3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01",
            location: "eastus",
            default_datastore: "adlsgen2datastore",
        }
    }

    #[test]
    fn every_trouble_has_a_distinct_message_naming_its_runtime_or_instance() {
        let mut seen = std::collections::HashSet::new();
        for name in NAMES {
            let text = message(name, &context()).unwrap();
            assert!(seen.insert(text.clone()), "{name}: duplicate message");
        }
        assert!(message("start-timeout", &context())
            .unwrap()
            .contains("in compute instance ci-alice compute is not ready"));
        assert!(message("nope", &context()).is_err());
    }
}
