//! `pfrm`: the command line over `pfrm-core`. It parses arguments, calls core, prints the result
//! (plain text or `--json`) and exits with the error's code (`ErrorCode::exit_code`).

mod account;
mod compute;
mod context;
mod decommission;
mod diagnose;
mod diagnosis;
mod inventory;
mod migrate;
mod operations;
mod output;
mod plain;
mod progress;
mod role;
mod runtime;
mod services;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use pfrm_core::log_filter::{log_filter, LogHost, LOG_ENV};
use pfrm_core::migration::retirement::{Clock, RetirementStatus};
use pfrm_core::Error;

#[derive(Parser)]
#[command(
    name = "pfrm",
    version,
    about = "Set up and update Azure ML prompt flow runtimes",
    after_help = EXIT_CODES_HELP
)]
struct Cli {
    /// Azure cloud to use (remembered after a successful sign-in).
    #[arg(long, global = true, value_enum, env = "PFRM_CLOUD")]
    cloud: Option<CloudChoice>,
    /// Custom cloud description (JSON: authorityHost, armEndpoint, caCertPath, ...); the local
    /// emulator's ready file is accepted. Implies `--cloud custom`.
    #[arg(long, global = true, value_name = "FILE", env = "PFRM_CLOUD_CONFIG")]
    cloud_config: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

/// Exit codes, from `ErrorCode::exit_code` (kept in step with crates/cli/README.md).
const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success
  2    invalid input: a bad option or name, a workspace that cannot be parsed, a confirmation missing or wrong
  3    sign-in required: run `pfrm login`
  4    permission denied
  5    not found: no such workspace, runtime or compute instance
  6    conflict with the current state: a prerequisite not met, an instance not running, a name taken
  7    network problem, throttling or service unavailable: retrying later may work
  8    the service refused or failed the request (its message says why)
  9    timed out
  10   configuration or keychain problem
  11   `pfrm preflight` only: a blocker fails or could not be checked, so a runtime cannot be created yet
  12   a server's certificate is not trusted (unknown issuer, expired, wrong name): not retried; a proxy that inspects HTTPS needs its CA trusted
  13   sign-in declined: the request was turned down on the sign-in or device code page
  14   sign-in rejected: pfrm refused the sign-in service's answer (a forged or foreign identity token); nothing was saved
  20   `pfrm runtime check` and `update` only: an update is available, or runtimes on custom environments still need rebuilding
  21   `pfrm runtime update --all-outdated` only: some updates failed (the summary says which and why)
  70   internal error in pfrm
  130  cancelled (Ctrl+C)
With --json, results go to stdout as JSON and errors to stderr as {\"error\": {code, message, remedy}}.";

#[derive(Clone, Copy, ValueEnum)]
enum CloudChoice {
    Public,
    China,
    Usgov,
    Custom,
}

impl CloudChoice {
    fn as_str(self) -> &'static str {
        match self {
            CloudChoice::Public => "public",
            CloudChoice::China => "china",
            CloudChoice::Usgov => "usgov",
            CloudChoice::Custom => "custom",
        }
    }
}

#[derive(Subcommand)]
enum Command {
    /// Sign in (browser by default).
    Login(account::LoginArgs),
    /// Sign out: removes the account's saved sign-in from the keychain.
    Logout(account::LogoutArgs),
    /// Signed-in accounts.
    Account {
        #[command(subcommand)]
        command: account::AccountCommand,
    },
    /// Role assignments on a workspace: list, grant AzureML Data Scientist, revoke.
    Role {
        #[command(subcommand)]
        command: role::RoleCommand,
    },
    /// Your AzureML workspaces.
    Workspace {
        #[command(subcommand)]
        command: workspace::WorkspaceCommand,
    },
    /// Check a workspace and your compute instances against what runtimes need
    /// (exit code 11 when a blocker fails or could not be checked).
    Preflight(workspace::PreflightArgs),
    /// Your compute instances: list, start.
    Compute {
        #[command(subcommand)]
        command: compute::ComputeCommand,
    },
    /// Prompt flow runtimes: list, show, create, delete, check for updates, update.
    Runtime {
        #[command(subcommand)]
        command: runtime::RuntimeCommand,
    },
    /// What prompt flow is left in your workspaces (runtimes, flows, sessions, endpoints,
    /// connections) and what costs money now, as Markdown, CSV or JSON.
    Inventory(inventory::InventoryArgs),
    /// Write a redacted diagnostics bundle (a zip: versions, cloud, logs, preflight, a runtime's
    /// details, the last operations) to share with whoever helps you; works without the app.
    Diagnose(diagnose::DiagnoseArgs),
    /// Move a prompt flow to Microsoft Agent Framework: audit its mapping, generate a skeleton.
    Migrate {
        #[command(subcommand)]
        command: migrate::MigrateCommand,
    },
    /// Once flows have moved: what prompt flow left that can go (plan), and its removal (apply).
    Decommission {
        #[command(subcommand)]
        command: decommission::DecommissionCommand,
    },
    /// Operations in flight left by a closed app or an interrupted command: list, resume.
    Operations {
        #[command(subcommand)]
        command: operations::OperationsCommand,
    },
}

fn main() -> ExitCode {
    // The help opens with the retirement notice, counted from today (`PFRM_TODAY` sets it).
    let retirement = RetirementStatus::on(Clock::from_env_or(None).today());
    let matches = Cli::command()
        .before_help(retirement.notice())
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(error) => error.exit(),
    };
    // The app's filter too: protocol libraries capped at `warn`, no library lines by default.
    let filter = log_filter(LogHost::Cli, std::env::var(LOG_ENV).ok().as_deref());
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| {
                tracing_subscriber::EnvFilter::new(log_filter(LogHost::Cli, None))
            }),
        )
        .with_ansi(false)
        // Whatever reaches a log line, a token never leaves the process.
        .with_writer(|| pfrm_core::redact::Redacting(std::io::stderr()))
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("error: could not start: {error}");
            return ExitCode::from(70);
        }
    };
    let json = cli.json;
    match runtime.block_on(run(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            progress::settle();
            report_error(&error, json);
            ExitCode::from(u8::try_from(error.code.exit_code()).unwrap_or(1))
        }
    }
}

