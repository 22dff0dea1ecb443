//! Widgets shared by the panes.

pub mod gauge;
pub mod grid;
pub mod sections;
pub mod table;

use std::borrow::Cow;

use ratatui::text::Line;

use crate::model::inert::inert;

/// `line` with every span made `inert`: ratatui would silently drop a
/// control character (and pass a bidi override through to the terminal);
/// the user should see `\x1b` instead. Borrowed spans stay borrowed unless
/// they need escaping.
pub fn inert_line(mut line: Line<'_>) -> Line<'_> {
    for span in &mut line.spans {
        let escaped = match inert(&span.content) {
            Cow::Owned(s) => Some(s),
            Cow::Borrowed(_) => None,
        };
        if let Some(s) = escaped {
            span.content = Cow::Owned(s);
        }
    }
    line
}

/// Lines of a paragraph (a detail view, a popup), each made inert.
pub fn inert_lines<'a>(lines: impl IntoIterator<Item = Line<'a>>) -> Vec<Line<'a>> {
    lines.into_iter().map(inert_line).collect()
}

/// `line` cut to `width` columns, its last one `…` when anything was cut.
pub fn fit_line(line: Line<'_>, width: usize) -> Line<'_> {
    if line.width() <= width {
        return line;
    }
    let mut left = width.saturating_sub(1);
    let mut spans = Vec::new();
    for span in line.spans {
        let w = span.width();
        if w <= left {
            left -= w;
            spans.push(span);
            continue;
        }
        let cut: String = span.content.chars().take(left).collect();
        spans.push(ratatui::text::Span::styled(cut, span.style));
        break;
    }
    spans.push(ratatui::text::Span::raw("…"));
    Line::from(spans).style(line.style)
}

#[cfg(test)]
mod tests {
    use ratatui::style::Style;
    use ratatui::text::Span;

    use super::*;

    #[test]
    fn a_long_line_ends_in_an_ellipsis() {
        let line = Line::from(vec![Span::raw("abc"), Span::raw("defgh")]);
        let fitted = fit_line(line, 6);
        assert_eq!(fitted.width(), 6);
        assert_eq!(fitted.to_string(), "abcde…");
        assert_eq!(fit_line(Line::raw("ab"), 6).to_string(), "ab");
    }

    #[test]
    fn spans_are_made_inert_and_keep_their_styles() {
        let red = Style::new().red();
        let line = Line::from(vec![
            Span::raw("pod "),
            Span::styled("web\x1b]0;x\x07", red),
        ])
        .style(Style::new().bold());
        let out = inert_line(line);
        assert_eq!(out.spans[0].content, "pod ");
        assert!(matches!(out.spans[0].content, Cow::Borrowed(_)));
        assert_eq!(out.spans[1].content, "web\\x1b]0;x\\x07");
        assert_eq!(out.spans[1].style, red);
        assert_eq!(out.style, Style::new().bold());
    }
}
