//! Feedback and petitions (PAKN) end to end: sent with or without an
//! account, followed with the tracking secret, handled by the desk and the
//! agency's leaders of its own agency, along every deadline path of
//! `domain::petition` (refused, asked about, answered and published,
//! reopened, overdue, asked about too late).

use reqwest::{Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn at(m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    chrono::NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

fn petition(consent: bool) -> Value {
    json!({
        "kind": "feedback",
        "about": {"kind": "procedure", "code": TEMPORARY_ABSENCE},
        "title": "Cán bộ hẹn trả kết quả nhiều lần",
        "content": "Tôi nộp hồ sơ khai báo tạm vắng nhưng đã ba lần được hẹn lại mà không rõ lý do.",
        "contact": {"full_name": "Trần Thị Bình", "phone": "0987 654 321", "email": "binh.tran@example.vn"},
        "publish_consent": consent,
    })
}

/// A move of the sender's (`bo-sung` or `xem-xet-lai`) with the secret.
async fn sender(app: &TestApp, code: &str, secret: &str, what: &str, body: &Value) -> Response {
    app.http
        .post(format!("{}/api/phan-anh/{code}/{what}", app.base))
        .header("X-Tracking-Secret", secret)
        .json(body)
        .send()
        .await
        .unwrap()
}

fn agency() -> domain::AgencyCode {
    domain::AgencyCode::parse(AGENCY).unwrap()
}

#[tokio::test]
async fn a_petition_refused_within_two_working_days_leaves_the_queue_on_time() {
    let app = spawn_app().await;
    app.onboard().await;
    // Wednesday 03/06 10:00, without an account.
    let response = app.send_case(PETITIONS, None, &petition(false), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();
    let parsed = domain::PetitionCode::parse(&code).unwrap();
    assert_eq!(parsed.day(), now().date());
    assert_eq!(
        receipt["deadlines"]["refuse_by"]["at"],
        "2026-06-05T17:00:00+07:00"
    );
    assert_eq!(
        receipt["deadlines"]["ask_by"]["at"],
        "2026-06-10T17:00:00+07:00"
    );
    assert_eq!(
        receipt["deadlines"]["answer_by"]["at"],
        "2026-06-24T17:00:00+07:00"
    );
    assert!(
        receipt["message"]
            .as_str()
            .unwrap()
            .contains("17:00 ngày 24/06/2026")
    );
    assert_eq!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open").await,
        [code.as_str()]
    );
    let view = app.case_desk_view(PETITIONS, "mot-cua-1", &code).await;
    assert_eq!(view["about"]["name"], "Khai báo tạm vắng");
    assert_eq!(view["contact"]["phone"], "0987654321");
    assert_eq!(view["contact"]["signed_in"], false);
    let offered: Vec<&str> = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["refuse", "request_info", "answer"]);

    // A reason is needed, then Thursday it is refused: within 2 working days.
    app.set_now(at(6, 4, 15, 0));
    let bare = app
        .move_case(PETITIONS, "mot-cua-1", &code, json!({"action": "refuse"}))
        .await;
    assert_eq!(
        problem_code(bare).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );
    let refused = app.case_moved(PETITIONS, "mot-cua-1",
        &code,
        json!({"action": "refuse", "note": "Nội dung đã được trả lời tại phản ánh trước.", "category": "Trùng lặp"}),
    )
    .await;
    assert_eq!(refused["status"]["stage"], "refused");
    assert_eq!(refused["on_time"], true);
    assert_eq!(refused["category"], "Trùng lặp");
    assert_eq!(refused["actions"], json!([]));
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open")
            .await
            .is_empty()
    );

    let seen = app.case_with_secret(PETITIONS, &code, &secret).await;
    assert_eq!(seen["status"]["label"], "Từ chối tiếp nhận");
    assert_eq!(
        seen["refusal_reason"],
        "Nội dung đã được trả lời tại phản ánh trước."
    );
    assert_eq!(seen["deadlines"], json!({}));
    assert!(
        seen["history"][1].get("by").is_none(),
        "no official named to the sender"
    );

    let late = app
        .move_case(
            PETITIONS,
            "mot-cua-1",
            &code,
            json!({"action": "answer", "note": "Trả lời"}),
        )
        .await;
    assert_eq!(
        problem_code(late).await,
        (StatusCode::CONFLICT, "THAO_TAC_KHONG_HOP_LE".into())
    );
    assert_eq!(app.audit_operations(&code).await, ["pakn_refuse"]);
    let month = app
        .store
        .petitions_of_month(&agency(), now().date())
        .await
        .unwrap();
    assert_eq!(month.len(), 1);
    assert_eq!(month[0].on_time, Some(true));
}

