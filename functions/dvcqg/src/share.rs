//! The share endpoint's packets (QCVN 120 §4–§6, `shared/docs/qcvn120.md`):
//! what this portal reads from the national portal — the procedure database
//! (`LayDanhSachTTHC`, `LayThuTuc`, `LayDVC`), its dictionaries (agencies,
//! fields, administrative units), questions and answers, feedback and
//! petitions (PAKN, in [`pakn`]) — and the Q&A packets it pushes back.
//!
//! A share call is one flat object, `{"session", "madonvi", "service", …}`,
//! with the service's own parameters beside the three ([`ShareCall`]); the
//! answer is `{"error_code": 0, "result": […]}` ([`ShareAnswer`]). Pushes
//! (`DongBoHoiDap`, `DongBoKetQuaHoiDapGuiTuDVCQG`, the PAKN ones) go to the
//! integration endpoint as [`crate::packets::Call`]s, like dossiers.
//!
//! Every scalar is a `String` or a wire type of [`crate::wire`]. Packets we
//! send refuse unknown fields; records we read accept fields beyond the ones
//! named here (the portal's lists carry more than the sources name), but
//! never a number where a string belongs.

#![allow(non_snake_case)]

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::packets::Answer;
use crate::wire::{ErrorCode, WireDate};

/// The national procedure database's record, as `LayThuTuc` answers it
/// (`result[0]`). The type and its conversion to a `Procedure` are the
/// domain's (`TryFrom<LayThuTuc> for Procedure`); it reads numbers where
/// strings belong too, since some peers send them.
pub use domain::LayThuTuc;

/// A call to the share endpoint: the session, the unit and the service,
/// with the service's parameters `P` flattened beside them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ShareCall<P> {
    pub session: String,
    pub madonvi: String,
    pub service: String,
    #[serde(flatten)]
    pub params: P,
}

/// The three fields every share call has, read before its service is known.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct ShareHead {
    pub session: String,
    pub madonvi: String,
    pub service: String,
}

impl ShareHead {
    /// The head of a call body; the rest is left for [`ShareCall::read`].
    pub fn read(body: &Value) -> Result<Self, String> {
        let object = body.as_object().ok_or("a share call is one JSON object")?;
        let field = |name: &str| match object.get(name) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Err(format!("`{name}` must be a string, not {other}")),
            None => Err(format!("`{name}` is missing")),
        };
        Ok(ShareHead {
            session: field("session")?,
            madonvi: field("madonvi")?,
            service: field("service")?,
        })
    }
}

impl<P: DeserializeOwned> ShareCall<P> {
    /// Reads a call strictly: the head, then everything else exactly as `P`
    /// (whose unknown fields are refused). serde's `flatten` cannot refuse
    /// unknown fields, so the head is taken off first.
    pub fn read(body: &Value) -> Result<Self, String> {
        let head = ShareHead::read(body)?;
        let mut rest = body.as_object().cloned().unwrap_or_default();
        for name in ["session", "madonvi", "service"] {
            rest.remove(name);
        }
        let params = serde_json::from_value(Value::Object(rest)).map_err(|e| e.to_string())?;
        Ok(ShareCall {
            session: head.session,
            madonvi: head.madonvi,
            service: head.service,
            params,
        })
    }
}

/// No parameters: the lists and dictionaries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NoParams {}

/// `LayThuTuc` and `LayDVC`: the procedure's code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByProcedure {
    pub maTTHC: String,
}

/// `LayNoiDungTraLoiTheoCauHoi`: the question's id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ByQuestion {
    pub cauhoiid: String,
}

/// What the share endpoint answers: `error_code` 0 and the records in
/// `result` (absent or empty when there are none).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareAnswer<T> {
    pub error_code: ErrorCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    #[serde(default = "Vec::new")]
    pub result: Vec<T>,
}

impl<T> ShareAnswer<T> {
    pub fn ok(result: Vec<T>) -> Self {
        ShareAnswer {
            error_code: ErrorCode(0),
            message: None,
            result,
        }
    }

