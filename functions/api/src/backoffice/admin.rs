//! Administration: agencies, departments, officials and processing routes,
//! one at a time or as a whole setup file; every change is audited.

use std::collections::{BTreeSet, HashSet};

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use domain::{
    AgencyCode, AgencyProfile, Department, DepartmentId, Official, ProcedureCode, ProcessingRoute,
    Role,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use store::{AgencySetup, AuditEntry, RouteRecord};

use super::Staff;
use crate::citizen::json_body;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct AgencyQuery {
    /// For system administrators: the agency to manage (default: their own).
    #[serde(default)]
    pub agency: Option<String>,
}

/// The agency a request manages, if the official administers it.
fn managed(staff: &Staff, query: &AgencyQuery) -> Result<AgencyCode, ApiError> {
    let agency = match query
        .agency
        .as_deref()
        .map(str::trim)
        .filter(|a| !a.is_empty())
    {
        Some(raw) => AgencyCode::parse(raw)
            .map_err(|e| ApiError::invalid("agency", "Mã định danh đơn vị không hợp lệ.", e))?,
        None => staff.official.agency.clone(),
    };
    if staff.official.administers(&agency) {
        Ok(agency)
    } else {
        Err(ApiError::Forbidden)
    }
}

fn invalid_setup(field: &str, e: impl ToString) -> ApiError {
    let detail = e.to_string();
    ApiError::invalid(
        field,
        format!("Dữ liệu cấu hình không hợp lệ: {detail}"),
        detail,
    )
}

/// The ids of the agency's stored departments.
async fn department_ids(
    app: &AppState,
    agency: &AgencyCode,
) -> Result<HashSet<DepartmentId>, ApiError> {
    let departments = app.store.list_departments(agency).await?;
    Ok(departments.into_iter().map(|d| d.id).collect())
}

async fn audited(
    app: &AppState,
    staff: &Staff,
    agency: &AgencyCode,
    operation: &str,
    target: String,
    changes: serde_json::Value,
) -> Result<(), ApiError> {
    let entry = staff.audit(app.now(), agency, None, operation, target, changes);
    app.store.append_audit(&entry).await?;
    Ok(())
}

pub async fn agencies(
    State(app): State<AppState>,
    staff: Staff,
) -> Result<Json<Vec<AgencyProfile>>, ApiError> {
    if !staff.official.has(Role::SystemAdmin) {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(app.store.list_agencies().await?))
}

/// The agency's whole setup, as the import file takes it.
pub async fn export(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<AgencyQuery>,
) -> Result<Json<AgencySetup>, ApiError> {
    let agency = managed(&staff, &query)?;
    match app.store.agency_setup(&agency).await {
        Ok(setup) => Ok(Json(setup)),
        Err(store::StoreError::NotFound) => Err(ApiError::Refused {
            message_vi: "Đơn vị chưa được khai báo; vui lòng nhập thông tin đơn vị trước.".into(),
            detail: format!("no profile for {agency}"),
        }),
        Err(e) => Err(e.into()),
    }
}

pub async fn put_profile(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<AgencyProfile>, ApiError> {
    let profile: AgencyProfile = json_body(&headers, &body)?;
    let agency = managed(
        &staff,
        &AgencyQuery {
            agency: Some(profile.code.to_string()),
        },
    )?;
    profile.check().map_err(|e| invalid_setup("agency", e))?;
    app.store.put_agency(&profile).await?;
    audited(
        &app,
        &staff,
        &agency,
        "put_agency",
        agency.to_string(),
        json!(profile),
    )
    .await?;
    Ok(Json(profile))
}

/// Checks a setup against itself and what is already stored: officials of
/// this agency only, departments known, routes over known departments and
/// procedures of the catalogue, and no one granted more than the importer holds.
async fn check_setup(app: &AppState, staff: &Staff, setup: &AgencySetup) -> Result<(), ApiError> {
    setup
        .agency
        .check()
        .map_err(|e| invalid_setup("agency", e))?;
    let code = &setup.agency.code;
    let mut departments: HashSet<DepartmentId> =
        setup.departments.iter().map(|d| d.id.clone()).collect();
    if departments.len() != setup.departments.len() {
        return Err(invalid_setup(
            "departments",
            "a department id appears twice",
        ));
    }
    departments.extend(department_ids(app, code).await?);
    for official in &setup.officials {
        if &official.agency != code {
            return Err(invalid_setup(
                "officials",
                format!(
                    "{} belongs to {}, not {code}",
                    official.subject, official.agency
                ),
            ));
        }
        check_official(app, staff, official, &departments).await?;
    }
    for route in &setup.routes {
        check_route(app, &route.procedure, &route.route, &departments).await?;
    }
    Ok(())
}

async fn check_official(
    app: &AppState,
    staff: &Staff,
    official: &Official,
    departments: &HashSet<DepartmentId>,
) -> Result<(), ApiError> {
    if let Some(d) = official
        .department
        .as_ref()
        .filter(|d| !departments.contains(d))
    {
        return Err(invalid_setup(
            "department",
            format!("{} names unknown department {d}", official.subject),
        ));
    }
    let existing = app.store.get_official(&official.subject).await?;
    // Only a system administrator makes one; a re-imported export may keep one.
    let already_system_admin = existing
        .as_ref()
        .is_some_and(|e| e.agency == official.agency && e.has(Role::SystemAdmin));
    if official.roles.contains(&Role::SystemAdmin)
        && !staff.official.has(Role::SystemAdmin)
        && !already_system_admin
    {
        return Err(ApiError::Forbidden);
    }
    // An account belongs to one agency: another agency's is not taken over.
    if let Some(existing) = existing
        && existing.agency != official.agency
        && !staff.official.has(Role::SystemAdmin)
    {
        return Err(ApiError::Refused {
            message_vi: "Tài khoản này thuộc đơn vị khác.".into(),
            detail: format!("{} belongs to {}", official.subject, existing.agency),
        });
    }
    Ok(())
}

async fn check_route(
    app: &AppState,
    procedure: &ProcedureCode,
    route: &ProcessingRoute,
    departments: &HashSet<DepartmentId>,
) -> Result<(), ApiError> {
    if let Some(step) = route
        .steps()
        .iter()
        .find(|s| !departments.contains(&s.department))
    {
        return Err(invalid_setup(
            "route",
            format!(
                "the route of {procedure} names unknown department {}",
                step.department
            ),
        ));
    }
    if app.store.get_procedure(procedure).await?.is_none() {
        return Err(ApiError::UnknownProcedure);
    }
    Ok(())
}

#[derive(Debug, Serialize)]
pub struct ImportedView {
    pub agency: String,
    pub departments: usize,
    pub officials: usize,
    pub routes: usize,
}

/// Onboards an agency (or re-imports an edited export) from one file.
pub async fn import(
    State(app): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<ImportedView>, ApiError> {
    let setup: AgencySetup = json_body(&headers, &body)?;
    let agency = managed(
        &staff,
        &AgencyQuery {
            agency: Some(setup.agency.code.to_string()),
        },
    )?;
    check_setup(&app, &staff, &setup).await?;
    app.store.import_setup(&setup).await?;
    let view = ImportedView {
        agency: agency.to_string(),
        departments: setup.departments.len(),
        officials: setup.officials.len(),
        routes: setup.routes.len(),
    };
    audited(
        &app,
        &staff,
        &agency,
        "import_setup",
        agency.to_string(),
        json!(view),
    )
    .await?;
    Ok(Json(view))
}

#[derive(Debug, Deserialize)]
pub struct DepartmentForm {
    pub name: String,
}

pub async fn put_department(
    State(app): State<AppState>,
    staff: Staff,
    Path(id): Path<String>,
    Query(query): Query<AgencyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Department>, ApiError> {
    let agency = managed(&staff, &query)?;
    let form: DepartmentForm = json_body(&headers, &body)?;
    let department: Department = serde_json::from_value(json!({ "id": id, "name": form.name }))
        .map_err(|e| invalid_setup("department", e))?;
    app.store.put_department(&agency, &department).await?;
    audited(
        &app,
        &staff,
        &agency,
        "put_department",
        id,
        json!(department),
    )
    .await?;
    Ok(Json(department))
}

#[derive(Debug, Deserialize)]
pub struct OfficialForm {
    pub name: String,
    #[serde(default)]
    pub department: Option<String>,
    pub roles: BTreeSet<String>,
    #[serde(default = "active")]
    pub active: bool,
}

fn active() -> bool {
    true
}

pub async fn put_official(
    State(app): State<AppState>,
    staff: Staff,
    Path(subject): Path<String>,
    Query(query): Query<AgencyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<Official>, ApiError> {
    let agency = managed(&staff, &query)?;
    let form: OfficialForm = json_body(&headers, &body)?;
    let roles = form
        .roles
        .iter()
        .map(|r| r.parse::<Role>())
        .collect::<Result<BTreeSet<_>, _>>()
        .map_err(|e| invalid_setup("roles", e))?;
    let department = form
        .department
        .as_deref()
        .filter(|d| !d.is_empty())
        .map(DepartmentId::parse)
        .transpose()
        .map_err(|e| invalid_setup("department", e))?;
    let official = Official::new(
        subject.clone(),
        &form.name,
        agency.clone(),
        department,
        roles,
        form.active,
    )
    .map_err(|e| invalid_setup("official", e))?;
    if official.subject == staff.official.subject && !official.administers(&agency) {
        return Err(ApiError::Refused {
            message_vi: "Không thể tự bỏ quyền quản trị của chính mình.".into(),
            detail: "an administrator may not demote themselves".into(),
        });
    }
    let departments = department_ids(&app, &agency).await?;
    check_official(&app, &staff, &official, &departments).await?;
    let before = app.store.get_official(&subject).await?;
    app.store.put_official(&official).await?;
    audited(
        &app,
        &staff,
        &agency,
        "put_official",
        subject,
        json!({ "before": before, "after": official }),
    )
    .await?;
    Ok(Json(official))
}

pub async fn put_route(
    State(app): State<AppState>,
    staff: Staff,
    Path(procedure): Path<String>,
    Query(query): Query<AgencyQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<RouteRecord>, ApiError> {
    let agency = managed(&staff, &query)?;
    let procedure =
        ProcedureCode::parse(procedure.trim()).map_err(|_| ApiError::UnknownProcedure)?;
    let route: ProcessingRoute = json_body(&headers, &body).map_err(|e| match e {
        ApiError::MalformedJson(detail) => invalid_setup("route", detail),
        other => other,
    })?;
    let departments = department_ids(&app, &agency).await?;
    check_route(&app, &procedure, &route, &departments).await?;
    let record = RouteRecord { procedure, route };
    app.store.put_route(&agency, &record).await?;
    audited(
        &app,
        &staff,
        &agency,
        "put_route",
        record.procedure.to_string(),
        json!(record.route),
    )
    .await?;
    Ok(Json(record))
}

#[derive(Debug, Deserialize)]
pub struct AuditQuery {
    /// `YYYY-MM`, default this month.
    #[serde(default)]
    pub month: Option<String>,
    #[serde(default)]
    pub agency: Option<String>,
    #[serde(default)]
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AuditView {
    pub entries: Vec<AuditEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The audit log of a month, newest first: for the agency's administrators
/// and leaders.
pub async fn audit(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditView>, ApiError> {
    let agency = match managed(
        &staff,
        &AgencyQuery {
            agency: query.agency.clone(),
        },
    ) {
        Ok(agency) => agency,
        Err(_) if staff.official.has(Role::AgencyLeader) && query.agency.is_none() => {
            staff.official.agency.clone()
        }
        Err(e) => return Err(e),
    };
    let month = match query.month.as_deref().filter(|m| !m.is_empty()) {
        Some(m) => NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").map_err(|e| {
            ApiError::invalid("month", "Tháng phải theo dạng năm-tháng (YYYY-MM).", e)
        })?,
        None => app.now().date(),
    };
    let page = app
        .store
        .audit_page(&agency, month, 100, query.cursor.as_deref())
        .await?;
    Ok(Json(AuditView {
        entries: page.entries,
        next_cursor: page.next,
    }))
}
