//! The packets of QCVN 120:2019 this portal sends and reads, field names
//! exactly as on the wire (see `shared/docs/qcvn120.md`). Every scalar is a
//! `String` or one of the wire types of [`crate::wire`]; serde's `String`
//! refuses a number, so a strict peer built on these types refuses one too.

#![allow(non_snake_case)]

use serde::{Deserialize, Serialize};

use crate::wire::{ErrorCode, MaybeTime, WireBool, WireCode, WireNumber, WireStatus, WireTime};

/// Service names, as the `service` field carries them.
pub mod service {
    pub const SYNC_DOSSIER: &str = "DongBoHoSoMC";
    pub const PROGRESS: &str = "CapNhatTienDoHoSoMC";
    pub const STATUS_BACK_SYNC: &str = "DongBoTrangThaiHoSo";
    pub const EVALUATION: &str = "DongBoDanhGia";
    pub const STATISTICS: &str = "DongBoThongKeHoSo";
    pub const LOOK_UP: &str = "TraCuuHoSo";
    /// The dossiers citizens submitted on the national portal to a unit,
    /// not yet taken in there: records in the `DongBoHoSoMC` shape, with the
    /// portal's code in `MaHoSo`. The sources name the status back-sync
    /// (`DongBoTrangThaiHoSo`) but not how such a dossier reaches the unit;
    /// this name and shape are this project's assumption, by analogy with
    /// the Q&A pull (`LayDanhSachHoiDapGuiTuDVCQG`). A dossier leaves the
    /// list once its status goes back as received.
    pub const PORTAL_DOSSIERS: &str = "LayDanhSachHoSoGuiTuDVCQG";

    // The share endpoint (§4): the national procedure database and its dictionaries.
    pub const PROCEDURE_LIST: &str = "LayDanhSachTTHC";
    pub const PROCEDURE: &str = "LayThuTuc";
    pub const PUBLIC_SERVICES: &str = "LayDVC";
    pub const AGENCIES: &str = "LayDanhMucCoQuan";
    pub const FIELDS: &str = "LayDanhMucLinhVuc";
    pub const PROVINCES: &str = "LayDanhMucTinhThanh";
    pub const DISTRICTS: &str = "LayDanhMucQuanHuyen";
    pub const COMMUNES: &str = "LayDanhMucPhuongXa";

    // Questions and answers (§6): pulled from the share endpoint, pushed
    // to the integration endpoint.
    pub const QUESTIONS_FROM_PORTAL: &str = "LayDanhSachHoiDapGuiTuDVCQG";
    pub const QUESTIONS_OF_AGENCY: &str = "LayDanhSachHoiDapBoCoQuan";
    pub const ANSWER_TO_QUESTION: &str = "LayNoiDungTraLoiTheoCauHoi";
    pub const SYNC_QUESTION: &str = "DongBoHoiDap";
    pub const SYNC_ANSWER: &str = "DongBoKetQuaHoiDapGuiTuDVCQG";

    // Feedback and petitions (§5). Only `LayTaiLieuPAKN` is named by the
    // sources; the other three names are this project's assumption, made
    // by analogy with the Q&A services (see `crate::share::pakn`).
    pub const PETITIONS_FROM_PORTAL: &str = "LayDanhSachPAKNGuiTuDVCQG";
    pub const PETITION_FILES: &str = "LayTaiLieuPAKN";
    pub const SYNC_PETITION: &str = "DongBoPAKN";
    pub const SYNC_PETITION_RESULT: &str = "DongBoKetQuaPAKN";
}

/// `POST {adapter}{auth}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Login {
    pub username: String,
    pub password: String,
}

/// The error code a peer answers for an unknown or expired session.
pub const SESSION_EXPIRED: i64 = -1;
/// The error code for "already exists" (peers also send 3).
pub const ALREADY_EXISTS: i64 = -3;

/// What every call answers: `error_code` 0 on success; `session` after a login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub error_code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// `TraCuuHoSo` answers with what the portal holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Vec<HoSo>>,
}

impl Answer {
    pub fn ok() -> Self {
        Answer {
            error_code: ErrorCode(0),
            message: None,
            session: None,
            result: None,
        }
    }

    pub fn error(code: i64, message: &str) -> Self {
        Answer {
            error_code: ErrorCode(code),
            message: Some(message.to_owned()),
            session: None,
            result: None,
        }
    }

    /// The session is unknown or expired (error -1, or a message saying so):
    /// log in again and resend. The code is this project's reading of peers'
    /// behaviour, kept here alone.
    pub fn session_expired(&self) -> bool {
        self.error_code.0 == SESSION_EXPIRED
            || self.message.as_deref().is_some_and(|m| {
                let m = m.to_lowercase();
                m.contains("session") || m.contains("phiên")
            })
    }

