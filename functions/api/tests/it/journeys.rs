//! Whole citizen journeys: submit, get a code and an appointment, track by
//! secret or account, list, supplement.

use domain::{Action, Actor, DossierCode, DossierProgress, Role};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn a_citizen_submits_and_follows_a_dossier() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-an");
    let form = app.residence_form(&token).await;
    app.counter.reset();
    let response = app.submit(&token, &form, Some("submit-1")).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let receipt: Value = response.json().await.unwrap();
    // One write transaction, plus the reads it needs: the procedure, the
    // idempotency record and the day's counter.
    let writes = app.counter.snapshot();
    assert_eq!(writes.get("TransactWriteItems"), Some(&1), "{writes:?}");
    assert_eq!(writes.get("GetItem"), Some(&3), "{writes:?}");
    assert_eq!(app.counter.total(), 4, "{writes:?}");

    let code = receipt["code"].as_str().unwrap();
    assert_eq!(code, "000.00.01.H29-260603-0001");
    assert!(DossierCode::parse(code).is_ok());
    // Wed 03/06 10:00 + 1 working day: the close of Thu 04/06.
    assert_eq!(receipt["appointment"]["at"], "2026-06-04T17:00:00+07:00");
    assert_eq!(receipt["appointment"]["text"], "17:00 ngày 04/06/2026");
    assert_eq!(receipt["status"]["code"], 1);
    assert_eq!(receipt["status"]["label"], "Mới đăng ký");
    let secret = receipt["tracking_secret"].as_str().unwrap();
    assert!(
        receipt["tracking_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("?ma={code}#{secret}"))
    );

    app.counter.reset();
    let tracked = app.track_with_secret(code, secret).await;
    assert_eq!(tracked.status(), StatusCode::OK);
    assert_eq!(app.counter.snapshot().get("Query"), Some(&1));
    assert_eq!(app.counter.total(), 1);
    let view: Value = tracked.json().await.unwrap();
    assert_eq!(view["procedure_name"], "Xác nhận thông tin về cư trú");
    assert_eq!(
        view["status"]["stage"],
        "Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận"
    );
    assert_eq!(view["history"][0]["action"], "Nộp hồ sơ trực tuyến");
    assert_eq!(view["files"].as_array().unwrap().len(), 2);
    assert_eq!(view["appointment"]["outlook"], "due_soon");

    // The owner reads it signed in, without the secret.
    assert_eq!(app.track_as(code, &token).await.status(), StatusCode::OK);
    // And lists it.
    app.counter.reset();
    let mine: Value = app
        .my_dossiers(&token, "limit=10")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(app.counter.snapshot().get("Query"), Some(&1));
    assert_eq!(mine["items"][0]["code"], code);
    assert!(mine.get("next_cursor").is_none());
}

#[tokio::test]
async fn my_dossiers_are_newest_first_one_query_a_page() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-binh");
    let mut codes = Vec::new();
    for _ in 0..3 {
        codes.push(app.submit_simple(&token).await);
    }
    // Another citizen's dossier never shows.
    app.submit(
        &app.citizen("citizen-other"),
        &form(TEMPORARY_ABSENCE, &[]),
        None,
    )
    .await;
    app.counter.reset();
    let first: Value = app
        .my_dossiers(&token, "limit=2")
        .await
        .json()
        .await
        .unwrap();
    let cursor = first["next_cursor"].as_str().unwrap().to_owned();
    let second: Value = app
        .my_dossiers(&token, &format!("limit=2&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(app.counter.snapshot().get("Query"), Some(&2));
    let listed: Vec<&str> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    // Received at the same minute, so the newest is the highest number.
    let mut expected: Vec<&str> = codes.iter().map(String::as_str).collect();
    expected.sort_unstable_by(|a, b| b.cmp(a));
    assert_eq!(listed, expected);
    // A cursor made for someone else's list is refused.
    let stranger = app
        .my_dossiers(&app.citizen("citizen-other"), &format!("cursor={cursor}"))
        .await;
    assert_eq!(
        problem_code(stranger).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "DU_LIEU_KHONG_HOP_LE".into()
        )
    );
}

