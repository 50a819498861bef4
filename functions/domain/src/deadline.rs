//! Appointment dates (ngày hẹn trả) and the deadline clock of a dossier.
//!
//! How a resolution time is counted, per unit:
//! - working days: the count starts the working day after the day the
//!   dossier counts as received (Civil Code 2015 Art. 147) and the
//!   appointment is the close of office hours on the last day; fractions are
//!   office time (7.5 days = 7 days and half a day's office hours);
//! - working hours: office time from the moment of receipt;
//! - days, months: calendar time from the receipt day; a period ending on a
//!   day off ends at the close of the next working day (Civil Code Art. 148);
//! - hours: elapsed time from receipt, moved into office time if it ends
//!   outside it.
//!
//! While a supplement is requested (status 5) the clock stands still: the
//! time the dossier waited is added back. A Mẫu 04 extension sets a new
//! appointment; later pauses move it on as well.

use std::fmt;
use std::str::FromStr;

use chrono::{Duration, Months, NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::calendar::{CalendarError, WorkingCalendar};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(transparent)]
    Calendar(#[from] CalendarError),
    #[error("the clock is already paused since {0}")]
    AlreadyPaused(NaiveDateTime),
    #[error("the clock is not paused")]
    NotPaused,
    #[error("{at} is before the last recorded change at {last}")]
    BeforeLastChange {
        at: NaiveDateTime,
        last: NaiveDateTime,
    },
    #[error("an extension cannot be given while the clock is paused for a supplement")]
    ExtensionWhilePaused,
    #[error("the new appointment {new} must be later than the current one, {current}")]
    ExtensionNotLater {
        new: NaiveDateTime,
        current: NaiveDateTime,
    },
    #[error("the new appointment {0} is not on a working day")]
    ExtensionOnDayOff(NaiveDate),
    #[error("the new appointment {0} is outside office hours")]
    ExtensionOutsideOfficeHours(NaiveDateTime),
}

/// Why a resolution time could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolutionTimeError {
    #[error("resolution time `{0}` has no unit")]
    MissingUnit(String),
    #[error("resolution time `{0}` has an unknown unit")]
    UnknownUnit(String),
    #[error("resolution time `{0}` has no number")]
    MissingAmount(String),
    #[error("resolution time `{0}`: at most two decimals and at most 3650 units")]
    BadAmount(String),
    #[error("resolution time `{0}`: months must be whole")]
    FractionalMonths(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeUnit {
    WorkingDays,
    WorkingHours,
    Days,
    Hours,
    Months,
}

impl TimeUnit {
    /// How the unit is written in Vietnamese ("ngày làm việc"…).
    pub fn label_vi(self) -> &'static str {
        match self {
            TimeUnit::WorkingDays => "ngày làm việc",
            TimeUnit::WorkingHours => "giờ làm việc",
            TimeUnit::Days => "ngày",
            TimeUnit::Hours => "giờ",
            TimeUnit::Months => "tháng",
        }
    }

    fn from_label(label: &str) -> Option<Self> {
        let label = label.trim().trim_end_matches('.').to_lowercase();
        Some(match label.as_str() {
            "ngày làm việc" => TimeUnit::WorkingDays,
            "giờ làm việc" => TimeUnit::WorkingHours,
            "ngày" | "ngày lịch" => TimeUnit::Days,
            "giờ" => TimeUnit::Hours,
            "tháng" => TimeUnit::Months,
            _ => return None,
        })
    }
}

/// A procedure's resolution time (thời hạn giải quyết), e.g. 5 working days.
/// Amounts keep two decimals (the database has 6,25 and 7,5 working days).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ResolutionTimeWire", into = "ResolutionTimeWire")]
pub struct ResolutionTime {
    hundredths: u32,
    unit: TimeUnit,
}

const MAX_HUNDREDTHS: u32 = 3650 * 100;

impl ResolutionTime {
    pub fn whole(amount: u32, unit: TimeUnit) -> Result<Self, ResolutionTimeError> {
        Self::from_hundredths(amount.saturating_mul(100), unit, &format!("{amount}"))
    }

