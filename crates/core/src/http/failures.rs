//! What a call that got no usable answer means for the user: a timeout, a redirect pfrm does
//! not follow, a network failure (before or after the request went out), or no token. Each
//! error names the operation, the host and the request id, and never the URL's secrets.

use std::fmt;
use std::time::Duration;

use reqwest::header::HeaderMap;
use url::Url;

use super::{redact_secrets, ApiRequest};
use crate::error::{Error, ErrorCode};

/// Why one attempt got no answer.
#[derive(Debug)]
pub(super) enum Failure {
    Http(reqwest::Error),
    /// The attempt's or the call's deadline passed first.
    Deadline,
}

impl Failure {
    pub(super) fn is_connect(&self) -> bool {
        matches!(self, Failure::Http(error) if error.is_connect())
    }
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        Failure::Http(error)
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Http(error) => f.write_str(&redact_secrets(&error.without_url_text())),
            Failure::Deadline => f.write_str("no answer in time"),
        }
    }
}

pub(super) fn timeout_error(
    request: &ApiRequest,
    url: &Url,
    client_request_id: &str,
    deadline: Duration,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    Error::new(
        ErrorCode::Timeout,
        format!(
            "pfrm could not {} because {host} did not answer within {} seconds.",
            request.operation,
            deadline.as_secs()
        ),
    )
    .with_remedy("The service may be slow or a proxy may be holding the connection. Try again in a few minutes; check your VPN or proxy (HTTPS_PROXY) if it keeps happening.")
    .with_detail("host", host)
    .with_detail("clientRequestId", client_request_id)
}

pub(super) fn redirect_error(
    request: &ApiRequest,
    url: &Url,
    headers: &HeaderMap,
    client_request_id: &str,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    let location = headers
        .get(reqwest::header::LOCATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|location| url.join(location).ok());
    let target = location
        .as_ref()
        .map(|target| {
            format!(
                "{}://{}",
                target.scheme(),
                target.host_str().unwrap_or_default()
            )
        })
        .unwrap_or_else(|| "another address".to_owned());
    Error::new(
        ErrorCode::Network,
        format!(
            "pfrm could not {} because {host} redirected the request to {target}, which pfrm does not follow (only HTTPS on the same host is).",
            request.operation
        ),
    )
    .with_remedy("A proxy, captive portal or misconfigured endpoint may be answering instead of Azure. Check your network and the cloud configuration, then try again.")
    .with_detail("host", host)
    .with_detail("redirectedTo", target)
    .with_detail("clientRequestId", client_request_id)
}

pub(super) fn network_error(
    request: &ApiRequest,
    url: &Url,
    client_request_id: &str,
    error: &reqwest::Error,
) -> Error {
    let host = url.host_str().unwrap_or("the service");
    let cause = if error.is_timeout() {
        "the request timed out".to_owned()
    } else if error.is_connect() {
        "the connection could not be made".to_owned()
    } else {
        // reqwest's Display includes the URL; keep only the kind of failure.
        redact_secrets(&error.without_url_text())
    };
    let error = if error.is_connect() {
        Error::new(
            ErrorCode::Network,
            format!(
                "pfrm could not {} because {host} could not be reached ({cause}).",
                request.operation
            ),
        )
    } else {
        // The request went out: the server may have carried it out before the answer was lost.
        Error::new(
            ErrorCode::Network,
            format!(
                "pfrm sent the request to {} to {host}, but its answer was lost ({cause}).",
                request.operation
            ),
        )
        .with_detail(crate::error::OUTCOME_UNKNOWN_DETAIL, true)
    };
    error
        .with_remedy("Check your internet connection, VPN or proxy (HTTPS_PROXY), then try again.")
        .with_detail("host", host)
        .with_detail("clientRequestId", client_request_id)
}

trait WithoutUrlText {
    fn without_url_text(&self) -> String;
}

impl WithoutUrlText for reqwest::Error {
    fn without_url_text(&self) -> String {
        let mut source: Option<&dyn std::error::Error> = std::error::Error::source(self);
        let mut text = String::from("request failed");
        while let Some(cause) = source {
            text = cause.to_string();
            source = cause.source();
        }
        text
    }
}

pub(super) fn credential_error(scope: &str, error: azure_core::Error) -> Error {
    if let Some(inner) = error.get_ref() {
        if let Some(ours) = inner.downcast_ref::<Error>() {
            return ours.clone();
        }
    }
    let code = match error.kind() {
        azure_core::error::ErrorKind::Io | azure_core::error::ErrorKind::Connection => {
            ErrorCode::Network
        }
        _ => ErrorCode::SignInRequired,
    };
    let remedy = if code == ErrorCode::Network {
        "Check your internet connection, VPN or proxy, then try again."
    } else {
        "Sign in again."
    };
    Error::new(
        code,
        format!(
            "pfrm could not get an access token for {}: {}.",
            scope.trim_end_matches("/.default"),
            redact_secrets(&error.to_string())
        ),
    )
    .with_remedy(remedy)
}
