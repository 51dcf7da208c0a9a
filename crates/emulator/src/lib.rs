//! The local Azure: Microsoft identity platform, Azure Resource Manager, the prompt flow
//! service, the container registry and Microsoft Graph on loopback HTTPS, stateful and seeded
//! from scenarios, with fault injection. See the crate's README for what it serves.

// Handlers return a finished HTTP response as their error so that each check can answer early
// with the exact status and body Azure would send; boxing those responses would only add noise.
#![allow(clippy::result_large_err)]

mod acr;
mod arm;
mod control;
pub mod faults;
mod flow;
mod graph;
mod http;
mod identity;
pub mod jwt;
mod lro;
mod names;
mod prerequisites;
mod prompt_flow;
mod rbac;
mod registry;
mod routing;
pub mod scenario;
mod seed;
mod server;
mod state;
mod tls;
mod troubles;

pub use lro::{LroEnd, LroEnding, LroRecord, LroRequest, LroStage};
pub use state::LroPattern;

pub use faults::{Counters, FaultAction, FaultRule, Faults, RequestRecord};
pub use prerequisites::{PrerequisiteSeed, QuotaSeed};
pub use scenario::Scenario;

use anyhow::{anyhow, Context, Result};
use serde::Serialize;
use server::Service;
use state::World;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// The Azure CLI's public client id, accepted by the emulated authority in every scenario.
pub const DEFAULT_CLIENT_ID: &str = state::AZURE_CLI_CLIENT_ID;

/// How to start the emulator.
#[derive(Debug, Clone)]
pub struct EmulatorOptions {
    pub scenario: Scenario,
    /// Emulated time runs this many times faster than real time (restarts, runtime start-up,
    /// role propagation, device-code expiry). 1.0 = realistic.
    pub time_scale: f64,
    /// Address of the first listener; port 0 picks free ports, port P uses P..P+5.
    pub listen: SocketAddr,
    /// Where to write the ready file (JSON, see [`ReadyInfo`]).
    pub ready_file: Option<PathBuf>,
    /// Where to write `ca.pem`; a fresh temporary folder when unset.
    pub state_dir: Option<PathBuf>,
    /// Access-token lifetime (default 1 hour; not scaled).
    pub token_lifetime: Option<Duration>,
    /// ARM list page size before `nextLink` (default 20).
    pub page_size: Option<usize>,
    /// Device-code polling interval announced to clients, in seconds (default 5).
    pub device_code_interval: Option<u64>,
}

impl Default for EmulatorOptions {
    fn default() -> Self {
        Self {
            scenario: Scenario::by_name("first-time").expect("built-in scenario"),
            time_scale: 1.0,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            ready_file: None,
            state_dir: None,
            token_lifetime: None,
            page_size: None,
            device_code_interval: None,
        }
    }
}

/// A seeded user, as listed in the ready file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyUser {
    pub user_name: String,
    pub display_name: String,
    pub object_id: String,
    pub tenant_id: String,
}

/// Everything a client needs to point at the emulator; also written as the ready file.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReadyInfo {
    pub name: String,
    pub cloud: String,
    pub authority_host: String,
    pub tenant_id: String,
    pub arm_endpoint: String,
    pub arm_audience: String,
    pub flow_endpoint: String,
    pub registry_endpoint: String,
    /// Where the workspaces' container registries are served, each under its login server
    /// (`{acrEndpoint}/{loginServer}/v2/...`).
    pub acr_endpoint: String,
    pub graph_endpoint: String,
    pub graph_audience: String,
    pub control_endpoint: String,
    pub ca_cert_path: String,
    pub ca_cert_pem: String,
    pub client_id: String,
    pub users: Vec<ReadyUser>,
    pub scenario: String,
    /// Time scale in force.
    pub time_scale: f64,
    /// The emulated calendar date (`YYYY-MM-DD`), when the scenario sets one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub today: Option<String>,
    /// Process id of the emulator.
    pub pid: u32,
    /// Milliseconds from `start` being called to the listeners accepting connections.
    pub startup_ms: u64,
}

/// Shared state behind every listener.
pub(crate) struct App {
    pub faults: Faults,
    pub signer: jwt::Signer,
    pub info: ReadyInfo,
    world: Mutex<World>,
    rate: Mutex<(Instant, u64, u64)>,
}

impl App {
    pub fn world(&self) -> MutexGuard<'_, World> {
        self.world.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Remaining subscription reads/writes in the current (scaled) hour.
    pub fn rate_limit(&self, read: bool) -> (u64, u64) {
        let hour = self.world().scaled(3600.0);
        let mut rate = self.rate.lock().unwrap_or_else(|p| p.into_inner());
        if rate.0.elapsed() >= hour {
            *rate = (Instant::now(), 12000, 1200);
        }
        if read {
            rate.1 = rate.1.saturating_sub(1);
        } else {
            rate.2 = rate.2.saturating_sub(1);
        }
        (rate.1, rate.2)
    }

