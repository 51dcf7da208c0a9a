//! The prompt flow service (regional host named by the workspace's discoveryUrl): the
//! FlowRuntimes API (runtimes, their checks and their lifecycle, which runs each runtime as a
//! custom application on a compute instance) and the Flows API (flows and their sessions).

mod create;
mod custom_app;
mod dto;
mod errors;
mod flows;
mod images;
mod lifecycle;
mod runtimes;
mod session_removal;
mod update;

pub use custom_app::{next_published_port, runtime_custom_service};
pub use dto::runtime_dto;
pub use errors::flow_error_body;
pub use images::{built_env_image, parse_environment_ref};

use crate::http::{json_resp, set_header, Req, Resp};
use crate::identity::{validate_bearer, BearerError, ARM_AUDIENCES};
use crate::routing::{self, Case, Params, Segments};
use crate::state::{Workspace, World};
use crate::App;
use axum::extract::{FromRequestParts, State};
use axum::routing::{any, get};
use axum::Router;
use errors::user_error;
use hyper::http::request::Parts;
use hyper::Method;
use serde_json::json;
use std::sync::Arc;

const WORKSPACE: &str = "/flow/api/subscriptions/{subscription}/resourcegroups/{group}/providers/microsoft.machinelearningservices/workspaces/{workspace}";

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/discovery", any(discovery))
        .route("/flow/api/runtimes/latestconfig", get(runtimes::latest))
        .nest(WORKSPACE, in_workspace())
        .method_not_allowed_fallback(unknown)
        .fallback(unknown)
}

fn in_workspace() -> Router<Arc<App>> {
    Router::new()
        .route("/flowruntimes", get(runtimes::list))
        .route(
            "/flowruntimes/latestconfig",
            get(runtimes::latest_in_workspace),
        )
        .route(
            "/flowruntimes/checkciavailability",
            get(runtimes::check_compute_instance),
        )
        .route(
            "/flowruntimes/checkmiravailability",
            get(runtimes::check_online_endpoint),
        )
        .route(
            "/flowruntimes/{runtime}",
            get(runtimes::get)
                .post(create::create)
                .put(update::update)
                .delete(update::delete),
        )
        .route(
            "/flowruntimes/{runtime}/needupgrade",
            get(runtimes::need_upgrade),
        )
        .route(
            "/flowruntimes/{runtime}/capability",
            get(runtimes::capability),
        )
        .route("/flows", get(flows::list))
        .route("/flows/{flow}", get(flows::get))
        .route(
            "/flows/{flow}/sessions",
            axum::routing::delete(session_removal::delete_session),
        )
        .route("/flows/{flow}/sessions/status", get(flows::session))
        .method_not_allowed_fallback(unknown_in_workspace)
        .fallback(unknown_in_workspace)
}

pub async fn handle(router: &Router, req: Req) -> Resp {
    let segments = routing::segments(&req.path);
    let client = req.header("x-ms-client-request-id").map(str::to_string);
    let mut resp =
        routing::call(router, req, segments, Case::Insensitive, Default::default()).await;
    set_header(
        &mut resp,
        "x-ms-request-id",
        &uuid::Uuid::new_v4().to_string(),
    );
    if let Some(client) = client {
        set_header(&mut resp, "x-ms-client-request-id", &client);
    }
    resp
}

/// `GET /discovery` (any method, no token): every service of the workspace is this host.
async fn discovery(State(app): State<Arc<App>>) -> Resp {
    let f = &app.info.flow_endpoint;
    json_resp(
        200,
        &json!({"api": f, "catalog": f, "experimentation": f, "gallery": f, "history": f, "hyperdrive": f, "labeling": f, "modelmanagement": f, "pipelines": f, "studiocoreservices": f}),
    )
}

/// A request past the bearer check: the caller, the route's names and the request.
pub struct FlowCall {
    pub app: Arc<App>,
    pub oid: String,
    pub tid: String,
    pub upn: String,
    pub p: Params,
    pub segments: Vec<String>,
    pub req: Req,
}

impl FlowCall {
    pub fn sub(&self) -> &str {
        &self.p["subscription"]
    }
    pub fn rg(&self) -> &str {
        &self.p["group"]
    }
    pub fn ws_name(&self) -> &str {
        &self.p["workspace"]
    }