#[tokio::test]
async fn asking_for_information_stops_the_answer_clock_until_it_is_provided() {
    let app = spawn_app().await;
    app.onboard().await;
    let token = app.citizen("citizen-pakn-info");
    let file = app.upload(&token, "application/pdf", pdf("giay hen")).await;
    let mut form = petition(false);
    form["files"] = json!([file]);
    let response = app.send_case(PETITIONS, Some(&token), &form, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();

    // Thursday the desk asks for the dossier's code.
    app.set_now(at(6, 4, 10, 0));
    let asked = app
        .case_moved(
            PETITIONS,
            "mot-cua-1",
            &code,
            json!({"action": "request_info", "note": "Đề nghị cung cấp mã hồ sơ đã nộp."}),
        )
        .await;
    assert_eq!(asked["status"]["stage"], "info_requested");
    assert_eq!(asked["files"].as_array().unwrap().len(), 1);
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open")
            .await
            .is_empty()
    );
    let waiting = app.case_list(PETITIONS, "mot-cua-1", "waiting").await;
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].get("outlook").is_none(), "the sender's move");

    // The account it was sent from reads it without the secret.
    let mine: Value = app
        .read_case(PETITIONS, &code, None, Some(&token))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(mine["action_required"]["kind"], "provide_info");
    assert_eq!(
        mine["action_required"]["message"],
        "Đề nghị cung cấp mã hồ sơ đã nộp."
    );

    // Files need the account; text alone does not.
    let anonymous_files = sender(
        &app,
        &code,
        &secret,
        "bo-sung",
        &json!({"note": "Mã hồ sơ kèm theo", "files": ["00000000-0000-4000-8000-000000000000"]}),
    )
    .await;
    let status = anonymous_files.status();
    let problem: Value = anonymous_files.json().await.unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "CAN_DANG_NHAP_DE_DINH_KEM_TEP");
    assert_eq!(problem["field"], "files");
    let empty = sender(&app, &code, &secret, "bo-sung", &json!({})).await;
    assert_eq!(
        problem_code(empty).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );

    // A week (5 working days) later it comes: the answer is due 5 working days later.
    app.set_now(at(6, 11, 10, 0));
    let provided = sender(
        &app,
        &code,
        &secret,
        "bo-sung",
        &json!({"note": "Mã hồ sơ: 000.00.01.H29-260520-0007"}),
    )
    .await;
    assert_eq!(provided.status(), StatusCode::OK);
    let provided: Value = provided.json().await.unwrap();
    assert_eq!(provided["status"]["stage"], "received");
    assert_eq!(
        provided["deadlines"]["answer_by"]["at"],
        "2026-07-01T17:00:00+07:00"
    );
    let open = app.case_list(PETITIONS, "mot-cua-1", "open").await;
    assert_eq!(open.len(), 1);
    assert_eq!(open[0]["due_at"], "2026-07-01T17:00:00+07:00");

    // Provided twice: not asked any more.
    let again = sender(&app, &code, &secret, "bo-sung", &json!({"note": "Thêm"})).await;
    assert_eq!(
        problem_code(again).await,
        (StatusCode::CONFLICT, "THAO_TAC_KHONG_HOP_LE".into())
    );

    app.set_now(at(6, 30, 9, 0));
    let answered = app
        .case_moved(
            PETITIONS,
            "lanh-dao-1",
            &code,
            json!({"action": "answer", "note": "Hồ sơ của ông/bà đã được giải quyết ngày 29/6."}),
        )
        .await;
    assert_eq!(answered["on_time"], true, "the wait does not count");
    assert_eq!(
        answered["history"][1]["by"], "Cán bộ mot-cua-1",
        "the back office sees who asked"
    );
    assert_eq!(
        app.audit_operations(&code).await,
        ["pakn_request_info", "pakn_answer"]
    );
}

