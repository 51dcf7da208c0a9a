//! Granting AzureML Data Scientist against the emulator: who may grant (refused before any
//! write), grant to me with the propagation delay until the preflight check turns green, to a
//! colleague found by email, to an endpoint's managed identity, an endpoint without one, an
//! unknown user, an existing assignment (409), PrincipalNotFound retried, and revoke.

mod clients_common;

use std::time::Duration;

use clients_common::ops::{services, workspace_id};
use clients_common::{Env, ALICE_OID};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::diagnosis::RoleScope;
use pfrm_core::ops::permissions::{
    self, assignment_name, GrantOutcome, GrantRequest, GrantSettings, GrantStatus, GrantTarget,
    GrantableRole, PrincipalKind, RevokeRequest, DATA_SCIENTIST_ROLE_GUID,
};
use pfrm_core::ops::workspaces::check_workspace;
use pfrm_core::ops::{OperationKind, OperationState, Operations, Stage};
use pfrm_core::preflight::{CheckId, CheckStatus, FixAction};
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;
use pfrm_emulator::{FaultAction, FaultRule};
use serde_json::json;

const BOB: &str = "bob@contoso.com";
const BOB_OID: &str = "b0b00000-0000-4000-8000-000000000002";
const CAROL: &str = "carol@contoso.com";
const ERIN: &str = "erin@contoso.com";
const ERIN_OID: &str = "e1e10000-0000-4000-8000-000000000005";

const ASSIGNMENT_PUTS: &str = "/subscriptions/**/roleAssignments/*";

fn fast() -> GrantSettings {
    GrantSettings {
        propagation_timeout: Duration::from_secs(30),
        poll_interval: Duration::from_millis(100),
        principal_retry_timeout: Duration::from_secs(10),
        principal_retry_initial_delay: Duration::from_millis(50),
        principal_retry_max_delay: Duration::from_millis(200),
    }
}

fn grant(workspace: &str, target: GrantTarget) -> GrantRequest {
    GrantRequest {
        workspace_id: workspace_id(workspace),
        target,
        role: None,
    }
}

/// Grants AzureML Data Scientist to `target` on `workspace` (of `rg-ml`), watching quickly.
async fn grant_quickly(
    services: &Services,
    workspace: &str,
    target: GrantTarget,
) -> pfrm_core::Result<GrantOutcome> {
    permissions::grant_data_scientist(services, grant(workspace, target), fast()).await
}

fn user(name: &str) -> GrantTarget {
    GrantTarget::User { user: name.into() }
}

fn endpoint(name: &str) -> GrantTarget {
    GrantTarget::Endpoint { name: name.into() }
}

fn puts(env: &Env) -> u64 {
    env.emulator.faults().request_count("PUT", ASSIGNMENT_PUTS)
}

#[tokio::test]
async fn a_caller_who_may_not_grant_is_refused_before_any_write_and_told_whom_to_ask() {
    let env = Env::start_scenario_as("blocked", BOB).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());

    let ability = permissions::can_grant(&services, &workspace_id("ws-open"))
        .await
        .unwrap();
    assert!(!ability.allowed);
    assert!(ability.who_can_grant.contains("Owner"), "{ability:?}");
    assert!(ability.who_can_grant.contains("rg-ml"));
    assert!(ability.request_text.contains(BOB));
    assert!(ability.request_text.contains(BOB_OID));
    assert!(ability.request_text.contains("AzureML Data Scientist"));
    assert!(ability.request_text.contains(&workspace_id("ws-open")));
    // Erin administers access to the resource group: she is named as someone to ask.
    assert!(
        ability
            .administrators
            .iter()
            .any(|a| a.user_principal_name.as_deref() == Some(ERIN)),
        "{:?}",
        ability.administrators
    );

    for target in [
        GrantTarget::Me,
        GrantTarget::User {
            user: "alice@contoso.com".into(),
        },
    ] {
        let error = permissions::grant_data_scientist(&services, grant("ws-open", target), fast())
            .await
            .unwrap_err();
        assert_eq!(error.code, ErrorCode::PermissionDenied);
        assert!(error.message.contains("roleAssignments/write"), "{error:?}");
        assert!(error.remedy.as_deref().unwrap().contains("Owner"));
    }
    assert_eq!(puts(&env), 0, "nothing was written");
    assert!(operations.list().is_empty(), "no operation was started");
}

