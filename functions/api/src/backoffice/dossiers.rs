//! Queues, a dossier's desk view, the actions on it, and receipt at the counter.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    Action, Actor, AgencyProfile, Channel, DepartmentId, DossierCode, DossierProgress, Official,
    Outlook, Procedure, ProcedureCode, Queue, Role, WorkingCalendar, at_risk_until,
    check_paper_receipt,
};
use serde_json::json;
use sha2::{Digest, Sha256};
use store::{DossierRecord, DossierResult, HandedPaper, NewDossier, QueueFilter, StoredFile};

use super::Staff;
use super::views::*;
use crate::citizen::{
    applicant, delivery, idempotency_key, json_body, status_view, submission_error, upload_ticket,
};
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{DownloadView, UploadTicketView, rfc3339, text_vi};

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

/// The queue's name in URLs.
pub(super) fn queue_key(queue: &Queue) -> String {
    match queue {
        Queue::Desk => "desk".into(),
        Queue::Applicant => "applicant".into(),
        Queue::Department(d) => format!("department:{d}"),
        Queue::Approval(d) => format!("approval:{d}"),
        Queue::Official(subject) => format!("official:{subject}"),
    }
}

fn parse_queue(key: &str, official: &Official) -> Result<Queue, ApiError> {
    let bad = || ApiError::invalid("queue", "Hàng đợi không hợp lệ.", key);
    let department = |id: &str| DepartmentId::parse(id).map_err(|_| bad());
    Ok(match key.split_once(':') {
        None if key == "desk" => Queue::Desk,
        None if key == "applicant" => Queue::Applicant,
        None if key == "mine" => Queue::Official(official.subject.clone()),
        Some(("department", id)) => Queue::Department(department(id)?),
        Some(("approval", id)) => Queue::Approval(department(id)?),
        Some(("official", subject)) if !subject.is_empty() => Queue::Official(subject.into()),
        _ => return Err(bad()),
    })
}

fn outlook_key(o: Outlook) -> &'static str {
    match o {
        Outlook::OnTrack => "on_track",
        Outlook::DueSoon => "due_soon",
        Outlook::Overdue => "overdue",
    }
}

/// How an open dossier stands: overdue, due within 2 working days, or on track.
fn standing(
    calendar: &WorkingCalendar,
    record: &DossierRecord,
    now: NaiveDateTime,
) -> Result<Option<&'static str>, ApiError> {
    let Some(due) = record.due_at.filter(|_| record.finished.is_none()) else {
        return Ok(None);
    };
    if now > due {
        return Ok(Some(outlook_key(Outlook::Overdue)));
    }
    let soon = at_risk_until(calendar, now).map_err(internal)?;
    Ok(Some(outlook_key(if due < soon {
        Outlook::DueSoon
    } else {
        Outlook::OnTrack
    })))
}

fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::InPerson => "Trực tiếp",
        Channel::Online => "Trực tuyến",
        Channel::Post => "Bưu chính",
    }
}

fn queue_item(
    calendar: &WorkingCalendar,
    record: &DossierRecord,
    now: NaiveDateTime,
) -> Result<QueueItemView, ApiError> {
    Ok(QueueItemView {
        code: record.code.to_string(),
        procedure_code: record.procedure_code.to_string(),
        procedure_name: record.procedure_name.clone(),
        applicant_name: record.applicant.full_name.clone(),
        channel: channel_label(record.channel).into(),
        received_at: rfc3339(record.received_at),
        status: status_view(record.stage),
        due_at: record.due_at.map(rfc3339),
        due_text: record.due_at.map(text_vi),
        outlook: standing(calendar, record, now)?,
        department: record.department.as_ref().map(ToString::to_string),
        assignee: record.assignee.clone(),
        version: record.version,
    })
}

/// The agency's profile and calendar.
async fn agency_context(
    app: &AppState,
    official: &Official,
) -> Result<(Option<AgencyProfile>, std::sync::Arc<WorkingCalendar>), ApiError> {
    let profile = app.store.get_agency(&official.agency).await?;
    let calendar = app.calendar_of(profile.as_ref())?;
    Ok((profile, calendar))
}

