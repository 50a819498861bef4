//! QCVN 120's wire conventions, as types: every scalar a JSON string,
//! times `yyyyMMddHHmmss` in Vietnam time (one Q&A date `dd/MM/yyyy`),
//! booleans `"True"`/`"False"`, codes as decimal strings. Each type reads
//! only what it writes, so the conformance peer and our tests refuse exactly
//! what a strict peer would (a number where a string belongs, a date in
//! another format).

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};
use domain::NationalStatus;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

const TIME_FORMAT: &str = "%Y%m%d%H%M%S";

/// Field lengths peers were seen to reject beyond; text is cut to these.
pub mod caps {
    /// `TrichYeuHoSo`.
    pub const SUMMARY: usize = 1000;
    /// `GhiChu`: long notes were refused in practice.
    pub const NOTE: usize = 500;
    /// `NoiDungXuLy`, `NoiDungBoSung`.
    pub const STEP_TEXT: usize = 1000;
    /// Names of people, agencies, departments, files.
    pub const NAME: usize = 250;
}

/// `text` cut to at most `max` characters (not bytes), on a character boundary.
pub fn cap(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => text[..at].to_owned(),
        None => text.to_owned(),
    }
}

fn string_only<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    String::deserialize(deserializer)
}

/// A civil time in Vietnam, on the wire as `yyyyMMddHHmmss`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireTime(pub NaiveDateTime);

impl Serialize for WireTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format(TIME_FORMAT))
    }
}

impl<'de> Deserialize<'de> for WireTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        parse_time(&raw).map(WireTime).map_err(de::Error::custom)
    }
}

fn parse_time(raw: &str) -> Result<NaiveDateTime, String> {
    if raw.len() != 14 || !raw.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{raw}` is not a yyyyMMddHHmmss time"));
    }
    NaiveDateTime::parse_from_str(raw, TIME_FORMAT).map_err(|e| format!("`{raw}`: {e}"))
}

/// A civil date on the wire as `dd/MM/yyyy`, the one format QCVN 120 uses
/// besides `yyyyMMddHHmmss` (`NGAYTRALOI` of `DongBoKetQuaHoiDapGuiTuDVCQG`).
/// Two-digit day and month, four-digit year, and nothing else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireDate(pub NaiveDate);

const DATE_FORMAT: &str = "%d/%m/%Y";

impl Serialize for WireDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.format(DATE_FORMAT))
    }
}

impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        let shaped = raw.len() == 10
            && raw.bytes().enumerate().all(|(i, b)| match i {
                2 | 5 => b == b'/',
                _ => b.is_ascii_digit(),
            });
        if !shaped {
            return Err(de::Error::custom(format!(
                "`{raw}` is not a dd/MM/yyyy date"
            )));
        }
        NaiveDate::parse_from_str(&raw, DATE_FORMAT)
            .map(WireDate)
            .map_err(|e| de::Error::custom(format!("`{raw}`: {e}")))
    }
}

/// An optional time: the empty string when absent, as peers send it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MaybeTime(pub Option<NaiveDateTime>);

impl Serialize for MaybeTime {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Some(t) => s.collect_str(&t.format(TIME_FORMAT)),
            None => s.serialize_str(""),
        }
    }
}

impl<'de> Deserialize<'de> for MaybeTime {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        if raw.is_empty() {
            return Ok(MaybeTime(None));
        }
        parse_time(&raw)
            .map(|t| MaybeTime(Some(t)))
            .map_err(de::Error::custom)
    }
}

impl From<Option<NaiveDateTime>> for MaybeTime {
    fn from(t: Option<NaiveDateTime>) -> Self {
        MaybeTime(t)
    }
}

/// A boolean as `"True"` or `"False"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WireBool(pub bool);

impl Serialize for WireBool {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(if self.0 { "True" } else { "False" })
    }
}

impl<'de> Deserialize<'de> for WireBool {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match string_only(d)?.as_str() {
            "True" => Ok(WireBool(true)),
            "False" => Ok(WireBool(false)),
            other => Err(de::Error::custom(format!(
                "`{other}` is not \"True\" or \"False\""
            ))),
        }
    }
}

/// A dossier status, on the wire as `"1"` … `"10"`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WireStatus(pub NationalStatus);

impl Serialize for WireStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.code())
    }
}

impl<'de> Deserialize<'de> for WireStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        raw.parse::<u8>()
            .ok()
            .and_then(|code| NationalStatus::from_code(code).ok())
            .map(WireStatus)
            .ok_or_else(|| de::Error::custom(format!("`{raw}` is not a status 1–10")))
    }
}

