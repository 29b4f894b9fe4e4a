//! Reading check packs from the folders the user names (`--checks DIR`, a roadmap's `checks`).
//!
//! A pack's files are its `pack.toml`, its `*.toml` check files and its `*.rego` policies, all
//! directly in its folder (sub-folders hold fixtures for `maturity checks test` and are not read
//! here). Each is read through [`super::read`]: a regular file of bounded size whose real path
//! stays inside the pack's folder, so a symbolic link out of it is an error, as is a pack that
//! cannot be read. A pack that does not load stops the audit with every problem at its file,
//! line and column; nothing is skipped silently.

use super::read::{self, ReadError};
use crate::plugin::{Diagnostic, Pack, PackError, Packs, spec};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Largest check file read.
const MAX_TOML_BYTES: u64 = 1024 * 1024;
/// Files a pack may have.
const MAX_FILES: usize = 500;

fn error(file: String, message: String) -> PackError {
    PackError { diagnostics: vec![Diagnostic { file, line: 1, column: 1, message }] }
}

/// Reads the pack in `dir`; `taken` says whether a check id is already used.
pub fn load(dir: &Path, taken: &dyn Fn(&str) -> bool) -> Result<Pack, PackError> {
    let shown = dir.display().to_string();
    let entries =
        std::fs::read_dir(dir).map_err(|e| error(shown.clone(), format!("cannot read the check pack folder: {e}")))?;
    let mut texts = BTreeMap::new();
    let mut problems = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| error(shown.clone(), format!("cannot read the check pack folder: {e}")))?;
        let Some(name) = entry.file_name().to_str().map(str::to_string) else {
            problems.push(Diagnostic {
                file: spec::shown(&shown, &entry.file_name().to_string_lossy()),
                line: 1,
                column: 1,
                message: "the file name is not UTF-8".into(),
            });
            continue;
        };
        let limit = if name.ends_with(".toml") {
            MAX_TOML_BYTES
        } else if name.ends_with(".rego") {
            crate::plugin::rego::MAX_POLICY_BYTES
        } else {
            continue;
        };
        if texts.len() >= MAX_FILES {
            return Err(error(shown, format!("the pack has more than {MAX_FILES} files")));
        }
        match read::read_inside(dir, &name, limit) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(t) => {
                    texts.insert(name, t);
                }
                Err(_) => problems.push(Diagnostic {
                    file: spec::shown(&shown, &name),
                    line: 1,
                    column: 1,
                    message: "the file is not UTF-8 text".into(),
                }),
            },
            Err(e) => problems.push(Diagnostic {
                file: spec::shown(&shown, &name),
                line: 1,
                column: 1,
                message: match e {
                    ReadError::Outside => "a symbolic link leading outside the pack's folder: not read".into(),
                    other => format!("cannot read: {other}"),
                },
            }),
        }
    }
    if !problems.is_empty() {
        problems.sort();
        return Err(PackError { diagnostics: problems });
    }
    spec::parse(&shown, &texts, taken)
}

/// Reads every pack, in order; ids must be free of built-in checks and of earlier packs.
pub fn load_all(dirs: &[PathBuf]) -> Result<Packs, PackError> {
    let mut packs: Vec<Pack> = Vec::new();
    for dir in dirs {
        let taken =
            |id: &str| crate::registry::find(id).is_some() || packs.iter().flat_map(|p| &p.checks).any(|c| c.id == id);
        let pack = load(dir, &taken)?;
        if let Some(other) = packs.iter().find(|p| p.name == pack.name) {
            return Err(error(
                spec::shown(&pack.dir, spec::MANIFEST),
                format!("a pack named `{}` is already loaded from {}", pack.name, other.dir),
            ));
        }
        packs.push(pack);
    }
    Ok(Packs::new(packs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const CHECK: &str = "[[checks]]\nid = \"acme.docs.readme\"\nitem = \"6.3\"\ntitle = \"A README\"\nrationale = \"People read it first.\"\nremediation = \"Write a README.md.\"\nrule.file_exists = { files = \"README.md\" }\n";

    fn write(dir: &Path, files: &[(&str, &str)]) {
        for (n, t) in files {
            let p = dir.join(n);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, t).unwrap();
        }
    }

    #[test]
    fn a_pack_folder_loads_and_its_fixtures_are_not_read() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            &[
                ("pack.toml", "[pack]\nname = \"acme\"\n"),
                ("docs.toml", CHECK),
                ("fixtures/bad/expect.toml", "this is not toml ["),
                ("notes.txt", "ignored"),
            ],
        );
        let packs = load_all(&[dir.path().to_path_buf()]).unwrap();
        assert_eq!(packs.checks().map(|c| c.id.as_str()).collect::<Vec<_>>(), vec!["acme.docs.readme"]);
    }

    #[test]
    fn a_broken_pack_is_an_error_never_a_skip() {
        let dir = tempfile::tempdir().unwrap();
        let missing = load_all(&[dir.path().join("nope")]).unwrap_err();
        assert!(missing.diagnostics[0].message.contains("cannot read the check pack folder"), "{missing}");
        write(dir.path(), &[("pack.toml", "[pack]\nname = \"acme\"\n"), ("docs.toml", CHECK)]);
        let twice = load_all(&[dir.path().to_path_buf(), dir.path().to_path_buf()]).unwrap_err();
        assert!(twice.to_string().contains("already taken") || twice.to_string().contains("already loaded"), "{twice}");
        let builtin = CHECK.replace("acme.docs.readme", "repo.docs.runbooks");
        write(dir.path(), &[("docs.toml", &builtin)]);
        let e = load_all(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(e.to_string().contains("must start with the pack's name"), "{e}");
    }

    #[cfg(unix)]
    #[test]
    fn a_symbolic_link_out_of_the_pack_is_refused() {
        let outside = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("evil.toml"), CHECK).unwrap();
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), &[("pack.toml", "[pack]\nname = \"acme\"\n")]);
        std::os::unix::fs::symlink(outside.path().join("evil.toml"), dir.path().join("evil.toml")).unwrap();
        let e = load_all(&[dir.path().to_path_buf()]).unwrap_err();
        assert!(
            e.to_string().contains("evil.toml:1:1: error: a symbolic link leading outside the pack's folder"),
            "{e}"
        );
    }
}
