//! Per-cloud endpoints and token audiences.
//!
//! Every host, audience and URL pattern pfrm talks to comes from a [`CloudConfig`]; nothing else in
//! the crate hard-codes a host. The three sovereign clouds are built in; a `Custom` cloud is read
//! from a JSON file (for example the local emulator's ready file) so tests and sandbox mode reach
//! loopback servers through exactly the same code paths as production.
//!
//! The modules: `builtin` (the public, China and US Government clouds), `custom` (a cloud read
//! from a JSON file, checked field by field), `hosts` (addresses derived from a cloud: the flow
//! service of a region, a compute instance's applications, the studio's pages). This module holds
//! the description itself and the token scopes.

mod builtin;
mod custom;
mod hosts;

use url::Url;

use crate::error::{Error, Result};

/// The public client id of the Azure CLI, which is pre-authorised for ARM, Graph and AzureML in
/// every tenant. Used unless the settings name another registered application.
pub const DEFAULT_PUBLIC_CLIENT_ID: &str = "04b07795-8ddb-461a-bbee-02f9e1bf7b46";

/// The largest custom cloud description or CA file pfrm reads (real ones are a few KB).
pub const MAX_CLOUD_FILE_BYTES: u64 = 1024 * 1024;

/// Which Azure cloud a [`CloudConfig`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CloudKind {
    Public,
    China,
    UsGov,
    Custom,
}

/// Which resource a request's bearer token must be issued for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Audience {
    /// No token: anonymous calls such as the container registry's tag list.
    None,
    /// Azure Resource Manager; also used for the prompt flow service.
    Arm,
    /// Microsoft Graph.
    Graph,
    /// The AzureML data plane.
    AzureMl,
    /// Any other resource, given as its audience URI.
    Other(String),
}

/// Endpoints, audiences and host patterns of one Azure cloud.
#[derive(Debug, Clone, PartialEq)]
pub struct CloudConfig {
    /// Short display name (`AzureCloud`, `AzureChinaCloud`, `AzureUSGovernment`, or the custom name).
    pub name: String,
    pub kind: CloudKind,
    /// Microsoft identity platform host, without tenant (`https://login.microsoftonline.com`).
    pub authority_host: Url,
    /// Tenant to sign in to when the user has not chosen one (custom clouds may pin it).
    pub default_tenant: Option<String>,
    /// OAuth public client id used for interactive sign-in.
    pub client_id: String,
    pub arm_endpoint: Url,
    pub arm_audience: String,
    pub graph_endpoint: Url,
    pub graph_audience: String,
    pub azureml_audience: String,
    /// Container registry serving the prompt flow runtime images (`https://mcr.microsoft.com`).
    pub registry_endpoint: Url,
    /// Host name prefix of the images in [`Self::registry_endpoint`] as they appear in image references.
    pub registry_host: String,
    /// Where the data planes of Azure Container Registries are reached when not at their login
    /// servers: an emulated cloud serves every registry at one address, each under its login
    /// server as the first path segment. `None` (every built-in cloud): `https://{loginServer}`.
    pub acr_endpoint: Option<Url>,
    /// Regional flow service host; `{region}` is replaced by the workspace location. A custom cloud
    /// may give a fixed URL without the placeholder.
    pub flow_host_pattern: String,
    /// Domain of compute instance application URLs (`instances.azureml.ms`).
    pub instances_domain: String,
    /// The AzureML studio web UI, for "open in studio" links.
    pub studio_url: Url,
    /// An extra CA certificate (PEM) trusted for this cloud's hosts only. Never set for the
    /// built-in clouds.
    pub extra_ca_pem: Option<String>,
    /// Host of the browser sign-in's loopback redirect URI, as the client registration has it:
    /// `localhost` for Entra's public clients, `127.0.0.1` (RFC 8252 §7.3) by default for a
    /// custom cloud, whose file may say `localhost`, `127.0.0.1` or `[::1]` (`redirectHost`).
    pub redirect_host: String,
    /// The calendar date of an emulated cloud (its scenario's "today"), so the sandbox and tests
    /// show the prompt flow retirement as of that day. Never set for the built-in clouds.
    pub today: Option<time::Date>,
}

impl CloudConfig {
    /// Scope string for a token audience (`{audience}/.default`); `None` for anonymous calls.
    pub fn scope_for(&self, audience: &Audience) -> Option<String> {
        let resource = match audience {
            Audience::None => return None,
            Audience::Arm => &self.arm_audience,
            Audience::Graph => &self.graph_audience,
            Audience::AzureMl => &self.azureml_audience,
            Audience::Other(resource) => resource,
        };
        Some(format!("{}/.default", resource.trim_end_matches('/')))
    }

    pub fn arm_scope(&self) -> String {
        self.scope_for(&Audience::Arm).unwrap_or_default()
    }

    pub fn graph_scope(&self) -> String {
        self.scope_for(&Audience::Graph).unwrap_or_default()
    }

    pub fn azureml_scope(&self) -> String {
        self.scope_for(&Audience::AzureMl).unwrap_or_default()
    }

    /// The base URL of a container registry's data plane (`/v2/...`, `/oauth2/...`) by its login
    /// server (`contoso.azurecr.io`), as [`Self::acr_endpoint`] says. The login server must be a
    /// bare host name, so nothing else can be addressed through it.
    pub fn acr_base(&self, login_server: &str) -> Result<Url> {
        let server = login_server.trim().to_ascii_lowercase();
        let valid = !server.is_empty()
            && server.len() <= 253
            && server.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            });
        if !valid {
            return Err(Error::invalid_input(format!(
                "'{}' is not the login server of a container registry.",
                login_server.escape_debug()
            )));
        }
        match &self.acr_endpoint {
            None => Url::parse(&format!("https://{server}/")).map_err(|error| {
                Error::invalid_input(format!("'{server}' is not a valid host: {error}"))
            }),
            Some(endpoint) => {
                let mut url = endpoint.clone();
                url.path_segments_mut()
                    .map_err(|()| Error::internal("the registry endpoint cannot be a base URL"))?
                    .pop_if_empty()
                    .push(&server)
                    .push("");
                Ok(url)
            }
        }
    }

    /// Authority URL for a tenant (`{authority_host}/{tenant}`).
    pub fn authority(&self, tenant: &str) -> Result<Url> {
        self.authority_host
            .join(&format!("{}/", tenant.trim_matches('/')))
            .map_err(|error| {
                Error::invalid_input(format!("Tenant '{tenant}' is not valid: {error}"))
            })
    }
}

/// The emulator's ready file as the tests of the modules read it.
#[cfg(test)]
const READY_FILE: &str = r#"{"name":"pfrm-emulator","cloud":"Custom","authorityHost":"https://127.0.0.1:4001",
    "tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","armEndpoint":"https://127.0.0.1:4002",
    "armAudience":"https://management.azure.com","flowEndpoint":"https://127.0.0.1:4003",
    "registryEndpoint":"https://127.0.0.1:4004","acrEndpoint":"https://127.0.0.1:4004/acr","graphEndpoint":"https://127.0.0.1:4005",
    "graphAudience":"https://graph.microsoft.com","controlEndpoint":"https://127.0.0.1:4006",
    "caCertPem":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
    "clientId":"04b07795-8ddb-461a-bbee-02f9e1bf7b46","users":[{"upn":"alice@contoso.com"}],"scenario":"first-time"}"#;
