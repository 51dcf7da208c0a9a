use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of AzureML workspace this is (`kind`, compared case-insensitively).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
pub enum WorkspaceKind {
    Default,
    Hub,
    Project,
    FeatureStore,
    #[serde(other)]
    Other,
}

impl WorkspaceKind {
    pub fn parse(text: Option<&str>) -> Self {
        match text.map(str::to_ascii_lowercase).as_deref() {
            None | Some("") | Some("default") => WorkspaceKind::Default,
            Some("hub") => WorkspaceKind::Hub,
            Some("project") => WorkspaceKind::Project,
            Some("featurestore") => WorkspaceKind::FeatureStore,
            Some(_) => WorkspaceKind::Other,
        }
    }
}

/// Workspace settings that decide whether prompt flow runtimes can be used there.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceFlags {
    /// `enableDataIsolation`: prompt flow is not supported.
    pub data_isolation: bool,
    /// A project created under a hub (`hubResourceId` set or kind `Project`).
    pub hub_project: bool,
    /// `publicNetworkAccess == Disabled`.
    pub public_network_disabled: bool,
    /// At least one approved private endpoint connection.
    pub private_endpoint: bool,
    /// Managed virtual network isolation is on (`isolationMode` other than `Disabled`).
    pub managed_network_isolated: bool,
}

impl WorkspaceFlags {
    /// Any form of network isolation, which the runtime set-up must warn about.
    pub fn network_isolated(&self) -> bool {
        self.public_network_disabled || self.private_endpoint || self.managed_network_isolated
    }
}

/// One AzureML workspace as the picker and preflight show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct WorkspaceSummary {
    /// ARM id.
    pub id: String,
    pub name: String,
    pub subscription_id: String,
    pub resource_group: String,
    /// Region (`eastus`), which also selects the flow service host.
    pub location: String,
    pub kind: WorkspaceKind,
    /// The service's own `kind` text, kept for display when it is not a known kind.
    pub kind_text: Option<String>,
    /// Immutable workspace GUID used in `azureml://` asset ids.
    pub workspace_id: Option<String>,
    pub discovery_url: Option<String>,
    pub friendly_name: Option<String>,
    pub flags: WorkspaceFlags,
}

#[cfg(test)]
impl WorkspaceSummary {
    /// The plain workspace the unit tests start from: `ws` in resource group `rg` of
    /// subscription `s`, in `eastus`, a default (not hub) workspace with no isolation.
    pub(crate) fn sample() -> WorkspaceSummary {
        WorkspaceSummary {
            id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws".into(),
            name: "ws".into(),
            subscription_id: "s".into(),
            resource_group: "rg".into(),
            location: "eastus".into(),
            kind: WorkspaceKind::Default,
            kind_text: None,
            workspace_id: None,
            discovery_url: None,
            friendly_name: None,
            flags: WorkspaceFlags::default(),
        }
    }
}
