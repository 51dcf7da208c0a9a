//! TypeScript bindings for every type that crosses IPC, generated from the Rust definitions.
//!
//! The checked-in file `ui/src/backend/bindings.ts` must equal [`render`]'s output; the test
//! below fails when they drift. Regenerate with `cargo xtask bindings`.

use ts_rs::{Config, TS};

/// Relative path (from the repository root) of the generated file.
pub const BINDINGS_PATH: &str = "ui/src/backend/bindings.ts";

macro_rules! declarations {
    ($cfg:expr; $($ty:ty),* $(,)?) => {
        vec![$(format!("export {};", <$ty as TS>::decl($cfg).trim_end_matches(';'))),*]
    };
}

/// The full text of `ui/src/backend/bindings.ts`.
pub fn render() -> String {
    let cfg = Config::new();
    let declarations: Vec<String> = declarations![&cfg;
        crate::error::ErrorCode,
        crate::error::Error,
        crate::diagnosis::RoleScope,
        crate::diagnosis::DiagnosisAction,
        crate::diagnosis::Diagnosis,
        crate::diagnosis::bundle::BundleFileSummary,
        crate::diagnosis::bundle::BundleSummary,
        crate::diagnosis::bundle::SavedBundle,
        crate::model::Tenant,
        crate::model::Subscription,
        crate::model::WorkspaceKind,
        crate::model::WorkspaceFlags,
        crate::model::WorkspaceSummary,
        crate::model::UserRef,
        crate::model::ComputeInstanceState,
        crate::model::AppEndpoint,
        crate::model::CustomApp,
        crate::model::LastOperation,
        crate::model::ComputeInstanceSummary,
        crate::model::RuntimeStatus,
        crate::model::RuntimeSummary,
        crate::model::RuntimeOwner,
        crate::model::RuntimeDetails,
        crate::model::RoleAssignment,
        crate::model::ImageVersion,
        crate::settings::SignInMethod,
        crate::auth::AccountSummary,
        crate::auth::SignInState,
        crate::auth::SignInStatus,
        crate::auth::DeviceCodePrompt,
        crate::app_info::StartupWarningKind,
        crate::app_info::StartupWarning,
        crate::app_info::AppInfo,
        crate::app_info::AppUpdateState,
        crate::app_info::AppUpdateCheck,
        crate::ops::OperationKind,
        crate::ops::OperationState,
        crate::ops::Stage,
        crate::ops::OperationSnapshot,
        crate::ops::OperationSubject,
        crate::preflight::CheckId,
        crate::preflight::Severity,
        crate::preflight::CheckStatus,
        crate::preflight::Evidence,
        crate::preflight::FixAction,
        crate::preflight::CheckResult,
        crate::preflight::BlockKind,
        crate::preflight::BlockingReason,
        crate::preflight::PreflightReport,
        crate::services::Me,
        crate::services::SessionMode,
        crate::services::SessionStatus,
        crate::ops::workspaces::SubscriptionProblem,
        crate::ops::workspaces::WorkspaceListing,
        crate::ops::workspaces::WorkspaceCheck,
        crate::ops::runtimes::InstanceChoice,
        crate::ops::runtimes::OthersInstance,
        crate::ops::runtimes::EnvironmentChoice,
        crate::ops::runtimes::CustomAppChoice,
        crate::ops::runtimes::CreateRuntimeRequest,
        crate::ops::runtimes::DeleteRuntimeRequest,
        crate::ops::instance_sign_in::InstanceSignInStatus,
        crate::ops::instance_sign_in::CustomAppAvailability,
        crate::ops::updates::RuntimeVersion,
        crate::ops::updates::CustomEnvironmentRef,
        crate::ops::updates::VersionNote,
        crate::ops::updates::EnvironmentWarning,
        crate::ops::updates::UpdateWarning,
        crate::ops::updates::AttentionReason,
        crate::ops::updates::RuntimeVersionStatus,
        crate::ops::updates::WorkspaceCheckProblem,
        crate::ops::updates::CheckedWorkspace,
        crate::ops::updates::FleetVersionReport,
        crate::ops::updates::EnvironmentCandidate,
        crate::ops::updates::CustomEnvironmentGuidance,
        crate::ops::updates::UpdateRuntimeRequest,
        crate::ops::updates::UpdateOutcome,
        crate::ops::updates::UpdateAllRequest,
        crate::ops::updates::UpdateAllOutcome,
        crate::ops::updates::UpdateAllItem,
        crate::ops::updates::UpdateAllSummary,
        crate::ops::permissions::GrantAbility,
        crate::ops::permissions::PrincipalKind,
        crate::ops::permissions::PrincipalSummary,
        crate::ops::permissions::WorkspaceRoleAssignment,
        crate::ops::permissions::AssignmentPlace,
        crate::ops::permissions::EndpointIdentity,
        crate::ops::permissions::GrantTarget,
        crate::ops::permissions::GrantableRole,
        crate::ops::permissions::GrantRequest,
        crate::ops::permissions::GrantStatus,
        crate::ops::permissions::GrantOutcome,
        crate::ops::permissions::RevokeRequest,
        crate::ops::permissions::RevokeOutcome,
        crate::settings::UpdatePreferences,
        crate::settings::LastPlace,
        crate::migration::retirement::RetirementStatus,
        crate::migration::retirement::Countdown,
        crate::migration::inventory::ItemKind,
        crate::migration::inventory::CostState,
        crate::migration::inventory::InventoryItem,
        crate::migration::inventory::InventoryProblem,
        crate::migration::inventory::Inventory,
        crate::migration::inventory::export::ExportFormat,
        crate::migration::mapping::FlowKind,
        crate::migration::mapping::NodeKind,
        crate::migration::mapping::Target,
        crate::migration::mapping::Condition,
        crate::migration::mapping::SecretInput,
        crate::migration::mapping::NodeMapping,
        crate::migration::mapping::EdgeKind,
        crate::migration::mapping::Wiring,
        crate::migration::mapping::InputMapping,
        crate::migration::mapping::OutputMapping,
        crate::migration::mapping::ConnectionMapping,
        crate::migration::mapping::ContextProviderMapping,
        crate::migration::mapping::Gap,
        crate::migration::mapping::MappingRow,
        crate::migration::mapping::FlowAudit,
        crate::migration::scaffold::ScaffoldResult,
        crate::migration::decommission::PlanItem,
        crate::migration::decommission::KeptItem,
        crate::migration::decommission::DecommissionPlan,
        crate::migration::decommission::DecommissionRequest,
        crate::migration::decommission::OutcomeState,
        crate::migration::decommission::ItemOutcome,
        crate::migration::decommission::DecommissionReport,
    ];
    let mut text = String::from(
        "// Generated from the Rust types in crates/core by `cargo xtask bindings`. Do not edit.\n\
         // One file on purpose: one declaration per Rust type that crosses to the UI, in the order\n\
         // crates/core/src/bindings.rs lists them, so its length follows those types. A test fails\n\
         // when it differs from what the generator writes.\n\n",
    );
    for declaration in declarations {
        text.push_str(&declaration);
        text.push_str("\n\n");
    }
    text.truncate(text.trim_end().len());
    text.push('\n');
    text
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    #[test]
    fn checked_in_typescript_bindings_match_the_rust_types() {
        let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../..")
            .join(super::BINDINGS_PATH);
        let expected = super::render();
        if std::env::var_os("PFRM_UPDATE_BINDINGS").is_some() {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(&path, &expected).unwrap();
        }
        let actual = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            actual == expected,
            "{} is out of date with the Rust types; run `cargo xtask bindings` and commit the result.\n--- expected ---\n{expected}",
            path.display()
        );
    }
}
