//! Meilisearch, through its SDK: pushing the catalogue's documents and
//! settings (only what changed, by digest), the browser's search-only key,
//! and searching as the browser does (for tests and measurements).
//!
//! Every write is a Meilisearch task; `push` waits for each one and fails
//! if any failed, so a push that returns `Ok` is what the index now holds.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::time::Duration;

use anyhow::{Context, bail, ensure};
use meilisearch_sdk::documents::DocumentsQuery;
use meilisearch_sdk::errors::{Error, ErrorCode};
use meilisearch_sdk::indexes::Index;
use meilisearch_sdk::key::{Action, Key, KeyBuilder, KeysQuery};
use meilisearch_sdk::search::{MatchingStrategies, Selectors};
use meilisearch_sdk::settings::Settings;
use meilisearch_sdk::task_info::TaskInfo;
use meilisearch_sdk::tasks::Task;
use search::SearchDocument;
use serde::Deserialize;
use serde_json::Value;

use crate::settings;

pub use meilisearch_sdk::client::Client;

/// The documents' primary key (`SearchDocument::id`).
pub const PRIMARY_KEY: &str = "id";

/// Documents per `add_or_replace` call and per page read back: well under
/// Meilisearch's default payload limit (100 MB) with ~1 KB documents.
const BATCH: usize = 1_000;

/// How often and how long to wait for a task. The SDK's default (5 s) is
/// too short for a first indexing of the whole catalogue on a small machine.
const POLL: Duration = Duration::from_millis(100);
const TASK_TIMEOUT: Duration = Duration::from_secs(600);

/// The locale every query is tokenised with: every attribute is Vietnamese
/// (`localizedAttributes`), and a short query typed without marks would
/// otherwise be left to language detection.
pub const QUERY_LOCALES: &[&str] = &["vie"];

/// A client for the server at `url` (a trailing `/` is dropped: the SDK
/// appends paths to it as given), with the master or an API key.
pub fn client(url: &str, key: Option<&str>) -> anyhow::Result<Client> {
    Client::new(url.trim_end_matches('/'), key)
        .with_context(|| format!("making a Meilisearch client for {url}"))
}

/// What a push did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PushReport {
    pub added: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub deleted: usize,
    /// Every task the push enqueued (all succeeded), in order.
    pub tasks: Vec<u32>,
}

impl fmt::Display for PushReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} added, {} changed, {} unchanged, {} deleted ({} task{})",
            self.added,
            self.changed,
            self.unchanged,
            self.deleted,
            self.tasks.len(),
            if self.tasks.len() == 1 { "" } else { "s" }
        )
    }
}

/// What an update must send, given what the index holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Plan<'a> {
    /// New and changed documents, in the catalogue's order.
    pub upsert: Vec<&'a SearchDocument>,
    /// How many of `upsert` the index does not hold yet (the rest changed).
    pub added: usize,
    /// Ids the index holds that the catalogue no longer has, sorted.
    pub delete: Vec<String>,
    pub unchanged: usize,
}

impl Plan<'_> {
    pub fn changed(&self) -> usize {
        self.upsert.len() - self.added
    }
}

/// Compares the index's `(id, digest)` pairs with `documents`. A stored
/// document without a digest (an empty one) counts as changed, so an index
/// filled by other means is brought in line on the first push.
pub fn plan<'a>(existing: &[(String, String)], documents: &'a [SearchDocument]) -> Plan<'a> {
    let stored: HashMap<&str, &str> = existing
        .iter()
        .map(|(id, digest)| (id.as_str(), digest.as_str()))
        .collect();
    let mut upsert = Vec::new();
    let mut added = 0;
    let mut unchanged = 0;
    for doc in documents {
        match stored.get(doc.id.as_str()) {
            Some(digest) if !digest.is_empty() && *digest == doc.digest => unchanged += 1,
            Some(_) => upsert.push(doc),
            None => {
                added += 1;
                upsert.push(doc);
            }
        }
    }
    let current: HashSet<&str> = documents.iter().map(|d| d.id.as_str()).collect();
    let mut delete: Vec<String> = stored
        .keys()
        .filter(|id| !current.contains(*id))
        .map(|id| (*id).to_owned())
        .collect();
    delete.sort();
    Plan {
        upsert,
        added,
        delete,
        unchanged,
    }
}

