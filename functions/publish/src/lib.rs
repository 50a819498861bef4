//! Publishing from the store into the static site. The catalogue and the
//! guidance are Markdown that editors commit; what the store knows and the
//! public may see — the QĐ 766 statistics, published answers to questions
//! and to petitions — is written by this crate as Zola content (and static
//! downloads) into sections it owns whole, and the next site build renders
//! it with the site's templates, as stock Zola would. A scheduled job runs
//! the publication and then the build (the dev server does both at start
//! and on a timer).
//!
//! [`generated::GeneratedDir`] is the one writer: a file is rewritten only
//! when its bytes change, so the incremental build re-renders only what
//! changed, and a file of the directory that is no longer published is
//! deleted, so nothing withdrawn stays on the site.
//!
//! [`publish_all`] runs every publication; each owns its directories
//! (`content/thong-ke/` and `static/thong-ke/` for [`statistics`],
//! `content/hoi-dap/` and `static/hoi-dap/` for [`questions`],
//! `content/phan-anh-kien-nghi/` for [`petitions`]) and
//! reports what it changed as one [`Publication`]. A new publication is a
//! module with an `async fn publish(store, today, site) ->
//! Result<Publication, PublishError>` and one line in [`publish_all`].
//!
//! ## How it runs
//! In production a scheduled job (the stack's, issue 10) runs, in a
//! checkout of the site kept between runs (so that `site/.sitegen/` keeps
//! the build incremental):
//! 1. `publish --content site/content --static site/static` with the
//!    table's settings (`StoreSettings::from_env`) — every publication, as
//!    of today in Vietnam;
//! 2. `sitegen build --root site --base-url <public URL>`, which re-renders
//!    only the pages whose content changed (a publication that adds or
//!    drops a section, the first one say, makes a full build);
//! 3. `search-index fallback --out site/public/tim-kiem/chi-muc` (a full
//!    build sweeps the files it did not write);
//! 4. an upload of the files of `site/public` whose bytes changed, and the
//!    deletion of those gone, then a CDN invalidation of those paths.
//!
//! The statistics count to today at 00:00, so runs within a day change
//! nothing unless an earlier record changed: most runs write no file, and
//! step 2 renders nothing. `functions/devserver` does steps 1 and 2 (and
//! writes the search index again after a full build) at start and every
//! five minutes. `docs/benchmarks.md` has what a run costs.

mod answers;
pub mod catalogue;
pub mod generated;
pub mod petitions;
pub mod questions;
pub mod statistics;

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use domain::AgencyCode;
use serde::Serialize;
use store::Store;

pub use generated::{FrontMatter, GeneratedDir, WriteReport, page};

/// The names of the agencies of a publication's records, as the directory
/// has them: one read per agency, however many records it has. An agency
/// the directory no longer has is named by its code.
// Not an `async fn`: the codes are collected before the first read, so the
// future holds no borrowing iterator and stays `Send` (the dev server spawns
// the publications).
pub(crate) fn agency_names<'a>(
    store: &'a Store,
    agencies: impl IntoIterator<Item = &'a AgencyCode>,
) -> impl Future<Output = Result<impl Fn(&AgencyCode) -> String, PublishError>> + 'a {
    let wanted: BTreeSet<AgencyCode> = agencies.into_iter().cloned().collect();
    async move {
        let mut names = HashMap::new();
        for agency in wanted {
            let name = store.get_agency(&agency).await?.map(|p| p.name);
            names.insert(agency, name);
        }
        Ok(move |code: &AgencyCode| {
            names
                .get(code)
                .cloned()
                .flatten()
                .unwrap_or_else(|| code.to_string())
        })
    }
}

/// The site's directories a publication writes into.
#[derive(Debug, Clone, Copy)]
pub struct Site<'a> {
    /// `site/content`.
    pub content: &'a Path,
    /// `site/static`.
    pub static_dir: &'a Path,
}

impl Site<'_> {
    /// Makes `content/<dir>` hold exactly `files`.
    pub fn replace_content(
        &self,
        dir: &str,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<DirReport, PublishError> {
        replace(self.content, "content", dir, files)
    }

    /// Makes `static/<dir>` hold exactly `files`.
    pub fn replace_static(
        &self,
        dir: &str,
        files: &BTreeMap<String, Vec<u8>>,
    ) -> Result<DirReport, PublishError> {
        replace(self.static_dir, "static", dir, files)
    }
}

fn replace(
    root: &Path,
    label: &str,
    dir: &str,
    files: &BTreeMap<String, Vec<u8>>,
) -> Result<DirReport, PublishError> {
    let path = root.join(dir);
    let written = GeneratedDir::new(&path)
        .replace_with(files)
        .map_err(|source| PublishError::Write { path, source })?;
    Ok(DirReport {
        dir: format!("{label}/{dir}"),
        written,
    })
}

/// What a publication changed in one of its directories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DirReport {
    /// Relative to the site: `content/thong-ke`.
    pub dir: String,
    #[serde(flatten)]
    pub written: WriteReport,
}

/// What one publication did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Publication {
    /// Its name, as in the logs: `"statistics"`.
    pub name: &'static str,
    /// What it published, in a few words (for the logs).
    pub summary: String,
    pub dirs: Vec<DirReport>,
}

impl Publication {
    /// Whether any file was written or deleted: the site needs a build.
    pub fn changed(&self) -> bool {
        self.dirs
            .iter()
            .any(|d| d.written.written > 0 || d.written.deleted > 0)
    }
}

/// What [`publish_all`] did, one entry per publication in the order run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PublishReport {
    pub publications: Vec<Publication>,
}

impl PublishReport {
    pub fn changed(&self) -> bool {
        self.publications.iter().any(Publication::changed)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("reading the store: {0}")]
    Store(#[from] store::StoreError),
    #[error("writing {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("writing the front matter of {file}: {source}")]
    Page {
        file: String,
        source: toml::ser::Error,
    },
    #[error("writing {file}: {source}")]
    Csv { file: String, source: csv::Error },
}

/// Runs every publication into the site's `content` and `static_dir`, as
/// of `today` (Vietnam's civil date), one after the other; the first that
/// fails stops the run (the next scheduled run starts over: each
/// publication rewrites its directories whole).
pub async fn publish_all(
    store: &Store,
    today: NaiveDate,
    content: &Path,
    static_dir: &Path,
) -> Result<PublishReport, PublishError> {
    let site = Site {
        content,
        static_dir,
    };
    let mut report = PublishReport::default();
    report
        .publications
        .push(statistics::publish(store, today, site).await?);
    report
        .publications
        .push(questions::publish(store, today, site).await?);
    report
        .publications
        .push(petitions::publish(store, today, site).await?);
    Ok(report)
}
