//! Markdown to safe HTML, on the server: every read view (chart, portal, print) shows notes
//! through here. Two layers: raw HTML in the Markdown is shown as text, never interpreted; then
//! the HTML is cleaned against an allowlist (ammonia), so only the tags a note uses survive and
//! links are http(s) or mailto only.

use std::collections::HashSet;

use pulldown_cmark::{html, Event, Options, Parser};

/// Renders a note's Markdown as HTML safe to put into a page.
pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_TASKLISTS | Options::ENABLE_STRIKETHROUGH;
    let events = Parser::new_ext(markdown, options).map(|event| match event {
        // The editor writes a line break inside a table cell as `<br>`: the one tag kept.
        Event::InlineHtml(raw) if is_line_break(&raw) => Event::HardBreak,
        // Other raw HTML is text to the reader, never markup.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        other => other,
    });
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, events);
    clean(&unsafe_html)
}

fn is_line_break(raw: &str) -> bool {
    matches!(raw.trim().to_ascii_lowercase().as_str(), "<br>" | "<br/>" | "<br />")
}

fn clean(unsafe_html: &str) -> String {
    let tags: HashSet<&str> = [
        "p",
        "br",
        "hr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "strong",
        "em",
        "del",
        "code",
        "pre",
        "blockquote",
        "ul",
        "ol",
        "li",
        "input",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
        "a",
    ]
    .into_iter()
    .collect();
    ammonia::Builder::default()
        .tags(tags)
        .tag_attributes(
            [("a", ["href"].into_iter().collect()), ("input", ["type", "checked", "disabled"].into_iter().collect())]
                .into_iter()
                .collect(),
        )
        .generic_attributes(HashSet::new())
        .url_schemes(["http", "https", "mailto"].into_iter().collect())
        .link_rel(Some("noopener noreferrer nofollow"))
        .clean(unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn headings_emphasis_lists_tables_and_checklists_render() {
        let html = render("## Plan\n\n**bold** and *it*\n\n- one\n- [x] done\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert!(html.contains("<h2>Plan</h2>"), "{html}");
        assert!(html.contains("<strong>bold</strong>"));
        assert!(html.contains("<em>it</em>"));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains(r#"type="checkbox""#) && html.contains("checked"), "{html}");
        assert!(html.contains("<table>") && html.contains("<td>2</td>"), "{html}");
    }

    #[test]
    fn scripts_and_raw_html_never_survive() {
        let html = render("<script>alert(1)</script>\n\nHi <img src=x onerror=alert(2)> <b onclick=\"x()\">b</b>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("<b "), "{html}");
        // Shown as text instead.
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn a_line_break_in_a_table_cell_stays_a_line_break() {
        let html = render("| a |\n|---|\n| one<br>two |\n");
        assert!(html.contains("one<br>") && !html.contains("&lt;br"), "{html}");
    }

    #[test]
    fn only_web_and_mail_links_survive() {
        let html =
            render("[a](javascript:alert(1)) [b](data:text/html,x) [c](https://example.org) [d](mailto:x@example.org)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains(r#"href="https://example.org""#), "{html}");
        assert!(html.contains(r#"href="mailto:x@example.org""#), "{html}");
        assert!(html.contains("noopener"), "{html}");
    }

    #[test]
    fn styles_and_event_handlers_are_dropped_from_allowed_tags() {
        let html = render("[x](https://example.org \"t\")\n\n| a |\n|---|\n| b |");
        assert!(!html.contains("style="));
        assert!(!html.contains("title="), "{html}");
    }
}
