//! Observability checks (roadmap items 3.1 tracing, 3.2 logging, 3.3 metrics and alerting).
//!
//! Each check gathers what it found as [`Seen`] items (a thing, its place, whether it belongs to
//! the project or only to an example) from structured facts first: dependencies, compose
//! services, Kubernetes workloads, Helm values, Terraform resources, framework configuration;
//! then from content-scan signals that name a construct (an SDK being initialised, a top-level
//! section of a Collector configuration). What runs "in the stack" is read through
//! `support::in_stack`, as every family does. SLO checks live in `slo.rs`; this family does not
//! judge targets.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::manifests::{Dependency, Ecosystem};
use crate::facts::scan::Hit;
use crate::facts::yaml::Node;
use crate::model::{Evidence, Finding, clip};
use crate::repo::support::{
    Seen, cite, dashboards, describe, examples_only, in_stack, is_tf, own_and_other, own_or_examples, signal_seen,
    unknown_or_fail, values_path, walk,
};

// ---------------------------------------------------------------------------------------------
// 3.1 distributed tracing

fn is_otel(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    n.contains("opentelemetry") || n.starts_with("open-telemetry/")
}

/// An OpenTelemetry SDK (not only the API) or an instrumentation that brings one.
fn is_otel_sdk(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    match d.ecosystem {
        Ecosystem::Npm => n.starts_with("@opentelemetry/sdk-") || n == "@opentelemetry/auto-instrumentations-node",
        Ecosystem::Pypi => matches!(n.as_str(), "opentelemetry-sdk" | "opentelemetry-distro"),
        Ecosystem::Go => n.starts_with("go.opentelemetry.io/otel/sdk"),
        Ecosystem::Cargo => matches!(n.as_str(), "opentelemetry_sdk" | "opentelemetry-sdk" | "opentelemetry-otlp"),
        Ecosystem::Maven | Ecosystem::Gradle => {
            n.starts_with("io.opentelemetry:opentelemetry-sdk") || n.ends_with(":opentelemetry-spring-boot-starter")
        }
        Ecosystem::Composer => n == "open-telemetry/sdk" || n.starts_with("open-telemetry/opentelemetry-auto-"),
    }
}

/// Spring Boot's Micrometer Tracing bridges instrument the application without code.
fn is_tracing_bridge(d: &Dependency) -> bool {
    matches!(d.ecosystem, Ecosystem::Maven | Ecosystem::Gradle)
        && d.name.starts_with("io.micrometer:micrometer-tracing-bridge-")
}

fn tracing_evidence(repo: &RepoFacts) -> (Vec<Seen>, Vec<Seen>) {
    let mut strong = Vec::new();
    for h in repo.scan.hits("otel.sdk_init") {
        strong.push(Seen::hit(format!("OpenTelemetry initialised: `{}`", clip(&h.text, 80)), h));
    }
    for id in ["otel.auto", "otel.javaagent"] {
        for h in repo.scan.hits(id) {
            strong.push(Seen::hit(format!("auto-instrumentation: `{}`", clip(&h.text, 80)), h));
        }
    }
    for o in repo.k8s.of_kind("opentelemetry.io", "Instrumentation") {
        strong.push(Seen::new("OpenTelemetry Operator `Instrumentation`", &o.path, Some(o.line), o.location));
    }
    for d in repo.manifests.dependencies.iter().filter(|d| is_tracing_bridge(d)) {
        strong.push(Seen::dep(format!("Micrometer Tracing bridge `{}`", d.name), d));
    }
    let sdk_deps: Vec<&Dependency> = repo.manifests.dependencies.iter().filter(|d| is_otel_sdk(d)).collect();
    let imports: Vec<&Hit> = repo.scan.hits("otel.sdk").collect();
    if !sdk_deps.is_empty() {
        for h in &imports {
            strong.push(Seen::hit(
                format!("OpenTelemetry SDK (`{}`) used: `{}`", sdk_deps[0].name, clip(&h.text, 60)),
                h,
            ));
        }
    }
    let mut weak = Vec::new();
    if sdk_deps.is_empty() {
        for h in &imports {
            weak.push(Seen::hit(format!("OpenTelemetry imported: `{}`", clip(&h.text, 60)), h));
        }
    }
    for d in repo.manifests.dependencies.iter().filter(|d| is_otel(d)) {
        weak.push(Seen::dep(format!("dependency `{}`", d.name), d));
    }
    (strong, weak)
}

pub struct TracingInstrumented;

impl Check for TracingInstrumented {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.tracing_instrumented",
            title: "The application is instrumented for distributed tracing",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A request that crosses services can only be followed end to end when every service propagates trace context and exports spans; without it, latency and errors are guessed at per service.",
            remediation: "Set up the OpenTelemetry SDK in each service (NodeSDK, TracerProvider, SdkTracerProvider...) with an OTLP exporter, or attach auto-instrumentation (Java agent, opentelemetry-instrument, the OpenTelemetry Operator), and configure OTEL_EXPORTER_OTLP_ENDPOINT in the deployment.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (strong, weak) = tracing_evidence(repo);
        let (own, other) = own_and_other(&strong);
        let own: Vec<&Seen> = own.into_iter().filter(|s| s.location == Location::Project).collect();
        if !own.is_empty() {
            return Finding::pass(format!("distributed tracing is set up: {}", describe(&own))).with(cite(&own));
        }
        let exporters: Vec<Seen> = repo
            .scan
            .project_hits("otel.env")
            .filter(|h| h.text.contains("OTEL_EXPORTER_OTLP") || h.text.contains("OTEL_TRACES_EXPORTER"))
            .map(|h| Seen::hit(format!("exporter setting `{}`", clip(&h.text, 60)), h))
            .collect();
        let (weak_own, _) = own_and_other(&weak);
        if !exporters.is_empty() && !weak_own.is_empty() {
            let both: Vec<&Seen> = exporters.iter().chain(weak_own.iter().copied()).collect();
            return Finding::pass(format!(
                "OpenTelemetry is a dependency and its exporter is configured: {}",
                describe(&both)
            ))
            .with(cite(&both));
        }
        if !weak_own.is_empty() {
            return Finding::partial(
                0.5,
                format!("OpenTelemetry is declared but no SDK initialisation was found: {}", describe(&weak_own)),
            )
            .with(cite(&weak_own));
        }
        if !exporters.is_empty() {
            let e: Vec<&Seen> = exporters.iter().collect();
            return Finding::partial(
                0.5,
                format!(
                    "OTLP exporter settings exist ({}) but no OpenTelemetry SDK or agent was found in the project",
                    describe(&e)
                ),
            )
            .with(cite(&e));
        }
        let apm: Vec<Seen> =
            repo.scan.project_hits("apm.vendor").map(|h| Seen::hit(format!("`{}`", clip(&h.text, 60)), h)).collect();
        if !apm.is_empty() {
            let a: Vec<&Seen> = apm.iter().collect();
            return Finding::partial(0.4, format!("only a vendor APM tracer is set up: {}", describe(&a)))
                .with(cite(&a));
        }
        if !other.is_empty() {
            return examples_only(&other, "OpenTelemetry setup");
        }
        Finding::fail(
            "no distributed tracing found (looked for OpenTelemetry SDK initialisation in code, SDK dependencies, the Java agent, opentelemetry-instrument, the OpenTelemetry Operator, Micrometer Tracing bridges and OTEL_EXPORTER_OTLP_* settings); a logging crate such as Rust's `tracing` is not distributed tracing",
        )
    }
}

