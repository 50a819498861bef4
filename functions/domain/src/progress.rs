//! A dossier's record: the events that moved it, its current stage and its
//! deadline clock. The event list is the source of truth — the stage and the
//! clock are what replaying it gives — and it is what the progress packets
//! to the national portal are made from.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use crate::calendar::WorkingCalendar;
use crate::deadline::{DeadlineClock, DeadlineError, ResolutionTime};
use crate::status::{Action, NationalStatus, Role, Stage, TransitionError, apply, opening};

/// The event by which the agency received a dossier: the desk's acceptance
/// of an online submission, or its receipt at the desk. `None` while an
/// online dossier waits for the desk, or when it never got past it.
pub fn reception(events: &[Event]) -> Option<&Event> {
    events
        .iter()
        .find(|e| matches!(e.action, Action::Accept | Action::ReceiveAtDesk))
}

/// Who did something: the account's subject and the role it acted in.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub role: Role,
}

/// One move of a dossier: who, when, what, from where, to where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// 1 for the opening event, then consecutive.
    pub seq: u32,
    pub at: NaiveDateTime,
    pub actor: Actor,
    #[serde(flatten)]
    pub action: Action,
    pub from: Option<Stage>,
    pub to: Stage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who the dossier was handed to: a department's id for
    /// `AssignDepartment`, an official's subject for `AssignSpecialist`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handed_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgressError {
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(transparent)]
    Deadline(#[from] DeadlineError),
    #[error("{at} is before the dossier's last event at {last}")]
    OutOfOrder {
        at: NaiveDateTime,
        last: NaiveDateTime,
    },
    #[error("the dossier has no resolution time, so it has no appointment to extend")]
    NoDeadline,
    #[error("stored events are not a valid history: {0}")]
    BadHistory(String),
    #[error("`{0:?}` must name who the dossier is handed to")]
    MissingHandover(Action),
    #[error("`{0:?}` hands the dossier to no one")]
    UnexpectedHandover(Action),
}

/// Whether an action hands the dossier to someone named in the event.
fn hands_over(action: Action) -> bool {
    matches!(action, Action::AssignDepartment | Action::AssignSpecialist)
}

/// The state of one dossier, built only through [`DossierProgress::open`]
/// and [`DossierProgress::act`], so every stored history obeys the rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DossierProgress {
    events: Vec<Event>,
    clock: Option<DeadlineClock>,
}

impl DossierProgress {
    /// Opens a dossier (online submission or receipt at the desk) at `at`;
    /// `resolution` is the procedure's time for the channel used, if known.
    pub fn open(
        action: Action,
        actor: Actor,
        at: NaiveDateTime,
        resolution: Option<ResolutionTime>,
        note: Option<String>,
    ) -> Result<Self, ProgressError> {
        let to = opening(action, actor.role)?;
        Ok(Self {
            events: vec![Event {
                seq: 1,
                at,
                actor,
                action,
                from: None,
                to,
                note,
                handed_to: None,
            }],
            clock: resolution.map(|r| DeadlineClock::start(at, r)),
        })
    }

    /// Does `action` as `actor` at `at`, or changes nothing and says why.
    pub fn act(
        &mut self,
        calendar: &WorkingCalendar,
        action: Action,
        actor: Actor,
        at: NaiveDateTime,
        note: Option<String>,
    ) -> Result<&Event, ProgressError> {
        self.apply_event(Some(calendar), action, actor, at, note, None)
    }

    /// Like [`act`](Self::act) for the moves that hand the dossier to a
    /// department or an official (`AssignDepartment`, `AssignSpecialist`).
    pub fn hand_over(
        &mut self,
        calendar: &WorkingCalendar,
        action: Action,
        actor: Actor,
        at: NaiveDateTime,
        note: Option<String>,
        to: String,
    ) -> Result<&Event, ProgressError> {
        self.apply_event(Some(calendar), action, actor, at, note, Some(to))
    }

