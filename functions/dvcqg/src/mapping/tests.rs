use chrono::{NaiveDate, NaiveDateTime};
use domain::{
    Action, Actor, AgencyCode, Applicant, Channel, DossierCode, DossierProgress, OwnerType,
    ProcedureCode, ResolutionTime, ResultDelivery, Role, TimeUnit, WorkingCalendar,
};
use serde_json::{Value, json};
use store::{DossierRecord, DossierResult, HandedPaper, Milestones, StoredFile};

use super::*;
use crate::packets::HoSo;

fn at(d: u32, h: u32, m: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, d)
        .unwrap()
        .and_hms_opt(h, m, 0)
        .unwrap()
}

fn actor(id: &str, role: Role) -> Actor {
    Actor {
        id: id.into(),
        role,
    }
}

fn context() -> Context {
    Context {
        agency_name: "Ủy ban nhân dân xã Gia Viễn".into(),
        desk_name: "Bộ phận Một cửa".into(),
        officials: [
            ("mot-cua-1", "Trần Thu"),
            ("cv-1", "Lê Lan"),
            ("tp-1", "Phạm Minh"),
        ]
        .into_iter()
        .map(|(a, b)| (a.into(), b.into()))
        .collect(),
        departments: [("tu-phap".to_owned(), "Tư pháp – Hộ tịch".to_owned())].into(),
        public_url: "https://dichvucong.example".into(),
    }
}

fn file(id: &str, component: usize, revision: u32, name: &str) -> StoredFile {
    serde_json::from_value(json!({
        "id": id, "component": component, "revision": revision, "file_name": name,
        "size": 1000, "sha256": "00", "kind": "pdf", "key": format!("k/{id}"),
        "uploaded_at": "2026-06-01T09:00:00",
    }))
    .unwrap()
}

/// A counter dossier: received Monday 01/06/2026 09:00 with 5 working days,
/// routed, a supplement round, approved and returned.
fn returned_counter_dossier() -> (DossierRecord, Vec<domain::Event>) {
    let calendar = WorkingCalendar::vietnam();
    let five = ResolutionTime::whole(5, TimeUnit::WorkingDays).unwrap();
    let mut progress = DossierProgress::open(
        Action::ReceiveAtDesk,
        actor("mot-cua-1", Role::Desk),
        at(1, 9, 0),
        Some(five),
        None,
    )
    .unwrap();
    progress
        .hand_over(
            &calendar,
            Action::AssignDepartment,
            actor("mot-cua-1", Role::Desk),
            at(1, 9, 5),
            None,
            "tu-phap".into(),
        )
        .unwrap();
    progress
        .hand_over(
            &calendar,
            Action::AssignSpecialist,
            actor("tp-1", Role::DepartmentHead),
            at(1, 10, 0),
            None,
            "cv-1".into(),
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::StartReview,
            actor("cv-1", Role::Specialist),
            at(1, 10, 30),
            None,
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::RequestSupplement,
            actor("cv-1", Role::Specialist),
            at(2, 9, 0),
            Some("Bản sao Giấy báo tử có chứng thực".into()),
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::ProvideSupplement,
            actor("mot-cua-1", Role::Desk),
            at(3, 9, 0),
            None,
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::SubmitForApproval,
            actor("cv-1", Role::Specialist),
            at(3, 14, 0),
            None,
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::Approve,
            actor("tp-1", Role::DepartmentHead),
            at(4, 8, 0),
            None,
        )
        .unwrap();
    progress
        .act(
            &calendar,
            Action::ReturnResult,
            actor("mot-cua-1", Role::Desk),
            at(4, 15, 0),
            Some("Trả kết quả tại bộ phận một cửa".into()),
        )
        .unwrap();
    let agency = AgencyCode::parse("000.00.01.H29").unwrap();
    let mut record = DossierRecord {
        code: DossierCode::issue(&agency, at(1, 9, 0).date(), 7).unwrap(),
        procedure_code: ProcedureCode::parse("1.000419").unwrap(),
        procedure_name: "Thủ tục đăng ký khai tử lưu động".into(),
        agency,
        owner: None,
        channel: Channel::InPerson,
        applicant: Applicant::parse(
            OwnerType::Citizen,
            "Lê Thị Hoa",
            "036190001234",
            "0987654321",
            None,
            "Xóm 3, xã Gia Viễn",
        )
        .unwrap(),
        summary: "Đăng ký khai tử cho ông Lê Văn Tư".into(),
        result_delivery: ResultDelivery::AtDesk,
        resolution: Some(five),
        received_at: at(1, 9, 0),
        due_at: None,
        stage: progress.events()[0].to,
        status: progress.events()[0].to.national(),
        department: None,
        assignee: None,
        version: 1,
        files: vec![file("f1", 1, 1, "giay-bao-tu.pdf")],
        papers: vec![
            HandedPaper {
                component: 0,
                originals: 1,
                copies: 0,
            },
            HandedPaper {
                component: 1,
                originals: 1,
                copies: 1,
            },
        ],
        result: Some(DossierResult {
            number: "15/TLKT".into(),
            files: vec![file("r1", 0, 0, "trich-luc.pdf")],
            recorded_at: at(4, 8, 0),
            recorded_by: "tp-1".into(),
        }),
        finished: None,
        milestones: Milestones::default(),
        tracking_secret_sha256: String::new(),
        national: None,
    };
    record.follow(&progress, &calendar, at(4, 15, 0)).unwrap();
    (record, progress.events().to_vec())
}

