//! Feedback and petitions (PAKN) in the back office. They are handled by
//! the one-stop desk and the agency's leaders (`Official::handles_petitions_of`),
//! each of their own agency only: to anyone else a petition does not exist.
//! Queues: `open` (the agency owes the refusal, question or answer; by the
//! answer's due time), `overdue` (those of `open` past it), `waiting` (the
//! sender owes information) and `publish` (a consented answer to put on
//! the site). Every move is written with its audit record, under the
//! version the official saw.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::NaiveDateTime;
use domain::{Official, PetitionAction, PetitionProgress, WorkingCalendar, at_risk_until};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{PetitionQueue, PetitionRecord, PetitionStep};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use super::cases::{acting_role, list_query, named_action, settle_write, stale_error};
use crate::citizen::json_body;
use crate::error::ApiError;
use crate::petitions::{
    PetitionStatusView, PetitionView, agency_calendar, clean_text, internal, load, petition_view,
    replay, status_view, wire,
};
use crate::state::AppState;
use crate::views::{DownloadView, rfc3339, text_vi};

/// Longest classification an official gives, in characters.
const MAX_CATEGORY: usize = 100;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PetitionQueueQuery {
    /// `open` (default), `overdue`, `waiting` or `publish`.
    #[serde(default)]
    pub queue: Option<String>,
    /// 1–100, default 50.
    #[serde(default)]
    pub limit: Option<u16>,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionQueueItemView {
    pub code: String,
    pub kind_label: String,
    pub title: String,
    pub about_label: String,
    pub sender: String,
    pub received_at: String,
    pub status: PetitionStatusView,
    /// The answer's (or the publication's) due time; for `waiting`, when
    /// the information was asked for.
    pub due_at: String,
    pub due_text: String,
    /// `on_track`, `due_soon` (within 2 working days) or `overdue`; none
    /// while the sender owes the next move.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionQueueView {
    pub queue: String,
    pub label: String,
    pub items: Vec<PetitionQueueItemView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ContactView {
    pub name: String,
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Sent from a signed-in account.
    pub signed_in: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionActionView {
    /// `refuse`, `request_info`, `answer` or `publish`.
    pub key: String,
    pub label: String,
    /// Fields the action form takes: `note` (required), `category`.
    pub needs: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionDeskView {
    #[serde(flatten)]
    pub petition: PetitionView,
    pub contact: ContactView,
    pub publish_consent: bool,
    pub published: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    /// Steps let pass: `answer`, `publication`.
    pub overdue: Vec<String>,
    /// Whether the current round was refused or answered in time (QĐ 766).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_time: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<String>,
    /// The moves open to the official now.
    pub actions: Vec<PetitionActionView>,
    /// For a petition sent on the national portal: its code there (its
    /// result goes back there; the sender follows it there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PetitionActionForm {
    /// `refuse`, `request_info`, `answer` or `publish`.
    pub action: String,
    /// The version the official saw; a newer one answers 409 with the petition as it is.
    pub version: u64,
    /// The reason, the question or the answer (sent to the sender); up to 5,000 characters.
    #[serde(default)]
    pub note: Option<String>,
    /// The agency's classification (lĩnh vực, nhóm vấn đề), up to 100 characters.
    #[serde(default)]
    pub category: Option<String>,
}

/// The moves an official makes; the sender's own are not offered here.
const OFFICIAL_ACTIONS: [PetitionAction; 4] = [
    PetitionAction::Refuse,
    PetitionAction::RequestInfo,
    PetitionAction::Answer,
    PetitionAction::Publish,
];

fn queue_label(key: &str) -> &'static str {
    match key {
        "overdue" => "Phản ánh, kiến nghị quá hạn trả lời",
        "waiting" => "Chờ người gửi bổ sung thông tin",
        "publish" => "Chờ công khai câu trả lời",
        _ => "Phản ánh, kiến nghị chờ xử lý",
    }
}

/// How a due time stands at `now`: overdue, within 2 working days, or on track.
fn outlook(
    calendar: &WorkingCalendar,
    due: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<&'static str, ApiError> {
    if now > due {
        return Ok("overdue");
    }
    let soon = at_risk_until(calendar, now).map_err(internal)?;
    Ok(if due < soon { "due_soon" } else { "on_track" })
}

/// The outlook of the move the agency owes on `record`, if it owes one.
fn record_outlook(
    calendar: &WorkingCalendar,
    record: &PetitionRecord,
    now: NaiveDateTime,
) -> Result<Option<String>, ApiError> {
    match record.queue() {
        Some((PetitionQueue::Open | PetitionQueue::Publish, due)) => {
            Ok(Some(outlook(calendar, due, now)?.to_owned()))
        }
        _ => Ok(None),
    }
}

/// Whether `action` fits where the petition came from: the sender of one
/// sent on the national portal follows it there, and has no page here to
/// add the information an official would ask for (the clock would stand
/// still for good); the desk calls them instead.
fn may_take(record: &PetitionRecord, action: PetitionAction) -> bool {
    !(record.national.is_some() && action == PetitionAction::RequestInfo)
}

fn may_handle(official: &Official) -> Result<(), ApiError> {
    if official.handles_petitions_of(&official.agency) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

#[utoipa::path(get, path = "/api/can-bo/phan-anh", tag = "back-office",
    params(PetitionQueueQuery),
    responses((status = 200, body = PetitionQueueView), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn queue(
    State(app): State<AppState>,
    staff: Staff,
    query: Result<Query<PetitionQueueQuery>, QueryRejection>,
) -> Result<Json<PetitionQueueView>, ApiError> {
    let query = list_query(query)?;
    let official = &staff.official;
    may_handle(official)?;
    let calendar = agency_calendar(&app, &official.agency).await?;
    let now = app.now();
    let key = query.queue.as_deref().unwrap_or("open");
    let (queue, due_before) = match key {
        "open" => (PetitionQueue::Open, None),
        "overdue" => (PetitionQueue::Open, Some(now)),
        "waiting" => (PetitionQueue::Waiting, None),
        "publish" => (PetitionQueue::Publish, None),
        other => {
            return Err(ApiError::invalid(
                "queue",
                "Danh sách chỉ nhận `open`, `overdue`, `waiting` hoặc `publish`.",
                format!("unknown queue `{other}`"),
            ));
        }
    };
    let page = app
        .store
        .petition_queue(
            &official.agency,
            queue,
            due_before,
            query.limit.unwrap_or(50),
            query.cursor.as_deref(),
        )
        .await?;
    let items = page
        .items
        .iter()
        .map(|r| {
            let due = r.queue().map_or(r.answer_by, |(_, at)| at);
            Ok(PetitionQueueItemView {
                code: r.code.to_string(),
                kind_label: r.kind.label_vi().to_owned(),
                title: r.title.clone(),
                about_label: r.about.label_vi().to_owned(),
                sender: r.contact.name.clone(),
                received_at: rfc3339(r.received_at),
                status: status_view(r.stage),
                due_at: rfc3339(due),
                due_text: text_vi(due),
                outlook: record_outlook(&calendar, r, now)?,
                category: r.category.clone(),
                version: r.version,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    Ok(Json(PetitionQueueView {
        queue: key.to_owned(),
        label: queue_label(key).to_owned(),
        items,
        next_cursor: page.next,
    }))
}

/// A petition as the back office works on it.
struct Loaded {
    record: PetitionRecord,
    steps: Vec<PetitionStep>,
    progress: PetitionProgress,
    calendar: Arc<WorkingCalendar>,
}

/// Loads a petition for an official who handles its agency's; to anyone
/// else it does not exist.
async fn load_for(app: &AppState, official: &Official, code: &str) -> Result<Loaded, ApiError> {
    let (record, steps) = load(app, code).await?;
    if !official.handles_petitions_of(&record.agency) {
        return Err(ApiError::PetitionNotFound);
    }
    let calendar = agency_calendar(app, &record.agency).await?;
    let progress = replay(&calendar, &record, &steps)?;
    Ok(Loaded {
        record,
        steps,
        progress,
        calendar,
    })
}

impl Loaded {
    fn view(&self, now: NaiveDateTime) -> Result<PetitionDeskView, ApiError> {
        desk_view(
            &self.calendar,
            &self.record,
            &self.steps,
            &self.progress,
            now,
        )
    }
}

fn desk_view(
    calendar: &WorkingCalendar,
    record: &PetitionRecord,
    steps: &[PetitionStep],
    progress: &PetitionProgress,
    now: NaiveDateTime,
) -> Result<PetitionDeskView, ApiError> {
    // What the rules would let the official do now, tried on a copy.
    let actions = OFFICIAL_ACTIONS
        .into_iter()
        .filter(|&action| may_take(record, action))
        .filter(|&action| {
            progress
                .clone()
                .act(calendar, action, now, Some("?".into()))
                .is_ok()
        })
        .map(|action| PetitionActionView {
            key: wire(action),
            label: action.label_vi().to_owned(),
            needs: match action {
                PetitionAction::Publish => Vec::new(),
                _ => vec!["note".into(), "category".into()],
            },
        })
        .collect();
    let c = &record.contact;
    Ok(PetitionDeskView {
        petition: petition_view(calendar, record, progress, steps, now, true)?,
        contact: ContactView {
            name: c.name.clone(),
            phone: c.phone.to_string(),
            email: c.email.as_ref().map(ToString::to_string),
            address: c.address.clone(),
            signed_in: record.owner.is_some(),
        },
        publish_consent: record.publish_consent,
        published: record.published,
        category: record.category.clone(),
        overdue: progress
            .overdue(calendar, now)
            .map_err(internal)?
            .into_iter()
            .map(wire)
            .collect(),
        on_time: record.on_time,
        outlook: record_outlook(calendar, record, now)?,
        actions,
        national_code: record.national.as_ref().map(|n| n.code.to_string()),
    })
}

#[utoipa::path(get, path = "/api/can-bo/phan-anh/{code}", tag = "back-office",
    params(("code" = String, Path, description = "Petition code")),
    responses((status = 200, body = PetitionDeskView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn detail(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Json<PetitionDeskView>, ApiError> {
    let loaded = load_for(&app, &staff.official, &code).await?;
    Ok(Json(loaded.view(app.now())?))
}

#[utoipa::path(post, path = "/api/can-bo/phan-anh/{code}/actions", request_body = PetitionActionForm, tag = "back-office",
    params(("code" = String, Path, description = "Petition code")),
    responses((status = 200, body = PetitionDeskView), (status = 404, body = crate::error::Problem),
        (status = 409, description = "Moved meanwhile (`PHAN_ANH_DA_THAY_DOI`, with `current`) or not possible now", body = crate::error::Problem),
        (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn act(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PetitionDeskView>, ApiError> {
    let form: PetitionActionForm = json_body(&headers, &body)?;
    let official = &staff.official;
    let loaded = load_for(&app, official, &code).await?;
    let now = app.now();
    if form.version != loaded.record.version {
        return Err(stale_error(loaded.view(now)?, ApiError::PetitionStale)?);
    }
    let Loaded {
        mut record,
        mut steps,
        mut progress,
        calendar,
    } = loaded;
    let action = named_action(
        OFFICIAL_ACTIONS,
        &form.action,
        "Thao tác phải là từ chối, đề nghị bổ sung, trả lời hoặc công khai.",
    )?;
    if !may_take(&record, action) {
        return Err(ApiError::invalid(
            "action",
            "Phản ánh, kiến nghị này gửi trên Cổng Dịch vụ công quốc gia: người gửi theo dõi ở đó, không bổ sung thông tin tại đây được. Vui lòng liên hệ người gửi qua số điện thoại đã cho.",
            "a national-portal petition's sender cannot add information here",
        ));
    }
    let note = clean_text(form.note.as_deref(), "note", domain::MAX_PETITION_TEXT)?;
    let category = clean_text(form.category.as_deref(), "category", MAX_CATEGORY)?;
    let before = (record.stage, record.answer_by, record.category.clone());
    let event = progress
        .act(&calendar, action, now, note)
        .map_err(ApiError::Petition)?
        .clone();
    if category.is_some() {
        record.category = category;
    }
    record.follow(&progress, &calendar, now)?;
    let role = acting_role(official);
    let changes = json!({
        "stage": [before.0.label_vi(), record.stage.label_vi()],
        "answer_by": [before.1, record.answer_by],
        "category": [before.2, record.category],
        "published": record.published,
        "note": event.note,
    });
    let audit = staff.audit(
        now,
        &record.agency,
        Some(role),
        &format!("pakn_{}", wire(action)),
        record.code.to_string(),
        changes,
    );
    let step = PetitionStep {
        event,
        official: Some(official.subject.clone()),
        official_name: Some(official.name.clone()),
    };
    let written = app
        .store
        .record_petition_change(&record, &step, Some(&audit))
        .await;
    let current_view = async || load_for(&app, official, &code).await?.view(now);
    settle_write(written, current_view, ApiError::PetitionStale).await?;
    tracing::info!(code = %record.code, action = %wire(action), official = %official.subject, "petition moved");
    steps.push(step);
    Ok(Json(desk_view(&calendar, &record, &steps, &progress, now)?))
}

#[utoipa::path(get, path = "/api/can-bo/phan-anh/{code}/files/{file_id}", tag = "back-office",
    params(("code" = String, Path), ("file_id" = String, Path)),
    responses((status = 200, body = DownloadView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn download(
    State(app): State<AppState>,
    staff: Staff,
    Path((code, file_id)): Path<(String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let loaded = load_for(&app, &staff.official, &code).await?;
    let file = loaded
        .record
        .files
        .iter()
        .find(|f| f.id == file_id)
        .ok_or(ApiError::PetitionNotFound)?;
    let url = app.store.presign_download(file).await?;
    Ok(Json(DownloadView {
        url,
        expires_in_seconds: app.store.settings().link_ttl.as_secs(),
    }))
}
