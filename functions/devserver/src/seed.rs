//! A few clearly marked demo dossiers over the catalogue of the site's
//! procedure pages (the real national data as imported and edited there).

use anyhow::Context;
use api::AppState;
use domain::{
    Action, Actor, Applicant, Channel, DossierProgress, OwnerType, Procedure, ProcedureCode,
    ResultDelivery, Role,
};
use store::{NewDossier, Store};

/// The demo citizen of the development sign-in.
pub const DEMO_CITIZEN: &str = "demo-cong-dan-1";

/// The demo officials of the development sign-in: (subject, name, department, roles).
pub const DEMO_STAFF: [(&str, &str, Option<&str>, &[&str]); 5] = [
    ("demo-mot-cua", "Cán bộ một cửa (demo)", None, &["desk"]),
    (
        "demo-chuyen-vien",
        "Chuyên viên cư trú (demo)",
        Some(DEMO_DEPARTMENT),
        &["specialist"],
    ),
    (
        "demo-truong-phong",
        "Trưởng Công an xã (demo)",
        Some(DEMO_DEPARTMENT),
        &["department_head"],
    ),
    (
        "demo-lanh-dao",
        "Chủ tịch UBND xã (demo)",
        None,
        &["agency_leader"],
    ),
    (
        "demo-quan-tri",
        "Quản trị hệ thống (demo)",
        None,
        &["agency_admin", "system_admin"],
    ),
];

const DEMO_DEPARTMENT: &str = "cong-an-xa";

/// The load test's officials (`DVC_LOAD_ACCOUNTS=1`): (subject, name,
/// department, role) — eight at the desk, eight specialists, four heads.
pub fn load_staff() -> Vec<(String, String, Option<&'static str>, &'static str)> {
    let desk = (1..=8).map(|n| {
        (
            format!("tai-mot-cua-{n:02}"),
            format!("Cán bộ một cửa tải {n:02}"),
            None,
            "desk",
        )
    });
    let specialists = (1..=8).map(|n| {
        (
            format!("tai-chuyen-vien-{n:02}"),
            format!("Chuyên viên tải {n:02}"),
            Some(DEMO_DEPARTMENT),
            "specialist",
        )
    });
    let heads = (1..=4).map(|n| {
        (
            format!("tai-truong-phong-{n:02}"),
            format!("Trưởng phòng tải {n:02}"),
            Some(DEMO_DEPARTMENT),
            "department_head",
        )
    });
    desk.chain(specialists).chain(heads).collect()
}

/// The load test's citizens: `tai-cong-dan-<n>`, n from 1 to 9999.
pub fn load_citizen(account: &str) -> Option<String> {
    let n: u16 = account.strip_prefix("tai-cong-dan-")?.parse().ok()?;
    (1..=9999).contains(&n).then(|| format!("Công dân tải {n}"))
}

/// A clearly marked demo agency: its profile, two departments, the demo
/// officials and routes for the demo procedures — what an administrator
/// would import for a real one; with `load_accounts`, the load test's officials too.
pub async fn demo_agency(
    store: &Store,
    agency: &domain::AgencyCode,
    load_accounts: bool,
) -> anyhow::Result<()> {
    let official = |subject: &str, name: &str, department: Option<&str>, roles: &[&str]| {
        serde_json::json!({
            "subject": subject, "name": name, "agency": agency,
            "department": department, "roles": roles,
        })
    };
    let mut officials: Vec<serde_json::Value> = DEMO_STAFF
        .iter()
        .map(|(subject, name, department, roles)| official(subject, name, *department, roles))
        .collect();
    if load_accounts {
        officials.extend(
            load_staff()
                .iter()
                .map(|(subject, name, department, role)| {
                    official(subject, name, *department, &[role])
                }),
        );
    }
    let route = |procedure: &str| {
        serde_json::json!({"procedure": procedure, "route": [
            {"department": DEMO_DEPARTMENT, "time": {"amount": 1, "unit": "working_days"}},
        ]})
    };
    let setup: store::AgencySetup = serde_json::from_value(serde_json::json!({
        "agency": {
            "code": agency,
            "name": "Ủy ban nhân dân xã thử nghiệm (dữ liệu demo)",
            "parent_name": "ỦY BAN NHÂN DÂN TỈNH THỬ NGHIỆM",
            "desk_name": "Bộ phận Một cửa",
            "place": "Xã thử nghiệm",
        },
        "departments": [
            {"id": DEMO_DEPARTMENT, "name": "Công an xã (demo)"},
            {"id": "tu-phap-ho-tich", "name": "Tư pháp – Hộ tịch (demo)"},
        ],
        "officials": officials,
        "routes": [route("1.010041"), route("1.003677")],
    }))?;
    store
        .import_setup(&setup)
        .await
        .context("loading the demo agency")?;
    Ok(())
}

