//! Progress of long operations on stderr, and Ctrl+C.
//!
//! On a terminal, the running operation is one line redrawn in place (stage, elapsed time, the
//! service's last message); when stderr is a file or a pipe, each change is a plain line so logs
//! stay readable. Ctrl+C cancels the running operations (the command then exits with 130, the
//! cancelled code); a second Ctrl+C, or one while nothing long runs, exits at once.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pfrm_core::ops::{OperationSnapshot, OperationState, Operations, Stage};
use tokio::sync::broadcast::{self, error::TryRecvError};

/// Exit code when the user interrupts with Ctrl+C (as `ErrorCode::Cancelled`).
const INTERRUPTED_EXIT: i32 = 130;

struct Display {
    updates: broadcast::Receiver<OperationSnapshot>,
    terminal: bool,
    /// A progress line is on screen without a newline.
    line_drawn: bool,
    /// The command printed its result: nothing more is drawn.
    settled: bool,
    /// The running operation and when its snapshot arrived (to keep the elapsed time ticking).
    current: Option<(OperationSnapshot, Instant)>,
    /// What the last plain line said, so unchanged snapshots are not repeated.
    last_plain: Option<(String, Stage, Option<String>)>,
}

static DISPLAY: Mutex<Option<Display>> = Mutex::new(None);

/// Starts drawing the operations' progress and handling Ctrl+C.
pub fn watch(operations: &Operations) {
    let display = Display {
        updates: operations.subscribe(),
        terminal: std::io::stderr().is_terminal(),
        line_drawn: false,
        settled: false,
        current: None,
        last_plain: None,
    };
    *DISPLAY.lock().unwrap_or_else(|e| e.into_inner()) = Some(display);
    tokio::spawn(async {
        loop {
            tokio::time::sleep(Duration::from_millis(100)).await;
            if !with_display(Display::refresh) {
                break;
            }
        }
    });
    let operations = operations.clone();
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_err() {
            return;
        }
        let running: Vec<OperationSnapshot> = operations
            .list()
            .into_iter()
            .filter(|snapshot| snapshot.state == OperationState::Running)
            .collect();
        if running.is_empty() {
            settle();
            std::process::exit(INTERRUPTED_EXIT);
        }
        with_display(|display| {
            display.clear_line();
            eprintln!("Cancelling… (press Ctrl+C again to quit at once)");
            true
        });
        for snapshot in running {
            let _ = operations.cancel(&snapshot.id);
        }
        if tokio::signal::ctrl_c().await.is_ok() {
            settle();
            std::process::exit(INTERRUPTED_EXIT);
        }
    });
}

/// Shows every update received so far, then stops drawing: call it when the operation returned,
/// before printing the result, so the result never lands on a half-drawn progress line.
pub fn settle() {
    with_display(|display| {
        display.refresh();
        display.clear_line();
        display.settled = true;
        false
    });
}

/// Runs `action` on the display if there is one; returns whether drawing should continue.
fn with_display(action: impl FnOnce(&mut Display) -> bool) -> bool {
    let mut guard = DISPLAY.lock().unwrap_or_else(|e| e.into_inner());
    match guard.as_mut() {
        Some(display) if !display.settled => action(display),
        _ => false,
    }
}

impl Display {
    /// Takes in every pending snapshot and redraws. Returns `false` once updates have ended.
    fn refresh(&mut self) -> bool {
        loop {
            match self.updates.try_recv() {
                Ok(snapshot) => self.take(snapshot),
                Err(TryRecvError::Empty) => break,
                Err(TryRecvError::Lagged(_)) => continue,
                Err(TryRecvError::Closed) => return false,
            }
        }
        if self.terminal {
            if let Some((snapshot, seen)) = &self.current {
                let elapsed = snapshot.elapsed_ms + seen.elapsed().as_millis() as u64;
                let line = truncate(&progress_line(snapshot, elapsed), terminal_width());
                eprint!("\r\x1b[2K{line}");
                std::io::stderr().flush().ok();
                self.line_drawn = true;
            }
        }
        true
    }

    fn take(&mut self, snapshot: OperationSnapshot) {
        if snapshot.state == OperationState::Running {
            if !self.terminal {
                let key = (
                    snapshot.id.clone(),
                    snapshot.stage,
                    snapshot.message.clone(),
                );
                if self.last_plain.as_ref() != Some(&key) {
                    eprintln!("{}", progress_line(&snapshot, snapshot.elapsed_ms));
                    self.last_plain = Some(key);
                }
            }
            self.current = Some((snapshot, Instant::now()));
            return;
        }
        if self
            .current
            .as_ref()
            .is_some_and(|(current, _)| current.id == snapshot.id)
        {
            self.current = None;
        }
        self.clear_line();
        let took = format_elapsed(snapshot.elapsed_ms);
        match snapshot.state {
            OperationState::Succeeded => eprintln!("✓ {} ({took})", snapshot.title),
            OperationState::Cancelled => eprintln!("✗ {}: cancelled after {took}", snapshot.title),
            // The error itself is printed by the command with its remedy.
            OperationState::Failed => eprintln!("✗ {}: failed after {took}", snapshot.title),
            OperationState::Running => {}
        }
    }

    fn clear_line(&mut self) {
        if self.line_drawn {
            eprint!("\r\x1b[2K");
            std::io::stderr().flush().ok();
            self.line_drawn = false;
        }
    }
}

fn stage_text(stage: Stage) -> &'static str {
    match stage {
        Stage::Requested => "sending the request",
        Stage::InstanceStarting => "starting the compute instance",
        Stage::AddingCustomApp => "adding the custom application",
        Stage::InstanceRestarting => "restarting the compute instance",
        Stage::RuntimeStarting => "starting the runtime",
        Stage::Deleting => "deleting",
        Stage::WaitingForPropagation => "waiting for Azure to apply the role",
        Stage::Verifying => "verifying",
        Stage::Done => "done",
    }
}

fn progress_line(snapshot: &OperationSnapshot, elapsed_ms: u64) -> String {
    let mut line = format!(
        "{} [{}] {}",
        snapshot.title,
        format_elapsed(elapsed_ms),
        stage_text(snapshot.stage)
    );
    if let Some(message) = snapshot.message.as_deref().filter(|m| !m.is_empty()) {
        line.push_str(" — ");
        line.push_str(message);
    }
    line
}

fn format_elapsed(elapsed_ms: u64) -> String {
    let seconds = elapsed_ms / 1000;
    if seconds < 60 {
        format!("{seconds}s")
    } else {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    }
}

fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|columns| columns.parse::<usize>().ok())
        .filter(|&columns| columns > 20)
        .unwrap_or(100)
}

/// Cuts `line` to `width` characters so a redrawn line never wraps.
fn truncate(line: &str, width: usize) -> String {
    if line.chars().count() < width {
        return line.to_owned();
    }
    let mut cut: String = line.chars().take(width.saturating_sub(2)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elapsed_time_reads_as_minutes_and_seconds() {
        assert_eq!(format_elapsed(4_900), "4s");
        assert_eq!(format_elapsed(125_000), "2m05s");
    }

    #[test]
    fn a_long_line_is_cut_to_the_terminal_width() {
        let cut = truncate(&"x".repeat(50), 20);
        assert_eq!(cut.chars().count(), 19);
        assert!(cut.ends_with('…'));
        assert_eq!(truncate("short", 20), "short");
    }
}
