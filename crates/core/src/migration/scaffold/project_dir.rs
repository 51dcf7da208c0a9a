//! Where the project is written: only a new or empty folder, so a developer's finished
//! handlers (or anything else there) are never overwritten.

use std::path::{Path, PathBuf};

use super::{GeneratedFile, ScaffoldResult};
use crate::error::{Error, ErrorCode, Result};
use crate::migration::mapping::FlowAudit;
use crate::user_files::typed_path;

/// Whether the project can be written to `out_dir`: a new folder, or an empty one. A file, or a
/// folder that holds anything (a project that may have been finished by hand, or someone's
/// other work), is refused before any file is written.
pub fn check_out_dir(out_dir: &Path) -> Result<()> {
    let metadata = match std::fs::metadata(out_dir) {
        Ok(metadata) => metadata,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(error) => return Err(write_error(out_dir, &error)),
    };
    if !metadata.is_dir() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!("{} is a file, not a folder.", out_dir.display()),
        )
        .with_remedy("Choose a new or empty folder to write the project to."));
    }
    let mut entries = std::fs::read_dir(out_dir).map_err(|error| write_error(out_dir, &error))?;
    if entries.next().is_some() {
        return Err(Error::new(
            ErrorCode::Conflict,
            format!(
                "{} is not empty; pfrm writes a project only to a new or empty folder, so nothing there is overwritten.",
                out_dir.display()
            ),
        )
        .with_remedy("Choose a new folder (it is created) or an empty one, such as a subfolder named after the flow."));
    }
    Ok(())
}

/// The folder the user chose for a project, as typed or picked, checked before anything is read
/// from Azure: surrounding spaces are dropped; a relative path is taken from `relative_to` (the
/// CLI's working folder) and refused where there is none (the app, whose working folder the
/// user never sees); then [`check_out_dir`] refuses a file or a folder that is not empty.
pub fn chosen_out_dir(given: &Path, relative_to: Option<&Path>) -> Result<PathBuf> {
    let out_dir = typed_path(given, relative_to).ok_or_else(|| {
        Error::invalid_input("Choose the folder to write the project to.").with_remedy(
            "Type a full path, such as /home/you/projects/my-flow, or pick a folder with the Choose folder button.",
        )
    })?;
    check_out_dir(&out_dir)?;
    Ok(out_dir)
}

/// Writes the project to `out_dir` (created if needed). Refuses a file or a folder that is not
/// empty ([`check_out_dir`]), so a developer's finished handlers are never overwritten.
pub fn write(out_dir: &Path, files: &[GeneratedFile], audit: &FlowAudit) -> Result<ScaffoldResult> {
    check_out_dir(out_dir)?;
    std::fs::create_dir_all(out_dir).map_err(|error| write_error(out_dir, &error))?;
    let mut written = Vec::new();
    for file in files {
        let path: PathBuf = out_dir.join(&file.path);
        std::fs::write(&path, &file.contents).map_err(|error| write_error(&path, &error))?;
        written.push(file.path.clone());
    }
    Ok(ScaffoldResult {
        out_dir: out_dir.display().to_string(),
        files: written,
        executors: audit.nodes.len() + 2,
        edge_groups: audit.wiring.len(),
    })
}

fn write_error(path: &Path, error: &std::io::Error) -> Error {
    Error::new(
        ErrorCode::Config,
        format!("{} could not be written: {error}.", path.display()),
    )
    .with_remedy("Choose a folder you can write to for --out.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::migration::flow_yaml::FlowDefinition;

    #[test]
    fn a_project_goes_only_to_a_new_or_empty_folder() {
        let dir = tempfile::tempdir().unwrap();
        // New (created on write) and empty folders are fine.
        assert!(check_out_dir(&dir.path().join("new")).is_ok());
        assert!(check_out_dir(dir.path()).is_ok());

        // A folder with anything in it is refused, with what to do instead.
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = check_out_dir(dir.path()).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("is not empty"), "{}", error.message);
        assert!(error.remedy.as_deref().unwrap().contains("new folder"));

        // So is a file.
        let error = check_out_dir(&dir.path().join("notes.txt")).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("is a file"), "{}", error.message);

        // And write() refuses before writing anything: the file is untouched.
        let flow = FlowDefinition::parse(
            "inputs: {q: {type: string}}\noutputs: {a: {type: string, reference: \"${echo.output}\"}}\nnodes:\n- name: echo\n  type: python\n  source: {type: code, path: echo.py}\n  inputs: {q: \"${inputs.q}\"}\n",
            Path::new("demo/flow.dag.yaml"),
        )
        .unwrap();
        let audit = crate::migration::mapping::audit(&flow).unwrap();
        let files = [GeneratedFile {
            path: "notes.txt".into(),
            contents: "generated".into(),
        }];
        assert!(write(dir.path(), &files, &audit).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join("notes.txt")).unwrap(),
            "mine"
        );
    }

    #[test]
    fn a_chosen_folder_is_full_or_taken_from_the_working_folder_and_checked_first() {
        let dir = tempfile::tempdir().unwrap();
        let new = dir.path().join("my-flow");
        let typed = format!("  {}  ", new.display());
        assert_eq!(chosen_out_dir(Path::new(&typed), None).unwrap(), new);

        // Nothing typed, or a relative path where there is no working folder (the app): the
        // user is told to choose a full path.
        for given in ["", "   ", "projects/my-flow"] {
            let error = chosen_out_dir(Path::new(given), None).unwrap_err();
            assert_eq!(error.code, ErrorCode::InvalidInput, "{given:?}");
            assert!(error.remedy.as_deref().unwrap().contains("full path"));
        }
        // The CLI's relative --out is taken from its working folder.
        assert_eq!(
            chosen_out_dir(Path::new("my-flow"), Some(dir.path())).unwrap(),
            new
        );

        // A folder that holds something is refused before anything is read.
        std::fs::write(dir.path().join("notes.txt"), "mine").unwrap();
        let error = chosen_out_dir(dir.path(), None).unwrap_err();
        assert_eq!(error.code, ErrorCode::Conflict);
        assert!(error.message.contains("is not empty"), "{}", error.message);
    }
}
