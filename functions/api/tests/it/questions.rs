//! Questions and answers (hỏi đáp) end to end: asked with or without an
//! account, read back with the secret, answered (and corrected),
//! published, withdrawn or declined by the desk and the agency's leaders of
//! its own agency; one question per repeated submission; one winner when
//! two officials act at once.

use reqwest::StatusCode;
use serde_json::{Value, json};
use store::QuestionPacket;

use crate::helpers::*;

fn question() -> Value {
    json!({
        "about": {"kind": "procedure", "code": TEMPORARY_ABSENCE},
        "title": "Khai báo tạm vắng khi đi làm xa",
        "question": "Tôi đi làm ở tỉnh khác sáu tháng thì có phải khai báo tạm vắng không, và khai ở đâu?",
        "contact": {"full_name": "Trần Thị Bình", "phone": "0987 654 321"},
    })
}

async fn published(app: &TestApp) -> Vec<String> {
    app.store
        .published_questions()
        .await
        .unwrap()
        .iter()
        .map(|r| r.code.to_string())
        .collect()
}

#[tokio::test]
async fn a_question_is_answered_corrected_published_and_withdrawn() {
    let app = spawn_app().await;
    app.onboard().await;
    let response = app.send_case(QUESTIONS, None, &question(), None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();
    assert_eq!(
        domain::QuestionCode::parse(&code).unwrap().day(),
        now().date()
    );
    assert_eq!(receipt["status"]["stage"], "asked");
    assert!(receipt["message"].as_str().unwrap().contains(&code));

    assert_eq!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unanswered")
            .await,
        [code.as_str()]
    );
    let view = app.case_desk_view(QUESTIONS, "mot-cua-1", &code).await;
    assert_eq!(view["about"]["name"], "Khai báo tạm vắng");
    assert_eq!(view["asker"]["phone"], "0987654321");
    assert_eq!(view["asker"]["signed_in"], false);
    assert_eq!(view["origin"]["kind"], "local");
    assert_eq!(offered_actions(&view), ["answer", "decline"]);

    // The asker sees no answer yet, and none of the officials' notes ever.
    let mine = app.case_with_secret(QUESTIONS, &code, &secret).await;
    assert_eq!(mine["status"]["label"], "Chờ trả lời");
    assert!(mine.get("answer").is_none());

    let answered = app
        .case_moved(
            QUESTIONS,
            "mot-cua-1",
            &code,
            json!({"action": "answer", "note": "Có. Khai tại Công an xã nơi đang thường trú."}),
        )
        .await;
    assert_eq!(answered["status"]["stage"], "answered");
    assert_eq!(
        offered_actions(&answered),
        ["answer", "publish", "withdraw"]
    );
    assert_eq!(answered["actions"][0]["label"], "Sửa câu trả lời");
    assert!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unanswered")
            .await
            .is_empty()
    );
    assert_eq!(
        app.case_list_codes(QUESTIONS, "lanh-dao-1", "unpublished")
            .await,
        [code.as_str()]
    );
    assert!(
        app.store
            .pending_question_sync(10)
            .await
            .unwrap()
            .is_empty(),
        "a local question goes to the national portal once published, not before"
    );

    // A leader corrects it before publication; the answer stays signed by them.
    let corrected = app.case_moved(QUESTIONS, "lanh-dao-1",
        &code,
        json!({"action": "answer", "note": "Có, nếu đi khỏi xã từ 12 tháng trở lên; khai tại Công an xã nơi thường trú."}),
    )
    .await;
    assert_eq!(corrected["history"][2]["action"], "Sửa câu trả lời");
    assert_eq!(corrected["history"][2]["by"], "Cán bộ lanh-dao-1");
    assert_eq!(
        corrected["answered_by"],
        "Cán bộ lanh-dao-1 (Lãnh đạo đơn vị)"
    );
    let mine = app.case_with_secret(QUESTIONS, &code, &secret).await;
    assert!(
        mine["answer"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Có, nếu đi khỏi xã từ 12 tháng")
    );
    assert_eq!(mine["answer"]["published"], false);
    assert!(mine["history"][1].get("note").is_none());
    assert!(mine["history"][1].get("by").is_none());

    let public = app
        .case_moved(QUESTIONS, "mot-cua-2", &code, json!({"action": "publish"}))
        .await;
    assert_eq!(public["status"]["stage"], "published");
    assert_eq!(offered_actions(&public), ["withdraw"]);
    assert!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unpublished")
            .await
            .is_empty()
    );
    assert_eq!(published(&app).await, [code.as_str()]);
    let mine = app.case_with_secret(QUESTIONS, &code, &secret).await;
    let page = format!("/hoi-dap/{}/", code.to_lowercase());
    assert_eq!(mine["answer"]["page"], page.as_str());
    let queued = app.store.pending_question_sync(10).await.unwrap();
    assert_eq!(queued.len(), 1);
    assert_eq!(queued[0].packet, QuestionPacket::Question);
    assert_eq!(queued[0].code.as_str(), code);

    // Corrected only once taken down; then off the site.
    let in_place = app
        .move_case(
            QUESTIONS,
            "mot-cua-1",
            &code,
            json!({"action": "answer", "note": "Sửa"}),
        )
        .await;
    assert_eq!(
        problem_code(in_place).await,
        (StatusCode::CONFLICT, "THAO_TAC_KHONG_HOP_LE".into())
    );
    let no_reason = app
        .move_case(QUESTIONS, "mot-cua-1", &code, json!({"action": "withdraw"}))
        .await;
    let problem: Value = no_reason.json().await.unwrap();
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("DU_LIEU_KHONG_HOP_LE"), Some("note"))
    );
    let withdrawn = app
        .case_moved(
            QUESTIONS,
            "lanh-dao-1",
            &code,
            json!({"action": "withdraw", "note": "Quy định đã thay đổi"}),
        )
        .await;
    assert_eq!(withdrawn["status"]["stage"], "withdrawn");
    assert!(published(&app).await.is_empty());
    assert!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unpublished")
            .await
            .is_empty()
    );
    assert_eq!(
        app.case_with_secret(QUESTIONS, &code, &secret).await["answer"]["published"],
        false
    );
    assert_eq!(
        app.audit_operations(&code).await,
        [
            "hoi_dap_answer",
            "hoi_dap_answer",
            "hoi_dap_publish",
            "hoi_dap_withdraw"
        ]
    );
}

