//! When and how long to wait before trying a request again.

use std::time::{Duration, SystemTime};

use rand::Rng;

/// Retry settings: bounded attempts, exponential backoff with jitter, and a cap on any single wait
/// (including one the service asks for with `Retry-After`).
#[derive(Debug, Clone, PartialEq)]
pub struct RetryPolicy {
    /// Total tries of one request, the first included.
    pub max_attempts: u32,
    /// Wait before the first retry when the service gives no `Retry-After`.
    pub initial_delay: Duration,
    /// No single wait is longer than this, whatever the service asks.
    pub max_delay: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            initial_delay: Duration::from_millis(800),
            max_delay: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// Delay before retry number `attempt` (1 = after the first try failed). A service-given
    /// `Retry-After` wins over the computed backoff; both are capped at `max_delay`.
    pub fn backoff(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        if let Some(asked) = retry_after {
            return asked.min(self.max_delay);
        }
        let exponent = attempt.saturating_sub(1).min(16);
        let base = self.initial_delay.saturating_mul(1u32 << exponent);
        // ±20% jitter so many clients hit by the same outage do not retry in lockstep.
        let factor = rand::rng().random_range(0.8..1.2);
        base.mul_f64(factor).min(self.max_delay)
    }
}

/// Methods that may be repeated without changing the outcome. ARM PUTs are idempotent, and so
/// is an ARM PATCH: it merges the same body into the resource again (azure-core retries it too).
/// Requests that are not, whatever their method, say so with [`super::ApiRequest::not_repeatable`].
pub(crate) fn is_idempotent(method: &reqwest::Method) -> bool {
    use reqwest::Method;
    [
        Method::GET,
        Method::HEAD,
        Method::OPTIONS,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
    ]
    .contains(method)
}

/// Statuses worth retrying unchanged. 408, 429 and 503 say the request was not processed, so
/// any method is retried; after 500, 502 or 504 the server may have acted, so only idempotent
/// methods are (repeating "create runtime" could create it twice or fail on the duplicate).
pub(crate) fn is_retryable_status(status: u16, method: &reqwest::Method) -> bool {
    match status {
        408 | 429 | 503 => true,
        500 | 502 | 504 => is_idempotent(method),
        _ => false,
    }
}

/// Statuses by which the service says it did not act on the request: 429 (throttled: turned
/// away before any work) and 503 (unavailable). A write that must not be repeated
/// ([`super::ApiRequest::not_repeatable`]) is still sent again after these, once the
/// `Retry-After` they carry has passed; after any other failure it may have been carried out.
pub(crate) fn says_not_acted(status: u16) -> bool {
    matches!(status, 429 | 503)
}

/// The longest wait any `Retry-After` (or `retry-after-ms`) can ask for: one hour. Larger
/// values, up to any number of digits, read as this; callers cap further (the pipeline at
/// [`RetryPolicy::max_delay`], the poller at its longest poll interval).
pub const MAX_RETRY_AFTER: Duration = Duration::from_secs(60 * 60);