#[tokio::test]
async fn an_answer_is_published_and_a_reopened_petition_is_answered_again() {
    let app = spawn_app().await;
    app.onboard().await;
    let (code, secret) = app.send_case_anonymously(PETITIONS, &petition(true)).await;

    app.set_now(at(6, 5, 9, 0));
    let answered = app
        .case_moved(
            PETITIONS,
            "mot-cua-2",
            &code,
            json!({"action": "answer", "note": "Đã nhắc nhở cán bộ; hồ sơ được trả đúng hẹn."}),
        )
        .await;
    assert_eq!(answered["status"]["stage"], "answered");
    assert_eq!(
        answered["deadlines"]["publish_by"]["at"],
        "2026-06-09T17:00:00+07:00"
    );
    assert_eq!(answered["actions"][0]["key"], "publish");
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open")
            .await
            .is_empty()
    );
    assert_eq!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "publish").await,
        [code.as_str()]
    );
    let seen = app.case_with_secret(PETITIONS, &code, &secret).await;
    assert_eq!(
        seen["answer"]["text"],
        "Đã nhắc nhở cán bộ; hồ sơ được trả đúng hẹn."
    );
    assert_eq!(seen["answer"]["published"], false);
    assert_eq!(seen["may_reopen"], true);

    app.set_now(at(6, 8, 9, 0));
    let published = app
        .case_moved(PETITIONS, "lanh-dao-1", &code, json!({"action": "publish"}))
        .await;
    assert_eq!(published["published"], true);
    assert_eq!(published["overdue"], json!([]));
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "publish")
            .await
            .is_empty()
    );
    // The public record the site's publication reads: the texts, never the sender.
    let public = app.store.published_petitions().await.unwrap();
    assert_eq!(public.len(), 1);
    assert_eq!(public[0].code.as_str(), code);
    assert_eq!(public[0].published_at, at(6, 8, 9, 0));
    let written = serde_json::to_string(&public[0]).unwrap();
    for private in ["Trần Thị Bình", "0987654321", "binh.tran@example.vn"] {
        assert!(!written.contains(private), "{private} in {written}");
    }
    let page = format!("/phan-anh-kien-nghi/{}/", code.to_ascii_lowercase());
    assert_eq!(
        app.case_with_secret(PETITIONS, &code, &secret).await["answer"]["page"],
        page
    );
    let twice = app
        .move_case(PETITIONS, "lanh-dao-1", &code, json!({"action": "publish"}))
        .await;
    assert_eq!(
        problem_code(twice).await,
        (StatusCode::CONFLICT, "DA_CONG_KHAI".into())
    );

    // Not solved: the sender asks for another look, a new round of 15 days.
    app.set_now(at(6, 10, 14, 0));
    let reason_missing = sender(&app, &code, &secret, "xem-xet-lai", &json!({"reason": " "})).await;
    assert_eq!(
        problem_code(reason_missing).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );
    let reopened = sender(
        &app,
        &code,
        &secret,
        "xem-xet-lai",
        &json!({"reason": "Lần hẹn thứ tư vẫn chưa có kết quả."}),
    )
    .await;
    assert_eq!(reopened.status(), StatusCode::OK);
    let reopened: Value = reopened.json().await.unwrap();
    assert_eq!(reopened["status"]["stage"], "received");
    assert_eq!(reopened["rounds"], 2);
    assert!(
        app.store.published_petitions().await.unwrap().is_empty(),
        "the answer that did not solve it leaves the site"
    );
    assert_eq!(
        reopened["deadlines"]["answer_by"]["at"],
        "2026-07-01T17:00:00+07:00"
    );
    assert_eq!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open").await,
        [code.as_str()]
    );

    app.set_now(at(6, 12, 9, 0));
    let again = app
        .case_moved(
            PETITIONS,
            "lanh-dao-1",
            &code,
            json!({"action": "answer", "note": "Đã giao kết quả tận nhà ngày 11/6."}),
        )
        .await;
    assert_eq!(
        (again["rounds"].as_u64(), again["on_time"].as_bool()),
        (Some(2), Some(true))
    );
    let seen = app.case_with_secret(PETITIONS, &code, &secret).await;
    let actions: Vec<&str> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "Tiếp nhận phản ánh, kiến nghị",
            "Trả lời",
            "Công khai câu trả lời",
            "Đề nghị xem xét lại",
            "Trả lời"
        ]
    );
    assert_eq!(seen["answer"]["text"], "Đã giao kết quả tận nhà ngày 11/6.");

    // Three weeks on, the window to reopen has closed.
    app.set_now(at(7, 6, 9, 0));
    let closed = sender(
        &app,
        &code,
        &secret,
        "xem-xet-lai",
        &json!({"reason": "Vẫn chưa"}),
    )
    .await;
    assert_eq!(
        problem_code(closed).await,
        (StatusCode::CONFLICT, "QUA_HAN_XEM_XET_LAI".into())
    );

    // Without consent, an answer stays off the site.
    app.set_now(now());
    let (private, _) = app.send_case_anonymously(PETITIONS, &petition(false)).await;
    app.case_moved(
        PETITIONS,
        "mot-cua-1",
        &private,
        json!({"action": "answer", "note": "Trả lời riêng"}),
    )
    .await;
    // Only the reopened one's new answer waits to be published.
    assert_eq!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "publish").await,
        [code.as_str()]
    );
    let refused = app
        .move_case(
            PETITIONS,
            "mot-cua-1",
            &private,
            json!({"action": "publish"}),
        )
        .await;
    assert_eq!(
        problem_code(refused).await,
        (StatusCode::CONFLICT, "KHONG_DONG_Y_CONG_KHAI".into())
    );
}

