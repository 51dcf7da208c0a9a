//! The one way pfrm waits for something to change: look (a probe), pause, look again, until the
//! probe says done, the deadline passes or the wait is cancelled.
//!
//! The long-running-operation poller ([`super::lro`]) and every operation that watches a resource
//! (a runtime starting or going away, a role taking effect, a new identity becoming known) run on
//! it, so cancellation, deadlines and pauses behave alike everywhere. A probe does not retry
//! transient failures itself: the pipeline already did, and an error it returns ends the wait.

use std::future::Future;
use std::time::Duration;

use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::error::{Error, Result};

/// How often and how long to look.
#[derive(Debug, Clone)]
pub struct Wait {
    /// Pause between looks when the probe does not ask for another.
    pub interval: Duration,
    /// No pause is longer than this, whatever the probe (or the service behind it) asks.
    pub max_interval: Duration,
    /// Pause before the first look (zero: look at once).
    pub first_delay: Duration,
    /// Give up after this long, counted from the start of the wait.
    pub timeout: Duration,
    /// Cancelling stops the wait at once, even in the middle of a look.
    pub cancel: CancellationToken,
}

impl Wait {
    /// Looks every `interval` (at once first) for up to `timeout`, without a cancel of its own.
    pub fn every(interval: Duration, timeout: Duration) -> Self {
        Wait {
            interval,
            max_interval: interval.max(Duration::from_secs(60)),
            first_delay: Duration::ZERO,
            timeout,
            cancel: CancellationToken::new(),
        }
    }

    pub fn with_cancel(mut self, cancel: CancellationToken) -> Self {
        self.cancel = cancel;
        self
    }

    pub fn with_max_interval(mut self, max_interval: Duration) -> Self {
        self.max_interval = max_interval;
        self
    }

    /// Waits `delay` (capped like any pause) before the first look.
    pub fn after(mut self, delay: Duration) -> Self {
        self.first_delay = delay;
        self
    }
}

/// What one look found.
#[derive(Debug, Clone, PartialEq)]
pub enum Look<T> {
    /// Finished with this value.
    Done(T),
    /// Not yet: look again after the usual interval.
    Again,
    /// Not yet: look again after this pause (a service's `Retry-After`, a backoff), capped at
    /// [`Wait::max_interval`]. Zero means "no preference": the usual interval.
    AgainAfter(Duration),
}

/// How a wait ended without an error.
#[derive(Debug, Clone, PartialEq)]
pub enum Waited<T> {
    Done(T),
    /// The deadline passed first (possibly during a look, which was then abandoned).
    TimedOut,
}

/// Facts about the wait so far, handed to every look.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Attempt {
    /// 1 for the first look.
    pub number: u32,
    /// Time since the wait began.
    pub elapsed: Duration,
}

