//! Checking an online submission against its procedure: the channel, and
//! the papers handed in for each dossier component.

use serde::{Deserialize, Serialize};

use crate::procedure::{Channel, Component, Procedure};

/// How the applicant wants the result (HinhThuc: 0 at the desk, 1 by post;
/// electronic results per ND 45/2020).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum ResultDelivery {
    AtDesk,
    Post { address: String },
    Online,
}

impl ResultDelivery {
    /// The national HinhThuc code: 1 by post, else 0.
    pub fn national_code(&self) -> u8 {
        match self {
            ResultDelivery::Post { .. } => 1,
            _ => 0,
        }
    }

    pub fn label_vi(&self) -> &'static str {
        match self {
            ResultDelivery::AtDesk => "Nhận tại bộ phận một cửa",
            ResultDelivery::Post { .. } => "Nhận qua dịch vụ bưu chính công ích",
            ResultDelivery::Online => "Nhận bản điện tử trên cổng dịch vụ công",
        }
    }
}

/// Whether a component must be uploaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Requirement {
    /// Listed without a case, or under "Giấy tờ phải nộp".
    Required,
    /// Listed under a case ("Trường hợp …", "Đối với …"): only when it applies.
    Conditional,
    /// Shown at the desk, not handed in ("Giấy tờ phải xuất trình", or no
    /// original and no copy asked for).
    PresentOnly,
    /// Guidance the catalogue lists among the papers ("Lưu ý: …", "Ví dụ:
    /// …") that asks for no paper: read, neither handed in nor shown.
    Note,
}

/// How guidance listed among the papers begins.
const GUIDANCE: [&str; 4] = ["lưu ý", "ví dụ", "ghi chú", "chú ý"];

impl Component {
    pub fn requirement(&self) -> Requirement {
        let case = self.case.as_deref().map(str::to_lowercase);
        let shown_only = self.originals == Some(0) && self.copies == Some(0);
        // Papers listed under "Giấy tờ phải nộp" may still be for one case
        // only: "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản…".
        let name = self.name.trim_start().to_lowercase();
        let names_its_case = ["trường hợp", "đối với", "nếu "]
            .iter()
            .any(|p| name.starts_with(p));
        let asks_for_paper = self.originals.unwrap_or(0) + self.copies.unwrap_or(0) > 0;
        let bare = name.trim_start_matches(['*', '-', '+', '•', ' ']);
        let guidance = GUIDANCE.iter().any(|p| bare.starts_with(p));
        match case.as_deref() {
            _ if guidance && !asks_for_paper => Requirement::Note,
            _ if shown_only => Requirement::PresentOnly,
            Some(c) if c.contains("xuất trình") => Requirement::PresentOnly,
            _ if names_its_case => Requirement::Conditional,
            None => Requirement::Required,
            Some(c) if c.contains("phải nộp") => Requirement::Required,
            Some(_) => Requirement::Conditional,
        }
    }
}

/// Most files one component may carry.
pub const MAX_FILES_PER_COMPONENT: usize = 10;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    #[error("procedure {0} does not take online submissions")]
    NotOnline(String),
    #[error("procedure {code} is not received by {channel:?}")]
    ChannelNotOffered { code: String, channel: Channel },
    #[error("component {index} ({name}) is required but has no file")]
    MissingComponent { index: usize, name: String },
    #[error("the procedure has no component {0}")]
    UnknownComponent(usize),
    #[error("component {index} ({name}) is shown at the desk, not uploaded")]
    NotUploaded { index: usize, name: String },
    #[error("component {index} ({name}) is guidance, not a paper")]
    NotAPaper { index: usize, name: String },
    #[error("component {index} has {count} files; at most {MAX_FILES_PER_COMPONENT} are accepted")]
    TooManyFiles { index: usize, count: usize },
}

