//! Questions and answers (hỏi đáp): a question is asked in one transaction
//! under a random code that the condition keeps unique (with its
//! idempotency record: a repeat, or a question the national portal lists
//! again, returns the first); loaded with one query; moved under
//! optimistic concurrency with the official's audit record and, where the
//! national portal must hear of it, its outbox entry, in the same
//! transaction. The agency's lists are GSI2 partitions (unanswered;
//! answered but not published), and every published answer of the
//! deployment is one GSI3 partition, newest first, which the site's
//! publication reads. The rules are `domain::question`'s.

use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    AgencyCode, Asker, NationalQuestionId, Question, QuestionAction, QuestionCode, QuestionEvent,
    QuestionOrigin, QuestionProgress, QuestionStage, QuestionTopic,
};
use serde::{Deserialize, Serialize};

use crate::audit::AuditEntry;
use crate::cases::{Case, CasePage, NationalSyncEntry, Opened, OpeningKey, secret_matches};
use crate::dossiers::{Item, secret_hash, to_item};
use crate::error::StoreError;
use crate::{Store, keys};

/// The answer as it stands, with who gave it (the national portal is told
/// the answerer's name and title).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredAnswer {
    pub text: String,
    pub at: NaiveDateTime,
    pub official_name: String,
    /// What the official is, as the answer is signed (`Role::label_vi`).
    pub official_title: String,
}

/// Everything kept on the question item, so that lists and the
/// publication never need one call per row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionRecord {
    pub code: QuestionCode,
    pub agency: AgencyCode,
    pub about: QuestionTopic,
    /// The procedure's name as the catalogue had it, when it is about one.
    #[serde(default)]
    pub procedure_name: Option<String>,
    /// The field (lĩnh vực) code the national portal files it under
    /// (`MALINHVUC`): the portal's, or the procedure's first field.
    #[serde(default)]
    pub field_code: Option<String>,
    pub title: String,
    pub text: String,
    pub asker: Asker,
    /// The identity-provider subject of the account it was asked from.
    #[serde(default)]
    pub owner: Option<String>,
    pub origin: QuestionOrigin,
    /// SHA-256 (hex) of the secret given to the asker.
    pub tracking_secret_sha256: String,
    pub asked_at: NaiveDateTime,
    pub stage: QuestionStage,
    #[serde(default)]
    pub answer: Option<StoredAnswer>,
    /// When the answer went on the site, while it is there.
    #[serde(default)]
    pub published_at: Option<NaiveDateTime>,
    pub last_moved_at: NaiveDateTime,
    /// Bumped by every move; a move names the version it was based on.
    pub version: u64,
}

/// The agency's lists of questions, each one partition of GSI2.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QuestionQueue {
    /// To answer or decline; oldest first.
    Unanswered,
    /// Answered, not (or no longer) on the site; by the answer's time.
    Unpublished,
}

/// Who made a move, as the step records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answerer {
    pub subject: String,
    pub name: String,
    pub title: String,
}

/// One step of a question's history, with the official who made it (none
/// for the question itself).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionStep {
    pub event: QuestionEvent,
    #[serde(default)]
    pub official: Option<Answerer>,
}

impl QuestionRecord {
    /// The list the question is in now and its place there; none once
    /// declined, published or withdrawn.
    pub fn queue(&self) -> Option<(QuestionQueue, NaiveDateTime)> {
        match self.stage {
            QuestionStage::Asked => Some((QuestionQueue::Unanswered, self.asked_at)),
            QuestionStage::Answered => Some((
                QuestionQueue::Unpublished,
                self.answer.as_ref().map_or(self.last_moved_at, |a| a.at),
            )),
            QuestionStage::Published | QuestionStage::Declined | QuestionStage::Withdrawn => None,
        }
    }

    /// Brings the record in line with `progress` after `step`: stage,
    /// answer (signed by the step's official when it answered), time on
    /// the site, the next version.
    pub fn follow(&mut self, progress: &QuestionProgress, step: &QuestionStep) {
        self.stage = progress.stage();
        self.answer = match (progress.answer(), self.answer.take()) {
            (None, _) => None,
            (Some(e), kept) => {
                let signed = (e.seq == step.event.seq).then_some(step.official.as_ref());
                let (official_name, official_title) = match (signed.flatten(), kept) {
                    (Some(o), _) => (o.name.clone(), o.title.clone()),
                    (None, Some(a)) => (a.official_name, a.official_title),
                    (None, None) => (String::new(), String::new()),
                };
                Some(StoredAnswer {
                    text: e.note.clone().unwrap_or_default(),
                    at: e.at,
                    official_name,
                    official_title,
                })
            }
        };
        self.published_at = progress.published_at();
        self.last_moved_at = progress.events().last().map_or(self.asked_at, |e| e.at);
        self.version += 1;
    }

