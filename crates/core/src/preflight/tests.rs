use super::*;
use crate::model::{
    AppEndpoint, ComputeInstanceState, ComputeInstanceSummary, CustomApp, UserRef, WorkspaceFlags,
    WorkspaceKind,
};

fn workspace(flags: WorkspaceFlags, kind: WorkspaceKind) -> WorkspaceSummary {
    WorkspaceSummary {
        kind,
        flags,
        ..WorkspaceSummary::sample()
    }
}

fn blob() -> Fact<Option<DefaultDatastore>> {
    Ok(Some(DefaultDatastore {
        name: "workspaceblobstore".into(),
        datastore_type: "AzureBlob".into(),
    }))
}

fn allowed() -> AccessFacts {
    AccessFacts::Known {
        missing_actions: vec![],
        can_assign_roles: false,
    }
}

fn healthy() -> WorkspaceFacts {
    WorkspaceFacts {
        workspace: workspace(WorkspaceFlags::default(), WorkspaceKind::Default),
        default_datastore: blob(),
        access: allowed(),
        storage: None,
        network: None,
        quota: None,
    }
}

#[test]
fn a_healthy_workspace_passes_every_check_and_is_not_blocked() {
    let report = check_workspace(&healthy());
    assert!(!report.blocked);
    assert_eq!(report.checks.len(), 5);
    assert!(report
        .checks
        .iter()
        .all(|check| check.status == CheckStatus::Passed && check.remedy.is_none()));
}

#[test]
fn missing_role_blocks_and_asks_an_owner_when_the_user_cannot_grant() {
    let mut facts = healthy();
    facts.access = AccessFacts::Known {
        missing_actions: vec!["Microsoft.MachineLearningServices/workspaces/flows/write".into()],
        can_assign_roles: false,
    };
    let report = check_workspace(&facts);
    assert!(report.blocked);
    let role = report.get(CheckId::DataScientistRole).unwrap();
    assert_eq!(role.status, CheckStatus::Failed);
    assert!(role.remedy.as_deref().unwrap().contains("Ask an Owner"));
    assert!(role.evidence[0].value.contains("flows/write"));
    assert_eq!(role.fix, None);
}

#[test]
fn missing_role_offers_grant_to_me_when_the_user_may_assign_roles() {
    let mut facts = healthy();
    facts.access = AccessFacts::Known {
        missing_actions: vec!["x".into()],
        can_assign_roles: true,
    };
    let report = check_workspace(&facts);
    let role = report.get(CheckId::DataScientistRole).unwrap();
    assert_eq!(role.fix, Some(FixAction::GrantDataScientistToMe));
}

#[test]
fn unreadable_permissions_are_unknown_not_passed() {
    let mut facts = healthy();
    facts.access = AccessFacts::Unknown {
        reason: "timed out".into(),
    };
    let report = check_workspace(&facts);
    let role = report.get(CheckId::DataScientistRole).unwrap();
    assert_eq!(role.status, CheckStatus::Unknown);
    assert!(
        report.blocked,
        "a blocker nobody could evaluate keeps creation off"
    );
    let blocking = report.blocking.as_ref().unwrap();
    assert_eq!(blocking.kind, BlockKind::CouldNotTell);
    assert_eq!(blocking.check, CheckId::DataScientistRole);
    assert_eq!(
        blocking.reason,
        "Your permissions could not be read: timed out"
    );
    assert_eq!(report.blocking_reasons().len(), 1);
}

#[test]
fn an_unreadable_datastore_keeps_creation_off_and_a_failed_blocker_is_named_first() {
    let mut facts = healthy();
    facts.default_datastore = Err(Unreadable {
        reason: "pfrm could not list the datastores (503).".into(),
        missing_permission: None,
    });
    let report = check_workspace(&facts);
    assert!(report.blocked);
    let blocking = report.blocking.clone().unwrap();
    assert_eq!(blocking.kind, BlockKind::CouldNotTell);
    assert_eq!(
        blocking.reason,
        "Could not tell: the workspace's datastores: pfrm could not list the datastores (503)"
    );
    // With a definite failure too, the failure is the reason given: it says what to fix.
    facts.workspace.flags.data_isolation = true;
    let report = check_workspace(&facts);
    let blocking = report.blocking.unwrap();
    assert_eq!(blocking.kind, BlockKind::NotMet);
    assert_eq!(blocking.check, CheckId::DataIsolationOff);
    assert_eq!(blocking.reason, "Data isolation is off for the workspace");
}

#[test]
fn a_healthy_report_has_no_blocking_reason() {
    let report = check_workspace(&healthy());
    assert_eq!(report.blocking, None);
    let json = serde_json::to_value(&report).unwrap();
    assert!(json.get("blocking").is_none(), "{json}");
}

