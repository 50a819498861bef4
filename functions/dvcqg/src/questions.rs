//! Questions and answers with the national portal (QCVN 120 §6).
//!
//! In: [`Worker::take_in_questions`] reads the questions citizens asked
//! there for one of our agencies (`LayDanhSachHoiDapGuiTuDVCQG`, share
//! endpoint) and asks each here with its origin, the portal's `HOIDAPID`,
//! which is its idempotency key for good: a question listed again, however
//! often, stays one question. A record that cannot be taken in (no id, no
//! text, another unit's) is reported and left on the portal; one the portal
//! lists with an answer already is left alone.
//!
//! Out: a move that the portal must hear of writes an outbox entry with it
//! (`store::QuestionRecord::national_sync`): the answer to a question
//! asked there (`DongBoKetQuaHoiDapGuiTuDVCQG`, again after each
//! correction), and a local question once its answer is published
//! (`DongBoHoiDap`). [`Worker::send_questions`] — part of every outbox run —
//! builds each packet from the question as it is when it sends (so a
//! repeat, or a correction sent late, carries the latest answer, and a
//! question withdrawn before its packet left is not sent), removes the
//! entries once the portal has them, and retries or dead-letters as the
//! dossiers' entries are.
//!
//! What the sources leave open, read here: `DongBoHoiDap`'s five fields
//! carry no answer, so the portal learns of a local question and its field,
//! not of the answer; no packet withdraws a question, so a withdrawal stays
//! local; the `HOIDAPID` of a local question is our code; `MaLinhVuc` is
//! the procedure's first field code (empty for the agency in general);
//! `CHUCVUNGUOITRALOI` is the answering official's role.

use chrono::NaiveDateTime;
use domain::{
    AgencyCode, Asker, NationalQuestionId, ProcedureCode, Question, QuestionOrigin,
    QuestionProgress, QuestionTopic,
};
use serde::Serialize;
use serde_json::Value;
use store::{NewQuestion, QuestionPacket, QuestionRecord, QuestionSyncEntry, StoreError};

use crate::client::SendError;
use crate::packets::service;
use crate::share::{DongBoHoiDap, HoiDap, KetQuaHoiDap, NoParams};
use crate::wire::WireDate;
use crate::worker::{Agency, Failure, RunReport, Worker, WorkerError, listed_label};

/// What one pull of an agency's questions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct QuestionIntakeReport {
    pub agency: String,
    /// Taken in now: (the portal's id, our code).
    pub taken: Vec<(String, String)>,
    /// Listed again, taken in before.
    pub already_taken: usize,
    /// Listed with an answer given there: nothing for us to do.
    pub answered_there: usize,
    /// Left on the portal: (the id, or the record's place in the list; why).
    pub rejected: Vec<(String, String)>,
    /// The portal could not be asked for the list at all.
    pub portal_unavailable: Option<String>,
}

/// Why one listed question was not taken in.
enum NotTaken {
    Rejected(String),
    AnsweredThere,
    Store(StoreError),
}

impl From<StoreError> for NotTaken {
    fn from(e: StoreError) -> Self {
        NotTaken::Store(e)
    }
}

impl Worker {
    /// Takes in the questions asked on the national portal for `agency`.
    pub async fn take_in_questions(
        &self,
        agency: &AgencyCode,
        now: NaiveDateTime,
    ) -> Result<QuestionIntakeReport, WorkerError> {
        let mut report = QuestionIntakeReport {
            agency: agency.to_string(),
            ..QuestionIntakeReport::default()
        };
        let listing = self
            .portal_listing(agency, "questions", async |unit| {
                let list = service::QUESTIONS_FROM_PORTAL;
                unit.client.share(&unit.unit, list, &NoParams {}).await
            })
            .await;
        let Ok((unit, records)) = listing.map_err(|e| report.portal_unavailable = Some(e)) else {
            return Ok(report);
        };
        for (i, record) in records.into_iter().enumerate() {
            let label = listed_label(&record, "HOIDAPID", i);
            match self.take_in_question(agency, &unit, record, now).await {
                Ok(Some(code)) => report.taken.push((label, code)),
                Ok(None) => report.already_taken += 1,
                Err(NotTaken::AnsweredThere) => report.answered_there += 1,
                Err(NotTaken::Rejected(reason)) => {
                    tracing::error!(%agency, question = %label, %reason, "national portal: a question asked there cannot be taken in");
                    report.rejected.push((label, reason));
                }
                Err(NotTaken::Store(e)) => return Err(e.into()),
            }
        }
        if !report.taken.is_empty() || !report.rejected.is_empty() {
            tracing::info!(%agency, taken = report.taken.len(), rejected = report.rejected.len(), "national portal: questions taken in");
        }
        Ok(report)
    }

