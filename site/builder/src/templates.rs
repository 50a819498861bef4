//! Tera as Zola sets it up: the site's templates, Zola's built-in ones where
//! the site has none, and the functions and filters of Zola's template API
//! (`get_url`, `get_section`, `get_page`, `get_taxonomy`, `get_taxonomy_url`,
//! `get_taxonomy_term`, `now`; `markdown`, `num_format`).
//!
//! Every function that reads other content records what it read, so that an
//! incremental build knows which outputs a change touches.

use std::cell::RefCell;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use tera::{Function, Tera};

use crate::error::{BuildError, tera_message};
use crate::library::{Library, digest};

/// Something a rendered output read besides its own context.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Dep {
    /// A page or section's permalink (`get_url(path="@/…")`, Markdown links).
    Permalink(String),
    /// A page's listing entry.
    Listing(String),
    /// A whole page, content included (`get_page`).
    File(String),
    /// A section's own fields (`get_section(…, metadata_only=true)`).
    SectionMeta(String),
    /// A section with its pages (`get_section`).
    SectionPages(String),
    /// A whole taxonomy (`get_taxonomy`).
    Taxonomy(String),
    /// Whether a term exists (`get_taxonomy_url`).
    TermExists(String, String),
    /// One term with its pages (`get_taxonomy_term`).
    Term(String, String),
    /// A file under `static/` (`get_url(…, cachebust=true)`).
    Static(String),
}

thread_local! {
    static RECORDED: RefCell<Vec<Dep>> = const { RefCell::new(Vec::new()) };
}

pub fn record(dep: Dep) {
    RECORDED.with(|r| r.borrow_mut().push(dep));
}

/// Runs `render` and returns what it read, deduplicated.
pub fn recording<T>(render: impl FnOnce() -> T) -> (T, Vec<Dep>) {
    RECORDED.with(|r| r.borrow_mut().clear());
    let out = render();
    let mut deps = RECORDED.with(|r| std::mem::take(&mut *r.borrow_mut()));
    deps.sort();
    deps.dedup();
    (out, deps)
}

/// Zola's own templates, used where the site does not provide one.
const BUILTINS: [(&str, &str); 4] = [
    (
        "robots.txt",
        "User-agent: *\nDisallow:\nAllow: /\nSitemap: {{ get_url(path=\"sitemap.xml\") }}\n",
    ),
    (
        "sitemap.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{%- for entry in entries %}\n    <url>\n        <loc>{{ entry.permalink | escape_xml | safe }}</loc>\n        {%- if entry.updated %}\n        <lastmod>{{ entry.updated }}</lastmod>\n        {%- endif %}\n    </url>\n{%- endfor %}\n</urlset>\n",
    ),
    (
        "split_sitemap_index.xml",
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n{%- for sitemap in sitemaps %}\n    <sitemap>\n        <loc>{{ sitemap }}</loc>\n    </sitemap>\n{%- endfor %}\n</sitemapindex>\n",
    ),
    (
        "internal/alias.html",
        "<!DOCTYPE html>\n<html lang=\"{{ config.default_language }}\"><head><meta charset=\"utf-8\"><title>{{ url | safe }}</title><meta name=\"robots\" content=\"noindex\"><link rel=\"canonical\" href=\"{{ url | safe }}\"><meta http-equiv=\"refresh\" content=\"0; url={{ url | safe }}\"></head><body><p><a href=\"{{ url | safe }}\">{{ url | safe }}</a></p></body></html>\n",
    ),
];

/// Reads every template under `dir`; a syntax error names the file, line and column.
pub fn load(dir: &Path) -> Result<(Vec<(String, String)>, u64), BuildError> {
    let mut sources = Vec::new();
    if dir.is_dir() {
        for item in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let item = item.map_err(|e| BuildError::Template {
                file: dir.to_owned(),
                message: e.to_string(),
            })?;
            if !item.file_type().is_file() {
                continue;
            }
            let name = item
                .path()
                .strip_prefix(dir)
                .expect("walked under dir")
                .to_string_lossy()
                .replace('\\', "/");
            let text =
                std::fs::read_to_string(item.path()).map_err(|e| BuildError::io(item.path(), e))?;
            sources.push((name, text));
        }
    }
    for (name, text) in BUILTINS {
        if !sources.iter().any(|(n, _)| n == name) {
            sources.push((name.to_owned(), text.to_owned()));
        }
    }
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (name, text) in &sources {
        hasher.update(name.as_bytes());
        hasher.update(&[0]);
        hasher.update(text.as_bytes());
        hasher.update(&[0]);
    }
    Ok((sources, hasher.digest()))
}

