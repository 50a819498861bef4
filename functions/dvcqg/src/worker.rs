//! The outbox worker: sends what changed to the national portal, in order
//! per dossier — the dossier (`DongBoHoSoMC`, `isUpdating` decided by
//! `TraCuuHoSo`, "đã tồn tại" answered with an update) before its steps
//! (`CapNhatTienDoHoSoMC`, one call per dossier) — and removes the outbox
//! entries only once the peer has them. A transport failure defers the
//! dossier's entries with exponential backoff and jitter; after
//! `max_attempts`, or on a refusal, they go to the dead letters and the log
//! says so at error level (the alarm watches for it). Dossiers are sent
//! `concurrency` at a time; one dossier's entries are always sent by one
//! task, in order. A repair entry (from reconciliation) resends the dossier
//! with every step. A dossier submitted on the national portal gets its
//! statuses sent back instead (`DongBoTrangThaiHoSo`), under the same rules.
//! Each run then sends the question packets (`questions`) and the PAKN
//! packets (`petitions`).

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDateTime;
use domain::{AgencyCode, ProcedureCode};
use futures::StreamExt;
use rand::Rng;
use store::{OutboxEntry, OutboxKind, Store, StoreError};
use tokio::sync::Mutex;

use crate::client::{Client, SendError};
use crate::connections::Connections;
use crate::mapping::{
    Context, dossier_packet, progress_packet, progress_packets, status_packet, status_packets,
};
use crate::outbox_run::by_record;
use crate::packets::service;

#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// The portal's address, for file links in packets.
    pub public_url: String,
    /// Due entries taken per run.
    pub batch: usize,
    /// Dossiers sent at the same time.
    pub concurrency: usize,
    pub max_attempts: u32,
    /// The first retry waits about this long; each one doubles it, up to `max_delay`.
    pub base_delay: Duration,
    pub max_delay: Duration,
}

/// Delivered entries removed per round of batch writes (25 per request).
const REMOVAL_BATCH: usize = 250;

impl Default for WorkerSettings {
    fn default() -> Self {
        Self {
            public_url: String::new(),
            batch: 500,
            concurrency: 8,
            max_attempts: 8,
            base_delay: Duration::from_secs(30),
            max_delay: Duration::from_secs(6 * 3600),
        }
    }
}

/// What one run did.
#[derive(Debug, Default, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RunReport {
    pub dossiers_sent: usize,
    pub steps_sent: usize,
    /// Statuses of dossiers submitted on the national portal (`DongBoTrangThaiHoSo`).
    pub statuses_sent: usize,
    pub entries_done: usize,
    pub entries_deferred: usize,
    pub entries_dead: usize,
    /// Entries left for later because an earlier one of their dossier is waiting.
    pub entries_waiting: usize,
    /// Answers to questions asked on the national portal (`DongBoKetQuaHoiDapGuiTuDVCQG`).
    pub answers_sent: usize,
    /// Local questions published with their answer (`DongBoHoiDap`).
    pub questions_sent: usize,
    /// Petitions received here, as they stand (`DongBoPAKN`).
    pub petitions_sent: usize,
    /// Petitions' answers and refusals (`DongBoKetQuaPAKN`).
    pub petition_results_sent: usize,
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Both runs' counts together.
impl std::ops::Add for RunReport {
    type Output = RunReport;

    fn add(mut self, other: RunReport) -> Self {
        self.dossiers_sent += other.dossiers_sent;
        self.steps_sent += other.steps_sent;
        self.statuses_sent += other.statuses_sent;
        self.entries_done += other.entries_done;
        self.entries_deferred += other.entries_deferred;
        self.entries_dead += other.entries_dead;
        self.entries_waiting += other.entries_waiting;
        self.answers_sent += other.answers_sent;
        self.questions_sent += other.questions_sent;
        self.petitions_sent += other.petitions_sent;
        self.petition_results_sent += other.petition_results_sent;
        self
    }
}

