//! Roadmap item 1.2 (database architecture) in the account: a MySQL or Aurora MySQL database that
//! runs, with read replicas, backups kept at least seven days, Multi-AZ, encrypted storage,
//! deletion protection, and RDS Proxy pooling connections.
//!
//! The databases judged for backups, Multi-AZ and deletion protection are the primaries:
//! standalone instances that replicate nothing, and Aurora clusters (whose members inherit the
//! cluster's settings). A read replica is judged by `read_replica_present` only.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::cloud::{account, blocked, cloud, graded, names, readable, regions, share, verb};
use crate::facts::aws::rds::{Cluster, Instance};
use crate::facts::aws::{AwsFacts, Res, ops};
use crate::model::{Evidence, Finding};

const LIST: &[&ops::Operation] = &[&ops::RDS_DESCRIBE_DB_INSTANCES, &ops::RDS_DESCRIBE_DB_CLUSTERS];

/// Engines of the MySQL family, as RDS names them.
const MYSQL: &[&str] = &["mysql", "mariadb", "aurora", "aurora-mysql"];

/// A database the checks judge: a standalone primary instance or an Aurora cluster.
struct Db<'a> {
    res: &'a Res,
    kind: &'static str,
    engine: &'a str,
    status: &'a str,
    multi_az: bool,
    backup_days: i32,
    encrypted: bool,
    deletion_protection: bool,
    call: &'static ops::Operation,
}

impl Db<'_> {
    fn ev(&self, detail: String) -> Evidence {
        cloud("rds", self.res, self.call, detail)
    }
}

fn instance(i: &Instance) -> Db<'_> {
    Db {
        res: &i.res,
        kind: "instance",
        engine: &i.engine,
        status: &i.status,
        multi_az: i.multi_az,
        backup_days: i.backup_retention_days,
        encrypted: i.encrypted,
        deletion_protection: i.deletion_protection,
        call: &ops::RDS_DESCRIBE_DB_INSTANCES,
    }
}

fn cluster(c: &Cluster) -> Db<'_> {
    Db {
        res: &c.res,
        kind: "cluster",
        engine: &c.engine,
        status: &c.status,
        multi_az: c.multi_az || c.members.len() > 1,
        backup_days: c.backup_retention_days,
        encrypted: c.encrypted,
        deletion_protection: c.deletion_protection,
        call: &ops::RDS_DESCRIBE_DB_CLUSTERS,
    }
}

/// Standalone primary instances and Aurora clusters.
fn primaries(aws: &AwsFacts) -> Vec<Db<'_>> {
    let mut out: Vec<Db> =
        aws.rds.instances.iter().filter(|i| i.cluster.is_none() && i.replica_of.is_none()).map(instance).collect();
    out.extend(aws.rds.clusters.iter().filter(|c| c.replica_of.is_none()).map(cluster));
    out
}

/// The databases to judge, or the finding when there are none.
fn databases<'a>(cx: &'a Context, extra: &[&'static ops::Operation]) -> Result<(&'a AwsFacts, Vec<Db<'a>>), Finding> {
    let aws = account(cx)?;
    let mut needed = LIST.to_vec();
    needed.extend_from_slice(extra);
    if let Some(f) = blocked(aws, &needed) {
        return Err(f);
    }
    let dbs = primaries(aws);
    if dbs.is_empty() {
        return Err(Finding::not_assessed(format!("there is no RDS database {} to judge", regions(aws))));
    }
    Ok((aws, dbs))
}

fn is_mysql(engine: &str) -> bool {
    MYSQL.contains(&engine)
}

pub struct MysqlOrAuroraAvailable;

