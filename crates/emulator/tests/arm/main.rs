//! Azure Resource Manager behaviour: auth, api-versions, listings, datastores and
//! environments here; compute instances and their long-running operations in `computes`;
//! RBAC, role assignments and role definitions in `roles`.

#[path = "../common/mod.rs"]
mod common;
mod computes;
mod roles;

use common::*;
use reqwest::Method;
use serde_json::{json, Value};

const MLS_V: &str = "api-version=2024-04-01";
const AUTH_V: &str = "api-version=2022-04-01";
const DS_ROLE: &str = "f6c7c914-8db3-469d-8ca1-694a8f32e121";

#[tokio::test]
async fn missing_wrong_audience_and_wrong_tenant_tokens_get_401_with_challenge() {
    let env = start("returning", 1.0).await;
    let url = env.arm(&format!("{}?{MLS_V}", env.ws_path("rg-ml", "ml-workspace")));
    let r = env.http.get(&url).send().await.unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer authorization_uri="));
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "AuthenticationFailed"
    );

    let graph = env
        .emu
        .issue_access_token(ALICE, "https://graph.microsoft.com/.default")
        .unwrap();
    let (s, b) = env.get_json(&url, &graph).await;
    assert_eq!(
        (s, error_code(&b)),
        (401, Some("InvalidAuthenticationTokenAudience"))
    );

    let legacy = env
        .emu
        .issue_access_token(ALICE, "https://management.core.windows.net//.default")
        .unwrap();
    assert_eq!(
        claims(&legacy)["aud"],
        "https://management.core.windows.net/"
    );
    let (s, _) = env.get_json(&url, &legacy).await;
    assert_eq!(s, 200);

    // A token from Alice's guest tenant cannot call a Contoso subscription.
    let fabrikam = env
        .emu
        .issue_access_token_for_tenant(ALICE, ARM_SCOPE, "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e")
        .unwrap();
    let r = env.get(&url, &fabrikam).await;
    assert_eq!(r.status(), 401);
    assert!(r.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .contains(&env.info().tenant_id));
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "InvalidAuthenticationTokenTenant"
    );
}

