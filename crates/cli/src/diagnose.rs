//! `pfrm diagnose`: the diagnostics bundle, from a terminal, so it can be made when the app does
//! not start. It lists the files it holds, then writes the zip. Whatever cannot be read (no
//! sign-in, a workspace out of reach) is recorded in the bundle as an error instead of stopping it.

use std::path::PathBuf;

use clap::Args;
use pfrm_core::diagnosis::bundle::{self, BundleFacts};
use pfrm_core::ops::journal::{default_journal_path, Journal};
use pfrm_core::Error;
use serde_json::{json, Value};

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
    #[arg(long, default_value_t = 5)]
    logs: usize,
    /// Include this workspace's preflight report.
    #[command(flatten)]
    workspace: WorkspaceOption,
    /// Include this failing runtime's details (needs the workspace).
    #[arg(long, value_name = "NAME")]
    runtime: Option<String>,
    /// How many of the journal's last operations to include.
    #[arg(long, default_value_t = 20)]
    operations: usize,
}

fn as_error_value(error: &Error) -> Value {
    json!({ "couldNotRead": error })
}

pub async fn run(
    args: DiagnoseArgs,
    cloud: &str,
    context: Result<Context, Error>,
    json_output: bool,
) -> Result<(), Error> {
    let (preflight, runtime) = match (&context, &args.workspace.workspace, &args.runtime) {
        (_, None, None) => (None, None),
        (Err(error), _, runtime) => (
            Some(as_error_value(error)),
            runtime.as_ref().map(|_| as_error_value(error)),
        ),
        (Ok(context), _, runtime) => match context.workspace_id(&args.workspace).await {
            Err(error) => (
                Some(as_error_value(&error)),
                runtime.as_ref().map(|_| as_error_value(&error)),
            ),
            Ok(id) => {
                let preflight =
                    match pfrm_core::ops::workspaces::check_workspace(&context.services, &id).await
                    {
                        Ok(check) => serde_json::to_value(check).unwrap_or_default(),
                        Err(error) => as_error_value(&error),
                    };
                let runtime = match runtime {
                    None => None,
                    Some(name) => Some(
                        match pfrm_core::ops::runtimes::runtime_details(
                            &context.services,
                            &id,
                            name,
                        )
                        .await
                        {
                            Ok(details) => serde_json::to_value(details).unwrap_or_default(),
                            Err(error) => as_error_value(&error),
                        },
                    ),
                };
                (Some(preflight), runtime)
            }
        },
    };
    let operations: Vec<Value> = default_journal_path()
        .map(|path| Journal::open(path).journal)
        .and_then(|journal| journal.entries().ok())
        .map(|entries| {
            let skip = entries.len().saturating_sub(args.operations);
            entries
                .into_iter()
                .skip(skip)
                .filter_map(|entry| serde_json::to_value(entry).ok())
                .collect()
        })
        .unwrap_or_default();
    let facts = BundleFacts {
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        os: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        // The command line shows no web page: there is no WebView to report.
        webview: Some(bundle::NO_WEBVIEW.to_owned()),
        cloud: cloud.to_owned(),
        log_dir: args.log_dir.clone().or_else(bundle::default_log_dir),
        max_logs: args.logs,
        preflight,
        runtime,
        operations,
    };
    let bundle = bundle::collect(&facts);
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("pfrm-diagnostics-{}.zip", &bundle.id[..8])));
    if !json_output {
        println!("Diagnostics bundle {} (redacted: no tokens, keys, connection secrets or email addresses):", bundle.id);
        for name in bundle.file_names() {
            println!("  {name}");
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
