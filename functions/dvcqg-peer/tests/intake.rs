//! Dossiers submitted on the national portal, end to end: the peer plays a
//! citizen submitting there; the worker takes the dossier in with its files,
//! once however often it is listed, and sends every status back in order.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::{Setup, at, setup_with};
use domain::{Action, LayThuTuc, NationalDossierCode, Procedure, Role, Stage};
use dvcqg::worker::WorkerSettings;
use serde_json::{Value, json};
use sha2::Digest;
use store::FileKind;

const UNIT: &str = "000.00.01.H29";
const PDF: &[u8] = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n";
const ELF: &[u8] = b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00";

fn shared_data() -> PathBuf {
    std::env::var_os("DVC_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"))
}

/// A real procedure of the national database, in our catalogue.
async fn procedure(s: &Setup) -> Procedure {
    let catalogue = dvcqg_peer::Catalogue::from_shared_data(&shared_data()).unwrap();
    let record: LayThuTuc = serde_json::from_value(catalogue.procedures[0].clone()).unwrap();
    let procedure = Procedure::try_from(record).unwrap();
    s.store
        .put_procedures(std::slice::from_ref(&procedure))
        .await
        .unwrap();
    procedure
}

/// A dossier as the portal lists it: submitted 30/06 08:30 by a citizen.
fn submitted(code: &str, procedure: &str, files: Value) -> Value {
    json!({
        "MaHoSo": code, "MaTTHC": procedure, "TenTTHC": "", "MaLinhVuc": "", "TenLinhVuc": "",
        "ChuHoSo": "Nguyễn Thị Lan", "LoaiDoiTuong": "1", "MaDoiTuong": "vneid-8f3a21",
        "ThongTinKhac": "Số 12 phố Hàng Gai, phường Hoàn Kiếm", "Email": "", "Fax": "",
        "SoDienThoai": "0912345678", "TrichYeuHoSo": "Cho cháu Trần Minh An",
        "NgayTiepNhan": "20260601083000", "NgayHenTra": "", "TrangThaiHoSo": "1",
        "NgayTra": "", "ThongTinTra": "", "HinhThuc": "0", "NgayKetThucXuLy": "",
        "DonViXuLy": "", "GhiChu": "", "TaiLieuNop": files, "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [], "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": [],
        "SoBienNhan": "", "KenhThucHien": "2", "SoGiayToChuHoSo": "001190012345",
        "NgayNopHoSo": "20260601083000", "NgayTuChoi": "", "DuocThanhToanTrucTuyen": "0",
        "DinhDanhCHS": [{"LoaiDinhDanh": "1", "SoDinhDanh": "001190012345"}],
    })
}

fn file(id: &str, name: &str, url: &str, deleted: bool) -> Value {
    json!({
        "TepDinhKemId": id, "TenTepDinhKem": name,
        "IsDeleted": if deleted { "True" } else { "False" },
        "MaThanhPhanHoSo": "", "DuongDanTaiTepTin": url,
    })
}

impl Setup {
    async fn submit_on_portal(&self, unit: &str, dossier: Value) {
        let answer = reqwest::Client::new()
            .post(format!("{}/_submit", self.peer))
            .json(&json!({"madonvi": unit, "dossier": dossier}))
            .send()
            .await
            .unwrap();
        assert!(answer.status().is_success(), "{}", answer.status());
    }

    async fn put_portal_file(&self, name: &str, bytes: &[u8]) {
        reqwest::Client::new()
            .put(format!("{}/_files/{name}", self.peer))
            .body(bytes.to_vec())
            .send()
            .await
            .unwrap();
    }
}

