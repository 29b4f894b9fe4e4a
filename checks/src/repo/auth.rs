//! Authentication and authorization checks (roadmap item 4.1): token-based authentication
//! (OAuth 2.0, OpenID Connect, JWT), refresh-token rotation and scope-based authorization.
//!
//! Framework security configuration is read as data (Symfony firewalls, Spring Security OAuth2
//! properties, gesdinet and league bundle settings, Terraform identity providers); code is read
//! through the content scan. A token library in the manifest that nothing configures or calls is
//! intent, not practice. A library or framework that *implements* authentication for its users
//! has no users of its own to authenticate, so these checks do not apply to libraries.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::manifests::{Dependency, Ecosystem};
use crate::model::{Evidence, Finding};
use crate::repo::support::{list, unreadable_symfony};

fn hit_evidence(h: &crate::facts::scan::Hit) -> Evidence {
    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone())
}

/// Token-authentication libraries (JWT, OAuth 2.0, OpenID Connect), by ecosystem.
const TOKEN_LIBS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Composer, "lexik/jwt-authentication-bundle"),
    (Ecosystem::Composer, "league/oauth2-server"),
    (Ecosystem::Composer, "league/oauth2-server-bundle"),
    (Ecosystem::Composer, "knpuniversity/oauth2-client-bundle"),
    (Ecosystem::Composer, "web-token/jwt-bundle"),
    (Ecosystem::Composer, "web-token/jwt-library"),
    (Ecosystem::Composer, "firebase/php-jwt"),
    (Ecosystem::Composer, "lcobucci/jwt"),
    (Ecosystem::Npm, "jsonwebtoken"),
    (Ecosystem::Npm, "jose"),
    (Ecosystem::Npm, "passport-jwt"),
    (Ecosystem::Npm, "next-auth"),
    (Ecosystem::Npm, "openid-client"),
    (Ecosystem::Npm, "express-jwt"),
    (Ecosystem::Npm, "express-oauth2-jwt-bearer"),
    (Ecosystem::Npm, "@nestjs/jwt"),
    (Ecosystem::Pypi, "pyjwt"),
    (Ecosystem::Pypi, "authlib"),
    (Ecosystem::Pypi, "djangorestframework-simplejwt"),
    (Ecosystem::Pypi, "django-oauth-toolkit"),
    (Ecosystem::Pypi, "mozilla-django-oidc"),
    (Ecosystem::Pypi, "python-jose"),
    (Ecosystem::Pypi, "flask-jwt-extended"),
    (Ecosystem::Go, "github.com/golang-jwt/jwt/v5"),
    (Ecosystem::Go, "github.com/golang-jwt/jwt/v4"),
    (Ecosystem::Go, "github.com/coreos/go-oidc/v3"),
    (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-oauth2-resource-server"),
    (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-oauth2-client"),
    (Ecosystem::Maven, "io.jsonwebtoken:jjwt-api"),
    (Ecosystem::Maven, "com.nimbusds:nimbus-jose-jwt"),
    (Ecosystem::Gradle, "org.springframework.boot:spring-boot-starter-oauth2-resource-server"),
    (Ecosystem::Gradle, "org.springframework.boot:spring-boot-starter-oauth2-client"),
    (Ecosystem::Gradle, "io.jsonwebtoken:jjwt-api"),
    (Ecosystem::Cargo, "jsonwebtoken"),
    (Ecosystem::Cargo, "oauth2"),
    (Ecosystem::Cargo, "openidconnect"),
];

/// Symfony firewall keys that authenticate with tokens, and those that log in with a session.
const FIREWALL_TOKEN_KEYS: &[&str] = &["jwt", "access_token", "oauth2", "oidc"];
const FIREWALL_SESSION_KEYS: &[&str] = &[
    "form_login",
    "json_login",
    "http_basic",
    "login_link",
    "form_login_ldap",
    "json_login_ldap",
    "http_basic_ldap",
    "custom_authenticators",
    "custom_authenticator",
];

/// Standard security components that, once declared, log users in with a form or basic
/// credentials (Spring Boot configures Spring Security on its own).
const SESSION_LIBS: &[(Ecosystem, &str)] = &[
    (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-security"),
    (Ecosystem::Gradle, "org.springframework.boot:spring-boot-starter-security"),
];

/// `(firewall, key, config path, line)` for every Symfony firewall key in `keys`.
fn firewall_keys<'a>(repo: &'a RepoFacts, keys: &[&str]) -> Vec<(String, String, &'a str, u32)> {
    let mut out = Vec::new();
    for fw in repo.config.symfony("security.firewalls") {
        for f in fw.node.entries() {
            for e in f.value.entries().iter().filter(|e| keys.contains(&e.key.as_str())) {
                out.push((f.key.clone(), e.key.clone(), fw.path, e.line));
            }
        }
    }
    out
}

fn token_libs(repo: &RepoFacts) -> Vec<&Dependency> {
    TOKEN_LIBS.iter().filter_map(|(eco, name)| repo.manifests.has(*eco, name)).collect()
}

/// Evidence that the application authenticates with tokens: configuration, then code.
fn token_auth(repo: &RepoFacts) -> Vec<(String, Evidence)> {
    let mut found = Vec::new();
    if let Some((fw, key, path, line)) = firewall_keys(repo, FIREWALL_TOKEN_KEYS).into_iter().next() {
        found.push((
            format!("the Symfony firewall `{fw}` authenticates with `{key}` (`{path}`)"),
            Evidence::file(path, Some(line)),
        ));
    }
    for key in ["spring.security.oauth2.resourceserver", "spring.security.oauth2.client"] {
        if let Some(c) = repo.config.spring(key).first() {
            found.push((format!("`{}` configures `{key}`", c.path), Evidence::file(c.path, Some(c.line))));
        }
    }
    for (id, what) in
        [("auth.token_code", "OAuth/OIDC authentication is wired"), ("auth.jwt", "JWTs are issued or verified")]
    {
        if let Some(h) = repo.scan.project_hits(id).next() {
            found.push((format!("{what} in `{}`", h.path), hit_evidence(h)));
        }
    }
    found
}

pub struct TokenAuthentication;

impl Check for TokenAuthentication {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.auth.token_authentication",
            title: "Clients authenticate with OAuth 2.0, OpenID Connect or JWT tokens",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Standard token authentication lets APIs, mobile apps and third parties authenticate without sharing passwords, and delegates login to an identity provider that enterprise customers can federate with.",
            remediation: "Authenticate API clients with bearer tokens validated against an identity provider: Symfony `access_token` with an OIDC token handler or LexikJWTAuthenticationBundle, Spring `oauth2ResourceServer`, passport-jwt or openid-client, simplejwt or mozilla-django-oidc; keep session login for browser pages only.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let found = token_auth(repo);
        let libs = token_libs(repo);
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            let mut evidence: Vec<Evidence> = found.into_iter().map(|(_, e)| e).collect();
            evidence.extend(libs.iter().take(2).map(|d| Evidence::file(d.manifest.clone(), d.line)));
            return Finding::pass(list(&names)).with(evidence);
        }
        if let Some(unknown) = unreadable_symfony(repo, &["security"], "its firewalls authenticate with tokens") {
            return unknown;
        }
        if let Some((fw, key, path, line)) = firewall_keys(repo, FIREWALL_SESSION_KEYS).into_iter().next() {
            return Finding::partial(
                0.4,
                format!("the Symfony firewall `{fw}` logs users in with `{key}` (`{path}`), not with tokens"),
            )
            .with_one(Evidence::file(path, Some(line)));
        }
        if let Some(d) = libs.first() {
            let names: Vec<String> = libs.iter().map(|d| format!("`{}`", d.name)).collect();
            return Finding::partial(
                0.3,
                format!("{} declared (`{}`) but no configuration or code uses it", list(&names), d.manifest),
            )
            .with(libs.iter().map(|d| Evidence::file(d.manifest.clone(), d.line)));
        }
        if let Some(h) = repo.scan.project_hits("auth.session_login").next() {
            return Finding::partial(
                0.4,
                format!("users log in with a session-based login (`{}`), not with tokens", h.path),
            )
            .with_one(hit_evidence(h));
        }
        if let Some(d) = SESSION_LIBS.iter().find_map(|(eco, name)| repo.manifests.has(*eco, name)) {
            return Finding::partial(
                0.3,
                format!("`{}` (`{}`) provides session or basic authentication, not tokens", d.name, d.manifest),
            )
            .with_one(Evidence::file(d.manifest.clone(), d.line));
        }
        Finding::fail(
            "no authentication found (looked for Symfony firewalls, Spring Security OAuth2 settings, JWT, OAuth 2.0 and OpenID Connect libraries and their use in code)",
        )
    }
}

