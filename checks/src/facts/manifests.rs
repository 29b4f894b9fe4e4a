//! Package manifests and their direct dependencies, for composer, npm, Cargo, Python, Go, Maven
//! and Gradle.
//!
//! Only manifests are read for dependencies: a package that appears only in a lockfile is a
//! transitive dependency, not something the project chose to use, so lockfiles are merely listed.
//! Nothing is resolved or built. The members of a Rust workspace, their targets and their
//! dependencies (inherited ones included) come from `cargo metadata --no-deps`, run as
//! [`super::cargo`] describes so that the tree cannot make it run anything; a `Cargo.toml`
//! outside the workspace, and every one when cargo could not be used (the note says why), is
//! parsed as TOML. Manifests in vendored, example and fixture directories are ignored: they
//! describe someone else's project.

use super::Problem;
use super::cargo::{self, Outcome};
use super::files::{FileIndex, Location};
use serde::Serialize;
use serde_json::Value as Json;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum Ecosystem {
    Composer,
    Npm,
    Cargo,
    Pypi,
    Go,
    Maven,
    Gradle,
}

impl Ecosystem {
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Composer => "composer",
            Ecosystem::Npm => "npm",
            Ecosystem::Cargo => "cargo",
            Ecosystem::Pypi => "pypi",
            Ecosystem::Go => "go",
            Ecosystem::Maven => "maven",
            Ecosystem::Gradle => "gradle",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DepKind {
    Normal,
    Dev,
    Build,
    Peer,
    Optional,
    /// A build plugin (Maven `<plugin>`, Gradle `plugins { id(...) }`).
    Plugin,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Dependency {
    pub ecosystem: Ecosystem,
    /// Package name as the ecosystem spells it (`symfony/messenger`, `group:artifact`).
    pub name: String,
    pub kind: DepKind,
    pub manifest: String,
    pub line: Option<u32>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Script {
    pub name: String,
    pub command: String,
    pub line: Option<u32>,
}

/// What a package builds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Lib,
    ProcMacro,
    Bin,
    Example,
    Test,
    Bench,
    BuildScript,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Target {
    pub name: String,
    pub kind: TargetKind,
    /// Its source file relative to the root (`None` when it is not inside the tree).
    pub path: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Manifest {
    pub ecosystem: Ecosystem,
    pub path: String,
    /// The package's own name, when declared.
    pub name: Option<String>,
    /// Declared package type (`composer.json` "type", `package.json` "private" as `private`,
    /// `workspace` for a Cargo workspace without a package of its own).
    pub package_type: Option<String>,
    /// Named scripts (composer and npm `scripts`).
    pub scripts: Vec<Script>,
    /// What the package builds, when the build tool said (Cargo packages read by cargo).
    pub targets: Vec<Target>,
}

impl Manifest {
    fn new(ecosystem: Ecosystem, path: &str, name: Option<String>) -> Manifest {
        Manifest {
            ecosystem,
            path: path.to_string(),
            name,
            package_type: None,
            scripts: Vec::new(),
            targets: Vec::new(),
        }
    }

    /// The names of the binaries it builds.
    pub fn binaries(&self) -> impl Iterator<Item = &str> {
        self.targets.iter().filter(|t| t.kind == TargetKind::Bin).map(|t| t.name.as_str())
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Manifests {
    pub manifests: Vec<Manifest>,
    pub dependencies: Vec<Dependency>,
    pub lockfiles: Vec<String>,
    /// Whether the Cargo workspace was read by `cargo metadata` (else its manifests were parsed
    /// as TOML).
    pub cargo_metadata: bool,
    /// What the reader of the report should know about how manifests were read.
    pub notes: Vec<String>,
}

impl Manifests {
    /// Direct dependencies whose name satisfies `pred`, in one ecosystem.
    pub fn find<'a>(
        &'a self,
        eco: Ecosystem,
        pred: impl Fn(&str) -> bool + 'a,
    ) -> impl Iterator<Item = &'a Dependency> + 'a {
        self.dependencies.iter().filter(move |d| d.ecosystem == eco && pred(&d.name))
    }

    /// A direct dependency with exactly this name.
    pub fn has(&self, eco: Ecosystem, name: &str) -> Option<&Dependency> {
        self.dependencies.iter().find(|d| d.ecosystem == eco && d.name.eq_ignore_ascii_case(name))
    }

    pub fn ecosystems(&self) -> Vec<Ecosystem> {
        let mut v: Vec<Ecosystem> = self.manifests.iter().map(|m| m.ecosystem).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The script named `name` in any manifest of this ecosystem.
    pub fn script(&self, eco: Ecosystem, name: &str) -> Option<(&Manifest, &Script)> {
        self.manifests
            .iter()
            .filter(|m| m.ecosystem == eco)
            .find_map(|m| m.scripts.iter().find(|s| s.name == name).map(|s| (m, s)))
    }
}

const LOCKFILES: &[&str] = &[
    "composer.lock",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lockb",
    "Cargo.lock",
    "poetry.lock",
    "uv.lock",
    "Pipfile.lock",
    "pdm.lock",
    "go.sum",
    "gradle.lockfile",
];

/// Reads every manifest of the project; `by_cargo` is what `cargo metadata` said of the root's
/// workspace, when it was asked.
pub fn collect(files: &FileIndex, by_cargo: Option<&Outcome>, problems: &mut Vec<Problem>) -> Manifests {
    let mut out = Manifests::default();
    let workspace = match by_cargo {
        Some(Outcome::Read(ws)) => Some(ws),
        Some(Outcome::Fallback(why)) => {
            out.notes.push(format!("Cargo.toml was read as TOML, not with `cargo metadata`: {why}"));
            None
        }
        None => None,
    };
    out.cargo_metadata = workspace.is_some();
    let mut from_cargo: Vec<&cargo::Package> = workspace.map(|ws| ws.packages.iter().collect()).unwrap_or_default();
    for (i, entry) in files.entries().iter().enumerate() {
        if matches!(entry.location, Location::Vendored | Location::Example | Location::Fixture) {
            continue;
        }
        let name = entry.name();
        if LOCKFILES.contains(&name) {
            out.lockfiles.push(entry.path.clone());
            continue;
        }
        if name == "Cargo.toml"
            && let Some(ws) = workspace
        {
            if let Some(package) = ws.package(&entry.path) {
                from_cargo.retain(|p| p.manifest != entry.path);
                cargo_package(package, files.text(i), &mut out);
                continue;
            }
            if entry.path == "Cargo.toml" {
                // the workspace's own manifest, without a package: what its members inherit
                // from `[workspace.dependencies]` is in their dependencies
                let mut root = Manifest::new(Ecosystem::Cargo, &entry.path, None);
                root.package_type = Some("workspace".into());
                out.manifests.push(root);
                continue;
            }
        }
        let parser: fn(&str, &str, &mut Manifests) -> Result<(), String> = match name {
            "composer.json" => composer,
            "package.json" => npm,
            "Cargo.toml" => cargo,
            "pyproject.toml" => pyproject,
            "Pipfile" => pipfile,
            "go.mod" => gomod,
            "pom.xml" => maven,
            "build.gradle" | "build.gradle.kts" => gradle,
            n if is_requirements(&entry.path, n) => requirements,
            _ => continue,
        };
        let Some(text) = files.text(i) else { continue };
        // `pip-compile` output pins the whole dependency tree: it is a lockfile
        if is_requirements(&entry.path, name)
            && (text.contains("# via ") || text.contains("autogenerated by pip-compile"))
        {
            out.lockfiles.push(entry.path.clone());
            continue;
        }
        if let Err(message) = parser(&entry.path, text, &mut out) {
            problems.push(Problem { path: entry.path.clone(), line: None, message });
        }
    }
    // members the walk did not list (behind a link inside the tree, or ignored by git)
    for package in from_cargo {
        if !matches!(Location::of(&package.manifest), Location::Vendored | Location::Example | Location::Fixture) {
            cargo_package(package, None, &mut out);
        }
    }
    out
}

/// A workspace member as cargo described it; `text` (its manifest) gives the lines.
fn cargo_package(package: &cargo::Package, text: Option<&str>, out: &mut Manifests) {
    let keys = KeyLines::new(text.unwrap_or(""));
    for dep in &package.dependencies {
        out.dependencies.push(Dependency {
            ecosystem: Ecosystem::Cargo,
            name: dep.name.clone(),
            kind: dep.kind,
            manifest: package.manifest.clone(),
            line: keys.line(&dep.key).or_else(|| keys.line(&dep.name)),
        });
    }
    let mut manifest = Manifest::new(Ecosystem::Cargo, &package.manifest, Some(package.name.clone()));
    manifest.targets = package.targets.clone();
    out.manifests.push(manifest);
}

fn is_requirements(path: &str, name: &str) -> bool {
    (name.starts_with("requirements") && name.ends_with(".txt"))
        || (path.contains("requirements/") && name.ends_with(".txt"))
}

fn push_dep(out: &mut Manifests, eco: Ecosystem, name: &str, kind: DepKind, path: &str, keys: &KeyLines) {
    out.dependencies.push(Dependency {
        ecosystem: eco,
        name: name.to_string(),
        kind,
        manifest: path.to_string(),
        line: keys.line(name),
    });
}

/// The lines where the keys of one manifest appear, indexed in one pass: `"name"` in JSON (and
/// the name at the start of a quoted requirement, `"requests>=2"`), `name =` / `name.` at the
/// start of a TOML line. A manifest with thousands of dependencies is not rescanned for each.
struct KeyLines<'a> {
    quoted: HashMap<&'a str, u32>,
    leading: HashMap<&'a str, u32>,
}

impl<'a> KeyLines<'a> {
    fn new(text: &'a str) -> KeyLines<'a> {
        let mut quoted = HashMap::new();
        let mut leading = HashMap::new();
        for (n, line) in text.lines().enumerate() {
            let n = n as u32 + 1;
            let t = line.trim_start();
            let end = t.find([' ', '=', '.', '\t']).unwrap_or(t.len());
            if let Some(word) = t.get(..end).filter(|w| !w.is_empty() && end < t.len()) {
                leading.entry(word).or_insert(n);
            }
            let mut rest = line;
            while let Some(open) = rest.find('"') {
                let after = rest.get(open + 1..).unwrap_or("");
                let Some(close) = after.find('"') else { break };
                let inside = after.get(..close).unwrap_or("");
                quoted.entry(inside).or_insert(n);
                if let Some(name) = pep508_name(inside).filter(|name| name.len() < inside.len()) {
                    quoted.entry(name).or_insert(n);
                }
                rest = after.get(close + 1..).unwrap_or("");
            }
        }
        KeyLines { quoted, leading }
    }

    fn line(&self, name: &str) -> Option<u32> {
        self.quoted.get(name).or_else(|| self.leading.get(name)).copied()
    }
}

fn json_scripts(doc: &Json, keys: &KeyLines) -> Vec<Script> {
    let Some(map) = doc.get("scripts").and_then(Json::as_object) else {
        return Vec::new();
    };
    map.iter()
        .filter_map(|(name, v)| {
            let command = match v {
                Json::String(s) => s.clone(),
                Json::Array(items) => items.iter().filter_map(Json::as_str).collect::<Vec<_>>().join(" && "),
                _ => return None,
            };
            Some(Script { name: name.clone(), command, line: keys.quoted.get(name.as_str()).copied() })
        })
        .collect()
}

fn composer(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let keys = KeyLines::new(text);
    for (key, kind) in [("require", DepKind::Normal), ("require-dev", DepKind::Dev)] {
        if let Some(map) = doc.get(key).and_then(Json::as_object) {
            for name in map.keys() {
                // platform requirements (php, ext-*) are not packages
                if name == "php" || name.starts_with("ext-") || name.starts_with("lib-") || !name.contains('/') {
                    continue;
                }
                push_dep(out, Ecosystem::Composer, name, kind, path, &keys);
            }
        }
    }
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Composer,
        path: path.to_string(),
        name: doc.get("name").and_then(Json::as_str).map(str::to_string),
        package_type: doc.get("type").and_then(Json::as_str).map(str::to_string),
        scripts: json_scripts(&doc, &keys),
        targets: Vec::new(),
    });
    Ok(())
}

fn npm(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc: Json = serde_json::from_str(text).map_err(|e| format!("invalid JSON: {e}"))?;
    let keys = KeyLines::new(text);
    for (key, kind) in [
        ("dependencies", DepKind::Normal),
        ("devDependencies", DepKind::Dev),
        ("peerDependencies", DepKind::Peer),
        ("optionalDependencies", DepKind::Optional),
    ] {
        if let Some(map) = doc.get(key).and_then(Json::as_object) {
            for name in map.keys() {
                push_dep(out, Ecosystem::Npm, name, kind, path, &keys);
            }
        }
    }
    let private = doc.get("private").and_then(Json::as_bool) == Some(true);
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Npm,
        path: path.to_string(),
        name: doc.get("name").and_then(Json::as_str).map(str::to_string),
        package_type: private.then(|| "private".to_string()),
        scripts: json_scripts(&doc, &keys),
        targets: Vec::new(),
    });
    Ok(())
}

fn parse_toml(text: &str) -> Result<toml::Table, String> {
    text.parse::<toml::Table>().map_err(|e| format!("invalid TOML: {}", e.message()))
}

fn cargo(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc = parse_toml(text)?;
    let keys = KeyLines::new(text);
    fn deps(table: Option<&toml::Value>, kind: DepKind, path: &str, keys: &KeyLines, out: &mut Manifests) {
        let Some(map) = table.and_then(toml::Value::as_table) else {
            return;
        };
        for (key, spec) in map {
            // `alias = { package = "real-name", ... }`
            let name = spec.get("package").and_then(toml::Value::as_str).unwrap_or(key);
            // behind a feature, as cargo reports it
            let optional = spec.get("optional").and_then(toml::Value::as_bool) == Some(true);
            let kind = if optional && kind != DepKind::Dev { DepKind::Optional } else { kind };
            push_dep(out, Ecosystem::Cargo, name, kind, path, keys);
        }
    }
    let sections =
        [("dependencies", DepKind::Normal), ("dev-dependencies", DepKind::Dev), ("build-dependencies", DepKind::Build)];
    for (key, kind) in sections {
        deps(doc.get(key), kind, path, &keys, out);
    }
    if let Some(ws) = doc.get("workspace") {
        deps(ws.get("dependencies"), DepKind::Normal, path, &keys, out);
    }
    if let Some(targets) = doc.get("target").and_then(toml::Value::as_table) {
        for target in targets.values() {
            for (key, kind) in sections {
                deps(target.get(key), kind, path, &keys, out);
            }
        }
    }
    let package = doc.get("package");
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Cargo,
        path: path.to_string(),
        name: package.and_then(|p| p.get("name")).and_then(toml::Value::as_str).map(str::to_string),
        package_type: if package.is_none() && doc.contains_key("workspace") { Some("workspace".into()) } else { None },
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

/// The distribution name of a PEP 508 requirement (`requests[socks]>=2; python_version>"3"`).
pub fn pep508_name(req: &str) -> Option<&str> {
    let req = req.trim();
    let end = req.find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_' || c == '.')).unwrap_or(req.len());
    let name = req.get(..end).unwrap_or("");
    (!name.is_empty()).then_some(name)
}

fn is_dev_group(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    ["dev", "test", "tests", "testing", "lint", "docs", "typing", "ci", "qa"]
        .iter()
        .any(|g| n == *g || n.starts_with(g))
}

fn pyproject(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc = parse_toml(text)?;
    let keys = KeyLines::new(text);
    let strings = |v: Option<&toml::Value>| -> Vec<String> {
        v.and_then(toml::Value::as_array)
            .map(|a| a.iter().filter_map(toml::Value::as_str).map(str::to_string).collect())
            .unwrap_or_default()
    };
    let project = doc.get("project");
    for req in strings(project.and_then(|p| p.get("dependencies"))) {
        if let Some(n) = pep508_name(&req) {
            push_dep(out, Ecosystem::Pypi, n, DepKind::Normal, path, &keys);
        }
    }
    if let Some(groups) = project.and_then(|p| p.get("optional-dependencies")).and_then(toml::Value::as_table) {
        for (group, reqs) in groups {
            let kind = if is_dev_group(group) { DepKind::Dev } else { DepKind::Optional };
            for req in strings(Some(reqs)) {
                if let Some(n) = pep508_name(&req) {
                    push_dep(out, Ecosystem::Pypi, n, kind, path, &keys);
                }
            }
        }
    }
    if let Some(groups) = doc.get("dependency-groups").and_then(toml::Value::as_table) {
        for reqs in groups.values() {
            for req in strings(Some(reqs)) {
                if let Some(n) = pep508_name(&req) {
                    push_dep(out, Ecosystem::Pypi, n, DepKind::Dev, path, &keys);
                }
            }
        }
    }
    let poetry = doc.get("tool").and_then(|t| t.get("poetry"));
    let mut poetry_deps = |table: Option<&toml::Value>, kind: DepKind| {
        if let Some(map) = table.and_then(toml::Value::as_table) {
            for name in map.keys().filter(|k| *k != "python") {
                push_dep(out, Ecosystem::Pypi, name, kind, path, &keys);
            }
        }
    };
    poetry_deps(poetry.and_then(|p| p.get("dependencies")), DepKind::Normal);
    poetry_deps(poetry.and_then(|p| p.get("dev-dependencies")), DepKind::Dev);
    if let Some(groups) = poetry.and_then(|p| p.get("group")).and_then(toml::Value::as_table) {
        for group in groups.values() {
            poetry_deps(group.get("dependencies"), DepKind::Dev);
        }
    }
    let name = project
        .and_then(|p| p.get("name"))
        .or_else(|| poetry.and_then(|p| p.get("name")))
        .and_then(toml::Value::as_str)
        .map(str::to_string);
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Pypi,
        path: path.to_string(),
        name,
        package_type: None,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

fn pipfile(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc = parse_toml(text)?;
    let keys = KeyLines::new(text);
    for (key, kind) in [("packages", DepKind::Normal), ("dev-packages", DepKind::Dev)] {
        if let Some(map) = doc.get(key).and_then(toml::Value::as_table) {
            for name in map.keys() {
                push_dep(out, Ecosystem::Pypi, name, kind, path, &keys);
            }
        }
    }
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Pypi,
        path: path.to_string(),
        name: None,
        package_type: None,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

fn requirements(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let kind = if name.contains("dev") || name.contains("test") || name.contains("lint") {
        DepKind::Dev
    } else {
        DepKind::Normal
    };
    for (n, line) in text.lines().enumerate() {
        let line = line.split(" #").next().unwrap_or("").trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with('-') || line.contains("://") {
            continue;
        }
        if let Some(dep) = pep508_name(line) {
            out.dependencies.push(Dependency {
                ecosystem: Ecosystem::Pypi,
                name: dep.to_string(),
                kind,
                manifest: path.to_string(),
                line: Some(n as u32 + 1),
            });
        }
    }
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Pypi,
        path: path.to_string(),
        name: None,
        package_type: None,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

fn gomod(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let mut module = None;
    let mut in_block = false;
    for (n, raw) in text.lines().enumerate() {
        let (code, comment) = raw.split_once("//").map(|(c, m)| (c, Some(m))).unwrap_or((raw, None));
        let line = code.trim();
        if let Some(m) = line.strip_prefix("module ") {
            module = Some(m.trim().trim_matches('"').to_string());
        }
        let spec = if in_block {
            if line.starts_with(')') {
                in_block = false;
                continue;
            }
            line
        } else if let Some(rest) = line.strip_prefix("require") {
            let rest = rest.trim();
            if rest.starts_with('(') {
                in_block = true;
                continue;
            }
            rest
        } else {
            continue;
        };
        let indirect = comment.is_some_and(|c| c.trim() == "indirect");
        if let Some(name) = spec.split_whitespace().next().filter(|_| !indirect) {
            out.dependencies.push(Dependency {
                ecosystem: Ecosystem::Go,
                name: name.to_string(),
                kind: DepKind::Normal,
                manifest: path.to_string(),
                line: Some(n as u32 + 1),
            });
        }
    }
    if module.is_none() {
        return Err("no `module` directive".into());
    }
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Go,
        path: path.to_string(),
        name: module,
        package_type: None,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

fn maven(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    let doc = super::xml::parse(text).map_err(|e| format!("invalid XML: {e}"))?;
    let lines = crate::text::LineIndex::new(text);
    let root = doc.root_element();
    let child_text = |n: roxmltree::Node, name: &str| -> Option<String> {
        n.children().find(|c| c.has_tag_name(name)).and_then(|c| c.text()).map(|t| t.trim().to_string())
    };
    for node in root.descendants() {
        let is_dep = node.has_tag_name("dependency")
            && node.parent().is_some_and(|p| p.has_tag_name("dependencies"))
            // managed versions are not uses
            && !node.ancestors().any(|a| a.has_tag_name("dependencyManagement"));
        let is_plugin = node.has_tag_name("plugin") && !node.ancestors().any(|a| a.has_tag_name("pluginManagement"));
        if !(is_dep || is_plugin) {
            continue;
        }
        let Some(artifact) = child_text(node, "artifactId") else {
            continue;
        };
        let group = child_text(node, "groupId").unwrap_or_else(|| "org.apache.maven.plugins".into());
        let kind = if is_plugin {
            DepKind::Plugin
        } else if child_text(node, "scope").as_deref() == Some("test") {
            DepKind::Dev
        } else {
            DepKind::Normal
        };
        let line = lines.line(node.range().start);
        out.dependencies.push(Dependency {
            ecosystem: Ecosystem::Maven,
            name: format!("{group}:{artifact}"),
            kind,
            manifest: path.to_string(),
            line: Some(line),
        });
    }
    let name = match (child_text(root, "groupId"), child_text(root, "artifactId")) {
        (Some(g), Some(a)) => Some(format!("{g}:{a}")),
        (None, Some(a)) => Some(a),
        _ => None,
    };
    let packaging = child_text(root, "packaging");
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Maven,
        path: path.to_string(),
        name,
        package_type: packaging,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

/// Gradle build scripts are programs; we only read the common declarative lines:
/// `id("plugin")` / `id 'plugin'` and `configuration("group:artifact:version")`.
fn gradle(path: &str, text: &str, out: &mut Manifests) -> Result<(), String> {
    use std::sync::LazyLock;
    static PLUGIN: LazyLock<regex::Regex> =
        LazyLock::new(|| regex::Regex::new(r#"^\s*id\s*\(?\s*["']([A-Za-z0-9_.\-]+)["']"#).unwrap());
    static DEP: LazyLock<regex::Regex> = LazyLock::new(|| {
        regex::Regex::new(r#"^\s*(implementation|api|compileOnly|runtimeOnly|testImplementation|testRuntimeOnly|testCompileOnly|annotationProcessor)\s*\(?\s*["']([A-Za-z0-9_.\-]+):([A-Za-z0-9_.\-]+)"#).unwrap()
    });
    let mut block_comment = false;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if block_comment {
            block_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("/*") {
            block_comment = !t.contains("*/");
            continue;
        }
        if t.starts_with("//") {
            continue;
        }
        let (name, kind) = if let Some(c) = PLUGIN.captures(line) {
            (c[1].to_string(), DepKind::Plugin)
        } else if let Some(c) = DEP.captures(line) {
            let kind = if c[1].starts_with("test") { DepKind::Dev } else { DepKind::Normal };
            (format!("{}:{}", &c[2], &c[3]), kind)
        } else {
            continue;
        };
        out.dependencies.push(Dependency {
            ecosystem: Ecosystem::Gradle,
            name,
            kind,
            manifest: path.to_string(),
            line: Some(n as u32 + 1),
        });
    }
    out.manifests.push(Manifest {
        ecosystem: Ecosystem::Gradle,
        path: path.to_string(),
        name: None,
        package_type: None,
        scripts: Vec::new(),
        targets: Vec::new(),
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn collect_from(files: &[(&str, &str)]) -> (Manifests, Vec<Problem>) {
        let idx = FileIndex::from_memory(files);
        let mut problems = Vec::new();
        (collect(&idx, None, &mut problems), problems)
    }

    fn names(m: &Manifests, eco: Ecosystem) -> Vec<(String, DepKind)> {
        m.dependencies.iter().filter(|d| d.ecosystem == eco).map(|d| (d.name.clone(), d.kind)).collect()
    }

    #[test]
    fn composer_skips_platform_requirements() {
        let (m, _) = collect_from(&[(
            "composer.json",
            r#"{"name":"acme/shop","type":"project","require":{"php":">=8.2","ext-json":"*","symfony/messenger":"^7"},"require-dev":{"phpunit/phpunit":"^11"},"scripts":{"test":["@phpstan","phpunit"]}}"#,
        )]);
        assert_eq!(
            names(&m, Ecosystem::Composer),
            vec![("symfony/messenger".into(), DepKind::Normal), ("phpunit/phpunit".into(), DepKind::Dev)]
        );
        assert_eq!(m.manifests[0].package_type.as_deref(), Some("project"));
        assert_eq!(m.script(Ecosystem::Composer, "test").unwrap().1.command, "@phpstan && phpunit");
    }

    #[test]
    fn npm_cargo_python_go_maven_gradle() {
        let (m, problems) = collect_from(&[
            (
                "package.json",
                r#"{"name":"web","private":true,"dependencies":{"@opentelemetry/api":"1"},"devDependencies":{"jest":"29"},"scripts":{"test":"jest --coverage"}}"#,
            ),
            (
                "Cargo.toml",
                "[package]\nname = \"x\"\n[dependencies]\nserde = \"1\"\nmy-otel = { package = \"opentelemetry\", version = \"0.2\" }\n[dev-dependencies]\nproptest = \"1\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n",
            ),
            (
                "pyproject.toml",
                "[project]\nname = \"svc\"\ndependencies = [\"fastapi>=0.1\", \"opentelemetry-sdk[otlp]; python_version>'3.8'\"]\n[project.optional-dependencies]\ntest = [\"pytest\", \"hypothesis\"]\n",
            ),
            ("requirements-dev.txt", "# tools\nmypy==1.0\n-r requirements.txt\n"),
            (
                "go.mod",
                "module example.com/svc\n\ngo 1.22\n\nrequire (\n\tgo.opentelemetry.io/otel v1.2.0\n\tgolang.org/x/sys v0.1.0 // indirect\n)\nrequire github.com/stretchr/testify v1.9.0\n",
            ),
            (
                "pom.xml",
                "<project><groupId>g</groupId><artifactId>a</artifactId><dependencies><dependency><groupId>org.junit</groupId><artifactId>junit</artifactId><scope>test</scope></dependency></dependencies><build><plugins><plugin><groupId>org.jacoco</groupId><artifactId>jacoco-maven-plugin</artifactId></plugin></plugins></build><dependencyManagement><dependencies><dependency><groupId>x</groupId><artifactId>managed</artifactId></dependency></dependencies></dependencyManagement></project>",
            ),
            (
                "build.gradle.kts",
                "plugins {\n    id(\"info.solidsoft.pitest\")\n}\n// testImplementation(\"commented:out:1\")\ndependencies {\n    testImplementation(\"net.jqwik:jqwik:1.8\")\n}\n",
            ),
            ("vendor/acme/lib/composer.json", r#"{"require":{"evil/pkg":"1"}}"#),
            ("composer.lock", "{}"),
        ]);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            names(&m, Ecosystem::Npm),
            vec![("@opentelemetry/api".into(), DepKind::Normal), ("jest".into(), DepKind::Dev)]
        );
        assert_eq!(
            names(&m, Ecosystem::Cargo),
            vec![
                ("opentelemetry".into(), DepKind::Normal),
                ("serde".into(), DepKind::Normal),
                ("proptest".into(), DepKind::Dev),
                ("libc".into(), DepKind::Normal)
            ]
        );
        assert_eq!(
            names(&m, Ecosystem::Pypi),
            vec![
                ("fastapi".into(), DepKind::Normal),
                ("opentelemetry-sdk".into(), DepKind::Normal),
                ("pytest".into(), DepKind::Dev),
                ("hypothesis".into(), DepKind::Dev),
                ("mypy".into(), DepKind::Dev)
            ]
        );
        assert_eq!(
            names(&m, Ecosystem::Go),
            vec![
                ("go.opentelemetry.io/otel".into(), DepKind::Normal),
                ("github.com/stretchr/testify".into(), DepKind::Normal)
            ]
        );
        assert_eq!(
            names(&m, Ecosystem::Maven),
            vec![("org.junit:junit".into(), DepKind::Dev), ("org.jacoco:jacoco-maven-plugin".into(), DepKind::Plugin)]
        );
        assert_eq!(
            names(&m, Ecosystem::Gradle),
            vec![("info.solidsoft.pitest".into(), DepKind::Plugin), ("net.jqwik:jqwik".into(), DepKind::Dev)]
        );
        assert!(m.has(Ecosystem::Composer, "evil/pkg").is_none(), "vendored manifests are not the project's");
        assert_eq!(m.lockfiles, vec!["composer.lock"]);
        assert_eq!(m.has(Ecosystem::Npm, "jest").unwrap().line, Some(1));
        assert_eq!(m.has(Ecosystem::Go, "github.com/stretchr/testify").unwrap().line, Some(9));
    }

    #[test]
    fn broken_manifests_are_problems_not_panics() {
        let (m, problems) = collect_from(&[
            ("composer.json", "{ not json"),
            ("Cargo.toml", "[package\nname="),
            ("pom.xml", "<project><dependencies>"),
            ("go.mod", "require x v1\n"),
        ]);
        assert!(m.dependencies.is_empty() || m.dependencies.iter().all(|d| d.ecosystem == Ecosystem::Go));
        let paths: Vec<&str> = problems.iter().map(|p| p.path.as_str()).collect();
        assert_eq!(paths, vec!["Cargo.toml", "composer.json", "go.mod", "pom.xml"]);
    }

    #[test]
    fn pep508_names() {
        for (req, want) in
            [("requests[socks]>=2", Some("requests")), ("Django==5; python_version>'3'", Some("Django")), (">=1", None)]
        {
            assert_eq!(pep508_name(req), want, "{req}");
        }
    }
}
