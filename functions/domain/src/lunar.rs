//! The Vietnamese lunisolar calendar (âm lịch).
//!
//! Vietnam computes new moons and solar terms at UTC+7, so its calendar
//! differs from the Chinese one (UTC+8) in some years: Tết 2007 fell on
//! 17 February in Vietnam and 18 February in China. The crates.io lunar
//! crates follow the Chinese calendar, hence this module: Hồ Ngọc Đức's
//! published algorithm (astronomical formulas of Jean Meeus, "Astronomical
//! Algorithms", 1998) evaluated at UTC+7.

use std::f64::consts::PI;

use chrono::{Datelike, NaiveDate};

const TIME_ZONE: f64 = 7.0;
/// Julian day number of 0001-01-01 minus one, to convert chrono's day count.
const JD_OFFSET: i64 = 1_721_425;
const EPOCH_NEW_MOON: f64 = 2_415_021.076_998_695;
const SYNODIC_MONTH: f64 = 29.530_588_853;
/// Years the conversion answers for.
const SOLAR_YEARS: std::ops::RangeInclusive<i32> = 1900..=2199;

/// A day of the lunar calendar. `leap` marks the repeated (nhuận) month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LunarDate {
    pub year: i32,
    pub month: u32,
    pub day: u32,
    pub leap: bool,
}

