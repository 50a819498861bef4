//! `dvcqg-import <export.json>`: pulls the procedures and dictionaries of
//! the national procedure database through the share endpoint into the
//! table and into a catalogue export, which `sitegen import <export.json>`
//! turns into the site's procedure pages for an editor to review and commit.
//!
//! Environment: the table (`StoreSettings::from_env`), the portal
//! (`DVC_DVCQG_BASE_URL` …, the account as for the `sync` Lambda), and
//! `DVC_DVCQG_UNIT`, the unit code the calls are made for.

use std::path::PathBuf;
use std::sync::Arc;

use dvcqg::connections::Connections;
use dvcqg::inbound::{InboundSettings, import};
use store::{Store, StoreSettings};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    tracing_subscriber::fmt().with_target(false).init();
    let export: PathBuf = std::env::args()
        .nth(1)
        .ok_or("usage: dvcqg-import <export.json>")?
        .into();
    let madonvi = std::env::var("DVC_DVCQG_UNIT").map_err(|_| "DVC_DVCQG_UNIT is not set")?;
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = Store::new(&sdk, StoreSettings::from_env()?);
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let client = Connections::from_env(Some(secrets))?.client(None).await?;
    let report = import(
        Arc::clone(&client),
        &store,
        &InboundSettings {
            madonvi,
            export,
            concurrency: 8,
        },
    )
    .await?;
    println!(
        "{} listed: {} new, {} changed, {} unchanged, {} rejected",
        report.listed,
        report.new.len(),
        report.changed.len(),
        report.unchanged.len(),
        report.rejected.len()
    );
    for rejected in &report.rejected {
        println!("  rejected {}: {}", rejected.code, rejected.reason);
    }
    for file in &report.files {
        println!("  wrote {}", file.display());
    }
    Ok(())
}
