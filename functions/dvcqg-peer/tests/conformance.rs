//! The client against the conformance peer: the happy path, and each rule
//! and fault the peer plays.

use std::time::Duration;

use dvcqg::client::{Client, ClientSettings, SendError};
use dvcqg::packets::{HoSo, TienDo, service};
use serde_json::{Value, json};

fn dossier(code: &str) -> Value {
    json!({
        "MaHoSo": code, "MaTTHC": "1.000419", "TenTTHC": "Thủ tục đăng ký khai tử lưu động",
        "MaLinhVuc": "", "TenLinhVuc": "", "ChuHoSo": "Lê Thị Hoa", "LoaiDoiTuong": "1",
        "MaDoiTuong": "", "ThongTinKhac": "", "Email": "", "Fax": "", "SoDienThoai": "0987654321",
        "TrichYeuHoSo": "Đăng ký khai tử", "NgayTiepNhan": "20260601090000", "NgayHenTra": "20260608170000",
        "TrangThaiHoSo": "2", "NgayTra": "", "ThongTinTra": "", "HinhThuc": "0", "NgayKetThucXuLy": "",
        "DonViXuLy": "UBND xã", "GhiChu": "", "TaiLieuNop": [], "DanhSachLePhi": [],
        "DanhSachTepDinhKemKhac": [], "DanhSachHoSoBoSung": [], "DanhSachGiayToKetQua": [],
        "SoBienNhan": code, "KenhThucHien": "1", "SoGiayToChuHoSo": "036190001234",
        "NgayNopHoSo": "20260601090000", "NgayTuChoi": "", "DuocThanhToanTrucTuyen": "0", "DinhDanhCHS": [],
    })
}

fn step(code: &str, minute: u32) -> TienDo {
    serde_json::from_value(json!({
        "MaHoSo": code, "NguoiXuLy": "Trần Thu", "ChucDanh": "Cán bộ một cửa",
        "ThoiDiemXuLy": format!("202606010{}00", 900 + minute), "PhongBanXuLy": "Bộ phận Một cửa",
        "NoiDungXuLy": "Tiếp nhận hồ sơ", "TrangThai": "2", "NgayBatDau": "20260601090000",
        "NgayKetThucTheoQuyDinh": "20260608170000",
    }))
    .unwrap()
}

async fn setup(timeout_ms: u64) -> (String, Client) {
    let base = dvcqg_peer::spawn("donvi", "mat-khau").await.unwrap();
    let client = Client::new(ClientSettings::at(
        &base,
        "donvi",
        "mat-khau",
        Duration::from_millis(timeout_ms),
    ));
    (base, client)
}

async fn faults(base: &str, faults: Value) {
    reqwest::Client::new()
        .post(format!("{base}/_faults"))
        .json(&faults)
        .send()
        .await
        .unwrap();
}