pub async fn me(State(app): State<AppState>, staff: Staff) -> Result<Json<MeView>, ApiError> {
    let official = &staff.official;
    let (profile, calendar) = agency_context(&app, official).await?;
    let now = app.now();
    let soon = at_risk_until(&calendar, now).map_err(internal)?;
    let mut queues = Vec::new();
    for queue in official.own_queues() {
        let store = &app.store;
        let (total, overdue, at_risk) = tokio::try_join!(
            store.queue_count(&official.agency, &queue, None),
            store.queue_count(&official.agency, &queue, Some(now)),
            store.queue_count(&official.agency, &queue, Some(soon)),
        )?;
        queues.push(QueueSummaryView {
            key: queue_key(&queue),
            label: queue.label_vi(),
            total,
            overdue,
            at_risk,
        });
    }
    let mut sections = Vec::new();
    if official.handles_dossiers_of(&official.agency) {
        sections.push("queues");
    }
    if official.has(Role::Desk) {
        sections.push("counter");
    }
    if official.supervises(&official.agency) || official.has(Role::Desk) {
        sections.push("register");
    }
    if official.supervises(&official.agency) {
        sections.push("supervision");
    }
    if official.reads_scorecard_of(&official.agency) {
        sections.push("scorecard");
    }
    if official.administers(&official.agency) {
        sections.push("admin");
    }
    if official.handles_petitions_of(&official.agency) {
        sections.push("petitions");
    }
    if official.answers_questions_of(&official.agency) {
        sections.push("questions");
    }
    Ok(Json(MeView {
        subject: official.subject.clone(),
        name: official.name.clone(),
        agency: official.agency.to_string(),
        agency_name: profile.map(|p| p.name),
        department: official.department.as_ref().map(ToString::to_string),
        roles: official
            .roles
            .iter()
            .map(|r| RoleView {
                key: r.key(),
                label: r.label_vi(),
            })
            .collect(),
        queues,
        sections,
    }))
}

pub async fn queue(
    State(app): State<AppState>,
    staff: Staff,
    Path(key): Path<String>,
    Query(query): Query<QueueQuery>,
) -> Result<Json<QueuePageView>, ApiError> {
    let official = &staff.official;
    let queue = parse_queue(&key, official)?;
    if !official.handles_dossiers_of(&official.agency) || !official.may_open(&queue) {
        return Err(ApiError::Forbidden);
    }
    let (_, calendar) = agency_context(&app, official).await?;
    let now = app.now();
    let due_before = match query.due.as_deref() {
        None | Some("") => None,
        Some("overdue") => Some(now),
        Some("at_risk") => Some(at_risk_until(&calendar, now).map_err(internal)?),
        Some(other) => {
            return Err(ApiError::invalid(
                "due",
                "Bộ lọc hạn xử lý chỉ nhận `overdue` hoặc `at_risk`.",
                other,
            ));
        }
    };
    let filter = QueueFilter {
        due_before,
        status: super::status_filter(query.status)?,
        procedure: super::procedure_filter(query.procedure.as_deref())?,
    };
    let page = app
        .store
        .queue_page(
            &official.agency,
            &queue,
            &filter,
            query.limit.unwrap_or(50),
            query.cursor.as_deref(),
        )
        .await?;
    Ok(Json(QueuePageView {
        queue: queue_key(&queue),
        label: queue.label_vi(),
        items: page
            .items
            .iter()
            .map(|r| queue_item(&calendar, r, now))
            .collect::<Result<_, _>>()?,
        next_cursor: page.next,
    }))
}

/// Loads a dossier for an official of its agency; to anyone else it does not exist.
pub(super) async fn load_for(
    app: &AppState,
    official: &Official,
    code: &str,
) -> Result<(DossierRecord, DossierProgress), ApiError> {
    let code = DossierCode::parse(code.trim()).map_err(|_| ApiError::DossierNotFound)?;
    let (record, events) = app.store.load(&code).await?;
    if !official.handles_dossiers_of(&record.agency) {
        return Err(ApiError::DossierNotFound);
    }
    let progress = DossierProgress::replay(record.resolution, events).map_err(internal)?;
    Ok((record, progress))
}

/// What each action's form must carry.
fn needs(action: Action) -> Vec<&'static str> {
    match action {
        Action::AssignDepartment => vec!["to_department", "note"],
        Action::AssignSpecialist => vec!["to_specialist", "note"],
        Action::RefuseIntake | Action::RequestSupplement => vec!["reasons", "note"],
        Action::Extend { .. } => vec!["new_due", "note"],
        Action::Approve => vec!["result", "note"],
        Action::ReturnResult => vec!["delivery", "note"],
        _ => vec!["note"],
    }
}

