//! Codes that identify procedures, agencies, dossiers, petitions and questions.
//!
//! Each code is a newtype over its canonical text with one checked constructor
//! (`parse`); serde goes through the same check, so a code read from JSON or
//! TOML is as valid as one typed in Rust.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// Why a code was rejected. The messages name the offending part so that an
/// importer's report or an API error can be acted on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("{kind} is empty")]
    Empty { kind: &'static str },
    #[error("{kind} `{raw}` has leading or trailing whitespace")]
    Whitespace { kind: &'static str, raw: String },
    #[error("{kind} `{raw}`: {problem}")]
    Malformed {
        kind: &'static str,
        raw: String,
        problem: String,
    },
}

fn check_untrimmed(kind: &'static str, raw: &str) -> Result<(), CodeError> {
    if raw.is_empty() {
        return Err(CodeError::Empty { kind });
    }
    if raw.trim() != raw {
        return Err(CodeError::Whitespace {
            kind,
            raw: raw.to_owned(),
        });
    }
    Ok(())
}

fn malformed(kind: &'static str, raw: &str, problem: impl Into<String>) -> CodeError {
    CodeError::Malformed {
        kind,
        raw: raw.to_owned(),
        problem: problem.into(),
    }
}

fn all_digits(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| b.is_ascii_digit())
}

