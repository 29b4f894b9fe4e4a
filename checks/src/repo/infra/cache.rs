//! Roadmap item 1.3 (caching and session management): a cache server, sessions kept in a shared
//! store, and query results cached.
//!
//! A cache server is judged on resilience: a managed replication group with failover, or a
//! self-run Redis that persists its data. Sessions and query caches are read from framework
//! configuration (Symfony `framework.session`, Doctrine result caches and cache pools, Spring
//! `spring.session` and `spring.cache`) before content-scan signals. Adapters that are commented
//! out in a configuration file are not configuration.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::appconfig::Found;
use crate::facts::files::Location;
use crate::facts::manifests::Ecosystem;
use crate::facts::scan::Hit;
use crate::facts::terraform::TfBlock;
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding, clip};
use crate::repo::support::{
    Candidate, best_finding, compose_running, container_command, containers, hit_evidence, k8s_running, obj_evidence,
    obj_label, service_evidence, signal_hits, subcharts, tf_condition, tf_evidence, tf_label, tf_modules, tf_num,
    tf_resources, tf_text, tf_unknown,
};
use regex::Regex;
use std::sync::LazyLock;

/// Self-run cache servers, recognised by image or sub-chart.
const SERVERS: &[&str] = &["redis", "valkey", "keydb", "memcached", "dragonfly", "dragonflydb"];
const TF_CACHES: &[&str] = &[
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_elasticache_serverless_cache",
    "aws_memorydb_cluster",
    "google_redis_instance",
    "google_redis_cluster",
    "google_memcache_instance",
    "azurerm_redis_cache",
    "azurerm_managed_redis",
];
const TF_CACHE_MODULES: &[&str] =
    &["terraform-aws-modules/elasticache", "cloudposse/elasticache", "terraform-google-modules/memorystore"];

/// How resilient a managed cache is.
fn tf_cache(b: &TfBlock) -> Candidate {
    let label = tf_label(b);
    let (score, why) = match b.type_.as_str() {
        "aws_elasticache_serverless_cache"
        | "aws_memorydb_cluster"
        | "azurerm_managed_redis"
        | "google_redis_cluster" => (1.0, "a replicated managed cache".to_string()),
        "google_redis_instance" => match tf_text(b, "tier").as_deref() {
            Some("STANDARD_HA") => (1.0, "a Memorystore instance with the STANDARD_HA tier (replicated)".into()),
            _ => (0.5, "a Memorystore instance on the BASIC tier, without a replica".into()),
        },
        "azurerm_redis_cache" => match tf_text(b, "sku_name").as_deref() {
            Some("Standard" | "Premium") => (1.0, "an Azure Cache for Redis with a replica".into()),
            _ => (0.5, "an Azure Cache for Redis on the Basic tier, without a replica".into()),
        },
        "aws_elasticache_cluster" | "google_memcache_instance" => {
            let nodes = tf_num(b, "num_cache_nodes").or_else(|| tf_num(b, "node_count")).unwrap_or(1.0);
            if nodes >= 2.0 {
                (1.0, format!("a cache cluster of {nodes} nodes"))
            } else {
                (0.5, "a single-node cache cluster".into())
            }
        }
        _ => {
            let failover = b.is_true("automatic_failover_enabled") || b.is_true("multi_az_enabled");
            let nodes =
                ["num_cache_clusters", "number_cache_clusters"].iter().find_map(|k| tf_num(b, k)).unwrap_or(1.0);
            let replicas = tf_num(b, "replicas_per_node_group").unwrap_or(0.0);
            if failover || nodes >= 2.0 || replicas >= 1.0 || b.is_true("cluster_mode_enabled") {
                (1.0, "a replication group with failover".into())
            } else {
                (0.5, "a replication group without failover or a second node".into())
            }
        }
    };
    (score, format!("{label}, {why}{}", tf_condition(b)), tf_evidence(b))
}

