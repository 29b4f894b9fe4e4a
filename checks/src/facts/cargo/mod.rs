//! Rust workspaces read by cargo itself: `cargo metadata --no-deps`, run so that nothing in the
//! audited tree can make it run a program or read outside the tree.
//!
//! Reading `Cargo.toml` as TOML misses what only cargo knows: which folders a member glob names,
//! which targets (library, binaries) a package has without declaring them, and which
//! dependencies a member inherits from `[workspace.dependencies]`. Cargo knows, but a cargo run
//! inside an untrusted tree obeys that tree: `.cargo/config.toml` (found from the *current
//! directory* upwards) can name a `rustc`, a `rustc-wrapper` or a runner, and `rust-toolchain.toml`
//! (read by the rustup proxy, also from the current directory) can name a toolchain folder whose
//! `bin/cargo` is then executed. So cargo runs:
//!
//! - from a fresh temporary folder outside the tree, with `--manifest-path`, so that no
//!   configuration or toolchain file of the tree is found (the temporary folder's parents must
//!   hold no `.cargo/config.toml` either);
//! - with a fresh, empty `CARGO_HOME` and a cleared environment (only `PATH`, `HOME`,
//!   `RUSTUP_HOME` and `RUSTUP_TOOLCHAIN` pass), so neither the user's configuration nor
//!   `RUSTC_WRAPPER`, `RUSTC`, `CARGO_BUILD_*` or `CARGO_TARGET_DIR` apply;
//! - `--no-deps --offline --locked`: no resolution, no network, no lockfile written;
//! - only after [`plan`] has followed every file and folder cargo would read through the
//!   manifests and found each inside the tree;
//! - under a deadline, with its output bounded, its process group killed when it overruns.
//!
//! Cargo's answer is checked again (every package inside the tree) and becomes the Cargo part of
//! [`super::manifests`]. When cargo is missing, refused, failing or too slow, the TOML reading
//! stands in and a note says why. Nothing here writes into the tree.

mod plan;
mod run;

use super::files::FileIndex;
use super::manifests::{DepKind, Target, TargetKind};
use serde::Serialize;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// How long `cargo metadata` may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// The most `cargo metadata` may print (ripgrep prints 33 KB, rust-analyzer 170 KB).
const MAX_OUTPUT: usize = 64 * 1024 * 1024;

/// Which cargo to run.
#[derive(Debug, Clone, PartialEq)]
pub enum CargoProgram {
    /// `$CARGO` when it is an absolute path, else `cargo` on `$PATH` (the default).
    FromEnvironment,
    /// `cargo` on this `PATH` value.
    OnPath(OsString),
    /// This program.
    At(PathBuf),
    /// None: `Cargo.toml` is read as TOML.
    Never,
}

#[derive(Debug, Clone)]
pub struct CargoOptions {
    pub program: CargoProgram,
    pub timeout: Duration,
}

impl Default for CargoOptions {
    fn default() -> Self {
        CargoOptions { program: CargoProgram::FromEnvironment, timeout: DEFAULT_TIMEOUT }
    }
}

/// What cargo said about the workspace, or why it was not asked.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    Read(Workspace),
    /// The TOML reading stands in; why.
    Fallback(String),
}

/// The members of the workspace, as cargo sees them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Workspace {
    pub packages: Vec<Package>,
    /// How long planning, running and reading cargo took.
    pub millis: u64,
}

