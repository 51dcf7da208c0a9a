//! The preflight's deeper checks (storage, managed network, quota, compute instance, custom
//! environment image) against the emulator's `troubled` world: each check passing, failing with
//! its remedy, and "could not tell" with the permission that was missing — which blocks, never
//! reads as ready.

mod clients_common;

use std::time::Instant;

use clients_common::{Env, ALICE, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::ops::runtimes::{
    check_environment_image, check_one_instance, environment_image_checks,
    list_my_compute_instances, list_others_compute_instances, runtime_details, OthersInstance,
};
use pfrm_core::ops::workspaces::check_workspace;
use pfrm_core::ops::Operations;
use pfrm_core::preflight::{
    BlockKind, CheckId, CheckResult, CheckStatus, PreflightReport, Severity,
};
use pfrm_core::services::Services;
use pfrm_emulator::Scenario;

/// The checks this file is about.
const DEEP: [CheckId; 11] = [
    CheckId::WorkingDirectoryDatastore,
    CheckId::SharedKeyAccess,
    CheckId::StorageRolesForYou,
    CheckId::StorageRolesForWorkspace,
    CheckId::ManagedNetworkProvisioned,
    CheckId::PrivateEndpointsApproved,
    CheckId::OutboundRulesForRuntime,
    CheckId::VmQuota,
    CheckId::InstanceQuota,
    CheckId::IdleShutdown,
    CheckId::ImagePullable,
];

fn services(env: &Env) -> Services {
    clients_common::ops::services(env, Operations::default())
}

fn troubled(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-trouble", name).arm_id()
}

fn get(report: &PreflightReport, id: CheckId) -> &CheckResult {
    report
        .get(id)
        .unwrap_or_else(|| panic!("{id:?} missing from {report:#?}"))
}

fn text(check: &CheckResult) -> String {
    check
        .evidence
        .iter()
        .map(|item| format!("{}: {}", item.label, item.value))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// A failed blocker: blocks, has a remedy, and the report's first reason is a "not met".
fn assert_fails(report: &PreflightReport, id: CheckId, remedy_says: &str) {
    let check = get(report, id);
    assert_eq!(check.status, CheckStatus::Failed, "{id:?}: {check:#?}");
    assert_eq!(check.severity, Severity::Blocker, "{id:?}");
    let remedy = check.remedy.clone().unwrap_or_default();
    assert!(remedy.contains(remedy_says), "{id:?}: {remedy}");
    assert!(report.blocked, "{id:?}");
    assert_eq!(
        report.blocking.as_ref().map(|b| b.kind),
        Some(BlockKind::NotMet)
    );
}

/// "Could not tell", naming the permission that was missing; as a blocker it stops creation.
fn assert_could_not_tell(check: &CheckResult, permission: &str) {
    assert_eq!(check.status, CheckStatus::Unknown, "{check:#?}");
    assert!(text(check).contains("Could not tell"), "{}", text(check));
    assert!(text(check).contains(permission), "{}", text(check));
    assert!(check.remedy.is_some());
}

#[tokio::test]
async fn each_troubled_workspace_fails_its_own_deep_check_and_a_healthy_one_passes_them_all() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let check = |name: &'static str| {
        let services = services.clone();
        async move { check_workspace(&services, &troubled(name)).await.unwrap() }
    };

    // The workspace whose only trouble is a runtime image: every workspace-level check passes.
    let healthy = check("ws-start-timeout").await;
    for id in DEEP.iter().filter(|id| {
        !matches!(
            id,
            CheckId::InstanceQuota | CheckId::IdleShutdown | CheckId::ImagePullable
        )
    }) {
        let result = get(&healthy.report, *id);
        assert_eq!(result.status, CheckStatus::Passed, "{id:?}: {result:#?}");
        assert!(result.remedy.is_none(), "{id:?}");
    }
    assert!(!healthy.report.blocked, "{:#?}", healthy.report);
    // Account keys and shared keys on: the storage roles are not needed, and say so.
    let roles = get(&healthy.report, CheckId::StorageRolesForYou);
    assert!(text(roles).contains("Not needed"), "{}", text(roles));

    let keys = check("ws-shared-key-off").await;
    assert_fails(
        &keys.report,
        CheckId::SharedKeyAccess,
        "identity-based access",
    );
    let shared = get(&keys.report, CheckId::SharedKeyAccess);
    assert!(
        text(shared).contains("allowSharedKeyAccess: false"),
        "{}",
        text(shared)
    );
    assert!(
        text(shared).contains("workspaceblobstore"),
        "{}",
        text(shared)
    );
    // With shared keys off, identity-based access is in use: Alice has no storage data role.
    assert_fails(
        &keys.report,
        CheckId::StorageRolesForYou,
        "Storage Blob Data Contributor",
    );

    let files = check("ws-file-share-denied").await;
    assert_fails(
        &files.report,
        CheckId::StorageRolesForWorkspace,
        "Storage File Data Privileged Contributor",
    );
    let identity = get(&files.report, CheckId::StorageRolesForWorkspace);
    assert!(
        text(identity).contains("Missing on storage: Storage File Data Privileged Contributor"),
        "{}",
        text(identity)
    );
    assert_eq!(
        get(&files.report, CheckId::SharedKeyAccess).status,
        CheckStatus::Passed
    );

    let lake = check("ws-datalake").await;
    assert_fails(
        &lake.report,
        CheckId::DefaultDatastoreIsBlob,
        "Data Lake Storage Gen2",
    );

    let no_dir = check("ws-no-working-dir").await;
    assert_fails(
        &no_dir.report,
        CheckId::WorkingDirectoryDatastore,
        "workspaceworkingdirectory",
    );

    let unprovisioned = check("ws-network-unprovisioned").await;
    assert_fails(
        &unprovisioned.report,
        CheckId::ManagedNetworkProvisioned,
        "provision-network",
    );

    let pending = check("ws-endpoint-pending").await;
    assert_fails(
        &pending.report,
        CheckId::PrivateEndpointsApproved,
        "Approve",
    );

    let outbound = check("ws-outbound-missing").await;
    assert_fails(
        &outbound.report,
        CheckId::OutboundRulesForRuntime,
        "outbound-rule set",
    );
    let rules = get(&outbound.report, CheckId::OutboundRulesForRuntime);
    assert!(text(rules).contains("(file)"), "{}", text(rules));
    assert!(
        text(rules).contains("registry is Inactive"),
        "{}",
        text(rules)
    );

    // No size fits the region's cores: a warning (a running instance needs no new cores).
    let quota = check("ws-quota-used-up").await;
    let sizes = get(&quota.report, CheckId::VmQuota);
    assert_eq!(
        (sizes.status, sizes.severity),
        (CheckStatus::Failed, Severity::Warning)
    );
    assert!(sizes.remedy.clone().unwrap().contains("request more quota"));
    assert!(text(sizes).contains("none of"), "{}", text(sizes));
}

