//! Feedback and petitions (phản ánh, kiến nghị — PAKN) and their deadlines,
//! as the QĐ 766 formulas count them (`shared/docs/domain.md` §6): the
//! agency may refuse one within 2 working days of receipt, ask the citizen
//! for more information within 5, and must answer within 15 — the time the
//! citizen takes to send the information does not count. An answer the
//! citizen agreed to publish goes on the site within 2 working days.
//!
//! "Handled" is not "solved": a citizen not satisfied with the answer may
//! ask, within `REOPEN_WINDOW` working days, for the petition to be looked
//! at again; it is then received anew, with its own 15 days.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::codes::{DossierCode, ProcedureCode};
use crate::deadline::{DeadlineClock, DeadlineError, ResolutionTime, TimeUnit};

/// Phản ánh (something went wrong) or kiến nghị (something should change).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionKind {
    Feedback,
    Recommendation,
}

impl PetitionKind {
    pub fn label_vi(self) -> &'static str {
        match self {
            PetitionKind::Feedback => "Phản ánh",
            PetitionKind::Recommendation => "Kiến nghị",
        }
    }
}

/// What a petition is about: a procedure, one dossier, or the agency
/// itself (its staff, its premises, how it works).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PetitionTopic {
    Procedure { code: ProcedureCode },
    Dossier { code: DossierCode },
    Agency,
}

impl PetitionTopic {
    pub fn label_vi(&self) -> &'static str {
        match self {
            PetitionTopic::Procedure { .. } => "Thủ tục hành chính",
            PetitionTopic::Dossier { .. } => "Hồ sơ",
            PetitionTopic::Agency => "Cơ quan, đơn vị",
        }
    }
}

/// Longest title, and longest text (the content, a reason, a question,
/// an answer), in characters: enough for a letter, not for a file's worth
/// of text, which belongs in an attachment.
pub const MAX_PETITION_TITLE: usize = 200;
pub const MAX_PETITION_TEXT: usize = 5000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionStage {
    /// With the agency, to refuse, ask about or answer.
    Received,
    /// Waiting for the citizen's information; the answer clock stands still.
    InfoRequested,
    Refused,
    Answered,
}

impl PetitionStage {
    pub fn label_vi(self) -> &'static str {
        match self {
            PetitionStage::Received => "Đang xử lý",
            PetitionStage::InfoRequested => "Chờ người gửi bổ sung thông tin",
            PetitionStage::Refused => "Từ chối tiếp nhận",
            PetitionStage::Answered => "Đã trả lời",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PetitionAction {
    /// The agency will not handle it (out of its remit, abusive, a duplicate).
    Refuse,
    RequestInfo,
    /// The citizen sends what was asked.
    ProvideInfo,
    Answer,
    /// The answer goes on the site (the citizen agreed to it).
    Publish,
    /// The citizen is not satisfied with the answer.
    Reopen,
}

impl PetitionAction {
    pub fn label_vi(self) -> &'static str {
        match self {
            PetitionAction::Refuse => "Từ chối tiếp nhận",
            PetitionAction::RequestInfo => "Đề nghị bổ sung thông tin",
            PetitionAction::ProvideInfo => "Bổ sung thông tin",
            PetitionAction::Answer => "Trả lời",
            PetitionAction::Publish => "Công khai câu trả lời",
            PetitionAction::Reopen => "Đề nghị xem xét lại",
        }
    }

    /// Whose move it is: the citizen's, or the agency's.
    pub fn by_citizen(self) -> bool {
        matches!(self, PetitionAction::ProvideInfo | PetitionAction::Reopen)
    }
}

/// Working days allowed for each step.
pub const REFUSE_WITHIN: u32 = 2;
pub const ASK_WITHIN: u32 = 5;
pub const ANSWER_WITHIN: u32 = 15;
pub const PUBLISH_WITHIN: u32 = 2;
/// Working days after an answer in which the citizen may ask to reopen.
pub const REOPEN_WINDOW: u32 = 10;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PetitionEvent {
    /// 1 for the receipt, then consecutive.
    pub seq: u32,
    pub at: NaiveDateTime,
    /// `None` for the receipt.
    pub action: Option<PetitionAction>,
    pub to: PetitionStage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PetitionError {
    #[error("`{action:?}` is not possible while the petition is {stage:?}")]
    NotNow {
        stage: PetitionStage,
        action: PetitionAction,
    },
    #[error("more information may be asked for only within {ASK_WITHIN} working days of receipt")]
    TooLateToAsk,
    #[error("the citizen did not agree to publish the answer")]
    NoConsent,
    #[error("the answer is already published")]
    AlreadyPublished,
    #[error("a petition may be reopened only within {REOPEN_WINDOW} working days of its answer")]
    TooLateToReopen,
    #[error("{0:?} needs a text (the reason, the question or the answer)")]
    TextNeeded(PetitionAction),
    #[error("a text is at most {MAX_PETITION_TEXT} characters")]
    TextTooLong,
    #[error("an event at {at} comes before the last one ({last})")]
    OutOfOrder {
        at: NaiveDateTime,
        last: NaiveDateTime,
    },
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
}

/// When each step is due, for the petition as it stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PetitionDeadlines {
    pub refuse_by: NaiveDateTime,
    pub ask_by: NaiveDateTime,
    /// The answer's due time (the clock stands still while information is awaited).
    pub answer_by: NaiveDateTime,
    /// Set once an answer the citizen agreed to publish exists.
    pub publish_by: Option<NaiveDateTime>,
    /// Set once answered: until when the citizen may ask to reopen.
    pub reopen_until: Option<NaiveDateTime>,
}

/// A step the agency has let pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Overdue {
    Answer,
    Publication,
}

