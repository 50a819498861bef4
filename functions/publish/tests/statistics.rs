//! The statistics publication end to end: a hand-built month of dossiers
//! and ratings in a local table (moto), published into a copy of the site,
//! built with `sitegen`; each page's tables equal its CSV row by row, and
//! the hand-computed figures.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    Action, Actor, AgencyCode, AgencyProfile, Applicant, Channel, DossierCode, DossierProgress,
    Indicator, OwnerType, ProcedureCode, Rating, ResolutionTime, ResultDelivery, Role,
    Satisfaction, Stage, TimeUnit, WorkingCalendar,
};
use scraper::{ElementRef, Html, Selector};
use store::{NewDossier, RatingWrite, Store, StoreSettings, StoredRating};

const AGENCY: &str = "000.00.01.H29";
const OTHER: &str = "000.00.02.H29";
/// Khai tử (P1) and khai sinh (P2).
const P1: (&str, &str) = ("1.000419", "Thủ tục đăng ký khai tử");
const P2: (&str, &str) = ("1.001193", "Thủ tục đăng ký khai sinh");

fn on(m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

struct Local {
    store: Store,
    calendar: WorkingCalendar,
}

impl Local {
    async fn start() -> Self {
        let moto = Box::leak(Box::new(localaws::Moto::start().unwrap()));
        let sdk = moto.sdk_config().await;
        let store = Store::new(
            &sdk,
            StoreSettings {
                table: "publish".into(),
                bucket: "publish".into(),
                s3_path_style: true,
                limits: Default::default(),
                link_ttl: Duration::from_secs(60),
            },
        );
        store.create_resources().await.unwrap();
        Local {
            store,
            calendar: WorkingCalendar::vietnam(),
        }
    }

    async fn agency(&self, code: &str, name: &str) {
        self.store
            .put_agency(&AgencyProfile {
                code: AgencyCode::parse(code).unwrap(),
                name: name.into(),
                parent_name: None,
                desk_name: "Bộ phận Một cửa".into(),
                place: "Gia Viễn".into(),
                phone: None,
                national_unit_code: None,
                national_credentials_secret: None,
                calendar_overrides: None,
            })
            .await
            .unwrap();
    }

    /// A dossier of five working days received at `at`: online (submitted
    /// and accepted at once) or at the counter.
    async fn receive(
        &self,
        agency: &str,
        (procedure, name): (&str, &str),
        channel: Channel,
        at: NaiveDateTime,
    ) -> DossierCode {
        let five = ResolutionTime::whole(5, TimeUnit::WorkingDays).unwrap();
        let (action, role) = match channel {
            Channel::Online => (Action::SubmitOnline, Role::Citizen),
            _ => (Action::ReceiveAtDesk, Role::Desk),
        };
        let who = Actor {
            id: "nguoi-nop".into(),
            role,
        };
        let progress = DossierProgress::open(action, who, at, Some(five), None).unwrap();
        let new = NewDossier {
            procedure_code: ProcedureCode::parse(procedure).unwrap(),
            procedure_name: name.into(),
            agency: AgencyCode::parse(agency).unwrap(),
            owner: None,
            channel,
            applicant: Applicant::parse(
                OwnerType::Citizen,
                "Lê Thị Hoa",
                "036190001234",
                "0987654321",
                None,
                "Gia Viễn",
            )
            .unwrap(),
            summary: "Hồ sơ thử".into(),
            result_delivery: ResultDelivery::AtDesk,
            resolution: Some(five),
            due_at: progress.due(&self.calendar, at).unwrap(),
            files: Vec::new(),
            papers: Vec::new(),
            tracking_secret: "s".into(),
            opening: progress.last_event().clone(),
            national: None,
        };
        let code = self
            .store
            .submit(new, None, None)
            .await
            .unwrap()
            .record
            .code;
        if channel == Channel::Online {
            self.act(&code, Action::Accept, Role::Desk, at).await;
        }
        code
    }

    async fn act(&self, code: &DossierCode, action: Action, role: Role, at: NaiveDateTime) {
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

    /// To its result (ResultReady: processing ended) at `at`.
    async fn resolve(&self, code: &DossierCode, at: NaiveDateTime) {
        for (action, role) in [
            (Action::AssignDepartment, Role::Desk),
            (Action::StartReview, Role::Specialist),
            (Action::SubmitForApproval, Role::Specialist),
            (Action::Approve, Role::AgencyLeader),
        ] {
            self.act(code, action, role, at).await;
        }
    }

    /// A rating of `code` given at `at`: every indicator `level`, but
    /// `unhappy` (one indicator dissatisfied) makes the whole dissatisfied.
    async fn rate(
        &self,
        code: &DossierCode,
        (procedure, _): (&str, &str),
        level: Satisfaction,
        unhappy: bool,
        at: NaiveDateTime,
    ) {
        let answers: Vec<_> = Indicator::ALL
            .iter()
            .map(|i| {
                let dissatisfied = unhappy && *i == Indicator::StaffAttitude;
                (
                    *i,
                    if dissatisfied {
                        Satisfaction::Dissatisfied
                    } else {
                        level
                    },
                )
            })
            .collect();
        let rating = Rating::give(Stage::Returned, &answers, None, at).unwrap();
        self.store
            .put_rating(
                &StoredRating {
                    code: code.clone(),
                    agency: AgencyCode::parse(AGENCY).unwrap(),
                    procedure_code: ProcedureCode::parse(procedure).unwrap(),
                    rating,
                },
                RatingWrite::First,
            )
            .await
            .unwrap();
    }
}

/// A copy of the site to build: its config, templates and static files,
/// and its content without the procedure pages (the home page's featured
/// fields emptied accordingly).
fn site_copy(root: &Path) {
    let shipped = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../site");
    std::fs::create_dir_all(root).unwrap();
    std::fs::copy(shipped.join("config.toml"), root.join("config.toml")).unwrap();
    copy_dir(&shipped.join("templates"), &root.join("templates"), &|_| {
        true
    });
    copy_dir(&shipped.join("static"), &root.join("static"), &|p| {
        !p.starts_with("thong-ke")
    });
    copy_dir(&shipped.join("content"), &root.join("content"), &|p| {
        let p = p.to_string_lossy();
        !p.starts_with("thong-ke") && (!p.starts_with("thu-tuc/") || p == "thu-tuc/_index.md")
    });
    std::fs::write(
        root.join("content/_index.md"),
        "+++\ntitle = \"Cổng Dịch vụ công\"\n[extra]\nfeatured_fields = []\n+++\n",
    )
    .unwrap();
}

fn copy_dir(from: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
    fn walk(base: &Path, dir: &Path, to: &Path, keep: &dyn Fn(&Path) -> bool) {
        for item in std::fs::read_dir(dir).unwrap() {
            let path = item.unwrap().path();
            let relative = path.strip_prefix(base).unwrap();
            if !keep(relative) {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, to, keep);
            } else {
                let target = to.join(relative);
                std::fs::create_dir_all(target.parent().unwrap()).unwrap();
                std::fs::copy(&path, target).unwrap();
            }
        }
    }
    walk(from, from, to, keep);
}

fn build(root: &Path) -> sitegen::Report {
    sitegen::build(&sitegen::Options {
        base_url: Some("https://dvc.test".into()),
        ..sitegen::Options::new(root)
    })
    .unwrap_or_else(|errors| panic!("{}", sitegen::report(&errors, usize::MAX)))
}

fn text(e: ElementRef<'_>) -> String {
    e.text()
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The table's heading row and its rows, cell by cell. A row's first cell
/// keeps only its first text (the name, without the code beside it or the
/// note of a month in progress).
fn table(html: &Html, id: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let select = |s: &str| Selector::parse(s).unwrap();
    let table = html
        .select(&select(&format!("table#{id}")))
        .next()
        .unwrap_or_else(|| panic!("no table #{id}"));
    let head = table
        .select(&select("thead th"))
        .map(text)
        .collect::<Vec<_>>();
    let rows = table
        .select(&select("tbody tr"))
        .map(|tr| {
            tr.select(&select("th, td"))
                .enumerate()
                .map(|(i, cell)| match i {
                    0 => cell
                        .text()
                        .next()
                        .map(|t| t.trim().to_owned())
                        .unwrap_or_default(),
                    _ => text(cell),
                })
                .collect()
        })
        .collect();
    (head, rows)
}

/// The CSV: a byte-order mark, then the heading and the rows.
fn csv_file(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let body = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .expect("the CSV starts with a byte-order mark");
    let mut reader = csv::Reader::from_reader(body);
    let head = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (head, rows)
}

fn row(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

fn page(public: &Path, path: &str) -> Html {
    let file = public.join(path).join("index.html");
    Html::parse_document(
        &std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display())),
    )
}

/// June 2026 of the agency (five working days, received 09:00, due the
/// fifth working day after at 17:00; June has no holiday). P1 = khai tử,
/// P2 = khai sinh; O online, C at the counter. The month ends 01/07 00:00.
///
/// | # | proc | ch | received  | due       | then                    | June                          |
/// |---|------|----|-----------|-----------|-------------------------|-------------------------------|
/// | a | P1   | O  | Mon 01/06 | Mon 08/06 | resolved 03/06, early   | received online, early        |
/// | b | P1   | C  | Tue 02/06 | Tue 09/06 | resolved 12/06, late    | received, late                |
/// | c | P1   | C  | Mon 25/05 | Mon 01/06 | resolved 01/06, on time | carried over, on time         |
/// | d | P1   | C  | Mon 18/05 | Mon 25/05 | with the department     | carried over, open overdue    |
/// | e | P1   | C  | Mon 04/05 | Mon 11/05 | resolved 08/05, early   | nothing (resolved in May)     |
/// | f | P1   | O  | Wed 10/06 | Wed 17/06 | withdrawn 11/06         | left out                      |
/// | g | P2   | O  | Mon 15/06 | Mon 22/06 | stopped 17/06, early    | received online, early        |
/// | h | P2   | C  | Mon 22/06 | Mon 29/06 | open                    | received, open overdue        |
/// | i | P2   | O  | Thu 25/06 | Thu 02/07 | open                    | received online, open within  |
/// | j | P2   | C  | Wed 01/07 | Wed 08/07 | open                    | nothing (received in July)    |
/// | k | P2   | C  | Fri 29/05 | Fri 05/06 | resolved 02/07, late    | carried over, open overdue    |
/// | l | P2   | O  | Fri 26/06 | Fri 03/07 | resolved 30/06, early   | received online, early        |
///
/// Ratings given in June: a (very satisfied), c (one indicator not
/// satisfied: dissatisfied), g (satisfied), l (very satisfied); in May: e
/// (very satisfied); in July: b (dissatisfied).
///
/// | June | received | carried | early | on time | late | within | overdue | in time | online | share | rated | satisfied |
/// |---|---|---|---|---|---|---|---|---|---|---|---|---|
/// | P1 | a b = 2 | c d = 2 | a | c | b | 0 | d | 2/3 = 66,7 | a = 1 | 50,0 | 2 | 1/2 = 50,0 |
/// | P2 | g h i l = 4 | k = 1 | g l = 2 | 0 | 0 | i | h k = 2 | 2/2 = 100,0 | g i l = 3 | 75,0 | 2 | 100,0 |
/// | agency | 6 | 3 | 3 | 1 | 1 | 1 | 3 | 4/5 = 80,0 | 4 | 66,7 | 4 | 3/4 = 75,0 |
///
/// May (over): c d e k received (e early; c k within; d overdue), e's
/// rating. July, counted to 03/07 00:00 (published on 03/07): j received
/// (within); d h i k carried over, k resolved 02/07 late, d h i overdue
/// (i since 02/07 17:00); b's rating (dissatisfied: 0,0).
///
/// The other agency's June: one online dossier received 03/06 and resolved
/// 05/06 (early), one at the counter received 10/06 and open (overdue).
/// The portal's June is the sum: received 8, online 5, carried over 3,
/// early 4, on time 1, late 1, within 1, overdue 4; in time 5/6 = 83,3,
/// online 5/8 = 62,5, satisfied 3/4 = 75,0.
#[tokio::test]
async fn a_hand_built_month_is_published_and_its_page_equals_its_csv() {
    use Channel::{InPerson as C, Online as O};
    let local = Local::start().await;
    local.agency(AGENCY, "UBND xã Gia Viễn").await;
    local.agency(OTHER, "UBND xã Gia Hưng").await;
    let s = &local;
    let a = s.receive(AGENCY, P1, O, on(6, 1, 9)).await;
    s.resolve(&a, on(6, 3, 10)).await;
    let b = s.receive(AGENCY, P1, C, on(6, 2, 9)).await;
    s.resolve(&b, on(6, 12, 10)).await;
    let c = s.receive(AGENCY, P1, C, on(5, 25, 9)).await;
    s.resolve(&c, on(6, 1, 10)).await;
    let d = s.receive(AGENCY, P1, C, on(5, 18, 9)).await;
    s.act(&d, Action::AssignDepartment, Role::Desk, on(5, 18, 10))
        .await;
    let e = s.receive(AGENCY, P1, C, on(5, 4, 9)).await;
    s.resolve(&e, on(5, 8, 10)).await;
    let f = s.receive(AGENCY, P1, O, on(6, 10, 9)).await;
    s.act(&f, Action::Withdraw, Role::Citizen, on(6, 11, 9))
        .await;
    let g = s.receive(AGENCY, P2, O, on(6, 15, 9)).await;
    s.act(&g, Action::Stop, Role::AgencyLeader, on(6, 17, 9))
        .await;
    let _h = s.receive(AGENCY, P2, C, on(6, 22, 9)).await;
    let _i = s.receive(AGENCY, P2, O, on(6, 25, 9)).await;
    let _j = s.receive(AGENCY, P2, C, on(7, 1, 9)).await;
    let k = s.receive(AGENCY, P2, C, on(5, 29, 9)).await;
    s.resolve(&k, on(7, 2, 10)).await;
    let l = s.receive(AGENCY, P2, O, on(6, 26, 9)).await;
    s.resolve(&l, on(6, 30, 10)).await;
    use Satisfaction::{Satisfied, VerySatisfied};
    s.rate(&a, P1, VerySatisfied, false, on(6, 5, 9)).await;
    s.rate(&c, P1, Satisfied, true, on(6, 3, 9)).await;
    s.rate(&g, P2, Satisfied, false, on(6, 18, 9)).await;
    s.rate(&l, P2, VerySatisfied, false, on(6, 30, 15)).await;
    s.rate(&e, P1, VerySatisfied, false, on(5, 12, 9)).await;
    s.rate(&b, P1, Satisfied, true, on(7, 2, 9)).await;
    let x = s.receive(OTHER, P1, O, on(6, 3, 9)).await;
    s.resolve(&x, on(6, 5, 10)).await;
    let _y = s.receive(OTHER, P2, C, on(6, 10, 9)).await;

    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("site");
    site_copy(&root);
    // Built once before the first publication, as a fresh checkout is.
    build(&root);

    let today = NaiveDate::from_ymd_opt(2026, 7, 3).unwrap();
    let report = publish::publish_all(
        &local.store,
        today,
        &root.join("content"),
        &root.join("static"),
    )
    .await
    .unwrap();
    let statistics = &report.publications[0];
    assert_eq!(statistics.name, "statistics");
    // The portal's page and two agencies'; three CSVs for them and two of procedures.
    assert_eq!(
        statistics
            .dirs
            .iter()
            .map(|d| (d.dir.as_str(), d.written.written))
            .collect::<Vec<_>>(),
        [("content/thong-ke", 3), ("static/thong-ke", 5)]
    );
    build(&root);
    let public = root.join("public");

    // The agency's months: the page's table is the CSV.
    let slug = "000-00-01-h29";
    let html = page(&public, &format!("thong-ke/{slug}"));
    let (head, rows) = table(&html, "bang-theo-thang");
    let (csv_head, csv_rows) = csv_file(&public.join(format!("thong-ke/{slug}.csv")));
    assert_eq!(head, csv_head);
    assert_eq!(rows, csv_rows);
    assert_eq!(
        head,
        row(&[
            "Tháng",
            "Tiếp nhận",
            "Kỳ trước chuyển sang",
            "Giải quyết trước hạn",
            "Đúng hạn",
            "Trễ hạn",
            "Đang giải quyết trong hạn",
            "Quá hạn",
            "Tỷ lệ trước hạn, đúng hạn (%)",
            "Nộp trực tuyến",
            "Tỷ lệ nộp trực tuyến (%)",
            "Lượt đánh giá",
            "Mức độ hài lòng (%)",
        ])
    );
    // August 2025 to July 2026; nothing before May.
    assert_eq!(rows.len(), 12);
    assert_eq!(rows[0][0], "08/2025");
    let empty = row(&[
        "04/2026", "0", "0", "0", "0", "0", "0", "0", "—", "0", "—", "0", "—",
    ]);
    assert_eq!(rows[8], empty);
    let by_month: BTreeMap<&str, &Vec<String>> = rows.iter().map(|r| (r[0].as_str(), r)).collect();
    assert_eq!(
        by_month["05/2026"],
        &row(&[
            "05/2026", "4", "0", "1", "0", "0", "2", "1", "100,0", "0", "0,0", "1", "100,0"
        ])
    );
    assert_eq!(
        by_month["06/2026"],
        &row(&[
            "06/2026", "6", "3", "3", "1", "1", "1", "3", "80,0", "4", "66,7", "4", "75,0"
        ])
    );
    assert_eq!(
        by_month["07/2026"],
        &row(&[
            "07/2026", "1", "4", "0", "0", "1", "1", "3", "0,0", "0", "0,0", "1", "0,0"
        ])
    );
    // The month in progress says how far it is counted.
    let july = Selector::parse("table#bang-theo-thang tbody tr:last-child th").unwrap();
    assert_eq!(
        text(html.select(&july).next().unwrap()),
        "07/2026 (đến 02/07/2026)"
    );

    // June procedure by procedure: the page's table is the CSV's lines of June.
    let (head, rows) = table(&html, "bang-thu-tuc-2026-06");
    let (csv_head, csv_rows) = csv_file(&public.join(format!("thong-ke/{slug}-thu-tuc.csv")));
    assert_eq!(csv_head[..3], row(&["Tháng", "Mã thủ tục", "Thủ tục"]));
    assert_eq!(head[0], "Thủ tục");
    assert_eq!(head[1..], csv_head[3..]);
    let june_csv: Vec<Vec<String>> = csv_rows
        .iter()
        .filter(|r| r[0] == "06/2026")
        .map(|r| {
            let mut cells = vec![r[2].clone()];
            cells.extend(r[3..].iter().cloned());
            cells
        })
        .collect();
    assert_eq!(rows, june_csv);
    assert_eq!(
        rows,
        [
            row(&[
                P2.1, "4", "1", "2", "0", "0", "1", "2", "100,0", "3", "75,0", "2", "100,0"
            ]),
            row(&[
                P1.1, "2", "2", "1", "1", "1", "0", "1", "66,7", "1", "50,0", "2", "50,0"
            ]),
        ]
    );
    // The CSV has the procedures of every month with anything: July, June, May.
    let months: Vec<&str> = csv_rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(
        months,
        [
            "07/2026", "07/2026", "06/2026", "06/2026", "05/2026", "05/2026"
        ]
    );

    // The portal: the sum of both agencies, and its table is its CSV.
    let portal = page(&public, "thong-ke");
    let (head, rows) = table(&portal, "bang-theo-thang");
    let (csv_head, csv_rows) = csv_file(&public.join("thong-ke/toan-cong.csv"));
    assert_eq!((head, &rows), (csv_head, &csv_rows));
    assert_eq!(
        rows[10],
        row(&[
            "06/2026", "8", "3", "4", "1", "1", "1", "4", "83,3", "5", "62,5", "4", "75,0"
        ])
    );
    // Each agency's latest month, linked to its page.
    let (_, agencies) = table(&portal, "bang-co-quan");
    assert_eq!(
        agencies
            .iter()
            .map(|r| (r[0].as_str(), r[1].as_str()))
            .collect::<Vec<_>>(),
        [("UBND xã Gia Viễn", "1"), ("UBND xã Gia Hưng", "0")]
    );
    let link = Selector::parse("table#bang-co-quan a").unwrap();
    assert_eq!(
        portal
            .select(&link)
            .map(|a| a.value().attr("href").unwrap())
            .collect::<Vec<_>>(),
        [
            "https://dvc.test/thong-ke/000-00-01-h29/",
            "https://dvc.test/thong-ke/000-00-02-h29/"
        ]
    );

    // Every chart has its title and description, and the footer links the statistics.
    let charts = Selector::parse("svg.chart[role=img]").unwrap();
    let described = Selector::parse("title + desc").unwrap();
    assert_eq!(html.select(&charts).count(), 3);
    assert!(
        html.select(&charts)
            .all(|svg| svg.select(&described).next().is_some())
    );
    let download = Selector::parse("a[download]").unwrap();
    assert!(html.select(&download).any(|a| {
        text(a) == "Tải về CSV"
            && a.value()
                .attr("href")
                .unwrap()
                .starts_with(&format!("https://dvc.test/thong-ke/{slug}.csv?h="))
    }));
    let home = page(&public, "");
    let footer = Selector::parse("footer a[href=\"https://dvc.test/thong-ke/\"]").unwrap();
    assert!(home.select(&footer).next().is_some());

    // Published again unchanged: nothing written, nothing rendered.
    let again = publish::publish_all(
        &local.store,
        today,
        &root.join("content"),
        &root.join("static"),
    )
    .await
    .unwrap();
    assert!(!again.changed(), "{again:?}");
    let report = build(&root);
    assert_eq!(
        (report.rendered, report.static_copied),
        (0, 0),
        "{report:?}"
    );
}
