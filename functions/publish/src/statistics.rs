//! The public statistics pages (`/thong-ke/`): the whole portal and each
//! agency of the directory, month by month, by the QĐ 766 rules of
//! [`domain::public_statistics`] (its documentation gives every formula).
//!
//! ## What is written
//! - `content/thong-ke/_index.md` — the portal: the last [`MONTHS`]
//!   months summed over every agency (table and charts), and each agency's
//!   latest month with a link to its page;
//! - `content/thong-ke/<agency>.md` — an agency (`<agency>` is its code in
//!   lower case with dashes, `000-00-01-h29`, so that a rename keeps the
//!   address): its months, and each procedure's figures in the latest
//!   [`PROCEDURE_MONTHS`] months;
//! - `static/thong-ke/toan-cong.csv`, `static/thong-ke/<agency>.csv` — the
//!   months table of each page, and `static/thong-ke/<agency>-thu-tuc.csv`
//!   every procedure of every month shown. UTF-8 with a byte-order mark
//!   (Excel reads the diacritics), the page's column headings and the
//!   page's cells exactly: counts in digits, shares in percent with one
//!   decimal and a decimal comma ("83,3", as a Vietnamese Excel reads a
//!   number), "—" for a share of nothing.
//!
//! The data is in each page's `[extra]` (the templates `statistics.html`
//! and `statistics_section.html` draw the tables and the SVG charts); the
//! page bodies are empty.
//!
//! ## What is read, and when it is cut
//! A publication on day D counts up to D at 00:00 (the figures are "to the
//! end of the day before"), so it changes little during a day and the
//! incremental build re-renders little. It shows the [`MONTHS`] months
//! that end with the month of D − 1 (the last one may be running). Each
//! agency's register is read from [`domain::CARRY_OVER_MONTHS`] months
//! before the first month shown (one `Query` per month), and its ratings
//! month by month (one `Query` each): for 12 months, 36 queries an agency.

use std::collections::BTreeMap;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use domain::public_statistics::{
    Figures, MonthFigures, PublicDossier, RatingFacts, agency_months, months_before, portal_months,
};
use domain::{AgencyCode, AgencyProfile, CARRY_OVER_MONTHS, Month, ProcedureCode};
use futures::{StreamExt, TryStreamExt};
use serde::Serialize;
use store::{DossierRecord, Store, StoredRating};

use crate::{FrontMatter, Publication, PublishError, Site, page};

/// The section under `content/` and the folder under `static/`.
pub const DIR: &str = "thong-ke";
/// The months every page shows.
pub const MONTHS: u32 = 12;
/// The latest months an agency's page shows procedure by procedure (its
/// procedures' CSV has every month).
pub const PROCEDURE_MONTHS: usize = 3;
/// The portal's CSV, under `static/thong-ke/`.
pub const PORTAL_CSV: &str = "toan-cong.csv";
/// Agencies read from the store at once.
const READ_CONCURRENCY: usize = 4;

/// The column headings of every table, after its first column (the month,
/// the procedure or the agency), as the page and the CSV write them.
pub const FIGURE_COLUMNS: [&str; 12] = [
    "Tiếp nhận",
    "Kỳ trước chuyển sang",
    "Giải quyết trước hạn",
    "Đúng hạn",
    "Trễ hạn",
    "Đang giải quyết trong hạn",
    "Quá hạn",
    "Tỷ lệ trước hạn, đúng hạn (%)",
    "Nộp trực tuyến",
    "Tỷ lệ nộp trực tuyến (%)",
    "Lượt đánh giá",
    "Mức độ hài lòng (%)",
];

/// One agency as read from the store.
#[derive(Debug, Clone)]
pub struct AgencyRecords {
    pub profile: AgencyProfile,
    pub dossiers: Vec<PublicDossier>,
    pub ratings: Vec<RatingFacts>,
    /// Each procedure's name, as its latest dossier has it.
    pub procedure_names: BTreeMap<ProcedureCode, String>,
}

