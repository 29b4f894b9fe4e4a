//! Hostile repositories: each case builds a repository that once crashed, hung, exhausted memory,
//! read outside the tree, leaked another repository's history or bypassed the gate, runs the real
//! binary on it under a time limit while measuring its peak memory, and asserts the exact
//! outcome: the exit code, the problem or note reported, and that nothing from outside the
//! repository reached any output. Every case carries non-ASCII text (Cyrillic, CJK, Mongolian,
//! emoji) so that byte-boundary slicing is exercised everywhere.
//!
//! The limits are those of a debug build on a shared two-core machine; a release build is several
//! times faster.

mod common;

use common::*;
use serde_json::Value;
use std::fs;
use std::path::Path;
use std::time::{Duration, Instant};

/// Wall time any case may take.
const TIME_LIMIT: Duration = Duration::from_secs(30);

/// Peak resident memory any case may reach.
const MEMORY_LIMIT_MIB: u64 = 512;

/// Text that lives outside every audited repository: none of it may reach an output.
const OUTSIDE: &str = "SECRET-OUTSIDE-Секрет-秘密-🙈";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
    elapsed: Duration,
    peak_mib: u64,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("invalid JSON ({e}): {}", self.stdout))
    }

    /// Every problem message and note of a JSON run, one per line.
    fn reported(&self) -> String {
        let card = self.json();
        let mut out = Vec::new();
        for p in card["problems"].as_array().into_iter().flatten() {
            out.push(format!("{}: {}", p["path"].as_str().unwrap_or(""), p["message"].as_str().unwrap_or("")));
        }
        for n in card["notes"].as_array().into_iter().flatten() {
            out.push(n.as_str().unwrap_or("").to_string());
        }
        out.join("\n")
    }
}

/// Runs `maturity` with a time limit, measuring its peak memory.
///
/// The memory is measured by GNU time, which forks from its own small process: the peak of a
/// child forked from this test process would include this process's own memory.
fn run(args: &[&str]) -> Run {
    run_with(args, |_| {})
}

/// [`run`] with the environment `adjust` makes.
fn run_with(args: &[&str], adjust: impl FnOnce(&mut std::process::Command)) -> Run {
    use std::os::unix::process::CommandExt;
    let out_dir = tempfile::tempdir().unwrap();
    let (out_path, err_path, rss_path) =
        (out_dir.path().join("out"), out_dir.path().join("err"), out_dir.path().join("rss"));
    let time = Path::new("/usr/bin/time");
    let measured = time.exists();
    if !measured {
        assert!(std::env::var_os("CI").is_none(), "CI must install GNU time (/usr/bin/time) for the memory bounds");
        eprintln!("skipped: memory bounds of the hostile suite (GNU time is not installed at /usr/bin/time)");
    }
    let mut command = if measured {
        let mut c = std::process::Command::new(time);
        c.arg("-f").arg("%M").arg("-o").arg(&rss_path).arg(env!("CARGO_BIN_EXE_maturity"));
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_maturity"))
    };
    adjust(&mut command);
    let started = Instant::now();
    let mut child = command
        .args(args)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null())
        .stdout(fs::File::create(&out_path).unwrap())
        .stderr(fs::File::create(&err_path).unwrap())
        .process_group(0)
        .spawn()
        .unwrap();
    let mut killed = false;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > TIME_LIMIT && !killed {
            // SAFETY: the group is the child's own (it has not been reaped yet).
            unsafe { libc::kill(-(child.id() as libc::pid_t), libc::SIGKILL) };
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&fs::read(&err_path).unwrap()).into_owned();
    // GNU time reports a killed or failed command on stderr and exits with its status
    let peak_kib: u64 = fs::read_to_string(&rss_path)
        .ok()
        .and_then(|t| t.lines().filter_map(|l| l.trim().parse().ok()).next_back())
        .unwrap_or(0);
    let run = Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&fs::read(&out_path).unwrap()).into_owned(),
        stderr,
        elapsed,
        peak_mib: peak_kib / 1024,
    };
    eprintln!("{:>6.2} s {:>5} MiB  {}", run.elapsed.as_secs_f64(), run.peak_mib, args.join(" "));
    assert!(!killed, "{args:?} ran over {TIME_LIMIT:?} and was killed");
    assert!(run.peak_mib <= MEMORY_LIMIT_MIB, "{args:?} peaked at {} MiB", run.peak_mib);
    assert!(!run.stderr.contains("panicked"), "{args:?} panicked: {}", run.stderr);
    run
}

