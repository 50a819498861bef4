//! The relevance set (`relevance.toml`) against a real Meilisearch, with the
//! catalogue pushed as `search-index push` pushes it and searched as the
//! browser searches (`meili::search`: the query and its Telex marks, "last",
//! then "frequency" when nothing matched). Runs only when `MEILI_URL` is set
//! (and `MEILI_MASTER_KEY` when the server has one):
//! `MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=… cargo test -p search-index --test meilisearch_relevance -- --nocapture`
//! Goals as for the fallback: every query's procedure in the top 5, 90 % at
//! rank 1. The index is removed at the end, pass or fail.

use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use search::Vocabulary;
use search_index::{catalogue, meili, relevance, settings};

#[tokio::test]
async fn meilisearch_finds_what_citizens_mean() {
    let Ok(url) = std::env::var("MEILI_URL") else {
        println!("skipped meilisearch_finds_what_citizens_mean: MEILI_URL is not set");
        return;
    };
    if url.trim().is_empty() {
        println!("skipped meilisearch_finds_what_citizens_mean: MEILI_URL is empty");
        return;
    }
    let master = std::env::var("MEILI_MASTER_KEY")
        .ok()
        .filter(|k| !k.is_empty());
    let client = meili::client(url.trim(), master.as_deref()).unwrap();
    let stamp = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    let index = format!("relevance-{stamp}");

    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../site/content/thu-tuc");
    let vocabulary = Vocabulary::bundled();
    let (entries, unreadable) = catalogue::read(&content).unwrap();
    assert!(unreadable.is_empty(), "{unreadable:?}");
    let documents = catalogue::documents(&entries, &vocabulary);
    let (safe, _) = catalogue::stop_words(&documents, &vocabulary);
    let outcome = async {
        meili::push(
            &client,
            &index,
            &documents,
            &settings::settings(&vocabulary, &safe, &documents),
        )
        .await?;
        let cases = relevance::cases();
        let mut results = Vec::with_capacity(cases.len());
        for case in &cases {
            results.push(meili::search(&client, &index, &case.q, &[], 5).await?.codes);
        }
        anyhow::Ok((cases, results))
    }
    .await;
    // Clean up before judging, so a failed run leaves nothing behind.
    if let Ok(task) = client.index(&index).delete().await {
        let _ = task.wait_for_completion(&client, None, None).await;
    }
    let (cases, results) = outcome.unwrap();
    relevance::check_goals(&cases, &results);
}