    pub fn error(code: i64, message: &str) -> Self {
        ShareAnswer {
            error_code: ErrorCode(code),
            message: Some(message.to_owned()),
            result: Vec::new(),
        }
    }

    /// The answer's status as an [`Answer`], for its readings of error
    /// codes (`session_expired`, `already_exists`).
    pub fn status(&self) -> Answer {
        Answer {
            error_code: self.error_code,
            message: self.message.clone(),
            session: None,
            result: None,
        }
    }
}

// ---------------------------------------------------------------------------
// §4: the national procedure database.

/// `LayDanhSachTTHC`: one procedure of the list. The list carries more than
/// these two fields; these are the ones read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThuTucTomTat {
    pub MATTHC: String,
    pub TENTTHC: String,
}

/// `LayDVC` (`maTTHC`): one public service of a procedure. §4 names the
/// service, not its fields: these are this project's assumption, after the
/// dictionaries' pattern (`MA…`, `TEN…`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DichVuCong {
    pub MADVC: String,
    pub TENDVC: String,
    pub MATTHC: String,
    /// The online level as the portal words it (toàn trình, một phần…).
    #[serde(default)]
    pub MUCDO: String,
}

/// `LayDanhMucCoQuan`: an agency with its code (QĐ 20/2020 or the portal's).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DanhMucCoQuan {
    pub MADONVI: String,
    pub TENDONVI: String,
    /// The agency's tier, as the portal writes it.
    #[serde(default)]
    pub CAPDONVI: String,
}

/// `LayDanhMucLinhVuc`: a procedure field (`G15-TP07`, "Hộ tịch").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DanhMucLinhVuc {
    pub MALINHVUC: String,
    pub TENLINHVUC: String,
    /// The sector (ngành) the field belongs to.
    #[serde(default)]
    pub MANGANH: String,
}

// Administrative units. §4 names the three services, not their fields: the
// names below are this project's assumption, after `LayDanhMucCoQuan`'s
// pattern. Since 01/07/2025 there are no districts: communes belong to
// provinces directly, `MAQUANHUYEN` is empty and `LayDanhMucQuanHuyen`
// answers an empty list on a current portal.

/// `LayDanhMucTinhThanh`: a province or centrally governed city.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TinhThanh {
    pub MATINHTHANH: String,
    pub TENTINHTHANH: String,
}

/// `LayDanhMucQuanHuyen`: a district (before 01/07/2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuanHuyen {
    pub MAQUANHUYEN: String,
    pub TENQUANHUYEN: String,
    pub MATINHTHANH: String,
}

/// `LayDanhMucPhuongXa`: a commune, ward or special zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhuongXa {
    pub MAPHUONGXA: String,
    pub TENPHUONGXA: String,
    #[serde(default)]
    pub MAQUANHUYEN: String,
    pub MATINHTHANH: String,
}

// ---------------------------------------------------------------------------
// §6: questions and answers.

/// A question as `LayDanhSachHoiDapGuiTuDVCQG` (asked on the national
/// portal, for this agency to answer) and `LayDanhSachHoiDapBoCoQuan` (the
/// agency's published ones) list it, and as `LayNoiDungTraLoiTheoCauHoi`
/// (`cauhoiid`) answers it, with its answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HoiDap {
    pub HOIDAPID: String,
    pub MALINHVUC: String,
    pub NOIDUNG: String,
    pub MADONVI: String,
    pub TENDONVI: String,
    /// Empty while unanswered.
    #[serde(default)]
    pub NOIDUNGTRALOI: String,
    #[serde(default)]
    pub TRALOIID: String,
    pub HOVATEN: String,
    #[serde(default)]
    pub DIACHI: String,
    #[serde(default)]
    pub THUDIENTU: String,
    #[serde(default)]
    pub SODIENTHOAI: String,
    /// The local procedure code the question is about, if any.
    #[serde(default)]
    pub MATTHCDP: String,
    pub TRANGTHAI: String,
}

