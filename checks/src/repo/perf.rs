//! Performance and scalability checks (roadmap items 5.1 database optimisation, 5.2 caching
//! strategy, 5.3 auto-scaling and load testing).
//!
//! Indexes and cache use are read from the content scan (ORM mappings, migrations, cache
//! annotations) because that is where they live; autoscaling from Kubernetes objects, Helm
//! charts and Terraform; load tests from the scripts found in the tree and the CI steps that run
//! them. A load-test tool mentioned in a README or an autoscaler switched off in a chart's values
//! is not evidence of the practice.

use super::infra::{
    chart_label, charts_declaring, compose_running, first_evidence, k8s_running, obj_evidence, obj_label, subcharts,
    tf_evidence, tf_label, tf_modules, tf_num, tf_resources, tf_text, values_evidence,
};
use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::k8s::K8sObject;
use crate::facts::manifests::Ecosystem;
use crate::facts::scan::Hit;
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding, clip};
use regex::Regex;
use std::sync::LazyLock;

fn hit_evidence(h: &Hit) -> Evidence {
    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone())
}

/// Live hits of these signals outside documentation, in path order per signal.
fn hits_of<'a>(repo: &'a RepoFacts, ids: &'a [&'a str], locations: &'a [Location]) -> Vec<&'a Hit> {
    ids.iter()
        .flat_map(|id| repo.scan.hits(id))
        .filter(|h| locations.contains(&h.location) && !h.path.ends_with(".md"))
        .collect()
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
    let (tf, _) = tf_resources(repo, super::infra::db::MANAGED);
    if let Some(b) = tf.first() {
        return Some(format!("`{}`", b.label()));
    }
    if let Some(s) = compose_running(repo, super::infra::db::SERVERS).first() {
        return Some(format!("the compose service `{}`", s.name));
    }
    if let Some((o, _)) =
        k8s_running(repo, super::infra::db::SERVERS).into_iter().find(|(o, _)| o.location.is_project())
    {
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
        let own = hits_of(repo, &ids, &[Location::Project]);
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
        let unique = hits_of(repo, &["db.unique_constraint"], &[Location::Project]);
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
        let others = hits_of(repo, &ids, &[Location::Test, Location::Example]);
        if let Some(h) = others.first() {
            return Finding::partial(
                0.3,
                format!(
                    "the project uses a database ({uses}) but indexes are declared only in {} code (`{}`)",
                    super::infra::place(h.location),
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
        let own = hits_of(repo, &["db.query_monitoring"], &[Location::Project]);
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

/// An HTTP-level cache: response caching in code or configuration, Varnish, a CDN, a proxy cache.
fn http_cache(repo: &RepoFacts) -> Option<(String, Evidence)> {
    if let Some((_, message, ev)) = super::infra::edge::cdn(repo).into_iter().next() {
        return Some((message, ev));
    }
    if let Some(e) = repo.files.entries().iter().find(|e| e.location.is_project() && e.name().ends_with(".vcl")) {
        return Some((format!("`{}` configures Varnish", e.path), Evidence::file(e.path.clone(), None)));
    }
    if let Some(s) = compose_running(repo, &["varnish", "souin"]).first() {
        return Some((
            format!("the compose service `{}` runs an HTTP cache", s.name),
            Evidence::file(s.path.clone(), Some(s.line)),
        ));
    }
    if let Some(f) = repo.config.symfony("api_platform.http_cache").into_iter().next() {
        return Some((
            format!("`{}` configures API Platform's HTTP cache", f.path),
            Evidence::file(f.path.to_string(), Some(f.line)),
        ));
    }
    let h = hits_of(repo, &["cache.http"], &[Location::Project]).into_iter().next()?;
    Some((format!("`{}` makes responses cacheable (`{}`)", h.path, clip(&h.text, 80)), hit_evidence(h)))
}

/// An application-level cache: cache abstraction in code, pools, Doctrine caches.
fn app_cache(repo: &RepoFacts) -> Option<(String, Evidence)> {
    for path in [
        "framework.cache.pools",
        "framework.cache.app",
        "doctrine.orm.result_cache_driver",
        "doctrine.orm.second_level_cache",
    ] {
        if let Some(f) = repo.config.symfony(path).into_iter().find(|f| !f.node.is_null()) {
            return Some((
                format!("`{}` configures `{path}`", f.path),
                Evidence::file(f.path.to_string(), Some(f.line)),
            ));
        }
    }
    if let Some(f) = repo.config.spring("spring.cache").into_iter().next() {
        return Some((
            format!("`{}` configures Spring's cache", f.path),
            Evidence::file(f.path.to_string(), Some(f.line)),
        ));
    }
    let h = hits_of(repo, &["cache.app", "cache.shared_backend"], &[Location::Project]).into_iter().next()?;
    Some((format!("`{}` caches application data (`{}`)", h.path, clip(&h.text, 80)), hit_evidence(h)))
}

pub struct MultiLevelCaching;

impl Check for MultiLevelCaching {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cache.multi_level",
            title: "Caching happens at the application and HTTP levels",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "An application cache saves recomputing data; an HTTP cache (CDN, reverse proxy, Cache-Control) saves the request reaching the application at all. Each covers what the other cannot.",
            remediation: "Cache expensive data in the application (Symfony cache pools, Spring `@Cacheable`, Django's cache framework) and make responses cacheable at the HTTP level (Cache-Control headers with a CDN or Varnish, API Platform `http_cache`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        match (app_cache(repo), http_cache(repo)) {
            (Some((a, ae)), Some((h, he))) => Finding::pass(format!("{a}, and {h}")).with([ae, he]),
            (Some((a, ae)), None) => Finding::partial(
                0.5,
                format!("{a}, but nothing caches at the HTTP level (no Cache-Control, reverse proxy cache or CDN)"),
            )
            .with_one(ae),
            (None, Some((h, he))) => {
                Finding::partial(0.5, format!("{h}, but the application caches no data itself")).with_one(he)
            }
            (None, None) => Finding::fail(
                "no cache was found at either level (looked for cache pools, `@Cacheable`, Django and Rails caches, Cache-Control headers, Varnish, nginx proxy_cache and CDNs)",
            ),
        }
    }
}

/// Tag-based invalidation: purging by tag instead of key by key.
static TAGS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"invalidateTags\(|TagAwareCacheInterface|->tag\(|\bxkey\b|Surrogate-Key|surrogate_key").unwrap()
});

