//! `pfrm operations …`: the operations in flight that the journal lists (left by a closed app or
//! an interrupted `pfrm` command), and resuming them until they end.

use clap::Subcommand;
use pfrm_core::auth::AccountManager;
use pfrm_core::connection::Session;
use pfrm_core::ops::resume::resume_operations;
use pfrm_core::ops::JournalEntry;
use pfrm_core::{Error, ErrorCode};

use crate::context::Context;
use crate::output::{or_dash, print_json, Table};

#[derive(Subcommand)]
pub enum OperationsCommand {
    /// Operations in flight in the journal, of every account (no sign-in needed).
    List,
    /// Watch the active account's operations in flight again until each ends (create, update,
    /// delete, start); role changes and entries older than a day end with what to check.
    Resume {
        /// Only this operation (its id from `pfrm operations list`).
        id: Option<String>,
    },
}

/// `pfrm operations list`: reads the journal only.
pub fn list(session: &Session, manager: &AccountManager, json: bool) -> Result<(), Error> {
    let journal = session.operations().journal();
    crate::services::warn_about_journal(session);
    let entries: Vec<JournalEntry> = match journal {
        Some(journal) => journal.entries()?,
        None => Vec::new(),
    };
    if json {
        return print_json(&entries);
    }
    if entries.is_empty() {
        println!("No operations in progress.");
        return Ok(());
    }
    let active = manager.active_account_id();
    let mut table = Table::new(&["ID", "STARTED", "CLOUD", "ACCOUNT", "OPERATION"]);
    for entry in &entries {
        let account = match (&entry.account, &active) {
            (Some(account), Some(active)) if account == active => format!("{account} (active)"),
            (account, _) => or_dash(account.as_deref()),
        };
        table.row(vec![
            entry.id.clone(),
            entry.started_at.clone(),
            or_dash(entry.cloud.as_deref().map(crate::plain::cloud).as_deref()),
            account,
            entry.title.clone(),
        ]);
    }
    table.print();
    println!("Resume the active account's with `pfrm operations resume`.");
    Ok(())
}

/// `pfrm operations resume [ID]`: exit 0 when every resumed operation succeeded, else the exit
/// code of the first failure's error.
pub async fn resume(context: &Context, id: Option<String>) -> Result<u8, Error> {
    let mut pending = context.services.operations.pending()?;
    if let Some(id) = &id {
        pending.retain(|entry| &entry.id == id);
        if pending.is_empty() {
            return Err(Error::new(
                ErrorCode::NotFound,
                format!("No operation {id} of the active account is in progress."),
            )
            .with_remedy(
                "`pfrm operations list` shows the operations in progress and whose they are.",
            ));
        }
    }
    if pending.is_empty() {
        if context.json {
            print_json(&Vec::<()>::new())?;
        } else {
            println!("No operations of the active account are in progress.");
        }
        return Ok(0);
    }
    let resumed = resume_operations(&context.services, pending, context.watch).await;
    crate::progress::settle();
    if context.json {
        print_json(&resumed)?;
    } else {
        for operation in &resumed {
            match (&operation.outcome, &operation.error) {
                (Some(outcome), _) => println!("{}: {outcome}", operation.title),
                (None, Some(error)) => {
                    println!("{}: did not finish: {}", operation.title, error.message);
                    if let Some(remedy) = &error.remedy {
                        println!("  {remedy}");
                    }
                }
                (None, None) => println!("{}: ended.", operation.title),
            }
        }
    }
    let code = resumed
        .iter()
        .find_map(|operation| operation.error.as_ref())
        .map_or(0, |error| u8::try_from(error.code.exit_code()).unwrap_or(1));
    Ok(code)
}