/// `DongBoHoiDap`: a question and answer this agency publishes. The mixed
/// case of `MaLinhVuc` is the sources'.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DongBoHoiDap {
    pub HOIDAPID: String,
    pub MaLinhVuc: String,
    pub NOIDUNG: String,
    pub MADONVI: String,
    pub TENDONVI: String,
}

/// `DongBoKetQuaHoiDapGuiTuDVCQG`: the answer to a question asked on the
/// national portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KetQuaHoiDap {
    pub HOIDAPID: String,
    pub MADONVI: String,
    pub NGUOITRALOI: String,
    pub CHUCVUNGUOITRALOI: String,
    /// `dd/MM/yyyy`, the one date of QCVN 120 in that format.
    pub NGAYTRALOI: WireDate,
    pub NOIDUNGTRALOI: String,
}

/// Feedback and petitions (phản ánh, kiến nghị; QCVN 120 §5).
///
/// **The field names and the service names in this module, except
/// `LayTaiLieuPAKN` and its `TepTinPhanAnh`, are THIS PROJECT'S ASSUMPTION.**
/// The regulation's tables were not available; its summaries say only that
/// PAKN packets go both ways, that its tables 9 and 13 carry a list of
/// attachment paths as item 13, and that `LayTaiLieuPAKN {TepTinPhanAnh}`
/// fetches those files. The packets are modelled on the conventions of the
/// dossier packets (PascalCase as in `TepTinPhanAnh`, times
/// `yyyyMMddHHmmss`, every scalar a string), with thirteen items each and
/// the path list thirteenth. Change them here, and only here, when the
/// tables are found.
pub mod pakn {
    use serde::{Deserialize, Serialize};

    use crate::wire::{MaybeTime, WireBool, WireTime};

    /// `TrangThai`, of a petition and of its result: the values this
    /// project assumes (the sources name the field only), in the order of
    /// a petition's life.
    pub mod trang_thai {
        /// Received, being handled (or handled anew after a reopening).
        pub const RECEIVED: &str = "1";
        /// Waiting for the sender's information.
        pub const WAITING: &str = "2";
        pub const ANSWERED: &str = "3";
        /// Refused: not for this agency to handle.
        pub const REFUSED: &str = "4";
    }

    /// A petition (table 9, as assumed): pulled with
    /// `LayDanhSachPAKNGuiTuDVCQG` when it was sent on the national portal,
    /// pushed with `DongBoPAKN` when it was received here.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct PhanAnh {
        /// 1.
        pub MaPAKN: String,
        pub TieuDe: String,
        pub NoiDung: String,
        pub HoTen: String,
        /// 5.
        pub DiaChi: String,
        pub SoDienThoai: String,
        pub Email: String,
        pub MaDonVi: String,
        pub TenDonVi: String,
        /// 10. Empty when the petition is about no particular field.
        pub MaLinhVuc: String,
        pub NgayGui: WireTime,
        /// The portal's processing state, kept as sent.
        pub TrangThai: String,
        /// 13. Paths of the attachments, for `LayTaiLieuPAKN`.
        pub TepTinPhanAnh: Vec<String>,
    }

    /// The answer to a petition (table 13, as assumed), pushed with `DongBoKetQuaPAKN`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct KetQuaPAKN {
        /// 1.
        pub MaPAKN: String,
        pub MaDonVi: String,
        pub TenDonVi: String,
        pub NguoiXuLy: String,
        /// 5.
        pub ChucVuNguoiXuLy: String,
        pub NgayXuLy: WireTime,
        pub NoiDungTraLoi: String,
        pub TrangThai: String,
        /// Whether the answer may be published on the national portal.
        pub CongKhai: WireBool,
        /// 10. The document that answers it, if one was issued.
        pub SoVanBan: String,
        pub NgayBanHanh: MaybeTime,
        pub CoQuanBanHanh: String,
        /// 13. Paths of the answer's attachments.
        pub TepTinKetQua: Vec<String>,
    }

    /// `LayTaiLieuPAKN`: which attachments to fetch (named by the sources).
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct TaiLieuPAKN {
        pub TepTinPhanAnh: Vec<String>,
    }

    /// One attachment as `LayTaiLieuPAKN` answers it (assumed): its path
    /// as asked, its file name and its content in base64.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
    pub struct TepTin {
        pub DuongDan: String,
        pub TenTep: String,
        pub NoiDung: String,
    }
}

