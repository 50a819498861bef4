//! The no-JavaScript search follows the index each content publication puts
//! in the site's bucket, not only the one its artifact shipped with.

use std::path::Path;
use std::time::Duration;

use api::{SITE_INDEX_DIR, SearchIndex};
use search::{Entry, FallbackIndex, SearchDocument};

use crate::helpers::*;

fn index_of(names: &[(&str, &str)]) -> FallbackIndex {
    let documents: Vec<SearchDocument> = names
        .iter()
        .map(|(code, name)| {
            let entry = Entry {
                code: (*code).into(),
                name: (*name).into(),
                url: format!("/thu-tuc/{}/", code.replace('.', "-")),
                ..Entry::default()
            };
            SearchDocument::new(&entry, vec![], vec![])
        })
        .collect();
    FallbackIndex::build(&documents, &[], &[])
}

/// What `scripts/publish-content` does: the built index's files, under
/// the site's directory for it, in the bucket.
async fn publish(app: &TestApp, bucket: &str, index: &FallbackIndex) {
    let dir = tempfile::tempdir().unwrap();
    index.write(dir.path()).unwrap();
    let mut pending = vec![dir.path().to_path_buf()];
    while let Some(at) = pending.pop() {
        for entry in std::fs::read_dir(&at).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let name = path.strip_prefix(dir.path()).unwrap().to_string_lossy();
            put(
                app,
                bucket,
                &format!("{SITE_INDEX_DIR}/{name}"),
                std::fs::read(&path).unwrap(),
            )
            .await;
        }
    }
}

async fn put(app: &TestApp, bucket: &str, key: &str, body: Vec<u8>) {
    app.s3
        .put_object()
        .bucket(bucket)
        .key(key)
        .body(body.into())
        .send()
        .await
        .unwrap();
}

fn codes(index: &FallbackIndex, query: &str) -> Vec<String> {
    let hits = index.search(query, 10, |_| true);
    hits.iter()
        .map(|h| index.docs[h.doc as usize].code.clone())
        .collect()
}

#[tokio::test]
async fn a_publication_reaches_the_search_and_a_broken_one_leaves_it_alone() {
    let app = spawn_app().await;
    let bucket = format!("{}-site", app.bucket);
    store::create_bucket(&app.s3, &bucket).await.unwrap();
    let shipped = index_of(&[("1.000001", "Đăng ký khai sinh")]);
    let shipped_root = {
        let dir = tempfile::tempdir().unwrap();
        shipped.write(dir.path()).unwrap().root
    };
    let search = SearchIndex::following(
        Some((std::sync::Arc::new(shipped), shipped_root)),
        app.s3.clone(),
        bucket.clone(),
        SITE_INDEX_DIR,
        Duration::ZERO,
    );
    // Nothing published yet: the shipped index answers.
    let now = search.get().await.unwrap();
    assert_eq!(codes(&now, "khai sinh"), ["1.000001"]);

    // An editor adds a procedure; the publication puts a new build up.
    publish(
        &app,
        &bucket,
        &index_of(&[
            ("1.000001", "Đăng ký khai sinh"),
            ("1.000002", "Đăng ký kết hôn"),
        ]),
    )
    .await;
    let now = search.get().await.unwrap();
    assert_eq!(codes(&now, "ket hon"), ["1.000002"]);

    // A manifest naming files that are not (yet) there is not taken up.
    let mut manifest: serde_json::Value = serde_json::from_slice(
        &app.s3
            .get_object()
            .bucket(&bucket)
            .key(format!("{SITE_INDEX_DIR}/manifest.json"))
            .send()
            .await
            .unwrap()
            .body
            .collect()
            .await
            .unwrap()
            .into_bytes(),
    )
    .unwrap();
    manifest["root"] = "0000000000000000".into();
    put(
        &app,
        &bucket,
        &format!("{SITE_INDEX_DIR}/manifest.json"),
        serde_json::to_vec(&manifest).unwrap(),
    )
    .await;
    let now = search.get().await.unwrap();
    assert_eq!(
        codes(&now, "ket hon"),
        ["1.000002"],
        "the last good build stays"
    );
}

#[test]
fn the_directory_is_the_one_the_publication_writes_and_the_stack_lets_track_read() {
    let read = |path: &str| {
        std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(path),
        )
        .unwrap()
    };
    assert!(
        read("scripts/publish-content").contains(&format!("--out \"$public/{SITE_INDEX_DIR}\""))
    );
    assert!(
        read("infra/template.yaml").contains(&format!("${{SiteBucket.Arn}}/{SITE_INDEX_DIR}/*")),
        "the track function's role may read the published index"
    );
}
