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

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Page {
    title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    extra: Extra,
}

#[derive(Serialize, Deserialize)]
struct Extra {
    procedure: Procedure,
}

/// Reads a procedure page: the procedure, its description and the Markdown body.
pub fn parse_front_matter(
    page: &str,
) -> Result<(Procedure, Option<String>, &str), FrontMatterError> {
    let rest = page
        .trim_start_matches('\u{feff}')
        .strip_prefix("+++")
        .and_then(|r| r.strip_prefix('\n').or_else(|| r.strip_prefix("\r\n")))
        .ok_or(FrontMatterError::MissingFrontMatter)?;
    let end = rest
        .match_indices("+++")
        .find(|(at, _)| *at == 0 || rest[..*at].ends_with('\n'))
        .map(|(at, _)| at)
        .ok_or(FrontMatterError::Unclosed)?;
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
    Ok((procedure, page.description, body))
}

/// Writes a procedure page with `body` as its Markdown.
pub fn to_front_matter(procedure: &Procedure, description: Option<&str>, body: &str) -> String {
    let page = Page {
        title: procedure.name.to_string(),
        description: description.map(str::to_owned),
        extra: Extra {
            procedure: procedure.clone(),
        },
    };
    let toml = toml::to_string(&page).expect("a procedure always serialises to TOML");
    format!("+++\n{toml}+++\n{body}")
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
        let page = to_front_matter(
            &sample(),
            Some("Đăng ký khai sinh cho trẻ em"),
            "## Hướng dẫn\n",
        );
        assert!(
            page.starts_with("+++\ntitle = \"Thủ tục đăng ký khai sinh\"\n"),
            "{page}"
        );
        let (procedure, description, body) = parse_front_matter(&page).unwrap();
        assert_eq!(procedure, sample());
        assert_eq!(description.as_deref(), Some("Đăng ký khai sinh cho trẻ em"));
        assert_eq!(body, "## Hướng dẫn\n");
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
        let (p, _, body) = parse_front_matter(page).unwrap();
        assert_eq!(
            p.resolution_time(Channel::Online).unwrap().to_string(),
            "3 ngày làm việc"
        );
        assert_eq!(body, "Body");
    }

    #[test]
    fn bad_pages_say_what_is_wrong() {
        assert_eq!(
            parse_front_matter("# no front matter").unwrap_err(),
            FrontMatterError::MissingFrontMatter
        );
        assert_eq!(
            parse_front_matter("+++\ntitle = \"x\"\n").unwrap_err(),
            FrontMatterError::Unclosed
        );
        let wrong_code =
            "+++\ntitle = \"A\"\n[extra.procedure]\ncode = \"1.23\"\nname = \"A\"\n+++\n";
        assert!(
            parse_front_matter(wrong_code)
                .unwrap_err()
                .to_string()
                .contains("exactly 6 digits")
        );
        let mismatch =
            "+++\ntitle = \"A\"\n[extra.procedure]\ncode = \"1.000001\"\nname = \"B\"\n+++\n";
        assert!(matches!(
            parse_front_matter(mismatch),
            Err(FrontMatterError::TitleMismatch { .. })
        ));
    }
}