/// The printable forms of a dossier at this point of its history.
fn forms_for(progress: &DossierProgress) -> Vec<OptionView> {
    let happened = |action: Action| progress.events().iter().any(|e| e.action == action);
    let extended = progress
        .events()
        .iter()
        .any(|e| matches!(e.action, Action::Extend { .. }));
    let mut forms = Vec::new();
    let mut add = |key: &str, label: &str| {
        forms.push(OptionView {
            value: key.into(),
            label: label.into(),
        })
    };
    let received = domain::reception(progress.events()).is_some();
    if received {
        add("mau-01", "Mẫu 01 — Giấy tiếp nhận và hẹn trả kết quả");
    }
    if happened(Action::RequestSupplement) {
        add("mau-02", "Mẫu 02 — Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ");
    }
    if happened(Action::RefuseIntake) {
        add("mau-03", "Mẫu 03 — Phiếu từ chối tiếp nhận");
    }
    if extended {
        add(
            "mau-04",
            "Mẫu 04 — Phiếu xin lỗi và hẹn lại ngày trả kết quả",
        );
    }
    if received {
        add("mau-05", "Mẫu 05 — Phiếu kiểm soát quá trình giải quyết");
    }
    forms
}

pub(super) async fn desk_view(
    app: &AppState,
    official: &Official,
    calendar: &WorkingCalendar,
    record: &DossierRecord,
    progress: &DossierProgress,
) -> Result<DossierDeskView, ApiError> {
    let now = app.now();
    let procedure = app.store.get_procedure(&record.procedure_code).await?;
    let component_name = |i: usize| {
        procedure
            .as_ref()
            .and_then(|p| p.components.get(i))
            .map(|c| c.name.clone())
            .unwrap_or_else(|| format!("Thành phần {}", i + 1))
    };
    let available = official.available_actions(
        record.stage,
        record.department.as_ref(),
        record.assignee.as_deref(),
    );
    let wants = |field: &str| available.iter().any(|&a| needs(a).contains(&field));
    let departments = if wants("to_department") {
        app.store
            .list_departments(&official.agency)
            .await?
            .into_iter()
            .map(|d| OptionView {
                value: d.id.to_string(),
                label: d.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let specialists = match (&record.department, wants("to_specialist")) {
        (Some(department), true) => app
            .store
            .list_officials(&official.agency)
            .await?
            .into_iter()
            .filter(|o| o.has(Role::Specialist) && o.department.as_ref() == Some(department))
            .map(|o| OptionView {
                value: o.subject,
                label: o.name,
            })
            .collect(),
        _ => Vec::new(),
    };
    let mut files: Vec<DeskFileView> = record
        .files
        .iter()
        .map(|f| DeskFileView {
            id: f.id.clone(),
            component: f.component,
            component_name: component_name(f.component),
            file_name: f.file_name.clone(),
            size: f.size,
            revision: f.revision,
            source: "applicant",
        })
        .collect();
    if let Some(result) = &record.result {
        files.extend(result.files.iter().map(|f| DeskFileView {
            id: f.id.clone(),
            component: f.component,
            component_name: format!("Kết quả {}", result.number),
            file_name: f.file_name.clone(),
            size: f.size,
            revision: f.revision,
            source: "result",
        }));
    }
    Ok(DossierDeskView {
        code: record.code.to_string(),
        procedure_code: record.procedure_code.to_string(),
        procedure_name: record.procedure_name.clone(),
        summary: record.summary.clone(),
        channel: channel_label(record.channel).into(),
        applicant: serde_json::to_value(&record.applicant).map_err(internal)?,
        result_delivery: record.result_delivery.label_vi().to_string(),
        received_at: rfc3339(record.received_at),
        status: status_view(record.stage),
        due_at: record.due_at.map(rfc3339),
        due_text: record.due_at.map(text_vi),
        outlook: standing(calendar, record, now)?,
        department: record.department.as_ref().map(ToString::to_string),
        assignee: record.assignee.clone(),
        result_number: record.result.as_ref().map(|r| r.number.clone()),
        timeliness: record.finished.map(|f| f.timeliness.label_vi().to_owned()),
        history: progress
            .events()
            .iter()
            .map(|e| EventView {
                seq: e.seq,
                at: rfc3339(e.at),
                text: text_vi(e.at),
                action: e.action.label_vi().to_owned(),
                actor: e.actor.id.clone(),
                role: e.actor.role.label_vi().to_owned(),
                status: status_view(e.to),
                note: e.note.clone(),
                handed_to: e.handed_to.clone(),
            })
            .collect(),
        files,
        actions: available
            .iter()
            .map(|&a| ActionView {
                key: a.key(),
                label: a.verb_vi(),
                needs: needs(a),
            })
            .collect(),
        forms: forms_for(progress),
        departments,
        specialists,
        version: record.version,
    })
}

pub async fn detail(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
) -> Result<Json<DossierDeskView>, ApiError> {
    let (record, progress) = load_for(&app, &staff.official, &code).await?;
    let (_, calendar) = agency_context(&app, &staff.official).await?;
    Ok(Json(
        desk_view(&app, &staff.official, &calendar, &record, &progress).await?,
    ))
}

fn refused(message_vi: &str, detail: impl ToString) -> ApiError {
    ApiError::Refused {
        message_vi: message_vi.into(),
        detail: detail.to_string(),
    }
}

fn clean_note(note: Option<&str>) -> Result<Option<String>, ApiError> {
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(ApiError::invalid(
            "note",
            "Ghi chú không quá 2.000 ký tự.",
            "note is longer than 2000 characters",
        ));
    }
    Ok(note.map(str::to_owned))
}

/// A new appointment: `YYYY-MM-DD` (at the close of office hours) or `YYYY-MM-DDTHH:MM`.
fn parse_new_due(raw: Option<&str>, calendar: &WorkingCalendar) -> Result<NaiveDateTime, ApiError> {
    let raw = raw.map(str::trim).unwrap_or_default();
    let bad = || {
        ApiError::invalid(
            "new_due",
            "Vui lòng nhập ngày hẹn mới (ngày/tháng/năm).",
            format!("`{raw}` is not YYYY-MM-DD or YYYY-MM-DDTHH:MM"),
        )
    };
    if let Ok(day) = NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        return Ok(day.and_time(calendar.office_hours().closing()));
    }
    NaiveDateTime::parse_from_str(raw, "%Y-%m-%dT%H:%M").map_err(|_| bad())
}

fn return_note(delivery: Option<&str>) -> Result<&'static str, ApiError> {
    Ok(match delivery.unwrap_or_default() {
        "at_desk" => "Trả kết quả tại bộ phận một cửa",
        "post" => "Trả kết quả qua dịch vụ bưu chính công ích",
        "online" => "Trả kết quả điện tử trên Cổng dịch vụ công",
        other => {
            return Err(ApiError::invalid(
                "delivery",
                "Vui lòng chọn hình thức trả kết quả.",
                format!("`{other}` is not at_desk, post or online"),
            ));
        }
    })
}

