//! Per-cloud endpoints and token audiences.
//!
//! Every host, audience and URL pattern pfrm talks to comes from a [`CloudConfig`]; nothing else in
//! the crate hard-codes a host. The three sovereign clouds are built in; a `Custom` cloud is read
//! from a JSON file (for example the local emulator's ready file) so tests and sandbox mode reach
//! loopback servers through exactly the same code paths as production.

use std::path::Path;

use serde::Deserialize;
use url::Url;

use crate::error::{Error, ErrorCode, Result};

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

fn url(text: &str) -> Url {
    Url::parse(text).expect("built-in cloud URLs are valid")
}

impl CloudConfig {
    pub fn public() -> Self {
        CloudConfig {
            name: "AzureCloud".into(),
            kind: CloudKind::Public,
            authority_host: url("https://login.microsoftonline.com"),
            default_tenant: None,
            client_id: DEFAULT_PUBLIC_CLIENT_ID.into(),
            arm_endpoint: url("https://management.azure.com"),
            arm_audience: "https://management.azure.com".into(),
            graph_endpoint: url("https://graph.microsoft.com"),
            graph_audience: "https://graph.microsoft.com".into(),
            azureml_audience: "https://ml.azure.com".into(),
            registry_endpoint: url("https://mcr.microsoft.com"),
            registry_host: "mcr.microsoft.com".into(),
            flow_host_pattern: "https://{region}.api.azureml.ms".into(),
            instances_domain: "instances.azureml.ms".into(),
            studio_url: url("https://ml.azure.com"),
            extra_ca_pem: None,
            redirect_host: "localhost".into(),
            today: None,
        }
    }

    pub fn china() -> Self {
        CloudConfig {
            name: "AzureChinaCloud".into(),
            kind: CloudKind::China,
            authority_host: url("https://login.chinacloudapi.cn"),
            arm_endpoint: url("https://management.chinacloudapi.cn"),
            arm_audience: "https://management.chinacloudapi.cn".into(),
            graph_endpoint: url("https://microsoftgraph.chinacloudapi.cn"),
            graph_audience: "https://microsoftgraph.chinacloudapi.cn".into(),
            azureml_audience: "https://ml.azure.cn".into(),
            flow_host_pattern: "https://{region}.api.ml.azure.cn".into(),
            instances_domain: "instances.azureml.cn".into(),
            studio_url: url("https://studio.ml.azure.cn"),
            ..CloudConfig::public()
        }
    }

    pub fn us_gov() -> Self {
        CloudConfig {
            name: "AzureUSGovernment".into(),
            kind: CloudKind::UsGov,
            authority_host: url("https://login.microsoftonline.us"),
            arm_endpoint: url("https://management.usgovcloudapi.net"),
            arm_audience: "https://management.usgovcloudapi.net".into(),
            graph_endpoint: url("https://graph.microsoft.us"),
            graph_audience: "https://graph.microsoft.us".into(),
            azureml_audience: "https://ml.azure.us".into(),
            flow_host_pattern: "https://{region}.api.ml.azure.us".into(),
            instances_domain: "instances.azureml.us".into(),
            studio_url: url("https://ml.azure.us"),
            ..CloudConfig::public()
        }
    }

    /// A built-in cloud by the names users type (`public`, `AzureCloud`, `china`, `usgov`, ...).
    pub fn builtin(name: &str) -> Option<Self> {
        match name.to_ascii_lowercase().as_str() {
            "public" | "azurecloud" | "azure" => Some(Self::public()),
            "china" | "azurechinacloud" | "mooncake" => Some(Self::china()),
            "usgov" | "us-gov" | "azureusgovernment" | "usgovernment" => Some(Self::us_gov()),
            _ => None,
        }
    }

