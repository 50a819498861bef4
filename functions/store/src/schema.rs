//! Creates the table and the bucket on a local endpoint (dev server, tests).
//! In AWS they come from `infra/`, with the same keys and indexes.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

use crate::error::StoreError;

/// The table's own keys: partition and sort.
pub const TABLE_KEYS: (&str, &str) = ("PK", "SK");

/// A global secondary index: its name, partition key and sort key
/// (string attributes, every attribute projected).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexKeys {
    pub name: &'static str,
    pub partition: &'static str,
    pub sort: &'static str,
}

/// The indexes of the records design (`lib.rs` says what each holds).
pub const INDEXES: [IndexKeys; 3] = [
    IndexKeys {
        name: "GSI1",
        partition: "GSI1PK",
        sort: "GSI1SK",
    },
    IndexKeys {
        name: "GSI2",
        partition: "GSI2PK",
        sort: "GSI2SK",
    },
    IndexKeys {
        name: "GSI3",
        partition: "GSI3PK",
        sort: "GSI3SK",
    },
];

/// The attribute whose time (seconds since the epoch) expires an item.
pub const TTL_ATTRIBUTE: &str = "expires_at";

fn key(name: &str, kind: KeyType) -> KeySchemaElement {
    KeySchemaElement::builder()
        .attribute_name(name)
        .key_type(kind)
        .build()
        .expect("name and type are set")
}

fn string_attribute(name: &str) -> AttributeDefinition {
    AttributeDefinition::builder()
        .attribute_name(name)
        .attribute_type(ScalarAttributeType::S)
        .build()
        .expect("name and type are set")
}

fn index_of(index: IndexKeys) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(index.name)
        .key_schema(key(index.partition, KeyType::Hash))
        .key_schema(key(index.sort, KeyType::Range))
        .projection(
            Projection::builder()
                .projection_type(ProjectionType::All)
                .build(),
        )
        .build()
        .expect("name, keys and projection are set")
}

/// Creates the single table with its three indexes and TTL; an existing table is kept.
pub async fn create_table(ddb: &aws_sdk_dynamodb::Client, table: &str) -> Result<(), StoreError> {
    let exists = ddb.describe_table().table_name(table).send().await.is_ok();
    if exists {
        return Ok(());
    }
    let (partition, sort) = TABLE_KEYS;
    let mut request = ddb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key(partition, KeyType::Hash))
        .key_schema(key(sort, KeyType::Range))
        .attribute_definitions(string_attribute(partition))
        .attribute_definitions(string_attribute(sort));
    for index in INDEXES {
        request = request
            .global_secondary_indexes(index_of(index))
            .attribute_definitions(string_attribute(index.partition))
            .attribute_definitions(string_attribute(index.sort));
    }
    request.send().await.map_err(StoreError::sdk)?;
    ddb.update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name(TTL_ATTRIBUTE)
                .enabled(true)
                .build()
                .expect("name and flag are set"),
        )
        .send()
        .await
        .map_err(StoreError::sdk)?;
    Ok(())
}

/// Creates the private bucket for attachments; an existing bucket is kept.
pub async fn create_bucket(s3: &aws_sdk_s3::Client, bucket: &str) -> Result<(), StoreError> {
    if s3.head_bucket().bucket(bucket).send().await.is_ok() {
        return Ok(());
    }
    let mut request = s3.create_bucket().bucket(bucket);
    let region = s3.config().region().map(|r| r.as_ref().to_owned());
    if let Some(region) = region.filter(|r| r != "us-east-1") {
        request = request.create_bucket_configuration(
            aws_sdk_s3::types::CreateBucketConfiguration::builder()
                .location_constraint(aws_sdk_s3::types::BucketLocationConstraint::from(
                    region.as_str(),
                ))
                .build(),
        );
    }
    request.send().await.map_err(StoreError::sdk)?;
    Ok(())
}

impl crate::Store {
    /// Creates the table and the bucket this store points at (local endpoints only).
    pub async fn create_resources(&self) -> Result<(), StoreError> {
        create_table(&self.ddb, &self.settings.table).await?;
        create_bucket(&self.s3, &self.settings.bucket).await
    }
}
