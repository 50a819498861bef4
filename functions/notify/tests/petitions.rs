//! The sender of a petition hears of each step once, in Vietnamese: received
//! with its code, information asked for, answered, published, reopened,
//! refused with the reason; not of their own information. Dossiers'
//! messages go on beside them.

use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    AgencyCode, Email, PetitionAction, PetitionKind, PetitionProgress, PetitionTopic, PhoneNumber,
    WorkingCalendar,
};
use notify::{LocalOutbox, Message, compose_petition, dispatch};
use store::{
    AccessLog, FileLimits, NewPetition, PetitionContact, PetitionRecord, PetitionStep, Store,
    StoreSettings,
};

const SITE: &str = "https://dichvucong.example";

fn at(day: u32, hour: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, day)
        .unwrap()
        .and_hms_opt(hour, 0, 0)
        .unwrap()
}

/// A fresh table, the tests' handles on it, and the notifier function's
/// own, whose requests are logged.
async fn store(table: &str) -> (localaws::Moto, Store, Store, AccessLog) {
    let moto = tokio::task::spawn_blocking(localaws::Moto::start)
        .await
        .unwrap()
        .unwrap();
    let sdk = moto.sdk_config().await;
    let settings = StoreSettings {
        table: table.into(),
        bucket: table.into(),
        s3_path_style: true,
        limits: FileLimits::default(),
        link_ttl: std::time::Duration::from_secs(60),
    };
    let store = Store::new(&sdk, settings.clone());
    store.create_resources().await.unwrap();
    let access = AccessLog::of("notifier");
    let notifier = Store::observed(&sdk, settings, None, Some(access.clone()));
    (moto, store, notifier, access)
}

/// A petition sent at `received`, its record and progress as the store
/// and the rules have them.
async fn send(store: &Store, received: NaiveDateTime) -> (PetitionRecord, PetitionProgress) {
    let calendar = WorkingCalendar::vietnam();
    let progress = PetitionProgress::open(received, true);
    let deadlines = progress.deadlines(&calendar, received).unwrap();
    let sent = store
        .submit_petition(
            NewPetition {
                agency: AgencyCode::parse("000.00.01.H29").unwrap(),
                kind: PetitionKind::Feedback,
                about: PetitionTopic::Agency,
                procedure_name: None,
                title: "Quầy tiếp nhận đóng cửa sớm".into(),
                content: "Chiều thứ Sáu quầy đóng cửa lúc 16:00.".into(),
                contact: PetitionContact {
                    name: "Lê Thị Hoa".into(),
                    phone: PhoneNumber::parse("0987654321").unwrap(),
                    email: Some(Email::parse("hoa@example.vn").unwrap()),
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
        .unwrap();
    (sent.record, progress)
}

/// Makes `action` at `when` and writes it as the store does every move.
async fn step(
    store: &Store,
    record: &mut PetitionRecord,
    progress: &mut PetitionProgress,
    action: PetitionAction,
    when: NaiveDateTime,
    note: Option<&str>,
) {
    let calendar = WorkingCalendar::vietnam();
    let event = progress
        .act(&calendar, action, when, note.map(str::to_owned))
        .unwrap()
        .clone();
    record.follow(progress, &calendar, when).unwrap();
    let official = (!action.by_citizen()).then(|| "mot-cua-1".to_owned());
    let step = PetitionStep {
        event,
        official_name: official.clone(),
        official,
    };
    store
        .record_petition_change(record, &step, None)
        .await
        .unwrap();
}

async fn sent(store: &Store, outbox: &LocalOutbox, expected: usize) -> Vec<Message> {
    assert_eq!(dispatch(store, outbox, SITE, 50).await.unwrap(), expected);
    // Once each: nothing is left to send.
    assert_eq!(dispatch(store, outbox, SITE, 50).await.unwrap(), 0);
    let mut messages = outbox.messages();
    messages.truncate(expected);
    messages.reverse();
    messages
}

#[tokio::test]
async fn every_step_reaches_the_sender_once() {
    let (_moto, store, notifier, access) = store("notify-petitions").await;
    let outbox = LocalOutbox::default();
    // Monday 01/06/2026 09:00.
    let (mut record, mut progress) = send(&store, at(1, 9)).await;
    let code = record.code.to_string();

    let received = sent(&notifier, &outbox, 1).await;
    let m = &received[0];
    assert_eq!(m.subject, format!("Phản ánh {code}: đã được tiếp nhận"));
    assert!(m.body.starts_with("Kính gửi Lê Thị Hoa,"), "{}", m.body);
    assert!(
        m.body.contains(&format!(
            "Phản ánh \"Quầy tiếp nhận đóng cửa sớm\" của ông/bà đã được tiếp nhận lúc 09:00 ngày 01/06/2026, mã {code}."
        )),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains("Cơ quan trả lời chậm nhất vào 17:00 ngày 22/06/2026."),
        "{}",
        m.body
    );
    assert!(
        m.body
            .contains(&format!("{SITE}/tra-cuu-phan-anh/?ma={code}")),
        "{}",
        m.body
    );
    assert_eq!(m.email.as_ref().unwrap().as_str(), "hoa@example.vn");
    assert_eq!(m.phone.as_ref().unwrap().e164(), "+84987654321");
    assert!(
        m.sms
            .starts_with(&format!("DVC: Da tiep nhan phan anh, kien nghi {code}."))
    );

    // Asked for information; the sender's own answer is no news to them.
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::RequestInfo,
        at(2, 9),
        Some("Xin cho biết ngày nào quầy đóng cửa sớm."),
    )
    .await;
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::ProvideInfo,
        at(2, 15),
        Some("Thứ Sáu 29/05."),
    )
    .await;
    let asked = sent(&notifier, &outbox, 1).await;
    assert_eq!(
        asked[0].subject,
        format!("Phản ánh {code}: cần bổ sung thông tin")
    );
    assert!(
        asked[0]
            .body
            .contains("Xin cho biết ngày nào quầy đóng cửa sớm.")
    );
    assert!(asked[0].body.contains("Thời hạn trả lời tạm dừng"));

    // Answered, then published: two messages, in order.
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::Answer,
        at(4, 10),
        Some("Đã nhắc cán bộ giữ đúng giờ làm việc."),
    )
    .await;
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::Publish,
        at(4, 11),
        None,
    )
    .await;
    let answered = sent(&notifier, &outbox, 2).await;
    assert_eq!(
        answered[0].subject,
        format!("Phản ánh {code}: đã được trả lời")
    );
    assert!(answered[0].body.contains(
        "đã được trả lời lúc 10:00 ngày 04/06/2026:\n\nĐã nhắc cán bộ giữ đúng giờ làm việc."
    ));
    assert!(
        answered[0]
            .body
            .contains("trong 10 ngày làm việc ông/bà có thể đề nghị xem xét lại")
    );
    assert_eq!(
        answered[1].subject,
        format!("Phản ánh {code}: câu trả lời đã được công khai")
    );
    let page = format!("{SITE}/phan-anh-kien-nghi/{}/", code.to_ascii_lowercase());
    assert!(answered[1].body.contains(&page), "{}", answered[1].body);

    // Not satisfied: reopened, with the new round's due time; then refused.
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::Reopen,
        at(5, 9),
        Some("Hôm qua quầy lại đóng sớm."),
    )
    .await;
    let reopened = sent(&notifier, &outbox, 1).await;
    assert_eq!(
        reopened[0].subject,
        format!("Phản ánh {code}: đề nghị xem xét lại đã được tiếp nhận")
    );
    assert!(
        reopened[0]
            .body
            .contains("Cơ quan trả lời lần nữa chậm nhất vào 17:00 ngày 26/06/2026."),
        "{}",
        reopened[0].body
    );
    step(
        &store,
        &mut record,
        &mut progress,
        PetitionAction::Refuse,
        at(5, 10),
        Some("Trùng với phản ánh đã trả lời."),
    )
    .await;
    let refused = sent(&notifier, &outbox, 1).await;
    assert_eq!(
        refused[0].subject,
        format!("Phản ánh {code}: bị từ chối tiếp nhận")
    );
    assert!(
        refused[0]
            .body
            .contains("Lý do: Trùng với phản ánh đã trả lời.")
    );
    assert!(store.pending_petition_notices(50).await.unwrap().is_empty());
    // Every request the dispatch made is one the notifier's role allows.
    infra::assert_allowed(&access.entries());
}

