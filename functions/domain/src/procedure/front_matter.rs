//! The project's own shape of a procedure: a Zola page whose TOML front
//! matter holds the procedure under `[extra.procedure]`, so editors change
//! the catalogue by committing Markdown and stock Zola still builds it.
//!
//! ```text
//! +++
//! title = "Đăng ký khai sinh"
//! description = "…"
//! [extra.procedure]
//! code = "1.001193"
//! name = "Đăng ký khai sinh"
//! …
//! +++
//! Guidance in Markdown.
//! ```

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Procedure;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrontMatterError {
    #[error("the page does not start with a `+++` front matter block")]
    MissingFrontMatter,
    #[error("the front matter block is not closed with `+++`")]
    Unclosed,
    #[error("front matter: {0}")]
    Toml(String),
    #[error("the page title `{title}` differs from the procedure name `{name}`")]
    TitleMismatch { title: String, name: String },
}

/// A procedure page: the procedure and the Zola page keys written with it.
#[derive(Debug, Clone, PartialEq)]
pub struct ProcedurePage {
    pub procedure: Procedure,
    pub description: Option<String>,
    /// Last change, `YYYY-MM-DD` (the sitemap's `lastmod`).
    pub updated: Option<String>,
    /// Zola taxonomies, by taxonomy name.
    pub taxonomies: BTreeMap<String, Vec<String>>,
    /// The editors' Markdown below the front matter.
    pub body: String,
}

#[derive(Serialize, Deserialize)]
struct Page {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    taxonomies: BTreeMap<String, Vec<String>>,
    extra: Extra,
}

#[derive(Serialize, Deserialize)]
struct Extra {
    procedure: Procedure,
}

impl ProcedurePage {
    pub fn new(procedure: Procedure) -> Self {
        Self {
            procedure,
            description: None,
            updated: None,
            taxonomies: BTreeMap::new(),
            body: String::new(),
        }
    }

    /// Reads a procedure page. Other Zola keys (`weight`, `aliases`…) are
    /// the site builder's to check and are ignored here.
    pub fn parse(page: &str) -> Result<Self, FrontMatterError> {
        let rest = page
            .trim_start_matches('\u{feff}')
            .strip_prefix("+++")
            .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
            .ok_or(FrontMatterError::MissingFrontMatter)?;
        // The closing delimiter is a line of its own: procedure texts have
        // lines that begin with `+++` (third-level list items).
        let mut end = None;
        let mut at = 0;
        for line in rest.split_inclusive('\n') {
            if line.trim_end() == "+++" {
                end = Some(at);
                break;
            }
            at += line.len();
        }
        let end = end.ok_or(FrontMatterError::Unclosed)?;
        let body = rest[end + 3..].trim_start_matches(['\r', '\n']);
        let page: Page =
            toml::from_str(&rest[..end]).map_err(|e| FrontMatterError::Toml(e.to_string()))?;
        let procedure = page.extra.procedure;
        if page.title.trim() != procedure.name.as_str() {
            return Err(FrontMatterError::TitleMismatch {
                title: page.title,
                name: procedure.name.to_string(),
            });
        }
        Ok(Self {
            procedure,
            description: page.description,
            updated: page.updated,
            taxonomies: page.taxonomies,
            body: body.to_owned(),
        })
    }

