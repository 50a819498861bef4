//! Feedback and petitions (phản ánh, kiến nghị — PAKN), the sender's side:
//! anyone sends one, signed in or not, with a contact; they follow it with
//! the tracking secret given at submission (or the account it was sent
//! from), send the information the agency asks for, and ask for it to be
//! looked at again when the answer does not solve it. The rules and
//! deadlines are `domain::petition`'s; the views below are shared with the
//! back office (`backoffice::petitions`).
//!
//! Attachments follow the dossiers' upload rules, and uploads need sign-in
//! (`POST /api/uploads`), so a petition sent without signing in carries
//! text only; one with files is refused with `CAN_DANG_NHAP_DE_DINH_KEM_TEP`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDateTime;
use domain::{
    AgencyCode, DossierCode, Email, MAX_PETITION_TEXT, MAX_PETITION_TITLE, PetitionAction,
    PetitionCode, PetitionKind, PetitionProgress, PetitionStage, PetitionTopic, PhoneNumber,
    ProcedureCode, Role, WorkingCalendar,
};
use serde::{Deserialize, Serialize};
use store::{NewPetition, PetitionContact, PetitionRecord, PetitionStep, StoreError, StoredFile};
use utoipa::ToSchema;

use crate::auth::{Caller, Citizen, MaybeCaller};
use crate::cases::{Submission, held_by_request, new_tracking_secret, receipt_status};
use crate::citizen::{idempotency_key, json_body};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{ActionRequiredView, FileView, rfc3339, text_vi};

/// At most this many files with a petition, and with each answer to a question.
pub const MAX_PETITION_FILES: usize = 10;

pub fn submission_routes() -> Router<AppState> {
    Router::new()
        .route("/api/phan-anh", post(submit))
        .route("/api/phan-anh/{code}/bo-sung", post(provide_info))
        .route("/api/phan-anh/{code}/xem-xet-lai", post(reopen))
}

