//! The pushes beside the dossiers, against the conformance peer: the
//! monthly statistics and evaluation job end to end over a local table (the
//! Q&A pushes are `tests/questions.rs`', the PAKN ones `tests/petitions.rs`').

mod common;

use std::time::Duration;

use chrono::{NaiveDate, NaiveDateTime};
use common::{Setup, setup_with};
use domain::{Action, AgencyCode, Role};
use dvcqg::jobs::{Job, JobReport};
use dvcqg::packets::{ThongKeHoSo, service};
use dvcqg::worker::WorkerSettings;
use serde_json::{Value, json};

fn on(m: u32, d: u32, h: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, m, d)
        .unwrap()
        .and_hms_opt(h, 0, 0)
        .unwrap()
}

/// Takes a received dossier to its result (ResultReady) at `at`.
async fn resolve(s: &Setup, code: &domain::DossierCode, at: NaiveDateTime) {
    for (action, role) in [
        (Action::AssignDepartment, Role::Desk),
        (Action::StartReview, Role::Specialist),
        (Action::SubmitForApproval, Role::Specialist),
        (Action::Approve, Role::AgencyLeader),
    ] {
        s.act(code, action, role, at).await;
    }
}

/// The statistics packets the peer accepted.
fn statistics(other: &[Value]) -> Vec<ThongKeHoSo> {
    other
        .iter()
        .filter(|call| call["service"] == service::STATISTICS)
        .flat_map(|call| call["data"].as_array().cloned().unwrap_or_default())
        .map(|packet| serde_json::from_value(packet).unwrap())
        .collect()
}

/// Counter dossiers of five working days (received 09:00, due on the fifth
/// working day after, 17:00; June 2026 has no holiday), and how each counts
/// in June (the month ends at 01/07 00:00):
///
/// | # | received  | due       | then                    | counts as                      |
/// |---|-----------|-----------|-------------------------|--------------------------------|
/// | a | Mon 01/06 | Mon 08/06 | resolved 03/06, early   | received, resolved in time     |
/// | b | Tue 02/06 | Tue 09/06 | resolved 12/06, late    | received, resolved late        |
/// | c | Mon 25/05 | Mon 01/06 | resolved 01/06, on time | carried over, resolved in time |
/// | d | Mon 18/05 | Mon 25/05 | with the department     | carried over, open overdue     |
/// | e | Mon 04/05 | Mon 11/05 | resolved 08/05          | nothing (resolved in May)      |
/// | f | Wed 10/06 | Wed 17/06 | withdrawn 11/06         | nothing; 1 withdrawn           |
/// | g | Mon 15/06 | Mon 22/06 | stopped 17/06, early    | received, resolved in time     |
/// | h | Mon 22/06 | Mon 29/06 | open                    | received, open overdue         |
/// | i | Thu 25/06 | Thu 02/07 | open                    | received, open within          |
/// | j | Wed 01/07 | Wed 08/07 | open                    | nothing (received in July)     |
/// | k | Fri 29/05 | Fri 05/06 | resolved 02/07, late    | carried over, open overdue     |
/// | l | Fri 26/06 | Fri 03/07 | resolved 30/06, early   | received, resolved in time     |
///
/// Received a b g h i l = 6, carried over c d k = 3, total 9. Resolved in
/// time a c g l = 4 (80.00 %), late b = 1 (20.00 %): 5. Open within i = 1
/// (25.00 %), overdue d h k = 3 (75.00 %): 4. 9 = 5 + 4.
#[tokio::test]
async fn a_month_of_dossiers_reaches_the_peer_as_one_statistics_packet() {
    let s = setup_with(Duration::from_secs(2), WorkerSettings::default()).await;
    let a = s.receive(on(6, 1, 9)).await;
    resolve(&s, &a, on(6, 3, 10)).await;
    let b = s.receive(on(6, 2, 9)).await;
    resolve(&s, &b, on(6, 12, 10)).await;
    let c = s.receive(on(5, 25, 9)).await;
    resolve(&s, &c, on(6, 1, 10)).await;
    let d = s.receive(on(5, 18, 9)).await;
    s.act(&d, Action::AssignDepartment, Role::Desk, on(5, 18, 10))
        .await;
    let e = s.receive(on(5, 4, 9)).await;
    resolve(&s, &e, on(5, 8, 10)).await;
    let f = s.receive(on(6, 10, 9)).await;
    s.act(&f, Action::Withdraw, Role::Citizen, on(6, 11, 9))
        .await;
    let g = s.receive(on(6, 15, 9)).await;
    s.act(&g, Action::Stop, Role::AgencyLeader, on(6, 17, 9))
        .await;
    let _h = s.receive(on(6, 22, 9)).await;
    let _i = s.receive(on(6, 25, 9)).await;
    let _j = s.receive(on(7, 1, 9)).await;
    let k = s.receive(on(5, 29, 9)).await;
    resolve(&s, &k, on(7, 2, 10)).await;
    let l = s.receive(on(6, 26, 9)).await;
    resolve(&s, &l, on(6, 30, 10)).await;

    // Early July, for the month before (June), one agency.
    let agency = AgencyCode::parse("000.00.01.H29").unwrap();
    let job = Job::from_event(json!({"job": "statistics", "agency": agency.to_string()})).unwrap();
    let report = job.run(&s.worker, || on(7, 5, 6), || true).await.unwrap();
    let JobReport::Statistics {
        statistics: reports,
        ..
    } = report
    else {
        panic!("not a statistics report: {report:?}");
    };
    assert_eq!(reports.len(), 1);
    let report = &reports[0];
    assert!(report.sent, "{report:?}");
    assert_eq!(report.tally.month.to_string(), "2026-06");
    // Everything of June and the twelve months before: all but j.
    assert_eq!(report.read, 11);
    assert_eq!(report.tally.withdrawn, 1);

    let sent = statistics(&s.peer_state().await.other);
    assert_eq!(sent.len(), 1, "{sent:?}");
    // An agency without a profile is reported under its own code.
    let expected: ThongKeHoSo = serde_json::from_value(json!({
        "Thang": "6", "Nam": "2026",
        "SoNhanTrongKy": "6", "SoTonKyTruoc": "3", "TongSoXuLy": "9",
        "TongDaXuLy": "5",
        "TongXuLyDungHan": "4", "PhanTramXuLyDungHan": "80.00",
        "TongXuLyTreHan": "1", "PhanTramXuLyTreHan": "20.00",
        "TongChuaXuLy": "4",
        "TongChuaXuLyTrongHan": "1", "PhanTramChuaXuLyTrongHan": "25.00",
        "TongChuaXuLyTreHan": "3", "PhanTramChuaXuLyTreHan": "75.00",
        "GhiChu": "Không tính 1 hồ sơ tiếp nhận trong kỳ đã rút theo yêu cầu",
        "Madonvi": "000.00.01.H29", "TenDonVi": "000.00.01.H29", "LoaiThongKe": "1"
    }))
    .unwrap();
    assert_eq!(sent[0], expected);

    // The portal down: the table is reported unsent, nothing fails.
    s.faults(json!({"down": true})).await;
    let job = Job::Statistics {
        month: Some(domain::Month::parse("2026-05").unwrap()),
        agency: Some(agency),
    };
    let JobReport::Statistics {
        statistics: reports,
        ..
    } = job.run(&s.worker, || on(7, 5, 6), || true).await.unwrap()
    else {
        panic!("not a statistics report");
    };
    assert!(
        !reports[0].sent && reports[0].error.is_some(),
        "{reports:?}"
    );
    s.faults(json!({"down": false})).await;
    assert_eq!(statistics(&s.peer_state().await.other).len(), 1);
}

