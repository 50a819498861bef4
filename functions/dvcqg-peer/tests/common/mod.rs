//! What the worker tests share: a local table, the peer, a worker between
//! them, and counter dossiers moved through their steps.

#![allow(dead_code)]

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

use store::{AccessLog, NewDossier, Store, StoreSettings};

pub fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

pub struct Setup {
    pub store: Store,
    pub peer: String,
    pub worker: Worker,
    pub calendar: WorkingCalendar,
    access: AccessLog,
}

/// A worker over a fresh table, sending to a fresh peer whose client gives
/// up after `timeout`, with `settings` (public URL filled in).
pub async fn setup_with(timeout: Duration, settings: WorkerSettings) -> Setup {
    let moto = Box::leak(Box::new(localaws::Moto::start().unwrap()));
    let sdk = moto.sdk_config().await;
    let settings_of_store = StoreSettings {
        table: "sync".into(),
        bucket: "sync".into(),
        s3_path_style: true,
        limits: Default::default(),
        link_ttl: Duration::from_secs(60),
    };
    let store = Store::new(&sdk, settings_of_store.clone());
    store.create_resources().await.unwrap();
    // The worker's own handles, as the sync function has them: what it
    // touches is logged apart from the tests' own writes.
    let access = AccessLog::of("sync");
    let worker_store = Store::observed(&sdk, settings_of_store, None, Some(access.clone()));
    let peer = dvcqg_peer::spawn("donvi", "mat-khau").await.unwrap();
    let connections = Connections::single(ClientSettings::at(&peer, "donvi", "mat-khau", timeout));
    let worker = Worker::new(
        worker_store,
        Arc::new(connections),
        WorkerSettings {
            public_url: "https://dichvucong.example".into(),
            ..settings
        },
    );
    Setup {
        store,
        peer,
        worker,
        calendar: WorkingCalendar::vietnam(),
        access,
    }
}

/// Every request the worker made is one the sync function's role allows.
impl Drop for Setup {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            infra::assert_allowed(&self.access.entries());
        }
    }
}

impl Setup {
    /// A counter dossier received at `at`; returns its code.
    pub async fn receive(&self, at: NaiveDateTime) -> domain::DossierCode {
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
            national: None,
        };
        self.store
            .submit(new, None, None)
            .await
            .unwrap()
            .record
            .code
    }

    pub async fn act(
        &self,
        code: &domain::DossierCode,
        action: Action,
        role: Role,
        at: NaiveDateTime,
    ) {
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

    pub async fn faults(&self, faults: serde_json::Value) {
        reqwest::Client::new()
            .post(format!("{}/_faults", self.peer))
            .json(&faults)
            .send()
            .await
            .unwrap();
    }

    pub async fn peer_state(&self) -> dvcqg_peer::Snapshot {
        reqwest::get(format!("{}/_state", self.peer))
            .await
            .unwrap()
            .json()
            .await
            .unwrap()
    }
}

impl Setup {
    /// The portal loses what it held of `codes`.
    pub async fn forget(&self, codes: &[domain::DossierCode]) {
        let codes: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        reqwest::Client::new()
            .post(format!("{}/_forget", self.peer))
            .json(&codes)
            .send()
            .await
            .unwrap();
    }

    /// What the portal should hold of `code`: the dossier packet and every
    /// step, as the worker would send them now.
    pub async fn expected(
        &self,
        code: &domain::DossierCode,
    ) -> (dvcqg::packets::HoSo, Vec<dvcqg::packets::TienDo>) {
        let (record, events) = self.store.load(code).await.unwrap();
        // The worker's context for an agency without a profile.
        let context = dvcqg::mapping::Context {
            agency_name: record.agency.to_string(),
            public_url: "https://dichvucong.example".into(),
            ..Default::default()
        };
        (
            dvcqg::mapping::dossier_packet(&record, &events, None, &context),
            dvcqg::mapping::progress_packets(&record, &events, &context),
        )
    }
}
