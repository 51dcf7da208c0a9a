//! A workspace as a scenario seeds it: the workspace resource, its datastores, compute
//! instances, environments, online endpoints and runtimes.

use super::example_body;
use crate::scenario::{ComputeInstanceSeed, WorkspaceSeed};
use crate::state::{
    workspace_id, Compute, EnvVersion, Runtime, Workspace, World, RUNTIME_IMAGE_REPO,
};
use anyhow::{anyhow, Result};
use serde_json::{json, Value};

const EX_COMPUTE: &str = include_str!("../../seed/examples/Compute_get_ComputeInstance.json");
const EX_WORKSPACE: &str = include_str!("../../seed/examples/Workspace_get.json");
const EX_DATASTORE: &str = include_str!("../../seed/examples/Datastore_get.json");
const EX_DATALAKE_DATASTORE: &str =
    include_str!("../../seed/examples/Datastore_AzureDataLakeGen2_createOrUpdate.json");
const EX_ENV_VERSION: &str = include_str!("../../seed/examples/EnvironmentVersion_get.json");
const EX_ENV_CONTAINER: &str = include_str!("../../seed/examples/EnvironmentContainer_get.json");
const EX_ENDPOINT: &str = include_str!("../../seed/examples/OnlineEndpoint_get.json");

impl World {
    pub(super) fn build_workspace(&self, seed: &WorkspaceSeed) -> Result<Workspace> {
        let id = workspace_id(&seed.subscription_id, &seed.resource_group, &seed.name);
        let tenant_id = self
            .subscription(&seed.subscription_id)
            .map(|s| s.tenant_id.clone())
            .ok_or_else(|| anyhow!("workspace {} names an unknown subscription", seed.name))?;
        let guid = uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_URL, id.to_lowercase().as_bytes())
            .to_string();
        let rg_id = format!(
            "/subscriptions/{}/resourceGroups/{}",
            seed.subscription_id, seed.resource_group
        );
        let short = seed.name.replace(['-', '_'], "").to_lowercase();
        let mut v = example_body(EX_WORKSPACE);
        v["id"] = json!(id);
        v["name"] = json!(seed.name);
        v["location"] = json!(seed.location);
        v["kind"] = json!(seed.kind.clone().unwrap_or_else(|| "Default".into()));
        v["identity"] = json!({"type": "SystemAssigned", "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, guid.as_bytes()).to_string(), "tenantId": tenant_id});
        v["tags"] = json!({});
        v["sku"] = json!({"name": "Basic", "tier": "Basic"});
        v["systemData"] = json!({"createdAt": "2024-01-10T08:00:00.000Z", "createdBy": "admin@contoso.com", "createdByType": "User", "lastModifiedAt": "2024-01-10T08:00:00.000Z", "lastModifiedBy": "admin@contoso.com", "lastModifiedByType": "User"});
        let p = &mut v["properties"];
        if let Some(obj) = p.as_object_mut() {
            for drop in [
                "encryption",
                "sharedPrivateLinkResources",
                "imageBuildCompute",
                "notebookInfo",
                "serviceProvisionedResourceGroup",
            ] {
                obj.remove(drop);
            }
        }
        p["workspaceId"] = json!(guid);
        p["tenantId"] = json!(tenant_id);
        p["friendlyName"] = json!(seed
            .friendly_name
            .clone()
            .unwrap_or_else(|| seed.name.clone()));
        p["description"] = json!("");
        p["discoveryUrl"] = json!(format!("{}/discovery", self.flow_endpoint));
        p["mlFlowTrackingUri"] = json!(format!(
            "azureml://{}.api.azureml.ms/mlflow/v1.0{}",
            seed.location, id
        ));
        p["storageAccount"] = json!(format!(
            "{rg_id}/providers/Microsoft.Storage/storageAccounts/st{short}"
        ));
        p["keyVault"] = json!(format!(
            "{rg_id}/providers/Microsoft.KeyVault/vaults/kv-{short}"
        ));
        p["applicationInsights"] = json!(format!(
            "{rg_id}/providers/Microsoft.insights/components/ai-{short}"
        ));
        p["containerRegistry"] = json!(format!(
            "{rg_id}/providers/Microsoft.ContainerRegistry/registries/cr{short}"
        ));
        p["provisioningState"] = json!("Succeeded");
        p["enableDataIsolation"] = json!(seed.enable_data_isolation);
        p["hbiWorkspace"] = json!(false);
        let public = seed
            .public_network_access
            .clone()
            .unwrap_or_else(|| "Enabled".into());
        p["publicNetworkAccess"] = json!(public);
        p["allowPublicAccessWhenBehindVnet"] = json!(false);
        p["v1LegacyMode"] = json!(false);
        p["managedNetwork"] = json!({"isolationMode": seed.managed_network_isolation.clone().unwrap_or_else(|| "Disabled".into())});
        match &seed.hub_resource_id {
            Some(hub) => p["hubResourceId"] = json!(hub),
            None => {
                if let Some(obj) = p.as_object_mut() {
                    obj.remove("hubResourceId");
                }
            }
        }
        let pecs: Vec<Value> = seed
            .private_endpoint_status
            .iter()
            .map(|status| {
                json!({
                    "id": format!("{id}/privateEndpointConnections/pe-{short}"),
                    "name": format!("pe-{short}"),
                    "type": "Microsoft.MachineLearningServices/workspaces/privateEndpointConnections",
                    "properties": {
                        "provisioningState": "Succeeded",
                        "privateEndpoint": {"id": format!("{rg_id}/providers/Microsoft.Network/privateEndpoints/pe-{short}")},
                        "privateLinkServiceConnectionState": {"status": status, "description": "Auto-Approved", "actionsRequired": "None"}
                    }
                })
            })
            .collect();
        p["privateLinkCount"] = json!(pecs.len());
        p["privateEndpointConnections"] = Value::Array(pecs);

        let mut ws = Workspace {
            subscription_id: seed.subscription_id.clone(),
            resource_group: seed.resource_group.clone(),
            name: seed.name.clone(),
            location: seed.location.clone(),
            value: v,
            computes: vec![],
            datastores: vec![],
            env_containers: vec![],
            env_versions: vec![],
            endpoints: vec![],
            runtimes: vec![],
            prompt_flow: seed.prompt_flow.clone(),
            prerequisites: seed.prerequisites.clone(),
        };
        let default_type = seed
            .default_datastore_type
            .clone()
            .unwrap_or_else(|| "AzureBlob".into());
        let storage = format!("st{short}");
        ws.datastores.push(datastore(
            &ws,
            "workspaceblobstore",
            "AzureBlob",
            default_type == "AzureBlob",
            &storage,
        ));
        // Every workspace has its file store; a default of another kind is a datastore the
        // user registered and made the default (Azure ML never creates a Data Lake one).
        ws.datastores.push(datastore(
            &ws,
            "workspacefilestore",
            "AzureFile",
            default_type == "AzureFile",
            &storage,
        ));
        if default_type != "AzureBlob" && default_type != "AzureFile" {
            ws.datastores.push(datastore(
                &ws,
                &registered_datastore_name(&default_type),
                &default_type,
                true,
                &storage,
            ));
        }
        if seed.working_directory_datastore.unwrap_or(true) {
            ws.datastores.push(datastore(
                &ws,
                "workspaceworkingdirectory",
                "AzureFile",
                false,
                &storage,
            ));
        }
        for ci in &seed.compute_instances {
            let compute = self.build_compute(&ws, ci, &tenant_id)?;
            ws.computes.push(compute);
        }
        for env in &seed.environments {
            let mut c = example_body(EX_ENV_CONTAINER);
            c["id"] = json!(format!("{id}/environments/{}", env.name));
            c["name"] = json!(env.name);
            c["properties"] = json!({
                "description": env.description.clone().unwrap_or_default(),
                "tags": {}, "properties": {}, "isArchived": false,
                "latestVersion": env.versions.last().map(|v| v.version.clone()).unwrap_or_default(),
                "nextVersion": (env.versions.len() + 1).to_string(),
                "provisioningState": "Succeeded"
            });
            ws.env_containers.push(c);
            for ver in &env.versions {
                let mut v = example_body(EX_ENV_VERSION);
                v["id"] = json!(format!(
                    "{id}/environments/{}/versions/{}",
                    env.name, ver.version
                ));
                v["name"] = json!(ver.version);
                v["type"] =
                    json!("Microsoft.MachineLearningServices/workspaces/environments/versions");
                let props = &mut v["properties"];
                props["description"] = json!(env.description.clone().unwrap_or_default());
                props["tags"] = json!({});
                props["properties"] = json!({});
                props["environmentType"] = json!("UserCreated");
                props["osType"] = json!("Linux");
                props["autoRebuild"] = json!("Disabled");
                props["provisioningState"] = json!("Succeeded");
                props["isArchived"] = json!(false);
                if let Some(obj) = props.as_object_mut() {
                    obj.remove("condaFile");
                    obj.remove("inferenceConfig");
                }
                match &ver.image {
                    Some(image) => {
                        props["image"] = json!(image);
                        if let Some(obj) = props.as_object_mut() {
                            obj.remove("build");
                        }
                    }
                    None => {
                        if let Some(obj) = props.as_object_mut() {
                            obj.remove("image");
                        }
                        props["build"] = json!({
                            "contextUri": format!("https://{storage}.blob.core.windows.net/azureml/LocalUpload/{}/{}/", env.name, ver.version),
                            "dockerfilePath": "Dockerfile"
                        });
                        props["inferenceConfig"] = json!({
                            "livenessRoute": {"path": "/health", "port": 8080},
                            "readinessRoute": {"path": "/health", "port": 8080},
                            "scoringRoute": {"path": "/score", "port": 8080}
                        });
                    }
                }
                ws.env_versions.push(EnvVersion {
                    container: env.name.clone(),
                    version: ver.version.clone(),
                    value: v,
                    base_tag: ver.base_image.clone(),
                    image_pushed: ver.image_pushed.unwrap_or(true),
                });
            }
        }
        for endpoint in &seed.online_endpoints {
            let name = endpoint.name();
            let mut e = example_body(EX_ENDPOINT);
            e["id"] = json!(format!("{id}/onlineEndpoints/{name}"));
            e["name"] = json!(name);
            e["type"] = json!("Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
            e["location"] = json!(seed.location);
            e["kind"] = json!("Managed");
            if let Some(obj) = e.as_object_mut() {
                obj.remove("sku");
            }
            e["identity"] = match endpoint.identity() {
                // `ManagedServiceIdentity` with no identity: the type alone.
                "None" => json!({"type": "None"}),
                kind => json!({
                    "type": kind,
                    "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{id}/{name}").as_bytes()).to_string(),
                    "tenantId": tenant_id
                }),
            };
            e["properties"] = json!({
                "description": "", "properties": {}, "authMode": "AADToken",
                "scoringUri": format!("https://{name}.{}.inference.ml.azure.com/score", seed.location),
                "swaggerUri": format!("https://{name}.{}.inference.ml.azure.com/swagger.json", seed.location),
                "provisioningState": "Succeeded", "publicNetworkAccess": "Enabled", "traffic": {}
            });
            ws.endpoints.push(e);
        }
        let latest = self.latest_tag();
        for rt in &seed.runtimes {
            let compute = ws
                .compute(&rt.compute_instance)
                .ok_or_else(|| {
                    anyhow!(
                        "runtime {} names unknown compute {}",
                        rt.name,
                        rt.compute_instance
                    )
                })?
                .clone();
            let (oid, tid) = compute.assigned_user().unwrap_or_default();
            let owner = self.user_by_oid(&oid).cloned();
            let (image, environment) = match &rt.environment {
                Some(env) => {
                    let (name, version) =
                        crate::flow::parse_environment_ref(env).ok_or_else(|| {
                            anyhow!("runtime {} has unparseable environment", rt.name)
                        })?;
                    let asset = format!(
                        "azureml://locations/{}/workspaces/{}/environments/{name}/versions/{version}",
                        ws.location,
                        ws.workspace_guid()
                    );
                    (
                        crate::flow::built_env_image(&ws, &name, &version),
                        Some(asset),
                    )
                }
                None => (
                    format!(
                        "{RUNTIME_IMAGE_REPO}:{}",
                        rt.image_tag.clone().unwrap_or_else(|| latest.clone())
                    ),
                    None,
                ),
            };
            let port = crate::flow::next_published_port(&compute);
            let app = crate::flow::runtime_custom_service(&rt.name, &image, port, &ws);
            let mut dto = crate::flow::runtime_dto(
                &ws,
                &rt.name,
                &compute,
                owner.as_ref(),
                &tid,
                &image,
                environment.as_deref(),
                port,
                false,
                "2024-02-01T09:00:00.0000000+00:00",
            );
            dto["status"] = json!(rt.status.clone().unwrap_or_else(|| "Running".into()));
            dto["runtimeDescription"] = json!(rt.description.clone().unwrap_or_default());
            if let Some(failure) = &rt.failure {
                crate::troubles::fail_seeded(&mut dto, failure, &ws, &compute)?;
            }
            if let Some(c) = ws.compute_mut(&rt.compute_instance) {
                let mut services = c.custom_services();
                services.push(app);
                c.set_custom_services(services);
            }
            ws.runtimes.push(Runtime {
                dto,
                ready_at: None,
                delete_at: None,
            });
        }
        Ok(ws)
    }

