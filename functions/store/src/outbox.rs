//! Reading the outbox: records written in the same transaction as each
//! change, consumed by the notification dispatcher and the national-portal
//! sync, each from its own partition.

use aws_sdk_dynamodb::types::{
    AttributeValue, Delete, DeleteRequest, Put, PutRequest, TransactWriteItem, WriteRequest,
};
use chrono::NaiveDateTime;
use domain::DossierCode;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::dossiers::Item;
use crate::error::StoreError;
use crate::{Store, keys};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxKind {
    /// Packets for the national portal (QCVN 120).
    Dvcqg,
    /// Messages to the applicant.
    Notify,
}

impl OutboxKind {
    fn partition(self) -> &'static str {
        match self {
            OutboxKind::Dvcqg => keys::OUTBOX_DVCQG,
            OutboxKind::Notify => keys::OUTBOX_NOTIFY,
        }
    }
}

/// One pending change: dossier `code`, event `seq`, and how its sending went.
/// A repair entry (written by reconciliation, `seq` 0) asks for the whole
/// dossier and every one of its steps to be sent again.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OutboxEntry {
    #[serde(rename = "SK")]
    sort_key: String,
    pub code: DossierCode,
    pub seq: u32,
    #[serde(default)]
    pub repair: bool,
    /// Failed attempts so far.
    #[serde(default)]
    pub attempts: u32,
    /// Not to be tried again before this time (backoff).
    #[serde(default)]
    pub not_before: Option<NaiveDateTime>,
    #[serde(default)]
    pub last_error: Option<String>,
}

impl OutboxEntry {
    pub fn is_due(&self, now: NaiveDateTime) -> bool {
        self.not_before.is_none_or(|t| t <= now)
    }

    /// When the change was written (the sort key starts with it).
    pub fn queued_at(&self) -> Option<NaiveDateTime> {
        let stamp = self.sort_key.split('#').next()?;
        NaiveDateTime::parse_from_str(stamp, "%Y-%m-%dT%H:%M:%S").ok()
    }
}

/// The partition where entries that could not be delivered are kept for people.
fn dead_letters(kind: OutboxKind) -> String {
    format!("{}#DEAD", kind.partition())
}

impl Store {
    /// The oldest pending entries of `kind`, at most `limit` (one `Query`
    /// unless they fill more than 1 MB).
    pub async fn pending_outbox(
        &self,
        kind: OutboxKind,
        limit: u16,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        self.read_entries(kind.partition(), usize::from(limit.max(1)))
            .await
    }

    /// Pending entries of `kind`, oldest first: pages are read until
    /// `due` of them are due at `now` (or the partition ends, or 20 times
    /// that many were read). Entries not yet due come too, so that the
    /// worker can hold back the later changes of a dossier that waits for a
    /// retry, and a long run of waiting entries never hides the due ones
    /// behind it.
    pub async fn outbox_backlog(
        &self,
        kind: OutboxKind,
        due: usize,
        now: NaiveDateTime,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let most = due.saturating_mul(20);
        let mut found: Vec<OutboxEntry> = Vec::new();
        let mut due_found = 0;
        let mut start = None;
        loop {
            let (page, next) = self
                .entries_page::<OutboxEntry>(kind.partition(), 1000, start)
                .await?;
            due_found += page.iter().filter(|e| e.is_due(now)).count();
            found.extend(page);
            start = next;
            if start.is_none() || due_found >= due || found.len() >= most {
                return Ok(found);
            }
        }
    }

