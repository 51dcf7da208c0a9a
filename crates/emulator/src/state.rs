//! The emulated world: directory, subscriptions, workspaces and everything in them, plus the
//! identity platform's grants. Resources are kept in their ARM JSON shapes, seeded from the
//! official `x-ms-examples` responses and then given the scenario's names and ids.

use crate::scenario::{ComputeInstanceSeed, Scenario, WorkspaceSeed};
use anyhow::{anyhow, Result};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

pub const RUNTIME_IMAGE_REPO: &str =
    "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable";
pub const REGISTRY_REPO: &str = "azureml/promptflow/promptflow-runtime-stable";
pub const MLS: &str = "Microsoft.MachineLearningServices";

const EX_COMPUTE: &str = include_str!("../seed/examples/Compute_get_ComputeInstance.json");
const EX_WORKSPACE: &str = include_str!("../seed/examples/Workspace_get.json");
const EX_DATASTORE: &str = include_str!("../seed/examples/Datastore_get.json");
const EX_ENV_VERSION: &str = include_str!("../seed/examples/EnvironmentVersion_get.json");
const EX_ENV_CONTAINER: &str = include_str!("../seed/examples/EnvironmentContainer_get.json");
const EX_ENDPOINT: &str = include_str!("../seed/examples/OnlineEndpoint_get.json");
const EX_SUBSCRIPTION: &str = include_str!("../seed/examples/GetSubscription.json");
const EX_TENANTS: &str = include_str!("../seed/examples/GetTenants.json");

/// The 200 response body of an official example file.
fn example_body(text: &str) -> Value {
    let v: Value = serde_json::from_str(text).expect("bundled example parses");
    v["responses"]["200"]["body"].clone()
}

pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

#[derive(Debug, Clone)]
pub struct Tenant {
    pub tenant_id: String,
    pub display_name: String,
    pub default_domain: String,
    pub country_code: String,
}

#[derive(Debug, Clone)]
pub struct User {
    pub user_name: String,
    pub display_name: String,
    pub object_id: String,
    pub tenant_id: String,
    pub guest_of: Vec<String>,
    pub mail: Option<String>,
    pub given_name: Option<String>,
    pub surname: Option<String>,
    pub job_title: Option<String>,
}

impl User {
    pub fn in_tenant(&self, tenant: &str) -> bool {
        self.tenant_id.eq_ignore_ascii_case(tenant)
            || self.guest_of.iter().any(|t| t.eq_ignore_ascii_case(tenant))
    }
}

#[derive(Debug, Clone)]
pub struct Subscription {
    pub subscription_id: String,
    pub display_name: String,
    pub tenant_id: String,
    pub state: String,
}

/// A pending compute state change.
#[derive(Debug, Clone)]
pub struct Pending {
    pub final_state: &'static str,
    pub operation: &'static str,
    pub at: Instant,
    /// Remove the compute when done (delete).
    pub remove: bool,
    /// The operation fails: the state returns to `final_state` with `{operation}Failed`.
    pub failed: bool,
    /// The resource's `provisioningState` once done: `Succeeded` for actions, which leave the
    /// resource as it was; `Failed` or `Canceled` for a create or delete that did not succeed.
    pub provisioning_state: &'static str,
}

#[derive(Debug, Clone)]
pub struct Compute {
    pub value: Value,
    pub pending: Option<Pending>,
    pub fail_runtime_start: bool,
    /// See `ComputeInstanceSeed::runtime_failure`.
    pub runtime_failure: Option<String>,
}

