//! Feedback and petitions with the national portal, end to end over a local
//! table and the strict peer: a petition sent there is taken in once however
//! often it is listed (with its files from the portal's own host only), its
//! answer goes back under the portal's code and is held once though its
//! reply was lost and it was sent again; a petition received here goes there
//! with each change of its state and its answer, waiting out the portal
//! being down; and the peer holds PAKN packets strictly.

mod common;

use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use common::{Setup, at, setup_with};
use domain::{
    AgencyCode, NationalPetitionCode, PetitionAction, PetitionCode, PetitionKind, PetitionProgress,
    PetitionStage, PetitionTopic, PhoneNumber,
};
use dvcqg::client::{Client, ClientSettings, SendError};
use dvcqg::packets::service;
use dvcqg::share::NoParams;
use dvcqg::share::pakn::{PhanAnh, TepTin, trang_thai};
use dvcqg::worker::WorkerSettings;
use serde_json::{Value, json};
use store::{NewPetition, PetitionContact, PetitionStep};

const UNIT: &str = "000.00.01.H29";
const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

fn agency() -> AgencyCode {
    AgencyCode::parse(UNIT).unwrap()
}

/// A petition as the portal lists it, sent on 01/06 at 08:00.
fn sent(code: &str, unit: &str, phone: &str, state: &str, files: &[&str]) -> PhanAnh {
    PhanAnh {
        MaPAKN: code.into(),
        TieuDe: "Đèn đường hỏng".into(),
        NoiDung: "Đèn đường thôn Đông hỏng đã hai tuần.".into(),
        HoTen: "Lê Thị Hoa".into(),
        DiaChi: "Thôn Đông, xã Gia Viễn".into(),
        SoDienThoai: phone.into(),
        Email: "hoa@example.vn".into(),
        MaDonVi: unit.into(),
        TenDonVi: "UBND xã Gia Viễn".into(),
        MaLinhVuc: String::new(),
        NgayGui: dvcqg::wire::WireTime(at(1, 8, 0)),
        TrangThai: state.into(),
        TepTinPhanAnh: files.iter().map(|f| (*f).to_owned()).collect(),
    }
}