/// Audits `dir` as JSON; asserts the exit code and that the outside text appears nowhere.
fn audit(dir: &Path, extra: &[&str], exit: i32) -> Run {
    let p = dir.to_str().unwrap();
    let mut args = vec!["audit", p, "-f", "json", "--no-progress", "--no-store"];
    args.extend_from_slice(extra);
    let r = run(&args);
    assert_eq!(r.code, Some(exit), "{args:?}: stderr {}", r.stderr);
    assert!(!r.stdout.contains(OUTSIDE) && !r.stderr.contains(OUTSIDE), "outside text leaked into the output");
    r
}

fn audit_ok(dir: &Path) -> Run {
    audit(dir, &[], 0)
}

fn assert_reported(r: &Run, needle: &str) {
    let reported = r.reported();
    assert!(reported.contains(needle), "expected a problem or note with {needle:?}; got:\n{reported}");
}

/// Every output format of an audit, for cases whose harm is in an output.
fn all_formats(dir: &Path, extra: &[&str]) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    for format in ["table", "json", "markdown", "html", "sarif", "junit"] {
        let p = dir.to_str().unwrap();
        let mut args = vec!["audit", p, "-f", format, "--no-progress", "--no-store", "--color", "never"];
        args.extend_from_slice(extra);
        let r = run(&args);
        assert_eq!(r.code, Some(0), "{format}: {}", r.stderr);
        assert!(!r.stdout.contains(OUTSIDE) && !r.stderr.contains(OUTSIDE), "{format}: outside text leaked");
        out.push((format, r.stdout + &r.stderr));
    }
    out
}

/// A folder outside every repository holding the outside text in report, config and git form.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let clover = format!(
        r#"<?xml version="1.0"?><coverage generated="1"><project name="{OUTSIDE}"><metrics statements="1000" coveredstatements="987"/></project></coverage>"#
    );
    write(dir.path(), "coverage/clover.xml", clover.as_bytes());
    write(dir.path(), "clover.xml", clover.as_bytes());
    write(dir.path(), "roadmap.toml", format!("# {OUTSIDE}\n").as_bytes());
    let repo = git2::Repository::init(dir.path().join("other")).unwrap();
    write(&dir.path().join("other"), "x.txt", OUTSIDE.as_bytes());
    commit_all(&repo, &format!("subject {OUTSIDE}"), 1_700_000_000);
    repo.remote("origin", "https://github.com/outside/SECRET-OUTSIDE-Секрет-秘密-🙈.git").unwrap();
    dir
}

/// A FIFO at `path` (nobody ever writes to it: reading it would block forever).
#[cfg(unix)]
fn fifo(path: &Path) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
}

fn plain(files: &[(&str, &str)]) -> Fixture {
    Fixture::plain(files)
}

// --- text that crosses byte boundaries -------------------------------------------------------

#[test]
fn translation_files_with_characters_across_every_sniffed_boundary() {
    // a character straddles each power-of-two offset a sniff or a cut might use
    let mut mongolian = String::from("openapi: 3.0.0\ninfo: {title: ᠮᠣᠩᠭᠣᠯ}\npaths: {}\n# ");
    while mongolian.len() < 70_000 {
        mongolian.push_str("ᠮᠣᠩᠭᠣᠯ Монгол 蒙古 😀 ");
    }
    let f = plain(&[
        ("translations/messages.mn.yml", &mongolian),
        ("docs/api.openapi.yaml", &mongolian),
        ("README.md", &format!("# Проект 项目\n\n{mongolian}\n")),
        ("docs/runbooks/восстановление.md", &format!("# Disaster recovery 😀\n\nRTO: 4 hours\n{mongolian}")),
    ]);
    let r = audit_ok(f.path());
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 22);
}

#[test]
fn binary_invalid_utf8_and_non_utf8_names_are_skipped_or_read_lossily() {
    let f = plain(&[("README.md", "# Привет\n")]);
    write(f.path(), "config/app.yml", b"key: \xff\xfe\xfd value \xe2\x82\n");
    write(f.path(), "image.yml", b"\x00\x01binary\x00 data");
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let name = std::ffi::OsStr::from_bytes(b".github/workflows/caf\xe9-\xd0.yml");
        fs::create_dir_all(f.join(".github/workflows")).unwrap();
        fs::write(f.path().join(name), "on: pull_request\njobs: {t: {steps: [{run: 'make test'}]}}\n").unwrap();
    }
    let r = audit_ok(f.path());
    assert!(r.json()["facts"]["skipped_binary"].as_u64().unwrap() >= 1);
}