impl Compute {
    pub fn name(&self) -> &str {
        self.value["name"].as_str().unwrap_or_default()
    }
    pub fn state(&self) -> &str {
        self.value["properties"]["properties"]["state"]
            .as_str()
            .unwrap_or("Unknown")
    }
    pub fn set_state(&mut self, state: &str) {
        self.value["properties"]["properties"]["state"] = json!(state);
    }
    pub fn assigned_user(&self) -> Option<(String, String)> {
        let user = &self.value["properties"]["properties"]["personalComputeInstanceSettings"]
            ["assignedUser"];
        Some((
            user["objectId"].as_str()?.to_string(),
            user["tenantId"].as_str()?.to_string(),
        ))
    }
    pub fn custom_services(&self) -> Vec<Value> {
        self.value["properties"]["properties"]["customServices"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }
    pub fn set_custom_services(&mut self, services: Vec<Value>) {
        self.value["properties"]["properties"]["customServices"] = Value::Array(services);
    }
}

#[derive(Debug, Clone)]
pub struct EnvVersion {
    pub container: String,
    pub version: String,
    pub value: Value,
    /// For build-context environments: the Dockerfile's base image tag.
    pub base_tag: Option<String>,
}

#[derive(Debug, Clone)]
pub enum RuntimeOutcome {
    Running,
    Failed(String),
}

#[derive(Debug, Clone)]
pub struct Runtime {
    pub dto: Value,
    /// When the current start/update finishes, and how.
    pub ready_at: Option<(Instant, RuntimeOutcome)>,
    /// When a delete in progress removes the runtime.
    pub delete_at: Option<Instant>,
}

impl Runtime {
    pub fn name(&self) -> &str {
        self.dto["runtimeName"].as_str().unwrap_or_default()
    }
}

#[derive(Debug, Clone)]
pub struct Workspace {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub value: Value,
    pub computes: Vec<Compute>,
    pub datastores: Vec<Value>,
    pub env_containers: Vec<Value>,
    pub env_versions: Vec<EnvVersion>,
    pub endpoints: Vec<Value>,
    pub runtimes: Vec<Runtime>,
    /// Flows, their sessions, connections and flow deployments (see `prompt_flow`).
    pub prompt_flow: crate::prompt_flow::Assets,
}

impl Workspace {
    pub fn id(&self) -> String {
        workspace_id(&self.subscription_id, &self.resource_group, &self.name)
    }
    pub fn workspace_guid(&self) -> String {
        self.value["properties"]["workspaceId"]
            .as_str()
            .unwrap_or_default()
            .to_string()
    }
    pub fn compute_mut(&mut self, name: &str) -> Option<&mut Compute> {
        self.computes
            .iter_mut()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
    pub fn compute(&self, name: &str) -> Option<&Compute> {
        self.computes
            .iter()
            .find(|c| c.name().eq_ignore_ascii_case(name))
    }
}

pub fn workspace_id(sub: &str, rg: &str, ws: &str) -> String {
    format!("/subscriptions/{sub}/resourceGroups/{rg}/providers/{MLS}/workspaces/{ws}")
}

#[derive(Debug, Clone)]
pub struct RoleAssignment {
    pub name: String,
    pub scope: String,
    pub role_definition_guid: String,
    pub principal_id: String,
    pub principal_type: String,
    pub description: Option<String>,
    pub created_on: String,
    pub created_by: String,
    /// Permission checks count the assignment from this moment (propagation delay).
    pub effective_at: Instant,
}

#[derive(Debug, Clone)]
pub struct Lro {
    pub id: String,
    pub done_at: Instant,
    pub start_time: String,
    pub failure: Option<(String, String)>,
    /// Ends as `Canceled` (someone cancelled it in Azure) instead of `Succeeded`.
    pub canceled: bool,
}

/// How ARM answers a long-running operation: which URLs it names to follow and how it asks
/// clients to pace their polls. ARM's asynchronous-operation rules allow each of these, and
/// Azure's services use all of them; tests pick one per scenario.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LroPattern {
    /// `Azure-AsyncOperation` and `Location`, `Retry-After` in seconds (the compute RP's way).
    #[default]
    AsyncAndLocation,
    /// `Azure-AsyncOperation` alone.
    AsyncOnly,
    /// `Location` alone: it answers 202 until the operation ends.
    LocationOnly,
    /// `Location` alone, and every 202 from it names a new `Location` to poll next.
    NewLocationPerPoll,
    /// No header at all on a create (PUT): the resource's `provisioningState` tells; actions
    /// (POST) still name a `Location`, as ARM requires of a 202.
    ProvisioningState,
    /// Both headers, with `Retry-After: 0` ("no preference": clients use their default).
    RetryAfterZero,
    /// Both headers, with `Retry-After` as an HTTP-date.
    RetryAfterDate,
}

/// A started authorization-code sign-in waiting for the user's form post.
#[derive(Debug, Clone)]
pub struct PendingSignIn {
    pub tenant: String,
    pub client_id: String,
    pub redirect_uri: String,
    pub state: Option<String>,
    pub scope: String,
    pub code_challenge: String,
    pub nonce: Option<String>,
    pub login_hint: Option<String>,
    pub created: Instant,
}

#[derive(Debug, Clone)]
pub struct AuthCode {
    pub client_id: String,
    pub redirect_uri: String,
    pub code_challenge: String,
    pub scope: String,
    pub user_object_id: String,
    pub tenant_id: String,
    pub nonce: Option<String>,
    pub expires: Instant,
}

#[derive(Debug, Clone)]
pub struct RefreshGrant {
    pub client_id: String,
    pub user_object_id: String,
    pub tenant_id: String,
    pub scope: String,
    pub expires: Instant,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceState {
    Pending,
    Approved { user_object_id: String },
    Denied,
}

#[derive(Debug, Clone)]
pub struct DeviceGrant {
    pub client_id: String,
    pub tenant: String,
    pub scope: String,
    pub user_code: String,
    pub state: DeviceState,
    pub expires: Instant,
    pub last_poll: Option<Instant>,
    pub interval: Duration,
}

#[derive(Default)]
pub struct AuthState {
    pub sign_ins: HashMap<String, PendingSignIn>,
    pub codes: HashMap<String, AuthCode>,
    pub refresh: HashMap<String, RefreshGrant>,
    pub devices: HashMap<String, DeviceGrant>,
    /// Refresh tokens no longer valid, with the reason (`rotated` or `revoked`).
    pub dead_refresh: HashMap<String, &'static str>,
    /// Authorization codes already redeemed.
    pub redeemed_codes: std::collections::HashSet<String>,
}

pub struct World {
    pub time_scale: f64,
    pub default_tenant_id: String,
    pub tenants: Vec<Tenant>,
    pub users: Vec<User>,
    pub clients: HashMap<String, Vec<String>>,
    pub subscriptions: Vec<Subscription>,
    pub workspaces: Vec<Workspace>,
    pub role_assignments: Vec<RoleAssignment>,
    pub lros: HashMap<String, Lro>,
    pub auth: AuthState,
    pub registry_tags: Vec<String>,
    pub principal_not_found: Vec<String>,
    pub propagation_delay: Duration,
    pub token_lifetime: Duration,
    pub page_size: usize,
    pub flow_endpoint: String,
    /// How the next long-running operation ends, when not in success.
    pub next_lro_ending: Option<crate::lro::LroEnding>,
    /// Every long-running operation's requests, newest last (see [`crate::lro::LroRecord`]).
    pub lro_records: Vec<crate::lro::LroRecord>,
    /// How long-running operations are answered.
    pub lro_pattern: LroPattern,
    /// Device-code polling interval announced to clients (seconds, unscaled).
    pub device_code_interval: u64,
    /// Device-code lifetime announced to clients (seconds, unscaled; expiry happens scaled).
    pub device_code_lifetime: u64,
}

pub const AZURE_CLI_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// A realistic tag list: the `YYYYMMDD.vN` scheme (with v10+ so lexical order misleads),
/// `latest`, and a few tags outside the scheme.
pub fn default_registry_tags() -> Vec<String> {
    [
        "20231204.v4",
        "20231218.v2",
        "20240111.v2",
        "20240116.v1",
        "20240205.v2",
        "20240228.v3",
        "20240319.v1",
        "20240411.v4",
        "20240429.v8",
        "20240529.v9",
        "20240529.v10",
        "20240619.v2",
        "20241001.v1",
        "20250213.v3",
        "20251211.v9",
        "20251211.v12",
        "latest",
        "stable",
        "1.0.0",
        "sha-3f2a9c1",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// Orders `YYYYMMDD.vN` tags by (date, N); other tags are not versions.
pub fn parse_tag(tag: &str) -> Option<(u32, u32)> {
    let (date, n) = tag.split_once(".v")?;
    if date.len() != 8 || !date.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((date.parse().ok()?, n.parse().ok()?))
}

impl World {
    pub fn scaled(&self, seconds: f64) -> Duration {
        Duration::from_secs_f64((seconds / self.time_scale).max(0.0))
    }

    pub fn latest_tag(&self) -> String {
        self.registry_tags
            .iter()
            .filter_map(|t| parse_tag(t).map(|k| (k, t)))
            .max()
            .map(|(_, t)| t.clone())
            .unwrap_or_else(|| "latest".into())
    }

    pub fn user_by_oid(&self, oid: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.object_id.eq_ignore_ascii_case(oid))
    }

    pub fn user_by_name(&self, name: &str) -> Option<&User> {
        self.users
            .iter()
            .find(|u| u.user_name.eq_ignore_ascii_case(name))
    }

    pub fn workspace(&self, sub: &str, rg: &str, ws: &str) -> Option<&Workspace> {
        self.workspaces.iter().find(|w| {
            w.subscription_id.eq_ignore_ascii_case(sub)
                && w.resource_group.eq_ignore_ascii_case(rg)
                && w.name.eq_ignore_ascii_case(ws)
        })
    }

    pub fn workspace_mut(&mut self, sub: &str, rg: &str, ws: &str) -> Option<&mut Workspace> {
        self.workspaces.iter_mut().find(|w| {
            w.subscription_id.eq_ignore_ascii_case(sub)
                && w.resource_group.eq_ignore_ascii_case(rg)
                && w.name.eq_ignore_ascii_case(ws)
        })
    }

    pub fn subscription(&self, sub: &str) -> Option<&Subscription> {
        self.subscriptions
            .iter()
            .find(|s| s.subscription_id.eq_ignore_ascii_case(sub))
    }

    /// Advances every pending state change whose time has come.
    pub fn tick(&mut self) {
        let now = Instant::now();
        for ws in &mut self.workspaces {
            for compute in &mut ws.computes {
                if let Some(p) = compute.pending.clone() {
                    if p.at <= now {
                        compute.pending = None;
                        compute.set_state(p.final_state);
                        compute.value["properties"]["properties"]["lastOperation"] = json!({
                            "operationName": p.operation,
                            "operationTime": now_rfc3339(),
                            "operationStatus": if p.failed { format!("{}Failed", p.operation) } else { "Succeeded".to_string() },
                            "operationTrigger": "User"
                        });
                        compute.value["properties"]["provisioningState"] =
                            json!(p.provisioning_state);
                        compute.value["properties"]["modifiedOn"] = json!(now_rfc3339());
                        if p.remove {
                            compute.value = Value::Null;
                        }
                    }
                }
            }
            ws.computes.retain(|c| !c.value.is_null());
            for rt in &mut ws.runtimes {
                if let Some((at, outcome)) = rt.ready_at.clone() {
                    if at <= now {
                        rt.ready_at = None;
                        rt.dto["modifiedOn"] = json!(now_rfc3339());
                        match outcome {
                            RuntimeOutcome::Running => {
                                rt.dto["status"] = json!("Running");
                                rt.dto["statusMessage"] = Value::Null;
                                rt.dto["error"] = Value::Null;
                            }
                            RuntimeOutcome::Failed(message) => {
                                rt.dto["status"] = json!("Failed");
                                rt.dto["statusMessage"] = json!(message);
                                rt.dto["error"] = crate::flow::flow_error_body(
                                    "UserError",
                                    "RuntimeStartFailed",
                                    &message,
                                    &ws.location,
                                );
                            }
                        }
                    }
                }
            }
            ws.runtimes
                .retain(|rt| rt.delete_at.is_none_or(|at| at > now));
        }
    }

    pub fn build(scenario: &Scenario, time_scale: f64, flow_endpoint: &str) -> Result<World> {
        let mut world = World {
            time_scale: if time_scale > 0.0 { time_scale } else { 1.0 },
            default_tenant_id: String::new(),
            tenants: vec![],
            users: vec![],
            clients: HashMap::new(),
            subscriptions: vec![],
            workspaces: vec![],
            role_assignments: vec![],
            lros: HashMap::new(),
            auth: AuthState::default(),
            registry_tags: if scenario.registry_tags.is_empty() {
                default_registry_tags()
            } else {
                scenario.registry_tags.clone()
            },
            principal_not_found: scenario.settings.principal_not_found.clone(),
            propagation_delay: Duration::ZERO,
            token_lifetime: Duration::from_secs(3600),
            page_size: 20,
            device_code_interval: 5,
            next_lro_ending: None,
            lro_records: Vec::new(),
            lro_pattern: scenario.settings.lro_pattern.unwrap_or_default(),
            device_code_lifetime: 900,
            flow_endpoint: flow_endpoint.trim_end_matches('/').to_string(),
        };
        world.registry_tags.sort();
        world.propagation_delay = world.scaled(
            scenario
                .settings
                .role_assignment_propagation_seconds
                .unwrap_or(0.0),
        );
        world.clients.insert(
            AZURE_CLI_CLIENT_ID.to_string(),
            vec!["http://localhost".into(), "http://127.0.0.1".into()],
        );
        for c in &scenario.clients {
            let uris = if c.redirect_uris.is_empty() {
                vec!["http://localhost".into(), "http://127.0.0.1".into()]
            } else {
                c.redirect_uris.clone()
            };
            world.clients.insert(c.client_id.to_ascii_lowercase(), uris);
        }
        for t in &scenario.tenants {
            world.tenants.push(Tenant {
                tenant_id: t.tenant_id.clone(),
                display_name: t.display_name.clone(),
                default_domain: t.default_domain.clone(),
                country_code: if t.country_code.is_empty() {
                    "US".into()
                } else {
                    t.country_code.clone()
                },
            });
        }
        if world.tenants.is_empty() {
            return Err(anyhow!("scenario {} has no tenants", scenario.name));
        }
        world.default_tenant_id = if scenario.default_tenant_id.is_empty() {
            world.tenants[0].tenant_id.clone()
        } else {
            scenario.default_tenant_id.clone()
        };
        for u in &scenario.users {
            world.users.push(User {
                user_name: u.user_name.clone(),
                display_name: u.display_name.clone(),
                object_id: u.object_id.clone(),
                tenant_id: u.tenant_id.clone(),
                guest_of: u.guest_of.clone(),
                mail: u.mail.clone(),
                given_name: u.given_name.clone(),
                surname: u.surname.clone(),
                job_title: u.job_title.clone(),
            });
        }
        for s in &scenario.subscriptions {
            world.subscriptions.push(Subscription {
                subscription_id: s.subscription_id.clone(),
                display_name: s.display_name.clone(),
                tenant_id: s.tenant_id.clone(),
                state: s.state.clone().unwrap_or_else(|| "Enabled".into()),
            });
        }
        for ws in &scenario.workspaces {
            let built = world.build_workspace(ws)?;
            world.workspaces.push(built);
        }
        for ra in &scenario.role_assignments {
            let principal = world
                .user_by_name(&ra.principal)
                .map(|u| u.object_id.clone())
                .unwrap_or_else(|| ra.principal.clone());
            let role = crate::rbac::role_by_name_or_id(&ra.role)
                .ok_or_else(|| anyhow!("unknown role {:?} in scenario", ra.role))?;
            let scope = if let Some(scope) = &ra.scope {
                scope.clone()
            } else if let Some(ws_name) = &ra.workspace {
                world
                    .workspaces
                    .iter()
                    .find(|w| w.name.eq_ignore_ascii_case(ws_name))
                    .map(|w| w.id())
                    .ok_or_else(|| anyhow!("role assignment names unknown workspace {ws_name}"))?
            } else if let (Some(rg), Some(sub)) = (&ra.resource_group, &ra.subscription) {
                format!("/subscriptions/{sub}/resourceGroups/{rg}")
            } else if let Some(sub) = &ra.subscription {
                format!("/subscriptions/{sub}")
            } else {
                return Err(anyhow!("role assignment for {} has no scope", ra.principal));
            };
            let name = uuid::Uuid::new_v5(
                &uuid::Uuid::NAMESPACE_URL,
                format!("{scope}|{principal}|{}", role.id).as_bytes(),
            )
            .to_string();
            world.role_assignments.push(RoleAssignment {
                name,
                scope,
                role_definition_guid: role.id.to_string(),
                principal_id: principal,
                principal_type: "User".into(),
                description: None,
                created_on: "2024-01-15T09:00:00.0000000Z".into(),
                created_by: String::new(),
                effective_at: Instant::now(),
            });
        }
        Ok(world)
    }

    fn build_workspace(&self, seed: &WorkspaceSeed) -> Result<Workspace> {
        let id = workspace_id(&seed.subscription_id, &seed.resource_group, &seed.name);
        let tenant_id = self
            .subscription(&seed.subscription_id)
            .map(|s| s.tenant_id.clone())
            .ok_or_else(|| anyhow!("workspace {} names an unknown subscription", seed.name))?;
        let guid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, id.to_lowercase().as_bytes())
            .to_string();
        let rg_id = format!(
            "/subscriptions/{}/resourceGroups/{}",
            seed.subscription_id, seed.resource_group
        );
        let short = seed.name.replace(['-', '_'], "").to_lowercase();
        let mut v = example_body(EX_WORKSPACE);
        v["id"] = json!(id);
        v["name"] = json!(seed.name);
        v["location"] = json!(seed.location);
        v["kind"] = json!(seed.kind.clone().unwrap_or_else(|| "Default".into()));
        v["identity"] = json!({"type": "SystemAssigned", "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, guid.as_bytes()).to_string(), "tenantId": tenant_id});
        v["tags"] = json!({});
        v["sku"] = json!({"name": "Basic", "tier": "Basic"});
        v["systemData"] = json!({"createdAt": "2024-01-10T08:00:00.000Z", "createdBy": "admin@contoso.com", "createdByType": "User", "lastModifiedAt": "2024-01-10T08:00:00.000Z", "lastModifiedBy": "admin@contoso.com", "lastModifiedByType": "User"});
        let p = &mut v["properties"];
        if let Some(obj) = p.as_object_mut() {
            for drop in [
                "encryption",
                "sharedPrivateLinkResources",
                "imageBuildCompute",
                "notebookInfo",
                "serviceProvisionedResourceGroup",
            ] {
                obj.remove(drop);
            }
        }
        p["workspaceId"] = json!(guid);
        p["tenantId"] = json!(tenant_id);
        p["friendlyName"] = json!(seed
            .friendly_name
            .clone()
            .unwrap_or_else(|| seed.name.clone()));
        p["description"] = json!("");
        p["discoveryUrl"] = json!(format!("{}/discovery", self.flow_endpoint));
        p["mlFlowTrackingUri"] = json!(format!(
            "azureml://{}.api.azureml.ms/mlflow/v1.0{}",
            seed.location, id
        ));
        p["storageAccount"] = json!(format!(
            "{rg_id}/providers/Microsoft.Storage/storageAccounts/st{short}"
        ));
        p["keyVault"] = json!(format!(
            "{rg_id}/providers/Microsoft.KeyVault/vaults/kv-{short}"
        ));
        p["applicationInsights"] = json!(format!(
            "{rg_id}/providers/Microsoft.insights/components/ai-{short}"
        ));
        p["containerRegistry"] = json!(format!(
            "{rg_id}/providers/Microsoft.ContainerRegistry/registries/cr{short}"
        ));
        p["provisioningState"] = json!("Succeeded");
        p["enableDataIsolation"] = json!(seed.enable_data_isolation);
        p["hbiWorkspace"] = json!(false);
        let public = seed
            .public_network_access
            .clone()
            .unwrap_or_else(|| "Enabled".into());
        p["publicNetworkAccess"] = json!(public);
        p["allowPublicAccessWhenBehindVnet"] = json!(false);
        p["v1LegacyMode"] = json!(false);
        p["managedNetwork"] = json!({"isolationMode": seed.managed_network_isolation.clone().unwrap_or_else(|| "Disabled".into())});
        match &seed.hub_resource_id {
            Some(hub) => p["hubResourceId"] = json!(hub),
            None => {
                if let Some(obj) = p.as_object_mut() {
                    obj.remove("hubResourceId");
                }
            }
        }
        let pecs: Vec<Value> = seed
            .private_endpoint_status
            .iter()
            .map(|status| {
                json!({
                    "id": format!("{id}/privateEndpointConnections/pe-{short}"),
                    "name": format!("pe-{short}"),
                    "type": "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "privateEndpoint": {"id": format!("{rg_id}/providers/Microsoft.Network/privateEndpoints/pe-{short}")},
                        "privateLinkServiceConnectionState": {"status": status, "description": "Auto-Approved", "actionsRequired": "None"}
                    }
                })
            })
            .collect();
        p["privateLinkCount"] = json!(pecs.len());
        p["privateEndpointConnections"] = Value::Array(pecs);

        let mut ws = Workspace {
            subscription_id: seed.subscription_id.clone(),
            resource_group: seed.resource_group.clone(),
            name: seed.name.clone(),
            location: seed.location.clone(),
            value: v,
            computes: vec![],
            datastores: vec![],
            env_containers: vec![],
            env_versions: vec![],
            endpoints: vec![],
            runtimes: vec![],
            prompt_flow: seed.prompt_flow.clone(),
        };
        let default_type = seed
            .default_datastore_type
            .clone()
            .unwrap_or_else(|| "AzureBlob".into());
        let storage = format!("st{short}");
        ws.datastores.push(datastore(
            &ws,
            "workspaceblobstore",
            "AzureBlob",
            default_type == "AzureBlob",
            &storage,
        ));
        if default_type != "AzureBlob" {
            ws.datastores.push(datastore(
                &ws,
                "workspacefilestore",
                &default_type,
                true,
                &storage,
            ));
        } else {
            ws.datastores.push(datastore(
                &ws,
                "workspacefilestore",
                "AzureFile",
                false,
                &storage,
            ));
        }
        if seed.working_directory_datastore.unwrap_or(true) {
            ws.datastores.push(datastore(
                &ws,
                "workspaceworkingdirectory",
                "AzureFile",
                false,
                &storage,
            ));
        }
        for ci in &seed.compute_instances {
            let compute = self.build_compute(&ws, ci, &tenant_id)?;
            ws.computes.push(compute);
        }
        for env in &seed.environments {
            let mut c = example_body(EX_ENV_CONTAINER);
            c["id"] = json!(format!("{id}/environments/{}", env.name));
            c["name"] = json!(env.name);
            c["properties"] = json!({
                "description": env.description.clone().unwrap_or_default(),
                "tags": {}, "properties": {}, "isArchived": false,
                "latestVersion": env.versions.last().map(|v| v.version.clone()).unwrap_or_default(),
                "nextVersion": (env.versions.len() + 1).to_string(),
                "provisioningState": "Succeeded"
            });
            ws.env_containers.push(c);
            for ver in &env.versions {
                let mut v = example_body(EX_ENV_VERSION);
                v["id"] = json!(format!(
                    "{id}/environments/{}/versions/{}",
                    env.name, ver.version
                ));
                v["name"] = json!(ver.version);
                v["type"] =
                    json!("Microsoft.MachineLearningServices/workspaces/environments/versions");
                let props = &mut v["properties"];
                props["description"] = json!(env.description.clone().unwrap_or_default());
                props["tags"] = json!({});
                props["properties"] = json!({});
                props["environmentType"] = json!("UserCreated");
                props["osType"] = json!("Linux");
                props["autoRebuild"] = json!("Disabled");
                props["provisioningState"] = json!("Succeeded");
                props["isArchived"] = json!(false);
                if let Some(obj) = props.as_object_mut() {
                    obj.remove("condaFile");
                    obj.remove("inferenceConfig");
                }
                match &ver.image {
                    Some(image) => {
                        props["image"] = json!(image);
                        if let Some(obj) = props.as_object_mut() {
                            obj.remove("build");
                        }
                    }
                    None => {
                        if let Some(obj) = props.as_object_mut() {
                            obj.remove("image");
                        }
                        props["build"] = json!({
                            "contextUri": format!("https://{storage}.blob.core.windows.net/azureml/LocalUpload/{}/{}/", env.name, ver.version),
                            "dockerfilePath": "Dockerfile"
                        });
                        props["inferenceConfig"] = json!({
                            "livenessRoute": {"path": "/health", "port": 8080},
                            "readinessRoute": {"path": "/health", "port": 8080},
                            "scoringRoute": {"path": "/score", "port": 8080}
                        });
                    }
                }
                ws.env_versions.push(EnvVersion {
                    container: env.name.clone(),
                    version: ver.version.clone(),
                    value: v,
                    base_tag: ver.base_image.clone(),
                });
            }
        }
        for name in &seed.online_endpoints {
            let mut e = example_body(EX_ENDPOINT);
            e["id"] = json!(format!("{id}/onlineEndpoints/{name}"));
            e["name"] = json!(name);
            e["type"] = json!("Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
            e["location"] = json!(seed.location);
            e["kind"] = json!("Managed");
            if let Some(obj) = e.as_object_mut() {
                obj.remove("sku");
            }
            e["identity"] = json!({
                "type": "SystemAssigned",
                "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{id}/{name}").as_bytes()).to_string(),
                "tenantId": tenant_id
            });
            e["properties"] = json!({
                "description": "", "properties": {}, "authMode": "AADToken",
                "scoringUri": format!("https://{name}.{}.inference.ml.azure.com/score", seed.location),
                "swaggerUri": format!("https://{name}.{}.inference.ml.azure.com/swagger.json", seed.location),
                "provisioningState": "Succeeded", "publicNetworkAccess": "Enabled", "traffic": {}
            });
            ws.endpoints.push(e);
        }
        let latest = self.latest_tag();
        for rt in &seed.runtimes {
            let compute = ws
                .compute(&rt.compute_instance)
                .ok_or_else(|| {
                    anyhow!(
                        "runtime {} names unknown compute {}",
                        rt.name,
                        rt.compute_instance
                    )
                })?
                .clone();
            let (oid, tid) = compute.assigned_user().unwrap_or_default();
            let owner = self.user_by_oid(&oid).cloned();
            let (image, environment) = match &rt.environment {
                Some(env) => {
                    let (name, version) =
                        crate::flow::parse_environment_ref(env).ok_or_else(|| {
                            anyhow!("runtime {} has unparseable environment", rt.name)
                        })?;
                    let asset = format!(
                        "azureml://locations/{}/workspaces/{}/environments/{name}/versions/{version}",
                        ws.location,
                        ws.workspace_guid()
                    );
                    (
                        crate::flow::built_env_image(&ws, &name, &version),
                        Some(asset),
                    )
                }
                None => (
                    format!(
                        "{RUNTIME_IMAGE_REPO}:{}",
                        rt.image_tag.clone().unwrap_or_else(|| latest.clone())
                    ),
                    None,
                ),
            };
            let port = crate::flow::next_published_port(&compute);
            let app = crate::flow::runtime_custom_service(&rt.name, &image, port, &ws);
            let mut dto = crate::flow::runtime_dto(
                &ws,
                &rt.name,
                &compute,
                owner.as_ref(),
                &tid,
                &image,
                environment.as_deref(),
                port,
                false,
                "2024-02-01T09:00:00.0000000+00:00",
            );
            dto["status"] = json!(rt.status.clone().unwrap_or_else(|| "Running".into()));
            dto["runtimeDescription"] = json!(rt.description.clone().unwrap_or_default());
            if let Some(failure) = &rt.failure {
                crate::troubles::fail_seeded(&mut dto, failure, &ws, &compute)?;
            }
            if let Some(c) = ws.compute_mut(&rt.compute_instance) {
                let mut services = c.custom_services();
                services.push(app);
                c.set_custom_services(services);
            }
            ws.runtimes.push(Runtime {
                dto,
                ready_at: None,
                delete_at: None,
            });
        }
        Ok(ws)
    }

    pub fn build_compute(
        &self,
        ws: &Workspace,
        seed: &ComputeInstanceSeed,
        tenant_id: &str,
    ) -> Result<Compute> {
        let user = self
            .user_by_name(&seed.assigned_to)
            .ok_or_else(|| anyhow!("compute {} assigned to unknown user", seed.name))?;
        let mut v = example_body(EX_COMPUTE);
        v["id"] = json!(format!("{}/computes/{}", ws.id(), seed.name));
        v["name"] = json!(seed.name);
        v["location"] = json!(ws.location);
        v["tags"] = json!({});
        v["identity"] = json!({"type": "SystemAssigned", "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{}/{}", ws.id(), seed.name).as_bytes()).to_string(), "tenantId": tenant_id});
        v["systemData"] = json!({"createdAt": "2024-01-12T10:00:00.000Z", "createdBy": user.user_name, "createdByType": "User", "lastModifiedAt": "2024-01-12T10:00:00.000Z", "lastModifiedBy": user.user_name, "lastModifiedByType": "User"});
        let p = &mut v["properties"];
        p["description"] = json!(format!("{}'s compute instance", user.display_name));
        p["computeLocation"] = json!(ws.location);
        p["createdOn"] = json!("2024-01-12T10:00:00.0000000+00:00");
        p["modifiedOn"] = json!("2024-01-12T10:00:00.0000000+00:00");
        p["isAttachedCompute"] = json!(false);
        p["disableLocalAuth"] = json!(true);
        let ci = &mut p["properties"];
        if let Some(obj) = ci.as_object_mut() {
            obj.remove("subnet");
            obj.remove("errors");
        }
        ci["vmSize"] = json!(seed
            .vm_size
            .clone()
            .unwrap_or_else(|| "STANDARD_DS3_V2".into()));
        ci["applicationSharingPolicy"] = json!("Personal");
        ci["sshSettings"] =
            json!({"sshPublicAccess": "Disabled", "adminUserName": "azureuser", "sshPort": 50000});
        ci["customServices"] = Value::Array(seed.custom_services.clone());
        ci["personalComputeInstanceSettings"] =
            json!({"assignedUser": {"objectId": user.object_id, "tenantId": user.tenant_id}});
        ci["createdBy"] = json!({"userName": user.user_name, "userOrgId": user.tenant_id, "userId": user.object_id});
        ci["connectivityEndpoints"] =
            json!({"publicIpAddress": "20.0.0.4", "privateIpAddress": "10.0.0.4"});
        ci["applications"] = json!([
            {"displayName": "Jupyter", "endpointUri": format!("https://{}.{}.instances.azureml.ms/tree/", seed.name, ws.location)},
            {"displayName": "Jupyter Lab", "endpointUri": format!("https://{}.{}.instances.azureml.ms/lab", seed.name, ws.location)}
        ]);
        ci["state"] = json!(seed.state.clone().unwrap_or_else(|| "Running".into()));
        ci["lastOperation"] = json!({"operationName": "Create", "operationTime": "2024-01-12T10:05:00.000Z", "operationStatus": "Succeeded", "operationTrigger": "User"});
        Ok(Compute {
            value: v,
            pending: None,
            fail_runtime_start: seed.fail_runtime_start,
            runtime_failure: match &seed.runtime_failure {
                Some(name) => {
                    crate::troubles::check(name)?;
                    Some(name.clone())
                }
                None => None,
            },
        })
    }
}

