//! The statistics publication at scale, without the store: synthetic
//! registers of `--agencies` agencies with `--per-month` dossiers a month
//! over the 12 months shown and the 12 before (the carry-over window),
//! counted, rendered and written into `--site` (a copy of the site that
//! `scripts/bench/statistics` builds afterwards with `sitegen`).
//!
//! `cargo run -p publish --example statistics_at_scale -- --site DIR
//! [--agencies 20] [--per-month 250] [--procedures 25] [--change]`
//! (`--change`: one more dossier for the first agency's latest month, the
//! small change of a day's publication).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use clap::Parser;
use domain::public_statistics::{PublicDossier, RatingFacts, months_before};
use domain::{
    AgencyCode, AgencyProfile, CARRY_OVER_MONTHS, Channel, DossierFacts, Month, ProcedureCode,
    Satisfaction, Timeliness,
};
use publish::Site;
use publish::statistics::{AgencyRecords, MONTHS, cut_of, render};

#[derive(Parser)]
struct Args {
    /// A copy of the site (config.toml, content/, templates/, static/).
    #[arg(long)]
    site: PathBuf,
    #[arg(long, default_value_t = 20)]
    agencies: u32,
    /// Dossiers each agency receives a month.
    #[arg(long, default_value_t = 250)]
    per_month: u32,
    /// Procedures of each agency.
    #[arg(long, default_value_t = 25)]
    procedures: u32,
    /// One more dossier for the first agency's latest month.
    #[arg(long)]
    change: bool,
}

/// xorshift64*: the same registers on every run.
struct Draw(u64);

impl Draw {
    fn next(&mut self, below: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % below
    }
}

fn agency(a: u32, args: &Args, months: &[Month], cut: NaiveDateTime) -> AgencyRecords {
    let code = AgencyCode::parse(&format!("000.{:02}.{:02}.H29", a / 100, a % 100)).unwrap();
    let mut draw = Draw(0x9E37_79B9_7F4A_7C15 ^ u64::from(a + 1));
    let codes: Vec<ProcedureCode> = (0..args.procedures)
        .map(|p| ProcedureCode::parse(&format!("1.{:06}", 1000 + p)).unwrap())
        .collect();
    let mut dossiers = Vec::new();
    let mut ratings = Vec::new();
    let first = months[0].months_before(CARRY_OVER_MONTHS);
    let all: Vec<Month> = (0..CARRY_OVER_MONTHS + MONTHS)
        .map(|i| {
            let mut m = first;
            for _ in 0..i {
                m = Month::of(m.end().date());
            }
            m
        })
        .collect();
    let last = *months.last().unwrap();
    for month in all {
        let days = (month.last_day() - month.first_day()).num_days() + 1;
        for _ in 0..args.per_month {
            let received = month.start()
                + Duration::days(draw.next(days as u64) as i64)
                + Duration::minutes(480 + draw.next(540) as i64);
            if received >= cut {
                continue;
            }
            let due = received + Duration::days(5 + draw.next(10) as i64);
            let roll = draw.next(100);
            let recent = month >= last.months_before(1);
            let (finished, final_stage) = match roll {
                0..=1 => (None, true),
                _ if recent && roll < 15 => (None, false),
                2..=56 => (
                    Some((received + Duration::days(2), Timeliness::Early)),
                    true,
                ),
                57..=84 => (Some((due - Duration::hours(1), Timeliness::OnTime)), true),
                _ => (Some((due + Duration::days(3), Timeliness::Late)), true),
            };
            let finished = finished.filter(|(at, _)| *at < cut);
            let procedure = codes[draw.next(codes.len() as u64) as usize].clone();
            if let Some((at, _)) = finished
                && draw.next(10) < 4
            {
                let given = at + Duration::days(1);
                if given < cut {
                    ratings.push(RatingFacts {
                        given_at: given,
                        procedure: procedure.clone(),
                        overall: match draw.next(10) {
                            0 => Satisfaction::Dissatisfied,
                            1..=3 => Satisfaction::Satisfied,
                            _ => Satisfaction::VerySatisfied,
                        },
                    });
                }
            }
            dossiers.push(PublicDossier {
                facts: DossierFacts {
                    received_at: received,
                    due_at: Some(due),
                    final_stage: final_stage && finished.is_some() || roll <= 1,
                    finished,
                },
                procedure,
                channel: if draw.next(10) < 6 {
                    Channel::Online
                } else {
                    Channel::InPerson
                },
            });
        }
    }
    if args.change && a == 0 {
        dossiers.push(PublicDossier {
            facts: DossierFacts {
                received_at: cut - Duration::hours(10),
                due_at: Some(cut + Duration::days(5)),
                finished: None,
                final_stage: false,
            },
            procedure: codes[0].clone(),
            channel: Channel::Online,
        });
    }
    let procedure_names: BTreeMap<ProcedureCode, String> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.clone(), format!("Thủ tục thử nghiệm số {}", i + 1)))
        .collect();
    AgencyRecords {
        profile: AgencyProfile {
            code,
            name: format!("Cơ quan thử nghiệm số {} (dữ liệu tổng hợp)", a + 1),
            parent_name: None,
            desk_name: "Bộ phận Một cửa".into(),
            place: "Thử nghiệm".into(),
            phone: None,
            national_unit_code: None,
            national_credentials_secret: None,
            calendar_overrides: None,
        },
        dossiers,
        ratings,
        procedure_names,
    }
}

fn main() {
    let args = Args::parse();
    let today = NaiveDate::from_ymd_opt(2026, 7, 3).unwrap();
    let cut = cut_of(today);
    let months = months_before(cut, MONTHS);

    let started = Instant::now();
    let agencies: Vec<AgencyRecords> = (0..args.agencies)
        .map(|a| agency(a, &args, &months, cut))
        .collect();
    let generated = started.elapsed();
    let dossiers: usize = agencies.iter().map(|a| a.dossiers.len()).sum();
    let ratings: usize = agencies.iter().map(|a| a.ratings.len()).sum();

    let started = Instant::now();
    let files = render(cut, &months, &agencies).unwrap();
    let rendered = started.elapsed();
    let bytes = |f: &BTreeMap<String, Vec<u8>>| f.values().map(Vec::len).sum::<usize>();
    let (content_bytes, download_bytes) = (bytes(&files.content), bytes(&files.downloads));

    let site = Site {
        content: &args.site.join("content"),
        static_dir: &args.site.join("static"),
    };
    let started = Instant::now();
    let content = site
        .replace_content(publish::statistics::DIR, &files.content)
        .unwrap();
    let downloads = site
        .replace_static(publish::statistics::DIR, &files.downloads)
        .unwrap();
    let written = started.elapsed();
    println!(
        "{} agencies, {dossiers} dossiers read (12 months shown + {CARRY_OVER_MONTHS} before), {ratings} ratings; \
         generated in {generated:.2?}; counted and rendered in {rendered:.2?} \
         ({} pages, {content_bytes} B of content; {} CSV files, {download_bytes} B); \
         written in {written:.2?}: content {:?}, static {:?}",
        args.agencies,
        files.content.len(),
        files.downloads.len(),
        content.written,
        downloads.written,
    );
}
