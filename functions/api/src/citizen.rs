//! The citizen's routes: upload tickets, submission, tracking, "my
//! dossiers", supplements and downloads.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use domain::{
    Action, Actor, Applicant, Channel, DossierCode, DossierProgress, NationalStatus, OwnerType,
    ProcedureCode, ResultDelivery, Role, Stage, SubmissionError, check_online_submission, outlook,
};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use store::{DossierRecord, NewDossier, StoredFile, UploadRequest, secret_hash};

use crate::auth::{Caller, Citizen, MaybeCaller};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::*;

pub fn submission_routes() -> Router<AppState> {
    Router::new()
        .route("/api/uploads", post(create_upload))
        .route("/api/dossiers", post(submit))
        .route("/api/dossiers/{code}/supplement", post(supplement))
        .route(
            "/api/dossiers/{code}/rating",
            axum::routing::put(crate::rating::rate),
        )
        .route("/api/procedures/{code}", get(crate::portal::procedure_form))
        .route("/api/auth/config", get(crate::portal::sign_in_config))
}

pub fn tracking_routes() -> Router<AppState> {
    Router::new()
        .route("/api/dossiers/{code}", get(track))
        .route("/api/dossiers/{code}/files/{file_id}", get(download))
        .route("/api/my/dossiers", get(my_dossiers))
        .route(
            "/api/dossiers/{code}/qr.svg",
            get(crate::portal::dossier_qr),
        )
        .route("/api/dossiers/{code}/rating", get(crate::rating::rating))
        .route("/api/tra-cuu", get(crate::portal::track_page))
        .route("/api/tim-kiem", get(crate::search_page::search_page))
}

/// Header carrying the tracking secret, so it stays out of URLs and logs.
pub const TRACKING_SECRET_HEADER: &str = "x-tracking-secret";

pub(crate) fn json_body<T: DeserializeOwned>(
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<T, ApiError> {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("application/json")
        });
    if !is_json {
        return Err(ApiError::NotJson);
    }
    serde_json::from_slice(body).map_err(|e| ApiError::MalformedJson(e.to_string()))
}

pub(crate) fn status_view(stage: Stage) -> StatusView {
    let status = stage.national();
    StatusView {
        code: status.code(),
        label: status.label_vi().to_owned(),
        stage: stage.label_vi().to_owned(),
    }
}

fn actor(caller: &Caller, role: Role) -> Actor {
    Actor {
        id: caller.subject.clone(),
        role,
    }
}