    /// Whether `secret` is this question's secret.
    pub fn holds_secret(&self, secret: &str) -> bool {
        secret_matches(&self.tracking_secret_sha256, secret)
    }

    /// What the national portal must be sent after a move by `action`: the
    /// answer to a question asked there, or a local question once its
    /// answer is published.
    pub fn national_sync(&self, action: QuestionAction) -> Option<QuestionPacket> {
        match (&self.origin, action) {
            (QuestionOrigin::National { .. }, QuestionAction::Answer) => {
                Some(QuestionPacket::Answer)
            }
            (QuestionOrigin::Local, QuestionAction::Publish) => Some(QuestionPacket::Question),
            _ => None,
        }
    }
}

/// Which packet a question's outbox entry asks for; the worker builds it
/// from the question as it is when it sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionPacket {
    /// `DongBoKetQuaHoiDapGuiTuDVCQG`: the answer to a question asked there.
    Answer,
    /// `DongBoHoiDap`: a question answered and published here.
    Question,
}

/// A pending question packet for the national portal (partition
/// `OUTBOX#DVCQG#HOIDAP`), written with the move that calls for it.
pub type QuestionSyncEntry = NationalSyncEntry<QuestionCode, QuestionPacket>;

/// A question about to be asked; the store gives it its code.
#[derive(Debug, Clone)]
pub struct NewQuestion {
    pub agency: AgencyCode,
    pub question: Question,
    pub procedure_name: Option<String>,
    pub field_code: Option<String>,
    pub asker: Asker,
    pub owner: Option<String>,
    pub origin: QuestionOrigin,
    /// Only its hash is kept on the question; the secret itself only for
    /// the idempotency window, so that a repeat can hand it out again.
    pub tracking_secret: String,
    /// The question itself (seq 1); its time is when it was asked.
    pub opening: QuestionEvent,
}

impl NewQuestion {
    fn record(&self, code: QuestionCode) -> QuestionRecord {
        QuestionRecord {
            code,
            agency: self.agency.clone(),
            about: self.question.about.clone(),
            procedure_name: self.procedure_name.clone(),
            field_code: self.field_code.clone(),
            title: self.question.title.clone(),
            text: self.question.text.clone(),
            asker: self.asker.clone(),
            owner: self.owner.clone(),
            origin: self.origin.clone(),
            tracking_secret_sha256: secret_hash(&self.tracking_secret),
            asked_at: self.opening.at,
            stage: self.opening.to,
            answer: None,
            published_at: None,
            last_moved_at: self.opening.at,
            version: 1,
        }
    }
}

pub type QuestionAsked = Opened<QuestionRecord>;

pub type QuestionPage = CasePage<QuestionRecord>;

/// The question item; GSI2 keys while it is in a list, GSI3 keys while
/// its answer is published (both sparse).
#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct QuestionItem {
    PK: String,
    SK: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI2PK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI2SK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI3PK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI3SK: Option<String>,
    version: u64,
    record: QuestionRecord,
}

impl From<&QuestionRecord> for QuestionItem {
    fn from(r: &QuestionRecord) -> Self {
        let queue = r.queue();
        QuestionItem {
            PK: keys::question(&r.code),
            SK: keys::META.into(),
            GSI2PK: queue.map(|(q, _)| keys::question_queue(&r.agency, q)),
            GSI2SK: queue.map(|(_, at)| keys::question_sort(at, &r.code)),
            GSI3PK: r.published_at.map(|_| keys::PUBLISHED_QUESTIONS.to_owned()),
            GSI3SK: r.published_at.map(|at| keys::question_sort(at, &r.code)),
            version: r.version,
            record: r.clone(),
        }
    }
}

impl Case for QuestionRecord {
    type Code = QuestionCode;
    type Step = QuestionStep;
    const CODES: &'static str = "question codes";

    fn issue_code(day: NaiveDate, random: u64) -> Result<QuestionCode, StoreError> {
        QuestionCode::issue(day, random).map_err(StoreError::corrupt)
    }
    fn partition(code: &QuestionCode) -> String {
        keys::question(code)
    }
    fn idempotency_partition(scope: &str, key: &str) -> String {
        keys::question_idempotency(scope, key)
    }
    fn item(&self) -> Item {
        to_item(&QuestionItem::from(self))
    }
    fn step_seq(step: &QuestionStep) -> u32 {
        step.event.seq
    }
    fn code(&self) -> &QuestionCode {
        &self.code
    }
    fn version(&self) -> u64 {
        self.version
    }
}

