//! Feedback and petitions (phản ánh, kiến nghị — PAKN): submission in one
//! transaction under a random code that the condition keeps unique,
//! loading with one query, the agency's queues (GSI2) and the month's
//! register (GSI3) for statistics, and later moves under optimistic
//! concurrency with the official's audit record in the same transaction.
//! The rules (what may happen when, the deadlines) are `domain::petition`'s;
//! the record only keeps what they gave, so lists need no replay.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    AgencyCode, Email, NationalPetitionCode, PetitionAction, PetitionCode, PetitionEvent,
    PetitionKind, PetitionProgress, PetitionStage, PetitionTopic, PhoneNumber, ProcedureCode,
    WorkingCalendar, mask_personal_data,
};
use serde::{Deserialize, Serialize};

use crate::attachments::StoredFile;
use crate::audit::AuditEntry;
use crate::cases::{Case, CasePage, NationalSyncEntry, Opened, OpeningKey, secret_matches};
use crate::dossiers::{Item, put, secret_hash, to_item};
use crate::error::StoreError;
use crate::outbox::deletes;
use crate::{Store, keys};

/// Who sent it and how to reach them; the agency answers to this person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionContact {
    pub name: String,
    pub phone: PhoneNumber,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub address: Option<String>,
}

/// Everything kept on the petition item, so that queues and the month's
/// register never need one call per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionRecord {
    pub code: PetitionCode,
    pub agency: AgencyCode,
    pub kind: PetitionKind,
    pub about: PetitionTopic,
    /// The procedure's name as the catalogue had it, when it is about one.
    #[serde(default)]
    pub procedure_name: Option<String>,
    pub title: String,
    pub content: String,
    pub contact: PetitionContact,
    /// The identity-provider subject of the account it was sent from, if
    /// the sender was signed in.
    #[serde(default)]
    pub owner: Option<String>,
    pub files: Vec<StoredFile>,
    /// The sender's answer to "may the answer be published on the site?".
    pub publish_consent: bool,
    /// SHA-256 (hex) of the tracking secret given to the sender.
    pub tracking_secret_sha256: String,
    pub received_at: NaiveDateTime,
    pub stage: PetitionStage,
    /// When the current round's answer is due, as it stood at the last move
    /// (the clock stands still while the sender's information is awaited).
    pub answer_by: NaiveDateTime,
    /// Set while a consented answer exists.
    #[serde(default)]
    pub publish_by: Option<NaiveDateTime>,
    #[serde(default)]
    pub published: bool,
    /// 1, plus one per reopening.
    pub rounds: u32,
    /// Whether the current round was refused or answered in time (QĐ 766);
    /// `None` while it is open.
    #[serde(default)]
    pub on_time: Option<bool>,
    /// The agency's classification, once an official gave one.
    #[serde(default)]
    pub category: Option<String>,
    /// The answer that stands (the current round's), once answered.
    #[serde(default)]
    pub answer: Option<RecordedAnswer>,
    /// When the last move was made.
    pub last_moved_at: NaiveDateTime,
    /// Bumped by every move; a move names the version it was based on.
    pub version: u64,
    /// For a petition sent on the national portal: the portal keeps it,
    /// and hears of its result only (`DongBoKetQuaPAKN`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub national: Option<NationalPetition>,
}

/// A petition sent on the national portal, as the portal knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NationalPetition {
    /// The portal's code (`MaPAKN` there).
    pub code: NationalPetitionCode,
    /// The field it was filed under there (`MaLinhVuc`), if any.
    #[serde(default)]
    pub field: Option<String>,
}

/// What the national portal must hear of a petition's step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionPacket {
    /// `DongBoPAKN`: a petition received here, as it stands.
    Petition,
    /// `DongBoKetQuaPAKN`: its result (the answer, or the refusal).
    Result,
}

/// Where a published answer is on the site, `/phan-anh-kien-nghi/<code in
/// lower case>/`: the page the `publish` crate writes for it.
pub fn published_petition_path(code: &PetitionCode) -> String {
    format!(
        "/phan-anh-kien-nghi/{}/",
        code.as_str().to_ascii_lowercase()
    )
}

/// An answer as the record keeps it: its text and when it was given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedAnswer {
    pub text: String,
    pub at: NaiveDateTime,
}

