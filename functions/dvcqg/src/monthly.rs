//! The monthly packets: an agency's dossier statistics (`DongBoThongKeHoSo`,
//! QCVN 120 §3) from the domain's [`MonthlyTally`], sent by the `sync`
//! function's statistics job ([`Worker::send_statistics`]); and the
//! service-quality evaluation (`DongBoDanhGia`, §2) from the month's
//! stored ratings, per procedure and question ([`procedure_ratings`],
//! [`evaluation_packets`], [`Worker::send_evaluations`]).
//!
//! This project's readings, where the sources say no more than the field
//! names: `Thang` is the month's number without a leading zero (`"6"`), as
//! in `NgayTongHop` (`"6-2026"`); `LoaiThongKe` is [`MONTHLY`]; a month is
//! sent again whole when the job runs again for it, and the portal is taken
//! to keep the latest table of a unit and month.

use domain::{AgencyCode, Indicator, Month, MonthlyTally, ProcedureCode, Satisfaction};
use serde::Serialize;
use store::DossierRecord;

use crate::packets::{DanhGia, ThongKeHoSo, percent, service};
use crate::wire::WireNumber;
use crate::worker::{Failure, Worker, WorkerError};

/// `LoaiThongKe` of a monthly table: `"1"`, this project's reading (the
/// sources name the field, not its values).
pub const MONTHLY: &str = "1";

/// How far back the statistics job reads for the dossiers a month carries
/// over (the domain's rule, shared with the public statistics pages).
pub use domain::CARRY_OVER_MONTHS;

/// `DongBoThongKeHoSo` for `tally`, under the agency's national unit code
/// `unit` and its name. Shares of the resolved are of `TongDaXuLy`, shares
/// of the open of `TongChuaXuLy`, two decimals, `"0.00"` of nothing.
pub fn statistics_packet(tally: &MonthlyTally, unit: &str, agency_name: &str) -> ThongKeHoSo {
    let (resolved, open) = (tally.resolved(), tally.open());
    ThongKeHoSo {
        Thang: tally.month.number().to_string(),
        Nam: tally.month.year().to_string(),
        SoNhanTrongKy: WireNumber(tally.received),
        SoTonKyTruoc: WireNumber(tally.carried_over),
        TongSoXuLy: WireNumber(tally.total()),
        TongDaXuLy: WireNumber(resolved),
        TongXuLyDungHan: WireNumber(tally.resolved_in_time),
        PhanTramXuLyDungHan: percent(tally.resolved_in_time, resolved),
        TongXuLyTreHan: WireNumber(tally.resolved_late),
        PhanTramXuLyTreHan: percent(tally.resolved_late, resolved),
        TongChuaXuLy: WireNumber(open),
        TongChuaXuLyTrongHan: WireNumber(tally.open_within),
        PhanTramChuaXuLyTrongHan: percent(tally.open_within, open),
        TongChuaXuLyTreHan: WireNumber(tally.open_overdue),
        PhanTramChuaXuLyTreHan: percent(tally.open_overdue, open),
        GhiChu: match tally.withdrawn {
            0 => String::new(),
            n => format!("Không tính {n} hồ sơ tiếp nhận trong kỳ đã rút theo yêu cầu"),
        },
        Madonvi: unit.to_owned(),
        TenDonVi: agency_name.to_owned(),
        LoaiThongKe: MONTHLY.to_owned(),
    }
}

/// How one evaluation question was answered in a month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionRatings {
    /// The question as put to the applicant (`NoiDung`).
    pub question: String,
    /// Rất hài lòng.
    pub very_satisfied: u64,
    /// Hài lòng.
    pub satisfied: u64,
    /// Không hài lòng (`ChuaHaiLong` on the wire).
    pub dissatisfied: u64,
    /// What the raters wrote (`DanhSachNoiDungYKien`).
    pub comments: Vec<String>,
}

impl QuestionRatings {
    fn raters(&self) -> u64 {
        self.very_satisfied + self.satisfied + self.dissatisfied
    }
}

/// A procedure's ratings of a month, question by question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcedureRatings {
    pub month: Month,
    pub procedure: ProcedureCode,
    pub questions: Vec<QuestionRatings>,
}

/// A share as the evaluation writes it: `"62.50%"`.
fn share(part: u64, whole: u64) -> String {
    format!("{}%", percent(part, whole))
}

