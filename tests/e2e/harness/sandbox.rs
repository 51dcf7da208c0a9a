//! The sandbox's worlds, and the ways through the app that tests take in them.

use super::{AppHome, Screen};

/// A home whose app starts in the sandbox on the emulator's world `scenario`, as its first user.
pub fn sandbox_home(scenario: &str) -> AppHome {
    AppHome::new()
        .with_env("PFRM_SANDBOX", "1")
        .with_env("PFRM_SANDBOX_SCENARIO", scenario)
}

/// A home whose app starts in the sandbox on `scenario`, signed in as `user`.
pub fn sandbox_home_as(scenario: &str, user: &str) -> AppHome {
    sandbox_home(scenario).with_env("PFRM_SANDBOX_USER", user)
}

const BANNER: &str = "[data-testid='sandbox-banner']";
const PICKER: &str = "[data-testid='workspace-picker']";

impl Screen {
    /// Waits until the sandbox is up (its banner shows) and returns the banner's text.
    pub async fn wait_for_sandbox(&self) -> Result<String, String> {
        self.wait_for_text(BANNER, |text| !text.is_empty()).await
    }

    /// Waits until the sandbox's banner says it is the sandbox, and the account menu names
    /// `name` as the user it signed in.
    pub async fn expect_sandbox_as(&self, name: &str) -> Result<(), String> {
        self.wait_for_text(BANNER, |text| {
            text.contains("Sandbox — nothing here touches Azure")
        })
        .await?;
        self.assert_account_name(name).await
    }

    /// Opens a page from the navigation (`nav-runtimes`, ...) and waits for its heading.
    pub async fn open_page(&self, nav: &str, heading: &str) -> Result<(), String> {
        self.click(&format!("[data-testid='{nav}']")).await?;
        self.wait_for_heading(heading).await
    }

    /// Waits until the page's heading is `heading`.
    pub async fn wait_for_heading(&self, heading: &str) -> Result<(), String> {
        self.wait_for_text("h1", |text| text == heading)
            .await
            .map(|_| ())
    }

    /// Once the sandbox is up, opens Runtimes.
    pub async fn open_sandbox_runtimes(&self) -> Result<(), String> {
        self.wait_for_sandbox().await?;
        self.open_page("nav-runtimes", "Runtimes").await
    }

    /// The account menu's button names `name` (read as rendered: WebKitWebDriver's element text
    /// is empty for text inside Fluent's buttons).
    pub async fn assert_account_name(&self, name: &str) -> Result<(), String> {
        let shown = self
            .rendered_texts("[data-testid='account-menu-name']")
            .await?;
        if shown == [name] {
            Ok(())
        } else {
            Err(format!("the account menu names {shown:?}, not {name:?}"))
        }
    }

    /// Picks a workspace in the page's workspace picker by typing its name, replacing what the
    /// picker showed (a workspace picked before, say).
    pub async fn pick_workspace(&self, name: &str) -> Result<(), String> {
        self.click(PICKER).await?;
        // Control+A (WebDriver keeps a modifier down until it is sent again), then Backspace.
        self.type_into(PICKER, "\u{E009}a\u{E009}\u{E003}").await?;
        self.type_into(PICKER, name).await?;
        let option = format!("[data-testid='workspace-option'][data-name='{name}']");
        self.wait_for_text(&option, |text| text.contains(name))
            .await?;
        self.click(&option).await
    }
}
