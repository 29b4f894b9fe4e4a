//! Domain-driven design (roadmap item 2.1): bounded contexts laid out in layers, the building
//! blocks of a domain model, and whether the dependency rules between layers are enforced.
//!
//! Layout is read from directory names, not from file contents: `src/Catalog/Domain/...` and
//! `src/Catalog/Infrastructure/...` make a layered context, and so do `src/Domain/Catalog/...`
//! with `src/Infrastructure/Catalog/...`. A framework's default MVC layout (`Controller/`,
//! `Entity/`, `Repository/`) is not layering. Building blocks count only inside a domain layer,
//! so a DDD toolkit's own `AggregateRoot` class does not make its users' practice its own.

use super::{dirs, is_source};
use crate::check::{Applies, Check, Context, Meta, Source};
use crate::facts::RepoFacts;
use crate::facts::files::Location;
use crate::facts::manifests::Ecosystem;
use crate::model::{Evidence, Finding};
use crate::repo::support::list;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Layer {
    Domain,
    Application,
    Infrastructure,
    Presentation,
}

impl Layer {
    /// The layer a directory name stands for (any case). Called for every directory segment of
    /// every source file, so it compares in place instead of allocating a lowercase copy.
    fn of(segment: &str) -> Option<Layer> {
        const NAMES: &[(&str, Layer)] = &[
            ("domain", Layer::Domain),
            ("application", Layer::Application),
            ("usecase", Layer::Application),
            ("usecases", Layer::Application),
            ("use_cases", Layer::Application),
            ("use-cases", Layer::Application),
            ("infrastructure", Layer::Infrastructure),
            ("infra", Layer::Infrastructure),
            ("presentation", Layer::Presentation),
            ("userinterface", Layer::Presentation),
            ("user_interface", Layer::Presentation),
        ];
        NAMES.iter().find(|(n, _)| n.eq_ignore_ascii_case(segment)).map(|(_, l)| *l)
    }

    fn label(self) -> &'static str {
        match self {
            Layer::Domain => "domain",
            Layer::Application => "application",
            Layer::Infrastructure => "infrastructure",
            Layer::Presentation => "presentation",
        }
    }
}

/// Sub-folders of a layer that name a technical role rather than a business context.
const TECHNICAL: &[&str] = &[
    "model",
    "models",
    "entity",
    "entities",
    "repository",
    "repositories",
    "service",
    "services",
    "event",
    "events",
    "exception",
    "exceptions",
    "valueobject",
    "valueobjects",
    "command",
    "commands",
    "query",
    "queries",
    "handler",
    "handlers",
    "dto",
    "dtos",
    "persistence",
    "doctrine",
    "orm",
    "http",
    "api",
    "controller",
    "controllers",
    "port",
    "ports",
    "adapter",
    "adapters",
    "config",
    "configuration",
    "messaging",
    "bus",
    "cli",
    "console",
    "form",
    "forms",
    "validator",
    "validation",
    "security",
    "serializer",
    "factory",
    "factories",
    "contract",
    "contracts",
    "aggregate",
    "aggregates",
    "specification",
    "specifications",
    "migrations",
    "mapping",
    "resources",
];

/// One directory that holds layer folders: `src/Catalog` with `Domain/` and `Infrastructure/`.
#[derive(Default)]
struct Unit {
    /// Per layer: the first source file seen, and the sub-folders under the layer with the first
    /// source file seen in each.
    layers: BTreeMap<Layer, (String, BTreeMap<String, String>)>,
}

/// A layered context: its name, its layers and a file of its domain layer.
struct LayeredContext {
    name: String,
    layers: Vec<Layer>,
    domain_file: String,
}

struct Layout {
    contexts: Vec<LayeredContext>,
    /// Domain layers with no other layer beside them.
    domain_only: Vec<String>,
}

