//! Signals of the first check families and the shared evidence of several items.

use super::{ALL, CODE, JS, SERVER, Signal, s};

pub(super) static SIGNALS: &[Signal] = &[
    // 3.1 distributed tracing
    s(
        "otel.sdk",
        "OpenTelemetry SDK set up in code",
        r#"@opentelemetry/sdk-(node|trace-node|trace-web|trace-base)|OpenTelemetry\\SDK\\|OpenTelemetry\\Contrib\\|\bfrom opentelemetry(\.sdk)?[. ]|\bimport opentelemetry\b|go\.opentelemetry\.io/otel/sdk|\bopentelemetry_sdk::|\bopentelemetry_otlp::|io\.opentelemetry\.sdk|OpenTelemetrySdk\b|\.AddOpenTelemetry\(|otlptrace(grpc|http)\b"#,
        CODE,
    ),
    s(
        "otel.env",
        "OpenTelemetry exporter configured through OTEL_* settings",
        r"\bOTEL_(EXPORTER_OTLP_(TRACES_)?ENDPOINT|TRACES_EXPORTER|SERVICE_NAME)\b",
        &["*.yaml", "*.yml", "*.env", ".env*", "Dockerfile*", "*.properties", "*.tf", "*.json", "*.toml"],
    ),
    s(
        "otel.javaagent",
        "OpenTelemetry Java agent attached",
        r"opentelemetry-javaagent",
        &["Dockerfile*", "*.yaml", "*.yml", "*.gradle", "*.kts", "*.xml", "*.sh", "*.properties"],
    ),
    s(
        "apm.vendor",
        "a vendor APM tracer (Datadog, New Relic, Elastic APM, Sentry tracing)",
        r"\bdd-trace\b|\bddtrace\b|\bnewrelic\b|elastic-apm|\belasticapm\b|tracesSampleRate|traces_sample_rate",
        CODE,
    ),
    // 3.2 structured logging
    s(
        "log.json.php",
        "Monolog writes JSON or Logstash records",
        r"monolog\.formatter\.(json|logstash)|Monolog\\Formatter\\(JsonFormatter|LogstashFormatter|GelfMessageFormatter)",
        &["*.php", "*.yaml", "*.yml", "*.xml"],
    ),
    s(
        "log.json.python",
        "structured logging in Python (structlog, python-json-logger)",
        r"^[ \t]*(import|from)\s+(structlog|pythonjsonlogger|json_log_formatter)\b|jsonlogger\.JsonFormatter",
        &["*.py", "*.ini", "*.yaml", "*.yml", "*.cfg", "*.toml"],
    ),
    s(
        "log.json.node",
        "structured logging in JavaScript (pino, winston JSON, bunyan)",
        r#"(require\(|from\s+)['"](pino|bunyan|pino-http)['"]|winston\.format\.json\(|format\.json\(\)"#,
        JS,
    ),
    s(
        "log.json.go",
        "structured logging in Go (zap, zerolog, slog JSON, logrus JSON)",
        r"\bzap\.New(Production|Development)?\(|\bzerolog\.|slog\.NewJSONHandler|logrus\.JSONFormatter|&log\.JSONFormatter",
        &["*.go"],
    ),
    s(
        "log.json.java",
        "structured logging in Java (Logstash encoder, JSON layouts, ECS)",
        r"LogstashEncoder|JsonTemplateLayout|JsonLayout|logstash-logback-encoder|co\.elastic\.logging|EcsEncoder",
        &["*.xml", "*.java", "*.kt", "*.properties", "*.gradle", "*.kts", "*.yaml", "*.yml"],
    ),
    s(
        "log.json.rust",
        "structured logging in Rust (tracing-subscriber JSON, slog-json)",
        r"fmt::layer\(\)\s*\.json\(\)|fmt\(\)\s*\.json\(\)|fmt::format::Json|\bslog_json::|json_subscriber",
        &["*.rs"],
    ),
    s(
        "log.json.dotnet",
        "structured logging in .NET (Serilog JSON formatters)",
        r"Serilog\.Formatting\.(Json|Compact)|CompactJsonFormatter|RenderedCompactJsonFormatter|JsonFormatter\(",
        &["*.cs", "*.json"],
    ),
    // 3.3 metrics
    s(
        "metrics.client",
        "application metrics recorded with a metrics client",
        r#"Prometheus\\(CollectorRegistry|Counter|Histogram)|\bprom-client\b|from prometheus_client import|prometheus_client\.(Counter|Histogram|Gauge)|github\.com/prometheus/client_golang|prometheus::(Registry|Counter|IntCounter|Histogram|register_)|metrics_exporter_prometheus|\bmetrics::(counter|histogram|gauge)!|io\.micrometer|MeterRegistry|meter\.create(Counter|Histogram|UpDownCounter)|\.createCounter\(|otel\.Meter\(|global\.Meter\(|MeterProvider|statsd\.(increment|timing|gauge)\("#,
        CODE,
    ),
    s(
        "metrics.server",
        "the web server exports its own request metrics (Caddy `servers { metrics }`, nginx `stub_status`)",
        r"servers\s*\{[^}]*\bmetrics\b|^[ \t]*stub_status\s*(on\s*)?;",
        &["Caddyfile*", "*.caddyfile", "*.yaml", "*.yml", "*.conf"],
    ),
    // 4.1 authentication
    s(
        "auth.jwt",
        "JWT tokens issued or verified in code",
        r"JWTTokenManagerInterface|\bJWT::(decode|encode)\(|\bjwt\.(sign|verify|decode|encode)\(|JwtDecoder|NimbusJwt|\bJwts\.(builder|parser)|jwt\.NewWithClaims|jwt\.Parse\(|jwtVerify\(|\bjsonwebtoken::(encode|decode)|create_access_token\(|decode_token\(|\bJwtBearer",
        CODE,
    ),
    s(
        "auth.refresh_rotation",
        "refresh tokens are rotated (single use)",
        r#"single_use:\s*true|['"]?ROTATE_REFRESH_TOKENS['"]?\s*:\s*True|reuseRefreshTokens\(false\)|refresh_token_rotation|rotateRefreshToken|revokeRefreshToken['"]?\s*[:=]\s*true|refreshTokenRotation|RotationEnabled"#,
        ALL,
    ),
    s(
        "auth.scopes",
        "authorization checks OAuth scopes",
        r#"['"]SCOPE_[A-Za-z_]+|hasScope\(|requiredScopes|RequireScope|has_scope\(|scope_required|ScopesAllowed|hasAuthority\(['"]SCOPE_|@Scopes\(|#\[Scopes?\("#,
        CODE,
    ),
    s(
        "auth.roles",
        "authorization checks roles or permissions",
        r"#\[IsGranted\(|@IsGranted\(|is_granted\(|@PreAuthorize\(|@Secured\(|hasRole\(|@RolesAllowed|@permission_required|permission_classes\s*=|\.authorize\(",
        &["*.php", "*.py", "*.java", "*.kt", "*.ts", "*.js", "*.twig", "*.yaml", "*.yml", "*.cs", "*.rb"],
    ),
    // 4.2 security headers
    s(
        "headers.csp",
        "a Content-Security-Policy is set",
        r"Content-Security-Policy|contentSecurityPolicy|content_security_policy|\bCSP_DEFAULT_SRC\b|ContentSecurityPolicy",
        ALL,
    ),
    s(
        "headers.hsts",
        "Strict-Transport-Security is set",
        r"Strict-Transport-Security|\bSECURE_HSTS_SECONDS\b|httpStrictTransportSecurity|\bhsts\b|\bforce_https\b|\bforced_ssl\b",
        ALL,
    ),
    s(
        "headers.frame",
        "framing is restricted (X-Frame-Options or frame-ancestors)",
        r"X-Frame-Options|frame-ancestors|\bframeguard\b|\bX_FRAME_OPTIONS\b|frameOptions\(|\bclickjacking\b",
        ALL,
    ),
    s(
        "headers.nosniff",
        "X-Content-Type-Options: nosniff is set",
        r"X-Content-Type-Options|\bnosniff\b|SECURE_CONTENT_TYPE_NOSNIFF|contentTypeOptions\(|content_type_nosniff",
        ALL,
    ),
    s(
        "headers.referrer",
        "a Referrer-Policy is set",
        r"Referrer-Policy|referrerPolicy|SECURE_REFERRER_POLICY|referrer_policy",
        ALL,
    ),
    s("headers.helmet", "helmet sets security headers", r#"(require\(|from\s+)['"]helmet['"]|\bhelmet\(\)"#, JS),
    s(
        "proxy.tls",
        "a web server or proxy terminates TLS",
        r"^[ \t]*listen\s+[^;]*443[^;]*ssl|^[ \t]*ssl_certificate\s|^[ \t]*tls\s+\S|SSLEngine\s+on|certResolver|entryPoints\.websecure|\bacme\b.*email",
        SERVER,
    ),
    // 4.3 governance
    s(
        "audit.logging",
        "an audit trail of changes is kept",
        r"DH\\Auditor|damienharper/auditor|SimpleThings\\EntityAudit|\bauditlog\b|simple_history|HistoricalRecords\(|@Audited\b|\bEnvers\b|@EnableJpaAuditing|\bhas_paper_trail\b|PaperTrail|AuditTrail|audit_trail|auditable\b|AuditLogger",
        &[
            "*.php", "*.py", "*.java", "*.kt", "*.rb", "*.ts", "*.js", "*.go", "*.rs", "*.cs", "*.yaml", "*.yml",
            "*.xml",
        ],
    ),
    s(
        "access.app_authz",
        "the application enforces roles or permissions",
        r"#\[IsGranted\(|@IsGranted\(|->denyAccessUnlessGranted\(|\bextends\s+Voter\b|@PreAuthorize\(|@PostAuthorize\(|@Secured\(|@RolesAllowed\(|\.authorizeHttpRequests\(|\.authorizeRequests\(|\.hasAuthority\(|@permission_required\(|PermissionRequiredMixin|\bGate::define\(|\$this->authorize\(|\bcasbin\b|\boso\.authorize\(|\[Authorize\(\s*(Roles|Policy)\s*=|\.RequireRole\(",
        &["*.php", "*.py", "*.java", "*.kt", "*.ts", "*.js", "*.go", "*.rs", "*.cs", "*.rb"],
    ),
    s(
        "access.keycloak_roles",
        "roles defined in a Keycloak realm export",
        r#""clientRole"\s*:\s*(true|false)"#,
        &["*.json"],
    ),
    s(
        "access.sql_grant",
        "database privileges granted to roles in SQL, privilege by privilege (`GRANT ALL` is not least privilege)",
        r"(?i)^[ \t]*GRANT\s+(SELECT|INSERT|UPDATE|DELETE|USAGE|EXECUTE|CONNECT|REFERENCES|TRIGGER|TEMPORARY)\b[A-Z_, ]*\s+ON\s+",
        &["*.sql"],
    ),
    // 5.1 database
    s(
        "db.index",
        "database indexes are declared",
        r"#\[ORM\\Index|@ORM\\Index|ORM\\Index\(|<index\s|CREATE\s+(UNIQUE\s+)?INDEX|addIndex\(|->index\(|\badd_index\b|models\.Index\(|db_index\s*=\s*True|@Index\(|@Table\([^)]*indexes|\.createIndex\(|sa\.Index\(|Index\(\s*['\x22]|create_index\(",
        &[
            "*.php", "*.xml", "*.sql", "*.py", "*.rb", "*.java", "*.kt", "*.ts", "*.js", "*.go", "*.rs", "*.yaml",
            "*.yml", "*.cs",
        ],
    ),
    s(
        "db.pooling",
        "database connections are pooled",
        r"maximum-pool-size|maximumPoolSize|\bpool_size\b|\bmax_overflow\b|\bHikariCP\b|HikariConfig|\bpgbouncer\b|\bproxysql\b|\bpoolSize\b|connectionLimit|SetMaxOpenConns|PgPoolOptions|MySqlPoolOptions|\br2d2::|\bdeadpool\b|\bbb8::|CONN_MAX_AGE|\bpool_timeout\b",
        ALL,
    ),
    s(
        "db.replicas",
        "reads are routed to database replicas",
        r"^[ \t]*replicas:|read_replica|replica_url|DATABASE_REPLICA|ReadReplica|DATABASE_ROUTERS|primary_read_replica|readReplica|AbstractRoutingDataSource|db_for_read|reader_endpoint|replicate_source_db",
        ALL,
    ),
    // 1.3 / 5.2 caching
    s(
        "cache.sessions_shared",
        "sessions are kept in a shared store (Redis, Memcached, database)",
        r#"RedisSessionHandler|MemcachedSessionHandler|PdoSessionHandler|session\.handler\.(redis|memcached|pdo)|SESSION_ENGINE\s*=\s*['"]django\.contrib\.sessions\.backends\.(cache|cached_db|db)|connect-redis|\bRedisStore\b|spring\.session\.store-type|@EnableRedisHttpSession|tower_sessions_redis|RedisSessionStore"#,
        ALL,
    ),
    s(
        "cache.app",
        "application data is cached through a cache abstraction",
        r"Symfony\\Contracts\\Cache\\(CacheInterface|TagAwareCacheInterface)|\bcache\.app\b|@Cacheable\b|@EnableCaching|from django\.core\.cache import|\bcache_page\(|Rails\.cache\.|Cache::remember|\bcache-manager\b|@nestjs/cache-manager|\bmoka::|#\[cached\b|result_cache_driver|query_cache_driver|second_level_cache",
        ALL,
    ),
    s(
        "cache.http",
        "HTTP responses are cacheable (Cache-Control, HTTP cache, reverse proxy cache)",
        r#"setSharedMaxAge|setMaxAge\(|#\[Cache\(|@Cache\(|Cache-Control['"]?\s*[:,=]\s*['"][^'"]*(max-age|s-maxage|public)|cache_control\(|@cache_control|\bproxy_cache(_path)?\s|fastcgi_cache\s|^vcl 4|http_cache:|\bHttpCache\b|CacheControl\.maxAge|max_age:\s*\d"#,
        ALL,
    ),
    s(
        "cache.invalidation",
        "cache entries are invalidated explicitly (tags, purge, evict)",
        r"invalidateTags\(|TagAwareCacheInterface|->tag\(|\bxkey\b|@CacheEvict|Surrogate-Key|surrogate_key|\bpurger\b|cache\.delete\(|\.invalidate\(|req\.method == .(BAN|PURGE)",
        ALL,
    ),
    s(
        "cache.warmup",
        "caches are warmed up",
        r"CacheWarmerInterface|kernel\.cache_warmer|cache:warmup|cache:pool:warm|warm_?up_?cache|cacheWarm|CacheWarmer",
        ALL,
    ),
    // 2.1 / 2.2 architecture
    s(
        "cqrs.command_handler",
        "command handlers",
        r"class\s+\w+CommandHandler\b|#\[AsCommandHandler|@CommandHandler\b|implements\s+\w*CommandHandler(Interface)?\b|ICommandHandler<|CommandHandlerInterface",
        CODE,
    ),
    s(
        "cqrs.query_handler",
        "query handlers",
        r"class\s+\w+QueryHandler\b|#\[AsQueryHandler|@QueryHandler\b|implements\s+\w*QueryHandler(Interface)?\b|IQueryHandler<|QueryHandlerInterface",
        CODE,
    ),
    s(
        "cqrs.buses",
        "separate command and query buses",
        r"\bcommand[._]bus\b|\bquery[._]bus\b|CommandBus\b|QueryBus\b|commandBus\b|queryBus\b",
        &["*.php", "*.yaml", "*.yml", "*.xml", "*.java", "*.kt", "*.ts", "*.cs", "*.go", "*.py", "*.rs"],
    ),
    s(
        "es.event_store",
        "events are stored (event sourcing)",
        r"Prooph\\EventStore|Broadway\\EventStore|EventSauce\\|Ecotone\\Modelling\\Attribute\\EventSourcing|#\[EventSourcingAggregate|org\.axonframework|EventStoreDBClient|esdb::|Marten\b|EventStoreInterface|AggregateRootRepository|event_store",
        CODE,
    ),
    s(
        "ddd.aggregate",
        "aggregate roots",
        r"AggregateRoot\b|@AggregateRoot|#\[Aggregate\b|#\[EventSourcingAggregate",
        CODE,
    ),
    s(
        "ddd.value_object",
        "value objects in the domain layer",
        r"ValueObject\b|final\s+readonly\s+class|#\[ORM\\Embeddable|@Embeddable\b|@dataclass\(frozen=True\)|record\s+\w+\(",
        &["*/Domain/*", "*/domain/*", "*/Model/*"],
    ),
    s(
        "ddd.domain_event",
        "domain events",
        r"DomainEvent\b|implements\s+\w*DomainEvent|@DomainEvents|DomainEventPublisher",
        CODE,
    ),
    // 2.3 API
    s(
        "api.openapi_generator",
        "the API description is generated from code (API Platform, NelmioApiDoc, springdoc, FastAPI...)",
        r"#\[ApiResource|@ApiResource|Nelmio\\ApiDocBundle|#\[OA\\|@OA\\|springdoc|@Operation\(|drf_spectacular|swagger_auto_schema|=\s*FastAPI\(|@nestjs/swagger|swagger-jsdoc|#\[utoipa::path|utoipa::OpenApi|\baide::|swaggo/|@ApiOperation",
        CODE,
    ),
    s(
        "api.versioned_routes",
        "API routes carry a version",
        r#"['"]/(api/)?v[0-9]+(/|['"])|#\[Route\(['"]/api/v[0-9]|prefix:\s*['"]?/?(api/)?v[0-9]|@RequestMapping\(['"]/(api/)?v[0-9]|APIRouter\(prefix=['"]/v[0-9]|Accept-Version|application/vnd\.[a-z0-9.-]+\.v[0-9]+"#,
        &["*.php", "*.py", "*.js", "*.ts", "*.go", "*.rs", "*.java", "*.kt", "*.cs", "*.rb", "*.yaml", "*.yml"],
    ),
    s(
        "api.rate_limit",
        "requests are rate limited",
        r"RateLimiterFactory|^[ \t]*rate_limiter:|#\[RateLimit|express-rate-limit|@nestjs/throttler|ThrottlerModule|django_ratelimit|@ratelimit\(|DEFAULT_THROTTLE_RATES|throttle_classes|\bslowapi\b|Bucket4j|RateLimiter\.of|@RateLimiter\(|tower_governor|actix_governor|GovernorLayer|limit_req_zone|^[ \t]*limit_req\s|RateLimitPolicy|rateLimit:|ratelimit\.k8s|x-ratelimit",
        ALL,
    ),
    // 7.1 feature flags
    s(
        "flags.sdk",
        "a feature-flag SDK is evaluated in code",
        r"Unleash\\|UnleashClient|unleash-client|\bunleash\.(is_enabled|isEnabled)|LDClient|launchdarkly|\bldclient\b|OpenFeature|openfeature|getBooleanValue\(|getBooleanDetails\(|get_boolean_value\(|\bflagsmith\b|Flagsmith|GrowthBook|growthbook|useFeatureIsOn|useFeatureValue|configcat|SplitFactory|splitio|isFeatureEnabled\(|\bflipt\b",
        CODE,
    ),
    s(
        "flags.rollout",
        "flags roll out gradually or run experiments",
        r#""fractional"|\bfractional:|flexibleRollout|gradualRollout|rolloutPercentage|"rollout"\s*:|useExperiment\(|trackingCallback|getExperiment\(|\bexperimentKey\b"#,
        &[
            "*.json", "*.yaml", "*.yml", "*.js", "*.ts", "*.tsx", "*.jsx", "*.py", "*.go", "*.java", "*.kt", "*.php",
            "*.rs", "*.cs",
        ],
    ),
    // 5.3 load testing
    s("loadtest.k6", "a k6 load-test script", r#"from\s+['"]k6(/http|/metrics)?['"]|require\(['"]k6"#, JS),
    s("loadtest.locust", "a Locust load-test script", r"^[ \t]*(from locust import|import locust)\b", &["*.py"]),
    s(
        "loadtest.gatling",
        "a Gatling simulation",
        r"io\.gatling\.|extends\s+Simulation\b",
        &["*.scala", "*.java", "*.kt"],
    ),
    // 6.2 property-based testing
    s(
        "test.property_based",
        "property-based tests",
        r#"use proptest::|\bproptest!|\bquickcheck!|#\[quickcheck\]|from hypothesis import|@given\(|\bfc\.(assert|property)\(|from ['"]fast-check['"]|@Property\b|net\.jqwik|Eris\\|->forAll\(|rapid\.Check\(|gopter\."#,
        CODE,
    ),
    // 7.2 business intelligence
    s(
        "bi.orchestration",
        "data pipelines (Airflow, Dagster, Prefect, Luigi)",
        r"^[ \t]*(from airflow( |\.)|import airflow\b|from dagster import|from prefect import|import luigi\b)",
        &["*.py"],
    ),
    // 1.1 infrastructure as code beyond Terraform
    s(
        "iac.cluster_code",
        "a Kubernetes cluster defined with CDK, Pulumi or eksctl",
        r"new\s+eks\.Cluster\(|eks\.Cluster\(|aws\.eks\.Cluster|awsx\.eks|eks\.NewCluster\(|container\.Cluster\(|gcp\.container\.Cluster|azure-native.*ManagedCluster",
        &["*.ts", "*.js", "*.py", "*.go", "*.java", "*.cs"],
    ),
];
