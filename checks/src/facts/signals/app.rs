//! Signals for application architecture, API, authentication, hardening and governance (items 2.x, 4.x).
//!
//! These refine the shared signals of `base.rs` where a word would be too loose: a versioned route
//! is a route *declared* with a version (`#[Route('/api/v1`, `router.get('/v1/`), not any string
//! holding `/v1/` (an OTLP exporter URL calls someone else's versioned API); a security header
//! counts where it is *set* (`add_header`, `setHeader(`, a headers map), not where it is read or
//! listed. Markdown signals (`docs.*`) match headings, which the scan marks as comments, so checks
//! read them with `all_hits`.

#[allow(unused_imports)]
use super::{ALL, CODE, JS, SERVER, Signal, s};

/// Where a response header can be set: code, web-server and proxy configuration, templates.
const HEADER_FILES: &[&str] = &[
    "*.php",
    "*.py",
    "*.js",
    "*.mjs",
    "*.cjs",
    "*.jsx",
    "*.ts",
    "*.tsx",
    "*.go",
    "*.rs",
    "*.java",
    "*.kt",
    "*.cs",
    "*.rb",
    "*.conf",
    "*nginx*",
    "*Caddyfile",
    "*.caddy",
    "*.htaccess",
    "*.vcl",
    "*.yaml",
    "*.yml",
    "*.toml",
    "*.twig",
    "*.html",
];

/// The ways a header named `$h` (a regex) is set: a server directive, a setter call, a key of a
/// headers map, a bare line in a Caddy `header { }` block, an HTML meta tag.
macro_rules! header_set {
    ($h:literal) => {
        concat!(
            r#"\b(add_header|more_set_headers|header|Header\s+(always\s+)?(set|append|add|merge))\s+["'`]?[+]?"#, $h, r#"\b"#,
            r#"|\b(set|setHeader|header|append|add|set_header|AddHeader|Add|addHeader|put|Set|insert|withHeader)\(\s*["'`]"#, $h, r#"["'`]"#,
            r#"|["'`]"#, $h, r#"["'`]\s*(=>|:|,)"#,
            r#"|^[ \t]*[+]?"#, $h, r#"(:\s*\S|\s+["'`])"#,
            r#"|http-equiv=["']"#, $h
        )
    };
}

