//! `cargo xtask bench startup`: pfrm's start-up time and idle memory against the floor of its
//! stack, a bare Tauri app (tests/bench/hello), both release builds from the same run and the
//! same target directory.
//!
//! Time: from spawning the process to the page's first interactive paint, which both apps
//! report the same way (two animation frames after the first render the page invokes
//! `frontend_ready`, and the app prints `PFRM_FRONTEND_READY` on stderr; the bench timestamps
//! the line's arrival; pfrm counts its frames from React's first commit of the first screen). Memory: resident set (VmRSS) summed over the app and every process it
//! started (WebKit's web and network processes), after 5 s idle. PSS is shown too, as it
//! counts shared pages once. Medians of N launches per app, launches alternating. Size: the UI's
//! JavaScript gzipped, all of it and what the first screen loads (`npm run size` in ui/).

use std::path::Path;

// The app's own GPU test and renderer switch, compiled in here too, so that the bench decides
// exactly as pfrm does whether the machine has a GPU. The bench uses only those two items.
#[cfg(target_os = "linux")]
#[path = "../../src-tauri/src/webkit_renderer.rs"]
#[allow(dead_code)]
mod webkit_renderer;

#[cfg(target_os = "linux")]
pub fn startup(repo_root: &Path, target_dir: &Path) -> Result<(), String> {
    linux::startup(repo_root, target_dir)
}

/// The measurement reads /proc; other systems get a clear answer instead of a wrong number.
#[cfg(not(target_os = "linux"))]
pub fn startup(_repo_root: &Path, _target_dir: &Path) -> Result<(), String> {
    Err("the start-up benchmark reads /proc and runs on Linux only".into())
}

#[cfg(target_os = "linux")]
mod linux {
    use super::webkit_renderer::{has_gpu, CPU_PAINTING_SWITCH};
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    use std::path::{Path, PathBuf};
    use std::process::{Child, Command, Stdio};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::{Duration, Instant};

    const DEFAULT_RUNS: usize = 5;
    const IDLE_BEFORE_MEMORY: Duration = Duration::from_secs(5);
    const READY_TIMEOUT: Duration = Duration::from_secs(60);
    const READY_MARKER: &str = "PFRM_FRONTEND_READY";
    const TIME_TARGET: f64 = 1.25;
    const MEMORY_TARGET: f64 = 1.3;

