//! Accuracy against hand labels: how often the audit's item verdicts agree with a careful human
//! reading of real repositories.
//!
//! A label file (`checks/accuracy/labels/<owner>+<name>.toml`) records, for one repository at one
//! commit, the verdict a reviewer gave each roadmap item before the tool was run: `pass`,
//! `partial`, `fail`, or `n/a` for items that do not apply (a library has no database cluster).
//! Agreement is exact: `n/a` agrees with `not_assessed`, and nothing else agrees with anything
//! but itself; agreement within one step also counts `pass`/`partial` and `partial`/`fail`. The
//! one error that matters most is a `pass` where the label says `fail`; it is counted separately.
//!
//! Every label file says which set it belongs to: `tuning` labels are those the rules were tuned
//! against, `held-out` labels were written for repositories the rules never saw and are only ever
//! measured. A figure on the tuning set is an in-sample figure; the held-out figure is the one to
//! quote.

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
    /// `tuning` or `held-out`.
    pub set: String,
    pub items: BTreeMap<String, Label>,
}

/// Labels the rules were tuned against.
pub const TUNING: &str = "tuning";
/// Labels of repositories the rules never saw.
pub const HELD_OUT: &str = "held-out";

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
        if f.set != TUNING && f.set != HELD_OUT {
            return Err(format!("set `{}` is not `{TUNING}` or `{HELD_OUT}`", f.set));
        }
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
    /// The label set: `tuning` or `held-out`.
    pub set: String,
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

impl ItemComparison {
    /// The verdicts agree, or are neighbours on the pass / partial / fail scale.
    pub fn within_one_step(&self) -> bool {
        let rank = |s: &str| match s {
            "pass" => Some(2i8),
            "partial" => Some(1),
            "fail" => Some(0),
            _ => None,
        };
        self.agree || matches!((rank(&self.label), rank(&self.tool)), (Some(a), Some(b)) if (a - b).abs() == 1)
    }
}

/// Agreement over a set of repositories.
#[derive(Debug, Clone, Copy, Serialize, PartialEq, Default)]
pub struct Summary {
    pub repositories: usize,
    pub labels: usize,
    pub agreed: usize,
    /// Labels other than `n/a`, and how many of them agree.
    pub applicable_labels: usize,
    pub applicable_agreed: usize,
    pub within_one_step: usize,
    pub pass_on_fail: usize,
}

impl Summary {
    pub fn of<'a>(repos: impl IntoIterator<Item = &'a RepoComparison>) -> Summary {
        let mut s = Summary::default();
        for r in repos {
            s.repositories += 1;
            for i in &r.items {
                s.labels += 1;
                s.agreed += i.agree as usize;
                if i.label != "n/a" {
                    s.applicable_labels += 1;
                    s.applicable_agreed += i.agree as usize;
                }
                s.within_one_step += i.within_one_step() as usize;
            }
            s.pass_on_fail += r.pass_on_fail();
        }
        s
    }

    pub fn percent(&self) -> f64 {
        share(self.agreed, self.labels)
    }

    pub fn applicable_percent(&self) -> f64 {
        share(self.applicable_agreed, self.applicable_labels)
    }

    pub fn within_one_step_percent(&self) -> f64 {
        share(self.within_one_step, self.labels)
    }
}

fn share(n: usize, of: usize) -> f64 {
    if of == 0 { 0.0 } else { n as f64 * 100.0 / of as f64 }
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
    RepoComparison {
        repository: labels.repository.clone(),
        commit: labels.commit.clone(),
        set: labels.set.clone(),
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::evaluate;
    use crate::roadmap::Roadmap;
    use maturity_checks::facts::{NoProgress, RepoFacts};

    #[test]
    fn within_one_step_is_neighbours_on_the_scale() {
        let c = |label: &str, tool: &str| ItemComparison {
            item: "1.1".into(),
            label: label.into(),
            tool: tool.into(),
            agree: label == tool,
            note: String::new(),
        };
        for (label, tool, want) in [
            ("pass", "partial", true),
            ("partial", "fail", true),
            ("pass", "fail", false),
            ("n/a", "fail", false),
            ("n/a", "n/a", true),
            ("fail", "unknown", false),
        ] {
            assert_eq!(c(label, tool).within_one_step(), want, "{label}→{tool}");
        }
    }

    #[test]
    fn exact_agreement_and_pass_on_fail() {
        let card = evaluate(
            &RepoFacts::from_memory(&[]),
            &Roadmap::default_roadmap(),
            &crate::audit::Policy::default(),
            &NoProgress,
        );
        let mut text = String::from("repository = \"r\"\ncommit = \"c\"\nkind = \"library\"\nset = \"held-out\"\n");
        text.push_str(
            "[items.\"6.1\"]\nlabel = \"fail\"\n[items.\"1.1\"]\nlabel = \"n/a\"\n[items.\"6.3\"]\nlabel = \"pass\"\n",
        );
        let labels = LabelFile::parse(&text).unwrap();
        let c = compare(&labels, &card);
        let got: Vec<(&str, &str, bool)> =
            c.items.iter().map(|i| (i.item.as_str(), i.tool.as_str(), i.agree)).collect();
        assert_eq!(got, vec![("1.1", "n/a", true), ("6.1", "fail", true), ("6.3", "fail", false)]);
        assert_eq!(c.pass_on_fail(), 0);
        let s = Summary::of([&c]);
        assert_eq!((s.labels, s.agreed, s.applicable_labels, s.applicable_agreed), (3, 2, 2, 1));
        assert_eq!(s.within_one_step, 2, "pass against fail is two steps apart");
        for bad in [
            "repository = \"r\"\ncommit = \"c\"\nkind = \"x\"\nset = \"tuning\"\n[items.\"1.1\"]\nlabel = \"maybe\"\n",
            "repository = \"r\"\ncommit = \"c\"\nkind = \"x\"\nset = \"both\"\n[items.\"1.1\"]\nlabel = \"pass\"\n",
            "repository = \"r\"\ncommit = \"c\"\nkind = \"x\"\n[items.\"1.1\"]\nlabel = \"pass\"\n",
        ] {
            assert!(LabelFile::parse(bad).is_err(), "{bad}");
        }
    }
}