/// Every scalar anywhere in a packet is a string.
fn only_strings(value: &Value) -> bool {
    match value {
        Value::String(_) => true,
        Value::Array(items) => items.iter().all(only_strings),
        Value::Object(map) => map.values().all(only_strings),
        _ => false,
    }
}

#[test]
fn a_returned_counter_dossier_as_the_national_portal_receives_it() {
    let (record, events) = returned_counter_dossier();
    let packet = serde_json::to_value(dossier_packet(&record, &events, None, &context())).unwrap();
    let expected = json!({
        "MaHoSo": "000.00.01.H29-260601-0007",
        "MaTTHC": "1.000419",
        "TenTTHC": "Thủ tục đăng ký khai tử lưu động",
        "MaLinhVuc": "",
        "TenLinhVuc": "",
        "ChuHoSo": "Lê Thị Hoa",
        "LoaiDoiTuong": "1",
        "MaDoiTuong": "",
        "ThongTinKhac": "Xóm 3, xã Gia Viễn",
        "Email": "",
        "Fax": "",
        "SoDienThoai": "0987654321",
        "TrichYeuHoSo": "Đăng ký khai tử cho ông Lê Văn Tư",
        "NgayTiepNhan": "20260601090000",
        // 5 working days from Monday 09:00, plus the supplement wait (Tue 09:00 → Wed 09:00).
        "NgayHenTra": "20260609170000",
        "TrangThaiHoSo": "10",
        "NgayTra": "20260604150000",
        "ThongTinTra": "Trả kết quả tại bộ phận một cửa",
        "HinhThuc": "0",
        "NgayKetThucXuLy": "20260604080000",
        "DonViXuLy": "Ủy ban nhân dân xã Gia Viễn",
        "GhiChu": "Trả kết quả tại bộ phận một cửa",
        "TaiLieuNop": [],
        "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [
            {"TenGiayTo": "Thành phần 1", "SoLuong": "1", "LoaiGiayTo": "1"},
            {"TenGiayTo": "Thành phần 2", "SoLuong": "1", "LoaiGiayTo": "1"},
            {"TenGiayTo": "Thành phần 2", "SoLuong": "1", "LoaiGiayTo": "2"},
        ],
        "DanhSachHoSoBoSung": [{
            "HoSoBoSungId": "000.00.01.H29-260601-0007-BS1",
            "NguoiYeuCauBoSung": "Lê Lan",
            "NoiDungBoSung": "Bản sao Giấy báo tử có chứng thực",
            "NgayBoSung": "20260602090000",
            "NguoiTiepNhanBoSung": "Trần Thu",
            "ThongTinTiepNhan": "",
            "NgayTiepNhanBoSung": "20260603090000",
            "TrangThaiBoSung": "1",
            "DanhSachGiayToBoSung": [{
                "TepDinhKemId": "f1",
                "TenTepDinhKem": "giay-bao-tu.pdf",
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "2",
                "DuongDanTaiTepTin": "https://dichvucong.example/api/dossiers/000.00.01.H29-260601-0007/files/f1",
            }],
            "DanhSachLePhiBoSung": [],
            "NgayHenTraTruoc": "",
            "NgayHenTraMoi": "",
        }],
        "DanhSachGiayToKetQua": [{
            "TenGiayTo": "15/TLKT – trich-luc.pdf",
            "MaThanhPhanHoSo": "",
            "GiayToId": "r1",
            "DuongDanTepTinKetQua": "https://dichvucong.example/api/dossiers/000.00.01.H29-260601-0007/files/r1",
            "MaGiayToKetQua": "15/TLKT",
        }],
        "SoBienNhan": "000.00.01.H29-260601-0007",
        "KenhThucHien": "1",
        "SoGiayToChuHoSo": "036190001234",
        "NgayNopHoSo": "20260601090000",
        "NgayTuChoi": "",
        "DuocThanhToanTrucTuyen": "0",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": "036190001234"}],
    });
    assert_eq!(packet, expected);
    let back: HoSo = serde_json::from_value(packet).unwrap();
    assert_eq!(back.TrangThaiHoSo.0.code(), 10);
}