    fn from_hundredths(
        hundredths: u32,
        unit: TimeUnit,
        raw: &str,
    ) -> Result<Self, ResolutionTimeError> {
        if hundredths > MAX_HUNDREDTHS {
            return Err(ResolutionTimeError::BadAmount(raw.to_owned()));
        }
        if unit == TimeUnit::Months && !hundredths.is_multiple_of(100) {
            return Err(ResolutionTimeError::FractionalMonths(raw.to_owned()));
        }
        Ok(Self { hundredths, unit })
    }

    /// Reads an amount written with a comma or a dot as decimal separator.
    pub fn from_amount_text(amount: &str, unit: TimeUnit) -> Result<Self, ResolutionTimeError> {
        let raw = amount.trim();
        let hundredths =
            parse_hundredths(raw).ok_or_else(|| ResolutionTimeError::BadAmount(raw.to_owned()))?;
        Self::from_hundredths(hundredths, unit, raw)
    }

    pub fn unit(self) -> TimeUnit {
        self.unit
    }

    /// The amount in hundredths of the unit (750 for 7.5).
    pub fn hundredths(self) -> u32 {
        self.hundredths
    }

    pub fn amount(self) -> f64 {
        f64::from(self.hundredths) / 100.0
    }
}

fn parse_hundredths(raw: &str) -> Option<u32> {
    let normalised = raw.replace(',', ".");
    let (whole, fraction) = normalised.split_once('.').unwrap_or((&normalised, ""));
    if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || fraction.len() > 2 {
        return None;
    }
    if !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = format!("{fraction:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(fraction)
}

impl FromStr for ResolutionTime {
    type Err = ResolutionTimeError;

    /// Reads the catalogue's text: "5 ngày làm việc", "7,5 ngày làm việc", "24 giờ", "3 tháng".
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let raw = text.trim();
        let split = raw
            .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
            .unwrap_or(raw.len());
        let (amount, label) = raw.split_at(split);
        if amount.is_empty() {
            return Err(ResolutionTimeError::MissingAmount(raw.to_owned()));
        }
        if label.trim().is_empty() {
            return Err(ResolutionTimeError::MissingUnit(raw.to_owned()));
        }
        let unit = TimeUnit::from_label(label)
            .ok_or_else(|| ResolutionTimeError::UnknownUnit(raw.to_owned()))?;
        Self::from_amount_text(amount, unit)
    }
}

impl fmt::Display for ResolutionTime {
    /// Vietnamese, with a decimal comma: "7,5 ngày làm việc".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, fraction) = (self.hundredths / 100, self.hundredths % 100);
        match fraction {
            0 => write!(f, "{whole} {}", self.unit.label_vi()),
            _ if fraction % 10 == 0 => {
                write!(f, "{whole},{} {}", fraction / 10, self.unit.label_vi())
            }
            _ => write!(f, "{whole},{fraction:02} {}", self.unit.label_vi()),
        }
    }
}

/// Front-matter shape: `{ amount = 7.5, unit = "working_days" }`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ResolutionTimeWire {
    amount: f64,
    unit: TimeUnit,
}

impl TryFrom<ResolutionTimeWire> for ResolutionTime {
    type Error = ResolutionTimeError;
    fn try_from(w: ResolutionTimeWire) -> Result<Self, Self::Error> {
        let scaled = w.amount * 100.0;
        if !(0.0..=f64::from(MAX_HUNDREDTHS)).contains(&scaled)
            || (scaled - scaled.round()).abs() > 1e-6
        {
            return Err(ResolutionTimeError::BadAmount(w.amount.to_string()));
        }
        Self::from_hundredths(scaled.round() as u32, w.unit, &w.amount.to_string())
    }
}

impl From<ResolutionTime> for ResolutionTimeWire {
    fn from(t: ResolutionTime) -> Self {
        Self {
            amount: t.amount(),
            unit: t.unit,
        }
    }
}

/// A supplement wait: the clock stands still from `from` until `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pause {
    pub from: NaiveDateTime,
    pub to: Option<NaiveDateTime>,
}