/// Parses `Retry-After` as delta-seconds or an HTTP-date (RFC 9110 §10.2.3), at most
/// [`MAX_RETRY_AFTER`]. A date in the past reads as zero. Never panics, whatever the text.
pub fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Some(seconds) = parse_number(value) {
        return Some(seconds_capped(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// The wait a response asks for, as azure-core reads it: `retry-after-ms`, then
/// `x-ms-retry-after-ms` (milliseconds), then `Retry-After`.
pub fn retry_after_from(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let text = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    for name in ["retry-after-ms", "x-ms-retry-after-ms"] {
        if let Some(millis) = text(name).and_then(|value| parse_number(value.trim())) {
            return Some(seconds_capped(millis / 1000.0));
        }
    }
    text("retry-after").and_then(parse_retry_after)
}

/// A non-negative decimal number (`7`, `0.5`, `1e20`, a 30-digit integer), or `None`.
fn parse_number(value: &str) -> Option<f64> {
    // f64 reads any length of digits (rounding), so no integer overflow can occur; NaN, the
    // infinities and negatives are not delays.
    let number = value.parse::<f64>().ok()?;
    if number == f64::INFINITY && value.starts_with(|c: char| c.is_ascii_digit()) {
        // Digits beyond f64's range ("1e400"): a number all the same, just huge.
        return Some(f64::MAX);
    }
    (number.is_finite() && number >= 0.0).then_some(number)
}

fn seconds_capped(seconds: f64) -> Duration {
    if seconds >= MAX_RETRY_AFTER.as_secs_f64() {
        MAX_RETRY_AFTER
    } else {
        Duration::try_from_secs_f64(seconds).unwrap_or(MAX_RETRY_AFTER)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        assert_eq!(parse_retry_after("7"), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after(" 0 "), Some(Duration::ZERO));
        let in_ten = SystemTime::now() + Duration::from_secs(10);
        let parsed = parse_retry_after(&httpdate::fmt_http_date(in_ten)).unwrap();
        assert!(parsed <= Duration::from_secs(10) && parsed >= Duration::from_secs(8));
        assert_eq!(
            parse_retry_after("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon"), None);
        assert_eq!(parse_retry_after("0.5"), Some(Duration::from_millis(500)));
        assert_eq!(parse_retry_after("-3"), None);
        assert_eq!(parse_retry_after("NaN"), None);
        assert_eq!(parse_retry_after("inf"), None);
    }

    #[test]
    fn huge_retry_after_values_are_capped_instead_of_panicking() {
        // Panicked in Duration::from_secs_f64 before: 1e20 s does not fit a Duration.
        for text in [
            "1e20",
            "12345678901234567890",
            "123456789012345678901234567890",
            "18446744073709551616",
            "1.8e308",
            "1e400",
            "3601",
        ] {
            assert_eq!(parse_retry_after(text), Some(MAX_RETRY_AFTER), "{text}");
        }
        let far = SystemTime::now() + Duration::from_secs(400 * 24 * 3600);
        assert_eq!(
            parse_retry_after(&httpdate::fmt_http_date(far)),
            Some(MAX_RETRY_AFTER)
        );
        assert_eq!(parse_retry_after("3599"), Some(Duration::from_secs(3599)));
    }

    #[test]
    fn retry_after_in_milliseconds_wins_as_in_azure_core() {
        use reqwest::header::{HeaderMap, HeaderValue};
        let mut headers = HeaderMap::new();
        headers.insert("retry-after", HeaderValue::from_static("30"));
        assert_eq!(retry_after_from(&headers), Some(Duration::from_secs(30)));
        headers.insert("x-ms-retry-after-ms", HeaderValue::from_static("1500"));
        assert_eq!(
            retry_after_from(&headers),
            Some(Duration::from_millis(1500))
        );
        headers.insert("retry-after-ms", HeaderValue::from_static("250"));
        assert_eq!(retry_after_from(&headers), Some(Duration::from_millis(250)));
        headers.insert("retry-after-ms", HeaderValue::from_static("1e30"));
        assert_eq!(retry_after_from(&headers), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        let policy = RetryPolicy {
            max_attempts: 10,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(500),
        };
        let first = policy.backoff(1, None);
        assert!(first >= Duration::from_millis(80) && first <= Duration::from_millis(120));
        let third = policy.backoff(3, None);
        assert!(third >= Duration::from_millis(320) && third <= Duration::from_millis(480));
        assert_eq!(policy.backoff(9, None), Duration::from_millis(500));
        // The service's Retry-After wins but cannot exceed the cap.
        assert_eq!(
            policy.backoff(1, Some(Duration::from_millis(300))),
            Duration::from_millis(300)
        );
        assert_eq!(
            policy.backoff(1, Some(Duration::from_secs(3600))),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn only_transient_statuses_are_retried() {
        use reqwest::Method;
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(is_retryable_status(status, &Method::GET), "{status}");
            assert!(is_retryable_status(status, &Method::PUT), "{status}");
        }
        for status in [400, 401, 403, 404, 409, 412, 501] {
            assert!(!is_retryable_status(status, &Method::GET), "{status}");
        }
        // A POST may have been carried out before a 500/502/504: not repeated.
        for status in [408, 429, 503] {
            assert!(is_retryable_status(status, &Method::POST), "{status}");
        }
        for status in [500, 502, 504] {
            assert!(!is_retryable_status(status, &Method::POST), "{status}");
        }
        // An ARM PATCH merges the same body again: retried like PUT (it was not before).
        for status in [500, 502, 504] {
            assert!(is_retryable_status(status, &Method::PATCH), "{status}");
        }
    }
}
