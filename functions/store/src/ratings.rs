//! Ratings of dossiers (`domain::Rating`): one item in the dossier's
//! partition (`RATING`), also in GSI3 under the agency's month of rating,
//! so a month's ratings are one `Query` for the monthly evaluation
//! (`DongBoDanhGia`).

use aws_sdk_dynamodb::types::AttributeValue;
use chrono::NaiveDate;
use domain::{AgencyCode, DossierCode, ProcedureCode, Rating};
use serde::{Deserialize, Serialize};

use crate::dossiers::to_item;
use crate::error::StoreError;
use crate::{Store, keys};

/// A rating with what the monthly evaluation groups it by.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRating {
    pub code: DossierCode,
    pub agency: AgencyCode,
    pub procedure_code: ProcedureCode,
    pub rating: Rating,
}

#[derive(Serialize, Deserialize)]
#[allow(non_snake_case)]
struct RatingItem {
    PK: String,
    SK: String,
    GSI3PK: String,
    GSI3SK: String,
    stored: StoredRating,
}

impl From<&StoredRating> for RatingItem {
    fn from(r: &StoredRating) -> Self {
        let at = r.rating.given_at();
        RatingItem {
            PK: keys::dossier(&r.code),
            SK: keys::RATING.into(),
            GSI3PK: keys::ratings(&r.agency, at.date()),
            GSI3SK: keys::owner_sort(at, &r.code),
            stored: r.clone(),
        }
    }
}

/// Whether a rating is being given or changed: a first one must find none,
/// a change must find the first (a race of two first ratings leaves one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RatingWrite {
    First,
    Change,
}

impl Store {
    /// The dossier's rating, if it was rated.
    pub async fn rating(&self, code: &DossierCode) -> Result<Option<StoredRating>, StoreError> {
        let item = self
            .ddb
            .get_item()
            .table_name(&self.settings.table)
            .key("PK", AttributeValue::S(keys::dossier(code)))
            .key("SK", AttributeValue::S(keys::RATING.into()))
            .consistent_read(true)
            .send()
            .await
            .map_err(StoreError::sdk)?
            .item;
        item.map(|i| serde_dynamo::from_item::<_, RatingItem>(i).map(|r| r.stored))
            .transpose()
            .map_err(StoreError::corrupt)
    }

    /// Writes a rating; `Conflict` if the dossier was rated meanwhile (for a
    /// first rating) or its rating is gone (for a change).
    pub async fn put_rating(
        &self,
        rating: &StoredRating,
        write: RatingWrite,
    ) -> Result<(), StoreError> {
        let condition = match write {
            RatingWrite::First => "attribute_not_exists(PK)",
            RatingWrite::Change => "attribute_exists(PK)",
        };
        let result = self
            .ddb
            .put_item()
            .table_name(&self.settings.table)
            .set_item(Some(to_item(&RatingItem::from(rating))))
            .condition_expression(condition)
            .send()
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_conditional_check_failed_exception()) =>
            {
                Err(StoreError::Conflict { current: 0 })
            }
            Err(e) => Err(StoreError::sdk(e)),
        }
    }

    /// The ratings given to `agency`'s dossiers in the month of `day`.
    pub async fn ratings_of_month(
        &self,
        agency: &AgencyCode,
        day: NaiveDate,
    ) -> Result<Vec<StoredRating>, StoreError> {
        let mut found = Vec::new();
        let mut start = None;
        loop {
            let out = self
                .ddb
                .query()
                .table_name(&self.settings.table)
                .index_name("GSI3")
                .key_condition_expression("GSI3PK = :m")
                .expression_attribute_values(":m", AttributeValue::S(keys::ratings(agency, day)))
                .set_exclusive_start_key(start)
                .send()
                .await
                .map_err(StoreError::sdk)?;
            for item in out.items.unwrap_or_default() {
                let item: RatingItem =
                    serde_dynamo::from_item(item).map_err(StoreError::corrupt)?;
                found.push(item.stored);
            }
            start = out.last_evaluated_key;
            if start.is_none() {
                return Ok(found);
            }
        }
    }
}
