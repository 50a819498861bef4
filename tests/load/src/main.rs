//! `portal-load [--faults]`: the whole portal under load, on loopback only,
//! stopping by itself. It starts local DynamoDB/S3 (moto) behind a fault
//! proxy, the national-portal peer and the dev server pointed at both; runs
//! 200 citizens submitting and tracking and 20 officials working queues for
//! 60 s; then checks that every dossier a citizen was given a code for is
//! stored once (none lost, none doubled) and reached the national portal.
//! With `--faults`: the DynamoDB/S3 endpoint restarts mid-run, S3 refuses
//! uploads for a while, and the national portal is down for the whole run,
//! back only afterwards. Exits non-zero when any expectation fails; prints
//! and writes (`--out`) the latency percentiles per operation and where the
//! time went.

mod actors;
mod proxy;
mod record;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Parser;
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use actors::{Duty, Ledger, Portal};
use proxy::FaultProxy;
use record::Recorder;

#[derive(Parser)]
struct Args {
    #[arg(long, default_value_t = 60)]
    seconds: u64,
    #[arg(long, default_value_t = 200)]
    citizens: u32,
    /// Restart the AWS endpoint, refuse uploads, keep the national portal down.
    #[arg(long)]
    faults: bool,
    /// The dev server and peer binaries (default: `$CARGO_TARGET_DIR/debug/…`).
    #[arg(long)]
    devserver: Option<PathBuf>,
    #[arg(long)]
    peer: Option<PathBuf>,
    /// Where the summary (JSON) and the dev server's log go.
    #[arg(long, default_value = "target/load")]
    out: PathBuf,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    std::fs::create_dir_all(&args.out)?;
    let binaries = std::env::var_os("CARGO_TARGET_DIR")
        .map_or_else(|| PathBuf::from("target"), PathBuf::from)
        .join("debug");
    let devserver_bin = args
        .devserver
        .clone()
        .unwrap_or_else(|| binaries.join("devserver"));
    let peer_bin = args
        .peer
        .clone()
        .unwrap_or_else(|| binaries.join("dvcqg-peer"));

    let moto = tokio::task::spawn_blocking(localaws::Moto::start)
        .await?
        .map_err(anyhow::Error::msg)?;
    let proxy = FaultProxy::start(moto.endpoint()).await?;
    let peer_port = localaws::free_port().map_err(anyhow::Error::msg)?;
    let peer_url = format!("http://127.0.0.1:{peer_port}");
    let peer = Command::new(&peer_bin)
        .arg(peer_port.to_string())
        .stdout(Stdio::null())
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", peer_bin.display()))?;
    let http = reqwest::Client::builder().no_proxy().build()?;
    wait_for(
        &http,
        &format!("{peer_url}/_state"),
        Duration::from_secs(30),
    )
    .await?;

