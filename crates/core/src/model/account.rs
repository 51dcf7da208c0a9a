use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// A directory (Entra ID tenant) the signed-in account can use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub tenant_id: String,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub default_domain: Option<String>,
}

/// An Azure subscription the signed-in account can see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Subscription {
    /// ARM id (`/subscriptions/{guid}`).
    pub id: String,
    pub subscription_id: String,
    pub display_name: String,
    pub tenant_id: Option<String>,
    /// `Enabled`, `Warned`, `PastDue`, `Disabled`, `Deleted` (or a newer value, shown as is).
    pub state: String,
    /// Whether resources in it can be used (`Enabled`, `Warned` or `PastDue`).
    pub usable: bool,
}