fn persists(command: &str) -> bool {
    let c = command.to_ascii_lowercase();
    c.contains("--appendonly yes")
        || c.contains("--save ")
        || c.contains("redis_aof_enabled=yes")
        || c.contains("appendonly=yes")
}

fn candidates(repo: &RepoFacts) -> Vec<Candidate> {
    let mut out: Vec<Candidate> = Vec::new();
    let (tf, _) = tf_resources(repo, TF_CACHES);
    out.extend(tf.into_iter().map(tf_cache));
    let (modules, _) = tf_modules(repo, TF_CACHE_MODULES);
    out.extend(modules.into_iter().map(tf_cache));
    for (o, image) in k8s_running(repo, SERVERS).into_iter().filter(|(o, _)| o.location.is_project()) {
        let command: String = containers(o).iter().map(|c| container_command(c)).collect::<Vec<_>>().join(" ");
        let volumes = !o.doc.at("spec.volumeClaimTemplates").map(Node::items).unwrap_or_default().is_empty();
        if persists(&command) || volumes {
            out.push((1.0, format!("{} runs `{image}` with persistence", obj_label(o)), obj_evidence(o)));
        } else {
            out.push((
                0.5,
                format!("{} runs `{image}` without persistence, so a restart empties it", obj_label(o)),
                obj_evidence(o),
            ));
        }
    }
    for sc in subcharts(repo, SERVERS) {
        let persistence = ["persistence.enabled", "master.persistence.enabled", "primary.persistence.enabled"]
            .iter()
            .find_map(|p| sc.values.at(p).and_then(Node::as_bool));
        match persistence {
            Some(true) => out.push((1.0, format!("{} with persistence enabled", sc.label()), sc.evidence())),
            _ => out.push((0.5, format!("{} without configuring persistence", sc.label()), sc.evidence())),
        }
    }
    for s in compose_running(repo, SERVERS) {
        if persists(&s.settings) {
            out.push((
                1.0,
                format!("the compose service `{}` (`{}`) runs a cache with persistence", s.name, s.path),
                service_evidence(s),
            ));
        } else {
            out.push((
                0.4,
                format!("the compose service `{}` (`{}`) runs a cache without persistence", s.name, s.path),
                service_evidence(s),
            ));
        }
    }
    out
}

pub struct ServerDeclared;

impl Check for ServerDeclared {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cache.server_declared",
            title: "A resilient cache server is declared",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A shared cache (Redis, Memcached) takes load off the database and lets every instance see the same sessions and cached data; without replication or persistence it is a single point of failure that empties on restart.",
            remediation: "Declare the cache as code: `aws_elasticache_replication_group` with `automatic_failover_enabled = true` and two or more nodes, Memorystore on the STANDARD_HA tier, or a self-run Redis with persistence (`--appendonly yes`, `persistence.enabled`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(f) = best_finding(&candidates(repo)) {
            return f;
        }
        if let Some(unknown) = tf_unknown(repo, "a cache server is declared") {
            return unknown;
        }
        Finding::fail(
            "no cache server is declared (looked for Terraform ElastiCache, MemoryDB, Memorystore and Azure Cache for Redis, and Redis, Valkey, KeyDB or Memcached on Kubernetes, in Helm sub-charts and in compose files)",
        )
    }
}

/// Whether a cache adapter or handler names a shared store.
fn shared_store(value: &str) -> bool {
    let v = value.to_ascii_lowercase();
    ["redis", "memcache", "valkey", "pdo", "mongo", "dynamo", "doctrine_dbal", "couchbase", "database"]
        .iter()
        .any(|s| v.contains(s))
}

fn found_evidence(f: &Found) -> Evidence {
    Evidence::file(f.path.to_string(), Some(f.line))
}

pub struct SessionsInSharedStore;