#[test]
fn a_file_share_default_datastore_blocks_with_the_set_as_default_remedy() {
    let mut facts = healthy();
    facts.default_datastore = Ok(Some(DefaultDatastore {
        name: "workspacefilestore".into(),
        datastore_type: "AzureFile".into(),
    }));
    let report = check_workspace(&facts);
    assert!(report.blocked);
    let check = report.get(CheckId::DefaultDatastoreIsBlob).unwrap();
    assert_eq!(check.status, CheckStatus::Failed);
    assert!(check.remedy.as_deref().unwrap().contains("Set as default"));
    assert_eq!(check.evidence[1].value, "AzureFile");
}

#[test]
fn no_default_datastore_blocks() {
    let mut facts = healthy();
    facts.default_datastore = Ok(None);
    assert!(check_workspace(&facts).blocked);
}

#[test]
fn data_isolation_blocks_and_says_it_cannot_be_changed() {
    let mut facts = healthy();
    facts.workspace.flags.data_isolation = true;
    let report = check_workspace(&facts);
    assert!(report.blocked);
    let check = report.get(CheckId::DataIsolationOff).unwrap();
    assert!(check
        .remedy
        .as_deref()
        .unwrap()
        .contains("only be chosen when a workspace is created"));
}

#[test]
fn hub_projects_block() {
    let mut facts = healthy();
    facts.workspace = workspace(
        WorkspaceFlags {
            hub_project: true,
            ..Default::default()
        },
        WorkspaceKind::Project,
    );
    let report = check_workspace(&facts);
    assert!(report.blocked);
    assert_eq!(report.blocking_reasons().len(), 1);
    assert_eq!(report.blocking_reasons()[0].id, CheckId::NotHubProject);
}

#[test]
fn network_isolation_is_a_notice_with_the_guide_not_a_blocker() {
    let mut facts = healthy();
    facts.workspace.flags.public_network_disabled = true;
    let report = check_workspace(&facts);
    assert!(!report.blocked);
    let check = report.get(CheckId::NetworkIsolation).unwrap();
    assert_eq!(check.severity, Severity::Info);
    assert_eq!(check.link.as_deref(), Some(NETWORK_ISOLATION_GUIDE));
    // A notice says what it found, not a requirement that is "not met".
    assert_eq!(check.title, "The workspace is network-isolated");
    let open = check_workspace(&healthy());
    assert_eq!(
        open.get(CheckId::NetworkIsolation).unwrap().title,
        "The workspace is not network-isolated"
    );
}

fn instance(assigned: Option<&str>, state: ComputeInstanceState) -> ComputeInstanceSummary {
    ComputeInstanceSummary {
        id: "ci-id".into(),
        name: "ci-alice".into(),
        location: Some("eastus".into()),
        state,
        state_text: None,
        vm_size: Some("STANDARD_DS3_V2".into()),
        provisioning_state: Some("Succeeded".into()),
        assigned_user: assigned.map(|oid| UserRef {
            object_id: oid.into(),
            tenant_id: Some("t".into()),
        }),
        created_by: None,
        created_by_name: None,
        custom_apps: vec![CustomApp {
            name: "jupyter-extra".into(),
            image_type: Some("docker".into()),
            image: Some("example/image:1".into()),
            endpoints: vec![AppEndpoint {
                name: Some("connect".into()),
                protocol: Some("http".into()),
                target: Some(8080),
                published: Some(8081),
            }],
            is_prompt_flow_runtime: false,
        }],
        last_operation: None,
    }
}

#[test]
fn someone_elses_instance_is_a_blocker() {
    let checks = check_compute_instance(
        &instance(Some("bob"), ComputeInstanceState::Running),
        "alice",
        Some("t"),
        None,
    );
    let assigned = &checks[0];
    assert_eq!(assigned.id, CheckId::InstanceAssignedToYou);
    assert!(assigned.blocks());
    assert_eq!(assigned.evidence[0].value, "bob");
}

#[test]
fn a_stopped_instance_offers_to_start_it() {
    let checks = check_compute_instance(
        &instance(Some("alice"), ComputeInstanceState::Stopped),
        "alice",
        Some("t"),
        None,
    );
    let running = checks
        .iter()
        .find(|c| c.id == CheckId::InstanceRunning)
        .unwrap();
    assert_eq!(running.status, CheckStatus::Failed);
    assert!(
        !running.blocks(),
        "a stopped instance can be started, so it only warns"
    );
    assert_eq!(
        running.fix,
        Some(FixAction::StartComputeInstance {
            name: "ci-alice".into()
        })
    );
}