/// A petition's history and where it stands, rebuilt from its events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PetitionProgress {
    events: Vec<PetitionEvent>,
    stage: PetitionStage,
    /// The current round's answer clock (a reopening starts a new round).
    clock: DeadlineClock,
    /// When the current round began (receipt, or the reopening).
    round_started: NaiveDateTime,
    publish_consent: bool,
    published: bool,
    rounds: u32,
}

fn working_days(n: u32) -> ResolutionTime {
    ResolutionTime::whole(n, TimeUnit::WorkingDays).expect("a whole number of days")
}

impl PetitionProgress {
    /// A petition received at `at`; `publish_consent` is the citizen's
    /// answer to "may the answer be published on the site?".
    pub fn open(at: NaiveDateTime, publish_consent: bool) -> Self {
        PetitionProgress {
            events: vec![PetitionEvent {
                seq: 1,
                at,
                action: None,
                to: PetitionStage::Received,
                note: None,
            }],
            stage: PetitionStage::Received,
            clock: DeadlineClock::start(at, working_days(ANSWER_WITHIN)),
            round_started: at,
            publish_consent,
            published: false,
            rounds: 1,
        }
    }

    /// Rebuilds a stored history, checking every step again.
    pub fn replay(
        calendar: &WorkingCalendar,
        publish_consent: bool,
        events: &[PetitionEvent],
    ) -> Result<Self, PetitionError> {
        let (first, rest) = events.split_first().ok_or(PetitionError::NotNow {
            stage: PetitionStage::Received,
            action: PetitionAction::Answer,
        })?;
        let mut progress = Self::open(first.at, publish_consent);
        for e in rest {
            let action = e.action.ok_or(PetitionError::NotNow {
                stage: progress.stage,
                action: PetitionAction::Answer,
            })?;
            progress.act(calendar, action, e.at, e.note.clone())?;
        }
        Ok(progress)
    }

    pub fn events(&self) -> &[PetitionEvent] {
        &self.events
    }

    pub fn stage(&self) -> PetitionStage {
        self.stage
    }

    pub fn is_published(&self) -> bool {
        self.published
    }

    /// How many times it was received: 1, plus one per reopening.
    pub fn rounds(&self) -> u32 {
        self.rounds
    }