/// `DongBoDanhGia`: one packet per question. `PhanTramDanhGia…` are the
/// question's shares; `PhanTramDanhGiaDichVu…` the procedure's over all its
/// questions' answers (this project's reading of "dịch vụ"), the same in
/// every packet of the procedure.
pub fn evaluation_packets(
    ratings: &ProcedureRatings,
    unit: &str,
    agency_name: &str,
) -> Vec<DanhGia> {
    let sum = |of: fn(&QuestionRatings) -> u64| ratings.questions.iter().map(of).sum::<u64>();
    let (very, satisfied, dissatisfied) = (
        sum(|q| q.very_satisfied),
        sum(|q| q.satisfied),
        sum(|q| q.dissatisfied),
    );
    let all = very + satisfied + dissatisfied;
    ratings
        .questions
        .iter()
        .map(|q| DanhGia {
            NgayTongHop: format!("{}-{}", ratings.month.number(), ratings.month.year()),
            TongSoNguoiDanhGia: WireNumber(q.raters()),
            PhanTramDanhGiaRatHaiLong: share(q.very_satisfied, q.raters()),
            PhanTramDanhGiaHaiLong: share(q.satisfied, q.raters()),
            PhanTramDanhGiaChuaHaiLong: share(q.dissatisfied, q.raters()),
            DanhSachNoiDungYKien: q.comments.clone(),
            MaThuTuc: ratings.procedure.to_string(),
            NoiDung: q.question.clone(),
            PhanTramDanhGiaDichVuRatHaiLong: share(very, all),
            PhanTramDanhGiaDichVuHaiLong: share(satisfied, all),
            PhanTramDanhGiaDichVuChuaHaiLong: share(dissatisfied, all),
            Madonvi: unit.to_owned(),
            TenDonVi: agency_name.to_owned(),
        })
        .collect()
}

/// Each procedure's ratings of `month`, question by question, from the
/// stored ratings (`Store::ratings_of_month`), in procedure order.
pub fn procedure_ratings(month: Month, ratings: &[store::StoredRating]) -> Vec<ProcedureRatings> {
    let mut by_procedure: std::collections::BTreeMap<&ProcedureCode, Vec<QuestionRatings>> =
        std::collections::BTreeMap::new();
    for stored in ratings {
        let questions = by_procedure
            .entry(&stored.procedure_code)
            .or_insert_with(|| {
                Indicator::ALL
                    .iter()
                    .map(|i| QuestionRatings {
                        question: i.question_vi().to_owned(),
                        ..QuestionRatings::default()
                    })
                    .collect()
            });
        for (question, (_, answer)) in questions.iter_mut().zip(stored.rating.answers()) {
            match answer {
                Satisfaction::VerySatisfied => question.very_satisfied += 1,
                Satisfaction::Satisfied => question.satisfied += 1,
                Satisfaction::Dissatisfied => question.dissatisfied += 1,
            }
        }
        // A comment is about the whole service: it goes with the first question.
        if let (Some(comment), Some(first)) = (stored.rating.comment(), questions.first_mut()) {
            first.comments.push(comment.to_owned());
        }
    }
    by_procedure
        .into_iter()
        .map(|(procedure, questions)| ProcedureRatings {
            month,
            procedure: procedure.clone(),
            questions,
        })
        .collect()
}

/// What the evaluation job did for one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EvaluationReport {
    pub agency: String,
    /// Ratings given in the month.
    pub ratings: usize,
    /// `DongBoDanhGia` packets sent (one per procedure and question).
    pub packets: usize,
    pub error: Option<String>,
}

/// What the statistics job did for one agency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatisticsReport {
    pub agency: String,
    pub tally: MonthlyTally,
    /// Dossiers read from the register (the month and `CARRY_OVER_MONTHS` before).
    pub read: usize,
    pub sent: bool,
    /// Why the table was not sent; the job is to be run again for the month.
    pub error: Option<String>,
}

