//! ARM long-running operations, answered the ways ARM's asynchronous-operation rules allow
//! (Azure Resource Manager RPC, "Asynchronous operations") for the operations the specs mark
//! `x-ms-long-running-operation`: compute create (PUT), delete, start, stop and restart.
//!
//! - Which URLs the first answer names, and how `Retry-After` paces the polls, follow the world's
//!   [`LroPattern`].
//! - How an operation ends follows the next [`LroEnding`] a test or a fault asks for: failed or
//!   cancelled, at the first answer, at the first poll or after some polls.
//! - Every request for an operation (the first, each poll, the result read) is kept in an
//!   [`LroRecord`] with its time, status and the pause it asked for, so that tests can check how a
//!   client paced its polls against what the service asked.

use std::time::{Duration, Instant};

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::arm::arm_error;
use crate::http::{empty_resp, json_resp, set_header, Req, Resp};
use crate::state::{now_rfc3339, Lro, LroPattern, World, MLS};
use crate::App;

/// The most records kept; older ones are dropped first.
const MAX_RECORDS: usize = 500;

/// When, in an operation's life, its ending shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LroStage {
    /// In the first answer: a create (PUT) answers with the resource already `Failed` or
    /// `Canceled`; an action or a delete (POST, DELETE) fails synchronously with an ARM error
    /// (a 202 carries no outcome, so a cancel of those shows at the first poll instead).
    Initial,
    /// The operation has ended by the time of the first poll.
    FirstPoll,
    /// After its usual duration, so after some polls that said it is still running.
    #[default]
    Later,
}

/// How an operation that does not succeed ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum LroEnd {
    Failed,
    /// Cancelled in Azure (by someone else, or by the platform).
    Canceled,
}

/// The ending of the next long-running operation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LroEnding {
    pub end: LroEnd,
    #[serde(default)]
    pub stage: LroStage,
    /// The ARM error code of a failure.
    #[serde(default = "default_code")]
    pub code: String,
    #[serde(default = "default_message")]
    pub message: String,
}

fn default_code() -> String {
    "ComputeOperationFailed".into()
}

fn default_message() -> String {
    "The compute operation failed.".into()
}

impl LroEnding {
    pub fn failed(stage: LroStage, code: &str, message: &str) -> Self {
        LroEnding {
            end: LroEnd::Failed,
            stage,
            code: code.into(),
            message: message.into(),
        }
    }

    pub fn canceled(stage: LroStage) -> Self {
        LroEnding {
            end: LroEnd::Canceled,
            stage,
            code: "OperationCanceled".into(),
            message: "The operation was canceled.".into(),
        }
    }

    /// The provisioning state a resource is left in.
    pub fn provisioning_state(&self) -> &'static str {
        match self.end {
            LroEnd::Failed => "Failed",
            LroEnd::Canceled => "Canceled",
        }
    }

    pub fn error_body(&self) -> Value {
        json!({"code": self.code, "message": self.message})
    }
}

/// One operation about to start: when it ends and how.
#[derive(Debug, Clone)]
pub struct Plan {
    pub done_at: Instant,
    pub ending: Option<LroEnding>,
}

impl Plan {
    /// Takes the world's next ending; the operation lasts `duration` unless it ends early.
    pub fn new(world: &mut World, duration: Duration) -> Plan {
        let ending = world.next_lro_ending.take();
        let now = Instant::now();
        let done_at = match ending.as_ref().map(|e| e.stage) {
            Some(LroStage::Initial | LroStage::FirstPoll) => now,
            _ => now + duration,
        };
        Plan { done_at, ending }
    }

    pub fn succeeds(&self) -> bool {
        self.ending.is_none()
    }

    /// The ending shows in the first answer.
    pub fn ends_at_once(&self) -> bool {
        self.ending
            .as_ref()
            .is_some_and(|e| e.stage == LroStage::Initial)
    }

    /// For an action or a delete: the synchronous ARM error a failure in the first answer is.
    /// Recorded like any operation, so a test sees that nothing was polled.
    pub fn synchronous_failure(&self, world: &mut World, req: &Req) -> Option<Resp> {
        let ending = self.ending.as_ref()?;
        if ending.stage != LroStage::Initial || ending.end != LroEnd::Failed {
            return None;
        }
        let id = format!("sync-{}", uuid::Uuid::new_v4());
        record(world, &id, req, Vec::new(), self.done_at);
        Some(arm_error(400, &ending.code, &ending.message))
    }
}

/// A request made for one operation, as the emulator answered it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LroRequest {
    pub method: String,
    pub path: String,
    pub status: u16,
    /// When it was answered.
    #[serde(skip)]
    pub at: Instant,
    /// Milliseconds from the first answer to this one.
    pub at_ms: u64,
    /// The `Retry-After` header sent, as sent.
    pub retry_after: Option<String>,
    /// The pause that `Retry-After` asked for (its seconds, or the time until its HTTP-date).
    pub asked_ms: Option<u64>,
    /// The answer said the operation is still running (a 202, a non-terminal status or
    /// provisioning state).
    pub in_progress: bool,
}

