//! Azure Pipelines: YAML pipelines with stages, jobs, deployment jobs and local templates.

use super::{CiSystem, Cx, Job, Pipeline, PrTrigger, Step, clean_script, resolve_path};
use crate::facts::yaml::{Node, Value};

const DIRS: &[&str] =
    &[".azure-pipelines/", "azure-pipelines/", ".azuredevops/", ".pipelines/", "build/azure-pipelines/"];

fn is_candidate(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    yaml && (name.starts_with("azure-pipelines") || DIRS.iter().any(|d| path.starts_with(d)))
}

pub(super) fn collect(cx: &mut Cx, out: &mut Vec<Pipeline>) {
    let candidates: Vec<String> =
        cx.files.entries().iter().filter(|e| is_candidate(&e.path)).map(|e| e.path.clone()).collect();
    let mut docs: Vec<(String, Node)> = Vec::new();
    for path in candidates {
        if let Some(doc) = cx.yaml_at(&path).cloned() {
            let is_pipeline = ["stages", "jobs", "steps", "extends"].iter().any(|k| doc.get(k).is_some());
            if is_pipeline {
                docs.push((path, doc));
            }
        }
    }
    // files used as templates by another candidate are not pipelines of their own
    let mut referenced: Vec<String> = Vec::new();
    for (path, doc) in &docs {
        collect_template_refs(path, doc, &mut referenced);
    }
    let referenced: std::collections::HashSet<String> = referenced.into_iter().collect();
    for (path, doc) in &docs {
        if referenced.contains(path) {
            continue;
        }
        cx.begin(path);
        out.push(pipeline(cx, path, doc));
    }
}

fn collect_template_refs(path: &str, node: &Node, out: &mut Vec<String>) {
    let dir = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                if e.key == "template"
                    && let Some(t) = e.value.as_str().filter(|t| !t.contains('@')).and_then(|t| resolve_path(dir, t))
                {
                    out.push(t);
                }
                collect_template_refs(path, &e.value, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|i| collect_template_refs(path, i, out)),
        _ => {}
    }
}

fn pipeline(cx: &mut Cx, path: &str, doc: &Node) -> Pipeline {
    let mut p = Pipeline::new(CiSystem::AzurePipelines, path);
    p.name = doc.key("name").scalar();
    p.pr = match doc.get("pr") {
        Some(n) if n.as_str() == Some("none") => PrTrigger::No,
        Some(n) => PrTrigger::Explicit { line: n.line },
        None => PrTrigger::Implicit {
            reason: "Azure Pipelines validates pull requests by default for GitHub and Bitbucket repositories".into(),
        },
    };
    p.push = doc.key("trigger").as_str() != Some("none");
    p.scheduled = !doc.key("schedules").items().is_empty();
    let mut jobs = Vec::new();
    let mut cx2 = Walk { cx, depth: 0 };
    cx2.root(path, doc, true, &mut jobs);
    p.jobs = jobs;
    p
}

struct Walk<'a, 'b> {
    cx: &'a mut Cx<'b>,
    depth: usize,
}

impl Walk<'_, '_> {
    fn template(&mut self, from: &str, reference: &str) -> Option<(String, Node)> {
        if reference.contains('@') {
            self.cx.unresolved.push(format!("{from}: template {reference}"));
            return None;
        }
        let dir = from.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let path = resolve_path(dir, reference)?;
        // each template is read once per pipeline: this also ends templates that include themselves
        if !self.cx.include(&path) {
            return None;
        }
        let doc = self.cx.yaml_at(&path).cloned()?;
        Some((path, doc))
    }

    fn root(&mut self, path: &str, doc: &Node, on_pr: bool, out: &mut Vec<Job>) {
        if self.depth > 5 {
            return;
        }
        if let Some(t) = doc.key("extends").key("template").as_str()
            && let Some((tpath, tdoc)) = self.template(path, t)
        {
            self.depth += 1;
            self.root(&tpath, &tdoc, on_pr, out);
            self.depth -= 1;
        }
        self.stages(path, doc.key("stages"), on_pr, out);
        self.jobs(path, doc.key("jobs"), on_pr, out);
        if !doc.key("steps").items().is_empty() {
            let mut job = Job::new("default", path, doc.key("steps").line);
            self.steps(path, doc.key("steps"), &mut job.steps);
            out.push(job);
        }
    }