/// Runs `probe` until it is done, the deadline passes ([`Waited::TimedOut`]) or `wait.cancel`
/// fires ([`crate::error::ErrorCode::Cancelled`]). An error from the probe ends the wait.
pub async fn until<T, F, Fut>(wait: &Wait, mut probe: F) -> Result<Waited<T>>
where
    F: FnMut(Attempt) -> Fut,
    Fut: Future<Output = Result<Look<T>>>,
{
    let started = Instant::now();
    let deadline = started + wait.timeout;
    let mut pause = wait.first_delay.min(wait.max_interval);
    let mut number = 0u32;
    loop {
        if !pause.is_zero() {
            let wake = (Instant::now() + pause).min(deadline);
            tokio::select! {
                biased;
                _ = wait.cancel.cancelled() => return Err(Error::cancelled()),
                _ = tokio::time::sleep_until(wake) => {}
            }
        }
        if wait.cancel.is_cancelled() {
            return Err(Error::cancelled());
        }
        if Instant::now() >= deadline {
            return Ok(Waited::TimedOut);
        }
        number += 1;
        let attempt = Attempt {
            number,
            elapsed: started.elapsed(),
        };
        let look = tokio::select! {
            biased;
            _ = wait.cancel.cancelled() => return Err(Error::cancelled()),
            _ = tokio::time::sleep_until(deadline) => return Ok(Waited::TimedOut),
            look = probe(attempt) => look?,
        };
        pause = match look {
            Look::Done(value) => return Ok(Waited::Done(value)),
            Look::Again => wait.interval,
            Look::AgainAfter(asked) if asked.is_zero() => wait.interval,
            Look::AgainAfter(asked) => asked,
        }
        .min(wait.max_interval);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorCode;
    use std::sync::{Arc, Mutex};

    fn looks_at(times: &Arc<Mutex<Vec<Duration>>>, attempt: Attempt) {
        times.lock().unwrap().push(attempt.elapsed);
    }

    #[tokio::test(start_paused = true)]
    async fn looks_at_once_then_every_interval_until_done() {
        let times = Arc::new(Mutex::new(Vec::new()));
        let wait = Wait::every(Duration::from_secs(10), Duration::from_secs(300));
        let outcome = until(&wait, |attempt| {
            looks_at(&times, attempt);
            async move {
                Ok(if attempt.number == 4 {
                    Look::Done("ready")
                } else {
                    Look::Again
                })
            }
        })
        .await
        .unwrap();
        assert_eq!(outcome, Waited::Done("ready"));
        let seconds: Vec<u64> = times.lock().unwrap().iter().map(|d| d.as_secs()).collect();
        assert_eq!(seconds, vec![0, 10, 20, 30]);
    }

    #[tokio::test(start_paused = true)]
    async fn an_asked_pause_is_used_capped_and_zero_means_the_interval() {
        let times = Arc::new(Mutex::new(Vec::new()));
        let wait = Wait::every(Duration::from_secs(5), Duration::from_secs(600))
            .with_max_interval(Duration::from_secs(30))
            .after(Duration::from_secs(2));
        until(&wait, |attempt| {
            looks_at(&times, attempt);
            async move {
                Ok(match attempt.number {
                    1 => Look::AgainAfter(Duration::ZERO),
                    2 => Look::AgainAfter(Duration::from_secs(3600)),
                    3 => Look::AgainAfter(Duration::from_secs(1)),
                    _ => Look::Done(()),
                })
            }
        })
        .await
        .unwrap();
        let seconds: Vec<u64> = times.lock().unwrap().iter().map(|d| d.as_secs()).collect();
        // 2 s first delay; 0 → the 5 s interval; an hour → the 30 s cap; then 1 s.
        assert_eq!(seconds, vec![2, 7, 37, 38]);
    }

    #[tokio::test(start_paused = true)]
    async fn the_deadline_ends_the_wait_even_during_a_look() {
        let wait = Wait::every(Duration::from_secs(10), Duration::from_secs(25));
        let started = Instant::now();
        let outcome: Waited<()> = until(&wait, |_| async { Ok(Look::Again) }).await.unwrap();
        assert_eq!(outcome, Waited::TimedOut);
        assert_eq!(started.elapsed().as_secs(), 25);

        let started = Instant::now();
        let outcome: Waited<()> = until(&wait, |_| async {
            tokio::time::sleep(Duration::from_secs(3600)).await;
            Ok(Look::Again)
        })
        .await
        .unwrap();
        assert_eq!(outcome, Waited::TimedOut);
        assert_eq!(started.elapsed().as_secs(), 25);
    }

    #[tokio::test(start_paused = true)]
    async fn cancelling_stops_a_pause_and_a_look() {
        let cancel = CancellationToken::new();
        let wait = Wait::every(Duration::from_secs(10), Duration::from_secs(600))
            .with_cancel(cancel.clone());
        let stopper = cancel.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_secs(15)).await;
            stopper.cancel();
        });
        let started = Instant::now();
        let error = until(&wait, |attempt| async move {
            if attempt.number == 2 {
                tokio::time::sleep(Duration::from_secs(3600)).await;
            }
            Ok::<_, Error>(Look::<()>::Again)
        })
        .await
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::Cancelled);
        assert_eq!(started.elapsed().as_secs(), 15);
    }

    #[tokio::test(start_paused = true)]
    async fn an_error_from_a_look_ends_the_wait_unretried() {
        let looks = Arc::new(Mutex::new(0));
        let wait = Wait::every(Duration::from_secs(1), Duration::from_secs(60));
        let error = until(&wait, |_| {
            *looks.lock().unwrap() += 1;
            async { Err::<Look<()>, _>(Error::new(ErrorCode::ServiceUnavailable, "down")) }
        })
        .await
        .unwrap_err();
        assert_eq!(error.code, ErrorCode::ServiceUnavailable);
        assert_eq!(*looks.lock().unwrap(), 1);
    }
}
