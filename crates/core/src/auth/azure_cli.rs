//! Sign-in through an existing `az login`: `azure_identity::AzureCliCredential` plus the
//! in-memory token cache it lacks. pfrm never reads the Azure CLI's own token files; it only
//! runs `az account get-access-token` through the SDK credential.
//!
//! The SDK runs `az` through the shell (`cmd /C` on Windows, `/bin/sh -c` elsewhere) with an
//! [`Executor`]; pfrm gives it [`AzCliExecutor`], because the default one fails people who start
//! the app from the desktop:
//! - **no console window**: in the windowless Windows app each `cmd` run flashed a console; it is
//!   started with `CREATE_NO_WINDOW`;
//! - **the usual install folders on PATH**: an app started from Finder or the Dock gets launchd's
//!   PATH (`/usr/bin:/bin:/usr/sbin:/sbin`), without Homebrew's `/opt/homebrew/bin` (Apple
//!   silicon) or `/usr/local/bin` (Intel); on Windows, Explorer keeps the PATH it had at log-in,
//!   without an Azure CLI installed since. Those folders are added after the user's own PATH;
//! - **"not installed" by exit code**: `cmd` says `'az' is not recognized…` in the language of
//!   Windows, so the SDK's English text match misses it on a French or Japanese system and the
//!   user was told to run `az login`. Its exit code, 9009, is the same in every language (127 is
//!   `sh`'s).

use std::collections::HashMap;
use std::ffi::{OsStr, OsString};
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::{ExitStatus, Output};
use std::sync::Arc;

use async_trait::async_trait;
use azure_core::credentials::{AccessToken, TokenCredential, TokenRequestOptions};
use azure_identity::{AzureCliCredential, AzureCliCredentialOptions, Executor};
use time::OffsetDateTime;

use super::session::EXPIRY_MARGIN;
use crate::error::{Error, ErrorCode};
use crate::http::TokenRefreshHint;

/// The shells' conventions that decide how `az` is found and how its absence shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CliPlatform {
    Windows,
    MacOs,
    /// Linux and other Unix systems: a desktop launch keeps the login PATH.
    OtherUnix,
}

impl CliPlatform {
    pub fn this_system() -> CliPlatform {
        if cfg!(windows) {
            CliPlatform::Windows
        } else if cfg!(target_os = "macos") {
            CliPlatform::MacOs
        } else {
            CliPlatform::OtherUnix
        }
    }

    /// The exit code of the shell when the command does not exist: `cmd.exe`'s 9009 in every
    /// language of Windows, POSIX `sh`'s 127 elsewhere.
    pub fn not_found_exit_code(self) -> i32 {
        match self {
            CliPlatform::Windows => 9009,
            CliPlatform::MacOs | CliPlatform::OtherUnix => 127,
        }
    }

    /// Where the Azure CLI's installers put `az`, for a PATH that may not have them. `var` reads
    /// an environment variable (the Windows folders are under `%ProgramFiles%`).
    pub fn usual_folders(self, var: impl Fn(&str) -> Option<OsString>) -> Vec<PathBuf> {
        match self {
            // Homebrew on Apple silicon, then on Intel (also the official .pkg's link).
            CliPlatform::MacOs => vec!["/opt/homebrew/bin".into(), "/usr/local/bin".into()],
            // The MSI's folder, for a 64-bit then a 32-bit install.
            CliPlatform::Windows => ["ProgramFiles", "ProgramFiles(x86)"]
                .into_iter()
                .filter_map(var)
                .map(|base| {
                    PathBuf::from(base)
                        .join("Microsoft SDKs")
                        .join("Azure")
                        .join("CLI2")
                        .join("wbin")
                })
                .collect(),
            CliPlatform::OtherUnix => Vec::new(),
        }
    }
}

/// `current` with `extra` folders appended, each once; the user's own order comes first.
pub fn augmented_path(current: Option<&OsStr>, extra: &[PathBuf]) -> Option<OsString> {
    let mut folders: Vec<PathBuf> = current
        .map(|path| std::env::split_paths(path).collect())
        .unwrap_or_default();
    for folder in extra {
        if !folders.contains(folder) {
            folders.push(folder.clone());
        }
    }
    std::env::join_paths(folders).ok()
}

