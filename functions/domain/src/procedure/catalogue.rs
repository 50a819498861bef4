//! Importer for the catalogue export `procedures.jsonl` (one normalised
//! national-portal record a line; see `shared/data/SOURCES.md`).
//!
//! The portal's data has flaws. The importer never guesses: a record that
//! cannot be a procedure is rejected with the reason; a record that can, but
//! with a part that cannot be trusted, loads without that part and carries an
//! issue that says what was left out and why.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Deserialize;

use super::{
    Channel, ChannelOption, Component, Currency, Fee, FeeKind, Fees, FormTemplate, Level, Money,
    NameError, Named, OnlineLevel, Procedure, ProcedureName, Publication, ServiceCase, StepGroup,
    amounts_in, clean, parse_amount,
};
use crate::codes::{CodeError, ProcedureCode};
use crate::deadline::{ResolutionTime, ResolutionTimeError};

/// What importing a catalogue gave.
#[derive(Debug, Default)]
pub struct CatalogueImport {
    /// Every procedure that loaded, in file order.
    pub procedures: Vec<Procedure>,
    /// For loaded procedures, the parts that were left out and why.
    pub issues: BTreeMap<ProcedureCode, Vec<ImportIssue>>,
    pub rejected: Vec<Rejection>,
}

impl CatalogueImport {
    /// Loaded without any issue.
    pub fn clean_count(&self) -> usize {
        self.procedures.len() - self.issues.len()
    }

    /// How many issues of each kind, for reports and tests.
    pub fn issue_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for issue in self.issues.values().flatten() {
            *counts.entry(issue.kind()).or_default() += 1;
        }
        counts
    }

    /// How many rejections of each kind.
    pub fn rejection_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.rejected {
            *counts.entry(r.reason.kind()).or_default() += 1;
        }
        counts
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// 1-based line in the file.
    pub line: usize,
    /// The code as written, when the line had one.
    pub code: Option<String>,
    pub reason: RejectionReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectionReason {
    #[error("not a catalogue record: {0}")]
    Json(String),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("the code was already used by line {first_line}")]
    Duplicate { first_line: usize },
}

impl RejectionReason {
    pub fn kind(&self) -> &'static str {
        match self {
            RejectionReason::Json(_) => "json",
            RejectionReason::Code(_) => "code",
            RejectionReason::Name(_) => "name",
            RejectionReason::Duplicate { .. } => "duplicate",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportIssue {
    #[error("{channel:?}: resolution time `{text}` has no unit; left unset")]
    TimeWithoutUnit { channel: Channel, text: String },
    #[error(
        "{channel:?}: resolution time is prose, not a number and unit; kept as description only"
    )]
    TimeNotANumber { channel: Channel },
    #[error("{channel:?}: no resolution time published")]
    NoResolutionTime { channel: Channel },
    #[error(
        "{channel:?}: the fee says \"Miễn phí\" but its description lists amounts; fees left unknown"
    )]
    FreeButAmountsListed { channel: Channel },
    #[error("{channel:?}: fee `{text}` gives no readable amount")]
    FeeAmountUnreadable { channel: Channel, text: String },
    #[error(
        "{channel:?}: fee `{text}` disagrees with the amounts in its description; amount left unset"
    )]
    FeeAmountConflicts { channel: Channel, text: String },
    #[error("channel `{0}` is not one of trực tiếp, trực tuyến, bưu chính; skipped")]
    UnknownChannel(String),
    #[error("level `{0}` is not bộ, tỉnh, xã or cơ quan khác; skipped")]
    UnknownLevel(String),
    #[error("the dossier components could not be split from the page text")]
    ComponentsUnparsed,
    #[error("service case `{code}` skipped: {error}")]
    BadServiceCase { code: String, error: CodeError },
}

impl ImportIssue {
    pub fn kind(&self) -> &'static str {
        match self {
            ImportIssue::TimeWithoutUnit { .. } => "time_without_unit",
            ImportIssue::TimeNotANumber { .. } => "time_not_a_number",
            ImportIssue::NoResolutionTime { .. } => "no_resolution_time",
            ImportIssue::FreeButAmountsListed { .. } => "free_but_amounts_listed",
            ImportIssue::FeeAmountUnreadable { .. } => "fee_amount_unreadable",
            ImportIssue::FeeAmountConflicts { .. } => "fee_amount_conflicts",
            ImportIssue::UnknownChannel(_) => "unknown_channel",
            ImportIssue::UnknownLevel(_) => "unknown_level",
            ImportIssue::ComponentsUnparsed => "components_unparsed",
            ImportIssue::BadServiceCase { .. } => "bad_service_case",
        }
    }
}

