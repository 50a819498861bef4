//! The site's publications, as the production schedule runs them: every
//! publication of `publish` (statistics, published answers…) into the
//! site's `content/` and `static/`, then an incremental `sitegen` build of
//! `site/public` when anything changed — once at start, after the demo
//! data, then every [`EVERY`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use api::AppState;

/// How often the publications run again (production: its own schedule).
pub const EVERY: Duration = Duration::from_secs(5 * 60);

/// The site `scripts/dev` built: its root, its output and the base URL it
/// was built with (the same, so that the build stays incremental).
pub struct SiteBuild {
    pub root: PathBuf,
    pub output: PathBuf,
    pub base_url: String,
    /// The search fallback index `scripts/dev` wrote into the output: a full
    /// build (the first publication adds sections) sweeps what it did not
    /// write, so it is written again then.
    pub search: Option<Arc<search::FallbackIndex>>,
}

pub async fn run(state: AppState, site: SiteBuild) {
    loop {
        if let Err(e) = once(&state, &site).await {
            tracing::warn!(error = format!("{e:#}"), "publication round failed");
        }
        tokio::time::sleep(EVERY).await;
    }
}

async fn once(state: &AppState, site: &SiteBuild) -> anyhow::Result<()> {
    let today = state.now().date();
    let report = publish::publish_all(
        &state.store,
        today,
        &site.root.join("content"),
        &site.root.join("static"),
    )
    .await
    .context("publishing")?;
    for p in &report.publications {
        tracing::info!(publication = p.name, summary = %p.summary, changed = p.changed(), "published");
    }
    if !report.changed() {
        return Ok(());
    }
    if !site.output.join("index.html").is_file() {
        tracing::warn!(
            output = %site.output.display(),
            "the site is not built (scripts/dev builds it first): not rebuilding"
        );
        return Ok(());
    }
    let options = sitegen::Options {
        output: site.output.clone(),
        base_url: Some(site.base_url.clone()),
        ..sitegen::Options::new(&site.root)
    };
    let built = tokio::task::spawn_blocking(move || sitegen::build(&options))
        .await?
        .map_err(|errors| anyhow::anyhow!(sitegen::report(&errors, 10)))?;
    if !built.incremental
        && let Some(index) = &site.search
    {
        index
            .write(&site.output.join("tim-kiem/chi-muc"))
            .context("writing the search fallback index again")?;
    }
    tracing::info!(
        incremental = built.incremental,
        rendered = built.rendered,
        elapsed_ms = built.elapsed.as_millis() as u64,
        "site rebuilt: {}/thong-ke/",
        site.base_url
    );
    Ok(())
}
