//! An agency's monthly tally of dossiers by the QĐ 766/QĐ-TTg rules, the
//! table the national portal receives as `DongBoThongKeHoSo` (QCVN 120 §3):
//! received in the month, carried over from before it, resolved in it (in
//! time or late) and still open at its end (within the appointment or past
//! it).
//!
//! How each kind of dossier counts:
//! - **Resolved** means processing ended (domain brief, "On time"): the
//!   time of "Đã xử lý xong", else "Đã trả kết quả", else the refusal or the
//!   stop. So a dossier **refused** at intake (status 3) or **stopped**
//!   (status 8) counts as resolved at the refusal or stop, early, on time or
//!   late as [`crate::evaluate`] judged it: the brief's rule measures them,
//!   and the leaders' dashboard counts them the same way.
//! - A dossier **withdrawn** at the applicant's request (status 7) is
//!   "not counted either way" ([`Timeliness::Withdrawn`]): a withdrawal is
//!   no processing end, and leaving it open would report the agency late on
//!   a dossier it may not finish. It is left out of every count of every
//!   month, the received ones included, so that the parts still add up;
//!   [`MonthlyTally::withdrawn`] says how many received in the month were
//!   left out. The dossier's record does not keep when it was withdrawn,
//!   so a dossier withdrawn after the month also drops out of that month
//!   when the month is tallied again later.
//! - A dossier whose procedure has **no resolution time**
//!   ([`Timeliness::NoDeadline`], or no appointment while open) has no
//!   deadline to miss: resolved in time, or open within the deadline.
//! - An open dossier stands, at the month's end, against its appointment as
//!   its record holds it (supplement waits added back). The record keeps
//!   the current appointment, Mẫu 04 extensions included, and not the
//!   number of supplement rounds, so an extended dossier reads "within the
//!   deadline" here while [`crate::evaluate`] will call it late once
//!   resolved — the same line the work queues and the dashboard draw.
//!
//! A month runs from its first day at 00:00 to the next month's first day
//! at 00:00, excluded; times are Vietnam's civil time. A month still
//! running is tallied as of an instant ([`MonthlyTally::as_of`]): the
//! month so far, open dossiers standing against their appointment then.
//!
//! [`Standing::of`] is the rule for one dossier, which every table of the
//! portal folds: this national table, and the public statistics
//! ([`crate::public_statistics`]), which split "in time" into early and on
//! time.

use std::fmt;

use chrono::{Datelike, Months, NaiveDate, NaiveDateTime, NaiveTime};
use serde::{Deserialize, Serialize};

use crate::timeliness::Timeliness;

/// A month's table is counted from the dossiers received in it and in
/// this many months before it: a dossier received earlier and still open
/// at the month's start is not carried over. Each month is one register
/// `Query` (and one per further 1 MB page); resolution times are counted
/// in working days, a few months at most, so a dossier open for over a
/// year is an anomaly for the work queues, not for the monthly tables.
pub const CARRY_OVER_MONTHS: u32 = 12;

/// A calendar month, written `YYYY-MM`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    /// Its first day.
    first: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a month (YYYY-MM, e.g. 2026-06)")]
pub struct MonthError(pub String);

impl Month {
    /// Reads `YYYY-MM`: four digits, a dash, a month 01–12.
    pub fn parse(raw: &str) -> Result<Self, MonthError> {
        let bad = || MonthError(raw.to_owned());
        let (year, month) = raw.split_once('-').ok_or_else(bad)?;
        let digits = |s: &str, n: usize| s.len() == n && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(month, 2) {
            return Err(bad());
        }
        let year: i32 = year.parse().map_err(|_| bad())?;
        let month: u32 = month.parse().map_err(|_| bad())?;
        NaiveDate::from_ymd_opt(year, month, 1)
            .filter(|_| year >= 1)
            .map(|first| Month { first })
            .ok_or_else(bad)
    }

    /// The month `day` falls in.
    pub fn of(day: NaiveDate) -> Self {
        Month {
            first: day.with_day(1).unwrap_or(day),
        }
    }

    pub fn year(self) -> i32 {
        self.first.year()
    }

    /// 1 for January … 12 for December.
    pub fn number(self) -> u32 {
        self.first.month()
    }

    pub fn first_day(self) -> NaiveDate {
        self.first
    }

    pub fn last_day(self) -> NaiveDate {
        self.end().date().pred_opt().unwrap_or(self.first)
    }

    /// Its first instant.
    pub fn start(self) -> NaiveDateTime {
        self.first.and_time(NaiveTime::MIN)
    }