#[tokio::test]
async fn an_unanswered_petition_shows_in_the_overdue_queue() {
    let app = spawn_app().await;
    app.onboard().await;
    let (late, _) = app.send_case_anonymously(PETITIONS, &petition(false)).await;
    app.set_now(at(6, 8, 10, 0));
    let (recent, _) = app.send_case_anonymously(PETITIONS, &petition(false)).await;

    // The morning it is due: not overdue yet, but due soon.
    app.set_now(at(6, 24, 9, 0));
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "overdue")
            .await
            .is_empty()
    );
    let open = app.case_list(PETITIONS, "mot-cua-1", "open").await;
    let codes: Vec<&str> = open.iter().map(|i| i["code"].as_str().unwrap()).collect();
    assert_eq!(codes, [late.as_str(), recent.as_str()], "soonest due first");
    assert_eq!(open[0]["outlook"], "due_soon");
    assert_eq!(open[1]["outlook"], "on_track");

    app.set_now(at(6, 24, 17, 30));
    app.counter.reset();
    let overdue = app.case_list(PETITIONS, "lanh-dao-1", "overdue").await;
    let requests = app.counter.snapshot();
    assert_eq!(requests.get("Query"), Some(&1), "{requests:?}");
    // The other two reads are the caller's account and the agency's calendar.
    assert_eq!(requests.get("GetItem"), Some(&2), "{requests:?}");
    assert_eq!(overdue.len(), 1);
    assert_eq!(overdue[0]["code"], late.as_str());
    assert_eq!(overdue[0]["outlook"], "overdue");
    let view = app.case_desk_view(PETITIONS, "mot-cua-1", &late).await;
    assert_eq!(view["overdue"], json!(["answer"]));

    // Answered late: off the queue, and counted late.
    let answered = app
        .case_moved(
            PETITIONS,
            "mot-cua-1",
            &late,
            json!({"action": "answer", "note": "Xin lỗi vì trả lời chậm."}),
        )
        .await;
    assert_eq!(answered["on_time"], false);
    assert!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "overdue")
            .await
            .is_empty()
    );
    assert_eq!(
        app.case_list_codes(PETITIONS, "mot-cua-1", "open").await,
        [recent]
    );
    let month = app
        .store
        .petitions_of_month(&agency(), now().date())
        .await
        .unwrap();
    let late_record = month.iter().find(|p| p.code.as_str() == late).unwrap();
    assert_eq!(late_record.on_time, Some(false));
}

