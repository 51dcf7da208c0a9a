//! A custom environment's image: in Azure Container Registry, tagged, the tag in the registry,
//! and pullable by the workspace's identity.

use super::{could_not_tell, roles, Fact, CUSTOM_ENVIRONMENT_GUIDE};
use crate::azure::prerequisites::last_segment;
use crate::preflight::{evidence, CheckId, CheckResult, CheckStatus, Severity};

/// A custom environment's image and who pulls it.
#[derive(Debug, Clone)]
pub struct ImageFacts {
    /// `name:version` of the environment.
    pub environment: String,
    /// `properties.image`; `None` for an environment built from a Docker context.
    pub image: Option<String>,
    /// The cloud's registry host suffix (`.azurecr.io`).
    pub acr_suffix: String,
    /// The registry whose login server is the image's host: `Ok(None)` when none is visible.
    pub registry: Fact<Option<String>>,
    /// Who pulls the image: the workspace's identity (object id).
    pub puller: Option<String>,
    /// Roles (GUIDs) that apply to the puller at the registry.
    pub puller_roles: Fact<Vec<String>>,
    /// Whether the registry holds the image's tag (or digest), as the signed-in user could see:
    /// `None` when it was not looked up (the image is not in ACR or has no tag).
    pub tag_found: Option<Fact<bool>>,
}

/// The host, repository and tag (or digest) of an image reference.
pub fn split_image(reference: &str) -> (Option<&str>, &str, Option<&str>) {
    let (host, rest) = match reference.split_once('/') {
        Some((first, rest))
            if first.contains('.') || first.contains(':') || first == "localhost" =>
        {
            (Some(first), rest)
        }
        _ => (None, reference),
    };
    if let Some((repository, digest)) = rest.split_once('@') {
        return (host, repository, Some(digest));
    }
    match rest.rsplit_once(':') {
        Some((repository, tag)) if !tag.contains('/') => (host, repository, Some(tag)),
        _ => (host, rest, None),
    }
}