pub struct WarmingAndInvalidation;

impl Check for WarmingAndInvalidation {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cache.warming_and_invalidation",
            title: "Caches are warmed up and invalidated deliberately",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A cold cache after a deploy sends every request to the database at once, and a cache without explicit invalidation serves stale data until entries expire.",
            remediation: "Warm caches on deploy (Symfony `CacheWarmerInterface`, `cache:pool:warm`, a warm-up job) and invalidate explicitly when data changes, preferably by tags (`invalidateTags()`, Varnish xkey, Surrogate-Key purges, `@CacheEvict`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let warm = hits_of(repo, &["cache.warmup"], &[Location::Project]).into_iter().next();
        let invalidation = hits_of(repo, &["cache.invalidation"], &[Location::Project]);
        let tagged = invalidation.iter().find(|h| TAGS.is_match(&h.text));
        let api_tags = repo
            .config
            .symfony("api_platform.http_cache.invalidation")
            .into_iter()
            .find(|f| f.node.key("enabled").as_bool() != Some(false) && !f.node.is_null());
        let describe = |h: &Hit| format!("`{}` (`{}`)", h.path, clip(&h.text, 80));
        if let Some(h) = tagged {
            return Finding::pass(format!("cache entries are invalidated by tag in {}", describe(h)))
                .with(std::iter::once(hit_evidence(h)).chain(warm.map(hit_evidence)));
        }
        if let Some(f) = api_tags {
            return Finding::pass(format!("`{}` enables API Platform's cache-tag invalidation", f.path))
                .with_one(Evidence::file(f.path.to_string(), Some(f.line)));
        }
        match (warm, invalidation.first()) {
            (Some(w), Some(i)) => {
                Finding::pass(format!("caches are warmed up in {} and invalidated in {}", describe(w), describe(i)))
                    .with([hit_evidence(w), hit_evidence(i)])
            }
            (Some(w), None) => Finding::partial(
                0.5,
                format!("caches are warmed up in {}, but nothing invalidates entries when data changes", describe(w)),
            )
            .with_one(hit_evidence(w)),
            (None, Some(i)) => Finding::partial(
                0.5,
                format!(
                    "cache entries are invalidated in {}, but caches are not warmed up after a deploy",
                    describe(i)
                ),
            )
            .with_one(hit_evidence(i)),
            (None, None) => Finding::fail(
                "caches are neither warmed up nor invalidated explicitly (looked for cache warmers, `cache:pool:warm`, tag invalidation, `@CacheEvict`, cache deletes and HTTP purges)",
            ),
        }
    }
}

