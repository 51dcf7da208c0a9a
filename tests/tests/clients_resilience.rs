//! The pipeline's retries, token refresh and error classification against the emulator's
//! fault injection and token expiry, over HTTPS.

mod clients_common;

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use clients_common::{workspace, Env};
use pfrm_core::azure::arm::ArmClient;
use pfrm_core::azure::flow::FlowClient;
use pfrm_core::model::WorkspaceSummary;
use pfrm_core::ErrorCode;
use pfrm_emulator::{FaultAction, FaultRule};
use serde_json::json;

fn rule(service: &str, path: &str) -> FaultRule {
    FaultRule {
        service: Some(service.into()),
        path: Some(path.into()),
        ..FaultRule::default()
    }
}

#[tokio::test]
async fn arm_throttling_is_waited_out_as_retry_after_asks() {
    let env = Env::start().await;
    let id = env.emulator.faults().add(FaultRule {
        status: Some(429),
        retry_after: Some(1),
        times: Some(1),
        body: Some(json!({"error": {"code": "SubscriptionRequestsThrottled", "message": "Number of read requests exceeded the limit."}})),
        ..rule("arm", "/subscriptions")
    });
    let started = Instant::now();
    let subscriptions = ArmClient::new(env.pipeline.clone())
        .list_subscriptions()
        .await
        .unwrap();
    assert_eq!(subscriptions.len(), 1);
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(env.emulator.faults().injected(&id), 1);
}

#[tokio::test]
async fn an_outage_that_does_not_end_is_service_unavailable_after_bounded_attempts() {
    let env = Env::start().await;
    let id = env.emulator.faults().add(FaultRule {
        status: Some(503),
        retry_after: Some(0),
        ..rule(
            "arm",
            "/subscriptions/*/providers/Microsoft.MachineLearningServices/workspaces",
        )
    });
    let error = ArmClient::new(env.pipeline.clone())
        .list_workspaces(clients_common::SUBSCRIPTION)
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::ServiceUnavailable);
    assert!(
        error.message.contains("list the workspaces"),
        "{}",
        error.message
    );
    assert_eq!(env.emulator.faults().injected(&id), 4, "max_attempts is 4");
}

#[tokio::test]
async fn dropped_and_truncated_answers_are_retried() {
    let env = Env::start().await;
    let faults = env.emulator.faults();
    let reset = faults.add(FaultRule {
        action: FaultAction::Reset,
        times: Some(1),
        ..rule("arm", "/subscriptions")
    });
    let truncated = faults.add(FaultRule {
        action: FaultAction::Truncate,
        times: Some(1),
        ..rule("arm", "/tenants")
    });
    let arm = ArmClient::new(env.pipeline.clone());
    assert_eq!(arm.list_subscriptions().await.unwrap().len(), 1);
    assert!(!arm.list_tenants().await.unwrap().is_empty());
    assert_eq!(faults.injected(&reset), 1);
    assert_eq!(faults.injected(&truncated), 1);
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_call_succeeds() {
    let env = Env::start().await;
    env.emulator.set_token_lifetime(Duration::from_secs(1));
    let arm = ArmClient::new(env.pipeline.clone());
    arm.list_subscriptions().await.unwrap();
    assert_eq!(env.credential.issued.load(Ordering::SeqCst), 1);
    tokio::time::sleep(Duration::from_millis(1600)).await;
    // The cached token has expired: ARM answers 401, the pipeline asks for a fresh one.
    arm.list_subscriptions().await.unwrap();
    assert_eq!(env.credential.issued.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn flow_service_failures_are_retried_then_classified() {
    let env = Env::start().await;
    let arm = ArmClient::new(env.pipeline.clone());
    let summary = WorkspaceSummary::from(&arm.get_workspace(&workspace()).await.unwrap());
    let flow = FlowClient::for_workspace(
        env.pipeline.clone(),
        workspace(),
        summary.discovery_url.as_deref(),
        &summary.location,
    )
    .unwrap();
    let faults = env.emulator.faults();
    let transient = faults.add(FaultRule {
        status: Some(503),
        retry_after: Some(0),
        times: Some(2),
        body: Some(json!({"error": {"code": "TransientError", "message": "Service is busy."}})),
        ..rule("flow", "/flow/api/**/FlowRuntimes")
    });
    assert!(flow.list_runtimes().await.unwrap().is_empty());
    assert_eq!(faults.injected(&transient), 2);

    faults.add(FaultRule {
        status: Some(403),
        body: Some(json!({"error": {"code": "UserError", "message": "You are not authorized to invoke this runtime as the runtime compute instance ci-bob is assigned to someone else."}})),
        ..rule("flow", "/flow/api/**/FlowRuntimes/rt-bob")
    });
    let error = flow.get_runtime("rt-bob").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PermissionDenied);
    assert!(
        error.message.contains("assigned to someone else"),
        "{}",
        error.message
    );
    assert_eq!(error.details.unwrap()["armCode"], "UserError");
}
