//! The process's log, kept in memory so that a test can read back what was logged.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// What the process has logged since the capture began (or since [`CapturedLog::clear`]).
#[derive(Clone, Default)]
pub struct CapturedLog(Arc<Mutex<Vec<u8>>>);

impl Write for CapturedLog {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl CapturedLog {
    /// Starts capturing the events `filter` (an `EnvFilter` directive such as `trace` or
    /// `pfrm_emulator=debug`) lets through, without colour codes. The log is process-wide: the
    /// first call in a test binary sets the filter, later calls share its capture.
    pub fn start(filter: &str) -> CapturedLog {
        static CAPTURED: OnceLock<CapturedLog> = OnceLock::new();
        CAPTURED
            .get_or_init(|| {
                let captured = CapturedLog::default();
                let writer = captured.clone();
                tracing_subscriber::fmt()
                    .with_env_filter(filter)
                    .with_ansi(false)
                    .with_writer(move || writer.clone())
                    .init();
                captured
            })
            .clone()
    }

    /// The log so far.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }

    /// Forgets the log so far.
    pub fn clear(&self) {
        self.0.lock().unwrap().clear();
    }
}