pub struct RefreshTokenRotation;

impl Check for RefreshTokenRotation {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.auth.refresh_token_rotation",
            title: "Refresh tokens are rotated on use",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A refresh token lives long; rotating it on every use (and revoking the family when an old one comes back) turns a stolen token into a detectable, short-lived problem instead of lasting access.",
            remediation: "Make refresh tokens single-use: gesdinet `single_use: true`, the league OAuth2 server (rotates by default), simplejwt `ROTATE_REFRESH_TOKENS` with `BLACKLIST_AFTER_ROTATION`, Spring Authorization Server `reuseRefreshTokens(false)`, or `revokeRefreshToken` in the Keycloak realm.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut partial: Option<(String, Evidence)> = None;
        // gesdinet/jwt-refresh-token-bundle
        if let Some(d) = repo.manifests.has(Ecosystem::Composer, "gesdinet/jwt-refresh-token-bundle") {
            if let Some(c) = repo
                .config
                .symfony("gesdinet_jwt_refresh_token.single_use")
                .into_iter()
                .find(|c| c.node.as_bool() == Some(true))
            {
                return Finding::pass(format!(
                    "refresh tokens are single use (`gesdinet_jwt_refresh_token.single_use` in `{}`)",
                    c.path
                ))
                .with_one(Evidence::file(c.path, Some(c.line)));
            }
            partial = Some((
                format!("`{}` issues refresh tokens but `single_use` is not enabled, so they can be reused", d.name),
                Evidence::file(d.manifest.clone(), d.line),
            ));
        }
        // the league OAuth2 server revokes the old refresh token when it issues a new one
        let league = ["league/oauth2-server-bundle", "league/oauth2-server"]
            .iter()
            .find_map(|n| repo.manifests.has(Ecosystem::Composer, n));
        if let Some(d) = league {
            let off = repo
                .config
                .symfony("league_oauth2_server.authorization_server.revoke_refresh_tokens")
                .into_iter()
                .find(|c| c.node.as_bool() == Some(false));
            match off {
                Some(c) => {
                    partial = Some((
                        format!("`revoke_refresh_tokens: false` in `{}` keeps used refresh tokens valid", c.path),
                        Evidence::file(c.path, Some(c.line)),
                    ))
                }
                None => {
                    return Finding::pass(format!(
                        "`{}` (`{}`) rotates refresh tokens: each use revokes the previous one",
                        d.name, d.manifest
                    ))
                    .with_one(Evidence::file(d.manifest.clone(), d.line));
                }
            }
        }
        // identity providers declared in Terraform
        let tf = &repo.terraform;
        let rotating = tf
            .resources(&["aws_cognito_user_pool_client"])
            .find(|b| b.attr("refresh_token_rotation.feature").map(|v| v.text()) == Some("ENABLED".into()))
            .or_else(|| {
                tf.resources(&["auth0_client"])
                    .find(|b| b.attr("refresh_token.rotation_type").map(|v| v.text()) == Some("rotating".into()))
            })
            .or_else(|| tf.resources(&["keycloak_realm"]).find(|b| b.is_true("revoke_refresh_token")));
        if let Some(b) = rotating {
            return Finding::pass(format!("`{}` in `{}` rotates refresh tokens", b.label(), b.path))
                .with_one(Evidence::file(b.path.clone(), Some(b.line)));
        }
        if let Some(h) = repo.scan.project_hits("auth.refresh_rotation").find(|h| !h.path.ends_with(".tf")) {
            return Finding::pass(format!("refresh tokens are rotated (`{}`)", h.path)).with_one(hit_evidence(h));
        }
        if let Some(p) = partial {
            return Finding::partial(0.4, p.0).with_one(p.1);
        }
        if let Some(h) = repo.scan.project_hits("auth.keycloak_no_rotation").next() {
            return Finding::partial(
                0.4,
                format!("the Keycloak realm `{}` keeps refresh tokens reusable (`revokeRefreshToken: false`)", h.path),
            )
            .with_one(hit_evidence(h));
        }
        if let Some(h) = repo.scan.project_hits("auth.keycloak_realm").next() {
            return Finding::partial(
                0.4,
                format!("the Keycloak realm `{}` leaves `revokeRefreshToken` at its default (off), so refresh tokens can be reused", h.path),
            )
            .with_one(hit_evidence(h));
        }
        for (eco, name) in [
            (Ecosystem::Pypi, "djangorestframework-simplejwt"),
            (Ecosystem::Maven, "org.springframework.boot:spring-boot-starter-oauth2-authorization-server"),
            (Ecosystem::Maven, "org.springframework.security:spring-security-oauth2-authorization-server"),
            (Ecosystem::Gradle, "org.springframework.boot:spring-boot-starter-oauth2-authorization-server"),
        ] {
            if let Some(d) = repo.manifests.has(eco, name) {
                return Finding::partial(
                    0.4,
                    format!("`{}` (`{}`) issues refresh tokens but rotation is not turned on", d.name, d.manifest),
                )
                .with_one(Evidence::file(d.manifest.clone(), d.line));
            }
        }
        if let Some(h) = repo.scan.project_hits("auth.refresh_token").next() {
            return Finding::partial(
                0.3,
                format!("refresh tokens are used (`{}`) but nothing shows that they are rotated", h.path),
            )
            .with_one(hit_evidence(h));
        }
        if token_auth(repo).is_empty() {
            return Finding::fail("no token authentication found, so there are no refresh tokens to rotate");
        }
        Finding::fail(
            "tokens are used but no refresh-token rotation was found (looked for gesdinet single_use, the league OAuth2 server, simplejwt ROTATE_REFRESH_TOKENS, Spring Authorization Server, Keycloak realms, Cognito and Auth0 clients)",
        )
    }
}

