//! Dossiers citizens submitted on the national portal to one of our
//! agencies, taken in as our dossiers (`service::PORTAL_DOSSIERS`, this
//! project's assumption; see there).
//!
//! Each listed record is read strictly as `DongBoHoSoMC`'s `HoSo`, checked
//! (the portal's code, a procedure of our catalogue, the applicant as our
//! own form checks one) and its files fetched from the portal's host into
//! the attachments bucket, under the same size and type checks as an upload.
//! Then it is submitted like any online dossier, with its origin
//! (`NationalOrigin`) recorded and the portal's code as a key that never
//! expires, so a dossier listed twice becomes one dossier. From then on the
//! worker sends its statuses back (`DongBoTrangThaiHoSo`), the first one at
//! once: that tells the portal the unit has it, and it leaves the list.
//!
//! A record that cannot be read or fails a check is reported with the
//! reason and left on the portal. A file the portal cannot serve right now
//! leaves the dossier for the next run; a file it serves but that is not
//! acceptable (too large, not an accepted type) is left out, and the
//! opening event says which, so the desk can ask for it.

use chrono::NaiveDateTime;
use domain::{
    Action, Actor, AgencyCode, Applicant, Channel, DossierProgress, NationalDossierCode, OwnerType,
    Procedure, ProcedureCode, ResultDelivery, Role, WorkingCalendar,
};
use serde::Serialize;
use serde_json::Value;
use store::{NationalOrigin, NewDossier, StoreError, StoredFile};

use crate::client::FetchError;
use crate::packets::{HoSo, TaiLieu};
use crate::wire::{cap, caps};
use crate::worker::{Agency, Worker, WorkerError, listed_label};

/// What one run of the intake did for one agency.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IntakeReport {
    pub agency: String,
    /// Taken in now.
    pub taken: Vec<Taken>,
    /// Listed again, but taken in before (its first status is on its way).
    pub already_taken: usize,
    /// Left on the portal: the record is not one we can take in.
    pub rejected: Vec<Problem>,
    /// Left for the next run: the portal could not serve a file, or the
    /// store failed.
    pub deferred: Vec<Problem>,
    /// Files a dossier was taken in without (named on its opening event).
    pub files_left_out: Vec<Problem>,
    /// The portal could not be asked for the list at all.
    pub portal_unavailable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Taken {
    /// The portal's code.
    pub national: String,
    /// Ours.
    pub code: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The portal's code, or the record's place in the list if unreadable.
    pub dossier: String,
    pub reason: String,
}

/// Why one record was not taken in this time.
enum NotTaken {
    Rejected(String),
    Deferred(String),
}

impl From<StoreError> for NotTaken {
    fn from(e: StoreError) -> Self {
        NotTaken::Deferred(e.to_string())
    }
}

/// The applicant as the portal's record names them, checked like our form.
fn applicant(packet: &HoSo) -> Result<Applicant, String> {
    let owner_type = match packet.LoaiDoiTuong.0 {
        2 => OwnerType::Business,
        _ => OwnerType::Citizen,
    };
    let identity = Some(packet.SoGiayToChuHoSo.trim())
        .filter(|s| !s.is_empty())
        .or_else(|| packet.DinhDanhCHS.first().map(|d| d.SoDinhDanh.trim()))
        .unwrap_or_default();
    Applicant::parse(
        owner_type,
        &packet.ChuHoSo,
        identity,
        &packet.SoDienThoai,
        Some(packet.Email.as_str()),
        &packet.ThongTinKhac,
    )
    .map_err(|e| format!("the applicant: {e}"))
}

/// The component of `procedure` a submitted file belongs to: by the
/// component's national code, else its name, else the first.
fn component(procedure: &Procedure, file: &TaiLieu) -> usize {
    let code = file.MaThanhPhanHoSo.trim();
    procedure
        .components
        .iter()
        .position(|c| !code.is_empty() && c.code.as_deref() == Some(code))
        .or_else(|| {
            procedure
                .components
                .iter()
                .position(|c| c.name.trim() == file.TenTepDinhKem.trim())
        })
        .unwrap_or(0)
}

