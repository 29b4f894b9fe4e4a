//! Text helpers that are safe on any input: slicing on character boundaries and line numbers
//! from one index per file.
//!
//! Repository text is hostile by default: translation files mix scripts (Cyrillic, Mongolian,
//! CJK, emoji), so a byte offset picked by arithmetic (`&text[..4096]`) can land inside a
//! character and panic. Every cut in this crate goes through [`head`], [`tail`] or [`clip`]
//! (the `clippy::string_slice` lint enforces it). Line numbers come from a [`LineIndex`] built
//! once per text, so finding the line of many blocks in one file is not quadratic.

/// The longest prefix of `s` of at most `max` bytes that ends on a character boundary.
pub fn head(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// The longest suffix of `s` of at most `max` bytes that starts on a character boundary.
pub fn tail(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut start = s.len() - max;
    while !s.is_char_boundary(start) {
        start += 1;
    }
    s.get(start..).unwrap_or("")
}

/// `s[from..to]` when both ends are character boundaries inside `s`, else `None`.
pub fn slice(s: &str, from: usize, to: usize) -> Option<&str> {
    s.get(from..to)
}

/// At most `max` characters of `s`, with `…` when something was cut.
pub fn clip(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((cut, _)) => format!("{}…", s.get(..cut).unwrap_or("")),
    }
}

/// Nesting that recursive parsers (HCL, TOML, Groovy) are allowed to see; deeper files are
/// refused before parsing, since a stack overflow cannot be caught.
pub const MAX_NESTING: usize = 100;

/// The line where brackets (`{`, `[`, `(`) first nest deeper than `max`, ignoring brackets in
/// double- or single-quoted strings; `None` when they never do. Deliberately simple: it may
/// over-count in odd files (a bracket in a comment), which only makes it stricter.
pub fn too_deep(text: &str, max: usize) -> Option<u32> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(_) if b == b'\\' => i += 1,
            Some(q) if b == q || b == b'\n' => quote = None,
            Some(_) => {}
            None => match b {
                b'"' | b'\'' => quote = Some(b),
                b'{' | b'[' | b'(' => {
                    depth += 1;
                    if depth > max {
                        return Some(LineIndex::new_bytes(bytes).line(i));
                    }
                }
                b'}' | b']' | b')' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        i += 1;
    }
    None
}

/// Line starts of a text, for line numbers by binary search.
#[derive(Debug, Clone, Default)]
pub struct LineIndex {
    /// Byte offset of the start of every line after the first.
    starts: Vec<u32>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        Self::new_bytes(text.as_bytes())
    }

    pub fn new_bytes(bytes: &[u8]) -> LineIndex {
        let starts = memchr::memchr_iter(b'\n', bytes).map(|i| (i + 1) as u32).collect();
        LineIndex { starts, len: bytes.len() }
    }

    /// The 1-based line holding byte `offset` (offsets past the end give the last line).
    pub fn line(&self, offset: usize) -> u32 {
        let offset = offset.min(self.len) as u32;
        self.starts.partition_point(|&s| s <= offset) as u32 + 1
    }

    /// The line holding byte `offset`, with the byte range of that line (without its newline).
    pub fn span(&self, offset: usize) -> (u32, usize, usize) {
        let line = self.line(offset);
        let start = if line == 1 { 0 } else { self.starts[line as usize - 2] as usize };
        let end = self.starts.get(line as usize - 1).map(|&s| s as usize - 1).unwrap_or(self.len);
        (line, start, end)
    }

    /// Number of lines (a text without a final newline still has its last line).
    pub fn lines(&self) -> u32 {
        self.starts.len() as u32 + 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two-, three- and four-byte characters next to ASCII and a combining mark.
    const MIXED: &str = "aЖ中😀b\u{301}Монгол ᠮᠣᠩᠭᠣᠯ 漢字🙂z";

    #[test]
    fn every_cut_point_is_safe() {
        for n in 0..=MIXED.len() + 2 {
            let h = head(MIXED, n);
            assert!(h.len() <= n && MIXED.starts_with(h), "head {n}");
            let t = tail(MIXED, n);
            assert!(t.len() <= n && MIXED.ends_with(t), "tail {n}");
            let _ = clip(MIXED, n);
            for m in 0..=MIXED.len() + 2 {
                let _ = slice(MIXED, n, m);
            }
        }
        assert_eq!(head("Жx", 1), "");
        assert_eq!(head("Жx", 2), "Ж");
        assert_eq!(tail("xЖ", 1), "");
        assert_eq!(clip("Жизнь", 3), "Жиз…");
        assert_eq!(clip("abc", 3), "abc");
    }

    #[test]
    fn nesting_is_measured_outside_strings() {
        assert_eq!(too_deep("a { b [ (c) ] }", 3), None);
        assert_eq!(too_deep("a {\n b [ (c) ] }", 2), Some(2));
        assert_eq!(too_deep("\"{{{{{{\" '[[[[' x", 1), None, "brackets in strings do not count");
        let deep = format!("x = {}1{}", "[".repeat(10_000), "]".repeat(10_000));
        assert_eq!(too_deep(&deep, MAX_NESTING), Some(1));
        assert_eq!(too_deep("ключ = \"😀 {\"\nдругой = [1]", 0), Some(2));
    }

    #[test]
    fn line_index_matches_a_count_of_newlines() {
        let text = "один\n二\n\n😀 three\nend";
        let idx = LineIndex::new(text);
        for offset in 0..=text.len() + 3 {
            let want = text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() as u32 + 1;
            assert_eq!(idx.line(offset), want, "offset {offset}");
        }
        assert_eq!(idx.lines(), 5);
        assert_eq!(idx.span(0), (1, 0, "один".len()));
        let three = text.find("😀").unwrap();
        let (line, start, end) = idx.span(three + 2);
        assert_eq!((line, text.get(start..end)), (4, Some("😀 three")));
        assert_eq!(idx.span(text.len()), (5, text.len() - 3, text.len()));
        assert_eq!(LineIndex::new("").line(0), 1);
    }
}