/// Autoscaling declared in Terraform: (score, message, evidence).
fn tf_scaling(repo: &RepoFacts) -> Vec<(f64, String, Evidence)> {
    let mut out = Vec::new();
    let (groups, _) = tf_resources(
        repo,
        &["aws_autoscaling_group", "aws_appautoscaling_target", "azurerm_monitor_autoscale_setting"],
    );
    for b in groups {
        let (min, max) = (
            tf_num(b, "min_size").or_else(|| tf_num(b, "min_capacity")),
            tf_num(b, "max_size").or_else(|| tf_num(b, "max_capacity")),
        );
        match (min, max) {
            (Some(lo), Some(hi)) if hi <= lo => {
                out.push((0.3, format!("{} with a fixed size ({lo})", tf_label(b)), tf_evidence(b)))
            }
            _ => out.push((1.0, format!("{}, an autoscaling group", tf_label(b)), tf_evidence(b))),
        }
    }
    let (pools, _) = tf_resources(
        repo,
        &[
            "aws_eks_node_group",
            "google_container_node_pool",
            "azurerm_kubernetes_cluster_node_pool",
            "azurerm_kubernetes_cluster",
        ],
    );
    for b in pools {
        let (lo, hi) = (
            tf_num(b, "scaling_config.min_size").or_else(|| tf_num(b, "autoscaling.min_node_count")),
            tf_num(b, "scaling_config.max_size").or_else(|| tf_num(b, "autoscaling.max_node_count")),
        );
        let azure = b.is_true("enable_auto_scaling")
            || b.is_true("auto_scaling_enabled")
            || b.is_true("default_node_pool.enable_auto_scaling")
            || b.is_true("default_node_pool.auto_scaling_enabled");
        if azure || b.has("autoscaling") && lo.is_none() || matches!((lo, hi), (Some(lo), Some(hi)) if hi > lo) {
            out.push((1.0, format!("{}, which scales its nodes automatically", tf_label(b)), tf_evidence(b)));
        }
    }
    let (releases, _) = tf_resources(repo, &["helm_release"]);
    for b in releases {
        let chart = tf_text(b, "chart").unwrap_or_default();
        if ["karpenter", "cluster-autoscaler", "keda"].iter().any(|c| chart.contains(c)) {
            out.push((1.0, format!("{}, which installs `{chart}`", tf_label(b)), tf_evidence(b)));
        }
    }
    let (modules, _) = tf_modules(repo, &["terraform-aws-modules/eks", "terraform-aws-modules/autoscaling"]);
    for b in modules {
        if b.attrs.iter().any(|(k, v)| k.ends_with(".max_size") && v.as_f64().is_some_and(|n| n > 1.0))
            || b.type_.contains("autoscaling")
            || b.type_.contains("karpenter")
        {
            out.push((1.0, format!("{} with node groups that scale", tf_label(b)), tf_evidence(b)));
        }
    }
    let (gke, _) = tf_resources(repo, &["google_container_cluster"]);
    for b in gke {
        if b.is_true("enable_autopilot") || b.is_true("cluster_autoscaling.enabled") {
            out.push((
                0.5,
                format!(
                    "{}, which scales its nodes automatically, but no workload autoscaler is declared",
                    tf_label(b)
                ),
                tf_evidence(b),
            ));
        }
    }
    out
}

/// Whether an autoscaler object is one we recognise.
fn is_autoscaler(o: &K8sObject) -> bool {
    (o.kind == "HorizontalPodAutoscaler" && o.group() == "autoscaling")
        || (o.group() == "keda.sh" && matches!(o.kind.as_str(), "ScaledObject" | "ScaledJob"))
        || (o.group() == "karpenter.sh" && matches!(o.kind.as_str(), "NodePool" | "Provisioner"))
}

