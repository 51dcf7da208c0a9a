//! Reading what a `pfrm` process printed: its exit code, its streams, the whole of it for an
//! assertion's message, and the structured error it ends with under `--json`.

use std::process::Output;

/// The exit code, or -1 when a signal ended the process.
pub fn code(output: &Output) -> i32 {
    output.status.code().unwrap_or(-1)
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Status, stdout and stderr together, for a failed assertion to show.
pub fn text(output: &Output) -> String {
    format!(
        "status {:?}\nstdout:\n{}\nstderr:\n{}",
        output.status,
        stdout(output),
        stderr(output)
    )
}

/// Asserts the process exited with `expected`, showing everything it printed otherwise.
#[track_caller]
pub fn assert_exit(output: &Output, expected: i32) {
    assert_eq!(code(output), expected, "{}", text(output));
}

/// The `--json` error: progress lines come first on stderr, the error is its last line.
#[track_caller]
pub fn json_error(output: &Output) -> serde_json::Value {
    let last = stderr(output)
        .lines()
        .rfind(|line| !line.trim().is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no error on stderr: {}", text(output)));
    serde_json::from_str(&last).unwrap_or_else(|e| panic!("{e}: {}", text(output)))
}

/// Asserts stdout contains `needle`, showing everything the process printed otherwise.
#[track_caller]
pub fn assert_stdout_has(output: &Output, needle: &str) {
    assert!(stdout(output).contains(needle), "{}", text(output));
}

/// Asserts stderr contains `needle`, showing everything the process printed otherwise.
#[track_caller]
pub fn assert_stderr_has(output: &Output, needle: &str) {
    assert!(stderr(output).contains(needle), "{}", text(output));
}

/// Runs `command` to its end on a blocking thread, so an in-process emulator keeps serving.
pub async fn output_of(mut command: std::process::Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("the command runs"))
        .await
        .expect("the command's thread")
}