    let port = localaws::free_port().map_err(anyhow::Error::msg)?;
    let base = format!("http://127.0.0.1:{port}");
    let site = tempdir(&args.out, "site")?;
    let log = std::fs::File::create(args.out.join("devserver.log"))?;
    let devserver = Command::new(&devserver_bin)
        .env("DVC_PORT", port.to_string())
        .env("DVC_AWS_ENDPOINT", proxy.endpoint())
        .env("DVC_PEER_URL", &peer_url)
        .env("DVC_LOAD_ACCOUNTS", "1")
        .env("DVC_PUBLICATIONS", "0")
        .env("DVC_SITE_DIR", &site)
        .env("RUST_LOG", "warn")
        .stdout(log.try_clone()?)
        .stderr(log)
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("starting {}", devserver_bin.display()))?;
    wait_for(
        &http,
        &format!("{base}/api/auth/config"),
        Duration::from_secs(180),
    )
    .await?;

    let token = |account: String| {
        let http = http.clone();
        let base = base.clone();
        async move {
            let answer: Value = http
                .get(format!("{base}/dev/token?account={account}"))
                .send()
                .await?
                .error_for_status()?
                .json()
                .await?;
            anyhow::Ok((
                account,
                answer["access_token"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            ))
        }
    };
    let citizens = futures::future::try_join_all(
        (1..=args.citizens).map(|n| token(format!("tai-cong-dan-{n}"))),
    )
    .await?;
    fn staff(prefix: &'static str, count: u32) -> impl Iterator<Item = String> {
        (1..=count).map(move |n| format!("{prefix}-{n:02}"))
    }
    let specialists: Arc<Vec<String>> = Arc::new(staff("tai-chuyen-vien", 8).collect());
    let officials = futures::future::try_join_all(
        staff("tai-mot-cua", 8)
            .chain(staff("tai-chuyen-vien", 8))
            .chain(staff("tai-truong-phong", 4))
            .map(token),
    )
    .await?;

    if args.faults {
        set_peer_down(&http, &peer_url, true).await?;
    }
    let recorder = Arc::new(Recorder::default());
    let portal = Portal::new(&base, recorder.clone())?;
    let ledger = Arc::new(Ledger::default());
    let cpu_before = CpuTimes::read(&moto, &devserver, &peer);
    let started = Instant::now();
    let until = started + Duration::from_secs(args.seconds);
    let mut people = tokio::task::JoinSet::new();
    for (n, (account, token)) in citizens.into_iter().enumerate() {
        people.spawn(actors::citizen(
            portal.clone(),
            account,
            token,
            n as u32 + 1,
            until,
            ledger.clone(),
        ));
    }
    for (account, token) in officials {
        let duty = if account.starts_with("tai-mot-cua") {
            Duty::Desk
        } else if account.starts_with("tai-truong-phong") {
            Duty::Head
        } else {
            Duty::Specialist
        };
        people.spawn(actors::official(
            portal.clone(),
            token,
            duty,
            specialists.clone(),
            until,
        ));
    }
    let proxy = Arc::new(proxy);
    let faults = args
        .faults
        .then(|| tokio::spawn(fault_schedule(proxy.clone(), args.seconds)));
    people.join_all().await;
    let wall = started.elapsed();
    let cpu_after = CpuTimes::read(&moto, &devserver, &peer);
    if let Some(faults) = faults {
        faults.await?;
        set_peer_down(&http, &peer_url, false).await?;
    }

    // Every acknowledged dossier is stored, once.
    let acknowledged = ledger.acknowledged.lock().expect("ledger poisoned").clone();
    let checker = Portal::new(&base, Arc::new(Recorder::default()))?;
    let (mut lost, mut extra, mut total) = (0usize, 0usize, 0usize);
    for (account, codes) in &acknowledged {
        let (_, token) = token(account.clone()).await?;
        let stored = my_dossiers(&checker, &token).await?;
        let given: BTreeSet<&String> = codes.iter().collect();
        total += given.len();
        lost += given.iter().filter(|c| !stored.contains(**c)).count();
        extra += stored.iter().filter(|c| !given.contains(c)).count();
    }
    // And reached the national portal, in order.
    let drain_started = Instant::now();
    let wanted: BTreeSet<String> = acknowledged.values().flatten().cloned().collect();
    let mut missing_on_peer = wanted.len();
    let mut misordered = 0;
    while drain_started.elapsed() < Duration::from_secs(300) {
        let snapshot: Value = http
            .get(format!("{peer_url}/_state"))
            .send()
            .await?
            .json()
            .await?;
        let held = snapshot["dossiers"]
            .as_object()
            .cloned()
            .unwrap_or_default();
        missing_on_peer = wanted.iter().filter(|c| !held.contains_key(*c)).count();
        misordered = snapshot["misordered_steps"].as_u64().unwrap_or_default();
        if missing_on_peer == 0 {
            break;
        }
        tokio::time::sleep(Duration::from_secs(2)).await;
    }
    let drained_in = drain_started.elapsed();

    let summary = recorder.summary();
    let time = proxy.time();
    let emulator_ms = (time.dynamodb_micros.load(Ordering::Relaxed)
        + time.s3_micros.load(Ordering::Relaxed)) as f64
        / 1000.0;
    let api_ms: f64 = summary
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, _)| *name != actors::UPLOAD_TO_S3)
        .map(|(_, o)| {
            o["requests"].as_f64().unwrap_or_default() * o["mean_ms"].as_f64().unwrap_or_default()
        })
        .sum();
    let cpu = cpu_after.minus(&cpu_before);
    let gave_up = *ledger.gave_up.lock().expect("ledger poisoned");
    let report = json!({
        "faults": args.faults,
        "citizens": args.citizens, "officials": 20, "seconds": wall.as_secs_f64(),
        "operations": summary,
        "dossiers_acknowledged": total, "lost": lost, "extra": extra,
        "submissions_given_up": gave_up,
        "errors": recorder.errors(), "refusals": recorder.refusals(),
        "error_samples": recorder.error_samples(),
        "national_portal": {"missing": missing_on_peer, "misordered_steps": misordered, "drained_in_s": drained_in.as_secs_f64()},
        "emulator": {
            "dynamodb_requests": time.dynamodb_requests.load(Ordering::Relaxed),
            "s3_requests": time.s3_requests.load(Ordering::Relaxed),
            "refused_uploads": time.refused_uploads.load(Ordering::Relaxed),
            "wall_ms_in_emulator": emulator_ms,
            "wall_ms_in_api_requests": api_ms,
            "by_operation": time.by_operation.lock().expect("timing poisoned").iter()
                .map(|(name, (n, micros))| (name.clone(), json!({"requests": n, "total_ms": *micros as f64 / 1000.0})))
                .collect::<serde_json::Map<_, _>>(),
        },
        "cpu_seconds": {"moto": cpu.moto, "devserver": cpu.devserver, "peer": cpu.peer},
    });
    std::fs::write(
        args.out.join(if args.faults {
            "faults.json"
        } else {
            "load.json"
        }),
        serde_json::to_string_pretty(&report)?,
    )?;
    println!("{}", record::table(&summary));
    println!(
        "{} dossiers acknowledged, {lost} lost, {extra} extra; {} errors, {} clear refusals (503), {gave_up} submissions given up",
        total,
        recorder.errors(),
        recorder.refusals()
    );
    println!(
        "national portal: {missing_on_peer} missing, {misordered} steps out of order, drained in {:.0} s",
        drained_in.as_secs_f64()
    );
    println!(
        "CPU seconds: moto {:.1}, dev server {:.1}, peer {:.1}; time in the emulator {:.0} % of API request time",
        cpu.moto,
        cpu.devserver,
        cpu.peer,
        if api_ms > 0.0 {
            100.0 * emulator_ms / api_ms
        } else {
            0.0
        }
    );
    for sample in recorder.error_samples() {
        println!("  error: {sample}");
    }
    drop((devserver, peer, moto));

    let mut failures = Vec::new();
    if recorder.errors() > 0 {
        failures.push(format!(
            "{} requests had no clear answer",
            recorder.errors()
        ));
    }
    if lost > 0 || extra > 0 {
        failures.push(format!("{lost} acknowledged dossiers lost, {extra} extra"));
    }
    if missing_on_peer > 0 || misordered > 0 {
        failures.push(format!(
            "national portal: {missing_on_peer} dossiers never arrived, {misordered} steps out of order"
        ));
    }
    if !args.faults && (recorder.refusals() > 0 || gave_up > 0) {
        failures.push(format!(
            "without faults, {} requests were refused and {gave_up} submissions given up",
            recorder.refusals()
        ));
    }
    if total == 0 {
        failures.push("no dossier was acknowledged".into());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        bail!(failures.join("; "))
    }
}