#[derive(Deserialize)]
struct Record {
    code: String,
    name: String,
    field: Option<String>,
    field_code: Option<String>,
    #[serde(default)]
    agencies: Vec<String>,
    #[serde(default)]
    agency_codes: Vec<CodedName>,
    #[serde(default)]
    authority_agencies: Vec<String>,
    #[serde(default)]
    coordinating_agencies: Vec<String>,
    promulgating_agency: Option<CodedName>,
    #[serde(default)]
    level: Vec<String>,
    #[serde(default)]
    audience: Vec<String>,
    #[serde(default)]
    channel_details: Vec<ChannelDetail>,
    #[serde(default)]
    service_cases: Vec<ServiceCaseRecord>,
    #[serde(default)]
    components: Vec<ComponentRecord>,
    #[serde(default)]
    results: Vec<CodedName>,
    #[serde(default)]
    legal_basis: Vec<CodedName>,
    steps: Option<String>,
    requirements: Option<String>,
    receiving_address: Option<String>,
    #[serde(default)]
    result_return: Vec<ResultReturn>,
    online_level: Option<String>,
    procedure_type: Option<String>,
    decision: Option<Decision>,
    source_url: Option<String>,
    source_updated_at: Option<String>,
    #[serde(default)]
    parse_quality: String,
}

#[derive(Deserialize)]
struct CodedName {
    code: Option<String>,
    name: Option<String>,
}

