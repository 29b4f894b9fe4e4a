//! Preparing an audit the way every shell does it: read the repository's `.maturity.toml`, load
//! the roadmap it names (or the one given, or the built-in one), apply its weights and start
//! date, check it against the roadmap, and turn its waivers, must-pass items and evidence files
//! into [`AuditOptions`].
//!
//! The CLI and the desktop app both call [`prepare`], so an audit started from a window is judged
//! exactly like one started in a terminal. Warnings go to a callback (the CLI prints them, the app
//! shows them); errors are messages with file, line and column, ready to show as they are.
//!
//! Check packs load here, from the folders the user names (`--checks`) and those of a roadmap
//! the user gave; a roadmap that the repository's `.maturity.toml` names may not load packs, since
//! the audited repository is untrusted input. A pack that does not load stops the audit.

use crate::audit::{AuditOptions, Policy};
use crate::config::{self, RepoConfig};
use crate::roadmap::{self, Roadmap, Severity};
use maturity_checks::facts::EvidenceInput;
use maturity_checks::facts::provider::ProviderSpec;
use maturity_checks::plugin::Packs;
use std::path::{Path, PathBuf};

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
    /// Check pack folders given by the user (`--checks`).
    pub checks: Vec<PathBuf>,
    /// External fact providers given by the user (`--fact-provider`).
    pub providers: Vec<ProviderSpec>,
    /// Where facts are remembered between audits ([`crate::audit::default_memo_dir`]).
    pub memo: Option<PathBuf>,
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
    load_roadmap_with(path, &[], Trust::User, warn)
}

/// Who chose a roadmap file: the user may load check packs with it, the audited repository may not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    User,
    Repository,
}

/// Loads a roadmap (the built-in one when `path` is `None`) with the check packs it names and
/// the folders in `checks`, in that order.
pub fn load_roadmap_with(
    path: Option<&Path>,
    checks: &[PathBuf],
    trust: Trust,
    warn: &mut dyn FnMut(&str),
) -> Result<Roadmap, PrepareError> {
    let (text, name) = match path {
        None => (roadmap::DEFAULT_TOML.to_string(), roadmap::DEFAULT_NAME.to_string()),
        Some(path) => {
            // only a regular file of bounded size: a FIFO or a device named here must not stall
            let bytes = maturity_checks::facts::read::read_regular(path, MAX_ROADMAP_BYTES, false)
                .map_err(|e| PrepareError(format!("cannot read roadmap {}: {e}", path.display())))?;
            (String::from_utf8_lossy(&bytes).into_owned(), path.display().to_string())
        }
    };
    let mut dirs = Vec::new();
    for (dir, line, column) in roadmap::pack_dirs(&text) {
        if trust == Trust::Repository {
            return Err(PrepareError(format!(
                "{name}:{line}:{column}: error: a roadmap named by {} cannot load check packs (the audited repository is untrusted input); pass them with --checks",
                config::FILE_NAME
            )));
        }
        let base = path.and_then(Path::parent).unwrap_or(Path::new(""));
        dirs.push(base.join(&dir));
    }
    dirs.extend(checks.iter().cloned());
    let packs = load_packs(&dirs, warn)?;
    let (parsed, diagnostics) = roadmap::parse_with_packs(&text, &name, &packs);
    for d in diagnostics.iter().filter(|d| d.severity == Severity::Warning) {
        warn(&d.to_string());
    }
    match parsed {
        Some(r) if diagnostics.iter().all(|d| d.severity == Severity::Warning) => Ok(r),
        _ => Err(PrepareError(roadmap::RoadmapError { diagnostics }.to_string())),
    }
}

