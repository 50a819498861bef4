//! The dossier's status machine: the ten national statuses (TrangThaiHoSo)
//! and the local steps behind them, with the role allowed to make each move.

use std::fmt;

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

/// A dossier status as exchanged with the national portal (codes 1–10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum NationalStatus {
    NewlyRegistered = 1,
    Received = 2,
    NotReceived = 3,
    Processing = 4,
    SupplementRequested = 5,
    FinancialObligation = 6,
    WithdrawalRequested = 7,
    Stopped = 8,
    Processed = 9,
    Returned = 10,
}

impl NationalStatus {
    pub const ALL: [NationalStatus; 10] = [
        Self::NewlyRegistered,
        Self::Received,
        Self::NotReceived,
        Self::Processing,
        Self::SupplementRequested,
        Self::FinancialObligation,
        Self::WithdrawalRequested,
        Self::Stopped,
        Self::Processed,
        Self::Returned,
    ];

    pub fn code(self) -> u8 {
        self as u8
    }

    pub fn from_code(code: u8) -> Result<Self, UnknownStatus> {
        Self::ALL
            .into_iter()
            .find(|s| s.code() == code)
            .ok_or(UnknownStatus(code))
    }

    /// The status's name on the national portal.
    pub fn label_vi(self) -> &'static str {
        match self {
            Self::NewlyRegistered => "Mới đăng ký",
            Self::Received => "Được tiếp nhận",
            Self::NotReceived => "Không được tiếp nhận",
            Self::Processing => "Đang xử lý",
            Self::SupplementRequested => "Yêu cầu bổ sung giấy tờ",
            Self::FinancialObligation => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Self::WithdrawalRequested => "Công dân yêu cầu rút hồ sơ",
            Self::Stopped => "Dừng xử lý",
            Self::Processed => "Đã xử lý xong",
            Self::Returned => "Đã trả kết quả",
        }
    }

    /// Statuses 3, 7, 8, 9 and 10 end processing.
    pub fn ends_processing(self) -> bool {
        matches!(
            self,
            Self::NotReceived
                | Self::WithdrawalRequested
                | Self::Stopped
                | Self::Processed
                | Self::Returned
        )
    }

    /// Status 5 stops the deadline clock.
    pub fn pauses_clock(self) -> bool {
        self == Self::SupplementRequested
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} is not a dossier status (1–10)")]
pub struct UnknownStatus(pub u8);

impl TryFrom<u8> for NationalStatus {
    type Error = UnknownStatus;
    fn try_from(code: u8) -> Result<Self, Self::Error> {
        Self::from_code(code)
    }
}

impl From<NationalStatus> for u8 {
    fn from(s: NationalStatus) -> u8 {
        s.code()
    }
}

/// Whether a supplement or a payment was asked for at the one-stop desk,
/// before acceptance, or by the processing department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Intake,
    Processing,
}

/// Where a dossier is, in the agency's own terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "stage", content = "phase", rename_all = "snake_case")]
pub enum Stage {
    /// Submitted online, waiting for the one-stop desk.
    Submitted,
    /// Accepted at the one-stop desk (counter, post or online).
    Received,
    /// Refused at intake (Mẫu 03).
    Refused,
    /// Sent to the processing department, not yet taken up.
    AssignedToDepartment,
    /// A specialist is examining it.
    UnderReview,
    /// The specialist's draft result waits for the head's approval.
    AwaitingApproval,
    /// A supplement was requested (Mẫu 02); the clock stands still.
    SupplementRequested(Phase),
    /// Fees or taxes must be paid.
    AwaitingPayment(Phase),
    /// Withdrawn at the applicant's request.
    Withdrawn,
    /// Processing stopped.
    Stopped,
    /// The result is at the return desk.
    ResultReady,
    /// The result was handed over.
    Returned,
}

