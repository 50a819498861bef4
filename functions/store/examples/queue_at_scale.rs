//! Work queues in a big table: fills a local table (moto) with `COUNT`
//! dossiers (default 1,000,000) spread over 20 agencies, most of them
//! finished, the rest open in the queues of desks, departments and
//! specialists; then reads queue pages and reports, per page, the
//! DynamoDB requests sent, the items read (`ScannedCount`) and the time.
//!
//! `cargo run --release -p store --example queue_at_scale -- [COUNT]`

use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use domain::{
    Action, Actor, AgencyCode, Applicant, Channel, DepartmentId, DossierCode, DossierProgress,
    OwnerType, ProcedureCode, Queue, ResolutionTime, ResultDelivery, Role, Stage, TimeUnit,
};
use store::{DossierRecord, Milestones, QueueFilter, RequestCounter, Store, StoreSettings};

const AGENCIES: u32 = 20;
const PAGE: u16 = 50;

fn at(day: u32, minute: i64) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 1, 1)
        .unwrap()
        .and_hms_opt(8, 0, 0)
        .unwrap()
        + Duration::days(i64::from(day))
        + Duration::minutes(minute)
}

fn record(template: &DossierRecord, n: u32) -> DossierRecord {
    // Twenty consecutive numbers share an agency, so each agency gets every kind.
    let group = n / 20;
    let agency = AgencyCode::parse(&format!("000.00.{:02}.H29", group % AGENCIES + 1)).unwrap();
    let local = group / AGENCIES * 20 + n % 20;
    let day = local / 9_000;
    let sequence = local % 9_000 + 1;
    let received = at(day, i64::from(sequence % 480));
    let code = DossierCode::issue(&agency, received.date(), sequence).unwrap();
    // One in ten is still open: half at the desk, the rest with a
    // department or one of 20 specialists of each agency.
    let (stage, department, assignee) = match n % 20 {
        0 => (Stage::Submitted, None, None),
        1 => (
            Stage::AssignedToDepartment,
            Some(format!("phong-{}", n % 5)),
            None,
        ),
        _ if n % 10 == 2 => (
            Stage::UnderReview,
            Some(format!("phong-{}", n % 5)),
            Some(format!("chuyen-vien-{}", n % 20)),
        ),
        _ => (Stage::Returned, Some(format!("phong-{}", n % 5)), None),
    };
    let mut r = template.clone();
    r.code = code;
    r.agency = agency;
    r.received_at = received;
    r.due_at = Some(received + Duration::days(7));
    r.stage = stage;
    r.status = stage.national();
    r.department = department.map(|d| DepartmentId::parse(&d).unwrap());
    r.assignee = assignee;
    r
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: u32 = std::env::args()
        .nth(1)
        .map(|c| c.parse())
        .transpose()?
        .unwrap_or(1_000_000);
    let moto = tokio::task::spawn_blocking(localaws::Moto::start).await??;
    let sdk = moto.sdk_config().await;
    let counter = RequestCounter::default();
    let settings = StoreSettings {
        table: "queue-bench".into(),
        bucket: "queue-bench".into(),
        s3_path_style: true,
        limits: Default::default(),
        link_ttl: std::time::Duration::from_secs(60),
    };
    let store = Store::with_counter(&sdk, settings, counter.clone());
    store.create_resources().await?;

    let applicant = Applicant::parse(
        OwnerType::Citizen,
        "Nguyễn Văn An",
        "001099012345",
        "0912345678",
        None,
        "Hà Nội",
    )?;
    let opening = DossierProgress::open(
        Action::ReceiveAtDesk,
        Actor {
            id: "mot-cua".into(),
            role: Role::Desk,
        },
        at(0, 0),
        None,
        None,
    )?;
    let template = DossierRecord {
        code: DossierCode::issue(&AgencyCode::parse("000.00.01.H29")?, at(0, 0).date(), 1)?,
        procedure_code: ProcedureCode::parse("1.000419")?,
        procedure_name: "Thủ tục đăng ký khai tử lưu động".into(),
        agency: AgencyCode::parse("000.00.01.H29")?,
        owner: None,
        channel: Channel::InPerson,
        applicant,
        summary: "Đăng ký khai tử".into(),
        result_delivery: ResultDelivery::AtDesk,
        resolution: Some(ResolutionTime::whole(5, TimeUnit::WorkingDays)?),
        received_at: at(0, 0),
        due_at: None,
        stage: opening.stage(),
        status: opening.national_status(),
        department: None,
        assignee: None,
        version: 1,
        files: Vec::new(),
        papers: Vec::new(),
        result: None,
        finished: None,
        milestones: Milestones::default(),
        tracking_secret_sha256: store::secret_hash("bench"),
        national: None,
    };

    let started = Instant::now();
    let writers = 8;
    let chunk = 2_500u32;
    let mut next = 0u32;
    while next < count {
        let mut tasks = Vec::new();
        for _ in 0..writers {
            if next >= count {
                break;
            }
            let end = (next + chunk).min(count);
            let records: Vec<DossierRecord> = (next..end).map(|n| record(&template, n)).collect();
            let store = store.clone();
            tasks.push(tokio::spawn(
                async move { store.import_records(&records).await },
            ));
            next = end;
        }
        for task in tasks {
            task.await??;
        }
        eprint!(
            "\rloaded {next} / {count} dossiers ({:.0} s)",
            started.elapsed().as_secs_f64()
        );
    }
    eprintln!();

    let agency = AgencyCode::parse("000.00.01.H29")?;
    let queues = [
        ("desk", Queue::Desk),
        (
            "department phong-1",
            Queue::Department(DepartmentId::parse("phong-1")?),
        ),
        (
            "specialist chuyen-vien-2",
            Queue::Official("chuyen-vien-2".into()),
        ),
    ];
    println!("dossiers in the table: {count}");
    println!("| queue | page | items | requests | items read | ms |");
    println!("|---|---|---|---|---|---|");
    for (name, queue) in &queues {
        let mut cursor = None;
        for page_number in 1..=3 {
            counter.reset();
            let t = Instant::now();
            let page = store
                .queue_page(
                    &agency,
                    queue,
                    &QueueFilter::default(),
                    PAGE,
                    cursor.as_deref(),
                )
                .await?;
            let ms = t.elapsed().as_secs_f64() * 1000.0;
            println!(
                "| {name} | {page_number} | {} | {} | {} | {ms:.1} |",
                page.items.len(),
                counter.total(),
                page.read
            );
            cursor = page.next;
            if cursor.is_none() {
                break;
            }
        }
        counter.reset();
        let total = store.queue_count(&agency, queue, None).await?;
        println!("| {name} | count | {total} | {} | — | — |", counter.total());
    }
    Ok(())
}