#[tokio::test]
async fn grant_to_me_waits_for_propagation_until_the_preflight_check_turns_green() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let operations = Operations::default();
    let mut updates = operations.subscribe();
    let services = services(&env, operations.clone());
    let workspace = workspace_id("ws-open");

    let before = check_workspace(&services, &workspace).await.unwrap();
    let role = before.report.get(CheckId::DataScientistRole).unwrap();
    assert_eq!(role.status, CheckStatus::Failed);
    assert_eq!(role.fix, Some(FixAction::GrantDataScientistToMe));
    assert!(
        permissions::can_grant(&services, &workspace)
            .await
            .unwrap()
            .allowed
    );

    env.emulator
        .set_role_propagation_delay(Duration::from_millis(1500));
    env.emulator.faults().reset_counters();
    let started = std::time::Instant::now();
    let outcome = grant_quickly(&services, "ws-open", GrantTarget::Me)
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted, "{outcome:?}");
    assert!(outcome.visible, "{outcome:?}");
    assert!(outcome.message.contains("in effect"), "{}", outcome.message);
    assert!(
        started.elapsed() >= Duration::from_millis(1400),
        "waited for the propagation delay"
    );
    let permission_checks = env.emulator.faults().request_count(
        "GET",
        "/subscriptions/**/providers/Microsoft.Authorization/permissions",
    );
    assert!(
        permission_checks >= 3,
        "re-checked {permission_checks} times"
    );
    let assignment = outcome.assignment.unwrap();
    assert_eq!(
        assignment.name,
        assignment_name(&workspace, ERIN_OID, DATA_SCIENTIST_ROLE_GUID).to_string()
    );
    assert_eq!(assignment.principal_type.as_deref(), Some("User"));

    let mut stages = Vec::new();
    while let Ok(snapshot) = updates.try_recv() {
        assert_eq!(snapshot.kind, OperationKind::GrantRole);
        if stages.last() != Some(&snapshot.stage) {
            stages.push(snapshot.stage);
        }
    }
    assert_eq!(
        stages,
        [
            Stage::Requested,
            Stage::WaitingForPropagation,
            Stage::Verifying,
            Stage::Done
        ]
    );
    assert_eq!(operations.list()[0].state, OperationState::Succeeded);

    let after = check_workspace(&services, &workspace).await.unwrap();
    assert_eq!(
        after.report.get(CheckId::DataScientistRole).unwrap().status,
        CheckStatus::Passed
    );

    // Granting again is safe: Azure answers 409 RoleAssignmentExists, which counts as success.
    let again = grant_quickly(&services, "ws-open", GrantTarget::Me)
        .await
        .unwrap();
    assert_eq!(again.status, GrantStatus::AlreadyAssigned);
    assert!(again.visible);
    let mine = permissions::list_workspace_assignments(&services, &workspace, Some(ERIN_OID))
        .await
        .unwrap();
    let data_scientist: Vec<_> = mine
        .iter()
        .filter(|a| a.role_name == "AzureML Data Scientist")
        .collect();
    assert_eq!(data_scientist.len(), 1, "no duplicate: {mine:?}");
    assert!(mine
        .iter()
        .any(|a| a.role_name == "User Access Administrator" && a.inherited && !a.removable));
}

