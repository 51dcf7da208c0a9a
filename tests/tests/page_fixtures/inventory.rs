//! Where the desktop shell saves an inventory the user exports: the core's `export::save` into
//! the Downloads folder, under the name it picks (the day the inventory was taken), by format.

use pfrm_core::migration::inventory::export::{self, ExportFormat};
use pfrm_core::migration::inventory::Inventory;
use serde_json::{Map, Value};

use super::{answer, replaced};

/// The Downloads folder the fixtures show (the generator's own is a temporary folder).
const DOWNLOADS: &str = "/home/alex/Downloads";

/// `save_inventory`'s answer for `inventory` in each format, into an empty Downloads folder.
pub fn saved_paths(inventory: &Inventory) -> Value {
    let mut paths = Map::new();
    for format in [
        ExportFormat::Csv,
        ExportFormat::Json,
        ExportFormat::Markdown,
    ] {
        let downloads = tempfile::tempdir().unwrap();
        let saved = export::save(inventory, format, downloads.path())
            .map(|path| path.display().to_string());
        let folder = downloads.path().display().to_string();
        let key = serde_json::to_value(format).unwrap();
        paths.insert(
            key.as_str().unwrap().to_owned(),
            replaced(&answer(saved), [(folder.as_str(), DOWNLOADS)]),
        );
    }
    Value::Object(paths)
}