#[utoipa::path(post, path = "/api/uploads", request_body = UploadForm, tag = "citizen",
    responses((status = 201, body = UploadTicketView), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn create_upload(
    State(app): State<AppState>,
    Citizen(caller): Citizen,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadTicketView>), ApiError> {
    upload_ticket(&app, &caller.subject, &headers, &body).await
}

/// An upload ticket for `owner` (a citizen, or an official scanning papers).
pub(crate) async fn upload_ticket(
    app: &AppState,
    owner: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> Result<(StatusCode, Json<UploadTicketView>), ApiError> {
    let form: UploadForm = json_body(headers, body)?;
    let request = UploadRequest {
        file_name: form.file_name,
        size: form.size,
        sha256_hex: form.sha256.to_ascii_lowercase(),
        content_type: form.content_type,
    };
    let ticket = app.store.presign_upload(owner, &request).await?;
    Ok((
        StatusCode::CREATED,
        Json(UploadTicketView {
            upload_id: ticket.upload_id,
            method: "PUT".into(),
            url: ticket.url,
            headers: ticket
                .headers
                .into_iter()
                .map(|(name, value)| HeaderView { name, value })
                .collect(),
            expires_in_seconds: ticket.expires_in_seconds,
        }),
    ))
}

pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>, ApiError> {
    let Some(value) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = value
        .to_str()
        .map_err(|_| ApiError::BadIdempotencyKey)?
        .trim();
    let ok = (1..=128).contains(&key.len())
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'));
    if ok {
        Ok(Some(key.to_owned()))
    } else {
        Err(ApiError::BadIdempotencyKey)
    }
}

pub(crate) fn applicant(form: &ApplicantForm) -> Result<Applicant, ApiError> {
    let owner_type = match form.owner_type.as_str() {
        "citizen" => OwnerType::Citizen,
        "business" => OwnerType::Business,
        _ => {
            return Err(ApiError::invalid(
                "applicant.owner_type",
                "Loại chủ hồ sơ phải là công dân hoặc doanh nghiệp.",
                "owner_type must be `citizen` or `business`",
            ));
        }
    };
    Applicant::parse(
        owner_type,
        &form.full_name,
        &form.identity_number,
        &form.phone,
        form.email.as_deref(),
        &form.address,
    )
    .map_err(|e| ApiError::invalid(e.field(), e.message_vi(), &e))
}

pub(crate) fn delivery(form: &DeliveryForm) -> Result<ResultDelivery, ApiError> {
    match (form.method.as_str(), form.address.as_deref().map(str::trim)) {
        ("at_desk", _) => Ok(ResultDelivery::AtDesk),
        ("online", _) => Ok(ResultDelivery::Online),
        ("post", Some(address)) if !address.is_empty() && address.chars().count() <= 500 => {
            Ok(ResultDelivery::Post {
                address: address.to_owned(),
            })
        }
        ("post", _) => Err(ApiError::invalid(
            "result_delivery.address",
            "Vui lòng nhập địa chỉ nhận kết quả qua bưu chính.",
            "an address is required for delivery by post",
        )),
        _ => Err(ApiError::invalid(
            "result_delivery.method",
            "Hình thức nhận kết quả phải là tại bộ phận một cửa, qua bưu chính hoặc trực tuyến.",
            "method must be `at_desk`, `post` or `online`",
        )),
    }
}

pub(crate) fn submission_error(e: SubmissionError) -> ApiError {
    match e {
        SubmissionError::NotOnline(_) => ApiError::NotOnline,
        SubmissionError::ChannelNotOffered { .. } => ApiError::ChannelNotOffered,
        SubmissionError::MissingComponent { index, name } => {
            ApiError::MissingComponent { index, name }
        }
        SubmissionError::UnknownComponent(index) => ApiError::invalid(
            format!("files[component={index}]"),
            "Thành phần hồ sơ không thuộc thủ tục này.",
            SubmissionError::UnknownComponent(index),
        ),
        other @ SubmissionError::NotUploaded { .. } => ApiError::invalid(
            "files",
            "Giấy tờ này chỉ cần xuất trình khi nhận kết quả, không cần tải lên.",
            other,
        ),
        other @ SubmissionError::NotAPaper { .. } => ApiError::invalid(
            "files",
            "Mục này là lưu ý của cơ quan, không phải giấy tờ cần tải lên.",
            other,
        ),
        other @ SubmissionError::TooManyFiles { .. } => {
            ApiError::invalid("files", "Mỗi thành phần hồ sơ nhận tối đa 10 tệp.", other)
        }
    }
}

fn file_counts(files: &[FileForm]) -> Vec<(usize, usize)> {
    files.iter().map(|f| (f.component, 1)).collect()
}

#[utoipa::path(post, path = "/api/dossiers", request_body = SubmitForm, tag = "citizen",
    params(("Idempotency-Key" = Option<String>, Header, description = "Repeats with the same key return the same dossier")),
    responses((status = 201, body = ReceiptView), (status = 200, description = "A repeat of an earlier submission", body = ReceiptView),
        (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn submit(
    State(app): State<AppState>,
    Citizen(caller): Citizen,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<ReceiptView>), ApiError> {
    let key = idempotency_key(&headers)?;
    let form: SubmitForm = json_body(&headers, &body)?;
    let code =
        ProcedureCode::parse(form.procedure_code.trim()).map_err(|_| ApiError::UnknownProcedure)?;
    let procedure = app
        .store
        .get_procedure(&code)
        .await?
        .ok_or(ApiError::UnknownProcedure)?;
    let applicant = applicant(&form.applicant)?;
    let result_delivery = delivery(&form.result_delivery)?;
    let summary = form
        .summary
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if summary.is_some_and(|s| s.chars().count() > 1000) {
        return Err(ApiError::invalid(
            "summary",
            "Trích yếu không quá 1.000 ký tự.",
            "summary is longer than 1000 characters",
        ));
    }
    check_online_submission(&procedure, &file_counts(&form.files)).map_err(submission_error)?;
    let ids: Vec<&str> = form.files.iter().map(|f| f.upload_id.as_str()).collect();
    let verified = app.store.verify_uploads(&caller.subject, &ids).await?;

    let now = app.now();
    let resolution = procedure.resolution_time(Channel::Online);
    let progress = DossierProgress::open(
        Action::SubmitOnline,
        actor(&caller, Role::Citizen),
        now,
        resolution,
        None,
    )
    .map_err(|e| ApiError::Internal(e.to_string()))?;
    let due_at = progress
        .due(&app.calendar, now)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let files = form
        .files
        .iter()
        .zip(verified)
        .map(|(f, v)| StoredFile::new(v, f.component, 0, now))
        .collect();
    let new = NewDossier {
        procedure_code: procedure.code.clone(),
        procedure_name: procedure.name.to_string(),
        agency: app.agency.clone(),
        owner: Some(caller.subject.clone()),
        channel: Channel::Online,
        applicant,
        summary: summary.unwrap_or(procedure.name.as_str()).to_owned(),
        result_delivery,
        resolution,
        due_at,
        files,
        papers: Vec::new(),
        tracking_secret: URL_SAFE_NO_PAD.encode(rand::random::<[u8; 18]>()),
        opening: progress.last_event().clone(),
        national: None,
    };
    let request_sha256 = hex::encode(Sha256::digest(&body));
    let submitted = app
        .store
        .submit(
            new,
            key.as_deref().map(|k| (k, request_sha256.as_str())),
            None,
        )
        .await?;
    let record = &submitted.record;
    if !submitted.replayed {
        app.store.mark_attached(&record.files).await?;
    }
    tracing::info!(code = %record.code, replayed = submitted.replayed, "dossier submitted");
    let appointment = record.due_at.map(|due| AppointmentView {
        at: rfc3339(due),
        text: text_vi(due),
        outlook: None,
        outlook_label: None,
    });
    let message = match record.due_at {
        Some(due) => format!(
            "Hồ sơ đã được nộp thành công với mã {}. Ngày hẹn trả kết quả dự kiến: {} (tính từ khi bộ phận một cửa tiếp nhận).",
            record.code,
            text_vi(due)
        ),
        None => format!("Hồ sơ đã được nộp thành công với mã {}.", record.code),
    };
    let status = if submitted.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(ReceiptView {
            code: record.code.to_string(),
            procedure_code: record.procedure_code.to_string(),
            procedure_name: record.procedure_name.clone(),
            received_at: rfc3339(record.received_at),
            status: status_view(record.stage),
            appointment,
            tracking_url: format!(
                "{}/tra-cuu/?ma={}#{}",
                app.public_url, record.code, submitted.tracking_secret
            ),
            tracking_secret: submitted.tracking_secret,
            message,
        }),
    ))
}

/// Whether the request may read the dossier: the owner, an official of its
/// agency, or anyone with the tracking secret. Everyone else is told the
/// dossier does not exist, exactly as for an unknown code.
/// Whether `secret` is the dossier's tracking secret.
pub(crate) fn holds_secret(record: &DossierRecord, secret: Option<&str>) -> bool {
    secret.is_some_and(|s| {
        equal_in_constant_time(
            secret_hash(s).as_bytes(),
            record.tracking_secret_sha256.as_bytes(),
        )
    })
}

/// Whether `a` and `b` are equal, in a time that depends on their length only.
pub(crate) fn equal_in_constant_time(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y)) == 0
}

