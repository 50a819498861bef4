//! The published answers to feedback and petitions (`/phan-anh-kien-nghi/`):
//! every answer the sender agreed to publish and an official published
//! becomes a page `content/phan-anh-kien-nghi/<code>.md` (the petition's
//! title and content, the answer, the agency, the procedure it is about, the
//! dates), listed newest first by the section's `_index.md`. A petition
//! reopened since is no longer in the store's published list, so its page
//! goes at the next publication, until its next answer is published.
//!
//! What is published comes from the store's public record
//! (`store::PublishedPetition`), which holds nothing of the sender: not
//! their name, phone, e-mail, address, account, files or tracking secret,
//! nor a dossier code the petition named. Their texts were masked when the
//! answer was published (`domain::mask_personal_data`: the sender's own
//! details wherever they appear, phone and identity numbers, e-mail
//! addresses). Anything else personal in the texts — another person's name,
//! a street address, health or family circumstances — no machine tells
//! from ordinary words: the official who publishes reads the text first and
//! is responsible for it (the back office asks them to confirm it).
//!
//! Citizens' and officials' texts go into the front matter as plain
//! strings, never into the Markdown body: the templates print them escaped.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use domain::AgencyCode;
use serde::Serialize;
use store::{PublishedPetition, Store};

use crate::answers::{ProcedureLink, Section, add_page, section_files};
use crate::questions::excerpt;
use crate::{Publication, PublishError, Site, agency_names};

/// The section under `content/`.
pub const DIR: &str = "phan-anh-kien-nghi";
/// Longest page description, in characters (what search engines show).
pub const DESCRIPTION: usize = 160;

/// Writes the pages of the published answers.
pub async fn publish(
    store: &Store,
    today: NaiveDate,
    site: Site<'_>,
) -> Result<Publication, PublishError> {
    let _ = today;
    // The section orders its pages by date (of publication).
    let published = store.published_petitions().await?;
    let name_of = agency_names(store, published.iter().map(|p| &p.agency)).await?;
    let content = pages(&published, &name_of)?;
    Ok(Publication {
        name: "petitions",
        summary: format!(
            "{} câu trả lời phản ánh, kiến nghị được công khai",
            published.len()
        ),
        dirs: vec![site.replace_content(DIR, &content)?],
    })
}

/// What a published answer's template renders (`templates/petition_answer.html`).
#[derive(Debug, Serialize)]
struct PetitionExtra<'a> {
    code: &'a str,
    /// Phản ánh or kiến nghị.
    kind: &'a str,
    about: &'a str,
    content: &'a str,
    answer: &'a str,
    agency: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    category: Option<&'a str>,
    /// `YYYY-MM-DD`.
    received: String,
    answered: String,
    /// The procedure it is about (not named `procedure`: the site's lists
    /// leave that key out of page entries, see `listing_omits`).
    #[serde(skip_serializing_if = "Option::is_none")]
    regarding: Option<ProcedureLink<'a>>,
}

/// The content files: the section and one page per published answer.
fn pages(
    published: &[PublishedPetition],
    agency_name: &dyn Fn(&AgencyCode) -> String,
) -> Result<BTreeMap<String, Vec<u8>>, PublishError> {
    let section = Section {
        title: "Phản ánh, kiến nghị đã trả lời",
        description: "Phản ánh, kiến nghị của người dân, doanh nghiệp về thủ tục hành chính và việc giải quyết, với câu trả lời của cơ quan, đơn vị, công khai theo sự đồng ý của người gửi.",
        template: "petitions.html",
        page_template: "petition_answer.html",
        text: SECTION_TEXT,
    };
    let mut files = section_files(&section, published.len())?;
    for p in published {
        let agency = agency_name(&p.agency);
        let description = excerpt(&format!("{agency} trả lời: {}", p.answer), DESCRIPTION);
        let extra = PetitionExtra {
            code: p.code.as_str(),
            kind: p.kind.label_vi(),
            about: &p.about_label,
            content: &p.content,
            answer: &p.answer,
            agency,
            category: p.category.as_deref(),
            received: p.received_at.date().to_string(),
            answered: p.answered_at.date().to_string(),
            regarding: p
                .procedure
                .as_ref()
                .map(|(code, name)| ProcedureLink::new(code.as_str(), name)),
        };
        add_page(
            &mut files,
            &p.code.slug(),
            &p.title,
            &description,
            p.published_at,
            extra,
        )?;
    }
    Ok(files)
}

