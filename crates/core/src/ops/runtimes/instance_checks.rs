//! The deeper checks of one compute instance and of a custom environment's image, shared by the
//! wizard's choices, the create request and the preflight.

use super::*;
use crate::azure::WorkspaceRef;
use crate::error::{Error, Result};
use crate::model::ComputeInstanceSummary;
use crate::ops::prerequisites;
use crate::preflight::{check_compute_instance, CheckResult, PreflightReport};
use crate::services::Services;

/// `(name, version)` of an environment asset id
/// (`azureml://.../environments/{name}/versions/{version}`, an ARM id, or `azureml:{name}:{version}`).
pub fn environment_of(asset_id: &str) -> Option<(String, String)> {
    if let Some(rest) = asset_id
        .strip_prefix("azureml:")
        .filter(|rest| !rest.starts_with("//"))
    {
        let (name, version) = rest.split_once(':')?;
        return Some((name.to_owned(), version.to_owned()));
    }
    let parts: Vec<&str> = asset_id.trim_end_matches('/').split('/').collect();
    let at = parts
        .iter()
        .rposition(|part| part.eq_ignore_ascii_case("environments"))?;
    match (parts.get(at + 1), parts.get(at + 2), parts.get(at + 3)) {
        (Some(name), Some(versions), Some(version))
            if versions.eq_ignore_ascii_case("versions") =>
        {
            Some(((*name).to_owned(), (*version).to_owned()))
        }
        _ => None,
    }
}

/// The image checks of a workspace environment version: in ACR, tagged, pullable by the
/// workspace's identity.
pub async fn environment_image_checks(
    services: &Services,
    reference: &WorkspaceRef,
    name: &str,
    version: &str,
) -> Result<Vec<CheckResult>> {
    let (workspace, environment) = tokio::join!(
        services.arm.get_workspace(reference),
        services
            .arm
            .get_environment_version(reference, name, version),
    );
    let workspace = workspace?;
    let environment = environment?;
    Ok(prerequisites::image_checks(
        services,
        &workspace,
        &format!("{name}:{version}"),
        environment
            .properties
            .image
            .clone()
            .filter(|image| !image.is_empty()),
    )
    .await)
}

/// The image checks of the environment chosen for a new runtime, and whether they block: the
/// wizard's environment step and `pfrm preflight --environment` both ask this. `environment` is
/// an environment asset id (as the wizard offers it) or `NAME:VERSION` (as the CLI takes it).
pub async fn check_environment_image(
    services: &Services,
    workspace_id: &str,
    environment: &str,
) -> Result<PreflightReport> {
    let (name, version) = environment_of(environment)
        .or_else(|| {
            environment
                .split_once(':')
                .filter(|(name, version)| !name.is_empty() && !version.is_empty())
                .map(|(name, version)| (name.to_owned(), version.to_owned()))
        })
        .ok_or_else(|| {
            Error::invalid_input(format!(
                "'{environment}' does not name an environment version."
            ))
            .with_remedy("Give it as NAME:VERSION, for example my-env:3.")
        })?;
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let checks = environment_image_checks(services, &reference, &name, &version).await?;
    Ok(PreflightReport::new(checks))
}

/// One compute instance with its checks, whoever it belongs to: an instance assigned to someone
/// else fails "assigned to you" and names its assignee (from the directory when it can be read).
pub async fn check_one_instance(
    services: &Services,
    workspace_id: &str,
    name: &str,
) -> Result<InstanceChoice> {
    let reference = WorkspaceRef::from_arm_id(workspace_id)?;
    let (me, compute) = tokio::join!(services.me(), services.arm.get_compute(&reference, name));
    let (me, compute) = (me?, compute?);
    let instance = ComputeInstanceSummary::from(&compute);
    let location = compute.location.clone().unwrap_or_default();
    let owner = instance
        .assigned_user
        .as_ref()
        .or(instance.created_by.as_ref())
        .map(|user| user.object_id.clone())
        .filter(|_| !instance.belongs_to(&me.object_id, Some(&me.tenant_id)));
    let (quota, owner) = tokio::join!(
        prerequisites::quota_facts(services, &reference.subscription_id, &location),
        async {
            match &owner {
                Some(id) => services.graph.get_user(id).await.ok(),
                None => None,
            }
        },
    );
    let mut checks = check_compute_instance(&instance, &me.object_id, Some(&me.tenant_id), None);
    if let Some(user) = owner {
        let who = super::reads::who(&user);
        if let Some(check) = checks
            .iter_mut()
            .find(|check| check.id == crate::preflight::CheckId::InstanceAssignedToYou)
        {
            for item in &mut check.evidence {
                item.value = format!("{who}, object id {}", item.value);
            }
            check.remedy = Some(format!(
                "{} is assigned to {who}: a runtime on it only works for them (anyone else gets \"is not authorized to invoke this runtime\"). Choose one of your own instances, or create one.",
                instance.name
            ));
        }
    }
    checks.extend(prerequisites::instance_checks(&compute, &quota));
    Ok(InstanceChoice::new(instance, checks))
}