#[tokio::test]
async fn a_supplement_keeps_the_code_and_adds_a_revision() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-chi");
    let form = app.residence_form(&token).await;
    let receipt: Value = app.submit(&token, &form, None).await.json().await.unwrap();
    let code = DossierCode::parse(receipt["code"].as_str().unwrap()).unwrap();

    // The back office accepts it and asks for a supplement (issue 6 builds its screens).
    let (mut record, events) = app.store.load(&code).await.unwrap();
    let mut progress = DossierProgress::replay(record.resolution, events).unwrap();
    let calendar = domain::WorkingCalendar::vietnam();
    let official = |role| Actor {
        id: "can-bo".into(),
        role,
    };
    let steps = [
        (Action::Accept, Role::Desk, "10:30"),
        (Action::AssignDepartment, Role::Desk, "10:31"),
        (Action::StartReview, Role::Specialist, "11:00"),
        (Action::RequestSupplement, Role::Specialist, "11:15"),
    ];
    for (action, role, time) in steps {
        let at =
            chrono::NaiveDateTime::parse_from_str(&format!("2026-06-03 {time}"), "%Y-%m-%d %H:%M")
                .unwrap();
        let note = (action == Action::RequestSupplement)
            .then(|| "Bổ sung bản chụp căn cước rõ nét hơn.".to_owned());
        let event = if action == Action::AssignDepartment {
            let to = "phong-cu-tru".to_owned();
            progress.hand_over(&calendar, action, official(role), at, note, to)
        } else {
            progress.act(&calendar, action, official(role), at, note)
        }
        .unwrap()
        .clone();
        record.follow(&progress, &calendar, at).unwrap();
        app.store
            .record_change(&record, &event, None)
            .await
            .unwrap();
    }
    let view: Value = app
        .track_as(code.as_str(), &token)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(view["status"]["code"], 5);
    assert_eq!(view["action_required"]["kind"], "supplement");
    assert_eq!(
        view["action_required"]["message"],
        "Bổ sung bản chụp căn cước rõ nét hơn."
    );

    app.set_now(
        chrono::NaiveDateTime::parse_from_str("2026-06-04 08:00", "%Y-%m-%d %H:%M").unwrap(),
    );
    let upload = app.upload(&token, "image/png", png()).await;
    let stale = json!({"files": [{"component": 0, "upload_id": upload}], "version": 1});
    let conflict = app
        .http
        .post(format!("{}/api/dossiers/{code}/supplement", app.base))
        .bearer_auth(&token)
        .json(&stale)
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(conflict).await,
        (StatusCode::CONFLICT, "HO_SO_DA_THAY_DOI".into())
    );

    let body = json!({"files": [{"component": 0, "upload_id": upload}], "note": "Đã bổ sung", "version": view["version"]});
    let response = app
        .http
        .post(format!("{}/api/dossiers/{code}/supplement", app.base))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let after: Value = response.json().await.unwrap();
    assert_eq!(after["code"], code.as_str());
    assert_eq!(after["status"]["code"], 4);
    let revisions: Vec<u64> = after["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["revision"].as_u64().unwrap())
        .collect();
    assert_eq!(revisions, [0, 0, 1]);
    assert_eq!(
        after["history"].as_array().unwrap().last().unwrap()["action"],
        "Bổ sung hồ sơ"
    );
    // Nothing more is asked: a second supplement is refused.
    let again = app
        .http
        .post(format!("{}/api/dossiers/{code}/supplement", app.base))
        .bearer_auth(&token)
        .json(&json!({"files": [{"component": 0, "upload_id": upload}]}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(again).await,
        (StatusCode::CONFLICT, "THAO_TAC_KHONG_HOP_LE".into())
    );
}

fn png() -> Vec<u8> {
    let mut bytes = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    bytes.extend_from_slice(b"\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0");
    bytes
}

#[tokio::test]
async fn files_download_for_the_owner_and_the_agency_only() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-dung");
    let form = app.residence_form(&token).await;
    let receipt: Value = app.submit(&token, &form, None).await.json().await.unwrap();
    let code = receipt["code"].as_str().unwrap();
    let view: Value = app.track_as(code, &token).await.json().await.unwrap();
    let file = view["files"][0]["id"].as_str().unwrap();
    let url = format!("{}/api/dossiers/{code}/files/{file}", app.base);
    let get = |token: String| {
        let request = app.http.get(&url).bearer_auth(token);
        async move { request.send().await.unwrap() }
    };
    let link: Value = get(token.clone()).await.json().await.unwrap();
    let content = app
        .http
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&content[..], &pdf("to khai")[..]);
    assert_eq!(
        get(app.official("desk-1", "desk", AGENCY)).await.status(),
        StatusCode::OK
    );
    let other_agency = get(app.official("desk-2", "desk", "000.00.01.H01")).await;
    assert_eq!(problem_code(other_agency).await.1, "HO_SO_KHONG_TON_TAI");
    let stranger = get(app.citizen("citizen-other")).await;
    assert_eq!(problem_code(stranger).await.1, "HO_SO_KHONG_TON_TAI");
}

