//! National procedure data → procedure pages under `content/thu-tuc/`.
//!
//! Reads the catalogue export (`.jsonl`, the shape of `shared/data/
//! procedures.jsonl`) or the national database's `LayThuTuc` answer
//! (`.json`: one record or `{"result": […]}`), and writes one Markdown page
//! per procedure with the procedure under `[extra.procedure]` and the
//! taxonomies the site lists it under. The Markdown below an existing page's
//! front matter is the editors' and is kept; a page whose text would not
//! change is not touched, so the next build stays incremental.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use domain::{Channel, LayThuTuc, OnlineLevel, Procedure, ProcedurePage};

/// The site's taxonomies (names as in `config.toml`).
pub const FIELD: &str = "linh-vuc";
pub const AGENCY: &str = "co-quan-thuc-hien";
pub const LEVEL: &str = "cap-thuc-hien";
pub const AUDIENCE: &str = "doi-tuong";
pub const SERVICE_LEVEL: &str = "muc-do-dich-vu";

#[derive(Debug, Default)]
pub struct ImportReport {
    pub written: usize,
    pub unchanged: usize,
    /// Loaded, but with parts left out (by kind).
    pub issues: BTreeMap<&'static str, usize>,
    /// Not loaded: `(where in the source, why)`.
    pub rejected: Vec<(String, String)>,
}

/// The page file of a procedure: `1.001193` → `1-001193.md`.
pub fn file_name(procedure: &Procedure) -> String {
    format!("{}.md", procedure.code.as_str().replace('.', "-"))
}

/// What citizens filter by, as taxonomy terms.
pub fn taxonomies(p: &Procedure) -> BTreeMap<String, Vec<String>> {
    let mut t = BTreeMap::new();
    let mut put = |name: &str, terms: Vec<String>| {
        let mut terms: Vec<String> = terms
            .into_iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        terms.dedup();
        if !terms.is_empty() {
            t.insert(name.to_owned(), terms);
        }
    };
    put(FIELD, p.fields.iter().map(|f| f.name.clone()).collect());
    put(AGENCY, p.agencies.iter().map(|a| a.name.clone()).collect());
    put(
        LEVEL,
        p.levels.iter().map(|l| l.label_vi().to_owned()).collect(),
    );
    put(AUDIENCE, p.audiences.clone());
    put(SERVICE_LEVEL, vec![service_level(p).to_owned()]);
    t
}

/// The online service level as citizens filter by it (ND 42/2022).
pub fn service_level(p: &Procedure) -> &'static str {
    match (p.online_level, p.accepts_online()) {
        (Some(OnlineLevel::Full), _) => "Trực tuyến toàn trình",
        (Some(OnlineLevel::Partial), _) => "Trực tuyến một phần",
        (None, true) => "Có nộp trực tuyến",
        (None, false) => "Nộp trực tiếp hoặc qua bưu chính",
    }
}

/// A search-result description: what the page answers, within ~160 characters.
pub fn description(p: &Procedure) -> String {
    let name = shorten(p.name.as_str(), 90);
    let mut text = format!("Hồ sơ cần nộp, thời hạn giải quyết, phí, lệ phí và cách nộp: {name}");
    if let Some(time) = p
        .resolution_time(Channel::Online)
        .or_else(|| p.resolution_time(Channel::InPerson))
    {
        text.push_str(&format!(". Thời hạn {time}"));
    }
    text.push('.');
    text
}

fn shorten(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max_chars).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':']))
}

/// Reads procedures from a catalogue export or a `LayThuTuc` answer.
pub fn read_source(file: &Path) -> anyhow::Result<(Vec<Procedure>, ImportReport)> {
    let text =
        std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let mut report = ImportReport::default();
    if file.extension().is_some_and(|e| e == "jsonl") {
        let import = domain::import_catalogue(&text);
        report.issues = import.issue_counts().into_iter().collect();
        report.rejected = import
            .rejected
            .iter()
            .map(|r| (format!("line {}", r.line), r.reason.to_string()))
            .collect();
        return Ok((import.procedures, report));
    }
    let value: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let records = match value.get("result") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        _ => vec![value],
    };
    let mut procedures = Vec::new();
    for (i, record) in records.into_iter().enumerate() {
        let loaded = serde_json::from_value::<LayThuTuc>(record)
            .map_err(|e| e.to_string())
            .and_then(|r| Procedure::try_from(r).map_err(|e| e.to_string()));
        match loaded {
            Ok(p) => procedures.push(p),
            Err(why) => report.rejected.push((format!("record {}", i + 1), why)),
        }
    }
    Ok((procedures, report))
}

