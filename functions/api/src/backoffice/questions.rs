//! Questions and answers (hỏi đáp) in the back office: answered, declined,
//! published and withdrawn by the one-stop desk and the agency's leaders
//! (`Official::answers_questions_of`), each of their own agency only: to
//! anyone else a question does not exist. Lists: `unanswered` (oldest
//! first) and `unpublished` (answered, not on the site). Every move is
//! written with its audit record, under the version the official saw; a
//! question asked on the national portal has its answer sent back there,
//! and a local one is sent there once published (the outbox entry is
//! written with the move, `store::QuestionRecord::national_sync`).

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use domain::{Official, QuestionAction, QuestionOrigin, QuestionProgress};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{Answerer, QuestionQueue, QuestionRecord, QuestionStep};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use super::cases::{acting_role, list_query, named_action, settle_write, stale_error};
use crate::citizen::json_body;
use crate::error::ApiError;
use crate::petitions::wire;
use crate::questions::{
    QuestionStatusView, QuestionView, load, page_path, question_view, replay, status_view,
};
use crate::state::AppState;
use crate::views::{rfc3339, text_vi};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QuestionQueueQuery {
    /// `unanswered` (default) or `unpublished`.
    #[serde(default)]
    pub queue: Option<String>,
    /// 1–100, default 50.
    #[serde(default)]
    pub limit: Option<u16>,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionQueueItemView {
    pub code: String,
    pub title: String,
    pub about_label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_name: Option<String>,
    pub asker: String,
    /// Where it was asked: `local` or `national`.
    pub origin: String,
    pub origin_label: String,
    pub asked_at: String,
    pub asked_text: String,
    pub status: QuestionStatusView,
    /// For `unpublished`: when it was answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_at: Option<String>,
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionQueueView {
    pub queue: String,
    pub label: String,
    pub items: Vec<QuestionQueueItemView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AskerView {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    /// Asked from a signed-in account (the answer is read there).
    pub signed_in: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OriginView {
    /// `local` or `national`.
    pub kind: String,
    pub label: String,
    /// The national portal's `HOIDAPID`, for a question asked there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub national_id: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionActionView {
    /// `answer`, `publish`, `decline` or `withdraw`.
    pub key: String,
    pub label: String,
    /// Fields the action form takes: `note` (required: the answer or the reason).
    pub needs: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionDeskView {
    #[serde(flatten)]
    pub question: QuestionView,
    pub asker: AskerView,
    pub origin: OriginView,
    /// Who answered, as the answer is signed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answered_by: Option<String>,
    /// The moves open to the official now.
    pub actions: Vec<QuestionActionView>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionActionForm {
    /// `answer` (or correct the answer not yet published), `publish`, `decline` or `withdraw`.
    pub action: String,
    /// The version the official saw; a newer one answers 409 with the question as it is.
    pub version: u64,
    /// The answer (up to 10,000 characters) or the reason (up to 5,000).
    #[serde(default)]
    pub note: Option<String>,
}

fn queue_label(queue: QuestionQueue) -> &'static str {
    match queue {
        QuestionQueue::Unanswered => "Câu hỏi chờ trả lời",
        QuestionQueue::Unpublished => "Đã trả lời, chưa công khai",
    }
}

fn may_answer(official: &Official) -> Result<(), ApiError> {
    if official.answers_questions_of(&official.agency) {
        Ok(())
    } else {
        Err(ApiError::Forbidden)
    }
}

fn origin_key(origin: &QuestionOrigin) -> &'static str {
    match origin {
        QuestionOrigin::Local => "local",
        QuestionOrigin::National { .. } => "national",
    }
}

#[utoipa::path(get, path = "/api/can-bo/hoi-dap", tag = "back-office",
    params(QuestionQueueQuery),
    responses((status = 200, body = QuestionQueueView), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn queue(
    State(app): State<AppState>,
    staff: Staff,
    query: Result<Query<QuestionQueueQuery>, QueryRejection>,
) -> Result<Json<QuestionQueueView>, ApiError> {
    let query = list_query(query)?;
    let official = &staff.official;
    may_answer(official)?;
    let key = query.queue.as_deref().unwrap_or("unanswered");
    let queue = match key {
        "unanswered" => QuestionQueue::Unanswered,
        "unpublished" => QuestionQueue::Unpublished,
        other => {
            return Err(ApiError::invalid(
                "queue",
                "Danh sách chỉ nhận `unanswered` hoặc `unpublished`.",
                format!("unknown queue `{other}`"),
            ));
        }
    };
    let page = app
        .store
        .question_queue(
            &official.agency,
            queue,
            query.limit.unwrap_or(50),
            query.cursor.as_deref(),
        )
        .await?;
    let items = page
        .items
        .iter()
        .map(|r| QuestionQueueItemView {
            code: r.code.to_string(),
            title: r.title.clone(),
            about_label: r.about.label_vi().to_owned(),
            procedure_name: r.procedure_name.clone(),
            asker: r.asker.name.clone(),
            origin: origin_key(&r.origin).into(),
            origin_label: r.origin.label_vi().to_owned(),
            asked_at: rfc3339(r.asked_at),
            asked_text: text_vi(r.asked_at),
            status: status_view(r.stage),
            answered_at: r.answer.as_ref().map(|a| rfc3339(a.at)),
            version: r.version,
        })
        .collect();
    Ok(Json(QuestionQueueView {
        queue: key.to_owned(),
        label: queue_label(queue).to_owned(),
        items,
        next_cursor: page.next,
    }))
}

/// A question as the back office works on it.
struct Loaded {
    record: QuestionRecord,
    steps: Vec<QuestionStep>,
    progress: QuestionProgress,
}

/// Loads a question for an official who answers its agency's; to anyone
/// else it does not exist.
async fn load_for(app: &AppState, official: &Official, code: &str) -> Result<Loaded, ApiError> {
    let (record, steps) = load(app, code).await?;
    if !official.answers_questions_of(&record.agency) {
        return Err(ApiError::QuestionNotFound);
    }
    let progress = replay(&steps)?;
    Ok(Loaded {
        record,
        steps,
        progress,
    })
}

fn desk_view(
    record: &QuestionRecord,
    steps: &[QuestionStep],
    progress: &QuestionProgress,
) -> QuestionDeskView {
    let actions = QuestionAction::ALL
        .into_iter()
        .filter(|&a| progress.allows(a))
        .map(|action| QuestionActionView {
            key: wire(action),
            label: if action == QuestionAction::Answer && progress.stage().is_answered() {
                "Sửa câu trả lời"
            } else {
                action.label_vi()
            }
            .to_owned(),
            needs: match action {
                QuestionAction::Publish => Vec::new(),
                _ => vec!["note".into()],
            },
        })
        .collect();
    let asker = &record.asker;
    QuestionDeskView {
        question: question_view(record, progress, steps, true),
        asker: AskerView {
            name: asker.name.clone(),
            email: asker.email.as_ref().map(ToString::to_string),
            phone: asker.phone.as_ref().map(ToString::to_string),
            signed_in: record.owner.is_some(),
        },
        origin: OriginView {
            kind: origin_key(&record.origin).into(),
            label: record.origin.label_vi().to_owned(),
            national_id: match &record.origin {
                QuestionOrigin::National { id } => Some(id.to_string()),
                QuestionOrigin::Local => None,
            },
        },
        answered_by: record
            .answer
            .as_ref()
            .filter(|a| !a.official_name.is_empty())
            .map(|a| format!("{} ({})", a.official_name, a.official_title)),
        actions,
    }
}

#[utoipa::path(get, path = "/api/can-bo/hoi-dap/{code}", tag = "back-office",
    params(("code" = String, Path, description = "Question code")),
    responses((status = 200, body = QuestionDeskView), (status = 404, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn detail(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Json<QuestionDeskView>, ApiError> {
    let l = load_for(&app, &staff.official, &code).await?;
    Ok(Json(desk_view(&l.record, &l.steps, &l.progress)))
}

#[utoipa::path(post, path = "/api/can-bo/hoi-dap/{code}/actions", request_body = QuestionActionForm, tag = "back-office",
    params(("code" = String, Path, description = "Question code")),
    responses((status = 200, body = QuestionDeskView), (status = 404, body = crate::error::Problem),
        (status = 409, description = "Moved meanwhile (`HOI_DAP_DA_THAY_DOI`, with `current`) or not possible now", body = crate::error::Problem),
        (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn act(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<QuestionDeskView>, ApiError> {
    let form: QuestionActionForm = json_body(&headers, &body)?;
    let official = &staff.official;
    let Loaded {
        mut record,
        mut steps,
        mut progress,
    } = load_for(&app, official, &code).await?;
    if form.version != record.version {
        return Err(stale_error(
            desk_view(&record, &steps, &progress),
            ApiError::QuestionStale,
        )?);
    }
    let action = named_action(
        QuestionAction::ALL,
        &form.action,
        "Thao tác phải là trả lời, công khai, từ chối trả lời hoặc gỡ câu trả lời.",
    )?;
    let now = app.now();
    let before = record.stage;
    let event = progress
        .act(action, now, form.note)
        .map_err(ApiError::Question)?
        .clone();
    let role = acting_role(official);
    let step = QuestionStep {
        event,
        official: Some(Answerer {
            subject: official.subject.clone(),
            name: official.name.clone(),
            title: role.label_vi().to_owned(),
        }),
    };
    record.follow(&progress, &step);
    let audit = staff.audit(
        now,
        &record.agency,
        Some(role),
        &format!("hoi_dap_{}", wire(action)),
        record.code.to_string(),
        json!({
            "stage": [before.label_vi(), record.stage.label_vi()],
            "note": step.event.note,
            "page": record.published_at.map(|_| page_path(&record.code)),
        }),
    );
    let written = app
        .store
        .record_question_change(&record, &step, Some(&audit))
        .await;
    let current_view = async || {
        let fresh = load_for(&app, official, &code).await?;
        Ok(desk_view(&fresh.record, &fresh.steps, &fresh.progress))
    };
    settle_write(written, current_view, ApiError::QuestionStale).await?;
    tracing::info!(code = %record.code, action = %wire(action), official = %official.subject, "question moved");
    steps.push(step);
    Ok(Json(desk_view(&record, &steps, &progress)))
}