#[test]
fn a_later_move_leaves_the_due_time_out_of_an_earlier_message() {
    // Composed after the next step already moved the record: the receipt
    // does not state a due time that no longer holds.
    let calendar = WorkingCalendar::vietnam();
    let mut progress = PetitionProgress::open(at(1, 9), false);
    let opening = progress.events()[0].clone();
    progress
        .act(
            &calendar,
            PetitionAction::RequestInfo,
            at(2, 9),
            Some("?".into()),
        )
        .unwrap();
    let mut record = PetitionRecord {
        code: domain::PetitionCode::parse("PAKN-260601-7KMQ4X").unwrap(),
        agency: AgencyCode::parse("000.00.01.H29").unwrap(),
        kind: PetitionKind::Recommendation,
        about: PetitionTopic::Agency,
        procedure_name: None,
        title: "Tiêu đề".into(),
        content: "Nội dung".into(),
        contact: PetitionContact {
            name: "Lê Thị Hoa".into(),
            phone: PhoneNumber::parse("0987654321").unwrap(),
            email: None,
            address: None,
        },
        owner: None,
        files: Vec::new(),
        publish_consent: false,
        tracking_secret_sha256: String::new(),
        received_at: at(1, 9),
        stage: domain::PetitionStage::Received,
        answer_by: at(22, 17),
        publish_by: None,
        published: false,
        rounds: 1,
        on_time: None,
        category: None,
        answer: None,
        last_moved_at: at(1, 9),
        version: 1,
        national: None,
    };
    record.follow(&progress, &calendar, at(2, 9)).unwrap();
    let message = compose_petition(&record, &opening, SITE).unwrap();
    assert_eq!(
        message.subject,
        "Kiến nghị PAKN-260601-7KMQ4X: đã được tiếp nhận"
    );
    assert!(!message.body.contains("chậm nhất"), "{}", message.body);
    assert_eq!(message.email, None);
}