// --- recursion and fan-out in CI -------------------------------------------------------------

#[test]
fn gitlab_child_pipeline_that_triggers_itself() {
    let f = plain(&[(
        ".gitlab-ci.yml",
        "stages: [тест]\nself:\n  stage: тест\n  trigger:\n    include: .gitlab-ci.yml\nunit:\n  script: [\"phpunit # 😀\"]\n",
    )]);
    audit_ok(f.path());
}

#[test]
fn gitlab_includes_and_extends_that_fan_out() {
    // every file includes the next one ten times; every template extends the previous ten times
    let mut files: Vec<(String, String)> = Vec::new();
    for n in 0..12 {
        let next = format!("ci/part-{}.yml", n + 1);
        let includes = vec![format!("  - local: {next}"); 10].join("\n");
        let parents = vec![format!(".t{}", n.max(1) - 1); 10].join(", ");
        files.push((
            format!("ci/part-{n}.yml"),
            format!("include:\n{includes}\n.t{n}:\n  extends: [{parents}]\n  script: [\"echo Ж{n}\"]\njob-{n}:\n  extends: .t{n}\n"),
        ));
    }
    files.push((".gitlab-ci.yml".into(), "include:\n  - local: ci/part-0.yml\n  - local: .gitlab-ci.yml\n".into()));
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    let f = plain(&refs);
    audit_ok(f.path());
}

