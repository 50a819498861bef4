//! One build: read what changed, plan every output, render in parallel only
//! the outputs whose inputs changed, and remember what each output read.
//!
//! Every output (a page, a section pager, a taxonomy list or term pager, the
//! sitemap…) has a digest over everything it was rendered from: the global
//! inputs (config, templates, the set of sections), its own context (its
//! page's file, the listing entries it lists, its neighbours) and what its
//! template read through Zola's functions (`get_section`, `get_url`…, recorded
//! while rendering). A later build renders an output again only when that
//! digest changes; a change to config or templates rebuilds everything.

use std::collections::BTreeMap;

use rustc_hash::FxHashMap as HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use xxhash_rust::xxh3::Xxh3;

use crate::config::Config;
use crate::content::{self, Page};
use crate::error::{BuildError, tera_message};
use crate::library::{Entry, Library, SectionData, Taxonomy, Term, ancestors, digest, page_fields};
use crate::markdown::{self, Rendered};
use crate::templates::{self, Dep};

/// Bumped whenever the state's shape or the meaning of a digest changes.
const STATE_VERSION: u32 = 2;

/// Zola splits sitemaps past this many entries.
const SITEMAP_LIMIT: usize = 30_000;

#[derive(Debug, Clone)]
pub struct Options {
    /// The site: `config.toml`, `content/`, `templates/`, `static/`.
    pub root: PathBuf,
    pub output: PathBuf,
    /// Where the incremental build state is kept.
    pub state: PathBuf,
    /// Ignore the state and render everything.
    pub full: bool,
    /// Replaces `config.toml`'s `base_url` (local preview).
    pub base_url: Option<String>,
}