/// What a finished process returned. The exit code is kept whole: Windows' 9009 does not fit a
/// Unix exit status, so the Windows rule can be exercised where only Unix runs.
#[derive(Debug, Clone, Default)]
pub struct ProcessOutput {
    /// `None` when the process was ended by a signal.
    pub code: Option<i32>,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

/// Starts a program and waits for it (a fake one in tests).
#[async_trait]
pub trait ProcessRunner: Send + Sync + fmt::Debug {
    async fn run(
        &self,
        program: &OsStr,
        args: &[&OsStr],
        path: Option<&OsStr>,
    ) -> io::Result<ProcessOutput>;
}

/// The real runner: tokio's process, with no console window on Windows.
#[derive(Debug, Default)]
pub struct SystemRunner;

/// `CREATE_NO_WINDOW`: the child gets no console of its own, so none flashes on screen.
#[cfg(windows)]
const CREATE_NO_WINDOW: u32 = 0x0800_0000;

#[async_trait]
impl ProcessRunner for SystemRunner {
    async fn run(
        &self,
        program: &OsStr,
        args: &[&OsStr],
        path: Option<&OsStr>,
    ) -> io::Result<ProcessOutput> {
        let mut command = tokio::process::Command::new(program);
        command
            .args(args)
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        if let Some(path) = path {
            command.env("PATH", path);
        }
        #[cfg(windows)]
        command.creation_flags(CREATE_NO_WINDOW);
        let output = command.output().await?;
        Ok(ProcessOutput {
            code: output.status.code(),
            stdout: output.stdout,
            stderr: output.stderr,
        })
    }
}

/// Why `az` did not run: it is not installed (or not on any folder searched).
#[derive(Debug)]
struct AzNotInstalled;

impl fmt::Display for AzNotInstalled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the Azure CLI (az) was not found")
    }
}

impl std::error::Error for AzNotInstalled {}

/// The [`Executor`] pfrm gives `AzureCliCredential`. See the module docs.
#[derive(Debug, Clone)]
pub struct AzCliExecutor {
    platform: CliPlatform,
    path: Option<OsString>,
    runner: Arc<dyn ProcessRunner>,
}

impl AzCliExecutor {
    /// For this system: its PATH plus the usual install folders, run by [`SystemRunner`].
    pub fn for_this_system() -> Self {
        let platform = CliPlatform::this_system();
        let extra = platform.usual_folders(|name| std::env::var_os(name));
        Self::new(
            platform,
            augmented_path(std::env::var_os("PATH").as_deref(), &extra),
            Arc::new(SystemRunner),
        )
    }

    /// `path` is the PATH `az` is looked up in (`None`: the process's own).
    pub fn new(
        platform: CliPlatform,
        path: Option<OsString>,
        runner: Arc<dyn ProcessRunner>,
    ) -> Self {
        AzCliExecutor {
            platform,
            path,
            runner,
        }
    }
}

#[async_trait]
impl Executor for AzCliExecutor {
    async fn run(&self, program: &OsStr, args: &[&OsStr]) -> io::Result<Output> {
        let output = self.runner.run(program, args, self.path.as_deref()).await?;
        if output.code == Some(self.platform.not_found_exit_code()) {
            return Err(io::Error::new(io::ErrorKind::NotFound, AzNotInstalled));
        }
        Ok(Output {
            status: exit_status(output.code),
            stdout: output.stdout,
            stderr: output.stderr,
        })
    }
}

/// An exit status that is a success exactly when `code` is 0.
#[cfg(unix)]
fn exit_status(code: Option<i32>) -> ExitStatus {
    use std::os::unix::process::ExitStatusExt;
    let code = match code {
        Some(0) => 0,
        Some(code) if code & 0xff != 0 => code & 0xff,
        _ => 1,
    };
    ExitStatus::from_raw(code << 8)
}

#[cfg(windows)]
fn exit_status(code: Option<i32>) -> ExitStatus {
    use std::os::windows::process::ExitStatusExt;
    ExitStatus::from_raw(code.unwrap_or(1) as u32)
}