impl AgencyRecords {
    /// From the agency's register and ratings.
    pub fn new(
        profile: AgencyProfile,
        records: &[DossierRecord],
        ratings: &[StoredRating],
    ) -> Self {
        let mut procedure_names = BTreeMap::new();
        for r in records {
            procedure_names.insert(r.procedure_code.clone(), r.procedure_name.clone());
        }
        AgencyRecords {
            profile,
            dossiers: records
                .iter()
                .map(|r| PublicDossier {
                    facts: r.facts(),
                    procedure: r.procedure_code.clone(),
                    channel: r.channel,
                })
                .collect(),
            ratings: ratings
                .iter()
                .map(|r| RatingFacts {
                    given_at: r.rating.given_at(),
                    procedure: r.procedure_code.clone(),
                    overall: r.rating.overall(),
                })
                .collect(),
            procedure_names,
        }
    }
}

/// Reads every agency of the directory and writes the statistics.
pub async fn publish(
    store: &Store,
    today: NaiveDate,
    site: Site<'_>,
) -> Result<Publication, PublishError> {
    let cut = cut_of(today);
    let months = months_before(cut, MONTHS);
    let mut profiles = store.list_agencies().await?;
    profiles.sort_by(|a, b| a.code.as_str().cmp(b.code.as_str()));
    let agencies: Vec<AgencyRecords> = futures::stream::iter(profiles)
        .map(|profile| read_agency(store, profile, &months, cut))
        .buffered(READ_CONCURRENCY)
        .try_collect()
        .await?;
    let files = render(cut, &months, &agencies)?;
    let content = site.replace_content(DIR, &files.content)?;
    let downloads = site.replace_static(DIR, &files.downloads)?;
    Ok(Publication {
        name: "statistics",
        summary: format!(
            "{} agencies, {} to {}, counted to {}",
            agencies.len(),
            months[0],
            months[months.len() - 1],
            cut
        ),
        dirs: vec![content, downloads],
    })
}

/// A publication of `today` counts up to its first instant.
pub fn cut_of(today: NaiveDate) -> NaiveDateTime {
    today.and_time(NaiveTime::MIN)
}

async fn read_agency(
    store: &Store,
    profile: AgencyProfile,
    months: &[Month],
    cut: NaiveDateTime,
) -> Result<AgencyRecords, PublishError> {
    let agency: &AgencyCode = &profile.code;
    let from = months[0].months_before(CARRY_OVER_MONTHS).first_day();
    let to = (cut - chrono::Duration::days(1)).date();
    let records = store.register(agency, from, to).await?;
    let ratings: Vec<Vec<StoredRating>> = futures::future::try_join_all(
        months
            .iter()
            .map(|m| store.ratings_of_month(agency, m.first_day())),
    )
    .await?;
    let ratings: Vec<StoredRating> = ratings.into_iter().flatten().collect();
    Ok(AgencyRecords::new(profile, &records, &ratings))
}

/// The files of a publication: content pages and downloads, by path
/// relative to the statistics directory.
#[derive(Debug, Default)]
pub struct Files {
    pub content: BTreeMap<String, Vec<u8>>,
    pub downloads: BTreeMap<String, Vec<u8>>,
}

/// The address part of an agency's page and CSV: its code in lower case,
/// dots as dashes.
pub fn slug(code: &AgencyCode) -> String {
    code.as_str().to_ascii_lowercase().replace('.', "-")
}