impl Check for MysqlOrAuroraAvailable {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.mysql_or_aurora_available",
            title: "An RDS MySQL or Aurora MySQL database is available",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "The roadmap's database architecture is managed MySQL on RDS; a database that is declared but not available, or another engine, is not that architecture yet.",
            remediation: "Create the production database as RDS MySQL (`aws_db_instance` with `engine = \"mysql\"`) or Aurora MySQL (`aws_rds_cluster` with `engine = \"aurora-mysql\"`) and wait for status `available`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let aws = match readable(cx, LIST) {
            Ok(a) => a,
            Err(f) => return f,
        };
        let dbs = primaries(aws);
        let evidence: Vec<Evidence> =
            dbs.iter().take(5).map(|d| d.ev(format!("{} {}, {}", d.engine, d.kind, d.status))).collect();
        let available = |d: &&Db| d.status == "available";
        if let Some(d) = dbs.iter().filter(|d| is_mysql(d.engine)).find(available) {
            return Finding::pass(format!(
                "RDS {} `{}` runs {} and is available in {}",
                d.kind, d.res.name, d.engine, d.res.region
            ))
            .with(evidence);
        }
        if let Some(d) = dbs.iter().find(|d| is_mysql(d.engine)) {
            return Finding::partial(
                0.5,
                format!("RDS {} `{}` runs {} but is {}, not available", d.kind, d.res.name, d.engine, d.status),
            )
            .with(evidence);
        }
        if let Some(d) = dbs.iter().find(available) {
            return Finding::partial(
                0.6,
                format!(
                    "RDS {} `{}` is available but runs {}, not MySQL as the roadmap plans",
                    d.kind, d.res.name, d.engine
                ),
            )
            .with(evidence);
        }
        if let Some(d) = dbs.first() {
            return Finding::partial(0.2, format!("RDS {} `{}` ({}) is {}", d.kind, d.res.name, d.engine, d.status))
                .with(evidence);
        }
        Finding::fail(format!("no RDS instance or Aurora cluster {}", regions(aws)))
    }
}

pub struct ReadReplicaPresent;

impl Check for ReadReplicaPresent {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.read_replica_present",
            title: "The database has read replicas",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Read replicas take read traffic off the primary and are the fastest way back after losing it (promote a replica); the roadmap's database plan names them.",
            remediation: "Add a read replica (`aws_db_instance` with `replicate_source_db`) or, on Aurora, a reader instance in another availability zone, and route read-only queries to the reader endpoint.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (aws, dbs) = match databases(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let mut with_replicas = Vec::new();
        let mut evidence = Vec::new();
        for i in aws.rds.instances.iter().filter(|i| i.cluster.is_none() && i.replica_of.is_none()) {
            if !i.replicas.is_empty() {
                with_replicas.push(format!(
                    "instance `{}` has replica(s) {}",
                    i.res.name,
                    names(i.replicas.iter().map(String::as_str))
                ));
                evidence.push(cloud(
                    "rds",
                    &i.res,
                    &ops::RDS_DESCRIBE_DB_INSTANCES,
                    format!("{} replica(s)", i.replicas.len()),
                ));
            }
        }
        for r in aws.rds.instances.iter().filter(|i| i.replica_of.is_some()).take(3) {
            evidence.push(cloud(
                "rds",
                &r.res,
                &ops::RDS_DESCRIBE_DB_INSTANCES,
                format!("replica of {}", r.replica_of.as_deref().unwrap_or_default()),
            ));
        }
        for c in &aws.rds.clusters {
            let readers: Vec<&str> = c.members.iter().filter(|(_, w)| !*w).map(|(n, _)| n.as_str()).collect();
            if !readers.is_empty() {
                with_replicas.push(format!(
                    "cluster `{}` has reader(s) {}",
                    c.res.name,
                    names(readers.iter().copied())
                ));
                evidence.push(cloud(
                    "rds",
                    &c.res,
                    &ops::RDS_DESCRIBE_DB_CLUSTERS,
                    format!("{} reader(s)", readers.len()),
                ));
            }
        }
        if with_replicas.is_empty() {
            return Finding::fail(format!(
                "no read replica: {} {} every read from the primary",
                names(dbs.iter().map(|d| d.res.name.as_str())),
                verb(dbs.len(), "serves", "serve")
            ));
        }
        Finding::pass(with_replicas.join("; ")).with(evidence)
    }
}

