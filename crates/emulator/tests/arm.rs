//! Azure Resource Manager behaviour: auth, api-versions, RBAC, paging, LROs, role assignments.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

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
        (s, b["error"]["code"].as_str()),
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
        (s, b["error"]["code"].as_str()),
        (400, Some("MissingApiVersionParameter"))
    );
    let (s, b) = env
        .get_json(&env.arm(&format!("{ws}?api-version=2019-01-01")), &t)
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("NoRegisteredProviderFound"))
    );
    let (s, b) = env
        .get_json(&env.arm("/subscriptions?api-version=1999-01-01"), &t)
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
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
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("ResourceGroupNotFound"))
    );
    // RBAC is checked before existence: Alice has no role there, the subscription owner sees 404.
    let missing = env.arm(&format!("{}?{MLS_V}", env.ws_path("rg-ml", "nope")));
    let (s, b) = env.get_json(&missing, &t).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    let (s, b) = env
        .get_json(&missing, &env.token("carol@contoso.com"))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (404, Some("ResourceNotFound"))
    );
}

#[tokio::test]
async fn compute_list_pages_with_next_link() {
    let env = start("returning", 1.0).await;
    env.emu.set_page_size(1);
    let t = env.token(ALICE);
    let mut url = env.arm(&format!(
        "{}/computes?{MLS_V}",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    let mut names = vec![];
    let mut pages = 0;
    loop {
        let (s, b) = env.get_json(&url, &t).await;
        assert_eq!(s, 200);
        pages += 1;
        for c in b["value"].as_array().unwrap() {
            names.push(c["name"].as_str().unwrap().to_string());
        }
        match b["nextLink"].as_str() {
            Some(next) => url = next.to_string(),
            None => break,
        }
    }
    assert_eq!(names, ["ci-alice", "ci-carol"]);
    assert_eq!(pages, 2);
}

#[tokio::test]
async fn default_datastore_filter_finds_the_blob_store_or_reports_the_file_store() {
    let env = start("blocked", 1.0).await;
    let t = env.token(ALICE);
    let (_, ok) = env
        .get_json(
            &env.arm(&format!(
                "{}/datastores?{MLS_V}&isDefault=true",
                env.ws_path("rg-ml", "ws-open")
            )),
            &t,
        )
        .await;
    assert_eq!(ok["value"].as_array().unwrap().len(), 1);
    assert_eq!(ok["value"][0]["properties"]["datastoreType"], "AzureBlob");
    let (_, file) = env
        .get_json(
            &env.arm(&format!(
                "{}/datastores?{MLS_V}&isDefault=true",
                env.ws_path("rg-ml", "ws-filestore")
            )),
            &t,
        )
        .await;
    assert_eq!(file["value"][0]["properties"]["datastoreType"], "AzureFile");
    let (s, _) = env
        .get_json(
            &env.arm(&format!(
                "{}/datastores/workspaceworkingdirectory?{MLS_V}",
                env.ws_path("rg-ml", "ws-filestore")
            )),
            &t,
        )
        .await;
    assert_eq!(s, 404);
    let (s, b) = env
        .get_json(
            &env.arm(&format!(
                "{}/datastores?{MLS_V}&isDefault=maybe",
                env.ws_path("rg-ml", "ws-open")
            )),
            &t,
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("InvalidQueryParameterValue"))
    );
}

#[tokio::test]
async fn rbac_refuses_actions_the_roles_do_not_grant() {
    let env = start("blocked", 1.0).await;
    let bob = env.token("bob@contoso.com");
    let alice = env.token(ALICE);
    let ci = format!("{}/computes/ci-bob", env.ws_path("rg-ml", "ws-open"));
    // Bob is a Reader: he may read but not stop his instance.
    let (s, _) = env.get_json(&env.arm(&format!("{ci}?{MLS_V}")), &bob).await;
    assert_eq!(s, 200);
    let (s, b, _) = env
        .send_json(
            Method::POST,
            &env.arm(&format!("{ci}/start?{MLS_V}")),
            &bob,
            &json!({}),
        )
        .await;
    assert_eq!(s, 403);
    assert_eq!(b["error"]["code"], "AuthorizationFailed");
    assert!(b["error"]["message"]
        .as_str()
        .unwrap()
        .contains("workspaces/computes/start/action"));
    // Alice (Data Scientist only) cannot replace custom applications.
    let path = format!(
        "{}/computes/ci-alice-open/customServices?api-version=2024-04-01-preview",
        env.ws_path("rg-ml", "ws-open")
    );
    let (s, b, _) = env
        .send_json(Method::POST, &env.arm(&path), &alice, &json!([]))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    // Effective permissions show the Data Scientist role's actions and notActions.
    let (s, p) = env
        .get_json(
            &env.arm(&format!(
                "{}/providers/Microsoft.Authorization/permissions?{AUTH_V}",
                env.ws_path("rg-ml", "ws-open")
            )),
            &alice,
        )
        .await;
    assert_eq!(s, 200);
    let entry = &p["value"][0];
    assert!(entry["actions"].as_array().unwrap().contains(&json!(
        "Microsoft.MachineLearningServices/workspaces/*/read"
    )));
    assert!(entry["notActions"].as_array().unwrap().contains(&json!(
        "Microsoft.MachineLearningServices/workspaces/computes/*/write"
    )));
    let (_, p) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/resourcegroups/rg-ml/providers/Microsoft.Authorization/permissions?{AUTH_V}")), &bob).await;
    assert_eq!(p["value"][0]["actions"], json!(["*/read"]));
}

async fn poll_lro(env: &Env, url: &str, token: &str) -> (String, u32) {
    let mut polls = 0;
    loop {
        let (s, b) = env.get_json(url, token).await;
        assert_eq!(s, 200);
        polls += 1;
        let status = b["status"].as_str().unwrap().to_string();
        if status != "InProgress" {
            return (status, polls);
        }
        assert!(polls < 200);
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn restart_stop_start_are_lros_that_drive_the_state_machine() {
    let env = start("first-time", 60.0).await;
    let t = env.token(ALICE);
    let ci = env.arm(&format!(
        "{}/computes/ci-alice",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    let (s, _, h) = env
        .send_json(
            Method::POST,
            &format!("{ci}/restart?{MLS_V}"),
            &t,
            &json!({}),
        )
        .await;
    assert_eq!(s, 202);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    assert!(op.contains("/computeOperationsStatus/"));
    assert!(h["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert!(h.contains_key("location"));
    let (_, c) = env.get_json(&format!("{ci}?{MLS_V}"), &t).await;
    assert_eq!(c["properties"]["properties"]["state"], "Restarting");
    // Busy instances refuse another operation.
    let (s, _, _) = env
        .send_json(Method::POST, &format!("{ci}/stop?{MLS_V}"), &t, &json!({}))
        .await;
    assert_eq!(s, 409);
    let (status, polls) = poll_lro(&env, &op, &t).await;
    assert_eq!(status, "Succeeded");
    assert!(polls > 1, "the restart took some time");
    let (_, c) = env.get_json(&format!("{ci}?{MLS_V}"), &t).await;
    assert_eq!(c["properties"]["properties"]["state"], "Running");
    assert_eq!(
        c["properties"]["properties"]["lastOperation"]["operationName"],
        "Restart"
    );
    // Start on a running instance is refused.
    let (s, b, _) = env
        .send_json(Method::POST, &format!("{ci}/start?{MLS_V}"), &t, &json!({}))
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("StartComputeInstanceOnlyAllowedInStoppedState"))
    );
    let (s, _, h) = env
        .send_json(Method::POST, &format!("{ci}/stop?{MLS_V}"), &t, &json!({}))
        .await;
    assert_eq!(s, 202);
    let location = h["location"].to_str().unwrap().to_string();
    let started = Instant::now();
    loop {
        let r = env.get(&location, &t).await;
        if r.status() != 202 {
            assert_eq!(r.status(), 204);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, c) = env.get_json(&format!("{ci}?{MLS_V}"), &t).await;
    assert_eq!(c["properties"]["properties"]["state"], "Stopped");
}

#[tokio::test]
async fn custom_services_replace_needs_a_preview_api_version_and_valid_bodies() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let base = env.arm(&format!(
        "{}/computes/ci-alice",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    let app = json!([{"name": "pf-rt", "image": {"type": "docker", "reference": "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2"},
        "endpoints": [{"name": "connect", "protocol": "http", "target": 8080, "published": 8081}], "docker": {"privileged": false}, "environmentVariables": {}, "volumes": []}]);
    let (s, b, _) = env
        .send_json(
            Method::POST,
            &format!("{base}/customServices?{MLS_V}"),
            &t,
            &app,
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("NoRegisteredProviderFound"))
    );
    let preview = format!("{base}/customServices?api-version=2024-04-01-preview");
    let (s, _, _) = env
        .send_json(Method::POST, &preview, &t, &json!({"name": "not-an-array"}))
        .await;
    assert_eq!(s, 400);
    let (s, b, _) = env
        .send_json(
            Method::POST,
            &preview,
            &t,
            &json!([{"name": "x", "endpoints": [{"target": "eighty"}]}]),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("InvalidRequestContent"))
    );
    let (s, _, h) = env.send_json(Method::POST, &preview, &t, &app).await;
    assert_eq!(s, 200);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    assert!(h.contains_key("retry-after"));
    let (s, status) = env.get_json(&op, &t).await;
    assert_eq!(s, 200);
    assert!(["InProgress", "Succeeded"].contains(&status["status"].as_str().unwrap()));
    let (_, c) = env.get_json(&format!("{base}?{MLS_V}"), &t).await;
    assert_eq!(
        c["properties"]["properties"]["customServices"][0]["name"],
        "pf-rt"
    );
    let r = env
        .http
        .post(&preview)
        .bearer_auth(&t)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<Value>().await.unwrap()["error"]["code"],
        "InvalidRequestContent"
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
    assert_eq!((s, b["error"]["code"].as_str()), (400, Some("BadRequest")));
    let (_, ep) = env
        .get_json(
            &env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint?{MLS_V}")),
            &t,
        )
        .await;
    assert_eq!(ep["identity"]["type"], "SystemAssigned");
    assert!(uuid::Uuid::parse_str(ep["identity"]["principalId"].as_str().unwrap()).is_ok());
}

#[tokio::test]
async fn role_assignments_create_conflict_list_delete_and_propagate() {
    let env = start("returning", 1000.0).await;
    let carol = env.token("carol@contoso.com");
    let alice = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let ep_principal = {
        let (_, ep) = env
            .get_json(
                &env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint?{MLS_V}")),
                &alice,
            )
            .await;
        ep["identity"]["principalId"].as_str().unwrap().to_string()
    };
    let body = json!({"properties": {"roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": ep_principal, "principalType": "ServicePrincipal"}});
    let name = uuid::Uuid::new_v4().to_string();
    let url = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/{name}?{AUTH_V}"
    ));
    // Alice (Data Scientist) cannot assign roles.
    let (s, b, _) = env.send_json(Method::PUT, &url, &alice, &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
    // Carol (Owner) can; the same principal+role+scope under another name conflicts.
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!(s, 201, "{b}");
    assert_eq!(b["properties"]["scope"], ws);
    let other = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}",
        uuid::Uuid::new_v4()
    ));
    let (s, b, _) = env.send_json(Method::PUT, &other, &carol, &body).await;
    assert_eq!(
        (
            s,
            b["error"]["code"].as_str(),
            b["error"]["message"].as_str()
        ),
        (
            409,
            Some("RoleAssignmentExists"),
            Some("The role assignment already exists.")
        )
    );
    let (s, b) = env.get_json(&url, &carol).await;
    assert_eq!((s, b["name"].as_str()), (200, Some(name.as_str())));
    let filter = format!("{ws}/providers/Microsoft.Authorization/roleAssignments?{AUTH_V}&$filter=principalId%20eq%20'{ep_principal}'");
    let (_, list) = env.get_json(&env.arm(&filter), &carol).await;
    assert_eq!(list["value"].as_array().unwrap().len(), 1);
    // Bad names and unknown principals.
    let bad = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/not-a-guid?{AUTH_V}"
    ));
    let (s, b, _) = env.send_json(Method::PUT, &bad, &carol, &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("InvalidRoleAssignmentId"))
    );
    let ghost = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": "00000000-0000-4000-8000-00000000dead"}});
    let (s, b, _) = env.send_json(Method::PUT, &other, &carol, &ghost).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("PrincipalNotFound"))
    );
    let (s, b, _) = env
        .send_json(
            Method::PUT,
            &other,
            &carol,
            &json!({"properties": {"principalId": ep_principal}}),
        )
        .await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("InvalidRequestContent"))
    );
    // Delete.
    let r = env
        .http
        .delete(&url)
        .bearer_auth(&carol)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let (s, _) = env.get_json(&url, &carol).await;
    assert_eq!(s, 404);
    // Propagation delay: Dave (Fabrikam owner) grants Alice Data Scientist on a new scope; the
    // permission counts only after the (scaled) delay.
    env.emu
        .set_role_propagation_delay(Duration::from_millis(2000));
    let bob_like = env
        .emu
        .issue_access_token("carol@contoso.com", ARM_SCOPE)
        .unwrap();
    let ci_url = env.arm(&format!("{ws}/computes?{MLS_V}"));
    let (s, _) = env.get_json(&ci_url, &bob_like).await;
    assert_eq!(s, 200, "owners read computes");
    let grant = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": "ca201000-0000-4000-8000-000000000003"}});
    let fresh = env.arm(&format!("/subscriptions/{SUB}/resourceGroups/rg-ml/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}", uuid::Uuid::new_v4()));
    let (s, _, _) = env.send_json(Method::PUT, &fresh, &carol, &grant).await;
    assert_eq!(s, 201);
    let perms = env.arm(&format!("/subscriptions/{SUB}/resourcegroups/rg-ml/providers/Microsoft.Authorization/permissions?{AUTH_V}"));
    let (_, before) = env.get_json(&perms, &carol).await;
    assert_eq!(
        before["value"].as_array().unwrap().len(),
        1,
        "only Owner so far"
    );
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let (_, after) = env.get_json(&perms, &carol).await;
    assert_eq!(
        after["value"].as_array().unwrap().len(),
        2,
        "the new assignment has propagated"
    );
}

