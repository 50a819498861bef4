//! Feedback and petitions with the national portal (QCVN 120 §5; the
//! packets and service names are this project's assumption, see
//! `crate::share::pakn`).
//!
//! In: [`Worker::take_in_petitions`] reads the petitions citizens sent there
//! to one of our agencies (`LayDanhSachPAKNGuiTuDVCQG`, share endpoint),
//! fetches their attachments (`LayTaiLieuPAKN`) — only paths on the
//! portal's own host are asked for, as `intake` fetches dossiers' files —
//! into the attachments bucket under the upload rules, and sends each here
//! with its origin: the portal's `MaPAKN` is its idempotency key for good,
//! so a petition listed again, however often, stays one petition. A record
//! that cannot be taken in (unreadable, another unit's, no text, no phone
//! to answer to) is reported and left on the portal; one the portal lists
//! as answered or refused already is left alone; one whose files the portal
//! cannot serve now waits for the next run, and a file it serves but that
//! is not acceptable is left out and named on the receipt.
//!
//! Out: a step the portal must hear of writes an outbox entry with it
//! (`store::PetitionRecord::national_sync`): a petition received here goes
//! there (`DongBoPAKN`) when received and at each change of its state, and
//! every petition's result — the answer or the refusal — goes there
//! (`DongBoKetQuaPAKN`, under the portal's code for one sent there). Part of
//! every outbox run, [`Worker::send_petitions`] builds each packet from the
//! petition as it is when it sends (a local petition's state first, so the
//! portal holds the petition a result is about), removes the entries once
//! the portal has them, and retries or dead-letters as the dossiers'
//! entries are. A repeat is harmless: the portal keeps one petition per
//! `MaPAKN` and one result per time and text.
//!
//! What the assumed packets leave open, read here: a local petition's
//! `TepTinPhanAnh` is empty (its files are in our private bucket, which the
//! portal cannot read); `MaLinhVuc` is the procedure's first field code;
//! `ChucVuNguoiXuLy` is the answering official's role; `CongKhai` is the
//! sender's consent to publish; a reopening goes there as the petition
//! received anew (`TrangThai` 1), its next result as a new result.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chrono::NaiveDateTime;
use domain::{
    AgencyCode, Email, MAX_PETITION_TEXT, MAX_PETITION_TITLE, NationalPetitionCode, PetitionAction,
    PetitionKind, PetitionProgress, PetitionStage, PetitionTopic, PhoneNumber, Role,
};
use serde::Serialize;
use serde_json::Value;
use store::{
    NationalPetition, NewPetition, PetitionContact, PetitionPacket, PetitionRecord, PetitionStep,
    PetitionSyncEntry, StoreError, StoredFile,
};

use crate::client::SendError;
use crate::packets::service;
use crate::share::NoParams;
use crate::share::pakn::{KetQuaPAKN, PhanAnh, TaiLieuPAKN, TepTin, trang_thai};
use crate::wire::{MaybeTime, WireBool, WireTime, cap, caps};
use crate::worker::{Agency, Failure, RunReport, Worker, WorkerError, listed_label};

/// What one pull of an agency's petitions did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PetitionIntakeReport {
    pub agency: String,
    /// Taken in now: (the portal's code, ours).
    pub taken: Vec<(String, String)>,
    /// Listed again, taken in before.
    pub already_taken: usize,
    /// Listed as answered or refused there: nothing for us to do.
    pub handled_there: usize,
    /// Left on the portal: the record is not one we can take in.
    pub rejected: Vec<Problem>,
    /// Left for the next run: the portal could not serve its files, or the
    /// store failed.
    pub deferred: Vec<Problem>,
    /// Files a petition was taken in without (named on its receipt).
    pub files_left_out: Vec<Problem>,
    /// The portal could not be asked for the list at all.
    pub portal_unavailable: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The portal's code, or the record's place in the list if unreadable.
    pub petition: String,
    pub reason: String,
}

/// Why one listed petition was not taken in this time.
enum NotTaken {
    Rejected(String),
    HandledThere,
    Deferred(String),
}

impl From<StoreError> for NotTaken {
    fn from(e: StoreError) -> Self {
        NotTaken::Deferred(e.to_string())
    }
}

