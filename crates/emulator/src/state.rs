//! The emulated world: directory, subscriptions, workspaces and everything in them, plus the
//! identity platform's grants. Resources are kept in their ARM JSON shapes (see `seed`, which
//! builds the world from a scenario).

use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::{Duration, Instant};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// The directory and subscriptions are kept as the scenario seeds them.
pub use crate::scenario::{
    SubscriptionSeed as Subscription, TenantSeed as Tenant, UserSeed as User,
};

pub const RUNTIME_IMAGE_REPO: &str =
    "mcr.microsoft.com/azureml/promptflow/promptflow-runtime-stable";
pub const REGISTRY_REPO: &str = "azureml/promptflow/promptflow-runtime-stable";
pub const MLS: &str = "Microsoft.MachineLearningServices";

pub fn now_rfc3339() -> String {
    OffsetDateTime::now_utc()
        .format(&Rfc3339)
        .unwrap_or_default()
}

impl User {
    pub fn in_tenant(&self, tenant: &str) -> bool {
        self.tenant_id.eq_ignore_ascii_case(tenant)
            || self.guest_of.iter().any(|t| t.eq_ignore_ascii_case(tenant))
    }
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
    /// Whether an image-based environment's image is in its registry (its workspace's registry
    /// serves it, see `acr`); false for one registered with a tag never pushed.
    pub image_pushed: bool,
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
    /// Seeds of the preflight's deeper checks (see `prerequisites`).
    pub prerequisites: crate::prerequisites::PrerequisiteSeed,
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
    pub quotas: Vec<crate::prerequisites::QuotaSeed>,
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
}
