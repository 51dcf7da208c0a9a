//! How WebKitGTK draws the window on Linux.
//!
//! WebKitGTK paints pages with Skia on the GPU. On a machine without a GPU (a virtual machine, a
//! remote desktop, a headless display) Mesa emulates the GPU in software, and the first paint of a
//! screen as full as the app's costs about a second: measured under Xvfb, the welcome screen was
//! committed 0.18 s after the page started and painted 1.1 s after it; with Skia painting on the
//! CPU it was painted about 0.3 s after the commit. So when the machine shows no GPU, the app asks
//! WebKit to paint on the CPU, unless the user has already chosen by setting the variable.
//!
//! Turning WebKit's DMA-BUF renderer off instead paints faster still, but then a page loading a
//! script while WebDriver queried it hung for good (seen with WebKitGTK 2.50); CPU painting keeps
//! WebKit's usual pipeline.
//!
//! Windows (WebView2) and macOS (WKWebView) have no such switch; there this is a no-op.

use std::ffi::OsStr;
use std::path::Path;

/// WebKitGTK's switch for painting with Skia on the CPU ("1" turns it on).
pub const CPU_PAINTING_SWITCH: &str = "WEBKIT_SKIA_ENABLE_CPU_RENDERING";

/// What the app decided about the renderer, logged once logging is up. The decision is made
/// (and tested) on every system but applied only on Linux, so elsewhere only `NotApplicable` is
/// built outside tests.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub enum RendererChoice {
    /// A GPU is there: WebKit's default renderer.
    GpuDefault,
    /// The user set the switch themselves; the app leaves it as it is.
    UserChoice(String),
    /// No GPU: the app asked WebKit to paint on the CPU.
    CpuPaintingWithoutGpu,
    /// Not a WebKitGTK platform.
    #[cfg_attr(target_os = "linux", allow(dead_code))]
    NotApplicable,
}

/// The decision, apart from the environment so that it can be tested.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn choose(has_gpu: bool, user_setting: Option<&OsStr>) -> RendererChoice {
    match user_setting {
        Some(value) => RendererChoice::UserChoice(value.to_string_lossy().into_owned()),
        None if has_gpu => RendererChoice::GpuDefault,
        None => RendererChoice::CpuPaintingWithoutGpu,
    }
}

/// Whether the device folder `dev` (normally `/dev`) shows a GPU: a render node in `dri/`
/// (`renderD128`, ...), or `dxg`, through which WSL hands the Windows GPU to Linux programs.
#[cfg_attr(not(target_os = "linux"), allow(dead_code))]
pub fn has_gpu(dev: &Path) -> bool {
    let render_node = std::fs::read_dir(dev.join("dri")).is_ok_and(|entries| {
        entries
            .filter_map(Result::ok)
            .any(|entry| entry.file_name().to_string_lossy().starts_with("renderD"))
    });
    render_node || dev.join("dxg").exists()
}

/// Decides and applies the choice. Must run first in `main`, before any thread exists, because
/// it changes the process environment that WebKit reads when the window is created.
#[cfg(target_os = "linux")]
pub fn apply_before_any_thread() -> RendererChoice {
    let user_setting = std::env::var_os(CPU_PAINTING_SWITCH);
    let choice = choose(has_gpu(Path::new("/dev")), user_setting.as_deref());
    if choice == RendererChoice::CpuPaintingWithoutGpu {
        std::env::set_var(CPU_PAINTING_SWITCH, "1");
    }
    choice
}

#[cfg(not(target_os = "linux"))]
pub fn apply_before_any_thread() -> RendererChoice {
    RendererChoice::NotApplicable
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_a_gpu_webkit_paints_on_the_cpu() {
        assert_eq!(choose(false, None), RendererChoice::CpuPaintingWithoutGpu);
    }

    #[test]
    fn with_a_gpu_webkit_keeps_its_default() {
        assert_eq!(choose(true, None), RendererChoice::GpuDefault);
    }

    #[test]
    fn a_users_own_setting_wins_either_way() {
        for has_gpu in [false, true] {
            assert_eq!(
                choose(has_gpu, Some(OsStr::new("0"))),
                RendererChoice::UserChoice("0".into())
            );
        }
    }

    #[test]
    fn a_render_node_or_wsls_gpu_device_counts_as_a_gpu() {
        let dev = std::env::temp_dir().join(format!("pfrm-dev-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dev);
        assert!(!has_gpu(&dev), "a missing folder means no GPU");
        std::fs::create_dir_all(dev.join("dri")).unwrap();
        assert!(!has_gpu(&dev), "an empty dri folder has no GPU");
        std::fs::write(dev.join("dri/card0"), b"").unwrap();
        assert!(!has_gpu(&dev), "a display card alone is not a render node");
        std::fs::write(dev.join("dri/renderD128"), b"").unwrap();
        assert!(has_gpu(&dev));
        std::fs::remove_dir_all(dev.join("dri")).unwrap();
        std::fs::write(dev.join("dxg"), b"").unwrap();
        assert!(has_gpu(&dev), "WSL's GPU device");
        std::fs::remove_dir_all(&dev).unwrap();
    }
}
