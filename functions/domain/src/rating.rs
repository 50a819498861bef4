//! The applicant's rating of how a dossier was handled (TT 01/2018/TT-VPCP):
//! nine indicators, each answered Rất hài lòng (2 points), Hài lòng (1) or
//! Không hài lòng (0), with a comment. A dossier is rated once, after its
//! result is returned, and the rating may be changed for `EDIT_WINDOW`
//! after it was first given.

use chrono::{Duration, NaiveDateTime};
use serde::{Deserialize, Serialize};

use crate::status::Stage;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Satisfaction {
    VerySatisfied,
    Satisfied,
    Dissatisfied,
}

impl Satisfaction {
    pub const ALL: [Satisfaction; 3] = [
        Satisfaction::VerySatisfied,
        Satisfaction::Satisfied,
        Satisfaction::Dissatisfied,
    ];

    pub fn points(self) -> u8 {
        match self {
            Satisfaction::VerySatisfied => 2,
            Satisfaction::Satisfied => 1,
            Satisfaction::Dissatisfied => 0,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Satisfaction::VerySatisfied => "Rất hài lòng",
            Satisfaction::Satisfied => "Hài lòng",
            Satisfaction::Dissatisfied => "Không hài lòng",
        }
    }
}

/// The nine indicators, in the order of the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    TotalTime,
    TimePerAgency,
    Contacts,
    AgenciesContacted,
    DeskPractice,
    Publicity,
    StaffAttitude,
    FeedbackHandling,
    OnlineService,
}

impl Indicator {
    pub const ALL: [Indicator; 9] = [
        Indicator::TotalTime,
        Indicator::TimePerAgency,
        Indicator::Contacts,
        Indicator::AgenciesContacted,
        Indicator::DeskPractice,
        Indicator::Publicity,
        Indicator::StaffAttitude,
        Indicator::FeedbackHandling,
        Indicator::OnlineService,
    ];

    /// The question as the form asks it.
    pub fn question_vi(self) -> &'static str {
        match self {
            Indicator::TotalTime => "Thời gian giải quyết so với quy định",
            Indicator::TimePerAgency => "Thời gian giải quyết tại từng cơ quan",
            Indicator::Contacts => "Số lần phải liên hệ để hoàn thiện hồ sơ",
            Indicator::AgenciesContacted => "Số cơ quan phải liên hệ",
            Indicator::DeskPractice => "Việc tiếp nhận, trả kết quả tại bộ phận một cửa",
            Indicator::Publicity => "Việc công khai thủ tục hành chính",
            Indicator::StaffAttitude => "Thái độ của cán bộ, công chức",
            Indicator::FeedbackHandling => "Việc tiếp nhận, xử lý phản ánh, kiến nghị",
            Indicator::OnlineService => "Chất lượng dịch vụ công trực tuyến",
        }
    }
}

/// How long after it was first given a rating may still be changed.
pub const EDIT_WINDOW: Duration = Duration::hours(72);
/// The longest comment kept.
pub const MAX_COMMENT: usize = 2000;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RatingError {
    #[error("a dossier may be rated once its result is returned")]
    NotYet,
    #[error("indicator {0:?} has no answer")]
    Missing(Indicator),
    #[error("indicator {0:?} is answered twice")]
    Twice(Indicator),
    #[error("the comment is longer than {MAX_COMMENT} characters")]
    CommentTooLong,
    #[error("the rating can no longer be changed (it was given at {0})")]
    Closed(NaiveDateTime),
}

/// A complete, checked rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rating {
    answers: Vec<(Indicator, Satisfaction)>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    comment: Option<String>,
    /// When it was first given (the edit window runs from here).
    given_at: NaiveDateTime,
}

