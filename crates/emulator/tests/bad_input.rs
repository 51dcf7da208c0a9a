//! Bad input never crashes the emulator: malformed JSON, wrong types, oversized bodies and
//! random bodies on every route get a structured 4xx (never a 5xx, never a dropped connection).

mod common;
use common::*;
use proptest::prelude::*;
use reqwest::Method;
use serde_json::{json, Value};

fn routes(env: &Env) -> Vec<(Method, String)> {
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let a = "api-version=2022-04-01";
    let v = "api-version=2024-04-01";
    let p = "api-version=2024-04-01-preview";
    vec![
        (Method::PUT, env.arm(&format!("{ws}/computes/ci-new?{v}"))),
        (
            Method::POST,
            env.arm(&format!("{ws}/computes/ci-alice/customServices?{p}")),
        ),
        (
            Method::POST,
            env.arm(&format!(
                "{ws}/computes/ci-alice/updateIdleShutdownSetting?{v}"
            )),
        ),
        (
            Method::PUT,
            env.arm(&format!("{ws}/environments/env1/versions/1?{v}")),
        ),
        (
            Method::PUT,
            env.arm(&format!(
                "{ws}/providers/Microsoft.Authorization/roleAssignments/{}?{a}",
                uuid::Uuid::new_v4()
            )),
        ),
        (
            Method::POST,
            env.flow("rg-ml", "ml-workspace", "/rt-fuzz?asyncCall=true"),
        ),
        (
            Method::PUT,
            env.flow("rg-ml", "ml-workspace", "/rt-fuzz?asyncCall=true"),
        ),
        (
            Method::GET,
            env.arm(&format!("{ws}/datastores?{v}&isDefault=x&count=-1")),
        ),
    ]
}

