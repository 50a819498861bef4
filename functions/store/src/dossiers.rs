//! Dossiers: submission in one transaction, loading with one query, "my
//! dossiers" with one query per page, and later changes under optimistic
//! concurrency.

use std::collections::HashMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{AttributeValue, Put, TransactWriteItem, Update};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use domain::{
    AgencyCode, Applicant, Channel, DepartmentId, DossierCode, DossierProgress, Event,
    MAX_DAILY_SEQUENCE, NationalDossierCode, NationalStatus, ProcedureCode, Queue, ResolutionTime,
    ResultDelivery, Stage, Timeliness, WorkingCalendar,
};
use rand::Rng;
use serde::{Deserialize, Serialize};
use sha2::Digest;

use crate::attachments::StoredFile;
use crate::audit::{AuditEntry, AuditItem};
use crate::error::StoreError;
use crate::{Store, keys};

/// Everything the portal keeps on the dossier item itself, so that lists and
/// queues never need one call per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    /// The identity-provider subject of the applicant's account; none for a
    /// dossier handed in at the counter by someone without one.
    pub owner: Option<String>,
    pub channel: Channel,
    pub applicant: Applicant,
    pub summary: String,
    pub result_delivery: ResultDelivery,
    pub resolution: Option<ResolutionTime>,
    pub received_at: NaiveDateTime,
    pub due_at: Option<NaiveDateTime>,
    pub stage: Stage,
    pub status: NationalStatus,
    /// The department it was last handed to, and its specialist there.
    #[serde(default)]
    pub department: Option<DepartmentId>,
    #[serde(default)]
    pub assignee: Option<String>,
    /// Bumped by every change; a change names the version it was based on.
    pub version: u64,
    pub files: Vec<StoredFile>,
    /// Papers handed in on paper (counter, post): component and counts.
    #[serde(default)]
    pub papers: Vec<HandedPaper>,
    /// The signed result, once approved.
    #[serde(default)]
    pub result: Option<DossierResult>,
    /// When processing ended (QĐ 766) and how that stood against the appointment.
    #[serde(default)]
    pub finished: Option<Finished>,
    /// The register's (Mẫu 06) hand-over times.
    #[serde(default)]
    pub milestones: Milestones,
    /// SHA-256 (hex) of the tracking secret given to the applicant.
    pub tracking_secret_sha256: String,
    /// For a dossier submitted on the national portal: its status goes back
    /// there (`DongBoTrangThaiHoSo`) instead of the dossier and its steps.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<NationalOrigin>,
}

/// A dossier submitted on the national portal, as the portal knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalOrigin {
    /// The portal's code (`MaHoSo` there).
    pub code: NationalDossierCode,
    /// The applicant's account on the portal (`MaDoiTuong`).
    pub account: String,
}

/// One paper handed in: the procedure's component, originals and copies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandedPaper {
    pub component: usize,
    pub originals: u32,
    pub copies: u32,
}

/// When the dossier first reached the processing department, when the
/// result came back to the desk, and when it was handed to the applicant.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Milestones {
    pub sent_at: Option<NaiveDateTime>,
    pub result_at: Option<NaiveDateTime>,
    pub returned_at: Option<NaiveDateTime>,
}

