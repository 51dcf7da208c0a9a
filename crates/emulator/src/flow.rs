//! The prompt flow service's FlowRuntimes API (regional host named by the workspace's discoveryUrl).

use crate::http::{json_resp, set_header, Req, Resp};
use crate::identity::{validate_bearer, BearerError, ARM_AUDIENCES};
use crate::state::{
    now_rfc3339, parse_tag, Compute, Pending, Runtime, RuntimeOutcome, User, Workspace, World,
    RUNTIME_IMAGE_REPO,
};
use crate::App;
use hyper::Method;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

pub const TARGET_PORT: i64 = 8080;

pub fn flow_error_body(code: &str, inner: &str, message: &str, location: &str) -> Value {
    json!({
        "error": {
            "code": code, "severity": null, "message": message, "messageFormat": message,
            "messageParameters": {}, "referenceCode": null, "detailsUri": null, "target": null,
            "details": [], "innerError": {"code": inner},
            "additionalInfo": null
        },
        "correlation": {"operation": uuid::Uuid::new_v4().simple().to_string(), "request": uuid::Uuid::new_v4().simple().to_string()},
        "environment": location, "location": location, "time": now_rfc3339(), "componentName": "flow"
    })
}

fn flow_error(status: u16, code: &str, inner: &str, message: &str) -> Resp {
    json_resp(status, &flow_error_body(code, inner, message, "local"))
}

fn user_error(status: u16, inner: &str, message: &str) -> Resp {
    flow_error(status, "UserError", inner, message)
}

/// Accepts `azureml://locations/{l}/workspaces/{id}/environments/{n}/versions/{v}`,
/// an ARM id `.../environments/{n}/versions/{v}` and `azureml:{n}:{v}`.
pub fn parse_environment_ref(env: &str) -> Option<(String, String)> {
    if let Some(rest) = env
        .strip_prefix("azureml:")
        .filter(|r| !r.starts_with("//"))
    {
        let (name, version) = rest.split_once(':')?;
        return (!name.is_empty() && !version.is_empty())
            .then(|| (name.to_string(), version.to_string()));
    }
    let parts: Vec<&str> = env.trim_end_matches('/').split('/').collect();
    let n = parts.len();
    if n >= 4
        && parts[n - 4].eq_ignore_ascii_case("environments")
        && parts[n - 2].eq_ignore_ascii_case("versions")
    {
        return Some((parts[n - 3].to_string(), parts[n - 1].to_string()));
    }
    None
}

/// The image AzureML builds for a workspace environment version.
pub fn built_env_image(ws: &Workspace, name: &str, version: &str) -> String {
    if let Some(v) = ws
        .env_versions
        .iter()
        .find(|v| v.container.eq_ignore_ascii_case(name) && v.version == version)
    {
        if let Some(image) = v.value["properties"]["image"].as_str() {
            return image.to_string();
        }
    }
    let short = ws.name.replace(['-', '_'], "").to_lowercase();
    let digest = uuid::Uuid::new_v5(
        &uuid::Uuid::NAMESPACE_URL,
        format!("{}/{name}/{version}", ws.workspace_guid()).as_bytes(),
    )
    .simple()
    .to_string();
    format!("cr{short}.azurecr.io/azureml/azureml_{digest}:latest")
}

