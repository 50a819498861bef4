//! Reading the outbox: records written in the same transaction as each
//! change, consumed by the notification dispatcher and the national-portal
//! sync, each from its own partition.

use aws_sdk_dynamodb::types::{AttributeValue, Delete, Put, TransactWriteItem};
use chrono::NaiveDateTime;
use domain::DossierCode;
use serde::Deserialize;

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
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OutboxEntry {
    #[serde(rename = "SK")]
    sort_key: String,
    pub code: DossierCode,
    pub seq: u32,
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
        self.outbox_backlog(kind, usize::from(limit.max(1))).await
    }

    /// Up to `max` pending entries of `kind`, oldest first, reading as many
    /// pages as that takes (the worker skips those not yet due).
    pub async fn outbox_backlog(
        &self,
        kind: OutboxKind,
        max: usize,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .key_condition_expression("PK = :pk")
                .expression_attribute_values(":pk", AttributeValue::S(kind.partition().into()))
                .limit(
                    i32::try_from(max.saturating_sub(found.len()).clamp(1, 1000)).unwrap_or(1000),
                )
                .consistent_read(true)
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            for item in out.items.unwrap_or_default() {
                found.push(serde_dynamo::from_item(item).map_err(StoreError::corrupt)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() || found.len() >= max {
                return Ok(found);
            }
        }
    }

    /// Records a failed attempt: the count, the error, and when to try again.
    pub async fn defer_outbox(
        &self,
        kind: OutboxKind,
        entry: &OutboxEntry,
        not_before: NaiveDateTime,
        error: &str,
    ) -> Result<(), StoreError> {
        self.ddb
            .update_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(kind.partition().into()))
            .key("SK", AttributeValue::S(entry.sort_key.clone()))
            .update_expression(
                "SET attempts = :attempts, not_before = :not_before, last_error = :error",
            )
            .condition_expression("attribute_exists(PK)")
            .expression_attribute_values(
                ":attempts",
                AttributeValue::N((entry.attempts + 1).to_string()),
            )
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
        self.ddb
            .transact_write_items()
            .transact_items(TransactWriteItem::builder().put(put).build())
            .transact_items(TransactWriteItem::builder().delete(delete).build())
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// The dead letters of `kind`, oldest first (one `Query` a page of 1 MB).
    pub async fn dead_letters(&self, kind: OutboxKind) -> Result<Vec<OutboxEntry>, StoreError> {
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(dead_letters(kind)))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item(item).map_err(StoreError::corrupt))
            .collect()
    }

    /// Marks an entry done.
    pub async fn remove_outbox(
        &self,
        kind: OutboxKind,
        entry: &OutboxEntry,
    ) -> Result<(), StoreError> {
        self.ddb
            .delete_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(kind.partition().into()))
            .key("SK", AttributeValue::S(entry.sort_key.clone()))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }
}