/// The sender as the portal names them, checked as our form checks one;
/// an e-mail address we cannot read is left out (the phone is enough).
fn contact(p: &PhanAnh) -> Result<PetitionContact, String> {
    let name = p.HoTen.trim();
    if name.is_empty() {
        return Err("the sender has no name (HoTen)".into());
    }
    let phone = PhoneNumber::parse(&p.SoDienThoai)
        .map_err(|e| format!("the sender's phone (SoDienThoai): {e}"))?;
    let email = Some(p.Email.trim())
        .filter(|e| !e.is_empty())
        .and_then(|e| Email::parse(e).ok());
    let address = Some(p.DiaChi.trim())
        .filter(|a| !a.is_empty())
        .map(|a| cap(a, 500));
    Ok(PetitionContact {
        name: cap(name, 200),
        phone,
        email,
        address,
    })
}

impl Worker {
    /// Takes in the petitions sent on the national portal to `agency`.
    pub async fn take_in_petitions(
        &self,
        agency: &AgencyCode,
        now: NaiveDateTime,
    ) -> Result<PetitionIntakeReport, WorkerError> {
        let mut report = PetitionIntakeReport {
            agency: agency.to_string(),
            ..PetitionIntakeReport::default()
        };
        let listing = self
            .portal_listing(agency, "petitions", async |unit| {
                let list = service::PETITIONS_FROM_PORTAL;
                unit.client.share(&unit.unit, list, &NoParams {}).await
            })
            .await;
        let Ok((unit, records)) = listing.map_err(|e| report.portal_unavailable = Some(e)) else {
            return Ok(report);
        };
        for (i, record) in records.into_iter().enumerate() {
            let label = listed_label(&record, "MaPAKN", i);
            match self
                .take_in_petition(agency, &unit, record, now, &mut report)
                .await
            {
                Ok(Some(code)) => report.taken.push((label, code)),
                Ok(None) => report.already_taken += 1,
                Err(NotTaken::HandledThere) => report.handled_there += 1,
                Err(NotTaken::Rejected(reason)) => {
                    tracing::error!(%agency, petition = %label, %reason, "national portal: a petition sent there cannot be taken in");
                    report.rejected.push(Problem {
                        petition: label,
                        reason,
                    });
                }
                Err(NotTaken::Deferred(reason)) => {
                    tracing::warn!(%agency, petition = %label, %reason, "national portal: a petition sent there is left for the next run");
                    report.deferred.push(Problem {
                        petition: label,
                        reason,
                    });
                }
            }
        }
        if !report.taken.is_empty() || !report.rejected.is_empty() || !report.deferred.is_empty() {
            tracing::info!(
                %agency,
                taken = report.taken.len(),
                rejected = report.rejected.len(),
                deferred = report.deferred.len(),
                "national portal: petitions taken in"
            );
        }
        Ok(report)
    }

