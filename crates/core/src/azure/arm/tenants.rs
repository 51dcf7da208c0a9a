//! Directories (tenants) and subscriptions the account can see: the first ARM calls of a
//! session, made before any workspace is known.

use serde::{Deserialize, Serialize};

use super::{api_versions, ArmClient};
use crate::error::Result;
use crate::http::Method;
use crate::model::{Subscription, Tenant};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantDto {
    pub id: Option<String>,
    pub tenant_id: String,
    pub display_name: Option<String>,
    pub default_domain: Option<String>,
    pub tenant_category: Option<String>,
    pub domains: Option<Vec<String>>,
}

impl From<&TenantDto> for Tenant {
    fn from(dto: &TenantDto) -> Self {
        Tenant {
            tenant_id: dto.tenant_id.clone(),
            display_name: dto.display_name.clone(),
            default_domain: dto.default_domain.clone(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionDto {
    pub id: String,
    pub subscription_id: String,
    pub display_name: Option<String>,
    pub tenant_id: Option<String>,
    pub state: Option<String>,
}

impl From<&SubscriptionDto> for Subscription {
    fn from(dto: &SubscriptionDto) -> Self {
        let state = dto.state.clone().unwrap_or_else(|| "Unknown".into());
        Subscription {
            id: dto.id.clone(),
            subscription_id: dto.subscription_id.clone(),
            display_name: dto
                .display_name
                .clone()
                .unwrap_or_else(|| dto.subscription_id.clone()),
            tenant_id: dto.tenant_id.clone(),
            usable: ["enabled", "warned", "pastdue"].contains(&state.to_ascii_lowercase().as_str()),
            state,
        }
    }
}

impl ArmClient {
    pub async fn list_tenants(&self) -> Result<Vec<TenantDto>> {
        let request = self.request(
            Method::GET,
            ["tenants"],
            api_versions::RESOURCES,
            "list your directories",
        )?;
        self.list(request).await
    }

    pub async fn list_subscriptions(&self) -> Result<Vec<SubscriptionDto>> {
        let request = self.request(
            Method::GET,
            ["subscriptions"],
            api_versions::RESOURCES,
            "list your subscriptions",
        )?;
        self.list(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscription_usability_follows_its_state() {
        let dto = |state: &str| SubscriptionDto {
            id: "/subscriptions/s".into(),
            subscription_id: "s".into(),
            display_name: None,
            tenant_id: None,
            state: Some(state.into()),
        };
        assert!(Subscription::from(&dto("Enabled")).usable);
        assert!(Subscription::from(&dto("PastDue")).usable);
        assert!(!Subscription::from(&dto("Disabled")).usable);
        assert_eq!(Subscription::from(&dto("Enabled")).display_name, "s");
    }
}