/// Loads check packs; their advice goes to `warn`, their errors stop everything.
pub fn load_packs(dirs: &[PathBuf], warn: &mut dyn FnMut(&str)) -> Result<Packs, PrepareError> {
    let packs = maturity_checks::facts::packs::load_all(dirs).map_err(|e| PrepareError(e.to_string()))?;
    for w in packs.iter().flat_map(|p| &p.warnings) {
        warn(&w.to_string().replacen(": error: ", ": warning: ", 1));
    }
    Ok(packs)
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
    let (roadmap_path, trust) = match request.roadmap {
        Some(p) => (Some(p.to_path_buf()), Trust::User),
        None => (repo_config.roadmap.clone(), Trust::Repository),
    };
    let mut roadmap = load_roadmap_with(roadmap_path.as_deref(), &request.checks, trust, warn)?;
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
    Ok(Prepared {
        roadmap,
        options: AuditOptions {
            evidence,
            max_file_size: request.max_file_size,
            policy,
            providers: request.providers,
            memo: request.memo,
        },
    })
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

    const PACK_CHECK: &str = "[[checks]]\nid = \"acme.docs.readme\"\nitem = \"6.3\"\ntitle = \"A README\"\nrationale = \"People read it first.\"\nremediation = \"Write a README.md.\"\nrule.file_exists = { files = \"README.md\" }\n";

    fn pack(dir: &Path) {
        std::fs::create_dir_all(dir).unwrap();
        std::fs::write(dir.join("pack.toml"), "[pack]\nname = \"acme\"\n").unwrap();
        std::fs::write(dir.join("docs.toml"), PACK_CHECK).unwrap();
    }

    #[test]
    fn packs_load_from_the_user_never_from_the_repository() {
        let dir = tempfile::tempdir().unwrap();
        let repo = dir.path().join("repo");
        pack(&repo.join("packs/acme"));
        // --checks: the pack's check joins the item it names, with its weight
        let request = Request { checks: vec![repo.join("packs/acme")], ..Request::default() };
        let p = prepare(&repo, request, &mut |_| {}).unwrap();
        let item = p.roadmap.item("6.3").unwrap();
        assert!(item.checks.iter().any(|c| c.id == "acme.docs.readme" && c.weight == 1.0));
        // a roadmap the user gives may name packs, relative to itself, and weigh their checks
        let roadmap =
            crate::roadmap::DEFAULT_TOML.replacen("format = 1", "format = 1\nchecks = [\"packs/acme\"]", 1).replacen(
                "id = \"repo.docs.runbooks\"",
                "id = \"acme.docs.readme\", weight = 5 }, { id = \"repo.docs.runbooks\"",
                1,
            );
        std::fs::write(repo.join("roadmap.toml"), &roadmap).unwrap();
        let path = repo.join("roadmap.toml");
        let p = prepare(&repo, Request { roadmap: Some(&path), ..Request::default() }, &mut |_| {}).unwrap();
        let listed: Vec<(&str, f64)> = p
            .roadmap
            .items
            .iter()
            .flat_map(|i| i.checks.iter())
            .filter(|c| c.id == "acme.docs.readme")
            .map(|c| (c.id.as_str(), c.weight))
            .collect();
        assert_eq!(listed, vec![("acme.docs.readme", 5.0)], "listed once, with the roadmap's weight");
        // the same roadmap named by the repository's .maturity.toml may not load them
        std::fs::write(repo.join(".maturity.toml"), "roadmap = \"roadmap.toml\"\n").unwrap();
        let err = prepare(&repo, Request::default(), &mut |_| {}).unwrap_err();
        assert!(
            err.0.contains("roadmap.toml:10:11: error: a roadmap named by .maturity.toml cannot load check packs"),
            "{err}"
        );
        // nor can .maturity.toml name packs or providers itself
        for key in ["checks = [\"packs/acme\"]", "fact_providers = [\"x=y\"]"] {
            std::fs::write(repo.join(".maturity.toml"), format!("{key}\n")).unwrap();
            let err = prepare(&repo, Request::default(), &mut |_| {}).unwrap_err();
            assert!(err.0.contains(".maturity.toml:1:1: error: unknown field"), "{key}: {err}");
        }
    }

    #[test]
    fn a_pack_check_naming_a_missing_item_is_an_error_at_its_item() {
        let dir = tempfile::tempdir().unwrap();
        pack(&dir.path().join("acme"));
        std::fs::write(dir.path().join("acme/docs.toml"), PACK_CHECK.replace("6.3", "9.9")).unwrap();
        let err = load_roadmap_with(None, &[dir.path().join("acme")], Trust::User, &mut |_| {}).unwrap_err();
        assert!(err.0.contains("acme/docs.toml:3:8: error: the check `acme.docs.readme` counts for item `9.9`, which the roadmap `enterprise-maturity` does not have"), "{err}");
        let err = load_roadmap_with(None, &[dir.path().join("missing")], Trust::User, &mut |_| {}).unwrap_err();
        assert!(err.0.contains("cannot read the check pack folder"), "{err}");
    }
}
