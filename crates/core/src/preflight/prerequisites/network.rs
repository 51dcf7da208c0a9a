//! The managed virtual network: provisioned, private endpoints approved, and the outbound rules
//! a runtime needs to reach the workspace's storage and registry.

use super::MANAGED_NETWORK_GUIDE;
use crate::azure::prerequisites::last_segment;
use crate::preflight::{
    evidence, CheckId, CheckResult, CheckStatus, Severity, NETWORK_ISOLATION_GUIDE,
};

/// The managed network as the workspace reports it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NetworkFacts {
    /// `Disabled`, `AllowInternetOutbound`, `AllowOnlyApprovedOutbound`.
    pub isolation_mode: String,
    /// `Active`, `Inactive`, or `None` when the workspace does not say.
    pub status: Option<String>,
    pub outbound_rules: Vec<OutboundRuleFacts>,
    /// Private endpoint connections to the workspace, by name, with their approval status.
    pub private_endpoints: Vec<(String, String)>,
    pub public_network_disabled: bool,
    /// The workspace's storage account and registry ARM ids (the runtime must reach both).
    pub storage_account: Option<String>,
    pub container_registry: Option<String>,
    /// The workspace and its resource group, so a remedy's command can be run as written.
    pub workspace: String,
    pub resource_group: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OutboundRuleFacts {
    pub name: String,
    /// `FQDN`, `PrivateEndpoint`, `ServiceTag`.
    pub rule_type: String,
    /// `Required`, `Recommended`, `UserDefined`, `Dependency`.
    pub category: String,
    /// `Active`, `Inactive`.
    pub status: String,
    /// For a private endpoint rule: the resource it reaches and the sub-resource (`blob`, ...).
    pub service_resource_id: Option<String>,
    pub subresource_target: Option<String>,
}

impl NetworkFacts {
    fn managed(&self) -> bool {
        !self.isolation_mode.is_empty() && !self.isolation_mode.eq_ignore_ascii_case("Disabled")
    }

    /// `-g GROUP` and the workspace argument of an `az ml workspace` command, with the real
    /// names where they are known (a placeholder only where they are not).
    fn az_names(&self, workspace_flag: &str) -> String {
        let or = |value: &str, placeholder: &str| {
            if value.is_empty() {
                placeholder.to_owned()
            } else {
                value.to_owned()
            }
        };
        format!(
            "-g {} {workspace_flag} {}",
            or(&self.resource_group, "<resource group>"),
            or(&self.workspace, "<workspace>")
        )
    }
}

/// Managed network checks: provisioned, private endpoints approved, the outbound rules a
/// runtime needs.
pub fn network_checks(facts: &NetworkFacts) -> Vec<CheckResult> {
    vec![
        provisioned_check(facts),
        private_endpoint_check(facts),
        outbound_rules_check(facts),
    ]
}

/// A managed-network check on a workspace that uses no managed network: nothing to check.
fn without_managed_network(id: CheckId, title: &str) -> CheckResult {
    CheckResult::new(id, Severity::Info, CheckStatus::Passed, title).evidence(evidence(
        "Managed network",
        "not used (isolation mode Disabled)",
    ))
}

fn provisioned_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str = "The workspace's managed network is provisioned";
    if !facts.managed() {
        return without_managed_network(CheckId::ManagedNetworkProvisioned, TITLE);
    }
    let active = facts
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("Active"));
    let result = CheckResult::new(
        CheckId::ManagedNetworkProvisioned,
        Severity::Blocker,
        CheckStatus::passed_if(active),
        TITLE,
    )
    .evidence(evidence("Isolation mode", facts.isolation_mode.clone()))
    .evidence(evidence(
        "Status",
        facts
            .status
            .clone()
            .unwrap_or_else(|| "not provisioned".into()),
    ));
    if active {
        result
    } else {
        result
            .remedy(format!("The managed network is set up but not provisioned, so a compute instance cannot reach the workspace's storage and registry. Provision it (Azure CLI: az ml workspace provision-network {}; it takes several minutes), then create the instance and the runtime.", facts.az_names("-n")))
            .link(MANAGED_NETWORK_GUIDE)
    }
}

fn private_endpoint_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str = "No private endpoint of the workspace waits for approval";
    let pending: Vec<&str> = facts
        .private_endpoints
        .iter()
        .filter(|(_, status)| status.eq_ignore_ascii_case("Pending"))
        .map(|(name, _)| name.as_str())
        .collect();
    // With public access off, the private endpoints are the only way in: a pending one blocks.
    let severity = if facts.public_network_disabled {
        Severity::Blocker
    } else {
        Severity::Warning
    };
    let result = CheckResult::new(
        CheckId::PrivateEndpointsApproved,
        if pending.is_empty() {
            Severity::Info
        } else {
            severity
        },
        CheckStatus::passed_if(pending.is_empty()),
        TITLE,
    )
    .evidence(evidence(
        "Private endpoint connections",
        if facts.private_endpoints.is_empty() {
            "none".into()
        } else {
            facts
                .private_endpoints
                .iter()
                .map(|(name, status)| format!("{name} ({status})"))
                .collect::<Vec<_>>()
                .join(", ")
        },
    ));
    if pending.is_empty() {
        result
    } else {
        result
            .remedy(format!(
                "{} waits for approval: until it is approved, nothing reaches the workspace through it. An Owner of the workspace approves it in the Azure portal (the workspace → Networking → Private endpoint connections → Approve).",
                pending.join(", ")
            ))
            .link(NETWORK_ISOLATION_GUIDE)
    }
}

