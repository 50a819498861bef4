//! The agencies this deployment serves and how each is organised: profile,
//! departments, officials and processing routes. Onboarding an agency writes
//! these items; nothing about an agency lives in code.
//!
//! | item | PK | SK | index |
//! |---|---|---|---|
//! | agency profile | `AGENCY#<code>` | `META` | GSI1 `AGENCIES` / code |
//! | department | `AGENCY#<code>` | `DEPT#<id>` | |
//! | route | `AGENCY#<code>` | `ROUTE#<procedure>` | |
//! | official | `OFFICIAL#<subject hash>` | `META` | GSI1 `STAFF#<agency>` / name |

use aws_sdk_dynamodb::types::{AttributeValue, PutRequest, WriteRequest};
use domain::{AgencyCode, AgencyProfile, Department, Official, ProcedureCode, ProcessingRoute};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::dossiers::{Item, to_item};
use crate::error::StoreError;
use crate::{Store, keys};

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct Stored<T> {
    PK: String,
    SK: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI1PK: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    GSI1SK: Option<String>,
    value: T,
}

/// A procedure's route in an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteRecord {
    pub procedure: ProcedureCode,
    pub route: ProcessingRoute,
}

/// Everything that sets an agency up, as one document: what the
/// administration page imports and exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgencySetup {
    pub agency: AgencyProfile,
    #[serde(default)]
    pub departments: Vec<Department>,
    #[serde(default)]
    pub officials: Vec<Official>,
    #[serde(default)]
    pub routes: Vec<RouteRecord>,
}

fn profile_item(p: &AgencyProfile) -> Item {
    to_item(&Stored {
        PK: keys::agency(&p.code),
        SK: keys::META.into(),
        GSI1PK: Some(keys::AGENCIES.into()),
        GSI1SK: Some(p.code.to_string()),
        value: p,
    })
}

fn department_item(agency: &AgencyCode, d: &Department) -> Item {
    to_item(&Stored {
        PK: keys::agency(agency),
        SK: keys::department(&d.id),
        GSI1PK: None,
        GSI1SK: None,
        value: d,
    })
}

fn official_item(o: &Official) -> Item {
    to_item(&Stored {
        PK: keys::official(&o.subject),
        SK: keys::META.into(),
        GSI1PK: Some(keys::staff(&o.agency)),
        GSI1SK: Some(format!("{}#{}", o.name, keys::owner_hash(&o.subject))),
        value: o,
    })
}

fn route_item(agency: &AgencyCode, r: &RouteRecord) -> Item {
    to_item(&Stored {
        PK: keys::agency(agency),
        SK: keys::route(&r.procedure),
        GSI1PK: None,
        GSI1SK: None,
        value: r,
    })
}

fn value<T: DeserializeOwned>(item: Item) -> Result<T, StoreError> {
    serde_dynamo::from_item::<_, Stored<T>>(item)
        .map(|s| s.value)
        .map_err(StoreError::corrupt)
}

impl Store {
    async fn put(&self, item: Item) -> Result<(), StoreError> {
        self.ddb
            .put_item()
            .table_name(&self.settings.table)
            .set_item(Some(item))
            .send()
            .await
            .map_err(StoreError::sdk)?;
        Ok(())
    }

