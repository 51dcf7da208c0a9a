//! How long pfrm waits for Azure: every wait ends, and a read gives up sooner than a write.

use std::time::Duration;

use super::Method;

/// How long pfrm waits for Azure. Every wait ends: a server that accepts the connection and
/// then says nothing gives a [`crate::ErrorCode::Timeout`] error (CLI exit 9) after at most
/// [`Deadlines::read_call`] for a read and [`Deadlines::write_call`] for a write, retries and
/// their waits included. The defaults are documented in `crates/cli/README.md`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Deadlines {
    /// Opening the connection (TCP and TLS).
    pub connect: Duration,
    /// Silence from the server: before the first byte of its answer, or between two reads.
    pub idle: Duration,
    /// One attempt, from sending the request to the last byte of the answer.
    pub attempt: Duration,
    /// One call that only reads (GET, HEAD, OPTIONS), every attempt and wait between included.
    pub read_call: Duration,
    /// One call that writes (PUT, POST, PATCH, DELETE), every attempt and wait included.
    pub write_call: Duration,
}

impl Default for Deadlines {
    fn default() -> Self {
        Deadlines {
            connect: Duration::from_secs(10),
            idle: Duration::from_secs(30),
            attempt: Duration::from_secs(90),
            read_call: Duration::from_secs(60),
            write_call: Duration::from_secs(150),
        }
    }
}

impl Deadlines {
    /// The deadline of one call with `method`.
    pub fn for_call(&self, method: &Method) -> Duration {
        if matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS) {
            self.read_call
        } else {
            self.write_call
        }
    }
}
