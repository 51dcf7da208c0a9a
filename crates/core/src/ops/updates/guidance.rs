//! The custom-environment path: the base image to rebuild on, the workspace's environment
//! versions to choose from, and the rule that flags a version that would not move a runtime
//! forward.

use std::cmp::Ordering;

use super::types::{
    CustomEnvironmentGuidance, CustomEnvironmentRef, EnvironmentCandidate, EnvironmentWarning,
    RuntimeVersion,
};
use super::versions::{latest_runtime_tag, runtime_image};
use super::CheckOptions;
use crate::error::{Error, ErrorCode, Result};
use crate::model::{ImageTag, RuntimeDetails};
use crate::ops::runtime_watch::version_label;
use crate::ops::runtimes::{list_environments, version_order, EnvironmentChoice};
use crate::services::Services;

/// Why `choice` would not move a runtime on `current` (environment) forward, if it would not.
pub(super) fn older_environment_warning(
    current: Option<&CustomEnvironmentRef>,
    current_tag: Option<&ImageTag>,
    choice: &EnvironmentChoice,
) -> Option<EnvironmentWarning> {
    let chosen = format!("{}:{}", choice.name, choice.version);
    if let Some(current) = current {
        if let (Some(name), Some(version)) = (&current.name, &current.version) {
            if name.eq_ignore_ascii_case(&choice.name) {
                return match version_order(&choice.version, version) {
                    Ordering::Less => Some(EnvironmentWarning::Older {
                        chosen,
                        current: format!("{name}:{version}"),
                    }),
                    Ordering::Equal => Some(EnvironmentWarning::Same { chosen }),
                    Ordering::Greater => None,
                };
            }
        }
    }
    let chosen_tag = choice
        .image
        .as_deref()
        .and_then(ImageTag::from_image_reference)?;
    match current_tag {
        Some(current_tag) if &chosen_tag < current_tag => Some(EnvironmentWarning::OlderImage {
            chosen,
            image: version_label(&chosen_tag),
            current: version_label(current_tag),
        }),
        _ => None,
    }
}

/// The runtime's environment and image version, as the warning rule reads them.
pub(super) fn environment_of(
    runtime: &RuntimeDetails,
) -> (Option<CustomEnvironmentRef>, Option<ImageTag>) {
    let current = runtime
        .summary
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    let current_tag = runtime
        .summary
        .docker_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    (current, current_tag)
}

/// The custom-environment path of "Update": the base image line to rebuild on, and the
/// workspace's environment versions (with warnings for ones that would not move it forward).
pub async fn custom_environment_guidance(
    services: &Services,
    workspace_id: &str,
    runtime_name: &str,
    options: CheckOptions,
) -> Result<CustomEnvironmentGuidance> {
    crate::azure::check_name("runtime name", runtime_name)?;
    let (_, flow) = services.workspace_flow(workspace_id).await?;
    let (runtime, latest, environments) = tokio::join!(
        flow.get_runtime(runtime_name),
        latest_runtime_tag(services, options.registry_page_size),
        list_environments(services, workspace_id),
    );
    let runtime = RuntimeDetails::read(&runtime?, flow.workspace());
    let latest = latest?.ok_or_else(|| {
        Error::new(
            ErrorCode::Service,
            "The container registry lists no prompt flow runtime image versions.",
        )
        .with_remedy(
            "Try again later; if it persists, check the image's page on mcr.microsoft.com.",
        )
    })?;
    let (current, current_tag) = environment_of(&runtime);
    let mut candidates: Vec<EnvironmentCandidate> = environments?
        .into_iter()
        .filter(|choice| choice.derives_from_runtime_image != Some(false))
        .map(|choice| {
            let as_ref = CustomEnvironmentRef::parse(&choice.asset_id);
            EnvironmentCandidate {
                is_current: current.as_ref().is_some_and(|c| c.same_as(&as_ref)),
                warning: older_environment_warning(current.as_ref(), current_tag.as_ref(), &choice),
                choice,
            }
        })
        .collect();
    // The current environment's versions first; list_environments already orders by name,
    // then newest version first.
    let current_name = current.as_ref().and_then(|c| c.name.clone());
    candidates.sort_by_key(|candidate| {
        !current_name
            .as_deref()
            .is_some_and(|name| name.eq_ignore_ascii_case(&candidate.choice.name))
    });
    let base_image = runtime_image(services, &latest);
    let today = services.clock().today();
    Ok(CustomEnvironmentGuidance {
        latest_is_final: crate::migration::retirement::RetirementStatus::on(today).images_frozen,
        runtime_name: runtime.summary.name.clone(),
        current_environment: current,
        latest: Some(RuntimeVersion::from_tag(&latest, today)),
        dockerfile_from_line: format!("FROM {base_image}"),
        base_image,
        candidates,
    })
}

/// The workspace's environment version with this asset id (or `azureml:name:version`).
pub(super) async fn find_environment(
    services: &Services,
    workspace_id: &str,
    asset_id: &str,
) -> Result<EnvironmentChoice> {
    let wanted = CustomEnvironmentRef::parse(asset_id.trim());
    let choices = list_environments(services, workspace_id).await?;
    let chosen = choices
        .into_iter()
        .find(|choice| CustomEnvironmentRef::parse(&choice.asset_id).same_as(&wanted))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::NotFound,
                format!(
                    "The workspace has no environment version {}.",
                    wanted.display()
                ),
            )
            .with_remedy("Pick one of the workspace's environment versions (after rebuilding it on the newest runtime image).")
        })?;
    if chosen.derives_from_runtime_image == Some(false) {
        return Err(Error::invalid_input(format!(
            "Environment {}:{} does not run a prompt flow runtime image ({}).",
            chosen.name,
            chosen.version,
            chosen.image.clone().unwrap_or_default()
        ))
        .with_remedy(
            "Build the environment on the prompt flow runtime image, then pick that version.",
        ));
    }
    Ok(chosen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::updates::test_support::OLD;

    #[test]
    fn older_or_same_environment_versions_are_flagged() {
        let current = CustomEnvironmentRef::parse("azureml:pf-custom:10");
        let choice = |version: &str, image: Option<&str>| EnvironmentChoice {
            name: "pf-custom".into(),
            version: version.into(),
            asset_id: format!("azureml:pf-custom:{version}"),
            image: image.map(str::to_owned),
            derives_from_runtime_image: None,
            description: None,
        };
        assert_eq!(
            older_environment_warning(Some(&current), None, &choice("9", None)),
            Some(EnvironmentWarning::Older {
                chosen: "pf-custom:9".into(),
                current: "pf-custom:10".into()
            })
        );
        assert_eq!(
            older_environment_warning(Some(&current), None, &choice("10", None)),
            Some(EnvironmentWarning::Same {
                chosen: "pf-custom:10".into()
            })
        );
        assert!(older_environment_warning(Some(&current), None, &choice("11", None)).is_none());
        let tag = ImageTag::parse("20240429.v8").unwrap();
        let mut other = choice("1", Some(OLD));
        other.name = "other".into();
        assert_eq!(
            older_environment_warning(Some(&current), Some(&tag), &other),
            Some(EnvironmentWarning::OlderImage {
                chosen: "other:1".into(),
                image: "version 2024-01-11 (v2)".into(),
                current: "version 2024-04-29 (v8)".into(),
            })
        );
    }
}