    /// The first instant after it: the next month's start.
    pub fn end(self) -> NaiveDateTime {
        self.first
            .checked_add_months(Months::new(1))
            .unwrap_or(NaiveDate::MAX)
            .and_time(NaiveTime::MIN)
    }

    /// The month `n` months before this one.
    pub fn months_before(self, n: u32) -> Self {
        Month {
            first: self
                .first
                .checked_sub_months(Months::new(n))
                .unwrap_or(NaiveDate::MIN),
        }
    }

    pub fn previous(self) -> Self {
        self.months_before(1)
    }

    pub fn contains(self, at: NaiveDateTime) -> bool {
        self.start() <= at && at < self.end()
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.number())
    }
}

impl TryFrom<String> for Month {
    type Error = MonthError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Month::parse(&raw)
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// What the tally needs of one dossier, as its record holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DossierFacts {
    /// When it was received: the month of the register (Mẫu 06).
    pub received_at: NaiveDateTime,
    /// Its appointment, if its procedure has a resolution time.
    pub due_at: Option<NaiveDateTime>,
    /// When processing ended (processed, returned, refused or stopped)
    /// and how that stood against the appointment.
    pub finished: Option<(NaiveDateTime, Timeliness)>,
    /// Its stage is final: no move leaves it. A final stage without a
    /// processing end is a withdrawal (refusals and stops have one).
    pub final_stage: bool,
}

impl DossierFacts {
    fn withdrawn(&self) -> bool {
        match self.finished {
            Some((_, timeliness)) => timeliness == Timeliness::Withdrawn,
            None => self.final_stage,
        }
    }
}

/// An agency's month. The totals of the national table that are sums are
/// methods, so they always add up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MonthlyTally {
    pub month: Month,
    /// SoNhanTrongKy: received in the month.
    pub received: u64,
    /// SoTonKyTruoc: received before the month and not resolved at its start.
    pub carried_over: u64,
    /// TongXuLyDungHan: resolved in the month, early or on time.
    pub resolved_in_time: u64,
    /// TongXuLyTreHan: resolved in the month, late.
    pub resolved_late: u64,
    /// TongChuaXuLyTrongHan: open at the month's end, the appointment not passed.
    pub open_within: u64,
    /// TongChuaXuLyTreHan: open at the month's end, past the appointment.
    pub open_overdue: u64,
    /// Withdrawn dossiers received in the month, left out of every count.
    pub withdrawn: u64,
}

/// How one dossier counts in a month's table, by the rules above.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standing {
    /// Not part of the month: received after it (or after the instant it
    /// is tallied at), resolved before it began, or withdrawn before it.
    Outside,
    /// Withdrawn, received in the month: left out of every count.
    Withdrawn,
    Counted {
        /// Received in the month; else carried over from before it.
        received: bool,
        outcome: Outcome,
    },
}

/// Where a counted dossier stands at the month's end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    /// Resolved in the month on a day before the appointment day.
    Early,
    /// Resolved in the month by the appointment, or without a resolution
    /// time to miss ([`Timeliness::NoDeadline`]).
    OnTime,
    /// Resolved in the month after the appointment.
    Late,
    /// Open at the month's end, the appointment not passed (or none).
    OpenWithin,
    /// Open at the month's end, past the appointment.
    OpenOverdue,
}

impl Outcome {
    /// Counted in `resolved_in_time` (TongXuLyDungHan).
    pub fn in_time(self) -> bool {
        matches!(self, Outcome::Early | Outcome::OnTime)
    }
}

impl Standing {
    /// How `dossier` counts in `month`, tallied at `at`: at the month's end
    /// ([`Month::end`]) or, for a month still running, earlier. What
    /// happened at or after the tally's end has not happened yet: a
    /// dossier received then is outside, one resolved then is still open.
    pub fn of(month: Month, at: NaiveDateTime, dossier: &DossierFacts) -> Standing {
        let (start, end) = (month.start(), month.end().min(at));
        if dossier.received_at >= end {
            return Standing::Outside;
        }
        let received = dossier.received_at >= start;
        if dossier.withdrawn() {
            return match received {
                true => Standing::Withdrawn,
                false => Standing::Outside,
            };
        }
        if !received && dossier.finished.is_some_and(|(at, _)| at < start) {
            return Standing::Outside;
        }
        let outcome = match dossier.finished {
            Some((at, timeliness)) if at < end => match timeliness {
                Timeliness::Late | Timeliness::Overdue => Outcome::Late,
                Timeliness::Early => Outcome::Early,
                Timeliness::OnTime
                | Timeliness::NoDeadline
                | Timeliness::WithinDeadline
                | Timeliness::Withdrawn => Outcome::OnTime,
            },
            _ => match dossier.due_at {
                Some(due) if end > due => Outcome::OpenOverdue,
                _ => Outcome::OpenWithin,
            },
        };
        Standing::Counted { received, outcome }
    }
}