#[tokio::test]
async fn a_declined_question_says_why_and_leaves_the_list() {
    let app = spawn_app().await;
    app.onboard().await;
    let (code, secret) = app.send_case_anonymously(QUESTIONS, &question()).await;
    let without = app
        .move_case(
            QUESTIONS,
            "lanh-dao-1",
            &code,
            json!({"action": "decline", "note": " "}),
        )
        .await;
    let problem: Value = without.json().await.unwrap();
    assert_eq!(problem["field"], "note");
    assert!(problem["title"].as_str().unwrap().contains("lý do"));
    let declined = app.case_moved(QUESTIONS, "lanh-dao-1",
        &code,
        json!({"action": "decline", "note": "Câu hỏi về thủ tục của cơ quan khác; đề nghị hỏi Công an tỉnh."}),
    )
    .await;
    assert_eq!(declined["status"]["stage"], "declined");
    assert!(offered_actions(&declined).is_empty());
    assert!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unanswered")
            .await
            .is_empty()
    );
    let mine = app.case_with_secret(QUESTIONS, &code, &secret).await;
    assert_eq!(mine["status"]["label"], "Từ chối trả lời");
    assert!(
        mine["decline_reason"]
            .as_str()
            .unwrap()
            .contains("Công an tỉnh")
    );
    let publish = app
        .move_case(QUESTIONS, "lanh-dao-1", &code, json!({"action": "publish"}))
        .await;
    assert_eq!(publish.status(), StatusCode::CONFLICT);
    let unknown = app
        .move_case(QUESTIONS, "lanh-dao-1", &code, json!({"action": "xoa"}))
        .await;
    let problem: Value = unknown.json().await.unwrap();
    assert_eq!(problem["field"], "action");
    assert_eq!(app.audit_operations(&code).await, ["hoi_dap_decline"]);
}

