//! ID token validation (OpenID Connect Core §3.1.3.7), done before any account is created or
//! updated: the signature against the authority's published keys, then `iss`, `aud`, `exp`,
//! `nbf`, `iat` (with [`CLOCK_SKEW`]) and the `nonce` the sign-in sent.
//!
//! The JOSE work (header parsing, algorithm checks, signature, `aud`/`exp`/`nbf`) is done by the
//! `jsonwebtoken` crate; this module picks the key, and adds what that crate cannot know: the
//! issuer from discovery (with Entra's `{tenantid}` template), `iat` and the nonce.

use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;

use super::discovery::{Discovery, ProviderMetadata};
use super::oauth::IdTokenClaims;
use crate::error::{Error, ErrorCode};
use crate::secret::Secret;

/// How far the authority's clock may be from ours.
pub const CLOCK_SKEW_SECS: u64 = 120;

/// Signature algorithms an ID token may use: public-key ones only. `none` and the HMAC family
/// (whose "key" would be the public client id) are never accepted.
const ACCEPTED: &[Algorithm] = &[
    Algorithm::RS256,
    Algorithm::RS384,
    Algorithm::RS512,
    Algorithm::PS256,
    Algorithm::PS384,
    Algorithm::PS512,
    Algorithm::ES256,
    Algorithm::ES384,
    Algorithm::EdDSA,
];

/// The claims read for validation, next to the identity claims.
#[derive(Deserialize)]
struct Checked {
    iss: String,
    iat: i64,
    #[serde(flatten)]
    identity: IdTokenClaims,
}

/// What the token must match.
#[derive(Debug, Clone, Copy)]
pub struct Expected<'a> {
    pub tenant: &'a str,
    pub client_id: &'a str,
    /// The nonce sent with the authorization request (browser sign-in); `None` for device code.
    pub nonce: Option<&'a str>,
}

/// Validates `id_token` and returns its identity claims, or a [`ErrorCode::SignInRejected`] error.
pub async fn validate(
    discovery: &Discovery,
    id_token: &Secret,
    expected: Expected<'_>,
) -> Result<IdTokenClaims, Error> {
    let metadata = discovery.metadata(expected.tenant).await?;
    let raw = id_token.expose();
    let header = jsonwebtoken::decode_header(raw).map_err(|_| {
        rejected(
            "is not a signed token pfrm accepts",
            "malformed_or_unsigned",
        )
    })?;
    if !ACCEPTED.contains(&header.alg) || !advertised(&metadata, header.alg) {
        return Err(rejected(
            "uses a signature algorithm pfrm does not accept",
            "algorithm",
        ));
    }
    let jwks_uri = url::Url::parse(&metadata.jwks_uri).map_err(|_| {
        rejected(
            "cannot be checked: the authority's key address is invalid",
            "unusable_key",
        )
    })?;
    let keys = discovery.keys(&jwks_uri, false).await?;
    let jwk = match find_key(&keys, header.kid.as_deref()) {
        Some(jwk) => jwk,
        // Keys roll over: fetch the set again, once, before giving up on an unknown key.
        None => {
            let keys = discovery.keys(&jwks_uri, true).await?;
            find_key(&keys, header.kid.as_deref()).ok_or_else(|| {
                rejected(
                    "is signed with a key the authority does not publish",
                    "unknown_key",
                )
            })?
        }
    };
    if jwk
        .common
        .key_algorithm
        .is_some_and(|alg| format!("{alg:?}") != format!("{:?}", header.alg))
    {
        return Err(rejected(
            "uses another algorithm than its key is meant for",
            "algorithm",
        ));
    }
    let key = DecodingKey::from_jwk(&jwk)
        .map_err(|_| rejected("is signed with a key pfrm cannot use", "unusable_key"))?;
    let mut validation = Validation::new(header.alg);
    validation.leeway = CLOCK_SKEW_SECS;
    validation.validate_nbf = true;
    validation.set_audience(&[expected.client_id]);
    validation.set_required_spec_claims(&["exp", "iat", "iss", "aud", "sub"]);
    let token = jsonwebtoken::decode::<Checked>(raw, &key, &validation).map_err(|error| {
        use jsonwebtoken::errors::ErrorKind;
        match error.kind() {
            ErrorKind::InvalidSignature => {
                rejected("has a signature that does not verify", "signature")
            }
            ErrorKind::InvalidAudience => {
                rejected("was issued to another application (audience)", "audience")
            }
            ErrorKind::ExpiredSignature => rejected("has expired", "expired"),
            ErrorKind::ImmatureSignature => {
                rejected("is not valid yet (not before)", "not_yet_valid")
            }
            ErrorKind::MissingRequiredClaim(_)
            | ErrorKind::InvalidClaimFormat(_)
            | ErrorKind::Json(_) => rejected("lacks a required claim", "claims"),
            ErrorKind::InvalidAlgorithm => rejected(
                "uses a signature algorithm pfrm does not accept",
                "algorithm",
            ),
            _ => rejected("could not be verified", "invalid"),
        }
    })?;
    let claims = token.claims;
    match metadata.issuer_for(claims.identity.tid.as_deref()) {
        Some(issuer) if issuer == claims.iss => {}
        _ => {
            return Err(
                rejected("was issued by another authority (issuer)", "issuer")
                    .with_detail("issuer", claims.iss.clone()),
            )
        }
    }
    let now = time::OffsetDateTime::now_utc().unix_timestamp();
    if claims.iat > now + CLOCK_SKEW_SECS as i64 {
        return Err(rejected(
            "claims to be issued in the future",
            "issued_in_future",
        ));
    }
    if let Some(nonce) = expected.nonce {
        if claims.identity.nonce.as_deref() != Some(nonce) {
            return Err(rejected("does not belong to this sign-in (nonce)", "nonce"));
        }
    }
    let mut identity = claims.identity;
    identity.iss = Some(claims.iss);
    Ok(identity)
}

fn advertised(metadata: &ProviderMetadata, alg: Algorithm) -> bool {
    match &metadata.id_token_signing_alg_values_supported {
        Some(algs) if !algs.is_empty() => algs.iter().any(|a| *a == format!("{alg:?}")),
        _ => true,
    }
}

fn find_key(keys: &jsonwebtoken::jwk::JwkSet, kid: Option<&str>) -> Option<Jwk> {
    match kid {
        Some(kid) => keys.find(kid).cloned(),
        // Without a `kid` the key is only unambiguous when there is one signing key.
        None => {
            let mut signing = keys.keys.iter().filter(|k| {
                !matches!(
                    k.common.public_key_use,
                    Some(jsonwebtoken::jwk::PublicKeyUse::Encryption)
                )
            });
            match (signing.next(), signing.next()) {
                (Some(only), None) => Some(only.clone()),
                _ => None,
            }
        }
    }
}

/// The error of every failed check: what was wrong, that nothing was saved, what to do.
pub fn rejected(what: &str, check: &str) -> Error {
    Error::new(
        ErrorCode::SignInRejected,
        format!("pfrm refused the sign-in: the identity token {what}. Nothing was saved."),
    )
    .with_remedy(
        "Sign in again. If this keeps happening, check the authority host in the cloud settings and \
         whether a proxy or other software is altering your sign-in.",
    )
    .with_detail("check", check)
}