#[tokio::test]
async fn a_grant_not_applied_within_the_time_limit_says_so_instead_of_failing() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let services = services(&env, Operations::default());
    env.emulator
        .set_role_propagation_delay(Duration::from_secs(60));
    let outcome = permissions::grant_data_scientist(
        &services,
        grant("ws-filestore", GrantTarget::Me),
        GrantSettings {
            propagation_timeout: Duration::from_millis(400),
            ..fast()
        },
    )
    .await
    .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted);
    assert!(!outcome.visible);
    assert!(
        outcome.message.contains("several minutes"),
        "{}",
        outcome.message
    );
    let check = check_workspace(&services, &workspace_id("ws-filestore"))
        .await
        .unwrap();
    assert_eq!(
        check.report.get(CheckId::DataScientistRole).unwrap().status,
        CheckStatus::Failed,
        "not yet in effect"
    );
}

#[tokio::test]
async fn grant_to_a_colleague_then_revoke_with_confirmation() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    let workspace = workspace_id("ws-open");

    let found = permissions::find_user(&services, BOB).await.unwrap();
    assert_eq!(found.object_id, BOB_OID);
    assert_eq!(found.display_name.as_deref(), Some("Bob"));
    let before = permissions::list_workspace_assignments(&services, &workspace, Some(BOB_OID))
        .await
        .unwrap();
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(before[0].role_name, "Reader");
    assert!(before[0].inherited);
    // Reader is none of the roles this app grants: nothing says Bob has Data Scientist yet.
    assert_eq!(before[0].role, None);

    let outcome = grant_quickly(&services, "ws-open", user(BOB))
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted);
    assert!(outcome.visible);
    assert_eq!(outcome.principal.as_ref().unwrap().object_id, BOB_OID);
    assert!(outcome.message.contains("Bob"), "{}", outcome.message);

    let listed = permissions::list_workspace_assignments(&services, &workspace, None)
        .await
        .unwrap();
    let bobs = listed
        .iter()
        .find(|a| a.principal.object_id == BOB_OID && a.role_name == "AzureML Data Scientist")
        .expect("Bob's new assignment is listed");
    assert!(bobs.removable && !bobs.inherited);
    assert_eq!(bobs.principal.label(), "Bob");
    // The hosts' "already has the role" check reads this, not the role definition's id.
    assert_eq!(bobs.role, Some(permissions::GrantableRole::DataScientist));
    let name = bobs.assignment.name.clone();

    // A wrong confirmation removes nothing.
    let error = permissions::revoke_assignment(
        &services,
        RevokeRequest {
            workspace_id: workspace.clone(),
            assignment_name: name.clone(),
            confirm: "Alice".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert_eq!(error.details.as_ref().unwrap()["confirmWith"], json!("Bob"));
    assert_eq!(
        env.emulator
            .faults()
            .request_count("DELETE", ASSIGNMENT_PUTS),
        0
    );

    // Inherited assignments are not removed from here.
    let reader = listed
        .iter()
        .find(|a| a.principal.object_id == BOB_OID && a.role_name == "Reader")
        .unwrap();
    let error = permissions::revoke_assignment(
        &services,
        RevokeRequest {
            workspace_id: workspace.clone(),
            assignment_name: reader.assignment.name.clone(),
            confirm: "Bob".into(),
        },
    )
    .await
    .unwrap_err();
    assert_eq!(error.code, ErrorCode::InvalidInput);
    assert!(
        error.message.contains("resource group 'rg-ml'"),
        "{error:?}"
    );

    let revoked = permissions::revoke_assignment(
        &services,
        RevokeRequest {
            workspace_id: workspace.clone(),
            assignment_name: name.clone(),
            confirm: " bob ".into(),
        },
    )
    .await
    .unwrap();
    assert!(!revoked.already_gone);
    assert_eq!(revoked.removed.assignment.name, name);
    let after = permissions::list_workspace_assignments(&services, &workspace, Some(BOB_OID))
        .await
        .unwrap();
    assert!(
        after
            .iter()
            .all(|a| a.role_name != "AzureML Data Scientist"),
        "{after:?}"
    );
    let kinds: Vec<(OperationKind, OperationState)> = operations
        .list()
        .iter()
        .map(|s| (s.kind, s.state))
        .collect();
    assert_eq!(
        kinds,
        [
            (OperationKind::GrantRole, OperationState::Succeeded),
            (OperationKind::RevokeRole, OperationState::Succeeded)
        ]
    );
}

#[tokio::test]
async fn users_are_found_by_email_and_unknown_users_get_a_clear_message() {
    let env = Env::start_scenario_as("returning", CAROL).await;
    let services = services(&env, Operations::default());

    // Carol's email is not her user name: the mail lookup finds her.
    let carol = permissions::find_user(&services, "carol.admin@contoso.com")
        .await
        .unwrap();
    assert_eq!(carol.user_principal_name.as_deref(), Some(CAROL));
    assert_eq!(carol.kind, PrincipalKind::User);

    let error = permissions::find_user(&services, "nobody@contoso.com")
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(error.message.contains("nobody@contoso.com"));
    assert!(error.remedy.as_deref().unwrap().contains("spelling"));

    let error = grant_quickly(&services, "ml-workspace", user("nobody@contoso.com"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
    assert_eq!(puts(&env), 0);
}

#[tokio::test]
async fn an_existing_assignment_made_elsewhere_counts_as_already_granted() {
    let env = Env::start_scenario_as("returning", CAROL).await;
    let services = services(&env, Operations::default());
    // Alice already holds the role on ml-workspace under a name pfrm did not choose: 409.
    let outcome = grant_quickly(&services, "ml-workspace", user("alice@contoso.com"))
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::AlreadyAssigned, "{outcome:?}");
    assert!(outcome.visible);
    assert_eq!(puts(&env), 1, "one PUT, answered 409");
    let assignment = outcome.assignment.unwrap();
    assert_eq!(assignment.principal_id, ALICE_OID);
    assert_ne!(
        assignment.name,
        assignment_name(
            &workspace_id("ml-workspace"),
            ALICE_OID,
            DATA_SCIENTIST_ROLE_GUID
        )
        .to_string(),
        "the existing assignment is reported"
    );
    assert!(
        outcome.message.contains("already had"),
        "{}",
        outcome.message
    );
}

#[tokio::test]
async fn grant_to_an_endpoints_managed_identity() {
    let env = Env::start_scenario_as("returning", CAROL).await;
    let services = services(&env, Operations::default());
    let workspace = workspace_id("ml-workspace");

    let endpoints = permissions::list_endpoint_identities(&services, &workspace)
        .await
        .unwrap();
    assert_eq!(endpoints.len(), 1);
    assert_eq!(endpoints[0].endpoint_name, "pf-endpoint");
    let identity = endpoints[0].principal_id.clone().expect("system-assigned");
    assert!(endpoints[0].explanation.is_none());

    let outcome = grant_quickly(&services, "ml-workspace", endpoint("pf-endpoint"))
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted);
    assert!(outcome.visible);
    let principal = outcome.principal.unwrap();
    assert_eq!(principal.object_id, identity);
    assert_eq!(principal.kind, PrincipalKind::ServicePrincipal);
    assert_eq!(
        outcome.assignment.unwrap().principal_type.as_deref(),
        Some("ServicePrincipal")
    );
    let listed = permissions::list_workspace_assignments(&services, &workspace, None)
        .await
        .unwrap();
    let entry = listed
        .iter()
        .find(|a| a.principal.object_id == identity)
        .unwrap();
    assert_eq!(
        entry.principal.endpoint_name.as_deref(),
        Some("pf-endpoint")
    );
    assert_eq!(entry.role_name, "AzureML Data Scientist");

    let error = grant_quickly(&services, "ml-workspace", endpoint("no-such-endpoint"))
        .await
        .unwrap_err();
    assert_eq!(error.code, ErrorCode::NotFound);
}

#[tokio::test]
async fn an_endpoint_without_a_managed_identity_gets_an_explanation_not_a_failure() {
    let env = Env::start_scenario_as("returning", CAROL).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    // The endpoint as Azure describes one created without an identity.
    env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some("/subscriptions/**/onlineEndpoints/pf-endpoint".into()),
        action: FaultAction::Respond,
        status: Some(200),
        body: Some(json!({
            "id": format!("{}/onlineEndpoints/pf-endpoint", workspace_id("ml-workspace")),
            "name": "pf-endpoint",
            "type": "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
            "location": "eastus",
            "identity": {"type": "None"},
            "properties": {"authMode": "Key", "provisioningState": "Succeeded"}
        })),
        ..FaultRule::default()
    });
    let outcome = grant_quickly(&services, "ml-workspace", endpoint("pf-endpoint"))
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::EndpointHasNoIdentity);
    assert!(!outcome.visible);
    assert!(outcome.message.contains("pf-endpoint"));
    assert!(
        outcome.message.contains("system-assigned"),
        "{}",
        outcome.message
    );
    assert_eq!(puts(&env), 0);
    assert!(operations.list().is_empty());
}