pub async fn act(
    State(app): State<AppState>,
    staff: Staff,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<DossierDeskView>, ApiError> {
    let form: ActionForm = json_body(&headers, &body)?;
    let official = &staff.official;
    let (mut record, mut progress) = load_for(&app, official, &code).await?;
    let (_, calendar) = agency_context(&app, official).await?;
    if form.version != record.version {
        let fresh = desk_view(&app, official, &calendar, &record, &progress).await?;
        return Err(ApiError::Stale(Box::new(
            serde_json::to_value(fresh).map_err(internal)?,
        )));
    }
    let action = Action::OFFERED
        .into_iter()
        .find(|a| a.key() == form.action)
        .ok_or_else(|| {
            ApiError::invalid(
                "action",
                "Thao tác không hợp lệ.",
                format!("unknown action `{}`", form.action),
            )
        })?;
    let action = match action {
        Action::Extend { .. } => Action::Extend {
            new_due: parse_new_due(form.new_due.as_deref(), &calendar)?,
        },
        other => other,
    };
    let stage = progress.stage();
    let role = official
        .acting_role(
            stage,
            action,
            record.department.as_ref(),
            record.assignee.as_deref(),
        )
        .ok_or_else(|| {
            refused(
                &format!(
                    "Không thể “{}” với hồ sơ đang ở bước “{}” bằng tài khoản của bạn.",
                    action.verb_vi(),
                    stage.label_vi()
                ),
                format!("{action:?} on {stage:?} by {:?}", official.roles),
            )
        })?;

    let mut note = clean_note(form.note.as_deref())?;
    let reasons: Vec<String> = form
        .reasons
        .iter()
        .map(|r| r.trim())
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    let mut handed_to = None;
    let mut result = None;
    match action {
        Action::RefuseIntake | Action::RequestSupplement => {
            if reasons.is_empty() {
                let what = if action == Action::RefuseIntake {
                    "Vui lòng nêu lý do từ chối tiếp nhận."
                } else {
                    "Vui lòng nêu giấy tờ cần bổ sung, hoàn thiện."
                };
                return Err(ApiError::invalid("reasons", what, "no reasons"));
            }
            if reasons.len() > 30 || reasons.iter().any(|r| r.chars().count() > 500) {
                return Err(ApiError::invalid(
                    "reasons",
                    "Tối đa 30 nội dung, mỗi nội dung không quá 500 ký tự.",
                    "too many or too long reasons",
                ));
            }
            // The applicant reads the list as the request; the note follows it.
            let mut text = reasons.join("\n");
            if let Some(extra) = &note {
                text = format!("{text}\n{extra}");
            }
            note = Some(text);
        }
        Action::Extend { .. } | Action::Stop | Action::RequestPayment if note.is_none() => {
            return Err(ApiError::invalid(
                "note",
                "Vui lòng nêu lý do (nội dung này được gửi cho công dân).",
                "a reason is required",
            ));
        }
        Action::AssignDepartment => {
            let department = match form.to.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
                Some(to) => DepartmentId::parse(to)
                    .map_err(|e| ApiError::invalid("to", "Phòng chuyên môn không hợp lệ.", e))?,
                None => {
                    // The route names the department: its first step, or the next one.
                    let route = app
                        .store
                        .get_route(&official.agency, &record.procedure_code)
                        .await?;
                    let step = route.as_ref().and_then(|r| match &record.department {
                        Some(current) => r.next_after(current.as_str()),
                        None => Some(r.first()),
                    });
                    step.map(|s| s.department.clone()).ok_or_else(|| {
                        ApiError::invalid(
                            "to",
                            "Vui lòng chọn phòng chuyên môn xử lý.",
                            "no department given and none on the route",
                        )
                    })?
                }
            };
            let known = app
                .store
                .list_departments(&official.agency)
                .await?
                .iter()
                .any(|d| d.id == department);
            if !known {
                return Err(ApiError::invalid(
                    "to",
                    "Phòng chuyên môn không thuộc đơn vị.",
                    format!("no department {department}"),
                ));
            }
            handed_to = Some(department.to_string());
        }
        Action::AssignSpecialist => {
            let to = form.to.as_deref().map(str::trim).unwrap_or_default();
            let specialist = app.store.get_official(to).await?;
            let fits = specialist.as_ref().is_some_and(|s| {
                s.has(Role::Specialist)
                    && s.agency == official.agency
                    && s.department == record.department
            });
            if !fits {
                return Err(ApiError::invalid(
                    "to",
                    "Vui lòng chọn chuyên viên của phòng đang xử lý hồ sơ.",
                    format!("`{to}` is not an active specialist of the department"),
                ));
            }
            handed_to = Some(to.to_owned());
        }
        Action::Approve => {
            let number = form
                .result_number
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty() && n.chars().count() <= 100)
                .ok_or_else(|| {
                    ApiError::invalid(
                        "result_number",
                        "Vui lòng nhập số, ký hiệu của văn bản kết quả (tối đa 100 ký tự).",
                        "no result number",
                    )
                })?;
            let ids: Vec<&str> = form.result_files.iter().map(String::as_str).collect();
            let verified = app.store.verify_uploads(&official.subject, &ids).await?;
            let now = app.now();
            result = Some(DossierResult {
                number: number.to_owned(),
                files: verified
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| StoredFile::new(v, i, 0, now))
                    .collect(),
                recorded_at: now,
                recorded_by: official.subject.clone(),
            });
        }
        Action::ReturnResult => {
            let how = return_note(form.delivery.as_deref())?;
            note = Some(match note {
                Some(extra) => format!("{how}. {extra}"),
                None => how.to_owned(),
            });
        }
        _ => {}
    }

    let now = app.now();
    let before = (
        record.stage,
        record.department.clone(),
        record.assignee.clone(),
        record.due_at,
    );
    let actor = Actor {
        id: official.subject.clone(),
        role,
    };
    let moved = match handed_to {
        Some(to) => progress.hand_over(&calendar, action, actor, now, note, to),
        None => progress.act(&calendar, action, actor, now, note),
    };
    let event = moved
        .map_err(|e| {
            refused(
                "Thao tác này không thực hiện được ở trạng thái hiện tại của hồ sơ.",
                e,
            )
        })?
        .clone();
    if let Some(result) = &result {
        record.result = Some(result.clone());
    }
    record.follow(&progress, &calendar, now)?;
    let changes = json!({
        "stage": [before.0.label_vi(), record.stage.label_vi()],
        "status": [before.0.national().code(), record.status.code()],
        "department": [before.1, record.department],
        "assignee": [before.2, record.assignee],
        "due_at": [before.3, record.due_at],
        "note": event.note,
        "result_number": result.as_ref().map(|r| r.number.clone()),
    });
    let audit = staff.audit(
        now,
        &record.agency,
        Some(role),
        action.key(),
        record.code.to_string(),
        changes,
    );
    match app.store.record_change(&record, &event, Some(&audit)).await {
        Ok(()) => {}
        Err(store::StoreError::Conflict { .. }) => {
            // Someone acted first: answer with the dossier as it now is.
            let (fresh, fresh_progress) = load_for(&app, official, &code).await?;
            let view = desk_view(&app, official, &calendar, &fresh, &fresh_progress).await?;
            return Err(ApiError::Stale(Box::new(
                serde_json::to_value(view).map_err(internal)?,
            )));
        }
        Err(e) => return Err(e.into()),
    }
    if let Some(result) = &record.result
        && action == Action::Approve
    {
        app.store.mark_attached(&result.files).await?;
    }
    tracing::info!(code = %record.code, action = action.key(), official = %official.subject, "dossier moved");
    Ok(Json(
        desk_view(&app, official, &calendar, &record, &progress).await?,
    ))
}

