//! Progress of long operations on stderr, and Ctrl+C.
//!
//! On a terminal that understands escape codes, the running operation is one line redrawn in
//! place (stage, elapsed time, the service's last message). Everywhere else each change is a
//! plain line: when stderr is a file or a pipe (so logs stay readable), on a `TERM=dumb`
//! terminal, and in a Windows console where virtual-terminal processing cannot be turned on (the
//! old console would print `←[2K` for every redraw). Ctrl+C cancels the running operations (the
//! command then exits with 130, the cancelled code); a second Ctrl+C, or one while nothing long
//! runs, exits at once.

use std::io::{IsTerminal, Write};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use pfrm_core::ops::{OperationSnapshot, OperationState, Operations, Stage};
use tokio::sync::broadcast::{self, error::TryRecvError};

/// Exit code when the user interrupts with Ctrl+C (as `ErrorCode::Cancelled`).
pub const INTERRUPTED_EXIT: i32 = 130;

/// How progress is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    /// One line redrawn in place with `\r` and the erase-line escape code.
    Redraw,
    /// A plain line per change, no escape code.
    Lines,
}

impl Style {
    /// What stderr supports. On Windows this turns virtual-terminal processing on first.
    fn for_stderr() -> Style {
        if !std::io::stderr().is_terminal() {
            return Style::Lines;
        }
        Style::for_terminal(
            anstyle_query::windows::enable_ansi_colors(),
            std::env::var_os("TERM").as_deref(),
        )
    }

    /// `windows_vt`: whether virtual-terminal processing is on (`None` off Windows, where a
    /// terminal understands escape codes unless it says it is dumb).
    fn for_terminal(windows_vt: Option<bool>, term: Option<&std::ffi::OsStr>) -> Style {
        match windows_vt {
            Some(true) => Style::Redraw,
            Some(false) => Style::Lines,
            None if term.is_some_and(|term| term == "dumb") => Style::Lines,
            None => Style::Redraw,
        }
    }
}

struct Display {
    updates: broadcast::Receiver<OperationSnapshot>,
    style: Style,
    out: Box<dyn Write + Send>,
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
    let display = Display::new(
        operations.subscribe(),
        Style::for_stderr(),
        Box::new(std::io::stderr()),
    );
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
            display.line(format_args!(
                "Cancelling… (press Ctrl+C again to quit at once)"
            ));
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
    fn new(
        updates: broadcast::Receiver<OperationSnapshot>,
        style: Style,
        out: Box<dyn Write + Send>,
    ) -> Display {
        Display {
            updates,
            style,
            out,
            line_drawn: false,
            settled: false,
            current: None,
            last_plain: None,
        }
    }

    /// Writes one finished line. Errors writing to stderr are ignored: nowhere to report them.
    fn line(&mut self, text: std::fmt::Arguments<'_>) {
        let _ = writeln!(self.out, "{text}");
        let _ = self.out.flush();
    }

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
        if self.style == Style::Redraw {
            if let Some((snapshot, seen)) = &self.current {
                let elapsed = snapshot.elapsed_ms + seen.elapsed().as_millis() as u64;
                let line = truncate(&progress_line(snapshot, elapsed), terminal_width());
                let _ = write!(self.out, "\r\x1b[2K{line}");
                let _ = self.out.flush();
                self.line_drawn = true;
            }
        }
        true
    }

    fn take(&mut self, snapshot: OperationSnapshot) {
        if snapshot.state == OperationState::Running {
            if self.style == Style::Lines {
                let key = (
                    snapshot.id.clone(),
                    snapshot.stage,
                    snapshot.message.clone(),
                );
                if self.last_plain.as_ref() != Some(&key) {
                    let line = progress_line(&snapshot, snapshot.elapsed_ms);
                    self.line(format_args!("{line}"));
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
        let title = &snapshot.title;
        match snapshot.state {
            OperationState::Succeeded => self.line(format_args!("✓ {title} ({took})")),
            OperationState::Cancelled => {
                self.line(format_args!("✗ {title}: cancelled after {took}"))
            }
            // The error itself is printed by the command with its remedy.
            OperationState::Failed => self.line(format_args!("✗ {title}: failed after {took}")),
            OperationState::Running => {}
        }
    }

    fn clear_line(&mut self) {
        if self.line_drawn {
            let _ = write!(self.out, "\r\x1b[2K");
            let _ = self.out.flush();
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
    use std::io::{Read, Seek};

    use pfrm_core::ops::OperationKind;

    use super::*;

    fn snapshot(state: OperationState, stage: Stage, message: &str) -> OperationSnapshot {
        OperationSnapshot {
            id: "op-1".into(),
            kind: OperationKind::CreateRuntime,
            title: "Create runtime rt-1".into(),
            target: "rt-1".into(),
            subject: None,
            state,
            stage,
            message: Some(message.into()),
            started_at: "2026-01-01T00:00:00Z".into(),
            elapsed_ms: 65_000,
            error: None,
            resumed: false,
        }
    }

    /// Runs a create-runtime operation's updates through a display of `style`.
    fn draw(style: Style) -> String {
        let (sender, receiver) = broadcast::channel(16);
        // A file the test reads back once the display has written to it.
        let mut written = tempfile::tempfile().unwrap();
        let mut display = Display::new(receiver, style, Box::new(written.try_clone().unwrap()));
        for (stage, message) in [
            (Stage::InstanceStarting, "Starting"),
            (Stage::RuntimeStarting, "Pulling image"),
        ] {
            sender
                .send(snapshot(OperationState::Running, stage, message))
                .unwrap();
            display.refresh();
        }
        sender
            .send(snapshot(OperationState::Succeeded, Stage::Done, ""))
            .unwrap();
        display.refresh();
        display.clear_line();
        let mut text = String::new();
        written.rewind().unwrap();
        written.read_to_string(&mut text).unwrap();
        text
    }

    #[test]
    fn with_escape_codes_off_progress_is_plain_lines_without_an_escape_byte() {
        let text = draw(Style::Lines);
        assert!(!text.contains('\u{1b}'), "{text:?}");
        assert!(!text.contains('\r'), "{text:?}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(lines[1].contains("starting the runtime — Pulling image"));
        assert!(lines[2].starts_with("✓ Create runtime rt-1 (1m05s)"));
    }

    #[test]
    fn with_escape_codes_on_the_line_is_redrawn_in_place() {
        let text = draw(Style::Redraw);
        assert!(text.contains("\r\u{1b}[2K"), "{text:?}");
        assert!(text.contains("✓ Create runtime rt-1"));
    }

    #[test]
    fn escape_codes_are_used_only_where_the_console_understands_them() {
        // Windows: only once virtual-terminal processing is on.
        assert_eq!(Style::for_terminal(Some(true), None), Style::Redraw);
        assert_eq!(Style::for_terminal(Some(false), None), Style::Lines);
        // Elsewhere: any terminal but a dumb one.
        assert_eq!(
            Style::for_terminal(None, Some("xterm-256color".as_ref())),
            Style::Redraw
        );
        assert_eq!(
            Style::for_terminal(None, Some("dumb".as_ref())),
            Style::Lines
        );
    }

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
