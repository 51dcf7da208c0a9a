//! Typed clients, one per Azure service. Each builds [`crate::http::ApiRequest`] values and
//! sends them through the one [`crate::http::Pipeline`]; api-versions and paths live in the
//! service's module only.

pub mod acr;
pub mod arm;
pub mod authorization;
pub mod flow;
pub mod graph;
pub mod prerequisites;
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
    /// The keywords are matched without regard to case (ARM ids are case-insensitive); anything
    /// else (another provider, a child resource, a missing or invalid name) is refused, so the
    /// id [`Self::arm_id`] gives back names the same workspace.
    pub fn from_arm_id(id: &str) -> Result<Self> {
        let refuse = || {
            Error::invalid_input(format!(
                "'{}' is not the resource id of an AzureML workspace.",
                id.escape_debug()
            ))
            .with_remedy(
                "Pick the workspace from the list, or paste its full resource id \
                 (/subscriptions/…/resourceGroups/…/providers/Microsoft.MachineLearningServices/workspaces/…).",
            )
        };
        let inner = id.strip_prefix('/').ok_or_else(refuse)?;
        let inner = inner.strip_suffix('/').unwrap_or(inner);
        let parts: Vec<&str> = inner.split('/').collect();
        let [subscriptions, subscription, groups, group, providers, namespace, workspaces, name] =
            parts.as_slice()
        else {
            return Err(refuse());
        };
        let keywords = [
            (subscriptions, "subscriptions"),
            (groups, "resourceGroups"),
            (providers, "providers"),
            (namespace, "Microsoft.MachineLearningServices"),
            (workspaces, "workspaces"),
        ];
        if !keywords
            .iter()
            .all(|(part, keyword)| part.eq_ignore_ascii_case(keyword))
        {
            return Err(refuse());
        }
        for value in [subscription, group, name] {
            check_segment(value).map_err(|_| refuse())?;
        }
        Ok(WorkspaceRef::new(*subscription, *group, *name))
    }

    /// The name of the workspace `id` names, for messages about a workspace that could not be
    /// read: the id's last segment when it is not a workspace id.
    pub fn name_of(id: &str) -> String {
        WorkspaceRef::from_arm_id(id).map_or_else(
            |_| {
                id.trim_end_matches('/')
                    .rsplit('/')
                    .next()
                    .unwrap_or(id)
                    .to_owned()
            },
            |workspace| workspace.name,
        )
    }

    /// The key the hosts file a workspace's results under: ARM ids compare without case, so
    /// two spellings of one id have one key.
    pub fn key_of(id: &str) -> String {
        id.to_lowercase()
    }

    /// Reads what a user typed to name a workspace: an ARM id, or `SUBSCRIPTION/GROUP/NAME`.
    /// `Ok(None)` means a bare name, which the caller looks up among the user's workspaces.
    pub fn parse_reference(given: &str) -> Result<Option<Self>> {
        if given.starts_with('/') {
            return WorkspaceRef::from_arm_id(given).map(Some);
        }
        let refuse = || {
            Error::invalid_input(format!(
                "'{}' does not name a workspace.",
                given.escape_debug()
            ))
            .with_remedy(
                "Give the workspace's ARM id, SUBSCRIPTION/RESOURCE_GROUP/NAME, or just its name.",
            )
        };
        let parts: Vec<&str> = given.split('/').collect();
        match parts.as_slice() {
            [subscription, group, name] => {
                for part in [subscription, group, name] {
                    check_segment(part).map_err(|_| refuse())?;
                }
                Ok(Some(WorkspaceRef::new(*subscription, *group, *name)))
            }
            [name] => {
                check_segment(name).map_err(|_| refuse())?;
                Ok(None)
            }
            _ => Err(refuse()),
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

/// The longest name pfrm puts into one path segment. Azure's longest resource names are 260
/// characters; user principal names are shorter.
pub const MAX_SEGMENT_LEN: usize = 260;

/// Checks that `segment` can stand as one path segment naming one thing: not empty, not `.` or
/// `..` (which URL parsing would resolve away, reaching the collection or its parent), no `/`
/// or `\` (encoded or not), no control character, at most [`MAX_SEGMENT_LEN`] bytes.
pub fn check_segment(segment: &str) -> Result<()> {
    check_name("name", segment)
}

/// [`check_segment`] for a name the user gave, saying what it names (`runtime name`, `compute
/// instance`, ...). Operations call it first, so a bad name is refused before any request.
pub fn check_name(what: &str, segment: &str) -> Result<()> {
    let lower = segment.to_ascii_lowercase();
    let problem = if segment.trim().is_empty() {
        Some("a name cannot be empty")
    } else if segment == "." || segment == ".." {
        Some("'.' and '..' are not names")
    } else if segment.contains(['/', '\\']) || lower.contains("%2f") || lower.contains("%5c") {
        Some("a name cannot contain '/' or '\\'")
    } else if segment.chars().any(char::is_control) {
        Some("a name cannot contain control characters")
    } else if segment.len() > MAX_SEGMENT_LEN {
        Some("the name is too long")
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(problem) => {
            let shown: String = segment.chars().take(80).collect();
            Err(Error::invalid_input(format!(
                "'{}' cannot be used as a {what}: {problem}.",
                shown.escape_debug()
            ))
            .with_remedy("Check the name you typed; names come from the lists pfrm shows (for example `pfrm runtime list`).")
            .with_detail("name", shown))
        }
    }
}

/// `base` with `segments` appended, each checked with [`check_segment`] and percent-encoded as
/// one path segment, so a name can never add or remove a path level or add a query. Every client
/// builds its URLs here, so a bad name is refused before any request is sent.
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
            check_segment(segment)?;
            path.push(segment);
        }
    }
    Ok(url)
}

