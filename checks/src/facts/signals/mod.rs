//! The evidence patterns of the content scan.
//!
//! A signal names a construct in code or configuration, not a word: an import of an SDK, a call
//! that initialises it, a directive that sets a header. Each pattern is restricted to the files
//! where the construct is meaningful (`*.php` for a PHP attribute), so a README mentioning a tool
//! is not evidence. Checks read hits by id; `maturity checks patterns` prints the list (the
//! benchmark gives ripgrep the same patterns). The list is split by family only to keep files
//! short; it is compiled and matched as one set.

mod app;
mod base;
mod infra;
mod ops;
mod practice;

use std::sync::LazyLock;

/// Source files of the languages the roadmap's stacks use.
pub(crate) const CODE: &[&str] = &[
    "*.php", "*.py", "*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.tsx", "*.go", "*.rs", "*.java", "*.kt", "*.scala",
    "*.cs", "*.rb", "*.ex", "*.exs",
];
pub(crate) const JS: &[&str] = &["*.js", "*.mjs", "*.cjs", "*.jsx", "*.ts", "*.tsx"];
/// Code and configuration together.
pub(crate) const ALL: &[&str] = &[
    "*.php",
    "*.py",
    "*.js",
    "*.mjs",
    "*.cjs",
    "*.jsx",
    "*.ts",
    "*.tsx",
    "*.go",
    "*.rs",
    "*.java",
    "*.kt",
    "*.scala",
    "*.cs",
    "*.rb",
    "*.yaml",
    "*.yml",
    "*.json",
    "*.toml",
    "*.xml",
    "*.properties",
    "*.ini",
    "*.conf",
    "*.env",
    ".env*",
    "*.neon",
    "Dockerfile*",
    "*.tf",
    "*.vcl",
    "Caddyfile",
    "*.caddy",
    ".htaccess",
    "*.sh",
];
/// Web server and proxy configuration.
pub(crate) const SERVER: &[&str] =
    &["*.conf", "nginx*", "Caddyfile", "*.caddy", ".htaccess", "*.vcl", "*.yaml", "*.yml", "*.toml"];

pub struct Signal {
    pub id: &'static str,
    /// What a hit means, for reports.
    pub means: &'static str,
    /// A regular expression, matched per line (`^`/`$` are line anchors, `\b` an ASCII word
    /// boundary).
    pub pattern: &'static str,
    /// Globs on the relative path (`*` crosses directories; a glob that starts with neither `*`
    /// nor contains `/`, such as `Dockerfile*`, matches that file name in any directory); empty
    /// means every scanned file.
    pub files: &'static [&'static str],
}

pub(crate) const fn s(
    id: &'static str,
    means: &'static str,
    pattern: &'static str,
    files: &'static [&'static str],
) -> Signal {
    Signal { id, means, pattern, files }
}

/// Every signal, in a fixed order.
pub static SIGNALS: LazyLock<Vec<&'static Signal>> = LazyLock::new(|| {
    base::SIGNALS
        .iter()
        .chain(infra::SIGNALS)
        .chain(app::SIGNALS)
        .chain(ops::SIGNALS)
        .chain(practice::SIGNALS)
        .collect()
});
