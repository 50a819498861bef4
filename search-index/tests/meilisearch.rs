//! `meili` against a real Meilisearch server: run only when `MEILI_URL` is
//! set (and `MEILI_MASTER_KEY` when the server has one), e.g.
//! `MEILI_URL=http://127.0.0.1:7700 MEILI_MASTER_KEY=… cargo test -p search-index --test meilisearch`.
//! Each test works in indexes (and a key) of its own, named uniquely, and
//! removes them at the end, whether it passed or not.
//!
//! What a browser would see (status codes, the stored settings) is checked
//! over plain HTTP, not through the SDK `meili` uses.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::{Context, ensure};
use meilisearch_sdk::errors::{Error, ErrorCode};
use meilisearch_sdk::key::Action;
use meilisearch_sdk::tasks::Task;
use reqwest::StatusCode;
use search::{Entry, SearchDocument, Vocabulary};
use search_index::meili::{self, Client};
use search_index::{catalogue, settings};
use serde_json::{Value, json};

struct Server {
    url: String,
    master: Option<String>,
}

impl Server {
    /// The server under test, or `None` (and a note) when none is given.
    fn from_env(test: &str) -> Option<Server> {
        match std::env::var("MEILI_URL") {
            Ok(url) if !url.trim().is_empty() => Some(Server {
                url: url.trim().trim_end_matches('/').to_owned(),
                master: std::env::var("MEILI_MASTER_KEY")
                    .ok()
                    .filter(|k| !k.is_empty()),
            }),
            _ => {
                println!("skipped {test}: MEILI_URL is not set");
                None
            }
        }
    }

    fn client(&self) -> Client {
        meili::client(&self.url, self.master.as_deref()).expect("client")
    }

    /// A raw request with `key` (or none), as a browser sends it.
    fn http(
        &self,
        method: reqwest::Method,
        path: &str,
        key: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let request = reqwest::Client::new().request(method, format!("{}{path}", self.url));
        match key {
            Some(key) => request.bearer_auth(key),
            None => request,
        }
    }

    async fn get_json(&self, path: &str) -> anyhow::Result<Value> {
        let response = self
            .http(reqwest::Method::GET, path, self.master.as_deref())
            .send()
            .await?;
        ensure!(
            response.status() == StatusCode::OK,
            "GET {path}: {}",
            response.status()
        );
        Ok(response.json().await?)
    }
}

/// An index name no other run uses.
fn unique(prefix: &str) -> String {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    format!("{prefix}-{}-{nanos}", std::process::id())
}

/// The real catalogue, as `search-index push` reads it.
fn catalogue() -> (Vec<Entry>, Vocabulary) {
    let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../site/content/thu-tuc");
    let (entries, unreadable) = catalogue::read(&content).expect("catalogue");
    assert!(unreadable.is_empty(), "{unreadable:?}");
    assert!(!entries.is_empty());
    (entries, Vocabulary::bundled())
}

fn documents_and_settings(
    entries: &[Entry],
    vocabulary: &Vocabulary,
) -> (Vec<SearchDocument>, Value) {
    let documents = catalogue::documents(entries, vocabulary);
    let (safe, _) = catalogue::stop_words(&documents, vocabulary);
    let settings = settings::settings(vocabulary, &safe, &documents);
    (documents, settings)
}

async fn delete_index(client: &Client, uid: &str) -> anyhow::Result<()> {
    match client.delete_index(uid).await {
        Ok(task) => match client.wait_for_task(&task, None, Some(timeout())).await? {
            Task::Failed { content } if content.error.error_code != ErrorCode::IndexNotFound => {
                anyhow::bail!("deleting index {uid}: {}", content.error)
            }
            _ => Ok(()),
        },
        Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::IndexNotFound => Ok(()),
        Err(e) => Err(e).with_context(|| format!("deleting index {uid}")),
    }
}

fn timeout() -> std::time::Duration {
    std::time::Duration::from_secs(120)
}

fn sorted(value: &Value) -> Vec<String> {
    let mut words: Vec<String> = value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    words.sort();
    words
}

#[tokio::test]
async fn a_push_sends_the_catalogue_then_only_what_changed() {
    let Some(server) = Server::from_env("a_push_sends_the_catalogue_then_only_what_changed") else {
        return;
    };
    let client = server.client();
    let uid = unique("thu-tuc-test-push");
    let outcome = pushes(&server, &client, &uid).await;
    let cleanup = delete_index(&client, &uid).await;
    outcome.unwrap();
    cleanup.unwrap();
}