#[tokio::test]
async fn api_version_is_required_and_checked_and_headers_are_present() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let (s, b) = env.get_json(&env.arm(&ws), &t).await;
    assert_eq!(
        (s, error_code(&b)),
        (400, Some("MissingApiVersionParameter"))
    );
    let (s, b) = env
        .get_json(&env.arm(&format!("{ws}?api-version=2019-01-01")), &t)
        .await;
    assert_eq!(
        (s, error_code(&b)),
        (400, Some("NoRegisteredProviderFound"))
    );
    let (s, b) = env
        .get_json(&env.arm("/subscriptions?api-version=1999-01-01"), &t)
        .await;
    assert_eq!(
        (s, error_code(&b)),
        (400, Some("InvalidApiVersionParameter"))
    );
    let r = env
        .http
        .get(env.arm(&format!("{ws}?{MLS_V}")))
        .bearer_auth(&t)
        .header("x-ms-client-request-id", "abc-123")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert!(h.contains_key("x-ms-request-id"));
    assert_eq!(h["x-ms-client-request-id"], "abc-123");
    let reads: u64 = h["x-ms-ratelimit-remaining-subscription-reads"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(reads > 0 && reads < 12000);
    let w: Value = r.json().await.unwrap();
    assert_eq!(
        w["properties"]["discoveryUrl"],
        format!("{}/discovery", env.info().flow_endpoint)
    );
    assert_eq!(w["kind"], "Default");
    assert_eq!(w["properties"]["enableDataIsolation"], false);
    assert!(uuid::Uuid::parse_str(w["properties"]["workspaceId"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn tenants_subscriptions_and_workspaces_are_listed_for_the_caller() {
    let env = start("returning", 1.0).await;
    let t = env.token(ALICE);
    let (_, tenants) = env
        .get_json(&env.arm("/tenants?api-version=2022-12-01"), &t)
        .await;
    assert_eq!(
        tenants["value"].as_array().unwrap().len(),
        2,
        "Alice is a guest in Fabrikam"
    );
    let (_, subs) = env
        .get_json(&env.arm("/subscriptions?api-version=2022-12-01"), &t)
        .await;
    let subs = subs["value"].as_array().unwrap();
    assert_eq!(subs.len(), 1, "only the token tenant's subscriptions");
    assert_eq!(subs[0]["subscriptionId"], SUB);
    let (_, wss) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces?{MLS_V}")), &t).await;
    assert_eq!(wss["value"][0]["name"], "ml-workspace");
    let (s, b) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/resourceGroups/nope/providers/Microsoft.MachineLearningServices/workspaces?{MLS_V}")), &t).await;
    assert_eq!((s, error_code(&b)), (404, Some("ResourceGroupNotFound")));
    // RBAC is checked before existence: Alice has no role there, the subscription owner sees 404.
    let missing = env.arm(&format!("{}?{MLS_V}", env.ws_path("rg-ml", "nope")));
    let (s, b) = env.get_json(&missing, &t).await;
    assert_eq!((s, error_code(&b)), (403, Some("AuthorizationFailed")));
    let (s, b) = env
        .get_json(&missing, &env.token("carol@contoso.com"))
        .await;
    assert_eq!((s, error_code(&b)), (404, Some("ResourceNotFound")));
}

#[tokio::test]
async fn default_datastore_filter_finds_the_blob_store_or_reports_the_file_store() {
    let env = start("blocked", 1.0).await;
    let t = env.token(ALICE);
    let (_, ok) = env
        .get_json(
            &env.ws_arm(
                "rg-ml",
                "ws-open",
                &format!("/datastores?{MLS_V}&isDefault=true"),
            ),
            &t,
        )
        .await;
    assert_eq!(ok["value"].as_array().unwrap().len(), 1);
    assert_eq!(ok["value"][0]["properties"]["datastoreType"], "AzureBlob");
    let (_, file) = env
        .get_json(
            &env.ws_arm(
                "rg-ml",
                "ws-filestore",
                &format!("/datastores?{MLS_V}&isDefault=true"),
            ),
            &t,
        )
        .await;
    assert_eq!(file["value"][0]["properties"]["datastoreType"], "AzureFile");
    let (s, _) = env
        .get_json(
            &env.ws_arm(
                "rg-ml",
                "ws-filestore",
                &format!("/datastores/workspaceworkingdirectory?{MLS_V}"),
            ),
            &t,
        )
        .await;
    assert_eq!(s, 404);
    let (s, b) = env
        .get_json(
            &env.ws_arm(
                "rg-ml",
                "ws-open",
                &format!("/datastores?{MLS_V}&isDefault=maybe"),
            ),
            &t,
        )
        .await;
    assert_eq!(
        (s, error_code(&b)),
        (400, Some("InvalidQueryParameterValue"))
    );
}

#[tokio::test]
async fn environments_and_online_endpoint_identity() {
    let env = start("returning", 1.0).await;
    let t = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let (_, list) = env
        .get_json(&env.arm(&format!("{ws}/environments?{MLS_V}")), &t)
        .await;
    assert_eq!(list["value"][0]["name"], "pf-custom");
    assert_eq!(list["value"][0]["properties"]["latestVersion"], "2");
    let (_, v) = env
        .get_json(
            &env.arm(&format!("{ws}/environments/pf-custom/versions/1?{MLS_V}")),
            &t,
        )
        .await;
    assert!(v["properties"]["build"]["contextUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let (s, _, _) = env.send_json(Method::PUT, &env.arm(&format!("{ws}/environments/pf-custom/versions/3?{MLS_V}")), &t,
        &json!({"properties": {"build": {"contextUri": "https://st.blob.core.windows.net/ctx/", "dockerfilePath": "Dockerfile"}}})).await;
    assert_eq!(s, 201);
    let (_, c) = env
        .get_json(
            &env.arm(&format!("{ws}/environments/pf-custom?{MLS_V}")),
            &t,
        )
        .await;
    assert_eq!(c["properties"]["latestVersion"], "3");
    let (s, b, _) = env
        .send_json(
            Method::PUT,
            &env.arm(&format!("{ws}/environments/pf-custom/versions/4?{MLS_V}")),
            &t,
            &json!({"properties": {}}),
        )
        .await;
    assert_eq!((s, error_code(&b)), (400, Some("BadRequest")));
    let (_, ep) = env
        .get_json(
            &env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint?{MLS_V}")),
            &t,
        )
        .await;
    assert_eq!(ep["identity"]["type"], "SystemAssigned");
    assert!(uuid::Uuid::parse_str(ep["identity"]["principalId"].as_str().unwrap()).is_ok());
}