/// Two dossiers of the demo citizen, so tracking, "my dossiers" and the
/// back office's queues show something: one just submitted (in the desk's
/// queue), one whose supplement the agency asked for.
pub async fn demo_dossiers(state: &AppState, catalogue: &[Procedure]) -> anyhow::Result<()> {
    let wanted = ["1.003677", "1.010041"];
    for code in wanted {
        let code = ProcedureCode::parse(code)?;
        let Some(procedure) = catalogue.iter().find(|p| p.code == code) else {
            continue;
        };
        let now = state.now();
        let resolution = procedure.resolution_time(Channel::Online);
        let actor = Actor {
            id: DEMO_CITIZEN.into(),
            role: Role::Citizen,
        };
        let progress = DossierProgress::open(Action::SubmitOnline, actor, now, resolution, None)?;
        let applicant = Applicant::parse(
            OwnerType::Citizen,
            "Công dân thử nghiệm (dữ liệu demo)",
            "001099000001",
            "0900000001",
            Some("demo@example.invalid"),
            "Địa chỉ thử nghiệm",
        )?;
        let submitted = state
            .store
            .submit(
                NewDossier {
                    procedure_code: procedure.code.clone(),
                    procedure_name: procedure.name.to_string(),
                    agency: state.agency.clone(),
                    owner: Some(DEMO_CITIZEN.into()),
                    channel: Channel::Online,
                    applicant,
                    summary: "Hồ sơ thử nghiệm của môi trường phát triển".into(),
                    result_delivery: ResultDelivery::Online,
                    resolution,
                    due_at: progress.due(&state.calendar, now)?,
                    files: Vec::new(),
                    papers: Vec::new(),
                    tracking_secret: format!("demo-{}", procedure.code),
                    opening: progress.last_event().clone(),
                    national: None,
                },
                Some((&format!("demo-{}", procedure.code), "demo")),
                None,
            )
            .await?;
        if code.as_str() == "1.010041" {
            ask_for_supplement(state, &submitted.record.code).await?;
        }
        tracing::info!(
            code = %submitted.record.code,
            "demo dossier: track at {}/tra-cuu/?ma={}#{}",
            state.public_url,
            submitted.record.code,
            submitted.tracking_secret
        );
    }
    Ok(())
}

/// Moves a demo dossier to "supplement requested" as the one-stop desk and a
/// specialist would.
async fn ask_for_supplement(state: &AppState, code: &domain::DossierCode) -> anyhow::Result<()> {
    let (mut record, events) = state.store.load(code).await?;
    let mut progress = DossierProgress::replay(record.resolution, events)?;
    let steps = [
        (Action::Accept, Role::Desk, "demo-mot-cua"),
        (Action::AssignDepartment, Role::Desk, "demo-mot-cua"),
        (Action::StartReview, Role::Specialist, "demo-chuyen-vien"),
        (
            Action::RequestSupplement,
            Role::Specialist,
            "demo-chuyen-vien",
        ),
    ];
    for (action, role, id) in steps {
        let note = (action == Action::RequestSupplement)
            .then(|| "Bổ sung bản chụp giấy tờ rõ nét hơn (yêu cầu thử nghiệm).".to_owned());
        let actor = Actor {
            id: id.into(),
            role,
        };
        let now = state.now();
        let event = if action == Action::AssignDepartment {
            let to = DEMO_DEPARTMENT.to_owned();
            progress.hand_over(&state.calendar, action, actor, now, note, to)?
        } else {
            progress.act(&state.calendar, action, actor, now, note)?
        }
        .clone();
        record.follow(&progress, &state.calendar, now)?;
        state.store.record_change(&record, &event, None).await?;
    }
    Ok(())
}