/// Every `enabled` under an `autoscaling` key of a chart's values (top level and one level down).
fn chart_autoscaling(values: &Node) -> Vec<&Node> {
    let mut out: Vec<&Node> = values.get("autoscaling").into_iter().collect();
    out.extend(values.entries().iter().filter_map(|e| e.value.get("autoscaling")));
    out
}

pub struct AutoscalingDeclared;

impl Check for AutoscalingDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.scaling.autoscaling_declared",
            title: "Autoscaling is declared",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Traffic is not flat: without autoscaling a service is either overprovisioned all day or saturated at the peak; an autoscaler adds capacity when load rises and removes it afterwards.",
            remediation: "Declare a HorizontalPodAutoscaler (or KEDA ScaledObject) for each stateless workload with sensible min and max replicas, enable `autoscaling` in the Helm chart's values, and let nodes follow (Cluster Autoscaler, Karpenter, node-group min/max).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let objects: Vec<&K8sObject> =
            repo.k8s.objects.iter().filter(|o| o.location.is_project() && is_autoscaler(o)).collect();
        if let Some(o) = objects.first() {
            let kinds = super::infra::counts(objects.iter().map(|o| o.kind.as_str()));
            return Finding::pass(format!("{kinds} declared, the first being {}", obj_label(o)))
                .with(objects.iter().take(3).map(|o| obj_evidence(o)));
        }
        let mut chart_off: Option<(String, Evidence)> = None;
        for (chart, (kind, path, line)) in charts_declaring(repo, &["HorizontalPodAutoscaler", "ScaledObject"]) {
            let switches: Vec<&Node> = chart.values.as_ref().map(chart_autoscaling).unwrap_or_default();
            let on = switches.iter().find(|n| n.key("enabled").as_bool() != Some(false));
            if switches.is_empty() || on.is_some() {
                let ev = match on {
                    Some(n) => values_evidence(chart, n.line),
                    None => Evidence::file(path.clone(), Some(*line)),
                };
                return Finding::pass(format!(
                    "the Helm chart `{}` declares a {kind} (`{path}`), enabled in its values",
                    chart_label(chart)
                ))
                .with([ev, Evidence::file(path.clone(), Some(*line))]);
            }
            chart_off.get_or_insert((
                format!(
                    "the Helm chart `{}` can declare a {kind} but its values leave `autoscaling.enabled: false`",
                    chart_label(chart)
                ),
                values_evidence(chart, switches[0].line),
            ));
        }
        let tf = tf_scaling(repo);
        if let Some((score, message, ev)) = super::infra::best_candidate(&tf) {
            if *score >= 1.0 {
                return Finding::pass(message).with_one(ev.clone());
            }
            if chart_off.is_none() {
                return Finding::partial(*score, message).with_one(ev.clone());
            }
        }
        if let Some((message, ev)) = chart_off {
            return Finding::partial(0.5, message).with_one(ev);
        }
        if let Some((o, image)) =
            k8s_running(repo, &["cluster-autoscaler", "karpenter"]).into_iter().find(|(o, _)| o.location.is_project())
        {
            return Finding::partial(
                0.6,
                format!("{} runs `{image}` for nodes, but no workload autoscaler is declared", obj_label(o)),
            )
            .with_one(obj_evidence(o));
        }
        if let Some(unknown) = super::infra::tf_unknown(repo, "autoscaling is declared") {
            return unknown;
        }
        Finding::fail(
            "no autoscaling is declared (looked for HorizontalPodAutoscaler, KEDA and Karpenter objects, Helm charts with autoscaling, Terraform autoscaling groups and node groups with min and max sizes)",
        )
    }
}

/// Metric types of an HPA or triggers of a KEDA object, and whether any is custom.
fn custom_metric(o: &K8sObject) -> Option<String> {
    let spec = o.doc.key("spec");
    if o.group() == "keda.sh" {
        return spec
            .key("triggers")
            .items()
            .iter()
            .filter_map(|t| t.key("type").as_str())
            .find(|t| !matches!(*t, "cpu" | "memory"))
            .map(|t| format!("the KEDA trigger `{t}`"));
    }
    spec.key("metrics")
        .items()
        .iter()
        .filter_map(|m| m.key("type").as_str())
        .find(|t| matches!(*t, "Pods" | "Object" | "External" | "ContainerResource") && *t != "ContainerResource")
        .map(|t| format!("a metric of type `{t}`"))
}

