//! `dvcqg-peer [port] [shared-data-dir]`: the conformance peer on 127.0.0.1,
//! for local runs. Credentials from `DVC_DVCQG_USERNAME` / `DVC_DVCQG_PASSWORD`
//! (default `dev`/`dev`). Given a directory (`../shared/data`), its share
//! endpoint answers with the real procedures and dictionaries in it.

use std::path::Path;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).unwrap_or(8090);
    let catalogue = match args.next() {
        Some(dir) => dvcqg_peer::Catalogue::from_shared_data(Path::new(&dir))
            .map_err(std::io::Error::other)?,
        None => dvcqg_peer::Catalogue::default(),
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "dev".into());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "national-portal conformance peer on http://{} ({} procedures to share)",
        listener.local_addr()?,
        catalogue.procedures.len()
    );
    axum::serve(
        listener,
        dvcqg_peer::router_with_catalogue(
            &var("DVC_DVCQG_USERNAME"),
            &var("DVC_DVCQG_PASSWORD"),
            catalogue,
        ),
    )
    .await
}
