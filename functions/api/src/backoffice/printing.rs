//! The printed forms of a dossier (Mẫu 01–05) and the agency's register
//! (Mẫu 06), filled from the stored dossier, its history and the agency.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use domain::{
    Action, AgencyProfile, Channel, DossierProgress, Event, Fees, Official, Procedure, Role,
};
use forms::{
    Apology, ControlSheet, DossierLine, HandOver, Issuer, Paper, ReceiptSlip, Refusal, Register,
    RegisterRow, SupplementRequest, Tracking,
};
use serde::Deserialize;
use store::DossierRecord;

use super::Staff;
use crate::citizen::{holds_secret, tracking_secret};
use crate::error::ApiError;
use crate::state::AppState;

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn not_set_up() -> ApiError {
    ApiError::Refused {
        message_vi: "Đơn vị chưa khai báo thông tin (tên, bộ phận một cửa, địa danh) nên chưa in được biểu mẫu; vui lòng liên hệ quản trị đơn vị.".into(),
        detail: "the agency has no profile".into(),
    }
}

fn issuer(profile: &AgencyProfile) -> Issuer {
    Issuer {
        parent_name: profile.parent_name.clone(),
        agency_name: profile.name.clone(),
        desk_name: profile.desk_name.clone(),
        place: profile.place.clone(),
        phone: profile.phone.clone(),
    }
}

fn dossier_line(record: &DossierRecord) -> DossierLine {
    DossierLine {
        code: record.code.to_string(),
        procedure_code: record.procedure_code.to_string(),
        procedure_name: record.procedure_name.clone(),
        request: record.summary.clone(),
        applicant: (&record.applicant).into(),
    }
}

fn fees_text(procedure: Option<&Procedure>, channel: Channel) -> String {
    let fees = procedure.and_then(|p| p.channel(channel)).map(|c| &c.fees);
    match fees {
        Some(Fees::Free) => "Miễn phí".into(),
        Some(Fees::Charged(list)) => list
            .iter()
            .map(|f| {
                let amount = f
                    .amount
                    .map(|m| m.to_string())
                    .or_else(|| f.description.clone())
                    .unwrap_or_else(|| "theo quy định".into());
                format!("{}: {amount}", f.kind.label_vi())
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => "Theo quy định".into(),
    }
}

/// Officials' and departments' names, to print people and units, not ids.
struct Names {
    officials: HashMap<String, String>,
    departments: HashMap<String, String>,
    desk: String,
}

impl Names {
    async fn load(app: &AppState, profile: &AgencyProfile) -> Result<Self, ApiError> {
        let (officials, departments) = tokio::try_join!(
            app.store.list_officials(&profile.code),
            app.store.list_departments(&profile.code),
        )?;
        Ok(Names {
            officials: officials.into_iter().map(|o| (o.subject, o.name)).collect(),
            departments: departments
                .into_iter()
                .map(|d| (d.id.to_string(), d.name))
                .collect(),
            desk: profile.desk_name.clone(),
        })
    }

    fn person(&self, subject: &str) -> String {
        self.officials
            .get(subject)
            .cloned()
            .unwrap_or_else(|| subject.to_owned())
    }

    fn department(&self, id: Option<&str>) -> String {
        id.map(|id| {
            self.departments
                .get(id)
                .cloned()
                .unwrap_or_else(|| id.to_owned())
        })
        .unwrap_or_else(|| self.desk.clone())
    }
}

fn last(progress: &DossierProgress, wanted: fn(Action) -> bool) -> Option<&Event> {
    progress.events().iter().rev().find(|e| wanted(e.action))
}

fn lines(note: Option<&str>) -> Vec<String> {
    note.unwrap_or_default()
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// The Mẫu 05 lines: every move after the opening, from whom to whom.
fn hand_overs(progress: &DossierProgress, names: &Names) -> Vec<HandOver> {
    let mut department: Option<String> = None;
    let mut rows = Vec::new();
    for e in progress.events() {
        let from_unit = match e.actor.role {
            Role::Specialist | Role::DepartmentHead => names.department(department.as_deref()),
            Role::Citizen => "Công dân, tổ chức".into(),
            _ => names.desk.clone(),
        };
        if e.action == Action::AssignDepartment {
            department = e.handed_to.clone();
        }
        if e.from.is_none() {
            continue;
        }
        let to_person = match e.action {
            Action::AssignSpecialist => names.person(e.handed_to.as_deref().unwrap_or_default()),
            _ => String::new(),
        };
        let to_unit = match e.to.holder() {
            Some(domain::Holder::Desk) | None => names.desk.clone(),
            Some(domain::Holder::Applicant) => "Công dân, tổ chức".into(),
            Some(_) => names.department(department.as_deref()),
        };
        rows.push(HandOver {
            from_unit,
            from_person: names.person(&e.actor.id),
            to_unit,
            to_person,
            at: e.at,
            outcome: None,
            note: Some(match &e.note {
                Some(note) => format!("{}: {note}", e.action.label_vi()),
                None => e.action.label_vi().to_owned(),
            }),
        });
    }
    rows
}

pub async fn form(
    State(app): State<AppState>,
    staff: Staff,
    Path((code, form)): Path<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let (record, progress) = super::dossiers::load_for(&app, &staff.official, &code).await?;
    // Mẫu 01 printed at receipt carries the tracking secret the desk was
    // just given (the store keeps only its digest); a reprint cannot.
    let secret = tracking_secret(&headers)
        .map(str::trim)
        .filter(|s| !s.is_empty());
    if secret.is_some() && !holds_secret(&record, secret) {
        return Err(ApiError::Invalid {
            field: "X-Tracking-Secret".into(),
            message_vi: "Mã tra cứu không đúng với hồ sơ này.".into(),
            detail: "the tracking secret is not this dossier's".into(),
        });
    }
    let profile = app
        .store
        .get_agency(&record.agency)
        .await?
        .ok_or_else(not_set_up)?;
    let names = Names::load(&app, &profile).await?;
    let html = render(&app, &form, &record, &progress, &profile, &names, secret).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-store"),
        ],
        html,
    )
        .into_response())
}

