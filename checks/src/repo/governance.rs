//! Compliance and governance checks (roadmap item 4.3): a security policy, code ownership, an
//! audit trail, access controls, and encryption at rest of the storage the infrastructure code
//! declares.
//!
//! The policy and ownership files apply to every repository. The audit trail, access controls and
//! encryption at rest are about a running service: a library has no users to audit or to grant
//! roles to, and no storage to encrypt.
//! Encryption at rest is decided where storage is declared, so it is judged from Terraform (and
//! Kubernetes storage classes) and not assessed when the repository declares no storage.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::files::Location;
use crate::facts::scan::Hit;
use crate::facts::terraform::{TfBlock, TfValue};
use crate::model::{Evidence, Finding, clip};
use crate::repo::support::{
    Seen, cite, describe, doc_hits, examples_only, is_tf, list, own_and_other, signal_seen, unknown_or_fail, unreadable,
};

pub struct SecurityPolicy;

impl Check for SecurityPolicy {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.security_policy",
            title: "A security policy tells how to report vulnerabilities",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A published security policy gives researchers and customers a private channel and a response commitment, so vulnerabilities are reported to the team instead of disclosed in public issues.",
            remediation: "Add a `SECURITY.md` (at the root, in `.github/` or `docs/`) naming the supported versions, a private reporting channel (a security e-mail or GitHub private vulnerability reporting) and the expected response time.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(p) = &repo.docs.security_policy {
            return Finding::pass(format!("`{p}` is the security policy")).with_one(Evidence::file(p.clone(), None));
        }
        if let Some(h) = repo.scan.all_hits("docs.security_section").iter().find(|h| h.location == Location::Project) {
            return Finding::partial(
                0.4,
                format!("`{}` explains how to report security issues, but there is no SECURITY.md", h.path),
            )
            .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        Finding::fail(
            "no security policy found (looked for SECURITY.md at the root, in .github/ and docs/, and for a vulnerability-reporting section in the documentation; a policy inherited from the organisation's .github repository is not visible here)",
        )
    }
}

pub struct CodeOwnership;

impl Check for CodeOwnership {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.code_ownership",
            title: "Code ownership is declared",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "A CODEOWNERS file routes every change to the people accountable for that code and, with branch protection, makes their review mandatory: the access control auditors ask for on changes.",
            remediation: "Add `.github/CODEOWNERS` (or `CODEOWNERS`, `docs/CODEOWNERS`, `.gitlab/CODEOWNERS`) mapping paths to teams, and require code-owner review in branch protection.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        if let Some(p) = &repo.docs.codeowners {
            return Finding::pass(format!("`{p}` assigns owners to paths")).with_one(Evidence::file(p.clone(), None));
        }
        let named = repo.files.entries().iter().find(|e| {
            e.location == Location::Project
                && matches!(e.name(), "OWNERS" | "OWNERS_ALIASES" | "MAINTAINERS" | "MAINTAINERS.md")
        });
        if let Some(e) = named {
            return Finding::partial(
                0.4,
                format!(
                    "`{}` names maintainers, but no CODEOWNERS file makes their review part of each change",
                    e.path
                ),
            )
            .with_one(Evidence::file(e.path.clone(), None));
        }
        Finding::fail("no CODEOWNERS file found (looked in the root, .github/, .gitlab/ and docs/)")
    }
}

pub struct AuditLogging;

