//! OpenID Connect discovery: the authority's own description of itself (issuer, signing keys,
//! supported `prompt` values, RFC 9207 support), read from
//! `{authority}/{tenant}/v2.0/.well-known/openid-configuration` as Microsoft Entra lays it out.
//!
//! Both the metadata (per tenant) and the key sets (per `jwks_uri`) are cached for the life of
//! the process; a key set is fetched again when a token names a key it does not hold (keys roll).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use jsonwebtoken::jwk::JwkSet;
use serde::Deserialize;
use url::Url;

use super::oauth::{network_error, Authority};
use crate::error::{Error, ErrorCode};

/// The parts of the discovery document pfrm uses.
#[derive(Debug, Clone, Deserialize)]
pub struct ProviderMetadata {
    /// The issuer ID tokens must name. Entra's multi-tenant authorities use the template
    /// `https://login.microsoftonline.com/{tenantid}/v2.0`, filled from the token's `tid`.
    pub issuer: String,
    pub jwks_uri: String,
    #[serde(default)]
    pub prompt_values_supported: Option<Vec<String>>,
    /// RFC 9207: the authorization response carries `iss`, which must be checked.
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Option<Vec<String>>,
}

impl ProviderMetadata {
    /// Whether the authority accepts `prompt=value` (not listed, or no list at all: not sent).
    pub fn supports_prompt(&self, value: &str) -> bool {
        self.prompt_values_supported
            .as_ref()
            .is_some_and(|values| values.iter().any(|v| v == value))
    }

    /// Whether `iss` is this authority's issuer (for a `{tenantid}` template: for any one tenant).
    pub fn is_issuer(&self, iss: &str) -> bool {
        match self.issuer.split_once("{tenantid}") {
            None => iss == self.issuer,
            Some((before, after)) => iss
                .strip_prefix(before)
                .and_then(|rest| rest.strip_suffix(after))
                .is_some_and(|tenant| !tenant.is_empty() && !tenant.contains('/')),
        }
    }

    /// The issuer a token from tenant `tid` must carry; `None` when the issuer is a template and
    /// the token has no tenant to fill it with.
    pub fn issuer_for(&self, tid: Option<&str>) -> Option<String> {
        if self.issuer.contains("{tenantid}") {
            Some(self.issuer.replace("{tenantid}", tid?))
        } else {
            Some(self.issuer.clone())
        }
    }
}

/// Fetches and caches discovery documents and signing keys of one authority.
#[derive(Debug)]
pub struct Discovery {
    authority: Authority,
    http: reqwest::Client,
    metadata: Mutex<HashMap<String, Arc<ProviderMetadata>>>,
    keys: Mutex<HashMap<String, Arc<JwkSet>>>,
}

impl Discovery {
    pub fn new(authority: Authority, http: reqwest::Client) -> Self {
        Discovery {
            authority,
            http,
            metadata: Mutex::new(HashMap::new()),
            keys: Mutex::new(HashMap::new()),
        }
    }

    pub fn authority(&self) -> &Authority {
        &self.authority
    }

