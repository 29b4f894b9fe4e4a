//! What `cargo metadata --no-deps` would read, decided before cargo runs.
//!
//! Run from a directory outside the tree with a fresh `CARGO_HOME`, cargo reads no configuration
//! of the repository; what it still reads is decided by the manifests themselves (cargo 1.95,
//! `Workspace::new`, `find_members`, `find_path_deps`, confirmed with strace):
//!
//! - the root `Cargo.toml`;
//! - without `[workspace]` in it, `package.workspace`'s target, or else every `Cargo.toml` that
//!   exists above the repository (cargo looks up the tree for a workspace that claims it);
//! - with `[workspace]`, the `Cargo.toml` of every member (globs expanded on the file system,
//!   following symbolic links), of every `path` dependency of a member, recursively, and of every
//!   `package.workspace` a member names;
//! - in each package's folder, the listings of `src/bin`, `examples`, `tests` and `benches`, and
//!   the existence of `src/main.rs`, `src/lib.rs`, `build.rs` and `README*`.
//!
//! Target paths (`[[bin]] path`), `readme`, `license-file` and `build` are only copied into the
//! output, `[patch]` and `[replace]` are not loaded without resolving, and no program runs (not
//! even `rustc -vV`). [`plan`] follows the same paths through the same manifests, read safely, and
//! refuses the tree when any of them leaves it, lexically or through a symbolic link, or is not a
//! regular file (a FIFO would hang cargo). What it cannot follow as cargo would (a recursive `**`
//! member glob, a manifest our TOML parser rejects) is refused too: the TOML reading stands in.

use crate::facts::files::FileIndex;
use crate::facts::read::{self, ReadError};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// More manifests than this are not followed (the workspace is read as TOML instead).
pub(crate) const MAX_MANIFESTS: usize = 5_000;

/// Manifests larger than this are not read.
const MAX_MANIFEST_BYTES: u64 = 8 * 1024 * 1024;

/// The tables whose entries may carry a `path` that cargo loads.
const DEP_TABLES: &[&str] =
    &["dependencies", "dev-dependencies", "dev_dependencies", "build-dependencies", "build_dependencies"];

/// Folders cargo lists to discover targets, relative to a package's folder.
const TARGET_DIRS: &[&str] = &["src", "src/bin", "examples", "tests", "benches"];

/// A tree cargo may read.
#[derive(Debug)]
pub(crate) struct Plan {
    /// The tree, with every symbolic link resolved: cargo is given `root/Cargo.toml`.
    pub root: PathBuf,
    /// The manifests cargo will load, relative to the root.
    pub manifests: BTreeSet<String>,
}

/// Follows what cargo would read from the manifests of `root`; `Err` says why cargo must not run.
///
/// Manifest texts come from the index when it holds them (each file is read once per audit), and
/// otherwise through [`read::read_inside`] (a manifest behind a symbolic link inside the tree).
pub(crate) fn plan(root: &Path, files: &FileIndex) -> Result<Plan, String> {
    let real = std::fs::canonicalize(root).map_err(|e| format!("the repository's folder cannot be resolved: {e}"))?;
    let mut plan = Plan { root: real, manifests: BTreeSet::new() };
    let doc = load(&plan.root, files, "Cargo.toml")?;
    plan.manifests.insert("Cargo.toml".into());
    let Some(workspace) = doc.get("workspace") else {
        // a lone package: cargo looks for a workspace that claims it
        if let Some(ptr) = doc.get("package").and_then(|p| p.get("workspace")) {
            let ptr = ptr.as_str().unwrap_or("?");
            return Err(format!("`Cargo.toml` names its workspace elsewhere (`package.workspace = \"{ptr}\"`)"));
        }
        for dir in plan.root.ancestors().skip(1) {
            if dir.join("Cargo.toml").exists() {
                return Err("cargo would look above the repository for a workspace and read the `Cargo.toml` of a \
                     parent folder"
                    .into());
            }
        }
        target_dirs(&plan.root, "")?;
        return Ok(plan);
    };
    let workspace = workspace.as_table().ok_or("`Cargo.toml`: `workspace` is not a table")?;
    if plan.root.to_str().is_some_and(|p| p.contains(['*', '?', '['])) {
        return Err("the repository's path contains glob characters, which cargo would expand in member paths".into());
    }
    let mut queue: Vec<String> = Vec::new();
    if doc.contains_key("package") {
        queue.push(String::new());
    }
    for key in ["members", "default-members"] {
        let Some(list) = workspace.get(key) else { continue };
        let list = list.as_array().ok_or_else(|| format!("`Cargo.toml`: `workspace.{key}` is not a list"))?;
        for pattern in list {
            let pattern =
                pattern.as_str().ok_or_else(|| format!("`Cargo.toml`: `workspace.{key}` holds a non-string"))?;
            queue.extend(expand(&plan.root, pattern)?);
        }
    }
    // `dep.workspace = true` in a member loads the path the root declares
    for (name, path) in path_deps(workspace) {
        let dir = resolve("Cargo.toml", "", &name, &path)?;
        queue.push(dir);
    }
    let mut seen: HashSet<String> = HashSet::new();
    while let Some(dir) = queue.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        if seen.len() > MAX_MANIFESTS {
            return Err(format!("the workspace has more than {MAX_MANIFESTS} packages"));
        }
        let manifest = join(&dir, "Cargo.toml");
        inside(&plan.root, &dir)?;
        let member = if dir.is_empty() { doc.clone() } else { load(&plan.root, files, &manifest)? };
        plan.manifests.insert(manifest.clone());
        if let Some(ptr) = member.get("package").and_then(|p| p.get("workspace")) {
            let ptr = ptr.as_str().ok_or_else(|| format!("`{manifest}`: `package.workspace` is not a string"))?;
            let target = normalize(&dir, ptr)
                .ok_or_else(|| format!("`{manifest}` names its workspace outside the repository (`{ptr}`)"))?;
            inside(&plan.root, &target)?;
        }
        target_dirs(&plan.root, &dir)?;
        let mut tables: Vec<&toml::Table> = vec![&member];
        if let Some(targets) = member.get("target").and_then(toml::Value::as_table) {
            tables.extend(targets.values().filter_map(toml::Value::as_table));
        }
        for table in tables {
            for (name, path) in path_deps(table) {
                queue.push(resolve(&manifest, &dir, &name, &path)?);
            }
        }
    }
    Ok(plan)
}