fn layout(repo: &RepoFacts) -> Layout {
    let mut units: BTreeMap<String, Unit> = BTreeMap::new();
    for e in repo.files.entries().iter().filter(|e| e.location == Location::Project && is_source(e)) {
        let segs = dirs(&e.path);
        let Some((k, layer)) = segs.iter().enumerate().find_map(|(k, s)| Layer::of(s).map(|l| (k, l))) else {
            continue;
        };
        let unit = units.entry(segs[..k].join("/")).or_default();
        let slot = unit.layers.entry(layer).or_insert_with(|| (e.path.clone(), BTreeMap::new()));
        if let Some(child) = segs.get(k + 1) {
            slot.1.entry(child.to_string()).or_insert_with(|| e.path.clone());
        }
    }
    let mut out = Layout { contexts: Vec::new(), domain_only: Vec::new() };
    for (prefix, unit) in &units {
        let Some((domain_file, domain_children)) = unit.layers.get(&Layer::Domain) else { continue };
        let others: Vec<Layer> = unit.layers.keys().copied().filter(|l| *l != Layer::Domain).collect();
        if others.is_empty() {
            out.domain_only.push(domain_file.clone());
            continue;
        }
        // `src/Domain/Catalog` beside `src/Infrastructure/Catalog`: the contexts are below the layers
        let shared: Vec<(&String, &String)> = domain_children
            .iter()
            .filter(|(c, _)| !TECHNICAL.iter().any(|t| t.eq_ignore_ascii_case(c)))
            .filter(|(c, _)| others.iter().any(|l| unit.layers[l].1.contains_key(*c)))
            .collect();
        if shared.len() >= 2 {
            for (c, file) in shared {
                let layers: Vec<Layer> =
                    unit.layers.iter().filter(|(_, (_, children))| children.contains_key(c)).map(|(l, _)| *l).collect();
                out.contexts.push(LayeredContext { name: c.clone(), layers, domain_file: file.clone() });
            }
        } else {
            let name = if prefix.is_empty() { "(root)".to_string() } else { prefix.clone() };
            let mut layers = vec![Layer::Domain];
            layers.extend(others);
            out.contexts.push(LayeredContext { name, layers, domain_file: domain_file.clone() });
        }
    }
    out
}

/// Directories that hold a framework's MVC folders (`Controller`, `Entity`, `Repository`).
fn mvc_layout(repo: &RepoFacts) -> Option<String> {
    let mut seen: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
    for e in repo.files.entries().iter().filter(|e| e.location == Location::Project && is_source(e)) {
        let segs = dirs(&e.path);
        for (k, s) in segs.iter().enumerate() {
            let role = match s.to_ascii_lowercase().as_str() {
                "controller" | "controllers" => "controllers",
                "entity" | "entities" | "model" | "models" => "entities",
                "repository" | "repositories" => "repositories",
                _ => continue,
            };
            seen.entry(segs[..k].join("/")).or_default().insert(role);
        }
    }
    seen.into_iter().find(|(_, roles)| roles.len() >= 2).map(|(dir, _)| if dir.is_empty() { ".".into() } else { dir })
}

pub struct BoundedContexts;

