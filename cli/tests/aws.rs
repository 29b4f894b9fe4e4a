//! `maturity audit --aws` end to end, against the moto emulator (see `aws/moto.rs`): a
//! well-built account, an empty one, a half-built one, missing permissions and failing
//! endpoints. Every test that talks to moto also proves the audit is read-only where it can: the
//! emulator records every request, and each must be a `Describe`/`List`/`Get` operation of the
//! audit's own operation table (or a plain GET of a REST API).

mod common;
#[path = "aws/moto.rs"]
mod moto;

use common::skip;
use common::*;
use maturity_checks::facts::aws::ops;
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Terraform that matches the well-built account in part.
const TERRAFORM: &str = r#"
variable "env" {
  default = "prod"
}

resource "aws_eks_cluster" "main" {
  name     = "shop-${var.env}"
  role_arn = aws_iam_role.eks.arn
  version  = "1.35"
}

resource "aws_db_instance" "orders" {
  identifier = "orders-db"
  engine     = "mysql"
  multi_az   = true
}

resource "aws_db_instance" "analytics" {
  identifier = "analytics-db"
  engine     = "mysql"
}

resource "aws_elasticache_replication_group" "sessions" {
  replication_group_id = "sessions"
}

resource "aws_lb" "web" {
  name = "web"
}

resource "aws_route53_zone" "main" {
  name = "shop.example"
}

resource "aws_cloudwatch_log_group" "web" {
  name              = "/shop/web"
  retention_in_days = 30
}

resource "aws_cloudwatch_log_group" "worker" {
  name = "/shop/worker"
}

resource "aws_kms_key" "data" {
  description         = "shop data"
  enable_key_rotation = true
}
"#;

/// Runs `maturity` isolated from the machine's AWS configuration.
fn maturity_aws(args: &[&str], key: (&str, &str)) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maturity"))
        .args(args)
        .env("AWS_ACCESS_KEY_ID", key.0)
        .env("AWS_SECRET_ACCESS_KEY", key.1)
        .env("AWS_CONFIG_FILE", "/nonexistent/maturity-test-config")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/maturity-test-credentials")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("NO_COLOR", "1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_ENDPOINT_URL")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .output()
        .unwrap()
}

const TEST_KEY: (&str, &str) = ("testing", "testing");

/// `maturity audit --aws` against `endpoint`, as JSON.
fn audit(repo: &Path, endpoint: &str, key: (&str, &str)) -> (Value, Output) {
    let p = repo.to_str().unwrap();
    let args = [
        "audit",
        p,
        "--no-store",
        "--no-progress",
        "-f",
        "json",
        "--aws",
        "--region",
        "us-east-1",
        "--endpoint-url",
        endpoint,
    ];
    let out = maturity_aws(&args, key);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let card: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&out)));
    validate(&card);
    (card, out)
}

