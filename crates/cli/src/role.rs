//! `pfrm role …`: who has which role on a workspace, granting AzureML Data Scientist (to you, a
//! colleague or an endpoint's identity) and removing an assignment — the same core operations as
//! the app's permissions screen.

use std::time::Duration;

use clap::{Args, Subcommand};
use pfrm_core::ops::permissions::{
    self, AssignmentPlace, GrantOutcome, GrantRequest, GrantSettings, GrantStatus, GrantTarget,
    GrantableRole, RevokeRequest, WorkspaceRoleAssignment,
};
use pfrm_core::{Error, ErrorCode};

use crate::context::{Context, WorkspaceOption};
use crate::to_json;

#[derive(Subcommand)]
pub enum RoleCommand {
    /// Role assignments that apply to a workspace.
    List {
        #[command(flatten)]
        workspace: WorkspaceOption,
        /// Only this person's assignments (email or user name).
        #[arg(long, conflicts_with = "me")]
        user: Option<String>,
        /// Only your own assignments.
        #[arg(long)]
        me: bool,
    },
    /// Whether you may grant roles on a workspace, and who can if you may not.
    Check {
        #[command(flatten)]
        workspace: WorkspaceOption,
    },
    /// The workspace's online endpoints and their managed identities.
    Endpoints {
        #[command(flatten)]
        workspace: WorkspaceOption,
    },
    /// Grant AzureML Data Scientist on a workspace (or, with --role, a storage role on its storage
    /// account or AcrPull on its registry), then wait until Azure applies it.
    Grant(GrantArgs),
    /// Remove a role assignment made on a workspace.
    Revoke {
        #[command(flatten)]
        workspace: WorkspaceOption,
        /// The assignment's name (a GUID, as `pfrm role list` shows it).
        #[arg(long)]
        assignment: String,
        /// The name of the person or endpoint that holds the role, typed to confirm.
        #[arg(long, value_name = "NAME")]
        confirm: String,
    },
}

#[derive(Args)]
#[group(id = "grantee", required = true, multiple = false)]
pub struct Grantee {
    /// A person, by email or user name.
    #[arg(long)]
    user: Option<String>,
    /// The system-assigned identity of an online endpoint of the workspace.
    #[arg(long)]
    endpoint: Option<String>,
    /// Yourself.
    #[arg(long)]
    me: bool,
    /// The workspace's own system-assigned managed identity.
    #[arg(long)]
    workspace_identity: bool,
}

#[derive(Args)]
pub struct GrantArgs {
    #[command(flatten)]
    workspace: WorkspaceOption,
    #[command(flatten)]
    grantee: Grantee,
    /// The role: AzureML Data Scientist on the workspace (the default), the storage roles on the
    /// workspace's storage account, or AcrPull on its container registry.
    #[arg(long, value_enum, default_value_t = RoleArg::DataScientist)]
    role: RoleArg,
    /// How long to wait for Azure to apply the new role, in seconds (0: do not wait).
    #[arg(long, value_name = "SECONDS", default_value_t = 600)]
    wait: u64,
}

/// `--role`, named as people type them.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum RoleArg {
    /// AzureML Data Scientist, on the workspace.
    #[value(name = "data-scientist")]
    DataScientist,
    /// Storage Blob Data Contributor, on the workspace's storage account.
    #[value(name = "storage-blob-data-contributor")]
    StorageBlobDataContributor,
    /// Storage File Data Privileged Contributor, on the workspace's storage account.
    #[value(name = "storage-file-data-privileged-contributor")]
    StorageFileDataPrivilegedContributor,
    /// AcrPull, on the workspace's container registry.
    #[value(name = "acr-pull")]
    AcrPull,
}

impl From<RoleArg> for GrantableRole {
    fn from(role: RoleArg) -> GrantableRole {
        match role {
            RoleArg::DataScientist => GrantableRole::DataScientist,
            RoleArg::StorageBlobDataContributor => GrantableRole::StorageBlobDataContributor,
            RoleArg::StorageFileDataPrivilegedContributor => {
                GrantableRole::StorageFileDataPrivilegedContributor
            }
            RoleArg::AcrPull => GrantableRole::AcrPull,
        }
    }
}