fn no_such_form(form: &str) -> ApiError {
    ApiError::Refused {
        message_vi: "Hồ sơ chưa có biểu mẫu này (chưa có thao tác tương ứng).".into(),
        detail: format!("no {form} for this dossier"),
    }
}

async fn render(
    app: &AppState,
    form: &str,
    record: &DossierRecord,
    progress: &DossierProgress,
    profile: &AgencyProfile,
    names: &Names,
    tracking_secret: Option<&str>,
) -> Result<String, ApiError> {
    let calendar = &*app.calendar_of(Some(profile))?;
    let issuer = issuer(profile);
    let dossier = dossier_line(record);
    let html = match form {
        "mau-01" => {
            let procedure = app.store.get_procedure(&record.procedure_code).await?;
            let component = |i: usize| {
                procedure
                    .as_ref()
                    .and_then(|p| p.components.get(i))
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| format!("Thành phần {}", i + 1))
            };
            let papers = if record.papers.is_empty() {
                // Online: one electronic copy per component uploaded.
                let mut seen: Vec<usize> = record.files.iter().map(|f| f.component).collect();
                seen.sort_unstable();
                seen.dedup();
                seen.into_iter()
                    .map(|i| Paper {
                        name: format!("{} (bản điện tử)", component(i)),
                        originals: 0,
                        copies: 1,
                    })
                    .collect()
            } else {
                record
                    .papers
                    .iter()
                    .map(|p| Paper {
                        name: component(p.component),
                        originals: p.originals,
                        copies: p.copies,
                    })
                    .collect()
            };
            let received =
                domain::reception(progress.events()).ok_or_else(|| no_such_form(form))?;
            ReceiptSlip {
                issuer,
                dossier,
                papers,
                sets: 1,
                resolution_time: record
                    .resolution
                    .map(|r| r.to_string())
                    .unwrap_or_else(|| "Theo quy định của thủ tục".into()),
                received_at: received.at,
                appointment: record.due_at,
                delivery: record.result_delivery.label_vi().to_string(),
                fees: fees_text(procedure.as_ref(), record.channel),
                register_book: format!("Sổ theo dõi hồ sơ năm {}", record.received_at.format("%Y")),
                register_line: record.code.sequence(),
                officer: names.person(&received.actor.id),
                tracking: Tracking {
                    page: format!("{}/tra-cuu/", app.public_url),
                    secret: tracking_secret.map(str::to_owned),
                },
            }
            .to_html()
        }
        "mau-02" => {
            let e = last(progress, |a| a == Action::RequestSupplement)
                .ok_or_else(|| no_such_form(form))?;
            SupplementRequest {
                issuer,
                dossier,
                received_at: record.received_at,
                items: lines(e.note.as_deref()),
                reason: "Hồ sơ chưa đầy đủ, hợp lệ theo quy định".into(),
                officer: names.person(&e.actor.id),
                issued_at: e.at,
            }
            .to_html()
        }
        "mau-03" => {
            let e =
                last(progress, |a| a == Action::RefuseIntake).ok_or_else(|| no_such_form(form))?;
            Refusal {
                issuer,
                dossier,
                reasons: lines(e.note.as_deref()),
                officer: names.person(&e.actor.id),
                issued_at: e.at,
            }
            .to_html()
        }
        "mau-04" => {
            let e = last(progress, |a| matches!(a, Action::Extend { .. }))
                .ok_or_else(|| no_such_form(form))?;
            let Action::Extend { new_due } = e.action else {
                return Err(no_such_form(form));
            };
            let clock = progress.clock().ok_or_else(|| no_such_form(form))?;
            Apology {
                issuer,
                dossier,
                received_at: record.received_at,
                due: clock
                    .due_without_extensions(calendar, e.at)
                    .map_err(internal)?,
                reason: e.note.clone().unwrap_or_default(),
                new_due,
                signer: names.person(&e.actor.id),
                issued_at: e.at,
            }
            .to_html()
        }
        "mau-05" => ControlSheet {
            issuer,
            dossier,
            processing_units: progress
                .events()
                .iter()
                .filter(|e| e.action == Action::AssignDepartment)
                .map(|e| names.department(e.handed_to.as_deref()))
                .collect(),
            coordinating_units: Vec::new(),
            hand_overs: hand_overs(progress, names),
        }
        .to_html(),
        other => {
            return Err(ApiError::invalid(
                "form",
                "Biểu mẫu không hợp lệ (mau-01 … mau-05).",
                format!("unknown form `{other}`"),
            ));
        }
    };
    html.map_err(internal)
}