    /// With a calendar, an extension is judged (later than the appointment,
    /// on a working day); without one — replaying a stored history — it is
    /// taken as it was given, whatever today's holiday file says.
    fn apply_event(
        &mut self,
        calendar: Option<&WorkingCalendar>,
        action: Action,
        actor: Actor,
        at: NaiveDateTime,
        note: Option<String>,
        handed_to: Option<String>,
    ) -> Result<&Event, ProgressError> {
        match (hands_over(action), handed_to.is_some()) {
            (true, false) => return Err(ProgressError::MissingHandover(action)),
            (false, true) => return Err(ProgressError::UnexpectedHandover(action)),
            _ => {}
        }
        let last = self.last_event().at;
        if at < last {
            return Err(ProgressError::OutOfOrder { at, last });
        }
        let from = self.stage();
        let to = apply(from, action, actor.role)?;
        let mut clock = self.clock.clone();
        if let Some(c) = clock.as_mut() {
            if action == Action::Accept {
                // The one-stop desk's acceptance is the receipt: the clock
                // starts over, and waits before it are not supplement rounds.
                *c = DeadlineClock::start(at, c.resolution());
            }
            let was_paused = from.national().pauses_clock();
            let is_paused = to.national().pauses_clock();
            if is_paused && !was_paused {
                c.pause(at)?;
            } else if was_paused && !is_paused {
                c.resume(at)?;
            }
        }
        if let Action::Extend { new_due } = action {
            let c = clock.as_mut().ok_or(ProgressError::NoDeadline)?;
            match calendar {
                Some(calendar) => c.extend(calendar, at, new_due)?,
                None => c.restore_extension(at, new_due),
            }
        }
        self.clock = clock;
        self.events.push(Event {
            seq: self.last_event().seq + 1,
            at,
            actor,
            action,
            from: Some(from),
            to,
            note,
            handed_to,
        });
        Ok(self.last_event())
    }

    /// Rebuilds a dossier from stored events, checking each move against the
    /// status rules. `resolution` is the time the dossier was received with.
    pub fn replay(
        resolution: Option<ResolutionTime>,
        events: impl IntoIterator<Item = Event>,
    ) -> Result<Self, ProgressError> {
        let mut events = events.into_iter();
        let first = events
            .next()
            .ok_or_else(|| ProgressError::BadHistory("no events".into()))?;
        let mut progress = Self::open(
            first.action,
            first.actor.clone(),
            first.at,
            resolution,
            first.note.clone(),
        )?;
        progress.check_stored(&first)?;
        for stored in events {
            progress.apply_event(
                None,
                stored.action,
                stored.actor.clone(),
                stored.at,
                stored.note.clone(),
                stored.handed_to.clone(),
            )?;
            progress.check_stored(&stored)?;
        }
        Ok(progress)
    }

    fn check_stored(&self, stored: &Event) -> Result<(), ProgressError> {
        let derived = self.last_event();
        if derived != stored {
            return Err(ProgressError::BadHistory(format!(
                "event {} says {:?} → {:?}, the rules give {:?} → {:?}",
                stored.seq, stored.from, stored.to, derived.from, derived.to
            )));
        }
        Ok(())
    }

    pub fn stage(&self) -> Stage {
        self.last_event().to
    }