impl Check for SessionsInSharedStore {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cache.sessions_in_shared_store",
            title: "Sessions are kept in a shared store",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Sessions kept in local files or memory log users out whenever a request lands on another instance or a pod restarts, which rules out scaling horizontally.",
            remediation: "Store sessions in Redis, Memcached or the database: Symfony `framework.session.handler_id` set to a Redis or PDO handler, Spring Session (`spring-session-data-redis`), Django's cache or db session engine, `connect-redis` for Express.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let handlers = repo.config.symfony("framework.session.handler_id");
        if let Some(f) = handlers.iter().find(|f| f.node.scalar().is_some_and(|v| shared_store(&v))) {
            return Finding::pass(format!(
                "`{}` keeps sessions in a shared store (`handler_id: {}`)",
                f.path,
                f.node.scalar().unwrap_or_default()
            ))
            .with_one(found_evidence(f));
        }
        let spring_store = repo.config.spring("spring.session.store-type");
        if let Some(f) = spring_store.iter().find(|f| f.node.scalar().is_some_and(|v| v != "none")) {
            return Finding::pass(format!("`{}` keeps sessions in {}", f.path, f.node.scalar().unwrap_or_default()))
                .with_one(found_evidence(f));
        }
        let spring_session = [Ecosystem::Maven, Ecosystem::Gradle].into_iter().find_map(|eco| {
            repo.manifests
                .find(eco, |n| n.starts_with("org.springframework.session:spring-session-") && !n.ends_with("-core"))
                .next()
        });
        if let Some(d) = spring_session {
            return Finding::pass(format!("`{}` stores sessions with `{}`", d.manifest, d.name))
                .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        if let Some(h) = repo.scan.project_hits("cache.sessions_shared").find(|h| !h.path.ends_with(".md")) {
            return Finding::pass(format!("`{}` keeps sessions in a shared store (`{}`)", h.path, h.text))
                .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        if let Some(f) = handlers.iter().find(|f| f.node.scalar().is_some_and(|v| v.contains("%env("))) {
            return Finding::partial(
                0.5,
                format!(
                    "`{}` takes the session handler from the environment (`{}`), so whether the store is shared cannot be told",
                    f.path,
                    f.node.scalar().unwrap_or_default()
                ),
            )
            .with_one(found_evidence(f));
        }
        if let Some(f) = handlers.first() {
            return Finding::fail(format!(
                "`{}` keeps sessions in PHP's native handler (`handler_id: {}`), files local to each instance",
                f.path,
                f.node.scalar().unwrap_or_else(|| "null".into())
            ))
            .with_one(found_evidence(f));
        }
        let session = repo.config.symfony("framework.session");
        if let Some(f) = session.iter().find(|f| f.node.as_bool() != Some(false)) {
            return Finding::fail(format!(
                "`{}` enables sessions with the default handler, which keeps them in files local to each instance",
                f.path
            ))
            .with_one(found_evidence(f));
        }
        if repo.config.has(crate::facts::appconfig::Framework::Symfony) && !repo.config.symfony("framework").is_empty()
        {
            return Finding::not_assessed(
                "the Symfony application does not enable sessions (`framework.session` is not set), so it keeps no session state",
            );
        }
        Finding::fail(
            "sessions are not kept in a shared store (looked for Symfony `framework.session.handler_id`, Spring Session, Django `SESSION_ENGINE`, connect-redis and other Redis or database session stores)",
        )
    }
}

/// A Doctrine result, query or second-level cache, and the cache pool it uses.
fn doctrine_cache(repo: &RepoFacts) -> Option<(Found<'_>, Option<String>)> {
    let paths =
        ["doctrine.orm.result_cache_driver", "doctrine.orm.second_level_cache", "doctrine.orm.query_cache_driver"];
    let mut found: Vec<Found> = paths.iter().flat_map(|p| repo.config.symfony(p)).collect();
    for f in repo.config.symfony("doctrine.orm.entity_managers") {
        for em in f.node.entries() {
            for key in ["result_cache_driver", "second_level_cache", "query_cache_driver"] {
                if let Some(n) = em.value.get(key) {
                    found.push(Found { path: f.path, line: n.line, node: n });
                }
            }
        }
    }
    let f = found.into_iter().find(|f| f.node.key("enabled").as_bool() != Some(false))?;
    let pool = f
        .node
        .key("pool")
        .scalar()
        .or_else(|| f.node.key("id").scalar())
        .or_else(|| f.node.key("region_cache_driver").key("pool").scalar());
    Some((f, pool))
}

/// The adapter behind a Symfony cache pool, following `cache.app` to `framework.cache.app`
/// (whose default is the filesystem).
fn symfony_adapter(repo: &RepoFacts, pool: &str) -> (String, Option<Evidence>) {
    let mut name = pool.to_string();
    for _ in 0..4 {
        match name.as_str() {
            "cache.app" => {
                return match repo
                    .config
                    .symfony("framework.cache.app")
                    .into_iter()
                    .find_map(|f| f.node.scalar().map(|v| (v, f)))
                {
                    Some((v, f)) => (v, Some(found_evidence(&f))),
                    None => ("cache.adapter.filesystem".into(), None),
                };
            }
            "cache.system" => return ("cache.adapter.system".into(), None),
            _ => {}
        }
        let pools = repo.config.symfony("framework.cache.pools");
        let next = pools.iter().find_map(|f| {
            let p = f.node.get(&name)?;
            let a = p
                .get("adapter")
                .and_then(Node::scalar)
                .or_else(|| p.key("adapters").items().first().and_then(Node::scalar))?;
            Some((a, f.path.to_string(), p.line))
        });
        match next {
            Some((a, _, _)) if a == "cache.app" || a == "cache.system" => name = a,
            Some((a, path, line)) => return (a, Some(Evidence::file(path, Some(line)))),
            None => return (name, None),
        }
    }
    (name, None)
}

pub struct QueryResultsCached;

impl Check for QueryResultsCached {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.cache.query_results_cached",
            title: "Query results are cached in a shared cache",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Caching the results of expensive queries in a shared cache serves repeated reads without touching the database, and every instance benefits from what another one computed.",
            remediation: "Cache expensive query results through the framework's cache (Doctrine `result_cache_driver`, Symfony cache pools, Spring `@Cacheable`, Django's cache framework) and back it with Redis or Memcached (`cache.adapter.redis`, `spring.cache.type=redis`).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        // what is cached
        let mut usage: Option<(String, Evidence)> = None;
        let mut backend: Option<(String, Option<Evidence>)> = None;
        if let Some((f, pool)) = doctrine_cache(repo) {
            usage = Some((format!("`{}` caches Doctrine query results", f.path), found_evidence(&f)));
            if let Some(pool) = pool {
                let (adapter, ev) = symfony_adapter(repo, &pool);
                backend = Some((format!("the pool `{pool}` uses `{adapter}`"), ev));
            }
        }
        let code = repo.scan.project_hits("cache.app").find(|h| !h.path.ends_with(".md"));
        if usage.is_none()
            && let Some(h) = code
        {
            usage = Some((
                format!("`{}` caches application data (`{}`)", h.path, h.text),
                Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
            ));
        }
        // where it is cached
        let shared_app = repo
            .config
            .symfony("framework.cache.app")
            .into_iter()
            .find(|f| f.node.scalar().is_some_and(|v| shared_store(&v)));
        let spring_type = repo
            .config
            .spring("spring.cache.type")
            .into_iter()
            .find(|f| f.node.scalar().is_some_and(|v| shared_store(&v)));
        let shared_signal = repo.scan.project_hits("cache.shared_backend").find(|h| !h.path.ends_with(".md"));
        let shared: Option<(String, Evidence)> = match &backend {
            Some((what, ev)) if shared_store(what) => {
                Some((what.clone(), ev.clone().unwrap_or_else(|| usage.as_ref().map(|u| u.1.clone()).expect("usage"))))
            }
            _ => shared_app
                .map(|f| {
                    (
                        format!("`{}` stores the app cache in `{}`", f.path, f.node.scalar().unwrap_or_default()),
                        found_evidence(&f),
                    )
                })
                .or_else(|| {
                    spring_type.map(|f| {
                        (
                            format!("`{}` sets `spring.cache.type` to {}", f.path, f.node.scalar().unwrap_or_default()),
                            found_evidence(&f),
                        )
                    })
                })
                .or_else(|| {
                    shared_signal.map(|h| {
                        (
                            format!("`{}` stores the cache in a shared server (`{}`)", h.path, h.text),
                            Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
                        )
                    })
                }),
        };
        match (usage, shared) {
            (Some((u, ue)), Some((s, se))) => Finding::pass(format!("{u}, and {s}")).with([ue, se]),
            (Some((u, ue)), None) => {
                let local = backend
                    .map(|(b, _)| format!(" ({b}, local to each instance)"))
                    .unwrap_or_else(|| " in a cache local to each instance".into());
                Finding::partial(0.5, format!("{u}{local}; no Redis or Memcached backend is configured")).with_one(ue)
            }
            (None, Some((s, se))) => {
                Finding::partial(0.4, format!("{s}, but no code or configuration caches query results through it"))
                    .with_one(se)
            }
            (None, None) => Finding::fail(
                "query results are not cached (looked for Doctrine result and second-level caches, Symfony cache pools, Spring `@Cacheable`, Django and Rails caches, and Redis or Memcached cache backends)",
            ),
        }
    }
}

