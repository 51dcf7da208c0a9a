//! What the preflight's deeper checks read: storage accounts (`allowSharedKeyAccess`), container
//! registries, and VM sizes and quota usage per region (the storage and registry data roles are
//! built-in roles in [`crate::rbac::ROLES`]).
//! Shapes come from the official examples (Microsoft.Storage 2023-05-01 `StorageAccountGetProperties`,
//! Microsoft.ContainerRegistry 2023-07-01 `RegistryList`, Microsoft.MachineLearningServices
//! 2024-04-01 `Usage/list` and `VirtualMachineSize/list`).

use hyper::Method;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::http::{json_resp, Req, Resp};
use crate::names::is_named;
use crate::state::{Workspace, World};

const EX_STORAGE_ACCOUNT: &str = include_str!("../seed/examples/StorageAccount_get.json");
const EX_REGISTRY_LIST: &str = include_str!("../seed/examples/Registry_list.json");
const EX_VM_SIZES: &str = include_str!(
    "../specs/azure-rest-api-specs/specification/machinelearningservices/resource-manager/Microsoft.MachineLearningServices/stable/2024-04-01/examples/VirtualMachineSize/list.json"
);

pub const STORAGE_API_VERSIONS: &[&str] = &["2021-09-01", "2022-09-01", "2023-01-01", "2023-05-01"];
pub const REGISTRY_API_VERSIONS: &[&str] = &["2021-09-01", "2022-12-01", "2023-07-01"];

/// Per-workspace seeds for the deeper checks (all optional; the defaults are a healthy
/// workspace).
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct PrerequisiteSeed {
    /// `allowSharedKeyAccess` of the workspace's storage account (absent: not set).
    pub allow_shared_key_access: Option<bool>,
    /// `credentialsType` of every datastore (default `AccountKey`; `None` is identity-based).
    pub datastore_credentials: Option<String>,
    /// Roles of the workspace's identity on its storage account (default: none).
    pub identity_storage_roles: Option<Vec<String>>,
    /// Roles of the workspace's identity on its registry (default: none).
    pub identity_registry_roles: Option<Vec<String>>,
    /// Managed network `status.status` (`Active`, `Inactive`); absent: not provisioned.
    pub managed_network_status: Option<String>,
    /// Raw `OutboundRule` objects by name (with `type`, `category`, `status`, `destination`).
    pub outbound_rules: Option<serde_json::Map<String, Value>>,
}

/// One region's quota, seeded at the scenario level.
#[derive(Debug, Clone, Serialize, Deserialize, Default, PartialEq)]
#[serde(rename_all = "camelCase", default)]
pub struct QuotaSeed {
    pub subscription_id: String,
    pub location: String,
    /// A VM family as `vmSizes` names it (`standardDSv2Family`); absent: the regional total.
    pub family: Option<String>,
    pub current: i64,
    pub limit: i64,
}