    /// Reads a custom cloud description (for example the emulator's ready file), refusing one
    /// larger than [`MAX_CLOUD_FILE_BYTES`].
    pub fn from_custom_file(path: &Path) -> Result<Self> {
        let text = crate::files::read_capped(path, MAX_CLOUD_FILE_BYTES)
            .and_then(|bytes| {
                String::from_utf8(bytes).map_err(|_| {
                    std::io::Error::new(std::io::ErrorKind::InvalidData, "it is not UTF-8 text")
                })
            })
            .map_err(|error| {
                Error::new(
                    ErrorCode::Config,
                    format!(
                        "The cloud configuration file {} could not be read: {error}.",
                        path.display()
                    ),
                )
                .with_remedy(
                    "Check the path given for the custom cloud, or choose a built-in cloud.",
                )
            })?;
        Self::from_custom_json(&text).map_err(|error| {
            let message = format!("{} ({})", error.message, path.display());
            Error { message, ..error }
        })
    }

    /// Parses a custom cloud description. Unknown fields are ignored.
    pub fn from_custom_json(text: &str) -> Result<Self> {
        let file: CustomCloudFile = serde_json::from_str(text).map_err(|error| {
            Error::new(
                ErrorCode::Config,
                format!("The custom cloud description is not valid: {error}."),
            )
            .with_remedy("Fix the file or choose a built-in cloud (public, china, usgov).")
        })?;
        file.into_config()
    }

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

    /// The studio's page of a runtime (`{studio}/prompts/runtime/{name}/details?wsid={id}`), in
    /// this cloud's studio: `ml.azure.com`, `studio.ml.azure.cn` or `ml.azure.us`.
    pub fn studio_runtime_link(&self, runtime_name: &str, workspace_id: &str) -> String {
        let mut page = self.studio_url.clone();
        if let Ok(mut segments) = page.path_segments_mut() {
            segments
                .pop_if_empty()
                .extend(["prompts", "runtime", runtime_name, "details"]);
        }
        // The studio reads `wsid` as the ARM id with its slashes as they are.
        format!("{page}?wsid={workspace_id}")
    }

    /// The studio's prompt flow page of a workspace (`{studio}/prompts?wsid={id}`).
    pub fn studio_prompts_link(&self, workspace_id: &str) -> String {
        format!(
            "{}/prompts?wsid={workspace_id}",
            self.studio_url.as_str().trim_end_matches('/')
        )
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

    /// Authority URL for a tenant (`{authority_host}/{tenant}`).
    pub fn authority(&self, tenant: &str) -> Result<Url> {
        self.authority_host
            .join(&format!("{}/", tenant.trim_matches('/')))
            .map_err(|error| {
                Error::invalid_input(format!("Tenant '{tenant}' is not valid: {error}"))
            })
    }

    /// The flow service host for a workspace region when the workspace gives no discovery URL.
    pub fn flow_host_for_region(&self, region: &str) -> Result<Url> {
        let region = region.trim().to_ascii_lowercase().replace(' ', "");
        if !region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        {
            return Err(Error::invalid_input(format!(
                "'{region}' is not a valid Azure region name."
            )));
        }
        let text = self.flow_host_pattern.replace("{region}", &region);
        Url::parse(&text).map_err(|error| {
            Error::new(
                ErrorCode::Config,
                format!("The flow service host '{text}' is not a valid URL: {error}."),
            )
        })
    }

    /// Whether `host` belongs to this cloud's flow service, so an ARM token may be sent there.
    pub fn is_flow_host(&self, candidate: &Url) -> bool {
        if candidate.scheme() != "https" {
            return false;
        }
        let Some(host) = candidate.host_str() else {
            return false;
        };
        match self.flow_host_pattern.split_once("{region}") {
            Some((_, suffix)) => {
                let suffix = Url::parse(&format!("https://x{suffix}"))
                    .ok()
                    .and_then(|u| u.host_str().map(|h| h.trim_start_matches('x').to_owned()));
                match suffix {
                    Some(suffix) if !suffix.is_empty() => host.ends_with(&suffix),
                    _ => false,
                }
            }
            None => Url::parse(&self.flow_host_pattern).is_ok_and(|fixed| {
                fixed.host_str() == Some(host)
                    && fixed.port_or_known_default() == candidate.port_or_known_default()
            }),
        }
    }

    /// URL of a compute instance application (`https://{ci}[-{port}].{region}.{instances_domain}`).
    pub fn instance_app_url(&self, compute: &str, region: &str, port: Option<u16>) -> String {
        match port {
            Some(port) => format!(
                "https://{compute}-{port}.{region}.{}",
                self.instances_domain
            ),
            None => format!("https://{compute}.{region}.{}", self.instances_domain),
        }
    }
}

/// The JSON form of a custom cloud. Field names follow the emulator's ready file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct CustomCloudFile {
    #[serde(default)]
    name: Option<String>,
    authority_host: String,
    #[serde(default)]
    tenant_id: Option<String>,
    arm_endpoint: String,
    #[serde(default)]
    arm_audience: Option<String>,
    #[serde(default)]
    flow_endpoint: Option<String>,
    #[serde(default)]
    registry_endpoint: Option<String>,
    #[serde(default)]
    graph_endpoint: Option<String>,
    #[serde(default)]
    graph_audience: Option<String>,
    #[serde(default)]
    azureml_audience: Option<String>,
    #[serde(default)]
    instances_domain: Option<String>,
    #[serde(default)]
    studio_url: Option<String>,
    #[serde(default)]
    ca_cert_pem: Option<String>,
    #[serde(default)]
    ca_cert_path: Option<String>,
    #[serde(default)]
    client_id: Option<String>,
    #[serde(default)]
    redirect_host: Option<String>,
    /// `YYYY-MM-DD`: the emulated cloud's date.
    #[serde(default)]
    today: Option<String>,
}