pub async fn create_upload(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<UploadTicketView>), ApiError> {
    if !staff.official.handles_dossiers_of(&staff.official.agency) {
        return Err(ApiError::Forbidden);
    }
    upload_ticket(&app, &staff.official.subject, &headers, &body).await
}

pub async fn download(
    State(app): State<AppState>,
    staff: Staff,
    Path((code, file_id)): Path<(String, String)>,
) -> Result<Json<DownloadView>, ApiError> {
    let (record, _) = load_for(&app, &staff.official, &code).await?;
    let file = record
        .all_files()
        .find(|f| f.id == file_id)
        .ok_or(ApiError::DossierNotFound)?;
    let url = app.store.presign_download(file).await?;
    Ok(Json(DownloadView {
        url,
        expires_in_seconds: app.store.settings().link_ttl.as_secs(),
    }))
}

fn counter_channel(raw: Option<&str>) -> Result<Channel, ApiError> {
    match raw.unwrap_or("counter") {
        "counter" => Ok(Channel::InPerson),
        "post" => Ok(Channel::Post),
        other => Err(ApiError::invalid(
            "channel",
            "Hình thức nhận hồ sơ chỉ là tại quầy hoặc qua bưu chính.",
            format!("`{other}` is not counter or post"),
        )),
    }
}