/// What the packets of one agency need: its names, its unit code and the
/// client of its account.
pub(crate) struct Agency {
    pub(crate) context: Context,
    pub(crate) unit: String,
    pub(crate) client: Arc<Client>,
    /// The secret its account came from, if its own.
    secret: Option<String>,
}

pub struct Worker {
    store: Store,
    connections: Arc<Connections>,
    settings: WorkerSettings,
    agencies: Mutex<HashMap<AgencyCode, Arc<Agency>>>,
    procedures: Mutex<HashMap<ProcedureCode, Option<Arc<domain::Procedure>>>>,
    /// Agencies whose login was refused, and since when: their dossiers
    /// wait out `LOGIN_PAUSE` instead of each trying (and locking the account).
    refused_logins: Mutex<HashMap<AgencyCode, std::time::Instant>>,
}

/// How long an agency whose login was refused is left alone.
const LOGIN_PAUSE: Duration = Duration::from_secs(300);

/// A dossier as the worker reads it: its record, its events, and whether
/// its sync is held behind a dead letter.
type Loaded = (store::DossierRecord, Vec<domain::Event>, bool);

/// What one dossier's delivery sent, and the repair entry it recorded on
/// the way (to be removed with the entries).
#[derive(Default)]
struct Sent {
    dossiers: usize,
    steps: usize,
    statuses: usize,
    repair: Option<OutboxEntry>,
}

/// A listed record's name in an intake's report: its `id_field`, or else
/// its place in the list.
pub(crate) fn listed_label(record: &serde_json::Value, id_field: &str, index: usize) -> String {
    record
        .get(id_field)
        .and_then(serde_json::Value::as_str)
        .map_or_else(|| format!("record {}", index + 1), str::to_owned)
}

/// Why a dossier's entries were not sent this time.
pub(crate) enum Failure {
    Retry(String),
    Refused(String),
}

impl From<SendError> for Failure {
    fn from(e: SendError) -> Self {
        if e.is_retryable() {
            Failure::Retry(e.to_string())
        } else {
            Failure::Refused(e.to_string())
        }
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Retry(e.to_string())
    }
}

impl Worker {
    pub fn new(store: Store, connections: Arc<Connections>, settings: WorkerSettings) -> Self {
        Self {
            store,
            connections,
            settings,
            agencies: Mutex::default(),
            procedures: Mutex::default(),
            refused_logins: Mutex::default(),
        }
    }

    pub(crate) async fn agency(&self, code: &AgencyCode) -> Result<Arc<Agency>, Failure> {
        if let Some(since) = self.refused_logins.lock().await.get(code)
            && since.elapsed() < LOGIN_PAUSE
        {
            return Err(Failure::Retry(
                "the national portal refused this agency's login a moment ago".into(),
            ));
        }
        if let Some(found) = self.agencies.lock().await.get(code) {
            return Ok(found.clone());
        }
        let agency = match self.store.agency_setup(code).await {
            Ok(setup) => Agency {
                unit: setup
                    .agency
                    .national_unit_code
                    .clone()
                    .unwrap_or_else(|| code.to_string()),
                client: self
                    .connections
                    .client(setup.agency.national_credentials_secret.as_deref())
                    .await?,
                secret: setup.agency.national_credentials_secret.clone(),
                context: Context::from_setup(&setup, &self.settings.public_url),
            },
            // An agency without a profile yet is reported under its own code.
            Err(StoreError::NotFound) => Agency {
                unit: code.to_string(),
                client: self.connections.client(None).await?,
                secret: None,
                context: Context {
                    agency_name: code.to_string(),
                    public_url: self.settings.public_url.clone(),
                    ..Context::default()
                },
            },
            Err(e) => return Err(e.into()),
        };
        let agency = Arc::new(agency);
        self.agencies
            .lock()
            .await
            .insert(code.clone(), agency.clone());
        Ok(agency)
    }

