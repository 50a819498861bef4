//! The QĐ 766/QĐ-TTg scorecard of one agency for one month: five groups,
//! 100 points, computed from what this system itself records.
//!
//! ## Points
//! The decision fixes the groups' maxima (publicity 18, timeliness 20,
//! online service 22, digitisation 22, satisfaction 18) and the thresholds
//! at which some indicators earn their full points. Below its threshold an
//! indicator earns `rate × max ÷ threshold`; at or above it, `max`. The
//! split of a group's points among its indicators is **this project's
//! reading** where the sources at hand give only the group's maximum; the
//! two figures they do give are kept (1.2: 4 points; 5.4: 6 points; 2.1:
//! the group's 20). Two indicators are shown without points (2.2, 5.1):
//! the sources name them but give them no scale.
//!
//! | id | indicator | max | full at | rate, as counted here |
//! |---|---|---|---|---|
//! | 1.1 | procedures published on time | 4 | 100 % | not measured: needs the legal basis's effective date |
//! | 1.2 | updates published on time | 4 | 100 % | not measured: needs the national database's publication dates |
//! | 1.3 | procedures published with every part | 4 | 100 % | the agency's procedures with every part ND 63 Art. 8 requires ÷ its procedures |
//! | 1.4 | dossiers synced to DVCQG | 6 | 100 % | dossiers received in the month with nothing waiting in the DVCQG outbox ÷ received |
//! | 2.1 | resolved early or on time | 20 | 100 % | resolved in the month in time ÷ resolved in the month ([`MonthlyTally`]) |
//! | 2.2 | average resolution time | – | – | working days from receipt to the processing end, per procedure (shown) |
//! | 3.1 | procedures offered online | 4 | 80 % | the agency's procedures with an online channel ÷ its procedures |
//! | 3.2 | online services that received dossiers | 4 | 100 % | online procedures with an online dossier received in the month ÷ online procedures |
//! | 3.3 | dossiers submitted online | 6 | 50 % | received online ÷ received |
//! | 3.5 | procedures payable online | 4 | 80 % | not measured: the portal takes no online payment yet |
//! | 3.6 | dossiers paid online | 4 | 100 % | not measured: as 3.5 |
//! | 4.1 | dossiers with an electronic result | 5 | 100 % | dossiers whose result was recorded with a file ÷ dossiers with a result, in the month |
//! | 4.2 | dossiers digitised | 5 | 80 % | received with at least one file kept here ÷ received |
//! | 4.3 | reuse of digitised data | 4 | 80 % | not measured: the citizen's store on DVCQG is not connected |
//! | 4.4 | digitised dossiers in the citizen's store | 4 | 100 % | not measured: as 4.3 |
//! | 4.5 | use of population data | 4 | 100 % | received from a signed-in account (the national identity sign-in) ÷ received |
//! | 5.1 | petitions by category | – | – | the month's petitions per category (shown) |
//! | 5.2 | petitions handled on time | 6 | 100 % | petitions received in the month refused or answered in time ÷ those refused or answered |
//! | 5.3 | satisfaction with petition handling | 6 | 100 % | answered petitions whose sender did not ask to reconsider ÷ answered |
//! | 5.4 | satisfaction with dossier handling | 6 | 90 % | 100 % − (overdue share + share with a petition or a dissatisfied rating) |
//!
//! An indicator that cannot be measured earns nothing and is listed as
//! such, with its reason, so that a leader sees both the score and how
//! much of the 100 points this system can vouch for
//! ([`Scorecard::measured_max`]). An indicator with nothing to count (no
//! dossier resolved in the month, say) earns its full points: nothing was
//! done late.
//!
//! Points are kept in hundredths and shares in hundredths of a percent,
//! rounded half up, so that the printed figures add up exactly.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::statistics::{Month, MonthlyTally};

/// A part of a whole, with a whole of zero allowed (nothing to count).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Share {
    pub part: u64,
    pub whole: u64,
}

impl Share {
    pub fn new(part: u64, whole: u64) -> Self {
        Share {
            part: part.min(whole),
            whole,
        }
    }