impl Rating {
    /// A first rating of a dossier now at `stage`.
    pub fn give(
        stage: Stage,
        answers: &[(Indicator, Satisfaction)],
        comment: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<Self, RatingError> {
        if stage != Stage::Returned {
            return Err(RatingError::NotYet);
        }
        Self::checked(answers, comment, at)
    }

    /// The same rating, answered again at `at`, within the edit window.
    pub fn change(
        &self,
        answers: &[(Indicator, Satisfaction)],
        comment: Option<&str>,
        at: NaiveDateTime,
    ) -> Result<Self, RatingError> {
        if !self.may_change(at) {
            return Err(RatingError::Closed(self.given_at));
        }
        Self::checked(answers, comment, self.given_at)
    }

    fn checked(
        answers: &[(Indicator, Satisfaction)],
        comment: Option<&str>,
        given_at: NaiveDateTime,
    ) -> Result<Self, RatingError> {
        let mut ordered = Vec::with_capacity(Indicator::ALL.len());
        for indicator in Indicator::ALL {
            let mut found = answers.iter().filter(|(i, _)| *i == indicator);
            let (_, answer) = found.next().ok_or(RatingError::Missing(indicator))?;
            if found.next().is_some() {
                return Err(RatingError::Twice(indicator));
            }
            ordered.push((indicator, *answer));
        }
        let comment = comment.map(str::trim).filter(|c| !c.is_empty());
        if comment.is_some_and(|c| c.chars().count() > MAX_COMMENT) {
            return Err(RatingError::CommentTooLong);
        }
        Ok(Rating {
            answers: ordered,
            comment: comment.map(str::to_owned),
            given_at,
        })
    }

    pub fn may_change(&self, now: NaiveDateTime) -> bool {
        now <= self.given_at + EDIT_WINDOW
    }

    pub fn answers(&self) -> &[(Indicator, Satisfaction)] {
        &self.answers
    }

    pub fn answer(&self, indicator: Indicator) -> Satisfaction {
        self.answers
            .iter()
            .find(|(i, _)| *i == indicator)
            .map(|(_, s)| *s)
            .expect("every indicator is answered")
    }

    pub fn comment(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    pub fn given_at(&self) -> NaiveDateTime {
        self.given_at
    }

    /// 0 to 18.
    pub fn points(&self) -> u8 {
        self.answers.iter().map(|(_, s)| s.points()).sum()
    }

    /// The rating as one answer (QĐ 766 5.4 counts a dossier its applicant
    /// was not satisfied with): not satisfied if any indicator is, very
    /// satisfied if most are, satisfied otherwise.
    pub fn overall(&self) -> Satisfaction {
        let count = |s| self.answers.iter().filter(|(_, a)| *a == s).count();
        if count(Satisfaction::Dissatisfied) > 0 {
            Satisfaction::Dissatisfied
        } else if count(Satisfaction::VerySatisfied) * 2 > self.answers.len() {
            Satisfaction::VerySatisfied
        } else {
            Satisfaction::Satisfied
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    fn all(s: Satisfaction) -> Vec<(Indicator, Satisfaction)> {
        Indicator::ALL.iter().map(|i| (*i, s)).collect()
    }

    #[test]
    fn a_returned_dossier_is_rated_on_every_indicator() {
        let r = Rating::give(
            Stage::Returned,
            &all(Satisfaction::VerySatisfied),
            Some(" Tốt "),
            at(1, 9),
        )
        .unwrap();
        assert_eq!((r.points(), r.comment()), (18, Some("Tốt")));
        assert_eq!(r.overall(), Satisfaction::VerySatisfied);
        assert_eq!(
            Rating::give(
                Stage::UnderReview,
                &all(Satisfaction::Satisfied),
                None,
                at(1, 9)
            ),
            Err(RatingError::NotYet)
        );
        let mut partial = all(Satisfaction::Satisfied);
        partial.pop();
        assert_eq!(
            Rating::give(Stage::Returned, &partial, None, at(1, 9)),
            Err(RatingError::Missing(Indicator::OnlineService))
        );
        let mut doubled = all(Satisfaction::Satisfied);
        doubled.push((Indicator::Contacts, Satisfaction::Dissatisfied));
        assert_eq!(
            Rating::give(Stage::Returned, &doubled, None, at(1, 9)),
            Err(RatingError::Twice(Indicator::Contacts))
        );
        let long = "x".repeat(MAX_COMMENT + 1);
        assert_eq!(
            Rating::give(
                Stage::Returned,
                &all(Satisfaction::Satisfied),
                Some(&long),
                at(1, 9)
            ),
            Err(RatingError::CommentTooLong)
        );
    }

    #[test]
    fn one_dissatisfied_answer_makes_the_dossier_a_dissatisfied_one() {
        let mut answers = all(Satisfaction::VerySatisfied);
        answers[6].1 = Satisfaction::Dissatisfied;
        let r = Rating::give(Stage::Returned, &answers, None, at(1, 9)).unwrap();
        assert_eq!((r.points(), r.overall()), (16, Satisfaction::Dissatisfied));
        let mut mixed = all(Satisfaction::Satisfied);
        for a in mixed.iter_mut().take(4) {
            a.1 = Satisfaction::VerySatisfied;
        }
        let r = Rating::give(Stage::Returned, &mixed, None, at(1, 9)).unwrap();
        assert_eq!((r.points(), r.overall()), (13, Satisfaction::Satisfied));
    }

    #[test]
    fn a_rating_may_be_changed_for_three_days() {
        let first = Rating::give(
            Stage::Returned,
            &all(Satisfaction::Dissatisfied),
            None,
            at(1, 9),
        )
        .unwrap();
        let changed = first
            .change(
                &all(Satisfaction::Satisfied),
                Some("Đã được giải thích"),
                at(4, 9),
            )
            .unwrap();
        assert_eq!((changed.points(), changed.given_at()), (9, at(1, 9)));
        assert_eq!(
            changed.change(&all(Satisfaction::VerySatisfied), None, at(4, 10)),
            Err(RatingError::Closed(at(1, 9)))
        );
    }
}
