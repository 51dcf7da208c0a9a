//! The lock that makes refresh safe across processes.
//!
//! The desktop app and every `pfrm` command share one refresh token per account (in the OS
//! keychain), and the authority rotates it on every use: a refresh token used twice may revoke
//! the whole grant. So a refresh runs under an OS file lock in pfrm's data folder, held from
//! reading the keychain to writing the rotated token back. The OS releases the lock when its
//! holder exits, however it exits, so a crashed process never blocks the others.

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::error::{Error, ErrorCode};
use crate::http::wait::{self, Look, Wait, Waited};

/// The lock file's name, next to the settings file.
pub const LOCK_FILE_NAME: &str = "sign-in.lock";
/// How long to wait for another process's refresh (one token request and one keychain write).
const WAIT_LIMIT: Duration = Duration::from_secs(90);
const POLL_INTERVAL: Duration = Duration::from_millis(20);

/// Where the lock lives; `None` for credentials that share nothing with other processes (tests).
#[derive(Debug, Clone, Default)]
pub struct RefreshLock {
    path: Option<PathBuf>,
}

/// Held while refreshing; dropping it releases the lock.
#[derive(Debug)]
pub struct RefreshLockGuard {
    _file: Option<std::fs::File>,
}

impl RefreshLock {
    /// The lock shared by every process whose settings live in `data_dir`.
    pub fn in_dir(data_dir: &Path) -> Self {
        RefreshLock {
            path: Some(data_dir.join(LOCK_FILE_NAME)),
        }
    }

    /// No cross-process lock (memory-only test set-ups).
    pub fn none() -> Self {
        RefreshLock { path: None }
    }

    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Waits for the lock without blocking the async runtime.
    pub async fn acquire(&self) -> Result<RefreshLockGuard, Error> {
        let Some(path) = &self.path else {
            return Ok(RefreshLockGuard { _file: None });
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|error| lock_error(path, &error))?;
        }
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(path)
            .map_err(|error| lock_error(path, &error))?;
        // The lock is tried, not blocked on: a blocking wait would hold a runtime thread.
        let wait = Wait::every(POLL_INTERVAL, WAIT_LIMIT);
        let taken = wait::until(&wait, |_| {
            let look = match fs4::FileExt::try_lock(&file) {
                Ok(()) => Ok(Look::Done(())),
                Err(fs4::TryLockError::WouldBlock) => Ok(Look::Again),
                Err(fs4::TryLockError::Error(error)) => Err(lock_error(path, &error)),
            };
            std::future::ready(look)
        })
        .await?;
        match taken {
            Waited::Done(()) => Ok(RefreshLockGuard { _file: Some(file) }),
            Waited::TimedOut => Err(Error::new(
                ErrorCode::Timeout,
                "Another pfrm process has been refreshing the sign-in for too long.",
            )
            .with_remedy("Close other pfrm windows and commands that may be stuck, then try again.")
            .with_detail("lock", path.display().to_string())),
        }
    }
}

fn lock_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Config,
        format!(
            "pfrm could not use its sign-in lock file {}.",
            path.display()
        ),
    )
    .with_remedy("Check that pfrm's data folder exists and is writable by you.")
    .with_detail("cause", error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[tokio::test]
    async fn the_lock_is_exclusive_and_released_on_drop() {
        let dir = tempfile::tempdir().unwrap();
        let lock = RefreshLock::in_dir(dir.path());
        let held = lock.acquire().await.unwrap();
        // A second holder (as another process would) must wait until the first lets go.
        let other = RefreshLock::in_dir(dir.path());
        let waiter = tokio::spawn(async move { other.acquire().await.map(|_| Instant::now()) });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiter.is_finished(), "the lock was taken twice");
        let released = Instant::now();
        drop(held);
        let acquired = waiter.await.unwrap().unwrap();
        assert!(acquired >= released);
    }
}
