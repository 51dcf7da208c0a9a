//! The prompt flow runtimes client against the emulator over HTTPS.

mod clients_common;

use std::time::{Duration, Instant};

use clients_common::{workspace, Env};
use pfrm_core::azure::arm::ArmClient;
use pfrm_core::azure::flow::{CreateFlowRuntimeRequest, FlowClient, UpdateFlowRuntimeRequest};
use pfrm_core::model::{RuntimeDetails, RuntimeStatus, WorkspaceSummary};
use pfrm_core::ErrorCode;

async fn flow_client(env: &Env) -> FlowClient {
    let arm = ArmClient::new(env.pipeline.clone());
    let summary = WorkspaceSummary::from(&arm.get_workspace(&workspace()).await.unwrap());
    FlowClient::for_workspace(
        env.pipeline.clone(),
        workspace(),
        summary.discovery_url.as_deref(),
        &summary.location,
    )
    .unwrap()
}

async fn wait_until_settled(flow: &FlowClient, name: &str) -> RuntimeDetails {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let details =
            RuntimeDetails::read(&flow.get_runtime(name).await.unwrap(), flow.workspace());
        if !details.summary.status.is_transitional() || Instant::now() > deadline {
            return details;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test]
async fn a_runtime_is_created_on_a_compute_instance_listed_updated_and_deleted() {
    let env = Env::start().await;
    let flow = flow_client(&env).await;
    assert!(flow
        .base_url()
        .as_str()
        .starts_with(&env.emulator.ready_info().flow_endpoint));
    assert!(
        flow.list_runtimes().await.unwrap().is_empty(),
        "first-time has no runtimes"
    );

    let created = flow
        .create_runtime(
            "rt-alice",
            &CreateFlowRuntimeRequest::compute_instance("ci-alice", None, None),
            true,
        )
        .await
        .unwrap();
    assert_eq!(created.runtime_name.as_deref(), Some("rt-alice"));

    let settled = wait_until_settled(&flow, "rt-alice").await;
    // The service reports the healthy state as "Running", outside its own enum.
    assert_eq!(
        settled.summary.status,
        RuntimeStatus::Running,
        "{settled:?}"
    );
    assert_eq!(
        settled.summary.compute_instance_name.as_deref(),
        Some("ci-alice")
    );
    assert!(settled.summary.docker_image.is_some());

    let listed = flow.list_runtime_summaries().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0].name, "rt-alice");

    // The update check and the default image are readable.
    // Created on the default image, which is the newest: nothing to update.
    assert!(!flow.need_upgrade("rt-alice").await.unwrap());
    let latest = flow.latest_config().await.unwrap();
    assert!(latest.base_image.is_some(), "{latest:?}");

    flow.update_runtime("rt-alice", &UpdateFlowRuntimeRequest::default(), true)
        .await
        .unwrap();
    let updated = wait_until_settled(&flow, "rt-alice").await;
    assert_eq!(updated.summary.status, RuntimeStatus::Running);

    // The app the service created on the compute instance runs a runtime image and is usable;
    // an app that does not exist is reported unavailable with the service's reason.
    let app = settled
        .summary
        .custom_app_name
        .clone()
        .expect("the service names the app it created");
    let availability = flow.check_ci_availability("ci-alice", &app).await.unwrap();
    assert!(availability.is_available, "{availability:?}");
    let missing = flow
        .check_ci_availability("ci-alice", "no-such-app")
        .await
        .unwrap();
    assert!(!missing.is_available);
    assert!(missing.error_message().unwrap().contains("no-such-app"));

    flow.delete_runtime("rt-alice", false).await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match flow.get_runtime("rt-alice").await {
            Err(error) if error.code == ErrorCode::NotFound => break,
            Ok(dto) if RuntimeStatus::parse(dto.status.as_deref()) == RuntimeStatus::NotExist => {
                break
            }
            Ok(_) if Instant::now() < deadline => {
                tokio::time::sleep(Duration::from_millis(200)).await
            }
            other => panic!("runtime not deleted: {other:?}"),
        }
    }
}

#[tokio::test]
async fn a_missing_runtime_is_not_found_and_reserved_names_are_refused_locally() {
    let env = Env::start().await;
    let flow = flow_client(&env).await;
    let error = flow.get_runtime("nope").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(error.message.contains("nope"));
    let error = flow.get_runtime("latestConfig").await.unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
}
