//! `cargo xtask`: the project's own commands. The README names two of them, and they do all the
//! set-up a fresh machine needs:
//!
//! - `cargo xtask run`  — install what is missing, build the UI and the desktop app, launch it
//!   (in the sandbox when nobody is signed in to Azure).
//! - `cargo xtask test` — install what is missing, then run every check and test: formatting,
//!   clippy, every Rust test (with a real Secret Service), the UI's lint, typecheck, unit tests and
//!   page tests, and the real-app end-to-end GUI tests under Xvfb.
//!
//! Others: `cargo xtask setup` (only the installation), `cargo xtask bindings` (regenerate the
//! TypeScript bindings and command client), `cargo xtask fixtures` (regenerate the page tests'
//! fixtures from the emulator), `cargo xtask emulator [ARGS]` (run the local Azure standalone),
//! `cargo xtask fuzz [--seconds N]` (the libFuzzer targets of `fuzz/`), `cargo xtask bundle
//! [--release]` (the Linux installers).
//!
//! Built artefacts go to a fixed directory outside the clone (`PFRM_TARGET_DIR`, default
//! `~/.cache/pfrm/target`) so that a second clone or a CI run on the same machine reuses the cache;
//! nothing depends on that cache being warm.

mod bench;
mod bundle;
mod cargo_tools;
mod fuzz;
mod setup;
mod steps;
mod windows_check;
mod workflows;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use steps::{Report, Step};

/// Everything a command needs to know about where things are.
pub struct Context {
    pub repo_root: PathBuf,
    pub target_dir: PathBuf,
    pub in_ci: bool,
}

impl Context {
    fn discover() -> Context {
        let repo_root = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("xtask lives one level below the repository root")
            .to_path_buf();
        let target_dir = std::env::var_os("PFRM_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(default_target_dir);
        Context {
            repo_root,
            target_dir,
            in_ci: std::env::var_os("CI").is_some(),
        }
    }

    pub fn ui_dir(&self) -> PathBuf {
        self.repo_root.join("ui")
    }

    /// The desktop binary built by [`build_desktop`].
    pub fn desktop_binary(&self, profile: &str) -> PathBuf {
        self.target_dir
            .join(profile)
            .join(format!("pfrm-desktop{}", std::env::consts::EXE_SUFFIX))
    }

    /// A `cargo` command that builds into the shared target directory.
    pub fn cargo(&self) -> std::process::Command {
        let mut command =
            std::process::Command::new(std::env::var("CARGO").unwrap_or("cargo".into()));
        command
            .current_dir(&self.repo_root)
            .env("CARGO_TARGET_DIR", &self.target_dir);
        command
    }
}

fn default_target_dir() -> PathBuf {
    let base = if cfg!(windows) {
        std::env::var_os("LOCALAPPDATA").map(PathBuf::from)
    } else {
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache"))
    };
    base.unwrap_or_else(std::env::temp_dir)
        .join("pfrm")
        .join("target")
}

const USAGE: &str = "\
usage: cargo xtask <command>

