//! The `pfrm` command line against the emulator: browser sign-in through `xdg-open` and a
//! scripted `$BROWSER`, device code sign-in, account listing, logout, exit codes — and a scan of
//! everything the CLI printed and wrote for tokens.

mod auth_common;

use pfrm_tests::output::{assert_exit, text};
use pfrm_tests::pfrm_binary;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use auth_common::{Env, ALICE};
use pfrm_core::auth::store::{KeychainStore, SecretStore, KEYCHAIN_SERVICE_VARIABLE};
use pfrm_core::ErrorCode;
use pfrm_emulator::EmulatorOptions;
use pfrm_tests::write_browser_script;

struct Cli {
    binary: PathBuf,
    config_dir: PathBuf,
    ready_file: PathBuf,
    browser: PathBuf,
    /// The keychain service this test's CLI runs use: never the user's real `pfrm` items.
    keychain_service: String,
    outputs: Vec<String>,
}

/// A keychain service of this test alone. The tests of this file run at the same time and sign in
/// the same user of the same scenario, so their entries have the same key: under one shared
/// service, the device code test's sign-in overwrote the browser test's token (its next refresh
/// was refused) or came back after its logout.
fn unique_keychain_service() -> String {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    format!("pfrm-test-cli-{}-{n}", std::process::id())
}

impl Cli {
    fn new(env: &Env) -> Cli {
        let ready_file = env.dir.path().join("ready.json");
        std::fs::write(
            &ready_file,
            serde_json::to_string(env.emulator.ready_info()).unwrap(),
        )
        .unwrap();
        let log = env.dir.path().join("browser.log");
        let browser = write_browser_script(env.dir.path(), &env.ca_path(), ALICE, &log);
        Cli {
            binary: pfrm_binary(),
            config_dir: env.dir.path().join("config"),
            ready_file,
            browser,
            keychain_service: unique_keychain_service(),
            outputs: Vec::new(),
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command
            .args(args)
            .env("PFRM_CONFIG_DIR", &self.config_dir)
            .env("BROWSER", &self.browser)
            .env(KEYCHAIN_SERVICE_VARIABLE, &self.keychain_service)
            .env("PFRM_LOG", "trace")
            .env_remove("PFRM_CLOUD")
            .env_remove("PFRM_CLOUD_CONFIG")
            .env_remove("XDG_CURRENT_DESKTOP")
            .env_remove("DISPLAY")
            .stdin(Stdio::null());
        command
    }

    fn run(&mut self, args: &[&str]) -> Output {
        let output = self.command(args).output().unwrap();
        self.record(&output);
        output
    }

    fn record(&mut self, output: &Output) {
        self.outputs
            .push(String::from_utf8_lossy(&output.stdout).into_owned());
        self.outputs
            .push(String::from_utf8_lossy(&output.stderr).into_owned());
    }
}

/// Every file under `dir`, as text.
fn files_under(dir: &Path) -> Vec<(PathBuf, String)> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else if let Ok(bytes) = std::fs::read(&path) {
            found.push((path, String::from_utf8_lossy(&bytes).into_owned()));
        }
    }
    found
}

/// A JWT: three base64url parts, the first starting with `{"` encoded (`eyJ`).
fn contains_jwt(text: &str) -> bool {
    text.match_indices("eyJ").any(|(start, _)| {
        let rest = &text[start..];
        let token: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || "-_.".contains(*c))
            .collect();
        token.matches('.').count() >= 2 && token.len() > 40
    })
}

fn keychain_usable() -> bool {
    KeychainStore::open(&unique_keychain_service())
        .and_then(|store| {
            store
                .set("probe", &"p".into())
                .and_then(|_| store.delete("probe"))
        })
        .is_ok()
}

