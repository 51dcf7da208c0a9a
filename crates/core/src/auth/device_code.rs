//! Device code sign-in (RFC 8628) for remote desktops and locked-down machines.

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::discovery::Discovery;
use super::id_token::{self, Expected};
use super::oauth::{TokenEndpoint, TokenError, TokenSet};
use crate::error::{Error, ErrorCode};
use crate::http::wait::{self, Look, Wait, Waited};
use crate::secret::Secret;

/// RFC 8628 §3.5: on `slow_down` the interval grows by 5 seconds.
const SLOW_DOWN_STEP: Duration = Duration::from_secs(5);
/// Transient network failures tolerated in a row while polling.
const MAX_TRANSIENT_FAILURES: u32 = 3;

/// What the user needs to finish a device code sign-in: shown with "Copy code" and "Open page".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DeviceCodePrompt {
    /// The short code the user types on the verification page. Not a secret on its own.
    pub user_code: String,
    pub verification_uri: String,
    pub expires_in_seconds: u64,
    /// The server's own instruction text, when it sends one.
    #[ts(optional)]
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl DeviceCodePrompt {
    /// "15 seconds", "about 15 minutes": how long the code stays valid, in words.
    pub fn lifetime_text(&self) -> String {
        describe_lifetime(self.expires_in_seconds)
    }
}

/// Lifetimes under two minutes in seconds (a rounded "0 minutes" or "1 minute" would mislead),
/// longer ones in whole minutes.
pub fn describe_lifetime(seconds: u64) -> String {
    match seconds {
        1 => "1 second".into(),
        0..120 => format!("{seconds} seconds"),
        // The code started ticking before the user reads this: "about".
        _ => format!("about {} minutes", (seconds + 30) / 60),
    }
}

/// Starts a device code sign-in, hands the prompt to `on_prompt`, and polls until the user has
/// finished, declined, the code expired, or `cancel` fired. The ID token is validated before the
/// tokens are handed back.
pub async fn sign_in_with_device_code(
    discovery: &Discovery,
    endpoint: &dyn TokenEndpoint,
    tenant: &str,
    scopes: &[String],
    on_prompt: &(dyn Fn(DeviceCodePrompt) + Send + Sync),
    cancel: &CancellationToken,
) -> Result<TokenSet, Error> {
    let scopes = super::with_oidc_scopes(scopes);
    let start = tokio::select! {
        _ = cancel.cancelled() => return Err(Error::cancelled()),
        start = endpoint.start_device_code(tenant, &scopes) => start.map_err(TokenError::into_error)?,
    };
    on_prompt(DeviceCodePrompt {
        user_code: start.user_code.clone(),
        verification_uri: start.verification_uri.clone(),
        expires_in_seconds: start.expires_in.as_secs(),
        message: start.message.clone(),
    });
    // The code's own lifetime bounds the wait; the first look comes one interval in (RFC 8628
    // §3.5), and every later one after the interval in force, which `slow_down` lengthens.
    let wait = Wait::every(start.interval, start.expires_in)
        .after(start.interval)
        .with_max_interval(start.expires_in.max(start.interval))
        .with_cancel(cancel.clone());
    let poll = Poll {
        interval: Mutex::new(start.interval),
        transient_failures: AtomicU32::new(0),
    };
    let polled = wait::until(&wait, |_| poll.once(endpoint, tenant, &start.device_code)).await?;
    let Waited::Done(mut tokens) = polled else {
        return Err(expired());
    };
    let raw = tokens
        .raw_id_token
        .clone()
        .ok_or_else(|| id_token::rejected("is missing from the sign-in answer", "missing"))?;
    let expected = Expected {
        tenant,
        client_id: &discovery.authority().client_id,
        nonce: None,
    };
    tokens.id_token = Some(id_token::validate(discovery, &raw, expected).await?);
    Ok(tokens)
}

/// What one device code poll carries to the next: the interval in force and the transient
/// failures in a row.
struct Poll {
    interval: Mutex<Duration>,
    transient_failures: AtomicU32,
}

