//! Files pfrm keeps for the user (settings, the operation journal): written atomically, readable
//! by the user only, read with a size cap, and, when damaged, kept aside under a new name.
//!
//! - [`write_private`] writes a sibling with a name no other writer uses, fsyncs it, renames it
//!   over the target and fsyncs the folder: a reader sees the old file or the new one, never a
//!   mix, and concurrent writers (the app and several CLI runs) never rename each other's work.
//! - [`read_capped`] refuses a file larger than the caller's cap instead of loading it whole.
//! - [`set_aside`] moves a damaged file to `<name>.damaged-<UTC time>[-n]`, a name that did not
//!   exist before, so an older damaged copy is never overwritten.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

/// Writes `bytes` to `path` atomically, with permissions for the user only (0600 on Unix). The
/// folder is created (0700 on Unix) when missing.
pub fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = parent_of(path);
    create_private_dir(dir)?;
    let (staging, mut file) = create_staging(path)?;
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            std::fs::rename(&staging, path)
        });
    if let Err(error) = written {
        let _ = std::fs::remove_file(&staging);
        return Err(error);
    }
    sync_dir(dir);
    Ok(())
}

/// Reads `path` whole, refusing one larger than `limit` bytes (error kind `FileTooLarge`).
pub fn read_capped(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let file = File::open(path)?;
    let mut bytes = Vec::new();
    // One byte past the cap tells "exactly at the cap" from "larger".
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!("the file is larger than {limit} bytes"),
        ));
    }
    Ok(bytes)
}

/// Moves the damaged file at `path` to a new sibling `<name>.damaged-<UTC time>[-n]` and returns
/// that path. Never replaces an existing file.
pub fn set_aside(path: &Path) -> io::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no file name"))?
        .to_string_lossy()
        .into_owned();
    let stamp = time::OffsetDateTime::now_utc()
        .format(time::macros::format_description!(
            "[year][month][day]T[hour][minute][second]Z"
        ))
        .unwrap_or_else(|_| "unknown-time".to_owned());
    for n in 1..=1000u32 {
        let suffix = if n == 1 {
            String::new()
        } else {
            format!("-{n}")
        };
        let candidate = path.with_file_name(format!("{name}.damaged-{stamp}{suffix}"));
        // A hard link fails when the name is taken, so no earlier copy can be replaced even by
        // a concurrent run; the original name is then removed.
        match std::fs::hard_link(path, &candidate) {
            Ok(()) => {
                std::fs::remove_file(path)?;
                return Ok(candidate);
            }
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(error) if error.kind() == io::ErrorKind::NotFound => return Err(error),
            // File systems without hard links: check, then rename.
            Err(_) if !candidate.exists() => {
                std::fs::rename(path, &candidate)?;
                return Ok(candidate);
            }
            Err(_) => continue,
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "too many damaged copies are already kept",
    ))
}

/// Creates `dir` (and its parents) when missing; the folder created last is for the user only.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    if dir.as_os_str().is_empty() || dir.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(dir)?;
    restrict(dir, 0o700);
    Ok(())
}

/// Makes an existing file or folder the user's only (0600 files, 0700 folders on Unix).
pub fn make_private(path: &Path) {
    let mode = if path.is_dir() { 0o700 } else { 0o600 };
    restrict(path, mode);
}

fn parent_of(path: &Path) -> &Path {
    path.parent().unwrap_or(Path::new(""))
}

/// A new sibling of `path`, created exclusively, named after the process and a random number
/// so no two writers share it.
fn create_staging(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let mut last_error = None;
    for _ in 0..16 {
        let staging = path.with_file_name(format!(
            ".{name}.{}-{:016x}.tmp",
            std::process::id(),
            rand::random::<u64>()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&staging) {
            Ok(file) => return Ok((staging, file)),
            Err(error) if error.kind() == io::ErrorKind::AlreadyExists => last_error = Some(error),
            Err(error) => return Err(error),
        }
    }
    Err(last_error.unwrap_or_else(|| io::Error::other("no staging file could be created")))
}

/// Makes the rename durable. Best effort: not every platform can open a folder.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    {
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        if let Ok(handle) = File::open(dir) {
            let _ = handle.sync_all();
        }
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(unix)]
fn restrict(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode));
}

#[cfg(not(unix))]
fn restrict(_path: &Path, _mode: u32) {}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn concurrent_writers_never_fail_and_leave_one_whole_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let threads: Vec<_> = (0..32)
            .map(|i| {
                let path = path.clone();
                std::thread::spawn(move || {
                    for j in 0..10 {
                        let text = format!("{{\"writer\":{i},\"round\":{j}}}");
                        write_private(&path, text.as_bytes()).unwrap();
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            serde_json::from_str::<serde_json::Value>(&text).is_ok(),
            "{text}"
        );
        assert_eq!(names(dir.path()), ["settings.json"], "no staging file left");
    }

    #[cfg(unix)]
    #[test]
    fn written_files_and_created_folders_are_for_the_user_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pfrm").join("operations.json");
        write_private(&path, b"{}").unwrap();
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&path), 0o600);
        assert_eq!(mode(path.parent().unwrap()), 0o700);
    }

    #[test]
    fn a_file_over_the_cap_is_refused_and_one_at_the_cap_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cloud.json");
        std::fs::write(&path, vec![b'x'; 100]).unwrap();
        assert_eq!(read_capped(&path, 100).unwrap().len(), 100);
        let error = read_capped(&path, 99).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::FileTooLarge);
    }

    #[test]
    fn every_damaged_copy_is_kept_under_a_new_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("settings.json");
        let mut kept = Vec::new();
        for round in 0..3 {
            std::fs::write(&path, format!("damaged {round}")).unwrap();
            kept.push(set_aside(&path).unwrap());
            assert!(!path.exists());
        }
        for (round, copy) in kept.iter().enumerate() {
            assert_eq!(
                std::fs::read_to_string(copy).unwrap(),
                format!("damaged {round}")
            );
            assert!(copy
                .file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("settings.json.damaged-"));
        }
        assert_eq!(names(dir.path()).len(), 3);
    }
}
