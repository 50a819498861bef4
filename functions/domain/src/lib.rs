//! The rules every other part of the portal relies on. No I/O, no clock, no
//! async: callers pass in "now", the calendar and the data.

mod applicant;
mod calendar;
mod codes;
mod deadline;
mod lunar;
mod office;
mod personal;
mod petition;
mod procedure;
mod progress;
pub mod public_statistics;
mod question;
mod rating;
mod scorecard;
mod statistics;
mod status;
mod submission;
mod timeliness;

pub use applicant::{Applicant, ApplicantError, Email, IdentityNumber, OwnerType, PhoneNumber};
pub use calendar::{CalendarError, DayKind, FIRST_YEAR, LAST_YEAR, OfficeHours, WorkingCalendar};
pub use codes::{
    AgencyCode, CodeError, DossierCode, MAX_DAILY_SEQUENCE, NationalDossierCode,
    NationalPetitionCode, NationalQuestionId, PETITION_CODE_ALPHABET, PetitionCode, ProcedureCode,
    QuestionCode,
};
pub use deadline::{
    DeadlineClock, DeadlineError, Extension, Pause, ResolutionTime, ResolutionTimeError, TimeUnit,
    appointment,
};
pub use lunar::{LunarDate, lunar_new_year};
pub use office::{
    AgencyProfile, Department, DepartmentId, MAX_ROUTE_STEPS, OfficeError, Official,
    ProcessingRoute, Queue, RouteStep,
};
pub use personal::{MASK, mask_personal_data};
pub use petition::{
    ANSWER_WITHIN, ASK_WITHIN, MAX_PETITION_TEXT, MAX_PETITION_TITLE, Overdue, PUBLISH_WITHIN,
    PetitionAction, PetitionDeadlines, PetitionError, PetitionEvent, PetitionKind,
    PetitionProgress, PetitionStage, PetitionTopic, REFUSE_WITHIN, REOPEN_WINDOW,
};
pub use procedure::{
    CatalogueImport, Channel, ChannelOption, Component, Currency, Fee, FeeKind, Fees, FormTemplate,
    FrontMatterError, ImportIssue, LayThuTuc, Level, Money, NameError, Named, NationalRecordError,
    OnlineLevel, Procedure, ProcedureName, ProcedurePage, Publication, Rejection, RejectionReason,
    ServiceCase, StepGroup, import_catalogue,
};
pub use progress::{Actor, DossierProgress, Event, ProgressError, reception};
pub use question::{
    Asker, DERIVED_TITLE, MAX_ANSWER_TEXT, MAX_ASKER_NAME, MAX_QUESTION_TEXT, MAX_QUESTION_TITLE,
    Question, QuestionAction, QuestionError, QuestionEvent, QuestionOrigin, QuestionProgress,
    QuestionStage, QuestionTopic, title_from,
};
pub use rating::{EDIT_WINDOW, Indicator, MAX_COMMENT, Rating, RatingError, Satisfaction};
pub use scorecard::{
    DossierScoreFacts, GroupScore, IndicatorScore, Measure, PetitionScoreFacts,
    ProcedureScoreFacts, Reconsidered, Scorecard, ScorecardFacts, Share,
};
pub use statistics::{
    CARRY_OVER_MONTHS, DossierFacts, Month, MonthError, MonthlyTally, Outcome, Standing,
};
pub use status::{
    Action, Holder, NationalStatus, Phase, Role, Stage, TransitionError, UnknownRole,
    UnknownStatus, apply, opening, rule,
};
pub use submission::{
    MAX_FILES_PER_COMPONENT, Requirement, ResultDelivery, SubmissionError, check_online_submission,
    check_paper_receipt,
};
pub use timeliness::{Outlook, Timeliness, at_risk_until, evaluate, outlook};
