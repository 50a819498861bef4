//! On-time evaluation per QĐ 766/QĐ-TTg: early, on time or late for
//! finished dossiers; within the deadline or overdue for open ones.
//!
//! The deadline measured against is the appointment with the supplement
//! waits added back (the same as subtracting them from the time taken) and
//! without Mẫu 04 extensions: an apology for lateness does not make a
//! dossier on time. More than one supplement request counts as late.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::deadline::DeadlineError;
use crate::progress::DossierProgress;
use crate::status::NationalStatus;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Finished on a day before the appointment day.
    Early,
    /// Finished on the appointment day, by the appointment time.
    OnTime,
    Late,
    /// Still open, with time left.
    WithinDeadline,
    Overdue,
    /// Withdrawn by the applicant: not counted either way.
    Withdrawn,
    /// The procedure has no resolution time to measure against.
    NoDeadline,
}

impl Timeliness {
    pub fn label_vi(self) -> &'static str {
        match self {
            Timeliness::Early => "Trước hạn",
            Timeliness::OnTime => "Đúng hạn",
            Timeliness::Late => "Trễ hạn",
            Timeliness::WithinDeadline => "Trong hạn",
            Timeliness::Overdue => "Quá hạn",
            Timeliness::Withdrawn => "Đã rút hồ sơ",
            Timeliness::NoDeadline => "Không có thời hạn",
        }
    }

    /// Counted as resolved in time (early or on time) in the statistics.
    pub fn is_in_time(self) -> bool {
        matches!(self, Timeliness::Early | Timeliness::OnTime)
    }
}

/// How an open dossier stands against its appointment, for the applicant
/// and for work queues.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outlook {
    OnTrack,
    /// Due by the end of the next working day.
    DueSoon,
    Overdue,
}

impl Outlook {
    pub fn label_vi(self) -> &'static str {
        match self {
            Outlook::OnTrack => "Còn trong hạn",
            Outlook::DueSoon => "Sắp đến hạn trả kết quả",
            Outlook::Overdue => "Đã quá hạn trả kết quả",
        }
    }
}