  run [-- APP-ARGS]   install what is missing, build and launch the desktop app
  test                install what is missing, then run every check and test
  setup               only install what is missing (system packages, npm packages, tools)
  bundle [--release]  build the app and its Linux installers (.deb, .rpm; debug unless --release)
  check-windows       type-check and lint every crate for Windows (Debian only; part of test)
  bindings            regenerate ui/src/backend/bindings.ts and commands.ts from the Rust side
  fixtures            regenerate the page tests' fixtures (ui/src/mock/fixtures) from the emulator
  emulator [ARGS]     run the local Azure emulator standalone (e.g. --scenario first-time)
  bench startup       the release app's start-up time and memory against a minimal Tauri app
  bench emulator      the emulator's requests per second and start-up time
  bench picker        requests for the runtime list, and the workspace picker under latency
  bench update-all    update-all over a fleet under latency, against the concurrency bound
  fuzz [--seconds N] [TARGET...]
                      run the libFuzzer targets in fuzz/ (N seconds each, default 10;
                      needs the nightly toolchain, installs cargo-fuzz when missing)
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let context = Context::discover();
    let result = match args.first().map(String::as_str) {
        Some("run") => run(&context, &args[1..]),
        Some("test") => test(&context),
        Some("setup") => setup::install_everything(&context),
        Some("bundle") => bundle::run(&context, &args[1..]),
        Some("check-windows") => windows_check::run(&context),
        Some("bindings") => bindings(&context),
        Some("fixtures") => fixtures(&context),
        Some("emulator") => emulator(&context, &args[1..]),
        Some("bench") => bench(&context, args.get(1).map(String::as_str)),
        Some("fuzz") => fuzz::run(&context, &args[1..]),
        Some("help" | "--help" | "-h") => {
            print!("{USAGE}");
            Ok(())
        }
        _ => {
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Builds the production UI (`ui/dist`), which the desktop binary embeds at compile time.
fn build_ui(context: &Context) -> Result<(), String> {
    steps::run_plain(
        "build the UI",
        steps::npm(&context.ui_dir(), &["run", "build"]),
    )
}

/// The cargo features every build of the workspace uses, so that `clippy`, `test` and the app
/// build share one feature set and compile Tauri once.
const WORKSPACE_FEATURES: &str = "pfrm-desktop/custom-protocol";

fn build_desktop(context: &Context, release: bool) -> Result<PathBuf, String> {
    let mut command = context.cargo();
    command.args([
        "build",
        "-p",
        "pfrm-desktop",
        "--features",
        WORKSPACE_FEATURES,
    ]);
    if release {
        command.arg("--release");
    }
    steps::run_plain("build the desktop app", command)?;
    Ok(context.desktop_binary(if release { "release" } else { "debug" }))
}

fn run(context: &Context, app_args: &[String]) -> Result<(), String> {
    setup::install_for_run(context)?;
    build_ui(context)?;
    let binary = build_desktop(context, false)?;
    let app_args: Vec<&String> = app_args.iter().skip_while(|arg| *arg == "--").collect();
    println!("xtask: launching {}", binary.display());
    // A newcomer without an Azure sign-in lands in the sandbox and sees the whole product.
    let status = std::process::Command::new(&binary)
        .arg("--sandbox-when-signed-out")
        .args(app_args)
        .current_dir(&context.repo_root)
        .status()
        .map_err(|error| format!("could not start {}: {error}", binary.display()))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the app exited with {status}"))
    }
}

/// Benchmarks print their figures; none of them is a pass/fail test.
fn bench(context: &Context, which: Option<&str>) -> Result<(), String> {
    let example = |package: &str, name: &str| {
        let mut command = context.cargo();
        command.args(["run", "--release", "-p", package, "--example", name]);
        steps::run_plain(&format!("run the {name} benchmark"), command)
    };
    match which {
        Some("startup") => {
            setup::install_for_run(context)?;
            build_ui(context)?;
            bench::startup(&context.repo_root, &context.target_dir)
        }
        Some("emulator") => example("pfrm-emulator", "bench"),
        Some("picker") => example("pfrm-tests", "bench_picker"),
        Some("update-all") => example("pfrm-tests", "bench_update_all"),
        _ => Err("say which benchmark: startup, emulator, picker or update-all".into()),
    }
}

/// Rewrites the generated TypeScript: the types (`bindings.ts`, from the core's types) and the
/// typed command client (`commands.ts`, from the desktop's one declaration per command).
fn bindings(context: &Context) -> Result<(), String> {
    let mut types = context.cargo();
    types
        .args(["test", "-p", "pfrm-core", "--lib", "bindings"])
        .env("PFRM_UPDATE_BINDINGS", "1");
    steps::run_plain("regenerate the TypeScript bindings", types)?;
    let mut client = context.cargo();
    client
        .args([
            "test",
            "-p",
            "pfrm-desktop",
            "--features",
            WORKSPACE_FEATURES,
            "--bin",
            "pfrm-desktop",
            "checked_in_typescript_client",
        ])
        .env("PFRM_UPDATE_BINDINGS", "1");
    steps::run_plain("regenerate the TypeScript command client", client)
}

/// Rewrites the page tests' fixtures: the core's answers in the emulator's worlds
/// (tests/tests/ui_fixtures.rs). `cargo xtask test` runs the same test without the variable,
/// where it fails when the checked-in fixtures drift from the core.
fn fixtures(context: &Context) -> Result<(), String> {
    let mut command = context.cargo();
    command
        .args(["test", "-p", "pfrm-tests", "--test", "ui_fixtures"])
        .env("PFRM_UPDATE_FIXTURES", "1");
    steps::run_plain("regenerate the page-test fixtures", command)
}

fn emulator(context: &Context, args: &[String]) -> Result<(), String> {
    let mut command = context.cargo();
    command
        .args(["run", "-p", "pfrm-emulator", "--"])
        .args(args);
    steps::run_plain("run the emulator", command)
}

/// Wraps a command so it runs inside a private D-Bus session with an unlocked Secret Service
/// (gnome-keyring), whose keyrings live in a throwaway data directory. Tests of the real OS
/// keychain need it, and GUI tests need a session bus that ends with them.
fn in_keychain_session(context: &Context, inner: std::process::Command) -> std::process::Command {
    if !cfg!(target_os = "linux") {
        return inner;
    }
    let keyring_home = context.target_dir.join("test-keyring");
    let _ = std::fs::remove_dir_all(&keyring_home);
    let _ = std::fs::create_dir_all(&keyring_home);
    let mut script = String::from(
        "eval \"$(printf pfrm-test | gnome-keyring-daemon --unlock --components=secrets)\" >/dev/null && export GNOME_KEYRING_CONTROL SSH_AUTH_SOCK; exec",
    );
    script.push(' ');
    script.push_str(&steps::shell_quote(
        inner.get_program().to_string_lossy().as_ref(),
    ));
    for arg in inner.get_args() {
        script.push(' ');
        script.push_str(&steps::shell_quote(&arg.to_string_lossy()));
    }
    let mut command = wrapped(
        "dbus-run-session",
        [
            OsStr::new("--"),
            OsStr::new("sh"),
            OsStr::new("-c"),
            OsStr::new(&script),
        ],
        &inner,
    );
    command
        .env("XDG_DATA_HOME", &keyring_home)
        .env("PFRM_REQUIRE_KEYCHAIN", "1");
    command
}

/// Runs under a virtual X display (Xvfb) so the real app window can be shown and screenshotted.
fn on_virtual_display(inner: std::process::Command) -> std::process::Command {
    let args = ["-a", "-s", "-screen 0 1366x900x24 -nolisten tcp"]
        .into_iter()
        .map(OsStr::new)
        .chain([inner.get_program()])
        .chain(inner.get_args());
    wrapped("xvfb-run", args, &inner)
}

/// `program args…` in the inner command's folder and with its environment changes, so a
/// wrapper (a session bus, a virtual display) runs the inner command as it was set up.
fn wrapped<'a>(
    program: &str,
    args: impl IntoIterator<Item = &'a OsStr>,
    inner: &std::process::Command,
) -> std::process::Command {
    let mut command = std::process::Command::new(program);
    command.args(args);
    if let Some(dir) = inner.get_current_dir() {
        command.current_dir(dir);
    }
    for (key, value) in inner.get_envs() {
        match value {
            Some(value) => command.env(key, value),
            None => command.env_remove(key),
        };
    }
    command
}

fn test(context: &Context) -> Result<(), String> {
    let started = std::time::Instant::now();
    setup::install_everything(context)?;
    let mut report = Report::default();
    let ui = context.ui_dir();

    // The desktop crate embeds ui/dist at compile time, so the UI is built before any cargo step.
    report.run(Step::plain("UI: build", steps::npm(&ui, &["run", "build"])));
    // A size, not a timing, so it is a test: the UI's JavaScript gzipped against its budgets
    // (200 kB in all, 150 kB for the first screen; ui/scripts/bundle-size.mjs). Under a second.
    report.run(Step::plain(
        "UI: JavaScript size budget",
        steps::npm(&ui, &["run", "size"]),
    ));

    let mut fmt = context.cargo();
    fmt.args(["fmt", "--all", "--check"]);
    report.run(Step::plain("Rust: format check", fmt));

    let mut clippy = context.cargo();
    clippy.args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--features",
        WORKSPACE_FEATURES,
        "--",
        "-D",
        "warnings",
    ]);
    report.run(Step::plain("Rust: clippy", clippy));

    // setup installed both tools (cargo_tools.rs); clippy above fetched every crate they read.
    report.run(Step::plain(
        "Rust: licences, bans and sources (cargo-deny)",
        cargo_tools::deny_command(context),
    ));
    report.run(Step::plain(
        "Rust: unused dependencies (cargo-machete)",
        cargo_tools::machete_command(context),
    ));

    report.check(
        "Windows: aws-lc builds without NASM (prebuilt-nasm)",
        || windows_check::check_prebuilt_nasm(context),
    );
    let windows_clippy = "Windows: clippy -D warnings, every crate (x86_64-pc-windows-gnu)";
    match windows_check::available() {
        Ok(()) => match windows_check::install() {
            Ok(()) => report.run(Step::plain(
                windows_clippy,
                windows_check::clippy_command(context),
            )),
            Err(error) => report.fail(windows_clippy, error),
        },
        Err(reason) => report.skip(windows_clippy, reason),
    }

    match workflows::install(context) {
        Ok(()) => report.run(Step::plain(
            "GitHub workflows: actionlint",
            workflows::lint_command(context),
        )),
        Err(error) => report.fail("GitHub workflows: actionlint", error),
    }
    report.run(Step::counted(
        "Release: the update feed writer (node --test)",
        workflows::release_feed_test_command(context),
    ));

    let mut rust_tests = context.cargo();
    rust_tests.args([
        "test",
        "--workspace",
        "--features",
        WORKSPACE_FEATURES,
        // One failing test binary must not hide what the binaries after it would say.
        "--no-fail-fast",
        "--",
        "--skip",
        "gui_",
    ]);
    // setup installed the AutoRest test server: its conformance test must run, not skip.
    rust_tests.env("PFRM_REQUIRE_AUTOREST", "1");
    report.run(Step::counted(
        "Rust: tests",
        in_keychain_session(context, rust_tests),
    ));

    report.run(Step::plain("UI: lint", steps::npm(&ui, &["run", "lint"])));
    report.run(Step::plain(
        "UI: typecheck",
        steps::npm(&ui, &["run", "typecheck"]),
    ));
    report.run(Step::counted("UI: unit tests", steps::npm(&ui, &["test"])));
    report.run(Step::plain(
        "UI: build page-test bundle",
        steps::npm(&ui, &["run", "build:pages"]),
    ));
    report.run(Step::counted(
        "UI: page tests (headless Chromium)",
        steps::npm(&ui, &["run", "test:pages"]),
    ));

    // WebKitWebDriver and Xvfb exist on Linux only: elsewhere the GUI step is skipped, with why.
    const GUI_ONLY_ON_LINUX: &str =
        "they drive WebKitGTK through WebKitWebDriver under Xvfb, which only Linux has";
    let desktop = if cfg!(target_os = "linux") {
        build_desktop(context, false)
    } else {
        Err(GUI_ONLY_ON_LINUX.to_owned())
    };
    // The installers are packed from that same debug binary (no second build), and the GUI
    // step below installs the .deb into a scratch root and starts it.
    let mut installers = None;
    if desktop.is_ok() {
        report.check(
            "Installers: .deb and .rpm (tauri bundle of the debug app)",
            || {
                bundle::install(context)?;
                steps::run_plain("bundle the installers", bundle::command(context, false))?;
                installers = Some((
                    bundle::find(context, false, "deb")?,
                    bundle::find(context, false, "rpm")?,
                ));
                Ok(())
            },
        );
    }
    match desktop {
        Ok(binary) => {
            let mut gui = context.cargo();
            if let Some((deb, rpm)) = &installers {
                gui.env("PFRM_DEB_PACKAGE", deb)
                    .env("PFRM_RPM_PACKAGE", rpm);
            }
            gui.args([
                "test",
                // The same packages and features as the Rust tests step, so cargo reuses what that
                // step compiled: `-p pfrm-tests` alone unifies dependency features differently and
                // rebuilt about a hundred crates.
                "--workspace",
                "--features",
                WORKSPACE_FEATURES,
                "--no-fail-fast",
                // Every GUI test target (e2e/gui*.rs), one test at a time.
                "--test",
                "gui*",
                "--",
                "--test-threads=1",
            ])
            .env("PFRM_APP_BINARY", &binary)
            .env(
                "PFRM_SCREENSHOT_DIR",
                context.repo_root.join("target").join("e2e-screenshots"),
            );
            report.run(Step::counted(
                "GUI: end-to-end tests (real app, Xvfb, WebDriver)",
                in_keychain_session(context, on_virtual_display(gui)),
            ));
        }
        Err(error) if error == GUI_ONLY_ON_LINUX => {
            report.skip("GUI: end-to-end tests (real app, Xvfb, WebDriver)", error)
        }
        Err(error) => report.fail("GUI: end-to-end tests (real app, Xvfb, WebDriver)", error),
    }

    // Every `cargo test` above replays the fuzz corpora and mutates them for a few seconds on
    // the stable toolchain. libFuzzer runs need a nightly build of the core (6 to 12 minutes
    // cold on 2 cores) and cargo-fuzz (about 2.5 minutes to install), so they are opt-in here:
    // PFRM_FUZZ_SECONDS=N runs every target for N seconds (5 keeps the step near a minute once
    // built).
    if let Some(seconds) = std::env::var("PFRM_FUZZ_SECONDS")
        .ok()
        .filter(|value| !value.is_empty())
    {
        let mut fuzz = context.cargo();
        fuzz.args(["xtask", "fuzz", "--seconds", &seconds]);
        report.run(Step::plain("Fuzz: libFuzzer run of every target", fuzz));
    }

    report.print_summary(started.elapsed());
    if report.all_passed() {
        Ok(())
    } else {
        Err("some checks failed (see the summary above)".into())
    }
}