/// A custom environment's image: in Azure Container Registry, tagged, pullable by the workspace.
pub fn image_checks(facts: &ImageFacts) -> Vec<CheckResult> {
    const IN_ACR: &str =
        "The custom environment's image is in Azure Container Registry, with a tag";
    const PULLABLE: &str = "The workspace's identity may pull the image (AcrPull)";
    let Some(image) = &facts.image else {
        return vec![CheckResult::new(
            CheckId::ImageInAcr,
            Severity::Info,
            CheckStatus::Passed,
            IN_ACR,
        )
        .evidence(evidence("Environment", facts.environment.clone()))
        .evidence(evidence(
            "Image",
            "built by Azure ML from a Docker context into the workspace's registry",
        ))];
    };
    let (host, repository, tag) = split_image(image);
    let in_acr = host.is_some_and(|host| {
        host.to_ascii_lowercase()
            .ends_with(&facts.acr_suffix.to_ascii_lowercase())
    });
    let mut checks = Vec::new();
    let ok = in_acr && tag.is_some();
    let mut acr = CheckResult::new(
        CheckId::ImageInAcr,
        Severity::Blocker,
        CheckStatus::passed_if(ok),
        IN_ACR,
    )
    .evidence(evidence("Environment", facts.environment.clone()))
    .evidence(evidence("Image", image.clone()));
    if !ok {
        let registry = host.unwrap_or("docker.io");
        acr = acr
            .remedy(format!(
                "The runtime only takes images from Azure Container Registry, named with a tag (\"is not a valid name for an ACR image with tag specified\"). {}register the environment again with the image's full ACR name and tag (for example <registry>{}/{}:<tag>).",
                if in_acr {
                    "The image has no tag: ".to_string()
                } else {
                    format!("Import the image from {registry} into your registry (az acr import), then ")
                },
                facts.acr_suffix,
                repository
            ))
            .link(CUSTOM_ENVIRONMENT_GUIDE);
    }
    checks.push(acr);
    if !in_acr {
        return checks;
    }
    let host = host.unwrap_or_default();
    if let (Some(reference), Some(found)) = (tag, &facts.tag_found) {
        checks.push(tag_check(host, repository, reference, found));
    }
    let registry = match &facts.registry {
        Ok(Some(registry)) => registry.clone(),
        Ok(None) => {
            checks.push(
                CheckResult::new(CheckId::ImagePullable, Severity::Blocker, CheckStatus::Unknown, PULLABLE)
                    .evidence(evidence("Could not tell: the registry", format!("no registry with login server {host} is visible to you in the subscription")))
                    .remedy(format!("Make sure the workspace's identity has AcrPull on the registry {host}; ask its Owner to check, or to give you Reader on it so pfrm can.")),
            );
            return checks;
        }
        Err(why) => {
            checks.push(could_not_tell(
                CheckId::ImagePullable,
                Severity::Blocker,
                PULLABLE,
                &format!("the registry {host}"),
                why,
            ));
            return checks;
        }
    };
    let Some(puller) = &facts.puller else {
        checks.push(
            CheckResult::new(CheckId::ImagePullable, Severity::Blocker, CheckStatus::Failed, PULLABLE)
                .evidence(evidence("Workspace identity", "none"))
                .remedy("Turn on the workspace's system-assigned identity and give it AcrPull on the registry."),
        );
        return checks;
    };
    let roles = match &facts.puller_roles {
        Ok(roles) => roles,
        Err(why) => {
            checks.push(could_not_tell(
                CheckId::ImagePullable,
                Severity::Blocker,
                PULLABLE,
                &format!("the roles on {}", last_segment(&registry)),
                why,
            ));
            return checks;
        }
    };
    let pulls = roles.iter().any(|role| {
        [
            roles::ACR_PULL,
            roles::ACR_PUSH,
            roles::CONTRIBUTOR,
            roles::OWNER,
        ]
        .iter()
        .any(|known| role.eq_ignore_ascii_case(known))
    });
    let name = last_segment(&registry).to_string();
    let result = CheckResult::new(
        CheckId::ImagePullable,
        Severity::Blocker,
        CheckStatus::passed_if(pulls),
        PULLABLE,
    )
    .evidence(evidence("Registry", name.clone()))
    .evidence(evidence("Identity (object id)", puller.clone()));
    checks.push(if pulls {
        result
    } else {
        result
            .evidence(evidence("Roles on the registry", "none that allows pulling"))
            .remedy(format!(
                "The runtime's image is pulled with the workspace's identity, which has no AcrPull on {name}: the runtime never starts. An Owner of {name} assigns AcrPull to the workspace's managed identity (Access control (IAM) → Add role assignment)."
            ))
            .link(CUSTOM_ENVIRONMENT_GUIDE)
    });
    checks
}

