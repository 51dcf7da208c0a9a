//! Load benchmark on loopback: start-up time and requests per second for an ARM read (bearer
//! validation + RBAC) and an anonymous registry read. Bounded in time and count.
//!
//! `cargo run --release -p pfrm-emulator --example bench [-- SECONDS CONCURRENCY]`

use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let seconds: u64 = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(3)
        .clamp(1, 30);
    let concurrency: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .unwrap_or(16)
        .clamp(1, 128);

    let started = Instant::now();
    let emu = Emulator::start(EmulatorOptions {
        scenario: Scenario::by_name("first-time")?,
        ..Default::default()
    })
    .await?;
    let startup = started.elapsed();
    let info = emu.ready_info().clone();
    let token =
        emu.issue_access_token("alice@contoso.com", "https://management.azure.com/.default")?;
    let ca = reqwest::Certificate::from_pem(info.ca_cert_pem.as_bytes())?;
    let client = reqwest::Client::builder().tls_certs_only([ca]).build()?;
    let arm = format!(
        "{}/subscriptions/3d9e2f10-7c4b-4a8e-b1d2-5e6f7a8b9c01/resourceGroups/rg-ml/providers/Microsoft.MachineLearningServices/workspaces/ml-workspace?api-version=2024-04-01",
        info.arm_endpoint
    );
    let registry = format!(
        "{}/v2/azureml/promptflow/promptflow-runtime-stable/tags/list",
        info.registry_endpoint
    );

    println!(
        "start-up: {:.1} ms (listeners ready: {} ms)",
        startup.as_secs_f64() * 1000.0,
        info.startup_ms
    );
    for (name, url, bearer) in [
        ("ARM GET workspace", arm, Some(token.clone())),
        ("registry tags/list", registry, None),
    ] {
        let ok = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let mut tasks = vec![];
        for _ in 0..concurrency {
            let (client, url, bearer, ok, failed) = (
                client.clone(),
                url.clone(),
                bearer.clone(),
                ok.clone(),
                failed.clone(),
            );
            tasks.push(tokio::spawn(async move {
                // At most 200k requests per worker, and never past the deadline.
                for _ in 0..200_000 {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let mut req = client.get(&url);
                    if let Some(t) = &bearer {
                        req = req.bearer_auth(t);
                    }
                    match req.send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                            ok.fetch_add(1, Ordering::Relaxed);
                        }
                        _ => {
                            failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
            }));
        }
        let t0 = Instant::now();
        for t in tasks {
            t.await?;
        }
        let elapsed = t0.elapsed().as_secs_f64();
        let n = ok.load(Ordering::Relaxed);
        println!(
            "{name}: {n} requests in {elapsed:.2} s with {concurrency} connections = {:.0} req/s ({} failed)",
            n as f64 / elapsed,
            failed.load(Ordering::Relaxed)
        );
    }
    emu.shutdown().await;
    Ok(())
}
