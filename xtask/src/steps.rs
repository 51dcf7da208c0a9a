//! Running the steps of `cargo xtask test`: each step is a command whose output is streamed to
//! the terminal as it comes; test steps also have their pass/fail counts read from the runners'
//! own summary lines, so the final line can total them.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// `npm ARGS` in `dir` (`npm.cmd` on Windows).
pub fn npm(dir: &Path, args: &[&str]) -> Command {
    let mut command = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
    command.args(args).current_dir(dir);
    command
}

/// Quotes a word for `sh -c`.
pub fn shell_quote(word: &str) -> String {
    if !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c))
    {
        word.to_string()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// Runs a command with inherited output; fails with a message naming what failed.
pub fn run_plain(what: &str, mut command: Command) -> Result<(), String> {
    println!("xtask: {what}: {}", describe(&command));
    let status = command.status().map_err(|error| {
        format!(
            "could not {what}: {} did not start ({error})",
            describe(&command)
        )
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(format!(
            "could not {what}: {} exited with {status}",
            describe(&command)
        ))
    }
}

fn describe(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&shell_quote(&arg.to_string_lossy()));
    }
    text
}

pub struct Step {
    name: String,
    command: Command,
    counts_tests: bool,
}

impl Step {
    pub fn plain(name: &str, command: Command) -> Step {
        Step {
            name: name.into(),
            command,
            counts_tests: false,
        }
    }

    pub fn counted(name: &str, command: Command) -> Step {
        Step {
            name: name.into(),
            command,
            counts_tests: true,
        }
    }
}

#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
    pub skipped: u64,
}

impl Counts {
    fn add(&mut self, other: Counts) {
        self.passed += other.passed;
        self.failed += other.failed;
        self.skipped += other.skipped;
    }
}

struct Outcome {
    name: String,
    ok: bool,
    elapsed: Duration,
    counts: Option<Counts>,
    note: Option<String>,
}

#[derive(Default)]
pub struct Report {
    outcomes: Vec<Outcome>,
}

impl Report {
    pub fn run(&mut self, step: Step) {
        let Step {
            name,
            mut command,
            counts_tests,
        } = step;
        println!("\n==> {name}\n    {}", describe(&command));
        let started = Instant::now();
        let (ok, counts, note) = match run_counting(&mut command) {
            Ok((status_ok, counts)) => {
                let counts = counts_tests.then_some(counts);
                // A test step that ran no test at all is a failure: something did not build or
                // every test was filtered away.
                let ran_nothing = counts.is_some_and(|c| c.passed + c.failed == 0);
                let note = ran_nothing.then(|| "no test ran".to_string());
                (status_ok && !ran_nothing, counts, note)
            }
            Err(error) => (false, None, Some(error)),
        };
        self.outcomes.push(Outcome {
            name,
            ok,
            elapsed: started.elapsed(),
            counts,
            note,
        });
    }

    pub fn fail(&mut self, name: &str, reason: String) {
        println!("\n==> {name}\n    not run: {reason}");
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: false,
            elapsed: Duration::ZERO,
            counts: None,
            note: Some(reason),
        });
    }

    /// A step done inside xtask rather than by a command.
    pub fn check(&mut self, name: &str, work: impl FnOnce() -> Result<(), String>) {
        println!("\n==> {name}");
        let started = Instant::now();
        let result = work();
        if let Err(error) = &result {
            println!("    failed: {error}");
        }
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: result.is_ok(),
            elapsed: started.elapsed(),
            counts: None,
            note: result.err(),
        });
    }

    /// A step that cannot run on this machine: shown as skipped, with the reason.
    pub fn skip(&mut self, name: &str, reason: String) {
        println!("\n==> {name}\n    skipped: {reason}");
        self.outcomes.push(Outcome {
            name: name.into(),
            ok: true,
            elapsed: Duration::ZERO,
            counts: None,
            note: Some(format!("skipped: {reason}")),
        });
    }

    pub fn all_passed(&self) -> bool {
        self.outcomes.iter().all(|outcome| outcome.ok)
    }

    pub fn print_summary(&self, total: Duration) {
        println!("\n==> summary ({:.0} s in all)", total.as_secs_f64());
        let mut totals = Counts::default();
        let mut failed_steps = 0;
        for outcome in &self.outcomes {
            let mark = if outcome.ok { "ok  " } else { "FAIL" };
            let counts = outcome
                .counts
                .map(|c| {
                    format!(
                        " — {} passed, {} failed, {} skipped",
                        c.passed, c.failed, c.skipped
                    )
                })
                .unwrap_or_default();
            let note = outcome
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            println!(
                "  {mark} {:<52} {:>6.1} s{counts}{note}",
                outcome.name,
                outcome.elapsed.as_secs_f64()
            );
            if let Some(counts) = outcome.counts {
                totals.add(counts);
            }
            if !outcome.ok {
                failed_steps += 1;
            }
        }
        // A failed step without counted test failures (a build, lint or clippy failure) still
        // counts as one failure in the closing line.
        let failed = totals.failed.max(failed_steps);
        println!(
            "xtask: {} passed, {} failed, {} skipped",
            totals.passed, failed, totals.skipped
        );
    }
}

