//! The administrative procedure (thủ tục hành chính): every field of
//! ND 63/2010 Art. 8 and of the national database's `LayThuTuc` record.
//!
//! [`Procedure`]'s serde shape is the project's own (snake_case, used in the
//! site's front matter); the national and catalogue shapes are separate wire
//! types converted with `TryFrom`/importers in the submodules.

mod catalogue;
mod front_matter;
mod national;

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::codes::ProcedureCode;
use crate::deadline::ResolutionTime;

pub use catalogue::{CatalogueImport, ImportIssue, Rejection, RejectionReason, import_catalogue};
pub use front_matter::{FrontMatterError, ProcedurePage};
pub use national::{LayThuTuc, NationalRecordError};

/// A procedure's name: trimmed, non-empty, one line, at most 2,000
/// characters, and free of the page headings that scraping glues onto names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProcedureName(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the procedure name is empty")]
    Empty,
    #[error("the procedure name is longer than 2,000 characters")]
    TooLong,
    #[error("the procedure name spans several lines")]
    MultiLine,
    #[error("the procedure name contains the section heading `{0}`")]
    ContainsHeading(&'static str),
}

/// Headings of a procedure page; a name containing one is scraped text.
const PAGE_HEADINGS: [&str; 4] = [
    "Trình tự thực hiện",
    "Cách thức thực hiện",
    "Thành phần hồ sơ",
    "Căn cứ pháp lý",
];

impl ProcedureName {
    pub fn parse(raw: &str) -> Result<Self, NameError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(NameError::Empty);
        }
        if name.chars().count() > 2000 {
            return Err(NameError::TooLong);
        }
        if name.contains('\n') {
            return Err(NameError::MultiLine);
        }
        if let Some(heading) = PAGE_HEADINGS.iter().find(|h| name.contains(*h)) {
            return Err(NameError::ContainsHeading(heading));
        }
        Ok(Self(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ProcedureName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for ProcedureName {
    type Error = NameError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<ProcedureName> for String {
    fn from(n: ProcedureName) -> String {
        n.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Procedure {
    pub code: ProcedureCode,
    pub name: ProcedureName,
    /// Lĩnh vực.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<Named>,
    /// Cơ quan thực hiện.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub agencies: Vec<Named>,
    /// Cơ quan có thẩm quyền.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authority_agencies: Vec<Named>,
    /// Cơ quan phối hợp.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub coordinating_agencies: Vec<Named>,
    /// Cấp thực hiện.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub levels: Vec<Level>,
    /// Đối tượng thực hiện.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audiences: Vec<String>,
    /// Yêu cầu, điều kiện.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conditions: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub online_level: Option<OnlineLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub receiving_address: Option<String>,
    /// Cách thức trả kết quả (tại nơi nộp, bưu chính, trực tuyến…).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub result_delivery: Vec<String>,
    /// Trình tự thực hiện, per case where the procedure distinguishes cases.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<StepGroup>,
    /// Cách thức thực hiện: each channel with its own time and fees.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub channels: Vec<ChannelOption>,
    /// Thành phần hồ sơ.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<Component>,
    /// Kết quả thực hiện.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<Named>,
    /// Căn cứ pháp lý.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub legal_basis: Vec<Named>,
    /// Online services with their own codes (`1.001193.01`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub service_cases: Vec<ServiceCase>,
    #[serde(default)]
    pub publication: Publication,
}

impl Procedure {
    /// A procedure with its code and name and nothing else yet.
    pub fn new(code: ProcedureCode, name: ProcedureName) -> Self {
        Self {
            code,
            name,
            fields: Vec::new(),
            agencies: Vec::new(),
            authority_agencies: Vec::new(),
            coordinating_agencies: Vec::new(),
            levels: Vec::new(),
            audiences: Vec::new(),
            conditions: None,
            online_level: None,
            receiving_address: None,
            result_delivery: Vec::new(),
            steps: Vec::new(),
            channels: Vec::new(),
            components: Vec::new(),
            results: Vec::new(),
            legal_basis: Vec::new(),
            service_cases: Vec::new(),
            publication: Publication::default(),
        }
    }

    /// The resolution time for dossiers that come in through `channel`.
    pub fn resolution_time(&self, channel: Channel) -> Option<ResolutionTime> {
        self.channel(channel).and_then(|c| c.resolution_time)
    }

    pub fn channel(&self, channel: Channel) -> Option<&ChannelOption> {
        self.channels.iter().find(|c| c.channel == channel)
    }

    pub fn accepts_online(&self) -> bool {
        self.channel(Channel::Online).is_some()
    }

    /// The parts ND 63/2010 Art. 8 requires of a published procedure that
    /// this record lacks, by their Vietnamese names (QĐ 766 indicator 1.3).
    /// Conditions and forms are required only where they exist, so their
    /// absence is no gap; fees must be stated, free included.
    pub fn missing_parts(&self) -> Vec<&'static str> {
        let mut missing = Vec::new();
        let mut require = |present: bool, part: &'static str| {
            if !present {
                missing.push(part);
            }
        };
        require(!self.steps.is_empty(), "Trình tự thực hiện");
        require(!self.channels.is_empty(), "Cách thức thực hiện");
        require(!self.components.is_empty(), "Thành phần, số lượng hồ sơ");
        require(
            self.channels.iter().any(|c| c.resolution_time.is_some()),
            "Thời hạn giải quyết",
        );
        require(!self.audiences.is_empty(), "Đối tượng thực hiện");
        require(!self.agencies.is_empty(), "Cơ quan thực hiện");
        require(!self.results.is_empty(), "Kết quả thực hiện");
        require(
            !self.channels.is_empty()
                && self
                    .channels
                    .iter()
                    .all(|c| !matches!(c.fees, Fees::Unknown)),
            "Phí, lệ phí",
        );
        require(!self.legal_basis.is_empty(), "Căn cứ pháp lý");
        missing
    }
}

/// A coded name: field, agency, result or legal document. Codes are kept as
/// published (the portal mixes QĐ 20 identifiers with internal ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Named {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub name: String,
}

impl Named {
    pub fn new(code: Option<String>, name: impl Into<String>) -> Self {
        Self {
            code: code.filter(|c| !c.trim().is_empty()),
            name: name.into(),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Ministry,
    Province,
    Commune,
    Other,
}

impl Level {
    pub fn label_vi(self) -> &'static str {
        match self {
            Level::Ministry => "Cấp bộ",
            Level::Province => "Cấp tỉnh",
            Level::Commune => "Cấp xã",
            Level::Other => "Cơ quan khác",
        }
    }

    fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_lowercase().as_str() {
            "bộ" | "cấp bộ" => Some(Level::Ministry),
            "tỉnh" | "cấp tỉnh" => Some(Level::Province),
            "xã" | "cấp xã" => Some(Level::Commune),
            "cơ quan khác" => Some(Level::Other),
            _ => None,
        }
    }
}

/// ND 42/2022: whole process online, or only part of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OnlineLevel {
    Full,
    Partial,
}

impl OnlineLevel {
    pub fn label_vi(self) -> &'static str {
        match self {
            OnlineLevel::Full => "Toàn trình",
            OnlineLevel::Partial => "Một phần",
        }
    }
}

