//! Every status change reaches the applicant once, in Vietnamese.

use chrono::NaiveDate;
use domain::{
    Action, Actor, Applicant, Channel, DossierProgress, OwnerType, ProcedureCode, ResultDelivery,
    Role, WorkingCalendar,
};
use notify::{LocalOutbox, dispatch};
use store::{AccessLog, FileLimits, NewDossier, OutboxKind, Store, StoreSettings};

#[tokio::test]
async fn each_change_is_sent_once_with_its_status() {
    let moto = tokio::task::spawn_blocking(localaws::Moto::start)
        .await
        .unwrap()
        .unwrap();
    let sdk = moto.sdk_config().await;
    let settings = StoreSettings {
        table: "notify-test".into(),
        bucket: "notify-test".into(),
        s3_path_style: true,
        limits: FileLimits::default(),
        link_ttl: std::time::Duration::from_secs(60),
    };
    let store = Store::new(&sdk, settings.clone());
    store.create_resources().await.unwrap();
    // The notifier function's own handles: what it touches is logged.
    let access = AccessLog::of("notifier");
    let notifier = Store::observed(&sdk, settings, None, Some(access.clone()));
    let at = NaiveDate::from_ymd_opt(2026, 6, 3)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap();
    let citizen = Actor {
        id: "citizen-1".into(),
        role: Role::Citizen,
    };
    let five_days = Some(domain::ResolutionTime::whole(5, domain::TimeUnit::WorkingDays).unwrap());
    let mut progress =
        DossierProgress::open(Action::SubmitOnline, citizen, at, five_days, None).unwrap();
    let applicant = Applicant::parse(
        OwnerType::Citizen,
        "Trần Thị Bình",
        "001099012345",
        "0912345678",
        Some("binh@example.vn"),
        "Hà Nội",
    )
    .unwrap();
    let mut record = store
        .submit(
            NewDossier {
                procedure_code: ProcedureCode::parse("1.003677").unwrap(),
                procedure_name: "Khai báo tạm vắng".into(),
                agency: domain::AgencyCode::parse("000.00.01.H29").unwrap(),
                owner: Some("citizen-1".into()),
                channel: Channel::Online,
                applicant,
                summary: "Khai báo tạm vắng".into(),
                result_delivery: ResultDelivery::Online,
                resolution: None,
                due_at: None,
                files: Vec::new(),
                papers: Vec::new(),
                tracking_secret: "secret".into(),
                opening: progress.last_event().clone(),
                national: None,
            },
            None,
            None,
        )
        .await
        .unwrap()
        .record;
    let desk = Actor {
        id: "desk-1".into(),
        role: Role::Desk,
    };
    let event = progress
        .act(&WorkingCalendar::vietnam(), Action::Accept, desk, at, None)
        .unwrap()
        .clone();
    record
        .follow(&progress, &WorkingCalendar::vietnam(), at)
        .unwrap();
    store.record_change(&record, &event, None).await.unwrap();

    let outbox = LocalOutbox::default();
    assert_eq!(
        dispatch(&notifier, &outbox, "https://dichvucong.example", 10)
            .await
            .unwrap(),
        2
    );
    assert_eq!(
        dispatch(&notifier, &outbox, "https://dichvucong.example", 10)
            .await
            .unwrap(),
        0
    );
    assert!(
        store
            .pending_outbox(OutboxKind::Notify, 10)
            .await
            .unwrap()
            .is_empty()
    );
    // The national-portal outbox is another consumer's and stays.
    assert_eq!(
        store
            .pending_outbox(OutboxKind::Dvcqg, 10)
            .await
            .unwrap()
            .len(),
        2
    );

    let messages = outbox.messages();
    assert_eq!(
        messages[0].subject,
        "Hồ sơ 000.00.01.H29-260603-0001: Được tiếp nhận"
    );
    assert_eq!(
        messages[1].subject,
        "Hồ sơ 000.00.01.H29-260603-0001: Mới đăng ký"
    );
    assert!(messages[0].body.starts_with("Kính gửi Trần Thị Bình,"));
    assert!(
        messages[0]
            .body
            .contains("Tiếp nhận hồ sơ lúc 10:00 ngày 03/06/2026")
    );
    assert!(
        messages[0]
            .body
            .contains("https://dichvucong.example/tra-cuu/?ma=000.00.01.H29-260603-0001")
    );
    assert_eq!(
        messages[0].email.as_ref().unwrap().as_str(),
        "binh@example.vn"
    );
    assert_eq!(messages[0].phone.as_ref().unwrap().e164(), "+84912345678");

    // Moves inside the agency are not news; a new appointment is.
    let calendar = WorkingCalendar::vietnam();
    let official = |id: &str, role| Actor {
        id: id.into(),
        role,
    };
    let later = at + chrono::Duration::minutes(5);
    let routed = progress
        .hand_over(
            &calendar,
            Action::AssignDepartment,
            official("desk-1", Role::Desk),
            later,
            None,
            "phong-1".into(),
        )
        .unwrap()
        .clone();
    record.follow(&progress, &calendar, later).unwrap();
    store.record_change(&record, &routed, None).await.unwrap();
    let assigned = progress
        .hand_over(
            &calendar,
            Action::AssignSpecialist,
            official("head-1", Role::DepartmentHead),
            later,
            None,
            "cv-1".into(),
        )
        .unwrap()
        .clone();
    record.follow(&progress, &calendar, later).unwrap();
    store.record_change(&record, &assigned, None).await.unwrap();
    let new_due = chrono::NaiveDate::from_ymd_opt(2026, 6, 19)
        .unwrap()
        .and_hms_opt(17, 0, 0)
        .unwrap();
    let extended = progress
        .act(
            &calendar,
            Action::Extend { new_due },
            official("head-1", Role::DepartmentHead),
            later,
            Some("Cần xác minh".into()),
        )
        .unwrap()
        .clone();
    record.follow(&progress, &calendar, later).unwrap();
    store.record_change(&record, &extended, None).await.unwrap();
    assert_eq!(
        dispatch(&notifier, &outbox, "https://dichvucong.example", 10)
            .await
            .unwrap(),
        2
    );
    assert!(
        store
            .pending_outbox(OutboxKind::Notify, 10)
            .await
            .unwrap()
            .is_empty()
    );
    let messages = outbox.messages();
    assert_eq!(
        messages[1].subject,
        "Hồ sơ 000.00.01.H29-260603-0001: Đang xử lý"
    );
    assert!(
        messages[0]
            .body
            .contains("Ngày hẹn trả kết quả mới: 17:00 ngày 19/06/2026."),
        "{}",
        messages[0].body
    );
    assert!(messages[0].body.contains("Nội dung: Cần xác minh"));
    assert!(
        !messages[0].body.contains("đánh giá"),
        "no rating asked before the result"
    );

    // The result handed over: the message asks for a rating.
    for (action, who, role) in [
        (Action::StartReview, "cv-1", Role::Specialist),
        (Action::SubmitForApproval, "cv-1", Role::Specialist),
        (Action::Approve, "head-1", Role::DepartmentHead),
        (Action::ReturnResult, "desk-1", Role::Desk),
    ] {
        let event = progress
            .act(&calendar, action, official(who, role), later, None)
            .unwrap()
            .clone();
        record.follow(&progress, &calendar, later).unwrap();
        store.record_change(&record, &event, None).await.unwrap();
    }
    dispatch(&notifier, &outbox, "https://dichvucong.example", 10)
        .await
        .unwrap();
    let returned = &outbox.messages()[0];
    assert!(
        returned.subject.ends_with("Đã trả kết quả"),
        "{}",
        returned.subject
    );
    assert!(
        returned.body.contains(
            "Mời ông/bà đánh giá mức độ hài lòng về việc giải quyết hồ sơ (9 tiêu chí, khoảng 1 phút), trong 72 giờ tới vẫn có thể sửa: https://dichvucong.example/tra-cuu/?ma=000.00.01.H29-260603-0001&muc=danh-gia"
        ),
        "{}",
        returned.body
    );
    assert!(
        returned.sms.contains("Moi danh gia muc do hai long"),
        "{}",
        returned.sms
    );
    // Every request the dispatch made is one the notifier's role allows.
    infra::assert_allowed(&access.entries());
}
