//! The read pages: the runtime list and details, and the wizard's instance and environment choices.

use super::*;
use crate::azure::arm::{is_prompt_flow_runtime_image, ComputeResource};
use crate::azure::WorkspaceRef;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{ComputeInstanceSummary, RuntimeDetails, RuntimeSummary};
use crate::ops::prerequisites;
use crate::preflight::{check_compute_instance, PlannedApp};
use crate::services::Services;

/// The runtime list page: the workspace (for its flow host) and its runtimes.
pub async fn list_runtimes(services: &Services, workspace_id: &str) -> Result<Vec<RuntimeSummary>> {
    let (_, flow) = services.workspace_flow(workspace_id).await?;
    let mut runtimes = flow.list_runtime_summaries().await?;
    runtimes.sort_by_key(|runtime| runtime.name.to_lowercase());
    Ok(runtimes)
}

/// The name to offer for a new runtime on `instance` in the workspace: the naming rule's
/// suggestion ([`crate::naming::suggest_runtime_name`]) against the workspace's runtimes.
pub async fn suggest_runtime_name(
    services: &Services,
    workspace_id: &str,
    instance: Option<&str>,
) -> Result<String> {
    let taken: Vec<String> = list_runtimes(services, workspace_id)
        .await?
        .into_iter()
        .map(|runtime| runtime.name)
        .collect();
    Ok(crate::naming::suggest_runtime_name(instance, &taken))
}

/// The runtime details page.
pub async fn runtime_details(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
) -> Result<RuntimeDetails> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let (_, flow) = services.workspace_flow(workspace_id).await?;
    let mut details =
        RuntimeDetails::read(&flow.get_runtime(runtime_name).await?, flow.workspace());
    details.studio_url = Some(
        services
            .cloud()
            .studio_runtime_link(runtime_name, workspace_id),
    );
    Ok(details)
}

/// The wizard's first step: the signed-in user's compute instances (assigned to them, or
/// created by them when unassigned). Others' instances are not offered at all.
pub async fn list_my_compute_instances(
    services: &Services,
    workspace_id: &str,
    planned: Option<&PlannedApp>,
) -> Result<Vec<InstanceChoice>> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (me, computes) = tokio::join!(services.me(), services.arm.list_computes(&reference));
    let me = me?;
    let computes = computes?;
    let mut mine: Vec<(ComputeInstanceSummary, &ComputeResource)> = Vec::new();
    for compute in computes
        .iter()
        .filter(|compute| compute.is_compute_instance())
    {
        let instance = ComputeInstanceSummary::from(compute);
        if instance.belongs_to(&me.object_id, Some(&me.tenant_id)) {
            mine.push((instance, compute));
        }
    }
    // Quota is read once for the region, and only when there is an instance to check.
    let quota = match mine
        .first()
        .and_then(|(_, compute)| compute.location.clone())
    {
        Some(location) => {
            Some(prerequisites::quota_facts(services, &reference.subscription_id, &location).await)
        }
        None => None,
    };
    let mut choices: Vec<InstanceChoice> = mine
        .into_iter()
        .map(|(instance, compute)| {
            let mut checks =
                check_compute_instance(&instance, &me.object_id, Some(&me.tenant_id), planned);
            if let Some(quota) = &quota {
                checks.extend(prerequisites::instance_checks(compute, quota));
            }
            InstanceChoice::new(instance, checks)
        })
        .collect();
    choices.sort_by_key(|choice| choice.instance.name.to_lowercase());
    Ok(choices)
}

