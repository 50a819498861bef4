//! Repeated and concurrent submissions: one dossier per request, and codes
//! that are unique and consecutive whatever the load.

use std::collections::BTreeSet;

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

#[tokio::test]
async fn fifty_repeats_of_one_request_make_one_dossier() {
    let app = spawn_app().await;
    let token = app.citizen("citizen-repeat");
    let form = app.residence_form(&token).await;
    let answers =
        join_all((0..50).map(|_| app.submit(&token, &form, Some("mot-lan-duy-nhat")))).await;
    let mut created = 0;
    let mut codes = BTreeSet::new();
    let mut secrets = BTreeSet::new();
    for answer in answers {
        match answer.status() {
            StatusCode::CREATED => created += 1,
            StatusCode::OK => {}
            other => panic!("unexpected {other}"),
        }
        let receipt: Value = answer.json().await.unwrap();
        codes.insert(receipt["code"].as_str().unwrap().to_owned());
        secrets.insert(receipt["tracking_secret"].as_str().unwrap().to_owned());
    }
    assert_eq!((created, codes.len(), secrets.len()), (1, 1, 1));
    let mine: Value = app.my_dossiers(&token, "").await.json().await.unwrap();
    assert_eq!(mine["items"].as_array().unwrap().len(), 1);
    // The same key with a different request is refused, not merged.
    let mut other = form.clone();
    other["summary"] = "Một yêu cầu khác".into();
    let reused = app.submit(&token, &other, Some("mot-lan-duy-nhat")).await;
    assert_eq!(
        problem_code(reused).await,
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            "KHOA_CHONG_TRUNG_DA_DUNG".into()
        )
    );
}

#[tokio::test]
async fn a_thousand_concurrent_submissions_get_consecutive_codes() {
    let app = spawn_app().await;
    let tokens: Vec<String> = (0..1000)
        .map(|i| app.citizen(&format!("citizen-{i:04}")))
        .collect();
    let form = form(TEMPORARY_ABSENCE, &[]);
    let answers = join_all(tokens.iter().map(|token| app.submit(token, &form, None))).await;
    let mut sequences = Vec::new();
    for answer in answers {
        assert_eq!(answer.status(), StatusCode::CREATED);
        let receipt: Value = answer.json().await.unwrap();
        let code = domain::DossierCode::parse(receipt["code"].as_str().unwrap()).unwrap();
        assert_eq!(code.agency().as_str(), AGENCY);
        sequences.push(code.sequence());
    }
    sequences.sort_unstable();
    assert_eq!(sequences, (1..=1000).collect::<Vec<u32>>());
    // Every one is stored and readable by its owner.
    let last: Value = app
        .my_dossiers(&tokens[999], "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(last["items"].as_array().unwrap().len(), 1);
}
