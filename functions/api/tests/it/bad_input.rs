//! Bad input gets a clear problem+json answer and changes nothing.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::*;

#[tokio::test]
async fn malformed_json_and_wrong_media_types_are_refused() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-a");
    let broken = app
        .http
        .post(format!("{}/api/dossiers", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/json")
        .body("{\"procedure_code\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(broken).await,
        (StatusCode::BAD_REQUEST, "JSON_KHONG_HOP_LE".into())
    );
    let form_encoded = app
        .http
        .post(format!("{}/api/dossiers", app.base))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("procedure_code=1.010041")
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(form_encoded).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "KIEU_NOI_DUNG_KHONG_HOP_LE".into()
        )
    );
    let mine: Value = app.my_dossiers(&token, "").await.json().await.unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn unknown_and_counter_only_procedures_are_refused() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-b");
    for code in ["1.999999", "không phải mã"] {
        let response = app.submit(&token, &form(code, &[]), None).await;
        assert_eq!(
            problem_code(response).await,
            (StatusCode::NOT_FOUND, "THU_TUC_KHONG_TON_TAI".into())
        );
    }
    let counter_only = app.submit(&token, &form(COUNTER_ONLY, &[]), None).await;
    assert_eq!(
        problem_code(counter_only).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "THU_TUC_KHONG_NOP_TRUC_TUYEN".into()
        )
    );
}

#[tokio::test]
async fn a_missing_required_paper_is_named_and_a_note_takes_no_file() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-c");
    let response = app
        .submit(&token, &form(RESIDENCE_CONFIRMATION, &[]), None)
        .await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["code"], "THIEU_THANH_PHAN_HO_SO");
    let missing = &procedure(RESIDENCE_CONFIRMATION).components[0].name;
    assert!(
        body["title"].as_str().unwrap().contains(missing.as_str()),
        "{body}"
    );
    assert_eq!(body["field"], "files[component=0]");

    // The second entry is the agency's note ("Lưu ý: … không đính kèm biểu
    // mẫu CT01"): the paper alone is a complete dossier, a file for the note
    // is refused.
    let note = &procedure(RESIDENCE_CONFIRMATION).components[1].name;
    assert!(note.starts_with("Lưu ý"), "{note}");
    let paper = app.upload(&token, "application/pdf", pdf("to khai")).await;
    let stray = app.upload(&token, "application/pdf", pdf("ct01")).await;
    let refused = app
        .submit(
            &token,
            &form(RESIDENCE_CONFIRMATION, &[(0, &paper), (1, &stray)]),
            None,
        )
        .await;
    let status = refused.status();
    let body: Value = refused.json().await.unwrap();
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("DU_LIEU_KHONG_HOP_LE")
        )
    );
    assert!(body["title"].as_str().unwrap().contains("lưu ý"), "{body}");
    let accepted = app
        .submit(&token, &form(RESIDENCE_CONFIRMATION, &[(0, &paper)]), None)
        .await;
    assert_eq!(accepted.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn bad_applicant_data_names_the_field() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-d");
    let mut body = form(TEMPORARY_ABSENCE, &[]);
    body["applicant"]["phone"] = json!("12345");
    let response = app.submit(&token, &body, None).await;
    let status = response.status();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(
        (status, problem["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("applicant.phone"))
    );
    assert_eq!(
        problem["title"],
        "Số điện thoại phải gồm 10 chữ số, bắt đầu bằng 0."
    );
}

#[tokio::test]
async fn oversized_and_unwanted_files_get_no_upload_ticket() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-e");
    let hash = sha256_hex(b"x");
    let too_big = app.ticket(&token, "application/pdf", 21 << 20, &hash).await;
    assert_eq!(
        problem_code(too_big).await,
        (StatusCode::PAYLOAD_TOO_LARGE, "TEP_QUA_LON".into())
    );
    let exe = app
        .ticket(&token, "application/x-msdownload", 1000, &hash)
        .await;
    assert_eq!(
        problem_code(exe).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "LOAI_TEP_KHONG_DUOC_PHEP".into()
        )
    );
    let bad_hash = app.ticket(&token, "application/pdf", 1000, "abc").await;
    assert_eq!(
        problem_code(bad_hash).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "MA_KIEM_TRA_KHONG_HOP_LE".into()
        )
    );
}

/// Submits the residence form with `second` as the second paper.
async fn submit_with(app: &TestApp, token: &str, second: &str) -> reqwest::Response {
    let first = app.upload(token, "application/pdf", pdf("to khai")).await;
    app.submit(
        token,
        &form(RESIDENCE_CONFIRMATION, &[(0, &first), (0, second)]),
        None,
    )
    .await
}

#[tokio::test]
async fn a_file_larger_than_announced_is_refused() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-f");
    let announced = pdf("giay to");
    let ticket = app.announce(&token, "application/pdf", &announced).await;
    let mut bigger = announced.clone();
    bigger.extend_from_slice(&[b' '; 4096]);
    let put = app.put(&ticket, bigger).await;
    if put.is_success() {
        // The local S3 took it (real S3 refuses a body longer than the signed
        // length); the dossier must not.
        let response = submit_with(&app, &token, ticket["upload_id"].as_str().unwrap()).await;
        assert_eq!(
            problem_code(response).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "KICH_THUOC_TEP_KHONG_KHOP".into()
            )
        );
    }
    let mine: Value = app.my_dossiers(&token, "").await.json().await.unwrap();
    assert!(mine["items"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn a_file_that_does_not_match_its_checksum_is_refused() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-g");
    let announced = pdf("ban goc");
    let ticket = app.announce(&token, "application/pdf", &announced).await;
    let tampered = pdf("ban sua");
    assert_eq!(tampered.len(), announced.len());
    let put = app.put(&ticket, tampered.clone()).await;
    if !put.is_success() {
        // The local S3 checked the signed checksum itself. Write the object
        // past it, as a compromised client of a lax endpoint could.
        let key = format!(
            "uploads/{}/{}",
            owner_hash("citizen-g"),
            ticket["upload_id"].as_str().unwrap()
        );
        overwrite(&app, "citizen-g", &key, tampered, &sha256_hex(&announced)).await;
    }
    let response = submit_with(&app, &token, ticket["upload_id"].as_str().unwrap()).await;
    assert_eq!(
        problem_code(response).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "TEP_BI_THAY_DOI".into())
    );
}

