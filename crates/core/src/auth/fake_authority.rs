//! The one fake token endpoint of the unit tests: the refresh logic (`session.rs`) and the device
//! code flow (`device_code.rs`) run against it. It rotates refresh tokens (`rt-1`, `rt-2`, …) and
//! hands out `at-<tenant>-<n>`, counts refreshes, can refuse every refresh, can be strict about a
//! spent refresh token coming back (revoking the grant, as Entra may and oidc-provider does), and
//! answers device code polls from a script. Nothing here redeems authorization codes: the browser
//! flow is tested against the emulator and oidc-provider.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use async_trait::async_trait;
use time::OffsetDateTime;

use super::oauth::{DeviceCodeStart, TokenEndpoint, TokenError, TokenSet};
use crate::secret::Secret;

/// How long a refresh takes: long enough for concurrent callers to pile up behind the locks.
const REFRESH_TAKES: Duration = Duration::from_millis(50);

/// Something another party does while a refresh request is out (given the refresh's number).
type Meanwhile = Box<dyn Fn(usize) + Send + Sync>;

#[derive(Default)]
pub struct FakeAuthority {
    /// Refresh requests answered, refused ones included.
    pub refreshes: AtomicUsize,
    /// Every refresh is refused with `invalid_grant`.
    pub revoked: AtomicBool,
    /// Lifetime of the access tokens handed out.
    pub lifetime_secs: i64,
    /// The refresh token the last refresh request carried.
    pub last_refresh_token: Mutex<Option<String>>,
    /// The newest refresh token handed out (or planted by the test).
    pub current: Mutex<String>,
    /// Only [`Self::current`] is accepted; any other refresh token revokes the grant.
    strict: bool,
    meanwhile: Option<Meanwhile>,
    /// Device code poll answers, last first: `ok` hands out tokens (without an ID token), anything
    /// else is that OAuth error; when none is left, `authorization_pending`.
    device_answers: Mutex<Vec<&'static str>>,
    /// When each device code poll came.
    pub polls: Mutex<Vec<tokio::time::Instant>>,
}

impl std::fmt::Debug for FakeAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FakeAuthority")
    }
}

impl FakeAuthority {
    /// Rotates refresh tokens and accepts any of them; access tokens live `lifetime_secs`.
    pub fn rotating(lifetime_secs: i64) -> Self {
        FakeAuthority {
            lifetime_secs,
            ..Default::default()
        }
    }

    /// Accepts only the newest refresh token, starting with `current`; a spent one coming back
    /// revokes the grant.
    pub fn strict(current: &str) -> Self {
        FakeAuthority {
            lifetime_secs: 3600,
            current: Mutex::new(current.to_owned()),
            strict: true,
            ..Default::default()
        }
    }

    /// A device code sign-in whose polls get `answers` in order.
    pub fn device_code(answers: &[&'static str]) -> Self {
        let mut answers = answers.to_vec();
        answers.reverse();
        FakeAuthority {
            device_answers: Mutex::new(answers),
            ..Default::default()
        }
    }

    /// Refuses every refresh, after running `meanwhile` (another process acting).
    pub fn refusing_while(meanwhile: impl Fn(usize) + Send + Sync + 'static) -> Self {
        let authority = FakeAuthority {
            meanwhile: Some(Box::new(meanwhile)),
            ..Default::default()
        };
        authority.revoked.store(true, Ordering::SeqCst);
        authority
    }

    /// Rotates refresh tokens like [`Self::rotating`], running `meanwhile` while each refresh
    /// request is out (another party acting before the answer arrives).
    pub fn rotating_while(meanwhile: impl Fn(usize) + Send + Sync + 'static) -> Self {
        FakeAuthority {
            lifetime_secs: 3600,
            meanwhile: Some(Box::new(meanwhile)),
            ..Default::default()
        }
    }

    /// Seconds between consecutive device code polls.
    pub fn poll_gaps(&self) -> Vec<u64> {
        let polls = self.polls.lock().unwrap();
        polls.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect()
    }
}

/// Tokens as a token endpoint hands them out (no ID token).
pub fn tokens(access: &str, refresh: &str, lifetime_secs: i64) -> TokenSet {
    TokenSet {
        access_token: Secret::new(access),
        expires_on: OffsetDateTime::now_utc() + time::Duration::seconds(lifetime_secs),
        refresh_token: Some(Secret::new(refresh)),
        raw_id_token: None,
        id_token: None,
    }
}

pub fn oauth_error(error: &str, description: &str) -> TokenError {
    TokenError::OAuth {
        error: error.into(),
        description: description.into(),
        claims: None,
    }
}

#[async_trait]
impl TokenEndpoint for FakeAuthority {
    async fn redeem_code(
        &self,
        _: &str,
        _: &Secret,
        _: &str,
        _: &Secret,
        _: &[String],
    ) -> Result<TokenSet, TokenError> {
        unreachable!("the fake authority redeems no authorization code")
    }

    async fn refresh(
        &self,
        tenant: &str,
        refresh_token: &Secret,
        _: &[String],
    ) -> Result<TokenSet, TokenError> {
        tokio::time::sleep(REFRESH_TAKES).await;
        let n = self.refreshes.fetch_add(1, Ordering::SeqCst) + 1;
        *self.last_refresh_token.lock().unwrap() = Some(refresh_token.expose().to_owned());
        if let Some(meanwhile) = &self.meanwhile {
            meanwhile(n);
        }
        let mut current = self.current.lock().unwrap();
        if self.strict && *current != refresh_token.expose() {
            self.revoked.store(true, Ordering::SeqCst);
        }
        if self.revoked.load(Ordering::SeqCst) {
            return Err(oauth_error("invalid_grant", "AADSTS50173: revoked"));
        }
        *current = format!("rt-{n}");
        Ok(tokens(
            &format!("at-{tenant}-{n}"),
            &current,
            self.lifetime_secs,
        ))
    }

    async fn start_device_code(
        &self,
        _: &str,
        scopes: &[String],
    ) -> Result<DeviceCodeStart, TokenError> {
        assert!(scopes.iter().any(|s| s == "offline_access"));
        Ok(DeviceCodeStart {
            device_code: Secret::new("device-secret"),
            user_code: "ABCD-1234".into(),
            verification_uri: "https://login.example.test/device".into(),
            expires_in: Duration::from_secs(60),
            interval: Duration::from_secs(5),
            message: None,
        })
    }

    async fn poll_device_code(
        &self,
        _: &str,
        device_code: &Secret,
    ) -> Result<TokenSet, TokenError> {
        assert_eq!(device_code.expose(), "device-secret");
        self.polls.lock().unwrap().push(tokio::time::Instant::now());
        let answer = self
            .device_answers
            .lock()
            .unwrap()
            .pop()
            .unwrap_or("authorization_pending");
        if answer == "ok" {
            return Ok(tokens("at", "rt", 0));
        }
        Err(oauth_error(answer, ""))
    }
}