#[tokio::test]
async fn instance_checks_quota_to_start_idle_shutdown_and_whose_it_is() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);

    let choices = list_my_compute_instances(&services, &troubled("ws-quota-used-up"), None)
        .await
        .unwrap();
    let named = |name: &str| {
        choices
            .iter()
            .find(|choice| choice.instance.name == name)
            .unwrap_or_else(|| panic!("{name} not offered"))
    };
    let find = |checks: &[CheckResult], id: CheckId| {
        checks.iter().find(|check| check.id == id).cloned().unwrap()
    };
    // Stopped, and its family has no cores left: it cannot start, so it is not usable.
    let spare = named("ci-quota-stopped");
    let quota = find(&spare.checks, CheckId::InstanceQuota);
    assert_eq!(quota.status, CheckStatus::Failed, "{quota:#?}");
    assert!(quota.remedy.unwrap().contains("Not enough quota available"));
    assert!(!spare.usable);
    assert_eq!(
        find(&spare.checks, CheckId::IdleShutdown).status,
        CheckStatus::Passed
    );
    // Running: it already holds its cores. No idle shutdown: a warning, not a blocker.
    let running = named("ci-quota-running");
    assert_eq!(
        find(&running.checks, CheckId::InstanceQuota).status,
        CheckStatus::Passed
    );
    let idle = find(&running.checks, CheckId::IdleShutdown);
    assert_eq!(
        (idle.status, idle.severity),
        (CheckStatus::Failed, Severity::Warning)
    );
    assert!(idle.remedy.unwrap().contains("idle shutdown"));

    // Someone else's instance: "assigned to you" fails and says to whom, by name.
    let theirs = check_one_instance(&services, &troubled("ws-not-yours"), "ci-not-yours")
        .await
        .unwrap();
    let assigned = find(&theirs.checks, CheckId::InstanceAssignedToYou);
    assert_eq!(assigned.status, CheckStatus::Failed);
    assert!(
        text(&assigned).contains("Bob (bob@contoso.com)"),
        "{}",
        text(&assigned)
    );
    assert!(assigned.remedy.unwrap().contains("assigned to Bob"));
    assert!(!theirs.usable);
}

