//! The app's throwaway home.

use std::path::PathBuf;

/// A throwaway home for one app run: HOME and every XDG folder point inside it, so the app's
/// settings, logs and WebView storage start empty and tests can plant bad files.
pub struct AppHome {
    dir: tempfile::TempDir,
    /// Further variables for the app, such as `PFRM_SANDBOX=1` (the `--sandbox` flag's twin).
    extra: Vec<(&'static str, PathBuf)>,
}

impl AppHome {
    pub fn new() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("pfrm-gui-")
            .tempdir()
            .expect("create a temporary home");
        AppHome {
            dir,
            extra: Vec::new(),
        }
    }
    /// The app also gets `name=value` in its environment.
    pub fn with_env(mut self, name: &'static str, value: &str) -> Self {
        self.extra.push((name, PathBuf::from(value)));
        self
    }
    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }
    pub fn config_dir(&self) -> PathBuf {
        self.dir.path().join("config")
    }
    pub fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }
    pub fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }
    fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }
    /// What WebKitWebDriver and the app wrote to their standard output and error.
    pub fn driver_log(&self) -> PathBuf {
        self.dir.path().join("driver-and-app.log")
    }
    /// The app's environment (its folders and [`Self::with_env`] variables): a `pfrm` command run
    /// with it works on the app's settings.
    pub fn environment(&self) -> Vec<(&'static str, PathBuf)> {
        for dir in [self.home(), self.data_dir(), self.cache_dir()] {
            std::fs::create_dir_all(dir).expect("create a folder of the temporary home");
        }
        let mut environment = vec![
            ("HOME", self.home()),
            ("XDG_CONFIG_HOME", self.config_dir()),
            ("XDG_STATE_HOME", self.state_dir()),
            ("XDG_DATA_HOME", self.data_dir()),
            ("XDG_CACHE_HOME", self.cache_dir()),
        ];
        environment.extend(self.extra.iter().cloned());
        environment
    }
}
