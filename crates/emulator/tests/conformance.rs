//! Conformance: the emulator's ARM and flow responses validate against the official OpenAPI
//! definitions copied into `crates/emulator/specs` (see its SOURCES.md; override with PFRM_SPECS_DIR), and the bundled
//! seed examples are byte-identical copies of the official x-ms-examples.

mod common;
use common::*;
use reqwest::Method;
use serde_json::{json, Value};
use std::path::PathBuf;

fn specs_dir() -> PathBuf {
    if let Ok(dir) = std::env::var("PFRM_SPECS_DIR") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("specs")
}

const MLS: &str = "azure-rest-api-specs/specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices";
const FLOW: &str = "promptflow/flow-service-swagger.json";

/// Swagger/OpenAPI schemas are JSON Schema draft 4 plus `nullable`/`x-nullable`: turn those into
/// `"type": [T, "null"]` so a standard validator reads them as the services mean them.
fn preprocess(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let nullable = map.get("nullable") == Some(&json!(true))
                || map.get("x-nullable") == Some(&json!(true));
            if nullable {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(e)) = map.get_mut("enum") {
                    e.push(Value::Null);
                }
            }
            for child in map.values_mut() {
                preprocess(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(preprocess),
        _ => {}
    }
}

fn drop_closed_objects(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("additionalProperties") == Some(&json!(false)) {
                map.remove("additionalProperties");
            }
            map.values_mut().for_each(drop_closed_objects);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_closed_objects),
        _ => {}
    }
}

struct SpecFiles;

impl jsonschema::Retrieve for SpecFiles {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        let path = uri.path().as_str().to_string();
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
        let mut v: Value = serde_json::from_str(&text)?;
        preprocess(&mut v);
        if !path.ends_with("flow-service-swagger.json") {
            // AutoRest reads `allOf` as inheritance, so a swagger 2 `additionalProperties: false`
            // admits the parents' and the discriminated children's fields; plain JSON Schema would
            // reject them, so those markers are dropped for the Azure specs.
            drop_closed_objects(&mut v);
            // ARM omits `nextLink` on the last page although these two definitions mark it required.
            for def in ["TenantListResult", "SubscriptionListResult"] {
                if let Some(req) = v
                    .pointer_mut(&format!("/definitions/{def}/required"))
                    .and_then(Value::as_array_mut)
                {
                    req.retain(|r| r != "nextLink");
                }
            }
        }
        if path.ends_with("flow-service-swagger.json") {
            // A healthy runtime reports `Running`, which the published enum lacks (see API.md §6.3).
            if let Some(e) = v
                .pointer_mut("/components/schemas/RuntimeStatusEnum/enum")
                .and_then(Value::as_array_mut)
            {
                e.push(json!("Running"));
            }
        }
        Ok(v)
    }
}

struct Checker {
    failures: Vec<String>,
    checked: usize,
}

impl Checker {
    fn check(&mut self, file: &str, pointer: &str, instance: &Value, what: &str) {
        let path = specs_dir().join(file);
        let path = std::fs::canonicalize(&path).unwrap_or_else(|e| {
            panic!(
                "spec file {} missing ({e}); set PFRM_SPECS_DIR",
                path.display()
            )
        });
        let schema = json!({"$ref": format!("file://{}#{pointer}", path.display())});
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .should_validate_formats(false)
            .with_retriever(SpecFiles)
            .build(&schema)
            .unwrap_or_else(|e| panic!("schema {file}#{pointer}: {e}"));
        self.checked += 1;
        for err in validator.iter_errors(instance) {
            self.failures.push(format!(
                "{what} vs {pointer}: {err} at {}",
                err.instance_path()
            ));
        }
    }
}