    pub fn revoke_refresh_tokens(&self, user: &str) -> Result<usize> {
        let mut world = self.world();
        let oid = world
            .user_by_name(user)
            .or_else(|| world.user_by_oid(user))
            .map(|u| u.object_id.clone())
            .ok_or_else(|| anyhow!("no user {user}"))?;
        let revoked: Vec<String> = world
            .auth
            .refresh
            .iter()
            .filter(|(_, g)| g.user_object_id == oid)
            .map(|(k, _)| k.clone())
            .collect();
        for rt in &revoked {
            world.auth.refresh.remove(rt);
            world.auth.dead_refresh.insert(rt.clone(), "revoked");
        }
        Ok(revoked.len())
    }

    pub fn decide_device_code(&self, code: &str, user: Option<&str>, approve: bool) -> Result<()> {
        identity::decide_device_code(&mut self.world(), code, user, approve).map_err(|e| anyhow!(e))
    }

    pub fn set_token_lifetime(&self, d: Duration) {
        self.world().token_lifetime = d;
    }

    /// Real-time delay (already scaled) before new role assignments count.
    pub fn set_propagation_delay(&self, d: Duration) {
        self.world().propagation_delay = d;
    }

    pub fn set_page_size(&self, n: usize) {
        self.world().page_size = n.max(1);
    }

    pub fn set_principal_not_found(&self, ids: Vec<String>) {
        self.world().principal_not_found = ids;
    }

    pub fn fail_next_compute_operation(&self, code: &str, message: &str) {
        self.set_next_lro_ending(LroEnding::failed(LroStage::Later, code, message));
    }

    /// The next compute start/stop/restart ends as cancelled in Azure.
    pub fn cancel_next_compute_operation(&self) {
        self.set_next_lro_ending(LroEnding::canceled(LroStage::Later));
    }

    pub fn set_next_lro_ending(&self, ending: LroEnding) {
        self.world().next_lro_ending = Some(ending);
    }

    pub fn lro_records(&self) -> Vec<LroRecord> {
        self.world().lro_records.clone()
    }

    /// Puts every compute instance called `name` in `state` at once, with nothing pending.
    pub fn set_compute_state(&self, name: &str, state: &str) -> Result<()> {
        let mut world = self.world();
        let mut found = false;
        for ws in &mut world.workspaces {
            if let Some(c) = ws.compute_mut(name) {
                c.pending = None;
                c.set_state(state);
                c.value["properties"]["provisioningState"] = serde_json::json!("Succeeded");
                found = true;
            }
        }
        if found {
            Ok(())
        } else {
            Err(anyhow!("no compute instance '{name}'"))
        }
    }

    /// How ARM answers long-running operations from now on.
    pub fn set_lro_pattern(&self, pattern: LroPattern) {
        self.world().lro_pattern = pattern;
    }

    pub fn issue_access_token(
        &self,
        user: &str,
        scope: &str,
        tenant: Option<&str>,
    ) -> Result<String> {
        let mut world = self.world();
        let u = world
            .user_by_name(user)
            .or_else(|| world.user_by_oid(user))
            .cloned()
            .ok_or_else(|| anyhow!("no user {user}"))?;
        let tenant = tenant.unwrap_or(&u.tenant_id).to_string();
        let token = identity::TokenFor {
            user: &u,
            tenant_id: &tenant,
            client_id: state::AZURE_CLI_CLIENT_ID,
            scope,
            nonce: None,
        };
        let v = identity::issue_tokens(self, &mut world, &token)
            .map_err(|(e, code, m)| anyhow!("{e} AADSTS{code}: {m}"))?;
        Ok(v["access_token"].as_str().unwrap_or_default().to_string())
    }
}

/// A running emulator. Dropping it stops the listeners.
pub struct Emulator {
    app: Arc<App>,
    tasks: Vec<JoinHandle<()>>,
    temp_dir: Option<PathBuf>,
}

