//! The app's answers about itself, as the core gives them to the desktop shell: what it says of
//! itself at start-up (a good start, and one with a damaged settings file and a log folder it
//! cannot write), the diagnostics bundle Settings lists before saving and its verdict on the
//! paths the page tests type, the place it reopens on, and "Check for updates" when the feed
//! offers a newer version.
//!
//! The user's folders are made in a scratch folder laid out like a Linux home, which `HOME`
//! stands for in the fixture; what changes from run to run (the bundle's id and moment, the time
//! in the damaged settings file's new name) is replaced by fixed stand-ins.

use std::path::{Path, PathBuf};

use pfrm_core::app_info::{AppUpdateCheck, OfferedUpdate};
use pfrm_core::connection::{Session, SessionKind, SessionOptions};
use pfrm_core::diagnosis::bundle::{self, Bundle};
use pfrm_core::diagnosis::gather::{self, HostFacts, Subjects};
use pfrm_core::services::Services;
use pfrm_core::settings::{LastPlace, Settings};
use pfrm_core::startup::{self, Startup};
use serde_json::{json, Map, Value};
use time::OffsetDateTime;

use super::normalise::normalise;
use super::{answer, ok, replaced};
use crate::clients_common::Env;
use crate::TODAY;

/// The home folder of the user the worlds are seen by.
const HOME: &str = "/home/alex";

/// The version the app says it is in the page tests (found in no other build: see the page
/// tests' bundle check).
const APP_VERSION: &str = "0.0.0-pages";

/// The version the release feed offers, and its notes.
const OFFERED: (&str, &str) = ("0.2.0", "Faster start-up.");

/// The app's pages, as the UI names them when it remembers one.
const PAGES: &[&str] = &[
    "welcome",
    "runtimes",
    "permissions",
    "inventory",
    "activity",
    "settings",
];

/// The workspace the bundle is about (the one the user worked in last), where the world has it.
const LAST_WORKSPACE: &str = "research-ml";

/// The paths the page tests type into the bundle's Save field, besides the one suggested.
const TYPED_BUNDLE_PATHS: &[&str] = &["bundle.zip"];

/// The bundle's id stands for the random one each run makes.
const BUNDLE_ID: &str = "6f1c2d3e-0000-4000-8000-000000000001";

/// The WebView the app reports in its bundle (the shell asks the platform).
const WEBVIEW: &str = "WebKitGTK 2.48.0";

/// The system the bundle's manifest names (the generator's own varies with the machine).
const OS: &str = "linux x86_64";

/// What the app's log file held: lines as the app writes them (its log writer redacts).
const LOG_LINES: &[&str] = &[
    "INFO pfrm_desktop: starting version=\"0.0.0-pages\"",
    "INFO pfrm_core::connection: signed in account=alex@contoso.example cloud=AzureCloud",
    "WARN pfrm_core::http: retrying after 429 url=https://management.azure.com/subscriptions?sig=9f8e7d6c5b4a",
    "INFO pfrm_core::ops: runtime rt-old updated workspace=research-ml",
];

/// Every answer of this kind in a world: `appInfo`, `diagnostics`, `place`, `checkAppUpdate`.
pub async fn about_app(env: &Env, services: &Services, ids: &[String]) -> Value {
    let last = ids
        .iter()
        .find(|id| id.ends_with(&format!("/{LAST_WORKSPACE}")))
        .or(ids.first());
    let offered = OfferedUpdate {
        version: OFFERED.0.into(),
        notes: Some(OFFERED.1.into()),
    };
    json!({
        "appInfo": {
            "normal": ok(app_info(false)),
            "startupWarnings": ok(app_info(true)),
        },
        "diagnostics": diagnostics(env, services, last).await,
        "place": place(ids),
        "checkAppUpdate": ok(AppUpdateCheck::from_feed(APP_VERSION, Some(offered))),
        "updatePreferences": update_preferences(),
    })
}

/// Whether the app checks for updates at start-up: on a first start (`firstStart`), and as the
/// core answers turning it on (`on`) or off (`off`), which is what it reads on later starts too.
fn update_preferences() -> Value {
    let first = Home::new();
    let mut turned = Map::new();
    for (key, enabled) in [("on", true), ("off", false)] {
        let home = Home::new();
        let answer = answer(session(&home).set_check_updates_at_startup(enabled));
        // What the next start reads is what was answered.
        assert_eq!(answer, ok(session(&home).update_preferences()));
        turned.insert(key.into(), answer);
    }
    json!({
        "firstStart": ok(session(&first).update_preferences()),
        "turned": turned,
    })
}

/// A scratch home folder: its settings file and its log folder.
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn new() -> Home {
        Home {
            dir: tempfile::tempdir().unwrap(),
        }
    }

    fn config_file(&self) -> PathBuf {
        self.dir.path().join(".config/pfrm/settings.json")
    }

    fn log_dir(&self) -> PathBuf {
        self.dir.path().join(".local/state/pfrm/logs")
    }

    /// `value` with the scratch folder shown as `HOME`.
    fn shown(&self, value: &Value) -> Value {
        replaced(value, [(self.dir.path().display().to_string(), HOME)])
    }
}