/// Splits an ARM id or scope into its segments. Only the leading and trailing `/` are dropped:
/// an empty segment inside (`a//b`) is kept, so [`url_with_segments`] refuses it.
pub(crate) fn id_segments(id: &str) -> impl Iterator<Item = &str> {
    let inner = id.strip_prefix('/').unwrap_or(id);
    let inner = inner.strip_suffix('/').unwrap_or(inner);
    inner.split('/').filter(move |_| !inner.is_empty())
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
    fn ids_that_are_not_exactly_a_workspace_are_refused() {
        for id in [
            "/subscriptions/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/workspaces/w",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/registries/w",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w/computes/c",
            "/subscriptions/s/resourceGroups/../providers/Microsoft.MachineLearningServices/workspaces/w",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/.",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/%2F",
            "/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/",
            "subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w",
            "/x/subscriptions/s/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w",
        ] {
            let error = WorkspaceRef::from_arm_id(id).unwrap_err();
            assert_eq!(error.code, crate::ErrorCode::InvalidInput, "{id}");
        }
    }

    #[test]
    fn workspace_references_are_ids_triples_or_bare_names() {
        let id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
        assert_eq!(
            WorkspaceRef::parse_reference(id).unwrap(),
            Some(WorkspaceRef::new("s1", "rg", "ws"))
        );
        assert_eq!(
            WorkspaceRef::parse_reference("s1/rg/ws").unwrap(),
            Some(WorkspaceRef::new("s1", "rg", "ws"))
        );
        assert_eq!(WorkspaceRef::parse_reference("ws").unwrap(), None);
        for bad in [
            "",
            "..",
            "s1/../ws",
            "s1//ws",
            "a/b",
            "a/b/c/d",
            "s1/rg/ws\n",
        ] {
            assert!(WorkspaceRef::parse_reference(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_that_would_change_the_path_are_refused_before_any_call() {
        let base = Url::parse("https://management.azure.com").unwrap();
        let long = "a".repeat(MAX_SEGMENT_LEN + 1);
        for bad in [
            "", " ", ".", "..", "a/b", "a%2Fb", "a%2fb", "a\\b", "a\u{0}b", "a\nb", &long,
        ] {
            let error = url_with_segments(&base, ["users", bad]).unwrap_err();
            assert_eq!(error.code, crate::ErrorCode::InvalidInput, "{bad:?}");
            assert_eq!(error.code.exit_code(), 2);
        }
        assert!(url_with_segments(&base, ["users", &"a".repeat(MAX_SEGMENT_LEN)]).is_ok());
        assert!(url_with_segments(&base, ["users", "..."]).is_ok());
        // Interior empty segments of a scope are kept, and refused.
        assert!(url_with_segments(&base, id_segments("/subscriptions//resourceGroups/r")).is_err());
        assert_eq!(
            id_segments("/subscriptions/s/").collect::<Vec<_>>(),
            ["subscriptions", "s"]
        );
        assert_eq!(id_segments("").count(), 0);
    }

    #[test]
    fn segments_are_encoded_one_by_one() {
        let base = Url::parse("https://management.azure.com").unwrap();
        let url = url_with_segments(
            &base,
            ["users", "bob_contoso.com#EXT#@x.onmicrosoft.com", "a?b c"],
        )
        .unwrap();
        assert_eq!(
            url.as_str(),
            "https://management.azure.com/users/bob_contoso.com%23EXT%23@x.onmicrosoft.com/a%3Fb%20c"
        );
    }
}