impl Check for AuditLogging {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.audit_logging",
            title: "An audit trail records who changed what",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "SOC 2 and most regulations ask who did what and when: an audit trail of data changes and administrative actions is the evidence, and the first thing investigated after an incident.",
            remediation: "Record changes to business data with an audit library (DH Auditor, django-simple-history, Hibernate Envers, PaperTrail) or a dedicated `audit` log channel, and enable platform audit logs (AWS CloudTrail, Kubernetes audit policy, EKS `audit` logs).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: Vec<(String, Evidence)> = Vec::new();
        if let Some(h) = repo.scan.project_hits("audit.logging").next() {
            found.push((
                format!("changes are audited in `{}`", h.path),
                Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
            ));
        }
        for c in repo.config.symfony("monolog.channels") {
            if c.node.strings().iter().any(|s| s.to_ascii_lowercase().contains("audit")) {
                found.push((
                    format!("Monolog has an `audit` channel (`{}`)", c.path),
                    Evidence::file(c.path, Some(c.line)),
                ));
                break;
            }
        }
        let tf = &repo.terraform;
        if let Some(b) = tf
            .resources(&["aws_cloudtrail"])
            .find(|b| b.attr("enable_logging").and_then(TfValue::as_bool) != Some(false))
        {
            found.push((
                format!("CloudTrail `{}` records API activity (`{}`)", b.name, b.path),
                Evidence::file(b.path.clone(), Some(b.line)),
            ));
        }
        if let Some(b) = tf
            .resources(&[
                "google_project_iam_audit_config",
                "google_organization_iam_audit_config",
                "google_folder_iam_audit_config",
            ])
            .next()
        {
            found.push((
                format!("`{}` enables Cloud Audit Logs (`{}`)", b.label(), b.path),
                Evidence::file(b.path.clone(), Some(b.line)),
            ));
        }
        if let Some(b) = tf
            .resources(&["aws_eks_cluster"])
            .find(|b| b.attr("enabled_cluster_log_types").is_some_and(|v| v.text().contains("audit")))
        {
            found.push((
                format!("EKS cluster `{}` sends Kubernetes audit logs (`{}`)", b.name, b.path),
                Evidence::file(b.path.clone(), Some(b.line)),
            ));
        }
        if let Some(o) = repo
            .k8s
            .objects
            .iter()
            .find(|o| o.kind == "Policy" && o.group() == "audit.k8s.io" && o.location == Location::Project)
        {
            found.push((
                format!("a Kubernetes audit policy is declared (`{}`)", o.path),
                Evidence::file(o.path.clone(), Some(o.line)),
            ));
        }
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(list(&names)).with(found.into_iter().map(|(_, e)| e));
        }
        Finding::fail(
            "no audit trail found (looked for audit libraries such as DH Auditor, django-simple-history, Envers and PaperTrail, a Monolog audit channel, CloudTrail, Cloud Audit Logs, EKS audit logs and Kubernetes audit policies)",
        )
    }
}

pub struct AccessControls;

/// Kubernetes objects that grant or restrict access: RBAC roles, Istio authorisation policies,
/// network policies.
const K8S_ACCESS: &[(&str, &str)] = &[
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("security.istio.io", "AuthorizationPolicy"),
    ("networking.k8s.io", "NetworkPolicy"),
];

/// Terraform resources that grant scoped permissions to identities.
const TF_ACCESS: &[&str] = &[
    "aws_iam_role_policy",
    "aws_iam_policy",
    "aws_iam_role_policy_attachment",
    "google_project_iam_member",
    "google_project_iam_binding",
    "google_service_account_iam_member",
    "google_storage_bucket_iam_member",
    "azurerm_role_assignment",
    "azurerm_role_definition",
];

impl Check for AccessControls {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.access_controls",
            title: "Access is granted by role, in code",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Auditors ask who can do what: roles and permissions declared in code (application authorisation rules, Kubernetes RBAC, IAM policies, database grants) are reviewable, versioned and least-privilege by construction.",
            remediation: "Declare access in code: role and permission rules in the application (Symfony `access_control` and voters, Spring Security `@PreAuthorize`, Django permissions), Kubernetes Roles and network or Istio authorisation policies, scoped IAM policies in Terraform, and database roles with explicit `GRANT`s.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: Vec<(String, Evidence)> = Vec::new();
        for path in ["security.access_control", "security.role_hierarchy"] {
            if let Some(c) = repo.config.symfony(path).into_iter().next() {
                let key = path.rsplit('.').next().unwrap_or(path);
                found.push((format!("`{}` declares `{key}` rules", c.path), Evidence::file(c.path, Some(c.line))));
                break;
            }
        }
        for (id, what) in [
            ("access.app_authz", "the application checks roles or permissions"),
            ("access.keycloak_roles", "a Keycloak realm defines roles"),
            ("access.sql_grant", "database roles are granted privileges"),
        ] {
            if let Some(h) = repo.scan.project_hits(id).next() {
                found.push((
                    format!("{what} (`{}` in `{}`)", clip(&h.text, 60), h.path),
                    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
                ));
            }
        }
        if let Some(o) = repo.k8s.objects.iter().find(|o| {
            o.location == Location::Project && K8S_ACCESS.iter().any(|(g, k)| o.group() == *g && o.kind == *k)
        }) {
            found.push((
                format!("a Kubernetes {} is declared (`{}`)", o.kind, o.path),
                Evidence::file(o.path.clone(), Some(o.line)),
            ));
        } else if let Some((kind, path, line)) = repo
            .k8s
            .charts
            .iter()
            .filter(|c| c.location == Location::Project)
            .find_map(|c| K8S_ACCESS.iter().find_map(|(_, k)| c.declares(k)))
        {
            found.push((
                format!("a Helm template declares a {kind} (`{path}`)"),
                Evidence::file(path.clone(), Some(*line)),
            ));
        }
        if let Some(b) = repo.terraform.resources(TF_ACCESS).next() {
            found.push((
                format!("`{}` grants scoped permissions (`{}`)", b.label(), b.path),
                Evidence::file(b.path.clone(), Some(b.line)),
            ));
        }
        if !found.is_empty() {
            let names: Vec<String> = found.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(list(&names)).with(found.into_iter().map(|(_, e)| e));
        }
        Finding::fail(
            "no access control is declared in code (looked for Symfony access_control and role hierarchies, authorisation attributes and voters, Spring Security, Django and Laravel permissions, Keycloak realm roles, Kubernetes Roles, NetworkPolicies and Istio AuthorizationPolicies, Terraform IAM policies and SQL grants)",
        )
    }
}