impl Emulator {
    pub async fn start(options: EmulatorOptions) -> Result<Emulator> {
        let started = Instant::now();
        let tls = tls::generate()?;
        let signer = jwt::Signer::generate()?;
        let services = [
            Service::Authority,
            Service::Arm,
            Service::Flow,
            Service::Registry,
            Service::Graph,
            Service::Control,
        ];
        let mut listeners = Vec::new();
        for (i, service) in services.iter().enumerate() {
            let mut addr = options.listen;
            if addr.port() != 0 {
                addr.set_port(addr.port() + i as u16);
            }
            let listener = TcpListener::bind(addr)
                .await
                .with_context(|| format!("binding the {} listener on {addr}", service.name()))?;
            listeners.push((*service, listener));
        }
        let host = match options.listen.ip() {
            std::net::IpAddr::V4(ip) if ip.is_unspecified() => "127.0.0.1".to_string(),
            std::net::IpAddr::V4(ip) => ip.to_string(),
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
        };
        let url = |i: usize| -> Result<String> {
            Ok(format!(
                "https://{host}:{}",
                listeners[i].1.local_addr()?.port()
            ))
        };
        let (authority, arm, flow, registry, graph, control) =
            (url(0)?, url(1)?, url(2)?, url(3)?, url(4)?, url(5)?);

        let (dir, temp_dir) = match &options.state_dir {
            Some(d) => (d.clone(), None),
            None => {
                let d = std::env::temp_dir().join(format!(
                    "pfrm-emulator-{}-{}",
                    std::process::id(),
                    identity::random_token(6)
                ));
                (d.clone(), Some(d))
            }
        };
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let ca_path = dir.join("ca.pem");
        std::fs::write(&ca_path, &tls.ca_pem)
            .with_context(|| format!("writing {}", ca_path.display()))?;
        let ca_path = std::fs::canonicalize(&ca_path).unwrap_or(ca_path);

        let mut world = World::build(&options.scenario, options.time_scale, &flow)?;
        if let Some(d) = options.token_lifetime {
            world.token_lifetime = d;
        }
        if let Some(n) = options.page_size {
            world.page_size = n.max(1);
        }
        if let Some(n) = options.device_code_interval {
            world.device_code_interval = n;
        }
        let info = ReadyInfo {
            name: "pfrm-emulator".into(),
            cloud: "Custom".into(),
            authority_host: authority,
            tenant_id: world.default_tenant_id.clone(),
            arm_endpoint: arm,
            arm_audience: "https://management.azure.com".into(),
            flow_endpoint: flow,
            acr_endpoint: format!("{registry}/acr"),
            registry_endpoint: registry,
            graph_endpoint: graph,
            graph_audience: "https://graph.microsoft.com".into(),
            control_endpoint: control,
            ca_cert_path: ca_path.display().to_string(),
            ca_cert_pem: tls.ca_pem.clone(),
            client_id: DEFAULT_CLIENT_ID.into(),
            users: world
                .users
                .iter()
                .map(|u| ReadyUser {
                    user_name: u.user_name.clone(),
                    display_name: u.display_name.clone(),
                    object_id: u.object_id.clone(),
                    tenant_id: u.tenant_id.clone(),
                })
                .collect(),
            scenario: options.scenario.name.clone(),
            time_scale: world.time_scale,
            today: options.scenario.today.clone(),
            pid: std::process::id(),
            startup_ms: 0,
        };
        let mut app = App {
            faults: Faults::default(),
            signer,
            info,
            world: Mutex::new(world),
            rate: Mutex::new((Instant::now(), 12000, 1200)),
        };
        app.info.startup_ms = started.elapsed().as_millis() as u64;
        let app = Arc::new(app);
        let acceptor = tokio_rustls::TlsAcceptor::from(tls.server_config);
        let tasks = listeners
            .into_iter()
            .map(|(service, listener)| {
                tokio::spawn(server::serve(
                    listener,
                    acceptor.clone(),
                    service,
                    app.clone(),
                ))
            })
            .collect();
        if let Some(path) = &options.ready_file {
            let text = serde_json::to_string_pretty(&app.info)?;
            let tmp = path.with_extension("tmp");
            std::fs::write(&tmp, text).with_context(|| format!("writing {}", tmp.display()))?;
            std::fs::rename(&tmp, path).with_context(|| format!("writing {}", path.display()))?;
        }
        Ok(Emulator {
            app,
            tasks,
            temp_dir,
        })
    }

    pub fn ready_info(&self) -> &ReadyInfo {
        &self.app.info
    }

    /// Fault rules, latency and counters (shared with the control API).
    pub fn faults(&self) -> Faults {
        self.app.faults.clone()
    }

    /// Invalidates every refresh token of a user (by user name or object id); returns how many.
    pub fn revoke_refresh_tokens(&self, user: &str) -> Result<usize> {
        self.app.revoke_refresh_tokens(user)
    }

    /// Completes a pending device-code sign-in as `user` (what the user does in a browser).
    pub fn approve_device_code(&self, user_code: &str, user: &str) -> Result<()> {
        self.app.decide_device_code(user_code, Some(user), true)
    }