    /// `Ok(None)`: taken in before.
    async fn take_in_petition(
        &self,
        agency: &AgencyCode,
        unit: &Agency,
        record: Value,
        now: NaiveDateTime,
        report: &mut PetitionIntakeReport,
    ) -> Result<Option<String>, NotTaken> {
        let p: PhanAnh = serde_json::from_value(record).map_err(|e| {
            NotTaken::Rejected(format!(
                "unreadable as LayDanhSachPAKNGuiTuDVCQG's record: {e}"
            ))
        })?;
        if p.MaDonVi.trim() != unit.unit {
            return Err(NotTaken::Rejected(format!(
                "sent to the unit `{}`, not `{}`",
                p.MaDonVi, unit.unit
            )));
        }
        let national = NationalPetitionCode::parse(p.MaPAKN.trim())
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        if self.store().national_petition(&national).await?.is_some() {
            return Ok(None);
        }
        if matches!(
            p.TrangThai.trim(),
            trang_thai::ANSWERED | trang_thai::REFUSED
        ) {
            return Err(NotTaken::HandledThere);
        }
        let content = cap(p.NoiDung.trim(), MAX_PETITION_TEXT);
        if content.is_empty() {
            return Err(NotTaken::Rejected(
                "the petition has no text (NoiDung)".into(),
            ));
        }
        // Untitled there: its first sentence.
        let title = match p.TieuDe.trim() {
            "" => domain::title_from(&content),
            title => cap(title, MAX_PETITION_TITLE),
        };
        let contact = contact(&p).map_err(NotTaken::Rejected)?;
        let (files, left_out) = self.petition_files(unit, &national, &p, now).await?;
        for (name, reason) in &left_out {
            report.files_left_out.push(Problem {
                petition: national.to_string(),
                reason: format!("`{name}`: {reason}"),
            });
        }

        // Received when the citizen sent it there, never later than now.
        let at = p.NgayGui.0.min(now);
        let calendar = self
            .calendar_of(agency)
            .await
            .map_err(|e| NotTaken::Deferred(e.to_string()))?;
        let progress = PetitionProgress::open(at, false);
        let deadlines = progress
            .deadlines(&calendar, now)
            .map_err(|e| NotTaken::Rejected(e.to_string()))?;
        let mut opening = progress.events()[0].clone();
        opening.note = (!left_out.is_empty()).then(|| {
            let names: Vec<&str> = left_out.iter().map(|(n, _)| n.as_str()).collect();
            format!(
                "Nhận từ Cổng Dịch vụ công quốc gia; không nhận được tệp: {}.",
                names.join(", ")
            )
        });
        let new = NewPetition {
            agency: agency.clone(),
            kind: PetitionKind::Feedback,
            about: PetitionTopic::Agency,
            procedure_name: None,
            title,
            content,
            contact,
            owner: None,
            files,
            // Published there, if at all: the portal asked its own consent.
            publish_consent: false,
            // The sender follows it on the national portal; nobody is given this.
            tracking_secret: hex::encode(rand::random::<[u8; 18]>()),
            opening,
            answer_by: deadlines.answer_by,
            national: Some(NationalPetition {
                code: national,
                field: Some(p.MaLinhVuc.trim().to_owned()).filter(|f| !f.is_empty()),
            }),
        };
        let sent = self.store().submit_petition(new, None).await?;
        Ok((!sent.replayed).then(|| sent.record.code.to_string()))
    }

    /// The petition's attachments, fetched with `LayTaiLieuPAKN` and kept
    /// under the upload rules, and those left out with the reason. Paths
    /// not on the portal's own host are not asked for.
    async fn petition_files(
        &self,
        unit: &Agency,
        national: &NationalPetitionCode,
        p: &PhanAnh,
        now: NaiveDateTime,
    ) -> Result<(Vec<StoredFile>, Vec<(String, String)>), NotTaken> {
        let mut left_out = Vec::new();
        let mut asked = Vec::new();
        for path in p
            .TepTinPhanAnh
            .iter()
            .map(|p| p.trim())
            .filter(|p| !p.is_empty())
        {
            if unit.client.is_portal_path(path) {
                asked.push(path.to_owned());
            } else {
                left_out.push((
                    file_name(path),
                    "not on the national portal's host".to_owned(),
                ));
            }
        }
        if asked.is_empty() {
            return Ok((Vec::new(), left_out));
        }
        let served: Vec<TepTin> = unit
            .client
            .share(
                &unit.unit,
                service::PETITION_FILES,
                &TaiLieuPAKN {
                    TepTinPhanAnh: asked.clone(),
                },
            )
            .await
            .map_err(|e| match e {
                SendError::Refused { .. } => NotTaken::Rejected(format!("its files: {e}")),
                other => NotTaken::Deferred(format!("its files: {other}")),
            })?;
        let limits = &self.store().settings().limits;
        let mut files = Vec::new();
        let mut total = 0u64;
        for path in &asked {
            let Some(file) = served.iter().find(|f| &f.DuongDan == path) else {
                left_out.push((file_name(path), "the portal did not serve it".into()));
                continue;
            };
            let name = Some(file.TenTep.trim())
                .filter(|n| !n.is_empty())
                .map_or_else(|| file_name(path), |n| cap(n, caps::NAME));
            let bytes = match STANDARD.decode(file.NoiDung.trim()) {
                Ok(bytes) => bytes,
                Err(e) => {
                    left_out.push((name, format!("not base64: {e}")));
                    continue;
                }
            };
            if total + bytes.len() as u64 > limits.max_dossier_bytes {
                let most = limits.max_dossier_bytes;
                left_out.push((
                    name,
                    format!("the petition's files would pass {most} bytes"),
                ));
                continue;
            }
            match self
                .store()
                .keep_file(national.as_str(), &name, &bytes)
                .await
            {
                Ok(kept) => {
                    total += kept.size;
                    files.push(StoredFile::new(kept, 0, 0, now));
                }
                Err(store::AttachmentError::Store(e)) => return Err(e.into()),
                Err(e) => left_out.push((name, e.to_string())),
            }
        }
        Ok((files, left_out))
    }