/// A parsed YAML mapping that is an OpenTelemetry Collector configuration.
fn is_collector_config(node: &Node) -> bool {
    node.get("receivers").is_some_and(Node::is_map)
        && node.get("exporters").is_some_and(Node::is_map)
        && node.at("service.pipelines").is_some()
}

fn collector_configs(repo: &RepoFacts) -> Vec<Seen> {
    let exporters: Vec<&Hit> = repo.scan.hits("otel.collector_exporters").collect();
    let mut out: Vec<Seen> = repo
        .scan
        .hits("otel.collector_receivers")
        .filter(|h| exporters.iter().any(|e| e.path == h.path))
        .map(|h| Seen::new("OpenTelemetry Collector configuration", &h.path, Some(h.line), h.location))
        .collect();
    for o in &repo.k8s.objects {
        let name = o.name.as_deref().unwrap_or("unnamed");
        if o.group() == "opentelemetry.io" && o.kind == "OpenTelemetryCollector" {
            out.push(Seen::new(format!("OpenTelemetryCollector `{name}`"), &o.path, Some(o.line), o.location));
        }
        if o.kind == "ConfigMap" {
            for e in o.doc.key("data").entries() {
                let Some(text) = e.value.as_str() else { continue };
                let parsed = crate::facts::yaml::parse(text).ok();
                if parsed.as_ref().and_then(|d| d.first()).is_some_and(is_collector_config) {
                    out.push(Seen::new(
                        format!("Collector configuration in ConfigMap `{name}`"),
                        &o.path,
                        Some(e.line),
                        o.location,
                    ));
                }
            }
        }
    }
    for chart in &repo.k8s.charts {
        let Some(values) = &chart.values else { continue };
        let path = values_path(chart);
        let mut found = None;
        walk(values, &mut |_, _, node| {
            if found.is_none() && is_collector_config(node) {
                found = Some(node.line);
            }
            true
        });
        if let Some(line) = found {
            out.push(Seen::new("Collector configuration in Helm values", &path, Some(line), chart.location));
        }
    }
    out
}

const TRACE_BACKENDS: &[&str] = &[
    "jaeger",
    "jaegertracing",
    "tempo",
    "zipkin",
    "openzipkin",
    "opentelemetry-collector",
    "otel-collector",
    "otelcol",
    "otel-lgtm",
    "signoz",
    "apm-server",
];

pub struct TraceBackend;

impl Check for TraceBackend {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.trace_backend",
            title: "Traces are collected by a tracing backend",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Spans that are exported nowhere are lost; a Collector or a tracing backend (Jaeger, Tempo, Zipkin, a vendor) is what makes traces searchable when an incident happens.",
            remediation: "Run an OpenTelemetry Collector (receivers → processors → exporters) beside the services and point OTEL_EXPORTER_OTLP_ENDPOINT at it, exporting to Jaeger, Tempo or the vendor backend; declare it in compose, Kubernetes or Helm so every environment has it.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = collector_configs(repo);
        seen.extend(in_stack(repo, TRACE_BACKENDS));
        for h in repo
            .scan
            .hits("otel.env")
            .filter(|h| h.text.contains("OTEL_EXPORTER_OTLP") || h.text.contains("OTEL_TRACES_EXPORTER"))
        {
            seen.push(Seen::hit(format!("OTLP exporter `{}`", clip(&h.text, 60)), h));
        }
        for key in [
            "management.otlp.tracing.endpoint",
            "management.zipkin.tracing.endpoint",
            "management.opentelemetry.tracing.export.otlp.endpoint",
        ] {
            for f in repo.config.spring(key) {
                seen.push(Seen::new(format!("Spring `{key}`"), f.path, Some(f.line), Location::Project));
            }
        }
        for b in repo.terraform.resources(&["aws_xray_group", "aws_xray_sampling_rule"]) {
            seen.push(Seen::new(format!("AWS X-Ray `{}`", b.label()), &b.path, Some(b.line), b.location));
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("traces have somewhere to go: {}", describe(&own))).with(cite(&own));
        }
        if !other.is_empty() {
            return examples_only(&other, "a tracing backend");
        }
        unknown_or_fail(
            repo,
            is_tf,
            "traces are collected by a tracing backend",
            "no tracing backend found (looked for OpenTelemetry Collector configurations, Jaeger, Tempo, Zipkin or a Collector in compose, Kubernetes and Helm, OTEL_EXPORTER_OTLP_* endpoints, Spring tracing endpoints and AWS X-Ray)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 3.2 logging

const JSON_LOG_SIGNALS: &[(&str, &str)] = &[
    ("log.json.php", "Monolog JSON formatting"),
    ("log.json.python", "structured logging in Python"),
    ("log.json.node", "JSON logging in JavaScript"),
    ("log.json.go", "structured logging in Go"),
    ("log.json.java", "JSON logging in Java"),
    ("log.json.rust", "JSON logging in Rust"),
    ("log.json.dotnet", "JSON logging in .NET"),
];

/// Logging frameworks that do not write JSON unless told to, by the name a message uses.
fn logging_framework(d: &Dependency) -> Option<&'static str> {
    let n = d.name.to_ascii_lowercase();
    Some(match d.ecosystem {
        Ecosystem::Composer => match n.as_str() {
            "monolog/monolog" | "symfony/monolog-bundle" => "Monolog",
            "laminas/laminas-log" => "laminas-log",
            _ => return None,
        },
        Ecosystem::Npm => match n.as_str() {
            "winston" => "winston",
            "log4js" => "log4js",
            "loglevel" => "loglevel",
            "morgan" => "morgan",
            _ => return None,
        },
        Ecosystem::Pypi => match n.as_str() {
            "loguru" => "loguru",
            "logbook" => "Logbook",
            _ => return None,
        },
        Ecosystem::Go => match n.as_str() {
            "github.com/sirupsen/logrus" => "logrus",
            "go.uber.org/zap" => "zap",
            "github.com/rs/zerolog" => "zerolog",
            _ => return None,
        },
        Ecosystem::Cargo => match n.as_str() {
            "log" | "env_logger" => "log/env_logger",
            "tracing-subscriber" => "tracing-subscriber",
            "slog" => "slog",
            "fern" | "log4rs" => "fern/log4rs",
            _ => return None,
        },
        Ecosystem::Maven | Ecosystem::Gradle => {
            if n.starts_with("ch.qos.logback:") || n.starts_with("org.springframework.boot:spring-boot-starter") {
                "Logback (Spring Boot's default)"
            } else if n.starts_with("org.apache.logging.log4j:") {
                "Log4j 2"
            } else {
                return None;
            }
        }
    })
}

