//! Whether the window shows what the page lays out: WebKit can lay an element out, readable
//! through the DOM, while nothing is painted where it is; only the window's pixels tell.

use serde_json::json;

use super::{poll_until, Screen, STEP_TIMEOUT};

impl Screen {
    /// Waits until every element matching `css` that shows whole in the window (inside the window
    /// and inside every box that clips it, such as a dialog's scrolling content) is painted there:
    /// the window's own pixels inside its box (text, borders) are not one flat colour, and at
    /// least one such element is there. An element can be laid out, with its text readable
    /// through the DOM, while WebKit shows nothing where it is; only the pixels tell.
    pub async fn wait_until_painted(&self, css: &str) -> Result<(), String> {
        poll_until(STEP_TIMEOUT, async || self.painted(css).await).await
    }

    async fn painted(&self, css: &str) -> Result<(), String> {
        let boxes = self
            .client
            .execute(
                "const scale = window.devicePixelRatio || 1;
                 const whole = (element) => {
                   const r = element.getBoundingClientRect();
                   if (r.width < 4 || r.height < 4 || r.left < 0 || r.top < 0 || r.right > innerWidth || r.bottom > innerHeight) return null;
                   for (let up = element.parentElement; up; up = up.parentElement) {
                     const style = getComputedStyle(up);
                     if (style.overflowX === 'visible' && style.overflowY === 'visible') continue;
                     const clip = up.getBoundingClientRect();
                     if (r.left < clip.left - 1 || r.top < clip.top - 1 || r.right > clip.right + 1 || r.bottom > clip.bottom + 1) return null;
                   }
                   return [r.left + 1, r.top + 1, r.right - 1, r.bottom - 1].map(v => Math.round(v * scale));
                 };
                 return Array.from(document.querySelectorAll(arguments[0])).map(whole).filter(Boolean);",
                vec![json!(css)],
            )
            .await
            .map_err(|error| format!("could not measure `{css}`: {error}"))?;
        let boxes: Vec<[u32; 4]> =
            serde_json::from_value(boxes).map_err(|error| format!("boxes of `{css}`: {error}"))?;
        if boxes.is_empty() {
            return Err(format!("no `{css}` shows whole in the window"));
        }
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|error| format!("screenshot: {error}"))?;
        let image = Rgba::decode(&png)?;
        let blank: Vec<&[u32; 4]> = boxes.iter().filter(|area| image.is_flat(**area)).collect();
        if blank.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "{} of {} `{css}` in the window show nothing where they are (left, top, right, \
                 bottom in pixels): {blank:?}",
                blank.len(),
                boxes.len()
            ))
        }
    }
}

/// A screenshot's pixels, to look at what the window shows.
struct Rgba {
    width: u32,
    height: u32,
    pixels: Vec<u8>,
}

impl Rgba {
    fn decode(png: &[u8]) -> Result<Rgba, String> {
        let mut decoder = png::Decoder::new(std::io::Cursor::new(png));
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder
            .read_info()
            .map_err(|error| format!("screenshot PNG: {error}"))?;
        let mut buffer = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let frame = reader
            .next_frame(&mut buffer)
            .map_err(|error| format!("screenshot PNG: {error}"))?;
        let channels = frame.color_type.samples();
        buffer.truncate(frame.buffer_size());
        let pixels = buffer
            .chunks(channels)
            .flat_map(|pixel| match pixel {
                [grey] | [grey, _] => [*grey, *grey, *grey],
                [red, green, blue, ..] => [*red, *green, *blue],
                _ => [0, 0, 0],
            })
            .collect();
        Ok(Rgba {
            width: frame.width,
            height: frame.height,
            pixels,
        })
    }

    /// The colour of one pixel (black outside the image).
    fn at(&self, x: u32, y: u32) -> [u8; 3] {
        if x >= self.width || y >= self.height {
            return [0, 0, 0];
        }
        let index = ((y * self.width + x) * 3) as usize;
        [
            self.pixels[index],
            self.pixels[index + 1],
            self.pixels[index + 2],
        ]
    }