/// Every page and CSV for `agencies` over `months`, counted to `cut`.
pub fn render(
    cut: NaiveDateTime,
    months: &[Month],
    agencies: &[AgencyRecords],
) -> Result<Files, PublishError> {
    let mut files = Files::default();
    let counted: Vec<Vec<MonthFigures>> = agencies
        .iter()
        .map(|a| agency_months(months, cut, &a.dossiers, &a.ratings))
        .collect();
    let portal = portal_months(months, cut, counted.iter().map(Vec::as_slice));
    let as_of = last_day_counted(cut);

    let mut agency_rows = Vec::new();
    for (agency, figures) in agencies.iter().zip(&counted) {
        let slug = slug(&agency.profile.code);
        let latest = figures.last().expect("at least one month");
        agency_rows.push(Row::of(
            agency.profile.name.clone(),
            Some(agency.profile.code.to_string()),
            Some(format!("@/{DIR}/{slug}.md")),
            &latest.total,
        ));
        let month_rows: Vec<MonthRow> = figures.iter().map(MonthRow::of).collect();
        let procedure_months: Vec<ProcedureMonth> = figures
            .iter()
            .rev()
            .take(PROCEDURE_MONTHS)
            .map(|m| ProcedureMonth {
                month: m.month.to_string(),
                label: month_label(m.month),
                rows: procedure_rows(m, &agency.procedure_names),
            })
            .collect();
        let months_csv = format!("{slug}.csv");
        let procedures_csv = format!("{slug}-thu-tuc.csv");
        let title = format!("Thống kê giải quyết hồ sơ: {}", agency.profile.name);
        let description = format!(
            "Số hồ sơ {} tiếp nhận và giải quyết theo tháng, trước hạn, đúng hạn, trễ hạn; tỷ lệ nộp trực tuyến và mức độ hài lòng, đến hết ngày {as_of}.",
            agency.profile.name
        );
        let extra = PageExtra {
            kind: "agency",
            name: agency.profile.name.clone(),
            code: Some(agency.profile.code.to_string()),
            as_of: as_of.clone(),
            first_month: month_label(months[0]),
            last_month: month_label(months[months.len() - 1]),
            columns: FIGURE_COLUMNS,
            csv: format!("{DIR}/{months_csv}"),
            procedures_csv: Some(format!("{DIR}/{procedures_csv}")),
            axes: Axes::of(figures),
            months: month_rows.clone(),
            procedure_months,
            agencies: Vec::new(),
        };
        files.content.insert(
            format!("{slug}.md"),
            front_matter_page(
                &format!("{slug}.md"),
                &title,
                &description,
                "statistics.html",
                &extra,
            )?,
        );
        files.downloads.insert(
            months_csv.clone(),
            months_csv_bytes(&month_rows).map_err(|source| PublishError::Csv {
                file: months_csv,
                source,
            })?,
        );
        files.downloads.insert(
            procedures_csv.clone(),
            procedures_csv_bytes(figures, &agency.procedure_names).map_err(|source| {
                PublishError::Csv {
                    file: procedures_csv,
                    source,
                }
            })?,
        );
    }

    let month_rows: Vec<MonthRow> = portal.iter().map(MonthRow::of).collect();
    let latest = portal.last().expect("at least one month");
    let extra = PageExtra {
        kind: "portal",
        name: "Toàn Cổng Dịch vụ công".into(),
        code: None,
        as_of: as_of.clone(),
        first_month: month_label(months[0]),
        last_month: month_label(months[months.len() - 1]),
        columns: FIGURE_COLUMNS,
        csv: format!("{DIR}/{PORTAL_CSV}"),
        procedures_csv: None,
        axes: Axes::of(&portal),
        months: month_rows.clone(),
        procedure_months: Vec::new(),
        agencies: vec![AgencyMonth {
            month: latest.month.to_string(),
            label: month_label(latest.month),
            complete: latest.complete(),
            rows: agency_rows,
        }],
    };
    files.content.insert(
        "_index.md".into(),
        front_matter_page(
            "_index.md",
            "Thống kê giải quyết hồ sơ",
            &format!(
                "Số hồ sơ tiếp nhận, giải quyết trước hạn, đúng hạn, trễ hạn của các cơ quan trên Cổng theo tháng; tỷ lệ nộp trực tuyến và mức độ hài lòng, đến hết ngày {as_of}."
            ),
            "statistics_section.html",
            &extra,
        )?,
    );
    files.downloads.insert(
        PORTAL_CSV.into(),
        months_csv_bytes(&month_rows).map_err(|source| PublishError::Csv {
            file: PORTAL_CSV.into(),
            source,
        })?,
    );
    Ok(files)
}

fn front_matter_page(
    file: &str,
    title: &str,
    description: &str,
    template: &str,
    extra: &PageExtra,
) -> Result<Vec<u8>, PublishError> {
    page(
        &FrontMatter {
            title,
            description,
            template: Some(template),
            date: None,
            sort_by: None,
            page_template: None,
            extra,
        },
        "",
    )
    .map_err(|source| PublishError::Page {
        file: file.to_owned(),
        source,
    })
}

/// The last day a publication cut at `cut` counts, `dd/mm/yyyy`.
fn last_day_counted(cut: NaiveDateTime) -> String {
    (cut - chrono::Duration::nanoseconds(1))
        .format("%d/%m/%Y")
        .to_string()
}