/// The tracking secret a request carries (`X-Tracking-Secret`), as sent.
pub(crate) fn tracking_secret(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(TRACKING_SECRET_HEADER)
        .and_then(|v| v.to_str().ok())
}

fn may_read(record: &DossierRecord, caller: Option<&Caller>, secret: Option<&str>) -> bool {
    let by_secret = holds_secret(record, secret);
    let by_account = caller.is_some_and(|c| {
        record.owner.as_deref() == Some(c.subject.as_str()) || c.is_official_of(&record.agency)
    });
    by_secret || by_account
}

pub(crate) async fn load_readable(
    app: &AppState,
    code: &str,
    caller: Option<&Caller>,
    secret: Option<&str>,
) -> Result<(DossierRecord, DossierProgress), ApiError> {
    let code = DossierCode::parse(code.trim()).map_err(|_| ApiError::DossierNotFound)?;
    let (record, events) = app.store.load(&code).await?;
    if !may_read(&record, caller, secret) {
        return Err(ApiError::DossierNotFound);
    }
    let progress = DossierProgress::replay(record.resolution, events)
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok((record, progress))
}

pub(crate) fn track_view(
    app: &AppState,
    record: &DossierRecord,
    progress: &DossierProgress,
) -> Result<TrackView, ApiError> {
    let now = app.now();
    let stage = progress.stage();
    let internal = |e: domain::DeadlineError| ApiError::Internal(e.to_string());
    let due = progress.due(&app.calendar, now).map_err(internal)?;
    let finished = stage.national().ends_processing();
    let appointment = match due {
        Some(due) => {
            let look = if finished {
                None
            } else {
                Some(outlook(&app.calendar, due, now).map_err(internal)?)
            };
            Some(AppointmentView {
                at: rfc3339(due),
                text: text_vi(due),
                outlook: look.map(|o| {
                    serde_json::to_value(o)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default()
                }),
                outlook_label: look.map(|o| o.label_vi().to_owned()),
            })
        }
        None => None,
    };
    let last_note = |action: Action| {
        progress
            .events()
            .iter()
            .rev()
            .find(|e| e.action == action)
            .and_then(|e| e.note.clone())
    };
    let action_required = match stage {
        Stage::SupplementRequested(_) => Some(ActionRequiredView {
            kind: "supplement".into(),
            message: last_note(Action::RequestSupplement)
                .unwrap_or_else(|| "Cơ quan giải quyết yêu cầu bổ sung, hoàn thiện hồ sơ.".into()),
        }),
        Stage::AwaitingPayment(_) => Some(ActionRequiredView {
            kind: "payment".into(),
            message: last_note(Action::RequestPayment).unwrap_or_else(|| {
                "Vui lòng nộp phí, lệ phí hoặc thực hiện nghĩa vụ tài chính.".into()
            }),
        }),
        _ => None,
    };
    let result = match stage.national() {
        NationalStatus::Processed => Some(format!(
            "Đã có kết quả. {}.",
            record.result_delivery.label_vi()
        )),
        NationalStatus::Returned => Some("Đã trả kết quả.".to_owned()),
        _ => None,
    };
    Ok(TrackView {
        code: record.code.to_string(),
        procedure_code: record.procedure_code.to_string(),
        procedure_name: record.procedure_name.clone(),
        received_at: rfc3339(record.received_at),
        status: status_view(stage),
        appointment,
        action_required,
        result,
        history: progress
            .events()
            .iter()
            .map(|e| HistoryView {
                at: rfc3339(e.at),
                text: text_vi(e.at),
                action: e.action.label_vi().to_owned(),
                status: status_view(e.to),
                note: e.note.clone(),
            })
            .collect(),
        files: record.files.iter().map(FileView::from).collect(),
        result_files: returned_result(record, stage).map(FileView::from).collect(),
        version: record.version,
    })
}