#[tokio::test]
async fn a_stranger_and_another_agencys_official_see_no_question() {
    let app = spawn_app().await;
    app.onboard().await;
    let owner = app.citizen("citizen-hoi-dap-owner");
    // Signed in, the account is contact enough.
    let mut body = question();
    body["contact"] = json!({"full_name": "Nguyễn Văn An"});
    let response = app.send_case(QUESTIONS, Some(&owner), &body, None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();

    app.assert_only_its_holders_read(
        QUESTIONS,
        &code,
        &secret,
        &owner,
        &["HD-260603-ZZZZZZ", "PAKN-260603-7KMQ4X", "khong-phai-ma"],
    )
    .await;
    app.assert_only_its_handlers_see(QUESTIONS, &code, "unanswered")
        .await;
}

#[tokio::test]
async fn of_two_officials_answering_at_once_one_wins_and_the_other_sees_the_answer() {
    let app = spawn_app().await;
    app.onboard().await;
    let (code, _) = app.send_case_anonymously(QUESTIONS, &question()).await;
    let answers = json!({"action": "answer", "version": 1, "note": "Trả lời của bộ phận một cửa"});
    let declines = json!({"action": "decline", "version": 1, "note": "Không thuộc thẩm quyền"});
    app.assert_one_of_two_moves_wins(QUESTIONS, &code, answers, declines)
        .await;
}

#[tokio::test]
async fn a_repeated_submission_with_the_same_key_is_one_question() {
    let app = spawn_app().await;
    app.onboard().await;
    let form = question();
    app.assert_one_case_per_key(QUESTIONS, &form, "hoi-mot-lan")
        .await;
    assert_eq!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unanswered")
            .await
            .len(),
        1
    );
    // Another asker's key of the same spelling is theirs.
    let mut neighbour = form.clone();
    neighbour["contact"] = json!({"full_name": "Lê Văn Cường", "email": "cuong@example.vn"});
    let theirs = app
        .send_case(QUESTIONS, None, &neighbour, Some("hoi-mot-lan"))
        .await;
    assert_eq!(theirs.status(), StatusCode::CREATED);
    // A page of the list is one Query, whatever the table holds.
    app.counter.reset();
    assert_eq!(
        app.case_list_codes(QUESTIONS, "mot-cua-1", "unanswered")
            .await
            .len(),
        2
    );
    let requests = app.counter.snapshot();
    assert_eq!(requests.get("Query"), Some(&1), "{requests:?}");
    assert_eq!(
        requests.get("GetItem"),
        Some(&1),
        "the caller's account: {requests:?}"
    );
    assert!(!requests.contains_key("Scan"));
}

#[tokio::test]
async fn bad_questions_are_refused_with_the_field_at_fault() {
    let app = spawn_app().await;
    let cases = [
        ("title", json!(""), "title"),
        ("title", json!("T".repeat(201)), "title"),
        ("question", json!(" "), "question"),
        ("question", json!("N".repeat(5001)), "question"),
        (
            "about",
            json!({"kind": "procedure", "code": "1.999999"}),
            "about.code",
        ),
        (
            "about",
            json!({"kind": "procedure", "code": "khai sinh"}),
            "about.code",
        ),
        ("about", json!({"kind": "dossier"}), "about.kind"),
        ("agency", json!("000.00.09.H09"), "agency"),
    ];
    for (key, value, field) in cases {
        let mut form = question();
        form[key] = value;
        let response = app.send_case(QUESTIONS, None, &form, None).await;
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{key}: {problem}");
        assert_eq!(problem["field"], field, "{key}");
    }
    for (contact, field) in [
        (json!({"full_name": "Bình"}), "contact.email"),
        (
            json!({"full_name": "Bình", "phone": "12345"}),
            "contact.phone",
        ),
        (
            json!({"full_name": "Bình", "email": "khong-phai"}),
            "contact.email",
        ),
        (
            json!({"full_name": "  ", "phone": "0987654321"}),
            "contact.full_name",
        ),
    ] {
        let mut form = question();
        form["contact"] = contact;
        let problem: Value = app
            .send_case(QUESTIONS, None, &form, None)
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(problem["field"], field, "{problem}");
        assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()));
    }
    let mut agency = question();
    agency["about"] = json!({"kind": "agency"});
    assert_eq!(
        app.send_case(QUESTIONS, None, &agency, None).await.status(),
        StatusCode::CREATED
    );
    let not_json = app
        .http
        .post(format!("{}/api/hoi-dap", app.base))
        .body("title=x")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(not_json).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "KIEU_NOI_DUNG_KHONG_HOP_LE".into()
        )
    );

    app.assert_described(&[
        "/api/hoi-dap",
        "/api/hoi-dap/{code}",
        "/api/can-bo/hoi-dap",
        "/api/can-bo/hoi-dap/{code}",
        "/api/can-bo/hoi-dap/{code}/actions",
    ])
    .await;
}
