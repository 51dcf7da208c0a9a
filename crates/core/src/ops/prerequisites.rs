//! Gathers the facts behind the preflight's deeper checks (storage, managed network, quota,
//! custom environment image). Every read that does not depend on another goes out at the same
//! time, so the deeper checks add about one round trip to the workspace's preflight.

use crate::azure::acr::{AcrClient, ManifestLookup};
use crate::azure::arm::{ComputeResource, DatastoreDto, WorkspaceDto};
use crate::azure::authorization::{is_data_action_allowed, Permission, RoleAssignmentDto};
use crate::azure::prerequisites::{last_segment, PrerequisiteReads, UsageDto, VmSizeDto};
use crate::error::{Error, ErrorCode, Result};
use crate::preflight::prerequisites::{roles, BLOB_DATA_ACTIONS, FILE_DATA_ACTIONS};
use crate::preflight::{
    CheckResult, DatastoreFacts, Fact, FamilyUsage, ImageFacts, NetworkFacts, OutboundRuleFacts,
    QuotaFacts, SizeFacts, StorageAccess, StorageFacts, Unreadable,
};
use crate::services::Services;

fn reads(services: &Services) -> PrerequisiteReads {
    PrerequisiteReads::new(services.arm.pipeline().clone())
}

/// The permission that reading a workspace's datastores needs.
pub(crate) const DATASTORES_READ: &str =
    "Microsoft.MachineLearningServices/workspaces/datastores/read on the workspace";

/// A read that failed, as a fact: a refusal names the permission that was missing.
pub(crate) fn unreadable(error: &Error, permission: impl FnOnce() -> String) -> Unreadable {
    Unreadable {
        reason: error.message.clone(),
        missing_permission: (error.code == ErrorCode::PermissionDenied).then(permission),
    }
}

/// The storage, network and quota facts of a workspace already read.
pub(crate) async fn workspace_facts(
    services: &Services,
    workspace: &WorkspaceDto,
    datastores: &Result<Vec<DatastoreDto>>,
) -> (StorageFacts, NetworkFacts, QuotaFacts) {
    let reads = reads(services);
    let storage_id = workspace
        .properties
        .storage_account
        .clone()
        .filter(|id| !id.is_empty());
    let principal = workspace
        .identity
        .as_ref()
        .and_then(|identity| identity.principal_id.clone())
        .filter(|id| !id.is_empty());
    let subscription = workspace.workspace_ref().subscription_id;
    let location = workspace.location.clone().unwrap_or_default();

    let storage_read = async {
        match &storage_id {
            Some(id) => Some(reads.get_storage_account(id).await),
            None => None,
        }
    };
    let my_permissions = async {
        match &storage_id {
            Some(id) => Some(reads.permissions_at(id).await),
            None => None,
        }
    };
    let identity_roles = async {
        match (&storage_id, &principal) {
            (Some(id), Some(principal)) => Some(reads.role_assignments_of(id, principal).await),
            _ => None,
        }
    };
    let (account, mine, theirs, quota) = tokio::join!(
        storage_read,
        my_permissions,
        identity_roles,
        quota_facts(services, &subscription, &location),
    );

    let account_name = storage_id.as_deref().map(|id| last_segment(id).to_owned());
    let name = account_name.clone().unwrap_or_default();
    let no_account = || Unreadable {
        reason: "the workspace names no storage account".into(),
        missing_permission: None,
    };
    let storage = StorageFacts {
        allow_shared_key_access: match account {
            Some(Ok(account)) => Ok(account.properties.allow_shared_key_access),
            Some(Err(error)) => Err(unreadable(&error, || {
                format!("Microsoft.Storage/storageAccounts/read on {name}")
            })),
            None => Err(no_account()),
        },
        datastores: match datastores {
            Ok(stores) => Ok(stores.iter().map(datastore_facts).collect()),
            Err(error) => Err(unreadable(error, || DATASTORES_READ.into())),
        },
        mine: match mine {
            Some(Ok(permissions)) => Ok(access_from_permissions(&permissions)),
            Some(Err(error)) => Err(unreadable(&error, || {
                format!("Microsoft.Authorization/permissions/read on {name}")
            })),
            None => Err(no_account()),
        },
        workspace: match theirs {
            Some(Ok(assignments)) => Ok(access_from_roles(&assignments)),
            Some(Err(error)) => Err(unreadable(&error, || {
                format!("Microsoft.Authorization/roleAssignments/read on {name}")
            })),
            None => Err(no_account()),
        },
        account_name,
        workspace_identity: principal,
    };
    (storage, network_facts(workspace), quota)
}