/// How one storage resource or key stands on encryption at rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Enc {
    /// Encrypted as declared (a literal flag, an encryption block or a customer-managed key).
    Declared,
    /// A key that is not rotated, a flag set from a variable, or the provider's default keys.
    Weak,
    /// Storage declared without encryption.
    Missing,
}

/// `(resource type, attribute that must be true)`: storage AWS leaves unencrypted unless asked.
const FLAGGED: &[(&str, &str)] = &[
    ("aws_db_instance", "storage_encrypted"),
    ("aws_rds_cluster", "storage_encrypted"),
    ("aws_docdb_cluster", "storage_encrypted"),
    ("aws_neptune_cluster", "storage_encrypted"),
    ("aws_ebs_volume", "encrypted"),
    ("aws_efs_file_system", "encrypted"),
    ("aws_redshift_cluster", "encrypted"),
    ("aws_elasticache_replication_group", "at_rest_encryption_enabled"),
    ("aws_ebs_encryption_by_default", "enabled"),
    ("aws_opensearch_domain", "encrypt_at_rest.enabled"),
    ("aws_elasticsearch_domain", "encrypt_at_rest.enabled"),
];

/// Storage that is encrypted by the provider's keys by default; a customer-managed key is the
/// declared choice.
const DEFAULT_ENCRYPTED: &[(&str, &[&str])] = &[
    ("aws_s3_bucket", &["server_side_encryption_configuration"]),
    ("aws_dynamodb_table", &["server_side_encryption.enabled"]),
    ("aws_sqs_queue", &["kms_master_key_id", "sqs_managed_sse_enabled"]),
    ("aws_sns_topic", &["kms_master_key_id"]),
    ("google_sql_database_instance", &["encryption_key_name"]),
    ("google_storage_bucket", &["encryption.default_kms_key_name"]),
    ("google_redis_instance", &["customer_managed_key"]),
    ("google_compute_disk", &["disk_encryption_key"]),
    ("google_container_cluster", &["database_encryption.state"]),
    ("azurerm_storage_account", &["customer_managed_key"]),
    ("azurerm_mssql_database", &["transparent_data_encryption_key_vault_key_id"]),
];

fn judge(b: &TfBlock, s3_sse: &[&TfBlock]) -> Option<(Enc, String)> {
    let t = b.type_.as_str();
    if let Some((_, attr)) = FLAGGED.iter().find(|(ty, _)| *ty == t) {
        return Some(match b.attr(attr) {
            Some(v) if v.as_bool() == Some(true) => (Enc::Declared, format!("sets `{attr} = true`")),
            Some(TfValue::Expr(e)) => (Enc::Weak, format!("takes `{attr}` from `{e}`")),
            Some(_) => (Enc::Missing, format!("sets `{attr} = false`")),
            None => (Enc::Missing, format!("sets no `{attr}`")),
        });
    }
    if t == "aws_kms_key" {
        return Some(match b.attr("enable_key_rotation") {
            Some(v) if v.as_bool() == Some(true) => (Enc::Declared, "rotates its key".into()),
            Some(TfValue::Expr(e)) => (Enc::Weak, format!("takes `enable_key_rotation` from `{e}`")),
            _ => (Enc::Weak, "does not rotate its key (no `enable_key_rotation = true`)".into()),
        });
    }
    if t == "google_kms_crypto_key" {
        return Some(if b.has("rotation_period") {
            (Enc::Declared, "rotates its key (`rotation_period`)".into())
        } else {
            (Enc::Weak, "does not rotate its key (no `rotation_period`)".into())
        });
    }
    if t == "aws_eks_cluster" {
        return Some(if b.has("encryption_config") {
            (Enc::Declared, "encrypts Kubernetes secrets with KMS (`encryption_config`)".into())
        } else {
            (Enc::Missing, "does not encrypt Kubernetes secrets with KMS (no `encryption_config`)".into())
        });
    }
    let (_, attrs) = DEFAULT_ENCRYPTED.iter().find(|(ty, _)| *ty == t)?;
    let declared = attrs.iter().any(|a| b.has(a))
        || (t == "aws_s3_bucket"
            && s3_sse
                .iter()
                .any(|s| s.attr("bucket").is_some_and(|v| v.text().contains(&format!("aws_s3_bucket.{}.", b.name)))));
    Some(if declared {
        (Enc::Declared, "declares its encryption".into())
    } else {
        (Enc::Weak, "relies on the provider's default encryption".into())
    })
}

