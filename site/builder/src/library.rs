//! The site as templates see it: sections, the listing entry of every page,
//! the order of pages in their sections and the taxonomies.
//!
//! A page's *listing entry* is what Zola serialises for it inside lists
//! (`section.pages`, `paginator.pages`, `term.pages`): every page field but the
//! rendered `content`, `toc`, `lower`/`higher` and the `extra` keys named in
//! `[extra.builder] listing_omits`. Entries are kept as JSON text in the build
//! state, so an incremental build never re-reads the pages it does not render.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::sync::{Arc, OnceLock};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::{Config, TaxonomyConfig};
use crate::content::{Page, Section, SortBy, date_string};
use crate::markdown::Rendered;

/// What the library knows of a page without reading it again.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Entry {
    pub relative_path: String,
    pub section: String,
    pub path: String,
    pub permalink: String,
    pub slug: String,
    pub title: Option<String>,
    pub weight: Option<usize>,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub taxonomies: BTreeMap<String, Vec<String>>,
    pub draft: bool,
    pub render: bool,
    pub aliases: Vec<String>,
    /// Digest of the file's bytes.
    pub file_digest: u64,
    /// The listing entry as JSON text, and its digest.
    pub listing: String,
    /// What `sort_by = "title"` orders by: the title without diacritics.
    pub title_key: String,
    pub listing_digest: u64,
    #[serde(skip)]
    value: OnceLock<Value>,
}

pub fn digest(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

impl Entry {
    /// `omit`: the `extra` keys listings leave out (`Config::listing_omits`).
    pub fn new(
        config: &Config,
        omit: &[String],
        page: &Page,
        rendered: &Rendered,
        ancestors: &[String],
        file_digest: u64,
    ) -> Self {
        let extra: serde_json::Map<String, Value> = page
            .meta
            .extra
            .iter()
            .filter(|(k, _)| !omit.contains(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let value = page_fields(config, page, rendered, ancestors, extra);
        let listing = value.to_string();
        Entry {
            relative_path: page.relative_path.clone(),
            section: page.section.clone(),
            path: page.path.clone(),
            permalink: page.permalink.clone(),
            slug: page.slug.clone(),
            title: page.meta.title.clone(),
            weight: page.meta.weight,
            date: page.meta.date.as_ref().and_then(date_string),
            updated: page.meta.updated.as_ref().and_then(date_string),
            taxonomies: page.meta.taxonomies.clone(),
            draft: page.meta.draft,
            render: page.meta.render,
            aliases: page.meta.aliases.clone(),
            file_digest,
            listing_digest: digest(listing.as_bytes()),
            title_key: slug::slugify(page.meta.title.as_deref().unwrap_or_default()),
            listing,
            value: OnceLock::from(value),
        }
    }

    /// The listing entry for templates.
    pub fn value(&self) -> &Value {
        self.value.get_or_init(|| {
            serde_json::from_str(&self.listing).expect("listing entries are written as JSON")
        })
    }
}

/// The fields Zola gives a page in templates, except those that only the
/// page itself gets (`content`, `toc`, `lower`, `higher`), with `extra`.
pub fn page_fields(
    config: &Config,
    page: &Page,
    rendered: &Rendered,
    ancestors: &[String],
    extra: serde_json::Map<String, Value>,
) -> Value {
    let date = page.meta.date.as_ref().and_then(date_string);
    let (year, month, day) = date
        .as_deref()
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.get(..10)?, "%Y-%m-%d").ok())
        .map(|d| {
            use chrono::Datelike;
            (Some(d.year()), Some(d.month()), Some(d.day()))
        })
        .unwrap_or((None, None, None));
    json!({
        "relative_path": page.relative_path,
        "colocated_path": null,
        "permalink": page.permalink,
        "slug": page.slug,
        "ancestors": ancestors,
        "title": page.meta.title,
        "description": page.meta.description,
        "updated": page.meta.updated.as_ref().and_then(date_string),
        "date": date,
        "year": year,
        "month": month,
        "day": day,
        "taxonomies": page.meta.taxonomies,
        "authors": page.meta.authors,
        "extra": extra,
        "path": page.path,
        "components": crate::content::components(&page.path),
        "summary": rendered.summary,
        "word_count": rendered.word_count,
        "reading_time": rendered.reading_time,
        "assets": [],
        "draft": page.meta.draft,
        "lang": config.default_language,
        "translations": [],
        "backlinks": [],
    })
}

pub fn toml_to_json(value: &toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => Value::Object(
            t.iter()
                .map(|(k, v)| (k.clone(), toml_to_json(v)))
                .collect(),
        ),
    }
}

