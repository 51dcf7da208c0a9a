//! Printing what pfrm recognised in a service message: the cause, the remedy and what to do,
//! above the service's own words; or, for a failure it does not know, that it does not know and
//! how to make a diagnostics bundle for support.

use pfrm_core::diagnosis::{Diagnosis, DiagnosisAction, RoleScope};

/// The lines of a diagnosis, indented by `indent`.
pub fn lines(diagnosis: &Diagnosis, indent: &str) -> Vec<String> {
    let mut lines = vec![
        format!(
            "{indent}diagnosis  {} ({})",
            diagnosis.cause, diagnosis.code
        ),
        format!("{indent}remedy     {}", diagnosis.remedy),
    ];
    if let Some(action) = &diagnosis.action {
        lines.push(format!("{indent}next       {}", action_hint(action)));
    }
    if let Some(link) = &diagnosis.link {
        lines.push(format!("{indent}more       {link}"));
    }
    lines
}

/// What the CLI user runs (or opens) for an action the app offers as a button.
fn action_hint(action: &DiagnosisAction) -> String {
    match action {
        DiagnosisAction::OpenPermissions { role, scope } => {
            let on = match scope {
                RoleScope::Workspace => "the workspace",
                RoleScope::Storage => "the workspace's storage account",
                RoleScope::Registry => "the workspace's container registry",
            };
            format!("grant {role} on {on} (Permissions in the app)")
        }
        DiagnosisAction::UseDefaultEnvironment => {
            "create the runtime again without --environment (the default environment)".to_owned()
        }
        DiagnosisAction::OpenQuotaPage => {
            "request quota: https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas"
                .to_owned()
        }
    }
}

/// Said when a failure's message matches no known pattern.
pub const UNRECOGNISED: &str =
    "pfrm does not recognise this failure. Run `pfrm diagnose` to make a diagnostics bundle (redacted) to share with whoever helps you.";
