//! Cargo run for real on trees these tests build, hostile ones included. No test reaches the
//! network: cargo runs `--offline`, and no tree has a dependency outside itself.

use super::*;
use crate::facts::files::DEFAULT_MAX_FILE_SIZE;
use std::fs;
use std::time::Instant;

/// The cargo that builds these tests.
fn cargo() -> CargoOptions {
    CargoOptions { program: CargoProgram::At(PathBuf::from(env!("CARGO"))), timeout: DEFAULT_TIMEOUT }
}

fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    dir
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let p = root.join(path);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
}

fn read_with(root: &Path, opts: &CargoOptions) -> Outcome {
    let files = FileIndex::walk(root, DEFAULT_MAX_FILE_SIZE).unwrap();
    read(root, &files, opts).expect("a Cargo.toml at the root")
}

fn workspace_of(root: &Path) -> Workspace {
    match read_with(root, &cargo()) {
        Outcome::Read(ws) => ws,
        Outcome::Fallback(why) => panic!("cargo was not used: {why}"),
    }
}

fn fallback(root: &Path, opts: &CargoOptions) -> String {
    match read_with(root, opts) {
        Outcome::Fallback(why) => why,
        Outcome::Read(ws) => panic!("cargo was used: {ws:?}"),
    }
}

/// Every file below `root`, for proving that nothing was written there.
fn listing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for e in fs::read_dir(&dir).unwrap().flatten() {
            let p = e.path();
            out.push(p.strip_prefix(root).unwrap().to_string_lossy().into_owned());
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
            }
        }
    }
    out.sort();
    out
}