pub struct StructuredLogging;

impl Check for StructuredLogging {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.structured_logging",
            title: "Logs are written as structured JSON",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "A log pipeline can index, filter and correlate (by trace id, user, order) only fields it can parse; free-text lines have to be grepped.",
            remediation: "Write logs as JSON to stdout: Monolog's `monolog.formatter.json`, structlog or python-json-logger, pino or winston's `format.json()`, zap/zerolog/slog's JSON handler, logstash-logback-encoder or Spring Boot's `logging.structured.format.console`, tracing-subscriber's `.json()`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut json = Vec::new();
        let mut plain = Vec::new();
        for found in repo.config.symfony("monolog.handlers") {
            for h in found.node.entries() {
                let formatter = h.value.key("formatter");
                match formatter.as_str() {
                    Some(f)
                        if ["json", "logstash", "gelf", "ecs"].iter().any(|k| f.to_ascii_lowercase().contains(k)) =>
                    {
                        json.push(Seen::new(
                            format!("Monolog handler `{}` with `{f}`", h.key),
                            found.path,
                            Some(formatter.line.max(h.line)),
                            Location::Project,
                        ))
                    }
                    _ => plain.push(Seen::new(
                        format!("Monolog handler `{}`", h.key),
                        found.path,
                        Some(h.line),
                        Location::Project,
                    )),
                }
            }
        }
        for key in ["logging.structured.format.console", "logging.structured.format.file"] {
            for f in repo.config.spring(key) {
                json.push(Seen::new(format!("Spring Boot `{key}`"), f.path, Some(f.line), Location::Project));
            }
        }
        for (id, what) in JSON_LOG_SIGNALS {
            for h in repo.scan.hits(id).filter(|h| !h.text.contains("NewDevelopment")) {
                if json.iter().any(|s| s.path == h.path && s.line == Some(h.line)) {
                    continue;
                }
                json.push(Seen::hit(format!("{what} (`{}`)", clip(&h.text, 60)), h));
            }
        }
        let (own, other) = own_and_other(&json);
        let own: Vec<&Seen> = own.into_iter().filter(|s| s.location == Location::Project).collect();
        if !own.is_empty() {
            return Finding::pass(format!("logs are structured: {}", describe(&own))).with(cite(&own));
        }
        for d in &repo.manifests.dependencies {
            if let Some(name) = logging_framework(d).filter(|n| !plain.iter().any(|s| s.what.starts_with(n))) {
                plain.push(Seen::dep(format!("{name} (`{}`)", d.name), d));
            }
        }
        if !plain.is_empty() {
            let p: Vec<&Seen> = plain.iter().collect();
            // plain-text lines are what the item sets out to replace: a framework alone is not it
            return Finding::fail(format!(
                "logs are plain text: a logging framework is used ({}) but no JSON output is configured",
                describe(&p)
            ))
            .with(cite(&p));
        }
        if !other.is_empty() {
            return examples_only(&other, "structured logging");
        }
        Finding::fail(
            "no logging setup found (looked for Monolog handlers and formatters, Spring Boot structured logging, structlog, pino, winston, zap, zerolog, slog, logstash-logback-encoder, tracing-subscriber and Serilog JSON formatters, and logging-framework dependencies)",
        )
    }
}

const LOG_STACK: &[&str] = &[
    "fluentd",
    "fluent-bit",
    "fluentbit",
    "fluent-operator",
    "vector",
    "logstash",
    "promtail",
    "alloy",
    "loki",
    "elasticsearch",
    "opensearch",
    "filebeat",
    "graylog",
    "splunk",
];

const SHIPPER_FILES: &[(&str, &str)] = &[
    ("fluent-bit.conf", "Fluent Bit"),
    ("fluent-bit.yaml", "Fluent Bit"),
    ("fluent-bit.yml", "Fluent Bit"),
    ("fluentd.conf", "Fluentd"),
    ("fluent.conf", "Fluentd"),
    ("td-agent.conf", "Fluentd"),
    ("vector.toml", "Vector"),
    ("vector.yaml", "Vector"),
    ("logstash.conf", "Logstash"),
    ("logstash.yml", "Logstash"),
    ("promtail.yaml", "Promtail"),
    ("promtail.yml", "Promtail"),
    ("config.alloy", "Grafana Alloy"),
    ("filebeat.yml", "Filebeat"),
];

