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

pub mod generated;

pub use generated::{FrontMatter, GeneratedDir, WriteReport, page};