    /// The answer that stands: the current round's, once it is answered.
    pub fn answer(&self) -> Option<&PetitionEvent> {
        self.last_answer()
            .filter(|_| self.stage == PetitionStage::Answered)
    }

    fn last_answer(&self) -> Option<&PetitionEvent> {
        self.events
            .iter()
            .rev()
            .find(|e| e.action == Some(PetitionAction::Answer))
    }

    /// Moves the petition by `action` at `at`.
    pub fn act(
        &mut self,
        calendar: &WorkingCalendar,
        action: PetitionAction,
        at: NaiveDateTime,
        note: Option<String>,
    ) -> Result<&PetitionEvent, PetitionError> {
        use PetitionAction as A;
        use PetitionStage as S;
        let last = self.events.last().expect("opened").at;
        if at < last {
            return Err(PetitionError::OutOfOrder { at, last });
        }
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if matches!(action, A::Refuse | A::RequestInfo | A::Answer | A::Reopen) && note.is_none() {
            return Err(PetitionError::TextNeeded(action));
        }
        if note
            .as_ref()
            .is_some_and(|n| n.chars().count() > MAX_PETITION_TEXT)
        {
            return Err(PetitionError::TextTooLong);
        }
        let deadlines = self.deadlines(calendar, at)?;
        let to = match (self.stage, action) {
            (S::Received | S::InfoRequested, A::Refuse) => S::Refused,
            (S::Received, A::RequestInfo) => {
                if at > deadlines.ask_by {
                    return Err(PetitionError::TooLateToAsk);
                }
                self.clock.pause(at)?;
                S::InfoRequested
            }
            (S::InfoRequested, A::ProvideInfo) => {
                self.clock.resume(at)?;
                S::Received
            }
            (S::Received, A::Answer) => S::Answered,
            (S::Answered, A::Publish) => {
                if !self.publish_consent {
                    return Err(PetitionError::NoConsent);
                }
                if self.published {
                    return Err(PetitionError::AlreadyPublished);
                }
                self.published = true;
                S::Answered
            }
            (S::Answered, A::Reopen) => {
                if deadlines.reopen_until.is_some_and(|until| at > until) {
                    return Err(PetitionError::TooLateToReopen);
                }
                self.clock = DeadlineClock::start(at, working_days(ANSWER_WITHIN));
                self.round_started = at;
                self.rounds += 1;
                self.published = false;
                S::Received
            }
            (stage, action) => return Err(PetitionError::NotNow { stage, action }),
        };
        self.stage = to;
        self.events.push(PetitionEvent {
            seq: self.events.len() as u32 + 1,
            at,
            action: Some(action),
            to,
            note,
        });
        Ok(self.events.last().expect("just pushed"))
    }

