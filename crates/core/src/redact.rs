//! Redaction of secrets in free text: the one function every string from outside (service
//! messages, credential errors, tool output) passes through before it can reach a message, a log
//! or a file.
//!
//! The text is read as words (runs of characters tokens are made of) and the separators between
//! them. A word is replaced by [`MARK`] when:
//! - it follows the word `Bearer` (any case) and a space, and is a plausible token (8+ characters
//!   or containing a `.`), so `Bearer realm` stays readable;
//! - it follows a secret's key (`access_token`, `client_secret`, `password`, `sig`, ...) and `=`
//!   or `:` (quotes allowed), as in query strings, form bodies and JSON;
//! - it contains `eyJ` (the start of every JSON web token) followed by a `.` or 13+ more
//!   characters, wherever it appears.

/// What a secret is replaced with.
pub const MARK: &str = "[redacted]";

/// Keys whose value is a secret in `key=value`, `key: value` and `"key":"value"` forms.
const SECRET_KEYS: &[&str] = &[
    "access_token",
    "refresh_token",
    "id_token",
    "client_secret",
    "client_assertion",
    "assertion",
    "password",
    "passwd",
    "secret",
    "sig",
    "signature",
    "api_key",
    "api-key",
    "apikey",
    "code_verifier",
    "authorization",
    // Storage and service connection strings.
    "accountkey",
    "sharedaccesskey",
    "primarykey",
    "secondarykey",
];

/// Keys that name a secret only in the `key=value` form (`code` is a word in prose too).
const SECRET_QUERY_KEYS: &[&str] = &["code"];

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '+' | '/' | '~' | '%')
}

/// `text` with every secret it appears to contain replaced by [`MARK`]. Never fails; text without
/// secrets comes back unchanged.
pub fn redact_secrets(text: &str) -> String {
    let text = redact_emails(text);
    let text = text.as_str();
    let mut out = String::with_capacity(text.len());
    // The previous word and the separator after it, for context.
    let mut previous_word: &str = "";
    let mut separator: &str = "";
    let mut rest = text;
    while !rest.is_empty() {
        let separator_len = rest.find(is_token_char).unwrap_or(rest.len());
        if separator_len > 0 {
            let (gap, after) = rest.split_at(separator_len);
            out.push_str(gap);
            separator = gap;
            rest = after;
            continue;
        }
        let word_len = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        let (word, after) = rest.split_at(word_len);
        if is_secret(previous_word, separator, word) {
            out.push_str(MARK);
        } else {
            out.push_str(word);
        }
        previous_word = word;
        separator = "";
        rest = after;
    }
    out
}

/// How many secrets and email addresses a redaction replaced.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Redactions {
    pub secrets: usize,
    pub emails: usize,
}

/// [`redact_secrets`], also counting what it replaced, so a person shown a file can be told what
/// was taken out of it before it leaves the machine.
pub fn redact_and_count(text: &str) -> (String, Redactions) {
    let marks = |text: &str| text.matches(MARK).count();
    let before = marks(text);
    let emails = marks(&redact_emails(text)).saturating_sub(before);
    let out = redact_secrets(text);
    let secrets = marks(&out).saturating_sub(before + emails);
    (out, Redactions { secrets, emails })
}