/// Reads and parses one manifest, refusing what cargo must not be pointed at.
fn load(root: &Path, files: &FileIndex, rel: &str) -> Result<toml::Table, String> {
    let indexed = files.find(rel).and_then(|i| files.text(i)).map(str::to_string);
    let text = match indexed {
        Some(t) => t,
        None => match read::read_inside(root, rel, MAX_MANIFEST_BYTES) {
            Ok(bytes) => String::from_utf8(bytes).map_err(|_| format!("`{rel}` is not UTF-8"))?,
            Err(ReadError::NotFound) => return Err(format!("`{rel}` does not exist")),
            Err(ReadError::Outside) => return Err(format!("`{rel}` leads outside the repository")),
            Err(e) => return Err(format!("`{rel}` cannot be read: {e}")),
        },
    };
    text.parse::<toml::Table>().map_err(|e| format!("`{rel}` does not parse as TOML: {}", e.message().trim_end()))
}

/// The `path` of every dependency in the dependency tables of `table` (a manifest, a
/// `[target.'cfg(..)']` table or `[workspace]`), as (name, path).
fn path_deps(table: &toml::Table) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for key in DEP_TABLES {
        let Some(deps) = table.get(*key).and_then(toml::Value::as_table) else { continue };
        for (name, spec) in deps {
            if let Some(path) = spec.get("path") {
                // a non-string path makes cargo fail; keep it so that it is refused
                out.push((name.clone(), path.as_str().unwrap_or("\u{0}").to_string()));
            }
        }
    }
    out
}

/// The folder of a path dependency, relative to the root, when it stays inside.
fn resolve(manifest: &str, dir: &str, name: &str, path: &str) -> Result<String, String> {
    normalize(dir, path).ok_or_else(|| format!("`{manifest}` depends on `{name}` outside the repository (`{path}`)"))
}

