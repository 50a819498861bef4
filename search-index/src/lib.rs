//! Builds procedure search from the catalogue (`catalogue`): Meilisearch's
//! documents and settings (`settings`), and the static fallback index
//! (`search::fallback`) the site searches when Meilisearch cannot be
//! reached; pushing to Meilisearch and its browser key (`meili`). The
//! `search-index` command runs it.

pub mod catalogue;
pub mod meili;
pub mod relevance;
pub mod settings;