/// Brings index `index_uid` in line with `documents` and `settings` (the
/// REST shape of `settings::settings`): creates the index if it is missing,
/// applies the settings, sends only new and changed documents and deletes
/// those the catalogue no longer has.
pub async fn push(
    client: &Client,
    index_uid: &str,
    documents: &[SearchDocument],
    settings: &Value,
) -> anyhow::Result<PushReport> {
    // Two documents with one id would silently overwrite each other and
    // make every later push see a change.
    let mut ids = HashSet::new();
    for doc in documents {
        ensure!(
            ids.insert(doc.id.as_str()),
            "two procedures have the id {} (one is {}): fix the catalogue",
            doc.id,
            doc.code
        );
    }
    let sdk_settings = sdk_settings(settings)?;
    let mut tasks = Vec::new();

    let index = open_or_create(client, index_uid, &mut tasks).await?;

    let task = index
        .set_settings(&sdk_settings)
        .await
        .with_context(|| format!("sending the settings of index {index_uid}"))?;
    tasks.push(task.task_uid);
    settle(client, index_uid, vec![(task, "settings".to_owned())]).await?;

    let existing = stored_digests(&index).await?;
    let plan = plan(&existing, documents);

    let mut enqueued = Vec::new();
    for (n, batch) in plan.upsert.chunks(BATCH).enumerate() {
        let task = index
            .add_or_replace(batch, Some(PRIMARY_KEY))
            .await
            .with_context(|| format!("sending documents to index {index_uid}"))?;
        enqueued.push((task, format!("documents batch {}", n + 1)));
    }
    for batch in plan.delete.chunks(BATCH) {
        let task = index
            .delete_documents(batch)
            .await
            .with_context(|| format!("deleting documents from index {index_uid}"))?;
        enqueued.push((task, format!("deleting {} documents", batch.len())));
    }
    tasks.extend(enqueued.iter().map(|(t, _)| t.task_uid));
    settle(client, index_uid, enqueued).await?;

    Ok(PushReport {
        added: plan.added,
        changed: plan.changed(),
        unchanged: plan.unchanged,
        deleted: plan.delete.len(),
        tasks,
    })
}

/// Our settings as the SDK's `Settings`. The SDK drops fields it does not
/// know, and a dropped setting would silently reset on the server: refuse
/// unless every value we set comes back out of it unchanged.
pub fn sdk_settings(settings: &Value) -> anyhow::Result<Settings> {
    let sdk: Settings = serde_json::from_value(settings.clone())
        .context("the settings do not fit the SDK's Settings")?;
    let back = serde_json::to_value(&sdk).expect("settings serialise");
    let Some(ours) = settings.as_object() else {
        bail!("the settings are not a JSON object");
    };
    for (name, value) in ours {
        ensure!(
            contained(value, &back[name]),
            "the SDK would not send the setting {name} as given: {value} became {}",
            back[name]
        );
    }
    Ok(sdk)
}

/// Whether `b` says everything `a` says (objects may have more keys).
fn contained(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(a), Value::Object(b)) => a
            .iter()
            .all(|(k, v)| b.get(k).is_some_and(|w| contained(v, w))),
        _ => a == b,
    }
}

async fn open_or_create(
    client: &Client,
    index_uid: &str,
    tasks: &mut Vec<u32>,
) -> anyhow::Result<Index> {
    match client.get_index(index_uid).await {
        Ok(index) => {
            // An index keyed on another attribute would take our documents
            // under the wrong ids.
            if let Some(key) = index.primary_key.as_deref() {
                ensure!(
                    key == PRIMARY_KEY,
                    "index {index_uid} has the primary key {key}, not {PRIMARY_KEY}: delete it or push to another index"
                );
            }
            Ok(index)
        }
        Err(Error::Meilisearch(e)) if e.error_code == ErrorCode::IndexNotFound => {
            let task = client
                .create_index(index_uid, Some(PRIMARY_KEY))
                .await
                .with_context(|| format!("creating index {index_uid}"))?;
            tasks.push(task.task_uid);
            match wait(client, &task, "creating the index").await? {
                Task::Failed { content }
                    if content.error.error_code != ErrorCode::IndexAlreadyExists =>
                {
                    bail!(
                        "Meilisearch could not create index {index_uid}: {}",
                        content.error
                    )
                }
                // Created, or by someone else meanwhile: either way it exists.
                _ => Ok(client.index(index_uid)),
            }
        }
        Err(e) => Err(e).with_context(|| format!("reading index {index_uid}")),
    }
}

#[derive(Deserialize)]
struct Stored {
    id: String,
    #[serde(default)]
    digest: String,
}

/// The `(id, digest)` of every document in `index`.
async fn stored_digests(index: &Index) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    loop {
        let mut query = DocumentsQuery::new(index);
        query
            .with_offset(out.len())
            .with_limit(BATCH)
            .with_fields(["id", "digest"]);
        let page = query
            .execute::<Stored>()
            .await
            .with_context(|| format!("reading the ids and digests in index {}", index.uid))?;
        let n = page.results.len();
        out.extend(page.results.into_iter().map(|s| (s.id, s.digest)));
        if n < BATCH || out.len() >= page.total as usize {
            return Ok(out);
        }
    }
}

