//! Roadmap item 1.2 (database architecture): a managed database, read replicas, automated
//! backups and connection pooling.
//!
//! Terraform resources and modules come first (RDS, Aurora, Cloud SQL, Azure flexible servers),
//! then what runs the database on Kubernetes (operators, StatefulSets, Bitnami sub-charts) and in
//! compose, then application configuration (Doctrine replicas, Spring Hikari, Django routers).
//! A database server that only runs in compose is a development setup, not an architecture.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::k8s::K8sObject;
use crate::facts::manifests::Ecosystem;
use crate::facts::terraform::TfBlock;
use crate::model::{Evidence, Finding, clip};
use crate::repo::support::{
    chart_label, compose_running, container_command, containers, first_evidence, hit_evidence, hits, k8s_running,
    obj_evidence, obj_label, own_or_examples, place, service_evidence, signal_hits, signal_seen, subcharts, tf_any_key,
    tf_condition, tf_evidence, tf_label, tf_modules, tf_num, tf_resources, tf_text, tf_unknown, values_evidence,
};
use crate::repo::tools::{self, Category};

/// Managed relational databases.
pub(crate) const MANAGED: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "google_sql_database_instance",
    "google_alloydb_cluster",
    "google_spanner_instance",
    "azurerm_mssql_server",
    "azurerm_mssql_managed_instance",
    "azurerm_sql_server",
    "azurerm_mysql_flexible_server",
    "azurerm_mysql_server",
    "azurerm_postgresql_flexible_server",
    "azurerm_postgresql_server",
    "azurerm_mariadb_server",
    "digitalocean_database_cluster",
];
pub(crate) const MANAGED_MODULES: &[&str] = &[
    "terraform-aws-modules/rds",
    "terraform-google-modules/sql-db",
    "GoogleCloudPlatform/sql-db",
    "cloudposse/rds",
    "Azure/postgresql",
    "Azure/mysql",
];
/// Database server products recognised in images and sub-charts.
pub(crate) const SERVERS: &[&str] = &[
    "mysql",
    "mariadb",
    "postgres",
    "postgresql",
    "percona",
    "mongo",
    "mongodb",
    "cockroach",
    "cockroachdb",
    "timescaledb",
    "postgis",
    "mssql",
];
/// Operator-managed database clusters on Kubernetes: (API group, kind).
const OPERATOR_CLUSTERS: &[(&str, &str)] = &[
    ("postgresql.cnpg.io", "Cluster"),
    ("acid.zalan.do", "postgresql"),
    ("postgres-operator.crunchydata.com", "PostgresCluster"),
    ("mysql.oracle.com", "InnoDBCluster"),
    ("pxc.percona.com", "PerconaXtraDBCluster"),
    ("psmdb.percona.com", "PerconaServerMongoDB"),
    ("k8s.mariadb.com", "MariaDB"),
];
/// Cloud databases requested from Kubernetes (ACK, Crossplane, Config Connector).
const CLOUD_FROM_K8S: &[(&str, &str)] = &[
    ("rds.services.k8s.aws", "DBInstance"),
    ("rds.services.k8s.aws", "DBCluster"),
    ("database.aws.crossplane.io", "RDSInstance"),
    ("rds.aws.upbound.io", "Instance"),
    ("rds.aws.upbound.io", "Cluster"),
    ("sql.cnrm.cloud.google.com", "SQLInstance"),
];

fn k8s_objects<'a>(repo: &'a RepoFacts, kinds: &'a [(&str, &str)]) -> impl Iterator<Item = &'a K8sObject> + 'a {
    repo.k8s
        .objects
        .iter()
        .filter(move |o| o.location.is_project() && kinds.iter().any(|(g, k)| o.group() == *g && o.kind == *k))
}

fn db_label(b: &TfBlock) -> String {
    let engine = tf_text(b, "engine").or_else(|| tf_text(b, "database_version")).filter(|e| !e.contains('.'));
    let multi_az = b.is_true("multi_az") || tf_text(b, "settings.availability_type").as_deref() == Some("REGIONAL");
    let mut out = tf_label(b);
    match (engine, multi_az) {
        (Some(e), true) => out.push_str(&format!(" ({e}, highly available)")),
        (Some(e), false) => out.push_str(&format!(" ({e})")),
        (None, true) => out.push_str(" (highly available)"),
        (None, false) => {}
    }
    out.push_str(&tf_condition(b));
    out
}

pub struct ManagedDatabaseDeclared;