#[cfg(test)]
mod tests {
    use super::pakn::*;
    use super::*;
    use domain::Procedure;
    use serde_json::json;

    /// `json` reads as `T` and writes back as itself; and every string in
    /// it, replaced by a number, is refused.
    fn golden<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(json: Value) {
        let read: T = serde_json::from_value(json.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), json);
        for pointer in string_leaves(&json, String::new()) {
            let mut broken = json.clone();
            *broken.pointer_mut(&pointer).unwrap() = json!(1);
            assert!(
                serde_json::from_value::<T>(broken).is_err(),
                "a number at {pointer} was read"
            );
        }
    }

    fn string_leaves(value: &Value, at: String) -> Vec<String> {
        match value {
            Value::String(_) => vec![at],
            Value::Array(items) => items
                .iter()
                .enumerate()
                .flat_map(|(i, v)| string_leaves(v, format!("{at}/{i}")))
                .collect(),
            Value::Object(fields) => fields
                .iter()
                .flat_map(|(k, v)| string_leaves(v, format!("{at}/{k}")))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// Packets we send refuse a field they do not know.
    fn refuses_unknown<T: DeserializeOwned + std::fmt::Debug>(mut json: Value) {
        json["Unknown"] = json!("x");
        assert!(serde_json::from_value::<T>(json).is_err());
    }

    #[test]
    fn share_calls_are_flat_and_read_strictly() {
        let call = ShareCall {
            session: "s-1".into(),
            madonvi: "000.00.01.H29".into(),
            service: "LayThuTuc".into(),
            params: ByProcedure {
                maTTHC: "1.000419".into(),
            },
        };
        let json = json!({"session": "s-1", "madonvi": "000.00.01.H29", "service": "LayThuTuc", "maTTHC": "1.000419"});
        assert_eq!(serde_json::to_value(&call).unwrap(), json);
        assert_eq!(ShareCall::<ByProcedure>::read(&json).unwrap(), call);
        let with = |key: &str, value: Value| {
            let mut j = json.clone();
            j[key] = value;
            j
        };
        assert!(ShareCall::<ByProcedure>::read(&with("maTTHC", json!(1000419))).is_err());
        assert!(ShareCall::<ByProcedure>::read(&with("extra", json!("x"))).is_err());
        assert!(ShareCall::<ByProcedure>::read(&with("session", json!(1))).is_err());
        assert!(
            ShareCall::<NoParams>::read(&json).is_err(),
            "maTTHC is not a list's parameter"
        );

        let list =
            json!({"session": "s-1", "madonvi": "000.00.01.H29", "service": "LayDanhMucCoQuan"});
        let call = ShareCall::<NoParams>::read(&list).unwrap();
        assert_eq!(serde_json::to_value(&call).unwrap(), list);
        let question = json!({"session": "s", "madonvi": "u", "service": "LayNoiDungTraLoiTheoCauHoi", "cauhoiid": "42"});
        assert_eq!(
            ShareCall::<ByQuestion>::read(&question)
                .unwrap()
                .params
                .cauhoiid,
            "42"
        );
        let files = json!({"session": "s", "madonvi": "u", "service": "LayTaiLieuPAKN", "TepTinPhanAnh": ["/pakn/1/anh.jpg"]});
        assert_eq!(
            ShareCall::<TaiLieuPAKN>::read(&files)
                .unwrap()
                .params
                .TepTinPhanAnh,
            ["/pakn/1/anh.jpg"]
        );
        assert!(ShareHead::read(&json!(["not", "an", "object"])).is_err());
    }

    #[test]
    fn answers_carry_their_records_and_their_status() {
        let answer: ShareAnswer<ThuTucTomTat> = serde_json::from_value(json!({
            "error_code": 0,
            "result": [{"MATTHC": "1.000419", "TENTTHC": "Thủ tục đăng ký khai tử lưu động", "MACOQUANCONGBO": "G15"}]
        }))
        .unwrap();
        assert_eq!(answer.result[0].MATTHC, "1.000419");
        let refused: ShareAnswer<ThuTucTomTat> = serde_json::from_value(
            json!({"error_code": "-1", "message": "Phiên làm việc đã hết hạn"}),
        )
        .unwrap();
        assert!(refused.result.is_empty());
        assert!(refused.status().session_expired());
        assert_eq!(
            serde_json::to_value(ShareAnswer::ok(vec![json!({"a": "b"})])).unwrap(),
            json!({"error_code": 0, "result": [{"a": "b"}]})
        );
    }

    #[test]
    fn the_procedure_list_and_services() {
        golden::<ThuTucTomTat>(
            json!({"MATTHC": "1.000419", "TENTTHC": "Thủ tục đăng ký khai tử lưu động"}),
        );
        golden::<DichVuCong>(json!({
            "MADVC": "1.000419.000.00.00.H29", "TENDVC": "Đăng ký khai tử lưu động",
            "MATTHC": "1.000419", "MUCDO": "Một phần"
        }));
    }

    #[test]
    fn a_lay_thu_tuc_answer_reads_as_the_domain_record() {
        let answer: ShareAnswer<LayThuTuc> = serde_json::from_value(json!({
            "error_code": 0,
            "result": [{
                "MATTHC": "1.000419", "TENTTHC": "Thủ tục đăng ký khai tử lưu động",
                "MACOQUANCONGBO": "G15", "TRANGTHAI": "1",
                "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch"}],
                "CACHTHUCTHUCHIEN": [{"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "5", "DONVITINH": "Ngày làm việc", "MOTA": "", "PHILEPHI": []}]}],
                "COQUANTHUCHIEN": [{"MADONVI": "000.00.UB.003", "TENDONVI": "Ủy ban nhân dân cấp xã"}]
            }]
        }))
        .unwrap();
        let procedure = Procedure::try_from(answer.result[0].clone()).unwrap();
        assert_eq!(procedure.code.as_str(), "1.000419");
        assert_eq!(procedure.fields[0].code.as_deref(), Some("G15-TP07"));
    }

    #[test]
    fn the_dictionaries() {
        golden::<DanhMucCoQuan>(
            json!({"MADONVI": "000.00.00.G15", "TENDONVI": "Bộ Tư pháp", "CAPDONVI": "1"}),
        );
        golden::<DanhMucLinhVuc>(
            json!({"MALINHVUC": "G15-TP07", "TENLINHVUC": "Hộ tịch", "MANGANH": "G15"}),
        );
        golden::<TinhThanh>(json!({"MATINHTHANH": "37", "TENTINHTHANH": "Tỉnh Ninh Bình"}));
        golden::<QuanHuyen>(json!({
            "MAQUANHUYEN": "375", "TENQUANHUYEN": "Huyện Gia Viễn", "MATINHTHANH": "37"
        }));
        golden::<PhuongXa>(json!({
            "MAPHUONGXA": "14737", "TENPHUONGXA": "Xã Gia Viễn", "MAQUANHUYEN": "", "MATINHTHANH": "37"
        }));
    }

    #[test]
    fn questions_and_answers() {
        golden::<HoiDap>(json!({
            "HOIDAPID": "7781", "MALINHVUC": "G15-TP07",
            "NOIDUNG": "Tôi có thể đăng ký khai tử cho người thân ở xã khác không?",
            "MADONVI": "000.00.01.H29", "TENDONVI": "UBND xã Gia Viễn",
            "NOIDUNGTRALOI": "Được, tại Ủy ban nhân dân cấp xã nơi cư trú cuối cùng của người chết.",
            "TRALOIID": "9120", "HOVATEN": "Lê Thị Hoa", "DIACHI": "Gia Viễn, Ninh Bình",
            "THUDIENTU": "hoa@example.vn", "SODIENTHOAI": "0987654321", "MATTHCDP": "1.000419",
            "TRANGTHAI": "2"
        }));
        let pushed = json!({
            "HOIDAPID": "7781", "MaLinhVuc": "G15-TP07",
            "NOIDUNG": "Đăng ký khai tử ở xã khác", "MADONVI": "000.00.01.H29",
            "TENDONVI": "UBND xã Gia Viễn"
        });
        golden::<DongBoHoiDap>(pushed.clone());
        refuses_unknown::<DongBoHoiDap>(pushed);
        let answer = json!({
            "HOIDAPID": "7781", "MADONVI": "000.00.01.H29", "NGUOITRALOI": "Trần Thu",
            "CHUCVUNGUOITRALOI": "Công chức tư pháp - hộ tịch", "NGAYTRALOI": "03/06/2026",
            "NOIDUNGTRALOI": "Được, tại Ủy ban nhân dân cấp xã nơi cư trú cuối cùng của người chết."
        });
        golden::<KetQuaHoiDap>(answer.clone());
        refuses_unknown::<KetQuaHoiDap>(answer.clone());
        let mut other_date = answer;
        other_date["NGAYTRALOI"] = json!("20260603090000");
        assert!(serde_json::from_value::<KetQuaHoiDap>(other_date).is_err());
    }

    #[test]
    fn petitions_as_assumed() {
        let petition = json!({
            "MaPAKN": "PAKN-2026-000123", "TieuDe": "Đèn đường hỏng",
            "NoiDung": "Đèn đường thôn Đông hỏng đã hai tuần.", "HoTen": "Lê Thị Hoa",
            "DiaChi": "Thôn Đông, xã Gia Viễn", "SoDienThoai": "0987654321",
            "Email": "hoa@example.vn", "MaDonVi": "000.00.01.H29", "TenDonVi": "UBND xã Gia Viễn",
            "MaLinhVuc": "", "NgayGui": "20260602080000", "TrangThai": "1",
            "TepTinPhanAnh": ["/pakn/PAKN-2026-000123/den-duong.jpg"]
        });
        assert_eq!(petition.as_object().unwrap().len(), 13);
        golden::<PhanAnh>(petition.clone());
        refuses_unknown::<PhanAnh>(petition);
        let result = json!({
            "MaPAKN": "PAKN-2026-000123", "MaDonVi": "000.00.01.H29",
            "TenDonVi": "UBND xã Gia Viễn", "NguoiXuLy": "Trần Thu",
            "ChucVuNguoiXuLy": "Phó Chủ tịch UBND xã", "NgayXuLy": "20260605150000",
            "NoiDungTraLoi": "Đã thay bóng đèn ngày 05/06/2026.", "TrangThai": "3",
            "CongKhai": "True", "SoVanBan": "", "NgayBanHanh": "", "CoQuanBanHanh": "",
            "TepTinKetQua": []
        });
        assert_eq!(result.as_object().unwrap().len(), 13);
        golden::<KetQuaPAKN>(result.clone());
        refuses_unknown::<KetQuaPAKN>(result);
        golden::<TaiLieuPAKN>(json!({"TepTinPhanAnh": ["/pakn/PAKN-2026-000123/den-duong.jpg"]}));
        golden::<TepTin>(json!({
            "DuongDan": "/pakn/PAKN-2026-000123/den-duong.jpg", "TenTep": "den-duong.jpg",
            "NoiDung": "iVBORw0KGgo="
        }));
    }
}
