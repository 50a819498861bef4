//! The printed forms of the one-stop desk (TT 01/2018/TT-VPCP), as A5 HTML
//! pages that print as they look:
//!
//! - Mẫu 01 [`ReceiptSlip`]: Giấy tiếp nhận hồ sơ và hẹn trả kết quả;
//! - Mẫu 02 [`SupplementRequest`]: Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ;
//! - Mẫu 03 [`Refusal`]: Phiếu từ chối tiếp nhận giải quyết hồ sơ;
//! - Mẫu 04 [`Apology`]: Phiếu xin lỗi và hẹn lại ngày trả kết quả;
//! - Mẫu 05 [`ControlSheet`]: Phiếu kiểm soát quá trình giải quyết hồ sơ;
//! - Mẫu 06 [`Register`]: Sổ theo dõi hồ sơ, as CSV and XLSX.
//!
//! Each form carries at its top left the QR code TT 01/2023 asks of papers
//! the system generates: dossier code, procedure code, applicant's
//! identifier and the paper's name. The forms take plain view structs: the
//! back office fills them from the dossier, the agency and the official.

mod register;

use std::sync::LazyLock;

use chrono::NaiveDateTime;
use serde::Serialize;

pub use register::{COLUMNS, Register, RegisterRow};

/// Who issues the form (the header of every form).
#[derive(Debug, Clone, Serialize)]
pub struct Issuer {
    /// Cơ quan chủ quản, e.g. "ỦY BAN NHÂN DÂN TỈNH …"; absent for a ministry.
    pub parent_name: Option<String>,
    /// The agency, e.g. "Sở Tư pháp".
    pub agency_name: String,
    /// The unit that receives dossiers, e.g. "Bộ phận Một cửa".
    pub desk_name: String,
    /// Where the form is signed ("Hà Nội"), for the date line.
    pub place: String,
    pub phone: Option<String>,
}

/// The applicant as the forms name them.
#[derive(Debug, Clone, Serialize)]
pub struct Person {
    pub full_name: String,
    /// Số định danh cá nhân or tax code.
    pub identifier: String,
    pub address: String,
    pub phone: String,
    pub email: Option<String>,
}

impl From<&domain::Applicant> for Person {
    fn from(a: &domain::Applicant) -> Self {
        Person {
            full_name: a.full_name.clone(),
            identifier: a.identity_number.as_str().to_owned(),
            address: a.address.clone(),
            phone: a.phone.as_str().to_owned(),
            email: a.email.as_ref().map(|e| e.as_str().to_owned()),
        }
    }
}

/// The dossier the form is about.
#[derive(Debug, Clone, Serialize)]
pub struct DossierLine {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// Nội dung yêu cầu giải quyết.
    pub request: String,
    pub applicant: Person,
}

/// One paper handed in: its name, whether original or copy, how many.
#[derive(Debug, Clone, Serialize)]
pub struct Paper {
    pub name: String,
    pub originals: u32,
    pub copies: u32,
}

/// Mẫu 01.
#[derive(Debug, Clone, Serialize)]
pub struct ReceiptSlip {
    pub issuer: Issuer,
    pub dossier: DossierLine,
    pub papers: Vec<Paper>,
    /// Số lượng hồ sơ (bộ).
    pub sets: u32,
    /// "5 ngày làm việc".
    pub resolution_time: String,
    pub received_at: NaiveDateTime,
    pub appointment: Option<NaiveDateTime>,
    /// Where or how the result is returned.
    pub delivery: String,
    /// Fees to pay, as written ("Miễn phí", "50.000 đồng").
    pub fees: String,
    /// Sổ theo dõi hồ sơ: book and line.
    pub register_book: String,
    pub register_line: u32,
    pub officer: String,
    /// How the applicant follows the dossier online: the tracking page, and
    /// the tracking secret where it is known (only when the receipt is
    /// first printed; the store keeps no more than its digest).
    pub tracking: Tracking,
}

/// The tracking page and, on a first print, the dossier's tracking secret.
#[derive(Debug, Clone, Serialize)]
pub struct Tracking {
    /// `https://…/tra-cuu/`.
    pub page: String,
    pub secret: Option<String>,
}

/// Mẫu 02.
#[derive(Debug, Clone, Serialize)]
pub struct SupplementRequest {
    pub issuer: Issuer,
    pub dossier: DossierLine,
    pub received_at: NaiveDateTime,
    /// What to add or correct, one item each.
    pub items: Vec<String>,
    pub reason: String,
    pub officer: String,
    pub issued_at: NaiveDateTime,
}

/// Mẫu 03.
#[derive(Debug, Clone, Serialize)]
pub struct Refusal {
    pub issuer: Issuer,
    pub dossier: DossierLine,
    pub reasons: Vec<String>,
    pub officer: String,
    pub issued_at: NaiveDateTime,
}