/// The VM sizes offered everywhere: the example's sizes plus the ones the seeds use.
fn vm_sizes() -> Vec<Value> {
    let example: Value = serde_json::from_str(EX_VM_SIZES).expect("bundled example parses");
    let mut sizes: Vec<Value> = example["responses"]["200"]["body"]["value"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let template = sizes.first().cloned().unwrap_or_else(|| json!({}));
    for (name, family, cpus, memory) in [
        ("Standard_DS3_v2", "standardDSv2Family", 4, 14.0),
        ("Standard_DS11_v2", "standardDSv2Family", 2, 14.0),
        ("Standard_DS12_v2", "standardDSv2Family", 4, 28.0),
        ("Standard_E4ds_v4", "standardEDSv4Family", 4, 32.0),
        ("Standard_D4s_v3", "standardDSv3Family", 4, 16.0),
        ("Standard_NC6s_v3", "standardNCSv3Family", 6, 112.0),
        ("Standard_E16s_v3", "standardESv3Family", 16, 128.0),
    ] {
        if sizes.iter().any(|size| is_named(size, name)) {
            continue;
        }
        let mut size = template.clone();
        size["name"] = json!(name);
        size["family"] = json!(family);
        size["vCPUs"] = json!(cpus);
        size["memoryGB"] = json!(memory);
        size["gpus"] = json!(if family.contains("NC") { 1 } else { 0 });
        size["supportedComputeTypes"] = json!(["AmlCompute", "ComputeInstance"]);
        sizes.push(size);
    }
    sizes
}

/// `Standard DSv2 Family Cluster Dedicated vCPUs` from `standardDSv2Family`.
fn family_display(family: &str) -> String {
    let core = family
        .strip_prefix("standard")
        .unwrap_or(family)
        .strip_suffix("Family")
        .unwrap_or(family);
    format!("Standard {core} Family Cluster Dedicated vCPUs")
}

/// `locations/{location}/usages`: the regional total and one entry per family offered.
pub fn usages(world: &World, sub: &str, location: &str) -> Value {
    let seeded = |family: Option<&str>| {
        world.quotas.iter().find(|q| {
            q.subscription_id.eq_ignore_ascii_case(sub)
                && q.location.eq_ignore_ascii_case(location)
                && match (family, q.family.as_deref()) {
                    (None, None) => true,
                    (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
                    _ => false,
                }
        })
    };
    let (current, limit) = seeded(None)
        .map(|q| (q.current, q.limit))
        .unwrap_or((0, 300));
    let mut value = vec![json!({
        "id": format!("/subscriptions/{sub}/usages"),
        "type": "Microsoft.MachineLearningServices/dedicatedCores/usages",
        "currentValue": current,
        "limit": limit,
        "name": {"localizedValue": "Total Cluster Dedicated Regional vCPUs", "value": "Total Cluster Dedicated Regional vCPUs"},
        "unit": "Count"
    })];
    let mut families: Vec<String> = vm_sizes()
        .iter()
        .filter_map(|size| size["family"].as_str().map(str::to_owned))
        .collect();
    families.sort();
    families.dedup();
    for family in families {
        let (current, limit) = seeded(Some(&family))
            .map(|q| (q.current, q.limit))
            .unwrap_or((0, 96));
        let display = family_display(&family);
        value.push(json!({
            "id": format!("/subscriptions/{sub}/usages/{}", display.replace(' ', "_")),
            "type": "Microsoft.MachineLearningServices/vmFamily/usages",
            "currentValue": current,
            "limit": limit,
            "name": {"localizedValue": display, "value": display},
            "unit": "Count"
        }));
    }
    json!({ "value": value })
}

pub fn vm_sizes_body() -> Value {
    json!({ "value": vm_sizes() })
}

/// The workspace's storage account, as `StorageAccounts_GetProperties` answers.
pub fn storage_account(ws: &Workspace, name: &str) -> Option<Value> {
    let id = ws.value["properties"]["storageAccount"].as_str()?;
    if !id.rsplit('/').next()?.eq_ignore_ascii_case(name) {
        return None;
    }
    let example: Value = serde_json::from_str(EX_STORAGE_ACCOUNT).expect("bundled example parses");
    let mut v = example["responses"]["200"]["body"].clone();
    v["id"] = json!(id);
    v["name"] = json!(name);
    v["kind"] = json!("StorageV2");
    v["location"] = json!(ws.location);
    v["tags"] = json!({});
    v["sku"] = json!({"name": "Standard_LRS", "tier": "Standard"});
    let p = &mut v["properties"];
    for (service, host) in [
        ("web", "web"),
        ("dfs", "dfs"),
        ("blob", "blob"),
        ("file", "file"),
        ("queue", "queue"),
        ("table", "table"),
    ] {
        p["primaryEndpoints"][service] = json!(format!("https://{name}.{host}.core.windows.net/"));
    }
    if let Some(obj) = p.as_object_mut() {
        for drop in [
            "networkAcls",
            "routingPreference",
            "geoReplicationStats",
            "secondaryLocation",
            "statusOfSecondary",
        ] {
            obj.remove(drop);
        }
        if let Some(endpoints) = obj
            .get_mut("primaryEndpoints")
            .and_then(Value::as_object_mut)
        {
            endpoints.remove("microsoftEndpoints");
            endpoints.remove("internetEndpoints");
        }
    }
    p["primaryLocation"] = json!(ws.location);
    p["isHnsEnabled"] = json!(false);
    p["supportsHttpsTrafficOnly"] = json!(true);
    match ws.prerequisites.allow_shared_key_access {
        Some(allowed) => p["allowSharedKeyAccess"] = json!(allowed),
        None => {
            if let Some(obj) = p.as_object_mut() {
                obj.remove("allowSharedKeyAccess");
            }
        }
    }
    Some(v)
}

/// A registry of the workspace, as listed by `Registries_List`.
pub fn registry(ws: &Workspace) -> Option<Value> {
    let id = ws.value["properties"]["containerRegistry"].as_str()?;
    let name = id.rsplit('/').next()?;
    let example: Value = serde_json::from_str(EX_REGISTRY_LIST).expect("bundled example parses");
    let mut v = example["responses"]["200"]["body"]["value"][0].clone();
    v["id"] = json!(id);
    v["name"] = json!(name);
    v["location"] = json!(ws.location);
    v["tags"] = json!({});
    v["properties"]["loginServer"] = json!(format!("{name}.azurecr.io"));
    Some(v)
}

/// Applies a workspace's seeds to its ARM body and datastores.
pub fn apply_to_workspace(ws: &mut Workspace) {
    let seed = ws.prerequisites.clone();
    let storage = ws.value["properties"]["storageAccount"]
        .as_str()
        .map(str::to_owned);
    let registry = ws.value["properties"]["containerRegistry"]
        .as_str()
        .map(str::to_owned);
    let vault = ws.value["properties"]["keyVault"]
        .as_str()
        .map(str::to_owned);
    let network = &mut ws.value["properties"]["managedNetwork"];
    let isolated = network["isolationMode"]
        .as_str()
        .is_some_and(|mode| !mode.eq_ignore_ascii_case("Disabled"));
    if !isolated {
        return apply_credentials(ws, &seed);
    }
    // An isolated workspace's network is provisioned unless a seed says otherwise, with the
    // rules the service creates itself: private endpoints to the workspace's own resources.
    let status = seed
        .managed_network_status
        .clone()
        .unwrap_or_else(|| "Active".into());
    network["status"] = json!({"status": status, "sparkReady": false});
    let rules = match &seed.outbound_rules {
        Some(rules) => rules.clone(),
        None => {
            let mut rules = serde_json::Map::new();
            let targets = [
                (&storage, "blob"),
                (&storage, "file"),
                (&storage, "queue"),
                (&storage, "table"),
                (&registry, "registry"),
                (&vault, "vault"),
            ];
            for (resource, target) in targets {
                let Some(resource) = resource else { continue };
                let name = resource.rsplit('/').next().unwrap_or_default();
                rules.insert(
                    format!("__SYS_PE_{name}_{target}"),
                    json!({
                        "type": "PrivateEndpoint",
                        "category": "Required",
                        "status": status,
                        "destination": {"serviceResourceId": resource, "subresourceTarget": target, "sparkEnabled": false, "sparkStatus": "Inactive"}
                    }),
                );
            }
            rules
        }
    };
    network["outboundRules"] = Value::Object(rules);
    apply_credentials(ws, &seed);
}

fn apply_credentials(ws: &mut Workspace, seed: &PrerequisiteSeed) {
    if let Some(kind) = &seed.datastore_credentials {
        for store in &mut ws.datastores {
            store["properties"]["credentials"] = json!({"credentialsType": kind});
        }
    }
}

/// The role assignments of a workspace's identity on its storage and registry.
pub fn identity_assignments(ws: &Workspace) -> Vec<(String, String, String)> {
    let principal = ws.value["identity"]["principalId"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut out = Vec::new();
    // None unless seeded: the storage and registry roles are granted on purpose (the
    // Permissions page grants them), so a world starts without them.
    let storage_roles = ws
        .prerequisites
        .identity_storage_roles
        .clone()
        .unwrap_or_default();
    let registry_roles = ws
        .prerequisites
        .identity_registry_roles
        .clone()
        .unwrap_or_default();
    for (scope, roles) in [
        (
            ws.value["properties"]["storageAccount"].as_str(),
            storage_roles,
        ),
        (
            ws.value["properties"]["containerRegistry"].as_str(),
            registry_roles,
        ),
    ] {
        if let Some(scope) = scope {
            for role in roles {
                out.push((scope.to_owned(), principal.clone(), role));
            }
        }
    }
    out
}

/// Answers a storage account, registry list, usages or VM sizes request. `allowed(action, scope)` is the caller's RBAC.
pub fn answer(
    world: &World,
    req: &Req,
    segs: &[&str],
    l: &[&str],
    allowed: &dyn Fn(&str, &str) -> bool,
    forbidden: &dyn Fn(&str, &str) -> Resp,
    not_found: &dyn Fn(&str, &str) -> Resp,
) -> Resp {
    if req.method != Method::GET {
        return not_found("method", req.method.as_ref());
    }
    match l {
        ["subscriptions", _, "resourcegroups", _, "providers", "microsoft.storage", "storageaccounts", _] =>
        {
            let scope = format!("/{}", segs.join("/"));
            let action = "Microsoft.Storage/storageAccounts/read";
            let found = world.workspaces.iter().find_map(|ws| {
                (ws.subscription_id.eq_ignore_ascii_case(segs[1])
                    && ws.resource_group.eq_ignore_ascii_case(segs[3]))
                .then(|| storage_account(ws, segs[7]))
                .flatten()
            });
            if !allowed(action, &scope) {
                return forbidden(action, &scope);
            }
            match found {
                Some(account) => json_resp(200, &account),
                None => not_found("Microsoft.Storage/storageAccounts", segs[7]),
            }
        }
        ["subscriptions", _, "providers", "microsoft.containerregistry", "registries"] => {
            // Lists show what the caller may read, and nothing else.
            let value: Vec<Value> = world
                .workspaces
                .iter()
                .filter(|ws| ws.subscription_id.eq_ignore_ascii_case(segs[1]))
                .filter_map(registry)
                .filter(|registry| {
                    registry["id"].as_str().is_some_and(|id| {
                        allowed("Microsoft.ContainerRegistry/registries/read", id)
                    })
                })
                .collect();
            json_resp(200, &json!({ "value": value }))
        }
        ["subscriptions", _, "providers", "microsoft.machinelearningservices", "locations", _, kind] =>
        {
            let scope = format!("/subscriptions/{}", segs[1]);
            let action = if *kind == "usages" {
                "Microsoft.MachineLearningServices/locations/usages/read"
            } else {
                "Microsoft.MachineLearningServices/locations/vmsizes/read"
            };
            if !allowed(action, &scope) {
                return forbidden(action, &scope);
            }
            if *kind == "usages" {
                json_resp(200, &usages(world, segs[1], segs[5]))
            } else {
                json_resp(200, &vm_sizes_body())
            }
        }
        _ => not_found("path", &req.path),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_family_offered_has_a_usage_named_as_the_service_names_it() {
        let sizes = vm_sizes();
        assert!(sizes.iter().any(|s| s["name"] == "Standard_DS3_v2"));
        assert_eq!(
            family_display("standardDSv2Family"),
            "Standard DSv2 Family Cluster Dedicated vCPUs"
        );
    }
}