/// Whether `error` (from the SDK credential) comes from [`AzNotInstalled`].
fn is_az_not_installed(error: &azure_core::Error) -> bool {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        let marked = current
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
            .is_some_and(|inner| inner.is::<AzNotInstalled>());
        if marked {
            return true;
        }
        cause = current.source();
    }
    false
}

/// `AzureCliCredential` with a per-scope cache and single-flight fetching.
pub struct CachedAzureCliCredential {
    inner: Arc<dyn TokenCredential>,
    tenant: Option<String>,
    cache: tokio::sync::Mutex<HashMap<String, AccessToken>>,
}

impl fmt::Debug for CachedAzureCliCredential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedAzureCliCredential")
            .field("tenant", &self.tenant)
            .finish_non_exhaustive()
    }
}

impl CachedAzureCliCredential {
    pub fn new(tenant: Option<String>) -> Result<Self, Error> {
        Self::with_executor(tenant, Arc::new(AzCliExecutor::for_this_system()))
    }

    /// Runs `az` through `executor` (tests give it a fake PATH or a fake runner).
    pub fn with_executor(
        tenant: Option<String>,
        executor: Arc<AzCliExecutor>,
    ) -> Result<Self, Error> {
        let options = AzureCliCredentialOptions {
            tenant_id: tenant.clone(),
            executor: Some(executor as Arc<dyn Executor>),
            ..Default::default()
        };
        let inner = AzureCliCredential::new(Some(options)).map_err(|error| {
            Error::new(
                ErrorCode::InvalidInput,
                "The Azure CLI sign-in could not be set up.",
            )
            .with_remedy("Check the tenant id.")
            .with_detail("cause", error.to_string())
        })?;
        Ok(Self::wrap(inner, tenant))
    }

    /// Wraps any credential (tests wrap a counting one).
    pub fn wrap(inner: Arc<dyn TokenCredential>, tenant: Option<String>) -> Self {
        CachedAzureCliCredential {
            inner,
            tenant,
            cache: tokio::sync::Mutex::new(HashMap::new()),
        }
    }

    pub fn tenant(&self) -> Option<&str> {
        self.tenant.as_deref()
    }
}

/// Turns the SDK's error into ours: the usual cause is "not logged in" or "az not installed".
fn cli_error(error: azure_core::Error) -> azure_core::Error {
    let text = error.to_string();
    let ours = if is_az_not_installed(&error) {
        Error::new(
            ErrorCode::SignInRequired,
            "The Azure CLI (`az`) was not found.",
        )
        .with_remedy("Install the Azure CLI and run `az login`, or choose another sign-in method. If it is installed, add its folder to PATH and restart pfrm.")
    } else if text.contains("az login") || text.to_ascii_lowercase().contains("not logged") {
        Error::new(ErrorCode::SignInRequired, "The Azure CLI is not signed in.")
            .with_remedy("Run `az login` in a terminal, then try again.")
    } else if text.contains("not found")
        || text.contains("No such file")
        || text.contains("not installed")
    {
        Error::new(
            ErrorCode::SignInRequired,
            "The Azure CLI (`az`) was not found.",
        )
        .with_remedy("Install the Azure CLI and run `az login`, or choose another sign-in method.")
    } else {
        Error::new(
            ErrorCode::SignInRequired,
            "The Azure CLI could not provide a token.",
        )
        .with_remedy("Run `az login` again, or choose another sign-in method.")
    };
    super::to_azure_error(ours.with_detail("cause", crate::http::redact_secrets(&text)))
}

#[async_trait]
impl TokenCredential for CachedAzureCliCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> azure_core::Result<AccessToken> {
        let force = options
            .as_ref()
            .and_then(|o| o.method_options.context.value::<TokenRefreshHint>())
            .is_some_and(|hint| hint.force_refresh);
        let key = scopes.join(" ");
        // Holding the lock across the fetch makes concurrent callers share one `az` run.
        let mut cache = self.cache.lock().await;
        if !force {
            if let Some(token) = cache.get(&key) {
                if token.expires_on - EXPIRY_MARGIN > OffsetDateTime::now_utc() {
                    return Ok(token.clone());
                }
            }
        }
        let token = self
            .inner
            .get_token(scopes, None)
            .await
            .map_err(cli_error)?;
        cache.insert(key, token.clone());
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[derive(Debug, Default)]
    struct CountingCredential {
        calls: AtomicUsize,
    }