impl Check for ManagedDatabaseDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.managed_database_declared",
            title: "A managed database is declared",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A managed database (RDS, Aurora, Cloud SQL) gives failover, patching and point-in-time recovery that a database container beside the application does not.",
            remediation: "Declare the production database as code with a managed service: Terraform `aws_db_instance` (`multi_az = true`) or `aws_rds_cluster` (Aurora), `google_sql_database_instance`, or an Azure flexible server; keep compose databases for development.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (dbs, _) = tf_resources(repo, MANAGED);
        let (modules, _) = tf_modules(repo, MANAGED_MODULES);
        let managed: Vec<&TfBlock> = dbs.into_iter().chain(modules).collect();
        if let Some(b) = managed.first() {
            let more =
                if managed.len() > 1 { format!(" and {} other database(s)", managed.len() - 1) } else { String::new() };
            return Finding::pass(format!("{}{more}", db_label(b)))
                .with(managed.iter().take(3).map(|b| tf_evidence(b)));
        }
        if let Some(o) = k8s_objects(repo, CLOUD_FROM_K8S).next() {
            return Finding::pass(format!("{} requests a managed cloud database", obj_label(o)))
                .with_one(obj_evidence(o));
        }
        if let Some(o) = k8s_objects(repo, OPERATOR_CLUSTERS).next() {
            return Finding::partial(
                0.6,
                format!("{} runs the database with a Kubernetes operator, not a managed service", obj_label(o)),
            )
            .with_one(obj_evidence(o));
        }
        let on_k8s: Vec<(&K8sObject, String)> =
            k8s_running(repo, SERVERS).into_iter().filter(|(o, _)| o.location.is_project()).collect();
        if let Some((o, image)) = on_k8s.first() {
            return Finding::partial(
                0.4,
                format!(
                    "{} runs the database image `{image}` inside the cluster; no managed database is declared",
                    obj_label(o)
                ),
            )
            .with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, SERVERS).first() {
            return Finding::partial(
                0.4,
                format!("{}, which runs the database inside the cluster; no managed database is declared", sc.label()),
            )
            .with_one(sc.evidence());
        }
        let compose = compose_running(repo, SERVERS);
        if let Some(s) = compose.first() {
            return Finding::partial(
                0.25,
                format!(
                    "the database runs only as the compose service `{}` (`{}`), a development setup; no managed database is declared",
                    s.name, s.path
                ),
            )
            .with(compose.iter().take(3).map(|s| service_evidence(s)));
        }
        if let Some(unknown) = tf_unknown(repo, "a managed database is declared") {
            return unknown;
        }
        Finding::fail(
            "no database server is declared (looked for Terraform RDS, Aurora, Cloud SQL and Azure database resources, database operators, StatefulSets and sub-charts on Kubernetes, and database services in compose files)",
        )
    }
}

/// Bitnami-style `architecture: replication` in a database sub-chart's values.
fn replicated_subchart(repo: &RepoFacts) -> Option<(String, Evidence)> {
    subcharts(repo, SERVERS).into_iter().find_map(|sc| {
        let arch = sc.values.get("architecture")?;
        (arch.as_str() == Some("replication")).then(|| {
            (
                format!(
                    "the `{}` sub-chart of `{}` runs with `architecture: replication`",
                    sc.key,
                    chart_label(sc.chart)
                ),
                values_evidence(sc.chart, arch.line),
            )
        })
    })
}

/// Where reads are routed to replicas in application configuration or code.
fn app_read_routing(repo: &RepoFacts) -> Option<(String, Evidence)> {
    for path in ["doctrine.dbal.replicas", "doctrine.dbal.slaves"] {
        if let Some(f) = repo.config.symfony(path).into_iter().find(|f| !f.node.entries().is_empty()) {
            return Some((
                format!("`{}` routes Doctrine reads to replicas", f.path),
                Evidence::file(f.path.to_string(), Some(f.line)),
            ));
        }
    }
    for f in repo.config.symfony("doctrine.dbal.connections") {
        for c in f.node.entries() {
            if let Some(r) = c.value.get("replicas").filter(|r| !r.entries().is_empty()) {
                return Some((
                    format!("`{}` routes reads of the Doctrine connection `{}` to replicas", f.path, c.key),
                    Evidence::file(f.path.to_string(), Some(r.line)),
                ));
            }
        }
    }
    let h = repo.scan.project_hits("db.replicas").find(|h| {
        let t = h.text.trim_start();
        !t.starts_with("replicas:") && !h.path.ends_with(".tf") && !h.path.ends_with(".md")
    })?;
    Some((
        format!("`{}` routes reads to replicas (`{}`)", h.path, h.text),
        Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
    ))
}

pub struct ReadReplicas;

impl Check for ReadReplicas {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.read_replicas",
            title: "Reads can be served by database replicas",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Read replicas take reporting and read-heavy traffic off the primary and give a warm copy to promote; without them the primary is both the bottleneck and the single copy.",
            remediation: "Declare a replica (`replicate_source_db` on `aws_db_instance`, two or more `aws_rds_cluster_instance`s for Aurora, a Cloud SQL replica) and route reads to it (Doctrine `replicas:`, Spring `AbstractRoutingDataSource`, Django `DATABASE_ROUTERS`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (instances, _) = tf_resources(repo, &["aws_db_instance"]);
        if let Some(b) = instances.iter().find(|b| b.attr("replicate_source_db").is_some()) {
            return Finding::pass(format!(
                "{} as a read replica of `{}`",
                tf_label(b),
                tf_text(b, "replicate_source_db").unwrap_or_default()
            ))
            .with_one(tf_evidence(b));
        }
        let (sql, _) = tf_resources(repo, &["google_sql_database_instance"]);
        if let Some(b) = sql.iter().find(|b| b.attr("master_instance_name").is_some() || b.has("replica_configuration"))
        {
            return Finding::pass(format!("{} as a Cloud SQL read replica", tf_label(b))).with_one(tf_evidence(b));
        }
        let (azure, _) = tf_resources(repo, MANAGED);
        if let Some(b) = azure.iter().find(|b| {
            b.type_.starts_with("azurerm_")
                && (tf_text(b, "create_mode").as_deref() == Some("Replica") || b.attr("source_server_id").is_some())
        }) {
            return Finding::pass(format!("{} as a replica server", tf_label(b))).with_one(tf_evidence(b));
        }
        // Aurora: a writer and at least one reader
        let (aurora, _) = tf_resources(repo, &["aws_rds_cluster_instance"]);
        let literal: f64 =
            aurora.iter().map(|b| b.attr("count").map(|v| v.as_f64().unwrap_or(-1.0)).unwrap_or(1.0)).sum();
        let unreadable = aurora
            .iter()
            .find(|b| b.attr("count").is_some_and(|v| v.as_f64().is_none()) || b.attr("for_each").is_some());
        if !aurora.is_empty() && unreadable.is_none() && literal >= 2.0 {
            return Finding::pass(format!(
                "`{}` declares {literal} Aurora cluster instances, so the cluster has reader instances",
                aurora[0].path
            ))
            .with(aurora.iter().take(3).map(|b| tf_evidence(b)));
        }
        let (modules, _) = tf_modules(
            repo,
            &["terraform-aws-modules/rds", "terraform-google-modules/sql-db", "GoogleCloudPlatform/sql-db"],
        );
        for b in &modules {
            let readers = b
                .attrs
                .iter()
                .filter(|(k, _)| k.strip_prefix("instances.").is_some_and(|rest| !rest.contains('.')))
                .count();
            if readers >= 2
                || b.attr("replicate_source_db").is_some()
                || b.has("read_replicas")
                || tf_num(b, "replica_count").is_some_and(|n| n >= 1.0)
                || b.is_true("autoscaling_enabled")
            {
                return Finding::pass(format!("{} with read replicas", tf_label(b))).with_one(tf_evidence(b));
            }
        }
        if let Some((what, ev)) = app_read_routing(repo) {
            return Finding::pass(what).with_one(ev);
        }
        if let Some(o) = k8s_objects(repo, OPERATOR_CLUSTERS)
            .find(|o| o.doc.at("spec.instances").and_then(|n| n.as_f64()).unwrap_or(0.0) >= 2.0)
        {
            return Finding::pass(format!(
                "{} runs several database instances, with replicas serving reads",
                obj_label(o)
            ))
            .with_one(obj_evidence(o));
        }
        if let Some(b) = unreadable {
            return Finding::partial(
                0.5,
                format!("`{}` declares Aurora instances with a count that cannot be read (`{}`)", b.path, b.label()),
            )
            .with_one(tf_evidence(b));
        }
        if let Some((what, ev)) = replicated_subchart(repo) {
            return Finding::partial(0.6, format!("{what}, but nothing routes reads to the replicas")).with_one(ev);
        }
        if let Some(unknown) = tf_unknown(repo, "read replicas are declared") {
            return unknown;
        }
        Finding::fail(
            "no read replica is declared and no read routing is configured (looked for `replicate_source_db`, several `aws_rds_cluster_instance`s, Cloud SQL and Azure replicas, Doctrine `replicas:`, `AbstractRoutingDataSource` and Django `DATABASE_ROUTERS`)",
        )
    }
}