/// A published answer as the site shows it: the public record the
/// `publish` crate reads (partition `PAKN#PUBLISHED`), written with the
/// move that publishes it and deleted with the reopening that withdraws it.
/// It holds nothing of the sender — no name, contact, address, account,
/// files or tracking secret, no dossier code — and its texts went through
/// `domain::mask_personal_data` (the sender's own details, phone and
/// identity numbers, e-mail addresses); the rest of what the texts say is
/// for the official who publishes to check first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedPetition {
    pub code: PetitionCode,
    pub agency: AgencyCode,
    pub kind: PetitionKind,
    /// "Thủ tục hành chính", "Hồ sơ", "Cơ quan, đơn vị".
    pub about_label: String,
    /// The procedure it is about, if one: its code and name.
    #[serde(default)]
    pub procedure: Option<(ProcedureCode, String)>,
    #[serde(default)]
    pub category: Option<String>,
    pub title: String,
    pub content: String,
    pub answer: String,
    pub received_at: NaiveDateTime,
    pub answered_at: NaiveDateTime,
    pub published_at: NaiveDateTime,
}

impl PublishedPetition {
    /// The public record of `record`'s answer, published at `at`; `None`
    /// while there is no answer to publish.
    pub fn of(record: &PetitionRecord, at: NaiveDateTime) -> Option<Self> {
        let answer = record.answer.as_ref()?;
        let c = &record.contact;
        let phone = c.phone.to_string();
        let known: Vec<&str> = [Some(c.name.as_str()), Some(phone.as_str())]
            .into_iter()
            .chain([c.email.as_ref().map(Email::as_str), c.address.as_deref()])
            .flatten()
            .collect();
        let mask = |text: &str| mask_personal_data(text, &known);
        Some(PublishedPetition {
            code: record.code.clone(),
            agency: record.agency.clone(),
            kind: record.kind,
            about_label: record.about.label_vi().to_owned(),
            procedure: match &record.about {
                PetitionTopic::Procedure { code } => Some((
                    code.clone(),
                    record
                        .procedure_name
                        .clone()
                        .unwrap_or_else(|| code.to_string()),
                )),
                _ => None,
            },
            category: record.category.as_deref().map(mask),
            title: mask(&record.title),
            content: mask(&record.content),
            answer: mask(&answer.text),
            received_at: record.received_at,
            answered_at: answer.at,
            published_at: at,
        })
    }

    /// Its page on the site.
    pub fn path(&self) -> String {
        published_petition_path(&self.code)
    }
}

/// The agency's lists of petitions, each one partition of GSI2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PetitionQueue {
    /// To refuse, ask about or answer; by the answer's due time.
    Open,
    /// Waiting for the sender's information; by when it was asked for.
    Waiting,
    /// Answered with the sender's consent, not yet on the site; by the
    /// publication's due time.
    Publish,
}

impl PetitionRecord {
    /// The packet the national portal must get for step `action` (`None`:
    /// the receipt). A petition received here goes there with each change
    /// of its state, and its result; one sent there is the portal's, which
    /// hears of its result only. Publishing on our site is ours alone.
    pub fn national_sync(&self, action: Option<PetitionAction>) -> Option<PetitionPacket> {
        use PetitionAction as A;
        match (&self.national, action) {
            (_, Some(A::Refuse | A::Answer)) => Some(PetitionPacket::Result),
            (Some(_), _) | (None, Some(A::Publish)) => None,
            (None, None | Some(A::RequestInfo | A::ProvideInfo | A::Reopen)) => {
                Some(PetitionPacket::Petition)
            }
        }
    }

    /// The list the petition is in now and its place there; `None` once
    /// refused, or answered with nothing left to publish.
    pub fn queue(&self) -> Option<(PetitionQueue, NaiveDateTime)> {
        match self.stage {
            PetitionStage::Received => Some((PetitionQueue::Open, self.answer_by)),
            PetitionStage::InfoRequested => Some((PetitionQueue::Waiting, self.last_moved_at)),
            PetitionStage::Answered => self
                .publish_by
                .filter(|_| !self.published)
                .map(|by| (PetitionQueue::Publish, by)),
            PetitionStage::Refused => None,
        }
    }

