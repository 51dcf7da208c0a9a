//! Files the user asks pfrm to write: where a typed path leads ([`typed_path`]), and, in a
//! folder of theirs (an exported inventory in Downloads, or in the folder `pfrm inventory --out`
//! names), a file already there is never replaced: the new one takes the next free name, as
//! browsers and file managers do (`report.md`, `report (2).md`, `report (3).md`, ...).

use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// A path the user typed or picked, as pfrm takes it: surrounding spaces dropped, a relative
/// path taken from `relative_to` (the CLI's working folder). `None` when nothing was typed, or
/// for a relative path where there is no working folder to take it from (the app, whose
/// working folder the user never sees): the caller says what to choose instead.
pub fn typed_path(given: &Path, relative_to: Option<&Path>) -> Option<PathBuf> {
    let given = match given.to_str() {
        Some(text) => PathBuf::from(text.trim()),
        None => given.to_path_buf(),
    };
    if given.as_os_str().is_empty() {
        return None;
    }
    if given.is_absolute() {
        return Some(given);
    }
    relative_to.map(|base| base.join(given))
}

/// How many names are tried before giving up (a folder holding a thousand copies is a mistake).
const MAX_COPIES: u32 = 1000;

/// The `n`-th name for `stem.extension`: the name itself first, then `stem (n).extension`.
pub fn numbered_name(stem: &str, extension: &str, n: u32) -> String {
    if n <= 1 {
        format!("{stem}.{extension}")
    } else {
        format!("{stem} ({n}).{extension}")
    }
}

/// Writes `bytes` to `folder/stem.extension`, or to the first `stem (n).extension` not taken,
/// and returns the path written. The name is claimed by creating the file (never by checking
/// first), so two exports at the same moment never write to one file.
pub fn write_under_free_name(
    folder: &Path,
    stem: &str,
    extension: &str,
    bytes: &[u8],
) -> io::Result<PathBuf> {
    for n in 1..=MAX_COPIES {
        let path = folder.join(numbered_name(stem, extension, n));
        let mut file = match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&path)
        {
            Ok(file) => file,
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) => return Err(error),
        };
        if let Err(error) = file.write_all(bytes).and_then(|()| file.sync_all()) {
            drop(file);
            let _ = std::fs::remove_file(&path);
            return Err(error);
        }
        return Ok(path);
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        format!("{stem}.{extension} and {MAX_COPIES} numbered copies of it exist already"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_name_gets_the_next_number_and_nothing_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("report.md"), "earlier").unwrap();
        std::fs::write(dir.path().join("report (2).md"), "earlier too").unwrap();

        let first = write_under_free_name(dir.path(), "report", "md", b"new").unwrap();
        assert_eq!(first, dir.path().join("report (3).md"));
        assert_eq!(std::fs::read_to_string(&first).unwrap(), "new");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("report.md")).unwrap(),
            "earlier"
        );

        // Another format of the same name is free.
        let csv = write_under_free_name(dir.path(), "report", "csv", b"a,b").unwrap();
        assert_eq!(csv, dir.path().join("report.csv"));
    }

    #[test]
    fn a_folder_that_is_not_there_is_an_error_not_a_new_folder() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("missing");
        let error = write_under_free_name(&missing, "report", "md", b"x").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::NotFound);
        assert!(!missing.exists());
    }

    #[test]
    fn a_typed_path_is_trimmed_and_relative_only_to_a_working_folder() {
        let base = Path::new("/home/you");
        assert_eq!(
            typed_path(Path::new("  /tmp/x.zip "), None),
            Some(PathBuf::from("/tmp/x.zip"))
        );
        assert_eq!(typed_path(Path::new("x.zip"), None), None);
        assert_eq!(
            typed_path(Path::new("x.zip"), Some(base)),
            Some(base.join("x.zip"))
        );
        assert_eq!(typed_path(Path::new("   "), Some(base)), None);
    }

    #[test]
    fn the_names_count_from_two() {
        assert_eq!(numbered_name("inv", "json", 1), "inv.json");
        assert_eq!(numbered_name("inv", "json", 2), "inv (2).json");
    }
}