/// Structured records (from the portal's JSON) carry a fee list; page-text
/// records carry one fee cell.
#[derive(Deserialize)]
#[serde(untagged)]
enum ChannelDetail {
    Structured {
        channels: Vec<String>,
        processing_time: Option<String>,
        processing_time_raw: Option<RawTime>,
        fees: Vec<StructuredFee>,
        note: Option<String>,
    },
    PageText {
        channels: Vec<String>,
        processing_time: Option<String>,
        fee: Option<String>,
        fee_description: Option<String>,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct RawTime {
    processing_time: Option<serde_json::Value>,
}

#[derive(Deserialize)]
struct StructuredFee {
    type_code: Option<String>,
    amount_vnd: Option<u64>,
    description: Option<String>,
}

#[derive(Deserialize)]
struct ServiceCaseRecord {
    code: String,
    name: String,
    processing_time: Option<String>,
}

#[derive(Deserialize)]
struct ComponentRecord {
    name: String,
    original_or_copy: Option<String>,
    count: Option<u32>,
    original_count: Option<u32>,
    copy_count: Option<u32>,
    form_template_name: Option<String>,
    group: Option<String>,
    code: Option<String>,
    #[serde(default)]
    has_electronic_form: bool,
}

#[derive(Deserialize)]
struct ResultReturn {
    #[serde(default)]
    return_methods: Vec<String>,
}

#[derive(Deserialize)]
struct Decision {
    number: Option<String>,
    date: Option<String>,
    issuing_agency: Option<String>,
}

/// Imports every line of a `procedures.jsonl` text.
pub fn import_catalogue(jsonl: &str) -> CatalogueImport {
    let mut import = CatalogueImport::default();
    let mut first_line_of: HashMap<ProcedureCode, usize> = HashMap::new();
    for (index, line) in jsonl
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let line_number = index + 1;
        let reject = |code: Option<String>, reason: RejectionReason| Rejection {
            line: line_number,
            code,
            reason,
        };
        let record: Record = match serde_json::from_str(line) {
            Ok(r) => r,
            Err(e) => {
                import
                    .rejected
                    .push(reject(None, RejectionReason::Json(e.to_string())));
                continue;
            }
        };
        let raw_code = record.code.clone();
        match convert(record) {
            Err(reason) => import.rejected.push(reject(Some(raw_code), reason)),
            Ok((procedure, issues)) => {
                if let Some(&first_line) = first_line_of.get(&procedure.code) {
                    import.rejected.push(reject(
                        Some(raw_code),
                        RejectionReason::Duplicate { first_line },
                    ));
                    continue;
                }
                first_line_of.insert(procedure.code.clone(), line_number);
                if !issues.is_empty() {
                    import.issues.insert(procedure.code.clone(), issues);
                }
                import.procedures.push(procedure);
            }
        }
    }
    import
}

fn convert(r: Record) -> Result<(Procedure, Vec<ImportIssue>), RejectionReason> {
    let code = ProcedureCode::parse(&r.code)?;
    let name = ProcedureName::parse(&r.name)?;
    let mut issues = Vec::new();
    let mut p = Procedure::new(code, name);

    p.fields = clean(r.field.as_deref())
        .map(|name| Named::new(r.field_code.clone(), name))
        .into_iter()
        .collect();
    let agency_code = |name: &str| {
        r.agency_codes
            .iter()
            .find(|c| c.name.as_deref() == Some(name))
            .and_then(|c| c.code.clone())
    };
    let names = |list: &[String]| -> Vec<Named> {
        list.iter()
            .filter_map(|n| clean(Some(n)))
            .map(|n| Named::new(agency_code(&n), n))
            .collect()
    };
    p.agencies = names(&r.agencies);
    p.authority_agencies = names(&r.authority_agencies);
    p.coordinating_agencies = names(&r.coordinating_agencies);
    for label in &r.level {
        match Level::from_label(label) {
            Some(level) if !p.levels.contains(&level) => p.levels.push(level),
            Some(_) => {}
            None => issues.push(ImportIssue::UnknownLevel(label.clone())),
        }
    }
    p.audiences = r.audience.iter().filter_map(|a| clean(Some(a))).collect();
    p.conditions = clean(r.requirements.as_deref());
    p.receiving_address = clean(r.receiving_address.as_deref());
    p.online_level = match r.online_level.as_deref() {
        Some("toàn trình") => Some(OnlineLevel::Full),
        Some("một phần") => Some(OnlineLevel::Partial),
        _ => None,
    };
    for method in r.result_return.iter().flat_map(|rr| &rr.return_methods) {
        if let Some(method) = clean(Some(method))
            && !p.result_delivery.contains(&method)
        {
            p.result_delivery.push(method);
        }
    }
    if let Some(steps) = clean(r.steps.as_deref()) {
        p.steps = vec![StepGroup {
            case: None,
            steps: steps.lines().filter_map(|l| clean(Some(l))).collect(),
        }];
    }
    for detail in &r.channel_details {
        channel_options(detail, &mut p.channels, &mut issues);
    }
    if r.parse_quality.contains("components_unparsed") {
        issues.push(ImportIssue::ComponentsUnparsed);
    }
    p.components = r.components.iter().filter_map(component).collect();
    p.results = r
        .results
        .iter()
        .filter_map(|n| clean(n.name.as_deref()).map(|name| Named::new(n.code.clone(), name)))
        .collect();
    p.legal_basis = r
        .legal_basis
        .iter()
        .filter_map(|n| clean(n.name.as_deref()).map(|name| Named::new(n.code.clone(), name)))
        .collect();
    for case in &r.service_cases {
        match ProcedureCode::parse(&case.code) {
            Ok(code) => p.service_cases.push(ServiceCase {
                code,
                name: case.name.trim().to_owned(),
                resolution_time: case.processing_time.as_deref().and_then(|t| t.parse().ok()),
            }),
            Err(error) => issues.push(ImportIssue::BadServiceCase {
                code: case.code.clone(),
                error,
            }),
        }
    }
    let decision = r.decision.as_ref();
    p.publication = Publication {
        promulgating_agency: r
            .promulgating_agency
            .as_ref()
            .and_then(|a| clean(a.name.as_deref()).map(|name| Named::new(a.code.clone(), name))),
        decision_number: decision.and_then(|d| clean(d.number.as_deref())),
        decision_date: decision
            .and_then(|d| d.date.as_deref())
            .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()),
        procedure_type: clean(r.procedure_type.as_deref()),
        published: true,
        source_url: clean(r.source_url.as_deref()),
        updated_at: clean(r.source_updated_at.as_deref()),
    };
    if let Some(agency) = decision.and_then(|d| clean(d.issuing_agency.as_deref()))
        && p.publication.promulgating_agency.is_none()
    {
        p.publication.promulgating_agency = Some(Named::new(None, agency));
    }
    Ok((p, issues))
}