impl Stage {
    pub const ALL: [Stage; 14] = [
        Stage::Submitted,
        Stage::Received,
        Stage::Refused,
        Stage::AssignedToDepartment,
        Stage::UnderReview,
        Stage::AwaitingApproval,
        Stage::SupplementRequested(Phase::Intake),
        Stage::SupplementRequested(Phase::Processing),
        Stage::AwaitingPayment(Phase::Intake),
        Stage::AwaitingPayment(Phase::Processing),
        Stage::Withdrawn,
        Stage::Stopped,
        Stage::ResultReady,
        Stage::Returned,
    ];

    pub fn national(self) -> NationalStatus {
        match self {
            Stage::Submitted => NationalStatus::NewlyRegistered,
            Stage::Received => NationalStatus::Received,
            Stage::Refused => NationalStatus::NotReceived,
            Stage::AssignedToDepartment | Stage::UnderReview | Stage::AwaitingApproval => {
                NationalStatus::Processing
            }
            Stage::SupplementRequested(_) => NationalStatus::SupplementRequested,
            Stage::AwaitingPayment(_) => NationalStatus::FinancialObligation,
            Stage::Withdrawn => NationalStatus::WithdrawalRequested,
            Stage::Stopped => NationalStatus::Stopped,
            Stage::ResultReady => NationalStatus::Processed,
            Stage::Returned => NationalStatus::Returned,
        }
    }

    /// No move leaves these stages.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            Stage::Refused | Stage::Withdrawn | Stage::Stopped | Stage::Returned
        )
    }

    /// What the applicant reads about this stage.
    pub fn label_vi(self) -> &'static str {
        match self {
            Stage::Submitted => "Đã nộp trực tuyến, chờ bộ phận một cửa tiếp nhận",
            Stage::Received => "Đã được bộ phận một cửa tiếp nhận",
            Stage::Refused => "Không được tiếp nhận",
            Stage::AssignedToDepartment => "Đã chuyển phòng chuyên môn",
            Stage::UnderReview => "Chuyên viên đang xử lý",
            Stage::AwaitingApproval => "Đang chờ lãnh đạo phê duyệt",
            Stage::SupplementRequested(_) => "Cần bổ sung, hoàn thiện hồ sơ",
            Stage::AwaitingPayment(_) => "Cần nộp phí, lệ phí hoặc nghĩa vụ tài chính",
            Stage::Withdrawn => "Đã rút hồ sơ theo yêu cầu",
            Stage::Stopped => "Đã dừng xử lý",
            Stage::ResultReady => "Đã có kết quả, chờ trả",
            Stage::Returned => "Đã trả kết quả",
        }
    }
}

impl fmt::Display for Stage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_vi())
    }
}

/// Who acts on a dossier or on the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The applicant (công dân, tổ chức).
    Citizen,
    /// Officer of the one-stop desk (cán bộ một cửa): receives and returns.
    Desk,
    /// Officer of a processing department (chuyên viên).
    Specialist,
    /// Head of a department (lãnh đạo phòng): assigns within it, approves.
    DepartmentHead,
    /// Head of the agency (lãnh đạo đơn vị): routes, approves and signs.
    AgencyLeader,
    /// Manages the agency's officials, departments and routes; moves no dossier.
    AgencyAdmin,
    /// Manages agencies across the deployment; sees no dossier.
    SystemAdmin,
    /// The system itself: payment gateway confirmations, electronic return.
    System,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Citizen,
        Role::Desk,
        Role::Specialist,
        Role::DepartmentHead,
        Role::AgencyLeader,
        Role::AgencyAdmin,
        Role::SystemAdmin,
        Role::System,
    ];

    /// The roles an account of an agency can be given.
    pub const OFFICIAL: [Role; 6] = [
        Role::Desk,
        Role::Specialist,
        Role::DepartmentHead,
        Role::AgencyLeader,
        Role::AgencyAdmin,
        Role::SystemAdmin,
    ];

    /// Works on the agency's dossiers (reads them, moves them).
    pub fn handles_dossiers(self) -> bool {
        matches!(
            self,
            Role::Desk | Role::Specialist | Role::DepartmentHead | Role::AgencyLeader
        )
    }

    /// Belongs to one department of the agency.
    pub fn needs_department(self) -> bool {
        matches!(self, Role::Specialist | Role::DepartmentHead)
    }

    /// Sees the agency's supervision figures and register.
    pub fn supervises(self) -> bool {
        matches!(self, Role::DepartmentHead | Role::AgencyLeader)
    }

    /// The role's name in tokens, files and URLs (as serde writes it).
    pub fn key(self) -> &'static str {
        match self {
            Role::Citizen => "citizen",
            Role::Desk => "desk",
            Role::Specialist => "specialist",
            Role::DepartmentHead => "department_head",
            Role::AgencyLeader => "agency_leader",
            Role::AgencyAdmin => "agency_admin",
            Role::SystemAdmin => "system_admin",
            Role::System => "system",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Role::Citizen => "Công dân, tổ chức",
            Role::Desk => "Cán bộ một cửa",
            Role::Specialist => "Chuyên viên",
            Role::DepartmentHead => "Lãnh đạo phòng",
            Role::AgencyLeader => "Lãnh đạo đơn vị",
            Role::AgencyAdmin => "Quản trị đơn vị",
            Role::SystemAdmin => "Quản trị hệ thống",
            Role::System => "Hệ thống",
        }
    }
}

