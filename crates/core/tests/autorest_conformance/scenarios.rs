//! The scenarios of the AutoRest test server that apply to an ARM client, and what pfrm should do
//! in each: a final body, success, a failure, or a deliberate difference with its reason.

use pfrm_core::http::Method;
use serde_json::{json, Value};

#[derive(Debug, Clone)]
pub enum Expect {
    /// Succeed with exactly this final body.
    Body(Value),
    /// Succeed (a DELETE or a POST without result: any body).
    Success,
    /// Fail with an error.
    Failure,
    /// Run, but pfrm deliberately differs from what the scenario checks for; the reason says
    /// why. The row shows what happened.
    Deliberate(&'static str),
}

pub struct Scenario {
    pub method: Method,
    pub path: &'static str,
    pub expect: Expect,
    /// Every poll after the first answer asks `Retry-After: 0`: polls must keep the default
    /// interval apart.
    pub retry_after_zero: bool,
}

fn resource(state: &str) -> Value {
    json!({"properties": {"provisioningState": state}, "id": "100", "name": "foo"})
}

/// A caller-chosen `x-ms-client-request-id` on every request of an operation is an SDK option
/// pfrm does not offer: it sends its own fresh id per request (the same on retries), so these
/// scenarios, which check for one fixed id, do not apply.
const CUSTOM_REQUEST_ID: &str =
    "needs a caller-fixed x-ms-client-request-id on every poll; pfrm sets its own id per request";

/// `final-state-via: azure-async-operation` is a per-operation swagger option. None of the ARM
/// operations pfrm calls declares it, so the poller follows the ARM default (a POST's result is
/// at its Location), which this scenario forbids by design.
const FINAL_STATE_VIA_ASYNC: &str = "needs final-state-via: azure-async-operation, which no ARM operation pfrm calls declares; pfrm reads a POST's result from Location (the ARM default)";

/// After a 500 the server may have carried a POST out. An ARM action is not idempotent (a second
/// "start" of an instance that is already starting fails with 409), so the pipeline repeats a
/// POST only after statuses that say it was not processed (408, 429, 503), and reports a 500.
const POST_AFTER_500: &str = "a POST answered 500 may have been carried out; ARM actions are not idempotent, so pfrm reports the 500 instead of repeating it";

pub fn lro_scenarios() -> Vec<Scenario> {
    use Expect::*;
    let s = |method: Method, path: &'static str, expect: Expect| Scenario {
        method,
        path,
        expect,
        retry_after_zero: false,
    };
    let z = |method: Method, path: &'static str, expect: Expect| Scenario {
        method,
        path,
        expect,
        retry_after_zero: true,
    };
    let (put, patch, post, delete) = (Method::PUT, Method::PATCH, Method::POST, Method::DELETE);
    vec![
        // Finished at once.
        s(
            put.clone(),
            "/lro/put/200/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/201/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/200/succeeded/nostate",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        // Terminal already: its async header (to another host) is not followed.
        s(
            patch.clone(),
            "/lro/patch/200/succeeded/ignoreheaders",
            Body(resource("Succeeded")),
        ),
        s(delete.clone(), "/lro/delete/204/succeeded", Success),
        // Provisioning-state polling of the resource itself.
        s(
            put.clone(),
            "/lro/put/201/creating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/put/200/updating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(put.clone(), "/lro/put/201/created/failed/200", Failure),
        s(put.clone(), "/lro/put/200/accepted/canceled/200", Failure),
        // PATCH with an async header: the result is read from the resource.
        s(
            patch.clone(),
            "/lro/patch/201/retry/onlyAsyncHeader",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "/lro/patch/201/retry/onlyAsyncHeader", "name": "foo"}),
            ),
        ),
        s(
            patch.clone(),
            "/lro/patch/202/retry/asyncAndLocationHeader",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "/lro/patch/202/retry/asyncAndLocationHeader", "name": "foo"}),
            ),
        ),
        // Location polling.
        s(
            put.clone(),
            "/lro/put/202/retry/200",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            put.clone(),
            "/lro/put/noheader/202/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putnonresource/202/200",
            Body(json!({"name": "sku", "id": "100"})),
        ),
        s(
            put.clone(),
            "/lro/putsubresource/202/200",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "100", "subresource": "sub1"}),
            ),
        ),
        // Azure-AsyncOperation, result from the original URL (Location is not used for a PUT).
        z(
            put.clone(),
            "/lro/putasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putasync/noretry/succeeded",
            Body(resource("Succeeded")),
        ),
        z(put.clone(), "/lro/putasync/retry/failed", Failure),
        s(put.clone(), "/lro/putasync/noretry/canceled", Failure),
        s(
            put.clone(),
            "/lro/putasync/noheader/201/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/putnonresourceasync/202/200",
            Body(json!({"name": "sku", "id": "100"})),
        ),
        s(
            put.clone(),
            "/lro/putsubresourceasync/202/200",
            Body(
                json!({"properties": {"provisioningState": "Succeeded"}, "id": "100", "subresource": "sub1"}),
            ),
        ),
        // DELETE.
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/accepted/200/succeeded",
            Success,
        ),
        // A Location answering 200 with a resource whose provisioning state failed is a failure
        // (the SDKs hand back that body as a result; pfrm does not report a failed delete as done).
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/deleting/200/failed",
            Failure,
        ),
        z(
            delete.clone(),
            "/lro/delete/provisioning/202/deleting/200/canceled",
            Failure,
        ),
        z(delete.clone(), "/lro/delete/202/retry/200", Success),
        s(delete.clone(), "/lro/delete/202/noretry/204", Success),
        s(delete.clone(), "/lro/delete/noheader", Success),
        s(delete.clone(), "/lro/deleteasync/noheader/202/204", Success),
        z(delete.clone(), "/lro/deleteasync/retry/succeeded", Success),
        s(
            delete.clone(),
            "/lro/deleteasync/noretry/succeeded",
            Success,
        ),
        z(delete.clone(), "/lro/deleteasync/retry/failed", Failure),
        z(delete.clone(), "/lro/deleteasync/retry/canceled", Failure),
        // POST: the result is at Location.
        s(
            post.clone(),
            "/lro/post/payload/200",
            Body(json!({"id": "1", "name": "product"})),
        ),
        // A new Location on each 202.
        z(
            post.clone(),
            "/lro/post/202/retry/200",
            Body(resource("Succeeded")),
        ),
        s(post.clone(), "/lro/post/202/noretry/204", Success),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalLocationGet",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalAzureHeaderGet",
            Deliberate(FINAL_STATE_VIA_ASYNC),
        ),
        s(
            post.clone(),
            "/lro/LROPostDoubleHeadersFinalAzureHeaderGetDefault",
            Body(json!({"id": "100", "name": "foo"})),
        ),
        s(
            post.clone(),
            "/lro/list",
            Body(json!([{"id": "100", "name": "foo"}])),
        ),
        z(
            post.clone(),
            "/lro/postasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            post.clone(),
            "/lro/postasync/noretry/succeeded",
            Body(resource("Succeeded")),
        ),
        z(post.clone(), "/lro/postasync/retry/failed", Failure),
        z(post.clone(), "/lro/postasync/retry/canceled", Failure),
        // Transient errors on the initial request and on polls: retried by the pipeline.
        s(
            put.clone(),
            "/lro/retryerror/put/201/creating/succeeded/200",
            Body(resource("Succeeded")),
        ),
        s(
            put.clone(),
            "/lro/retryerror/putasync/retry/succeeded",
            Body(resource("Succeeded")),
        ),
        s(
            delete.clone(),
            "/lro/retryerror/delete/provisioning/202/accepted/200/succeeded",
            Success,
        ),
        s(
            delete.clone(),
            "/lro/retryerror/delete/202/retry/200",
            Success,
        ),
        s(
            delete.clone(),
            "/lro/retryerror/deleteasync/retry/succeeded",
            Success,
        ),
        s(
            post.clone(),
            "/lro/retryerror/post/202/retry/200",
            Deliberate(POST_AFTER_500),
        ),
        s(
            post.clone(),
            "/lro/retryerror/postasync/retry/succeeded",
            Deliberate(POST_AFTER_500),
        ),
        // Errors that are not transient: each is an error, at once.
        s(put.clone(), "/lro/nonretryerror/put/400", Failure),
        s(
            put.clone(),
            "/lro/nonretryerror/put/201/creating/400",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/nonretryerror/put/201/creating/400/invalidjson",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/nonretryerror/putasync/retry/400",
            Failure,
        ),
        s(delete.clone(), "/lro/nonretryerror/delete/400", Failure),
        s(
            delete.clone(),
            "/lro/nonretryerror/delete/202/retry/400",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/nonretryerror/deleteasync/retry/400",
            Failure,
        ),
        s(post.clone(), "/lro/nonretryerror/post/400", Failure),
        s(
            post.clone(),
            "/lro/nonretryerror/post/202/retry/400",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/nonretryerror/postasync/retry/400",
            Failure,
        ),
        // Malformed answers are errors, never success.
        s(
            put.clone(),
            "/lro/error/put/201/noprovisioningstatepayload",
            Failure,
        ),
        s(put.clone(), "/lro/error/putasync/retry/nostatus", Failure),
        s(
            put.clone(),
            "/lro/error/putasync/retry/nostatuspayload",
            Failure,
        ),
        s(delete.clone(), "/lro/error/delete/204/nolocation", Success),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/nostatus",
            Failure,
        ),
        // A 202 naming no URL to follow: ARM requires one, and pfrm cannot tell the outcome.
        s(post.clone(), "/lro/error/post/202/nolocation", Failure),
        s(
            post.clone(),
            "/lro/error/postasync/retry/nopayload",
            Failure,
        ),
        s(put.clone(), "/lro/error/put/200/invalidjson", Failure),
        s(
            put.clone(),
            "/lro/error/putasync/retry/invalidheader",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/error/putasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/delete/202/retry/invalidheader",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/invalidheader",
            Failure,
        ),
        s(
            delete.clone(),
            "/lro/error/deleteasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/post/202/retry/invalidheader",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/postasync/retry/invalidheader",
            Failure,
        ),
        s(
            post.clone(),
            "/lro/error/postasync/retry/invalidjsonpolling",
            Failure,
        ),
        s(
            put.clone(),
            "/lro/customheader/putasync/retry/succeeded",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            put.clone(),
            "/lro/customheader/put/201/creating/succeeded/200",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            post.clone(),
            "/lro/customheader/post/202/retry/200",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
        s(
            post,
            "/lro/customheader/postasync/retry/succeeded",
            Deliberate(CUSTOM_REQUEST_ID),
        ),
    ]
}

/// The transient statuses the pipeline must retry, one scenario per method the server checks.
pub fn retry_scenarios() -> Vec<(Method, &'static str)> {
    vec![
        (Method::HEAD, "/http/retry/408"),
        (Method::PUT, "/http/retry/500"),
        (Method::PATCH, "/http/retry/500"),
        (Method::GET, "/http/retry/502"),
        (Method::OPTIONS, "/http/retry/502"),
        (Method::POST, "/http/retry/503"),
        (Method::DELETE, "/http/retry/503"),
        (Method::PUT, "/http/retry/504"),
        (Method::PATCH, "/http/retry/504"),
    ]
}