    /// `Ok(None)`: taken in before.
    async fn take_in_question(
        &self,
        agency: &AgencyCode,
        unit: &Agency,
        record: Value,
        now: NaiveDateTime,
    ) -> Result<Option<String>, NotTaken> {
        let q: HoiDap = serde_json::from_value(record).map_err(|e| {
            NotTaken::Rejected(format!(
                "unreadable as LayDanhSachHoiDapGuiTuDVCQG's record: {e}"
            ))
        })?;
        if q.MADONVI.trim() != unit.unit {
            return Err(NotTaken::Rejected(format!(
                "asked of the unit `{}`, not `{}`",
                q.MADONVI, unit.unit
            )));
        }
        let id = NationalQuestionId::parse(q.HOIDAPID.trim())
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        if self.store().national_question(&id).await?.is_some() {
            return Ok(None);
        }
        if !q.NOIDUNGTRALOI.trim().is_empty() {
            return Err(NotTaken::AnsweredThere);
        }
        // About a procedure of our catalogue, or else the agency in general.
        let procedure = match ProcedureCode::parse(q.MATTHCDP.trim()) {
            Ok(code) => self.procedure(&code).await?,
            Err(_) => None,
        };
        let about = match &procedure {
            Some(p) => QuestionTopic::Procedure {
                code: p.code.clone(),
            },
            None => QuestionTopic::Agency,
        };
        let question = Question::untitled(about, &q.NOIDUNG)
            .map_err(|e| NotTaken::Rejected(format!("the question: {e}")))?;
        let field_code = Some(q.MALINHVUC.trim().to_owned())
            .filter(|f| !f.is_empty())
            .or_else(|| {
                procedure
                    .as_ref()?
                    .fields
                    .iter()
                    .find_map(|f| f.code.clone())
            });
        let new = NewQuestion {
            agency: agency.clone(),
            question,
            procedure_name: procedure.as_ref().map(|p| p.name.to_string()),
            field_code,
            asker: Asker::from_portal(&q.HOVATEN, &q.THUDIENTU, &q.SODIENTHOAI),
            owner: None,
            origin: QuestionOrigin::National { id },
            // The asker reads the answer on the national portal; nobody is given this.
            tracking_secret: hex::encode(rand::random::<[u8; 18]>()),
            opening: QuestionProgress::open(now).events()[0].clone(),
        };
        let asked = self.store().ask_question(new, None).await?;
        Ok((!asked.replayed).then(|| asked.record.code.to_string()))
    }

    /// Sends the question packets that are due (part of every outbox run):
    /// each question's at most once a run, built from it as it is now.
    pub(crate) async fn send_questions(
        &self,
        now: NaiveDateTime,
        more_time: &(dyn Fn() -> bool + Sync),
    ) -> Result<RunReport, WorkerError> {
        let limit = u16::try_from(self.settings().batch).unwrap_or(u16::MAX);
        let pending = self.store().pending_question_sync(limit).await?;
        self.send_case_packets(
            "question",
            pending,
            now,
            more_time,
            |code, entries| async move { self.deliver_question(&code, &entries).await },
        )
        .await
    }

    /// Sends what `entries` ask for of question `code`; counts what it sent.
    async fn deliver_question(
        &self,
        code: &domain::QuestionCode,
        entries: &[QuestionSyncEntry],
    ) -> Result<RunReport, Failure> {
        let record = match self.store().load_question(code).await {
            Ok((record, _)) => record,
            // Nothing to send for a question that is not there.
            Err(StoreError::NotFound) => return Ok(RunReport::default()),
            Err(e) => return Err(e.into()),
        };
        let agency = self.agency(&record.agency).await?;
        let wants = |p: QuestionPacket| entries.iter().any(|e| e.packet == p);
        let mut sent = RunReport::default();
        if wants(QuestionPacket::Answer)
            && let Some(packet) = answer_packet(&record, &agency.unit)
        {
            send(&agency, service::SYNC_ANSWER, &packet).await?;
            sent.answers_sent += 1;
        }
        if wants(QuestionPacket::Question)
            && let Some(packet) =
                question_packet(&record, &agency.unit, &agency.context.agency_name)
        {
            send(&agency, service::SYNC_QUESTION, &packet).await?;
            sent.questions_sent += 1;
        }
        Ok(sent)
    }
}

/// One record in `data`; "đã tồn tại" means the portal has it already.
async fn send<T: Serialize>(
    agency: &Agency,
    service_name: &str,
    packet: &T,
) -> Result<(), Failure> {
    match agency
        .client
        .send(
            &agency.unit,
            service_name,
            None,
            std::slice::from_ref(packet),
        )
        .await
    {
        Ok(_) | Err(SendError::AlreadyExists) => Ok(()),
        Err(e) => Err(e.into()),
    }
}