pub struct LogShipping;

impl Check for LogShipping {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.log_shipping",
            title: "Logs are shipped to a central store",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Logs left on the container or host disappear with it and cannot be searched across instances; a shipper and a central store keep them for incidents and audits.",
            remediation: "Ship container logs to a central store: a Fluent Bit, Vector, Promtail or Alloy agent (DaemonSet or sidecar) sending to Loki, Elasticsearch/OpenSearch or the cloud's log service (CloudWatch Logs through the `awslogs` driver, Cloud Logging), declared in the repository.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = in_stack(repo, LOG_STACK);
        for e in repo.files.entries() {
            if matches!(e.location, Location::Vendored) {
                continue;
            }
            if let Some((_, tool)) = SHIPPER_FILES.iter().find(|(n, _)| e.name().eq_ignore_ascii_case(n)) {
                seen.push(Seen::new(format!("{tool} configuration"), &e.path, None, e.location));
            } else if e.name().ends_with(".alloy") {
                seen.push(Seen::new("Grafana Alloy configuration", &e.path, None, e.location));
            }
        }
        for h in repo.scan.hits("log.shipper") {
            if !seen.iter().any(|s| s.path == h.path) {
                seen.push(Seen::hit(format!("log shipper configuration (`{}`)", clip(&h.text, 40)), h));
            }
        }
        for b in repo.terraform.resources(&[
            "aws_cloudwatch_log_group",
            "google_logging_project_sink",
            "azurerm_log_analytics_workspace",
            "aws_opensearch_domain",
            "aws_elasticsearch_domain",
        ]) {
            seen.push(Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location));
        }
        for b in repo.terraform.resources(&["aws_ecs_task_definition"]) {
            let defs = b.attr("container_definitions").map(|v| v.text()).unwrap_or_default();
            if defs.contains("awslogs") || defs.contains("awsfirelens") {
                seen.push(Seen::new(
                    format!("ECS task `{}` with the awslogs driver", b.name),
                    &b.path,
                    Some(b.line),
                    b.location,
                ));
            }
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("logs are shipped centrally: {}", describe(&own))).with(cite(&own));
        }
        if !other.is_empty() {
            return examples_only(&other, "log shipping");
        }
        unknown_or_fail(
            repo,
            is_tf,
            "logs are shipped to a central store",
            "no log shipping found (looked for Fluentd, Fluent Bit, Vector, Logstash, Promtail, Alloy and Filebeat configurations or services, Loki, Elasticsearch or OpenSearch in compose, Kubernetes and Helm, and CloudWatch log groups or the awslogs driver in Terraform)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 3.3 metrics and alerting

/// Dependencies that export application metrics on their own once installed.
fn exports_metrics(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    match d.ecosystem {
        Ecosystem::Maven | Ecosystem::Gradle => n.starts_with("io.micrometer:micrometer-registry-"),
        Ecosystem::Composer => {
            matches!(n.as_str(), "artprima/prometheus-metrics-bundle" | "promphp/prometheus_client_php")
        }
        Ecosystem::Pypi => matches!(
            n.as_str(),
            "prometheus-flask-exporter"
                | "django-prometheus"
                | "prometheus-fastapi-instrumentator"
                | "starlette-exporter"
        ),
        Ecosystem::Npm => matches!(n.as_str(), "express-prom-bundle" | "@willsoto/nestjs-prometheus"),
        Ecosystem::Cargo => matches!(n.as_str(), "metrics-exporter-prometheus" | "axum-prometheus"),
        Ecosystem::Go => false,
    }
}

fn scraped_workloads(repo: &RepoFacts) -> Vec<Seen> {
    let mut out = Vec::new();
    for o in &repo.k8s.objects {
        let templ = o.doc.at("spec.template.metadata.annotations");
        let meta = o.doc.at("metadata.annotations");
        for ann in [templ, meta].into_iter().flatten() {
            if let Some(e) =
                ann.entries().iter().find(|e| e.key == "prometheus.io/scrape" && e.value.as_bool() == Some(true))
            {
                out.push(Seen::new(
                    format!("{} `{}` annotated `prometheus.io/scrape`", o.kind, o.name.as_deref().unwrap_or("unnamed")),
                    &o.path,
                    Some(e.line),
                    o.location,
                ));
            }
        }
    }
    out
}

pub struct MetricsExported;

impl Check for MetricsExported {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.metrics_exported",
            title: "The application exports metrics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Request rates, error rates, latencies and business counters measured inside the application are what dashboards, SLOs and alerts are built on; a monitoring server without application metrics only sees the host.",
            remediation: "Record application metrics with a client (Prometheus client, OpenTelemetry metrics, Micrometer with a registry such as micrometer-registry-prometheus) and have them scraped (ServiceMonitor/PodMonitor, `prometheus.io/scrape`) or pushed over OTLP.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = Vec::new();
        for (id, what) in [("metrics.client", "metrics recorded"), ("metrics.otel", "OpenTelemetry metrics")] {
            for h in repo.scan.hits(id) {
                seen.push(Seen::hit(format!("{what}: `{}`", clip(&h.text, 60)), h));
            }
        }
        for d in repo.manifests.dependencies.iter().filter(|d| exports_metrics(d)) {
            seen.push(Seen::dep(format!("`{}`", d.name), d));
        }
        for kind in ["ServiceMonitor", "PodMonitor"] {
            for o in repo.k8s.of_kind("monitoring.coreos.com", kind) {
                seen.push(Seen::new(
                    format!("{kind} `{}`", o.name.as_deref().unwrap_or("unnamed")),
                    &o.path,
                    Some(o.line),
                    o.location,
                ));
            }
            for c in &repo.k8s.charts {
                if let Some((_, path, line)) = c.declares(kind) {
                    seen.push(Seen::new(format!("{kind} in Helm chart"), path, Some(*line), c.location));
                }
            }
        }
        seen.extend(scraped_workloads(repo));
        let (own, other) = own_and_other(&seen);
        let own: Vec<&Seen> = own.into_iter().filter(|s| s.location == Location::Project).collect();
        if !own.is_empty() {
            return Finding::pass(format!("application metrics are exported: {}", describe(&own))).with(cite(&own));
        }
        if let Some(d) = repo
            .manifests
            .dependencies
            .iter()
            .find(|d| d.name == "org.springframework.boot:spring-boot-starter-actuator")
        {
            let s = Seen::dep("Spring Boot Actuator", d);
            return Finding::partial(
                0.5,
                format!(
                    "Spring Boot Actuator ({}) records Micrometer metrics, but no registry (micrometer-registry-prometheus, -otlp...) exports them to a monitoring system",
                    s.place()
                ),
            )
            .with_one(s.evidence());
        }
        if let Some(h) = repo.scan.project_hits("metrics.server").next() {
            return Finding::partial(
                0.4,
                format!(
                    "the web server exports its request metrics (`{}`), but the application records no metrics of its own",
                    h.path
                ),
            )
            .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        let servers = in_stack(repo, &["prometheus", "grafana", "victoriametrics", "mimir", "thanos"]);
        let (servers, _) = own_and_other(&servers);
        if !servers.is_empty() {
            return Finding::partial(
                0.3,
                format!(
                    "a monitoring server runs ({}) but the application records no metrics of its own",
                    describe(&servers)
                ),
            )
            .with(cite(&servers));
        }
        if !other.is_empty() {
            return examples_only(&other, "application metrics");
        }
        Finding::fail(
            "no application metrics found (looked for Prometheus clients, OpenTelemetry metrics, Micrometer registries, metrics exporters, ServiceMonitor/PodMonitor objects and `prometheus.io/scrape` annotations)",
        )
    }
}

fn alert_rules(repo: &RepoFacts) -> Vec<Seen> {
    let mut out: Vec<Seen> = repo
        .slo
        .alert_rules
        .iter()
        .map(|r| Seen::new(format!("Prometheus alert `{}`", r.name), &r.path, Some(r.line), r.location))
        .collect();
    for h in repo.scan.hits("grafana.alert_rule") {
        if !out.iter().any(|s| s.path == h.path) {
            out.push(Seen::new("Grafana alert rule", &h.path, Some(h.line), h.location));
        }
    }
    for o in repo.k8s.of_kind("monitoring.coreos.com", "PrometheusRule") {
        if !out.iter().any(|s| s.path == o.path) {
            out.push(Seen::new(
                format!("PrometheusRule `{}`", o.name.as_deref().unwrap_or("unnamed")),
                &o.path,
                Some(o.line),
                o.location,
            ));
        }
    }
    out
}

fn alert_receivers(repo: &RepoFacts) -> Vec<Seen> {
    let mut out = Vec::new();
    for h in repo.scan.hits("alert.receiver") {
        out.push(Seen::hit(format!("Alertmanager receiver `{}`", clip(h.text.trim_start_matches("- "), 40)), h));
    }
    for h in repo.scan.hits("grafana.contact_point") {
        out.push(Seen::new("Grafana contact points", &h.path, Some(h.line), h.location));
    }
    for o in repo.k8s.of_kind("monitoring.coreos.com", "AlertmanagerConfig") {
        out.push(Seen::new(
            format!("AlertmanagerConfig `{}`", o.name.as_deref().unwrap_or("unnamed")),
            &o.path,
            Some(o.line),
            o.location,
        ));
    }
    out
}

pub struct AlertingConfigured;

impl Check for AlertingConfigured {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.alerting_configured",
            title: "Alerts are defined and routed to people",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Metrics nobody watches do not shorten outages; alert rules on symptoms, routed to an on-call channel, are what turn a failure into a response.",
            remediation: "Define alert rules as code (Prometheus rules, Grafana alert rules or CloudWatch alarms) and route them to a receiver (Alertmanager with PagerDuty, Opsgenie or Slack, Grafana contact points, alarm actions to SNS).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let rules = alert_rules(repo);
        let receivers = alert_receivers(repo);
        let mut routed = Vec::new();
        let mut unrouted = Vec::new();
        for b in repo.terraform.resources(&["aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm"]) {
            let s = Seen::new(format!("CloudWatch alarm `{}`", b.name), &b.path, Some(b.line), b.location);
            if b.has("alarm_actions") && b.attr("alarm_actions").is_some_and(|v| !matches!(v.text().trim(), "[]" | ""))
            {
                routed.push(s);
            } else {
                unrouted.push(s);
            }
        }
        for b in repo.terraform.resources(&[
            "google_monitoring_alert_policy",
            "azurerm_monitor_metric_alert",
            "datadog_monitor",
            "grafana_rule_group",
        ]) {
            let s = Seen::new(format!("Terraform `{}`", b.label()), &b.path, Some(b.line), b.location);
            if b.has("notification_channels")
                || b.has("action")
                || b.attr("message").is_some_and(|m| m.text().contains('@'))
            {
                routed.push(s);
            } else {
                unrouted.push(s);
            }
        }
        let (own_rules, other_rules) = own_and_other(&rules);
        let (own_receivers, _) = own_and_other(&receivers);
        if !routed.is_empty() || (!own_rules.is_empty() && !own_receivers.is_empty()) {
            let mut all: Vec<&Seen> = routed.iter().collect();
            all.extend(own_rules.iter().take(2).copied());
            all.extend(own_receivers.iter().take(2).copied());
            return Finding::pass(format!("alerts are defined and routed: {}", describe(&all))).with(cite(&all));
        }
        let mut rules_only: Vec<&Seen> = own_rules.clone();
        rules_only.extend(unrouted.iter());
        if !rules_only.is_empty() {
            let alertmanager = in_stack(repo, &["alertmanager"]);
            let (am, _) = own_and_other(&alertmanager);
            if !am.is_empty() {
                let mut all = rules_only.clone();
                all.extend(am.iter().copied());
                return Finding::partial(
                    0.7,
                    format!("alert rules exist and Alertmanager runs, but no receiver (PagerDuty, Slack, e-mail...) is configured: {}", describe(&all)),
                )
                .with(cite(&all));
            }
            return Finding::partial(
                0.5,
                format!("alert rules exist but nothing routes them to people: {}", describe(&rules_only)),
            )
            .with(cite(&rules_only));
        }
        let boards = dashboards(repo);
        let (own_boards, _) = own_and_other(&boards);
        if !own_boards.is_empty() {
            return Finding::partial(0.3, format!("only dashboards, no alert rules: {}", describe(&own_boards)))
                .with(cite(&own_boards));
        }
        if !other_rules.is_empty() {
            return examples_only(&other_rules, "alerting");
        }
        unknown_or_fail(
            repo,
            is_tf,
            "alerts are defined and routed",
            "no alerting found (looked for Prometheus and Grafana alert rules, PrometheusRule objects, Alertmanager receivers, Grafana contact points, CloudWatch alarms and other Terraform alert policies)",
        )
    }
}