/// The image's tag (or digest) is in its registry: a runtime cannot start from an image its
/// registry does not have, and the studio registers such an environment without a word.
fn tag_check(host: &str, repository: &str, reference: &str, found: &Fact<bool>) -> CheckResult {
    const TITLE: &str = "The custom environment's image tag is in its registry";
    let image = format!("{host}/{repository}:{reference}");
    let found = match found {
        Ok(found) => *found,
        Err(why) => {
            let mut check = could_not_tell(
                CheckId::ImageTagExists,
                Severity::Blocker,
                TITLE,
                &format!("whether {host} holds {repository}:{reference}"),
                why,
            );
            check.evidence.insert(0, evidence("Image", image));
            return check;
        }
    };
    let result = CheckResult::new(
        CheckId::ImageTagExists,
        Severity::Blocker,
        CheckStatus::passed_if(found),
        TITLE,
    )
    .evidence(evidence("Image", image.clone()));
    if found {
        return result.evidence(evidence("Registry", format!("{host} has {reference}")));
    }
    let registry = host.split('.').next().unwrap_or(host);
    result
        .evidence(evidence(
            "Tag",
            format!("tag {reference} not found in registry {host} (repository {repository})"),
        ))
        .remedy(format!(
            "The runtime cannot start from an image its registry does not have. Push the image to {host} (docker push {image}, or az acr import), or register the environment again with a tag the registry has (az acr repository show-tags --name {registry} --repository {repository})."
        ))
        .link(CUSTOM_ENVIRONMENT_GUIDE)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::preflight::Unreadable;

    fn facts(tag_found: Option<Fact<bool>>) -> ImageFacts {
        ImageFacts {
            environment: "contoso-flow-env:1".into(),
            image: Some("crcontoso.azurecr.io/flows/rt:20240601.v1".into()),
            acr_suffix: ".azurecr.io".into(),
            registry: Ok(Some("/subscriptions/s/resourceGroups/r/providers/Microsoft.ContainerRegistry/registries/crcontoso".into())),
            puller: Some("0b1d0000-0000-4000-8000-000000000001".into()),
            puller_roles: Ok(vec![roles::ACR_PULL.into()]),
            tag_found,
        }
    }

    fn tag(checks: &[CheckResult]) -> Option<&CheckResult> {
        checks
            .iter()
            .find(|check| check.id == CheckId::ImageTagExists)
    }

    #[test]
    fn a_tag_the_registry_has_passes_between_in_acr_and_pullable() {
        let checks = image_checks(&facts(Some(Ok(true))));
        let ids: Vec<CheckId> = checks.iter().map(|check| check.id).collect();
        assert_eq!(
            ids,
            [
                CheckId::ImageInAcr,
                CheckId::ImageTagExists,
                CheckId::ImagePullable
            ]
        );
        assert!(checks
            .iter()
            .all(|check| check.status == CheckStatus::Passed));
    }

    #[test]
    fn a_tag_the_registry_lacks_blocks_naming_tag_and_registry_with_a_remedy() {
        let checks = image_checks(&facts(Some(Ok(false))));
        let check = tag(&checks).unwrap();
        assert_eq!(check.status, CheckStatus::Failed);
        assert!(check.blocks());
        assert!(check.evidence.iter().any(|item| item.value
            == "tag 20240601.v1 not found in registry crcontoso.azurecr.io (repository flows/rt)"));
        let remedy = check.remedy.as_deref().unwrap();
        assert!(
            remedy.contains("docker push crcontoso.azurecr.io/flows/rt:20240601.v1"),
            "{remedy}"
        );
        assert!(
            remedy.contains("az acr repository show-tags --name crcontoso --repository flows/rt"),
            "{remedy}"
        );
    }

    #[test]
    fn a_registry_that_will_not_let_you_pull_is_could_not_tell_naming_acr_pull() {
        let checks = image_checks(&facts(Some(Err(Unreadable {
            reason: "the registry crcontoso.azurecr.io would not let you pull".into(),
            missing_permission: Some(
                "Microsoft.ContainerRegistry/registries/pull/read (AcrPull) on the registry crcontoso.azurecr.io".into(),
            ),
        }))));
        let check = tag(&checks).unwrap();
        assert_eq!(check.status, CheckStatus::Unknown);
        assert!(check.could_not_tell() && check.blocks());
        assert!(check
            .evidence
            .iter()
            .any(|item| item.label.starts_with("Could not tell")
                && item.value.contains("registries/pull/read (AcrPull)")));
        assert!(check.remedy.as_deref().unwrap().contains("AcrPull"));
    }

    #[test]
    fn no_tag_lookup_without_a_registry_image_with_a_tag() {
        let mut untagged = facts(None);
        untagged.image = Some("crcontoso.azurecr.io/flows/rt".into());
        assert!(tag(&image_checks(&untagged)).is_none());
        let mut docker_hub = facts(None);
        docker_hub.image = Some("docker.io/contoso/rt:v1".into());
        assert!(tag(&image_checks(&docker_hub)).is_none());
    }
    #[test]
    fn image_references_split_into_host_repository_and_tag() {
        assert_eq!(
            split_image("crcontoso.azurecr.io/flows/rt:20240429.v8"),
            (
                Some("crcontoso.azurecr.io"),
                "flows/rt",
                Some("20240429.v8")
            )
        );
        assert_eq!(
            split_image("crcontoso.azurecr.io/flows/rt"),
            (Some("crcontoso.azurecr.io"), "flows/rt", None)
        );
        assert_eq!(
            split_image("localhost:5000/rt@sha256:abc"),
            (Some("localhost:5000"), "rt", Some("sha256:abc"))
        );
        assert_eq!(
            split_image("contoso/rt:v1"),
            (None, "contoso/rt", Some("v1"))
        );
    }
}
