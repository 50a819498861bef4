//! The public statistics (`/thong-ke/` on the site): each agency's months,
//! in total and per procedure, and the whole portal's, by the QĐ 766 rules
//! the national table is counted by.
//!
//! ## What each figure is
//!
//! Every dossier counts in a month as [`Standing::of`] places it — the one
//! rule of [`MonthlyTally`], so the public page and the national table
//! (`DongBoThongKeHoSo`) never disagree ([`Figures::tally`] is that table).
//!
//! | column | counted as |
//! |---|---|
//! | Tiếp nhận | received in the month (withdrawn dossiers left out, as in the national table) |
//! | Kỳ trước chuyển sang | received before the month, not resolved at its start |
//! | Giải quyết trước hạn | resolved in the month on a day before the appointment day ([`crate::Timeliness::Early`]) |
//! | Giải quyết đúng hạn | resolved in the month by the appointment, or without a resolution time to miss |
//! | Giải quyết trễ hạn | resolved in the month after the appointment |
//! | Đang giải quyết trong hạn | open at the month's end, the appointment not passed (or none) |
//! | Đang giải quyết quá hạn | open at the month's end, past the appointment |
//! | Tỷ lệ giải quyết đúng hạn | (trước hạn + đúng hạn) ÷ giải quyết (QĐ 766 2.1) |
//! | Tỷ lệ nộp trực tuyến | received in the month through the online channel ([`Channel::Online`]: this portal or the national one) ÷ received in the month (QĐ 766 3.3) |
//! | Mức độ hài lòng | ratings given in the month whose applicant was not dissatisfied ([`Rating::overall`] is not [`Satisfaction::Dissatisfied`]: no indicator answered "Không hài lòng") ÷ ratings given in the month |
//!
//! A share of nothing (no dossier resolved, received or rated) is no share
//! ([`share`] gives none), shown as "—", not as 0 % or 100 %. Shares are
//! in tenths of a percent, rounded half up.
//!
//! "Mức độ hài lòng" is the raters' own answer; QĐ 766's indicator 5.4 (the
//! leaders' scorecard) also takes off overdue dossiers and those a petition
//! names, which the public page shows in their own columns.
//!
//! A rating belongs to the month it was given in and to its dossier's
//! procedure; a dossier to its procedure. An agency's figures are the sums
//! of its procedures' (every dossier and rating has one), and the portal's
//! the sums of its agencies' ([`MonthFigures::add`]).
//!
//! A month still running is counted as of an instant (the publication's
//! cut, say today at 00:00): what happened at or after it has not happened
//! yet, as [`MonthlyTally::as_of`] counts it.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use chrono::NaiveDateTime;

use crate::codes::ProcedureCode;
use crate::procedure::Channel;
#[allow(unused_imports)] // for the documentation's links
use crate::rating::Rating;
use crate::rating::Satisfaction;
use crate::statistics::{DossierFacts, Month, MonthlyTally, Outcome, Standing};

/// What the public statistics need of one dossier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicDossier {
    pub facts: DossierFacts,
    pub procedure: ProcedureCode,
    pub channel: Channel,
}

/// What the public statistics need of one rating: when it was first
/// given, its dossier's procedure and the applicant's answer as one
/// ([`Rating::overall`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RatingFacts {
    pub given_at: NaiveDateTime,
    pub procedure: ProcedureCode,
    pub overall: Satisfaction,
}

/// The figures of one month, for a procedure, an agency or the portal.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Figures {
    pub received: u64,
    pub carried_over: u64,
    pub resolved_early: u64,
    pub resolved_on_time: u64,
    pub resolved_late: u64,
    pub open_within: u64,
    pub open_overdue: u64,
    /// Withdrawn dossiers received in the month, left out of every count.
    pub withdrawn: u64,
    /// Of `received`, those received through the online channel.
    pub received_online: u64,
    /// Ratings given in the month.
    pub rated: u64,
    /// Of `rated`, those whose applicant was dissatisfied.
    pub rated_dissatisfied: u64,
}