const SECTION_TEXT: &str = "Câu trả lời của cơ quan, đơn vị cho phản ánh, kiến nghị về thủ tục hành chính và việc giải quyết, được công khai khi người gửi đồng ý. Họ tên và thông tin liên hệ của người gửi không được công khai.\n";

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDateTime;
    use domain::{
        Email, PetitionAction, PetitionCode, PetitionKind, PetitionProgress, PetitionTopic,
        PhoneNumber, ProcedureCode, WorkingCalendar,
    };
    use store::{PetitionContact, PetitionRecord};

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    /// A petition received on the 1st, answered on the 4th and published
    /// on the 5th, as the store makes its public record.
    fn published(
        code: &str,
        about: PetitionTopic,
        content: &str,
        answer: &str,
    ) -> PublishedPetition {
        let calendar = WorkingCalendar::vietnam();
        let mut progress = PetitionProgress::open(at(1, 9), true);
        let mut record = PetitionRecord {
            code: PetitionCode::parse(code).unwrap(),
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            kind: PetitionKind::Feedback,
            procedure_name: match &about {
                PetitionTopic::Procedure { .. } => Some("Khai báo tạm vắng".to_owned()),
                _ => None,
            },
            about,
            title: "Cán bộ hẹn lại nhiều lần".into(),
            content: content.into(),
            contact: PetitionContact {
                name: "Trần Thị Bình".into(),
                phone: PhoneNumber::parse("0987654321").unwrap(),
                email: Some(Email::parse("binh.tran@example.vn").unwrap()),
                address: Some("Số 8 phố Hàng Bài".into()),
            },
            owner: Some("tai-khoan-bi-mat".into()),
            files: Vec::new(),
            publish_consent: true,
            tracking_secret_sha256: "bi-mat-bam".into(),
            received_at: at(1, 9),
            stage: domain::PetitionStage::Received,
            answer_by: at(22, 17),
            publish_by: None,
            published: false,
            rounds: 1,
            on_time: None,
            category: Some("Hộ tịch".into()),
            answer: None,
            last_moved_at: at(1, 9),
            version: 1,
            national: None,
        };
        progress
            .act(
                &calendar,
                PetitionAction::Answer,
                at(4, 9),
                Some(answer.into()),
            )
            .unwrap();
        record.follow(&progress, &calendar, at(4, 9)).unwrap();
        PublishedPetition::of(&record, at(5, 10)).unwrap()
    }

    fn sample() -> Vec<PublishedPetition> {
        vec![
            published(
                "PAKN-260601-7KMQ4X",
                PetitionTopic::Procedure {
                    code: ProcedureCode::parse("1.003677").unwrap(),
                },
                "Tôi là Trần Thị Bình (0987 654 321, binh.tran@example.vn), ở Số 8 phố Hàng Bài, nộp hồ sơ 000.00.01.H29-260601-0001 nhưng bị hẹn lại ba lần.",
                "Đã nhắc cán bộ tiếp nhận. Lệ phí 150.000 đồng không đổi.\n\n<script>alert(1)</script>",
            ),
            published(
                "PAKN-260602-ABCDEF",
                PetitionTopic::Agency,
                "Quầy đóng cửa sớm.",
                "Từ tuần sau quầy làm việc đến 17 giờ.",
            ),
        ]
    }

    fn name(_: &AgencyCode) -> String {
        "Ủy ban nhân dân xã Gia Viễn".into()
    }

    #[test]
    fn every_published_answer_is_a_page_without_the_sender() {
        let files = pages(&sample(), &name).unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                "_index.md",
                "pakn-260601-7kmq4x.md",
                "pakn-260602-abcdef.md"
            ]
        );
        let section = String::from_utf8(files["_index.md"].clone()).unwrap();
        assert!(section.contains("sort_by = \"date\""));
        assert!(section.contains("page_template = \"petition_answer.html\""));
        assert!(section.contains("count = 2"));

        let text = String::from_utf8(files["pakn-260601-7kmq4x.md"].clone()).unwrap();
        let (front, body) = text
            .trim_start_matches("+++\n")
            .split_once("+++\n")
            .unwrap();
        assert_eq!(body, "", "citizens' text never reaches the Markdown");
        let front: toml::Value = toml::from_str(front).unwrap();
        assert_eq!(front["title"].as_str(), Some("Cán bộ hẹn lại nhiều lần"));
        assert_eq!(front["date"].as_str(), Some("2026-06-05T10:00:00+07:00"));
        let description = front["description"].as_str().unwrap();
        assert!(description.starts_with("Ủy ban nhân dân xã Gia Viễn trả lời: Đã nhắc cán bộ"));
        assert!(description.chars().count() <= DESCRIPTION);
        let extra = &front["extra"];
        assert_eq!(extra["code"].as_str(), Some("PAKN-260601-7KMQ4X"));
        assert_eq!(extra["kind"].as_str(), Some("Phản ánh"));
        assert_eq!(extra["received"].as_str(), Some("2026-06-01"));
        assert_eq!(extra["answered"].as_str(), Some("2026-06-04"));
        assert_eq!(extra["category"].as_str(), Some("Hộ tịch"));
        assert_eq!(
            extra["regarding"]["path"].as_str(),
            Some("thu-tuc/1-003677")
        );
        assert_eq!(
            extra["content"].as_str(),
            Some(
                "Tôi là [đã ẩn] ([đã ẩn], [đã ẩn]), ở [đã ẩn], nộp hồ sơ 000.00.01.H29-260601-0001 nhưng bị hẹn lại ba lần."
            ),
            "the sender's details masked where they wrote them"
        );
        assert!(extra["answer"].as_str().unwrap().contains("150.000 đồng"));
        assert!(
            extra["answer"].as_str().unwrap().contains("<script>"),
            "escaped by the template"
        );
        for private in [
            "Trần Thị Bình",
            "0987",
            "binh.tran@example.vn",
            "Hàng Bài",
            "tai-khoan-bi-mat",
            "bi-mat-bam",
        ] {
            assert!(!text.contains(private), "{private} is not published");
        }
        let agency = String::from_utf8(files["pakn-260602-abcdef.md"].clone()).unwrap();
        assert!(!agency.contains("[extra.regarding]"));
    }

    #[test]
    fn nothing_published_is_an_empty_section() {
        let files = pages(&[], &name).unwrap();
        assert_eq!(files.keys().collect::<Vec<_>>(), ["_index.md"]);
        assert!(
            String::from_utf8(files["_index.md"].clone())
                .unwrap()
                .contains("count = 0")
        );
    }
}
