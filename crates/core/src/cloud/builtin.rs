//! The clouds pfrm knows by name: their hosts, audiences and the studio each one has.

use url::Url;

use super::{CloudConfig, CloudKind, DEFAULT_PUBLIC_CLIENT_ID};

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
            acr_endpoint: None,
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
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