/// `DongBoKetQuaHoiDapGuiTuDVCQG` for a question asked on the national
/// portal, with its answer as it stands; none for any other.
pub fn answer_packet(record: &QuestionRecord, unit: &str) -> Option<KetQuaHoiDap> {
    let QuestionOrigin::National { id } = &record.origin else {
        return None;
    };
    let answer = record.answer.as_ref()?;
    Some(KetQuaHoiDap {
        HOIDAPID: id.to_string(),
        MADONVI: unit.to_owned(),
        NGUOITRALOI: answer.official_name.clone(),
        CHUCVUNGUOITRALOI: answer.official_title.clone(),
        NGAYTRALOI: WireDate(answer.at.date()),
        NOIDUNGTRALOI: answer.text.clone(),
    })
}

/// `DongBoHoiDap` for a local question whose answer is on the site; none
/// for any other (one asked on the portal, or one withdrawn meanwhile).
pub fn question_packet(
    record: &QuestionRecord,
    unit: &str,
    agency_name: &str,
) -> Option<DongBoHoiDap> {
    if record.origin != QuestionOrigin::Local || record.published_at.is_none() {
        return None;
    }
    Some(DongBoHoiDap {
        HOIDAPID: record.code.to_string(),
        MaLinhVuc: record.field_code.clone().unwrap_or_default(),
        NOIDUNG: record.text.clone(),
        MADONVI: unit.to_owned(),
        TENDONVI: agency_name.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::{QuestionAction, QuestionCode, QuestionStage};
    use store::{Answerer, QuestionStep};

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn record(origin: QuestionOrigin, moves: &[QuestionAction]) -> QuestionRecord {
        let mut progress = QuestionProgress::open(at(1, 9));
        let mut record = QuestionRecord {
            code: QuestionCode::parse("HD-260601-7KMQ4X").unwrap(),
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            about: QuestionTopic::Agency,
            procedure_name: None,
            field_code: Some("G15-TP07".into()),
            title: "Khai tử ở xã khác".into(),
            text: "Tôi có thể đăng ký khai tử ở xã khác không?".into(),
            asker: Asker::from_portal("Lê Thị Hoa", "", ""),
            owner: None,
            origin,
            tracking_secret_sha256: String::new(),
            asked_at: at(1, 9),
            stage: QuestionStage::Asked,
            answer: None,
            published_at: None,
            last_moved_at: at(1, 9),
            version: 1,
        };
        for (i, &action) in moves.iter().enumerate() {
            let note = (action != QuestionAction::Publish).then(|| format!("Nội dung {i}"));
            let event = progress
                .act(action, at(2 + i as u32, 9), note)
                .unwrap()
                .clone();
            let step = QuestionStep {
                event,
                official: Some(Answerer {
                    subject: "lanh-dao".into(),
                    name: "Trần Thu".into(),
                    title: "Lãnh đạo đơn vị".into(),
                }),
            };
            record.follow(&progress, &step);
        }
        record
    }

    fn national() -> QuestionOrigin {
        QuestionOrigin::National {
            id: NationalQuestionId::parse("7781").unwrap(),
        }
    }

    #[test]
    fn a_national_questions_answer_goes_back_under_its_id_with_the_latest_text() {
        assert_eq!(answer_packet(&record(national(), &[]), "U"), None);
        let answered = record(
            national(),
            &[QuestionAction::Answer, QuestionAction::Answer],
        );
        let packet = answer_packet(&answered, "000.00.01.H29").unwrap();
        let json = serde_json::to_value(&packet).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "HOIDAPID": "7781", "MADONVI": "000.00.01.H29", "NGUOITRALOI": "Trần Thu",
                "CHUCVUNGUOITRALOI": "Lãnh đạo đơn vị", "NGAYTRALOI": "03/06/2026",
                "NOIDUNGTRALOI": "Nội dung 1"
            })
        );
        assert_eq!(question_packet(&answered, "U", "UBND"), None);
    }

    #[test]
    fn a_local_question_goes_to_the_portal_while_its_answer_is_published() {
        let local = QuestionOrigin::Local;
        assert_eq!(
            question_packet(&record(local.clone(), &[QuestionAction::Answer]), "U", "X"),
            None
        );
        let published = record(
            local.clone(),
            &[QuestionAction::Answer, QuestionAction::Publish],
        );
        let packet = question_packet(&published, "000.00.01.H29", "UBND xã Gia Viễn").unwrap();
        assert_eq!(packet.HOIDAPID, "HD-260601-7KMQ4X");
        assert_eq!(packet.MaLinhVuc, "G15-TP07");
        assert_eq!(packet.NOIDUNG, published.text);
        assert_eq!(answer_packet(&published, "U"), None);
        let withdrawn = record(
            local,
            &[
                QuestionAction::Answer,
                QuestionAction::Publish,
                QuestionAction::Withdraw,
            ],
        );
        assert_eq!(
            question_packet(&withdrawn, "U", "X"),
            None,
            "withdrawn before it left"
        );
    }
}