/// Mẫu 04.
#[derive(Debug, Clone, Serialize)]
pub struct Apology {
    pub issuer: Issuer,
    pub dossier: DossierLine,
    pub received_at: NaiveDateTime,
    pub due: NaiveDateTime,
    pub reason: String,
    pub new_due: NaiveDateTime,
    /// The head who signs (thủ trưởng).
    pub signer: String,
    pub issued_at: NaiveDateTime,
}

/// One hand-over of Mẫu 05.
#[derive(Debug, Clone, Serialize)]
pub struct HandOver {
    pub from_unit: String,
    pub from_person: String,
    pub to_unit: String,
    pub to_person: String,
    pub at: NaiveDateTime,
    /// Trước hạn / Đúng hạn / Quá hạn, when the step has a deadline.
    pub outcome: Option<String>,
    pub note: Option<String>,
}

/// Mẫu 05.
#[derive(Debug, Clone, Serialize)]
pub struct ControlSheet {
    pub issuer: Issuer,
    pub dossier: DossierLine,
    /// Cơ quan (bộ phận) giải quyết hồ sơ.
    pub processing_units: Vec<String>,
    /// Cơ quan phối hợp giải quyết hồ sơ.
    pub coordinating_units: Vec<String>,
    pub hand_overs: Vec<HandOver>,
}

#[derive(Debug, thiserror::Error)]
pub enum FormError {
    #[error("rendering {form}: {message}")]
    Render { form: &'static str, message: String },
}

static TEMPLATES: LazyLock<tera::Tera> = LazyLock::new(|| {
    let mut tera = tera::Tera::default();
    tera.add_raw_templates([
        ("base.html", include_str!("templates/base.html")),
        ("01.html", include_str!("templates/01.html")),
        ("02.html", include_str!("templates/02.html")),
        ("03.html", include_str!("templates/03.html")),
        ("04.html", include_str!("templates/04.html")),
        ("05.html", include_str!("templates/05.html")),
    ])
    .expect("the form templates parse");
    tera.register_filter("gio_ngay", time_and_date);
    tera.register_filter("ngay", date_only);
    tera
});

/// "14 giờ 30 phút, ngày 03/06/2026", as the forms write a time.
fn time_and_date(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let at = parse_time(value)?;
    Ok(at
        .format("%H giờ %M phút, ngày %d/%m/%Y")
        .to_string()
        .into())
}

/// "ngày 03 tháng 06 năm 2026".
fn date_only(
    value: &tera::Value,
    _: &std::collections::HashMap<String, tera::Value>,
) -> tera::Result<tera::Value> {
    let at = parse_time(value)?;
    Ok(at.format("ngày %d tháng %m năm %Y").to_string().into())
}

fn parse_time(value: &tera::Value) -> tera::Result<NaiveDateTime> {
    let text = value
        .as_str()
        .ok_or_else(|| tera::Error::msg("a time is expected"))?;
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S")
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f"))
        .map_err(|e| tera::Error::msg(format!("`{text}`: {e}")))
}

/// The TT 01/2023 QR code of a paper, as inline SVG.
fn qr_svg(dossier: &DossierLine, paper: &str) -> String {
    let content = format!(
        "{}|{}|{}|{}",
        dossier.code, dossier.procedure_code, dossier.applicant.identifier, paper
    );
    qrcode::QrCode::with_error_correction_level(content.as_bytes(), qrcode::EcLevel::M)
        .map(|code| {
            code.render::<qrcode::render::svg::Color>()
                .min_dimensions(96, 96)
                .quiet_zone(false)
                .build()
        })
        .unwrap_or_default()
}

fn render<T: Serialize>(
    form: &'static str,
    title: &'static str,
    dossier: &DossierLine,
    data: &T,
) -> Result<String, FormError> {
    let mut context = tera::Context::from_serialize(data).map_err(|e| FormError::Render {
        form,
        message: e.to_string(),
    })?;
    context.insert("title", title);
    // The SVG starts with an XML declaration, which HTML does not take.
    let svg = qr_svg(dossier, title);
    let svg = svg.find("<svg").map_or(svg.as_str(), |at| &svg[at..]);
    context.insert("qr", svg);
    TEMPLATES
        .render(&format!("{form}.html"), &context)
        .map_err(|e| FormError::Render {
            form,
            message: format!("{e:?}"),
        })
}

impl ReceiptSlip {
    pub fn to_html(&self) -> Result<String, FormError> {
        render(
            "01",
            "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
            &self.dossier,
            self,
        )
    }
}

impl SupplementRequest {
    pub fn to_html(&self) -> Result<String, FormError> {
        render(
            "02",
            "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
            &self.dossier,
            self,
        )
    }
}

impl Refusal {
    pub fn to_html(&self) -> Result<String, FormError> {
        render(
            "03",
            "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
            &self.dossier,
            self,
        )
    }
}

impl Apology {
    pub fn to_html(&self) -> Result<String, FormError> {
        render(
            "04",
            "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
            &self.dossier,
            self,
        )
    }
}

impl ControlSheet {
    pub fn to_html(&self) -> Result<String, FormError> {
        render(
            "05",
            "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
            &self.dossier,
            self,
        )
    }
}

#[cfg(test)]
mod tests;