#[derive(Debug, Deserialize)]
pub struct RegisterQuery {
    pub from: String,
    pub to: String,
    /// `json` (default), `csv` or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    #[serde(default)]
    pub status: Option<u8>,
    #[serde(default)]
    pub procedure: Option<String>,
}

pub(super) fn period(from: &str, to: &str) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let day = |field: &str, raw: &str| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|e| {
            ApiError::invalid(field, "Ngày phải theo dạng năm-tháng-ngày (YYYY-MM-DD).", e)
        })
    };
    let (from, to) = (day("from", from)?, day("to", to)?);
    if to < from || (to - from).num_days() > 366 {
        return Err(ApiError::invalid(
            "to",
            "Khoảng thời gian phải từ 1 ngày đến 1 năm, ngày kết thúc không trước ngày bắt đầu.",
            format!("{from} – {to}"),
        ));
    }
    Ok((from, to))
}

fn may_read_register(official: &Official) -> bool {
    official.supervises(&official.agency)
        || (official.has(Role::Desk) && official.handles_dossiers_of(&official.agency))
}

pub async fn register(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<RegisterQuery>,
) -> Result<Response, ApiError> {
    let official = &staff.official;
    if !may_read_register(official) {
        return Err(ApiError::Forbidden);
    }
    let (from, to) = period(&query.from, &query.to)?;
    let status = super::status_filter(query.status)?;
    let procedure = super::procedure_filter(query.procedure.as_deref())?;
    let profile = app.store.get_agency(&official.agency).await?;
    let names = match &profile {
        Some(p) => Some(Names::load(&app, p).await?),
        None => None,
    };
    let records = app.store.register(&official.agency, from, to).await?;
    let rows: Vec<RegisterRow> = records
        .iter()
        .filter(|r| status.is_none_or(|s| r.status == s))
        .filter(|r| procedure.as_ref().is_none_or(|p| &r.procedure_code == p))
        .map(|r| register_row(r, names.as_ref()))
        .collect();
    let register = Register {
        agency_name: profile
            .as_ref()
            .map_or_else(|| official.agency.to_string(), |p| p.name.clone()),
        period: format!(
            "Từ ngày {} đến ngày {}",
            from.format("%d/%m/%Y"),
            to.format("%d/%m/%Y")
        ),
        rows,
    };
    let file_name = format!("so-theo-doi-ho-so_{from}_{to}");
    Ok(match query.format.as_deref().unwrap_or("json") {
        "json" => axum::Json(register).into_response(),
        "csv" => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file_name}.csv\""),
                ),
            ],
            register.to_csv(),
        )
            .into_response(),
        "xlsx" => (
            [
                (
                    header::CONTENT_TYPE,
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
                ),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{file_name}.xlsx\""),
                ),
            ],
            register.to_xlsx().map_err(internal)?,
        )
            .into_response(),
        other => {
            return Err(ApiError::invalid(
                "format",
                "Định dạng xuất chỉ là json, csv hoặc xlsx.",
                format!("unknown format `{other}`"),
            ));
        }
    })
}

fn register_row(record: &DossierRecord, names: Option<&Names>) -> RegisterRow {
    let unit = record
        .department
        .as_ref()
        .map(|d| match names {
            Some(n) => n.department(Some(d.as_str())),
            None => d.to_string(),
        })
        .unwrap_or_default();
    let note = match record.finished {
        Some(f) => f.timeliness.label_vi().to_owned(),
        None => record.stage.label_vi().to_owned(),
    };
    RegisterRow {
        code: record.code.to_string(),
        procedure_name: record.procedure_name.clone(),
        sets: 1,
        applicant_name: record.applicant.full_name.clone(),
        applicant_contact: format!(
            "{}; {}",
            record.applicant.address,
            record.applicant.phone.as_str()
        ),
        processing_unit: unit,
        received_at: record.received_at,
        appointment: record.due_at,
        sent_at: record.milestones.sent_at,
        result_at: record.milestones.result_at,
        returned_at: record.milestones.returned_at,
        note,
    }
}
