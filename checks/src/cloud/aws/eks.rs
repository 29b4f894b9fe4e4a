//! Roadmap item 1.1 (Kubernetes production cluster) in the account: EKS clusters that run, on a
//! supported Kubernetes version, with managed node groups, a restricted API endpoint,
//! control-plane logs and envelope-encrypted secrets.
//!
//! Whether a version is supported comes from EKS itself (`DescribeClusterVersions`) when the
//! endpoint answers it; otherwise from the published end-of-standard-support dates below, judged
//! on the day of the inventory. Checks about a cluster's settings have nothing to judge without a
//! cluster and say `not_assessed`; the missing cluster is `clusters_active`'s finding.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, graded, names, readable, regions, share};
use crate::facts::aws::eks::Cluster;
use crate::facts::aws::{AwsFacts, ops};
use crate::model::{Evidence, Finding};

const LIST: &[&ops::Operation] = &[&ops::EKS_LIST_CLUSTERS, &ops::EKS_DESCRIBE_CLUSTER];

fn ev(c: &Cluster, detail: String) -> Evidence {
    cloud("eks", &c.res, &ops::EKS_DESCRIBE_CLUSTER, detail)
}

/// The clusters to judge, or the finding when there are none.
fn clusters<'a>(
    cx: &'a Context,
    extra: &[&'static ops::Operation],
) -> Result<(&'a AwsFacts, Vec<&'a Cluster>), Finding> {
    let aws = account(cx)?;
    let mut needed = LIST.to_vec();
    needed.extend_from_slice(extra);
    if let Some(f) = blocked(aws, &needed) {
        return Err(f);
    }
    let running: Vec<&Cluster> = aws.eks.clusters.iter().filter(|c| running(c)).collect();
    if running.is_empty() {
        return Err(Finding::not_assessed(format!("there is no running EKS cluster {} to judge", regions(aws))));
    }
    Ok((aws, running))
}

fn running(c: &Cluster) -> bool {
    matches!(c.status.as_str(), "ACTIVE" | "UPDATING")
}

pub struct ClustersActive;

impl Check for ClustersActive {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.clusters_active",
            title: "An EKS cluster is running",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The roadmap's production platform is an EKS cluster; declared infrastructure only counts once a cluster is actually up and serving.",
            remediation: "Create the production EKS cluster from the repository's Terraform (`terraform apply`) and check `aws eks describe-cluster --name NAME` reports status ACTIVE.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, LIST) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let all = &aws.eks.clusters;
        let up: Vec<&Cluster> = all.iter().filter(|c| running(c)).collect();
        let evidence = all.iter().take(5).map(|c| ev(c, format!("{}, Kubernetes {}", c.status, c.version)));
        if let Some(c) = up.first() {
            let more = if up.len() > 1 { format!(" (and {} more running)", up.len() - 1) } else { String::new() };
            return Finding::pass(format!(
                "EKS cluster `{}` is {} in {} with Kubernetes {}{more}",
                c.res.name, c.status, c.res.region, c.version
            ))
            .with(evidence);
        }
        if let Some(c) = all.first() {
            return Finding::partial(
                0.3,
                format!("EKS cluster `{}` exists in {} but is {}, not running", c.res.name, c.res.region, c.status),
            )
            .with(evidence);
        }
        Finding::fail(format!("no EKS cluster {} (looked with eks:ListClusters)", regions(aws)))
    }
}

/// Published end of standard support per Kubernetes minor version on EKS. Versions newer than the
/// last row are taken as supported; after standard support, extended support lasts 12 months.
const STANDARD_SUPPORT_ENDS: &[(&str, &str)] = &[
    ("1.23", "2023-10-11"),
    ("1.24", "2024-01-31"),
    ("1.25", "2024-05-01"),
    ("1.26", "2024-06-11"),
    ("1.27", "2024-07-24"),
    ("1.28", "2024-11-26"),
    ("1.29", "2025-03-23"),
    ("1.30", "2025-07-23"),
    ("1.31", "2025-11-26"),
    ("1.32", "2026-03-23"),
    ("1.33", "2026-07-29"),
    ("1.34", "2026-12-02"),
];

#[derive(Debug, PartialEq)]
enum Support {
    Standard,
    Extended(String),
    Ended(String),
}