    /// Sends the PAKN packets that are due (part of every outbox run): each
    /// petition's at most once a run, built from it as it is now.
    pub(crate) async fn send_petitions(
        &self,
        now: NaiveDateTime,
        more_time: &(dyn Fn() -> bool + Sync),
    ) -> Result<RunReport, WorkerError> {
        let limit = u16::try_from(self.settings().batch).unwrap_or(u16::MAX);
        let pending = self.store().pending_petition_sync(limit).await?;
        self.send_case_packets(
            "petition",
            pending,
            now,
            more_time,
            |code, entries| async move { self.deliver_petition(&code, &entries).await },
        )
        .await
    }

    /// Sends what `entries` ask for of petition `code`; counts what it sent.
    async fn deliver_petition(
        &self,
        code: &domain::PetitionCode,
        entries: &[PetitionSyncEntry],
    ) -> Result<RunReport, Failure> {
        let (record, steps) = match self.store().load_petition(code).await {
            Ok(found) => found,
            // Nothing to send for a petition that is not there.
            Err(StoreError::NotFound) => return Ok(RunReport::default()),
            Err(e) => return Err(e.into()),
        };
        let agency = self.agency(&record.agency).await?;
        let wants_result = entries.iter().any(|e| e.packet == PetitionPacket::Result);
        let mut sent = RunReport::default();
        // The portal holds a local petition before its result: its state goes first.
        if record.national.is_none() {
            let field = match &record.about {
                PetitionTopic::Procedure { code } => self
                    .procedure(code)
                    .await?
                    .and_then(|p| p.fields.iter().find_map(|f| f.code.clone())),
                _ => None,
            };
            let packet = petition_packet(&record, &agency.unit, &agency.context.agency_name, field);
            send_petition(&agency, &packet).await?;
            sent.petitions_sent += 1;
        }
        if wants_result {
            let title = match result_step(&record, &steps).and_then(|s| s.official.as_deref()) {
                Some(subject) => self.official_title(subject).await?,
                None => String::new(),
            };
            if let Some(packet) = result_packet(
                &record,
                &steps,
                &agency.unit,
                &agency.context.agency_name,
                &title,
            ) {
                agency
                    .client
                    .send(
                        &agency.unit,
                        service::SYNC_PETITION_RESULT,
                        None,
                        std::slice::from_ref(&packet),
                    )
                    .await?;
                sent.petition_results_sent += 1;
            }
        }
        Ok(sent)
    }

    /// What an official does, as the portal's `ChucVuNguoiXuLy` reads: the
    /// role they answer petitions in.
    async fn official_title(&self, subject: &str) -> Result<String, Failure> {
        let official = self.store().get_official(subject).await?;
        Ok(official
            .and_then(|o| {
                [Role::AgencyLeader, Role::Desk]
                    .into_iter()
                    .find(|r| o.has(*r))
            })
            .map(|r| r.label_vi().to_owned())
            .unwrap_or_default())
    }
}

