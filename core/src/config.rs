//! `.maturity.toml`: a repository's own settings for its audit.
//!
//! A repository can choose its roadmap file, the roadmap's start date (which turns on schedule
//! tracking), weight overrides, items that must pass, where its evidence files are, and waivers
//! (an item or check accepted as is, with a reason, an owner and an expiry date). Expired waivers
//! stop counting and are flagged.
//!
//! The audited repository is untrusted input, so this file can only point inside the repository:
//! paths that are absolute, climb out with `..`, or resolve through a symbolic link to somewhere
//! else are errors. Nothing in it can make the tool run a program or enable external checks.
//! Weights obey the roadmap's rule ([`crate::roadmap::is_weight`]: above 0 and at most 1000; a
//! weight of `1e308`, `inf`, `nan`, zero or below is an error), so no setting here can make a
//! score not a number.
//! Errors carry file, line and column, like the roadmap's.

use crate::roadmap::{Diagnostic, Roadmap, Severity};
use maturity_checks::facts::{EvidenceInput, EvidenceKind};
use maturity_checks::registry;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};
use toml::Spanned;

use maturity_checks::facts::project::ProjectKind;

pub const FILE_NAME: &str = ".maturity.toml";

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RepoConfig {
    /// Roadmap file inside the repository.
    pub roadmap: Option<PathBuf>,
    /// First day of week 1 (`YYYY-MM-DD`).
    pub start: Option<String>,
    pub item_weights: BTreeMap<String, f64>,
    pub check_weights: BTreeMap<String, f64>,
    pub must_pass: Vec<String>,
    /// `kind = "service" | "library"`: what the project is, instead of what the audit infers.
    pub kind: Option<ProjectKind>,
    #[serde(skip)]
    pub evidence: Vec<EvidenceInput>,
    pub waivers: Vec<Waiver>,
    /// Where the file was read from.
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Waiver {
    /// An item id (`1.1`) or a check id (`repo.ci.deployment_automated`).
    pub target: String,
    pub reason: String,
    pub owner: String,
    /// Last day the waiver holds (`YYYY-MM-DD`).
    pub expires: String,
}

impl Waiver {
    /// A waiver is active up to and including its expiry day.
    pub fn is_active(&self, today: &str) -> bool {
        self.expires.as_str() >= today
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    roadmap: Option<Spanned<String>>,
    start: Option<Spanned<toml::value::Datetime>>,
    #[serde(default)]
    weights: RawWeights,
    #[serde(default)]
    must_pass: Vec<Spanned<String>>,
    kind: Option<Spanned<String>>,
    #[serde(default)]
    evidence: BTreeMap<String, Spanned<String>>,
    #[serde(default)]
    waivers: Vec<RawWaiver>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawWeights {
    #[serde(default)]
    items: BTreeMap<String, Spanned<f64>>,
    #[serde(default)]
    checks: BTreeMap<String, Spanned<f64>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    item: Option<Spanned<String>>,
    check: Option<Spanned<String>>,
    reason: Spanned<String>,
    owner: Spanned<String>,
    expires: Spanned<toml::value::Datetime>,
}

/// The configuration with every problem found (errors make it unusable).
pub struct Loaded {
    pub config: Option<RepoConfig>,
    pub diagnostics: Vec<Diagnostic>,
}

fn date_of(d: &Spanned<toml::value::Datetime>) -> Option<String> {
    match (d.get_ref().date, d.get_ref().time) {
        (Some(date), None) => Some(date.to_string()),
        _ => None,
    }
}

/// Resolves a path from the configuration inside `root`; `None` if it would leave it (absolute,
/// `..`, or a symbolic link anywhere on the way that leads out). A path that does not exist yet
/// is kept when it is lexically inside: reading it later fails with a clear problem.
pub fn inside(root: &Path, rel: &str) -> Option<PathBuf> {
    use maturity_checks::facts::read::{self, ReadError};
    match read::inside(root, rel) {
        Ok(_) => Some(root.join(rel)),
        Err(ReadError::NotFound) => {
            let p = Path::new(rel);
            let lexical = !p.is_absolute()
                && !p
                    .components()
                    .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_) | Component::RootDir));
            lexical.then(|| root.join(p))
        }
        Err(_) => None,
    }
}