/// Checks that the files given per component (`(component index, file count)`)
/// make a complete online dossier for `procedure`.
pub fn check_online_submission(
    procedure: &Procedure,
    files: &[(usize, usize)],
) -> Result<(), SubmissionError> {
    if procedure.channel(Channel::Online).is_none() {
        return Err(SubmissionError::NotOnline(procedure.code.to_string()));
    }
    let mut counts = vec![0usize; procedure.components.len()];
    for &(index, count) in files {
        let component = procedure
            .components
            .get(index)
            .ok_or(SubmissionError::UnknownComponent(index))?;
        match component.requirement() {
            Requirement::PresentOnly if count > 0 => {
                return Err(SubmissionError::NotUploaded {
                    index,
                    name: component.name.clone(),
                });
            }
            Requirement::Note if count > 0 => {
                return Err(SubmissionError::NotAPaper {
                    index,
                    name: component.name.clone(),
                });
            }
            _ => {}
        }
        counts[index] += count;
        if counts[index] > MAX_FILES_PER_COMPONENT {
            return Err(SubmissionError::TooManyFiles {
                index,
                count: counts[index],
            });
        }
    }
    for (index, component) in procedure.components.iter().enumerate() {
        if component.requirement() == Requirement::Required && counts[index] == 0 {
            return Err(SubmissionError::MissingComponent {
                index,
                name: component.name.clone(),
            });
        }
    }
    Ok(())
}

