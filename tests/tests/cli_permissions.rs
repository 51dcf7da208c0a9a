//! `pfrm role …` end to end: the real `pfrm` binary against the emulator, signed in through a
//! stand-in `az` (Azure CLI sign-in) that hands out emulator tokens for ARM and Graph.

mod clients_common;

use pfrm_tests::output::{assert_exit, assert_stdout_has, code, text};
use pfrm_tests::{make_executable, path_with, pfrm_binary};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use clients_common::{Env, SUBSCRIPTION};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::ErrorCode;
use serde_json::Value;

struct Cli {
    binary: PathBuf,
    dir: tempfile::TempDir,
    ready_file: PathBuf,
    path: std::ffi::OsString,
}

impl Cli {
    /// A config folder of its own and an `az` that answers as `user`.
    fn new(env: &Env, user: &str) -> Cli {
        let dir = tempfile::tempdir().unwrap();
        let ready_file = dir.path().join("ready.json");
        std::fs::write(
            &ready_file,
            serde_json::to_string(env.emulator.ready_info()).unwrap(),
        )
        .unwrap();
        let arm = env
            .emulator
            .issue_access_token(user, &env.cloud.arm_scope())
            .unwrap();
        let graph = env
            .emulator
            .issue_access_token(user, &env.cloud.graph_scope())
            .unwrap();
        let bin = install_fake_az(dir.path(), &arm, &graph);
        let path = path_with(&bin);
        Cli {
            binary: pfrm_binary(),
            dir,
            ready_file,
            path,
        }
    }

    fn run(&self, args: &[&str]) -> Output {
        let ready = self.ready_file.to_str().unwrap();
        Command::new(&self.binary)
            .args(["--cloud-config", ready])
            .args(args)
            .env("PFRM_CONFIG_DIR", self.dir.path().join("config"))
            .env("PATH", &self.path)
            .env("PFRM_LOG", "warn")
            .env_remove("PFRM_CLOUD")
            .env_remove("PFRM_CLOUD_CONFIG")
            .stdin(Stdio::null())
            .output()
            .unwrap()
    }

    /// [`Cli::run`] on a blocking thread, so the in-process emulator keeps serving.
    async fn call(self: &std::sync::Arc<Self>, args: &[&str]) -> Output {
        let cli = self.clone();
        let args: Vec<String> = args.iter().map(|arg| arg.to_string()).collect();
        tokio::task::spawn_blocking(move || {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            cli.run(&args)
        })
        .await
        .unwrap()
    }

    /// [`Cli::call`], which must succeed: its stdout as JSON.
    async fn call_json(self: &std::sync::Arc<Self>, args: &[&str]) -> Value {
        let output = self.call(args).await;
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice(&output.stdout).unwrap()
    }

    fn json(&self, args: &[&str]) -> Value {
        let output = self.run(args);
        assert!(output.status.success(), "{}", text(&output));
        serde_json::from_slice(&output.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&output)))
    }
}

/// `pfrm role <verb> --workspace <workspace>` and `rest`.
fn role<'a>(verb: &'a str, workspace: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["role", verb, "--workspace", workspace];
    args.extend_from_slice(rest);
    args
}

/// A stand-in `az account get-access-token` printing a Graph token when Graph is asked for and
/// an ARM token otherwise.
fn install_fake_az(dir: &Path, arm_token: &str, graph_token: &str) -> PathBuf {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let expires_on = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 3600;
    let answer = |token: &str| {
        format!(
            "printf '{{\"accessToken\":\"{token}\",\"expiresOn\":\"2099-01-01 00:00:00.000000\",\"expires_on\":{expires_on},\"tokenType\":\"Bearer\"}}'"
        )
    };
    let script = format!(
        "#!/bin/sh\n# Stand-in for the Azure CLI in tests.\ncase \"$*\" in\n  *graph*) {} ;;\n  *) {} ;;\nesac\n",
        answer(graph_token),
        answer(arm_token)
    );
    let path = bin.join("az");
    std::fs::write(&path, script).unwrap();
    make_executable(&path);
    bin
}

fn workspace_id(name: &str) -> String {
    WorkspaceRef::new(SUBSCRIPTION, "rg-ml", name).arm_id()
}