/// The fault schedule over a run of `seconds`: the endpoint restarts at a
/// sixth (down 5 s); S3 refuses uploads from two sixths to three sixths.
async fn fault_schedule(proxy: Arc<FaultProxy>, seconds: u64) {
    let sixth = Duration::from_secs(seconds) / 6;
    tokio::time::sleep(sixth).await;
    println!("fault: the DynamoDB/S3 endpoint restarts (down 5 s)");
    proxy.restart(Duration::from_secs(5));
    tokio::time::sleep(sixth).await;
    println!("fault: S3 refuses uploads");
    proxy.refuse_uploads(true);
    tokio::time::sleep(sixth).await;
    println!("fault: S3 takes uploads again");
    proxy.refuse_uploads(false);
}

async fn set_peer_down(http: &reqwest::Client, peer: &str, down: bool) -> anyhow::Result<()> {
    http.post(format!("{peer}/_faults"))
        .json(&json!({"down": down}))
        .send()
        .await?
        .error_for_status()?;
    println!("national portal {}", if down { "down" } else { "back" });
    Ok(())
}

/// Every dossier code on a citizen's "my dossiers", across its pages.
async fn my_dossiers(portal: &Portal, token: &str) -> anyhow::Result<BTreeSet<String>> {
    let mut codes = BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = portal.url("/api/my/dossiers?limit=100");
        if let Some(cursor) = &cursor {
            url.push_str(&format!("&cursor={cursor}"));
        }
        let Some(page) = portal
            .call_until_accepted("my dossiers", || portal.http.get(&url).bearer_auth(token))
            .await
        else {
            bail!("could not list a citizen's dossiers");
        };
        codes.extend(
            page["items"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|i| i["code"].as_str().map(str::to_owned)),
        );
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => return Ok(codes),
        }
    }
}

async fn wait_for(http: &reqwest::Client, url: &str, limit: Duration) -> anyhow::Result<()> {
    let started = Instant::now();
    while started.elapsed() < limit {
        if http
            .get(url)
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    bail!("{url} did not answer within {limit:?}")
}

fn tempdir(parent: &Path, name: &str) -> anyhow::Result<PathBuf> {
    let dir = parent.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

/// CPU seconds (user + system) each process has used so far.
struct CpuTimes {
    moto: f64,
    devserver: f64,
    peer: f64,
}

impl CpuTimes {
    fn read(moto: &localaws::Moto, devserver: &Child, peer: &Child) -> Self {
        Self {
            moto: moto.server_pid().map_or(0.0, cpu_seconds),
            devserver: devserver.id().map_or(0.0, cpu_seconds),
            peer: peer.id().map_or(0.0, cpu_seconds),
        }
    }

    fn minus(&self, earlier: &Self) -> Self {
        Self {
            moto: self.moto - earlier.moto,
            devserver: self.devserver - earlier.devserver,
            peer: self.peer - earlier.peer,
        }
    }
}

/// `utime + stime` of `/proc/<pid>/stat`, in seconds (clock ticks of 1/100 s,
/// Linux's USER_HZ on every architecture it runs on).
fn cpu_seconds(pid: u32) -> f64 {
    let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
        return 0.0;
    };
    // The command name is in parentheses and may hold spaces: fields after it.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .unwrap_or_default()
    };
    // utime and stime are fields 14 and 15; what follows the name starts at field 3.
    (ticks(11) + ticks(12)) / 100.0
}
