//! GitLab CI: `.gitlab-ci.yml` with local includes, `extends`, `default:` and child pipelines.
//!
//! GitLab-provided templates and components (`include: template: Security/SAST.gitlab-ci.yml`)
//! add jobs we cannot read, so each becomes a job with one step whose `uses` names it; that is
//! enough for checks to recognise a SAST or dependency-scanning template.

use super::{CiSystem, Cx, Job, Pipeline, PrTrigger, Step, clean_script, resolve_path};
use crate::facts::yaml::{Entry, Node, Value};

const ROOT: &str = ".gitlab-ci.yml";

const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "types",
    "spec",
];

pub(super) fn collect(cx: &mut Cx, out: &mut Vec<Pipeline>) {
    if !cx.files.exists(ROOT) {
        return;
    }
    cx.begin(ROOT);
    if let Some(p) = pipeline(cx, ROOT, None) {
        out.push(p);
    }
}

/// Everything the root file and its local includes define.
struct Merged {
    entries: Vec<(String, Entry)>, // (file, entry)
    includes: Vec<(String, u32, String)>,
}

/// Reads `path` and its local includes into `merged`; each file is read once per resolution, so an
/// include of itself or a diamond of includes adds nothing twice.
fn gather(cx: &mut Cx, path: &str, merged: &mut Merged, depth: usize) {
    if depth > 4 || (depth > 0 && !cx.include(path)) {
        return;
    }
    let Some(doc) = cx.yaml_at(path).cloned() else {
        return;
    };
    let include = doc.key("include");
    let items: Vec<&Node> = match &include.value {
        Value::Seq(items) => items.iter().collect(),
        Value::Null => Vec::new(),
        _ => vec![include],
    };
    for item in items {
        let (kind, target) = match &item.value {
            Value::Str(s) if s.starts_with("http://") || s.starts_with("https://") => ("remote", s.clone()),
            Value::Str(s) => ("local", s.clone()),
            Value::Map(entries) => {
                let Some(e) = entries
                    .iter()
                    .find(|e| ["local", "template", "component", "remote", "project"].contains(&e.key.as_str()))
                else {
                    continue;
                };
                let target = if e.key == "project" {
                    format!("{}:{}", e.value.scalar().unwrap_or_default(), item.key("file").strings().join(","))
                } else {
                    e.value.scalar().unwrap_or_default()
                };
                (e.key.as_str(), target)
            }
            _ => continue,
        };
        if kind == "local" {
            for local in local_files(cx, &target) {
                gather(cx, &local, merged, depth + 1);
            }
        } else {
            if kind != "template" {
                cx.unresolved.push(format!("{path}: include {kind} {target}"));
            }
            merged.includes.push((path.to_string(), item.line, format!("{kind}:{target}")));
        }
    }
    // a later definition of a key replaces an earlier one (kept in order of last definition)
    merged.entries.extend(doc.entries().iter().map(|e| (path.to_string(), e.clone())));
}

/// Keeps the last definition of each key, in the order of those last definitions.
fn last_definitions(entries: Vec<(String, Entry)>) -> Vec<(String, Entry)> {
    let mut last: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for (i, (_, e)) in entries.iter().enumerate() {
        last.insert(e.key.clone(), i);
    }
    entries.into_iter().enumerate().filter(|(i, (_, e))| last.get(&e.key) == Some(i)).map(|(_, x)| x).collect()
}

/// Local include targets; `*` wildcards are matched against the index.
fn local_files(cx: &Cx, target: &str) -> Vec<String> {
    let Some(path) = resolve_path("", target) else {
        return Vec::new();
    };
    if !path.contains('*') {
        return vec![path];
    }
    let Ok(glob) = globset::Glob::new(&path) else {
        return Vec::new();
    };
    let set = globset::GlobSetBuilder::new().add(glob).build();
    let Ok(set) = set else { return Vec::new() };
    cx.files.matching(&set).map(|i| cx.files.entry(i).path.clone()).collect()
}