/// Relative paths of sections from the home page down to `section`.
pub fn ancestors(sections: &BTreeMap<String, SectionData>, section: &str) -> Vec<String> {
    let mut chain = vec![section.to_owned()];
    let mut at = section.to_owned();
    while let Some(parent) = sections.get(&at).and_then(|d| d.section.parent()) {
        chain.push(parent.clone());
        at = parent;
    }
    chain.reverse();
    chain
}

/// A section with its rendered content, always fully known (sections are few).
#[derive(Debug, Clone)]
pub struct SectionData {
    pub section: Section,
    pub rendered: Rendered,
    pub file_digest: u64,
}

#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub config: TaxonomyConfig,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    pub terms: Vec<Term>,
}

#[derive(Debug, Clone)]
pub struct Term {
    pub name: String,
    pub slug: String,
    pub path: String,
    pub permalink: String,
    /// Relative paths of its pages, in display order.
    pub pages: Vec<String>,
}

pub struct Library {
    pub config: Arc<Config>,
    /// Where pages are read from when a template asks for one (`get_page`).
    pub content_dir: std::path::PathBuf,
    pub sections: BTreeMap<String, SectionData>,
    pub entries: HashMap<String, Entry>,
    /// Each section's pages in its sort order (drafts left out).
    pub section_pages: HashMap<String, Vec<String>>,
    pub subsections: HashMap<String, Vec<String>>,
    pub taxonomies: Vec<Taxonomy>,
    /// Each page's index in its own section's order.
    positions: HashMap<String, usize>,
}

impl Library {
    pub fn new(
        config: Arc<Config>,
        content_dir: std::path::PathBuf,
        sections: BTreeMap<String, SectionData>,
        entries: HashMap<String, Entry>,
    ) -> Self {
        let mut subsections: HashMap<String, Vec<String>> = HashMap::default();
        for (path, data) in &sections {
            if let Some(parent) = data.section.parent() {
                subsections.entry(parent).or_default().push(path.clone());
            }
        }
        for subs in subsections.values_mut() {
            subs.sort_by_key(|s| (sections[s].section.meta.weight, s.clone()));
        }
        let mut section_pages: HashMap<String, Vec<String>> = HashMap::default();
        let mut unsorted: Vec<&Entry> = entries.values().filter(|e| !e.draft).collect();
        unsorted.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
        for entry in unsorted {
            // Pages of a transparent section are listed in its parent too.
            let mut section = Some(entry.section.clone());
            while let Some(s) = section {
                section_pages
                    .entry(s.clone())
                    .or_default()
                    .push(entry.relative_path.clone());
                section = sections
                    .get(&s)
                    .filter(|d| d.section.meta.transparent)
                    .and_then(|d| d.section.parent());
            }
        }
        for (section, pages) in &mut section_pages {
            let sort_by = sections
                .get(section)
                .map_or(SortBy::None, |d| d.section.meta.sort_by);
            sort_pages(pages, &entries, sort_by);
        }
        let positions = entries
            .values()
            .filter_map(|e| {
                let pages = section_pages.get(&e.section)?;
                Some((e.relative_path.clone(), 0, pages))
            })
            .collect::<Vec<_>>();
        let mut index: HashMap<String, usize> = HashMap::default();
        for pages in section_pages.values() {
            for (i, p) in pages.iter().enumerate() {
                index.entry(p.clone()).or_insert(i);
            }
        }
        let positions: HashMap<String, usize> = positions
            .into_iter()
            .filter_map(|(rel, _, pages)| {
                // A transparent section lists the page twice: keep its own section's index.
                let i = *index.get(&rel)?;
                if pages.get(i) == Some(&rel) {
                    Some((rel, i))
                } else {
                    pages.iter().position(|p| *p == rel).map(|i| (rel, i))
                }
            })
            .collect();
        let mut by_title_order: Vec<&Entry> = entries.values().filter(|e| !e.draft).collect();
        by_title_order.sort_by(|a, b| by_title(a, b));
        let taxonomies = config
            .taxonomies
            .iter()
            .map(|tc| build_taxonomy(&config, tc, &by_title_order))
            .collect();
        Library {
            config,
            content_dir,
            sections,
            entries,
            section_pages,
            subsections,
            taxonomies,
            positions,
        }
    }