impl Milestones {
    fn of(progress: &DossierProgress) -> Self {
        let first =
            |hit: fn(&Event) -> bool| progress.events().iter().find(|e| hit(e)).map(|e| e.at);
        Milestones {
            sent_at: first(|e| e.action == domain::Action::AssignDepartment),
            result_at: first(|e| e.to == Stage::ResultReady),
            returned_at: first(|e| e.to == Stage::Returned),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finished {
    pub at: NaiveDateTime,
    pub timeliness: Timeliness,
}

/// What the agency decided: the result paper's number and its files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierResult {
    /// Số, ký hiệu of the result paper (e.g. `125/GCN-STP`).
    pub number: String,
    pub files: Vec<StoredFile>,
    pub recorded_at: NaiveDateTime,
    pub recorded_by: String,
}

impl DossierRecord {
    /// What the QĐ 766 monthly tally needs of it.
    pub fn facts(&self) -> domain::DossierFacts {
        domain::DossierFacts {
            received_at: self.received_at,
            due_at: self.due_at,
            finished: self.finished.map(|f| (f.at, f.timeliness)),
            final_stage: self.stage.is_final(),
        }
    }

    /// The work queue the dossier is in now; `None` once finished.
    pub fn queue(&self) -> Option<Queue> {
        Queue::of(
            self.stage,
            self.department.as_ref(),
            self.assignee.as_deref(),
        )
    }

    /// Brings the record in line with `progress` after a move made at
    /// `now`: stage, status, holder, appointment, and the next version.
    pub fn follow(
        &mut self,
        progress: &DossierProgress,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        self.stage = progress.stage();
        self.status = self.stage.national();
        self.department = progress
            .department()
            .map(DepartmentId::parse)
            .transpose()
            .map_err(StoreError::corrupt)?;
        self.assignee = progress.assignee().map(str::to_owned);
        self.due_at = progress.due(calendar, now).map_err(StoreError::corrupt)?;
        self.finished = match progress.processing_end() {
            Some(end) => Some(Finished {
                at: end.at,
                timeliness: domain::evaluate(progress, calendar, now)
                    .map_err(StoreError::corrupt)?,
            }),
            None => None,
        };
        self.milestones = Milestones::of(progress);
        self.version += 1;
        Ok(())
    }

    /// Every file of the dossier: the applicant's and the result's.
    pub fn all_files(&self) -> impl Iterator<Item = &StoredFile> {
        self.files
            .iter()
            .chain(self.result.iter().flat_map(|r| r.files.iter()))
    }
}

/// A dossier about to be submitted; the store gives it its code.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyCode,
    /// The applicant's account, if they have one (see `DossierRecord::owner`).
    pub owner: Option<String>,
    pub channel: Channel,
    pub applicant: Applicant,
    pub summary: String,
    pub result_delivery: ResultDelivery,
    pub resolution: Option<ResolutionTime>,
    pub due_at: Option<NaiveDateTime>,
    pub files: Vec<StoredFile>,
    pub papers: Vec<HandedPaper>,
    /// The secret the applicant tracks the dossier with; only its hash is kept
    /// on the dossier, the secret itself only for the idempotency window.
    pub tracking_secret: String,
    /// The opening event (seq 1); its time is the receipt time.
    pub opening: Event,
    /// Set for a dossier submitted on the national portal; see `DossierRecord`.
    pub national: Option<NationalOrigin>,
}

impl NewDossier {
    /// The dossier's first record, under the code the store issued.
    fn record(&self, code: DossierCode) -> DossierRecord {
        DossierRecord {
            code,
            procedure_code: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            agency: self.agency.clone(),
            owner: self.owner.clone(),
            channel: self.channel,
            applicant: self.applicant.clone(),
            summary: self.summary.clone(),
            result_delivery: self.result_delivery.clone(),
            resolution: self.resolution,
            received_at: self.opening.at,
            due_at: self.due_at,
            stage: self.opening.to,
            status: self.opening.to.national(),
            department: None,
            assignee: None,
            version: 1,
            files: self.files.clone(),
            papers: self.papers.clone(),
            result: None,
            finished: None,
            milestones: Milestones::default(),
            tracking_secret_sha256: secret_hash(&self.tracking_secret),
            national: self.national.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Submitted {
    pub record: DossierRecord,
    pub tracking_secret: String,
    /// True when the same request had already been submitted.
    pub replayed: bool,
}

/// SHA-256 (hex) of a tracking secret, as kept on the dossier.
pub fn secret_hash(secret: &str) -> String {
    hex::encode(sha2::Sha256::digest(secret.as_bytes()))
}

#[derive(Debug, Clone)]
pub struct DossierPage {
    pub items: Vec<DossierRecord>,
    /// Opaque cursor for the next page, if there is one.
    pub next: Option<String>,
}

/// The dossier item. Index keys are left out where they do not apply, so
/// finished dossiers drop out of the work queues (sparse GSI2) and counter
/// dossiers without an account out of "my dossiers".
#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
pub(crate) struct DossierItem {
    PK: String,
    SK: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI1PK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI1SK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI2PK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI2SK: Option<String>,
    GSI3PK: String,
    GSI3SK: String,
    version: u64,
    pub(crate) record: DossierRecord,
}

impl From<&DossierRecord> for DossierItem {
    fn from(r: &DossierRecord) -> Self {
        let owner = r.owner.as_deref();
        let queue = r.queue();
        DossierItem {
            PK: keys::dossier(&r.code),
            SK: keys::META.into(),
            GSI1PK: owner.map(keys::owner_index),
            GSI1SK: owner.map(|_| keys::owner_sort(r.received_at, &r.code)),
            GSI2PK: queue.as_ref().map(|q| keys::queue(&r.agency, q)),
            GSI2SK: queue.map(|_| keys::queue_sort(r.due_at, &r.code)),
            GSI3PK: keys::register(&r.agency, r.received_at.date()),
            GSI3SK: keys::owner_sort(r.received_at, &r.code),
            version: r.version,
            record: r.clone(),
        }
    }
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct EventItem {
    PK: String,
    SK: String,
    event: Event,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct OutboxItem {
    PK: String,
    SK: String,
    code: DossierCode,
    seq: u32,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct IdempotencyItem {
    PK: String,
    SK: String,
    request_sha256: String,
    code: DossierCode,
    tracking_secret: String,
    /// None for a national-portal dossier's key, which must outlive any
    /// window: the portal may list the dossier again at any time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expires_at: Option<u64>,
}

pub(crate) type Item = HashMap<String, AttributeValue>;

/// The dossier records of items read from the table or an index.
pub(crate) fn records(items: Vec<Item>) -> Result<Vec<DossierRecord>, StoreError> {
    items
        .into_iter()
        .map(|item| serde_dynamo::from_item::<_, DossierItem>(item).map(|i| i.record))
        .collect::<Result<_, _>>()
        .map_err(StoreError::corrupt)
}

pub(crate) fn to_item<T: Serialize>(value: &T) -> Item {
    serde_dynamo::to_item(value).expect("records serialise to items")
}

pub(crate) fn put(table: &str, item: Item, condition: &str) -> TransactWriteItem {
    let put = Put::builder()
        .table_name(table)
        .set_item(Some(item))
        .condition_expression(condition)
        .build()
        .expect("table and item are set");
    TransactWriteItem::builder().put(put).build()
}

/// How long a repeated submission returns the first one's dossier.
const IDEMPOTENCY_WINDOW: Duration = Duration::from_secs(24 * 3600);
const SEQUENCE_ATTEMPTS: u32 = 40;

impl Store {
    fn event_items(&self, code: &DossierCode, event: &Event) -> Vec<TransactWriteItem> {
        let table = &self.settings.table;
        let outbox = |pk: &str| OutboxItem {
            PK: pk.to_owned(),
            SK: keys::outbox_entry(event.at, code, event.seq),
            code: code.clone(),
            seq: event.seq,
        };
        vec![
            put(
                table,
                to_item(&EventItem {
                    PK: keys::dossier(code),
                    SK: keys::event(event.seq),
                    event: event.clone(),
                }),
                "attribute_not_exists(PK)",
            ),
            put(
                table,
                to_item(&outbox(keys::OUTBOX_DVCQG)),
                "attribute_not_exists(PK)",
            ),
            put(
                table,
                to_item(&outbox(keys::OUTBOX_NOTIFY)),
                "attribute_not_exists(PK)",
            ),
        ]
    }

    /// Submits a dossier: issues the next code of its agency and day and
    /// writes the dossier, its opening event, the day's counter, the outbox
    /// records and the idempotency record in one transaction. With an
    /// idempotency key (and the SHA-256 of the request), a repeat returns the
    /// first dossier.
    /// A dossier received at the counter passes its `audit` record (its
    /// target is filled with the code issued) to be written with it. A
    /// dossier submitted on the national portal is its own idempotency key,
    /// one that never expires: taking it in twice returns the first.
    pub async fn submit(
        &self,
        new: NewDossier,
        idempotency: Option<(&str, &str)>,
        audit: Option<&AuditEntry>,
    ) -> Result<Submitted, StoreError> {
        let national_key = new
            .national
            .as_ref()
            .map(|origin| keys::national_intake(&origin.code));
        let idempotency = idempotency.or(national_key.as_deref().map(|key| (key, key)));
        let day = new.opening.at.date();
        let counter_key = keys::counter(&new.agency, day);
        let idempotency_owner = new.owner.clone().unwrap_or_default();
        // Before taking the turn: a repeat must not wait behind new dossiers.
        // One submitted meanwhile is caught by the transaction's condition.
        if let Some((key, request_sha256)) = idempotency
            && let Some(done) = self.replay(&idempotency_owner, key, request_sha256).await?
        {
            return Ok(done);
        }
        // One number at a time per process: the conditional write below keeps
        // the numbers right across processes; the turn keeps this one from
        // racing itself, and the value it last wrote spares a read.
        let lock = self.sequence_lock(&counter_key);
        let mut last_issued = lock.lock().await;
        for attempt in 0..SEQUENCE_ATTEMPTS {
            let current = match last_issued.take() {
                Some(known) => known,
                None => self.current_sequence(&counter_key).await?,
            };
            let sequence = current + 1;
            if sequence > MAX_DAILY_SEQUENCE {
                return Err(StoreError::SequenceExhausted(new.agency.to_string()));
            }
            let code =
                DossierCode::issue(&new.agency, day, sequence).map_err(StoreError::corrupt)?;
            let record = new.record(code.clone());
            let mut items = vec![self.counter_update(&counter_key, current, sequence)];
            items.push(put(
                &self.settings.table,
                to_item(&DossierItem::from(&record)),
                "attribute_not_exists(PK)",
            ));
            items.extend(self.event_items(&code, &new.opening));
            if let Some(audit) = audit {
                let mut audit = audit.clone();
                audit.target = code.to_string();
                items.push(put(
                    &self.settings.table,
                    to_item(&AuditItem::from(&audit)),
                    "attribute_not_exists(PK)",
                ));
            }
            if let Some((key, request_sha256)) = idempotency {
                let expires_at = new.national.is_none().then(|| {
                    SystemTime::now()
                        .duration_since(UNIX_EPOCH)
                        .unwrap_or_default()
                        .saturating_add(IDEMPOTENCY_WINDOW)
                        .as_secs()
                });
                let item = IdempotencyItem {
                    PK: keys::idempotency(&idempotency_owner, key),
                    SK: keys::META.into(),
                    request_sha256: request_sha256.to_owned(),
                    code: code.clone(),
                    tracking_secret: new.tracking_secret.clone(),
                    expires_at,
                };
                items.push(put(
                    &self.settings.table,
                    to_item(&item),
                    "attribute_not_exists(PK)",
                ));
            }
            let result = self
                .ddb
                .transact_write_items()
                .set_transact_items(Some(items))
                .send()
                .await;
            match result {
                Ok(_) => {
                    *last_issued = Some(sequence);
                    return Ok(Submitted {
                        record,
                        tracking_secret: new.tracking_secret,
                        replayed: false,
                    });
                }
                Err(e) => {
                    let reasons = cancellation_reasons(e.as_service_error());
                    let failed = |i: usize| {
                        reasons.get(i).map(String::as_str) == Some("ConditionalCheckFailed")
                    };
                    let idempotency_failed =
                        idempotency.is_some() && failed(reasons.len().saturating_sub(1));
                    if idempotency_failed && let Some((key, request_sha256)) = idempotency {
                        // Another process submitted the same request meanwhile.
                        return match self.replay(&idempotency_owner, key, request_sha256).await? {
                            Some(done) => Ok(done),
                            None => Err(StoreError::Contention(counter_key)),
                        };
                    }
                    if failed(0) || failed(1) {
                        // Another process issued this number first: take the next one.
                        let jitter = rand::rng().random_range(1..=20u64);
                        tokio::time::sleep(Duration::from_millis(
                            jitter * u64::from(attempt.min(10) + 1),
                        ))
                        .await;
                        continue;
                    }
                    return Err(StoreError::sdk(e));
                }
            }
        }
        Err(StoreError::Contention(counter_key))
    }

    /// Our dossier for one submitted on the national portal, if it was taken in.
    pub async fn national_dossier(
        &self,
        code: &NationalDossierCode,
    ) -> Result<Option<DossierCode>, StoreError> {
        let done = self
            .idempotency_record("", &keys::national_intake(code))
            .await?;
        Ok(done.map(|d| d.code))
    }

    async fn replay(
        &self,
        owner: &str,
        key: &str,
        request_sha256: &str,
    ) -> Result<Option<Submitted>, StoreError> {
        let Some(done) = self.idempotency_record(owner, key).await? else {
            return Ok(None);
        };
        if done.request_sha256 != request_sha256 {
            return Err(StoreError::IdempotencyMismatch);
        }
        let record = self.get_record(&done.code).await?;
        Ok(Some(Submitted {
            record,
            tracking_secret: done.tracking_secret,
            replayed: true,
        }))
    }

    async fn idempotency_record(
        &self,
        owner: &str,
        key: &str,
    ) -> Result<Option<IdempotencyItem>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::idempotency(owner, key)))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        item.map(serde_dynamo::from_item)
            .transpose()
            .map_err(StoreError::corrupt)
    }

    async fn current_sequence(&self, counter_key: &str) -> Result<u32, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(counter_key.to_owned()))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        match item.as_ref().and_then(|i| i.get("seq")) {
            None => Ok(0),
            Some(AttributeValue::N(n)) => n.parse().map_err(StoreError::corrupt),
            Some(other) => Err(StoreError::corrupt(format!(
                "counter {counter_key} holds {other:?}"
            ))),
        }
    }

    fn counter_update(&self, counter_key: &str, current: u32, next: u32) -> TransactWriteItem {
        let update = Update::builder()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(counter_key.to_owned()))
            .key("SK", AttributeValue::S(keys::META.into()))
            .update_expression("SET seq = :next")
            .expression_attribute_values(":next", AttributeValue::N(next.to_string()));
        let update = if current == 0 {
            update.condition_expression("attribute_not_exists(seq)")
        } else {
            update
                .condition_expression("seq = :current")
                .expression_attribute_values(":current", AttributeValue::N(current.to_string()))
        };
        TransactWriteItem::builder()
            .update(update.build().expect("table, key and expression are set"))
            .build()
    }