pub struct CustomMetrics;

impl Check for CustomMetrics {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.scaling.custom_metrics",
            title: "Autoscaling follows application metrics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "CPU is a late and indirect signal for most services; scaling on request rate, queue length or latency adds capacity before users notice the slowdown.",
            remediation: "Scale on what the service is loaded by: HPA metrics of type Pods, Object or External served by prometheus-adapter or KEDA triggers (Prometheus, queue length, Kafka lag), or custom metrics in `aws_appautoscaling_policy`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let scalers: Vec<&K8sObject> = repo
            .k8s
            .objects
            .iter()
            .filter(|o| o.location.is_project() && is_autoscaler(o) && o.group() != "karpenter.sh")
            .collect();
        for o in &scalers {
            if let Some(what) = custom_metric(o) {
                return Finding::pass(format!("{} scales on {what}", obj_label(o))).with_one(obj_evidence(o));
            }
        }
        let (policies, _) = tf_resources(repo, &["aws_appautoscaling_policy", "aws_autoscaling_policy"]);
        if let Some(b) =
            policies.iter().find(|b| b.attrs.iter().any(|(k, _)| k.contains("customized_metric_specification")))
        {
            return Finding::pass(format!("{}, which scales on a custom CloudWatch metric", tf_label(b)))
                .with_one(tf_evidence(b));
        }
        if let Some((o, image)) = k8s_running(repo, &["prometheus-adapter", "k8s-prometheus-adapter", "keda"])
            .into_iter()
            .find(|(o, _)| o.location.is_project())
        {
            return Finding::pass(format!(
                "{} runs `{image}`, which serves custom metrics to autoscalers",
                obj_label(o)
            ))
            .with_one(obj_evidence(o));
        }
        if let Some(sc) = subcharts(repo, &["prometheus-adapter", "keda"]).first() {
            return Finding::pass(format!("{}, which serves custom metrics to autoscalers", sc.label()))
                .with_one(sc.evidence());
        }
        if let Some(o) = scalers.first() {
            return Finding::partial(0.5, format!("{} scales on CPU or memory only", obj_label(o)))
                .with_one(obj_evidence(o));
        }
        if let Some((chart, (kind, path, line))) = charts_declaring(repo, &["HorizontalPodAutoscaler"]).first() {
            return Finding::partial(
                0.4,
                format!(
                    "the Helm chart `{}` declares a {kind} on CPU or memory utilisation (`{path}`)",
                    chart_label(chart)
                ),
            )
            .with_one(Evidence::file(path.clone(), Some(*line)));
        }
        if let Some(b) = policies.first() {
            return Finding::partial(
                0.5,
                format!("{}, which scales on a predefined metric (CPU, request count)", tf_label(b)),
            )
            .with_one(tf_evidence(b));
        }
        let tf: Vec<(f64, String, Evidence)> = tf_scaling(repo);
        if let Some((_, message, ev)) = tf.iter().find(|t| t.0 >= 1.0) {
            return Finding::partial(0.3, format!("{message}, on the provider's default signals only"))
                .with_one(ev.clone());
        }
        Finding::fail(
            "no autoscaling on application metrics was found (looked for HPA metrics of type Pods, Object or External, KEDA triggers, prometheus-adapter and custom CloudWatch metrics)",
        )
    }
}

/// Load-test scripts of the project, then those only in examples.
fn scripts(repo: &RepoFacts) -> (Vec<&crate::facts::perf::LoadScript>, Vec<&crate::facts::perf::LoadScript>) {
    let own: Vec<_> = repo.perf.project_scripts().collect();
    let examples = repo.perf.scripts.iter().filter(|s| s.location == Location::Example).collect();
    (own, examples)
}

pub struct LoadTestsPresent;

