//! Questions and answers (hỏi đáp), the asker's side: anyone asks about a
//! procedure or the agency, signed in or not, with a name and an e-mail
//! address or phone number (an account will do instead); they read the
//! answer with the secret given when they asked (or from the account).
//! Published answers are the site's static pages (`publish::questions`),
//! not this API's. The rules are `domain::question`'s; the views below
//! are shared with the back office (`backoffice::questions`).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use domain::{
    AgencyCode, Asker, ProcedureCode, Question, QuestionAction, QuestionCode, QuestionOrigin,
    QuestionProgress, QuestionStage, QuestionTopic,
};
use serde::{Deserialize, Serialize};
use store::{NewQuestion, QuestionRecord, QuestionStep, StoreError};
use utoipa::ToSchema;

use crate::auth::MaybeCaller;
use crate::cases::{Submission, held_by_request, new_tracking_secret, receipt_status};
use crate::citizen::{idempotency_key, json_body};
use crate::error::ApiError;
use crate::petitions::{TopicView, as_citizen, internal, wire};
use crate::state::AppState;
use crate::views::{rfc3339, text_vi};

pub fn submission_routes() -> Router<AppState> {
    Router::new().route("/api/hoi-dap", post(ask))
}

pub fn tracking_routes() -> Router<AppState> {
    Router::new().route("/api/hoi-dap/{code}", get(track))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionForm {
    pub about: QuestionTopicForm,
    /// The agency asked; by default the portal's.
    #[serde(default)]
    pub agency: Option<String>,
    /// At most 200 characters.
    pub title: String,
    /// At most 5,000 characters.
    pub question: String,
    pub contact: AskerForm,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct QuestionTopicForm {
    /// `procedure` or `agency`.
    pub kind: String,
    /// The procedure code, for `procedure`.
    #[serde(default)]
    pub code: Option<String>,
}

/// The asker: a name, and an e-mail address or a phone number to answer
/// to (neither is needed when signed in). Never published.
#[derive(Debug, Deserialize, ToSchema)]
pub struct AskerForm {
    pub full_name: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionStatusView {
    /// `asked`, `answered`, `published`, `declined` or `withdrawn`.
    pub stage: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionAnswerView {
    pub text: String,
    pub at: String,
    pub at_text: String,
    /// On the site now.
    pub published: bool,
    /// The published page's path on the site (it appears with the next
    /// publication of the site).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionHistoryView {
    pub seq: u32,
    pub at: String,
    pub text: String,
    pub action: String,
    pub status: QuestionStatusView,
    /// The answer, or the reason (back office only: the asker reads the
    /// answer and the reason above).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The official who made the move (back office only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionView {
    pub code: String,
    pub about: TopicView,
    pub title: String,
    pub question: String,
    pub asked_at: String,
    pub asked_text: String,
    pub status: QuestionStatusView,
    /// Once answered (the latest answer, corrections included).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<QuestionAnswerView>,
    /// Why the agency would not answer, if it declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
    pub history: Vec<QuestionHistoryView>,
    /// Send back with the next move; a newer version answers 409.
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct QuestionReceiptView {
    pub code: String,
    pub asked_at: String,
    pub status: QuestionStatusView,
    /// With the code, lets the asker read the answer without signing in. Shown once.
    pub tracking_secret: String,
    pub message: String,
}

/// A store error where a question was looked for.
pub(crate) fn question_store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::QuestionNotFound,
        StoreError::IdempotencyMismatch => ApiError::QuestionKeyReused,
        other => other.into(),
    }
}

pub(crate) fn status_view(stage: QuestionStage) -> QuestionStatusView {
    QuestionStatusView {
        stage: wire(stage),
        label: stage.label_vi().to_owned(),
    }
}

/// Where a published answer's page is on the site (`publish::questions`
/// writes it there).
pub fn page_path(code: &QuestionCode) -> String {
    format!("/hoi-dap/{}/", code.slug())
}

/// The question and its history.
pub(crate) async fn load(
    app: &AppState,
    code: &str,
) -> Result<(QuestionRecord, Vec<QuestionStep>), ApiError> {
    let code = QuestionCode::parse(code.trim()).map_err(|_| ApiError::QuestionNotFound)?;
    app.store
        .load_question(&code)
        .await
        .map_err(question_store_error)
}

/// Its progress, rebuilt and checked from the history.
pub(crate) fn replay(steps: &[QuestionStep]) -> Result<QuestionProgress, ApiError> {
    let events: Vec<_> = steps.iter().map(|s| s.event.clone()).collect();
    QuestionProgress::replay(&events).map_err(internal)
}

/// A question as its asker sees it; `with_officials` adds each move's
/// official and text, for the back office.
pub(crate) fn question_view(
    record: &QuestionRecord,
    progress: &QuestionProgress,
    steps: &[QuestionStep],
    with_officials: bool,
) -> QuestionView {
    let stage = progress.stage();
    let answer = progress.answer().map(|e| QuestionAnswerView {
        text: e.note.clone().unwrap_or_default(),
        at: rfc3339(e.at),
        at_text: text_vi(e.at),
        published: stage == QuestionStage::Published,
        page: (stage == QuestionStage::Published).then(|| page_path(&record.code)),
    });
    QuestionView {
        code: record.code.to_string(),
        about: TopicView {
            kind: match &record.about {
                QuestionTopic::Procedure { .. } => "procedure",
                QuestionTopic::Agency => "agency",
            }
            .into(),
            code: record.about.procedure().map(ToString::to_string),
            label: record.about.label_vi().to_owned(),
            name: record.procedure_name.clone(),
        },
        title: record.title.clone(),
        question: record.text.clone(),
        asked_at: rfc3339(record.asked_at),
        asked_text: text_vi(record.asked_at),
        status: status_view(stage),
        answer,
        decline_reason: progress.decline_reason().map(str::to_owned),
        history: steps
            .iter()
            .map(|s| {
                let e = &s.event;
                let action = match e.action {
                    None => "Đặt câu hỏi",
                    Some(QuestionAction::Answer) if progress.corrects(e.seq) => "Sửa câu trả lời",
                    Some(action) => action.label_vi(),
                };
                QuestionHistoryView {
                    seq: e.seq,
                    at: rfc3339(e.at),
                    text: text_vi(e.at),
                    action: action.to_owned(),
                    status: status_view(e.to),
                    note: e.note.clone().filter(|_| with_officials),
                    by: s
                        .official
                        .as_ref()
                        .filter(|_| with_officials)
                        .map(|o| o.name.clone()),
                }
            })
            .collect(),
        version: record.version,
    }
}

/// The checked form: the question, its agency, what the catalogue says of
/// its procedure, and the asker.
struct Checked {
    question: Question,
    agency: AgencyCode,
    procedure_name: Option<String>,
    field_code: Option<String>,
    asker: Asker,
}

async fn check_form(
    app: &AppState,
    form: &QuestionForm,
    signed_in: bool,
) -> Result<Checked, ApiError> {
    let (about, procedure_name, field_code) = match form.about.kind.as_str() {
        "procedure" => {
            let raw = form
                .about
                .code
                .as_deref()
                .map(str::trim)
                .unwrap_or_default();
            let code = ProcedureCode::parse(raw).map_err(|e| {
                ApiError::invalid("about.code", "Mã thủ tục hành chính không hợp lệ.", e)
            })?;
            let procedure = app.store.get_procedure(&code).await?.ok_or_else(|| {
                ApiError::invalid(
                    "about.code",
                    "Không tìm thấy thủ tục hành chính này.",
                    format!("no procedure {code}"),
                )
            })?;
            let field = procedure.fields.iter().find_map(|f| f.code.clone());
            (
                QuestionTopic::Procedure { code },
                Some(procedure.name.to_string()),
                field,
            )
        }
        "agency" => (QuestionTopic::Agency, None, None),
        other => {
            return Err(ApiError::invalid(
                "about.kind",
                "Vui lòng chọn câu hỏi về thủ tục hành chính hay về cơ quan, đơn vị.",
                format!("`{other}` is not procedure or agency"),
            ));
        }
    };
    let agency = match form.agency.as_deref().map(str::trim) {
        Some(raw) if !raw.is_empty() => AgencyCode::parse(raw)
            .map_err(|e| ApiError::invalid("agency", "Mã cơ quan, đơn vị không hợp lệ.", e))?,
        _ => app.agency.clone(),
    };
    let question = Question::new(about, &form.title, &form.question).map_err(ApiError::Question)?;
    let c = &form.contact;
    let asker = Asker::parse(
        &c.full_name,
        c.email.as_deref(),
        c.phone.as_deref(),
        signed_in,
    )
    .map_err(ApiError::Question)?;
    Ok(Checked {
        question,
        agency,
        procedure_name,
        field_code,
        asker,
    })
}

#[utoipa::path(post, path = "/api/hoi-dap", request_body = QuestionForm, tag = "citizen",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key return the same question")),
    responses((status = 201, body = QuestionReceiptView), (status = 200, description = "A repeat of an earlier question", body = QuestionReceiptView),
        (status = "4XX", body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn ask(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<QuestionReceiptView>), ApiError> {
    let caller = as_citizen(caller)?;
    let key = idempotency_key(&headers)?;
    let form: QuestionForm = json_body(&headers, &body)?;
    let checked = check_form(&app, &form, caller.is_some()).await?;
    if checked.agency != app.agency && app.store.get_agency(&checked.agency).await?.is_none() {
        return Err(ApiError::invalid(
            "agency",
            "Cơ quan, đơn vị này không nhận câu hỏi trên Cổng.",
            format!("agency {} is not served here", checked.agency),
        ));
    }
    let now = app.now();
    let progress = QuestionProgress::open(now);
    // Repeats without an account are told apart by the asker's contact, so
    // one asker's key never returns another's question (and its secret).
    let scope = match (&caller, &checked.asker.phone, &checked.asker.email) {
        (Some(c), _, _) => c.subject.clone(),
        (None, Some(phone), _) => format!("phone:{phone}"),
        (None, None, Some(email)) => format!("email:{email}"),
        (None, None, None) => unreachable!("Asker::parse requires a contact without an account"),
    };
    let new = NewQuestion {
        agency: checked.agency,
        question: checked.question,
        procedure_name: checked.procedure_name,
        field_code: checked.field_code,
        asker: checked.asker,
        owner: caller.as_ref().map(|c| c.subject.clone()),
        origin: QuestionOrigin::Local,
        tracking_secret: new_tracking_secret(),
        opening: progress.events()[0].clone(),
    };
    let submission = Submission::new(key, scope, &body);
    let asked = app
        .store
        .ask_question(new, submission.idempotency())
        .await
        .map_err(question_store_error)?;
    let record = &asked.record;
    tracing::info!(code = %record.code, replayed = asked.replayed, "question asked");
    let status = receipt_status(asked.replayed);
    Ok((
        status,
        Json(QuestionReceiptView {
            code: record.code.to_string(),
            asked_at: rfc3339(record.asked_at),
            status: status_view(record.stage),
            message: format!(
                "Câu hỏi của bạn đã được gửi với mã {}. Vui lòng giữ mã câu hỏi và mã tra cứu để xem câu trả lời.",
                record.code
            ),
            tracking_secret: asked.tracking_secret,
        }),
    ))
}

#[utoipa::path(get, path = "/api/hoi-dap/{code}", tag = "citizen",
    params(("code" = String, Path, description = "Question code (HD-YYMMDD-XXXXXX)"),
        ("X-Tracking-Secret" = Option<String>, Header, description = "The secret given when asking, when not signed in")),
    responses((status = 200, body = QuestionView), (status = 404, body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn track(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<QuestionView>, ApiError> {
    let caller = as_citizen(caller)?;
    let found = load(&app, &code).await?;
    let (record, steps) =
        held_by_request(found, &headers, caller.as_ref(), ApiError::QuestionNotFound)?;
    let progress = replay(&steps)?;
    Ok(Json(question_view(&record, &progress, &steps, false)))
}