/// A Mẫu 04 extension: at `at` the appointment became `new_due`. Supplement
/// waits that start later move it on like any appointment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Extension {
    pub at: NaiveDateTime,
    pub new_due: NaiveDateTime,
}

/// The deadline of one dossier: its receipt, resolution time, supplement
/// pauses and extensions. Everything is derived from these on demand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeadlineClock {
    received_at: NaiveDateTime,
    resolution: ResolutionTime,
    pauses: Vec<Pause>,
    extensions: Vec<Extension>,
}

/// The appointment for a dossier received at `received_at`, with no pause.
pub fn appointment(
    calendar: &WorkingCalendar,
    received_at: NaiveDateTime,
    resolution: ResolutionTime,
) -> Result<NaiveDateTime, DeadlineError> {
    DeadlineClock::start(received_at, resolution).due(calendar, received_at)
}

impl DeadlineClock {
    pub fn start(received_at: NaiveDateTime, resolution: ResolutionTime) -> Self {
        Self {
            received_at,
            resolution,
            pauses: Vec::new(),
            extensions: Vec::new(),
        }
    }

    pub fn received_at(&self) -> NaiveDateTime {
        self.received_at
    }

    pub fn resolution(&self) -> ResolutionTime {
        self.resolution
    }

    pub fn pauses(&self) -> &[Pause] {
        &self.pauses
    }

    pub fn extensions(&self) -> &[Extension] {
        &self.extensions
    }

    /// Since when the clock stands still, if it does.
    pub fn paused_since(&self) -> Option<NaiveDateTime> {
        self.pauses
            .last()
            .filter(|p| p.to.is_none())
            .map(|p| p.from)
    }

    /// How many times a supplement was requested.
    pub fn supplement_rounds(&self) -> usize {
        self.pauses.len()
    }

    fn last_change(&self) -> NaiveDateTime {
        let pause = self.pauses.last().map(|p| p.to.unwrap_or(p.from));
        let extension = self.extensions.last().map(|e| e.at);
        [Some(self.received_at), pause, extension]
            .into_iter()
            .flatten()
            .max()
            .expect("received_at is always there")
    }

    fn check_order(&self, at: NaiveDateTime) -> Result<(), DeadlineError> {
        let last = self.last_change();
        if at < last {
            return Err(DeadlineError::BeforeLastChange { at, last });
        }
        Ok(())
    }

    /// A supplement was requested at `at`: the clock stops.
    pub fn pause(&mut self, at: NaiveDateTime) -> Result<(), DeadlineError> {
        if let Some(since) = self.paused_since() {
            return Err(DeadlineError::AlreadyPaused(since));
        }
        self.check_order(at)?;
        self.pauses.push(Pause { from: at, to: None });
        Ok(())
    }

    /// The supplement arrived at `at`: the clock runs again.
    pub fn resume(&mut self, at: NaiveDateTime) -> Result<(), DeadlineError> {
        if self.paused_since().is_none() {
            return Err(DeadlineError::NotPaused);
        }
        self.check_order(at)?;
        self.pauses.last_mut().expect("paused").to = Some(at);
        Ok(())
    }

    /// Mẫu 04: at `at` the agency sets a new appointment `new_due`.
    pub fn extend(
        &mut self,
        calendar: &WorkingCalendar,
        at: NaiveDateTime,
        new_due: NaiveDateTime,
    ) -> Result<(), DeadlineError> {
        if self.paused_since().is_some() {
            return Err(DeadlineError::ExtensionWhilePaused);
        }
        self.check_order(at)?;
        if !calendar.is_working_day(new_due.date())? {
            return Err(DeadlineError::ExtensionOnDayOff(new_due.date()));
        }
        let office = calendar.office_hours();
        if new_due.time() < office.opening() || new_due.time() > office.closing() {
            return Err(DeadlineError::ExtensionOutsideOfficeHours(new_due));
        }
        let current = self.due(calendar, at)?;
        if new_due <= current {
            return Err(DeadlineError::ExtensionNotLater {
                new: new_due,
                current,
            });
        }
        self.extensions.push(Extension { at, new_due });
        Ok(())
    }

