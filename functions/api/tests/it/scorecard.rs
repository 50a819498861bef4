//! The QĐ 766 scorecard a leader reads in the back office.

use reqwest::StatusCode;
use serde_json::Value;

use crate::backoffice::receive_at_counter;
use crate::helpers::*;

fn indicator<'a>(card: &'a Value, id: &str) -> &'a Value {
    card["groups"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| g["indicators"].as_array().unwrap())
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("indicator {id} in {card}"))
}

async fn scorecard(app: &TestApp, subject: &str, query: &str) -> (StatusCode, Value) {
    let response = app
        .bo_get(
            &app.staff(subject),
            &format!("/api/can-bo/chi-so-766{query}"),
        )
        .await;
    (response.status(), response.json().await.unwrap())
}

#[tokio::test]
async fn a_leader_sees_the_months_points_from_the_agencys_own_dossiers() {
    let app = spawn_app().await;
    app.onboard().await;
    // June 2026: two dossiers online from citizens' accounts, one at the counter.
    app.submit_simple(&app.citizen("citizen-score-1")).await;
    app.submit_simple(&app.citizen("citizen-score-2")).await;
    receive_at_counter(&app).await;

    let (status, card) = scorecard(&app, "lanh-dao-1", "?month=2026-06").await;
    assert_eq!(status, StatusCode::OK, "{card}");
    assert_eq!(card["month"], "2026-06");

    // 3.3: 2 of 3 online, over the 50 % that earns the full 6 points.
    let online = indicator(&card, "3.3");
    assert_eq!(
        (online["rate"].as_f64(), online["points"].as_f64()),
        (Some(66.67), Some(6.0))
    );
    // 4.5: 2 of 3 from an identified account: 66.67 % of 4 points.
    let identified = indicator(&card, "4.5");
    assert_eq!(identified["points"].as_f64(), Some(2.67));
    // 1.4: nothing has reached the national portal yet (no worker ran).
    let synced = indicator(&card, "1.4");
    assert_eq!(synced["counts"][0]["part"], 0);
    assert_eq!(synced["counts"][0]["whole"], 3);
    assert_eq!(synced["points"].as_f64(), Some(0.0));
    // 2.1: nothing resolved yet, so nothing late: the full 20.
    assert_eq!(indicator(&card, "2.1")["points"].as_f64(), Some(20.0));
    // 1.3 counts the procedures the agency has a route for: one.
    assert_eq!(indicator(&card, "1.3")["counts"][0]["whole"], 1);
    // What cannot be measured says why and earns nothing.
    let payment = indicator(&card, "3.5");
    assert_eq!(payment["state"], "not_measured");
    assert!(
        payment["basis"]
            .as_str()
            .unwrap()
            .contains("thanh toán trực tuyến")
    );
    assert_eq!(card["measured_max"].as_f64(), Some(76.0));
    let sum: f64 = card["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["points"].as_f64().unwrap())
        .sum();
    assert!(
        (sum - card["total"].as_f64().unwrap()).abs() < 0.001,
        "{card}"
    );

    // Another agency's leader sees their own agency's month: no dossiers.
    let (status, other) = scorecard(&app, "lanh-dao-1-x", "?month=2026-06").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(indicator(&other, "3.3")["counts"][0]["whole"], 0);
}

#[tokio::test]
async fn only_leaders_read_it_and_a_bad_month_is_explained() {
    let app = spawn_app().await;
    app.onboard().await;
    for subject in ["mot-cua-1", "truong-phong-1", "quan-tri-1"] {
        let (status, problem) = scorecard(&app, subject, "").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{subject}");
        assert_eq!(problem["code"], "KHONG_CO_QUYEN");
    }
    for month in ["2026-13", "2026-07", "thang-sau"] {
        let (status, problem) = scorecard(&app, "lanh-dao-1", &format!("?month={month}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{month}");
        assert_eq!(
            (problem["code"].as_str(), problem["field"].as_str()),
            (Some("DU_LIEU_KHONG_HOP_LE"), Some("month"))
        );
        assert!(
            problem["title"].as_str().unwrap().contains("YYYY-MM"),
            "{problem}"
        );
    }
    // Without a month: the current one (the test clock's June 2026).
    let (status, card) = scorecard(&app, "lanh-dao-1", "").await;
    assert_eq!(
        (status, card["month"].as_str()),
        (StatusCode::OK, Some("2026-06"))
    );
}
