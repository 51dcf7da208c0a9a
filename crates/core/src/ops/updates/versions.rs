//! Reading versions: a runtime image tag as people read it, a custom environment's asset id as
//! name and version, and the newest runtime image in the container registry.

use time::{Date, Month};

use super::types::{CustomEnvironmentRef, RuntimeVersion};
use crate::azure::registry::RUNTIME_REPOSITORY;
use crate::error::Result;
use crate::model::ImageTag;
use crate::ops::runtime_watch::version_label;
use crate::services::Services;

impl RuntimeVersion {
    pub fn from_tag(tag: &ImageTag, today: Date) -> RuntimeVersion {
        let released = Month::try_from(tag.month)
            .ok()
            .and_then(|month| Date::from_calendar_date(i32::from(tag.year), month, tag.day).ok());
        let age_days = released
            .map(|released| (today - released).whole_days().max(0))
            .and_then(|days| u32::try_from(days).ok())
            .unwrap_or(0);
        RuntimeVersion {
            tag: tag.text.clone(),
            date: tag.date(),
            build: tag.build,
            label: version_label(tag),
            age_days,
        }
    }
}

impl CustomEnvironmentRef {
    /// Reads the name and version from `azureml://.../environments/{name}/versions/{v}` or
    /// `azureml:{name}:{v}`; other forms keep only the asset id.
    pub fn parse(asset_id: &str) -> CustomEnvironmentRef {
        let (name, version) = if let Some((_, rest)) = asset_id.split_once("/environments/") {
            match rest.split_once("/versions/") {
                Some((name, version)) => (
                    Some(name.to_owned()),
                    Some(version.trim_end_matches('/').to_owned()),
                ),
                None => (Some(rest.trim_end_matches('/').to_owned()), None),
            }
        } else if let Some(rest) = asset_id.strip_prefix("azureml:") {
            match rest.rsplit_once(':') {
                Some((name, version)) => (Some(name.to_owned()), Some(version.to_owned())),
                None => (Some(rest.to_owned()), None),
            }
        } else {
            (None, None)
        };
        CustomEnvironmentRef {
            asset_id: asset_id.to_owned(),
            name: name.filter(|n| !n.is_empty()),
            version: version.filter(|v| !v.is_empty()),
        }
    }

    /// `pf-custom:2` (or the asset id when its parts cannot be read).
    pub fn display(&self) -> String {
        match (&self.name, &self.version) {
            (Some(name), Some(version)) => format!("{name}:{version}"),
            _ => self.asset_id.clone(),
        }
    }

    /// Same environment name and version (names compare case-insensitively).
    pub fn same_as(&self, other: &CustomEnvironmentRef) -> bool {
        match (&self.name, &self.version, &other.name, &other.version) {
            (Some(a), Some(av), Some(b), Some(bv)) => a.eq_ignore_ascii_case(b) && av == bv,
            _ => self.asset_id.eq_ignore_ascii_case(&other.asset_id),
        }
    }
}

/// The newest runtime image version in the container registry. Tag lists are cached with their
/// ETags, so a re-check that finds nothing new costs one 304 per page.
pub async fn latest_runtime_tag(
    services: &Services,
    registry_page_size: Option<u32>,
) -> Result<Option<ImageTag>> {
    let tags = services
        .registry
        .list_tags(RUNTIME_REPOSITORY, registry_page_size)
        .await?;
    Ok(ImageTag::newest_first(tags.iter().map(String::as_str))
        .into_iter()
        .next())
}

/// The full image reference of a runtime image tag (`mcr.microsoft.com/azureml/...:tag`).
pub fn runtime_image(services: &Services, tag: &ImageTag) -> String {
    format!(
        "{}/{RUNTIME_REPOSITORY}:{}",
        services.cloud().registry_host,
        tag.text
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Date {
        Date::from_calendar_date(y, Month::try_from(m).unwrap(), d).unwrap()
    }

    #[test]
    fn versions_read_as_dates_with_their_age() {
        let tag = ImageTag::parse("20240111.v2").unwrap();
        let version = RuntimeVersion::from_tag(&tag, day(2024, 2, 10));
        assert_eq!(version.label, "version 2024-01-11 (v2)");
        assert_eq!(version.age_days, 30);
        assert_eq!(RuntimeVersion::from_tag(&tag, day(2024, 1, 1)).age_days, 0);
    }

    #[test]
    fn environment_ids_are_read_in_both_forms() {
        let long = CustomEnvironmentRef::parse(
            "azureml://locations/eastus/workspaces/g/environments/pf-custom/versions/2",
        );
        let short = CustomEnvironmentRef::parse("azureml:PF-custom:2");
        assert_eq!(long.display(), "pf-custom:2");
        assert!(long.same_as(&short));
        assert!(!long.same_as(&CustomEnvironmentRef::parse("azureml:pf-custom:1")));
    }
}
