//! The one list of built-in checks. A check that is not listed here does not exist.

use crate::check::Check;
use crate::cloud::aws::{
    cost as aws_cost, edge as aws_edge, eks, elasticache, governance as aws_governance, obs as aws_obs, rds,
    scaling as aws_scaling,
};
use crate::cloud::{drift, http as live};
use crate::repo::infra::{cache, db, edge, iac, k8s};
use crate::repo::{
    arch, auth, bi, ci, cost, coverage, docs, flags, governance, obs, perf, quality, scaling, security, slo,
};

pub static CHECKS: &[&dyn Check] = &[
    // 1.1 Kubernetes production cluster
    &iac::ClusterDeclared,
    &k8s::WorkloadsDeclared,
    &k8s::RbacDefined,
    // 1.2 database architecture
    &db::ManagedDatabaseDeclared,
    &db::ReadReplicas,
    &db::BackupsAutomated,
    &db::ConnectionPooling,
    // 1.3 caching and sessions
    &cache::ServerDeclared,
    &cache::SessionsInSharedStore,
    &cache::QueryResultsCached,
    // 1.4 load balancing and CDN
    &edge::LoadBalancerTls,
    &edge::CdnDeclared,
    &edge::DnsManagedAsCode,
    // 2.1 domain-driven design, 2.2 CQRS, 2.3 API
    &arch::BoundedContexts,
    &arch::DomainModelBuildingBlocks,
    &arch::LayerRulesEnforced,
    &arch::CommandQuerySeparation,
    &arch::EventStore,
    &arch::ReadModels,
    &arch::ApiDocumented,
    &arch::ApiVersioned,
    &arch::ApiRateLimited,
    // 3.1 tracing, 3.2 logging, 3.3 metrics and alerting
    &obs::TracingInstrumented,
    &obs::TraceBackend,
    &obs::TraceLogCorrelation,
    &obs::StructuredLogging,
    &obs::LogShipping,
    &obs::MetricsExported,
    &obs::AlertingConfigured,
    &obs::BusinessMetrics,
    &slo::ObjectivesDefined,
    &slo::AvailabilityObjectiveMeetsTarget,
    &slo::LatencyObjectiveMeetsTarget,
    // 4.1 OAuth 2.0 and OpenID Connect
    &auth::TokenAuthentication,
    &auth::RefreshTokenRotation,
    &auth::ScopedAuthorization,
    // 4.2 security hardening
    &security::ScannersConfigured,
    &security::DependencyUpdatesAutomated,
    &security::NoCriticalVulnerabilities,
    &security::HeadersConfigured,
    &security::DynamicTesting,
    // 4.3 compliance and governance
    &governance::SecurityPolicy,
    &governance::CodeOwnership,
    &governance::AuditLogging,
    &governance::EncryptionAtRest,
    &governance::AccessControls,
    &governance::EncryptionInTransit,
    &governance::ControlsMapped,
    // 5.1 database optimization, 5.2 caching strategy, 5.3 autoscaling and load testing
    &db::IndexesDeclared,
    &db::QueryMonitoring,
    &db::QueryOptimization,
    &cache::MultiLevelCaching,
    &cache::WarmingAndInvalidation,
    &scaling::AutoscalingDeclared,
    &scaling::CustomMetrics,
    &perf::LoadTestsPresent,
    &perf::LoadTestsInCi,
    // 6.1 CI/CD
    &ci::TestsRunOnPullRequests,
    &ci::SecurityScanInPipeline,
    &ci::DeploymentAutomated,
    // 6.2 code quality and testing
    &quality::StaticAnalysis,
    &quality::MutationTesting,
    &quality::PropertyBasedTesting,
    &coverage::CollectedInCi,
    &coverage::MeetsTarget,
    // 6.3 documentation
    &docs::DecisionsRecorded,
    &docs::DeploymentGuide,
    &docs::Runbooks,
    &docs::ArchitectureDescribed,
    &docs::ApiReference,
    &docs::DisasterRecoveryProcedure,
    // 7.1 feature flags, 7.2 business intelligence, 7.3 cost
    &flags::FeatureFlagSystem,
    &flags::GradualRolloutOrExperiments,
    &flags::ExperimentSignificance,
    &bi::DataPipelines,
    &bi::Warehouse,
    &bi::BusinessDashboards,
    &cost::BudgetsAndAlerts,
    &cost::ResourcesTagged,
    &cost::WorkloadsBounded,
    &cost::OptimizationStrategies,
    // the AWS account (`--aws`), by roadmap item: 1.1, 1.2, 1.3, 1.4, 3.2, 3.3, 4.3, 5.3, 7.3
    &eks::ClustersActive,
    &eks::VersionSupported,
    &eks::ManagedNodeGroups,
    &eks::PublicEndpointRestricted,
    &eks::ControlPlaneLogging,
    &eks::SecretsEncrypted,
    &drift::DeployedMatchesDeclared,
    &rds::MysqlOrAuroraAvailable,
    &rds::ReadReplicaPresent,
    &rds::BackupRetention7Days,
    &rds::MultiAz,
    &rds::StorageEncrypted,
    &rds::DeletionProtection,
    &rds::ProxyInUse,
    &elasticache::ReplicationGroupAvailable,
    &elasticache::AutomaticFailover,
    &elasticache::SnapshotRetention,
    &elasticache::EncryptionInTransitAndAtRest,
    &aws_edge::HttpsListenerCurrentTls,
    &aws_edge::HttpRedirectsToHttps,
    &aws_edge::CloudfrontHttpsOnlyViewers,
    &aws_edge::HostedZonePresent,
    &aws_obs::LogRetentionSet,
    &aws_obs::AlarmsWithActions,
    &aws_governance::CloudtrailMultiRegionLogging,
    &aws_governance::CustomerKeysRotated,
    &aws_governance::PasswordPolicyStrong,
    &aws_governance::RootMfaEnabled,
    &aws_governance::BackupPlansDefined,
    &aws_scaling::CapacityScales,
    &aws_cost::BudgetNotifications,
    &aws_cost::ResourcesTagged,
    // deployed endpoints (`--url`): 1.4, 4.2, 5.3
    &live::HttpsEnforced,
    &live::CertificateValid,
    &live::SecurityHeaders,
    &live::ContentSecurityPolicy,
    &live::ResponseTimeWithinTarget,
];

