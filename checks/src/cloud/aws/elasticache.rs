//! Roadmap item 1.3 (caching and sessions) in the account: a Redis or Valkey replication group
//! that runs, fails over automatically, keeps snapshots, and encrypts in transit and at rest.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, graded, names, readable, regions, share, verb};
use crate::facts::aws::elasticache::ReplicationGroup;
use crate::facts::aws::{AwsFacts, ops};
use crate::model::{Evidence, Finding};

const LIST: &[&ops::Operation] = &[&ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS];

fn ev(g: &ReplicationGroup, detail: String) -> Evidence {
    cloud("elasticache", &g.res, &ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS, detail)
}

fn engine(g: &ReplicationGroup) -> &str {
    if g.engine.is_empty() { "redis" } else { &g.engine }
}

fn groups<'a>(cx: &'a Context) -> Result<(&'a AwsFacts, Vec<&'a ReplicationGroup>), Finding> {
    let aws = account(cx)?;
    if let Some(f) = blocked(aws, LIST) {
        return Err(f);
    }
    let groups: Vec<&ReplicationGroup> = aws.elasticache.iter().collect();
    if groups.is_empty() {
        return Err(Finding::not_assessed(format!(
            "there is no ElastiCache replication group {} to judge",
            regions(aws)
        )));
    }
    Ok((aws, groups))
}

pub struct ReplicationGroupAvailable;

impl Check for ReplicationGroupAvailable {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elasticache.replication_group_available",
            title: "A Redis or Valkey replication group is available",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The roadmap's cache and session store is a managed Redis cluster; a replication group (primary plus replicas) is what ElastiCache runs for that.",
            remediation: "Create an ElastiCache replication group (`aws_elasticache_replication_group`, engine `redis` or `valkey`) with at least one replica and wait for status `available`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, LIST) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let all = &aws.elasticache;
        let evidence = all.iter().take(5).map(|g| ev(g, format!("{}, {} node(s), {}", engine(g), g.members, g.status)));
        if let Some(g) = all.iter().find(|g| g.status == "available") {
            return Finding::pass(format!(
                "{} replication group `{}` is available in {} with {} node(s)",
                engine(g),
                g.res.name,
                g.res.region,
                g.members
            ))
            .with(evidence);
        }
        if let Some(g) = all.first() {
            return Finding::partial(0.3, format!("replication group `{}` exists but is {}", g.res.name, g.status))
                .with(evidence);
        }
        Finding::fail(format!("no ElastiCache replication group {}", regions(aws)))
    }
}

pub struct AutomaticFailover;

impl Check for AutomaticFailover {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elasticache.automatic_failover",
            title: "Cache replication groups fail over automatically",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "With automatic failover and Multi-AZ a replica is promoted within seconds when the primary or its zone fails; without it the cache (and every session in it) is gone until someone acts.",
            remediation: "Set `automatic_failover_enabled = true` and `multi_az_enabled = true` with at least one replica in another availability zone.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, groups) = match groups(cx) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let ok: Vec<&&ReplicationGroup> = groups.iter().filter(|g| g.automatic_failover).collect();
        let bad: Vec<&&ReplicationGroup> = groups.iter().filter(|g| !g.automatic_failover).collect();
        let mut parts = Vec::new();
        if !ok.is_empty() {
            parts.push(format!(
                "{} {} over automatically",
                names(ok.iter().map(|g| g.res.name.as_str())),
                verb(ok.len(), "fails", "fail")
            ));
        }
        if !bad.is_empty() {
            parts.push(format!(
                "{} {} automatic failover off",
                names(bad.iter().map(|g| g.res.name.as_str())),
                verb(bad.len(), "has", "have")
            ));
        }
        let evidence = groups.iter().map(|g| {
            ev(
                g,
                format!(
                    "automatic failover {}, Multi-AZ {}",
                    if g.automatic_failover { "on" } else { "off" },
                    if g.multi_az { "on" } else { "off" }
                ),
            )
        });
        share(ok.len(), groups.len(), parts.join("; ")).with(evidence)
    }
}

pub struct SnapshotRetention;

impl Check for SnapshotRetention {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elasticache.snapshot_retention",
            title: "Cache snapshots are kept",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Daily snapshots let a cache that holds sessions or other state be restored after a bad flush or a lost cluster instead of starting empty.",
            remediation: "Set `snapshot_retention_limit` to 7 days or more on replication groups that hold sessions or other data worth keeping.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, groups) = match groups(cx) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let score = groups
            .iter()
            .map(|g| match g.snapshot_retention_days {
                7.. => 1.0,
                1..=6 => 0.6,
                _ => 0.0,
            })
            .sum::<f64>()
            / groups.len() as f64;
        let lines: Vec<String> = groups
            .iter()
            .map(|g| match g.snapshot_retention_days {
                0 => format!("`{}` keeps no snapshots", g.res.name),
                n => format!("`{}` keeps snapshots for {n} {}", g.res.name, verb(n as usize, "day", "days")),
            })
            .collect();
        let evidence = groups.iter().map(|g| {
            ev(
                g,
                format!(
                    "snapshot retention {} {}",
                    g.snapshot_retention_days,
                    verb(g.snapshot_retention_days as usize, "day", "days")
                ),
            )
        });
        let message = lines.join("; ");
        graded(score, message, "7 days or more expected").with(evidence)
    }
}

