//! How our dossier and its events become QCVN 120 packets: the whole dossier
//! (`DongBoHoSoMC`) and one progress step per event (`CapNhatTienDoHoSoMC`),
//! or, for a dossier submitted on the national portal, one status per event
//! (`DongBoTrangThaiHoSo`).
//! The one place where our model meets the national one.

use std::collections::HashMap;

use domain::{
    Action, Channel, Event, FeeKind, Fees, NationalStatus, OwnerType, Procedure, ResultDelivery,
    Role, Stage,
};
use store::{AgencySetup, DossierRecord, NationalOrigin, StoredFile};

use crate::packets::{
    DinhDanh, GiayToKetQua, HoSo, HoSoBoSung, LePhi, TaiLieu, TepDinhKemKhac, TienDo, TrangThaiHoSo,
};
use crate::wire::{MaybeTime, WireBool, WireCode, WireNumber, WireStatus, WireTime, cap, caps};

/// What the packets name that the dossier does not carry: the agency, its
/// desk, its officials' and departments' names, where files are fetched.
#[derive(Debug, Clone, Default)]
pub struct Context {
    pub agency_name: String,
    pub desk_name: String,
    pub officials: HashMap<String, String>,
    pub departments: HashMap<String, String>,
    /// The portal's address; file links point at its access-checked download route.
    pub public_url: String,
}

impl Context {
    pub fn from_setup(setup: &AgencySetup, public_url: &str) -> Self {
        Context {
            agency_name: setup.agency.name.clone(),
            desk_name: setup.agency.desk_name.clone(),
            officials: setup
                .officials
                .iter()
                .map(|o| (o.subject.clone(), o.name.clone()))
                .collect(),
            departments: setup
                .departments
                .iter()
                .map(|d| (d.id.to_string(), d.name.clone()))
                .collect(),
            public_url: public_url.trim_end_matches('/').to_owned(),
        }
    }

    fn person(&self, record: &DossierRecord, event: &Event) -> String {
        let name = match event.actor.role {
            Role::Citizen => record.applicant.full_name.clone(),
            Role::System => "Hệ thống".to_owned(),
            _ => self
                .officials
                .get(&event.actor.id)
                .cloned()
                .unwrap_or_else(|| event.actor.id.clone()),
        };
        cap(&name, caps::NAME)
    }

    fn department(&self, id: &str) -> String {
        cap(
            self.departments.get(id).map_or(id, String::as_str),
            caps::NAME,
        )
    }

    /// The step as a sentence: the action, to whom, the new date, the note.
    fn what_was_done(&self, event: &Event) -> String {
        let mut what = event.action.label_vi().to_owned();
        if let Some(to) = &event.handed_to {
            let whom = match event.action {
                Action::AssignDepartment => self.department(to),
                _ => self
                    .officials
                    .get(to)
                    .cloned()
                    .unwrap_or_else(|| to.clone()),
            };
            what = format!("{what}: {whom}");
        }
        if let Action::Extend { new_due } = event.action {
            what = format!("{what}: {}", new_due.format("%d/%m/%Y %H:%M"));
        }
        if let Some(note) = &event.note {
            what = format!("{what}. {note}");
        }
        what
    }

    fn file_link(&self, record: &DossierRecord, file: &StoredFile) -> String {
        format!(
            "{}/api/dossiers/{}/files/{}",
            self.public_url, record.code, file.id
        )
    }
}

fn owner_code(owner: OwnerType) -> u8 {
    match owner {
        OwnerType::Citizen => 1,
        OwnerType::Business => 2,
    }
}

fn first(events: &[Event], wanted: impl Fn(&Event) -> bool) -> Option<&Event> {
    events.iter().find(|e| wanted(e))
}

fn component_code(procedure: Option<&Procedure>, index: usize) -> String {
    procedure
        .and_then(|p| p.components.get(index))
        .and_then(|c| c.code.clone())
        .unwrap_or_else(|| (index + 1).to_string())
}

fn component_name(procedure: Option<&Procedure>, index: usize) -> String {
    procedure.and_then(|p| p.components.get(index)).map_or_else(
        || format!("Thành phần {}", index + 1),
        |c| cap(&c.name, caps::NAME),
    )
}