fn minor(v: &str) -> Option<(u32, u32)> {
    let mut parts = v.split('.');
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

/// How a version is supported, from EKS's own list or, without it, from the table.
fn support(aws: &AwsFacts, version: &str) -> (Support, &'static str) {
    if let Some(v) = aws.eks.versions.iter().find(|v| v.version == version) {
        let until = v.end_of_standard_support.clone().unwrap_or_default();
        let s = match v.status.as_str() {
            "STANDARD_SUPPORT" => Support::Standard,
            "EXTENDED_SUPPORT" => Support::Extended(until),
            _ => Support::Ended(until),
        };
        return (s, "as EKS reports it");
    }
    let how = "by the published support dates";
    let Some(m) = minor(version) else { return (Support::Ended(String::new()), how) };
    let Some((_, end)) = STANDARD_SUPPORT_ENDS.iter().find(|(v, _)| minor(v) == Some(m)) else {
        let newest = STANDARD_SUPPORT_ENDS.iter().filter_map(|(v, _)| minor(v)).max().unwrap_or((1, 0));
        return (if m > newest { Support::Standard } else { Support::Ended(String::new()) }, how);
    };
    let today = aws.collected_on.as_str();
    if today < *end {
        return (Support::Standard, how);
    }
    let extended_end =
        end.parse::<jiff::civil::Date>().ok().and_then(|d| d.checked_add(jiff::Span::new().months(12)).ok());
    match extended_end {
        Some(x) if today < x.to_string().as_str() => (Support::Extended(end.to_string()), how),
        _ => (Support::Ended(end.to_string()), how),
    }
}

pub struct VersionSupported;

impl Check for VersionSupported {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.version_supported",
            title: "EKS clusters run a Kubernetes version in standard support",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Versions past standard support get no fixes for free: EKS charges six times more for extended support and upgrades the control plane itself when that ends.",
            remediation: "Upgrade the cluster one minor version at a time (`aws eks update-cluster-version`, or bump `version` in Terraform), after checking deprecated APIs and add-on versions.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (aws, clusters) = match clusters(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut score = 0.0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        let mut how = "";
        for c in &clusters {
            let (s, h) = support(aws, &c.version);
            how = h;
            let detail = match &s {
                Support::Standard => {
                    score += 1.0;
                    format!("Kubernetes {} in standard support", c.version)
                }
                Support::Extended(d) => {
                    score += 0.5;
                    if d.is_empty() {
                        format!("Kubernetes {} in extended support", c.version)
                    } else {
                        format!("Kubernetes {} in extended support since {d}", c.version)
                    }
                }
                Support::Ended(d) if d.is_empty() => format!("Kubernetes {} is no longer supported", c.version),
                Support::Ended(d) => format!(
                    "Kubernetes {} is out of support (standard support ended {d}, extended support a year later)",
                    c.version
                ),
            };
            lines.push(format!("`{}`: {detail}", c.res.name));
            evidence.push(ev(c, detail));
        }
        let score = score / clusters.len() as f64;
        let message = format!("{} ({how})", lines.join("; "));
        graded(score, message, "").with(evidence)
    }
}

pub struct ManagedNodeGroups;

impl Check for ManagedNodeGroups {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.managed_node_groups",
            title: "EKS clusters run workloads on managed node groups",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Managed node groups let EKS patch, drain and replace nodes and scale them within bounds; hand-run instances drift and are replaced by hand.",
            remediation: "Add a managed node group per cluster (`aws_eks_node_group` or `eks_managed_node_groups` of the EKS module) with min, max and desired sizes, across at least two availability zones.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, clusters) = match clusters(cx, &[&ops::EKS_LIST_NODEGROUPS, &ops::EKS_DESCRIBE_NODEGROUP]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut good = 0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for c in &clusters {
            let active: Vec<_> = c.nodegroups.iter().filter(|n| n.status == "ACTIVE").collect();
            if active.is_empty() {
                lines.push(format!("`{}` has no active managed node group", c.res.name));
                evidence.push(ev(c, "no managed node group".into()));
                continue;
            }
            good += 1;
            let groups: Vec<String> =
                active.iter().map(|n| format!("`{}` ({}–{} nodes)", n.res.name, n.min, n.max)).collect();
            lines.push(format!("`{}` runs {}", c.res.name, crate::repo::support::list(&groups)));
            evidence.extend(active.iter().take(3).map(|n| {
                cloud(
                    "eks",
                    &n.res,
                    &ops::EKS_DESCRIBE_NODEGROUP,
                    format!("{}–{} nodes, {} desired", n.min, n.max, n.desired),
                )
            }));
        }
        share(good, clusters.len(), lines.join("; ")).with(evidence)
    }
}

pub struct PublicEndpointRestricted;

