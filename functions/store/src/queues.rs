//! Work queues (GSI2) and the register (GSI3). A queue page is one `Query`
//! whatever the table holds: the dossier item carries its holder, status and
//! deadline, and the deadline is the sort key, so "overdue" and "due soon"
//! are key ranges, not filters.

use aws_sdk_dynamodb::types::{AttributeValue, Select};
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use domain::{AgencyCode, NationalStatus, ProcedureCode, Queue};

use crate::dossiers::{decode_index_cursor, encode_cursor, records};
use crate::error::StoreError;
use crate::{DossierRecord, Store, keys};

/// Narrows a queue page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QueueFilter {
    /// Only dossiers due before this instant (overdue: now; due soon: the
    /// end of the second working day). A key range: reads only what it returns.
    pub due_before: Option<NaiveDateTime>,
    /// Only this status / this procedure. Applied after reading, so a page
    /// may read more items than it returns; `QueuePage::read` says how many.
    pub status: Option<NationalStatus>,
    pub procedure: Option<ProcedureCode>,
}

#[derive(Debug, Clone)]
pub struct QueuePage {
    pub items: Vec<DossierRecord>,
    pub next: Option<String>,
    /// Items DynamoDB read for this page (its `ScannedCount`).
    pub read: u32,
}

impl Store {
    /// One page of a work queue, soonest deadline first (one `Query`).
    pub async fn queue_page(
        &self,
        agency: &AgencyCode,
        queue: &Queue,
        filter: &QueueFilter,
        limit: u16,
        cursor: Option<&str>,
    ) -> Result<QueuePage, StoreError> {
        let partition = keys::queue(agency, queue);
        let start = cursor
            .map(|c| decode_index_cursor(c, "GSI2", &partition))
            .transpose()?;
        let mut request = self
            .ddb
            .query()
            .table_name(&self.settings.table)
            .index_name("GSI2")
            .expression_attribute_values(":q", AttributeValue::S(partition))
            .limit(i32::from(limit.clamp(1, 100)))
            .set_exclusive_start_key(start);
        request = match filter.due_before {
            Some(due) => request
                .key_condition_expression("GSI2PK = :q AND GSI2SK < :due")
                .expression_attribute_values(":due", AttributeValue::S(keys::stamp(due))),
            None => request.key_condition_expression("GSI2PK = :q"),
        };
        let mut conditions = Vec::new();
        if let Some(status) = filter.status {
            conditions.push("#record.#status = :status");
            request = request
                .expression_attribute_names("#status", "status")
                .expression_attribute_values(
                    ":status",
                    AttributeValue::N(status.code().to_string()),
                );
        }
        if let Some(procedure) = &filter.procedure {
            conditions.push("#record.procedure_code = :procedure");
            request = request.expression_attribute_values(
                ":procedure",
                AttributeValue::S(procedure.to_string()),
            );
        }
        if !conditions.is_empty() {
            request = request
                .expression_attribute_names("#record", "record")
                .filter_expression(conditions.join(" AND "));
        }
        let out = request.send().await.map_err(StoreError::sdk)?;
        Ok(QueuePage {
            items: records(out.items.unwrap_or_default())?,
            next: out.last_evaluated_key.map(|k| encode_cursor(&k)),
            read: u32::try_from(out.scanned_count).unwrap_or(0),
        })
    }

    /// How many dossiers a queue holds (due before `due_before`, if given):
    /// one `Query` that returns a count, not the items.
    pub async fn queue_count(
        &self,
        agency: &AgencyCode,
        queue: &Queue,
        due_before: Option<NaiveDateTime>,
    ) -> Result<u64, StoreError> {
        let partition = keys::queue(agency, queue);
        let mut total = 0u64;
        let mut start = None;
        loop {
            let mut request = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .index_name("GSI2")
                .select(Select::Count)
                .expression_attribute_values(":q", AttributeValue::S(partition.clone()))
                .set_exclusive_start_key(start);
            request = match due_before {
                Some(due) => request
                    .key_condition_expression("GSI2PK = :q AND GSI2SK < :due")
                    .expression_attribute_values(":due", AttributeValue::S(keys::stamp(due))),
                None => request.key_condition_expression("GSI2PK = :q"),
            };
            let out = request.send().await.map_err(StoreError::sdk)?;
            total += u64::try_from(out.count).unwrap_or(0);
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(total);
            }
        }
    }

    /// The agency's dossiers received from `from` to `to` (inclusive), in
    /// order of receipt: one `Query` per month and per 1 MB page.
    pub async fn register(
        &self,
        agency: &AgencyCode,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<DossierRecord>, StoreError> {
        let mut found = Vec::new();
        let lower = keys::stamp(from.and_time(chrono::NaiveTime::MIN));
        // Every stamp of `to` sorts before `to` + 1 day.
        let upper = keys::stamp(to.succ_opt().unwrap_or(to).and_time(chrono::NaiveTime::MIN));
        let mut month = from.with_day(1).unwrap_or(from);
        while month <= to {
            let mut start = None;
            loop {
                let out = self
                    .ddb
                    .query()
                    .table_name(&self.settings.table)
                    .index_name("GSI3")
                    .key_condition_expression("GSI3PK = :m AND GSI3SK BETWEEN :lo AND :hi")
                    .expression_attribute_values(
                        ":m",
                        AttributeValue::S(keys::register(agency, month)),
                    )
                    .expression_attribute_values(":lo", AttributeValue::S(lower.clone()))
                    .expression_attribute_values(":hi", AttributeValue::S(upper.clone()))
                    .set_exclusive_start_key(start)
                    .send()
                    .await
                    .map_err(StoreError::sdk)?;
                found.extend(records(out.items.unwrap_or_default())?);
                start = out.last_evaluated_key;
                if start.is_none() {
                    break;
                }
            }
            month = month
                .checked_add_months(chrono::Months::new(1))
                .ok_or_else(|| StoreError::corrupt("month out of range"))?;
        }
        Ok(found)
    }
}