impl std::str::FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.key() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "`{0}` is not a role (desk, specialist, department_head, agency_leader, agency_admin, system_admin)"
)]
pub struct UnknownRole(pub String);

/// Whose move a dossier waits for, which is the work queue it is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The one-stop desk: to accept, route, or return.
    Desk,
    /// A department, until its head or a specialist takes the dossier up.
    Department,
    /// The specialist it was assigned to.
    Specialist,
    /// The head of the department that examined it, for approval.
    Approver,
    /// The applicant: a supplement or a payment is awaited.
    Applicant,
}

impl Stage {
    /// Who must act next; `None` once processing has ended at the desk.
    pub fn holder(self) -> Option<Holder> {
        Some(match self {
            Submitted | Received | ResultReady => Holder::Desk,
            AssignedToDepartment => Holder::Department,
            UnderReview => Holder::Specialist,
            AwaitingApproval => Holder::Approver,
            SupplementRequested(_) | AwaitingPayment(_) => Holder::Applicant,
            Refused | Withdrawn | Stopped | Returned => return None,
        })
    }
}

/// Something done to a dossier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// Opens a dossier submitted online.
    SubmitOnline,
    /// Opens a dossier handed in at the counter or by post, accepted at once.
    ReceiveAtDesk,
    Accept,
    RefuseIntake,
    RequestSupplement,
    ProvideSupplement,
    RequestPayment,
    ConfirmPayment,
    /// Hands the dossier to a department (named by the event's `handed_to`).
    AssignDepartment,
    /// Hands the dossier to a specialist of its department (`handed_to`).
    AssignSpecialist,
    StartReview,
    SubmitForApproval,
    SendBack,
    Approve,
    /// Mẫu 04: apology and a new appointment.
    Extend {
        new_due: NaiveDateTime,
    },
    Withdraw,
    Stop,
    ReturnResult,
}

impl Action {
    /// The moves officials make, in the order the back office offers them
    /// (`Extend` stands for any new date).
    pub const OFFERED: [Action; 16] = [
        Action::Accept,
        Action::AssignDepartment,
        Action::AssignSpecialist,
        Action::StartReview,
        Action::SubmitForApproval,
        Action::Approve,
        Action::SendBack,
        Action::RequestSupplement,
        Action::ProvideSupplement,
        Action::RequestPayment,
        Action::ConfirmPayment,
        Action::ReturnResult,
        Action::Extend {
            new_due: NaiveDateTime::MIN,
        },
        Action::RefuseIntake,
        Action::Stop,
        Action::Withdraw,
    ];