impl Options {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        let root = root.into();
        Options {
            output: root.join("public"),
            state: root.join(".sitegen").join("state"),
            root,
            full: false,
            base_url: None,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Report {
    pub incremental: bool,
    /// Content files read and parsed this run.
    pub parsed: usize,
    pub pages: usize,
    pub outputs: usize,
    pub rendered: usize,
    pub removed: usize,
    pub static_copied: usize,
    pub elapsed: Duration,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
struct Stamp {
    secs: u64,
    nanos: u32,
    size: u64,
}

impl Stamp {
    fn of(meta: &std::fs::Metadata) -> Self {
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .unwrap_or_default();
        Stamp {
            secs: modified.as_secs(),
            nanos: modified.subsec_nanos(),
            size: meta.len(),
        }
    }
}

/// A freshly rendered output: its digest and what it read.
struct OutputRecord {
    digest: u64,
    deps: Vec<Dep>,
}

/// What a build leaves for the next one. Each distinct dependency is stored
/// once; outputs refer to them by index (most pages read the same few).
#[derive(Debug, Default, Serialize, Deserialize)]
struct State {
    version: u32,
    output: PathBuf,
    global: u64,
    stamps: HashMap<String, Stamp>,
    entries: HashMap<String, Entry>,
    deps: Vec<Dep>,
    outputs: HashMap<String, StoredOutput>,
    statics: HashMap<String, Stamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct StoredOutput {
    digest: u64,
    deps: Vec<u32>,
}

/// The distinct dependencies of all outputs, each stored once; outputs hold
/// their indices. Indices of outputs kept from the previous build stay valid:
/// new dependencies are appended.
struct DepTable {
    deps: Vec<Dep>,
    index: HashMap<Dep, u32>,
}

impl DepTable {
    fn new(deps: Vec<Dep>) -> Self {
        let index = deps
            .iter()
            .enumerate()
            .map(|(i, d)| (d.clone(), i as u32))
            .collect();
        DepTable { deps, index }
    }

    fn intern(&mut self, deps: Vec<Dep>) -> Vec<u32> {
        deps.into_iter()
            .map(|dep| {
                *self.index.entry(dep).or_insert_with_key(|dep| {
                    self.deps.push(dep.clone());
                    (self.deps.len() - 1) as u32
                })
            })
            .collect()
    }

    /// Drops the dependencies no output refers to any more, renumbering.
    fn compact(self, outputs: &mut HashMap<String, StoredOutput>) -> Vec<Dep> {
        let mut used = vec![false; self.deps.len()];
        for o in outputs.values() {
            for &i in &o.deps {
                used[i as usize] = true;
            }
        }
        if used.iter().all(|u| *u) {
            return self.deps;
        }
        let mut renumbered = vec![u32::MAX; self.deps.len()];
        let mut kept = Vec::new();
        for (i, dep) in self.deps.into_iter().enumerate() {
            if used[i] {
                renumbered[i] = kept.len() as u32;
                kept.push(dep);
            }
        }
        for o in outputs.values_mut() {
            for i in &mut o.deps {
                *i = renumbered[*i as usize];
            }
        }
        kept
    }
}

fn load_state(file: &Path) -> Option<State> {
    let bytes = std::fs::read(file).ok()?;
    postcard::from_bytes(&bytes).ok()
}

/// Builds the site; on failure, every error found (files and lines).
pub fn build(options: &Options) -> Result<Report, Vec<BuildError>> {
    let started = Instant::now();
    let root = &options.root;
    let config_file = root.join("config.toml");
    let config_text =
        std::fs::read_to_string(&config_file).map_err(|e| vec![BuildError::io(&config_file, e)])?;
    let mut config = Config::load(&config_file).map_err(|e| vec![e])?;
    if let Some(base_url) = &options.base_url {
        config.base_url = base_url.clone();
    }
    let config = Arc::new(config);
    let templates_dir = root.join("templates");
    let (template_sources, templates_digest) =
        templates::load(&templates_dir).map_err(|e| vec![e])?;
    let content_dir = root.join("content");
    let static_dir = root.join("static");

    phase("listed", started);
    let files = list_content(&content_dir).map_err(|e| vec![e])?;
    let section_paths: Vec<&String> = files.keys().filter(|p| content::is_section(p)).collect();
    let global = {
        let mut h = Xxh3::new();
        h.update(&STATE_VERSION.to_le_bytes());
        h.update(env!("CARGO_PKG_VERSION").as_bytes());
        h.update(config_text.as_bytes());
        h.update(config.base_url.as_bytes());
        h.update(&templates_digest.to_le_bytes());
        for s in &section_paths {
            h.update(s.as_bytes());
            h.update(&[0]);
        }
        h.digest()
    };

    let previous = (!options.full)
        .then(|| load_state(&options.state))
        .flatten()
        .filter(|s| {
            s.version == STATE_VERSION
                && s.global == global
                && s.output == options.output
                && options.output.join("index.html").is_file()
        });
    phase("state loaded", started);
    let incremental = previous.is_some();
    let mut previous = previous.unwrap_or_default();
    check_output(root, &options.output).map_err(|e| vec![e])?;

    // Sections are few: always read. Pages: only those that changed.
    let mut errors = Vec::new();
    let sections: Vec<(String, content::Section, u64)> = section_paths
        .par_iter()
        .map(|rel| {
            let file = content_dir.join(rel.as_str());
            let text = std::fs::read_to_string(&file).map_err(|e| BuildError::io(&file, e))?;
            let section = content::parse_section(&config, rel, &file, &text)?;
            Ok(((*rel).clone(), section, digest(text.as_bytes())))
        })
        .collect::<Vec<Result<_, BuildError>>>()
        .into_iter()
        .filter_map(|r| r.map_err(|e| errors.push(e)).ok())
        .collect();

    phase("sections parsed", started);
    // Entries of unchanged files move over from the previous state.
    let mut kept: HashMap<String, Entry> =
        HashMap::with_capacity_and_hasher(files.len(), Default::default());
    let mut to_read: Vec<(&String, Stamp)> = Vec::new();
    for (rel, stamp) in files.iter().filter(|(p, _)| !content::is_section(p)) {
        if previous.stamps.get(rel) == Some(stamp)
            && let Some(entry) = previous.entries.remove(rel)
        {
            kept.insert(rel.clone(), entry);
        } else {
            to_read.push((rel, *stamp));
        }
    }
    let read: Vec<Result<Option<(Page, u64)>, BuildError>> = to_read
        .par_iter()
        .map(|(rel, _)| {
            let file = content_dir.join(rel.as_str());
            let text = std::fs::read_to_string(&file).map_err(|e| BuildError::io(&file, e))?;
            let file_digest = digest(text.as_bytes());
            if previous
                .entries
                .get(rel.as_str())
                .is_some_and(|e| e.file_digest == file_digest)
            {
                return Ok(None);
            }
            Ok(Some((
                content::parse_page(&config, rel, &file, &text)?,
                file_digest,
            )))
        })
        .collect();
    let mut parsed: Vec<(Page, u64)> = Vec::new();
    for ((rel, _), result) in to_read.iter().zip(read) {
        match result {
            Ok(Some(page)) => parsed.push(page),
            Ok(None) => {
                let entry = previous
                    .entries
                    .remove(rel.as_str())
                    .expect("an unchanged file has its entry");
                kept.insert((*rel).clone(), entry);
            }
            Err(e) => errors.push(e),
        }
    }
    phase("pages parsed", started);
    let sections_count = sections.len();
    let parsed_count = parsed.len() + sections_count;

    // Permalinks of everything, for `@/` links in Markdown.
    let mut permalinks: HashMap<String, String> = kept
        .iter()
        .map(|(k, e)| (k.clone(), e.permalink.clone()))
        .collect();
    for (page, _) in &parsed {
        permalinks.insert(page.relative_path.clone(), page.permalink.clone());
    }
    for (rel, section, _) in &sections {
        permalinks.insert(rel.clone(), section.permalink.clone());
    }
    let resolve = |target: &str| permalinks.get(target).cloned();

    let rendered_sections: Vec<Result<(String, SectionData), BuildError>> = sections
        .into_par_iter()
        .map(|(rel, section, file_digest)| {
            let rendered = render_markdown(
                &config,
                &section.file,
                &section.body,
                section.body_line,
                &section.permalink,
                &resolve,
            )?;
            Ok((
                rel,
                SectionData {
                    section,
                    rendered,
                    file_digest,
                },
            ))
        })
        .collect();
    let mut section_map = BTreeMap::new();
    for r in rendered_sections {
        match r {
            Ok((rel, data)) => {
                section_map.insert(rel, data);
            }
            Err(e) => errors.push(e),
        }
    }
    let omit = config.listing_omits();
    let fresh: Vec<Result<(Entry, Page, Rendered), BuildError>> = parsed
        .into_par_iter()
        .map(|(page, file_digest)| {
            let rendered = render_markdown(
                &config,
                &page.file,
                &page.body,
                page.body_line,
                &page.permalink,
                &resolve,
            )?;
            let entry = Entry::new(
                &config,
                &omit,
                &page,
                &rendered,
                &ancestors(&section_map, &page.section),
                file_digest,
            );
            Ok((entry, page, rendered))
        })
        .collect();
    let mut entries = kept;
    let mut fresh_pages: HashMap<String, (Page, Rendered)> = HashMap::default();
    for r in fresh {
        match r {
            Ok((entry, page, rendered)) => {
                entries.insert(entry.relative_path.clone(), entry);
                fresh_pages.insert(page.relative_path.clone(), (page, rendered));
            }
            Err(e) => errors.push(e),
        }
    }
    for entry in entries.values() {
        if !section_map.contains_key(&entry.section) {
            errors.push(BuildError::Content {
                file: content_dir.join(&entry.relative_path),
                line: 1,
                message: format!(
                    "the page's directory has no `_index.md`; add {} so the page belongs to a section",
                    entry.section
                ),
            });
        }
    }
    check_unique_paths(&content_dir, &entries, &section_map, &mut errors);
    if !errors.is_empty() {
        return Err(errors);
    }

    phase("markdown rendered", started);
    let library = Arc::new(Library::new(
        config.clone(),
        content_dir.clone(),
        section_map,
        entries,
    ));
    let tera = templates::tera(
        &template_sources,
        &templates_dir,
        library.clone(),
        static_dir.clone(),
    )
    .map_err(|e| vec![e])?;
    let renderer = Renderer {
        library: &library,
        tera: &tera,
        config_value: serde_json::to_value(&*config).expect("config serialises"),
        fresh: Mutex::new(fresh_pages),
        dep_digests: Mutex::new(HashMap::default()),
        static_dir: &static_dir,
    };

    phase("library built", started);
    let jobs = plan(&library, &tera);
    let decided: Vec<(Job, String, u64)> = jobs
        .into_par_iter()
        .map(|job| {
            let output = job.output(&library);
            let direct = renderer.direct_digest(&job);
            (job, output, direct)
        })
        .collect();
    phase("planned", started);
    // What the previous build's outputs read, valued now.
    let mut table = DepTable::new(std::mem::take(&mut previous.deps));
    let now_digests: Vec<u64> = table.deps.iter().map(|d| renderer.dep_digest(d)).collect();
    let mut outputs: HashMap<String, StoredOutput> =
        HashMap::with_capacity_and_hasher(decided.len(), Default::default());
    let mut to_render = Vec::new();
    for (job, output, direct) in decided {
        match previous.outputs.remove(&output) {
            Some(old)
                if output_digest(
                    global,
                    direct,
                    old.deps.iter().map(|&i| now_digests[i as usize]),
                ) == old.digest =>
            {
                outputs.insert(output, old);
            }
            _ => to_render.push((job, output, direct)),
        }
    }
    // Whatever the previous build wrote and this one does not is stale.
    let stale: Vec<String> = previous.outputs.drain().map(|(path, _)| path).collect();
    let results: Vec<Result<(String, OutputRecord), BuildError>> = to_render
        .par_iter()
        .map(|(job, output, direct)| {
            let timer = Instant::now();
            let (text, deps) = renderer.render(job, output)?;
            if *TIMING && timer.elapsed() > Duration::from_millis(20) {
                eprintln!("slow: {output} {:.1?}", timer.elapsed());
            }
            let file = options.output.join(output);
            if let Some(parent) = file.parent() {
                std::fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
            }
            std::fs::write(&file, text).map_err(|e| BuildError::io(&file, e))?;
            let digest = renderer.digest(global, *direct, &deps);
            Ok((output.clone(), OutputRecord { digest, deps }))
        })
        .collect();
    for r in results {
        match r {
            Ok((output, record)) => {
                let deps = table.intern(record.deps);
                outputs.insert(
                    output,
                    StoredOutput {
                        digest: record.digest,
                        deps,
                    },
                );
            }
            Err(e) => errors.push(e),
        }
    }
    if !errors.is_empty() {
        // The state is not saved: the next build starts over.
        let _ = std::fs::remove_file(&options.state);
        return Err(errors);
    }

    phase("rendered", started);
    let mut removed = 0;
    for gone in &stale {
        if remove_output(&options.output, gone) {
            removed += 1;
        }
    }
    let (statics, static_copied, static_removed) =
        sync_static(&static_dir, &options.output, &previous.statics, &outputs)
            .map_err(|e| vec![e])?;
    removed += static_removed;
    if !incremental {
        removed += sweep_output(&options.output, &outputs, &statics).map_err(|e| vec![e])?;
    }

    let report = Report {
        incremental,
        parsed: parsed_count,
        pages: library.entries.len(),
        outputs: outputs.len(),
        rendered: to_render.len(),
        removed,
        static_copied,
        elapsed: started.elapsed(),
    };
    let unchanged = incremental
        && report.parsed == sections_count
        && report.rendered == 0
        && report.removed == 0
        && report.static_copied == 0
        && files.len() == previous.stamps.len() + sections_count;
    if unchanged {
        return Ok(Report {
            elapsed: started.elapsed(),
            ..report
        });
    }
    drop(renderer);
    drop(tera);
    let deps = table.compact(&mut outputs);
    let state = State {
        version: STATE_VERSION,
        output: options.output.clone(),
        global,
        stamps: files
            .into_iter()
            .filter(|(p, _)| !content::is_section(p))
            .collect(),
        entries: Arc::try_unwrap(library)
            .map(|l| l.entries)
            .unwrap_or_else(|l| l.entries.clone()),
        deps,
        outputs,
        statics,
    };
    phase("static copied", started);
    save_state(&options.state, &state).map_err(|e| vec![e])?;
    Ok(Report {
        elapsed: started.elapsed(),
        ..report
    })
}

/// `SITEGEN_TIMING` set: print each phase's time and every slow output.
static TIMING: std::sync::LazyLock<bool> =
    std::sync::LazyLock::new(|| std::env::var_os("SITEGEN_TIMING").is_some());

fn phase(label: &str, started: Instant) {
    if *TIMING {
        eprintln!("{:>8.1?} {label}", started.elapsed());
    }
}

fn save_state(file: &Path, state: &State) -> Result<(), BuildError> {
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| BuildError::io(dir, e))?;
    }
    let temporary = file.with_extension("tmp");
    // Streamed: growing a 20 MB buffer by doubling cost more than writing it.
    let out = std::fs::File::create(&temporary).map_err(|e| BuildError::io(&temporary, e))?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
    postcard::to_io(state, &mut out)
        .map_err(|e| BuildError::io(&temporary, std::io::Error::other(e)))?;
    std::io::Write::flush(&mut out).map_err(|e| BuildError::io(&temporary, e))?;
    drop(out);
    std::fs::rename(&temporary, file).map_err(|e| BuildError::io(file, e))
}

fn render_markdown(
    config: &Config,
    file: &Path,
    body: &str,
    body_line: usize,
    permalink: &str,
    resolve: &(dyn Fn(&str) -> Option<String> + Sync),
) -> Result<Rendered, BuildError> {
    markdown::render(body, permalink, &config.markdown, resolve).map_err(|b| BuildError::Content {
        file: file.to_owned(),
        line: body_line + b.line - 1,
        message: format!("link to `{}`: no such file under content/", b.target),
    })
}

/// Every `.md` file under `content/` with its stamp, by relative path.
fn list_content(dir: &Path) -> Result<BTreeMap<String, Stamp>, BuildError> {
    let mut files = BTreeMap::new();
    for item in walkdir::WalkDir::new(dir) {
        let item = item.map_err(|e| BuildError::io(dir, e.into()))?;
        if !item.file_type().is_file() || item.path().extension().is_none_or(|e| e != "md") {
            continue;
        }
        let rel = item
            .path()
            .strip_prefix(dir)
            .expect("walked under dir")
            .to_string_lossy()
            .replace('\\', "/");
        let meta = item
            .metadata()
            .map_err(|e| BuildError::io(item.path(), e.into()))?;
        files.insert(rel, Stamp::of(&meta));
    }
    Ok(files)
}

fn check_unique_paths(
    content_dir: &Path,
    entries: &HashMap<String, Entry>,
    sections: &BTreeMap<String, SectionData>,
    errors: &mut Vec<BuildError>,
) {
    let mut seen: HashMap<&str, &str> = sections
        .iter()
        .map(|(rel, d)| (d.section.path.as_str(), rel.as_str()))
        .collect();
    let mut pages: Vec<&Entry> = entries.values().collect();
    pages.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    for entry in pages {
        if let Some(other) = seen.insert(&entry.path, &entry.relative_path) {
            errors.push(BuildError::Content {
                file: content_dir.join(&entry.relative_path),
                line: 1,
                message: format!("its URL {} is also the URL of {other}", entry.path),
            });
        }
    }
}

/// Refuses an output directory that holds the site itself (a full build
/// removes from it every file it did not write).
fn check_output(root: &Path, output: &Path) -> Result<(), BuildError> {
    let root_abs = std::fs::canonicalize(root).map_err(|e| BuildError::io(root, e))?;
    std::fs::create_dir_all(output).map_err(|e| BuildError::io(output, e))?;
    let out_abs = std::fs::canonicalize(output).map_err(|e| BuildError::io(output, e))?;
    if root_abs.starts_with(&out_abs) {
        return Err(BuildError::Io {
            path: output.to_owned(),
            source: std::io::Error::other("the output directory contains the site itself"),
        });
    }
    Ok(())
}

/// After a full build: removes every file of the output directory that the
/// build did not write, and the directories left empty. Overwriting in place
/// instead of emptying the directory first keeps unchanged files' inodes and
/// saves deleting and recreating thousands of directories.
fn sweep_output(
    output: &Path,
    written: &HashMap<String, StoredOutput>,
    statics: &HashMap<String, Stamp>,
) -> Result<usize, BuildError> {
    let mut removed = 0;
    let mut dirs = Vec::new();
    for item in walkdir::WalkDir::new(output).min_depth(1) {
        let item = item.map_err(|e| BuildError::io(output, e.into()))?;
        if item.file_type().is_dir() {
            dirs.push(item.path().to_owned());
            continue;
        }
        let rel = item
            .path()
            .strip_prefix(output)
            .expect("walked under output")
            .to_string_lossy()
            .replace('\\', "/");
        if !written.contains_key(&rel) && !statics.contains_key(&rel) {
            std::fs::remove_file(item.path()).map_err(|e| BuildError::io(item.path(), e))?;
            removed += 1;
        }
    }
    // Deepest first, so that emptied parents go too; non-empty ones stay.
    for dir in dirs.iter().rev() {
        let _ = std::fs::remove_dir(dir);
    }
    Ok(removed)
}

fn remove_output(dir: &Path, output: &str) -> bool {
    let file = dir.join(output);
    let removed = std::fs::remove_file(&file).is_ok();
    // Empty directories left behind go too.
    let mut at = file.parent();
    while let Some(d) = at {
        if d == dir || std::fs::remove_dir(d).is_err() {
            break;
        }
        at = d.parent();
    }
    removed
}

/// Copies changed files of `static/` and removes those deleted since.
fn sync_static(
    static_dir: &Path,
    output: &Path,
    before: &HashMap<String, Stamp>,
    rendered: &HashMap<String, StoredOutput>,
) -> Result<(HashMap<String, Stamp>, usize, usize), BuildError> {
    let mut now = HashMap::default();
    let mut copied = 0;
    if static_dir.is_dir() {
        for item in walkdir::WalkDir::new(static_dir) {
            let item = item.map_err(|e| BuildError::io(static_dir, e.into()))?;
            if !item.file_type().is_file() {
                continue;
            }
            let rel = item
                .path()
                .strip_prefix(static_dir)
                .expect("walked under static/")
                .to_string_lossy()
                .replace('\\', "/");
            if rendered.contains_key(&rel) {
                return Err(BuildError::Io {
                    path: item.path().to_owned(),
                    source: std::io::Error::other(format!(
                        "static/{rel} would overwrite a rendered page"
                    )),
                });
            }
            let meta = item
                .metadata()
                .map_err(|e| BuildError::io(item.path(), e.into()))?;
            let stamp = Stamp::of(&meta);
            let target = output.join(&rel);
            if before.get(&rel) != Some(&stamp) || !target.exists() {
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent).map_err(|e| BuildError::io(parent, e))?;
                }
                std::fs::copy(item.path(), &target).map_err(|e| BuildError::io(&target, e))?;
                copied += 1;
            }
            now.insert(rel, stamp);
        }
    }
    let mut removed = 0;
    for gone in before.keys().filter(|k| !now.contains_key(*k)) {
        if remove_output(output, gone) {
            removed += 1;
        }
    }
    Ok((now, copied, removed))
}

