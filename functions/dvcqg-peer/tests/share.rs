//! The client's share calls against the conformance peer: every service
//! answers from the loaded catalogue, strictly.

use std::time::Duration;

use dvcqg::client::{Client, ClientSettings, SendError};
use dvcqg::packets::service;
use dvcqg::share::pakn::{PhanAnh, TaiLieuPAKN, TepTin};
use dvcqg::share::{
    ByProcedure, ByQuestion, DanhMucCoQuan, DanhMucLinhVuc, DichVuCong, HoiDap, LayThuTuc,
    NoParams, PhuongXa, QuanHuyen, ThuTucTomTat, TinhThanh,
};
use serde_json::{Value, json};

const UNIT: &str = "000.00.01.H29";

fn catalogue() -> Value {
    let question = |id: &str, unit: &str| {
        json!({
            "HOIDAPID": id, "MALINHVUC": "G15-TP07",
            "NOIDUNG": "Tôi có thể đăng ký khai tử cho người thân ở xã khác không?",
            "MADONVI": unit, "TENDONVI": "UBND xã Gia Viễn", "NOIDUNGTRALOI": "", "TRALOIID": "",
            "HOVATEN": "Lê Thị Hoa", "DIACHI": "", "THUDIENTU": "", "SODIENTHOAI": "0987654321",
            "MATTHCDP": "1.000419", "TRANGTHAI": "1"
        })
    };
    json!({
        "procedures": [{
            "MATTHC": "1.000419", "TENTTHC": "Thủ tục đăng ký khai tử lưu động", "TRANGTHAI": "1",
            "CACHTHUCTHUCHIEN": [{"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc", "MOTA": "", "PHILEPHI": []}]}]
        }],
        "services": [{"MADVC": "1.000419.01", "TENDVC": "Đăng ký khai tử lưu động", "MATTHC": "1.000419", "MUCDO": ""}],
        "agencies": [{"MADONVI": "000.00.00.G15", "TENDONVI": "Bộ Tư pháp", "CAPDONVI": "bộ/ngành"}],
        "fields": [{"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch", "MANGANH": "G15"}],
        "provinces": [{"MATINHTHANH": "37", "TENTINHTHANH": "Tỉnh Ninh Bình"}],
        "communes": [{"MAPHUONGXA": "14737", "TENPHUONGXA": "Xã Gia Viễn", "MAQUANHUYEN": "", "MATINHTHANH": "37"}],
        "questions_from_portal": [question("7781", UNIT), question("7782", "000.00.02.H29")],
        "petitions": [{
            "MaPAKN": "PAKN-2026-000123", "TieuDe": "Đèn đường hỏng",
            "NoiDung": "Đèn đường thôn Đông hỏng đã hai tuần.", "HoTen": "Lê Thị Hoa",
            "DiaChi": "Thôn Đông, xã Gia Viễn", "SoDienThoai": "0987654321", "Email": "",
            "MaDonVi": UNIT, "TenDonVi": "UBND xã Gia Viễn", "MaLinhVuc": "",
            "NgayGui": "20260602080000", "TrangThai": "1",
            "TepTinPhanAnh": ["/pakn/PAKN-2026-000123/den-duong.jpg"]
        }],
        "petition_files": [{"DuongDan": "/pakn/PAKN-2026-000123/den-duong.jpg", "TenTep": "den-duong.jpg", "NoiDung": "iVBORw0KGgo="}]
    })
}

async fn setup() -> (String, Client) {
    let base = dvcqg_peer::spawn("donvi", "mat-khau").await.unwrap();
    let loaded = reqwest::Client::new()
        .post(format!("{base}/_catalogue"))
        .json(&catalogue())
        .send()
        .await
        .unwrap();
    assert_eq!(loaded.status(), 204, "{}", loaded.text().await.unwrap());
    let client = Client::new(ClientSettings::at(
        &base,
        "donvi",
        "mat-khau",
        Duration::from_millis(2_000),
    ));
    (base, client)
}

