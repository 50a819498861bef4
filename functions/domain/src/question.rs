//! Questions to an agency and their answers (hỏi đáp; TT 22/2019 Appendix
//! III, function 11): a citizen asks about a procedure or about the agency
//! in general, here or on the national portal (DVCQG, which hands the
//! agency its questions by their `HOIDAPID`); an official answers, and the
//! answer may be published on the site for everyone, or the question
//! declined with a reason.
//!
//! A question's life: asked → answered → published, or declined. An answer
//! may be corrected until it is published; a published answer may be
//! withdrawn from the site (and then corrected and published again).
//! Withdrawing an answer never published keeps it off the site for good
//! unless an official publishes it later.
//!
//! **No answer-by date.** No instrument this project holds sets a time for
//! answering questions: TT 22/2019 names the function, not a deadline, and
//! the QĐ 766 times (`petition`) are those of feedback and petitions. So a
//! question has no due date; the agency's list is in the order questions
//! were asked.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::applicant::{ApplicantError, Email, PhoneNumber};
use crate::codes::{NationalQuestionId, ProcedureCode};

/// Longest title, question and reason (declining, withdrawing), and
/// answer, in characters. An answer may quote the law at length.
pub const MAX_QUESTION_TITLE: usize = 200;
pub const MAX_QUESTION_TEXT: usize = 5000;
pub const MAX_ANSWER_TEXT: usize = 10_000;
/// Longest asker's name, in characters.
pub const MAX_ASKER_NAME: usize = 200;
/// A title made from a question's text (questions from the national portal
/// carry none) is cut at a word boundary before this many characters.
pub const DERIVED_TITLE: usize = 120;

/// What a question is about: a procedure, or the agency in general.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionTopic {
    Procedure { code: ProcedureCode },
    Agency,
}

impl QuestionTopic {
    pub fn label_vi(&self) -> &'static str {
        match self {
            QuestionTopic::Procedure { .. } => "Thủ tục hành chính",
            QuestionTopic::Agency => "Cơ quan, đơn vị",
        }
    }

    pub fn procedure(&self) -> Option<&ProcedureCode> {
        match self {
            QuestionTopic::Procedure { code } => Some(code),
            QuestionTopic::Agency => None,
        }
    }
}

/// Where a question was asked: on this portal, or on the national portal,
/// which knows it by its id and is sent the answer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum QuestionOrigin {
    Local,
    National { id: NationalQuestionId },
}

impl QuestionOrigin {
    pub fn label_vi(&self) -> &'static str {
        match self {
            QuestionOrigin::Local => "Cổng dịch vụ công của đơn vị",
            QuestionOrigin::National { .. } => "Cổng Dịch vụ công quốc gia",
        }
    }
}

/// Who asked, and how to reach them. Nothing of it is ever published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asker {
    pub name: String,
    #[serde(default)]
    pub email: Option<Email>,
    #[serde(default)]
    pub phone: Option<PhoneNumber>,
}

impl Asker {
    /// The asker as our form gives them: a name, and an e-mail address or a
    /// phone number to answer to — unless they asked `signed_in`, and the
    /// account is where they read the answer.
    pub fn parse(
        name: &str,
        email: Option<&str>,
        phone: Option<&str>,
        signed_in: bool,
    ) -> Result<Self, QuestionError> {
        let name = name.trim();
        if name.is_empty() {
            return Err(QuestionError::NameMissing);
        }
        if name.chars().count() > MAX_ASKER_NAME {
            return Err(QuestionError::NameTooLong);
        }
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let email = given(email)
            .map(Email::parse)
            .transpose()
            .map_err(QuestionError::Email)?;
        let phone = given(phone)
            .map(PhoneNumber::parse)
            .transpose()
            .map_err(QuestionError::Phone)?;
        if email.is_none() && phone.is_none() && !signed_in {
            return Err(QuestionError::NoContact);
        }
        Ok(Asker {
            name: name.to_owned(),
            email,
            phone,
        })
    }