    /// "Already exists" (error 3 or -3, "đã tồn tại"): send again as an update.
    pub fn already_exists(&self) -> bool {
        matches!(self.error_code.0, 3 | -3)
            || self
                .message
                .as_deref()
                .is_some_and(|m| m.to_lowercase().contains("đã tồn tại"))
    }
}

/// A call to the integration endpoint: `{"session", "madonvi", "service", …, "data": …}`.
/// `data` is a list of records (`Call<Vec<HoSo>>`), except for
/// `DongBoTrangThaiHoSo`, whose `data` is one object (`Call<TrangThaiHoSo>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Call<T> {
    pub session: String,
    pub madonvi: String,
    pub service: String,
    /// `DongBoHoSoMC` only: whether the dossier exists there already.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub isUpdating: Option<WireBool>,
    pub data: T,
}

/// `TraCuuHoSo`: what the portal holds of one dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TraCuuHoSo {
    pub session: String,
    pub madonvi: String,
    pub service: String,
    pub mahoso: String,
}

/// `DongBoHoSoMC`: one dossier, the 27 fields of QCVN 120 and the
/// extensions seen in production (after `DanhSachGiayToKetQua`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoSo {
    pub MaHoSo: String,
    pub MaTTHC: String,
    pub TenTTHC: String,
    pub MaLinhVuc: String,
    pub TenLinhVuc: String,
    pub ChuHoSo: String,
    /// 1 citizen, 2 business.
    pub LoaiDoiTuong: WireCode<1, 2>,
    pub MaDoiTuong: String,
    pub ThongTinKhac: String,
    pub Email: String,
    pub Fax: String,
    pub SoDienThoai: String,
    pub TrichYeuHoSo: String,
    pub NgayTiepNhan: WireTime,
    pub NgayHenTra: MaybeTime,
    pub TrangThaiHoSo: WireStatus,
    pub NgayTra: MaybeTime,
    pub ThongTinTra: String,
    /// 0 in person, 1 by post.
    pub HinhThuc: WireCode<0, 1>,
    pub NgayKetThucXuLy: MaybeTime,
    pub DonViXuLy: String,
    pub GhiChu: String,
    pub TaiLieuNop: Vec<TaiLieu>,
    pub DanhSachLePhi: Vec<LePhi>,
    pub DanhSachTepDinhKemKhac: Vec<TepDinhKemKhac>,
    pub DanhSachHoSoBoSung: Vec<HoSoBoSung>,
    pub DanhSachGiayToKetQua: Vec<GiayToKetQua>,
    #[serde(default)]
    pub SoBienNhan: String,
    /// 1 in person, 2 online, 3 by post.
    pub KenhThucHien: WireCode<1, 3>,
    #[serde(default)]
    pub SoGiayToChuHoSo: String,
    pub NgayNopHoSo: WireTime,
    #[serde(default)]
    pub NgayTuChoi: MaybeTime,
    /// 0 no fee, 1 paid on the national platform, 2 through the local
    /// gateway, 3 fees not paid online.
    pub DuocThanhToanTrucTuyen: WireCode<0, 3>,
    #[serde(default)]
    pub DinhDanhCHS: Vec<DinhDanh>,
}

/// One submitted file (`TaiLieuNop`), also used for processing documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TaiLieu {
    pub TepDinhKemId: String,
    pub TenTepDinhKem: String,
    pub IsDeleted: WireBool,
    pub MaThanhPhanHoSo: String,
    pub DuongDanTaiTepTin: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DuocSoHoa: Option<WireBool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DuocTaiSuDung: Option<WireBool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub DuocLayTuKhoDMQG: Option<WireBool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub MaKetQuaThayThe: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LePhi {
    pub TenPhiLePhi: String,
    pub MaPhiLePhi: String,
    pub HinhThucThu: String,
    pub Gia: WireNumber,
    pub LoaiPhiLePhi: String,
}

/// A paper handed in (`DanhSachTepDinhKemKhac`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TepDinhKemKhac {
    pub TenGiayTo: String,
    pub SoLuong: WireNumber,
    /// 1 original, 2 copy.
    pub LoaiGiayTo: WireCode<1, 2>,
}