/// Every request made for one long-running operation, the first one included.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LroRecord {
    pub id: String,
    pub method: String,
    pub path: String,
    pub pattern: LroPattern,
    /// Milliseconds from the first request until the operation ended (0: it ended at once).
    pub lasts_ms: u64,
    pub requests: Vec<LroRequest>,
    #[serde(skip)]
    started: Instant,
    /// Paths (lower case) whose GETs are this operation's polls.
    #[serde(skip)]
    watch: Vec<String>,
}

impl LroRecord {
    /// The requests after the first one: the polls and the result read.
    pub fn polls(&self) -> &[LroRequest] {
        self.requests.get(1..).unwrap_or_default()
    }
}

fn record(world: &mut World, id: &str, req: &Req, watch: Vec<String>, done_at: Instant) {
    let now = Instant::now();
    if world.lro_records.len() >= MAX_RECORDS {
        world.lro_records.remove(0);
    }
    world.lro_records.push(LroRecord {
        id: id.to_owned(),
        method: req.method.to_string(),
        path: req.path.clone(),
        pattern: world.lro_pattern,
        lasts_ms: done_at.saturating_duration_since(now).as_millis() as u64,
        requests: Vec::new(),
        started: now,
        watch: watch.into_iter().map(|p| p.to_ascii_lowercase()).collect(),
    });
}

/// Records `req` and its answer when it belongs to a long-running operation: its first request,
/// or a GET of one of its status, result or resource URLs.
pub fn observe(app: &App, req: &Req, resp: &Resp) {
    let path = req.path.to_ascii_lowercase();
    let mut world = app.world();
    let is_get = req.method == Method::GET;
    let Some(record) = world.lro_records.iter_mut().rev().find(|r| {
        if is_get {
            !r.requests.is_empty() && r.watch.contains(&path)
        } else {
            r.requests.is_empty() && r.method == req.method.as_str() && r.path == req.path
        }
    }) else {
        return;
    };
    let now = Instant::now();
    let retry_after = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body: Option<Value> = resp
        .body()
        .bytes()
        .and_then(|b| serde_json::from_slice(b).ok());
    let status = resp.status().as_u16();
    let running = |text: Option<&str>| {
        text.is_some_and(|t| {
            !["succeeded", "failed", "canceled"].contains(&t.to_ascii_lowercase().as_str())
        })
    };
    let in_progress = status == 202
        || (status < 300
            && body.as_ref().is_some_and(|b| match b.get("status") {
                Some(s) => running(s.as_str()),
                None => running(
                    b.pointer("/properties/provisioningState")
                        .and_then(Value::as_str),
                ),
            }));
    record.requests.push(LroRequest {
        method: req.method.to_string(),
        path: req.path.clone(),
        status,
        at: now,
        at_ms: now.saturating_duration_since(record.started).as_millis() as u64,
        asked_ms: retry_after.as_deref().and_then(asked_pause_ms),
        retry_after,
        in_progress,
    });
}

/// The pause a `Retry-After` value asks for, in milliseconds.
fn asked_pause_ms(text: &str) -> Option<u64> {
    if let Ok(seconds) = text.trim().parse::<u64>() {
        return Some(seconds.saturating_mul(1000));
    }
    let when = time::PrimitiveDateTime::parse(text.trim(), HTTP_DATE)
        .ok()?
        .assume_utc();
    let ms = (when - time::OffsetDateTime::now_utc()).whole_milliseconds();
    Some(ms.max(0) as u64)
}

const HTTP_DATE: &[time::format_description::FormatItem<'static>] = time::macros::format_description!(
    "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
);

/// `GET .../locations/{location}/computeOperationsStatus/{id}`: the operation-status resource.
pub fn status(world: &World, location: &str, id: &str) -> Resp {
    let Some(lro) = world.lros.get(id) else {
        return arm_error(
            404,
            "NotFound",
            &format!("The operation '{id}' could not be found in location '{location}'."),
        );
    };
    let done = lro.done_at <= Instant::now();
    let mut body = json!({"id": format!("/subscriptions/-/providers/{MLS}/locations/{location}/computeOperationsStatus/{}", lro.id), "name": lro.id, "startTime": lro.start_time, "status": if done { "Succeeded" } else { "InProgress" }});
    if done {
        body["endTime"] = json!(now_rfc3339());
        body["percentComplete"] = json!(100.0);
        if let Some((code, message)) = &lro.failure {
            body["status"] = json!("Failed");
            body["error"] = json!({"code": code, "message": message});
        } else if lro.canceled {
            body["status"] = json!("Canceled");
            body["error"] =
                json!({"code": "OperationCanceled", "message": "The operation was canceled."});
        }
        return json_resp(200, &body);
    }
    let mut r = json_resp(200, &body);
    set_header(&mut r, "Retry-After", &retry_after_header(world));
    r
}