fn datastore_facts(store: &DatastoreDto) -> DatastoreFacts {
    DatastoreFacts {
        name: store.name.clone(),
        datastore_type: store
            .properties
            .datastore_type
            .clone()
            .unwrap_or_else(|| "unknown".into()),
        credentials_type: store
            .properties
            .credentials
            .as_ref()
            .and_then(|credentials| credentials.credentials_type.clone())
            .unwrap_or_else(|| "None".into()),
    }
}

fn access_from_permissions(permissions: &[Permission]) -> StorageAccess {
    StorageAccess {
        blob: BLOB_DATA_ACTIONS
            .iter()
            .all(|action| is_data_action_allowed(permissions, action)),
        file: FILE_DATA_ACTIONS
            .iter()
            .all(|action| is_data_action_allowed(permissions, action)),
    }
}

fn role_guids(assignments: &[RoleAssignmentDto]) -> Vec<String> {
    assignments
        .iter()
        .map(|assignment| {
            last_segment(&assignment.properties.role_definition_id).to_ascii_lowercase()
        })
        .collect()
}

fn access_from_roles(assignments: &[RoleAssignmentDto]) -> StorageAccess {
    let guids = role_guids(assignments);
    let has = |role: &str| guids.iter().any(|guid| guid.eq_ignore_ascii_case(role));
    StorageAccess {
        blob: has(roles::STORAGE_BLOB_DATA_CONTRIBUTOR) || has(roles::STORAGE_BLOB_DATA_OWNER),
        file: has(roles::STORAGE_FILE_DATA_PRIVILEGED_CONTRIBUTOR),
    }
}

fn network_facts(workspace: &WorkspaceDto) -> NetworkFacts {
    let properties = &workspace.properties;
    let managed = properties.managed_network.clone().unwrap_or_default();
    let mut outbound_rules: Vec<OutboundRuleFacts> = managed
        .outbound_rules
        .unwrap_or_default()
        .into_iter()
        .map(|(name, rule)| {
            let text = |key: &str| rule[key].as_str().unwrap_or_default().to_owned();
            let destination = &rule["destination"];
            OutboundRuleFacts {
                name,
                rule_type: text("type"),
                category: text("category"),
                status: text("status"),
                service_resource_id: destination["serviceResourceId"].as_str().map(str::to_owned),
                subresource_target: destination["subresourceTarget"].as_str().map(str::to_owned),
            }
        })
        .collect();
    outbound_rules.sort_by(|a, b| a.name.cmp(&b.name));
    NetworkFacts {
        workspace: workspace.name.clone(),
        resource_group: crate::azure::arm::resource_group_of(&workspace.id),
        isolation_mode: managed.isolation_mode.unwrap_or_else(|| "Disabled".into()),
        status: managed.status.and_then(|status| status.status),
        outbound_rules,
        private_endpoints: properties
            .private_endpoint_connections
            .clone()
            .unwrap_or_default()
            .iter()
            .map(|connection| {
                (
                    connection
                        .id
                        .as_deref()
                        .map(last_segment)
                        .unwrap_or("private endpoint")
                        .to_owned(),
                    connection
                        .properties
                        .as_ref()
                        .and_then(|p| p.private_link_service_connection_state.as_ref())
                        .and_then(|state| state.status.clone())
                        .unwrap_or_else(|| "unknown".into()),
                )
            })
            .collect(),
        public_network_disabled: properties
            .public_network_access
            .as_deref()
            .is_some_and(|access| access.eq_ignore_ascii_case("Disabled")),
        storage_account: properties
            .storage_account
            .clone()
            .filter(|id| !id.is_empty()),
        container_registry: properties
            .container_registry
            .clone()
            .filter(|id| !id.is_empty()),
    }
}