/// How a dossier reaches the agency (KenhThucHien).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    InPerson,
    Online,
    Post,
}

impl Channel {
    /// The national code: 1 in person, 2 online, 3 public post.
    pub fn code(self) -> u8 {
        match self {
            Channel::InPerson => 1,
            Channel::Online => 2,
            Channel::Post => 3,
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        match code.trim() {
            "1" => Some(Channel::InPerson),
            "2" => Some(Channel::Online),
            "3" => Some(Channel::Post),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Channel::InPerson => "Trực tiếp",
            Channel::Online => "Trực tuyến",
            Channel::Post => "Bưu chính",
        }
    }

    fn from_label(label: &str) -> Option<Self> {
        match label.trim().to_lowercase().as_str() {
            "trực tiếp" => Some(Channel::InPerson),
            "trực tuyến" => Some(Channel::Online),
            "bưu chính" | "dịch vụ bưu chính" => Some(Channel::Post),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StepGroup {
    /// The case (trường hợp) these steps apply to, if the procedure has several.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    pub steps: Vec<String>,
}

/// One channel with its resolution time and fees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChannelOption {
    pub channel: Channel,
    /// `None` when the published time has no unit or is prose only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_time: Option<ResolutionTime>,
    /// The published wording of the time, kept when it says more than the number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_description: Option<String>,
    pub fees: Fees,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "items", rename_all = "snake_case")]
pub enum Fees {
    Free,
    Charged(Vec<Fee>),
    /// Nothing is published about fees for this channel.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub kind: FeeKind,
    /// `None` when the amount is only described ("theo Quyết định số …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// What the amount is charged per ("hồ sơ", "bản"…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeeKind {
    /// Lệ phí.
    ServiceFee,
    /// Phí.
    Fee,
    /// Mức giá.
    PriceLevel,
    /// The source does not say which.
    Unclassified,
}

impl FeeKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            FeeKind::ServiceFee => "Lệ phí",
            FeeKind::Fee => "Phí",
            FeeKind::PriceLevel => "Mức giá",
            FeeKind::Unclassified => "Phí, lệ phí",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Money {
    pub amount: u64,
    pub currency: Currency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Currency {
    Vnd,
    Usd,
}

impl fmt::Display for Money {
    /// Vietnamese style: "2.000.000 đồng", "10 USD".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.amount.to_string();
        let mut grouped = String::new();
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push('.');
            }
            grouped.push(c);
        }
        match self.currency {
            Currency::Vnd => write!(f, "{grouped} đồng"),
            Currency::Usd => write!(f, "{grouped} USD"),
        }
    }
}

