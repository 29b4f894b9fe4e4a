//! GitHub Actions: `.github/workflows/*.yml`, with local reusable workflows and composite actions.

use super::{CiSystem, Cx, Job, Pipeline, PrTrigger, Step, clean_script, resolve_path};
use crate::facts::yaml::{Node, Value};
use regex::Regex;
use std::sync::LazyLock;

const DIR: &str = ".github/workflows";

pub(super) fn collect(cx: &mut Cx, out: &mut Vec<Pipeline>) {
    let files: Vec<usize> = cx
        .files
        .in_dir(DIR)
        .filter(|&i| {
            let n = cx.files.entry(i).name();
            n.ends_with(".yml") || n.ends_with(".yaml")
        })
        .collect();
    for i in files {
        let path = cx.files.entry(i).path.clone();
        let Some(doc) = cx.yaml(i).cloned() else {
            continue;
        };
        if !doc.is_map() || doc.get("jobs").is_none() {
            continue;
        }
        cx.begin(&path);
        out.push(workflow(cx, &path, &doc, 0));
    }
}

/// Events a workflow listens to, with the line of each.
fn events(on: &Node) -> Vec<(String, u32)> {
    match &on.value {
        Value::Str(s) => vec![(s.clone(), on.line)],
        Value::Seq(items) => items.iter().filter_map(|n| n.scalar().map(|s| (s, n.line))).collect(),
        Value::Map(entries) => entries.iter().map(|e| (e.key.clone(), e.line)).collect(),
        _ => Vec::new(),
    }
}

fn workflow(cx: &mut Cx, path: &str, doc: &Node, depth: usize) -> Pipeline {
    let mut p = Pipeline::new(CiSystem::GithubActions, path);
    p.name = doc.key("name").scalar();
    let events = events(doc.key("on"));
    let has = |name: &str| events.iter().find(|(e, _)| e == name).map(|(_, l)| *l);
    if let Some(line) = has("pull_request").or_else(|| has("pull_request_target")).or_else(|| has("merge_group")) {
        p.pr = PrTrigger::Explicit { line };
    }
    p.push = has("push").is_some();
    p.scheduled = has("schedule").is_some();
    let manual_only =
        !events.is_empty() && events.iter().all(|(e, _)| e == "workflow_dispatch" || e == "repository_dispatch");
    let mut workflow_env = Vec::new();
    literal_env(doc, &mut workflow_env);
    for entry in doc.key("jobs").entries() {
        if !cx.spend(1) {
            break;
        }
        let (id, node) = (&entry.key, &entry.value);
        let mut job = Job::new(id, path, entry.line);
        job.name = node.key("name").scalar();
        job.manual = manual_only;
        job.on_pr = node.get("if").and_then(Node::scalar).is_none_or(|c| !excludes_pull_requests(&c));
        job.environment = environment(node.key("environment"));
        if let Some(uses) = node.key("uses").as_str() {
            jobs_of_called_workflow(cx, path, &job, uses, depth, &mut p.jobs);
            continue;
        }
        let mut job_env = workflow_env.clone();
        literal_env(node, &mut job_env);
        for step_node in node.key("steps").items() {
            if !cx.spend(1) {
                break;
            }
            let mut env = job_env.clone();
            literal_env(step_node, &mut env);
            let step = step(path, step_node, &env);
            let local = step.uses.as_deref().filter(|u| u.starts_with("./")).map(str::to_string);
            job.steps.push(step);
            if let Some(action_dir) = local {
                job.steps.extend(composite_steps(cx, &action_dir));
            }
        }
        p.jobs.push(job);
    }
    p
}

fn environment(node: &Node) -> Option<String> {
    node.as_str().map(str::to_string).or_else(|| node.key("name").scalar())
}

/// Adds the literal values of a node's `env:` map (workflow, job or step; later ones win).
fn literal_env(node: &Node, env: &mut Vec<(String, String)>) {
    for e in node.key("env").entries() {
        if let Some(v) = e.value.scalar().filter(|v| !v.contains("${{")) {
            env.retain(|(k, _)| *k != e.key);
            env.push((e.key.clone(), v));
        }
    }
}