impl MonthlyTally {
    /// Counts `dossiers` for `month`. Dossiers received after the month,
    /// or resolved before it began, are not part of it.
    pub fn of(month: Month, dossiers: impl IntoIterator<Item = DossierFacts>) -> Self {
        Self::as_of(month, month.end(), dossiers)
    }

    /// Counts `dossiers` for `month` as they stood at `at`: the same as
    /// [`MonthlyTally::of`] once the month is over, the month so far while
    /// it runs (open dossiers against their appointment at `at`).
    pub fn as_of(
        month: Month,
        at: NaiveDateTime,
        dossiers: impl IntoIterator<Item = DossierFacts>,
    ) -> Self {
        let mut tally = MonthlyTally {
            month,
            received: 0,
            carried_over: 0,
            resolved_in_time: 0,
            resolved_late: 0,
            open_within: 0,
            open_overdue: 0,
            withdrawn: 0,
        };
        for d in dossiers {
            tally.add(Standing::of(month, at, &d));
        }
        tally
    }

    fn add(&mut self, standing: Standing) {
        let Standing::Counted { received, outcome } = standing else {
            self.withdrawn += u64::from(standing == Standing::Withdrawn);
            return;
        };
        match received {
            true => self.received += 1,
            false => self.carried_over += 1,
        }
        match outcome {
            Outcome::Early | Outcome::OnTime => self.resolved_in_time += 1,
            Outcome::Late => self.resolved_late += 1,
            Outcome::OpenWithin => self.open_within += 1,
            Outcome::OpenOverdue => self.open_overdue += 1,
        }
    }

    /// TongSoXuLy: received in the month and carried over.
    pub fn total(&self) -> u64 {
        self.received + self.carried_over
    }

    /// TongDaXuLy: resolved in the month.
    pub fn resolved(&self) -> u64 {
        self.resolved_in_time + self.resolved_late
    }

