//! Feature flags and experiments (roadmap item 7.1): a flag system evaluated in code, gradual
//! rollouts, and experiments analysed for statistical significance.
//!
//! Feature flags count when a flag SDK is a dependency *and* is evaluated in code; a flag
//! service in compose or flag definitions alone is a start. Cargo `[features]` are compile-time
//! switches, not feature flags, and are never read here.

use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::manifests::Dependency;
use crate::model::{Finding, clip};
use crate::repo::support::{
    Seen, cite, describe, examples_only, in_stack, own_and_other, own_or_examples, signal_seen,
};

/// Fragments of flag SDK package names, across ecosystems.
const FLAG_SDKS: &[&str] = &[
    "unleash",
    "launchdarkly",
    "openfeature",
    "open-feature",
    "flagsmith",
    "growthbook",
    "configcat",
    "splitio",
    "@splitsoftware/",
    "io.split.client",
    "flipt",
    "flagd",
    "django-waffle",
    "laravel/pennant",
    "flagception",
    "togglz",
    "ff4j",
    "microsoft.featuremanagement",
];

fn flag_dep(d: &Dependency) -> bool {
    let n = d.name.to_ascii_lowercase();
    FLAG_SDKS.iter().any(|f| n.contains(f))
}

const FLAG_SERVICES: &[&str] = &[
    "flagd",
    "unleash",
    "unleash-server",
    "unleash-proxy",
    "unleash-edge",
    "flagsmith",
    "growthbook",
    "flipt",
    "flagr",
    "go-feature-flag",
];

fn flag_system(repo: &RepoFacts) -> (Vec<Seen>, Vec<Seen>) {
    let mut evaluated = Vec::new();
    for id in ["flags.sdk", "flags.library"] {
        for h in repo.scan.hits(id) {
            evaluated.push(Seen::hit(format!("flag evaluated: `{}`", clip(h.text.trim(), 60)), h));
        }
    }
    let mut declared: Vec<Seen> = repo
        .manifests
        .dependencies
        .iter()
        .filter(|d| flag_dep(d))
        .map(|d| Seen::dep(format!("dependency `{}`", d.name), d))
        .collect();
    declared.extend(in_stack(repo, FLAG_SERVICES));
    for h in repo.scan.hits("flags.flagd_definition") {
        if !declared.iter().any(|s| s.path == h.path) {
            declared.push(Seen::new("flag definitions", &h.path, Some(h.line), h.location));
        }
    }
    (evaluated, declared)
}

pub struct FeatureFlagSystem;

impl Check for FeatureFlagSystem {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.flags.feature_flag_system",
            title: "Features are released behind a feature-flag system",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Flags separate deploying code from releasing a feature: unfinished work ships dark, a bad feature is switched off in seconds instead of rolled back, and releases can target a subset of users.",
            remediation: "Adopt a feature-flag system (OpenFeature with flagd, Unleash, LaunchDarkly, Flagsmith, GrowthBook, ConfigCat) and evaluate flags through its SDK in code rather than with configuration constants or compile-time switches.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let (evaluated, declared) = flag_system(repo);
        let (eval_own, eval_other) = own_and_other(&evaluated);
        let (decl_own, decl_other) = own_and_other(&declared);
        let eval_own: Vec<&Seen> = eval_own.into_iter().filter(|s| s.location == Location::Project).collect();
        if !eval_own.is_empty() && !decl_own.is_empty() {
            let mut all = decl_own.clone();
            all.truncate(2);
            all.extend(eval_own.iter().take(3));
            return Finding::pass(format!("a feature-flag system is used: {}", describe(&all))).with(cite(&all));
        }
        if !eval_own.is_empty() {
            // an SDK evaluated in a language whose manifest we do not read (.NET, Ruby)
            return Finding::pass(format!("feature flags are evaluated through an SDK: {}", describe(&eval_own)))
                .with(cite(&eval_own));
        }
        if !decl_own.is_empty() {
            return Finding::partial(
                0.4,
                format!("a flag system is declared but no flag is evaluated in code: {}", describe(&decl_own)),
            )
            .with(cite(&decl_own));
        }
        let mut other = eval_other;
        other.extend(decl_other);
        if !other.is_empty() {
            return examples_only(&other, "a feature-flag system");
        }
        Finding::fail(
            "no feature-flag system found (looked for Unleash, LaunchDarkly, OpenFeature/flagd, Flagsmith, GrowthBook, ConfigCat, Split, Flipt and flag libraries as dependencies, flag services in the stack and flag evaluations in code; Cargo `[features]` are compile-time switches, not feature flags)",
        )
    }
}

