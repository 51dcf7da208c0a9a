//! Turns a failed HTTP response into one [`Error`], once, for every service.
//!
//! The services speak four error dialects: ARM's `{"error":{code,message}}`, the flow service's
//! richer envelope (same `error` object plus `innerError` and `correlation`), the container
//! registry's `{"errors":[{code,message}]}`, and Graph's `{"error":{code,message,innerError}}`.
//! The HTTP status decides the [`ErrorCode`]; the service code refines the message and remedy.

use base64::Engine as _;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{Error, ErrorCode};

/// Detail key under which a claims challenge (decoded JSON) is passed to the credential layer.
pub(crate) const CLAIMS_DETAIL: &str = "claimsChallenge";

/// What a service said about a failure, whatever its dialect.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceError {
    pub code: Option<String>,
    pub inner_code: Option<String>,
    pub message: Option<String>,
    pub correlation_id: Option<String>,
}

impl ServiceError {
    /// Reads the service's error body. Unknown shapes give an empty value, never a failure.
    pub fn parse(body: &[u8]) -> ServiceError {
        let Ok(json) = serde_json::from_slice::<Value>(body) else {
            return ServiceError::default();
        };
        let text = |value: Option<&Value>| {
            value
                .and_then(Value::as_str)
                .filter(|text| !text.is_empty())
                .map(str::to_owned)
        };
        if let Some(error) = json.get("error").filter(|error| error.is_object()) {
            let inner = error.get("innerError").or_else(|| error.get("innererror"));
            return ServiceError {
                code: text(error.get("code")),
                inner_code: inner.and_then(|inner| text(inner.get("code"))),
                message: text(error.get("message")),
                correlation_id: json
                    .get("correlation")
                    .and_then(|c| text(c.get("request")))
                    .or_else(|| inner.and_then(|inner| text(inner.get("request-id")))),
            };
        }
        if let Some(first) = json
            .get("errors")
            .and_then(Value::as_array)
            .and_then(|all| all.first())
        {
            return ServiceError {
                code: text(first.get("code")),
                message: text(first.get("message")),
                ..ServiceError::default()
            };
        }
        // OAuth-style `{"error":"invalid_grant","error_description":"..."}`.
        if let Some(code) = text(json.get("error")) {
            return ServiceError {
                code: Some(code),
                message: text(json.get("error_description")),
                ..ServiceError::default()
            };
        }
        ServiceError {
            message: text(json.get("message")).or_else(|| text(json.get("Message"))),
            ..ServiceError::default()
        }
    }
}

/// Redaction lives in [`crate::redact`], shared by every layer; re-exported here for the
/// pipeline's callers.
pub use crate::redact::redact_secrets;

/// The decoded `claims` parameter of a `WWW-Authenticate: Bearer ... claims="<base64>"` challenge.
pub(crate) fn challenge_claims(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::WWW_AUTHENTICATE) {
        let Ok(value) = value.to_str() else { continue };
        if let Some(encoded) = challenge_parameter(value, "claims") {
            let decoded = base64::engine::general_purpose::STANDARD
                .decode(encoded.as_bytes())
                .or_else(|_| {
                    base64::engine::general_purpose::URL_SAFE_NO_PAD
                        .decode(encoded.trim_end_matches('='))
                })
                .ok()
                .and_then(|bytes| String::from_utf8(bytes).ok());
            return Some(decoded.unwrap_or(encoded));
        }
    }
    None
}

pub(crate) fn challenge_parameter(challenge: &str, name: &str) -> Option<String> {
    let mut rest = challenge;
    while let Some(index) = rest.find(name) {
        let before_ok = index == 0 || matches!(rest.as_bytes()[index - 1], b' ' | b',');
        let after = &rest[index + name.len()..];
        let after_trimmed = after.trim_start();
        if before_ok && after_trimmed.starts_with('=') {
            let value = after_trimmed[1..].trim_start();
            return Some(if let Some(quoted) = value.strip_prefix('"') {
                quoted.split('"').next().unwrap_or_default().to_owned()
            } else {
                value
                    .split([',', ' '])
                    .next()
                    .unwrap_or_default()
                    .to_owned()
            });
        }
        rest = after;
    }
    None
}

/// The claims challenge carried by an error from [`crate::http::Pipeline::send`], if any: the
/// credential layer must request a new token with these claims (usually interactively).
pub fn claims_challenge(error: &Error) -> Option<&str> {
    error
        .details
        .as_ref()?
        .get(CLAIMS_DETAIL)
        .and_then(Value::as_str)
}

/// Extracts `'...'` after `marker` in an ARM AuthorizationFailed message.
fn quoted_after<'a>(message: &'a str, marker: &str) -> Option<&'a str> {
    let start = message.find(marker)? + marker.len();
    let rest = message[start..].trim_start().strip_prefix('\'')?;
    rest.split('\'').next()
}

