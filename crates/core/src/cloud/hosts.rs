//! Addresses derived from a cloud: the flow service of a region (and whether a host is one, so
//! an ARM token goes nowhere else), a compute instance's applications, the studio's pages.

use url::Url;

use super::CloudConfig;
use crate::error::{Error, ErrorCode, Result};

impl CloudConfig {
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

#[cfg(test)]
mod tests {
    use super::*;

    use crate::cloud::READY_FILE;

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
