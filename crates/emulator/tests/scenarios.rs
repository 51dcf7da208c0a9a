//! Every named scenario starts and shows the world it promises; fleet scales as asked.

mod common;
use common::*;
use pfrm_emulator::{EmulatorOptions, Scenario};
use serde_json::Value;

#[tokio::test]
async fn named_scenarios_start_and_list_their_workspaces() {
    for (name, user, workspaces) in [
        ("first-time", ALICE, 1),
        ("returning", ALICE, 1),
        ("blocked", ALICE, 5),
        ("troubled", ALICE, 16),
    ] {
        let env = start(name, 1.0).await;
        assert_eq!(env.info().scenario, name);
        let t = env.token(user);
        let (s, list) = env.get_json(&env.arm(&format!("/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2024-04-01")), &t).await;
        assert_eq!(s, 200);
        assert_eq!(
            list["value"].as_array().unwrap().len(),
            workspaces,
            "{name}"
        );
    }
    let first = start("first-time", 1.0).await;
    let (_, runtimes) = first
        .get_json(
            &first.flow("rg-ml", "ml-workspace", ""),
            &first.token(ALICE),
        )
        .await;
    assert_eq!(runtimes, Value::Array(vec![]), "first-time has no runtimes");
    assert!(Scenario::by_name("nope").is_err());
}

#[tokio::test]
async fn fleet_is_subscriptions_by_workspaces_by_runtimes() {
    let env = start_with(EmulatorOptions {
        scenario: Scenario::fleet(2, 3, 4),
        page_size: Some(100),
        ..Default::default()
    })
    .await;
    let t = env.token(ALICE);
    let (_, subs) = env
        .get_json(&env.arm("/subscriptions?api-version=2022-12-01"), &t)
        .await;
    let subs: Vec<String> = subs["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["subscriptionId"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(subs.len(), 2);
    let mut total_runtimes = 0;
    for sub in &subs {
        let (_, wss) = env.get_json(&env.arm(&format!("/subscriptions/{sub}/providers/Microsoft.MachineLearningServices/workspaces?api-version=2024-04-01")), &t).await;
        let wss = wss["value"].as_array().unwrap();
        assert_eq!(wss.len(), 3);
        for ws in wss {
            let id = ws["id"].as_str().unwrap();
            let (s, rts) = env
                .get_json(
                    &format!("{}/flow/api{id}/FlowRuntimes", env.info().flow_endpoint),
                    &t,
                )
                .await;
            assert_eq!(s, 200);
            total_runtimes += rts.as_array().unwrap().len();
        }
    }
    assert_eq!(total_runtimes, 24);
    assert_eq!(
        Scenario::by_name("fleet:1:2:3").unwrap().workspaces.len(),
        2
    );
}

#[tokio::test]
async fn shutdown_and_drop_stop_the_listeners() {
    let env = start("first-time", 1.0).await;
    let url = format!("{}/v2/", env.info().registry_endpoint);
    assert_eq!(env.http.get(&url).send().await.unwrap().status(), 200);
    let http = env.http.clone();
    let fresh = client_for(&env.emu, false);
    env.emu.shutdown().await;
    let err = fresh
        .get(&url)
        .send()
        .await
        .expect_err("nothing listens after shutdown");
    assert!(err.is_connect(), "{err}");
    assert!(
        http.get(&url).send().await.is_err(),
        "open connections are closed too"
    );

    let env = start("first-time", 1.0).await;
    let url = format!("{}/v2/", env.info().registry_endpoint);
    let ca_path = env.info().ca_cert_path.clone();
    assert!(std::path::Path::new(&ca_path).exists());
    let fresh = client_for(&env.emu, false);
    drop(env);
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let err = fresh
        .get(&url)
        .send()
        .await
        .expect_err("nothing listens after drop");
    assert!(err.is_connect(), "{err}");
    assert!(
        !std::path::Path::new(&ca_path).exists(),
        "the temporary CA file is removed"
    );
}

/// A scenario may seed an endpoint created without a managed identity: it is served as Azure
/// describes one (`ManagedServiceIdentity` of type `None`, no principal), beside one named
/// alone, which has a system-assigned identity.
#[tokio::test]
async fn an_online_endpoint_may_be_seeded_without_a_managed_identity() {
    let mut scenario = Scenario::by_name("returning").unwrap();
    scenario.workspaces[0].online_endpoints = serde_json::from_value(serde_json::json!([
        "pf-endpoint",
        {"name": "legacy-ep", "identity": "None"}
    ]))
    .unwrap();
    let env = start_with(EmulatorOptions {
        scenario,
        ..Default::default()
    })
    .await;
    let t = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let get = |name: &str| {
        env.arm(&format!(
            "{ws}/onlineEndpoints/{name}?api-version=2024-04-01"
        ))
    };
    let (s, legacy) = env.get_json(&get("legacy-ep"), &t).await;
    assert_eq!(s, 200, "{legacy}");
    assert_eq!(legacy["identity"], serde_json::json!({"type": "None"}));
    let (_, managed) = env.get_json(&get("pf-endpoint"), &t).await;
    assert_eq!(managed["identity"]["type"], "SystemAssigned");
    assert!(managed["identity"]["principalId"]
        .as_str()
        .is_some_and(|id| !id.is_empty()));
}