    /// Brings the record in line with `progress` after a move made at
    /// `now`: stage, deadlines, publication, timeliness, the next version.
    pub fn follow(
        &mut self,
        progress: &PetitionProgress,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let deadlines = progress
            .deadlines(calendar, now)
            .map_err(StoreError::corrupt)?;
        self.stage = progress.stage();
        self.answer_by = deadlines.answer_by;
        self.publish_by = deadlines.publish_by;
        self.published = progress.is_published();
        self.rounds = progress.rounds();
        self.on_time = progress
            .handled_on_time(calendar)
            .map_err(StoreError::corrupt)?;
        self.answer = progress.answer().map(|e| RecordedAnswer {
            text: e.note.clone().unwrap_or_default(),
            at: e.at,
        });
        self.last_moved_at = progress.events().last().map_or(now, |e| e.at);
        self.version += 1;
        Ok(())
    }

    /// Whether `secret` is this petition's tracking secret.
    pub fn holds_secret(&self, secret: &str) -> bool {
        secret_matches(&self.tracking_secret_sha256, secret)
    }
}

/// One step of a petition's history, with the official who made it (none
/// for the sender's own steps and for the receipt).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionStep {
    pub event: PetitionEvent,
    #[serde(default)]
    pub official: Option<String>,
    #[serde(default)]
    pub official_name: Option<String>,
}

/// A petition about to be sent; the store gives it its code.
#[derive(Debug, Clone)]
pub struct NewPetition {
    pub agency: AgencyCode,
    pub kind: PetitionKind,
    pub about: PetitionTopic,
    pub procedure_name: Option<String>,
    pub title: String,
    pub content: String,
    pub contact: PetitionContact,
    pub owner: Option<String>,
    pub files: Vec<StoredFile>,
    pub publish_consent: bool,
    /// Only its hash is kept on the petition; the secret itself only for
    /// the idempotency window, so that a repeat can hand it out again.
    pub tracking_secret: String,
    /// The receipt (seq 1); its time is the receipt time.
    pub opening: PetitionEvent,
    /// The first round's answer deadline.
    pub answer_by: NaiveDateTime,
    /// Set for a petition sent on the national portal; see `PetitionRecord`.
    pub national: Option<NationalPetition>,
}

impl NewPetition {
    fn record(&self, code: PetitionCode) -> PetitionRecord {
        PetitionRecord {
            code,
            agency: self.agency.clone(),
            kind: self.kind,
            about: self.about.clone(),
            procedure_name: self.procedure_name.clone(),
            title: self.title.clone(),
            content: self.content.clone(),
            contact: self.contact.clone(),
            owner: self.owner.clone(),
            files: self.files.clone(),
            publish_consent: self.publish_consent,
            tracking_secret_sha256: secret_hash(&self.tracking_secret),
            received_at: self.opening.at,
            stage: self.opening.to,
            answer_by: self.answer_by,
            publish_by: None,
            published: false,
            rounds: 1,
            on_time: None,
            category: None,
            answer: None,
            last_moved_at: self.opening.at,
            version: 1,
            national: self.national.clone(),
        }
    }
}

pub type PetitionSubmitted = Opened<PetitionRecord>;

pub type PetitionPage = CasePage<PetitionRecord>;

/// The petition item; GSI1 keys only when sent from an account, GSI2 keys
/// only while it is in a queue (both sparse).
#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct PetitionItem {
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
    record: PetitionRecord,
}

impl From<&PetitionRecord> for PetitionItem {
    fn from(r: &PetitionRecord) -> Self {
        let queue = r.queue();
        let owner = r.owner.as_deref();
        PetitionItem {
            PK: keys::petition(&r.code),
            SK: keys::META.into(),
            GSI1PK: owner.map(keys::petition_owner_index),
            GSI1SK: owner.map(|_| keys::petition_sort(r.received_at, &r.code)),
            GSI2PK: queue.map(|(q, _)| keys::petition_queue(&r.agency, q)),
            GSI2SK: queue.map(|(_, at)| keys::petition_sort(at, &r.code)),
            GSI3PK: keys::petition_register(&r.agency, r.received_at.date()),
            GSI3SK: keys::petition_sort(r.received_at, &r.code),
            version: r.version,
            record: r.clone(),
        }
    }
}

/// A message owed to a petition's sender about step `seq` (partition
/// `OUTBOX#NOTIFY#PAKN`), written in the transaction of the step; whether
/// the step is news to the sender is `notify::compose_petition`'s to say.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct PetitionNotice {
    #[serde(rename = "SK")]
    sort_key: String,
    pub code: PetitionCode,
    pub seq: u32,
}