    /// The action's name in the API and in URLs (its serde tag).
    pub fn key(self) -> &'static str {
        match self {
            Action::SubmitOnline => "submit_online",
            Action::ReceiveAtDesk => "receive_at_desk",
            Action::Accept => "accept",
            Action::RefuseIntake => "refuse_intake",
            Action::RequestSupplement => "request_supplement",
            Action::ProvideSupplement => "provide_supplement",
            Action::RequestPayment => "request_payment",
            Action::ConfirmPayment => "confirm_payment",
            Action::AssignDepartment => "assign_department",
            Action::AssignSpecialist => "assign_specialist",
            Action::StartReview => "start_review",
            Action::SubmitForApproval => "submit_for_approval",
            Action::SendBack => "send_back",
            Action::Approve => "approve",
            Action::Extend { .. } => "extend",
            Action::Withdraw => "withdraw",
            Action::Stop => "stop",
            Action::ReturnResult => "return_result",
        }
    }

    /// What the official's button says.
    pub fn verb_vi(self) -> &'static str {
        match self {
            Action::Accept => "Tiếp nhận",
            Action::AssignDepartment => "Chuyển phòng xử lý",
            Action::AssignSpecialist => "Phân công chuyên viên",
            Action::StartReview => "Nhận xử lý",
            Action::SubmitForApproval => "Trình phê duyệt",
            Action::Approve => "Phê duyệt",
            Action::SendBack => "Trả lại chuyên viên",
            Action::RequestSupplement => "Yêu cầu bổ sung (Mẫu 02)",
            Action::ProvideSupplement => "Ghi nhận đã bổ sung",
            Action::RequestPayment => "Yêu cầu nộp phí, lệ phí",
            Action::ConfirmPayment => "Xác nhận đã nộp phí",
            Action::ReturnResult => "Trả kết quả",
            Action::Extend { .. } => "Xin lỗi, hẹn lại (Mẫu 04)",
            Action::RefuseIntake => "Từ chối tiếp nhận (Mẫu 03)",
            Action::Stop => "Dừng xử lý",
            Action::Withdraw => "Rút hồ sơ theo yêu cầu",
            other => other.label_vi(),
        }
    }

    /// What the applicant reads in the dossier's history.
    pub fn label_vi(self) -> &'static str {
        match self {
            Action::SubmitOnline => "Nộp hồ sơ trực tuyến",
            Action::ReceiveAtDesk => "Tiếp nhận hồ sơ tại bộ phận một cửa",
            Action::Accept => "Tiếp nhận hồ sơ",
            Action::RefuseIntake => "Từ chối tiếp nhận hồ sơ",
            Action::RequestSupplement => "Yêu cầu bổ sung, hoàn thiện hồ sơ",
            Action::ProvideSupplement => "Bổ sung hồ sơ",
            Action::RequestPayment => "Yêu cầu thực hiện nghĩa vụ tài chính",
            Action::ConfirmPayment => "Xác nhận đã nộp phí, lệ phí",
            Action::AssignDepartment => "Chuyển phòng chuyên môn xử lý",
            Action::AssignSpecialist => "Phân công chuyên viên xử lý",
            Action::StartReview => "Chuyên viên bắt đầu xử lý",
            Action::SubmitForApproval => "Trình lãnh đạo phê duyệt",
            Action::SendBack => "Lãnh đạo trả lại để xử lý tiếp",
            Action::Approve => "Phê duyệt kết quả",
            Action::Extend { .. } => "Xin lỗi và hẹn lại ngày trả kết quả",
            Action::Withdraw => "Rút hồ sơ theo yêu cầu",
            Action::Stop => "Dừng xử lý hồ sơ",
            Action::ReturnResult => "Trả kết quả",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    #[error("`{action:?}` is not possible while the dossier is {from:?}")]
    NotAllowed { from: Stage, action: Action },
    #[error("`{action:?}` on a {from:?} dossier is for {allowed:?}, not {role:?}")]
    WrongRole {
        from: Stage,
        action: Action,
        role: Role,
        allowed: &'static [Role],
    },
    #[error("`{0:?}` does not open a dossier")]
    NotAnOpening(Action),
}

use Role::{AgencyLeader, Citizen, DepartmentHead, Desk, Specialist, System};
use Stage::*;