async fn snapshot(base: &str) -> dvcqg_peer::Snapshot {
    reqwest::get(format!("{base}/_state"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

const UNIT: &str = "000.00.01.H29";

#[tokio::test]
async fn a_dossier_then_its_progress_arrive_and_an_insert_twice_is_told_to_update() {
    let (base, client) = setup(2_000).await;
    let code = "000.00.01.H29-260601-0001";
    let packet: HoSo = serde_json::from_value(dossier(code)).unwrap();
    // A step before its dossier is refused.
    assert!(matches!(
        client
            .send(UNIT, service::PROGRESS, None, &[step(code, 1)])
            .await,
        Err(SendError::Refused { code: 4, .. })
    ));
    assert_eq!(client.look_up(UNIT, code).await.unwrap(), None);
    client
        .send(
            UNIT,
            service::SYNC_DOSSIER,
            Some(false),
            std::slice::from_ref(&packet),
        )
        .await
        .unwrap();
    assert_eq!(
        client
            .send(
                UNIT,
                service::SYNC_DOSSIER,
                Some(false),
                std::slice::from_ref(&packet)
            )
            .await,
        Err(SendError::AlreadyExists)
    );
    client
        .send(
            UNIT,
            service::SYNC_DOSSIER,
            Some(true),
            std::slice::from_ref(&packet),
        )
        .await
        .unwrap();
    client
        .send(
            UNIT,
            service::PROGRESS,
            None,
            &[step(code, 1), step(code, 2)],
        )
        .await
        .unwrap();
    // The same step again is stored once.
    client
        .send(UNIT, service::PROGRESS, None, &[step(code, 2)])
        .await
        .unwrap();
    assert_eq!(client.look_up(UNIT, code).await.unwrap(), Some(packet));
    let state = snapshot(&base).await;
    assert_eq!((state.progress[code].len(), state.repeated_steps), (2, 1));
    // Everything received is exported, one request body per line.
    let export = reqwest::get(format!("{base}/_export"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert_eq!(export.lines().count(), state.requests);
    assert!(
        export
            .lines()
            .all(|l| serde_json::from_str::<Value>(l).is_ok())
    );
}

#[tokio::test]
async fn the_peer_refuses_what_breaks_the_wire_rules() {
    let (base, client) = setup(2_000).await;
    client.look_up(UNIT, "x").await.unwrap(); // logs in
    let session = {
        let export = reqwest::get(format!("{base}/_export"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        let last: Value = serde_json::from_str(export.lines().last().unwrap()).unwrap();
        last["session"].as_str().unwrap().to_owned()
    };
    let send = |mut record: Value, change: fn(&mut Value)| {
        change(&mut record);
        let body = json!({"session": session, "madonvi": UNIT, "service": "DongBoHoSoMC", "isUpdating": "False", "data": [record]});
        let base = base.clone();
        async move {
            let answer: Value = reqwest::Client::new()
                .post(format!("{base}/integration"))
                .json(&body)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            answer["error_code"].as_i64().unwrap()
        }
    };
    let code = "000.00.01.H29-260601-0002";
    assert_eq!(
        send(dossier(code), |d| d["TrangThaiHoSo"] = json!(2)).await,
        1,
        "a number where a string belongs"
    );
    assert_eq!(
        send(dossier(code), |d| d["NgayTiepNhan"] =
            json!("2026-06-01 09:00:00"))
        .await,
        1,
        "a wrong date format"
    );
    assert_eq!(
        send(dossier(code), |d| d["HinhThuc"] = json!("5")).await,
        1,
        "a code off its list"
    );
    assert_eq!(
        send(dossier(code), |d| d["Unknown"] = json!("x")).await,
        1,
        "an unknown field"
    );
    assert_eq!(send(dossier(code), |_| {}).await, 0);
    assert!(snapshot(&base).await.dossiers.contains_key(code));
}

#[tokio::test]
async fn an_expired_session_is_renewed_and_faults_are_transport_errors_to_retry() {
    let (base, client) = setup(500).await;
    let code = "000.00.01.H29-260601-0003";
    let packet: HoSo = serde_json::from_value(dossier(code)).unwrap();
    client.look_up(UNIT, code).await.unwrap();
    faults(&base, json!({"expire_sessions": true})).await;
    client
        .send(
            UNIT,
            service::SYNC_DOSSIER,
            Some(false),
            std::slice::from_ref(&packet),
        )
        .await
        .unwrap();

    faults(&base, json!({"next_unavailable": 1})).await;
    let unavailable = client
        .send(UNIT, service::PROGRESS, None, &[step(code, 1)])
        .await
        .unwrap_err();
    assert!(unavailable.is_retryable(), "{unavailable}");
    faults(&base, json!({"next_slow_ms": [1500]})).await;
    let slow = client
        .send(UNIT, service::PROGRESS, None, &[step(code, 1)])
        .await
        .unwrap_err();
    assert!(slow.is_retryable(), "{slow}");
    // Stored, but the answer is lost: the sender retries and the step is not doubled.
    faults(&base, json!({"next_lost_answer": 1})).await;
    assert!(
        client
            .send(UNIT, service::PROGRESS, None, &[step(code, 1)])
            .await
            .unwrap_err()
            .is_retryable()
    );
    client
        .send(UNIT, service::PROGRESS, None, &[step(code, 1)])
        .await
        .unwrap();
    let state = snapshot(&base).await;
    assert_eq!(state.progress[code].len(), 1);
    faults(&base, json!({"down": true})).await;
    assert!(client.look_up(UNIT, code).await.unwrap_err().is_retryable());
}