/// `{"job": "statistics"}`: the month before, every agency of the
/// directory, each under its national unit code and its name.
#[tokio::test]
async fn every_agency_gets_its_previous_month() {
    let s = setup_with(Duration::from_secs(2), WorkerSettings::default()).await;
    let profile = |code: &str, name: &str, unit: Option<&str>| domain::AgencyProfile {
        code: AgencyCode::parse(code).unwrap(),
        name: name.into(),
        parent_name: None,
        desk_name: "Bộ phận Một cửa".into(),
        place: "Ninh Bình".into(),
        phone: None,
        national_unit_code: unit.map(str::to_owned),
        national_credentials_secret: None,
        calendar_overrides: None,
    };
    s.store
        .put_agency(&profile(
            "000.00.01.H29",
            "UBND xã Gia Viễn",
            Some("000.00.01.H29.GV"),
        ))
        .await
        .unwrap();
    s.store
        .put_agency(&profile("000.00.02.H29", "UBND xã Gia Hưng", None))
        .await
        .unwrap();
    // Of 000.00.01.H29: one received in June, resolved early.
    let a = s.receive(on(6, 1, 9)).await;
    resolve(&s, &a, on(6, 3, 10)).await;
    let job = Job::from_event(json!({"job": "statistics"})).unwrap();
    let JobReport::Statistics {
        statistics: reports,
        ..
    } = job.run(&s.worker, || on(7, 1, 6), || true).await.unwrap()
    else {
        panic!("not a statistics report");
    };
    assert_eq!(reports.len(), 2);
    assert!(reports.iter().all(|r| r.sent), "{reports:?}");
    let mut sent = statistics(&s.peer_state().await.other);
    sent.sort_by(|a, b| a.Madonvi.cmp(&b.Madonvi));
    let summary: Vec<_> = sent
        .iter()
        .map(|p| {
            (
                p.Madonvi.as_str(),
                p.TenDonVi.as_str(),
                p.Thang.as_str(),
                p.SoNhanTrongKy.0,
                p.TongXuLyDungHan.0,
                p.PhanTramXuLyDungHan.as_str(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("000.00.01.H29.GV", "UBND xã Gia Viễn", "6", 1, 1, "100.00"),
            ("000.00.02.H29", "UBND xã Gia Hưng", "6", 0, 0, "0.00"),
        ]
    );
}

/// A month of ratings reaches the peer as `DongBoDanhGia`, one packet per
/// question of the procedure, with the shares of each answer.
#[tokio::test]
async fn a_month_of_ratings_reaches_the_peer_as_the_evaluation() {
    use domain::{Indicator, Rating, Satisfaction, Stage};
    let s = setup_with(Duration::from_secs(2), WorkerSettings::default()).await;
    let agency = AgencyCode::parse("000.00.01.H29").unwrap();
    let procedure = domain::ProcedureCode::parse("1.000419").unwrap();
    // Four dossiers rated in June (one not satisfied with the staff), one in July.
    let ratings = [
        (
            Satisfaction::VerySatisfied,
            None,
            on(6, 3, 9),
            Some("Nhanh gọn"),
        ),
        (Satisfaction::VerySatisfied, None, on(6, 10, 9), None),
        (Satisfaction::Satisfied, None, on(6, 20, 9), None),
        (
            Satisfaction::Satisfied,
            Some(Indicator::StaffAttitude),
            on(6, 29, 9),
            Some("Cán bộ chưa nhiệt tình"),
        ),
        (Satisfaction::Dissatisfied, None, on(7, 2, 9), None),
    ];
    for (i, (level, unhappy_with, at, comment)) in ratings.into_iter().enumerate() {
        let code = s
            .receive(on(6, 1, 9) + chrono::Duration::minutes(i as i64))
            .await;
        let answers: Vec<_> = Indicator::ALL
            .iter()
            .map(|ind| {
                let answer = if Some(*ind) == unhappy_with {
                    Satisfaction::Dissatisfied
                } else {
                    level
                };
                (*ind, answer)
            })
            .collect();
        let rating = Rating::give(Stage::Returned, &answers, comment, at).unwrap();
        s.store
            .put_rating(
                &store::StoredRating {
                    code,
                    agency: agency.clone(),
                    procedure_code: procedure.clone(),
                    rating,
                },
                store::RatingWrite::First,
            )
            .await
            .unwrap();
    }
    let job = Job::from_event(
        json!({"job": "statistics", "month": "2026-06", "agency": agency.to_string()}),
    )
    .unwrap();
    let JobReport::Statistics { evaluations, .. } =
        job.run(&s.worker, || on(7, 5, 6), || true).await.unwrap()
    else {
        panic!("not a statistics report");
    };
    assert_eq!(
        (evaluations[0].ratings, evaluations[0].packets),
        (4, 9),
        "{evaluations:?}"
    );
    let state = s.peer_state().await;
    let calls: Vec<&Value> = state
        .other
        .iter()
        .filter(|c| c["service"] == service::EVALUATION)
        .collect();
    assert_eq!(calls.len(), 1);
    let packets = calls[0]["data"].as_array().unwrap();
    assert_eq!(packets.len(), 9);
    let first = &packets[0];
    assert_eq!(first["NgayTongHop"], "6-2026");
    assert_eq!(first["MaThuTuc"], "1.000419");
    assert_eq!(first["NoiDung"], "Thời gian giải quyết so với quy định");
    assert_eq!(first["TongSoNguoiDanhGia"], "4");
    assert_eq!(
        (
            &first["PhanTramDanhGiaRatHaiLong"],
            &first["PhanTramDanhGiaHaiLong"],
            &first["PhanTramDanhGiaChuaHaiLong"]
        ),
        (&json!("50.00%"), &json!("50.00%"), &json!("0.00%"))
    );
    assert_eq!(
        first["DanhSachNoiDungYKien"],
        json!(["Nhanh gọn", "Cán bộ chưa nhiệt tình"])
    );
    let staff = packets
        .iter()
        .find(|p| p["NoiDung"] == "Thái độ của cán bộ, công chức")
        .unwrap();
    assert_eq!(
        (
            &staff["PhanTramDanhGiaHaiLong"],
            &staff["PhanTramDanhGiaChuaHaiLong"]
        ),
        (&json!("25.00%"), &json!("25.00%"))
    );
    // Over all 36 answers: 18 very satisfied, 17 satisfied, 1 not.
    assert_eq!(staff["PhanTramDanhGiaDichVuChuaHaiLong"], "2.78%");
}
