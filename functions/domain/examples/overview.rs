//! Prints what the rules make of the real data: the catalogue import report,
//! this year's days off and the appointment for a dossier received now.
//! Run by `scripts/dev` until the local portal exists.
//!
//! Usage: overview <path to procedures.jsonl>

use chrono::{Datelike, FixedOffset, Utc};
use domain::{Channel, ResolutionTime, TimeUnit, WorkingCalendar, appointment, import_catalogue};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: overview <procedures.jsonl>")?;
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
    let import = import_catalogue(&text);
    println!("Catalogue {path}");
    println!(
        "  loaded {} procedures ({} clean, {} with issues), rejected {}",
        import.procedures.len(),
        import.clean_count(),
        import.issues.len(),
        import.rejected.len()
    );
    for (kind, count) in import.issue_counts() {
        println!("  issue {kind}: {count}");
    }
    for rejection in &import.rejected {
        println!(
            "  rejected line {} ({}): {}",
            rejection.line,
            rejection.code.as_deref().unwrap_or("?"),
            rejection.reason
        );
    }
    let online = import
        .procedures
        .iter()
        .filter(|p| p.accepts_online())
        .count();
    let timed = import
        .procedures
        .iter()
        .filter(|p| p.resolution_time(Channel::Online).is_some())
        .count();
    println!("  accepting online dossiers: {online}, of which with a resolution time: {timed}");

    let vietnam = FixedOffset::east_opt(7 * 3600).expect("UTC+7");
    let now = Utc::now().with_timezone(&vietnam).naive_local();
    let calendar = WorkingCalendar::vietnam();
    println!("\nDays off in {}", now.year());
    for (day, name) in calendar.holidays_of(now.year()) {
        println!("  {}  {name}", day.format("%d/%m/%Y"));
    }
    let five_days = ResolutionTime::whole(5, TimeUnit::WorkingDays)?;
    let due = appointment(&calendar, now, five_days)?;
    println!(
        "\nA dossier received now ({}) with {five_days}: appointment {}",
        now.format("%d/%m/%Y %H:%M"),
        due.format("%d/%m/%Y %H:%M")
    );
    Ok(())
}