fn report_error(error: &Error, json: bool) {
    let diagnosis = pfrm_core::diagnosis::of_error(error);
    if json {
        // The diagnosis is in the error's details; it is repeated beside the error so scripts
        // find it under `diagnosis` as in `pfrm runtime show --json`.
        let mut value = serde_json::json!({ "error": error });
        if let Some(diagnosis) = &diagnosis {
            value["diagnosis"] = serde_json::to_value(diagnosis).unwrap_or_default();
        }
        let text = serde_json::to_string(&value).unwrap_or_else(|_| error.message.clone());
        eprintln!("{text}");
    } else {
        eprintln!("error: {}", error.message);
        match &diagnosis {
            // The remedy is the diagnosis's own: print it once, with the cause and the action.
            Some(diagnosis) => {
                for line in diagnosis::lines(diagnosis, "  ") {
                    eprintln!("{line}");
                }
            }
            None => {
                if let Some(remedy) = &error.remedy {
                    eprintln!("  {remedy}");
                }
            }
        }
    }
}

/// Runs the command; returns the exit code of a command that finished (0, or a command's own
/// non-error outcome such as a blocked preflight).
async fn run(cli: Cli) -> Result<u8, Error> {
    // Migration reads local files only: no cloud, settings or sign-in involved.
    let cli = match cli.command {
        Command::Migrate { command } if command.is_local() => {
            migrate::run(command, cli.json)?;
            return Ok(0);
        }
        command => Cli { command, ..cli },
    };
    let session = std::sync::Arc::new(services::session(
        cli.cloud.map(CloudChoice::as_str),
        cli.cloud_config.clone(),
    )?);
    let loaded = session.load_settings();
    if let Some(warning) = &loaded.warning {
        eprintln!("warning: {warning}");
    }
    let manager = session.accounts().await?;
    let json = cli.json;
    // Commands that act on a workspace share one context (services, --json, the remembered
    // workspace), built after sign-in state is known.
    let context = || async {
        Ok::<_, Error>(context::Context::new(
            services::connect(&session).await?,
            json,
            session.clone(),
        ))
    };
    match cli.command {
        Command::Diagnose(args) => {
            let cloud = manager.cloud().name.clone();
            diagnose::run(args, &cloud, context().await, json).await?;
        }
        Command::Login(args) => account::login(&session, args, json).await?,
        Command::Logout(args) => account::logout(&session, args, json).await?,
        Command::Account { command } => account::run(&session, command, json).await?,
        Command::Role { command } => {
            let context = context().await?;
            role::run(&context, command).await?;
            context.remember_workspace();
        }
        Command::Workspace { command } => {
            workspace::run(&context().await?, command).await?;
        }
        Command::Preflight(args) => {
            let context = context().await?;
            print_retirement_notice(&context);
            let code = workspace::preflight(&context, args).await?;
            context.remember_workspace();
            return Ok(code);
        }
        Command::Compute { command } => {
            let context = context().await?;
            compute::run(&context, command).await?;
            context.remember_workspace();
        }
        Command::Runtime { command } => {
            let context = context().await?;
            print_retirement_notice(&context);
            runtime::run(&context, command).await?;
            context.remember_workspace();
        }
        Command::Inventory(args) => {
            let context = context().await?;
            print_retirement_notice(&context);
            let code = inventory::run(&context, args).await?;
            if code != 0 {
                use std::io::Write;
                std::io::stdout().flush().ok();
                std::process::exit(code);
            }
        }
        // A flow in the workspace: read through the flow service, then as a local folder.
        Command::Migrate { command } => {
            let context = context().await?;
            migrate::run_from_workspace(&context, command).await?;
            context.remember_workspace();
        }
        Command::Decommission { command } => {
            let context = context().await?;
            print_retirement_notice(&context);
            let code = decommission::run(&context, command).await?;
            if code != 0 {
                use std::io::Write;
                std::io::stdout().flush().ok();
                std::process::exit(code);
            }
        }
        Command::Operations { command } => match command {
            operations::OperationsCommand::List => operations::list(&session, &manager, json)?,
            operations::OperationsCommand::Resume { id } => {
                return operations::resume(&context().await?, id).await;
            }
        },
    }
    Ok(0)
}