/// One paper of the dossier (thành phần hồ sơ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    pub name: String,
    /// The heading or case it is listed under ("Giấy tờ phải nộp", "Trường hợp …").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Number of originals (bản chính) and copies (bản sao); both 0 for papers
    /// only shown, not handed in; `None` where the source does not say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub originals: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub copies: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<FormTemplate>,
    /// The national portal offers an interactive e-form for it.
    #[serde(default)]
    pub electronic_form: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormTemplate {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceCase {
    pub code: ProcedureCode,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution_time: Option<ResolutionTime>,
}

/// Where and when the procedure was published.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Publication {
    /// Cơ quan công bố.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promulgating_agency: Option<Named>,
    /// Quyết định công bố.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_date: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_type: Option<String>,
    /// TRANGTHAI = 1 in the national database.
    #[serde(default = "default_published")]
    pub published: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_url: Option<String>,
    /// Last change on the national portal, as it reports it (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated_at: Option<String>,
}

fn default_published() -> bool {
    true
}

/// Reads an amount of money as the portal writes it: thousands grouped with
/// dots or commas ("2.000.000", "2,000,000"), plain ("500"), or with a
/// zero decimal part ("150000.0"). Anything else is `None`, not a guess.
pub(crate) fn parse_amount(text: &str) -> Option<u64> {
    let text = text.trim();
    if let Some((whole, decimals)) = text.split_once('.')
        && (1..=2).contains(&decimals.len())
        && decimals.bytes().all(|b| b == b'0')
        && !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
    {
        return whole.parse().ok();
    }
    let groups: Vec<&str> = text.split([',', '.']).collect();
    let grouped = groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if groups.len() > 1 && !grouped {
        return None;
    }
    let digits = groups.concat();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Every positive amount written before "đồng" in a text ("150.000 đồng/lần").
pub(crate) fn amounts_in(text: &str) -> Vec<u64> {
    let lower = text.to_lowercase();
    lower
        .match_indices("đồng")
        .filter_map(|(at, _)| {
            let before = lower[..at].trim_end();
            let number: String = before
                .chars()
                .rev()
                .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            parse_amount(number.trim_matches(['.', ','])).filter(|&n| n > 0)
        })
        .collect()
}

/// Trims and drops empty text, the way every importer needs it.
pub(crate) fn clean(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_scraped_headings_or_nothing_are_rejected() {
        assert_eq!(
            ProcedureName::parse("  Đăng ký khai sinh ")
                .unwrap()
                .as_str(),
            "Đăng ký khai sinh"
        );
        assert_eq!(ProcedureName::parse(" "), Err(NameError::Empty));
        assert_eq!(
            ProcedureName::parse(
                "Hòa giải tranh chấp đất đai thuộc thẩm quyền cấp xã (1) Trình tự thực hiện:"
            ),
            Err(NameError::ContainsHeading("Trình tự thực hiện"))
        );
    }

    #[test]
    fn amounts_are_read_without_guessing() {
        assert_eq!(parse_amount("2,000,000"), Some(2_000_000));
        assert_eq!(parse_amount("2.000.000"), Some(2_000_000));
        assert_eq!(parse_amount("150000.0"), Some(150_000));
        assert_eq!(parse_amount("500"), Some(500));
        assert_eq!(parse_amount("1,5"), None);
        assert_eq!(parse_amount("12.5"), None);
        assert_eq!(parse_amount(""), None);
        assert_eq!(
            amounts_in("Nộp 150.000 đồng + (số tấn x 15.000 đồng/tấn)"),
            [150_000, 15_000]
        );
        assert_eq!(
            amounts_in("Miễn phí đối với người cao tuổi"),
            Vec::<u64>::new()
        );
    }

    #[test]
    fn money_is_written_the_vietnamese_way() {
        let vnd = |amount| Money {
            amount,
            currency: Currency::Vnd,
        };
        assert_eq!(vnd(2_000_000).to_string(), "2.000.000 đồng");
        assert_eq!(vnd(500).to_string(), "500 đồng");
        assert_eq!(
            Money {
                amount: 10,
                currency: Currency::Usd
            }
            .to_string(),
            "10 USD"
        );
    }
}
