//! The agency's QĐ 766 scorecard for a month, for its leaders: the facts
//! of the month gathered from the store, scored by `domain::Scorecard`
//! (whose module documents every formula and threshold).
//!
//! What is read: the register of the month and of the
//! `domain::CARRY_OVER_MONTHS` before it (for the dossiers resolved in the month),
//! the petitions and ratings from the month to today (a petition or a
//! dissatisfied rating about a dossier may come later than the month), the
//! pending and dead DVCQG outbox entries, and the catalogue records of the
//! procedures the agency has a processing route for (its procedures).

use std::collections::{BTreeMap, HashSet};

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use chrono::NaiveDateTime;
use domain::{
    CARRY_OVER_MONTHS, Channel, DossierCode, DossierScoreFacts, Measure, Month, MonthlyTally,
    PetitionScoreFacts, PetitionStage, PetitionTopic, ProcedureScoreFacts, Reconsidered,
    Satisfaction, Scorecard, ScorecardFacts, Share, Timeliness, WorkingCalendar,
};
use serde::{Deserialize, Serialize};
use store::{DossierRecord, OutboxKind, PetitionRecord, StoredRating};
use utoipa::{IntoParams, ToSchema};

use super::Staff;
use crate::error::ApiError;
use crate::state::AppState;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ScorecardQuery {
    /// `YYYY-MM`; the current month if absent.
    pub month: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ScorecardView {
    pub month: String,
    pub agency_name: String,
    /// Points of 100, two decimals.
    pub total: f64,
    /// The points of the indicators this system can measure.
    pub measured_max: f64,
    pub groups: Vec<GroupView>,
    /// 2.2: average working days from receipt to the processing end.
    pub average_days: Vec<AverageDaysView>,
    /// 5.1: the month's petitions by category.
    pub petitions_by_category: Vec<CategoryView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct GroupView {
    pub id: String,
    pub name: String,
    pub max: f64,
    pub points: f64,
    pub indicators: Vec<IndicatorView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct IndicatorView {
    pub id: String,
    pub name: String,
    /// How it is counted, or why it cannot be.
    pub basis: String,
    pub max: f64,
    pub points: f64,
    /// Percent, two decimals; none when not measured or only shown.
    pub rate: Option<f64>,
    /// The rate earning the full points, percent.
    pub full_at: Option<f64>,
    /// "measured", "not_measured" or "shown".
    pub state: String,
    /// The counts behind the rate, as "part/whole" pairs.
    pub counts: Vec<CountView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CountView {
    pub label: String,
    pub part: u64,
    pub whole: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AverageDaysView {
    pub procedure_name: String,
    pub dossiers: u64,
    pub working_days: f64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CategoryView {
    pub category: String,
    pub petitions: u64,
}

fn hundredths(n: u64) -> f64 {
    n as f64 / 100.0
}

#[utoipa::path(get, path = "/api/can-bo/chi-so-766", tag = "back-office",
    params(ScorecardQuery),
    responses((status = 200, body = ScorecardView), (status = "4XX", body = crate::error::Problem)),
    security(("bearer" = [])))]
pub async fn scorecard(
    State(app): State<AppState>,
    staff: Staff,
    query: Result<Query<ScorecardQuery>, QueryRejection>,
) -> Result<Json<ScorecardView>, ApiError> {
    let Query(query) =
        query.map_err(|e| ApiError::invalid("query", "Tham số không hợp lệ (month).", e))?;
    let official = &staff.official;
    let agency = &official.agency;
    if !official.reads_scorecard_of(agency) {
        return Err(ApiError::Forbidden);
    }
    let now = app.now();
    let this_month = Month::of(now.date());
    let month = match query.month.as_deref().map(str::trim) {
        None | Some("") => this_month,
        Some(raw) => Month::parse(raw)
            .ok()
            .filter(|m| *m <= this_month)
            .ok_or_else(|| {
                ApiError::invalid(
                    "month",
                    "Tháng phải theo dạng năm-tháng (YYYY-MM) và không sau tháng hiện tại.",
                    raw.to_owned(),
                )
            })?,
    };
    let profile = app.store.get_agency(agency).await?;
    let calendar = app.calendar_of(profile.as_ref())?;
    let later_months = months_from(month, this_month);

    let store = &app.store;
    let (records, routes, backlog, dead) = tokio::try_join!(
        store.register(
            agency,
            month.months_before(CARRY_OVER_MONTHS).first_day(),
            month.last_day()
        ),
        store.list_routes(agency),
        store.outbox_backlog(OutboxKind::Dvcqg, usize::MAX, now),
        store.dead_letters(OutboxKind::Dvcqg),
    )?;
    let mut petitions: Vec<PetitionRecord> = Vec::new();
    let mut ratings: Vec<StoredRating> = Vec::new();
    for m in &later_months {
        let (p, r) = tokio::try_join!(
            store.petitions_of_month(agency, m.first_day()),
            store.ratings_of_month(agency, m.first_day()),
        )?;
        petitions.extend(p);
        ratings.extend(r);
    }
    let codes: Vec<_> = routes.iter().map(|r| r.procedure.clone()).collect();
    let procedures = store.get_procedures(&codes).await?;

    let unsynced: HashSet<DossierCode> = backlog
        .into_iter()
        .chain(dead)
        .map(|entry| entry.code)
        .collect();
    let complained: HashSet<DossierCode> = petitions
        .iter()
        .filter_map(|p| match &p.about {
            PetitionTopic::Dossier { code } => Some(code.clone()),
            _ => None,
        })
        .chain(
            ratings
                .iter()
                .filter(|r| r.rating.overall() == Satisfaction::Dissatisfied)
                .map(|r| r.code.clone()),
        )
        .collect();
    let received: Vec<&DossierRecord> = records
        .iter()
        .filter(|r| month.contains(r.received_at))
        .collect();
    let resolved: Vec<&DossierRecord> = records
        .iter()
        .filter(|r| r.finished.is_some_and(|f| month.contains(f.at)))
        .collect();
    let received_online: HashSet<_> = received
        .iter()
        .filter(|r| r.channel == Channel::Online)
        .map(|r| &r.procedure_code)
        .collect();

    // A month still running is scored as it stands now.
    let tallied_at = month.end().min(now);
    let facts = ScorecardFacts {
        dossiers: received
            .iter()
            .map(|r| DossierScoreFacts {
                online: r.channel == Channel::Online,
                digitised: !r.files.is_empty(),
                identified: r.owner.is_some(),
                synced: !unsynced.contains(&r.code),
                overdue: overdue_at(r, tallied_at),
                complained: complained.contains(&r.code),
            })
            .collect(),
        procedures: procedures
            .iter()
            .map(|p| ProcedureScoreFacts {
                complete: p.missing_parts().is_empty(),
                online: p.accepts_online(),
                received_online: received_online.contains(&p.code),
            })
            .collect(),
        petitions: petitions
            .iter()
            .filter(|p| month.contains(p.received_at))
            .map(|p| PetitionScoreFacts {
                category: p
                    .category
                    .clone()
                    .unwrap_or_else(|| p.kind.label_vi().to_owned()),
                handled_on_time: p.on_time,
                answered: (p.stage == PetitionStage::Answered || p.rounds > 1)
                    .then_some(Reconsidered(p.rounds > 1)),
            })
            .collect(),
        electronic_results: Share::new(
            resolved
                .iter()
                .filter(|r| r.result.as_ref().is_some_and(|x| !x.files.is_empty()))
                .count() as u64,
            resolved.iter().filter(|r| r.result.is_some()).count() as u64,
        ),
        resolution_days: resolution_days(&resolved, &calendar)?,
    };
    let tally = MonthlyTally::as_of(month, tallied_at, records.iter().map(DossierRecord::facts));
    let card = Scorecard::compute(month, &tally, &facts);
    Ok(Json(view(
        &card,
        profile.map(|p| p.name).unwrap_or_default(),
    )))
}

/// The months from `first` to `last`, both included.
fn months_from(first: Month, last: Month) -> Vec<Month> {
    let mut months = vec![last];
    while let Some(&m) = months.last().filter(|m| **m > first) {
        months.push(m.previous());
    }
    months
}

/// Resolved late before `end`, or still open past its appointment then.
fn overdue_at(record: &DossierRecord, end: NaiveDateTime) -> bool {
    match record.finished {
        Some(f) if f.at < end => matches!(f.timeliness, Timeliness::Late | Timeliness::Overdue),
        _ => !record.stage.is_final() && record.due_at.is_some_and(|due| end > due),
    }
}

/// Working days (in hundredths) from receipt to the processing end, summed
/// per procedure name, with the number of dossiers.
fn resolution_days(
    resolved: &[&DossierRecord],
    calendar: &WorkingCalendar,
) -> Result<BTreeMap<String, (u64, u64)>, ApiError> {
    let per_day = u64::from(calendar.office_hours().minutes_per_day()).max(1);
    let mut days: BTreeMap<String, (u64, u64)> = BTreeMap::new();
    for record in resolved {
        let Some(finished) = record.finished else {
            continue;
        };
        let minutes = calendar
            .office_minutes_between(record.received_at, finished.at)
            .map_err(|e| ApiError::Internal(format!("working time of {}: {e}", record.code)))?;
        let entry = days.entry(record.procedure_name.clone()).or_default();
        entry.0 += 1;
        entry.1 += minutes * 100 / per_day;
    }
    Ok(days)
}

fn view(card: &Scorecard, agency_name: String) -> ScorecardView {
    let percent = |basis_points: u32| f64::from(basis_points) / 100.0;
    ScorecardView {
        month: card.month.to_string(),
        agency_name,
        total: hundredths(u64::from(card.total())),
        measured_max: hundredths(u64::from(card.measured_max())),
        groups: card
            .groups
            .iter()
            .map(|g| GroupView {
                id: g.id.to_owned(),
                name: g.name_vi.to_owned(),
                max: hundredths(u64::from(g.max)),
                points: hundredths(u64::from(g.points)),
                indicators: g
                    .indicators
                    .iter()
                    .map(|i| {
                        let (state, counts) = match i.measure {
                            Measure::Rate { share } => ("measured", vec![count("Đạt", share)]),
                            Measure::Complement {
                                overdue,
                                complained,
                            } => (
                                "measured",
                                vec![
                                    count("Quá hạn", overdue),
                                    count("Bị phản ánh hoặc không hài lòng", complained),
                                ],
                            ),
                            Measure::NotMeasured { .. } => ("not_measured", Vec::new()),
                            Measure::Shown => ("shown", Vec::new()),
                        };
                        IndicatorView {
                            id: i.id.to_owned(),
                            name: i.name_vi.to_owned(),
                            basis: i.basis_vi.to_owned(),
                            max: hundredths(u64::from(i.max)),
                            points: hundredths(u64::from(i.points)),
                            rate: i.rate.map(percent),
                            full_at: (i.max > 0).then(|| percent(i.full_at)),
                            state: state.to_owned(),
                            counts,
                        }
                    })
                    .collect(),
            })
            .collect(),
        average_days: card
            .average_days
            .iter()
            .map(|(name, days, n)| AverageDaysView {
                procedure_name: name.clone(),
                dossiers: *n,
                working_days: hundredths(*days),
            })
            .collect(),
        petitions_by_category: card
            .petitions_by_category
            .iter()
            .map(|(category, n)| CategoryView {
                category: category.clone(),
                petitions: *n,
            })
            .collect(),
    }
}

fn count(label: &str, share: Share) -> CountView {
    CountView {
        label: label.to_owned(),
        part: share.part,
        whole: share.whole,
    }
}
