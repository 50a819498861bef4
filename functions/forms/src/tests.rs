//! Snapshots of the forms' text (tags stripped, so the snapshot shows what is
//! printed), plus the checks a reviewer of the paper would make.

use chrono::NaiveDate;

use super::*;

fn at(day: u32, hour: u32, minute: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, day)
        .unwrap()
        .and_hms_opt(hour, minute, 0)
        .unwrap()
}

fn issuer() -> Issuer {
    Issuer {
        parent_name: Some("Ủy ban nhân dân thành phố Hà Nội".into()),
        agency_name: "Sở Tư pháp".into(),
        desk_name: "Bộ phận Một cửa".into(),
        place: "Hà Nội".into(),
        phone: Some("024 3825 0000".into()),
    }
}

fn dossier() -> DossierLine {
    DossierLine {
        code: "000.00.01.H29-260603-0042".into(),
        procedure_code: "1.000419".into(),
        procedure_name: "Thủ tục đăng ký khai tử".into(),
        request: "Đăng ký khai tử cho ông Nguyễn Văn Bình".into(),
        applicant: Person {
            full_name: "Nguyễn Thị An".into(),
            identifier: "001190012345".into(),
            address: "Số 8 phố Hàng Bài, phường Hoàn Kiếm, Hà Nội".into(),
            phone: "0912345678".into(),
            email: None,
        },
    }
}

/// The printed text: tags, the style block and the QR drawing removed.
fn text(html: &str) -> String {
    let body = &html[html.find("<body>").unwrap()..];
    let mut out = String::new();
    let mut in_tag = false;
    let mut in_svg = false;
    let mut rest = body;
    while let Some(c) = rest.chars().next() {
        if rest.starts_with("<svg") {
            in_svg = true;
        }
        if rest.starts_with("</svg>") {
            in_svg = false;
        }
        match c {
            '<' => {
                in_tag = true;
                let breaks = ["<p", "</p", "<tr", "<li", "<br", "<h1", "<div"];
                if breaks.iter().any(|b| rest.starts_with(b)) {
                    out.push('\n');
                } else if (rest.starts_with("<td") || rest.starts_with("<th"))
                    && !out.ends_with('\n')
                {
                    out.push_str(" | ");
                }
            }
            '>' => in_tag = false,
            c if !in_tag && !in_svg => out.push(c),
            _ => {}
        }
        rest = &rest[c.len_utf8()..];
    }
    out.replace("&#x2F;", "/")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&amp;", "&")
        .lines()
        .map(|l| l.trim().trim_start_matches("| ").trim())
        .filter(|l| !l.is_empty() && *l != "|")
        .collect::<Vec<_>>()
        .join("\n")
}

/// The Mẫu 01 of [`dossier`], printed with the tracking secret or without.
fn receipt_slip(secret: Option<&str>) -> ReceiptSlip {
    ReceiptSlip {
        issuer: issuer(),
        dossier: dossier(),
        papers: vec![
            Paper {
                name: "Tờ khai đăng ký khai tử theo mẫu".into(),
                originals: 1,
                copies: 0,
            },
            Paper {
                name: "Giấy báo tử hoặc giấy tờ thay Giấy báo tử".into(),
                originals: 0,
                copies: 1,
            },
        ],
        sets: 1,
        resolution_time: "3 ngày làm việc".into(),
        received_at: at(3, 14, 30),
        appointment: Some(at(8, 14, 30)),
        delivery: "Bộ phận Một cửa, Sở Tư pháp".into(),
        fees: "Miễn lệ phí".into(),
        register_book: "01/2026".into(),
        register_line: 42,
        officer: "Trần Văn Cường".into(),
        tracking: Tracking {
            page: "https://dichvucong.hanoi.gov.vn/tra-cuu/".into(),
            secret: secret.map(str::to_owned),
        },
    }
}

#[test]
fn receipt_slip_mau_01() {
    let html = receipt_slip(Some("q7Lw2xQe0c9bVt1mZs4kRy8n"))
        .to_html()
        .unwrap();
    assert!(html.contains("<svg"), "the TT 01/2023 QR code");
    assert!(html.contains("size: A5"));
    insta::assert_snapshot!(text(&html));
}