// ---------------------------------------------------------------------------------------------
// 3.1 trace correlation, 3.3 business metrics

pub struct TraceLogCorrelation;

impl Check for TraceLogCorrelation {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.trace_log_correlation",
            title: "Log records carry the trace and span ids",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Trace correlation is what turns a slow trace into the log lines that explain it: with the trace id in every record, one search goes from a span to its logs and back.",
            remediation: "Send logs through an OpenTelemetry log bridge (OTLP log exporter, `LoggingInstrumentor`, `@opentelemetry/instrumentation-pino`, the otelslog or logback appender), or add the current trace and span ids in a logging processor (a Monolog processor, a structlog processor, `%X{trace_id}` in a logback pattern).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let seen = signal_seen(repo, &["obs.trace_log_correlation"]);
        if let Some(f) = own_or_examples(&seen, "log records carry trace ids") {
            return f;
        }
        let tracing = repo.scan.any_project_hit(&["otel.sdk_init", "otel.auto"]);
        match tracing {
            Some(h) => Finding::fail(format!(
                "traces are recorded (`{}`), but no log record carries the trace id (looked for OpenTelemetry log bridges and OTLP log exporters, logging processors and patterns adding `trace_id`)",
                h.path
            )),
            None => Finding::fail(
                "no log record carries a trace id (looked for OpenTelemetry log bridges and OTLP log exporters, Monolog and structlog processors, logback and Spring Boot patterns with `trace_id`, Datadog log injection)",
            ),
        }
    }
}