impl Check for LoadTestsPresent {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.perf.load_tests_present",
            title: "Load tests are written down",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Capacity that was never measured is a guess; a load-test script kept in the repository states the expected traffic and can be rerun after every significant change.",
            remediation: "Write load tests for the critical user journeys with k6, Locust, Gatling, Artillery or JMeter and keep them in the repository (e.g. `tests/load/`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (own, examples) = scripts(repo);
        if let Some(s) = own.first() {
            let mut tools: Vec<String> = own.iter().map(|s| s.tool.to_string()).collect();
            tools.dedup();
            return Finding::pass(format!(
                "{} load-test script(s) ({}), such as `{}`",
                own.len(),
                super::list(&tools),
                s.path
            ))
            .with(own.iter().take(3).map(|s| Evidence::file(s.path.clone(), Some(s.line))));
        }
        if let Some(s) = examples.first() {
            return Finding::partial(
                0.3,
                format!("a {} load-test script exists only among examples (`{}`)", s.tool, s.path),
            )
            .with_one(Evidence::file(s.path.clone(), Some(s.line)));
        }
        Finding::fail("no load-test script was found (looked for k6, Locust, Gatling, Artillery and JMeter scripts)")
    }
}

/// CI commands and actions that run a load test.
static LOAD_TEST_STEP: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"grafana/(run-)?k6-action|grafana/setup-k6-action|\bk6\s+(run|cloud)\b|grafana/k6\b|\bartillery\s+(run|quick)\b|\blocust\b[^\n]*(--headless|-f\s|--host)|\bgatling(:test|Run|:execute)|\bgatling\.sh\b|\bjmeter\b[^\n]*\s-n\b|\bvegeta\s+attack\b",
    )
    .unwrap()
});

/// CI commands that run a deployed component and read what it did.
static RUNS_COMPONENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\bkubectl\s+(logs|wait|run|exec)\b|\bdocker\s+(run|logs)\b|\bcompose\s+(run|up|logs)\b").unwrap()
});

/// Directory names too generic to identify a load generator in a CI command.
const GENERIC_DIRS: &[&str] =
    &["src", "test", "tests", "load", "perf", "scripts", "k6", "locust", "gatling", "jmeter", "e2e"];

/// A CI step that runs a load-generator component (the directory of a load-test script, deployed
/// as a service) and reads its results: a smoke run of the load test rather than a measured one.
fn runs_load_generator(repo: &RepoFacts, own: &[&crate::facts::perf::LoadScript]) -> Option<Finding> {
    for script in own {
        let Some(dir) = script.path.rsplit('/').nth(1).filter(|d| d.len() >= 5 && !GENERIC_DIRS.contains(d)) else {
            continue;
        };
        let word = Regex::new(&format!(r"(^|[^A-Za-z0-9_-]){}([^A-Za-z0-9_-]|$)", regex::escape(dir))).ok()?;
        for p in &repo.ci.pipelines {
            for j in &p.jobs {
                for step in &j.steps {
                    let Some(run) = step.run.as_deref() else { continue };
                    let line = run.lines().find(|l| word.is_match(l) && RUNS_COMPONENT.is_match(l));
                    if let Some(line) = line {
                        return Some(
                            Finding::partial(
                                0.6,
                                format!(
                                    "job `{}` of `{}` runs the load generator `{dir}` (`{}`) and checks its output, a smoke run rather than a load test with thresholds",
                                    j.label(),
                                    p.path,
                                    script.path
                                ),
                            )
                            .with([
                                Evidence::file_snippet(step.path.clone(), step.line, clip(line.trim(), 120)),
                                Evidence::file(script.path.clone(), Some(script.line)),
                            ]),
                        );
                    }
                }
            }
        }
    }
    None
}

pub struct LoadTestsInCi;