impl Workspace {
    pub fn package(&self, manifest: &str) -> Option<&Package> {
        self.packages.iter().find(|p| p.manifest == manifest)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Package {
    /// Its `Cargo.toml`, relative to the root.
    pub manifest: String,
    pub name: String,
    pub targets: Vec<Target>,
    pub dependencies: Vec<PackageDep>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PackageDep {
    /// The package depended on.
    pub name: String,
    /// The key in the manifest (differs from `name` for a renamed dependency).
    pub key: String,
    pub kind: DepKind,
}

/// Reads the workspace at `root` with cargo; `None` when `root` has no `Cargo.toml` (or cargo is
/// not to be run at all).
pub fn read(root: &Path, files: &FileIndex, opts: &CargoOptions) -> Option<Outcome> {
    if opts.program == CargoProgram::Never || std::fs::symlink_metadata(root.join("Cargo.toml")).is_err() {
        return None;
    }
    let started = Instant::now();
    let outcome = match super::guard(|| workspace(root, files, opts)) {
        Ok(Ok(mut ws)) => {
            ws.millis = started.elapsed().as_millis() as u64;
            Outcome::Read(ws)
        }
        Ok(Err(why)) => Outcome::Fallback(why),
        Err(panic) => Outcome::Fallback(format!("reading cargo's answer failed: {panic}")),
    };
    Some(outcome)
}

fn workspace(root: &Path, files: &FileIndex, opts: &CargoOptions) -> Result<Workspace, String> {
    let program = locate(&opts.program, root)?;
    let plan = plan::plan(root, files)?;
    let scratch = Scratch::new(&plan.root)?;
    let mut command = cargo_metadata::MetadataCommand::new();
    command
        .cargo_path(&program)
        .manifest_path(plan.root.join("Cargo.toml"))
        .current_dir(&scratch.cwd)
        .no_deps()
        .other_options(vec!["--offline".to_string(), "--locked".to_string()]);
    let mut command = command.cargo_command();
    environment(&mut command, &plan.root, &scratch.home);
    let stdout = run::output(command, opts.timeout, MAX_OUTPUT).map_err(|e| explain(e, &plan.root))?;
    let text = String::from_utf8_lossy(&stdout);
    let json = text.lines().find(|l| l.starts_with('{')).ok_or("`cargo metadata` printed no JSON")?;
    let metadata = cargo_metadata::MetadataCommand::parse(json)
        .map_err(|e| format!("`cargo metadata` printed what could not be read: {e}"))?;
    convert(&metadata, &plan.root)
}

/// The cargo to run: never one inside the audited tree.
fn locate(program: &CargoProgram, root: &Path) -> Result<PathBuf, String> {
    let (cargo, path) = match program {
        CargoProgram::At(p) => return Ok(p.clone()),
        CargoProgram::Never => return Err("cargo is not to be run".into()),
        CargoProgram::FromEnvironment => (std::env::var_os("CARGO"), std::env::var_os("PATH")),
        CargoProgram::OnPath(path) => (None, Some(path.clone())),
    };
    let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let exe = if cfg!(windows) { "cargo.exe" } else { "cargo" };
    let from_path = path.iter().flat_map(std::env::split_paths).map(|dir| dir.join(exe));
    let mut found: Vec<PathBuf> =
        cargo.map(PathBuf::from).into_iter().chain(from_path).filter(|p| p.is_absolute() && executable(p)).collect();
    if found.is_empty() {
        return Err("cargo is not on the PATH".into());
    }
    found.retain(|p| !std::fs::canonicalize(p).is_ok_and(|real| real.starts_with(&real_root)));
    found.into_iter().next().ok_or_else(|| "the only cargo on the PATH is inside the repository".to_string())
}

fn executable(path: &Path) -> bool {
    let Ok(meta) = std::fs::metadata(path) else { return false };
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        meta.is_file() && meta.permissions().mode() & 0o111 != 0
    }
    #[cfg(not(unix))]
    meta.is_file()
}

/// A fresh `CARGO_HOME` and working directory, outside the tree, removed afterwards.
struct Scratch {
    _dir: tempfile::TempDir,
    home: PathBuf,
    cwd: PathBuf,
}

impl Scratch {
    fn new(root: &Path) -> Result<Scratch, String> {
        let dir = tempfile::Builder::new()
            .prefix("maturity-cargo-")
            .tempdir()
            .map_err(|e| format!("no temporary folder for cargo: {e}"))?;
        let real = std::fs::canonicalize(dir.path()).map_err(|e| format!("no temporary folder for cargo: {e}"))?;
        if real.starts_with(root) {
            return Err("the temporary folder is inside the repository, whose configuration cargo would read".into());
        }
        // cargo reads `.cargo/config.toml` in every parent of its working directory
        for parent in real.ancestors() {
            for name in [".cargo/config.toml", ".cargo/config"] {
                let config = parent.join(name);
                if config.exists() {
                    return Err(format!("cargo would read `{}` above its temporary folder", config.display()));
                }
            }
        }
        let (home, cwd) = (real.join("home"), real.join("work"));
        for d in [&home, &cwd] {
            std::fs::create_dir(d).map_err(|e| format!("no temporary folder for cargo: {e}"))?;
        }
        Ok(Scratch { _dir: dir, home, cwd })
    }
}

/// Clears the environment but for what finds the toolchain, and points cargo at an empty home.
fn environment(command: &mut Command, root: &Path, home: &Path) {
    let outside = |p: &Path| p.is_absolute() && !std::fs::canonicalize(p).is_ok_and(|real| real.starts_with(root));
    command.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        let kept: Vec<PathBuf> = std::env::split_paths(&path).filter(|d| outside(d)).collect();
        if let Ok(joined) = std::env::join_paths(kept) {
            command.env("PATH", joined);
        }
    }
    for key in ["HOME", "RUSTUP_HOME", "SYSTEMROOT", "USERPROFILE"] {
        if let Some(value) = std::env::var_os(key) {
            command.env(key, value);
        }
    }
    // a toolchain named by its folder must not be one inside the tree
    if let Some(value) = std::env::var_os("RUSTUP_TOOLCHAIN")
        .filter(|v| !v.to_string_lossy().contains(['/', '\\']) || outside(Path::new(v)))
    {
        command.env("RUSTUP_TOOLCHAIN", value);
    }
    command
        .env("CARGO_HOME", home)
        .env("CARGO_NET_OFFLINE", "true")
        .env("CARGO_TERM_COLOR", "never")
        .env("RUSTUP_AUTO_INSTALL", "0");
}

/// A sentence for the note, with the repository's own path removed from cargo's message.
fn explain(error: run::RunError, root: &Path) -> String {
    match error {
        run::RunError::Start(e) => format!("cargo could not be started: {e}"),
        run::RunError::TimedOut(t) => {
            format!("`cargo metadata` did not finish within {} s and was stopped", t.as_secs_f64())
        }
        run::RunError::TooMuchOutput(n) => {
            format!("`cargo metadata` printed more than {} MiB and was stopped", n / (1024 * 1024))
        }
        run::RunError::Failed { status, stderr } => {
            let prefix = format!("{}/", root.display());
            let lines: Vec<&str> = stderr
                .lines()
                .map(str::trim)
                .skip_while(|l| !l.starts_with("error"))
                .filter(|l| !l.is_empty())
                .take(4)
                .collect();
            let message = if lines.is_empty() { status.to_string() } else { lines.join(" ") };
            let message: String = message.replace(&prefix, "").chars().take(400).collect();
            format!("`cargo metadata` failed: {message}")
        }
    }
}

/// Cargo's answer as facts, after checking that every package it names lies inside the tree.
fn convert(metadata: &cargo_metadata::Metadata, root: &Path) -> Result<Workspace, String> {
    let outside = || "cargo named a package outside the repository".to_string();
    let ws_root = std::fs::canonicalize(metadata.workspace_root.as_std_path()).map_err(|_| outside())?;
    if ws_root != root {
        return Err("cargo took a folder other than the repository as the workspace root".into());
    }
    let relative = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(root).ok()?;
        // `[lib] path = "../elsewhere.rs"` arrives as `root/../elsewhere.rs`
        let parts: Option<Vec<&str>> = rel
            .components()
            .map(|c| match c {
                std::path::Component::Normal(part) => part.to_str(),
                _ => None,
            })
            .collect();
        parts.filter(|p| !p.is_empty()).map(|p| p.join("/"))
    };
    let mut packages = Vec::new();
    for pkg in metadata.workspace_packages() {
        let manifest = pkg.manifest_path.as_std_path();
        let real = std::fs::canonicalize(manifest).map_err(|_| outside())?;
        if !real.starts_with(root) {
            return Err(outside());
        }
        let manifest = relative(manifest).or_else(|| relative(&real)).ok_or_else(outside)?;
        let targets = pkg
            .targets
            .iter()
            .filter_map(|t| {
                let kind = t.kind.iter().find_map(target_kind)?;
                Some(Target { name: t.name.clone(), kind, path: relative(t.src_path.as_std_path()) })
            })
            .collect();
        let dependencies = pkg
            .dependencies
            .iter()
            .filter_map(|d| {
                let kind = match d.kind {
                    cargo_metadata::DependencyKind::Normal if d.optional => DepKind::Optional,
                    cargo_metadata::DependencyKind::Normal => DepKind::Normal,
                    cargo_metadata::DependencyKind::Development => DepKind::Dev,
                    cargo_metadata::DependencyKind::Build if d.optional => DepKind::Optional,
                    cargo_metadata::DependencyKind::Build => DepKind::Build,
                    _ => return None,
                };
                let key = d.rename.clone().unwrap_or_else(|| d.name.clone());
                Some(PackageDep { name: d.name.clone(), key, kind })
            })
            .collect();
        packages.push(Package { manifest, name: pkg.name.to_string(), targets, dependencies });
    }
    packages.sort_by(|a, b| a.manifest.cmp(&b.manifest));
    Ok(Workspace { packages, millis: 0 })
}

fn target_kind(kind: &cargo_metadata::TargetKind) -> Option<TargetKind> {
    use cargo_metadata::TargetKind as K;
    Some(match kind {
        K::Lib | K::RLib | K::DyLib | K::CDyLib | K::StaticLib => TargetKind::Lib,
        K::ProcMacro => TargetKind::ProcMacro,
        K::Bin => TargetKind::Bin,
        K::Example => TargetKind::Example,
        K::Test => TargetKind::Test,
        K::Bench => TargetKind::Bench,
        K::CustomBuild => TargetKind::BuildScript,
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
