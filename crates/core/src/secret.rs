//! A string that must never be shown: tokens, codes, verifiers.
//!
//! [`Secret`]'s `Debug` and `Display` print a fixed placeholder, so a secret can sit inside any
//! struct that derives `Debug` (and reach a log line through it) without leaking. The value is
//! only reachable through the explicit [`Secret::expose`], which makes every use easy to audit.
//! It deliberately does not implement `Serialize`: writing a secret anywhere is a conscious act.

use std::fmt;

/// Placeholder printed instead of a secret's value.
pub const REDACTED: &str = "<redacted>";

/// A secret string. See the module docs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The secret value. Call only where the value is sent to its one rightful destination.
    pub fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Length in bytes; lengths are not secret and help size keychain entries.
    pub fn len(&self) -> usize {
        self.0.len()
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({REDACTED})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(REDACTED)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Secret(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Secret(value.to_owned())
    }
}

impl From<Secret> for azure_core::credentials::Secret {
    fn from(value: Secret) -> Self {
        azure_core::credentials::Secret::new(value.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_value() {
        let secret = Secret::new("canary-6f1d2a");
        assert_eq!(format!("{secret:?}"), "Secret(<redacted>)");
        assert_eq!(secret.to_string(), "<redacted>");
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Holder {
            token: Secret,
        }
        let text = format!(
            "{:?} {:#?}",
            Holder {
                token: secret.clone()
            },
            Holder {
                token: secret.clone()
            }
        );
        assert!(!text.contains("canary"), "{text}");
        assert_eq!(secret.expose(), "canary-6f1d2a");
    }
}