/// Classifies a failed response. `operation` says what was attempted ("list the workspaces").
pub fn classify_response(
    operation: &str,
    status: u16,
    headers: &HeaderMap,
    body: &[u8],
    client_request_id: &str,
) -> Error {
    let service = ServiceError::parse(body);
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let service_message = service
        .message
        .as_deref()
        .map(redact_secrets)
        .unwrap_or_default();
    let said = if service_message.is_empty() {
        String::new()
    } else {
        format!(" Azure said: {service_message}")
    };
    let service_code = service.code.clone().unwrap_or_default();
    let code_is = |candidate: &str| {
        service_code.eq_ignore_ascii_case(candidate)
            || service
                .inner_code
                .as_deref()
                .is_some_and(|inner| inner.eq_ignore_ascii_case(candidate))
    };

    let mut error = match status {
        401 => {
            let remedy = if code_is("InvalidAuthenticationTokenTenant") {
                "Sign in to the tenant that owns this subscription, then try again."
            } else {
                "Sign in again, then retry."
            };
            Error::new(
                ErrorCode::SignInRequired,
                format!("Azure did not accept your sign-in when pfrm tried to {operation}.{said}"),
            )
            .with_remedy(remedy)
        }
        403 => {
            // Read from the redacted message: the action and scope are shown to the user.
            let action = quoted_after(&service_message, "perform action");
            let scope = quoted_after(&service_message, "over scope");
            match (code_is("AuthorizationFailed") || action.is_some(), action) {
                (true, Some(action)) => {
                    let on = scope.map(|scope| format!(" on {scope}")).unwrap_or_default();
                    Error::new(
                        ErrorCode::PermissionDenied,
                        format!(
                            "You do not have permission to {operation}: the action '{action}' is not allowed{on}."
                        ),
                    )
                    .with_remedy(format!(
                        "Ask an Owner of the workspace or subscription to grant you a role that includes '{action}'. If access was just granted, wait a few minutes and sign in again."
                    ))
                    .with_detail("action", action)
                }
                _ => Error::new(
                    ErrorCode::PermissionDenied,
                    format!("You do not have permission to {operation}.{said}"),
                )
                .with_remedy("Ask an Owner of the workspace for access, then try again."),
            }
        }
        404 => Error::new(
            ErrorCode::NotFound,
            format!("pfrm could not {operation}: it was not found.{said}"),
        )
        .with_remedy(
            "Check the name, and that the right subscription and workspace are selected; refresh the list.",
        ),
        409 | 412 => Error::new(
            ErrorCode::Conflict,
            format!("pfrm could not {operation} because it conflicts with the current state.{said}"),
        )
        .with_remedy("Refresh to see the current state, then try again."),
        429 => Error::new(
            ErrorCode::Throttled,
            format!("Azure is throttling requests, so pfrm could not {operation}.{said}"),
        )
        .with_remedy("Wait a minute and try again."),
        408 | 500..=599 => Error::new(
            ErrorCode::ServiceUnavailable,
            format!("The service failed or is unavailable, so pfrm could not {operation} (HTTP {status}).{said}"),
        )
        .with_remedy("This is usually temporary: wait a moment and try again. If it persists, check the Azure status page."),
        400 | 422 if code_is("ValidationError") || code_is("InvalidRequestContent") || code_is("BadRequest") => {
            Error::new(
                ErrorCode::InvalidInput,
                format!("Azure rejected the request to {operation} as invalid.{said}"),
            )
            .with_remedy("Check the values you entered and try again.")
        }
        _ => Error::new(
            ErrorCode::Service,
            format!("Azure refused to {operation} (HTTP {status}).{said}"),
        )
        .with_remedy("Read the message above; fix what it names and try again."),
    };

    error = error.with_detail("status", status);
    if let Some(code) = service.code {
        error = error.with_detail("armCode", code);
    }
    if let Some(inner) = service.inner_code.clone() {
        error = error.with_detail("innerCode", inner);
    }
    if let Some(request_id) = header("x-ms-request-id").or_else(|| header("request-id")) {
        error = error.with_detail("requestId", request_id);
    }
    if let Some(correlation) = header("x-ms-correlation-request-id").or(service.correlation_id) {
        error = error.with_detail("correlationId", correlation);
    }
    error = error.with_detail("clientRequestId", client_request_id);
    if status == 401 {
        if let Some(claims) = challenge_claims(headers) {
            error = error.with_detail(CLAIMS_DETAIL, claims);
        }
    }
    // The parts were redacted one by one; joined into a sentence they can form a new
    // secret-shaped run (a quoted action ending in `id_token=` followed by "' is not allowed").
    // One more pass over the whole makes the message a fixed point of the redaction.
    error.message = redact_secrets(&error.message);
    let codes: Vec<&str> = [service_code.as_str()]
        .into_iter()
        .chain(service.inner_code.as_deref())
        .filter(|code| !code.is_empty())
        .collect();
    crate::diagnosis::attach_if_known(error, &service_message, &codes)
}