    /// The deadlines of the current round, as they stand at `now`.
    pub fn deadlines(
        &self,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<PetitionDeadlines, PetitionError> {
        let due =
            |n: u32| DeadlineClock::start(self.round_started, working_days(n)).due(calendar, now);
        let answered = self
            .last_answer()
            .filter(|_| self.stage == PetitionStage::Answered)
            .map(|e| e.at);
        let after_answer = |n: u32| -> Result<Option<NaiveDateTime>, DeadlineError> {
            answered
                .map(|at| DeadlineClock::start(at, working_days(n)).due(calendar, now))
                .transpose()
        };
        Ok(PetitionDeadlines {
            refuse_by: due(REFUSE_WITHIN)?,
            ask_by: due(ASK_WITHIN)?,
            answer_by: self.clock.due(calendar, now)?,
            publish_by: if self.publish_consent {
                after_answer(PUBLISH_WITHIN)?
            } else {
                None
            },
            reopen_until: after_answer(REOPEN_WINDOW)?,
        })
    }

    /// The steps due by `now` and not taken: the back office's warnings.
    pub fn overdue(
        &self,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<Vec<Overdue>, PetitionError> {
        let d = self.deadlines(calendar, now)?;
        let mut late = Vec::new();
        if self.stage == PetitionStage::Received && now > d.answer_by {
            late.push(Overdue::Answer);
        }
        if d.publish_by.is_some_and(|by| now > by) && !self.published {
            late.push(Overdue::Publication);
        }
        Ok(late)
    }

    /// Whether the current round was answered (or refused) in time (QĐ 766
    /// 5.2); `None` while it is still open.
    pub fn handled_on_time(
        &self,
        calendar: &WorkingCalendar,
    ) -> Result<Option<bool>, PetitionError> {
        let last = self.events.last().expect("opened");
        let end = match self.stage {
            PetitionStage::Answered => self.last_answer().map(|e| e.at),
            PetitionStage::Refused => Some(last.at),
            _ => None,
        };
        let Some(end) = end else { return Ok(None) };
        let d = self.deadlines(calendar, end)?;
        let by = if self.stage == PetitionStage::Refused {
            d.refuse_by
        } else {
            d.answer_by
        };
        Ok(Some(end <= by))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(m: u32, d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, m, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn calendar() -> WorkingCalendar {
        WorkingCalendar::vietnam()
    }

    fn text(s: &str) -> Option<String> {
        Some(s.to_owned())
    }

    #[test]
    fn deadlines_count_working_days_from_receipt() {
        // Monday 01/06/2026 09:00.
        let p = PetitionProgress::open(at(6, 1, 9), true);
        let d = p.deadlines(&calendar(), at(6, 1, 9)).unwrap();
        assert_eq!(
            d.refuse_by.date(),
            NaiveDate::from_ymd_opt(2026, 6, 3).unwrap()
        );
        assert_eq!(
            d.ask_by.date(),
            NaiveDate::from_ymd_opt(2026, 6, 8).unwrap()
        );
        // 15 working days: three weeks on.
        assert_eq!(
            d.answer_by.date(),
            NaiveDate::from_ymd_opt(2026, 6, 22).unwrap()
        );
        assert_eq!((d.publish_by, d.reopen_until), (None, None));
    }

    #[test]
    fn waiting_for_the_citizen_does_not_count() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), false);
        let before = p.deadlines(&c, at(6, 1, 9)).unwrap().answer_by;
        p.act(
            &c,
            PetitionAction::RequestInfo,
            at(6, 2, 9),
            text("Số hồ sơ?"),
        )
        .unwrap();
        // A week waiting: the answer is due a week later.
        p.act(&c, PetitionAction::ProvideInfo, at(6, 9, 9), None)
            .unwrap();
        let after = p.deadlines(&c, at(6, 9, 9)).unwrap().answer_by;
        assert_eq!(after.date(), NaiveDate::from_ymd_opt(2026, 6, 29).unwrap());
        assert!(after > before);
        p.act(&c, PetitionAction::Answer, at(6, 26, 9), text("Đã xử lý"))
            .unwrap();
        assert_eq!(p.handled_on_time(&c).unwrap(), Some(true));
    }

    #[test]
    fn asking_late_is_refused_and_answering_late_is_overdue() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), false);
        assert_eq!(
            p.act(&c, PetitionAction::RequestInfo, at(6, 10, 9), text("?")),
            Err(PetitionError::TooLateToAsk)
        );
        assert!(p.overdue(&c, at(6, 22, 9)).unwrap().is_empty());
        assert_eq!(p.overdue(&c, at(6, 23, 9)).unwrap(), [Overdue::Answer]);
        p.act(&c, PetitionAction::Answer, at(6, 24, 9), text("Trả lời"))
            .unwrap();
        assert_eq!(p.handled_on_time(&c).unwrap(), Some(false));
        assert!(p.overdue(&c, at(6, 25, 9)).unwrap().is_empty());
    }

    #[test]
    fn texts_are_capped() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), false);
        let long = "a".repeat(MAX_PETITION_TEXT + 1);
        assert_eq!(
            p.act(&c, PetitionAction::Answer, at(6, 2, 9), Some(long)),
            Err(PetitionError::TextTooLong)
        );
        let longest = "ả".repeat(MAX_PETITION_TEXT);
        p.act(&c, PetitionAction::Answer, at(6, 2, 9), Some(longest))
            .unwrap();
    }

    #[test]
    fn topics_are_tagged_by_kind() {
        let topic = PetitionTopic::Procedure {
            code: ProcedureCode::parse("1.001193").unwrap(),
        };
        let json = serde_json::to_value(&topic).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "procedure", "code": "1.001193"})
        );
        let agency: PetitionTopic = serde_json::from_str(r#"{"kind":"agency"}"#).unwrap();
        assert_eq!(agency, PetitionTopic::Agency);
        assert!(serde_json::from_str::<PetitionTopic>(r#"{"kind":"dossier","code":"x"}"#).is_err());
    }

    #[test]
    fn a_refusal_needs_a_reason_and_ends_it() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), false);
        assert_eq!(
            p.act(&c, PetitionAction::Refuse, at(6, 2, 9), Some("  ".into())),
            Err(PetitionError::TextNeeded(PetitionAction::Refuse))
        );
        p.act(
            &c,
            PetitionAction::Refuse,
            at(6, 2, 9),
            text("Không thuộc thẩm quyền"),
        )
        .unwrap();
        assert_eq!(p.stage(), PetitionStage::Refused);
        assert_eq!(p.handled_on_time(&c).unwrap(), Some(true));
        assert!(matches!(
            p.act(&c, PetitionAction::Answer, at(6, 3, 9), text("x")),
            Err(PetitionError::NotNow { .. })
        ));
    }

    #[test]
    fn a_consented_answer_is_published_within_two_days_or_warned_about() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), true);
        p.act(&c, PetitionAction::Answer, at(6, 5, 9), text("Trả lời"))
            .unwrap();
        let d = p.deadlines(&c, at(6, 5, 9)).unwrap();
        assert_eq!(
            d.publish_by.unwrap().date(),
            NaiveDate::from_ymd_opt(2026, 6, 9).unwrap()
        );
        assert_eq!(p.overdue(&c, at(6, 10, 9)).unwrap(), [Overdue::Publication]);
        p.act(&c, PetitionAction::Publish, at(6, 10, 9), None)
            .unwrap();
        assert!(p.is_published());
        assert_eq!(
            p.act(&c, PetitionAction::Publish, at(6, 10, 10), None),
            Err(PetitionError::AlreadyPublished)
        );
        let mut private = PetitionProgress::open(at(6, 1, 9), false);
        private
            .act(&c, PetitionAction::Answer, at(6, 5, 9), text("Trả lời"))
            .unwrap();
        assert_eq!(
            private.act(&c, PetitionAction::Publish, at(6, 5, 10), None),
            Err(PetitionError::NoConsent)
        );
    }

    #[test]
    fn an_unsatisfied_citizen_reopens_it_for_a_new_round() {
        let c = calendar();
        let mut p = PetitionProgress::open(at(6, 1, 9), false);
        p.act(&c, PetitionAction::Answer, at(6, 5, 9), text("Trả lời"))
            .unwrap();
        p.act(
            &c,
            PetitionAction::Reopen,
            at(6, 8, 9),
            text("Chưa giải quyết được"),
        )
        .unwrap();
        assert_eq!((p.stage(), p.rounds()), (PetitionStage::Received, 2));
        let d = p.deadlines(&c, at(6, 8, 9)).unwrap();
        assert_eq!(
            d.answer_by.date(),
            NaiveDate::from_ymd_opt(2026, 6, 29).unwrap()
        );
        p.act(
            &c,
            PetitionAction::Answer,
            at(6, 12, 9),
            text("Đã xử lý lại"),
        )
        .unwrap();
        // Too late to reopen a second time, three weeks on.
        assert_eq!(
            p.act(&c, PetitionAction::Reopen, at(7, 6, 9), text("Vẫn chưa")),
            Err(PetitionError::TooLateToReopen)
        );
        let again = PetitionProgress::replay(&c, false, p.events()).unwrap();
        assert_eq!(again, p);
    }
}