fn documents(
    ctx: &Context,
    record: &DossierRecord,
    procedure: Option<&Procedure>,
    files: impl Iterator<Item = impl std::ops::Deref<Target = StoredFile>>,
) -> Vec<TaiLieu> {
    files
        .map(|f| TaiLieu {
            TepDinhKemId: f.id.clone(),
            TenTepDinhKem: cap(&f.file_name, caps::NAME),
            IsDeleted: WireBool(false),
            MaThanhPhanHoSo: component_code(procedure, f.component),
            DuongDanTaiTepTin: ctx.file_link(record, &f),
            DuocSoHoa: None,
            DuocTaiSuDung: None,
            DuocLayTuKhoDMQG: None,
            MaKetQuaThayThe: None,
        })
        .collect()
}

/// The fees of the procedure for the dossier's channel. Kinds are coded
/// 1 lệ phí, 2 phí, 3 other — this project's reading; the regulation's
/// code list was not available.
fn fees(procedure: Option<&Procedure>, channel: Channel) -> (Vec<LePhi>, bool) {
    let Some(Fees::Charged(list)) = procedure.and_then(|p| p.channel(channel)).map(|c| &c.fees)
    else {
        return (Vec::new(), false);
    };
    let lines = list
        .iter()
        .filter_map(|f| {
            let amount = f.amount?;
            Some(LePhi {
                TenPhiLePhi: cap(
                    f.description.as_deref().unwrap_or(f.kind.label_vi()),
                    caps::NAME,
                ),
                MaPhiLePhi: String::new(),
                HinhThucThu: String::new(),
                Gia: WireNumber(amount.amount),
                LoaiPhiLePhi: match f.kind {
                    FeeKind::ServiceFee => "1",
                    FeeKind::Fee => "2",
                    _ => "3",
                }
                .to_owned(),
            })
        })
        .collect::<Vec<_>>();
    let payable = lines.iter().any(|l| l.Gia.0 > 0);
    (lines, payable)
}

fn papers(record: &DossierRecord, procedure: Option<&Procedure>) -> Vec<TepDinhKemKhac> {
    let mut lines = Vec::new();
    for paper in &record.papers {
        let name = component_name(procedure, paper.component);
        for (count, kind) in [(paper.originals, 1), (paper.copies, 2)] {
            if count > 0 {
                lines.push(TepDinhKemKhac {
                    TenGiayTo: name.clone(),
                    SoLuong: WireNumber(u64::from(count)),
                    LoaiGiayTo: WireCode(kind),
                });
            }
        }
    }
    lines
}

/// Each supplement request and, if it came, the supplement that answered it.
fn supplement_rounds(
    ctx: &Context,
    record: &DossierRecord,
    procedure: Option<&Procedure>,
    events: &[Event],
) -> Vec<HoSoBoSung> {
    let mut rounds = Vec::new();
    let mut number = 0u32;
    for (i, asked) in events.iter().enumerate() {
        if asked.action != Action::RequestSupplement {
            continue;
        }
        number += 1;
        let answer = events[i + 1..]
            .iter()
            .take_while(|e| e.action != Action::RequestSupplement)
            .find(|e| e.action == Action::ProvideSupplement);
        let files = record.files.iter().filter(|f| f.revision == number);
        rounds.push(HoSoBoSung {
            HoSoBoSungId: format!("{}-BS{number}", record.code),
            NguoiYeuCauBoSung: ctx.person(record, asked),
            NoiDungBoSung: cap(asked.note.as_deref().unwrap_or_default(), caps::STEP_TEXT),
            NgayBoSung: WireTime(asked.at),
            NguoiTiepNhanBoSung: answer.map(|e| ctx.person(record, e)).unwrap_or_default(),
            ThongTinTiepNhan: cap(
                answer.and_then(|e| e.note.as_deref()).unwrap_or_default(),
                caps::STEP_TEXT,
            ),
            NgayTiepNhanBoSung: MaybeTime(answer.map(|e| e.at)),
            TrangThaiBoSung: WireCode(u8::from(answer.is_some())),
            DanhSachGiayToBoSung: documents(ctx, record, procedure, files),
            DanhSachLePhiBoSung: Vec::new(),
            NgayHenTraTruoc: MaybeTime(None),
            NgayHenTraMoi: MaybeTime(None),
        });
    }
    rounds
}

