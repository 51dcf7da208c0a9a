//! Launching the real app under WebKitWebDriver and looking at it the way a user would.
// Each GUI test target (e2e/gui*.rs) includes this module and uses only part of it.
#![allow(dead_code)]

mod app;
mod capture;
pub mod core_view;
mod home;
mod paint;
mod process;
pub mod sandbox;
mod screen;

use std::time::{Duration, Instant};

pub use app::App;
pub use home::AppHome;
pub use screen::Screen;

/// The first screen can take a while on a cold, busy machine; later steps are quick.
const FIRST_SCREEN_TIMEOUT: Duration = Duration::from_secs(40);
const STEP_TIMEOUT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(100);

/// Asks `probe` every [`POLL`] until it answers `Ok`; after `timeout`, gives up with the
/// reason it gave last.
pub async fn poll_until<T>(
    timeout: Duration,
    mut probe: impl AsyncFnMut() -> Result<T, String>,
) -> Result<T, String> {
    let deadline = Instant::now() + timeout;
    loop {
        let reason = match probe().await {
            Ok(answer) => return Ok(answer),
            Err(reason) => reason,
        };
        if Instant::now() >= deadline {
            return Err(reason);
        }
        tokio::time::sleep(POLL).await;
    }
}
