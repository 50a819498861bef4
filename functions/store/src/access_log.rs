//! Which partitions each deployed function's requests touch, read from the
//! requests as they leave, so that tests can hold the stack's key-level
//! IAM conditions (`dynamodb:LeadingKeys`) to what the code really does.

use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use serde_json::Value;

use crate::schema::{INDEXES, TABLE_KEYS};

tokio::task_local! {
    /// The function (workspace crate) a request is served by, where one
    /// process plays several (tests merge the API's routers).
    pub static ACTOR: &'static str;
}

/// One item-level permission a request needs: the IAM action, on the
/// table or one of its indexes, for a partition.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct KeyAccess {
    pub actor: &'static str,
    /// As IAM names it: `dynamodb:GetItem`, `dynamodb:ConditionCheckItem`…
    pub action: String,
    /// The index a query reads, none for the table.
    pub index: Option<String>,
    /// The partition key value; none for requests on the table itself
    /// (`DescribeTable`).
    pub partition: Option<String>,
}

/// Records every DynamoDB request's [`KeyAccess`]es. Requests made outside
/// an [`ACTOR`] scope go to the log's own actor, or are left out.
#[derive(Debug, Clone, Default)]
pub struct AccessLog {
    actor: Option<&'static str>,
    entries: Arc<Mutex<Vec<KeyAccess>>>,
}

impl AccessLog {
    /// A log of requests made in [`ACTOR`] scopes only.
    pub fn scoped() -> Self {
        Self::default()
    }

    /// A log of every request, made by `actor` unless a scope says otherwise.
    pub fn of(actor: &'static str) -> Self {
        Self {
            actor: Some(actor),
            ..Self::default()
        }
    }

    pub fn entries(&self) -> Vec<KeyAccess> {
        self.entries.lock().expect("access log poisoned").clone()
    }
}

impl Intercept for AccessLog {
    fn name(&self) -> &'static str {
        "AccessLog"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let Some(actor) = ACTOR.try_with(|a| *a).ok().or(self.actor) else {
            return Ok(());
        };
        let operation = cfg
            .load::<Metadata>()
            .map(|m| m.name().to_owned())
            .unwrap_or_default();
        let body: Value = context
            .request()
            .body()
            .bytes()
            .and_then(|b| serde_json::from_slice(b).ok())
            .unwrap_or(Value::Null);
        let accesses = key_accesses(&operation, &body)
            .map_err(|e| format!("{operation}: {e}"))?
            .into_iter()
            .map(|(action, index, partition)| KeyAccess {
                actor,
                action,
                index,
                partition,
            });
        self.entries
            .lock()
            .expect("access log poisoned")
            .extend(accesses);
        Ok(())
    }
}

type Access = (String, Option<String>, Option<String>);