pub(super) static SIGNALS: &[Signal] = &[
    // 2.1 architecture rules
    s(
        "arch.rules_test",
        "architecture rules written as tests (ArchUnit, PHPat, Pest arch, NetArchTest, Konsist)",
        r#"com\.tngtech\.archunit|\bArchRuleDefinition\b|@ArchTest\b|PHPat\\Test\\|PHPat\\Selector\\|^[ \t]*arch\(|->toOnlyBeUsedIn\(|->not->toUse\(|\bNetArchTest\.Rules\b|\bArchUnitNET\b|com\.lemonappdev\.konsist|from ['"]ts-arch['"]"#,
        CODE,
    ),
    s(
        "arch.importlinter",
        "import-linter contracts between Python packages",
        r"^\[(tool\.)?importlinter(:[^\]]+)?\]",
        &["*.toml", "*.cfg", "*.ini", "*.importlinter"],
    ),
    s(
        "arch.boundaries",
        "ESLint rules enforce module boundaries (eslint-plugin-boundaries, Nx)",
        r#"["'](boundaries/(element-types|entry-point|external|no-private|no-unknown|dependencies)|@nx/enforce-module-boundaries|@nrwl/nx/enforce-module-boundaries)["']"#,
        &["*.js", "*.mjs", "*.cjs", "*.ts", "*.json", "*.yaml", "*.yml", "*.eslintrc"],
    ),
    // 2.2 CQRS
    s(
        "cqrs.message_handler",
        "message handlers on a bus (Symfony Messenger, MediatR, NestJS CQRS)",
        r"#\[AsMessageHandler\b|implements\s+[\w\\, ]*\bMessageHandlerInterface\b|\bIRequestHandler<|@MessageHandler\b|@nestjs/cqrs|\bmessenger\.message_handler\b",
        &["*.php", "*.cs", "*.java", "*.kt", "*.ts", "*.js", "*.yaml", "*.yml", "*.xml"],
    ),
    s(
        "es.store_code",
        "events are appended to an event store (EventSauce, Prooph, Broadway, Ecotone, Axon, EventStoreDB, Marten)",
        r"Prooph\\EventStore|Broadway\\EventStore|EventSauce\\EventSourcing|Ecotone\\Modelling\\Attribute\\EventSourcing|#\[EventSourcingAggregate|org\.axonframework\.(eventsourcing|modelling)|\bEventStoreDBClient\b|\bKurrentDBClient\b|\besdb::|\bkurrentdb::|\busing Marten\b|\.AddMarten\(|\bEventStoreInterface\b|\bAggregateRootRepository\b|^[ \t]*from eventsourcing\b|\bcqrs_es::|Patchlevel\\EventSourcing",
        CODE,
    ),
    s(
        "es.projection",
        "projections build read models from events",
        r"#\[Projection\(|#\[ProjectionInitialization|\bProjectorInterface\b|\bReadModelProjector\b|class\s+\w+(Projector|Projection|ReadModel)\b|@ProcessingGroup\(|\bIProjection\b|(Single|Multi)StreamProjection<",
        CODE,
    ),
    // 2.3 API
    s("api.grpc_service", "a gRPC service is defined", r"^[ \t]*service\s+\w+\s*\{", &["*.proto"]),
    s(
        "api.grpc_versioned_package",
        "gRPC services live in a versioned package",
        r"^[ \t]*package\s+[\w.]+\.v[0-9]+\w*\s*;",
        &["*.proto"],
    ),
    s(
        "api.route_version",
        "API routes are declared under a version (path, header or media type)",
        r#"#\[Route\(\s*(path:\s*)?['"]/(api/)?v[0-9]+\b|@(Request|Get|Post|Put|Patch|Delete)Mapping\(\s*((value|path)\s*=\s*)?\{?\s*"/(api/)?v[0-9]+\b|\.(get|post|put|patch|delete|all|use|route|group|Group|Handle|HandleFunc|GET|POST|PUT|PATCH|DELETE|Mount|mount|nest|PathPrefix|register)\(\s*['"`]/(api/)?v[0-9]+(/|['"`])|\b(APIRouter|Blueprint|include_router|register_blueprint)\([^)]*(prefix|url_prefix)\s*=\s*['"]/(api/)?v[0-9]+|\b(re_)?path\(\s*r?['"]\^?(api/)?v[0-9]+/|\bsetGlobalPrefix\(\s*['"]/?(api/)?v[0-9]+|\bVersioningType\.|\.enableVersioning\(\s*\{|\[ApiVersion\(|\bAddApiVersioning\(|Route::prefix\(\s*['"]/?(api/)?v[0-9]+|\b(uriTemplate|routePrefix):\s*['"]/(api/)?v[0-9]+|["'](Accept-Version|Api-Version|X-Api-Version|API-Version)["']|application/vnd\.[\w-]+(\.[\w-]+)*\.v[0-9]+\+(json|xml)"#,
        &["*.php", "*.py", "*.js", "*.mjs", "*.ts", "*.go", "*.rs", "*.java", "*.kt", "*.cs", "*.rb"],
    ),
    s(
        "api.route_version_config",
        "routing configuration mounts routes under a version",
        r#"^[ \t]*(prefix|path):\s*['"]?/?(api/)?v[0-9]+(/|\b)"#,
        &["*routes*.yaml", "*routes*.yml", "*routing*.yaml", "*routing*.yml"],
    ),
    s(
        "api.rate_limit_code",
        "a rate limiter guards requests in code",
        r#"(require\(|from\s+)['"](express-rate-limit|rate-limiter-flexible|@nestjs/throttler|express-slow-down|@fastify/rate-limit|hono-rate-limiter)['"]|\bThrottlerModule\.forRoot|@Throttle\(|\bThrottlerGuard\b|\bRateLimiterFactory(Interface)?\b|#\[RateLimit|['"]throttle:\d|@ratelimit\(|\bfrom django_ratelimit\b|\bDEFAULT_THROTTLE_RATES\b|\bthrottle_classes\s*=|\bslowapi\b|\bflask_limiter\b|\bLimiter\(\s*(app\s*,\s*)?key_func|\bBucket4j\b|\bBandwidth\.(simple|classic|builder)\(|\bRateLimiter\.of\(|@RateLimiter\(|\bGovernorLayer\b|\bGovernorConfigBuilder\b|\bactix_governor\b|\bAddRateLimiter\(|\.RequireRateLimiting\(|\[EnableRateLimiting|\bhttprate\.Limit|\btollbooth\.|Rack::Attack|\bRequestRateLimiter\b"#,
        CODE,
    ),
    s(
        "api.rate_limit_proxy",
        "a web server, proxy or gateway limits request rates",
        r"^[ \t]*limit_req_zone\s|^[ \t]*limit_req\s|nginx\.ingress\.kubernetes\.io/limit-(rps|rpm|connections)|traefik\.http\.middlewares\.[\w-]+\.ratelimit\.|^[ \t]*rateLimit:\s*$|\.rateLimit\]|\bname:\s*rate-limiting\b|envoy\.filters\.http\.(local_)?ratelimit|^[ \t]*rate_limit\s*\{|\bthrottling_(rate|burst)_limit\b|\bRequestRateLimiter\b",
        &["*.conf", "*nginx*", "*Caddyfile", "*.caddy", "*.yaml", "*.yml", "*.toml", "*.tf", "*.json"],
    ),
    // 4.1 authentication
    s(
        "auth.token_code",
        "OAuth 2.0, OpenID Connect or JWT bearer authentication wired in code",
        r#"new\s+JwtStrategy\(|['"]passport-jwt['"]|\bexpressjwt\(|JwtModule\.register(Async)?\(|AuthGuard\(['"]jwt['"]\)|\bNextAuth\(|\bIssuer\.discover\(|\boidc\.NewProvider\(|\bopenidconnect::|\boauth2ResourceServer\(|\boauth2Login\(|\bAddJwtBearer\(|\bAddOpenIdConnect\(|\bJWTAuthentication\b|\brest_framework_simplejwt\b|\bmozilla_django_oidc\b|\bOAuth2Authentication\b|League\\OAuth2\\Server\\|\bOAuth2Authenticator\b|KnpU\\OAuth2ClientBundle|Jose\\Component\\(Signature|Checker|Core)|\bAccessTokenHandlerInterface\b|Lexik\\Bundle\\JWTAuthenticationBundle|^[ \t]*from authlib\b|\bflask_jwt_extended\b|\bJWTManager\(|github\.com/coreos/go-oidc|github\.com/golang-jwt/jwt|\bcreateRemoteJWKSet\(|\bjwtVerify\(|\boauth2::basic::BasicClient|\bgetServerSession\("#,
        CODE,
    ),
    s(
        "auth.session_login",
        "session or form login with a standard security component",
        r#"['"]django\.contrib\.auth['"]|\bformLogin\(|new\s+LocalStrategy\(|^[ \t]*from\s+flask_login\s+import|\bLoginManager\(\)|\bdevise_for\b|\bAddCookie\(|\bAddDefaultIdentity<|\bAddIdentity<"#,
        CODE,
    ),
    s(
        "auth.scope_checks",
        "authorization checks OAuth scopes",
        r#"['"]SCOPE_[A-Za-z_]+|\bhasScope\(|\brequiredScopes\b|\bRequireScope\b|\bhas_scopes?\(|\bscope_required\b|\bScopesAllowed\b|@Scopes\(|#\[Scopes?\(|\bjwtAuthz\(|(?i:claims|token|payload|decoded|jwt)\w*\s*\[\s*['"](scope|scp)['"]\s*\]|getClaim\(['"](scope|scp)['"]\)|->getScopes\(\)|\.scopes\.includes\(|\bTokenHasScope\b|\bTokenHasReadWriteScope\b|\brequired_scopes\s*="#,
        CODE,
    ),
    s(
        "auth.refresh_token",
        "refresh tokens are issued or exchanged",
        r#"['"]refresh_token['"]|grant_type=refresh_token|\brefresh_token\s*[:=]|\brefreshToken\s*\??[:=]|\.refreshToken\b|\bRefreshToken(Manager|Repository|Entity|Interface|Service)\b"#,
        CODE,
    ),
    s("auth.keycloak_realm", "a Keycloak realm export", r#"^[ \t]*"realm"\s*:\s*"[^"]+"\s*,"#, &["*.json"]),
    s(
        "auth.keycloak_no_rotation",
        "a Keycloak realm keeps refresh tokens reusable",
        r#""revokeRefreshToken"\s*:\s*false"#,
        &["*.json"],
    ),
    // 4.2 security headers, where they are set
    s(
        "headers.set.csp",
        "a Content-Security-Policy is set",
        concat!(
            header_set!("Content-Security-Policy(-Report-Only)?"),
            r"|\bCSP_DEFAULT_SRC\b|\bCONTENT_SECURITY_POLICY\s*=|\bcontentSecurityPolicy\s*[:(]|\bhelmet\.contentSecurityPolicy\(|\bheader::CONTENT_SECURITY_POLICY\b|\bContentSecurityPolicy\("
        ),
        HEADER_FILES,
    ),
    s(
        "headers.set.hsts",
        "Strict-Transport-Security is set",
        concat!(
            header_set!("Strict-Transport-Security"),
            r"|\bSECURE_HSTS_SECONDS\s*=|\bhttpStrictTransportSecurity\s*[:(]|\bstsSeconds:\s*\d|\bhelmet\.hsts\(|\bUseHsts\(|\bheader::STRICT_TRANSPORT_SECURITY\b|\bforce_https\s*=\s*True"
        ),
        HEADER_FILES,
    ),
    s(
        "headers.set.frame",
        "framing is restricted (X-Frame-Options or frame-ancestors)",
        concat!(
            header_set!("X-Frame-Options"),
            r"|\bX_FRAME_OPTIONS\s*=|\bXFrameOptionsMiddleware\b|\bframeOptions\(|\bframeDeny:\s*true|\bcustomFrameOptionsValue:|\bhelmet\.frameguard\(|\bheader::X_FRAME_OPTIONS\b|frame-ancestors\s+'"
        ),
        HEADER_FILES,
    ),
    s(
        "headers.set.nosniff",
        "X-Content-Type-Options: nosniff is set",
        concat!(
            header_set!("X-Content-Type-Options"),
            r"|\bSECURE_CONTENT_TYPE_NOSNIFF\s*=\s*True|\bcontentTypeOptions\(|\bcontentTypeNosniff:\s*true|\bhelmet\.noSniff\(|\bheader::X_CONTENT_TYPE_OPTIONS\b|django\.middleware\.security\.SecurityMiddleware"
        ),
        HEADER_FILES,
    ),
    s(
        "headers.set.referrer",
        "a Referrer-Policy is set",
        concat!(
            header_set!("Referrer-Policy"),
            r"|\bSECURE_REFERRER_POLICY\s*=|\breferrerPolicy\s*[:(]|\bhelmet\.referrerPolicy\(|\bheader::REFERRER_POLICY\b|django\.middleware\.security\.SecurityMiddleware"
        ),
        HEADER_FILES,
    ),
    s(
        "headers.bundle",
        "a middleware sets the standard security headers (helmet, Talisman)",
        r#"(require\(|from\s+)['"](helmet|@fastify/helmet|koa-helmet)['"]|\bhelmet\(\)|\bTalisman\("#,
        &["*.js", "*.mjs", "*.cjs", "*.ts", "*.py"],
    ),
    // 4.2 penetration testing, 4.3 security policy (Markdown headings)
    s(
        "docs.pentest",
        "a penetration test or security assessment is documented",
        r"^#{1,4}\s+.*(?i:penetration test|pen-?test|security assessment|security audit)",
        &["*.md", "*.markdown"],
    ),
    s(
        "docs.security_section",
        "documentation tells how to report a vulnerability",
        r"^#{1,4}\s+.*(?i:security polic|security issue|security vulnerabilit|security bug|reporting (a )?(security )?vulnerabilit|reporting security|vulnerability (disclosure|report))",
        &["*.md", "*.markdown"],
    ),
];

#[cfg(test)]
mod tests {
    use crate::facts::FileIndex;
    use crate::facts::NoProgress;
    use crate::facts::scan::scan;

    #[test]
    fn hits_point_at_the_construct_line() {
        let facts = scan(
            &FileIndex::from_memory(&[("proto/health.proto", "syntax = \"proto3\";\n\npackage grpc.health.v1;\n")]),
            &NoProgress,
            &mut Vec::new(),
        );
        let hits = facts.all_hits("api.grpc_versioned_package");
        assert_eq!((hits[0].line, hits[0].text.as_str()), (3, "package grpc.health.v1;"));
    }

    /// `(signal, path, text, should hit)`.
    #[test]
    fn patterns_hit_the_construct_and_not_the_decoy() {
        for (id, path, text, want) in [
            ("arch.rules_test", "src/test/java/ArchTest.java", "import com.tngtech.archunit.lang.ArchRule;", true),
            ("arch.rules_test", "tests/Arch/LayerTest.php", "use PHPat\\Test\\Builder\\Rule;", true),
            ("arch.rules_test", "tests/ArchTest.php", "arch('domain')\n    ->expect('App\\Domain')", true),
            ("arch.rules_test", "src/search.php", "$this->search($arch);", false),
            ("arch.importlinter", "pyproject.toml", "[tool.importlinter]\nroot_package = shop", true),
            ("arch.importlinter", ".importlinter", "[importlinter:contract:layers]", true),
            ("arch.importlinter", "README.md", "[tool.importlinter]", false),
            ("arch.boundaries", ".eslintrc.json", "\"rules\": { \"boundaries/element-types\": [2] }", true),
            ("arch.boundaries", "src/app.ts", "const boundaries = computeBoundaries();", false),
            ("cqrs.message_handler", "src/Handler/Ship.php", "#[AsMessageHandler]", true),
            ("cqrs.message_handler", "src/Handler/Ship.php", "// MessageHandler docs", false),
            ("es.projection", "src/ReadModel/OrderProjector.php", "final class OrderProjector", true),
            ("es.projection", "src/Ui/app.js", "const source = new EventSource('/stream');", false),
            ("es.store_code", "src/Infra/Store.php", "use EventSauce\\EventSourcing\\AggregateRootRepository;", true),
            ("es.store_code", "assets/live.js", "const es = new EventSource('/events');", false),
            ("es.store_code", "src/Emoji/data.php", "'marten' => 'Marten',", false),
            ("auth.refresh_token", "pwa/app/auth.tsx", "  refreshToken: string", true),
            (
                "auth.refresh_token",
                "src/Csrf/Manager.php",
                "public function refreshToken(string $tokenId): CsrfToken",
                false,
            ),
            ("auth.scope_checks", "src/Config.php", "->ifTrue(fn ($v) => !isset($v['scope']))", false),
            ("auth.scope_checks", "src/auth.go", "scopes := claims[\"scope\"].(string)", true),
            (
                "api.route_version",
                "src/Checker.php",
                "['headers' => ['Accept' => 'application/vnd.npm.install-v1+json']]",
                false,
            ),
            ("api.route_version", "src/Api.java", "@GetMapping(produces = \"application/vnd.acme.v2+json\")", true),
            ("docs.security_section", "CONTRIBUTING.md", "## Reporting Bugs\n", false),
            ("api.grpc_service", "protos/demo.proto", "service CartService {", true),
            ("api.grpc_service", "protos/demo.proto", "message CartItem {", false),
            ("api.grpc_versioned_package", "proto/shop/v1/cart.proto", "package shop.cart.v1;", true),
            ("api.grpc_versioned_package", "protos/demo.proto", "package hipstershop;", false),
            ("api.route_version", "src/Cache/Adapter.php", "        $this->enableVersioning();", false),
            ("api.route_version", "src/main.ts", "app.enableVersioning({ type: VersioningType.URI });", true),
            ("api.route_version", "src/Controller/Api.php", "#[Route('/api/v1/orders', name: 'orders')]", true),
            ("api.route_version", "src/server.ts", "router.get('/v2/users', list);", true),
            ("api.route_version", "main.go", "v1 := r.Group(\"/v1\")", true),
            ("api.route_version", "app/main.py", "app.include_router(orders, prefix=\"/v1\")", true),
            ("api.route_version", "src/tracing.ts", "url: 'http://collector:4318/v1/traces'", false),
            ("api.route_version", "src/client.go", "endpoint := \"/v1/traces\"", false),
            ("api.route_version_config", "config/routes/api.yaml", "api:\n    prefix: /api/v1\n", true),
            ("api.route_version_config", "config/routes/api.yaml", "api:\n    prefix: /api\n", false),
            ("api.rate_limit_code", "src/app.ts", "import rateLimit from 'express-rate-limit';", true),
            ("api.rate_limit_code", "app/settings.py", "'DEFAULT_THROTTLE_RATES': {'anon': '100/day'}", true),
            ("api.rate_limit_code", "src/github.ts", "const left = res.headers['x-ratelimit-remaining'];", false),
            ("api.rate_limit_proxy", "nginx/default.conf", "    limit_req zone=api burst=20;", true),
            ("api.rate_limit_proxy", "helm/values.yaml", "  nginx.ingress.kubernetes.io/limit-rps: \"10\"", true),
            ("api.rate_limit_proxy", "config/app.yaml", "  rate_limit_enabled: false", false),
            ("auth.token_code", "src/auth.ts", "passport.use(new JwtStrategy(opts, verify));", true),
            (
                "auth.token_code",
                "src/Security/Handler.php",
                "final class H implements AccessTokenHandlerInterface",
                true,
            ),
            ("auth.token_code", "src/auth.ts", "// TODO: add JwtStrategy", false),
            ("auth.scope_checks", "src/Controller.java", "@PreAuthorize(\"hasAuthority('SCOPE_orders.read')\")", true),
            (
                "auth.scope_checks",
                "src/api.ts",
                "app.get('/orders', checkJwt, requiredScopes('read:orders'), list);",
                true,
            ),
            ("auth.scope_checks", "src/api.ts", "const scope = 'app';", false),
            ("auth.keycloak_no_rotation", "keycloak/realm.json", "  \"revokeRefreshToken\" : false,", true),
            (
                "headers.set.csp",
                "nginx/site.conf",
                "    add_header Content-Security-Policy \"default-src 'self'\" always;",
                true,
            ),
            (
                "headers.set.csp",
                "api/Caddyfile",
                "\theader {\n\t\tContent-Security-Policy \"default-src 'self'\"\n\t}",
                true,
            ),
            ("headers.set.csp", "next.config.js", "{ key: 'Content-Security-Policy', value: csp },", true),
            (
                "headers.set.csp",
                "src/Listener.php",
                "$response->headers->set('Content-Security-Policy', $policy);",
                true,
            ),
            ("headers.set.csp", "docs/security.md", "add_header Content-Security-Policy \"default-src\";", false),
            ("headers.set.csp", "src/cors.ts", "const csp = response.headers.get('Content-Security-Policy');", false),
            ("headers.set.hsts", "settings.py", "SECURE_HSTS_SECONDS = 31536000", true),
            ("headers.set.hsts", "traefik/dynamic.yml", "        stsSeconds: 31536000", true),
            ("headers.set.frame", "src/main/java/Sec.java", "http.headers(h -> h.frameOptions(f -> f.deny()));", true),
            ("headers.set.nosniff", "nginx.conf", "add_header X-Content-Type-Options nosniff;", true),
            ("headers.bundle", "src/server.ts", "app.use(helmet());", true),
            ("headers.bundle", "src/server.ts", "const hat = helmetSize();", false),
            ("docs.pentest", "docs/security.md", "## Penetration testing\n", true),
            ("docs.pentest", "docs/security.md", "We should pentest one day.\n", false),
            ("docs.security_section", "CONTRIBUTING.md", "## Reporting a vulnerability\n", true),
        ] {
            let facts = scan(&FileIndex::from_memory(&[(path, text)]), &NoProgress, &mut Vec::new());
            let hit = !facts.all_hits(id).is_empty();
            assert_eq!(hit, want, "{id} on {path}: {text}");
        }
    }
}
