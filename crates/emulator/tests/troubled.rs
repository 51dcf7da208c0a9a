//! The `troubled` world: one workspace per failure users report, each with a runtime that failed
//! that way, on an instance where a new runtime fails the same way again.

mod common;
use common::*;
use reqwest::Method;
use serde_json::json;

/// Workspace, runtime, instance, and words the service's message must contain.
const TROUBLES: [(&str, &str, &str, &str); 9] = [
    ("ws-start-timeout", "rt-custom-env", "ci-start-timeout", "compute is not ready: runtime starting timeout"),
    ("ws-not-yours", "rt-pipeline", "ci-not-yours", "not authorized to invoke this runtime as the runtime compute instance ci-not-yours is assigned to b0b00000-0000-4000-8000-000000000002"),
    ("ws-custom-app", "rt-app", "ci-custom-app", "Custom application deployment failed after retry"),
    ("ws-image-outside-acr", "rt-dockerhub", "ci-image-outside-acr", "is not a valid name for an ACR image with tag specified"),
    ("ws-shared-key-off", "rt-keys", "ci-shared-key-off", "Key based authentication is not permitted on this storage account"),
    ("ws-file-share-denied", "rt-files", "ci-file-share-denied", "Unable to access the dag.yaml file"),
    ("ws-no-quota", "rt-big", "ci-no-quota", "Not enough quota available for STANDARD_E16S_V3"),
    ("ws-datalake", "rt-lake", "ci-datalake", "AzureDataLakeGen2"),
    ("ws-unknown", "rt-mystery", "ci-unknown", "exited unexpectedly with exit code 139"),
];

#[tokio::test]
async fn every_troubled_workspace_holds_a_runtime_failed_with_the_services_words() {
    let env = start("troubled", 1000.0).await;
    let t = env.token(ALICE);
    for (ws, runtime, _, words) in TROUBLES {
        let (s, dto) = env
            .get_json(&env.flow("rg-trouble", ws, &format!("/{runtime}")), &t)
            .await;
        assert_eq!(s, 200, "{ws}");
        assert_eq!(dto["status"], "Failed", "{ws}: {dto}");
        let message = dto["error"]["error"]["message"]
            .as_str()
            .unwrap_or_default();
        assert!(message.contains(words), "{ws}: {message}");
        assert_eq!(dto["statusMessage"].as_str(), Some(message), "{ws}");
    }
}

#[tokio::test]
async fn a_new_runtime_on_a_troubled_instance_fails_the_same_way() {
    let env = start("troubled", 1000.0).await;
    let t = env.token(ALICE);
    for (ws, _, instance, words) in TROUBLES {
        let (s, body, _) = env
            .send_json(
                Method::POST,
                &env.flow("rg-trouble", ws, "/rt-again"),
                &t,
                &json!({"runtimeType": "ComputeInstance", "computeInstanceName": instance}),
            )
            .await;
        if ws == "ws-not-yours" {
            // Someone else's instance: refused at once, in the same words.
            assert_eq!(s, 403, "{body}");
            let message = body["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains("is assigned to b0b00000"), "{message}");
            continue;
        }
        assert_eq!(s, 200, "{ws}: {body}");
        assert_eq!(body["status"], "Failed", "{ws}: {body}");
        let message = body["statusMessage"].as_str().unwrap_or_default();
        let expected = if ws == "ws-datalake" {
            "AzureDataLakeGen2"
        } else {
            words
        };
        assert!(message.contains(expected), "{ws}: {message}");
    }
}

/// ws-datalake's default datastore is a Data Lake Storage Gen2 one, shaped as the spec shapes it
/// (a file system, no container) beside the workspace's own blob and file stores, and the
/// service's refusal names that datastore, not another.
#[tokio::test]
async fn the_data_lake_default_datastore_is_the_one_the_service_names() {
    let env = start("troubled", 1000.0).await;
    let t = env.token(ALICE);
    let (s, stores) = env
        .get_json(
            &env.ws_arm(
                "rg-trouble",
                "ws-datalake",
                "/datastores?api-version=2024-04-01",
            ),
            &t,
        )
        .await;
    assert_eq!(s, 200, "{stores}");
    let stores = stores["value"].as_array().expect("a list");
    let defaults: Vec<&serde_json::Value> = stores
        .iter()
        .filter(|store| store["properties"]["isDefault"] == true)
        .collect();
    assert_eq!(defaults.len(), 1, "one default: {stores:?}");
    let lake = defaults[0];
    let name = lake["name"].as_str().unwrap();
    assert_eq!(lake["properties"]["datastoreType"], "AzureDataLakeGen2");
    assert!(lake["properties"]["filesystem"].is_string(), "{lake}");
    assert!(lake["properties"].get("containerName").is_none(), "{lake}");
    assert!(lake["properties"].get("fileShareName").is_none(), "{lake}");
    let kind = |wanted: &str| {
        stores
            .iter()
            .find(|store| store["name"] == wanted)
            .map(|store| store["properties"]["datastoreType"].clone())
    };
    assert_eq!(kind("workspaceblobstore"), Some(json!("AzureBlob")));
    assert_eq!(kind("workspacefilestore"), Some(json!("AzureFile")));
    let (_, runtime) = env
        .get_json(&env.flow("rg-trouble", "ws-datalake", "/rt-lake"), &t)
        .await;
    let message = runtime["statusMessage"].as_str().unwrap_or_default();
    assert!(
        message.contains(&format!(
            "the default datastore '{name}' is of type AzureDataLakeGen2"
        )),
        "{message}"
    );
}