/// The accesses a request of `operation` with this JSON body needs.
fn key_accesses(operation: &str, body: &Value) -> Result<Vec<Access>, String> {
    let action = |name: &str| format!("dynamodb:{name}");
    let (partition, _) = TABLE_KEYS;
    let key_of = |item: &Value| -> Result<Option<String>, String> {
        item[partition]["S"]
            .as_str()
            .map(|k| Some(k.to_owned()))
            .ok_or_else(|| format!("no {partition} in {item}"))
    };
    let mut found = Vec::new();
    match operation {
        "GetItem" | "UpdateItem" | "DeleteItem" => {
            found.push((action(operation), None, key_of(&body["Key"])?));
        }
        "PutItem" => found.push((action(operation), None, key_of(&body["Item"])?)),
        "Query" => {
            let index = body["IndexName"].as_str().map(str::to_owned);
            let attribute = match &index {
                None => partition,
                Some(name) => {
                    INDEXES
                        .iter()
                        .find(|i| i.name == name)
                        .ok_or_else(|| format!("unknown index {name}"))?
                        .partition
                }
            };
            let condition = body["KeyConditionExpression"].as_str().unwrap_or_default();
            let value = condition
                .split(" AND ")
                .next()
                .and_then(|c| c.split_once(" = "))
                .filter(|(name, _)| name.trim() == attribute)
                .map(|(_, placeholder)| placeholder.trim())
                .and_then(|p| body["ExpressionAttributeValues"][p]["S"].as_str())
                .ok_or_else(|| format!("no {attribute} equality in {condition:?}"))?;
            found.push((action(operation), index, Some(value.to_owned())));
        }
        "BatchGetItem" => {
            for table in body["RequestItems"].as_object().into_iter().flatten() {
                for key in table.1["Keys"].as_array().into_iter().flatten() {
                    found.push((action(operation), None, key_of(key)?));
                }
            }
        }
        "BatchWriteItem" => {
            for table in body["RequestItems"].as_object().into_iter().flatten() {
                for request in table.1.as_array().into_iter().flatten() {
                    let item = match &request["PutRequest"]["Item"] {
                        Value::Null => &request["DeleteRequest"]["Key"],
                        item => item,
                    };
                    found.push((action(operation), None, key_of(item)?));
                }
            }
        }
        "TransactWriteItems" | "TransactGetItems" => {
            for entry in body["TransactItems"].as_array().into_iter().flatten() {
                let (kind, request) = entry
                    .as_object()
                    .and_then(|o| o.iter().next())
                    .ok_or_else(|| format!("empty transaction entry {entry}"))?;
                let (name, item) = match kind.as_str() {
                    "Put" => ("PutItem", &request["Item"]),
                    "Update" => ("UpdateItem", &request["Key"]),
                    "Delete" => ("DeleteItem", &request["Key"]),
                    "ConditionCheck" => ("ConditionCheckItem", &request["Key"]),
                    "Get" => ("GetItem", &request["Key"]),
                    other => return Err(format!("unknown transaction entry {other}")),
                };
                found.push((action(name), None, key_of(item)?));
            }
        }
        other => found.push((action(other), None, None)),
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_transactions_items_each_need_their_own_action_on_their_partition() {
        let body = json!({"TransactItems": [
            {"Update": {"Key": {"PK": {"S": "COUNTER#X#260603"}, "SK": {"S": "META"}}}},
            {"Put": {"Item": {"PK": {"S": "DOSSIER#X-260603-0001"}, "SK": {"S": "META"}}}},
            {"ConditionCheck": {"Key": {"PK": {"S": "OFFICIAL#ab"}, "SK": {"S": "META"}}}},
        ]});
        let found = key_accesses("TransactWriteItems", &body).unwrap();
        let actions: Vec<(&str, Option<&str>)> = found
            .iter()
            .map(|(a, _, p)| (a.as_str(), p.as_deref()))
            .collect();
        assert_eq!(
            actions,
            [
                ("dynamodb:UpdateItem", Some("COUNTER#X#260603")),
                ("dynamodb:PutItem", Some("DOSSIER#X-260603-0001")),
                ("dynamodb:ConditionCheckItem", Some("OFFICIAL#ab")),
            ]
        );
    }

    #[test]
    fn a_query_on_an_index_needs_the_indexs_partition() {
        let body = json!({
            "IndexName": "GSI2",
            "KeyConditionExpression": "GSI2PK = :q AND GSI2SK < :due",
            "ExpressionAttributeValues": {":q": {"S": "QUEUE#X#DESK"}, ":due": {"S": "2026"}},
        });
        assert_eq!(
            key_accesses("Query", &body).unwrap(),
            [(
                "dynamodb:Query".to_owned(),
                Some("GSI2".to_owned()),
                Some("QUEUE#X#DESK".to_owned())
            )]
        );
        let unreadable = json!({"KeyConditionExpression": "begins_with(SK, :p)"});
        assert!(key_accesses("Query", &unreadable).is_err());
    }
}