    /// What the national portal lists for `agency` (by `list`, with the
    /// agency's unit and client), with the agency; `Err` with why the portal
    /// could not be asked, for the intake's report. `what` names the
    /// records in the log.
    pub(crate) async fn portal_listing(
        &self,
        agency: &AgencyCode,
        what: &str,
        list: impl AsyncFnOnce(&Agency) -> Result<Vec<serde_json::Value>, SendError>,
    ) -> Result<(Arc<Agency>, Vec<serde_json::Value>), String> {
        let unit = match self.agency(agency).await {
            Ok(unit) => unit,
            Err(Failure::Retry(e) | Failure::Refused(e)) => return Err(e),
        };
        match list(&unit).await {
            Ok(records) => Ok((unit, records)),
            Err(e) => {
                tracing::warn!(%agency, error = %e, "national portal: its {what} could not be listed");
                Err(e.to_string())
            }
        }
    }

    pub(crate) fn store(&self) -> &Store {
        &self.store
    }

    pub(crate) fn settings(&self) -> &WorkerSettings {
        &self.settings
    }

    pub(crate) async fn procedure(
        &self,
        code: &ProcedureCode,
    ) -> Result<Option<Arc<domain::Procedure>>, StoreError> {
        if let Some(found) = self.procedures.lock().await.get(code) {
            return Ok(found.clone());
        }
        let found = self.store.get_procedure(code).await?.map(Arc::new);
        self.procedures
            .lock()
            .await
            .insert(code.clone(), found.clone());
        Ok(found)
    }

    /// The wait before attempt `attempts + 1`: doubling, capped, ±50% jitter.
    pub(crate) fn backoff(&self, attempts: u32) -> Duration {
        let doubled = self
            .settings
            .base_delay
            .saturating_mul(1u32 << attempts.min(20));
        let capped = doubled.min(self.settings.max_delay);
        capped.mul_f64(rand::rng().random_range(0.5..1.5))
    }

    /// Sends one dossier's due entries; `Ok` once the peer has all of them:
    /// the dossier and steps sent, and the repair entry recorded on the way
    /// (to be removed with them).
    async fn deliver(
        &self,
        code: &domain::DossierCode,
        entries: &[OutboxEntry],
        loaded: Option<Loaded>,
    ) -> Result<Sent, Failure> {
        let loaded = match loaded {
            Some(loaded) => Ok(loaded),
            None => self.store.load_for_sync(code).await,
        };
        let (record, events, held) = match loaded {
            Ok(found) => found,
            // Nothing to send for a dossier that is not there.
            Err(StoreError::NotFound) => return Ok(Sent::default()),
            Err(e) => return Err(e.into()),
        };
        // Sending later changes past a dead letter would break the order;
        // they join it until reconciliation sends the dossier again whole.
        if held && !entries.iter().any(|e| e.repair) {
            return Err(Failure::Refused(
                "waiting behind an earlier entry of the dossier in the dead letters".into(),
            ));
        }
        let agency = self.agency(&record.agency).await?;
        let sent = match &record.national {
            Some(origin) => {
                self.send_statuses(&agency, &record, origin, &events, entries)
                    .await
            }
            None => {
                let procedure = self.procedure(&record.procedure_code).await?;
                let packet =
                    dossier_packet(&record, &events, procedure.as_deref(), &agency.context);
                self.send_dossier(&agency, &record, &events, packet, entries)
                    .await
            }
        };
        match sent {
            Ok(sent) => Ok(sent),
            Err(error) => {
                if let SendError::LoginRefused(_) = &error {
                    // Read the agency's credentials again next time: they may have been rotated.
                    tracing::error!(agency = %record.agency, %error, "national portal: login refused");
                    self.agencies.lock().await.remove(&record.agency);
                    self.connections.forget(agency.secret.as_deref()).await;
                    self.refused_logins
                        .lock()
                        .await
                        .insert(record.agency.clone(), std::time::Instant::now());
                }
                Err(error.into())
            }
        }
    }

