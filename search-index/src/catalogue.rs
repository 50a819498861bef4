//! The catalogue as the site has it: the procedure pages of
//! `site/content/thu-tuc/`, read with the same parser the site and the
//! dev server use, turned into search documents.

use std::path::Path;

use anyhow::Context;
use domain::ProcedurePage;
use search::{Entry, SearchDocument, Vocabulary};

/// The site's taxonomies, as facets (the labels the term pages carry).
const FIELDS: &str = "linh-vuc";
const AGENCIES: &str = "co-quan-thuc-hien";
const LEVELS: &str = "cap-thuc-hien";
const AUDIENCES: &str = "doi-tuong";
const ONLINE: &str = "muc-do-dich-vu";

/// A page that could not be read, and why.
#[derive(Debug, Clone)]
pub struct Unreadable {
    pub file: String,
    pub reason: String,
}

/// The search entry of one procedure page at `url`.
pub fn entry(page: &ProcedurePage, url: String) -> Entry {
    let p = &page.procedure;
    let taxonomy = |name: &str| page.taxonomies.get(name).cloned().unwrap_or_default();
    let or_names =
        |values: Vec<String>, names: Vec<String>| if values.is_empty() { names } else { values };
    Entry {
        code: p.code.to_string(),
        name: p.name.to_string(),
        url,
        fields: or_names(
            taxonomy(FIELDS),
            p.fields.iter().map(|f| f.name.clone()).collect(),
        ),
        agencies: or_names(
            taxonomy(AGENCIES),
            p.agencies.iter().map(|a| a.name.clone()).collect(),
        ),
        levels: or_names(
            taxonomy(LEVELS),
            p.levels.iter().map(|l| l.label_vi().to_owned()).collect(),
        ),
        audiences: or_names(taxonomy(AUDIENCES), p.audiences.clone()),
        online: or_names(
            taxonomy(ONLINE),
            p.online_level
                .iter()
                .map(|l| l.label_vi().to_owned())
                .collect(),
        ),
        components: p.components.iter().map(|c| c.name.clone()).collect(),
        description: page
            .description
            .clone()
            .or_else(|| p.conditions.clone())
            .unwrap_or_default(),
    }
}

/// Every procedure page under `dir` (`<code>.md`, not `_index.md`), in code
/// order, and the pages that could not be read.
pub fn read(dir: &Path) -> anyhow::Result<(Vec<Entry>, Vec<Unreadable>)> {
    let mut entries = Vec::new();
    let mut unreadable = Vec::new();
    let section = dir
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("thu-tuc")
        .to_owned();
    for item in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = item?.path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        if path.extension().is_none_or(|e| e != "md") || stem == "_index" {
            continue;
        }
        let text = std::fs::read_to_string(&path)?;
        match ProcedurePage::parse(&text) {
            Ok(page) => entries.push(entry(&page, format!("/{section}/{stem}/"))),
            Err(e) => unreadable.push(Unreadable {
                file: path.display().to_string(),
                reason: e.to_string(),
            }),
        }
    }
    entries.sort_by(|a, b| a.code.cmp(&b.code));
    Ok((entries, unreadable))
}

/// The search documents of `entries`, each with its common names.
pub fn documents(entries: &[Entry], vocabulary: &Vocabulary) -> Vec<SearchDocument> {
    entries
        .iter()
        .map(|e| {
            SearchDocument::new(
                e,
                vocabulary.aliases(&e.name),
                vocabulary.spellings(&e.name),
            )
        })
        .collect()
}

/// The stop words safe for this catalogue (see `Vocabulary::stop_words`).
pub fn stop_words(
    documents: &[SearchDocument],
    vocabulary: &Vocabulary,
) -> (Vec<String>, Vec<String>) {
    let texts = documents.iter().flat_map(|d| {
        std::iter::once(d.name.as_str())
            .chain(d.aliases.iter().map(String::as_str))
            .chain(d.spellings.iter().map(String::as_str))
            .chain(d.fields.iter().map(String::as_str))
            .chain(d.agencies.iter().map(String::as_str))
    });
    vocabulary.stop_words(texts)
}