    /// In hundredths of a percent (`10000` is 100 %); 100 % of nothing.
    pub fn basis_points(self) -> u32 {
        if self.whole == 0 {
            return 10_000;
        }
        let scaled = u128::from(self.part) * 10_000;
        let whole = u128::from(self.whole);
        u32::try_from((scaled + whole / 2) / whole).unwrap_or(10_000)
    }
}

/// How an indicator's rate is found in this system's records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Measure {
    Rate {
        share: Share,
    },
    /// 100 % minus the sum of two shares of the same whole (5.4).
    Complement {
        overdue: Share,
        complained: Share,
    },
    /// The system does not hold what the indicator needs.
    NotMeasured {
        reason: &'static str,
    },
    /// Shown without points.
    Shown,
}

/// One indicator's line of the scorecard.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IndicatorScore {
    pub id: &'static str,
    pub name_vi: &'static str,
    /// How it is counted here, or why it is not, for the leader reading it.
    pub basis_vi: &'static str,
    /// In hundredths of a point; 0 for an indicator shown without points.
    pub max: u32,
    /// The rate for full points, in hundredths of a percent.
    pub full_at: u32,
    pub measure: Measure,
    /// The rate reached, in hundredths of a percent; none if not measured.
    pub rate: Option<u32>,
    /// In hundredths of a point.
    pub points: u32,
}

/// One of the five groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupScore {
    pub id: &'static str,
    pub name_vi: &'static str,
    pub max: u32,
    pub points: u32,
    pub indicators: Vec<IndicatorScore>,
}

/// What the scorecard needs of one dossier received in the month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DossierScoreFacts {
    pub online: bool,
    /// At least one of its files is kept here (uploaded or scanned at the counter).
    pub digitised: bool,
    /// Submitted from a signed-in account.
    pub identified: bool,
    /// Nothing of it waits in the DVCQG outbox or its dead letters.
    pub synced: bool,
    /// Resolved late, or open past its appointment at the month's end.
    pub overdue: bool,
    /// A petition names it, or its rating is dissatisfied.
    pub complained: bool,
}

/// What the scorecard needs of one of the agency's procedures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ProcedureScoreFacts {
    /// Every part ND 63 Art. 8 requires is published ([`crate::Procedure::missing_parts`]).
    pub complete: bool,
    pub online: bool,
    /// An online dossier of it was received in the month.
    pub received_online: bool,
}

/// What the scorecard needs of one petition received in the month.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct PetitionScoreFacts {
    /// The official's classification, or the kind when none was given.
    pub category: String,
    /// Once refused or answered: whether in time.
    pub handled_on_time: Option<bool>,
    /// Answered, and whether the sender then asked to reconsider.
    pub answered: Option<Reconsidered>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconsidered(pub bool);

/// The month's facts of one agency, as the back office gathers them.
#[derive(Debug, Clone, Default)]
pub struct ScorecardFacts {
    pub dossiers: Vec<DossierScoreFacts>,
    pub procedures: Vec<ProcedureScoreFacts>,
    pub petitions: Vec<PetitionScoreFacts>,
    /// Dossiers resolved in the month with an electronic result, of those with a result.
    pub electronic_results: Share,
    /// Working days from receipt to the processing end, per procedure name:
    /// (resolved dossiers, their total days in hundredths).
    pub resolution_days: BTreeMap<String, (u64, u64)>,
}

/// The agency's month, scored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Scorecard {
    pub month: Month,
    pub groups: Vec<GroupScore>,
    /// 2.2: the average working days per procedure, in hundredths, with the count.
    pub average_days: Vec<(String, u64, u64)>,
    /// 5.1: the month's petitions per category.
    pub petitions_by_category: Vec<(String, u64)>,
}

impl Scorecard {
    /// In hundredths of a point, of 10,000.
    pub fn total(&self) -> u32 {
        self.groups.iter().map(|g| g.points).sum()
    }

    /// The points this system can vouch for: the maxima of the measured indicators.
    pub fn measured_max(&self) -> u32 {
        self.groups
            .iter()
            .flat_map(|g| &g.indicators)
            .filter(|i| !matches!(i.measure, Measure::NotMeasured { .. }))
            .map(|i| i.max)
            .sum()
    }