    async fn send_dossier(
        &self,
        agency: &Agency,
        record: &store::DossierRecord,
        events: &[domain::Event],
        packet: crate::packets::HoSo,
        entries: &[OutboxEntry],
    ) -> Result<Sent, SendError> {
        let code = &record.code;
        let exists = agency
            .client
            .look_up(&agency.unit, code.as_str())
            .await?
            .is_some();
        // Repairs, and a dossier the portal should hold but has lost, get every step.
        let repair = entries.iter().any(|e| e.repair);
        let lost = !exists && entries.iter().all(|e| e.seq > 1);
        let recorded = if lost && !repair {
            // Recorded before anything is sent: should this attempt fail
            // after the dossier is back there, the next must still send every step.
            let entry = self
                .store
                .queue_repair(OutboxKind::Dvcqg, code, record.received_at)
                .await
                .map_err(|e| SendError::Transport(format!("recording a repair: {e}")))?;
            Some(entry)
        } else {
            None
        };
        let sent = agency
            .client
            .send(
                &agency.unit,
                service::SYNC_DOSSIER,
                Some(exists),
                std::slice::from_ref(&packet),
            )
            .await;
        match sent {
            Ok(_) => {}
            Err(SendError::AlreadyExists) => {
                let update = agency
                    .client
                    .send(
                        &agency.unit,
                        service::SYNC_DOSSIER,
                        Some(true),
                        std::slice::from_ref(&packet),
                    )
                    .await;
                match update {
                    Ok(_) => {}
                    // "Exists" to an insert, then refused as an update: the
                    // portal contradicts itself; ask again later.
                    Err(SendError::Refused { code, message }) => {
                        return Err(SendError::Transport(format!(
                            "the portal said the dossier exists, then refused it as an update (error {code}): {message}"
                        )));
                    }
                    Err(e) => return Err(e),
                }
            }
            Err(e) => return Err(e),
        }
        let whole = repair || lost;
        let steps: Vec<_> = if whole {
            progress_packets(record, events, &agency.context)
        } else {
            entries
                .iter()
                .filter_map(|e| progress_packet(record, events, e.seq, &agency.context))
                .collect()
        };
        if !steps.is_empty() {
            agency
                .client
                .send(&agency.unit, service::PROGRESS, None, &steps)
                .await?;
        }
        Ok(Sent {
            dossiers: 1,
            steps: steps.len(),
            statuses: 0,
            repair: recorded,
        })
    }

    /// A dossier submitted on the national portal: its statuses go back
    /// under the portal's code, one call each (`data` is one object), in
    /// order; a repair sends them all. The portal keeps the dossier itself,
    /// so there is nothing to look up or insert first.
    async fn send_statuses(
        &self,
        agency: &Agency,
        record: &store::DossierRecord,
        origin: &store::NationalOrigin,
        events: &[domain::Event],
        entries: &[OutboxEntry],
    ) -> Result<Sent, SendError> {
        let statuses = if entries.iter().any(|e| e.repair) {
            status_packets(record, origin, events, &agency.context)
        } else {
            entries
                .iter()
                .filter_map(|e| status_packet(record, origin, events, e.seq, &agency.context))
                .collect()
        };
        for status in &statuses {
            agency
                .client
                .send(&agency.unit, service::STATUS_BACK_SYNC, None, status)
                .await?;
        }
        Ok(Sent {
            statuses: statuses.len(),
            ..Sent::default()
        })
    }

    /// One run over the backlog at `now`.
    pub async fn run_once(&self, now: NaiveDateTime) -> Result<RunReport, WorkerError> {
        self.run_until(now, &|| true).await
    }