    async fn read_entries(
        &self,
        partition: &str,
        max: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let limit =
                i32::try_from(max.saturating_sub(found.len()).clamp(1, 1000)).unwrap_or(1000);
            let (page, next) = self.entries_page(partition, limit, start).await?;
            found.extend(page);
            start = next;
            if start.is_none() || found.len() >= max {
                found.truncate(max);
                return Ok(found);
            }
        }
    }

    /// One page (at most `limit` entries, 1 MB) of a partition's entries.
    pub(crate) async fn entries_page<T: DeserializeOwned>(
        &self,
        partition: &str,
        limit: i32,
        start: Option<Item>,
    ) -> Result<(Vec<T>, Option<Item>), StoreError> {
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(partition.into()))
            .limit(limit)
            .consistent_read(true)
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        let entries = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item(item).map_err(StoreError::corrupt))
            .collect::<Result<_, _>>()?;
        Ok((entries, out.last_evaluated_key))
    }

    /// Asks for dossier `code` to be sent again whole, dossier and every
    /// step (reconciliation found it out of step). Repeating it is harmless.
    pub async fn queue_repair(
        &self,
        kind: OutboxKind,
        code: &DossierCode,
        at: NaiveDateTime,
    ) -> Result<OutboxEntry, StoreError> {
        let item = repair_item(kind, code, at);
        self.ddb
            .put_item()
            .table_name(&self.settings.table)
            .set_item(Some(item.clone()))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        serde_dynamo::from_item(item).map_err(StoreError::corrupt)
    }

    /// Records a failed attempt: the count, the error, and when to try again.
    pub async fn defer_outbox(
        &self,
        kind: OutboxKind,
        entry: &OutboxEntry,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        self.defer_entry(
            kind.partition(),
            &entry.sort_key,
            entry.attempts,
            not_before,
            error,
        )
        .await
    }

    /// Records a failed attempt of the entry `sort_key` of `partition`,
    /// which had failed `attempts` times before.
    pub(crate) async fn defer_entry(
        &self,
        partition: &str,
        sort_key: &str,
        attempts: u32,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        self.ddb
            .update_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(partition.into()))
            .key("SK", AttributeValue::S(sort_key.into()))
            .update_expression(
                "SET attempts = :attempts, not_before = :not_before, last_error = :error",
            )
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(":attempts", AttributeValue::N((attempts + 1).to_string()))
            .expression_attribute_values(
                ":not_before",
                AttributeValue::S(not_before.format("%Y-%m-%dT%H:%M:%S").to_string()),
            )
            .expression_attribute_values(
                ":error",
                AttributeValue::S(error.chars().take(1000).collect()),
            )
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Moves an entry that cannot be delivered to the dead letters of its
    /// kind, with the reason, in one transaction.
    pub async fn dead_letter(
        &self,
        kind: OutboxKind,
        entry: &OutboxEntry,
        error: &str,
    ) -> Result<(), StoreError> {
        let table = &self.settings.table;
        let item = [
            ("PK", AttributeValue::S(dead_letters(kind))),
            ("SK", AttributeValue::S(entry.sort_key.clone())),
            ("code", AttributeValue::S(entry.code.to_string())),
            ("seq", AttributeValue::N(entry.seq.to_string())),
            ("attempts", AttributeValue::N(entry.attempts.to_string())),
            (
                "last_error",
                AttributeValue::S(error.chars().take(1000).collect()),
            ),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(item))
            .build()
            .expect("table and item are set");
        let delete = Delete::builder()
            .table_name(table)
            .key("PK", AttributeValue::S(kind.partition().into()))
            .key("SK", AttributeValue::S(entry.sort_key.clone()))
            .build()
            .expect("table and key are set");
        // The dossier's later entries wait behind this one, so order is kept.
        let hold = Put::builder()
            .table_name(table)
            .set_item(Some(hold_item(&entry.code)))
            .build()
            .expect("table and item are set");
        let mut write = self
            .ddb
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().delete(delete).build());
        if kind == OutboxKind::Dvcqg {
            write = write.transact_items(TransactWriteItem::builder().put(hold).build());
        }
        write.send().await.map_err(StoreError::sdk)?;
        Ok(())
    }

    /// Moves the entry `entry` (its item as written: `PK` its partition,
    /// `SK`, its own fields) to the partition's dead letters
    /// (`<partition>#DEAD`), with its attempts and the reason, in one
    /// transaction. For the outboxes of one kind of record that keep their
    /// own partition (petitions' PAKN packets).
    pub(crate) async fn dead_letter_entry(
        &self,
        mut entry: Item,
        attempts: u32,
        error: &str,
    ) -> Result<(), StoreError> {
        let table = &self.settings.table;
        let key = |name: &str| entry.get(name).cloned().expect("an entry has its keys");
        let (partition, sort_key) = (key("PK"), key("SK"));
        let dead = format!(
            "{}#DEAD",
            partition.as_s().map_err(|_| StoreError::corrupt("PK"))?
        );
        entry.insert("PK".into(), AttributeValue::S(dead));
        entry.insert("attempts".into(), AttributeValue::N(attempts.to_string()));
        entry.insert(
            "last_error".into(),
            AttributeValue::S(error.chars().take(1000).collect()),
        );
        let put = Put::builder()
            .table_name(table)
            .set_item(Some(entry))
            .build()
            .expect("table and item are set");
        let delete = Delete::builder()
            .table_name(table)
            .key("PK", partition)
            .key("SK", sort_key)
            .build()
            .expect("table and key are set");
        self.ddb
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().delete(delete).build())
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// The dead letters of `kind`, oldest first.
    pub async fn dead_letters(&self, kind: OutboxKind) -> Result<Vec<OutboxEntry>, StoreError> {
        self.read_entries(&dead_letters(kind), usize::MAX).await
    }

    /// Sends dead-lettered dossiers again: a repair entry for each dossier
    /// of `dead`, then the dossiers' holds and the dead letters go.
    pub async fn revive_dead_letters(
        &self,
        kind: OutboxKind,
        dead: &[OutboxEntry],
        at: NaiveDateTime,
    ) -> Result<(), StoreError> {
        let mut codes: Vec<&DossierCode> = dead.iter().map(|e| &e.code).collect();
        codes.sort();
        codes.dedup();
        let held = codes.clone();
        let repairs = codes
            .into_iter()
            .map(|code| {
                let put = PutRequest::builder()
                    .set_item(Some(repair_item(kind, code, at)))
                    .build()
                    .expect("item is set");
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        // Repairs first, then the holds, then the dead letters: a failure
        // between two steps leaves dead letters that a later revival turns
        // into another repair, which only repeats one.
        self.batch_write(repairs).await?;
        let releases = held
            .into_iter()
            .map(|code| {
                let delete = DeleteRequest::builder()
                    .set_key(Some(hold_item(code)))
                    .build()
                    .expect("key is set");
                WriteRequest::builder().delete_request(delete).build()
            })
            .collect();
        self.batch_write(releases).await?;
        self.batch_write(deletes(&dead_letters(kind), sort_keys(dead)))
            .await
    }

    /// Marks entries done.
    pub async fn remove_outbox(
        &self,
        kind: OutboxKind,
        entries: &[OutboxEntry],
    ) -> Result<(), StoreError> {
        self.batch_write(deletes(kind.partition(), sort_keys(entries)))
            .await
    }
}

fn sort_keys(entries: &[OutboxEntry]) -> impl Iterator<Item = &str> {
    entries.iter().map(|e| e.sort_key.as_str())
}

/// Deletes of the entries `sort_keys` of `partition`.
pub(crate) fn deletes<'a>(
    partition: &str,
    sort_keys: impl Iterator<Item = &'a str>,
) -> Vec<WriteRequest> {
    sort_keys
        .map(|sort_key| {
            let delete = DeleteRequest::builder()
                .key("PK", AttributeValue::S(partition.into()))
                .key("SK", AttributeValue::S(sort_key.into()))
                .build()
                .expect("key is set");
            WriteRequest::builder().delete_request(delete).build()
        })
        .collect()
}

fn hold_item(code: &DossierCode) -> Item {
    [
        ("PK", AttributeValue::S(keys::dossier(code))),
        ("SK", AttributeValue::S(keys::SYNC_HELD.into())),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn repair_item(kind: OutboxKind, code: &DossierCode, at: NaiveDateTime) -> Item {
    [
        ("PK", AttributeValue::S(kind.partition().into())),
        (
            "SK",
            AttributeValue::S(format!("{}#{code}#repair", keys::stamp(at))),
        ),
        ("code", AttributeValue::S(code.to_string())),
        ("seq", AttributeValue::N("0".into())),
        ("repair", AttributeValue::Bool(true)),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}