#[tokio::test]
async fn a_custom_environments_image_must_be_in_acr_tagged_and_pullable_by_the_workspace() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let image = |ws: &str| {
        let services = services.clone();
        let reference = WorkspaceRef::new(SUBSCRIPTION, "rg-trouble", ws);
        async move {
            environment_image_checks(&services, &reference, "contoso-flow-env", "1")
                .await
                .unwrap()
        }
    };
    let find =
        |checks: &[CheckResult], id: CheckId| checks.iter().find(|check| check.id == id).cloned();

    let docker_hub = image("ws-image-outside-acr").await;
    let acr = find(&docker_hub, CheckId::ImageInAcr).unwrap();
    assert_eq!(acr.status, CheckStatus::Failed);
    assert!(acr.remedy.unwrap().contains("az acr import"));
    assert!(find(&docker_hub, CheckId::ImagePullable).is_none());

    let not_pullable = image("ws-image-not-pullable").await;
    assert_eq!(
        find(&not_pullable, CheckId::ImageInAcr).unwrap().status,
        CheckStatus::Passed
    );
    // Alice may pull (Reader on the subscription) and the tag was pushed: it is there.
    assert_eq!(
        find(&not_pullable, CheckId::ImageTagExists).unwrap().status,
        CheckStatus::Passed
    );
    let pull = find(&not_pullable, CheckId::ImagePullable).unwrap();
    assert_eq!(pull.status, CheckStatus::Failed, "{pull:#?}");
    assert!(pull.remedy.unwrap().contains("AcrPull"));

    // Registered with a tag never pushed: the registry says it has no such tag, which blocks.
    let missing = image("ws-image-tag-missing").await;
    let tag = find(&missing, CheckId::ImageTagExists).unwrap();
    assert_eq!(tag.status, CheckStatus::Failed, "{tag:#?}");
    assert!(tag.blocks());
    assert!(
        text(&tag).contains(
            "tag 20240601.v1 not found in registry crwsimagetagmissing.azurecr.io (repository flows/contoso-runtime)"
        ),
        "{}",
        text(&tag)
    );
    assert!(tag
        .remedy
        .unwrap()
        .contains("az acr repository show-tags --name crwsimagetagmissing"));
    // Its only trouble: the workspace's identity has AcrPull there.
    for id in [CheckId::ImageInAcr, CheckId::ImagePullable] {
        assert_eq!(
            find(&missing, id).unwrap().status,
            CheckStatus::Passed,
            "{id:?}"
        );
    }

    // The same image, once the workspace's identity has AcrPull on its registry: it passes.
    let mut world = Scenario::by_name("troubled").unwrap();
    for workspace in &mut world.workspaces {
        workspace.prerequisites.identity_registry_roles = Some(vec!["AcrPull".into()]);
    }
    let env = Env::start_world(world, ALICE, 200.0).await;
    let services = services_of(&env);
    let reference = WorkspaceRef::new(SUBSCRIPTION, "rg-trouble", "ws-image-not-pullable");
    let pullable = environment_image_checks(&services, &reference, "contoso-flow-env", "1")
        .await
        .unwrap();
    assert!(
        pullable
            .iter()
            .all(|check| check.status == CheckStatus::Passed),
        "{pullable:#?}"
    );
}

