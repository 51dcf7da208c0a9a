//! Azure Resource Manager: tenants, subscriptions, Microsoft.MachineLearningServices and
//! Microsoft.Authorization, with api-version checks, bearer validation, RBAC, paging and LROs.
//!
//! One module per route family; this one holds the routes and what every answer shares (the
//! caller's identity, request ids, rate-limit headers, the LRO log).

mod checks;
mod computes;
mod connections;
mod custom_services;
mod endpoints;
mod environments;
mod operations;
mod power;
mod prerequisite_reads;
mod removals;
mod role_assignments;
mod role_definitions;
mod storage;
mod tenants;
mod workspaces;

pub use checks::arm_error;
pub use custom_services::validate_custom_services;

use crate::http::{empty_resp, set_header, Req, Resp};
use crate::identity::{validate_bearer, ARM_AUDIENCES};
use crate::routing::{self, Case, Params, Segments};
use crate::App;
use axum::extract::FromRequestParts;
use axum::routing::{any, get, post};
use axum::Router;
use hyper::http::request::Parts;
use hyper::http::Extensions;
use hyper::Method;
use std::sync::Arc;

/// The signed-in caller, from the bearer token's claims.
#[derive(Clone)]
pub struct Caller {
    pub oid: String,
    pub tid: String,
    pub upn: String,
    pub iss: String,
}

/// What an ARM handler works with: the service, the caller, the route's names, the path as sent
/// and the request.
pub struct Call {
    pub app: Arc<App>,
    pub caller: Caller,
    pub p: Params,
    pub segments: Vec<String>,
    pub req: Req,
    /// The scope of a Microsoft.Authorization request (empty elsewhere).
    pub scope: String,
}

impl FromRequestParts<Arc<App>> for Call {
    type Rejection = Resp;

    async fn from_request_parts(parts: &mut Parts, app: &Arc<App>) -> Result<Self, Resp> {
        let caller = parts
            .extensions
            .get::<Caller>()
            .cloned()
            .ok_or_else(|| empty_resp(500))?;
        Ok(Call {
            app: app.clone(),
            caller,
            p: Params::from_request_parts(parts, app).await?,
            segments: Segments::from_request_parts(parts, app).await?.0,
            req: Req::from_request_parts(parts, app).await?,
            scope: parts
                .extensions
                .get::<AuthorizationScope>()
                .map(|s| s.0.clone())
                .unwrap_or_default(),
        })
    }
}

/// The scope a Microsoft.Authorization request is made at (`/` for the root).
#[derive(Clone)]
pub struct AuthorizationScope(pub String);

const MLS_IN_SUBSCRIPTION: &str =
    "/subscriptions/{subscription}/providers/microsoft.machinelearningservices";
const WORKSPACES: &str = "/subscriptions/{subscription}/resourcegroups/{group}/providers/microsoft.machinelearningservices/workspaces";

pub fn router() -> Router<Arc<App>> {
    Router::new()
        .route("/tenants", any(tenants::list_tenants))
        .route("/subscriptions", any(tenants::list_subscriptions))
        .route(
            "/subscriptions/{subscription}",
            any(tenants::get_subscription),
        )
        .nest(MLS_IN_SUBSCRIPTION, in_subscription())
        .route(WORKSPACES, any(workspaces::list_in_group))
        .route(
            "/subscriptions/{subscription}/resourcegroups/{group}/providers/microsoft.storage/storageaccounts/{account}",
            any(prerequisite_reads::answer),
        )
        .route(
            "/subscriptions/{subscription}/providers/microsoft.containerregistry/registries",
            any(prerequisite_reads::answer),
        )
        .nest(&format!("{WORKSPACES}/{{workspace}}"), in_workspace())
        .nest("/providers/microsoft.authorization", authorization())
        .fallback(unknown)
}

/// Machine Learning resources addressed by subscription and location.
fn in_subscription() -> Router<Arc<App>> {
    Router::new()
        .route("/workspaces", get(workspaces::list_in_subscription))
        .route(
            "/locations/{location}/usages",
            get(prerequisite_reads::answer),
        )
        .route(
            "/locations/{location}/vmsizes",
            get(prerequisite_reads::answer),
        )
        .route(
            "/locations/{location}/computeoperationsstatus/{operation}",
            get(operations::status),
        )
        .route(
            "/locations/{location}/computeoperationsresults/{operation}",
            get(operations::result),
        )
        .method_not_allowed_fallback(workspaces::unknown_in_subscription)
        .fallback(workspaces::unknown_in_subscription)
}

