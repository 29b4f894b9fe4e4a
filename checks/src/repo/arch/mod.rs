//! Application architecture checks: domain-driven design (roadmap item 2.1), CQRS and event
//! sourcing (2.2), API design and versioning (2.3).
//!
//! The family is split by item. What the three share is the reading of a source tree's layers:
//! a directory named `Domain`, `Application` or `Infrastructure` (in any case) holding source
//! code, which is how DDD codebases in every language of the roadmap are laid out.

mod api;
mod cqrs;
mod ddd;

pub use api::{ApiDocumented, ApiRateLimited, ApiVersioned};
pub use cqrs::{CommandQuerySeparation, EventStore, ReadModels};
pub use ddd::{BoundedContexts, DomainModelBuildingBlocks, LayerRulesEnforced};

use crate::facts::files::FileEntry;

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