    pub fn build_compute(
        &self,
        ws: &Workspace,
        seed: &ComputeInstanceSeed,
        tenant_id: &str,
    ) -> Result<Compute> {
        let user = self
            .user_by_name(&seed.assigned_to)
            .ok_or_else(|| anyhow!("compute {} assigned to unknown user", seed.name))?;
        let mut v = example_body(EX_COMPUTE);
        v["id"] = json!(format!("{}/computes/{}", ws.id(), seed.name));
        v["name"] = json!(seed.name);
        v["location"] = json!(ws.location);
        v["tags"] = json!({});
        v["identity"] = json!({"type": "SystemAssigned", "principalId": uuid::Uuid::new_v5(&uuid::Uuid::NAMESPACE_OID, format!("{}/{}", ws.id(), seed.name).as_bytes()).to_string(), "tenantId": tenant_id});
        v["systemData"] = json!({"createdAt": "2024-01-12T10:00:00.000Z", "createdBy": user.user_name, "createdByType": "User", "lastModifiedAt": "2024-01-12T10:00:00.000Z", "lastModifiedBy": user.user_name, "lastModifiedByType": "User"});
        let p = &mut v["properties"];
        p["description"] = json!(format!("{}'s compute instance", user.display_name));
        p["computeLocation"] = json!(ws.location);
        p["createdOn"] = json!("2024-01-12T10:00:00.0000000+00:00");
        p["modifiedOn"] = json!("2024-01-12T10:00:00.0000000+00:00");
        p["isAttachedCompute"] = json!(false);
        p["disableLocalAuth"] = json!(true);
        let ci = &mut p["properties"];
        if let Some(obj) = ci.as_object_mut() {
            obj.remove("subnet");
            obj.remove("errors");
        }
        ci["vmSize"] = json!(seed
            .vm_size
            .clone()
            .unwrap_or_else(|| "STANDARD_DS3_V2".into()));
        ci["applicationSharingPolicy"] = json!("Personal");
        if let Some(idle) = &seed.idle_shutdown {
            ci["idleTimeBeforeShutdown"] = json!(idle);
        }
        ci["sshSettings"] =
            json!({"sshPublicAccess": "Disabled", "adminUserName": "azureuser", "sshPort": 50000});
        ci["customServices"] = Value::Array(seed.custom_services.clone());
        ci["personalComputeInstanceSettings"] =
            json!({"assignedUser": {"objectId": user.object_id, "tenantId": user.tenant_id}});
        ci["createdBy"] = json!({"userName": user.user_name, "userOrgId": user.tenant_id, "userId": user.object_id});
        ci["connectivityEndpoints"] =
            json!({"publicIpAddress": "20.0.0.4", "privateIpAddress": "10.0.0.4"});
        ci["applications"] = json!([
            {"displayName": "Jupyter", "endpointUri": format!("https://{}.{}.instances.azureml.ms/tree/", seed.name, ws.location)},
            {"displayName": "Jupyter Lab", "endpointUri": format!("https://{}.{}.instances.azureml.ms/lab", seed.name, ws.location)}
        ]);
        ci["state"] = json!(seed.state.clone().unwrap_or_else(|| "Running".into()));
        ci["lastOperation"] = json!({"operationName": "Create", "operationTime": "2024-01-12T10:05:00.000Z", "operationStatus": "Succeeded", "operationTrigger": "User"});
        // An instance seeded as being deleted is a resource being deleted, as ARM reports it.
        if seed.state.as_deref() == Some("Deleting") {
            p["provisioningState"] = json!("Deleting");
        }
        Ok(Compute {
            value: v,
            pending: None,
            fail_runtime_start: seed.fail_runtime_start,
            runtime_failure: match &seed.runtime_failure {
                Some(name) => {
                    crate::troubles::check(name)?;
                    Some(name.clone())
                }
                None => None,
            },
        })
    }
}

