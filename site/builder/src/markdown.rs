//! Markdown to HTML the way Zola does it: CommonMark with tables, footnotes,
//! strikethrough and task lists; heading ids from the heading text; internal
//! links written `@/path/to/file.md`; a summary cut at `<!-- more -->`.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd, html};
use serde::Serialize;

use crate::config::MarkdownConfig;

/// A heading of the table of contents, as Zola's `page.toc` gives it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heading {
    pub level: u32,
    pub id: String,
    pub permalink: String,
    pub title: String,
    pub children: Vec<Heading>,
}

#[derive(Debug, Clone)]
pub struct Rendered {
    pub html: String,
    pub summary: Option<String>,
    pub toc: Vec<Heading>,
    pub word_count: usize,
    pub reading_time: usize,
    /// `@/` targets the text links to, for dependency tracking.
    pub internal_links: Vec<String>,
}

/// A link that cannot be resolved, with its 1-based line in the body.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokenLink {
    pub line: usize,
    pub target: String,
}

const SUMMARY_CUTOFF: &str = "<!-- more -->";

pub fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
}

/// Renders `body`; `resolve` turns `@/x.md` (without the `@/`) into a permalink.
pub fn render(
    body: &str,
    page_permalink: &str,
    config: &MarkdownConfig,
    resolve: &dyn Fn(&str) -> Option<String>,
) -> Result<Rendered, BrokenLink> {
    let mut opts = options();
    if config.smart_punctuation {
        opts |= Options::ENABLE_SMART_PUNCTUATION;
    }
    let mut events: Vec<Event> = Vec::new();
    let mut internal_links = Vec::new();
    let mut summary_at = None;
    let mut word_count = 0;
    for (event, range) in Parser::new_ext(body, opts).into_offset_iter() {
        let event = match event {
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let (target, anchor) = match dest_url[2..].split_once('#') {
                    Some((t, a)) => (t.to_owned(), Some(a.to_owned())),
                    None => (dest_url[2..].to_owned(), None),
                };
                let Some(permalink) = resolve(&target) else {
                    return Err(BrokenLink {
                        line: crate::error::line_of(body, range.start),
                        target: dest_url.to_string(),
                    });
                };
                internal_links.push(target);
                let url = match anchor {
                    Some(a) => format!("{permalink}#{a}"),
                    None => permalink,
                };
                Event::Start(Tag::Link {
                    link_type,
                    dest_url: url.into(),
                    title,
                    id,
                })
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if is_external(&dest_url) && external_attributes(config).is_some() => {
                // pulldown-cmark cannot add attributes to links: write the tag ourselves.
                let attrs = external_attributes(config).unwrap();
                let _ = (link_type, id);
                let title_attr = if title.is_empty() {
                    String::new()
                } else {
                    format!(" title=\"{}\"", escape(&title))
                };
                Event::Html(format!("<a href=\"{}\"{title_attr}{attrs}>", escape(&dest_url)).into())
            }
            Event::Html(ref h) | Event::InlineHtml(ref h)
                if summary_at.is_none() && h.trim() == SUMMARY_CUTOFF =>
            {
                summary_at = Some(events.len());
                continue;
            }
            Event::Text(ref t) => {
                word_count += t.split_whitespace().count();
                event
            }
            other => other,
        };
        events.push(event);
    }
    let toc = assign_heading_ids(&mut events, page_permalink);
    let summary = summary_at.map(|at| {
        let mut out = String::new();
        html::push_html(&mut out, events[..at].iter().cloned());
        out
    });
    let mut out = String::with_capacity(body.len() * 3 / 2);
    html::push_html(&mut out, events.into_iter());
    Ok(Rendered {
        html: out,
        summary,
        toc,
        word_count,
        reading_time: word_count.div_ceil(200),
        internal_links,
    })
}

fn is_external(url: &str) -> bool {
    url.starts_with("http://") || url.starts_with("https://")
}

fn external_attributes(config: &MarkdownConfig) -> Option<String> {
    let mut rel = Vec::new();
    if config.external_links_no_follow {
        rel.push("nofollow");
    }
    if config.external_links_target_blank {
        rel.push("noopener");
    }
    if config.external_links_no_referrer {
        rel.push("noreferrer");
    }
    if rel.is_empty() && !config.external_links_target_blank {
        return None;
    }
    let mut attrs = String::new();
    if config.external_links_target_blank {
        attrs.push_str(" target=\"_blank\"");
    }
    if !rel.is_empty() {
        attrs.push_str(&format!(" rel=\"{}\"", rel.join(" ")));
    }
    Some(attrs)
}

pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Gives every heading without an explicit `{#id}` the slug of its text
/// (`-1`, `-2`… on repeats) and returns the nested table of contents.
fn assign_heading_ids(events: &mut [Event], page_permalink: &str) -> Vec<Heading> {
    let mut used: Vec<String> = Vec::new();
    let mut flat: Vec<Heading> = Vec::new();
    let mut i = 0;
    while i < events.len() {
        if let Event::Start(Tag::Heading { level, id, .. }) = &events[i] {
            let level = heading_level(*level);
            let explicit = id.as_ref().map(|s| s.to_string());
            let mut title = String::new();
            let mut j = i + 1;
            while j < events.len() && !matches!(events[j], Event::End(TagEnd::Heading(_))) {
                if let Event::Text(t) | Event::Code(t) = &events[j] {
                    title.push_str(t);
                }
                j += 1;
            }
            let base = explicit.unwrap_or_else(|| slug::slugify(&title));
            let mut chosen = base.clone();
            let mut n = 0;
            while used.contains(&chosen) {
                n += 1;
                chosen = format!("{base}-{n}");
            }
            used.push(chosen.clone());
            if let Event::Start(Tag::Heading { id, .. }) = &mut events[i] {
                *id = Some(CowStr::from(chosen.clone()));
            }
            flat.push(Heading {
                level,
                permalink: format!("{page_permalink}#{chosen}"),
                id: chosen,
                title,
                children: Vec::new(),
            });
            i = j;
        }
        i += 1;
    }
    nest(flat)
}

fn heading_level(level: HeadingLevel) -> u32 {
    level as u32
}

fn nest(flat: Vec<Heading>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for heading in flat {
        push_nested(&mut roots, heading);
    }
    roots
}

fn push_nested(siblings: &mut Vec<Heading>, heading: Heading) {
    match siblings.last_mut() {
        Some(last) if last.level < heading.level => push_nested(&mut last.children, heading),
        _ => siblings.push(heading),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(body: &str) -> Rendered {
        render(body, "https://x.vn/a/", &MarkdownConfig::default(), &|t| {
            (t == "huong-dan/nop.md").then(|| "https://x.vn/huong-dan/nop/".to_owned())
        })
        .unwrap()
    }

    #[test]
    fn headings_get_vietnamese_slugs_and_a_toc() {
        let r = md("## Bước 1: Chuẩn bị hồ sơ\n\n### Giấy tờ\n\n## Bước 1: Chuẩn bị hồ sơ\n");
        assert!(
            r.html
                .contains("<h2 id=\"buoc-1-chuan-bi-ho-so\">Bước 1: Chuẩn bị hồ sơ</h2>"),
            "{}",
            r.html
        );
        assert!(r.html.contains("id=\"buoc-1-chuan-bi-ho-so-1\""));
        assert_eq!(r.toc.len(), 2);
        assert_eq!(r.toc[0].children[0].id, "giay-to");
        assert_eq!(r.toc[0].permalink, "https://x.vn/a/#buoc-1-chuan-bi-ho-so");
    }

    #[test]
    fn internal_links_resolve_or_fail_with_their_line() {
        let r = md("Xem [hướng dẫn](@/huong-dan/nop.md#buoc-2).");
        assert!(
            r.html
                .contains("href=\"https://x.vn/huong-dan/nop/#buoc-2\""),
            "{}",
            r.html
        );
        assert_eq!(r.internal_links, ["huong-dan/nop.md"]);
        let err = render(
            "Dòng 1\n\nXem [x](@/khong-co.md).",
            "",
            &MarkdownConfig::default(),
            &|_| None,
        )
        .unwrap_err();
        assert_eq!(
            err,
            BrokenLink {
                line: 3,
                target: "@/khong-co.md".into()
            }
        );
    }

    #[test]
    fn summary_tables_and_word_count() {
        let r = md("Đoạn đầu tiên.\n\n<!-- more -->\n\n| a | b |\n|---|---|\n| 1 | 2 |\n");
        assert_eq!(r.summary.as_deref(), Some("<p>Đoạn đầu tiên.</p>\n"));
        assert!(r.html.contains("<table>"));
        assert!(!r.html.contains("more"));
        assert_eq!(r.word_count, 7);
        assert_eq!(r.reading_time, 1);
    }

    #[test]
    fn external_links_can_open_safely() {
        let config = MarkdownConfig {
            external_links_target_blank: true,
            ..Default::default()
        };
        let r = render("[x](https://dichvucong.gov.vn)", "", &config, &|_| None).unwrap();
        assert!(
            r.html.contains(
                "<a href=\"https://dichvucong.gov.vn\" target=\"_blank\" rel=\"noopener\">x</a>"
            ),
            "{}",
            r.html
        );
    }
}