impl Check for PublicEndpointRestricted {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.public_endpoint_restricted",
            title: "The EKS API endpoint is private or restricted",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A Kubernetes API open to the whole internet is one stolen credential or API-server flaw away from the cluster; private access or an allow-list removes that exposure.",
            remediation: "Turn on private endpoint access and either turn public access off or limit `publicAccessCidrs` to the office and CI ranges (`endpoint_public_access`, `public_access_cidrs` in Terraform).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, clusters) = match clusters(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut good = 0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for c in &clusters {
            let open = c.public_cidrs.is_empty() || c.public_cidrs.iter().any(|r| r == "0.0.0.0/0" || r == "::/0");
            let detail = if !c.endpoint_public {
                good += 1;
                "private endpoint only".to_string()
            } else if !open {
                good += 1;
                format!("public endpoint limited to {}", c.public_cidrs.join(", "))
            } else {
                "public endpoint open to 0.0.0.0/0".to_string()
            };
            lines.push(format!("`{}`: {detail}", c.res.name));
            evidence.push(ev(c, detail));
        }
        share(good, clusters.len(), lines.join("; ")).with(evidence)
    }
}

/// The control-plane log types worth keeping: API requests, audit trail, authentication.
const KEY_LOGS: &[&str] = &["api", "audit", "authenticator"];

pub struct ControlPlaneLogging;

impl Check for ControlPlaneLogging {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.control_plane_logging",
            title: "EKS control-plane logs (API, audit, authenticator) go to CloudWatch",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Without the API, audit and authenticator logs nobody can say who changed what in the cluster, which incident response and compliance both ask.",
            remediation: "Enable the `api`, `audit` and `authenticator` control-plane log types (`enabled_cluster_log_types` in Terraform) and set a retention on the `/aws/eks/NAME/cluster` log group.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, clusters) = match clusters(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut score = 0.0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for c in &clusters {
            let on = KEY_LOGS.iter().filter(|t| c.logging.iter().any(|l| l == *t)).count();
            score += on as f64 / KEY_LOGS.len() as f64;
            let detail = if c.logging.is_empty() {
                "no control-plane logging".to_string()
            } else {
                format!("logs {}", c.logging.join(", "))
            };
            lines.push(format!("`{}`: {detail}", c.res.name));
            evidence.push(ev(c, detail));
        }
        let score = score / clusters.len() as f64;
        let message = lines.join("; ");
        graded(score, message, "the api, audit and authenticator types are expected").with(evidence)
    }
}

pub struct SecretsEncrypted;

impl Check for SecretsEncrypted {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.eks.secrets_encrypted",
            title: "Kubernetes secrets are envelope-encrypted with KMS",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Envelope encryption puts Kubernetes secrets under a KMS key the account controls and audits, instead of only the storage encryption of etcd.",
            remediation: "Add an `encryption_config` for the `secrets` resource with a customer-managed KMS key to each cluster (it can be added to a running cluster, not removed).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, clusters) = match clusters(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let good: Vec<&&Cluster> = clusters.iter().filter(|c| c.secrets_encrypted).collect();
        let bad: Vec<&&Cluster> = clusters.iter().filter(|c| !c.secrets_encrypted).collect();
        let mut parts = Vec::new();
        if !good.is_empty() {
            parts.push(format!(
                "{}: Kubernetes secrets are encrypted with KMS",
                names(good.iter().map(|c| c.res.name.as_str()))
            ));
        }
        if !bad.is_empty() {
            parts.push(format!(
                "{}: Kubernetes secrets are not envelope-encrypted",
                names(bad.iter().map(|c| c.res.name.as_str()))
            ));
        }
        let evidence = clusters.iter().map(|c| {
            ev(c, if c.secrets_encrypted { "secrets encrypted".into() } else { "secrets not encrypted".into() })
        });
        share(good.len(), clusters.len(), parts.join("; ")).with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::call::Failure;
    use crate::facts::aws::eks::{Nodegroup, Version};
    use crate::model::Status;

    fn cluster(name: &str, version: &str) -> Cluster {
        Cluster {
            res: res(name),
            status: "ACTIVE".into(),
            version: version.into(),
            endpoint_public: false,
            endpoint_private: true,
            public_cidrs: vec![],
            logging: vec!["api".into(), "audit".into(), "authenticator".into()],
            secrets_encrypted: true,
            nodegroups: vec![Nodegroup { res: res("ng"), status: "ACTIVE".into(), min: 2, max: 6, desired: 3 }],
            nodegroups_read: true,
        }
    }

    fn with(clusters: Vec<Cluster>) -> Option<AwsFacts> {
        let mut a = empty();
        a.eks.clusters = clusters;
        Some(a)
    }

    fn edit(f: impl Fn(&mut Cluster)) -> Option<AwsFacts> {
        let mut c = cluster("prod", "1.31");
        f(&mut c);
        with(vec![c, cluster("ops", "1.31")])
    }

    fn denied_list() -> Option<AwsFacts> {
        let mut a = empty();
        a.calls.push(denied(&ops::EKS_LIST_CLUSTERS));
        Some(a)
    }

