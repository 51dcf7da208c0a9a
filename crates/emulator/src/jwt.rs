//! RS256 JSON Web Tokens signed by a key generated at start-up, published as a JWKS.

use anyhow::{anyhow, Result};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::rsa::{KeyPair, KeySize};
use aws_lc_rs::signature::{self, KeyPair as _, UnparsedPublicKey};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};

pub struct Signer {
    key: KeyPair,
    pub kid: String,
    rng: SystemRandom,
}

/// Why a presented token was not accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed(String),
    BadSignature,
}

impl Signer {
    pub fn generate() -> Result<Self> {
        let key = KeyPair::generate(KeySize::Rsa2048).map_err(|_| anyhow!("RSA key generation"))?;
        let kid = URL_SAFE_NO_PAD.encode(aws_lc_rs::digest::digest(
            &aws_lc_rs::digest::SHA256,
            key.public_key().as_ref(),
        ))[..27]
            .to_string();
        Ok(Self {
            key,
            kid,
            rng: SystemRandom::new(),
        })
    }

    pub fn sign(&self, claims: &Value) -> String {
        let header = json!({"typ": "JWT", "alg": "RS256", "kid": self.kid, "x5t": self.kid});
        let signing_input = format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        );
        let mut sig = vec![0u8; self.key.public_modulus_len()];
        // Signing with a freshly generated in-memory key only fails on allocation failure.
        self.key
            .sign(
                &signature::RSA_PKCS1_SHA256,
                &self.rng,
                signing_input.as_bytes(),
                &mut sig,
            )
            .expect("RSA signing with an in-memory key");
        format!("{signing_input}.{}", URL_SAFE_NO_PAD.encode(sig))
    }

    /// Checks the signature and returns the claims; expiry and audience are the caller's business.
    pub fn verify(&self, token: &str) -> Result<Value, TokenProblem> {
        let parts: Vec<&str> = token.split('.').collect();
        if parts.len() != 3 {
            return Err(TokenProblem::Malformed(
                "the token is not a JWT (expected three dot-separated parts)".into(),
            ));
        }
        let header: Value = decode_part(parts[0])?;
        if header.get("alg").and_then(Value::as_str) != Some("RS256") {
            return Err(TokenProblem::Malformed(
                "unsupported signing algorithm".into(),
            ));
        }
        let sig = URL_SAFE_NO_PAD
            .decode(parts[2])
            .map_err(|_| TokenProblem::Malformed("signature is not base64url".into()))?;
        let public = UnparsedPublicKey::new(
            &signature::RSA_PKCS1_2048_8192_SHA256,
            self.key.public_key().as_ref(),
        );
        let signing_input = &token[..parts[0].len() + 1 + parts[1].len()];
        public
            .verify(signing_input.as_bytes(), &sig)
            .map_err(|_| TokenProblem::BadSignature)?;
        decode_part(parts[1])
    }

    pub fn jwks(&self, issuer: &str) -> Value {
        let public = self.key.public_key();
        json!({"keys": [{
            "kty": "RSA", "use": "sig", "alg": "RS256",
            "kid": self.kid, "x5t": self.kid,
            "n": URL_SAFE_NO_PAD.encode(public.modulus().big_endian_without_leading_zero()),
            "e": URL_SAFE_NO_PAD.encode(public.exponent().big_endian_without_leading_zero()),
            "issuer": issuer,
        }]})
    }
}

fn decode_part(part: &str) -> Result<Value, TokenProblem> {
    let bytes = URL_SAFE_NO_PAD
        .decode(part)
        .map_err(|_| TokenProblem::Malformed("token part is not base64url".into()))?;
    serde_json::from_slice(&bytes)
        .map_err(|_| TokenProblem::Malformed("token part is not JSON".into()))
}

/// Reads the claims of a JWT without checking anything (for tests and diagnostics).
pub fn peek_claims(token: &str) -> Option<Value> {
    let part = token.split('.').nth(1)?;
    decode_part(part).ok()
}
