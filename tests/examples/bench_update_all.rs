//! Benchmark: "Update all" over a fleet of outdated runtimes, with latency on every request and
//! a fixed restart time per runtime. With enough concurrency the whole fleet should take about
//! ceil(outdated / max_parallel) restarts, not one restart per runtime.
//!
//! `cargo run --release -p pfrm-tests --example bench_update_all [-- S W R MAX_PARALLEL TIME_SCALE LATENCY_MS]`
//! (default 2 8 1 4 15 100: 16 runtimes on 16 instances, 4 at a time, 8 s per restart).
//! Exits with 1 when the elapsed time exceeds 1.3 × the ideal.

#[path = "../tests/clients_common/mod.rs"]
mod clients_common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use clients_common::{start_emulator, EmulatorCredential, ALICE};
use pfrm_core::azure::WorkspaceRef;
use pfrm_core::http::Pipeline;
use pfrm_core::ops::runtimes::WatchSettings;
use pfrm_core::ops::updates::{self, CheckOptions, UpdateAllRequest};
use pfrm_core::ops::Operations;
use pfrm_core::services::Services;
use pfrm_emulator::{EmulatorOptions, Scenario};

/// The emulator's restart of a running instance plus the runtime's start after it, in
/// emulated seconds (see the emulator's README, "Time").
const RESTART_AND_START_SECONDS: f64 = 90.0 + 30.0;
const TARGET_RATIO: f64 = 1.3;

#[tokio::main]
async fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numeric arguments"))
        .collect();
    let arg = |i: usize, default: f64| args.get(i).copied().unwrap_or(default);
    let (subscriptions, workspaces, runtimes) = (
        arg(0, 2.0) as usize,
        arg(1, 8.0) as usize,
        arg(2, 1.0) as usize,
    );
    let max_parallel = arg(3, 4.0) as usize;
    let time_scale = arg(4, 15.0);
    let latency = Duration::from_millis(arg(5, 100.0) as u64);

    let (emulator, cloud) = start_emulator(EmulatorOptions {
        scenario: Scenario::fleet(subscriptions, workspaces, runtimes),
        time_scale,
        ..EmulatorOptions::default()
    })
    .await;
    emulator.faults().set_latency(latency);
    let credential = Arc::new(EmulatorCredential::new(emulator.clone(), ALICE, true));
    let pipeline = Pipeline::new(&cloud, credential.clone()).unwrap();
    let services = Services::new(cloud, credential, Operations::default())
        .unwrap()
        .with_pipeline(pipeline);
    let workspace_ids: Vec<String> = (1..=subscriptions)
        .flat_map(|s| {
            (1..=workspaces).map(move |w| {
                WorkspaceRef::new(
                    format!("5f1e0000-0000-4000-8000-{s:012}"),
                    format!("rg-fleet-{s}"),
                    format!("ws-fleet-{s}-{w}"),
                )
                .arm_id()
            })
        })
        .collect();
    let watch = WatchSettings {
        poll_interval: Duration::from_millis(250),
        timeout: Duration::from_secs(600),
    };

    let started = Instant::now();
    let summary = updates::update_all_outdated(
        &services,
        UpdateAllRequest {
            workspace_ids,
            max_parallel: Some(max_parallel as u32),
        },
        watch,
        CheckOptions::default(),
    )
    .await;
    let elapsed = started.elapsed().as_secs_f64();

    let outdated = summary.items.len();
    // Runtimes sharing an instance are updated one after another.
    let rounds = outdated
        .div_ceil(max_parallel.max(1))
        .max(runtimes.min(outdated));
    let per_runtime = RESTART_AND_START_SECONDS / time_scale;
    let ideal = rounds as f64 * per_runtime;
    let ratio = elapsed / ideal;
    println!(
        "fleet {subscriptions}x{workspaces}x{runtimes}: {outdated} outdated, {} up to date; max_parallel {max_parallel}; latency {} ms/request",
        summary.up_to_date,
        latency.as_millis()
    );
    println!(
        "updated {}, failed {}, needs attention {}, already updating {}",
        summary.updated, summary.failed, summary.needs_attention, summary.already_updating
    );
    for item in summary.items.iter().filter(|i| i.error.is_some()) {
        println!(
            "  {} / {}: {}",
            item.workspace_name,
            item.runtime_name,
            item.error
                .as_ref()
                .map(|e| e.message.as_str())
                .unwrap_or("")
        );
    }
    println!(
        "per-runtime restart {per_runtime:.2} s; ideal ceil({outdated}/{max_parallel}) x {per_runtime:.2} s = {ideal:.2} s"
    );
    println!(
        "elapsed {elapsed:.2} s; ratio {ratio:.3} (target <= {TARGET_RATIO}) {}",
        if ratio <= TARGET_RATIO {
            "PASS"
        } else {
            "FAIL"
        }
    );
    if ratio > TARGET_RATIO || summary.failed > 0 || outdated == 0 {
        std::process::exit(1);
    }
}
