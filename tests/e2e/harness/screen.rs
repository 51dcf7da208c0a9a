//! The app's window as a test sees it: waiting for text, clicking and typing.

use std::path::PathBuf;
use std::time::Duration;

use fantoccini::{Client, Locator};
use serde_json::json;

use super::{poll_until, POLL, STEP_TIMEOUT};

/// The app's window as a test sees it.
#[derive(Clone)]
pub struct Screen {
    pub client: Client,
    pub(super) test: &'static str,
    pub(super) screenshots: PathBuf,
    /// What a second launch needs: the app and its environment.
    pub(super) binary: PathBuf,
    pub(super) environment: Vec<(&'static str, PathBuf)>,
    /// Where WebKitWebDriver and the app write their output.
    pub(super) app_log: PathBuf,
}

impl Screen {
    /// Waits until the element's visible text satisfies `wanted` (the final text, not an
    /// intermediate one) and returns it.
    pub async fn wait_for_text(
        &self,
        css: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        self.wait_within(STEP_TIMEOUT, css, wanted).await
    }

    pub async fn wait_within(
        &self,
        timeout: Duration,
        css: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<String, String> {
        let mut last_seen = None;
        poll_until(timeout, async || {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if let Ok(text) = element.text().await {
                    if wanted(&text) {
                        return Ok(text);
                    }
                    last_seen = Some(text);
                }
            }
            Err(match &last_seen {
                Some(text) => format!(
                    "waited {timeout:?} for the expected text in `{css}`; it shows {text:?}"
                ),
                None => format!("waited {timeout:?} for `{css}` to appear; it did not"),
            })
        })
        .await
    }

    pub async fn wait_for_attribute(
        &self,
        css: &str,
        attribute: &str,
        value: &str,
    ) -> Result<(), String> {
        self.wait_for_attribute_within(STEP_TIMEOUT, css, attribute, value)
            .await
    }

    pub async fn wait_for_attribute_within(
        &self,
        timeout: Duration,
        css: &str,
        attribute: &str,
        value: &str,
    ) -> Result<(), String> {
        poll_until(timeout, async || {
            if let Ok(element) = self.client.find(Locator::Css(css)).await {
                if element.attr(attribute).await.ok().flatten().as_deref() == Some(value) {
                    return Ok(());
                }
            }
            Err(format!("`{css}` never had {attribute}={value:?}"))
        })
        .await
    }

    async fn element(&self, css: &str) -> Result<fantoccini::elements::Element, String> {
        self.client
            .wait()
            .at_most(STEP_TIMEOUT)
            .every(POLL)
            .for_element(Locator::Css(css))
            .await
            .map_err(|error| format!("`{css}` did not appear: {error}"))
    }

    /// Clicks as a user would after scrolling the element to the middle of the view: WebDriver
    /// scrolls only until the element shows at an edge, where the wizard's bar that stays at the
    /// bottom of the window covers it and takes the click.
    /// Clicks the element as a person would. WebKitWebDriver refuses a click (with an empty
    /// message) while the page is still laying itself out, for example just after the window was
    /// resized; a refused click did nothing, so it is tried again for a few seconds.
    pub async fn click(&self, css: &str) -> Result<(), String> {
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        loop {
            let element = self.element(css).await?;
            self.client
                .execute(
                    "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'});",
                    vec![serde_json::to_value(&element).map_err(|error| error.to_string())?],
                )
                .await
                .map_err(|error| format!("could not scroll to `{css}`: {error}"))?;
            match element.click().await {
                Ok(()) => return Ok(()),
                Err(error) if std::time::Instant::now() >= deadline => {
                    return Err(format!("could not click `{css}`: {error}"))
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
            }
        }
    }

    pub async fn type_into(&self, css: &str, text: &str) -> Result<(), String> {
        self.element(css)
            .await?
            .send_keys(text)
            .await
            .map_err(|error| format!("could not type into `{css}`: {error}"))
    }

    /// The rendered text (`innerText`) of every element matching `css`, in document order.
    pub async fn rendered_texts(&self, css: &str) -> Result<Vec<String>, String> {
        let value = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => e.innerText.trim());",
                vec![json!(css)],
            )
            .await
            .map_err(|error| format!("could not read `{css}`: {error}"))?;
        serde_json::from_value(value).map_err(|error| format!("texts of `{css}`: {error}"))
    }

