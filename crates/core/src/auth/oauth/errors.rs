//! Why a token request failed, and what the user reads: an OAuth refusal that only a new
//! sign-in cures becomes the one "sign in again" error; anything else keeps its code.

use std::fmt;

use crate::error::{Error, ErrorCode};

/// Why a token request failed.
#[derive(Debug, Clone)]
pub enum TokenError {
    /// The server answered with an OAuth error (`invalid_grant`, `authorization_pending`, ...).
    OAuth {
        error: String,
        description: String,
        /// A claims challenge the server attached, if any.
        claims: Option<String>,
    },
    /// Anything else: network, TLS, an unreadable answer.
    Other(Error),
}

impl TokenError {
    pub fn oauth_code(&self) -> Option<&str> {
        match self {
            TokenError::OAuth { error, .. } => Some(error),
            TokenError::Other(_) => None,
        }
    }

    /// Whether the only way forward is an interactive sign-in.
    pub fn needs_interaction(&self) -> bool {
        matches!(
            self.oauth_code(),
            Some("invalid_grant" | "interaction_required" | "consent_required" | "login_required")
        )
    }

    /// The user-facing error.
    pub fn into_error(self) -> Error {
        match self {
            TokenError::Other(error) => error,
            TokenError::OAuth {
                ref error,
                ref description,
                ..
            } if self.needs_interaction() => {
                sign_in_required("Your sign-in has expired or was revoked.")
                    .with_detail("oauthError", error.as_str())
                    .with_detail("description", first_line(description))
            }
            TokenError::OAuth {
                error, description, ..
            } => Error::new(
                ErrorCode::Service,
                format!("The sign-in service refused the request ({error})."),
            )
            .with_remedy("Try signing in again. If it keeps failing, check the cloud settings.")
            .with_detail("oauthError", error)
            .with_detail("description", first_line(&description)),
        }
    }
}

impl fmt::Display for TokenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TokenError::OAuth { error, .. } => write!(f, "OAuth error {error}"),
            TokenError::Other(error) => write!(f, "{error}"),
        }
    }
}

/// The "sign in again" error every flow uses.
pub fn sign_in_required(message: &str) -> Error {
    Error::new(ErrorCode::SignInRequired, message).with_remedy(
        "Sign in again (in the app: account menu → Sign in; on the command line: `pfrm login`).",
    )
}

fn first_line(text: &str) -> String {
    text.lines()
        .next()
        .unwrap_or_default()
        .chars()
        .take(300)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_grant_becomes_sign_in_required_without_a_loop() {
        let error = TokenError::OAuth {
            error: "invalid_grant".into(),
            description: "AADSTS70008: expired".into(),
            claims: None,
        };
        assert!(error.needs_interaction());
        assert_eq!(error.into_error().code, ErrorCode::SignInRequired);
        let other = TokenError::OAuth {
            error: "invalid_client".into(),
            description: String::new(),
            claims: None,
        };
        assert_eq!(other.into_error().code, ErrorCode::Service);
    }
}