#[test]
fn an_instance_in_transition_has_no_start_fix() {
    let checks = check_compute_instance(
        &instance(Some("alice"), ComputeInstanceState::Stopping),
        "alice",
        None,
        None,
    );
    let running = checks
        .iter()
        .find(|c| c.id == CheckId::InstanceRunning)
        .unwrap();
    assert_eq!(running.fix, None);
    assert!(running.remedy.is_some());
}

#[test]
fn app_name_and_port_conflicts_block() {
    let planned = PlannedApp {
        name: "JUPYTER-extra".into(),
        published_port: Some(8081),
    };
    let checks = check_compute_instance(
        &instance(Some("alice"), ComputeInstanceState::Running),
        "alice",
        Some("t"),
        Some(&planned),
    );
    let name = checks
        .iter()
        .find(|c| c.id == CheckId::CustomAppNameFree)
        .unwrap();
    assert!(name.blocks());
    let port = checks
        .iter()
        .find(|c| c.id == CheckId::PublishedPortFree)
        .unwrap();
    assert!(port.blocks());
    assert_eq!(port.evidence[1].value, "jupyter-extra");

    let free = PlannedApp {
        name: "rt-new".into(),
        published_port: Some(8090),
    };
    let checks = check_compute_instance(
        &instance(Some("alice"), ComputeInstanceState::Running),
        "alice",
        Some("t"),
        Some(&free),
    );
    assert!(checks.iter().all(|c| !c.blocks()));
}

#[test]
fn report_serialises_with_stable_ids_for_the_ui_and_cli() {
    let mut facts = healthy();
    facts.workspace.flags.data_isolation = true;
    let json = serde_json::to_value(check_workspace(&facts)).unwrap();
    assert_eq!(json["blocked"], true);
    assert_eq!(json["checks"][2]["id"], "dataIsolationOff");
    assert_eq!(json["checks"][2]["severity"], "blocker");
    assert_eq!(json["checks"][2]["status"], "failed");
    assert_eq!(json["checks"][0]["fix"], serde_json::Value::Null);
}

fn with_states(state: ComputeInstanceState, provisioning: &str) -> Vec<CheckResult> {
    let mut ci = instance(Some("alice"), state);
    ci.provisioning_state = Some(provisioning.into());
    check_compute_instance(&ci, "alice", Some("t"), None)
}

#[test]
fn instances_being_deleted_failed_unusable_or_unknown_cannot_host_a_runtime() {
    let cases = [
        (
            ComputeInstanceState::Deleting,
            "Succeeded",
            "is being deleted",
        ),
        (
            ComputeInstanceState::Running,
            "Deleting",
            "is being deleted",
        ),
        (ComputeInstanceState::CreateFailed, "Succeeded", "failed"),
        (ComputeInstanceState::SetupFailed, "Succeeded", "failed"),
        (ComputeInstanceState::Running, "Failed", "failed"),
        (ComputeInstanceState::Unusable, "Succeeded", "unusable"),
        (ComputeInstanceState::Unknown, "Succeeded", "cannot tell"),
        (ComputeInstanceState::Running, "Unknown", "cannot tell"),
    ];
    for (state, provisioning, words) in cases {
        let checks = with_states(state, provisioning);
        let usable = checks
            .iter()
            .find(|c| c.id == CheckId::InstanceUsable)
            .unwrap();
        assert!(usable.blocks(), "{state:?}/{provisioning}");
        let remedy = usable.remedy.as_deref().unwrap();
        assert!(
            remedy.starts_with("ci-alice ") && remedy.contains(words),
            "{state:?}/{provisioning}: {remedy}"
        );
        let reason = first_blocking_reason(&checks).unwrap();
        assert_eq!(reason.check, CheckId::InstanceUsable);
        // No second "not met" saying to wait until it runs, for an instance that won't.
        assert!(
            checks.iter().all(|c| c.id != CheckId::InstanceRunning),
            "{state:?}"
        );
    }
    for state in [
        ComputeInstanceState::Running,
        ComputeInstanceState::Stopped,
        ComputeInstanceState::Starting,
        ComputeInstanceState::Creating,
    ] {
        let checks = with_states(state, "Succeeded");
        let usable = checks
            .iter()
            .find(|c| c.id == CheckId::InstanceUsable)
            .unwrap();
        assert_eq!(usable.status, CheckStatus::Passed, "{state:?}");
        assert!(first_blocking_reason(&checks).is_none(), "{state:?}");
    }
}

#[test]
fn an_instance_naming_no_assignee_or_creator_is_could_not_tell_and_blocks() {
    let checks = check_compute_instance(
        &instance(None, ComputeInstanceState::Running),
        "me",
        Some("t"),
        None,
    );
    let assigned = &checks[0];
    assert_eq!(assigned.id, CheckId::InstanceAssignedToYou);
    assert_eq!(assigned.status, CheckStatus::Unknown);
    assert!(assigned.blocks(), "nobody could tell: no runtime on it");
    let reason = assigned.blocking_reason().unwrap();
    assert_eq!(reason.kind, BlockKind::CouldNotTell);
    assert!(
        reason
            .reason
            .starts_with("Could not tell: whom the instance is assigned to")
            && reason.reason.contains("workspaces/computes/read"),
        "{}",
        reason.reason
    );
    assert!(assigned.remedy.as_deref().unwrap().contains("ci-alice"));
}