#[tokio::test]
async fn principal_not_found_is_retried_with_backoff_then_succeeds() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    let fault = env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        method: Some("PUT".into()),
        path: Some(ASSIGNMENT_PUTS.into()),
        action: FaultAction::Respond,
        status: Some(400),
        body: Some(json!({"error": {"code": "PrincipalNotFound",
            "message": "Principal b0b00000000040008000000000000002 does not exist in the directory."}})),
        times: Some(3),
        ..FaultRule::default()
    });
    let mut updates = operations.subscribe();
    let outcome = grant_quickly(&services, "ws-open", user(BOB))
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted);
    assert_eq!(env.emulator.faults().injected(&fault), 3);
    assert_eq!(puts(&env), 4);
    let mut said_so = false;
    while let Ok(snapshot) = updates.try_recv() {
        said_so |= snapshot
            .message
            .as_deref()
            .is_some_and(|m| m.contains("does not know"));
    }
    assert!(said_so, "the retries were shown as progress");
}

#[tokio::test]
async fn principal_not_found_gives_up_after_the_time_limit() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    env.emulator.set_principal_not_found(vec![BOB_OID.into()]);
    let started = std::time::Instant::now();
    let error = permissions::grant_data_scientist(
        &services,
        grant("ws-open", GrantTarget::User { user: BOB.into() }),
        GrantSettings {
            principal_retry_timeout: Duration::from_millis(600),
            ..fast()
        },
    )
    .await
    .unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(error.code, ErrorCode::NotFound);
    assert!(error
        .remedy
        .as_deref()
        .unwrap()
        .contains("retrying is safe"));
    assert!(puts(&env) >= 3, "retried: {}", puts(&env));
    assert_eq!(operations.list()[0].state, OperationState::Failed);
}

