//! Starting a compute instance (an ARM long-running POST) against each way ARM may answer it:
//! both headers, the async header alone, Location alone, a new Location per poll, Retry-After 0
//! and as an HTTP-date; and its failure and cancel, seen through each header.

mod clients_common;

use std::time::Duration;

use clients_common::{Env, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::model::ComputeInstanceState;
use pfrm_core::ops::runtimes::{self, WatchSettings};
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;
use pfrm_emulator::LroPattern;

fn services(env: &Env) -> Services {
    Services::new(
        env.cloud.clone(),
        env.credential.clone(),
        Operations::default(),
    )
    .unwrap()
    .with_pipeline(env.pipeline.clone())
}

fn fast() -> WatchSettings {
    WatchSettings {
        poll_interval: Duration::from_millis(40),
        timeout: Duration::from_secs(60),
    }
}

async fn stop(services: &Services, workspace: &WorkspaceRef) {
    services
        .arm
        .stop_compute(workspace, "ci-alice")
        .await
        .unwrap()
        .wait(services.pipeline(), &Default::default(), |_| {})
        .await
        .unwrap();
}

#[tokio::test]
async fn a_start_ends_right_under_every_lro_pattern() {
    let env = Env::start().await;
    let services = services(&env);
    let workspace_id = WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace").arm_id();
    let workspace = WorkspaceRef::from_arm_id(&workspace_id).unwrap();
    for pattern in [
        LroPattern::AsyncAndLocation,
        LroPattern::AsyncOnly,
        LroPattern::LocationOnly,
        LroPattern::NewLocationPerPoll,
        LroPattern::RetryAfterZero,
        LroPattern::RetryAfterDate,
    ] {
        env.emulator.set_lro_pattern(LroPattern::AsyncAndLocation);
        stop(&services, &workspace).await;
        env.emulator.set_lro_pattern(pattern);
        let instance =
            runtimes::start_compute_instance(&services, &workspace_id, "ci-alice", fast())
                .await
                .unwrap_or_else(|error| panic!("{pattern:?}: {error:?}"));
        assert_eq!(instance.state, ComputeInstanceState::Running, "{pattern:?}");

        for cancel in [false, true] {
            env.emulator.set_lro_pattern(LroPattern::AsyncAndLocation);
            stop(&services, &workspace).await;
            env.emulator.set_lro_pattern(pattern);
            if cancel {
                env.emulator.cancel_next_compute_operation();
            } else {
                env.emulator
                    .fail_next_compute_operation("ComputeStartFailed", "The disk is full.");
            }
            let error =
                runtimes::start_compute_instance(&services, &workspace_id, "ci-alice", fast())
                    .await
                    .unwrap_err();
            assert_ne!(
                error.code,
                ErrorCode::Timeout,
                "{pattern:?} cancel={cancel}: {error:?}"
            );
            env.emulator.set_lro_pattern(LroPattern::AsyncAndLocation);
            // The instance went back to Stopped: start it for the next round.
            let restarted =
                runtimes::start_compute_instance(&services, &workspace_id, "ci-alice", fast())
                    .await
                    .unwrap();
            assert_eq!(restarted.state, ComputeInstanceState::Running);
        }
    }
}
