//! The procedure catalogue in the table: one item per procedure.

use aws_sdk_dynamodb::types::AttributeValue;
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

    /// Writes (or replaces) catalogue records.
    pub async fn put_procedures(&self, procedures: &[Procedure]) -> Result<(), StoreError> {
        let items = procedures
            .iter()
            .map(|p| {
                let json = serde_json::to_string(p).expect("procedures serialise");
                [
                    ("PK".to_owned(), AttributeValue::S(keys::procedure(&p.code))),
                    ("SK".to_owned(), AttributeValue::S(keys::META.into())),
                    ("data".to_owned(), AttributeValue::S(json)),
                ]
                .into()
            })
            .collect();
        self.batch_put(items).await
    }
}