/// The workspace's compute instances that are someone else's, each with whom it is assigned to:
/// when the user has none of their own, the wizard names these instead of saying the workspace
/// has none. Each person is looked up in the directory once; one it will not show is named by
/// object id.
pub async fn list_others_compute_instances(
    services: &Services,
    workspace_id: &str,
) -> Result<Vec<OthersInstance>> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (me, computes) = tokio::join!(services.me(), services.arm.list_computes(&reference));
    let (me, computes) = (me?, computes?);
    let others: Vec<(String, Option<String>)> = computes
        .iter()
        .filter(|compute| compute.is_compute_instance())
        .map(ComputeInstanceSummary::from)
        .filter(|instance| !instance.belongs_to(&me.object_id, Some(&me.tenant_id)))
        .map(|instance| {
            let owner = instance
                .assigned_user
                .as_ref()
                .or(instance.created_by.as_ref())
                .map(|user| user.object_id.clone());
            (instance.name, owner)
        })
        .collect();
    let mut people: Vec<String> = others
        .iter()
        .filter_map(|(_, owner)| owner.clone())
        .collect();
    people.sort();
    people.dedup();
    let named = futures::future::join_all(people.iter().map(|id| async move {
        match services.graph.get_user(id).await {
            Ok(user) => who(&user),
            Err(_) => id.clone(),
        }
    }))
    .await;
    let mut listed: Vec<OthersInstance> = others
        .into_iter()
        .map(|(name, owner)| OthersInstance {
            name,
            assigned_to: owner.map(|id| {
                people
                    .iter()
                    .position(|person| *person == id)
                    .map(|at| named[at].clone())
                    .unwrap_or(id)
            }),
        })
        .collect();
    listed.sort_by_key(|instance| instance.name.to_lowercase());
    Ok(listed)
}

/// A person as the directory names them: "Bob (bob@contoso.com)", or what of it is known.
pub(crate) fn who(user: &crate::azure::graph::GraphUser) -> String {
    match (&user.display_name, &user.user_principal_name) {
        (Some(name), Some(upn)) => format!("{name} ({upn})"),
        (Some(name), None) => name.clone(),
        (None, Some(upn)) => upn.clone(),
        (None, None) => user.id.clone(),
    }
}

/// The workspace's active environments and their versions, newest version first.
pub async fn list_environments(
    services: &Services,
    workspace_id: &str,
) -> Result<Vec<EnvironmentChoice>> {
    let workspace = services.workspace(workspace_id).await?;
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let workspace_guid = workspace.workspace_id.clone().ok_or_else(|| {
        Error::new(
            ErrorCode::Service,
            "Azure did not return the workspace's id, so its environments cannot be referenced.",
        )
        .with_remedy("Refresh and try again.")
    })?;
    let containers = services
        .arm
        .list_environments(&reference, crate::azure::arm::ListViewType::ActiveOnly)
        .await?;
    let listed = futures::future::join_all(containers.iter().map(|container| {
        let reference = &reference;
        async move {
            services
                .arm
                .list_environment_versions(reference, &container.name)
                .await
        }
    }))
    .await;
    let mut choices = Vec::new();
    for (container, versions) in containers.iter().zip(listed) {
        for version in versions? {
            if version.properties.is_archived == Some(true)
                || version.properties.is_anonymous == Some(true)
            {
                continue;
            }
            let image = version.properties.image.clone();
            let derives = match (&image, &version.properties.build) {
                (Some(image), _) => Some(is_prompt_flow_runtime_image(image)),
                (None, _) => None,
            };
            choices.push(EnvironmentChoice {
                asset_id: format!(
                    "azureml://locations/{}/workspaces/{}/environments/{}/versions/{}",
                    workspace.location, workspace_guid, container.name, version.name
                ),
                name: container.name.clone(),
                version: version.name.clone(),
                image,
                derives_from_runtime_image: derives,
                description: version
                    .properties
                    .description
                    .clone()
                    .or_else(|| container.properties.description.clone()),
            });
        }
    }
    choices.sort_by(|a, b| {
        a.name
            .to_lowercase()
            .cmp(&b.name.to_lowercase())
            .then_with(|| version_order(&b.version, &a.version))
    });
    Ok(choices)
}

/// Orders version strings numerically when both are numbers ("10" after "9").
pub fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    match (a.parse::<u64>(), b.parse::<u64>()) {
        (Ok(a), Ok(b)) => a.cmp(&b),
        _ => a.cmp(b),
    }
}