#[test]
fn github_reusable_workflows_that_call_themselves_and_each_other() {
    let mut files = vec![(
        ".github/workflows/ci.yml".to_string(),
        "on: pull_request\njobs:\n  me: {uses: ./.github/workflows/ci.yml}\n  a: {uses: ./.github/workflows/w0.yml}\n  b: {uses: ./.github/workflows/w0.yml}\n".to_string(),
    )];
    for n in 0..10 {
        let next = format!("./.github/workflows/w{}.yml", n + 1);
        files.push((
            format!(".github/workflows/w{n}.yml"),
            format!("on: workflow_call\njobs:\n  x: {{uses: {next}}}\n  y: {{uses: {next}}}\n  z:\n    steps:\n      - run: echo 漢字 {n}\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    audit_ok(plain(&refs).path());
}

#[test]
fn azure_templates_that_include_themselves() {
    let f = plain(&[
        ("azure-pipelines.yml", "pr: [main]\nstages:\n  - template: t/stages.yml\n  - template: t/stages.yml\n"),
        (
            "t/stages.yml",
            "stages:\n  - template: stages.yml\n  - stage: сборка\n    jobs:\n      - template: jobs.yml\n      - template: jobs.yml\n",
        ),
        ("t/jobs.yml", "jobs:\n  - template: jobs.yml\n  - job: тесты\n    steps:\n      - script: make test # 😀\n"),
    ]);
    audit_ok(f.path());
}

#[test]
fn jenkinsfile_with_deep_brace_nesting() {
    let text = format!(
        "pipeline {{ stages {{ stage('Сборка 😀') {{ {} sh 'make' {} }} }} }}",
        "{".repeat(100_000),
        "}".repeat(100_000)
    );
    audit_ok(plain(&[("Jenkinsfile", &text)]).path());
}

#[test]
fn makefile_targets_with_thousands_of_prerequisites() {
    let prereqs: Vec<String> = (0..5_000).map(|n| format!("цель{n}")).collect();
    let mut make = format!("test: {}\n\tphpunit\n", prereqs.join(" "));
    for p in &prereqs {
        make.push_str(&format!("{p}:\n\techo 😀\n"));
    }
    let run = (0..2_000).map(|_| "make test").collect::<Vec<_>>().join("\n");
    let ci = format!(
        "on: pull_request\njobs:\n  t:\n    steps:\n      - run: |\n          {}\n",
        run.replace('\n', "\n          ")
    );
    audit_ok(plain(&[("Makefile", &make), (".github/workflows/ci.yml", &ci)]).path());
}

// --- YAML, XML, HCL, JSON, Markdown budgets --------------------------------------------------

#[test]
fn yaml_nested_deeply_in_block_style() {
    let text: String = (0..300).map(|d| format!("{}- ключ: 値\n{}  x:\n", "  ".repeat(d), "  ".repeat(d))).collect();
    let r = audit_ok(plain(&[("k8s/deployment.yaml", &text)]).path());
    assert_reported(&r, "nested deeper");
}

#[test]
fn yaml_nested_deeply_in_flow_style() {
    let text =
        format!("apiVersion: apps/v1\nkind: Deployment\nspec: {}😀{}\n", "[".repeat(500_000), "]".repeat(500_000));
    let r = audit_ok(plain(&[("k8s/deployment.yaml", &text)]).path());
    assert_reported(&r, "k8s/deployment.yaml");
}

#[test]
fn yaml_alias_bomb() {
    let mut text = String::from("a0: &a0 [\"Ж\", \"中\", \"😀\", x, x, x, x, x, x, x]\n");
    for i in 1..10 {
        text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![format!("*a{}", i - 1); 10].join(", ")));
    }
    let r = audit_ok(plain(&[("docker-compose.yml", &text)]).path());
    assert_reported(&r, "aliases");
}

#[test]
fn yaml_aliases_used_as_mapping_keys() {
    let mut text = format!("a0: &a0 [{}]\njobs:\n", vec!["\"ключ 😀\""; 2_000].join(", "));
    for k in 0..200 {
        text.push_str(&format!("  ? *a0\n  : {k}\n"));
    }
    let r = audit_ok(plain(&[(".github/workflows/ci.yml", &text)]).path());
    assert_reported(&r, "aliases");
}

#[test]
fn xml_coverage_report_with_entity_expansion() {
    let wide = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE coverage [<!ENTITY e \"{}\">]><coverage>{}</coverage>",
        "Ж".repeat(1_000),
        "&e;".repeat(500)
    );
    let laughs = "<!DOCTYPE r [<!ENTITY a \"😀😀😀😀😀😀😀😀😀😀\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\">]><coverage>&e;&e;&e;&e;</coverage>";
    let r = audit_ok(plain(&[("build/logs/clover.xml", &wide), ("coverage/cobertura.xml", laughs)]).path());
    assert_reported(&r, "entities");
}

#[test]
fn xml_external_entities_are_never_resolved() {
    let o = outside();
    let xxe = format!(
        "<?xml version=\"1.0\"?><!DOCTYPE c [<!ENTITY x SYSTEM \"file://{}\">]><coverage name=\"Отчёт\">&x;</coverage>",
        o.path().join("roadmap.toml").display()
    );
    audit_ok(plain(&[("build/logs/clover.xml", &xxe)]).path());
}

#[test]
fn terraform_with_thousands_of_blocks_in_one_file() {
    let mut tf = String::new();
    for n in 0..20_000 {
        tf.push_str(&format!("resource \"aws_s3_bucket\" \"b{n}\" {{\n  bucket = \"ведро-{n}-😀\"\n}}\n"));
    }
    audit_ok(plain(&[("infra/main.tf", &tf)]).path());
}

#[test]
fn terraform_nested_beyond_the_parser_stack() {
    let tf = format!("locals {{\n  имя = {}1{}\n}}\n", "[".repeat(200_000), "]".repeat(200_000));
    let r = audit_ok(plain(&[("infra/main.tf", &tf)]).path());
    assert_reported(&r, "nested deeper");
}

#[test]
fn helm_templates_with_tens_of_thousands_of_kind_lines() {
    let kinds = "---\nkind: Deployment # 部署 😀\nmetadata: {name: x}\n".repeat(30_000);
    let f = plain(&[
        ("chart/Chart.yaml", "name: shop\nversion: 1.0.0\n"),
        ("chart/values.yaml", "replicaCount: 2 # два\n"),
        ("chart/templates/all.yaml", &kinds),
    ]);
    audit_ok(f.path());
}

#[test]
fn manifests_with_tens_of_thousands_of_dependencies() {
    let deps: Vec<String> = (0..20_000).map(|n| format!("\"пакет-{n}-😀\": \"1.0.{n}\"")).collect();
    let npm = format!("{{\"name\": \"магазин\", \"dependencies\": {{{}}}}}", deps.join(",\n"));
    let mut pom = String::from("<project><artifactId>商店</artifactId><dependencies>");
    for n in 0..20_000 {
        pom.push_str(&format!("\n<dependency><groupId>org.пример</groupId><artifactId>a{n}</artifactId></dependency>"));
    }
    pom.push_str("</dependencies></project>");
    audit_ok(plain(&[("package.json", &npm), ("pom.xml", &pom)]).path());
}

#[test]
fn json_reports_nested_deeply() {
    let sarif = format!("{{\"version\": \"2.1.0\", \"runs\": {}\"Ж\"{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let r = audit_ok(plain(&[("results.sarif", &sarif)]).path());
    assert_reported(&r, "results.sarif");
}

#[test]
fn markdown_built_to_be_slow() {
    let emphasis = format!("# Runbook 😀\n\n{}Ж{}\n", "*_".repeat(50_000), "_*".repeat(50_000));
    let links = format!("# Архитектура\n\n{}x{}\n", "[".repeat(50_000), "](y)".repeat(50_000));
    let quotes = format!("{} 中\n", ">".repeat(100_000));
    let f = plain(&[("docs/runbooks/a.md", &emphasis), ("docs/architecture.md", &links), ("README.md", &quotes)]);
    audit_ok(f.path());
}

#[test]
fn yaml_files_with_more_nodes_than_the_budget() {
    let text = format!("items: [{}Ж]\n", "a,".repeat(1_200_000));
    let r = audit_ok(plain(&[("k8s/list.yaml", &text)]).path());
    assert_reported(&r, "nodes");
}

// --- files that are not regular, and links that lead out -------------------------------------

#[cfg(unix)]
#[test]
fn fifo_as_the_configuration_is_an_error_not_a_hang() {
    let f = plain(&[("README.md", "# Конфиг\n")]);
    fifo(&f.join(".maturity.toml"));
    let r = audit(f.path(), &[], 2);
    assert!(r.stderr.contains("named pipe"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn fifo_as_the_roadmap_the_configuration_names() {
    let f = plain(&[(".maturity.toml", "roadmap = \"docs/дорожная-карта.toml\"\n")]);
    fifo(&f.join("docs/дорожная-карта.toml"));
    let r = audit(f.path(), &[], 2);
    assert!(r.stderr.contains("named pipe"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn fifo_as_an_evidence_file_and_at_a_well_known_report_path() {
    let f = plain(&[(".maturity.toml", "[evidence]\ncoverage = \"отчёты/clover.xml\"\n")]);
    fifo(&f.join("отчёты/clover.xml"));
    fifo(&f.join("coverage/lcov.info"));
    let r = audit_ok(f.path());
    assert_reported(&r, "named pipe");
}

#[test]
fn oversized_roadmap_named_by_the_configuration() {
    let f = plain(&[(".maturity.toml", "roadmap = \"карта.toml\"\n")]);
    let mut big = String::from("# Дорожная карта 😀\n");
    while big.len() < 6 * 1024 * 1024 {
        big.push_str("# заполнитель filler 填充\n");
    }
    write(f.path(), "карта.toml", big.as_bytes());
    let r = audit(f.path(), &[], 2);
    assert!(r.stderr.contains("larger than"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlinked_report_folder_leading_out_of_the_tree() {
    let o = outside();
    let f = plain(&[("README.md", "# Отчёты 报告\n")]);
    std::os::unix::fs::symlink(o.path().join("coverage"), f.join("coverage")).unwrap();
    std::os::unix::fs::symlink(o.path(), f.join("build")).unwrap();
    let r = audit_ok(f.path());
    assert_reported(&r, "outside the repository");
    let m = r.json()["metrics"].as_array().unwrap().iter().find(|m| m["id"] == "test-coverage").cloned().unwrap();
    assert!(m["value"].is_null() && m["status"] != "pass", "no coverage figure came from outside: {m:#}");
    for (format, text) in all_formats(f.path(), &[]) {
        assert!(!text.contains("98.7"), "{format} shows the outside coverage figure");
    }
}

#[cfg(unix)]
#[test]
fn configuration_paths_through_links_leading_out() {
    let o = outside();
    let f = plain(&[(".maturity.toml", "roadmap = \"ссылка/roadmap.toml\"\n")]);
    std::os::unix::fs::symlink(o.path(), f.join("ссылка")).unwrap();
    let r = audit(f.path(), &[], 2);
    assert!(r.stderr.contains("must stay inside the repository"), "{}", r.stderr);
    // and the configuration itself as a link
    let g = plain(&[("README.md", "# 😀\n")]);
    std::os::unix::fs::symlink(o.path().join("roadmap.toml"), g.join(".maturity.toml")).unwrap();
    let r = audit(g.path(), &[], 2);
    assert!(r.stderr.contains("symbolic link"), "{}", r.stderr);
}

#[cfg(unix)]
#[test]
fn symlink_loops_and_links_to_devices_are_not_followed() {
    let f = plain(&[("README.md", "# Петля 循环\n")]);
    std::os::unix::fs::symlink(".", f.join("loop")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", f.join("build/logs/clover.xml")).unwrap_or_else(|_| {
        fs::create_dir_all(f.join("build/logs")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", f.join("build/logs/clover.xml")).unwrap();
    });
    std::os::unix::fs::symlink("/dev/urandom", f.join("results.sarif")).unwrap();
    let r = audit_ok(f.path());
    assert!(r.json()["facts"]["skipped_symlinks"].as_u64().unwrap() >= 2);
}

// --- git that lives elsewhere ---------------------------------------------------------------

#[test]
fn dot_git_file_naming_another_repository() {
    let o = outside();
    let f = plain(&[("README.md", "# Рабочее дерево 工作树\n")]);
    fs::write(f.join(".git"), format!("gitdir: {}\n", o.path().join("other/.git").display())).unwrap();
    let r = audit_ok(f.path());
    assert_reported(&r, "outside the audited folder");
    assert_eq!(r.json()["repository"]["commits"], 0);
}

#[test]
fn alternates_and_commondir_outside_the_tree() {
    let o = outside();
    for (file, text) in [
        ("objects/info/alternates", format!("{}\n", o.path().join("other/.git/objects").display())),
        ("commondir", format!("{}\n", o.path().join("other/.git").display())),
    ] {
        let f = Fixture::repo(&[&[("README.md", "# Свой 自己的\n")]]);
        write(&f.join(".git"), file, text.as_bytes());
        let r = audit_ok(f.path());
        assert_reported(&r, "outside the audited folder");
    }
}

#[test]
fn a_folder_inside_another_repository_does_not_climb_to_it() {
    let o = outside();
    let sub = o.path().join("other/подпапка 子目录");
    fs::create_dir_all(&sub).unwrap();
    fs::write(sub.join("README.md"), "# 😀\n").unwrap();
    let r = audit_ok(&sub);
    assert_reported(&r, "parent folder");
    assert!(r.json()["repository"]["remote"].is_null());
}

#[test]
fn configuration_that_includes_another_repository_config() {
    let o = outside();
    let f = Fixture::repo(&[&[("README.md", "# Включение\n")]]);
    let config = f.join(".git/config");
    let mut text = fs::read_to_string(&config).unwrap();
    text.push_str(&format!("[include]\n\tpath = {}\n", o.path().join("other/.git/config").display()));
    fs::write(config, text).unwrap();
    let r = audit_ok(f.path());
    assert_reported(&r, "includes other files");
}

#[test]
fn commit_with_a_huge_message() {
    let f = Fixture::repo(&[&[("README.md", "# История 历史\n")]]);
    let repo = git2::Repository::open(f.path()).unwrap();
    write(f.path(), "b.txt", "😀".as_bytes());
    commit_all(&repo, &format!("огромный {}", "ж".repeat(4 * 1024 * 1024)), 1_700_100_000);
    let r = audit_ok(f.path());
    assert_reported(&r, "larger than");
}

#[test]
fn deeply_nested_folders() {
    let f = plain(&[("README.md", "# Глубина\n")]);
    let mut dir = f.path().to_path_buf();
    for n in 0..200 {
        dir.push(format!("уровень{n}"));
    }
    // the path may exceed what the system allows: go as deep as it lets us
    let mut made = f.path().to_path_buf();
    for c in dir.strip_prefix(f.path()).unwrap().components() {
        let next = made.join(c);
        if fs::create_dir(&next).is_err() {
            break;
        }
        made = next;
    }
    fs::write(made.join("ci.yml"), "on: push # 😀\n").ok();
    audit_ok(f.path());
}

// --- the gate and the outputs ----------------------------------------------------------------

#[test]
fn weights_that_overflow_are_an_error_with_a_position() {
    let f = plain(&[(".maturity.toml", "# веса 😀\n[weights.items]\n\"6.1\" = 1e308\n\"6.2\" = 1e308\n")]);
    let r = audit(f.path(), &["--fail-under", "100"], 2);
    assert!(r.stderr.contains(".maturity.toml:3:"), "{}", r.stderr);
}

#[test]
fn the_gate_cannot_be_bypassed_by_configuration() {
    for config in [
        "[weights.items]\n\"6.1\" = 0.000000000000000000000000000001\n",
        "[weights.checks]\n\"repo.ci.tests_run_on_pull_requests\" = 999\n",
    ] {
        let f = plain(&[(".maturity.toml", config), ("README.md", "# Ворота 门\n")]);
        let r = audit(f.path(), &["--fail-under", "100"], 1);
        let score = r.json()["score"].as_f64().expect("a number, never null");
        assert!(score.is_finite() && score < 100.0);
    }
}

/// File names an attacker controls, shown in every format.
const HOSTILE_NAMES: &[&str] = &[
    "docs/adr/0001-\u{1b}[2J\u{1b}]0;pwned\u{7}-Выбор.md",
    "docs/adr/0002-line\nbreak\n# Injected heading 注入.md",
    "docs/adr/0003-ctrl\u{1}\u{8}-😀.md",
    "docs/adr/0004-\u{202e}gnp.exe-מימין.md",
];

#[cfg(unix)]
#[test]
fn control_characters_in_file_names_do_not_reach_outputs_raw() {
    let f = plain(&[]);
    for name in HOSTILE_NAMES {
        write(f.path(), name, "# Решение 😀\n\n## Status\n\nAccepted\n\n## Context\n\nx\n".as_bytes());
    }
    for (format, text) in all_formats(f.path(), &[]) {
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{1}') && !text.contains('\u{8}'),
            "{format}: raw control"
        );
        if format != "json" {
            assert!(!text.contains('\u{202e}'), "{format}: raw bidi override");
        }
        if format == "markdown" {
            assert!(!text.lines().any(|l| l.trim_start().starts_with("# Injected")), "markdown heading injected");
        }
        if format == "json" {
            // JSON is data: controls arrive escaped (`\u001b`), bidi marks as the characters they are
            serde_json::from_str::<Value>(&text).expect("valid JSON");
            continue;
        }
        if format == "junit" {
            roxmltree::Document::parse(&text).expect("JUnit stays well-formed XML");
        }
        if format == "sarif" {
            serde_json::from_str::<Value>(&text).expect("valid JSON");
        }
    }
}

#[test]
fn remote_url_and_branch_with_escape_sequences() {
    let f = Fixture::repo(&[&[("README.md", "# Удалённый 远程\n")]]);
    let repo = git2::Repository::open(f.path()).unwrap();
    repo.remote("origin", "https://github.com/acme/\u{1b}[31mred\u{1b}[0m-Ж.git").unwrap();
    for (format, text) in all_formats(f.path(), &[]) {
        assert!(!text.contains('\u{1b}'), "{format}: raw escape from the remote URL");
    }
}

// --- Rust workspaces read by cargo ----------------------------------------------------------

/// The folder of a rustup proxy on the PATH (`cargo` beside `rustup`): the proxy reads
/// `rust-toolchain.toml` from its working directory, so it is the cargo a hostile tree aims at.
fn rustup_proxy_dir() -> Option<std::path::PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?).find(|d| d.join("cargo").is_file() && d.join("rustup").is_file())
}

/// Every file below `root`.
fn listing(root: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            }
            out.push(e.path());
        }
    }
    out.sort();
    out
}

#[test]
fn a_cargo_workspace_whose_configuration_toolchain_and_path_name_its_own_programs() {
    use std::os::unix::fs::PermissionsExt;
    let marks = tempfile::tempdir().unwrap();
    let f = plain(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n[workspace.dependencies]\naxum = \"0.8\"\n"),
        (
            "crates/сервер/Cargo.toml",
            "[package]\nname = \"server\"\nversion = \"0.1.0\"\n[dependencies]\napi = { path = \"../api\" }\n",
        ),
        ("crates/сервер/src/main.rs", "fn main() { /* 服务 😀 */ }\n"),
        (
            "crates/api/Cargo.toml",
            "[package]\nname = \"api\"\nversion = \"0.1.0\"\n[dependencies]\naxum.workspace = true\n",
        ),
        ("crates/api/src/lib.rs", ""),
    ]);
    let root = f.path();
    let executable = |path: &Path, body: String| {
        write(root, path.strip_prefix(root).unwrap().to_str().unwrap(), format!("#!/bin/sh\n{body}\n").as_bytes());
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
    };
    let evil = root.join("tools/evil.sh");
    executable(&evil, format!("touch '{}/wrapper'\nexec \"$@\"", marks.path().display()));
    for name in ["cargo", "rustc", "rustup"] {
        executable(&root.join("tc/bin").join(name), format!("touch '{}/toolchain-{name}'", marks.path().display()));
        executable(&root.join("bin").join(name), format!("touch '{}/path-{name}'", marks.path().display()));
    }
    fs::create_dir_all(root.join("tc/lib")).unwrap();
    let e = evil.display();
    write(
        root,
        ".cargo/config.toml",
        format!(
            "[build]\nrustc-wrapper = \"{e}\"\nrustc = \"{e}\"\ntarget-dir = \"written-here\"\n[target.'cfg(all())']\nrunner = \"{e}\"\n"
        )
        .as_bytes(),
    );
    write(root, "rust-toolchain.toml", format!("[toolchain]\npath = \"{}\"\n", root.join("tc").display()).as_bytes());
    let before = listing(root);
    // the tree's own `bin` first on the PATH, then the rustup proxy (or the cargo of this build)
    let cargo_dir = rustup_proxy_dir().unwrap_or_else(|| Path::new(env!("CARGO")).parent().unwrap().to_path_buf());
    let path = std::env::join_paths([root.join("bin"), cargo_dir, "/usr/bin".into(), "/bin".into()]).unwrap();
    let r = {
        let p = root.to_str().unwrap();
        let r = run_with(&["audit", p, "-f", "json", "--no-progress", "--no-store"], |c| {
            c.env("PATH", &path)
                .env_remove("CARGO")
                .env_remove("RUSTUP_TOOLCHAIN")
                .env("RUSTC_WRAPPER", &evil)
                .env("RUSTC", &evil)
                .env("CARGO_BUILD_RUSTC_WRAPPER", &evil)
                .env("CARGO_TARGET_DIR", root.join("written-here"));
        });
        assert_eq!(r.code, Some(0), "{}", r.stderr);
        r
    };
    assert_eq!(listing(marks.path()), Vec::<std::path::PathBuf>::new(), "a program of the tree ran");
    assert_eq!(listing(root), before, "something was written into the tree");
    let card = r.json();
    assert_eq!(
        card["repository"]["project"]["reason"],
        "the binary `server` (`crates/сервер/Cargo.toml`) depends on the web framework `axum`",
        "{}",
        r.reported()
    );
    assert!(!r.reported().contains("cargo metadata"), "{}", r.reported());
    // a PATH without cargo: the TOML reading stands in, and says so
    let empty = tempfile::tempdir().unwrap();
    let r = run_with(&["audit", root.to_str().unwrap(), "-f", "json", "--no-progress", "--no-store"], |c| {
        c.env("PATH", empty.path()).env_remove("CARGO");
    });
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_reported(&r, "Cargo.toml was read as TOML, not with `cargo metadata`: cargo is not on the PATH");
    assert_eq!(r.json()["repository"]["project"]["reason"], "depends on the web framework `axum` (`Cargo.toml`)");
    assert!(listing(marks.path()).is_empty());
}

#[test]
fn cargo_manifests_leading_out_of_the_tree_are_never_given_to_cargo() {
    let o = outside();
    write(o.path(), "x/Cargo.toml", format!("[package]\nname = \"x\"\n# {OUTSIDE}\n").as_bytes());
    for (name, manifest, note) in [
        ("member", "[workspace]\nmembers = [\"../x\"]\n".to_string(), "workspace member `../x` climbs out"),
        (
            "workspace pointer",
            "[package]\nname = \"p\"\nversion = \"0.1.0\"\nworkspace = \"../..\"\n".into(),
            "names its workspace elsewhere",
        ),
        (
            "path dependency",
            format!(
                "[workspace]\n[package]\nname = \"p\"\nversion = \"0.1.0\"\n[dependencies]\nx = {{ path = \"{}\" }}\n",
                o.path().join("x").display()
            ),
            "depends on `x` outside",
        ),
    ] {
        let f = plain(&[("Cargo.toml", &manifest), ("src/lib.rs", "// Ржавчина 锈\n")]);
        let reported = audit_ok(f.path()).reported();
        assert!(reported.contains(note) && reported.contains("not with `cargo metadata`"), "{name}: {reported}");
    }
    let f = plain(&[("src/main.rs", "fn main() {} // Ссылка 链接\n")]);
    std::os::unix::fs::symlink(o.path().join("x/Cargo.toml"), f.join("Cargo.toml")).unwrap();
    assert_reported(&audit_ok(f.path()), "`Cargo.toml` leads outside the repository");
    let f = plain(&[("src/main.rs", "fn main() {} // Труба 管道\n")]);
    fifo(&f.join("Cargo.toml"));
    assert_reported(&audit_ok(f.path()), "not a regular file (a named pipe)");
}
