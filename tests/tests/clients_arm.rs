//! The ARM and authorization clients against the emulator over HTTPS.

mod clients_common;

use std::time::Duration;

use clients_common::{workspace, Env, ALICE_OID, SUBSCRIPTION};
use pfrm_core::azure::arm::{
    ArmClient, CustomService, CustomServiceEndpoint, CustomServiceImage, ListViewType,
};
use pfrm_core::azure::authorization::{
    builtin_roles, is_action_allowed, role_definition_id, AuthorizationClient, PrincipalType,
};
use pfrm_core::http::lro::LroOptions;
use pfrm_core::model::{
    ComputeInstanceState, ComputeInstanceSummary, Subscription, WorkspaceKind, WorkspaceSummary,
};
use pfrm_core::ErrorCode;

fn lro_options() -> LroOptions {
    LroOptions {
        timeout: Duration::from_secs(60),
        poll_interval: Duration::from_millis(100),
        max_poll_interval: Duration::from_millis(300),
        ..LroOptions::default()
    }
}

#[tokio::test]
async fn alice_sees_her_directory_subscription_and_workspace() {
    let env = Env::start().await;
    let arm = ArmClient::new(env.pipeline.clone());

    let tenants = arm.list_tenants().await.unwrap();
    assert!(
        tenants
            .iter()
            .any(|t| t.display_name.as_deref() == Some("Contoso")),
        "{tenants:?}"
    );

    let subscriptions: Vec<Subscription> = arm
        .list_subscriptions()
        .await
        .unwrap()
        .iter()
        .map(Subscription::from)
        .collect();
    assert_eq!(subscriptions.len(), 1);
    assert_eq!(subscriptions[0].subscription_id, SUBSCRIPTION);
    assert_eq!(subscriptions[0].display_name, "Contoso ML Dev");
    assert!(subscriptions[0].usable);

    let workspaces = arm.list_workspaces(SUBSCRIPTION).await.unwrap();
    let dto = workspaces
        .iter()
        .find(|w| w.name == "ml-workspace")
        .expect("seeded workspace");
    let summary = WorkspaceSummary::from(dto);
    assert_eq!(summary.location, "eastus");
    assert_eq!(summary.resource_group, "rg-ml");
    assert_eq!(summary.kind, WorkspaceKind::Default);
    assert!(
        !summary.flags.data_isolation
            && !summary.flags.hub_project
            && !summary.flags.network_isolated()
    );
    let discovery = summary.discovery_url.clone().expect("discovery url");
    assert!(
        discovery.starts_with(&env.emulator.ready_info().flow_endpoint),
        "{discovery}"
    );

    let same = arm.get_workspace(&workspace()).await.unwrap();
    assert_eq!(same.id, dto.id);
    assert_eq!(same.workspace_ref(), workspace());

    let default_stores = arm.list_datastores(&workspace(), true).await.unwrap();
    assert_eq!(default_stores.len(), 1, "{default_stores:?}");
    assert_eq!(
        default_stores[0].properties.datastore_type.as_deref(),
        Some("AzureBlob")
    );
    assert_eq!(default_stores[0].properties.is_default, Some(true));
    arm.get_datastore(&workspace(), "workspaceworkingdirectory")
        .await
        .unwrap();
    arm.list_environments(&workspace(), ListViewType::ActiveOnly)
        .await
        .unwrap();
}

