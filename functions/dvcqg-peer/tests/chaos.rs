//! 10,000 dossier changes sent to a peer that gets 30% of requests wrong
//! (503, answers lost after storing, answers slower than the client waits,
//! "đã tồn tại" for new dossiers, expired sessions, requests delivered
//! twice), and that loses what it held of some dossiers twice during the
//! run. Changes are written while the worker runs. After the worker and one
//! reconciliation the peer holds exactly our state: every dossier as we
//! would send it now, every step once, no step after a later one.

mod common;

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::NaiveDateTime;
use common::{Setup, at, setup_with};
use domain::{Action, DossierCode, Role};
use dvcqg::worker::{RunReport, WorkerSettings};
use futures::StreamExt;
use serde_json::json;
use store::OutboxKind;

const DOSSIERS: usize = 2_000;
/// After the receipt: four more changes each, 10,000 in all.
const STEPS: [(Action, Role); 4] = [
    (Action::AssignDepartment, Role::Desk),
    (Action::StartReview, Role::Specialist),
    (Action::SubmitForApproval, Role::Specialist),
    (Action::Approve, Role::AgencyLeader),
];
const WRITERS: usize = 16;
/// Slow answers take this long; the client waits 250 ms.
const SLOW_MS: u64 = 400;

fn spread(start: NaiveDateTime, i: usize) -> NaiveDateTime {
    start + chrono::Duration::seconds(i as i64 * 10)
}

