//! Procedure search as citizens type it. `fold` gives every word its exact
//! and folded forms; `vocabulary` holds the everyday names, spellings and
//! stop words kept as data; `document` is a procedure as both engines see
//! it; `fallback` is the static index the site searches when Meilisearch
//! cannot be reached (and the no-JavaScript results page searches on the
//! server). `search-index` builds the documents, pushes them to
//! Meilisearch and writes the fallback files.

pub mod document;
pub mod fallback;
pub mod fold;
pub mod vocabulary;

pub use document::{Entry, SearchDocument};
pub use fallback::{FallbackIndex, Hit};
pub use fold::{Word, fold, words};
pub use vocabulary::Vocabulary;
