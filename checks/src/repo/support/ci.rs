//! The steps of CI pipelines that use a tool, as the catalog in `repo/tools.rs` classifies them.
//! Every check that asks "does CI run X" reads [`hits`] of X's category; no family matches CI
//! commands with patterns of its own.

use super::parsed::{is_ci_path, unknown_or_fail};
use crate::facts::RepoFacts;
use crate::facts::ci::{Expansion, Job, Pipeline, Step};
use crate::model::{Evidence, Finding, clip};
use crate::repo::tools::{self, Category, Tool};

/// The finding when no pipeline could be read: `unknown` if a CI file is broken, else `fail`.
pub(crate) fn no_pipeline(repo: &RepoFacts, what: &str) -> Finding {
    unknown_or_fail(
        repo,
        is_ci_path,
        &format!("{what} is automated"),
        format!(
            "no CI pipeline found, so {what} is not automated (looked for .github/workflows/*.yml, .gitlab-ci.yml, \
             .circleci/config.yml, azure-pipelines.yml and Jenkinsfile)"
        ),
    )
}

/// A step of a job of a pipeline that uses a tool of some category.
pub(crate) struct Hit<'a> {
    pub pipeline: &'a Pipeline,
    pub job: &'a Job,
    pub step: &'a Step,
    pub tool: &'static Tool,
    /// The script the tool was found in, when the step calls one (`make test`).
    pub via: Option<&'a Expansion>,
    /// The command that runs the tool.
    pub command: String,
}

impl Hit<'_> {
    /// Where the tool runs: the step, and the script line it was found in.
    pub fn evidence(&self) -> Vec<Evidence> {
        let snippet = self
            .step
            .uses
            .clone()
            .or_else(|| self.step.run.as_deref().and_then(|r| r.lines().next()).map(str::to_string))
            .unwrap_or_default();
        let mut out = vec![Evidence::file_snippet(self.step.path.clone(), self.step.line, clip(&snippet, 120))];
        if let Some(e) = self.via {
            out.push(Evidence::File {
                path: e.path.clone(),
                line: e.line,
                end_line: None,
                snippet: e.text.lines().next().map(|l| clip(l, 120)),
            });
        }
        out
    }

    /// "`PHPUnit` in job `tests` of `.github/workflows/ci.yml`".
    pub fn describe(&self) -> String {
        format!("{} in job `{}` of `{}`", self.tool.name, self.job.label(), self.pipeline.path)
    }
}

/// Every step, in every job of every pipeline, that uses a tool of `category`: one hit per step
/// and tool, the tools found in the scripts the step calls first (`make test` → `cargo test`).
pub(crate) fn hits(repo: &RepoFacts, category: Category) -> Vec<Hit<'_>> {
    let mut out = Vec::new();
    for pipeline in &repo.ci.pipelines {
        for job in &pipeline.jobs {
            for step in &job.steps {
                let mut seen: Vec<&'static str> = Vec::new();
                for e in &step.expanded {
                    for (tool, command) in tools::commands_of([e.text.as_str()], category) {
                        if !seen.contains(&tool.name) {
                            seen.push(tool.name);
                            out.push(Hit { pipeline, job, step, tool, via: Some(e), command });
                        }
                    }
                }
                let direct = step.uses.iter().chain(&step.run).chain(&step.inputs).map(String::as_str);
                for (tool, command) in tools::commands_of(direct, category) {
                    if !seen.contains(&tool.name) {
                        seen.push(tool.name);
                        out.push(Hit { pipeline, job, step, tool, via: None, command });
                    }
                }
            }
        }
    }
    out
}

/// Hits in jobs that run on their own (not waiting for a person).
pub(crate) fn automatic<'a>(hits: &'a [Hit<'a>]) -> impl Iterator<Item = &'a Hit<'a>> {
    hits.iter().filter(|h| !h.job.manual)
}
