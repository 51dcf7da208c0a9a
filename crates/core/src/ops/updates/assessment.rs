//! The assessment rule: from a runtime, its custom application, the registry's newest image and
//! the service's `needUpgrade`, whether an update is available and, as [`VersionNote`]s, which
//! source says what when they disagree or one is missing.

use time::Date;

use super::types::{CustomEnvironmentRef, RuntimeVersion, RuntimeVersionStatus, VersionNote};
use crate::error::{Error, Result};
use crate::model::{ComputeInstanceSummary, CustomApp, ImageTag, RuntimeSummary, WorkspaceSummary};
use crate::ops::runtime_watch::version_label;
use crate::ops::runtimes::runtime_target;

/// The inputs of one assessment, gathered by the callers that fetch them.
pub(super) struct Facts<'a> {
    pub workspace: &'a WorkspaceSummary,
    pub runtime: &'a RuntimeSummary,
    pub app: Option<&'a CustomApp>,
    pub latest: std::result::Result<Option<&'a ImageTag>, &'a Error>,
    pub need_upgrade: Result<bool>,
    pub extra_problems: Vec<Error>,
    pub today: Date,
}

pub(super) fn assess(facts: Facts<'_>) -> RuntimeVersionStatus {
    let Facts {
        workspace,
        runtime,
        app,
        latest,
        need_upgrade,
        mut extra_problems,
        today,
    } = facts;
    let mut problems = Vec::new();
    let runtime_tag = runtime
        .docker_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let app_image = app.and_then(|app| app.image.clone());
    let app_tag = app_image
        .as_deref()
        .and_then(ImageTag::from_image_reference);
    let current_tag = runtime_tag.clone().or_else(|| app_tag.clone());
    let latest_tag = match latest {
        Ok(tag) => tag.cloned(),
        Err(error) => {
            problems.push(error.clone());
            None
        }
    };
    let service = match need_upgrade {
        Ok(flag) => Some(flag),
        Err(error) => {
            problems.push(error);
            None
        }
    };
    problems.append(&mut extra_problems);
    let registry = match (&current_tag, &latest_tag) {
        (Some(current), Some(latest)) => Some(current < latest),
        _ => None,
    };
    let custom_environment = runtime
        .environment
        .as_deref()
        .map(CustomEnvironmentRef::parse);
    let mut notes = Vec::new();
    notes.extend(source_note(
        registry,
        service,
        current_tag.as_ref(),
        latest_tag.as_ref(),
        custom_environment.as_ref(),
        runtime,
    ));
    if let (Some(runtime_tag), Some(app_tag)) = (&runtime_tag, &app_tag) {
        if runtime_tag != app_tag {
            notes.push(VersionNote::AppDiffers {
                runtime: version_label(runtime_tag),
                instance: runtime.compute_instance_name.clone().unwrap_or_default(),
                app: version_label(app_tag),
            });
        }
    }
    RuntimeVersionStatus {
        key: runtime_target(&workspace.id, &runtime.name),
        workspace_id: workspace.id.clone(),
        workspace_key: crate::azure::WorkspaceRef::key_of(&workspace.id),
        workspace_name: workspace.name.clone(),
        runtime_name: runtime.name.clone(),
        status: runtime.status,
        compute_instance_name: runtime.compute_instance_name.clone(),
        docker_image: runtime.docker_image.clone(),
        current: current_tag
            .as_ref()
            .map(|tag| RuntimeVersion::from_tag(tag, today)),
        app_image,
        latest: latest_tag
            .as_ref()
            .map(|tag| RuntimeVersion::from_tag(tag, today)),
        registry_says_outdated: registry,
        service_says_outdated: service,
        // The service performs the update and refuses one it says is not needed: its answer
        // wins, and the registry decides only when the service could not be asked.
        update_available: service.unwrap_or(registry == Some(true)),
        latest_is_final: latest_tag.is_some()
            && crate::migration::retirement::RetirementStatus::on(today).images_frozen,
        sources_agree: matches!((registry, service), (Some(a), Some(b)) if a == b),
        notes,
        custom_environment,
        problems,
    }
}

/// Which source says what, when they disagree or one of them did not answer.
fn source_note(
    registry: Option<bool>,
    service: Option<bool>,
    current: Option<&ImageTag>,
    latest: Option<&ImageTag>,
    custom_environment: Option<&CustomEnvironmentRef>,
    runtime: &RuntimeSummary,
) -> Option<VersionNote> {
    let label = |tag: Option<&ImageTag>| tag.map(version_label).unwrap_or_default();
    Some(match (registry, service) {
        (Some(true), Some(false)) => VersionNote::RegistryNewer {
            latest: label(latest),
            current: label(current),
        },
        (Some(false), Some(true)) => VersionNote::ServiceNewer {
            latest: label(latest),
        },
        (None, Some(service_outdated)) => match custom_environment {
            Some(environment) => VersionNote::CustomEnvironment {
                environment: environment.display(),
                service_outdated,
            },
            None if latest.is_none() => VersionNote::RegistryUnread { service_outdated },
            None => VersionNote::UnversionedImage {
                image: runtime
                    .docker_image
                    .clone()
                    .unwrap_or_else(|| "unknown".into()),
                service_outdated,
            },
        },
        (Some(registry_outdated), None) => VersionNote::ServiceUnasked { registry_outdated },
        (None, None) => VersionNote::NeitherAnswered,
        _ => return None,
    })
}