    fn stages(&mut self, path: &str, stages: &Node, on_pr: bool, out: &mut Vec<Job>) {
        for stage in stages.items() {
            if let Some(t) = stage.key("template").as_str() {
                if let Some((tpath, tdoc)) = self.template(path, t) {
                    self.depth += 1;
                    if self.depth < 6 {
                        self.stages(&tpath, tdoc.key("stages"), on_pr, out);
                    }
                    self.depth -= 1;
                }
                continue;
            }
            let stage_pr = on_pr && condition_allows_pr(stage.key("condition"));
            let before = out.len();
            self.jobs(path, stage.key("jobs"), stage_pr, out);
            for j in &mut out[before..] {
                j.stage = stage.key("stage").scalar();
            }
        }
    }

    fn jobs(&mut self, path: &str, jobs: &Node, on_pr: bool, out: &mut Vec<Job>) {
        for node in jobs.items() {
            if !self.cx.spend(1) {
                return;
            }
            if let Some(t) = node.key("template").as_str() {
                if let Some((tpath, tdoc)) = self.template(path, t) {
                    self.depth += 1;
                    if self.depth < 6 {
                        self.jobs(&tpath, tdoc.key("jobs"), on_pr, out);
                    }
                    self.depth -= 1;
                }
                continue;
            }
            let id =
                node.key("job").scalar().or_else(|| node.key("deployment").scalar()).unwrap_or_else(|| "job".into());
            let mut job = Job::new(&id, path, node.line);
            job.name = node.key("displayName").scalar();
            job.on_pr = on_pr && condition_allows_pr(node.key("condition"));
            if node.get("deployment").is_some() {
                let env = node.key("environment");
                job.environment =
                    env.as_str().map(str::to_string).or_else(|| env.key("name").scalar()).or(Some(id.clone()));
                for strategy in node.key("strategy").entries() {
                    for hook in strategy.value.entries() {
                        let steps = if hook.key == "on" {
                            hook.value.entries().iter().map(|e| e.value.key("steps").clone()).collect()
                        } else {
                            vec![hook.value.key("steps").clone()]
                        };
                        for s in steps {
                            self.steps(path, &s, &mut job.steps);
                        }
                    }
                }
            }
            self.steps(path, node.key("steps"), &mut job.steps);
            out.push(job);
        }
    }

    fn steps(&mut self, path: &str, steps: &Node, out: &mut Vec<Step>) {
        for node in steps.items() {
            if !self.cx.spend(1) {
                return;
            }
            if let Some(t) = node.key("template").as_str() {
                if let Some((tpath, tdoc)) = self.template(path, t) {
                    self.depth += 1;
                    if self.depth < 6 {
                        self.steps(&tpath, tdoc.key("steps"), out);
                    }
                    self.depth -= 1;
                }
                continue;
            }
            let mut s = Step::new(path, node.line);
            s.name = node.key("displayName").scalar();
            for key in ["script", "bash", "pwsh", "powershell"] {
                if let Some(text) = node.key(key).scalar() {
                    s.run = Some(clean_script(&text));
                }
            }
            if let Some(task) = node.key("task").scalar() {
                s.uses = Some(format!("task:{task}"));
                s.inputs = node
                    .key("inputs")
                    .entries()
                    .iter()
                    .filter_map(|e| e.value.scalar().map(|v| format!("{}={v}", e.key)))
                    .collect();
            }
            for key in ["checkout", "download", "publish"] {
                if let Some(v) = node.key(key).scalar() {
                    s.uses = Some(format!("{key}:{v}"));
                }
            }
            out.push(s);
        }
    }
}

/// `condition:` expressions that keep a stage or job off pull-request builds.
fn condition_allows_pr(condition: &Node) -> bool {
    let Some(c) = condition.scalar() else {
        return true;
    };
    let c: String = c.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase().replace('"', "'");
    if c.contains("eq(variables['build.reason'],'pullrequest')") {
        return true;
    }
    !(c.contains("ne(variables['build.reason'],'pullrequest')")
        || c.contains("eq(variables['build.sourcebranch'],'refs/heads/main')")
        || c.contains("eq(variables['build.sourcebranch'],'refs/heads/master')")
        || c.contains("eq(variables['build.sourcebranchname'],'main')")
        || c.contains("startswith(variables['build.sourcebranch'],'refs/tags/')"))
}