/// Checks the papers handed in at the counter or by post (`(component
/// index, number of papers)`) against `procedure`: the channel is offered,
/// every paper belongs to the procedure and every required one is there.
pub fn check_paper_receipt(
    procedure: &Procedure,
    channel: Channel,
    papers: &[(usize, u32)],
) -> Result<(), SubmissionError> {
    if procedure.channel(channel).is_none() {
        return Err(SubmissionError::ChannelNotOffered {
            code: procedure.code.to_string(),
            channel,
        });
    }
    let mut counts = vec![0u32; procedure.components.len()];
    for &(index, count) in papers {
        let slot = counts
            .get_mut(index)
            .ok_or(SubmissionError::UnknownComponent(index))?;
        *slot += count;
    }
    for (index, component) in procedure.components.iter().enumerate() {
        if component.requirement() == Requirement::Required && counts[index] == 0 {
            return Err(SubmissionError::MissingComponent {
                index,
                name: component.name.clone(),
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProcedureCode;
    use crate::procedure::{ChannelOption, Fees, ProcedureName};

    fn component(name: &str, case: Option<&str>, originals: u32) -> Component {
        Component {
            code: None,
            name: name.into(),
            case: case.map(Into::into),
            originals: Some(originals),
            copies: Some(0),
            form: None,
            electronic_form: false,
        }
    }

    fn procedure() -> Procedure {
        let mut p = Procedure::new(
            ProcedureCode::parse("1.000419").unwrap(),
            ProcedureName::parse("Đăng ký khai tử").unwrap(),
        );
        p.channels.push(ChannelOption {
            channel: Channel::Online,
            resolution_time: None,
            time_description: None,
            fees: Fees::Free,
            description: None,
        });
        p.components = vec![
            component("Tờ khai", Some("* Giấy tờ phải nộp:"), 1),
            component("Giấy báo tử", None, 1),
            component("Căn cước", Some("* Giấy tờ phải xuất trình:"), 0),
            component("Văn bản ủy quyền", Some("Trường hợp ủy quyền"), 1),
        ];
        p
    }

    #[test]
    fn requirements_follow_the_published_headings() {
        let kinds: Vec<Requirement> = procedure()
            .components
            .iter()
            .map(Component::requirement)
            .collect();
        use Requirement::*;
        assert_eq!(kinds, [Required, Required, PresentOnly, Conditional]);
    }

    #[test]
    fn a_paper_that_names_its_case_is_only_for_that_case() {
        let abandoned = component(
            "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi",
            Some("* Giấy tờ phải nộp:"),
            1,
        );
        assert_eq!(abandoned.requirement(), Requirement::Conditional);
        let shown = component("Đối với người nước ngoài: hộ chiếu", None, 0);
        assert_eq!(shown.requirement(), Requirement::PresentOnly);
    }

    #[test]
    fn guidance_among_the_papers_is_neither_asked_for_nor_taken() {
        let mut note = component(
            "Lưu ý: - Trường hợp giấy tờ chứng minh chỗ ở hợp pháp là văn bản cho thuê thì không bắt buộc công chứng.",
            None,
            0,
        );
        note.originals = None;
        note.copies = None;
        assert_eq!(note.requirement(), Requirement::Note);
        let example = component(
            "* Ví dụ: giấy chứng nhận quyền sử dụng đất",
            Some("* Hồ sơ gồm:"),
            0,
        );
        assert_eq!(example.requirement(), Requirement::Note);
        // Worded as guidance but asking for a paper, it is a paper.
        let paper = component("Lưu ý: bản sao giấy khai sinh của con", None, 1);
        assert_eq!(paper.requirement(), Requirement::Required);

        let mut p = procedure();
        p.components.push(note);
        let last = p.components.len() - 1;
        assert_eq!(
            check_online_submission(&p, &[(0, 1), (1, 1)]),
            Ok(()),
            "a note is never missing"
        );
        assert!(matches!(
            check_online_submission(&p, &[(0, 1), (1, 1), (last, 1)]),
            Err(SubmissionError::NotAPaper { index, .. }) if index == last
        ));
    }

    #[test]
    fn a_complete_dossier_passes_and_gaps_are_named() {
        let p = procedure();
        assert_eq!(check_online_submission(&p, &[(0, 1), (1, 2)]), Ok(()));
        assert_eq!(
            check_online_submission(&p, &[(0, 1), (1, 1), (3, 1)]),
            Ok(())
        );
        assert_eq!(
            check_online_submission(&p, &[(0, 1)]),
            Err(SubmissionError::MissingComponent {
                index: 1,
                name: "Giấy báo tử".into()
            })
        );
        assert_eq!(
            check_online_submission(&p, &[(0, 1), (1, 1), (7, 1)]),
            Err(SubmissionError::UnknownComponent(7))
        );
        assert!(matches!(
            check_online_submission(&p, &[(0, 1), (1, 1), (2, 1)]),
            Err(SubmissionError::NotUploaded { .. })
        ));
        assert!(matches!(
            check_online_submission(&p, &[(0, 6), (0, 5), (1, 1)]),
            Err(SubmissionError::TooManyFiles { .. })
        ));
        let mut counter_only = p.clone();
        counter_only.channels[0].channel = Channel::InPerson;
        assert!(matches!(
            check_online_submission(&counter_only, &[]),
            Err(SubmissionError::NotOnline(_))
        ));
    }

    #[test]
    fn papers_at_the_counter_need_the_channel_and_every_required_paper() {
        let mut p = procedure();
        p.channels[0].channel = Channel::InPerson;
        assert_eq!(
            check_paper_receipt(&p, Channel::InPerson, &[(0, 1), (1, 1), (2, 1)]),
            Ok(())
        );
        assert_eq!(
            check_paper_receipt(&p, Channel::InPerson, &[(0, 1)]),
            Err(SubmissionError::MissingComponent {
                index: 1,
                name: "Giấy báo tử".into()
            })
        );
        assert_eq!(
            check_paper_receipt(&p, Channel::InPerson, &[(0, 1), (1, 1), (9, 1)]),
            Err(SubmissionError::UnknownComponent(9))
        );
        assert!(matches!(
            check_paper_receipt(&p, Channel::Post, &[(0, 1), (1, 1)]),
            Err(SubmissionError::ChannelNotOffered {
                channel: Channel::Post,
                ..
            })
        ));
    }
}
