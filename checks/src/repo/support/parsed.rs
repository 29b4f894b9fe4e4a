//! The ladder every check climbs before it says `fail`: when a file that could hold the answer
//! could not be parsed, the answer is `unknown`, naming the file and why; only when every such
//! file was read is "nothing found" a `fail`.
//!
//! Which files a question needs is a predicate on paths ([`is_ci_path`], [`is_tf`],
//! [`is_manifest`], or the check's own); Symfony configuration is special, because the collector
//! leaves a file it cannot parse out of the configuration tree instead of recording a problem
//! ([`unreadable_symfony_config`]).

use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::model::{Evidence, Finding};

/// Paths that hold CI configuration.
pub(crate) fn is_ci_path(path: &str) -> bool {
    path.starts_with(".github/workflows/")
        || path.starts_with(".github/actions/")
        || path.starts_with(".gitlab")
        || path.starts_with(".circleci/")
        || path.contains("azure-pipelines")
        || path.contains("Jenkinsfile")
}

/// Terraform files.
pub(crate) fn is_tf(path: &str) -> bool {
    path.ends_with(".tf")
}

/// Dependency manifests of the ecosystems the checks read.
pub(crate) fn is_manifest(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    matches!(
        name,
        "composer.json"
            | "package.json"
            | "Cargo.toml"
            | "pyproject.toml"
            | "go.mod"
            | "pom.xml"
            | "Pipfile"
            | "setup.cfg"
    ) || name.ends_with(".gradle")
        || name.ends_with(".gradle.kts")
        || name.starts_with("requirements") && name.ends_with(".txt")
}

/// `unknown` when a file this question needs could not be parsed: "`.github/workflows/ci.yml`
/// could not be parsed, so whether tests run on pull requests is unknown: ...".
pub(crate) fn unreadable(repo: &RepoFacts, needs: impl Fn(&str) -> bool, question: &str) -> Option<Finding> {
    let p = repo.problems_in(needs).next()?;
    Some(
        Finding::unknown(format!(
            "`{}` could not be parsed, so whether {question} is unknown: {}",
            p.path,
            p.message.trim_end_matches('.')
        ))
        .with_one(Evidence::file(p.path.clone(), p.line)),
    )
}

/// [`unreadable`], else `fail` with the message saying what was looked for.
pub(crate) fn unknown_or_fail(
    repo: &RepoFacts,
    needs: impl Fn(&str) -> bool,
    question: &str,
    fail: impl Into<String>,
) -> Finding {
    unreadable(repo, needs, question).unwrap_or_else(|| Finding::fail(fail))
}

/// A Symfony configuration file (`config/packages/<stem>*.yaml`) that exists but is missing from
/// the parsed configuration because it is not valid YAML.
pub(crate) fn unreadable_symfony_config<'a>(repo: &'a RepoFacts, stems: &[&str]) -> Option<&'a str> {
    repo.files
        .entries()
        .iter()
        .filter(|e| e.size > 0 && e.location == Location::Project)
        .filter(|e| e.path.starts_with("config/packages/") || e.path.contains("/config/packages/"))
        .filter(|e| e.name().ends_with(".yaml") || e.name().ends_with(".yml"))
        .filter(|e| stems.iter().any(|s| e.name().starts_with(s)))
        .find(|e| !repo.config.docs.iter().any(|d| d.path == e.path))
        .map(|e| e.path.as_str())
}

/// [`unreadable`] for Symfony configuration files of these stems.
pub(crate) fn unreadable_symfony(repo: &RepoFacts, stems: &[&str], question: &str) -> Option<Finding> {
    let p = unreadable_symfony_config(repo, stems)?;
    Some(
        Finding::unknown(format!("`{p}` could not be parsed, so whether {question} is unknown: it is not valid YAML"))
            .with_one(Evidence::file(p, None)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;

    #[test]
    fn unknown_only_when_a_needed_file_is_broken() {
        let broken = RepoFacts::from_memory(&[(".github/workflows/ci.yml", "jobs: ["), ("infra/main.tf", "x = 1\n")]);
        let f = unknown_or_fail(&broken, is_ci_path, "tests run", "no tests.");
        assert_eq!(f.status, Status::Unknown);
        assert!(
            f.message.starts_with("`.github/workflows/ci.yml` could not be parsed, so whether tests run is unknown")
        );
        assert_eq!(unknown_or_fail(&broken, is_tf, "a cluster is declared", "none.").status, Status::Fail);
        let symfony = RepoFacts::from_memory(&[("config/packages/security.yaml", "security: [\n")]);
        assert_eq!(unreadable_symfony(&symfony, &["security"], "x").map(|f| f.status), Some(Status::Unknown));
        assert!(unreadable_symfony(&symfony, &["messenger"], "x").is_none());
    }
}