/// `DongBoHoSoMC`: the dossier as it is now.
pub fn dossier_packet(
    record: &DossierRecord,
    events: &[Event],
    procedure: Option<&Procedure>,
    ctx: &Context,
) -> HoSo {
    let opening = events.first();
    let submitted_at = opening.map_or(record.received_at, |e| e.at);
    let (fee_lines, payable) = fees(procedure, record.channel);
    let field = procedure.and_then(|p| p.fields.first());
    let returned = events
        .iter()
        .rev()
        .find(|e| e.action == Action::ReturnResult);
    let results = record
        .result
        .iter()
        .flat_map(|result| result.files.iter().map(move |f| (result, f)));
    HoSo {
        MaHoSo: record.code.to_string(),
        MaTTHC: record.procedure_code.to_string(),
        TenTTHC: cap(&record.procedure_name, caps::NAME),
        MaLinhVuc: field.and_then(|f| f.code.clone()).unwrap_or_default(),
        TenLinhVuc: field.map(|f| cap(&f.name, caps::NAME)).unwrap_or_default(),
        ChuHoSo: cap(&record.applicant.full_name, caps::NAME),
        LoaiDoiTuong: WireCode(owner_code(record.applicant.owner_type)),
        MaDoiTuong: match record.channel {
            Channel::Online => record.owner.clone().unwrap_or_default(),
            _ => String::new(),
        },
        ThongTinKhac: cap(&record.applicant.address, caps::NAME),
        Email: record
            .applicant
            .email
            .as_ref()
            .map(|e| e.as_str().to_owned())
            .unwrap_or_default(),
        Fax: String::new(),
        SoDienThoai: record.applicant.phone.as_str().to_owned(),
        TrichYeuHoSo: cap(&record.summary, caps::SUMMARY),
        NgayTiepNhan: WireTime(domain::reception(events).map_or(submitted_at, |e| e.at)),
        NgayHenTra: MaybeTime(record.due_at),
        TrangThaiHoSo: WireStatus(record.status),
        NgayTra: MaybeTime(record.milestones.returned_at),
        ThongTinTra: cap(
            returned.and_then(|e| e.note.as_deref()).unwrap_or_default(),
            caps::NOTE,
        ),
        HinhThuc: WireCode(u8::from(matches!(
            record.result_delivery,
            ResultDelivery::Post { .. }
        ))),
        NgayKetThucXuLy: MaybeTime(record.finished.map(|f| f.at)),
        DonViXuLy: cap(&ctx.agency_name, caps::NAME),
        GhiChu: cap(
            events
                .last()
                .and_then(|e| e.note.as_deref())
                .unwrap_or_default(),
            caps::NOTE,
        ),
        TaiLieuNop: documents(
            ctx,
            record,
            procedure,
            record.files.iter().filter(|f| f.revision == 0),
        ),
        DanhSachLePhi: fee_lines,
        DanhSachTepDinhKemKhac: papers(record, procedure),
        DanhSachHoSoBoSung: supplement_rounds(ctx, record, procedure, events),
        DanhSachGiayToKetQua: results
            .map(|(result, f)| GiayToKetQua {
                TenGiayTo: cap(&format!("{} – {}", result.number, f.file_name), caps::NAME),
                MaThanhPhanHoSo: String::new(),
                GiayToId: f.id.clone(),
                DuongDanTepTinKetQua: ctx.file_link(record, f),
                MaGiayToKetQua: result.number.clone(),
            })
            .collect(),
        SoBienNhan: record.code.to_string(),
        KenhThucHien: WireCode(record.channel.code()),
        SoGiayToChuHoSo: record.applicant.identity_number.as_str().to_owned(),
        NgayNopHoSo: WireTime(submitted_at),
        NgayTuChoi: MaybeTime(first(events, |e| e.to == Stage::Refused).map(|e| e.at)),
        DuocThanhToanTrucTuyen: WireCode(if payable { 3 } else { 0 }),
        DinhDanhCHS: vec![DinhDanh {
            LoaiDinhDanh: WireCode(owner_code(record.applicant.owner_type)),
            SoDinhDanh: record.applicant.identity_number.as_str().to_owned(),
        }],
    }
}