impl Store {
    /// Asks a question: draws a code and writes the question, its first
    /// step and the idempotency record in one transaction whose conditions
    /// keep the code unique. With an idempotency key — scoped to `scope`,
    /// the asker's account or contact — and the SHA-256 of the request, a
    /// repeat returns the first question. A question from the national
    /// portal is its own key (its id), one that never expires.
    pub async fn ask_question(
        &self,
        new: NewQuestion,
        idempotency: Option<(&str, &str, &str)>,
    ) -> Result<QuestionAsked, StoreError> {
        let national = match &new.origin {
            QuestionOrigin::National { id } => Some(keys::national_question(id)),
            QuestionOrigin::Local => None,
        };
        let key = OpeningKey::new(national, idempotency);
        let first = QuestionStep {
            event: new.opening.clone(),
            official: None,
        };
        self.open_case(new.opening.at.date(), &new.tracking_secret, key, |code| {
            let record = new.record(code);
            let first_step = self.case_step_item::<QuestionRecord>(&record.code, &first);
            (record, vec![first_step])
        })
        .await
    }

    /// Our question for one the national portal listed, if it was taken in
    /// (one `GetItem`).
    pub async fn national_question(
        &self,
        id: &NationalQuestionId,
    ) -> Result<Option<QuestionCode>, StoreError> {
        self.national_case::<QuestionRecord>(&keys::national_question(id))
            .await
    }

    /// The question and its whole history, in one `Query`.
    pub async fn load_question(
        &self,
        code: &QuestionCode,
    ) -> Result<(QuestionRecord, Vec<QuestionStep>), StoreError> {
        self.load_case::<QuestionRecord>(code).await
    }

    /// Writes a move: the question as it is now (its version one more than
    /// the version it was read at), the step, the official's audit record
    /// and, when the national portal must hear of it
    /// (`QuestionRecord::national_sync`), its outbox entry — one
    /// transaction. Fails with `Conflict` if someone moved it meanwhile.
    pub async fn record_question_change(
        &self,
        record: &QuestionRecord,
        step: &QuestionStep,
        audit: Option<&AuditEntry>,
    ) -> Result<(), StoreError> {
        let event = &step.event;
        let mut more = vec![self.case_step_item::<QuestionRecord>(&record.code, step)];
        if let Some(packet) = event.action.and_then(|a| record.national_sync(a)) {
            more.push(self.national_sync_item(
                keys::OUTBOX_DVCQG_QUESTIONS,
                event.at,
                &record.code,
                event.seq,
                packet,
            ));
        }
        self.record_case_change(record, more, audit).await
    }