pub struct EncryptionAtRest;

impl Check for EncryptionAtRest {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.encryption_at_rest",
            title: "Stored data is encrypted at rest with managed keys",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Encryption at rest with rotated, customer-managed keys is a baseline control of SOC 2 and most data-protection rules: a leaked disk, snapshot or backup stays unreadable, and key access is logged and revocable.",
            remediation: "Declare encryption on every store in the infrastructure code: `storage_encrypted = true` on RDS, `encrypted = true` on EBS and EFS, `at_rest_encryption_enabled` on ElastiCache, an S3 server-side encryption configuration, EKS `encryption_config` for secrets, with `aws_kms_key` keys that set `enable_key_rotation = true`.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let tf = &repo.terraform;
        let s3_sse: Vec<&TfBlock> = tf.resources(&["aws_s3_bucket_server_side_encryption_configuration"]).collect();
        let mut judged: Vec<(Enc, String, Evidence)> = tf
            .blocks
            .iter()
            .filter(|b| b.kind == crate::facts::terraform::TfKind::Resource && b.location.is_project())
            .filter_map(|b| {
                judge(b, &s3_sse).map(|(enc, why)| {
                    (enc, format!("`{}` {why}", b.label()), Evidence::file(b.path.clone(), Some(b.line)))
                })
            })
            .collect();
        for o in repo.k8s.objects.iter().filter(|o| o.kind == "StorageClass" && o.location == Location::Project) {
            let provisioner = o.doc.key("provisioner").scalar().unwrap_or_default();
            if !provisioner.contains("ebs") && !provisioner.contains("efs") {
                continue;
            }
            let encrypted = o.doc.at("parameters.encrypted").and_then(|n| n.as_bool()) == Some(true);
            let name = o.name.clone().unwrap_or_default();
            let (enc, why) = if encrypted {
                (Enc::Declared, "sets `encrypted: \"true\"`")
            } else {
                (Enc::Missing, "sets no `encrypted: \"true\"`")
            };
            judged.push((enc, format!("StorageClass `{name}` {why}"), Evidence::file(o.path.clone(), Some(o.line))));
        }
        if judged.is_empty() {
            if let Some(unknown) = unreadable(repo, is_tf, "stored data is encrypted at rest") {
                return unknown;
            }
            let why = if tf.files == 0 {
                "the repository has no infrastructure code; encryption at rest is decided where storage is declared"
                    .to_string()
            } else {
                format!(
                    "the {} Terraform file(s) declare no databases, buckets, volumes or keys; encryption at rest is decided where storage is declared",
                    tf.files
                )
            };
            return Finding::not_assessed(why);
        }
        judged.sort_by_key(|(enc, _, _)| *enc);
        let of =
            |want: Enc| judged.iter().filter(|(e, _, _)| *e == want).map(|(_, d, _)| d.clone()).collect::<Vec<_>>();
        let (declared, weak, missing) = (of(Enc::Declared), of(Enc::Weak), of(Enc::Missing));
        let evidence: Vec<Evidence> = judged.iter().take(8).map(|(_, _, e)| e.clone()).collect();
        let shown = |v: &[String]| {
            let more = if v.len() > 4 { format!(" and {} more", v.len() - 4) } else { String::new() };
            list(&v.iter().take(4).cloned().collect::<Vec<_>>()) + &more
        };
        if !missing.is_empty() {
            if declared.is_empty() && weak.is_empty() {
                return Finding::fail(format!("storage is declared without encryption at rest: {}", shown(&missing)))
                    .with(evidence);
            }
            let ok = judged.len() - missing.len();
            return Finding::partial(
                0.2 + 0.6 * ok as f64 / judged.len() as f64,
                format!("{ok} of {} stores and keys are encrypted, but {}", judged.len(), shown(&missing)),
            )
            .with(evidence);
        }
        if !weak.is_empty() {
            return Finding::partial(
                0.6,
                format!(
                    "encryption at rest is not fully declared: {}{}",
                    shown(&weak),
                    if declared.is_empty() { String::new() } else { format!("; declared: {}", shown(&declared)) }
                ),
            )
            .with(evidence);
        }
        Finding::pass(format!("encryption at rest is declared: {}", shown(&declared))).with(evidence)
    }
}