    /// The page as Markdown with TOML front matter.
    pub fn to_markdown(&self) -> String {
        let page = Page {
            title: self.procedure.name.to_string(),
            description: self.description.clone(),
            updated: self.updated.clone(),
            taxonomies: self.taxonomies.clone(),
            extra: Extra {
                procedure: self.procedure.clone(),
            },
        };
        let toml = toml::to_string(&page).expect("a procedure always serialises to TOML");
        format!("+++\n{toml}+++\n{}", self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::procedure::{
        Channel, ChannelOption, Component, Currency, Fee, FeeKind, Fees, Money, Named,
        ProcedureName,
    };
    use crate::{ProcedureCode, ResolutionTime};

    fn sample() -> Procedure {
        let mut p = Procedure::new(
            ProcedureCode::parse("1.001193").unwrap(),
            ProcedureName::parse("Thủ tục đăng ký khai sinh").unwrap(),
        );
        p.fields
            .push(Named::new(Some("G15-TP07".into()), "Hộ tịch"));
        p.channels.push(ChannelOption {
            channel: Channel::Online,
            resolution_time: Some("7,5 ngày làm việc".parse::<ResolutionTime>().unwrap()),
            time_description: None,
            fees: Fees::Charged(vec![Fee {
                kind: FeeKind::ServiceFee,
                amount: Some(Money {
                    amount: 8000,
                    currency: Currency::Vnd,
                }),
                per: None,
                description: Some("Miễn lệ phí cho trẻ em".into()),
            }]),
            description: None,
        });
        p.channels.push(ChannelOption {
            channel: Channel::InPerson,
            resolution_time: None,
            time_description: Some("Ngay trong ngày".into()),
            fees: Fees::Free,
            description: None,
        });
        p.components.push(Component {
            code: None,
            name: "Tờ khai đăng ký khai sinh".into(),
            case: None,
            originals: Some(1),
            copies: Some(0),
            form: None,
            electronic_form: true,
        });
        p
    }

    #[test]
    fn a_procedure_page_round_trips() {
        let mut page = ProcedurePage::new(sample());
        page.description = Some("Đăng ký khai sinh cho trẻ em".into());
        page.updated = Some("2026-07-18".into());
        page.taxonomies
            .insert("linh-vuc".into(), vec!["Hộ tịch".into()]);
        page.body = "## Hướng dẫn\n".into();
        let text = page.to_markdown();
        assert!(
            text.starts_with("+++\ntitle = \"Thủ tục đăng ký khai sinh\"\n"),
            "{text}"
        );
        assert!(
            text.contains("[taxonomies]\nlinh-vuc = [\"Hộ tịch\"]\n"),
            "{text}"
        );
        assert_eq!(ProcedurePage::parse(&text).unwrap(), page);
    }

    #[test]
    fn hand_written_front_matter_is_read() {
        let page = r#"+++
title = "Thủ tục đăng ký khai sinh"

[extra.procedure]
code = "1.001193"
name = "Thủ tục đăng ký khai sinh"
levels = ["commune"]

[[extra.procedure.channels]]
channel = "online"
resolution_time = { amount = 3, unit = "working_days" }
fees = { status = "free" }
+++
Body"#;
        let page = ProcedurePage::parse(page).unwrap();
        assert_eq!(
            page.procedure
                .resolution_time(Channel::Online)
                .unwrap()
                .to_string(),
            "3 ngày làm việc"
        );
        assert_eq!(page.body, "Body");
    }

    #[test]
    fn bad_pages_say_what_is_wrong() {
        assert_eq!(
            ProcedurePage::parse("# no front matter").unwrap_err(),
            FrontMatterError::MissingFrontMatter
        );
        assert_eq!(
            ProcedurePage::parse("+++\ntitle = \"x\"\n").unwrap_err(),
            FrontMatterError::Unclosed
        );
        let wrong_code =
            "+++\ntitle = \"A\"\n[extra.procedure]\ncode = \"1.23\"\nname = \"A\"\n+++\n";
        assert!(
            ProcedurePage::parse(wrong_code)
                .unwrap_err()
                .to_string()
                .contains("exactly 6 digits")
        );
        let mismatch =
            "+++\ntitle = \"A\"\n[extra.procedure]\ncode = \"1.000001\"\nname = \"B\"\n+++\n";
        assert!(matches!(
            ProcedurePage::parse(mismatch),
            Err(FrontMatterError::TitleMismatch { .. })
        ));
    }
}
