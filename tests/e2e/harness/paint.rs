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