    /// Every pixel of the area (left, top, right, bottom) has the colour of its first one.
    fn is_flat(&self, [left, top, right, bottom]: [u32; 4]) -> bool {
        let (right, bottom) = (right.min(self.width), bottom.min(self.height));
        let at = |x: u32, y: u32| {
            let index = ((y * self.width + x) * 3) as usize;
            &self.pixels[index..index + 3]
        };
        if left >= right || top >= bottom {
            return false;
        }
        let first = at(left, top);
        (top..bottom).all(|y| (left..right).all(|x| at(x, y) == first))
    }
}

/// The navigation's tabs, which stay in place beside the page whatever it shows.
const NAV_TABS: &str = "nav [role='tab']";

impl Screen {
    /// Where the navigation's tabs are laid out (left, top, right, bottom in CSS pixels).
    pub async fn nav_boxes(&self) -> Result<Vec<[f64; 4]>, String> {
        let boxes = self
            .client
            .execute(
                "return Array.from(document.querySelectorAll(arguments[0])).map(e => {
                   const r = e.getBoundingClientRect();
                   return [r.left, r.top, r.right, r.bottom];
                 });",
                vec![json!(NAV_TABS)],
            )
            .await
            .map_err(|error| format!("could not measure the navigation: {error}"))?;
        serde_json::from_value(boxes).map_err(|error| format!("navigation boxes: {error}"))
    }

    /// The open dialog is drawn, and the navigation behind its backdrop is where it was before
    /// the dialog opened (`nav_before`, from [`Screen::nav_boxes`]) and painted there. With the
    /// page scrolled down, WebKitGTK once drew the navigation shifted up by as much as the page
    /// was scrolled (often out of the window), or left the dialog itself undrawn.
    pub async fn dialog_drawn_over_page(&self, nav_before: &[[f64; 4]]) -> Result<(), String> {
        poll_until(STEP_TIMEOUT, async || self.dialog_drawn().await).await?;
        let during = self.nav_boxes().await?;
        if during != nav_before {
            return Err(format!(
                "the navigation moved when a dialog opened: {nav_before:?} before, {during:?} with it"
            ));
        }
        self.wait_until_painted(NAV_TABS).await
    }

    /// The dialog's surface shows its own background colour in its top-left padding, where no
    /// text is: what is there otherwise is the page seen through the backdrop.
    async fn dialog_drawn(&self) -> Result<(), String> {
        let probe = self
            .client
            .execute(
                "const surface = document.querySelector('.fui-DialogSurface');
                 if (!surface) return null;
                 const r = surface.getBoundingClientRect();
                 const colour = getComputedStyle(surface).backgroundColor.match(/\\d+/g).slice(0, 3).map(Number);
                 const scale = window.devicePixelRatio || 1;
                 return [Math.round((r.left + 12) * scale), Math.round((r.top + 12) * scale), colour];",
                vec![],
            )
            .await
            .map_err(|error| format!("could not measure the dialog: {error}"))?;
        let (x, y, colour): (u32, u32, [u8; 3]) =
            serde_json::from_value(probe).map_err(|_| "no dialog is open".to_string())?;
        let png = self
            .client
            .screenshot()
            .await
            .map_err(|error| format!("screenshot: {error}"))?;
        let shown = Rgba::decode(&png)?.at(x, y);
        if shown
            .iter()
            .zip(colour)
            .all(|(shown, wanted)| shown.abs_diff(wanted) <= 8)
        {
            Ok(())
        } else {
            Err(format!(
                "the dialog is not drawn: at ({x}, {y}) the window shows {shown:?}, not the dialog's {colour:?}"
            ))
        }
    }

    /// How far the page is scrolled down, in CSS pixels.
    pub async fn scrolled_by(&self) -> Result<f64, String> {
        self.client
            .execute("return document.documentElement.scrollTop;", vec![])
            .await
            .map_err(|error| format!("could not read the page's scroll: {error}"))?
            .as_f64()
            .ok_or_else(|| "the page's scroll is not a number".to_string())
    }
}
