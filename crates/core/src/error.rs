//! The one structured error that crosses IPC and the CLI.
//!
//! Every failure a user can see is an [`Error`]: a stable machine-readable [`ErrorCode`], a
//! sentence saying what happened, an optional remedy saying what to do next, and optional
//! details (for example the service's own error code or a request id) for support.
//! It serialises to `{code, message, remedy?, details?}`; golden tests pin that shape because
//! the UI and scripts using `pfrm --json` depend on it.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Stable error codes. Adding a code is fine; renaming or removing one breaks the UI and scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The input given by the user is not acceptable (bad name, missing field, ...).
    InvalidInput,
    /// The thing asked for does not exist (or is not visible to the caller).
    NotFound,
    /// The request conflicts with the current state (name taken, wrong state, ...).
    Conflict,
    /// The caller is signed in but lacks the permission for this action.
    PermissionDenied,
    /// There is no usable sign-in: the user must sign in (again).
    SignInRequired,
    /// The network or the service could not be reached.
    Network,
    /// The server's TLS certificate failed verification (unknown issuer, expired, wrong name...).
    /// Not retried: the same certificate fails again until the trust is fixed.
    Certificate,
    /// The service asked us to slow down and retries ran out.
    Throttled,
    /// The service failed or is temporarily unavailable.
    ServiceUnavailable,
    /// The service refused the request for a reason it explained.
    Service,
    /// The user cancelled the operation.
    Cancelled,
    /// The user (or the sign-in service on their behalf) declined the sign-in request.
    SignInDeclined,
    /// pfrm refused a sign-in answer that failed a check (identity token signature, issuer,
    /// audience, lifetime or nonce; the redirect's issuer). Nothing was saved.
    SignInRejected,
    /// The operation did not finish in the time allowed.
    Timeout,
    /// A configuration or settings file could not be read or written.
    Config,
    /// The OS keychain could not be used.
    Keychain,
    /// A bug or an unexpected state inside pfrm.
    Internal,
}

impl ErrorCode {
    /// The code as it appears in JSON (`"not_found"`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::InvalidInput => "invalid_input",
            ErrorCode::NotFound => "not_found",
            ErrorCode::Conflict => "conflict",
            ErrorCode::PermissionDenied => "permission_denied",
            ErrorCode::SignInRequired => "sign_in_required",
            ErrorCode::Network => "network",
            ErrorCode::Certificate => "certificate",
            ErrorCode::Throttled => "throttled",
            ErrorCode::ServiceUnavailable => "service_unavailable",
            ErrorCode::Service => "service",
            ErrorCode::Cancelled => "cancelled",
            ErrorCode::SignInDeclined => "sign_in_declined",
            ErrorCode::SignInRejected => "sign_in_rejected",
            ErrorCode::Timeout => "timeout",
            ErrorCode::Config => "config",
            ErrorCode::Keychain => "keychain",
            ErrorCode::Internal => "internal",
        }
    }

    /// Whether retrying the same request later may succeed without any change by the user.
    pub fn is_retryable(self) -> bool {
        matches!(
            self,
            ErrorCode::Network | ErrorCode::Throttled | ErrorCode::ServiceUnavailable
        )
    }

    /// Process exit code used by the `pfrm` CLI, so scripts can branch on the kind of failure.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorCode::InvalidInput => 2,
            ErrorCode::SignInRequired => 3,
            ErrorCode::PermissionDenied => 4,
            ErrorCode::NotFound => 5,
            ErrorCode::Conflict => 6,
            ErrorCode::Network | ErrorCode::Throttled | ErrorCode::ServiceUnavailable => 7,
            ErrorCode::Service => 8,
            ErrorCode::Cancelled => 130,
            ErrorCode::SignInDeclined => 13,
            ErrorCode::SignInRejected => 14,
            ErrorCode::Timeout => 9,
            ErrorCode::Config | ErrorCode::Keychain => 10,
            ErrorCode::Certificate => 12,
            ErrorCode::Internal => 70,
        }
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure as the user sees it. See the module docs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
#[ts(rename = "AppError")]
pub struct Error {
    pub code: ErrorCode,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub remedy: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, type = "Record<string, unknown>")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            remedy: None,
            details: None,
        }
    }

    /// Says what the user can do next.
    pub fn with_remedy(mut self, remedy: impl Into<String>) -> Self {
        self.remedy = Some(remedy.into());
        self
    }

    /// Adds one detail for support (service error code, request id, ...). Never pass a secret.
    pub fn with_detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> Self {
        self.details
            .get_or_insert_with(Default::default)
            .insert(key.to_owned(), value.into());
        self
    }

    pub fn invalid_input(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Internal, message).with_remedy(
            "This is a bug in pfrm. Please report it with the log file (Settings → Open logs folder).",
        )
    }

    pub fn cancelled() -> Self {
        Error::new(ErrorCode::Cancelled, "The operation was cancelled.")
    }

    pub fn is_retryable(&self) -> bool {
        self.code.is_retryable()
    }

    /// The request reached the service, but its answer was lost (connection reset, cut-off
    /// body, timeout after sending) or was a 500/502/504: the service may have carried it out.
    /// Callers of writes read the resource again instead of assuming either outcome.
    pub fn outcome_unknown(&self) -> bool {
        self.details
            .as_ref()
            .and_then(|details| details.get(OUTCOME_UNKNOWN_DETAIL))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(false)
    }
}

