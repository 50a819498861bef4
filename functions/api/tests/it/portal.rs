//! What the site's pages ask for: a procedure's form, the QR code of a
//! dossier code, the sign-in endpoints and the tracking page without JavaScript.

use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn a_procedure_form_says_what_each_paper_requires() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!(
            "{}/api/procedures/{RESIDENCE_CONFIRMATION}",
            app.base
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let form: Value = response.json().await.unwrap();
    assert_eq!(form["code"], RESIDENCE_CONFIRMATION);
    assert_eq!(form["accepts_online"], true);
    let components = form["components"].as_array().unwrap();
    assert_eq!(
        components.len(),
        procedure(RESIDENCE_CONFIRMATION).components.len()
    );
    assert_eq!(components[0]["index"], 0);
    assert_eq!(components[0]["requirement"], "required");
    assert!(
        form["file_types"]
            .as_array()
            .unwrap()
            .contains(&"application/pdf".into())
    );
    assert_eq!(form["max_file_bytes"], 20 << 20);

    let counter: Value = app
        .http
        .get(format!("{}/api/procedures/{COUNTER_ONLY}", app.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(counter["accepts_online"], false);

    for unknown in ["9.999999", "not-a-code"] {
        let response = app
            .http
            .get(format!("{}/api/procedures/{unknown}", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(
            problem_code(response).await,
            (StatusCode::NOT_FOUND, "THU_TUC_KHONG_TON_TAI".into())
        );
    }
}

#[tokio::test]
async fn the_qr_code_of_a_dossier_code_is_an_svg() {
    let app = spawn_app().await;
    let code = app.submit_simple(&app.citizen("cong-dan-1")).await;
    let response = app
        .http
        .get(format!("{}/api/dossiers/{code}/qr.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/svg+xml");
    let svg = response.text().await.unwrap();
    assert!(svg.starts_with("<?xml") && svg.contains("<svg"), "{svg}");
    let response = app
        .http
        .get(format!("{}/api/dossiers/khong-phai-ma/qr.svg", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn without_an_identity_provider_sign_in_says_so() {
    let app = spawn_app().await;
    let response = app
        .http
        .get(format!("{}/api/auth/config", app.base))
        .send()
        .await
        .unwrap();
    assert_eq!(
        problem_code(response).await,
        (StatusCode::NOT_FOUND, "CHUA_CAU_HINH_DANG_NHAP".into())
    );
}

#[tokio::test]
async fn the_tracking_page_works_without_javascript_and_keeps_dossiers_private() {
    let app = spawn_app().await;
    let token = app.citizen("cong-dan-1");
    let receipt: Value = app
        .submit(&token, &form(TEMPORARY_ABSENCE, &[]), None)
        .await
        .json()
        .await
        .unwrap();
    let code = receipt["code"].as_str().unwrap();
    let secret = receipt["tracking_secret"].as_str().unwrap();
    let page = |code: String, secret: String| {
        let http = app.http.clone();
        let url = reqwest::Url::parse_with_params(
            &format!("{}/api/tra-cuu", app.base),
            &[("ma", code), ("ma-tra-cuu", secret)],
        )
        .unwrap();
        async move { http.get(url).send().await.unwrap() }
    };
    let response = page(code.into(), secret.into()).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    let html = response.text().await.unwrap();
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"vi\">"));
    assert!(html.contains(&format!("Tình trạng hồ sơ {code}")), "{html}");
    assert!(html.contains("Mới đăng ký"), "{html}");
    assert!(html.contains("Khai báo tạm vắng"), "{html}");

    let wrong = page(code.into(), "sai-ma".into()).await;
    assert_eq!(wrong.status(), StatusCode::NOT_FOUND);
    let html = wrong.text().await.unwrap();
    assert!(html.contains("Không tìm thấy hồ sơ"), "{html}");
    assert!(!html.contains("Khai báo tạm vắng"), "{html}");

    let injected = page("<script>alert(1)</script>".into(), "x".into()).await;
    let html = injected.text().await.unwrap();
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(html.contains("&lt;script&gt;"), "{html}");
}

#[tokio::test]
async fn search_without_javascript_finds_the_procedure_and_keeps_the_form() {
    let app = spawn_app().await;
    let page = |pairs: &[(&str, &str)]| {
        let url =
            reqwest::Url::parse_with_params(&format!("{}/api/tim-kiem", app.base), pairs).unwrap();
        let http = app.http.clone();
        async move {
            let response = http.get(url).send().await.unwrap();
            let status = response.status();
            (status, response.text().await.unwrap())
        }
    };
    let (status, html) = page(&[("q", "dang ky khai sinh")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(html.starts_with("<!DOCTYPE html><html lang=\"vi\">"));
    let first = html.find("<ol class=\"results\"").expect("a result list");
    let first_link = &html[first..];
    assert!(
        first_link.contains("<li><a href=\"/thu-tuc/1-001193/\">Thủ tục đăng ký khai sinh</a>"),
        "{html}"
    );
    assert!(
        html.contains("value=\"dang ky khai sinh\""),
        "the query stays in the box"
    );
    // Only the procedures with every word are counted and listed.
    assert!(
        html.contains("thủ tục có đủ các từ <strong>dang ky khai sinh</strong>"),
        "{html}"
    );
    assert!(
        !html.contains("/thu-tuc/1-000894/"),
        "no marriage registration for a birth"
    );

    // A facet keeps only its procedures.
    let (_, all) = page(&[("q", "đăng ký")]).await;
    let (_, filtered) = page(&[("q", "đăng ký"), ("linh-vuc", "Hộ tịch")]).await;
    let count = |html: &str| {
        let at = html.find("Tìm thấy <strong>").expect(html) + "Tìm thấy <strong>".len();
        html[at..]
            .split('<')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    assert!(
        count(&filtered) < count(&all),
        "the filter narrows the results"
    );
    assert!(
        filtered.contains("<option selected>Hộ tịch</option>"),
        "{filtered}"
    );
    assert!(filtered.contains("/thu-tuc/1-001193/"));

    // More than a page: the second starts at 21 and links back.
    let (_, second) = page(&[("q", "cấp"), ("trang", "2")]).await;
    assert!(
        second.contains("<ol class=\"results\" start=\"21\">"),
        "{second}"
    );
    assert!(second.contains("<span aria-current=\"page\">2</span>"));
    assert!(
        second.contains("href=\"/api/tim-kiem?q=c%E1%BA%A5p&amp;trang=1\""),
        "{second}"
    );

    let (status, none) = page(&[("q", "xyzxyz qwqwqw")]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(none.contains("Không tìm thấy thủ tục nào"), "{none}");

    let (status, empty) = page(&[]).await;
    assert_eq!(status, StatusCode::OK);
    assert!(empty.contains("Nhập tên thủ tục"), "{empty}");

    let long = "khai sinh ".repeat(30);
    let (status, too_long) = page(&[("q", long.as_str())]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(too_long.contains("Từ khóa quá dài"));

    let (_, injected) = page(&[("q", "<script>alert(1)</script>")]).await;
    assert!(!injected.contains("<script>alert"), "{injected}");
    assert!(injected.contains("&lt;script&gt;"));
}