    pub fn deny_device_code(&self, user_code: &str) -> Result<()> {
        self.app.decide_device_code(user_code, None, false)
    }

    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.app.set_token_lifetime(lifetime)
    }

    /// How many times faster than real time emulated time runs from now on (state changes
    /// already scheduled keep their time).
    pub fn set_time_scale(&self, time_scale: f64) {
        if time_scale > 0.0 {
            self.app.world().time_scale = time_scale;
        }
    }

    /// Real-time delay before new role assignments count in permission checks.
    pub fn set_role_propagation_delay(&self, delay: Duration) {
        self.app.set_propagation_delay(delay)
    }

    pub fn set_page_size(&self, n: usize) {
        self.app.set_page_size(n)
    }

    /// Role assignment creation for these principal ids answers 400 PrincipalNotFound.
    pub fn set_principal_not_found(&self, principal_ids: Vec<String>) {
        self.app.set_principal_not_found(principal_ids)
    }

    /// The next compute instance start/stop/restart ends with its LRO `Failed` with this error,
    /// the instance back in its previous state and `lastOperation.operationStatus` `{Op}Failed`.
    pub fn fail_next_compute_operation(&self, code: &str, message: &str) {
        self.app.fail_next_compute_operation(code, message)
    }

    /// The next compute instance start/stop/restart ends with its LRO `Canceled`, the instance
    /// back in its previous state.
    pub fn cancel_next_compute_operation(&self) {
        self.app.cancel_next_compute_operation();
    }

    /// How ARM answers long-running operations from now on (headers, `Retry-After`).
    pub fn set_lro_pattern(&self, pattern: LroPattern) {
        self.app.set_lro_pattern(pattern);
    }

    /// How the next ARM long-running operation (compute create, delete, start, stop, restart)
    /// ends: failed or cancelled, in its first answer, at its first poll or later.
    pub fn set_next_lro_ending(&self, ending: LroEnding) {
        self.app.set_next_lro_ending(ending);
    }

    /// The requests of every ARM long-running operation so far, oldest first, with their times.
    pub fn lro_records(&self) -> Vec<LroRecord> {
        self.app.lro_records()
    }

    /// The most recent ARM long-running operation's requests.
    pub fn last_lro(&self) -> Option<LroRecord> {
        self.app.lro_records().pop()
    }

    /// Puts the compute instance `name` in `state` at once (tests that need a starting point).
    pub fn set_compute_state(&self, name: &str, state: &str) -> Result<()> {
        self.app.set_compute_state(name, state)
    }

    /// Adds (or replaces) a compute instance `name` in the seeded workspace `workspace` (by
    /// name), assigned to the user `assigned_to` (UPN), in `state`.
    pub fn add_compute_instance(
        &self,
        workspace: &str,
        name: &str,
        assigned_to: &str,
        state: &str,
    ) -> Result<()> {
        let mut world = self.app.world();
        let index = world
            .workspaces
            .iter()
            .position(|w| w.name.eq_ignore_ascii_case(workspace))
            .ok_or_else(|| anyhow!("no workspace '{workspace}'"))?;
        let ws = world.workspaces[index].clone();
        let tenant = world
            .subscription(&ws.subscription_id)
            .map(|s| s.tenant_id.clone())
            .unwrap_or_default();
        let seed = scenario::ComputeInstanceSeed {
            name: name.into(),
            assigned_to: assigned_to.into(),
            state: Some(state.into()),
            vm_size: None,
            custom_services: vec![],
            fail_runtime_start: false,
            runtime_failure: None,
            idle_shutdown: None,
        };
        let compute = world.build_compute(&ws, &seed, &tenant)?;
        world.workspaces[index]
            .computes
            .retain(|c| !c.name().eq_ignore_ascii_case(name));
        world.workspaces[index].computes.push(compute);
        Ok(())
    }

    /// Mints an access token for a seeded user without the sign-in dance (tests only).
    pub fn issue_access_token(&self, user: &str, scope: &str) -> Result<String> {
        self.app.issue_access_token(user, scope, None)
    }

    pub fn issue_access_token_for_tenant(
        &self,
        user: &str,
        scope: &str,
        tenant: &str,
    ) -> Result<String> {
        self.app.issue_access_token(user, scope, Some(tenant))
    }

    /// Stops every listener and open connection.
    pub async fn shutdown(mut self) {
        for t in &self.tasks {
            t.abort();
        }
        for t in std::mem::take(&mut self.tasks) {
            let _ = t.await;
        }
    }
}

// Tests and the app share one emulator across tasks.
const _: fn() = || {
    fn shared_across_tasks<T: Send + Sync>() {}
    shared_across_tasks::<Emulator>();
    shared_across_tasks::<Faults>();
};

impl Drop for Emulator {
    fn drop(&mut self) {
        for t in &self.tasks {
            t.abort();
        }
        if let Some(dir) = &self.temp_dir {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}
