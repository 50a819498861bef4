//! `publish --content site/content --static site/static [--catalogue
//! site/content/thu-tuc]`: loads the catalogue pages into the table when
//! asked, then runs every publication (`publish::publish_all`) from the
//! store into the site, as of today in Vietnam. The site is built afterwards (`sitegen build`); see the
//! crate's documentation for the scheduled job.
//!
//! Environment: the table and bucket as every function reads them
//! (`DVC_TABLE`, `DVC_BUCKET`, …: `StoreSettings::from_env`) and the AWS
//! SDK's usual settings (region, credentials, `AWS_ENDPOINT_URL` for a
//! local store).

use std::path::PathBuf;

use anyhow::Context;
use chrono::NaiveDate;
use clap::Parser;
use store::{Store, StoreSettings};

#[derive(Debug, Parser)]
#[command(
    about = "Writes the store's public records (statistics, published answers) into the site"
)]
struct Args {
    /// The site's content directory.
    #[arg(long, default_value = "site/content")]
    content: PathBuf,
    /// The site's static directory (downloads).
    #[arg(long = "static", default_value = "site/static")]
    static_dir: PathBuf,
    /// Publish as of this day (YYYY-MM-DD) instead of today in Vietnam.
    #[arg(long)]
    today: Option<NaiveDate>,
    /// First load this folder's procedure pages (`site/content/thu-tuc`)
    /// into the table, so submissions are checked against them.
    #[arg(long)]
    catalogue: Option<PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,aws_config=warn,aws_smithy_runtime=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let settings = StoreSettings::from_env().map_err(anyhow::Error::msg)?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = Store::new(&sdk, settings);
    // Civil time in Vietnam (UTC+7, no daylight saving).
    let today = args
        .today
        .unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(7)).date_naive());
    if let Some(dir) = &args.catalogue {
        let loaded = publish::catalogue::load(&store, dir)
            .await
            .context("loading the catalogue")?;
        eprintln!(
            "catalogue: {} procedures from {}",
            loaded.procedures,
            dir.display()
        );
    }
    let report = publish::publish_all(&store, today, &args.content, &args.static_dir)
        .await
        .context("publishing")?;
    println!("{}", serde_json::to_string_pretty(&report)?);
    Ok(())
}