async fn send_raw(
    env: &Env,
    method: Method,
    url: &str,
    token: &str,
    body: Vec<u8>,
) -> (u16, String) {
    let r = env
        .http
        .request(method, url)
        .bearer_auth(token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("the emulator answers instead of dropping the connection");
    let status = r.status().as_u16();
    (status, r.text().await.expect("body"))
}

fn assert_structured_4xx(status: u16, body: &str, what: &str) {
    assert!(status < 500, "{what}: {status} {body}");
    if status >= 400 {
        let v: Value = serde_json::from_str(body)
            .unwrap_or_else(|_| panic!("{what}: error body is JSON: {body}"));
        assert!(
            v["error"]["code"].is_string() || v["errors"][0]["code"].is_string(),
            "{what}: {body}"
        );
    }
}

#[tokio::test]
async fn malformed_json_wrong_types_and_missing_fields_get_invalid_request_content() {
    let env = start("returning", 1000.0).await;
    let t = env.token("carol@contoso.com");
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let ra = env.arm(&format!(
        "{ws}/providers/Microsoft.Authorization/roleAssignments/{}?api-version=2022-04-01",
        uuid::Uuid::new_v4()
    ));
    for (body, code) in [
        (b"{\"properties\":".to_vec(), "InvalidRequestContent"),
        (b"".to_vec(), "InvalidRequestContent"),
        (br#"{"properties": {"roleDefinitionId": 42, "principalId": "x"}}"#.to_vec(), "InvalidRequestContent"),
        (br#"{"properties": {"roleDefinitionId": "/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121"}}"#.to_vec(), "InvalidRequestContent"),
        (br#"[1,2,3]"#.to_vec(), "InvalidRequestContent"),
    ] {
        let (s, b) = send_raw(&env, Method::PUT, &ra, &t, body.clone()).await;
        assert_eq!(s, 400, "{}", String::from_utf8_lossy(&body));
        assert_eq!(serde_json::from_str::<Value>(&b).unwrap()["error"]["code"], code);
    }
    let (s, b) = send_raw(
        &env,
        Method::PUT,
        &env.arm(&format!("{ws}/computes/9bad?api-version=2024-04-01")),
        &t,
        br#"{"properties":{"computeType":"ComputeInstance"}}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (
            s,
            serde_json::from_str::<Value>(&b).unwrap()["error"]["code"].clone()
        ),
        (400, json!("InvalidResourceName"))
    );
    let (s, b) = send_raw(
        &env,
        Method::PUT,
        &env.arm(&format!("{ws}/computes/ci-new?api-version=2024-04-01")),
        &t,
        br#"{"properties":{}}"#.to_vec(),
    )
    .await;
    assert_eq!(
        (
            s,
            serde_json::from_str::<Value>(&b).unwrap()["error"]["code"].clone()
        ),
        (400, json!("InvalidRequestContent"))
    );
}

#[tokio::test]
async fn oversized_bodies_are_refused_with_an_arm_error() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let url = env.arm(&format!(
        "{}/computes/ci-alice/customServices?api-version=2024-04-01-preview",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    let big = vec![b' '; 5 * 1024 * 1024];
    let (s, b) = send_raw(&env, Method::POST, &url, &t, big).await;
    assert_eq!(s, 413);
    assert_eq!(
        serde_json::from_str::<Value>(&b).unwrap()["error"]["code"],
        "RequestEntityTooLarge"
    );
}

#[tokio::test]
async fn a_compute_created_by_put_goes_through_creating() {
    let env = start("first-time", 1000.0).await;
    let t = env.token(ALICE);
    let url = env.arm(&format!(
        "{}/computes/ci-second?api-version=2024-04-01",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    let (s, b, h) = env.send_json(Method::PUT, &url, &t, &json!({"location": "eastus", "properties": {"computeType": "ComputeInstance", "properties": {"vmSize": "STANDARD_DS3_V2"}}})).await;
    assert_eq!(s, 201, "{b}");
    assert!(h.contains_key("azure-asyncoperation"));
    assert_eq!(b["properties"]["properties"]["state"], "Creating");
    assert_eq!(
        b["properties"]["properties"]["personalComputeInstanceSettings"]["assignedUser"]
            ["objectId"],
        ALICE_OID
    );
}

fn body_strategy() -> impl Strategy<Value = Vec<u8>> {
    let json_leaf = prop_oneof![
        Just(json!(null)),
        any::<bool>().prop_map(|b| json!(b)),
        any::<i64>().prop_map(|n| json!(n)),
        "[a-zA-Z0-9 _-]{0,12}".prop_map(|s| json!(s)),
    ];
    let json_value = json_leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("properties".to_string()),
                    Just("name".to_string()),
                    Just("image".to_string()),
                    Just("endpoints".to_string()),
                    Just("computeInstanceName".to_string()),
                    Just("runtimeType".to_string()),
                    Just("principalId".to_string()),
                    Just("roleDefinitionId".to_string()),
                    "[a-z]{1,8}",
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    });
    prop_oneof![
        json_value.prop_map(|v| v.to_string().into_bytes()),
        prop::collection::vec(any::<u8>(), 0..64),
    ]
}

#[test]
fn random_bodies_on_every_route_never_cause_a_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(start("returning", 1000.0));
    let token = env.token(ALICE);
    let owner = env.token("carol@contoso.com");
    let routes = routes(&env);
    let config = ProptestConfig {
        cases: 48,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |(body in body_strategy(), route in 0..routes.len(), as_owner in any::<bool>())| {
        let (method, url) = routes[route].clone();
        let t = if as_owner { &owner } else { &token };
        let (status, text) = rt.block_on(send_raw(&env, method.clone(), &url, t, body.clone()));
        assert_structured_4xx(status, &text, &format!("{method} {url} with {}", String::from_utf8_lossy(&body)));
    });
}

fn path_strategy() -> impl Strategy<Value = (usize, String, String)> {
    let segment = prop_oneof![
        Just("subscriptions".to_string()),
        Just(SUB.to_string()),
        Just("resourceGroups".to_string()),
        Just("rg-ml".to_string()),
        Just("providers".to_string()),
        Just("Microsoft.MachineLearningServices".to_string()),
        Just("Microsoft.Authorization".to_string()),
        Just("workspaces".to_string()),
        Just("ml-workspace".to_string()),
        Just("computes".to_string()),
        Just("ci-alice".to_string()),
        Just("FlowRuntimes".to_string()),
        Just("flow".to_string()),
        Just("api".to_string()),
        Just("oauth2".to_string()),
        Just("v2.0".to_string()),
        Just("v2".to_string()),
        Just("v1.0".to_string()),
        Just("users".to_string()),
        Just("roleAssignments".to_string()),
        Just("locations".to_string()),
        Just("computeOperationsStatus".to_string()),
        Just("_emulator".to_string()),
        "[a-zA-Z0-9%._~-]{0,10}",
    ];
    let method = prop_oneof![
        Just("GET"),
        Just("POST"),
        Just("PUT"),
        Just("DELETE"),
        Just("PATCH")
    ];
    (
        0..6usize,
        prop::collection::vec(segment, 0..12).prop_map(|s| s.join("/")),
        (method, "[a-zA-Z0-9=&$%._-]{0,24}").prop_map(|(m, q)| format!("{m} {q}")),
    )
}

#[test]
fn random_paths_methods_and_queries_on_every_listener_never_cause_a_server_error() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let env = rt.block_on(start("returning", 1000.0));
    let token = env.token(ALICE);
    let i = env.info();
    let bases = [
        i.authority_host.clone(),
        i.arm_endpoint.clone(),
        i.flow_endpoint.clone(),
        i.registry_endpoint.clone(),
        i.graph_endpoint.clone(),
        i.control_endpoint.clone(),
    ];
    let config = ProptestConfig {
        cases: 96,
        failure_persistence: None,
        ..ProptestConfig::default()
    };
    proptest!(config, |((listener, path, method_query) in path_strategy(), body in body_strategy())| {
        let (method, query) = method_query.split_once(' ').unwrap();
        // Keep the control API's destructive levers out of the random walk.
        prop_assume!(listener != 5 || method == "GET");
        let url = format!("{}/{path}?{query}", bases[listener]);
        let method = Method::from_bytes(method.as_bytes()).unwrap();
        let (status, text) = rt.block_on(send_raw(&env, method.clone(), &url, &token, body));
        prop_assert!(status < 500, "{} {}: {} {}", method, url, status, text);
    });
}