/// Commands about runtimes open with the retirement notice on stderr (never in `--json` output,
/// which scripts parse).
fn print_retirement_notice(context: &context::Context) {
    if !context.json {
        let status = RetirementStatus::on(context.services.clock().today());
        eprintln!("notice: {}", status.notice());
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, Error> {
    serde_json::to_string_pretty(value).map_err(|e| Error::internal(e.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pfrm_core::ErrorCode;

    #[test]
    fn help_documents_every_exit_code() {
        let codes = [
            ErrorCode::InvalidInput,
            ErrorCode::NotFound,
            ErrorCode::Conflict,
            ErrorCode::PermissionDenied,
            ErrorCode::SignInRequired,
            ErrorCode::Network,
            ErrorCode::Certificate,
            ErrorCode::Throttled,
            ErrorCode::ServiceUnavailable,
            ErrorCode::Service,
            ErrorCode::Cancelled,
            ErrorCode::SignInDeclined,
            ErrorCode::SignInRejected,
            ErrorCode::Timeout,
            ErrorCode::Config,
            ErrorCode::Keychain,
            ErrorCode::Internal,
        ];
        let documented = |code: i32| {
            EXIT_CODES_HELP
                .lines()
                .any(|line| line.trim_start().starts_with(&format!("{code} ")))
        };
        for code in codes {
            assert!(documented(code.exit_code()), "{code} is not in the help");
        }
        assert!(documented(i32::from(workspace::PREFLIGHT_BLOCKED_EXIT)));
        assert!(documented(runtime::updates::EXIT_UPDATES_AVAILABLE));
        assert!(documented(runtime::updates::EXIT_SOME_UPDATES_FAILED));
        let readme = include_str!("../README.md");
        for line in EXIT_CODES_HELP.lines().filter(|l| l.starts_with("  ")) {
            let code = line.split_whitespace().next().unwrap();
            assert!(
                readme.contains(&format!("| {code} |")),
                "exit code {code} is not in crates/cli/README.md"
            );
        }
    }
}
