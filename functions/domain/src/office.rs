//! How an agency is organised for processing dossiers: its departments, each
//! procedure's processing route, its officials and what each may see and do.
//! Onboarding an agency is data of these types, never code.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::AgencyCode;
use crate::deadline::{ResolutionTime, TimeUnit};
use crate::status::{Action, Holder, Role, Stage, rule};

/// Why an organisation record was refused; messages name the field.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OfficeError {
    #[error(
        "department id `{0}` must be 1–40 lowercase letters, digits or hyphens, starting with a letter"
    )]
    BadDepartmentId(String),
    #[error("a name must be 1–200 characters")]
    BadName,
    #[error("a route needs at least one step")]
    EmptyRoute,
    #[error("a route has at most {MAX_ROUTE_STEPS} steps")]
    LongRoute,
    #[error("department `{0}` appears twice in the route")]
    RepeatedStep(String),
    #[error("step {0}: the time must be in working days or working hours, more than zero")]
    BadStepTime(usize),
    #[error("an official needs at least one role")]
    NoRole,
    #[error("`{0:?}` is not a role an official can hold")]
    NotAnOfficialRole(Role),
    #[error("the role `{0}` needs a department")]
    DepartmentRequired(&'static str),
    #[error("the agency's calendar: {0}")]
    BadCalendar(String),
}

/// A department of an agency, by a short stable id such as `phong-ho-tich`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DepartmentId(String);

