//! The sentences of `pfrm runtime check|update` for what the core reports as codes: why the
//! version sources disagree, why an environment version would not move a runtime forward, what
//! an update noted, and why "update all" left a runtime to the user.

use pfrm_core::ops::updates::{
    AttentionReason, EnvironmentWarning, UpdateAllItem, UpdateWarning, VersionNote,
};

/// One sentence per note, in the order the core found them.
pub fn version_notes(notes: &[VersionNote]) -> Option<String> {
    if notes.is_empty() {
        return None;
    }
    Some(notes.iter().map(version_note).collect::<Vec<_>>().join(" "))
}

fn service_says(outdated: bool) -> &'static str {
    if outdated {
        "an update is available"
    } else {
        "no update is needed"
    }
}

pub fn version_note(note: &VersionNote) -> String {
    match note {
        VersionNote::RegistryNewer { latest, current } => format!(
            "The container registry lists {latest} as the newest image, newer than this runtime's {current}, but the prompt flow service says no update is needed (it may not offer that image yet), so no update is offered: the service would refuse it."
        ),
        VersionNote::ServiceNewer { latest } => format!(
            "The prompt flow service says an update is available, but the newest image in the container registry ({latest}) is the one this runtime runs; the service may know of an image the registry does not list yet."
        ),
        VersionNote::CustomEnvironment {
            environment,
            service_outdated,
        } => format!(
            "The runtime runs custom environment {environment}, whose base image version cannot be read from Azure; the prompt flow service says {}.",
            service_says(*service_outdated)
        ),
        VersionNote::RegistryUnread { service_outdated } => format!(
            "The container registry could not be read; the prompt flow service says {}.",
            service_says(*service_outdated)
        ),
        VersionNote::UnversionedImage {
            image,
            service_outdated,
        } => format!(
            "The runtime's image ({image}) has no version in the YYYYMMDD.vN scheme; the prompt flow service says {}.",
            service_says(*service_outdated)
        ),
        VersionNote::ServiceUnasked { registry_outdated } => format!(
            "The prompt flow service could not be asked; the container registry says the runtime is {}.",
            if *registry_outdated { "outdated" } else { "up to date" }
        ),
        VersionNote::NeitherAnswered => "Neither the container registry nor the prompt flow service could tell whether a newer version exists.".to_owned(),
        VersionNote::AppDiffers {
            runtime,
            instance,
            app,
        } => format!("The runtime reports {runtime} but its custom application on {instance} runs {app}."),
    }
}

pub fn environment_warning(warning: &EnvironmentWarning) -> String {
    match warning {
        EnvironmentWarning::Older { chosen, current } => {
            format!("{chosen} is older than the version the runtime uses now ({current}).")
        }
        EnvironmentWarning::Same { chosen } => {
            format!("{chosen} is the version the runtime uses now; updating to it changes nothing.")
        }
        EnvironmentWarning::OlderImage {
            chosen,
            image,
            current,
        } => format!("{chosen} runs {image}, older than the runtime's {current}."),
    }
}

pub fn update_warning(warning: &UpdateWarning) -> String {
    match warning {
        UpdateWarning::RegistryUnread { reason } => format!(
            "The container registry could not be read ({reason}), so the new version is only checked against the old one."
        ),
        UpdateWarning::RegistryNewer { now, latest } => format!(
            "The service moved the runtime to {now}; the container registry already lists {latest}."
        ),
        UpdateWarning::Environment { warning } => environment_warning(warning),
    }
}

/// What the user needs to do with a runtime "update all" left alone.
pub fn attention(item: &UpdateAllItem) -> String {
    match item.attention {
        Some(AttentionReason::CustomEnvironment) => format!(
            "Runs custom environment {}: rebuild it on the newest runtime image, then update the runtime to the rebuilt version.",
            item.custom_environment
                .as_ref()
                .map(|environment| environment.display())
                .unwrap_or_default()
        ),
        Some(AttentionReason::NotOnComputeInstance) => {
            "Not a compute-instance runtime: update it where it is deployed.".to_owned()
        }
        None => String::new(),
    }
}