    pub fn compute(month: Month, tally: &MonthlyTally, facts: &ScorecardFacts) -> Self {
        let dossiers = &facts.dossiers;
        let count = |f: fn(&DossierScoreFacts) -> bool| {
            Share::new(
                dossiers.iter().filter(|d| f(d)).count() as u64,
                dossiers.len() as u64,
            )
        };
        let procedures = &facts.procedures;
        let online_procedures = procedures.iter().filter(|p| p.online).count() as u64;
        let handled: Vec<bool> = facts
            .petitions
            .iter()
            .filter_map(|p| p.handled_on_time)
            .collect();
        let answered: Vec<Reconsidered> =
            facts.petitions.iter().filter_map(|p| p.answered).collect();

        let groups = vec![
            group(
                "1",
                "Công khai, minh bạch",
                vec![
                    not_measured(
                        "1.1",
                        "Thủ tục hành chính được công bố đúng hạn",
                        4,
                        "Chưa có ngày có hiệu lực của văn bản quy định thủ tục.",
                    ),
                    not_measured(
                        "1.2",
                        "Thủ tục hành chính được cập nhật, công khai đúng hạn",
                        4,
                        "Chưa có ngày công khai trên Cơ sở dữ liệu quốc gia về thủ tục hành chính.",
                    ),
                    rate(
                        ("1.3", "Thủ tục hành chính công khai đầy đủ các bộ phận"),
                        "Số thủ tục của cơ quan công khai đủ các bộ phận theo Điều 8 Nghị định 63/2010/NĐ-CP ÷ số thủ tục của cơ quan.",
                        (4, 100),
                        Share::new(
                            procedures.iter().filter(|p| p.complete).count() as u64,
                            procedures.len() as u64,
                        ),
                    ),
                    rate(
                        ("1.4", "Hồ sơ được đồng bộ lên Cổng Dịch vụ công quốc gia"),
                        "Số hồ sơ tiếp nhận trong tháng không còn chờ đồng bộ lên Cổng Dịch vụ công quốc gia ÷ số hồ sơ tiếp nhận trong tháng.",
                        (6, 100),
                        count(|d| d.synced),
                    ),
                ],
            ),
            group(
                "2",
                "Tiến độ, kết quả giải quyết",
                vec![
                    rate(
                        ("2.1", "Hồ sơ giải quyết trước hạn, đúng hạn"),
                        "Số hồ sơ giải quyết trong tháng trước hạn hoặc đúng hạn ÷ số hồ sơ giải quyết trong tháng.",
                        (20, 100),
                        Share::new(tally.resolved_in_time, tally.resolved()),
                    ),
                    shown(
                        ("2.2", "Thời gian giải quyết trung bình của thủ tục"),
                        "Số ngày làm việc trung bình từ khi tiếp nhận đến khi xử lý xong, theo từng thủ tục.",
                    ),
                ],
            ),
            group(
                "3",
                "Cung cấp dịch vụ trực tuyến",
                vec![
                    rate(
                        ("3.1", "Thủ tục cung cấp dịch vụ công trực tuyến"),
                        "Số thủ tục có dịch vụ công trực tuyến ÷ số thủ tục của cơ quan; đủ điểm từ 80%.",
                        (4, 80),
                        Share::new(online_procedures, procedures.len() as u64),
                    ),
                    rate(
                        ("3.2", "Dịch vụ công trực tuyến có phát sinh hồ sơ"),
                        "Số dịch vụ công trực tuyến có hồ sơ nộp trực tuyến trong tháng ÷ số dịch vụ công trực tuyến.",
                        (4, 100),
                        Share::new(
                            procedures
                                .iter()
                                .filter(|p| p.online && p.received_online)
                                .count() as u64,
                            online_procedures,
                        ),
                    ),
                    rate(
                        ("3.3", "Hồ sơ nộp trực tuyến"),
                        "Số hồ sơ nộp trực tuyến ÷ số hồ sơ tiếp nhận trong tháng; đủ điểm từ 50%.",
                        (6, 50),
                        count(|d| d.online),
                    ),
                    not_measured(
                        "3.5",
                        "Thủ tục có thanh toán trực tuyến",
                        4,
                        "Cổng chưa nhận thanh toán trực tuyến.",
                    ),
                    not_measured(
                        "3.6",
                        "Hồ sơ thanh toán trực tuyến",
                        4,
                        "Cổng chưa nhận thanh toán trực tuyến.",
                    ),
                ],
            ),
            group(
                "4",
                "Số hóa hồ sơ",
                vec![
                    rate(
                        ("4.1", "Hồ sơ có kết quả điện tử"),
                        "Số hồ sơ có kết quả điện tử ÷ số hồ sơ có kết quả, trong các hồ sơ giải quyết trong tháng.",
                        (5, 100),
                        facts.electronic_results,
                    ),
                    rate(
                        ("4.2", "Hồ sơ được số hóa"),
                        "Số hồ sơ có giấy tờ lưu dưới dạng điện tử ÷ số hồ sơ tiếp nhận trong tháng; đủ điểm từ 80%.",
                        (5, 80),
                        count(|d| d.digitised),
                    ),
                    not_measured(
                        "4.3",
                        "Tái sử dụng dữ liệu đã số hóa",
                        4,
                        "Chưa kết nối kho dữ liệu của người dân trên Cổng Dịch vụ công quốc gia.",
                    ),
                    not_measured(
                        "4.4",
                        "Hồ sơ số hóa được đưa vào kho dữ liệu của người dân",
                        4,
                        "Chưa kết nối kho dữ liệu của người dân trên Cổng Dịch vụ công quốc gia.",
                    ),
                    rate(
                        (
                            "4.5",
                            "Khai thác dữ liệu dân cư (tài khoản định danh điện tử)",
                        ),
                        "Số hồ sơ nộp từ tài khoản định danh điện tử ÷ số hồ sơ tiếp nhận trong tháng.",
                        (4, 100),
                        count(|d| d.identified),
                    ),
                ],
            ),
            group(
                "5",
                "Mức độ hài lòng",
                vec![
                    shown(
                        ("5.1", "Phản ánh, kiến nghị theo lĩnh vực"),
                        "Số phản ánh, kiến nghị tiếp nhận trong tháng, theo lĩnh vực.",
                    ),
                    rate(
                        ("5.2", "Phản ánh, kiến nghị được xử lý đúng hạn"),
                        "Số phản ánh, kiến nghị tiếp nhận trong tháng được từ chối hoặc trả lời đúng hạn ÷ số đã được từ chối hoặc trả lời.",
                        (6, 100),
                        Share::new(
                            handled.iter().filter(|on_time| **on_time).count() as u64,
                            handled.len() as u64,
                        ),
                    ),
                    rate(
                        ("5.3", "Hài lòng với việc xử lý phản ánh, kiến nghị"),
                        "Số phản ánh, kiến nghị đã trả lời mà người gửi không đề nghị xem xét lại ÷ số đã trả lời.",
                        (6, 100),
                        Share::new(
                            answered.iter().filter(|r| !r.0).count() as u64,
                            answered.len() as u64,
                        ),
                    ),
                    complement(
                        (
                            "5.4",
                            "Hài lòng với việc tiếp nhận, giải quyết thủ tục hành chính",
                        ),
                        "100% − (tỷ lệ hồ sơ quá hạn + tỷ lệ hồ sơ bị phản ánh, kiến nghị hoặc đánh giá không hài lòng); đủ điểm từ 90%.",
                        (6, 90),
                        count(|d| d.overdue),
                        count(|d| d.complained),
                    ),
                ],
            ),
        ];

        let mut by_category: BTreeMap<&str, u64> = BTreeMap::new();
        for p in &facts.petitions {
            *by_category.entry(p.category.as_str()).or_default() += 1;
        }
        Scorecard {
            month,
            groups,
            average_days: facts
                .resolution_days
                .iter()
                .filter(|(_, (n, _))| *n > 0)
                .map(|(name, (n, total))| (name.clone(), (total + n / 2) / n, *n))
                .collect(),
            petitions_by_category: by_category
                .into_iter()
                .map(|(c, n)| (c.to_owned(), n))
                .collect(),
        }
    }
}