/// A small code from a fixed list (`LoaiDoiTuong`, `HinhThuc`, `KenhThucHien`…),
/// on the wire as its decimal string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WireCode<const MIN: u8, const MAX: u8>(pub u8);

impl<const MIN: u8, const MAX: u8> Serialize for WireCode<MIN, MAX> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de, const MIN: u8, const MAX: u8> Deserialize<'de> for WireCode<MIN, MAX> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        raw.parse::<u8>()
            .ok()
            .filter(|c| (MIN..=MAX).contains(c))
            .map(WireCode)
            .ok_or_else(|| de::Error::custom(format!("`{raw}` is not a code {MIN}–{MAX}")))
    }
}

/// A count or an amount, on the wire as a decimal string.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct WireNumber(pub u64);

impl Serialize for WireNumber {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for WireNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = string_only(d)?;
        raw.parse()
            .map(WireNumber)
            .map_err(|_| de::Error::custom(format!("`{raw}` is not a whole number")))
    }
}

/// A peer's `error_code`: 0 or `"0"`/`"00"` is success. Peers send both a
/// number and a string here, so this one field reads either.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCode(pub i64);

impl ErrorCode {
    pub fn is_success(self) -> bool {
        self.0 == 0
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_i64(self.0)
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Code;
        impl Visitor<'_> for Code {
            type Value = ErrorCode;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an error code, as a number or a string")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<ErrorCode, E> {
                Ok(ErrorCode(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ErrorCode, E> {
                i64::try_from(v).map(ErrorCode).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ErrorCode, E> {
                v.trim().parse().map(ErrorCode).map_err(E::custom)
            }
        }
        d.deserialize_any(Code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn times_are_fourteen_digits_and_nothing_else() {
        let t = NaiveDate::from_ymd_opt(2026, 6, 3)
            .unwrap()
            .and_hms_opt(9, 5, 7)
            .unwrap();
        assert_eq!(
            serde_json::to_value(WireTime(t)).unwrap(),
            json!("20260603090507")
        );
        assert_eq!(
            serde_json::from_value::<WireTime>(json!("20260603090507")).unwrap(),
            WireTime(t)
        );
        for bad in [
            json!(20260603090507u64),
            json!("2026-06-03 09:05:07"),
            json!("20261303090507"),
            json!("202606030905"),
        ] {
            assert!(
                serde_json::from_value::<WireTime>(bad.clone()).is_err(),
                "{bad}"
            );
        }
        assert_eq!(serde_json::to_value(MaybeTime(None)).unwrap(), json!(""));
        assert_eq!(
            serde_json::from_value::<MaybeTime>(json!("")).unwrap(),
            MaybeTime(None)
        );
    }

    #[test]
    fn dates_are_day_month_year_with_slashes_and_nothing_else() {
        let d = NaiveDate::from_ymd_opt(2026, 6, 3).unwrap();
        assert_eq!(
            serde_json::to_value(WireDate(d)).unwrap(),
            json!("03/06/2026")
        );
        assert_eq!(
            serde_json::from_value::<WireDate>(json!("03/06/2026")).unwrap(),
            WireDate(d)
        );
        for bad in [
            json!(3062026),
            json!("3/6/2026"),
            json!("2026-06-03"),
            json!("03-06-2026"),
            json!("31/06/2026"),
            json!("03/06/26"),
            json!("03/06/2026 09:00"),
            json!(""),
        ] {
            assert!(
                serde_json::from_value::<WireDate>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn scalars_are_strings() {
        assert_eq!(serde_json::to_value(WireBool(true)).unwrap(), json!("True"));
        assert!(serde_json::from_value::<WireBool>(json!(true)).is_err());
        assert!(serde_json::from_value::<WireBool>(json!("true")).is_err());
        assert_eq!(
            serde_json::to_value(WireStatus(NationalStatus::Returned)).unwrap(),
            json!("10")
        );
        assert!(serde_json::from_value::<WireStatus>(json!(4)).is_err());
        assert!(serde_json::from_value::<WireStatus>(json!("11")).is_err());
        assert_eq!(
            serde_json::to_value(WireCode::<1, 2>(2)).unwrap(),
            json!("2")
        );
        assert!(serde_json::from_value::<WireCode<1, 2>>(json!("3")).is_err());
        assert!(serde_json::from_value::<WireNumber>(json!(5)).is_err());
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!("00")).unwrap(),
            ErrorCode(0)
        );
        assert_eq!(
            serde_json::from_value::<ErrorCode>(json!(-3)).unwrap(),
            ErrorCode(-3)
        );
    }

    #[test]
    fn caps_count_characters_not_bytes() {
        assert_eq!(cap("Hồ sơ", 3), "Hồ ");
        assert_eq!(cap("ngắn", 10), "ngắn");
    }
}
