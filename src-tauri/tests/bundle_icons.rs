//! The bundle's icons: every file `tauri.conf.json` lists exists, and each bundle target finds the
//! format it needs. tauri-build stops a Windows build without an `.ico` ("icons/icon.ico not
//! found; required for generating a Windows Resource file"), and a macOS bundle needs an `.icns`.
//! The files are made from `icons/icon.png` by the Tauri CLI:
//! `npx @tauri-apps/cli@2 icon icons/icon.png -o <folder>`, keeping the formats listed.

use std::path::{Path, PathBuf};

fn repository_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("src-tauri is one level below the root")
        .to_path_buf()
}

fn listed_icons() -> Vec<String> {
    let text = std::fs::read_to_string(repository_root().join("tauri.conf.json")).unwrap();
    let config: serde_json::Value = serde_json::from_str(&text).unwrap();
    config["bundle"]["icon"]
        .as_array()
        .expect("bundle.icon lists the icons")
        .iter()
        .map(|icon| icon.as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_listed_icon_exists_and_is_what_its_name_says() {
    let icons = listed_icons();
    assert!(!icons.is_empty());
    for icon in &icons {
        // Paths in the configuration resolve against the folder that holds it (the root).
        let path = repository_root().join(icon);
        let bytes = std::fs::read(&path)
            .unwrap_or_else(|error| panic!("{icon} is listed but unreadable: {error}"));
        let magic: &[u8] = match path.extension().and_then(|e| e.to_str()) {
            Some("png") => b"\x89PNG\r\n\x1a\n",
            Some("ico") => b"\0\0\x01\0",
            Some("icns") => b"icns",
            other => panic!("{icon}: unexpected icon format {other:?}"),
        };
        assert!(
            bytes.starts_with(magic),
            "{icon} is not a real {magic:?} file"
        );
    }
}

#[test]
fn windows_and_macos_bundles_have_their_icon_formats() {
    let icons = listed_icons();
    for extension in [".ico", ".icns", ".png"] {
        assert!(
            icons.iter().any(|icon| icon.ends_with(extension)),
            "no {extension} icon in tauri.conf.json: {icons:?}"
        );
    }
}
