//! The citizen portal's site builder: Zola's layout and template API,
//! rendered with Tera and pulldown-cmark (Zola's own engines), in parallel and
//! incrementally; plus the import of national procedure data as content.
//!
//! - [`build`] plans and renders a build and keeps its state;
//! - [`content`] reads sections and pages, [`markdown`] renders their text;
//! - [`library`] is the site as templates see it; [`templates`] sets up Tera
//!   with Zola's functions;
//! - [`import`] writes procedure pages from national data; [`synth`] writes a
//!   large synthetic catalogue for benchmarks.

pub mod build;
pub mod config;
pub mod content;
pub mod error;
pub mod import;
pub mod library;
pub mod markdown;
pub mod synth;
pub mod templates;

pub use build::{Options, Report, build};
pub use error::{BuildError, report};