    pub fn national_status(&self) -> NationalStatus {
        self.stage().national()
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn last_event(&self) -> &Event {
        self.events
            .last()
            .expect("a dossier always has its opening event")
    }

    /// The department the dossier was last handed to.
    pub fn department(&self) -> Option<&str> {
        self.events
            .iter()
            .rev()
            .find(|e| e.action == Action::AssignDepartment)
            .and_then(|e| e.handed_to.as_deref())
    }

    /// The specialist working on the dossier in its current department: the
    /// one it was assigned to, or who took it up, since it got there.
    pub fn assignee(&self) -> Option<&str> {
        self.events
            .iter()
            .rev()
            .take_while(|e| e.action != Action::AssignDepartment)
            .find_map(|e| match e.action {
                Action::AssignSpecialist => e.handed_to.as_deref(),
                Action::StartReview => Some(e.actor.id.as_str()),
                _ => None,
            })
    }

    pub fn received_at(&self) -> NaiveDateTime {
        self.events[0].at
    }

    pub fn clock(&self) -> Option<&DeadlineClock> {
        self.clock.as_ref()
    }

    /// The appointment in force at `now`, if the procedure has a resolution time.
    pub fn due(
        &self,
        calendar: &WorkingCalendar,
        now: NaiveDateTime,
    ) -> Result<Option<NaiveDateTime>, DeadlineError> {
        self.clock
            .as_ref()
            .map(|c| c.due(calendar, now))
            .transpose()
    }

    /// When processing ended, per QĐ 766: the time the result was ready
    /// (status 9), else returned (10), else refused (3) or stopped (8).
    pub fn processing_end(&self) -> Option<&Event> {
        let first_reaching = |status: NationalStatus| {
            self.events.iter().find(|e| {
                e.to.national() == status && e.from.is_none_or(|f| f.national() != status)
            })
        };
        first_reaching(NationalStatus::Processed)
            .or_else(|| first_reaching(NationalStatus::Returned))
            .or_else(|| first_reaching(NationalStatus::NotReceived))
            .or_else(|| first_reaching(NationalStatus::Stopped))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::calendar::test_calendar;
    use crate::deadline::TimeUnit;
    use crate::status::tests::any_action;
    use chrono::{Duration, NaiveDate};
    use proptest::prelude::*;

    pub(crate) fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    pub(crate) fn actor(role: Role) -> Actor {
        Actor {
            id: format!("{role:?}").to_lowercase(),
            role,
        }
    }

    pub(crate) fn five_days() -> Option<ResolutionTime> {
        Some(ResolutionTime::whole(5, TimeUnit::WorkingDays).unwrap())
    }

    /// A dossier submitted online with 5 working days, then `steps` done in order.
    pub(crate) fn online(
        received: NaiveDateTime,
        steps: &[(Action, Role, NaiveDateTime)],
    ) -> DossierProgress {
        journey(Action::SubmitOnline, Role::Citizen, received, steps)
    }

    /// A dossier received at the desk with 5 working days, then `steps`.
    pub(crate) fn at_desk(
        received: NaiveDateTime,
        steps: &[(Action, Role, NaiveDateTime)],
    ) -> DossierProgress {
        journey(Action::ReceiveAtDesk, Role::Desk, received, steps)
    }

    fn journey(
        opening: Action,
        role: Role,
        received: NaiveDateTime,
        steps: &[(Action, Role, NaiveDateTime)],
    ) -> DossierProgress {
        let mut dossier =
            DossierProgress::open(opening, actor(role), received, five_days(), None).unwrap();
        run(&mut dossier, steps);
        dossier
    }

    pub(crate) fn run(dossier: &mut DossierProgress, steps: &[(Action, Role, NaiveDateTime)]) {
        for &(action, role, when) in steps {
            let done = if hands_over(action) {
                let to = "phong-tu-phap".to_owned();
                dossier.hand_over(test_calendar(), action, actor(role), when, None, to)
            } else {
                dossier.act(test_calendar(), action, actor(role), when, None)
            };
            done.unwrap_or_else(|e| panic!("{action:?} by {role:?} at {when}: {e}"));
        }
    }

    #[test]
    fn a_supplement_round_pauses_the_clock_and_is_recorded() {
        let cal = test_calendar();
        let mut dossier = online(
            at(2026, 6, 1, 9, 0),
            &[
                (Action::Accept, Role::Desk, at(2026, 6, 1, 10, 0)),
                (Action::AssignDepartment, Role::Desk, at(2026, 6, 1, 10, 5)),
                (Action::StartReview, Role::Specialist, at(2026, 6, 2, 8, 0)),
            ],
        );
        let note = Some("Thiếu bản sao sổ hộ khẩu".to_owned());
        let event = dossier
            .act(
                cal,
                Action::RequestSupplement,
                actor(Role::Specialist),
                at(2026, 6, 3, 10, 0),
                note.clone(),
            )
            .unwrap()
            .clone();
        assert_eq!(
            (event.seq, event.from, event.to.national().code()),
            (5, Some(Stage::UnderReview), 5)
        );
        assert_eq!(event.note, note);
        assert_eq!(
            dossier.clock().unwrap().paused_since(),
            Some(at(2026, 6, 3, 10, 0))
        );
        run(
            &mut dossier,
            &[(
                Action::ProvideSupplement,
                Role::Citizen,
                at(2026, 6, 5, 10, 0),
            )],
        );
        assert_eq!(dossier.stage(), Stage::UnderReview);
        assert_eq!(
            dossier.due(cal, at(2026, 6, 5, 10, 0)).unwrap(),
            Some(at(2026, 6, 10, 17, 0))
        );
    }

    #[test]
    fn hand_overs_name_the_department_and_the_specialist() {
        let cal = test_calendar();
        let mut dossier = at_desk(at(2026, 6, 1, 9, 0), &[]);
        let desk = actor(Role::Desk);
        assert_eq!(
            dossier.act(
                cal,
                Action::AssignDepartment,
                desk.clone(),
                at(2026, 6, 1, 9, 5),
                None
            ),
            Err(ProgressError::MissingHandover(Action::AssignDepartment))
        );
        dossier
            .hand_over(
                cal,
                Action::AssignDepartment,
                desk,
                at(2026, 6, 1, 9, 5),
                None,
                "phong-ho-tich".into(),
            )
            .unwrap();
        assert_eq!(
            (dossier.department(), dossier.assignee()),
            (Some("phong-ho-tich"), None)
        );
        let head = actor(Role::DepartmentHead);
        dossier
            .hand_over(
                cal,
                Action::AssignSpecialist,
                head,
                at(2026, 6, 1, 10, 0),
                None,
                "cv-lan".into(),
            )
            .unwrap();
        assert_eq!(dossier.assignee(), Some("cv-lan"));
        let mut lan = actor(Role::Specialist);
        lan.id = "cv-lan".into();
        dossier
            .act(cal, Action::StartReview, lan, at(2026, 6, 1, 11, 0), None)
            .unwrap();
        assert_eq!(dossier.stage().holder(), Some(crate::Holder::Specialist));
        assert_eq!(dossier.assignee(), Some("cv-lan"));
        // A new department starts without a specialist.
        dossier
            .hand_over(
                cal,
                Action::AssignDepartment,
                actor(Role::AgencyLeader),
                at(2026, 6, 2, 8, 0),
                None,
                "phong-2".into(),
            )
            .unwrap();
        assert_eq!(
            (dossier.department(), dossier.assignee()),
            (Some("phong-2"), None)
        );
        let replayed = DossierProgress::replay(five_days(), dossier.events().to_vec()).unwrap();
        assert_eq!(replayed, dossier);
        assert_eq!(
            dossier
                .act(
                    cal,
                    Action::StartReview,
                    actor(Role::Specialist),
                    at(2026, 6, 2, 9, 0),
                    None
                )
                .map(|e| e.handed_to.clone()),
            Ok(None)
        );
    }

    #[test]
    fn a_refused_action_changes_nothing() {
        let cal = test_calendar();
        let mut dossier = at_desk(at(2026, 6, 1, 9, 0), &[]);
        let before = dossier.clone();
        let attempt = |d: &mut DossierProgress, action, role, when| {
            d.act(cal, action, actor(role), when, None).is_err()
        };
        assert!(attempt(
            &mut dossier,
            Action::Approve,
            Role::AgencyLeader,
            at(2026, 6, 1, 9, 30)
        ));
        assert!(attempt(
            &mut dossier,
            Action::AssignDepartment,
            Role::Desk,
            at(2026, 6, 1, 8, 0)
        ));
        // A valid move whose extension date is not later than the appointment fails as a whole.
        let too_early = Action::Extend {
            new_due: at(2026, 6, 2, 17, 0),
        };
        assert!(attempt(
            &mut dossier,
            too_early,
            Role::AgencyLeader,
            at(2026, 6, 1, 9, 30)
        ));
        assert_eq!(dossier, before);
    }

    #[test]
    fn stored_histories_are_replayed_and_tampering_is_caught() {
        let dossier = online(
            at(2026, 6, 1, 9, 0),
            &[
                (Action::Accept, Role::Desk, at(2026, 6, 1, 10, 0)),
                (Action::AssignDepartment, Role::Desk, at(2026, 6, 1, 11, 0)),
            ],
        );
        let json = serde_json::to_string(dossier.events()).unwrap();
        let events: Vec<Event> = serde_json::from_str(&json).unwrap();
        assert_eq!(
            DossierProgress::replay(five_days(), events.clone()).unwrap(),
            dossier
        );
        let mut forged = events;
        forged[2].to = Stage::ResultReady;
        assert!(matches!(
            DossierProgress::replay(five_days(), forged),
            Err(ProgressError::BadHistory(_))
        ));
    }

    #[test]
    fn an_online_dossier_is_timed_from_its_acceptance() {
        let cal = test_calendar();
        // Submitted on Saturday, asked for a supplement at intake, accepted on Tuesday.
        let dossier = online(
            at(2026, 6, 6, 10, 0),
            &[
                (Action::RequestSupplement, Role::Desk, at(2026, 6, 8, 9, 0)),
                (
                    Action::ProvideSupplement,
                    Role::Citizen,
                    at(2026, 6, 8, 20, 0),
                ),
                (Action::Accept, Role::Desk, at(2026, 6, 9, 10, 0)),
            ],
        );
        assert_eq!(
            dossier.due(cal, at(2026, 6, 9, 10, 0)).unwrap(),
            Some(at(2026, 6, 16, 17, 0))
        );
        assert_eq!(dossier.clock().unwrap().supplement_rounds(), 0);
    }

    #[test]
    fn a_stored_extension_replays_even_if_the_calendar_would_now_refuse_it() {
        let cal = test_calendar();
        let dossier = at_desk(
            at(2026, 6, 1, 9, 0),
            &[(
                Action::Extend {
                    new_due: at(2026, 6, 12, 17, 0),
                },
                Role::AgencyLeader,
                at(2026, 6, 5, 9, 0),
            )],
        );
        // A procedure whose time was later raised to 10 days would refuse this
        // extension today; the stored history still loads, with its dates.
        let ten_days = Some(ResolutionTime::whole(10, TimeUnit::WorkingDays).unwrap());
        let replayed = DossierProgress::replay(ten_days, dossier.events().to_vec()).unwrap();
        assert_eq!(
            replayed.due(cal, at(2026, 6, 5, 9, 0)).unwrap(),
            Some(at(2026, 6, 12, 17, 0))
        );
    }

    proptest! {
        #[test]
        fn the_clock_is_paused_exactly_while_a_supplement_is_awaited(
            attempts in proptest::collection::vec((any_action(), proptest::sample::select(Role::ALL.to_vec()), 0i64..3000), 0..50),
        ) {
            let cal = test_calendar();
            let mut now = at(2026, 3, 2, 8, 0);
            let mut dossier = DossierProgress::open(Action::SubmitOnline, actor(Role::Citizen), now, five_days(), None).unwrap();
            for (action, role, minutes) in attempts {
                now += Duration::minutes(minutes);
                let before = dossier.clone();
                let done = if hands_over(action) {
                    dossier.hand_over(cal, action, actor(role), now, None, "phong-1".into()).map(|_| ())
                } else {
                    dossier.act(cal, action, actor(role), now, None).map(|_| ())
                };
                if done.is_err() {
                    prop_assert_eq!(&dossier, &before);
                }
                let paused = dossier.clock().unwrap().paused_since().is_some();
                prop_assert_eq!(paused, dossier.national_status().pauses_clock());
                prop_assert_eq!(dossier.events().len(), dossier.last_event().seq as usize);
            }
            let replayed = DossierProgress::replay(five_days(), dossier.events().to_vec()).unwrap();
            prop_assert_eq!(replayed, dossier);
        }
    }
}