/// One file of the built site.
#[derive(Debug, Clone)]
enum Job {
    Page(String),
    Section {
        section: String,
        pager: usize,
        pagers: usize,
        paginate_by: Option<usize>,
        pages: Vec<String>,
    },
    TaxonomyList(usize),
    Term {
        taxonomy: usize,
        term: usize,
        pager: usize,
        pagers: usize,
        paginate_by: Option<usize>,
        pages: Vec<String>,
    },
    Alias {
        from: String,
        to: String,
    },
    NotFound,
    Robots,
    Sitemap {
        part: Option<usize>,
        entries: Arc<Vec<(String, Option<String>)>>,
    },
    SitemapIndex {
        parts: usize,
    },
}

fn pager_path(base: &str, paginate_path: &str, pager: usize) -> String {
    if pager == 1 {
        base.to_owned()
    } else {
        format!("{base}{paginate_path}/{pager}/")
    }
}

fn index_file(path: &str) -> String {
    let path = path.trim_start_matches('/');
    if path.ends_with(".html") || path.ends_with(".xml") || path.ends_with(".txt") {
        path.to_owned()
    } else if path.is_empty() {
        "index.html".to_owned()
    } else {
        format!("{}/index.html", path.trim_end_matches('/'))
    }
}

/// Splits `pages` into pagers of `by` (one pager when not paginated).
fn pagers(pages: &[String], by: Option<usize>, reversed: bool) -> Vec<Vec<String>> {
    let mut pages = pages.to_vec();
    if reversed {
        pages.reverse();
    }
    match by {
        Some(by) if by > 0 && !pages.is_empty() => pages.chunks(by).map(<[_]>::to_vec).collect(),
        _ => vec![pages],
    }
}

