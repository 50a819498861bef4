//! A clearly marked demo history for the public statistics (`/thong-ke/`):
//! a year of dossiers of the demo agency and of a second demo agency,
//! received on working days, resolved early, on time or late, stopped,
//! withdrawn or still open, some returned and rated — so that the pages
//! the dev server publishes have months, procedures and two agencies to
//! show. Deterministic: the same each start for the same day.

use anyhow::Context;
use api::AppState;
use chrono::{Duration, NaiveDateTime, NaiveTime};
use domain::{
    Action, Actor, AgencyCode, AgencyProfile, Applicant, Channel, DossierCode, DossierProgress,
    Indicator, Month, OwnerType, Procedure, Rating, ResultDelivery, Role, Satisfaction, Stage,
};
use futures::{StreamExt, TryStreamExt};
use store::{NewDossier, RatingWrite, StoredRating};

/// The second demo agency, so that the portal's figures are a sum.
pub const SECOND_AGENCY: &str = "000.00.02.H29";
/// Months of history before the current one.
const MONTHS: u32 = 12;
/// Dossiers written at once (moto is local; the counter of each day is
/// one item, so days are spread over the months).
const CONCURRENCY: usize = 4;

/// What becomes of one demo dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Early,
    OnTime,
    Late,
    Stopped,
    Withdrawn,
    Open,
}

struct Plan {
    agency: AgencyCode,
    procedure: Procedure,
    channel: Channel,
    received: NaiveDateTime,
    fate: Fate,
    /// Returned to the applicant and rated with this answer (one
    /// dissatisfied indicator when `Dissatisfied`).
    rating: Option<Satisfaction>,
}

/// Writes the demo history up to `now` (nothing at or after it).
pub async fn seed(state: &AppState, catalogue: &[Procedure]) -> anyhow::Result<usize> {
    let second = AgencyCode::parse(SECOND_AGENCY)?;
    state
        .store
        .put_agency(&AgencyProfile {
            code: second.clone(),
            name: "Ủy ban nhân dân phường thử nghiệm (dữ liệu demo)".into(),
            parent_name: Some("ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM".into()),
            desk_name: "Bộ phận Một cửa".into(),
            place: "Phường thử nghiệm".into(),
            phone: None,
            national_unit_code: None,
            national_credentials_secret: None,
            calendar_overrides: None,
        })
        .await
        .context("the second demo agency")?;
    let procedures = demo_procedures(catalogue);
    if procedures.is_empty() {
        return Ok(0);
    }
    let now = state.now();
    let plans = plans(state, &[state.agency.clone(), second], &procedures, now)?;
    let count = plans.len();
    futures::stream::iter(plans)
        .map(|plan| write(state, plan, now))
        .buffer_unordered(CONCURRENCY)
        .try_collect::<Vec<()>>()
        .await?;
    Ok(count)
}

/// The demo procedures of `seed::demo_dossiers` and two more that take
/// dossiers online, so that the per-procedure tables have a few lines.
fn demo_procedures(catalogue: &[Procedure]) -> Vec<Procedure> {
    let online = |p: &&Procedure| p.resolution_time(Channel::Online).is_some();
    let mut chosen: Vec<Procedure> = ["1.003677", "1.010041"]
        .iter()
        .filter_map(|code| catalogue.iter().find(|p| p.code.as_str() == *code))
        .filter(online)
        .cloned()
        .collect();
    for p in catalogue.iter().filter(online) {
        if chosen.len() >= 4 {
            break;
        }
        if !chosen.iter().any(|c| c.code == p.code) {
            chosen.push(p.clone());
        }
    }
    chosen
}

/// A deterministic spread of three small numbers over 32 bits (SplitMix64's
/// finaliser): no randomness, the same history each start.
fn spread(a: u32, b: u32, c: u32) -> u32 {
    let mut z = (u64::from(a) << 42) ^ (u64::from(b) << 21) ^ u64::from(c);
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    (z ^ (z >> 31)) as u32
}

