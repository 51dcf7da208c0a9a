//! What a token request returns: the tokens, the ID token's identity claims, a device code.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Deserialize;
use time::OffsetDateTime;

use crate::secret::Secret;

/// What a token request returned.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub expires_on: OffsetDateTime,
    pub refresh_token: Option<Secret>,
    /// The ID token as the server sent it; nothing in it is trusted until
    /// [`crate::auth::id_token::validate`] has checked it.
    pub raw_id_token: Option<Secret>,
    /// The identity claims of a validated ID token (set by the sign-in flows, never by the
    /// token endpoint itself).
    pub id_token: Option<IdTokenClaims>,
}

/// The claims of an id token that identify the user. None of them is secret; any may be absent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(default)]
pub struct IdTokenClaims {
    pub oid: Option<String>,
    pub sub: Option<String>,
    pub tid: Option<String>,
    pub preferred_username: Option<String>,
    pub upn: Option<String>,
    pub name: Option<String>,
    pub nonce: Option<String>,
    pub iss: Option<String>,
}

impl IdTokenClaims {
    /// Reads the payload of a JWT without checking anything. Only for tokens from a local source
    /// pfrm already trusts (the Azure CLI); a sign-in's ID token goes through
    /// [`crate::auth::id_token::validate`].
    pub fn from_jwt(jwt: &str) -> Option<Self> {
        let payload = jwt.split('.').nth(1)?;
        let bytes = URL_SAFE_NO_PAD.decode(payload.trim_end_matches('=')).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// A stable user id: the object id, or the subject when the server has no `oid`.
    pub fn user_id(&self) -> Option<&str> {
        self.oid.as_deref().or(self.sub.as_deref())
    }

    pub fn username(&self) -> Option<&str> {
        self.preferred_username.as_deref().or(self.upn.as_deref())
    }
}

/// The start of a device code sign-in.
#[derive(Debug, Clone)]
pub struct DeviceCodeStart {
    pub device_code: Secret,
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in: Duration,
    pub interval: Duration,
    pub message: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn id_token_claims_are_read_from_the_payload() {
        let payload = URL_SAFE_NO_PAD.encode(
            br#"{"oid":"u1","tid":"t1","preferred_username":"alice@contoso.test","name":"Alice","nonce":"n1"}"#,
        );
        let claims = IdTokenClaims::from_jwt(&format!("e30.{payload}.sig")).unwrap();
        assert_eq!(claims.user_id(), Some("u1"));
        assert_eq!(claims.username(), Some("alice@contoso.test"));
        assert_eq!(claims.nonce.as_deref(), Some("n1"));
        assert!(IdTokenClaims::from_jwt("not-a-jwt").is_none());
    }
}