fn datastore(ws: &Workspace, name: &str, kind: &str, is_default: bool, storage: &str) -> Value {
    let mut v = example_body(EX_DATASTORE);
    v["id"] = json!(format!("{}/datastores/{name}", ws.id()));
    v["name"] = json!(name);
    v["type"] = json!("Microsoft.MachineLearningServices/workspaces/datastores");
    v["systemData"]["createdBy"] = json!("system");
    v["systemData"]["lastModifiedBy"] = json!("system");
    let mut props = json!({
        "description": "", "tags": {}, "properties": {}, "isDefault": is_default,
        "credentials": {"credentialsType": "AccountKey"},
        "datastoreType": kind,
    });
    match kind {
        "AzureBlob" => {
            props["accountName"] = json!(storage);
            props["containerName"] = json!(format!("azureml-blobstore-{}", ws.workspace_guid()));
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
            props["serviceDataAccessAuthIdentity"] = json!("WorkspaceSystemAssignedIdentity");
            props["subscriptionId"] = json!(ws.subscription_id);
            props["resourceGroup"] = json!(ws.resource_group);
        }
        "AzureFile" => {
            props["accountName"] = json!(storage);
            props["fileShareName"] = json!(if name == "workspaceworkingdirectory" {
                "code-391ff5ac-6576-460f-ba4d-7e03433c68b6".to_string()
            } else {
                format!("azureml-filestore-{}", ws.workspace_guid())
            });
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
            props["serviceDataAccessAuthIdentity"] = json!("None");
        }
        "AzureDataLakeGen2" => {
            props["accountName"] = json!(storage);
            props["filesystem"] = json!("data");
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
        }
        _ => {}
    }
    v["properties"] = props;
    v
}