/// `GET .../locations/{location}/computeOperationsResults/{id}`: 202 while running, then the
/// operation's result (204) or its error.
pub fn result(app: &App, world: &World, req: &Req, id: &str) -> Resp {
    let Some(lro) = world.lros.get(id) else {
        return arm_error(
            404,
            "NotFound",
            &format!("The operation '{id}' could not be found."),
        );
    };
    if lro.done_at > Instant::now() {
        let mut r = empty_resp(202);
        let version = req
            .q("api-version")
            .map(|v| format!("api-version={v}"))
            .unwrap_or_default();
        // With a new Location per poll, each 202 names the next URL; the old ones keep working.
        let next = match world.lro_pattern {
            LroPattern::NewLocationPerPoll => {
                let poll = req
                    .q("poll")
                    .and_then(|p| p.parse::<u64>().ok())
                    .unwrap_or(0)
                    + 1;
                format!("{version}&poll={poll}")
            }
            _ => version,
        };
        set_header(
            &mut r,
            "Location",
            &format!("{}{}?{next}", app.info.arm_endpoint, req.path),
        );
        set_header(&mut r, "Retry-After", &retry_after_header(world));
        return r;
    }
    if let Some((code, message)) = &lro.failure {
        return arm_error(400, code, message);
    }
    if lro.canceled {
        return arm_error(409, "OperationCanceled", "The operation was canceled.");
    }
    empty_resp(204)
}

/// Seconds between polls ARM asks for: 15 in real time (the compute RP's value), scaled.
fn retry_after(world: &World) -> u64 {
    ((15.0 / world.time_scale).ceil() as u64).clamp(1, 15)
}

/// `Retry-After` as the pattern asks: seconds, `0`, or an HTTP-date.
pub fn retry_after_header(world: &World) -> String {
    match world.lro_pattern {
        LroPattern::RetryAfterZero => "0".to_owned(),
        LroPattern::RetryAfterDate => {
            let when = time::OffsetDateTime::now_utc()
                + time::Duration::seconds(retry_after(world) as i64);
            when.format(HTTP_DATE).unwrap_or_else(|_| "0".to_owned())
        }
        _ => retry_after(world).to_string(),
    }
}

/// Where an operation runs, and the request that started it.
pub struct Start<'a> {
    pub req: &'a Req,
    pub subscription: &'a str,
    pub location: &'a str,
    pub version: &'a str,
}

/// Registers the operation `plan` describes, sets the headers the world's [`LroPattern`] calls
/// for on `resp` (none when the plan ends in the first answer, or for a create answered by its
/// provisioning state alone), and returns the operation's id.
pub fn start(app: &App, world: &mut World, at: &Start<'_>, plan: &Plan, resp: &mut Resp) -> String {
    let id = uuid::Uuid::new_v4().to_string();
    let (failure, canceled) = match &plan.ending {
        Some(e) if e.end == LroEnd::Failed => (Some((e.code.clone(), e.message.clone())), false),
        Some(_) => (None, true),
        None => (None, false),
    };
    world.lros.insert(
        id.clone(),
        Lro {
            id: id.clone(),
            done_at: plan.done_at,
            start_time: now_rfc3339(),
            failure,
            canceled,
        },
    );
    let path = format!(
        "/subscriptions/{}/providers/{MLS}/locations/{}",
        at.subscription, at.location
    );
    let status_path = format!("{path}/computeOperationsStatus/{id}");
    let result_path = format!("{path}/computeOperationsResults/{id}");
    let is_create = at.req.method == Method::PUT;
    let mut watch = vec![status_path.clone(), result_path.clone()];
    if is_create {
        // A create's result (and, by provisioning state, its progress) is the resource itself.
        watch.push(at.req.path.clone());
    }
    record(world, &id, at.req, watch, plan.done_at);
    let headers =
        !(is_create && (plan.ends_at_once() || world.lro_pattern == LroPattern::ProvisioningState));
    if !headers {
        return id;
    }
    let (async_header, location_header) = match world.lro_pattern {
        LroPattern::AsyncAndLocation | LroPattern::RetryAfterZero | LroPattern::RetryAfterDate => {
            (true, true)
        }
        LroPattern::AsyncOnly => (true, false),
        // A 202 must name a URL to follow: actions answer with Location.
        LroPattern::LocationOnly
        | LroPattern::NewLocationPerPoll
        | LroPattern::ProvisioningState => (false, true),
    };
    let base = &app.info.arm_endpoint;
    let query = format!("api-version={}&service=new", at.version);
    if async_header {
        set_header(
            resp,
            "Azure-AsyncOperation",
            &format!("{base}{status_path}?{query}"),
        );
    }
    if location_header {
        set_header(resp, "Location", &format!("{base}{result_path}?{query}"));
    }
    set_header(resp, "Retry-After", &retry_after_header(world));
    id
}