pub async fn run(context: &Context, command: RoleCommand) -> Result<(), Error> {
    let (services, json) = (&context.services, context.json);
    match command {
        RoleCommand::List {
            workspace,
            user,
            me,
        } => {
            let principal = if me {
                Some(services.me().await?.object_id)
            } else if let Some(user) = user {
                Some(permissions::find_user(services, &user).await?.object_id)
            } else {
                None
            };
            let workspace_id = context.workspace_id(&workspace).await?;
            let assignments = permissions::list_workspace_assignments(
                services,
                &workspace_id,
                principal.as_deref(),
            )
            .await?;
            if json {
                println!("{}", to_json(&assignments)?);
            } else {
                print_assignments(&assignments);
            }
        }
        RoleCommand::Check { workspace } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let ability = permissions::can_grant(services, &workspace_id).await?;
            if json {
                println!("{}", to_json(&ability)?);
            } else if ability.allowed {
                println!(
                    "You may grant roles on the workspace {}.",
                    ability.workspace_name
                );
            } else {
                println!(
                    "You may not grant roles on the workspace {}.",
                    ability.workspace_name
                );
                println!("{}", ability.who_can_grant);
                for admin in &ability.administrators {
                    println!(
                        "  {} {}",
                        admin.label(),
                        admin.user_principal_name.as_deref().unwrap_or_default()
                    );
                }
                println!("\nRequest to send them:\n\n{}", ability.request_text);
            }
        }
        RoleCommand::Endpoints { workspace } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let endpoints = permissions::list_endpoint_identities(services, &workspace_id).await?;
            if json {
                println!("{}", to_json(&endpoints)?);
            } else if endpoints.is_empty() {
                println!("The workspace has no online endpoints.");
            } else {
                for endpoint in endpoints {
                    match (&endpoint.principal_id, &endpoint.explanation) {
                        (Some(principal), _) => println!(
                            "{}  system-assigned identity {principal}",
                            endpoint.endpoint_name
                        ),
                        (None, Some(explanation)) => {
                            println!("{}  {explanation}", endpoint.endpoint_name)
                        }
                        (None, None) => println!("{}", endpoint.endpoint_name),
                    }
                }
            }
        }
        RoleCommand::Grant(args) => {
            let workspace_id = context.workspace_id(&args.workspace).await?;
            let target = match (
                args.grantee.user,
                args.grantee.endpoint,
                args.grantee.workspace_identity,
            ) {
                (Some(user), _, _) => GrantTarget::User { user },
                (_, Some(name), _) => GrantTarget::Endpoint { name },
                (_, _, true) => GrantTarget::WorkspaceIdentity,
                _ => GrantTarget::Me,
            };
            let settings = GrantSettings {
                propagation_timeout: Duration::from_secs(args.wait),
                ..GrantSettings::default()
            };
            let outcome = permissions::grant_data_scientist(
                services,
                GrantRequest {
                    workspace_id,
                    target,
                    role: Some(args.role.into()),
                },
                settings,
            )
            .await;
            // The result goes below the grant's last progress line, never onto a half-drawn one.
            crate::progress::settle();
            print_grant(&outcome?, json)?;
        }
        RoleCommand::Revoke {
            workspace,
            assignment,
            confirm,
        } => {
            let workspace_id = context.workspace_id(&workspace).await?;
            let outcome = permissions::revoke_assignment(
                services,
                RevokeRequest {
                    workspace_id,
                    assignment_name: assignment,
                    confirm,
                },
            )
            .await;
            crate::progress::settle();
            let outcome = outcome.map_err(|error| {
                // The core asks to "type" the name; on the command line that is a flag.
                match confirm_hint(&error) {
                    Some(label) if error.code == ErrorCode::InvalidInput => error
                        .clone()
                        .with_remedy(format!("Run the command again with --confirm '{label}'.")),
                    _ => error,
                }
            })?;
            if json {
                println!("{}", to_json(&outcome)?);
            } else {
                println!("{}", outcome.message);
            }
        }
    }
    Ok(())
}

fn confirm_hint(error: &Error) -> Option<String> {
    error
        .details
        .as_ref()?
        .get("confirmWith")?
        .as_str()
        .map(str::to_owned)
}

fn print_assignments(assignments: &[WorkspaceRoleAssignment]) {
    if assignments.is_empty() {
        println!("No role assignments apply to this workspace.");
        return;
    }
    for item in assignments {
        println!("{}", assignment_line(item));
    }
}