/// Implements the string plumbing shared by every code type: `Display`,
/// `AsRef<str>`, `FromStr` and the `TryFrom<String>`/`From<Code> for String`
/// pair that serde uses.
macro_rules! code_string_impls {
    ($ty:ident) => {
        impl $ty {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl AsRef<str> for $ty {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl FromStr for $ty {
            type Err = CodeError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
        impl TryFrom<String> for $ty {
            type Error = CodeError;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$ty> for String {
            fn from(code: $ty) -> String {
                code.0
            }
        }
    };
}

/// Code of an administrative procedure in the national database (mã TTHC):
/// a group digit, a dot and six digits (`1.001193`), optionally followed by a
/// dot and a suffix of capitals and digits, as provinces publish their own
/// versions (`1.000948.H38`) and online services number their cases
/// (`1.001193.01`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureCode(String);

impl ProcedureCode {
    const KIND: &'static str = "procedure code";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let kind = Self::KIND;
        check_untrimmed(kind, raw)?;
        let mut parts = raw.split('.');
        let group = parts.next().unwrap_or_default();
        if !all_digits(group, 1) {
            return Err(malformed(
                kind,
                raw,
                "must start with one digit and a dot, as in 1.001193",
            ));
        }
        let number = parts
            .next()
            .ok_or_else(|| malformed(kind, raw, "has no number after the first dot"))?;
        if !all_digits(number, 6) {
            return Err(malformed(
                kind,
                raw,
                format!(
                    "the number after the first dot must be exactly 6 digits, found `{number}`"
                ),
            ));
        }
        if let Some(suffix) = parts.next() {
            let suffix_ok = (1..=10).contains(&suffix.len())
                && suffix
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
            if !suffix_ok {
                return Err(malformed(
                    kind,
                    raw,
                    format!("suffix `{suffix}` must be 1–10 capital letters or digits"),
                ));
            }
        }
        if parts.next().is_some() {
            return Err(malformed(kind, raw, "has more than one suffix"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The national code without a province or case suffix (`1.000948.H38` → `1.000948`).
    pub fn base(&self) -> &str {
        &self.0[..8]
    }

    pub fn suffix(&self) -> Option<&str> {
        self.0.get(9..)
    }
}
code_string_impls!(ProcedureCode);

/// Electronic identifier of an agency per QĐ 20/2020/QĐ-TTg, written
/// `V1V2V3.Z1Z2.Y1Y2.MX1X2` (`000.00.01.H22`): three, two and two digits, then
/// the level-1 unit — one capital letter and two digits (G.. ministries,
/// H.. provinces, A/B/K.. other state bodies).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AgencyCode(String);

impl AgencyCode {
    const KIND: &'static str = "agency code";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let kind = Self::KIND;
        check_untrimmed(kind, raw)?;
        let parts: Vec<&str> = raw.split('.').collect();
        let [v, z, y, m] = parts.as_slice() else {
            return Err(malformed(
                kind,
                raw,
                format!(
                    "must have 4 dot-separated groups as in 000.00.01.H22, found {}",
                    parts.len()
                ),
            ));
        };
        for (group, len) in [(v, 3), (z, 2), (y, 2)] {
            if !all_digits(group, len) {
                return Err(malformed(
                    kind,
                    raw,
                    format!("group `{group}` must be {len} digits"),
                ));
            }
        }
        let m = m.as_bytes();
        if !(m.len() == 3 && m[0].is_ascii_uppercase() && m[1..].iter().all(u8::is_ascii_digit)) {
            return Err(malformed(
                kind,
                raw,
                "the last group must be a capital letter and 2 digits, as in H22 or G01",
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    /// The level-1 unit (ministry or province) this agency belongs to, e.g. `H22`.
    pub fn level1_unit(&self) -> &str {
        &self.0[self.0.len() - 3..]
    }
}
code_string_impls!(AgencyCode);

/// Code of a dossier per TT 01/2018/TT-VPCP Art. 19:
/// `<agency code>-<YYMMDD>-<sequence>`, e.g. `000.00.01.H29-260310-0420`.
/// The sequence counts the dossiers the agency received that day; it is
/// written with 4 digits, or 5 once a day passes 9,999. Codes from other
/// systems with a zero-padded 5-digit sequence are accepted and keep their
/// spelling.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DossierCode(String);

/// Highest sequence a dossier code can carry in one day at one agency.
pub const MAX_DAILY_SEQUENCE: u32 = 99_999;

impl DossierCode {
    const KIND: &'static str = "dossier code";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        let kind = Self::KIND;
        check_untrimmed(kind, raw)?;
        let mut parts = raw.rsplitn(3, '-');
        let (Some(seq), Some(date), Some(agency)) = (parts.next(), parts.next(), parts.next())
        else {
            return Err(malformed(
                kind,
                raw,
                "must be <agency code>-<YYMMDD>-<sequence>, as in 000.00.01.H29-260310-0420",
            ));
        };
        AgencyCode::parse(agency).map_err(|e| malformed(kind, raw, e.to_string()))?;
        parse_yymmdd(date).ok_or_else(|| {
            malformed(kind, raw, format!("`{date}` is not a date written YYMMDD"))
        })?;
        if !(all_digits(seq, 4) || all_digits(seq, 5)) {
            return Err(malformed(
                kind,
                raw,
                format!("sequence `{seq}` must be 4 or 5 digits"),
            ));
        }
        if seq.bytes().all(|b| b == b'0') {
            return Err(malformed(kind, raw, "sequence starts at 1, not 0"));
        }
        Ok(Self(raw.to_owned()))
    }

    /// Issues the code of the `sequence`-th dossier received by `agency` on `day`.
    pub fn issue(agency: &AgencyCode, day: NaiveDate, sequence: u32) -> Result<Self, CodeError> {
        if sequence == 0 || sequence > MAX_DAILY_SEQUENCE {
            return Err(CodeError::Malformed {
                kind: Self::KIND,
                raw: sequence.to_string(),
                problem: format!("a day's sequence must be between 1 and {MAX_DAILY_SEQUENCE}"),
            });
        }
        if !(2000..=2099).contains(&day.year()) {
            return Err(CodeError::Malformed {
                kind: Self::KIND,
                raw: day.to_string(),
                problem: "a dossier code's two-digit year covers 2000–2099 only".into(),
            });
        }
        Ok(Self(format!(
            "{agency}-{}-{sequence:04}",
            day.format("%y%m%d")
        )))
    }

    pub fn agency(&self) -> AgencyCode {
        let end = self.0.len() - self.sequence_text().len() - 8;
        AgencyCode(self.0[..end].to_owned())
    }

    /// The receipt day. Two-digit years are read as 20YY.
    pub fn day(&self) -> NaiveDate {
        let end = self.0.len() - self.sequence_text().len() - 1;
        parse_yymmdd(&self.0[end - 6..end]).expect("checked by parse")
    }

    pub fn sequence(&self) -> u32 {
        self.sequence_text().parse().expect("checked by parse")
    }

    fn sequence_text(&self) -> &str {
        self.0.rsplit('-').next().expect("checked by parse")
    }
}
code_string_impls!(DossierCode);

/// The code the national portal gave a dossier submitted there (`MaHoSo`
/// in its packets). Its format is the portal's, not ours: any short run of
/// letters, digits and `.` `-` `_` `/`, so that it fits a key and a log line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalDossierCode(String);

impl NationalDossierCode {
    const KIND: &'static str = "national dossier code";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        check_national_id(Self::KIND, raw).map(Self)
    }
}
code_string_impls!(NationalDossierCode);

/// The id the national portal gave a question asked there (`HOIDAPID` of
/// its Q&A packets), in the same loose format as [`NationalDossierCode`]:
/// the portal's own, kept as it comes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalQuestionId(String);

impl NationalQuestionId {
    const KIND: &'static str = "national question id";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        check_national_id(Self::KIND, raw).map(Self)
    }
}
code_string_impls!(NationalQuestionId);

/// The code the national portal gave a feedback or petition sent there
/// (`MaPAKN` of its PAKN packets), in the same loose format as
/// [`NationalDossierCode`]: the portal's own, kept as it comes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NationalPetitionCode(String);

impl NationalPetitionCode {
    const KIND: &'static str = "national petition code";

    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        check_national_id(Self::KIND, raw).map(Self)
    }
}
code_string_impls!(NationalPetitionCode);

/// A code the national portal made: a short run of letters, digits and
/// `.` `-` `_` `/`, so that it fits a key and a log line.
fn check_national_id(kind: &'static str, raw: &str) -> Result<String, CodeError> {
    const MAX_LEN: usize = 50;
    check_untrimmed(kind, raw)?;
    if raw.len() > MAX_LEN {
        return Err(malformed(kind, raw, "longer than 50 characters"));
    }
    if let Some(c) = raw
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/')))
    {
        return Err(malformed(kind, raw, format!("`{c}` is not allowed")));
    }
    Ok(raw.to_owned())
}

/// The reference of a feedback or petition (phản ánh, kiến nghị):
/// `PAKN-<YYMMDD>-<6 symbols>`, e.g. `PAKN-260603-7KMQ4X`. The six symbols
/// are random, so a code says nothing about how many petitions an agency
/// gets, and are drawn from [`PETITION_CODE_ALPHABET`], which leaves out
/// the look-alikes 0/O and 1/I/L, so a citizen can read it out on the phone.
/// `parse` takes lowercase as typed and keeps the code in capitals.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PetitionCode(String);

/// Digits 2–9 and the capitals without I, L and O.
pub const PETITION_CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
const PETITION_SUFFIX_LEN: usize = 6;

/// The shape shared by petition and question codes: a prefix, the day
/// (`YYMMDD`) and six random symbols of [`PETITION_CODE_ALPHABET`].
struct RandomCode {
    kind: &'static str,
    prefix: &'static str,
    /// What the codes are called in messages ("petition codes").
    plural: &'static str,
    example: &'static str,
}

impl RandomCode {
    fn parse(&self, raw: &str) -> Result<String, CodeError> {
        let kind = self.kind;
        check_untrimmed(kind, raw)?;
        let upper = raw.to_ascii_uppercase();
        let mut parts = upper.split('-');
        let (Some(prefix), Some(date), Some(suffix), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(self.misshapen(raw));
        };
        if prefix != self.prefix {
            return Err(self.misshapen(raw));
        }
        parse_yymmdd(date).ok_or_else(|| {
            malformed(kind, raw, format!("`{date}` is not a date written YYMMDD"))
        })?;
        if suffix.len() != PETITION_SUFFIX_LEN {
            return Err(malformed(
                kind,
                raw,
                format!("the last part must be {PETITION_SUFFIX_LEN} symbols, found `{suffix}`"),
            ));
        }
        if let Some(c) = suffix
            .chars()
            .find(|c| !c.is_ascii() || !PETITION_CODE_ALPHABET.contains(&(*c as u8)))
        {
            return Err(malformed(
                kind,
                raw,
                format!("`{c}` is not used in {} (no 0, 1, I, L or O)", self.plural),
            ));
        }
        Ok(upper)
    }

    fn misshapen(&self, raw: &str) -> CodeError {
        malformed(
            self.kind,
            raw,
            format!(
                "must be {}-<YYMMDD>-<6 letters or digits>, as in {}",
                self.prefix, self.example
            ),
        )
    }

    fn issue(&self, day: NaiveDate, entropy: u64) -> Result<String, CodeError> {
        if !(2000..=2099).contains(&day.year()) {
            return Err(CodeError::Malformed {
                kind: self.kind,
                raw: day.to_string(),
                problem: format!("a {}'s two-digit year covers 2000–2099 only", self.kind),
            });
        }
        let base = PETITION_CODE_ALPHABET.len() as u64;
        let mut rest = entropy;
        let suffix: String = (0..PETITION_SUFFIX_LEN)
            .map(|_| {
                let symbol = PETITION_CODE_ALPHABET[(rest % base) as usize] as char;
                rest /= base;
                symbol
            })
            .collect();
        Ok(format!("{}-{}-{suffix}", self.prefix, day.format("%y%m%d")))
    }

    /// The day of a code this shape parsed. Two-digit years are read as 20YY.
    fn day(&self, code: &str) -> NaiveDate {
        let start = self.prefix.len() + 1;
        parse_yymmdd(&code[start..start + 6]).expect("checked by parse")
    }
}

const PETITION: RandomCode = RandomCode {
    kind: "petition code",
    prefix: "PAKN",
    plural: "petition codes",
    example: "PAKN-260603-7KMQ4X",
};

impl PetitionCode {
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        PETITION.parse(raw).map(Self)
    }

    /// The code of a petition received on `day`, its symbols drawn from
    /// `entropy` (the caller's randomness: the domain has none of its own).
    pub fn issue(day: NaiveDate, entropy: u64) -> Result<Self, CodeError> {
        PETITION.issue(day, entropy).map(Self)
    }

    /// The day it was received. Two-digit years are read as 20YY.
    pub fn day(&self) -> NaiveDate {
        PETITION.day(&self.0)
    }

    /// The code as the last part of a page's address: `pakn-260603-7kmq4x`.
    pub fn slug(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}
code_string_impls!(PetitionCode);

/// The reference of a question to an agency (hỏi đáp): `HD-<YYMMDD>-<6
/// symbols>`, e.g. `HD-260603-7KMQ4X`, drawn like a [`PetitionCode`] (random,
/// no look-alikes, lowercase accepted).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct QuestionCode(String);

const QUESTION: RandomCode = RandomCode {
    kind: "question code",
    prefix: "HD",
    plural: "question codes",
    example: "HD-260603-7KMQ4X",
};

impl QuestionCode {
    pub fn parse(raw: &str) -> Result<Self, CodeError> {
        QUESTION.parse(raw).map(Self)
    }

    /// The code of a question asked on `day`, its symbols drawn from `entropy`.
    pub fn issue(day: NaiveDate, entropy: u64) -> Result<Self, CodeError> {
        QUESTION.issue(day, entropy).map(Self)
    }

    /// The day it was asked.
    pub fn day(&self) -> NaiveDate {
        QUESTION.day(&self.0)
    }

    /// The code as the last part of a page's address: `hd-260603-7kmq4x`.
    pub fn slug(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}
code_string_impls!(QuestionCode);

fn parse_yymmdd(s: &str) -> Option<NaiveDate> {
    if !all_digits(s, 6) {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().ok();
    NaiveDate::from_ymd_opt(2000 + n(0..2)? as i32, n(2..4)?, n(4..6)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn national_dossier_codes_are_short_and_plain() {
        for ok in [
            "G22.99-241212-0001",
            "000.00.00.H26-260101-0042",
            "DVCQG_2026/17",
        ] {
            assert_eq!(NationalDossierCode::parse(ok).unwrap().as_str(), ok);
        }
        for bad in ["", " G22", "G22 99", "G22#99", "hồ-sơ", &"1".repeat(51)] {
            assert!(NationalDossierCode::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn procedure_codes_as_the_national_database_writes_them() {
        for ok in [
            "1.001193",
            "1.000948.H38",
            "1.001193.01",
            "2.000507",
            "3.000346",
        ] {
            assert_eq!(ProcedureCode::parse(ok).unwrap().as_str(), ok);
        }
        let code = ProcedureCode::parse("1.000948.H38").unwrap();
        assert_eq!((code.base(), code.suffix()), ("1.000948", Some("H38")));
    }

    #[test]
    fn procedure_codes_with_the_catalogue_flaws_are_rejected_with_the_reason() {
        let cases = [
            (" 1.014325", "whitespace"),
            ("1.0133611", "exactly 6 digits, found `0133611`"),
            ("1.014955-Xoa", "exactly 6 digits"),
            ("2.009182739", "exactly 6 digits"),
            ("1.000948.h38", "suffix `h38`"),
            ("1.000948.H38.01", "more than one suffix"),
            ("12.000948", "one digit"),
            ("", "empty"),
        ];
        for (raw, why) in cases {
            let err = ProcedureCode::parse(raw).unwrap_err().to_string();
            assert!(err.contains(why), "{raw:?}: {err}");
        }
    }

    #[test]
    fn agency_codes_follow_qd_20_2020() {
        let code = AgencyCode::parse("000.00.01.H22").unwrap();
        assert_eq!(code.level1_unit(), "H22");
        for bad in [
            "H22",
            "000.00.01",
            "000.00.UB.003",
            "000.00.01.h22",
            "000.0.01.H22",
            "H21.24.01.02",
        ] {
            assert!(AgencyCode::parse(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn dossier_codes_split_into_agency_day_and_sequence() {
        let code = DossierCode::parse("000.00.01.H29-260310-0420").unwrap();
        assert_eq!(code.agency().as_str(), "000.00.01.H29");
        assert_eq!(code.day(), NaiveDate::from_ymd_opt(2026, 3, 10).unwrap());
        assert_eq!(code.sequence(), 420);
        let five = DossierCode::parse("000.00.01.H29-260310-00420").unwrap();
        assert_eq!((five.sequence(), five.as_str().len()), (420, 26));
    }

    #[test]
    fn dossier_code_errors_name_the_wrong_part() {
        let cases = [
            ("000.00.01.H29-260230-0420", "`260230` is not a date"),
            ("000.00.01.H29-260310-042", "sequence `042`"),
            ("000.00.01.H29-260310-0000", "starts at 1"),
            ("000.00.01-260310-0420", "4 dot-separated groups"),
            ("000.00.01.H29", "must be <agency code>-<YYMMDD>-<sequence>"),
        ];
        for (raw, why) in cases {
            let err = DossierCode::parse(raw).unwrap_err().to_string();
            assert!(err.contains(why), "{raw}: {err}");
        }
    }

    #[test]
    fn issued_codes_use_four_digits_then_five_after_9999() {
        let agency = AgencyCode::parse("000.00.01.H22").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 4, 24).unwrap();
        assert_eq!(
            DossierCode::issue(&agency, day, 7).unwrap().as_str(),
            "000.00.01.H22-260424-0007"
        );
        assert_eq!(
            DossierCode::issue(&agency, day, 9999).unwrap().as_str(),
            "000.00.01.H22-260424-9999"
        );
        assert_eq!(
            DossierCode::issue(&agency, day, 10_000).unwrap().as_str(),
            "000.00.01.H22-260424-10000"
        );
        assert!(DossierCode::issue(&agency, day, 0).is_err());
        assert!(DossierCode::issue(&agency, day, 100_000).is_err());
        let next_century = NaiveDate::from_ymd_opt(2100, 1, 4).unwrap();
        assert!(DossierCode::issue(&agency, next_century, 1).is_err());
    }

    #[test]
    fn serde_goes_through_parse() {
        let ok: DossierCode = serde_json::from_str("\"000.00.01.H22-260424-0007\"").unwrap();
        assert_eq!(
            serde_json::to_string(&ok).unwrap(),
            "\"000.00.01.H22-260424-0007\""
        );
        assert!(serde_json::from_str::<ProcedureCode>("\"1.0133611\"").is_err());
    }

    #[test]
    fn petition_codes_are_read_out_without_look_alikes() {
        let code = PetitionCode::parse("PAKN-260603-7KMQ4X").unwrap();
        assert_eq!(code.day(), NaiveDate::from_ymd_opt(2026, 6, 3).unwrap());
        // As typed from a phone call: lowercase, kept in capitals.
        assert_eq!(PetitionCode::parse("pakn-260603-7kmq4x").unwrap(), code);
        let cases = [
            ("PAKN-260603-7KMQ4", "6 symbols"),
            ("PAKN-260603-7KMQ4XY", "6 symbols"),
            ("PAKN-260603-7KMQ0X", "`0` is not used"),
            ("PAKN-260603-7KMQOX", "`O` is not used"),
            ("PAKN-260603-IKMQ4X", "`I` is not used"),
            ("PAKN-260603-1KMQ4X", "`1` is not used"),
            ("PAKN-260603-LKMQ4X", "`L` is not used"),
            ("PAKN-260231-7KMQ4X", "`260231` is not a date"),
            ("PAKN-260603", "must be PAKN-<YYMMDD>"),
            ("PAKN-260603-7KMQ4X-2", "must be PAKN-<YYMMDD>"),
            ("HS-260603-7KMQ4X", "must be PAKN-<YYMMDD>"),
            (" PAKN-260603-7KMQ4X", "whitespace"),
            ("", "empty"),
        ];
        for (raw, why) in cases {
            let err = PetitionCode::parse(raw).unwrap_err().to_string();
            assert!(err.contains(why), "{raw:?}: {err}");
        }
        let json = serde_json::to_string(&code).unwrap();
        assert_eq!(json, "\"PAKN-260603-7KMQ4X\"");
        assert!(serde_json::from_str::<PetitionCode>("\"PAKN-260603-7KMQ0X\"").is_err());
    }

    #[test]
    fn issued_petition_codes_spell_the_day_and_the_drawn_symbols() {
        let day = NaiveDate::from_ymd_opt(2026, 6, 3).unwrap();
        assert_eq!(
            PetitionCode::issue(day, 0).unwrap().as_str(),
            "PAKN-260603-222222"
        );
        assert_eq!(
            PetitionCode::issue(day, 30).unwrap().as_str(),
            "PAKN-260603-Z22222"
        );
        assert_ne!(
            PetitionCode::issue(day, 1).unwrap(),
            PetitionCode::issue(day, 2).unwrap()
        );
        let next_century = NaiveDate::from_ymd_opt(2100, 1, 4).unwrap();
        assert!(PetitionCode::issue(next_century, 7).is_err());
    }

    #[test]
    fn question_codes_are_shaped_like_petition_codes_with_their_own_prefix() {
        let code = QuestionCode::parse("hd-260603-7kmq4x").unwrap();
        assert_eq!(code.as_str(), "HD-260603-7KMQ4X");
        assert_eq!(code.day(), NaiveDate::from_ymd_opt(2026, 6, 3).unwrap());
        assert_eq!(code.slug(), "hd-260603-7kmq4x");
        for (raw, why) in [
            ("PAKN-260603-7KMQ4X", "must be HD-<YYMMDD>"),
            ("HD-260603-7KMQ0X", "`0` is not used in question codes"),
            ("HD-261303-7KMQ4X", "`261303` is not a date"),
            ("HD-260603-7KMQ4", "6 symbols"),
        ] {
            let err = QuestionCode::parse(raw).unwrap_err().to_string();
            assert!(err.contains(why), "{raw:?}: {err}");
        }
        assert!(PetitionCode::parse("HD-260603-7KMQ4X").is_err());
        let day = NaiveDate::from_ymd_opt(2026, 6, 3).unwrap();
        assert_eq!(
            QuestionCode::issue(day, 0).unwrap().as_str(),
            "HD-260603-222222"
        );
        let next_century = NaiveDate::from_ymd_opt(2100, 1, 4).unwrap();
        let err = QuestionCode::issue(next_century, 7)
            .unwrap_err()
            .to_string();
        assert!(err.contains("a question code's two-digit year"), "{err}");
    }

    #[test]
    fn national_ids_are_the_portals_own_short_codes() {
        assert_eq!(NationalQuestionId::parse("7781").unwrap().as_str(), "7781");
        assert!(NationalQuestionId::parse("HD/2026-01_a.b").is_ok());
        for bad in ["", " 7781", "77 81", "câu-1", &"9".repeat(51)] {
            assert!(NationalQuestionId::parse(bad).is_err(), "{bad:?}");
        }
        assert!(serde_json::from_str::<NationalQuestionId>("\"7781\"").is_ok());
        assert!(NationalPetitionCode::parse("PAKN-2026-000123").is_ok());
        assert!(NationalPetitionCode::parse("PAKN 2026").is_err());
    }

    fn agency_strategy() -> impl Strategy<Value = AgencyCode> {
        (
            0u32..1000,
            0u32..100,
            0u32..100,
            proptest::char::range('A', 'Z'),
            0u32..100,
        )
            .prop_map(|(v, z, y, l, x)| {
                AgencyCode::parse(&format!("{v:03}.{z:02}.{y:02}.{l}{x:02}")).unwrap()
            })
    }

    proptest! {
        #[test]
        fn issued_dossier_codes_round_trip(
            agency in agency_strategy(),
            days in 0i64..36_000,
            sequence in 1u32..=MAX_DAILY_SEQUENCE,
        ) {
            let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let code = DossierCode::issue(&agency, day, sequence).unwrap();
            let parsed = DossierCode::parse(code.as_str()).unwrap();
            prop_assert_eq!(&parsed, &code);
            prop_assert_eq!(parsed.agency(), agency);
            prop_assert_eq!(parsed.day(), day);
            prop_assert_eq!(parsed.sequence(), sequence);
        }

        #[test]
        fn issued_petition_codes_round_trip(days in 0i64..36_000, entropy in any::<u64>()) {
            let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let code = PetitionCode::issue(day, entropy).unwrap();
            let parsed = PetitionCode::parse(code.as_str()).unwrap();
            prop_assert_eq!(&parsed, &code);
            prop_assert_eq!(parsed.day(), day);
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<PetitionCode>(&json).unwrap(), code);
        }

        #[test]
        fn issued_question_codes_round_trip(days in 0i64..36_000, entropy in any::<u64>()) {
            let day = NaiveDate::from_ymd_opt(2000, 1, 1).unwrap() + chrono::Days::new(days as u64);
            let code = QuestionCode::issue(day, entropy).unwrap();
            prop_assert_eq!(QuestionCode::parse(code.as_str()).unwrap(), code.clone());
            prop_assert_eq!(QuestionCode::parse(&code.slug()).unwrap(), code.clone());
            prop_assert_eq!(code.day(), day);
        }

        #[test]
        fn procedure_codes_round_trip(group in 1u32..10, number in 0u32..1_000_000, suffix in proptest::option::of("[A-Z0-9]{1,10}")) {
            let raw = match &suffix {
                Some(s) => format!("{group}.{number:06}.{s}"),
                None => format!("{group}.{number:06}"),
            };
            let code = ProcedureCode::parse(&raw).unwrap();
            prop_assert_eq!(code.to_string(), raw.clone());
            prop_assert_eq!(code.suffix(), suffix.as_deref());
            let json = serde_json::to_string(&code).unwrap();
            prop_assert_eq!(serde_json::from_str::<ProcedureCode>(&json).unwrap(), code);
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(raw in "\\PC{0,40}") {
            let _ = ProcedureCode::parse(&raw);
            let _ = AgencyCode::parse(&raw);
            if let Ok(code) = PetitionCode::parse(&raw) {
                prop_assert_eq!(PetitionCode::parse(code.as_str()).unwrap(), code);
            }
            if let Ok(code) = DossierCode::parse(&raw) {
                prop_assert_eq!(DossierCode::parse(code.as_str()).unwrap(), code);
            }
        }
    }
}
