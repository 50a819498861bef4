//! Mẫu 06, Sổ theo dõi hồ sơ: the agency's register of dossiers for a
//! period, exported as CSV (UTF-8 with a byte-order mark, so that Excel
//! reads the diacritics) and as XLSX.

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, XlsxError};
use serde::Serialize;

/// One dossier's line of the register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub code: String,
    pub procedure_name: String,
    /// Số lượng hồ sơ (bộ).
    pub sets: u32,
    pub applicant_name: String,
    /// Address and phone, as the register shows them together.
    pub applicant_contact: String,
    /// Cơ quan chủ trì giải quyết.
    pub processing_unit: String,
    pub received_at: NaiveDateTime,
    pub appointment: Option<NaiveDateTime>,
    /// Chuyển hồ sơ đến cơ quan giải quyết.
    pub sent_at: Option<NaiveDateTime>,
    /// Nhận kết quả từ cơ quan giải quyết.
    pub result_at: Option<NaiveDateTime>,
    /// Trả kết quả cho cá nhân, tổ chức.
    pub returned_at: Option<NaiveDateTime>,
    pub note: String,
}

/// The register of one agency for a period.
#[derive(Debug, Clone, Serialize)]
pub struct Register {
    pub agency_name: String,
    /// "Tháng 06/2026", as chosen in the filter.
    pub period: String,
    pub rows: Vec<RegisterRow>,
}

/// The columns of Mẫu 06, in order.
pub const COLUMNS: [&str; 13] = [
    "TT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Nhận kết quả từ cơ quan giải quyết",
    "Trả kết quả cho cá nhân, tổ chức",
    "Ghi chú",
];

fn when(t: Option<NaiveDateTime>) -> String {
    t.map(|t| t.format("%H:%M %d/%m/%Y").to_string())
        .unwrap_or_default()
}

impl RegisterRow {
    fn cells(&self, line: usize) -> [String; 13] {
        [
            line.to_string(),
            self.code.clone(),
            self.procedure_name.clone(),
            self.sets.to_string(),
            self.applicant_name.clone(),
            self.applicant_contact.clone(),
            self.processing_unit.clone(),
            when(Some(self.received_at)),
            when(self.appointment),
            when(self.sent_at),
            when(self.result_at),
            when(self.returned_at),
            self.note.clone(),
        ]
    }
}

impl Register {
    /// CSV with a UTF-8 byte-order mark and a header line.
    pub fn to_csv(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        {
            let mut writer = csv::Writer::from_writer(&mut out);
            writer
                .write_record(COLUMNS)
                .expect("writing to memory cannot fail");
            for (i, row) in self.rows.iter().enumerate() {
                writer
                    .write_record(row.cells(i + 1))
                    .expect("writing to memory cannot fail");
            }
            writer.flush().expect("writing to memory cannot fail");
        }
        out
    }

    /// An XLSX workbook: a title line, the header and one line per dossier.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, XlsxError> {
        let mut workbook = Workbook::new();
        let sheet = workbook.add_worksheet();
        sheet.set_name("So theo doi ho so")?;
        let bold = Format::new().set_bold();
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_border(FormatBorder::Thin);
        let cell = Format::new().set_text_wrap().set_border(FormatBorder::Thin);
        sheet.write_string_with_format(
            0,
            0,
            format!("SỔ THEO DÕI HỒ SƠ – {} – {}", self.agency_name, self.period),
            &bold,
        )?;
        for (c, title) in COLUMNS.iter().enumerate() {
            sheet.write_string_with_format(2, c as u16, *title, &header)?;
        }
        for (i, row) in self.rows.iter().enumerate() {
            for (c, value) in row.cells(i + 1).iter().enumerate() {
                let r = (i + 3) as u32;
                if c == 0 || c == 3 {
                    sheet.write_number_with_format(
                        r,
                        c as u16,
                        value.parse::<f64>().unwrap_or(0.0),
                        &cell,
                    )?;
                } else {
                    sheet.write_string_with_format(r, c as u16, value, &cell)?;
                }
            }
        }
        let widths = [5, 26, 40, 8, 24, 30, 24, 16, 16, 16, 16, 16, 20];
        for (c, w) in widths.iter().enumerate() {
            sheet.set_column_width(c as u16, *w)?;
        }
        sheet.set_freeze_panes(3, 0)?;
        workbook.save_to_buffer()
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;

    use chrono::NaiveDate;

    use super::*;

    fn register() -> Register {
        let at = |d, h| {
            NaiveDate::from_ymd_opt(2026, 6, d)
                .unwrap()
                .and_hms_opt(h, 0, 0)
                .unwrap()
        };
        Register {
            agency_name: "Sở Tư pháp".into(),
            period: "Tháng 06/2026".into(),
            rows: vec![
                RegisterRow {
                    code: "000.00.01.H29-260603-0042".into(),
                    procedure_name: "Thủ tục đăng ký khai tử".into(),
                    sets: 1,
                    applicant_name: "Nguyễn Thị An".into(),
                    applicant_contact: "Số 8 phố Hàng Bài, Hà Nội; 0912345678".into(),
                    processing_unit: "Phòng Hành chính tư pháp".into(),
                    received_at: at(3, 14),
                    appointment: Some(at(8, 14)),
                    sent_at: Some(at(3, 15)),
                    result_at: Some(at(5, 16)),
                    returned_at: Some(at(8, 9)),
                    note: "Trước hạn, có dấu phẩy, và \"ngoặc kép\"".into(),
                },
                RegisterRow {
                    code: "000.00.01.H29-260604-0001".into(),
                    procedure_name: "Chứng thực bản sao từ bản chính".into(),
                    sets: 2,
                    applicant_name: "Công ty TNHH Ánh Dương".into(),
                    applicant_contact: "0243 000 111".into(),
                    processing_unit: "Bộ phận Một cửa".into(),
                    received_at: at(4, 8),
                    appointment: None,
                    sent_at: None,
                    result_at: None,
                    returned_at: None,
                    note: String::new(),
                },
            ],
        }
    }

    #[test]
    fn the_csv_opens_in_excel_with_its_diacritics() {
        let csv = register().to_csv();
        assert!(csv.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        assert_eq!(
            reader.headers().unwrap().iter().collect::<Vec<_>>(),
            COLUMNS
        );
        let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
        assert_eq!(rows.len(), 2);
        assert_eq!(&rows[0][1], "000.00.01.H29-260603-0042");
        assert_eq!(&rows[0][7], "14:00 03/06/2026");
        assert_eq!(&rows[0][12], "Trước hạn, có dấu phẩy, và \"ngoặc kép\"");
        assert_eq!(&rows[1][8], "", "no appointment yet");
    }

    #[test]
    fn the_xlsx_holds_the_title_header_and_every_dossier() {
        let bytes = register().to_xlsx().unwrap();
        let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut strings = String::new();
        archive
            .by_name("xl/sharedStrings.xml")
            .unwrap()
            .read_to_string(&mut strings)
            .unwrap();
        for expected in [
            "SỔ THEO DÕI HỒ SƠ – Sở Tư pháp – Tháng 06/2026",
            "Cơ quan chủ trì giải quyết",
            "000.00.01.H29-260604-0001",
            "Công ty TNHH Ánh Dương",
        ] {
            assert!(strings.contains(expected), "{expected} missing");
        }
    }
}
