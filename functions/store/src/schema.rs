//! Creates the table and the bucket on a local endpoint (dev server, tests).
//! In AWS they come from `infra/`, with the same keys and indexes.

use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType, TimeToLiveSpecification,
};

use crate::error::StoreError;

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

fn index(name: &str, pk: &str, sk: &str) -> GlobalSecondaryIndex {
    GlobalSecondaryIndex::builder()
        .index_name(name)
        .key_schema(key(pk, KeyType::Hash))
        .key_schema(key(sk, KeyType::Range))
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
    let mut request = ddb
        .create_table()
        .table_name(table)
        .billing_mode(BillingMode::PayPerRequest)
        .key_schema(key("PK", KeyType::Hash))
        .key_schema(key("SK", KeyType::Range))
        .global_secondary_indexes(index("GSI1", "GSI1PK", "GSI1SK"))
        .global_secondary_indexes(index("GSI2", "GSI2PK", "GSI2SK"))
        .global_secondary_indexes(index("GSI3", "GSI3PK", "GSI3SK"));
    for name in [
        "PK", "SK", "GSI1PK", "GSI1SK", "GSI2PK", "GSI2SK", "GSI3PK", "GSI3SK",
    ] {
        request = request.attribute_definitions(string_attribute(name));
    }
    request.send().await.map_err(StoreError::sdk)?;
    ddb.update_time_to_live()
        .table_name(table)
        .time_to_live_specification(
            TimeToLiveSpecification::builder()
                .attribute_name("expires_at")
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
