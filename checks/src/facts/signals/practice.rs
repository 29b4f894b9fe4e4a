//! Signals for the practices the seed asks for beyond the basics of an item: trace ids in logs
//! (3.1), business metrics (3.3), encryption in transit and control mappings (4.3), N+1 detection
//! and query plans (5.1), disaster-recovery procedures (phase 4), significance of experiments
//! (7.1) and cost optimization strategies (7.3).
//!
//! Each pattern names a construct (a log bridge package, a counter created with a business name,
//! a Terraform attribute set to the value that enforces TLS), never a bare word.

use super::{ALL, CODE, Signal, s};

const TF_YAML: &[&str] = &["*.tf", "*.yaml", "*.yml", "*.json"];
const DOCS: &[&str] = &["*.md", "*.adoc", "*.rst", "*.csv", "*.yaml", "*.yml"];

pub(super) static SIGNALS: &[Signal] = &[
    // 3.1 trace correlation with logs
    s(
        "obs.trace_log_correlation",
        "trace and span ids are written into log records (an OpenTelemetry log bridge, a logging processor or pattern that adds them)",
        r#"\bLoggingInstrumentor\(\)|\bOTEL_LOGS_EXPORTER\s*[=:]\s*['"]?otlp\b|\bOTEL_PYTHON_LOGGING_AUTO_INSTRUMENTATION_ENABLED\s*[=:]\s*['"]?true\b|\b[Ll]ogging\.AddOpenTelemetry\(|\bopentelemetry\.sdk\._logs\b|@opentelemetry/sdk-logs\b|\bOTLPLogExporter\b|\botlplog(http|grpc)\b|\bBatchLogRecordProcessor\b|\bOTEL_PYTHON_LOG_CORRELATION\b|@opentelemetry/instrumentation-(pino|winston|bunyan)\b|@opentelemetry/winston-transport\b|go\.opentelemetry\.io/contrib/bridges/(otelslog|otelzap|otellogrus|otelzerolog|otellogr)\b|\bopentelemetry[-_]appender[-_](tracing|log)\b|opentelemetry-logback-(mdc|appender)|io\.opentelemetry\.instrumentation\.logback\.|OpenTelemetry\\Contrib\\Logs\\Monolog\b|open-telemetry/opentelemetry-logger-monolog|%X\{\s*(trace_id|traceId|trace\.id|dd\.trace_id)\s*\}|\{\{?\s*\.?(trace_id|traceId)\s*\}\}?.*\b(log|format|pattern)|\bDD_LOGS_INJECTION\s*[=:]\s*['"]?true\b|\blogs_injection\s*=\s*True\b|\[\s*['"](trace_id|traceId|trace\.id)['"]\s*\]\s*=\s*\$?\w*(span|context|ctx|trace)\w*|\b(trace_id|traceId)\s*[=:]\s*\$?\w*(span|ctx|context)\w*\s*(\.|->)\s*(getTraceId|trace_id|traceId|TraceID|get_span_context|spanContext)|\bActivityTrackingOptions\.TraceId\b|\bIncludeScopes\s*=\s*true.*\bActivity|\blogging\.pattern\.(level|console)\s*[=:].*(traceId|trace_id)|\botelzap\.|\botelslog\.NewHandler\(|\btracing_opentelemetry::OpenTelemetrySpanExt\b.*\btrace_id|\bstructlog\b.*\badd_(otel|trace|open_telemetry)\w*|\bdef add_(otel|trace|open_telemetry)\w*\(\s*\w+\s*,\s*\w+\s*,\s*event_dict\b"#,
        ALL,
    ),
    // 3.3 business metrics in code
    s(
        "metrics.business_code",
        "a metric named after a business event or quantity (orders, sign-ups, revenue, payments...) created in code",
        r#"\b(create_counter|create_up_down_counter|create_histogram|create_gauge|createCounter|createUpDownCounter|createHistogram|createObservableGauge|Counter|Gauge|Histogram|Summary|counter|gauge|histogram|Int64Counter|Float64Counter|Int64Histogram|Float64Histogram|CreateCounter<\w+>|CreateHistogram<\w+>|Counter\.builder|Gauge\.builder|DistributionSummary\.builder|increment|incr)\s*\(\s*['"`][a-z0-9_.:-]*(orders?|revenue|sales|purchases?|signups?|sign_ups?|registrations?|conversions?|payments?|checkouts?|subscriptions?|carts?|gmv|churn|bookings?|invoices?)[a-z0-9_.:-]*['"`]|\bName:\s*"[a-z0-9_]*(orders?|revenue|sales|purchases?|signups?|registrations?|conversions?|payments?|checkouts?|subscriptions?|carts?|bookings?|invoices?)[a-z0-9_]*",\s*$"#,
        CODE,
    ),
    // 4.3 encryption in transit
    s(
        "tls.datastore_required",
        "TLS is required on connections to a database, cache or broker (`transit_encryption_enabled`, `require_secure_transport`, `rds.force_ssl`, `sslmode=require`, `rediss://`)",
        r#"\btransit_encryption_enabled\s*[=:]\s*"?true\b|\brequire_secure_transport\b["']?\s*[,=:]?\s*(value\s*=\s*)?["']?(ON|1|true)\b|["']rds\.force_ssl["']|\bsslmode\s*[=:]\s*["']?(require|verify-ca|verify-full)\b|[?&]sslmode=(require|verify-ca|verify-full)\b|\bssl_enforcement_enabled\s*=\s*true\b|\brequire_ssl\s*=\s*true\b|\bssl_mode\s*=\s*"(ENCRYPTED_ONLY|TRUSTED_CLIENT_CERTIFICATE_REQUIRED)"|\brediss://[^\s'"]|\btls-auth-clients\s+yes\b|\bhostssl\s+\S+\s+\S+\s+\S+\s+(scram-sha-256|md5|cert)\b|\bminimal_tls_version\s*=\s*"1\.[23]"|\bssl-mode=(REQUIRED|VERIFY_CA|VERIFY_IDENTITY)\b"#,
        &[
            "*.tf",
            "*.yaml",
            "*.yml",
            "*.conf",
            "*.env",
            ".env*",
            "*.properties",
            "*.ini",
            "*.json",
            "*.py",
            "*.php",
            "*.js",
            "*.ts",
            "*.go",
            "*.java",
            "*.rb",
            "*.cs",
            "pg_hba.conf*",
            "*.toml",
        ],
    ),
    s(
        "tls.edge_https_only",
        "plain HTTP is refused or redirected at the edge (HTTPS listeners, HTTP-to-HTTPS redirects, `https-only` viewers, HSTS, `aws:SecureTransport` denials)",
        r#"\bviewer_protocol_policy\s*=\s*"(redirect-to-https|https-only)"|\bprotocol\s*=\s*"HTTPS"|\bredirect\s*\{[^}]*\bprotocol\s*=\s*"HTTPS"|\bstatus_code\s*=\s*"HTTP_301"|nginx\.ingress\.kubernetes\.io/(force-)?ssl-redirect:\s*["']?true|\bhttps_only\s*=\s*true\b|\benable_https_traffic_only\s*=\s*true\b|\bhttps_traffic_only_enabled\s*=\s*true\b|\bSECURE_SSL_REDIRECT\s*=\s*True\b|\.requiresChannel\(|\bUseHttpsRedirection\(\)|\breturn\s+301\s+https://|\bredir\s+https://|aws:SecureTransport|\balb\.ingress\.kubernetes\.io/ssl-redirect\b|\bforceSSL\s*[:=]\s*true|\bforce_ssl\s*=\s*true\b|\bconfig\.force_ssl\s*=\s*true"#,
        &[
            "*.tf",
            "*.yaml",
            "*.yml",
            "*.json",
            "*.conf",
            "Caddyfile",
            "*.caddy",
            "nginx*",
            "*.py",
            "*.java",
            "*.kt",
            "*.cs",
            "*.rb",
            "*.php",
            "*.ts",
            "*.js",
        ],
    ),
    // 4.3 compliance control mapping
    s(
        "compliance.framework",
        "a compliance framework named (SOC 2, ISO 27001, PCI DSS, HIPAA, NIST 800-53, CIS Controls)",
        r"\bSOC ?2\b|\bISO[/ ]?(IEC )?27001\b|\bPCI[- ]DSS\b|\bHIPAA\b|\bNIST (SP )?800-53\b|\bCIS (Controls|Benchmarks?)\b",
        DOCS,
    ),
    s(
        "compliance.control_id",
        "a compliance control identifier (SOC 2 `CC6.1`, ISO 27001 `A.9.2.3`, NIST `AC-2`, PCI `Req. 8.3`)",
        r"\bCC[1-9]\.\d{1,2}\b|\bA\.(5|6|7|8|9|1[0-8])\.\d{1,2}(\.\d{1,2})?\b|\b(AC|AU|CM|IA|SC|SI|CP|IR|RA)-\d{1,2}\b|\bReq(uirement)?\.? ?\d{1,2}\.\d{1,2}\b",
        DOCS,
    ),
    s(
        "compliance.standards_as_code",
        "compliance standards enabled as code (Security Hub standards, AWS Config conformance packs, Azure policy initiatives)",
        r#"resource\s+"(aws_securityhub_standards_subscription|aws_config_conformance_pack|aws_auditmanager_assessment|azurerm_policy_set_definition|azurerm_subscription_policy_assignment|google_scc_\w+)""#,
        &["*.tf"],
    ),
    // 5.1 query optimization
    s(
        "db.n_plus_one",
        "N+1 queries are detected or query counts asserted (nplusone, Bullet, Prosopite, Laravel's lazy-loading guard, query-count assertions)",
        r#"\bfrom nplusone\b|\bimport nplusone\b|['"]nplusone\.ext\.\w+|\bNPLUSONE_RAISE\b|\bBullet\.(enable|raise|bullet_logger|add_footer)\s*=|\bProsopite\.(scan|finish|raise)\b|\bpreventLazyLoading\(|\bassertNumQueries\(|\bdjango_assert_(max_)?num_queries\b|\bassertQueryCount\(|\bassertDatabaseQueryCount\(|\bexpectsDatabaseQueryCount\(|\bSQLStatementCountValidator\b|\bassertSelectCount\(|\bgetCollector\(\s*['"]db['"]\s*\)\s*->\s*getQueryCount\(|\bn_plus_one_control\b|\bzen_queries\b|\bqueries_disabled\(\)|\bdjango_perf_rec\b|\bhibernate\.generate_statistics\s*[=:]\s*true\b|\bassert_num_queries\("#,
        ALL,
    ),
    s(
        "db.explain",
        "a query plan is read (`EXPLAIN`, `explain()`)",
        r#"\bEXPLAIN\s+(\(\s*)?(ANALY[SZ]E|FORMAT|QUERY\s+PLAN|SELECT|UPDATE|DELETE|INSERT)\b|->explain\(\)|\.explain\(\s*(['"]executionStats['"])?\s*\)|\bexplain_analyze\b"#,
        &[
            "*.php", "*.py", "*.rb", "*.js", "*.ts", "*.go", "*.java", "*.kt", "*.rs", "*.cs", "*.sql", "*.yml",
            "*.yaml", "*.sh",
        ],
    ),
    // phase 4 disaster recovery
    s(
        "dr.objective",
        "a recovery time or point objective stated (RTO, RPO)",
        r"\b(RTO|RPO)\b\s*(\)|:|=|of|is|<|\xE2\x89\xA4|-|\|)|\brecovery (time|point) objective\b",
        &["*.md", "*.adoc", "*.rst"],
    ),
    s(
        "dr.restore_step",
        "a restore command written down (`pg_restore`, `mongorestore`, `velero restore create`, `aws rds restore-db-...`, `pgbackrest restore`, `wal-g backup-fetch`)",
        r"\bpg_restore\s|\bmongorestore\s|\bvelero\s+restore\s+create\b|\baws\s+rds\s+restore-db-(instance|cluster)-|\bgcloud\s+sql\s+backups\s+restore\b|\bpgbackrest\s+(\S+\s+)*restore\b|\bwal-g\s+backup-fetch\b|\blitestream\s+restore\b|\bmysql\s+(\S+\s+)*<\s*\S+\.sql(\.gz)?\b|\bmariadb-backup\s+--(prepare|copy-back)\b|\bbarman\s+recover\b",
        &["*.md", "*.adoc", "*.rst", "*.sh"],
    ),
    // 7.1 significance of experiments
    s(
        "experiments.significance_test",
        "experiment results tested for significance (a t-test, chi-squared, z-test, Mann-Whitney or power analysis in analysis code)",
        r"\b(stats|scipy\.stats)\.(ttest_ind|ttest_rel|chi2_contingency|mannwhitneyu|fisher_exact|binomtest|ttest_ind_from_stats)\(|\bfrom scipy\.stats import\b.*\b(ttest_ind|ttest_rel|chi2_contingency|mannwhitneyu|fisher_exact|binomtest)\b|\bproportions_ztest\b|\bproportion_confint\b|\bzt_ind_solve_power\b|\b(NormalIndPower|TTestIndPower)\(|\bpingouin\.ttest\(|\bprop\.test\(|\bchisq\.test\(|\bt\.test\(",
        &["*.py", "*.ipynb", "*.R", "*.r", "*.Rmd", "*.scala", "*.sql"],
    ),
    s(
        "experiments.platform",
        "an experiment run on an experimentation platform that analyses its results (GrowthBook, Statsig, Optimizely, Eppo)",
        r#"\b(gb|growthbook|growthBook)\.run\(\s*\{|\buseExperiment\(\s*\{\s*key\b|\bStatsig\.getExperiment\(|\bstatsig\.get_experiment\(|\bstatsig\.getExperiment\(|\bgetExperimentSync\(|\boptimizely(Client)?\.activate\(|\bEppoClient\b|\bget_(string|boolean|numeric)_assignment\(|\bLDClient\b.*\.track\(\s*['"]\w+['"]\s*,.*\bmetric"#,
        CODE,
    ),
    // 7.3 cost optimization strategies
    s(
        "cost.spot",
        "spot or preemptible capacity (`capacity_type = \"SPOT\"`, spot prices, preemptible nodes, Karpenter spot requirements)",
        r#"\bcapacity_type\s*=\s*"SPOT"|\bcapacityType:\s*["']?SPOT\b|\bspot_price\s*=|\bspot_instance_pools\s*=|\bon_demand_percentage_above_base_capacity\s*=|\bpreemptible\s*=\s*true\b|\bprovisioning_model\s*=\s*"SPOT"|\bspot\s*=\s*true\b|karpenter\.sh/capacity-type.*\bspot\b|\bvalues:\s*\[\s*["']?spot["']?|\bpriority\s*=\s*"Spot"|resource\s+"aws_(spot_instance_request|spot_fleet_request|ec2_spot_fleet_request)""#,
        TF_YAML,
    ),
    s(
        "cost.commitment",
        "reserved capacity or savings plans bought as code",
        r#"resource\s+"(aws_savingsplans_plan|aws_rds_reserved_instance|aws_elasticache_reserved_cache_node|aws_opensearch_reserved_instance|google_compute_(region_)?commitment|azurerm_capacity_reservation)""#,
        &["*.tf"],
    ),
    s(
        "cost.lifecycle",
        "storage lifecycle and retention rules (S3 lifecycle configurations, transitions to colder storage classes, expirations, ECR lifecycle policies)",
        r#"resource\s+"(aws_s3_bucket_lifecycle_configuration|aws_dlm_lifecycle_policy|aws_ecr_lifecycle_policy|azurerm_storage_management_policy)"|^\s*lifecycle_rule\s*[{=]|\bnoncurrent_version_expiration\s*\{|\bstorage_class\s*=\s*"(GLACIER|GLACIER_IR|DEEP_ARCHIVE|INTELLIGENT_TIERING|STANDARD_IA|ONEZONE_IA|NEARLINE|COLDLINE|ARCHIVE)""#,
        &["*.tf"],
    ),
    s(
        "cost.rightsizing",
        "capacity sized to demand (vertical pod autoscaling, scale to zero, Karpenter consolidation)",
        r#"^\s*kind:\s*VerticalPodAutoscaler\b|\bminReplicaCount:\s*0\s*$|\bconsolidationPolicy:\s*WhenEmpty(OrUnderutilized)?\b|autoscaling\.knative\.dev/min-scale:\s*["']?0["']?\s*$|resource\s+"aws_compute_optimizer_\w+""#,
        &["*.yaml", "*.yml", "*.tf"],
    ),
    s(
        "cost.visibility",
        "cost visibility deployed in the cluster (Kubecost, OpenCost)",
        r#"\bkubecost/cost-analyzer\b|\bgcr\.io/kubecost1/|\bghcr\.io/opencost/|\bquay\.io/kubecost1/|\bopencost/opencost\b|^\s*-?\s*name:\s*(cost-analyzer|opencost)\s*$|chart\s*=\s*"(cost-analyzer|opencost)""#,
        &["*.yaml", "*.yml", "*.tf"],
    ),
];