#[test]
fn each_step_is_a_progress_packet_naming_who_where_and_what() {
    let (record, events) = returned_counter_dossier();
    let steps = progress_packets(&record, &events, &context());
    assert_eq!(steps.len(), events.len(), "a counter receipt is a step too");
    let statuses: Vec<u8> = steps.iter().map(|s| s.TrangThai.0.code()).collect();
    assert_eq!(statuses, [2, 4, 4, 4, 5, 4, 4, 9, 10]);
    let assigned = serde_json::to_value(&steps[2]).unwrap();
    assert_eq!(
        assigned,
        json!({
            "MaHoSo": "000.00.01.H29-260601-0007",
            "NguoiXuLy": "Phạm Minh",
            "ChucDanh": "Lãnh đạo phòng",
            "ThoiDiemXuLy": "20260601100000",
            "PhongBanXuLy": "Tư pháp – Hộ tịch",
            "NoiDungXuLy": "Phân công chuyên viên xử lý: Lê Lan",
            "TrangThai": "4",
            "NgayBatDau": "20260601090500",
            "NgayKetThucTheoQuyDinh": "20260609170000",
        })
    );
    assert_eq!(steps[0].NoiDungXuLy, "Tiếp nhận hồ sơ tại bộ phận một cửa");
    assert_eq!(
        steps[4].NoiDungXuLy,
        "Yêu cầu bổ sung, hoàn thiện hồ sơ. Bản sao Giấy báo tử có chứng thực"
    );
}

#[test]
fn an_online_submission_is_the_dossier_packet_not_a_step() {
    let calendar = WorkingCalendar::vietnam();
    let progress = DossierProgress::open(
        Action::SubmitOnline,
        actor("citizen", Role::Citizen),
        at(1, 20, 0),
        None,
        None,
    )
    .unwrap();
    let (mut record, _) = returned_counter_dossier();
    record.channel = Channel::Online;
    record.owner = Some("vneid-123".into());
    record.follow(&progress, &calendar, at(1, 20, 0)).unwrap();
    let events = progress.events();
    assert!(progress_packet(&record, events, 1, &context()).is_none());
    let packet = dossier_packet(&record, events, None, &context());
    assert_eq!(
        (
            packet.KenhThucHien.0,
            packet.MaDoiTuong.as_str(),
            packet.TrangThaiHoSo.0.code()
        ),
        (2, "vneid-123", 1)
    );
    assert_eq!(packet.NgayTiepNhan, packet.NgayNopHoSo);
}

mod any_history {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Whatever officials do, in whatever order, every packet is all
        /// strings, reads back under the strict wire types, respects the
        /// caps, and reports the statuses the events reached.
        #[test]
        fn packets_from_any_history_are_what_a_strict_peer_accepts(
            attempts in proptest::collection::vec((0..Action::OFFERED.len(), 0..Role::ALL.len(), 1i64..600, ".{0,1500}"), 0..40),
        ) {
            let calendar = WorkingCalendar::vietnam();
            let five = ResolutionTime::whole(5, TimeUnit::WorkingDays).unwrap();
            let mut now = at(1, 8, 0);
            let mut progress = DossierProgress::open(Action::SubmitOnline, actor("citizen", Role::Citizen), now, Some(five), None).unwrap();
            for (action, role, minutes, note) in attempts {
                now += chrono::Duration::minutes(minutes);
                let action = match Action::OFFERED[action] {
                    Action::Extend { .. } => Action::Extend { new_due: now + chrono::Duration::days(20) },
                    other => other,
                };
                let who = actor("cv-1", Role::ALL[role]);
                let note = Some(note);
                let _ = match action {
                    Action::AssignDepartment => progress.hand_over(&calendar, action, who, now, note, "tu-phap".into()),
                    Action::AssignSpecialist => progress.hand_over(&calendar, action, who, now, note, "cv-1".into()),
                    _ => progress.act(&calendar, action, who, now, note),
                };
            }
            let (mut record, _) = returned_counter_dossier();
            record.result = None;
            record.follow(&progress, &calendar, now).unwrap();
            let events = progress.events();
            let packet = serde_json::to_value(dossier_packet(&record, events, None, &context())).unwrap();
            prop_assert!(only_strings(&packet));
            let back: HoSo = serde_json::from_value(packet).unwrap();
            prop_assert!(back.GhiChu.chars().count() <= crate::wire::caps::NOTE);
            prop_assert_eq!(back.TrangThaiHoSo.0, progress.national_status());
            let steps = progress_packets(&record, events, &context());
            prop_assert_eq!(steps.len(), events.len() - 1);
            for (step, event) in steps.iter().zip(&events[1..]) {
                let json = serde_json::to_value(step).unwrap();
                prop_assert!(only_strings(&json));
                let back: crate::packets::TienDo = serde_json::from_value(json).unwrap();
                prop_assert_eq!(back.TrangThai.0, event.to.national());
                prop_assert!(back.NoiDungXuLy.chars().count() <= crate::wire::caps::STEP_TEXT);
            }
        }
    }
}

