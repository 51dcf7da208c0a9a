//! Fault injection and latency: rules matched per request before the emulated service sees it,
//! plus counters of requests and injected faults that tests read back.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// What a matching rule does to the request.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum FaultAction {
    /// Answer with `status` and `body` (JSON or text) instead of the real handler.
    #[default]
    Respond,
    /// Close the connection without answering.
    Reset,
    /// Run the real handler, then send only half of the body and close the connection.
    Truncate,
    /// Run the real handler (the service acts), then close the connection without answering:
    /// the client cannot tell whether its request was carried out.
    ResetAfter,
    /// Only wait `delayMs`, then run the real handler.
    Delay,
}

/// One fault rule. Unset fields match everything.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct FaultRule {
    /// Set by the emulator when the rule is added.
    pub id: String,
    /// Which listener: `authority`, `arm`, `flow`, `registry`, `graph` (unset = any).
    pub service: Option<String>,
    /// HTTP method, case-insensitive (unset = any).
    pub method: Option<String>,
    /// Glob over the request path (no query): `*` matches within a segment, `**` across segments.
    pub path: Option<String>,
    pub action: FaultAction,
    /// Status for `respond` (default 503).
    pub status: Option<u16>,
    /// Body for `respond`: a JSON value (sent as JSON) or a string (sent as text).
    pub body: Option<serde_json::Value>,
    /// `Retry-After` header (seconds) for `respond`.
    pub retry_after: Option<u64>,
    /// Extra wait before acting, for any action.
    pub delay_ms: Option<u64>,
    /// Apply to the next N matching requests only (unset = every matching request).
    pub times: Option<u32>,
    /// Apply with this probability (0..=1; unset = always).
    pub probability: Option<f64>,
}

#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Counters {
    /// Requests seen per route key `"{service} {METHOD} {path}"`.
    pub requests: BTreeMap<String, u64>,
    /// Injected faults per rule id.
    pub injected: BTreeMap<String, u64>,
    pub injected_total: u64,
}

/// One request as the emulator saw it, kept while recording is on (see
/// [`Faults::set_recording`]): enough to check a client's retries afterwards.
#[derive(Debug, Clone)]
pub struct RequestRecord {
    /// When the request arrived (before any injected delay).
    pub at: Instant,
    pub service: String,
    pub method: String,
    pub path: String,
    /// The client's `x-ms-client-request-id` (the same on every retry of one logical request).
    pub client_request_id: Option<String>,
    /// The fault injected, if any.
    pub fault: Option<FaultAction>,
    /// The injected status (for `respond`).
    pub status: Option<u16>,
    /// The injected `Retry-After` seconds (for `respond`).
    pub retry_after: Option<u64>,
}

impl RequestRecord {
    /// Whether the emulated service ran the request (it may have acted on it).
    pub fn reached_service(&self) -> bool {
        !matches!(
            self.fault,
            Some(FaultAction::Respond) | Some(FaultAction::Reset)
        )
    }

    /// Whether the client was told plainly that the request was not carried out (408, 429 or
    /// 503 injected before the service saw it), so sending it again is safe for any method.
    pub fn refused_unprocessed(&self) -> bool {
        self.fault == Some(FaultAction::Respond)
            && matches!(self.status.unwrap_or(503), 408 | 429 | 503)
    }
}

#[derive(Default)]
struct Inner {
    rules: Vec<FaultRule>,
    next_id: u64,
    latency_ms: u64,
    counters: Counters,
    recording: bool,
    log: Vec<RequestRecord>,
}

/// Shared handle to the fault rules and counters; cheap to clone.
#[derive(Clone, Default)]
pub struct Faults {
    inner: Arc<Mutex<Inner>>,
}

/// The decision for one request.
pub struct Decision {
    pub delay: Duration,
    pub fault: Option<FaultRule>,
}

impl Faults {
    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Adds a rule and returns its id.
    pub fn add(&self, mut rule: FaultRule) -> String {
        let mut inner = self.lock();
        inner.next_id += 1;
        if rule.id.is_empty() {
            rule.id = format!("fault-{}", inner.next_id);
        }
        let id = rule.id.clone();
        inner.rules.retain(|r| r.id != id);
        inner.rules.push(rule);
        id
    }

    pub fn remove(&self, id: &str) -> bool {
        let mut inner = self.lock();
        let before = inner.rules.len();
        inner.rules.retain(|r| r.id != id);
        before != inner.rules.len()
    }

    pub fn clear(&self) {
        self.lock().rules.clear();
    }

    pub fn rules(&self) -> Vec<FaultRule> {
        self.lock().rules.clone()
    }

    /// Latency added to every request on every listener.
    pub fn set_latency(&self, latency: Duration) {
        self.lock().latency_ms = latency.as_millis() as u64;
    }

    pub fn latency(&self) -> Duration {
        Duration::from_millis(self.lock().latency_ms)
    }

    pub fn counters(&self) -> Counters {
        self.lock().counters.clone()
    }

    pub fn reset_counters(&self) {
        self.lock().counters = Counters::default();
    }

    /// How many times the rule with this id fired.
    pub fn injected(&self, rule_id: &str) -> u64 {
        self.lock()
            .counters
            .injected
            .get(rule_id)
            .copied()
            .unwrap_or(0)
    }