/// `DongBoPAKN`, inserted; "đã tồn tại" means the portal has it: updated.
async fn send_petition(agency: &Agency, packet: &PhanAnh) -> Result<(), Failure> {
    let data = std::slice::from_ref(packet);
    match agency
        .client
        .send(&agency.unit, service::SYNC_PETITION, Some(false), data)
        .await
    {
        Ok(_) => Ok(()),
        Err(SendError::AlreadyExists) => {
            agency
                .client
                .send(&agency.unit, service::SYNC_PETITION, Some(true), data)
                .await?;
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}

/// `TrangThai` of a petition in `stage`.
fn state(stage: PetitionStage) -> &'static str {
    match stage {
        PetitionStage::Received => trang_thai::RECEIVED,
        PetitionStage::InfoRequested => trang_thai::WAITING,
        PetitionStage::Answered => trang_thai::ANSWERED,
        PetitionStage::Refused => trang_thai::REFUSED,
    }
}

/// `DongBoPAKN` for a petition received here, as it stands.
pub fn petition_packet(
    record: &PetitionRecord,
    unit: &str,
    agency_name: &str,
    field: Option<String>,
) -> PhanAnh {
    let c = &record.contact;
    PhanAnh {
        MaPAKN: record.code.to_string(),
        TieuDe: record.title.clone(),
        NoiDung: record.content.clone(),
        HoTen: c.name.clone(),
        DiaChi: c.address.clone().unwrap_or_default(),
        SoDienThoai: c.phone.to_string(),
        Email: c.email.as_ref().map(|e| e.to_string()).unwrap_or_default(),
        MaDonVi: unit.to_owned(),
        TenDonVi: agency_name.to_owned(),
        MaLinhVuc: field.unwrap_or_default(),
        NgayGui: WireTime(record.received_at),
        TrangThai: state(record.stage).to_owned(),
        // Our files are in a private bucket the portal cannot read.
        TepTinPhanAnh: Vec::new(),
    }
}

/// The step whose result stands: the answer of an answered petition, the
/// refusal of a refused one; none while it is open again.
fn result_step<'a>(record: &PetitionRecord, steps: &'a [PetitionStep]) -> Option<&'a PetitionStep> {
    let action = match record.stage {
        PetitionStage::Answered => PetitionAction::Answer,
        PetitionStage::Refused => PetitionAction::Refuse,
        _ => return None,
    };
    steps.iter().rev().find(|s| s.event.action == Some(action))
}

/// `DongBoKetQuaPAKN` for the result that stands (under the portal's code
/// for a petition sent there); none while the petition is open again.
pub fn result_packet(
    record: &PetitionRecord,
    steps: &[PetitionStep],
    unit: &str,
    agency_name: &str,
    official_title: &str,
) -> Option<KetQuaPAKN> {
    let step = result_step(record, steps)?;
    let answered = record.stage == PetitionStage::Answered;
    Some(KetQuaPAKN {
        MaPAKN: match &record.national {
            Some(n) => n.code.to_string(),
            None => record.code.to_string(),
        },
        MaDonVi: unit.to_owned(),
        TenDonVi: agency_name.to_owned(),
        NguoiXuLy: step
            .official_name
            .clone()
            .or_else(|| step.official.clone())
            .unwrap_or_default(),
        ChucVuNguoiXuLy: official_title.to_owned(),
        NgayXuLy: WireTime(step.event.at),
        NoiDungTraLoi: step.event.note.clone().unwrap_or_default(),
        TrangThai: state(record.stage).to_owned(),
        CongKhai: WireBool(answered && record.publish_consent),
        SoVanBan: String::new(),
        NgayBanHanh: MaybeTime(None),
        CoQuanBanHanh: String::new(),
        TepTinKetQua: Vec::new(),
    })
}