#[tokio::test]
async fn missing_resources_are_not_found_or_denied_as_arm_would_say() {
    let env = Env::start().await;
    let arm = ArmClient::new(env.pipeline.clone());
    let error = arm
        .get_compute(&workspace(), "no-such-ci")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(error.message.contains("no-such-ci"), "{}", error.message);
    let details = error.details.unwrap();
    assert_eq!(details["status"], 404);
    assert!(details.contains_key("armCode"));
    assert!(details.contains_key("clientRequestId"));

    // Alice reads her own subscription (Reader), so a workspace missing there is 404 ...
    let mut missing = workspace();
    missing.name = "no-such-ws".into();
    let error = arm.get_workspace(&missing).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);

    // ... while where her roles are on a workspace only (the returning world), ARM answers 403
    // outside it even for a name that does not exist, and the error names the action she lacks.
    let returning = Env::start_scenario("returning").await;
    let arm = ArmClient::new(returning.pipeline.clone());
    let mut elsewhere = workspace();
    elsewhere.name = "no-such-ws".into();
    let error = arm.get_workspace(&elsewhere).await.unwrap_err();
    assert_eq!(error.code, ErrorCode::PermissionDenied);
    assert!(
        error
            .message
            .contains("Microsoft.MachineLearningServices/workspaces/read"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn compute_instance_stops_and_starts_through_the_lro_poller() {
    let env = Env::start().await;
    let arm = ArmClient::new(env.pipeline.clone());
    let computes = arm.list_computes(&workspace()).await.unwrap();
    let ci = computes
        .iter()
        .find(|c| c.name == "ci-alice")
        .expect("seeded compute");
    assert!(ci.is_compute_instance());
    let summary = ComputeInstanceSummary::from(ci);
    assert_eq!(summary.state, ComputeInstanceState::Running);
    assert_eq!(summary.vm_size.as_deref(), Some("STANDARD_DS3_V2"));
    assert!(summary.belongs_to(ALICE_OID, None), "{summary:?}");

    let mut progress = Vec::new();
    arm.stop_compute(&workspace(), "ci-alice")
        .await
        .unwrap()
        .wait(arm.pipeline(), &lro_options(), |p| {
            progress.push(p.status.clone())
        })
        .await
        .unwrap();
    assert_eq!(progress.last().map(String::as_str), Some("Succeeded"));
    let stopped =
        ComputeInstanceSummary::from(&arm.get_compute(&workspace(), "ci-alice").await.unwrap());
    assert_eq!(stopped.state, ComputeInstanceState::Stopped);

    arm.start_compute(&workspace(), "ci-alice")
        .await
        .unwrap()
        .wait(arm.pipeline(), &lro_options(), |_| {})
        .await
        .unwrap();
    let running =
        ComputeInstanceSummary::from(&arm.get_compute(&workspace(), "ci-alice").await.unwrap());
    assert_eq!(running.state, ComputeInstanceState::Running);

    // Starting a running instance is refused, and the refusal is classified, not swallowed.
    let refused = arm
        .start_compute(&workspace(), "ci-alice")
        .await
        .unwrap_err();
    assert_eq!(refused.code, ErrorCode::Conflict);
    assert!(refused.message.contains("ci-alice"), "{}", refused.message);
    assert_eq!(
        refused.details.unwrap()["armCode"],
        "StartComputeInstanceOnlyAllowedInStoppedState"
    );
}

#[tokio::test]
async fn custom_applications_are_replaced_with_the_preview_api() {
    let env = Env::start().await;
    let arm = ArmClient::new(env.pipeline.clone());
    let before = arm
        .get_compute(&workspace(), "ci-alice")
        .await
        .unwrap()
        .custom_services();
    let mut services = before.clone();
    services.push(CustomService {
        name: "pf-runtime".into(),
        image: Some(CustomServiceImage {
            image_type: Some("docker".into()),
            reference: Some(
                "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2".into(),
            ),
            ..Default::default()
        }),
        endpoints: Some(vec![CustomServiceEndpoint {
            name: Some("connect".into()),
            protocol: Some("http".into()),
            target: Some(8080),
            published: Some(8081),
            ..Default::default()
        }]),
        docker: Some(serde_json::json!({"privileged": false})),
        ..Default::default()
    });
    arm.replace_custom_services(&workspace(), "ci-alice", &services)
        .await
        .unwrap();
    let after =
        ComputeInstanceSummary::from(&arm.get_compute(&workspace(), "ci-alice").await.unwrap());
    let app = after
        .custom_apps
        .iter()
        .find(|a| a.name == "pf-runtime")
        .expect("new app listed");
    assert!(app.is_prompt_flow_runtime);
    assert_eq!(app.endpoints[0].published, Some(8081));
    assert_eq!(after.custom_apps.len(), before.len() + 1);
}

#[tokio::test]
async fn permissions_show_what_alice_may_do_and_a_grant_she_may_not_make_is_denied() {
    let env = Env::start().await;
    let authorization = AuthorizationClient::new(env.pipeline.clone());
    let permissions = authorization
        .list_permissions_for_workspace(&workspace())
        .await
        .unwrap();
    assert!(!permissions.is_empty());
    assert!(is_action_allowed(
        &permissions,
        "Microsoft.MachineLearningServices/workspaces/computes/read"
    ));
    assert!(is_action_allowed(
        &permissions,
        "Microsoft.MachineLearningServices/workspaces/computes/start/action"
    ));
    assert!(!is_action_allowed(
        &permissions,
        "Microsoft.Authorization/roleAssignments/write"
    ));

    let scope = workspace().arm_id();
    let mine = authorization
        .list_role_assignments_for_principal(&scope, ALICE_OID)
        .await
        .unwrap();
    let roles: Vec<String> = mine
        .iter()
        .map(|a| {
            a.properties
                .role_definition_id
                .rsplit('/')
                .next()
                .unwrap()
                .to_ascii_lowercase()
        })
        .collect();
    assert!(
        roles.contains(&builtin_roles::AZUREML_DATA_SCIENTIST.to_owned()),
        "{roles:?}"
    );

    let error = authorization
        .create_role_assignment(
            &scope,
            azure_core::Uuid::new_v4(),
            &role_definition_id(SUBSCRIPTION, builtin_roles::AZUREML_DATA_SCIENTIST),
            "b0b00000-0000-4000-8000-000000000002",
            PrincipalType::User,
        )
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::PermissionDenied);
    assert!(
        error
            .message
            .contains("Microsoft.Authorization/roleAssignments/write"),
        "{}",
        error.message
    );
}

#[tokio::test]
async fn lists_are_followed_across_pages() {
    let env = Env::start().await;
    env.emulator.set_page_size(1);
    let authorization = AuthorizationClient::new(env.pipeline.clone());
    let all = authorization
        .list_role_assignments(&workspace().arm_id(), None)
        .await
        .unwrap();
    assert!(all.len() >= 2, "{all:?}");
    let arm = ArmClient::new(env.pipeline.clone());
    let stores = arm.list_datastores(&workspace(), false).await.unwrap();
    assert!(stores.len() >= 2, "{stores:?}");
}