    #[async_trait]
    impl TokenCredential for CountingCredential {
        async fn get_token(
            &self,
            _: &[&str],
            _: Option<TokenRequestOptions<'_>>,
        ) -> azure_core::Result<AccessToken> {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(std::time::Duration::from_millis(30)).await;
            Ok(AccessToken::new(
                format!("cli-{n}"),
                OffsetDateTime::now_utc() + time::Duration::hours(1),
            ))
        }
    }

    const SCOPE: &str = "https://management.azure.com/.default";

    /// A folder with a stand-in `az` (a shell script, or `az.cmd` on Windows) that prints
    /// `stdout` and `stderr` and exits with `code`.
    fn fake_az(dir: &std::path::Path, stdout: &str, stderr: &str, code: i32) -> PathBuf {
        std::fs::create_dir_all(dir).unwrap();
        if cfg!(windows) {
            let script = format!(
                "@echo off\r\necho {stdout}\r\n{}exit /b {code}\r\n",
                if stderr.is_empty() {
                    String::new()
                } else {
                    format!("echo {stderr} 1>&2\r\n")
                }
            );
            std::fs::write(dir.join("az.cmd"), script).unwrap();
        } else {
            let quote = |text: &str| text.replace('\'', "'\\''");
            let script = format!(
                "#!/bin/sh\nprintf '%s' '{}'\nprintf '%s' '{}' >&2\nexit {code}\n",
                quote(stdout),
                quote(stderr)
            );
            let path = dir.join("az");
            std::fs::write(&path, script).unwrap();
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
            }
        }
        dir.to_path_buf()
    }

    fn token_json() -> String {
        let expires = OffsetDateTime::now_utc().unix_timestamp() + 3600;
        format!(r#"{{"accessToken":"cli-token","expires_on":{expires},"tokenType":"Bearer"}}"#)
    }

    /// A PATH with only `folders` (and, on Windows, the system folder where `cmd` lives).
    fn path_of(folders: &[PathBuf]) -> Option<OsString> {
        let mut all = folders.to_vec();
        if let Some(system) = std::env::var_os("SystemRoot") {
            all.push(PathBuf::from(system).join("System32"));
        }
        std::env::join_paths(all).ok()
    }

    async fn sign_in(executor: AzCliExecutor) -> Result<AccessToken, azure_core::Error> {
        let credential = CachedAzureCliCredential::with_executor(None, Arc::new(executor)).unwrap();
        credential.get_token(&[SCOPE], None).await
    }

    fn user_error(error: azure_core::Error) -> Error {
        crate::auth::from_azure_error(&error)
    }

    #[test]
    fn a_desktop_launch_path_gains_the_usual_install_folders() {
        let launchd = OsString::from("/usr/bin:/bin:/usr/sbin:/sbin");
        let folders = CliPlatform::MacOs.usual_folders(|_| None);
        assert_eq!(
            folders,
            vec![
                PathBuf::from("/opt/homebrew/bin"),
                PathBuf::from("/usr/local/bin")
            ]
        );
        let path = augmented_path(Some(&launchd), &folders).unwrap();
        let parts: Vec<PathBuf> = std::env::split_paths(&path).collect();
        assert_eq!(
            parts[0],
            PathBuf::from("/usr/bin"),
            "the user's order first"
        );
        assert!(parts.ends_with(&folders), "{parts:?}");
        // Nothing is added twice.
        let again = augmented_path(Some(&path), &folders).unwrap();
        assert_eq!(again, path);

        let windows = CliPlatform::Windows.usual_folders(|name| match name {
            "ProgramFiles" => Some(r"C:\Program Files".into()),
            "ProgramFiles(x86)" => Some(r"C:\Program Files (x86)".into()),
            _ => None,
        });
        assert_eq!(windows.len(), 2);
        assert!(windows[0].starts_with(r"C:\Program Files"));
        assert!(windows[0].ends_with(PathBuf::from("Microsoft SDKs/Azure/CLI2/wbin")));
    }

    #[tokio::test]
    async fn az_in_a_usual_folder_is_found_when_the_launch_path_lacks_it() {
        let dir = tempfile::tempdir().unwrap();
        let launch_path = dir.path().join("launch-bin");
        std::fs::create_dir_all(&launch_path).unwrap();
        let homebrew = fake_az(&dir.path().join("homebrew-bin"), &token_json(), "", 0);

        // The PATH a desktop launch gets: az is not on it.
        let plain = AzCliExecutor::new(
            CliPlatform::this_system(),
            path_of(std::slice::from_ref(&launch_path)),
            Arc::new(SystemRunner),
        );
        let error = user_error(sign_in(plain).await.unwrap_err());
        assert_eq!(error.message, "The Azure CLI (`az`) was not found.");

        // With the usual folders added, the same launch finds it.
        let augmented = AzCliExecutor::new(
            CliPlatform::this_system(),
            augmented_path(path_of(&[launch_path]).as_deref(), &[homebrew]),
            Arc::new(SystemRunner),
        );
        let token = sign_in(augmented).await.unwrap();
        assert_eq!(token.token.secret(), "cli-token");
    }

    #[tokio::test]
    async fn az_that_is_not_signed_in_asks_for_az_login() {
        let dir = tempfile::tempdir().unwrap();
        let bin = fake_az(
            dir.path(),
            "",
            "ERROR: Please run 'az login' to setup account.",
            1,
        );
        let executor = AzCliExecutor::new(
            CliPlatform::this_system(),
            path_of(&[bin]),
            Arc::new(SystemRunner),
        );
        let error = user_error(sign_in(executor).await.unwrap_err());
        assert_eq!(error.message, "The Azure CLI is not signed in.");
        assert!(error.remedy.unwrap().contains("az login"));
    }

    /// `cmd.exe` as on a French Windows: exit code 9009 and a localised message. Linux cannot
    /// exit with 9009, so this runner plays the shell.
    #[derive(Debug)]
    struct LocalisedCmd {
        code: i32,
    }

    #[async_trait]
    impl ProcessRunner for LocalisedCmd {
        async fn run(
            &self,
            _: &OsStr,
            _: &[&OsStr],
            _: Option<&OsStr>,
        ) -> io::Result<ProcessOutput> {
            Ok(ProcessOutput {
                code: Some(self.code),
                stdout: Vec::new(),
                stderr: "'az' n’est pas reconnu en tant que commande interne\r\nou externe, un programme exécutable ou un fichier de commandes.\r\n"
                    .as_bytes()
                    .to_vec(),
            })
        }
    }

    #[tokio::test]
    async fn a_missing_az_on_windows_is_known_by_exit_code_in_any_language() {
        let executor = AzCliExecutor::new(
            CliPlatform::Windows,
            None,
            Arc::new(LocalisedCmd { code: 9009 }),
        );
        let error = user_error(sign_in(executor).await.unwrap_err());
        assert_eq!(error.message, "The Azure CLI (`az`) was not found.");
        assert!(error.remedy.unwrap().contains("Install the Azure CLI"));

        // The same text with another exit code is some other failure, not "not installed".
        let executor = AzCliExecutor::new(
            CliPlatform::Windows,
            None,
            Arc::new(LocalisedCmd { code: 1 }),
        );
        let error = user_error(sign_in(executor).await.unwrap_err());
        assert_ne!(error.message, "The Azure CLI (`az`) was not found.");
    }

    #[tokio::test]
    async fn tokens_are_cached_and_concurrent_callers_share_one_cli_run() {
        let counting = Arc::new(CountingCredential::default());
        let credential = Arc::new(CachedAzureCliCredential::wrap(counting.clone(), None));
        let mut callers = Vec::new();
        for _ in 0..10 {
            let credential = credential.clone();
            callers.push(tokio::spawn(async move {
                credential.get_token(&["arm/.default"], None).await.unwrap()
            }));
        }
        for caller in callers {
            assert_eq!(caller.await.unwrap().token.secret(), "cli-0");
        }
        assert_eq!(counting.calls.load(Ordering::SeqCst), 1);
        credential
            .get_token(&["graph/.default"], None)
            .await
            .unwrap();
        assert_eq!(counting.calls.load(Ordering::SeqCst), 2);
        assert!(!format!("{credential:?}").contains("cli-0"));
    }
}