    pub fn pages_of(&self, section: &str) -> &[String] {
        self.section_pages
            .get(section)
            .map_or(&[][..], |v| v.as_slice())
    }

    pub fn taxonomy(&self, name: &str) -> Option<&Taxonomy> {
        self.taxonomies.iter().find(|t| t.config.name == name)
    }

    /// Relative paths of sections from the home page down to `section`.
    pub fn ancestors(&self, section: &str) -> Vec<String> {
        ancestors(&self.sections, section)
    }

    /// A term of a taxonomy by its slug.
    pub fn term(&self, kind: &str, slug: &str) -> Option<(&Taxonomy, &Term)> {
        let taxonomy = self.taxonomy(kind)?;
        let term = taxonomy.terms.iter().find(|t| t.slug == slug)?;
        Some((taxonomy, term))
    }

    /// The permalink of a page or section by its path under `content/`.
    pub fn permalink(&self, relative_path: &str) -> Option<&str> {
        self.entries
            .get(relative_path)
            .map(|e| e.permalink.as_str())
            .or_else(|| {
                self.sections
                    .get(relative_path)
                    .map(|d| d.section.permalink.as_str())
            })
    }

    /// The `(lower, higher)` neighbours of a page in its section's order.
    pub fn neighbours(&self, page: &Entry) -> (Option<&Entry>, Option<&Entry>) {
        let Some(data) = self.sections.get(&page.section) else {
            return (None, None);
        };
        let sort_by = data.section.meta.sort_by;
        if sort_by == SortBy::None {
            return (None, None);
        }
        let pages = self.pages_of(&page.section);
        let Some(&at) = self.positions.get(&page.relative_path) else {
            return (None, None);
        };
        let before = at.checked_sub(1).and_then(|i| self.entries.get(&pages[i]));
        let after = pages.get(at + 1).and_then(|p| self.entries.get(p));
        match sort_by {
            // Newest first: the page before is the later one.
            SortBy::Date | SortBy::UpdateDate => (after, before),
            _ => (before, after),
        }
    }

    /// `section` as Zola serialises it; `with_pages` false gives the
    /// metadata-only form (used by paginated sections and `get_section`).
    pub fn section_value(&self, relative_path: &str, with_pages: bool) -> Option<Value> {
        let data = self.sections.get(relative_path)?;
        let s = &data.section;
        let pages: Vec<Value> = if with_pages {
            self.pages_of(relative_path)
                .iter()
                .map(|p| self.entries[p].value().clone())
                .collect()
        } else {
            Vec::new()
        };
        let subsections: &[String] = if with_pages {
            self.subsections
                .get(relative_path)
                .map_or(&[][..], |v| v.as_slice())
        } else {
            &[]
        };
        let mut ancestors = self.ancestors(relative_path);
        ancestors.pop();
        Some(json!({
            "relative_path": s.relative_path,
            "colocated_path": null,
            "content": data.rendered.html,
            "permalink": s.permalink,
            "draft": s.meta.draft,
            "ancestors": ancestors,
            "title": s.meta.title,
            "description": s.meta.description,
            "extra": toml_to_json(&toml::Value::Table(s.meta.extra.clone())),
            "path": s.path,
            "components": s.components(),
            "toc": data.rendered.toc,
            "word_count": data.rendered.word_count,
            "reading_time": data.rendered.reading_time,
            "lang": self.config.default_language,
            "assets": [],
            "pages": pages,
            "subsections": subsections,
            "translations": [],
            "backlinks": [],
            "generate_feeds": false,
        }))
    }