/// Expands a member pattern as cargo's `glob` would, relative to the root: every folder it
/// lists or yields must resolve inside the root.
fn expand(root: &Path, pattern: &str) -> Result<Vec<String>, String> {
    let bad = |why: &str| format!("workspace member `{pattern}` {why}");
    if pattern.starts_with('/') || (cfg!(windows) && (pattern.contains(':') || pattern.starts_with('\\'))) {
        return Err(bad("is an absolute path"));
    }
    let mut found = vec![String::new()];
    let mut globbed = false;
    for part in pattern.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if part == ".." {
            return Err(bad("climbs out of its folder (`..`)"));
        }
        if !part.contains(['*', '?', '[']) {
            found = found.iter().map(|d| join(d, part)).collect();
            continue;
        }
        if part.contains("**") {
            return Err(bad("is a recursive glob, which is not followed"));
        }
        globbed = true;
        let matcher = globset::GlobBuilder::new(part)
            .literal_separator(true)
            .build()
            .map_err(|e| bad(&format!("is not a valid glob: {e}")))?
            .compile_matcher();
        let mut next = Vec::new();
        for dir in &found {
            let Some(real) = inside(root, dir)? else { continue };
            let Ok(entries) = std::fs::read_dir(&real) else { continue };
            for entry in entries.flatten() {
                let name = entry.file_name();
                if !matcher.is_match(&name) {
                    continue;
                }
                let name = name.to_str().ok_or_else(|| bad("matches a folder whose name is not UTF-8"))?;
                let rel = join(dir, name);
                if std::fs::metadata(real.join(name)).is_ok_and(|m| m.is_dir()) {
                    inside(root, &rel)?;
                    next.push(rel);
                }
                if next.len() > MAX_MANIFESTS {
                    return Err(bad(&format!("matches more than {MAX_MANIFESTS} folders")));
                }
            }
        }
        found = next;
    }
    if globbed {
        // a glob yields only what exists; a literal member that does not exist is cargo's error
        found.retain(|d| root.join(d).is_dir());
    }
    Ok(found)
}

/// Refuses the package folder `dir` when a folder cargo lists there leads out of the root.
fn target_dirs(root: &Path, dir: &str) -> Result<(), String> {
    for sub in TARGET_DIRS {
        inside(root, &join(dir, sub))?;
    }
    Ok(())
}

/// `rel` resolved with every link followed, when it exists; an error when it leads out.
fn inside(root: &Path, rel: &str) -> Result<Option<PathBuf>, String> {
    let path = if rel.is_empty() { root.to_path_buf() } else { root.join(rel) };
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(None);
    }
    match std::fs::canonicalize(&path) {
        Ok(real) if real.starts_with(root) => Ok(Some(real)),
        Ok(_) => Err(format!("`{}` leads outside the repository through a symbolic link", display(rel))),
        // a dangling link: cargo finds nothing there either
        Err(_) => Ok(None),
    }
}

fn display(rel: &str) -> &str {
    if rel.is_empty() { "." } else { rel }
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() { name.to_string() } else { format!("{dir}/{name}") }
}