/// A demo dossier a citizen submitted on the national portal (the local
/// peer) to the demo agency, with one file there: the sync loop takes it in
/// and its statuses go back to the peer as officials act on it.
pub async fn portal_dossier(
    peer: &str,
    agency: &domain::AgencyCode,
    now: chrono::NaiveDateTime,
) -> anyhow::Result<()> {
    const PDF: &[u8] =
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
    let http = reqwest::Client::new();
    http.put(format!("{peer}/_files/to-khai-demo.pdf"))
        .body(PDF)
        .send()
        .await?
        .error_for_status()?;
    let at = now.format("%Y%m%d%H%M%S").to_string();
    let dossier = serde_json::json!({
        "MaHoSo": format!("DVCQG-DEMO-{}", now.format("%y%m%d%H%M%S")),
        "MaTTHC": "1.003677", "TenTTHC": "", "MaLinhVuc": "", "TenLinhVuc": "",
        "ChuHoSo": "Công dân nộp trên Cổng quốc gia (dữ liệu demo)", "LoaiDoiTuong": "1",
        "MaDoiTuong": "demo-dvcqg", "ThongTinKhac": "Địa chỉ thử nghiệm", "Email": "",
        "Fax": "", "SoDienThoai": "0900000002",
        "TrichYeuHoSo": "Hồ sơ thử nghiệm nộp trên Cổng Dịch vụ công quốc gia",
        "NgayTiepNhan": at, "NgayHenTra": "", "TrangThaiHoSo": "1", "NgayTra": "",
        "ThongTinTra": "", "HinhThuc": "0", "NgayKetThucXuLy": "", "DonViXuLy": "",
        "GhiChu": "", "DanhSachLePhi": [], "DanhSachTepDinhKemKhac": [],
        "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": [],
        "TaiLieuNop": [{
            "TepDinhKemId": "demo-1", "TenTepDinhKem": "to-khai-demo.pdf", "IsDeleted": "False",
            "MaThanhPhanHoSo": "", "DuongDanTaiTepTin": format!("{peer}/files/to-khai-demo.pdf"),
        }],
        "SoBienNhan": "", "KenhThucHien": "2", "SoGiayToChuHoSo": "001099000002",
        "NgayNopHoSo": at, "NgayTuChoi": "", "DuocThanhToanTrucTuyen": "0",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": "001099000002"}],
    });
    http.post(format!("{peer}/_submit"))
        .json(&serde_json::json!({"madonvi": agency, "dossier": dossier}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

/// A question asked (Q&A) and a petition sent (PAKN) on the national-portal
/// peer to `agency`: the intakes take them in, and their answers go back
/// when an official gives them.
pub async fn portal_question_and_petition(
    peer: &str,
    agency: &domain::AgencyCode,
) -> anyhow::Result<()> {
    let question = serde_json::json!({
        "HOIDAPID": "DEMO-1", "MALINHVUC": "", "MADONVI": agency, "TENDONVI": "",
        "NOIDUNG": "Tôi đi làm ở tỉnh khác sáu tháng thì có phải khai báo tạm vắng không? (dữ liệu demo)",
        "NOIDUNGTRALOI": "", "TRALOIID": "", "HOVATEN": "Người hỏi trên Cổng quốc gia (dữ liệu demo)",
        "DIACHI": "", "THUDIENTU": "", "SODIENTHOAI": "", "MATTHCDP": "1.003677", "TRANGTHAI": "1",
    });
    let petition = serde_json::json!({
        "MaPAKN": "DEMO-PAKN-1", "TieuDe": "Đèn đường trước trụ sở xã bị hỏng (dữ liệu demo)",
        "NoiDung": "Đèn đường trước trụ sở Ủy ban nhân dân xã đã hỏng hai tuần. (dữ liệu demo)",
        "HoTen": "Người gửi trên Cổng quốc gia (dữ liệu demo)", "DiaChi": "",
        "SoDienThoai": "0900000000", "Email": "", "MaDonVi": agency, "TenDonVi": "",
        "MaLinhVuc": "", "NgayGui": AppState::system_clock()().format("%Y%m%d%H%M%S").to_string(),
        "TrangThai": "1", "TepTinPhanAnh": [],
    });
    reqwest::Client::new()
        .post(format!("{peer}/_catalogue"))
        .json(&serde_json::json!({"questions_from_portal": [question], "petitions": [petition]}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}