    /// The asker as the national portal names them. The portal answers
    /// them itself, so a contact it holds that does not read as one here is
    /// left out rather than refused, and a missing name says where they asked.
    pub fn from_portal(name: &str, email: &str, phone: &str) -> Self {
        let name: String = name.trim().chars().take(MAX_ASKER_NAME).collect();
        Asker {
            name: if name.is_empty() {
                "Người hỏi trên Cổng Dịch vụ công quốc gia".to_owned()
            } else {
                name
            },
            email: Email::parse(email.trim()).ok(),
            phone: PhoneNumber::parse(phone.trim()).ok(),
        }
    }
}

/// A question as asked: what it is about, its title and text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub about: QuestionTopic,
    pub title: String,
    pub text: String,
}

impl Question {
    /// Checks the title and the text (trimmed, neither empty, within the caps).
    pub fn new(about: QuestionTopic, title: &str, text: &str) -> Result<Self, QuestionError> {
        let (title, text) = (title.trim(), text.trim());
        if title.is_empty() {
            return Err(QuestionError::TitleMissing);
        }
        if title.chars().count() > MAX_QUESTION_TITLE {
            return Err(QuestionError::TitleTooLong);
        }
        if text.is_empty() {
            return Err(QuestionError::TextMissing);
        }
        if text.chars().count() > MAX_QUESTION_TEXT {
            return Err(QuestionError::TextTooLong);
        }
        Ok(Question {
            about,
            title: title.to_owned(),
            text: text.to_owned(),
        })
    }

    /// A question that came with a text only (the national portal's): its
    /// title is the text's first sentence, cut at a word boundary before
    /// [`DERIVED_TITLE`] characters.
    pub fn untitled(about: QuestionTopic, text: &str) -> Result<Self, QuestionError> {
        Self::new(about, &title_from(text), text)
    }
}

