//! Signals for observability, code quality, documentation and business alignment (items 3.x, 6.x, 7.x).
//!
//! Several of these only mean something together, in one file: a Collector configuration has
//! top-level `receivers:` *and* `exporters:`; a Grafana dashboard has `"schemaVersion"` *and*
//! `"panels"`. The checks pair them by path; each pattern alone still names a construct of that
//! format (a top-level key, a section header), never a bare word.

#[allow(unused_imports)]
use super::{ALL, CODE, JS, SERVER, Signal, s};

const YAML: &[&str] = &["*.yaml", "*.yml"];
const JSON: &[&str] = &["*.json"];
/// Code of the languages an OpenTelemetry SDK is initialised in (C++ too, unlike `CODE`).
const OTEL_CODE: &[&str] = &[
    "*.php", "*.py", "*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.tsx", "*.go", "*.rs", "*.java", "*.kt", "*.scala",
    "*.cs", "*.rb", "*.ex", "*.exs", "*.cpp", "*.cc", "*.h", "*.hpp",
];
/// Where processes are launched: images, compose/k8s files, scripts, npm scripts.
const LAUNCH: &[&str] =
    &["Dockerfile*", "*.yaml", "*.yml", "*.sh", "*.json", "*.env", ".env*", "Procfile", "*.toml", "*.ini"];