/// `app_info` as the shell builds it at start-up, in a home that is fine or, with `damaged`,
/// one whose settings file was cut short and whose log folder is a file.
fn app_info(damaged: bool) -> Value {
    let home = Home::new();
    let (config_file, log_dir) = (home.config_file(), home.log_dir());
    std::fs::create_dir_all(config_file.parent().unwrap()).unwrap();
    if damaged {
        std::fs::write(&config_file, r#"{"lastPage": "runtimes", "#).unwrap();
        std::fs::create_dir_all(log_dir.parent().unwrap()).unwrap();
        std::fs::write(&log_dir, "").unwrap();
    }
    let settings = Settings::load(&config_file);
    let log = startup::prepare_log_dir(Some(&log_dir));
    let info = startup::app_info(Startup {
        version: APP_VERSION,
        config_file: &config_file,
        settings: &settings,
        log_dir: log.as_deref(),
        journal_warning: None,
    });
    // The damaged file's new name carries the moment it was moved: noon of the fixtures' day.
    let stamp = TODAY.replace('-', "");
    let fixed = config_file.with_file_name(format!("settings.json.damaged-{stamp}T120000Z"));
    let moved = settings
        .kept_as
        .iter()
        .map(|kept| (kept.display().to_string(), fixed.display().to_string()));
    home.shown(&replaced(&info, moved))
}

/// `prepare_diagnostics` as the shell gathers it (over the world, about the workspace the user
/// worked in last, with the day's log file), and `save_diagnostics`'s verdict on each path the
/// page tests type, by path.
async fn diagnostics(env: &Env, services: &Services, workspace: Option<&String>) -> Value {
    let started = OffsetDateTime::now_utc();
    let home = Home::new();
    let log_dir = startup::prepare_log_dir(Some(&home.log_dir())).unwrap();
    let log: String = LOG_LINES
        .iter()
        .map(|line| {
            let line = pfrm_core::redact::redact_secrets(line);
            format!("{TODAY}T11:58:02.114Z  {line}\n")
        })
        .collect();
    std::fs::write(log_dir.join(format!("pfrm.{TODAY}.log")), log).unwrap();
    let host = HostFacts {
        app_version: APP_VERSION.into(),
        webview: Some(WEBVIEW.into()),
        cloud: env.cloud.name.clone(),
        log_dir: Some(log_dir),
        max_logs: bundle::DEFAULT_MAX_LOGS,
    };
    let subjects = Subjects {
        workspace: workspace.cloned().map(Ok),
        runtime: None,
        journal: Some(home.dir.path().join(".config/pfrm/operations.json")),
        max_operations: bundle::DEFAULT_MAX_OPERATIONS,
    };
    let mut gathered = gather::build(host, Ok(services), subjects).await;
    steady(&mut gathered, env, started);
    let suggested = Path::new(HOME).join("Downloads").join(gathered.file_name());
    let summary = gathered.summary(Some(&suggested));
    let mut save = Map::new();
    let typed = TYPED_BUNDLE_PATHS.iter().copied();
    for path in typed.chain(std::iter::once(summary.suggested_path.as_str())) {
        let verdict = bundle::chosen_path(Path::new(path), None);
        save.insert(path.to_owned(), answer(verdict));
    }
    json!({ "prepare": ok(summary), "save": save })
}

/// The bundle's files as they would be on any run: its id fixed, and in its JSON files the
/// emulator's addresses, request ids and moments normalised, and the generator's system named as
/// `OS`; their sizes are those of the steady text.
fn steady(gathered: &mut Bundle, env: &Env, started: OffsetDateTime) {
    let random_id = std::mem::replace(&mut gathered.id, BUNDLE_ID.into());
    for file in &mut gathered.files {
        let text = file.text.replace(&random_id, BUNDLE_ID);
        let Ok(mut value) = serde_json::from_str::<Value>(&text) else {
            file.text = text;
            continue;
        };
        if let Some(os) = value.get_mut("os") {
            *os = json!(OS);
        }
        let value = normalise(value, env.emulator.ready_info(), started);
        file.text = serde_json::to_string_pretty(&value).unwrap();
    }
}

/// The core's answers about the place the app reopens on (`last_place`, `remember_place`), for
/// every place reachable from a first start by remembering the app's pages and the world's
/// workspaces: `places` (each as `last_place` answers it once the settings hold it, the first
/// one a first start's), `asked` (each `remember_place` the pages make), and `rememberPlace`
/// (by place, then by what was asked: the index in `places` of the answer).
fn place(ids: &[String]) -> Value {
    let asked: Vec<(Option<&str>, Option<&str>)> = PAGES
        .iter()
        .map(|page| (Some(*page), None))
        .chain(ids.iter().map(|id| (None, Some(id.as_str()))))
        .collect();
    let first = Home::new();
    let mut places = vec![session(&first).last_place()];
    let mut remembered: Vec<Vec<usize>> = Vec::new();
    while remembered.len() < places.len() {
        let from = places[remembered.len()].clone();
        let mut row = Vec::new();
        for (page, workspace_id) in &asked {
            let home = Home::new();
            session(&home)
                .remember_place(from.page.as_deref(), from.workspace_id.as_deref())
                .unwrap();
            let place = session(&home).remember_place(*page, *workspace_id).unwrap();
            // What the next start reads is what was answered.
            assert_eq!(session(&home).last_place(), place);
            let index = places.iter().position(|p| *p == place).unwrap_or_else(|| {
                places.push(place);
                places.len() - 1
            });
            row.push(index);
        }
        remembered.push(row);
    }
    let asked: Vec<LastPlace> = asked
        .iter()
        .map(|(page, workspace_id)| LastPlace {
            page: page.map(str::to_owned),
            workspace_id: workspace_id.map(str::to_owned),
        })
        .collect();
    json!({ "places": places, "asked": asked, "rememberPlace": remembered })
}

/// The app's session over the home's settings file (nothing is journaled).
fn session(home: &Home) -> Session {
    Session::new(SessionOptions {
        kind: SessionKind::App,
        settings_path: home.config_file(),
        journal_path: None,
        cloud: None,
        cloud_file: None,
    })
}