/// Runs the worker while `writes` go on, then once more; `now` moves an
/// hour a run so that every retry is due by the next one.
async fn work_while(
    s: &Setup,
    now: &mut NaiveDateTime,
    writes: impl Future<Output = ()>,
) -> RunReport {
    let done = AtomicBool::new(false);
    let worker = async {
        let mut clock = *now;
        let mut reports = Vec::new();
        loop {
            let last = done.load(Ordering::SeqCst);
            reports.push(s.worker.run_once(clock).await.unwrap());
            clock += chrono::Duration::hours(1);
            if last {
                return (clock, reports);
            }
            // A schedule tick, shortened.
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    };
    let writes = async {
        writes.await;
        done.store(true, Ordering::SeqCst);
    };
    let ((clock, reports), ()) = tokio::join!(worker, writes);
    *now = clock;
    reports.into_iter().fold(RunReport::default(), |a, b| a + b)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_changes_through_thirty_percent_faults_end_exactly_in_step() {
    let s = setup_with(
        Duration::from_millis(250),
        WorkerSettings {
            concurrency: 16,
            max_attempts: 6,
            base_delay: Duration::from_secs(60),
            max_delay: Duration::from_secs(1800),
            ..WorkerSettings::default()
        },
    )
    .await;
    s.faults(json!({
        "unavailable_rate": 0.05, "lost_answer_rate": 0.05, "slow_rate": 0.05, "slow_ms": SLOW_MS,
        "spurious_exists_rate": 0.05, "expire_rate": 0.05, "duplicate_rate": 0.05,
    }))
    .await;

    let mut now = at(1, 8, 0);
    let mut codes: Vec<DossierCode> = Vec::new();
    let codes_out = &mut codes;
    let s_ref = &s;
    let received = work_while(&s, &mut now, async move {
        for i in 0..DOSSIERS {
            codes_out.push(s_ref.receive(spread(at(1, 8, 0), i)).await);
        }
    })
    .await;
    let mut totals = vec![received];
    for (wave, (action, role)) in STEPS.into_iter().enumerate() {
        let day = 2 + wave as u32;
        if wave == 2 {
            // The portal loses some dossiers mid-run; their next change must
            // bring them back whole. (After the answers the client gave up on
            // have landed: a late insert after the loss would bring a dossier
            // back without its steps, which `TraCuuHoSo` cannot show.)
            tokio::time::sleep(Duration::from_millis(SLOW_MS * 2)).await;
            s.forget(&codes[..20]).await;
        }
        let writes = futures::stream::iter(codes.iter().enumerate()).for_each_concurrent(
            WRITERS,
            |(i, code)| async move {
                s_ref
                    .act(code, action, role, spread(at(day, 9, 0), i))
                    .await;
            },
        );
        let report = work_while(&s, &mut now, writes).await;
        totals.push(report);
    }
    // The worker goes on until nothing is due any more: what is left is dead letters.
    for _ in 0..50 {
        let report = s.worker.run_once(now).await.unwrap();
        now += chrono::Duration::hours(1);
        let empty = s
            .store
            .pending_outbox(OutboxKind::Dvcqg, 1)
            .await
            .unwrap()
            .is_empty();
        totals.push(report);
        if empty {
            break;
        }
    }
    let dead = s.store.dead_letters(OutboxKind::Dvcqg).await.unwrap();
    // And the portal loses a few more after the last change: only reconciliation can see it.
    tokio::time::sleep(Duration::from_millis(SLOW_MS * 2)).await;
    let lost_late = &codes[100..110];
    s.forget(lost_late).await;

    // One reconciliation, still under faults, then the worker sends the repairs.
    let agency = codes[0].agency();
    let report = s
        .worker
        .reconcile(&agency, at(1, 0, 0).date(), at(30, 0, 0).date(), now)
        .await
        .unwrap();
    eprintln!(
        "reconciliation: checked {}, in step {}, missing {}, differing {}, unchecked {}, \
         pending {}, revived {}, requeued {}",
        report.checked,
        report.in_step,
        report.missing.len(),
        report.differing.len(),
        report.unchecked.len(),
        report.pending,
        report.revived,
        report.requeued
    );
    assert_eq!(report.checked, DOSSIERS);
    for code in lost_late {
        assert!(
            report.missing.contains(&code.to_string())
                || report.unchecked.contains(&code.to_string()),
            "{code} lost by the portal was not found"
        );
    }
    let dead_codes: BTreeSet<_> = dead.iter().map(|e| &e.code).collect();
    assert_eq!(report.revived, dead_codes.len());
    // The portal is well again; the repairs drain.
    s.faults(json!({})).await;
    let drained = s.worker.drain(|| now, || true).await.unwrap();
    assert_eq!(drained.entries_deferred + drained.entries_dead, 0);
    assert!(
        s.store
            .pending_outbox(OutboxKind::Dvcqg, 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        s.store
            .dead_letters(OutboxKind::Dvcqg)
            .await
            .unwrap()
            .is_empty()
    );

    // The faults happened.
    let deferred: usize = totals.iter().map(|r| r.entries_deferred).sum();
    let done: usize = totals.iter().map(|r| r.entries_done).sum();
    eprintln!(
        "worker: {done} entries delivered, {deferred} deferred, {} dead letters ({} dossiers)",
        dead.len(),
        dead_codes.len()
    );
    assert!(
        deferred > DOSSIERS / 2,
        "only {deferred} retries under 30% faults"
    );

    // Exactly our state: each dossier as we would send it, each step once, in order.
    let state = s.peer_state().await;
    assert_eq!(
        state.dossiers.len(),
        DOSSIERS,
        "the portal holds other dossiers"
    );
    assert_eq!(state.misordered_steps, 0, "steps arrived out of order");
    let mut steps = 0;
    for code in &codes {
        let (dossier, expected_steps) = s.expected(code).await;
        assert_eq!(state.dossiers.get(code.as_str()), Some(&dossier), "{code}");
        let held = &state.progress[code.as_str()];
        let key = |t: &dvcqg::packets::TienDo| serde_json::to_string(t).unwrap();
        let held: BTreeSet<String> = held.iter().map(key).collect();
        let ours: BTreeSet<String> = expected_steps.iter().map(key).collect();
        assert_eq!(held, ours, "{code}: steps differ");
        assert_eq!(expected_steps.len(), 1 + STEPS.len());
        steps += expected_steps.len();
    }
    assert_eq!(steps, DOSSIERS * (1 + STEPS.len()));
    eprintln!(
        "peer: {} requests, {} repeated steps stored once",
        state.requests, state.repeated_steps
    );
}
