//! What an operation acts on, read from its target, so that the hosts phrase it ("Runtime rt-1
//! in workspace ml-workspace") from their catalogs without taking resource ids apart.

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::azure::WorkspaceRef;

/// The thing an operation changes, when it is one the hosts have words for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum OperationSubject {
    /// The workspace itself (e.g. a decommission).
    #[serde(rename_all = "camelCase")]
    Workspace { workspace_name: String },
    /// A runtime of the workspace.
    #[serde(rename_all = "camelCase")]
    Runtime {
        workspace_name: String,
        runtime_name: String,
    },
    /// A compute instance of the workspace.
    #[serde(rename_all = "camelCase")]
    ComputeInstance {
        workspace_name: String,
        instance_name: String,
    },
}

impl OperationSubject {
    /// Reads an operation's target: a workspace's ARM id, or a runtime's or compute instance's
    /// id under it. `None` for anything else (a role assignment, a runtime URL), which the hosts
    /// show as it is.
    pub fn of_target(target: &str) -> Option<Self> {
        let parts: Vec<&str> = target.trim_matches('/').split('/').collect();
        let (workspace, rest) = parts.split_at_checked(8)?;
        let workspace = WorkspaceRef::from_arm_id(&format!("/{}", workspace.join("/"))).ok()?;
        let workspace_name = workspace.name;
        match rest {
            [] => Some(OperationSubject::Workspace { workspace_name }),
            [collection, name] if collection.eq_ignore_ascii_case("flowruntimes") => {
                Some(OperationSubject::Runtime {
                    workspace_name,
                    runtime_name: (*name).to_owned(),
                })
            }
            [collection, name] if collection.eq_ignore_ascii_case("computes") => {
                Some(OperationSubject::ComputeInstance {
                    workspace_name,
                    instance_name: (*name).to_owned(),
                })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::RuntimeSummary;

    const WS: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/ml-workspace";

    #[test]
    fn reads_the_targets_operations_carry() {
        // A runtime's key (lower case), as create, update and delete carry it.
        assert_eq!(
            OperationSubject::of_target(&RuntimeSummary::key_of(WS, "rt-1")),
            Some(OperationSubject::Runtime {
                workspace_name: "ml-workspace".into(),
                runtime_name: "rt-1".into(),
            })
        );
        assert_eq!(
            OperationSubject::of_target(&format!("{WS}/computes/ci-alice")),
            Some(OperationSubject::ComputeInstance {
                workspace_name: "ml-workspace".into(),
                instance_name: "ci-alice".into(),
            })
        );
        assert_eq!(
            OperationSubject::of_target(WS),
            Some(OperationSubject::Workspace {
                workspace_name: "ml-workspace".into()
            })
        );
    }

    #[test]
    fn anything_else_has_no_subject() {
        for target in [
            "/subscriptions/s/resourceGroups/rg",
            // A role assignment, on the workspace or above it.
            &format!("{WS}/providers/Microsoft.Authorization/roleAssignments/a1"),
            "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/a1",
            "https://eastus.api.azureml.ms/flow/runtimes/rt-1",
            "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st/computes/x",
            &format!("{WS}/computes"),
            "",
        ] {
            assert_eq!(OperationSubject::of_target(target), None, "{target}");
        }
    }

    #[test]
    fn serialises_with_its_kind() {
        let json = serde_json::to_value(OperationSubject::Runtime {
            workspace_name: "ws".into(),
            runtime_name: "rt".into(),
        })
        .unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "runtime", "workspaceName": "ws", "runtimeName": "rt"})
        );
    }
}
