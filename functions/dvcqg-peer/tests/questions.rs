//! Questions and answers with the national portal, end to end: the worker
//! pulls the questions asked there (one question per `HOIDAPID`, however
//! often it is listed), an official's answer goes back under that id (held
//! once, even when the portal loses the first answer's reply and it is sent
//! again), and a local question goes there once its answer is published.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Setup, at, setup_with};
use domain::{
    AgencyCode, Asker, LayThuTuc, NationalQuestionId, Procedure, Question, QuestionAction,
    QuestionCode, QuestionOrigin, QuestionProgress, QuestionTopic,
};
use dvcqg::client::{Client, ClientSettings, SendError};
use dvcqg::packets::service;
use dvcqg::share::{ByQuestion, HoiDap, NoParams};
use dvcqg::worker::WorkerSettings;
use serde_json::json;
use store::{Answerer, NewQuestion, QuestionQueue, QuestionStep};

const UNIT: &str = "000.00.01.H29";

fn agency() -> AgencyCode {
    AgencyCode::parse(UNIT).unwrap()
}

/// A real procedure of the national database, in our catalogue.
async fn procedure(s: &Setup) -> Procedure {
    let dir = std::env::var_os("DVC_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let catalogue = dvcqg_peer::Catalogue::from_shared_data(&dir).unwrap();
    let record: LayThuTuc = serde_json::from_value(catalogue.procedures[0].clone()).unwrap();
    let procedure = Procedure::try_from(record).unwrap();
    s.store
        .put_procedures(std::slice::from_ref(&procedure))
        .await
        .unwrap();
    procedure
}

/// A question as the portal lists it.
fn asked(id: &str, unit: &str, about: &str, text: &str, answer: &str) -> HoiDap {
    HoiDap {
        HOIDAPID: id.into(),
        MALINHVUC: String::new(),
        NOIDUNG: text.into(),
        MADONVI: unit.into(),
        TENDONVI: "UBND xã Gia Viễn".into(),
        NOIDUNGTRALOI: answer.into(),
        TRALOIID: String::new(),
        HOVATEN: "Lê Thị Hoa".into(),
        DIACHI: "Gia Viễn, Ninh Bình".into(),
        THUDIENTU: "hoa@example.vn".into(),
        SODIENTHOAI: "0987654321".into(),
        MATTHCDP: about.into(),
        TRANGTHAI: "1".into(),
    }
}

impl Setup {
    async fn ask_on_portal(&self, questions: Vec<HoiDap>) {
        let answer = reqwest::Client::new()
            .post(format!("{}/_catalogue", self.peer))
            .json(&json!({"questions_from_portal": questions}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }

    /// An official's move on question `code`, written as the back office writes it.
    async fn move_question(
        &self,
        code: &QuestionCode,
        action: QuestionAction,
        note: Option<&str>,
        when: chrono::NaiveDateTime,
    ) {
        let (mut record, steps) = self.store.load_question(code).await.unwrap();
        let events: Vec<_> = steps.into_iter().map(|s| s.event).collect();
        let mut progress = QuestionProgress::replay(&events).unwrap();
        let event = progress
            .act(action, when, note.map(str::to_owned))
            .unwrap()
            .clone();
        let step = QuestionStep {
            event,
            official: Some(Answerer {
                subject: "lanh-dao-1".into(),
                name: "Trần Thu".into(),
                title: "Lãnh đạo đơn vị".into(),
            }),
        };
        record.follow(&progress, &step);
        self.store
            .record_question_change(&record, &step, None)
            .await
            .unwrap();
    }

    fn client(&self) -> Client {
        Client::new(ClientSettings::at(
            &self.peer,
            "donvi",
            "mat-khau",
            Duration::from_secs(2),
        ))
    }
}

#[tokio::test]
async fn a_question_asked_on_the_portal_is_taken_in_once_and_its_answer_is_held_once() {
    let s = setup_with(
        Duration::from_millis(800),
        WorkerSettings {
            base_delay: Duration::from_secs(60),
            ..WorkerSettings::default()
        },
    )
    .await;
    let procedure = procedure(&s).await;
    s.ask_on_portal(vec![
        asked(
            "7781",
            UNIT,
            procedure.code.as_str(),
            "Tôi có thể làm thủ tục này ở xã khác không? Xin cảm ơn.",
            "",
        ),
        asked(
            "7782",
            UNIT,
            "9.999999",
            "Bộ phận Một cửa làm việc sáng thứ Bảy không?",
            "",
        ),
        asked("7783", UNIT, "", "Đã được trả lời trên Cổng?", "Đúng vậy."),
        asked("7790", "000.00.01.H01", "", "Câu hỏi của đơn vị khác", ""),
    ])
    .await;

    let first = s
        .worker
        .take_in_questions(&agency(), at(1, 8, 0))
        .await
        .unwrap();
    assert_eq!(first.taken.len(), 2, "{first:?}");
    assert_eq!((first.already_taken, first.answered_there), (0, 1));
    assert!(first.rejected.is_empty(), "{first:?}");
    // Listed again, and again: still two questions.
    for minute in [1, 2] {
        let again = s
            .worker
            .take_in_questions(&agency(), at(1, 8, minute))
            .await
            .unwrap();
        assert!(again.taken.is_empty(), "{again:?}");
        assert_eq!(again.already_taken, 2);
    }
    let page = s
        .store
        .question_queue(&agency(), QuestionQueue::Unanswered, 50, None)
        .await
        .unwrap();
    assert_eq!(page.items.len(), 2);
    let id = NationalQuestionId::parse("7781").unwrap();
    let code = s.store.national_question(&id).await.unwrap().unwrap();
    let (record, _) = s.store.load_question(&code).await.unwrap();
    assert_eq!(
        record.about,
        QuestionTopic::Procedure {
            code: procedure.code.clone()
        }
    );
    assert_eq!(record.origin, QuestionOrigin::National { id });
    assert_eq!(record.title, "Tôi có thể làm thủ tục này ở xã khác không?");
    assert_eq!(record.asker.name, "Lê Thị Hoa");
    let other = s
        .store
        .national_question(&NationalQuestionId::parse("7782").unwrap())
        .await
        .unwrap()
        .unwrap();
    let (other, _) = s.store.load_question(&other).await.unwrap();
    assert_eq!(
        other.about,
        QuestionTopic::Agency,
        "a procedure we do not have"
    );

    // Answered: the portal stores the answer but its reply is lost; sent again, held once.
    s.move_question(
        &code,
        QuestionAction::Answer,
        Some("Được, tại Ủy ban nhân dân cấp xã nơi cư trú."),
        at(2, 9, 0),
    )
    .await;
    s.faults(json!({"next_lost_answer": 1})).await;
    let run = s.worker.run_once(at(2, 9, 1)).await.unwrap();
    assert_eq!((run.answers_sent, run.entries_deferred), (0, 1), "{run:?}");
    let state = s.peer_state().await;
    assert_eq!(state.answers.len(), 1, "stored before the reply was lost");
    let run = s.worker.run_once(at(2, 12, 0)).await.unwrap();
    assert_eq!((run.answers_sent, run.entries_done), (1, 1), "{run:?}");
    let state = s.peer_state().await;
    assert_eq!(state.answers.len(), 1, "one answer");
    assert_eq!(state.repeated_questions, 1, "it arrived twice");
    let held = &state.answers["7781"];
    assert_eq!(held.MADONVI, UNIT);
    assert_eq!(held.NGUOITRALOI, "Trần Thu");
    assert_eq!(held.CHUCVUNGUOITRALOI, "Lãnh đạo đơn vị");
    assert_eq!(held.NGAYTRALOI.0, at(2, 9, 0).date());
    assert!(s.store.pending_question_sync(10).await.unwrap().is_empty());
    let nothing = s.worker.run_once(at(2, 12, 5)).await.unwrap();
    assert_eq!(nothing.answers_sent, 0, "delivered once");

    // Answered there now: it leaves the list, and the portal gives it with its answer.
    let listed: Vec<HoiDap> = s
        .client()
        .share(UNIT, service::QUESTIONS_FROM_PORTAL, &NoParams {})
        .await
        .unwrap();
    let ids: Vec<&str> = listed.iter().map(|q| q.HOIDAPID.as_str()).collect();
    assert_eq!(ids, ["7782", "7783"]);

    // A correction before publication goes back too; the portal keeps the latest.
    s.move_question(
        &code,
        QuestionAction::Answer,
        Some("Được, tại Ủy ban nhân dân cấp xã nơi người đó cư trú cuối cùng."),
        at(3, 9, 0),
    )
    .await;
    s.worker.run_once(at(3, 9, 1)).await.unwrap();
    let one: Vec<HoiDap> = s
        .client()
        .share(
            UNIT,
            service::ANSWER_TO_QUESTION,
            &ByQuestion {
                cauhoiid: "7781".into(),
            },
        )
        .await
        .unwrap();
    assert!(one[0].NOIDUNGTRALOI.ends_with("cư trú cuối cùng."));
    assert_eq!(one[0].TRANGTHAI, dvcqg_peer::ANSWERED);
    // Publishing it here sends nothing more: the portal has the question already.
    s.move_question(&code, QuestionAction::Publish, None, at(3, 10, 0))
        .await;
    let run = s.worker.run_once(at(3, 10, 1)).await.unwrap();
    assert_eq!((run.answers_sent, run.questions_sent), (0, 0), "{run:?}");
    assert_eq!(s.peer_state().await.answers.len(), 1);
}

#[tokio::test]
async fn a_local_question_goes_to_the_portal_once_published_and_nothing_else_is_taken() {
    let s = setup_with(Duration::from_millis(800), WorkerSettings::default()).await;
    s.ask_on_portal(vec![asked("7781", UNIT, "", "Câu hỏi trên Cổng", "")])
        .await;
    let ask = |title: &str| NewQuestion {
        agency: agency(),
        question: Question::new(QuestionTopic::Agency, title, "Bộ phận Một cửa ở đâu?").unwrap(),
        procedure_name: None,
        field_code: None,
        asker: Asker::parse("Phạm Thu", None, Some("0912000111"), false).unwrap(),
        owner: None,
        origin: QuestionOrigin::Local,
        tracking_secret: "bi-mat".into(),
        opening: QuestionProgress::open(at(1, 8, 0)).events()[0].clone(),
    };
    let kept = s
        .store
        .ask_question(ask("Nơi nộp hồ sơ"), None)
        .await
        .unwrap();
    let taken_down = s
        .store
        .ask_question(ask("Giờ làm việc"), None)
        .await
        .unwrap();
    let codes = [&kept.record.code, &taken_down.record.code];
    for code in codes {
        s.move_question(
            code,
            QuestionAction::Answer,
            Some("Tại trụ sở UBND xã."),
            at(1, 9, 0),
        )
        .await;
    }
    let run = s.worker.run_once(at(1, 9, 1)).await.unwrap();
    assert_eq!(run.questions_sent, 0, "not before it is published");
    for code in codes {
        s.move_question(code, QuestionAction::Publish, None, at(1, 10, 0))
            .await;
    }
    // Withdrawn before its packet left: it is not sent.
    s.move_question(
        &taken_down.record.code,
        QuestionAction::Withdraw,
        Some("Trùng câu hỏi khác"),
        at(1, 10, 5),
    )
    .await;
    let run = s.worker.run_once(at(1, 10, 6)).await.unwrap();
    assert_eq!((run.questions_sent, run.entries_done), (1, 2), "{run:?}");
    let state = s.peer_state().await;
    let held: Vec<&str> = state
        .published_questions
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(held, [kept.record.code.as_str()]);
    let packet = &state.published_questions[kept.record.code.as_str()];
    assert_eq!(
        (packet.MADONVI.as_str(), packet.NOIDUNG.as_str()),
        (UNIT, "Bộ phận Một cửa ở đâu?")
    );
    let mine: Vec<HoiDap> = s
        .client()
        .share(UNIT, service::QUESTIONS_OF_AGENCY, &NoParams {})
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    assert!(state.answers.is_empty());

    // The peer refuses what the portal would: an answer to a question it did
    // not ask (or asked of another unit), a unit's question under a portal id.
    let answer = |id: &str, unit: &str| {
        json!({
            "HOIDAPID": id, "MADONVI": unit, "NGUOITRALOI": "Trần Thu",
            "CHUCVUNGUOITRALOI": "Lãnh đạo đơn vị", "NGAYTRALOI": "03/06/2026",
            "NOIDUNGTRALOI": "Trả lời"
        })
    };
    let client = s.client();
    for (unit, packet) in [
        (UNIT, answer("9999", UNIT)),
        ("000.00.01.H01", answer("7781", "000.00.01.H01")),
    ] {
        let sent = client
            .send(unit, service::SYNC_ANSWER, None, &[packet])
            .await;
        assert!(matches!(sent, Err(SendError::Refused { .. })), "{sent:?}");
    }
    let mut blank = answer("7781", UNIT);
    blank["NOIDUNGTRALOI"] = json!(" ");
    let sent = client
        .send(UNIT, service::SYNC_ANSWER, None, &[blank])
        .await;
    assert!(matches!(sent, Err(SendError::Refused { .. })), "{sent:?}");
    let posing = json!({
        "HOIDAPID": "7781", "MaLinhVuc": "", "NOIDUNG": "x", "MADONVI": UNIT, "TENDONVI": "UBND"
    });
    let sent = client
        .send(UNIT, service::SYNC_QUESTION, None, &[posing])
        .await;
    assert!(matches!(sent, Err(SendError::Refused { .. })), "{sent:?}");
    assert!(s.peer_state().await.answers.is_empty());
}