fn services_of(env: &Env) -> Services {
    services(env)
}

/// Alice with AzureML Data Scientist alone: she may use the workspaces, but not read their
/// storage accounts, the region's quota, the registries or the role assignments on them.
fn troubled_data_scientist_only() -> Scenario {
    let mut world = Scenario::by_name("troubled").unwrap();
    world.role_assignments.retain(|assignment| {
        assignment
            .role
            .eq_ignore_ascii_case("AzureML Data Scientist")
    });
    world
}

#[tokio::test]
async fn checks_that_cannot_be_read_say_could_not_tell_with_the_missing_permission_and_block() {
    let env = Env::start_world(troubled_data_scientist_only(), ALICE, 200.0).await;
    let services = services(&env);

    let keys = check_workspace(&services, &troubled("ws-shared-key-off"))
        .await
        .unwrap();
    let shared = get(&keys.report, CheckId::SharedKeyAccess);
    assert_could_not_tell(shared, "Microsoft.Storage/storageAccounts/read");
    assert_eq!(shared.severity, Severity::Blocker);
    // Never "ready" on a blocker nobody could check.
    assert!(keys.report.blocked);
    assert!(keys.report.blocking.is_some());

    // Identity-based access is known from the datastores; the identity's roles are not.
    let files = check_workspace(&services, &troubled("ws-file-share-denied"))
        .await
        .unwrap();
    assert_could_not_tell(
        get(&files.report, CheckId::StorageRolesForWorkspace),
        "Microsoft.Authorization/roleAssignments/read",
    );
    assert!(files.report.blocked);

    let quota = check_workspace(&services, &troubled("ws-quota-used-up"))
        .await
        .unwrap();
    assert_could_not_tell(
        get(&quota.report, CheckId::VmQuota),
        "Microsoft.MachineLearningServices/locations/vmsizes/read in westus2",
    );
    let choices = list_my_compute_instances(&services, &troubled("ws-quota-used-up"), None)
        .await
        .unwrap();
    let spare = choices
        .iter()
        .find(|choice| choice.instance.name == "ci-quota-stopped")
        .unwrap();
    let start = spare
        .checks
        .iter()
        .find(|check| check.id == CheckId::InstanceQuota)
        .unwrap();
    assert_could_not_tell(start, "locations/vmsizes/read");
    assert!(start.blocks() && !spare.usable);

    let reference = WorkspaceRef::new(SUBSCRIPTION, "rg-trouble", "ws-image-not-pullable");
    let image = environment_image_checks(&services, &reference, "contoso-flow-env", "1")
        .await
        .unwrap();
    let pull = image
        .iter()
        .find(|check| check.id == CheckId::ImagePullable)
        .unwrap();
    assert_eq!(pull.status, CheckStatus::Unknown, "{pull:#?}");
    assert!(pull.blocks());
    // Without a role that pulls, the registry lets her sign in but not look: whether the tag
    // is there cannot be told, and the permission she lacks is named.
    let tag = image
        .iter()
        .find(|check| check.id == CheckId::ImageTagExists)
        .unwrap();
    assert_could_not_tell(
        tag,
        "Microsoft.ContainerRegistry/registries/pull/read (AcrPull) on the registry crwsimagenotpullable.azurecr.io",
    );
    assert!(tag.blocks());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_troubled_world_is_checked_quickly() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let names: Vec<String> = Scenario::by_name("troubled")
        .unwrap()
        .workspaces
        .iter()
        .map(|workspace| workspace.name.clone())
        .collect();
    // Warm the connection and the token first, as an open app would have them.
    check_workspace(&services, &troubled(&names[0]))
        .await
        .unwrap();
    let mut slowest = std::time::Duration::ZERO;
    let started = Instant::now();
    for name in &names {
        let one = Instant::now();
        check_workspace(&services, &troubled(name)).await.unwrap();
        slowest = slowest.max(one.elapsed());
    }
    let total = started.elapsed();
    eprintln!(
        "preflight of the troubled world: {} workspaces in {total:?} one after another, slowest {slowest:?}",
        names.len()
    );
    // Two rounds of parallel reads per workspace: well under a second each on a loaded machine.
    assert!(slowest < std::time::Duration::from_secs(3), "{slowest:?}");
}