impl Figures {
    fn add_dossier(&mut self, standing: Standing, channel: Channel) {
        let Standing::Counted { received, outcome } = standing else {
            self.withdrawn += u64::from(standing == Standing::Withdrawn);
            return;
        };
        if received {
            self.received += 1;
            self.received_online += u64::from(channel == Channel::Online);
        } else {
            self.carried_over += 1;
        }
        *match outcome {
            Outcome::Early => &mut self.resolved_early,
            Outcome::OnTime => &mut self.resolved_on_time,
            Outcome::Late => &mut self.resolved_late,
            Outcome::OpenWithin => &mut self.open_within,
            Outcome::OpenOverdue => &mut self.open_overdue,
        } += 1;
    }

    fn add_rating(&mut self, overall: Satisfaction) {
        self.rated += 1;
        self.rated_dissatisfied += u64::from(overall == Satisfaction::Dissatisfied);
    }

    /// The national table of the same month (`DongBoThongKeHoSo`).
    pub fn tally(&self, month: Month) -> MonthlyTally {
        MonthlyTally {
            month,
            received: self.received,
            carried_over: self.carried_over,
            resolved_in_time: self.resolved_in_time(),
            resolved_late: self.resolved_late,
            open_within: self.open_within,
            open_overdue: self.open_overdue,
            withdrawn: self.withdrawn,
        }
    }

    /// Received in the month and carried over.
    pub fn total(&self) -> u64 {
        self.received + self.carried_over
    }

    /// Resolved early or on time.
    pub fn resolved_in_time(&self) -> u64 {
        self.resolved_early + self.resolved_on_time
    }

    pub fn resolved(&self) -> u64 {
        self.resolved_in_time() + self.resolved_late
    }

    pub fn open(&self) -> u64 {
        self.open_within + self.open_overdue
    }

    /// Tỷ lệ giải quyết đúng hạn: early or on time ÷ resolved.
    pub fn in_time_share(&self) -> Option<u32> {
        share(self.resolved_in_time(), self.resolved())
    }

    /// Tỷ lệ nộp trực tuyến: received online ÷ received.
    pub fn online_share(&self) -> Option<u32> {
        share(self.received_online, self.received)
    }

    /// Mức độ hài lòng: ratings not dissatisfied ÷ ratings.
    pub fn satisfaction(&self) -> Option<u32> {
        share(self.rated - self.rated_dissatisfied, self.rated)
    }

    /// Nothing to show: no dossier counted or left out, no rating.
    pub fn is_empty(&self) -> bool {
        *self == Figures::default()
    }
}

impl AddAssign<&Figures> for Figures {
    fn add_assign(&mut self, other: &Figures) {
        self.received += other.received;
        self.carried_over += other.carried_over;
        self.resolved_early += other.resolved_early;
        self.resolved_on_time += other.resolved_on_time;
        self.resolved_late += other.resolved_late;
        self.open_within += other.open_within;
        self.open_overdue += other.open_overdue;
        self.withdrawn += other.withdrawn;
        self.received_online += other.received_online;
        self.rated += other.rated;
        self.rated_dissatisfied += other.rated_dissatisfied;
    }
}

/// `part ÷ whole` in tenths of a percent (`1000` is 100 %), rounded half
/// up; none when the whole is nothing.
pub fn share(part: u64, whole: u64) -> Option<u32> {
    if whole == 0 {
        return None;
    }
    let part = u128::from(part.min(whole));
    let whole = u128::from(whole);
    u32::try_from((part * 2000 + whole) / (2 * whole)).ok()
}

/// One month of an agency (or of the portal): its figures and each
/// procedure's, those with anything to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Month,
    /// The instant it was counted at: the month's end once it is over.
    pub as_of: NaiveDateTime,
    pub total: Figures,
    pub procedures: BTreeMap<ProcedureCode, Figures>,
}

