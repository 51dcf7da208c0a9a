//! Typed clients, one per Azure service. Each builds [`crate::http::ApiRequest`] values and
//! sends them through the one [`crate::http::Pipeline`]; api-versions and paths live in the
//! service's module only.

pub mod arm;
pub mod authorization;
pub mod flow;
pub mod graph;
pub mod registry;

use url::Url;

use crate::error::{Error, Result};

/// Identifies one AzureML workspace.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WorkspaceRef {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
}

impl WorkspaceRef {
    pub fn new(
        subscription_id: impl Into<String>,
        resource_group: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        WorkspaceRef {
            subscription_id: subscription_id.into(),
            resource_group: resource_group.into(),
            name: name.into(),
        }
    }

    /// Parses a workspace ARM id
    /// (`/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.MachineLearningServices/workspaces/{ws}`).
    pub fn from_arm_id(id: &str) -> Result<Self> {
        let parts: Vec<&str> = id.trim_matches('/').split('/').collect();
        let at = |key: &str| {
            parts
                .iter()
                .position(|part| part.eq_ignore_ascii_case(key))
                .and_then(|index| parts.get(index + 1))
                .filter(|value| !value.is_empty())
                .map(|value| (*value).to_owned())
        };
        match (at("subscriptions"), at("resourceGroups"), at("workspaces")) {
            (Some(subscription), Some(group), Some(name)) => {
                Ok(WorkspaceRef::new(subscription, group, name))
            }
            _ => Err(Error::invalid_input(format!(
                "'{id}' is not the resource id of an AzureML workspace."
            ))
            .with_remedy("Pick the workspace from the list, or paste its full resource id.")),
        }
    }

    /// The ARM id, which is also the scope for role assignments on the workspace.
    pub fn arm_id(&self) -> String {
        format!(
            "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.MachineLearningServices/workspaces/{}",
            self.subscription_id, self.resource_group, self.name
        )
    }

    /// Path segments of the ARM id, for URL building.
    pub(crate) fn segments(&self) -> [&str; 8] {
        [
            "subscriptions",
            &self.subscription_id,
            "resourceGroups",
            &self.resource_group,
            "providers",
            "Microsoft.MachineLearningServices",
            "workspaces",
            &self.name,
        ]
    }
}

/// `base` with `segments` appended, each percent-encoded as one path segment (so a name can
/// never add a path level or a query).
pub(crate) fn url_with_segments<'a>(
    base: &Url,
    segments: impl IntoIterator<Item = &'a str>,
) -> Result<Url> {
    let mut url = base.clone();
    {
        let mut path = url
            .path_segments_mut()
            .map_err(|()| Error::internal(format!("'{base}' cannot be a base URL")))?;
        path.pop_if_empty();
        for segment in segments {
            path.push(segment);
        }
    }
    Ok(url)
}

/// Splits an ARM id or scope into its segments.
pub(crate) fn id_segments(id: &str) -> impl Iterator<Item = &str> {
    id.split('/').filter(|segment| !segment.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workspace_ref_round_trips_its_arm_id() {
        let id = "/subscriptions/s1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws1";
        let workspace = WorkspaceRef::from_arm_id(id).unwrap();
        assert_eq!(workspace, WorkspaceRef::new("s1", "rg-1", "ws1"));
        assert_eq!(workspace.arm_id(), id);
        // ARM ids are case-insensitive in their keywords.
        let lower = WorkspaceRef::from_arm_id(&id.to_lowercase()).unwrap();
        assert_eq!(lower.name, "ws1");
        assert!(WorkspaceRef::from_arm_id("/subscriptions/s1").is_err());
    }

    #[test]
    fn segments_are_encoded_one_by_one() {
        let base = Url::parse("https://management.azure.com").unwrap();
        let url = url_with_segments(
            &base,
            ["users", "bob_contoso.com#EXT#@x.onmicrosoft.com", "a/b?c"],
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/users/bob_contoso.com%23EXT%23@x.onmicrosoft.com/a%2Fb%3Fc"
        );
    }
}
