//! An Azure Container Registry's data plane: whether an image's tag (or digest) is in the
//! registry. A registry answers anonymous requests with a bearer challenge; the signed-in
//! identity's Azure AD token is exchanged for the registry's own tokens (Azure/acr
//! `docs/AAD-OAuth.md`):
//!
//! 1. `HEAD /v2/{repository}/manifests/{reference}` without a token: `401` with
//!    `WWW-Authenticate: Bearer realm="https://{registry}/oauth2/token",service="{registry}",scope="repository:{repository}:pull"`.
//! 2. `POST /oauth2/exchange` (form: `grant_type=access_token`, `service`, `tenant`,
//!    `access_token` = the Azure AD token) → `{"refresh_token": ...}`.
//! 3. `POST /oauth2/token` (form: `grant_type=refresh_token`, `service`, `scope`,
//!    `refresh_token`) → `{"access_token": ...}`, granting what the identity may do of `scope`.
//! 4. The `HEAD` again with that token: `200` the manifest is there, `404` it is not, `401` the
//!    identity may not pull.
//!
//! Every token stays a [`Secret`]; the Azure AD token is sent only to the registry's own origin.

use serde::Deserialize;
use url::Url;

use super::url_with_segments;
use crate::cloud::Audience;
use crate::error::{Error, ErrorCode, Result};
use crate::http::{ApiRequest, ApiResponse, Method, Pipeline};
use crate::secret::Secret;

/// The manifest types a runtime image may have: Docker v2 and OCI manifests, and the lists
/// (indexes) of multi-platform images. A registry answers 404 for a manifest of a type the
/// request does not accept, so every one is named.
pub const MANIFEST_TYPES: &str = "application/vnd.docker.distribution.manifest.v2+json, \
application/vnd.docker.distribution.manifest.list.v2+json, \
application/vnd.oci.image.manifest.v1+json, \
application/vnd.oci.image.index.v1+json";

/// Whether a registry holds an image's manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ManifestLookup {
    /// The tag (or digest) is in the registry.
    Found,
    /// The registry has no such repository or tag.
    NotFound,
    /// The registry would not let the signed-in identity pull (it lacks AcrPull or a role with
    /// `Microsoft.ContainerRegistry/registries/pull/read` on the registry).
    Denied,
}

/// The parameters of a `WWW-Authenticate: Bearer` challenge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BearerChallenge {
    pub realm: Url,
    pub service: String,
    pub scope: Option<String>,
}

impl BearerChallenge {
    /// The challenge of a registry's 401, when it is a bearer challenge with an HTTPS realm.
    pub fn from_response(response: &ApiResponse) -> Option<BearerChallenge> {
        response
            .headers
            .get_all(reqwest::header::WWW_AUTHENTICATE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .find_map(Self::parse)
    }

    /// Parses one `WWW-Authenticate` value.
    pub fn parse(value: &str) -> Option<BearerChallenge> {
        let (scheme, parameters) = value.trim().split_once(' ')?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return None;
        }
        let realm = crate::http::challenge_parameter(parameters, "realm")?;
        let realm = Url::parse(&realm)
            .ok()
            .filter(|url| url.scheme() == "https")?;
        Some(BearerChallenge {
            realm,
            service: crate::http::challenge_parameter(parameters, "service")?,
            scope: crate::http::challenge_parameter(parameters, "scope"),
        })
    }
}

#[derive(Deserialize)]
struct RefreshTokenBody {
    refresh_token: String,
}

#[derive(Deserialize)]
struct AccessTokenBody {
    access_token: String,
}

/// Client of container registries' data planes, over the signed-in pipeline (whose Azure AD
/// token it exchanges). Cheap to clone.
#[derive(Debug, Clone)]
pub struct AcrClient {
    pipeline: Pipeline,
}

impl AcrClient {
    pub fn new(pipeline: Pipeline) -> Self {
        AcrClient { pipeline }
    }

    /// Whether `login_server` holds `repository` at `reference` (a tag, or a `sha256:` digest).
    pub async fn manifest_exists(
        &self,
        login_server: &str,
        repository: &str,
        reference: &str,
    ) -> Result<ManifestLookup> {
        let base = self.pipeline.cloud().acr_base(login_server)?;
        let url = url_with_segments(
            &base,
            std::iter::once("v2")
                .chain(repository.split('/'))
                .chain(["manifests", reference]),
        )?;
        let image = format!("{login_server}/{repository}:{reference}");
        let operation = format!("look for the image {image} in its registry");
        let head = |bearer: Option<Secret>| {
            let mut request =
                ApiRequest::new(Method::HEAD, url.clone(), Audience::None, &operation)
                    .header("Accept", MANIFEST_TYPES)
                    .accept(401)
                    .accept(403)
                    .accept(404);
            if let Some(token) = bearer {
                request = request.bearer(token);
            }
            request
        };
        let anonymous = self.pipeline.send(&head(None)).await?;
        if let Some(known) = lookup(anonymous.status) {
            return Ok(known);
        }
        let Some(challenge) = BearerChallenge::from_response(&anonymous) else {
            return Err(Error::new(
                ErrorCode::Service,
                format!("The registry {login_server} asked to sign in without saying where."),
            )
            .with_remedy("Check that the image's host is an Azure Container Registry."));
        };
        // The Azure AD token goes to the registry that asked, and nowhere else.
        if challenge.realm.origin() != base.origin() {
            return Err(Error::new(
                ErrorCode::Service,
                format!(
                    "The registry {login_server} asked to sign in at another host ({}); pfrm sends your token only to the registry itself.",
                    challenge.realm.host_str().unwrap_or("unknown")
                ),
            ));
        }
        let scope = challenge
            .scope
            .clone()
            .unwrap_or_else(|| format!("repository:{repository}:pull"));
        let Some(token) = self.registry_token(&challenge, &scope).await? else {
            return Ok(ManifestLookup::Denied);
        };
        let answer = self.pipeline.send(&head(Some(token))).await?;
        Ok(lookup(answer.status).unwrap_or(ManifestLookup::Denied))
    }

