//! Appointment dates at volume: the issue asks for 1,000,000 in well under a
//! second. Inputs are fixed: receipts spread over 2025–2026 (so Tết, the
//! swaps and Giỗ Tổ are crossed) at every minute of the day, with resolution
//! times of 1–30 working days.

use chrono::{Duration, NaiveDate, NaiveDateTime};
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use domain::{DeadlineClock, ResolutionTime, TimeUnit, WorkingCalendar, appointment};
use std::hint::black_box;

const N: usize = 1_000_000;

fn inputs() -> Vec<(NaiveDateTime, ResolutionTime)> {
    let start = NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (0..N)
        .map(|i| {
            let received = start + Duration::minutes((i as i64 * 1_051) % (2 * 365 * 24 * 60));
            let days = ResolutionTime::whole(1 + (i % 30) as u32, TimeUnit::WorkingDays).unwrap();
            (received, days)
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let calendar = WorkingCalendar::vietnam();
    let inputs = inputs();
    let mut group = c.benchmark_group("appointments");
    group.sample_size(10);
    group.throughput(Throughput::Elements(N as u64));
    group.bench_function("1M appointment dates, working days", |b| {
        b.iter(|| {
            for &(received, resolution) in &inputs {
                black_box(appointment(&calendar, received, resolution).unwrap());
            }
        })
    });
    group.bench_function("1M appointment dates, after a supplement pause", |b| {
        b.iter(|| {
            for &(received, resolution) in &inputs {
                let mut clock = DeadlineClock::start(received, resolution);
                clock.pause(received + Duration::hours(30)).unwrap();
                clock.resume(received + Duration::hours(80)).unwrap();
                black_box(clock.due(&calendar, received).unwrap());
            }
        })
    });
    group.finish();
    c.bench_function("building the national calendar (2000–2100)", |b| {
        b.iter(|| black_box(WorkingCalendar::vietnam()))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