/// The applicant, or the desk recording what the applicant brought or asked.
const APPLICANT: &[Role] = &[Citizen, Desk];
const DESK: &[Role] = &[Desk];
const SPECIALIST: &[Role] = &[Specialist];
const LEADERS: &[Role] = &[DepartmentHead, AgencyLeader];
const ROUTING: &[Role] = &[Desk, DepartmentHead, AgencyLeader];
/// Mẫu 04 is the specialist's, or a leader's on the specialist's behalf.
const APOLOGY: &[Role] = &[Specialist, DepartmentHead, AgencyLeader];
const PAYMENT: &[Role] = &[Desk, System];
const RETURN: &[Role] = &[Desk, System];

/// The stage a dossier starts in, and who may open it that way.
pub fn opening(action: Action, role: Role) -> Result<Stage, TransitionError> {
    let (stage, allowed): (Stage, &'static [Role]) = match action {
        Action::SubmitOnline => (Submitted, &[Citizen]),
        Action::ReceiveAtDesk => (Received, DESK),
        other => return Err(TransitionError::NotAnOpening(other)),
    };
    check_role(Submitted, action, role, allowed)?;
    Ok(stage)
}

/// The one table of moves: where `action` takes a dossier at `from`, and who may do it.
pub fn rule(from: Stage, action: Action) -> Option<(Stage, &'static [Role])> {
    let open_before_result = matches!(
        from,
        Submitted
            | Received
            | AssignedToDepartment
            | UnderReview
            | AwaitingApproval
            | SupplementRequested(_)
            | AwaitingPayment(_)
    );
    let in_processing = matches!(
        from,
        Received
            | AssignedToDepartment
            | UnderReview
            | AwaitingApproval
            | SupplementRequested(Phase::Processing)
            | AwaitingPayment(Phase::Processing)
    );
    Some(match (from, action) {
        (Submitted, Action::Accept) => (Received, DESK),
        (Submitted | SupplementRequested(Phase::Intake), Action::RefuseIntake) => (Refused, DESK),
        (Submitted, Action::RequestSupplement) => (SupplementRequested(Phase::Intake), DESK),
        (UnderReview, Action::RequestSupplement) => {
            (SupplementRequested(Phase::Processing), SPECIALIST)
        }
        (SupplementRequested(Phase::Intake), Action::ProvideSupplement) => (Submitted, APPLICANT),
        (SupplementRequested(Phase::Processing), Action::ProvideSupplement) => {
            (UnderReview, APPLICANT)
        }
        (Submitted, Action::RequestPayment) => (AwaitingPayment(Phase::Intake), DESK),
        (UnderReview, Action::RequestPayment) => (AwaitingPayment(Phase::Processing), SPECIALIST),
        (AwaitingPayment(Phase::Intake), Action::ConfirmPayment) => (Submitted, PAYMENT),
        (AwaitingPayment(Phase::Processing), Action::ConfirmPayment) => (UnderReview, PAYMENT),
        (Received, Action::AssignDepartment) => (AssignedToDepartment, ROUTING),
        // Re-routing, or the next department of the route once a step is approved.
        (AssignedToDepartment | UnderReview | AwaitingApproval, Action::AssignDepartment) => {
            (AssignedToDepartment, LEADERS)
        }
        (AssignedToDepartment | UnderReview, Action::AssignSpecialist) => {
            (AssignedToDepartment, LEADERS)
        }
        (AssignedToDepartment, Action::StartReview) => (UnderReview, SPECIALIST),
        (UnderReview, Action::SubmitForApproval) => (AwaitingApproval, SPECIALIST),
        (AwaitingApproval, Action::SendBack) => (UnderReview, LEADERS),
        (AwaitingApproval, Action::Approve) => (ResultReady, LEADERS),
        (
            Received
            | AssignedToDepartment
            | UnderReview
            | AwaitingApproval
            | AwaitingPayment(Phase::Processing),
            Action::Extend { .. },
        ) => (from, APOLOGY),
        (_, Action::Withdraw) if open_before_result => (Withdrawn, APPLICANT),
        (_, Action::Stop) if in_processing => (Stopped, LEADERS),
        (ResultReady, Action::ReturnResult) => (Returned, RETURN),
        _ => return None,
    })
}