/// The detail [`Error::outcome_unknown`] reads.
pub const OUTCOME_UNKNOWN_DETAIL: &str = "outcomeUnknown";

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)?;
        if let Some(remedy) = &self.remedy {
            write!(f, " {remedy}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn minimal_error_serialises_without_optional_fields() {
        let error = Error::new(ErrorCode::NotFound, "Runtime 'rt1' was not found.");
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            r#"{"code":"not_found","message":"Runtime 'rt1' was not found."}"#
        );
    }

    #[test]
    fn full_error_serialises_in_a_stable_field_order() {
        let error = Error::new(
            ErrorCode::PermissionDenied,
            "You cannot create runtimes here.",
        )
        .with_remedy("Ask an Owner of the workspace to grant you AzureML Data Scientist.")
        .with_detail("armCode", "AuthorizationFailed")
        .with_detail("status", 403);
        assert_eq!(
            serde_json::to_string(&error).unwrap(),
            concat!(
                r#"{"code":"permission_denied","message":"You cannot create runtimes here.","#,
                r#""remedy":"Ask an Owner of the workspace to grant you AzureML Data Scientist.","#,
                r#""details":{"armCode":"AuthorizationFailed","status":403}}"#
            )
        );
    }

    #[test]
    fn every_code_has_a_stable_snake_case_name() {
        let codes = [
            (ErrorCode::InvalidInput, "invalid_input"),
            (ErrorCode::NotFound, "not_found"),
            (ErrorCode::Conflict, "conflict"),
            (ErrorCode::PermissionDenied, "permission_denied"),
            (ErrorCode::SignInRequired, "sign_in_required"),
            (ErrorCode::Network, "network"),
            (ErrorCode::Certificate, "certificate"),
            (ErrorCode::Throttled, "throttled"),
            (ErrorCode::ServiceUnavailable, "service_unavailable"),
            (ErrorCode::Service, "service"),
            (ErrorCode::Cancelled, "cancelled"),
            (ErrorCode::SignInDeclined, "sign_in_declined"),
            (ErrorCode::SignInRejected, "sign_in_rejected"),
            (ErrorCode::Timeout, "timeout"),
            (ErrorCode::Config, "config"),
            (ErrorCode::Keychain, "keychain"),
            (ErrorCode::Internal, "internal"),
        ];
        for (code, name) in codes {
            assert_eq!(serde_json::to_value(code).unwrap(), json!(name));
            assert_eq!(code.as_str(), name);
        }
    }

    #[test]
    fn error_round_trips_through_json() {
        let error = Error::new(ErrorCode::Throttled, "Azure asked pfrm to slow down.")
            .with_remedy("Wait a minute and try again.");
        let text = serde_json::to_string(&error).unwrap();
        assert_eq!(serde_json::from_str::<Error>(&text).unwrap(), error);
    }

    #[test]
    fn display_includes_the_remedy() {
        let error = Error::new(ErrorCode::Network, "Azure could not be reached.")
            .with_remedy("Check your connection.");
        assert_eq!(
            error.to_string(),
            "Azure could not be reached. Check your connection."
        );
    }
}
