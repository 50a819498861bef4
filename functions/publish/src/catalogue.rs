//! The other direction: the catalogue editors commit as procedure pages
//! (`site/content/thu-tuc/*.md`) becomes the table's procedure records, so
//! that the API checks submissions against the catalogue the site shows.
//! `publish --catalogue site/content/thu-tuc` runs it before the
//! publications; the dev server runs it at start.

use std::path::{Path, PathBuf};

use domain::{Procedure, ProcedurePage};
use serde::Serialize;
use store::Store;

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("reading {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A page the site shows but the API could not check submissions
    /// against: the load stops, so that no procedure silently goes missing.
    #[error("{} procedure page(s) unreadable, first {}: {first}", count, path.display())]
    Unreadable {
        count: usize,
        path: PathBuf,
        first: String,
    },
    #[error("writing the catalogue: {0}")]
    Store(#[from] store::StoreError),
}

/// What a load wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueReport {
    pub procedures: usize,
}

/// Every procedure page of `dir` (sections left out), sorted by code.
pub fn read_pages(dir: &Path) -> Result<Vec<Procedure>, CatalogueError> {
    let read = |path: &Path, source| CatalogueError::Read {
        path: path.to_owned(),
        source,
    };
    let mut procedures = Vec::new();
    let mut unreadable: Vec<(PathBuf, String)> = Vec::new();
    for item in std::fs::read_dir(dir).map_err(|e| read(dir, e))? {
        let path = item.map_err(|e| read(dir, e))?.path();
        if path.extension().is_none_or(|e| e != "md") || path.ends_with("_index.md") {
            continue;
        }
        let text = std::fs::read_to_string(&path).map_err(|e| read(&path, e))?;
        match ProcedurePage::parse(&text) {
            Ok(page) => procedures.push(page.procedure),
            Err(e) => unreadable.push((path, e.to_string())),
        }
    }
    if let Some((path, first)) = unreadable.first().cloned() {
        return Err(CatalogueError::Unreadable {
            count: unreadable.len(),
            path,
            first,
        });
    }
    procedures.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    Ok(procedures)
}

/// Writes the procedures of `dir`'s pages into the table (replacing the
/// records of the same codes).
pub async fn load(store: &Store, dir: &Path) -> Result<CatalogueReport, CatalogueError> {
    let procedures = read_pages(dir)?;
    store.put_procedures(&procedures).await?;
    Ok(CatalogueReport {
        procedures: procedures.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sites_procedure_pages_are_read_and_a_broken_one_stops_the_load() {
        let site = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../site/content/thu-tuc");
        let procedures = read_pages(&site).unwrap();
        assert!(procedures.len() > 100, "{} pages", procedures.len());
        assert!(
            procedures
                .windows(2)
                .all(|w| w[0].code.as_str() < w[1].code.as_str())
        );

        let dir = tempfile::tempdir().unwrap();
        let one = std::fs::read_dir(&site)
            .unwrap()
            .map(|e| e.unwrap().path())
            .find(|p| !p.ends_with("_index.md") && p.extension().is_some_and(|e| e == "md"))
            .unwrap();
        std::fs::copy(&one, dir.path().join("good.md")).unwrap();
        std::fs::write(
            dir.path().join("_index.md"),
            "+++\ntitle = \"Thủ tục\"\n+++\n",
        )
        .unwrap();
        assert_eq!(read_pages(dir.path()).unwrap().len(), 1);
        std::fs::write(
            dir.path().join("broken.md"),
            "+++\ntitle = \"Không có thủ tục\"\n+++\n",
        )
        .unwrap();
        match read_pages(dir.path()) {
            Err(CatalogueError::Unreadable { count: 1, path, .. }) => {
                assert!(path.ends_with("broken.md"))
            }
            other => panic!("expected the broken page named, got {other:?}"),
        }
    }
}