/// Largest `.maturity.toml` read.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads `.maturity.toml` from the repository root, if there is one. Only a regular file is read
/// (a symbolic link, a FIFO or a device in its place is an error, never followed or waited on).
pub fn load(root: &Path) -> Loaded {
    use maturity_checks::facts::read::{self, ReadError};
    let error = |message: String| Loaded {
        config: None,
        diagnostics: vec![Diagnostic {
            file: FILE_NAME.into(),
            line: 1,
            column: 1,
            severity: Severity::Error,
            message,
        }],
    };
    match read::read_regular(&root.join(FILE_NAME), MAX_CONFIG_BYTES, true) {
        Ok(bytes) => parse(&String::from_utf8_lossy(&bytes), FILE_NAME, root),
        Err(ReadError::NotFound) => Loaded { config: Some(RepoConfig::default()), diagnostics: Vec::new() },
        Err(ReadError::TooLarge { .. }) => error("is larger than 1 MiB".into()),
        Err(ReadError::Io(e)) if e.to_string().contains("symbolic link") => {
            error("is a symbolic link; the configuration must be a regular file of the repository".into())
        }
        Err(ReadError::NotRegular(kind)) => {
            error(format!("is {kind}; the configuration must be a regular file of the repository"))
        }
        Err(e) => error(e.to_string()),
    }
}

/// Parses configuration text; `root` is the repository the paths are relative to.
pub fn parse(text: &str, name: &str, root: &Path) -> Loaded {
    let mut diags: Vec<Diagnostic> = Vec::new();
    let mut error = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = crate::roadmap::line_col(text, span.start);
        diags.push(Diagnostic { file: name.to_string(), line, column, severity: Severity::Error, message });
    };
    let raw: Raw = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            error(e.span().unwrap_or(0..0), e.message().trim().to_string());
            return Loaded { config: None, diagnostics: diags };
        }
    };
    let mut config = RepoConfig { source: Some(name.to_string()), ..RepoConfig::default() };
    if let Some(r) = &raw.roadmap {
        match inside(root, r.get_ref()) {
            Some(p) => config.roadmap = Some(p),
            None => error(r.span(), format!("roadmap path `{}` must stay inside the repository", r.get_ref())),
        }
    }
    if let Some(s) = &raw.start {
        match date_of(s) {
            Some(d) => config.start = Some(d),
            None => error(s.span(), "`start` must be a date such as 2026-01-05".into()),
        }
    }
    for (item, w) in &raw.weights.items {
        if let Some(why) = crate::roadmap::weight_error(*w.get_ref()) {
            error(w.span(), format!("weight of item `{item}` {why}"));
        }
        config.item_weights.insert(item.clone(), *w.get_ref());
    }
    for (check, w) in &raw.weights.checks {
        if registry::find(check).is_none() {
            error(w.span(), format!("unknown check `{check}` in [weights.checks]"));
        }
        if let Some(why) = crate::roadmap::weight_error(*w.get_ref()) {
            error(w.span(), format!("weight of check `{check}` {why}"));
        }
        config.check_weights.insert(check.clone(), *w.get_ref());
    }
    config.must_pass = raw.must_pass.iter().map(|m| m.get_ref().clone()).collect();
    if let Some(k) = &raw.kind {
        config.kind = match k.get_ref().as_str() {
            "service" => Some(ProjectKind::Service),
            "library" => Some(ProjectKind::Library),
            other => {
                error(k.span(), format!("kind `{other}` is not \"service\" or \"library\""));
                None
            }
        };
    }
    for (kind, p) in &raw.evidence {
        let kind_value = match kind.parse::<EvidenceKind>() {
            Ok(k) => k,
            Err(e) => {
                error(p.span(), e);
                continue;
            }
        };
        match inside(root, p.get_ref()) {
            Some(path) => config.evidence.push(EvidenceInput { kind: kind_value, path }),
            None => error(p.span(), format!("evidence path `{}` must stay inside the repository", p.get_ref())),
        }
    }
    for w in &raw.waivers {
        let target = match (&w.item, &w.check) {
            (Some(i), None) => i.clone(),
            (None, Some(c)) => {
                if registry::find(c.get_ref()).is_none() {
                    error(c.span(), format!("unknown check `{}` in a waiver", c.get_ref()));
                }
                c.clone()
            }
            _ => {
                error(w.reason.span(), "a waiver names exactly one of `item` or `check`".into());
                continue;
            }
        };
        if w.reason.get_ref().trim().is_empty() {
            error(w.reason.span(), "a waiver needs a reason".into());
        }
        if w.owner.get_ref().trim().is_empty() {
            error(w.owner.span(), "a waiver needs an owner".into());
        }
        let Some(expires) = date_of(&w.expires) else {
            error(w.expires.span(), "`expires` must be a date such as 2026-12-31".into());
            continue;
        };
        config.waivers.push(Waiver {
            target: target.get_ref().clone(),
            reason: w.reason.get_ref().clone(),
            owner: w.owner.get_ref().clone(),
            expires,
        });
    }
    let ok = !diags.iter().any(|d| d.severity == Severity::Error);
    Loaded { config: ok.then_some(config), diagnostics: diags }
}

