//! Packs as their authors write them, good and hostile: every problem at its file, line and column.

use super::*;

const MANIFEST_OK: &str = "[pack]\nname = \"acme\"\ndescription = \"Acme conventions\"\n";

const GOOD: &str = r#"[[checks]]
id = "acme.ci.deploy_tool_runs"
item = "6.1"
title = "Our deploy tool runs in CI"
weight = 2
rationale = "Deployments through the tool are audited."
remediation = "Call `acme-deploy` from a CI job."
rule.query = { path = "ci.pipelines[*].jobs[*].steps[*].run", matches = '(?-u:\b)acme-deploy(?-u:\b)' }

[[checks]]
id = "acme.catalog.entity_owned"
item = "6.3"
title = "Каталог: every service has an owner 🚀"
rationale = "Someone answers for it."
remediation = "Add `spec.owner` to `catalog-info.yaml`."

[[checks.rule.all]]
file_exists = { files = "**/catalog-info.yaml" }

[[checks.rule.all]]
content = { files = ["**/catalog-info.yaml", "サービス/*.yaml"], pattern = '^\s+owner:\s*\S' }
"#;

fn pack(files: &[(&str, &str)]) -> Result<Pack, PackError> {
    let texts: BTreeMap<String, String> = files.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    parse("packs/acme", &texts, &|id| id == "acme.taken")
}

fn errors(check_file: &str) -> Vec<String> {
    match pack(&[
        ("pack.toml", MANIFEST_OK),
        ("checks.toml", check_file),
        ("ok.rego", "package acme\ndefault verdict := {\"status\": \"unknown\", \"message\": \"x\"}\n"),
    ]) {
        Ok(_) => Vec::new(),
        Err(e) => e.diagnostics.iter().map(ToString::to_string).collect(),
    }
}

fn with(from: &str, to: &str) -> String {
    let text = GOOD.replacen(from, to, 1);
    assert_ne!(text, GOOD, "the replacement of `{from}` did not apply");
    text
}

#[test]
fn a_good_pack_loads() {
    let p = pack(&[("pack.toml", MANIFEST_OK), ("checks.toml", GOOD)]).unwrap();
    assert_eq!((p.name.as_str(), p.checks.len()), ("acme", 2));
    let c = &p.checks[1];
    assert_eq!((c.item.as_str(), c.weight, c.line), ("6.3", 1.0, 10));
    assert_eq!(c.title, "Каталог: every service has an owner 🚀");
    assert_eq!(c.file, "packs/acme/checks.toml");
    assert_eq!(p.checks[0].weight, 2.0);
    assert!(p.warnings.iter().any(|w| w.message.contains("Unicode-aware")), "{:?}", p.warnings);
    let patterns = super::super::Packs::new(vec![p]).patterns();
    assert_eq!(patterns.len(), 1);
    assert_eq!(patterns[0].id, "acme.catalog.entity_owned#0");
    assert_eq!(patterns[0].globs, vec!["**/catalog-info.yaml", "サービス/*.yaml"]);
}

