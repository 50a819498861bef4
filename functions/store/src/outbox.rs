//! Reading the outbox: records written in the same transaction as each
//! change, consumed by the notification dispatcher and the national-portal
//! sync, each from its own partition.

use aws_sdk_dynamodb::types::AttributeValue;
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

/// One pending change: dossier `code`, event `seq`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct OutboxEntry {
    #[serde(rename = "SK")]
    sort_key: String,
    pub code: DossierCode,
    pub seq: u32,
}

impl Store {
    /// The oldest pending entries of `kind` (one `Query`).
    pub async fn pending_outbox(
        &self,
        kind: OutboxKind,
        limit: u16,
    ) -> Result<Vec<OutboxEntry>, StoreError> {
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(kind.partition().into()))
            .limit(i32::from(limit.max(1)))
            .consistent_read(true)
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