/// Email addresses (and user principal names, which look the same) become [`MARK`]: they name
/// a person, and files pfrm writes for support must not.
fn redact_emails(text: &str) -> String {
    let is_local = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-');
    let is_domain = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-');
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('@') {
        let before = &rest[..at];
        let after = &rest[at + 1..];
        let local_start = before
            .char_indices()
            .rev()
            .take_while(|(_, c)| is_local(*c))
            .last()
            .map(|(i, _)| i)
            .unwrap_or(before.len());
        let domain_len = after.find(|c: char| !is_domain(c)).unwrap_or(after.len());
        let domain = after[..domain_len].trim_end_matches(['.', '-']);
        let is_email = local_start < before.len()
            && domain.contains('.')
            && domain.split('.').all(|label| !label.is_empty());
        if is_email {
            out.push_str(&before[..local_start]);
            out.push_str(MARK);
            rest = &after[domain.len()..];
        } else {
            out.push_str(before);
            out.push('@');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

fn is_secret(previous_word: &str, separator: &str, word: &str) -> bool {
    looks_like_jwt(word)
        || (follows_bearer(previous_word, separator) && (word.len() >= 8 || word.contains('.')))
        || follows_secret_key(previous_word, separator)
}

fn looks_like_jwt(word: &str) -> bool {
    word.match_indices("eyJ").any(|(at, _)| {
        let from = &word[at..];
        from.contains('.') || from.len() >= 16
    })
}

fn follows_bearer(previous_word: &str, separator: &str) -> bool {
    previous_word.eq_ignore_ascii_case("bearer")
        && !separator.is_empty()
        && separator.chars().all(char::is_whitespace)
}

fn follows_secret_key(previous_word: &str, separator: &str) -> bool {
    let key = previous_word.to_ascii_lowercase();
    let names = |keys: &[&str]| {
        keys.iter().any(|name| {
            key == *name
                || key
                    .strip_suffix(name)
                    .is_some_and(|head| head.ends_with(['_', '-', '.']))
        })
    };
    let tight_equals = separator == "=";
    let assignment = !separator.is_empty()
        && separator.len() <= 4
        && separator.contains(['=', ':'])
        && separator
            .chars()
            .all(|c| matches!(c, '=' | ':' | '"' | '\'' | ' ' | '\t'));
    (assignment && names(SECRET_KEYS)) || (tight_equals && names(SECRET_QUERY_KEYS))
}

/// A writer that redacts what goes through it: log output wraps its writers in this, so a
/// token that reached a log line by any path is removed there too. Each `write` is redacted on
/// its own; `tracing-subscriber` writes one whole event per call.
#[derive(Debug, Clone)]
pub struct Redacting<W>(pub W);

impl<W: std::io::Write> std::io::Write for Redacting<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let text = String::from_utf8_lossy(buf);
        self.0.write_all(redact_secrets(&text).as_bytes())?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_lines_are_redacted_on_their_way_out() {
        use std::io::Write;
        let mut out = Redacting(Vec::new());
        writeln!(out, "DEBUG request failed: Bearer {JWT}").unwrap();
        let written = String::from_utf8(out.0).unwrap();
        assert_eq!(written, "DEBUG request failed: Bearer [redacted]\n");
    }

    const JWT: &str = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL21hbmFnZW1lbnQuYXp1cmUuY29tIn0.c2lnbmF0dXJl";

    #[test]
    fn what_was_taken_out_is_counted_by_kind() {
        let text = format!("Bearer {JWT} for carol@contoso.com and bob@contoso.com; sig=abc123");
        let (out, counted) = redact_and_count(&text);
        assert_eq!(out, redact_secrets(&text));
        assert_eq!(
            counted,
            Redactions {
                secrets: 2,
                emails: 2
            }
        );
        assert_eq!(redact_and_count("nothing to hide").1, Redactions::default());
    }

    #[test]
    fn every_bearer_token_is_removed_not_only_the_first_kind() {
        // A lower-case `bearer` before an upper-case one: both tokens go.
        let text = "bearer opaque-token-1234567890 was refused; retry with Bearer x";
        let out = redact_secrets(text);
        assert!(!out.contains("opaque-token-1234567890"), "{out}");
        assert_eq!(out, "bearer [redacted] was refused; retry with Bearer x");
    }

    #[test]
    fn a_short_jwt_shaped_token_after_bearer_is_removed() {
        let out = redact_secrets("header was bearer eyJ.J. ok");
        assert_eq!(out, "header was bearer [redacted] ok");
    }

    #[test]
    fn jwts_anywhere_and_key_value_secrets_are_removed() {
        for (text, secret) in [
            (format!("token {JWT} rejected"), JWT.to_owned()),
            (format!("Authorization: Bearer {JWT}"), JWT.to_owned()),
            (format!("x{JWT}y"), JWT.to_owned()),
            (
                "https://h/c?sig=AbC%2Bdef&se=2026".to_owned(),
                "AbC%2Bdef".to_owned(),
            ),
            (
                r#"{"access_token":"s3cr3t-value","x":1}"#.to_owned(),
                "s3cr3t-value".to_owned(),
            ),
            (
                "client_secret=hunter2&grant_type=x".to_owned(),
                "hunter2".to_owned(),
            ),
            (
                "refresh_token: 0.AXoA-abc".to_owned(),
                "0.AXoA-abc".to_owned(),
            ),
            (
                "GET /cb?code=0.AAAxyz&state=1".to_owned(),
                "0.AAAxyz".to_owned(),
            ),
            ("password = 'pa55'".to_owned(), "pa55".to_owned()),
        ] {
            let out = redact_secrets(&text);
            assert!(!out.contains(&secret), "{text} -> {out}");
            assert!(out.contains(MARK), "{text} -> {out}");
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for text in [
            "Bearer realm=\"\", error=\"invalid_token\"",
            "The runtime rt-1 on ci-alice is starting (exit code 6).",
            "request id 0c1f2a3b-aaaa-bbbb-cccc-0123456789ab failed",
            "https://management.azure.com/subscriptions/s1/resourceGroups/rg?api-version=2024-04-01",
            "héllo wörld — ünïcode ✓",
            "",
        ] {
            assert_eq!(redact_secrets(text), text);
        }
    }

    #[test]
    fn emails_and_connection_string_keys_are_removed() {
        let text = "signed in as alice@contoso.com (Alice.Smith+ml@sub.contoso.co.uk); DefaultEndpointsProtocol=https;AccountName=st1;AccountKey=bXlrZXk+c2VjcmV0Lw==;EndpointSuffix=core.windows.net";
        let out = redact_secrets(text);
        for secret in [
            "alice@contoso.com",
            "Alice.Smith",
            "contoso.co.uk",
            "bXlrZXk",
        ] {
            assert!(!out.contains(secret), "{out}");
        }
        assert!(out.contains("AccountName=st1"), "{out}");
        for plain in [
            "user@localhost",
            "a @ b.c",
            "@scope/package",
            "x@",
            "ends with @",
        ] {
            assert_eq!(redact_secrets(plain), plain);
        }
    }

    #[test]
    fn redacting_twice_changes_nothing_more() {
        let text = format!("bearer {JWT} and sig=abc and Bearer eyJ.J.");
        let once = redact_secrets(&text);
        assert_eq!(redact_secrets(&once), once);
    }
}