/// How a Terraform database keeps automated backups: (score, description).
fn retention(b: &TfBlock) -> (f64, String) {
    let name = b.label();
    match b.type_.as_str() {
        "google_sql_database_instance" => {
            if b.is_true("settings.backup_configuration.enabled") {
                (1.0, format!("`{name}` has automated backups enabled"))
            } else {
                (0.0, format!("`{name}` does not enable `settings.backup_configuration`"))
            }
        }
        t if t.starts_with("azurerm_") => match tf_num(b, "backup_retention_days") {
            Some(d) if d < 7.0 => (0.5, format!("`{name}` keeps backups only {d} days")),
            Some(d) => (1.0, format!("`{name}` keeps backups {d} days")),
            None => (1.0, format!("`{name}` keeps Azure's default 7 days of backups")),
        },
        _ => {
            let attr = tf_any_key(b, "backup_retention_period").or_else(|| tf_any_key(b, "backup_retention_days"));
            match attr {
                Some(v) => match v.as_f64() {
                    Some(d) if d >= 7.0 => (1.0, format!("`{name}` keeps automated backups {d} days")),
                    Some(0.0) => (0.0, format!("`{name}` disables automated backups (`backup_retention_period = 0`)")),
                    Some(d) => (0.5, format!("`{name}` keeps automated backups only {d} day(s)")),
                    None => {
                        (0.6, format!("`{name}` sets the backup retention from `{}`, which cannot be read", v.text()))
                    }
                },
                None => (0.4, format!("`{name}` does not set `backup_retention_period`, so AWS keeps backups 1 day")),
            }
        }
    }
}

pub struct BackupsAutomated;