fn plans(
    state: &AppState,
    agencies: &[AgencyCode],
    procedures: &[Procedure],
    now: NaiveDateTime,
) -> anyhow::Result<Vec<Plan>> {
    let calendar = &state.calendar;
    let this_month = Month::of(now.date());
    let mut plans = Vec::new();
    for (a, agency) in agencies.iter().enumerate() {
        for back in 0..=MONTHS {
            let month = this_month.months_before(back);
            let count = 5 + spread(a as u32, back, 1) % 6 - (a as u32 * 2);
            for k in 0..count {
                let r = spread(a as u32, back, k + 7);
                let day = month.first_day() + Duration::days(i64::from((k * 5 + r % 4) % 27));
                let day = calendar.working_day_on_or_after(day)?;
                if Month::of(day) != month {
                    continue;
                }
                let received = day.and_time(NaiveTime::from_hms_opt(8, 0, 0).unwrap())
                    + Duration::minutes(i64::from(r % 420));
                if received >= now {
                    continue;
                }
                // Online more often as the year goes on.
                let online = (r >> 3) % 12 < 5 + (MONTHS - back) / 2;
                let fate = match (r >> 7) % 20 {
                    // Still open: some of the last two months', and now and
                    // then one forgotten long ago (carried over, overdue).
                    _ if back <= 1 && (r >> 12).is_multiple_of(3) => Fate::Open,
                    _ if (r >> 14).is_multiple_of(40) => Fate::Open,
                    0..=9 => Fate::Early,
                    10..=14 => Fate::OnTime,
                    15..=16 => Fate::Late,
                    17 => Fate::Stopped,
                    18 => Fate::Withdrawn,
                    _ => Fate::Early,
                };
                let returned = matches!(fate, Fate::Early | Fate::OnTime | Fate::Late);
                let rating = (returned && (r >> 17) % 5 < 3).then_some(match (r >> 20) % 7 {
                    0 => Satisfaction::Dissatisfied,
                    1 | 2 => Satisfaction::Satisfied,
                    _ => Satisfaction::VerySatisfied,
                });
                plans.push(Plan {
                    agency: agency.clone(),
                    procedure: procedures[(k as usize + a) % procedures.len()].clone(),
                    channel: if online {
                        Channel::Online
                    } else {
                        Channel::InPerson
                    },
                    received,
                    fate,
                    rating,
                });
            }
        }
    }
    Ok(plans)
}

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        id: id.into(),
        role,
    }
}