pub struct BusinessMetrics;

impl Check for BusinessMetrics {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.obs.business_metrics",
            title: "Business metrics are recorded next to infrastructure metrics",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Request rates and CPU say the system is up; orders, sign-ups and payments say it is doing its job. Recorded beside the infrastructure metrics, they show a business impact in the same dashboards and alerts.",
            remediation: "Count business events where they happen (a counter of orders placed, payments failed, sign-ups completed, with the OpenTelemetry meter, a Prometheus client or Micrometer) and chart them beside the service's technical metrics.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = signal_seen(repo, &["metrics.business_code"]);
        for h in repo.scan.hits("dash.business_metric").filter(|h| h.location != Location::Vendored) {
            seen.push(Seen::hit(format!("a dashboard query `{}`", clip(&h.text, 70)), h));
        }
        if let Some(f) = own_or_examples(&seen, "business metrics are recorded") {
            return f;
        }
        match repo.scan.any_project_hit(&["metrics.client", "metrics.otel"]) {
            Some(h) => Finding::fail(format!(
                "the application records metrics (`{}`), but none is named after a business event or quantity (orders, sign-ups, payments, revenue...)",
                h.path
            )),
            None => Finding::fail(
                "no business metric is recorded (looked for counters, gauges and histograms named after orders, sign-ups, payments, revenue and the like, in code and in dashboard queries)",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::support::products::names_product;
    use crate::repo::testing::{Row, expect};

    /// Marks the in-memory repository as a service.
    const SERVICE: (&str, &str) = ("compose.yaml", "services:\n  app:\n    build: .\n");
    const LIBRARY: (&str, &str) = ("composer.json", r#"{"type":"library"}"#);

    fn table(check: &dyn Check, rows: Vec<Row>) {
        for (name, mut files, want) in rows {
            if !files.contains(&LIBRARY) && !files.iter().any(|(p, _)| *p == SERVICE.0) {
                files.push(SERVICE);
            }
            expect(check, name, &files, want);
        }
    }

    #[test]
    fn product_names() {
        for (r, want) in [
            ("jaegertracing/all-in-one:1.57", Some("jaegertracing")),
            ("otel/opentelemetry-collector-contrib:0.100.0@sha256:abc", Some("opentelemetry-collector")),
            ("prometheus-community/kube-prometheus-stack", Some("prometheus")),
            ("grafana/loki:3.0", Some("loki")),
            ("pgvector/pgvector:pg16", None),
            ("registry:5000/app", None),
        ] {
            assert_eq!(
                names_product(r, &["jaegertracing", "opentelemetry-collector", "prometheus", "loki", "vector"]),
                want,
                "{r}"
            );
        }
    }

    #[test]
    fn tracing() {
        table(
            &TracingInstrumented,
            vec![
                (
                    "go sdk",
                    vec![
                        ("go.mod", "module x\nrequire go.opentelemetry.io/otel/sdk v1.2.0\n"),
                        ("main.go", "tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp))\n"),
                    ],
                    Status::Pass,
                ),
                (
                    "node sdk",
                    vec![("src/otel.ts", "const sdk = new NodeSDK({ traceExporter });\nsdk.start();\n")],
                    Status::Pass,
                ),
                (
                    "java agent",
                    vec![("Dockerfile", "ENV JAVA_TOOL_OPTIONS=-javaagent:/opentelemetry-javaagent.jar\n")],
                    Status::Pass,
                ),
                (
                    "python distro and import",
                    vec![
                        ("requirements.txt", "opentelemetry-distro\n"),
                        ("app.py", "from opentelemetry import trace\n"),
                    ],
                    Status::Pass,
                ),
                ("api only", vec![("package.json", r#"{"dependencies":{"@opentelemetry/api":"1"}}"#)], Status::Partial),
                (
                    "env only",
                    vec![(
                        "k8s/app.yaml",
                        "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - env:\n            - name: OTEL_EXPORTER_OTLP_ENDPOINT\n              value: http://collector:4317\n",
                    )],
                    Status::Partial,
                ),
                ("vendor apm", vec![("app.py", "import ddtrace\n")], Status::Partial),
                ("example only", vec![("examples/otel.ts", "const sdk = new NodeSDK({});\n")], Status::Partial),
                (
                    "rust tracing crate is not distributed tracing",
                    vec![
                        (
                            "Cargo.toml",
                            "[package]\nname = \"svc\"\n[dependencies]\ntracing = \"0.1\"\ntracing-subscriber = \"0.3\"\n",
                        ),
                        ("src/main.rs", "fn main() { tracing_subscriber::fmt().init(); tracing::info!(\"hi\"); }\n"),
                    ],
                    Status::Fail,
                ),
                ("commented out", vec![("src/otel.ts", "// const sdk = new NodeSDK({});\n")], Status::Fail),
                (
                    "lockfile only",
                    vec![("package-lock.json", "\"node_modules/@opentelemetry/sdk-node\": {}\n")],
                    Status::Fail,
                ),
                (
                    "vendored only",
                    vec![("vendor/acme/otel/init.php", "$tp = TracerProvider::builder()->build();\n")],
                    Status::Fail,
                ),
                (
                    "a library's tracing is judged like any code",
                    vec![LIBRARY, ("src/otel.ts", "const sdk = new NodeSDK({});\n")],
                    Status::Pass,
                ),
            ],
        );
    }

    #[test]
    fn trace_backend() {
        table(
            &TraceBackend,
            vec![
                (
                    "collector config",
                    vec![(
                        "otel/collector.yaml",
                        "receivers:\n  otlp:\n    protocols: {grpc: {}}\nexporters:\n  otlp:\n    endpoint: jaeger:4317\nservice:\n  pipelines:\n    traces: {receivers: [otlp], exporters: [otlp]}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "configmap",
                    vec![(
                        "k8s/cm.yaml",
                        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: otel}\ndata:\n  relay: |\n    receivers:\n      otlp: {}\n    exporters:\n      debug: {}\n    service:\n      pipelines:\n        traces: {receivers: [otlp], exporters: [debug]}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "jaeger in compose",
                    vec![(
                        "compose.yaml",
                        "services:\n  app:\n    build: .\n  jaeger:\n    image: jaegertracing/all-in-one:1.57\n",
                    )],
                    Status::Pass,
                ),
                (
                    "jaeger image as variable",
                    vec![("compose.yaml", "services:\n  app:\n    build: .\n  jaeger:\n    image: ${JAEGER_IMAGE}\n")],
                    Status::Pass,
                ),
                (
                    "otlp endpoint",
                    vec![(
                        "compose.yaml",
                        "services:\n  app:\n    build: .\n    environment:\n      - OTEL_EXPORTER_OTLP_ENDPOINT=http://collector:4317\n",
                    )],
                    Status::Pass,
                ),
                (
                    "alertmanager is not a collector",
                    vec![("alertmanager.yml", "route:\n  receiver: x\nreceivers:\n  - name: x\n")],
                    Status::Fail,
                ),
                (
                    "example only",
                    vec![("examples/compose.yaml", "services:\n  jaeger:\n    image: jaegertracing/all-in-one\n")],
                    Status::Partial,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource \"x\" {")], Status::Unknown),
                ("none", vec![("README.md", "Jaeger is nice")], Status::Fail),
            ],
        );
    }

    #[test]
    fn structured_logging() {
        table(
            &StructuredLogging,
            vec![
                (
                    "monolog json",
                    vec![(
                        "config/packages/monolog.yaml",
                        "when@prod:\n    monolog:\n        handlers:\n            main:\n                type: stream\n                formatter: monolog.formatter.json\n",
                    )],
                    Status::Pass,
                ),
                (
                    "monolog plain",
                    vec![(
                        "config/packages/monolog.yaml",
                        "monolog:\n    handlers:\n        main:\n            type: stream\n            path: php://stderr\n",
                    )],
                    Status::Fail,
                ),
                ("pino", vec![("src/log.ts", "import pino from 'pino';\n")], Status::Pass),
                (
                    "spring structured",
                    vec![("src/main/resources/application.properties", "logging.structured.format.console=ecs\n")],
                    Status::Pass,
                ),
                (
                    "rust tracing without json",
                    vec![
                        ("Cargo.toml", "[package]\nname = \"svc\"\n[dependencies]\ntracing-subscriber = \"0.3\"\n"),
                        ("src/main.rs", "tracing_subscriber::fmt().init();\n"),
                    ],
                    Status::Fail,
                ),
                (
                    "rust tracing json",
                    vec![("src/main.rs", "tracing_subscriber::fmt().json().init();\n")],
                    Status::Pass,
                ),
                ("zap development is not json", vec![("main.go", "logger, _ := zap.NewDevelopment()\n")], Status::Fail),
                ("example only", vec![("examples/log.ts", "import pino from 'pino';\n")], Status::Partial),
                ("none", vec![("README.md", "")], Status::Fail),
            ],
        );
    }

    #[test]
    fn log_shipping() {
        table(
            &LogShipping,
            vec![
                ("fluent bit file", vec![("deploy/fluent-bit.conf", "[OUTPUT]\n    Name loki\n")], Status::Pass),
                (
                    "loki in compose",
                    vec![("compose.yaml", "services:\n  app:\n    build: .\n  loki:\n    image: grafana/loki:3.0\n")],
                    Status::Pass,
                ),
                (
                    "cloudwatch",
                    vec![("infra/logs.tf", "resource \"aws_cloudwatch_log_group\" \"app\" {\n  name = \"/app\"\n}\n")],
                    Status::Pass,
                ),
                (
                    "a name merely containing loki is not loki",
                    vec![("compose.yaml", "services:\n  app:\n    build: .\n  lokiness:\n    image: acme/lokiness\n")],
                    Status::Fail,
                ),
                (
                    "example only",
                    vec![("examples/compose.yml", "services:\n  loki:\n    image: grafana/loki\n")],
                    Status::Partial,
                ),
                ("broken terraform", vec![("infra/main.tf", "resource {")], Status::Unknown),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn metrics() {
        table(
            &MetricsExported,
            vec![
                (
                    "prometheus client",
                    vec![("app/metrics.py", "from prometheus_client import Counter\n")],
                    Status::Pass,
                ),
                ("otel metrics", vec![("app/m.py", "orders = meter.create_counter('orders')\n")], Status::Pass),
                (
                    "micrometer registry",
                    vec![(
                        "pom.xml",
                        "<project><dependencies><dependency><groupId>io.micrometer</groupId><artifactId>micrometer-registry-prometheus</artifactId></dependency></dependencies></project>",
                    )],
                    Status::Pass,
                ),
                (
                    "actuator only",
                    vec![(
                        "pom.xml",
                        "<project><dependencies><dependency><groupId>org.springframework.boot</groupId><artifactId>spring-boot-starter-actuator</artifactId></dependency></dependencies></project>",
                    )],
                    Status::Partial,
                ),
                (
                    "caddy server metrics only",
                    vec![("frankenphp/Caddyfile", "{\n  servers {\n    metrics\n  }\n}\n")],
                    Status::Partial,
                ),
                (
                    "service monitor",
                    vec![(
                        "k8s/sm.yaml",
                        "apiVersion: monitoring.coreos.com/v1\nkind: ServiceMonitor\nmetadata: {name: app}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "prometheus server only",
                    vec![(
                        "compose.yaml",
                        "services:\n  app:\n    build: .\n  prometheus:\n    image: prom/prometheus\n",
                    )],
                    Status::Partial,
                ),
                ("commented", vec![("app/metrics.py", "# from prometheus_client import Counter\n")], Status::Fail),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    const RULES: &str =
        "groups:\n  - name: app\n    rules:\n      - alert: HighErrorRate\n        expr: rate(errors_total[5m]) > 1\n";

    #[test]
    fn alerting() {
        table(
            &AlertingConfigured,
            vec![
                (
                    "rules and alertmanager receiver",
                    vec![
                        ("monitoring/rules.yml", RULES),
                        (
                            "monitoring/alertmanager.yml",
                            "route:\n  receiver: oncall\nreceivers:\n  - name: oncall\n    pagerduty_configs:\n      - routing_key: x\n",
                        ),
                    ],
                    Status::Pass,
                ),
                (
                    "grafana rules and contact points",
                    vec![
                        (
                            "grafana/alerting/rules.yaml",
                            "apiVersion: 1\ngroups:\n  - name: g\n    rules:\n      - uid: a\n        noDataState: NoData\n",
                        ),
                        ("grafana/alerting/contact.yaml", "apiVersion: 1\ncontactPoints:\n  - name: email\n"),
                    ],
                    Status::Pass,
                ),
                (
                    "cloudwatch alarm with action",
                    vec![(
                        "infra/alarms.tf",
                        "resource \"aws_cloudwatch_metric_alarm\" \"cpu\" {\n  alarm_actions = [aws_sns_topic.oncall.arn]\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "cloudwatch alarm without action",
                    vec![(
                        "infra/alarms.tf",
                        "resource \"aws_cloudwatch_metric_alarm\" \"cpu\" {\n  threshold = 80\n}\n",
                    )],
                    Status::Partial,
                ),
                ("rules only", vec![("monitoring/rules.yml", RULES)], Status::Partial),
                (
                    "dashboards only",
                    vec![("grafana/dash.json", "{\n  \"panels\": [],\n  \"schemaVersion\": 39\n}\n")],
                    Status::Partial,
                ),
                ("examples only", vec![("examples/rules.yml", RULES)], Status::Partial),
                ("none", vec![], Status::Fail),
                (
                    "a library's alert rules are judged like any file",
                    vec![LIBRARY, ("monitoring/rules.yml", RULES)],
                    Status::Partial,
                ),
            ],
        );
    }

    #[test]
    fn trace_log_correlation() {
        table(
            &TraceLogCorrelation,
            vec![
                (
                    "log bridge",
                    vec![("app/telemetry.py", "LoggingInstrumentor().instrument(set_logging_format=True)\n")],
                    Status::Pass,
                ),
                (
                    "monolog processor",
                    vec![("src/Log/Trace.php", "$record->extra['trace_id'] = $spanContext->getTraceId();\n")],
                    Status::Pass,
                ),
                (
                    "only in an example",
                    vec![("examples/app/telemetry.py", "LoggingInstrumentor().instrument()\n")],
                    Status::Partial,
                ),
                ("commented out", vec![("app/telemetry.py", "# LoggingInstrumentor().instrument()\n")], Status::Fail),
                (
                    "tracing without correlation",
                    vec![("app/tracing.go", "tp := sdktrace.NewTracerProvider(\n")],
                    Status::Fail,
                ),
                ("nothing", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn business_metrics() {
        table(
            &BusinessMetrics,
            vec![
                (
                    "order counter",
                    vec![("shop/metrics.py", "ORDERS = Counter('shop_orders_total', 'Orders placed')\n")],
                    Status::Pass,
                ),
                (
                    "dashboard over orders",
                    vec![(
                        "grafana/shop.json",
                        "{\n  \"panels\": [\n    {\"targets\": [{\"expr\": \"sum(rate(orders_total[5m]))\"}]}\n  ]\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "fixture only",
                    vec![("tests/fixtures/metrics.py", "ORDERS = Counter('orders_total', 'x')\n")],
                    Status::Partial,
                ),
                (
                    "technical metrics only",
                    vec![("app/metrics.py", "REQUESTS = Counter('http_requests_total', 'Requests')\n")],
                    Status::Fail,
                ),
                ("vendored", vec![("vendor/acme/metrics.py", "ORDERS = Counter('orders_total', 'x')\n")], Status::Fail),
                ("nothing", vec![], Status::Fail),
            ],
        );
    }
}