    pub fn term_value(&self, taxonomy: &Taxonomy, term: &Term, pages: &[String]) -> Value {
        json!({
            "name": term.name,
            "slug": term.slug,
            "path": term.path,
            "permalink": term.permalink,
            "pages": pages.iter().map(|p| self.entries[p].value().clone()).collect::<Vec<_>>(),
            "page_count": term.pages.len(),
            "taxonomy": taxonomy.config.name,
        })
    }

    /// `get_taxonomy`'s answer.
    pub fn taxonomy_value(&self, taxonomy: &Taxonomy) -> Value {
        json!({
            "kind": taxonomy.config,
            "lang": self.config.default_language,
            "permalink": taxonomy.permalink,
            "items": taxonomy.terms.iter().map(|t| self.term_value(taxonomy, t, &t.pages)).collect::<Vec<_>>(),
        })
    }
}

/// Title order: letters without diacritics first, then the exact title.
fn by_title(a: &Entry, b: &Entry) -> std::cmp::Ordering {
    a.title_key
        .cmp(&b.title_key)
        .then_with(|| a.title.cmp(&b.title))
        .then_with(|| a.relative_path.cmp(&b.relative_path))
}

fn sort_pages(pages: &mut Vec<String>, entries: &HashMap<String, Entry>, sort_by: SortBy) {
    let has_key = |e: &Entry| match sort_by {
        SortBy::Date => e.date.is_some(),
        SortBy::UpdateDate => e.updated.is_some() || e.date.is_some(),
        SortBy::Weight => e.weight.is_some(),
        SortBy::Title | SortBy::TitleBytes => e.title.is_some(),
        SortBy::Slug | SortBy::None => true,
    };
    // Sorting the entries themselves: one map lookup per page, not per comparison.
    let listed: Vec<&Entry> = pages.iter().map(|p| &entries[p]).collect();
    // Pages without the sort key go last, in file order, as in Zola.
    let (mut sortable, rest): (Vec<&Entry>, Vec<&Entry>) =
        listed.into_iter().partition(|e| has_key(e));
    match sort_by {
        SortBy::Date => sortable.sort_by(|a, b| b.date.cmp(&a.date)),
        SortBy::UpdateDate => sortable.sort_by(|a, b| {
            let key = |e: &Entry| e.updated.clone().or_else(|| e.date.clone());
            key(b).cmp(&key(a))
        }),
        SortBy::Weight => sortable.sort_by_key(|e| e.weight),
        SortBy::Title => sortable.sort_by(|a, b| by_title(a, b)),
        SortBy::TitleBytes => sortable.sort_by(|a, b| a.title.cmp(&b.title)),
        SortBy::Slug => sortable.sort_by(|a, b| a.slug.cmp(&b.slug)),
        SortBy::None => {}
    }
    *pages = sortable
        .into_iter()
        .chain(rest)
        .map(|e| e.relative_path.clone())
        .collect();
}

fn build_taxonomy(config: &Config, tc: &TaxonomyConfig, by_title_order: &[&Entry]) -> Taxonomy {
    let slug = tc.slug();
    let path = format!("/{slug}/");
    let mut terms: BTreeMap<String, Term> = BTreeMap::new();
    let mut slugs: HashMap<&str, String> = HashMap::default();
    for entry in by_title_order {
        let mut seen: Vec<String> = Vec::new();
        for name in entry.taxonomies.get(&tc.name).into_iter().flatten() {
            let term_slug = slugs
                .entry(name.as_str())
                .or_insert_with(|| slug::slugify(name))
                .clone();
            if seen.contains(&term_slug) {
                continue;
            }
            seen.push(term_slug.clone());
            let term = terms.entry(term_slug.clone()).or_insert_with(|| {
                let path = format!("/{slug}/{term_slug}/");
                Term {
                    name: name.clone(),
                    permalink: config.permalink(&path),
                    path,
                    slug: term_slug,
                    pages: Vec::new(),
                }
            });
            term.pages.push(entry.relative_path.clone());
        }
    }
    Taxonomy {
        config: tc.clone(),
        permalink: config.permalink(&path),
        path,
        slug,
        terms: terms.into_values().collect(),
    }
}
