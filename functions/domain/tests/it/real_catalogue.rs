//! The 833 real procedure records either load or are reported with the
//! reason; the counts below change only when the importer or the data does.

use std::collections::BTreeMap;

use domain::{Channel, Fees, ProcedureCode, RejectionReason, TimeUnit, import_catalogue};

use crate::shared_data;

#[test]
fn every_real_record_loads_or_is_reported() {
    let text = shared_data("procedures.jsonl");
    let import = import_catalogue(&text);
    let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
    assert_eq!(lines, 833);
    assert_eq!(import.procedures.len() + import.rejected.len(), lines);

    assert_eq!(import.procedures.len(), 832);
    assert_eq!(import.clean_count(), 628);
    assert_eq!(import.issues.len(), 204);
    let issues: BTreeMap<&str, usize> = import.issue_counts();
    let expected: BTreeMap<&str, usize> = [
        ("components_unparsed", 16),
        ("fee_amount_conflicts", 39),
        ("fee_amount_unreadable", 40),
        ("free_but_amounts_listed", 22),
        ("no_resolution_time", 67),
        ("time_not_a_number", 51),
        ("time_without_unit", 301),
    ]
    .into();
    assert_eq!(issues, expected);

    let rejected: Vec<(&str, &str)> = import
        .rejected
        .iter()
        .map(|r| (r.code.as_deref().unwrap_or(""), r.reason.kind()))
        .collect();
    assert_eq!(rejected, [("1.115453", "name")]);
    assert!(matches!(
        import.rejected[0].reason,
        RejectionReason::Name(_)
    ));
}

#[test]
fn real_records_keep_what_a_citizen_needs() {
    let import = import_catalogue(&shared_data("procedures.jsonl"));
    let find = |code: &str| {
        let code = ProcedureCode::parse(code).unwrap();
        import.procedures.iter().find(|p| p.code == code).unwrap()
    };
    // Structured record: 5 working days at the counter, lệ phí 0 đồng, 3 papers.
    let death = find("1.000419");
    let counter = death.channel(Channel::InPerson).unwrap();
    assert_eq!(
        counter.resolution_time.unwrap().to_string(),
        "5 ngày làm việc"
    );
    assert!(matches!(&counter.fees, Fees::Charged(f) if f[0].amount.unwrap().amount == 0));
    assert_eq!(death.components.len(), 7);
    assert_eq!(death.results[0].code.as_deref(), Some("KQ.G15.000034"));
    assert!(!import.issues.contains_key(&death.code));
    // Page-text record: three channels, free, five working days each.
    let crossing = find("1.000294");
    assert_eq!(crossing.channels.len(), 3);
    assert!(crossing.channels.iter().all(|c| c.fees == Fees::Free
        && c.resolution_time.map(|t| t.unit()) == Some(TimeUnit::WorkingDays)));
    // 3.000346: "Miễn phí" beside amounts is reported, not guessed.
    let flawed = find("3.000346");
    let kinds: Vec<&str> = import.issues[&flawed.code]
        .iter()
        .map(|i| i.kind())
        .collect();
    assert!(kinds.contains(&"free_but_amounts_listed"), "{kinds:?}");
    // 3.000349: the cell says 135 VNĐ, the description 135.000 đồng/lần.
    let licence = find("3.000349");
    let kinds: Vec<&str> = import.issues[&licence.code]
        .iter()
        .map(|i| i.kind())
        .collect();
    assert_eq!(kinds, ["fee_amount_conflicts"]);
    // Land procedures keep their very long official names.
    assert!(find("1.115369").name.as_str().chars().count() > 1000);
    // The same procedure published by several provinces under their own codes.
    let corrections = import
        .procedures
        .iter()
        .filter(|p| {
            p.name
                .as_str()
                .starts_with("Đính chính Giấy chứng nhận đã cấp lần đầu có sai sót")
        })
        .count();
    assert_eq!(corrections, 5);
}