#[tokio::test]
async fn arm_and_flow_responses_match_the_official_schemas() {
    let env = start("returning", 1000.0).await;
    let t = env.token(ALICE);
    let carol = env.token("carol@contoso.com");
    let mut c = Checker {
        failures: vec![],
        checked: 0,
    };
    let stable = format!("{MLS}/stable/2024-04-01/machineLearningServices.json");
    let preview = format!("{MLS}/preview/2024-04-01-preview/machineLearningServices.json");
    let mfe = format!("{MLS}/stable/2024-04-01/mfe.json");
    let subs = "azure-rest-api-specs/specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/subscriptions.json";
    let ra = "azure-rest-api-specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleAssignmentsCalls.json";
    let rd = "azure-rest-api-specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/authorization-RoleDefinitionsCalls.json";
    let types = "azure-rest-api-specs/specification/common-types/resource-management/v3/types.json";
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let v = "api-version=2024-04-01";
    let a = "api-version=2022-04-01";

    let get = |path: String| {
        let env = &env;
        let t = t.clone();
        async move {
            let (s, b) = env.get_json(&env.arm(&path), &t).await;
            assert_eq!(s, 200, "{path}: {b}");
            b
        }
    };
    c.check(
        subs,
        "/definitions/TenantListResult",
        &get("/tenants?api-version=2022-12-01".into()).await,
        "tenants",
    );
    c.check(
        subs,
        "/definitions/SubscriptionListResult",
        &get("/subscriptions?api-version=2022-12-01".into()).await,
        "subscriptions",
    );
    c.check(
        subs,
        "/definitions/Subscription",
        &get(format!("/subscriptions/{SUB}?api-version=2022-12-01")).await,
        "subscription",
    );
    c.check(
        &stable,
        "/definitions/WorkspaceListResult",
        &get(format!(
            "/subscriptions/{SUB}/providers/Microsoft.MachineLearningServices/workspaces?{v}"
        ))
        .await,
        "workspaces",
    );
    let workspace = get(format!("{ws}?{v}")).await;
    c.check(&stable, "/definitions/Workspace", &workspace, "workspace");
    c.check(
        &stable,
        "/definitions/PaginatedComputeResourcesList",
        &get(format!("{ws}/computes?{v}")).await,
        "computes",
    );
    let compute = get(format!("{ws}/computes/ci-alice?{v}")).await;
    c.check(&stable, "/definitions/ComputeResource", &compute, "compute");
    c.check(
        &stable,
        "/definitions/ComputeInstance",
        &compute["properties"],
        "compute instance",
    );
    for (i, s) in compute["properties"]["properties"]["customServices"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
    {
        c.check(
            &preview,
            "/definitions/CustomService",
            s,
            &format!("customServices[{i}]"),
        );
    }
    let stores = get(format!("{ws}/datastores?{v}")).await;
    c.check(
        &mfe,
        "/definitions/DatastoreResourceArmPaginatedResult",
        &stores,
        "datastores",
    );
    let blob = get(format!("{ws}/datastores/workspaceblobstore?{v}")).await;
    c.check(&mfe, "/definitions/DatastoreResource", &blob, "datastore");
    c.check(
        &mfe,
        "/definitions/AzureBlobDatastore",
        &blob["properties"],
        "blob datastore",
    );
    let file = get(format!("{ws}/datastores/workspacefilestore?{v}")).await;
    c.check(
        &mfe,
        "/definitions/AzureFileDatastore",
        &file["properties"],
        "file datastore",
    );
    c.check(
        &mfe,
        "/definitions/EnvironmentContainerResourceArmPaginatedResult",
        &get(format!("{ws}/environments?{v}")).await,
        "environments",
    );
    c.check(
        &mfe,
        "/definitions/EnvironmentContainerResource",
        &get(format!("{ws}/environments/pf-custom?{v}")).await,
        "environment",
    );
    c.check(
        &mfe,
        "/definitions/EnvironmentVersionResourceArmPaginatedResult",
        &get(format!("{ws}/environments/pf-custom/versions?{v}")).await,
        "environment versions",
    );
    c.check(
        &mfe,
        "/definitions/EnvironmentVersionResource",
        &get(format!("{ws}/environments/pf-custom/versions/1?{v}")).await,
        "environment version",
    );
    c.check(
        &mfe,
        "/definitions/OnlineEndpointTrackedResourceArmPaginatedResult",
        &get(format!("{ws}/onlineEndpoints?{v}")).await,
        "endpoints",
    );
    c.check(
        &mfe,
        "/definitions/OnlineEndpointTrackedResource",
        &get(format!("{ws}/onlineEndpoints/pf-endpoint?{v}")).await,
        "endpoint",
    );
    c.check(
        rd,
        "/definitions/PermissionGetResult",
        &get(format!(
            "{ws}/providers/Microsoft.Authorization/permissions?{a}"
        ))
        .await,
        "permissions",
    );
    c.check(
        rd,
        "/definitions/RoleDefinitionListResult",
        &get(format!(
            "{ws}/providers/Microsoft.Authorization/roleDefinitions?{a}"
        ))
        .await,
        "role definitions",
    );
    c.check(
        ra,
        "/definitions/RoleAssignmentListResult",
        &get(format!(
            "{ws}/providers/Microsoft.Authorization/roleAssignments?{a}"
        ))
        .await,
        "role assignments",
    );
    let (s, created, _) = env
        .send_json(Method::PUT, &env.arm(&format!("{ws}/providers/Microsoft.Authorization/roleAssignments/{}?{a}", uuid::Uuid::new_v4())), &carol,
            &json!({"properties": {"roleDefinitionId": format!("/subscriptions/{SUB}/providers/Microsoft.Authorization/roleDefinitions/e503ece1-11d0-4e8e-8e2c-7a6c3bf38815"), "principalId": "ca201000-0000-4000-8000-000000000003"}}))
        .await;
    assert_eq!(s, 201);
    c.check(
        ra,
        "/definitions/RoleAssignment",
        &created,
        "role assignment",
    );
    for (path, what) in [
        (format!("{ws}?api-version=1999-01-01"), "bad api-version"),
        (format!("{ws}/computes/nope?{v}"), "not found"),
    ] {
        let (s, b) = env.get_json(&env.arm(&path), &t).await;
        assert!(s >= 400);
        c.check(types, "/definitions/ErrorResponse", &b, what);
    }

    // Flow service (OpenAPI 3 components).
    let (_, list) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", ""), &t)
        .await;
    for (i, dto) in list.as_array().unwrap().iter().enumerate() {
        c.check(
            FLOW,
            "/components/schemas/FlowRuntimeDto",
            dto,
            &format!("runtime[{i}]"),
        );
    }
    let (s, created, _) = env
        .send_json(
            Method::POST,
            &env.flow("rg-ml", "ml-workspace", "/new-rt?asyncCall=true"),
            &t,
            &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice"}),
        )
        .await;
    assert_eq!(s, 200);
    c.check(
        FLOW,
        "/components/schemas/FlowRuntimeDto",
        &created,
        "created runtime",
    );
    let (_, avail) = env
        .get_json(
            &env.flow(
                "rg-ml",
                "ml-workspace",
                "/checkCiAvailability?computeInstanceName=ci-alice&customAppName=rstudio",
            ),
            &t,
        )
        .await;
    c.check(
        FLOW,
        "/components/schemas/AvailabilityResponse",
        &avail,
        "availability",
    );
    let (_, cfg) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", "/latestConfig"), &t)
        .await;
    c.check(
        FLOW,
        "/components/schemas/RuntimeConfiguration",
        &cfg,
        "latestConfig",
    );
    let (_, err) = env
        .get_json(&env.flow("rg-ml", "ml-workspace", "/missing"), &t)
        .await;
    c.check(
        FLOW,
        "/components/schemas/ErrorResponse",
        &err,
        "flow error",
    );

    // Blocked scenario: failed runtimes carry an error that must match too.
    let blocked = start("blocked", 1000.0).await;
    let bt = blocked.token(ALICE);
    let (_, failed, _) = blocked
        .send_json(
            Method::POST,
            &blocked.flow("rg-ml", "ws-filestore", "/rt"),
            &bt,
            &json!({"runtimeType": "ComputeInstance", "computeInstanceName": "ci-alice-file"}),
        )
        .await;
    assert_eq!(failed["status"], "Failed");
    c.check(
        FLOW,
        "/components/schemas/FlowRuntimeDto",
        &failed,
        "failed runtime",
    );
    let (_, private_ws) = blocked
        .get_json(
            &blocked.arm(&format!("{}?{v}", blocked.ws_path("rg-ml", "ws-private"))),
            &bt,
        )
        .await;
    c.check(
        &stable,
        "/definitions/Workspace",
        &private_ws,
        "private workspace",
    );
    let (_, hub) = blocked
        .get_json(
            &blocked.arm(&format!("{}?{v}", blocked.ws_path("rg-ml", "hub-project"))),
            &bt,
        )
        .await;
    c.check(&stable, "/definitions/Workspace", &hub, "hub project");

    // Negative control: the checker does catch a response of the wrong shape.
    let mut control = Checker {
        failures: vec![],
        checked: 0,
    };
    control.check(&stable, "/definitions/ComputeInstance", &json!({"computeType": "ComputeInstance", "properties": {"state": 7, "customServices": {}}}), "bad compute");
    control.check(
        FLOW,
        "/components/schemas/FlowRuntimeDto",
        &json!({"runtimeName": 1, "unknownField": true}),
        "bad runtime",
    );
    assert!(control.failures.len() >= 4, "{:?}", control.failures);

    assert!(c.checked >= 30, "checked {} responses", c.checked);
    assert!(
        c.failures.is_empty(),
        "{} schema violations:\n{}",
        c.failures.len(),
        c.failures.join("\n")
    );
}

#[test]
fn bundled_seed_examples_are_the_official_files() {
    let stable = specs_dir().join(format!("{MLS}/stable/2024-04-01/examples"));
    let rs = specs_dir().join("azure-rest-api-specs/specification/resources/resource-manager/Microsoft.Resources/stable/2022-12-01/examples");
    let auth = specs_dir().join("azure-rest-api-specs/specification/authorization/resource-manager/Microsoft.Authorization/stable/2022-04-01/examples");
    let seed = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("seed/examples");
    for (bundled, official) in [
        (
            "Compute_get_ComputeInstance.json",
            stable.join("Compute/get/ComputeInstance.json"),
        ),
        ("Workspace_get.json", stable.join("Workspace/get.json")),
        ("Datastore_get.json", stable.join("Datastore/get.json")),
        (
            "Datastore_AzureDataLakeGen2_createOrUpdate.json",
            stable.join("Datastore/AzureDataLakeGen2WServicePrincipal/createOrUpdate.json"),
        ),
        (
            "EnvironmentVersion_get.json",
            stable.join("Workspace/EnvironmentVersion/get.json"),
        ),
        (
            "EnvironmentContainer_get.json",
            stable.join("Workspace/EnvironmentContainer/get.json"),
        ),
        (
            "OnlineEndpoint_get.json",
            stable.join("Workspace/OnlineEndpoint/get.json"),
        ),
        ("GetSubscription.json", rs.join("GetSubscription.json")),
        ("GetTenants.json", rs.join("GetTenants.json")),
        (
            "RoleAssignments_Get.json",
            auth.join("RoleAssignments_Get.json"),
        ),
    ] {
        let a = std::fs::read(seed.join(bundled)).unwrap();
        let b = std::fs::read(&official).unwrap_or_else(|e| panic!("{}: {e}", official.display()));
        assert_eq!(a, b, "{bundled} differs from {}", official.display());
    }
}

/// The status codes the spec lists for `method` on `path` (a key of `paths`).
fn spec_statuses(file: &str, path: &str, method: &str) -> Vec<u16> {
    let text = std::fs::read_to_string(specs_dir().join(file)).unwrap();
    let spec: Value = serde_json::from_str(&text).unwrap();
    let operation = &spec["paths"][path][method];
    assert!(operation.is_object(), "{method} {path} is not in {file}");
    operation["responses"]
        .as_object()
        .unwrap()
        .keys()
        .filter_map(|k| k.parse().ok())
        .collect()
}

#[tokio::test]
async fn removal_routes_answer_with_the_status_codes_the_specs_define() {
    let env = start("returning", 1000.0).await;
    let t = env.token(ALICE);
    let ws = env.ws_path("rg-ml", "ml-workspace");
    let v = "api-version=2024-04-01";
    let stable = format!("{MLS}/stable/2024-04-01/machineLearningServices.json");
    let mfe = format!("{MLS}/stable/2024-04-01/mfe.json");
    let arm_ws = "/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}";
    let delete = |url: String| {
        let (env, t) = (&env, t.clone());
        async move {
            env.send_json(Method::DELETE, &url, &t, &Value::Null)
                .await
                .0
        }
    };
    let cases = [
        (
            stable.clone(),
            format!("{arm_ws}/connections/{{connectionName}}"),
            env.arm(&format!("{ws}/connections/legacy_bing_connection?{v}")),
        ),
        (
            mfe.clone(),
            format!("{arm_ws}/onlineEndpoints/{{endpointName}}/deployments/{{deploymentName}}"),
            env.arm(&format!(
                "{ws}/onlineEndpoints/pf-endpoint/deployments/green?{v}"
            )),
        ),
        (
            mfe.clone(),
            format!("{arm_ws}/onlineEndpoints/{{endpointName}}"),
            env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint?{v}")),
        ),
    ];
    for (file, path, url) in cases {
        let allowed = spec_statuses(&file, &path, "delete");
        let first = delete(url.clone()).await;
        assert!(
            allowed.contains(&first),
            "{url}: {first} not in {allowed:?}"
        );
        assert_ne!(first, 204, "{url}: the resource existed");
        // Deleting again (already gone) is answered as the spec allows too.
        let again = delete(url.clone()).await;
        assert_eq!(again, 204, "{url}");
        assert!(
            allowed.contains(&again),
            "{url}: {again} not in {allowed:?}"
        );
    }
    let (status, _) = env
        .get_json(
            &env.arm(&format!("{ws}/onlineEndpoints/pf-endpoint/deployments?{v}")),
            &t,
        )
        .await;
    assert_eq!(status, 404, "the endpoint's deployments went with it");

    // A flow's compute session: experimentId is required, then the session does not exist.
    let flows_base = format!("{}/flow/api{ws}/Flows", env.info().flow_endpoint);
    let (_, flows) = env.get_json(&flows_base, &t).await;
    let flow = flows
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["flowName"] == "support-router")
        .unwrap();
    let id = flow["flowId"].as_str().unwrap();
    let experiment = flow["experimentId"].as_str().unwrap();
    let path = "/flow/api/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.MachineLearningServices/workspaces/{workspaceName}/Flows/{flowId}/sessions";
    let allowed = spec_statuses(FLOW, path, "delete");
    assert_eq!(
        delete(format!("{flows_base}/{id}/sessions")).await,
        400,
        "experimentId is required"
    );
    let status = delete(format!(
        "{flows_base}/{id}/sessions?experimentId={experiment}"
    ))
    .await;
    assert!(allowed.contains(&status), "{status} not in {allowed:?}");
    let (_, session) = env
        .get_json(&format!("{flows_base}/{id}/sessions/status"), &t)
        .await;
    assert_eq!(session["status"], "NotExist");
}