/// Tenant JSON for `GET /tenants`, based on the official example's shape.
pub fn tenant_json(t: &Tenant) -> Value {
    let ex: Value = serde_json::from_str(EX_TENANTS).expect("bundled example parses");
    let mut v = ex["responses"]["200"]["body"]["value"][1].clone();
    v["id"] = json!(format!("/tenants/{}", t.tenant_id));
    v["tenantId"] = json!(t.tenant_id);
    v["displayName"] = json!(t.display_name);
    v["countryCode"] = json!(t.country_code);
    v["domains"] = json!([t.default_domain]);
    v["defaultDomain"] = json!(t.default_domain);
    v["tenantCategory"] = json!("Home");
    v["tenantType"] = json!("AAD");
    v
}

pub fn subscription_json(s: &Subscription) -> Value {
    let mut v = example_body(EX_SUBSCRIPTION);
    v["id"] = json!(format!("/subscriptions/{}", s.subscription_id));
    v["subscriptionId"] = json!(s.subscription_id);
    v["tenantId"] = json!(s.tenant_id);
    v["displayName"] = json!(s.display_name);
    v["state"] = json!(s.state);
    v["authorizationSource"] = json!("RoleBased");
    v["managedByTenants"] = json!([]);
    v["tags"] = json!({});
    v["subscriptionPolicies"] = json!({"locationPlacementId": "Public_2014-09-01", "quotaId": "PayAsYouGo_2014-09-01", "spendingLimit": "Off"});
    v
}
