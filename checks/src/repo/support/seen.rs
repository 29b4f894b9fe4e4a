//! What a check found and where, listed in messages and cited as evidence the same way by every
//! family.

use crate::facts::files::Location;
use crate::facts::manifests::Dependency;
use crate::facts::scan::Hit;
use crate::model::{Evidence, Finding};

/// Evidence for a content-scan hit: its file, line and matching text.
pub(crate) fn hit_evidence(h: &Hit) -> Evidence {
    Evidence::file_snippet(h.path.clone(), h.line, h.text.clone())
}

/// Live hits of these signals in files of these locations, outside Markdown documentation, in
/// path order per signal.
pub(crate) fn signal_hits<'a>(
    repo: &'a crate::facts::RepoFacts,
    ids: &'a [&'a str],
    locations: &'a [Location],
) -> Vec<&'a Hit> {
    ids.iter()
        .flat_map(|id| repo.scan.hits(id))
        .filter(|h| locations.contains(&h.location) && !h.path.ends_with(".md"))
        .collect()
}

/// Something found in support of a check: what it is and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seen {
    pub what: String,
    pub path: String,
    pub line: Option<u32>,
    pub location: Location,
}

impl Seen {
    pub fn new(what: impl Into<String>, path: &str, line: Option<u32>, location: Location) -> Self {
        Seen { what: what.into(), path: path.to_string(), line, location }
    }

    pub fn hit(what: impl Into<String>, h: &Hit) -> Self {
        Seen::new(what, &h.path, Some(h.line), h.location)
    }

    pub fn dep(what: impl Into<String>, d: &Dependency) -> Self {
        Seen::new(what, &d.manifest, d.line, Location::Project)
    }

    /// The project's own (not an example, fixture or vendored copy).
    pub fn own(&self) -> bool {
        matches!(self.location, Location::Project | Location::Test)
    }

    pub fn place(&self) -> String {
        match self.line {
            Some(l) => format!("`{}:{l}`", self.path),
            None => format!("`{}`", self.path),
        }
    }

    pub fn evidence(&self) -> Evidence {
        Evidence::file(self.path.clone(), self.line)
    }
}

/// Names listed for a message: "a, b and c".
pub(crate) fn list(items: &[String]) -> String {
    match items.len() {
        0 => String::new(),
        1 => items[0].clone(),
        n => format!("{} and {}", items[..n - 1].join(", "), items[n - 1]),
    }
}

/// "x (`a.yml:3`), y (`b.yml`) and 2 more".
pub(crate) fn describe(seen: &[&Seen]) -> String {
    let mut items: Vec<String> = Vec::new();
    for s in seen {
        let item = format!("{} ({})", s.what, s.place());
        if !items.contains(&item) {
            items.push(item);
        }
    }
    let more = items.len().saturating_sub(3);
    items.truncate(3);
    if more > 0 {
        items.push(format!("{more} more"));
    }
    list(&items)
}

/// Evidence for up to five distinct places.
pub(crate) fn cite(seen: &[&Seen]) -> Vec<Evidence> {
    let mut out: Vec<Evidence> = Vec::new();
    for s in seen {
        let e = s.evidence();
        if !out.contains(&e) {
            out.push(e);
        }
        if out.len() == 5 {
            break;
        }
    }
    out
}

/// Splits into the project's own items and the rest (examples, fixtures).
pub(crate) fn own_and_other(seen: &[Seen]) -> (Vec<&Seen>, Vec<&Seen>) {
    seen.iter().partition(|s| s.own())
}

/// The finding for evidence that only appears in examples or fixtures.
pub(crate) fn examples_only(others: &[&Seen], what: &str) -> Finding {
    Finding::partial(0.2, format!("{what} appears only in examples or fixtures: {}", describe(others)))
        .with(cite(others))
}

/// What these content signals found, one [`Seen`] per hit named by its matching text; vendored
/// copies of other projects are left out (they are never the project's practice).
pub(crate) fn signal_seen(repo: &crate::facts::RepoFacts, ids: &[&str]) -> Vec<Seen> {
    ids.iter()
        .flat_map(|id| doc_hits(repo, id))
        .filter(|h| h.location != Location::Vendored)
        .map(|h| Seen::hit(format!("`{}`", crate::model::clip(&h.text, 70)), h))
        .collect()
}

/// Live hits of a signal, counting the lines of prose documents that the scan takes for comments:
/// in Markdown, AsciiDoc and reStructuredText, `# SOC 2 controls` is a heading, not a comment.
pub(crate) fn doc_hits<'a>(repo: &'a crate::facts::RepoFacts, id: &str) -> impl Iterator<Item = &'a Hit> + 'a {
    let prose = |p: &str| [".md", ".adoc", ".rst"].iter().any(|x| p.ends_with(x));
    repo.scan.all_hits(id).iter().filter(move |h| !h.commented || prose(&h.path))
}

/// The ladder of a question answered by content signals alone: `pass` on the project's own
/// evidence (code or tests), `partial` when it appears only in examples or fixtures, else `None`.
pub(crate) fn own_or_examples(seen: &[Seen], found: &str) -> Option<Finding> {
    let (own, other) = own_and_other(seen);
    if !own.is_empty() {
        return Some(Finding::pass(format!("{found}: {}", describe(&own))).with(cite(&own)));
    }
    if !other.is_empty() {
        return Some(examples_only(&other, found));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_descriptions() {
        assert_eq!(list(&[]), "");
        assert_eq!(list(&["a".into(), "b".into(), "c".into()]), "a, b and c");
        let s: Vec<Seen> =
            (1..=5).map(|n| Seen::new(format!("x{n}"), &format!("f{n}.yml"), Some(n), Location::Project)).collect();
        let refs: Vec<&Seen> = s.iter().collect();
        assert_eq!(describe(&refs), "x1 (`f1.yml:1`), x2 (`f2.yml:2`), x3 (`f3.yml:3`) and 2 more");
        assert_eq!(cite(&refs).len(), 5);
    }
}