impl LunarDate {
    /// The lunar date of a solar (Gregorian) date in 1900–2199, the range
    /// the astronomical series is accurate for.
    pub fn from_solar(date: NaiveDate) -> Option<Self> {
        if !SOLAR_YEARS.contains(&date.year()) {
            return None;
        }
        let day_number = julian_day(date);
        let k = ((day_number as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH).floor() as i64;
        let mut month_start = new_moon_day(k + 1);
        if month_start > day_number {
            month_start = new_moon_day(k);
        }
        let year = date.year();
        let mut a11 = lunar_month_11(year);
        let mut b11 = a11;
        let mut lunar_year;
        if a11 >= month_start {
            lunar_year = year;
            a11 = lunar_month_11(year - 1);
        } else {
            lunar_year = year + 1;
            b11 = lunar_month_11(year + 1);
        }
        let day = (day_number - month_start + 1) as u32;
        let diff = (month_start - a11) / 29;
        let mut leap = false;
        let mut month = diff + 11;
        if b11 - a11 > 365 {
            let leap_diff = leap_month_offset(a11);
            if diff >= leap_diff {
                month = diff + 10;
                leap = diff == leap_diff;
            }
        }
        if month > 12 {
            month -= 12;
        }
        if month >= 11 && diff < 4 {
            lunar_year -= 1;
        }
        Some(LunarDate {
            year: lunar_year,
            month: month as u32,
            day,
            leap,
        })
    }

    /// The solar date of this lunar date, or `None` if it does not exist
    /// (a leap flag on a month that is not repeated that year, or a day past
    /// the month's end).
    pub fn to_solar(self) -> Option<NaiveDate> {
        if !SOLAR_YEARS.contains(&self.year)
            || !(1..=12).contains(&self.month)
            || !(1..=30).contains(&self.day)
        {
            return None;
        }
        let month = self.month as i64;
        let (a11, b11) = if month < 11 {
            (lunar_month_11(self.year - 1), lunar_month_11(self.year))
        } else {
            (lunar_month_11(self.year), lunar_month_11(self.year + 1))
        };
        let k = (0.5 + (a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH).floor() as i64;
        let mut off = (month - 11).rem_euclid(12);
        if b11 - a11 > 365 {
            let leap_off = leap_month_offset(a11);
            let leap_month = (leap_off - 2).rem_euclid(12);
            if self.leap && month != leap_month {
                return None;
            }
            if self.leap || off >= leap_off {
                off += 1;
            }
        } else if self.leap {
            return None;
        }
        let month_start = new_moon_day(k + off);
        let next_month_start = new_moon_day(k + off + 1);
        if month_start + self.day as i64 > next_month_start {
            return None;
        }
        from_julian_day(month_start + self.day as i64 - 1)
    }
}

/// First day of the lunar year `year` (mùng 1 Tết), for 1900–2199.
pub fn lunar_new_year(year: i32) -> Option<NaiveDate> {
    LunarDate {
        year,
        month: 1,
        day: 1,
        leap: false,
    }
    .to_solar()
}

fn julian_day(date: NaiveDate) -> i64 {
    date.num_days_from_ce() as i64 + JD_OFFSET
}

fn from_julian_day(jd: i64) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(i32::try_from(jd - JD_OFFSET).ok()?)
}

/// Julian date (fractional, UT) of the `k`-th new moon after 1900-01-01.
fn new_moon(k: i64) -> f64 {
    let k = k as f64;
    let t = k / 1236.85;
    let t2 = t * t;
    let t3 = t2 * t;
    let dr = PI / 180.0;
    let mut jd1 = 2_415_020.759_33 + 29.530_588_68 * k + 0.000_117_8 * t2 - 0.000_000_155 * t3;
    jd1 += 0.000_33 * ((166.56 + 132.87 * t - 0.009_173 * t2) * dr).sin();
    let m = 359.2242 + 29.105_356_08 * k - 0.000_033_3 * t2 - 0.000_003_47 * t3;
    let mpr = 306.0253 + 385.816_918_06 * k + 0.010_730_6 * t2 + 0.000_012_36 * t3;
    let f = 21.2964 + 390.670_506_46 * k - 0.001_652_8 * t2 - 0.000_002_39 * t3;
    let sin = |x: f64| (x * dr).sin();
    let c1 = (0.1734 - 0.000_393 * t) * sin(m) + 0.0021 * sin(2.0 * m) - 0.4068 * sin(mpr)
        + 0.0161 * sin(2.0 * mpr)
        - 0.0004 * sin(3.0 * mpr)
        + 0.0104 * sin(2.0 * f)
        - 0.0051 * sin(m + mpr)
        - 0.0074 * sin(m - mpr)
        + 0.0004 * sin(2.0 * f + m)
        - 0.0004 * sin(2.0 * f - m)
        - 0.0006 * sin(2.0 * f + mpr)
        + 0.0010 * sin(2.0 * f - mpr)
        + 0.0005 * sin(2.0 * mpr + m);
    let delta_t = if t < -11.0 {
        0.001 + 0.000_839 * t + 0.000_226_1 * t2 - 0.000_008_45 * t3 - 0.000_000_081 * t * t3
    } else {
        -0.000_278 + 0.000_265 * t + 0.000_262 * t2
    };
    jd1 + c1 - delta_t
}

/// Julian day number, at UTC+7, of the day the `k`-th new moon falls on.
fn new_moon_day(k: i64) -> i64 {
    (new_moon(k) + 0.5 + TIME_ZONE / 24.0).floor() as i64
}

/// The sun's apparent longitude in radians at Julian date `jd` (UT).
fn sun_longitude(jd: f64) -> f64 {
    let t = (jd - 2_451_545.0) / 36_525.0;
    let t2 = t * t;
    let dr = PI / 180.0;
    let m = 357.529_10 + 35_999.050_30 * t - 0.000_155_9 * t2 - 0.000_000_48 * t * t2;
    let l0 = 280.466_45 + 36_000.769_83 * t + 0.000_303_2 * t2;
    let dl = (1.914_600 - 0.004_817 * t - 0.000_014 * t2) * (dr * m).sin()
        + (0.019_993 - 0.000_101 * t) * (dr * 2.0 * m).sin()
        + 0.000_290 * (dr * 3.0 * m).sin();
    let l = (l0 + dl) * dr;
    l - 2.0 * PI * (l / (2.0 * PI)).floor()
}

/// Which of the twelve 30° sectors of the ecliptic the sun is in at the
/// start of the day `day_number` (UTC+7): 0 from the spring equinox, 9 from
/// the winter solstice.
fn sun_sector(day_number: i64) -> i64 {
    (sun_longitude(day_number as f64 - 0.5 - TIME_ZONE / 24.0) / PI * 6.0).floor() as i64
}

/// First day of the 11th lunar month, the one holding the winter solstice
/// of the solar year `year`.
fn lunar_month_11(year: i32) -> i64 {
    let dec31 = NaiveDate::from_ymd_opt(year, 12, 31).expect("valid date");
    let off = julian_day(dec31) - 2_415_021;
    let k = (off as f64 / SYNODIC_MONTH).floor() as i64;
    let nm = new_moon_day(k);
    if sun_sector(nm) >= 9 {
        new_moon_day(k - 1)
    } else {
        nm
    }
}

/// How many months after month 11 (starting at `a11`) the leap month comes:
/// the first month in which the sun enters no new sector.
fn leap_month_offset(a11: i64) -> i64 {
    let k = ((a11 as f64 - EPOCH_NEW_MOON) / SYNODIC_MONTH + 0.5).floor() as i64;
    let mut i = 1;
    let mut arc = sun_sector(new_moon_day(k + i));
    loop {
        let last = arc;
        i += 1;
        arc = sun_sector(new_moon_day(k + i));
        if arc == last || i >= 14 {
            break;
        }
    }
    i - 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// Tết Nguyên Đán in Vietnam, 2000–2040, as published in Vietnamese
    /// calendars and cross-checked against two independent
    /// Vietnamese lunar packages (note 2007 and 2030: one day before the
    /// Chinese New Year).
    const TET: [(i32, u32, u32); 41] = [
        (2000, 2, 5),
        (2001, 1, 24),
        (2002, 2, 12),
        (2003, 2, 1),
        (2004, 1, 22),
        (2005, 2, 9),
        (2006, 1, 29),
        (2007, 2, 17),
        (2008, 2, 7),
        (2009, 1, 26),
        (2010, 2, 14),
        (2011, 2, 3),
        (2012, 1, 23),
        (2013, 2, 10),
        (2014, 1, 31),
        (2015, 2, 19),
        (2016, 2, 8),
        (2017, 1, 28),
        (2018, 2, 16),
        (2019, 2, 5),
        (2020, 1, 25),
        (2021, 2, 12),
        (2022, 2, 1),
        (2023, 1, 22),
        (2024, 2, 10),
        (2025, 1, 29),
        (2026, 2, 17),
        (2027, 2, 6),
        (2028, 1, 26),
        (2029, 2, 13),
        (2030, 2, 2),
        (2031, 1, 23),
        (2032, 2, 11),
        (2033, 1, 31),
        (2034, 2, 19),
        (2035, 2, 8),
        (2036, 1, 28),
        (2037, 2, 15),
        (2038, 2, 4),
        (2039, 1, 24),
        (2040, 2, 12),
    ];

    #[test]
    fn tet_matches_the_published_dates_2000_to_2040() {
        for (y, m, d) in TET {
            assert_eq!(lunar_new_year(y), Some(date(y, m, d)), "Tết {y}");
        }
    }

    #[test]
    fn years_outside_the_series_have_no_answer() {
        assert_eq!(lunar_new_year(300_000), None);
        assert_eq!(LunarDate::from_solar(NaiveDate::MAX), None);
        assert_eq!(LunarDate::from_solar(date(1899, 12, 31)), None);
    }

    #[test]
    fn known_lunar_dates() {
        // Giỗ Tổ Hùng Vương, 10/3 âm lịch.
        let gio_to = |year| {
            LunarDate {
                year,
                month: 3,
                day: 10,
                leap: false,
            }
            .to_solar()
            .unwrap()
        };
        assert_eq!(gio_to(2024), date(2024, 4, 18));
        assert_eq!(gio_to(2025), date(2025, 4, 7));
        assert_eq!(gio_to(2026), date(2026, 4, 26));
        assert_eq!(gio_to(2027), date(2027, 4, 16));
        assert_eq!(gio_to(2030), date(2030, 4, 12));
        // 2023 had a leap second month (tháng 2 nhuận).
        let leap = LunarDate {
            year: 2023,
            month: 2,
            day: 1,
            leap: true,
        };
        assert_eq!(leap.to_solar(), Some(date(2023, 3, 22)));
        assert_eq!(LunarDate::from_solar(date(2023, 3, 22)), Some(leap));
        assert_eq!(
            LunarDate {
                year: 2024,
                month: 2,
                day: 1,
                leap: true
            }
            .to_solar(),
            None
        );
        // The last day of Ất Tỵ (2025) is the 29th of the twelfth month.
        assert_eq!(
            LunarDate::from_solar(date(2026, 2, 16)).unwrap(),
            LunarDate {
                year: 2025,
                month: 12,
                day: 29,
                leap: false
            }
        );
        assert_eq!(
            LunarDate {
                year: 2025,
                month: 12,
                day: 30,
                leap: false
            }
            .to_solar(),
            None
        );
    }

    proptest! {
        #[test]
        fn solar_lunar_round_trip(days in 0u64..73_000) {
            let solar = date(1950, 1, 1) + chrono::Days::new(days);
            let lunar = LunarDate::from_solar(solar).unwrap();
            prop_assert!((1..=12).contains(&lunar.month) && (1..=30).contains(&lunar.day));
            prop_assert_eq!(lunar.to_solar(), Some(solar));
        }
    }
}
