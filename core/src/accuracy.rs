//! Accuracy against hand labels: how often the audit's item verdicts agree with a careful human
//! reading of real repositories.
//!
//! A label file (`checks/accuracy/labels/<owner>+<name>.toml`) records, for one repository at one
//! commit, the verdict a reviewer gave each roadmap item before the tool was run: `pass`,
//! `partial`, `fail`, or `n/a` for items that do not apply (a library has no database cluster).
//! Agreement is exact: `n/a` agrees with `not_assessed`, and nothing else agrees with anything
//! but itself. The one error that matters most is a `pass` where the label says `fail`; it is
//! counted separately.

use crate::scorecard::Scorecard;
use maturity_checks::model::Status;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Deserialize)]
pub struct LabelFile {
    pub repository: String,
    pub commit: String,
    pub kind: String,
    #[serde(default)]
    pub stack: String,
    pub items: BTreeMap<String, Label>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub label: String,
    #[serde(default)]
    pub evidence: Vec<String>,
    #[serde(default)]
    pub note: String,
}

impl LabelFile {
    pub fn parse(text: &str) -> Result<LabelFile, String> {
        let f: LabelFile = toml::from_str(text).map_err(|e| e.message().to_string())?;
        for (id, l) in &f.items {
            if !matches!(l.label.as_str(), "pass" | "partial" | "fail" | "n/a") {
                return Err(format!("item {id}: label `{}` is not pass, partial, fail or n/a", l.label));
            }
        }
        Ok(f)
    }
}

/// The verdict of the tool in label vocabulary.
pub fn as_label(status: Status) -> &'static str {
    match status {
        Status::Pass | Status::Waived => "pass",
        Status::Partial => "partial",
        Status::Fail => "fail",
        Status::NotAssessed => "n/a",
        Status::Unknown => "unknown",
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ItemComparison {
    pub item: String,
    pub label: String,
    pub tool: String,
    pub agree: bool,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RepoComparison {
    pub repository: String,
    pub commit: String,
    pub items: Vec<ItemComparison>,
}

impl RepoComparison {
    pub fn agreed(&self) -> usize {
        self.items.iter().filter(|i| i.agree).count()
    }
    pub fn pass_on_fail(&self) -> usize {
        self.items.iter().filter(|i| i.label == "fail" && i.tool == "pass").count()
    }
}

/// Compares one scorecard with its labels.
pub fn compare(labels: &LabelFile, card: &Scorecard) -> RepoComparison {
    let items = labels
        .items
        .iter()
        .map(|(id, l)| {
            let tool = card.item(id).map(|i| as_label(i.status)).unwrap_or("missing");
            ItemComparison {
                item: id.clone(),
                label: l.label.clone(),
                tool: tool.to_string(),
                agree: tool == l.label,
                note: l.note.clone(),
            }
        })
        .collect();
    RepoComparison { repository: labels.repository.clone(), commit: labels.commit.clone(), items }
}

/// Totals over several repositories: (agreed, total, pass-on-fail).
pub fn totals(repos: &[RepoComparison]) -> (usize, usize, usize) {
    let agreed = repos.iter().map(RepoComparison::agreed).sum();
    let total = repos.iter().map(|r| r.items.len()).sum();
    let pof = repos.iter().map(RepoComparison::pass_on_fail).sum();
    (agreed, total, pof)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::evaluate;
    use crate::roadmap::Roadmap;
    use maturity_checks::facts::{NoProgress, RepoFacts};

    #[test]
    fn exact_agreement_and_pass_on_fail() {
        let card = evaluate(
            &RepoFacts::from_memory(&[]),
            &Roadmap::default_roadmap(),
            &crate::audit::Policy::default(),
            &NoProgress,
        );
        let mut text = String::from("repository = \"r\"\ncommit = \"c\"\nkind = \"library\"\n");
        text.push_str(
            "[items.\"6.1\"]\nlabel = \"fail\"\n[items.\"1.1\"]\nlabel = \"n/a\"\n[items.\"6.3\"]\nlabel = \"pass\"\n",
        );
        let labels = LabelFile::parse(&text).unwrap();
        let c = compare(&labels, &card);
        let got: Vec<(&str, &str, bool)> =
            c.items.iter().map(|i| (i.item.as_str(), i.tool.as_str(), i.agree)).collect();
        assert_eq!(got, vec![("1.1", "n/a", true), ("6.1", "fail", true), ("6.3", "fail", false)]);
        assert_eq!(c.pass_on_fail(), 0);
        assert!(
            LabelFile::parse("repository = \"r\"\ncommit = \"c\"\nkind = \"x\"\n[items.\"1.1\"]\nlabel = \"maybe\"\n")
                .is_err()
        );
    }
}