fn plan(library: &Library, tera: &tera::Tera) -> Vec<Job> {
    let mut jobs = Vec::new();
    let mut sitemap: Vec<(String, Option<String>)> = Vec::new();
    let mut entries: Vec<&Entry> = library.entries.values().collect();
    entries.sort_by(|a, b| a.relative_path.cmp(&b.relative_path));
    for entry in entries {
        for alias in &entry.aliases {
            jobs.push(Job::Alias {
                from: alias.clone(),
                to: entry.permalink.clone(),
            });
        }
        if entry.draft || !entry.render {
            continue;
        }
        jobs.push(Job::Page(entry.relative_path.clone()));
        sitemap.push((
            entry.permalink.clone(),
            entry.updated.clone().or_else(|| entry.date.clone()),
        ));
    }
    for (rel, data) in &library.sections {
        let meta = &data.section.meta;
        for alias in &meta.aliases {
            jobs.push(Job::Alias {
                from: alias.clone(),
                to: data.section.permalink.clone(),
            });
        }
        if let Some(to) = &meta.redirect_to {
            jobs.push(Job::Alias {
                from: data.section.path.clone(),
                to: library.config.permalink(to),
            });
            continue;
        }
        if !meta.render || meta.draft {
            continue;
        }
        let split = pagers(
            library.pages_of(rel),
            meta.paginate_by,
            meta.paginate_reversed,
        );
        let count = split.len();
        for (i, pages) in split.into_iter().enumerate() {
            let path = pager_path(&data.section.path, data.section.paginate_path(), i + 1);
            sitemap.push((library.config.permalink(&path), None));
            jobs.push(Job::Section {
                section: rel.clone(),
                pager: i + 1,
                pagers: count,
                paginate_by: meta.paginate_by,
                pages,
            });
        }
    }
    for (t, taxonomy) in library.taxonomies.iter().enumerate() {
        if !taxonomy.config.render {
            continue;
        }
        jobs.push(Job::TaxonomyList(t));
        sitemap.push((taxonomy.permalink.clone(), None));
        for (n, term) in taxonomy.terms.iter().enumerate() {
            let split = pagers(&term.pages, taxonomy.config.paginate_by, false);
            let count = split.len();
            for (i, pages) in split.into_iter().enumerate() {
                let path = pager_path(&term.path, taxonomy.config.paginate_path(), i + 1);
                sitemap.push((library.config.permalink(&path), None));
                jobs.push(Job::Term {
                    taxonomy: t,
                    term: n,
                    pager: i + 1,
                    pagers: count,
                    paginate_by: taxonomy.config.paginate_by,
                    pages,
                });
            }
        }
    }
    if tera.get_template_names().any(|n| n == "404.html") {
        jobs.push(Job::NotFound);
    }
    if library.config.generate_robots_txt {
        jobs.push(Job::Robots);
    }
    if library.config.generate_sitemap {
        sitemap.sort();
        sitemap.dedup();
        let parts = sitemap.len().div_ceil(SITEMAP_LIMIT);
        if parts <= 1 {
            jobs.push(Job::Sitemap {
                part: None,
                entries: Arc::new(sitemap),
            });
        } else {
            for (i, chunk) in sitemap.chunks(SITEMAP_LIMIT).enumerate() {
                jobs.push(Job::Sitemap {
                    part: Some(i + 1),
                    entries: Arc::new(chunk.to_vec()),
                });
            }
            jobs.push(Job::SitemapIndex { parts });
        }
    }
    jobs
}