impl Check for BackupsAutomated {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.backups_automated",
            title: "Database backups are automated",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Backups taken by hand are forgotten; automated backups kept for at least a week are what makes a bad migration or a deleted table recoverable.",
            remediation: "Set `backup_retention_period` to 7 days or more on RDS/Aurora (or enable Cloud SQL `backup_configuration`), add an `aws_backup_plan`, or schedule `pg_dump`/`mysqldump` in a Kubernetes CronJob or Velero `Schedule`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (plans, _) = tf_resources(repo, &["aws_backup_plan"]);
        if let Some(b) = plans.first() {
            return Finding::pass(format!("{}, an AWS Backup plan", tf_label(b))).with_one(tf_evidence(b));
        }
        let (dbs, _) = tf_resources(repo, MANAGED);
        let (modules, _) = tf_modules(repo, MANAGED_MODULES);
        let judged: Vec<(&TfBlock, (f64, String))> = dbs
            .into_iter()
            .chain(modules)
            .filter(|b| !matches!(b.type_.as_str(), "google_spanner_instance" | "azurerm_mssql_managed_instance"))
            .map(|b| (b, retention(b)))
            .collect();
        if !judged.is_empty() {
            let worst = judged.iter().min_by(|a, b| a.1.0.total_cmp(&b.1.0)).expect("not empty");
            let ev: Vec<Evidence> = judged.iter().take(3).map(|(b, _)| tf_evidence(b)).collect();
            if worst.1.0 >= 1.0 {
                let names: Vec<String> = judged.iter().map(|(_, (_, d))| d.clone()).collect();
                return Finding::pass(names.join("; ")).with(ev);
            }
            if worst.1.0 > 0.0 || judged.iter().any(|(_, (s, _))| *s > 0.0) {
                return Finding::partial(worst.1.0.max(0.3), format!("{} (`{}`)", worst.1.1, worst.0.path)).with(ev);
            }
        }
        if let Some(o) = repo.k8s.objects.iter().find(|o| {
            o.location.is_project()
                && ((o.group() == "velero.io" && o.kind == "Schedule")
                    || (o.group() == "postgresql.cnpg.io" && o.kind == "ScheduledBackup")
                    || (o.group() == "postgresql.cnpg.io" && o.kind == "Cluster" && o.doc.at("spec.backup").is_some()))
        }) {
            return Finding::pass(format!("{} schedules backups", obj_label(o))).with_one(obj_evidence(o));
        }
        let cron = repo.k8s.objects.iter().filter(|o| o.location.is_project() && o.kind == "CronJob").find_map(|o| {
            containers(o).iter().find_map(|c| {
                let cmd = container_command(c);
                tools::commands_of([cmd.as_str()], Category::DatabaseBackup)
                    .into_iter()
                    .next()
                    .map(|(_, command)| (o, clip(&command, 60)))
            })
        });
        if let Some((o, tool)) = cron {
            return Finding::pass(format!("{} runs `{tool}` on a schedule", obj_label(o))).with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, SERVERS)
            .into_iter()
            .find(|sc| sc.values.at("backup.enabled").and_then(|n| n.as_bool()) == Some(true))
        {
            return Finding::pass(format!("{} with `backup.enabled: true`", sc.label())).with_one(sc.evidence());
        }
        if let Some(h) = hits(repo, Category::DatabaseBackup).iter().find(|h| h.pipeline.scheduled) {
            return Finding::pass(format!(
                "the scheduled pipeline `{}` runs `{}`",
                h.pipeline.path,
                clip(&h.command, 60)
            ))
            .with_one(Evidence::file(h.step.path.clone(), Some(h.step.line)));
        }
        if let Some(s) =
            compose_running(repo, &["backup", "db-backup", "postgres-backup-local", "mysql-backup"]).first()
        {
            return Finding::partial(
                0.3,
                format!("the compose service `{}` (`{}`) takes backups, but compose is not production", s.name, s.path),
            )
            .with_one(service_evidence(s));
        }
        if let Some((b, (_, what))) = judged.first() {
            return Finding::fail(format!("{what} (`{}`), and no other backup is scheduled", b.path))
                .with_one(tf_evidence(b));
        }
        if let Some(unknown) = tf_unknown(repo, "backups are automated") {
            return unknown;
        }
        Finding::fail(
            "no automated database backup was found (looked for `backup_retention_period`, Cloud SQL `backup_configuration`, `aws_backup_plan`, Velero and CloudNativePG schedules, CronJobs running pg_dump or mysqldump, and scheduled CI jobs)",
        )
    }
}

const POOLERS: &[&str] = &["pgbouncer", "proxysql", "odyssey", "pgcat", "pgpool", "pgpool2", "supavisor"];

/// Spring Boot data starters, which pool connections with HikariCP by default.
fn spring_data(repo: &RepoFacts) -> Option<&crate::facts::manifests::Dependency> {
    [Ecosystem::Maven, Ecosystem::Gradle].into_iter().find_map(|eco| {
        repo.manifests
            .find(eco, |n| n.ends_with(":spring-boot-starter-data-jpa") || n.ends_with(":spring-boot-starter-jdbc"))
            .next()
    })
}

pub struct ConnectionPooling;