pub fn tracking_routes() -> Router<AppState> {
    Router::new()
        .route("/api/phan-anh", get(mine))
        .route("/api/phan-anh/bieu-mau", get(form_info))
        .route("/api/phan-anh/{code}", get(track))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PetitionForm {
    /// `feedback` (phản ánh) or `recommendation` (kiến nghị).
    pub kind: String,
    pub about: TopicForm,
    /// The agency it is addressed to; by default the dossier's agency (for
    /// a petition about a dossier) or the portal's.
    #[serde(default)]
    pub agency: Option<String>,
    /// At most 200 characters.
    pub title: String,
    /// At most 5,000 characters.
    pub content: String,
    pub contact: ContactForm,
    /// May the answer be published on the site?
    #[serde(default)]
    pub publish_consent: bool,
    /// Upload ids from `POST /api/uploads` (signed-in senders only), at most 10.
    #[serde(default)]
    pub files: Vec<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TopicForm {
    /// `procedure`, `dossier` or `agency`.
    pub kind: String,
    /// The procedure code or the dossier code.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ContactForm {
    pub full_name: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ProvideInfoForm {
    /// The information asked for.
    #[serde(default)]
    pub note: Option<String>,
    /// Upload ids (signed-in senders only), at most 10.
    #[serde(default)]
    pub files: Vec<String>,
    /// The version the sender saw; a newer one answers 409.
    #[serde(default)]
    pub version: Option<u64>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReopenForm {
    /// Why the answer does not solve it.
    pub reason: String,
    #[serde(default)]
    pub version: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionStatusView {
    /// `received`, `info_requested`, `refused` or `answered`.
    pub stage: String,
    pub label: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DeadlineView {
    pub at: String,
    pub text: String,
}

/// The deadlines that apply now; the others are left out.
#[derive(Debug, Default, Serialize, ToSchema)]
pub struct PetitionDeadlinesView {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refuse_by: Option<DeadlineView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ask_by: Option<DeadlineView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_by: Option<DeadlineView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publish_by: Option<DeadlineView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reopen_until: Option<DeadlineView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TopicView {
    /// `procedure`, `dossier` or `agency`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub label: String,
    /// The procedure's name, when it is about one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionAnswerView {
    pub text: String,
    pub at: String,
    pub at_text: String,
    /// On the site already.
    pub published: bool,
    /// Its page on the site, once published (the page appears with the
    /// site's next publication, within minutes).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionHistoryView {
    pub seq: u32,
    pub at: String,
    pub text: String,
    pub action: String,
    pub status: PetitionStatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The official who made the move (back office only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionView {
    pub code: String,
    /// `feedback` or `recommendation`.
    pub kind: String,
    pub kind_label: String,
    pub about: TopicView,
    pub title: String,
    pub content: String,
    pub received_at: String,
    pub status: PetitionStatusView,
    pub deadlines: PetitionDeadlinesView,
    /// What the agency waits for from the sender.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_required: Option<ActionRequiredView>,
    /// The latest answer, once answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<PetitionAnswerView>,
    /// Why it was refused, if it was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refusal_reason: Option<String>,
    /// Whether the sender may ask now for it to be looked at again.
    pub may_reopen: bool,
    /// 1, plus one per reopening.
    pub rounds: u32,
    pub history: Vec<PetitionHistoryView>,
    pub files: Vec<FileView>,
    /// Send back with the next move; a newer version answers 409.
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionReceiptView {
    pub code: String,
    pub received_at: String,
    pub status: PetitionStatusView,
    pub deadlines: PetitionDeadlinesView,
    /// With the code, lets the sender follow it without signing in. Shown once.
    pub tracking_secret: String,
    pub message: String,
}

/// An agency the sender may address a petition to.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyOptionView {
    pub code: String,
    pub name: String,
}

/// What the petition page needs to build its form.
#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionFormView {
    /// The agencies of the directory; `default_agency` first.
    pub agencies: Vec<AgencyOptionView>,
    /// Where a petition about a procedure or the portal goes by default.
    pub default_agency: String,
    pub max_title: usize,
    pub max_text: usize,
    /// Files: sent only from a signed-in account, as for dossiers.
    pub max_files: usize,
    pub file_types: Vec<String>,
    pub max_file_bytes: u64,
    pub max_dossier_bytes: u64,
    /// Working days: to refuse, to ask for information, to answer.
    pub refuse_within: u32,
    pub ask_within: u32,
    pub answer_within: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PetitionSummaryView {
    pub code: String,
    pub kind_label: String,
    pub title: String,
    pub about_label: String,
    pub received_at: String,
    pub received_text: String,
    pub status: PetitionStatusView,
    /// While the agency owes the answer: when it is due.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer_by: Option<DeadlineView>,
    /// The agency waits for the sender's information.
    pub waits_for_you: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyPetitionsView {
    pub items: Vec<PetitionSummaryView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct MineQuery {
    #[serde(default)]
    limit: Option<u16>,
    #[serde(default)]
    cursor: Option<String>,
}

pub(crate) fn wire<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// A store error where a petition was looked for: "not found" is the
/// petition's, a lost race is the caller's stale view.
pub(crate) fn petition_store_error(e: StoreError) -> ApiError {
    match e {
        StoreError::NotFound => ApiError::PetitionNotFound,
        StoreError::IdempotencyMismatch => ApiError::PetitionKeyReused,
        other => other.into(),
    }
}

pub(crate) fn status_view(stage: PetitionStage) -> PetitionStatusView {
    PetitionStatusView {
        stage: wire(stage),
        label: stage.label_vi().to_owned(),
    }
}

pub(crate) fn deadline(at: NaiveDateTime) -> DeadlineView {
    DeadlineView {
        at: rfc3339(at),
        text: text_vi(at),
    }
}

/// The working calendar of the petition's agency (one `GetItem`).
pub(crate) async fn agency_calendar(
    app: &AppState,
    agency: &AgencyCode,
) -> Result<Arc<WorkingCalendar>, ApiError> {
    let profile = app.store.get_agency(agency).await?;
    app.calendar_of(profile.as_ref())
}

/// The petition and its progress, rebuilt and checked from its history.
pub(crate) async fn load(
    app: &AppState,
    code: &str,
) -> Result<(PetitionRecord, Vec<PetitionStep>), ApiError> {
    let code = PetitionCode::parse(code.trim()).map_err(|_| ApiError::PetitionNotFound)?;
    app.store
        .load_petition(&code)
        .await
        .map_err(petition_store_error)
}

pub(crate) fn replay(
    calendar: &WorkingCalendar,
    record: &PetitionRecord,
    steps: &[PetitionStep],
) -> Result<PetitionProgress, ApiError> {
    let events: Vec<_> = steps.iter().map(|s| s.event.clone()).collect();
    PetitionProgress::replay(calendar, record.publish_consent, &events).map_err(internal)
}

/// Checks a text against the petition cap; `None` when blank.
pub(crate) fn clean_text(
    raw: Option<&str>,
    field: &str,
    max: usize,
) -> Result<Option<String>, ApiError> {
    let text = raw.map(str::trim).filter(|t| !t.is_empty());
    if text.is_some_and(|t| t.chars().count() > max) {
        return Err(ApiError::invalid(
            field,
            format!("Nội dung không quá {} ký tự.", thousands(max)),
            format!("{field} is longer than {max} characters"),
        ));
    }
    Ok(text.map(str::to_owned))
}

/// 5000 → "5.000", as Vietnamese writes numbers.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// A petition as its sender sees it; `with_officials` adds who made each
/// move, for the back office.
pub(crate) fn petition_view(
    calendar: &WorkingCalendar,
    record: &PetitionRecord,
    progress: &PetitionProgress,
    steps: &[PetitionStep],
    now: NaiveDateTime,
    with_officials: bool,
) -> Result<PetitionView, ApiError> {
    let d = progress.deadlines(calendar, now).map_err(internal)?;
    let stage = progress.stage();
    let mut deadlines = PetitionDeadlinesView::default();
    match stage {
        PetitionStage::Received => {
            deadlines.refuse_by = Some(deadline(d.refuse_by));
            deadlines.ask_by = Some(deadline(d.ask_by));
            deadlines.answer_by = Some(deadline(d.answer_by));
        }
        PetitionStage::Answered => {
            if !progress.is_published() {
                deadlines.publish_by = d.publish_by.map(deadline);
            }
            deadlines.reopen_until = d.reopen_until.map(deadline);
        }
        // Waiting on the sender, the answer's due time moves every day;
        // refused, none is left.
        PetitionStage::InfoRequested | PetitionStage::Refused => {}
    }
    let last_note = |action: PetitionAction| {
        progress
            .events()
            .iter()
            .rev()
            .find(|e| e.action == Some(action))
    };
    let action_required = (stage == PetitionStage::InfoRequested).then(|| ActionRequiredView {
        kind: "provide_info".into(),
        message: last_note(PetitionAction::RequestInfo)
            .and_then(|e| e.note.clone())
            .unwrap_or_else(|| "Cơ quan đề nghị bổ sung thông tin.".into()),
    });
    let answer = (stage == PetitionStage::Answered)
        .then(|| last_note(PetitionAction::Answer))
        .flatten()
        .map(|e| PetitionAnswerView {
            text: e.note.clone().unwrap_or_default(),
            at: rfc3339(e.at),
            at_text: text_vi(e.at),
            published: progress.is_published(),
            page: progress
                .is_published()
                .then(|| store::published_petition_path(&record.code)),
        });
    let refusal_reason = (stage == PetitionStage::Refused)
        .then(|| last_note(PetitionAction::Refuse).and_then(|e| e.note.clone()))
        .flatten();
    let may_reopen =
        stage == PetitionStage::Answered && d.reopen_until.is_some_and(|until| now <= until);
    let (about_code, about_name) = match &record.about {
        PetitionTopic::Procedure { code } => {
            (Some(code.to_string()), record.procedure_name.clone())
        }
        PetitionTopic::Dossier { code } => (Some(code.to_string()), None),
        PetitionTopic::Agency => (None, None),
    };
    Ok(PetitionView {
        code: record.code.to_string(),
        kind: wire(record.kind),
        kind_label: record.kind.label_vi().to_owned(),
        about: TopicView {
            kind: match &record.about {
                PetitionTopic::Procedure { .. } => "procedure",
                PetitionTopic::Dossier { .. } => "dossier",
                PetitionTopic::Agency => "agency",
            }
            .into(),
            code: about_code,
            label: record.about.label_vi().to_owned(),
            name: about_name,
        },
        title: record.title.clone(),
        content: record.content.clone(),
        received_at: rfc3339(record.received_at),
        status: status_view(stage),
        deadlines,
        action_required,
        answer,
        refusal_reason,
        may_reopen,
        rounds: progress.rounds(),
        history: steps
            .iter()
            .map(|s| {
                let e = &s.event;
                PetitionHistoryView {
                    seq: e.seq,
                    at: rfc3339(e.at),
                    text: text_vi(e.at),
                    action: e
                        .action
                        .map_or("Tiếp nhận phản ánh, kiến nghị", PetitionAction::label_vi)
                        .to_owned(),
                    status: status_view(e.to),
                    note: e.note.clone(),
                    by: if with_officials {
                        s.official_name.clone().or_else(|| s.official.clone())
                    } else {
                        None
                    },
                }
            })
            .collect(),
        files: record.files.iter().map(FileView::from).collect(),
        version: record.version,
    })
}

/// The checked content of a petition form.
struct Checked {
    kind: PetitionKind,
    about: PetitionTopic,
    procedure_name: Option<String>,
    agency: AgencyCode,
    title: String,
    content: String,
    contact: PetitionContact,
}

async fn check_form(app: &AppState, form: &PetitionForm) -> Result<Checked, ApiError> {
    let kind = match form.kind.as_str() {
        "feedback" => PetitionKind::Feedback,
        "recommendation" => PetitionKind::Recommendation,
        other => {
            return Err(ApiError::invalid(
                "kind",
                "Vui lòng chọn gửi phản ánh hoặc kiến nghị.",
                format!("`{other}` is not feedback or recommendation"),
            ));
        }
    };
    let code = form
        .about
        .code
        .as_deref()
        .map(str::trim)
        .unwrap_or_default();
    let mut procedure_name = None;
    let about = match form.about.kind.as_str() {
        "procedure" => {
            let code = ProcedureCode::parse(code).map_err(|e| {
                ApiError::invalid("about.code", "Mã thủ tục hành chính không hợp lệ.", e)
            })?;
            let procedure = app.store.get_procedure(&code).await?.ok_or_else(|| {
                ApiError::invalid(
                    "about.code",
                    "Không tìm thấy thủ tục hành chính này.",
                    format!("no procedure {code}"),
                )
            })?;
            procedure_name = Some(procedure.name.to_string());
            PetitionTopic::Procedure { code }
        }
        "dossier" => PetitionTopic::Dossier {
            code: DossierCode::parse(&code.to_ascii_uppercase()).map_err(|e| {
                ApiError::invalid(
                    "about.code",
                    "Mã hồ sơ không hợp lệ (ví dụ: 000.00.01.H29-260310-0420).",
                    e,
                )
            })?,
        },
        "agency" => PetitionTopic::Agency,
        other => {
            return Err(ApiError::invalid(
                "about.kind",
                "Vui lòng chọn phản ánh, kiến nghị về thủ tục, hồ sơ hay cơ quan.",
                format!("`{other}` is not procedure, dossier or agency"),
            ));
        }
    };
    let agency = match (form.agency.as_deref().map(str::trim), &about) {
        (Some(raw), _) if !raw.is_empty() => AgencyCode::parse(raw)
            .map_err(|e| ApiError::invalid("agency", "Mã cơ quan, đơn vị không hợp lệ.", e))?,
        (_, PetitionTopic::Dossier { code }) => code.agency(),
        _ => app.agency.clone(),
    };
    let title = clean_text(Some(&form.title), "title", MAX_PETITION_TITLE)?.ok_or_else(|| {
        ApiError::invalid(
            "title",
            "Vui lòng nhập tiêu đề phản ánh, kiến nghị.",
            "no title",
        )
    })?;
    let content =
        clean_text(Some(&form.content), "content", MAX_PETITION_TEXT)?.ok_or_else(|| {
            ApiError::invalid(
                "content",
                "Vui lòng nhập nội dung phản ánh, kiến nghị.",
                "no content",
            )
        })?;
    let c = &form.contact;
    let name = c.full_name.trim();
    if name.is_empty() || name.chars().count() > 200 {
        return Err(ApiError::invalid(
            "contact.full_name",
            "Họ và tên không được để trống và không quá 200 ký tự.",
            "name empty or too long",
        ));
    }
    let phone = PhoneNumber::parse(&c.phone)
        .map_err(|e| ApiError::invalid("contact.phone", e.message_vi(), &e))?;
    let email = c
        .email
        .as_deref()
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .map(Email::parse)
        .transpose()
        .map_err(|e| ApiError::invalid("contact.email", e.message_vi(), &e))?;
    let address = clean_text(c.address.as_deref(), "contact.address", 500)?;
    Ok(Checked {
        kind,
        about,
        procedure_name,
        agency,
        title,
        content,
        contact: PetitionContact {
            name: name.to_owned(),
            phone,
            email,
            address,
        },
    })
}

/// Files go with a petition only from a signed-in sender, whose uploads they are.
async fn verified_files(
    app: &AppState,
    caller: Option<&Caller>,
    ids: &[String],
    revision: u32,
    now: NaiveDateTime,
) -> Result<Vec<StoredFile>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let caller = caller.ok_or(ApiError::PetitionFilesNeedSignIn)?;
    if ids.len() > MAX_PETITION_FILES {
        return Err(ApiError::invalid(
            "files",
            format!("Đính kèm tối đa {MAX_PETITION_FILES} tệp."),
            format!("{} files", ids.len()),
        ));
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let verified = app.store.verify_uploads(&caller.subject, &ids).await?;
    Ok(verified
        .into_iter()
        .map(|v| StoredFile::new(v, 0, revision, now))
        .collect())
}

/// A signed-in caller sends and follows as a citizen, never as an official.
pub(crate) fn as_citizen(caller: Option<Caller>) -> Result<Option<Caller>, ApiError> {
    match caller {
        Some(c) if !c.has(Role::Citizen) => Err(ApiError::Forbidden),
        other => Ok(other),
    }
}

#[utoipa::path(post, path = "/api/phan-anh", request_body = PetitionForm, tag = "citizen",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key return the same petition")),
    responses((status = 201, body = PetitionReceiptView), (status = 200, description = "A repeat of an earlier submission", body = PetitionReceiptView),
        (status = "4XX", body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn submit(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<PetitionReceiptView>), ApiError> {
    let caller = as_citizen(caller)?;
    let key = idempotency_key(&headers)?;
    let form: PetitionForm = json_body(&headers, &body)?;
    let checked = check_form(&app, &form).await?;
    let profile = app.store.get_agency(&checked.agency).await?;
    if profile.is_none() && checked.agency != app.agency {
        return Err(ApiError::invalid(
            "agency",
            "Cơ quan, đơn vị này không tiếp nhận phản ánh, kiến nghị trên Cổng.",
            format!("agency {} is not served here", checked.agency),
        ));
    }
    let calendar = app.calendar_of(profile.as_ref())?;
    let now = app.now();
    let files = verified_files(&app, caller.as_ref(), &form.files, 0, now).await?;
    let progress = PetitionProgress::open(now, form.publish_consent);
    let deadlines = progress.deadlines(&calendar, now).map_err(internal)?;
    // Anonymous repeats are told apart by the sender's phone number, so one
    // sender's key never returns another's petition (and its secret).
    let scope = match &caller {
        Some(c) => c.subject.clone(),
        None => format!("phone:{}", checked.contact.phone),
    };
    let new = NewPetition {
        agency: checked.agency,
        kind: checked.kind,
        about: checked.about,
        procedure_name: checked.procedure_name,
        title: checked.title,
        content: checked.content,
        contact: checked.contact,
        owner: caller.as_ref().map(|c| c.subject.clone()),
        files,
        publish_consent: form.publish_consent,
        tracking_secret: new_tracking_secret(),
        opening: progress.events()[0].clone(),
        answer_by: deadlines.answer_by,
        national: None,
    };
    let submission = Submission::new(key, scope, &body);
    let submitted = app
        .store
        .submit_petition(new, submission.idempotency())
        .await
        .map_err(petition_store_error)?;
    let record = &submitted.record;
    if !submitted.replayed {
        app.store.mark_attached(&record.files).await?;
    }
    tracing::info!(code = %record.code, replayed = submitted.replayed, "petition received");
    let d = PetitionProgress::open(record.received_at, record.publish_consent)
        .deadlines(&calendar, record.received_at)
        .map_err(internal)?;
    let status = receipt_status(submitted.replayed);
    Ok((
        status,
        Json(PetitionReceiptView {
            code: record.code.to_string(),
            received_at: rfc3339(record.received_at),
            status: status_view(record.stage),
            deadlines: PetitionDeadlinesView {
                refuse_by: Some(deadline(d.refuse_by)),
                ask_by: Some(deadline(d.ask_by)),
                answer_by: Some(deadline(d.answer_by)),
                ..Default::default()
            },
            message: format!(
                "{} của bạn đã được gửi với mã {}. Cơ quan sẽ trả lời chậm nhất vào {}. Vui lòng giữ mã phản ánh và mã tra cứu để theo dõi.",
                record.kind.label_vi(),
                record.code,
                text_vi(d.answer_by)
            ),
            tracking_secret: submitted.tracking_secret,
        }),
    ))
}

#[utoipa::path(get, path = "/api/phan-anh/{code}", tag = "citizen",
    params(("code" = String, Path, description = "Petition code (PAKN-YYMMDD-XXXXXX)"),
        ("X-Tracking-Secret" = Option<String>, Header, description = "The secret given at submission, when not signed in")),
    responses((status = 200, body = PetitionView), (status = 404, body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn track(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<PetitionView>, ApiError> {
    let caller = as_citizen(caller)?;
    let found = load(&app, &code).await?;
    let (record, steps) =
        held_by_request(found, &headers, caller.as_ref(), ApiError::PetitionNotFound)?;
    let calendar = agency_calendar(&app, &record.agency).await?;
    let progress = replay(&calendar, &record, &steps)?;
    Ok(Json(petition_view(
        &calendar,
        &record,
        &progress,
        &steps,
        app.now(),
        false,
    )?))
}

#[utoipa::path(get, path = "/api/phan-anh/bieu-mau", tag = "citizen",
    responses((status = 200, body = PetitionFormView)))]
pub async fn form_info(State(app): State<AppState>) -> Result<Json<PetitionFormView>, ApiError> {
    let mut agencies: Vec<AgencyOptionView> = app
        .store
        .list_agencies()
        .await?
        .into_iter()
        .map(|a| AgencyOptionView {
            code: a.code.to_string(),
            name: a.name,
        })
        .collect();
    let default = app.agency.to_string();
    match agencies.iter().position(|a| a.code == default) {
        Some(i) => {
            let first = agencies.remove(i);
            agencies.insert(0, first);
        }
        None => agencies.insert(
            0,
            AgencyOptionView {
                code: default.clone(),
                name: default.clone(),
            },
        ),
    }
    let limits = &app.store.settings().limits;
    Ok(Json(PetitionFormView {
        agencies,
        default_agency: default,
        max_title: MAX_PETITION_TITLE,
        max_text: MAX_PETITION_TEXT,
        max_files: MAX_PETITION_FILES,
        file_types: store::FileKind::ALL
            .iter()
            .map(|k| k.mime().to_owned())
            .collect(),
        max_file_bytes: limits.max_file_bytes,
        max_dossier_bytes: limits.max_dossier_bytes,
        refuse_within: domain::REFUSE_WITHIN,
        ask_within: domain::ASK_WITHIN,
        answer_within: domain::ANSWER_WITHIN,
    }))
}

#[utoipa::path(get, path = "/api/phan-anh", tag = "citizen",
    params(("limit" = Option<u16>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = MyPetitionsView), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn mine(
    State(app): State<AppState>,
    Citizen(caller): Citizen,
    Query(page): Query<MineQuery>,
) -> Result<Json<MyPetitionsView>, ApiError> {
    let found = app
        .store
        .petitions_by_owner(
            &caller.subject,
            page.limit.unwrap_or(20),
            page.cursor.as_deref(),
        )
        .await?;
    Ok(Json(MyPetitionsView {
        items: found
            .items
            .iter()
            .map(|r| PetitionSummaryView {
                code: r.code.to_string(),
                kind_label: r.kind.label_vi().to_owned(),
                title: r.title.clone(),
                about_label: r.about.label_vi().to_owned(),
                received_at: rfc3339(r.received_at),
                received_text: text_vi(r.received_at),
                status: status_view(r.stage),
                answer_by: (r.stage == PetitionStage::Received).then(|| deadline(r.answer_by)),
                waits_for_you: r.stage == PetitionStage::InfoRequested,
            })
            .collect(),
        next_cursor: found.next,
    }))
}

/// What the sender does: the move, its text and files, and the version seen.
struct SenderMove<'a> {
    action: PetitionAction,
    note: Option<String>,
    files: &'a [String],
    version: Option<u64>,
}

/// A move of the sender's: checks the version they saw, makes the move
/// under the rules, writes it, and answers with the petition as it is now
/// (or, when someone moved first, with that state in a 409).
async fn sender_moves(
    app: &AppState,
    code: &str,
    caller: Option<Caller>,
    headers: &HeaderMap,
    step: SenderMove<'_>,
) -> Result<Json<PetitionView>, ApiError> {
    let SenderMove {
        action,
        note,
        files: file_ids,
        version,
    } = step;
    let caller = as_citizen(caller)?;
    let found = load(app, code).await?;
    let (mut record, steps) =
        held_by_request(found, headers, caller.as_ref(), ApiError::PetitionNotFound)?;
    let calendar = agency_calendar(app, &record.agency).await?;
    let mut progress = replay(&calendar, &record, &steps)?;
    let now = app.now();
    let stale = |record: &PetitionRecord, progress: &PetitionProgress, steps: &[PetitionStep]| {
        let view = petition_view(&calendar, record, progress, steps, now, false)?;
        Ok::<_, ApiError>(ApiError::PetitionStale(Box::new(
            serde_json::to_value(view).map_err(internal)?,
        )))
    };
    if version.is_some_and(|v| v != record.version) {
        return Err(stale(&record, &progress, &steps)?);
    }
    let revision = record.files.iter().map(|f| f.revision).max().unwrap_or(0) + 1;
    let added = verified_files(app, caller.as_ref(), file_ids, revision, now).await?;
    let event = progress
        .act(&calendar, action, now, note)
        .map_err(ApiError::Petition)?
        .clone();
    record.files.extend(added.iter().cloned());
    record.follow(&progress, &calendar, now)?;
    let step = PetitionStep {
        event,
        official: None,
        official_name: None,
    };
    match app.store.record_petition_change(&record, &step, None).await {
        Ok(()) => {}
        Err(StoreError::Conflict { .. }) => {
            let (fresh, fresh_steps) = load(app, code).await?;
            let fresh_progress = replay(&calendar, &fresh, &fresh_steps)?;
            return Err(stale(&fresh, &fresh_progress, &fresh_steps)?);
        }
        Err(e) => return Err(e.into()),
    }
    app.store.mark_attached(&added).await?;
    tracing::info!(code = %record.code, action = %wire(action), "petition moved by its sender");
    let mut steps = steps;
    steps.push(step);
    Ok(Json(petition_view(
        &calendar, &record, &progress, &steps, now, false,
    )?))
}

#[utoipa::path(post, path = "/api/phan-anh/{code}/bo-sung", request_body = ProvideInfoForm, tag = "citizen",
    params(("code" = String, Path), ("X-Tracking-Secret" = Option<String>, Header)),
    responses((status = 200, body = PetitionView), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = "4XX", body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn provide_info(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PetitionView>, ApiError> {
    let form: ProvideInfoForm = json_body(&headers, &body)?;
    let note = clean_text(form.note.as_deref(), "note", MAX_PETITION_TEXT)?;
    if note.is_none() && form.files.is_empty() {
        return Err(ApiError::invalid(
            "note",
            "Vui lòng nhập thông tin bổ sung hoặc đính kèm tệp.",
            "neither a note nor files",
        ));
    }
    let step = SenderMove {
        action: PetitionAction::ProvideInfo,
        note,
        files: &form.files,
        version: form.version,
    };
    sender_moves(&app, &code, caller, &headers, step).await
}

#[utoipa::path(post, path = "/api/phan-anh/{code}/xem-xet-lai", request_body = ReopenForm, tag = "citizen",
    params(("code" = String, Path), ("X-Tracking-Secret" = Option<String>, Header)),
    responses((status = 200, body = PetitionView), (status = 404, body = crate::error::Problem),
        (status = 409, body = crate::error::Problem), (status = "4XX", body = crate::error::Problem)),
    security((), ("bearer" = [])))]
pub async fn reopen(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<PetitionView>, ApiError> {
    let form: ReopenForm = json_body(&headers, &body)?;
    let reason = clean_text(Some(&form.reason), "reason", MAX_PETITION_TEXT)?;
    if reason.is_none() {
        return Err(ApiError::invalid(
            "reason",
            "Vui lòng nêu lý do đề nghị xem xét lại.",
            "no reason",
        ));
    }
    let step = SenderMove {
        action: PetitionAction::Reopen,
        note: reason,
        files: &[],
        version: form.version,
    };
    sender_moves(&app, &code, caller, &headers, step).await
}
