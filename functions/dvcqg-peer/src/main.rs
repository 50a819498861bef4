//! `dvcqg-peer [port]`: the conformance peer on 127.0.0.1, for local runs.
//! Credentials from `DVC_DVCQG_USERNAME` / `DVC_DVCQG_PASSWORD` (default `dev`/`dev`).

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let port: u16 = std::env::args()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(8090);
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| "dev".into());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await?;
    println!(
        "national-portal conformance peer on http://{}",
        listener.local_addr()?
    );
    axum::serve(
        listener,
        dvcqg_peer::router(&var("DVC_DVCQG_USERNAME"), &var("DVC_DVCQG_PASSWORD")),
    )
    .await
}