fn http_cache(repo: &RepoFacts) -> Option<(String, Evidence)> {
    if let Some((_, message, ev)) = super::edge::cdn(repo).into_iter().next() {
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
    let h = signal_hits(repo, &["cache.http"], &[Location::Project]).into_iter().next()?;
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
    let h = signal_hits(repo, &["cache.app", "cache.shared_backend"], &[Location::Project]).into_iter().next()?;
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
        let warm = signal_hits(repo, &["cache.warmup"], &[Location::Project]).into_iter().next();
        let invalidation = signal_hits(repo, &["cache.invalidation"], &[Location::Project]);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::run;

    #[test]
    fn cache_server() {
        for (name, files, want) in [
            (
                "elasticache failover",
                vec![(
                    "cache.tf",
                    "resource \"aws_elasticache_replication_group\" \"r\" {\n  automatic_failover_enabled = true\n  num_cache_clusters = 2\n}\n",
                )],
                Status::Pass,
            ),
            (
                "elasticache single",
                vec![(
                    "cache.tf",
                    "resource \"aws_elasticache_replication_group\" \"r\" {\n  num_cache_clusters = 1\n}\n",
                )],
                Status::Partial,
            ),
            (
                "memorystore basic",
                vec![("memorystore.tf", "resource \"google_redis_instance\" \"r\" {\n  memory_size_gb = 1\n}\n")],
                Status::Partial,
            ),
            (
                "memorystore ha",
                vec![("memorystore.tf", "resource \"google_redis_instance\" \"r\" {\n  tier = \"STANDARD_HA\"\n}\n")],
                Status::Pass,
            ),
            (
                "compose persistent",
                vec![(
                    "compose.yaml",
                    "services:\n  cache:\n    image: redis:7\n    command: redis-server --appendonly yes\n",
                )],
                Status::Pass,
            ),
            (
                "compose plain",
                vec![("compose.yaml", "services:\n  cache:\n    image: valkey/valkey:8\n")],
                Status::Partial,
            ),
            (
                "k8s redis with persistence",
                vec![(
                    "k8s/redis.yaml",
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:7\n          args: [\"--appendonly\", \"yes\"]\n",
                )],
                Status::Pass,
            ),
            (
                "k8s redis with volume claims",
                vec![(
                    "k8s/redis.yaml",
                    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: redis\nspec:\n  template:\n    spec:\n      containers:\n        - name: redis\n          image: redis:7\n  volumeClaimTemplates:\n    - metadata:\n        name: data\n",
                )],
                Status::Pass,
            ),
            (
                "helm sub-chart with persistence",
                vec![
                    ("chart/Chart.yaml", "name: app\n"),
                    ("chart/values.yaml", "redis:\n  master:\n    persistence:\n      enabled: true\n"),
                ],
                Status::Pass,
            ),
            (
                "redistribution decoy",
                vec![("compose.yaml", "services:\n  redistribution:\n    image: acme/redistribution:1\n")],
                Status::Fail,
            ),
            ("example only", vec![("examples/compose.yaml", "services:\n  redis:\n    image: redis\n")], Status::Fail),
            ("broken", vec![("cache.tf", "resource {")], Status::Unknown),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&ServerDeclared, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn sessions() {
        for (name, files, want) in [
            (
                "symfony redis",
                vec![(
                    "config/packages/framework.yaml",
                    "framework:\n    session:\n        handler_id: Symfony\\Component\\HttpFoundation\\Session\\Storage\\Handler\\RedisSessionHandler\n",
                )],
                Status::Pass,
            ),
            (
                "symfony dsn",
                vec![(
                    "config/packages/framework.yaml",
                    "framework:\n    session:\n        handler_id: 'redis://localhost'\n",
                )],
                Status::Pass,
            ),
            (
                "symfony env",
                vec![(
                    "config/packages/framework.yaml",
                    "framework:\n    session:\n        handler_id: '%env(SESSION_DSN)%'\n",
                )],
                Status::Partial,
            ),
            (
                "symfony native",
                vec![("config/packages/framework.yaml", "framework:\n    session:\n        handler_id: null\n")],
                Status::Fail,
            ),
            (
                "symfony default",
                vec![("config/packages/framework.yaml", "framework:\n    session: true\n")],
                Status::Fail,
            ),
            (
                "symfony stateless",
                vec![(
                    "config/packages/framework.yaml",
                    "framework:\n    secret: x\n    #session:\n    #    handler_id: redis\n",
                )],
                Status::NotAssessed,
            ),
            (
                "spring",
                vec![("src/main/resources/application.properties", "spring.session.store-type=redis\n")],
                Status::Pass,
            ),
            (
                "django",
                vec![("app/settings.py", "SESSION_ENGINE = 'django.contrib.sessions.backends.cache'\n")],
                Status::Pass,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&SessionsInSharedStore, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    const DOCTRINE_PROD: &str = "when@prod:\n    doctrine:\n        orm:\n            result_cache_driver:\n                type: pool\n                pool: doctrine.result_cache_pool\n    framework:\n        cache:\n            pools:\n                doctrine.result_cache_pool:\n                    adapter: cache.app\n";

    #[test]
    fn query_cache() {
        for (name, files, want) in [
            (
                "doctrine on filesystem",
                vec![
                    ("config/packages/doctrine.yaml", DOCTRINE_PROD),
                    ("config/packages/cache.yaml", "framework:\n    cache:\n        # app: cache.adapter.redis\n"),
                ],
                Status::Partial,
            ),
            (
                "doctrine on redis",
                vec![
                    ("config/packages/doctrine.yaml", DOCTRINE_PROD),
                    (
                        "config/packages/cache.yaml",
                        "framework:\n    cache:\n        app: cache.adapter.redis\n        default_redis_provider: '%env(REDIS_URL)%'\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "spring cacheable on redis",
                vec![
                    ("src/main/java/app/Repo.java", "@Cacheable(\"vets\")\npublic List<Vet> findAll();\n"),
                    ("src/main/resources/application.properties", "spring.cache.type=redis\n"),
                ],
                Status::Pass,
            ),
            (
                "spring cacheable local",
                vec![("src/main/java/app/Repo.java", "@Cacheable(\"vets\")\npublic List<Vet> findAll();\n")],
                Status::Partial,
            ),
            (
                "commented adapter only",
                vec![(
                    "config/packages/cache.yaml",
                    "framework:\n    cache:\n        #app: cache.adapter.redis\n        #default_redis_provider: redis://localhost\n",
                )],
                Status::Fail,
            ),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&QueryResultsCached, &files);
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
}