#[tokio::test]
async fn principal_not_found_can_be_forced_for_replication_delay() {
    let env = start("returning", 1.0).await;
    let carol = env.token("carol@contoso.com");
    env.emu.set_principal_not_found(vec![ALICE_OID.into()]);
    let url = env.arm(&format!(
        "{}/providers/Microsoft.Authorization/roleAssignments/{}?{AUTH_V}",
        env.ws_path("rg-ml", "ml-workspace"),
        uuid::Uuid::new_v4()
    ));
    let body = json!({"properties": {"roleDefinitionId": format!("/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}"), "principalId": ALICE_OID, "principalType": "User"}});
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (400, Some("PrincipalNotFound"))
    );
    env.emu.set_principal_not_found(vec![]);
    let (s, b, _) = env.send_json(Method::PUT, &url, &carol, &body).await;
    assert_eq!(
        (s, b["error"]["code"].as_str()),
        (409, Some("RoleAssignmentExists")),
        "Alice already has the role"
    );
}

#[tokio::test]
async fn role_definitions_include_data_scientist_with_real_actions() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let url = env.arm(&format!("{}/providers/Microsoft.Authorization/roleDefinitions?{AUTH_V}&$filter=roleName%20eq%20'AzureML%20Data%20Scientist'", env.ws_path("rg-ml", "ml-workspace")));
    let (s, b) = env.get_json(&url, &t).await;
    assert_eq!(s, 200);
    let role = &b["value"][0];
    assert_eq!(role["name"], DS_ROLE);
    assert_eq!(
        role["properties"]["permissions"][0]["actions"]
            .as_array()
            .unwrap()
            .len(),
        4
    );
    let (s, _) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/{DS_ROLE}?{AUTH_V}")), &t).await;
    assert_eq!(s, 200);
}