/// The storage account or registry a workspace names in its properties.
async fn resource_of(services: &Services, workspace: &str, registry: bool) -> String {
    let dto = services
        .arm
        .get_workspace(&WorkspaceRef::from_arm_id(&workspace_id(workspace)).unwrap())
        .await
        .unwrap();
    let properties = dto.properties;
    if registry {
        properties.container_registry.unwrap()
    } else {
        properties.storage_account.unwrap()
    }
}

#[tokio::test]
async fn storage_file_role_goes_to_the_workspace_identity_on_its_storage_account_once() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    let storage = resource_of(&services, "ws-open", false).await;
    assert!(storage.contains("/providers/Microsoft.Storage/storageAccounts/"));
    let request = || GrantRequest {
        workspace_id: workspace_id("ws-open"),
        target: GrantTarget::WorkspaceIdentity,
        role: Some(GrantableRole::StorageFileDataPrivilegedContributor),
    };
    let outcome = permissions::grant_role(&services, request(), fast())
        .await
        .unwrap();
    assert_eq!(outcome.status, GrantStatus::Granted, "{outcome:?}");
    assert!(outcome.visible);
    assert!(
        outcome
            .message
            .contains("Storage File Data Privileged Contributor"),
        "{}",
        outcome.message
    );
    assert!(
        outcome.message.contains("storage account"),
        "{}",
        outcome.message
    );
    let principal = outcome.principal.unwrap();
    assert_eq!(principal.kind, PrincipalKind::ServicePrincipal);
    let assignment = outcome.assignment.unwrap();
    assert_eq!(assignment.scope.as_deref(), Some(storage.as_str()));
    assert!(assignment
        .role_definition_id
        .ends_with("/69566ab7-960f-475b-8e7c-b3118f30c6bd"));
    assert_eq!(
        assignment.principal_type.as_deref(),
        Some("ServicePrincipal")
    );
    assert_eq!(
        assignment.name,
        assignment_name(
            &storage,
            &principal.object_id,
            "69566ab7-960f-475b-8e7c-b3118f30c6bd"
        )
        .to_string()
    );

    // Again: the same assignment, not a second one.
    let again = permissions::grant_role(&services, request(), fast())
        .await
        .unwrap();
    assert_eq!(again.status, GrantStatus::AlreadyAssigned, "{again:?}");
    let at_storage = services
        .authorization
        .list_role_assignments(&storage, None)
        .await
        .unwrap();
    let file_roles = at_storage
        .iter()
        .filter(|a| {
            a.properties
                .role_definition_id
                .ends_with("69566ab7-960f-475b-8e7c-b3118f30c6bd")
        })
        .count();
    assert_eq!(file_roles, 1, "{at_storage:?}");
    // The workspace's listing shows it, labelled as made on the storage account, where it is
    // removed (not here); nothing was granted on the workspace itself.
    let listed = permissions::list_workspace_assignments(&services, &workspace_id("ws-open"), None)
        .await
        .unwrap();
    let theirs: Vec<_> = listed
        .iter()
        .filter(|a| a.principal.object_id == principal.object_id)
        .collect();
    assert_eq!(theirs.len(), 1, "{listed:#?}");
    assert_eq!(theirs[0].at, RoleScope::Storage);
    assert_eq!(
        theirs[0].role_name,
        "Storage File Data Privileged Contributor"
    );
    assert_eq!(
        theirs[0].assignment.scope.as_deref(),
        Some(storage.as_str())
    );
    assert!(!theirs[0].removable && !theirs[0].inherited);
    // The workspace's own assignments come first.
    let first_elsewhere = listed
        .iter()
        .position(|a| a.at != RoleScope::Workspace)
        .unwrap();
    assert!(listed[..first_elsewhere]
        .iter()
        .all(|a| a.at == RoleScope::Workspace));
    assert!(listed[first_elsewhere..]
        .iter()
        .all(|a| a.at != RoleScope::Workspace));
}