#[tokio::test]
async fn the_returned_result_paper_is_the_owners_to_download_and_no_one_elses() {
    let app = spawn_app().await;
    app.onboard().await;
    let token = app.citizen("citizen-ket-qua");
    let code = app.submit_simple(&token).await;
    app.act("mot-cua-1", &code, "accept", json!({})).await;
    app.act(
        "mot-cua-1",
        &code,
        "assign_department",
        json!({"to": "phong-ho-tich"}),
    )
    .await;
    app.act(
        "truong-phong-1",
        &code,
        "assign_specialist",
        json!({"to": "chuyen-vien-1"}),
    )
    .await;
    app.act("chuyen-vien-1", &code, "start_review", json!({}))
        .await;
    app.act("chuyen-vien-1", &code, "submit_for_approval", json!({}))
        .await;
    let paper = pdf("giay xac nhan");
    let ticket: Value = app
        .bo_send(
            reqwest::Method::POST,
            &app.staff("truong-phong-1"),
            "/api/can-bo/uploads",
            &json!({"file_name": "giấy xác nhận.pdf", "size": paper.len(), "sha256": sha256_hex(&paper), "content_type": "application/pdf"}),
        )
        .await
        .json()
        .await
        .unwrap();
    assert!(app.put(&ticket, paper.clone()).await.is_success());
    app.act(
        "truong-phong-1",
        &code,
        "approve",
        json!({"result_number": "15/XN", "result_files": [ticket["upload_id"]]}),
    )
    .await;

    // Approved but not yet returned: the paper is not the applicant's yet.
    let view: Value = app.track_as(&code, &token).await.json().await.unwrap();
    assert_eq!(view["result_files"], json!([]));

    app.act(
        "mot-cua-1",
        &code,
        "return_result",
        json!({"delivery": "online"}),
    )
    .await;
    let view: Value = app.track_as(&code, &token).await.json().await.unwrap();
    let files = view["result_files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["file_name"], "giấy xác nhận.pdf");
    let path = format!(
        "/api/dossiers/{code}/files/{}",
        files[0]["id"].as_str().unwrap()
    );
    let link: Value = app.bo_get(&token, &path).await.json().await.unwrap();
    let downloaded = app
        .http
        .get(link["url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert!(downloaded.status().is_success());
    assert_eq!(downloaded.bytes().await.unwrap().as_ref(), paper.as_slice());

    // Another citizen cannot, even knowing the ids.
    let stranger = app.citizen("citizen-khac");
    assert_eq!(
        app.bo_get(&stranger, &path).await.status(),
        StatusCode::NOT_FOUND
    );
}