pub struct EncryptionInTransitAndAtRest;

impl Check for EncryptionInTransitAndAtRest {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.elasticache.encryption_in_transit_and_at_rest",
            title: "Caches encrypt in transit and at rest",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Sessions and cached query results are personal data more often than not; TLS between application and cache, and encrypted storage and snapshots, keep them from being read off the wire or a disk.",
            remediation: "Create replication groups with `transit_encryption_enabled = true` and `at_rest_encryption_enabled = true` (and an AUTH token or IAM authentication), then point clients at TLS.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, groups) = match groups(cx) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut score = 0.0;
        let mut lines = Vec::new();
        let mut evidence = Vec::new();
        for g in &groups {
            let n = g.transit_encryption as u8 + g.at_rest_encryption as u8;
            score += n as f64 / 2.0;
            let detail = match (g.transit_encryption, g.at_rest_encryption) {
                (true, true) => "encrypted in transit and at rest",
                (true, false) => "encrypted in transit only",
                (false, true) => "encrypted at rest only",
                (false, false) => "not encrypted",
            };
            lines.push(format!("`{}` is {detail}", g.res.name));
            evidence.push(ev(g, detail.to_string()));
        }
        let score = score / groups.len() as f64;
        let message = lines.join("; ");
        graded(score, message, "").with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::model::Status;

    fn group(name: &str) -> ReplicationGroup {
        ReplicationGroup {
            res: res(name),
            engine: "valkey".into(),
            status: "available".into(),
            automatic_failover: true,
            multi_az: true,
            snapshot_retention_days: 7,
            transit_encryption: true,
            at_rest_encryption: true,
            members: 2,
        }
    }

    fn with(groups: Vec<ReplicationGroup>) -> Option<AwsFacts> {
        let mut a = empty();
        a.elasticache = groups;
        Some(a)
    }

    fn denied_list() -> Option<AwsFacts> {
        let mut a = empty();
        a.calls.push(denied(&ops::ELASTICACHE_DESCRIBE_REPLICATION_GROUPS));
        Some(a)
    }

    #[test]
    fn availability() {
        table(
            &ReplicationGroupAvailable,
            vec![
                ("available", with(vec![group("sessions")]), Status::Pass),
                (
                    "creating",
                    with(vec![ReplicationGroup { status: "creating".into(), ..group("sessions") }]),
                    Status::Partial,
                ),
                ("none", Some(empty()), Status::Fail),
                ("denied", denied_list(), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }

    #[test]
    fn failover_snapshots_and_encryption() {
        let two = |f: fn(&mut ReplicationGroup)| {
            let mut g = group("cache");
            f(&mut g);
            with(vec![group("sessions"), g])
        };
        table(
            &AutomaticFailover,
            vec![
                ("on", with(vec![group("sessions")]), Status::Pass),
                ("one off", two(|g| g.automatic_failover = false), Status::Partial),
                ("off", with(vec![ReplicationGroup { automatic_failover: false, ..group("s") }]), Status::Fail),
                ("no group", Some(empty()), Status::NotAssessed),
                ("denied", denied_list(), Status::Unknown),
            ],
        );
        table(
            &SnapshotRetention,
            vec![
                ("7 days", with(vec![group("sessions")]), Status::Pass),
                ("1 day", with(vec![ReplicationGroup { snapshot_retention_days: 1, ..group("s") }]), Status::Partial),
                ("none", with(vec![ReplicationGroup { snapshot_retention_days: 0, ..group("s") }]), Status::Fail),
                ("denied", denied_list(), Status::Unknown),
            ],
        );
        table(
            &EncryptionInTransitAndAtRest,
            vec![
                ("both", with(vec![group("sessions")]), Status::Pass),
                (
                    "at rest only",
                    with(vec![ReplicationGroup { transit_encryption: false, ..group("s") }]),
                    Status::Partial,
                ),
                (
                    "neither",
                    with(vec![ReplicationGroup { transit_encryption: false, at_rest_encryption: false, ..group("s") }]),
                    Status::Fail,
                ),
                ("not audited", None, Status::NotAssessed),
            ],
        );
    }
}
