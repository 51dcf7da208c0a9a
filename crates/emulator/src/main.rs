//! `pfrm-emulator`: runs the local Azure standalone until interrupted.

use anyhow::Result;
use clap::Parser;
use pfrm_emulator::{Emulator, EmulatorOptions, Scenario};
use std::net::SocketAddr;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "pfrm-emulator",
    about = "A local Azure for pfrm: identity platform, ARM, flow service, registry and Graph over loopback HTTPS"
)]
struct Args {
    /// Scenario: first-time, returning, retiring, blocked, fleet or fleet:S:W:R
    #[arg(long, default_value = "first-time")]
    scenario: String,
    /// A scenario JSON file instead of a named scenario
    #[arg(long)]
    scenario_file: Option<PathBuf>,
    /// Address of the first listener (port 0 = free ports; port P = P..P+5)
    #[arg(long, default_value = "127.0.0.1:0")]
    listen: SocketAddr,
    /// Emulated time runs this many times faster than real time
    #[arg(long, default_value_t = 1.0)]
    time_scale: f64,
    /// Write the ready file (JSON with every endpoint and the CA) here once listening
    #[arg(long)]
    ready_file: Option<PathBuf>,
    /// Folder for ca.pem (default: a temporary folder removed on exit)
    #[arg(long)]
    state_dir: Option<PathBuf>,
    /// Access-token lifetime in seconds
    #[arg(long)]
    token_lifetime: Option<u64>,
    /// ARM page size before nextLink
    #[arg(long)]
    page_size: Option<usize>,
    /// Device-code polling interval announced to clients, in seconds
    #[arg(long)]
    device_code_interval: Option<u64>,
    /// The emulated calendar date (YYYY-MM-DD), e.g. after prompt flow's retirement
    #[arg(long)]
    today: Option<String>,
}

#[tokio::main]
async fn main() -> Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut scenario = match &args.scenario_file {
        Some(path) => Scenario::from_file(path)?,
        None => Scenario::by_name(&args.scenario)?,
    };
    if args.today.is_some() {
        scenario.today = args.today.clone();
    }
    let emulator = Emulator::start(EmulatorOptions {
        scenario,
        time_scale: args.time_scale,
        listen: args.listen,
        ready_file: args.ready_file,
        state_dir: args.state_dir,
        token_lifetime: args.token_lifetime.map(std::time::Duration::from_secs),
        page_size: args.page_size,
        device_code_interval: args.device_code_interval,
    })
    .await?;
    println!("{}", serde_json::to_string(emulator.ready_info())?);
    tokio::signal::ctrl_c().await?;
    emulator.shutdown().await;
    Ok(())
}
