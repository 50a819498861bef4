//! Figures for the national-portal sync (docs/benchmarks.md):
//! - packets per second the worker drains from a full outbox to the peer
//!   on loopback, over the local DynamoDB emulator;
//! - the time from a change being stored to its arrival at the peer when
//!   the worker's tick comes (the Lambda runs every minute).
//!
//! `cargo run -p dvcqg-peer --example drain --release -- [dossiers] [concurrency]`

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::{at, setup_with};
use domain::{Action, Role};
use dvcqg::worker::WorkerSettings;
use futures::StreamExt;

const CHANGES: [(Action, Role); 4] = [
    (Action::AssignDepartment, Role::Desk),
    (Action::StartReview, Role::Specialist),
    (Action::SubmitForApproval, Role::Specialist),
    (Action::Approve, Role::AgencyLeader),
];

#[tokio::main]
async fn main() {
    let mut args = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>().unwrap());
    let dossiers = args.next().unwrap_or(1_000);
    let concurrency = args.next().unwrap_or(16);
    let s = setup_with(
        Duration::from_secs(10),
        WorkerSettings {
            concurrency,
            batch: dossiers * (1 + CHANGES.len()),
            ..WorkerSettings::default()
        },
    )
    .await;

    // A backlog: every dossier received and moved four times, nothing sent yet.
    let filling = Instant::now();
    let mut codes = Vec::with_capacity(dossiers);
    for i in 0..dossiers {
        codes.push(
            s.receive(at(1, 8, 0) + chrono::Duration::seconds(i as i64))
                .await,
        );
    }
    for (wave, (action, role)) in CHANGES.into_iter().enumerate() {
        let day = 2 + wave as u32;
        let s = &s;
        futures::stream::iter(codes.iter().enumerate())
            .for_each_concurrent(16, |(i, code)| async move {
                let when = at(day, 9, 0) + chrono::Duration::seconds(i as i64);
                s.act(code, action, role, when).await;
            })
            .await;
    }
    let changes = dossiers * (1 + CHANGES.len());
    println!(
        "backlog: {dossiers} dossiers, {changes} changes, written in {:.1} s",
        filling.elapsed().as_secs_f64()
    );

    let before = s.peer_state().await.requests;
    let cpu_before = cpu_seconds(std::process::id());
    let moto_before = emulator_pid().map_or(0.0, cpu_seconds);
    let draining = Instant::now();
    let report = s.worker.drain(|| at(9, 9, 0), || true).await.unwrap();
    let took = draining.elapsed().as_secs_f64();
    let cpu = cpu_seconds(std::process::id()) - cpu_before;
    let moto = emulator_pid().map_or(0.0, cpu_seconds) - moto_before;
    let requests = s.peer_state().await.requests - before;
    let packets = report.dossiers_sent + report.steps_sent;
    println!(
        "drain (concurrency {concurrency}): {} dossier packets + {} step packets = {packets} packets \
         in {requests} HTTP calls, {took:.2} s: {:.0} packets/s, {:.0} calls/s",
        report.dossiers_sent,
        report.steps_sent,
        packets as f64 / took,
        requests as f64 / took,
    );
    assert_eq!(report.entries_done, changes, "{report:?}");
    println!(
        "CPU during the drain: worker and peer (this process) {cpu:.2} s = {:.0} µs a packet; \
         the DynamoDB emulator {moto:.2} s ({:.0}% of one core)",
        cpu * 1e6 / packets as f64,
        moto * 100.0 / took,
    );

    // The HTTP side alone: the same step packets straight to the peer, 5 a call.
    let client = dvcqg::client::Client::new(dvcqg::client::ClientSettings::at(
        &s.peer,
        "donvi",
        "mat-khau",
        Duration::from_secs(10),
    ));
    let mut steps = Vec::new();
    for code in &codes {
        steps.push(s.expected(code).await.1);
    }
    let sending = Instant::now();
    let client = &client;
    futures::stream::iter(&steps)
        .for_each_concurrent(concurrency, |batch| async move {
            client
                .send(
                    "000.00.01.H29",
                    dvcqg::packets::service::PROGRESS,
                    None,
                    batch,
                )
                .await
                .unwrap();
        })
        .await;
    let took = sending.elapsed().as_secs_f64();
    let sent: usize = steps.iter().map(Vec::len).sum();
    println!(
        "peer alone: {sent} step packets in {} calls, {took:.2} s: {:.0} packets/s",
        steps.len(),
        sent as f64 / took
    );

    // Change to arrival: one change, then the worker's next run.
    let mut waits = Vec::new();
    for (i, code) in codes.iter().take(20).enumerate() {
        let when = at(10, 9, 0) + chrono::Duration::minutes(i as i64);
        s.act(code, Action::ReturnResult, Role::Desk, when).await;
        let stored = Instant::now();
        let report = s.worker.run_once(when).await.unwrap();
        assert_eq!(report.steps_sent, 1);
        waits.push(stored.elapsed().as_secs_f64() * 1000.0);
    }
    waits.sort_by(f64::total_cmp);
    println!(
        "change to arrival once the tick comes: median {:.1} ms, max {:.1} ms over {} changes",
        waits[waits.len() / 2],
        waits[waits.len() - 1],
        waits.len()
    );
}

/// CPU time (user + system) of process `pid` so far, from `/proc` (Linux).
fn cpu_seconds(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses.
    let after = stat.rsplit_once(')').map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    // utime and stime are fields 14 and 15; 100 ticks a second on Linux.
    (ticks(11) + ticks(12)) / 100.0
}

/// The moto server this process started (its script is named after us).
fn emulator_pid() -> Option<u32> {
    let script = format!("dvc-moto-server-{}.py", std::process::id());
    std::fs::read_dir("/proc")
        .ok()?
        .flatten()
        .find_map(|entry| {
            let pid: u32 = entry.file_name().to_str()?.parse().ok()?;
            let cmdline = std::fs::read(entry.path().join("cmdline")).ok()?;
            let cmdline = String::from_utf8_lossy(&cmdline);
            // The interpreter itself, not the shell that started it.
            let program = cmdline.split('\0').next()?;
            (program.ends_with("python") && cmdline.contains(&script)).then_some(pid)
        })
}
