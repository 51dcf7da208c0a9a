//! The app's commands. Each is declared once, in `declared.rs`; [`app_commands!`] turns the list
//! into the Tauri commands, their handler and (in tests) the typed TypeScript client. A command
//! parses its input, calls `pfrm_core` and returns the answer or a `pfrm_core::Error`, which the
//! UI renders as message and remedy; progress of long work flows through `watch_operations`.

mod account;
mod app;
mod diagnostics;
mod migration;
mod operations;
mod permissions;
mod runtimes;
#[cfg(test)]
mod typescript;
mod updates;

use pfrm_core::app_info::{AppInfo, AppUpdateCheck};
use pfrm_core::auth::DeviceCodePrompt;
use pfrm_core::connection::Session;
use pfrm_core::diagnosis::bundle::{BundleSummary, SavedBundle};
use pfrm_core::migration::decommission::{
    DecommissionPlan, DecommissionReport, DecommissionRequest,
};
use pfrm_core::migration::inventory::export::ExportFormat;
use pfrm_core::migration::inventory::Inventory;
use pfrm_core::migration::mapping::FlowAudit;
use pfrm_core::migration::retirement::RetirementStatus;
use pfrm_core::migration::scaffold::ScaffoldResult;
use pfrm_core::model::{ComputeInstanceSummary, RuntimeDetails, RuntimeSummary, Tenant};
use pfrm_core::ops::instance_sign_in::{CustomAppAvailability, InstanceSignInStatus};
use pfrm_core::ops::permissions::{
    EndpointIdentity, GrantAbility, GrantOutcome, GrantRequest, PrincipalSummary, RevokeOutcome,
    RevokeRequest, WorkspaceRoleAssignment,
};
use pfrm_core::ops::runtimes::{
    CreateRuntimeRequest, DeleteRuntimeRequest, EnvironmentChoice, InstanceChoice, OthersInstance,
    WatchSettings,
};
use pfrm_core::ops::updates::{
    CustomEnvironmentGuidance, FleetVersionReport, RuntimeVersionStatus, UpdateAllRequest,
    UpdateAllSummary, UpdateOutcome, UpdateRuntimeRequest,
};
use pfrm_core::ops::workspaces::{WorkspaceCheck, WorkspaceListing};
use pfrm_core::ops::OperationSnapshot;
use pfrm_core::preflight::PreflightReport;
use pfrm_core::services::{Services, SessionStatus};
use pfrm_core::settings::{LastPlace, UpdatePreferences};
use tauri::Manager;

use crate::AppState;
pub use diagnostics::Diagnostics;

/// What every command answers: its result, or the structured error the UI shows.
pub type Reply<T> = Result<T, pfrm_core::Error>;

/// What a command's body may use of the app: its state, the app handle (opener, notifications)
/// and the window that called.
pub struct Host {
    pub app: tauri::AppHandle,
    pub window: tauri::WebviewWindow,
}

impl Host {
    pub fn state(&self) -> &AppState {
        self.app.state::<AppState>().inner()
    }

    /// Who the app acts as, against which Azure, with its settings and operations.
    pub fn session(&self) -> &Session {
        &self.state().session
    }

    /// The connected account's services (the sandbox's in the sandbox): what most bodies call
    /// the core with. Signed out, `sign_in_required`.
    pub async fn services(&self) -> Reply<Services> {
        Ok(self.session().services().await?.0)
    }

    /// The services, and how long their long operations wait (less in the sandbox, whose time
    /// runs faster).
    pub async fn paced_services(&self) -> Reply<(Services, WatchSettings)> {
        self.session().services().await
    }

    /// Opens `url` in the system browser; when it cannot, the error says so and `remedy` what
    /// to do instead.
    pub fn open_in_browser(&self, url: &str, remedy: String) -> Reply<()> {
        use tauri_plugin_opener::OpenerExt;
        self.app
            .opener()
            .open_url(url, None::<&str>)
            .map_err(|error| {
                pfrm_core::Error::new(
                    pfrm_core::ErrorCode::Internal,
                    format!("The browser could not be opened ({error})."),
                )
                .with_remedy(remedy)
            })
    }
}

/// Expands the declarations into one `#[tauri::command]` per entry (in [`generated`]), the
/// handler that routes an invoke to them ([`invoke_handler`]) and, for tests, the entries as
/// values ([`declarations`]) from which the TypeScript client is written.
macro_rules! app_commands {
    ($(
        $(#[doc = $doc:literal])*
        fn $name:ident ( $($arg:ident : $ty:ty),* $(,)? )
            $(channel ( $channel:ident : $update:ty ))?
            -> $answer:ty = $body:path;
    )*) => {
        /// The Tauri commands, one per declaration: each hands its arguments to its body.
        pub mod generated {
            use super::*;
            $(
                $(#[doc = $doc])*
                #[tauri::command]
                pub async fn $name(
                    app: tauri::AppHandle,
                    window: tauri::WebviewWindow,
                    $($arg: $ty,)*
                    $($channel: tauri::ipc::Channel<$update>,)?
                ) -> Reply<$answer> {
                    let host = Host { app, window };
                    $body(&host, $($arg,)* $($channel)?).await
                }
            )*
        }

        /// Routes every declared command to its body.
        pub fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(generated::$name),*]
        }

        /// Every declaration as a value: name, documentation, arguments and answer as TypeScript.
        #[cfg(test)]
        pub fn declarations() -> Vec<typescript::Declaration> {
            use ts_rs::TS;
            let cfg = ts_rs::Config::new();
            vec![$(typescript::Declaration {
                name: stringify!($name),
                docs: vec![$($doc.trim()),*],
                arguments: vec![$((stringify!($arg), <$ty as TS>::name(&cfg))),*],
                channel: None$(.or(Some((stringify!($channel), <$update as TS>::name(&cfg)))))?,
                answer: <$answer as TS>::name(&cfg),
            }),*]
        }
    };
}

include!("declared.rs");