static ENV_EXPR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}").expect("valid"));

/// `${{ env.NAME }}` replaced by its literal value, so that `${{ env.CARGO }} test` with
/// `CARGO: cargo` reads as the `cargo test` it runs; unknown names are left as written.
fn expand_env(run: &str, env: &[(String, String)]) -> String {
    ENV_EXPR
        .replace_all(run, |c: &regex::Captures| {
            env.iter().find(|(k, _)| *k == c[1]).map(|(_, v)| v.clone()).unwrap_or_else(|| c[0].to_string())
        })
        .into_owned()
}

fn step(path: &str, node: &Node, env: &[(String, String)]) -> Step {
    let mut s = Step::new(path, node.line);
    s.name = node.key("name").scalar();
    s.uses = node.key("uses").scalar();
    s.run = node.key("run").scalar().map(|r| clean_script(&expand_env(&r, env)));
    s.inputs =
        node.key("with").entries().iter().filter_map(|e| e.value.scalar().map(|v| format!("{}={v}", e.key))).collect();
    s
}

/// A job that calls a reusable workflow: local ones are inlined, remote ones kept as a reference.
fn jobs_of_called_workflow(cx: &mut Cx, path: &str, caller: &Job, uses: &str, depth: usize, out: &mut Vec<Job>) {
    let local = uses.strip_prefix("./").and_then(|p| resolve_path("", p));
    // each workflow is inlined once per run of the caller (which also ends cycles); a second
    // call stays a reference
    let callee = match &local {
        Some(p) if depth < 3 && cx.include(p) => cx.yaml_at(p).cloned().map(|doc| (p.clone(), doc)),
        _ => None,
    };
    let Some((callee_path, doc)) = callee else {
        let mut job = caller.clone();
        let mut step = Step::new(path, caller.line);
        step.uses = Some(uses.to_string());
        job.steps.push(step);
        if local.is_none() {
            cx.unresolved.push(format!("{path}: reusable workflow {uses}"));
        }
        out.push(job);
        return;
    };
    for mut job in workflow(cx, &callee_path, &doc, depth + 1).jobs {
        job.id = format!("{}/{}", caller.id, job.id);
        job.on_pr &= caller.on_pr;
        job.manual |= caller.manual;
        if job.environment.is_none() {
            job.environment = caller.environment.clone();
        }
        out.push(job);
    }
}

/// Steps of a local composite action (`uses: ./.github/actions/setup`).
fn composite_steps(cx: &mut Cx, dir: &str) -> Vec<Step> {
    let Some(dir) = resolve_path("", dir.trim_start_matches("./")) else {
        return Vec::new();
    };
    for name in ["action.yml", "action.yaml"] {
        let path = format!("{dir}/{name}");
        // a composite action's steps are not expanded further, so reuse cannot recurse; the
        // pipeline's budget bounds how often it is copied
        if let Some(doc) = cx.yaml_at(&path).cloned() {
            let steps = doc.key("runs").key("steps").items();
            if !cx.spend(steps.len()) {
                return Vec::new();
            }
            return steps.iter().map(|n| step(&path, n, &[])).collect();
        }
    }
    Vec::new()
}

/// Whether a job's `if:` keeps it from running for pull requests.
pub(super) fn excludes_pull_requests(condition: &str) -> bool {
    let c: String =
        condition.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase().replace('"', "'");
    if c.contains("'pull_request'") && !c.contains("!='pull_request'") {
        return false;
    }
    [
        "github.event_name=='push'",
        "github.event_name=='schedule'",
        "github.event_name=='release'",
        "github.event_name=='workflow_dispatch'",
        "github.event_name!='pull_request'",
        "startswith(github.ref,'refs/tags",
        "github.ref=='refs/heads/main'",
        "github.ref=='refs/heads/master'",
        "github.ref_name=='main'",
        "github.ref_name=='master'",
        "github.ref_type=='tag'",
        "github.event.pull_request.merged==true",
    ]
    .iter()
    .any(|p| c.contains(p))
}
