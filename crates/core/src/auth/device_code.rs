//! Device code sign-in (RFC 8628) for remote desktops and locked-down machines.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use ts_rs::TS;

use super::discovery::Discovery;
use super::id_token::{self, Expected};
use super::oauth::{TokenEndpoint, TokenError, TokenSet};
use crate::error::{Error, ErrorCode};

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
    let deadline = tokio::time::Instant::now() + start.expires_in;
    let mut interval = start.interval;
    let mut transient_failures = 0;
    loop {
        tokio::select! {
            _ = cancel.cancelled() => return Err(Error::cancelled()),
            _ = tokio::time::sleep_until(deadline) => return Err(expired()),
            _ = tokio::time::sleep(interval) => {}
        }
        match endpoint.poll_device_code(tenant, &start.device_code).await {
            Ok(mut tokens) => {
                let raw = tokens.raw_id_token.clone().ok_or_else(|| {
                    id_token::rejected("is missing from the sign-in answer", "missing")
                })?;
                let expected = Expected {
                    tenant,
                    client_id: &discovery.authority().client_id,
                    nonce: None,
                };
                tokens.id_token = Some(id_token::validate(discovery, &raw, expected).await?);
                return Ok(tokens);
            }
            Err(error) => match error.oauth_code() {
                Some("authorization_pending") => {}
                Some("slow_down") => interval += SLOW_DOWN_STEP,
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
                    transient_failures += 1;
                    if !error.is_retryable() || transient_failures > MAX_TRANSIENT_FAILURES {
                        return Err(error);
                    }
                    continue;
                }
            },
        }
        transient_failures = 0;
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
    use std::sync::Mutex;

    use async_trait::async_trait;
    use time::OffsetDateTime;

    use super::*;
    use crate::auth::oauth::DeviceCodeStart;
    use crate::secret::Secret;

    /// Answers polls from a script and records when each poll came.
    #[derive(Debug)]
    struct ScriptedEndpoint {
        answers: Mutex<Vec<&'static str>>,
        polls: Mutex<Vec<tokio::time::Instant>>,
    }

    impl ScriptedEndpoint {
        fn new(answers: &[&'static str]) -> Self {
            let mut answers = answers.to_vec();
            answers.reverse();
            ScriptedEndpoint {
                answers: Mutex::new(answers),
                polls: Mutex::new(Vec::new()),
            }
        }
        fn gaps(&self) -> Vec<u64> {
            let polls = self.polls.lock().unwrap();
            polls.windows(2).map(|w| (w[1] - w[0]).as_secs()).collect()
        }
    }

    #[async_trait]
    impl TokenEndpoint for ScriptedEndpoint {
        async fn redeem_code(
            &self,
            _: &str,
            _: &Secret,
            _: &str,
            _: &Secret,
            _: &[String],
        ) -> Result<TokenSet, TokenError> {
            unreachable!()
        }
        async fn refresh(&self, _: &str, _: &Secret, _: &[String]) -> Result<TokenSet, TokenError> {
            unreachable!()
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
                .answers
                .lock()
                .unwrap()
                .pop()
                .unwrap_or("authorization_pending");
            if answer == "ok" {
                return Ok(TokenSet {
                    access_token: Secret::new("at"),
                    expires_on: OffsetDateTime::now_utc(),
                    refresh_token: Some(Secret::new("rt")),
                    raw_id_token: None,
                    id_token: None,
                });
            }
            Err(TokenError::OAuth {
                error: answer.into(),
                description: String::new(),
                claims: None,
            })
        }
    }

    async fn run(
        endpoint: &ScriptedEndpoint,
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
        let endpoint = ScriptedEndpoint::new(&[
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
        assert_eq!(endpoint.gaps(), vec![5, 10, 10]);
    }

    #[tokio::test(start_paused = true)]
    async fn ends_on_expiry_decline_and_cancel() {
        let endpoint = ScriptedEndpoint::new(&["authorization_pending", "expired_token"]);
        assert_eq!(
            run(&endpoint, &CancellationToken::new())
                .await
                .0
                .unwrap_err()
                .code,
            ErrorCode::Timeout
        );

        let endpoint = ScriptedEndpoint::new(&["access_denied"]);
        let declined = run(&endpoint, &CancellationToken::new())
            .await
            .0
            .unwrap_err();
        assert_eq!(declined.code, ErrorCode::SignInDeclined);
        assert_ne!(declined.code.exit_code(), ErrorCode::Cancelled.exit_code());

        // The code's own lifetime (60 s) bounds the wait even if the server keeps saying "pending".
        let endpoint = ScriptedEndpoint::new(&[]);
        assert_eq!(
            run(&endpoint, &CancellationToken::new())
                .await
                .0
                .unwrap_err()
                .code,
            ErrorCode::Timeout
        );
        assert!(endpoint.polls.lock().unwrap().len() <= 12);

        let endpoint = ScriptedEndpoint::new(&[]);
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