impl Job {
    fn output(&self, library: &Library) -> String {
        match self {
            Job::Page(rel) => index_file(&library.entries[rel].path),
            Job::Section { section, pager, .. } => {
                let s = &library.sections[section].section;
                index_file(&pager_path(&s.path, s.paginate_path(), *pager))
            }
            Job::TaxonomyList(t) => index_file(&library.taxonomies[*t].path),
            Job::Term {
                taxonomy,
                term,
                pager,
                ..
            } => {
                let t = &library.taxonomies[*taxonomy];
                index_file(&pager_path(
                    &t.terms[*term].path,
                    t.config.paginate_path(),
                    *pager,
                ))
            }
            Job::Alias { from, .. } => index_file(from),
            Job::NotFound => "404.html".to_owned(),
            Job::Robots => "robots.txt".to_owned(),
            Job::Sitemap { part: None, .. } => "sitemap.xml".to_owned(),
            Job::Sitemap { part: Some(n), .. } => format!("sitemap{n}.xml"),
            Job::SitemapIndex { .. } => "sitemap.xml".to_owned(),
        }
    }
}

/// Where one pager sits among a list's pagers.
struct Pagination<'a> {
    /// The list's own path (`/thu-tuc/`).
    base: &'a str,
    paginate_path: &'a str,
    by: usize,
    /// 1-based.
    pager: usize,
    pagers: usize,
    /// Items in the whole list.
    total: usize,
}