#[derive(Serialize)]
#[allow(non_snake_case)]
struct NoticeItem {
    PK: String,
    SK: String,
    code: PetitionCode,
    seq: u32,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct PublishedItem {
    PK: String,
    SK: String,
    published: PublishedPetition,
}

/// A pending PAKN packet for the national portal (partition
/// `OUTBOX#DVCQG#PAKN`), written with the step that calls for it
/// (`PetitionRecord::national_sync`).
pub type PetitionSyncEntry = NationalSyncEntry<PetitionCode, PetitionPacket>;

impl Case for PetitionRecord {
    type Code = PetitionCode;
    type Step = PetitionStep;
    const CODES: &'static str = "petition codes";

    fn issue_code(day: NaiveDate, random: u64) -> Result<PetitionCode, StoreError> {
        PetitionCode::issue(day, random).map_err(StoreError::corrupt)
    }
    fn partition(code: &PetitionCode) -> String {
        keys::petition(code)
    }
    fn idempotency_partition(scope: &str, key: &str) -> String {
        keys::petition_idempotency(scope, key)
    }
    fn item(&self) -> Item {
        to_item(&PetitionItem::from(self))
    }
    fn step_seq(step: &PetitionStep) -> u32 {
        step.event.seq
    }
    fn code(&self) -> &PetitionCode {
        &self.code
    }
    fn version(&self) -> u64 {
        self.version
    }
}

impl Store {
    /// The items every step of a petition writes: the step, the message
    /// owed to its sender and, when the national portal must hear of it,
    /// its packet's outbox entry.
    fn step_items(&self, record: &PetitionRecord, step: &PetitionStep) -> Vec<TransactWriteItem> {
        let event = &step.event;
        let code = &record.code;
        let mut items = vec![
            self.case_step_item::<PetitionRecord>(code, step),
            put(
                &self.settings.table,
                to_item(&NoticeItem {
                    PK: keys::OUTBOX_NOTIFY_PETITIONS.into(),
                    SK: keys::petition_outbox_entry(event.at, code, event.seq),
                    code: code.clone(),
                    seq: event.seq,
                }),
                "attribute_not_exists(PK)",
            ),
        ];
        if let Some(packet) = record.national_sync(event.action) {
            items.push(self.national_sync_item(
                keys::OUTBOX_DVCQG_PETITIONS,
                event.at,
                code,
                event.seq,
                packet,
            ));
        }
        items
    }

    /// Sends a petition: draws a code and writes the petition, its receipt
    /// and the idempotency record in one transaction whose conditions keep
    /// the code unique (a code already taken is drawn again). With an
    /// idempotency key — scoped to `scope`, the sender's account or contact
    /// — and the SHA-256 of the request, a repeat returns the first petition.
    /// A petition from the national portal is its own key (its code there),
    /// one that never expires: taking it in twice returns the first.
    pub async fn submit_petition(
        &self,
        new: NewPetition,
        idempotency: Option<(&str, &str, &str)>,
    ) -> Result<PetitionSubmitted, StoreError> {
        let national = new
            .national
            .as_ref()
            .map(|n| keys::national_petition(&n.code));
        let key = OpeningKey::new(national, idempotency);
        let receipt = PetitionStep {
            event: new.opening.clone(),
            official: None,
            official_name: None,
        };
        self.open_case(new.opening.at.date(), &new.tracking_secret, key, |code| {
            let record = new.record(code);
            let items = self.step_items(&record, &receipt);
            (record, items)
        })
        .await
    }

    /// Our petition for one the national portal listed, if it was taken in
    /// (one `GetItem`).
    pub async fn national_petition(
        &self,
        code: &NationalPetitionCode,
    ) -> Result<Option<PetitionCode>, StoreError> {
        self.national_case::<PetitionRecord>(&keys::national_petition(code))
            .await
    }

    /// The petition and its whole history, in one `Query`.
    pub async fn load_petition(
        &self,
        code: &PetitionCode,
    ) -> Result<(PetitionRecord, Vec<PetitionStep>), StoreError> {
        self.load_case::<PetitionRecord>(code).await
    }

