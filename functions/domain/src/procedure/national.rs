//! The national procedure database's `LayThuTuc` record (QCVN 120 §4):
//! UPPERCASE keys, every scalar a string (numbers are accepted too, as some
//! peers send them), lists as arrays. Field names stay exactly as the wire has
//! them.

use serde::{Deserialize, Deserializer};

use super::{
    ChannelOption, Component, Fee, FeeKind, Fees, FormTemplate, Money, Named, Procedure,
    ProcedureName, StepGroup, clean, parse_amount,
};
use crate::codes::{CodeError, ProcedureCode};
use crate::deadline::{ResolutionTime, TimeUnit};
use crate::procedure::{Channel, Currency, NameError, Publication};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalRecordError {
    #[error("LayThuTuc JSON: {0}")]
    Json(String),
    #[error("LayThuTuc answer has no record in `result`")]
    Empty,
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error("channel `{0}` is not 1, 2 or 3")]
    Channel(String),
}

/// `LayThuTuc` as the share endpoint answers it: `{"result": [record]}`.
#[derive(Debug, Deserialize)]
struct LayThuTucAnswer {
    #[serde(default)]
    result: Vec<LayThuTuc>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LayThuTuc {
    #[serde(deserialize_with = "scalar")]
    pub MATTHC: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENTTHC: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub MACOQUANCONGBO: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENCOQUANCONGBO: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub YEUCAU: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub MOTADOITUONGTHUCHIEN: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TRANGTHAI: Option<String>,
    pub LINHVUCTHUCHIEN: Vec<LinhVuc>,
    pub TRINHTUTHUCHIEN: Vec<TrinhTuThucHien>,
    pub CACHTHUCTHUCHIEN: Vec<CachThuc>,
    pub KETQUATHUCHIEN: Vec<KetQua>,
    pub CANCUPHAPLY: Vec<CanCu>,
    pub COQUANTHUCHIEN: Vec<CoQuan>,
    pub DOITUONGTHUCHIEN: Vec<DoiTuong>,
    pub THANHPHANHOSO: Vec<ThanhPhanHoSo>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct LinhVuc {
    #[serde(deserialize_with = "scalar")]
    pub MALINHVUC: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENLINHVUC: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrinhTuThucHien {
    #[serde(deserialize_with = "scalar")]
    pub TRUONGHOP: Option<String>,
    pub TRINHTU: Vec<TrinhTu>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TrinhTu {
    #[serde(deserialize_with = "scalar")]
    pub TENTRINHTU: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CachThuc {
    #[serde(deserialize_with = "scalar")]
    pub KENH: Option<String>,
    pub THOIGIAN: Vec<ThoiGian>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ThoiGian {
    #[serde(deserialize_with = "scalar")]
    pub THOIGIANGIAIQUYET: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub DONVITINH: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub MOTA: Option<String>,
    pub PHILEPHI: Vec<PhiLePhi>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PhiLePhi {
    #[serde(deserialize_with = "scalar")]
    pub MAPHILEPHI: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub SOTIEN: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub DONVI: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub MOTA: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct KetQua {
    #[serde(deserialize_with = "scalar")]
    pub MAKETQUA: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENKETQUA: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CanCu {
    #[serde(deserialize_with = "scalar")]
    pub SOVANBAN: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENVANBAN: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CoQuan {
    #[serde(deserialize_with = "scalar")]
    pub MADONVI: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENDONVI: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DoiTuong {
    #[serde(deserialize_with = "scalar")]
    pub TENDOITUONG: Option<String>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ThanhPhanHoSo {
    /// The case the papers apply to; peers send it though §4 does not list it.
    #[serde(deserialize_with = "scalar")]
    pub TRUONGHOP: Option<String>,
    pub GIAYTO: Vec<GiayTo>,
}

#[allow(non_snake_case)]
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GiayTo {
    #[serde(deserialize_with = "scalar")]
    pub MAGIAYTO: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENGIAYTO: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub TENMAUDON: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub URL: Option<String>,
    /// Counts of originals and copies, sent by peers beyond §4.
    #[serde(deserialize_with = "scalar")]
    pub SOBANCHINH: Option<String>,
    #[serde(deserialize_with = "scalar")]
    pub SOBANSAO: Option<String>,
}

/// Accepts a JSON string, number or boolean as text; null as `None`.
fn scalar<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    })
}

impl LayThuTuc {
    /// Reads the share endpoint's answer `{"result":[…]}` or a bare record.
    pub fn from_json(json: &str) -> Result<Self, NationalRecordError> {
        let value: serde_json::Value =
            serde_json::from_str(json).map_err(|e| NationalRecordError::Json(e.to_string()))?;
        if value.get("result").is_some() {
            let answer: LayThuTucAnswer = serde_json::from_value(value)
                .map_err(|e| NationalRecordError::Json(e.to_string()))?;
            answer
                .result
                .into_iter()
                .next()
                .ok_or(NationalRecordError::Empty)
        } else {
            serde_json::from_value(value).map_err(|e| NationalRecordError::Json(e.to_string()))
        }
    }
}

impl TryFrom<LayThuTuc> for Procedure {
    type Error = NationalRecordError;

    fn try_from(r: LayThuTuc) -> Result<Self, Self::Error> {
        let code = ProcedureCode::parse(r.MATTHC.as_deref().unwrap_or_default())?;
        let name = ProcedureName::parse(r.TENTTHC.as_deref().unwrap_or_default())?;
        let mut p = Procedure::new(code, name);
        let named = |code: &Option<String>, name: &Option<String>| {
            clean(name.as_deref()).map(|n| Named::new(clean(code.as_deref()), n))
        };
        p.fields = r
            .LINHVUCTHUCHIEN
            .iter()
            .filter_map(|f| named(&f.MALINHVUC, &f.TENLINHVUC))
            .collect();
        p.agencies = r
            .COQUANTHUCHIEN
            .iter()
            .filter_map(|a| named(&a.MADONVI, &a.TENDONVI))
            .collect();
        p.results = r
            .KETQUATHUCHIEN
            .iter()
            .filter_map(|k| named(&k.MAKETQUA, &k.TENKETQUA))
            .collect();
        p.legal_basis = r
            .CANCUPHAPLY
            .iter()
            .filter_map(|c| named(&c.SOVANBAN, &c.TENVANBAN))
            .collect();
        p.audiences = r
            .DOITUONGTHUCHIEN
            .iter()
            .filter_map(|d| clean(d.TENDOITUONG.as_deref()))
            .collect();
        if p.audiences.is_empty() {
            p.audiences.extend(clean(r.MOTADOITUONGTHUCHIEN.as_deref()));
        }
        p.conditions = clean(r.YEUCAU.as_deref());
        p.steps = r
            .TRINHTUTHUCHIEN
            .iter()
            .map(|t| StepGroup {
                case: clean(t.TRUONGHOP.as_deref()),
                steps: t
                    .TRINHTU
                    .iter()
                    .filter_map(|s| clean(s.TENTRINHTU.as_deref()))
                    .collect(),
            })
            .filter(|g| !g.steps.is_empty())
            .collect();
        for way in &r.CACHTHUCTHUCHIEN {
            let raw_channel = way.KENH.clone().unwrap_or_default();
            let channel = Channel::from_code(&raw_channel)
                .ok_or(NationalRecordError::Channel(raw_channel))?;
            for time in &way.THOIGIAN {
                p.channels.push(channel_option(channel, time));
            }
            if way.THOIGIAN.is_empty() {
                p.channels.push(ChannelOption {
                    channel,
                    resolution_time: None,
                    time_description: None,
                    fees: Fees::Unknown,
                    description: None,
                });
            }
        }
        p.components = r
            .THANHPHANHOSO
            .iter()
            .flat_map(|group| group.GIAYTO.iter().map(move |paper| (group, paper)))
            .filter_map(|(group, paper)| {
                let name = clean(paper.TENGIAYTO.as_deref())?;
                let count = |c: &Option<String>| c.as_deref().and_then(|c| c.trim().parse().ok());
                Some(Component {
                    code: clean(paper.MAGIAYTO.as_deref()),
                    name,
                    case: clean(group.TRUONGHOP.as_deref()),
                    originals: count(&paper.SOBANCHINH),
                    copies: count(&paper.SOBANSAO),
                    form: clean(paper.TENMAUDON.as_deref()).map(|name| FormTemplate {
                        name,
                        url: clean(paper.URL.as_deref()),
                    }),
                    electronic_form: false,
                })
            })
            .collect();
        p.publication = Publication {
            promulgating_agency: clean(r.TENCOQUANCONGBO.as_deref())
                .map(|n| Named::new(clean(r.MACOQUANCONGBO.as_deref()), n))
                .or_else(|| clean(r.MACOQUANCONGBO.as_deref()).map(|c| Named::new(None, c))),
            published: r.TRANGTHAI.as_deref().map(str::trim) == Some("1"),
            ..Publication::default()
        };
        Ok(p)
    }
}

fn channel_option(channel: Channel, time: &ThoiGian) -> ChannelOption {
    let unit = time.DONVITINH.as_deref().and_then(national_unit);
    let resolution_time = match (time.THOIGIANGIAIQUYET.as_deref(), unit) {
        (Some(amount), Some(unit)) => ResolutionTime::from_amount_text(amount, unit).ok(),
        _ => None,
    };
    let fees = if time.PHILEPHI.is_empty() {
        Fees::Unknown
    } else {
        Fees::Charged(time.PHILEPHI.iter().map(fee).collect())
    };
    ChannelOption {
        channel,
        resolution_time,
        time_description: clean(time.MOTA.as_deref()),
        fees,
        description: None,
    }
}

fn national_unit(label: &str) -> Option<TimeUnit> {
    match label.trim().to_lowercase().as_str() {
        "ngày làm việc" | "working_day" => Some(TimeUnit::WorkingDays),
        "giờ làm việc" => Some(TimeUnit::WorkingHours),
        "ngày" | "day" => Some(TimeUnit::Days),
        "giờ" | "hour" => Some(TimeUnit::Hours),
        "tháng" | "month" => Some(TimeUnit::Months),
        _ => None,
    }
}

fn fee(f: &PhiLePhi) -> Fee {
    let currency = match f.DONVI.as_deref().map(|d| d.trim().to_uppercase()) {
        Some(d) if d == "USD" => Some(Currency::Usd),
        Some(d) if d.is_empty() || d == "VNĐ" || d == "VND" || d == "ĐỒNG" => {
            Some(Currency::Vnd)
        }
        None => Some(Currency::Vnd),
        _ => None,
    };
    let amount = f
        .SOTIEN
        .as_deref()
        .and_then(parse_amount)
        .zip(currency)
        .map(|(amount, currency)| Money { amount, currency });
    Fee {
        kind: match f.MAPHILEPHI.as_deref().map(str::trim) {
            Some("SERVICE_FEE") => FeeKind::ServiceFee,
            Some("FEE") => FeeKind::Fee,
            Some("PRICE_LEVEL") => FeeKind::PriceLevel,
            _ => FeeKind::Unclassified,
        },
        amount,
        per: None,
        description: clean(f.MOTA.as_deref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `LayThuTuc` answer in the QCVN 120 §4 shape, with the content of the
    /// real procedure 1.000419 (đăng ký khai tử lưu động) from the national portal.
    const ANSWER: &str = r#"{"result":[{
        "MATTHC":"1.000419","TENTTHC":"Thủ tục đăng ký khai tử lưu động",
        "MACOQUANCONGBO":"G15","TENCOQUANCONGBO":"Bộ Tư pháp","TRANGTHAI":"1",
        "YEUCAU":"","MOTADOITUONGTHUCHIEN":"Công dân Việt Nam",
        "LINHVUCTHUCHIEN":[{"MALINHVUC":"G15-TP07","TENLINHVUC":"Hộ tịch"}],
        "TRINHTUTHUCHIEN":[{"TRUONGHOP":"","TRINHTU":[
            {"TENTRINHTU":"Công chức tư pháp - hộ tịch chuẩn bị đầy đủ mẫu Tờ khai đăng ký khai tử."},
            {"TENTRINHTU":"Trả Trích lục khai tử cho người có yêu cầu."}]}],
        "CACHTHUCTHUCHIEN":[{"KENH":"1","THOIGIAN":[{"THOIGIANGIAIQUYET":"5","DONVITINH":"Ngày làm việc","MOTA":"",
            "PHILEPHI":[{"MAPHILEPHI":"SERVICE_FEE","SOTIEN":"0","DONVI":"VNĐ","MOTA":""}]}]}],
        "KETQUATHUCHIEN":[{"MAKETQUA":"KQ.G15.000034","TENKETQUA":"Trích lục khai tử"}],
        "CANCUPHAPLY":[{"SOVANBAN":"60/2014/QH13","TENVANBAN":"Luật 60/2014/QH13"}],
        "COQUANTHUCHIEN":[{"MADONVI":"000.00.UB.003","TENDONVI":"Ủy ban Nhân dân xã, phường, thị trấn."}],
        "DOITUONGTHUCHIEN":[{"TENDOITUONG":"Công dân Việt Nam"}],
        "THANHPHANHOSO":[{"GIAYTO":[
            {"MAGIAYTO":"000.00.00.G15-KQ003311","TENGIAYTO":"Tờ khai đăng ký khai tử theo mẫu;","TENMAUDON":"","URL":""},
            {"MAGIAYTO":"000.00.00.G15-KQ004376","TENGIAYTO":"Giấy báo tử hoặc giấy tờ thay Giấy báo tử","TENMAUDON":"","URL":"","SOBANCHINH":1,"SOBANSAO":0}]}]
    }]}"#;

    #[test]
    fn a_lay_thu_tuc_answer_becomes_a_procedure() {
        let p = Procedure::try_from(LayThuTuc::from_json(ANSWER).unwrap()).unwrap();
        assert_eq!(p.code.as_str(), "1.000419");
        assert_eq!(p.fields, [Named::new(Some("G15-TP07".into()), "Hộ tịch")]);
        let channel = p.channel(Channel::InPerson).unwrap();
        assert_eq!(
            channel.resolution_time.unwrap().to_string(),
            "5 ngày làm việc"
        );
        assert!(
            matches!(&channel.fees, Fees::Charged(f) if f[0].kind == FeeKind::ServiceFee && f[0].amount.unwrap().amount == 0)
        );
        assert_eq!(p.steps[0].steps.len(), 2);
        assert_eq!(p.steps[0].case, None);
        assert_eq!(p.components.len(), 2);
        assert_eq!(p.results[0].code.as_deref(), Some("KQ.G15.000034"));
        assert!(p.publication.published);
        assert!(!p.accepts_online());
    }

    #[test]
    fn numeric_amounts_keep_their_value() {
        let answer = r#"{"MATTHC":"1.000001","TENTTHC":"Thủ tục","CACHTHUCTHUCHIEN":[{"KENH":"2","THOIGIAN":[
            {"THOIGIANGIAIQUYET":"5","DONVITINH":"Ngày làm việc","PHILEPHI":[{"MAPHILEPHI":"FEE","SOTIEN":150000.0,"DONVI":"VNĐ"}]}]}]}"#;
        let p = Procedure::try_from(LayThuTuc::from_json(answer).unwrap()).unwrap();
        let Fees::Charged(fees) = &p.channels[0].fees else {
            panic!("charged")
        };
        assert_eq!(fees[0].amount.unwrap().amount, 150_000);
    }

    #[test]
    fn numbers_are_accepted_where_strings_are_expected() {
        let p = Procedure::try_from(
            LayThuTuc::from_json(r#"{"MATTHC":"2.000507","TENTTHC":"Đăng ký lại kết hôn","TRANGTHAI":1,
                "CACHTHUCTHUCHIEN":[{"KENH":2,"THOIGIAN":[{"THOIGIANGIAIQUYET":7.5,"DONVITINH":"Ngày làm việc"}]}]}"#)
                .unwrap(),
        )
        .unwrap();
        assert!(p.publication.published);
        assert_eq!(
            p.resolution_time(Channel::Online).unwrap().hundredths(),
            750
        );
    }

    #[test]
    fn broken_records_say_what_is_wrong() {
        let err = |json: &str| {
            LayThuTuc::from_json(json)
                .and_then(Procedure::try_from)
                .unwrap_err()
                .to_string()
        };
        assert!(err(r#"{"result":[]}"#).contains("no record"));
        assert!(err(r#"{"MATTHC":" 1.014325","TENTTHC":"x"}"#).contains("whitespace"));
        assert!(err(r#"{"MATTHC":"1.014325","TENTTHC":""}"#).contains("name is empty"));
        assert!(
            err(r#"{"MATTHC":"1.014325","TENTTHC":"x","CACHTHUCTHUCHIEN":[{"KENH":"9"}]}"#)
                .contains("channel `9`")
        );
        assert!(err("{").contains("JSON"));
    }
}