/// Runs the command, echoing its stdout and stderr line by line, and sums the test counts that
/// the runners print in their summary lines.
fn run_counting(command: &mut Command) -> Result<(bool, Counts), String> {
    let mut child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| format!("{} did not start: {error}", describe(command)))?;
    let (sender, receiver) = mpsc::channel::<(bool, String)>();
    let mut readers = Vec::new();
    if let Some(stdout) = child.stdout.take() {
        let sender = sender.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                let _ = sender.send((false, line));
            }
        }));
    }
    if let Some(stderr) = child.stderr.take() {
        let sender = sender.clone();
        readers.push(std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                let _ = sender.send((true, line));
            }
        }));
    }
    drop(sender);
    let mut counts = Counts::default();
    for (is_stderr, line) in receiver {
        if is_stderr {
            eprintln!("{line}");
        } else {
            println!("{line}");
        }
        if let Some(found) = parse_summary_line(&line) {
            counts.add(found);
        }
    }
    for reader in readers {
        let _ = reader.join();
    }
    let status = child
        .wait()
        .map_err(|error| format!("waiting for {} failed: {error}", describe(command)))?;
    Ok((status.success(), counts))
}

/// Reads the summary line of the runners this project uses:
/// cargo test (`test result: ok. 5 passed; 0 failed; 1 ignored; ...`), Vitest
/// (`Tests  12 passed | 1 skipped (13)`), node's test runner (`# pass 3` / `# fail 0` /
/// `# skipped 0`) and the plain `N passed, N failed` line.
pub fn parse_summary_line(line: &str) -> Option<Counts> {
    let line = strip_ansi(line);
    let trimmed = line.trim();
    if let Some(rest) = trimmed.strip_prefix("test result: ") {
        return Some(Counts {
            passed: number_before(rest, " passed")?,
            failed: number_before(rest, " failed")?,
            skipped: number_before(rest, " ignored").unwrap_or(0),
        });
    }
    if let Some(rest) = trimmed.strip_prefix("Tests ") {
        if rest.contains('(') {
            return Some(Counts {
                passed: number_before(rest, " passed").unwrap_or(0),
                failed: number_before(rest, " failed").unwrap_or(0),
                skipped: number_before(rest, " skipped").unwrap_or(0),
            });
        }
    }
    for (prefix, field) in [("# pass ", 0), ("# fail ", 1), ("# skipped ", 2)] {
        if let Some(number) = trimmed.strip_prefix(prefix) {
            let value: u64 = number.trim().parse().ok()?;
            let mut counts = Counts::default();
            match field {
                0 => counts.passed = value,
                1 => counts.failed = value,
                _ => counts.skipped = value,
            }
            return Some(counts);
        }
    }
    let words: Vec<&str> = trimmed.split_whitespace().collect();
    if let [passed, "passed,", failed, "failed"] = words.as_slice() {
        return Some(Counts {
            passed: passed.parse().ok()?,
            failed: failed.parse().ok()?,
            skipped: 0,
        });
    }
    None
}

fn number_before(text: &str, label: &str) -> Option<u64> {
    let end = text.find(label)?;
    let digits: String = text[..end]
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits.parse().ok()
}

fn strip_ansi(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            if chars.peek() == Some(&'[') {
                chars.next();
                for next in chars.by_ref() {
                    if next.is_ascii_alphabetic() {
                        break;
                    }
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_cargo_test_summaries() {
        assert_eq!(
            parse_summary_line("test result: ok. 12 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.08s"),
            Some(Counts { passed: 12, failed: 0, skipped: 2 })
        );
        assert_eq!(
            parse_summary_line("test result: FAILED. 5 passed; 1 failed; 0 ignored; 0 measured"),
            Some(Counts {
                passed: 5,
                failed: 1,
                skipped: 0
            })
        );
    }

    #[test]
    fn reads_vitest_summaries_with_colours() {
        assert_eq!(
            parse_summary_line("\u{1b}[2m      Tests \u{1b}[22m \u{1b}[1m\u{1b}[32m14 passed\u{1b}[39m\u{1b}[22m\u{1b}[90m (14)\u{1b}[39m"),
            Some(Counts { passed: 14, failed: 0, skipped: 0 })
        );
        assert_eq!(
            parse_summary_line("      Tests  2 failed | 10 passed | 1 skipped (13)"),
            Some(Counts {
                passed: 10,
                failed: 2,
                skipped: 1
            })
        );
    }

    #[test]
    fn reads_node_test_runner_and_plain_summaries() {
        assert_eq!(
            parse_summary_line("# pass 7"),
            Some(Counts {
                passed: 7,
                failed: 0,
                skipped: 0
            })
        );
        assert_eq!(
            parse_summary_line("# fail 1"),
            Some(Counts {
                passed: 0,
                failed: 1,
                skipped: 0
            })
        );
        assert_eq!(
            parse_summary_line("9 passed, 1 failed"),
            Some(Counts {
                passed: 9,
                failed: 1,
                skipped: 0
            })
        );
        assert_eq!(parse_summary_line("compiling 9 crates"), None);
    }

    #[test]
    fn quotes_only_what_needs_quoting() {
        assert_eq!(shell_quote("cargo"), "cargo");
        assert_eq!(shell_quote("-screen 0 1x1"), "'-screen 0 1x1'");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