#[tokio::test]
async fn asking_for_information_after_five_working_days_is_refused() {
    let app = spawn_app().await;
    app.onboard().await;
    let (code, _) = app.send_case_anonymously(PETITIONS, &petition(false)).await;
    // Asking was possible until Wednesday 10/06, at the close of office hours.
    app.set_now(at(6, 11, 8, 0));
    let view = app.case_desk_view(PETITIONS, "mot-cua-1", &code).await;
    let offered: Vec<&str> = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(offered, ["refuse", "answer"]);
    let response = app
        .move_case(
            PETITIONS,
            "mot-cua-1",
            &code,
            json!({"action": "request_info", "note": "Đề nghị cung cấp thêm thông tin."}),
        )
        .await;
    let status = response.status();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["code"], "QUA_HAN_DE_NGHI_BO_SUNG");
    assert!(
        problem["title"]
            .as_str()
            .unwrap()
            .contains("5 ngày làm việc")
    );
    assert_eq!(
        app.case_desk_view(PETITIONS, "mot-cua-1", &code).await["version"],
        1,
        "nothing written"
    );
    assert!(app.audit_operations(&code).await.is_empty());
}

#[tokio::test]
async fn a_stranger_and_another_agencys_official_see_no_petition() {
    let app = spawn_app().await;
    app.onboard().await;
    let owner = app.citizen("citizen-pakn-owner");
    let response = app
        .send_case(PETITIONS, Some(&owner), &petition(false), None)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();

    app.assert_only_its_holders_read(
        PETITIONS,
        &code,
        &secret,
        &owner,
        &["PAKN-260603-ZZZZZZ", "PAKN-260603-0OOOOO", "khong-phai-ma"],
    )
    .await;
    let stranger_reopens = sender(
        &app,
        &code,
        "doan-bua",
        "xem-xet-lai",
        &json!({"reason": "x"}),
    )
    .await;
    assert_eq!(stranger_reopens.status(), StatusCode::NOT_FOUND);

    app.assert_only_its_handlers_see(PETITIONS, &code, "open")
        .await;
}

#[tokio::test]
async fn of_two_officials_answering_at_once_one_wins_and_the_other_sees_the_answer() {
    let app = spawn_app().await;
    app.onboard().await;
    let (code, _) = app.send_case_anonymously(PETITIONS, &petition(false)).await;
    let answers = json!({"action": "answer", "version": 1, "note": "Trả lời của bộ phận một cửa"});
    let refuses = json!({"action": "refuse", "version": 1, "note": "Không thuộc thẩm quyền"});
    app.assert_one_of_two_moves_wins(PETITIONS, &code, answers, refuses)
        .await;
}