/// VM sizes and quota usage in a region, read at the same time.
pub(crate) async fn quota_facts(
    services: &Services,
    subscription_id: &str,
    location: &str,
) -> QuotaFacts {
    let reads = reads(services);
    let (sizes, usages) = tokio::join!(
        reads.list_vm_sizes(subscription_id, location),
        reads.list_usages(subscription_id, location),
    );
    let regional = usages.as_ref().ok().and_then(|usages| {
        usages
            .iter()
            .find(|usage| usage_type_is(usage, "dedicatedCores/usages"))
            .map(family_usage)
    });
    QuotaFacts {
        location: location.to_owned(),
        sizes: sizes.map(|sizes| instance_sizes(&sizes)).map_err(|error| {
            unreadable(&error, || {
                format!("Microsoft.MachineLearningServices/locations/vmsizes/read in {location}")
            })
        }),
        families: usages
            .map(|usages| {
                usages
                    .iter()
                    .filter(|usage| usage_type_is(usage, "vmFamily/usages"))
                    .map(family_usage)
                    .collect()
            })
            .map_err(|error| {
                unreadable(&error, || {
                    format!("Microsoft.MachineLearningServices/locations/usages/read in {location}")
                })
            }),
        regional,
    }
}

fn usage_type_is(usage: &UsageDto, suffix: &str) -> bool {
    usage.usage_type.as_deref().is_some_and(|kind| {
        kind.to_ascii_lowercase()
            .ends_with(&suffix.to_ascii_lowercase())
    })
}

fn family_usage(usage: &UsageDto) -> FamilyUsage {
    let name = usage.name.clone().unwrap_or_default();
    FamilyUsage {
        name: name
            .localized_value
            .or(name.value)
            .unwrap_or_else(|| "unnamed".into()),
        current: usage.current_value.unwrap_or(0),
        limit: usage.limit.unwrap_or(0),
    }
}

fn instance_sizes(sizes: &[VmSizeDto]) -> Vec<SizeFacts> {
    sizes
        .iter()
        .filter(|size| {
            size.supported_compute_types.as_ref().is_none_or(|types| {
                types
                    .iter()
                    .any(|kind| kind.eq_ignore_ascii_case("ComputeInstance"))
            })
        })
        .map(|size| SizeFacts {
            name: size.name.clone(),
            family: size.family.clone().unwrap_or_default(),
            v_cpus: size.v_cpus.unwrap_or(0),
        })
        .collect()
}

/// The instance-level deeper checks: quota to start it, idle shutdown.
pub(crate) fn instance_checks(compute: &ComputeResource, quota: &QuotaFacts) -> Vec<CheckResult> {
    let properties = compute.instance_properties();
    let running = properties
        .state
        .as_deref()
        .is_some_and(|state| state.eq_ignore_ascii_case("Running"));
    vec![
        crate::preflight::prerequisites::instance_quota_check(
            &compute.name,
            properties.vm_size.as_deref(),
            running,
            quota,
        ),
        crate::preflight::prerequisites::idle_shutdown_check(
            &compute.name,
            properties.idle_time_before_shutdown.as_deref(),
        ),
    ]
}

/// The host suffix of Azure Container Registry login servers in the signed-in cloud.
pub fn acr_suffix(services: &Services) -> &'static str {
    let host = services
        .arm
        .pipeline()
        .cloud()
        .arm_endpoint
        .host_str()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if host.ends_with("usgovcloudapi.net") {
        ".azurecr.us"
    } else if host.ends_with("chinacloudapi.cn") {
        ".azurecr.cn"
    } else {
        ".azurecr.io"
    }
}