impl MonthFigures {
    /// `month` of the given dossiers and ratings, as of `at` (the
    /// month's end if `at` is later).
    pub fn of(
        month: Month,
        at: NaiveDateTime,
        dossiers: &[PublicDossier],
        ratings: &[RatingFacts],
    ) -> Self {
        let as_of = month.end().min(at);
        let mut figures = MonthFigures {
            month,
            as_of,
            total: Figures::default(),
            procedures: BTreeMap::new(),
        };
        for d in dossiers {
            let standing = Standing::of(month, as_of, &d.facts);
            if standing != Standing::Outside {
                figures.total.add_dossier(standing, d.channel);
                figures
                    .procedures
                    .entry(d.procedure.clone())
                    .or_default()
                    .add_dossier(standing, d.channel);
            }
        }
        for r in ratings {
            if month.contains(r.given_at) && r.given_at < as_of {
                figures.total.add_rating(r.overall);
                figures
                    .procedures
                    .entry(r.procedure.clone())
                    .or_default()
                    .add_rating(r.overall);
            }
        }
        figures
    }

    /// The month is over at the instant it was counted at.
    pub fn complete(&self) -> bool {
        self.as_of >= self.month.end()
    }

    /// Adds another agency's figures of the same month (the portal's
    /// figures are the sums of its agencies').
    pub fn add(&mut self, other: &MonthFigures) {
        debug_assert_eq!(self.month, other.month);
        self.total += &other.total;
        for (code, figures) in &other.procedures {
            *self.procedures.entry(code.clone()).or_default() += figures;
        }
    }

    /// An empty month to add agencies' months to.
    pub fn empty(month: Month, as_of: NaiveDateTime) -> Self {
        MonthFigures {
            month,
            as_of: month.end().min(as_of),
            total: Figures::default(),
            procedures: BTreeMap::new(),
        }
    }
}

/// The `count` months that end with the month of the last instant before
/// `at`, oldest first: the months a publication cut at `at` shows (the
/// month of `at` itself only once something of it is before `at`).
pub fn months_before(at: NaiveDateTime, count: u32) -> Vec<Month> {
    let last = Month::of((at - chrono::Duration::nanoseconds(1)).date());
    (0..count).rev().map(|n| last.months_before(n)).collect()
}

/// Each of `months` (oldest first, as [`months_before`] gives them) of
/// one agency's dossiers and ratings, as of `at`.
pub fn agency_months(
    months: &[Month],
    at: NaiveDateTime,
    dossiers: &[PublicDossier],
    ratings: &[RatingFacts],
) -> Vec<MonthFigures> {
    months
        .iter()
        .map(|month| MonthFigures::of(*month, at, dossiers, ratings))
        .collect()
}