// ---------------------------------------------------------------------------------------------
// encryption in transit, compliance control mapping

/// Kubernetes Ingresses of the project that terminate TLS (`spec.tls` listed).
fn tls_ingresses(repo: &crate::facts::RepoFacts) -> Vec<Seen> {
    repo.k8s
        .of_kind("*", "Ingress")
        .filter(|o| !o.doc.at("spec.tls").map(|t| t.items()).unwrap_or_default().is_empty())
        .map(|o| {
            Seen::new(
                format!("Ingress `{}` terminates TLS", o.name.as_deref().unwrap_or("unnamed")),
                &o.path,
                Some(o.line),
                o.location,
            )
        })
        .collect()
}

pub struct EncryptionInTransit;

impl Check for EncryptionInTransit {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.encryption_in_transit",
            title: "Data is encrypted in transit, at the edge and to the data stores",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "SOC 2 and most customer questionnaires ask for encryption in transit everywhere data moves: HTTPS-only at the edge, and TLS required (not merely offered) on connections to databases and caches inside the network.",
            remediation: "Refuse or redirect plain HTTP at the edge (HTTPS listeners with a redirect, `viewer_protocol_policy = \"redirect-to-https\"`, Ingress TLS with SSL redirect) and require TLS to the data stores (`transit_encryption_enabled = true` on ElastiCache, `rds.force_ssl`/`require_secure_transport` parameters, `sslmode=require` in connection strings).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let stores = signal_seen(repo, &["tls.datastore_required"]);
        let mut edge = signal_seen(repo, &["tls.edge_https_only"]);
        edge.extend(tls_ingresses(repo));
        let (stores_own, stores_other) = own_and_other(&stores);
        let (edge_own, edge_other) = own_and_other(&edge);
        match (stores_own.is_empty(), edge_own.is_empty()) {
            (false, false) => {
                let all: Vec<&Seen> = stores_own.iter().take(2).chain(edge_own.iter().take(2)).copied().collect();
                Finding::pass(format!(
                    "TLS is required to the data stores ({}) and at the edge ({})",
                    describe(&stores_own),
                    describe(&edge_own)
                ))
                .with(cite(&all))
            }
            (false, true) => Finding::partial(
                0.5,
                format!(
                    "TLS is required to the data stores ({}), but nothing refuses or redirects plain HTTP at the edge",
                    describe(&stores_own)
                ),
            )
            .with(cite(&stores_own)),
            (true, false) => Finding::partial(
                0.5,
                format!(
                    "plain HTTP is refused or redirected at the edge ({}), but no connection to a database or cache is required to use TLS",
                    describe(&edge_own)
                ),
            )
            .with(cite(&edge_own)),
            (true, true) => {
                let other: Vec<&Seen> = stores_other.into_iter().chain(edge_other).collect();
                if !other.is_empty() {
                    return examples_only(&other, "encryption in transit");
                }
                unknown_or_fail(
                    repo,
                    is_tf,
                    "data is encrypted in transit",
                    "nothing requires encryption in transit (looked for HTTPS-only listeners, redirects and Ingress TLS at the edge, and `transit_encryption_enabled`, `rds.force_ssl`, `require_secure_transport`, `sslmode=require` and `rediss://` for the data stores)",
                )
            }
        }
    }
}

pub struct ControlsMapped;