    /// The registry's access token for `scope`, from the signed-in identity's Azure AD token;
    /// `None` when the registry refuses the identity.
    async fn registry_token(
        &self,
        challenge: &BearerChallenge,
        scope: &str,
    ) -> Result<Option<Secret>> {
        let aad = self.pipeline.access_token(&Audience::Arm).await?;
        let tenant = crate::services::me_from_access_token(aad.expose())
            .ok()
            .map(|me| me.tenant_id);
        let exchange_url = challenge.realm.join("exchange").map_err(|error| {
            Error::new(
                ErrorCode::Service,
                format!("The registry's sign-in address is not usable: {error}."),
            )
        })?;
        let mut exchange = ApiRequest::new(
            Method::POST,
            exchange_url,
            Audience::None,
            format!("sign in to the registry {}", challenge.service),
        )
        .form_field("grant_type", "access_token")
        .form_field("service", challenge.service.as_str())
        .accept(401)
        .accept(403);
        if let Some(tenant) = tenant {
            exchange = exchange.form_field("tenant", tenant);
        }
        let exchange = exchange.form_field("access_token", aad);
        let response = self.pipeline.send(&exchange).await?;
        if matches!(response.status, 401 | 403) {
            return Ok(None);
        }
        let refresh = Secret::new(
            response
                .json::<RefreshTokenBody>(&exchange.operation)?
                .refresh_token,
        );
        let token = ApiRequest::new(
            Method::POST,
            challenge.realm.clone(),
            Audience::None,
            format!("get a pull token from the registry {}", challenge.service),
        )
        .form_field("grant_type", "refresh_token")
        .form_field("service", challenge.service.as_str())
        .form_field("scope", scope)
        .form_field("refresh_token", refresh)
        .accept(401)
        .accept(403);
        let response = self.pipeline.send(&token).await?;
        if matches!(response.status, 401 | 403) {
            return Ok(None);
        }
        Ok(Some(Secret::new(
            response
                .json::<AccessTokenBody>(&token.operation)?
                .access_token,
        )))
    }
}

/// What a manifest `HEAD`'s status says, when it says it (a 401 asks for a token first).
fn lookup(status: u16) -> Option<ManifestLookup> {
    match status {
        200..=299 => Some(ManifestLookup::Found),
        404 => Some(ManifestLookup::NotFound),
        403 => Some(ManifestLookup::Denied),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_registry_challenge_gives_realm_service_and_scope() {
        let challenge = BearerChallenge::parse(
            r#"Bearer realm="https://contoso.azurecr.io/oauth2/token",service="contoso.azurecr.io",scope="repository:flows/rt:pull""#,
        )
        .unwrap();
        assert_eq!(
            challenge.realm.as_str(),
            "https://contoso.azurecr.io/oauth2/token"
        );
        assert_eq!(challenge.service, "contoso.azurecr.io");
        assert_eq!(challenge.scope.as_deref(), Some("repository:flows/rt:pull"));
        // The exchange is the realm's sibling.
        assert_eq!(
            challenge.realm.join("exchange").unwrap().as_str(),
            "https://contoso.azurecr.io/oauth2/exchange"
        );
        // Not a bearer challenge, or a realm that is not HTTPS: no token is offered.
        assert!(BearerChallenge::parse(r#"Basic realm="x""#).is_none());
        assert!(BearerChallenge::parse(
            r#"Bearer realm="http://contoso.azurecr.io/oauth2/token",service="contoso.azurecr.io""#
        )
        .is_none());
    }

    #[test]
    fn a_registry_is_reached_at_its_login_server_or_under_the_clouds_registry_endpoint() {
        let public = crate::cloud::CloudConfig::public();
        assert_eq!(
            public.acr_base("Contoso.azurecr.io").unwrap().as_str(),
            "https://contoso.azurecr.io/"
        );
        let emulated = crate::cloud::CloudConfig {
            acr_endpoint: Some(Url::parse("https://127.0.0.1:4004/acr").unwrap()),
            ..public.clone()
        };
        assert_eq!(
            emulated.acr_base("contoso.azurecr.io").unwrap().as_str(),
            "https://127.0.0.1:4004/acr/contoso.azurecr.io/"
        );
        for bad in ["", "a/b", "evil.com/x", "x@y.azurecr.io", "a..b", "h:443"] {
            assert!(public.acr_base(bad).is_err(), "{bad:?}");
        }
    }
}