/// `06/2026`.
pub fn month_label(month: Month) -> String {
    format!("{:02}/{}", month.number(), month.year())
}

/// A share in tenths of a percent as the page and the CSV write it:
/// `"83,3"`, `"100,0"`; `"—"` for none.
pub fn percent(tenths: Option<u32>) -> String {
    match tenths {
        Some(t) => format!("{},{}", t / 10, t % 10),
        None => "—".into(),
    }
}

/// What a page's `[extra]` holds.
#[derive(Debug, Clone, Serialize)]
struct PageExtra {
    /// `"portal"` or `"agency"`.
    kind: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    code: Option<String>,
    /// The last day counted, `dd/mm/yyyy`.
    as_of: String,
    first_month: String,
    last_month: String,
    /// The headings after the first column (the CSV's too).
    columns: [&'static str; 12],
    /// The months table's CSV, a path under `static/` for `get_url`.
    csv: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    procedures_csv: Option<String>,
    axes: Axes,
    months: Vec<MonthRow>,
    /// Newest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    procedure_months: Vec<ProcedureMonth>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    agencies: Vec<AgencyMonth>,
}

/// One line of a table: its first cell, then [`FIGURE_COLUMNS`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    pub label: String,
    /// The procedure's or the agency's code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// A content path for `get_url` (`@/thong-ke/….md`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    pub received: u64,
    pub carried_over: u64,
    pub early: u64,
    pub on_time: u64,
    pub late: u64,
    pub open_within: u64,
    pub open_overdue: u64,
    pub in_time: String,
    pub online: u64,
    pub online_share: String,
    pub rated: u64,
    pub satisfaction: String,
    /// For the charts: shares in tenths of a percent, absent for none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub online_tenths: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub satisfaction_tenths: Option<u32>,
}

impl Row {
    fn of(label: String, code: Option<String>, link: Option<String>, f: &Figures) -> Self {
        Row {
            label,
            code,
            link,
            received: f.received,
            carried_over: f.carried_over,
            early: f.resolved_early,
            on_time: f.resolved_on_time,
            late: f.resolved_late,
            open_within: f.open_within,
            open_overdue: f.open_overdue,
            in_time: percent(f.in_time_share()),
            online: f.received_online,
            online_share: percent(f.online_share()),
            rated: f.rated,
            satisfaction: percent(f.satisfaction()),
            online_tenths: f.online_share(),
            satisfaction_tenths: f.satisfaction(),
        }
    }

    /// The cells after the first, as [`FIGURE_COLUMNS`] heads them.
    pub fn figure_cells(&self) -> [String; 12] {
        [
            self.received.to_string(),
            self.carried_over.to_string(),
            self.early.to_string(),
            self.on_time.to_string(),
            self.late.to_string(),
            self.open_within.to_string(),
            self.open_overdue.to_string(),
            self.in_time.clone(),
            self.online.to_string(),
            self.online_share.clone(),
            self.rated.to_string(),
            self.satisfaction.clone(),
        ]
    }
}

/// A month's line, with what its chart column needs.
#[derive(Debug, Clone, Serialize)]
struct MonthRow {
    /// `2026-06`.
    month: String,
    /// `T6`, under its chart column.
    short: String,
    year: i32,
    /// Over at the cut; else counted to the cut.
    complete: bool,
    resolved: u64,
    open: u64,
    #[serde(flatten)]
    row: Row,
}