impl DepartmentId {
    pub fn parse(raw: &str) -> Result<Self, OfficeError> {
        let ok = (1..=40).contains(&raw.len())
            && raw.starts_with(|c: char| c.is_ascii_lowercase())
            && raw
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if ok {
            Ok(Self(raw.to_owned()))
        } else {
            Err(OfficeError::BadDepartmentId(raw.to_owned()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for DepartmentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for DepartmentId {
    type Error = OfficeError;
    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<DepartmentId> for String {
    fn from(id: DepartmentId) -> String {
        id.0
    }
}

fn check_name(name: &str) -> Result<String, OfficeError> {
    let name = name.trim();
    if (1..=200).contains(&name.chars().count()) {
        Ok(name.to_owned())
    } else {
        Err(OfficeError::BadName)
    }
}

/// A department (phòng chuyên môn) of an agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DepartmentWire")]
pub struct Department {
    pub id: DepartmentId,
    pub name: String,
}

#[derive(Deserialize)]
struct DepartmentWire {
    id: DepartmentId,
    name: String,
}

impl TryFrom<DepartmentWire> for Department {
    type Error = OfficeError;
    fn try_from(w: DepartmentWire) -> Result<Self, Self::Error> {
        Ok(Self {
            id: w.id,
            name: check_name(&w.name)?,
        })
    }
}

pub const MAX_ROUTE_STEPS: usize = 10;

/// One step of a processing route: the department and the time it has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteStep {
    pub department: DepartmentId,
    pub time: ResolutionTime,
}

/// Which departments process a procedure's dossiers, in which order, with
/// how much of the resolution time each (quy trình nội bộ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "Vec<RouteStep>", into = "Vec<RouteStep>")]
pub struct ProcessingRoute {
    steps: Vec<RouteStep>,
}

impl ProcessingRoute {
    pub fn new(steps: Vec<RouteStep>) -> Result<Self, OfficeError> {
        if steps.is_empty() {
            return Err(OfficeError::EmptyRoute);
        }
        if steps.len() > MAX_ROUTE_STEPS {
            return Err(OfficeError::LongRoute);
        }
        let mut seen = BTreeSet::new();
        for (i, step) in steps.iter().enumerate() {
            if !seen.insert(&step.department) {
                return Err(OfficeError::RepeatedStep(step.department.to_string()));
            }
            let unit_ok = matches!(
                step.time.unit(),
                TimeUnit::WorkingDays | TimeUnit::WorkingHours
            );
            if !unit_ok || step.time.hundredths() == 0 {
                return Err(OfficeError::BadStepTime(i + 1));
            }
        }
        Ok(Self { steps })
    }

    pub fn steps(&self) -> &[RouteStep] {
        &self.steps
    }

    pub fn first(&self) -> &RouteStep {
        &self.steps[0]
    }

    /// The step after `department`'s, if the route goes on.
    pub fn next_after(&self, department: &str) -> Option<&RouteStep> {
        let at = self
            .steps
            .iter()
            .position(|s| s.department.as_str() == department)?;
        self.steps.get(at + 1)
    }

    /// Total working days of the route's steps (hours at 8 a day), in hundredths.
    pub fn total_working_day_hundredths(&self) -> u32 {
        self.steps
            .iter()
            .map(|s| match s.time.unit() {
                TimeUnit::WorkingHours => s.time.hundredths().div_ceil(8),
                _ => s.time.hundredths(),
            })
            .sum()
    }
}

impl TryFrom<Vec<RouteStep>> for ProcessingRoute {
    type Error = OfficeError;
    fn try_from(steps: Vec<RouteStep>) -> Result<Self, Self::Error> {
        Self::new(steps)
    }
}

impl From<ProcessingRoute> for Vec<RouteStep> {
    fn from(route: ProcessingRoute) -> Self {
        route.steps
    }
}

/// An official's account: who, in which agency and department, with which roles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "OfficialWire")]
pub struct Official {
    /// The identity provider's subject for this person.
    pub subject: String,
    pub name: String,
    pub agency: AgencyCode,
    pub department: Option<DepartmentId>,
    pub roles: BTreeSet<Role>,
    /// A disabled account signs in to nothing; its history stays.
    pub active: bool,
}

#[derive(Deserialize)]
struct OfficialWire {
    subject: String,
    name: String,
    agency: AgencyCode,
    #[serde(default)]
    department: Option<DepartmentId>,
    roles: BTreeSet<Role>,
    #[serde(default = "yes")]
    active: bool,
}

fn yes() -> bool {
    true
}

impl TryFrom<OfficialWire> for Official {
    type Error = OfficeError;
    fn try_from(w: OfficialWire) -> Result<Self, Self::Error> {
        Official::new(
            w.subject,
            &w.name,
            w.agency,
            w.department,
            w.roles,
            w.active,
        )
    }
}

/// An agency served by this deployment, as its forms and the national
/// portal name it. Credentials are never kept here: only the name of the
/// secret that holds them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyProfile {
    pub code: AgencyCode,
    /// "Sở Tư pháp tỉnh Ninh Bình".
    pub name: String,
    /// Cơ quan chủ quản ("ỦY BAN NHÂN DÂN TỈNH NINH BÌNH"), if any.
    #[serde(default)]
    pub parent_name: Option<String>,
    /// The unit that receives dossiers ("Bộ phận Một cửa").
    pub desk_name: String,
    /// Where its papers are signed ("Ninh Bình").
    pub place: String,
    #[serde(default)]
    pub phone: Option<String>,
    /// The unit code (`madonvi`) the national portal knows it by.
    #[serde(default)]
    pub national_unit_code: Option<String>,
    /// The name of the AWS Secrets Manager secret with its DVCQG account.
    #[serde(default)]
    pub national_credentials_secret: Option<String>,
    /// Its own announced days off and swapped working days, in the format
    /// of the national holiday file; a year listed here replaces the
    /// national announcement of that year for this agency.
    #[serde(default)]
    pub calendar_overrides: Option<String>,
}

impl AgencyProfile {
    /// Checks what serde cannot: names present, the calendar file readable.
    pub fn check(&self) -> Result<(), OfficeError> {
        for name in [&self.name, &self.desk_name, &self.place] {
            check_name(name)?;
        }
        if let Some(toml) = &self.calendar_overrides {
            crate::WorkingCalendar::with_agency_overrides(toml)
                .map_err(|e| OfficeError::BadCalendar(e.to_string()))?;
        }
        Ok(())
    }
}

/// A work queue: the dossiers waiting on one holder of one agency.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Queue {
    /// The one-stop desk: to accept, route, or return.
    Desk,
    /// Waiting on applicants (supplements, payments), watched by the desk.
    Applicant,
    /// Handed to a department, no specialist yet.
    Department(DepartmentId),
    /// Waiting for a department head's approval.
    Approval(DepartmentId),
    /// Assigned to or taken up by one official.
    Official(String),
}

impl Queue {
    /// The queue a dossier at `stage` is in, given the department and the
    /// specialist it was last handed to; `None` once it is finished.
    pub fn of(
        stage: Stage,
        department: Option<&DepartmentId>,
        assignee: Option<&str>,
    ) -> Option<Queue> {
        let department_queue = |make: fn(DepartmentId) -> Queue| match department {
            Some(d) => make(d.clone()),
            None => Queue::Desk,
        };
        Some(match stage.holder()? {
            Holder::Desk => Queue::Desk,
            Holder::Applicant => Queue::Applicant,
            Holder::Department | Holder::Specialist => match assignee {
                Some(subject) => Queue::Official(subject.to_owned()),
                None => department_queue(Queue::Department),
            },
            Holder::Approver => department_queue(Queue::Approval),
        })
    }

    pub fn label_vi(&self) -> String {
        match self {
            Queue::Desk => "Bộ phận một cửa".into(),
            Queue::Applicant => "Chờ công dân bổ sung, nộp phí".into(),
            Queue::Department(d) => format!("Chờ phân công — {d}"),
            Queue::Approval(d) => format!("Chờ phê duyệt — {d}"),
            Queue::Official(_) => "Hồ sơ được giao cho tôi".into(),
        }
    }
}

impl Official {
    pub fn new(
        subject: String,
        name: &str,
        agency: AgencyCode,
        department: Option<DepartmentId>,
        roles: BTreeSet<Role>,
        active: bool,
    ) -> Result<Self, OfficeError> {
        if subject.trim().is_empty() || subject.len() > 255 {
            return Err(OfficeError::BadName);
        }
        if roles.is_empty() {
            return Err(OfficeError::NoRole);
        }
        if let Some(&role) = roles.iter().find(|r| !Role::OFFICIAL.contains(r)) {
            return Err(OfficeError::NotAnOfficialRole(role));
        }
        if department.is_none()
            && let Some(role) = roles.iter().find(|r| r.needs_department())
        {
            return Err(OfficeError::DepartmentRequired(role.key()));
        }
        Ok(Self {
            subject,
            name: check_name(name)?,
            agency,
            department,
            roles,
            active,
        })
    }

    pub fn has(&self, role: Role) -> bool {
        self.active && self.roles.contains(&role)
    }

    fn in_department(&self, department: &DepartmentId) -> bool {
        self.department.as_ref() == Some(department)
    }

    /// Reads and works on `agency`'s dossiers. Nobody sees another agency's.
    pub fn handles_dossiers_of(&self, agency: &AgencyCode) -> bool {
        self.active && &self.agency == agency && self.roles.iter().any(|r| r.handles_dossiers())
    }

    /// Reads, refuses, asks about, answers and publishes `agency`'s
    /// feedback and petitions (PAKN): the one-stop desk, which receives
    /// citizens' letters as it receives dossiers, and the agency's leaders,
    /// who answer for the agency. Departments are asked through them, not
    /// handed the petition, so a specialist or department head does not.
    pub fn handles_petitions_of(&self, agency: &AgencyCode) -> bool {
        &self.agency == agency && (self.has(Role::Desk) || self.has(Role::AgencyLeader))
    }

    /// Answers, declines, publishes and withdraws `agency`'s questions
    /// (hỏi đáp): the people who handle its petitions — the desk, which
    /// meets the public, and the leaders, who answer for the agency.
    pub fn answers_questions_of(&self, agency: &AgencyCode) -> bool {
        self.handles_petitions_of(agency)
    }

    /// Sees the agency's register and supervision figures.
    pub fn supervises(&self, agency: &AgencyCode) -> bool {
        self.active && &self.agency == agency && self.roles.iter().any(|r| r.supervises())
    }

    /// Reads `agency`'s QĐ 766 scorecard: the agency's leaders, whom it
    /// scores as a whole (a department head's dashboard is their own).
    pub fn reads_scorecard_of(&self, agency: &AgencyCode) -> bool {
        self.active && &self.agency == agency && self.has(Role::AgencyLeader)
    }

    /// Manages `agency`'s departments, officials and routes.
    pub fn administers(&self, agency: &AgencyCode) -> bool {
        (self.has(Role::AgencyAdmin) && &self.agency == agency) || self.has(Role::SystemAdmin)
    }

    /// The queues shown to this official, the busiest first.
    pub fn own_queues(&self) -> Vec<Queue> {
        let mut queues = Vec::new();
        if self.has(Role::Specialist) {
            queues.push(Queue::Official(self.subject.clone()));
        }
        if let Some(d) = &self.department {
            if self.has(Role::DepartmentHead) {
                queues.push(Queue::Approval(d.clone()));
            }
            if self.has(Role::DepartmentHead) || self.has(Role::Specialist) {
                queues.push(Queue::Department(d.clone()));
            }
        }
        if self.has(Role::Desk) || self.has(Role::AgencyLeader) {
            queues.push(Queue::Desk);
            queues.push(Queue::Applicant);
        }
        queues
    }

    /// Whether this official may open `queue` of their own agency: their
    /// own queues, and for leaders any queue (a department head: any
    /// official's, to follow their department's work).
    pub fn may_open(&self, queue: &Queue) -> bool {
        if self.has(Role::AgencyLeader) {
            return true;
        }
        match queue {
            Queue::Official(subject) if subject == &self.subject => self.has(Role::Specialist),
            Queue::Official(_) => self.has(Role::DepartmentHead),
            Queue::Desk | Queue::Applicant => self.has(Role::Desk),
            Queue::Department(d) => {
                self.in_department(d)
                    && (self.has(Role::DepartmentHead) || self.has(Role::Specialist))
            }
            Queue::Approval(d) => self.in_department(d) && self.has(Role::DepartmentHead),
        }
    }

    /// The role this official acts in to do `action` on a dossier at
    /// `stage`, last handed to `department` and `assignee`: one the status
    /// rules allow, held by the official, and — for a specialist or a
    /// department head — in the dossier's department (a specialist only on
    /// a dossier assigned to them, or not yet assigned).
    pub fn acting_role(
        &self,
        stage: Stage,
        action: Action,
        department: Option<&DepartmentId>,
        assignee: Option<&str>,
    ) -> Option<Role> {
        let (_, allowed) = rule(stage, action)?;
        allowed.iter().copied().find(|&role| {
            self.has(role)
                && match role {
                    Role::Specialist => {
                        department.is_some_and(|d| self.in_department(d))
                            && assignee.is_none_or(|a| a == self.subject)
                    }
                    Role::DepartmentHead => match department {
                        Some(d) => self.in_department(d),
                        // Routing a dossier no department holds yet.
                        None => action == Action::AssignDepartment,
                    },
                    _ => true,
                }
        })
    }

    /// The moves this official can make on such a dossier now, in the
    /// order the back office offers them.
    pub fn available_actions(
        &self,
        stage: Stage,
        department: Option<&DepartmentId>,
        assignee: Option<&str>,
    ) -> Vec<Action> {
        Action::OFFERED
            .into_iter()
            .filter(|&a| self.acting_role(stage, a, department, assignee).is_some())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::status::Phase;

    fn agency() -> AgencyCode {
        AgencyCode::parse("000.00.04.H53").unwrap()
    }

    fn dept(id: &str) -> DepartmentId {
        DepartmentId::parse(id).unwrap()
    }

    fn official(subject: &str, department: Option<&str>, roles: &[Role]) -> Official {
        Official::new(
            subject.into(),
            subject,
            agency(),
            department.map(dept),
            roles.iter().copied().collect(),
            true,
        )
        .unwrap()
    }

    #[test]
    fn the_desk_and_leaders_handle_petitions_of_their_own_agency_only() {
        let other = AgencyCode::parse("000.00.01.H01").unwrap();
        for (who, handles) in [
            (official("d", None, &[Role::Desk]), true),
            (official("l", None, &[Role::AgencyLeader]), true),
            (official("s", Some("phong-a"), &[Role::Specialist]), false),
            (
                official("h", Some("phong-a"), &[Role::DepartmentHead]),
                false,
            ),
            (official("a", None, &[Role::AgencyAdmin]), false),
        ] {
            assert_eq!(
                who.handles_petitions_of(&agency()),
                handles,
                "{}",
                who.subject
            );
            assert!(!who.handles_petitions_of(&other), "{}", who.subject);
            assert_eq!(
                who.answers_questions_of(&agency()),
                handles,
                "{}",
                who.subject
            );
            assert!(!who.answers_questions_of(&other), "{}", who.subject);
        }
        let mut retired = official("r", None, &[Role::Desk]);
        retired.active = false;
        assert!(!retired.handles_petitions_of(&agency()));
    }

    #[test]
    fn accounts_are_checked_when_made_or_read() {
        let roles = |r: &[Role]| r.iter().copied().collect::<BTreeSet<_>>();
        assert_eq!(
            Official::new(
                "a".into(),
                "A",
                agency(),
                None,
                roles(&[Role::Specialist]),
                true
            ),
            Err(OfficeError::DepartmentRequired("specialist"))
        );
        assert_eq!(
            Official::new(
                "a".into(),
                "A",
                agency(),
                None,
                roles(&[Role::Citizen]),
                true
            ),
            Err(OfficeError::NotAnOfficialRole(Role::Citizen))
        );
        assert_eq!(
            Official::new("a".into(), "A", agency(), None, roles(&[]), true),
            Err(OfficeError::NoRole)
        );
        let json = r#"{"subject":"s","name":"Lan","agency":"000.00.04.H53","roles":["desk"]}"#;
        let read: Official = serde_json::from_str(json).unwrap();
        assert!(read.active && read.has(Role::Desk));
        let bad = r#"{"subject":"s","name":"Lan","agency":"000.00.04.H53","roles":["specialist"]}"#;
        assert!(serde_json::from_str::<Official>(bad).is_err());
        assert!(DepartmentId::parse("Phòng 1").is_err());
        assert!(DepartmentId::parse("1-phong").is_err());
    }

    #[test]
    fn routes_are_ordered_unique_and_timed() {
        let step = |d: &str, days: u32| RouteStep {
            department: dept(d),
            time: ResolutionTime::whole(days, TimeUnit::WorkingDays).unwrap(),
        };
        let route = ProcessingRoute::new(vec![step("phong-a", 3), step("phong-b", 2)]).unwrap();
        assert_eq!(route.first().department.as_str(), "phong-a");
        assert_eq!(
            route.next_after("phong-a").map(|s| s.department.as_str()),
            Some("phong-b")
        );
        assert_eq!(route.next_after("phong-b"), None);
        assert_eq!(route.total_working_day_hundredths(), 500);
        assert_eq!(
            ProcessingRoute::new(vec![step("phong-a", 3), step("phong-a", 2)]),
            Err(OfficeError::RepeatedStep("phong-a".into()))
        );
        assert_eq!(
            ProcessingRoute::new(vec![step("phong-a", 0)]),
            Err(OfficeError::BadStepTime(1))
        );
        assert_eq!(ProcessingRoute::new(vec![]), Err(OfficeError::EmptyRoute));
        let json = r#"[{"department":"phong-a","time":{"amount":1.5,"unit":"working_days"}}]"#;
        let read: ProcessingRoute = serde_json::from_str(json).unwrap();
        assert_eq!(read.total_working_day_hundredths(), 150);
        let calendar_days = r#"[{"department":"phong-a","time":{"amount":2,"unit":"days"}}]"#;
        assert!(serde_json::from_str::<ProcessingRoute>(calendar_days).is_err());
    }

    #[test]
    fn a_dossier_is_in_exactly_the_queue_of_who_must_act() {
        let d = dept("phong-a");
        assert_eq!(Queue::of(Stage::Submitted, None, None), Some(Queue::Desk));
        assert_eq!(
            Queue::of(Stage::AssignedToDepartment, Some(&d), None),
            Some(Queue::Department(d.clone()))
        );
        assert_eq!(
            Queue::of(Stage::AssignedToDepartment, Some(&d), Some("cv")),
            Some(Queue::Official("cv".into()))
        );
        assert_eq!(
            Queue::of(Stage::AwaitingApproval, Some(&d), Some("cv")),
            Some(Queue::Approval(d.clone()))
        );
        assert_eq!(
            Queue::of(
                Stage::SupplementRequested(Phase::Processing),
                Some(&d),
                Some("cv")
            ),
            Some(Queue::Applicant)
        );
        assert_eq!(Queue::of(Stage::Returned, Some(&d), None), None);
    }

    #[test]
    fn officials_act_only_in_their_role_and_department() {
        let a = dept("phong-a");
        let b = dept("phong-b");
        let lan = official("lan", Some("phong-a"), &[Role::Specialist]);
        let stage = Stage::AssignedToDepartment;
        assert_eq!(
            lan.acting_role(stage, Action::StartReview, Some(&a), None),
            Some(Role::Specialist)
        );
        assert_eq!(
            lan.acting_role(stage, Action::StartReview, Some(&b), None),
            None
        );
        assert_eq!(
            lan.acting_role(stage, Action::StartReview, Some(&a), Some("hoa")),
            None,
            "assigned to a colleague"
        );
        let head = official("minh", Some("phong-a"), &[Role::DepartmentHead]);
        assert_eq!(
            head.acting_role(Stage::AwaitingApproval, Action::Approve, Some(&a), None),
            Some(Role::DepartmentHead)
        );
        assert_eq!(
            head.acting_role(Stage::AwaitingApproval, Action::Approve, Some(&b), None),
            None
        );
        let leader = official("ha", None, &[Role::AgencyLeader]);
        assert_eq!(
            leader.acting_role(Stage::AwaitingApproval, Action::Approve, Some(&b), None),
            Some(Role::AgencyLeader)
        );
        let admin = official("an", None, &[Role::AgencyAdmin]);
        assert!(
            admin
                .available_actions(Stage::Submitted, None, None)
                .is_empty()
        );
        assert!(!admin.handles_dossiers_of(&agency()));
        let desk = official("thu", None, &[Role::Desk]);
        assert_eq!(
            desk.available_actions(Stage::Submitted, None, None),
            [
                Action::Accept,
                Action::RequestSupplement,
                Action::RequestPayment,
                Action::RefuseIntake,
                Action::Withdraw
            ]
        );
        let mut disabled = desk.clone();
        disabled.active = false;
        assert!(
            disabled
                .available_actions(Stage::Submitted, None, None)
                .is_empty()
        );
    }

    #[test]
    fn queues_open_to_their_holders_and_leaders_only() {
        let lan = official("lan", Some("phong-a"), &[Role::Specialist]);
        assert!(lan.may_open(&Queue::Official("lan".into())));
        assert!(!lan.may_open(&Queue::Official("hoa".into())));
        assert!(lan.may_open(&Queue::Department(dept("phong-a"))));
        assert!(!lan.may_open(&Queue::Department(dept("phong-b"))));
        assert!(!lan.may_open(&Queue::Desk));
        let leader = official("ha", None, &[Role::AgencyLeader]);
        assert!(leader.may_open(&Queue::Approval(dept("phong-b"))));
        for queue in lan.own_queues() {
            assert!(lan.may_open(&queue));
        }
    }
}
