//! Reconciliation: compares the agency's dossiers of a period with what the
//! national portal holds (`TraCuuHoSo`) and queues a repair — the dossier
//! and all its steps sent again — for every one that differs, is missing
//! there, or could not be checked. A dossier submitted on the portal is
//! looked up under the portal's code and compared by status; its repair
//! sends every status again. The agency's dead letters are queued
//! again too, whatever their period: a packet refused once may pass after
//! a fix, the steps of a dead letter cannot be seen through `TraCuuHoSo`,
//! and a dead letter holds its dossier's later changes until then. When the
//! portal fails most look-ups, the unchecked dossiers are only reported:
//! repairing a whole period into an outage would only make dead letters.

use std::collections::HashSet;

use chrono::{NaiveDate, NaiveDateTime};
use domain::{AgencyCode, DossierCode};
use futures::StreamExt;
use serde::Serialize;
use store::{DossierRecord, OutboxKind, StoreError};

use crate::mapping::dossier_packet;
use crate::packets::HoSo;
use crate::worker::{Failure, Worker, WorkerError};

/// What a reconciliation found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileReport {
    pub agency: String,
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Our dossiers received in the period.
    pub checked: usize,
    /// Held there exactly as we would send them.
    pub in_step: usize,
    /// Not held there at all.
    pub missing: Vec<String>,
    /// Held there, but different: the wire fields that differ.
    pub differing: Vec<Divergence>,
    /// Could not be looked up (the portal failed): repaired all the same,
    /// unless most look-ups failed (`portal_unavailable`).
    pub unchecked: Vec<String>,
    /// More than half of the look-ups failed: the unchecked were not repaired.
    pub portal_unavailable: bool,
    /// Differences of dossiers that still have changes waiting in the
    /// outbox: expected, the worker will send them; repaired all the same.
    pub pending: usize,
    /// Dossiers of the agency with dead letters, queued again.
    pub revived: usize,
    /// Repairs queued (one per dossier).
    pub requeued: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Divergence {
    pub code: String,
    pub fields: Vec<&'static str>,
}

/// The wire fields in which what the portal holds differs from what we
/// would send now. Free text is left out: peers may trim or re-encode it;
/// statuses, dates, channels and the lists' lengths they keep.
pub fn differences(ours: &HoSo, theirs: &HoSo) -> Vec<&'static str> {
    let mut fields = Vec::new();
    let mut check = |name: &'static str, same: bool| {
        if !same {
            fields.push(name);
        }
    };
    check("MaTTHC", ours.MaTTHC == theirs.MaTTHC);
    check("TrangThaiHoSo", ours.TrangThaiHoSo == theirs.TrangThaiHoSo);
    check("NgayTiepNhan", ours.NgayTiepNhan == theirs.NgayTiepNhan);
    check("NgayHenTra", ours.NgayHenTra == theirs.NgayHenTra);
    check("NgayTra", ours.NgayTra == theirs.NgayTra);
    check(
        "NgayKetThucXuLy",
        ours.NgayKetThucXuLy == theirs.NgayKetThucXuLy,
    );
    check("NgayTuChoi", ours.NgayTuChoi == theirs.NgayTuChoi);
    check("HinhThuc", ours.HinhThuc == theirs.HinhThuc);
    check("KenhThucHien", ours.KenhThucHien == theirs.KenhThucHien);
    check(
        "TaiLieuNop",
        ours.TaiLieuNop.len() == theirs.TaiLieuNop.len(),
    );
    check(
        "DanhSachHoSoBoSung",
        ours.DanhSachHoSoBoSung.len() == theirs.DanhSachHoSoBoSung.len()
            && ours
                .DanhSachHoSoBoSung
                .iter()
                .zip(&theirs.DanhSachHoSoBoSung)
                .all(|(a, b)| a.TrangThaiBoSung == b.TrangThaiBoSung),
    );
    check(
        "DanhSachGiayToKetQua",
        ours.DanhSachGiayToKetQua.len() == theirs.DanhSachGiayToKetQua.len(),
    );
    fields
}