    /// One page of an agency's list of questions, oldest first (one `Query`).
    pub async fn question_queue(
        &self,
        agency: &AgencyCode,
        queue: QuestionQueue,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<QuestionPage, StoreError> {
        self.case_page(
            "GSI2",
            keys::question_queue(agency, queue),
            None,
            false,
            limit,
            cursor,
        )
        .await
    }

    /// Every question whose answer is on the site, newest publication
    /// first: one `Query` per 1 MB page of GSI3 `HOIDAP#PUBLISHED`.
    pub async fn published_questions(&self) -> Result<Vec<QuestionRecord>, StoreError> {
        self.all_cases("GSI3", keys::PUBLISHED_QUESTIONS, true)
            .await
    }

    /// The oldest pending question packets for the national portal, at
    /// most `limit` (one `Query`).
    pub async fn pending_question_sync(
        &self,
        limit: u16,
    ) -> Result<Vec<QuestionSyncEntry>, StoreError> {
        self.pending_national_sync(keys::OUTBOX_DVCQG_QUESTIONS, limit)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::ProcedureCode;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn new(origin: QuestionOrigin) -> NewQuestion {
        let about = QuestionTopic::Procedure {
            code: ProcedureCode::parse("1.001193").unwrap(),
        };
        NewQuestion {
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            question: Question::new(about, "Khai sinh ở đâu?", "Tôi ở xã khác.").unwrap(),
            procedure_name: Some("Thủ tục đăng ký khai sinh".into()),
            field_code: None,
            asker: Asker::parse("Lê Thị Hoa", None, Some("0987654321"), false).unwrap(),
            owner: None,
            origin,
            tracking_secret: "bi-mat".into(),
            opening: QuestionProgress::open(at(1, 9)).events()[0].clone(),
        }
    }

    fn official(name: &str) -> Option<Answerer> {
        Some(Answerer {
            subject: name.into(),
            name: name.into(),
            title: "Lãnh đạo cơ quan".into(),
        })
    }

    /// Moves `record` by `action`, as the store would be asked to write it.
    fn moved(
        record: &mut QuestionRecord,
        progress: &mut QuestionProgress,
        action: QuestionAction,
        when: NaiveDateTime,
        note: Option<&str>,
        by: &str,
    ) -> QuestionStep {
        let event = progress
            .act(action, when, note.map(str::to_owned))
            .unwrap()
            .clone();
        let step = QuestionStep {
            event,
            official: official(by),
        };
        record.follow(progress, &step);
        step
    }

    #[test]
    fn a_question_is_listed_until_answered_then_until_published_then_on_the_site() {
        let mut record =
            new(QuestionOrigin::Local).record(QuestionCode::parse("HD-260601-7KMQ4X").unwrap());
        let mut progress = QuestionProgress::open(record.asked_at);
        let item = QuestionItem::from(&record);
        assert_eq!(item.GSI2PK.as_deref(), Some("QUEUE#000.00.01.H29#HOIDAP"));
        assert_eq!(
            item.GSI2SK.as_deref(),
            Some("2026-06-01T09:00:00#HD-260601-7KMQ4X")
        );
        assert!(item.GSI3PK.is_none());

        let step = moved(
            &mut record,
            &mut progress,
            QuestionAction::Answer,
            at(2, 9),
            Some("Tại UBND xã"),
            "lanh-dao",
        );
        assert_eq!(record.national_sync(QuestionAction::Answer), None);
        assert_eq!(step.event.seq, 2);
        let item = QuestionItem::from(&record);
        assert_eq!(
            item.GSI2PK.as_deref(),
            Some("QUEUE#000.00.01.H29#HOIDAP#PUBLISH")
        );
        assert_eq!(record.queue(), Some((QuestionQueue::Unpublished, at(2, 9))));
        assert_eq!(record.answer.as_ref().unwrap().official_name, "lanh-dao");

        // Published by someone else: the answer stays signed by who gave it.
        moved(
            &mut record,
            &mut progress,
            QuestionAction::Publish,
            at(3, 9),
            None,
            "mot-cua",
        );
        assert_eq!(
            record.national_sync(QuestionAction::Publish),
            Some(QuestionPacket::Question)
        );
        assert_eq!(record.answer.as_ref().unwrap().official_name, "lanh-dao");
        let item = QuestionItem::from(&record);
        assert!(item.GSI2PK.is_none());
        assert_eq!(item.GSI3PK.as_deref(), Some("HOIDAP#PUBLISHED"));
        assert_eq!(
            item.GSI3SK.as_deref(),
            Some("2026-06-03T09:00:00#HD-260601-7KMQ4X")
        );
        assert_eq!(record.version, 3);

        moved(
            &mut record,
            &mut progress,
            QuestionAction::Withdraw,
            at(4, 9),
            Some("Hết hiệu lực"),
            "lanh-dao",
        );
        let item = QuestionItem::from(&record);
        assert!(item.GSI2PK.is_none() && item.GSI3PK.is_none());
        assert!(record.answer.is_some(), "the asker keeps the answer");
    }

    #[test]
    fn only_a_national_questions_answer_goes_back_to_the_portal() {
        let id = NationalQuestionId::parse("7781").unwrap();
        let record = new(QuestionOrigin::National { id })
            .record(QuestionCode::parse("HD-260601-7KMQ4X").unwrap());
        assert_eq!(
            record.national_sync(QuestionAction::Answer),
            Some(QuestionPacket::Answer)
        );
        assert_eq!(record.national_sync(QuestionAction::Publish), None);
        assert_eq!(record.national_sync(QuestionAction::Decline), None);
        assert!(record.holds_secret("bi-mat") && !record.holds_secret("bi-mat "));
    }

    #[test]
    fn a_declined_question_leaves_every_list() {
        let mut record =
            new(QuestionOrigin::Local).record(QuestionCode::parse("HD-260601-7KMQ4X").unwrap());
        let mut progress = QuestionProgress::open(record.asked_at);
        moved(
            &mut record,
            &mut progress,
            QuestionAction::Decline,
            at(1, 10),
            Some("Trùng câu hỏi đã trả lời"),
            "mot-cua",
        );
        assert_eq!(record.queue(), None);
        assert!(record.answer.is_none());
    }
}