impl Check for BoundedContexts {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.bounded_contexts",
            title: "Bounded contexts are separated into layers",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Splitting the code into bounded contexts, each with its own domain layer kept apart from application and infrastructure code, keeps business rules readable and lets one part of the business change without rippling through the rest.",
            remediation: "Group code by business context (`src/Catalog`, `src/Ordering`) and, inside each, separate `Domain/` (entities, value objects, domain events), `Application/` (use cases, command handlers) and `Infrastructure/` (Doctrine repositories, HTTP clients).",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let l = layout(cx.repo);
        let evidence: Vec<Evidence> =
            l.contexts.iter().take(6).map(|c| Evidence::file(c.domain_file.clone(), None)).collect();
        let described: Vec<String> = l
            .contexts
            .iter()
            .map(|c| format!("`{}` ({})", c.name, c.layers.iter().map(|l| l.label()).collect::<Vec<_>>().join(", ")))
            .collect();
        if l.contexts.len() >= 2 {
            return Finding::pass(format!(
                "{} bounded contexts have a domain layer beside other layers: {}",
                l.contexts.len(),
                list(&described)
            ))
            .with(evidence);
        }
        if let Some(c) = l.contexts.first() {
            return Finding::partial(
                0.5,
                format!("one layered unit, {}; split it into bounded contexts, each with its own layers", described[0]),
            )
            .with_one(Evidence::file(c.domain_file.clone(), None));
        }
        if let Some(f) = l.domain_only.first() {
            return Finding::partial(
                0.25,
                format!("a domain layer exists (`{f}`) but no application or infrastructure layer beside it"),
            )
            .with_one(Evidence::file(f.clone(), None));
        }
        if let Some(dir) = mvc_layout(cx.repo) {
            return Finding::fail(format!(
                "`{dir}` follows the framework's MVC layout (controllers, entities, repositories side by side) with no domain, application or infrastructure layers"
            ));
        }
        Finding::fail(
            "no layered source directories found (looked for Domain/, Application/ and Infrastructure/ folders holding code)",
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Block {
    Aggregate,
    ValueObject,
    DomainEvent,
    DomainService,
    Repository,
}

impl Block {
    fn label(self) -> &'static str {
        match self {
            Block::Aggregate => "aggregates and entities",
            Block::ValueObject => "value objects",
            Block::DomainEvent => "domain events",
            Block::DomainService => "domain services",
            Block::Repository => "repository interfaces",
        }
    }

    fn of_folder(segment: &str) -> Option<Block> {
        match segment.to_ascii_lowercase().replace(['_', '-'], "").as_str() {
            "aggregate" | "aggregates" | "model" | "models" | "entity" | "entities" => Some(Block::Aggregate),
            "valueobject" | "valueobjects" | "vo" => Some(Block::ValueObject),
            "event" | "events" | "domainevent" | "domainevents" => Some(Block::DomainEvent),
            "service" | "services" | "domainservice" | "domainservices" => Some(Block::DomainService),
            "repository" | "repositories" => Some(Block::Repository),
            _ => None,
        }
    }

    fn of_file(name: &str) -> Option<Block> {
        let stem = name.split('.').next().unwrap_or(name);
        [
            ("Aggregate", Block::Aggregate),
            ("ValueObject", Block::ValueObject),
            ("Event", Block::DomainEvent),
            ("Service", Block::DomainService),
            ("RepositoryInterface", Block::Repository),
            ("Repository", Block::Repository),
        ]
        .into_iter()
        .find(|(suffix, _)| stem.len() > suffix.len() && stem.ends_with(suffix))
        .map(|(_, b)| b)
    }
}

/// Whether the path lies inside a domain layer.
fn in_domain(path: &str) -> bool {
    dirs(path).iter().any(|s| Layer::of(s) == Some(Layer::Domain))
}

pub struct DomainModelBuildingBlocks;

impl Check for DomainModelBuildingBlocks {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.domain_model_building_blocks",
            title: "The domain model uses DDD building blocks",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Aggregates, value objects, domain events and domain services give business rules a home in the domain layer; without them the rules leak into controllers and persistence code.",
            remediation: "Model the domain layer explicitly: aggregates that guard their invariants, immutable value objects (`final readonly class Money`), domain events raised on state changes, domain services for rules that span aggregates, and repository interfaces implemented in infrastructure.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let mut found: BTreeMap<Block, Evidence> = BTreeMap::new();
        let mut domain_files = 0;
        for e in repo.files.entries().iter().filter(|e| e.location == Location::Project && is_source(e)) {
            let segs = dirs(&e.path);
            let Some(k) = segs.iter().position(|s| Layer::of(s) == Some(Layer::Domain)) else { continue };
            domain_files += 1;
            let block = segs[k + 1..].iter().find_map(|s| Block::of_folder(s)).or_else(|| Block::of_file(e.name()));
            if let Some(b) = block {
                found.entry(b).or_insert_with(|| Evidence::file(e.path.clone(), None));
            }
        }
        for (id, block) in [
            ("ddd.aggregate", Block::Aggregate),
            ("ddd.value_object", Block::ValueObject),
            ("ddd.domain_event", Block::DomainEvent),
        ] {
            if let Some(h) = repo.scan.project_hits(id).find(|h| in_domain(&h.path)) {
                found.insert(block, Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()));
            }
        }
        let names: Vec<String> = found.keys().map(|b| b.label().to_string()).collect();
        let evidence: Vec<Evidence> = found.values().cloned().collect();
        match found.len() {
            0 if domain_files == 0 => Finding::fail(
                "no domain layer found, so no aggregates, value objects, domain events or domain services (looked for Domain/ folders holding code)",
            ),
            0 => Finding::fail(format!(
                "the domain layer ({domain_files} source files) shows no aggregates, value objects, domain events, domain services or repository interfaces"
            )),
            1 => Finding::partial(0.4, format!("the domain layer has {} only", names[0])).with(evidence),
            _ => Finding::pass(format!("the domain layer has {}", list(&names))).with(evidence),
        }
    }
}

