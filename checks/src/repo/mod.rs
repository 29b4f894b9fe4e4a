//! Checks that judge repository facts, one file per family.

pub mod adr;
pub mod arch;
pub mod auth;
pub mod business;
pub mod ci;
pub mod coverage;
pub mod docs;
pub mod governance;
pub mod hardening;
pub mod infra;
pub mod obs;
pub mod perf;
pub mod quality;
pub mod security;
pub mod slo;
pub mod tools;

use crate::facts::RepoFacts;
use crate::facts::ci::{Expansion, Job, Pipeline, Step};
use crate::model::{Evidence, Finding, clip};
use tools::{Category, Tool};

/// Paths that hold CI configuration (for reporting their parse problems).
pub(crate) fn is_ci_path(path: &str) -> bool {
    path.starts_with(".github/workflows/")
        || path.starts_with(".github/actions/")
        || path.starts_with(".gitlab")
        || path.starts_with(".circleci/")
        || path.contains("azure-pipelines")
        || path.contains("Jenkinsfile")
}

/// The finding when no pipeline could be read: `unknown` if a CI file is broken, else `fail`.
pub(crate) fn no_pipeline(repo: &RepoFacts, what: &str) -> Finding {
    if let Some(p) = repo.problems_in(is_ci_path).next() {
        return Finding::unknown(format!("the CI configuration could not be read, so {what} is unknown: {p}"))
            .with_one(Evidence::file(p.path.clone(), p.line));
    }
    Finding::fail(format!(
        "no CI pipeline found, so {what} is not automated (looked for .github/workflows/*.yml, .gitlab-ci.yml, \
         .circleci/config.yml, azure-pipelines.yml and Jenkinsfile)"
    ))
}

/// A step of a job of a pipeline that uses a tool of some category.
pub(crate) struct Hit<'a> {
    pub pipeline: &'a Pipeline,
    pub job: &'a Job,
    pub step: &'a Step,
    pub tool: &'static Tool,
    /// The script the tool was found in, when the step calls one (`make test`).
    pub via: Option<&'a Expansion>,
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

/// Every step, in every job of every pipeline, that uses a tool of `category`.
pub(crate) fn hits(repo: &RepoFacts, category: Category) -> Vec<Hit<'_>> {
    let mut out = Vec::new();
    for pipeline in &repo.ci.pipelines {
        for job in &pipeline.jobs {
            for step in &job.steps {
                // a match inside a called script names the real tool (`make test` → `cargo test`)
                let via = step.expanded.iter().find_map(|e| {
                    tools::classify_texts([e.text.as_str()])
                        .into_iter()
                        .find(|t| t.category == category)
                        .map(|t| (t, e))
                });
                if let Some((tool, e)) = via {
                    out.push(Hit { pipeline, job, step, tool, via: Some(e) });
                    continue;
                }
                let direct =
                    tools::classify_texts(step.uses.iter().chain(&step.run).chain(&step.inputs).map(String::as_str));
                if let Some(tool) = direct.into_iter().find(|t| t.category == category) {
                    out.push(Hit { pipeline, job, step, tool, via: None });
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

/// Names listed for a message: "a, b and c".
pub(crate) fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

#[cfg(test)]
pub(crate) mod testing {
    use crate::check::{Check, Context, Targets};
    use crate::facts::RepoFacts;
    use crate::model::{Finding, Status};

    /// Evaluates a check over exactly these in-memory files, with the default targets.
    pub fn evaluate(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let repo = RepoFacts::from_memory(files);
        check.evaluate(&Context { repo: &repo, targets: &Targets::default() })
    }

    /// A row of a check's table: what it is, the files, the status expected.
    pub type Row<'a> = (&'a str, Vec<(&'a str, &'a str)>, Status);

    /// Asserts the status a check gives over these files, and that a pass or partial cites evidence.
    pub fn expect(check: &dyn Check, name: &str, files: &[(&str, &str)], want: Status) {
        let f = evaluate(check, files);
        assert_eq!(f.status, want, "{name}: {}", f.message);
        if matches!(f.status, Status::Pass | Status::Partial) {
            assert!(!f.evidence.is_empty(), "{name}: no evidence");
        }
    }

    /// [`expect`] for every row.
    pub fn table(check: &dyn Check, rows: Vec<Row>) {
        for (name, files, want) in rows {
            expect(check, name, &files, want);
        }
    }
}