#[tokio::test]
async fn a_failing_start_ends_the_lro_failed_and_leaves_the_instance_stopped() {
    let env = start("returning", 60.0).await;
    let carol = env.token("carol@contoso.com");
    let ci = env.arm(&format!(
        "{}/computes/ci-carol",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    env.emu.fail_next_compute_operation(
        "QuotaExceeded",
        "Not enough quota for STANDARD_DS3_V2 in eastus.",
    );
    let (s, _, h) = env
        .send_json(
            Method::POST,
            &format!("{ci}/start?{MLS_V}"),
            &carol,
            &json!({}),
        )
        .await;
    assert_eq!(s, 202);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    let (_, c) = env.get_json(&format!("{ci}?{MLS_V}"), &carol).await;
    assert_eq!(c["properties"]["properties"]["state"], "Starting");
    let started = Instant::now();
    let status = loop {
        let (_, b) = env.get_json(&op, &carol).await;
        if b["status"] != "InProgress" {
            break b;
        }
        assert!(started.elapsed() < Duration::from_secs(10));
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(status["status"], "Failed");
    assert_eq!(status["error"]["code"], "QuotaExceeded");
    let (_, c) = env.get_json(&format!("{ci}?{MLS_V}"), &carol).await;
    assert_eq!(c["properties"]["properties"]["state"], "Stopped");
    assert_eq!(
        c["properties"]["properties"]["lastOperation"]["operationStatus"],
        "StartFailed"
    );
    // Only the next operation fails.
    let (s, _, _) = env
        .send_json(
            Method::POST,
            &format!("{ci}/start?{MLS_V}"),
            &carol,
            &json!({}),
        )
        .await;
    assert_eq!(s, 202);
}