impl MonthRow {
    fn of(m: &MonthFigures) -> Self {
        MonthRow {
            month: m.month.to_string(),
            short: format!("T{}", m.month.number()),
            year: m.month.year(),
            complete: m.complete(),
            resolved: m.total.resolved(),
            open: m.total.open(),
            row: Row::of(month_label(m.month), None, None, &m.total),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct ProcedureMonth {
    month: String,
    label: String,
    rows: Vec<Row>,
}

#[derive(Debug, Clone, Serialize)]
struct AgencyMonth {
    month: String,
    label: String,
    complete: bool,
    rows: Vec<Row>,
}

/// A month's procedures with anything to show, by name.
fn procedure_rows(m: &MonthFigures, names: &BTreeMap<ProcedureCode, String>) -> Vec<Row> {
    let mut rows: Vec<Row> = m
        .procedures
        .iter()
        .filter(|(_, f)| !f.is_empty())
        .map(|(code, f)| {
            let name = names.get(code).cloned().unwrap_or_else(|| code.to_string());
            Row::of(name, Some(code.to_string()), None, f)
        })
        .collect();
    rows.sort_by(|a, b| a.label.cmp(&b.label).then(a.code.cmp(&b.code)));
    rows
}

/// The scales of the count charts: a round top and its ticks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
struct Axis {
    max: u64,
    ticks: Vec<u64>,
}

impl Axis {
    /// From 0 to the first round figure at or above `top`, in 2 to 5 steps
    /// of 1, 2 or 5 times a power of ten.
    fn to(top: u64) -> Self {
        let mut step = 1;
        'search: loop {
            for m in [1, 2, 5] {
                if top <= step * m * 5 {
                    step *= m;
                    break 'search;
                }
            }
            step *= 10;
        }
        let steps = top.div_ceil(step).max(1);
        let max = step * steps;
        Axis {
            max,
            ticks: (0..=steps).map(|i| i * step).collect(),
        }
    }
}

#[derive(Debug, Clone, Serialize)]
struct Axes {
    /// Resolved in the month (early + on time + late).
    resolved: Axis,
    /// Open at the month's end (within + overdue).
    open: Axis,
}

impl Axes {
    fn of(months: &[MonthFigures]) -> Self {
        let top = |f: fn(&Figures) -> u64| months.iter().map(|m| f(&m.total)).max().unwrap_or(0);
        Axes {
            resolved: Axis::to(top(Figures::resolved)),
            open: Axis::to(top(Figures::open)),
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn months_csv_bytes(rows: &[MonthRow]) -> Result<Vec<u8>, csv::Error> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let mut header = vec!["Tháng"];
        header.extend(FIGURE_COLUMNS);
        writer.write_record(&header)?;
        for r in rows {
            let mut record = vec![r.row.label.clone()];
            record.extend(r.row.figure_cells());
            writer.write_record(&record)?;
        }
        writer.flush()?;
    }
    Ok(out)
}

fn procedures_csv_bytes(
    months: &[MonthFigures],
    names: &BTreeMap<ProcedureCode, String>,
) -> Result<Vec<u8>, csv::Error> {
    let mut out = BOM.to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let mut header = vec!["Tháng", "Mã thủ tục", "Thủ tục"];
        header.extend(FIGURE_COLUMNS);
        writer.write_record(&header)?;
        for m in months.iter().rev() {
            for r in procedure_rows(m, names) {
                let mut record = vec![
                    month_label(m.month),
                    r.code.clone().unwrap_or_default(),
                    r.label.clone(),
                ];
                record.extend(r.figure_cells());
                writer.write_record(&record)?;
            }
        }
        writer.flush()?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_are_round() {
        let axis = |top| {
            let a = Axis::to(top);
            (a.max, a.ticks)
        };
        assert_eq!(axis(0), (1, vec![0, 1]));
        assert_eq!(axis(3), (3, vec![0, 1, 2, 3]));
        assert_eq!(axis(5), (5, vec![0, 1, 2, 3, 4, 5]));
        assert_eq!(axis(7), (8, vec![0, 2, 4, 6, 8]));
        assert_eq!(axis(10), (10, vec![0, 2, 4, 6, 8, 10]));
        assert_eq!(axis(23), (25, vec![0, 5, 10, 15, 20, 25]));
        assert_eq!(axis(480), (500, vec![0, 100, 200, 300, 400, 500]));
        assert_eq!(axis(1234), (1500, vec![0, 500, 1000, 1500]));
    }

    #[test]
    fn shares_are_written_with_a_decimal_comma() {
        assert_eq!(percent(Some(833)), "83,3");
        assert_eq!(percent(Some(1000)), "100,0");
        assert_eq!(percent(Some(5)), "0,5");
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn an_agency_is_addressed_by_its_code() {
        let code = AgencyCode::parse("000.00.01.H29").unwrap();
        assert_eq!(slug(&code), "000-00-01-h29");
        assert_eq!(month_label(Month::parse("2026-06").unwrap()), "06/2026");
        let cut = cut_of(NaiveDate::from_ymd_opt(2026, 7, 1).unwrap());
        assert_eq!(last_day_counted(cut), "30/06/2026");
    }
}
