//! Batch reads and writes: many items in few requests, four requests at a
//! time, with what DynamoDB leaves unprocessed sent again.

use std::collections::HashMap;

use aws_sdk_dynamodb::types::{AttributeValue, KeysAndAttributes, WriteRequest};
use futures::{StreamExt, TryStreamExt};

use crate::Store;
use crate::dossiers::Item;
use crate::error::StoreError;

/// Keys per `BatchGetItem` (DynamoDB's limit).
const GET_BATCH: usize = 100;

impl Store {
    /// Writes in batches of 25 (four requests at a time), resending what
    /// DynamoDB left unprocessed.
    pub(crate) async fn batch_write(&self, requests: Vec<WriteRequest>) -> Result<(), StoreError> {
        let chunks: Vec<Vec<WriteRequest>> = requests.chunks(25).map(<[_]>::to_vec).collect();
        futures::stream::iter(chunks)
            .map(|chunk| self.write_batch(chunk))
            .buffer_unordered(4)
            .try_collect::<()>()
            .await
    }

    async fn write_batch(&self, mut requests: Vec<WriteRequest>) -> Result<(), StoreError> {
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
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
        }
        Err(StoreError::Unavailable(
            "batch writes stayed unprocessed".into(),
        ))
    }

    /// The items at `keys` (`PK`, `SK`) that exist, read consistently in
    /// batches of 100; in no particular order.
    pub(crate) async fn batch_get(
        &self,
        keys: Vec<(String, String)>,
    ) -> Result<Vec<Item>, StoreError> {
        let chunks: Vec<Vec<(String, String)>> =
            keys.chunks(GET_BATCH).map(<[_]>::to_vec).collect();
        let found: Vec<Vec<Item>> = futures::stream::iter(chunks)
            .map(|chunk| self.get_batch(chunk))
            .buffer_unordered(4)
            .try_collect()
            .await?;
        Ok(found.into_iter().flatten().collect())
    }

    async fn get_batch(&self, keys: Vec<(String, String)>) -> Result<Vec<Item>, StoreError> {
        let mut pending: Vec<Item> = keys
            .into_iter()
            .map(|(pk, sk)| {
                HashMap::from([
                    ("PK".to_owned(), AttributeValue::S(pk)),
                    ("SK".to_owned(), AttributeValue::S(sk)),
                ])
            })
            .collect();
        let mut found = Vec::new();
        for attempt in 0..8u32 {
            let request = KeysAndAttributes::builder()
                .set_keys(Some(pending))
                .consistent_read(true)
                .build()
                .map_err(StoreError::corrupt)?;
            let out = self
                .ddb
                .batch_get_item()
                .request_items(&self.settings.table, request)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            found.extend(
                out.responses
                    .and_then(|mut r| r.remove(&self.settings.table))
                    .unwrap_or_default(),
            );
            pending = out
                .unprocessed_keys
                .and_then(|mut m| m.remove(&self.settings.table))
                .map(|k| k.keys)
                .unwrap_or_default();
            if pending.is_empty() {
                return Ok(found);
            }
            tokio::time::sleep(std::time::Duration::from_millis(50 << attempt)).await;
        }
        Err(StoreError::Unavailable(
            "batch reads stayed unprocessed".into(),
        ))
    }
}