/// The last part of a path, as a file name.
fn file_name(path: &str) -> String {
    cap(path.rsplit('/').next().unwrap_or(path), caps::NAME)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use domain::{PetitionCode, WorkingCalendar};

    fn at(d: u32, h: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(2026, 6, d)
            .unwrap()
            .and_hms_opt(h, 0, 0)
            .unwrap()
    }

    /// A petition received on the 1st, moved by `moves` on the days after.
    fn petition(
        national: Option<&str>,
        moves: &[PetitionAction],
    ) -> (PetitionRecord, Vec<PetitionStep>) {
        let calendar = WorkingCalendar::vietnam();
        let mut progress = PetitionProgress::open(at(1, 9), true);
        let mut record = PetitionRecord {
            code: PetitionCode::parse("PAKN-260601-7KMQ4X").unwrap(),
            agency: AgencyCode::parse("000.00.01.H29").unwrap(),
            kind: PetitionKind::Feedback,
            about: PetitionTopic::Agency,
            procedure_name: None,
            title: "Đèn đường hỏng".into(),
            content: "Đèn đường thôn Đông hỏng đã hai tuần.".into(),
            contact: PetitionContact {
                name: "Lê Thị Hoa".into(),
                phone: PhoneNumber::parse("0987654321").unwrap(),
                email: None,
                address: Some("Thôn Đông".into()),
            },
            owner: None,
            files: Vec::new(),
            publish_consent: true,
            tracking_secret_sha256: String::new(),
            received_at: at(1, 9),
            stage: PetitionStage::Received,
            answer_by: at(22, 17),
            publish_by: None,
            published: false,
            rounds: 1,
            on_time: None,
            category: None,
            answer: None,
            last_moved_at: at(1, 9),
            version: 1,
            national: national.map(|code| NationalPetition {
                code: NationalPetitionCode::parse(code).unwrap(),
                field: None,
            }),
        };
        let mut steps = vec![PetitionStep {
            event: progress.events()[0].clone(),
            official: None,
            official_name: None,
        }];
        for (i, &action) in moves.iter().enumerate() {
            let when = at(2 + i as u32, 9);
            let note = (action != PetitionAction::Publish).then(|| format!("Nội dung {i}"));
            let event = progress.act(&calendar, action, when, note).unwrap().clone();
            record.follow(&progress, &calendar, when).unwrap();
            steps.push(PetitionStep {
                event,
                official: Some("lanh-dao-1".into()),
                official_name: Some("Trần Thu".into()),
            });
        }
        (record, steps)
    }

    #[test]
    fn a_local_petition_goes_as_it_stands_with_its_contact() {
        let (record, _) = petition(None, &[PetitionAction::RequestInfo]);
        let packet = petition_packet(&record, "000.00.01.H29", "UBND xã Gia Viễn", None);
        let json = serde_json::to_value(&packet).unwrap();
        assert_eq!(json["MaPAKN"], "PAKN-260601-7KMQ4X");
        assert_eq!(json["TrangThai"], trang_thai::WAITING);
        assert_eq!(json["NgayGui"], "20260601090000");
        assert_eq!(json["SoDienThoai"], "0987654321");
        assert_eq!(json["Email"], "");
        assert_eq!(json["TepTinPhanAnh"], serde_json::json!([]));
        assert_eq!(json.as_object().unwrap().len(), 13);
    }

    #[test]
    fn the_result_that_stands_goes_under_the_portals_code() {
        let (open, steps) = petition(Some("PAKN-2026-000123"), &[]);
        assert_eq!(result_packet(&open, &steps, "U", "X", ""), None);
        let (answered, steps) = petition(
            Some("PAKN-2026-000123"),
            &[
                PetitionAction::Answer,
                PetitionAction::Reopen,
                PetitionAction::Answer,
            ],
        );
        let packet = result_packet(
            &answered,
            &steps,
            "000.00.01.H29",
            "UBND xã Gia Viễn",
            "Lãnh đạo đơn vị",
        )
        .unwrap();
        assert_eq!(packet.MaPAKN, "PAKN-2026-000123");
        assert_eq!(
            packet.NoiDungTraLoi, "Nội dung 2",
            "the second round's answer"
        );
        assert_eq!(packet.NgayXuLy.0, at(4, 9));
        assert_eq!(packet.TrangThai, trang_thai::ANSWERED);
        assert_eq!(packet.NguoiXuLy, "Trần Thu");
        assert!(packet.CongKhai.0);
        let (reopened, steps) = petition(None, &[PetitionAction::Answer, PetitionAction::Reopen]);
        assert_eq!(
            result_packet(&reopened, &steps, "U", "X", ""),
            None,
            "open again"
        );
        let (refused, steps) = petition(None, &[PetitionAction::Refuse]);
        let packet = result_packet(&refused, &steps, "U", "X", "").unwrap();
        assert_eq!(
            (packet.TrangThai.as_str(), packet.CongKhai.0),
            (trang_thai::REFUSED, false)
        );
        assert_eq!(packet.MaPAKN, "PAKN-260601-7KMQ4X");
    }

    #[test]
    fn a_file_is_named_by_the_end_of_its_path() {
        assert_eq!(file_name("/pakn/PAKN-1/den-duong.jpg"), "den-duong.jpg");
        assert_eq!(file_name("den-duong.jpg"), "den-duong.jpg");
    }
}
