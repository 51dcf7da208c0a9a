//! A cloud described by a JSON file (the emulator's ready file, a private cloud): read with a
//! size cap, every endpoint checked (HTTPS, a host, no user name, password, query or fragment),
//! and its CA trusted for its own hosts only.

use std::path::Path;

use serde::Deserialize;
use url::Url;

use super::{CloudConfig, CloudKind, DEFAULT_PUBLIC_CLIENT_ID, MAX_CLOUD_FILE_BYTES};
use crate::error::{Error, ErrorCode, Result};

impl CloudConfig {
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
    /// Where every container registry's data plane is reached (see
    /// [`CloudConfig::acr_endpoint`]); absent: at each registry's login server.
    #[serde(default)]
    acr_endpoint: Option<String>,
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
        return Err(config_field_error(
            field,
            format!("{problem} (got '{shown}')"),
        ));
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
            acr_endpoint: match &self.acr_endpoint {
                Some(text) => Some(parse_endpoint("acrEndpoint", text)?),
                None => None,
            },
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

    use crate::cloud::READY_FILE;

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
        // Every registry's data plane under one address, by login server.
        assert_eq!(
            cloud.acr_base("crws.azurecr.io").unwrap().as_str(),
            "https://127.0.0.1:4004/acr/crws.azurecr.io/"
        );
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
}