/// Everything under one workspace.
fn in_workspace() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(workspaces::get))
        .route("/computes", get(computes::list))
        .route(
            "/computes/{compute}",
            get(computes::get)
                .put(computes::create)
                .delete(computes::delete),
        )
        .route(
            "/computes/{compute}/customservices",
            post(custom_services::replace),
        )
        .route("/computes/{compute}/{action}", post(power::act))
        .route("/datastores", get(storage::list))
        .route("/datastores/{datastore}", get(storage::get))
        .route("/environments", get(environments::list))
        .route("/environments/{environment}", get(environments::get))
        .route(
            "/environments/{environment}/versions",
            get(environments::list_versions),
        )
        .route(
            "/environments/{environment}/versions/{version}",
            get(environments::get_version).put(environments::put_version),
        )
        .route("/onlineendpoints", get(endpoints::list))
        .route(
            "/onlineendpoints/{endpoint}",
            get(endpoints::get).delete(removals::delete_endpoint),
        )
        .route(
            "/onlineendpoints/{endpoint}/deployments",
            get(endpoints::list_deployments),
        )
        .route(
            "/onlineendpoints/{endpoint}/deployments/{deployment}",
            get(endpoints::get_deployment).delete(removals::delete_deployment),
        )
        .route("/connections", get(connections::list))
        .route(
            "/connections/{connection}",
            get(connections::get).delete(removals::delete_connection),
        )
        .route(
            "/connections/{connection}/listsecrets",
            post(connections::list_secrets),
        )
        .method_not_allowed_fallback(workspaces::unknown_in_subscription)
        .fallback(workspaces::unknown_in_subscription)
}

/// Microsoft.Authorization at any scope (see [`route`]: the scope is cut off before routing).
fn authorization() -> Router<Arc<App>> {
    Router::new()
        .route("/roledefinitions", get(role_definitions::list))
        .route("/roledefinitions/{id}", get(role_definitions::get))
        .route("/permissions", get(role_definitions::permissions))
        .route("/roleassignments", get(role_assignments::list))
        .route("/roleassignments/{name}", any(role_assignments::one))
        .method_not_allowed_fallback(role_assignments::unknown)
        .fallback(role_assignments::unknown)
}

async fn unknown(req: Req) -> Resp {
    checks::unknown_route(&req)
}

pub async fn handle(app: &Arc<App>, router: &Router, req: Req) -> Resp {
    let mut resp = route(app, router, &req).await;
    crate::lro::observe(app, &req, &resp);
    let request_id = uuid::Uuid::new_v4().to_string();
    set_header(&mut resp, "x-ms-request-id", &request_id);
    let correlation = req
        .header("x-ms-correlation-request-id")
        .map(str::to_string)
        .unwrap_or_else(|| request_id.clone());
    set_header(&mut resp, "x-ms-correlation-request-id", &correlation);
    if let Some(client) = req.header("x-ms-client-request-id").map(str::to_string) {
        set_header(&mut resp, "x-ms-client-request-id", &client);
    }
    let (reads, writes) = app.rate_limit(req.method == Method::GET);
    set_header(
        &mut resp,
        "x-ms-ratelimit-remaining-subscription-reads",
        &reads.to_string(),
    );
    set_header(
        &mut resp,
        "x-ms-ratelimit-remaining-tenant-reads",
        &reads.to_string(),
    );
    if req.method != Method::GET {
        set_header(
            &mut resp,
            "x-ms-ratelimit-remaining-subscription-writes",
            &writes.to_string(),
        );
    }
    set_header(&mut resp, "Cache-Control", "no-cache");
    resp
}

async fn route(app: &Arc<App>, router: &Router, req: &Req) -> Resp {
    let claims = match validate_bearer(app, req, &ARM_AUDIENCES) {
        Ok(c) => c,
        Err(e) => return checks::bearer_failure(app, e),
    };
    let caller = Caller {
        oid: claims["oid"].as_str().unwrap_or_default().to_string(),
        tid: claims["tid"].as_str().unwrap_or_default().to_string(),
        upn: claims["preferred_username"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        iss: claims["iss"].as_str().unwrap_or_default().to_string(),
    };
    let segments = routing::segments(&req.path);
    let mut extensions = Extensions::new();
    extensions.insert(caller);
    // Microsoft.Authorization answers at any scope, a prefix of any length that a route
    // template cannot name: the scope is cut off here and the rest routed.
    let authorization = (0..segments.len().saturating_sub(1)).find(|&i| {
        segments[i].eq_ignore_ascii_case("providers")
            && segments[i + 1].eq_ignore_ascii_case("microsoft.authorization")
    });
    if let Some(i) = authorization {
        extensions.insert(AuthorizationScope(format!("/{}", segments[..i].join("/"))));
        let rest = segments[i..].to_vec();
        return routing::call(router, req.clone(), rest, Case::Insensitive, extensions).await;
    }
    routing::call(router, req.clone(), segments, Case::Insensitive, extensions).await
}
