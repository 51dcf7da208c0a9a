//! Compute instances: paging, the start/stop/restart long-running operations and their
//! state machine, custom applications.

use super::*;
use std::time::Duration;

/// The compute instance's `properties.properties` (state, last operation, applications).
async fn compute(env: &Env, ci: &str, token: &str) -> Value {
    let (s, c) = env.get_json(&format!("{ci}?{MLS_V}"), token).await;
    assert_eq!(s, 200, "{c}");
    c["properties"]["properties"].clone()
}

#[tokio::test]
async fn compute_list_pages_with_next_link() {
    let env = start("returning", 1.0).await;
    env.emu.set_page_size(1);
    let t = env.token(ALICE);
    let mut url = env.ws_arm("rg-ml", "ml-workspace", &format!("/computes?{MLS_V}"));
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
    let ci = env.ws_arm("rg-ml", "ml-workspace", "/computes/ci-alice");
    let (s, _, h) = env.post_action(&action_url(&ci, "restart"), &t).await;
    assert_eq!(s, 202);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    assert!(op.contains("/computeOperationsStatus/"));
    assert!(h["retry-after"].to_str().unwrap().parse::<u64>().unwrap() >= 1);
    assert!(h.contains_key("location"));
    let c = compute(&env, &ci, &t).await;
    assert_eq!(c["state"], "Restarting");
    // Busy instances refuse another operation.
    let (s, _, _) = env.post_action(&action_url(&ci, "stop"), &t).await;
    assert_eq!(s, 409);
    let (status, polls) = poll_lro(&env, &op, &t).await;
    assert_eq!(status, "Succeeded");
    assert!(polls > 1, "the restart took some time");
    let c = compute(&env, &ci, &t).await;
    assert_eq!(c["state"], "Running");
    assert_eq!(c["lastOperation"]["operationName"], "Restart");
    // Start on a running instance is refused.
    let (s, b, _) = env.post_action(&action_url(&ci, "start"), &t).await;
    assert_eq!(
        (s, error_code(&b)),
        (409, Some("StartComputeInstanceOnlyAllowedInStoppedState"))
    );
    let (s, _, h) = env.post_action(&action_url(&ci, "stop"), &t).await;
    assert_eq!(s, 202);
    let location = h["location"].to_str().unwrap().to_string();
    let done = wait_for(
        Duration::from_secs(10),
        Duration::from_millis(50),
        async || {
            let r = env.get(&location, &t).await;
            (r.status() != 202).then_some(r.status())
        },
    )
    .await;
    assert_eq!(done, 204);
    let c = compute(&env, &ci, &t).await;
    assert_eq!(c["state"], "Stopped");
}

#[tokio::test]
async fn custom_services_replace_needs_a_preview_api_version_and_valid_bodies() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let base = env.ws_arm("rg-ml", "ml-workspace", "/computes/ci-alice");
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
        (s, error_code(&b)),
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
    assert_eq!((s, error_code(&b)), (400, Some("InvalidRequestContent")));
    let (s, _, h) = env.send_json(Method::POST, &preview, &t, &app).await;
    assert_eq!(s, 200);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    assert!(h.contains_key("retry-after"));
    let (s, status) = env.get_json(&op, &t).await;
    assert_eq!(s, 200);
    assert!(["InProgress", "Succeeded"].contains(&status["status"].as_str().unwrap()));
    let c = compute(&env, &base, &t).await;
    assert_eq!(c["customServices"][0]["name"], "pf-rt");
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
async fn a_failing_start_ends_the_lro_failed_and_leaves_the_instance_stopped() {
    let env = start("returning", 60.0).await;
    let carol = env.token("carol@contoso.com");
    let ci = env.ws_arm("rg-ml", "ml-workspace", "/computes/ci-carol");
    env.emu.fail_next_compute_operation(
        "QuotaExceeded",
        "Not enough quota for STANDARD_DS3_V2 in eastus.",
    );
    let (s, _, h) = env.post_action(&action_url(&ci, "start"), &carol).await;
    assert_eq!(s, 202);
    let op = h["azure-asyncoperation"].to_str().unwrap().to_string();
    let c = compute(&env, &ci, &carol).await;
    assert_eq!(c["state"], "Starting");
    let status = wait_for(
        Duration::from_secs(10),
        Duration::from_millis(50),
        async || {
            let (_, b) = env.get_json(&op, &carol).await;
            (b["status"] != "InProgress").then_some(b)
        },
    )
    .await;
    assert_eq!(status["status"], "Failed");
    assert_eq!(status["error"]["code"], "QuotaExceeded");
    let c = compute(&env, &ci, &carol).await;
    assert_eq!(c["state"], "Stopped");
    assert_eq!(c["lastOperation"]["operationStatus"], "StartFailed");
    // Only the next operation fails.
    let (s, _, _) = env.post_action(&action_url(&ci, "start"), &carol).await;
    assert_eq!(s, 202);
}