/// The custom application a runtime runs as on its compute instance.
pub(super) fn app_of<'a>(
    instances: &'a [ComputeInstanceSummary],
    runtime: &RuntimeSummary,
) -> Option<&'a CustomApp> {
    let instance_name = runtime.compute_instance_name.as_deref()?;
    let app_name = runtime
        .custom_app_name
        .as_deref()
        .unwrap_or(runtime.name.as_str());
    instances
        .iter()
        .find(|instance| instance.name.eq_ignore_ascii_case(instance_name))?
        .custom_apps
        .iter()
        .find(|app| app.name.eq_ignore_ascii_case(app_name))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use crate::model::WorkspaceSummary;
    use crate::ops::updates::test_support::{day, runtime, OLD};

    fn assess_with(
        runtime: &RuntimeSummary,
        latest: Option<&ImageTag>,
        need_upgrade: Result<bool>,
    ) -> RuntimeVersionStatus {
        assess(Facts {
            workspace: &WorkspaceSummary::sample(),
            runtime,
            app: None,
            latest: Ok(latest),
            need_upgrade,
            extra_problems: Vec::new(),
            today: day(2024, 2, 10),
        })
    }

    #[test]
    fn agreeing_sources_need_no_note() {
        let latest = ImageTag::parse("20240129.v10").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&latest), Ok(true));
        assert!(status.update_available && status.sources_agree);
        assert_eq!(status.notes, vec![]);
        assert_eq!(status.current.unwrap().tag, "20240111.v2");
        assert_eq!(status.latest.unwrap().tag, "20240129.v10");
        assert_eq!(
            status.key,
            "/subscriptions/s/resourcegroups/rg/providers/microsoft.machinelearningservices/workspaces/ws/flowruntimes/rt"
        );
    }

    #[test]
    fn disagreement_names_which_source_says_what() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&latest), Ok(false));
        // The service would refuse the update ("not newer"): none is offered.
        assert!(!status.update_available);
        assert!(!status.sources_agree);
        assert_eq!(status.registry_says_outdated, Some(true));
        assert_eq!(status.service_says_outdated, Some(false));
        assert_eq!(
            status.notes,
            vec![VersionNote::RegistryNewer {
                latest: "version 2024-01-29 (v1)".into(),
                current: "version 2024-01-11 (v2)".into(),
            }]
        );

        let same = ImageTag::parse("20240111.v2").unwrap();
        let status = assess_with(&runtime(Some(OLD), None), Some(&same), Ok(true));
        assert!(status.update_available && !status.sources_agree);
        assert_eq!(
            status.notes,
            vec![VersionNote::ServiceNewer {
                latest: "version 2024-01-11 (v2)".into()
            }]
        );
    }

    #[test]
    fn a_custom_environment_relies_on_the_service_and_says_so() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(
            &runtime(
                Some("crws.azurecr.io/azureml/azureml_abc:latest"),
                Some("azureml://locations/eastus/workspaces/g/environments/pf-custom/versions/1"),
            ),
            Some(&latest),
            Ok(true),
        );
        assert!(status.update_available);
        assert!(status.current.is_none());
        assert!(!status.updatable_directly());
        assert_eq!(
            status.custom_environment.as_ref().unwrap().display(),
            "pf-custom:1"
        );
        assert_eq!(
            status.notes,
            vec![VersionNote::CustomEnvironment {
                environment: "pf-custom:1".into(),
                service_outdated: true,
            }]
        );
    }

    #[test]
    fn an_unreadable_version_says_why_only_the_service_answered() {
        let unversioned = runtime(Some("example.azurecr.io/pf:latest"), None);
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(&unversioned, Some(&latest), Ok(false));
        assert_eq!(
            status.notes,
            vec![VersionNote::UnversionedImage {
                image: "example.azurecr.io/pf:latest".into(),
                service_outdated: false,
            }]
        );
        let status = assess_with(&unversioned, None, Ok(true));
        assert_eq!(
            status.notes,
            vec![VersionNote::RegistryUnread {
                service_outdated: true
            }]
        );
        let status = assess_with(
            &unversioned,
            None,
            Err(Error::new(ErrorCode::ServiceUnavailable, "down")),
        );
        assert_eq!(status.notes, vec![VersionNote::NeitherAnswered]);
    }

    #[test]
    fn a_failed_service_check_keeps_the_registry_answer() {
        let latest = ImageTag::parse("20240129.v1").unwrap();
        let status = assess_with(
            &runtime(Some(OLD), None),
            Some(&latest),
            Err(Error::new(ErrorCode::ServiceUnavailable, "down")),
        );
        assert!(status.update_available);
        assert_eq!(status.problems.len(), 1);
        assert_eq!(
            status.notes,
            vec![VersionNote::ServiceUnasked {
                registry_outdated: true
            }]
        );
    }

    #[test]
    fn an_application_on_another_version_is_noted() {
        let latest = ImageTag::parse("20240111.v2").unwrap();
        let app = CustomApp {
            name: "rt".into(),
            image_type: Some("docker".into()),
            image: Some(OLD.replace("20240111.v2", "20240101.v1")),
            endpoints: Vec::new(),
            is_prompt_flow_runtime: true,
        };
        let status = assess(Facts {
            workspace: &WorkspaceSummary::sample(),
            runtime: &runtime(Some(OLD), None),
            app: Some(&app),
            latest: Ok(Some(&latest)),
            need_upgrade: Ok(false),
            extra_problems: Vec::new(),
            today: day(2024, 2, 10),
        });
        assert_eq!(
            status.notes,
            vec![VersionNote::AppDiffers {
                runtime: "version 2024-01-11 (v2)".into(),
                instance: "ci".into(),
                app: "version 2024-01-01 (v1)".into(),
            }]
        );
    }
}