async fn wait(client: &Client, task: &TaskInfo, what: &str) -> anyhow::Result<Task> {
    client
        .wait_for_task(task, Some(POLL), Some(TASK_TIMEOUT))
        .await
        .with_context(|| format!("waiting for Meilisearch task {} ({what})", task.task_uid))
}

/// Waits for every task, then fails naming each one that failed.
async fn settle(
    client: &Client,
    index_uid: &str,
    tasks: Vec<(TaskInfo, String)>,
) -> anyhow::Result<()> {
    let mut failed = Vec::new();
    for (task, what) in &tasks {
        if let Task::Failed { content } = wait(client, task, what).await? {
            failed.push(format!(
                "task {} ({what}): {}",
                task.task_uid, content.error
            ));
        }
    }
    if !failed.is_empty() {
        bail!(
            "Meilisearch refused part of the push to index {index_uid}:\n  {}",
            failed.join("\n  ")
        );
    }
    Ok(())
}

/// The name of the browser's key for `index_uid`: how `search_key` finds
/// it again.
pub fn search_key_name(index_uid: &str) -> String {
    format!("site search ({index_uid})")
}

/// The value of the search-only key for `index_uid` (actions `search`, that
/// index only, no expiry), made on first use and found by its name after.
/// Needs the master key (or one allowed to read and create keys).
pub async fn search_key(client: &Client, index_uid: &str) -> anyhow::Result<String> {
    let name = search_key_name(index_uid);
    if let Some(key) = find_key(client, &name).await? {
        // A key under our name with wider rights would be handed to every
        // browser; Meilisearch cannot narrow a key, so stop here.
        ensure!(
            key.actions == [Action::Search]
                && key.indexes == [index_uid]
                && key.expires_at.is_none(),
            "the API key named {name:?} ({}) is not search-only on {index_uid} without expiry \
             (actions {:?}, indexes {:?}, expires {:?}): delete it and push again",
            key.uid,
            key.actions,
            key.indexes,
            key.expires_at
        );
        return Ok(key.key);
    }
    let key = KeyBuilder::new()
        .with_name(&name)
        .with_description(format!(
            "Search-only key for the site's browser code on index {index_uid}; made by search-index push."
        ))
        .with_action(Action::Search)
        .with_index(index_uid)
        .execute(client)
        .await
        .with_context(|| format!("creating the search key for index {index_uid}"))?;
    Ok(key.key)
}

/// The key named `name`, if there is one.
pub async fn find_key(client: &Client, name: &str) -> anyhow::Result<Option<Key>> {
    const PAGE: usize = 100;
    let mut offset = 0;
    loop {
        let mut query = KeysQuery::new();
        query.with_offset(offset).with_limit(PAGE);
        let page = client
            .get_keys_with(&query)
            .await
            .context("listing the API keys (this needs the master key)")?;
        let n = page.results.len();
        if let Some(key) = page
            .results
            .into_iter()
            .find(|k| k.name.as_deref() == Some(name))
        {
            return Ok(Some(key));
        }
        if n < PAGE {
            return Ok(None);
        }
        offset += n;
    }
}

/// What a search found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// The procedures' codes, best first.
    pub codes: Vec<String>,
    /// Per facet asked for, each value's count.
    pub facets: BTreeMap<String, BTreeMap<String, usize>>,
    /// Whether the answer came from the retry with matching strategy
    /// `frequency`, after `last` found nothing.
    pub retried: bool,
}

#[derive(Deserialize)]
struct Hit {
    code: String,
}

/// Searches `index_uid` as the site's browser code does, and returns the
/// codes of at most `limit` procedures, best first.
///
/// `query` is what the citizen typed; what is sent is
/// `settings::browser_query(query)`, with matching strategy `last` and the
/// locale `vie`. If that finds nothing, the search is sent again with
/// matching strategy `frequency` (`last` never drops the first word, so one
/// typo there finds nothing: `shared/docs/search-notes.md`).
///
/// `filters` are Meilisearch filter expressions, all of which must hold,
/// e.g. `levels = "Cấp Tỉnh"`; `&[]` for none.
///
/// ```no_run
/// # async fn example() -> anyhow::Result<()> {
/// use search_index::meili;
/// let client = meili::client("http://127.0.0.1:7700", Some("search key"))?;
/// let found = meili::search(&client, "thu-tuc", "làm giấy khai sinh", &[], 5).await?;
/// println!("{:?}", found.codes);
/// # Ok(())
/// # }
/// ```
pub async fn search(
    client: &Client,
    index_uid: &str,
    query: &str,
    filters: &[&str],
    limit: usize,
) -> anyhow::Result<Found> {
    search_faceted(client, index_uid, query, filters, &[], limit).await
}