impl Worker {
    /// Takes in the dossiers submitted on the national portal to `agency`.
    pub async fn take_in(
        &self,
        agency: &AgencyCode,
        now: NaiveDateTime,
    ) -> Result<IntakeReport, WorkerError> {
        let mut report = IntakeReport {
            agency: agency.to_string(),
            ..IntakeReport::default()
        };
        let listing = self
            .portal_listing(agency, "dossiers", async |unit| {
                unit.client.portal_dossiers(&unit.unit).await
            })
            .await;
        let Ok((unit, records)) = listing.map_err(|e| report.portal_unavailable = Some(e)) else {
            return Ok(report);
        };
        let calendar = self.calendar_of(agency).await?;
        for (i, record) in records.into_iter().enumerate() {
            let label = listed_label(&record, "MaHoSo", i);
            match self
                .take_in_one(agency, &unit, &calendar, record, now, &mut report)
                .await
            {
                Ok(Some(taken)) => report.taken.push(taken),
                Ok(None) => report.already_taken += 1,
                Err(NotTaken::Rejected(reason)) => {
                    tracing::error!(%agency, dossier = %label, %reason, "national portal: a dossier submitted there cannot be taken in");
                    report.rejected.push(Problem {
                        dossier: label,
                        reason,
                    });
                }
                Err(NotTaken::Deferred(reason)) => {
                    tracing::warn!(%agency, dossier = %label, %reason, "national portal: a dossier submitted there is left for the next run");
                    report.deferred.push(Problem {
                        dossier: label,
                        reason,
                    });
                }
            }
        }
        let quiet = report.taken.is_empty()
            && report.rejected.is_empty()
            && report.deferred.is_empty()
            && report.already_taken == 0;
        if quiet {
            return Ok(report);
        }
        tracing::info!(
            %agency,
            taken = report.taken.len(),
            already_taken = report.already_taken,
            rejected = report.rejected.len(),
            deferred = report.deferred.len(),
            "national portal: intake done"
        );
        Ok(report)
    }

    pub(crate) async fn calendar_of(
        &self,
        agency: &AgencyCode,
    ) -> Result<WorkingCalendar, WorkerError> {
        let overrides = match self.store().agency_setup(agency).await {
            Ok(setup) => setup.agency.calendar_overrides,
            Err(StoreError::NotFound) => None,
            Err(e) => return Err(e.into()),
        };
        Ok(match overrides {
            // The profile was checked when it was saved; should it fail now,
            // the national calendar is the one the law gives anyway.
            Some(toml) => WorkingCalendar::with_agency_overrides(&toml)
                .unwrap_or_else(|_| WorkingCalendar::vietnam()),
            None => WorkingCalendar::vietnam(),
        })
    }