// Multi-threaded: the emulator must keep serving while this thread waits for a CLI process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the scripted browser is reached through xdg-open, the only opener that honours $BROWSER"
)]
async fn cli_sign_in_list_and_sign_out_leave_no_token_behind() {
    let env = Env::start().await;
    let mut cli = Cli::new(&env);
    let with_keychain = tokio::task::spawn_blocking(keychain_usable).await.unwrap();
    if !with_keychain && std::env::var_os("PFRM_REQUIRE_KEYCHAIN").is_some() {
        panic!("PFRM_REQUIRE_KEYCHAIN is set but the keychain is unusable");
    }

    // Not signed in yet: a clear error and the sign-in exit code.
    let ready = cli.ready_file.to_str().unwrap().to_owned();
    let output = cli.run(&["--cloud-config", &ready, "account", "show"]);
    assert_exit(&output, ErrorCode::SignInRequired.exit_code());

    // Browser sign-in: xdg-open → $BROWSER script → emulator sign-in page → loopback.
    let login = {
        let binary_run = cli.command(&[
            "--cloud",
            "custom",
            "--cloud-config",
            &ready,
            "login",
            "--browser",
        ]);
        tokio::task::spawn_blocking(move || {
            let mut binary_run = binary_run;
            binary_run.output().unwrap()
        })
    };
    let output = tokio::time::timeout(Duration::from_secs(60), login)
        .await
        .unwrap()
        .unwrap();
    cli.record(&output);
    assert!(output.status.success(), "{}", text(&output));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains(ALICE), "{stdout}");
    let log = std::fs::read_to_string(env.dir.path().join("browser.log")).unwrap();
    assert!(
        log.contains("/oauth2/v2.0/authorize?"),
        "the browser script was used: {log}"
    );

    // The cloud choice is remembered: later commands need no --cloud-config.
    let output = cli.run(&["account", "list", "--json"]);
    assert!(output.status.success(), "{}", text(&output));
    let accounts: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(accounts[0]["username"], ALICE);
    assert_eq!(accounts[0]["isActive"], true);
    let id = accounts[0]["id"].as_str().unwrap().to_owned();

    let output = cli.run(&["account", "show", "--json"]);
    assert!(output.status.success(), "{}", text(&output));
    let shown: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(shown["tenantId"], env.tenant().as_str());

    // With a keychain the sign-in survives the process: tenants come from ARM with a refreshed token.
    let refresh_token = if with_keychain {
        let output = cli.run(&["account", "tenants", "--json"]);
        assert!(output.status.success(), "{}", text(&output));
        let key = format!("{}/{id}", env.cloud.name);
        let store = KeychainStore::open(&cli.keychain_service).unwrap();
        Some(
            store
                .get(&key)
                .unwrap()
                .expect("the refresh token is in the keychain"),
        )
    } else {
        eprintln!("no keychain: checking the memory-only path instead");
        let output = cli.run(&["account", "tenants"]);
        assert_exit(&output, ErrorCode::SignInRequired.exit_code());
        None
    };

    let output = cli.run(&["logout"]);
    assert!(output.status.success(), "{}", text(&output));
    if with_keychain {
        let store = KeychainStore::open(&cli.keychain_service).unwrap();
        assert!(store
            .get(&format!("{}/{id}", env.cloud.name))
            .unwrap()
            .is_none());
    }
    let output = cli.run(&["account", "list", "--json"]);
    assert_eq!(
        serde_json::from_slice::<serde_json::Value>(&output.stdout).unwrap(),
        serde_json::json!([])
    );

    // Nothing secret in anything printed (at trace log level) or written.
    let mut haystacks: Vec<(String, String)> = cli
        .outputs
        .iter()
        .enumerate()
        .map(|(i, o)| (format!("output #{i}"), o.clone()))
        .collect();
    for (path, content) in files_under(&cli.config_dir) {
        haystacks.push((path.display().to_string(), content));
    }
    assert!(haystacks.len() > 10);
    for (name, content) in &haystacks {
        assert!(
            !contains_jwt(content),
            "a token appears in {name}:\n{content}"
        );
        if let Some(refresh_token) = &refresh_token {
            assert!(
                !content.contains(refresh_token.expose()),
                "the refresh token appears in {name}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_device_code_sign_in_prints_the_code_and_finishes() {
    let env = Env::start_with(EmulatorOptions::default()).await;
    let cli = Cli::new(&env);
    let ready = cli.ready_file.to_str().unwrap().to_owned();
    let mut child = cli
        .command(&["--cloud-config", &ready, "login", "--device-code", "--json"])
        // Quiet logs: only the prompt line is read from stderr while the command runs.
        .env("PFRM_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The prompt is a JSON line on stderr; the reader keeps draining so the CLI never blocks.
    let stderr = child.stderr.take().unwrap();
    let (prompt_sender, prompt_receiver) = std::sync::mpsc::channel();
    let drain = std::thread::spawn(move || {
        use std::io::BufRead;
        let mut all = String::new();
        for line in std::io::BufReader::new(stderr).lines() {
            let line = line.unwrap();
            if line.contains("deviceCode") {
                let _ =
                    prompt_sender.send(serde_json::from_str::<serde_json::Value>(&line).unwrap());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let prompt = tokio::task::spawn_blocking(move || {
        prompt_receiver
            .recv_timeout(Duration::from_secs(30))
            .expect("a device code prompt")
    })
    .await
    .unwrap();
    let user_code = prompt["deviceCode"]["userCode"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(prompt["deviceCode"]["verificationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    env.emulator.approve_device_code(&user_code, ALICE).unwrap();
    let output = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stderr = drain.join().unwrap();
    assert!(output.status.success(), "{}\n{stderr}", text(&output));
    assert!(!contains_jwt(&stderr));
    let account: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(account["username"], ALICE);
    assert_eq!(account["method"], "deviceCode");
    assert!(!contains_jwt(&String::from_utf8_lossy(&output.stdout)));
    // Signing out leaves nothing in the keychain.
    let output = cli.command(&["logout"]).output().unwrap();
    assert!(output.status.success(), "{}", text(&output));
    if let Ok(store) = KeychainStore::open(&cli.keychain_service) {
        let key = format!("{}/{}", env.cloud.name, account["id"].as_str().unwrap());
        assert!(matches!(store.get(&key), Ok(None)), "a token is left");
    }
}

#[test]
fn the_jwt_detector_finds_tokens() {
    assert!(contains_jwt(
        "Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXBhcnQ"
    ));
    assert!(!contains_jwt("eyJ alone is fine"));
}
