//! Which web addresses the app may hand to the system browser. The page asks the app to open a
//! link (the studio, the docs, the quota page, the migration guide); anything else it might pass
//! — a script address, a file, plain http, or a host of someone else's — is refused, so a
//! compromised or mistaken page cannot use the browser to reach arbitrary places.

use url::Url;

use crate::error::{Error, ErrorCode};

/// Hosts (and their subdomains) of the public and sovereign Azure clouds and Microsoft's
/// documentation that the app links to.
const ALLOWED_DOMAINS: &[&str] = &[
    // Azure Machine Learning studio, per cloud.
    "ml.azure.com",
    "ml.azure.us",
    "ml.azure.cn",
    // Compute instances' sign-in pages.
    "instances.azureml.ms",
    "instances.azureml.us",
    "instances.ml.azure.cn",
    // The Azure portal (quota, role assignments), per cloud.
    "portal.azure.com",
    "portal.azure.us",
    "portal.azure.cn",
    // Documentation, and Microsoft's short links to it.
    "learn.microsoft.com",
    "docs.microsoft.com",
    "go.microsoft.com",
    "aka.ms",
];

/// The address as the browser will get it, when it is an https link to an allowed host.
pub fn checked_link(address: &str) -> Result<Url, Error> {
    let refused = |why: &str| {
        Error::new(
            ErrorCode::InvalidInput,
            format!("The app does not open this address in the browser: {why}."),
        )
        .with_remedy("Copy the address into your browser if you trust it.")
    };
    let url = Url::parse(address.trim()).map_err(|_| refused("it is not a web address"))?;
    if url.scheme() != "https" {
        return Err(refused("only https addresses are opened"));
    }
    // A user name or password in a link is the classic way to dress one host as another.
    if !url.username().is_empty() || url.password().is_some() {
        return Err(refused("it carries a user name or password"));
    }
    let host = match url.host() {
        Some(url::Host::Domain(host)) => host.to_ascii_lowercase(),
        _ => return Err(refused("it names no known host")),
    };
    if url.port().is_some() {
        return Err(refused("it names a port"));
    }
    let allowed = ALLOWED_DOMAINS
        .iter()
        .any(|domain| host == *domain || host.ends_with(&format!(".{domain}")));
    if !allowed {
        return Err(refused(&format!(
            "{host} is not an Azure or Microsoft documentation site"
        )));
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn studio_docs_portal_and_instance_addresses_are_opened() {
        for address in [
            "https://ml.azure.com/prompts/runtime/rt/details?wsid=/subscriptions/x",
            "https://studio.ml.azure.cn/",
            "https://ml.azure.us/",
            "https://learn.microsoft.com/azure/machine-learning/prompt-flow/",
            "https://portal.azure.com/#view/Microsoft_Azure_Capacity/QuotaMenuBlade/~/myQuotas",
            "https://ci-alice.eastus.instances.azureml.ms",
            "https://aka.ms/pf-migration",
            "  https://LEARN.microsoft.com/x  ",
        ] {
            assert!(checked_link(address).is_ok(), "{address} should be opened");
        }
    }

    #[test]
    fn anything_but_https_is_refused() {
        for address in [
            "http://ml.azure.com/",
            "javascript:alert(1)",
            "file:///etc/passwd",
            "ftp://learn.microsoft.com/",
            "ml.azure.com",
            "",
        ] {
            let error = checked_link(address).expect_err(address);
            assert_eq!(error.code, ErrorCode::InvalidInput, "{address}");
            assert!(
                error.remedy.is_some(),
                "{address}: the refusal says what to do"
            );
        }
    }

    #[test]
    fn unknown_and_lookalike_hosts_are_refused() {
        for address in [
            "https://example.com/",
            "https://ml.azure.com.evil.example/",
            "https://evilml.azure.com.example/",
            "https://notml.azure.community/",
            "https://xml.azure.com.evil/",
            "https://ml.azure.com@evil.example/",
            "https://user:pw@ml.azure.com/",
            "https://ml.azure.com:8443/",
            "https://127.0.0.1/",
            "https://[::1]/",
        ] {
            let error = checked_link(address).expect_err(address);
            assert!(
                error.message.contains("does not open this address"),
                "{address}: {}",
                error.message
            );
        }
        // A subdomain of an allowed domain must be a whole label, not a suffix of one.
        assert!(checked_link("https://evilaka.ms/").is_err());
    }
}
