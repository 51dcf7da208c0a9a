//! `pfrm runtime check` and `pfrm runtime update` end to end: the real binary, signed in through
//! a stand-in `az` that hands out emulator tokens, against the `returning` scenario. Checks the
//! exit codes (0 up to date, 20 updates available), `--json`, progress on stderr, the custom
//! environment guidance, and `--all-outdated`.

mod clients_common;

use pfrm_tests::output::{assert_exit, assert_stdout_has, stdout, text};
use pfrm_tests::{az_token_json, path_with, pfrm_binary, write_fake_az};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::Arc;

use clients_common::{Env, ALICE, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::ErrorCode;

const NEWEST: &str = "20251211.v12";
const UPDATES_AVAILABLE: i32 = 20;

/// A stand-in `az` printing an emulator-issued ARM token for Alice.
fn fake_az(dir: &Path, token: &str) -> PathBuf {
    write_fake_az(&dir.join("bin"), &az_token_json(token), None)
}

struct Cli {
    binary: PathBuf,
    config_dir: PathBuf,
    path: std::ffi::OsString,
    /// `PFRM_TODAY`; without it the date is the cloud's (or the computer's).
    today: Option<&'static str>,
}

/// After the images froze (2026-06-04), before the retirement: the newest tag is the last.
const FROZEN_DAY: Option<&str> = Some("2026-12-06");

impl Cli {
    fn run(&self, args: &[&str]) -> Output {
        let mut command = Command::new(&self.binary);
        match self.today {
            Some(today) => command.env("PFRM_TODAY", today),
            None => command.env_remove("PFRM_TODAY"),
        };
        command
            .args(args)
            .env("PFRM_CONFIG_DIR", &self.config_dir)
            .env("PATH", &self.path)
            .env("PFRM_POLL_INTERVAL_MS", "40")
            .env_remove("PFRM_CLOUD")
            .env_remove("PFRM_CLOUD_CONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }
}

impl Cli {
    /// [`Cli::run`] off the async runtime, so the emulator keeps serving meanwhile.
    async fn call(self: &Arc<Self>, args: Vec<String>) -> Result<Output, tokio::task::JoinError> {
        let cli = self.clone();
        tokio::task::spawn_blocking(move || {
            cli.run(&args.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .await
    }
}

/// Alice signed in through the stand-in `az` to the emulator's cloud (its ready file, which
/// `adjust` may change), with `PFRM_TODAY` set to `today` or unset.
async fn signed_in(
    env: &Env,
    dir: &Path,
    today: Option<&'static str>,
    adjust: impl FnOnce(&mut serde_json::Value),
) -> Arc<Cli> {
    let token = env
        .emulator
        .issue_access_token(ALICE, &env.cloud.arm_scope())
        .unwrap();
    let bin = fake_az(dir, &token);
    let mut ready = serde_json::to_value(env.emulator.ready_info()).unwrap();
    adjust(&mut ready);
    let ready_file = dir.join("ready.json");
    std::fs::write(&ready_file, ready.to_string()).unwrap();
    let cli = Arc::new(Cli {
        binary: tokio::task::spawn_blocking(pfrm_binary).await.unwrap(),
        config_dir: dir.join("config"),
        path: path_with(&bin),
        today,
    });
    let login = [
        "--cloud-config",
        ready_file.to_str().unwrap(),
        "login",
        "--azure-cli",
    ];
    let output = cli.call(login.map(String::from).to_vec()).await.unwrap();
    assert!(output.status.success(), "{}", text(&output));
    cli
}

fn workspace() -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", "ml-workspace").arm_id()
}

/// The custom-environment guidance says "final" or "newest" by the cloud's date, as every other
/// answer of the core does, not by the computer's clock.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_update_guidance_reads_the_clouds_date_not_the_computers() {
    let env = Env::start_scenario("returning").await;
    let dir = tempfile::tempdir().unwrap();
    // A cloud whose day comes before the images froze; this computer's clock is past it.
    let cli = signed_in(&env, dir.path(), None, |ready| {
        ready["today"] = "2026-05-01".into()
    })
    .await;
    let update = [
        "runtime",
        "update",
        "--workspace",
        &workspace(),
        "rt-custom",
    ];
    let output = cli.call(update.map(String::from).to_vec()).await.unwrap();
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert!(
        stdout(&output).contains("rebuild the environment on the newest runtime image"),
        "on the cloud's 2026-05-01 more images may come: {}",
        text(&output)
    );
}

// Multi-threaded: the emulator keeps serving while this thread waits for the CLI.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cli_checks_versions_updates_and_reports_with_exit_codes() {
    let env = Env::start_scenario("returning").await;
    let dir = tempfile::tempdir().unwrap();
    let cli = signed_in(&env, dir.path(), FROZEN_DAY, |_| {}).await;
    let workspace = workspace();
    let run = |args: Vec<String>| cli.call(args);
    let args = |list: &[&str]| list.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // `pfrm [--json] runtime <verb> --workspace <ml-workspace> <rest>`.
    let runtime = |verb: &str, json: bool, rest: &[&str]| {
        let json = json.then_some("--json");
        let command = json
            .into_iter()
            .chain(["runtime", verb, "--workspace", &workspace]);
        run(args(
            &command.chain(rest.iter().copied()).collect::<Vec<_>>(),
        ))
    };

    // Every runtime: both are behind, so "updates available".
    let output = runtime("check", false, &["--all"]).await.unwrap();
    assert_exit(&output, UPDATES_AVAILABLE);
    let listing = stdout(&output);
    assert!(listing.contains("rt-default"), "{listing}");
    assert!(listing.contains("version 2024-01-11 (v2)"), "{listing}");
    assert!(listing.contains("version 2025-12-11 (v12)"), "{listing}");
    assert!(listing.contains("environment pf-custom:1"), "{listing}");

    // One runtime, as JSON.
    let output = runtime("check", true, &["rt-default"]).await.unwrap();
    assert_exit(&output, UPDATES_AVAILABLE);
    let status: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(status["current"]["tag"], "20240111.v2");
    assert_eq!(status["latest"]["tag"], NEWEST);
    assert_eq!(status["updateAvailable"], true);

    // A custom-environment runtime is not switched silently: the guidance and exit code 2.
    let output = runtime("update", false, &["rt-custom"]).await.unwrap();
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert_stdout_has(
        &output,
        &format!(
            "FROM {}/azureml/promptflow/promptflow-runtime-stable:{NEWEST}",
            env.cloud.registry_host
        ),
    );
    assert!(
        stdout(&output).contains("rebuild the environment on the final runtime image")
            && !stdout(&output).contains("newest"),
        "the guidance promises no newer image: {}",
        text(&output)
    );

    // The default-environment runtime updates, with progress on stderr.
    let output = runtime("update", false, &["rt-default"]).await.unwrap();
    assert!(output.status.success(), "{}", text(&output));
    assert_stdout_has(&output, "version 2025-12-11 (v12)");
    let progress = String::from_utf8_lossy(&output.stderr);
    assert!(progress.contains("Update runtime rt-default"), "{progress}");
    assert!(progress.contains("starting the runtime"), "{progress}");

    let output = runtime("check", false, &["rt-default"]).await.unwrap();
    assert_exit(&output, 0);
    assert_stdout_has(&output, "up to date");
    assert!(
        stdout(&output).contains("(v12) (final image)")
            && stdout(&output)
                .contains("is the final image: prompt flow's runtime images get no more updates"),
        "runtime check names the final image: {}",
        text(&output)
    );

    // Update all: only the custom runtime is left, and it needs attention (exit 20).
    let output = runtime("update", true, &["--all-outdated", "--max-parallel", "2"])
        .await
        .unwrap();
    assert_exit(&output, UPDATES_AVAILABLE);
    let summary: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(summary["updated"], 0);
    assert_eq!(summary["needsAttention"], 1);
    assert_eq!(summary["items"][0]["runtimeName"], "rt-custom");
}