#[test]
fn problems_are_reported_at_their_position() {
    for (name, text, want) in [
        ("syntax", with("weight = 2", "weight = "), "packs/acme/checks.toml:5:10: error:"),
        ("unknown key", with("weight = 2", "wieght = 2"), "packs/acme/checks.toml:5:1: error: unknown field `wieght`"),
        ("unknown key in a rule", with("matches = '", "match = '"), "packs/acme/checks.toml:8:"),
        (
            "id outside the namespace",
            with("acme.ci.deploy_tool_runs", "other.ci.x"),
            "packs/acme/checks.toml:2:6: error: the id `other.ci.x` must start with the pack's name: `acme.`",
        ),
        (
            "cyrillic id",
            with("acme.ci.deploy_tool_runs", "acme.ci.деплой"),
            "packs/acme/checks.toml:2:6: error: the id `acme.ci.деплой` must be `acme.<name>`",
        ),
        ("emoji id", with("acme.ci.deploy_tool_runs", "acme.🚀"), "must be `acme.<name>`"),
        ("taken id", with("acme.ci.deploy_tool_runs", "acme.taken"), "the id `acme.taken` is already taken"),
        (
            "bad weight",
            with("weight = 2", "weight = -1"),
            "checks.toml:5:10: error: `weight` must be a number above 0 and at most 1000, not -1",
        ),
        (
            "huge weight",
            with("weight = 2", "weight = 1e308"),
            "checks.toml:5:10: error: `weight` must be a number above 0 and at most 1000",
        ),
        ("bad source", with("weight = 2", "source = \"gcp\""), "`source` is `gcp`: expected repository, aws or url"),
        (
            "empty title",
            with("title = \"Our deploy tool runs in CI\"", "title = \" \""),
            "checks.toml:4:9: error: `title` is empty",
        ),
        (
            "bad regex",
            with("(?-u:\\b)acme-deploy(?-u:\\b)", "acme-(deploy"),
            "checks.toml:8:73: error: the pattern does not compile: unclosed group",
        ),
        (
            "huge regex",
            with("(?-u:\\b)acme-deploy(?-u:\\b)", "(?:a{1000}){1000}"),
            "error: the pattern compiles larger than the limit of 1024 KiB",
        ),
        (
            "bad path",
            with("ci.pipelines[*].jobs", "ci.pipelines[*.jobs"),
            "checks.toml:8:36: error: the path `ci.pipelines[*.jobs[*].steps[*].run` does not parse",
        ),
        (
            "bad glob",
            with("**/catalog-info.yaml\" }", "**/[catalog\" }"),
            "error: the glob `**/[catalog` does not compile",
        ),
        (
            "glob out of the tree",
            with("**/catalog-info.yaml\" }", "../secrets/*\" }"),
            "must be relative to the repository root, without `..`",
        ),
        (
            "vendored location",
            with("files = \"**/catalog-info.yaml\" }", "files = \"**/catalog-info.yaml\", in = [\"vendored\"] }"),
            "`in` lists `project` and/or `test`",
        ),
        (
            "two operators",
            with("rule.query = {", "rule.file_exists = { files = \"x\" }\nrule.query = {"),
            "a rule has exactly one of file_exists, content, query, all, any, not (2 given)",
        ),
        (
            "policy out of the folder",
            with(
                "rule.query = { path = \"ci.pipelines[*].jobs[*].steps[*].run\", matches = '(?-u:\\b)acme-deploy(?-u:\\b)' }",
                "policy = \"../evil.rego\"",
            ),
            "checks.toml:8:10: error: the policy `../evil.rego` must be a `.rego` file of the pack's folder",
        ),
        (
            "missing policy",
            with(
                "rule.query = { path = \"ci.pipelines[*].jobs[*].steps[*].run\", matches = '(?-u:\\b)acme-deploy(?-u:\\b)' }",
                "policy = \"нет.rego\"",
            ),
            "the policy `нет.rego` is not a file of the pack's folder",
        ),
        (
            "rule and policy",
            with("rule.query = {", "policy = \"ok.rego\"\nrule.query = {"),
            "a check has a `rule` or a `policy`, not both",
        ),
    ] {
        let errs = errors(&text);
        assert!(errs.iter().any(|e| e.contains(want)), "{name}: {errs:#?}");
    }
}

#[test]
fn the_manifest_names_a_free_namespace() {
    for (manifest, want) in [
        ("", "packs/acme/pack.toml:1:1: error: missing field `pack`"),
        ("[pack]\nname = \"repo\"\n", "packs/acme/pack.toml:2:8: error: the pack name `repo` is reserved"),
        ("[pack]\nname = \"Acme Corp\"\n", "the pack name `Acme Corp` must be lower-case ASCII"),
        ("[pack]\nname = \"acme\"\nowner = \"x\"\n", "packs/acme/pack.toml:3:1: error: unknown field `owner`"),
    ] {
        let e = pack(&[("pack.toml", manifest), ("checks.toml", GOOD)]).unwrap_err();
        let errs: Vec<String> = e.diagnostics.iter().map(ToString::to_string).collect();
        assert!(errs.iter().any(|x| x.contains(want)), "{manifest:?}: {errs:#?}");
        // the checks' ids are not also blamed for a name the manifest did not give
        assert_eq!(errs.len(), 1, "{manifest:?}: {errs:#?}");
    }
    let e = pack(&[("checks.toml", GOOD)]).unwrap_err();
    assert!(e.diagnostics[0].message.contains("`pack.toml` is missing"));
    let e = pack(&[("pack.toml", MANIFEST_OK)]).unwrap_err();
    assert!(e.diagnostics[0].message.contains("the pack has no checks"));
}

#[test]
fn hostile_texts_give_errors_not_panics() {
    for text in [
        "\0\0\0".to_string(),
        "[[checks]]\n".repeat(10_000),
        format!("[[checks]]\nid = \"acme.x\"\nrule = {}\n", "{ not = ".repeat(500)),
        format!("checks = {}", "[".repeat(100_000)),
        "[[checks]]\nid = \"acme.x\"\nitem=\"1\"\ntitle=\"t\"\nrationale=\"r\"\nremediation=\"r\"\nrule.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.not.file_exists.files = \"x\"\n".to_string(),
    ] {
        let errs = errors(&text);
        assert!(!errs.is_empty(), "{}", crate::model::clip(&text, 80));
    }
}

#[test]
fn line_and_column_count_characters() {
    assert_eq!(line_col("a\nпривет x", 15), (2, 8));
    assert_eq!(line_col("🚀x", 1), (1, 1), "inside a character: the character's start");
}