#[tokio::test]
async fn blob_role_to_me_waits_until_its_data_actions_are_in_effect_on_the_storage() {
    let env = Env::start_scenario_as("blocked", ERIN).await;
    let services = services(&env, Operations::default());
    let storage = resource_of(&services, "ws-open", false).await;
    env.emulator
        .set_role_propagation_delay(Duration::from_millis(1200));
    let started = std::time::Instant::now();
    let blob = permissions::grant_role(
        &services,
        GrantRequest {
            workspace_id: workspace_id("ws-open"),
            target: GrantTarget::Me,
            role: Some(GrantableRole::StorageBlobDataContributor),
        },
        fast(),
    )
    .await
    .unwrap();
    assert_eq!(blob.status, GrantStatus::Granted);
    assert!(blob.visible);
    assert!(
        started.elapsed() >= Duration::from_millis(1100),
        "waited for the propagation delay"
    );
    // In effect means the caller's effective permissions on the storage account now hold the
    // role's data actions, re-read until they did.
    let checks = env.emulator.faults().request_count(
        "GET",
        "/subscriptions/**/storageAccounts/*/providers/Microsoft.Authorization/permissions",
    );
    assert!(checks >= 3, "re-checked {checks} times");
    let blob = blob.assignment.unwrap();
    assert_eq!(blob.scope.as_deref(), Some(storage.as_str()));
    assert_eq!(blob.principal_id, ERIN_OID);
    assert!(blob
        .role_definition_id
        .ends_with("/ba92f5b4-2d11-453d-a403-e96b0029c9fe"));
}