/// A custom environment's image checks: reads the environment version, finds the registry of
/// its image among the subscription's, and the workspace identity's roles on it.
pub async fn image_checks(
    services: &Services,
    workspace: &WorkspaceDto,
    environment: &str,
    image: Option<String>,
) -> Vec<CheckResult> {
    let reads = reads(services);
    let suffix = acr_suffix(services);
    let principal = workspace
        .identity
        .as_ref()
        .and_then(|identity| identity.principal_id.clone())
        .filter(|id| !id.is_empty());
    let host = image
        .as_deref()
        .and_then(|image| crate::preflight::prerequisites::split_image(image).0)
        .map(str::to_ascii_lowercase);
    let subscription = workspace.workspace_ref().subscription_id;
    let in_acr = host.as_deref().is_some_and(|host| host.ends_with(suffix));
    let (registry_facts, tag_found) = tokio::join!(
        registry_facts(&reads, &host, in_acr, &subscription, &principal),
        tag_found(services, image.as_deref(), in_acr),
    );
    let (registry, puller_roles) = registry_facts;
    crate::preflight::prerequisites::image_checks(&ImageFacts {
        environment: environment.to_owned(),
        image,
        acr_suffix: suffix.to_owned(),
        registry,
        puller: principal,
        puller_roles,
        tag_found,
    })
}

/// Whether the image's registry holds its tag, as the signed-in user may see: `None` when there
/// is nothing to look up (not in ACR, no tag).
async fn tag_found(services: &Services, image: Option<&str>, in_acr: bool) -> Option<Fact<bool>> {
    let (host, repository, reference) = crate::preflight::prerequisites::split_image(image?);
    let (host, reference) = (host?, reference?);
    if !in_acr {
        return None;
    }
    let lookup = AcrClient::new(services.pipeline().clone())
        .manifest_exists(host, repository, reference)
        .await;
    let pull_permission = || {
        format!("Microsoft.ContainerRegistry/registries/pull/read (AcrPull) on the registry {host}")
    };
    Some(match lookup {
        Ok(ManifestLookup::Found) => Ok(true),
        Ok(ManifestLookup::NotFound) => Ok(false),
        Ok(ManifestLookup::Denied) => Err(Unreadable {
            reason: format!("the registry {host} would not let you pull"),
            missing_permission: Some(pull_permission()),
        }),
        Err(error) => Err(unreadable(&error, pull_permission)),
    })
}

/// The registry whose login server is `host`, and the roles of the workspace's identity on it.
async fn registry_facts(
    reads: &PrerequisiteReads,
    host: &Option<String>,
    in_acr: bool,
    subscription: &str,
    principal: &Option<String>,
) -> (Fact<Option<String>>, Fact<Vec<String>>) {
    if in_acr {
        let host = host.clone().unwrap_or_default();
        match reads.list_registries(subscription).await {
            Ok(registries) => {
                let found = registries
                    .into_iter()
                    .find(|registry| {
                        registry
                            .properties
                            .login_server
                            .as_deref()
                            .is_some_and(|server| server.eq_ignore_ascii_case(&host))
                    })
                    .map(|registry| registry.id);
                let roles = match (&found, principal) {
                    (Some(id), Some(principal)) => reads
                        .role_assignments_of(id, principal)
                        .await
                        .map(|assignments| role_guids(&assignments))
                        .map_err(|error| {
                            unreadable(&error, || {
                                format!(
                                    "Microsoft.Authorization/roleAssignments/read on {}",
                                    last_segment(id)
                                )
                            })
                        }),
                    _ => Ok(Vec::new()),
                };
                (Ok(found), roles)
            }
            Err(error) => (
                Err(unreadable(&error, || {
                    "Microsoft.ContainerRegistry/registries/read in the subscription".into()
                })),
                Ok(Vec::new()),
            ),
        }
    } else {
        (Ok(None), Ok(Vec::new()))
    }
}