/// Applies `action`, done by `role`, to a dossier at `from`.
pub fn apply(from: Stage, action: Action, role: Role) -> Result<Stage, TransitionError> {
    let (to, allowed) = rule(from, action).ok_or(TransitionError::NotAllowed { from, action })?;
    check_role(from, action, role, allowed)?;
    Ok(to)
}

fn check_role(
    from: Stage,
    action: Action,
    role: Role,
    allowed: &'static [Role],
) -> Result<(), TransitionError> {
    if allowed.contains(&role) {
        Ok(())
    } else {
        Err(TransitionError::WrongRole {
            from,
            action,
            role,
            allowed,
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::{BTreeSet, HashSet, VecDeque};

    pub(crate) fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(all_actions())
    }

    fn all_actions() -> Vec<Action> {
        let due = chrono::NaiveDate::from_ymd_opt(2026, 12, 31)
            .unwrap()
            .and_hms_opt(17, 0, 0)
            .unwrap();
        vec![
            Action::SubmitOnline,
            Action::ReceiveAtDesk,
            Action::Accept,
            Action::RefuseIntake,
            Action::RequestSupplement,
            Action::ProvideSupplement,
            Action::RequestPayment,
            Action::ConfirmPayment,
            Action::AssignDepartment,
            Action::AssignSpecialist,
            Action::StartReview,
            Action::SubmitForApproval,
            Action::SendBack,
            Action::Approve,
            Action::Extend { new_due: due },
            Action::Withdraw,
            Action::Stop,
            Action::ReturnResult,
        ]
    }

    #[test]
    fn the_usual_online_journey_reports_the_national_statuses_in_order() {
        let steps = [
            (Action::Accept, Desk),
            (Action::AssignDepartment, Desk),
            (Action::StartReview, Specialist),
            (Action::SubmitForApproval, Specialist),
            (Action::Approve, AgencyLeader),
            (Action::ReturnResult, Desk),
        ];
        let mut stage = opening(Action::SubmitOnline, Citizen).unwrap();
        let mut statuses = vec![stage.national().code()];
        for (action, role) in steps {
            stage = apply(stage, action, role).unwrap();
            statuses.push(stage.national().code());
        }
        assert_eq!(statuses, [1, 2, 4, 4, 4, 9, 10]);
    }

    #[test]
    fn a_supplement_returns_the_dossier_to_where_it_was_asked_for() {
        let at_desk = apply(Submitted, Action::RequestSupplement, Desk).unwrap();
        assert_eq!(
            apply(at_desk, Action::ProvideSupplement, Citizen),
            Ok(Submitted)
        );
        let in_review = apply(UnderReview, Action::RequestSupplement, Specialist).unwrap();
        assert_eq!(in_review.national(), NationalStatus::SupplementRequested);
        assert_eq!(
            apply(in_review, Action::ProvideSupplement, Desk),
            Ok(UnderReview)
        );
    }

    #[test]
    fn wrong_moves_and_wrong_roles_are_refused() {
        assert_eq!(
            apply(Submitted, Action::Approve, AgencyLeader),
            Err(TransitionError::NotAllowed {
                from: Submitted,
                action: Action::Approve
            })
        );
        assert!(matches!(
            apply(AwaitingApproval, Action::Approve, Specialist),
            Err(TransitionError::WrongRole {
                role: Specialist,
                ..
            })
        ));
        assert!(matches!(
            apply(ResultReady, Action::Withdraw, Citizen),
            Err(TransitionError::NotAllowed { .. })
        ));
        assert!(matches!(
            opening(Action::ReceiveAtDesk, Citizen),
            Err(TransitionError::WrongRole { .. })
        ));
        assert_eq!(
            opening(Action::Accept, Desk),
            Err(TransitionError::NotAnOpening(Action::Accept))
        );
    }

    #[test]
    fn action_keys_are_their_serde_tags() {
        for action in all_actions() {
            let json = serde_json::to_value(action).unwrap();
            assert_eq!(json["action"], action.key());
        }
    }

    #[test]
    fn role_keys_are_their_serde_names_and_parse_back() {
        for role in Role::ALL {
            assert_eq!(
                serde_json::to_string(&role).unwrap(),
                format!("\"{}\"", role.key())
            );
            assert_eq!(role.key().parse::<Role>(), Ok(role));
        }
        assert!("leader".parse::<Role>().is_err());
    }

    #[test]
    fn every_open_stage_waits_on_someone_and_final_stages_on_no_one() {
        for stage in Stage::ALL {
            assert_eq!(stage.holder().is_none(), stage.is_final(), "{stage:?}");
        }
        assert_eq!(AwaitingApproval.holder(), Some(Holder::Approver));
        assert_eq!(ResultReady.holder(), Some(Holder::Desk));
        assert_eq!(
            SupplementRequested(Phase::Processing).holder(),
            Some(Holder::Applicant)
        );
    }

    #[test]
    fn national_codes_round_trip_and_unknown_codes_are_errors() {
        for status in NationalStatus::ALL {
            assert_eq!(NationalStatus::from_code(status.code()), Ok(status));
        }
        assert_eq!(NationalStatus::from_code(11), Err(UnknownStatus(11)));
        assert_eq!(
            serde_json::to_string(&NationalStatus::Processed).unwrap(),
            "9"
        );
    }

    #[test]
    fn every_stage_is_reachable_and_final_stages_have_no_way_out() {
        let mut seen: HashSet<Stage> = HashSet::new();
        let mut queue: VecDeque<Stage> = [Submitted, Received].into();
        let actions = all_actions();
        while let Some(stage) = queue.pop_front() {
            if !seen.insert(stage) {
                continue;
            }
            for &action in &actions {
                if let Some((to, roles)) = rule(stage, action) {
                    assert!(!stage.is_final(), "{stage:?} --{action:?}--> {to:?}");
                    assert!(!roles.is_empty());
                    queue.push_back(to);
                }
            }
        }
        assert_eq!(seen.len(), Stage::ALL.len());
        let national: BTreeSet<u8> = seen.iter().map(|s| s.national().code()).collect();
        assert_eq!(national, (1..=10).collect());
    }

    proptest! {
        /// Whatever anyone tries, the dossier only ever moves along the rules:
        /// nothing leaves a final stage, a result is only returned once ready, a
        /// result only becomes ready by the head's approval, and the applicant
        /// can only submit, supplement and withdraw.
        #[test]
        fn no_sequence_of_attempts_reaches_a_forbidden_state(
            online in any::<bool>(),
            attempts in proptest::collection::vec((any_action(), proptest::sample::select(Role::ALL.to_vec())), 0..60),
        ) {
            let mut stage = if online { opening(Action::SubmitOnline, Citizen).unwrap() } else { opening(Action::ReceiveAtDesk, Desk).unwrap() };
            for (action, role) in attempts {
                match apply(stage, action, role) {
                    Ok(to) => {
                        prop_assert!(!stage.is_final());
                        if to == Returned { prop_assert_eq!(stage, ResultReady); }
                        if to == ResultReady && stage != ResultReady {
                            prop_assert_eq!((stage, action), (AwaitingApproval, Action::Approve));
                            prop_assert!(matches!(role, DepartmentHead | AgencyLeader));
                        }
                        prop_assert!(role == System || role == Citizen || role.handles_dossiers());
                        if role == Citizen {
                            prop_assert!(matches!(action, Action::ProvideSupplement | Action::Withdraw));
                        }
                        if let SupplementRequested(_) = to {
                            prop_assert_eq!(action, Action::RequestSupplement);
                        }
                        prop_assert!((1..=10).contains(&to.national().code()));
                        stage = to;
                    }
                    Err(_) => prop_assert!(rule(stage, action).is_none_or(|(_, roles)| !roles.contains(&role))),
                }
            }
        }
    }
}
