//! Text that came from the cluster (names, messages, annotations, the
//! snapshot's context) is made inert before it reaches a terminal, a
//! Markdown file or a log: an object named with ESC/BEL sequences must not
//! retitle the terminal or clear the screen. Control characters are shown
//! escaped (`\x1b`, `\n`, `\u{85}`), so the reader sees that they are there.
//!
//! One function for every output: the table and Markdown reports, the
//! console's cells and views, the log.

use std::borrow::Cow;
use std::fmt::Write;

/// `s` with every control character (C0, DEL, C1) and the Unicode bidi
/// overrides that reorder a line on screen replaced by an escape. Borrowed
/// when nothing needs escaping, which is almost always.
pub fn inert(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_escape) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        push_char(&mut out, c);
    }
    Cow::Owned(out)
}

/// Like `inert`, but keeps newlines (and tabs) as they are: for multi-line
/// text such as a YAML view, where each line is drawn on its own.
pub fn inert_lines(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| c != '\n' && c != '\t' && needs_escape(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if c == '\n' || c == '\t' {
            out.push(c);
        } else {
            push_char(&mut out, c);
        }
    }
    Cow::Owned(out)
}

fn needs_escape(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Bidi embeddings, overrides and isolates (the "Trojan Source" set).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_char(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if (c as u32) < 0x80 && needs_escape(c) => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if needs_escape(c) => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
        c => out.push(c),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(inert("web"), "web");
        assert!(matches!(inert("web"), Cow::Borrowed(_)));
        assert_eq!(inert("a\x1b]0;owned\x07b"), "a\\x1b]0;owned\\x07b");
        assert_eq!(inert("a\r\nb\tc"), "a\\r\\nb\\tc");
        assert_eq!(inert("x\u{7f}\u{9b}y"), "x\\x7f\\u{9b}y");
        assert_eq!(inert("\u{202e}txt.exe"), "\\u{202e}txt.exe");
        assert_eq!(inert("zoë ✓"), "zoë ✓");
    }

    #[test]
    fn lines_keep_their_breaks() {
        assert_eq!(inert_lines("a: 1\nb: \x1b[2J\n"), "a: 1\nb: \\x1b[2J\n");
        assert_eq!(inert_lines("a\r\n"), "a\\r\n");
    }
}