/// `CapNhatTienDoHoSoMC` for event `seq`; `None` for the online submission
/// itself, which the dossier packet carries (status 1 has no processing step).
pub fn progress_packet(
    record: &DossierRecord,
    events: &[Event],
    seq: u32,
    ctx: &Context,
) -> Option<TienDo> {
    let at = events.iter().position(|e| e.seq == seq)?;
    let event = &events[at];
    if event.action == Action::SubmitOnline {
        return None;
    }
    // The department that held the dossier when the step was taken.
    let department = events[..=at]
        .iter()
        .rev()
        .find(|e| e.action == Action::AssignDepartment)
        .and_then(|e| e.handed_to.as_deref());
    let unit = match (event.actor.role, department) {
        (Role::Specialist | Role::DepartmentHead, Some(d)) => ctx.department(d),
        (Role::Citizen, _) => "Công dân, tổ chức".to_owned(),
        _ => cap(&ctx.desk_name, caps::NAME),
    };
    let what = ctx.what_was_done(event);
    Some(TienDo {
        MaHoSo: record.code.to_string(),
        NguoiXuLy: ctx.person(record, event),
        ChucDanh: event.actor.role.label_vi().to_owned(),
        ThoiDiemXuLy: WireTime(event.at),
        PhongBanXuLy: unit,
        NoiDungXuLy: cap(&what, caps::STEP_TEXT),
        TrangThai: WireStatus(event.to.national()),
        NgayBatDau: WireTime(at.checked_sub(1).map_or(event.at, |i| events[i].at)),
        NgayKetThucTheoQuyDinh: MaybeTime(record.due_at),
    })
}

/// `DongBoTrangThaiHoSo` for event `seq` of a dossier submitted on the
/// national portal (`origin`). Every event goes back, the submission too:
/// its status 1 with our code tells the portal the unit has the dossier.
/// The result's files go with the status that completes it (9 or 10).
pub fn status_packet(
    record: &DossierRecord,
    origin: &NationalOrigin,
    events: &[Event],
    seq: u32,
    ctx: &Context,
) -> Option<TrangThaiHoSo> {
    let event = events.iter().find(|e| e.seq == seq)?;
    let status = event.to.national();
    let what = match event.action {
        Action::SubmitOnline => format!("Đơn vị đã nhận hồ sơ: {}", ctx.agency_name),
        _ => ctx.what_was_done(event),
    };
    let completes = matches!(status, NationalStatus::Processed | NationalStatus::Returned);
    let results = record
        .result
        .iter()
        .filter(|_| completes)
        .flat_map(|result| result.files.iter());
    Some(TrangThaiHoSo {
        MaHoSo: origin.code.to_string(),
        MaHoSoDonVi: record.code.to_string(),
        MaDoiTuong: cap(&origin.account, caps::NAME),
        NoiDung: cap(&what, caps::STEP_TEXT),
        NgayXuLy: WireTime(event.at),
        TrangThai: WireStatus(status),
        TaiLieuXuLy: documents(ctx, record, None, results),
    })
}

/// Every status of a dossier submitted on the national portal, in order.
pub fn status_packets(
    record: &DossierRecord,
    origin: &NationalOrigin,
    events: &[Event],
    ctx: &Context,
) -> Vec<TrangThaiHoSo> {
    events
        .iter()
        .filter_map(|e| status_packet(record, origin, events, e.seq, ctx))
        .collect()
}

/// Every progress step of the dossier, in order (for a first sync or a repair).
pub fn progress_packets(record: &DossierRecord, events: &[Event], ctx: &Context) -> Vec<TienDo> {
    events
        .iter()
        .filter_map(|e| progress_packet(record, events, e.seq, ctx))
        .collect()
}

#[cfg(test)]
mod tests;