/// Writes an object as an upload of `owner` announcing `announced_sha256`.
async fn overwrite(app: &TestApp, owner: &str, key: &str, body: Vec<u8>, announced_sha256: &str) {
    app.s3
        .put_object()
        .bucket(&app.bucket)
        .key(key)
        .content_type("application/pdf")
        .metadata("owner", owner_hash(owner))
        .metadata("sha256", announced_sha256)
        .metadata("size", body.len().to_string())
        .body(body.into())
        .send()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_executable_named_pdf_is_refused() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-h");
    let mut elf =
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    elf.resize(512, 0);
    let upload = app.upload(&token, "application/pdf", elf).await;
    let response = submit_with(&app, &token, &upload).await;
    assert_eq!(
        problem_code(response).await,
        (
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "NOI_DUNG_TEP_KHONG_HOP_LE".into()
        )
    );
}

#[tokio::test]
async fn someone_elses_upload_cannot_be_attached() {
    let app = spawn_app().await;
    let theirs = app
        .upload(
            &app.citizen("citizen-i"),
            "application/pdf",
            pdf("cua nguoi khac"),
        )
        .await;
    let response = submit_with(&app, &app.citizen("citizen-j"), &theirs).await;
    assert_eq!(
        problem_code(response).await,
        (StatusCode::UNPROCESSABLE_ENTITY, "TEP_CHUA_TAI_LEN".into())
    );
}

#[tokio::test]
async fn a_wrong_secret_reads_exactly_like_an_unknown_code() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-k");
    let code = &app.submit_simple(&token).await;
    let wrong = app.track_with_secret(code, "doan-bua").await;
    let unknown = app
        .track_with_secret("000.00.01.H29-260603-9999", "doan-bua")
        .await;
    let malformed = app.track_with_secret("khong-phai-ma", "doan-bua").await;
    let (wrong_status, unknown_status) = (wrong.status(), unknown.status());
    let (wrong_body, unknown_body): (Value, Value) =
        (wrong.json().await.unwrap(), unknown.json().await.unwrap());
    assert_eq!(wrong_status, StatusCode::NOT_FOUND);
    assert_eq!((wrong_status, &wrong_body), (unknown_status, &unknown_body));
    assert_eq!(
        problem_code(malformed).await,
        (StatusCode::NOT_FOUND, "HO_SO_KHONG_TON_TAI".into())
    );
}

#[tokio::test]
async fn a_citizen_cannot_read_another_citizens_dossier() {
    let app = spawn_app().await;
    let owner = app.citizen("citizen-l");
    let code = &app.submit_simple(&owner).await;
    let other = app.track_as(code, &app.citizen("citizen-m")).await;
    assert_eq!(
        problem_code(other).await,
        (StatusCode::NOT_FOUND, "HO_SO_KHONG_TON_TAI".into())
    );
    let other_agency = app
        .track_as(code, &app.official("desk-x", "desk", "000.00.01.H01"))
        .await;
    assert_eq!(
        problem_code(other_agency).await,
        (StatusCode::NOT_FOUND, "HO_SO_KHONG_TON_TAI".into())
    );
    assert_eq!(
        app.track_as(code, &app.official("desk-y", "desk", AGENCY))
            .await
            .status(),
        StatusCode::OK
    );
}

#[tokio::test]
async fn sign_in_is_checked() {
    let app = spawn_app().await;
    let anonymous = app
        .http
        .get(format!("{}/api/my/dossiers", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(anonymous).await,
        (StatusCode::UNAUTHORIZED, "CHUA_DANG_NHAP".into())
    );
    let mut claims = api::Claims {
        sub: "citizen-n".into(),
        iss: app.issuer.settings.issuer.clone(),
        aud: app.issuer.settings.audience.clone(),
        exp: 1_000_000_000,
        iat: 999_996_400,
        name: None,
        roles: vec!["citizen".into()],
        agency: None,
    };
    let expired = app.my_dossiers(&app.issuer.sign(&claims), "").await;
    assert_eq!(problem_code(expired).await.0, StatusCode::UNAUTHORIZED);
    claims.exp = u64::MAX / 2;
    claims.aud = "another-portal".into();
    let foreign = app.my_dossiers(&app.issuer.sign(&claims), "").await;
    assert_eq!(problem_code(foreign).await.0, StatusCode::UNAUTHORIZED);
    let forged = api::dev_issuer::DevIssuer::new(&claims.iss, "dvc-portal").token(
        "citizen-n",
        "X",
        &["citizen"],
        None,
    );
    assert_eq!(
        problem_code(app.my_dossiers(&forged, "").await).await.0,
        StatusCode::UNAUTHORIZED
    );
    let official = app
        .submit(
            &app.official("desk-z", "desk", AGENCY),
            &form(TEMPORARY_ABSENCE, &[]),
            None,
        )
        .await;
    assert_eq!(
        problem_code(official).await,
        (StatusCode::FORBIDDEN, "KHONG_CO_QUYEN".into())
    );
}
