//! `pfrm login`, `pfrm logout` and `pfrm account …`: each calls the core's [`Session`] (the one
//! the desktop app signs in through), so what follows a sign-in, a sign-out or a switch (the
//! saved account, the remembered cloud, the connection) is the same in both; this module only
//! parses, prints and says how to cancel.

use clap::{Args, Subcommand};
use pfrm_core::auth::{AccountSummary, DeviceCodePrompt, SignInMethod};
use pfrm_core::connection::{Session, SignIn};
use pfrm_core::services::SessionStatus;
use pfrm_core::{Error, ErrorCode};

use crate::output::print_json;

#[derive(Args)]
#[group(multiple = false)]
pub struct MethodArgs {
    /// Sign in in the web browser (default).
    #[arg(long)]
    browser: bool,
    /// Sign in with a code entered on another device.
    #[arg(long)]
    device_code: bool,
    /// Reuse the Azure CLI's sign-in (`az login`).
    #[arg(long)]
    azure_cli: bool,
}

#[derive(Args)]
pub struct LoginArgs {
    #[command(flatten)]
    method: MethodArgs,
    /// Tenant id or domain (default: your organisation's home tenant).
    #[arg(long)]
    tenant: Option<String>,
}

#[derive(Args)]
pub struct LogoutArgs {
    /// Account id (default: the active account).
    #[arg(long)]
    account: Option<String>,
    /// Sign out every account of this cloud.
    #[arg(long, conflicts_with = "account")]
    all: bool,
}

#[derive(Subcommand)]
pub enum AccountCommand {
    /// List the signed-in accounts.
    List,
    /// Show one account (default: the active one).
    Show { id: Option<String> },
    /// Make an account the active one.
    Switch { id: String },
    /// List the tenants of an account (default: the active one).
    Tenants { id: Option<String> },
    /// Use another tenant for an account (default: the active one).
    SetTenant {
        tenant: String,
        #[arg(long)]
        account: Option<String>,
    },
}

/// `pfrm login`: Ctrl+C cancels the sign-in in progress (it ends with `cancelled`, exit 130).
pub async fn login(session: &Session, args: LoginArgs, json: bool) -> Result<(), Error> {
    let show = move |prompt: DeviceCodePrompt| show_device_code(&prompt, json);
    let how = if args.method.azure_cli {
        SignIn::AzureCli
    } else if args.method.device_code {
        SignIn::DeviceCode(&show)
    } else {
        eprintln!("Opening your browser to sign in… (press Ctrl+C to cancel)");
        SignIn::Browser
    };
    let sign_in = session.sign_in(how, args.tenant.as_deref());
    tokio::pin!(sign_in);
    let status = tokio::select! {
        status = &mut sign_in => status?,
        _ = tokio::signal::ctrl_c() => {
            session.cancel_sign_in().await;
            sign_in.await?
        }
    };
    crate::services::warn_about_journal(session);
    let sign_in = status.sign_in.as_ref();
    if sign_in.is_some_and(|s| s.memory_only) {
        eprintln!(
            "warning: the OS keychain is not available ({}); this sign-in is not remembered after pfrm exits.",
            sign_in.and_then(|s| s.keychain_problem.clone()).unwrap_or_default()
        );
    }
    print_account(&active_account(&status)?, json, "Signed in as")
}

/// `pfrm logout`: the active account, one by id, or every account of the cloud.
pub async fn logout(session: &Session, args: LogoutArgs, json: bool) -> Result<(), Error> {
    let manager = session.accounts().await?;
    let ids: Vec<String> = if args.all {
        manager.accounts().await.into_iter().map(|a| a.id).collect()
    } else {
        vec![match args.account {
            Some(id) => id,
            None => active_id(session).await?,
        }]
    };
    for id in &ids {
        session.sign_out(id).await?;
    }
    if json {
        println!("{}", serde_json::json!({ "signedOut": ids }));
    } else if ids.is_empty() {
        println!("No account was signed in.");
    } else {
        for id in ids {
            println!("Signed out {id}.");
        }
    }
    Ok(())
}