fn outbound_rules_check(facts: &NetworkFacts) -> CheckResult {
    const TITLE: &str =
        "The managed network lets the runtime reach the workspace's storage and registry";
    if !facts.managed() {
        return without_managed_network(CheckId::OutboundRulesForRuntime, TITLE);
    }
    let mut problems = Vec::new();
    // One command a missing rule, with the real resource, target and names.
    let mut commands = Vec::new();
    // Rules the service requires must be active once the network is provisioned.
    let provisioned = facts
        .status
        .as_deref()
        .is_some_and(|status| status.eq_ignore_ascii_case("Active"));
    if provisioned {
        for rule in &facts.outbound_rules {
            if !rule.status.eq_ignore_ascii_case("Active")
                && (rule.category.eq_ignore_ascii_case("Required")
                    || rule.rule_type.eq_ignore_ascii_case("PrivateEndpoint"))
            {
                problems.push(format!("{} is {}", rule.name, rule.status));
            }
        }
    }
    // With only approved outbound, the runtime reaches its storage (blob for the run's data,
    // file for the flow) and its registry (the image) only through private endpoint rules.
    if facts
        .isolation_mode
        .eq_ignore_ascii_case("AllowOnlyApprovedOutbound")
    {
        let mut needed: Vec<(String, &str)> = Vec::new();
        if let Some(storage) = &facts.storage_account {
            needed.push((storage.clone(), "blob"));
            needed.push((storage.clone(), "file"));
        }
        if let Some(registry) = &facts.container_registry {
            needed.push((registry.clone(), "registry"));
        }
        for (resource, target) in needed {
            let covered = facts.outbound_rules.iter().any(|rule| {
                rule.rule_type.eq_ignore_ascii_case("PrivateEndpoint")
                    && rule
                        .service_resource_id
                        .as_deref()
                        .is_some_and(|id| id.eq_ignore_ascii_case(&resource))
                    && rule
                        .subresource_target
                        .as_deref()
                        .is_some_and(|sub| sub.eq_ignore_ascii_case(target))
            });
            if !covered {
                problems.push(format!(
                    "no private endpoint rule to {} ({target})",
                    last_segment(&resource)
                ));
                commands.push(format!(
                    "az ml workspace outbound-rule set --type private_endpoint --service-resource-id {resource} --subresource-target {target} {} --rule {}-{target}",
                    facts.az_names("--workspace-name"),
                    last_segment(&resource).to_ascii_lowercase()
                ));
            }
        }
    }
    let result = CheckResult::new(
        CheckId::OutboundRulesForRuntime,
        Severity::Blocker,
        CheckStatus::passed_if(problems.is_empty()),
        TITLE,
    )
    .evidence(evidence("Isolation mode", facts.isolation_mode.clone()))
    .evidence(evidence(
        "Outbound rules",
        facts.outbound_rules.len().to_string(),
    ));
    if problems.is_empty() {
        result
    } else {
        result
            .evidence(evidence("Missing or inactive", problems.join("; ")))
            .remedy(if commands.is_empty() {
                format!("Activate the inactive outbound rules: approve any that wait for approval, then provision the network again (Azure CLI: az ml workspace provision-network {}).", facts.az_names("-n"))
            } else {
                format!("Add the missing outbound rules as private endpoint rules (Azure CLI: {}), approve any that wait for approval, and provision the network again.", commands.join("; "))
            })
            .link(MANAGED_NETWORK_GUIDE)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn a_pending_private_endpoint_blocks_only_when_it_is_the_only_way_in() {
        let mut facts = NetworkFacts {
            isolation_mode: "Disabled".into(),
            private_endpoints: vec![("pe-1".into(), "Pending".into())],
            ..NetworkFacts::default()
        };
        let open = private_endpoint_check(&facts);
        assert_eq!(
            (open.status, open.severity),
            (CheckStatus::Failed, Severity::Warning)
        );
        facts.public_network_disabled = true;
        assert!(private_endpoint_check(&facts).blocks());
    }

    #[test]
    fn remedies_name_the_workspace_its_group_and_each_missing_rule() {
        let storage = "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml";
        let facts = NetworkFacts {
            isolation_mode: "AllowOnlyApprovedOutbound".into(),
            status: None,
            storage_account: Some(storage.into()),
            workspace: "ws-isolated".into(),
            resource_group: "rg-ml".into(),
            ..NetworkFacts::default()
        };
        let provision = provisioned_check(&facts).remedy.unwrap();
        assert!(
            provision.contains("az ml workspace provision-network -g rg-ml -n ws-isolated"),
            "{provision}"
        );
        assert!(!provision.contains('<'), "{provision}");
        let rules = outbound_rules_check(&facts).remedy.unwrap();
        for target in ["blob", "file"] {
            assert!(
                rules.contains(&format!(
                    "--service-resource-id {storage} --subresource-target {target} -g rg-ml --workspace-name ws-isolated --rule stml-{target}"
                )),
                "{rules}"
            );
        }
        assert!(!rules.contains('<'), "{rules}");
    }
}