    pub fn metadata_url(&self, tenant: &str) -> Url {
        let mut url = self.authority.host.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!(
            "{base}/{tenant}/v2.0/.well-known/openid-configuration"
        ));
        url.set_query(None);
        url
    }

    /// The discovery document for `tenant` (cached).
    pub async fn metadata(&self, tenant: &str) -> Result<Arc<ProviderMetadata>, Error> {
        if let Some(cached) = self.metadata.lock().unwrap().get(tenant) {
            return Ok(cached.clone());
        }
        let url = self.metadata_url(tenant);
        let metadata: ProviderMetadata = self.get_json(&url, "sign-in configuration").await?;
        // The issuer and the keys must be the authority's own (https, same host and port): a
        // document naming another host could otherwise vouch for tokens of that host.
        let issuer = Url::parse(&metadata.issuer.replace("{tenantid}", "tenant"))
            .map_err(|_| unusable(&url, "its issuer is not a URL"))?;
        if !self.is_own(&issuer) {
            return Err(unusable(&url, "its issuer is on another host"));
        }
        if Url::parse(&metadata.jwks_uri).map_or(true, |jwks| jwks.scheme() != "https") {
            return Err(unusable(&url, "its signing keys are not served over https"));
        }
        let metadata = Arc::new(metadata);
        self.metadata
            .lock()
            .unwrap()
            .insert(tenant.to_owned(), metadata.clone());
        Ok(metadata)
    }

    /// The signing keys at `jwks_uri`; `refetch` bypasses the cache (a token named an unknown key).
    pub async fn keys(&self, jwks_uri: &Url, refetch: bool) -> Result<Arc<JwkSet>, Error> {
        if !refetch {
            if let Some(cached) = self.keys.lock().unwrap().get(jwks_uri.as_str()) {
                return Ok(cached.clone());
            }
        }
        let keys: JwkSet = self.get_json(jwks_uri, "signing keys").await?;
        let keys = Arc::new(keys);
        self.keys
            .lock()
            .unwrap()
            .insert(jwks_uri.as_str().to_owned(), keys.clone());
        Ok(keys)
    }

    fn is_own(&self, url: &Url) -> bool {
        url.scheme() == "https"
            && url.host_str() == self.authority.host.host_str()
            && url.port_or_known_default() == self.authority.host.port_or_known_default()
    }

    async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &Url,
        what: &str,
    ) -> Result<T, Error> {
        let response = self
            .http
            .get(url.clone())
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|error| network_error(url, &error))?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::new(
                if status.is_server_error() {
                    ErrorCode::ServiceUnavailable
                } else {
                    ErrorCode::Config
                },
                format!(
                    "The sign-in service did not give its {what} (HTTP {}).",
                    status.as_u16()
                ),
            )
            .with_remedy(
                "Check the authority host and tenant in the cloud settings, then try again.",
            )
            .with_detail("url", url.as_str()));
        }
        let body = response
            .bytes()
            .await
            .map_err(|error| network_error(url, &error))?;
        serde_json::from_slice(&body).map_err(|error| {
            Error::new(
                ErrorCode::Service,
                format!("The sign-in service's {what} could not be read."),
            )
            .with_remedy("Check the authority host in the cloud settings.")
            .with_detail("url", url.as_str())
            .with_detail("cause", error.to_string())
        })
    }
}

fn unusable(url: &Url, why: &str) -> Error {
    Error::new(
        ErrorCode::Config,
        format!("The sign-in configuration at {url} cannot be used: {why}."),
    )
    .with_remedy("Check the authority host in the cloud settings.")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata(issuer: &str, prompts: Option<&[&str]>) -> ProviderMetadata {
        ProviderMetadata {
            issuer: issuer.into(),
            jwks_uri: "https://login.example.test/keys".into(),
            prompt_values_supported: prompts.map(|p| p.iter().map(|s| (*s).to_owned()).collect()),
            authorization_response_iss_parameter_supported: false,
            id_token_signing_alg_values_supported: None,
        }
    }

    #[test]
    fn the_tenant_template_is_filled_from_the_token() {
        let entra = metadata("https://login.example.test/{tenantid}/v2.0", None);
        assert_eq!(
            entra.issuer_for(Some("t1")).as_deref(),
            Some("https://login.example.test/t1/v2.0")
        );
        assert_eq!(entra.issuer_for(None), None);
        assert!(entra.is_issuer("https://login.example.test/t1/v2.0"));
        assert!(!entra.is_issuer("https://login.example.test/v2.0"));
        assert!(!entra.is_issuer("https://login.example.test/t1/x/v2.0"));
        assert!(!entra.is_issuer("https://evil.example.test/t1/v2.0"));
        let fixed = metadata("https://login.example.test/t9/v2.0", None);
        assert_eq!(
            fixed.issuer_for(Some("t1")).as_deref(),
            Some("https://login.example.test/t9/v2.0")
        );
    }

    #[test]
    fn prompt_values_are_sent_only_when_listed() {
        assert!(!metadata("i", None).supports_prompt("select_account"));
        assert!(!metadata("i", Some(&["login", "consent"])).supports_prompt("select_account"));
        assert!(metadata("i", Some(&["select_account"])).supports_prompt("select_account"));
    }

    #[test]
    fn the_document_is_read_where_entra_keeps_it() {
        let discovery = Discovery::new(
            Authority::new(Url::parse("https://login.example.test/").unwrap(), "c").unwrap(),
            reqwest::Client::new(),
        );
        assert_eq!(
            discovery.metadata_url("organizations").as_str(),
            "https://login.example.test/organizations/v2.0/.well-known/openid-configuration"
        );
    }
}
