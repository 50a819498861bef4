//! The procedure catalogue in the table: one item per procedure.

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use domain::{Procedure, ProcedureCode};

use crate::error::StoreError;
use crate::{Store, keys};

impl Store {
    pub async fn get_procedure(
        &self,
        code: &ProcedureCode,
    ) -> Result<Option<Procedure>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::procedure(code)))
            .key("SK", AttributeValue::S(keys::META.into()))
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        let Some(item) = item else { return Ok(None) };
        let json = item
            .get("data")
            .and_then(|v| v.as_s().ok())
            .ok_or_else(|| StoreError::corrupt(format!("procedure {code} has no data")))?;
        serde_json::from_str(json)
            .map(Some)
            .map_err(StoreError::corrupt)
    }

    /// Writes procedures 25 at a time, retrying what DynamoDB leaves unprocessed.
    pub async fn put_procedures(&self, procedures: &[Procedure]) -> Result<(), StoreError> {
        for chunk in procedures.chunks(25) {
            let mut requests: Vec<WriteRequest> = chunk
                .iter()
                .map(|p| {
                    let json = serde_json::to_string(p).expect("procedures serialise");
                    let put = PutRequest::builder()
                        .item("PK", AttributeValue::S(keys::procedure(&p.code)))
                        .item("SK", AttributeValue::S(keys::META.into()))
                        .item("data", AttributeValue::S(json))
                        .build()
                        .expect("item is set");
                    WriteRequest::builder().put_request(put).build()
                })
                .collect();
            for attempt in 0..8u32 {
                let out = self
                    .ddb
                    .batch_write_item()
                    .request_items(&self.settings.table, requests)
                    .send()
                    .await
                    .map_err(StoreError::sdk)?;
                requests = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.settings.table))
                    .unwrap_or_default();
                if requests.is_empty() {
                    break;
                }
                tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
            }
            if !requests.is_empty() {
                return Err(StoreError::Unavailable(
                    "catalogue writes stayed unprocessed".into(),
                ));
            }
        }
        Ok(())
    }
}