/// Where `due` stands at `now`.
pub fn outlook(
    calendar: &WorkingCalendar,
    due: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Outlook, DeadlineError> {
    if now > due {
        return Ok(Outlook::Overdue);
    }
    let soon = calendar.next_working_day(now.date())?;
    Ok(if due.date() <= soon {
        Outlook::DueSoon
    } else {
        Outlook::OnTrack
    })
}

/// Dossiers due before this instant are at risk: overdue, or due any time
/// on or before the second working day after today (the back office's
/// early warning). It is the midnight that ends that day.
pub fn at_risk_until(
    calendar: &WorkingCalendar,
    now: NaiveDateTime,
) -> Result<NaiveDateTime, DeadlineError> {
    let day = calendar.add_working_days(now.date(), 2)?;
    let after = day.succ_opt().unwrap_or(day);
    Ok(after.and_time(chrono::NaiveTime::MIN))
}

/// Evaluates a dossier as of `now`.
pub fn evaluate(
    dossier: &DossierProgress,
    calendar: &WorkingCalendar,
    now: NaiveDateTime,
) -> Result<Timeliness, DeadlineError> {
    if dossier.national_status() == NationalStatus::WithdrawalRequested {
        return Ok(Timeliness::Withdrawn);
    }
    let Some(clock) = dossier.clock() else {
        return Ok(Timeliness::NoDeadline);
    };
    let end = dossier.processing_end().map(|e| e.at);
    let due = clock.due_without_extensions(calendar, end.unwrap_or(now))?;
    let too_many_supplements = clock.supplement_rounds() > 1;
    Ok(match end {
        Some(end) if too_many_supplements || end > due => Timeliness::Late,
        Some(end) if end.date() < due.date() => Timeliness::Early,
        Some(_) => Timeliness::OnTime,
        None if too_many_supplements || now > due => Timeliness::Overdue,
        None => Timeliness::WithinDeadline,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::test_calendar;
    use crate::progress::tests::{at, at_desk, online, run};
    use crate::status::{Action, Role};

    /// Received Mon 01/06/2026 09:00 with 5 working days: due Mon 08/06 17:00.
    fn in_review() -> DossierProgress {
        at_desk(
            at(2026, 6, 1, 9, 0),
            &[
                (Action::AssignDepartment, Role::Desk, at(2026, 6, 1, 9, 5)),
                (Action::StartReview, Role::Specialist, at(2026, 6, 1, 9, 10)),
            ],
        )
    }

    fn finish(d: &mut DossierProgress, when: NaiveDateTime) {
        run(
            d,
            &[
                (Action::SubmitForApproval, Role::Specialist, when),
                (Action::Approve, Role::AgencyLeader, when),
            ],
        );
    }

    fn verdict(d: &DossierProgress, now: NaiveDateTime) -> Timeliness {
        evaluate(d, test_calendar(), now).unwrap()
    }

    #[test]
    fn at_risk_means_due_by_the_end_of_the_second_working_day() {
        // Friday 24/04/2026: Monday 27/04 is Giỗ Tổ, so two working days on is Wednesday 29/04.
        assert_eq!(
            at_risk_until(test_calendar(), at(2026, 4, 24, 10, 0)).unwrap(),
            at(2026, 4, 30, 0, 0)
        );
    }

    #[test]
    fn the_outlook_warns_a_working_day_ahead() {
        let cal = test_calendar();
        let due = at(2026, 6, 8, 17, 0); // Monday
        assert_eq!(
            outlook(cal, due, at(2026, 6, 4, 9, 0)).unwrap(),
            Outlook::OnTrack
        );
        // Friday: the next working day is Monday, the due day.
        assert_eq!(
            outlook(cal, due, at(2026, 6, 5, 9, 0)).unwrap(),
            Outlook::DueSoon
        );
        assert_eq!(
            outlook(cal, due, at(2026, 6, 8, 17, 1)).unwrap(),
            Outlook::Overdue
        );
    }

    #[test]
    fn finished_dossiers_are_early_on_time_or_late() {
        let cases = [
            (at(2026, 6, 5, 16, 0), Timeliness::Early),
            (at(2026, 6, 8, 9, 0), Timeliness::OnTime),
            (at(2026, 6, 8, 17, 0), Timeliness::OnTime),
            (at(2026, 6, 9, 8, 0), Timeliness::Late),
        ];
        for (when, expected) in cases {
            let mut d = in_review();
            finish(&mut d, when);
            // Returning the result later does not change the verdict.
            run(
                &mut d,
                &[(Action::ReturnResult, Role::Desk, at(2026, 6, 20, 9, 0))],
            );
            assert_eq!(
                verdict(&d, at(2026, 7, 1, 0, 0)),
                expected,
                "finished {when}"
            );
        }
    }

    #[test]
    fn open_dossiers_are_within_the_deadline_or_overdue() {
        let d = in_review();
        assert_eq!(
            verdict(&d, at(2026, 6, 8, 16, 59)),
            Timeliness::WithinDeadline
        );
        assert_eq!(verdict(&d, at(2026, 6, 8, 17, 1)), Timeliness::Overdue);
    }

    #[test]
    fn supplement_time_is_subtracted_but_a_second_round_is_late() {
        let mut d = in_review();
        run(
            &mut d,
            &[
                (
                    Action::RequestSupplement,
                    Role::Specialist,
                    at(2026, 6, 2, 8, 0),
                ),
                (
                    Action::ProvideSupplement,
                    Role::Citizen,
                    at(2026, 6, 4, 8, 0),
                ),
            ],
        );
        // Two working days waited: finishing on Wed 10/06 is on time.
        let mut once = d.clone();
        finish(&mut once, at(2026, 6, 10, 15, 0));
        assert_eq!(verdict(&once, at(2026, 6, 30, 0, 0)), Timeliness::OnTime);
        run(
            &mut d,
            &[
                (
                    Action::RequestSupplement,
                    Role::Specialist,
                    at(2026, 6, 4, 9, 0),
                ),
                (Action::ProvideSupplement, Role::Desk, at(2026, 6, 4, 10, 0)),
            ],
        );
        assert_eq!(verdict(&d, at(2026, 6, 4, 11, 0)), Timeliness::Overdue);
        finish(&mut d, at(2026, 6, 5, 9, 0));
        assert_eq!(verdict(&d, at(2026, 6, 30, 0, 0)), Timeliness::Late);
    }

    #[test]
    fn an_extension_does_not_make_a_late_dossier_on_time() {
        let mut d = in_review();
        let extend = Action::Extend {
            new_due: at(2026, 6, 12, 17, 0),
        };
        run(
            &mut d,
            &[(extend, Role::AgencyLeader, at(2026, 6, 8, 10, 0))],
        );
        assert_eq!(
            d.due(test_calendar(), at(2026, 6, 8, 10, 0)).unwrap(),
            Some(at(2026, 6, 12, 17, 0))
        );
        finish(&mut d, at(2026, 6, 11, 9, 0));
        assert_eq!(verdict(&d, at(2026, 6, 30, 0, 0)), Timeliness::Late);
    }

    #[test]
    fn refusals_count_withdrawals_do_not() {
        let refused = online(
            at(2026, 6, 1, 9, 0),
            &[(Action::RefuseIntake, Role::Desk, at(2026, 6, 2, 9, 0))],
        );
        assert_eq!(verdict(&refused, at(2026, 6, 30, 0, 0)), Timeliness::Early);
        let mut withdrawn = in_review();
        run(
            &mut withdrawn,
            &[(Action::Withdraw, Role::Citizen, at(2026, 6, 20, 9, 0))],
        );
        assert_eq!(
            verdict(&withdrawn, at(2026, 6, 30, 0, 0)),
            Timeliness::Withdrawn
        );
        let untimed = DossierProgress::open(
            Action::SubmitOnline,
            crate::progress::tests::actor(Role::Citizen),
            at(2026, 6, 1, 9, 0),
            None,
            None,
        )
        .unwrap();
        assert_eq!(
            verdict(&untimed, at(2026, 6, 30, 0, 0)),
            Timeliness::NoDeadline
        );
    }
}