/// With no instance of their own, the user learns whose the workspace's instances are: the
/// wizard says "ci-not-yours is assigned to Bob", not "you have no compute instance".
#[tokio::test]
async fn with_only_someone_elses_instance_the_core_names_it_and_whose_it_is() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let not_yours = troubled("ws-not-yours");
    assert!(list_my_compute_instances(&services, &not_yours, None)
        .await
        .unwrap()
        .is_empty());
    assert_eq!(
        list_others_compute_instances(&services, &not_yours)
            .await
            .unwrap(),
        [OthersInstance {
            name: "ci-not-yours".into(),
            assigned_to: Some("Bob (bob@contoso.com)".into()),
        }]
    );
    // Alice's own instances are never among someone else's.
    assert!(
        list_others_compute_instances(&services, &troubled("ws-quota-used-up"))
            .await
            .unwrap()
            .is_empty()
    );
}

/// ws-datalake: the preflight's evidence names the default datastore the workspace lists, the
/// one the service's refusal names too.
#[tokio::test]
async fn the_data_lake_blocker_and_the_services_refusal_name_the_same_datastore() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let lake = check_workspace(&services, &troubled("ws-datalake"))
        .await
        .unwrap();
    let check = get(&lake.report, CheckId::DefaultDatastoreIsBlob);
    let named = check
        .evidence
        .iter()
        .find(|item| item.label == "Default datastore")
        .map(|item| item.value.clone())
        .expect("the default datastore's name");
    assert_eq!(named, "adlsgen2datastore", "{}", text(check));
    let runtime = runtime_details(&services, &troubled("ws-datalake"), "rt-lake")
        .await
        .unwrap();
    let said = runtime.status_message.unwrap_or_default();
    assert!(
        said.contains(&format!("the default datastore '{named}'")),
        "{said}"
    );
}

/// The wizard and `pfrm preflight --environment` ask the same function, by asset id or by
/// NAME:VERSION, and get the same report.
#[tokio::test]
async fn an_environments_image_checks_are_the_same_by_asset_id_or_name_and_version() {
    let env = Env::start_scenario("troubled").await;
    let services = services(&env);
    let ws = troubled("ws-image-tag-missing");
    let by_name = check_environment_image(&services, &ws, "contoso-flow-env:1")
        .await
        .unwrap();
    let listed = pfrm_core::ops::runtimes::list_environments(&services, &ws)
        .await
        .unwrap();
    let by_id = check_environment_image(&services, &ws, &listed[0].asset_id)
        .await
        .unwrap();
    assert_eq!(by_name, by_id);
    assert!(by_id.blocked);
    assert_eq!(
        by_id.blocking.as_ref().map(|blocking| blocking.check),
        Some(CheckId::ImageTagExists)
    );
    let refused = check_environment_image(&services, &ws, "contoso-flow-env")
        .await
        .unwrap_err();
    assert_eq!(refused.code, pfrm_core::ErrorCode::InvalidInput);
}
