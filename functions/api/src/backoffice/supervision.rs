//! The leaders' dashboard: for the dossiers received in a period, how many
//! are in progress, overdue, done early, on time or late — per department,
//! per procedure and per official — and the open dossiers at risk.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::{Query, State};
use chrono::NaiveDateTime;
use domain::{Timeliness, at_risk_until};
use serde::{Deserialize, Serialize};
use store::DossierRecord;

use super::Staff;
use super::printing::period;
use crate::citizen::status_view;
use crate::error::ApiError;
use crate::state::AppState;
use crate::views::{StatusView, rfc3339, text_vi};

#[derive(Debug, Deserialize)]
pub struct PeriodQuery {
    pub from: String,
    pub to: String,
}

/// The counts of one row of the dashboard.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Tally {
    pub received: u64,
    pub in_progress: u64,
    pub overdue: u64,
    pub early: u64,
    pub on_time: u64,
    pub late: u64,
    /// Refused at intake, withdrawn or stopped.
    pub other_ended: u64,
}

impl Tally {
    fn add(&mut self, record: &DossierRecord, now: NaiveDateTime) {
        self.received += 1;
        match record.finished.map(|f| f.timeliness) {
            Some(Timeliness::Early) => self.early += 1,
            Some(Timeliness::OnTime) => self.on_time += 1,
            Some(Timeliness::Late) => self.late += 1,
            Some(_) => self.other_ended += 1,
            None if record.stage.is_final() => self.other_ended += 1,
            None if record.due_at.is_some_and(|due| now > due) => self.overdue += 1,
            None => self.in_progress += 1,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct TallyRow {
    pub key: String,
    pub label: String,
    #[serde(flatten)]
    pub tally: Tally,
}

#[derive(Debug, Serialize)]
pub struct AtRiskView {
    pub code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub status: StatusView,
    pub due_at: String,
    pub due_text: String,
    pub overdue: bool,
    pub department: Option<String>,
    pub assignee: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct DashboardView {
    pub from: String,
    pub to: String,
    pub total: Tally,
    pub by_department: Vec<TallyRow>,
    pub by_procedure: Vec<TallyRow>,
    pub by_official: Vec<TallyRow>,
    /// Open dossiers overdue or due within 2 working days, soonest first.
    pub at_risk: Vec<AtRiskView>,
}

fn rows(map: BTreeMap<String, (String, Tally)>) -> Vec<TallyRow> {
    let mut rows: Vec<TallyRow> = map
        .into_iter()
        .map(|(key, (label, tally))| TallyRow { key, label, tally })
        .collect();
    rows.sort_by(|a, b| {
        b.tally
            .received
            .cmp(&a.tally.received)
            .then(a.label.cmp(&b.label))
    });
    rows
}

const AT_RISK_SHOWN: usize = 100;

pub async fn dashboard(
    State(app): State<AppState>,
    staff: Staff,
    Query(query): Query<PeriodQuery>,
) -> Result<Json<DashboardView>, ApiError> {
    let official = &staff.official;
    if !official.supervises(&official.agency) {
        return Err(ApiError::Forbidden);
    }
    let (from, to) = period(&query.from, &query.to)?;
    let profile = app.store.get_agency(&official.agency).await?;
    let calendar = app.calendar_of(profile.as_ref())?;
    let (records, departments, officials) = tokio::try_join!(
        app.store.register(&official.agency, from, to),
        app.store.list_departments(&official.agency),
        app.store.list_officials(&official.agency),
    )?;
    let department_name = |id: &str| {
        departments
            .iter()
            .find(|d| d.id.as_str() == id)
            .map_or_else(|| id.to_owned(), |d| d.name.clone())
    };
    let official_name = |subject: &str| {
        officials
            .iter()
            .find(|o| o.subject == subject)
            .map_or_else(|| subject.to_owned(), |o| o.name.clone())
    };
    // A department head sees their own department; leaders see all.
    let own_department = (!official.has(domain::Role::AgencyLeader))
        .then(|| official.department.clone())
        .flatten();
    let now = app.now();
    let risk_until =
        at_risk_until(&calendar, now).map_err(|e| ApiError::Internal(e.to_string()))?;
    let mut total = Tally::default();
    let mut by_department = BTreeMap::new();
    let mut by_procedure = BTreeMap::new();
    let mut by_official = BTreeMap::new();
    let mut at_risk = Vec::new();
    for record in records
        .iter()
        .filter(|r| own_department.is_none() || r.department == own_department)
    {
        total.add(record, now);
        let department = record.department.as_ref().map(ToString::to_string);
        let entry = |map: &mut BTreeMap<String, (String, Tally)>, key: String, label: String| {
            map.entry(key)
                .or_insert((label, Tally::default()))
                .1
                .add(record, now);
        };
        match &department {
            Some(d) => entry(&mut by_department, d.clone(), department_name(d)),
            None => entry(&mut by_department, String::new(), "Bộ phận một cửa".into()),
        }
        entry(
            &mut by_procedure,
            record.procedure_code.to_string(),
            record.procedure_name.clone(),
        );
        if let Some(subject) = &record.assignee {
            entry(&mut by_official, subject.clone(), official_name(subject));
        }
        let open = record.finished.is_none() && !record.stage.is_final();
        if let Some(due) = record.due_at.filter(|due| open && *due < risk_until) {
            at_risk.push((due, record));
        }
    }
    at_risk.sort_by_key(|(due, record)| (*due, record.code.to_string()));
    Ok(Json(DashboardView {
        from: from.to_string(),
        to: to.to_string(),
        total,
        by_department: rows(by_department),
        by_procedure: rows(by_procedure),
        by_official: rows(by_official),
        at_risk: at_risk
            .into_iter()
            .take(AT_RISK_SHOWN)
            .map(|(due, r)| AtRiskView {
                code: r.code.to_string(),
                procedure_name: r.procedure_name.clone(),
                applicant_name: r.applicant.full_name.clone(),
                status: status_view(r.stage),
                due_at: rfc3339(due),
                due_text: text_vi(due),
                overdue: now > due,
                department: r.department.as_ref().map(|d| department_name(d.as_str())),
                assignee: r.assignee.as_deref().map(official_name),
            })
            .collect(),
    }))
}
