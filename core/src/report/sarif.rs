//! SARIF 2.1.0: failing and partial checks as results, for code-scanning dashboards.
//!
//! One run; the tool's rules are the checks used by the scorecard; each open (item, check) pair
//! is a result, `error` for a fail and `warning` for a partial, located at the files its
//! evidence cites (relative to `%SRCROOT%`) and always at the roadmap item as a logical location.
//! Validated in tests against the official OASIS schema.

use crate::scorecard::Scorecard;
use maturity_checks::model::{Evidence, Status};
use maturity_checks::registry;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

pub fn render(card: &Scorecard) -> String {
    let mut rule_ids: Vec<&str> = Vec::new();
    for i in &card.items {
        for c in &i.checks {
            if !rule_ids.contains(&c.id.as_str()) {
                rule_ids.push(&c.id);
            }
        }
    }
    let rules: Vec<Value> = rule_ids
        .iter()
        .map(|id| {
            let check = card.items.iter().flat_map(|i| &i.checks).find(|c| &c.id == id);
            let meta = registry::find(id).map(|c| c.meta());
            let items: Vec<&str> =
                card.items.iter().filter(|i| i.checks.iter().any(|c| &c.id == id)).map(|i| i.id.as_str()).collect();
            json!({
                "id": id,
                "name": id.rsplit('.').next().unwrap_or(id),
                "shortDescription": {"text": check.map(|c| c.title.as_str()).unwrap_or(id)},
                "fullDescription": {"text": meta.map(|m| m.rationale).unwrap_or("")},
                "help": {"text": check.map(|c| c.remediation.as_str()).unwrap_or("")},
                "properties": {"tags": ["maturity"], "roadmapItems": items}
            })
        })
        .collect();
    let mut results = Vec::new();
    for item in &card.items {
        for c in &item.checks {
            let level = match c.status {
                Status::Fail => "error",
                Status::Partial => "warning",
                _ => continue,
            };
            let physical: Vec<Value> = c
                .evidence
                .iter()
                .filter_map(|e| match e {
                    Evidence::File { path, line, .. } => {
                        let mut loc = json!({"physicalLocation": {"artifactLocation": {"uri": uri(path), "uriBaseId": "%SRCROOT%"}}});
                        if let Some(l) = line.filter(|l| *l >= 1) {
                            loc["physicalLocation"]["region"] = json!({"startLine": l});
                        }
                        Some(loc)
                    }
                    _ => None,
                })
                .take(5)
                .collect();
            let mut location = physical.first().cloned().unwrap_or_else(|| json!({}));
            location["logicalLocations"] = json!([{"name": item.id, "fullyQualifiedName": format!("{}/{}", card.roadmap.id, item.id), "kind": "module"}]);
            let fingerprint: String = Sha256::digest(format!("{}/{}/{}", card.repository.identity, item.id, c.id))
                .iter()
                .take(16)
                .map(|b| format!("{b:02x}"))
                .collect();
            results.push(json!({
                "ruleId": c.id,
                "ruleIndex": rule_ids.iter().position(|r| *r == c.id).unwrap_or(0),
                "level": level,
                "message": {"text": format!("{} {}: {}", item.id, item.title, c.message)},
                "locations": [location],
                "relatedLocations": physical.iter().skip(1).enumerate().map(|(n, l)| { let mut l = l.clone(); l["id"] = json!(n + 1); l }).collect::<Vec<_>>(),
                "partialFingerprints": {"maturityItemCheck/v1": fingerprint},
                "properties": {"item": item.id, "score": c.score}
            }));
        }
    }
    let doc = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "maturity",
                "version": card.tool.version,
                "informationUri": "https://github.com/maturity-scorecard/maturity",
                "rules": rules
            }},
            "automationDetails": {"id": format!("maturity/{}/", card.roadmap.id)},
            "results": results,
            "properties": {"score": card.score, "level": card.level, "coverage": card.coverage}
        }]
    });
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// A relative path as a URI reference: spaces and other reserved characters percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn uris_are_encoded() {
        assert_eq!(super::uri("docs/my file<1>.md"), "docs/my%20file%3C1%3E.md");
    }
}