async fn pushes(server: &Server, client: &Client, uid: &str) -> anyhow::Result<()> {
    let (mut entries, vocabulary) = catalogue();
    let (documents, sent) = documents_and_settings(&entries, &vocabulary);
    let n = documents.len();

    let first = meili::push(client, uid, &documents, &sent).await?;
    ensure!(
        (first.added, first.changed, first.unchanged, first.deleted) == (n, 0, 0, 0),
        "first push: {first}"
    );

    // The settings as the server stores them, not as the SDK reads them.
    let stored = server.get_json(&format!("/indexes/{uid}/settings")).await?;
    ensure!(
        stored["searchableAttributes"] == sent["searchableAttributes"],
        "searchable attributes: {} (sent {})",
        stored["searchableAttributes"],
        sent["searchableAttributes"]
    );
    ensure!(
        stored["typoTolerance"]["minWordSizeForTypos"]
            == sent["typoTolerance"]["minWordSizeForTypos"],
        "typo sizes: {}",
        stored["typoTolerance"]
    );
    ensure!(
        !sorted(&sent["synonyms"]["sổ đỏ"]).is_empty()
            && sorted(&stored["synonyms"]["sổ đỏ"]) == sorted(&sent["synonyms"]["sổ đỏ"]),
        "synonyms of sổ đỏ: {} (sent {})",
        stored["synonyms"]["sổ đỏ"],
        sent["synonyms"]["sổ đỏ"]
    );
    // Meilisearch may keep stop words in its own normal form (decomposed,
    // lower case): compare what they match, not how they are spelt.
    let folded =
        |v: &Value| -> BTreeSet<String> { sorted(v).iter().map(|w| search::fold(w)).collect() };
    ensure!(
        folded(&stored["stopWords"]) == folded(&sent["stopWords"]),
        "stop words: {} (sent {})",
        stored["stopWords"],
        sent["stopWords"]
    );
    let count = server
        .get_json(&format!("/indexes/{uid}/documents?limit=1"))
        .await?;
    ensure!(count["total"] == json!(n), "documents stored: {count}");

    // What a citizen types finds something, and a hit shows no digest.
    let found = meili::search(client, uid, "đăng ký khai sinh", &[], 5).await?;
    ensure!(
        !found.codes.is_empty(),
        "nothing found for đăng ký khai sinh"
    );
    let hits = server
        .http(
            reqwest::Method::POST,
            &format!("/indexes/{uid}/search"),
            server.master.as_deref(),
        )
        .json(&json!({"q": "khai sinh", "limit": 1}))
        .send()
        .await?
        .json::<Value>()
        .await?;
    ensure!(
        hits["hits"][0].get("digest").is_none(),
        "a hit shows {}",
        hits["hits"][0]
    );

    let again = meili::push(client, uid, &documents, &sent).await?;
    ensure!(
        (again.added, again.changed, again.unchanged, again.deleted) == (0, 0, n, 0),
        "second push of the same catalogue: {again}"
    );

    let changed = n / 2;
    entries[changed].description = format!("{} (sửa đổi)", entries[changed].description);
    let (amended, _) = documents_and_settings(&entries, &vocabulary);
    let third = meili::push(client, uid, &amended, &sent).await?;
    ensure!(
        (third.added, third.changed, third.unchanged, third.deleted) == (0, 1, n - 1, 0),
        "push after one description changed: {third}"
    );
    let id = &amended[changed].id;
    let stored_doc = server
        .get_json(&format!("/indexes/{uid}/documents/{id}?fields=digest"))
        .await?;
    ensure!(
        stored_doc["digest"] == json!(amended[changed].digest),
        "stored digest of {id}: {stored_doc}"
    );

    let mut fewer = amended.clone();
    let gone = fewer.remove(0);
    let fourth = meili::push(client, uid, &fewer, &sent).await?;
    ensure!(
        (
            fourth.added,
            fourth.changed,
            fourth.unchanged,
            fourth.deleted
        ) == (0, 0, n - 1, 1),
        "push after one procedure left: {fourth}"
    );
    let status = server
        .http(
            reqwest::Method::GET,
            &format!("/indexes/{uid}/documents/{}", gone.id),
            server.master.as_deref(),
        )
        .send()
        .await?
        .status();
    ensure!(
        status == StatusCode::NOT_FOUND,
        "{} still answers {status}",
        gone.id
    );
    Ok(())
}