/// Configuration files of layer-rule tools, by exact file name.
const RULE_FILES: &[(&str, &str)] = &[
    ("deptrac.yaml", "Deptrac"),
    ("deptrac.yml", "Deptrac"),
    ("deptrac.yaml.dist", "Deptrac"),
    ("deptrac.dist.yaml", "Deptrac"),
    ("deptrac.dist.yml", "Deptrac"),
    ("depfile.yaml", "Deptrac"),
    ("depfile.yml", "Deptrac"),
    (".dependency-cruiser.js", "dependency-cruiser"),
    (".dependency-cruiser.cjs", "dependency-cruiser"),
    (".dependency-cruiser.mjs", "dependency-cruiser"),
    (".dependency-cruiser.json", "dependency-cruiser"),
    (".go-arch-lint.yml", "go-arch-lint"),
    (".go-arch-lint.yaml", "go-arch-lint"),
    (".importlinter", "import-linter"),
];

/// Tools whose dependency alone shows intent, not rules.
const RULE_DEPS: &[(Ecosystem, &str, &str)] = &[
    (Ecosystem::Composer, "qossmic/deptrac", "Deptrac"),
    (Ecosystem::Composer, "qossmic/deptrac-shim", "Deptrac"),
    (Ecosystem::Composer, "deptrac/deptrac", "Deptrac"),
    (Ecosystem::Composer, "phpat/phpat", "PHPat"),
    (Ecosystem::Composer, "pestphp/pest-plugin-arch", "Pest arch"),
    (Ecosystem::Npm, "dependency-cruiser", "dependency-cruiser"),
    (Ecosystem::Npm, "eslint-plugin-boundaries", "eslint-plugin-boundaries"),
    (Ecosystem::Npm, "ts-arch", "ts-arch"),
    (Ecosystem::Pypi, "import-linter", "import-linter"),
];

pub struct LayerRulesEnforced;

impl Check for LayerRulesEnforced {
    fn meta(&self) -> &'static Meta {
        &Meta {
            id: "repo.arch.layer_rules_enforced",
            title: "Dependency rules between layers are enforced",
            source: Source::Repository,
            applies: Applies::Always,
            rationale: "Layers erode one convenient import at a time; only a rule that fails the build (Deptrac, ArchUnit, import-linter) keeps the domain free of infrastructure as the code grows.",
            remediation: "Declare the layers and their allowed dependencies in a tool the build runs: `deptrac.yaml` or PHPat tests for PHP, ArchUnit tests for Java and Kotlin, import-linter contracts for Python, dependency-cruiser or eslint-plugin-boundaries for TypeScript, go-arch-lint for Go, or separate crates per layer in a Cargo workspace.",
        }
    }

    fn evaluate(&self, cx: &Context) -> Finding {
        let repo = cx.repo;
        let own = |l: Location| matches!(l, Location::Project | Location::Test);
        let mut rules: Vec<(String, Evidence)> = Vec::new();
        for e in repo.files.entries().iter().filter(|e| own(e.location)) {
            if let Some((_, tool)) = RULE_FILES.iter().find(|(n, _)| *n == e.name()) {
                rules.push((format!("{tool} (`{}`)", e.path), Evidence::file(e.path.clone(), None)));
            }
        }
        for (id, tool) in [
            ("arch.importlinter", "import-linter contracts"),
            ("arch.boundaries", "ESLint module-boundary rules"),
            ("arch.rules_test", "architecture tests"),
        ] {
            if let Some(h) = repo.scan.hits(id).find(|h| own(h.location)) {
                rules.push((
                    format!("{tool} (`{}`)", h.path),
                    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone()),
                ));
            }
        }
        if let Some((names, evidence)) = layered_workspace(repo) {
            rules.push((format!("a Cargo workspace with one crate per layer ({names})"), evidence));
        }
        if !rules.is_empty() {
            let names: Vec<String> = rules.iter().map(|(n, _)| n.clone()).collect();
            return Finding::pass(format!("layer rules are declared in {}", list(&names)))
                .with(rules.into_iter().map(|(_, e)| e));
        }
        let mut declared: Vec<(String, Evidence)> = RULE_DEPS
            .iter()
            .filter_map(|(eco, name, tool)| {
                repo.manifests
                    .has(*eco, name)
                    .map(|d| (format!("{tool} (`{}`)", d.manifest), Evidence::file(d.manifest.clone(), d.line)))
            })
            .collect();
        declared.extend(
            repo.manifests
                .dependencies
                .iter()
                .filter(|d| {
                    matches!(d.ecosystem, Ecosystem::Maven | Ecosystem::Gradle)
                        && d.name.starts_with("com.tngtech.archunit")
                })
                .take(1)
                .map(|d| (format!("ArchUnit (`{}`)", d.manifest), Evidence::file(d.manifest.clone(), d.line))),
        );
        if !declared.is_empty() {
            let names: Vec<String> = declared.iter().map(|(n, _)| n.clone()).collect();
            return Finding::partial(
                0.4,
                format!("{} declared but no rules or architecture tests found", list(&names)),
            )
            .with(declared.into_iter().map(|(_, e)| e));
        }
        Finding::fail(
            "no layer rules found (looked for deptrac.yaml, PHPat and Pest arch tests, ArchUnit, import-linter, dependency-cruiser, eslint-plugin-boundaries, go-arch-lint and per-layer Cargo crates)",
        )
    }
}

