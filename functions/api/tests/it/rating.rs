//! The applicant rates a returned dossier with the secret printed on Mẫu 01;
//! nobody else can; the rating may be changed for 72 hours.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::backoffice::receive_at_counter;
use crate::helpers::*;

const INDICATORS: [&str; 9] = [
    "total_time",
    "time_per_agency",
    "contacts",
    "agencies_contacted",
    "desk_practice",
    "publicity",
    "staff_attitude",
    "feedback_handling",
    "online_service",
];

fn answers(level: &str) -> Value {
    let answers: serde_json::Map<String, Value> = INDICATORS
        .iter()
        .map(|i| (i.to_string(), json!(level)))
        .collect();
    json!({"answers": answers, "comment": "Cán bộ hướng dẫn tận tình"})
}

async fn rate(
    app: &TestApp,
    code: &str,
    secret: Option<&str>,
    token: Option<&str>,
    body: &Value,
) -> reqwest::Response {
    let mut request = app
        .http
        .request(
            Method::PUT,
            format!("{}/api/dossiers/{code}/rating", app.base),
        )
        .json(body);
    if let Some(secret) = secret {
        request = request.header("X-Tracking-Secret", secret);
    }
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap()
}

#[tokio::test]
async fn the_applicant_rates_a_returned_dossier_once_and_may_change_it_for_three_days() {
    let app = spawn_app().await;
    app.onboard().await;
    let receipt = receive_at_counter(&app).await;
    let code = receipt["dossier"]["code"].as_str().unwrap().to_owned();
    let secret = receipt["tracking_secret"].as_str().unwrap().to_owned();

    // Not yet: the result is not returned.
    let early = rate(&app, &code, Some(&secret), None, &answers("satisfied")).await;
    assert_eq!(
        problem_code(early).await,
        (StatusCode::CONFLICT, "CHUA_DEN_LUC_DANH_GIA".into())
    );

    for (who, action, fields) in [
        ("mot-cua-1", "assign_department", json!({})),
        (
            "truong-phong-1",
            "assign_specialist",
            json!({"to": "chuyen-vien-1"}),
        ),
        ("chuyen-vien-1", "start_review", json!({})),
        (
            "chuyen-vien-1",
            "submit_for_approval",
            json!({"note": "Đủ điều kiện"}),
        ),
        (
            "truong-phong-1",
            "approve",
            json!({"result_number": "15/TLKT"}),
        ),
        ("mot-cua-1", "return_result", json!({"delivery": "at_desk"})),
    ] {
        app.act(who, &code, action, fields).await;
    }

    // Someone without the secret, and an official of the agency, cannot rate it.
    let stranger = rate(&app, &code, Some("sai-ma"), None, &answers("dissatisfied")).await;
    assert_eq!(stranger.status(), StatusCode::NOT_FOUND);
    let official = rate(
        &app,
        &code,
        None,
        Some(&app.staff("mot-cua-1")),
        &answers("very_satisfied"),
    )
    .await;
    assert_eq!(official.status(), StatusCode::NOT_FOUND);

    // Every indicator must be answered, with one of the three levels.
    let mut partial = answers("satisfied");
    partial["answers"]
        .as_object_mut()
        .unwrap()
        .remove("publicity");
    let response = rate(&app, &code, Some(&secret), None, &partial).await;
    let status = response.status();
    let problem: Value = response.json().await.unwrap();
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("DANH_GIA_CHUA_DU"), Some("answers.publicity"))
    );
    let mut odd = answers("satisfied");
    odd["answers"]["contacts"] = json!("tam được");
    let response = rate(&app, &code, Some(&secret), None, &odd).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);

    let first = rate(&app, &code, Some(&secret), None, &answers("satisfied")).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let view: Value = first.json().await.unwrap();
    assert_eq!(
        (view["points"].as_u64(), view["overall"].as_str()),
        (Some(9), Some("Hài lòng"))
    );
    assert_eq!(
        view["answers"][0]["question"],
        "Thời gian giải quyết so với quy định"
    );
    assert!(view["changeable_until"].is_string());

    // Changed the next day; read back as changed.
    app.set_now(now() + chrono::Duration::days(1));
    let changed = rate(&app, &code, Some(&secret), None, &answers("very_satisfied")).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let read: Value = app
        .http
        .get(format!("{}/api/dossiers/{code}/rating", app.base))
        .header("X-Tracking-Secret", &secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (read["points"].as_u64(), read["overall"].as_str()),
        (Some(18), Some("Rất hài lòng"))
    );
    assert_eq!(read["comment"], "Cán bộ hướng dẫn tận tình");

    // Four days on, it stands as it is.
    app.set_now(now() + chrono::Duration::days(4));
    let late = rate(&app, &code, Some(&secret), None, &answers("dissatisfied")).await;
    assert_eq!(
        problem_code(late).await,
        (StatusCode::CONFLICT, "HET_THOI_HAN_SUA_DANH_GIA".into())
    );
    let stored = app
        .store
        .rating(&domain::DossierCode::parse(&code).unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.rating.points(), 18);
    let month = app
        .store
        .ratings_of_month(&domain::AgencyCode::parse(AGENCY).unwrap(), now().date())
        .await
        .unwrap();
    assert_eq!(month.len(), 1, "the month's ratings hold it once");
}
