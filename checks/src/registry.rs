//! The one list of built-in checks. A check that is not listed here does not exist.

use crate::check::Check;
use crate::repo::{adr, ci, coverage, security, slo};

pub static CHECKS: &[&dyn Check] = &[
    &ci::TestsRunOnPullRequests,
    &ci::SecurityScanInPipeline,
    &ci::DeploymentAutomated,
    &coverage::CollectedInCi,
    &coverage::MeetsTarget,
    &security::ScannersConfigured,
    &security::DependencyUpdatesAutomated,
    &security::NoCriticalVulnerabilities,
    &adr::DecisionsRecorded,
    &slo::ObjectivesDefined,
    &slo::AvailabilityObjectiveMeetsTarget,
    &slo::LatencyObjectiveMeetsTarget,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|c| c.meta().id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_questions_with_remediation() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.meta().id).collect();
        for c in CHECKS {
            let m = c.meta();
            assert!(m.id.starts_with("repo.") || m.id.starts_with("aws."), "{}", m.id);
            assert!(m.id.chars().all(|ch| ch.is_ascii_lowercase() || ch == '.' || ch == '_'), "{}", m.id);
            assert!(m.remediation.len() > 40, "{} needs remediation text", m.id);
            assert!(m.rationale.len() > 40, "{} needs a rationale", m.id);
            assert!(!m.title.ends_with('.'), "{} title is a label, not a sentence", m.id);
        }
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate check ids");
    }

    #[test]
    fn every_check_survives_an_empty_repository() {
        let repo = crate::facts::RepoFacts::from_memory(&[]);
        let targets = crate::check::Targets::default();
        for c in CHECKS {
            let f = c.evaluate(&crate::check::Context { repo: &repo, targets: &targets });
            assert!(!f.message.is_empty(), "{}", c.meta().id);
            assert_ne!(f.status, crate::model::Status::Pass, "{} passes on nothing", c.meta().id);
        }
    }
}
