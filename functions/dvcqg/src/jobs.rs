//! The jobs of the `sync` function, as its events name them: the outbox
//! drain (every schedule tick, and on demand), the intake of dossiers
//! submitted on the national portal (every few minutes), of questions
//! asked there and of petitions sent there, the
//! reconciliation (each night, or on demand for one agency and period) and
//! the monthly statistics (early each month for the month before, or on
//! demand).

use chrono::{Days, NaiveDate, NaiveDateTime};
use domain::{AgencyCode, Month};
use serde::{Deserialize, Serialize};

use crate::intake::IntakeReport;
use crate::monthly::{EvaluationReport, StatisticsReport};
use crate::petitions::PetitionIntakeReport;
use crate::questions::QuestionIntakeReport;
use crate::reconcile::ReconcileReport;
use crate::worker::{RunReport, Worker, WorkerError};

/// An invocation's event. EventBridge schedules send `{"job": "outbox"}` or
/// `{"job": "reconcile"}`; an operator may name an agency and a period.
/// An empty event (`{}`) drains the outbox.
#[derive(Debug, Clone, PartialEq, Eq, Default, Deserialize)]
#[serde(tag = "job", rename_all = "snake_case")]
pub enum Job {
    #[default]
    Outbox,
    /// Takes in the dossiers submitted on the national portal (one agency's,
    /// or every agency's in the directory), then drains the outbox, so
    /// their first status goes back at once.
    Intake {
        #[serde(default)]
        agency: Option<AgencyCode>,
    },
    /// Takes in the questions asked on the national portal (one agency's,
    /// or every agency's in the directory), then drains the outbox.
    Questions {
        #[serde(default)]
        agency: Option<AgencyCode>,
    },
    /// Takes in the petitions sent on the national portal (one agency's, or
    /// every agency's in the directory), then drains the outbox.
    Petitions {
        #[serde(default)]
        agency: Option<AgencyCode>,
    },
    Reconcile {
        /// One agency; every agency in the directory if absent.
        #[serde(default)]
        agency: Option<AgencyCode>,
        /// The period of receipt; the last `RECONCILE_DAYS` days if absent.
        #[serde(default)]
        from: Option<NaiveDate>,
        #[serde(default)]
        to: Option<NaiveDate>,
    },
    /// `DongBoThongKeHoSo` and `DongBoDanhGia` for a month (`"YYYY-MM"`;
    /// the month before today's if absent) and an agency (every agency in
    /// the directory if absent). Reads each agency's dossiers received in the month and in
    /// the `monthly::CARRY_OVER_MONTHS` (12) months before it, for those
    /// carried over; see `Worker::send_statistics`.
    Statistics {
        #[serde(default)]
        month: Option<Month>,
        #[serde(default)]
        agency: Option<AgencyCode>,
    },
}

/// A nightly reconciliation looks back this far: every dossier received
/// in the last two months, so a month-end change is checked twice.
pub const RECONCILE_DAYS: u64 = 62;

#[derive(Debug, Serialize)]
#[serde(untagged)]
pub enum JobReport {
    Outbox(RunReport),
    Intake {
        intake: Vec<IntakeReport>,
        outbox: RunReport,
    },
    Questions {
        questions: Vec<QuestionIntakeReport>,
        outbox: RunReport,
    },
    Petitions {
        petitions: Vec<PetitionIntakeReport>,
        outbox: RunReport,
    },
    Reconcile(Vec<ReconcileReport>),
    Statistics {
        statistics: Vec<StatisticsReport>,
        evaluations: Vec<EvaluationReport>,
    },
}

impl Job {
    /// Reads an event; `null` or `{}` is the outbox drain.
    pub fn from_event(event: serde_json::Value) -> Result<Self, String> {
        match event {
            serde_json::Value::Null => Ok(Job::Outbox),
            serde_json::Value::Object(ref map) if !map.contains_key("job") => Ok(Job::Outbox),
            other => serde_json::from_value(other).map_err(|e| format!("unknown job: {e}")),
        }
    }