/// `path` (relative to the folder `dir`, itself relative to the root) normalised without
/// touching the file system; `None` when it is absolute or climbs above the root.
fn normalize(dir: &str, path: &str) -> Option<String> {
    if path.starts_with('/') || path.contains('\0') || cfg!(windows) && (path.contains(':') || path.starts_with('\\')) {
        return None;
    }
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = dir.path().join(path);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    fn run(root: &Path) -> Result<Vec<String>, String> {
        let files = FileIndex::walk(root, crate::facts::files::DEFAULT_MAX_FILE_SIZE).unwrap();
        plan(root, &files).map(|p| p.manifests.into_iter().collect())
    }

    const PKG: &str = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n";

    #[test]
    fn normalize_stays_inside() {
        for (dir, path, want) in [
            ("", "crates/a", Some("crates/a")),
            ("crates/a", "../b", Some("crates/b")),
            ("crates/a", "../../..", None),
            ("crates/a", "./x/./y/", Some("crates/a/x/y")),
            ("", "..", None),
            ("", "/etc", None),
            ("a", "..", Some("")),
        ] {
            assert_eq!(normalize(dir, path).as_deref(), want, "{dir} + {path}");
        }
    }

    #[test]
    fn what_cargo_would_read_is_followed_or_refused() {
        let ws = "[workspace]\nmembers = [\"crates/*\", \"tools/x\"]\n";
        for (name, files, want) in [
            ("lone package", vec![("Cargo.toml", PKG)], Ok(vec!["Cargo.toml"])),
            (
                "members, globs and path dependencies inside",
                vec![
                    ("Cargo.toml", ws),
                    ("crates/a/Cargo.toml", "[package]\nname=\"a\"\n[dependencies]\nb = { path = \"../../libs/b\" }\n"),
                    ("crates/файл.txt", "not a folder"),
                    (
                        "libs/b/Cargo.toml",
                        "[package]\nname=\"b\"\n[target.'cfg(unix)'.dev-dependencies]\nc = { path = \"../c\" }\n",
                    ),
                    ("libs/c/Cargo.toml", "[package]\nname=\"c\"\n"),
                    ("tools/x/Cargo.toml", "[package]\nname=\"x\"\nworkspace = \"../..\"\n"),
                ],
                Ok(vec![
                    "Cargo.toml",
                    "crates/a/Cargo.toml",
                    "libs/b/Cargo.toml",
                    "libs/c/Cargo.toml",
                    "tools/x/Cargo.toml",
                ]),
            ),
            (
                "a member outside",
                vec![("Cargo.toml", "[workspace]\nmembers = [\"../elsewhere\"]\n")],
                Err("climbs out"),
            ),
            ("an absolute member", vec![("Cargo.toml", "[workspace]\nmembers = [\"/etc\"]\n")], Err("absolute")),
            ("a recursive glob", vec![("Cargo.toml", "[workspace]\nmembers = [\"crates/**\"]\n")], Err("recursive")),
            (
                "a path dependency outside",
                vec![("Cargo.toml", &format!("[workspace]\n{PKG}[dependencies]\nx = {{ path = \"../x\" }}\n"))],
                Err("depends on `x` outside"),
            ),
            (
                "a workspace dependency outside",
                vec![("Cargo.toml", "[workspace]\n[workspace.dependencies]\nx = { path = \"../../x\" }\n")],
                Err("depends on `x` outside"),
            ),
            (
                "a member pointing at a workspace outside",
                vec![
                    ("Cargo.toml", "[workspace]\nmembers = [\"m\"]\n"),
                    ("m/Cargo.toml", "[package]\nname=\"m\"\nworkspace = \"../../..\"\n"),
                ],
                Err("names its workspace outside"),
            ),
            (
                "a lone package pointing at a workspace",
                vec![("Cargo.toml", "[package]\nname=\"p\"\nworkspace = \"../..\"\n")],
                Err("names its workspace elsewhere"),
            ),
            (
                "a missing member",
                vec![("Cargo.toml", "[workspace]\nmembers = [\"nope\"]\n")],
                Err("`nope/Cargo.toml` does not exist"),
            ),
            (
                "a member that does not parse",
                vec![("Cargo.toml", "[workspace]\nmembers = [\"m\"]\n"), ("m/Cargo.toml", "[package\n")],
                Err("`m/Cargo.toml` does not parse"),
            ),
            ("a root that does not parse", vec![("Cargo.toml", "[workspace]\nmembers = 3\n")], Err("not a list")),
        ] {
            let dir = tree(&files);
            let got = run(dir.path());
            match (&got, want) {
                (Ok(got), Ok(want)) => assert_eq!(got, &want, "{name}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{name}: {got}"),
                _ => panic!("{name}: {got:?}"),
            }
        }
    }

    #[cfg(unix)]
    #[test]
    fn links_and_parents_that_lead_out_are_refused() {
        use std::os::unix::fs::symlink;
        let outside = tree(&[("x/Cargo.toml", PKG), ("bin/evil.rs", "")]);
        let o = outside.path();
        for (name, setup, want) in [
            ("a symlinked Cargo.toml leading out", "root-link", "`Cargo.toml` leads outside"),
            ("a member folder leading out", "member-link", "`crates/x` leads outside"),
            ("src/bin leading out", "bin-link", "`src/bin` leads outside"),
            ("a FIFO as Cargo.toml", "fifo", "not a regular file (a named pipe)"),
        ] {
            let dir = tree(&[("src/main.rs", "")]);
            let d = dir.path();
            match setup {
                "root-link" => symlink(o.join("x/Cargo.toml"), d.join("Cargo.toml")).unwrap(),
                "member-link" => {
                    fs::write(d.join("Cargo.toml"), "[workspace]\nmembers = [\"crates/*\"]\n").unwrap();
                    fs::create_dir(d.join("crates")).unwrap();
                    symlink(o.join("x"), d.join("crates/x")).unwrap();
                }
                "bin-link" => {
                    fs::write(d.join("Cargo.toml"), format!("[workspace]\n{PKG}")).unwrap();
                    symlink(o.join("bin"), d.join("src/bin")).unwrap();
                }
                _ => {
                    let c = std::ffi::CString::new(d.join("Cargo.toml").as_os_str().as_encoded_bytes()).unwrap();
                    // SAFETY: a valid NUL-terminated path.
                    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
                }
            }
            let got = run(d).unwrap_err();
            assert!(got.contains(want), "{name}: {got}");
        }
        // a lone package below a folder with a Cargo.toml: cargo would read the parent's
        let parent = tree(&[("Cargo.toml", "[workspace]\n"), ("репо/Cargo.toml", PKG)]);
        let got = run(&parent.path().join("репо")).unwrap_err();
        assert!(got.contains("parent folder"), "{got}");
        // the same package with its own [workspace] is its own root
        fs::write(parent.path().join("репо/Cargo.toml"), format!("[workspace]\n{PKG}")).unwrap();
        assert_eq!(run(&parent.path().join("репо")).unwrap(), vec!["Cargo.toml"]);
    }
}
