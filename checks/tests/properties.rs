//! Property tests of every parser entry point: whatever bytes a repository holds, collecting its
//! facts finishes without a panic (a collector that panics is caught, so the property also
//! requires that no collector reported a failure), and the YAML and XML parsers return a value or
//! an error.
//!
//! Inputs are arbitrary Unicode (Cyrillic, CJK, Mongolian, emoji and control characters weighted
//! in), realistic documents cut at arbitrary byte offsets (so that cuts land inside multi-byte
//! characters before the text is made valid again), spliced together and nested, under the names
//! collectors look for.

use maturity_checks::facts::RepoFacts;
use maturity_checks::facts::{xml, yaml};
use proptest::prelude::*;

/// Paths that collectors read, one per format.
const PATHS: &[&str] = &[
    ".gitlab-ci.yml",
    "ci/included.yml",
    ".github/workflows/ci.yml",
    ".github/workflows/reusable.yml",
    ".github/actions/setup/action.yml",
    ".circleci/config.yml",
    "azure-pipelines.yml",
    "Jenkinsfile",
    "Makefile",
    "infra/main.tf",
    "k8s/deployment.yaml",
    "chart/Chart.yaml",
    "chart/values.yaml",
    "chart/templates/hpa.yaml",
    "docker-compose.yml",
    "config/packages/framework.yaml",
    "package.json",
    "composer.json",
    "Cargo.toml",
    "pyproject.toml",
    "go.mod",
    "pom.xml",
    "build.gradle",
    "requirements.txt",
    "build/logs/clover.xml",
    "coverage/lcov.info",
    "coverage/coverage-summary.json",
    "results.sarif",
    "trivy.json",
    "k6-summary.json",
    "docs/adr/0001-решение.md",
    "docs/runbooks/восстановление.md",
    "openapi.yaml",
    "slo/checkout.yml",
    "SECURITY.md",
    "src/main.rs",
];

/// Realistic documents the generators cut, splice and nest.
const SEEDS: &[&str] = &[
    "stages: [тест]\ninclude:\n  - local: ci/included.yml\n.base: &b {script: [make test]}\njob:\n  <<: *b\n  extends: .base\n  trigger: {include: .gitlab-ci.yml}\n",
    "on:\n  pull_request:\njobs:\n  t:\n    uses: ./.github/workflows/reusable.yml\n  u:\n    steps:\n      - uses: ./.github/actions/setup\n      - run: make test && npm run ci\n",
    "pipeline { agent any\n stages { stage('Сборка 😀') { steps { sh \"make ${X}\" } } } }\n",
    "test: lint\n\tphpunit\nlint:\n\tphpstan\n",
    "resource \"aws_db_instance\" \"db\" {\n  multi_az = true\n  tags = { Name = \"база\" }\n}\nmodule \"eks\" { source = \"x\" }\n",
    "apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 2\n  template: {spec: {containers: [{name: 应用, resources: {limits: {cpu: 1}}}]}}\n",
    "{\"name\": \"магазин\", \"dependencies\": {\"express\": \"4\"}, \"scripts\": {\"test\": \"jest\"}}",
    "[package]\nname = \"крейт\"\n[dependencies]\naxum = \"0.7\"\n[workspace]\nmembers = [\"a\"]\n",
    "<?xml version=\"1.0\"?><coverage><project><metrics statements=\"10\" coveredstatements=\"9\"/></project></coverage>",
    "<project><dependencies><dependency><groupId>org.пример</groupId><artifactId>a</artifactId></dependency></dependencies></project>",
    "{\"version\": \"2.1.0\", \"runs\": [{\"results\": [{\"level\": \"error\", \"message\": {\"text\": \"уязвимость\"}}]}]}",
    "# 1. Решение 😀\n\n## Status\n\nAccepted\n\n## Context\n\nRTO: 4 hours\n```mermaid\ngraph\n```\n",
    "openapi: 3.0.0\npaths:\n  /v1/товары: {get: {}}\n",
    "apiVersion: openslo/v1\nkind: SLO\nspec:\n  objectives: [{target: 0.999}]\n",
    "SF:src/a.rs\nDA:1,1\nDA:2,0\nend_of_record\n",
    "ᠮᠣᠩᠭᠣᠯ Монгол 蒙古 😀 \u{202e}\u{1b}[31m\0\u{feff}",
];

/// Characters weighted toward those that break byte arithmetic and parsers.
fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => prop::sample::select(vec!['\n', '\t', '\r', ':', '-', '[', ']', '{', '}', '"', '\'', '&', '*', '<', '>', '#', '|', '$', '(', ')', '\\']),
        2 => prop::sample::select(vec!['Ж', 'я', '中', '文', 'ᠮ', 'ᠣ', '😀', '🙈', '\u{301}', '\u{202e}', '\u{1b}', '\u{0}', '\u{feff}', '\u{7f}', '\u{85}']),
        1 => any::<char>(),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// A seed cut at an arbitrary byte (then made valid UTF-8, as a lossy read would), with hostile
/// text spliced in, optionally nested many times.
fn mutated_seed() -> impl Strategy<Value = String> {
    (prop::sample::select(SEEDS.to_vec()), any::<prop::sample::Index>(), hostile_text(40), 0usize..4, 1usize..300)
        .prop_map(|(seed, cut, insert, mode, depth)| {
            let bytes = seed.as_bytes();
            let at = cut.index(bytes.len() + 1);
            let (a, b) = bytes.split_at(at);
            let head = String::from_utf8_lossy(a);
            let tail = String::from_utf8_lossy(b);
            match mode {
                0 => format!("{head}{insert}{tail}"),
                1 => format!("{}{head}{}", "[".repeat(depth), "]".repeat(depth)),
                2 => (0..depth.min(60)).map(|d| format!("{}{head}\n", "  ".repeat(d))).collect(),
                _ => format!("{head}{tail}{head}{insert}"),
            }
        })
}

fn document() -> impl Strategy<Value = String> {
    prop_oneof![3 => mutated_seed(), 1 => hostile_text(300)]
}

fn repository() -> impl Strategy<Value = Vec<(&'static str, String)>> {
    prop::collection::vec((prop::sample::select(PATHS.to_vec()), document()), 1..8)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn collecting_any_repository_never_panics(files in repository()) {
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let facts = RepoFacts::from_memory(&refs);
        for p in &facts.problems {
            prop_assert!(!p.message.contains("collector failed"), "{p}");
        }
    }

    #[test]
    fn yaml_returns_a_tree_or_an_error(text in document()) {
        let _ = yaml::parse(&text);
    }

    #[test]
    fn xml_returns_a_document_or_an_error(text in document()) {
        let _ = xml::parse(&text);
    }
}
