//! Vietnam's working-day calendar for state agencies, and office hours.
//!
//! Days off: Saturdays and Sundays; the public holidays of the Labour Code
//! 2019 Art. 112 (1/1, five days of Tết Nguyên Đán, Giỗ Tổ Hùng Vương on
//! 10/3 lunar, 30/4, 1/5, 2/9 and one adjacent day, and from 2026 Ngày Văn
//! hóa Việt Nam on 24/11); a compensatory weekday for a holiday that falls on
//! a weekend (Art. 111(3)). Years the government announced are taken from
//! `data/holidays.toml`, which replaces the computed days of those years and
//! adds the swapped working Saturdays.
//!
//! All times are civil times in Asia/Ho_Chi_Minh (UTC+7, no daylight saving).

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime, Timelike, Weekday};
use serde::Deserialize;

use crate::lunar::{LunarDate, lunar_new_year};

/// First and last year the calendar knows. Dates outside are an error, not a guess.
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

const BUNDLED_OVERRIDES: &str = include_str!("../data/holidays.toml");

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} is outside the calendar ({FIRST_YEAR}–{LAST_YEAR})")]
    OutOfRange(NaiveDate),
    #[error("holiday file: {0}")]
    Overrides(String),
    #[error("office hours: {0}")]
    OfficeHours(String),
}

/// What kind of day a date is for an agency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    Working,
    /// A weekend day that is worked in exchange for a day off (làm bù).
    SwappedWorking(&'a str),
    Weekend,
    Holiday(&'a str),
}

/// The agency's office sessions (e.g. 07:30–11:30 and 13:00–17:00) and the
/// time after which a dossier counts as received on the next working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfficeHours {
    sessions: Vec<(NaiveTime, NaiveTime)>,
    receipt_cutoff: NaiveTime,
}

impl OfficeHours {
    pub fn new(
        sessions: Vec<(NaiveTime, NaiveTime)>,
        receipt_cutoff: NaiveTime,
    ) -> Result<Self, CalendarError> {
        let err = |m: &str| Err(CalendarError::OfficeHours(m.to_owned()));
        if sessions.is_empty() {
            return err("at least one session is needed");
        }
        let times = sessions
            .iter()
            .flat_map(|(s, e)| [s, e])
            .chain([&receipt_cutoff]);
        if times
            .into_iter()
            .any(|t| t.second() != 0 || t.nanosecond() != 0)
        {
            return err("times must be whole minutes");
        }
        if sessions.iter().any(|(start, end)| start >= end) {
            return err("every session must end after it starts");
        }
        if sessions.windows(2).any(|w| w[0].1 > w[1].0) {
            return err("sessions must be in order and must not overlap");
        }
        if receipt_cutoff <= sessions[0].0 {
            return err("the receipt cut-off must be after the office opens");
        }
        Ok(Self {
            sessions,
            receipt_cutoff,
        })
    }

    pub fn opening(&self) -> NaiveTime {
        self.sessions[0].0
    }

    pub fn closing(&self) -> NaiveTime {
        self.sessions[self.sessions.len() - 1].1
    }

    pub fn receipt_cutoff(&self) -> NaiveTime {
        self.receipt_cutoff
    }

    /// Office minutes in one working day.
    pub fn minutes_per_day(&self) -> u32 {
        self.sessions.iter().map(|&(s, e)| minutes(e - s)).sum()
    }

    /// Office minutes of a working day that lie after `time`.
    fn minutes_after(&self, time: NaiveTime) -> u32 {
        self.sessions
            .iter()
            .map(|&(s, e)| {
                if time >= e {
                    0
                } else {
                    minutes(e - s.max(time))
                }
            })
            .sum()
    }

