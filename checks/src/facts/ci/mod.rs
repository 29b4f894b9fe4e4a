//! CI pipelines of five systems, parsed into one model: pipelines, triggers, jobs and steps.
//!
//! Each system has its own parser (GitHub Actions, GitLab CI, CircleCI, Azure Pipelines,
//! Jenkinsfile); they all produce [`Pipeline`]s so that checks ask one question of one model
//! ("does a job that runs on pull requests have a test step?"). Local indirections are followed
//! because real pipelines hide their commands behind them: reusable workflows and composite actions,
//! GitLab `include: local` and `extends`, Azure templates, and the scripts a step calls (`make
//! test`, `composer test`, `npm run ci`, `./scripts/ci.sh`) are expanded, all from the file index,
//! never outside the tree. Remote includes cannot be read and are listed as unresolved.
//!
//! What a step *means* (a test run, a security scan, a deployment) is judgement and lives in
//! `repo::tools`, not here.

mod azure;
mod circleci;
mod github;
mod gitlab;
mod jenkins;

use super::Problem;
use super::files::FileIndex;
use super::manifests::{Ecosystem, Manifests};
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CiSystem {
    GithubActions,
    GitlabCi,
    Circleci,
    AzurePipelines,
    Jenkins,
}

impl CiSystem {
    pub fn label(self) -> &'static str {
        match self {
            CiSystem::GithubActions => "GitHub Actions",
            CiSystem::GitlabCi => "GitLab CI",
            CiSystem::Circleci => "CircleCI",
            CiSystem::AzurePipelines => "Azure Pipelines",
            CiSystem::Jenkins => "Jenkins",
        }
    }
}

/// Whether a pipeline runs for pull (merge) requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum PrTrigger {
    /// Declared in the file (`on: pull_request`, `merge_request_event`, `pr:` ...).
    Explicit { line: u32 },
    /// Not declared, but the system builds every pushed branch by default, including the
    /// branches of pull requests; the reason names that default.
    Implicit { reason: String },
    /// The pipeline does not run for pull requests.
    No,
}

impl PrTrigger {
    pub fn runs(&self) -> bool {
        !matches!(self, PrTrigger::No)
    }
}

/// A command a step runs after following a script indirection (`make test` → its recipe).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Expansion {
    pub path: String,
    pub line: Option<u32>,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// File holding the step (a template or composite action may differ from the pipeline's).
    pub path: String,
    pub line: u32,
    pub name: Option<String>,
    /// Action, orb, task or template reference (`actions/checkout@v4`, `task:Maven@4`, `template:Security/SAST.gitlab-ci.yml`).
    pub uses: Option<String>,
    /// Shell commands, with comment lines removed.
    pub run: Option<String>,
    /// Inputs given to `uses` (`with:` / `inputs:`), as `key=value`.
    pub inputs: Vec<String>,
    pub expanded: Vec<Expansion>,
}

impl Step {
    pub(crate) fn new(path: &str, line: u32) -> Self {
        Step {
            path: path.to_string(),
            line,
            name: None,
            uses: None,
            run: None,
            inputs: Vec::new(),
            expanded: Vec::new(),
        }
    }

    /// Everything a step says it does, as text for matching: reference, inputs, commands and
    /// the commands they expand to.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        self.uses
            .as_deref()
            .into_iter()
            .chain(self.run.as_deref())
            .chain(self.inputs.iter().map(String::as_str))
            .chain(self.expanded.iter().map(|e| e.text.as_str()))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Job {
    pub id: String,
    pub name: Option<String>,
    pub path: String,
    pub line: u32,
    pub stage: Option<String>,
    /// Deployment environment the job targets (`environment:` in GitHub, GitLab and Azure).
    pub environment: Option<String>,
    /// Whether this job runs when the pipeline runs for a pull request (job-level conditions).
    pub on_pr: bool,
    /// Whether the job waits for a person (`when: manual`, `workflow_dispatch` only, `input`).
    pub manual: bool,
    pub steps: Vec<Step>,
}

impl Job {
    pub(crate) fn new(id: &str, path: &str, line: u32) -> Self {
        Job {
            id: id.to_string(),
            name: None,
            path: path.to_string(),
            line,
            stage: None,
            environment: None,
            on_pr: true,
            manual: false,
            steps: Vec::new(),
        }
    }