pub async fn run(session: &Session, command: AccountCommand, json: bool) -> Result<(), Error> {
    match command {
        AccountCommand::List => {
            let accounts = session.accounts().await?.accounts().await;
            if json {
                return print_json(&accounts);
            }
            if accounts.is_empty() {
                println!("No account is signed in. Run `pfrm login`.");
            }
            for account in accounts {
                println!(
                    "{} {}  tenant {}  ({}){}",
                    if account.is_active { "*" } else { " " },
                    account.username,
                    account.tenant_id,
                    method_name(account.method),
                    if account.signed_in {
                        ""
                    } else {
                        "  — sign in again"
                    }
                );
            }
            Ok(())
        }
        AccountCommand::Show { id } => {
            let id = id_or_active(session, id).await?;
            let accounts = session.accounts().await?.accounts().await;
            print_account(&find(&accounts, &id)?, json, "Account")
        }
        AccountCommand::Switch { id } => {
            let status = session.switch_account(&id).await?;
            print_account(&active_account(&status)?, json, "Active account")
        }
        AccountCommand::Tenants { id } => {
            let id = id_or_active(session, id).await?;
            let tenants = session.list_tenants(&id).await?;
            if json {
                return print_json(&tenants);
            }
            for tenant in tenants {
                println!(
                    "{}  {}",
                    tenant.tenant_id,
                    tenant.display_name.unwrap_or_default()
                );
            }
            Ok(())
        }
        AccountCommand::SetTenant { tenant, account } => {
            let id = id_or_active(session, account).await?;
            let status = session.switch_tenant(&id, &tenant).await?;
            let accounts = status.sign_in.map(|s| s.accounts).unwrap_or_default();
            print_account(&find(&accounts, &id)?, json, "Account")
        }
    }
}

async fn id_or_active(session: &Session, id: Option<String>) -> Result<String, Error> {
    match id {
        Some(id) => Ok(id),
        None => active_id(session).await,
    }
}

async fn active_id(session: &Session) -> Result<String, Error> {
    session
        .accounts()
        .await?
        .active_account_id()
        .ok_or_else(signed_out)
}

fn signed_out() -> Error {
    Error::new(ErrorCode::SignInRequired, "No one is signed in.").with_remedy("Run `pfrm login`.")
}

/// The account the session acts as after a sign-in or a switch.
fn active_account(status: &SessionStatus) -> Result<AccountSummary, Error> {
    status
        .sign_in
        .as_ref()
        .and_then(|s| s.active_account.clone())
        .ok_or_else(signed_out)
}

fn find(accounts: &[AccountSummary], id: &str) -> Result<AccountSummary, Error> {
    accounts
        .iter()
        .find(|a| a.id == id)
        .cloned()
        .ok_or_else(|| {
            Error::new(ErrorCode::NotFound, format!("No signed-in account '{id}'."))
                .with_remedy("List the accounts with `pfrm account list`, or sign in.")
        })
}

fn method_name(method: SignInMethod) -> &'static str {
    match method {
        SignInMethod::Browser => "browser",
        SignInMethod::DeviceCode => "device code",
        SignInMethod::AzureCli => "Azure CLI",
    }
}

fn print_account(account: &AccountSummary, json: bool, label: &str) -> Result<(), Error> {
    if json {
        return print_json(account);
    }
    let name = account
        .display_name
        .as_deref()
        .map(|n| format!(" ({n})"))
        .unwrap_or_default();
    println!("{label} {}{name}", account.username);
    println!("  tenant:  {}", account.tenant_id);
    println!("  method:  {}", method_name(account.method));
    println!("  cloud:   {}", crate::plain::cloud(&account.cloud));
    println!("  id:      {}", account.id);
    if !account.signed_in {
        println!("  The saved sign-in expired or was revoked: run `pfrm login`.");
    }
    Ok(())
}

fn show_device_code(prompt: &DeviceCodePrompt, json: bool) {
    if json {
        eprintln!("{}", serde_json::json!({ "deviceCode": prompt }));
    } else {
        eprintln!(
            "To sign in, open {} and enter the code {} (valid for {}).",
            prompt.verification_uri,
            prompt.user_code,
            prompt.lifetime_text()
        );
    }
}