#[cfg(test)]
mod tests {
    use crate::facts::NoProgress;
    use crate::facts::files::FileIndex;
    use crate::facts::scan::scan;

    fn hits(file: (&str, &str), id: &str) -> usize {
        let idx = FileIndex::from_memory(&[file]);
        scan(&idx, &NoProgress, &mut Vec::new()).hits(id).count()
    }

    #[test]
    fn signals_hit_the_construct_and_not_the_decoy() {
        for (id, hit, miss) in [
            (
                "obs.trace_log_correlation",
                ("app/logging.py", "LoggingInstrumentor().instrument(set_logging_format=True)\n"),
                ("app/logging.py", "logger.info('trace_id missing')\n"),
            ),
            (
                "obs.trace_log_correlation",
                ("src/main/resources/logback.xml", "<pattern>%d %X{trace_id} %msg%n</pattern>\n"),
                ("src/main/resources/logback.xml", "<pattern>%d %X{user} %msg%n</pattern>\n"),
            ),
            (
                "obs.trace_log_correlation",
                ("src/Log/TraceProcessor.php", "$record->extra['trace_id'] = $spanContext->getTraceId();\n"),
                ("src/Log/TraceProcessor.php", "$record->extra['user'] = $user->getId();\n"),
            ),
            (
                "metrics.business_code",
                ("shop/metrics.py", "ORDERS = Counter('shop_orders_total', 'Orders placed')\n"),
                ("shop/metrics.py", "REQUESTS = Counter('http_requests_total', 'Requests')\n"),
            ),
            (
                "metrics.business_code",
                ("src/checkout.ts", "const c = meter.createCounter('app.payment.transactions');\n"),
                ("src/checkout.ts", "const c = meter.createCounter('app.cache.misses');\n"),
            ),
            (
                "tls.datastore_required",
                ("infra/redis.tf", "  transit_encryption_enabled = true\n"),
                ("infra/redis.tf", "  transit_encryption_enabled = false\n"),
            ),
            (
                "tls.datastore_required",
                (".env", "DATABASE_URL=postgres://u:p@db:5432/app?sslmode=require\n"),
                (".env", "DATABASE_URL=postgres://u:p@db:5432/app?sslmode=disable\n"),
            ),
            (
                "tls.edge_https_only",
                ("infra/cdn.tf", "    viewer_protocol_policy = \"redirect-to-https\"\n"),
                ("infra/cdn.tf", "    viewer_protocol_policy = \"allow-all\"\n"),
            ),
            (
                "compliance.framework",
                ("docs/compliance/controls.md", "| SOC 2 | CC6.1 | Access is reviewed quarterly |\n"),
                ("docs/notes.md", "We use socket 2 for this.\n"),
            ),
            (
                "compliance.control_id",
                ("docs/compliance/controls.md", "| SOC 2 | CC6.1 | Access is reviewed quarterly |\n"),
                ("docs/notes.md", "Version 6.1 is out.\n"),
            ),
            (
                "compliance.standards_as_code",
                ("infra/sh.tf", "resource \"aws_securityhub_standards_subscription\" \"cis\" {\n"),
                ("infra/sh.tf", "resource \"aws_securityhub_account\" \"main\" {\n"),
            ),
            (
                "db.n_plus_one",
                ("tests/test_views.py", "    with self.assertNumQueries(3):\n"),
                ("tests/test_views.py", "    self.assertEqual(len(rows), 3)\n"),
            ),
            (
                "db.n_plus_one",
                ("config/environments/development.rb", "  Bullet.enable = true\n"),
                ("Gemfile.lock", "    bullet (7.0.1)\n"),
            ),
            (
                "db.explain",
                ("tests/test_plans.py", "plan = cur.execute('EXPLAIN ANALYZE SELECT * FROM orders')\n"),
                ("tests/test_plans.py", "# we explain the select below\nx = 1\n"),
            ),
            (
                "dr.objective",
                ("docs/dr.md", "Our RTO: 1 hour, RPO: 15 minutes.\n"),
                ("docs/dr.md", "Restore from the RTOS image.\n"),
            ),
            (
                "dr.restore_step",
                ("docs/dr.md", "    pg_restore -d shop backup.dump\n"),
                ("docs/dr.md", "    pg_dump shop > backup.dump\n"),
            ),
            (
                "experiments.significance_test",
                ("analysis/ab.py", "t, p = stats.ttest_ind(control, variant)\n"),
                ("analysis/ab.py", "mean = stats.describe(control)\n"),
            ),
            (
                "experiments.platform",
                ("src/pricing.ts", "const { value } = gb.run({ key: 'pricing-test', variations: [0, 1] });\n"),
                ("src/pricing.ts", "const on = gb.isOn('pricing');\n"),
            ),
            (
                "cost.spot",
                ("infra/eks.tf", "      capacity_type = \"SPOT\"\n"),
                ("infra/eks.tf", "      capacity_type = \"ON_DEMAND\"\n"),
            ),
            (
                "cost.commitment",
                ("infra/ri.tf", "resource \"aws_rds_reserved_instance\" \"db\" {\n"),
                ("infra/ri.tf", "resource \"aws_db_instance\" \"db\" {\n"),
            ),
            (
                "cost.lifecycle",
                ("infra/s3.tf", "resource \"aws_s3_bucket_lifecycle_configuration\" \"logs\" {\n"),
                ("infra/s3.tf", "resource \"aws_s3_bucket_versioning\" \"logs\" {\n"),
            ),
            (
                "cost.rightsizing",
                ("k8s/keda.yaml", "  minReplicaCount: 0\n"),
                ("k8s/keda.yaml", "  minReplicaCount: 2\n"),
            ),
            (
                "cost.visibility",
                ("k8s/kubecost.yaml", "        image: gcr.io/kubecost1/cost-model:prod-2.1\n"),
                ("k8s/app.yaml", "        image: acme/costs-api:1\n"),
            ),
        ] {
            assert!(hits(hit, id) > 0, "{id} should hit {hit:?}");
            assert_eq!(hits(miss, id), 0, "{id} should not hit {miss:?}");
        }
    }
}