/// The result papers the applicant may have: those of a returned result.
fn returned_result(record: &DossierRecord, stage: Stage) -> impl Iterator<Item = &StoredFile> {
    let returned = stage.national() == NationalStatus::Returned;
    record
        .result
        .iter()
        .filter(move |_| returned)
        .flat_map(|r| r.files.iter())
}

#[utoipa::path(get, path = "/api/dossiers/{code}", tag = "citizen",
    params(("code" = String, Path, description = "Dossier code"),
        ("X-Tracking-Secret" = Option<String>, Header, description = "The secret given at submission, when not signed in")),
    responses((status = 200, body = TrackView), (status = 404, body = crate::error::Problem)))]
pub async fn track(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path(code): Path<String>,
    headers: HeaderMap,
) -> Result<Json<TrackView>, ApiError> {
    let secret = tracking_secret(&headers);
    let (record, progress) = load_readable(&app, &code, caller.as_ref(), secret).await?;
    Ok(Json(track_view(&app, &record, &progress)?))
}

#[derive(Debug, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    limit: Option<u16>,
    #[serde(default)]
    cursor: Option<String>,
}

#[utoipa::path(get, path = "/api/my/dossiers", tag = "citizen",
    params(("limit" = Option<u16>, Query, description = "1–100, default 20"), ("cursor" = Option<String>, Query)),
    responses((status = 200, body = MyDossiersView), (status = 401, body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn my_dossiers(
    State(app): State<AppState>,
    Citizen(caller): Citizen,
    Query(page): Query<PageQuery>,
) -> Result<Json<MyDossiersView>, ApiError> {
    let result = app
        .store
        .list_by_owner(
            &caller.subject,
            page.limit.unwrap_or(20),
            page.cursor.as_deref(),
        )
        .await?;
    Ok(Json(MyDossiersView {
        items: result
            .items
            .iter()
            .map(|r| DossierSummaryView {
                code: r.code.to_string(),
                procedure_name: r.procedure_name.clone(),
                received_at: rfc3339(r.received_at),
                status: status_view(r.stage),
                appointment: r.due_at.map(rfc3339),
            })
            .collect(),
        next_cursor: result.next,
    }))
}

#[utoipa::path(post, path = "/api/dossiers/{code}/supplement", request_body = SupplementForm, tag = "citizen",
    params(("code" = String, Path)),
    responses((status = 200, body = TrackView), (status = 409, body = crate::error::Problem), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn supplement(
    State(app): State<AppState>,
    Citizen(caller): Citizen,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TrackView>, ApiError> {
    let form: SupplementForm = json_body(&headers, &body)?;
    let (mut record, mut progress) = load_readable(&app, &code, Some(&caller), None).await?;
    if record.owner.as_deref() != Some(caller.subject.as_str()) {
        return Err(ApiError::DossierNotFound);
    }
    if form.version.is_some_and(|v| v != record.version) {
        return Err(ApiError::Conflict {
            current: record.version,
        });
    }
    if !matches!(progress.stage(), Stage::SupplementRequested(_)) {
        return Err(ApiError::NotAllowed("no supplement is requested".into()));
    }
    if form.files.is_empty() {
        return Err(ApiError::invalid(
            "files",
            "Vui lòng tải lên giấy tờ bổ sung.",
            "no files",
        ));
    }
    let components = record_components(&app, &record).await?;
    if let Some(f) = form.files.iter().find(|f| f.component >= components) {
        return Err(submission_error(SubmissionError::UnknownComponent(
            f.component,
        )));
    }
    let note = form
        .note
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 1000) {
        return Err(ApiError::invalid(
            "note",
            "Ghi chú không quá 1.000 ký tự.",
            "note is longer than 1000 characters",
        ));
    }
    let ids: Vec<&str> = form.files.iter().map(|f| f.upload_id.as_str()).collect();
    let verified = app.store.verify_uploads(&caller.subject, &ids).await?;
    let now = app.now();
    let event = progress
        .act(
            &app.calendar,
            Action::ProvideSupplement,
            actor(&caller, Role::Citizen),
            now,
            note.map(str::to_owned),
        )
        .map_err(|e| ApiError::NotAllowed(e.to_string()))?
        .clone();
    let revision = record.files.iter().map(|f| f.revision).max().unwrap_or(0) + 1;
    let added: Vec<StoredFile> = form
        .files
        .iter()
        .zip(verified)
        .map(|(f, v)| StoredFile::new(v, f.component, revision, now))
        .collect();
    record.files.extend(added.iter().cloned());
    record.follow(&progress, &app.calendar, now)?;
    app.store.record_change(&record, &event, None).await?;
    app.store.mark_attached(&added).await?;
    Ok(Json(track_view(&app, &record, &progress)?))
}

async fn record_components(app: &AppState, record: &DossierRecord) -> Result<usize, ApiError> {
    let procedure = app.store.get_procedure(&record.procedure_code).await?;
    Ok(procedure.map_or(0, |p| p.components.len()))
}

#[utoipa::path(get, path = "/api/dossiers/{code}/files/{file_id}", tag = "citizen",
    params(("code" = String, Path), ("file_id" = String, Path),
        ("X-Tracking-Secret" = Option<String>, Header)),
    responses((status = 200, body = DownloadView), (status = 404, body = crate::error::Problem)))]
pub async fn download(
    State(app): State<AppState>,
    MaybeCaller(caller): MaybeCaller,
    Path((code, file_id)): Path<(String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    // Files are for the owner and the agency only; the tracking secret is not enough.
    let caller =
        caller.ok_or_else(|| ApiError::Unauthenticated("downloads need sign-in".into()))?;
    let (record, progress) = load_readable(&app, &code, Some(&caller), None).await?;
    let file = record
        .files
        .iter()
        .chain(returned_result(&record, progress.stage()))
        .find(|f| f.id == file_id)
        .ok_or(ApiError::DossierNotFound)?;
    let url = app.store.presign_download(file).await?;
    Ok(Json(DownloadView {
        url,
        expires_in_seconds: app.store.settings().link_ttl.as_secs(),
    }))
}