#[test]
fn reconciliation_names_the_fields_the_portal_holds_differently() {
    use crate::reconcile::differences;
    let (record, events) = returned_counter_dossier();
    let ours = dossier_packet(&record, &events, None, &context());
    assert!(differences(&ours, &ours).is_empty());
    // The portal missed the last changes: it holds the dossier as processed, not returned.
    let mut theirs = ours.clone();
    theirs.TrangThaiHoSo = WireStatus(domain::NationalStatus::Processed);
    theirs.NgayTra = MaybeTime(None);
    assert_eq!(differences(&ours, &theirs), ["TrangThaiHoSo", "NgayTra"]);
    // A supplement it holds as still awaited, and a trimmed note: only the first counts.
    let mut theirs = ours.clone();
    theirs.DanhSachHoSoBoSung[0].TrangThaiBoSung = WireCode(0);
    theirs.GhiChu = theirs.GhiChu.trim().to_owned() + " ";
    assert_eq!(differences(&ours, &theirs), ["DanhSachHoSoBoSung"]);
}

#[test]
fn a_dossier_submitted_on_the_portal_gets_every_status_back_under_its_code() {
    let (mut record, events) = returned_counter_dossier();
    let origin = store::NationalOrigin {
        code: domain::NationalDossierCode::parse("G22.99-260601-0042").unwrap(),
        account: "vneid-8f3a21".into(),
    };
    record.national = Some(origin.clone());
    let statuses = status_packets(&record, &origin, &events, &context());
    assert_eq!(statuses.len(), events.len());
    let codes: Vec<u8> = statuses.iter().map(|s| s.TrangThai.0.code()).collect();
    assert_eq!(codes.first(), Some(&2));
    assert_eq!(codes.last(), Some(&10));
    for (status, event) in statuses.iter().zip(&events) {
        assert_eq!(status.MaHoSo, "G22.99-260601-0042");
        assert_eq!(status.MaHoSoDonVi, record.code.as_str());
        assert_eq!(status.NgayXuLy.0, event.at);
        // The result's files go only with the statuses that complete it.
        assert_eq!(
            status.TaiLieuXuLy.is_empty(),
            !matches!(status.TrangThai.0.code(), 9 | 10),
            "{status:?}"
        );
        assert!(only_strings(&serde_json::to_value(status).unwrap()));
    }
    let returned = serde_json::to_value(statuses.last().unwrap()).unwrap();
    assert_eq!(
        returned,
        json!({
            "MaHoSo": "G22.99-260601-0042",
            "MaHoSoDonVi": "000.00.01.H29-260601-0007",
            "MaDoiTuong": "vneid-8f3a21",
            "NoiDung": "Trả kết quả. Trả kết quả tại bộ phận một cửa",
            "NgayXuLy": "20260604150000",
            "TrangThai": "10",
            "TaiLieuXuLy": [{
                "TepDinhKemId": "r1",
                "TenTepDinhKem": "trich-luc.pdf",
                "IsDeleted": "False",
                "MaThanhPhanHoSo": "1",
                "DuongDanTaiTepTin": "https://dichvucong.example/api/dossiers/000.00.01.H29-260601-0007/files/r1",
            }],
        })
    );
}

#[test]
fn the_submission_itself_tells_the_portal_the_unit_has_the_dossier() {
    let calendar = WorkingCalendar::vietnam();
    let (mut record, _) = returned_counter_dossier();
    let progress = DossierProgress::open(
        Action::SubmitOnline,
        actor("dvcqg:vneid-8f3a21", Role::Citizen),
        at(1, 8, 30),
        record.resolution,
        None,
    )
    .unwrap();
    record.result = None;
    record.follow(&progress, &calendar, at(1, 8, 30)).unwrap();
    let origin = store::NationalOrigin {
        code: domain::NationalDossierCode::parse("G22.99-260601-0042").unwrap(),
        account: "vneid-8f3a21".into(),
    };
    let first = status_packet(&record, &origin, progress.events(), 1, &context()).unwrap();
    assert_eq!(first.TrangThai.0.code(), 1);
    assert_eq!(
        first.NoiDung,
        "Đơn vị đã nhận hồ sơ: Ủy ban nhân dân xã Gia Viễn"
    );
    assert!(status_packet(&record, &origin, progress.events(), 2, &context()).is_none());
}