#[tokio::test]
async fn a_repeated_submission_with_the_same_key_returns_the_same_petition() {
    let app = spawn_app().await;
    let form = petition(false);
    app.assert_one_case_per_key(PETITIONS, &form, "pakn-mot-lan")
        .await;
    let month = app
        .store
        .petitions_of_month(&agency(), now().date())
        .await
        .unwrap();
    assert_eq!(month.len(), 1, "one petition");
    // Another sender's key of the same spelling is theirs.
    let mut neighbour = form.clone();
    neighbour["contact"]["phone"] = json!("0911222333");
    let theirs = app
        .send_case(PETITIONS, None, &neighbour, Some("pakn-mot-lan"))
        .await;
    assert_eq!(theirs.status(), StatusCode::CREATED);
    let signed_in = app
        .send_case(
            PETITIONS,
            Some(&app.citizen("citizen-pakn-key")),
            &form,
            Some("pakn-mot-lan"),
        )
        .await;
    assert_eq!(signed_in.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn bad_petitions_are_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let cases = [
        ("kind", json!("khieu-nai")),
        ("title", json!("")),
        ("title", json!("T".repeat(201))),
        ("content", json!("N".repeat(5001))),
    ];
    for (field, value) in cases {
        let mut form = petition(false);
        form[field] = value;
        let response = app.send_case(PETITIONS, None, &form, None).await;
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(problem["field"], field);
    }
    for (path, value, field) in [
        ("phone", json!("12345"), "contact.phone"),
        ("email", json!("khong-phai-email"), "contact.email"),
        ("full_name", json!("  "), "contact.full_name"),
    ] {
        let mut form = petition(false);
        form["contact"][path] = value;
        let problem: Value = app
            .send_case(PETITIONS, None, &form, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(problem["field"], field);
    }
    for (about, field) in [
        (
            json!({"kind": "procedure", "code": "1.999999"}),
            "about.code",
        ),
        (json!({"kind": "dossier", "code": "HS-1"}), "about.code"),
        (json!({"kind": "ca-nhan"}), "about.kind"),
    ] {
        let mut form = petition(false);
        form["about"] = about;
        let problem: Value = app
            .send_case(PETITIONS, None, &form, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(problem["field"], field);
    }
    // A petition about a dossier goes to the dossier's agency, if it is served here.
    let mut elsewhere = petition(false);
    elsewhere["about"] = json!({"kind": "dossier", "code": "000.00.09.H09-260601-0001"});
    let problem: Value = app
        .send_case(PETITIONS, None, &elsewhere, None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(problem["field"], "agency");

    // Files need an account: uploads do.
    let mut with_files = petition(false);
    with_files["files"] = json!(["00000000-0000-4000-8000-000000000000"]);
    let response = app.send_case(PETITIONS, None, &with_files, None).await;
    let status = response.status();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(problem["code"], "CAN_DANG_NHAP_DE_DINH_KEM_TEP");
    assert!(problem["title"].as_str().unwrap().contains("đăng nhập"));

    let doc = app
        .assert_described(&[
            "/api/phan-anh",
            "/api/phan-anh/{code}",
            "/api/phan-anh/{code}/bo-sung",
            "/api/phan-anh/{code}/xem-xet-lai",
            "/api/can-bo/phan-anh",
            "/api/can-bo/phan-anh/{code}",
            "/api/can-bo/phan-anh/{code}/actions",
        ])
        .await;
    let listed = &doc["paths"]["/api/can-bo/phan-anh"]["get"]["parameters"];
    assert!(
        listed
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["name"] == "queue" && p["in"] == "query"),
        "{listed}"
    );
}

#[tokio::test]
async fn a_signed_in_sender_lists_their_own_petitions_newest_first() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-pakn-mine");
    let first = app
        .send_case(PETITIONS, Some(&token), &petition(false), None)
        .await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let first: Value = first.json().await.unwrap();
    app.set_now(at(6, 4, 9, 0));
    let mut second = petition(true);
    second["kind"] = json!("recommendation");
    second["about"] = json!({"kind": "agency"});
    second["title"] = json!("Đề nghị mở thêm quầy tiếp nhận buổi trưa");
    let second: Value = app
        .send_case(PETITIONS, Some(&token), &second, None)
        .await
        .json()
        .await
        .unwrap();
    // Sent without signing in: not on the account's list.
    app.send_case_anonymously(PETITIONS, &petition(false)).await;

    let mine = |token: String, query: String| {
        let app = &app;
        async move {
            app.http
                .get(format!("{}/api/phan-anh{query}", app.base))
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
        }
    };
    let listed: Value = mine(token.clone(), String::new())
        .await
        .json()
        .await
        .unwrap();
    let items = listed["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{listed}");
    assert_eq!(items[0]["code"], second["code"]);
    assert_eq!(items[0]["kind_label"], "Kiến nghị");
    assert_eq!(items[0]["about_label"], "Cơ quan, đơn vị");
    assert_eq!(items[0]["status"]["label"], "Đang xử lý");
    assert_eq!(items[0]["waits_for_you"], false);
    assert_eq!(items[1]["code"], first["code"]);
    assert_eq!(items[1]["answer_by"]["text"], "17:00 ngày 24/06/2026");

    // One a page, the cursor leads on.
    let page: Value = mine(token.clone(), "?limit=1".into())
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["code"], second["code"]);
    // A cursor is URL-safe base64: it goes in the query as it is.
    let cursor = page["next_cursor"].as_str().unwrap().to_owned();
    let next: Value = mine(token.clone(), format!("?limit=1&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(next["items"][0]["code"], first["code"]);
    // The cursor opens no one else's list.
    let stranger = app.citizen("citizen-pakn-mine-stranger");
    let theirs = mine(stranger.clone(), format!("?limit=1&cursor={cursor}")).await;
    assert_eq!(theirs.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let empty: Value = mine(stranger, String::new()).await.json().await.unwrap();
    assert_eq!(empty["items"], json!([]));
    // Petitions are not dossiers.
    let dossiers: Value = app.my_dossiers(&token, "").await.json().await.unwrap();
    assert_eq!(dossiers["items"], json!([]));
    let anonymous = app
        .http
        .get(format!("{}/api/phan-anh", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn the_form_names_the_agencies_and_the_upload_limits() {
    let app = spawn_app().await;
    let form: Value = app
        .http
        .get(format!("{}/api/phan-anh/bieu-mau", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(form["default_agency"], AGENCY);
    assert_eq!(form["agencies"][0]["code"], AGENCY);
    assert_eq!(form["max_text"], 5000);
    assert_eq!(form["max_files"], 10);
    assert_eq!(
        (
            &form["refuse_within"],
            &form["ask_within"],
            &form["answer_within"]
        ),
        (&json!(2), &json!(5), &json!(15))
    );
    assert!(
        form["file_types"]
            .as_array()
            .unwrap()
            .contains(&json!("application/pdf"))
    );
}

#[tokio::test]
async fn a_petition_sent_on_the_national_portal_is_answered_here_but_not_asked_about() {
    let app = spawn_app().await;
    app.onboard().await;
    let calendar = domain::WorkingCalendar::vietnam();
    let progress = domain::PetitionProgress::open(now(), false);
    let deadlines = progress.deadlines(&calendar, now()).unwrap();
    let sent = app
        .store
        .submit_petition(
            store::NewPetition {
                agency: agency(),
                kind: domain::PetitionKind::Feedback,
                about: domain::PetitionTopic::Agency,
                procedure_name: None,
                title: "Đèn đường hỏng".into(),
                content: "Đèn đường thôn Đông hỏng đã hai tuần.".into(),
                contact: store::PetitionContact {
                    name: "Lê Thị Hoa".into(),
                    phone: domain::PhoneNumber::parse("0987654321").unwrap(),
                    email: None,
                    address: None,
                },
                owner: None,
                files: Vec::new(),
                publish_consent: false,
                tracking_secret: "khong-ai-biet".into(),
                opening: progress.events()[0].clone(),
                answer_by: deadlines.answer_by,
                national: Some(store::NationalPetition {
                    code: domain::NationalPetitionCode::parse("PAKN-2026-000123").unwrap(),
                    field: None,
                }),
            },
            None,
        )
        .await
        .unwrap();
    let code = sent.record.code.to_string();
    let view = app.case_desk_view(PETITIONS, "mot-cua-1", &code).await;
    assert_eq!(view["national_code"], "PAKN-2026-000123");
    let offered: Vec<&str> = view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        offered,
        ["refuse", "answer"],
        "no asking a sender who is not here"
    );
    let asked = app
        .move_case(
            PETITIONS,
            "mot-cua-1",
            &code,
            json!({"action": "request_info", "note": "Thôn nào?"}),
        )
        .await;
    assert_eq!(
        problem_code(asked).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );
    let answered = app
        .case_moved(
            PETITIONS,
            "mot-cua-1",
            &code,
            json!({"action": "answer", "note": "Đã thay bóng đèn."}),
        )
        .await;
    assert_eq!(answered["status"]["stage"], "answered");
}