    /// Writes a move: the petition as it is now (its version one more than
    /// the version it was read at), the step that made it, the message owed
    /// to the sender, the public record a publication writes or a reopening
    /// withdraws, and, for an official's move, its audit record — one
    /// transaction. Fails with `Conflict` if someone moved the petition
    /// meanwhile.
    pub async fn record_petition_change(
        &self,
        record: &PetitionRecord,
        step: &PetitionStep,
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let mut steps = self.step_items(record, step);
        match step.event.action {
            Some(PetitionAction::Publish) => {
                let published = PublishedPetition::of(record, step.event.at)
                    .ok_or_else(|| StoreError::corrupt("published without an answer"))?;
                let put = Put::builder()
                    .table_name(&self.settings.table)
                    .set_item(Some(to_item(&PublishedItem {
                        PK: keys::PUBLISHED_PETITIONS.into(),
                        SK: record.code.to_string(),
                        published,
                    })))
                    .build()
                    .expect("table and item are set");
                steps.push(TransactWriteItem::builder().put(put).build());
            }
            // The answer that did not solve it leaves the site until the
            // next one is published.
            Some(PetitionAction::Reopen) => {
                let delete = Delete::builder()
                    .table_name(&self.settings.table)
                    .key("PK", AttributeValue::S(keys::PUBLISHED_PETITIONS.into()))
                    .key("SK", AttributeValue::S(record.code.to_string()))
                    .build()
                    .expect("table and key are set");
                steps.push(TransactWriteItem::builder().delete(delete).build());
            }
            _ => {}
        }
        self.record_case_change(record, steps, audit).await
    }