impl Check for LoadTestsInCi {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.perf.load_tests_in_ci",
            title: "Load tests run in the pipeline",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A load test run by hand once before launch says nothing about last week's changes; run from the pipeline (on a schedule or before a release) it catches performance regressions when they are introduced.",
            remediation: "Run the load tests from CI against a staging or preview environment, for example `grafana/k6-action` or `k6 run` in a scheduled or pre-release job, with thresholds that fail the job.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        for p in &repo.ci.pipelines {
            for j in &p.jobs {
                for step in &j.steps {
                    let texts = step
                        .uses
                        .iter()
                        .chain(&step.run)
                        .chain(&step.inputs)
                        .chain(step.expanded.iter().map(|e| &e.text));
                    if let Some(m) = texts.filter_map(|t| LOAD_TEST_STEP.find(t)).next() {
                        let label = step.name.clone().unwrap_or_else(|| m.as_str().to_string());
                        return Finding::pass(format!(
                            "job `{}` of `{}` runs a load test (`{}`)",
                            j.label(),
                            p.path,
                            clip(&label, 80)
                        ))
                        .with_one(Evidence::file_snippet(
                            step.path.clone(),
                            step.line,
                            m.as_str(),
                        ));
                    }
                }
            }
        }
        let (own, _) = scripts(repo);
        if let Some(found) = runs_load_generator(repo, &own) {
            return found;
        }
        if let Some(s) = own.first() {
            let why = if repo.ci.pipelines.is_empty() { "there is no CI pipeline" } else { "no CI step runs it" };
            return Finding::partial(0.3, format!("a {} load test exists (`{}`) but {why}", s.tool, s.path))
                .with_one(Evidence::file(s.path.clone(), Some(s.line)));
        }
        if repo.ci.pipelines.is_empty()
            && let Some(p) = repo.problems_in(super::is_ci_path).next()
        {
            return Finding::unknown(format!(
                "the CI configuration could not be read, so whether load tests run is unknown: {p}"
            ))
            .with_one(Evidence::file(p.path.clone(), p.line));
        }
        Finding::fail(
            "no load test runs in CI and no load-test script exists (looked for k6, Artillery, Locust, Gatling and JMeter steps)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::super::infra::testing::run;
    use super::*;
    use crate::model::Status;

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
    fn multi_level() {
        for (name, files, want) in [
            (
                "pools and http cache",
                vec![
                    (
                        "config/packages/cache.yaml",
                        "framework:\n    cache:\n        pools:\n            app.products: ~\n",
                    ),
                    ("src/Controller/Home.php", "<?php\n$response->setSharedMaxAge(3600);\n"),
                ],
                Status::Pass,
            ),
            (
                "cacheable only",
                vec![("src/main/java/app/Repo.java", "@Cacheable(\"vets\")\nList<Vet> all();\n")],
                Status::Partial,
            ),
            ("varnish only", vec![("docker/varnish/default.vcl", "vcl 4.1;\n")], Status::Partial),
            (
                "commented",
                vec![("config/packages/cache.yaml", "framework:\n    cache:\n        #app: cache.adapter.redis\n")],
                Status::Fail,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&MultiLevelCaching, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn warming() {
        for (name, files, want) in [
            (
                "tags",
                vec![("src/Service/Catalog.php", "<?php\n$this->cache->invalidateTags(['products']);\n")],
                Status::Pass,
            ),
            (
                "both",
                vec![
                    ("src/Cache/Warmer.php", "<?php\nclass Warmer implements CacheWarmerInterface {}\n"),
                    ("src/Service/Catalog.php", "<?php\n$pool->delete('x');\ncache.delete('products')\n"),
                ],
                Status::Pass,
            ),
            (
                "evict only",
                vec![("src/main/java/app/Svc.java", "@CacheEvict(\"vets\")\nvoid save();\n")],
                Status::Partial,
            ),
            (
                "commented",
                vec![("src/Service/Catalog.php", "<?php\n// $this->cache->invalidateTags(['products']);\n")],
                Status::Fail,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&WarmingAndInvalidation, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    const HPA_CPU: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  metrics:\n    - type: Resource\n      resource:\n        name: cpu\n";
    const HPA_RPS: &str = "apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\nspec:\n  metrics:\n    - type: Pods\n      pods:\n        metric:\n          name: http_requests_per_second\n";

    fn chart(enabled: &str) -> Vec<(&'static str, &'static str)> {
        let values: &'static str =
            if enabled == "true" { "autoscaling:\n  enabled: true\n" } else { "autoscaling:\n  enabled: false\n" };
        vec![
            ("chart/Chart.yaml", "name: app\n"),
            ("chart/values.yaml", values),
            (
                "chart/templates/hpa.yaml",
                "{{- if .Values.autoscaling.enabled }}\napiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n{{- end }}\n",
            ),
        ]
    }

    #[test]
    fn autoscaling() {
        for (name, files, want) in [
            ("hpa", vec![("k8s/hpa.yaml", HPA_CPU)], Status::Pass),
            (
                "keda",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: rabbitmq\n",
                )],
                Status::Pass,
            ),
            ("chart enabled", chart("true"), Status::Pass),
            ("chart disabled", chart("false"), Status::Partial),
            (
                "asg",
                vec![("asg.tf", "resource \"aws_autoscaling_group\" \"web\" {\n  min_size = 2\n  max_size = 10\n}\n")],
                Status::Pass,
            ),
            (
                "fixed asg",
                vec![("asg.tf", "resource \"aws_autoscaling_group\" \"web\" {\n  min_size = 2\n  max_size = 2\n}\n")],
                Status::Partial,
            ),
            (
                "eks node group",
                vec![(
                    "eks.tf",
                    "resource \"aws_eks_node_group\" \"n\" {\n  scaling_config {\n    min_size = 1\n    max_size = 5\n    desired_size = 2\n  }\n}\n",
                )],
                Status::Pass,
            ),
            ("example hpa", vec![("examples/hpa.yaml", HPA_CPU)], Status::Fail),
            ("broken", vec![("asg.tf", "resource {")], Status::Unknown),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&AutoscalingDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn custom_metrics() {
        for (name, files, want) in [
            ("pods metric", vec![("k8s/hpa.yaml", HPA_RPS)], Status::Pass),
            (
                "keda prometheus",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: prometheus\n",
                )],
                Status::Pass,
            ),
            (
                "keda cpu",
                vec![(
                    "k8s/keda.yaml",
                    "apiVersion: keda.sh/v1alpha1\nkind: ScaledObject\nmetadata:\n  name: w\nspec:\n  triggers:\n    - type: cpu\n",
                )],
                Status::Partial,
            ),
            ("cpu only", vec![("k8s/hpa.yaml", HPA_CPU)], Status::Partial),
            ("chart hpa", chart("true"), Status::Partial),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&CustomMetrics, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    const K6: &str = "import http from 'k6/http';\nexport default function () { http.get('https://x'); }\n";

    #[test]
    fn load_tests() {
        for (name, files, want) in [
            ("k6", vec![("k6/script.js", K6)], Status::Pass),
            ("locust", vec![("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n")], Status::Pass),
            ("example only", vec![("examples/load/script.js", K6)], Status::Partial),
            ("readme mention", vec![("README.md", "Run `k6 run script.js`.\n")], Status::Fail),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&LoadTestsPresent, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn load_tests_in_ci() {
        let action = "on: workflow_dispatch\njobs:\n  k6:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Run local k6 test\n        uses: grafana/k6-action@v0.3.1\n        with:\n          filename: k6/script.js\n";
        let run_cmd = "on: schedule\njobs:\n  load:\n    steps:\n      - run: k6 run tests/load/smoke.js\n";
        let echo = "on: push\njobs:\n  a:\n    steps:\n      - run: echo building\n";
        for (name, files, want) in [
            ("k6 action", vec![(".github/workflows/check.yml", action), ("k6/script.js", K6)], Status::Pass),
            ("k6 run", vec![(".github/workflows/load.yml", run_cmd)], Status::Pass),
            ("script without ci", vec![(".github/workflows/ci.yml", echo), ("k6/script.js", K6)], Status::Partial),
            (
                "load generator smoke run",
                vec![
                    (
                        ".github/workflows/ci.yml",
                        "on: push\njobs:\n  smoke:\n    steps:\n      - run: |\n          docker build src/loadgenerator\n          kubectl logs -l app=loadgenerator | grep Aggregated\n",
                    ),
                    ("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n"),
                ],
                Status::Partial,
            ),
            ("nothing", vec![(".github/workflows/ci.yml", echo)], Status::Fail),
            ("broken ci", vec![(".github/workflows/ci.yml", "jobs: [")], Status::Unknown),
        ] {
            let f = run(&LoadTestsInCi, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        let script = ("src/loadgenerator/locustfile.py", "from locust import HttpUser, task\n");
        let smoke =
            "on: push\njobs:\n  smoke:\n    steps:\n      - run: kubectl logs -l app=loadgenerator | grep Aggregated\n";
        let build = "on: push\njobs:\n  build:\n    steps:\n      - run: docker build src/loadgenerator\n";
        assert!(run(&LoadTestsInCi, &[(".github/workflows/ci.yml", smoke), script]).message.contains("smoke run"));
        assert_eq!(
            run(&LoadTestsInCi, &[(".github/workflows/ci.yml", build), script]).score,
            0.3,
            "building is not running"
        );
    }
}
