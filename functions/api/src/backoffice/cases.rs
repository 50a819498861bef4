//! What the back office's handling of petitions (`petitions`) and
//! questions (`questions`) shares: reading a list's query, the role an
//! official acts in, the action a form names, and a move written under the
//! version the official saw.

use axum::extract::Query;
use axum::extract::rejection::QueryRejection;
use domain::{Official, Role};
use serde::Serialize;
use store::StoreError;

use crate::error::ApiError;
use crate::petitions::{internal, wire};

/// A list's query string; axum would answer a bad one in plain text, ours
/// is a problem.
pub(super) fn list_query<Q>(query: Result<Query<Q>, QueryRejection>) -> Result<Q, ApiError> {
    let Query(query) = query.map_err(|e| {
        ApiError::invalid(
            "query",
            "Tham số của danh sách không hợp lệ (queue, limit, cursor).",
            e,
        )
    })?;
    Ok(query)
}

/// The role an official moves a case in, as the audit record and the
/// signed answer name it: the desk's, else the agency leader's (only they
/// are let handle cases).
pub(super) fn acting_role(official: &Official) -> Role {
    if official.has(Role::Desk) {
        Role::Desk
    } else {
        Role::AgencyLeader
    }
}

/// The one of `actions` whose wire name `raw` is; otherwise the field is
/// at fault, with `message` for the official.
pub(super) fn named_action<A: Serialize + Copy>(
    actions: impl IntoIterator<Item = A>,
    raw: &str,
    message: &str,
) -> Result<A, ApiError> {
    actions
        .into_iter()
        .find(|a| wire(*a) == raw)
        .ok_or_else(|| ApiError::invalid("action", message, format!("unknown action `{raw}`")))
}

/// The answer to a move made on a stale view: `stale` (the kind's 409)
/// carrying the case as it is now, `view`.
pub(super) fn stale_error<V: Serialize>(
    view: V,
    stale: fn(Box<serde_json::Value>) -> ApiError,
) -> Result<ApiError, ApiError> {
    Ok(stale(Box::new(
        serde_json::to_value(view).map_err(internal)?,
    )))
}

/// What became of a move's write: done, or — someone acted first — the
/// kind's 409 with the case as it now is (`current_view` reads it again).
pub(super) async fn settle_write<V: Serialize>(
    written: Result<(), StoreError>,
    current_view: impl AsyncFnOnce() -> Result<V, ApiError>,
    stale: fn(Box<serde_json::Value>) -> ApiError,
) -> Result<(), ApiError> {
    match written {
        Ok(()) => Ok(()),
        Err(StoreError::Conflict { .. }) => Err(stale_error(current_view().await?, stale)?),
        Err(e) => Err(e.into()),
    }
}
