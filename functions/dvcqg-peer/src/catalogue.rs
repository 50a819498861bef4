//! What the peer's share endpoint answers: the national procedure database
//! (`LayThuTuc` records), its dictionaries, questions and petitions. The
//! caller loads it — a test posts one to `/_catalogue`, the binary reads the
//! real data in `shared/data` ([`Catalogue::from_shared_data`]).
//!
//! The real data is our catalogue export, not the national database's own
//! answers, so the peer writes each procedure back into the `LayThuTuc`
//! shape ([`lay_thu_tuc`]): every part `LayThuTuc` has a field for, every
//! scalar a string. Parts it has no field for (levels, the online level,
//! receiving address, service cases, the decision) are not sent, as the
//! national database would not send them either.

use std::path::Path;

use domain::{ChannelOption, Currency, FeeKind, Fees, Procedure, import_catalogue};
use dvcqg::share::pakn::{PhanAnh, TepTin};
use dvcqg::share::{
    DanhMucCoQuan, DanhMucLinhVuc, DichVuCong, HoiDap, PhuongXa, QuanHuyen, TinhThanh,
};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Catalogue {
    /// `LayThuTuc` records as the national database sends them;
    /// `LayDanhSachTTHC` lists their `MATTHC` and `TENTTHC`.
    pub procedures: Vec<Value>,
    /// `LayDVC`.
    pub services: Vec<DichVuCong>,
    pub agencies: Vec<DanhMucCoQuan>,
    pub fields: Vec<DanhMucLinhVuc>,
    pub provinces: Vec<TinhThanh>,
    pub districts: Vec<QuanHuyen>,
    pub communes: Vec<PhuongXa>,
    /// `LayDanhSachHoiDapGuiTuDVCQG`: asked on the national portal.
    pub questions_from_portal: Vec<HoiDap>,
    /// `LayDanhSachHoiDapBoCoQuan`: the agencies' published ones.
    pub questions_of_agencies: Vec<HoiDap>,
    /// `LayDanhSachPAKNGuiTuDVCQG`.
    pub petitions: Vec<PhanAnh>,
    /// `LayTaiLieuPAKN`, by `DuongDan`.
    pub petition_files: Vec<TepTin>,
}

impl Catalogue {
    /// Refuses what the national database would never send: a procedure
    /// that is not an object with a string `MATTHC` and `TENTTHC`, or any
    /// scalar in it that is not a string.
    pub fn check(&self) -> Result<(), String> {
        for (i, record) in self.procedures.iter().enumerate() {
            let at = format!("procedure {}", i + 1);
            for key in ["MATTHC", "TENTTHC"] {
                if !record.get(key).is_some_and(Value::is_string) {
                    return Err(format!("{at}: `{key}` is missing or not a string"));
                }
            }
            strings_only(record, &at)?;
        }
        Ok(())
    }

    /// The real data in `dir` (`shared/data`): every procedure of
    /// `procedures.jsonl` that the catalogue importer accepts, as `LayThuTuc`
    /// records, their service cases as `LayDVC` services; agencies, fields
    /// and administrative units from `agencies.jsonl`, `fields.jsonl` and
    /// `admin_units.jsonl`. Entries the data publishes no code for are left
    /// out of the dictionaries (a dictionary maps codes). There are no
    /// districts since 01/07/2025: communes name their province.
    pub fn from_shared_data(dir: &Path) -> Result<Self, String> {
        let read = |file: &str| {
            let path = dir.join(file);
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
        };
        let imported = import_catalogue(&read("procedures.jsonl")?);
        let mut catalogue = Catalogue {
            procedures: imported.procedures.iter().map(lay_thu_tuc).collect(),
            ..Catalogue::default()
        };
        for p in &imported.procedures {
            catalogue
                .services
                .extend(p.service_cases.iter().map(|case| {
                    DichVuCong {
                        MADVC: case.code.as_str().to_owned(),
                        TENDVC: case.name.clone(),
                        MATTHC: p.code.as_str().to_owned(),
                        MUCDO: p
                            .online_level
                            .map(|l| l.label_vi().to_owned())
                            .unwrap_or_default(),
                    }
                }));
        }
        #[derive(Deserialize)]
        struct Coded {
            code: Option<String>,
            name: String,
            #[serde(default)]
            kind: Option<String>,
            #[serde(default)]
            level: Option<String>,
            #[serde(default)]
            province_code: Option<String>,
        }
        let coded = |file: &str| -> Result<Vec<(String, Coded)>, String> {
            read(file)?
                .lines()
                .filter(|l| !l.trim().is_empty())
                .enumerate()
                .map(|(i, l)| {
                    serde_json::from_str::<Coded>(l)
                        .map_err(|e| format!("{file} line {}: {e}", i + 1))
                })
                .filter_map(|entry| match entry {
                    Ok(c) => c.code.clone().map(|code| Ok((code, c))),
                    Err(e) => Some(Err(e)),
                })
                .collect()
        };
        catalogue.agencies = coded("agencies.jsonl")?
            .into_iter()
            .map(|(code, a)| DanhMucCoQuan {
                MADONVI: code,
                TENDONVI: a.name,
                CAPDONVI: a.kind.unwrap_or_default(),
            })
            .collect();
        catalogue.fields = coded("fields.jsonl")?
            .into_iter()
            .map(|(code, f)| DanhMucLinhVuc {
                MANGANH: code.split('-').next().unwrap_or_default().to_owned(),
                MALINHVUC: code,
                TENLINHVUC: f.name,
            })
            .collect();
        for (code, unit) in coded("admin_units.jsonl")? {
            match unit.level.as_deref() {
                Some("tỉnh") => catalogue.provinces.push(TinhThanh {
                    MATINHTHANH: code,
                    TENTINHTHANH: unit.name,
                }),
                Some("xã") => catalogue.communes.push(PhuongXa {
                    MAPHUONGXA: code,
                    TENPHUONGXA: unit.name,
                    MAQUANHUYEN: String::new(),
                    MATINHTHANH: unit.province_code.unwrap_or_default(),
                }),
                _ => {}
            }
        }
        catalogue.check()?;
        Ok(catalogue)
    }
}