    pub fn startup(repo_root: &Path, target_dir: &Path) -> Result<(), String> {
        let runs = std::env::var("PFRM_BENCH_RUNS")
            .ok()
            .and_then(|value| value.parse::<usize>().ok())
            .filter(|runs| *runs > 0)
            .unwrap_or(DEFAULT_RUNS);

        build_ui(repo_root)?;
        // What the webview parses at start-up: the UI's JavaScript, gzipped (ui/scripts/bundle-size.mjs).
        // Over budget, the figures are still printed and the timings still taken; `cargo xtask
        // test` is where the budget fails.
        if let Err(error) = run(
            Command::new("npm")
                .args(["run", "--silent", "size"])
                .current_dir(repo_root.join("ui")),
            "measure the UI's JavaScript",
        ) {
            println!("bench: {error} (over budget)");
        }
        let app = build(
            repo_root,
            target_dir,
            &[
                "build",
                "--release",
                "-p",
                "pfrm-desktop",
                "--features",
                "pfrm-desktop/custom-protocol",
            ],
            "pfrm-desktop",
        )?;
        let hello_manifest = repo_root.join("tests/bench/hello/Cargo.toml");
        let hello = build(
            repo_root,
            target_dir,
            &[
                "build",
                "--release",
                "--manifest-path",
                &hello_manifest.to_string_lossy(),
            ],
            "pfrm-bench-hello",
        )?;

        let _display = VirtualDisplay::ensure()?;
        // Without a GPU, pfrm asks WebKit to paint on the CPU (see
        // src-tauri/src/webkit_renderer.rs). The minimal app keeps WebKit's default, as a bare
        // Tauri app would; a third series runs it with the same switch, for a like-for-like figure.
        let like_for_like =
            std::env::var_os(CPU_PAINTING_SWITCH).is_none() && !has_gpu(Path::new("/dev"));
        let same_renderer: &[(&str, &str)] = &[(CPU_PAINTING_SWITCH, "1")];
        println!(
            "bench: {runs} launches of each app (PFRM_BENCH_RUNS to change), one warm-up each"
        );
        measure_once(&hello, &[]).map_err(|e| format!("warm-up of the minimal app: {e}"))?;
        measure_once(&app, &[]).map_err(|e| format!("warm-up of pfrm: {e}"))?;
        let mut hello_samples = Vec::new();
        let mut hello_same_renderer_samples = Vec::new();
        let mut app_samples = Vec::new();
        for run in 1..=runs {
            let h =
                measure_once(&hello, &[]).map_err(|e| format!("minimal app, run {run}: {e}"))?;
            let a = measure_once(&app, &[]).map_err(|e| format!("pfrm, run {run}: {e}"))?;
            let mut line = format!(
                "  run {run}: minimal {:>5} ms {:>5} MiB | pfrm {:>5} ms {:>5} MiB",
                h.ready.as_millis(),
                h.rss_kib / 1024,
                a.ready.as_millis(),
                a.rss_kib / 1024
            );
            if like_for_like {
                let s = measure_once(&hello, same_renderer)
                    .map_err(|e| format!("minimal app with pfrm's renderer, run {run}: {e}"))?;
                line.push_str(&format!(
                    " | minimal, same renderer {:>5} ms {:>5} MiB",
                    s.ready.as_millis(),
                    s.rss_kib / 1024
                ));
                hello_same_renderer_samples.push(s);
            }
            println!("{line}");
            hello_samples.push(h);
            app_samples.push(a);
        }
        let hello = Summary::of(&hello_samples);
        let app = Summary::of(&app_samples);
        let time_ratio = app.ready_ms / hello.ready_ms;
        let memory_ratio = app.rss_mib / hello.rss_mib;
        println!();
        println!("                      minimal Tauri app        pfrm     ratio   target");
        println!(
            "start → interactive   {:>12.0} ms {:>9.0} ms {:>8.2}×  ≤ {TIME_TARGET}× {}",
            hello.ready_ms,
            app.ready_ms,
            time_ratio,
            verdict(time_ratio, TIME_TARGET)
        );
        println!(
            "RSS after 5 s idle    {:>11.0} MiB {:>8.0} MiB {:>8.2}×  ≤ {MEMORY_TARGET}× {}",
            hello.rss_mib,
            app.rss_mib,
            memory_ratio,
            verdict(memory_ratio, MEMORY_TARGET)
        );
        println!(
            "PSS after 5 s idle    {:>11.0} MiB {:>8.0} MiB {:>8.2}×",
            hello.pss_mib,
            app.pss_mib,
            app.pss_mib / hello.pss_mib
        );
        println!(
            "processes (app + WebKit)  {:>7}      {:>7}",
            hello.processes, app.processes
        );
        if like_for_like {
            let same = Summary::of(&hello_same_renderer_samples);
            println!();
            println!(
                "no GPU here: pfrm sets {CPU_PAINTING_SWITCH}=1 for itself; the minimal app with it too:"
            );
            println!(
                "start → interactive   {:>12.0} ms {:>9.0} ms {:>8.2}×  (like for like)",
                same.ready_ms,
                app.ready_ms,
                app.ready_ms / same.ready_ms
            );
            println!(
                "RSS after 5 s idle    {:>11.0} MiB {:>8.0} MiB {:>8.2}×  (like for like)",
                same.rss_mib,
                app.rss_mib,
                app.rss_mib / same.rss_mib
            );
        }
        println!("time ratio {time_ratio:.2}, memory ratio {memory_ratio:.2} (medians of {runs})");
        Ok(())
    }