    /// The time of day at which `minutes` office minutes have passed since
    /// `time`, if that happens within the same day.
    fn time_after(&self, time: NaiveTime, mut minutes_left: u32) -> Option<NaiveTime> {
        for &(s, e) in &self.sessions {
            if time >= e {
                continue;
            }
            let from = s.max(time);
            let available = minutes(e - from);
            if minutes_left <= available {
                return Some(from + chrono::Duration::minutes(minutes_left.into()));
            }
            minutes_left -= available;
        }
        None
    }
}

impl Default for OfficeHours {
    /// Eight office hours, as the Labour Code's normal working day.
    fn default() -> Self {
        let t = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid time");
        Self::new(vec![(t(7, 30), t(11, 30)), (t(13, 0), t(17, 0))], t(17, 0))
            .expect("valid default")
    }
}

fn minutes(d: chrono::Duration) -> u32 {
    d.num_minutes() as u32
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnnouncedYear {
    #[allow(dead_code)] // kept in the file for people; checked to be present
    source: String,
    days_off: BTreeMap<NaiveDate, String>,
    #[serde(default)]
    working_days: BTreeMap<NaiveDate, String>,
}

/// Working days and office hours of Vietnamese state agencies.
#[derive(Debug, Clone)]
pub struct WorkingCalendar {
    /// One bit a day from FIRST_YEAR-01-01: set when the day is not worked.
    off: Vec<u64>,
    /// For each day, how many working days there are up to and including it.
    worked_through: Vec<u32>,
    /// The day index of each working day, in order.
    working_days: Vec<u32>,
    holidays: BTreeMap<NaiveDate, String>,
    swapped_working: BTreeMap<NaiveDate, String>,
    office: OfficeHours,
}

impl WorkingCalendar {
    /// The national calendar with the bundled announcements and default office hours.
    pub fn vietnam() -> Self {
        Self::new(BUNDLED_OVERRIDES, OfficeHours::default())
            .expect("the bundled holiday file is checked by the tests")
    }

    /// The national calendar where an agency's own announced years (same
    /// format) replace the national announcement of those years.
    pub fn with_agency_overrides(agency_toml: &str) -> Result<Self, CalendarError> {
        let parse = |text: &str| {
            text.parse::<toml::Table>()
                .map_err(|e| CalendarError::Overrides(e.to_string()))
        };
        let mut merged = parse(BUNDLED_OVERRIDES)?;
        merged.extend(parse(agency_toml)?);
        Self::new(&merged.to_string(), OfficeHours::default())
    }

    /// A calendar from the rules plus the announced years in `overrides_toml`
    /// (the format of `data/holidays.toml`).
    pub fn new(overrides_toml: &str, office: OfficeHours) -> Result<Self, CalendarError> {
        let by_key: BTreeMap<String, AnnouncedYear> =
            toml::from_str(overrides_toml).map_err(|e| CalendarError::Overrides(e.to_string()))?;
        let mut announced = BTreeMap::new();
        for (key, year) in by_key {
            let number: i32 = key
                .parse()
                .map_err(|_| CalendarError::Overrides(format!("`{key}` is not a year")))?;
            announced.insert(number, year);
        }
        let mut holidays = BTreeMap::new();
        let mut swapped_working = BTreeMap::new();
        for year in FIRST_YEAR..=LAST_YEAR {
            match announced.get(&year) {
                Some(a) => {
                    for (&day, name) in &a.days_off {
                        check_in_year(year, day)?;
                        holidays.insert(day, name.clone());
                    }
                    for (&day, why) in &a.working_days {
                        check_in_year(year, day)?;
                        if !is_weekend(day) {
                            return Err(CalendarError::Overrides(format!(
                                "{day} is listed as a swapped working day but is not a weekend day"
                            )));
                        }
                        if a.days_off.contains_key(&day) {
                            return Err(CalendarError::Overrides(format!(
                                "{day} is listed both as a day off and as a working day"
                            )));
                        }
                        swapped_working.insert(day, why.clone());
                    }
                }
                None => holidays.extend(statutory_days_off(year)),
            }
        }
        if let Some(year) = announced
            .keys()
            .find(|y| !(FIRST_YEAR..=LAST_YEAR).contains(y))
        {
            return Err(CalendarError::Overrides(format!(
                "year {year} is outside {FIRST_YEAR}–{LAST_YEAR}"
            )));
        }
        let day_count = DAY_COUNT;
        let mut off = vec![0u64; day_count.div_ceil(64)];
        let mut worked_through = Vec::with_capacity(day_count);
        let mut working_days = Vec::with_capacity(day_count);
        for i in 0..day_count {
            let day = first_day() + Days::new(i as u64);
            let not_worked = holidays.contains_key(&day)
                || (is_weekend(day) && !swapped_working.contains_key(&day));
            if not_worked {
                off[i / 64] |= 1 << (i % 64);
            } else {
                working_days.push(i as u32);
            }
            worked_through.push(working_days.len() as u32);
        }
        Ok(Self {
            off,
            worked_through,
            working_days,
            holidays,
            swapped_working,
            office,
        })
    }

    pub fn office_hours(&self) -> &OfficeHours {
        &self.office
    }

    pub fn with_office_hours(mut self, office: OfficeHours) -> Self {
        self.office = office;
        self
    }

    pub fn is_working_day(&self, day: NaiveDate) -> Result<bool, CalendarError> {
        let i = day_index(day)?;
        Ok(self.off[i / 64] & (1 << (i % 64)) == 0)
    }

    pub fn day_kind(&self, day: NaiveDate) -> Result<DayKind<'_>, CalendarError> {
        day_index(day)?;
        Ok(if let Some(name) = self.holidays.get(&day) {
            DayKind::Holiday(name)
        } else if let Some(why) = self.swapped_working.get(&day) {
            DayKind::SwappedWorking(why)
        } else if is_weekend(day) {
            DayKind::Weekend
        } else {
            DayKind::Working
        })
    }

    /// Named days off of a year, in date order (for the public calendar page).
    pub fn holidays_of(&self, year: i32) -> impl Iterator<Item = (NaiveDate, &str)> {
        let from = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(NaiveDate::MIN);
        let to = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX);
        self.holidays
            .range(from..=to)
            .map(|(d, n)| (*d, n.as_str()))
    }

    /// The first working day strictly after `day`.
    pub fn next_working_day(&self, day: NaiveDate) -> Result<NaiveDate, CalendarError> {
        self.add_working_days(day, 1)
    }

    /// `day` itself when it is worked, else the next working day.
    pub fn working_day_on_or_after(&self, day: NaiveDate) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(day)? {
            Ok(day)
        } else {
            self.next_working_day(day)
        }
    }

    /// The `count`-th working day after `day` (`count` = 0 gives `day`).
    pub fn add_working_days(&self, day: NaiveDate, count: u32) -> Result<NaiveDate, CalendarError> {
        if count == 0 {
            day_index(day)?;
            return Ok(day);
        }
        let through = self.worked_through[day_index(day)?] as usize;
        let target = through + count as usize - 1;
        let index = *self
            .working_days
            .get(target)
            .ok_or(CalendarError::OutOfRange(day))?;
        Ok(first_day() + Days::new(index.into()))
    }

    /// The working day on which a dossier handed in at `at` counts as
    /// received: the same day if it is a working day and `at` is before the
    /// receipt cut-off, else the next working day.
    pub fn receipt_day(&self, at: NaiveDateTime) -> Result<NaiveDate, CalendarError> {
        if self.is_working_day(at.date())? && at.time() < self.office.receipt_cutoff {
            Ok(at.date())
        } else {
            self.next_working_day(at.date())
        }
    }

    /// The first instant at or after `at` that lies in office time.
    pub fn next_office_instant(&self, at: NaiveDateTime) -> Result<NaiveDateTime, CalendarError> {
        if self.is_working_day(at.date())?
            && let Some(time) = self.office.time_after(at.time(), 0)
        {
            return Ok(at.date().and_time(time));
        }
        Ok(self
            .next_working_day(at.date())?
            .and_time(self.office.opening()))
    }

    /// Office minutes in `[from, to)`; zero when `to` is not after `from`.
    pub fn office_minutes_between(
        &self,
        from: NaiveDateTime,
        to: NaiveDateTime,
    ) -> Result<u64, CalendarError> {
        if to <= from {
            return Ok(0);
        }
        let day_minutes = |d: NaiveDate, after: NaiveTime| -> Result<u64, CalendarError> {
            Ok(if self.is_working_day(d)? {
                self.office.minutes_after(after).into()
            } else {
                0
            })
        };
        let (start, end) = (from.date(), to.date());
        if start == end {
            return Ok(day_minutes(start, from.time())? - day_minutes(start, to.time())?);
        }
        let mut total = day_minutes(start, from.time())?;
        // Working days strictly between the two dates, from the running count.
        let between =
            self.worked_through[day_index(end)? - 1] - self.worked_through[day_index(start)?];
        total += u64::from(between) * u64::from(self.office.minutes_per_day());
        total += day_minutes(end, NaiveTime::MIN)? - day_minutes(end, to.time())?;
        Ok(total)
    }

    /// The instant at which `minutes` office minutes have passed since `from`.
    /// With `minutes` = 0 it is `from` itself, moved into office time.
    pub fn add_office_minutes(
        &self,
        from: NaiveDateTime,
        minutes: u64,
    ) -> Result<NaiveDateTime, CalendarError> {
        let day = from.date();
        let mut left = minutes;
        if self.is_working_day(day)? {
            let today = u64::from(self.office.minutes_after(from.time()));
            if left <= today && (left > 0 || today > 0) {
                let time = self
                    .office
                    .time_after(from.time(), left as u32)
                    .expect("fits in the day");
                return Ok(day.and_time(time));
            }
            left -= today.min(left);
        }
        // Whole office days first, then the rest (1..=a day's minutes) on the last day.
        let per_day = u64::from(self.office.minutes_per_day());
        let whole_days = left.saturating_sub(1) / per_day;
        let last = left - whole_days * per_day;
        let count = u32::try_from(whole_days + 1).map_err(|_| CalendarError::OutOfRange(day))?;
        let last_day = self.add_working_days(day, count)?;
        let time = self
            .office
            .time_after(self.office.opening(), last as u32)
            .expect("at most one day's minutes");
        Ok(last_day.and_time(time))
    }
}

