//! `maturity-checks`: facts collected from a repository, and the checks that judge them.
//!
//! Two halves with a hard line between them. [`facts`] does all the I/O (walking the tree,
//! reading git history, parsing YAML, XML, JSON, TOML and Markdown) and decides nothing.
//! [`repo`] holds the checks: pure functions from facts to a [`model::Finding`], each listed once
//! in [`registry::CHECKS`] and tested with hand-built facts. [`metrics`] reads success-metric
//! figures from the same facts.

#![warn(clippy::string_slice)]

pub mod check;
pub mod cloud;
pub mod facts;
pub mod metrics;
pub mod model;
pub mod plugin;
pub mod registry;
pub mod repo;
pub mod text;

pub use check::{Applies, Check, Context, Meta, MetaOf, Origin, Source, Targets};
pub use model::{Evidence, Finding, Status};

/// The unit tests run under the allocator that enforces policies' memory budgets, as the
/// binaries do.
#[cfg(test)]
#[global_allocator]
static ALLOCATOR: plugin::budget::Counting = plugin::budget::Counting;