fn validate(card: &Value) {
    let schema: Value = serde_json::from_str(maturity_core::scorecard::JSON_SCHEMA).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let errors: Vec<String> = validator.iter_errors(card).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// Every `aws.*` check of the scorecard: (id, status, message).
fn aws_checks(card: &Value) -> Vec<(String, String, String)> {
    let mut out: Vec<(String, String, String)> = card["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["checks"].as_array().unwrap().iter())
        .filter(|c| c["id"].as_str().unwrap().starts_with("aws."))
        .map(|c| {
            (
                c["id"].as_str().unwrap().to_string(),
                c["status"].as_str().unwrap().to_string(),
                c["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn check<'a>(all: &'a [(String, String, String)], id: &str) -> &'a (String, String, String) {
    all.iter().find(|c| c.0 == id).unwrap_or_else(|| panic!("{id} is not in the scorecard"))
}

/// Asserts `(check, status)` rows, printing every mismatch at once.
fn expect(card: &Value, rows: &[(&str, &str)]) {
    let all = aws_checks(card);
    let wrong: Vec<String> = rows
        .iter()
        .filter_map(|(id, want)| {
            let c = check(&all, id);
            (c.1 != *want).then(|| format!("{id}: {} (expected {want}): {}", c.1, c.2))
        })
        .collect();
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// Every recorded request reads: an operation of the audit's table with a read-only verb, or a
/// GET of a REST API.
fn assert_read_only(requests: &[moto::Recorded]) {
    assert!(requests.len() > 20, "the recording missed the audit: {requests:?}");
    for r in requests {
        match &r.operation {
            Some(op) => {
                assert!(ops::is_read_only(op), "{} {op} is not a read", r.service);
                assert!(
                    ops::OPERATIONS.iter().any(|o| o.action == op),
                    "{} {op} is not in the operation table",
                    r.service
                );
            }
            None => assert_eq!(r.method, "GET", "{} {} {} is not a read", r.service, r.method, r.url),
        }
    }
    for op in ["DescribeDBInstances", "DescribeAlarms", "GetCallerIdentity", "DescribeLogGroups"] {
        assert!(requests.iter().any(|r| r.operation.as_deref() == Some(op)), "{op} was not called");
    }
}

fn drift_of<'a>(card: &'a Value, item: &str, kind: &str) -> &'a Value {
    card["cloud"]["drift"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["item"] == item)
        .and_then(|d| d["kinds"].as_array().unwrap().iter().find(|k| k["kind"] == kind))
        .unwrap_or_else(|| panic!("no {kind} drift for item {item}: {}", card["cloud"]["drift"]))
}

fn names(list: &Value, field: &str) -> Vec<String> {
    list.as_array().unwrap().iter().map(|x| x[field].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn a_well_built_account_passes_and_is_read_only() {
    let Some((_turn, moto)) = moto::shared() else { return };
    moto.seed(&["well"]);
    let f = Fixture::plain(&[("infra/main.tf", TERRAFORM), ("Dockerfile", "FROM scratch\n")]);
    moto.record();
    let (card, _) = audit(f.path(), &moto.url, TEST_KEY);
    assert_read_only(&moto.recorded());
    let all = aws_checks(&card);
    let want = |id: &str| match id {
        // moto offers no way to give the root user an MFA device; the pass is unit-tested
        "aws.iam.root_mfa_enabled" => "fail",
        // the Terraform declares part of the account, on purpose
        "aws.iac.deployed_matches_declared" => "partial",
        _ => "pass",
    };
    let rows: Vec<(&str, &str)> = all.iter().map(|(id, _, _)| (id.as_str(), want(id))).collect();
    expect(&card, &rows);
    assert_eq!(all.len(), 32, "{all:#?}");

    let cloud = &card["cloud"];
    assert_eq!(cloud["account"], "123456789012");
    assert!(cloud["arn"].as_str().unwrap().starts_with("arn:aws:"));
    assert_eq!(cloud["regions"], serde_json::json!(["us-east-1"]));
    // moto lacks these two; they are reported, not guessed
    let failed: Vec<String> = names(&cloud["failed_calls"], "operation");
    assert!(
        failed
            .iter()
            .all(|f| f == "eks:DescribeClusterVersions" || f == "application-autoscaling:DescribeScalableTargets"),
        "{failed:?}"
    );
    assert!(cloud["failed_calls"].as_array().unwrap().iter().all(|f| f["outcome"] == "unsupported"));

    // Application Auto Scaling targets are read in the namespaces the endpoint knows
    let mut checks = card["items"].as_array().unwrap().iter().flat_map(|i| i["checks"].as_array().unwrap());
    let scaling = checks.find(|c| c["id"] == "aws.autoscaling.capacity_scales").unwrap();
    assert!(
        scaling["evidence"].as_array().unwrap().iter().any(|e| e["service"] == "application-autoscaling"
            && e["detail"].as_str().is_some_and(|d| d.contains("dynamodb:table:WriteCapacityUnits 5–50"))),
        "{scaling:#}"
    );

    // evidence names service, region and ARN
    let rds = card["items"].as_array().unwrap().iter().find(|i| i["id"] == "1.2").unwrap();
    let ev = &rds["checks"].as_array().unwrap().iter().find(|c| c["id"] == "aws.rds.multi_az").unwrap()["evidence"][0];
    assert_eq!(ev["kind"], "cloud");
    assert_eq!(ev["service"], "rds");
    assert_eq!(ev["region"], "us-east-1");
    assert_eq!(ev["id"], "arn:aws:rds:us-east-1:123456789012:db:orders-db");
    assert_eq!(ev["call"], "rds:DescribeDBInstances");

    // declared versus deployed, per item
    let db = drift_of(&card, "1.2", "RDS instance");
    let matched = Value::Array(db["matched"].as_array().unwrap().iter().map(|m| m["deployed"].clone()).collect());
    assert_eq!(names(&matched, "name"), ["orders-db"]);
    assert_eq!(names(&db["declared_not_deployed"], "label"), ["aws_db_instance.analytics"]);
    assert_eq!(names(&db["deployed_not_declared"], "name"), ["orders-db-ro"]);
    assert_eq!(names(&drift_of(&card, "1.2", "RDS proxy")["deployed_not_declared"], "name"), ["orders-proxy"]);
    let eks = drift_of(&card, "1.1", "EKS cluster");
    assert_eq!(eks["matched"][0]["declared"]["label"], "aws_eks_cluster.main");
    assert_eq!(eks["matched"][0]["declared"]["name"], "shop-prod", "var.env resolved");
    assert_eq!(names(&drift_of(&card, "1.1", "EKS node group")["deployed_not_declared"], "name"), ["default"]);
    assert_eq!(drift_of(&card, "1.3", "ElastiCache replication group")["matched"].as_array().unwrap().len(), 1);
    assert_eq!(drift_of(&card, "1.4", "hosted zone")["matched"][0]["by"], "name");
    assert_eq!(drift_of(&card, "1.4", "CloudFront distribution")["deployed_not_declared"].as_array().unwrap().len(), 1);
    let logs = drift_of(&card, "3.2", "log group");
    assert_eq!(names(&logs["declared_not_deployed"], "label"), ["aws_cloudwatch_log_group.worker"]);
    assert_eq!(drift_of(&card, "4.3", "KMS key")["matched"][0]["by"], "description");
    assert_eq!(names(&drift_of(&card, "4.3", "trail")["deployed_not_declared"], "name"), ["org-trail"]);

    // the terminal and the HTML readout carry the identity, the evidence and the drift
    let p = f.path().to_str().unwrap();
    let html_dir = tempfile::tempdir().unwrap();
    let html = html_dir.path().join("readout.html");
    let base = [
        "audit",
        p,
        "--no-store",
        "--no-progress",
        "--aws",
        "--region",
        "us-east-1",
        "--endpoint-url",
        moto.url.as_str(),
    ];
    let o = maturity_aws(&[&base[..], &["-f", "html", "-o", html.to_str().unwrap()]].concat(), TEST_KEY);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let page = std::fs::read_to_string(&html).unwrap();
    for needle in [
        "The running system",
        "AWS account 123456789012 as arn:aws:",
        "Declared versus deployed",
        "aws_db_instance.analytics (analytics-db)",
        "orders-db-ro (us-east-1)",
        "rds us-east-1 arn:aws:rds:us-east-1:123456789012:db:orders-db",
    ] {
        assert!(page.contains(needle), "the readout lacks {needle}");
    }
    let term = maturity_aws(&base, TEST_KEY);
    let text = stdout(&term);
    for needle in ["AWS account 123456789012 as arn:aws:", "Declared versus deployed", "aws_db_instance.analytics"] {
        assert!(text.contains(needle), "the terminal lacks {needle}:\n{text}");
    }
    let md = maturity_aws(&[&base[..], &["-f", "markdown"]].concat(), TEST_KEY);
    assert!(stdout(&md).contains("## Declared versus deployed"), "{}", stdout(&md));
}

#[test]
fn an_empty_account_fails_what_is_missing_and_judges_nothing_else() {
    let Some((_turn, moto)) = moto::shared() else { return };
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    moto.record();
    let (card, _) = audit(f.path(), &moto.url, TEST_KEY);
    assert_read_only(&moto.recorded());
    expect(
        &card,
        &[
            ("aws.eks.clusters_active", "fail"),
            ("aws.eks.version_supported", "not_assessed"),
            ("aws.eks.managed_node_groups", "not_assessed"),
            ("aws.rds.mysql_or_aurora_available", "fail"),
            ("aws.rds.multi_az", "not_assessed"),
            ("aws.rds.proxy_in_use", "not_assessed"),
            ("aws.elasticache.replication_group_available", "fail"),
            ("aws.elasticache.automatic_failover", "not_assessed"),
            ("aws.elb.https_listener_current_tls", "fail"),
            ("aws.elb.http_redirects_to_https", "not_assessed"),
            ("aws.cloudfront.https_only_viewers", "fail"),
            ("aws.route53.hosted_zone_present", "fail"),
            ("aws.logs.retention_set", "fail"),
            ("aws.cloudwatch.alarms_with_actions", "fail"),
            ("aws.cloudtrail.multi_region_logging", "fail"),
            ("aws.kms.customer_keys_rotated", "not_assessed"),
            ("aws.iam.password_policy_strong", "fail"),
            ("aws.iam.root_mfa_enabled", "fail"),
            ("aws.backup.plans_defined", "fail"),
            ("aws.autoscaling.capacity_scales", "fail"),
            ("aws.budgets.notifications_configured", "fail"),
            ("aws.tags.resources_tagged", "not_assessed"),
            ("aws.iac.deployed_matches_declared", "not_assessed"),
        ],
    );
    assert!(aws_checks(&card).iter().all(|c| c.1 != "unknown"), "an empty account is not an unknown one");
    assert_eq!(card["cloud"]["resources"], 0);
}

#[test]
fn a_half_built_account_is_judged_item_by_item() {
    let Some((_turn, moto)) = moto::shared() else { return };
    moto.seed(&["half"]);
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let (card, _) = audit(f.path(), &moto.url, TEST_KEY);
    expect(
        &card,
        &[
            ("aws.eks.clusters_active", "pass"),
            ("aws.eks.managed_node_groups", "fail"),
            ("aws.eks.public_endpoint_restricted", "fail"),
            ("aws.eks.control_plane_logging", "fail"),
            ("aws.eks.secrets_encrypted", "fail"),
            ("aws.rds.mysql_or_aurora_available", "pass"),
            ("aws.rds.read_replica_present", "fail"),
            ("aws.rds.backup_retention_7_days", "partial"),
            ("aws.rds.multi_az", "fail"),
            ("aws.rds.storage_encrypted", "fail"),
            ("aws.rds.deletion_protection", "fail"),
            ("aws.rds.proxy_in_use", "fail"),
            ("aws.elasticache.replication_group_available", "fail"),
            ("aws.elb.https_listener_current_tls", "fail"),
            ("aws.elb.http_redirects_to_https", "fail"),
            ("aws.cloudfront.https_only_viewers", "fail"),
            ("aws.logs.retention_set", "fail"),
            ("aws.cloudwatch.alarms_with_actions", "fail"),
            ("aws.kms.customer_keys_rotated", "fail"),
            ("aws.iam.password_policy_strong", "fail"),
            ("aws.autoscaling.capacity_scales", "partial"),
            ("aws.budgets.notifications_configured", "partial"),
            ("aws.tags.resources_tagged", "partial"),
        ],
    );
    let item = |id: &str| card["items"].as_array().unwrap().iter().find(|i| i["id"] == id).unwrap().clone();
    assert_eq!(item("1.2")["status"], "partial");
}

#[test]
fn missing_permissions_name_the_iam_action() {
    // moto enforces IAM when told to; the first three requests (creating the auditor) are free
    let Some(moto) = moto::start(&[("INITIAL_NO_AUTH_ACTION_COUNT", "3")]) else { return };
    let allowed: Vec<&str> =
        ops::OPERATIONS.iter().map(|o| o.iam).filter(|a| !a.starts_with("rds:") && !a.starts_with("kms:")).collect();
    let keys: Value = serde_json::from_str(&moto.seed(&["user", &serde_json::to_string(&allowed).unwrap()])).unwrap();
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let (card, out) = audit(f.path(), &moto.url, (keys["id"].as_str().unwrap(), keys["secret"].as_str().unwrap()));
    assert_eq!(card["cloud"]["arn"], "arn:aws:iam::123456789012:user/auditor");
    let all = aws_checks(&card);
    for id in ["aws.rds.mysql_or_aurora_available", "aws.rds.multi_az", "aws.rds.proxy_in_use"] {
        let c = check(&all, id);
        assert_eq!(c.1, "unknown", "{id}: {}", c.2);
        assert!(c.2.contains("`rds:DescribeDBInstances` was denied in us-east-1"), "{id}: {}", c.2);
        assert!(c.2.contains("maturity aws policy"), "{}", c.2);
    }
    let kms = check(&all, "aws.kms.customer_keys_rotated");
    assert!(kms.1 == "unknown" && kms.2.contains("`kms:ListKeys` was denied"), "{kms:?}");
    // what the auditor may read is judged: no log group, no Auto Scaling group
    assert_eq!(check(&all, "aws.logs.retention_set").1, "fail");
    assert_eq!(check(&all, "aws.elasticache.replication_group_available").1, "fail");
    assert!(stderr(&out).contains("maturity aws policy"), "{}", stderr(&out));
}

/// A tiny endpoint that answers every request with AccessDenied in the shape of its protocol,
/// as AWS documents them: JSON (`X-Amz-Target`), Query (`Action=`), REST-XML (CloudFront,
/// Route 53) and REST-JSON (EKS, Backup). moto's own enforcement answers some protocols in the
/// wrong shape and names some actions differently from IAM, so this recorded-response server is
/// what proves the mapping for every protocol.
fn denying_endpoint() -> String {
    endpoint(denial)
}

/// Serves every request on 127.0.0.1 with what `answer` makes of it: the status, header lines
/// (each ending in CRLF) and the body; one connection per request.
fn endpoint(answer: fn(&str) -> (&'static str, String, String)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut s) = stream else { continue };
            std::thread::spawn(move || {
                let req = read_request(&mut s);
                let (status, headers, body) = answer(&req);
                let _ = write!(
                    s,
                    "HTTP/1.1 {status}\r\n{headers}content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            });
        }
    });
    url
}

fn read_request(s: &mut std::net::TcpStream) -> String {
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = s.read(&mut chunk).unwrap_or(0);
        if n == 0 {
            break;
        }
        buf.extend_from_slice(&chunk[..n]);
        let text = String::from_utf8_lossy(&buf);
        if let Some(end) = text.find("\r\n\r\n") {
            let length = text[..end]
                .lines()
                .find_map(|l| {
                    l.to_ascii_lowercase()
                        .strip_prefix("content-length:")
                        .map(|v| v.trim().parse::<usize>().unwrap_or(0))
                })
                .unwrap_or(0);
            if buf.len() >= end + 4 + length {
                break;
            }
        }
    }
    String::from_utf8_lossy(&buf).into_owned()
}

fn denial(req: &str) -> (&'static str, String, String) {
    let lower = req.to_ascii_lowercase();
    let message = "User: arn:aws:iam::123456789012:user/auditor is not authorized to perform this action";
    if lower.contains("\r\nx-amz-target:") {
        return (
            "400 Bad Request",
            "content-type: application/x-amz-json-1.1\r\n".into(),
            format!(r#"{{"__type":"AccessDeniedException","message":"{message}"}}"#),
        );
    }
    if req.contains("Action=") {
        return (
            "403 Forbidden",
            "content-type: text/xml\r\n".into(),
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            ),
        );
    }
    if req.starts_with("GET /2020-05-31/") || req.starts_with("GET /2013-04-01/") {
        return (
            "403 Forbidden",
            "content-type: text/xml\r\n".into(),
            format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>{message}</Message></Error><RequestId>1</RequestId></ErrorResponse>"
            ),
        );
    }
    (
        "403 Forbidden",
        "content-type: application/json\r\nx-amzn-errortype: AccessDeniedException\r\n".into(),
        format!(r#"{{"message":"{message}"}}"#),
    )
}

#[test]
fn access_denied_in_every_protocol_is_unknown_naming_the_action() {
    let url = denying_endpoint();
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let (card, out) = audit(f.path(), &url, TEST_KEY);
    let all = aws_checks(&card);
    assert!(!all.is_empty());
    for (id, status, message) in &all {
        if id == "aws.tags.resources_tagged" || id == "aws.iac.deployed_matches_declared" {
            continue; // nothing was read to judge
        }
        assert_eq!(status, "unknown", "{id}: {message}");
        assert!(message.contains("was denied") || message.contains("account id is unknown"), "{id}: {message}");
    }
    let failed = card["cloud"]["failed_calls"].as_array().unwrap();
    assert!(failed.iter().all(|f| f["outcome"] == "denied"), "{failed:#?}");
    let denied: Vec<String> = names(&card["cloud"]["failed_calls"], "operation");
    for action in [
        "sts:GetCallerIdentity",
        "eks:ListClusters",
        "rds:DescribeDBInstances",
        "cloudfront:ListDistributions",
        "route53:ListHostedZones",
        "logs:DescribeLogGroups",
        "cloudwatch:DescribeAlarms",
        "backup:ListBackupPlans",
        "iam:GetAccountSummary",
    ] {
        assert!(denied.iter().any(|d| d == action), "{action} is not reported as denied: {denied:?}");
    }
    let err = stderr(&out);
    assert!(err.contains("AWS denied ") && err.contains("sts:GetCallerIdentity"), "{err}");
    assert!(err.contains("`maturity aws policy`"), "{err}");
}

/// An endpoint that answers every request with HTTP 500.
fn failing_endpoint() -> String {
    endpoint(|_| ("500 Internal Server Error", String::new(), String::new()))
}

#[test]
fn a_failing_endpoint_reads_as_unknown_after_retries() {
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let refused = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", l.local_addr().unwrap())
    };
    for (url, why) in [(refused, "could not connect"), (failing_endpoint(), "HTTP 500, also after the retries")] {
        let started = Instant::now();
        let (card, out) = audit(f.path(), &url, TEST_KEY);
        assert!(started.elapsed() < Duration::from_secs(90), "retries are bounded: {:?}", started.elapsed());
        for (id, status, message) in aws_checks(&card) {
            if id == "aws.tags.resources_tagged" || id == "aws.iac.deployed_matches_declared" {
                continue;
            }
            assert_eq!(status, "unknown", "{id}: {message}");
            assert!(message.contains(why) || message.contains("account id is unknown"), "{id}: {message}");
        }
        assert_eq!(card["cloud"]["account"], Value::Null);
        assert!(stderr(&out).contains("gave no answer after retries"), "{}", stderr(&out));
    }
}

#[test]
fn without_aws_the_cloud_checks_are_not_assessed_and_cost_no_score() {
    let f = Fixture::repo(&[WELL_RUN]);
    let p = f.path().to_str().unwrap();
    let out = maturity(&["audit", p, "--no-store", "--no-progress", "-f", "json"]);
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&card);
    assert!(card.get("cloud").is_none(), "no cloud section without --aws");
    let all = aws_checks(&card);
    assert_eq!(all.len(), 32);
    assert!(all.iter().all(|c| c.1 == "not_assessed" && c.2.contains("--aws")), "{all:#?}");
    // the score counts assessed checks only: the same repository scores the same as before
    let item = card["items"].as_array().unwrap().iter().find(|i| i["id"] == "6.1").unwrap();
    assert_eq!(item["status"], "pass");
}

#[test]
fn no_credentials_is_a_clear_unknown() {
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let p = f.path().to_str().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_maturity"))
        .args(["audit", p, "--no-store", "--no-progress", "-f", "json", "--aws", "--region", "us-east-1"])
        .env("AWS_CONFIG_FILE", "/nonexistent/c")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/c")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&card);
    assert!(card["cloud"]["error"].as_str().unwrap().contains("no AWS credentials"), "{}", card["cloud"]);
    assert!(aws_checks(&card).iter().all(|c| c.1 == "unknown" && c.2.contains("could not be read")));
    assert!(stderr(&out).contains("could not be read"), "{}", stderr(&out));
}

#[test]
fn the_policy_lists_every_operation_and_nothing_that_writes() {
    let out = maturity(&["aws", "policy"]);
    assert_eq!(out.status.code(), Some(0));
    let policy: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(policy["Version"], "2012-10-17");
    let actions: Vec<&str> =
        policy["Statement"][0]["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
    for o in ops::OPERATIONS {
        assert!(actions.contains(&o.iam), "{} is missing", o.iam);
    }
    assert!(actions.iter().all(|a| ops::is_read_only(a)), "{actions:?}");
    assert!(actions.contains(&"budgets:ViewBudget") && !actions.iter().any(|a| a.contains('*')));
}

#[test]
fn aws_options_need_aws() {
    let f = Fixture::plain(&[]);
    let p = f.path().to_str().unwrap();
    let out = maturity(&["audit", p, "--no-store", "--region", "eu-west-1"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--aws"), "{}", stderr(&out));
    let out = maturity(&["audit", p, "--no-store", "--aws", "--region", "eu-west-1", "--all-regions"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

#[test]
fn all_regions_reads_every_enabled_region() {
    let Some((_turn, moto)) = moto::shared() else { return };
    moto.seed(&["bulk", "16"]);
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let p = f.path().to_str().unwrap();
    let args = [
        "audit",
        p,
        "--no-store",
        "--no-progress",
        "-f",
        "json",
        "--aws",
        "--all-regions",
        "--endpoint-url",
        &moto.url,
    ];
    let out = maturity_aws(&args, TEST_KEY);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(&card);
    let regions: Vec<&str> = card["cloud"]["regions"].as_array().unwrap().iter().map(|r| r.as_str().unwrap()).collect();
    assert!(regions.len() > 2 && regions.contains(&"us-east-1") && regions.contains(&"eu-west-1"), "{regions:?}");
    assert!(!names(&card["cloud"]["failed_calls"], "operation").iter().any(|o| o == "ec2:DescribeRegions"));
    // both seeded regions were read: the log groups of each are judged together
    let logs = check(&aws_checks(&card), "aws.logs.retention_set").2.clone();
    assert!(logs.contains("of 6 log groups"), "{logs}");
}

/// An endpoint that answers as EKS does, for the one EKS API moto does not implement:
/// `DescribeClusterVersions` (GET /cluster-versions). The bodies are the documented response
/// shapes of STS GetCallerIdentity, EKS ListClusters, DescribeCluster, ListNodegroups and
/// DescribeClusterVersions; every other request gets the 404 page of an endpoint that lacks it.
fn recorded_eks_endpoint() -> String {
    endpoint(|req| {
        let line = req.lines().next().unwrap_or_default().to_string();
        let (status, kind, body) = if req.contains("Action=GetCallerIdentity") {
            ("200 OK", "text/xml", r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::210987654321:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>210987654321</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#.to_string())
        } else if line.starts_with("GET /clusters/prod/node-groups") {
            ("200 OK", "application/json", r#"{"nodegroups":[]}"#.to_string())
        } else if line.starts_with("GET /clusters/prod ") {
            ("200 OK", "application/json", r#"{"cluster":{"name":"prod","arn":"arn:aws:eks:us-east-1:210987654321:cluster/prod","version":"1.29","status":"ACTIVE","resourcesVpcConfig":{"endpointPublicAccess":false,"endpointPrivateAccess":true,"publicAccessCidrs":[]},"logging":{"clusterLogging":[{"types":["api","audit","authenticator"],"enabled":true}]},"encryptionConfig":[{"resources":["secrets"],"provider":{"keyArn":"arn:aws:kms:us-east-1:210987654321:key/k"}}],"tags":{}}}"#.to_string())
        } else if line.starts_with("GET /clusters") {
            ("200 OK", "application/json", r#"{"clusters":["prod"]}"#.to_string())
        } else if line.starts_with("GET /cluster-versions") {
            ("200 OK", "application/json", r#"{"clusterVersions":[{"clusterVersion":"1.29","clusterType":"eks","defaultPlatformVersion":"eks.20","defaultVersion":false,"releaseDate":1706140800,"endOfStandardSupportDate":1742688000,"endOfExtendedSupportDate":1774224000,"status":"EXTENDED_SUPPORT","versionStatus":"EXTENDED_SUPPORT","kubernetesPatchVersion":"1.29.13"}]}"#.to_string())
        } else {
            ("404 Not Found", "text/html", "<!doctype html><title>404 Not Found</title>".to_string())
        };
        (status, format!("content-type: {kind}\r\n"), body)
    })
}

#[test]
fn kubernetes_support_comes_from_eks_when_it_answers() {
    let url = recorded_eks_endpoint();
    let f = Fixture::plain(&[("Dockerfile", "FROM scratch\n")]);
    let (card, _) = audit(f.path(), &url, TEST_KEY);
    assert_eq!(card["cloud"]["account"], "210987654321");
    let all = aws_checks(&card);
    let v = check(&all, "aws.eks.version_supported");
    assert_eq!(v.1, "partial", "{}", v.2);
    assert!(
        v.2.contains("Kubernetes 1.29 in extended support since 2025-03-23") && v.2.contains("as EKS reports it"),
        "{}",
        v.2
    );
    assert_eq!(check(&all, "aws.eks.clusters_active").1, "pass");
    assert_eq!(check(&all, "aws.eks.managed_node_groups").1, "fail");
    // what this endpoint lacks is unsupported, never missing
    let rds = check(&all, "aws.rds.mysql_or_aurora_available");
    assert_eq!(rds.1, "unknown", "{}", rds.2);
    assert!(rds.2.contains("unsupported by the endpoint"), "{}", rds.2);
}