struct Renderer<'a> {
    library: &'a Arc<Library>,
    tera: &'a tera::Tera,
    config_value: Value,
    fresh: Mutex<HashMap<String, (Page, Rendered)>>,
    dep_digests: Mutex<HashMap<Dep, u64>>,
    static_dir: &'a Path,
}

fn hash_all(parts: impl IntoIterator<Item = u64>) -> u64 {
    let mut h = Xxh3::new();
    for p in parts {
        h.update(&p.to_le_bytes());
    }
    h.digest()
}

/// An output's digest: the global inputs, its own context, and the digests
/// of what its template read — the one formula for kept and fresh outputs.
fn output_digest(global: u64, direct: u64, deps: impl Iterator<Item = u64>) -> u64 {
    hash_all([global, direct].into_iter().chain(deps))
}

fn hash_str(text: &str) -> u64 {
    digest(text.as_bytes())
}

impl Renderer<'_> {
    fn listing_digests<'b>(&self, pages: impl IntoIterator<Item = &'b String>) -> u64 {
        hash_all(
            pages
                .into_iter()
                .map(|p| self.library.entries.get(p).map_or(0, |e| e.listing_digest)),
        )
    }

    fn term_digest(&self, term: &Term) -> u64 {
        hash_all([hash_str(&term.name), self.listing_digests(&term.pages)])
    }

    fn taxonomy_digest(&self, taxonomy: &Taxonomy) -> u64 {
        hash_all(taxonomy.terms.iter().map(|t| self.term_digest(t)))
    }

    fn section_file_digest(&self, rel: &str) -> u64 {
        self.library.sections.get(rel).map_or(0, |d| d.file_digest)
    }

    /// The digest of the context an output gets before its template runs.
    fn direct_digest(&self, job: &Job) -> u64 {
        let lib = self.library;
        match job {
            Job::Page(rel) => {
                let entry = &lib.entries[rel];
                let (lower, higher) = lib.neighbours(entry);
                let page_template_from: Vec<u64> = lib
                    .ancestors(&entry.section)
                    .iter()
                    .map(|s| self.section_file_digest(s))
                    .collect();
                hash_all(
                    [
                        1,
                        entry.file_digest,
                        lower.map_or(0, |e| e.listing_digest),
                        higher.map_or(0, |e| e.listing_digest),
                    ]
                    .into_iter()
                    .chain(page_template_from),
                )
            }
            Job::Section {
                section,
                pager,
                pagers,
                pages,
                ..
            } => {
                let subsections = lib
                    .subsections
                    .get(section)
                    .map_or(0, |s| hash_str(&s.join("\n")));
                hash_all([
                    2,
                    self.section_file_digest(section),
                    *pager as u64,
                    *pagers as u64,
                    lib.pages_of(section).len() as u64,
                    self.listing_digests(pages),
                    subsections,
                ])
            }
            Job::TaxonomyList(t) => hash_all([3, self.taxonomy_digest(&lib.taxonomies[*t])]),
            Job::Term {
                taxonomy,
                term,
                pager,
                pagers,
                pages,
                ..
            } => {
                let term = &lib.taxonomies[*taxonomy].terms[*term];
                hash_all([
                    4,
                    hash_str(&term.name),
                    term.pages.len() as u64,
                    *pager as u64,
                    *pagers as u64,
                    self.listing_digests(pages),
                ])
            }
            Job::Alias { to, .. } => hash_all([5, hash_str(to)]),
            Job::NotFound => 6,
            Job::Robots => 7,
            Job::Sitemap { part, entries } => hash_all(
                [8, part.unwrap_or(0) as u64].into_iter().chain(
                    entries
                        .iter()
                        .map(|(p, u)| hash_all([hash_str(p), u.as_deref().map_or(0, hash_str)])),
                ),
            ),
            Job::SitemapIndex { parts } => hash_all([9, *parts as u64]),
        }
    }

    fn dep_digest(&self, dep: &Dep) -> u64 {
        if let Some(d) = self
            .dep_digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(dep)
        {
            return *d;
        }
        let lib = self.library;
        let d = match dep {
            Dep::Permalink(p) => lib.permalink(p).map_or(0, hash_str),
            Dep::Listing(p) => lib.entries.get(p).map_or(0, |e| e.listing_digest),
            Dep::File(p) => lib
                .entries
                .get(p)
                .map(|e| e.file_digest)
                .unwrap_or_else(|| self.section_file_digest(p)),
            Dep::SectionMeta(p) => self.section_file_digest(p),
            Dep::SectionPages(p) => hash_all([
                self.section_file_digest(p),
                self.listing_digests(lib.pages_of(p)),
                lib.subsections
                    .get(p)
                    .map_or(0, |s| hash_str(&s.join("\n"))),
            ]),
            Dep::Taxonomy(k) => lib.taxonomy(k).map_or(0, |t| self.taxonomy_digest(t)),
            Dep::TermExists(k, slug) => lib.term(k, slug).is_some() as u64,
            Dep::Term(k, slug) => lib
                .term(k, slug)
                .map_or(0, |(_, term)| self.term_digest(term)),
            Dep::Static(p) => templates::file_digest(self.static_dir, p).unwrap_or(0),
        };
        self.dep_digests
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(dep.clone(), d);
        d
    }

    fn digest(&self, global: u64, direct: u64, deps: &[Dep]) -> u64 {
        output_digest(global, direct, deps.iter().map(|d| self.dep_digest(d)))
    }

    /// The variables every page template gets. Contexts are built as JSON
    /// maps and handed to Tera whole, so large lists are moved, not copied.
    fn context(&self, path: &str) -> Map<String, Value> {
        let mut context = Map::new();
        context.insert("config".into(), self.config_value.clone());
        context.insert("current_path".into(), Value::String(path.to_owned()));
        context.insert(
            "current_url".into(),
            Value::String(self.library.config.permalink(path)),
        );
        context.insert(
            "lang".into(),
            Value::String(self.library.config.default_language.clone()),
        );
        context
    }

    fn bare_context(&self) -> Map<String, Value> {
        let mut context = Map::new();
        context.insert("config".into(), self.config_value.clone());
        context
    }

    fn entry_values(&self, pages: &[String]) -> Vec<Value> {
        pages
            .iter()
            .map(|p| self.library.entries[p].value().clone())
            .collect()
    }

    fn paginator(&self, at: Pagination<'_>, pages: &[String]) -> Value {
        let Pagination {
            base,
            paginate_path,
            by,
            pager,
            pagers,
            total,
        } = at;
        let link = |n: usize| {
            self.library
                .config
                .permalink(&pager_path(base, paginate_path, n))
        };
        json!({
            "paginate_by": by,
            "base_url": self.library.config.permalink(&format!("{base}{paginate_path}/")),
            "number_pagers": pagers,
            "first": link(1),
            "last": link(pagers),
            "previous": (pager > 1).then(|| link(pager - 1)),
            "next": (pager < pagers).then(|| link(pager + 1)),
            "pages": self.entry_values(pages),
            "current_index": pager,
            "total_pages": total,
        })
    }

    fn render(&self, job: &Job, output: &str) -> Result<(String, Vec<Dep>), BuildError> {
        let lib = self.library;
        let mut links = Vec::new();
        let (template, context, source) = match job {
            Job::Page(rel) => {
                let entry = &lib.entries[rel];
                let taken = self
                    .fresh
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .remove(rel);
                let (page, rendered) = match taken {
                    Some(p) => p,
                    None => load_page(lib, rel)?,
                };
                let template = page.meta.template.clone().unwrap_or_else(|| {
                    lib.ancestors(&entry.section)
                        .iter()
                        .rev()
                        .find_map(|s| lib.sections[s].section.meta.page_template.clone())
                        .unwrap_or_else(|| "page.html".to_owned())
                });
                let (lower, higher) = lib.neighbours(entry);
                // Links in the page's Markdown are inputs too.
                links.extend(rendered.internal_links.iter().cloned().map(Dep::Permalink));
                let file = page.file.clone();
                let mut value = whole_page(lib, &entry.section, page, rendered);
                let object = value.as_object_mut().expect("a page is an object");
                object.insert(
                    "lower".into(),
                    lower.map_or(Value::Null, |e| e.value().clone()),
                );
                object.insert(
                    "higher".into(),
                    higher.map_or(Value::Null, |e| e.value().clone()),
                );
                let mut context = self.context(&entry.path);
                context.insert("page".into(), value);
                (template, context, file)
            }
            Job::Section {
                section,
                pager,
                pagers,
                paginate_by,
                pages,
            } => {
                let data = &lib.sections[section];
                let s = &data.section;
                let template = s.meta.template.clone().unwrap_or_else(|| {
                    if section == "_index.md" {
                        "index.html"
                    } else {
                        "section.html"
                    }
                    .to_owned()
                });
                let path = pager_path(&s.path, s.paginate_path(), *pager);
                let mut context = self.context(&path);
                match paginate_by {
                    Some(by) => {
                        context.insert("section".into(), lib.section_value(section, false).into());
                        context.insert(
                            "paginator".into(),
                            self.paginator(
                                Pagination {
                                    base: &s.path,
                                    paginate_path: s.paginate_path(),
                                    by: *by,
                                    pager: *pager,
                                    pagers: *pagers,
                                    total: lib.pages_of(section).len(),
                                },
                                pages,
                            ),
                        );
                    }
                    None => {
                        context.insert("section".into(), lib.section_value(section, true).into());
                    }
                }
                (template, context, s.file.clone())
            }
            Job::TaxonomyList(t) => {
                let taxonomy = &lib.taxonomies[*t];
                let template = taxonomy_template(self.tera, &taxonomy.config.name, "list");
                let mut context = self.context(&taxonomy.path);
                context.insert("taxonomy".into(), json!(taxonomy.config));
                let with_pages = lib.config.term_list_pages();
                let terms: Vec<Value> = taxonomy
                    .terms
                    .iter()
                    .map(|term| {
                        lib.term_value(taxonomy, term, if with_pages { &term.pages } else { &[] })
                    })
                    .collect();
                context.insert("terms".into(), Value::Array(terms));
                (template, context, PathBuf::from("config.toml"))
            }
            Job::Term {
                taxonomy,
                term,
                pager,
                pagers,
                paginate_by,
                pages,
            } => {
                let taxonomy = &lib.taxonomies[*taxonomy];
                let term = &taxonomy.terms[*term];
                let template = taxonomy_template(self.tera, &taxonomy.config.name, "single");
                let path = pager_path(&term.path, taxonomy.config.paginate_path(), *pager);
                let mut context = self.context(&path);
                context.insert("taxonomy".into(), json!(taxonomy.config));
                context.insert("term".into(), lib.term_value(taxonomy, term, pages));
                if let Some(by) = paginate_by {
                    context.insert(
                        "paginator".into(),
                        self.paginator(
                            Pagination {
                                base: &term.path,
                                paginate_path: taxonomy.config.paginate_path(),
                                by: *by,
                                pager: *pager,
                                pagers: *pagers,
                                total: term.pages.len(),
                            },
                            pages,
                        ),
                    );
                }
                (template, context, PathBuf::from("config.toml"))
            }
            Job::Alias { to, .. } => {
                let mut context = self.bare_context();
                context.insert("url".into(), json!(to));
                (
                    "internal/alias.html".to_owned(),
                    context,
                    PathBuf::from("config.toml"),
                )
            }
            Job::NotFound => {
                let mut context = self.bare_context();
                context.insert("lang".into(), json!(lib.config.default_language));
                ("404.html".to_owned(), context, PathBuf::from("config.toml"))
            }
            Job::Robots => {
                let context = self.bare_context();
                (
                    "robots.txt".to_owned(),
                    context,
                    PathBuf::from("config.toml"),
                )
            }
            Job::Sitemap { entries, .. } => {
                let mut context = self.bare_context();
                let entries: Vec<Value> = entries
                    .iter()
                    .map(|(permalink, updated)| json!({"permalink": permalink, "updated": updated, "extra": null}))
                    .collect();
                context.insert("entries".into(), Value::Array(entries));
                (
                    "sitemap.xml".to_owned(),
                    context,
                    PathBuf::from("config.toml"),
                )
            }
            Job::SitemapIndex { parts } => {
                let mut context = self.bare_context();
                let sitemaps: Vec<String> = (1..=*parts)
                    .map(|n| lib.config.permalink(&format!("sitemap{n}.xml")))
                    .collect();
                context.insert("sitemaps".into(), json!(sitemaps));
                (
                    "split_sitemap_index.xml".to_owned(),
                    context,
                    PathBuf::from("config.toml"),
                )
            }
        };
        let context = tera::Context::from_value(Value::Object(context))
            .expect("a JSON object is a Tera context");
        let (result, mut deps) = templates::recording(|| self.tera.render(&template, &context));
        deps.extend(links);
        deps.sort();
        deps.dedup();
        let text = result.map_err(|e| BuildError::Render {
            output: output.to_owned(),
            template,
            source_file: source,
            message: tera_message(&e),
        })?;
        Ok((text, deps))
    }
}

