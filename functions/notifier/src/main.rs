//! The `notifier` Lambda: run every minute by a schedule, it drains the
//! notify outbox (`DVC_TABLE`) through SES and SNS, sending from
//! `DVC_MAIL_FROM` with tracking links to `DVC_PUBLIC_URL`.

use lambda_runtime::{Error, LambdaEvent, service_fn};
use notify::AwsNotifier;
use store::{Store, StoreSettings};

/// Messages per invocation; the rest wait for the next minute.
const BATCH: u16 = 200;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_target(false)
        .without_time()
        .init();
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let var =
        |name: &str| std::env::var(name).map_err(|_| Error::from(format!("{name} is not set")));
    let store = Store::new(&sdk, StoreSettings::from_env().map_err(Error::from)?);
    let notifier = AwsNotifier::new(&sdk, var("DVC_MAIL_FROM")?);
    let public_url = var("DVC_PUBLIC_URL")?;
    let (store, notifier, public_url) = (&store, &notifier, public_url.as_str());
    lambda_runtime::run(service_fn(
        move |_: LambdaEvent<serde_json::Value>| async move {
            let sent = notify::dispatch(store, notifier, public_url, BATCH).await?;
            tracing::info!(sent, "notifications sent");
            Ok::<_, Error>(serde_json::json!({ "sent": sent }))
        },
    ))
    .await
}