/// Cargo crates of a workspace named after layers (`shop-domain`, `crates/infrastructure`): the
/// compiler refuses a dependency that the manifests do not declare, which enforces direction.
fn layered_workspace(repo: &RepoFacts) -> Option<(String, Evidence)> {
    let mut layers: BTreeMap<Layer, &str> = BTreeMap::new();
    for m in repo.manifests.manifests.iter().filter(|m| m.ecosystem == Ecosystem::Cargo && m.path.contains('/')) {
        let dir = dirs(&m.path).last().copied().unwrap_or("");
        let name = m.name.as_deref().unwrap_or(dir);
        let layer = [name, dir].iter().flat_map(|n| n.split(['-', '_'])).find_map(Layer::of);
        if let Some(l) = layer {
            layers.entry(l).or_insert(m.path.as_str());
        }
    }
    if !layers.contains_key(&Layer::Domain) || layers.len() < 2 {
        return None;
    }
    let names: Vec<String> = layers.values().map(|p| format!("`{p}`")).collect();
    Some((list(&names), Evidence::file(layers[&Layer::Domain].to_string(), None)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::repo::testing::evaluate as run;

    #[test]
    fn bounded_contexts() {
        for (name, files, want) in [
            (
                "contexts with layers",
                vec![
                    ("src/Catalog/Domain/Product.php", "<?php"),
                    ("src/Catalog/Infrastructure/DoctrineProductRepository.php", "<?php"),
                    ("src/Ordering/Domain/Order.php", "<?php"),
                    ("src/Ordering/Application/PlaceOrderHandler.php", "<?php"),
                ],
                Status::Pass,
            ),
            (
                "layers on top, contexts below",
                vec![
                    ("src/Domain/Catalog/Product.php", "<?php"),
                    ("src/Domain/Ordering/Order.php", "<?php"),
                    ("src/Domain/Model/Shared.php", "<?php"),
                    ("src/Infrastructure/Catalog/ProductRepo.php", "<?php"),
                    ("src/Infrastructure/Ordering/OrderRepo.php", "<?php"),
                ],
                Status::Pass,
            ),
            (
                "java packages",
                vec![
                    ("src/main/java/com/acme/catalog/domain/Product.java", ""),
                    ("src/main/java/com/acme/catalog/infrastructure/JpaProducts.java", ""),
                    ("src/main/java/com/acme/billing/domain/Invoice.java", ""),
                    ("src/main/java/com/acme/billing/application/Issue.java", ""),
                ],
                Status::Pass,
            ),
            (
                "layer folders without contexts",
                vec![
                    ("src/Domain/Model/Product.php", "<?php"),
                    ("src/Domain/Repository/ProductRepository.php", "<?php"),
                    ("src/Infrastructure/Repository/DoctrineProductRepository.php", "<?php"),
                ],
                Status::Partial,
            ),
            ("domain folder only", vec![("src/Domain/Product.php", "<?php")], Status::Partial),
            (
                "framework MVC layout",
                vec![
                    ("src/Controller/BlogController.php", "<?php"),
                    ("src/Entity/Post.php", "<?php"),
                    ("src/Repository/PostRepository.php", "<?php"),
                ],
                Status::Fail,
            ),
            (
                "terraform infra folder is not a layer",
                vec![("domain/model.go", "package domain"), ("infra/main.tf", "")],
                Status::Partial,
            ),
            (
                "layers in tests and examples only",
                vec![
                    ("tests/Catalog/Domain/ProductTest.php", "<?php"),
                    ("tests/Catalog/Infrastructure/RepoTest.php", "<?php"),
                    ("examples/Shop/Domain/Order.php", "<?php"),
                    ("examples/Shop/Infrastructure/Repo.php", "<?php"),
                ],
                Status::Fail,
            ),
            ("nothing", vec![("src/main.rs", "fn main() {}")], Status::Fail),
        ] {
            let f = run(&BoundedContexts, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
            if want != Status::Fail {
                assert!(!f.evidence.is_empty(), "{name}");
            }
        }
    }

    #[test]
    fn mvc_message_names_the_layout() {
        let f = run(&BoundedContexts, &[("src/Controller/A.php", ""), ("src/Entity/B.php", "")]);
        assert!(f.message.contains("MVC"), "{}", f.message);
    }

    #[test]
    fn building_blocks() {
        for (name, files, want) in [
            (
                "folders and signals",
                vec![
                    ("src/Catalog/Domain/ValueObject/Price.php", "<?php final readonly class Price {}"),
                    ("src/Catalog/Domain/Event/ProductRenamed.php", "<?php"),
                    ("src/Catalog/Domain/Product.php", "<?php class Product extends AggregateRoot {}"),
                ],
                Status::Pass,
            ),
            (
                "model and repository interface",
                vec![("src/Domain/Model/Order.php", "<?php"), ("src/Domain/OrderRepositoryInterface.php", "<?php")],
                Status::Pass,
            ),
            (
                "value objects only",
                vec![("src/domain/money.py", "@dataclass(frozen=True)\nclass Money:\n")],
                Status::Partial,
            ),
            ("domain without blocks", vec![("src/Domain/Helpers.php", "<?php")], Status::Fail),
            (
                "a DDD library's own classes outside a domain layer",
                vec![
                    ("src/AggregateRoot.php", "<?php interface AggregateRoot {}"),
                    ("src/DomainEvent.php", "<?php interface DomainEvent {}"),
                ],
                Status::Fail,
            ),
            (
                "aggregate in a test",
                vec![("tests/Domain/OrderTest.php", "<?php class OrderTest extends AggregateRoot {}")],
                Status::Fail,
            ),
        ] {
            let f = run(&DomainModelBuildingBlocks, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }

    #[test]
    fn layer_rules() {
        for (name, files, want) in [
            ("deptrac", vec![("deptrac.yaml", "deptrac:\n  layers: []\n")], Status::Pass),
            (
                "archunit test",
                vec![("src/test/java/ArchitectureTest.java", "import com.tngtech.archunit.junit.ArchTest;\n")],
                Status::Pass,
            ),
            (
                "import-linter",
                vec![(
                    "pyproject.toml",
                    "[project]\nname = \"shop\"\n\n[tool.importlinter]\nroot_package = \"shop\"\n",
                )],
                Status::Pass,
            ),
            (
                "eslint boundaries",
                vec![(".eslintrc.json", "{\"rules\": {\"boundaries/element-types\": [2, {}]}}")],
                Status::Pass,
            ),
            (
                "cargo layer crates",
                vec![
                    ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n"),
                    ("crates/shop-domain/Cargo.toml", "[package]\nname = \"shop-domain\"\n"),
                    ("crates/shop-infrastructure/Cargo.toml", "[package]\nname = \"shop-infrastructure\"\n"),
                ],
                Status::Pass,
            ),
            (
                "deptrac declared only",
                vec![("composer.json", r#"{"require-dev": {"deptrac/deptrac": "^2.0"}}"#)],
                Status::Partial,
            ),
            (
                "commented contract",
                vec![("pyproject.toml", "[project]\nname = \"x\"\n# [tool.importlinter]\n")],
                Status::Fail,
            ),
            ("fixture deptrac", vec![("tests/fixtures/deptrac.yaml", "deptrac: {}")], Status::Fail),
            (
                "crates without layers",
                vec![
                    ("crates/core/Cargo.toml", "[package]\nname = \"grep-core\"\n"),
                    ("crates/cli/Cargo.toml", "[package]\nname = \"grep-cli\"\n"),
                ],
                Status::Fail,
            ),
            ("nothing", vec![("README.md", "")], Status::Fail),
        ] {
            let f = run(&LayerRulesEnforced, &files);
            assert_eq!(f.status, want, "{name}: {}", f.message);
        }
    }
}
