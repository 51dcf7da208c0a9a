//! Seeded worlds. Named scenarios are JSON files in `crates/emulator/scenarios/`; `fleet` is generated.

use anyhow::{anyhow, Context, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    /// Tenant id of the tenant named in the ready file (the first tenant when empty).
    pub default_tenant_id: String,
    pub tenants: Vec<TenantSeed>,
    pub users: Vec<UserSeed>,
    /// Extra public clients accepted by the authority (the Azure CLI client id is always accepted).
    pub clients: Vec<ClientSeed>,
    pub subscriptions: Vec<SubscriptionSeed>,
    pub workspaces: Vec<WorkspaceSeed>,
    pub role_assignments: Vec<RoleAssignmentSeed>,
    /// VM quota per region (a generous default everywhere else).
    pub quotas: Vec<crate::prerequisites::QuotaSeed>,
    /// Registry tags for promptflow-runtime-stable (a realistic default list when empty).
    pub registry_tags: Vec<String>,
    pub settings: SettingsSeed,
    /// The world's calendar date (`YYYY-MM-DD`), handed to clients in the ready file so the
    /// prompt flow retirement can be shown as of that day; the real date when unset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct TenantSeed {
    pub tenant_id: String,
    pub display_name: String,
    pub default_domain: String,
    pub country_code: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct UserSeed {
    pub user_name: String,
    pub display_name: String,
    pub object_id: String,
    /// Home tenant.
    pub tenant_id: String,
    /// Other tenants the user is a guest in (same object id there, for simplicity).
    pub guest_of: Vec<String>,
    pub mail: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub job_title: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ClientSeed {
    pub client_id: String,
    /// Registered redirect URIs; for `http://localhost` / `http://127.0.0.1` any port matches.
    pub redirect_uris: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SubscriptionSeed {
    pub subscription_id: String,
    pub display_name: String,
    pub tenant_id: String,
    pub state: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct WorkspaceSeed {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub kind: Option<String>,
    pub friendly_name: Option<String>,
    pub enable_data_isolation: bool,
    pub hub_resource_id: Option<String>,
    pub public_network_access: Option<String>,
    /// Status of one private endpoint connection (`Approved`, `Pending`, ...), none when unset.
    pub private_endpoint_status: Option<String>,
    pub managed_network_isolation: Option<String>,
    /// `AzureBlob` (default), `AzureFile`, `AzureDataLakeGen2`, ...
    pub default_datastore_type: Option<String>,
    /// Create the `workspaceworkingdirectory` datastore (default true).
    pub working_directory_datastore: Option<bool>,
    pub compute_instances: Vec<ComputeInstanceSeed>,
    pub environments: Vec<EnvironmentSeed>,
    pub online_endpoints: Vec<OnlineEndpointSeed>,
    pub runtimes: Vec<RuntimeSeed>,
    /// Storage, managed network and identity-role seeds for the preflight's deeper checks.
    #[serde(flatten)]
    pub prerequisites: crate::prerequisites::PrerequisiteSeed,
    /// Flows, sessions, connections and flow deployments; the built-in scenarios add them.
    #[serde(skip_serializing_if = "crate::prompt_flow::Assets::is_empty")]
    pub prompt_flow: crate::prompt_flow::Assets,
}

/// A managed online endpoint: its name alone (it has a system-assigned identity), or the name
/// with the endpoint's identity type (`ManagedServiceIdentity.type`: `SystemAssigned`,
/// `UserAssigned` or `None`).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum OnlineEndpointSeed {
    Name(String),
    WithIdentity { name: String, identity: String },
}

impl OnlineEndpointSeed {
    pub fn name(&self) -> &str {
        match self {
            OnlineEndpointSeed::Name(name) | OnlineEndpointSeed::WithIdentity { name, .. } => name,
        }
    }

    /// The identity type, `SystemAssigned` unless the scenario names another.
    pub fn identity(&self) -> &str {
        match self {
            OnlineEndpointSeed::Name(_) => "SystemAssigned",
            OnlineEndpointSeed::WithIdentity { identity, .. } => identity,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct ComputeInstanceSeed {
    pub name: String,
    /// User name (UPN) of the assigned user.
    pub assigned_to: String,
    /// `Running` (default), `Stopped`, ...
    pub state: Option<String>,
    pub vm_size: Option<String>,
    /// Raw `CustomService` objects already on the instance.
    pub custom_services: Vec<Value>,
    /// Runtimes started on this instance fail (with a status message) instead of running.
    pub fail_runtime_start: bool,
    /// Runtimes created or updated on this instance end `Failed` with this trouble's message
    /// (one of `troubles::NAMES`).
    pub runtime_failure: Option<String>,
    /// `idleTimeBeforeShutdown` (ISO 8601, `PT60M`); absent: idle shutdown is off.
    pub idle_shutdown: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentSeed {
    pub name: String,
    pub description: Option<String>,
    pub versions: Vec<EnvironmentVersionSeed>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct EnvironmentVersionSeed {
    pub version: String,
    /// Image-based environment.
    pub image: Option<String>,
    /// Build-context environment: the Dockerfile's base image tag (kept for `needUpgrade`).
    pub base_image: Option<String>,
    /// Whether `image` is in its registry (default true); false registers a tag never pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_pushed: Option<bool>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RuntimeSeed {
    pub name: String,
    pub compute_instance: String,
    /// Image tag of the runtime image (the default environment's image at that tag).
    pub image_tag: Option<String>,
    /// Environment asset id for custom-environment runtimes.
    pub environment: Option<String>,
    pub status: Option<String>,
    pub description: Option<String>,
    /// The runtime starts `Failed` with this trouble's message (one of `troubles::NAMES`).
    pub failure: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct RoleAssignmentSeed {
    /// User name (UPN) or object id.
    pub principal: String,
    /// Role name (`AzureML Data Scientist`, `Owner`, ...) or role definition GUID.
    pub role: String,
    /// A full ARM scope; or use `workspace` / `resourceGroup` / `subscription` below.
    pub scope: Option<String>,
    pub workspace: Option<String>,
    pub resource_group: Option<String>,
    pub subscription: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
pub struct SettingsSeed {
    /// Seconds (at time scale 1) before a new role assignment counts in permission checks.
    pub role_assignment_propagation_seconds: Option<f64>,
    /// Principal ids for which role assignment creation answers 400 PrincipalNotFound.
    pub principal_not_found: Vec<String>,
    /// How ARM answers long-running operations (default: both headers, Retry-After seconds).
    pub lro_pattern: Option<crate::LroPattern>,
}

const DEFAULTS: &str = include_str!("../scenarios/defaults.json");
const FIRST_TIME: &str = include_str!("../scenarios/first-time.json");
const RETURNING: &str = include_str!("../scenarios/returning.json");
const BLOCKED: &str = include_str!("../scenarios/blocked.json");
const TROUBLED: &str = include_str!("../scenarios/troubled.json");

impl Scenario {
    /// Names accepted by [`Scenario::by_name`] (`fleet` takes `fleet:S:W:R`, default 2×3×4).
    pub const NAMES: [&'static str; 5] =
        ["first-time", "returning", "blocked", "troubled", "fleet"];

    pub fn by_name(name: &str) -> Result<Scenario> {
        let text = match name {
            "first-time" => FIRST_TIME,
            "returning" => return Self::returning(),
            "blocked" => BLOCKED,
            "troubled" => TROUBLED,
            "fleet" => return Ok(Scenario::fleet(2, 3, 4)),
            // The returning user's world on the day after prompt flow's retirement.
            "retiring" => {
                let mut scenario = Self::returning()?;
                scenario.name = "retiring".into();
                scenario.description =
                    "The returning user's workspace on 2027-04-21, the day after prompt flow retired"
                        .into();
                scenario.today = Some("2027-04-21".into());
                return Ok(scenario);
            }
            other => {
                if let Some(args) = other.strip_prefix("fleet:") {
                    let n: Vec<usize> = args
                        .split(':')
                        .map(|s| s.parse::<usize>())
                        .collect::<Result<_, _>>()
                        .with_context(|| format!("fleet arguments in {other:?}"))?;
                    if n.len() != 3 {
                        return Err(anyhow!("fleet takes fleet:S:W:R, got {other:?}"));
                    }
                    return Ok(Scenario::fleet(n[0], n[1], n[2]));
                }
                return Err(anyhow!(
                    "unknown scenario {other:?}; known: first-time, returning, retiring, blocked, troubled, fleet[:S:W:R]"
                ));
            }
        };
        Self::from_json(text)
    }

    /// The returning user's world with its prompt flow assets.
    fn returning() -> Result<Scenario> {
        let mut scenario = Self::from_json(RETURNING)?;
        let mut assets = crate::prompt_flow::returning_assets();
        for workspace in &mut scenario.workspaces {
            if let Some(found) = assets.remove(&workspace.name) {
                workspace.prompt_flow = found;
            }
        }
        Ok(scenario)
    }

    /// What every scenario has unless it says otherwise (`scenarios/defaults.json`): the Azure
    /// CLI's client and the runtime image tags.
    pub fn defaults() -> Scenario {
        Self::from_json(DEFAULTS).expect("built-in defaults parse")
    }

    pub fn from_json(text: &str) -> Result<Scenario> {
        serde_json::from_str(text).context("scenario JSON")
    }

    pub fn from_file(path: &std::path::Path) -> Result<Scenario> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading scenario {}", path.display()))?;
        Self::from_json(&text)
    }

    /// A large world: `subscriptions` × `workspaces` (each with one compute instance for Alice)
    /// × `runtimes` per workspace.
    pub fn fleet(subscriptions: usize, workspaces: usize, runtimes: usize) -> Scenario {
        let mut scenario = Self::from_json(FIRST_TIME).expect("built-in scenario parses");
        scenario.name = format!("fleet:{subscriptions}:{workspaces}:{runtimes}");
        scenario.description = format!(
            "{subscriptions} subscriptions x {workspaces} workspaces x {runtimes} runtimes for Alice"
        );
        let tenant = scenario.default_tenant_id.clone();
        let old_tags = ["20240111.v2", "20240429.v8", "20240529.v9", "20251211.v12"];
        scenario.subscriptions.clear();
        scenario.workspaces.clear();
        scenario.role_assignments.clear();
        for s in 0..subscriptions {
            let sub_id = format!("5f1e0000-0000-4000-8000-{:012}", s + 1);
            scenario.subscriptions.push(SubscriptionSeed {
                subscription_id: sub_id.clone(),
                display_name: format!("Fleet subscription {}", s + 1),
                tenant_id: tenant.clone(),
                state: None,
            });
            // Reader: the preflight reads the storage accounts and the region's quota.
            for role in [
                "AzureML Data Scientist",
                "AzureML Compute Operator",
                "Reader",
            ] {
                scenario.role_assignments.push(RoleAssignmentSeed {
                    principal: "alice@contoso.com".into(),
                    role: role.into(),
                    subscription: Some(sub_id.clone()),
                    ..Default::default()
                });
            }
            for w in 0..workspaces {
                let ci = format!("ci-alice-{}", w + 1);
                scenario.workspaces.push(WorkspaceSeed {
                    subscription_id: sub_id.clone(),
                    resource_group: format!("rg-fleet-{}", s + 1),
                    name: format!("ws-fleet-{}-{}", s + 1, w + 1),
                    location: if w % 2 == 0 { "eastus" } else { "westeurope" }.into(),
                    compute_instances: vec![ComputeInstanceSeed {
                        name: ci.clone(),
                        assigned_to: "alice@contoso.com".into(),
                        ..Default::default()
                    }],
                    // Each workspace's own flows (up to three), their connections and one unused.
                    prompt_flow: crate::prompt_flow::fleet_assets(
                        &format!("ws-fleet-{}-{}", s + 1, w + 1),
                        (s + w) % 3 + 1,
                    ),
                    runtimes: (0..runtimes)
                        .map(|r| RuntimeSeed {
                            name: format!("rt-{}", r + 1),
                            compute_instance: ci.clone(),
                            image_tag: Some(old_tags[r % old_tags.len()].into()),
                            ..Default::default()
                        })
                        .collect(),
                    ..Default::default()
                });
            }
        }
        scenario
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_name_the_azure_cli_client_and_a_tag_list_where_lexical_order_misleads() {
        let defaults = Scenario::defaults();
        assert_eq!(defaults.clients[0].client_id, crate::DEFAULT_CLIENT_ID);
        assert_eq!(
            defaults.clients[0].redirect_uris,
            ["http://localhost", "http://127.0.0.1"]
        );
        let tags = &defaults.registry_tags;
        assert!(tags.contains(&"20240529.v10".to_string()));
        assert!(tags.contains(&"latest".to_string()));
        // v10 sorts before v9 as text, after it as a version.
        let newest = tags
            .iter()
            .filter_map(|t| crate::state::parse_tag(t).map(|k| (k, t)))
            .max()
            .map(|(_, t)| t.as_str());
        assert_eq!(newest, Some("20251211.v12"));
    }
}
