//! The back office end to end: receipt at the counter and online, routing,
//! supplements, approval, return, refusal, withdrawal, lateness with an
//! apology, concurrent officials, and what each official may see.

use chrono::NaiveDate;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::*;

fn counter_form() -> Value {
    json!({
        "procedure_code": COUNTER_ONLY,
        "applicant": {
            "owner_type": "citizen",
            "full_name": "Lê Thị Hoa",
            "identity_number": "036190001234",
            "phone": "0987654321",
            "address": "Xóm 3, xã Gia Viễn, tỉnh Ninh Bình",
        },
        "summary": "Đăng ký khai tử cho ông Lê Văn Tư",
        "result_delivery": {"method": "at_desk"},
        "papers": [
            {"component": 0, "originals": 1},
            {"component": 1, "originals": 1, "copies": 1},
        ],
    })
}

pub(crate) async fn receive_at_counter(app: &TestApp) -> Value {
    let response = app
        .bo_send(
            Method::POST,
            &app.staff("mot-cua-1"),
            "/api/can-bo/dossiers",
            &counter_form(),
        )
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn form_text(app: &TestApp, subject: &str, code: &str, form: &str) -> String {
    let response = app
        .bo_get(
            &app.staff(subject),
            &format!("/api/can-bo/dossiers/{code}/forms/{form}"),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK, "{form} of {code}");
    // Tera escapes the slash; a browser shows it as one.
    response.text().await.unwrap().replace("&#x2F;", "/")
}

fn statuses(view: &Value) -> Vec<u64> {
    view["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["status"]["code"].as_u64().unwrap())
        .collect()
}

fn action_keys(view: &Value) -> Vec<String> {
    view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_counter_dossier_goes_from_receipt_to_return() {
    let app = spawn_app().await;
    app.onboard().await;
    let receipt = receive_at_counter(&app).await;
    let code = receipt["dossier"]["code"].as_str().unwrap().to_owned();
    assert!(code.starts_with(&format!("{AGENCY}-260603-")), "{code}");
    assert_eq!(receipt["dossier"]["status"]["code"], 2);
    // 5 working days from Wednesday 03/06/2026 10:00.
    assert_eq!(receipt["dossier"]["due_at"], "2026-06-10T17:00:00+07:00");
    let slip = form_text(&app, "mot-cua-1", &code, "mau-01").await;
    for expected in [
        "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
        &code,
        "Lê Thị Hoa",
        "Cán bộ mot-cua-1",
        "<svg",
    ] {
        assert!(slip.contains(expected), "Mẫu 01 lacks {expected}");
    }
    // Printed at receipt, with the secret the desk was given, the slip
    // carries it; a reprint cannot, and a wrong secret is refused.
    let secret = receipt["tracking_secret"].as_str().unwrap();
    let printed = |secret: &str| {
        app.http
            .get(format!(
                "{}/api/can-bo/dossiers/{code}/forms/mau-01",
                app.base
            ))
            .bearer_auth(app.staff("mot-cua-1"))
            .header("x-tracking-secret", secret)
            .send()
    };
    let first = printed(secret).await.unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    assert!(
        first
            .text()
            .await
            .unwrap()
            .contains(&format!("mã tra cứu: <strong>{secret}</strong>"))
    );
    assert!(!slip.contains(secret), "a reprint does not know the secret");
    assert!(slip.contains("mã tra cứu được cấp khi tiếp nhận hồ sơ"));
    let wrong = printed("khong-phai-ma-nay").await.unwrap();
    assert_eq!(
        problem_code(wrong).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );
    // The applicant tracks it with the secret printed on the slip.
    assert_eq!(
        app.track_with_secret(&code, secret).await.status(),
        StatusCode::OK
    );
    assert!(
        app.queue_codes("mot-cua-1", "desk", "")
            .await
            .contains(&code)
    );

    // The desk routes it; the route names the civil-status department.
    app.act("mot-cua-1", &code, "assign_department", json!({}))
        .await;
    assert!(
        !app.queue_codes("mot-cua-1", "desk", "")
            .await
            .contains(&code)
    );
    assert!(
        app.queue_codes("truong-phong-1", "department:phong-ho-tich", "")
            .await
            .contains(&code)
    );
    let view = app
        .act(
            "truong-phong-1",
            &code,
            "assign_specialist",
            json!({"to": "chuyen-vien-1"}),
        )
        .await;
    assert_eq!(view["assignee"], "chuyen-vien-1");
    assert!(
        app.queue_codes("chuyen-vien-1", "mine", "")
            .await
            .contains(&code)
    );
    assert!(
        app.queue_codes("chuyen-vien-2", "mine", "")
            .await
            .is_empty()
    );
    // A colleague cannot take up a dossier assigned to someone else.
    let view = app.desk_view("chuyen-vien-2", &code).await;
    assert!(action_keys(&view).is_empty(), "{view}");
    app.act("chuyen-vien-1", &code, "start_review", json!({}))
        .await;

    // A supplement: the clock stops, Mẫu 02 lists what is missing.
    app.set_now(at(2026, 6, 4, 9, 0));
    let view = app
        .act(
            "chuyen-vien-1",
            &code,
            "request_supplement",
            json!({"reasons": ["Bản sao Giấy báo tử có chứng thực"]}),
        )
        .await;
    assert_eq!(view["status"]["code"], 5);
    assert!(
        app.queue_codes("mot-cua-1", "applicant", "")
            .await
            .contains(&code)
    );
    let request = form_text(&app, "chuyen-vien-1", &code, "mau-02").await;
    assert!(request.contains("Bản sao Giấy báo tử có chứng thực"));
    // The applicant brings it to the counter three working days later.
    app.set_now(at(2026, 6, 9, 9, 0));
    let view = app
        .act("mot-cua-1", &code, "provide_supplement", json!({}))
        .await;
    assert_eq!(view["status"]["code"], 4);
    assert_eq!(
        view["due_at"], "2026-06-15T17:00:00+07:00",
        "paused 3 working days"
    );
    assert!(
        app.queue_codes("chuyen-vien-1", "mine", "")
            .await
            .contains(&code)
    );

    app.act(
        "chuyen-vien-1",
        &code,
        "submit_for_approval",
        json!({"note": "Đủ điều kiện"}),
    )
    .await;
    assert!(
        app.queue_codes("truong-phong-1", "approval:phong-ho-tich", "")
            .await
            .contains(&code)
    );
    let refused = app
        .bo_send(
            Method::POST,
            &app.staff("truong-phong-1"),
            &format!("/api/can-bo/dossiers/{code}/actions"),
            &json!({"action": "approve", "version": app.desk_view("truong-phong-1", &code).await["version"]}),
        )
        .await;
    assert_eq!(
        refused.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "a result needs its number"
    );
    let view = app
        .act(
            "truong-phong-1",
            &code,
            "approve",
            json!({"result_number": "15/TLKT"}),
        )
        .await;
    assert_eq!(
        (
            view["status"]["code"].as_u64(),
            view["result_number"].as_str()
        ),
        (Some(9), Some("15/TLKT"))
    );
    assert!(
        app.queue_codes("mot-cua-1", "desk", "")
            .await
            .contains(&code)
    );
    let view = app
        .act(
            "mot-cua-1",
            &code,
            "return_result",
            json!({"delivery": "at_desk"}),
        )
        .await;
    assert_eq!(statuses(&view), [2, 4, 4, 4, 5, 4, 4, 9, 10]);
    assert_eq!(view["timeliness"], "Trước hạn");
    assert!(action_keys(&view).is_empty());
    for queue in ["desk", "applicant"] {
        assert!(
            !app.queue_codes("mot-cua-1", queue, "")
                .await
                .contains(&code)
        );
    }

    // Mẫu 05 has a line per hand-over; the register has the dossier with its times.
    let sheet = form_text(&app, "lanh-dao-1", &code, "mau-05").await;
    for expected in [
        "Tư pháp – Hộ tịch",
        "Cán bộ chuyen-vien-1",
        "Phân công chuyên viên xử lý",
        "Trả kết quả",
    ] {
        assert!(sheet.contains(expected), "Mẫu 05 lacks {expected}");
    }
    let register: Value = app
        .bo_get(
            &app.staff("lanh-dao-1"),
            "/api/can-bo/register?from=2026-06-01&to=2026-06-30",
        )
        .await
        .json()
        .await
        .unwrap();
    let row = &register["rows"][0];
    assert_eq!(
        (row["code"].as_str(), row["processing_unit"].as_str()),
        (Some(code.as_str()), Some("Tư pháp – Hộ tịch"))
    );
    assert!(row["returned_at"].is_string());
    let csv = app
        .bo_get(
            &app.staff("mot-cua-1"),
            "/api/can-bo/register?from=2026-06-01&to=2026-06-30&format=csv",
        )
        .await
        .bytes()
        .await
        .unwrap();
    let csv = String::from_utf8(csv.to_vec()).unwrap();
    assert!(csv.starts_with('\u{feff}') && csv.contains(&code) && csv.contains("Lê Thị Hoa"));

    // Every official action left an audit record with who and what.
    let audit: Value = app
        .bo_get(
            &app.staff("quan-tri-1"),
            "/api/can-bo/admin/audit?month=2026-06",
        )
        .await
        .json()
        .await
        .unwrap();
    let operations: Vec<&str> = audit["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["target"] == code)
        .map(|e| e["operation"].as_str().unwrap())
        .collect();
    assert_eq!(
        operations,
        [
            "return_result",
            "approve",
            "submit_for_approval",
            "provide_supplement",
            "request_supplement",
            "start_review",
            "assign_specialist",
            "assign_department",
            "receive_at_desk"
        ]
    );
}

#[tokio::test]
async fn an_online_dossier_refused_at_intake_gets_mau_03_and_leaves_the_queue() {
    let app = spawn_app().await;
    app.onboard().await;
    let citizen = app.citizen("citizen-refused");
    let code = app.submit_simple(&citizen).await;
    assert!(
        app.queue_codes("mot-cua-1", "desk", "")
            .await
            .contains(&code)
    );
    let view = app.desk_view("mot-cua-1", &code).await;
    assert_eq!(
        action_keys(&view),
        [
            "accept",
            "request_supplement",
            "request_payment",
            "refuse_intake",
            "withdraw"
        ]
    );
    let without_reason = app
        .bo_send(
            Method::POST,
            &app.staff("mot-cua-1"),
            &format!("/api/can-bo/dossiers/{code}/actions"),
            &json!({"action": "refuse_intake", "version": view["version"]}),
        )
        .await;
    assert_eq!(without_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let view = app
        .act(
            "mot-cua-1",
            &code,
            "refuse_intake",
            json!({"reasons": ["Thủ tục không thuộc thẩm quyền của xã", "Người khai không phải chủ hộ"]}),
        )
        .await;
    assert_eq!(statuses(&view), [1, 3]);
    assert!(
        !app.queue_codes("mot-cua-1", "desk", "")
            .await
            .contains(&code)
    );
    let refusal = form_text(&app, "mot-cua-1", &code, "mau-03").await;
    assert!(
        refusal.contains("Thủ tục không thuộc thẩm quyền của xã")
            && refusal.contains("Người khai không phải chủ hộ")
    );
    // The applicant reads the refusal and its reasons.
    let tracked: Value = app.track_as(&code, &citizen).await.json().await.unwrap();
    assert_eq!(tracked["status"]["code"], 3);
    assert!(
        tracked["history"][1]["note"]
            .as_str()
            .unwrap()
            .contains("không thuộc thẩm quyền")
    );
    // A receipt slip is not issued for a refused dossier.
    let slip = app
        .bo_get(
            &app.staff("mot-cua-1"),
            &format!("/api/can-bo/dossiers/{code}/forms/mau-01"),
        )
        .await;
    assert_eq!(slip.status(), StatusCode::CONFLICT);
}

#[tokio::test]
async fn a_withdrawal_ends_processing_from_any_open_step() {
    let app = spawn_app().await;
    app.onboard().await;
    let code = receive_at_counter(&app).await["dossier"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act(
        "mot-cua-1",
        &code,
        "assign_department",
        json!({"to": "phong-ho-tich"}),
    )
    .await;
    app.act("chuyen-vien-2", &code, "start_review", json!({}))
        .await;
    assert_eq!(
        app.desk_view("chuyen-vien-2", &code).await["assignee"],
        "chuyen-vien-2"
    );
    let view = app
        .act(
            "mot-cua-1",
            &code,
            "withdraw",
            json!({"note": "Công dân nộp đơn xin rút hồ sơ"}),
        )
        .await;
    assert_eq!(statuses(&view), [2, 4, 4, 7]);
    assert!(
        app.queue_codes("chuyen-vien-2", "mine", "")
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn an_overdue_dossier_stands_out_and_an_apology_sets_a_new_date() {
    let app = spawn_app().await;
    app.onboard().await;
    let code = receive_at_counter(&app).await["dossier"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    app.act("mot-cua-1", &code, "assign_department", json!({}))
        .await;
    app.act("chuyen-vien-1", &code, "start_review", json!({}))
        .await;
    // Due Wednesday 10/06 17:00. On Tuesday 09/06 it is at risk, not overdue.
    app.set_now(at(2026, 6, 9, 9, 0));
    assert!(
        app.queue_codes("chuyen-vien-1", "mine", "due=at_risk")
            .await
            .contains(&code)
    );
    assert!(
        app.queue_codes("chuyen-vien-1", "mine", "due=overdue")
            .await
            .is_empty()
    );
    // On Thursday 11/06 it is overdue, and counted so.
    app.set_now(at(2026, 6, 11, 9, 0));
    assert_eq!(
        app.queue_codes("chuyen-vien-1", "mine", "due=overdue")
            .await,
        std::slice::from_ref(&code)
    );
    let me: Value = app
        .bo_get(&app.staff("chuyen-vien-1"), "/api/can-bo/me")
        .await
        .json()
        .await
        .unwrap();
    let mine = me["queues"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["key"] == "official:chuyen-vien-1")
        .unwrap();
    assert_eq!(
        (mine["total"].as_u64(), mine["overdue"].as_u64()),
        (Some(1), Some(1))
    );
    let page: Value = app
        .bo_get(&app.staff("chuyen-vien-1"), "/api/can-bo/queues/mine")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(page["items"][0]["outlook"], "overdue");

    // The specialist apologises with a new date (Mẫu 04); the applicant sees it.
    let no_reason = app
        .bo_send(
            Method::POST,
            &app.staff("chuyen-vien-1"),
            &format!("/api/can-bo/dossiers/{code}/actions"),
            &json!({"action": "extend", "version": page["items"][0]["version"], "new_due": "2026-06-17"}),
        )
        .await;
    assert_eq!(no_reason.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let view = app
        .act(
            "chuyen-vien-1",
            &code,
            "extend",
            json!({"new_due": "2026-06-17", "note": "Cần xác minh nơi cư trú cuối cùng của người chết"}),
        )
        .await;
    assert_eq!(view["due_at"], "2026-06-17T17:00:00+07:00");
    let apology = form_text(&app, "chuyen-vien-1", &code, "mau-04").await;
    for expected in [
        "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
        "Cần xác minh nơi cư trú",
        "17/06/2026",
        "10/06/2026",
    ] {
        assert!(apology.contains(expected), "Mẫu 04 lacks {expected}");
    }
    assert!(
        app.queue_codes("chuyen-vien-1", "mine", "due=overdue")
            .await
            .is_empty()
    );
    // Finished after the original date: late, whatever the apology said.
    app.act("chuyen-vien-1", &code, "submit_for_approval", json!({}))
        .await;
    let view = app
        .act(
            "lanh-dao-1",
            &code,
            "approve",
            json!({"result_number": "16/TLKT"}),
        )
        .await;
    assert_eq!(view["timeliness"], "Trễ hạn");
    let dashboard: Value = app
        .bo_get(
            &app.staff("lanh-dao-1"),
            "/api/can-bo/supervision?from=2026-06-01&to=2026-06-30",
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (
            dashboard["total"]["received"].as_u64(),
            dashboard["total"]["late"].as_u64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(dashboard["by_department"][0]["label"], "Tư pháp – Hộ tịch");
}

#[tokio::test]
async fn of_two_officials_acting_at_once_one_wins_and_the_other_sees_the_fresh_state() {
    let app = spawn_app().await;
    app.onboard().await;
    // Two desk officers act on the same version: exactly one succeeds.
    let code = app.submit_simple(&app.citizen("citizen-race-2")).await;
    let version = app.desk_view("mot-cua-1", &code).await["version"].clone();
    let path = format!("/api/can-bo/dossiers/{code}/actions");
    let refuses = json!({"action": "refuse_intake", "version": version, "reasons": ["Không thuộc thẩm quyền"]});
    let accepts = json!({"action": "accept", "version": version});
    let (one, two) = (app.staff("mot-cua-1"), app.staff("mot-cua-2"));
    let (a, b) = tokio::join!(
        app.bo_send(Method::POST, &one, &path, &accepts),
        app.bo_send(Method::POST, &two, &path, &refuses),
    );
    let (sa, sb) = (a.status(), b.status());
    let (ba, bb): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    let (loser, winner) = match (sa, sb) {
        (StatusCode::OK, StatusCode::CONFLICT) => (bb, ba),
        (StatusCode::CONFLICT, StatusCode::OK) => (ba, bb),
        other => panic!("expected one success and one conflict, got {other:?}: {ba} {bb}"),
    };
    assert_eq!(loser["code"], "HO_SO_DA_THAY_DOI");
    assert_eq!(
        loser["current"]["status"], winner["status"],
        "the loser sees the winner's state"
    );
    assert_eq!(loser["current"]["version"], winner["version"]);
    let history = app.desk_view("mot-cua-1", &code).await["history"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(history, 2, "one move recorded, not two");
}

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(h, min, 0)
        .unwrap()
}

/// What a route answers whom: the roles (`Role::key`) it serves, with the
/// status they get, and the status everyone else gets.
struct Rule {
    method: Method,
    path: String,
    body: Value,
    serves: &'static [&'static str],
    ok: u16,
    denied: u16,
    /// How an official of another agency is answered: `None` when the route
    /// works on the caller's own agency (same rule as above), else the status
    /// (system administrators excepted where they manage every agency).
    other_agency: Option<u16>,
}

#[tokio::test]
async fn every_back_office_route_checks_role_and_agency() {
    let app = spawn_app().await;
    app.onboard().await;
    let online = app.submit_simple(&app.citizen("citizen-matrix")).await;
    let counter = receive_at_counter(&app).await["dossier"]["code"]
        .as_str()
        .unwrap()
        .to_owned();
    let handlers: &[&str] = &["desk", "specialist", "department_head", "agency_leader"];
    let admins: &[&str] = &["agency_admin", "system_admin"];
    let period = "from=2026-06-01&to=2026-06-30";
    let rule = |method: Method, path: String, body: Value, serves, ok, denied, other_agency| Rule {
        method,
        path,
        body,
        serves,
        ok,
        denied,
        other_agency,
    };
    let rules = [
        rule(
            Method::GET,
            "/api/can-bo/me".into(),
            json!(null),
            &[
                "desk",
                "specialist",
                "department_head",
                "agency_leader",
                "agency_admin",
                "system_admin",
            ],
            200,
            0,
            None,
        ),
        rule(
            Method::GET,
            "/api/can-bo/queues/desk".into(),
            json!(null),
            &["desk", "agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            "/api/can-bo/queues/department:phong-ho-tich".into(),
            json!(null),
            &["specialist", "department_head", "agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            "/api/can-bo/queues/approval:phong-ho-tich".into(),
            json!(null),
            &["department_head", "agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/dossiers/{online}"),
            json!(null),
            handlers,
            200,
            404,
            Some(404),
        ),
        // Refusing without reasons: the desk passes the role check and is told what is missing.
        rule(
            Method::POST,
            format!("/api/can-bo/dossiers/{online}/actions"),
            json!({"action": "refuse_intake", "version": 1}),
            &["desk"],
            422,
            409,
            Some(404),
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/dossiers/{counter}/forms/mau-01"),
            json!(null),
            handlers,
            200,
            404,
            Some(404),
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/dossiers/{counter}/files/none"),
            json!(null),
            &[],
            404,
            404,
            Some(404),
        ),
        rule(
            Method::POST,
            "/api/can-bo/dossiers".into(),
            json!({}),
            &["desk"],
            400,
            403,
            None,
        ),
        rule(
            Method::POST,
            "/api/can-bo/uploads".into(),
            json!({}),
            handlers,
            400,
            403,
            None,
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/register?{period}"),
            json!(null),
            &["desk", "department_head", "agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/supervision?{period}"),
            json!(null),
            &["department_head", "agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            "/api/can-bo/chi-so-766?month=2026-06".into(),
            json!(null),
            &["agency_leader"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            "/api/can-bo/admin/agencies".into(),
            json!(null),
            &["system_admin"],
            200,
            403,
            None,
        ),
        rule(
            Method::GET,
            format!("/api/can-bo/admin/agency?agency={AGENCY}"),
            json!(null),
            admins,
            200,
            403,
            Some(403),
        ),
        rule(
            Method::PUT,
            format!("/api/can-bo/admin/departments/phong-moi?agency={AGENCY}"),
            json!({"name": "Phòng mới"}),
            admins,
            200,
            403,
            Some(403),
        ),
        rule(
            Method::PUT,
            format!("/api/can-bo/admin/officials/nguoi-moi?agency={AGENCY}"),
            json!({"name": "Người mới", "roles": ["desk"]}),
            admins,
            200,
            403,
            Some(403),
        ),
        rule(
            Method::PUT,
            format!("/api/can-bo/admin/routes/{COUNTER_ONLY}?agency={AGENCY}"),
            json!([{"department": "phong-ho-tich", "time": {"amount": 3, "unit": "working_days"}}]),
            admins,
            200,
            403,
            Some(403),
        ),
        rule(
            Method::GET,
            "/api/can-bo/admin/audit".into(),
            json!(null),
            &["agency_leader", "agency_admin", "system_admin"],
            200,
            403,
            None,
        ),
    ];
    let mut failures = Vec::new();
    let mut checked = 0;
    for rule in &rules {
        let send = |token: Option<String>| {
            let mut request = app
                .http
                .request(rule.method.clone(), format!("{}{}", app.base, rule.path));
            if let Some(token) = token {
                request = request.bearer_auth(token);
            }
            if !rule.body.is_null() {
                request = request.json(&rule.body);
            }
            request.send()
        };
        for (subject, _, roles) in STAFF {
            for (caller, foreign) in [(subject.to_owned(), false), (format!("{subject}-x"), true)] {
                let serves = roles.iter().any(|r| rule.serves.contains(r));
                // A dossier does not exist for those who do not handle dossiers.
                let about_a_dossier = rule.path.contains("/dossiers/");
                let handles = roles.iter().any(|r| handlers.contains(r));
                let expected = match (foreign, rule.other_agency) {
                    (false, _) if about_a_dossier && !handles => 404,
                    (true, Some(_))
                        if roles.contains(&"system_admin")
                            && rule.serves.contains(&"system_admin") =>
                    {
                        rule.ok
                    }
                    (true, Some(status)) => status,
                    _ if serves => rule.ok,
                    _ => rule.denied,
                };
                let got = send(Some(app.staff(&caller)))
                    .await
                    .unwrap()
                    .status()
                    .as_u16();
                checked += 1;
                if got != expected {
                    failures.push(format!(
                        "{} {} as {caller}: {got}, expected {expected}",
                        rule.method, rule.path
                    ));
                }
            }
        }
        let citizen = send(Some(app.citizen("citizen-matrix")))
            .await
            .unwrap()
            .status();
        let anonymous = send(None).await.unwrap().status();
        if (citizen.as_u16(), anonymous.as_u16()) != (403, 401) {
            failures.push(format!(
                "{} {}: citizen {citizen}, anonymous {anonymous}",
                rule.method, rule.path
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );

    // Officials of the other agency, where they may read lists, see none of ours.
    let theirs = app.queue_codes("mot-cua-1-x", "desk", "").await;
    assert!(!theirs.contains(&online) && !theirs.contains(&counter));
    let register: Value = app
        .bo_get(
            &app.staff("lanh-dao-1-x"),
            &format!("/api/can-bo/register?{period}"),
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(register["rows"], json!([]));
}

#[tokio::test]
async fn a_queue_page_is_one_query_reading_only_the_page() {
    let app = spawn_app().await;
    app.onboard().await;
    let citizen = app.citizen("citizen-queue");
    let mut codes = Vec::new();
    for _ in 0..12 {
        codes.push(app.submit_simple(&citizen).await);
    }
    // Two finished dossiers leave the queue without costing reads.
    for code in &codes[..2] {
        app.act(
            "mot-cua-1",
            code,
            "refuse_intake",
            json!({"reasons": ["Không thuộc thẩm quyền"]}),
        )
        .await;
    }
    app.counter.reset();
    let first: Value = app
        .bo_get(&app.staff("mot-cua-1"), "/api/can-bo/queues/desk?limit=5")
        .await
        .json()
        .await
        .unwrap();
    let requests = app.counter.snapshot();
    assert_eq!(requests.get("Query"), Some(&1), "{requests:?}");
    // The other two reads are the caller's account and the agency's calendar.
    assert_eq!(requests.get("GetItem"), Some(&2), "{requests:?}");
    assert_eq!(first["items"].as_array().unwrap().len(), 5);
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .bo_get(
            &app.staff("mot-cua-1"),
            &format!("/api/can-bo/queues/desk?limit=5&cursor={cursor}"),
        )
        .await
        .json()
        .await
        .unwrap();
    let seen: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    let open: Vec<&str> = codes[2..].iter().map(String::as_str).collect();
    assert_eq!(seen, open, "soonest deadline first, same-day ties by code");
    // A cursor from one queue does not open another.
    let stolen = app
        .bo_get(
            &app.staff("mot-cua-1"),
            &format!("/api/can-bo/queues/applicant?cursor={cursor}"),
        )
        .await;
    assert_eq!(stolen.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let page = app
        .store
        .queue_page(
            &domain::AgencyCode::parse(AGENCY).unwrap(),
            &domain::Queue::Desk,
            &store::QueueFilter::default(),
            4,
            None,
        )
        .await
        .unwrap();
    assert_eq!(
        (page.items.len(), page.read),
        (4, 4),
        "items read = page size"
    );
}

#[tokio::test]
async fn an_administrator_exports_the_agencys_setup_and_imports_it_changed() {
    let app = spawn_app().await;
    app.onboard().await;
    let admin = app.staff("quan-tri-1");
    let exported = app
        .bo_get(&admin, &format!("/api/can-bo/admin/agency?agency={AGENCY}"))
        .await;
    assert_eq!(exported.status(), StatusCode::OK);
    let mut setup: Value = exported.json().await.unwrap();
    setup["departments"]
        .as_array_mut()
        .unwrap()
        .push(json!({"id": "phong-dia-chinh", "name": "Địa chính – Xây dựng"}));
    let imported = app
        .bo_send(Method::POST, &admin, "/api/can-bo/admin/import", &setup)
        .await;
    assert_eq!(imported.status(), StatusCode::OK);
    let view: Value = imported.json().await.unwrap();
    assert_eq!(
        (view["departments"].as_u64(), view["agency"].as_str()),
        (Some(3), Some(AGENCY))
    );

    let again: Value = app
        .bo_get(&admin, &format!("/api/can-bo/admin/agency?agency={AGENCY}"))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = again["departments"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["name"].as_str())
        .collect();
    assert!(names.contains(&"Địa chính – Xây dựng"), "{names:?}");
    assert_eq!(
        again["officials"], setup["officials"],
        "the officials are as they were"
    );

    // Nor may the agency's administrator make a system administrator.
    let mut promoted = setup.clone();
    for official in promoted["officials"].as_array_mut().unwrap() {
        if official["subject"] == "mot-cua-1" {
            official["roles"] = json!(["desk", "system_admin"]);
        }
    }
    let refused = app
        .bo_send(Method::POST, &admin, "/api/can-bo/admin/import", &promoted)
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);

    // The other agency's administrator may not import this agency's file.
    let other = app
        .bo_send(
            Method::POST,
            &app.staff("quan-tri-1-x"),
            "/api/can-bo/admin/import",
            &setup,
        )
        .await;
    assert_eq!(other.status(), StatusCode::FORBIDDEN);
}
