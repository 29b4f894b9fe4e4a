//! Preparing an audit the way every shell does it: read the repository's `.maturity.toml`, load
//! the roadmap it names (or the one given, or the built-in one), apply its weights and start
//! date, check it against the roadmap, and turn its waivers, must-pass items and evidence files
//! into [`AuditOptions`].
//!
//! The CLI and the desktop app both call [`prepare`], so an audit started from a window is judged
//! exactly like one started in a terminal. Warnings go to a callback (the CLI prints them, the app
//! shows them); errors are messages with file, line and column, ready to show as they are.

use crate::audit::{AuditOptions, Policy};
use crate::config::{self, RepoConfig};
use crate::roadmap::{self, Roadmap, Severity};
use maturity_checks::facts::EvidenceInput;
use std::path::Path;

/// A message that stops the audit before it starts (bad roadmap or configuration).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct PrepareError(pub String);

/// What the caller chooses; everything else comes from the repository's configuration.
#[derive(Debug, Clone, Default)]
pub struct Request<'a> {
    /// Roadmap file given by the user; wins over the one `.maturity.toml` names.
    pub roadmap: Option<&'a Path>,
    /// Evidence files given by the user; those of `.maturity.toml` are added after them.
    pub evidence: Vec<EvidenceInput>,
    pub max_file_size: Option<u64>,
    /// Judge as of this day (default: today).
    pub today: Option<jiff::civil::Date>,
}

/// A roadmap ready to audit against, with the options the repository's configuration asks for.
#[derive(Debug, Clone)]
pub struct Prepared {
    pub roadmap: Roadmap,
    pub options: AuditOptions,
}

/// Largest roadmap file read (the built-in one is about 40 KiB).
pub const MAX_ROADMAP_BYTES: u64 = 4 * 1024 * 1024;

/// Loads a roadmap file, or the built-in roadmap when `path` is `None`.
pub fn load_roadmap(path: Option<&Path>, warn: &mut dyn FnMut(&str)) -> Result<Roadmap, PrepareError> {
    let Some(path) = path else {
        return Ok(Roadmap::default_roadmap());
    };
    // only a regular file of bounded size: a FIFO or a device named here must not stall the audit
    let bytes = maturity_checks::facts::read::read_regular(path, MAX_ROADMAP_BYTES, false)
        .map_err(|e| PrepareError(format!("cannot read roadmap {}: {e}", path.display())))?;
    let text = String::from_utf8_lossy(&bytes);
    let (parsed, diagnostics) = roadmap::parse_with_warnings(&text, &path.display().to_string());
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        warn(&d.to_string());
    }
    match parsed {
        Some(r) if diagnostics.iter().all(|d| d.severity == Severity::Warning) => Ok(r),
        _ => Err(PrepareError(roadmap::RoadmapError { diagnostics }.to_string())),
    }
}

/// Reads `.maturity.toml`; its errors (with file, line and column) stop the audit.
pub fn load_config(root: &Path, warn: &mut dyn FnMut(&str)) -> Result<RepoConfig, PrepareError> {
    let loaded = config::load(root);
    let errors: Vec<String> =
        loaded.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.to_string()).collect();
    for d in loaded.diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        warn(&d.to_string());
    }
    match loaded.config {
        Some(c) if errors.is_empty() => Ok(c),
        _ => {
            Err(PrepareError(format!("{} has {} error(s)\n  {}", config::FILE_NAME, errors.len(), errors.join("\n  "))))
        }
    }
}

/// Everything before the audit itself, for the repository at `root`.
pub fn prepare(root: &Path, request: Request, warn: &mut dyn FnMut(&str)) -> Result<Prepared, PrepareError> {
    let repo_config = load_config(root, warn)?;
    let roadmap_path = request.roadmap.map(Path::to_path_buf).or_else(|| repo_config.roadmap.clone());
    let mut roadmap = load_roadmap(roadmap_path.as_deref(), warn)?;
    repo_config.apply_to(&mut roadmap);
    let problems = repo_config.validate_against(&roadmap);
    if !problems.is_empty() {
        return Err(PrepareError(problems.join("\n")));
    }
    // evidence named in .maturity.toml that is missing is reported by the checks, not fatal
    let mut evidence = request.evidence;
    evidence.extend(repo_config.evidence.iter().cloned());
    let mut policy = Policy::from_config(&repo_config);
    policy.today = request.today;
    Ok(Prepared { roadmap, options: AuditOptions { evidence, max_file_size: request.max_file_size, policy } })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_reaches_the_options_and_errors_stop() {
        let dir = tempfile::tempdir().unwrap();
        let mut warnings = Vec::new();
        let p = prepare(dir.path(), Request::default(), &mut |w| warnings.push(w.to_string())).unwrap();
        assert_eq!(p.roadmap.items.len(), 22, "no configuration: the built-in roadmap");
        assert!(p.options.policy.waivers.is_empty());
        std::fs::write(
            dir.path().join(".maturity.toml"),
            "must_pass = [\"6.1\"]\n[[waivers]]\nitem = \"1.1\"\nreason = \"later\"\nowner = \"ops\"\nexpires = 2099-01-01\n",
        )
        .unwrap();
        let p = prepare(dir.path(), Request::default(), &mut |w| warnings.push(w.to_string())).unwrap();
        assert_eq!(p.options.policy.must_pass, vec!["6.1"]);
        assert_eq!(p.options.policy.waivers.len(), 1);
        std::fs::write(dir.path().join(".maturity.toml"), "must_pass = [\"99.9\"]\n").unwrap();
        let err = prepare(dir.path(), Request::default(), &mut |_| {}).unwrap_err();
        assert!(err.0.contains("99.9"), "{err}");
        std::fs::write(dir.path().join(".maturity.toml"), "nonsense = 1\n").unwrap();
        let err = prepare(dir.path(), Request::default(), &mut |_| {}).unwrap_err();
        assert!(err.0.starts_with(".maturity.toml has 1 error(s)"), "{err}");
    }
}
