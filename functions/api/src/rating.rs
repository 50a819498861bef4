//! The applicant rates how their dossier was handled (TT 01/2018): once the
//! result is returned, with the account it was submitted with or the
//! tracking secret (printed on Mẫu 01 for a counter dossier). The first
//! `PUT` gives the rating, later ones change it within the edit window.
//! Officials read dossiers of their agency but never rate them.

use std::collections::BTreeMap;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use domain::{DossierCode, Indicator, Rating, Satisfaction};
use serde::{Deserialize, Serialize};
use store::{DossierRecord, RatingWrite, StoredRating};
use utoipa::ToSchema;

use crate::auth::MaybeCaller;
use crate::citizen::{holds_secret, json_body, tracking_secret};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::rfc3339;

#[derive(Debug, Deserialize, ToSchema)]
pub struct RatingForm {
    /// Each indicator (`total_time`, `time_per_agency`, `contacts`,
    /// `agencies_contacted`, `desk_practice`, `publicity`, `staff_attitude`,
    /// `feedback_handling`, `online_service`) answered `very_satisfied`,
    /// `satisfied` or `dissatisfied`.
    pub answers: BTreeMap<String, String>,
    #[serde(default)]
    pub comment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RatingView {
    pub code: String,
    pub answers: Vec<AnswerView>,
    pub comment: Option<String>,
    /// 0 to 18.
    pub points: u8,
    pub overall: String,
    pub given_at: String,
    /// Until when it may be changed (RFC 3339), if it still may.
    pub changeable_until: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AnswerView {
    pub indicator: String,
    pub question: String,
    pub answer: String,
    pub label: String,
}

fn wire<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn view(app: &AppState, stored: &StoredRating) -> RatingView {
    let r = &stored.rating;
    RatingView {
        code: stored.code.to_string(),
        answers: r
            .answers()
            .iter()
            .map(|(i, s)| AnswerView {
                indicator: wire(i),
                question: i.question_vi().to_owned(),
                answer: wire(s),
                label: s.label_vi().to_owned(),
            })
            .collect(),
        comment: r.comment().map(str::to_owned),
        points: r.points(),
        overall: r.overall().label_vi().to_owned(),
        given_at: rfc3339(r.given_at()),
        changeable_until: r
            .may_change(app.now())
            .then(|| rfc3339(r.given_at() + domain::EDIT_WINDOW)),
    }
}

/// The dossier, if the caller is its applicant: the account it was
/// submitted with, or the holder of its tracking secret.
async fn applicants_dossier(
    app: &AppState,
    code: &str,
    caller: MaybeCaller,
    headers: &HeaderMap,
) -> Result<DossierRecord, ApiError> {
    let code = DossierCode::parse(code.trim()).map_err(|_| ApiError::DossierNotFound)?;
    let record = match app.store.get_record(&code).await {
        Err(store::StoreError::NotFound) => return Err(ApiError::DossierNotFound),
        other => other?,
    };
    let secret = tracking_secret(headers);
    let by_secret = holds_secret(&record, secret);
    let by_account = caller
        .0
        .is_some_and(|c| record.owner.as_deref() == Some(c.subject.as_str()));
    if by_secret || by_account {
        Ok(record)
    } else {
        Err(ApiError::DossierNotFound)
    }
}

fn answers(form: &RatingForm) -> Result<Vec<(Indicator, Satisfaction)>, ApiError> {
    form.answers
        .iter()
        .map(|(indicator, answer)| {
            let field = format!("answers.{indicator}");
            let i: Indicator = serde_json::from_value(serde_json::Value::String(indicator.clone()))
                .map_err(|e| {
                    ApiError::invalid(&field, "Tiêu chí đánh giá không có trong phiếu.", e)
                })?;
            let s: Satisfaction = serde_json::from_value(serde_json::Value::String(answer.clone()))
                .map_err(|e| {
                    ApiError::invalid(
                        &field,
                        "Mức đánh giá phải là Rất hài lòng, Hài lòng hoặc Không hài lòng.",
                        e,
                    )
                })?;
            Ok((i, s))
        })
        .collect()
}

#[utoipa::path(put, path = "/api/dossiers/{code}/rating", request_body = RatingForm, tag = "citizen",
    params(("code" = String, Path, description = "Dossier code"),
        ("X-Tracking-Secret" = Option<String>, Header, description = "The secret given at submission (or printed on Mẫu 01), when not signed in")),
    responses((status = 201, body = RatingView, description = "Rated"), (status = 200, body = RatingView, description = "Changed"),
        (status = 404, body = crate::error::Problem), (status = 409, body = crate::error::Problem), (status = 422, body = crate::error::Problem)))]
pub async fn rate(
    State(app): State<AppState>,
    caller: MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<RatingView>), ApiError> {
    let record = applicants_dossier(&app, &code, caller, &headers).await?;
    let form: RatingForm = json_body(&headers, &body)?;
    let answers = answers(&form)?;
    let now = app.now();
    let existing = app.store.rating(&record.code).await?;
    let (rating, write) = match &existing {
        None => (
            Rating::give(record.stage, &answers, form.comment.as_deref(), now),
            RatingWrite::First,
        ),
        Some(stored) => (
            stored.rating.change(&answers, form.comment.as_deref(), now),
            RatingWrite::Change,
        ),
    };
    let stored = StoredRating {
        code: record.code.clone(),
        agency: record.agency.clone(),
        procedure_code: record.procedure_code.clone(),
        rating: rating.map_err(ApiError::Rating)?,
    };
    match app.store.put_rating(&stored, write).await {
        // Rated twice at once: the first stands, the second is told.
        Err(store::StoreError::Conflict { .. }) => return Err(ApiError::AlreadyRated),
        other => other?,
    }
    tracing::info!(code = %record.code, points = stored.rating.points(), "dossier rated");
    let status = if existing.is_some() {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((status, Json(view(&app, &stored))))
}

#[utoipa::path(get, path = "/api/dossiers/{code}/rating", tag = "citizen",
    params(("code" = String, Path, description = "Dossier code"),
        ("X-Tracking-Secret" = Option<String>, Header, description = "The secret given at submission, when not signed in")),
    responses((status = 200, body = RatingView), (status = 404, body = crate::error::Problem)))]
pub async fn rating(
    State(app): State<AppState>,
    caller: MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<RatingView>, ApiError> {
    let record = applicants_dossier(&app, &code, caller, &headers).await?;
    let stored = app
        .store
        .rating(&record.code)
        .await?
        .ok_or(ApiError::NotRated)?;
    Ok(Json(view(&app, &stored)))
}