    pub fn label(&self) -> &str {
        self.name.as_deref().unwrap_or(&self.id)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Pipeline {
    pub system: CiSystem,
    pub path: String,
    pub name: Option<String>,
    pub pr: PrTrigger,
    pub push: bool,
    pub scheduled: bool,
    pub jobs: Vec<Job>,
}

impl Pipeline {
    pub(crate) fn new(system: CiSystem, path: &str) -> Self {
        Pipeline {
            system,
            path: path.to_string(),
            name: None,
            pr: PrTrigger::No,
            push: false,
            scheduled: false,
            jobs: Vec::new(),
        }
    }

    /// Jobs that run for pull requests.
    pub fn pr_jobs(&self) -> impl Iterator<Item = &Job> {
        let runs = self.pr.runs();
        self.jobs.iter().filter(move |j| runs && j.on_pr)
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct CiFacts {
    pub pipelines: Vec<Pipeline>,
    /// References that could not be read (remote includes, other repositories' templates).
    pub unresolved: Vec<String>,
}

impl CiFacts {
    pub fn systems(&self) -> Vec<CiSystem> {
        let mut v: Vec<CiSystem> = Vec::new();
        for p in &self.pipelines {
            if !v.contains(&p.system) {
                v.push(p.system);
            }
        }
        v
    }

    /// Every job of every pipeline with its pipeline.
    pub fn jobs(&self) -> impl Iterator<Item = (&Pipeline, &Job)> {
        self.pipelines.iter().flat_map(|p| p.jobs.iter().map(move |j| (p, j)))
    }
}

/// Jobs, steps and included files one pipeline may expand to: a budget on fan-out (a workflow that
/// calls itself, templates that include each other many times), whatever the depth.
pub const MAX_RESOLUTION_WORK: usize = 20_000;

/// Bytes the script indirections of one step may expand to, and of all steps together.
const MAX_EXPANSION_BYTES: usize = 256 * 1024;
const MAX_TOTAL_EXPANSION_BYTES: usize = 16 * 1024 * 1024;

/// Reads the pipelines of every supported CI system.
pub fn collect(files: &FileIndex, manifests: &Manifests, problems: &mut Vec<Problem>) -> CiFacts {
    let mut ci = CiFacts::default();
    let mut cx = Cx { files, problems, unresolved: &mut ci.unresolved, resolution: Resolution::default() };
    github::collect(&mut cx, &mut ci.pipelines);
    gitlab::collect(&mut cx, &mut ci.pipelines);
    circleci::collect(&mut cx, &mut ci.pipelines);
    azure::collect(&mut cx, &mut ci.pipelines);
    jenkins::collect(&mut cx, &mut ci.pipelines);
    let mut total = MAX_TOTAL_EXPANSION_BYTES;
    let mut cache = Scripts::default();
    for pipeline in &mut ci.pipelines {
        for job in &mut pipeline.jobs {
            for step in &mut job.steps {
                if let Some(run) = step.run.clone() {
                    let mut budget = MAX_EXPANSION_BYTES.min(total);
                    let before = budget;
                    step.expanded = expand(files, manifests, &run, 0, &mut budget, &mut cache);
                    total -= before - budget;
                }
            }
        }
    }
    ci
}

/// What parsers share: the index, where to report problems and unresolved references, and the
/// resolution of the pipeline being read.
pub(crate) struct Cx<'a> {
    pub files: &'a FileIndex,
    pub problems: &'a mut Vec<Problem>,
    pub unresolved: &'a mut Vec<String>,
    pub resolution: Resolution,
}

/// One pipeline's resolution: the files it included (each at most once, which also ends cycles)
/// and the work it did against [`MAX_RESOLUTION_WORK`].
#[derive(Default)]
pub(crate) struct Resolution {
    root: String,
    included: std::collections::HashSet<String>,
    work: usize,
    exhausted: bool,
}

impl Cx<'_> {
    /// Starts the resolution of the pipeline defined by `root`.
    pub fn begin(&mut self, root: &str) {
        self.resolution = Resolution { root: root.to_string(), ..Resolution::default() };
        self.resolution.included.insert(root.to_string());
    }

    /// Whether `path` may be included now: not yet included in this resolution, and work left.
    pub fn include(&mut self, path: &str) -> bool {
        !self.resolution.included.contains(path) && self.spend(1) && self.resolution.included.insert(path.to_string())
    }

    /// Whether `path` was included in this resolution.
    pub fn included(&self, path: &str) -> bool {
        self.resolution.included.contains(path)
    }

    /// Counts `n` units of work; `false` once the budget is spent (reported once as a problem).
    pub fn spend(&mut self, n: usize) -> bool {
        self.resolution.work += n;
        if self.resolution.work <= MAX_RESOLUTION_WORK {
            return true;
        }
        if !self.resolution.exhausted {
            self.resolution.exhausted = true;
            self.problems.push(Problem {
                path: self.resolution.root.clone(),
                line: None,
                message: format!(
                    "the pipeline expands to more than {MAX_RESOLUTION_WORK} jobs, steps and included files; the rest was not read"
                ),
            });
        }
        false
    }

    /// Parses a YAML file of the index, reporting syntax errors as problems.
    pub fn yaml(&mut self, i: usize) -> Option<&super::yaml::Node> {
        let path = self.files.entry(i).path.clone();
        match self.files.yaml(i)? {
            Ok(docs) => docs.first(),
            Err(e) => {
                self.problems.push(Problem::yaml(path, e));
                None
            }
        }
    }

    pub fn yaml_at(&mut self, path: &str) -> Option<&super::yaml::Node> {
        let i = self.files.find(path)?;
        self.yaml(i)
    }
}

/// Joins a relative reference to the directory of `from` and normalises `.` and `..`; `None` if
/// the result would leave the repository.
pub(crate) fn resolve_path(from_dir: &str, reference: &str) -> Option<String> {
    let reference = reference.trim();
    let mut parts: Vec<&str> =
        if reference.starts_with('/') || from_dir.is_empty() { Vec::new() } else { from_dir.split('/').collect() };
    for seg in reference.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// Removes shell comment lines and blank lines from a script.
pub(crate) fn clean_script(text: &str) -> String {
    text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect::<Vec<_>>().join("\n")
}

/// What following script indirections has already found: the expansion of each command, and
/// each Makefile's targets. A pipeline that calls `make test` on a thousand lines, or a thousand
/// targets of one Makefile, reads the Makefile once.
#[derive(Default)]
struct Scripts<'a> {
    commands: std::collections::HashMap<String, Vec<Expansion>>,
    makefiles: std::collections::HashMap<String, Option<Makefile<'a>>>,
}

/// Follows the script indirections of a command line, two levels deep, within `budget` bytes
/// (each script at most once: `make test` called on ten lines expands once).
fn expand<'a>(
    files: &'a FileIndex,
    manifests: &Manifests,
    run: &str,
    depth: usize,
    budget: &mut usize,
    cache: &mut Scripts<'a>,
) -> Vec<Expansion> {
    if depth >= 2 {
        return Vec::new();
    }
    let mut out: Vec<Expansion> = Vec::new();
    let mut seen: std::collections::HashSet<(String, Option<u32>)> = std::collections::HashSet::new();
    for line in run.lines() {
        for command in line.split("&&").flat_map(|c| c.split(';')) {
            if *budget == 0 {
                return out;
            }
            let words: Vec<&str> = command.split_whitespace().collect();
            let key = words.join(" ");
            let found = match cache.commands.get(&key) {
                Some(found) => found.clone(),
                None => {
                    let found = expand_command(files, manifests, &words, cache);
                    cache.commands.insert(key, found.clone());
                    found
                }
            };
            for found in found {
                if !seen.insert((found.path.clone(), found.line)) {
                    continue;
                }
                // every expansion costs something, so thousands of tiny ones run out too
                let cost = found.text.len().max(64);
                if cost > *budget {
                    *budget = 0;
                    return out;
                }
                *budget -= cost;
                let nested = expand(files, manifests, &found.text, depth + 1, budget, cache);
                out.push(found);
                out.extend(nested);
            }
        }
    }
    out
}

fn expand_command<'a>(
    files: &'a FileIndex,
    manifests: &Manifests,
    words: &[&str],
    cache: &mut Scripts<'a>,
) -> Vec<Expansion> {
    // drop leading env assignments (`XDEBUG_MODE=coverage make test`) and `sudo`/`exec`
    let words: Vec<&str> = words
        .iter()
        .copied()
        .skip_while(|w| (w.contains('=') && !w.starts_with('-')) || *w == "sudo" || *w == "exec" || *w == "time")
        .collect();
    let Some(&program) = words.first() else {
        return Vec::new();
    };
    let args = &words[1..];
    let first_arg = args.iter().copied().find(|a| !a.starts_with('-'));
    let script = |eco: Ecosystem, name: &str| -> Vec<Expansion> {
        let Some((m, s)) = manifests.script(eco, name) else {
            return Vec::new();
        };
        let text = match eco {
            // composer scripts call each other as `@name`
            Ecosystem::Composer => s
                .command
                .split(" && ")
                .map(|c| c.strip_prefix('@').map(|r| format!("composer {r}")).unwrap_or_else(|| c.to_string()))
                .collect::<Vec<_>>()
                .join(" && "),
            _ => s.command.clone(),
        };
        vec![Expansion { path: m.path.clone(), line: s.line, text }]
    };
    let name = program.rsplit('/').next().unwrap_or(program);
    match name {
        "make" | "gmake" => {
            let dir = args.windows(2).find(|w| w[0] == "-C").map(|w| w[1].trim_end_matches('/')).unwrap_or("");
            let targets: Vec<&str> = args
                .iter()
                .enumerate()
                .filter(|(i, a)| {
                    let option_value = *i > 0 && args[i - 1] == "-C";
                    !(a.starts_with('-') || a.contains('=') || option_value)
                })
                .map(|(_, a)| *a)
                .collect();
            let makefile = ["Makefile", "makefile", "GNUmakefile"]
                .iter()
                .filter_map(|m| resolve_path(dir, m))
                .find(|p| files.exists(p));
            let Some(makefile) = makefile else {
                return Vec::new();
            };
            let parsed = cache
                .makefiles
                .entry(makefile.clone())
                .or_insert_with(|| files.find(&makefile).and_then(|i| files.text(i)).map(Makefile::new));
            let Some(parsed) = parsed else {
                return Vec::new();
            };
            let targets = if targets.is_empty() { parsed.first.into_iter().collect() } else { targets };
            targets
                .iter()
                .take(32)
                .filter_map(|t| {
                    parsed.recipe(t).map(|(line, body)| Expansion {
                        path: makefile.clone(),
                        line: Some(line),
                        text: body,
                    })
                })
                .collect()
        }
        "composer" => {
            let target = match first_arg {
                Some("run" | "run-script") => args.iter().copied().filter(|a| !a.starts_with('-')).nth(1),
                other => other,
            };
            target.map(|t| script(Ecosystem::Composer, t)).unwrap_or_default()
        }
        "npm" | "yarn" | "pnpm" | "bun" => {
            let target = match first_arg {
                Some("run" | "run-script") => args.iter().copied().filter(|a| !a.starts_with('-')).nth(1),
                Some("test" | "t") => Some("test"),
                other if name != "npm" => other,
                _ => None,
            };
            target.map(|t| script(Ecosystem::Npm, t)).unwrap_or_default()
        }
        _ => {
            // a script file of the repository: `./ci/test.sh`, `bash scripts/test.sh`, `bin/ci`
            let candidate = if matches!(name, "bash" | "sh" | "zsh" | "pwsh" | "python" | "python3" | "php") {
                first_arg
            } else {
                Some(program)
            };
            let Some(candidate) = candidate else {
                return Vec::new();
            };
            let Some(path) = resolve_path("", candidate.trim_matches(['"', '\''])) else {
                return Vec::new();
            };
            match files.find(&path).and_then(|i| files.text(i)) {
                Some(text) if text.len() < 256 * 1024 => {
                    vec![Expansion { path, line: Some(1), text: clean_script(text) }]
                }
                _ => Vec::new(),
            }
        }
    }
}

/// A Makefile's lines and the line where each target is defined, read once.
struct Makefile<'a> {
    lines: Vec<&'a str>,
    targets: std::collections::HashMap<&'a str, usize>,
    /// The default goal: the first target that is not special (`.PHONY`) or a pattern.
    first: Option<&'a str>,
}