pub fn next_published_port(compute: &Compute) -> i64 {
    let used: Vec<i64> = compute
        .custom_services()
        .iter()
        .flat_map(|s| s["endpoints"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| e["published"].as_i64())
        .collect();
    (8081..).find(|p| !used.contains(p)).unwrap_or(8081)
}

pub fn runtime_custom_service(name: &str, image: &str, port: i64, ws: &Workspace) -> Value {
    json!({
        "name": name,
        "image": {"type": "docker", "reference": image},
        "endpoints": [{"name": "connect", "protocol": "http", "target": TARGET_PORT, "published": port}],
        "docker": {"privileged": false},
        "environmentVariables": {
            "PRT_CONFIG_OVERRIDE": {"type": "local", "value": format!(
                "deployment.subscription_id={},deployment.resource_group={},deployment.workspace_name={},deployment.runtime_name={name}",
                ws.subscription_id, ws.resource_group, ws.name)}
        },
        "volumes": []
    })
}

#[allow(clippy::too_many_arguments)]
pub fn runtime_dto(
    ws: &Workspace,
    name: &str,
    compute: &Compute,
    owner: Option<&User>,
    tenant: &str,
    image: &str,
    environment: Option<&str>,
    port: i64,
    from_existing: bool,
    created_on: &str,
) -> Value {
    let (oid, tid) = compute
        .assigned_user()
        .unwrap_or_else(|| (String::new(), tenant.to_string()));
    json!({
        "runtimeName": name,
        "runtimeDescription": "",
        "runtimeType": "ComputeInstance",
        "environment": environment,
        "status": "Starting",
        "statusMessage": null,
        "fromExistingEndpoint": false,
        "endpointName": null,
        "fromExistingDeployment": false,
        "deploymentName": null,
        "instanceType": null,
        "instanceCount": 0,
        "computeInstanceName": compute.name(),
        "dockerImage": image,
        "publishedPort": port,
        "targetPort": TARGET_PORT,
        "fromExistingCustomApp": from_existing,
        "customAppName": name,
        "assignedTo": {"objectId": oid, "tenantId": tid},
        "endpointUrl": format!("https://{}-{port}.{}.instances.azureml.ms", compute.name(), ws.location),
        "createdOn": created_on,
        "modifiedOn": created_on,
        "owner": {
            "userObjectId": owner.map(|u| u.object_id.clone()).unwrap_or(oid.clone()),
            "userTenantId": owner.map(|u| u.tenant_id.clone()).unwrap_or(tid.clone()),
            "userName": owner.map(|u| u.display_name.clone()).unwrap_or_default(),
            "userPrincipalName": owner.map(|u| u.user_name.clone()).unwrap_or_default()
        }
    })
}

fn is_runtime_image(service: &Value) -> bool {
    let image = &service["image"];
    image["type"].as_str() == Some("azureml")
        || image["reference"].as_str().is_some_and(|r| {
            r.contains("promptflow/promptflow-runtime") || r.contains("azureml/azureml_")
        })
}

/// What the DTO looks like now: a running runtime on a stopped instance is unavailable.
fn present(ws: &Workspace, rt: &Runtime) -> Value {
    let mut dto = rt.dto.clone();
    if dto["status"] == "Running" {
        let ci = dto["computeInstanceName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        match ws.compute(&ci) {
            Some(c) if c.state() == "Running" => {}
            Some(c) => {
                dto["status"] = json!("Unavailable");
                dto["statusMessage"] =
                    json!(format!("The compute instance '{ci}' is {}.", c.state()));
            }
            None => {
                dto["status"] = json!("Unavailable");
                dto["statusMessage"] =
                    json!(format!("The compute instance '{ci}' no longer exists."));
            }
        }
    }
    if let Some(obj) = dto.as_object_mut() {
        obj.retain(|k, v| {
            !(v.is_null() && matches!(k.as_str(), "error" | "identity" | "assignedTo" | "owner"))
        });
    }
    dto
}

pub async fn answer(app: &App, req: Req) -> Resp {
    let mut resp = route(app, &req).await;
    set_header(
        &mut resp,
        "x-ms-request-id",
        &uuid::Uuid::new_v4().to_string(),
    );
    if let Some(client) = req.header("x-ms-client-request-id").map(str::to_string) {
        set_header(&mut resp, "x-ms-client-request-id", &client);
    }
    resp
}

fn latest_config(world: &World) -> Value {
    let tag = world.latest_tag();
    json!({
        "baseImage": RUNTIME_IMAGE_REPO,
        "version": tag,
        "images": {"Python": {"default": {"baseImage": RUNTIME_IMAGE_REPO, "version": tag}}}
    })
}

async fn route(app: &App, req: &Req) -> Resp {
    let segs: Vec<&str> = req
        .path
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .collect();
    let l: Vec<String> = segs.iter().map(|s| s.to_ascii_lowercase()).collect();
    let l: Vec<&str> = l.iter().map(String::as_str).collect();
    if l.as_slice() == ["discovery"] {
        let f = &app.info.flow_endpoint;
        return json_resp(
            200,
            &json!({"api": f, "catalog": f, "experimentation": f, "gallery": f, "history": f, "hyperdrive": f, "labeling": f, "modelmanagement": f, "pipelines": f, "studiocoreservices": f}),
        );
    }
    let claims = match validate_bearer(app, req, &ARM_AUDIENCES) {
        Ok(c) => c,
        Err(e) => {
            let why = match e {
                BearerError::Missing => "The Authorization header is missing.".to_string(),
                BearerError::Invalid(m) => format!("Invalid token: {m}."),
                BearerError::Expired => "Invalid token: the token has expired.".to_string(),
                BearerError::Audience(a) => format!("Invalid token: audience '{a}' is not accepted; use a token for https://management.azure.com."),
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
            return r;
        }
    };
    let oid = claims["oid"].as_str().unwrap_or_default().to_string();
    let tid = claims["tid"].as_str().unwrap_or_default().to_string();
    let upn = claims["preferred_username"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    if l.as_slice() == ["flow", "api", "runtimes", "latestconfig"] && req.method == Method::GET {
        return json_resp(200, &latest_config(&app.world()));
    }
    // `Flows/...` (the flow service's Flows API) shares the workspace checks below.
    let flows_api = matches!(
        l.as_slice(),
        [
            "flow",
            "api",
            "subscriptions",
            _,
            "resourcegroups",
            _,
            "providers",
            "microsoft.machinelearningservices",
            "workspaces",
            _,
            "flows",
            ..
        ]
    );
    let (sub, rg, ws_name, rest) = match l.as_slice() {
        ["flow", "api", "subscriptions", _, "resourcegroups", _, "providers", "microsoft.machinelearningservices", "workspaces", _, "flowruntimes", ..] => {
            (
                segs[3].to_string(),
                segs[5].to_string(),
                segs[9].to_string(),
                segs[11..].iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            )
        }
        _ if flows_api => (
            segs[3].to_string(),
            segs[5].to_string(),
            segs[9].to_string(),
            segs[11..].iter().map(|s| s.to_string()).collect::<Vec<_>>(),
        ),
        _ => {
            return user_error(
                404,
                "NotFound",
                &format!("No route for {} {}.", req.method, req.path),
            )
        }
    };
    let rest_l: Vec<String> = rest.iter().map(|s| s.to_ascii_lowercase()).collect();
    let rest_l: Vec<&str> = rest_l.iter().map(String::as_str).collect();
    let write = req.method != Method::GET;
    {
        let mut world = app.world();
        world.tick();
        let Some(s) = world.subscription(&sub) else {
            return user_error(
                404,
                "SubscriptionNotFound",
                &format!("Subscription '{sub}' was not found."),
            );
        };
        if !s.tenant_id.eq_ignore_ascii_case(&tid) {
            return user_error(401, "InvalidAuthenticationTokenTenant", &format!("Invalid token: the token is for tenant '{tid}' but subscription '{sub}' belongs to tenant '{}'.", s.tenant_id));
        }
        let ws_id = crate::state::workspace_id(&sub, &rg, &ws_name);
        let action = if write {
            "Microsoft.MachineLearningServices/workspaces/flows/write"
        } else {
            "Microsoft.MachineLearningServices/workspaces/flows/read"
        };
        if !world.is_allowed(&oid, &ws_id, action) {
            return user_error(403, "AuthorizationFailed", &format!("The client '{upn}' with object id '{oid}' does not have authorization to perform action '{action}' over scope '{ws_id}'."));
        }
        if world.workspace(&sub, &rg, &ws_name).is_none() {
            return user_error(
                404,
                "WorkspaceNotFound",
                &format!("Workspace '{ws_name}' was not found in resource group '{rg}'."),
            );
        }
    }
    if flows_api {
        let world = app.world();
        let ws = world.workspace(&sub, &rg, &ws_name).expect("checked");
        return crate::prompt_flow::flows_route(&world, ws, &req.method, &rest_l, |m| {
            user_error(404, "FlowNotFound", m)
        })
        .unwrap_or_else(|| {
            user_error(
                404,
                "NotFound",
                &format!("No route for {} {}.", req.method, req.path),
            )
        });
    }
    let caller = (oid, tid, upn);
    match (req.method.clone(), rest_l.as_slice()) {
        (Method::GET, []) => {
            let world = app.world();
            let ws = world.workspace(&sub, &rg, &ws_name).expect("checked");
            json_resp(
                200,
                &Value::Array(ws.runtimes.iter().map(|rt| present(ws, rt)).collect()),
            )
        }
        (Method::GET, ["latestconfig"]) => json_resp(200, &latest_config(&app.world())),
        (Method::GET, ["checkciavailability"]) => {
            check_ci(app, req, &sub, &rg, &ws_name, &caller.0)
        }
        (Method::GET, ["checkmiravailability"]) => {
            let (Some(e), Some(d)) = (req.q("endpointName"), req.q("deploymentName")) else {
                return user_error(
                    400,
                    "BadArgument",
                    "Query parameters 'endpointName' and 'deploymentName' are required.",
                );
            };
            json_resp(
                200,
                &json!({"isAvailable": false, "error": flow_error_body("UserError", "NotSupported", &format!("Managed online endpoint runtimes ({e}/{d}) are not available; use a compute instance runtime."), "local")}),
            )
        }
        (Method::GET, [_]) => {
            let world = app.world();
            let ws = world.workspace(&sub, &rg, &ws_name).expect("checked");
            match ws
                .runtimes
                .iter()
                .find(|r| r.name().eq_ignore_ascii_case(&rest[0]))
            {
                Some(rt) => json_resp(200, &present(ws, rt)),
                None => user_error(
                    404,
                    "NotFound",
                    &format!("Runtime '{}' was not found.", rest[0]),
                ),
            }
        }
        (Method::GET, [_, "needupgrade"]) => {
            let world = app.world();
            let ws = world.workspace(&sub, &rg, &ws_name).expect("checked");
            let Some(rt) = ws
                .runtimes
                .iter()
                .find(|r| r.name().eq_ignore_ascii_case(&rest[0]))
            else {
                return user_error(
                    404,
                    "NotFound",
                    &format!("Runtime '{}' was not found.", rest[0]),
                );
            };
            let latest = parse_tag(&world.latest_tag());
            let current = match rt.dto["environment"].as_str() {
                None => rt.dto["dockerImage"]
                    .as_str()
                    .and_then(|i| i.rsplit_once(':'))
                    .and_then(|(_, t)| parse_tag(t)),
                Some(env) => parse_environment_ref(env)
                    .and_then(|(n, v)| {
                        ws.env_versions
                            .iter()
                            .find(|e| e.container.eq_ignore_ascii_case(&n) && e.version == v)
                    })
                    .and_then(|e| e.base_tag.as_deref())
                    .and_then(parse_tag),
            };
            json_resp(
                200,
                &json!(matches!((current, latest), (Some(c), Some(l)) if c < l)),
            )
        }
        (Method::GET, [_, "capability"]) => {
            let world = app.world();
            let ws = world.workspace(&sub, &rg, &ws_name).expect("checked");
            if !ws
                .runtimes
                .iter()
                .any(|r| r.name().eq_ignore_ascii_case(&rest[0]))
            {
                return user_error(
                    404,
                    "NotFound",
                    &format!("Runtime '{}' was not found.", rest[0]),
                );
            }
            let ready = json!({"Runtime": "Ready", "Executor": "Ready", "PFS": "Ready"});
            json_resp(
                200,
                &json!({"flowFeatures": [
                    {"name": "ActivateConfig", "description": "Bypass node execution when the node does not meet activate condition.", "state": ready},
                    {"name": "Image", "description": "Support image input and output.", "state": ready},
                    {"name": "EnvironmentVariablesInYaml", "description": "Support environment variables in flow.dag.yaml.", "state": ready}
                ]}),
            )
        }
        (Method::POST, [_]) => create(app, req, &sub, &rg, &ws_name, &rest[0], &caller).await,
        (Method::PUT, [_]) => update(app, req, &sub, &rg, &ws_name, &rest[0]).await,
        (Method::DELETE, [_]) => delete(app, req, &sub, &rg, &ws_name, &rest[0]).await,
        _ => user_error(
            404,
            "NotFound",
            &format!("No route for {} {}.", req.method, req.path),
        ),
    }
}

fn check_ci(app: &App, req: &Req, sub: &str, rg: &str, ws_name: &str, oid: &str) -> Resp {
    let (Some(ci), Some(appname)) = (req.q("computeInstanceName"), req.q("customAppName")) else {
        return user_error(
            400,
            "BadArgument",
            "Query parameters 'computeInstanceName' and 'customAppName' are required.",
        );
    };
    let world = app.world();
    let ws = world.workspace(sub, rg, ws_name).expect("checked");
    let unavailable = |inner: &str, msg: String| {
        json_resp(
            200,
            &json!({"isAvailable": false, "error": flow_error_body("UserError", inner, &msg, &ws.location)}),
        )
    };
    let Some(c) = ws.compute(ci) else {
        return unavailable(
            "NotFound",
            format!("Compute instance '{ci}' was not found."),
        );
    };
    if c.assigned_user()
        .is_some_and(|(o, _)| !o.eq_ignore_ascii_case(oid))
    {
        return unavailable("Forbidden", format!("You are not authorized to use compute instance '{ci}': it is assigned to another user."));
    }
    let services = c.custom_services();
    let Some(service) = services.iter().find(|s| {
        s["name"]
            .as_str()
            .is_some_and(|n| n.eq_ignore_ascii_case(appname))
    }) else {
        return unavailable(
            "NotFound",
            format!("Custom application '{appname}' was not found on compute instance '{ci}'."),
        );
    };
    if !is_runtime_image(service) {
        return unavailable(
            "InvalidImage",
            format!("Custom application '{appname}' does not run a prompt flow runtime image."),
        );
    }
    if c.state() != "Running" {
        return unavailable(
            "ComputeNotRunning",
            format!("Compute instance '{ci}' is {}; start it first.", c.state()),
        );
    }
    json_resp(200, &json!({"isAvailable": true}))
}

fn parse_flow_body(req: &Req) -> Result<Value, Resp> {
    if req.body_too_large {
        return Err(user_error(
            413,
            "RequestEntityTooLarge",
            "The request body is too large.",
        ));
    }
    if req.body.iter().all(|b| b.is_ascii_whitespace()) {
        return Ok(json!({}));
    }
    let v: Value = serde_json::from_slice(&req.body).map_err(|e| {
        user_error(
            400,
            "BadArgument",
            &format!("The request body is not valid JSON: {e}."),
        )
    })?;
    if !v.is_object() {
        return Err(user_error(
            400,
            "BadArgument",
            "The request body must be a JSON object.",
        ));
    }
    for key in [
        "runtimeType",
        "instanceType",
        "endpointName",
        "deploymentName",
        "computeInstanceName",
        "customAppName",
        "runtimeDescription",
        "environment",
    ] {
        if v.get(key).is_some_and(|x| !x.is_string() && !x.is_null()) {
            return Err(user_error(
                400,
                "BadArgument",
                &format!("'{key}' must be a string."),
            ));
        }
    }
    for key in [
        "fromExistingEndpoint",
        "fromExistingDeployment",
        "fromExistingCustomApp",
    ] {
        if v.get(key).is_some_and(|x| !x.is_boolean() && !x.is_null()) {
            return Err(user_error(
                400,
                "BadArgument",
                &format!("'{key}' must be a boolean."),
            ));
        }
    }
    if v.get("instanceCount").is_some_and(|x| {
        !(x.is_null()
            || x.as_i64().is_some_and(|n| i32::try_from(n).is_ok())
            || x.as_str() == Some(""))
    }) {
        return Err(user_error(
            400,
            "BadArgument",
            "'instanceCount' must be a 32-bit integer.",
        ));
    }
    Ok(v)
}

fn valid_runtime_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

/// Resolves the runtime image: default environment (latest tag) or a workspace environment version.
fn resolve_image(
    world: &World,
    ws: &Workspace,
    env: Option<&str>,
) -> Result<(String, Option<String>), Resp> {
    match env.filter(|e| !e.is_empty()) {
        None => Ok((format!("{RUNTIME_IMAGE_REPO}:{}", world.latest_tag()), None)),
        Some(e) => {
            let Some((name, version)) = parse_environment_ref(e) else {
                return Err(user_error(400, "BadArgument", &format!("Environment '{e}' is not a valid environment asset id (use azureml://locations/{{location}}/workspaces/{{workspaceId}}/environments/{{name}}/versions/{{version}}).")));
            };
            if !ws
                .env_versions
                .iter()
                .any(|v| v.container.eq_ignore_ascii_case(&name) && v.version == version)
            {
                return Err(user_error(
                    400,
                    "NotFound",
                    &format!(
                        "Environment '{name}' version '{version}' was not found in workspace '{}'.",
                        ws.name
                    ),
                ));
            }
            let asset = format!(
                "azureml://locations/{}/workspaces/{}/environments/{name}/versions/{version}",
                ws.location,
                ws.workspace_guid()
            );
            Ok((built_env_image(ws, &name, &version), Some(asset)))
        }
    }
}

fn failure_reason(ws: &Workspace, compute: &Compute, runtime: &str) -> Option<String> {
    let default_store = ws
        .datastores
        .iter()
        .find(|d| d["properties"]["isDefault"].as_bool() == Some(true));
    if let Some(d) = default_store {
        let kind = d["properties"]["datastoreType"]
            .as_str()
            .unwrap_or_default();
        if kind != "AzureBlob" {
            return Some(format!("The workspace's default datastore '{}' is of type {kind}; prompt flow needs an Azure Blob default datastore.", d["name"].as_str().unwrap_or_default()));
        }
    }
    if let Some(failure) = &compute.runtime_failure {
        return crate::troubles::message_for(failure, ws, compute, runtime).ok();
    }
    if compute.fail_runtime_start {
        return Some("The runtime container did not become healthy: the readiness probe on port 8080 timed out. Check the custom application's logs on the compute instance.".into());
    }
    None
}

/// Waits (scaled) for a synchronous call, without holding the world.
async fn wait_until(at: Instant) {
    let now = Instant::now();
    if at > now {
        tokio::time::sleep((at - now).min(Duration::from_secs(600))).await;
    }
}

async fn create(
    app: &App,
    req: &Req,
    sub: &str,
    rg: &str,
    ws_name: &str,
    name: &str,
    caller: &(String, String, String),
) -> Resp {
    let body = match parse_flow_body(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    if !valid_runtime_name(name) {
        return user_error(400, "BadArgument", &format!("Runtime name '{name}' is invalid: use 1-64 letters, digits, '-' or '_', starting with a letter or digit."));
    }
    let async_call = is_async_call(req);
    let ready_at;
    {
        let mut world = app.world();
        let ws = world.workspace(sub, rg, ws_name).expect("checked").clone();
        if ws
            .runtimes
            .iter()
            .any(|r| r.name().eq_ignore_ascii_case(name))
        {
            return user_error(
                409,
                "Conflict",
                &format!("Runtime '{name}' already exists."),
            );
        }
        match body["runtimeType"].as_str() {
            Some("ComputeInstance") => {}
            None => {
                return user_error(
                    400,
                    "BadArgument",
                    "'runtimeType' is required (ComputeInstance).",
                )
            }
            Some(t @ ("ManagedOnlineEndpoint" | "TrainingSession" | "Local")) => {
                return user_error(
                    400,
                    "NotSupported",
                    &format!("Runtime type '{t}' is not supported here; use ComputeInstance."),
                )
            }
            Some(t) => {
                return user_error(
                    400,
                    "BadArgument",
                    &format!("Runtime type '{t}' is not valid."),
                )
            }
        }
        if ws.value["properties"]["enableDataIsolation"].as_bool() == Some(true) {
            return user_error(400, "NotSupported", &format!("Prompt flow is not supported in workspace '{ws_name}' because data isolation is enabled."));
        }
        if ws.value["properties"]["hubResourceId"]
            .as_str()
            .is_some_and(|h| !h.is_empty())
            || ws.value["kind"]
                .as_str()
                .is_some_and(|k| k.eq_ignore_ascii_case("Project"))
        {
            return user_error(400, "NotSupported", &format!("Compute instance runtimes are not supported in project workspace '{ws_name}' created from a hub."));
        }
        let Some(ci_name) = body["computeInstanceName"]
            .as_str()
            .filter(|s| !s.is_empty())
        else {
            return user_error(
                400,
                "BadArgument",
                "'computeInstanceName' is required for a ComputeInstance runtime.",
            );
        };
        let Some(compute) = ws.compute(ci_name).cloned() else {
            return user_error(
                404,
                "NotFound",
                &format!("Compute instance '{ci_name}' was not found in workspace '{ws_name}'."),
            );
        };
        if let Some((assigned, _)) = compute.assigned_user() {
            if !assigned.eq_ignore_ascii_case(&caller.0) {
                return user_error(403, "Forbidden", &format!("You are not authorized to invoke this runtime as the runtime compute instance {ci_name} is assigned to {assigned}."));
            }
        }
        if compute.pending.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Compute instance '{ci_name}' is busy ({}); try again when it is Running.",
                    compute.state()
                ),
            );
        }
        let from_existing = body["fromExistingCustomApp"].as_bool().unwrap_or(false);
        let owner = world.user_by_oid(&caller.0).cloned();
        let now = now_rfc3339();
        let failure = failure_reason(&ws, &compute, name);
        let (dto, at) = if from_existing {
            let Some(app_name) = body["customAppName"].as_str().filter(|s| !s.is_empty()) else {
                return user_error(
                    400,
                    "BadArgument",
                    "'customAppName' is required when fromExistingCustomApp is true.",
                );
            };
            let services = compute.custom_services();
            let Some(service) = services.iter().find(|s| {
                s["name"]
                    .as_str()
                    .is_some_and(|n| n.eq_ignore_ascii_case(app_name))
            }) else {
                return user_error(400, "NotFound", &format!("Custom application '{app_name}' was not found on compute instance '{ci_name}'."));
            };
            if !is_runtime_image(service) {
                return user_error(
                    400,
                    "InvalidImage",
                    &format!(
                        "Custom application '{app_name}' does not run a prompt flow runtime image."
                    ),
                );
            }
            if compute.state() != "Running" {
                return user_error(400, "ComputeNotRunning", &format!("Compute instance '{ci_name}' is {}; start it before creating a runtime on an existing application.", compute.state()));
            }
            let image = service["image"]["reference"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let port = service["endpoints"][0]["published"]
                .as_i64()
                .unwrap_or(8081);
            let mut dto = runtime_dto(
                &ws,
                name,
                &compute,
                owner.as_ref(),
                &caller.1,
                &image,
                body["environment"].as_str(),
                port,
                true,
                &now,
            );
            dto["customAppName"] = json!(service["name"]);
            (dto, Instant::now() + world.scaled(30.0))
        } else {
            let (image, environment) =
                match resolve_image(&world, &ws, body["environment"].as_str()) {
                    Ok(x) => x,
                    Err(r) => return r,
                };
            let port = next_published_port(&compute);
            let app_spec = runtime_custom_service(name, &image, port, &ws);
            let dto = runtime_dto(
                &ws,
                name,
                &compute,
                owner.as_ref(),
                &caller.1,
                &image,
                environment.as_deref(),
                port,
                false,
                &now,
            );
            let (transient, secs) = if compute.state() == "Running" {
                ("Restarting", 90.0)
            } else {
                ("Starting", 120.0)
            };
            let ci_ready = Instant::now() + world.scaled(secs);
            let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
            let c = w.compute_mut(ci_name).expect("checked");
            let mut services = c.custom_services();
            services.push(app_spec);
            c.set_custom_services(services);
            c.set_state(transient);
            c.pending = Some(Pending {
                final_state: "Running",
                operation: if transient == "Restarting" {
                    "Restart"
                } else {
                    "Start"
                },
                at: ci_ready,
                remove: false,
                failed: false,
                provisioning_state: "Succeeded",
            });
            (dto, ci_ready + world.scaled(30.0))
        };
        let mut dto = dto;
        dto["runtimeDescription"] = json!(body["runtimeDescription"].as_str().unwrap_or_default());
        let outcome = match failure {
            Some(reason) => RuntimeOutcome::Failed(reason),
            None => RuntimeOutcome::Running,
        };
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        w.runtimes.push(Runtime {
            dto,
            ready_at: Some((at, outcome)),
            delete_at: None,
        });
        ready_at = at;
    }
    answer_when_ready(app, async_call, ready_at, sub, rg, ws_name, name).await
}

/// `asyncCall=true`: answer at once with the runtime as it is; otherwise the service holds the
/// request until the runtime is ready (or gone).
fn is_async_call(req: &Req) -> bool {
    req.q("asyncCall")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// The answer to a create or update: the runtime as it is once `ready_at` has passed (a
/// synchronous call waits for it), or a 404 when it went away meanwhile.
async fn answer_when_ready(
    app: &App,
    async_call: bool,
    ready_at: Instant,
    sub: &str,
    rg: &str,
    ws_name: &str,
    name: &str,
) -> Resp {
    if !async_call {
        wait_until(ready_at).await;
    }
    let mut world = app.world();
    world.tick();
    let ws = world.workspace(sub, rg, ws_name).expect("checked");
    match ws
        .runtimes
        .iter()
        .find(|r| r.name().eq_ignore_ascii_case(name))
    {
        Some(rt) => json_resp(200, &present(ws, rt)),
        None => user_error(404, "NotFound", &format!("Runtime '{name}' was not found.")),
    }
}

async fn update(app: &App, req: &Req, sub: &str, rg: &str, ws_name: &str, name: &str) -> Resp {
    let body = match parse_flow_body(req) {
        Ok(b) => b,
        Err(r) => return r,
    };
    let async_call = is_async_call(req);
    let ready_at;
    {
        let mut world = app.world();
        let ws = world.workspace(sub, rg, ws_name).expect("checked").clone();
        let Some(rt) = ws
            .runtimes
            .iter()
            .find(|r| r.name().eq_ignore_ascii_case(name))
            .cloned()
        else {
            return user_error(404, "NotFound", &format!("Runtime '{name}' was not found."));
        };
        if rt.ready_at.is_some() || rt.delete_at.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Runtime '{name}' is {}; wait for it to finish.",
                    rt.dto["status"].as_str().unwrap_or("busy")
                ),
            );
        }
        let ci_name = rt.dto["computeInstanceName"]
            .as_str()
            .unwrap_or_default()
            .to_string();
        let Some(compute) = ws.compute(&ci_name).cloned() else {
            return user_error(
                400,
                "NotFound",
                &format!("Compute instance '{ci_name}' of runtime '{name}' no longer exists."),
            );
        };
        if compute.pending.is_some() {
            return user_error(
                409,
                "Conflict",
                &format!(
                    "Compute instance '{ci_name}' is busy ({}).",
                    compute.state()
                ),
            );
        }
        let (image, environment) = match resolve_image(&world, &ws, body["environment"].as_str()) {
            Ok(x) => x,
            Err(r) => return r,
        };
        let app_name = rt.dto["customAppName"].as_str().unwrap_or(name).to_string();
        let failure = failure_reason(&ws, &compute, name);
        let (transient, secs) = if compute.state() == "Running" {
            ("Restarting", 90.0)
        } else {
            ("Starting", 120.0)
        };
        let ci_ready = Instant::now() + world.scaled(secs);
        let at = ci_ready + world.scaled(30.0);
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        let c = w.compute_mut(&ci_name).expect("checked");
        let mut services = c.custom_services();
        for s in services.iter_mut() {
            if s["name"]
                .as_str()
                .is_some_and(|n| n.eq_ignore_ascii_case(&app_name))
            {
                s["image"] = json!({"type": "docker", "reference": image});
            }
        }
        c.set_custom_services(services);
        c.set_state(transient);
        c.pending = Some(Pending {
            final_state: "Running",
            operation: if transient == "Restarting" {
                "Restart"
            } else {
                "Start"
            },
            at: ci_ready,
            remove: false,
            failed: false,
            provisioning_state: "Succeeded",
        });
        let r = w
            .runtimes
            .iter_mut()
            .find(|r| r.name().eq_ignore_ascii_case(name))
            .expect("checked");
        r.dto["dockerImage"] = json!(image);
        r.dto["environment"] = json!(environment);
        r.dto["status"] = json!("Starting");
        r.dto["statusMessage"] = Value::Null;
        r.dto["modifiedOn"] = json!(now_rfc3339());
        if let Some(d) = body["runtimeDescription"].as_str() {
            r.dto["runtimeDescription"] = json!(d);
        }
        r.ready_at = Some((
            at,
            failure
                .map(RuntimeOutcome::Failed)
                .unwrap_or(RuntimeOutcome::Running),
        ));
        ready_at = at;
    }
    answer_when_ready(app, async_call, ready_at, sub, rg, ws_name, name).await
}