    fn verdict(ratio: f64, target: f64) -> &'static str {
        if ratio <= target {
            "met"
        } else {
            "MISSED"
        }
    }

    fn build_ui(repo_root: &Path) -> Result<(), String> {
        let ui = repo_root.join("ui");
        if !ui.join("node_modules").is_dir() {
            run(Command::new("npm").arg("ci").current_dir(&ui), "npm ci")?;
        }
        run(
            Command::new("npm").args(["run", "build"]).current_dir(&ui),
            "build the UI",
        )
    }

    fn build(
        repo_root: &Path,
        target_dir: &Path,
        args: &[&str],
        binary: &str,
    ) -> Result<PathBuf, String> {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        run(
            Command::new(cargo)
                .args(args)
                .current_dir(repo_root)
                .env("CARGO_TARGET_DIR", target_dir),
            &format!("build {binary} (release)"),
        )?;
        let path = target_dir.join("release").join(binary);
        if path.is_file() {
            Ok(path)
        } else {
            Err(format!("{} was not built", path.display()))
        }
    }

    fn run(command: &mut Command, what: &str) -> Result<(), String> {
        println!("bench: {what}");
        let status = command
            .status()
            .map_err(|error| format!("{what}: could not start: {error}"))?;
        if status.success() {
            Ok(())
        } else {
            Err(format!("{what}: failed with {status}"))
        }
    }

    struct Sample {
        ready: Duration,
        rss_kib: u64,
        pss_kib: u64,
        processes: usize,
    }

    struct Summary {
        ready_ms: f64,
        rss_mib: f64,
        pss_mib: f64,
        processes: usize,
    }

    impl Summary {
        fn of(samples: &[Sample]) -> Summary {
            let median = |mut values: Vec<f64>| {
                values.sort_by(f64::total_cmp);
                let middle = values.len() / 2;
                if values.len() % 2 == 1 {
                    values[middle]
                } else {
                    (values[middle - 1] + values[middle]) / 2.0
                }
            };
            Summary {
                ready_ms: median(
                    samples
                        .iter()
                        .map(|s| s.ready.as_secs_f64() * 1e3)
                        .collect(),
                ),
                rss_mib: median(samples.iter().map(|s| s.rss_kib as f64 / 1024.0).collect()),
                pss_mib: median(samples.iter().map(|s| s.pss_kib as f64 / 1024.0).collect()),
                processes: samples.iter().map(|s| s.processes).max().unwrap_or(0),
            }
        }
    }

    /// One launch with a fresh, empty home (no settings, no WebKit caches), as a first start.
    fn measure_once(binary: &Path, extra_env: &[(&str, &str)]) -> Result<Sample, String> {
        static LAUNCHES: AtomicUsize = AtomicUsize::new(0);
        let home = std::env::temp_dir().join(format!(
            "pfrm-bench-{}-{}",
            std::process::id(),
            LAUNCHES.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&home);
        for sub in ["home", "config", "state", "data", "cache"] {
            std::fs::create_dir_all(home.join(sub)).map_err(|e| e.to_string())?;
        }
        let mut command = Command::new(binary);
        command
            .env("HOME", home.join("home"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("XDG_STATE_HOME", home.join("state"))
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CACHE_HOME", home.join("cache"))
            // Neither app gets an accessibility bus: it would outlive them and skew memory.
            .env("NO_AT_BRIDGE", "1")
            .env("PFRM_LOG", "warn")
            .envs(extra_env.iter().copied())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .process_group(0);
        let started = Instant::now();
        let mut child = command
            .spawn()
            .map_err(|error| format!("could not start {}: {error}", binary.display()))?;
        let group = child.id();
        let result = observe(&mut child, started);
        end_group(group, &mut child);
        let _ = std::fs::remove_dir_all(&home);
        result
    }

    fn observe(child: &mut Child, started: Instant) -> Result<Sample, String> {
        let stderr = child.stderr.take().ok_or("no stderr pipe")?;
        let (ready_tx, ready_rx) = mpsc::channel();
        // Keeps reading after the marker so the app never blocks on a full pipe.
        std::thread::spawn(move || {
            let mut tail = Vec::new();
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains(READY_MARKER) {
                    let _ = ready_tx.send(Ok(Instant::now()));
                } else if tail.len() < 20 {
                    tail.push(line);
                }
            }
            let _ = ready_tx.send(Err(tail.join("\n")));
        });
        let ready_at = match ready_rx.recv_timeout(READY_TIMEOUT) {
            Ok(Ok(at)) => at,
            Ok(Err(output)) => {
                return Err(format!(
                    "the app exited before its page was ready; it printed:\n{output}"
                ))
            }
            Err(_) => return Err(format!("no {READY_MARKER} within {READY_TIMEOUT:?}")),
        };
        let ready = ready_at - started;
        std::thread::sleep(IDLE_BEFORE_MEMORY);
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!("the app exited while idle ({status})"));
        }
        let processes = process_tree(child.id());
        let (rss_kib, pss_kib) = processes
            .iter()
            .map(|pid| memory_kib(*pid))
            .fold((0, 0), |(rss, pss), (r, p)| (rss + r, pss + p));
        Ok(Sample {
            ready,
            rss_kib,
            pss_kib,
            processes: processes.len(),
        })
    }

    struct ProcInfo {
        pid: u32,
        parent: u32,
        group: u32,
    }

    fn all_processes() -> Vec<ProcInfo> {
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .flatten()
            .filter_map(|entry| {
                let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
                let stat = std::fs::read_to_string(entry.path().join("stat")).ok()?;
                let (_, rest) = stat.rsplit_once(')')?;
                let fields: Vec<&str> = rest.split_whitespace().collect();
                if matches!(fields.first(), Some(&"Z") | Some(&"X")) {
                    return None;
                }
                Some(ProcInfo {
                    pid,
                    parent: fields.get(1)?.parse().ok()?,
                    group: fields.get(2)?.parse().ok()?,
                })
            })
            .collect()
    }

    /// The app and everything it started: its descendants, plus anything left in its process group.
    fn process_tree(root: u32) -> Vec<u32> {
        let processes = all_processes();
        let mut members = vec![root];
        let mut index = 0;
        while index < members.len() {
            let parent = members[index];
            for process in &processes {
                if process.parent == parent && !members.contains(&process.pid) {
                    members.push(process.pid);
                }
            }
            index += 1;
        }
        for process in &processes {
            if process.group == root && !members.contains(&process.pid) {
                members.push(process.pid);
            }
        }
        members
    }

    fn memory_kib(pid: u32) -> (u64, u64) {
        let field = |text: &str, name: &str| {
            text.lines()
                .find_map(|line| line.strip_prefix(name))
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|value| value.parse::<u64>().ok())
                .unwrap_or(0)
        };
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        let rollup =
            std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
        (field(&status, "VmRSS:"), field(&rollup, "Pss:"))
    }

    fn end_group(group: u32, child: &mut Child) {
        let signal = |name: &str| {
            let _ = Command::new("kill")
                .args([&format!("-{name}"), "--", &format!("-{group}")])
                .stderr(Stdio::null())
                .status();
        };
        signal("TERM");
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline && all_processes().iter().any(|p| p.group == group) {
            let _ = child.try_wait();
            std::thread::sleep(Duration::from_millis(50));
        }
        signal("KILL");
        let _ = child.wait();
    }

    /// Xvfb on a free display when there is no display; ended when dropped.
    struct VirtualDisplay {
        server: Option<Child>,
    }

    impl VirtualDisplay {
        fn ensure() -> Result<VirtualDisplay, String> {
            if std::env::var_os("DISPLAY").is_some() {
                return Ok(VirtualDisplay { server: None });
            }
            let number = (90..200)
                .find(|n| !Path::new(&format!("/tmp/.X11-unix/X{n}")).exists())
                .ok_or("no free X display number")?;
            let display = format!(":{number}");
            let server = Command::new("Xvfb")
                .args([&display, "-screen", "0", "1366x900x24", "-nolisten", "tcp"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .map_err(|error| format!("no DISPLAY and Xvfb could not start: {error}"))?;
            let socket = PathBuf::from(format!("/tmp/.X11-unix/X{number}"));
            let deadline = Instant::now() + Duration::from_secs(10);
            while !socket.exists() {
                if Instant::now() > deadline {
                    return Err("Xvfb did not start within 10 s".into());
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            std::env::set_var("DISPLAY", &display);
            println!("bench: started Xvfb on {display}");
            Ok(VirtualDisplay {
                server: Some(server),
            })
        }
    }

    impl Drop for VirtualDisplay {
        fn drop(&mut self) {
            if let Some(server) = &mut self.server {
                let _ = server.kill();
                let _ = server.wait();
            }
        }
    }
}