impl Check for ConnectionPooling {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.connection_pooling",
            title: "Database connections are pooled",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Opening a connection per request exhausts the database's connection limit long before its CPU; a pool (in the application or a proxy such as RDS Proxy or PgBouncer) keeps connections few and reused.",
            remediation: "Put RDS Proxy (`aws_db_proxy`), PgBouncer or ProxySQL in front of the database, or size the application's pool explicitly (`spring.datasource.hikari.maximum-pool-size`, SQLAlchemy `pool_size`, `SetMaxOpenConns`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (proxies, _) = tf_resources(repo, &["aws_db_proxy"]);
        if let Some(b) = proxies.first() {
            return Finding::pass(format!("{}, an RDS Proxy", tf_label(b))).with_one(tf_evidence(b));
        }
        if let Some(o) = k8s_objects(repo, &[("postgresql.cnpg.io", "Pooler")]).next() {
            return Finding::pass(format!("{} pools connections with PgBouncer", obj_label(o)))
                .with_one(obj_evidence(o));
        }
        if let Some((o, image)) = k8s_running(repo, POOLERS).into_iter().find(|(o, _)| o.location.is_project()) {
            return Finding::pass(format!("{} runs the connection pooler `{image}`", obj_label(o)))
                .with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, POOLERS).first() {
            return Finding::pass(sc.label()).with_one(sc.evidence());
        }
        if let Some(s) = compose_running(repo, POOLERS).first() {
            return Finding::pass(format!(
                "the compose service `{}` (`{}`) pools database connections",
                s.name, s.path
            ))
            .with_one(service_evidence(s));
        }
        if let Some(f) = repo.config.spring("spring.datasource.hikari").into_iter().next() {
            return Finding::pass(format!("`{}` sizes the HikariCP connection pool", f.path))
                .with_one(Evidence::file(f.path.to_string(), Some(f.line)));
        }
        let spring_flat = repo.config.docs.iter().find_map(|d| {
            d.root
                .entries()
                .iter()
                .find(|e| e.key.starts_with("spring.datasource.hikari."))
                .map(|e| (d.path.clone(), e.line))
        });
        if let Some((path, line)) = spring_flat {
            return Finding::pass(format!("`{path}` sizes the HikariCP connection pool"))
                .with_one(Evidence::file(path, Some(line)));
        }
        // a CI job that installs a pooler sets up its tests, not the service's database
        if let Some(h) = repo
            .scan
            .project_hits("db.pooling")
            .find(|h| !h.path.ends_with(".md") && !crate::repo::support::is_ci_path(&h.path))
        {
            return Finding::pass(format!("`{}` configures a connection pool (`{}`)", h.path, h.text))
                .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        if let Some(d) = spring_data(repo) {
            return Finding::partial(
                0.5,
                format!(
                    "`{}` uses `{}`, which pools connections with HikariCP's defaults; the pool is not sized for the database",
                    d.manifest, d.name
                ),
            )
            .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        if let Some(unknown) = tf_unknown(repo, "connections are pooled") {
            return unknown;
        }
        Finding::fail(
            "no connection pooling was found (looked for RDS Proxy, PgBouncer, ProxySQL and CloudNativePG poolers, Spring Hikari settings and pool sizes in application code)",
        )
    }
}

/// Database dependencies: ORMs, drivers and migration tools, by ecosystem.
fn database_dependency(repo: &RepoFacts) -> Option<String> {
    let names: &[(Ecosystem, &[&str])] = &[
        (
            Ecosystem::Composer,
            &[
                "doctrine/orm",
                "doctrine/dbal",
                "doctrine/doctrine-bundle",
                "illuminate/database",
                "laravel/framework",
                "propel/propel",
            ],
        ),
        (
            Ecosystem::Npm,
            &[
                "pg",
                "mysql",
                "mysql2",
                "sqlite3",
                "better-sqlite3",
                "mongoose",
                "mongodb",
                "typeorm",
                "prisma",
                "@prisma/client",
                "sequelize",
                "knex",
                "drizzle-orm",
                "@mikro-orm/core",
            ],
        ),
        (
            Ecosystem::Pypi,
            &[
                "django",
                "sqlalchemy",
                "flask-sqlalchemy",
                "psycopg2",
                "psycopg2-binary",
                "psycopg",
                "pymysql",
                "mysqlclient",
                "asyncpg",
                "peewee",
                "tortoise-orm",
                "pymongo",
                "alembic",
                "sqlmodel",
            ],
        ),
        (
            Ecosystem::Cargo,
            &["sqlx", "diesel", "sea-orm", "rusqlite", "tokio-postgres", "postgres", "mysql", "mysql_async", "mongodb"],
        ),
        (
            Ecosystem::Go,
            &[
                "gorm.io/gorm",
                "github.com/jackc/pgx/v5",
                "github.com/jackc/pgx/v4",
                "github.com/lib/pq",
                "github.com/go-sql-driver/mysql",
                "entgo.io/ent",
                "github.com/jmoiron/sqlx",
                "go.mongodb.org/mongo-driver",
                "cloud.google.com/go/spanner",
            ],
        ),
    ];
    for (eco, list) in names {
        if let Some(d) = list.iter().find_map(|n| repo.manifests.has(*eco, n)) {
            return Some(format!("`{}` (`{}`)", d.name, d.manifest));
        }
    }
    let java = [
        "spring-boot-starter-data-jpa",
        "spring-boot-starter-jdbc",
        "hibernate-core",
        "mysql-connector",
        "postgresql",
        "flyway-core",
        "liquibase-core",
        "spring-boot-starter-data-mongodb",
    ];
    [Ecosystem::Maven, Ecosystem::Gradle].into_iter().find_map(|eco| {
        repo.manifests
            .find(eco, |n| java.iter().any(|j| n.rsplit(':').next().is_some_and(|a| a.starts_with(j))))
            .next()
            .map(|d| format!("`{}` (`{}`)", d.name, d.manifest))
    })
}

/// Whether the project uses a database at all, and the first sign of it.
fn database_use(repo: &RepoFacts) -> Option<String> {
    if let Some(d) = database_dependency(repo) {
        return Some(d);
    }
    let (tf, _) = tf_resources(repo, MANAGED);
    if let Some(b) = tf.first() {
        return Some(format!("`{}`", b.label()));
    }
    if let Some(s) = compose_running(repo, SERVERS).first() {
        return Some(format!("the compose service `{}`", s.name));
    }
    if let Some((o, _)) = k8s_running(repo, SERVERS).into_iter().find(|(o, _)| o.location.is_project()) {
        return Some(obj_label(o));
    }
    if let Some(f) = repo.config.symfony("doctrine.dbal").first() {
        return Some(format!("Doctrine DBAL in `{}`", f.path));
    }
    if let Some(f) = repo.config.spring("spring.datasource").first() {
        return Some(format!("a Spring datasource in `{}`", f.path));
    }
    None
}

pub struct IndexesDeclared;

impl Check for IndexesDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.indexes_declared",
            title: "Database indexes are declared with the schema",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Queries that filter or join on unindexed columns scan whole tables and slow down as data grows; indexes declared in mappings or migrations are reviewed and deployed with the schema.",
            remediation: "Declare indexes for the columns queries filter, join and sort on, in the ORM mapping (`#[ORM\\Index]`, `@Index`, `models.Index`, `add_index`) or a migration (`CREATE INDEX`), and check slow queries with EXPLAIN.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let ids = ["db.index", "db.index_sql", "db.index_more", "db.index_rails"];
        let own = signal_hits(repo, &ids, &[Location::Project]);
        if let Some(h) = own.first() {
            let mut files: Vec<&str> = own.iter().map(|h| h.path.as_str()).collect();
            files.sort_unstable();
            files.dedup();
            return Finding::pass(format!(
                "indexes are declared in {} file(s), such as `{}` (`{}`)",
                files.len(),
                h.path,
                clip(&h.text, 80)
            ))
            .with(first_evidence(own.iter().map(|h| hit_evidence(h)), 3));
        }
        let unique = signal_hits(repo, &["db.unique_constraint"], &[Location::Project]);
        if let Some(h) = unique.first() {
            return Finding::fail(format!(
                "only unique constraints are declared (such as `{}` in `{}`): they keep the data consistent, but no index is declared for the queries (looked for ORM index mappings, `CREATE INDEX`, inline SQL indexes and migration index calls)",
                clip(&h.text, 80),
                h.path
            ))
            .with(first_evidence(unique.iter().map(|h| hit_evidence(h)), 3));
        }
        let Some(uses) = database_use(repo) else {
            return Finding::not_assessed(
                "the project uses no database (no ORM or driver dependency, database service or datasource configuration)",
            );
        };
        let others = signal_hits(repo, &ids, &[Location::Test, Location::Example]);
        if let Some(h) = others.first() {
            return Finding::partial(
                0.3,
                format!(
                    "the project uses a database ({uses}) but indexes are declared only in {} code (`{}`)",
                    place(h.location),
                    h.path
                ),
            )
            .with_one(hit_evidence(h));
        }
        Finding::fail(format!(
            "the project uses a database ({uses}) but declares no index (looked for ORM index mappings, `CREATE INDEX` and inline indexes in SQL, migration index calls and Liquibase changesets)"
        ))
    }
}