impl Setup {
    async fn send_on_portal(&self, petitions: Vec<PhanAnh>, files: Vec<TepTin>) {
        let answer = reqwest::Client::new()
            .post(format!("{}/_catalogue", self.peer))
            .json(&json!({"petitions": petitions, "petition_files": files}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }

    /// A move on petition `code`, written as the back office (or the
    /// sender's page) writes it.
    async fn move_petition(
        &self,
        code: &PetitionCode,
        action: PetitionAction,
        note: Option<&str>,
        when: chrono::NaiveDateTime,
    ) {
        let (mut record, steps) = self.store.load_petition(code).await.unwrap();
        let events: Vec<_> = steps.into_iter().map(|s| s.event).collect();
        let mut progress =
            PetitionProgress::replay(&self.calendar, record.publish_consent, &events).unwrap();
        let event = progress
            .act(&self.calendar, action, when, note.map(str::to_owned))
            .unwrap()
            .clone();
        record.follow(&progress, &self.calendar, when).unwrap();
        let official = (!action.by_citizen()).then(|| "lanh-dao-1".to_owned());
        let step = PetitionStep {
            event,
            official,
            official_name: (!action.by_citizen()).then(|| "Trần Thu".to_owned()),
        };
        self.store
            .record_petition_change(&record, &step, None)
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

fn settings() -> WorkerSettings {
    WorkerSettings {
        base_delay: Duration::from_secs(60),
        ..WorkerSettings::default()
    }
}

#[tokio::test]
async fn a_petition_sent_on_the_portal_is_taken_in_once_and_its_answer_held_once() {
    let s = setup_with(Duration::from_millis(800), settings()).await;
    s.send_on_portal(
        vec![
            sent(
                "PAKN-2026-000123",
                UNIT,
                "0987654321",
                trang_thai::RECEIVED,
                &[
                    "/pakn/PAKN-2026-000123/den-duong.pdf",
                    "https://khac.example/anh.pdf",
                ],
            ),
            sent(
                "PAKN-2026-000124",
                "000.00.01.H01",
                "0987654321",
                trang_thai::RECEIVED,
                &[],
            ),
            sent(
                "PAKN-2026-000125",
                UNIT,
                "0987654321",
                trang_thai::ANSWERED,
                &[],
            ),
            sent("PAKN-2026-000126", UNIT, "12", trang_thai::RECEIVED, &[]),
        ],
        vec![TepTin {
            DuongDan: "/pakn/PAKN-2026-000123/den-duong.pdf".into(),
            TenTep: "den-duong.pdf".into(),
            NoiDung: STANDARD.encode(PDF),
        }],
    )
    .await;

    let first = s
        .worker
        .take_in_petitions(&agency(), at(1, 9, 0))
        .await
        .unwrap();
    assert_eq!(first.taken.len(), 1, "{first:?}");
    assert_eq!(first.handled_there, 1, "{first:?}");
    let rejected: Vec<&str> = first.rejected.iter().map(|p| p.petition.as_str()).collect();
    // Another unit's is not listed to us; one with no phone to answer to is left there.
    assert_eq!(rejected, ["PAKN-2026-000126"], "{first:?}");
    assert_eq!(first.files_left_out.len(), 1, "the file on another host");
    // Listed twice more: still one petition.
    for minute in [1, 2] {
        let again = s
            .worker
            .take_in_petitions(&agency(), at(1, 9, minute))
            .await
            .unwrap();
        assert!(again.taken.is_empty(), "{again:?}");
        assert_eq!(again.already_taken, 1);
    }
    let month = s
        .store
        .petitions_of_month(&agency(), at(1, 9, 0).date())
        .await
        .unwrap();
    assert_eq!(month.len(), 1, "one petition");
    let national = NationalPetitionCode::parse("PAKN-2026-000123").unwrap();
    let code = s.store.national_petition(&national).await.unwrap().unwrap();
    let (record, steps) = s.store.load_petition(&code).await.unwrap();
    assert_eq!(record.national.as_ref().unwrap().code, national);
    assert_eq!(record.received_at, at(1, 8, 0), "received when sent there");
    assert_eq!(record.contact.name, "Lê Thị Hoa");
    assert_eq!(record.files.len(), 1);
    assert_eq!(record.files[0].file_name, "den-duong.pdf");
    assert!(!record.publish_consent);
    assert!(
        steps[0].event.note.as_deref().unwrap().contains("anh.pdf"),
        "the receipt names the file left out"
    );
    // The portal has it: nothing goes back until its result.
    assert!(s.store.pending_petition_sync(10).await.unwrap().is_empty());

    // Answered: the portal stores the result but its reply is lost; sent again, held once.
    s.move_petition(
        &code,
        PetitionAction::Answer,
        Some("Đã thay bóng đèn ngày 02/06/2026."),
        at(2, 9, 0),
    )
    .await;
    s.faults(json!({"next_lost_answer": 1})).await;
    let run = s.worker.run_once(at(2, 9, 1)).await.unwrap();
    assert_eq!(
        (run.petition_results_sent, run.entries_deferred),
        (0, 1),
        "{run:?}"
    );
    assert_eq!(
        s.peer_state().await.petition_results.len(),
        1,
        "stored first"
    );
    let run = s.worker.run_once(at(2, 12, 0)).await.unwrap();
    assert_eq!(
        (run.petition_results_sent, run.entries_done),
        (1, 1),
        "{run:?}"
    );
    let state = s.peer_state().await;
    let held = &state.petition_results["PAKN-2026-000123"];
    assert_eq!(held.len(), 1, "one answer");
    assert_eq!(state.repeated_petitions, 1, "it arrived twice");
    assert_eq!(held[0].NoiDungTraLoi, "Đã thay bóng đèn ngày 02/06/2026.");
    assert_eq!(held[0].TrangThai, trang_thai::ANSWERED);
    assert_eq!(held[0].NguoiXuLy, "Trần Thu");
    assert_eq!(held[0].NgayXuLy.0, at(2, 9, 0));
    assert!(
        state.petitions.is_empty(),
        "the portal's own petition is not pushed back"
    );
    assert_eq!(run.petitions_sent, 0);
    let nothing = s.worker.run_once(at(2, 12, 5)).await.unwrap();
    assert_eq!(nothing.petition_results_sent, 0, "delivered once");

    // Answered: it leaves the list.
    let listed: Vec<PhanAnh> = s
        .client()
        .share(UNIT, service::PETITIONS_FROM_PORTAL, &NoParams {})
        .await
        .unwrap();
    let codes: Vec<&str> = listed.iter().map(|p| p.MaPAKN.as_str()).collect();
    assert_eq!(codes, ["PAKN-2026-000125", "PAKN-2026-000126"]);
}

#[tokio::test]
async fn a_petition_received_here_reaches_the_portal_once_it_is_up_again() {
    let s = setup_with(Duration::from_millis(800), settings()).await;
    let calendar = &s.calendar;
    let progress = PetitionProgress::open(at(1, 9, 0), true);
    let deadlines = progress.deadlines(calendar, at(1, 9, 0)).unwrap();
    let record = s
        .store
        .submit_petition(
            NewPetition {
                agency: agency(),
                kind: PetitionKind::Recommendation,
                about: PetitionTopic::Agency,
                procedure_name: None,
                title: "Mở thêm quầy buổi trưa".into(),
                content: "Đề nghị Bộ phận Một cửa tiếp nhận cả buổi trưa.".into(),
                contact: PetitionContact {
                    name: "Trần Văn Nam".into(),
                    phone: PhoneNumber::parse("0912345678").unwrap(),
                    email: None,
                    address: None,
                },
                owner: None,
                files: Vec::new(),
                publish_consent: true,
                tracking_secret: "bi-mat".into(),
                opening: progress.events()[0].clone(),
                answer_by: deadlines.answer_by,
                national: None,
            },
            None,
        )
        .await
        .unwrap()
        .record;
    let code = record.code.clone();

    // The portal is down: the packet waits, and is tried again.
    s.faults(json!({"down": true})).await;
    let run = s.worker.run_once(at(1, 9, 1)).await.unwrap();
    assert_eq!(
        (run.petitions_sent, run.entries_deferred),
        (0, 1),
        "{run:?}"
    );
    let waiting = s.store.pending_petition_sync(10).await.unwrap();
    assert_eq!(waiting[0].attempts, 1);
    let early = s.worker.run_once(at(1, 9, 1)).await.unwrap();
    assert_eq!(early.entries_waiting, 1, "not before its retry time");
    s.faults(json!({})).await;
    let run = s.worker.run_once(at(1, 12, 0)).await.unwrap();
    assert_eq!((run.petitions_sent, run.entries_done), (1, 1), "{run:?}");
    let state = s.peer_state().await;
    let held = &state.petitions[code.as_str()];
    assert_eq!(held.TrangThai, trang_thai::RECEIVED);
    assert_eq!(held.HoTen, "Trần Văn Nam");
    assert_eq!(held.NgayGui.0, at(1, 9, 0));

    // Asked for information: the portal's copy follows (an update of the one it holds).
    s.move_petition(
        &code,
        PetitionAction::RequestInfo,
        Some("Khung giờ nào?"),
        at(2, 9, 0),
    )
    .await;
    s.worker.run_once(at(2, 9, 1)).await.unwrap();
    assert_eq!(
        s.peer_state().await.petitions[code.as_str()].TrangThai,
        trang_thai::WAITING
    );

    // Provided, then answered: the state and the answer, held once though
    // the first reply is lost.
    s.move_petition(
        &code,
        PetitionAction::ProvideInfo,
        Some("11:30–13:30."),
        at(2, 15, 0),
    )
    .await;
    s.move_petition(
        &code,
        PetitionAction::Answer,
        Some("Từ tháng 7 quầy tiếp nhận cả buổi trưa."),
        at(3, 10, 0),
    )
    .await;
    s.faults(json!({"next_lost_answer": 1})).await;
    let run = s.worker.run_once(at(3, 10, 1)).await.unwrap();
    assert_eq!(run.entries_deferred, 2, "{run:?}");
    let run = s.worker.run_once(at(3, 14, 0)).await.unwrap();
    assert_eq!(
        (
            run.petitions_sent,
            run.petition_results_sent,
            run.entries_done
        ),
        (1, 1, 2),
        "{run:?}"
    );
    let state = s.peer_state().await;
    assert_eq!(
        state.petitions[code.as_str()].TrangThai,
        trang_thai::ANSWERED
    );
    let results = &state.petition_results[code.as_str()];
    assert_eq!(results.len(), 1, "one answer");
    assert!(results[0].CongKhai.0, "the sender agreed to publish it");
    // Publishing it on our site is ours alone.
    s.move_petition(&code, PetitionAction::Publish, None, at(3, 15, 0))
        .await;
    assert!(s.store.pending_petition_sync(10).await.unwrap().is_empty());
    let (record, _) = s.store.load_petition(&code).await.unwrap();
    assert_eq!(record.stage, PetitionStage::Answered);
}

#[tokio::test]
async fn the_peer_holds_petitions_and_results_strictly() {
    let s = setup_with(Duration::from_secs(2), settings()).await;
    s.send_on_portal(
        vec![sent(
            "PAKN-2026-000123",
            UNIT,
            "0987654321",
            trang_thai::RECEIVED,
            &[],
        )],
        Vec::new(),
    )
    .await;
    let client = s.client();
    let mut petition = serde_json::to_value(sent(
        "PAKN-260601-7KMQ4X",
        UNIT,
        "0912345678",
        trang_thai::RECEIVED,
        &[],
    ))
    .unwrap();
    let result = json!({
        "MaPAKN": "PAKN-260601-7KMQ4X", "MaDonVi": UNIT, "TenDonVi": "UBND xã Gia Viễn",
        "NguoiXuLy": "Trần Thu", "ChucVuNguoiXuLy": "Lãnh đạo đơn vị",
        "NgayXuLy": "20260605150000", "NoiDungTraLoi": "Đã xử lý.", "TrangThai": "3",
        "CongKhai": "True", "SoVanBan": "", "NgayBanHanh": "", "CoQuanBanHanh": "",
        "TepTinKetQua": []
    });
    let refused = |outcome: Result<_, SendError>| matches!(outcome, Err(SendError::Refused { .. }));
    let send = |name: &'static str, updating: Option<bool>, data: Value| {
        let client = &client;
        async move { client.send(UNIT, name, updating, &[data]).await }
    };

    // A result before its petition is held: refused.
    assert!(refused(
        send(service::SYNC_PETITION_RESULT, None, result.clone()).await
    ));
    // An update of a petition not held, a number for a string, an unknown field: refused.
    assert!(refused(
        send(service::SYNC_PETITION, Some(true), petition.clone()).await
    ));
    let mut number = petition.clone();
    number["SoDienThoai"] = json!(912345678);
    assert!(refused(send(service::SYNC_PETITION, None, number).await));
    let mut unknown = petition.clone();
    unknown["Khac"] = json!("x");
    assert!(refused(send(service::SYNC_PETITION, None, unknown).await));
    // The portal's own petition is not the unit's to push.
    let mut theirs = petition.clone();
    theirs["MaPAKN"] = json!("PAKN-2026-000123");
    assert!(refused(send(service::SYNC_PETITION, None, theirs).await));

    send(service::SYNC_PETITION, None, petition.clone())
        .await
        .unwrap();
    assert!(matches!(
        send(service::SYNC_PETITION, Some(false), petition.clone()).await,
        Err(SendError::AlreadyExists)
    ));
    petition["TrangThai"] = json!(trang_thai::ANSWERED);
    send(service::SYNC_PETITION, Some(true), petition)
        .await
        .unwrap();

    send(service::SYNC_PETITION_RESULT, None, result.clone())
        .await
        .unwrap();
    let mut not_a_result = result.clone();
    not_a_result["TrangThai"] = json!(trang_thai::RECEIVED);
    assert!(refused(
        send(service::SYNC_PETITION_RESULT, None, not_a_result).await
    ));
    let mut other_unit = result.clone();
    other_unit["MaDonVi"] = json!("000.00.01.H01");
    assert!(refused(
        send(service::SYNC_PETITION_RESULT, None, other_unit).await
    ));
    let mut wrong_date = result.clone();
    wrong_date["NgayXuLy"] = json!("05/06/2026");
    assert!(refused(
        send(service::SYNC_PETITION_RESULT, None, wrong_date).await
    ));
    // The result of a petition sent on the portal to this unit is taken.
    let mut portal = result.clone();
    portal["MaPAKN"] = json!("PAKN-2026-000123");
    send(service::SYNC_PETITION_RESULT, None, portal)
        .await
        .unwrap();

    let state = s.peer_state().await;
    assert_eq!(state.petitions.len(), 1);
    assert_eq!(
        state.petitions["PAKN-260601-7KMQ4X"].TrangThai,
        trang_thai::ANSWERED
    );
    assert_eq!(state.petition_results.len(), 2);
    assert_eq!(state.repeated_petitions, 0);
}