/// The name of a datastore a user registered to be the default (datastore names take letters,
/// digits and underscores): `adlsgen2datastore` for Data Lake Storage Gen2.
fn registered_datastore_name(kind: &str) -> String {
    match kind {
        "AzureDataLakeGen2" => "adlsgen2datastore".into(),
        other => format!("{}datastore", other.to_ascii_lowercase()),
    }
}

fn datastore(ws: &Workspace, name: &str, kind: &str, is_default: bool, storage: &str) -> Value {
    let mut v = example_body(EX_DATASTORE);
    v["id"] = json!(format!("{}/datastores/{name}", ws.id()));
    v["name"] = json!(name);
    v["type"] = json!("Microsoft.MachineLearningServices/workspaces/datastores");
    v["systemData"]["createdBy"] = json!("system");
    v["systemData"]["lastModifiedBy"] = json!("system");
    let mut props = json!({
        "description": "", "tags": {}, "properties": {}, "isDefault": is_default,
        "credentials": {"credentialsType": "AccountKey"},
        "datastoreType": kind,
    });
    match kind {
        "AzureBlob" => {
            props["accountName"] = json!(storage);
            props["containerName"] = json!(format!("azureml-blobstore-{}", ws.workspace_guid()));
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
            props["serviceDataAccessAuthIdentity"] = json!("WorkspaceSystemAssignedIdentity");
            props["subscriptionId"] = json!(ws.subscription_id);
            props["resourceGroup"] = json!(ws.resource_group);
        }
        "AzureFile" => {
            props["accountName"] = json!(storage);
            props["fileShareName"] = json!(if name == "workspaceworkingdirectory" {
                "code-391ff5ac-6576-460f-ba4d-7e03433c68b6".to_string()
            } else {
                format!("azureml-filestore-{}", ws.workspace_guid())
            });
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
            props["serviceDataAccessAuthIdentity"] = json!("None");
        }
        "AzureDataLakeGen2" => {
            // Registered by a user, as the spec's example of a Data Lake Gen2 datastore is, but
            // with identity-based access (no credentials), as a workspace's default would be.
            v = example_body(EX_DATALAKE_DATASTORE);
            v["id"] = json!(format!("{}/datastores/{name}", ws.id()));
            v["name"] = json!(name);
            v["type"] = json!("Microsoft.MachineLearningServices/workspaces/datastores");
            props = v["properties"].clone();
            props["description"] = json!("Data Lake Storage Gen2 file system of the team's data");
            props["tags"] = json!({});
            props["properties"] = json!({});
            props["isDefault"] = json!(is_default);
            props["credentials"] = json!({"credentialsType": "None"});
            props["accountName"] = json!(storage);
            props["filesystem"] = json!("data");
            props["endpoint"] = json!("core.windows.net");
            props["protocol"] = json!("https");
            props["serviceDataAccessAuthIdentity"] = json!("None");
            v["systemData"]["createdBy"] = json!("alice@contoso.com");
            v["systemData"]["createdByType"] = json!("User");
            v["systemData"]["lastModifiedBy"] = json!("alice@contoso.com");
            v["systemData"]["lastModifiedByType"] = json!("User");
        }
        _ => {}
    }
    v["properties"] = props;
    v
}