pub struct QueryMonitoring;

impl Check for QueryMonitoring {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.query_monitoring",
            title: "Slow and expensive queries are recorded",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Query optimisation starts from evidence: pg_stat_statements, MySQL's performance schema or a slow query log show which queries cost the most, so indexes and rewrites go where they matter.",
            remediation: "Enable query statistics on the database (`shared_preload_libraries = 'pg_stat_statements'`, `performance_schema = ON`, `slow_query_log` with `long_query_time`, or `log_min_duration_statement`), and scrape them with a database exporter or an APM such as pganalyze or Performance Insights (`performance_insights_enabled = true` on RDS).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (insights, _) = tf_resources(repo, &["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"]);
        if let Some(b) = insights.iter().find(|b| tf_text(b, "performance_insights_enabled").as_deref() == Some("true"))
        {
            return Finding::pass(format!("{} enables Performance Insights", tf_label(b))).with_one(tf_evidence(b));
        }
        let own = signal_hits(repo, &["db.query_monitoring"], &[Location::Project]);
        if let Some(h) = own.first() {
            return Finding::pass(format!("`{}` records query statistics (`{}`)", h.path, clip(&h.text, 80)))
                .with(first_evidence(own.iter().map(|h| hit_evidence(h)), 3));
        }
        let Some(uses) = database_use(repo) else {
            return Finding::not_assessed(
                "the project uses no database (no ORM or driver dependency, database service or datasource configuration)",
            );
        };
        Finding::fail(format!(
            "the project uses a database ({uses}) but nothing records slow or expensive queries (looked for pg_stat_statements, auto_explain, `log_min_duration_statement`, the MySQL performance schema and slow query log, Postgres and MySQL exporters, pganalyze and RDS Performance Insights)"
        ))
    }
}

pub struct QueryOptimization;

