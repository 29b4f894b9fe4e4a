//! Checks that judge repository facts, one file (or folder) per family: `repo.<family>.<question>`
//! lives in `repo/<family>.rs`, in a family folder `repo/<family>/`, or in a group folder as
//! `repo/<group>/<family>.rs` (`repo/infra/db.rs` holds `repo.db.*`); a registry test keeps it so.
//!
//! What families share (pod specs, Helm values, the `unknown`-or-`fail` ladder, matching images to
//! products, CI steps by tool) is in [`support`]; what CI commands do is in [`tools`].

pub mod arch;
pub mod auth;
pub mod bi;
pub mod ci;
pub mod cost;
pub mod coverage;
pub mod docs;
pub mod flags;
pub mod governance;
pub mod infra;
pub mod obs;
pub mod perf;
pub mod quality;
pub mod scaling;
pub mod security;
pub mod slo;
pub(crate) mod support;
pub mod tools;

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

    /// [`table`] over the files of an application (a Dockerfile makes it one).
    pub fn service_table(check: &dyn Check, rows: Vec<Row>) {
        for (name, mut files, want) in rows {
            if !files.iter().any(|(p, _)| *p == "composer.json" || *p == "Dockerfile") {
                files.push(("Dockerfile", "FROM scratch\n"));
            }
            expect(check, name, &files, want);
        }
    }

    /// Evaluates a check over in-memory files of an application (a Dockerfile makes it one).
    pub fn run(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let mut all: Vec<(&str, &str)> = vec![("Dockerfile", "FROM scratch\n")];
        all.extend_from_slice(files);
        let repo = RepoFacts::from_memory(&all);
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }

    /// Evaluates a check over exactly these files.
    pub fn run_bare(check: &dyn Check, files: &[(&str, &str)]) -> Finding {
        let repo = RepoFacts::from_memory(files);
        checked(check.evaluate(&Context { repo: &repo, targets: &Targets::default() }))
    }

    /// The product's promises: a pass or partial cites evidence, every finding says something.
    fn checked(f: Finding) -> Finding {
        if matches!(f.status, Status::Pass | Status::Partial) {
            assert!(!f.evidence.is_empty(), "{:?} without evidence: {}", f.status, f.message);
        }
        assert!(f.message.len() > 20 && f.message.ends_with('.'), "{}", f.message);
        f
    }
}
