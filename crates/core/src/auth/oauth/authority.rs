//! The identity platform of one cloud: its https host and the public client's id, and the v2.0
//! endpoints (authorize, token, device code) of a tenant under it.

use url::Url;

use crate::error::{Error, ErrorCode};

/// The authority host and the public client's id: all a flow needs to know about the cloud.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authority {
    /// `https://login.microsoftonline.com` or a custom host. Always https.
    pub host: Url,
    pub client_id: String,
}

impl Authority {
    pub fn new(host: Url, client_id: impl Into<String>) -> Result<Self, Error> {
        if host.scheme() != "https" {
            return Err(Error::new(
                ErrorCode::Config,
                format!("The sign-in authority {host} does not use https."),
            )
            .with_remedy("Use an https authority host in the cloud settings."));
        }
        Ok(Authority {
            host,
            client_id: client_id.into(),
        })
    }

    fn endpoint(&self, tenant: &str, path: &str) -> Url {
        let mut url = self.host.clone();
        let base = url.path().trim_end_matches('/').to_owned();
        url.set_path(&format!("{base}/{tenant}/oauth2/v2.0/{path}"));
        url.set_query(None);
        url
    }

    pub fn authorize_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "authorize")
    }

    pub fn token_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "token")
    }

    pub fn device_code_url(&self, tenant: &str) -> Url {
        self.endpoint(tenant, "devicecode")
    }

    /// Whether `url` is this authority's https authorize endpoint (checked before a browser opens it).
    pub fn is_own_authorize_url(&self, url: &Url, tenant: &str) -> bool {
        let expected = self.authorize_url(tenant);
        url.scheme() == "https"
            && url.host_str() == expected.host_str()
            && url.port_or_known_default() == expected.port_or_known_default()
            && url.path() == expected.path()
            && url.username().is_empty()
            && url.password().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn authority() -> Authority {
        Authority::new(
            Url::parse("https://login.example.test/").unwrap(),
            "client-1",
        )
        .unwrap()
    }

    #[test]
    fn endpoints_follow_the_v2_layout() {
        let authority = authority();
        assert_eq!(
            authority.token_url("organizations").as_str(),
            "https://login.example.test/organizations/oauth2/v2.0/token"
        );
        assert_eq!(
            authority.device_code_url("t1").as_str(),
            "https://login.example.test/t1/oauth2/v2.0/devicecode"
        );
    }

    #[test]
    fn http_authorities_are_refused() {
        let error =
            Authority::new(Url::parse("http://login.example.test").unwrap(), "c").unwrap_err();
        assert_eq!(error.code, ErrorCode::Config);
    }

    #[test]
    fn only_the_authoritys_own_https_authorize_url_is_accepted() {
        let authority = authority();
        let mut good = authority.authorize_url("t1");
        good.set_query(Some("client_id=client-1"));
        assert!(authority.is_own_authorize_url(&good, "t1"));
        for bad in [
            "http://login.example.test/t1/oauth2/v2.0/authorize",
            "https://evil.example.test/t1/oauth2/v2.0/authorize",
            "https://login.example.test:8443/t1/oauth2/v2.0/authorize",
            "https://login.example.test/t2/oauth2/v2.0/authorize",
            "https://user@login.example.test/t1/oauth2/v2.0/authorize",
            "file:///etc/passwd",
        ] {
            assert!(
                !authority.is_own_authorize_url(&Url::parse(bad).unwrap(), "t1"),
                "{bad}"
            );
        }
    }
}