    /// Restores an extension from a stored history as it was given, without
    /// judging it again by today's calendar.
    pub(crate) fn restore_extension(&mut self, at: NaiveDateTime, new_due: NaiveDateTime) {
        self.extensions.push(Extension { at, new_due });
    }

    /// The appointment in force at `now` (an open pause counts until `now`).
    pub fn due(
        &self,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, DeadlineError> {
        let Some(extension) = self.extensions.last() else {
            return self.due_without_extensions(calendar, now);
        };
        let later: Vec<(NaiveDateTime, NaiveDateTime)> = self
            .pauses_until(now)
            .filter(|(from, _)| *from >= extension.at)
            .collect();
        if later.is_empty() {
            return Ok(extension.new_due);
        }
        let budget = calendar.office_minutes_between(extension.at, extension.new_due)?;
        Ok(office_due(
            calendar,
            extension.at,
            budget,
            later.into_iter(),
        )?)
    }

    fn pauses_until(
        &self,
        now: NaiveDateTime,
    ) -> impl Iterator<Item = (NaiveDateTime, NaiveDateTime)> + '_ {
        self.pauses
            .iter()
            .map(move |p| (p.from, p.to.unwrap_or(now.max(p.from))))
    }

    /// The appointment by the procedure's resolution time and the supplement
    /// waits, ignoring extensions: what QĐ 766 measures timeliness against.
    pub fn due_without_extensions(
        &self,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<NaiveDateTime, DeadlineError> {
        let receipt_day = calendar.receipt_day(self.received_at)?;
        let office = calendar.office_hours();
        let pauses = self.pauses_until(now);
        let hundredths = u64::from(self.resolution.hundredths);
        let unit = self.resolution.unit;
        if matches!(unit, TimeUnit::WorkingDays | TimeUnit::WorkingHours) {
            let (start, budget) = if unit == TimeUnit::WorkingDays {
                let per_day = u64::from(office.minutes_per_day());
                (
                    receipt_day.and_time(office.closing()),
                    hundredths * per_day / 100,
                )
            } else if receipt_day == self.received_at.date() {
                (
                    calendar.next_office_instant(self.received_at)?,
                    hundredths * 60 / 100,
                )
            } else {
                (
                    receipt_day.and_time(office.opening()),
                    hundredths * 60 / 100,
                )
            };
            return Ok(if budget == 0 {
                start
            } else {
                office_due(calendar, start, budget, pauses)?
            });
        }
        let (start, mut unrolled) = match unit {
            TimeUnit::Days => {
                let start = receipt_day.and_time(office.closing());
                (
                    start,
                    start + Duration::minutes((hundredths * 24 * 60 / 100) as i64),
                )
            }
            TimeUnit::Months => {
                let start = receipt_day.and_time(office.closing());
                let end = start
                    .checked_add_months(Months::new((hundredths / 100) as u32))
                    .ok_or(CalendarError::OutOfRange(receipt_day))?;
                (start, end)
            }
            _ => (
                self.received_at,
                self.received_at + Duration::minutes((hundredths * 60 / 100) as i64),
            ),
        };
        let mut due = self.roll(calendar, unrolled)?;
        for (from, to) in pauses {
            // A wait that starts once the period is over cannot stop it.
            if from >= due {
                break;
            }
            let waited = to - from.max(start);
            if waited > Duration::zero() {
                // A wait in the grace the day-off rule gave moves the end from
                // there; an earlier wait moves the period itself.
                unrolled = if from < unrolled {
                    unrolled + waited
                } else {
                    due + waited
                };
                due = self.roll(calendar, unrolled)?;
            }
        }
        Ok(due)
    }

    /// Where a calendar period ending at `end` really ends: in office time for
    /// hours; at the close of the last day, or of the next working day, for days.
    fn roll(
        &self,
        calendar: &WorkingCalendar,
        end: NaiveDateTime,
    ) -> Result<NaiveDateTime, CalendarError> {
        let closing = calendar.office_hours().closing();
        if self.resolution.unit == TimeUnit::Hours {
            calendar.next_office_instant(end)
        } else if calendar.is_working_day(end.date())? {
            Ok(end.date().and_time(closing))
        } else {
            Ok(calendar.next_working_day(end.date())?.and_time(closing))
        }
    }
}

/// The instant at which `budget` office minutes have run from `start`, not
/// counting the office time inside `pauses`.
fn office_due(
    calendar: &WorkingCalendar,
    start: NaiveDateTime,
    budget: u64,
    pauses: impl Iterator<Item = (NaiveDateTime, NaiveDateTime)>,
) -> Result<NaiveDateTime, CalendarError> {
    let mut cursor = start;
    let mut left = budget;
    for (from, to) in pauses {
        let used = calendar.office_minutes_between(cursor, from)?;
        if used >= left {
            break;
        }
        left -= used;
        cursor = cursor.max(to);
    }
    calendar.add_office_minutes(cursor, left)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::calendar::test_calendar;
    use proptest::prelude::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    fn days(n: u32) -> ResolutionTime {
        ResolutionTime::whole(n, TimeUnit::WorkingDays).unwrap()
    }

    #[test]
    fn friday_afternoon_before_gio_to_and_the_may_holidays() {
        // Received Fri 24/04/2026 16:45, 5 working days. Days off: Sat 25, Sun 26
        // (Giỗ Tổ), Mon 27 (its compensatory day), Thu 30/04, Fri 01/05, the weekend.
        // Counted: Tue 28, Wed 29, Mon 04/05, Tue 05/05, Wed 06/05.
        let cal = test_calendar();
        assert_eq!(
            appointment(cal, at(2026, 4, 24, 16, 45), days(5)).unwrap(),
            at(2026, 5, 6, 17, 0)
        );
        // The same dossier a quarter of an hour later counts from Tuesday.
        assert_eq!(
            appointment(cal, at(2026, 4, 24, 17, 0), days(5)).unwrap(),
            at(2026, 5, 7, 17, 0)
        );
    }

    #[test]
    fn a_dossier_received_before_tet_2026_waits_out_the_holiday() {
        let cal = test_calendar();
        // Thu 12/02/2026: Fri 13 is day 1; Tết closes 14–22/02; Mon 23 is day 2.
        assert_eq!(
            appointment(cal, at(2026, 2, 12, 9, 0), days(3)).unwrap(),
            at(2026, 2, 24, 17, 0)
        );
    }

    #[test]
    fn other_units() {
        let received = at(2026, 4, 24, 16, 0); // a Friday
        let cases = [
            // One office hour on Friday, three on Tuesday morning (Monday is Giỗ Tổ's day off).
            ("4 giờ làm việc", at(2026, 4, 28, 10, 30)),
            // Ends on Mon 04/05, a working day.
            ("10 ngày", at(2026, 5, 4, 17, 0)),
            // Ends on Thu 30/04, a holiday: the close of the next working day.
            ("6 ngày", at(2026, 5, 4, 17, 0)),
            // Sun 24/05 → Mon 25/05.
            ("1 tháng", at(2026, 5, 25, 17, 0)),
            // Saturday 16:00 is outside office time: the next office moment.
            ("24 giờ", at(2026, 4, 28, 7, 30)),
            // Half a working day is half the office hours of the next working day.
            ("1,5 ngày làm việc", at(2026, 4, 29, 11, 30)),
            // Nothing to wait: the close of the receipt day.
            ("0 ngày làm việc", at(2026, 4, 24, 17, 0)),
        ];
        for (time, expected) in cases {
            let resolution = time.parse::<ResolutionTime>().unwrap();
            assert_eq!(
                appointment(test_calendar(), received, resolution).unwrap(),
                expected,
                "{time}"
            );
        }
    }

    #[test]
    fn resolution_times_are_read_from_the_catalogue_text() {
        let t = |s: &str| s.parse::<ResolutionTime>();
        assert_eq!(t("7,5 ngày làm việc").unwrap().hundredths(), 750);
        assert_eq!(
            t("6.25 ngày làm việc").unwrap().to_string(),
            "6,25 ngày làm việc"
        );
        assert_eq!(t("15 ngày").unwrap().unit(), TimeUnit::Days);
        assert_eq!(t("7"), Err(ResolutionTimeError::MissingUnit("7".into())));
        assert_eq!(
            t("Theo mô tả"),
            Err(ResolutionTimeError::MissingAmount("Theo mô tả".into()))
        );
        assert!(matches!(
            t("5 tuần"),
            Err(ResolutionTimeError::UnknownUnit(_))
        ));
        assert!(matches!(
            t("1,5 tháng"),
            Err(ResolutionTimeError::FractionalMonths(_))
        ));
        assert!(matches!(
            t("1,255 ngày"),
            Err(ResolutionTimeError::BadAmount(_))
        ));
        let json = serde_json::to_string(&t("7,5 ngày làm việc").unwrap()).unwrap();
        assert_eq!(json, r#"{"amount":7.5,"unit":"working_days"}"#);
        assert_eq!(
            serde_json::from_str::<ResolutionTime>(&json).unwrap(),
            t("7,5 ngày làm việc").unwrap()
        );
    }

    #[test]
    fn a_supplement_wait_moves_the_appointment_by_the_office_time_waited() {
        let cal = test_calendar();
        let mut clock = DeadlineClock::start(at(2026, 6, 1, 9, 0), days(5)); // Mon → Mon 08/06
        assert_eq!(
            clock.due(cal, at(2026, 6, 1, 9, 0)).unwrap(),
            at(2026, 6, 8, 17, 0)
        );
        clock.pause(at(2026, 6, 3, 10, 0)).unwrap(); // Wed 10:00
        // While paused the appointment slides with "now".
        assert_eq!(
            clock.due(cal, at(2026, 6, 4, 10, 0)).unwrap(),
            at(2026, 6, 9, 17, 0)
        );
        clock.resume(at(2026, 6, 5, 10, 0)).unwrap(); // Fri 10:00: two working days waited
        assert_eq!(
            clock.due(cal, at(2026, 6, 20, 0, 0)).unwrap(),
            at(2026, 6, 10, 17, 0)
        );
        assert_eq!(clock.supplement_rounds(), 1);
        assert_eq!(
            clock.resume(at(2026, 6, 6, 0, 0)),
            Err(DeadlineError::NotPaused)
        );
        assert!(matches!(
            clock.pause(at(2026, 6, 4, 0, 0)),
            Err(DeadlineError::BeforeLastChange { .. })
        ));
    }

    #[test]
    fn an_extension_sets_a_new_date_that_later_pauses_move_on() {
        let cal = test_calendar();
        let mut clock = DeadlineClock::start(at(2026, 6, 1, 9, 0), days(5));
        assert!(matches!(
            clock.extend(cal, at(2026, 6, 5, 9, 0), at(2026, 6, 8, 12, 0)),
            Err(DeadlineError::ExtensionNotLater { .. })
        ));
        assert!(matches!(
            clock.extend(cal, at(2026, 6, 5, 9, 0), at(2026, 6, 13, 17, 0)),
            Err(DeadlineError::ExtensionOnDayOff(_))
        ));
        clock
            .extend(cal, at(2026, 6, 5, 9, 0), at(2026, 6, 12, 17, 0))
            .unwrap();
        let now = at(2026, 6, 5, 9, 0);
        assert_eq!(clock.due(cal, now).unwrap(), at(2026, 6, 12, 17, 0));
        assert_eq!(
            clock.due_without_extensions(cal, now).unwrap(),
            at(2026, 6, 8, 17, 0)
        );
        clock.pause(at(2026, 6, 9, 8, 0)).unwrap();
        assert_eq!(
            clock.extend(cal, at(2026, 6, 9, 9, 0), at(2026, 6, 30, 17, 0)),
            Err(DeadlineError::ExtensionWhilePaused)
        );
        clock.resume(at(2026, 6, 10, 8, 0)).unwrap(); // one working day waited
        assert_eq!(
            clock.due(cal, at(2026, 6, 10, 8, 0)).unwrap(),
            at(2026, 6, 15, 17, 0)
        );
    }

    #[test]
    fn a_wait_on_the_day_a_calendar_period_is_moved_to_still_counts() {
        // "6 ngày" from Fri 24/04/2026 ends on Thu 30/04, a holiday: the close of
        // Mon 04/05. A wait from Mon 04/05 09:00 to Wed 06/05 09:00 moves it on.
        let cal = test_calendar();
        let mut clock = DeadlineClock::start(at(2026, 4, 24, 16, 0), "6 ngày".parse().unwrap());
        clock.pause(at(2026, 5, 4, 9, 0)).unwrap();
        clock.resume(at(2026, 5, 6, 9, 0)).unwrap();
        assert_eq!(
            clock.due(cal, at(2026, 5, 6, 9, 0)).unwrap(),
            at(2026, 5, 6, 17, 0)
        );
    }

    #[test]
    fn an_extension_is_the_date_announced_whatever_came_before() {
        let cal = test_calendar();
        let mut clock = DeadlineClock::start(at(2026, 6, 1, 9, 0), days(5)); // due 08/06
        clock.pause(at(2026, 6, 9, 8, 0)).unwrap(); // after the deadline: no effect
        clock.resume(at(2026, 6, 10, 8, 0)).unwrap();
        clock
            .extend(cal, at(2026, 6, 11, 9, 0), at(2026, 6, 19, 17, 0))
            .unwrap();
        assert_eq!(
            clock.due(cal, at(2026, 6, 11, 9, 0)).unwrap(),
            at(2026, 6, 19, 17, 0)
        );
        assert_eq!(
            clock.extend(cal, at(2026, 6, 12, 9, 0), at(2026, 6, 23, 7, 0)),
            Err(DeadlineError::ExtensionOutsideOfficeHours(at(
                2026, 6, 23, 7, 0
            )))
        );
    }

    fn datetime() -> impl Strategy<Value = NaiveDateTime> {
        (0u64..3650, 0u32..1440).prop_map(|(d, m)| {
            (NaiveDate::from_ymd_opt(2024, 1, 1).unwrap() + chrono::Days::new(d))
                .and_hms_opt(m / 60, m % 60, 0)
                .unwrap()
        })
    }

    fn unit() -> impl Strategy<Value = TimeUnit> {
        prop_oneof![
            Just(TimeUnit::WorkingDays),
            Just(TimeUnit::WorkingHours),
            Just(TimeUnit::Days),
            Just(TimeUnit::Hours),
            Just(TimeUnit::Months),
        ]
    }

    proptest! {
        #[test]
        fn appointments_fall_on_working_days_never_before_receipt(received in datetime(), unit in unit(), n in 0u32..120) {
            let cal = test_calendar();
            let due = appointment(cal, received, ResolutionTime::whole(n, unit).unwrap()).unwrap();
            prop_assert!(cal.is_working_day(due.date()).unwrap(), "{due}");
            prop_assert!(due.date() >= received.date());
            prop_assert!(due >= received || n == 0);
        }

        #[test]
        fn appointments_grow_with_the_resolution_time(received in datetime(), unit in unit(), a in 0u32..100, b in 0u32..100) {
            let cal = test_calendar();
            let (short, long) = (a.min(b), a.max(b));
            let due = |n| appointment(cal, received, ResolutionTime::whole(n, unit).unwrap()).unwrap();
            prop_assert!(due(short) <= due(long));
        }

        #[test]
        fn a_pause_never_shortens_the_deadline(
            received in datetime(), unit in unit(), n in 0u32..60,
            pause_after in 0i64..60 * 24 * 30, wait in 0i64..60 * 24 * 30,
        ) {
            let cal = test_calendar();
            let resolution = ResolutionTime::whole(n, unit).unwrap();
            let plain = DeadlineClock::start(received, resolution);
            let mut paused = plain.clone();
            let from = received + Duration::minutes(pause_after);
            let to = from + Duration::minutes(wait);
            paused.pause(from).unwrap();
            paused.resume(to).unwrap();
            let later = to + Duration::days(400);
            let (before, after) = (plain.due(cal, later).unwrap(), paused.due(cal, later).unwrap());
            prop_assert!(after >= before, "{before} → {after}");
            prop_assert!(cal.is_working_day(after.date()).unwrap());
        }
    }
}