    /// Waits until the button matching `css` shows `label`. WebDriver's element text is
    /// WebKit's `innerText`, which leaves out the label of a `<button>`, so the label is read
    /// from the button's text content.
    pub async fn wait_for_button(&self, css: &str, label: &str) -> Result<(), String> {
        poll_until(STEP_TIMEOUT, async || {
            let shown = self
                .client
                .execute(
                    "const button = document.querySelector(arguments[0]);
                     return button && button.tagName === 'BUTTON' ? button.textContent.trim() : null;",
                    vec![json!(css)],
                )
                .await
                .map_err(|error| error.to_string());
            if matches!(&shown, Ok(value) if value.as_str() == Some(label)) {
                return Ok(());
            }
            Err(format!(
                "waited {STEP_TIMEOUT:?} for the button `{css}` labelled {label:?}; last seen: {shown:?}"
            ))
        })
        .await
    }

    /// Waits until exactly `wanted` elements match `css`.
    pub async fn wait_for_count(
        &self,
        timeout: Duration,
        css: &str,
        wanted: usize,
    ) -> Result<(), String> {
        poll_until(timeout, async || {
            // An element removed while it is being looked at reads as stale: look again.
            let found = self.count(css).await;
            if found.as_ref().is_ok_and(|found| *found == wanted) {
                return Ok(());
            }
            Err(format!(
                "waited {timeout:?} for {wanted} of `{css}`; found {found:?}"
            ))
        })
        .await
    }

    pub async fn count(&self, css: &str) -> Result<usize, String> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .map(|elements| elements.len())
            .map_err(|error| format!("could not look for `{css}`: {error}"))
    }

    /// The attribute `name` of the first element matching `css`, if it has one.
    pub async fn attribute(&self, css: &str, name: &str) -> Result<Option<String>, String> {
        self.element(css)
            .await?
            .attr(name)
            .await
            .map_err(|error| format!("could not read {name} of `{css}`: {error}"))
    }

    /// A property of the first element matching `css` (`value` of an input, `checked` of a
    /// radio button): what the user sees, where an attribute may keep the first value.
    pub async fn property(&self, css: &str, name: &str) -> Result<serde_json::Value, String> {
        self.client
            .execute(
                "const element = document.querySelector(arguments[0]);
                 return element ? element[arguments[1]] : null;",
                vec![json!(css), json!(name)],
            )
            .await
            .map_err(|error| format!("could not read {name} of `{css}`: {error}"))
    }

    /// Chooses the appearance `theme` (`light` or `dark`) in Settings and waits until the window
    /// wears it. Settings stays open.
    pub async fn choose_theme(&self, theme: &str) -> Result<(), String> {
        self.click("[data-testid='nav-settings']").await?;
        self.click(&format!("input[type='radio'][value='{theme}']"))
            .await?;
        self.wait_for_attribute("[data-theme]", "data-theme", theme)
            .await
    }

    /// Scrolls the element to the middle of the view, as a person scrolling a list would.
    pub async fn scroll_to(&self, css: &str) -> Result<(), String> {
        self.client
            .execute(
                "document.querySelector(arguments[0]).scrollIntoView({block: 'center'})",
                vec![json!(css)],
            )
            .await
            .map(|_| ())
            .map_err(|error| format!("could not scroll to `{css}`: {error}"))
    }
}

impl Screen {
    /// Resizes the window, then waits until the page has the new width: the window manager
    /// answers at once, the page lays itself out again a little later.
    pub async fn resize(&self, width: u32, height: u32) -> Result<(), String> {
        self.client
            .set_window_size(width, height)
            .await
            .map_err(|error| format!("resize to {width}×{height}: {error}"))?;
        poll_until(STEP_TIMEOUT, async || {
            let inner = self
                .client
                .execute("return window.innerWidth;", vec![])
                .await
                .map_err(|error| error.to_string())?;
            match inner.as_f64() {
                Some(shown) if (shown - f64::from(width)).abs() <= 40.0 => Ok(()),
                _ => Err(format!(
                    "the page is {inner} wide, not about the window's {width} after a resize"
                )),
            }
        })
        .await?;
        // Let a frame lay out and paint at the new size.
        self.client
            .execute(
                "return new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))));",
                vec![],
            )
            .await
            .map(|_| ())
            .map_err(|error| format!("waiting for a frame after the resize: {error}"))
    }
}