    /// `Ok(None)`: taken in before.
    async fn take_in_one(
        &self,
        agency: &AgencyCode,
        unit: &Agency,
        calendar: &WorkingCalendar,
        record: Value,
        now: NaiveDateTime,
        report: &mut IntakeReport,
    ) -> Result<Option<Taken>, NotTaken> {
        let packet: HoSo = serde_json::from_value(record)
            .map_err(|e| NotTaken::Rejected(format!("unreadable as DongBoHoSoMC: {e}")))?;
        let national = NationalDossierCode::parse(&packet.MaHoSo)
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        if self.store().national_dossier(&national).await?.is_some() {
            return Ok(None);
        }
        let procedure_code = ProcedureCode::parse(packet.MaTTHC.trim())
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        let procedure = self.procedure(&procedure_code).await?.ok_or_else(|| {
            NotTaken::Rejected(format!(
                "procedure {procedure_code} is not in our catalogue"
            ))
        })?;
        let applicant = applicant(&packet).map_err(NotTaken::Rejected)?;

        let limits = &self.store().settings().limits;
        let mut files = Vec::new();
        let mut left_out = Vec::new();
        let mut total = 0u64;
        for file in packet.TaiLieuNop.iter().filter(|f| !f.IsDeleted.0) {
            let name = file.TenTepDinhKem.trim();
            let bytes = match unit
                .client
                .fetch_file(&file.DuongDanTaiTepTin, limits.max_file_bytes)
                .await
            {
                Ok(bytes) => bytes,
                Err(FetchError::Transport(e)) => {
                    return Err(NotTaken::Deferred(format!("file `{name}`: {e}")));
                }
                Err(FetchError::Refused(e)) => {
                    left_out.push((name.to_owned(), e));
                    continue;
                }
            };
            if total + bytes.len() as u64 > limits.max_dossier_bytes {
                left_out.push((
                    name.to_owned(),
                    format!(
                        "the dossier's files would pass {} bytes",
                        limits.max_dossier_bytes
                    ),
                ));
                continue;
            }
            match self
                .store()
                .keep_file(national.as_str(), name, &bytes)
                .await
            {
                Ok(kept) => {
                    total += kept.size;
                    files.push(StoredFile::new(kept, component(&procedure, file), 0, now));
                }
                Err(store::AttachmentError::Store(e)) => return Err(e.into()),
                Err(e) => left_out.push((name.to_owned(), e.to_string())),
            }
        }
        let note = (!left_out.is_empty()).then(|| {
            let names: Vec<&str> = left_out.iter().map(|(n, _)| n.as_str()).collect();
            format!(
                "Không nhận được từ Cổng Dịch vụ công quốc gia tệp: {}.",
                names.join(", ")
            )
        });
        for (name, reason) in left_out {
            report.files_left_out.push(Problem {
                dossier: national.to_string(),
                reason: format!("`{name}`: {reason}"),
            });
        }

        // Submitted when the citizen submitted it there, never later than now.
        let at = packet.NgayNopHoSo.0.min(now);
        let resolution = procedure.resolution_time(Channel::Online);
        let account = packet.MaDoiTuong.trim().to_owned();
        let actor = Actor {
            id: format!("dvcqg:{account}"),
            role: Role::Citizen,
        };
        let progress = DossierProgress::open(Action::SubmitOnline, actor, at, resolution, note)
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        let due_at = progress
            .due(calendar, now)
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        let summary = cap(packet.TrichYeuHoSo.trim(), caps::SUMMARY);
        let new = NewDossier {
            procedure_code: procedure.code.clone(),
            procedure_name: procedure.name.to_string(),
            agency: agency.clone(),
            owner: None,
            channel: Channel::Online,
            result_delivery: match packet.HinhThuc.0 {
                1 => ResultDelivery::Post {
                    address: applicant.address.clone(),
                },
                _ => ResultDelivery::AtDesk,
            },
            applicant,
            summary: if summary.is_empty() {
                procedure.name.to_string()
            } else {
                summary
            },
            resolution,
            due_at,
            files,
            papers: Vec::new(),
            // The citizen follows it on the national portal; nobody is given this.
            tracking_secret: hex::encode(rand::random::<[u8; 18]>()),
            opening: progress.last_event().clone(),
            national: Some(NationalOrigin {
                code: national.clone(),
                account,
            }),
        };
        let submitted = self.store().submit(new, None, None).await?;
        Ok((!submitted.replayed).then(|| Taken {
            national: national.to_string(),
            code: submitted.record.code.to_string(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn packet() -> HoSo {
        let mut value: Value = serde_json::from_str(include_str!("intake/portal_dossier.json"))
            .expect("the fixture is JSON");
        serde_json::from_value(value.take()).expect("the fixture is a HoSo")
    }

    #[test]
    fn the_applicant_is_checked_as_our_form_checks_one() {
        let mut p = packet();
        let a = applicant(&p).unwrap();
        assert_eq!(a.full_name, "Nguyễn Thị Lan");
        assert_eq!(a.identity_number.as_str(), "001190012345");
        assert_eq!(a.email, None);
        // The identity number may come only in DinhDanhCHS.
        p.SoGiayToChuHoSo.clear();
        assert_eq!(
            applicant(&p).unwrap().identity_number.as_str(),
            "001190012345"
        );
        p.SoDienThoai = "12".into();
        assert!(applicant(&p).unwrap_err().starts_with("the applicant"));
    }
}