/// `search`, also counting the values of `facets` (e.g. `["levels",
/// "fields"]`) over everything the query matched.
pub async fn search_faceted(
    client: &Client,
    index_uid: &str,
    query: &str,
    filters: &[&str],
    facets: &[&str],
    limit: usize,
) -> anyhow::Result<Found> {
    let index = client.index(index_uid);
    let q = settings::browser_query(query);
    let mut retried = false;
    for strategy in [MatchingStrategies::LAST, MatchingStrategies::FREQUENCY] {
        let mut search = index.search();
        search
            .with_query(&q)
            .with_matching_strategy(strategy)
            .with_locales(QUERY_LOCALES)
            .with_limit(limit)
            .with_attributes_to_retrieve(Selectors::Some(&["code"]));
        if !filters.is_empty() {
            search.with_array_filter(filters.to_vec());
        }
        if !facets.is_empty() {
            search.with_facets(Selectors::Some(facets));
        }
        let results = search
            .execute::<Hit>()
            .await
            .with_context(|| format!("searching index {index_uid} for {q:?}"))?;
        if !results.hits.is_empty() || retried {
            return Ok(Found {
                codes: results.hits.into_iter().map(|h| h.result.code).collect(),
                facets: results
                    .facet_distribution
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(facet, counts)| (facet, counts.into_iter().collect()))
                    .collect(),
                retried,
            });
        }
        retried = true;
    }
    unreachable!("the second strategy always returns")
}

#[cfg(test)]
mod tests {
    use super::*;
    use search::{Entry, Vocabulary};

    fn doc(code: &str, description: &str) -> SearchDocument {
        let entry = Entry {
            code: code.into(),
            name: format!("Thủ tục {code}"),
            description: description.into(),
            ..Entry::default()
        };
        SearchDocument::new(&entry, vec![], vec![])
    }

    fn stored(docs: &[SearchDocument]) -> Vec<(String, String)> {
        docs.iter()
            .map(|d| (d.id.clone(), d.digest.clone()))
            .collect()
    }

    #[test]
    fn a_plan_sends_only_what_changed_and_deletes_what_left() {
        let before = vec![doc("1.1", "a"), doc("1.2", "b"), doc("1.3", "c")];
        let now = vec![doc("1.1", "a"), doc("1.2", "b, amended"), doc("1.4", "d")];
        let plan = plan(&stored(&before), &now);
        let ids: Vec<&str> = plan.upsert.iter().map(|d| d.id.as_str()).collect();
        assert_eq!(ids, ["1-2", "1-4"]);
        assert_eq!(plan.added, 1);
        assert_eq!(plan.changed(), 1);
        assert_eq!(plan.unchanged, 1);
        assert_eq!(plan.delete, ["1-3"]);
    }

    #[test]
    fn a_plan_over_the_same_documents_is_empty_and_over_nothing_adds_all() {
        let docs = vec![doc("1.1", "a"), doc("1.2", "b")];
        let same = plan(&stored(&docs), &docs);
        assert!(same.upsert.is_empty() && same.delete.is_empty());
        assert_eq!(same.unchanged, 2);
        let fresh = plan(&[], &docs);
        assert_eq!((fresh.added, fresh.changed(), fresh.unchanged), (2, 0, 0));
        let emptied = plan(&stored(&docs), &[]);
        assert_eq!(emptied.delete, ["1-1", "1-2"]);
    }

    #[test]
    fn a_stored_document_without_a_digest_is_sent_again() {
        let docs = vec![doc("1.1", "a")];
        let plan = plan(&[("1-1".into(), String::new())], &docs);
        assert_eq!((plan.added, plan.changed(), plan.unchanged), (0, 1, 0));
    }

    #[test]
    fn the_sdk_sends_our_settings_unchanged() {
        let vocabulary = Vocabulary::bundled();
        let ours = settings::settings(&vocabulary, &["tôi".into(), "của".into()], &[]);
        let sdk = sdk_settings(&ours).unwrap();
        assert_eq!(
            serde_json::to_value(&sdk.searchable_attributes).unwrap(),
            ours["searchableAttributes"]
        );
        assert!(sdk.synonyms.unwrap().contains_key("sổ đỏ"));
    }

    #[test]
    fn a_setting_the_sdk_does_not_know_is_refused() {
        let mut ours = settings::settings(&Vocabulary::bundled(), &[], &[]);
        ours["typoTolerance"]["someFutureOption"] = Value::Bool(true);
        let e = sdk_settings(&ours).unwrap_err().to_string();
        assert!(e.contains("typoTolerance"), "{e}");
    }
}
