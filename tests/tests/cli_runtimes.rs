//! The `pfrm` command line's workspace, preflight, compute and runtime commands against the
//! emulator: the real binary, signed in through a stand-in `az` (so no keychain is needed),
//! checking what scripts rely on — output, `--json` shapes and exit codes.

mod clients_common;

use pfrm_tests::output::{
    assert_exit, assert_stderr_has, assert_stdout_has, code, json_error, output_of, stderr, stdout,
    text,
};
use pfrm_tests::{canaries, make_executable, path_with, pfrm_binary};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use clients_common::ops::stop_instance;
use clients_common::{Env, ALICE, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::ops::workspaces::check_workspace;
use pfrm_core::ops::Operations;
use pfrm_core::preflight::CheckId;
use pfrm_core::services::Services;
use pfrm_core::ErrorCode;
use pfrm_emulator::FaultRule;

/// `pfrm preflight`'s exit code when a blocker fails (documented in crates/cli/README.md).
const PREFLIGHT_BLOCKED_EXIT: i32 = 11;

/// A stand-in `az` that hands out emulator-issued tokens for the scope it is asked for.
fn install_fake_az(env: &Env, bin: &Path) {
    std::fs::create_dir_all(bin).unwrap();
    let mut audiences = vec![
        env.cloud.azureml_audience.clone(),
        env.cloud.graph_audience.clone(),
        env.cloud.arm_audience.clone(),
    ];
    audiences.sort_by_key(|audience| std::cmp::Reverse(audience.len()));
    let mut cases = String::new();
    for audience in audiences {
        let audience = audience.trim_end_matches('/').to_owned();
        let token = env
            .emulator
            .issue_access_token(ALICE, &format!("{audience}/.default"))
            .unwrap();
        cases.push_str(&format!("  *'{audience}'*) token='{token}' ;;\n"));
    }
    let script = format!(
        "#!/bin/sh\n# Stand-in for the Azure CLI in tests.\ncase \"$*\" in\n{cases}  *) echo 'unknown scope' >&2; exit 1 ;;\nesac\nprintf '{{\"accessToken\":\"%s\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":4070908800,\"tokenType\":\"Bearer\"}}' \"$token\"\n"
    );
    let path = bin.join("az");
    std::fs::write(&path, script).unwrap();
    make_executable(&path);
}

struct Cli {
    binary: PathBuf,
    dir: tempfile::TempDir,
    ready_file: PathBuf,
}

impl Cli {
    /// Writes the emulator's ready file, installs `az`, and signs in with `--azure-cli`.
    async fn signed_in(env: &Env) -> Cli {
        Cli::signed_in_to(
            env,
            serde_json::to_value(env.emulator.ready_info()).unwrap(),
        )
        .await
    }

    /// Like [`Cli::signed_in`], with `cloud` as the cloud configuration file.
    async fn signed_in_to(env: &Env, cloud: serde_json::Value) -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let ready_file = dir.path().join("ready.json");
        std::fs::write(&ready_file, serde_json::to_string(&cloud).unwrap()).unwrap();
        install_fake_az(env, &dir.path().join("bin"));
        let cli = Cli {
            binary: tokio::task::spawn_blocking(pfrm_binary).await.unwrap(),
            dir,
            ready_file,
        };
        let ready = cli.ready_file.to_str().unwrap().to_owned();
        let output = cli
            .run(&[
                "--cloud",
                "custom",
                "--cloud-config",
                &ready,
                "login",
                "--azure-cli",
            ])
            .await;
        assert!(output.status.success(), "{}", text(&output));
        cli
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.binary);
        command.args(args);
        self.environment(&mut command);
        command
    }

    /// pfrm inside a pseudo-terminal (`script`), so it sees a terminal on stdin and stderr.
    fn command_in_terminal(&self, args: &[&str]) -> Command {
        let line = std::iter::once(self.binary.to_str().unwrap())
            .chain(args.iter().copied())
            .map(|arg| format!("'{arg}'"))
            .collect::<Vec<_>>()
            .join(" ");
        let mut command = Command::new("script");
        command.args(["-qec", &line, "/dev/null"]);
        self.environment(&mut command);
        command.env("COLUMNS", "200");
        command
    }

    fn environment(&self, command: &mut Command) {
        let path = path_with(&self.dir.path().join("bin"));
        command
            .env("PATH", path)
            .env("HOME", self.dir.path())
            .env("XDG_CONFIG_HOME", self.dir.path().join("xdg-config"))
            .env("XDG_DATA_HOME", self.dir.path().join("xdg-data"))
            .env("XDG_STATE_HOME", self.dir.path().join("xdg-state"))
            .env("PFRM_CONFIG_DIR", self.config_dir())
            .env("PFRM_POLL_INTERVAL_MS", "40")
            .env_remove("PFRM_CLOUD")
            .env_remove("PFRM_CLOUD_CONFIG")
            .env_remove("PFRM_LOG")
            .env_remove("DBUS_SESSION_BUS_ADDRESS")
            .stdin(Stdio::null());
    }

    fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }

    /// Runs pfrm on a blocking thread, so the in-process emulator keeps serving.
    async fn run(&self, args: &[&str]) -> Output {
        output_of(self.command(args)).await
    }

    /// `pfrm --json runtime create …` refused as a conflict: its JSON error.
    async fn create_refused(
        &self,
        workspace: &str,
        name: &str,
        compute: &str,
    ) -> serde_json::Value {
        let output = self
            .run(&with_json(create_args(workspace, name, compute)))
            .await;
        assert_exit(&output, ErrorCode::Conflict.exit_code());
        // Progress lines come first on stderr; the error is the last line, as JSON.
        json_error(&output)
    }

    /// `pfrm --json runtime list` of `workspace`: the runtimes listed.
    async fn runtimes(&self, workspace: &str) -> Vec<serde_json::Value> {
        let listed = self
            .json(&["runtime", "list", "--workspace", workspace])
            .await;
        listed.as_array().expect("the list is an array").clone()
    }

    /// `pfrm --json preflight` of `workspace`, which a blocker stops: its report.
    async fn blocked_preflight(&self, workspace: &str) -> serde_json::Value {
        let output = self
            .run(&["--json", "preflight", "--workspace", workspace])
            .await;
        assert_exit(&output, PREFLIGHT_BLOCKED_EXIT);
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(report["blocked"], true);
        report
    }

    async fn json(&self, args: &[&str]) -> serde_json::Value {
        let output = self.run(&with_json(args.to_vec())).await;
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice(&output.stdout)
            .unwrap_or_else(|error| panic!("--json output parses ({error}): {}", text(&output)))
    }
}