fn channel_options(
    detail: &ChannelDetail,
    out: &mut Vec<ChannelOption>,
    issues: &mut Vec<ImportIssue>,
) {
    let (labels, time_text) = match detail {
        ChannelDetail::Structured {
            channels,
            processing_time,
            ..
        }
        | ChannelDetail::PageText {
            channels,
            processing_time,
            ..
        } => (channels, processing_time.as_deref()),
    };
    for label in labels {
        let Some(channel) = Channel::from_label(label) else {
            issues.push(ImportIssue::UnknownChannel(label.clone()));
            continue;
        };
        let mut time_description = None;
        let resolution_time = match time_text.map(str::parse::<ResolutionTime>) {
            Some(Ok(time)) => Some(time),
            Some(Err(ResolutionTimeError::MissingUnit(text))) => {
                issues.push(ImportIssue::TimeWithoutUnit { channel, text });
                None
            }
            Some(Err(_)) => {
                time_description = clean(time_text);
                issues.push(ImportIssue::TimeNotANumber { channel });
                None
            }
            None => {
                match detail {
                    ChannelDetail::Structured {
                        processing_time_raw:
                            Some(RawTime {
                                processing_time: Some(raw),
                            }),
                        ..
                    } => match raw {
                        serde_json::Value::String(text) => {
                            time_description = clean(Some(text));
                            issues.push(ImportIssue::TimeNotANumber { channel });
                        }
                        other => issues.push(ImportIssue::TimeWithoutUnit {
                            channel,
                            text: other.to_string(),
                        }),
                    },
                    _ => issues.push(ImportIssue::NoResolutionTime { channel }),
                }
                None
            }
        };
        let (fees, description) = match detail {
            ChannelDetail::Structured { fees, note, .. } => {
                (structured_fees(fees), clean(note.as_deref()))
            }
            ChannelDetail::PageText {
                fee,
                fee_description,
                ..
            } => (
                page_text_fees(channel, fee.as_deref(), fee_description.as_deref(), issues),
                None,
            ),
        };
        out.push(ChannelOption {
            channel,
            resolution_time,
            time_description,
            fees,
            description,
        });
    }
}

fn structured_fees(fees: &[StructuredFee]) -> Fees {
    if fees.is_empty() {
        return Fees::Unknown;
    }
    Fees::Charged(
        fees.iter()
            .map(|f| Fee {
                kind: match f.type_code.as_deref() {
                    Some("SERVICE_FEE") => FeeKind::ServiceFee,
                    Some("FEE") => FeeKind::Fee,
                    Some("PRICE_LEVEL") => FeeKind::PriceLevel,
                    _ => FeeKind::Unclassified,
                },
                amount: f.amount_vnd.map(|amount| Money {
                    amount,
                    currency: Currency::Vnd,
                }),
                per: None,
                description: clean(f.description.as_deref()),
            })
            .collect(),
    )
}

/// Reads a page-text fee cell: "Miễn phí", "2,000,000 Việt Nam Đồng (/hồ sơ)", "10 USD".
fn page_text_fees(
    channel: Channel,
    cell: Option<&str>,
    description: Option<&str>,
    issues: &mut Vec<ImportIssue>,
) -> Fees {
    let Some(cell) = clean(cell) else {
        return Fees::Unknown;
    };
    let description = clean(description);
    if cell == "Miễn phí" {
        if description
            .as_deref()
            .is_some_and(|d| !amounts_in(d).is_empty())
        {
            issues.push(ImportIssue::FreeButAmountsListed { channel });
            return Fees::Unknown;
        }
        return Fees::Free;
    }
    let (main, per) = match cell.split_once("(/") {
        Some((main, rest)) => (main.trim(), clean(Some(rest.trim_end_matches(')')))),
        None => (cell.as_str(), None),
    };
    let split = main
        .find(|c: char| !(c.is_ascii_digit() || c == ',' || c == '.'))
        .unwrap_or(main.len());
    let (number, unit) = main.split_at(split);
    let currency = match unit.trim() {
        "Việt Nam Đồng" | "VNĐ" | "đồng" => Some(Currency::Vnd),
        "USD" => Some(Currency::Usd),
        _ => None,
    };
    let mut amount = parse_amount(number)
        .zip(currency)
        .map(|(amount, currency)| Money { amount, currency });
    match amount {
        None => issues.push(ImportIssue::FeeAmountUnreadable {
            channel,
            text: cell.clone(),
        }),
        Some(money) if money.currency == Currency::Vnd => {
            // "135 VNĐ" beside "135.000 đồng/lần": one of the two is wrong.
            let described = description.as_deref().map(amounts_in).unwrap_or_default();
            if !described.is_empty() && !described.contains(&money.amount) {
                issues.push(ImportIssue::FeeAmountConflicts {
                    channel,
                    text: cell.clone(),
                });
                amount = None;
            }
        }
        Some(_) => {}
    }
    Fees::Charged(vec![Fee {
        kind: FeeKind::Unclassified,
        amount,
        per,
        description,
    }])
}

