//! The relevance set against the static fallback index built from the real
//! catalogue, as `search-index fallback` builds it for the site. Goals
//! (issue 8): every query finds an expected procedure in its top 5, and at
//! least 90 % at rank 1. `--nocapture` prints the table.

use std::path::PathBuf;

use search::{FallbackIndex, Vocabulary};
use search_index::{catalogue, relevance};

fn index() -> FallbackIndex {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../site/content/thu-tuc");
    let vocabulary = Vocabulary::bundled();
    let (entries, unreadable) = catalogue::read(&content).unwrap();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let documents = catalogue::documents(&entries, &vocabulary);
    let (safe, _) = catalogue::stop_words(&documents, &vocabulary);
    FallbackIndex::build(&documents, &safe, &vocabulary.listed_stop_words)
}

#[test]
fn the_fallback_finds_what_citizens_mean() {
    let index = index();
    let cases = relevance::cases();
    assert!(cases.len() >= 50, "the set has {} queries", cases.len());
    let results: Vec<Vec<String>> = cases
        .iter()
        .map(|c| {
            index
                .search(&c.q, 5, |_| true)
                .into_iter()
                .map(|h| index.docs[h.doc as usize].code.clone())
                .collect()
        })
        .collect();
    relevance::check_goals(&cases, &results);
}
