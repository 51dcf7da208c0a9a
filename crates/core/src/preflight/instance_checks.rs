//! One compute instance for the add-runtime wizard: assigned to you, usable, running, and free
//! of the new runtime's name and port.

use super::{
    evidence, CheckId, CheckResult, CheckStatus, FixAction, Severity, CREATE_COMPUTE_INSTANCE_GUIDE,
};
use crate::model::ComputeInstanceSummary;

/// The custom application the wizard is about to create, for conflict checks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedApp {
    pub name: String,
    /// Port the app will publish on the instance, when pfrm chooses it.
    pub published_port: Option<u32>,
}

/// Whether the instance is the signed-in user's. An instance whose properties name neither an
/// assignee nor a creator (they were not readable, or the service left them out) cannot be told
/// apart from someone else's: "could not tell", which blocks like a failure.
fn assigned_check(
    instance: &ComputeInstanceSummary,
    my_object_id: &str,
    my_tenant_id: Option<&str>,
) -> CheckResult {
    const TITLE: &str = "The compute instance is assigned to you";
    let Some(owner) = instance
        .assigned_user
        .as_ref()
        .or(instance.created_by.as_ref())
    else {
        return CheckResult::new(
            CheckId::InstanceAssignedToYou,
            Severity::Blocker,
            CheckStatus::Unknown,
            TITLE,
        )
        .evidence(evidence(
            "Could not tell: whom the instance is assigned to",
            format!(
                "the properties of {} name no assigned user and no creator (reading them needs Microsoft.MachineLearningServices/workspaces/computes/read)",
                instance.name
            ),
        ))
        .remedy(format!(
            "Open {} in Azure ML studio (Compute → Compute instances) and check that it is assigned to you; if it is not, choose one of your own instances, or create one.",
            instance.name
        ))
        .link(CREATE_COMPUTE_INSTANCE_GUIDE);
    };
    let mine = instance.belongs_to(my_object_id, my_tenant_id);
    let assigned = CheckResult::new(
        CheckId::InstanceAssignedToYou,
        Severity::Blocker,
        CheckStatus::passed_if(mine),
        TITLE,
    )
    .evidence(evidence(
        if instance.assigned_user.is_some() {
            "Assigned to"
        } else {
            "Created by"
        },
        owner.object_id.clone(),
    ));
    if mine {
        return assigned;
    }
    assigned
        .remedy(
            "Compute instances are personal: a runtime on someone else's instance fails when you use it. Choose one of your own instances, or create one.",
        )
        .link(CREATE_COMPUTE_INSTANCE_GUIDE)
}

/// Checks one compute instance for the add-runtime wizard.
pub fn check_compute_instance(
    instance: &ComputeInstanceSummary,
    my_object_id: &str,
    my_tenant_id: Option<&str>,
    planned: Option<&PlannedApp>,
) -> Vec<CheckResult> {
    let mut checks = vec![assigned_check(instance, my_object_id, my_tenant_id)];

    let state_text = instance
        .state_text
        .clone()
        .unwrap_or_else(|| format!("{:?}", instance.state));
    let unusable = instance.unusable_because();
    let mut usable = CheckResult::new(
        CheckId::InstanceUsable,
        Severity::Blocker,
        CheckStatus::passed_if(unusable.is_none()),
        "The compute instance can host a runtime (it is not being deleted, failed or unusable)",
    )
    .evidence(evidence("State", state_text.clone()))
    .evidence(evidence(
        "Provisioning state",
        instance
            .provisioning_state
            .clone()
            .unwrap_or_else(|| "not given".into()),
    ));
    if let Some(why) = &unusable {
        usable = usable
            .remedy(format!(
                "{} {why}, so it cannot host a runtime. Choose another of your instances, or create one.",
                instance.name
            ))
            .link(CREATE_COMPUTE_INSTANCE_GUIDE);
    }
    checks.push(usable);
    // Whether an instance that cannot host a runtime at all is running is beside the point: the
    // check above says what to do, and a second "not met" would only repeat it.
    if unusable.is_none() {
        let mut running = CheckResult::new(
            CheckId::InstanceRunning,
            Severity::Warning,
            CheckStatus::passed_if(instance.state.is_running()),
            "The compute instance is running",
        )
        .evidence(evidence("State", state_text));
        if !instance.state.is_running() {
            if instance.state.can_start() {
                running =
                    running.remedy("Start the instance; the runtime is created once it runs.");
                running.fix = Some(FixAction::StartComputeInstance {
                    name: instance.name.clone(),
                });
            } else {
                running = running.remedy(
                    "Wait until the instance is running (or stopped, so it can be started), then check again.",
                );
            }
        }
        checks.push(running);
    }

    if let Some(planned) = planned {
        let taken = instance
            .custom_apps
            .iter()
            .any(|app| app.name.eq_ignore_ascii_case(&planned.name));
        let mut name_check = CheckResult::new(
            CheckId::CustomAppNameFree,
            Severity::Blocker,
            CheckStatus::passed_if(!taken),
            "No custom application on the instance has the new runtime's name",
        )
        .evidence(evidence(
            "Custom applications",
            if instance.custom_apps.is_empty() {
                "none".to_string()
            } else {
                instance
                    .custom_apps
                    .iter()
                    .map(|app| app.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ));
        if taken {
            name_check = name_check.remedy(format!(
                "Choose another runtime name, or use the existing custom application \"{}\" instead of creating a new one.",
                planned.name
            ));
        }
        checks.push(name_check);

        if let Some(port) = planned.published_port {
            let user = instance.custom_apps.iter().find(|app| {
                app.endpoints
                    .iter()
                    .any(|endpoint| endpoint.published == Some(port))
            });
            let mut port_check = CheckResult::new(
                CheckId::PublishedPortFree,
                Severity::Blocker,
                CheckStatus::passed_if(user.is_none()),
                "The port the runtime publishes is free on the instance",
            )
            .evidence(evidence("Port", port.to_string()));
            if let Some(app) = user {
                port_check = port_check
                    .evidence(evidence("Used by", app.name.clone()))
                    .remedy(format!(
                        "Port {port} is already published by \"{}\". Use that application as an existing runtime, or remove it from the instance first.",
                        app.name
                    ));
            }
            checks.push(port_check);
        }
    }
    checks
}
