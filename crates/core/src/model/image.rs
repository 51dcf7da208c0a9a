use std::cmp::Ordering;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A runtime image tag in the `YYYYMMDD.vN` scheme, ordered by (date, N) numerically
/// (lexical order would put `v10` before `v2`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageTag {
    pub year: u16,
    pub month: u8,
    pub day: u8,
    pub build: u32,
    pub text: String,
}

impl ImageTag {
    /// Parses a tag; `None` for tags outside the scheme (`latest`, `20240111`, `v2`, ...).
    pub fn parse(text: &str) -> Option<ImageTag> {
        let (date, build) = text.split_once(".v")?;
        if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        if build.is_empty() || build.len() > 9 || !build.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let year: u16 = date[0..4].parse().ok()?;
        let month: u8 = date[4..6].parse().ok()?;
        let day: u8 = date[6..8].parse().ok()?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return None;
        }
        Some(ImageTag {
            year,
            month,
            day,
            build: build.parse().ok()?,
            text: text.to_owned(),
        })
    }

    /// The tag of an image reference (`registry/repo:tag`), if it follows the scheme.
    pub fn from_image_reference(reference: &str) -> Option<ImageTag> {
        let (_, tag) = reference.rsplit_once(':')?;
        if tag.contains('/') {
            return None;
        }
        ImageTag::parse(tag)
    }

    /// `YYYY-MM-DD`.
    pub fn date(&self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// Tags in the scheme from a registry listing, newest first; others are ignored.
    pub fn newest_first<'a>(tags: impl IntoIterator<Item = &'a str>) -> Vec<ImageTag> {
        let mut parsed: Vec<ImageTag> = tags.into_iter().filter_map(ImageTag::parse).collect();
        parsed.sort_by(|a, b| b.cmp(a));
        parsed.dedup();
        parsed
    }
}

impl Ord for ImageTag {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.year, self.month, self.day, self.build)
            .cmp(&(other.year, other.month, other.day, other.build))
            .then_with(|| self.text.cmp(&other.text))
    }
}

impl PartialOrd for ImageTag {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// A runtime image version as the details page and the update picker show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ImageVersion {
    /// `20240111.v2`.
    pub tag: String,
    /// Full reference (`mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2`).
    pub image: String,
    /// Release date `YYYY-MM-DD`.
    pub date: String,
    pub build: u32,
}

impl ImageVersion {
    /// The version of a full image reference whose tag follows the scheme; `None` otherwise
    /// (`latest`, a digest, a custom tag), which the hosts show as the tag itself.
    pub fn of_reference(reference: &str) -> Option<Self> {
        let tag = ImageTag::from_image_reference(reference)?;
        Some(ImageVersion {
            tag: tag.text.clone(),
            image: reference.to_owned(),
            date: tag.date(),
            build: tag.build,
        })
    }

    pub fn new(registry_host: &str, repository: &str, tag: &ImageTag) -> Self {
        ImageVersion {
            tag: tag.text.clone(),
            image: format!("{registry_host}/{repository}:{}", tag.text),
            date: tag.date(),
            build: tag.build,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_has_a_version_only_when_its_tag_follows_the_scheme() {
        let version = ImageVersion::of_reference(
            "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2",
        )
        .unwrap();
        assert_eq!((version.date.as_str(), version.build), ("2024-01-11", 2));
        assert_eq!(version.tag, "20240111.v2");
        for other in [
            "crml.azurecr.io/pf/custom:latest",
            "localhost:5000/pf/custom",
            "crml.azurecr.io/pf/custom:20240111",
        ] {
            assert_eq!(ImageVersion::of_reference(other), None, "{other}");
        }
    }

    #[test]
    fn tags_sort_numerically_by_date_then_build() {
        let tags = [
            "20240111.v2",
            "latest",
            "20240111.v10",
            "20231218.v2",
            "20240429.v8",
            "20240111.v9",
            "2024011.v1",
            "20241301.v1",
            "20240111.v",
            "20240111.v2-py311",
        ];
        let ordered: Vec<String> = ImageTag::newest_first(tags)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert_eq!(
            ordered,
            [
                "20240429.v8",
                "20240111.v10",
                "20240111.v9",
                "20240111.v2",
                "20231218.v2"
            ]
        );
    }

    #[test]
    fn tag_is_read_from_an_image_reference() {
        let tag = ImageTag::from_image_reference(
            "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20240111.v2",
        )
        .unwrap();
        assert_eq!((tag.date(), tag.build), ("2024-01-11".to_owned(), 2));
        assert!(ImageTag::from_image_reference("localhost:5000/promptflow-runtime").is_none());
        assert!(ImageTag::from_image_reference("mcr.microsoft.com/x:latest").is_none());
    }

    #[test]
    fn image_version_names_the_full_reference() {
        let tag = ImageTag::parse("20251211.v2").unwrap();
        let version = ImageVersion::new(
            "mcr.microsoft.com",
            "azureml/promptflow/promptflow-runtime-stable",
            &tag,
        );
        assert_eq!(
            version.image,
            "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable:20251211.v2"
        );
        assert_eq!(version.date, "2025-12-11");
        assert_eq!(
            serde_json::to_value(&version).unwrap(),
            serde_json::json!({"tag": "20251211.v2", "image": version.image, "date": "2025-12-11", "build": 2})
        );
    }
}