fn workspace_id(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", name).arm_id()
}

fn services(env: &Env) -> Services {
    clients_common::ops::services(env, Operations::default())
}

/// The scenario `name` and a `pfrm` signed in to it (as Alice, through the stand-in `az`).
async fn signed_in(scenario: &str) -> (Env, Cli) {
    let env = Env::start_scenario(scenario).await;
    let cli = Cli::signed_in(&env).await;
    (env, cli)
}

/// `pfrm runtime create` of `name` on `compute` in `workspace`, the restart agreed to.
fn create_args<'a>(workspace: &'a str, name: &'a str, compute: &'a str) -> Vec<&'a str> {
    vec![
        "runtime",
        "create",
        "--workspace",
        workspace,
        "--name",
        name,
        "--compute",
        compute,
        "--yes-restart",
    ]
}

/// `args` with `--json` before them.
fn with_json(args: Vec<&str>) -> Vec<&str> {
    std::iter::once("--json").chain(args).collect()
}

// Multi-threaded: the emulator serves while the test waits for pfrm processes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn workspace_list_preflight_and_a_runtime_created_listed_and_deleted() {
    let (_env, cli) = signed_in("first-time").await;

    // The picker as a table, and as JSON.
    let output = cli.run(&["workspace", "list"]).await;
    assert!(output.status.success(), "{}", text(&output));
    let table = stdout(&output);
    assert!(
        table.lines().next().unwrap().contains("SUBSCRIPTION"),
        "{table}"
    );
    let row = table
        .lines()
        .find(|line| line.contains("ml-workspace"))
        .unwrap_or_else(|| panic!("{table}"));
    assert!(row.contains("eastus") && row.contains("Default"), "{row}");
    let listing = cli.json(&["workspace", "list"]).await;
    assert_eq!(listing["workspaces"][0]["name"], "ml-workspace");
    assert_eq!(listing["workspaces"][0]["id"], workspace_id("ml-workspace"));
    assert!(listing["problems"].as_array().unwrap().is_empty());

    // A workspace id that cannot be parsed: a clear message and the invalid-input exit code,
    // before anything is sent.
    let output = cli
        .run(&[
            "runtime",
            "list",
            "--workspace",
            "/subscriptions/x/resourceGroups/rg",
        ])
        .await;
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert_stderr_has(&output, "is not the resource id of an AzureML workspace");
    // A name nobody has: not found, with the way to see the names.
    let output = cli
        .run(&["runtime", "list", "--workspace", "no-such-ws"])
        .await;
    assert_eq!(code(&output), ErrorCode::NotFound.exit_code());
    assert!(stderr(&output).contains("pfrm workspace list"));

    // Preflight by bare name: everything passes, exit 0; the workspace is remembered.
    let output = cli.run(&["preflight", "--workspace", "ml-workspace"]).await;
    assert_exit(&output, 0);
    let checklist = stdout(&output);
    assert!(
        checklist.contains("✓") && !checklist.contains("✗"),
        "{checklist}"
    );
    assert!(
        checklist.contains("Compute instance ci-alice"),
        "{checklist}"
    );
    let settings: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(cli.config_dir().join("settings.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(settings["lastWorkspaceId"], workspace_id("ml-workspace"));
    let preflight = cli.json(&["preflight"]).await;
    assert_eq!(preflight["blocked"], false);
    assert_eq!(preflight["workspace"]["name"], "ml-workspace");
    assert_eq!(
        preflight["computeInstances"][0]["instance"]["name"],
        "ci-alice"
    );

    // The remembered workspace is the default; the empty list leads to `runtime create`,
    // without the workspace's resource id (the command remembers it).
    let output = cli.run(&["runtime", "list"]).await;
    assert!(output.status.success(), "{}", text(&output));
    assert!(
        stdout(&output).contains("pfrm runtime create --name NAME --compute INSTANCE")
            && !stdout(&output).contains("/subscriptions/"),
        "{}",
        text(&output)
    );

    // Your instances.
    let instances = cli.json(&["compute", "list"]).await;
    assert_eq!(instances[0]["instance"]["name"], "ci-alice");
    assert_eq!(instances[0]["usable"], true);

    // A new custom application restarts the instance: refused until confirmed. Without
    // `--name`, the core's suggestion for the instance is the name.
    let output = cli
        .run(&["runtime", "create", "--compute", "ci-alice"])
        .await;
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert_stderr_has(&output, "the runtime will be named rt-ci-alice.");
    assert_stderr_has(&output, "restarts the compute instance");
    assert_stderr_has(&output, "--yes-restart");
    assert!(
        cli.json(&["runtime", "list"])
            .await
            .as_array()
            .unwrap()
            .is_empty(),
        "nothing was created"
    );

    // Create: progress on stderr (plain lines, not a terminal), the running runtime as JSON.
    let output = cli
        .run(&with_json(create_args(
            &format!("{SUBSCRIPTION}/rg-ml/ml-workspace"),
            "rt-cli",
            "ci-alice",
        )))
        .await;
    assert!(output.status.success(), "{}", text(&output));
    let created: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["name"], "rt-cli");
    assert_eq!(created["status"], "Running");
    let progress = stderr(&output);
    assert!(
        progress.contains("Create runtime rt-cli on ci-alice")
            && progress.contains("starting the runtime")
            && !progress.contains('\r'),
        "{progress}"
    );

    // The list shows it running, as a table and as JSON; show has the details.
    let output = cli.run(&["runtime", "list"]).await;
    let row = stdout(&output)
        .lines()
        .find(|line| line.starts_with("rt-cli"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", text(&output)));
    assert!(row.contains("Running") && row.contains("ci-alice"), "{row}");
    // Plain words for the runtime's type; the service's name for it stays in --json.
    assert!(
        row.contains("compute instance") && !row.contains("ComputeInstance"),
        "{row}"
    );
    let runtimes = cli.json(&["runtime", "list"]).await;
    assert_eq!(runtimes[0]["status"], "Running");
    assert_eq!(runtimes[0]["runtimeType"], "ComputeInstance");
    let output = cli.run(&["runtime", "show", "rt-cli"]).await;
    assert!(output.status.success(), "{}", text(&output));
    let shown = stdout(&output);
    assert!(shown.contains("ci-alice"), "{}", text(&output));
    let type_line = shown
        .lines()
        .find(|line| line.trim_start().starts_with("type "))
        .unwrap_or_else(|| panic!("{shown}"));
    assert!(
        type_line.trim_end().ends_with(" compute instance"),
        "{type_line}"
    );
    let details = cli.json(&["runtime", "show", "rt-cli"]).await;
    assert_eq!(details["computeInstanceName"], "ci-alice");

    // Delete with the wrong name typed: refused, and the runtime is still there.
    let output = cli
        .run(&["runtime", "delete", "rt-cli", "--confirm", "rt-cl"])
        .await;
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert_stderr_has(&output, "does not match");
    assert_eq!(cli.json(&["runtime", "list"]).await[0]["name"], "rt-cli");

    // Delete, removing the custom application too.
    let deleted = cli
        .json(&[
            "runtime",
            "delete",
            "rt-cli",
            "--confirm",
            "rt-cli",
            "--remove-app",
        ])
        .await;
    assert_eq!(deleted["deleted"], "rt-cli");
    assert!(cli
        .json(&["runtime", "list"])
        .await
        .as_array()
        .unwrap()
        .is_empty());
    let instances = cli.json(&["compute", "list"]).await;
    assert!(
        instances[0]["instance"]["customApps"]
            .as_array()
            .unwrap()
            .iter()
            .all(|app| app["name"] != "rt-cli"),
        "{instances}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn a_stopped_instance_is_started_from_the_command_line() {
    let env = Env::start().await;
    let services = services(&env);
    stop_instance(&services, "ml-workspace", "ci-alice").await;
    let cli = Cli::signed_in(&env).await;
    let workspace = workspace_id("ml-workspace");

    let output = cli
        .run(&["compute", "list", "--workspace", &workspace])
        .await;
    let row = stdout(&output)
        .lines()
        .find(|line| line.starts_with("ci-alice"))
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("{}", text(&output)));
    assert!(row.contains("Stopped"), "{row}");

    // Creating on a stopped instance is a conflict that says to start it.
    let output = cli.run(&create_args(&workspace, "rt-x", "ci-alice")).await;
    assert_exit(&output, ErrorCode::Conflict.exit_code());

    let output = cli
        .run(&["compute", "start", "--workspace", &workspace, "ci-alice"])
        .await;
    assert!(output.status.success(), "{}", text(&output));
    assert_stdout_has(&output, "ci-alice is running");
    assert!(stderr(&output).contains("Start compute instance ci-alice"));
    let instances = cli
        .json(&["compute", "list", "--workspace", &workspace])
        .await;
    assert_eq!(instances[0]["instance"]["state"], "Running");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn preflight_on_a_blocked_workspace_exits_with_its_own_code_and_the_remedy() {
    let (env, cli) = signed_in("blocked").await;
    let workspace = workspace_id("ws-isolated");
    let expected = check_workspace(&services(&env), &workspace).await.unwrap();
    let isolation = expected.report.get(CheckId::DataIsolationOff).unwrap();
    let remedy = isolation.remedy.clone().unwrap();

    let output = cli.run(&["preflight", "--workspace", &workspace]).await;
    assert_exit(&output, PREFLIGHT_BLOCKED_EXIT);
    let checklist = stdout(&output);
    let line = checklist
        .lines()
        .find(|line| line.contains(&isolation.title))
        .unwrap_or_else(|| panic!("{checklist}"));
    // A failed check says it is not met: never the bare requirement next to the red mark.
    assert!(
        line.trim_start()
            .starts_with(&format!("✗ Not met: {}", isolation.title)),
        "{line}"
    );
    // Requirements not met say so; a notice ("(note)") says what it found instead.
    for line in checklist.lines().map(str::trim_start) {
        if (line.starts_with('✗') || line.starts_with("! ")) && !line.ends_with("(note)") {
            assert!(
                line[line.find(' ').unwrap() + 1..].starts_with("Not met: "),
                "{line}"
            );
        }
    }
    assert!(checklist.contains(&remedy), "{checklist}");

    let report = cli.blocked_preflight(&workspace).await;
    assert!(report["report"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|check| check["id"] == "dataIsolationOff" && check["status"] == "failed"));

    // Create is refused with the blocker's remedy, as a conflict.
    let error = cli
        .create_refused(&workspace, "rt-iso", "ci-alice-iso")
        .await;
    assert_eq!(error["error"]["code"], "conflict");
    assert_eq!(error["error"]["remedy"], remedy.as_str());

    // A workspace without blockers exits 0 even with a network-isolation notice.
    let output = cli
        .run(&["preflight", "--workspace", &workspace_id("ws-private")])
        .await;
    assert_exit(&output, 0);
    assert_stdout_has(&output, "! The workspace is network-isolated (note)");
    assert!(!stdout(&output).contains("Not met: The workspace is network"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn ctrl_c_cancels_a_create_cleanly_with_exit_code_130() {
    use std::io::{BufRead, BufReader};

    let (env, cli) = signed_in("first-time").await;
    // Slow answers keep the create in its checks long enough to interrupt it.
    env.emulator
        .faults()
        .set_latency(std::time::Duration::from_millis(1500));
    let mut command = cli.command(&create_args(
        &workspace_id("ml-workspace"),
        "rt-cancel",
        "ci-alice",
    ));
    command.stdout(Stdio::piped()).stderr(Stdio::piped());
    let (status, log) = tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let mut stderr = BufReader::new(child.stderr.take().unwrap());
        let mut log = String::new();
        loop {
            let mut line = String::new();
            if stderr.read_line(&mut line).unwrap() == 0 {
                break;
            }
            log.push_str(&line);
            if line.contains("Create runtime rt-cancel") {
                let sent = Command::new("kill")
                    .args(["-INT", &child.id().to_string()])
                    .status()
                    .unwrap();
                assert!(sent.success());
                break;
            }
        }
        let started = std::time::Instant::now();
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
        log.push_str(&rest);
        let status = child.wait().unwrap();
        assert!(
            started.elapsed() < std::time::Duration::from_secs(10),
            "pfrm stopped promptly after Ctrl+C"
        );
        (status, log)
    })
    .await
    .unwrap();
    assert_eq!(
        status.code(),
        Some(ErrorCode::Cancelled.exit_code()),
        "{log}"
    );
    assert!(log.contains("cancelled"), "{log}");

    env.emulator.faults().set_latency(std::time::Duration::ZERO);
    assert!(
        cli.json(&[
            "runtime",
            "list",
            "--workspace",
            &workspace_id("ml-workspace")
        ])
        .await
        .as_array()
        .unwrap()
        .is_empty(),
        "nothing was created"
    );
}

/// Runs `command` with `input` on its stdin; returns its exit code and everything it printed.
async fn run_with_input(mut command: Command, input: &'static str) -> (Option<i32>, String) {
    use std::io::Write;
    command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    tokio::task::spawn_blocking(move || {
        let mut child = command.spawn().unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // Typed after the prompt appears; the pipe stays open until pfrm is done.
        std::thread::sleep(std::time::Duration::from_millis(1500));
        stdin.write_all(input.as_bytes()).unwrap();
        let output = child.wait_with_output().unwrap();
        drop(stdin);
        (
            output.status.code(),
            format!(
                "{}{}",
                String::from_utf8_lossy(&output.stdout),
                String::from_utf8_lossy(&output.stderr)
            ),
        )
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(
    not(target_os = "linux"),
    ignore = "the terminal comes from util-linux's `script -qec`; the stand-in az is a shell script"
)]
async fn on_a_terminal_create_asks_before_the_restart_and_redraws_one_progress_line() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: `script` (util-linux) is not installed");
        return;
    }
    let (_env, cli) = signed_in("first-time").await;
    let workspace = workspace_id("ml-workspace");
    let args = [
        "runtime",
        "create",
        "--workspace",
        workspace.as_str(),
        "--name",
        "rt-tty",
        "--compute",
        "ci-alice",
    ];

    // Answering no refuses, with the invalid-input code and nothing created.
    let (code, screen) = run_with_input(cli.command_in_terminal(&args), "n\n").await;
    assert!(screen.contains("Restart it? [y/N]"), "{screen}");
    assert_eq!(code, Some(ErrorCode::InvalidInput.exit_code()), "{screen}");
    assert!(cli.runtimes(&workspace).await.is_empty());

    // Answering yes creates it; progress is one line redrawn in place.
    let (code, screen) = run_with_input(cli.command_in_terminal(&args), "y\n").await;
    assert_eq!(code, Some(0), "{screen}");
    assert!(screen.contains("\r\x1b[2K"), "{screen:?}");
    assert!(screen.contains("starting the runtime"), "{screen}");
    assert!(
        screen.contains("Runtime rt-tty is running on ci-alice"),
        "{screen}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blocker_that_could_not_be_read_is_not_ready_and_create_refuses_with_the_reason() {
    let (env, cli) = signed_in("first-time").await;
    let workspace = workspace_id("ml-workspace");
    // The caller's permissions cannot be read: the role check cannot be made.
    env.emulator.faults().add(FaultRule {
        service: Some("arm".into()),
        path: Some("**/providers/Microsoft.Authorization/permissions".into()),
        status: Some(403),
        body: Some(serde_json::json!({"error": {"code": "AuthorizationFailed",
            "message": "The client does not have authorization to perform action 'Microsoft.Authorization/permissions/read'."}})),
        ..FaultRule::default()
    });

    let output = cli.run(&["preflight", "--workspace", &workspace]).await;
    assert_exit(&output, PREFLIGHT_BLOCKED_EXIT);
    let checklist = stdout(&output);
    assert!(!checklist.contains("Ready"), "{checklist}");
    let role = checklist
        .lines()
        .find(|line| line.contains("AzureML Data Scientist role"))
        .unwrap_or_else(|| panic!("{checklist}"));
    assert!(role.trim_start().starts_with('?'), "{role}");
    let verdict = checklist.lines().rfind(|l| !l.trim().is_empty()).unwrap();
    assert!(
        verdict.starts_with("Could not tell: Your permissions could not be read: ")
            && verdict.contains("run `pfrm preflight` again"),
        "{verdict}"
    );

    let report = cli.blocked_preflight(&workspace).await;
    assert_eq!(report["blocking"]["kind"], "couldNotTell");
    assert_eq!(report["blocking"]["check"], "dataScientistRole");
    assert_eq!(report["report"]["blocked"], true);

    // Create refuses before it sends anything, saying what could not be told.
    let error = cli
        .create_refused(&workspace, "rt-unknown", "ci-alice")
        .await;
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("pfrm could not tell whether a prerequisite is met (you have the AzureML Data Scientist role")
            && message.contains("Your permissions could not be read"),
        "{message}"
    );
    assert_eq!(error["error"]["details"]["checkStatus"], "couldNotTell");
    env.emulator.faults().clear();
    assert!(cli.runtimes(&workspace).await.is_empty());
}

/// Answers the compute list and `name`'s GET with the instance in `state` (and provisioning
/// state), as Azure shows an instance while it is being deleted.
async fn show_instance_as(env: &Env, name: &str, state: &str) {
    let reference = WorkspaceRef::from_arm_id(&workspace_id("ml-workspace")).unwrap();
    let services = services(env);
    let mut computes = services.arm.list_computes(&reference).await.unwrap();
    let mut changed = None;
    for compute in &mut computes {
        if compute.name == name {
            compute.properties.provisioning_state = Some(state.into());
            if let Some(inner) = compute.properties.properties.as_mut() {
                inner["state"] = serde_json::json!(state);
            }
            changed = Some(compute.clone());
        }
    }
    let changed = changed.expect("the instance exists");
    let faults = env.emulator.faults();
    faults.add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some(format!("**/workspaces/ml-workspace/computes/{name}")),
        status: Some(200),
        body: Some(serde_json::to_value(&changed).unwrap()),
        ..FaultRule::default()
    });
    faults.add(FaultRule {
        service: Some("arm".into()),
        method: Some("GET".into()),
        path: Some("**/workspaces/ml-workspace/computes".into()),
        status: Some(200),
        body: Some(serde_json::json!({ "value": computes })),
        ..FaultRule::default()
    });
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_being_deleted_is_not_usable_and_create_on_it_is_refused() {
    let (env, cli) = signed_in("first-time").await;
    let workspace = workspace_id("ml-workspace");
    show_instance_as(&env, "ci-alice", "Deleting").await;

    let instances = cli
        .json(&["compute", "list", "--workspace", &workspace])
        .await;
    let alice = instances
        .as_array()
        .unwrap()
        .iter()
        .find(|choice| choice["instance"]["name"] == "ci-alice")
        .unwrap_or_else(|| panic!("{instances}"));
    assert_eq!(alice["usable"], false, "{alice}");
    assert!(alice["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|check| check["id"] == "instanceUsable" && check["status"] == "failed"));

    let output = cli
        .run(&create_args(&workspace, "rt-gone", "ci-alice"))
        .await;
    assert_exit(&output, ErrorCode::Conflict.exit_code());
    let error = stderr(&output);
    assert!(
        error.contains("A prerequisite is not met: the compute instance can host a runtime")
            && error.contains("ci-alice is being deleted, so it cannot host a runtime"),
        "{error}"
    );
    // Preflight for that instance says the same, with its own exit code.
    let output = cli
        .run(&[
            "preflight",
            "--workspace",
            &workspace,
            "--compute",
            "ci-alice",
        ])
        .await;
    assert_exit(&output, PREFLIGHT_BLOCKED_EXIT);
    env.emulator.faults().clear();
    assert!(cli.runtimes(&workspace).await.is_empty());
}

/// A TCP relay to `target` that counts the connections made through it.
async fn counting_relay(
    target: String,
) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let count = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let counted = count.clone();
    tokio::spawn(async move {
        while let Ok((mut inbound, _)) = listener.accept().await {
            counted.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let target = target.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = tokio::net::TcpStream::connect(&target).await {
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                }
            });
        }
    });
    (format!("https://{address}"), count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_from_an_unknown_ca_is_its_own_error_tried_once_with_clean_json() {
    let env = Env::start().await;
    // ARM behind a relay that counts connections, and no CA for it in the cloud configuration:
    // its certificate is then signed by an issuer pfrm does not trust, as behind a proxy that
    // inspects HTTPS with its own CA.
    let arm = url::Url::parse(&env.emulator.ready_info().arm_endpoint).unwrap();
    let (relay, connections) = counting_relay(format!(
        "{}:{}",
        arm.host_str().unwrap(),
        arm.port().unwrap()
    ))
    .await;
    let mut cloud = serde_json::to_value(env.emulator.ready_info()).unwrap();
    cloud["armEndpoint"] = serde_json::json!(relay);
    let object = cloud.as_object_mut().unwrap();
    object.remove("caCertPath");
    object.remove("caCertPem");
    let cli = Cli::signed_in_to(&env, cloud).await;
    let workspace = workspace_id("ml-workspace");

    connections.store(0, std::sync::atomic::Ordering::SeqCst);
    let output = cli
        .run(&["--json", "runtime", "list", "--workspace", &workspace])
        .await;
    assert_exit(&output, 12);
    assert_exit(&output, ErrorCode::Certificate.exit_code());
    assert!(output.stdout.is_empty(), "{}", text(&output));
    // stderr holds the JSON error and nothing else: no library log lines.
    let lines: Vec<&str> = std::str::from_utf8(&output.stderr)
        .unwrap()
        .lines()
        .filter(|line| !line.trim().is_empty())
        .collect();
    assert_eq!(lines.len(), 1, "{}", text(&output));
    let error: serde_json::Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(error["error"]["code"], "certificate");
    let message = error["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("the certificate of 127.0.0.1 is not trusted")
            && message.contains("unknown issuer"),
        "{message}"
    );
    assert!(
        error["error"]["remedy"]
            .as_str()
            .unwrap()
            .contains("caCertPath"),
        "{error}"
    );
    assert_eq!(
        connections.load(std::sync::atomic::Ordering::SeqCst),
        1,
        "a refused certificate is not retried"
    );

    // Asked for, library log lines do reach stderr (PFRM_LOG is honoured).
    let mut command = cli.command(&["runtime", "list", "--workspace", &workspace]);
    command.env("PFRM_LOG", "debug");
    let output = output_of(command).await;
    assert_exit(&output, 12);
    assert_stderr_has(&output, "rustls");
    assert_stderr_has(&output, "error: pfrm could not");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_the_retirement_date_runtime_create_is_refused_with_the_reason() {
    let (env, cli) = signed_in("first-time").await;
    let workspace = format!("{SUBSCRIPTION}/rg-ml/ml-workspace");
    let create = |today: &'static str| {
        let mut command = cli.command(&create_args(&workspace, "rt-late", "ci-alice"));
        command.env("PFRM_TODAY", today);
        command
    };
    let after = create("2027-04-21");
    let output = output_of(after).await;
    assert_exit(&output, ErrorCode::Conflict.exit_code());
    let err = stderr(&output);
    assert!(
        err.contains("notice: Prompt flow retired on 2027-04-20 (yesterday (1 day ago))"),
        "{err}"
    );
    assert!(
        err.contains("No new runtime can be created: prompt flow retired on 2027-04-20"),
        "{err}"
    );
    assert!(err.contains("pfrm migrate audit"), "{err}");
    let listed =
        pfrm_core::ops::runtimes::list_runtimes(&services(&env), &workspace_id("ml-workspace"))
            .await
            .unwrap();
    assert!(listed.is_empty(), "nothing was created: {listed:?}");

    // Before the date the notice counts the days left and the command goes on.
    let mut list = cli.command(&["runtime", "list", "--workspace", &workspace]);
    list.env("PFRM_TODAY", "2026-12-06");
    let output = output_of(list).await;
    assert!(output.status.success(), "{}", text(&output));
    assert_stderr_has(
        &output,
        "notice: Prompt flow retires on 2027-04-20 (in 135 days)",
    );
}

// `pfrm runtime create` killed with SIGKILL after the create was sent, then run again: the rerun
// says the runtime is already being created (no second create), `pfrm operations list` shows the
// entry under its account, and `pfrm operations resume` watches it until it runs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_create_is_not_sent_again_and_resumes_to_running() {
    let (env, cli) = signed_in("first-time").await;
    // Slower emulated time: the instance restart and runtime start take about six seconds, so
    // the create is still under way when it is run again.
    env.emulator.set_time_scale(20.0);
    let create = create_args("ml-workspace", "rt-killed", "ci-alice");
    let mut first = cli.command(&create).spawn().unwrap();
    let faults = env.emulator.faults();
    let sent = std::time::Instant::now();
    while faults.request_count("POST", "**/FlowRuntimes/rt-killed") == 0 {
        assert!(
            sent.elapsed() < std::time::Duration::from_secs(30),
            "the create was never sent"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    // kill -9: no destructor, no cleanup.
    first.kill().unwrap();
    let status = tokio::task::spawn_blocking(move || first.wait().unwrap())
        .await
        .unwrap();
    // On Unix the kill is SIGKILL; on Windows it is TerminateProcess, which has no signal.
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9)
    );
    #[cfg(not(unix))]
    assert!(!status.success());

    let output = cli.run(&create).await;
    assert_exit(&output, ErrorCode::Conflict.exit_code());
    let message = stderr(&output);
    assert!(
        message.contains("Runtime rt-killed is already being created"),
        "{}",
        text(&output)
    );
    assert!(
        message.contains("pfrm runtime show rt-killed"),
        "{}",
        text(&output)
    );
    assert_eq!(
        faults.request_count("POST", "**/FlowRuntimes/rt-killed"),
        1,
        "the rerun sent a second create"
    );

    let listed = cli.json(&["operations", "list"]).await;
    let entries = listed.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{listed}");
    assert_eq!(entries[0]["kind"], "createRuntime");
    assert_eq!(entries[0]["resume"]["runtimeName"], "rt-killed");
    assert!(entries[0]["cloud"].is_string(), "{listed}");
    assert!(entries[0]["account"].is_string(), "{listed}");

    let output = cli.run(&["operations", "resume"]).await;
    assert_exit(&output, 0);
    assert_stdout_has(&output, "Runtime rt-killed is running.");
    let listed = cli.json(&["operations", "list"]).await;
    assert_eq!(listed, serde_json::json!([]));
    let shown = cli
        .json(&[
            "runtime",
            "show",
            "--workspace",
            "ml-workspace",
            "rt-killed",
        ])
        .await;
    assert_eq!(shown["status"], "Running", "{shown}");
}

/// Each workspace of the `troubled` world, its failed runtime, and the diagnosis pfrm must give
/// (`None`: a failure no pattern knows).
const TROUBLED: [(&str, &str, Option<&str>); 9] = [
    (
        "ws-start-timeout",
        "rt-custom-env",
        Some("runtime-start-timeout"),
    ),
    (
        "ws-not-yours",
        "rt-pipeline",
        Some("compute-instance-assigned-to-someone-else"),
    ),
    ("ws-custom-app", "rt-app", Some("custom-app-failed")),
    (
        "ws-image-outside-acr",
        "rt-dockerhub",
        Some("image-not-in-acr"),
    ),
    (
        "ws-shared-key-off",
        "rt-keys",
        Some("storage-key-access-disabled"),
    ),
    (
        "ws-file-share-denied",
        "rt-files",
        Some("storage-file-access-denied"),
    ),
    ("ws-no-quota", "rt-big", Some("vm-quota-exceeded")),
    ("ws-datalake", "rt-lake", Some("datalake-default-datastore")),
    ("ws-unknown", "rt-mystery", None),
];

fn troubled_workspace(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-trouble", name).arm_id()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn runtime_show_explains_each_failure_of_the_troubled_world_before_the_services_words() {
    let (_env, cli) = signed_in("troubled").await;
    for (workspace, runtime, expected) in TROUBLED {
        let id = troubled_workspace(workspace);
        let details = cli.json(&["runtime", "show", "-w", &id, runtime]).await;
        assert_eq!(details["status"], "Failed", "{workspace}");
        assert_eq!(
            details["diagnosis"]["code"].as_str(),
            expected,
            "{workspace}: {details}"
        );

        let output = cli.run(&["runtime", "show", "-w", &id, runtime]).await;
        assert!(output.status.success(), "{}", text(&output));
        let shown = stdout(&output);
        let error_line = shown
            .lines()
            .position(|line| line.trim_start().starts_with("error "))
            .unwrap_or_else(|| panic!("{workspace}: no error line\n{shown}"));
        let diagnosis_line = shown
            .lines()
            .position(|line| line.trim_start().starts_with("diagnosis "))
            .unwrap_or_else(|| panic!("{workspace}: no diagnosis line\n{shown}"));
        assert!(diagnosis_line < error_line, "{shown}");
        match expected {
            Some(code) => {
                let remedy = details["diagnosis"]["remedy"].as_str().unwrap();
                assert!(shown.contains(code), "{shown}");
                assert!(shown.contains(remedy), "{shown}");
            }
            None => {
                assert!(shown.contains("does not recognise this failure"), "{shown}");
                assert!(shown.contains("pfrm diagnose"), "{shown}");
            }
        }
    }
    // The action the app offers as a button is named in the terminal too.
    let output = cli
        .run(&[
            "runtime",
            "show",
            "-w",
            &troubled_workspace("ws-file-share-denied"),
            "rt-files",
        ])
        .await;
    assert_stdout_has(
        &output,
        "grant Storage File Data Privileged Contributor on the workspace's storage account",
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn a_create_that_fails_for_a_known_reason_carries_the_diagnosis_in_its_error() {
    let (_env, cli) = signed_in("troubled").await;
    let id = troubled_workspace("ws-no-quota");
    let args = [
        "runtime",
        "create",
        "-w",
        &id,
        "--name",
        "rt-again",
        "--compute",
        "ci-no-quota",
        "--yes-restart",
    ];
    let output = cli.run(&args).await;
    assert_exit(&output, ErrorCode::Service.exit_code());
    let said = stderr(&output);
    assert!(
        said.contains("Not enough quota available for STANDARD_E16S_V3"),
        "{said}"
    );
    assert!(said.contains("diagnosis"), "{said}");
    assert!(said.contains("request quota"), "{said}");

    let output = cli
        .run(&with_json(create_args(&id, "rt-third", "ci-no-quota")))
        .await;
    let error = json_error(&output);
    assert_eq!(error["diagnosis"]["code"], "vm-quota-exceeded", "{error}");
    assert_eq!(
        error["error"]["details"]["diagnosis"]["code"],
        "vm-quota-exceeded"
    );
    assert_eq!(error["diagnosis"]["action"]["type"], "openQuotaPage");
}

// `pfrm diagnose` with secrets planted in the logs it reads and a failed runtime whose details
// it includes: the zip lists what it said it would and a canary scan of every entry finds 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn diagnose_writes_a_bundle_in_which_a_canary_scan_finds_no_secret() {
    let (env, cli) = signed_in("troubled").await;
    let logs = cli.dir.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let jwt = env
        .emulator
        .issue_access_token(ALICE, "https://management.azure.com/.default")
        .unwrap();
    let canaries = canaries::canaries(&jwt);
    std::fs::write(logs.join("pfrm.log"), canaries::log_text(&jwt)).unwrap();
    let out = cli.dir.path().join("bundle.zip");
    let output = cli
        .run(&[
            "diagnose",
            "--out",
            out.to_str().unwrap(),
            "--log-dir",
            logs.to_str().unwrap(),
            "-w",
            &troubled_workspace("ws-shared-key-off"),
            "--runtime",
            "rt-keys",
        ])
        .await;
    assert!(output.status.success(), "{}", text(&output));
    let listed = stdout(&output);
    let scan = canaries::scan_zip(&out, &canaries);
    let names = &scan.names;
    assert_eq!(scan.hits, Vec::<String>::new(), "0 canary hits expected");
    for name in names {
        assert!(
            listed.contains(name.as_str()),
            "{name} not listed:\n{listed}"
        );
    }
    assert!(
        scan.texts["runtime.json"].contains("storage-key-access-disabled"),
        "{}",
        scan.texts["runtime.json"]
    );
    // The listing says what was taken out of the planted log.
    assert!(
        listed
            .lines()
            .any(|line| line.contains("logs/pfrm.log (")
                && line.contains(" secrets, 1 email address)")),
        "{listed}"
    );
    for name in [
        "manifest.json",
        "preflight.json",
        "runtime.json",
        "operations.json",
        "logs/pfrm.log",
    ] {
        assert!(
            names.iter().any(|n| n == name),
            "{name} missing from {names:?}"
        );
    }
    let manifest = &scan.texts["manifest.json"];
    let manifest: serde_json::Value = serde_json::from_str(manifest).unwrap();
    assert_eq!(manifest["webview"], "not applicable", "{manifest}");

    // Without --log-dir, the logs come from the folder the desktop app writes them to.
    let app_logs = cli.dir.path().join("xdg-state").join("pfrm").join("logs");
    std::fs::create_dir_all(&app_logs).unwrap();
    std::fs::write(
        app_logs.join("pfrm.2026-01-02.log"),
        format!("INFO app started\nDEBUG sent Authorization: Bearer {jwt}\n"),
    )
    .unwrap();
    let out = cli.dir.path().join("default-logs.zip");
    let output = cli.run(&["diagnose", "--out", out.to_str().unwrap()]).await;
    assert!(output.status.success(), "{}", text(&output));
    assert_stdout_has(&output, "logs/pfrm.2026-01-02.log");
    let mut archive = zip::ZipArchive::new(std::fs::File::open(&out).unwrap()).unwrap();
    let mut log = String::new();
    std::io::Read::read_to_string(
        &mut archive.by_name("logs/pfrm.2026-01-02.log").unwrap(),
        &mut log,
    )
    .unwrap();
    assert!(log.contains("app started"), "{log}");
    assert!(!log.contains(jwt.as_str()), "the token is redacted: {log}");
}

/// The ids of a decommission plan's items, in order.
fn item_ids(plan: &serde_json::Value) -> Vec<&str> {
    plan["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect()
}

// Multi-threaded: the emulator serves while the test waits for pfrm processes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn decommission_refuses_a_wrong_typed_name_and_removes_only_what_is_named() {
    let (_env, cli) = signed_in("returning").await;
    const PLAN: [&str; 4] = ["decommission", "plan", "--workspace", "ml-workspace"];
    // `pfrm decommission apply` on ml-workspace, the name typed as `typed`, of the `only` items.
    let apply = |typed: &'static str, only: &[&'static str]| {
        let mut args = vec![
            "decommission",
            "apply",
            "--workspace",
            "ml-workspace",
            "--confirm",
            typed,
        ];
        for id in only {
            args.extend_from_slice(&["--only", id]);
        }
        args
    };
    let plan = cli.json(&PLAN).await;
    let ids = item_ids(&plan);
    assert!(
        ids.contains(&"connection:legacy_bing_connection"),
        "{ids:?}"
    );
    assert_eq!(plan["workspaceName"], "ml-workspace");

    // Without the workspace's name typed exactly, nothing is removed (exit 2).
    for wrong in ["ml", "ML-WORKSPACE", ""] {
        let output = cli
            .run(&apply(wrong, &["connection:legacy_bing_connection"]))
            .await;
        assert_exit(&output, 2);
        assert_stderr_has(&output, "not the workspace's name");
    }
    // The suggested items are not removed with a wrong name either.
    let output = cli.run(&apply("other-workspace", &[])).await;
    assert_exit(&output, 2);
    let unchanged = cli.json(&PLAN).await;
    assert_eq!(unchanged["items"], plan["items"]);
    // An id the plan does not list is refused too.
    let output = cli
        .run(&apply("ml-workspace", &["runtime:no-such-runtime"]))
        .await;
    assert_exit(&output, 2);

    // With the name, exactly the named item goes.
    let report = cli
        .json(&apply(
            "ml-workspace",
            &["connection:legacy_bing_connection"],
        ))
        .await;
    assert_eq!(report["outcomes"][0]["state"], "removed", "{report:#}");
    let after = cli.json(&PLAN).await;
    let left = item_ids(&after);
    let mut expected = ids.clone();
    expected.retain(|id| *id != "connection:legacy_bing_connection");
    assert_eq!(left, expected);
}

/// `pfrm preflight` on each troubled workspace: the blocker it must stop on (the first reason in
/// `--json`), with any extra arguments that bring the blocker in.
const TROUBLED_BLOCKERS: [(&str, &[&str], &str); 12] = [
    ("ws-shared-key-off", &[], "sharedKeyAccess"),
    ("ws-file-share-denied", &[], "storageRolesForYou"),
    ("ws-datalake", &[], "defaultDatastoreIsBlob"),
    ("ws-no-working-dir", &[], "workingDirectoryDatastore"),
    ("ws-network-unprovisioned", &[], "managedNetworkProvisioned"),
    ("ws-endpoint-pending", &[], "privateEndpointsApproved"),
    ("ws-outbound-missing", &[], "outboundRulesForRuntime"),
    (
        "ws-quota-used-up",
        &["--compute", "ci-quota-stopped"],
        "instanceQuota",
    ),
    (
        "ws-not-yours",
        &["--compute", "ci-not-yours"],
        "instanceAssignedToYou",
    ),
    (
        "ws-image-outside-acr",
        &["--environment", "contoso-flow-env:1"],
        "imageInAcr",
    ),
    (
        "ws-image-not-pullable",
        &["--environment", "contoso-flow-env:1"],
        "imagePullable",
    ),
    (
        "ws-image-tag-missing",
        &["--environment", "contoso-flow-env:1"],
        "imageTagExists",
    ),
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn preflight_exits_11_on_each_blocker_of_the_troubled_world_and_0_where_none_is() {
    let (_env, cli) = signed_in("troubled").await;
    for (workspace, extra, blocker) in TROUBLED_BLOCKERS {
        let id = troubled_workspace(workspace);
        let mut args = vec!["--json", "preflight", "--workspace", &id];
        args.extend_from_slice(extra);
        let output = cli.run(&args).await;
        assert_eq!(
            code(&output),
            PREFLIGHT_BLOCKED_EXIT,
            "{workspace}: {}",
            text(&output)
        );
        let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        assert_eq!(
            report["blocking"]["check"], blocker,
            "{workspace}: {report}"
        );
        assert_eq!(report["blocking"]["kind"], "notMet", "{workspace}");

        // The terminal shows the failed check with its remedy.
        let mut args = vec!["preflight", "--workspace", &id];
        args.extend_from_slice(extra);
        let output = cli.run(&args).await;
        assert_exit(&output, PREFLIGHT_BLOCKED_EXIT);
        assert_stdout_has(&output, "Blocked:");
        assert_stdout_has(&output, "→");
    }
    // A troubled runtime, but nothing the preflight can see: ready, exit 0.
    let output = cli
        .run(&[
            "preflight",
            "--workspace",
            &troubled_workspace("ws-custom-app"),
        ])
        .await;
    assert_exit(&output, 0);
    assert_stdout_has(&output, "Ready:");
}

/// With only someone else's instance in the workspace, `pfrm preflight` names it and whose it
/// is, as the wizard does, instead of "You have no compute instance in this workspace".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn preflight_names_someone_elses_instance_and_whose_it_is() {
    let (_env, cli) = signed_in("troubled").await;
    let output = cli
        .run(&[
            "preflight",
            "--workspace",
            &troubled_workspace("ws-not-yours"),
        ])
        .await;
    assert_stdout_has(
        &output,
        "You have no compute instance of your own in this workspace.",
    );
    assert_stdout_has(
        &output,
        "ci-not-yours is assigned to Bob (bob@contoso.com).",
    );
    assert_stdout_has(
        &output,
        "Create your own in Azure ML studio, assigned to you",
    );
    assert!(
        !text(&output).contains("You have no compute instance in this workspace."),
        "{}",
        text(&output)
    );
}

// Multi-threaded: the emulator serves while the test waits for pfrm processes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn inventory_saved_twice_in_a_folder_keeps_both_and_a_refused_out_is_said_first() {
    let (_env, cli) = signed_in("returning").await;
    // `pfrm inventory --all-workspaces --out DIR`, as the app saves to Downloads: the second
    // export takes the next free name instead of replacing the first.
    let folder = cli.dir.path().join("exports");
    std::fs::create_dir_all(&folder).unwrap();
    let args = [
        "inventory",
        "--all-workspaces",
        "--out",
        folder.to_str().unwrap(),
    ];
    for _ in 0..2 {
        let output = cli.run(&args).await;
        assert_exit(&output, 0);
        assert_stderr_has(&output, "Take stock of every workspace");
        // Its end is drawn before the result, however fast it was.
        assert_stderr_has(&output, "✓ Take stock of every workspace");
        assert_stderr_has(&output, "Wrote the inventory");
    }
    let mut names: Vec<String> = std::fs::read_dir(&folder)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    let first = names.iter().find(|n| !n.contains(" (2)")).unwrap();
    assert!(first.starts_with("prompt-flow-inventory-"), "{names:?}");
    assert!(
        names.contains(&first.replace(".md", " (2).md")),
        "{names:?}"
    );
    let report = std::fs::read_to_string(folder.join(first)).unwrap();
    assert!(report.contains("ml-workspace"), "{report}");

    // A --out the project cannot go to is refused before the flow is looked up, as the app
    // does: the folder's problem (conflict, exit 6), not the missing flow's (exit 5).
    let busy = cli.dir.path().join("busy");
    std::fs::create_dir_all(&busy).unwrap();
    std::fs::write(busy.join("notes.txt"), "mine").unwrap();
    let output = cli
        .run(&[
            "migrate",
            "scaffold",
            "no-such-flow",
            "--workspace",
            "ml-workspace",
            "--out",
            busy.to_str().unwrap(),
        ])
        .await;
    assert_exit(&output, 6);
    assert_stderr_has(&output, "is not empty");
}