fn strings_only(value: &Value, at: &str) -> Result<(), String> {
    match value {
        Value::String(_) => Ok(()),
        Value::Array(items) => items.iter().try_for_each(|v| strings_only(v, at)),
        Value::Object(fields) => fields
            .iter()
            .try_for_each(|(k, v)| strings_only(v, &format!("{at}, {k}"))),
        other => Err(format!("{at}: {other} is not a string")),
    }
}

/// A procedure as the national database's `LayThuTuc` record.
pub fn lay_thu_tuc(p: &Procedure) -> Value {
    let text = |t: &Option<String>| t.clone().unwrap_or_default();
    let named = |list: &[domain::Named], code: &str, name: &str| -> Vec<Value> {
        list.iter()
            .map(|n| json!({code: text(&n.code), name: n.name}))
            .collect()
    };
    // Papers listed under the same case stay in one group, in order.
    let mut papers: Vec<(Option<String>, Vec<Value>)> = Vec::new();
    for c in &p.components {
        let mut paper = json!({
            "MAGIAYTO": text(&c.code),
            "TENGIAYTO": c.name,
            "TENMAUDON": c.form.as_ref().map(|f| f.name.clone()).unwrap_or_default(),
            "URL": c.form.as_ref().and_then(|f| f.url.clone()).unwrap_or_default(),
        });
        if let Some(n) = c.originals {
            paper["SOBANCHINH"] = json!(n.to_string());
        }
        if let Some(n) = c.copies {
            paper["SOBANSAO"] = json!(n.to_string());
        }
        match papers.last_mut() {
            Some((case, list)) if *case == c.case => list.push(paper),
            _ => papers.push((c.case.clone(), vec![paper])),
        }
    }
    let promulgating = p.publication.promulgating_agency.as_ref();
    json!({
        "MATTHC": p.code.as_str(),
        "TENTTHC": p.name.as_str(),
        "MACOQUANCONGBO": promulgating.and_then(|a| a.code.clone()).unwrap_or_default(),
        "TENCOQUANCONGBO": promulgating.map(|a| a.name.clone()).unwrap_or_default(),
        "YEUCAU": text(&p.conditions),
        "MOTADOITUONGTHUCHIEN": p.audiences.join("; "),
        "TRANGTHAI": if p.publication.published { "1" } else { "0" },
        "LINHVUCTHUCHIEN": named(&p.fields, "MALINHVUC", "TENLINHVUC"),
        "TRINHTUTHUCHIEN": p.steps.iter().map(|g| json!({
            "TRUONGHOP": text(&g.case),
            "TRINHTU": g.steps.iter().map(|s| json!({"TENTRINHTU": s})).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "CACHTHUCTHUCHIEN": p.channels.iter().map(way).collect::<Vec<_>>(),
        "KETQUATHUCHIEN": named(&p.results, "MAKETQUA", "TENKETQUA"),
        "CANCUPHAPLY": named(&p.legal_basis, "SOVANBAN", "TENVANBAN"),
        "COQUANTHUCHIEN": named(&p.agencies, "MADONVI", "TENDONVI"),
        "DOITUONGTHUCHIEN": p.audiences.iter().map(|a| json!({"TENDOITUONG": a})).collect::<Vec<_>>(),
        "THANHPHANHOSO": papers.into_iter().map(|(case, list)| json!({
            "TRUONGHOP": case.unwrap_or_default(),
            "GIAYTO": list,
        })).collect::<Vec<_>>(),
    })
}

/// One channel: its code, and its one time with the fees.
fn way(option: &ChannelOption) -> Value {
    let (amount, unit) = match option.resolution_time {
        Some(t) => {
            let (whole, hundredths) = (t.hundredths() / 100, t.hundredths() % 100);
            let amount = match hundredths {
                0 => whole.to_string(),
                h => format!("{whole}.{h:02}"),
            };
            (amount, t.unit().label_vi().to_owned())
        }
        None => (String::new(), String::new()),
    };
    let fees: Vec<Value> = match &option.fees {
        Fees::Unknown => Vec::new(),
        // The database has no "free": a fee of nothing, said so.
        Fees::Free => {
            vec![json!({"MAPHILEPHI": "", "SOTIEN": "0", "DONVI": "VNĐ", "MOTA": "Miễn phí"})]
        }
        Fees::Charged(list) => list
            .iter()
            .map(|f| {
                json!({
                    "MAPHILEPHI": match f.kind {
                        FeeKind::ServiceFee => "SERVICE_FEE",
                        FeeKind::Fee => "FEE",
                        FeeKind::PriceLevel => "PRICE_LEVEL",
                        FeeKind::Unclassified => "",
                    },
                    "SOTIEN": f.amount.map(|m| m.amount.to_string()).unwrap_or_default(),
                    "DONVI": match f.amount.map(|m| m.currency) {
                        Some(Currency::Usd) => "USD",
                        _ => "VNĐ",
                    },
                    "MOTA": f.description.clone().unwrap_or_default(),
                })
            })
            .collect(),
    };
    json!({
        "KENH": option.channel.code().to_string(),
        "THOIGIAN": [{
            "THOIGIANGIAIQUYET": amount,
            "DONVITINH": unit,
            "MOTA": option.time_description.clone().unwrap_or_default(),
            "PHILEPHI": fees,
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::{Fee, LayThuTuc, Money};

    fn shared_data() -> std::path::PathBuf {
        std::env::var_os("DVC_SHARED_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
            })
    }

    /// What survives the `LayThuTuc` shape: the parts it has fields for.
    fn national_part(p: &Procedure) -> Procedure {
        let mut n = Procedure::new(p.code.clone(), p.name.clone());
        n.fields = p.fields.clone();
        n.agencies = p.agencies.clone();
        n.audiences = p.audiences.clone();
        n.conditions = p.conditions.clone();
        n.steps = p.steps.clone();
        n.channels = p
            .channels
            .iter()
            .cloned()
            .map(|mut c| {
                c.description = None;
                c.fees = match c.fees {
                    Fees::Free => Fees::Charged(vec![Fee {
                        kind: FeeKind::Unclassified,
                        amount: Some(Money {
                            amount: 0,
                            currency: Currency::Vnd,
                        }),
                        per: None,
                        description: Some("Miễn phí".into()),
                    }]),
                    Fees::Charged(list) => {
                        Fees::Charged(list.into_iter().map(|f| Fee { per: None, ..f }).collect())
                    }
                    Fees::Unknown => Fees::Unknown,
                };
                c
            })
            .collect();
        n.components = p
            .components
            .iter()
            .cloned()
            .map(|mut c| {
                c.electronic_form = false;
                c
            })
            .collect();
        n.results = p.results.clone();
        n.legal_basis = p.legal_basis.clone();
        n.publication.promulgating_agency = p.publication.promulgating_agency.clone();
        n.publication.published = p.publication.published;
        n
    }

    #[test]
    fn every_real_procedure_comes_back_from_its_lay_thu_tuc_record() {
        let text = std::fs::read_to_string(shared_data().join("procedures.jsonl")).unwrap();
        let imported = import_catalogue(&text);
        assert!(imported.procedures.len() > 800);
        for p in &imported.procedures {
            let record = lay_thu_tuc(p);
            strings_only(&record, p.code.as_str()).unwrap();
            let back =
                Procedure::try_from(serde_json::from_value::<LayThuTuc>(record).unwrap()).unwrap();
            assert_eq!(back, national_part(p), "{}", p.code);
        }
    }

    #[test]
    fn the_real_data_loads_with_its_dictionaries() {
        let catalogue = Catalogue::from_shared_data(&shared_data()).unwrap();
        assert!(catalogue.procedures.len() > 800);
        assert_eq!(catalogue.provinces.len(), 34);
        assert!(catalogue.communes.len() > 3000);
        assert!(catalogue.communes.iter().all(|c| !c.MATINHTHANH.is_empty()));
        assert!(catalogue.districts.is_empty());
        assert!(
            catalogue
                .fields
                .iter()
                .any(|f| f.MALINHVUC == "G15-TP07" && f.MANGANH == "G15")
        );
        assert!(catalogue.agencies.iter().all(|a| !a.MADONVI.is_empty()));
        assert!(!catalogue.services.is_empty());
    }

    #[test]
    fn a_catalogue_with_numbers_is_refused() {
        let catalogue = Catalogue {
            procedures: vec![json!({"MATTHC": "1.000419", "TENTTHC": "Thủ tục", "TRANGTHAI": 1})],
            ..Catalogue::default()
        };
        assert!(catalogue.check().unwrap_err().contains("TRANGTHAI"));
        let nameless = Catalogue {
            procedures: vec![json!({"MATTHC": "1.000419"})],
            ..Catalogue::default()
        };
        assert!(nameless.check().unwrap_err().contains("TENTTHC"));
    }
}