pub struct GradualRolloutOrExperiments;

impl Check for GradualRolloutOrExperiments {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.flags.gradual_rollout_or_experiments",
            title: "Features roll out gradually or run as experiments",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "Releasing to 1 %, then 10 %, then everyone limits the blast radius of a bad change, and A/B experiments show whether a feature moves the metric it was built for.",
            remediation: "Use the flag system's targeting: percentage rollouts (flagd `fractional`, Unleash `flexibleRollout`, LaunchDarkly rollouts) and experiments (GrowthBook, LaunchDarkly experiments) with the metric they are meant to move.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut seen = Vec::new();
        for (id, what) in [("flags.rollout", "rollout or experiment"), ("flags.targeting", "flag targeting")] {
            for h in repo.scan.hits(id) {
                seen.push(Seen::hit(format!("{what}: `{}`", clip(h.text.trim(), 50)), h));
            }
        }
        let (own, other) = own_and_other(&seen);
        if !own.is_empty() {
            return Finding::pass(format!("flags target a share of users or run experiments: {}", describe(&own)))
                .with(cite(&own));
        }
        let (evaluated, declared) = flag_system(repo);
        let flags: Vec<&Seen> = evaluated.iter().chain(&declared).filter(|s| s.own()).collect();
        if !flags.is_empty() {
            return Finding::partial(
                0.4,
                format!(
                    "feature flags exist but none targets a percentage of users or an experiment: {}",
                    describe(&flags)
                ),
            )
            .with(cite(&flags));
        }
        if !other.is_empty() {
            return examples_only(&other, "gradual rollout");
        }
        Finding::fail(
            "no gradual rollout or experiment found (looked for flagd `fractional` and `targeting`, Unleash strategies, rollout percentages and GrowthBook or LaunchDarkly experiments)",
        )
    }
}

pub struct ExperimentSignificance;