/// A Tera instance over `sources` whose functions read `library`.
pub fn tera(
    sources: &[(String, String)],
    templates_dir: &Path,
    library: Arc<Library>,
    static_dir: PathBuf,
) -> Result<Tera, BuildError> {
    let mut tera = Tera::default();
    if let Err(all) = tera.add_raw_templates(sources.iter().map(|(n, t)| (n.as_str(), t.as_str())))
    {
        // Parse them one by one to name the file with the syntax error
        // (Tera's message gives its line and column).
        for (name, text) in sources {
            if let Err(e) = tera::Template::new(name, None, text) {
                return Err(BuildError::Template {
                    file: templates_dir.join(name),
                    message: tera_message(&e),
                });
            }
        }
        return Err(BuildError::Template {
            file: templates_dir.to_owned(),
            message: tera_message(&all),
        });
    }
    let statics = Arc::new(StaticHashes::new(static_dir));
    tera.register_function(
        "get_url",
        GetUrl {
            library: library.clone(),
            statics,
        },
    );
    tera.register_function("get_section", GetSection(library.clone()));
    tera.register_function("get_page", GetPage(library.clone()));
    tera.register_function("get_taxonomy", GetTaxonomy(library.clone()));
    tera.register_function("get_taxonomy_url", GetTaxonomyUrl(library.clone()));
    tera.register_function("get_taxonomy_term", GetTaxonomyTerm(library.clone()));
    tera.register_function("now", now);
    tera.register_filter("markdown", MarkdownFilter(library));
    tera.register_filter("num_format", num_format);
    Ok(tera)
}

fn arg<'a>(args: &'a HashMap<String, Value>, name: &str, function: &str) -> tera::Result<&'a str> {
    args.get(name)
        .and_then(Value::as_str)
        .ok_or_else(|| tera::Error::msg(format!("`{function}` needs a string argument `{name}`")))
}

fn flag(args: &HashMap<String, Value>, name: &str, default: bool) -> bool {
    args.get(name).and_then(Value::as_bool).unwrap_or(default)
}

/// Digests of static files for `cachebust`, computed once per build.
struct StaticHashes {
    dir: PathBuf,
    known: std::sync::Mutex<HashMap<String, Option<u64>>>,
}

impl StaticHashes {
    fn new(dir: PathBuf) -> Self {
        Self {
            dir,
            known: Default::default(),
        }
    }

    fn get(&self, path: &str) -> Option<u64> {
        let mut known = self.known.lock().unwrap_or_else(|e| e.into_inner());
        *known
            .entry(path.to_owned())
            .or_insert_with(|| file_digest(&self.dir, path))
    }
}

/// The digest of a file under `static/`; `None` when there is no such file.
pub fn file_digest(static_dir: &Path, path: &str) -> Option<u64> {
    std::fs::read(static_dir.join(path))
        .ok()
        .map(|b| digest(&b))
}

struct GetUrl {
    library: Arc<Library>,
    statics: Arc<StaticHashes>,
}

impl Function for GetUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = arg(args, "path", "get_url")?;
        if let Some(content) = path.strip_prefix("@/") {
            let (target, anchor) = match content.split_once('#') {
                Some((t, a)) => (t, Some(a)),
                None => (content, None),
            };
            record(Dep::Permalink(target.to_owned()));
            let permalink = self
                .library
                .permalink(target)
                .ok_or_else(|| tera::Error::msg(format!("get_url: no content file `{path}`")))?;
            return Ok(Value::String(match anchor {
                Some(a) => format!("{permalink}#{a}"),
                None => permalink.to_owned(),
            }));
        }
        let mut url = self.library.config.permalink(path);
        if flag(args, "trailing_slash", false) && !url.ends_with('/') {
            url.push('/');
        }
        if flag(args, "cachebust", false) {
            let file = path.trim_start_matches('/');
            record(Dep::Static(file.to_owned()));
            let hash = self.statics.get(file).ok_or_else(|| {
                tera::Error::msg(format!(
                    "get_url: cachebust of `{path}`, which is not in static/"
                ))
            })?;
            url.push_str(&format!("?h={hash:016x}"));
        }
        Ok(Value::String(url))
    }
}