    /// One page of an agency's petition queue, soonest first (one `Query`);
    /// with `due_before`, only those due before it (a key range, not a filter).
    pub async fn petition_queue(
        &self,
        agency: &AgencyCode,
        queue: PetitionQueue,
        due_before: Option<NaiveDateTime>,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<PetitionPage, StoreError> {
        self.case_page(
            "GSI2",
            keys::petition_queue(agency, queue),
            due_before.map(keys::stamp),
            false,
            limit,
            cursor,
        )
        .await
    }

    /// One page of the petitions sent from `owner`'s account, newest first
    /// (one `Query`).
    pub async fn petitions_by_owner(
        &self,
        owner: &str,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<PetitionPage, StoreError> {
        self.case_page(
            "GSI1",
            keys::petition_owner_index(owner),
            None,
            true,
            limit,
            cursor,
        )
        .await
    }

    /// Every published answer, whatever its agency: one `Query` per 1 MB
    /// page of partition `PAKN#PUBLISHED` (published answers are few, and
    /// the site is the deployment's whole).
    pub async fn published_petitions(&self) -> Result<Vec<PublishedPetition>, StoreError> {
        self.partition(keys::PUBLISHED_PETITIONS.into())
            .await?
            .into_iter()
            .map(|item| {
                serde_dynamo::from_item::<_, PublishedItem>(item)
                    .map(|i| i.published)
                    .map_err(StoreError::corrupt)
            })
            .collect()
    }

    /// The oldest pending PAKN packets for the national portal, at most
    /// `limit` (one `Query`).
    pub async fn pending_petition_sync(
        &self,
        limit: u16,
    ) -> Result<Vec<PetitionSyncEntry>, StoreError> {
        self.pending_national_sync(keys::OUTBOX_DVCQG_PETITIONS, limit)
            .await
    }

    /// The oldest messages owed to petitions' senders, at most `limit` (one
    /// `Query`).
    pub async fn pending_petition_notices(
        &self,
        limit: u16,
    ) -> Result<Vec<PetitionNotice>, StoreError> {
        let (notices, _) = self
            .entries_page(
                keys::OUTBOX_NOTIFY_PETITIONS,
                i32::from(limit.clamp(1, 1000)),
                None,
            )
            .await?;
        Ok(notices)
    }

    /// Marks messages sent (or not worth sending).
    pub async fn remove_petition_notices(
        &self,
        notices: &[PetitionNotice],
    ) -> Result<(), StoreError> {
        self.batch_write(deletes(
            keys::OUTBOX_NOTIFY_PETITIONS,
            notices.iter().map(|n| n.sort_key.as_str()),
        ))
        .await
    }

    /// The petitions `agency` received in the month of `day`, in order of
    /// receipt: one `Query` per 1 MB page.
    pub async fn petitions_of_month(
        &self,
        agency: &AgencyCode,
        day: NaiveDate,
    ) -> Result<Vec<PetitionRecord>, StoreError> {
        self.all_cases("GSI3", &keys::petition_register(agency, day), false)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn record(stage: PetitionStage) -> PetitionRecord {
        let new = NewPetition {
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            kind: PetitionKind::Feedback,
            about: PetitionTopic::Agency,
            procedure_name: None,
            title: "Tiêu đề".into(),
            content: "Nội dung".into(),
            contact: PetitionContact {
                name: "Nguyễn Văn An".into(),
                phone: PhoneNumber::parse("0912345678").unwrap(),
                email: None,
                address: None,
            },
            owner: None,
            files: Vec::new(),
            publish_consent: true,
            tracking_secret: "bi-mat".into(),
            opening: PetitionEvent {
                seq: 1,
                at: at(1, 9),
                action: None,
                to: PetitionStage::Received,
                note: None,
            },
            answer_by: at(22, 9),
            national: None,
        };
        let mut r = new.record(PetitionCode::parse("PAKN-260601-7KMQ4X").unwrap());
        r.stage = stage;
        r
    }

    #[test]
    fn a_petition_is_queued_while_the_agency_or_the_sender_owes_a_move() {
        let open = record(PetitionStage::Received);
        assert_eq!(open.queue(), Some((PetitionQueue::Open, at(22, 9))));
        let item = PetitionItem::from(&open);
        assert_eq!(item.GSI2PK.as_deref(), Some("QUEUE#000.00.01.H29#PAKN"));
        assert_eq!(
            item.GSI2SK.as_deref(),
            Some("2026-06-22T09:00:00#PAKN-260601-7KMQ4X")
        );
        assert_eq!(item.GSI3PK, "PAKN#000.00.01.H29#2026-06");
        assert!(item.GSI1PK.is_none(), "sent without an account");
        let mut owned = open.clone();
        owned.owner = Some("citizen-1".into());
        let item = PetitionItem::from(&owned);
        // Beside the owner's dossiers (`OWNER#<hash>`), never among them.
        assert_eq!(
            item.GSI1PK,
            Some(format!("{}#PAKN", keys::owner_index("citizen-1")))
        );
        assert_eq!(
            item.GSI1SK.as_deref(),
            Some("2026-06-01T09:00:00#PAKN-260601-7KMQ4X")
        );

        let mut waiting = record(PetitionStage::InfoRequested);
        waiting.last_moved_at = at(2, 9);
        assert_eq!(waiting.queue(), Some((PetitionQueue::Waiting, at(2, 9))));

        let mut answered = record(PetitionStage::Answered);
        assert_eq!(answered.queue(), None, "nothing to publish yet");
        answered.publish_by = Some(at(5, 17));
        assert_eq!(answered.queue(), Some((PetitionQueue::Publish, at(5, 17))));
        answered.published = true;
        assert_eq!(answered.queue(), None);
        assert!(PetitionItem::from(&answered).GSI2PK.is_none());

        assert_eq!(record(PetitionStage::Refused).queue(), None);
    }

    #[test]
    fn the_national_portal_hears_of_a_local_petitions_states_and_of_every_result() {
        use PetitionAction as A;
        let local = record(PetitionStage::Received);
        for (action, packet) in [
            (None, Some(PetitionPacket::Petition)),
            (Some(A::RequestInfo), Some(PetitionPacket::Petition)),
            (Some(A::ProvideInfo), Some(PetitionPacket::Petition)),
            (Some(A::Answer), Some(PetitionPacket::Result)),
            (Some(A::Refuse), Some(PetitionPacket::Result)),
            (Some(A::Publish), None),
            (Some(A::Reopen), Some(PetitionPacket::Petition)),
        ] {
            assert_eq!(local.national_sync(action), packet, "{action:?}");
        }
        let mut national = local.clone();
        national.national = Some(NationalPetition {
            code: NationalPetitionCode::parse("PAKN-2026-000123").unwrap(),
            field: None,
        });
        assert_eq!(national.national_sync(None), None, "the portal has it");
        assert_eq!(
            national.national_sync(Some(A::Answer)),
            Some(PetitionPacket::Result)
        );
        assert_eq!(national.national_sync(Some(A::RequestInfo)), None);
    }

    #[test]
    fn only_the_secret_given_opens_it() {
        let r = record(PetitionStage::Received);
        assert!(r.holds_secret("bi-mat"));
        assert!(!r.holds_secret("bi-mat "));
        assert!(!r.holds_secret(""));
    }
}