// Multi-threaded: the emulator must keep serving while this thread waits for a CLI process.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn cli_grants_to_me_and_a_colleague_lists_and_revokes_with_confirmation() {
    let env = Env::start_scenario_as("blocked", "erin@contoso.com").await;
    let cli = Cli::new(&env, "erin@contoso.com");
    let workspace = workspace_id("ws-open");
    let ws = workspace.as_str();
    let cli = std::sync::Arc::new(cli);

    let output = cli.call(&["login", "--azure-cli"]).await;
    assert!(output.status.success(), "{}", text(&output));

    let ability = cli.call_json(&role("check", ws, &["--json"])).await;
    assert_eq!(ability["allowed"], true);

    let granted = cli
        .call_json(&role("grant", ws, &["--me", "--json", "--wait", "60"]))
        .await;
    assert_eq!(granted["status"], "granted", "{granted}");
    assert_eq!(granted["visible"], true);

    let output = cli
        .call(&role("grant", ws, &["--user", "bob@contoso.com"]))
        .await;
    assert!(output.status.success(), "{}", text(&output));
    assert_stdout_has(&output, "Bob now has the AzureML Data Scientist role");

    // The storage role a diagnosis names, to the workspace's identity, on its storage account;
    // a second run finds it there.
    for expected in ["granted", "alreadyAssigned"] {
        let granted = cli
            .call_json(&role(
                "grant",
                ws,
                &[
                    "--workspace-identity",
                    "--role",
                    "storage-file-data-privileged-contributor",
                    "--json",
                ],
            ))
            .await;
        assert_eq!(granted["status"], expected, "{granted}");
        let scope = granted["assignment"]["scope"].as_str().unwrap();
        assert!(
            scope.starts_with("/subscriptions/")
                && scope.contains("/providers/Microsoft.Storage/storageAccounts/"),
            "{granted}"
        );
        assert!(granted["assignment"]["roleDefinitionId"]
            .as_str()
            .unwrap()
            .ends_with("69566ab7-960f-475b-8e7c-b3118f30c6bd"));
    }
    let output = cli
        .call(&role("grant", ws, &["--me", "--role", "acr-pull"]))
        .await;
    assert!(output.status.success(), "{}", text(&output));
    assert_stdout_has(
        &output,
        "You now have the AcrPull role on the container registry",
    );
    // The grant's end is drawn before the result, however fast it was.
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("✓ Grant AcrPull to you on"),
        "{}",
        text(&output)
    );

    let output = cli
        .call(&role("grant", ws, &["--user", "nobody@contoso.com"]))
        .await;
    assert_exit(&output, ErrorCode::NotFound.exit_code());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nobody@contoso.com"));

    let listed = cli
        .call_json(&role("list", ws, &["--user", "bob@contoso.com", "--json"]))
        .await;
    let bobs = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["roleName"] == "AzureML Data Scientist")
        .unwrap_or_else(|| panic!("{listed}"));
    assert_eq!(bobs["removable"], true);
    let name = bobs["assignment"]["name"].as_str().unwrap().to_owned();
    // As text, a line leads with the role and who holds it; the GUIDs come after.
    let output = cli
        .call(&role("list", ws, &["--user", "bob@contoso.com"]))
        .await;
    assert!(output.status.success(), "{}", text(&output));
    let listing = String::from_utf8_lossy(&output.stdout).into_owned();
    let line = listing
        .lines()
        .find(|line| line.contains(&name))
        .unwrap_or_else(|| panic!("{listing}"));
    assert!(line.starts_with("AzureML Data Scientist  Bob"), "{line}");
    assert!(
        line.ends_with(&format!(
            "assignment {name}  principal {}",
            bobs["principal"]["objectId"].as_str().unwrap()
        )),
        "{line}"
    );

    let output = cli
        .call(&role(
            "revoke",
            ws,
            &["--assignment", &name, "--confirm", "Alice"],
        ))
        .await;
    assert_exit(&output, ErrorCode::InvalidInput.exit_code());
    assert!(
        String::from_utf8_lossy(&output.stderr).contains("--confirm 'Bob'"),
        "{}",
        text(&output)
    );

    let revoked = cli
        .call_json(&role(
            "revoke",
            ws,
            &["--assignment", &name, "--confirm", "Bob", "--json"],
        ))
        .await;
    assert_eq!(revoked["removed"]["assignment"]["name"], name.as_str());

    // Without --workspace the workspace used last is the default.
    let listed = cli.call_json(&["role", "list", "--json"]).await;
    let rows = listed.as_array().unwrap();
    assert!(rows
        .iter()
        .all(|a| a["assignment"]["name"] != name.as_str()));
    assert!(rows.iter().any(
        |a| a["principal"]["userPrincipalName"] == "erin@contoso.com"
            && a["roleName"] == "AzureML Data Scientist"
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[cfg_attr(not(unix), ignore = "the stand-in az is a POSIX shell script")]
async fn cli_refuses_a_reader_before_any_write_and_prints_a_request_to_send() {
    let env = Env::start_scenario_as("blocked", "bob@contoso.com").await;
    let cli = std::sync::Arc::new(Cli::new(&env, "bob@contoso.com"));
    let workspace = workspace_id("ws-open");
    let (cli2, ws) = (cli.clone(), workspace.clone());
    let (login, check, grant) = tokio::task::spawn_blocking(move || {
        let login = cli2.run(&["login", "--azure-cli"]);
        let check = cli2.run(&["role", "check", "--workspace", &ws]);
        let grant = cli2.run(&["role", "grant", "--workspace", &ws, "--me"]);
        let storage = cli2.run(&[
            "role",
            "grant",
            "--workspace",
            &ws,
            "--me",
            "--role",
            "storage-blob-data-contributor",
        ]);
        (login, check, (grant, storage))
    })
    .await
    .unwrap();
    let (grant, storage) = grant;
    assert!(login.status.success(), "{}", text(&login));
    assert!(check.status.success(), "{}", text(&check));
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(stdout.contains("You may not grant roles"), "{stdout}");
    assert!(stdout.contains("bob@contoso.com"), "{stdout}");
    assert!(stdout.contains(&workspace), "{stdout}");
    assert!(stdout.contains("az role assignment create"), "{stdout}");
    assert_exit(&grant, ErrorCode::PermissionDenied.exit_code());
    assert!(String::from_utf8_lossy(&grant.stderr).contains("Owner"));
    assert_exit(&storage, ErrorCode::PermissionDenied.exit_code());
    assert!(
        String::from_utf8_lossy(&storage.stderr).contains("storage account"),
        "{}",
        text(&storage)
    );
    assert_eq!(
        env.emulator
            .faults()
            .request_count("PUT", "/subscriptions/**/roleAssignments/*"),
        0
    );
    // The JSON listing works for a reader too.
    let cli3 = cli.clone();
    let listed = tokio::task::spawn_blocking(move || {
        // A workspace can be named by its name alone.
        cli3.json(&["role", "list", "--workspace", "ws-open", "--me", "--json"])
    })
    .await
    .unwrap();
    assert_eq!(listed[0]["roleName"], "Reader");
    assert_eq!(listed[0]["inherited"], true);
}

// Names that URL parsing would resolve away (`.`, `..`) or that would change the path used to
// reach the collection or hang on a user lookup; each is refused with exit code 2, at once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_that_are_not_names_are_refused_with_exit_code_2() {
    let env = Env::start_scenario_as("blocked", "erin@contoso.com").await;
    let cli = std::sync::Arc::new(Cli::new(&env, "erin@contoso.com"));
    let run = |args: Vec<String>| {
        let cli = cli.clone();
        async move {
            tokio::task::spawn_blocking(move || {
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let started = std::time::Instant::now();
                let output = cli.run(&args);
                (output, started.elapsed())
            })
            .await
            .unwrap()
        }
    };
    let (output, _) = run(vec!["login".into(), "--azure-cli".into()]).await;
    assert!(output.status.success(), "{}", text(&output));
    let ws = workspace_id("ws-open");
    let mut cases: Vec<Vec<String>> = Vec::new();
    for bad in [".", "..", "", "a/b", "a%2Fb", "x\u{7}"] {
        cases.push(vec![
            "runtime".into(),
            "update".into(),
            "--workspace".into(),
            ws.clone(),
            bad.into(),
        ]);
        cases.push(vec![
            "role".into(),
            "grant".into(),
            "--workspace".into(),
            ws.clone(),
            "--user".into(),
            bad.into(),
        ]);
        cases.push(vec![
            "runtime".into(),
            "show".into(),
            "--workspace".into(),
            ws.clone(),
            bad.into(),
        ]);
        cases.push(vec![
            "runtime".into(),
            "delete".into(),
            "--workspace".into(),
            ws.clone(),
            bad.into(),
            "--confirm".into(),
            bad.into(),
        ]);
        cases.push(vec![
            "runtime".into(),
            "create".into(),
            "--workspace".into(),
            ws.clone(),
            "--name".into(),
            "rt-fine".into(),
            "--compute".into(),
            bad.into(),
            "--yes-restart".into(),
        ]);
    }
    cases.push(vec![
        "runtime".into(),
        "list".into(),
        "--workspace".into(),
        format!("{SUBSCRIPTION}/../ws-open"),
    ]);
    cases.push(vec![
        "runtime".into(),
        "list".into(),
        "--workspace".into(),
        "/subscriptions/resourceGroups/r/providers/Microsoft.MachineLearningServices/workspaces/w"
            .into(),
    ]);
    for args in cases {
        let (output, elapsed) = run(args.clone()).await;
        assert_eq!(code(&output), 2, "{args:?}\n{}", text(&output));
        assert!(
            elapsed < std::time::Duration::from_secs(20),
            "{args:?} took {elapsed:?}"
        );
    }
}