#[tokio::test]
async fn the_search_key_searches_its_index_and_nothing_else() {
    let Some(server) = Server::from_env("the_search_key_searches_its_index_and_nothing_else")
    else {
        return;
    };
    if server.master.is_none() {
        println!(
            "skipped the_search_key_searches_its_index_and_nothing_else: keys need MEILI_MASTER_KEY"
        );
        return;
    }
    let client = server.client();
    let uid = unique("thu-tuc-test-key");
    let other = unique("thu-tuc-test-other");
    let outcome = search_key(&server, &client, &uid, &other).await;
    let mut cleanup = Vec::new();
    match meili::find_key(&client, &meili::search_key_name(&uid)).await {
        Ok(Some(key)) => cleanup.push(client.delete_key(&key.uid).await.map_err(Into::into)),
        Ok(None) => {}
        Err(e) => cleanup.push(Err(e)),
    }
    cleanup.push(delete_index(&client, &uid).await);
    cleanup.push(delete_index(&client, &other).await);
    outcome.unwrap();
    for step in cleanup {
        step.unwrap();
    }
}

async fn search_key(
    server: &Server,
    client: &Client,
    uid: &str,
    other: &str,
) -> anyhow::Result<()> {
    let (entries, vocabulary) = catalogue();
    let (documents, sent) = documents_and_settings(&entries[..entries.len().min(60)], &vocabulary);
    meili::push(client, uid, &documents, &sent).await?;
    meili::push(client, other, &documents[..5], &sent).await?;

    let key = meili::search_key(client, uid).await?;
    ensure!(
        meili::search_key(client, uid).await? == key,
        "a second call made another key"
    );
    let made = meili::find_key(client, &meili::search_key_name(uid))
        .await?
        .context("the search key is not listed")?;
    ensure!(
        made.actions == [Action::Search] && made.indexes == [uid] && made.expires_at.is_none(),
        "the search key allows {:?} on {:?}, expiring {:?}",
        made.actions,
        made.indexes,
        made.expires_at
    );

    let browser = meili::client(&server.url, Some(&key))?;
    let target = &documents[0];
    let found = meili::search_faceted(&browser, uid, &target.name, &[], &["levels"], 5).await?;
    ensure!(
        found.codes.contains(&target.code),
        "searching {:?} with the search key found {:?}",
        target.name,
        found.codes
    );
    ensure!(
        found.facets.contains_key("levels"),
        "no level counts: {:?}",
        found.facets
    );
    if let Some(level) = target.levels.first() {
        let filter = format!("levels = {}", json!(level));
        let filtered = meili::search(&browser, uid, &target.name, &[&filter], 5).await?;
        ensure!(
            filtered.codes.contains(&target.code),
            "with {filter}: {:?}",
            filtered.codes
        );
    }

    // The master key reaches the other index: a refusal below is the key's.
    let master = server
        .http(
            reqwest::Method::POST,
            &format!("/indexes/{other}/search"),
            server.master.as_deref(),
        )
        .json(&json!({"q": "thủ tục"}))
        .send()
        .await?
        .status();
    ensure!(
        master == StatusCode::OK,
        "the master key searching {other}: {master}"
    );

    let doc = serde_json::to_value(&documents[0])?;
    let refused = [
        (
            reqwest::Method::POST,
            format!("/indexes/{uid}/documents"),
            json!([doc]),
        ),
        (
            reqwest::Method::POST,
            format!("/indexes/{uid}/documents/delete-batch"),
            json!([documents[0].id]),
        ),
        (
            reqwest::Method::PATCH,
            format!("/indexes/{uid}/settings"),
            json!({"stopWords": []}),
        ),
        (
            reqwest::Method::POST,
            format!("/indexes/{other}/search"),
            json!({"q": "thủ tục"}),
        ),
        (
            reqwest::Method::POST,
            "/keys".to_owned(),
            json!({"actions": ["*"], "indexes": ["*"], "expiresAt": null}),
        ),
    ];
    for (method, path, body) in refused {
        let status = server
            .http(method.clone(), &path, Some(&key))
            .json(&body)
            .send()
            .await?
            .status();
        ensure!(
            status == StatusCode::FORBIDDEN,
            "{method} {path} with the search key: {status}, not 403"
        );
    }
    // Nothing written through it got in.
    let count = server
        .get_json(&format!("/indexes/{uid}/documents?limit=1"))
        .await?;
    ensure!(
        count["total"] == json!(documents.len()),
        "documents: {count}"
    );
    Ok(())
}