#[tokio::test]
async fn a_dossier_submitted_on_the_portal_is_taken_in_once_and_its_statuses_go_back_in_order() {
    let s = setup_with(
        Duration::from_millis(800),
        WorkerSettings {
            base_delay: Duration::from_secs(60),
            ..WorkerSettings::default()
        },
    )
    .await;
    let procedure = procedure(&s).await;
    let agency = domain::AgencyCode::parse(UNIT).unwrap();
    s.put_portal_file("giay-chung-sinh.pdf", PDF).await;
    s.put_portal_file("chuong-trinh.pdf", ELF).await;
    let peer = &s.peer;
    s.submit_on_portal(
        UNIT,
        submitted(
            "G22.99-260601-0042",
            procedure.code.as_str(),
            json!([
                file(
                    "t1",
                    "Giấy chứng sinh.pdf",
                    &format!("{peer}/files/giay-chung-sinh.pdf"),
                    false
                ),
                file(
                    "t2",
                    "Tờ khai.pdf",
                    &format!("{peer}/files/chuong-trinh.pdf"),
                    false
                ),
                // The address comes in a packet: nothing off the portal's host is fetched.
                file(
                    "t3",
                    "Ảnh.png",
                    "http://169.254.169.254/latest/meta-data/",
                    false
                ),
                file(
                    "t4",
                    "Bản cũ.pdf",
                    &format!("{peer}/files/khong-co.pdf"),
                    true
                ),
            ]),
        ),
    )
    .await;
    s.submit_on_portal(UNIT, submitted("G22.99-260601-0043", "1.999999", json!([])))
        .await;
    let mut bad_phone = submitted("G22.99-260601-0044", procedure.code.as_str(), json!([]));
    bad_phone["SoDienThoai"] = json!("12");
    s.submit_on_portal(UNIT, bad_phone).await;
    // Another unit's dossier is not ours to take.
    s.submit_on_portal(
        "000.00.02.H29",
        submitted("G22.99-260601-0045", procedure.code.as_str(), json!([])),
    )
    .await;

    let report = s.worker.take_in(&agency, at(1, 8, 31)).await.unwrap();
    assert_eq!(report.taken.len(), 1, "{report:?}");
    assert_eq!(report.taken[0].national, "G22.99-260601-0042");
    let rejected: Vec<(&str, &str)> = report
        .rejected
        .iter()
        .map(|p| (p.dossier.as_str(), p.reason.as_str()))
        .collect();
    assert_eq!(rejected.len(), 2, "{rejected:?}");
    assert!(
        rejected[0].1.contains("not in our catalogue"),
        "{rejected:?}"
    );
    assert!(rejected[1].1.starts_with("the applicant"), "{rejected:?}");
    assert_eq!(report.files_left_out.len(), 2, "{report:?}");
    assert!(report.deferred.is_empty(), "{report:?}");

    let national = NationalDossierCode::parse("G22.99-260601-0042").unwrap();
    let ours = s.store.national_dossier(&national).await.unwrap().unwrap();
    assert_eq!(ours.as_str(), report.taken[0].code);
    let (record, events) = s.store.load(&ours).await.unwrap();
    assert_eq!(record.national.as_ref().unwrap().code, national);
    assert_eq!(record.stage, Stage::Submitted);
    assert_eq!(record.received_at, at(1, 8, 30));
    assert_eq!(record.applicant.full_name, "Nguyễn Thị Lan");
    assert_eq!(record.summary, "Cho cháu Trần Minh An");
    // The one acceptable file was fetched and kept as it is.
    assert_eq!(record.files.len(), 1);
    assert_eq!(record.files[0].kind, FileKind::Pdf);
    assert_eq!(record.files[0].file_name, "Giấy chứng sinh.pdf");
    assert_eq!(
        record.files[0].sha256,
        hex::encode(sha2::Sha256::digest(PDF))
    );
    // The desk is told which files did not come.
    let note = events[0].note.as_deref().unwrap();
    assert!(
        note.contains("Tờ khai.pdf") && note.contains("Ảnh.png"),
        "{note}"
    );
    assert!(!note.contains("Bản cũ.pdf"), "{note}");

    // Listed again before its first status went back: still one dossier.
    let again = s.worker.take_in(&agency, at(1, 8, 32)).await.unwrap();
    assert_eq!(
        (again.taken.len(), again.already_taken),
        (0, 1),
        "{again:?}"
    );
    let register = s
        .store
        .register(&agency, at(1, 0, 0).date(), at(1, 0, 0).date())
        .await
        .unwrap();
    assert_eq!(register.len(), 1);

    // Its first status tells the portal the unit has it; it leaves the list.
    let run = s.worker.run_once(at(1, 8, 33)).await.unwrap();
    assert_eq!((run.statuses_sent, run.dossiers_sent), (1, 0), "{run:?}");
    let state = s.peer_state().await;
    let back = &state.statuses[national.as_str()];
    assert_eq!(back.len(), 1);
    assert_eq!(back[0].MaHoSoDonVi, ours.as_str());
    assert_eq!(back[0].TrangThai.0.code(), 1);
    // Ours is never sent as a dossier of its own.
    assert!(!state.dossiers.contains_key(ours.as_str()));
    let after = s.worker.take_in(&agency, at(1, 8, 34)).await.unwrap();
    assert_eq!(
        (after.taken.len(), after.already_taken),
        (0, 0),
        "{after:?}"
    );

    // Processing, through a lost answer: each status arrives once, in order.
    s.act(&ours, Action::Accept, Role::Desk, at(1, 9, 0)).await;
    s.act(&ours, Action::AssignDepartment, Role::Desk, at(1, 9, 5))
        .await;
    s.faults(json!({"next_lost_answer": 1})).await;
    let run = s.worker.run_once(at(1, 9, 6)).await.unwrap();
    assert_eq!(run.entries_deferred, 2, "{run:?}");
    let run = s.worker.run_once(at(1, 12, 0)).await.unwrap();
    assert_eq!((run.statuses_sent, run.entries_done), (2, 2), "{run:?}");
    let state = s.peer_state().await;
    let codes: Vec<u8> = state.statuses[national.as_str()]
        .iter()
        .map(|st| st.TrangThai.0.code())
        .collect();
    assert_eq!(codes, [1, 2, 4]);
    assert_eq!(state.misordered_steps, 0);
    assert_eq!(
        state.repeated_steps, 1,
        "the lost answer's status came again"
    );
    assert_eq!(state.dossiers[national.as_str()].TrangThaiHoSo.0.code(), 4);

    // Reconciliation looks it up under the portal's code and finds it in step.
    let day = at(1, 0, 0).date();
    let found = s
        .worker
        .reconcile(&agency, day, day, at(1, 13, 0))
        .await
        .unwrap();
    assert_eq!((found.checked, found.in_step), (1, 1), "{found:?}");
}