fn component(c: &ComponentRecord) -> Option<Component> {
    let name = clean(Some(&c.name))?;
    let counted = c.count.is_some() || c.original_or_copy.is_some();
    Some(Component {
        code: clean(c.code.as_deref()),
        name,
        case: clean(c.group.as_deref()),
        originals: c.original_count.filter(|_| counted),
        copies: c.copy_count.filter(|_| counted),
        form: clean(c.form_template_name.as_deref()).map(|name| FormTemplate { name, url: None }),
        electronic_form: c.has_electronic_form,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(code: &str, name: &str, channel_details: &str) -> String {
        format!(
            r#"{{"code":"{code}","name":"{name}","channel_details":{channel_details},"parse_quality":"heuristic"}}"#
        )
    }

    #[test]
    fn page_text_fee_cells() {
        let mut issues = Vec::new();
        let fees = page_text_fees(
            Channel::Online,
            Some("2,000,000 Việt Nam Đồng (/hồ sơ)"),
            None,
            &mut issues,
        );
        let Fees::Charged(items) = fees else { panic!() };
        assert_eq!(items[0].amount.unwrap().to_string(), "2.000.000 đồng");
        assert_eq!(items[0].per.as_deref(), Some("hồ sơ"));
        assert_eq!(
            page_text_fees(
                Channel::Online,
                Some("Miễn phí"),
                Some("Không thu"),
                &mut issues
            ),
            Fees::Free
        );
        assert!(issues.is_empty());
        let conflicting = page_text_fees(
            Channel::Online,
            Some("Miễn phí"),
            Some("Lệ phí đối với phương tiện quá cảnh: 500.000 đồng/phương tiện."),
            &mut issues,
        );
        assert_eq!(conflicting, Fees::Unknown);
        let no_amount = page_text_fees(Channel::Post, Some("VNĐ"), None, &mut issues);
        assert!(matches!(no_amount, Fees::Charged(ref f) if f[0].amount.is_none()));
        assert_eq!(
            issues.iter().map(ImportIssue::kind).collect::<Vec<_>>(),
            ["free_but_amounts_listed", "fee_amount_unreadable"]
        );
    }

    #[test]
    fn bad_lines_are_rejected_and_flawed_lines_load_with_issues() {
        let text = [
            line("1.000001", "Thủ tục A", r#"[{"channels":["trực tuyến"],"processing_time":"5 ngày làm việc","processing_time_unit_missing":false,"fee":"Miễn phí","fee_description":null}]"#),
            line("1.000002", "Thủ tục B", r#"[{"channels":["trực tiếp","fax"],"processing_time":"7","processing_time_unit_missing":true,"fee":null,"fee_description":null}]"#),
            line("1.0000033", "Thủ tục C", "[]"),
            line("1.000001", "Thủ tục A lần nữa", "[]"),
            line("1.000004", "Thủ tục D (1) Trình tự thực hiện:", "[]"),
            "{not json".to_owned(),
        ]
        .join("\n");
        let import = import_catalogue(&text);
        assert_eq!(import.procedures.len(), 2);
        assert_eq!(import.clean_count(), 1);
        let online = import.procedures[0].channel(Channel::Online).unwrap();
        assert_eq!(
            online.resolution_time.unwrap().to_string(),
            "5 ngày làm việc"
        );
        assert_eq!(online.fees, Fees::Free);
        let issues = &import.issues[&ProcedureCode::parse("1.000002").unwrap()];
        assert_eq!(
            issues.iter().map(ImportIssue::kind).collect::<Vec<_>>(),
            ["time_without_unit", "unknown_channel"]
        );
        let rejected: Vec<(usize, &str)> = import
            .rejected
            .iter()
            .map(|r| (r.line, r.reason.kind()))
            .collect();
        assert_eq!(
            rejected,
            [(3, "code"), (4, "duplicate"), (5, "name"), (6, "json")]
        );
        assert_eq!(
            import.rejected[1].reason,
            RejectionReason::Duplicate { first_line: 1 }
        );
    }
}
