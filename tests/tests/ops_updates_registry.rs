//! The version check's registry side against the emulator: tags over several pages (`Link`),
//! tags outside the `YYYYMMDD.vN` scheme ignored, and a re-check answered 304 for every page.
//! Its own test binary: it reads the emulator's request log through a process-wide subscriber,
//! which other tests' emulators would otherwise write to as well.

mod clients_common;

use std::sync::Arc;
use std::time::Duration;

use clients_common::{EmulatorCredential, Env, ALICE, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::http::{Pipeline, RetryPolicy};
use pfrm_core::ops::updates::{self, CheckOptions};
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use pfrm_tests::captured_log::CapturedLog;

const NEWEST: &str = "20251211.v12";
const TAGS_PATH: &str = "/v2/azureml/promptflow/promptflow-runtime-stable/tags/list";

fn ml_workspace() -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace").arm_id()
}

fn paged() -> CheckOptions {
    CheckOptions {
        max_parallel: 4,
        registry_page_size: Some(5),
    }
}

/// The emulator with a scenario changed before it starts (here: the registry's tags).
async fn start_with(scenario: Scenario) -> Env {
    let emulator = Arc::new(
        Emulator::start(EmulatorOptions {
            scenario,
            time_scale: 200.0,
            ..EmulatorOptions::default()
        })
        .await
        .expect("emulator starts"),
    );
    let ready = serde_json::to_string(emulator.ready_info()).unwrap();
    let cloud = CloudConfig::from_custom_json(&ready).unwrap();
    let credential = Arc::new(EmulatorCredential::new(emulator.clone(), ALICE, true));
    let pipeline = Pipeline::new(&cloud, credential.clone())
        .unwrap()
        .with_retry_policy(RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_millis(20),
            max_delay: Duration::from_secs(2),
        });
    Env {
        emulator,
        cloud,
        credential,
        pipeline,
    }
}

/// Registry tag-list answers with this status in the emulator's request log (it logs every
/// answer's status at debug level).
fn tag_answers(log: &CapturedLog, status: u16) -> usize {
    log.text()
        .lines()
        .filter(|line| line.contains("service=\"registry\"") || line.contains("service=registry"))
        .filter(|line| line.contains("tags/list"))
        .filter(|line| line.contains(&format!("status={status}")))
        .count()
}

#[tokio::test]
async fn version_check_pages_through_tags_ignores_odd_ones_and_rechecks_with_304s() {
    let mut scenario = Scenario::by_name("returning").unwrap();
    scenario.registry_tags = [
        "20231218.v2",
        "20240111.v2",
        "20240429.v8",
        "20240529.v9",
        "20240529.v10",
        "20251211.v9",
        NEWEST,
        "latest",
        "stable",
        "1.0.0",
        "sha-3f2a9c1",
        // Newer-looking tags outside the scheme must not win.
        "20991231.v",
        "20991231.vx",
        "2099123.v1",
        "99991231",
        "20991231.v1-rc",
    ]
    .map(String::from)
    .to_vec();
    let env = start_with(scenario).await;
    let services = Services::new(
        env.cloud.clone(),
        env.credential.clone(),
        Operations::default(),
    )
    .unwrap()
    .with_pipeline(env.pipeline.clone());
    let log = CapturedLog::start("pfrm_emulator=debug");

    let status = updates::check_runtime_version(&services, &ml_workspace(), "rt-default", paged())
        .await
        .unwrap();
    let current = status
        .current
        .clone()
        .expect("the runtime's version is read");
    assert_eq!(current.tag, "20240111.v2");
    assert_eq!(current.label, "version 2024-01-11 (v2)");
    assert!(current.age_days > 300, "{current:?}");
    let latest = status
        .latest
        .clone()
        .expect("the registry's newest version");
    assert_eq!(latest.tag, NEWEST, "v12 sorts after v9; odd tags ignored");
    assert_eq!(latest.label, "version 2025-12-11 (v12)");
    assert!(status.update_available);
    assert!(status.sources_agree, "{status:?}");
    assert_eq!(status.registry_says_outdated, Some(true));
    assert_eq!(status.service_says_outdated, Some(true));
    assert!(status
        .app_image
        .as_deref()
        .is_some_and(|image| image.ends_with(":20240111.v2")));
    assert!(status.problems.is_empty(), "{:?}", status.problems);

    // 16 tags at 5 a page: 4 pages, each followed through its Link header.
    let first_round = env.emulator.faults().request_count("GET", TAGS_PATH);
    assert_eq!(first_round, 4);
    assert_eq!(tag_answers(&log, 200), 4, "captured: {:?}", log.text());

    // Re-checking finds nothing new: every page is revalidated and answered 304.
    log.clear();
    let again = updates::check_runtime_version(&services, &ml_workspace(), "rt-default", paged())
        .await
        .unwrap();
    assert_eq!(again.latest.unwrap().tag, NEWEST);
    assert_eq!(
        env.emulator.faults().request_count("GET", TAGS_PATH),
        first_round * 2
    );
    assert_eq!(tag_answers(&log, 304), 4, "{}", log.text());
    assert_eq!(tag_answers(&log, 200), 0, "{}", log.text());
}