fn group(id: &'static str, name_vi: &'static str, indicators: Vec<IndicatorScore>) -> GroupScore {
    GroupScore {
        id,
        name_vi,
        max: indicators.iter().map(|i| i.max).sum(),
        points: indicators.iter().map(|i| i.points).sum(),
        indicators,
    }
}

/// `max` points at `full_at` % or more, in proportion below.
fn points_for(rate: u32, max: u32, full_at: u32) -> u32 {
    if rate >= full_at {
        return max;
    }
    let scaled = u64::from(rate) * u64::from(max);
    u32::try_from((scaled + u64::from(full_at) / 2) / u64::from(full_at)).unwrap_or(max)
}

/// An indicator's id and its Vietnamese name.
type Title = (&'static str, &'static str);

fn rate(title: Title, basis_vi: &'static str, scale: (u32, u32), share: Share) -> IndicatorScore {
    scored(
        title,
        basis_vi,
        scale,
        Measure::Rate { share },
        share.basis_points(),
    )
}

/// 100 % less the two shares (5.4); nothing to count loses nothing.
fn complement(
    title: Title,
    basis_vi: &'static str,
    scale: (u32, u32),
    overdue: Share,
    complained: Share,
) -> IndicatorScore {
    let lost = if overdue.whole == 0 {
        0
    } else {
        overdue.basis_points() + complained.basis_points()
    };
    let measure = Measure::Complement {
        overdue,
        complained,
    };
    scored(
        title,
        basis_vi,
        scale,
        measure,
        10_000u32.saturating_sub(lost),
    )
}