#[cfg(unix)]
fn script(path: &Path, body: &str) {
    use std::os::unix::fs::PermissionsExt;
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

const SERVICE: &[(&str, &str)] = &[
    (
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n\n[workspace.dependencies]\naxum = \"0.8\"\nunused = \"1\"\n",
    ),
    (
        "crates/server/Cargo.toml",
        "[package]\nname = \"server\"\nversion = \"0.1.0\"\nedition = \"2021\"\nautobins = false\n\n[[bin]]\nname = \"server\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"tool\"\npath = \"../../../elsewhere.rs\"\n\n[dependencies]\napi = { path = \"../api\" }\n",
    ),
    ("crates/server/src/main.rs", "fn main() {}\n"),
    (
        "crates/api/Cargo.toml",
        "[package]\nname = \"api\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\naxum.workspace = true\nweb = { package = \"actix-web\", version = \"4\", optional = true }\n\n[dev-dependencies]\nproptest = \"1\"\n\n[build-dependencies]\ncc = \"1\"\n",
    ),
    ("crates/api/src/lib.rs", ""),
    ("crates/api/build.rs", "fn main() {}\n"),
];

#[test]
fn members_targets_and_inherited_dependencies() {
    let dir = tree(SERVICE);
    let ws = workspace_of(dir.path());
    type Summary = (String, String, Vec<(String, TargetKind)>, Vec<(String, String, DepKind)>);
    let summary: Vec<Summary> = ws
        .packages
        .iter()
        .map(|p| {
            (
                p.manifest.clone(),
                p.name.clone(),
                p.targets.iter().map(|t| (t.name.clone(), t.kind)).collect(),
                p.dependencies.iter().map(|d| (d.name.clone(), d.key.clone(), d.kind)).collect(),
            )
        })
        .collect();
    let s = |v: &str| v.to_string();
    assert_eq!(
        summary,
        vec![
            (
                s("crates/api/Cargo.toml"),
                s("api"),
                vec![(s("api"), TargetKind::Lib), (s("build-script-build"), TargetKind::BuildScript)],
                vec![
                    (s("axum"), s("axum"), DepKind::Normal),
                    (s("actix-web"), s("web"), DepKind::Optional),
                    (s("proptest"), s("proptest"), DepKind::Dev),
                    (s("cc"), s("cc"), DepKind::Build),
                ],
            ),
            (
                s("crates/server/Cargo.toml"),
                s("server"),
                vec![(s("server"), TargetKind::Bin), (s("tool"), TargetKind::Bin)],
                vec![(s("api"), s("api"), DepKind::Normal)],
            ),
        ]
    );
    assert_eq!(ws.packages[1].targets[0].path.as_deref(), Some("crates/server/src/main.rs"));
    assert_eq!(ws.packages[1].targets[1].path, None, "a source outside the tree (cargo only names it)");
}

#[test]
fn the_facts_and_the_project_kind_come_from_cargo() {
    use crate::facts::manifests::Ecosystem;
    use crate::facts::{CollectOptions, NoProgress, collect};
    let dir = tree(SERVICE);
    let opts = CollectOptions { cargo: cargo(), ..CollectOptions::default() };
    let repo = collect(dir.path(), &opts, &NoProgress).unwrap();
    assert!(repo.manifests.cargo_metadata, "{:?}", repo.manifests.notes);
    assert!(repo.manifests.notes.is_empty());
    let axum = repo.manifests.has(Ecosystem::Cargo, "axum").unwrap();
    assert_eq!((axum.manifest.as_str(), axum.line), ("crates/api/Cargo.toml", Some(7)), "inherited, at its line");
    assert!(repo.manifests.has(Ecosystem::Cargo, "unused").is_none(), "declared but used by no member");
    assert_eq!(repo.manifests.has(Ecosystem::Cargo, "actix-web").unwrap().line, Some(8), "found by its key");
    let root = repo.manifests.manifests.iter().find(|m| m.path == "Cargo.toml").unwrap();
    assert_eq!(root.package_type.as_deref(), Some("workspace"));
    assert!(!repo.project.is_library());
    assert_eq!(
        repo.project.reason,
        "the binary `server` (`crates/server/Cargo.toml`) depends on the web framework `axum`"
    );
    // the same tree read as TOML: the root's workspace dependencies stand for the members'
    let toml = CollectOptions { cargo: CargoOptions { program: CargoProgram::Never, ..cargo() }, ..opts };
    let repo = collect(dir.path(), &toml, &NoProgress).unwrap();
    assert!(!repo.manifests.cargo_metadata && repo.manifests.notes.is_empty(), "never asked, nothing to say");
    assert_eq!(repo.manifests.has(Ecosystem::Cargo, "axum").unwrap().manifest, "Cargo.toml");
}

/// A tree whose cargo configuration, toolchain file and PATH all name its own programs, read by
/// the cargo that builds the tests and by the `cargo` on the PATH. Under `cargo test` rustup
/// exports `RUSTUP_TOOLCHAIN`, which outranks a toolchain file, so the proof that the toolchain
/// file is never found (the rustup proxy run from inside the tree runs the tree's `cargo`) is the
/// end-to-end case in `cli/tests/hostile.rs`, which clears it.
#[cfg(unix)]
#[test]
fn nothing_from_a_hostile_tree_runs_and_nothing_is_written_into_it() {
    let marks = tempfile::tempdir().unwrap();
    let dir = tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"crates/*\"]\n[package]\nname = \"evil\"\nversion = \"0.1.0\"\n"),
        ("src/main.rs", "fn main() {}\n"),
        ("crates/a/Cargo.toml", "[package]\nname = \"a\"\nversion = \"0.1.0\"\nbuild = \"build.rs\"\n"),
        ("crates/a/build.rs", "fn main() { std::fs::write(\"/tmp/never\", \"\").unwrap(); }\n"),
        ("crates/a/src/lib.rs", ""),
    ]);
    let root = dir.path();
    let evil = root.join("tools/evil.sh");
    script(&evil, &format!("touch '{}/ran-'\"$(basename \"$0\")\"\nexec \"$@\"", marks.path().display()));
    for name in ["rustc", "cargo", "rustup", "rustc-wrapper"] {
        script(&root.join("tc/bin").join(name), &format!("touch '{}/toolchain-{name}'", marks.path().display()));
    }
    fs::create_dir_all(root.join("tc/lib")).unwrap();
    let e = evil.display();
    let triple = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    write(
        root,
        &[
            (
                ".cargo/config.toml",
                &format!(
                    "[build]\nrustc-wrapper = \"{e}\"\nrustc = \"{e}\"\nrustdoc = \"{e}\"\ntarget-dir = \"written-here\"\n\
                     [target.{triple}]\nrunner = \"{e}\"\nlinker = \"{e}\"\n[target.'cfg(all())']\nrunner = \"{e}\"\n\
                     [alias]\nmetadata = \"run\"\n[env]\nRUSTC_WRAPPER = \"{e}\"\n"
                ),
            ),
            ("rust-toolchain.toml", &format!("[toolchain]\npath = \"{}\"\n", root.join("tc").display())),
            ("crates/a/.cargo/config.toml", &format!("[build]\nrustc = \"{e}\"\n")),
        ],
    );
    let before = listing(root);
    let on_path = CargoOptions {
        program: CargoProgram::OnPath(std::env::var_os("PATH").unwrap_or_default()),
        timeout: DEFAULT_TIMEOUT,
    };
    for (name, opts) in [("the building cargo", cargo()), ("cargo on the PATH", on_path)] {
        let ws = match read_with(root, &opts) {
            Outcome::Read(ws) => ws,
            Outcome::Fallback(why) if why == "cargo is not on the PATH" => continue,
            Outcome::Fallback(why) => panic!("{name}: {why}"),
        };
        let names: Vec<&str> = ws.packages.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, vec!["evil", "a"], "{name}");
        eprintln!("{name}: read by cargo in {} ms", ws.millis);
        let ran: Vec<String> = listing(marks.path());
        assert!(ran.is_empty(), "{name}: programs of the tree ran: {ran:?}");
        assert_eq!(listing(root), before, "{name}: something was written into the tree");
    }
    // the same tree with the tree's own folder first on the PATH: its `cargo` is not the one run
    let path = std::env::join_paths(
        std::iter::once(root.join("tc/bin"))
            .chain(std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())),
    )
    .unwrap();
    let opts = CargoOptions { program: CargoProgram::OnPath(path), timeout: DEFAULT_TIMEOUT };
    let _ = read_with(root, &opts);
    assert!(listing(marks.path()).is_empty(), "{:?}", listing(marks.path()));
    let only_inside = CargoOptions { program: CargoProgram::OnPath(root.join("tc/bin").into()), ..cargo() };
    assert_eq!(fallback(root, &only_inside), "the only cargo on the PATH is inside the repository");
    assert!(listing(marks.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn what_leads_out_of_the_tree_keeps_cargo_from_running() {
    let outside = tree(&[
        ("Cargo.toml", "[workspace]\nmembers = [\"*\"]\n"),
        ("x/Cargo.toml", "[package]\nname = \"x\"\nversion = \"0.1.0\"\n"),
        ("x/src/lib.rs", ""),
    ]);
    let o = outside.path().display().to_string();
    for (name, files, want) in [
        (
            "a member outside",
            vec![("repo/Cargo.toml", "[workspace]\nmembers = [\"../x\"]\n".to_string())],
            "workspace member `../x` climbs out",
        ),
        (
            "a package pointing at the workspace above",
            vec![("repo/Cargo.toml", "[package]\nname = \"p\"\nversion = \"0.1.0\"\nworkspace = \"..\"\n".into())],
            "names its workspace elsewhere",
        ),
        (
            "a lone package below a workspace",
            vec![("repo/Cargo.toml", "[package]\nname = \"p\"\nversion = \"0.1.0\"\n".into())],
            "parent folder",
        ),
        (
            "a path dependency outside",
            vec![(
                "repo/Cargo.toml",
                format!(
                    "[workspace]\n[package]\nname = \"p\"\nversion = \"0.1.0\"\n[dependencies]\nx = {{ path = \"{o}/x\" }}\n"
                ),
            )],
            "depends on `x` outside",
        ),
    ] {
        let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (*p, t.as_str())).collect();
        write(outside.path(), &files);
        let why = fallback(&outside.path().join("repo"), &cargo());
        assert!(why.contains(want), "{name}: {why}");
        fs::remove_dir_all(outside.path().join("repo")).unwrap();
    }
    // a symbolic link as Cargo.toml, leading out
    let dir = tree(&[("src/main.rs", "")]);
    std::os::unix::fs::symlink(outside.path().join("x/Cargo.toml"), dir.path().join("Cargo.toml")).unwrap();
    assert_eq!(fallback(dir.path(), &cargo()), "`Cargo.toml` leads outside the repository");
}

#[cfg(unix)]
#[test]
fn hostile_manifests_fall_back_with_a_reason_and_never_hang() {
    let ascii = "[package]\nname = \"p\"\nversion = \"0.1.0\"\n";
    for (name, files, want) in [
        ("malformed", vec![("Cargo.toml", "[package\nname = ")], "`Cargo.toml` does not parse as TOML"),
        (
            "a non-ASCII package name",
            vec![
                ("Cargo.toml", "[workspace]\n[package]\nname = \"пакет-😀\"\nversion = \"0.1.0\"\n"),
                ("src/lib.rs", ""),
            ],
            "`cargo metadata` failed: error: invalid character",
        ),
        ("no version and no target", vec![("Cargo.toml", "[workspace]\n[package]\nname = \"p\"\n")], "failed: error:"),
        (
            "an unknown edition",
            vec![("Cargo.toml", "[workspace]\n[package]\nname = \"p\"\nedition = \"2093\"\n")],
            "failed",
        ),
        (
            "a recursive member glob",
            vec![("Cargo.toml", "[workspace]\nmembers = [\"**\"]\n"), ("a/Cargo.toml", ascii)],
            "recursive",
        ),
    ] {
        let dir = tree(&files);
        let why = fallback(dir.path(), &cargo());
        assert!(why.contains(want), "{name}: {why}");
        assert!(!why.contains(&dir.path().display().to_string()), "{name}: the message names the tree's path: {why}");
    }
    let dir = tree(&[("src/main.rs", "")]);
    let c = std::ffi::CString::new(dir.path().join("Cargo.toml").as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let started = Instant::now();
    assert_eq!(fallback(dir.path(), &cargo()), "`Cargo.toml` cannot be read: not a regular file (a named pipe)");
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[test]
fn non_ascii_paths_and_a_workspace_of_500_members() {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("репо 仓库 ᠮᠣᠩᠭᠣᠯ 😀");
    let mut files = vec![("Cargo.toml".to_string(), "[workspace]\nmembers = [\"crates/*\"]\n".to_string())];
    for n in 0..500 {
        let member = format!("crates/пакет-{n}-😀");
        files.push((
            format!("{member}/Cargo.toml"),
            format!("[package]\nname = \"p{n}\"\nversion = \"0.1.0\"\n[dependencies]\nserde = \"1\"\n"),
        ));
        files.push((format!("{member}/src/main.rs"), "fn main() {}\n".into()));
    }
    let files: Vec<(&str, &str)> = files.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    write(&dir, &files);
    let started = Instant::now();
    let ws = workspace_of(&dir);
    eprintln!("500 members: {:?}", started.elapsed());
    assert_eq!(ws.packages.len(), 500);
    let p = ws.packages.iter().find(|p| p.name == "p7").unwrap();
    assert_eq!(p.manifest, "crates/пакет-7-😀/Cargo.toml");
    assert_eq!(p.targets[0].path.as_deref(), Some("crates/пакет-7-😀/src/main.rs"));
}

#[cfg(unix)]
#[test]
fn without_cargo_or_with_a_broken_one_the_toml_reading_stands_in() {
    let dir = tree(&[("Cargo.toml", "[package]\nname = \"p\"\nversion = \"0.1.0\"\n"), ("src/lib.rs", "")]);
    let tools = tempfile::tempdir().unwrap();
    // a PATH without cargo
    let no_cargo = CargoOptions { program: CargoProgram::OnPath(tools.path().into()), ..cargo() };
    assert_eq!(fallback(dir.path(), &no_cargo), "cargo is not on the PATH");
    // a cargo that hangs, with the child it starts
    let slow = tools.path().join("slow/cargo");
    script(&slow, "sleep 30 & sleep 30");
    let started = Instant::now();
    let opts = CargoOptions { program: CargoProgram::At(slow), timeout: Duration::from_millis(500) };
    assert_eq!(fallback(dir.path(), &opts), "`cargo metadata` did not finish within 0.5 s and was stopped");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
    // a cargo that prints something else, or JSON of another shape
    for (body, want) in [
        ("echo 'Привет'", "printed no JSON"),
        ("echo '{\"packages\": 3}'", "printed what could not be read"),
        ("echo 'error: сломано' >&2; exit 101", "`cargo metadata` failed: error: сломано"),
    ] {
        let fake = tools.path().join(format!("{}/cargo", body.len()));
        script(&fake, body);
        let opts = CargoOptions { program: CargoProgram::At(fake), ..cargo() };
        let why = fallback(dir.path(), &opts);
        assert!(why.contains(want), "{why}");
    }
    // a cargo whose answer names a workspace elsewhere
    let json = r#"{"packages":[],"workspace_members":[],"workspace_default_members":[],"resolve":null,"target_directory":"/tmp","version":1,"workspace_root":"/tmp","metadata":null}"#;
    let liar = tools.path().join("liar/cargo");
    script(&liar, &format!("echo '{json}'"));
    let opts = CargoOptions { program: CargoProgram::At(liar), ..cargo() };
    assert_eq!(fallback(dir.path(), &opts), "cargo took a folder other than the repository as the workspace root");
    // no Cargo.toml: cargo is not asked
    let empty = tree(&[("README.md", "# x\n")]);
    let files = FileIndex::walk(empty.path(), DEFAULT_MAX_FILE_SIZE).unwrap();
    assert_eq!(read(empty.path(), &files, &cargo()), None);
}

#[test]
fn fallback_notes_say_why() {
    use crate::facts::manifests::collect;
    let files = FileIndex::from_memory(&[("Cargo.toml", "[package]\nname = \"p\"\n[dependencies]\naxum = \"0.8\"\n")]);
    let outcome = Outcome::Fallback("cargo is not on the PATH".into());
    let m = collect(&files, Some(&outcome), &mut Vec::new());
    assert_eq!(m.notes, vec!["Cargo.toml was read as TOML, not with `cargo metadata`: cargo is not on the PATH"]);
    assert!(!m.cargo_metadata);
    assert_eq!(m.dependencies.len(), 1, "the TOML reading stands in");
}

/// What cargo sees: `env` run in cargo's place prints its whole environment.
#[cfg(unix)]
#[test]
fn the_environment_is_cleared_but_for_the_toolchain() {
    let home = Path::new("/nonexistent/home");
    let mut command = Command::new("/usr/bin/env");
    environment(&mut command, Path::new("/nonexistent/repo"), home);
    let out = String::from_utf8(run::output(command, DEFAULT_TIMEOUT, 1 << 20).unwrap()).unwrap();
    let seen: Vec<(&str, &str)> = out.lines().filter_map(|l| l.split_once('=')).collect();
    let passed = ["PATH", "HOME", "RUSTUP_HOME", "RUSTUP_TOOLCHAIN", "SYSTEMROOT", "USERPROFILE"];
    let set = [
        ("CARGO_HOME", "/nonexistent/home"),
        ("CARGO_NET_OFFLINE", "true"),
        ("CARGO_TERM_COLOR", "never"),
        ("RUSTUP_AUTO_INSTALL", "0"),
    ];
    for (key, value) in &seen {
        assert!(passed.contains(key) || set.contains(&(*key, *value)), "{key}={value} reaches cargo");
    }
    for pair in set {
        assert!(seen.contains(&pair), "{pair:?} missing from {seen:?}");
    }
}