    /// Runs the job at `now` (Vietnam time); `more_time` says whether
    /// another outbox run fits in what is left of the invocation.
    pub async fn run(
        self,
        worker: &Worker,
        now: impl Fn() -> NaiveDateTime,
        more_time: impl Fn() -> bool + Sync,
    ) -> Result<JobReport, WorkerError> {
        match self {
            Job::Outbox => Ok(JobReport::Outbox(worker.drain(now, more_time).await?)),
            Job::Intake { agency } => {
                let agencies = match agency {
                    Some(one) => vec![one],
                    None => worker.agencies_listed().await?,
                };
                let mut intake = Vec::with_capacity(agencies.len());
                for agency in agencies {
                    intake.push(worker.take_in(&agency, now()).await?);
                }
                let outbox = worker.drain(now, more_time).await?;
                Ok(JobReport::Intake { intake, outbox })
            }
            Job::Questions { agency } => {
                let agencies = match agency {
                    Some(one) => vec![one],
                    None => worker.agencies_listed().await?,
                };
                let mut questions = Vec::with_capacity(agencies.len());
                for agency in agencies {
                    questions.push(worker.take_in_questions(&agency, now()).await?);
                }
                let outbox = worker.drain(now, more_time).await?;
                Ok(JobReport::Questions { questions, outbox })
            }
            Job::Petitions { agency } => {
                let agencies = match agency {
                    Some(one) => vec![one],
                    None => worker.agencies_listed().await?,
                };
                let mut petitions = Vec::with_capacity(agencies.len());
                for agency in agencies {
                    petitions.push(worker.take_in_petitions(&agency, now()).await?);
                }
                let outbox = worker.drain(now, more_time).await?;
                Ok(JobReport::Petitions { petitions, outbox })
            }
            Job::Reconcile { agency, from, to } => {
                let today = now().date();
                let to = to.unwrap_or(today);
                let from = from.unwrap_or_else(|| {
                    to.checked_sub_days(Days::new(RECONCILE_DAYS)).unwrap_or(to)
                });
                let agencies = match agency {
                    Some(one) => vec![one],
                    None => worker.agencies_listed().await?,
                };
                let mut reports = Vec::with_capacity(agencies.len());
                for agency in agencies {
                    reports.push(worker.reconcile(&agency, from, to, now()).await?);
                }
                Ok(JobReport::Reconcile(reports))
            }
            Job::Statistics { month, agency } => {
                let month = month.unwrap_or_else(|| Month::of(now().date()).previous());
                let agencies = match agency {
                    Some(one) => vec![one],
                    None => worker.agencies_listed().await?,
                };
                let mut statistics = Vec::with_capacity(agencies.len());
                let mut evaluations = Vec::with_capacity(agencies.len());
                for agency in agencies {
                    statistics.push(worker.send_statistics(&agency, month).await?);
                    evaluations.push(worker.send_evaluations(&agency, month).await?);
                }
                Ok(JobReport::Statistics {
                    statistics,
                    evaluations,
                })
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn events_name_their_job() {
        assert_eq!(Job::from_event(json!({})).unwrap(), Job::Outbox);
        assert_eq!(
            Job::from_event(serde_json::Value::Null).unwrap(),
            Job::Outbox
        );
        assert_eq!(
            Job::from_event(json!({"job": "reconcile"})).unwrap(),
            Job::Reconcile {
                agency: None,
                from: None,
                to: None
            }
        );
        assert_eq!(
            Job::from_event(json!({"job": "reconcile", "agency": "000.00.01.H29", "from": "2026-06-01", "to": "2026-06-30"}))
                .unwrap(),
            Job::Reconcile {
                agency: Some(AgencyCode::parse("000.00.01.H29").unwrap()),
                from: NaiveDate::from_ymd_opt(2026, 6, 1),
                to: NaiveDate::from_ymd_opt(2026, 6, 30),
            }
        );
        assert_eq!(
            Job::from_event(json!({"job": "statistics"})).unwrap(),
            Job::Statistics {
                month: None,
                agency: None
            }
        );
        assert_eq!(
            Job::from_event(
                json!({"job": "statistics", "month": "2026-06", "agency": "000.00.01.H29"})
            )
            .unwrap(),
            Job::Statistics {
                month: Some(Month::parse("2026-06").unwrap()),
                agency: Some(AgencyCode::parse("000.00.01.H29").unwrap()),
            }
        );
        assert!(Job::from_event(json!({"job": "statistics", "month": "2026-6"})).is_err());
        assert_eq!(
            Job::from_event(json!({"job": "intake"})).unwrap(),
            Job::Intake { agency: None }
        );
        assert_eq!(
            Job::from_event(json!({"job": "questions", "agency": "000.00.01.H29"})).unwrap(),
            Job::Questions {
                agency: Some(AgencyCode::parse("000.00.01.H29").unwrap())
            }
        );
        assert_eq!(
            Job::from_event(json!({"job": "petitions"})).unwrap(),
            Job::Petitions { agency: None }
        );
        assert!(Job::from_event(json!({"job": "rebuild"})).is_err());
        assert!(Job::from_event(json!({"job": "reconcile", "agency": "H29"})).is_err());
    }
}
