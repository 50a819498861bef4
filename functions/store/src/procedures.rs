//! The procedure catalogue in the table: one item per procedure.

use std::collections::HashMap;

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
        item.as_ref().map(procedure_of).transpose()
    }

    /// The catalogue records of `codes` that exist, in a few batch reads.
    pub async fn get_procedures(
        &self,
        codes: &[ProcedureCode],
    ) -> Result<Vec<Procedure>, StoreError> {
        let keys = codes
            .iter()
            .map(|code| (keys::procedure(code), keys::META.to_owned()))
            .collect();
        self.batch_get(keys)
            .await?
            .iter()
            .map(procedure_of)
            .collect()
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

fn procedure_of(item: &HashMap<String, AttributeValue>) -> Result<Procedure, StoreError> {
    let json = item
        .get("data")
        .and_then(|v| v.as_s().ok())
        .ok_or_else(|| StoreError::corrupt("a procedure item has no data"))?;
    serde_json::from_str(json).map_err(StoreError::corrupt)
}
