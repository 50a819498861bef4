//! What the publications of answers — to questions (`questions`) and to
//! petitions (`petitions`) — share: the section's index page, one page per
//! published answer, and the link to the procedure an answer is about.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::questions::{procedure_path, timestamp};
use crate::{FrontMatter, PublishError, page};

/// A section of published answers: its name, its templates and its text.
pub(crate) struct Section<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// The section's template, and its pages'.
    pub template: &'a str,
    pub page_template: &'a str,
    /// The index page's Markdown body.
    pub text: &'a str,
}

#[derive(Debug, Serialize)]
struct SectionExtra {
    count: usize,
}

/// The procedure an answer is about, with its page on the site.
#[derive(Debug, Serialize)]
pub(crate) struct ProcedureLink<'a> {
    code: &'a str,
    name: &'a str,
    /// `thu-tuc/1-003677`, for `get_url(path=…, trailing_slash=true)`.
    path: String,
}

impl<'a> ProcedureLink<'a> {
    pub(crate) fn new(code: &'a str, name: &'a str) -> Self {
        Self {
            code,
            name,
            path: procedure_path(code),
        }
    }
}

/// The content files of a section of `count` answers: its `_index.md`,
/// whose pages are listed by date, newest first; `add_page` adds each.
pub(crate) fn section_files(
    section: &Section<'_>,
    count: usize,
) -> Result<BTreeMap<String, Vec<u8>>, PublishError> {
    let front = FrontMatter {
        title: section.title,
        description: section.description,
        template: Some(section.template),
        date: None,
        sort_by: Some("date"),
        page_template: Some(section.page_template),
        extra: SectionExtra { count },
    };
    let index = page(&front, section.text).map_err(|source| PublishError::Page {
        file: "_index.md".into(),
        source,
    })?;
    Ok(BTreeMap::from([("_index.md".to_owned(), index)]))
}

/// Adds the page `<slug>.md` of an answer published at `published_at`
/// (its date in the section's list); what its template renders is `extra`.
/// Texts go into the front matter only, which the templates print escaped.
pub(crate) fn add_page<E: Serialize>(
    files: &mut BTreeMap<String, Vec<u8>>,
    slug: &str,
    title: &str,
    description: &str,
    published_at: NaiveDateTime,
    extra: E,
) -> Result<(), PublishError> {
    let front = FrontMatter {
        title,
        description,
        template: None,
        date: Some(timestamp(published_at)),
        sort_by: None,
        page_template: None,
        extra,
    };
    let file = format!("{slug}.md");
    let bytes = page(&front, "").map_err(|source| PublishError::Page {
        file: file.clone(),
        source,
    })?;
    files.insert(file, bytes);
    Ok(())
}