/// What to do about a certificate that failed verification.
pub const CERTIFICATE_REMEDY: &str = "If your organisation inspects HTTPS traffic through a proxy, pfrm must trust that proxy's root certificate: add it to the system's trusted certificates, or put its PEM file in a cloud configuration file as \"caCertPath\" and pass that file with --cloud-config (PFRM_CLOUD_CONFIG). If you expect no such proxy, the connection may be intercepted: do not sign in from this network until your IT team has checked it.";

/// Why a TLS handshake refused the server's certificate, when `error` (or any error it wraps)
/// is such a refusal. Connection and timeout failures give `None`.
pub fn certificate_problem(error: &(dyn std::error::Error + 'static)) -> Option<String> {
    use rustls::CertificateError as Cert;
    let mut next = Some(error);
    while let Some(current) = next {
        if let Some(rustls::Error::InvalidCertificate(problem)) =
            current.downcast_ref::<rustls::Error>()
        {
            return Some(
                match problem {
                    Cert::UnknownIssuer => {
                        "it is signed by an issuer pfrm does not trust (unknown issuer)"
                    }
                    Cert::Expired | Cert::ExpiredContext { .. } => "it has expired",
                    Cert::NotValidYet | Cert::NotValidYetContext { .. } => "it is not valid yet",
                    Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
                        "it was issued for another name (name mismatch)"
                    }
                    Cert::Revoked => "it has been revoked",
                    Cert::BadSignature => "its signature is not valid",
                    Cert::InvalidPurpose | Cert::InvalidPurposeContext { .. } => {
                        "it is not meant for identifying a server"
                    }
                    other => return Some(format!("it failed verification ({other:?})")),
                }
                .to_owned(),
            );
        }
        // An `io::Error` that wraps another error does not give it as its `source()` (it gives
        // the wrapped error's source): step into it instead. TLS errors come wrapped twice.
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            Some(inner) => Some(inner as &(dyn std::error::Error + 'static)),
            None => current.source(),
        };
    }
    None
}

/// The certificate error for a request to `host` that failed because the server's certificate
/// was refused; `None` for every other transport failure.
pub fn certificate_error(
    host: &str,
    operation: &str,
    error: &(dyn std::error::Error + 'static),
) -> Option<Error> {
    let reason = certificate_problem(error)?;
    Some(
        Error::new(
            ErrorCode::Certificate,
            format!(
                "pfrm could not {operation} because the certificate of {host} is not trusted: {reason}."
            ),
        )
        .with_remedy(CERTIFICATE_REMEDY)
        .with_detail("host", host),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;
    use serde_json::json;

    fn classify(status: u16, body: Value) -> Error {
        let mut headers = HeaderMap::new();
        headers.insert("x-ms-request-id", HeaderValue::from_static("req-1"));
        headers.insert(
            "x-ms-correlation-request-id",
            HeaderValue::from_static("corr-1"),
        );
        classify_response(
            "list the workspaces",
            status,
            &headers,
            body.to_string().as_bytes(),
            "client-1",
        )
    }

    fn arm(code: &str, message: &str) -> Value {
        json!({"error": {"code": code, "message": message}})
    }

    #[test]
    fn status_and_service_code_decide_the_error_code() {
        let table = [
            (
                401,
                arm("InvalidAuthenticationToken", "bad"),
                ErrorCode::SignInRequired,
            ),
            (
                403,
                arm("AuthorizationFailed", "nope"),
                ErrorCode::PermissionDenied,
            ),
            (404, arm("ResourceNotFound", "gone"), ErrorCode::NotFound),
            (
                409,
                arm("RoleAssignmentExists", "exists"),
                ErrorCode::Conflict,
            ),
            (412, arm("PreconditionFailed", "etag"), ErrorCode::Conflict),
            (
                429,
                arm("SubscriptionRequestsThrottled", "slow"),
                ErrorCode::Throttled,
            ),
            (
                500,
                arm("InternalServerError", "boom"),
                ErrorCode::ServiceUnavailable,
            ),
            (503, json!("unavailable"), ErrorCode::ServiceUnavailable),
            (400, arm("PrincipalNotFound", "who"), ErrorCode::Service),
            (
                400,
                arm("ValidationError", "bad name"),
                ErrorCode::InvalidInput,
            ),
        ];
        for (status, body, expected) in table {
            let error = classify(status, body.clone());
            assert_eq!(error.code, expected, "{status} {body}");
            let details = error.details.as_ref().unwrap();
            assert_eq!(details["status"], json!(status));
            assert_eq!(details["requestId"], json!("req-1"));
            assert_eq!(details["correlationId"], json!("corr-1"));
            assert_eq!(details["clientRequestId"], json!("client-1"));
            assert!(error.remedy.is_some(), "{status} has no remedy");
            assert!(
                error.message.contains("list the workspaces"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn authorization_failed_names_the_missing_action() {
        let error = classify(
            403,
            arm(
                "AuthorizationFailed",
                "The client 'alice@contoso.com' with object id '1111' does not have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/computes/write' over scope '/subscriptions/s1/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws/computes/ci' or the scope is invalid.",
            ),
        );
        assert_eq!(error.code, ErrorCode::PermissionDenied);
        assert!(error
            .message
            .contains("'Microsoft.MachineLearningServices/workspaces/computes/write'"));
        assert!(error.message.contains("/workspaces/ws/computes/ci"));
        assert!(error
            .remedy
            .unwrap()
            .contains("Microsoft.MachineLearningServices/workspaces/computes/write"));
        assert_eq!(
            error.details.unwrap()["armCode"],
            json!("AuthorizationFailed")
        );
    }

    #[test]
    fn flow_service_envelope_gives_inner_code_and_correlation() {
        let body = json!({
            "error": {"code": "UserError", "message": "Runtime rt1 does not exist.",
                      "innerError": {"code": "NotFound", "innerError": null}},
            "correlation": {"operation": "op-1", "request": "flow-req-9"},
            "environment": "eastus"
        });
        let error = classify_response(
            "get runtime 'rt1'",
            404,
            &HeaderMap::new(),
            body.to_string().as_bytes(),
            "c",
        );
        assert_eq!(error.code, ErrorCode::NotFound);
        assert!(error.message.contains("Runtime rt1 does not exist."));
        let details = error.details.unwrap();
        assert_eq!(details["armCode"], json!("UserError"));
        assert_eq!(details["innerCode"], json!("NotFound"));
        assert_eq!(details["correlationId"], json!("flow-req-9"));
    }

    #[test]
    fn registry_and_graph_dialects_are_read() {
        let registry = classify(
            404,
            json!({"errors": [{"code": "NAME_UNKNOWN", "message": "repository name not known to registry"}]}),
        );
        assert_eq!(registry.code, ErrorCode::NotFound);
        assert_eq!(
            registry.details.as_ref().unwrap()["armCode"],
            json!("NAME_UNKNOWN")
        );
        assert!(registry.message.contains("repository name not known"));
        let graph = classify(
            404,
            json!({"error": {"code": "Request_ResourceNotFound", "message": "Resource 'x' does not exist",
                             "innerError": {"request-id": "g-1", "date": "2024-01-01T00:00:00"}}}),
        );
        assert_eq!(
            graph.details.as_ref().unwrap()["armCode"],
            json!("Request_ResourceNotFound")
        );
    }

    #[test]
    fn messages_never_carry_tokens() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";
        let error = classify(
            401,
            arm(
                "InvalidAuthenticationToken",
                &format!("The token Bearer {jwt} is expired; token={jwt}"),
            ),
        );
        let text = serde_json::to_string(&error).unwrap();
        assert!(!text.contains(jwt), "{text}");
        assert!(!text.contains("c2lnbmF0dXJl"), "{text}");
    }

    #[test]
    fn a_claims_challenge_is_surfaced_for_the_credential_layer() {
        let claims = r#"{"access_token":{"nbf":{"essential":true,"value":"1700000000"}}}"#;
        let encoded = base64::engine::general_purpose::STANDARD.encode(claims);
        let mut headers = HeaderMap::new();
        headers.insert(
            reqwest::header::WWW_AUTHENTICATE,
            HeaderValue::from_str(&format!(
                r#"Bearer authorization_uri="https://login.windows.net/t", error="insufficient_claims", claims="{encoded}""#
            ))
            .unwrap(),
        );
        let error = classify_response("list subscriptions", 401, &headers, b"", "c");
        assert_eq!(error.code, ErrorCode::SignInRequired);
        assert_eq!(claims_challenge(&error), Some(claims));
        assert_eq!(claims_challenge(&classify(401, json!({}))), None);
    }

    #[test]
    fn unreadable_bodies_still_classify_by_status() {
        let error = classify_response(
            "get the workspace",
            502,
            &HeaderMap::new(),
            b"<html>bad gateway</html>",
            "c",
        );
        assert_eq!(error.code, ErrorCode::ServiceUnavailable);
        assert!(error.message.contains("HTTP 502"));
    }
}
