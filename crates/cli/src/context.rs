//! What the Azure-facing commands share: the signed-in [`Services`], `--json`, how long
//! operations wait, and the `--workspace` option with its remembered default.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use clap::Args;
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::connection::Session;
use pfrm_core::ops::runtimes::WatchSettings;
use pfrm_core::ops::workspaces::{list_workspaces, DEFAULT_PARALLEL_REQUESTS};
use pfrm_core::services::Services;
use pfrm_core::{Error, ErrorCode};

/// Overrides how often long operations poll Azure, in milliseconds (tests against the emulator
/// run with emulated time sped up and poll faster).
pub const POLL_INTERVAL_ENV: &str = "PFRM_POLL_INTERVAL_MS";

#[derive(Args, Clone, Default)]
pub struct WorkspaceOption {
    /// The workspace: its ARM id, SUBSCRIPTION/RESOURCE_GROUP/NAME, or a name that is unique
    /// among your workspaces. Default: the workspace used last.
    #[arg(long = "workspace", short = 'w', value_name = "WORKSPACE")]
    pub workspace: Option<String>,
}

pub struct Context {
    pub services: Services,
    pub json: bool,
    pub watch: WatchSettings,
    /// The core's session of this command: it remembers the workspace used, as the app's does.
    session: Arc<Session>,
    /// The workspace used last, when the command started (the default for `--workspace`).
    last_workspace: Option<String>,
    /// The workspace this command acted on, remembered as the default once it succeeds.
    used_workspace: Mutex<Option<String>>,
}

impl Context {
    pub fn new(services: Services, json: bool, session: Arc<Session>) -> Self {
        let mut watch = WatchSettings::default();
        if let Some(millis) = std::env::var(POLL_INTERVAL_ENV)
            .ok()
            .and_then(|text| text.parse::<u64>().ok())
        {
            watch.poll_interval = Duration::from_millis(millis.max(1));
        }
        let last_workspace = session.last_place().workspace_id;
        Context {
            services,
            json,
            watch,
            session,
            last_workspace,
            used_workspace: Mutex::new(None),
        }
    }

    /// The ARM id of the workspace `option` names (or of the last one used).
    pub async fn workspace_id(&self, option: &WorkspaceOption) -> Result<String, Error> {
        let id = match option.workspace.as_deref().map(str::trim) {
            Some(given) if !given.is_empty() => resolve_workspace(&self.services, given).await?,
            _ => self.last_workspace.clone().ok_or_else(|| {
                Error::invalid_input("No workspace was given, and none was used before.")
                    .with_remedy(
                        "Pass --workspace with a workspace name, SUBSCRIPTION/RESOURCE_GROUP/NAME or ARM id; `pfrm workspace list` shows yours.",
                    )
            })?,
        };
        *self
            .used_workspace
            .lock()
            .unwrap_or_else(|e| e.into_inner()) = Some(id.clone());
        Ok(id)
    }

    /// Saves the workspace the command used as the default for the next one. A settings file
    /// that cannot be written only costs the default, so it is a warning.
    pub fn remember_workspace(&self) {
        let used = self
            .used_workspace
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        let Some(id) = used else { return };
        if let Err(error) = self.session.remember_place(None, Some(&id)) {
            eprintln!("warning: {}", error.message);
        }
    }

    /// The workspace used last (the default for `--workspace`).
    pub fn last_workspace_id(&self) -> Option<&str> {
        self.last_workspace.as_deref()
    }

    /// The workspace's prompt flow page in Azure ML studio.
    pub fn studio_link(&self, workspace_id: &str) -> String {
        self.services.cloud().studio_prompts_link(workspace_id)
    }
}

/// Turns what the user typed into a workspace ARM id: an id is parsed, `SUB/RG/NAME` is
/// assembled, and a bare name is looked up among the user's workspaces.
pub async fn resolve_workspace(services: &Services, given: &str) -> Result<String, Error> {
    if let Some(workspace) = WorkspaceRef::parse_reference(given)? {
        return Ok(workspace.arm_id());
    }
    let listing = list_workspaces(services, DEFAULT_PARALLEL_REQUESTS).await?;
    let matches: Vec<_> = listing
        .workspaces
        .iter()
        .filter(|workspace| workspace.name.eq_ignore_ascii_case(given))
        .collect();
    match matches.as_slice() {
        [only] => Ok(only.id.clone()),
        [] => {
            let mut error = Error::new(
                ErrorCode::NotFound,
                format!("You have no workspace named '{given}'."),
            )
            .with_remedy("Run `pfrm workspace list` to see your workspaces.");
            if !listing.problems.is_empty() {
                error = error.with_remedy(format!(
                    "Run `pfrm workspace list` to see your workspaces; {} subscription(s) could not be read, so it may be in one of those.",
                    listing.problems.len()
                ));
            }
            Err(error)
        }
        several => Err(Error::invalid_input(format!(
            "{} workspaces are named '{given}': {}.",
            several.len(),
            several
                .iter()
                .map(|w| format!("{}/{}/{}", w.subscription_id, w.resource_group, w.name))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .with_remedy("Pass --workspace as SUBSCRIPTION/RESOURCE_GROUP/NAME to pick one.")),
    }
}
