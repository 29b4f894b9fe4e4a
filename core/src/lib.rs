//! `maturity-core`: the roadmap model, the audit engine, scoring and reports.
//!
//! Input: a [`roadmap::Roadmap`] and a repository path. Output: a [`scorecard::Scorecard`],
//! rendered by [`report`]. This crate knows nothing of terminals, colours, command lines or
//! windows; the CLI and the desktop app are thin shells over it.
//!
//! Strings are never cut at a byte offset (`clippy::string_slice`): text from a repository mixes
//! scripts, and a cut inside a character panics. Use [`text::head`] or [`text::prefix`].

#![warn(clippy::string_slice)]

pub mod accuracy;
pub mod audit;
pub mod clone;
pub mod config;
pub mod dashboard;
pub mod diff;
pub mod history;
pub mod live;
pub mod packtest;
pub mod portfolio;
pub mod prepare;
pub mod report;
pub mod reuse;
pub mod roadmap;
pub mod schedule;
pub mod scorecard;
pub mod scoring;
pub mod text;

pub use audit::{AuditOptions, Policy, audit, audit_with};
pub use live::LiveOptions;
pub use roadmap::Roadmap;
pub use scorecard::Scorecard;