/// The portal's months: the sums of every agency's same months.
pub fn portal_months<'a>(
    months: &[Month],
    at: NaiveDateTime,
    agencies: impl IntoIterator<Item = &'a [MonthFigures]>,
) -> Vec<MonthFigures> {
    let mut portal: Vec<MonthFigures> =
        months.iter().map(|m| MonthFigures::empty(*m, at)).collect();
    for agency in agencies {
        for figures in agency {
            if let Some(sum) = portal.iter_mut().find(|p| p.month == figures.month) {
                sum.add(figures);
            }
        }
    }
    portal
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Timeliness;
    use chrono::NaiveDate;

    fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn month(raw: &str) -> Month {
        Month::parse(raw).unwrap()
    }

    const BIRTH: &str = "1.001193";
    const DEATH: &str = "1.000419";

    fn code(raw: &str) -> ProcedureCode {
        ProcedureCode::parse(raw).unwrap()
    }

    struct D {
        procedure: &'static str,
        channel: Channel,
        received: NaiveDateTime,
        due: Option<NaiveDateTime>,
        finished: Option<(NaiveDateTime, Timeliness)>,
        final_stage: bool,
    }

    impl D {
        fn into(self) -> PublicDossier {
            PublicDossier {
                facts: DossierFacts {
                    received_at: self.received,
                    due_at: self.due,
                    finished: self.finished,
                    final_stage: self.final_stage,
                },
                procedure: code(self.procedure),
                channel: self.channel,
            }
        }
    }

    fn d(
        procedure: &'static str,
        channel: Channel,
        received: NaiveDateTime,
        due: NaiveDateTime,
        finished: Option<(NaiveDateTime, Timeliness)>,
    ) -> D {
        D {
            procedure,
            channel,
            received,
            due: Some(due),
            finished,
            final_stage: false,
        }
    }

    fn rated(procedure: &str, given_at: NaiveDateTime, overall: Satisfaction) -> RatingFacts {
        RatingFacts {
            given_at,
            procedure: code(procedure),
            overall,
        }
    }

    /// June 2026 of one agency, two procedures (B = khai sinh 1.001193,
    /// D = khai tử 1.000419); online (O), at the counter (C) or by post (P).
    /// Appointments at 17:00. The month ends at 01/07 00:00.
    ///
    /// | # | proc | ch | received | due   | then                 | June counts it as               |
    /// |---|------|----|----------|-------|----------------------|---------------------------------|
    /// | a | B    | O  | 01/06    | 08/06 | resolved 04/06 early | received online, early          |
    /// | b | B    | O  | 02/06    | 09/06 | resolved 09/06 on time | received online, on time      |
    /// | c | B    | C  | 03/06    | 10/06 | resolved 12/06 late  | received, late                  |
    /// | d | B    | C  | 20/05    | 27/05 | open                 | carried over, open overdue      |
    /// | e | B    | P  | 22/06    | 03/07 | open                 | received, open within           |
    /// | f | B    | O  | 10/06    | 17/06 | withdrawn            | withdrawn (left out)            |
    /// | g | D    | O  | 28/05    | 04/06 | resolved 03/06 early | carried over, early             |
    /// | h | D    | C  | 15/06    | 22/06 | resolved 22/06 on time | received, on time             |
    /// | i | D    | O  | 25/06    | 29/06 | open                 | received online, open overdue   |
    /// | j | D    | O  | 10/05    | 15/05 | resolved 14/05 early | nothing (resolved in May)       |
    /// | k | D    | C  | 01/07    | 08/07 | open                 | nothing (received in July)      |
    /// | l | D    | O  | 26/06    | none  | resolved 30/06, no resolution time | received online, on time |
    ///
    /// Ratings given in June: B very satisfied (a), B dissatisfied (c);
    /// D satisfied (g), D very satisfied (h); one given 02/07 (July, left
    /// out) and one given 30/05 (May, left out).
    ///
    /// | | received | online | carried | early | on time | late | within | overdue | withdrawn | rated | not dissatisfied |
    /// |---|---|---|---|---|---|---|---|---|---|---|---|
    /// | B | a b c e = 4 | a b = 2 | d = 1 | a = 1 | b = 1 | c = 1 | e = 1 | d = 1 | f = 1 | 2 | 1 |
    /// | D | h i l = 3 | i l = 2 | g = 1 | g = 1 | h l = 2 | 0 | 0 | i = 1 | 0 | 2 | 2 |
    /// | agency | 7 | 4 | 2 | 2 | 3 | 1 | 1 | 2 | 1 | 4 | 3 |
    ///
    /// Shares, agency: in time (2 + 3) ÷ 6 resolved = 83.3 %; online 4 ÷ 7
    /// = 57.1 %; satisfied 3 ÷ 4 = 75.0 %. B: in time 2 ÷ 3 = 66.7 %, online
    /// 2 ÷ 4 = 50.0 %, satisfied 1 ÷ 2 = 50.0 %. D: in time 3 ÷ 3 = 100.0 %,
    /// online 2 ÷ 3 = 66.7 %, satisfied 2 ÷ 2 = 100.0 %.
    fn june() -> (Vec<PublicDossier>, Vec<RatingFacts>) {
        use Channel::*;
        use Timeliness::*;
        let due = |m, d| at(m, d, 17);
        let dossiers = vec![
            d(
                BIRTH,
                Online,
                at(6, 1, 9),
                due(6, 8),
                Some((at(6, 4, 9), Early)),
            ),
            d(
                BIRTH,
                Online,
                at(6, 2, 9),
                due(6, 9),
                Some((at(6, 9, 16), OnTime)),
            ),
            d(
                BIRTH,
                InPerson,
                at(6, 3, 9),
                due(6, 10),
                Some((at(6, 12, 9), Late)),
            ),
            d(BIRTH, InPerson, at(5, 20, 9), due(5, 27), None),
            d(BIRTH, Post, at(6, 22, 9), due(7, 3), None),
            D {
                final_stage: true,
                ..d(BIRTH, Online, at(6, 10, 9), due(6, 17), None)
            },
            d(
                DEATH,
                Online,
                at(5, 28, 9),
                due(6, 4),
                Some((at(6, 3, 9), Early)),
            ),
            d(
                DEATH,
                InPerson,
                at(6, 15, 9),
                due(6, 22),
                Some((at(6, 22, 10), OnTime)),
            ),
            d(DEATH, Online, at(6, 25, 9), due(6, 29), None),
            d(
                DEATH,
                Online,
                at(5, 10, 9),
                due(5, 15),
                Some((at(5, 14, 9), Early)),
            ),
            d(DEATH, InPerson, at(7, 1, 9), due(7, 8), None),
            D {
                due: None,
                ..d(
                    DEATH,
                    Online,
                    at(6, 26, 9),
                    due(6, 26),
                    Some((at(6, 30, 9), NoDeadline)),
                )
            },
        ]
        .into_iter()
        .map(D::into)
        .collect();
        let ratings = vec![
            rated(BIRTH, at(6, 5, 9), Satisfaction::VerySatisfied),
            rated(BIRTH, at(6, 13, 9), Satisfaction::Dissatisfied),
            rated(DEATH, at(6, 4, 9), Satisfaction::Satisfied),
            rated(DEATH, at(6, 23, 9), Satisfaction::VerySatisfied),
            rated(DEATH, at(7, 2, 9), Satisfaction::Dissatisfied),
            rated(DEATH, at(5, 30, 9), Satisfaction::Dissatisfied),
        ];
        (dossiers, ratings)
    }

    #[allow(clippy::too_many_arguments)]
    fn figures(
        received: u64,
        received_online: u64,
        carried_over: u64,
        (resolved_early, resolved_on_time, resolved_late): (u64, u64, u64),
        (open_within, open_overdue): (u64, u64),
        withdrawn: u64,
        (rated, not_dissatisfied): (u64, u64),
    ) -> Figures {
        Figures {
            received,
            carried_over,
            resolved_early,
            resolved_on_time,
            resolved_late,
            open_within,
            open_overdue,
            withdrawn,
            received_online,
            rated,
            rated_dissatisfied: rated - not_dissatisfied,
        }
    }

    #[test]
    fn a_hand_built_june_gives_the_hand_computed_table() {
        let (dossiers, ratings) = june();
        let june = MonthFigures::of(month("2026-06"), at(7, 5, 0), &dossiers, &ratings);
        assert!(june.complete());
        let birth = figures(4, 2, 1, (1, 1, 1), (1, 1), 1, (2, 1));
        let death = figures(3, 2, 1, (1, 2, 0), (0, 1), 0, (2, 2));
        let agency = figures(7, 4, 2, (2, 3, 1), (1, 2), 1, (4, 3));
        assert_eq!(june.procedures[&code(BIRTH)], birth);
        assert_eq!(june.procedures[&code(DEATH)], death);
        assert_eq!(june.procedures.len(), 2);
        assert_eq!(june.total, agency);

        let shares = |f: &Figures| (f.in_time_share(), f.online_share(), f.satisfaction());
        assert_eq!(shares(&agency), (Some(833), Some(571), Some(750)));
        assert_eq!(shares(&birth), (Some(667), Some(500), Some(500)));
        assert_eq!(shares(&death), (Some(1000), Some(667), Some(1000)));
        assert_eq!(
            (agency.total(), agency.resolved(), agency.open()),
            (9, 6, 3)
        );
    }

    #[test]
    fn the_figures_are_the_national_tally_split() {
        let (dossiers, ratings) = june();
        let june = month("2026-06");
        let figures = MonthFigures::of(june, june.end(), &dossiers, &ratings);
        let tally = MonthlyTally::of(june, dossiers.iter().map(|d| d.facts));
        assert_eq!(figures.total.tally(june), tally);
        // Every procedure's national table adds up to the agency's.
        let mut sum = Figures::default();
        for f in figures.procedures.values() {
            sum += f;
        }
        assert_eq!(sum, figures.total);
    }

    /// June counted at 15/06 00:00: c (resolved 12/06, late) and g are
    /// resolved; a and b too. h is received 15/06 09:00: not yet. d is
    /// overdue since 27/05. The ratings of 05/06 and 13/06 and 04/06 count.
    #[test]
    fn a_month_in_progress_counts_what_happened_before_the_cut() {
        let (dossiers, ratings) = june();
        let cut = at(6, 15, 0);
        let june = MonthFigures::of(month("2026-06"), cut, &dossiers, &ratings);
        assert!(!june.complete());
        assert_eq!(june.as_of, cut);
        // Received a b c (f withdrawn); carried over d g.
        let agency = figures(3, 2, 2, (2, 1, 1), (0, 1), 1, (3, 2));
        assert_eq!(june.total, agency);
        assert_eq!(
            june.total.tally(june.month),
            MonthlyTally::as_of(june.month, cut, dossiers.iter().map(|d| d.facts))
        );
    }

    #[test]
    fn the_portal_is_the_sum_of_its_agencies() {
        let (dossiers, ratings) = june();
        let months = months_before(at(7, 1, 0), 2);
        assert_eq!(months, [month("2026-05"), month("2026-06")]);
        let first = agency_months(&months, at(7, 1, 0), &dossiers, &ratings);
        let (births, deaths): (Vec<_>, Vec<_>) = dossiers
            .iter()
            .cloned()
            .partition(|d| d.procedure == code(BIRTH));
        let second = agency_months(&months, at(7, 1, 0), &births, &[]);
        let third = agency_months(&months, at(7, 1, 0), &deaths, &ratings);
        let portal = portal_months(
            &months,
            at(7, 1, 0),
            [first.as_slice(), second.as_slice(), third.as_slice()],
        );
        let june = &portal[1];
        let one = first[1].total;
        let mut twice = one;
        twice += &one;
        assert_eq!(june.total, twice);
        assert_eq!(
            june.procedures[&code(BIRTH)].received,
            2 * first[1].procedures[&code(BIRTH)].received
        );
        // May: j received and resolved, d and g received and open at its end,
        // the rating of 30/05 (dissatisfied).
        let may = &first[0].total;
        assert_eq!((may.received, may.resolved_early, may.open()), (3, 1, 2));
        assert_eq!((may.rated, may.satisfaction()), (1, Some(0)));
    }

    #[test]
    fn the_months_shown_end_with_the_last_day_before_the_cut() {
        let months = |at| {
            months_before(at, 3)
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
        };
        // Published on 01/07 (cut at its 00:00): June is complete, July has nothing yet.
        assert_eq!(months(at(7, 1, 0)), ["2026-04", "2026-05", "2026-06"]);
        assert_eq!(months(at(7, 2, 0)), ["2026-05", "2026-06", "2026-07"]);
        assert_eq!(
            months_before(
                NaiveDate::from_ymd_opt(2026, 1, 1)
                    .unwrap()
                    .and_hms_opt(0, 0, 0)
                    .unwrap(),
                2
            )
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
            ["2025-11", "2025-12"]
        );
    }

    #[test]
    fn shares_round_half_up_and_nothing_has_none() {
        assert_eq!(share(0, 0), None);
        assert_eq!(share(1, 3), Some(333));
        assert_eq!(share(2, 3), Some(667));
        assert_eq!(share(1, 8), Some(125));
        assert_eq!(share(1, 2000), Some(1)); // 0.05 % rounds up to 0.1 %
        assert_eq!(share(5, 5), Some(1000));
        assert_eq!(Figures::default().satisfaction(), None);
        assert!(Figures::default().is_empty());
    }
}
