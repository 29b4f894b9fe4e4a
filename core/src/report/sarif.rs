//! SARIF 2.1.0: failing and partial checks as results, for code-scanning dashboards.
//!
//! One run; the tool's rules are the checks used by the scorecard; each open (item, check) pair
//! is a result, `error` for a fail and `warning` for a partial, located at the files its
//! evidence cites (relative to `%SRCROOT%`) and always at the roadmap item as a logical location.
//! Validated in tests against the official OASIS schema.
//!
//! Every string of the document has its control characters replaced (a code-scanning view shows
//! them as they are), and file paths become URI references with everything but unreserved
//! characters percent-encoded, so a name with a space, `#`, `%` or a newline still points at it.

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
    let mut doc = json!({
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
    replace_controls(&mut doc);
    let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
    s.push('\n');
    s
}

/// Every string in the document, with its control characters replaced.
fn replace_controls(v: &mut Value) {
    match v {
        Value::String(s) => {
            if let std::borrow::Cow::Owned(clean) = crate::text::replace_controls(s) {
                *s = clean;
            }
        }
        Value::Array(a) => a.iter_mut().for_each(replace_controls),
        Value::Object(o) => o.values_mut().for_each(replace_controls),
        _ => {}
    }
}

/// A relative path as a URI reference (RFC 3986): every byte but unreserved characters and `/`
/// percent-encoded (so `:` cannot make a scheme, nor `#` or `?` a fragment or query), and leading
/// slashes dropped, so that the reference stays relative to `%SRCROOT%`.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.trim_start_matches('/').bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::uri;

    /// RFC 3986 `relative-ref` without query or fragment: segments of unreserved characters and
    /// percent-encoded bytes, no scheme, no authority.
    fn is_relative_reference(s: &str) -> bool {
        let bytes = s.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' => {
                    if !(i + 2 < bytes.len() && bytes[i + 1].is_ascii_hexdigit() && bytes[i + 2].is_ascii_hexdigit()) {
                        return false;
                    }
                    i += 3;
                    continue;
                }
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {}
                _ => return false,
            }
            i += 1;
        }
        !s.starts_with("//")
    }

    #[test]
    fn uris_are_encoded_relative_references() {
        for (path, want) in [
            ("docs/my file<1>.md", "docs/my%20file%3C1%3E.md"),
            ("a#b?c%d.yml", "a%23b%3Fc%25d.yml"),
            ("line\nbreak.yml", "line%0Abreak.yml"),
            ("javascript:alert(1).yml", "javascript%3Aalert%281%29.yml"),
            ("//evil.example/x", "evil.example/x"),
            ("docs/Привет.md", "docs/%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82.md"),
            ("caf\u{fffd}.yml", "caf%EF%BF%BD.yml"),
            ("e\u{202e}vil", "e%E2%80%AEvil"),
        ] {
            assert_eq!(uri(path), want, "{path:?}");
            assert!(is_relative_reference(&uri(path)), "{path:?}");
        }
    }
}
