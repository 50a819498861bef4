//! The outbox worker against the conformance peer over a local table:
//! changes arrive in order, exactly once in effect, through faults.

mod common;

use std::time::Duration;

use common::{Setup, at, setup_with};
use domain::{Action, Role};
use dvcqg::worker::WorkerSettings;
use serde_json::json;
use store::OutboxKind;

async fn setup() -> Setup {
    setup_with(
        Duration::from_millis(800),
        WorkerSettings {
            base_delay: Duration::from_secs(60),
            max_attempts: 4,
            ..WorkerSettings::default()
        },
    )
    .await
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

#[tokio::test]
async fn a_refused_login_pauses_the_agency_instead_of_trying_every_dossier() {
    let s = setup().await;
    let wrong = dvcqg::worker::Worker::new(
        s.store.clone(),
        std::sync::Arc::new(dvcqg::connections::Connections::single(
            dvcqg::client::ClientSettings::at(
                &s.peer,
                "donvi",
                "mat-khau-cu",
                Duration::from_secs(2),
            ),
        )),
        WorkerSettings {
            concurrency: 8,
            ..WorkerSettings::default()
        },
    );
    for i in 0..20 {
        s.receive(at(1, 9, i)).await;
    }
    let report = wrong.run_once(at(1, 10, 0)).await.unwrap();
    // Nothing is lost or dead: every entry waits for a retry.
    assert_eq!((report.entries_deferred, report.entries_dead), (20, 0));
    let logins = s.peer_state().await.requests;
    assert!(logins <= 8, "{logins} logins for one refused account");
    // The next run, soon after, does not try the account again.
    let report = wrong.run_once(at(1, 12, 0)).await.unwrap();
    assert_eq!(report.entries_deferred, 20);
    assert_eq!(s.peer_state().await.requests, logins);
}

#[tokio::test]
async fn a_dossier_the_portal_lost_comes_back_with_every_step_even_if_the_first_answer_is_lost() {
    let s = setup().await;
    let code = s.receive(at(1, 9, 0)).await;
    s.act(&code, Action::AssignDepartment, Role::Desk, at(1, 9, 5))
        .await;
    s.worker.run_once(at(1, 9, 6)).await.unwrap();
    s.forget(std::slice::from_ref(&code)).await;
    s.act(&code, Action::StartReview, Role::Specialist, at(1, 10, 0))
        .await;
    // The portal stores the dossier again but its answer is lost.
    s.faults(json!({"next_lost_answer": 1})).await;
    let report = s.worker.run_once(at(1, 10, 1)).await.unwrap();
    assert_eq!(report.entries_deferred, 1, "{report:?}");
    let backlog = s.store.pending_outbox(OutboxKind::Dvcqg, 10).await.unwrap();
    assert!(backlog.iter().any(|e| e.repair), "{backlog:?}");
    s.worker.run_once(at(1, 12, 0)).await.unwrap();
    let state = s.peer_state().await;
    assert_eq!(state.progress[code.as_str()].len(), 3);
    assert!(
        s.store
            .pending_outbox(OutboxKind::Dvcqg, 10)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn the_batch_read_gives_each_dossier_as_its_own_query_does() {
    let s = setup().await;
    let quiet = s.receive(at(1, 9, 0)).await;
    let busy = s.receive(at(1, 9, 1)).await;
    for (i, (action, role)) in [
        (Action::AssignDepartment, Role::Desk),
        (Action::StartReview, Role::Specialist),
        (Action::SubmitForApproval, Role::Specialist),
    ]
    .into_iter()
    .enumerate()
    {
        s.act(&busy, action, role, at(1, 10, i as u32)).await;
    }
    let held = s.receive(at(1, 9, 2)).await;
    let kind = OutboxKind::Dvcqg;
    let entry = s
        .store
        .outbox_backlog(kind, 100, at(2, 0, 0))
        .await
        .unwrap()
        .into_iter()
        .find(|e| e.code == held)
        .unwrap();
    s.store.dead_letter(kind, &entry, "refused").await.unwrap();
    let absent = domain::DossierCode::parse("000.00.01.H29-260601-0999").unwrap();

    let codes = [quiet.clone(), busy.clone(), held.clone(), absent.clone()];
    let batch = s.store.load_many_for_sync(&codes).await.unwrap();
    assert_eq!(batch.len(), 3);
    assert!(!batch.contains_key(&absent));
    for code in [&quiet, &busy, &held] {
        let alone = s.store.load_for_sync(code).await.unwrap();
        assert_eq!(batch[code], alone, "{code}");
    }
    assert_eq!(batch[&busy].1.len(), 4);
    assert!(batch[&held].2 && !batch[&quiet].2);
}