    #[test]
    fn clusters_active() {
        let creating = edit(|c| c.status = "CREATING".into()).map(|mut a| {
            a.eks.clusters.truncate(1);
            a
        });
        table(
            &ClustersActive,
            vec![
                ("running", with(vec![cluster("prod", "1.31")]), Status::Pass),
                ("creating only", creating, Status::Partial),
                ("none", Some(empty()), Status::Fail),
                ("denied", denied_list(), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
        let f = run(&ClustersActive, denied_list());
        assert!(f.message.contains("`eks:ListClusters` was denied"), "{}", f.message);
    }

    #[test]
    fn version_supported() {
        let reported = |status: &str| {
            let mut a = with(vec![cluster("prod", "1.29")]).unwrap();
            a.eks.versions =
                vec![Version { version: "1.29".into(), status: status.into(), end_of_standard_support: None }];
            Some(a)
        };
        table(
            &VersionSupported,
            vec![
                // judged on 2025-06-01 by the table
                ("in standard support", with(vec![cluster("prod", "1.31")]), Status::Pass),
                ("newer than the table", with(vec![cluster("prod", "1.40")]), Status::Pass),
                ("extended support", with(vec![cluster("prod", "1.29")]), Status::Partial),
                ("past extended support", with(vec![cluster("prod", "1.24")]), Status::Fail),
                ("one of two old", with(vec![cluster("prod", "1.31"), cluster("old", "1.24")]), Status::Partial),
                ("EKS says standard", reported("STANDARD_SUPPORT"), Status::Pass),
                ("EKS says extended", reported("EXTENDED_SUPPORT"), Status::Partial),
                ("EKS says unsupported", reported("UNSUPPORTED"), Status::Fail),
                ("no cluster", Some(empty()), Status::NotAssessed),
                ("denied", denied_list(), Status::Unknown),
            ],
        );
        let f = run(&VersionSupported, with(vec![cluster("prod", "1.29")]));
        assert!(f.message.contains("extended support since 2025-03-23"), "{}", f.message);
        assert_eq!(support(&empty().tap_date("2026-04-01"), "1.24").0, Support::Ended("2024-01-31".into()));
    }

    trait TapDate {
        fn tap_date(self, d: &str) -> Self;
    }
    impl TapDate for AwsFacts {
        fn tap_date(mut self, d: &str) -> Self {
            self.collected_on = d.into();
            self
        }
    }

    #[test]
    fn managed_node_groups() {
        let mut nodes_denied = with(vec![cluster("prod", "1.31")]).unwrap();
        nodes_denied.calls.push(denied(&ops::EKS_LIST_NODEGROUPS));
        table(
            &ManagedNodeGroups,
            vec![
                ("all clusters", with(vec![cluster("prod", "1.31")]), Status::Pass),
                ("one of two", edit(|c| c.nodegroups.clear()), Status::Partial),
                ("none", with(vec![Cluster { nodegroups: vec![], ..cluster("prod", "1.31") }]), Status::Fail),
                ("denied", Some(nodes_denied), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn public_endpoint_restricted() {
        let open = |c: &mut Cluster| {
            c.endpoint_public = true;
            c.public_cidrs = vec!["0.0.0.0/0".into()];
        };
        let mut all_open = cluster("prod", "1.31");
        open(&mut all_open);
        table(
            &PublicEndpointRestricted,
            vec![
                ("private", with(vec![cluster("prod", "1.31")]), Status::Pass),
                (
                    "allow-listed",
                    edit(|c| {
                        c.endpoint_public = true;
                        c.public_cidrs = vec!["203.0.113.0/24".into()];
                    }),
                    Status::Pass,
                ),
                ("one open", edit(open), Status::Partial),
                ("open", with(vec![all_open]), Status::Fail),
                (
                    "unsupported endpoint",
                    {
                        let mut a = empty();
                        a.calls.push(failed(&ops::EKS_DESCRIBE_CLUSTER, Failure::Unsupported));
                        Some(a)
                    },
                    Status::Unknown,
                ),
            ],
        );
    }

    #[test]
    fn control_plane_logging_and_secrets() {
        table(
            &ControlPlaneLogging,
            vec![
                ("all three", with(vec![cluster("prod", "1.31")]), Status::Pass),
                ("api only", edit(|c| c.logging = vec!["api".into()]), Status::Partial),
                ("none", with(vec![Cluster { logging: vec![], ..cluster("prod", "1.31") }]), Status::Fail),
                ("no cluster", Some(empty()), Status::NotAssessed),
            ],
        );
        table(
            &SecretsEncrypted,
            vec![
                ("encrypted", with(vec![cluster("prod", "1.31")]), Status::Pass),
                ("one of two", edit(|c| c.secrets_encrypted = false), Status::Partial),
                ("none", with(vec![Cluster { secrets_encrypted: false, ..cluster("prod", "1.31") }]), Status::Fail),
                ("denied", denied_list(), Status::Unknown),
            ],
        );
    }
}
