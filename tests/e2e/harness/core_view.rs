//! What the core itself says about a sandbox world: the emulator started in this process on the
//! same scenario as the app's sandbox, and the core's own operations run on it as the app's
//! user. A test compares the window with these answers, so what it expects is what the core
//! produces (a changed remedy changes the expectation), never a copy of it.

use std::sync::Arc;

use pfrm_core::azure::WorkspaceRef;
use pfrm_core::cloud::CloudConfig;
use pfrm_core::connection::MintedCredential;
use pfrm_core::model::RuntimeDetails;
use pfrm_core::ops::runtimes::{
    check_environment_image, list_environments, list_my_compute_instances,
    list_others_compute_instances, runtime_details, EnvironmentChoice, InstanceChoice,
    OthersInstance,
};
use pfrm_core::ops::workspaces::{check_workspace, WorkspaceCheck};
use pfrm_core::ops::Operations;
use pfrm_core::preflight::PreflightReport;
use pfrm_core::services::Services;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};

/// One workspace of the world, as the core sees it.
pub struct WorkspaceView {
    pub name: String,
    /// The Runtimes page's preflight checklist.
    pub check: WorkspaceCheck,
    /// The compute instances the add-runtime wizard offers, with their checks.
    pub instances: Vec<InstanceChoice>,
    /// The workspace's instances that are someone else's, with whose each is.
    pub others: Vec<OthersInstance>,
    /// The details page of each runtime the world seeds in this workspace.
    pub runtimes: Vec<RuntimeDetails>,
    /// The environments the wizard offers as custom ones, each with its image checks (the
    /// same core function `pfrm preflight --environment` and the wizard ask).
    pub environments: Vec<(EnvironmentChoice, PreflightReport)>,
}

/// Every workspace of the scenario `scenario` (in the scenario's order) as `user` sees it.
pub fn core_view(scenario: &str, user: &str) -> Vec<WorkspaceView> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("tokio runtime");
    runtime.block_on(async {
        let world = Scenario::by_name(scenario).expect("a known scenario");
        let seeds = world.workspaces.clone();
        let emulator = Arc::new(
            Emulator::start(EmulatorOptions {
                scenario: world,
                ..EmulatorOptions::default()
            })
            .await
            .expect("the emulator starts"),
        );
        let ready = serde_json::to_string(emulator.ready_info()).expect("the ready file");
        let cloud = CloudConfig::from_custom_json(&ready).expect("the ready file is a cloud");
        let minter = emulator.clone();
        let credential = MintedCredential::new(user, move |user, scopes| {
            minter
                .issue_access_token(user, scopes)
                .map_err(|error| error.to_string())
        });
        let services = Services::new(cloud, Arc::new(credential), Operations::new(None))
            .expect("services for the emulator");
        let mut views = Vec::new();
        for seed in seeds {
            let id =
                WorkspaceRef::new(&seed.subscription_id, &seed.resource_group, &seed.name).arm_id();
            let check = check_workspace(&services, &id)
                .await
                .unwrap_or_else(|error| panic!("the core checks {}: {error:?}", seed.name));
            let instances = list_my_compute_instances(&services, &id, None)
                .await
                .unwrap_or_else(|error| panic!("instances of {}: {error:?}", seed.name));
            let others = list_others_compute_instances(&services, &id)
                .await
                .unwrap_or_else(|error| panic!("others' instances of {}: {error:?}", seed.name));
            let mut runtimes = Vec::new();
            for runtime in &seed.runtimes {
                runtimes.push(
                    runtime_details(&services, &id, &runtime.name)
                        .await
                        .unwrap_or_else(|error| panic!("{}: {error:?}", runtime.name)),
                );
            }
            let mut environments = Vec::new();
            for environment in list_environments(&services, &id)
                .await
                .unwrap_or_else(|error| panic!("environments of {}: {error:?}", seed.name))
            {
                let report = check_environment_image(&services, &id, &environment.asset_id)
                    .await
                    .unwrap_or_else(|error| panic!("{}: {error:?}", environment.name));
                environments.push((environment, report));
            }
            views.push(WorkspaceView {
                name: seed.name,
                check,
                instances,
                others,
                runtimes,
                environments,
            });
        }
        views
    })
}
