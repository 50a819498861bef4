//! The published answers (`/hoi-dap/`): every question whose answer an
//! official published becomes a page `content/hoi-dap/<code>.md` (the
//! question, its answer, the procedure it is about, the dates), listed
//! newest first by the section's `_index.md`; a withdrawn answer is no
//! longer in the store's published list, so its page goes at the next
//! publication. Nothing of the asker (name, contact, account) is written.
//!
//! The site's own search finds them through `static/hoi-dap/chi-muc.json`
//! ([`QuestionIndex`]): each question's title, path and the folded words
//! of its title, text and procedure (`search::fold`, as the procedure
//! index folds them), which `site/static/js/search.js` matches as the
//! citizen types, on the search page and on `/hoi-dap/`.
//!
//! Citizens' and officials' texts go into the front matter as plain
//! strings, never into the Markdown body: the templates print them escaped.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{NaiveDate, NaiveDateTime};
use domain::{AgencyCode, QuestionTopic};
use serde::Serialize;
use store::{QuestionRecord, Store};

use crate::answers::{ProcedureLink, Section, add_page, section_files};
use crate::{Publication, PublishError, Site, agency_names};

/// The section under `content/` and the folder under `static/`.
pub const DIR: &str = "hoi-dap";
/// The search index's file under `static/hoi-dap/`.
pub const INDEX_FILE: &str = "chi-muc.json";
/// The shape of [`QuestionIndex`] that `search.js` reads.
pub const INDEX_FORMAT: u32 = 1;
/// Longest page description, in characters (what search engines show).
pub const DESCRIPTION: usize = 160;

/// Writes the pages of the published answers and their search index.
pub async fn publish(
    store: &Store,
    today: NaiveDate,
    site: Site<'_>,
) -> Result<Publication, PublishError> {
    let _ = today;
    let questions = store.published_questions().await?;
    let name_of = agency_names(store, questions.iter().map(|q| &q.agency)).await?;
    let content = pages(&questions, &name_of)?;
    let index =
        serde_json::to_vec(&QuestionIndex::build(&questions)).expect("the index serialises");
    let dirs = vec![
        site.replace_content(DIR, &content)?,
        site.replace_static(DIR, &BTreeMap::from([(INDEX_FILE.to_owned(), index)]))?,
    ];
    Ok(Publication {
        name: "questions",
        summary: format!("{} câu hỏi đã trả lời được công khai", questions.len()),
        dirs,
    })
}

/// What a question's page template renders (`templates/question.html`).
#[derive(Debug, Serialize)]
struct QuestionExtra<'a> {
    code: &'a str,
    question: &'a str,
    answer: &'a str,
    agency: String,
    /// `YYYY-MM-DD`.
    asked: String,
    answered: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    about: Option<ProcedureLink<'a>>,
}

/// The content files: the section and one page per published answer.
fn pages(
    questions: &[QuestionRecord],
    agency_name: &dyn Fn(&AgencyCode) -> String,
) -> Result<BTreeMap<String, Vec<u8>>, PublishError> {
    let section = Section {
        title: "Hỏi đáp",
        description: "Câu hỏi của người dân, doanh nghiệp về thủ tục hành chính và câu trả lời của cơ quan, đơn vị.",
        template: "questions.html",
        page_template: "question.html",
        text: SECTION_TEXT,
    };
    let mut files = section_files(&section, questions.len())?;
    for q in questions {
        let (Some(answer), Some(published_at)) = (&q.answer, q.published_at) else {
            continue;
        };
        let agency = agency_name(&q.agency);
        let description = excerpt(&format!("{agency} trả lời: {}", answer.text), DESCRIPTION);
        let about = match &q.about {
            QuestionTopic::Procedure { code } => Some(ProcedureLink::new(
                code.as_str(),
                q.procedure_name.as_deref().unwrap_or(code.as_str()),
            )),
            QuestionTopic::Agency => None,
        };
        let extra = QuestionExtra {
            code: q.code.as_str(),
            question: &q.text,
            answer: &answer.text,
            agency,
            asked: q.asked_at.date().to_string(),
            answered: answer.at.date().to_string(),
            about,
        };
        add_page(
            &mut files,
            &q.code.slug(),
            &q.title,
            &description,
            published_at,
            extra,
        )?;
    }
    Ok(files)
}

const SECTION_TEXT: &str = "Câu trả lời của cơ quan, đơn vị cho các câu hỏi về thủ tục hành chính, được công khai để mọi người cùng tham khảo. Họ tên và thông tin liên hệ của người hỏi không được công khai.\n";

/// A procedure's page on the site, as `sitegen import` names it
/// (`1.003677` → `thu-tuc/1-003677`, lower case as the page's slug).
pub(crate) fn procedure_path(code: &str) -> String {
    format!("thu-tuc/{}", code.replace('.', "-").to_lowercase())
}

