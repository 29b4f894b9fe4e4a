use super::*;

#[test]
fn coverage_formats() {
    for (name, text, format, covered, total) in [
        (
            "clover",
            r#"<coverage generated="1"><project timestamp="1"><file name="a"><metrics statements="5" coveredstatements="1"/></file><metrics files="1" statements="120" coveredstatements="90" elements="200" coveredelements="150"/></project></coverage>"#,
            CoverageFormat::Clover,
            90,
            120,
        ),
        (
            "cobertura attrs",
            r#"<?xml version="1.0"?><!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd"><coverage line-rate="0.5" lines-covered="10" lines-valid="20"></coverage>"#,
            CoverageFormat::Cobertura,
            10,
            20,
        ),
        (
            "cobertura lines",
            r#"<coverage line-rate="0.5"><packages><package><classes><class><lines><line number="1" hits="0"/><line number="2" hits="3"/></lines></class></classes></package></packages></coverage>"#,
            CoverageFormat::Cobertura,
            1,
            2,
        ),
        (
            "jacoco",
            r#"<?xml version="1.0"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd"><report name="x"><package name="p"><counter type="LINE" missed="100" covered="0"/></package><counter type="INSTRUCTION" missed="1" covered="1"/><counter type="LINE" missed="25" covered="75"/></report>"#,
            CoverageFormat::Jacoco,
            75,
            100,
        ),
        (
            "lcov",
            "TN:\nSF:src/a.rs\nDA:1,1\nLF:10\nLH:7\nend_of_record\nSF:src/b.rs\nLF:10\nLH:3\nend_of_record\n",
            CoverageFormat::Lcov,
            10,
            20,
        ),
        ("lcov without totals", "SF:a\nDA:1,1\nDA:2,0\nend_of_record\n", CoverageFormat::Lcov, 1, 2),
        (
            "istanbul",
            r#"{"total":{"lines":{"total":40,"covered":30,"skipped":0,"pct":75}}}"#,
            CoverageFormat::IstanbulSummary,
            30,
            40,
        ),
        (
            "go",
            "mode: set\na.go:1.1,2.2 3 1\na.go:3.1,4.2 2 0\na.go:1.1,2.2 3 0\n",
            CoverageFormat::GoCoverprofile,
            3,
            5,
        ),
    ] {
        let r = parse_coverage("x", text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((r.format, r.lines_covered, r.lines_total), (format, covered, total), "{name}");
    }
}

#[test]
fn broken_coverage_reports_say_why() {
    for (name, text) in [
        ("truncated xml", "<coverage><project>"),
        ("clover without metrics", "<coverage><project></project></coverage>"),
        ("unknown xml", "<html></html>"),
        ("inconsistent", r#"<coverage lines-covered="30" lines-valid="20"/>"#),
        ("bad lcov", "SF:a\nLF:ten\n"),
        ("json without total", "{\"a\":1}"),
        ("plain text", "hello"),
        ("binary garbage", "\u{1}\u{2}\u{3}"),
    ] {
        assert!(parse_coverage("x", text).is_err(), "{name}");
    }
}

#[test]
fn sarif_severities() {
    let text = r#"{"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Trivy","rules":[
        {"id":"CVE-1","properties":{"security-severity":"9.1"}},
        {"id":"CVE-2","properties":{"tags":["vulnerability","HIGH"]}},
        {"id":"R3"}]}},
      "results":[
        {"ruleId":"CVE-1","ruleIndex":0,"message":{"text":"critical one"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"composer.lock"},"region":{"startLine":3}}}]},
        {"ruleId":"CVE-2","message":{"text":"high"}},
        {"ruleId":"R3","level":"error","message":{"text":"unrated"}},
        {"ruleId":"CVE-1","ruleIndex":0,"message":{"text":"suppressed"},"suppressions":[{"kind":"inSource"}]},
        {"ruleId":"X","properties":{"security-severity":2.0},"message":{"text":"low"}}]}]}"#;
    let r = parse_sarif("r.sarif", text).unwrap();
    assert_eq!(r.counts, SeverityCounts { critical: 1, high: 1, medium: 0, low: 1, unrated: 1 });
    assert_eq!(r.suppressed, 1);
    assert_eq!(r.tools, vec!["Trivy"]);
    assert_eq!(r.worst[0].location.as_deref(), Some("composer.lock:3"));
    for bad in [r#"{"version":"2.0.0","runs":[]}"#, r#"{"version":"2.1.0"}"#, "[1,2", ""] {
        assert!(parse_sarif("x", bad).is_err(), "{bad}");
    }
}

#[test]
fn trivy_counts() {
    let text = r#"{"SchemaVersion":2,"ArtifactName":".","Results":[
        {"Target":"composer.lock","Vulnerabilities":[{"VulnerabilityID":"CVE-1","PkgName":"a","Severity":"CRITICAL","Title":"t"},{"VulnerabilityID":"CVE-2","Severity":"MEDIUM"}]},
        {"Target":"Dockerfile","Misconfigurations":[{"ID":"DS002","Severity":"HIGH","Status":"FAIL"},{"ID":"DS001","Severity":"HIGH","Status":"PASS"}]},
        {"Target":"x","Secrets":[{"RuleID":"aws","Severity":"CRITICAL"}]}]}"#;
    let r = parse_trivy("t.json", text).unwrap();
    assert_eq!((r.counts.critical, r.counts.high, r.counts.medium), (2, 1, 1));
    assert!(parse_trivy("x", r#"{"foo":1}"#).is_err());
}

#[test]
fn given_reports_win_and_fixture_reports_are_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("cov.info");
    std::fs::write(&report, "SF:a\nLF:4\nLH:3\nend_of_record\n").unwrap();
    let idx = FileIndex::from_memory(&[("tests/fixtures/lcov.info", "SF:a\nLF:4\nLH:0\nend_of_record\n")]);
    let mut problems = Vec::new();
    let given = [
        EvidenceInput { kind: EvidenceKind::Coverage, path: report.clone() },
        EvidenceInput { kind: EvidenceKind::Sarif, path: dir.path().join("missing.sarif") },
    ];
    let r = collect(&idx, &given, &mut problems);
    assert_eq!(r.coverage.len(), 1);
    assert!(r.coverage[0].given);
    assert_eq!(r.coverage[0].percent, 75.0);
    assert_eq!(r.ignored, vec!["tests/fixtures/lcov.info"]);
    assert!(r.broken(EvidenceKind::Sarif).is_some());
    assert_eq!(problems.len(), 1);
}

#[cfg(unix)]
#[test]
fn well_known_paths_refuse_symlinks() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("coverage")).unwrap();
    let outside = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(outside.path(), "SF:a\nLF:1\nLH:1\nend_of_record\n").unwrap();
    std::os::unix::fs::symlink(outside.path(), dir.path().join("coverage/lcov.info")).unwrap();
    std::fs::write(
        dir.path().join("coverage/clover.xml"),
        r#"<coverage><project><metrics statements="10" coveredstatements="5"/></project></coverage>"#,
    )
    .unwrap();
    let idx = FileIndex::walk(dir.path(), 1 << 20).unwrap();
    let mut problems = Vec::new();
    let r = collect(&idx, &[], &mut problems);
    let paths: Vec<&str> = r.coverage.iter().map(|c| c.path.as_str()).collect();
    assert_eq!(paths, vec!["coverage/clover.xml"]);
}
