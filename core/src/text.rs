//! Text from an audited repository, made safe for whatever shows it.
//!
//! Names, messages, remote URLs and commit subjects come from a repository nobody reviewed. Two
//! things can go wrong when they are shown: a cut at a byte offset lands inside a character and
//! panics (translation files and commit subjects mix scripts), and a control character changes
//! what the reader sees: an ESC sequence rewrites a terminal or a CI log, a right-to-left
//! override reorders a file name, `\x01` makes XML ill-formed, a newline starts a Markdown block.
//!
//! So every cut goes through [`head`] or [`prefix`] (the crate denies `clippy::string_slice`), and
//! every output uses one definition of a *hidden control*, [`is_hidden_control`]: the terminal
//! shows them escaped ([`escape_controls`]); documents (HTML, XML, SARIF, Markdown) show U+FFFD in
//! their place ([`replace_controls`]), so a reader can tell that a name held something invisible.
//! Markdown's own rules (newlines, block markers, tables) are in `report::filters`.

use std::borrow::Cow;

/// What a document shows instead of a hidden control.
pub const REPLACEMENT: char = '\u{FFFD}';

/// A character that changes how text around it is shown rather than being shown itself: C0
/// controls other than tab and newline (so carriage return and ESC too), DEL, C1 controls, and
/// the bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make text read in
/// another order than it is stored.
pub fn is_hidden_control(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b'..='\x1f' | '\x7f'..='\u{9f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Not allowed in an XML 1.0 document at all, even escaped.
fn is_xml_illegal(c: char) -> bool {
    matches!(c, '\0'..='\x08' | '\x0b' | '\x0c' | '\x0e'..='\x1f' | '\u{fffe}' | '\u{ffff}')
}

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary (the same
/// helper the facts use).
pub use maturity_checks::text::head;

/// The first `n` characters of `s` (all of it when shorter): a short commit id, the date part of
/// a timestamp.
pub fn prefix(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((end, _)) => s.get(..end).unwrap_or(s),
        None => s,
    }
}

/// `s` with every hidden control written out as an escape (`\x1b`, `\r`, `\u{202e}`), for a
/// terminal. With `keep_newlines`, `\n` stays a line break (multi-line messages); without, it is
/// shown as `\n` too, and so is a tab (one-line values: names, paths, table cells).
pub fn escape_controls(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    let shown = |c: char| !is_hidden_control(c) && (keep_newlines || !matches!(c, '\n' | '\t'));
    if s.chars().all(shown) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if shown(c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => out.push_str(&format!("\\x{:02x}", c as u32)),
            c => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
        }
    }
    Cow::Owned(out)
}

/// `s` with every hidden control, and anything XML 1.0 cannot hold, replaced by U+FFFD: for
/// documents (HTML, XML, SARIF, Markdown). Tabs and newlines stay.
pub fn replace_controls(s: &str) -> Cow<'_, str> {
    let bad = |c: char| is_hidden_control(c) || is_xml_illegal(c);
    if !s.chars().any(bad) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if bad(c) { REPLACEMENT } else { c }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-, three- and four-byte characters, a combining mark, Cyrillic, CJK, Mongolian, emoji.
    const MIXED: &str = "aЖ中😀b\u{301}Монгол ᠮᠣᠩᠭᠣᠯ 漢字🙂z";

    #[test]
    fn every_cut_point_is_a_char_boundary() {
        for n in 0..=MIXED.len() + 2 {
            let h = head(MIXED, n);
            assert!(h.len() <= n && MIXED.starts_with(h), "head {n}");
            assert!(h.len() + 4 > n || h.len() == MIXED.len(), "head {n} cut too much: {}", h.len());
            let p = prefix(MIXED, n);
            assert_eq!(p.chars().count(), n.min(MIXED.chars().count()), "prefix {n}");
            assert!(MIXED.starts_with(p));
        }
        for (s, max, want) in [("Жx", 1, ""), ("Жx", 2, "Ж"), ("😀", 3, ""), ("😀", 4, "😀"), ("", 5, "")] {
            assert_eq!(head(s, max), want, "head({s:?}, {max})");
        }
        assert_eq!(prefix("2026-11-26T09:00:00Z", 10), "2026-11-26");
        assert_eq!(prefix("Ж😀", 1), "Ж");
    }

    #[test]
    fn controls_are_escaped_for_a_terminal() {
        for (input, one_line, lines) in [
            ("plain Привет 漢字 😀", "plain Привет 漢字 😀", "plain Привет 漢字 😀"),
            ("\x1b[2Jcleared", "\\x1b[2Jcleared", "\\x1b[2Jcleared"),
            ("a\nb\tc", "a\\nb\\tc", "a\nb\tc"),
            ("line\r\n", "line\\r\\n", "line\\r\n"),
            ("évil\u{202e}txt.exe", "évil\\u{202e}txt.exe", "évil\\u{202e}txt.exe"),
            ("\u{2066}isolate\u{2069}", "\\u{2066}isolate\\u{2069}", "\\u{2066}isolate\\u{2069}"),
            ("del\x7f c1\u{9b}31m", "del\\x7f c1\\x9b31m", "del\\x7f c1\\x9b31m"),
            ("\0\x01", "\\x00\\x01", "\\x00\\x01"),
            ("e\u{301} stays", "e\u{301} stays", "e\u{301} stays"),
        ] {
            assert_eq!(escape_controls(input, false), one_line, "{input:?}");
            assert_eq!(escape_controls(input, true), lines, "{input:?}");
        }
        assert!(matches!(escape_controls("Ж", false), Cow::Borrowed(_)), "nothing to do: no copy");
    }

    #[test]
    fn controls_are_replaced_in_documents() {
        for (input, want) in [
            ("файл\x01.yml", "файл\u{fffd}.yml"),
            ("a\nb\tc", "a\nb\tc"),
            ("\x1b[31m红\u{202e}", "\u{fffd}[31m红\u{fffd}"),
            ("\u{fffe}\u{ffff}", "\u{fffd}\u{fffd}"),
            ("😀\r", "😀\u{fffd}"),
        ] {
            assert_eq!(replace_controls(input), want, "{input:?}");
        }
    }
}