    /// TongChuaXuLy: open at the month's end.
    pub fn open(&self) -> u64 {
        self.open_within + self.open_overdue
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn june() -> Month {
        Month::parse("2026-06").unwrap()
    }

    /// Received at `received`, due at `due`.
    fn open(received: NaiveDateTime, due: Option<NaiveDateTime>) -> DossierFacts {
        DossierFacts {
            received_at: received,
            due_at: due,
            finished: None,
            final_stage: false,
        }
    }

    fn done(
        received: NaiveDateTime,
        due: Option<NaiveDateTime>,
        finished: NaiveDateTime,
        timeliness: Timeliness,
    ) -> DossierFacts {
        DossierFacts {
            finished: Some((finished, timeliness)),
            ..open(received, due)
        }
    }

    fn ended(mut facts: DossierFacts) -> DossierFacts {
        facts.final_stage = true;
        facts
    }

    #[test]
    fn months_read_write_and_bound_themselves() {
        let m = june();
        assert_eq!(m.to_string(), "2026-06");
        assert_eq!((m.year(), m.number()), (2026, 6));
        assert_eq!(m.start(), at(6, 1, 0));
        assert_eq!(m.end(), at(7, 1, 0));
        assert_eq!(m.last_day(), NaiveDate::from_ymd_opt(2026, 6, 30).unwrap());
        assert!(m.contains(at(6, 1, 0)) && !m.contains(at(7, 1, 0)));
        assert_eq!(
            Month::parse("2026-01").unwrap().previous().to_string(),
            "2025-12"
        );
        assert_eq!(m.months_before(12).to_string(), "2025-06");
        assert_eq!(Month::of(at(2, 28, 9).date()).to_string(), "2026-02");
        assert_eq!(Month::parse("2025-12").unwrap().end(), at(1, 1, 0));
        for bad in [
            "2026-6",
            "2026-13",
            "2026-00",
            "26-06",
            "2026/06",
            "",
            "2026-06-01",
            "0000-01",
        ] {
            assert!(Month::parse(bad).is_err(), "{bad}");
        }
        let json: Month = serde_json::from_str("\"2026-06\"").unwrap();
        assert_eq!(json, m);
        assert_eq!(serde_json::to_string(&m).unwrap(), "\"2026-06\"");
        assert!(serde_json::from_str::<Month>("\"2026-6\"").is_err());
    }

    /// June 2026, one dossier of each case. The month ends at 01/07 00:00.
    ///
    /// | # | received | appointment | resolved          | counts as                          |
    /// |---|----------|-------------|-------------------|------------------------------------|
    /// | a | 01/06    | 08/06       | 05/06 early       | received, resolved in time         |
    /// | b | 02/06    | 09/06       | 09/06 on time     | received, resolved in time         |
    /// | c | 03/06    | 10/06       | 15/06 late        | received, resolved late            |
    /// | d | 25/05    | 01/06       | 03/06 late        | carried over, resolved late        |
    /// | e | 28/05    | 04/06       | 04/06 on time     | carried over, resolved in time     |
    /// | f | 20/05    | 27/05       | open              | carried over, open overdue         |
    /// | g | 10/04    | 17/04       | 15/05 late        | nothing (resolved before June)     |
    /// | h | 10/06    | 17/06       | withdrawn         | nothing; withdrawn in June: 1      |
    /// | i | 05/05    | 12/05       | withdrawn         | nothing                            |
    /// | j | 12/06    | 19/06       | refused 12/06     | received, resolved in time         |
    /// | k | 15/06    | 22/06       | stopped 30/06 late| received, resolved late            |
    /// | l | 20/06    | 01/07 17:00 | open              | received, open within              |
    /// | m | 22/06    | 29/06       | open              | received, open overdue             |
    /// | n | 25/06    | 02/07       | 03/07 late        | received, open within (at 01/07)   |
    /// | o | 26/06    | none        | 30/06 no deadline | received, resolved in time         |
    /// | p | 01/07    | 08/07       | open              | nothing (received after June)      |
    /// | q | 29/05    | 01/07 00:00 | open              | carried over, open within (due at the end) |
    ///
    /// Received: a b c j k l m n o = 9; carried over: d e f q = 4; total 13.
    /// Resolved in time: a b e j o = 5; late: c d k = 3; resolved 8.
    /// Open within: l n q = 3; overdue: f m = 2; open 5. 13 = 8 + 5.
    #[test]
    fn a_hand_built_june() {
        use Timeliness::*;
        let due = |m, d| Some(at(m, d, 17));
        let dossiers = [
            done(at(6, 1, 9), due(6, 8), at(6, 5, 10), Early),
            done(at(6, 2, 9), due(6, 9), at(6, 9, 16), OnTime),
            done(at(6, 3, 9), due(6, 10), at(6, 15, 9), Late),
            done(at(5, 25, 9), due(6, 1), at(6, 3, 9), Late),
            done(at(5, 28, 9), due(6, 4), at(6, 4, 11), OnTime),
            open(at(5, 20, 9), due(5, 27)),
            done(at(4, 10, 9), due(4, 17), at(5, 15, 9), Late),
            ended(open(at(6, 10, 9), due(6, 17))),
            ended(open(at(5, 5, 9), due(5, 12))),
            ended(done(at(6, 12, 9), due(6, 19), at(6, 12, 14), Early)),
            ended(done(at(6, 15, 9), due(6, 22), at(6, 30, 16), Late)),
            open(at(6, 20, 9), due(7, 1)),
            open(at(6, 22, 9), due(6, 29)),
            done(at(6, 25, 9), due(7, 2), at(7, 3, 9), Late),
            done(at(6, 26, 9), None, at(6, 30, 10), NoDeadline),
            open(at(7, 1, 8), due(7, 8)),
            open(at(5, 29, 9), Some(at(7, 1, 0))),
        ];
        let tally = MonthlyTally::of(june(), dossiers);
        assert_eq!(
            tally,
            MonthlyTally {
                month: june(),
                received: 9,
                carried_over: 4,
                resolved_in_time: 5,
                resolved_late: 3,
                open_within: 3,
                open_overdue: 2,
                withdrawn: 1,
            }
        );
        assert_eq!((tally.total(), tally.resolved(), tally.open()), (13, 8, 5));
    }

    #[test]
    fn the_month_is_half_open() {
        // Received at the first instant counts; resolved at the next month's
        // first instant is still open at the end.
        let d = done(
            at(6, 1, 0),
            Some(at(6, 30, 17)),
            at(7, 1, 0),
            Timeliness::Late,
        );
        let tally = MonthlyTally::of(june(), [d]);
        assert_eq!(
            (tally.received, tally.resolved(), tally.open_overdue),
            (1, 0, 1)
        );
        // Carried over: resolved at June's first instant counts in June.
        let d = done(
            at(5, 31, 9),
            Some(at(6, 5, 17)),
            at(6, 1, 0),
            Timeliness::OnTime,
        );
        let tally = MonthlyTally::of(june(), [d]);
        assert_eq!((tally.carried_over, tally.resolved_in_time), (1, 1));
        let tally = MonthlyTally::of(june().previous(), [d]);
        assert_eq!((tally.received, tally.open_within), (1, 1));
    }

    /// June tallied at 15/06 00:00, in progress: what happened later has
    /// not happened yet.
    #[test]
    fn a_month_in_progress_is_tallied_as_of_an_instant() {
        use Timeliness::*;
        let due = |m, d| Some(at(m, d, 17));
        let dossiers = [
            // Open, due 12/06: overdue at the cut.
            open(at(6, 10, 9), due(6, 12)),
            // Open, due 19/06: within.
            open(at(6, 12, 9), due(6, 19)),
            // Resolved 16/06, after the cut: open at it, past 13/06.
            done(at(6, 5, 9), due(6, 13), at(6, 16, 9), Late),
            // Resolved 14/06, early.
            done(at(6, 8, 9), due(6, 16), at(6, 14, 9), Early),
            // Received 15/06 09:00, after the cut.
            open(at(6, 15, 9), due(6, 22)),
            // Carried over from May, due 12/06: overdue.
            open(at(5, 29, 9), due(6, 12)),
        ];
        let tally = MonthlyTally::as_of(june(), at(6, 15, 0), dossiers);
        assert_eq!((tally.received, tally.carried_over), (4, 1), "{tally:?}");
        assert_eq!(
            (tally.resolved_in_time, tally.resolved_late),
            (1, 0),
            "{tally:?}"
        );
        assert_eq!((tally.open_within, tally.open_overdue), (1, 3), "{tally:?}");
        // Once the month is over, as of any later instant is the month's tally.
        assert_eq!(
            MonthlyTally::as_of(june(), at(7, 20, 0), dossiers),
            MonthlyTally::of(june(), dossiers)
        );
        assert_eq!(
            Standing::of(june(), at(6, 15, 0), &dossiers[4]),
            Standing::Outside
        );
        assert_eq!(
            Standing::of(june(), at(6, 15, 0), &dossiers[3]),
            Standing::Counted {
                received: true,
                outcome: Outcome::Early
            }
        );
    }

    fn any_timeliness() -> impl Strategy<Value = Timeliness> {
        proptest::sample::select(vec![
            Timeliness::Early,
            Timeliness::OnTime,
            Timeliness::Late,
            Timeliness::WithinDeadline,
            Timeliness::Overdue,
            Timeliness::Withdrawn,
            Timeliness::NoDeadline,
        ])
    }

    /// Any time from 01/01/2026 over about half a year, by the hour.
    fn any_time() -> impl Strategy<Value = NaiveDateTime> {
        (0i64..4400).prop_map(|h| at(1, 1, 0) + chrono::Duration::hours(h))
    }

    fn any_facts() -> impl Strategy<Value = DossierFacts> {
        (
            any_time(),
            proptest::option::of(0i64..800),
            proptest::option::of((0i64..2000, any_timeliness())),
            any::<bool>(),
        )
            .prop_map(|(received_at, due, finished, final_stage)| DossierFacts {
                received_at,
                due_at: due.map(|h| received_at + chrono::Duration::hours(h)),
                finished: finished.map(|(h, t)| (received_at + chrono::Duration::hours(h), t)),
                final_stage,
            })
    }

    proptest! {
        #[test]
        fn the_parts_add_up(
            dossiers in proptest::collection::vec(any_facts(), 0..60),
            month in 1u32..=6,
        ) {
            let month = Month::parse(&format!("2026-{month:02}")).unwrap();
            let tally = MonthlyTally::of(month, dossiers.iter().copied());
            prop_assert_eq!(tally.total(), tally.resolved() + tally.open());
            prop_assert_eq!(tally.resolved(), tally.resolved_in_time + tally.resolved_late);
            prop_assert_eq!(tally.open(), tally.open_within + tally.open_overdue);
            let received = dossiers.iter().filter(|d| month.contains(d.received_at)).count() as u64;
            prop_assert_eq!(tally.received + tally.withdrawn, received);
            // What was open at this month's end is what the next month carries over.
            let next = MonthlyTally::of(
                Month::of(month.end().date()),
                dossiers.iter().copied(),
            );
            prop_assert_eq!(next.carried_over, tally.open());
        }
    }
}