    /// The dossier item alone (one `GetItem`).
    pub async fn get_record(&self, code: &DossierCode) -> Result<DossierRecord, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::dossier(code)))
            .key("SK", AttributeValue::S(keys::META.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item
            .ok_or(StoreError::NotFound)?;
        let item: DossierItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
        Ok(item.record)
    }

    /// The dossier and its whole history, in one `Query`.
    pub async fn load(
        &self,
        code: &DossierCode,
    ) -> Result<(DossierRecord, Vec<Event>), StoreError> {
        let (record, events, _) = self.load_for_sync(code).await?;
        Ok((record, events))
    }

    /// `load`, and whether the dossier's national-portal sync is held
    /// behind a dead letter (read in the same `Query`).
    pub async fn load_for_sync(
        &self,
        code: &DossierCode,
    ) -> Result<(DossierRecord, Vec<Event>, bool), StoreError> {
        let mut record = None;
        let mut events = Vec::new();
        let mut held = false;
        for item in self.partition(keys::dossier(code)).await? {
            let sk = item
                .get("SK")
                .and_then(|v| v.as_s().ok())
                .cloned()
                .unwrap_or_default();
            if sk == keys::META {
                let item: DossierItem =
                    serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                record = Some(item.record);
            } else if sk.starts_with("EVENT#") {
                let item: EventItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                events.push(item.event);
            } else if sk == keys::SYNC_HELD {
                held = true;
            }
        }
        Ok((record.ok_or(StoreError::NotFound)?, events, held))
    }

    /// Every item of partition `pk`, read consistently, page after page.
    pub(crate) async fn partition(&self, pk: String) -> Result<Vec<Item>, StoreError> {
        let mut items = Vec::new();
        let mut start: Option<Item> = None;
        loop {
            let out = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(pk.clone()))
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            items.extend(out.items.unwrap_or_default());
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(items);
            }
        }
    }

    /// `load_for_sync` for many dossiers in a few batch reads instead of a
    /// `Query` each: first every dossier item and hold marker, then events
    /// 1 to `version` of each (every change writes one event and bumps the
    /// version by one). A dossier that is not there, or whose events do not
    /// come back as exactly that run, is left out: the caller loads it alone.
    pub async fn load_many_for_sync(
        &self,
        codes: &[DossierCode],
    ) -> Result<HashMap<DossierCode, (DossierRecord, Vec<Event>, bool)>, StoreError> {
        let heads = codes
            .iter()
            .flat_map(|code| {
                let pk = keys::dossier(code);
                [
                    (pk.clone(), keys::META.to_owned()),
                    (pk, keys::SYNC_HELD.to_owned()),
                ]
            })
            .collect();
        let mut records = HashMap::new();
        let mut held = std::collections::HashSet::new();
        for item in self.batch_get(heads).await? {
            let sk = item.get("SK").and_then(|v| v.as_s().ok());
            if sk.map(String::as_str) == Some(keys::SYNC_HELD) {
                if let Some(pk) = item.get("PK").and_then(|v| v.as_s().ok()) {
                    held.insert(pk.clone());
                }
                continue;
            }
            let item: DossierItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
            records.insert(item.record.code.clone(), item.record);
        }
        let event_keys = records
            .values()
            .flat_map(|r| {
                let pk = keys::dossier(&r.code);
                (1..=r.version).map(move |seq| (pk.clone(), keys::event(seq as u32)))
            })
            .collect();
        let mut events: HashMap<String, Vec<Event>> = HashMap::new();
        for item in self.batch_get(event_keys).await? {
            let item: EventItem = serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
            events.entry(item.PK).or_default().push(item.event);
        }
        Ok(records
            .into_iter()
            .filter_map(|(code, record)| {
                let pk = keys::dossier(&code);
                let mut history = events.remove(&pk).unwrap_or_default();
                history.sort_by_key(|e| e.seq);
                let whole = history.len() as u64 == record.version
                    && history.iter().zip(1..).all(|(e, seq)| e.seq == seq);
                whole.then(|| (code, (record, history, held.contains(&pk))))
            })
            .collect())
    }

    /// Writes a change: the dossier item as it is now (its version one more
    /// than the version it was read at) and the event that made it, with the
    /// outbox records and, for an official's action, its audit record.
    /// Fails with `Conflict` if someone changed the dossier meanwhile.
    pub async fn record_change(
        &self,
        record: &DossierRecord,
        event: &Event,
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let item = to_item(&DossierItem::from(record));
        let events = self.event_items(&record.code, event);
        if self
            .write_versioned(item, record.version, events, audit)
            .await?
        {
            Ok(())
        } else {
            let current = self.get_record(&record.code).await?.version;
            Err(StoreError::Conflict { current })
        }
    }

    /// Writes `item` (a record as it is now, at `version`, one more than the
    /// version it was read at) with `more` items and, for an official's
    /// move, its audit record, in one transaction. `Ok(false)` when someone
    /// changed the record first (its version moved, or a transaction on it
    /// was under way): the caller says so with the record's current state.
    pub(crate) async fn write_versioned(
        &self,
        item: Item,
        version: u64,
        more: Vec<TransactWriteItem>,
        audit: Option<&AuditEntry>,
    ) -> Result<bool, StoreError> {
        let based_on = version
            .checked_sub(1)
            .ok_or_else(|| StoreError::corrupt("version 0"))?;
        let meta = Put::builder()
            .table_name(&self.settings.table)
            .set_item(Some(item))
            .condition_expression("version = :based_on")
            .expression_attribute_values(":based_on", AttributeValue::N(based_on.to_string()))
            .build()
            .expect("table and item are set");
        let mut items = vec![TransactWriteItem::builder().put(meta).build()];
        items.extend(more);
        if let Some(audit) = audit {
            items.push(put(
                &self.settings.table,
                to_item(&AuditItem::from(audit)),
                "attribute_not_exists(PK)",
            ));
        }
        let result = self
            .ddb
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) => {
                let reasons = cancellation_reasons(e.as_service_error());
                let lost = reasons
                    .iter()
                    .any(|r| r == "ConditionalCheckFailed" || r == "TransactionConflict");
                if lost {
                    Ok(false)
                } else {
                    Err(StoreError::sdk(e))
                }
            }
        }
    }

    /// Writes dossier records as they are, without events or outbox
    /// records: bringing over the register of a previous one-stop system,
    /// and filling tables for benchmarks.
    pub async fn import_records(&self, records: &[DossierRecord]) -> Result<(), StoreError> {
        let items = records
            .iter()
            .map(|r| to_item(&DossierItem::from(r)))
            .collect();
        self.batch_put(items).await
    }

    /// One page of `owner`'s dossiers, newest first (one `Query`).
    pub async fn list_by_owner(
        &self,
        owner: &str,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<DossierPage, StoreError> {
        let partition = keys::owner_index(owner);
        let start = cursor.map(|c| decode_cursor(c, &partition)).transpose()?;
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .index_name("GSI1")
            .key_condition_expression("GSI1PK = :owner")
            .expression_attribute_values(":owner", AttributeValue::S(partition))
            .scan_index_forward(false)
            .limit(i32::from(limit.clamp(1, 100)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(DossierPage {
            items: records(out.items.unwrap_or_default())?,
            next: out.last_evaluated_key.map(|k| encode_cursor(&k)),
        })
    }
}

pub(crate) fn cancellation_reasons(error: Option<&TransactWriteItemsError>) -> Vec<String> {
    match error {
        Some(TransactWriteItemsError::TransactionCanceledException(e)) => e
            .cancellation_reasons()
            .iter()
            .map(|r| r.code().unwrap_or("None").to_owned())
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn encode_cursor(key: &Item) -> String {
    let plain: HashMap<&str, &str> = key
        .iter()
        .filter_map(|(k, v)| v.as_s().ok().map(|s| (k.as_str(), s.as_str())))
        .collect();
    URL_SAFE_NO_PAD.encode(serde_json::to_vec(&plain).expect("strings serialise"))
}

fn decode_cursor(cursor: &str, partition: &str) -> Result<Item, StoreError> {
    decode_index_cursor(cursor, "GSI1", partition)
}

/// A cursor is only accepted for the partition (of `index`, or of the table
/// when `index` is empty) it was issued for, so it cannot be used to read
/// someone else's list.
pub(crate) fn decode_index_cursor(
    cursor: &str,
    index: &str,
    partition: &str,
) -> Result<Item, StoreError> {
    let bad = || StoreError::BadCursor;
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let plain: HashMap<String, String> = serde_json::from_slice(&bytes).map_err(|_| bad())?;
    let (pk, sk) = (format!("{index}PK"), format!("{index}SK"));
    let mut allowed = vec!["PK", "SK"];
    if !index.is_empty() {
        allowed.extend([pk.as_str(), sk.as_str()]);
    }
    if plain.len() != allowed.len() || !plain.keys().all(|k| allowed.contains(&k.as_str())) {
        return Err(bad());
    }
    if plain.get(&pk).map(String::as_str) != Some(partition) {
        return Err(bad());
    }
    Ok(plain
        .into_iter()
        .map(|(k, v)| (k, AttributeValue::S(v)))
        .collect())
}
