//! CircleCI: `.circleci/config.yml` jobs, steps, orbs and workflow filters.

use super::{CiSystem, Cx, Job, Pipeline, PrTrigger, Step, clean_script};
use crate::facts::yaml::{Node, Value};

const PATHS: &[&str] = &[".circleci/config.yml", ".circleci/config.yaml"];

pub(super) fn collect(cx: &mut Cx, out: &mut Vec<Pipeline>) {
    let Some(path) = PATHS.iter().find(|p| cx.files.exists(p)) else {
        return;
    };
    let Some(doc) = cx.yaml_at(path).cloned() else {
        return;
    };
    let mut p = Pipeline::new(CiSystem::Circleci, path);
    p.pr = PrTrigger::Implicit { reason: "CircleCI builds every pushed branch, pull request branches included".into() };
    p.push = true;
    cx.begin(path);
    let jobs = doc.key("jobs");
    let defs: std::collections::HashMap<&str, &Node> =
        jobs.entries().iter().map(|e| (e.key.as_str(), &e.value)).collect();
    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    for wf in doc.key("workflows").entries() {
        if wf.value.key("triggers").items().iter().any(|t| t.get("schedule").is_some()) {
            p.scheduled = true;
        }
        for item in wf.value.key("jobs").items() {
            // `- build` or `- build: {filters: ..., requires: ...}`
            let (name, config, line) = match &item.value {
                Value::Str(s) => (s.clone(), None, item.line),
                Value::Map(entries) if !entries.is_empty() => {
                    (entries[0].key.clone(), Some(&entries[0].value), entries[0].line)
                }
                _ => continue,
            };
            let alias = config.and_then(|c| c.key("name").scalar()).unwrap_or_else(|| name.clone());
            if !seen.insert(alias.clone()) || !cx.spend(1) {
                continue;
            }
            let mut job = match defs.get(name.as_str()).copied() {
                Some(def) => job(path, &alias, def, line),
                None => {
                    // an orb job such as `node/test`
                    let mut j = Job::new(&alias, path, line);
                    let mut s = Step::new(path, line);
                    s.uses = Some(name.clone());
                    j.steps.push(s);
                    j
                }
            };
            if let Some(config) = config {
                job.on_pr = branches_allow_prs(config.key("filters"));
                job.manual = config.key("type").as_str() == Some("approval");
            }
            p.jobs.push(job);
        }
    }
    // configurations without workflows (version 2.0) run the `build` job on every push
    if doc.get("workflows").is_none() {
        for e in jobs.entries() {
            p.jobs.push(job(path, &e.key, &e.value, e.line));
        }
    }
    for e in doc.key("orbs").entries() {
        let mut j = Job::new(&format!("orb {}", e.key), path, e.line);
        let mut s = Step::new(path, e.line);
        s.uses = e.value.scalar().map(|r| format!("orb:{r}"));
        j.steps.push(s);
        j.on_pr = false; // declaring an orb runs nothing by itself
        p.jobs.push(j);
    }
    out.push(p);
}

fn job(path: &str, id: &str, def: &Node, line: u32) -> Job {
    let mut j = Job::new(id, path, line);
    for step in def.key("steps").items() {
        let mut s = Step::new(path, step.line);
        match &step.value {
            Value::Str(name) => s.uses = Some(name.clone()),
            Value::Map(entries) if !entries.is_empty() => {
                let (key, body) = (&entries[0].key, &entries[0].value);
                if key == "run" {
                    s.run = body.scalar().or_else(|| body.key("command").scalar()).map(|r| clean_script(&r));
                    s.name = body.key("name").scalar();
                } else {
                    s.uses = Some(key.clone());
                    s.inputs = body
                        .entries()
                        .iter()
                        .filter_map(|e| e.value.scalar().map(|v| format!("{}={v}", e.key)))
                        .collect();
                }
            }
            _ => continue,
        }
        j.steps.push(s);
    }
    j
}

/// `filters: {branches: {only: [main]}}` or tag-only filters keep a job off pull requests.
fn branches_allow_prs(filters: &Node) -> bool {
    let only = filters.key("branches").key("only").strings();
    if !only.is_empty() {
        return only.iter().any(|b| {
            b.starts_with('/') || !matches!(b.as_str(), "main" | "master" | "develop" | "release" | "production")
        });
    }
    let ignore_all = filters.key("branches").key("ignore").strings().iter().any(|b| b == "/.*/");
    !ignore_all
}