#[tokio::test]
async fn acr_pull_to_an_endpoint_lands_on_the_workspace_registry() {
    let env = Env::start_scenario_as("returning", CAROL).await;
    let services = services(&env, Operations::default());
    let registry = resource_of(&services, "ml-workspace", true).await;
    let endpoints = permissions::list_endpoint_identities(&services, &workspace_id("ml-workspace"))
        .await
        .unwrap();
    let endpoint = endpoints
        .iter()
        .find(|e| e.principal_id.is_some())
        .expect("an endpoint with an identity");
    let pull = permissions::grant_role(
        &services,
        GrantRequest {
            workspace_id: workspace_id("ml-workspace"),
            target: GrantTarget::Endpoint {
                name: endpoint.endpoint_name.clone(),
            },
            role: Some(GrantableRole::AcrPull),
        },
        fast(),
    )
    .await
    .unwrap();
    assert_eq!(pull.status, GrantStatus::Granted, "{pull:?}");
    let pull = pull.assignment.unwrap();
    assert_eq!(pull.scope.as_deref(), Some(registry.as_str()));
    assert_eq!(pull.principal_id, endpoint.principal_id.clone().unwrap());
    assert!(pull
        .role_definition_id
        .ends_with("/7f951dda-4ed3-4680-a7ca-43fe172d538d"));
    // Listed with the workspace's assignments, named as the endpoint, made on the registry.
    let listed = permissions::list_workspace_assignments(
        &services,
        &workspace_id("ml-workspace"),
        Some(&pull.principal_id),
    )
    .await
    .unwrap();
    let on_registry: Vec<_> = listed
        .iter()
        .filter(|a| a.at == RoleScope::Registry)
        .collect();
    assert_eq!(on_registry.len(), 1, "{listed:#?}");
    assert_eq!(on_registry[0].role_name, "AcrPull");
    assert_eq!(
        on_registry[0].principal.endpoint_name.as_deref(),
        Some(endpoint.endpoint_name.as_str())
    );
    assert!(!on_registry[0].removable);
}

#[tokio::test]
async fn a_caller_who_may_not_grant_on_the_registry_is_refused_before_any_write() {
    let env = Env::start_scenario_as("blocked", BOB).await;
    let operations = Operations::default();
    let services = services(&env, operations.clone());
    for role in [
        GrantableRole::AcrPull,
        GrantableRole::StorageFileDataPrivilegedContributor,
    ] {
        let error = permissions::grant_role(
            &services,
            GrantRequest {
                workspace_id: workspace_id("ws-open"),
                target: GrantTarget::Me,
                role: Some(role),
            },
            fast(),
        )
        .await
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::PermissionDenied, "{error:?}");
        let place = match role {
            GrantableRole::AcrPull => "container registry",
            _ => "storage account",
        };
        assert!(error.message.contains(place), "{error:?}");
        let remedy = error.remedy.as_deref().unwrap();
        assert!(remedy.contains(role.name()), "{remedy}");
        assert!(remedy.contains("Owner"), "{remedy}");
    }
    assert_eq!(puts(&env), 0, "nothing was written");
    assert!(operations.list().is_empty(), "no operation was started");
}

#[test]
fn the_roles_the_diagnoses_name_are_all_grantable() {
    // A diagnosis action names a role by its display name; every such name must be one the
    // permissions screen can grant, at the scope the action says.
    for (name, scope) in [
        ("Storage Blob Data Contributor", "storage"),
        ("Storage File Data Privileged Contributor", "storage"),
        ("AcrPull", "registry"),
        ("AzureML Data Scientist", "workspace"),
    ] {
        let role = GrantableRole::from_name(name).unwrap_or_else(|| panic!("{name}"));
        assert_eq!(role.name(), name);
        assert_eq!(json!(role.scope()), json!(scope));
    }
    assert_eq!(GrantableRole::from_name("Owner"), None);
}