/// One assignment as people read it: the role and who holds it first, where it was made, then
/// the GUIDs (the assignment's, which `pfrm role revoke --assignment` takes, and the principal's
/// object id) for copying.
fn assignment_line(item: &WorkspaceRoleAssignment) -> String {
    let who = item.principal.label();
    let upn = item
        .principal
        .user_principal_name
        .as_deref()
        .filter(|upn| *upn != who)
        .map(|u| format!(" <{u}>"))
        .unwrap_or_default();
    let from = match &item.place {
        AssignmentPlace::StorageAccount { account_name } => {
            format!("  (on the storage account {account_name})")
        }
        AssignmentPlace::ContainerRegistry { registry_name } => {
            format!("  (on the container registry {registry_name})")
        }
        _ if item.inherited => format!(
            "  (inherited from {})",
            item.assignment
                .scope
                .as_deref()
                .map_or_else(|| "above".to_owned(), crate::plain::scope)
        ),
        _ => String::new(),
    };
    format!(
        "{}  {who}{upn}{from}  assignment {}  principal {}",
        item.role_name, item.assignment.name, item.principal.object_id
    )
}

fn print_grant(outcome: &GrantOutcome, json: bool) -> Result<(), Error> {
    if json {
        println!("{}", to_json(outcome)?);
        return Ok(());
    }
    println!("{}", outcome.message);
    if let (Some(assignment), GrantStatus::Granted | GrantStatus::AlreadyAssigned) =
        (&outcome.assignment, outcome.status)
    {
        println!("  assignment: {}", assignment.name);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfrm_core::diagnosis::RoleScope;
    use pfrm_core::model::RoleAssignment;
    use pfrm_core::ops::permissions::{PrincipalKind, PrincipalSummary};

    fn assignment(inherited: bool) -> WorkspaceRoleAssignment {
        assignment_at(inherited, RoleScope::Workspace)
    }

    fn assignment_at(inherited: bool, at: RoleScope) -> WorkspaceRoleAssignment {
        let scope = match at {
            RoleScope::Storage => "/subscriptions/s/resourceGroups/rg-ml/providers/Microsoft.Storage/storageAccounts/stml",
            _ => "/subscriptions/3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01/resourceGroups/rg-ml",
        };
        WorkspaceRoleAssignment {
            role: Some(pfrm_core::ops::permissions::GrantableRole::DataScientist),
            at,
            place: AssignmentPlace::of(at, inherited, Some(scope)),
            assignment: RoleAssignment {
                id: "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/7f1c0e2a-0000-4000-8000-00000000a55e".into(),
                name: "7f1c0e2a-0000-4000-8000-00000000a55e".into(),
                scope: Some(scope.into()),
                role_definition_id: "/providers/Microsoft.Authorization/roleDefinitions/f6c7c914-8db3-469d-8ca1-694a8f32e121".into(),
                role_name: Some("AzureML Data Scientist".into()),
                principal_id: "b0b0b0b0-0000-4000-8000-000000000b0b".into(),
                principal_type: Some("User".into()),
                created_on: None,
            },
            role_name: "AzureML Data Scientist".into(),
            principal: PrincipalSummary {
                object_id: "b0b0b0b0-0000-4000-8000-000000000b0b".into(),
                kind: PrincipalKind::User,
                display_name: Some("Bob".into()),
                user_principal_name: Some("bob@contoso.com".into()),
                mail: None,
                endpoint_name: None,
            },
            inherited,
            removable: !inherited,
        }
    }

    #[test]
    fn a_line_leads_with_the_role_and_who_holds_it_and_ends_with_the_guids() {
        assert_eq!(
            assignment_line(&assignment(false)),
            "AzureML Data Scientist  Bob <bob@contoso.com>  assignment 7f1c0e2a-0000-4000-8000-00000000a55e  principal b0b0b0b0-0000-4000-8000-000000000b0b"
        );
        let inherited = assignment_line(&assignment(true));
        assert!(
            inherited
                .starts_with("AzureML Data Scientist  Bob <bob@contoso.com>  (inherited from "),
            "{inherited}"
        );
        assert!(
            inherited.ends_with("  assignment 7f1c0e2a-0000-4000-8000-00000000a55e  principal b0b0b0b0-0000-4000-8000-000000000b0b"),
            "{inherited}"
        );
        let storage = assignment_at(false, RoleScope::Storage);
        let line = assignment_line(&storage);
        assert!(
            line.starts_with("AzureML Data Scientist  Bob <bob@contoso.com>  (on the storage account stml)  assignment "),
            "{line}"
        );
    }
}