async fn delete(app: &App, req: &Req, sub: &str, rg: &str, ws_name: &str, name: &str) -> Resp {
    let async_call = is_async_call(req);
    let (mut dto, at) = {
        let mut world = app.world();
        let at = Instant::now() + world.scaled(10.0);
        let w = world.workspace_mut(sub, rg, ws_name).expect("checked");
        let Some(rt) = w
            .runtimes
            .iter_mut()
            .find(|r| r.name().eq_ignore_ascii_case(name))
        else {
            return user_error(404, "NotFound", &format!("Runtime '{name}' was not found."));
        };
        if rt.delete_at.is_none() {
            rt.delete_at = Some(at);
            rt.ready_at = None;
            rt.dto["status"] = json!("Stopping");
        }
        let dto = rt.dto.clone();
        let delete_at = rt.delete_at.unwrap_or(at);
        if dto["fromExistingCustomApp"].as_bool() == Some(false) {
            let app_name = dto["customAppName"].as_str().unwrap_or(name).to_string();
            let ci = dto["computeInstanceName"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            if let Some(c) = w.compute_mut(&ci) {
                let services: Vec<Value> = c
                    .custom_services()
                    .into_iter()
                    .filter(|s| {
                        !s["name"]
                            .as_str()
                            .is_some_and(|n| n.eq_ignore_ascii_case(&app_name))
                    })
                    .collect();
                c.set_custom_services(services);
            }
        }
        (dto, delete_at)
    };
    if !async_call {
        wait_until(at).await;
        app.world().tick();
        dto["status"] = json!("NotExist");
    }
    if let Some(obj) = dto.as_object_mut() {
        obj.retain(|k, v| !(v.is_null() && matches!(k.as_str(), "error" | "identity")));
    }
    json_resp(200, &dto)
}

/// The service's routes.
pub fn router() -> axum::Router<std::sync::Arc<App>> {
    axum::Router::new().fallback(
        |axum::extract::State(app): axum::extract::State<std::sync::Arc<App>>, req: Req| async move {
            answer(&app, req).await
        },
    )
}

pub async fn handle(router: &axum::Router, req: Req) -> Resp {
    let segments = crate::routing::segments(&req.path);
    crate::routing::call(
        router,
        req,
        segments,
        crate::routing::Case::Sensitive,
        Default::default(),
    )
    .await
}