impl Worker {
    /// Sends `agency`'s ratings of `month` as `DongBoDanhGia`. A refusal or
    /// a failure to reach the portal is reported (and logged), not retried.
    pub async fn send_evaluations(
        &self,
        agency: &AgencyCode,
        month: Month,
    ) -> Result<EvaluationReport, WorkerError> {
        let ratings = self
            .store()
            .ratings_of_month(agency, month.first_day())
            .await?;
        let mut report = EvaluationReport {
            agency: agency.to_string(),
            ratings: ratings.len(),
            packets: 0,
            error: None,
        };
        if ratings.is_empty() {
            return Ok(report);
        }
        let found = match self.agency(agency).await {
            Ok(found) => found,
            Err(Failure::Retry(e) | Failure::Refused(e)) => {
                report.error = Some(e);
                return Ok(report);
            }
        };
        let packets: Vec<DanhGia> = procedure_ratings(month, &ratings)
            .iter()
            .flat_map(|p| evaluation_packets(p, &found.unit, &found.context.agency_name))
            .collect();
        match found
            .client
            .send(&found.unit, service::EVALUATION, None, &packets)
            .await
        {
            Ok(_) => report.packets = packets.len(),
            Err(error) => {
                tracing::error!(%agency, %month, %error, "national portal: evaluation not sent");
                report.error = Some(error.to_string());
            }
        }
        Ok(report)
    }