/// A measured indicator reaching `rate` (hundredths of a percent) on a
/// scale of `max` points full at `full_at_percent`.
fn scored(
    (id, name_vi): Title,
    basis_vi: &'static str,
    (max, full_at_percent): (u32, u32),
    measure: Measure,
    rate: u32,
) -> IndicatorScore {
    let (max, full_at) = (max * 100, full_at_percent * 100);
    IndicatorScore {
        id,
        name_vi,
        basis_vi,
        max,
        full_at,
        measure,
        rate: Some(rate),
        points: points_for(rate, max, full_at),
    }
}

fn not_measured(
    id: &'static str,
    name_vi: &'static str,
    max: u32,
    reason: &'static str,
) -> IndicatorScore {
    IndicatorScore {
        id,
        name_vi,
        basis_vi: reason,
        max: max * 100,
        full_at: 10_000,
        measure: Measure::NotMeasured { reason },
        rate: None,
        points: 0,
    }
}

fn shown((id, name_vi): Title, basis_vi: &'static str) -> IndicatorScore {
    IndicatorScore {
        id,
        name_vi,
        basis_vi,
        max: 0,
        full_at: 0,
        measure: Measure::Shown,
        rate: None,
        points: 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn month() -> Month {
        Month::parse("2026-10").unwrap()
    }

    fn tally(resolved_in_time: u64, resolved_late: u64) -> MonthlyTally {
        MonthlyTally {
            month: month(),
            received: 10,
            carried_over: 0,
            resolved_in_time,
            resolved_late,
            open_within: 0,
            open_overdue: 0,
            withdrawn: 0,
        }
    }

    fn indicator<'a>(card: &'a Scorecard, id: &str) -> &'a IndicatorScore {
        card.groups
            .iter()
            .flat_map(|g| &g.indicators)
            .find(|i| i.id == id)
            .unwrap()
    }

    #[test]
    fn the_groups_add_up_to_the_decisions_maxima() {
        let card = Scorecard::compute(month(), &tally(0, 0), &ScorecardFacts::default());
        let maxima: Vec<(&str, u32)> = card.groups.iter().map(|g| (g.id, g.max)).collect();
        assert_eq!(
            maxima,
            [
                ("1", 1800),
                ("2", 2000),
                ("3", 2200),
                ("4", 2200),
                ("5", 1800)
            ]
        );
        // Not measured: 1.1, 1.2, 3.5, 3.6, 4.3, 4.4 = 4 × 6 points.
        assert_eq!(card.measured_max(), 10_000 - 2_400);
    }

    #[test]
    fn a_hand_scored_month() {
        // 10 dossiers: 4 online, 6 digitised, 3 from an account, 9 synced,
        // 1 overdue, 1 other complained about.
        let mut dossiers = vec![DossierScoreFacts::default(); 10];
        for (i, d) in dossiers.iter_mut().enumerate() {
            d.online = i < 4;
            d.digitised = i < 6;
            d.identified = i < 3;
            d.synced = i < 9;
            d.overdue = i == 9;
            d.complained = i == 8;
        }
        // 5 procedures: 4 complete, 3 online, 2 of those received online.
        let procedures = (0..5)
            .map(|i| ProcedureScoreFacts {
                complete: i < 4,
                online: i < 3,
                received_online: i < 2,
            })
            .collect();
        // 4 petitions: 3 handled (2 in time), 2 answered (1 reconsidered).
        let petition = |category: &str, on_time, answered| PetitionScoreFacts {
            category: category.into(),
            handled_on_time: on_time,
            answered,
        };
        let petitions = vec![
            petition("Hộ tịch", Some(true), Some(Reconsidered(false))),
            petition("Hộ tịch", Some(true), Some(Reconsidered(true))),
            petition("Thái độ", Some(false), None),
            petition("Thái độ", None, None),
        ];
        let facts = ScorecardFacts {
            dossiers,
            procedures,
            petitions,
            electronic_results: Share::new(3, 4),
            resolution_days: BTreeMap::from([("Khai sinh".to_owned(), (3, 1000))]),
        };
        let card = Scorecard::compute(month(), &tally(7, 1), &facts);
        let scores: Vec<(&str, Option<u32>, u32)> = card
            .groups
            .iter()
            .flat_map(|g| &g.indicators)
            .map(|i| (i.id, i.rate, i.points))
            .collect();
        assert_eq!(
            scores,
            [
                ("1.1", None, 0),
                ("1.2", None, 0),
                ("1.3", Some(8000), 320),  // 80 % of 4
                ("1.4", Some(9000), 540),  // 90 % of 6
                ("2.1", Some(8750), 1750), // 7 of 8: 87.5 % of 20
                ("2.2", None, 0),
                ("3.1", Some(6000), 300), // 60 % ÷ 80 % × 4
                ("3.2", Some(6667), 267), // 2 of 3 × 4
                ("3.3", Some(4000), 480), // 40 % ÷ 50 % × 6
                ("3.5", None, 0),
                ("3.6", None, 0),
                ("4.1", Some(7500), 375), // 75 % of 5
                ("4.2", Some(6000), 375), // 60 % ÷ 80 % × 5
                ("4.3", None, 0),
                ("4.4", None, 0),
                ("4.5", Some(3000), 120), // 30 % of 4
                ("5.1", None, 0),
                ("5.2", Some(6667), 400), // 2 of 3 × 6
                ("5.3", Some(5000), 300), // 1 of 2 × 6
                ("5.4", Some(8000), 533), // 100 − (10 + 10) = 80 % ÷ 90 % × 6
            ]
        );
        assert_eq!(card.total(), 5760);
        assert_eq!(card.average_days, [("Khai sinh".to_owned(), 333, 3)]);
        assert_eq!(
            card.petitions_by_category,
            [("Hộ tịch".to_owned(), 2), ("Thái độ".to_owned(), 2)]
        );
    }

    #[test]
    fn a_month_with_nothing_to_count_loses_no_points() {
        let card = Scorecard::compute(month(), &tally(0, 0), &ScorecardFacts::default());
        assert_eq!(indicator(&card, "2.1").points, 2000);
        assert_eq!(indicator(&card, "5.4").points, 600);
        assert_eq!(card.total(), card.measured_max());
    }

    #[test]
    fn a_bare_procedure_lacks_every_required_part() {
        let bare = crate::Procedure::new(
            "1.000001".parse().unwrap(),
            crate::ProcedureName::parse("Thủ tục thử").unwrap(),
        );
        assert_eq!(bare.missing_parts().len(), 9);
        assert!(bare.missing_parts().contains(&"Căn cứ pháp lý"));
    }

    #[test]
    fn thresholds_cap_the_points() {
        assert_eq!(points_for(5000, 600, 5000), 600);
        assert_eq!(points_for(9000, 600, 5000), 600);
        assert_eq!(points_for(2500, 600, 5000), 300);
        assert_eq!(Share::new(1, 3).basis_points(), 3333);
        assert_eq!(Share::new(2, 3).basis_points(), 6667);
        assert_eq!(
            Share::new(5, 3).basis_points(),
            10_000,
            "a part is never more than the whole"
        );
    }
}