/// The check with this id.
pub fn find(id: &str) -> Option<&'static dyn Check> {
    CHECKS.iter().copied().find(|c| c.meta().id == id)
}

/// Every check an audit can run: the built-in ones, then the checks of the loaded packs, whose
/// metadata the catalog borrows from the packs.
pub struct Catalog<'p> {
    loaded: Vec<crate::plugin::Loaded<'p>>,
}

impl<'p> Catalog<'p> {
    pub fn new(packs: &'p crate::plugin::Packs) -> Catalog<'p> {
        Catalog { loaded: packs.checks().map(crate::plugin::Loaded::new).collect() }
    }

    /// The check with this id, built in or of a pack.
    pub fn find(&self, id: &str) -> Option<&dyn Check> {
        find(id).or_else(|| self.loaded.iter().find(|c| c.meta().id == id).map(|c| c as &dyn Check))
    }

    /// Every check: built-in ones first, in registry order, then the packs' in load order.
    pub fn all(&self) -> impl Iterator<Item = &dyn Check> {
        CHECKS.iter().copied().chain(self.loaded.iter().map(|c| c as &dyn Check))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_questions_with_remediation() {
        let mut ids: Vec<&str> = CHECKS.iter().map(|c| c.meta().id).collect();
        for c in CHECKS {
            let m = c.meta();
            assert!(m.id.starts_with("repo.") || m.id.starts_with("aws.") || m.id.starts_with("live."), "{}", m.id);
            let source = match m.id.split('.').next() {
                Some("aws") => crate::check::Source::Aws,
                Some("live") => crate::check::Source::Url,
                _ => crate::check::Source::Repository,
            };
            assert_eq!(m.source, source, "{}: the id's prefix names its source", m.id);
            assert!(
                m.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '.' || ch == '_'),
                "{}",
                m.id
            );
            assert!(m.remediation.len() > 40, "{} needs remediation text", m.id);
            assert!(m.rationale.len() > 40, "{} needs a rationale", m.id);
            assert!(!m.title.ends_with('.'), "{} title is a label, not a sentence", m.id);
        }
        ids.sort_unstable();
        let before = ids.len();
        ids.dedup();
        assert_eq!(before, ids.len(), "duplicate check ids");
    }

    /// Every `.rs` file under `dir`, with its path relative to `src/`.
    fn sources(dir: &std::path::Path, src: &std::path::Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).expect("source directory") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                sources(&p, src, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let rel = p.strip_prefix(src).expect("under src").to_string_lossy().replace('\\', "/");
                out.push((rel, std::fs::read_to_string(&p).expect("readable source")));
            }
        }
    }

    /// `repo.<family>.<question>` lives in `repo/<family>.rs`, in a family folder
    /// `repo/<family>/`, or in a group folder as `repo/<group>/<family>.rs`; and a check's id is
    /// declared in exactly one file.
    #[test]
    fn repository_checks_live_in_their_family_file() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &src, &mut files);
        for c in CHECKS {
            let id = c.meta().id;
            let quoted = format!("id: \"{id}\"");
            let homes: Vec<&str> =
                files.iter().filter(|(_, text)| text.contains(&quoted)).map(|(p, _)| p.as_str()).collect();
            assert_eq!(homes.len(), 1, "{id} is declared in {homes:?}");
            let Some(rest) = id.strip_prefix("repo.") else { continue };
            let family = rest.split('.').next().unwrap_or_default();
            let path =
                homes[0].strip_prefix("repo/").unwrap_or_else(|| panic!("{id} lives in {} outside repo/", homes[0]));
            let parts: Vec<&str> = path.trim_end_matches(".rs").split('/').collect();
            let (dirs, file) = parts.split_at(parts.len() - 1);
            assert!(
                file[0] == family || dirs.contains(&family),
                "{id} lives in repo/{path}: a `repo.{family}.*` check belongs in repo/{family}.rs, repo/{family}/ or repo/<group>/{family}.rs"
            );
        }
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