struct GetSection(Arc<Library>);

impl Function for GetSection {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = arg(args, "path", "get_section")?;
        let metadata_only = flag(args, "metadata_only", false);
        record(if metadata_only {
            Dep::SectionMeta(path.to_owned())
        } else {
            Dep::SectionPages(path.to_owned())
        });
        self.0
            .section_value(path, !metadata_only)
            .ok_or_else(|| tera::Error::msg(format!("get_section: no section `{path}`")))
    }
}

struct GetPage(Arc<Library>);

impl Function for GetPage {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let path = arg(args, "path", "get_page")?;
        record(Dep::File(path.to_owned()));
        crate::build::full_page_value(&self.0, path)
            .map_err(|e| tera::Error::msg(format!("get_page: {e}")))
    }
}

struct GetTaxonomy(Arc<Library>);

impl Function for GetTaxonomy {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let kind = arg(args, "kind", "get_taxonomy")?;
        record(Dep::Taxonomy(kind.to_owned()));
        match self.0.taxonomy(kind) {
            Some(t) => Ok(self.0.taxonomy_value(t)),
            None if !flag(args, "required", true) => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_taxonomy: no taxonomy `{kind}` in config.toml"
            ))),
        }
    }
}

struct GetTaxonomyUrl(Arc<Library>);

impl Function for GetTaxonomyUrl {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let kind = arg(args, "kind", "get_taxonomy_url")?;
        let name = arg(args, "name", "get_taxonomy_url")?;
        let slug = slug::slugify(name);
        record(Dep::TermExists(kind.to_owned(), slug.clone()));
        match self.0.term(kind, &slug) {
            Some((_, term)) => Ok(Value::String(term.permalink.clone())),
            None if !flag(args, "required", true) => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_taxonomy_url: no term `{name}` in taxonomy `{kind}`"
            ))),
        }
    }
}

struct GetTaxonomyTerm(Arc<Library>);

impl Function for GetTaxonomyTerm {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let kind = arg(args, "kind", "get_taxonomy_term")?;
        let name = arg(args, "term", "get_taxonomy_term")?;
        let slug = slug::slugify(name);
        record(Dep::Term(kind.to_owned(), slug.clone()));
        match self.0.term(kind, &slug) {
            Some((t, term)) => {
                let pages: &[String] = if flag(args, "include_pages", true) {
                    &term.pages
                } else {
                    &[]
                };
                Ok(self.0.term_value(t, term, pages))
            }
            None if !flag(args, "required", true) => Ok(Value::Null),
            None => Err(tera::Error::msg(format!(
                "get_taxonomy_term: no term `{name}` in taxonomy `{kind}`"
            ))),
        }
    }
}

fn now(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let utc = flag(args, "utc", false);
    if flag(args, "timestamp", false) {
        return Ok(Value::from(chrono::Utc::now().timestamp()));
    }
    Ok(Value::String(if utc {
        chrono::Utc::now().to_rfc3339()
    } else {
        chrono::Local::now().to_rfc3339()
    }))
}

struct MarkdownFilter(Arc<Library>);

impl tera::Filter for MarkdownFilter {
    fn filter(&self, value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let text = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("`markdown` filters text"))?;
        let library = &self.0;
        let rendered = crate::markdown::render(text, "", &library.config.markdown, &|target| {
            record(Dep::Permalink(target.to_owned()));
            library.permalink(target).map(str::to_owned)
        })
        .map_err(|b| tera::Error::msg(format!("markdown: no content file `{}`", b.target)))?;
        let mut html = rendered.html;
        if flag(args, "inline", false) {
            html = html
                .trim()
                .strip_prefix("<p>")
                .and_then(|h| h.strip_suffix("</p>"))
                .map(str::to_owned)
                .unwrap_or(html);
        }
        Ok(Value::String(html))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Groups the digits of a whole number by the locale's rule: "2.000.000" in `vi`.
fn num_format(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    use num_format::{Locale, ToFormattedString};
    let locale = args.get("locale").and_then(Value::as_str).unwrap_or("en");
    let locale = Locale::from_name(locale)
        .map_err(|_| tera::Error::msg(format!("num_format: unknown locale `{locale}`")))?;
    let number = value
        .as_i64()
        .ok_or_else(|| tera::Error::msg("num_format: not a whole number"))?;
    Ok(Value::String(number.to_formatted_string(&locale)))
}
