//! The `track` Lambda: the `api::tracking_router` behind API Gateway.

use lambda_http::Error;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_target(false)
        .without_time()
        .init();
    // Clients and keys once per cold start, then every request reuses them.
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let state = api::AppState::from_env(&sdk).await.map_err(Error::from)?;
    let secret = api::OriginSecret::from_env().map_err(Error::from)?;
    lambda_http::run(api::behind_cdn(
        api::tracking_router().with_state(state),
        secret,
    ))
    .await
}