impl Check for ExperimentSignificance {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.flags.experiment_significance",
            title: "Experiment results are tested for statistical significance",
            source: Source::Repository,
            applies: Applies::Service,
            rationale: "An A/B test decides nothing until the difference between its variants is shown not to be noise: a significance test (or an experimentation platform that computes it) is what makes a feature decision data-driven.",
            remediation: "Run experiments on a platform that analyses them (GrowthBook, Statsig, Optimizely, Eppo), or test the results in the analysis code (`scipy.stats.ttest_ind`, `chi2_contingency`, `statsmodels` `proportions_ztest`) with a sample size from a power analysis.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let tests = signal_seen(repo, &["experiments.significance_test"]);
        if let Some(f) = own_or_examples(&tests, "experiment results are tested for significance")
            .filter(|f| f.status == crate::model::Status::Pass)
        {
            return f;
        }
        let platform = signal_seen(repo, &["experiments.platform"]);
        let (own, _) = own_and_other(&platform);
        if !own.is_empty() {
            return Finding::pass(format!(
                "experiments run on a platform that computes their significance: {}",
                describe(&own)
            ))
            .with(cite(&own));
        }
        let mut others = tests;
        others.extend(platform);
        if let Some(f) = own_or_examples(&others, "significance testing of experiments") {
            return f;
        }
        let (evaluated, declared) = flag_system(repo);
        let flags: Vec<&Seen> = evaluated.iter().chain(&declared).filter(|s| s.own()).collect();
        if !flags.is_empty() {
            return Finding::fail(format!(
                "feature flags exist ({}), but no experiment is analysed for statistical significance",
                describe(&flags)
            ));
        }
        Finding::fail(
            "no experiment analysis found (looked for GrowthBook, Statsig, Optimizely and Eppo experiments, and significance tests such as `ttest_ind`, `chi2_contingency` and `proportions_ztest` in analysis code)",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::service_table as table;

    const LIBRARY: (&str, &str) = ("composer.json", r#"{"type":"library"}"#);

    #[test]
    fn feature_flags() {
        table(
            &FeatureFlagSystem,
            vec![
                (
                    "openfeature sdk evaluated",
                    vec![
                        ("package.json", r#"{"dependencies":{"@openfeature/server-sdk":"1"}}"#),
                        (
                            "src/cart.ts",
                            "const client = OpenFeature.getClient();\nconst on = await client.getBooleanValue('new-cart', false);\n",
                        ),
                    ],
                    Status::Pass,
                ),
                (
                    "dependency only",
                    vec![("composer.json", r#"{"type":"project","require":{"unleash/client":"2"}}"#)],
                    Status::Partial,
                ),
                (
                    "flagd service only",
                    vec![("compose.yaml", "services:\n  flagd:\n    image: ghcr.io/open-feature/flagd:v0.11\n")],
                    Status::Partial,
                ),
                (
                    "cargo features are not flags",
                    vec![
                        (
                            "Cargo.toml",
                            "[package]\nname = \"svc\"\n[dependencies]\naxum = \"0.7\"\n[features]\ndefault = [\"beta\"]\nbeta = []\n",
                        ),
                        ("src/main.rs", "#[cfg(feature = \"beta\")]\nfn beta() {}\n"),
                    ],
                    Status::Fail,
                ),
                ("commented", vec![("src/a.ts", "// OpenFeature.getClient()\n")], Status::Fail),
                ("lockfile only", vec![("yarn.lock", "unleash-client@^5:\n  version \"5.0.0\"\n")], Status::Fail),
                (
                    "a library that evaluates flags is judged like any code",
                    vec![LIBRARY, ("src/a.php", "$unleash = UnleashBuilder::create();\nUnleash\\Client\\x;\n")],
                    Status::Pass,
                ),
            ],
        );
    }

    #[test]
    fn rollout() {
        table(
            &GradualRolloutOrExperiments,
            vec![
                (
                    "flagd fractional",
                    vec![(
                        "flags/demo.flagd.json",
                        "{\n  \"flags\": {\n    \"x\": {\n      \"defaultVariant\": \"off\",\n      \"targeting\": {\n        \"fractional\": [[\"on\", 10], [\"off\", 90]]\n      }\n    }\n  }\n}\n",
                    )],
                    Status::Pass,
                ),
                (
                    "flags without targeting",
                    vec![("flags/demo.flagd.json", "{\"flags\": {\"x\": {\"defaultVariant\": \"off\"}}}\n")],
                    Status::Partial,
                ),
                ("none", vec![], Status::Fail),
            ],
        );
    }

    #[test]
    fn experiment_significance() {
        table(
            &ExperimentSignificance,
            vec![
                (
                    "t-test in analysis code",
                    vec![(
                        "analysis/pricing_ab.py",
                        "from scipy import stats\nt, p = stats.ttest_ind(control, variant)\n",
                    )],
                    Status::Pass,
                ),
                (
                    "growthbook experiment",
                    vec![(
                        "src/pricing.ts",
                        "const { value } = gb.run({ key: 'pricing-test', variations: [0, 1] });\n",
                    )],
                    Status::Pass,
                ),
                ("example notebook only", vec![("examples/ab.py", "t, p = stats.ttest_ind(a, b)\n")], Status::Partial),
                (
                    "flags without experiments",
                    vec![("app/views.py", "if flag_is_active(request, 'beta'):\n    pass\n")],
                    Status::Fail,
                ),
                ("commented", vec![("analysis/ab.py", "# t, p = stats.ttest_ind(a, b)\n")], Status::Fail),
                ("nothing", vec![], Status::Fail),
            ],
        );
    }
}
