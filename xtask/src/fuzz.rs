//! `cargo xtask fuzz [--seconds N] [TARGET...]`: runs every libFuzzer target in `fuzz/` (or the
//! ones named) for N seconds each (default 10), starting from the checked-in seed corpus, and
//! prints the executions and crashes per target and in all.
//!
//! The targets need the nightly toolchain and cargo-fuzz; cargo-fuzz is installed from crates.io
//! when missing ([`crate::setup::install_cargo_fuzz`]). New inputs libFuzzer finds go to a
//! scratch corpus under the target directory, so the checked-in seeds change only by hand; a
//! crash is saved under `fuzz/artifacts/<target>/` and must become a regression test (copy it
//! into `fuzz/corpus/<target>/`, where `cargo test` replays it, and fix the parser).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use crate::Context;

/// How long each target runs when `--seconds` is not given.
const DEFAULT_SECONDS: u64 = 10;

pub fn run(context: &Context, args: &[String]) -> Result<(), String> {
    let mut seconds = DEFAULT_SECONDS;
    let mut wanted = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" => {
                seconds = args
                    .next()
                    .and_then(|value| value.parse().ok())
                    .filter(|value| *value > 0)
                    .ok_or("--seconds needs a whole number of seconds above 0")?;
            }
            other if other.starts_with('-') => return Err(format!("unknown option {other}")),
            name => wanted.push(name.to_owned()),
        }
    }
    let fuzz_dir = context.repo_root.join("fuzz");
    let all = targets(&fuzz_dir)?;
    let chosen: Vec<String> = if wanted.is_empty() {
        all
    } else {
        for name in &wanted {
            if !all.contains(name) {
                return Err(format!(
                    "no fuzz target '{name}' (there are: {})",
                    all.join(", ")
                ));
            }
        }
        wanted
    };
    crate::setup::install_cargo_fuzz()?;
    let target_dir = context.target_dir.join("fuzz");

    let build_started = Instant::now();
    let mut build = fuzz_command(context, &target_dir);
    build.args(["build"]);
    build.args(common_flags());
    let status = build
        .status()
        .map_err(|error| format!("cargo +nightly fuzz could not start: {error}"))?;
    if !status.success() {
        return Err("the fuzz targets did not build".into());
    }
    println!(
        "fuzz: built {} targets in {:.0} s",
        chosen.len(),
        build_started.elapsed().as_secs_f64()
    );

    let mut total_runs: u64 = 0;
    let mut crashed = Vec::new();
    for name in &chosen {
        let scratch = target_dir.join("corpus").join(name);
        std::fs::create_dir_all(&scratch)
            .map_err(|error| format!("{}: {error}", scratch.display()))?;
        let mut command = fuzz_command(context, &target_dir);
        command.args(["run"]);
        command.args(common_flags());
        command
            .arg(name)
            .arg(&scratch)
            .arg(fuzz_dir.join("corpus").join(name))
            .arg("--")
            .arg(format!("-max_total_time={seconds}"))
            .arg("-print_final_stats=1")
            .arg("-timeout=10")
            .arg("-rss_limit_mb=2048")
            .stdout(Stdio::inherit())
            .stderr(Stdio::piped());
        let output = command
            .output()
            .map_err(|error| format!("cargo +nightly fuzz could not start: {error}"))?;
        let log = String::from_utf8_lossy(&output.stderr);
        let runs = executed_units(&log).unwrap_or(0);
        total_runs += runs;
        if output.status.success() {
            println!("fuzz: {name:<22} {runs:>12} runs, 0 crashes");
        } else {
            // Show libFuzzer's own account of the crash (input, stack, artifact path).
            let tail: Vec<&str> = log.lines().rev().take(60).collect();
            for line in tail.into_iter().rev() {
                eprintln!("{line}");
            }
            println!("fuzz: {name:<22} {runs:>12} runs, CRASHED");
            crashed.push(name.clone());
        }
    }
    println!(
        "fuzz: {} targets, {total_runs} runs in all, {} crashes",
        chosen.len(),
        crashed.len()
    );
    if crashed.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "fuzz targets crashed: {} (inputs saved under fuzz/artifacts/)",
            crashed.join(", ")
        ))
    }
}

/// The targets: one per `fuzz/fuzz_targets/<name>.rs`.
fn targets(fuzz_dir: &Path) -> Result<Vec<String>, String> {
    let dir = fuzz_dir.join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .map_err(|error| format!("{}: {error}", dir.display()))?
        .filter_map(|entry| {
            let path = entry.ok()?.path();
            (path.extension()? == "rs").then(|| path.file_stem()?.to_str().map(str::to_owned))?
        })
        .collect();
    names.sort();
    Ok(names)
}

/// No sanitizer: the code under test is safe Rust, so what the fuzzer finds is a panic, and
/// without AddressSanitizer each run is about twice as fast. Release mode with debug assertions
/// (cargo-fuzz's default) keeps overflow checks on.
fn common_flags() -> [&'static str; 4] {
    ["--fuzz-dir", "fuzz", "--sanitizer", "none"]
}

fn fuzz_command(context: &Context, target_dir: &PathBuf) -> Command {
    let mut command = Command::new("cargo");
    command
        .current_dir(&context.repo_root)
        .env_remove("RUSTUP_TOOLCHAIN")
        .env("CARGO_TARGET_DIR", target_dir)
        .args(["+nightly", "fuzz"]);
    command
}

/// `stat::number_of_executed_units: N` from libFuzzer's final statistics.
fn executed_units(log: &str) -> Option<u64> {
    log.lines()
        .rev()
        .filter_map(|line| line.strip_prefix("stat::number_of_executed_units:"))
        .find_map(|value| value.trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_run_count_is_read_from_libfuzzers_final_statistics() {
        let log = "INFO: Seed: 1\n#2 INITED\nstat::number_of_executed_units: 123456\nstat::average_exec_per_sec: 12345\n";
        assert_eq!(executed_units(log), Some(123_456));
        assert_eq!(executed_units("crashed early"), None);
    }
}