impl Poll {
    /// One look at the token endpoint: done with tokens, again (pending, slowed down, a tolerated
    /// network failure) or an error that ends the sign-in.
    async fn once(
        &self,
        endpoint: &dyn TokenEndpoint,
        tenant: &str,
        device_code: &Secret,
    ) -> Result<Look<TokenSet>, Error> {
        let again = |poll: &Self| Look::AgainAfter(*poll.interval.lock().unwrap());
        let error = match endpoint.poll_device_code(tenant, device_code).await {
            Ok(tokens) => return Ok(Look::Done(tokens)),
            Err(error) => error,
        };
        match error.oauth_code() {
            Some("authorization_pending") => {}
            Some("slow_down") => *self.interval.lock().unwrap() += SLOW_DOWN_STEP,
            Some("expired_token" | "code_expired") => return Err(expired()),
            Some("access_denied" | "authorization_declined") => {
                return Err(Error::new(
                    ErrorCode::SignInDeclined,
                    "The sign-in was declined on the verification page.",
                )
                .with_remedy("Sign in again and approve the request."))
            }
            Some(_) => return Err(error.into_error()),
            None => {
                let error = error.into_error();
                let failures = self.transient_failures.fetch_add(1, Ordering::SeqCst) + 1;
                if !error.is_retryable() || failures > MAX_TRANSIENT_FAILURES {
                    return Err(error);
                }
                return Ok(again(self));
            }
        }
        self.transient_failures.store(0, Ordering::SeqCst);
        Ok(again(self))
    }
}

fn expired() -> Error {
    Error::new(
        ErrorCode::Timeout,
        "The device code expired before the sign-in was finished.",
    )
    .with_remedy("Start the sign-in again and enter the new code within its time limit.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::auth::fake_authority::FakeAuthority;

    async fn run(
        endpoint: &FakeAuthority,
        cancel: &CancellationToken,
    ) -> (Result<TokenSet, Error>, Vec<DeviceCodePrompt>) {
        let prompts = Mutex::new(Vec::new());
        let discovery = Discovery::new(
            crate::auth::oauth::Authority::new(
                url::Url::parse("https://login.example.test/").unwrap(),
                "client-1",
            )
            .unwrap(),
            reqwest::Client::new(),
        );
        let result = sign_in_with_device_code(
            &discovery,
            endpoint,
            "t1",
            &["arm/.default".into()],
            &|p| prompts.lock().unwrap().push(p),
            cancel,
        )
        .await;
        (result, prompts.into_inner().unwrap())
    }

    #[tokio::test(start_paused = true)]
    async fn polls_at_the_server_interval_and_slows_down_when_asked() {
        let endpoint = FakeAuthority::device_code(&[
            "authorization_pending",
            "slow_down",
            "authorization_pending",
            "ok",
        ]);
        let (result, prompts) = run(&endpoint, &CancellationToken::new()).await;
        // The scripted answer has tokens but no ID token: nobody can say who signed in.
        let error = result.unwrap_err();
        assert_eq!(error.code, ErrorCode::SignInRejected);
        assert_eq!(prompts.len(), 1);
        assert_eq!(prompts[0].user_code, "ABCD-1234");
        assert_eq!(
            prompts[0].verification_uri,
            "https://login.example.test/device"
        );
        assert_eq!(endpoint.poll_gaps(), vec![5, 10, 10]);
    }

    #[tokio::test(start_paused = true)]
    async fn ends_on_expiry_decline_and_cancel() {
        let failure = |endpoint| async move {
            run(endpoint, &CancellationToken::new())
                .await
                .0
                .unwrap_err()
                .code
        };
        let endpoint = FakeAuthority::device_code(&["authorization_pending", "expired_token"]);
        assert_eq!(failure(&endpoint).await, ErrorCode::Timeout);

        let endpoint = FakeAuthority::device_code(&["access_denied"]);
        let declined = failure(&endpoint).await;
        assert_eq!(declined, ErrorCode::SignInDeclined);
        assert_ne!(declined.exit_code(), ErrorCode::Cancelled.exit_code());

        // The code's own lifetime (60 s) bounds the wait even if the server keeps saying "pending".
        let endpoint = FakeAuthority::device_code(&[]);
        assert_eq!(failure(&endpoint).await, ErrorCode::Timeout);
        assert!(endpoint.polls.lock().unwrap().len() <= 12);

        let endpoint = FakeAuthority::device_code(&[]);
        let cancel = CancellationToken::new();
        let canceller = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(12)).await;
            canceller.cancel();
        });
        let (result, _) = run(&endpoint, &cancel).await;
        assert_eq!(result.unwrap_err().code, ErrorCode::Cancelled);
        assert_eq!(endpoint.polls.lock().unwrap().len(), 2);
    }

    #[test]
    fn lifetimes_read_as_people_say_them() {
        assert_eq!(describe_lifetime(15), "15 seconds");
        assert_eq!(describe_lifetime(1), "1 second");
        assert_eq!(describe_lifetime(90), "90 seconds");
        assert_eq!(describe_lifetime(900), "about 15 minutes");
        assert_eq!(describe_lifetime(899), "about 15 minutes");
        assert_eq!(describe_lifetime(125), "about 2 minutes");
    }
}
