//! XML parsing with the protections untrusted reports need.
//!
//! Coverage and test reports often carry a DOCTYPE (JaCoCo does), so DTDs are allowed, but no
//! report format declares entities: a document that does (`<!ENTITY`) is refused before parsing,
//! since a few hundred bytes of nested entity references can expand to gigabytes. External
//! entities are never resolved and the node count is bounded. Parser panics become errors.

/// Upper bound on XML nodes (a 50 MB Cobertura report has about two million).
const NODES_LIMIT: u32 = 8_000_000;

pub fn parse(text: &str) -> Result<roxmltree::Document<'_>, String> {
    if let Some(at) = memchr::memmem::find(text.as_bytes(), b"<!ENTITY") {
        let line = crate::text::LineIndex::new(text).line(at);
        return Err(format!("declares DTD entities (line {line}), which no report format needs; not read"));
    }
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
        let jacoco = r#"<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="Проект 报告 😀"/>"#;
        assert!(super::parse(jacoco).is_ok(), "a DOCTYPE without entities is fine");
        // many references to one small entity: refused before any expansion
        let wide = format!("<!DOCTYPE r [<!ENTITY e \"{}\">]><r>{}</r>", "ж".repeat(500), "&e;".repeat(300));
        let err = super::parse(&wide).unwrap_err();
        assert!(err.contains("entities"), "{err}");
    }
}