    pub fn injected_total(&self) -> u64 {
        self.lock().counters.injected_total
    }

    /// Requests seen whose method matches (`*` = any) and whose path matches the glob, on any listener.
    pub fn request_count(&self, method: &str, path_glob: &str) -> u64 {
        let inner = self.lock();
        inner
            .counters
            .requests
            .iter()
            .filter(|(key, _)| {
                let mut parts = key.splitn(3, ' ');
                let (_service, m, p) = (parts.next(), parts.next(), parts.next());
                (method == "*" || m.is_some_and(|m| m.eq_ignore_ascii_case(method)))
                    && p.is_some_and(|p| glob_match(path_glob, p))
            })
            .map(|(_, n)| *n)
            .sum()
    }

    /// Starts (or stops) keeping a [`RequestRecord`] of every request; starting clears the log.
    pub fn set_recording(&self, on: bool) {
        let mut inner = self.lock();
        inner.recording = on;
        if on {
            inner.log.clear();
        }
    }

    /// The requests recorded since recording started, in arrival order.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.lock().log.clone()
    }

    /// Counts the request (recording it with the client's request id, when recording) and
    /// picks the fault (if any) to apply.
    pub(crate) fn decide_request(
        &self,
        service: &str,
        method: &str,
        path: &str,
        client_request_id: Option<&str>,
    ) -> Decision {
        let arrived = Instant::now();
        let mut inner = self.lock();
        *inner
            .counters
            .requests
            .entry(format!("{service} {method} {path}"))
            .or_insert(0) += 1;
        let delay = Duration::from_millis(inner.latency_ms);
        let mut chosen = None;
        for rule in inner.rules.iter_mut() {
            if !rule_matches(rule, service, method, path) {
                continue;
            }
            if let Some(p) = rule.probability {
                if rand::random::<f64>() >= p {
                    continue;
                }
            }
            if let Some(times) = rule.times.as_mut() {
                if *times == 0 {
                    continue;
                }
                *times -= 1;
            }
            chosen = Some(rule.clone());
            break;
        }
        inner.rules.retain(|r| r.times != Some(0));
        if let Some(rule) = &chosen {
            *inner.counters.injected.entry(rule.id.clone()).or_insert(0) += 1;
            inner.counters.injected_total += 1;
        }
        if inner.recording {
            let record = RequestRecord {
                at: arrived,
                service: service.to_owned(),
                method: method.to_owned(),
                path: path.to_owned(),
                client_request_id: client_request_id.map(str::to_owned),
                fault: chosen.as_ref().map(|rule| rule.action.clone()),
                status: chosen
                    .as_ref()
                    .filter(|rule| rule.action == FaultAction::Respond)
                    .map(|rule| rule.status.unwrap_or(503)),
                retry_after: chosen
                    .as_ref()
                    .filter(|rule| rule.action == FaultAction::Respond)
                    .and_then(|rule| rule.retry_after),
            };
            inner.log.push(record);
        }
        Decision {
            delay,
            fault: chosen,
        }
    }
}

fn rule_matches(rule: &FaultRule, service: &str, method: &str, path: &str) -> bool {
    rule.service
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case(service))
        && rule
            .method
            .as_deref()
            .is_none_or(|m| m == "*" || m.eq_ignore_ascii_case(method))
        && rule.path.as_deref().is_none_or(|g| glob_match(g, path))
}

/// Case-insensitive glob: `*` matches any run of characters except `/`, `**` matches anything;
/// a pattern that is only `*` or `**` matches every path.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    if pattern == "*" || pattern == "**" {
        return true;
    }
    let p: Vec<char> = pattern.to_ascii_lowercase().chars().collect();
    let t: Vec<char> = text.to_ascii_lowercase().chars().collect();
    glob_at(&p, &t)
}

fn glob_at(p: &[char], t: &[char]) -> bool {
    match p.first() {
        None => t.is_empty(),
        Some('*') => {
            let double = p.get(1) == Some(&'*');
            let rest = if double { &p[2..] } else { &p[1..] };
            for i in 0..=t.len() {
                if glob_at(rest, &t[i..]) {
                    return true;
                }
                if i < t.len() && !double && t[i] == '/' {
                    return false;
                }
            }
            false
        }
        Some(c) => t.first() == Some(c) && glob_at(&p[1..], &t[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_within_and_across_segments() {
        assert!(glob_match("/subscriptions/*/x", "/Subscriptions/abc/X"));
        assert!(!glob_match("/subscriptions/*", "/subscriptions/a/b"));
        assert!(glob_match("/subscriptions/**", "/subscriptions/a/b"));
        assert!(glob_match(
            "**/computes/*/restart",
            "/s/1/computes/ci/restart"
        ));
    }

    #[test]
    fn times_limits_injection_and_counts() {
        let faults = Faults::default();
        let id = faults.add(FaultRule {
            path: Some("/a".into()),
            times: Some(2),
            ..Default::default()
        });
        let hits = (0..4)
            .filter(|_| {
                faults
                    .decide_request("arm", "GET", "/a", None)
                    .fault
                    .is_some()
            })
            .count();
        assert_eq!(hits, 2);
        assert_eq!(faults.injected(&id), 2);
        assert_eq!(faults.request_count("GET", "/a"), 4);
    }
}