fn taxonomy_template(tera: &tera::Tera, name: &str, kind: &str) -> String {
    let specific = format!("{name}/{kind}.html");
    if tera.get_template_names().any(|n| n == specific) {
        specific
    } else {
        format!("taxonomy_{kind}.html")
    }
}

/// Reads, parses and renders one page again (a page that did not change but
/// whose output must be rendered, or one a template asked for).
pub fn load_page(library: &Library, rel: &str) -> Result<(Page, Rendered), BuildError> {
    let file = library.content_dir.join(rel);
    let text = std::fs::read_to_string(&file).map_err(|e| BuildError::io(&file, e))?;
    let page = content::parse_page(&library.config, rel, &file, &text)?;
    let rendered = render_markdown(
        &library.config,
        &file,
        &page.body,
        page.body_line,
        &page.permalink,
        &|t| library.permalink(t).map(str::to_owned),
    )?;
    Ok((page, rendered))
}

/// `get_page`'s answer: the page with its content.
pub fn full_page_value(library: &Library, rel: &str) -> Result<Value, BuildError> {
    let entry = library
        .entries
        .get(rel)
        .ok_or_else(|| BuildError::Content {
            file: library.content_dir.join(rel),
            line: 1,
            message: "no such page".into(),
        })?;
    let (page, rendered) = load_page(library, rel)?;
    Ok(whole_page(library, &entry.section, page, rendered))
}

/// A page as its own template and `get_page` see it: every field, with the
/// rendered `content` and `toc`.
fn whole_page(library: &Library, section: &str, mut page: Page, rendered: Rendered) -> Value {
    let extra = std::mem::take(&mut page.meta.extra);
    let mut value = page_fields(
        &library.config,
        &page,
        &rendered,
        &library.ancestors(section),
        extra,
    );
    let object = value.as_object_mut().expect("a page is an object");
    object.insert(
        "toc".into(),
        serde_json::to_value(&rendered.toc).expect("a table of contents serialises"),
    );
    object.insert("content".into(), Value::String(rendered.html));
    value
}
