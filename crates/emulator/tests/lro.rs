//! Long-running operations chosen per scenario and through the control API, and their record.
//! (Each pattern and ending against pfrm's poller: tests/tests/ops_lro_patterns.rs.)

mod common;
use common::*;
use pfrm_emulator::{EmulatorOptions, LroPattern, Scenario};
use reqwest::Method;
use serde_json::json;

#[tokio::test]
async fn a_scenario_chooses_the_pattern_and_the_control_api_the_ending() {
    let mut scenario = Scenario::by_name("first-time").unwrap();
    scenario.settings.lro_pattern = Some(LroPattern::LocationOnly);
    let env = start_with(EmulatorOptions {
        scenario,
        // A stop lasts 3 s, a Retry-After of 1 s.
        time_scale: 20.0,
        ..Default::default()
    })
    .await;
    let alice = env.token(ALICE);
    let ci = env.arm(&format!(
        "{}/computes/ci-alice",
        env.ws_path("rg-ml", "ml-workspace")
    ));

    // The ending, asked through the control API: the next action fails in its first answer.
    let bad = env
        .control_send(
            Method::PUT,
            "/_emulator/settings",
            &json!({"lroEnding": {"end": "lost"}}),
        )
        .await;
    assert_eq!(bad.status(), 400);
    let ok = env
        .control_send(
            Method::PUT,
            "/_emulator/settings",
            &json!({"lroEnding": {"end": "failed", "stage": "initial", "code": "QuotaExceeded",
            "message": "Not enough quota."}}),
        )
        .await;
    assert_eq!(ok.status(), 204);
    let (s, body, h) = env.post_action(&action_url(&ci, "stop"), &alice).await;
    assert_eq!(s, 400, "{body}");
    assert_eq!(body["error"]["code"], "QuotaExceeded");
    assert!(h.get("location").is_none());

    // The scenario's pattern: Location alone, answering 202 while the stop runs.
    let (s, _, h) = env.post_action(&action_url(&ci, "stop"), &alice).await;
    assert_eq!(s, 202);
    assert!(h.get("azure-asyncoperation").is_none(), "{h:?}");
    let location = h["location"].to_str().unwrap().to_owned();
    let (s, _) = env.get_json(&location, &alice).await;
    assert_eq!(s, 202);

    // Both operations are recorded: the failed stop with its first answer alone, the running
    // one with its first answer and its poll.
    let records: serde_json::Value = env.control_get("/_emulator/lro").await;
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2, "{records:?}");
    let failed = &records[0];
    let requests = failed["requests"].as_array().unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["status"], 400);
    assert_eq!(requests[0]["inProgress"], false);
    let stop = &records[1];
    assert_eq!(stop["pattern"], "locationOnly");
    assert!(stop["path"].as_str().unwrap().ends_with("/ci-alice/stop"));
    let requests = stop["requests"].as_array().unwrap();
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["status"], 202);
    assert_eq!(requests[0]["inProgress"], true);
    assert_eq!(requests[0]["askedMs"], 1000);
    assert_eq!(requests[1]["method"], "GET");
    assert_eq!(requests[1]["status"], 202);
}