    async fn get<T: DeserializeOwned>(
        &self,
        pk: String,
        sk: String,
    ) -> Result<Option<T>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(pk))
            .key("SK", AttributeValue::S(sk))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        item.map(value).transpose()
    }

    /// Every item of a partition (of the table, or of GSI1), all pages.
    async fn all<T: DeserializeOwned>(
        &self,
        index: Option<&str>,
        partition: String,
        sort_prefix: Option<&str>,
    ) -> Result<Vec<T>, StoreError> {
        let (pk, sk) = match index {
            Some(_) => ("GSI1PK", "GSI1SK"),
            None => ("PK", "SK"),
        };
        let condition = match sort_prefix {
            Some(_) => format!("{pk} = :pk AND begins_with({sk}, :prefix)"),
            None => format!("{pk} = :pk"),
        };
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let request = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .set_index_name(index.map(str::to_owned))
                .key_condition_expression(&condition)
                .expression_attribute_values(":pk", AttributeValue::S(partition.clone()));
            let request = match sort_prefix {
                Some(prefix) => request
                    .expression_attribute_values(":prefix", AttributeValue::S(prefix.to_owned())),
                None => request,
            };
            let out = request
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            for item in out.items.unwrap_or_default() {
                found.push(value(item)?);
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(found);
            }
        }
    }

    pub async fn put_agency(&self, profile: &AgencyProfile) -> Result<(), StoreError> {
        self.put(profile_item(profile)).await
    }

    pub async fn get_agency(&self, code: &AgencyCode) -> Result<Option<AgencyProfile>, StoreError> {
        self.get(keys::agency(code), keys::META.into()).await
    }

    pub async fn list_agencies(&self) -> Result<Vec<AgencyProfile>, StoreError> {
        self.all(Some("GSI1"), keys::AGENCIES.into(), None).await
    }

    pub async fn put_department(
        &self,
        agency: &AgencyCode,
        department: &Department,
    ) -> Result<(), StoreError> {
        self.put(department_item(agency, department)).await
    }

    pub async fn list_departments(
        &self,
        agency: &AgencyCode,
    ) -> Result<Vec<Department>, StoreError> {
        self.all(None, keys::agency(agency), Some("DEPT#")).await
    }

    pub async fn put_official(&self, official: &Official) -> Result<(), StoreError> {
        self.put(official_item(official)).await
    }

    /// The account signed in as `subject`, if there is one (one `GetItem`).
    pub async fn get_official(&self, subject: &str) -> Result<Option<Official>, StoreError> {
        self.get(keys::official(subject), keys::META.into()).await
    }

    /// The agency's officials, by name.
    pub async fn list_officials(&self, agency: &AgencyCode) -> Result<Vec<Official>, StoreError> {
        self.all(Some("GSI1"), keys::staff(agency), None).await
    }

    pub async fn put_route(
        &self,
        agency: &AgencyCode,
        route: &RouteRecord,
    ) -> Result<(), StoreError> {
        self.put(route_item(agency, route)).await
    }

    pub async fn get_route(
        &self,
        agency: &AgencyCode,
        procedure: &ProcedureCode,
    ) -> Result<Option<ProcessingRoute>, StoreError> {
        let record: Option<RouteRecord> = self
            .get(keys::agency(agency), keys::route(procedure))
            .await?;
        Ok(record.map(|r| r.route))
    }

    pub async fn list_routes(&self, agency: &AgencyCode) -> Result<Vec<RouteRecord>, StoreError> {
        self.all(None, keys::agency(agency), Some("ROUTE#")).await
    }

    /// The agency's whole setup, as [`AgencySetup`] (the export).
    pub async fn agency_setup(&self, code: &AgencyCode) -> Result<AgencySetup, StoreError> {
        Ok(AgencySetup {
            agency: self.get_agency(code).await?.ok_or(StoreError::NotFound)?,
            departments: self.list_departments(code).await?,
            officials: self.list_officials(code).await?,
            routes: self.list_routes(code).await?,
        })
    }

    /// Writes a whole setup (onboarding, or re-importing an edited export);
    /// existing items of the same keys are replaced, others are kept.
    pub async fn import_setup(&self, setup: &AgencySetup) -> Result<(), StoreError> {
        let code = &setup.agency.code;
        let mut items = vec![profile_item(&setup.agency)];
        items.extend(setup.departments.iter().map(|d| department_item(code, d)));
        items.extend(setup.officials.iter().map(official_item));
        items.extend(setup.routes.iter().map(|r| route_item(code, r)));
        self.batch_put(items).await
    }

    /// Writes items 25 at a time, retrying what DynamoDB leaves unprocessed.
    pub(crate) async fn batch_put(&self, items: Vec<Item>) -> Result<(), StoreError> {
        let requests = items
            .into_iter()
            .map(|item| {
                let put = PutRequest::builder()
                    .set_item(Some(item))
                    .build()
                    .expect("item is set");
                WriteRequest::builder().put_request(put).build()
            })
            .collect();
        self.batch_write(requests).await
    }
}