/// Judges a yes/no property of every primary database; `yes` and `no` are (one, many) verb forms.
fn each_db(cx: &Context, good: impl Fn(&Db) -> bool, yes: (&str, &str), no: (&str, &str)) -> Finding {
    let (_, dbs) = match databases(cx, &[]) {
        Ok(x) => x,
        Err(f) => return f,
    };
    let (ok, bad): (Vec<&Db>, Vec<&Db>) = dbs.iter().partition(|d| good(d));
    let mut parts = Vec::new();
    if !ok.is_empty() {
        parts.push(format!("{} {}", names(ok.iter().map(|d| d.res.name.as_str())), verb(ok.len(), yes.0, yes.1)));
    }
    if !bad.is_empty() {
        parts.push(format!("{} {}", names(bad.iter().map(|d| d.res.name.as_str())), verb(bad.len(), no.0, no.1)));
    }
    let evidence = dbs.iter().map(|d| d.ev(if good(d) { yes.0.to_string() } else { no.0.to_string() }));
    share(ok.len(), dbs.len(), parts.join("; ")).with(evidence)
}

pub struct BackupRetention7Days;

impl Check for BackupRetention7Days {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.backup_retention_7_days",
            title: "Automated database backups are kept at least 7 days",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Automated backups give point-in-time recovery within the retention window; under a week, a problem noticed after a weekend can no longer be undone.",
            remediation: "Set `backup_retention_period` to 7 days or more (35 at most) on every primary instance and Aurora cluster, and test a point-in-time restore.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (_, dbs) = match databases(cx, &[]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let score: f64 = dbs
            .iter()
            .map(|d| match d.backup_days {
                7.. => 1.0,
                1..=6 => 0.5,
                _ => 0.0,
            })
            .sum::<f64>()
            / dbs.len() as f64;
        let lines: Vec<String> = dbs
            .iter()
            .map(|d| match d.backup_days {
                0 => format!("`{}` has automated backups off", d.res.name),
                n => format!("`{}` keeps backups for {n} {}", d.res.name, verb(n as usize, "day", "days")),
            })
            .collect();
        let evidence = dbs.iter().map(|d| {
            d.ev(format!("backup retention {} {}", d.backup_days, verb(d.backup_days as usize, "day", "days")))
        });
        let message = lines.join("; ");
        graded(score, message, "7 days or more expected").with(evidence)
    }
}

pub struct MultiAz;

impl Check for MultiAz {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.multi_az",
            title: "Databases run Multi-AZ",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A Multi-AZ database fails over to a standby in another availability zone in a minute or two; a single-AZ one is down until the zone or the instance comes back.",
            remediation: "Set `multi_az = true` on primary instances, or give Aurora clusters a reader in a second availability zone.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        each_db(
            cx,
            |d| d.multi_az,
            ("runs Multi-AZ", "run Multi-AZ"),
            ("runs in a single availability zone", "run in a single availability zone"),
        )
    }
}

pub struct StorageEncrypted;

impl Check for StorageEncrypted {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.storage_encrypted",
            title: "Database storage is encrypted",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Encryption at rest covers the storage, its backups, snapshots and replicas; compliance frameworks require it, and it can only be set when a database is created.",
            remediation: "Create databases with `storage_encrypted = true` (and a KMS key); an unencrypted one must be moved through an encrypted snapshot copy and restore.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        each_db(
            cx,
            |d| d.encrypted,
            ("encrypts its storage", "encrypt their storage"),
            ("stores data unencrypted", "store data unencrypted"),
        )
    }
}

pub struct DeletionProtection;

impl Check for DeletionProtection {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.deletion_protection",
            title: "Databases are protected from deletion",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "Deletion protection makes a mistaken `terraform destroy` or console click fail instead of dropping the production database.",
            remediation: "Set `deletion_protection = true` on every production instance and Aurora cluster.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        each_db(
            cx,
            |d| d.deletion_protection,
            ("has deletion protection", "have deletion protection"),
            ("can be deleted in one call", "can be deleted in one call"),
        )
    }
}

