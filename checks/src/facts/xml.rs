//! XML parsing with the protections untrusted reports need.
//!
//! Coverage and test reports often carry a DOCTYPE (JaCoCo does), so DTDs are allowed, but
//! external entities are never resolved and the node count is bounded; roxmltree also refuses
//! entity-expansion loops. Parser panics become errors.

/// Upper bound on XML nodes (a 50 MB Cobertura report has about two million).
const NODES_LIMIT: u32 = 8_000_000;

pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    let options = roxmltree::ParsingOptions { allow_dtd: true, nodes_limit: NODES_LIMIT, ..Default::default() };
    match crate::facts::guard(|| roxmltree::Document::parse_with_options(text, options)) {
        Ok(Ok(doc)) => Ok(doc),
        Ok(Err(e)) => Err(e.to_string()),
        Err(panic) => Err(format!("the XML parser failed: {panic}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn entities_are_never_fetched_and_loops_refused() {
        let xxe = r#"<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><r>&x;</r>"#;
        assert!(super::parse(xxe).is_err());
        let laughs = r#"<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">]><r>&f;&f;&f;&f;&f;&f;&f;&f;</r>"#;
        assert!(super::parse(laughs).is_err());
        assert!(super::parse("<report><counter/></report>").is_ok());
    }
}