/// Writes (or refreshes) one page per procedure in `into`.
pub fn write_pages(
    procedures: &[Procedure],
    into: &Path,
    report: &mut ImportReport,
) -> anyhow::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(into).map_err(|e| anyhow::anyhow!("{}: {e}", into.display()))?;
    let mut written = Vec::new();
    for p in procedures {
        let file = into.join(file_name(p));
        let existing = std::fs::read_to_string(&file).ok();
        let body = existing
            .as_deref()
            .and_then(|text| ProcedurePage::parse(text).ok())
            .map(|page| page.body)
            .unwrap_or_default();
        let page = ProcedurePage {
            procedure: p.clone(),
            description: Some(description(p)),
            updated: p
                .publication
                .updated_at
                .as_deref()
                .and_then(|t| t.get(..10))
                .map(str::to_owned),
            taxonomies: taxonomies(p),
            body,
        };
        let text = page.to_markdown();
        if existing.as_deref() == Some(text.as_str()) {
            report.unchanged += 1;
            continue;
        }
        std::fs::write(&file, text).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
        report.written += 1;
        written.push(file);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Named, ProcedureCode, ProcedureName};

    fn procedure() -> Procedure {
        let mut p = Procedure::new(
            ProcedureCode::parse("1.001193").unwrap(),
            ProcedureName::parse("Thủ tục đăng ký khai sinh").unwrap(),
        );
        p.fields.push(Named::new(None, "Hộ tịch"));
        p.levels.push(domain::Level::Commune);
        p.online_level = Some(OnlineLevel::Full);
        p
    }

    #[test]
    fn a_procedure_is_listed_under_its_terms() {
        let t = taxonomies(&procedure());
        assert_eq!(t[FIELD], ["Hộ tịch"]);
        assert_eq!(t[LEVEL], ["Cấp xã"]);
        assert_eq!(t[SERVICE_LEVEL], ["Trực tuyến toàn trình"]);
        assert!(!t.contains_key(AGENCY));
        assert_eq!(file_name(&procedure()), "1-001193.md");
    }

    #[test]
    fn long_names_are_shortened_at_a_word() {
        let long = "Cấp giấy phép ".repeat(20);
        let d = shorten(long.trim(), 40);
        assert!(d.ends_with('…') && d.chars().count() <= 41, "{d}");
        assert!(!d.contains("phé…"));
    }

    #[test]
    fn a_lay_thu_tuc_answer_is_imported_and_broken_records_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("laythutuc.json");
        std::fs::write(
            &file,
            r#"{"result":[
              {"MATTHC":"1.000419","TENTTHC":"Thủ tục đăng ký khai tử lưu động","TRANGTHAI":"1",
               "LINHVUCTHUCHIEN":[{"MALINHVUC":"G15-TP07","TENLINHVUC":"Hộ tịch"}],
               "CACHTHUCTHUCHIEN":[{"KENH":"1","THOIGIAN":[{"THOIGIANGIAIQUYET":"5","DONVITINH":"Ngày làm việc",
                 "PHILEPHI":[{"MAPHILEPHI":"SERVICE_FEE","SOTIEN":"0","DONVI":"VNĐ"}]}]}],
               "COQUANTHUCHIEN":[{"MADONVI":"000.00.UB.003","TENDONVI":"Ủy ban nhân dân cấp xã"}]},
              {"MATTHC":"1.23","TENTTHC":"Mã sai"}
            ]}"#,
        )
        .unwrap();
        let (procedures, mut report) = read_source(&file).unwrap();
        assert_eq!(procedures.len(), 1);
        assert_eq!(report.rejected.len(), 1);
        assert_eq!(report.rejected[0].0, "record 2");
        let into = dir.path().join("thu-tuc");
        write_pages(&procedures, &into, &mut report).unwrap();
        let page =
            ProcedurePage::parse(&std::fs::read_to_string(into.join("1-000419.md")).unwrap())
                .unwrap();
        assert_eq!(page.taxonomies[FIELD], ["Hộ tịch"]);
        assert_eq!(page.taxonomies[AGENCY], ["Ủy ban nhân dân cấp xã"]);
        assert_eq!(
            page.taxonomies[SERVICE_LEVEL],
            ["Nộp trực tiếp hoặc qua bưu chính"]
        );
        assert!(
            page.description
                .unwrap()
                .contains("Thời hạn 5 ngày làm việc")
        );
    }

    #[test]
    fn re_importing_keeps_the_editors_text_and_leaves_equal_pages_alone() {
        let temporary = tempfile::tempdir().unwrap();
        let dir = temporary.path().join("thu-tuc");
        let mut report = ImportReport::default();
        write_pages(&[procedure()], &dir, &mut report).unwrap();
        let file = dir.join("1-001193.md");
        let text = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, format!("{text}## Lưu ý\n\nMang theo bản chính.\n")).unwrap();
        let mut again = ImportReport::default();
        write_pages(&[procedure()], &dir, &mut again).unwrap();
        assert_eq!((again.written, again.unchanged), (0, 1));
        let mut changed = procedure();
        changed.audiences.push("Công dân Việt Nam".into());
        let mut third = ImportReport::default();
        write_pages(&[changed], &dir, &mut third).unwrap();
        assert_eq!(third.written, 1);
        let text = std::fs::read_to_string(&file).unwrap();
        assert!(
            text.contains("doi-tuong = [\"Công dân Việt Nam\"]"),
            "{text}"
        );
        assert!(
            text.ends_with("## Lưu ý\n\nMang theo bản chính.\n"),
            "{text}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
