//! Flow runtime service: create (new and existing custom app), status clock, update, upgrade
//! checks, availability, deletion and refusals.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

const MLS_V: &str = "api-version=2024-04-01";

async fn wait_status(env: &Env, url: &str, token: &str, from: &str) -> Value {
    let started = Instant::now();
    loop {
        let (s, b) = env.get_json(url, token).await;
        assert_eq!(s, 200, "{b}");
        if b["status"] != from {
            return b;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "stuck in {from}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `POST` a new runtime `name` in the workspace `(rg, ws)` with `body`.
async fn create(
    env: &Env,
    (rg, ws, name): (&str, &str, &str),
    token: &str,
    body: &Value,
) -> (u16, Value, reqwest::header::HeaderMap) {
    env.send_json(Method::POST, &env.flow(rg, ws, name), token, body)
        .await
}

/// The ARM URL of Alice's compute instance in `ml-workspace`.
fn ci_alice(env: &Env) -> String {
    env.ws_arm(
        "rg-ml",
        "ml-workspace",
        &format!("/computes/ci-alice?{MLS_V}"),
    )
}

/// The custom applications on a compute instance (its ARM JSON).
fn custom_apps(compute: &Value) -> &Vec<Value> {
    compute["properties"]["properties"]["customServices"]
        .as_array()
        .unwrap()
}

#[tokio::test]
async fn create_with_new_custom_app_restarts_the_instance_and_runs() {
    let env = start("first-time", 60.0).await;
    let t = env.token(ALICE);
    let (s, list) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", ""), &t)
        .await;
    assert_eq!((s, list), (200, json!([])));
    let (s, dto, _) = env
        .send_json(Method::POST, &env.flow("rg-ml", "ml-workspace", "/my-runtime?asyncCall=true"), &t,
            &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice", "fromExistingCustomApp": false}))
        .await;
    assert_eq!(s, 200, "{dto}");
    assert_eq!(dto["status"], "Starting");
    assert_eq!(dto["computeInstanceName"], "ci-alice");
    assert_eq!(dto["owner"]["userPrincipalName"], ALICE);
    assert_eq!(dto["assignedTo"]["objectId"], ALICE_OID);
    let image = dto["dockerImage"].as_str().unwrap();
    assert_eq!(
        image, "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v12",
        "the newest (date, N) tag, not the lexically last"
    );
    // The compute instance got the app and is restarting.
    let ci = ci_alice(&env);
    let (_, c) = env.get_json(&ci, &t).await;
    assert_eq!(c["properties"]["properties"]["state"], "Restarting");
    let app = &c["properties"]["properties"]["customServices"][0];
    assert_eq!(app["name"], "my-runtime");
    assert_eq!(app["image"]["reference"], image);
    assert_eq!(app["endpoints"][0]["published"], dto["publishedPort"]);
    let done = wait_status(
        &env,
        &env.flow("rg-ml", "ml-workspace", "/my-runtime"),
        &t,
        "Starting",
    )
    .await;
    assert_eq!(done["status"], "Running");
    let (_, c) = env.get_json(&ci, &t).await;
    assert_eq!(c["properties"]["properties"]["state"], "Running");
    let (s, b, _) = create(
        &env,
        ("rg-ml", "ml-workspace", "/my-runtime"),
        &t,
        &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice"}),
    )
    .await;
    assert_eq!(
        (
            s,
            b["error"]["code"].as_str(),
            b["error"]["innerError"]["code"].as_str()
        ),
        (409, Some("UserError"), Some("Conflict"))
    );
    // needUpgrade is false on the newest image.
    let r = env
        .get(
            &env.flow("rg-ml", "ml-workspace", "/my-runtime/needUpgrade"),
            &t,
        )
        .await;
    assert_eq!(r.text().await.unwrap(), "false");
}

#[tokio::test]
async fn synchronous_create_returns_when_the_runtime_is_running() {
    let env = start("first-time", 1000.0).await;
    let t = env.token(ALICE);
    let (s, dto, _) = create(
        &env,
        ("rg-ml", "ml-workspace", "/sync-rt"),
        &t,
        &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice"}),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(dto["status"], "Running");
}

#[tokio::test]
async fn returning_runtimes_need_upgrade_and_update_moves_to_the_latest_tag() {
    let env = start("returning", 60.0).await;
    let t = env.token(ALICE);
    let (_, list) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", ""), &t)
        .await;
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["runtimeName"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["rt-default", "rt-custom"]);
    for name in ["rt-default", "rt-custom"] {
        let r = env
            .get(
                &env.flow("rg-ml", "ml-workspace", &format!("/{name}/needUpgrade")),
                &t,
            )
            .await;
        assert_eq!(r.status(), 200);
        assert_eq!(r.json::<Value>().await.unwrap(), json!(true), "{name}");
    }
    let (_, latest) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", "/latestConfig"), &t)
        .await;
    assert_eq!(latest["version"], "20251211.v12");
    let (s, dto, _) = env
        .send_json(
            Method::PUT,
            &env.flow("rg-ml", "ml-workspace", "/rt-default?asyncCall=true"),
            &t,
            &json!({"runtimeDescription": "updated", "environment": null, "instanceCount": ""}),
        )
        .await;
    assert_eq!(s, 200, "{dto}");
    assert_eq!(dto["status"], "Starting");
    assert!(dto["dockerImage"]
        .as_str()
        .unwrap()
        .ends_with(":20251211.v12"));
    let done = wait_status(
        &env,
        &env.flow("rg-ml", "ml-workspace", "/rt-default"),
        &t,
        "Starting",
    )
    .await;
    assert_eq!(done["status"], "Running");
    assert_eq!(done["runtimeDescription"], "updated");
    let (_, c) = env.get_json(&ci_alice(&env), &t).await;
    let apps = custom_apps(&c);
    let app = apps.iter().find(|a| a["name"] == "rt-default").unwrap();
    assert!(app["image"]["reference"]
        .as_str()
        .unwrap()
        .ends_with(":20251211.v12"));
    let r = env
        .get(
            &env.flow("rg-ml", "ml-workspace", "/rt-default/needUpgrade"),
            &t,
        )
        .await;
    assert_eq!(r.json::<Value>().await.unwrap(), json!(false));
}

#[tokio::test]
async fn existing_custom_app_must_exist_and_run_a_runtime_image() {
    let env = start("returning", 1000.0).await;
    let t = env.token(ALICE);
    let check = |app: &str| {
        env.flow(
            "rg-ml",
            "ml-workspace",
            &format!("/checkCiAvailability?computeInstanceName=ci-alice&customAppName={app}"),
        )
    };
    let (_, ok) = env.get_json(&check("rt-default"), &t).await;
    assert_eq!(ok, json!({"isAvailable": true}));
    let (_, rstudio) = env.get_json(&check("rstudio"), &t).await;
    assert_eq!(rstudio["isAvailable"], false);
    assert_eq!(
        rstudio["error"]["error"]["innerError"]["code"],
        "InvalidImage"
    );
    let (_, missing) = env.get_json(&check("nope"), &t).await;
    assert_eq!(missing["isAvailable"], false);
    let (s, b, _) = create(&env, ("rg-ml", "ml-workspace", "/from-rstudio"), &t, &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice", "fromExistingCustomApp": true, "customAppName": "rstudio"})).await;
    assert_eq!(
        (s, b["error"]["innerError"]["code"].as_str()),
        (400, Some("InvalidImage"))
    );
    let (s, dto, _) = create(&env, ("rg-ml", "ml-workspace", "/reuse"), &t, &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice", "fromExistingCustomApp": true, "customAppName": "rt-default"})).await;
    assert_eq!(s, 200, "{dto}");
    assert_eq!(dto["fromExistingCustomApp"], true);
    assert_eq!(dto["customAppName"], "rt-default");
    assert_eq!(dto["status"], "Running");
    // Someone else's instance is refused.
    let (s, b, _) = create(
        &env,
        ("rg-ml", "ml-workspace", "/on-carol"),
        &t,
        &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-carol"}),
    )
    .await;
    assert_eq!((s, b["error"]["code"].as_str()), (403, Some("UserError")));
}

#[tokio::test]
async fn blocked_workspaces_refuse_or_fail_with_a_status_message() {
    let env = start("blocked", 1000.0).await;
    let t = env.token(ALICE);
    let body = |ci: &str| json!({"runtimeType": "ComputeInstance", "computeInstanceName": ci});
    let (s, b, _) = create(
        &env,
        ("rg-ml", "ws-isolated", "/rt"),
        &t,
        &body("ci-alice-iso"),
    )
    .await;
    assert_eq!(
        (s, b["error"]["innerError"]["code"].as_str()),
        (400, Some("NotSupported"))
    );
    let (s, dto, _) = create(
        &env,
        ("rg-ml", "ws-filestore", "/rt"),
        &t,
        &body("ci-alice-file"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(dto["status"], "Failed");
    assert!(dto["statusMessage"].as_str().unwrap().contains("AzureFile"));
    assert_eq!(dto["error"]["error"]["code"], "UserError");
    let (s, dto, _) = create(
        &env,
        ("rg-ml", "ws-open", "/rt"),
        &t,
        &body("ci-alice-open"),
    )
    .await;
    assert_eq!(s, 200);
    assert_eq!(dto["status"], "Failed");
    // Bob has no flow permission on the workspace.
    let bob = env.token("bob@contoso.com");
    let (s, b, _) = create(&env, ("rg-ml", "ws-open", "/bobs"), &bob, &body("ci-bob")).await;
    assert_eq!(
        (s, b["error"]["innerError"]["code"].as_str()),
        (403, Some("AuthorizationFailed"))
    );
}

#[tokio::test]
async fn delete_removes_the_runtime_and_its_app() {
    let env = start("returning", 1000.0).await;
    let t = env.token(ALICE);
    let r = env
        .http
        .delete(env.flow("rg-ml", "ml-workspace", "/rt-default?asyncCall=true"))
        .bearer_auth(&t)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.json::<Value>().await.unwrap()["status"], "Stopping");
    let started = Instant::now();
    loop {
        let (s, _) = env
            .get_json(&env.flow("rg-ml", "ml-workspace", "/rt-default"), &t)
            .await;
        if s == 404 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(5));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (_, c) = env.get_json(&ci_alice(&env), &t).await;
    let apps = custom_apps(&c);
    assert!(!apps.iter().any(|a| a["name"] == "rt-default"));
}

#[tokio::test]
async fn flow_service_needs_an_arm_token_and_valid_bodies() {
    let env = start("first-time", 1.0).await;
    let graph = env
        .emu
        .issue_access_token(ALICE, "https://graph.microsoft.com/.default")
        .unwrap();
    let r = env
        .get(&env.flow("rg-ml", "ml-workspace", ""), &graph)
        .await;
    assert_eq!(r.status(), 401);
    assert!(r.headers().contains_key("www-authenticate"));
    let t = env.token(ALICE);
    let (s, b, _) = create(
        &env,
        ("rg-ml", "ml-workspace", "/x"),
        &t,
        &json!({"runtimeType": "ComputeInstance", "computeInstanceName": 5}),
    )
    .await;
    assert_eq!(
        (s, b["error"]["innerError"]["code"].as_str()),
        (400, Some("BadArgument"))
    );
    let (s, _, _) = create(
        &env,
        ("rg-ml", "ml-workspace", "/bad%20name"),
        &t,
        &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice"}),
    )
    .await;
    assert_eq!(s, 400);
    let (s, _) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", "/ghost"), &t)
        .await;
    assert_eq!(s, 404);
    let (s, b) = env
        .get_json(
            &format!(
                "{}/flow/api/runtimes/latestConfig",
                env.info().flow_endpoint
            ),
            &t,
        )
        .await;
    assert_eq!(s, 200);
    assert_eq!(
        b["baseImage"],
        "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable"
    );
    // The workspace's discoveryUrl leads to this service.
    let (_, ws) = env
        .get_json(
            &env.arm(&format!("{}?{MLS_V}", env.ws_path("rg-ml", "ml-workspace"))),
            &t,
        )
        .await;
    let base = ws["properties"]["discoveryUrl"]
        .as_str()
        .unwrap()
        .trim_end_matches("discovery")
        .to_string();
    let (s, _) = env
        .get_json(
            &format!(
                "{base}flow/api{}/FlowRuntimes",
                env.ws_path("rg-ml", "ml-workspace")
            ),
            &t,
        )
        .await;
    assert_eq!(s, 200);
}