pub(super) static SIGNALS: &[Signal] = &[
    // 3.1 distributed tracing
    s(
        "otel.sdk_init",
        "an OpenTelemetry tracer provider or SDK is initialised in code",
        r"new\s+(NodeSDK|NodeTracerProvider|WebTracerProvider|BasicTracerProvider)\s*\(|\bsdktrace\.NewTracerProvider\(|\btrace\.NewTracerProvider\(|\bset_tracer_provider\(|\bSdkTracerProvider\.builder\(|\bOpenTelemetrySdk\.builder\(|AutoConfiguredOpenTelemetrySdk\b|\bSdkTracerProvider::builder\(|opentelemetry_otlp::(new_pipeline|SpanExporter)\b|tracing_opentelemetry::(layer|OpenTelemetryLayer)\b|Sdk\.CreateTracerProviderBuilder\(|\.AddOpenTelemetry\(|OpenTelemetry::SDK\.configure|TracerProviderFactory\b|\bTracerProvider::builder\(|OpenTelemetry\\SDK\\Trace\\TracerProvider\b|\bSdkAutoloader\b|OpentelemetryPhoenix\.setup|:opentelemetry\.register_tracer",
        OTEL_CODE,
    ),
    s(
        "otel.auto",
        "OpenTelemetry auto-instrumentation is attached to a process",
        r"\bopentelemetry-instrument\s|auto-instrumentations-node/register|instrumentation\.opentelemetry\.io/inject-[a-z]+|\bOTEL_PHP_AUTOLOAD_ENABLED\b|OpenTelemetry\.AutoInstrumentation",
        LAUNCH,
    ),
    s(
        "otel.collector_receivers",
        "a top-level `receivers:` section (OpenTelemetry Collector configuration)",
        r"^receivers:\s*(#.*)?$",
        YAML,
    ),
    s(
        "otel.collector_exporters",
        "a top-level `exporters:` section (OpenTelemetry Collector configuration)",
        r"^exporters:\s*(#.*)?$",
        YAML,
    ),
    // 3.2 log shipping
    s(
        "log.shipper",
        "a log shipper configuration (Fluent Bit, Fluentd, Vector, Logstash, Promtail, Alloy, Filebeat)",
        r"^\[(INPUT|OUTPUT)\]\s*$|^<(source|match)(\s[^>]*)?>\s*$|^\[sinks\.[A-Za-z0-9_-]+\]|^output\s*\{\s*$|^clients:\s*$|^[ \t]*loki\.(write|source\.[a-z_]+)\s+.[A-Za-z0-9_]+.\s*\{|^filebeat\.(inputs|autodiscover):",
        &["*.conf", "*.cfg", "*.toml", "*.yaml", "*.yml", "*.alloy", "*.river"],
    ),
    // 3.3 metrics and alerting
    s(
        "metrics.otel",
        "metrics recorded through the OpenTelemetry metrics API",
        r"\.create_(counter|histogram|up_down_counter|gauge|observable_gauge|observable_counter)\(|\bget_meter\(|\bgetMeter\(|\.Int64(Counter|Histogram|UpDownCounter|ObservableGauge)\(|\.Float64(Counter|Histogram|Gauge|ObservableGauge)\(|\bSdkMeterProvider\b|PeriodicExportingMetricReader|\.WithMetrics\(|\bset_meter_provider\(|\.u64_counter\(|\.f64_histogram\(",
        OTEL_CODE,
    ),
    s(
        "alert.receiver",
        "an Alertmanager receiver that notifies people (PagerDuty, Opsgenie, Slack, e-mail, webhook...)",
        r"^[ \t]*-?\s*(pagerduty|opsgenie|slack|email|webhook|victorops|pushover|msteams|msteamsv2|telegram|sns|discord|webex|wechat|jira|rocketchat)_configs:|^[ \t]*-?\s*(pagerduty|opsgenie|slack|email|webhook|victorops|pushover|msteams|telegram|sns|discord|webex)Configs:",
        YAML,
    ),
    s("grafana.contact_point", "Grafana alerting contact points are provisioned", r"^contactPoints:\s*$", YAML),
    s(
        "grafana.alert_rule",
        "a Grafana-managed alert rule (`noDataState`/`execErrState`)",
        r#"^[ \t]*"?(noDataState|execErrState)"?\s*:"#,
        &["*.yaml", "*.yml", "*.json"],
    ),
    s(
        "grafana.dashboard_schema",
        "a Grafana dashboard model (`schemaVersion`)",
        r#"^[ \t]*"schemaVersion"\s*:\s*\d+"#,
        JSON,
    ),
    s("grafana.dashboard_panels", "a Grafana dashboard model (`panels`)", r#"^[ \t]*"panels"\s*:\s*\["#, JSON),
    s(
        "dash.business_metric",
        "a dashboard query over a business metric (orders, revenue, sign-ups, payments...)",
        r#""(expr|rawSql|query|rawQuery)"\s*:\s*"[^"]*\b[a-z0-9_:]*(orders?|revenue|sales|purchases?|signups?|sign_ups?|registrations?|conversions?|payments?|checkouts?|subscriptions?|gmv|arpu|churn)[a-z0-9_]*\s*([{\[)",]|\s)"#,
        JSON,
    ),
    // 6.2 code quality
    s(
        "quality.phpstan_level",
        "the PHPStan rule level",
        r"^[ \t]*level:\s*(\d+|max)\b",
        &["*phpstan*.neon", "*phpstan*.neon.dist"],
    ),
    s(
        "quality.clippy_lints",
        "clippy lint levels declared in Cargo.toml",
        r"^\[(workspace\.)?lints\.clippy\]",
        &["*Cargo.toml"],
    ),
    s(
        "quality.py_config",
        "a Python static analyser configured (mypy, ruff, pylint, flake8, pyright)",
        r"^\[(tool\.)?(mypy|ruff|pylint|flake8|pyright|pytype)(\]|\.)",
        &["*.toml", "*.cfg", "*.ini", "*.flake8", "*.pylintrc", "*pylintrc"],
    ),
    s("quality.ts_strict", "TypeScript strict mode", r#""strict"\s*:\s*true"#, &["*tsconfig*.json"]),
    s(
        "quality.precommit_analyser",
        "a static analyser run as a pre-commit hook",
        r"^[ \t]*-\s*id:\s*['\x22]?(ruff|ruff-check|mypy|flake8|pylint|pyright|eslint|phpstan|psalm|golangci-lint|golangci-lint-full|go-vet|go-staticcheck-mod|clippy|cargo-check|bandit|checkstyle|pmd)['\x22]?\s*$",
        &["*.pre-commit-config.yaml", "*.pre-commit-config.yml"],
    ),
    s(
        "quality.mutation_config",
        "a mutation-testing tool configured (mutmut, cosmic-ray)",
        r"^\[(tool\.)?(mutmut|cosmic-ray)\]",
        &["*.toml", "*.cfg"],
    ),
    s(
        "test.property_based_more",
        "property-based testing libraries beyond the common macros (testing/quick, QuickCheck API, Hypothesis strategies)",
        r"\bquick\.Check\(|\bquickcheck::(QuickCheck|Arbitrary|TestResult)\b|\bQuickCheck::new\(\)|\bhypothesis\.strategies\b|\bimport\s+hypothesis\b|\bjsverify\b|['\x22]@fast-check/",
        CODE,
    ),
    // 6.3 documentation
    s(
        "docs.rs_metadata",
        "the crate's API documentation is published (docs.rs metadata or `documentation` link)",
        r#"^\[package\.metadata\.docs\.rs\]|^documentation\s*=\s*"https://docs\.rs/"#,
        &["*Cargo.toml"],
    ),
    s(
        "docs.missing_docs",
        "public items must be documented (`missing_docs` lint)",
        r"#!\[(deny|warn|forbid)\([^)]*\bmissing_docs\b",
        &["*.rs"],
    ),
    s(
        "docs.sphinx_api",
        "Sphinx builds API pages from docstrings (autodoc, autoapi, apidoc)",
        r"sphinx\.ext\.(autodoc|autosummary)|\bautoapi\.extension\b|sphinxcontrib\.apidoc",
        &["*conf.py"],
    ),
    s(
        "docs.mkdocs_api",
        "MkDocs builds API pages from docstrings (mkdocstrings)",
        r"^[ \t]*-\s*mkdocstrings\b|^[ \t]*mkdocstrings:",
        &["*mkdocs.yml", "*mkdocs.yaml"],
    ),
    s(
        "docs.proto_service",
        "a gRPC service definition (Protocol Buffers)",
        r"^[ \t]*service\s+[A-Z][A-Za-z0-9_]*\s*\{",
        &["*.proto"],
    ),
    s(
        "docs.graphql_schema",
        "a GraphQL schema with a Query or Mutation type",
        r"^[ \t]*(extend\s+)?type\s+(Query|Mutation)\b",
        &["*.graphql", "*.graphqls", "*.gql"],
    ),
    // 7.1 feature flags
    s(
        "flags.flagd_definition",
        "flagd flag definitions (`defaultVariant`)",
        r#""defaultVariant"\s*:|^[ \t]*defaultVariant:"#,
        &["*.json", "*.yaml", "*.yml"],
    ),
    s(
        "flags.targeting",
        "flag targeting rules (flagd `targeting`, Unleash strategies with constraints)",
        r#""targeting"\s*:\s*\{|^[ \t]*targeting:\s*$|"constraints"\s*:\s*\[\s*\{|"segments"\s*:\s*\[\s*\d"#,
        &["*.json", "*.yaml", "*.yml"],
    ),
    s(
        "flags.library",
        "a feature-flag library evaluated in code (django-waffle, Laravel Pennant, Togglz, FF4j, Flagception, .NET FeatureManagement)",
        r"\bflag_is_active\(|\bswitch_is_active\(|Feature::active\(|\bTogglz\b|\bFF4j\b|\bff4j\.check\(|Flagception\\|IFeatureManager\b|\.IsEnabledAsync\(|\bflipper\b|Flipper\.enabled\?",
        &["*.php", "*.py", "*.java", "*.kt", "*.cs", "*.rb", "*.twig", "*.html"],
    ),
];

#[cfg(test)]
mod tests {
    use crate::facts::NoProgress;
    use crate::facts::files::FileIndex;
    use crate::facts::scan::scan;

    fn lines(files: &[(&str, &str)], id: &str) -> Vec<(String, u32)> {
        let idx = FileIndex::from_memory(files);
        scan(&idx, &NoProgress, &mut Vec::new()).hits(id).map(|h| (h.path.clone(), h.line)).collect()
    }

    #[test]
    fn signals_hit_the_construct_and_not_the_decoy() {
        for (id, hit, miss) in [
            (
                "metrics.server",
                ("helm/values.yaml", "  caddyGlobalOptions: |\n    servers {\n      metrics\n    }\n"),
                ("Caddyfile", "servers {\n  trusted_proxies static private_ranges\n}\nmetrics_path /m\n"),
            ),
            (
                "access.app_authz",
                ("src/Controller/Admin.php", "#[IsGranted('ROLE_ADMIN')]\n"),
                ("src/Controller/Login.php", "$this->getUser();\n"),
            ),
            (
                "access.app_authz",
                ("Api.java", "@PreAuthorize(\"hasRole('ADMIN')\")\n"),
                ("Api.java", "@GetMapping(\"/owners\")\n"),
            ),
            (
                "access.keycloak_roles",
                ("realm.json", "{\"name\": \"admin\", \"composite\": false, \"clientRole\": true}\n"),
                ("package.json", "{\"name\": \"admin\", \"role\": \"x\"}\n"),
            ),
            (
                "access.sql_grant",
                ("init.sql", "GRANT SELECT, INSERT ON ALL TABLES IN SCHEMA accounting TO otelu;\n"),
                ("init.sql", "GRANT ALL PRIVILEGES ON petclinic.* TO 'petclinic'@'%';\n"),
            ),
            (
                "db.query_monitoring",
                ("init.sql", "CREATE EXTENSION IF NOT EXISTS pg_stat_statements;\n"),
                ("init.sql", "CREATE EXTENSION IF NOT EXISTS pgcrypto;\n"),
            ),
            (
                "otel.sdk_init",
                ("tracing.go", "tp := sdktrace.NewTracerProvider(\n"),
                ("main.rs", "tracing_subscriber::fmt().init();\n"),
            ),
            (
                "otel.sdk_init",
                ("otel.ts", "const sdk = new NodeSDK({});\n"),
                ("api.ts", "import { trace } from '@opentelemetry/api';\n"),
            ),
            (
                "otel.auto",
                ("Dockerfile", "CMD opentelemetry-instrument python app.py\n"),
                ("README.md", "run opentelemetry-instrument python\n"),
            ),
            (
                "otel.collector_receivers",
                ("otelcol.yml", "receivers:\n  otlp:\n"),
                ("values.yaml", "alertmanager:\n  receivers:\n"),
            ),
            (
                "log.shipper",
                ("fluent-bit.conf", "[OUTPUT]\n    Name loki\n"),
                ("nginx.conf", "server {\n  listen 80;\n}\n"),
            ),
            ("metrics.otel", ("m.py", "counter = meter.create_counter('orders')\n"), ("m.py", "counter = Counter()\n")),
            (
                "alert.receiver",
                ("alertmanager.yml", "receivers:\n  - name: oncall\n    pagerduty_configs:\n      - service_key: x\n"),
                ("a.yml", "slack: true\n"),
            ),
            (
                "grafana.dashboard_schema",
                ("d.json", "{\n  \"schemaVersion\": 39,\n"),
                ("d.yaml", "schemaVersion: 39\n"),
            ),
            (
                "dash.business_metric",
                ("d.json", "\"expr\": \"sum(rate(shop_orders_total[5m]))\",\n"),
                ("d.json", "\"expr\": \"rate(http_requests_total{service_name=\\\"checkout\\\"}[5m])\",\n"),
            ),
            (
                "quality.py_config",
                ("pyproject.toml", "[tool.ruff.lint]\nselect = []\n"),
                ("pyproject.toml", "[tool.pytest.ini_options]\n"),
            ),
            (
                "quality.precommit_analyser",
                (".pre-commit-config.yaml", "    hooks:\n      - id: ruff-check\n"),
                (".pre-commit-config.yaml", "      - id: trailing-whitespace\n"),
            ),
            (
                "test.property_based_more",
                ("q_test.go", "if err := quick.Check(f, nil); err != nil {\n"),
                ("fuzz/fuzz_targets/a.rs", "fuzz_target!(|data: &[u8]| {});\n"),
            ),
            (
                "docs.rs_metadata",
                ("crates/x/Cargo.toml", "[package.metadata.docs.rs]\nall-features = true\n"),
                ("Cargo.toml", "[features]\ndocs = []\n"),
            ),
            (
                "flags.flagd_definition",
                ("flags.json", "{\"flags\": {\"a\": {\"defaultVariant\": \"off\"}}}\n"),
                ("Cargo.toml", "[features]\ndefault = [\"x\"]\n"),
            ),
            (
                "flags.library",
                ("views.py", "if flag_is_active(request, 'beta'):\n"),
                ("views.py", "if settings.BETA:\n"),
            ),
            (
                "docs.proto_service",
                ("protos/demo.proto", "service CartService {\n  rpc AddItem(AddItemRequest) returns (Empty) {}\n}\n"),
                ("protos/demo.proto", "message Cart {\n}\n"),
            ),
        ] {
            let got = lines(&[hit], id);
            assert!(!got.is_empty(), "{id} should hit {hit:?}");
            let got = lines(&[miss], id);
            assert!(got.is_empty(), "{id} should not hit {miss:?}: {got:?}");
        }
    }
}