    /// The checks before anything under a workspace: the subscription, its tenant, the flows
    /// read or write permission, then the workspace.
    pub fn enter(&self) -> Result<(), Resp> {
        let (sub, rg, ws_name, tid, oid, upn) = (
            self.sub(),
            self.rg(),
            self.ws_name(),
            &self.tid,
            &self.oid,
            &self.upn,
        );
        let mut world = self.app.world();
        world.tick();
        let Some(s) = world.subscription(sub) else {
            return Err(user_error(
                404,
                "SubscriptionNotFound",
                &format!("Subscription '{sub}' was not found."),
            ));
        };
        if !s.tenant_id.eq_ignore_ascii_case(tid) {
            return Err(user_error(401, "InvalidAuthenticationTokenTenant", &format!("Invalid token: the token is for tenant '{tid}' but subscription '{sub}' belongs to tenant '{}'.", s.tenant_id)));
        }
        let ws_id = crate::state::workspace_id(sub, rg, ws_name);
        let action = if self.req.method != Method::GET {
            "Microsoft.MachineLearningServices/workspaces/flows/write"
        } else {
            "Microsoft.MachineLearningServices/workspaces/flows/read"
        };
        if !world.is_allowed(oid, &ws_id, action) {
            return Err(user_error(403, "AuthorizationFailed", &format!("The client '{upn}' with object id '{oid}' does not have authorization to perform action '{action}' over scope '{ws_id}'.")));
        }
        if world.workspace(sub, rg, ws_name).is_none() {
            return Err(user_error(
                404,
                "WorkspaceNotFound",
                &format!("Workspace '{ws_name}' was not found in resource group '{rg}'."),
            ));
        }
        Ok(())
    }

    /// The workspace's checks, then `answer` with the world and the workspace (read only).
    pub fn in_workspace(&self, answer: impl FnOnce(&World, &Workspace) -> Resp) -> Resp {
        if let Err(r) = self.enter() {
            return r;
        }
        let world = self.app.world();
        let ws = world
            .workspace(self.sub(), self.rg(), self.ws_name())
            .expect("checked");
        answer(&world, ws)
    }
}

impl FromRequestParts<Arc<App>> for FlowCall {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Resp> {
        let req = Req::from_request_parts(parts, app).await?;
        let claims = match validate_bearer(app, &req, &ARM_AUDIENCES) {
            Ok(c) => c,
            Err(e) => return Err(unauthorized(app, e)),
        };
        let claim = |name: &str| claims[name].as_str().unwrap_or_default().to_string();
        Ok(FlowCall {
            app: app.clone(),
            oid: claim("oid"),
            tid: claim("tid"),
            upn: claim("preferred_username"),
            p: Params::from_request_parts(parts, app).await?,
            segments: Segments::from_request_parts(parts, app).await?.0,
            req,
        })
    }
}

fn unauthorized(app: &App, e: BearerError) -> Resp {
    let why = match e {
        BearerError::Missing => "The Authorization header is missing.".to_string(),
        BearerError::Invalid(m) => format!("Invalid token: {m}."),
        BearerError::Expired => "Invalid token: the token has expired.".to_string(),
        BearerError::Audience(a) => format!(
            "Invalid token: audience '{a}' is not accepted; use a token for https://management.azure.com."
        ),
    };
    let mut r = user_error(401, "AuthenticationFailed", &why);
    set_header(
        &mut r,
        "WWW-Authenticate",
        &format!(
            "Bearer authorization_uri=\"{}/{}\", error=\"invalid_token\"",
            app.info.authority_host, app.info.tenant_id
        ),
    );
    r
}

fn no_route(req: &Req) -> Resp {
    user_error(
        404,
        "NotFound",
        &format!("No route for {} {}.", req.method, req.path),
    )
}

/// No route: the token is still checked first.
async fn unknown(call: FlowCall) -> Resp {
    no_route(&call.req)
}

/// No route under a workspace: under `FlowRuntimes` and `Flows` the workspace's checks come
/// first.
async fn unknown_in_workspace(call: FlowCall) -> Resp {
    let api = call
        .segments
        .get(10)
        .map(|s| s.to_ascii_lowercase())
        .unwrap_or_default();
    if api == "flowruntimes" || api == "flows" {
        // The fallback has no matched route, so the workspace is read from the path.
        let named = |i: usize| call.segments.get(i).cloned().unwrap_or_default();
        let routed = FlowCall {
            p: Params::named(&[
                ("subscription", named(3)),
                ("group", named(5)),
                ("workspace", named(9)),
            ]),
            ..call
        };
        if let Err(r) = routed.enter() {
            return r;
        }
        return no_route(&routed.req);
    }
    no_route(&call.req)
}