fn unreadable_storage(missing: &str) -> StorageFacts {
    let why = || Unreadable {
        reason: "403".into(),
        missing_permission: Some(missing.into()),
    };
    StorageFacts {
        account_name: Some("stws".into()),
        allow_shared_key_access: Ok(None),
        datastores: Err(why()),
        mine: Err(why()),
        workspace_identity: None,
        workspace: Err(why()),
    }
}

#[test]
fn unreadable_datastores_leave_the_working_directory_could_not_tell_with_the_missing_permission() {
    let missing = "Microsoft.MachineLearningServices/workspaces/datastores/read on the workspace";
    let checks = prerequisites::storage_checks(&unreadable_storage(missing));
    let working = checks
        .iter()
        .find(|check| check.id == CheckId::WorkingDirectoryDatastore)
        .unwrap();
    assert_eq!(working.status, CheckStatus::Unknown);
    assert!(working.blocks());
    assert_eq!(
        working.blocking_reason().unwrap().reason,
        format!("Could not tell: the workspace's datastores: you lack {missing}")
    );
    assert!(working.remedy.as_deref().unwrap().contains(missing));
}

#[test]
fn an_unreadable_default_datastore_is_could_not_tell_not_a_data_lake_verdict() {
    let mut facts = healthy();
    let missing = "Microsoft.MachineLearningServices/workspaces/datastores/read on the workspace";
    facts.default_datastore = Err(Unreadable {
        reason: "The client does not have authorization (403).".into(),
        missing_permission: Some(missing.into()),
    });
    let report = check_workspace(&facts);
    let check = report.get(CheckId::DefaultDatastoreIsBlob).unwrap();
    assert_eq!(check.status, CheckStatus::Unknown);
    assert!(check.blocks());
    // Said as every other could-not-tell check says it: what, and the permission missing.
    assert_eq!(
        check.blocking_reason().unwrap().reason,
        format!("Could not tell: the workspace's datastores: you lack {missing}")
    );
    assert!(
        check.remedy.as_deref().unwrap().contains(missing),
        "{check:#?}"
    );
    assert!(!check
        .remedy
        .as_deref()
        .unwrap()
        .contains("Data Lake Storage Gen2"));
}

fn keyed_storage(shared_keys: Option<bool>) -> StorageFacts {
    StorageFacts {
        account_name: Some("stws".into()),
        allow_shared_key_access: Ok(shared_keys),
        datastores: Ok(vec![prerequisites::DatastoreFacts {
            name: "workspaceblobstore".into(),
            datastore_type: "AzureBlob".into(),
            credentials_type: "AccountKey".into(),
        }]),
        mine: Ok(prerequisites::StorageAccess::default()),
        workspace_identity: Some("9183c762-55b2-5cb3-921e-1042383d56a4".into()),
        workspace: Ok(prerequisites::StorageAccess::default()),
    }
}

#[test]
fn storage_roles_that_are_not_needed_pass_without_claiming_anyone_holds_them() {
    let mut no_identity = keyed_storage(None);
    no_identity.workspace_identity = None;
    for facts in [keyed_storage(None), no_identity] {
        let checks = prerequisites::storage_checks(&facts);
        for id in [
            CheckId::StorageRolesForYou,
            CheckId::StorageRolesForWorkspace,
        ] {
            let check = checks.iter().find(|check| check.id == id).unwrap();
            assert_eq!(check.status, CheckStatus::Passed, "{check:#?}");
            // Nobody holds a role here: a passed title saying so would read as true.
            assert!(
                check.title.contains("no storage data role")
                    && !check.title.contains(" has ")
                    && !check.title.starts_with("You have"),
                "{}",
                check.title
            );
        }
    }
}

#[test]
fn storage_failures_link_to_the_storage_guide_not_a_registry_section() {
    let checks = prerequisites::storage_checks(&keyed_storage(Some(false)));
    for id in [
        CheckId::SharedKeyAccess,
        CheckId::StorageRolesForYou,
        CheckId::StorageRolesForWorkspace,
    ] {
        let check = checks.iter().find(|check| check.id == id).unwrap();
        assert_eq!(check.status, CheckStatus::Failed, "{check:#?}");
        let link = check.link.as_deref().unwrap();
        assert!(
            link.contains("data-authentication") && !link.contains("container-registry"),
            "{id:?}: {link}"
        );
    }
}