#[tokio::test]
async fn every_share_service_answers_from_the_catalogue() {
    let (_, client) = setup().await;
    let list: Vec<ThuTucTomTat> = client
        .share(UNIT, service::PROCEDURE_LIST, &NoParams {})
        .await
        .unwrap();
    assert_eq!(list[0].TENTTHC, "Thủ tục đăng ký khai tử lưu động");
    let by_code = ByProcedure {
        maTTHC: "1.000419".into(),
    };
    let record: Vec<LayThuTuc> = client
        .share(UNIT, service::PROCEDURE, &by_code)
        .await
        .unwrap();
    let procedure = domain::Procedure::try_from(record[0].clone()).unwrap();
    assert_eq!(
        procedure
            .resolution_time(domain::Channel::InPerson)
            .unwrap()
            .to_string(),
        "5 ngày làm việc"
    );
    let services: Vec<DichVuCong> = client
        .share(UNIT, service::PUBLIC_SERVICES, &by_code)
        .await
        .unwrap();
    assert_eq!(services[0].MADVC, "1.000419.01");

    let agencies: Vec<DanhMucCoQuan> = client
        .share(UNIT, service::AGENCIES, &NoParams {})
        .await
        .unwrap();
    let fields: Vec<DanhMucLinhVuc> = client
        .share(UNIT, service::FIELDS, &NoParams {})
        .await
        .unwrap();
    let provinces: Vec<TinhThanh> = client
        .share(UNIT, service::PROVINCES, &NoParams {})
        .await
        .unwrap();
    let districts: Vec<QuanHuyen> = client
        .share(UNIT, service::DISTRICTS, &NoParams {})
        .await
        .unwrap();
    let communes: Vec<PhuongXa> = client
        .share(UNIT, service::COMMUNES, &NoParams {})
        .await
        .unwrap();
    assert_eq!(
        (
            agencies[0].TENDONVI.as_str(),
            fields[0].MALINHVUC.as_str(),
            provinces[0].MATINHTHANH.as_str(),
            districts.len(),
            communes[0].MATINHTHANH.as_str(),
        ),
        ("Bộ Tư pháp", "G15-TP07", "37", 0, "37")
    );

    // Questions and petitions are the calling unit's only.
    let questions: Vec<HoiDap> = client
        .share(UNIT, service::QUESTIONS_FROM_PORTAL, &NoParams {})
        .await
        .unwrap();
    assert_eq!(questions.len(), 1);
    let one: Vec<HoiDap> = client
        .share(
            UNIT,
            service::ANSWER_TO_QUESTION,
            &ByQuestion {
                cauhoiid: "7781".into(),
            },
        )
        .await
        .unwrap();
    assert_eq!(one[0].HOIDAPID, "7781");
    let mine: Vec<HoiDap> = client
        .share(UNIT, service::QUESTIONS_OF_AGENCY, &NoParams {})
        .await
        .unwrap();
    assert!(mine.is_empty());
    let petitions: Vec<PhanAnh> = client
        .share(UNIT, service::PETITIONS_FROM_PORTAL, &NoParams {})
        .await
        .unwrap();
    let files: Vec<TepTin> = client
        .share(
            UNIT,
            service::PETITION_FILES,
            &TaiLieuPAKN {
                TepTinPhanAnh: petitions[0].TepTinPhanAnh.clone(),
            },
        )
        .await
        .unwrap();
    assert_eq!(files[0].TenTep, "den-duong.jpg");
}

#[tokio::test]
async fn the_share_endpoint_refuses_what_breaks_the_rules() {
    let (base, client) = setup().await;
    let refused = |r: Result<Vec<Value>, SendError>| match r {
        Err(SendError::Refused { code, .. }) => code,
        other => panic!("not refused: {other:?}"),
    };
    assert_eq!(
        refused(client.share(UNIT, "LayDanhMucKhongCo", &NoParams {}).await),
        1,
        "an unknown service"
    );
    assert_eq!(
        refused(
            client
                .share(UNIT, service::PROCEDURE, &json!({"maTTHC": 1000419}))
                .await
        ),
        1,
        "a number where a string belongs"
    );
    assert_eq!(
        refused(client.share(UNIT, service::PROCEDURE, &NoParams {}).await),
        1,
        "a missing parameter"
    );
    assert_eq!(
        refused(
            client
                .share(UNIT, service::AGENCIES, &json!({"maTTHC": "1.000419"}))
                .await
        ),
        1,
        "an unknown parameter"
    );
    assert_eq!(
        refused(
            client
                .share(
                    UNIT,
                    service::PROCEDURE,
                    &ByProcedure {
                        maTTHC: "1.999999".into()
                    }
                )
                .await
        ),
        dvcqg_peer::NOT_FOUND
    );

    // No session, no answer; an expired one is renewed by the client.
    let anonymous: Value = reqwest::Client::new()
        .post(format!("{base}/share"))
        .json(&json!({"session": "s-0", "madonvi": UNIT, "service": "LayDanhMucCoQuan"}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(anonymous["error_code"], -1);
    reqwest::Client::new()
        .post(format!("{base}/_faults"))
        .json(&json!({"expire_sessions": true}))
        .send()
        .await
        .unwrap();
    let agencies: Vec<DanhMucCoQuan> = client
        .share(UNIT, service::AGENCIES, &NoParams {})
        .await
        .unwrap();
    assert_eq!(agencies.len(), 1);

    // The catalogue itself is held to the wire rules.
    let mut numeric = catalogue();
    numeric["procedures"][0]["TRANGTHAI"] = json!(1);
    let loaded = reqwest::Client::new()
        .post(format!("{base}/_catalogue"))
        .json(&numeric)
        .send()
        .await
        .unwrap();
    assert_eq!(loaded.status(), 422);
}