async fn write(state: &AppState, plan: Plan, now: NaiveDateTime) -> anyhow::Result<()> {
    let calendar = &state.calendar;
    let resolution = plan.procedure.resolution_time(plan.channel);
    let opening = match plan.channel {
        Channel::Online => (
            Action::SubmitOnline,
            actor("demo-cong-dan-lich-su", Role::Citizen),
        ),
        _ => (Action::ReceiveAtDesk, actor("demo-mot-cua", Role::Desk)),
    };
    let at = plan.received;
    let mut progress = DossierProgress::open(opening.0, opening.1, at, resolution, None)?;
    let applicant = Applicant::parse(
        OwnerType::Citizen,
        "Người nộp thử nghiệm (dữ liệu demo)",
        "001099000003",
        "0900000003",
        None,
        "Địa chỉ thử nghiệm",
    )?;
    let submitted = state
        .store
        .submit(
            NewDossier {
                procedure_code: plan.procedure.code.clone(),
                procedure_name: plan.procedure.name.to_string(),
                agency: plan.agency.clone(),
                owner: None,
                channel: plan.channel,
                applicant,
                summary: "Hồ sơ thử nghiệm cho trang thống kê (dữ liệu demo)".into(),
                result_delivery: ResultDelivery::AtDesk,
                resolution,
                due_at: progress.due(calendar, at)?,
                files: Vec::new(),
                papers: Vec::new(),
                tracking_secret: format!("demo-lich-su-{}", at.and_utc().timestamp()),
                opening: progress.last_event().clone(),
                national: None,
            },
            None,
            None,
        )
        .await?;
    let code = submitted.record.code.clone();
    let due = progress.due(calendar, at)?;
    let mut steps: Vec<(Action, Actor, NaiveDateTime)> = Vec::new();
    let mut t = at + Duration::minutes(10);
    if plan.channel == Channel::Online {
        steps.push((Action::Accept, actor("demo-mot-cua", Role::Desk), t));
    }
    if plan.fate == Fate::Withdrawn {
        steps.push((
            Action::Withdraw,
            actor("demo-cong-dan-lich-su", Role::Citizen),
            t + Duration::hours(2),
        ));
    } else {
        t += Duration::minutes(10);
        steps.push((
            Action::AssignDepartment,
            actor("demo-mot-cua", Role::Desk),
            t,
        ));
        steps.push((
            Action::StartReview,
            actor("demo-chuyen-vien", Role::Specialist),
            t + Duration::minutes(20),
        ));
        let end = finish_at(plan.fate, at, due);
        match (plan.fate, end) {
            (Fate::Open, _) | (_, None) => {}
            (Fate::Stopped, Some(end)) => steps.push((
                Action::Stop,
                actor("demo-lanh-dao", Role::AgencyLeader),
                end,
            )),
            (_, Some(end)) => {
                steps.push((
                    Action::SubmitForApproval,
                    actor("demo-chuyen-vien", Role::Specialist),
                    end - Duration::minutes(30),
                ));
                steps.push((
                    Action::Approve,
                    actor("demo-lanh-dao", Role::AgencyLeader),
                    end,
                ));
                steps.push((
                    Action::ReturnResult,
                    actor("demo-mot-cua", Role::Desk),
                    end + Duration::hours(20),
                ));
            }
        }
    }
    let mut record = submitted.record;
    let mut returned_at = None;
    for (action, who, when) in steps {
        if when >= now {
            break;
        }
        let event = if action == Action::AssignDepartment {
            progress.hand_over(calendar, action, who, when, None, "cong-an-xa".into())?
        } else {
            progress.act(calendar, action, who, when, None)?
        }
        .clone();
        record.follow(&progress, calendar, when)?;
        state.store.record_change(&record, &event, None).await?;
        if action == Action::ReturnResult {
            returned_at = Some(when);
        }
    }
    if let (Some(level), Some(returned)) = (plan.rating, returned_at) {
        let given = returned + Duration::hours(2);
        if given < now {
            rate(state, &code, &plan, level, given).await?;
        }
    }
    Ok(())
}

/// When processing ends for `fate`: early on a day before the appointment
/// day, on time within it, late the day after it; none for an open one.
fn finish_at(
    fate: Fate,
    received: NaiveDateTime,
    due: Option<NaiveDateTime>,
) -> Option<NaiveDateTime> {
    let early = received + Duration::hours(3);
    let Some(due) = due else {
        return Some(early);
    };
    let before_due_day = |t: NaiveDateTime| (t.date() < due.date()).then_some(t);
    match fate {
        Fate::Open | Fate::Withdrawn => None,
        Fate::Early | Fate::Stopped => before_due_day(early).or(Some(due - Duration::minutes(30))),
        Fate::OnTime => Some(due - Duration::minutes(30)),
        Fate::Late => Some(due + Duration::days(1)),
    }
}

async fn rate(
    state: &AppState,
    code: &DossierCode,
    plan: &Plan,
    level: Satisfaction,
    at: NaiveDateTime,
) -> anyhow::Result<()> {
    let answers: Vec<_> = Indicator::ALL
        .iter()
        .enumerate()
        .map(|(i, indicator)| {
            let answer = match level {
                // One indicator not satisfied makes the whole rating so.
                Satisfaction::Dissatisfied if i == 6 => Satisfaction::Dissatisfied,
                Satisfaction::Dissatisfied => Satisfaction::Satisfied,
                other => other,
            };
            (*indicator, answer)
        })
        .collect();
    let comment = (level == Satisfaction::Dissatisfied)
        .then_some("Cán bộ hướng dẫn chưa rõ (đánh giá thử nghiệm).");
    let rating = Rating::give(Stage::Returned, &answers, comment, at)?;
    state
        .store
        .put_rating(
            &StoredRating {
                code: code.clone(),
                agency: plan.agency.clone(),
                procedure_code: plan.procedure.code.clone(),
                rating,
            },
            RatingWrite::First,
        )
        .await?;
    Ok(())
}