#[test]
fn a_reprinted_mau_01_says_where_the_tracking_secret_was_given() {
    let again = text(&receipt_slip(None).to_html().unwrap());
    assert!(!again.contains("q7Lw2x"));
    assert!(
        again.contains("mã tra cứu được cấp khi tiếp nhận hồ sơ"),
        "{again}"
    );
    let first = text(
        &receipt_slip(Some("q7Lw2xQe0c9bVt1mZs4kRy8n"))
            .to_html()
            .unwrap(),
    );
    assert!(
        first.contains("mã tra cứu: q7Lw2xQe0c9bVt1mZs4kRy8n"),
        "{first}"
    );
}

#[test]
fn supplement_request_mau_02() {
    let html = SupplementRequest {
        issuer: issuer(),
        dossier: dossier(),
        received_at: at(3, 14, 30),
        items: vec!["Bản sao Giấy báo tử có chứng thực".into()],
        reason: "Bản chụp Giấy báo tử không đọc được số, ngày cấp.".into(),
        officer: "Trần Văn Cường".into(),
        issued_at: at(4, 9, 0),
    }
    .to_html()
    .unwrap();
    insta::assert_snapshot!(text(&html));
}

#[test]
fn refusal_mau_03() {
    let html = Refusal {
        issuer: issuer(),
        dossier: dossier(),
        reasons: vec!["Người chết cư trú cuối cùng tại tỉnh khác; hồ sơ thuộc thẩm quyền của Ủy ban nhân dân cấp xã nơi cư trú cuối cùng.".into()],
        officer: "Trần Văn Cường".into(),
        issued_at: at(3, 15, 0),
    }
    .to_html()
    .unwrap();
    insta::assert_snapshot!(text(&html));
}

#[test]
fn apology_mau_04() {
    let html = Apology {
        issuer: issuer(),
        dossier: dossier(),
        received_at: at(3, 14, 30),
        due: at(8, 14, 30),
        reason: "Cần xác minh thông tin với cơ quan đăng ký hộ tịch nơi cư trú trước đây.".into(),
        new_due: at(10, 17, 0),
        signer: "Lê Thị Dung".into(),
        issued_at: at(8, 10, 0),
    }
    .to_html()
    .unwrap();
    insta::assert_snapshot!(text(&html));
}

#[test]
fn control_sheet_mau_05() {
    let html = ControlSheet {
        issuer: issuer(),
        dossier: dossier(),
        processing_units: vec!["Phòng Hành chính tư pháp".into()],
        coordinating_units: Vec::new(),
        hand_overs: vec![
            HandOver {
                from_unit: "Bộ phận Một cửa".into(),
                from_person: "Trần Văn Cường".into(),
                to_unit: "Phòng Hành chính tư pháp".into(),
                to_person: "Phạm Minh Đức".into(),
                at: at(3, 15, 0),
                outcome: None,
                note: None,
            },
            HandOver {
                from_unit: "Phòng Hành chính tư pháp".into(),
                from_person: "Phạm Minh Đức".into(),
                to_unit: "Bộ phận Một cửa".into(),
                to_person: "Trần Văn Cường".into(),
                at: at(5, 16, 0),
                outcome: Some("Trước hạn".into()),
                note: Some("Đã có Trích lục khai tử".into()),
            },
        ],
    }
    .to_html()
    .unwrap();
    insta::assert_snapshot!(text(&html));
}

#[test]
fn the_qr_code_carries_what_tt_01_2023_asks() {
    let svg = qr_svg(&dossier(), "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ");
    assert!(svg.contains("<svg"));
    // The content is the four fields joined; a change of any field changes the code.
    let mut other = dossier();
    other.applicant.identifier = "001190054321".into();
    assert_ne!(
        svg,
        qr_svg(&other, "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ")
    );
}

#[test]
fn text_from_people_is_escaped() {
    let mut d = dossier();
    d.applicant.full_name = "<script>alert(1)</script>".into();
    let html = Refusal {
        issuer: issuer(),
        dossier: d,
        reasons: vec!["x".into()],
        officer: "y".into(),
        issued_at: at(3, 15, 0),
    }
    .to_html()
    .unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;"));
}
