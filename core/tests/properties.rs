//! Property tests of the core's parser entry points and of the whole judging and rendering path:
//! `.maturity.toml` and roadmap files of any content give a value or positioned diagnostics;
//! facts from any repository are judged by every check and rendered in every format without a
//! panic, with finite scores, well-formed JUnit XML and valid JSON.

use maturity_checks::facts::{NoProgress, RepoFacts};
use maturity_core::report::{self, Format};
use maturity_core::{Policy, Roadmap, config, roadmap};
use proptest::prelude::*;

const CONFIG_SEEDS: &[&str] = &[
    "roadmap = \"docs/карта.toml\"\nstart = 2026-09-07\nmust_pass = [\"6.1\"]\n[weights.items]\n\"6.1\" = 3\n[evidence]\ncoverage = \"build/clover.xml\"\n[[waivers]]\nitem = \"1.1\"\nreason = \"причина 😀\"\nowner = \"a@b\"\nexpires = 2027-01-01\n",
    "[weights.checks]\n\"repo.ci.tests_run_on_pull_requests\" = 1e308\n",
    "kind = \"library\"\n",
];

fn hostile_char() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range(' ', '~'),
        2 => prop::sample::select(vec!['\n', '"', '\'', '[', ']', '{', '}', '=', '.', '#', '\\', '-', '+', 'e']),
        2 => prop::sample::select(vec!['Ж', '中', 'ᠮ', '😀', '\u{202e}', '\u{1b}', '\u{0}', '\u{feff}', '\u{85}']),
        1 => any::<char>(),
    ]
}

fn hostile_text(max: usize) -> impl Strategy<Value = String> {
    prop::collection::vec(hostile_char(), 0..max).prop_map(|cs| cs.into_iter().collect())
}

/// A seed cut at an arbitrary byte and spliced with hostile text.
fn mutated(seeds: &'static [&'static str]) -> impl Strategy<Value = String> {
    (prop::sample::select(seeds.to_vec()), any::<prop::sample::Index>(), hostile_text(30), any::<bool>()).prop_map(
        |(seed, cut, insert, twice)| {
            let (a, b) = seed.as_bytes().split_at(cut.index(seed.len() + 1));
            let (a, b) = (String::from_utf8_lossy(a), String::from_utf8_lossy(b));
            if twice { format!("{a}{insert}{a}{b}") } else { format!("{a}{insert}{b}") }
        },
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn repository_configuration_parses_or_says_where(text in prop_oneof![mutated(CONFIG_SEEDS), hostile_text(200)]) {
        let dir = tempfile::tempdir().unwrap();
        let loaded = config::parse(&text, ".maturity.toml", dir.path());
        if loaded.config.is_none() {
            prop_assert!(!loaded.diagnostics.is_empty(), "refused without a diagnostic");
        }
        for d in &loaded.diagnostics {
            prop_assert!(d.line >= 1 && d.column >= 1, "{d}");
        }
    }

    #[test]
    fn roadmaps_parse_or_say_where(text in prop_oneof![
        3 => mutated(&[roadmap::DEFAULT_TOML]),
        1 => hostile_text(300),
    ]) {
        let (parsed, diagnostics) = roadmap::parse_with_warnings(&text, "r.toml");
        if parsed.is_none() {
            prop_assert!(!diagnostics.is_empty());
        }
    }

    #[test]
    fn any_repository_is_judged_and_rendered(files in prop::collection::vec(
        (prop::sample::select(vec![
            ".github/workflows/ci.yml", ".gitlab-ci.yml", "Jenkinsfile", "docs/adr/0001-решение.md",
            "build/logs/clover.xml", "results.sarif", "k8s/app.yaml", "infra/main.tf", "package.json",
            "composer.json", "README.md", "docs/runbooks/\u{1b}[2J.md", "line\nbreak.md",
        ]),
        hostile_text(200)),
        0..6,
    )) {
        let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        let repo = RepoFacts::from_memory(&refs);
        let card = maturity_core::audit::evaluate(&repo, &Roadmap::default_roadmap(), &Policy::default(), &NoProgress);
        prop_assert!(card.score.is_finite() && (0.0..=100.0).contains(&card.score));
        for item in &card.items {
            for c in &item.checks {
                prop_assert!(!c.message.contains("failed unexpectedly"), "{}: {}", c.id, c.message);
            }
        }
        for format in [Format::Json, Format::Markdown, Format::Html, Format::Sarif, Format::Junit] {
            let text = report::render(&card, format).map_err(|e| TestCaseError::fail(e.to_string()))?;
            match format {
                Format::Json | Format::Sarif => {
                    serde_json::from_str::<serde_json::Value>(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
                }
                Format::Junit => {
                    roxmltree::Document::parse(&text).map_err(|e| TestCaseError::fail(format!("JUnit: {e}")))?;
                }
                _ => {}
            }
        }
    }
}