fn first_day() -> NaiveDate {
    NaiveDate::from_ymd_opt(FIRST_YEAR, 1, 1).expect("valid date")
}

/// Days from FIRST_YEAR-01-01 to LAST_YEAR-12-31 (checked by a test).
const DAY_COUNT: usize = 36_890;
/// chrono's day number of FIRST_YEAR-01-01 (checked by a test): comparing
/// day numbers is cheap, building dates is not.
const FIRST_DAY_CE: i32 = 730_120;

fn day_index(day: NaiveDate) -> Result<usize, CalendarError> {
    let index = day.num_days_from_ce() - FIRST_DAY_CE;
    if index < 0 || index as usize >= DAY_COUNT {
        return Err(CalendarError::OutOfRange(day));
    }
    Ok(index as usize)
}

fn check_in_year(year: i32, day: NaiveDate) -> Result<(), CalendarError> {
    if day.year() == year {
        Ok(())
    } else {
        Err(CalendarError::Overrides(format!(
            "{day} is listed under year {year}"
        )))
    }
}

fn is_weekend(day: NaiveDate) -> bool {
    matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// Days off of `year` by the Labour Code's rules, for years with no announcement.
fn statutory_days_off(year: i32) -> BTreeMap<NaiveDate, String> {
    let ymd = |m, d| NaiveDate::from_ymd_opt(year, m, d).expect("valid date");
    let mut days: Vec<(NaiveDate, &str)> = vec![(ymd(1, 1), "Tết Dương lịch")];
    // Five days of Tết: the last day of the old year and the first four of the new,
    // the split most years' decisions use.
    let new_year = lunar_new_year(year).expect("the calendar's years are in the lunar range");
    for offset in -1..=3i64 {
        let day = new_year + chrono::Duration::days(offset);
        days.push((day, "Tết Nguyên Đán"));
    }
    let gio_to = LunarDate {
        year,
        month: 3,
        day: 10,
        leap: false,
    }
    .to_solar()
    .expect("10/3 exists every lunar year");
    days.push((gio_to, "Giỗ Tổ Hùng Vương"));
    days.push((ymd(4, 30), "Ngày Giải phóng miền Nam, thống nhất đất nước"));
    days.push((ymd(5, 1), "Ngày Quốc tế Lao động"));
    // Quốc khánh: 2/9 and one adjacent day, chosen so that the two days off
    // join a weekend where they can.
    let national_day = ymd(9, 2);
    let adjacent = match national_day.weekday() {
        Weekday::Mon | Weekday::Thu => ymd(9, 3),
        _ => ymd(9, 1),
    };
    days.push((national_day, "Quốc khánh"));
    days.push((adjacent, "Quốc khánh"));
    if year >= 2026 {
        days.push((ymd(11, 24), "Ngày Văn hóa Việt Nam"));
    }
    days.sort();
    let mut off: BTreeMap<NaiveDate, String> =
        days.iter().map(|(d, n)| (*d, (*n).to_owned())).collect();
    for (day, name) in days {
        if is_weekend(day) {
            let mut compensatory = day;
            while is_weekend(compensatory) || off.contains_key(&compensatory) {
                compensatory = compensatory.succ_opt().expect("within range");
            }
            off.insert(compensatory, format!("Nghỉ bù {name}"));
        }
    }
    off
}

/// One calendar shared by the tests: building it takes a few milliseconds.
#[cfg(test)]
pub(crate) fn test_calendar() -> &'static WorkingCalendar {
    static CALENDAR: std::sync::LazyLock<WorkingCalendar> =
        std::sync::LazyLock::new(WorkingCalendar::vietnam);
    &CALENDAR
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, min, 0).unwrap()
    }

    #[test]
    fn tet_holidays_as_announced_and_as_computed() {
        let cal = test_calendar();
        // 2025: Tết on Wed 29/01, days off Mon 27/01 – Fri 31/01.
        for d in 27..=31 {
            assert_eq!(
                cal.day_kind(date(2025, 1, d)).unwrap(),
                DayKind::Holiday("Tết Nguyên Đán")
            );
        }
        assert!(cal.is_working_day(date(2025, 2, 3)).unwrap());
        // 2026: Tết on Tue 17/02, days off Mon 16/02 – Fri 20/02.
        assert!(cal.is_working_day(date(2026, 2, 13)).unwrap());
        for d in 16..=20 {
            assert!(
                !cal.is_working_day(date(2026, 2, d)).unwrap(),
                "{d}/02/2026"
            );
        }
        assert!(cal.is_working_day(date(2026, 2, 23)).unwrap());
        // 2027 is not announced yet: Tết on Sat 06/02 gives Fri 05/02 – Tue 09/02
        // plus compensatory days for the Saturday and Sunday.
        for d in [5, 8, 9, 10, 11] {
            assert!(
                !cal.is_working_day(date(2027, 2, d)).unwrap(),
                "{d}/02/2027"
            );
        }
        assert!(cal.is_working_day(date(2027, 2, 12)).unwrap());
    }

    #[test]
    fn an_agency_year_replaces_the_national_one_and_only_that_year() {
        let agency = r#"
            [2027]
            source = "Quyết định của UBND tỉnh (thử nghiệm)"
            [2027.days_off]
            "2027-02-05" = "Tết Nguyên Đán"
            "2027-03-15" = "Ngày lễ của tỉnh"
        "#;
        let cal = WorkingCalendar::with_agency_overrides(agency).unwrap();
        assert!(!cal.is_working_day(date(2027, 3, 15)).unwrap());
        assert!(
            cal.is_working_day(date(2027, 2, 8)).unwrap(),
            "2027 is the agency's list only"
        );
        assert!(
            !cal.is_working_day(date(2026, 2, 16)).unwrap(),
            "2026 stays national"
        );
        assert!(WorkingCalendar::with_agency_overrides("[2027]\nsource = 1").is_err());
    }

    #[test]
    fn gio_to_2026_falls_on_a_sunday_and_moves_to_monday() {
        let cal = test_calendar();
        assert_eq!(
            cal.day_kind(date(2026, 4, 26)).unwrap(),
            DayKind::Holiday("Giỗ Tổ Hùng Vương")
        );
        assert!(!cal.is_working_day(date(2026, 4, 27)).unwrap());
        assert!(cal.is_working_day(date(2026, 4, 28)).unwrap());
    }

    #[test]
    fn swapped_saturdays_are_worked() {
        let cal = test_calendar();
        assert!(matches!(
            cal.day_kind(date(2025, 4, 26)).unwrap(),
            DayKind::SwappedWorking(_)
        ));
        assert!(cal.is_working_day(date(2026, 1, 10)).unwrap());
        assert!(!cal.is_working_day(date(2026, 1, 2)).unwrap());
        assert!(!cal.is_working_day(date(2025, 5, 2)).unwrap());
    }

    #[test]
    fn the_computed_rules_agree_with_the_announced_years_on_statutory_days() {
        // Every statutory day the rules give for 2025 and 2026 is a day off in
        // the announcement too (announcements only move the Tết split and add swaps).
        let cal = test_calendar();
        for year in [2025, 2026] {
            for (day, name) in statutory_days_off(year) {
                if name.starts_with("Tết Nguyên Đán") || name.starts_with("Nghỉ bù") {
                    continue;
                }
                assert!(!cal.is_working_day(day).unwrap(), "{day} {name}");
            }
        }
    }

    #[test]
    fn the_day_table_constants_match_the_range() {
        assert_eq!(first_day().num_days_from_ce(), FIRST_DAY_CE);
        let last_day = date(LAST_YEAR, 12, 31);
        assert_eq!((last_day - first_day()).num_days() as usize + 1, DAY_COUNT);
        assert!(day_index(last_day).is_ok());
    }

    #[test]
    fn working_days_are_counted_across_holidays() {
        let cal = test_calendar();
        // Thu 12/02/2026 + 2 working days: Fri 13/02, then Tết until Mon 23/02.
        assert_eq!(
            cal.add_working_days(date(2026, 2, 12), 2).unwrap(),
            date(2026, 2, 23)
        );
        assert_eq!(
            cal.add_working_days(date(2026, 2, 14), 0).unwrap(),
            date(2026, 2, 14)
        );
        assert_eq!(
            cal.next_working_day(date(2026, 2, 14)).unwrap(),
            date(2026, 2, 23)
        );
        assert_eq!(
            cal.working_day_on_or_after(date(2026, 2, 13)).unwrap(),
            date(2026, 2, 13)
        );
    }

    #[test]
    fn out_of_range_dates_are_errors() {
        let cal = test_calendar();
        assert_eq!(
            cal.is_working_day(date(1999, 12, 31)),
            Err(CalendarError::OutOfRange(date(1999, 12, 31)))
        );
        assert!(cal.next_working_day(date(2100, 12, 31)).is_err());
    }

    #[test]
    fn bad_override_files_are_rejected_with_the_reason() {
        let office = OfficeHours::default;
        let cases = [
            (
                "[2026]\nsource='x'\n[2026.days_off]\n\"2025-01-01\"='x'",
                "listed under year 2026",
            ),
            (
                "[2026]\nsource='x'\n[2026.days_off]\n[2026.working_days]\n\"2026-01-05\"='x'",
                "not a weekend day",
            ),
            (
                "[2026]\nsource='x'\n[2026.days_off]\n\"2026-01-03\"='x'\n[2026.working_days]\n\"2026-01-03\"='x'",
                "both",
            ),
            ("[2026]\n[2026.days_off]", "source"),
            ("[1990]\nsource='x'\n[1990.days_off]", "outside"),
        ];
        for (text, why) in cases {
            let err = WorkingCalendar::new(text, office())
                .unwrap_err()
                .to_string();
            assert!(err.contains(why), "{err}");
        }
    }

    #[test]
    fn receipt_after_the_cutoff_or_on_a_day_off_counts_from_the_next_working_day() {
        let cal = test_calendar();
        assert_eq!(
            cal.receipt_day(at(2026, 4, 24, 16, 45)).unwrap(),
            date(2026, 4, 24)
        );
        assert_eq!(
            cal.receipt_day(at(2026, 4, 24, 17, 0)).unwrap(),
            date(2026, 4, 28)
        );
        assert_eq!(
            cal.receipt_day(at(2026, 4, 25, 9, 0)).unwrap(),
            date(2026, 4, 28)
        );
        assert_eq!(
            cal.receipt_day(at(2026, 4, 28, 6, 0)).unwrap(),
            date(2026, 4, 28)
        );
    }

    #[test]
    fn office_minutes_skip_lunch_nights_and_days_off() {
        let cal = test_calendar();
        assert_eq!(
            cal.office_minutes_between(at(2026, 4, 24, 11, 0), at(2026, 4, 24, 14, 0))
                .unwrap(),
            90
        );
        // Fri 16:45 → Tue 08:00: 15 minutes on Friday, 30 on Tuesday.
        assert_eq!(
            cal.office_minutes_between(at(2026, 4, 24, 16, 45), at(2026, 4, 28, 8, 0))
                .unwrap(),
            45
        );
        assert_eq!(
            cal.add_office_minutes(at(2026, 4, 24, 16, 45), 45).unwrap(),
            at(2026, 4, 28, 8, 0)
        );
        assert_eq!(
            cal.add_office_minutes(at(2026, 4, 24, 11, 30), 0).unwrap(),
            at(2026, 4, 24, 13, 0)
        );
        assert_eq!(
            cal.add_office_minutes(at(2026, 4, 24, 10, 0), 90).unwrap(),
            at(2026, 4, 24, 11, 30)
        );
    }

    #[test]
    fn office_hours_are_checked() {
        let t = |h| NaiveTime::from_hms_opt(h, 0, 0).unwrap();
        assert!(OfficeHours::new(vec![], t(17)).is_err());
        assert!(OfficeHours::new(vec![(t(8), t(12)), (t(11), t(17))], t(17)).is_err());
        assert!(OfficeHours::new(vec![(t(12), t(8))], t(17)).is_err());
        let half_minute = NaiveTime::from_hms_opt(8, 0, 30).unwrap();
        assert!(OfficeHours::new(vec![(t(8), half_minute)], t(17)).is_err());
        assert_eq!(OfficeHours::default().minutes_per_day(), 480);
    }

    proptest! {
        #[test]
        fn office_minutes_and_adding_them_agree(
            start_day in 0u64..3650, start_min in 0u32..1440, add in 0u64..20_000,
        ) {
            let cal = test_calendar();
            let from = (date(2020, 1, 1) + Days::new(start_day)).and_hms_opt(start_min / 60, start_min % 60, 0).unwrap();
            let to = cal.add_office_minutes(from, add).unwrap();
            prop_assert!(to >= from);
            prop_assert!(cal.is_working_day(to.date()).unwrap());
            prop_assert_eq!(cal.office_minutes_between(from, to).unwrap(), add);
        }
    }
}