    /// Tallies `agency`'s `month` and sends it as `DongBoThongKeHoSo`
    /// through the agency's account. A refusal or a failure to reach the
    /// portal is reported (and logged at error level), not retried.
    pub async fn send_statistics(
        &self,
        agency: &AgencyCode,
        month: Month,
    ) -> Result<StatisticsReport, WorkerError> {
        let from = month.months_before(CARRY_OVER_MONTHS).first_day();
        let records = self
            .store()
            .register(agency, from, month.last_day())
            .await?;
        let tally = MonthlyTally::of(month, records.iter().map(DossierRecord::facts));
        let mut report = StatisticsReport {
            agency: agency.to_string(),
            tally,
            read: records.len(),
            sent: false,
            error: None,
        };
        let sent = match self.agency(agency).await {
            Ok(found) => {
                let packet = statistics_packet(&tally, &found.unit, &found.context.agency_name);
                found
                    .client
                    .send(&found.unit, service::STATISTICS, None, &[packet])
                    .await
                    .map(|_| ())
                    .map_err(|e| e.to_string())
            }
            Err(Failure::Retry(e) | Failure::Refused(e)) => Err(e),
        };
        match sent {
            Ok(()) => report.sent = true,
            Err(error) => {
                tracing::error!(%agency, %month, %error, "national portal: statistics not sent");
                report.error = Some(error);
            }
        }
        Ok(report)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The hand-built June of `domain::statistics`' test: 9 received, 4
    /// carried over; 5 resolved in time and 3 late; 3 open within the
    /// appointment and 2 past it; one withdrawn.
    fn june() -> MonthlyTally {
        MonthlyTally {
            month: Month::parse("2026-06").unwrap(),
            received: 9,
            carried_over: 4,
            resolved_in_time: 5,
            resolved_late: 3,
            open_within: 3,
            open_overdue: 2,
            withdrawn: 1,
        }
    }

    #[test]
    fn a_month_becomes_its_statistics_packet() {
        let packet = statistics_packet(&june(), "000.00.01.H29", "UBND xã Gia Viễn");
        // 5/8 = 62.50 %, 3/8 = 37.50 %, 3/5 = 60.00 %, 2/5 = 40.00 %.
        let expected = json!({
            "Thang": "6", "Nam": "2026",
            "SoNhanTrongKy": "9", "SoTonKyTruoc": "4", "TongSoXuLy": "13",
            "TongDaXuLy": "8",
            "TongXuLyDungHan": "5", "PhanTramXuLyDungHan": "62.50",
            "TongXuLyTreHan": "3", "PhanTramXuLyTreHan": "37.50",
            "TongChuaXuLy": "5",
            "TongChuaXuLyTrongHan": "3", "PhanTramChuaXuLyTrongHan": "60.00",
            "TongChuaXuLyTreHan": "2", "PhanTramChuaXuLyTreHan": "40.00",
            "GhiChu": "Không tính 1 hồ sơ tiếp nhận trong kỳ đã rút theo yêu cầu",
            "Madonvi": "000.00.01.H29", "TenDonVi": "UBND xã Gia Viễn",
            "LoaiThongKe": "1"
        });
        assert_eq!(serde_json::to_value(&packet).unwrap(), expected);
        // The strict reading (every scalar a string, no unknown field) takes it back.
        let read: ThongKeHoSo = serde_json::from_value(expected).unwrap();
        assert_eq!(read, packet);
    }

    #[test]
    fn an_empty_month_has_zero_shares_and_no_note() {
        let tally = MonthlyTally::of(Month::parse("2026-01").unwrap(), []);
        let packet = statistics_packet(&tally, "000.00.01.H29", "UBND xã Gia Viễn");
        assert_eq!((packet.Thang.as_str(), packet.Nam.as_str()), ("1", "2026"));
        assert_eq!(packet.TongSoXuLy, WireNumber(0));
        assert_eq!(packet.PhanTramXuLyDungHan, "0.00");
        assert_eq!(packet.PhanTramChuaXuLyTreHan, "0.00");
        assert_eq!(packet.GhiChu, "");
    }

    #[test]
    fn ratings_become_one_evaluation_packet_per_question() {
        let ratings = ProcedureRatings {
            month: Month::parse("2026-06").unwrap(),
            procedure: ProcedureCode::parse("1.000419").unwrap(),
            questions: vec![
                QuestionRatings {
                    question: "Thái độ của cán bộ tiếp nhận".into(),
                    very_satisfied: 6,
                    satisfied: 1,
                    dissatisfied: 1,
                    comments: vec!["Cán bộ hướng dẫn tận tình.".into()],
                },
                QuestionRatings {
                    question: "Thời gian giải quyết so với quy định".into(),
                    very_satisfied: 1,
                    satisfied: 2,
                    dissatisfied: 0,
                    comments: Vec::new(),
                },
            ],
        };
        // The procedure over both questions: 7, 3 and 1 of 11 answers.
        let service = |q: serde_json::Value| {
            let mut q = q;
            q["PhanTramDanhGiaDichVuRatHaiLong"] = json!("63.64%");
            q["PhanTramDanhGiaDichVuHaiLong"] = json!("27.27%");
            q["PhanTramDanhGiaDichVuChuaHaiLong"] = json!("9.09%");
            q["MaThuTuc"] = json!("1.000419");
            q["Madonvi"] = json!("000.00.01.H29");
            q["TenDonVi"] = json!("UBND xã Gia Viễn");
            q["NgayTongHop"] = json!("6-2026");
            q
        };
        let expected = json!([
            service(json!({
                "TongSoNguoiDanhGia": "8",
                "PhanTramDanhGiaRatHaiLong": "75.00%",
                "PhanTramDanhGiaHaiLong": "12.50%",
                "PhanTramDanhGiaChuaHaiLong": "12.50%",
                "DanhSachNoiDungYKien": ["Cán bộ hướng dẫn tận tình."],
                "NoiDung": "Thái độ của cán bộ tiếp nhận"
            })),
            service(json!({
                "TongSoNguoiDanhGia": "3",
                "PhanTramDanhGiaRatHaiLong": "33.33%",
                "PhanTramDanhGiaHaiLong": "66.67%",
                "PhanTramDanhGiaChuaHaiLong": "0.00%",
                "DanhSachNoiDungYKien": [],
                "NoiDung": "Thời gian giải quyết so với quy định"
            })),
        ]);
        let packets = evaluation_packets(&ratings, "000.00.01.H29", "UBND xã Gia Viễn");
        assert_eq!(serde_json::to_value(&packets).unwrap(), expected);
        let read: Vec<DanhGia> = serde_json::from_value(expected).unwrap();
        assert_eq!(read, packets);
    }

    #[test]
    fn a_question_nobody_answered_has_zero_shares() {
        let ratings = ProcedureRatings {
            month: Month::parse("2026-12").unwrap(),
            procedure: ProcedureCode::parse("1.000419").unwrap(),
            questions: vec![QuestionRatings {
                question: "Công khai thủ tục".into(),
                ..QuestionRatings::default()
            }],
        };
        let packet = &evaluation_packets(&ratings, "u", "n")[0];
        assert_eq!(packet.NgayTongHop, "12-2026");
        assert_eq!(packet.TongSoNguoiDanhGia, WireNumber(0));
        assert_eq!(packet.PhanTramDanhGiaRatHaiLong, "0.00%");
        assert_eq!(packet.PhanTramDanhGiaDichVuChuaHaiLong, "0.00%");
    }
}