impl Check for ControlsMapped {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.governance.controls_mapped",
            title: "Controls are mapped to a compliance framework such as SOC 2",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "An audit asks, control by control, what implements it and where the evidence is. A controls matrix (or compliance standards enabled as code) is that answer kept with the system; policies as code without a mapping are a start.",
            remediation: "Keep a controls matrix naming the framework and its control ids (SOC 2 `CC6.1`, ISO 27001 `A.9.2`) next to what implements each, or enable the framework's standards as code (Security Hub standards, AWS Config conformance packs), and enforce the technical controls with policy as code (OPA/Conftest, Kyverno, Checkov).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let own = |l: Location| matches!(l, Location::Project);
        let framework: Vec<&Hit> = doc_hits(repo, "compliance.framework").filter(|h| own(h.location)).collect();
        let controls: Vec<&Hit> = doc_hits(repo, "compliance.control_id").filter(|h| own(h.location)).collect();
        if let Some(f) = framework.iter().find(|f| controls.iter().any(|c| c.path == f.path)) {
            let ids: Vec<String> =
                controls.iter().filter(|c| c.path == f.path).take(3).map(|c| format!("line {}", c.line)).collect();
            return Finding::pass(format!(
                "`{}` maps controls to a compliance framework (`{}`; control ids at {})",
                f.path,
                clip(&f.text, 60),
                list(&ids)
            ))
            .with_one(Evidence::file_snippet(f.path.clone(), f.line, f.text.clone()));
        }
        if let Some(h) = repo.scan.hits("compliance.standards_as_code").find(|h| own(h.location)) {
            return Finding::pass(format!(
                "`{}` enables compliance standards as code (`{}`)",
                h.path,
                clip(&h.text, 80)
            ))
            .with_one(Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
        }
        let mut policies: Vec<Seen> = repo
            .files
            .entries()
            .iter()
            .filter(|e| own(e.location))
            .filter(|e| {
                let name = e.path.rsplit('/').next().unwrap_or(&e.path);
                (e.path.ends_with(".rego") && !name.ends_with("_test.rego"))
                    || matches!(name, ".checkov.yml" | ".checkov.yaml" | "conftest.toml")
            })
            .map(|e| Seen::new("a policy as code", &e.path, None, e.location))
            .collect();
        for (group, kind) in [
            ("kyverno.io", "ClusterPolicy"),
            ("kyverno.io", "Policy"),
            ("templates.gatekeeper.sh", "ConstraintTemplate"),
        ] {
            for o in repo.k8s.of_kind(group, kind).filter(|o| own(o.location)) {
                policies.push(Seen::new(
                    format!("{kind} `{}`", o.name.as_deref().unwrap_or("unnamed")),
                    &o.path,
                    Some(o.line),
                    o.location,
                ));
            }
        }
        let refs: Vec<&Seen> = policies.iter().collect();
        if !refs.is_empty() {
            return Finding::partial(
                0.5,
                format!(
                    "controls are enforced as code ({}), but not mapped to a compliance framework",
                    describe(&refs)
                ),
            )
            .with(cite(&refs));
        }
        if let Some(f) = framework.first() {
            return Finding::partial(
                0.3,
                format!(
                    "`{}` names a compliance framework (`{}`), but no control is mapped to what implements it",
                    f.path,
                    clip(&f.text, 60)
                ),
            )
            .with_one(Evidence::file_snippet(f.path.clone(), f.line, f.text.clone()));
        }
        unknown_or_fail(
            repo,
            is_tf,
            "controls are mapped to a compliance framework",
            "no compliance control mapping found (looked for a controls matrix naming SOC 2, ISO 27001, PCI DSS, HIPAA or NIST with control ids, Security Hub standards and AWS Config conformance packs, and policies as code: OPA/Conftest, Kyverno, Gatekeeper, Checkov)",
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

    #[test]
    fn access_controls() {
        for (name, files, want) in [
            (
                "symfony access_control",
                vec![
                    APP,
                    (
                        "config/packages/security.yaml",
                        "security:\n  access_control:\n    - { path: ^/admin, roles: ROLE_ADMIN }\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "voter",
                vec![APP, ("src/Security/PostVoter.php", "<?php\nclass PostVoter extends Voter {}\n")],
                Status::Pass,
            ),
            (
                "kubernetes role",
                vec![
                    APP,
                    (
                        "k8s/role.yaml",
                        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: reader\nrules: []\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "iam policy",
                vec![APP, ("infra/iam.tf", "resource \"aws_iam_role_policy\" \"app\" {\n  policy = \"{}\"\n}\n")],
                Status::Pass,
            ),
            ("sql grant", vec![APP, ("db/init.sql", "GRANT SELECT ON orders TO reporting;\n")], Status::Pass),
            ("commented grant", vec![APP, ("db/init.sql", "-- GRANT SELECT ON orders TO reporting;\n")], Status::Fail),
            ("login only", vec![APP, ("src/Controller/Login.php", "<?php\n$this->getUser();\n")], Status::Fail),
            (
                "a role in an example",
                vec![
                    APP,
                    (
                        "examples/k8s/role.yaml",
                        "apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: r\n",
                    ),
                ],
                Status::Fail,
            ),
            (
                "a library's voters are judged like any code",
                vec![LIB, ("src/Voter.php", "<?php\nclass V extends Voter {}\n")],
                Status::Pass,
            ),
        ] {
            let f = run(&AccessControls, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
            if want == Status::Pass {
                assert!(!f.evidence.is_empty(), "{name}");
            }
        }
    }

    #[test]
    fn security_policy_and_owners() {
        for (name, files, want) in [
            ("security.md", vec![(".github/SECURITY.md", "Report to security@example.com")], Status::Pass),
            (
                "section",
                vec![("CONTRIBUTING.md", "# Contributing\n\n## Reporting a vulnerability\n\nMail us.\n")],
                Status::Partial,
            ),
            ("fixture policy", vec![("tests/fixtures/SECURITY.md", "x")], Status::Fail),
            ("nothing", vec![("README.md", "# x\n")], Status::Fail),
        ] {
            let f = run(&SecurityPolicy, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
        for (name, files, want) in [
            ("codeowners", vec![(".github/CODEOWNERS", "* @acme/team\n")], Status::Pass),
            ("maintainers", vec![("MAINTAINERS.md", "- alice\n")], Status::Partial),
            ("nested codeowners", vec![("src/CODEOWNERS", "* @x\n")], Status::Fail),
            ("nothing", vec![], Status::Fail),
        ] {
            let f = run(&CodeOwnership, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn audit_logging() {
        for (name, files, want) in [
            (
                "dh auditor",
                vec![
                    APP,
                    ("config/packages/dh_auditor.yaml", "dh_auditor:\n    enabled: true\n"),
                    (
                        "src/Entity/Order.php",
                        "<?php\nuse DH\\Auditor\\Provider\\Doctrine\\Auditing\\Annotation as Audit;",
                    ),
                ],
                Status::Pass,
            ),
            (
                "monolog channel",
                vec![APP, ("config/packages/monolog.yaml", "monolog:\n    channels: ['audit', 'deprecation']\n")],
                Status::Pass,
            ),
            (
                "cloudtrail",
                vec![
                    APP,
                    (
                        "infra/trail.tf",
                        "resource \"aws_cloudtrail\" \"main\" {\n  name = \"main\"\n  s3_bucket_name = \"logs\"\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            (
                "cloudtrail off",
                vec![APP, ("infra/trail.tf", "resource \"aws_cloudtrail\" \"main\" {\n  enable_logging = false\n}\n")],
                Status::Fail,
            ),
            (
                "k8s audit policy",
                vec![
                    APP,
                    ("k8s/audit.yaml", "apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n  - level: Metadata\n"),
                ],
                Status::Pass,
            ),
            (
                "audit in tests only",
                vec![APP, ("tests/AuditTest.php", "<?php\nuse DH\\Auditor\\Auditor;")],
                Status::Fail,
            ),
            ("a library without any", vec![LIB], Status::Fail),
            ("nothing", vec![APP], Status::Fail),
        ] {
            let f = run(&AuditLogging, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    const RDS_KMS: &str = "resource \"aws_kms_key\" \"db\" {\n  enable_key_rotation = true\n}\nresource \"aws_db_instance\" \"main\" {\n  storage_encrypted = true\n  kms_key_id = aws_kms_key.db.arn\n}\nresource \"aws_s3_bucket\" \"assets\" {\n  bucket = \"assets\"\n}\nresource \"aws_s3_bucket_server_side_encryption_configuration\" \"assets\" {\n  bucket = aws_s3_bucket.assets.id\n  rule {\n    apply_server_side_encryption_by_default {\n      sse_algorithm = \"aws:kms\"\n    }\n  }\n}\n";

    #[test]
    fn encryption_at_rest() {
        for (name, files, want) in [
            ("rds, kms and s3", vec![APP, ("infra/main.tf", RDS_KMS)], Status::Pass),
            (
                "key without rotation",
                vec![APP, ("infra/kms.tf", "resource \"aws_kms_key\" \"k\" {\n  description = \"x\"\n}\n")],
                Status::Partial,
            ),
            (
                "flag from a variable",
                vec![
                    APP,
                    (
                        "infra/rds.tf",
                        "resource \"aws_db_instance\" \"main\" {\n  storage_encrypted = var.encrypted\n}\n",
                    ),
                ],
                Status::Partial,
            ),
            (
                "unencrypted rds",
                vec![APP, ("infra/rds.tf", "resource \"aws_db_instance\" \"main\" {\n  engine = \"mysql\"\n}\n")],
                Status::Fail,
            ),
            (
                "one of two encrypted",
                vec![
                    APP,
                    (
                        "infra/main.tf",
                        "resource \"aws_db_instance\" \"a\" {\n  storage_encrypted = true\n}\nresource \"aws_ebs_volume\" \"b\" {\n  size = 10\n}\n",
                    ),
                ],
                Status::Partial,
            ),
            (
                "gcp defaults",
                vec![
                    APP,
                    ("terraform/redis.tf", "resource \"google_redis_instance\" \"cart\" {\n  name = \"cart\"\n}\n"),
                ],
                Status::Partial,
            ),
            (
                "terraform without storage",
                vec![APP, ("terraform/net.tf", "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n")],
                Status::NotAssessed,
            ),
            ("no infrastructure code", vec![APP], Status::NotAssessed),
            ("broken terraform", vec![APP, ("infra/main.tf", "resource \"aws_db_instance\" {{{")], Status::Unknown),
            (
                "example terraform",
                vec![APP, ("examples/rds.tf", "resource \"aws_db_instance\" \"main\" {\n  engine = \"mysql\"\n}\n")],
                Status::NotAssessed,
            ),
            (
                "a library's storage is judged like any",
                vec![LIB, ("infra/rds.tf", "resource \"aws_db_instance\" \"main\" {}\n")],
                Status::Fail,
            ),
        ] {
            let f = run(&EncryptionAtRest, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn encryption_in_transit() {
        let store = (
            "infra/redis.tf",
            "resource \"aws_elasticache_replication_group\" \"c\" {\n  transit_encryption_enabled = true\n}\n",
        );
        let edge = (
            "infra/cdn.tf",
            "resource \"aws_cloudfront_distribution\" \"d\" {\n  default_cache_behavior {\n    viewer_protocol_policy = \"redirect-to-https\"\n  }\n}\n",
        );
        let ingress = (
            "k8s/ingress.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\nspec:\n  tls:\n    - hosts: [shop.example.com]\n      secretName: web-tls\n",
        );
        for (name, files, want) in [
            ("both", vec![APP, store, edge], Status::Pass),
            ("store and ingress", vec![APP, store, ingress], Status::Pass),
            ("store only", vec![APP, store], Status::Partial),
            ("edge only", vec![APP, edge], Status::Partial),
            ("example only", vec![APP, ("examples/redis.tf", store.1)], Status::Partial),
            (
                "disabled",
                vec![
                    APP,
                    (
                        "infra/redis.tf",
                        "resource \"aws_elasticache_replication_group\" \"c\" {\n  transit_encryption_enabled = false\n}\n",
                    ),
                ],
                Status::Fail,
            ),
            ("commented", vec![APP, ("infra/redis.tf", "# transit_encryption_enabled = true\n")], Status::Fail),
            ("broken terraform", vec![APP, ("infra/main.tf", "resource {")], Status::Unknown),
            ("nothing", vec![APP], Status::Fail),
        ] {
            assert_eq!(run(&EncryptionInTransit, &files).status, want, "{name}");
        }
    }

    #[test]
    fn controls_mapped() {
        for (name, files, want) in [
            (
                "controls matrix",
                vec![
                    APP,
                    ("docs/compliance/controls.md", "# SOC 2 controls\n\n| CC6.1 | SSO with MFA | `infra/iam.tf` |\n"),
                ],
                Status::Pass,
            ),
            (
                "security hub standard",
                vec![
                    APP,
                    (
                        "infra/sh.tf",
                        "resource \"aws_securityhub_standards_subscription\" \"cis\" {\n  standards_arn = \"x\"\n}\n",
                    ),
                ],
                Status::Pass,
            ),
            ("rego policies", vec![APP, ("policy/deny_public.rego", "package main\n")], Status::Partial),
            (
                "framework named only",
                vec![APP, ("docs/security.md", "We are working towards SOC 2.\n")],
                Status::Partial,
            ),
            ("matrix in an example", vec![APP, ("examples/controls.md", "SOC 2 CC6.1 access reviews\n")], Status::Fail),
            ("rego test only", vec![APP, ("policy/deny_test.rego", "package main\n")], Status::Fail),
            ("broken terraform", vec![APP, ("infra/main.tf", "resource {")], Status::Unknown),
            ("nothing", vec![APP], Status::Fail),
        ] {
            assert_eq!(run(&ControlsMapped, &files).status, want, "{name}");
        }
    }
}