fn pipeline(cx: &mut Cx, root: &str, parent_pr: Option<PrTrigger>) -> Option<Pipeline> {
    let mut merged = Merged { entries: Vec::new(), includes: Vec::new() };
    gather(cx, root, &mut merged, 0);
    merged.entries = last_definitions(merged.entries);
    if merged.entries.is_empty() && merged.includes.is_empty() {
        return None;
    }
    let mut p = Pipeline::new(CiSystem::GitlabCi, root);
    let get = |key: &str| merged.entries.iter().find(|(_, e)| e.key == key).map(|(_, e)| e.value.clone());
    p.pr = match parent_pr {
        Some(pr) => pr,
        None => workflow_pr(get("workflow").as_ref()),
    };
    p.push = !matches!(p.pr, PrTrigger::Explicit { .. }) || workflow_allows_branches(get("workflow").as_ref());
    let default = get("default").unwrap_or(Node { line: 0, value: Value::Null });
    let global_before = get("before_script").or_else(|| default.get("before_script").cloned());
    let global_after = get("after_script").or_else(|| default.get("after_script").cloned());

    for (file, include_line, reference) in &merged.includes {
        let mut job = Job::new(&format!("include {reference}"), file, *include_line);
        let mut step = Step::new(file, *include_line);
        step.uses = Some(reference.clone());
        job.steps.push(step);
        p.jobs.push(job);
    }
    let templates: std::collections::HashMap<&str, &Node> =
        merged.entries.iter().map(|(_, e)| (e.key.as_str(), &e.value)).collect();
    let mut resolved: std::collections::HashMap<String, (Node, usize)> = std::collections::HashMap::new();
    for (file, entry) in &merged.entries {
        if RESERVED.contains(&entry.key.as_str()) || entry.key.starts_with('.') || !entry.value.is_map() {
            continue;
        }
        if !cx.spend(1) {
            break;
        }
        let node = with_extends(cx, &entry.value, &templates, &mut resolved, 0);
        if node.get("script").is_none() && node.get("trigger").is_none() && node.get("run").is_none() {
            continue;
        }
        let mut job = Job::new(&entry.key, file, entry.line);
        job.stage = node.key("stage").scalar();
        job.environment = node.key("environment").as_str().map(str::to_string).or_else(|| {
            let env = node.key("environment");
            (env.key("action").as_str() != Some("stop")).then(|| env.key("name").scalar()).flatten()
        });
        job.on_pr = job_on_pr(&node);
        job.manual = node.key("when").as_str() == Some("manual")
            || (!node.key("rules").items().is_empty()
                && node.key("rules").items().iter().all(|r| r.key("when").as_str() == Some("manual")));
        let before = node.get("before_script").cloned().or_else(|| global_before.clone());
        let after = node.get("after_script").cloned().or_else(|| global_after.clone());
        for part in [before.as_ref(), node.get("script"), after.as_ref()].into_iter().flatten() {
            flatten_script(file, part, &mut job.steps);
        }
        if let Some(child) = child_pipeline(node.key("trigger")) {
            // a child pipeline is read once per resolution: one that triggers itself (or an
            // ancestor) ends here
            if cx.included(&child) || !cx.include(&child) {
                continue;
            }
            if let Some(mut cp) = pipeline(cx, &child, Some(p.pr.clone())) {
                for j in &mut cp.jobs {
                    j.on_pr &= job.on_pr;
                }
                p.jobs.extend(cp.jobs);
            }
            continue;
        }
        if !cx.spend(job.steps.len()) {
            break;
        }
        p.jobs.push(job);
    }
    Some(p)
}

fn child_pipeline(trigger: &Node) -> Option<String> {
    let include = trigger.key("include");
    let target = include.as_str().map(str::to_string).or_else(|| include.key("local").scalar()).or_else(|| {
        include.items().iter().find_map(|i| i.as_str().map(str::to_string).or_else(|| i.key("local").scalar()))
    })?;
    resolve_path("", &target)
}

/// Script entries become steps; nested lists (from YAML anchors) are flattened.
fn flatten_script(file: &str, node: &Node, steps: &mut Vec<Step>) {
    match &node.value {
        Value::Seq(items) => items.iter().for_each(|i| flatten_script(file, i, steps)),
        _ => {
            if let Some(text) = node.scalar() {
                let run = clean_script(&text);
                if !run.is_empty() {
                    let mut s = Step::new(file, node.line);
                    s.run = Some(run);
                    steps.push(s);
                }
            }
        }
    }
}