pub struct ProxyInUse;

impl Check for ProxyInUse {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "aws.rds.proxy_in_use",
            title: "RDS Proxy pools database connections",
            source: Source::Aws,
            applies: Applies::Always,
            rationale: "A pool in front of the database keeps connection storms (autoscaled pods, Lambda) from exhausting it and shortens failovers; the roadmap names connection pooling.",
            remediation: "Put an RDS Proxy (`aws_db_proxy` with a target group on the database) in front of the primary and point the application at the proxy endpoint, or run ProxySQL or PgBouncer.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let (aws, dbs) = match databases(cx, &[&ops::RDS_DESCRIBE_DB_PROXIES]) {
            Ok(x) => x,
            Err(f) => return f,
        };
        let proxies: Vec<_> = aws.rds.proxies.iter().collect();
        let Some(p) = proxies.iter().find(|p| p.status == "available").or(proxies.first()) else {
            return Finding::fail(format!(
                "no RDS Proxy in front of {}",
                names(dbs.iter().map(|d| d.res.name.as_str()))
            ));
        };
        let evidence = proxies
            .iter()
            .take(3)
            .map(|p| cloud("rds", &p.res, &ops::RDS_DESCRIBE_DB_PROXIES, format!("{}, {}", p.engine_family, p.status)));
        let f = if p.status == "available" {
            Finding::pass(format!("RDS Proxy `{}` ({}) is available in {}", p.res.name, p.engine_family, p.res.region))
        } else {
            Finding::partial(0.5, format!("RDS Proxy `{}` exists but is {}", p.res.name, p.status))
        };
        f.with(evidence)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cloud::testing::*;
    use crate::facts::aws::call::Failure;
    use crate::facts::aws::rds::Proxy;
    use crate::model::Status;

    fn db(name: &str) -> Instance {
        Instance {
            res: res(name),
            engine: "mysql".into(),
            engine_version: "8.0.39".into(),
            status: "available".into(),
            class: "db.r6g.large".into(),
            multi_az: true,
            backup_retention_days: 14,
            encrypted: true,
            deletion_protection: true,
            replica_of: None,
            replicas: vec![],
            cluster: None,
        }
    }

    fn with(instances: Vec<Instance>) -> Option<AwsFacts> {
        let mut a = empty();
        a.rds.instances = instances;
        Some(a)
    }

    fn two(f: impl Fn(&mut Instance)) -> Option<AwsFacts> {
        let mut second = db("reporting");
        f(&mut second);
        with(vec![db("orders"), second])
    }

    fn denied_instances() -> Option<AwsFacts> {
        let mut a = empty();
        a.calls.push(denied(&ops::RDS_DESCRIBE_DB_INSTANCES));
        Some(a)
    }

    #[test]
    fn mysql_or_aurora_available() {
        let aurora = {
            let mut a = empty();
            a.rds.clusters.push(Cluster {
                res: res("core"),
                engine: "aurora-mysql".into(),
                status: "available".into(),
                members: vec![("core-1".into(), true)],
                ..Cluster::default()
            });
            Some(a)
        };
        table(
            &MysqlOrAuroraAvailable,
            vec![
                ("mysql", with(vec![db("orders")]), Status::Pass),
                ("aurora", aurora, Status::Pass),
                ("postgres", with(vec![Instance { engine: "postgres".into(), ..db("orders") }]), Status::Partial),
                ("creating", with(vec![Instance { status: "creating".into(), ..db("orders") }]), Status::Partial),
                ("none", Some(empty()), Status::Fail),
                ("denied", denied_instances(), Status::Unknown),
                ("not audited", None, Status::NotAssessed),
            ],
        );
        let f = run(&MysqlOrAuroraAvailable, denied_instances());
        assert!(f.message.contains("rds:DescribeDBInstances"), "{}", f.message);
    }

    #[test]
    fn read_replicas() {
        let mut replica = db("orders-ro");
        replica.replica_of = Some("orders".into());
        let primary = Instance { replicas: vec!["orders-ro".into()], ..db("orders") };
        let reader_cluster = {
            let mut a = empty();
            a.rds.clusters.push(Cluster {
                res: res("core"),
                engine: "aurora-mysql".into(),
                status: "available".into(),
                members: vec![("core-1".into(), true), ("core-2".into(), false)],
                ..Cluster::default()
            });
            Some(a)
        };
        table(
            &ReadReplicaPresent,
            vec![
                ("instance replica", with(vec![primary, replica]), Status::Pass),
                ("aurora reader", reader_cluster, Status::Pass),
                ("none", with(vec![db("orders")]), Status::Fail),
                ("no database", Some(empty()), Status::NotAssessed),
                ("denied", denied_instances(), Status::Unknown),
            ],
        );
    }

    #[test]
    fn per_database_properties() {
        table(
            &BackupRetention7Days,
            vec![
                ("14 days", with(vec![db("orders")]), Status::Pass),
                ("3 days", with(vec![Instance { backup_retention_days: 3, ..db("orders") }]), Status::Partial),
                ("one off", two(|i| i.backup_retention_days = 0), Status::Partial),
                ("off", with(vec![Instance { backup_retention_days: 0, ..db("orders") }]), Status::Fail),
                ("no database", Some(empty()), Status::NotAssessed),
                ("denied", denied_instances(), Status::Unknown),
            ],
        );
        table(
            &MultiAz,
            vec![
                ("multi-az", with(vec![db("orders")]), Status::Pass),
                ("one single-az", two(|i| i.multi_az = false), Status::Partial),
                ("single-az", with(vec![Instance { multi_az: false, ..db("orders") }]), Status::Fail),
                ("denied", denied_instances(), Status::Unknown),
            ],
        );
        table(
            &StorageEncrypted,
            vec![
                ("encrypted", with(vec![db("orders")]), Status::Pass),
                ("one plain", two(|i| i.encrypted = false), Status::Partial),
                ("plain", with(vec![Instance { encrypted: false, ..db("orders") }]), Status::Fail),
                ("not audited", None, Status::NotAssessed),
            ],
        );
        table(
            &DeletionProtection,
            vec![
                ("protected", with(vec![db("orders")]), Status::Pass),
                ("one unprotected", two(|i| i.deletion_protection = false), Status::Partial),
                ("unprotected", with(vec![Instance { deletion_protection: false, ..db("orders") }]), Status::Fail),
                ("denied", denied_instances(), Status::Unknown),
            ],
        );
        // a replica is judged as a replica, not as an unprotected primary
        let mut replica = db("orders-ro");
        replica.replica_of = Some("orders".into());
        replica.deletion_protection = false;
        assert_eq!(run(&DeletionProtection, with(vec![db("orders"), replica])).status, Status::Pass);
    }

    #[test]
    fn proxy() {
        let proxied = |status: &str| {
            let mut a = with(vec![db("orders")]).unwrap();
            a.rds.proxies.push(Proxy {
                res: res("orders-proxy"),
                engine_family: "MYSQL".into(),
                status: status.into(),
            });
            Some(a)
        };
        let mut unsupported = with(vec![db("orders")]).unwrap();
        unsupported.calls.push(failed(&ops::RDS_DESCRIBE_DB_PROXIES, Failure::Unsupported));
        table(
            &ProxyInUse,
            vec![
                ("available", proxied("available"), Status::Pass),
                ("creating", proxied("creating"), Status::Partial),
                ("none", with(vec![db("orders")]), Status::Fail),
                ("unsupported", Some(unsupported), Status::Unknown),
                ("no database", Some(empty()), Status::NotAssessed),
            ],
        );
    }
}