/// One supplement round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HoSoBoSung {
    pub HoSoBoSungId: String,
    pub NguoiYeuCauBoSung: String,
    pub NoiDungBoSung: String,
    pub NgayBoSung: WireTime,
    pub NguoiTiepNhanBoSung: String,
    pub ThongTinTiepNhan: String,
    pub NgayTiepNhanBoSung: MaybeTime,
    /// 0 waiting for the applicant, 1 supplemented.
    pub TrangThaiBoSung: WireCode<0, 1>,
    pub DanhSachGiayToBoSung: Vec<TaiLieu>,
    pub DanhSachLePhiBoSung: Vec<LePhi>,
    pub NgayHenTraTruoc: MaybeTime,
    pub NgayHenTraMoi: MaybeTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GiayToKetQua {
    pub TenGiayTo: String,
    pub MaThanhPhanHoSo: String,
    pub GiayToId: String,
    pub DuongDanTepTinKetQua: String,
    #[serde(default)]
    pub MaGiayToKetQua: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DinhDanh {
    /// 1 personal identity number, 2 tax code.
    pub LoaiDinhDanh: WireCode<1, 2>,
    pub SoDinhDanh: String,
}

/// `CapNhatTienDoHoSoMC`: one processing step of a dossier already synced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TienDo {
    pub MaHoSo: String,
    pub NguoiXuLy: String,
    pub ChucDanh: String,
    pub ThoiDiemXuLy: WireTime,
    pub PhongBanXuLy: String,
    pub NoiDungXuLy: String,
    pub TrangThai: WireStatus,
    pub NgayBatDau: WireTime,
    pub NgayKetThucTheoQuyDinh: MaybeTime,
}

/// `DongBoTrangThaiHoSo`: the status of a dossier submitted on the national
/// portal, sent back to it (`data` is one object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrangThaiHoSo {
    pub MaHoSo: String,
    pub MaHoSoDonVi: String,
    pub MaDoiTuong: String,
    pub NoiDung: String,
    pub NgayXuLy: WireTime,
    pub TrangThai: WireStatus,
    pub TaiLieuXuLy: Vec<TaiLieu>,
}

/// `DongBoDanhGia`: one question's results for a month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DanhGia {
    /// `M-YYYY`.
    pub NgayTongHop: String,
    pub TongSoNguoiDanhGia: WireNumber,
    /// `"NN%"`, two decimals.
    pub PhanTramDanhGiaRatHaiLong: String,
    pub PhanTramDanhGiaHaiLong: String,
    pub PhanTramDanhGiaChuaHaiLong: String,
    pub DanhSachNoiDungYKien: Vec<String>,
    pub MaThuTuc: String,
    pub NoiDung: String,
    pub PhanTramDanhGiaDichVuRatHaiLong: String,
    pub PhanTramDanhGiaDichVuHaiLong: String,
    pub PhanTramDanhGiaDichVuChuaHaiLong: String,
    pub Madonvi: String,
    pub TenDonVi: String,
}

/// `DongBoThongKeHoSo`: an agency's month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThongKeHoSo {
    pub Thang: String,
    pub Nam: String,
    pub SoNhanTrongKy: WireNumber,
    pub SoTonKyTruoc: WireNumber,
    pub TongSoXuLy: WireNumber,
    pub TongDaXuLy: WireNumber,
    pub TongXuLyDungHan: WireNumber,
    pub PhanTramXuLyDungHan: String,
    pub TongXuLyTreHan: WireNumber,
    pub PhanTramXuLyTreHan: String,
    pub TongChuaXuLy: WireNumber,
    pub TongChuaXuLyTrongHan: WireNumber,
    pub PhanTramChuaXuLyTrongHan: String,
    pub TongChuaXuLyTreHan: WireNumber,
    pub PhanTramChuaXuLyTreHan: String,
    pub GhiChu: String,
    pub Madonvi: String,
    pub TenDonVi: String,
    pub LoaiThongKe: String,
}

/// A share of a whole as the statistics write it: two decimals (`"87.50"`).
pub fn percent(part: u64, whole: u64) -> String {
    if whole == 0 {
        return "0.00".into();
    }
    // Rounded half up in hundredths of a percent, in integers.
    let hundredths = (part * 10_000 * 2 + whole) / (whole * 2);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_have_two_decimals_rounded_half_up() {
        assert_eq!(percent(7, 8), "87.50");
        assert_eq!(percent(1, 3), "33.33");
        assert_eq!(percent(2, 3), "66.67");
        assert_eq!(percent(0, 0), "0.00");
        assert_eq!(percent(5, 5), "100.00");
    }

    #[test]
    fn an_existing_dossier_is_recognised_by_code_or_message() {
        let answer = |json: &str| serde_json::from_str::<Answer>(json).unwrap();
        assert!(answer(r#"{"error_code": -3, "message": "x"}"#).already_exists());
        assert!(answer(r#"{"error_code": "3"}"#).already_exists());
        assert!(
            answer(r#"{"error_code": 1, "message": "Hồ sơ đã tồn tại trên hệ thống"}"#)
                .already_exists()
        );
        assert!(!answer(r#"{"error_code": "00"}"#).already_exists());
        assert!(answer(r#"{"error_code": "00"}"#).error_code.is_success());
    }
}
