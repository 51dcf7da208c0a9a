//! The HTTPS client under the pipeline and the identity client: rustls, the system proxy, the
//! cloud's own CA for its hosts only, and a redirect rule that never steers a token elsewhere.

use std::time::Duration;

use super::{user_agent, Deadlines};
use crate::cloud::CloudConfig;
use crate::error::{Error, ErrorCode, Result};

/// Which redirects a client follows. None ever goes from HTTPS to plain HTTP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Redirects {
    /// Only to the same scheme, host and port (ARM, the flow service, Graph): a token-bearing
    /// request is never steered to another service.
    SameOrigin,
    /// To any HTTPS URL (the anonymous container registry).
    HttpsOnly,
}

/// At most this many redirects in one chain.
const MAX_REDIRECTS: usize = 5;

impl Redirects {
    pub(super) fn policy(self) -> reqwest::redirect::Policy {
        reqwest::redirect::Policy::custom(move |attempt| {
            let next = attempt.url();
            let Some(previous) = attempt.previous().last() else {
                return attempt.stop();
            };
            let downgrade = previous.scheme() == "https" && next.scheme() != "https";
            let other_origin = self == Redirects::SameOrigin && previous.origin() != next.origin();
            if downgrade || other_origin || attempt.previous().len() > MAX_REDIRECTS {
                // The 3xx answer comes back to the pipeline, which reports it.
                attempt.stop()
            } else {
                attempt.follow()
            }
        })
    }
}

/// Builds a reqwest client with `deadlines` (connect, idle; the attempt and call deadlines are
/// enforced by the pipeline).
pub(super) fn build_client(
    cloud: &CloudConfig,
    deadlines: &Deadlines,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    client_builder(
        cloud,
        deadlines.connect,
        deadlines.idle,
        deadlines.attempt,
        redirects,
    )
}

/// Builds a reqwest client: rustls, system proxy (HTTPS_PROXY/NO_PROXY), and the cloud's own
/// CA when it has one. The CA is added to this client only, so it is trusted for this cloud's
/// requests and nowhere else. Connect and idle waits use the [`Deadlines`] defaults.
pub(crate) fn https_client_for_cloud(
    cloud: &CloudConfig,
    request_timeout: Duration,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    let defaults = Deadlines::default();
    client_builder(
        cloud,
        defaults.connect,
        defaults.idle.min(request_timeout),
        request_timeout,
        redirects,
    )
}

fn client_builder(
    cloud: &CloudConfig,
    connect: Duration,
    idle: Duration,
    request_timeout: Duration,
    redirects: reqwest::redirect::Policy,
) -> Result<reqwest::Client> {
    let mut builder = reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(connect)
        .read_timeout(idle)
        .timeout(request_timeout)
        .redirect(redirects);
    if let Some(pem) = &cloud.extra_ca_pem {
        let certificates =
            reqwest::Certificate::from_pem_bundle(pem.as_bytes()).map_err(|error| {
                Error::new(
                    ErrorCode::Config,
                    format!(
                        "The CA certificate of cloud '{}' could not be read: {error}.",
                        cloud.name
                    ),
                )
            })?;
        builder = builder.tls_certs_merge(certificates);
    }
    builder.build().map_err(|error| {
        Error::new(
            ErrorCode::Config,
            format!("The HTTPS client could not be set up: {error}."),
        )
        .with_remedy("Check the proxy settings (HTTPS_PROXY) and the cloud configuration.")
    })
}