/// The first sentence of `text` (up to `?`, `.`, `!` or a line break,
/// which a question mark keeps), shortened at a word boundary with "…".
pub fn title_from(text: &str) -> String {
    let text = text.trim();
    let end = text
        .char_indices()
        .find(|(_, c)| matches!(c, '?' | '.' | '!' | '\n'))
        .map_or(text.len(), |(i, c)| if c == '?' { i + 1 } else { i });
    let sentence = text[..end].split_whitespace().collect::<Vec<_>>().join(" ");
    if sentence.chars().count() <= DERIVED_TITLE {
        return sentence;
    }
    let mut title = String::new();
    for word in sentence.split(' ') {
        if title.chars().count() + word.chars().count() + 2 > DERIVED_TITLE {
            break;
        }
        if !title.is_empty() {
            title.push(' ');
        }
        title.push_str(word);
    }
    if title.is_empty() {
        // One word longer than the cap.
        title = sentence.chars().take(DERIVED_TITLE - 1).collect();
    }
    title.push('…');
    title
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStage {
    /// With the agency, to answer or decline.
    Asked,
    /// Answered; the answer may still be corrected before it is published.
    Answered,
    /// The answer is on the site.
    Published,
    /// The agency will not answer it (with the reason).
    Declined,
    /// Answered, and kept off the site (taken down, or never put up).
    Withdrawn,
}

impl QuestionStage {
    pub fn label_vi(self) -> &'static str {
        match self {
            QuestionStage::Asked => "Chờ trả lời",
            QuestionStage::Answered => "Đã trả lời",
            QuestionStage::Published => "Đã trả lời và công khai",
            QuestionStage::Declined => "Từ chối trả lời",
            QuestionStage::Withdrawn => "Đã trả lời, không công khai",
        }
    }

    /// Whether an answer exists (the asker may read it).
    pub fn is_answered(self) -> bool {
        matches!(
            self,
            QuestionStage::Answered | QuestionStage::Published | QuestionStage::Withdrawn
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionAction {
    /// Answers, or corrects the answer not yet published.
    Answer,
    /// Puts the answer on the site.
    Publish,
    /// Will not answer, with the reason.
    Decline,
    /// Keeps the answer off the site, with the reason.
    Withdraw,
}

impl QuestionAction {
    pub const ALL: [QuestionAction; 4] = [
        QuestionAction::Answer,
        QuestionAction::Publish,
        QuestionAction::Decline,
        QuestionAction::Withdraw,
    ];

    pub fn label_vi(self) -> &'static str {
        match self {
            QuestionAction::Answer => "Trả lời",
            QuestionAction::Publish => "Công khai câu trả lời",
            QuestionAction::Decline => "Từ chối trả lời",
            QuestionAction::Withdraw => "Gỡ câu trả lời khỏi cổng",
        }
    }

    /// The longest text the action takes, and whether it needs one.
    fn text(self) -> Option<usize> {
        match self {
            QuestionAction::Answer => Some(MAX_ANSWER_TEXT),
            QuestionAction::Decline | QuestionAction::Withdraw => Some(MAX_QUESTION_TEXT),
            QuestionAction::Publish => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionEvent {
    /// 1 for the question itself, then consecutive.
    pub seq: u32,
    pub at: NaiveDateTime,
    /// `None` for the question itself.
    pub action: Option<QuestionAction>,
    pub to: QuestionStage,
    /// The answer, or the reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("the question has no title")]
    TitleMissing,
    #[error("a title is at most {MAX_QUESTION_TITLE} characters")]
    TitleTooLong,
    #[error("the question has no text")]
    TextMissing,
    #[error("a question is at most {MAX_QUESTION_TEXT} characters")]
    TextTooLong,
    #[error("the asker's name is missing")]
    NameMissing,
    #[error("a name is at most {MAX_ASKER_NAME} characters")]
    NameTooLong,
    #[error("an e-mail address or a phone number is needed to answer an asker not signed in")]
    NoContact,
    #[error("e-mail: {0}")]
    Email(ApplicantError),
    #[error("phone: {0}")]
    Phone(ApplicantError),
    #[error("`{action:?}` is not possible while the question is {stage:?}")]
    NotNow {
        stage: QuestionStage,
        action: QuestionAction,
    },
    #[error("{0:?} needs a text (the answer or the reason)")]
    NoteNeeded(QuestionAction),
    #[error("{action:?}: a text is at most {max} characters")]
    NoteTooLong { action: QuestionAction, max: usize },
    #[error("an event at {at} comes before the last one ({last})")]
    OutOfOrder {
        at: NaiveDateTime,
        last: NaiveDateTime,
    },
    #[error("a question's history starts with the question itself")]
    BadHistory,
}

/// A question's history and where it stands, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionProgress {
    events: Vec<QuestionEvent>,
    stage: QuestionStage,
}

impl QuestionProgress {
    /// A question asked at `at`.
    pub fn open(at: NaiveDateTime) -> Self {
        QuestionProgress {
            events: vec![QuestionEvent {
                seq: 1,
                at,
                action: None,
                to: QuestionStage::Asked,
                note: None,
            }],
            stage: QuestionStage::Asked,
        }
    }

    /// Rebuilds a stored history, checking every step again.
    pub fn replay(events: &[QuestionEvent]) -> Result<Self, QuestionError> {
        let (first, rest) = events.split_first().ok_or(QuestionError::BadHistory)?;
        if first.action.is_some() {
            return Err(QuestionError::BadHistory);
        }
        let mut progress = Self::open(first.at);
        for e in rest {
            let action = e.action.ok_or(QuestionError::BadHistory)?;
            progress.act(action, e.at, e.note.clone())?;
        }
        Ok(progress)
    }

    pub fn events(&self) -> &[QuestionEvent] {
        &self.events
    }

    pub fn stage(&self) -> QuestionStage {
        self.stage
    }

    pub fn asked_at(&self) -> NaiveDateTime {
        self.events[0].at
    }

    fn last(&self, action: QuestionAction) -> Option<&QuestionEvent> {
        self.events.iter().rev().find(|e| e.action == Some(action))
    }

    /// The answer as it stands (the latest, corrections included), once answered.
    pub fn answer(&self) -> Option<&QuestionEvent> {
        self.stage
            .is_answered()
            .then(|| self.last(QuestionAction::Answer))
            .flatten()
    }

    /// When the answer went on the site, while it is there.
    pub fn published_at(&self) -> Option<NaiveDateTime> {
        (self.stage == QuestionStage::Published)
            .then(|| self.last(QuestionAction::Publish).map(|e| e.at))
            .flatten()
    }

    /// Why the agency would not answer, if it declined.
    pub fn decline_reason(&self) -> Option<&str> {
        (self.stage == QuestionStage::Declined)
            .then(|| self.last(QuestionAction::Decline)?.note.as_deref())
            .flatten()
    }

    /// Whether event `seq` corrected an earlier answer.
    pub fn corrects(&self, seq: u32) -> bool {
        let Some(i) = self.events.iter().position(|e| e.seq == seq) else {
            return false;
        };
        self.events[i].action == Some(QuestionAction::Answer)
            && self.events[..i]
                .iter()
                .any(|e| e.action == Some(QuestionAction::Answer))
    }

    /// Whether `action` is possible now (with a text, where it needs one).
    pub fn allows(&self, action: QuestionAction) -> bool {
        self.next(action).is_ok()
    }

    fn next(&self, action: QuestionAction) -> Result<QuestionStage, QuestionError> {
        use QuestionAction as A;
        use QuestionStage as S;
        match (self.stage, action) {
            (S::Asked | S::Answered | S::Withdrawn, A::Answer) => Ok(S::Answered),
            (S::Answered | S::Withdrawn, A::Publish) => Ok(S::Published),
            (S::Asked, A::Decline) => Ok(S::Declined),
            (S::Answered | S::Published, A::Withdraw) => Ok(S::Withdrawn),
            (stage, action) => Err(QuestionError::NotNow { stage, action }),
        }
    }

    /// Moves the question by `action` at `at`; `note` is the answer or the
    /// reason (trimmed; blank is none).
    pub fn act(
        &mut self,
        action: QuestionAction,
        at: NaiveDateTime,
        note: Option<String>,
    ) -> Result<&QuestionEvent, QuestionError> {
        let last = self.events.last().expect("opened").at;
        if at < last {
            return Err(QuestionError::OutOfOrder { at, last });
        }
        let to = self.next(action)?;
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        let note = match (action.text(), note) {
            (Some(_), None) => return Err(QuestionError::NoteNeeded(action)),
            (Some(max), Some(n)) if n.chars().count() > max => {
                return Err(QuestionError::NoteTooLong { action, max });
            }
            // Publishing takes no text: a note given is not kept.
            (None, _) => None,
            (Some(_), note) => note,
        };
        self.stage = to;
        self.events.push(QuestionEvent {
            seq: self.events.len() as u32 + 1,
            at,
            action: Some(action),
            to,
            note,
        });
        Ok(self.events.last().expect("just pushed"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use proptest::prelude::*;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn text(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    fn procedure() -> QuestionTopic {
        QuestionTopic::Procedure {
            code: ProcedureCode::parse("1.001193").unwrap(),
        }
    }

    #[test]
    fn asked_answered_corrected_and_published() {
        let mut q = QuestionProgress::open(at(1, 9));
        assert_eq!(q.stage(), QuestionStage::Asked);
        assert!(q.answer().is_none());
        q.act(QuestionAction::Answer, at(2, 9), text("  Được.  "))
            .unwrap();
        assert_eq!(q.answer().unwrap().note.as_deref(), Some("Được."));
        // Corrected before publication: the latest answer stands.
        q.act(
            QuestionAction::Answer,
            at(2, 10),
            text("Được, tại UBND xã."),
        )
        .unwrap();
        assert!(q.corrects(3) && !q.corrects(2));
        assert_eq!(q.answer().unwrap().seq, 3);
        assert_eq!(q.published_at(), None);
        q.act(QuestionAction::Publish, at(3, 9), text("ignored"))
            .unwrap();
        assert_eq!(q.stage(), QuestionStage::Published);
        assert_eq!(q.published_at(), Some(at(3, 9)));
        assert_eq!(q.events().last().unwrap().note, None);
        // A published answer is not corrected in place.
        assert_eq!(
            q.act(QuestionAction::Answer, at(3, 10), text("Sửa")),
            Err(QuestionError::NotNow {
                stage: QuestionStage::Published,
                action: QuestionAction::Answer
            })
        );
        assert_eq!(QuestionProgress::replay(q.events()).unwrap(), q);
    }

    #[test]
    fn a_published_answer_is_withdrawn_then_corrected_and_published_again() {
        let mut q = QuestionProgress::open(at(1, 9));
        q.act(QuestionAction::Answer, at(2, 9), text("Trả lời"))
            .unwrap();
        q.act(QuestionAction::Publish, at(2, 10), None).unwrap();
        assert_eq!(
            q.act(QuestionAction::Withdraw, at(3, 9), None),
            Err(QuestionError::NoteNeeded(QuestionAction::Withdraw))
        );
        q.act(
            QuestionAction::Withdraw,
            at(3, 9),
            text("Văn bản đã hết hiệu lực"),
        )
        .unwrap();
        assert_eq!(q.stage(), QuestionStage::Withdrawn);
        assert_eq!(q.published_at(), None, "off the site");
        assert_eq!(q.answer().unwrap().note.as_deref(), Some("Trả lời"));
        q.act(QuestionAction::Answer, at(4, 9), text("Theo văn bản mới"))
            .unwrap();
        assert_eq!(q.stage(), QuestionStage::Answered);
        q.act(QuestionAction::Publish, at(4, 10), None).unwrap();
        assert_eq!(q.published_at(), Some(at(4, 10)));
    }

    #[test]
    fn a_declined_question_says_why_and_takes_no_answer() {
        let mut q = QuestionProgress::open(at(1, 9));
        assert!(!q.allows(QuestionAction::Publish));
        assert!(!q.allows(QuestionAction::Withdraw));
        assert_eq!(
            q.act(QuestionAction::Decline, at(1, 10), text("   ")),
            Err(QuestionError::NoteNeeded(QuestionAction::Decline))
        );
        q.act(
            QuestionAction::Decline,
            at(1, 10),
            text("Không thuộc thẩm quyền"),
        )
        .unwrap();
        assert_eq!(q.decline_reason(), Some("Không thuộc thẩm quyền"));
        for action in QuestionAction::ALL {
            assert!(!q.allows(action), "{action:?} after declining");
        }
        let mut answered = QuestionProgress::open(at(1, 9));
        answered
            .act(QuestionAction::Answer, at(1, 10), text("x"))
            .unwrap();
        assert!(!answered.allows(QuestionAction::Decline));
    }

    #[test]
    fn texts_are_capped_and_time_runs_forward() {
        let mut q = QuestionProgress::open(at(2, 9));
        let long = "ả".repeat(MAX_ANSWER_TEXT + 1);
        assert_eq!(
            q.act(QuestionAction::Answer, at(2, 10), Some(long)),
            Err(QuestionError::NoteTooLong {
                action: QuestionAction::Answer,
                max: MAX_ANSWER_TEXT
            })
        );
        assert!(matches!(
            q.act(QuestionAction::Answer, at(1, 10), text("x")),
            Err(QuestionError::OutOfOrder { .. })
        ));
        q.act(
            QuestionAction::Answer,
            at(2, 10),
            Some("ả".repeat(MAX_ANSWER_TEXT)),
        )
        .unwrap();
        let reason = "a".repeat(MAX_QUESTION_TEXT + 1);
        assert!(matches!(
            q.act(QuestionAction::Withdraw, at(2, 11), Some(reason)),
            Err(QuestionError::NoteTooLong { .. })
        ));
    }

    #[test]
    fn a_history_must_start_with_the_question() {
        assert_eq!(
            QuestionProgress::replay(&[]),
            Err(QuestionError::BadHistory)
        );
        let mut q = QuestionProgress::open(at(1, 9));
        q.act(QuestionAction::Answer, at(1, 10), text("x")).unwrap();
        assert_eq!(
            QuestionProgress::replay(&q.events()[1..]),
            Err(QuestionError::BadHistory)
        );
        let mut tampered = q.events().to_vec();
        tampered[1].note = None;
        assert_eq!(
            QuestionProgress::replay(&tampered),
            Err(QuestionError::NoteNeeded(QuestionAction::Answer))
        );
    }

    #[test]
    fn questions_are_checked_and_titled() {
        let q = Question::new(procedure(), "  Khai sinh  ", " Ở đâu? ").unwrap();
        assert_eq!((q.title.as_str(), q.text.as_str()), ("Khai sinh", "Ở đâu?"));
        assert_eq!(
            Question::new(procedure(), "", "x"),
            Err(QuestionError::TitleMissing)
        );
        assert_eq!(
            Question::new(procedure(), &"T".repeat(201), "x"),
            Err(QuestionError::TitleTooLong)
        );
        assert_eq!(
            Question::new(QuestionTopic::Agency, "T", "\n "),
            Err(QuestionError::TextMissing)
        );
        assert_eq!(
            Question::new(QuestionTopic::Agency, "T", &"n".repeat(5001)),
            Err(QuestionError::TextTooLong)
        );
        let from_portal = Question::untitled(
            QuestionTopic::Agency,
            "Tôi có thể đăng ký khai tử cho người thân ở xã khác không? Xin cảm ơn.",
        )
        .unwrap();
        assert_eq!(
            from_portal.title,
            "Tôi có thể đăng ký khai tử cho người thân ở xã khác không?"
        );
    }

    #[test]
    fn derived_titles_stop_at_a_word_before_the_cap() {
        assert_eq!(title_from("Xin hỏi.\nThủ tục"), "Xin hỏi");
        let long = "Tôi ".repeat(60);
        let title = title_from(&long);
        assert!(title.ends_with("Tôi…"), "{title}");
        assert!(title.chars().count() <= DERIVED_TITLE);
        let word = "a".repeat(300);
        assert_eq!(title_from(&word).chars().count(), DERIVED_TITLE);
    }

    #[test]
    fn an_asker_is_answered_by_mail_phone_or_account() {
        let a = Asker::parse(" Lê Thị Hoa ", Some("hoa@example.vn"), Some(" "), false).unwrap();
        assert_eq!(a.name, "Lê Thị Hoa");
        assert!(a.phone.is_none() && a.email.is_some());
        assert!(Asker::parse("Hoa", None, Some("0987654321"), false).is_ok());
        assert_eq!(
            Asker::parse("Hoa", None, None, false),
            Err(QuestionError::NoContact)
        );
        assert!(Asker::parse("Hoa", None, None, true).is_ok());
        assert!(matches!(
            Asker::parse("Hoa", Some("khong-phai"), None, true),
            Err(QuestionError::Email(_))
        ));
        assert!(matches!(
            Asker::parse("Hoa", None, Some("12"), false),
            Err(QuestionError::Phone(_))
        ));
        assert_eq!(
            Asker::parse(" ", None, None, true),
            Err(QuestionError::NameMissing)
        );
        let portal = Asker::from_portal("", "hoa@", "0987654321");
        assert!(portal.name.contains("Cổng Dịch vụ công quốc gia"));
        assert_eq!((portal.email, portal.phone.is_some()), (None, true));
    }

    #[test]
    fn topics_and_origins_are_tagged_by_kind() {
        let json = serde_json::to_value(procedure()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "procedure", "code": "1.001193"})
        );
        let origin = QuestionOrigin::National {
            id: NationalQuestionId::parse("7781").unwrap(),
        };
        let json = serde_json::to_value(&origin).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "national", "id": "7781"}));
        assert_eq!(
            serde_json::from_value::<QuestionOrigin>(json).unwrap(),
            origin
        );
        assert!(
            serde_json::from_str::<QuestionOrigin>(r#"{"kind":"national","id":"7 7"}"#).is_err()
        );
    }

    fn action() -> impl Strategy<Value = (QuestionAction, bool)> {
        (
            prop::sample::select(QuestionAction::ALL.to_vec()),
            any::<bool>(),
        )
    }

    proptest! {
        /// Any run of moves, the refused ones left out, replays to itself;
        /// the answer exists exactly when the stage says so, and a
        /// published answer is never anything but the latest one given.
        #[test]
        fn any_history_replays_and_keeps_its_invariants(moves in prop::collection::vec(action(), 0..20)) {
            let mut q = QuestionProgress::open(at(1, 8));
            for (i, (action, with_text)) in moves.into_iter().enumerate() {
                let when = at(1, 8) + chrono::Duration::minutes(i as i64 + 1);
                let note = with_text.then(|| format!("văn bản {i}"));
                let before = q.clone();
                if q.act(action, when, note).is_err() {
                    prop_assert_eq!(&q, &before, "a refused move changes nothing");
                }
                prop_assert_eq!(q.answer().is_some(), q.stage().is_answered());
                prop_assert_eq!(q.published_at().is_some(), q.stage() == QuestionStage::Published);
            }
            prop_assert_eq!(QuestionProgress::replay(q.events()).unwrap(), q);
        }
    }
}