    /// One run over the backlog at `now`, taking up no further dossier once
    /// `more_time` says no (those wait for the next run).
    pub async fn run_until(
        &self,
        now: NaiveDateTime,
        more_time: &(dyn Fn() -> bool + Sync),
    ) -> Result<RunReport, WorkerError> {
        let kind = OutboxKind::Dvcqg;
        let backlog = self
            .store
            .outbox_backlog(kind, self.settings.batch, now)
            .await?;
        // Per dossier, in the order the changes happened.
        let groups = by_record(backlog);
        let order: Vec<domain::DossierCode> = groups.iter().map(|(code, _)| code.clone()).collect();
        // The dossiers in a few batch reads rather than a query each; any
        // the batch could not give whole are loaded one by one.
        let mut loaded = match self.store.load_many_for_sync(&order).await {
            Ok(loaded) => loaded,
            Err(e) => {
                tracing::warn!(error = %e, "national portal: batch read failed, reading dossiers one by one");
                HashMap::new()
            }
        };
        let groups = groups.into_iter().map(|(code, entries)| {
            let found = loaded.remove(&code);
            (code, entries, found)
        });
        // Delivered entries are removed in batches across dossiers; should
        // the run stop first, they are only sent again, which is harmless.
        // A store failure on one dossier leaves its entries as they were
        // and the run goes on; the first such failure is returned at the end.
        let mut report = RunReport::default();
        let mut delivered = Vec::new();
        let mut failure = None;
        let mut outcomes = futures::stream::iter(groups)
            .take_while(|_| std::future::ready(more_time()))
            .map(|(code, entries, found)| self.run_dossier(code, entries, found, now))
            .buffer_unordered(self.settings.concurrency.max(1));
        while let Some(outcome) = outcomes.next().await {
            match outcome {
                Ok((one, done)) => {
                    report = report + one;
                    delivered.extend(done);
                }
                Err(e) => {
                    tracing::error!(error = %e, "national portal: a dossier's outbox entries could not be updated");
                    failure.get_or_insert(e);
                }
            }
            if delivered.len() >= REMOVAL_BATCH {
                self.store.remove_outbox(kind, &delivered).await?;
                delivered.clear();
            }
        }
        self.store.remove_outbox(kind, &delivered).await?;
        // The question packets (`questions`), after the dossiers.
        report = report + self.send_questions(now, more_time).await?;
        // The PAKN packets (`petitions`), after the questions.
        report = report + self.send_petitions(now, more_time).await?;
        match failure {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Runs until a run delivers nothing more, or `more_time` says no
    /// further run fits (the Lambda's deadline).
    pub async fn drain(
        &self,
        now: impl Fn() -> NaiveDateTime,
        more_time: impl Fn() -> bool + Sync,
    ) -> Result<RunReport, WorkerError> {
        let mut total = RunReport::default();
        loop {
            let report = self.run_until(now(), &more_time).await?;
            let again = report.entries_done > 0;
            total = total + report;
            if !again || !more_time() {
                return Ok(total);
            }
        }
    }

    /// The agencies of the directory.
    pub async fn agencies_listed(&self) -> Result<Vec<AgencyCode>, WorkerError> {
        Ok(self
            .store
            .list_agencies()
            .await?
            .into_iter()
            .map(|a| a.code)
            .collect())
    }

    /// Sends one dossier's due entries; returns what happened and the
    /// entries delivered (for the caller to remove).
    async fn run_dossier(
        &self,
        code: domain::DossierCode,
        mut entries: Vec<OutboxEntry>,
        loaded: Option<Loaded>,
        now: NaiveDateTime,
    ) -> Result<(RunReport, Vec<OutboxEntry>), WorkerError> {
        let mut report = RunReport::default();
        // An entry waiting for its retry holds back the later ones of its
        // dossier; a due repair (seq 0, first) sends them all, so it takes them.
        let due = if entries[0].repair && entries[0].is_due(now) {
            entries.len()
        } else {
            entries.iter().take_while(|e| e.is_due(now)).count()
        };
        report.entries_waiting += entries.len() - due;
        entries.truncate(due);
        if entries.is_empty() {
            return Ok((report, Vec::new()));
        }
        match self.deliver(&code, &entries, loaded).await {
            Ok(sent) => {
                report.dossiers_sent += sent.dossiers;
                report.steps_sent += sent.steps;
                report.statuses_sent += sent.statuses;
                report.entries_done += entries.len();
                entries.extend(sent.repair);
                Ok((report, entries))
            }
            Err(failure) => {
                let settled = self
                    .settle_failure("dossier", &entries, failure, now)
                    .await?;
                Ok((report + settled, Vec::new()))
            }
        }
    }
}
