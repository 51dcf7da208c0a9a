//! The typed clients' requests on the wire (paths, api-versions, bodies, headers) and how they
//! read answers, against a loopback HTTPS server.

mod support;

use std::sync::Arc;

use pfrm_core::azure::arm::{api_versions, ArmClient};
use pfrm_core::azure::authorization::{
    builtin_roles, role_definition_id, AuthorizationClient, PrincipalType,
};
use pfrm_core::azure::flow::{CreateFlowRuntimeRequest, FlowClient};
use pfrm_core::azure::graph::GraphClient;
use pfrm_core::azure::registry::{RegistryClient, RUNTIME_REPOSITORY};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::http::Pipeline;
use pfrm_core::model::RuntimeStatus;
use pfrm_core::ErrorCode;
use serde_json::json;
use support::{FakeCredential, Reply, TestServer};

const WS_PATH: &str = "/subscriptions/s1/resourceGroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1";

fn ws() -> WorkspaceRef {
    WorkspaceRef::new("s1", "rg1", "ws1")
}

#[tokio::test]
async fn arm_calls_use_the_documented_paths_and_api_versions() {
    let server = TestServer::start(|request, _| match request.path() {
        "/subscriptions" => Reply::json(200, json!({"value": [{"id": "/subscriptions/s1", "subscriptionId": "s1", "displayName": "Dev", "state": "Enabled"}]})),
        path if path.ends_with("/customServices") => Reply::empty(200),
        path if path.ends_with("/datastores") => Reply::json(200, json!({"value": [{"id": "d", "name": "workspaceblobstore", "properties": {"datastoreType": "AzureBlob", "isDefault": true}}]})),
        path if path.ends_with("/restart") => Reply::empty(202),
        _ => Reply::json(200, json!({"value": []})),
    })
    .await;
    let credential = FakeCredential::new();
    let arm = ArmClient::new(server.pipeline(credential.clone()));
    let subscriptions = arm.list_subscriptions().await.unwrap();
    assert_eq!(subscriptions[0].subscription_id, "s1");
    arm.list_workspaces("s1").await.unwrap();
    let stores = arm.list_datastores(&ws(), true).await.unwrap();
    assert_eq!(
        stores[0].properties.datastore_type.as_deref(),
        Some("AzureBlob")
    );
    arm.replace_custom_services(&ws(), "ci-1", &[])
        .await
        .unwrap();
    let pending = arm.restart_compute(&ws(), "ci-1").await.unwrap();
    // A 202 is not an outcome: without a status URL, waiting on it reports that Azure named
    // nothing to follow (ARM requires one), instead of calling it done.
    assert!(!pending.is_done());

    let requests = server.requests();
    let seen: Vec<(String, String, Option<String>)> = requests
        .iter()
        .map(|r| {
            (
                r.method.clone(),
                r.path().to_owned(),
                r.query("api-version"),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (
                "GET".into(),
                "/subscriptions".into(),
                Some(api_versions::RESOURCES.into())
            ),
            (
                "GET".into(),
                "/subscriptions/s1/providers/Microsoft.MachineLearningServices/workspaces".into(),
                Some("2024-04-01".into())
            ),
            (
                "GET".into(),
                format!("{WS_PATH}/datastores"),
                Some("2024-04-01".into())
            ),
            (
                "POST".into(),
                format!("{WS_PATH}/computes/ci-1/customServices"),
                Some("2024-04-01-preview".into())
            ),
            (
                "POST".into(),
                format!("{WS_PATH}/computes/ci-1/restart"),
                Some("2024-04-01".into())
            ),
        ]
    );
    assert_eq!(requests[2].query("isDefault").as_deref(), Some("true"));
    assert_eq!(
        requests[3].json(),
        json!([]),
        "customServices takes the whole list as an array"
    );
    assert!(credential
        .scopes()
        .iter()
        .all(|s| s == "https://management.azure.com/.default"));
}

#[tokio::test]
async fn role_assignment_put_sends_the_documented_body() {
    let server = TestServer::start(|request, _| {
        let body = request.json();
        Reply::json(201, json!({"id": format!("{}", request.path()), "name": request.path().rsplit('/').next().unwrap(), "properties": body["properties"].clone()}))
    })
    .await;
    let authorization = AuthorizationClient::new(server.pipeline(FakeCredential::new()));
    let name = uuid::Uuid::new_v4();
    let role = role_definition_id("s1", builtin_roles::AZUREML_DATA_SCIENTIST);
    let created = authorization
        .create_role_assignment(
            &ws().arm_id(),
            name,
            &role,
            "p-1",
            PrincipalType::ServicePrincipal,
        )
        .await
        .unwrap();
    assert_eq!(created.properties.principal_id, "p-1");
    let request = &server.requests()[0];
    assert_eq!(request.method, "PUT");
    assert_eq!(
        request.path(),
        format!("{WS_PATH}/providers/Microsoft.Authorization/roleAssignments/{name}")
    );
    assert_eq!(request.query("api-version").as_deref(), Some("2022-04-01"));
    assert_eq!(
        request.json(),
        json!({"properties": {"roleDefinitionId": role, "principalId": "p-1", "principalType": "ServicePrincipal"}})
    );

    let _ = authorization
        .list_role_assignments_for_principal(&ws().arm_id(), "o'neil")
        .await;
    let list = &server.requests()[1];
    assert_eq!(
        list.query("$filter").as_deref(),
        Some("principalId eq 'o''neil'")
    );
}

#[tokio::test]
async fn flow_runtimes_are_read_from_a_bare_array_and_created_with_async_call() {
    let server = TestServer::start(|request, _| match (request.method.as_str(), request.path().rsplit('/').next().unwrap()) {
        ("GET", "FlowRuntimes") => Reply::json(200, json!([
            {"runtimeName": "rt1", "status": "Running", "computeInstanceName": "ci-1", "dockerImage": "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2"},
            {"runtimeName": "rt2", "status": "SomethingNew"}
        ])),
        ("GET", "needUpgrade") => Reply::json(200, json!(true)),
        ("POST", _) => Reply::json(200, json!({"runtimeName": "rt3", "status": "Starting"})),
        _ => Reply::json(404, json!({"error": {"code": "UserError", "message": "Runtime x does not exist", "innerError": {"code": "NotFound"}}})),
    })
    .await;
    let pipeline = server.pipeline(FakeCredential::new());
    let discovery = format!("{}discovery", server.base);
    let flow = FlowClient::for_workspace(pipeline, ws(), Some(&discovery), "eastus").unwrap();
    let runtimes = flow.list_runtime_summaries().await.unwrap();
    assert_eq!(runtimes.len(), 2);
    assert_eq!(runtimes[0].status, RuntimeStatus::Running);
    assert_eq!(runtimes[0].image_tag.as_deref(), Some("20240111.v2"));
    assert_eq!(runtimes[1].status, RuntimeStatus::Unknown);
    assert_eq!(runtimes[1].status_text.as_deref(), Some("SomethingNew"));
    assert!(flow.need_upgrade("rt1").await.unwrap());
    let created = flow
        .create_runtime(
            "rt3",
            &CreateFlowRuntimeRequest::compute_instance("ci-1", None, None),
            true,
        )
        .await
        .unwrap();
    assert_eq!(created.status.as_deref(), Some("Starting"));
    let error = flow.get_runtime("x").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert_eq!(error.details.unwrap()["innerCode"], json!("NotFound"));

    let requests = server.requests();
    let prefix = format!("/flow/api{WS_PATH}/FlowRuntimes");
    assert_eq!(requests[0].path(), prefix);
    assert_eq!(requests[1].path(), format!("{prefix}/rt1/needUpgrade"));
    assert_eq!(requests[2].path(), format!("{prefix}/rt3"));
    assert_eq!(requests[2].query("asyncCall").as_deref(), Some("true"));
    assert_eq!(requests[2].json()["runtimeType"], json!("ComputeInstance"));
    assert!(
        requests.iter().all(|r| r.query("api-version").is_none()),
        "the flow service takes no api-version"
    );
    assert!(requests
        .iter()
        .all(|r| r.header("authorization") == Some("Bearer secret-token-1")));
}

#[tokio::test]
async fn registry_follows_link_pages_and_revalidates_with_etags() {
    let server = TestServer::start(|request, _| {
        let etag = format!("\"{}\"", request.query("last").unwrap_or_default());
        if request.header("if-none-match") == Some(etag.as_str()) {
            return Reply::empty(304).header("ETag", &etag);
        }
        match request.query("last").as_deref() {
            None => Reply::json(
                200,
                json!({"name": RUNTIME_REPOSITORY, "tags": ["20240111.v10", "20240111.v2"]}),
            )
            .header("ETag", &etag)
            .header(
                "Link",
                &format!("</v2/{RUNTIME_REPOSITORY}/tags/list?n=2&last=20240111.v2>; rel=\"next\""),
            ),
            Some(_) => Reply::json(
                200,
                json!({"name": RUNTIME_REPOSITORY, "tags": ["20240429.v8", "latest"]}),
            )
            .header("ETag", &etag),
        }
    })
    .await;
    let registry = RegistryClient::new(Pipeline::anonymous(&server.cloud()).unwrap());
    let tags = registry
        .list_tags(RUNTIME_REPOSITORY, Some(2))
        .await
        .unwrap();
    assert_eq!(
        tags,
        ["20240111.v10", "20240111.v2", "20240429.v8", "latest"]
    );
    let versions = registry.image_versions(RUNTIME_REPOSITORY).await.unwrap();
    let ordered: Vec<&str> = versions.iter().map(|v| v.tag.as_str()).collect();
    assert_eq!(ordered, ["20240429.v8", "20240111.v10", "20240111.v2"]);
    let again = registry
        .list_tags(RUNTIME_REPOSITORY, Some(2))
        .await
        .unwrap();
    assert_eq!(again, tags);

    let requests = server.requests();
    assert_eq!(
        requests[0].path(),
        format!("/v2/{RUNTIME_REPOSITORY}/tags/list")
    );
    assert_eq!(requests[0].query("n").as_deref(), Some("2"));
    assert_eq!(requests[1].query("last").as_deref(), Some("20240111.v2"));
    assert!(requests.iter().all(|r| r.header("authorization").is_none()));
    // The repeat fetched both pages again and both answered 304 from the cache.
    assert_eq!(requests.len(), 6);
    assert!(
        requests[4].header("if-none-match").is_some()
            && requests[5].header("if-none-match").is_some()
    );
}

#[tokio::test]
async fn graph_encodes_guest_upns_and_escapes_mail_filters() {
    let server = TestServer::start(|request, _| {
        if request.path() == "/v1.0/users" {
            Reply::json(200, json!({"value": [{"id": "o-1", "mail": "x@y"}]}))
        } else {
            Reply::json(200, json!({"id": "o-2", "userPrincipalName": "bob"}))
        }
    })
    .await;
    let credential = FakeCredential::new();
    let graph = GraphClient::new(server.pipeline(credential.clone()));
    graph
        .get_user("bob_fabrikam.com#EXT#@contoso.onmicrosoft.com")
        .await
        .unwrap();
    let found = graph.find_users_by_mail("o'hara@y").await.unwrap();
    assert_eq!(found[0].id, "o-1");
    let requests = server.requests();
    assert_eq!(
        requests[0].path(),
        "/v1.0/users/bob_fabrikam.com%23EXT%23@contoso.onmicrosoft.com"
    );
    assert_eq!(
        requests[0].query("$select").as_deref(),
        Some("id,userPrincipalName,displayName,mail")
    );
    assert_eq!(
        requests[1].query("$filter").as_deref(),
        Some("mail eq 'o''hara@y'")
    );
    assert!(credential
        .scopes()
        .iter()
        .all(|s| s == "https://graph.microsoft.com/.default"));
}

#[tokio::test]
async fn clients_share_one_pipeline() {
    // One pipeline value serves every client; cloning it shares the HTTP connection pool.
    let server = TestServer::start(|_, _| Reply::json(200, json!({"value": []}))).await;
    let pipeline: Pipeline = server.pipeline(FakeCredential::new());
    let arm = ArmClient::new(pipeline.clone());
    let authorization = AuthorizationClient::new(pipeline.clone());
    let _ = Arc::new(GraphClient::new(pipeline));
    arm.list_tenants().await.unwrap();
    authorization
        .list_permissions_for_workspace(&ws())
        .await
        .unwrap();
    assert_eq!(
        server.requests()[1].path(),
        "/subscriptions/s1/resourcegroups/rg1/providers/Microsoft.MachineLearningServices/workspaces/ws1/providers/Microsoft.Authorization/permissions"
    );
}