impl Check for QueryOptimization {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.db.query_optimization",
            title: "Queries are optimised: N+1 queries are caught and query plans checked",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Indexes and query statistics do not stop an ORM from issuing one query per row. Tests that fail on N+1 queries or on a query count, and plans read with EXPLAIN, keep query optimisation from regressing with every change.",
            remediation: "Detect N+1 queries in development and tests (nplusone, Bullet or Prosopite, `Model::preventLazyLoading()`, `assertNumQueries`, Hibernate statistics with a statement-count assertion) and check the plans of the critical queries with `EXPLAIN` in tests or CI.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = signal_seen(repo, &["db.n_plus_one"]);
        // a plan read in a test or a CI job is a check; one in application code is a diagnostic
        seen.extend(
            signal_seen(repo, &["db.explain"])
                .into_iter()
                .filter(|s| s.location == Location::Test || crate::repo::support::is_ci_path(&s.path)),
        );
        if let Some(f) = own_or_examples(&seen, "queries are checked for N+1 patterns or their plans") {
            return f;
        }
        let Some(uses) = database_use(repo) else {
            return Finding::not_assessed(
                "the project uses no database (no ORM or driver dependency, database service or datasource configuration)",
            );
        };
        Finding::fail(format!(
            "the project uses a database ({uses}) but nothing catches N+1 queries or checks query plans (looked for nplusone, Bullet, Prosopite, Laravel's `preventLazyLoading`, query-count assertions such as `assertNumQueries`, Hibernate statistics, and `EXPLAIN` in tests or CI)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    const RDS: &str = "resource \"aws_db_instance\" \"main\" {\n  engine = \"postgres\"\n  multi_az = true\n  backup_retention_period = 14\n}\n";

    #[test]
    fn managed_database() {
        for (name, files, want) in [
            ("rds", vec![("infra/rds.tf", RDS)], Status::Pass),
            (
                "aurora module",
                vec![("infra/db.tf", "module \"db\" {\n  source = \"terraform-aws-modules/rds-aurora/aws\"\n}\n")],
                Status::Pass,
            ),
            (
                "cloudnativepg",
                vec![(
                    "k8s/db.yaml",
                    "apiVersion: postgresql.cnpg.io/v1\nkind: Cluster\nmetadata:\n  name: db\nspec:\n  instances: 3\n",
                )],
                Status::Partial,
            ),
            (
                "statefulset",
                vec![(
                    "k8s/db.yaml",
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  template:\n    spec:\n      containers:\n        - name: db\n          image: mysql:8\n",
                )],
                Status::Partial,
            ),
            (
                "bitnami sub-chart",
                vec![
                    ("helm/app/Chart.yaml", "apiVersion: v2\nname: app\n"),
                    ("helm/app/values.yaml", "postgresql:\n  enabled: true\n"),
                ],
                Status::Partial,
            ),
            ("compose", vec![("compose.yaml", "services:\n  database:\n    image: postgres:16\n")], Status::Partial),
            (
                "disabled sub-chart",
                vec![
                    ("helm/app/Chart.yaml", "name: app\n"),
                    ("helm/app/values.yaml", "postgresql:\n  enabled: false\n"),
                ],
                Status::Fail,
            ),
            ("example compose", vec![("examples/compose.yaml", "services:\n  db:\n    image: mysql\n")], Status::Fail),
            ("sqlite", vec![(".env", "DATABASE_URL=sqlite:///%kernel.project_dir%/data/app.db\n")], Status::Fail),
            ("commented", vec![("infra/rds.tf", "# resource \"aws_db_instance\" \"main\" {}\n")], Status::Fail),
            ("broken", vec![("infra/rds.tf", "resource \"aws_db_instance\" {")], Status::Unknown),
        ] {
            let f = run(&ManagedDatabaseDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn replicas() {
        for (name, files, want) in [
            (
                "rds replica",
                vec![(
                    "rds.tf",
                    "resource \"aws_db_instance\" \"main\" {}\nresource \"aws_db_instance\" \"replica\" {\n  replicate_source_db = aws_db_instance.main.identifier\n}\n",
                )],
                Status::Pass,
            ),
            (
                "aurora two",
                vec![("aurora.tf", "resource \"aws_rds_cluster_instance\" \"i\" {\n  count = 2\n}\n")],
                Status::Pass,
            ),
            (
                "aurora one",
                vec![("aurora.tf", "resource \"aws_rds_cluster_instance\" \"i\" {\n  count = 1\n}\n")],
                Status::Fail,
            ),
            (
                "aurora var",
                vec![("aurora.tf", "resource \"aws_rds_cluster_instance\" \"i\" {\n  count = var.n\n}\n")],
                Status::Partial,
            ),
            (
                "doctrine replicas",
                vec![(
                    "config/packages/doctrine.yaml",
                    "doctrine:\n  dbal:\n    url: '%env(DATABASE_URL)%'\n    replicas:\n      replica1:\n        url: '%env(REPLICA_URL)%'\n",
                )],
                Status::Pass,
            ),
            (
                "spring routing",
                vec![(
                    "src/main/java/app/RoutingDataSource.java",
                    "class RoutingDataSource extends AbstractRoutingDataSource {}\n",
                )],
                Status::Pass,
            ),
            (
                "k8s replicas are not database replicas",
                vec![(
                    "k8s/web.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n",
                )],
                Status::Fail,
            ),
            (
                "bitnami replication",
                vec![
                    ("helm/Chart.yaml", "name: app\n"),
                    ("helm/values.yaml", "postgresql:\n  architecture: replication\n"),
                ],
                Status::Partial,
            ),
            ("nothing", vec![("infra/rds.tf", RDS)], Status::Fail),
            ("broken", vec![("infra/rds.tf", "resource {")], Status::Unknown),
        ] {
            let f = run(&ReadReplicas, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn backups() {
        let cronjob = "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: backup\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n            - name: dump\n              image: postgres:16\n              command: [\"sh\", \"-c\", \"pg_dump $DATABASE_URL | gzip > /backup/db.gz\"]\n";
        for (name, files, want) in [
            ("retention 14", vec![("rds.tf", RDS)], Status::Pass),
            (
                "retention 3",
                vec![("rds.tf", "resource \"aws_db_instance\" \"m\" {\n  backup_retention_period = 3\n}\n")],
                Status::Partial,
            ),
            (
                "retention var",
                vec![("rds.tf", "resource \"aws_rds_cluster\" \"m\" {\n  backup_retention_period = var.days\n}\n")],
                Status::Partial,
            ),
            (
                "retention unset",
                vec![("rds.tf", "resource \"aws_db_instance\" \"m\" {\n  engine = \"mysql\"\n}\n")],
                Status::Partial,
            ),
            (
                "retention 0",
                vec![("rds.tf", "resource \"aws_db_instance\" \"m\" {\n  backup_retention_period = 0\n}\n")],
                Status::Fail,
            ),
            (
                "backup plan",
                vec![("backup.tf", "resource \"aws_backup_plan\" \"p\" {\n  name = \"daily\"\n}\n")],
                Status::Pass,
            ),
            ("cronjob pg_dump", vec![("k8s/backup.yaml", cronjob)], Status::Pass),
            (
                "velero",
                vec![("k8s/velero.yaml", "apiVersion: velero.io/v1\nkind: Schedule\nmetadata:\n  name: daily\n")],
                Status::Pass,
            ),
            ("example cronjob", vec![("examples/backup.yaml", cronjob)], Status::Fail),
            ("nothing", vec![], Status::Fail),
            ("broken", vec![("rds.tf", "resource {")], Status::Unknown),
        ] {
            let f = run(&BackupsAutomated, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn pooling() {
        for (name, files, want) in [
            (
                "rds proxy",
                vec![("proxy.tf", "resource \"aws_db_proxy\" \"p\" {\n  engine_family = \"POSTGRESQL\"\n}\n")],
                Status::Pass,
            ),
            (
                "pgbouncer compose",
                vec![("compose.yaml", "services:\n  pooler:\n    image: edoburu/pgbouncer:1.21\n")],
                Status::Pass,
            ),
            (
                "hikari",
                vec![(
                    "src/main/resources/application.yml",
                    "spring:\n  datasource:\n    hikari:\n      maximum-pool-size: 20\n",
                )],
                Status::Pass,
            ),
            (
                "hikari properties",
                vec![("src/main/resources/application.properties", "spring.datasource.hikari.maximum-pool-size=20\n")],
                Status::Pass,
            ),
            (
                "sqlalchemy",
                vec![("app/db.py", "engine = create_engine(url, pool_size=10, max_overflow=5)\n")],
                Status::Pass,
            ),
            (
                "a pooler installed for the integration tests of a CI job",
                vec![(
                    ".github/workflows/integration-tests.yml",
                    "on: push\njobs:\n  t:\n    steps:\n      - name: Install pgbouncer # тесты\n        run: sudo apt-get install pgbouncer\n",
                )],
                Status::Fail,
            ),
            (
                "spring default pool",
                vec![(
                    "pom.xml",
                    "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-data-jpa</artifactId></dependency></dependencies></project>",
                )],
                Status::Partial,
            ),
            ("commented", vec![("app/db.py", "# engine = create_engine(url, pool_size=10)\n")], Status::Fail),
            (
                "lockfile only",
                vec![("package-lock.json", "{\"packages\":{\"node_modules/pgbouncer\":{\"poolSize\":1}}}\n")],
                Status::Fail,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&ConnectionPooling, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn indexes() {
        let entity = "<?php\n#[ORM\\Entity]\n#[ORM\\Index(columns: ['slug'])]\nclass Post {}\n";
        for (name, files, want) in [
            (
                "doctrine",
                vec![("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#), ("src/Entity/Post.php", entity)],
                Status::Pass,
            ),
            (
                "sql inline",
                vec![(
                    "src/main/resources/db/mysql/schema.sql",
                    "CREATE TABLE vets (\n  id INT,\n  INDEX(last_name)\n);\n",
                )],
                Status::Pass,
            ),
            (
                "db without index",
                vec![
                    ("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#),
                    ("src/Entity/Post.php", "<?php\n#[ORM\\Entity]\nclass Post {}\n"),
                ],
                Status::Fail,
            ),
            (
                "only in tests",
                vec![("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#), ("tests/Entity/Post.php", entity)],
                Status::Partial,
            ),
            (
                "unique constraints are not an indexing strategy",
                vec![
                    ("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#),
                    ("src/Entity/Tag.php", "<?php\n#[ORM\\Column(type: Types::STRING, unique: true)]\n"),
                ],
                Status::Fail,
            ),
            (
                "a unique index in a migration is still an index",
                vec![("migrations/V1.php", "$this->addSql('CREATE UNIQUE INDEX UNIQ_1 ON book (isbn)');\n")],
                Status::Pass,
            ),
            (
                "commented",
                vec![
                    ("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#),
                    ("migrations/1.sql", "-- CREATE INDEX idx ON t (a);\n"),
                ],
                Status::Fail,
            ),
            (
                "no database",
                vec![("package.json", r#"{"private":true,"dependencies":{"express":"4"}}"#)],
                Status::NotAssessed,
            ),
            (
                "lockfile mention only",
                vec![
                    ("composer.json", r#"{"type":"project","require":{"symfony/framework-bundle":"^7"}}"#),
                    ("composer.lock", r#"{"packages":[{"name":"doctrine/orm"}]}"#),
                ],
                Status::NotAssessed,
            ),
        ] {
            let f = run(&IndexesDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn query_monitoring() {
        let orm = ("composer.json", r#"{"require":{"doctrine/orm":"^3"}}"#);
        for (name, files, want) in [
            (
                "pg_stat_statements",
                vec![orm, ("docker/postgres/init.sql", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n")],
                Status::Pass,
            ),
            ("mysql slow log", vec![orm, ("docker/mysql/my.cnf", "[mysqld]\nslow_query_log = 1\n")], Status::Pass),
            (
                "performance insights",
                vec![(
                    "infra/rds.tf",
                    "resource \"aws_db_instance\" \"db\" {\n  performance_insights_enabled = true\n}\n",
                )],
                Status::Pass,
            ),
            (
                "insights off",
                vec![(
                    "infra/rds.tf",
                    "resource \"aws_db_instance\" \"db\" {\n  performance_insights_enabled = false\n}\n",
                )],
                Status::Fail,
            ),
            ("a database, no monitoring", vec![orm], Status::Fail),
            ("mentioned in docs only", vec![orm, ("docs/db.md", "enable pg_stat_statements\n")], Status::Fail),
            ("no database", vec![("README.md", "hello\n")], Status::NotAssessed),
        ] {
            let f = run(&QueryMonitoring, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn query_optimization() {
        let orm = ("compose.yaml", "services:\n  db:\n    image: postgres:16\n");
        for (name, files, want) in [
            ("nplusone", vec![orm, ("shop/settings.py", "INSTALLED_APPS += ['nplusone.ext.django']\n")], Status::Pass),
            (
                "query count test",
                vec![orm, ("tests/test_views.py", "        with self.assertNumQueries(3):\n")],
                Status::Pass,
            ),
            (
                "explain in a test",
                vec![orm, ("tests/test_plans.py", "plan = cur.execute('EXPLAIN ANALYZE SELECT * FROM orders')\n")],
                Status::Pass,
            ),
            (
                "explain in application code",
                vec![orm, ("shop/debug.py", "plan = cur.execute('EXPLAIN ANALYZE SELECT * FROM orders')\n")],
                Status::Fail,
            ),
            ("example only", vec![orm, ("examples/settings.py", "NPLUSONE_RAISE = True\n")], Status::Partial),
            ("lockfile mention", vec![orm, ("Gemfile.lock", "    bullet (7.0.1)\n")], Status::Fail),
            ("commented", vec![orm, ("shop/settings.py", "# NPLUSONE_RAISE = True\n")], Status::Fail),
            ("no database", vec![], Status::NotAssessed),
        ] {
            assert_eq!(run(&QueryOptimization, &files).status, want, "{name}");
        }
    }
}