pub(crate) fn timestamp(at: NaiveDateTime) -> String {
    format!("{}+07:00", at.format("%Y-%m-%dT%H:%M:%S"))
}

/// `text` on one line, cut at a word boundary with "…" to at most `max`
/// characters.
pub fn excerpt(text: &str, max: usize) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        return flat;
    }
    let mut out = String::new();
    for word in flat.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if out.is_empty() {
        out = flat.chars().take(max - 1).collect();
    }
    out.push('…');
    out
}

/// `static/hoi-dap/chi-muc.json`: the published questions as the site's
/// search matches them, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionIndex {
    pub format: u32,
    /// Words that say nothing of which question is meant, as typed (the
    /// search vocabulary's stop words): left out of `words` and of queries.
    pub stop: Vec<String>,
    pub questions: Vec<IndexedQuestion>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndexedQuestion {
    pub code: String,
    pub title: String,
    /// The page's path on the site: `/hoi-dap/hd-260603-7kmq4x/`.
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub procedure_name: Option<String>,
    /// When it was answered, `YYYY-MM-DD` (the list is in the order of publication).
    pub date: String,
    /// The distinct folded words of its title, text and procedure name,
    /// stop words left out, separated by spaces.
    pub words: String,
}

impl QuestionIndex {
    pub fn build(questions: &[QuestionRecord]) -> Self {
        let vocabulary = search::Vocabulary::bundled();
        let stop: BTreeSet<String> = vocabulary
            .listed_stop_words
            .iter()
            .map(|w| search::fold::Word::new(w).exact)
            .collect();
        let indexed = questions
            .iter()
            .filter_map(|q| {
                q.published_at?;
                let answered = q.answer.as_ref()?.at;
                let texts = [
                    q.title.as_str(),
                    q.text.as_str(),
                    q.procedure_name.as_deref().unwrap_or_default(),
                ];
                let mut seen = BTreeSet::new();
                let words: Vec<String> = texts
                    .iter()
                    .flat_map(|t| search::words(t))
                    .filter(|w| !stop.contains(&w.exact))
                    .map(|w| w.folded)
                    .filter(|w| seen.insert(w.clone()))
                    .collect();
                Some(IndexedQuestion {
                    code: q.code.to_string(),
                    title: q.title.clone(),
                    path: format!("/{DIR}/{}/", q.code.slug()),
                    procedure: q.about.procedure().map(ToString::to_string),
                    procedure_name: q.procedure_name.clone(),
                    date: answered.date().to_string(),
                    words: words.join(" "),
                })
            })
            .collect();
        QuestionIndex {
            format: INDEX_FORMAT,
            stop: stop.into_iter().collect(),
            questions: indexed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{
        Asker, ProcedureCode, Question, QuestionAction, QuestionCode, QuestionOrigin,
        QuestionProgress,
    };
    use store::{Answerer, QuestionStep};

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    /// A question answered on the 4th and published on the 5th, as the store keeps it.
    fn published(
        code: &str,
        about: QuestionTopic,
        title: &str,
        text: &str,
        answer: &str,
    ) -> QuestionRecord {
        let mut progress = QuestionProgress::open(at(3, 9));
        let mut record = store::QuestionRecord {
            code: QuestionCode::parse(code).unwrap(),
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            procedure_name: about.procedure().map(|_| "Khai báo tạm vắng".to_owned()),
            field_code: None,
            title: Question::new(about.clone(), title, text).unwrap().title,
            text: text.into(),
            about,
            asker: Asker::parse("Trần Thị Bình", None, Some("0987654321"), false).unwrap(),
            owner: Some("tai-khoan-bi-mat".into()),
            origin: QuestionOrigin::Local,
            tracking_secret_sha256: "x".into(),
            asked_at: at(3, 9),
            stage: domain::QuestionStage::Asked,
            answer: None,
            published_at: None,
            last_moved_at: at(3, 9),
            version: 1,
        };
        for (action, when, note) in [
            (QuestionAction::Answer, at(4, 9), Some(answer)),
            (QuestionAction::Publish, at(5, 10), None),
        ] {
            let event = progress
                .act(action, when, note.map(str::to_owned))
                .unwrap()
                .clone();
            let step = QuestionStep {
                event,
                official: Some(Answerer {
                    subject: "mot-cua-1".into(),
                    name: "Nguyễn Cán Bộ".into(),
                    title: "Cán bộ một cửa".into(),
                }),
            };
            record.follow(&progress, &step);
        }
        record
    }

    fn sample() -> Vec<QuestionRecord> {
        vec![
            published(
                "HD-260603-7KMQ4X",
                QuestionTopic::Procedure {
                    code: ProcedureCode::parse("1.003677").unwrap(),
                },
                "Khai báo tạm vắng khi đi làm xa",
                "Tôi đi làm ở tỉnh khác thì có phải khai báo không?",
                "Có. Khai tại Công an xã nơi thường trú.\n\n<script>alert(1)</script>",
            ),
            published(
                "HD-260602-ABCDEF",
                QuestionTopic::Agency,
                "Giờ làm việc thứ Bảy",
                "Bộ phận Một cửa có làm việc sáng thứ Bảy không?",
                "Có, từ 7 giờ 30 đến 11 giờ 30.",
            ),
        ]
    }

    fn name(_: &AgencyCode) -> String {
        "Ủy ban nhân dân xã Gia Viễn".into()
    }

    #[test]
    fn every_published_answer_is_a_page_of_the_section() {
        let files = pages(&sample(), &name).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            ["_index.md", "hd-260602-abcdef.md", "hd-260603-7kmq4x.md"]
        );
        let section = String::from_utf8(files["_index.md"].clone()).unwrap();
        assert!(section.contains("sort_by = \"date\""));
        assert!(section.contains("page_template = \"question.html\""));
        assert!(section.contains("count = 2"));

        let text = String::from_utf8(files["hd-260603-7kmq4x.md"].clone()).unwrap();
        let (front, body) = text
            .trim_start_matches("+++\n")
            .split_once("+++\n")
            .unwrap();
        assert_eq!(body, "", "citizens' text never reaches the Markdown");
        let front: toml::Value = toml::from_str(front).unwrap();
        assert_eq!(
            front["title"].as_str(),
            Some("Khai báo tạm vắng khi đi làm xa")
        );
        assert_eq!(front["date"].as_str(), Some("2026-06-05T10:00:00+07:00"));
        let description = front["description"].as_str().unwrap();
        assert!(
            description.starts_with("Ủy ban nhân dân xã Gia Viễn trả lời: Có. Khai tại Công an xã")
        );
        assert!(description.chars().count() <= DESCRIPTION);
        let extra = &front["extra"];
        assert_eq!(extra["code"].as_str(), Some("HD-260603-7KMQ4X"));
        assert_eq!(extra["asked"].as_str(), Some("2026-06-03"));
        assert_eq!(extra["answered"].as_str(), Some("2026-06-04"));
        assert!(
            extra["answer"].as_str().unwrap().contains("<script>"),
            "escaped by the template"
        );
        assert_eq!(extra["about"]["path"].as_str(), Some("thu-tuc/1-003677"));
        assert_eq!(extra["about"]["name"].as_str(), Some("Khai báo tạm vắng"));
        for private in [
            "Trần Thị Bình",
            "0987654321",
            "tai-khoan-bi-mat",
            "Nguyễn Cán Bộ",
        ] {
            assert!(!text.contains(private), "{private} is not published");
        }
        let agency = String::from_utf8(files["hd-260602-abcdef.md"].clone()).unwrap();
        assert!(!agency.contains("[extra.about]"));
    }

    #[test]
    fn the_search_index_holds_folded_words_without_stop_words() {
        let index = QuestionIndex::build(&sample());
        assert_eq!(index.format, INDEX_FORMAT);
        assert!(index.stop.contains(&"thủ".to_owned()));
        let first = &index.questions[0];
        assert_eq!(first.path, "/hoi-dap/hd-260603-7kmq4x/");
        assert_eq!(first.procedure.as_deref(), Some("1.003677"));
        assert_eq!(first.date, "2026-06-04");
        let words: Vec<&str> = first.words.split(' ').collect();
        for expected in ["khai", "bao", "tam", "vang", "tinh", "khac"] {
            assert!(words.contains(&expected), "{expected} in {words:?}");
        }
        for left_out in ["tôi", "toi", "thì", "thi", "Khai"] {
            assert!(!words.contains(&left_out), "{left_out} in {words:?}");
        }
        let distinct: BTreeSet<&&str> = words.iter().collect();
        assert_eq!(distinct.len(), words.len(), "each word once");
        assert!(!words.contains(&"cong"), "the answer is not indexed");
        let json = serde_json::to_value(&index).unwrap();
        assert!(json["questions"][1].get("procedure").is_none());
    }

    #[test]
    fn excerpts_stop_at_a_word() {
        assert_eq!(excerpt("  Một\n hai  ba ", 20), "Một hai ba");
        let cut = excerpt(&"chữ ".repeat(100), 30);
        assert!(cut.ends_with("chữ…") && cut.chars().count() <= 30, "{cut}");
        assert_eq!(excerpt(&"a".repeat(50), 10).chars().count(), 10);
        assert_eq!(procedure_path("1.000948.H38"), "thu-tuc/1-000948-h38");
    }
}
