//! `pfrm diagnose`: the diagnostics bundle, from a terminal, so it can be made when the app does
//! not start. It lists the files it holds, then writes the zip. The bundle is gathered by the
//! core (`diagnosis::gather`), as the desktop app's is.

use std::path::PathBuf;

use clap::Args;
use pfrm_core::diagnosis::bundle;
use pfrm_core::diagnosis::gather::{self, HostFacts, Subjects};
use pfrm_core::ops::journal::default_journal_path;
use pfrm_core::Error;
use serde_json::json;

use crate::context::{Context, WorkspaceOption};

#[derive(Args)]
pub struct DiagnoseArgs {
    /// Where to write the zip (default: pfrm-diagnostics-ID.zip in the current folder).
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// The folder of the app's log files to include (default: the folder the desktop app writes
    /// its logs to).
    #[arg(long, value_name = "DIR")]
    log_dir: Option<PathBuf>,
    /// How many of the newest log files to include.
    #[arg(long, default_value_t = bundle::DEFAULT_MAX_LOGS)]
    logs: usize,
    /// Include this workspace's preflight report.
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// Include this failing runtime's details (needs the workspace).
    #[arg(long, value_name = "NAME")]
    runtime: Option<String>,
    /// How many of the journal's last operations to include.
    #[arg(long, default_value_t = bundle::DEFAULT_MAX_OPERATIONS)]
    operations: usize,
}

pub async fn run(
    args: DiagnoseArgs,
    cloud: &str,
    context: Result<Context, Error>,
    json_output: bool,
) -> Result<(), Error> {
    // The preflight report and a runtime go in only when a workspace or a runtime was asked for.
    let workspace = match (&context, &args.workspace.workspace, &args.runtime) {
        (_, None, None) => None,
        (Err(error), _, _) => Some(Err(error.clone())),
        (Ok(context), _, _) => Some(context.workspace_id(&args.workspace).await),
    };
    let host = HostFacts {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        // The command line shows no web page: there is no WebView to report.
        webview: Some(bundle::NO_WEBVIEW.to_owned()),
        cloud: cloud.to_owned(),
        log_dir: args.log_dir.clone().or_else(bundle::default_log_dir),
        max_logs: args.logs,
    };
    let subjects = Subjects {
        workspace,
        runtime: args.runtime.clone(),
        journal: default_journal_path(),
        max_operations: args.operations,
    };
    let services = context.as_ref().map(|context| &context.services);
    let bundle = gather::build(host, services, subjects).await;
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(bundle.file_name()));
    let out = bundle::chosen_path(&out, std::env::current_dir().ok().as_deref())?;
    if !json_output {
        println!("Diagnostics bundle {} (redacted: no tokens, keys, connection secrets or email addresses):", bundle.id);
        for file in bundle.summary(None).files {
            let mut redacted = Vec::new();
            let count =
                |n: u32, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
            if file.secrets_redacted > 0 {
                redacted.push(count(file.secrets_redacted, "secret", "secrets"));
            }
            if file.emails_redacted > 0 {
                redacted.push(count(
                    file.emails_redacted,
                    "email address",
                    "email addresses",
                ));
            }
            let redacted = if redacted.is_empty() {
                String::new()
            } else {
                format!("; redacted: {}", redacted.join(", "))
            };
            println!("  {} ({} bytes{redacted})", file.name, file.bytes);
        }
    }
    bundle::write_zip(&bundle, &out)?;
    if json_output {
        println!(
            "{}",
            json!({ "id": bundle.id, "path": out, "files": bundle.file_names() })
        );
    } else {
        println!("Written to {}", out.display());
    }
    Ok(())
}
