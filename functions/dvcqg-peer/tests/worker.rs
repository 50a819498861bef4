//! The outbox worker against the conformance peer over a local table:
//! changes arrive in order, exactly once in effect, through faults.

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    Action, Actor, AgencyCode, Applicant, Channel, DossierProgress, OwnerType, ProcedureCode,
    ResolutionTime, ResultDelivery, Role, TimeUnit, WorkingCalendar,
};
use dvcqg::client::ClientSettings;
use dvcqg::connections::Connections;
use dvcqg::worker::{Worker, WorkerSettings};
use serde_json::json;
use store::{NewDossier, OutboxKind, Store, StoreSettings};

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

struct Setup {
    store: Store,
    peer: String,
    worker: Worker,
    calendar: WorkingCalendar,
}

async fn setup() -> Setup {
    let moto = Box::leak(Box::new(localaws::Moto::start().unwrap()));
    let sdk = moto.sdk_config().await;
    let store = Store::new(
        &sdk,
        StoreSettings {
            table: "sync".into(),
            bucket: "sync".into(),
            s3_path_style: true,
            limits: Default::default(),
            link_ttl: Duration::from_secs(60),
        },
    );
    store.create_resources().await.unwrap();
    let peer = dvcqg_peer::spawn("donvi", "mat-khau").await.unwrap();
    let connections = Connections::single(ClientSettings {
        auth_url: format!("{peer}/auth"),
        integration_url: format!("{peer}/integration"),
        share_url: format!("{peer}/share"),
        username: "donvi".into(),
        password: "mat-khau".into(),
        timeout: Duration::from_millis(800),
    });
    let worker = Worker::new(
        store.clone(),
        Arc::new(connections),
        WorkerSettings {
            public_url: "https://dichvucong.example".into(),
            base_delay: Duration::from_secs(60),
            max_attempts: 4,
            ..WorkerSettings::default()
        },
    );
    Setup {
        store,
        peer,
        worker,
        calendar: WorkingCalendar::vietnam(),
    }
}

impl Setup {
    /// A counter dossier received at `at`; returns its code.
    async fn receive(&self, at: NaiveDateTime) -> domain::DossierCode {
        let five = ResolutionTime::whole(5, TimeUnit::WorkingDays).unwrap();
        let progress = DossierProgress::open(
            Action::ReceiveAtDesk,
            Actor {
                id: "mot-cua-1".into(),
                role: Role::Desk,
            },
            at,
            Some(five),
            None,
        )
        .unwrap();
        let new = NewDossier {
            procedure_code: ProcedureCode::parse("1.000419").unwrap(),
            procedure_name: "Thủ tục đăng ký khai tử lưu động".into(),
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            owner: None,
            channel: Channel::InPerson,
            applicant: Applicant::parse(
                OwnerType::Citizen,
                "Lê Thị Hoa",
                "036190001234",
                "0987654321",
                None,
                "Gia Viễn",
            )
            .unwrap(),
            summary: "Đăng ký khai tử".into(),
            result_delivery: ResultDelivery::AtDesk,
            resolution: Some(five),
            due_at: progress.due(&self.calendar, at).unwrap(),
            files: Vec::new(),
            papers: Vec::new(),
            tracking_secret: "s".into(),
            opening: progress.last_event().clone(),
        };
        self.store
            .submit(new, None, None)
            .await
            .unwrap()
            .record
            .code
    }

    async fn act(&self, code: &domain::DossierCode, action: Action, role: Role, at: NaiveDateTime) {
        let (mut record, events) = self.store.load(code).await.unwrap();
        let mut progress = DossierProgress::replay(record.resolution, events).unwrap();
        let who = Actor {
            id: "can-bo".into(),
            role,
        };
        let event = if action == Action::AssignDepartment {
            progress.hand_over(&self.calendar, action, who, at, None, "tu-phap".into())
        } else {
            progress.act(&self.calendar, action, who, at, None)
        }
        .unwrap()
        .clone();
        record.follow(&progress, &self.calendar, at).unwrap();
        self.store
            .record_change(&record, &event, None)
            .await
            .unwrap();
    }

    async fn faults(&self, faults: serde_json::Value) {
        reqwest::Client::new()
            .post(format!("{}/_faults", self.peer))
            .json(&faults)
            .send()
            .await
            .unwrap();
    }

    async fn peer_state(&self) -> dvcqg_peer::Snapshot {
        reqwest::get(format!("{}/_state", self.peer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

#[tokio::test]
async fn every_change_reaches_the_peer_once_in_order_through_faults() {
    let s = setup().await;
    let first = s.receive(at(1, 9, 0)).await;
    s.act(&first, Action::AssignDepartment, Role::Desk, at(1, 9, 5))
        .await;
    let report = s.worker.run_once(at(1, 9, 6)).await.unwrap();
    assert_eq!(
        (report.dossiers_sent, report.steps_sent, report.entries_done),
        (1, 2, 2)
    );
    let state = s.peer_state().await;
    assert_eq!(state.dossiers[first.as_str()].TrangThaiHoSo.0.code(), 4);
    assert_eq!(state.progress[first.as_str()].len(), 2);

    // The portal is down: nothing is lost, the entries wait with backoff.
    s.act(&first, Action::StartReview, Role::Specialist, at(1, 10, 0))
        .await;
    let second = s.receive(at(1, 10, 30)).await;
    s.faults(json!({"down": true})).await;
    let report = s.worker.run_once(at(1, 10, 31)).await.unwrap();
    assert_eq!((report.entries_deferred, report.entries_done), (2, 0));
    // Not due yet: a run a second later leaves them alone.
    let report = s.worker.run_once(at(1, 10, 31)).await.unwrap();
    assert_eq!((report.entries_waiting, report.entries_done), (2, 0));
    // Back up, but the answers get lost after storing: resent, not doubled.
    s.faults(json!({"next_lost_answer": 1})).await;
    let report = s.worker.run_once(at(1, 12, 0)).await.unwrap();
    assert!(report.entries_deferred > 0, "{report:?}");
    let report = s.worker.run_once(at(1, 18, 0)).await.unwrap();
    assert_eq!(report.entries_deferred, 0, "{report:?}");
    let state = s.peer_state().await;
    assert_eq!(state.progress[first.as_str()].len(), 3);
    assert_eq!(state.progress[second.as_str()].len(), 1);
    assert_eq!(state.dossiers[second.as_str()].TrangThaiHoSo.0.code(), 2);
    assert!(
        s.store
            .pending_outbox(OutboxKind::Dvcqg, 100)
            .await
            .unwrap()
            .is_empty()
    );

    // A portal down for good: after the last attempt the entries are dead letters.
    s.act(&second, Action::AssignDepartment, Role::Desk, at(2, 9, 0))
        .await;
    s.faults(json!({"down": true})).await;
    let mut now = at(2, 9, 1);
    for _ in 0..6 {
        s.worker.run_once(now).await.unwrap();
        now += chrono::Duration::days(1);
    }
    let dead = s.store.dead_letters(OutboxKind::Dvcqg).await.unwrap();
    assert_eq!(dead.len(), 1);
    assert!(
        dead[0].last_error.as_deref().unwrap().contains("503"),
        "{:?}",
        dead[0].last_error
    );
    assert!(
        s.store
            .pending_outbox(OutboxKind::Dvcqg, 100)
            .await
            .unwrap()
            .is_empty()
    );
}
