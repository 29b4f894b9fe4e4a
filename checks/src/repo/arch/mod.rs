//! Application architecture checks: domain-driven design (roadmap item 2.1), CQRS and event
//! sourcing (2.2), API design and versioning (2.3).
//!
//! The family is split by item. What the three share is the reading of a source tree's layers:
//! a directory named `Domain`, `Application` or `Infrastructure` (in any case) holding source
//! code, which is how DDD codebases in every language of the roadmap are laid out. The helper
//! that tells a Symfony configuration file the collector could not parse (so a check answers
//! `unknown` instead of `fail`) lives here too and is used by the auth and hardening families.

mod api;
mod cqrs;
mod ddd;

pub use api::{ApiDocumented, ApiRateLimited, ApiVersioned};
pub use cqrs::{CommandQuerySeparation, EventStoreOrReadModels};
pub use ddd::{BoundedContexts, DomainModelBuildingBlocks, LayerRulesEnforced};

use crate::facts::RepoFacts;
use crate::facts::files::{FileEntry, Location};

/// Source files of the languages the roadmap's stacks use.
const SOURCE_EXT: &[&str] =
    &["php", "py", "js", "mjs", "cjs", "jsx", "ts", "tsx", "go", "rs", "java", "kt", "scala", "cs", "rb", "ex", "exs"];

pub(crate) fn is_source(e: &FileEntry) -> bool {
    e.name().rsplit_once('.').is_some_and(|(_, ext)| SOURCE_EXT.contains(&ext))
}

/// The directory segments of a path (without the file name).
pub(crate) fn dirs(path: &str) -> Vec<&str> {
    path.rsplit_once('/').map(|(d, _)| d.split('/').collect()).unwrap_or_default()
}

/// A Symfony configuration file (`config/packages/<stem>*.yaml`) that exists but is missing from
/// the parsed configuration because it is not valid YAML; a check that needed it is `unknown`.
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