pub struct ScopedAuthorization;

impl Check for ScopedAuthorization {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.auth.scoped_authorization",
            title: "Authorization checks OAuth scopes",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Scopes limit what a token may do, whoever holds it: a third-party integration granted `orders:read` cannot cancel orders even though its user could. Roles alone give every token the user's full power.",
            remediation: "Check the token's scopes on each protected operation: Spring `hasAuthority('SCOPE_orders.read')`, Symfony voters or `access_control` on `SCOPE_` attributes, express-oauth2-jwt-bearer `requiredScopes`, DRF `TokenHasScope`, and request only the scopes a client needs.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(h) = repo.scan.project_hits("auth.scope_checks").next() {
            return Finding::pass(format!("`{}` checks OAuth scopes", h.path)).with_one(hit_evidence(h));
        }
        let access_control = repo.config.symfony("security.access_control");
        for c in &access_control {
            if let Some(rule) =
                c.node.items().iter().find(|r| r.key("roles").strings().iter().any(|s| s.starts_with("SCOPE_")))
            {
                return Finding::pass(format!("`access_control` in `{}` requires OAuth scopes", c.path))
                    .with_one(Evidence::file(c.path, Some(rule.line)));
            }
        }
        if let Some(c) = access_control.first() {
            return Finding::partial(
                0.4,
                format!("access is controlled by roles only (`access_control` in `{}`), not by token scopes", c.path),
            )
            .with_one(Evidence::file(c.path, Some(c.line)));
        }
        if let Some(h) = repo.scan.project_hits("auth.roles").next() {
            return Finding::partial(0.4, format!("authorization checks roles only (`{}`), not token scopes", h.path))
                .with_one(hit_evidence(h));
        }
        if let Some(unknown) = unreadable_symfony(repo, &["security"], "its access-control rules check scopes") {
            return unknown;
        }
        Finding::fail(
            "no authorization checks found (looked for scope checks, role checks and Symfony access_control rules)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    const APP: (&str, &str) = ("composer.json", r#"{"type": "project"}"#);
    const LIB: (&str, &str) = ("composer.json", r#"{"type": "library"}"#);
    const FORM_LOGIN: (&str, &str) = (
        "config/packages/security.yaml",
        "security:\n    firewalls:\n        main:\n            form_login:\n                login_path: login\n    access_control:\n        - { path: ^/admin, roles: ROLE_ADMIN }\n",
    );

    #[test]
    fn token_authentication() {
        for (name, files, want) in [
            (
                "access_token in prod",
                vec![
                    APP,
                    (
                        "config/packages/security.yaml",
                        "security:\n    firewalls:\n        main:\n            stateless: true\nwhen@prod:\n    security:\n        firewalls:\n            main:\n                access_token:\n                    token_handler: App\\Handler\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "lexik jwt",
                vec![
                    ("composer.json", r#"{"type": "project", "require": {"lexik/jwt-authentication-bundle": "^3"}}"#),
                    (
                        "config/packages/security.yaml",
                        "security:\n    firewalls:\n        api:\n            stateless: true\n            jwt: ~\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "passport-jwt",
                vec![
                    ("package.json", r#"{"private": true}"#),
                    ("src/auth.js", "passport.use(new JwtStrategy(opts, verify));"),
                ],
                Status::Pass,
            ),
            ("form login", vec![APP, FORM_LOGIN], Status::Partial),
            (
                "library declared only",
                vec![("composer.json", r#"{"type": "project", "require": {"firebase/php-jwt": "^6"}}"#)],
                Status::Partial,
            ),
            (
                "commented jwt",
                vec![
                    APP,
                    (
                        "config/packages/security.yaml",
                        "security:\n    firewalls:\n        main:\n            lazy: true\n            # jwt: ~\n",
                    ),
                ],
                Status::Fail,
            ),
            (
                "jwt in tests only",
                vec![APP, ("tests/Api/TokenTest.php", "<?php\n$t = JWT::encode($payload, $key, 'HS256');")],
                Status::Fail,
            ),
            (
                "broken security config",
                vec![APP, ("config/packages/security.yaml", "security:\n  firewalls: [\n")],
                Status::Unknown,
            ),
            (
                "a library's own token code is judged like any code",
                vec![LIB, ("src/Security/JwtHandler.php", "<?php\nuse Jose\\Component\\Signature\\JWSVerifier;")],
                Status::Pass,
            ),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&TokenAuthentication, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn refresh_token_rotation() {
        for (name, files, want) in [
            (
                "gesdinet single use",
                vec![
                    ("composer.json", r#"{"type": "project", "require": {"gesdinet/jwt-refresh-token-bundle": "^1"}}"#),
                    (
                        "config/packages/gesdinet_jwt_refresh_token.yaml",
                        "gesdinet_jwt_refresh_token:\n    single_use: true\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "gesdinet reusable",
                vec![
                    ("composer.json", r#"{"type": "project", "require": {"gesdinet/jwt-refresh-token-bundle": "^1"}}"#),
                    (
                        "config/packages/gesdinet_jwt_refresh_token.yaml",
                        "gesdinet_jwt_refresh_token:\n    ttl: 2592000\n",
                    ),
                ],
                Status::Partial,
            ),
            (
                "league server",
                vec![("composer.json", r#"{"type": "project", "require": {"league/oauth2-server-bundle": "^0.8"}}"#)],
                Status::Pass,
            ),
            (
                "simplejwt rotation",
                vec![APP, ("app/settings.py", "SIMPLE_JWT = {\n    'ROTATE_REFRESH_TOKENS': True,\n}\n")],
                Status::Pass,
            ),
            (
                "keycloak realm",
                vec![APP, ("keycloak/realm.json", "{\n  \"realm\": \"demo\",\n  \"revokeRefreshToken\": true\n}")],
                Status::Pass,
            ),
            (
                "keycloak realm with defaults",
                vec![APP, ("keycloak/realm.json", "{\n  \"realm\": \"demo\",\n  \"enabled\": true\n}")],
                Status::Partial,
            ),
            (
                "keycloak realm without rotation",
                vec![APP, ("keycloak/realm.json", "{\n  \"realm\": \"demo\",\n  \"revokeRefreshToken\" : false\n}")],
                Status::Partial,
            ),
            (
                "cognito",
                vec![
                    APP,
                    (
                        "infra/cognito.tf",
                        "resource \"aws_cognito_user_pool_client\" \"web\" {\n  refresh_token_rotation {\n    feature = \"ENABLED\"\n  }\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "cognito disabled",
                vec![
                    APP,
                    (
                        "infra/cognito.tf",
                        "resource \"aws_cognito_user_pool_client\" \"web\" {\n  refresh_token_rotation {\n    feature = \"DISABLED\"\n  }\n}\n",
                    ),
                ],
                Status::Fail,
            ),
            (
                "csrf token refresh",
                vec![APP, ("src/Csrf.php", "<?php\npublic function refreshToken(string $id) {}")],
                Status::Fail,
            ),
            ("commented rotation", vec![APP, ("app/settings.py", "# 'ROTATE_REFRESH_TOKENS': True,\n")], Status::Fail),
            ("a library without any", vec![LIB], Status::Fail),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&RefreshTokenRotation, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn scoped_authorization() {
        for (name, files, want) in [
            (
                "spring scopes",
                vec![APP, ("src/main/java/Api.java", "@PreAuthorize(\"hasAuthority('SCOPE_orders.read')\")")],
                Status::Pass,
            ),
            (
                "access_control scope",
                vec![
                    APP,
                    (
                        "config/packages/security.yaml",
                        "security:\n    access_control:\n        - { path: ^/api/orders, roles: SCOPE_orders }\n",
                    ),
                ],
                Status::Pass,
            ),
            ("roles only", vec![APP, FORM_LOGIN], Status::Partial),
            (
                "is_granted",
                vec![APP, ("src/Controller/Admin.php", "<?php\n#[IsGranted('ROLE_ADMIN')]\nclass Admin {}")],
                Status::Partial,
            ),
            ("broken security config", vec![APP, ("config/packages/security.yaml", "security: {\n")], Status::Unknown),
            ("scopes in tests only", vec![APP, ("tests/ApiTest.java", "hasAuthority('SCOPE_x')")], Status::Fail),
            ("a library without any", vec![LIB], Status::Fail),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&ScopedAuthorization, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