impl<'a> Makefile<'a> {
    fn new(text: &'a str) -> Makefile<'a> {
        let lines: Vec<&str> = text.lines().collect();
        let mut targets = std::collections::HashMap::new();
        let mut first = None;
        for (n, l) in lines.iter().enumerate() {
            if l.starts_with(['\t', ' ', '#']) {
                continue;
            }
            let Some((names, rest)) = l.split_once(':') else { continue };
            if rest.starts_with('=') {
                continue;
            }
            for name in names.split_whitespace() {
                targets.entry(name).or_insert(n);
            }
            let t = names.trim();
            if first.is_none() && !l.starts_with('.') && !l.contains(":=") && !t.is_empty() && !t.contains(['$', ' ']) {
                first = Some(t);
            }
        }
        Makefile { lines, targets, first }
    }

    fn body(&self, from: usize) -> impl Iterator<Item = String> + '_ {
        self.lines
            .get(from + 1..)
            .unwrap_or(&[])
            .iter()
            .take_while(|l| l.starts_with('\t') || l.trim().is_empty() || l.trim_start().starts_with('#'))
            .map(|l| l.trim().trim_start_matches(['@', '-']).to_string())
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
    }

    /// The recipe of a target and the line it starts on; prerequisites that are targets of the
    /// same Makefile are included (one level, a bounded number of them).
    fn recipe(&self, target: &str) -> Option<(u32, String)> {
        let start = *self.targets.get(target)?;
        let mut recipe: Vec<String> = self.body(start).collect();
        let prereqs: Vec<&str> =
            self.lines[start].split_once(':').map(|(_, r)| r.split_whitespace().collect()).unwrap_or_default();
        for p in prereqs.into_iter().take(32) {
            if let Some(&i) = self.targets.get(p) {
                recipe.extend(self.body(i));
            }
        }
        Some((start as u32 + 1, recipe.join("\n")))
    }
}

#[cfg(test)]
mod tests;