impl RepoConfig {
    /// Checks references against the roadmap (unknown items are errors).
    pub fn validate_against(&self, roadmap: &Roadmap) -> Vec<String> {
        let mut errors = Vec::new();
        for id in self.item_weights.keys().chain(&self.must_pass) {
            if roadmap.item(id).is_none() {
                errors.push(format!("{FILE_NAME}: unknown item `{id}` (the roadmap has no such item)"));
            }
        }
        for w in &self.waivers {
            if roadmap.catalog().find(&w.target).is_none() && roadmap.item(&w.target).is_none() {
                errors.push(format!("{FILE_NAME}: waiver for unknown item `{}`", w.target));
            }
        }
        errors
    }

    /// The roadmap with this configuration's weights and start date applied.
    pub fn apply_to(&self, roadmap: &mut Roadmap) {
        for item in &mut roadmap.items {
            if let Some(w) = self.item_weights.get(&item.id) {
                item.weight = *w;
            }
            for c in &mut item.checks {
                if let Some(w) = self.check_weights.get(&c.id) {
                    c.weight = *w;
                }
            }
        }
        if self.start.is_some() {
            roadmap.start = self.start.clone();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn errors(text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        parse(text, ".maturity.toml", dir.path()).diagnostics.iter().map(|d| d.to_string()).collect()
    }

    #[test]
    fn a_full_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let text = r#"
roadmap = "docs/roadmap.toml"
start = 2026-09-07
must_pass = ["6.1"]
kind = "service"

[weights.items]
"6.1" = 3

[weights.checks]
"repo.coverage.meets_target" = 4

[evidence]
coverage = "build/logs/clover.xml"

[[waivers]]
item = "1.1"
reason = "Runs on a managed PaaS; no Kubernetes planned"
owner = "platform-team"
expires = 2027-03-31
"#;
        let loaded = parse(text, ".maturity.toml", dir.path());
        assert!(loaded.diagnostics.is_empty(), "{:?}", loaded.diagnostics);
        let c = loaded.config.unwrap();
        assert_eq!(c.start.as_deref(), Some("2026-09-07"));
        assert_eq!(c.kind, Some(ProjectKind::Service));
        assert_eq!(c.roadmap, Some(dir.path().join("docs/roadmap.toml")));
        assert_eq!(c.evidence[0].kind, EvidenceKind::Coverage);
        assert_eq!(c.waivers[0].target, "1.1");
        assert!(c.waivers[0].is_active("2027-03-31") && !c.waivers[0].is_active("2027-04-01"));
        let mut roadmap = Roadmap::default_roadmap();
        c.apply_to(&mut roadmap);
        assert_eq!(roadmap.item("6.1").unwrap().weight, 3.0);
        assert_eq!(roadmap.start.as_deref(), Some("2026-09-07"));
        assert!(c.validate_against(&roadmap).is_empty());
    }

    #[test]
    fn the_kind_is_service_or_library() {
        assert_eq!(errors("kind = \"library\"\n"), Vec::<String>::new());
        assert_eq!(
            errors("# 種類 😀\nkind = \"приложение\"\n"),
            vec![".maturity.toml:2:8: error: kind `приложение` is not \"service\" or \"library\"".to_string()]
        );
    }

    #[test]
    fn untrusted_paths_and_bad_values_are_errors_with_positions() {
        for (name, text, want) in [
            (
                "escape",
                "roadmap = \"../../etc/roadmap.toml\"\n",
                ".maturity.toml:1:11: error: roadmap path `../../etc/roadmap.toml` must stay inside",
            ),
            (
                "absolute",
                "[evidence]\ncoverage = \"/etc/passwd\"\n",
                ".maturity.toml:2:12: error: evidence path `/etc/passwd` must stay inside",
            ),
            ("unknown key", "run = \"rm -rf /\"\n", ".maturity.toml:1:1: error: unknown field `run`"),
            ("external checks are not configurable here", "[external]\ncommand = \"x\"\n", "unknown field `external`"),
            (
                "waiver without owner",
                "[[waivers]]\nitem = \"1.1\"\nreason = \"r\"\nowner = \"\"\nexpires = 2027-01-01\n",
                ".maturity.toml:4:9: error: a waiver needs an owner",
            ),
            (
                "waiver with both",
                "[[waivers]]\nitem = \"1.1\"\ncheck = \"repo.ci.deployment_automated\"\nreason = \"r\"\nowner = \"o\"\nexpires = 2027-01-01\n",
                "exactly one of `item` or `check`",
            ),
            (
                "bad weight",
                "[weights.items]\n\"6.1\" = -2\n",
                ".maturity.toml:2:9: error: weight of item `6.1` must be a positive number",
            ),
            ("unknown check", "[weights.checks]\n\"repo.x\" = 1\n", "unknown check `repo.x`"),
            (
                "huge weight",
                "[weights.items]\n\"6.1\" = 1e308\n",
                ".maturity.toml:2:9: error: weight of item `6.1` must be a positive number up to 1000, not 1e308",
            ),
            (
                "infinite check weight",
                "[weights.checks]\n\"repo.ci.deployment_automated\" = inf\n",
                ".maturity.toml:2:34: error: weight of check `repo.ci.deployment_automated` must be a positive number up to 1000, not inf",
            ),
            (
                "nan weight",
                "[weights.items]\n\"6.1\" = nan\n",
                ".maturity.toml:2:9: error: weight of item `6.1` must be a positive number up to 1000, not NaN",
            ),
            (
                "zero weight",
                "[weights.items]\n\"6.1\" = 0\n",
                "weight of item `6.1` must be a positive number up to 1000, not 0",
            ),
            ("negative infinity", "[weights.items]\n\"6.1\" = -inf\n", "not -inf"),
            ("integer past the bound", "[weights.items]\n\"6.1\" = 9223372036854775807\n", "not 9.223372036854776e18"),
            ("bad start", "start = \"monday\"\n", ".maturity.toml:1:9:"),
            ("bad evidence kind", "[evidence]\npdf = \"x.pdf\"\n", "unknown evidence kind `pdf`"),
        ] {
            let errs = errors(text);
            assert!(errs.iter().any(|e| e.contains(want)), "{name}: {errs:#?}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn symlinks_cannot_lead_out_of_the_tree() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/etc", dir.path().join("etc")).unwrap();
        assert!(inside(dir.path(), "etc/passwd").is_none());
        std::fs::write(dir.path().join("real.toml"), "").unwrap();
        assert!(inside(dir.path(), "real.toml").is_some());
        let outside = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(outside.path(), "start = 2026-01-01\n").unwrap();
        std::os::unix::fs::symlink(outside.path(), dir.path().join(FILE_NAME)).unwrap();
        let loaded = load(dir.path());
        assert!(loaded.config.is_none());
        assert!(loaded.diagnostics[0].message.contains("symbolic link"));
    }

    #[test]
    fn no_file_is_an_empty_configuration() {
        let dir = tempfile::tempdir().unwrap();
        let loaded = load(dir.path());
        assert_eq!(loaded.config, Some(RepoConfig::default()));
    }
}
