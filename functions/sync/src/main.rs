//! The `sync` Lambda. Its schedule sends `{"job": "outbox"}` every minute,
//! `{"job": "intake"}` every five minutes, `{"job": "questions"}` and
//! `{"job": "petitions"}` every fifteen, `{"job": "reconcile"}` each night and `{"job": "statistics"}` on the
//! first of each month; an operator may invoke it with any of them (for one
//! agency, a period or a month: see `dvcqg::jobs::Job`). The stack must
//! give it reserved concurrency 1 (issue 10, `infra/`): one worker at a
//! time keeps each dossier's packets in order and protects the portal.
//!
//! Environment: the table (`DVC_TABLE`, …, see `StoreSettings::from_env`),
//! the portal (`DVC_DVCQG_BASE_URL` or its three URLs, `DVC_DVCQG_TIMEOUT_MS`,
//! `DVC_DVCQG_SECRET`: the deployment's account in Secrets Manager),
//! `DVC_PUBLIC_URL` for file links in packets.

use std::sync::Arc;
use std::time::Duration;

use dvcqg::connections::Connections;
use dvcqg::jobs::Job;
use dvcqg::jobs::JobReport;
use dvcqg::worker::{Worker, WorkerSettings};
use lambda_runtime::{Error, LambdaEvent, service_fn};
use store::{OutboxKind, Store, StoreSettings};

/// Another outbox run is started only with this much of the invocation left.
const RUN_MARGIN: Duration = Duration::from_secs(20);

/// Civil time in Vietnam (UTC+7, no daylight saving).
fn vietnam_now() -> chrono::NaiveDateTime {
    (chrono::Utc::now() + chrono::Duration::hours(7)).naive_utc()
}

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_target(false)
        .without_time()
        .init();
    let sdk = aws_config::load_defaults(aws_config::BehaviorVersion::latest()).await;
    let store = Store::new(&sdk, StoreSettings::from_env().map_err(Error::from)?);
    let secrets = aws_sdk_secretsmanager::Client::new(&sdk);
    let connections = Connections::from_env(Some(secrets)).map_err(Error::from)?;
    let public_url =
        std::env::var("DVC_PUBLIC_URL").map_err(|_| Error::from("DVC_PUBLIC_URL is not set"))?;
    let outbox = store.clone();
    let worker = Worker::new(
        store,
        Arc::new(connections),
        WorkerSettings {
            public_url,
            ..WorkerSettings::default()
        },
    );
    let (worker, outbox) = (&worker, &outbox);
    lambda_runtime::run(service_fn(
        move |event: LambdaEvent<serde_json::Value>| async move {
            let job = Job::from_event(event.payload).map_err(Error::from)?;
            let deadline = event.context.deadline();
            let more_time = move || std::time::SystemTime::now() + RUN_MARGIN < deadline;
            let report = job.run(worker, vietnam_now, more_time).await?;
            // The stack's alarms read these two fields (infra/template.yaml).
            let oldest = outbox.pending_outbox(OutboxKind::Dvcqg, 1).await?;
            let oldest_pending_seconds = oldest
                .first()
                .and_then(|entry| entry.queued_at())
                .map_or(0, |at| (vietnam_now() - at).num_seconds().max(0));
            tracing::info!(
                dead_lettered = dead_lettered(&report),
                oldest_pending_seconds,
                report = %serde_json::to_string(&report)?,
                "sync job done"
            );
            Ok::<_, Error>(serde_json::to_value(report)?)
        },
    ))
    .await
}

/// Outbox entries the run moved to the dead letters.
fn dead_lettered(report: &JobReport) -> usize {
    match report {
        JobReport::Outbox(run)
        | JobReport::Intake { outbox: run, .. }
        | JobReport::Questions { outbox: run, .. }
        | JobReport::Petitions { outbox: run, .. } => run.entries_dead,
        JobReport::Reconcile(_) | JobReport::Statistics { .. } => 0,
    }
}
