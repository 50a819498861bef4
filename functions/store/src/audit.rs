//! Audit records: who did what, when, from where, and what changed — one
//! item per official action, written in the same transaction as the change
//! itself, so there is no change without its record.

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::NaiveDateTime;
use domain::{AgencyCode, Role};
use serde::{Deserialize, Serialize};

use crate::dossiers::{decode_index_cursor, encode_cursor};
use crate::error::StoreError;
use crate::{Store, keys};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub at: NaiveDateTime,
    pub agency: AgencyCode,
    /// The official's subject, and the role they acted in.
    pub actor: String,
    pub actor_name: String,
    pub role: Option<Role>,
    /// The client address and browser, as the request carried them.
    pub source_ip: Option<String>,
    pub user_agent: Option<String>,
    /// What was done: an action key (`accept`, `approve`…) or an
    /// administration operation (`put_official`…).
    pub operation: String,
    /// The dossier code, or the account, department or route changed.
    pub target: String,
    /// What changed, field by field (`{"stage": ["received", "assigned…"]}`).
    pub changes: serde_json::Value,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
pub(crate) struct AuditItem {
    PK: String,
    SK: String,
    entry: AuditEntry,
}

impl From<&AuditEntry> for AuditItem {
    fn from(entry: &AuditEntry) -> Self {
        AuditItem {
            PK: keys::audit(&entry.agency, entry.at.date()),
            // A time-ordered tail keeps records of one second apart and in order.
            SK: format!(
                "{}#{}",
                keys::stamp(entry.at),
                uuid::Uuid::now_v7().simple()
            ),
            entry: entry.clone(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub next: Option<String>,
}

impl Store {
    /// Writes an audit record on its own (administration changes).
    pub async fn append_audit(&self, entry: &AuditEntry) -> Result<(), StoreError> {
        self.ddb
            .put_item()
            .table_name(&self.settings.table)
            .set_item(Some(crate::dossiers::to_item(&AuditItem::from(entry))))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    /// One page of an agency's audit records of the month holding `month`,
    /// newest first (one `Query`).
    pub async fn audit_page(
        &self,
        agency: &AgencyCode,
        month: chrono::NaiveDate,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<AuditPage, StoreError> {
        let partition = keys::audit(agency, month);
        let start = cursor
            .map(|c| decode_index_cursor(c, "", &partition))
            .transpose()?;
        let out = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .key_condition_expression("PK = :pk")
            .expression_attribute_values(":pk", AttributeValue::S(partition))
            .scan_index_forward(false)
            .limit(i32::from(limit.clamp(1, 200)))
            .set_exclusive_start_key(start)
            .send()
            .await
            .map_err(StoreError::sdk)?;
        let entries = out
            .items
            .unwrap_or_default()
            .into_iter()
            .map(|item| serde_dynamo::from_item::<_, AuditItem>(item).map(|i| i.entry))
            .collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::corrupt)?;
        Ok(AuditPage {
            entries,
            next: out.last_evaluated_key.map(|k| encode_cursor(&k)),
        })
    }
}