fn parse_endpoint(field: &str, text: &str) -> Result<Url> {
    let parsed = Url::parse(text).map_err(|error| {
        // Never echo what may be a password.
        let shown = if text.contains('@') { "…" } else { text };
        config_field_error(field, format!("is not a valid URL ('{shown}'): {error}"))
    })?;
    if parsed.scheme() != "https" {
        return Err(Error::new(
            ErrorCode::Config,
            format!("The custom cloud field '{field}' must be an https URL, got '{text}'."),
        )
        .with_remedy("pfrm only sends credentials over HTTPS."));
    }
    // A user name or password in an endpoint would be sent along with every request and shown
    // in messages; a query or fragment would be silently dropped or merged into every call.
    let problem = if !parsed.username().is_empty() || parsed.password().is_some() {
        Some("must not contain a user name or password")
    } else if parsed.host_str().is_none_or(str::is_empty) {
        Some("must name a host")
    } else if parsed.query().is_some() || parsed.fragment().is_some() {
        Some("must not have a query (?...) or fragment (#...)")
    } else {
        None
    };
    if let Some(problem) = problem {
        let mut shown = parsed.clone();
        let _ = shown.set_username("");
        let _ = shown.set_password(None);
        return Err(Error::new(
            ErrorCode::Config,
            format!("The custom cloud field '{field}' {problem} (got '{shown}')."),
        )
        .with_remedy(format!(
            "Fix '{field}' in the cloud configuration file, or choose a built-in cloud."
        ))
        .with_detail("field", field));
    }
    Ok(parsed)
}

fn config_field_error(field: &str, problem: String) -> Error {
    Error::new(
        ErrorCode::Config,
        format!("The custom cloud field '{field}' {problem}."),
    )
    .with_remedy(format!(
        "Fix '{field}' in the cloud configuration file, or choose a built-in cloud."
    ))
    .with_detail("field", field)
}

