//! Check packs end to end: the example pack's fixtures, an audit with `--checks`, broken and
//! hostile packs, runaway Rego, fact providers, and the facts document against its schema.

mod common;

use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn example_pack() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/checks")
}

fn validate(schema: &str, doc: &Value) {
    let schema: Value = serde_json::from_str(schema).unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let errors: Vec<String> = validator.iter_errors(doc).map(|e| format!("{} at {}", e, e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

fn pack_checks(card: &Value) -> Vec<&Value> {
    card["items"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|i| i["checks"].as_array().unwrap())
        .filter(|c| c.get("origin").is_some())
        .collect()
}

fn check<'a>(card: &'a Value, id: &str) -> &'a Value {
    pack_checks(card).into_iter().find(|c| c["id"] == id).unwrap_or_else(|| panic!("{id} missing"))
}

/// A repository that follows the example pack's conventions.
const ACME: &[(&str, &str)] = &[
    (
        "services/shop/catalog-info.yaml",
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: shop\nspec:\n  owner: team-checkout\n",
    ),
    (
        ".github/workflows/deploy.yml",
        "on:\n  push:\n    branches: [main]\njobs:\n  deploy:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make deploy\n",
    ),
    ("Makefile", "deploy:\n\tacme-deploy --service shop\n"),
    (
        "infra/main.tf",
        "terraform {\n  required_version = \">= 1.6\"\n}\nmodule \"vpc\" {\n  source  = \"terraform-aws-modules/vpc/aws\"\n  version = \"5.8.1\"\n}\nmodule \"eks\" {\n  source = \"git::https://github.com/acme/eks.git\"\n}\n",
    ),
    ("infra/.terraform.lock.hcl", "provider \"registry.terraform.io/hashicorp/aws\" {\n  version = \"5.40.0\"\n}\n"),
];

#[test]
fn the_example_pack_passes_its_own_fixtures() {
    let out = maturity(&["checks", "test", example_pack().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}{}", stdout(&out), stderr(&out));
    let text = stdout(&out);
    assert!(text.contains("pack acme") && text.contains("all 4 case(s) passed"), "{text}");
    assert!(text.contains("✓ well-run") && text.contains("✓ modules-mixed"), "{text}");
}

#[test]
fn an_audit_with_the_example_pack_reports_its_findings_with_evidence_and_origin() {
    let f = Fixture::repo(&[ACME]);
    let pack = example_pack();
    let out = maturity(&[
        "audit",
        f.path().to_str().unwrap(),
        "--checks",
        pack.to_str().unwrap(),
        "-f",
        "json",
        "--no-store",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(maturity_core::scorecard::JSON_SCHEMA, &card);
    assert_eq!(card["roadmap"]["packs"][0]["name"], "acme");
    assert_eq!(pack_checks(&card).len(), 4);
    let owner = check(&card, "acme.catalog.owner_declared");
    assert_eq!(owner["status"], "pass", "{owner:#}");
    assert_eq!(owner["origin"]["kind"], "pack");
    assert_eq!(owner["origin"]["pack"], "acme");
    assert!(owner["origin"]["file"].as_str().unwrap().ends_with("catalog.toml"));
    assert!(
        owner["evidence"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "services/shop/catalog-info.yaml" && e["line"] == 6),
        "{owner:#}"
    );
    // found through the make target the CI step calls
    let deploy = check(&card, "acme.ci.deploy_tool_runs");
    assert_eq!(deploy["status"], "pass", "{deploy:#}");
    assert_eq!(deploy["weight"], 2.0);
    let modules = check(&card, "acme.terraform.modules_pinned");
    assert_eq!(modules["status"], "partial", "{modules:#}");
    assert_eq!(modules["score"], 0.5);
    assert!(modules["message"].as_str().unwrap().contains("not `eks`"), "{modules:#}");
    assert_eq!(modules["evidence"][0]["path"], "infra/main.tf");
    assert_eq!(check(&card, "acme.terraform.versions_pinned")["status"], "pass");
    let item = card["items"].as_array().unwrap().iter().find(|i| i["id"] == "6.1").unwrap();
    assert!(
        item["checks"].as_array().unwrap().iter().any(|c| c["id"] == "acme.ci.deploy_tool_runs"),
        "in the item it names"
    );
    // the terminal and Markdown show them too, with their pack
    let out = maturity(&[
        "audit",
        f.path().to_str().unwrap(),
        "--checks",
        pack.to_str().unwrap(),
        "--no-store",
        "--color",
        "never",
    ]);
    let text = stdout(&out);
    assert!(text.contains("Check pack acme") && text.contains("acme.terraform.modules_pinned · item 1.1"), "{text}");
    let out = maturity(&[
        "audit",
        f.path().to_str().unwrap(),
        "--checks",
        pack.to_str().unwrap(),
        "--no-store",
        "-f",
        "markdown",
    ]);
    assert!(stdout(&out).contains("pack acme"), "{}", stdout(&out));
    // and the catalogue lists them beside the built-in checks, with their source
    let out = maturity(&["checks", "--checks", pack.to_str().unwrap(), "--format", "json"]);
    let list: Value = serde_json::from_slice(&out.stdout).unwrap();
    let origins: Vec<&str> = list.as_array().unwrap().iter().filter_map(|c| c["origin"]["pack"].as_str()).collect();
    assert_eq!(origins.len(), 4);
}

fn write_pack(dir: &Path, files: &[(&str, &str)]) {
    for (name, text) in files {
        write(dir, name, text.as_bytes());
    }
}

const MANIFEST: (&str, &str) = ("pack.toml", "[pack]\nname = \"team\"\n");

fn check_file(rule: &str) -> String {
    format!(
        "[[checks]]\nid = \"team.x.y\"\nitem = \"6.1\"\ntitle = \"T\"\nrationale = \"Because.\"\nremediation = \"Do it.\"\n{rule}\n"
    )
}

#[test]
fn a_broken_pack_exits_2_naming_the_file_and_line() {
    let repo = Fixture::plain(&[("README.md", "# x\n")]);
    for (name, files, want) in [
        (
            "unknown key",
            vec![MANIFEST, ("checks.toml", "[[checks]]\nid = \"team.x.y\"\ncolour = \"red\"\n")],
            "checks.toml:3:1: error: unknown field `colour`",
        ),
        ("malformed TOML", vec![MANIFEST, ("checks.toml", "[[checks]\nid = \"team.x.y\"\n")], "checks.toml:1:"),
        (
            "policy outside the pack",
            vec![MANIFEST, ("checks.toml", &check_file("policy = \"../../etc/x.rego\""))],
            "checks.toml:7:10: error: the policy `../../etc/x.rego` must be a `.rego` file of the pack's folder",
        ),
        (
            "built-in namespace",
            vec![
                ("pack.toml", "[pack]\nname = \"repo\"\n"),
                ("checks.toml", &check_file("rule.file_exists = { files = \"x\" }")),
            ],
            "pack.toml:2:8: error: the pack name `repo` is reserved",
        ),
        (
            "huge regex",
            vec![
                MANIFEST,
                ("checks.toml", &check_file("rule.content = { files = \"*\", pattern = '(?:a{1000}){1000}' }")),
            ],
            "checks.toml:7:41: error: the pattern compiles larger than the limit",
        ),
        (
            "non-ASCII id",
            vec![
                MANIFEST,
                (
                    "checks.toml",
                    &check_file("rule.file_exists = { files = \"x\" }").replace("team.x.y", "team.проверка.🚀"),
                ),
            ],
            "checks.toml:2:6: error: the id `team.проверка.🚀` must be `team.<name>`",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_pack(dir.path(), &files);
        let out =
            maturity(&["audit", repo.path().to_str().unwrap(), "--checks", dir.path().to_str().unwrap(), "--no-store"]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        assert!(stderr(&out).contains(want), "{name}: {}", stderr(&out));
        let out = maturity(&["checks", "test", dir.path().to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}: `checks test` exits 2 too");
    }
    let out = maturity(&["audit", repo.path().to_str().unwrap(), "--checks", "/no/such/pack", "--no-store"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read the check pack folder"), "{}", stderr(&out));
}

#[cfg(unix)]
#[test]
fn a_link_out_of_the_pack_and_a_pack_inside_the_repository_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    write(outside.path(), "stolen.toml", check_file("rule.file_exists = { files = \"x\" }").as_bytes());
    let dir = tempfile::tempdir().unwrap();
    write_pack(dir.path(), &[MANIFEST]);
    std::os::unix::fs::symlink(outside.path().join("stolen.toml"), dir.path().join("stolen.toml")).unwrap();
    let repo = Fixture::plain(&[("README.md", "# x\n")]);
    let out =
        maturity(&["audit", repo.path().to_str().unwrap(), "--checks", dir.path().to_str().unwrap(), "--no-store"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("stolen.toml:1:1: error: a symbolic link leading outside the pack's folder"),
        "{}",
        stderr(&out)
    );
    // a repository cannot load a pack of its own: not from .maturity.toml, not through its roadmap
    let repo = Fixture::plain(&[("README.md", "# x\n"), (".maturity.toml", "checks = [\"packs/own\"]\n")]);
    let out = maturity(&["audit", repo.path().to_str().unwrap(), "--no-store"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains(".maturity.toml:1:1: error: unknown field `checks`"), "{}", stderr(&out));
}

#[test]
fn a_runaway_policy_is_stopped_and_unknown_while_the_audit_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let checks = [
        (
            "loop",
            "n := count([[x, y, z] | some x in numbers.range(1, 5000); some y in numbers.range(1, 5000); some z in numbers.range(1, 5000)])",
        ),
        ("memory", "n := count([x | some x in numbers.range(1, 100000000000)])"),
    ];
    let mut toml = String::new();
    for (name, body) in checks {
        toml.push_str(&format!(
            "[[checks]]\nid = \"team.rego.{name}\"\nitem = \"6.1\"\ntitle = \"{name}\"\nrationale = \"Hostile.\"\nremediation = \"None.\"\npolicy = \"{name}.rego\"\n\n"
        ));
        write(
            dir.path(),
            &format!("{name}.rego"),
            format!("package team\n{body}\nverdict := {{\"status\": \"pass\", \"message\": sprintf(\"%d\", [n])}}\n")
                .as_bytes(),
        );
    }
    write_pack(dir.path(), &[MANIFEST, ("checks.toml", &toml)]);
    let repo = Fixture::plain(&[("README.md", "# x\n")]);
    let started = Instant::now();
    let out = maturity(&[
        "audit",
        repo.path().to_str().unwrap(),
        "--checks",
        dir.path().to_str().unwrap(),
        "-f",
        "json",
        "--no-store",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(started.elapsed() < Duration::from_secs(30), "{:?}", started.elapsed());
    let card: Value = serde_json::from_slice(&out.stdout).unwrap();
    let looping = check(&card, "team.rego.loop");
    assert_eq!(looping["status"], "unknown");
    assert!(looping["message"].as_str().unwrap().contains("did not finish within 2 s"), "{looping:#}");
    let memory = check(&card, "team.rego.memory");
    assert_eq!(memory["status"], "unknown");
    assert!(memory["message"].as_str().unwrap().contains("memory budget of 256 MiB"), "{memory:#}");
}

#[cfg(unix)]
fn provider(dir: &Path, name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let p = dir.join(name);
    std::fs::write(&p, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    p
}

#[cfg(unix)]
#[test]
fn fact_providers_add_facts_and_failing_ones_make_their_checks_unknown() {
    let dir = tempfile::tempdir().unwrap();
    let rule = "rule.query = { path = \"providers.deploy.facts.services[*].owner\", every = true }";
    write_pack(dir.path(), &[MANIFEST, ("checks.toml", &check_file(rule).replace("team.x.y", "team.deploy.owned"))]);
    let good = provider(
        dir.path(),
        "good",
        r#"cat >/dev/null; echo '{"schema":"maturity.provider/v1","facts":{"services":[{"name":"shop","owner":"команда"},{"name":"cart"}]}}'"#,
    );
    let repo = Fixture::plain(&[("README.md", "# x\n")]);
    let audit = |program: &Path| {
        let arg = format!("deploy={}", program.display());
        let out = maturity(&[
            "audit",
            repo.path().to_str().unwrap(),
            "--checks",
            dir.path().to_str().unwrap(),
            "--fact-provider",
            &arg,
            "--fact-provider-timeout",
            "1",
            "-f",
            "json",
            "--no-store",
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let card: Value = serde_json::from_slice(&out.stdout).unwrap();
        (check(&card, "team.deploy.owned").clone(), stderr(&out))
    };
    let (c, _) = audit(&good);
    assert_eq!((c["status"].as_str(), c["score"].as_f64()), (Some("partial"), Some(0.5)), "{c:#}");
    for (name, body, says) in [
        ("hangs", "sleep 600 & sleep 600", "did not finish within 1 s"),
        ("floods", "head -c 100000000 /dev/zero", "printed more than 8 MiB"),
        ("invalid", "echo 'not json'", "printed invalid JSON"),
        ("exits", "echo 'token expired' >&2; exit 4", "exited with status 4: token expired"),
    ] {
        let (c, err) = audit(&provider(dir.path(), name, body));
        assert_eq!(c["status"], "unknown", "{name}: {c:#}");
        assert!(c["message"].as_str().unwrap().contains(says), "{name}: {c:#}");
        assert!(err.contains("warning: the fact provider `deploy` failed"), "{name}: {err}");
    }
    let out = maturity(&["audit", repo.path().to_str().unwrap(), "--fact-provider", "Deploy=x", "--no-store"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_facts_document_validates_against_its_schema() {
    let f = Fixture::repo(&[WELL_RUN, ACME]);
    let pack = example_pack();
    let out = maturity(&[
        "facts",
        f.path().to_str().unwrap(),
        "--checks",
        pack.to_str().unwrap(),
        "-f",
        "json",
        "--no-progress",
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    validate(maturity_core::scorecard::FACTS_SCHEMA, &doc);
    assert_eq!(doc["schema"], "maturity.facts/v1");
    assert!(doc["matches"].as_array().unwrap().iter().any(|m| m["path"] == "services/shop/catalog-info.yaml"));
    let out = maturity(&["facts", f.path().to_str().unwrap()]);
    assert!(stdout(&out).contains("maturity.facts/v1"), "{}", stdout(&out));
    for which in ["facts", "provider"] {
        let out = maturity(&["schema", which]);
        let _: Value = serde_json::from_slice(&out.stdout).unwrap();
    }
}

/// The facts document of real repositories, checked out as `owner+name` under the folder that
/// `MATURITY_CHECKOUTS` names (the repositories of the accuracy labels); skipped without it.
#[test]
fn the_facts_document_of_labelled_repositories_validates() {
    let Some(dir) = std::env::var_os("MATURITY_CHECKOUTS") else {
        eprintln!("skipped: set MATURITY_CHECKOUTS to a folder of checkouts named owner+name");
        return;
    };
    let labels = Path::new(env!("CARGO_MANIFEST_DIR")).join("../checks/accuracy/labels");
    let mut seen = 0;
    for label in std::fs::read_dir(labels).unwrap() {
        let name = label.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned();
        let checkout = Path::new(&dir).join(&name);
        if !checkout.is_dir() {
            continue;
        }
        let out = maturity(&[
            "facts",
            checkout.to_str().unwrap(),
            "--checks",
            example_pack().to_str().unwrap(),
            "-f",
            "json",
            "--no-progress",
        ]);
        assert_eq!(out.status.code(), Some(0), "{name}: {}", stderr(&out));
        let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
        validate(maturity_core::scorecard::FACTS_SCHEMA, &doc);
        seen += 1;
    }
    assert!(seen > 0, "no labelled checkout under {}", Path::new(&dir).display());
}