/// Applies `extends:` (last parent wins, job keys win, maps merged one level deep). Each template
/// is resolved once and remembered, so fan-out (`extends: [a, a, a]` at every level) stays linear.
fn with_extends(
    cx: &mut Cx,
    job: &Node,
    templates: &std::collections::HashMap<&str, &Node>,
    resolved: &mut std::collections::HashMap<String, (Node, usize)>,
    depth: usize,
) -> Node {
    let parents = job.key("extends").strings();
    if parents.is_empty() || depth > 5 {
        return job.clone();
    }
    let mut merged: Vec<Entry> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for name in &parents {
        if seen.contains(&name.as_str()) {
            continue;
        }
        seen.push(name);
        if !resolved.contains_key(name) {
            let Some(t) = templates.get(name.as_str()) else {
                continue;
            };
            let p = with_extends(cx, t, templates, resolved, depth + 1);
            let size = p.size();
            resolved.insert(name.clone(), (p, size));
        }
        let Some((parent, size)) = resolved.get(name) else { continue };
        // every copy of a template counts against the pipeline's budget, by its size
        if !cx.spend(*size / 16) {
            break;
        }
        let parent = parent.clone();
        merge_into(&mut merged, parent.entries());
    }
    merge_into(&mut merged, job.entries());
    Node { line: job.line, value: Value::Map(merged) }
}

fn merge_into(into: &mut Vec<Entry>, from: &[Entry]) {
    for e in from {
        match into.iter_mut().find(|have| have.key == e.key) {
            Some(have) if have.value.is_map() && e.value.is_map() => {
                let mut inner = have.value.entries().to_vec();
                merge_into(&mut inner, e.value.entries());
                have.value = Node { line: e.value.line, value: Value::Map(inner) };
            }
            Some(have) => *have = e.clone(),
            None => into.push(e.clone()),
        }
    }
}

fn rule_ifs(rules: &Node) -> Vec<(String, bool, u32)> {
    rules
        .items()
        .iter()
        .map(|r| {
            let cond = r.key("if").scalar().unwrap_or_default();
            let never = r.key("when").as_str() == Some("never");
            (cond.replace(' ', ""), never, r.line)
        })
        .collect()
}

fn mentions_mr(cond: &str) -> bool {
    cond.contains("merge_request_event") || cond.contains("$CI_MERGE_REQUEST_")
}

fn only_default_branch_or_tags(cond: &str) -> bool {
    !cond.is_empty()
        && !mentions_mr(cond)
        && (cond.contains("$CI_COMMIT_BRANCH==$CI_DEFAULT_BRANCH")
            || cond.contains("$CI_COMMIT_REF_NAME==$CI_DEFAULT_BRANCH")
            || cond.starts_with("$CI_COMMIT_TAG")
            || cond.contains("==\"main\"")
            || cond.contains("==\"master\"")
            || cond.contains("schedule"))
}

fn workflow_pr(workflow: Option<&Node>) -> PrTrigger {
    let rules = workflow.map(|w| rule_ifs(w.key("rules"))).unwrap_or_default();
    if let Some((_, _, line)) = rules.iter().find(|(c, never, _)| mentions_mr(c) && !never) {
        return PrTrigger::Explicit { line: *line };
    }
    let positive: Vec<&(String, bool, u32)> = rules.iter().filter(|(_, never, _)| !never).collect();
    if !positive.is_empty() && positive.iter().all(|(c, _, _)| only_default_branch_or_tags(c)) {
        return PrTrigger::No;
    }
    PrTrigger::Implicit {
        reason: "GitLab runs branch pipelines for every pushed branch, merge request branches included".into(),
    }
}

fn workflow_allows_branches(workflow: Option<&Node>) -> bool {
    workflow
        .map(|w| rule_ifs(w.key("rules")))
        .is_some_and(|rules| rules.iter().any(|(c, never, _)| !never && c.contains("$CI_COMMIT_BRANCH")))
}

fn job_on_pr(job: &Node) -> bool {
    let only = job.key("only");
    let refs = if only.is_map() { only.key("refs").strings() } else { only.strings() };
    if !refs.is_empty() {
        return refs.iter().any(|r| {
            matches!(r.as_str(), "merge_requests" | "branches" | "pushes" | "external_pull_requests")
                || r.starts_with('/')
        });
    }
    let rules = rule_ifs(job.key("rules"));
    if rules.is_empty() {
        return true;
    }
    rules.iter().any(|(c, never, _)| !never && (c.is_empty() || mentions_mr(c) || !only_default_branch_or_tags(c)))
}