fn check_papers(
    procedure: &Procedure,
    channel: Channel,
    form: &CounterForm,
) -> Result<(), ApiError> {
    if form.papers.is_empty() {
        return Err(ApiError::invalid(
            "papers",
            "Vui lòng ghi nhận các giấy tờ công dân đã nộp.",
            "no papers",
        ));
    }
    if let Some(p) = form
        .papers
        .iter()
        .find(|p| p.originals + p.copies == 0 || p.originals + p.copies > 100)
    {
        return Err(ApiError::invalid(
            format!("papers[component={}]", p.component),
            "Số bản chính và bản sao của mỗi giấy tờ phải từ 1 đến 100.",
            "paper count out of range",
        ));
    }
    let counts: Vec<(usize, u32)> = form
        .papers
        .iter()
        .map(|p| (p.component, p.originals + p.copies))
        .collect();
    check_paper_receipt(procedure, channel, &counts).map_err(submission_error)?;
    if let Some(f) = form
        .files
        .iter()
        .find(|f| f.component >= procedure.components.len())
    {
        return Err(submission_error(domain::SubmissionError::UnknownComponent(
            f.component,
        )));
    }
    Ok(())
}

/// Receipt at the counter (or of a dossier sent by post): the official
/// enters the applicant and the papers, attaches the scans, and the dossier
/// is received at once (status 2) with its code and Mẫu 01.
pub async fn receive_at_counter(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<CounterReceiptView>), ApiError> {
    let official = &staff.official;
    if !official.has(Role::Desk) {
        return Err(ApiError::Forbidden);
    }
    let key = idempotency_key(&headers)?;
    let form: CounterForm = json_body(&headers, &body)?;
    let channel = counter_channel(form.channel.as_deref())?;
    let code =
        ProcedureCode::parse(form.procedure_code.trim()).map_err(|_| ApiError::UnknownProcedure)?;
    let procedure = app
        .store
        .get_procedure(&code)
        .await?
        .ok_or(ApiError::UnknownProcedure)?;
    let applicant = applicant(&form.applicant)?;
    let result_delivery = delivery(&form.result_delivery)?;
    check_papers(&procedure, channel, &form)?;
    let summary = clean_note(form.summary.as_deref())?;
    let ids: Vec<&str> = form.files.iter().map(|f| f.upload_id.as_str()).collect();
    let verified = app.store.verify_uploads(&official.subject, &ids).await?;
    let (_, calendar) = agency_context(&app, official).await?;

    let now = app.now();
    let resolution = procedure.resolution_time(channel);
    let actor = Actor {
        id: official.subject.clone(),
        role: Role::Desk,
    };
    let progress = DossierProgress::open(Action::ReceiveAtDesk, actor, now, resolution, None)
        .map_err(internal)?;
    let due_at = progress.due(&calendar, now).map_err(internal)?;
    let files = form
        .files
        .iter()
        .zip(verified)
        .map(|(f, v)| StoredFile::new(v, f.component, 0, now))
        .collect();
    let new = NewDossier {
        procedure_code: procedure.code.clone(),
        procedure_name: procedure.name.to_string(),
        agency: official.agency.clone(),
        owner: None,
        channel,
        applicant,
        summary: summary.unwrap_or_else(|| procedure.name.to_string()),
        result_delivery,
        resolution,
        due_at,
        files,
        papers: form
            .papers
            .iter()
            .map(|p| HandedPaper {
                component: p.component,
                originals: p.originals,
                copies: p.copies,
            })
            .collect(),
        tracking_secret: URL_SAFE_NO_PAD.encode(rand::random::<[u8; 18]>()),
        opening: progress.last_event().clone(),
        national: None,
    };
    let audit = staff.audit(
        now,
        &official.agency,
        Some(Role::Desk),
        Action::ReceiveAtDesk.key(),
        String::new(),
        json!({ "procedure": procedure.code.to_string(), "channel": channel.code() }),
    );
    // Repeats are scoped to the official: the key of one desk is not another's.
    let scoped_key = key.map(|k| format!("desk:{}:{k}", store::secret_hash(&official.subject)));
    let request_sha256 = hex::encode(Sha256::digest(&body));
    let submitted = app
        .store
        .submit(
            new,
            scoped_key.as_deref().map(|k| (k, request_sha256.as_str())),
            Some(&audit),
        )
        .await?;
    let record = &submitted.record;
    if !submitted.replayed {
        app.store.mark_attached(&record.files).await?;
    }
    tracing::info!(code = %record.code, official = %official.subject, "dossier received at the counter");
    let (record, progress) = load_for(&app, official, record.code.as_str()).await?;
    let view = desk_view(&app, official, &calendar, &record, &progress).await?;
    let status = if submitted.replayed {
        StatusCode::OK
    } else {
        StatusCode::CREATED
    };
    Ok((
        status,
        Json(CounterReceiptView {
            receipt_form: format!("/api/can-bo/dossiers/{}/forms/mau-01", record.code),
            tracking_url: format!(
                "{}/tra-cuu/?ma={}#{}",
                app.public_url, record.code, submitted.tracking_secret
            ),
            tracking_secret: submitted.tracking_secret,
            dossier: view,
        }),
    ))
}