enum Finding {
    InStep,
    Missing,
    Differs(Vec<&'static str>),
    Unchecked(String),
}

impl Worker {
    /// Reconciles `agency`'s dossiers received from `from` to `to` at `now`.
    pub async fn reconcile(
        &self,
        agency: &AgencyCode,
        from: NaiveDate,
        to: NaiveDate,
        now: NaiveDateTime,
    ) -> Result<ReconcileReport, WorkerError> {
        let kind = OutboxKind::Dvcqg;
        let records = self.store().register(agency, from, to).await?;
        // Everything still queued counts as pending, whatever its retry time.
        let far = NaiveDate::MAX.and_time(chrono::NaiveTime::MIN);
        let pending: HashSet<DossierCode> = self
            .store()
            .outbox_backlog(kind, 100_000, far)
            .await?
            .into_iter()
            .map(|e| e.code)
            .collect();
        let mut report = ReconcileReport {
            agency: agency.to_string(),
            from,
            to,
            checked: records.len(),
            ..ReconcileReport::default()
        };
        let findings: Vec<(DossierCode, Result<Finding, StoreError>)> =
            futures::stream::iter(records)
                .map(|record| async move {
                    let code = record.code.clone();
                    (code, self.check(record).await)
                })
                .buffer_unordered(self.settings().concurrency.max(1))
                .collect()
                .await;
        let failed = findings
            .iter()
            .filter(|(_, f)| matches!(f, Ok(Finding::Unchecked(_))))
            .count();
        report.portal_unavailable = failed * 2 > findings.len();
        let mut repairs: Vec<DossierCode> = Vec::new();
        for (code, finding) in findings {
            let finding = finding?;
            if !matches!(finding, Finding::InStep) && pending.contains(&code) {
                report.pending += 1;
            }
            match finding {
                Finding::InStep => {
                    report.in_step += 1;
                    continue;
                }
                Finding::Missing => report.missing.push(code.to_string()),
                Finding::Differs(fields) => report.differing.push(Divergence {
                    code: code.to_string(),
                    fields,
                }),
                Finding::Unchecked(error) => {
                    tracing::warn!(%code, %error, "reconciliation: could not look up");
                    report.unchecked.push(code.to_string());
                    if report.portal_unavailable {
                        continue;
                    }
                }
            }
            repairs.push(code);
        }
        report.missing.sort();
        report.unchecked.sort();
        report.differing.sort_by(|a, b| a.code.cmp(&b.code));

        let dead: Vec<_> = self
            .store()
            .dead_letters(kind)
            .await?
            .into_iter()
            .filter(|e| &e.code.agency() == agency)
            .collect();
        let revived: HashSet<&DossierCode> = dead.iter().map(|e| &e.code).collect();
        report.revived = revived.len();
        repairs.retain(|code| !revived.contains(code));
        for code in &repairs {
            self.store().queue_repair(kind, code, now).await?;
        }
        report.requeued = repairs.len() + revived.len();
        if !dead.is_empty() {
            self.store().revive_dead_letters(kind, &dead, now).await?;
        }
        tracing::info!(
            agency = %agency,
            checked = report.checked,
            in_step = report.in_step,
            missing = report.missing.len(),
            differing = report.differing.len(),
            unchecked = report.unchecked.len(),
            revived = report.revived,
            "reconciliation done"
        );
        Ok(report)
    }

    async fn check(&self, record: DossierRecord) -> Result<Finding, StoreError> {
        let (record, events) = self.store().load(&record.code).await?;
        let agency = match self.agency(&record.agency).await {
            Ok(agency) => agency,
            Err(Failure::Retry(e) | Failure::Refused(e)) => return Ok(Finding::Unchecked(e)),
        };
        if let Some(origin) = &record.national {
            // The portal keeps its own dossier; ours is the status it should show.
            return Ok(
                match agency
                    .client
                    .look_up(&agency.unit, origin.code.as_str())
                    .await
                {
                    Ok(None) => Finding::Missing,
                    Ok(Some(theirs)) if theirs.TrangThaiHoSo.0 == record.status => Finding::InStep,
                    Ok(Some(_)) => Finding::Differs(vec!["TrangThaiHoSo"]),
                    Err(e) => Finding::Unchecked(e.to_string()),
                },
            );
        }
        let procedure = match self.procedure(&record.procedure_code).await {
            Ok(p) => p,
            Err(e) => return Ok(Finding::Unchecked(e.to_string())),
        };
        let ours = dossier_packet(&record, &events, procedure.as_deref(), &agency.context);
        match agency
            .client
            .look_up(&agency.unit, record.code.as_str())
            .await
        {
            Ok(None) => Ok(Finding::Missing),
            Ok(Some(theirs)) => {
                let fields = differences(&ours, &theirs);
                Ok(if fields.is_empty() {
                    Finding::InStep
                } else {
                    Finding::Differs(fields)
                })
            }
            Err(e) => Ok(Finding::Unchecked(e.to_string())),
        }
    }
}