impl CustomCloudFile {
    fn into_config(self) -> Result<CloudConfig> {
        let public = CloudConfig::public();
        let arm_endpoint = parse_endpoint("armEndpoint", &self.arm_endpoint)?;
        let registry_endpoint = match &self.registry_endpoint {
            Some(text) => parse_endpoint("registryEndpoint", text)?,
            None => public.registry_endpoint.clone(),
        };
        let graph_endpoint = match &self.graph_endpoint {
            Some(text) => parse_endpoint("graphEndpoint", text)?,
            None => public.graph_endpoint.clone(),
        };
        let flow_host_pattern = match &self.flow_endpoint {
            Some(text) => {
                // Validate with a sample region so a bad pattern fails at load time.
                parse_endpoint("flowEndpoint", &text.replace("{region}", "eastus"))?;
                text.trim_end_matches('/').to_owned()
            }
            None => public.flow_host_pattern.clone(),
        };
        // A CA file that is named must be there, even when a PEM is also inline: a missing file
        // means the description is stale, and the TLS failure it causes later would look like
        // a network problem.
        let file_pem = match &self.ca_cert_path {
            Some(path) if !path.trim().is_empty() => {
                let bytes = crate::files::read_capped(Path::new(path), MAX_CLOUD_FILE_BYTES)
                    .map_err(|error| {
                        config_field_error(
                            "caCertPath",
                            format!("names a CA certificate file that could not be read ({path}: {error})"),
                        )
                    })?;
                Some(String::from_utf8_lossy(&bytes).into_owned())
            }
            _ => None,
        };
        let (extra_ca_pem, ca_field) = match (self.ca_cert_pem, file_pem) {
            (Some(pem), _) if !pem.trim().is_empty() => (Some(pem), "caCertPem"),
            (_, Some(pem)) => (Some(pem), "caCertPath"),
            _ => (None, ""),
        };
        if let Some(pem) = &extra_ca_pem {
            if !pem.contains("-----BEGIN CERTIFICATE-----") {
                return Err(config_field_error(
                    ca_field,
                    "is not a PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned(),
                ));
            }
        }
        let instances_domain = match self.instances_domain {
            Some(domain) => {
                let valid = !domain.is_empty()
                    && domain.len() <= 253
                    && domain.split('.').all(|label| {
                        !label.is_empty()
                            && label.len() <= 63
                            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                if !valid {
                    return Err(config_field_error(
                        "instancesDomain",
                        format!(
                            "must be a DNS domain such as instances.azureml.ms (got '{domain}')"
                        ),
                    ));
                }
                domain
            }
            None => public.instances_domain.clone(),
        };
        let redirect_host = match self.redirect_host.as_deref() {
            None => "127.0.0.1".to_owned(),
            Some(host @ ("localhost" | "127.0.0.1" | "[::1]")) => host.to_owned(),
            Some(other) => {
                return Err(config_field_error(
                    "redirectHost",
                    format!("must be localhost, 127.0.0.1 or [::1] (got '{other}'): the sign-in redirect only ever goes to this computer"),
                ))
            }
        };
        let today = match &self.today {
            Some(text) => Some(crate::migration::retirement::parse_date(text.trim()).ok_or_else(
                || {
                    Error::new(
                        ErrorCode::Config,
                        format!("The custom cloud field 'today' must be a date YYYY-MM-DD, got '{text}'."),
                    )
                },
            )?),
            None => None,
        };
        Ok(CloudConfig {
            redirect_host,
            name: self.name.unwrap_or_else(|| "Custom".into()),
            kind: CloudKind::Custom,
            authority_host: parse_endpoint("authorityHost", &self.authority_host)?,
            default_tenant: self.tenant_id,
            client_id: self
                .client_id
                .unwrap_or_else(|| DEFAULT_PUBLIC_CLIENT_ID.into()),
            arm_audience: self
                .arm_audience
                .unwrap_or_else(|| arm_endpoint.as_str().trim_end_matches('/').to_owned()),
            arm_endpoint,
            graph_audience: self
                .graph_audience
                .unwrap_or_else(|| graph_endpoint.as_str().trim_end_matches('/').to_owned()),
            graph_endpoint,
            azureml_audience: self
                .azureml_audience
                .unwrap_or_else(|| public.azureml_audience.clone()),
            registry_host: registry_endpoint
                .host_str()
                .map(|host| match registry_endpoint.port() {
                    Some(port) => format!("{host}:{port}"),
                    None => host.to_owned(),
                })
                .unwrap_or_default(),
            registry_endpoint,
            flow_host_pattern,
            instances_domain,
            studio_url: match &self.studio_url {
                Some(text) => parse_endpoint("studioUrl", text)?,
                None => public.studio_url.clone(),
            },
            extra_ca_pem,
            today,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const READY_FILE: &str = r#"{"name":"pfrm-emulator","cloud":"Custom","authorityHost":"https://127.0.0.1:4001",
        "tenantId":"72f988bf-86f1-41af-91ab-2d7cd011db47","armEndpoint":"https://127.0.0.1:4002",
        "armAudience":"https://management.azure.com","flowEndpoint":"https://127.0.0.1:4003",
        "registryEndpoint":"https://127.0.0.1:4004","graphEndpoint":"https://127.0.0.1:4005",
        "graphAudience":"https://graph.microsoft.com","controlEndpoint":"https://127.0.0.1:4006",
        "caCertPem":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        "clientId":"04b07795-8ddb-461a-bbee-02f9e1bf7b46","users":[{"upn":"alice@contoso.com"}],"scenario":"first-time"}"#;

    #[test]
    fn the_studio_link_of_a_runtime_is_in_its_own_cloud() {
        let workspace = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ws";
        let links: Vec<String> = [
            CloudConfig::public(),
            CloudConfig::china(),
            CloudConfig::us_gov(),
        ]
        .iter()
        .map(|cloud| cloud.studio_runtime_link("my runtime", workspace))
        .collect();
        assert_eq!(
            links,
            [
                format!("https://ml.azure.com/prompts/runtime/my%20runtime/details?wsid={workspace}"),
                format!("https://studio.ml.azure.cn/prompts/runtime/my%20runtime/details?wsid={workspace}"),
                format!("https://ml.azure.us/prompts/runtime/my%20runtime/details?wsid={workspace}"),
            ]
        );
        assert_eq!(
            CloudConfig::us_gov().studio_prompts_link(workspace),
            format!("https://ml.azure.us/prompts?wsid={workspace}")
        );
    }

    #[test]
    fn an_emulated_cloud_carries_its_date() {
        assert_eq!(
            CloudConfig::from_custom_json(READY_FILE).unwrap().today,
            None
        );
        let retired = READY_FILE.replace(
            r#""scenario":"first-time""#,
            r#""scenario":"retiring","today":"2027-04-21""#,
        );
        let cloud = CloudConfig::from_custom_json(&retired).unwrap();
        assert_eq!(cloud.today, Some(time::macros::date!(2027 - 04 - 21)));
        let bad = READY_FILE.replace(r#""scenario":"first-time""#, r#""today":"21 April""#);
        let error = CloudConfig::from_custom_json(&bad).unwrap_err();
        assert!(error.message.contains("'today'"), "{}", error.message);
        assert_eq!(CloudConfig::public().today, None);
    }

    #[test]
    fn emulator_ready_file_is_a_custom_cloud() {
        let cloud = CloudConfig::from_custom_json(READY_FILE).unwrap();
        assert_eq!(cloud.kind, CloudKind::Custom);
        assert_eq!(cloud.name, "pfrm-emulator");
        assert_eq!(cloud.authority_host.as_str(), "https://127.0.0.1:4001/");
        assert_eq!(
            cloud.default_tenant.as_deref(),
            Some("72f988bf-86f1-41af-91ab-2d7cd011db47")
        );
        assert_eq!(cloud.arm_endpoint.as_str(), "https://127.0.0.1:4002/");
        // The token audience stays the real ARM audience even though the host is loopback.
        assert_eq!(cloud.arm_scope(), "https://management.azure.com/.default");
        assert_eq!(cloud.graph_scope(), "https://graph.microsoft.com/.default");
        assert_eq!(
            cloud.flow_host_for_region("eastus").unwrap().as_str(),
            "https://127.0.0.1:4003/"
        );
        assert_eq!(cloud.registry_host, "127.0.0.1:4004");
        assert!(cloud.extra_ca_pem.as_deref().unwrap().contains("BEGIN"));
        assert_eq!(cloud.client_id, DEFAULT_PUBLIC_CLIENT_ID);
    }

    #[test]
    fn custom_cloud_reads_the_ca_from_its_path_when_no_pem_is_inline() {
        let dir = tempfile::tempdir().unwrap();
        let ca = dir.path().join("ca.pem");
        std::fs::write(
            &ca,
            "-----BEGIN CERTIFICATE-----\nMIIC\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        let text = format!(
            r#"{{"authorityHost":"https://127.0.0.1:1","armEndpoint":"https://127.0.0.1:2","caCertPath":"{}"}}"#,
            ca.display()
        );
        let cloud = CloudConfig::from_custom_json(&text).unwrap();
        assert!(cloud.extra_ca_pem.unwrap().contains("MIIC"));
        // Without an explicit audience the ARM endpoint is the audience.
        assert_eq!(cloud.arm_audience, "https://127.0.0.1:2");
    }

    #[test]
    fn a_missing_ca_file_is_a_configuration_error_naming_the_field() {
        for inline in [
            "",
            r#","caCertPem":"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n""#,
        ] {
            let text = format!(
                r#"{{"authorityHost":"https://127.0.0.1:1","armEndpoint":"https://127.0.0.1:2","caCertPath":"/nonexistent/ca.pem"{inline}}}"#
            );
            let error = CloudConfig::from_custom_json(&text).unwrap_err();
            assert_eq!(error.code, ErrorCode::Config);
            assert_eq!(error.code.exit_code(), 10);
            assert!(error.message.contains("'caCertPath'"), "{}", error.message);
            assert!(
                error.message.contains("/nonexistent/ca.pem"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn endpoints_with_userinfo_query_or_no_host_are_refused_by_field() {
        for (field, value) in [
            ("armEndpoint", "https://admin:hunter2@127.0.0.1:2"),
            ("armEndpoint", "https://user@127.0.0.1:2"),
            ("graphEndpoint", "https://127.0.0.1:5/?x=1"),
            ("registryEndpoint", "https://127.0.0.1:4/#frag"),
            ("studioUrl", "https://u@studio.example"),
            ("flowEndpoint", "https://u:p@{region}.flow.example"),
        ] {
            let mut json = serde_json::json!({
                "authorityHost": "https://127.0.0.1:1",
                "armEndpoint": "https://127.0.0.1:2",
            });
            json[field] = serde_json::json!(value);
            let error = CloudConfig::from_custom_json(&json.to_string()).unwrap_err();
            assert_eq!(error.code, ErrorCode::Config, "{field}={value}");
            assert!(error.message.contains(field), "{}", error.message);
            assert!(!error.message.contains("hunter2"), "{}", error.message);
        }
        let error = CloudConfig::from_custom_json(
            r#"{"authorityHost":"https://127.0.0.1:1","armEndpoint":"https://127.0.0.1:2","instancesDomain":"evil.example/x?"}"#,
        )
        .unwrap_err();
        assert!(
            error.message.contains("instancesDomain"),
            "{}",
            error.message
        );
    }

    #[test]
    fn an_oversized_cloud_file_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cloud.json");
        std::fs::write(&path, vec![b' '; MAX_CLOUD_FILE_BYTES as usize + 1]).unwrap();
        let error = CloudConfig::from_custom_file(&path).unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
        assert!(error.message.contains("larger than"), "{}", error.message);
    }

    #[test]
    fn the_redirect_host_is_localhost_for_entra_and_the_loopback_literal_for_custom_clouds() {
        assert_eq!(CloudConfig::public().redirect_host, "localhost");
        assert_eq!(CloudConfig::china().redirect_host, "localhost");
        let base = r#""authorityHost":"https://127.0.0.1:1","armEndpoint":"https://127.0.0.1:2""#;
        let custom = CloudConfig::from_custom_json(&format!("{{{base}}}")).unwrap();
        assert_eq!(custom.redirect_host, "127.0.0.1");
        let chosen =
            CloudConfig::from_custom_json(&format!(r#"{{{base},"redirectHost":"localhost"}}"#))
                .unwrap();
        assert_eq!(chosen.redirect_host, "localhost");
        let error =
            CloudConfig::from_custom_json(&format!(r#"{{{base},"redirectHost":"example.test"}}"#))
                .unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
        assert!(error.message.contains("redirectHost"), "{}", error.message);
    }

    #[test]
    fn custom_cloud_rejects_plain_http_endpoints() {
        let error = CloudConfig::from_custom_json(
            r#"{"authorityHost":"http://127.0.0.1:1","armEndpoint":"https://127.0.0.1:2"}"#,
        )
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
        assert!(error.message.contains("authorityHost"), "{}", error.message);
    }

    #[test]
    fn custom_cloud_file_errors_name_the_file() {
        let error =
            CloudConfig::from_custom_file(Path::new("/nonexistent/pfrm-cloud.json")).unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
        assert!(error.message.contains("/nonexistent/pfrm-cloud.json"));
    }

    #[test]
    fn sovereign_clouds_have_their_own_hosts_and_audiences() {
        let public = CloudConfig::public();
        let china = CloudConfig::china();
        let gov = CloudConfig::us_gov();
        assert_eq!(public.arm_scope(), "https://management.azure.com/.default");
        assert_eq!(
            china.arm_scope(),
            "https://management.chinacloudapi.cn/.default"
        );
        assert_eq!(
            gov.arm_scope(),
            "https://management.usgovcloudapi.net/.default"
        );
        assert_eq!(
            gov.authority_host.as_str(),
            "https://login.microsoftonline.us/"
        );
        assert_eq!(china.azureml_scope(), "https://ml.azure.cn/.default");
        assert_eq!(gov.graph_endpoint.as_str(), "https://graph.microsoft.us/");
        assert_eq!(
            public.flow_host_for_region("East US").unwrap().as_str(),
            "https://eastus.api.azureml.ms/"
        );
        assert_eq!(
            gov.flow_host_for_region("usgovvirginia").unwrap().as_str(),
            "https://usgovvirginia.api.ml.azure.us/"
        );
        assert_eq!(
            china.flow_host_for_region("chinaeast2").unwrap().as_str(),
            "https://chinaeast2.api.ml.azure.cn/"
        );
        assert_eq!(gov.instances_domain, "instances.azureml.us");
        assert_eq!(china.instances_domain, "instances.azureml.cn");
        for cloud in [&public, &china, &gov] {
            assert!(cloud.extra_ca_pem.is_none());
            assert_eq!(
                cloud.registry_endpoint.as_str(),
                "https://mcr.microsoft.com/"
            );
        }
        assert_eq!(CloudConfig::builtin("USGov"), Some(gov));
        assert_eq!(CloudConfig::builtin("nowhere"), None);
    }

    #[test]
    fn flow_host_check_accepts_only_the_clouds_flow_domain() {
        let public = CloudConfig::public();
        let ok = Url::parse("https://eastus.api.azureml.ms/discovery").unwrap();
        let private_link =
            Url::parse("https://0c1f.workspace.eastus.api.azureml.ms/discovery").unwrap();
        let foreign = Url::parse("https://eastus.api.azureml.ms.evil.example/").unwrap();
        let plain = Url::parse("http://eastus.api.azureml.ms/").unwrap();
        assert!(public.is_flow_host(&ok));
        assert!(public.is_flow_host(&private_link));
        assert!(!public.is_flow_host(&foreign));
        assert!(!public.is_flow_host(&plain));
        let custom = CloudConfig::from_custom_json(READY_FILE).unwrap();
        assert!(custom.is_flow_host(&Url::parse("https://127.0.0.1:4003/x").unwrap()));
        assert!(!custom.is_flow_host(&Url::parse("https://127.0.0.1:4002/x").unwrap()));
    }

    #[test]
    fn region_names_cannot_inject_hosts() {
        assert!(CloudConfig::public()
            .flow_host_for_region("evil.example/")
            .is_err());
    }

    #[test]
    fn compute_instance_app_urls_use_the_clouds_instances_domain() {
        let gov = CloudConfig::us_gov();
        assert_eq!(
            gov.instance_app_url("ci-alice", "usgovvirginia", Some(8081)),
            "https://ci-alice-8081.usgovvirginia.instances.azureml.us"
        );
        assert_eq!(
            CloudConfig::public().instance_app_url("ci-alice", "eastus", None),
            "https://ci-alice.eastus.instances.azureml.ms"
        );
    }
}
