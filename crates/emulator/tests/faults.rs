//! Fault injection, latency and counters: in-process handle and the HTTP control API.

mod common;
use common::*;
use pfrm_emulator::{FaultAction, FaultRule};
use reqwest::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

#[tokio::test]
async fn respond_rule_for_next_n_calls_then_real_answers_and_counters() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let faults = env.emu.faults();
    let id = faults.add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some("/subscriptions".into()),
        action: FaultAction::Respond,
        status: Some(429),
        body: Some(json!({"error": {"code": "SubscriptionRequestsThrottled", "message": "Too many requests."}})),
        retry_after: Some(7),
        times: Some(2),
        ..Default::default()
    });
    let url = env.arm("/subscriptions?api-version=2022-12-01");
    for _ in 0..2 {
        let r = env.get(&url, &t).await;
        assert_eq!(r.status(), 429);
        assert_eq!(r.headers()["retry-after"], "7");
        assert_eq!(
            r.json::<Value>().await.unwrap()["error"]["code"],
            "SubscriptionRequestsThrottled"
        );
    }
    assert_eq!(env.get(&url, &t).await.status(), 200);
    assert_eq!(faults.injected(&id), 2);
    assert_eq!(faults.injected_total(), 2);
    assert_eq!(faults.request_count("GET", "/subscriptions"), 3);
    assert!(faults.rules().is_empty(), "exhausted rules are removed");
}

#[tokio::test]
async fn reset_and_truncate_break_the_transport() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let faults = env.emu.faults();
    faults.add(FaultRule {
        path: Some("/subscriptions".into()),
        action: FaultAction::Reset,
        times: Some(1),
        ..Default::default()
    });
    let url = env.arm("/subscriptions?api-version=2022-12-01");
    let err = env
        .http
        .get(&url)
        .bearer_auth(&t)
        .send()
        .await
        .expect_err("connection reset surfaces as a transport error");
    let mut chain = format!("{err}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        chain.push_str(&format!(" / {s}"));
        source = s.source();
    }
    assert!(
        chain.to_lowercase().contains("reset"),
        "a TCP reset, not an orderly close: {chain}"
    );
    faults.add(FaultRule {
        path: Some("/subscriptions".into()),
        action: FaultAction::Truncate,
        times: Some(1),
        ..Default::default()
    });
    let r = env.http.get(&url).bearer_auth(&t).send().await;
    let body = match r {
        Ok(r) => r.text().await,
        Err(e) => Err(e),
    };
    assert!(body.is_err(), "a truncated body cannot be read whole");
    assert_eq!(env.get(&url, &t).await.status(), 200);
    assert_eq!(faults.injected_total(), 2);
}

#[tokio::test]
async fn probability_zero_never_fires_and_globs_select_routes() {
    let env = start("first-time", 1.0).await;
    let t = env.token(ALICE);
    let faults = env.emu.faults();
    faults.add(FaultRule {
        path: Some("/subscriptions".into()),
        probability: Some(0.0),
        ..Default::default()
    });
    faults.add(FaultRule {
        path: Some("/subscriptions/*/resourceGroups/**/computes".into()),
        status: Some(500),
        ..Default::default()
    });
    assert_eq!(
        env.get(&env.arm("/subscriptions?api-version=2022-12-01"), &t)
            .await
            .status(),
        200
    );
    let computes = env.arm(&format!(
        "{}/computes?api-version=2024-04-01",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    assert_eq!(env.get(&computes, &t).await.status(), 500);
    let ws = env.arm(&format!(
        "{}?api-version=2024-04-01",
        env.ws_path("rg-ml", "ml-workspace")
    ));
    assert_eq!(env.get(&ws, &t).await.status(), 200);
    assert_eq!(faults.injected_total(), 1);
}

#[tokio::test]
async fn latency_and_delay_rules_slow_requests_down() {
    let env = start("first-time", 1.0).await;
    let url = format!(
        "{}/v2/azureml/promptflow/promptflow-runtime-stable/tags/list",
        env.info().registry_endpoint
    );
    let faults = env.emu.faults();
    faults.set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(env.http.get(&url).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    faults.set_latency(Duration::ZERO);
    faults.add(FaultRule {
        service: Some("registry".into()),
        action: FaultAction::Delay,
        delay_ms: Some(250),
        times: Some(1),
        ..Default::default()
    });
    let started = Instant::now();
    assert_eq!(env.http.get(&url).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(250));
}

#[tokio::test]
async fn control_api_over_https_manages_rules_counters_and_levers() {
    let env = start("first-time", 1.0).await;
    let r = env.control_send(Method::POST, "/_emulator/faults", &json!({"service": "graph", "path": "/v1.0/me", "status": 503, "retryAfter": 2, "times": 1})).await;
    assert_eq!(r.status(), 201);
    let id = r.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string();
    let g = env
        .emu
        .issue_access_token(ALICE, "https://graph.microsoft.com/.default")
        .unwrap();
    let r = env
        .get(&format!("{}/v1.0/me", env.info().graph_endpoint), &g)
        .await;
    assert_eq!(r.status(), 503);
    assert_eq!(r.headers()["retry-after"], "2");
    let counters: Value = env.control_get("/_emulator/counters").await;
    assert_eq!(counters["injectedTotal"], 1);
    assert_eq!(counters["injected"][&id], 1);
    assert_eq!(counters["requests"]["graph GET /v1.0/me"], 1);
    let r = env
        .control_send(
            Method::POST,
            "/_emulator/token",
            &json!({"userName": ALICE}),
        )
        .await;
    let token = r.json::<Value>().await.unwrap()["accessToken"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(claims(&token)["aud"], "https://management.azure.com");
    let r = env
        .control_send(Method::PUT, "/_emulator/latency", &json!({"ms": 0}))
        .await;
    assert_eq!(r.status(), 204);
    let r = env
        .control_send(Method::PUT, "/_emulator/settings", &json!({"pageSize": 1}))
        .await;
    assert_eq!(r.status(), 204);
    let ready: Value = env.control_get("/_emulator/ready").await;
    assert_eq!(ready["armEndpoint"], env.info().arm_endpoint.as_str());
    let r = env
        .control_send(
            Method::POST,
            "/_emulator/faults",
            &json!({"action": "explode"}),
        )
        .await;
    assert_eq!(r.status(), 400);
}
