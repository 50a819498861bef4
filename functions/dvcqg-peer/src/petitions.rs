//! Feedback and petitions as the national portal keeps them (QCVN 120 §5,
//! as this project assumes the packets: `dvcqg::share::pakn`), strictly:
//!
//! - `DongBoPAKN`: a unit's own petition, one per `MaPAKN`, under a code
//!   that is not one of the portal's petitions, with its text and sender;
//!   an insert (`isUpdating` absent or false) of one it holds is refused
//!   with "đã tồn tại", an update of one it does not hold with "chưa được
//!   đồng bộ". An update that changes nothing is counted as a repeat.
//! - `DongBoKetQuaPAKN`: the result of a petition the unit may answer — one
//!   it pushed, or one sent here to it — with its handler and text, answered
//!   or refused. Results are held per petition, one per (time, text): the
//!   same result sent again is held once and counted.
//!
//! A petition sent here leaves the unit's list (`LayDanhSachPAKNGuiTuDVCQG`)
//! once it has a result.

use std::collections::BTreeMap;

use dvcqg::packets::{ALREADY_EXISTS, Answer, Call};
use dvcqg::share::pakn::{KetQuaPAKN, PhanAnh, trang_thai};

use crate::{INVALID, NOT_SYNCED, Outcome, Peer, strict, wire};

/// What the peer holds of petitions.
#[derive(Debug, Default)]
pub(crate) struct PetitionState {
    /// The units' own petitions, by `MaPAKN`.
    pub(crate) petitions: BTreeMap<String, PhanAnh>,
    /// Results by `MaPAKN`, each keyed by (time, text) as sent.
    pub(crate) results: BTreeMap<String, BTreeMap<(String, String), KetQuaPAKN>>,
    /// Petitions and results that arrived again unchanged.
    pub(crate) repeated: u64,
}

fn refuse(code: i64, message: &str) -> Outcome {
    Outcome::Answered(Answer::error(code, message))
}

/// Whether `code` is a petition citizens sent here to `unit`.
fn sent_here(peer: &Peer, code: &str, unit: &str) -> bool {
    peer.share
        .catalogue
        .petitions
        .iter()
        .any(|p| p.MaPAKN == code && p.MaDonVi == unit)
}

pub(crate) fn sync_petition(peer: &mut Peer, body: &str) -> Outcome {
    let call: Call<Vec<PhanAnh>> = match strict(body) {
        Ok(c) => c,
        Err(a) => return Outcome::Answered(a),
    };
    let updating = call.isUpdating.is_some_and(|u| u.0);
    for p in &call.data {
        if p.MaDonVi != call.madonvi {
            return refuse(
                INVALID,
                &format!("MaDonVi {} không phải đơn vị gửi", p.MaDonVi),
            );
        }
        if p.MaPAKN.trim().is_empty() || p.NoiDung.trim().is_empty() || p.HoTen.trim().is_empty() {
            return refuse(INVALID, "Thiếu MaPAKN, NoiDung hoặc HoTen");
        }
        if peer
            .share
            .catalogue
            .petitions
            .iter()
            .any(|s| s.MaPAKN == p.MaPAKN)
        {
            return refuse(
                INVALID,
                &format!(
                    "PAKN {} được gửi từ Cổng: gửi kết quả bằng DongBoKetQuaPAKN",
                    p.MaPAKN
                ),
            );
        }
        let held = peer.petitions.petitions.contains_key(&p.MaPAKN);
        if held && !updating {
            return refuse(ALREADY_EXISTS, &format!("PAKN {} đã tồn tại", p.MaPAKN));
        }
        if !held && updating {
            return refuse(NOT_SYNCED, &format!("PAKN {} chưa được đồng bộ", p.MaPAKN));
        }
    }
    let state = &mut peer.petitions;
    for p in call.data {
        if state.petitions.get(&p.MaPAKN) == Some(&p) {
            state.repeated += 1;
        }
        state.petitions.insert(p.MaPAKN.clone(), p);
    }
    Outcome::Stored(Answer::ok())
}

pub(crate) fn sync_result(peer: &mut Peer, body: &str) -> Outcome {
    let call: Call<Vec<KetQuaPAKN>> = match strict(body) {
        Ok(c) => c,
        Err(a) => return Outcome::Answered(a),
    };
    for r in &call.data {
        let own = peer
            .petitions
            .petitions
            .get(&r.MaPAKN)
            .is_some_and(|p| p.MaDonVi == call.madonvi);
        if r.MaDonVi != call.madonvi || !(own || sent_here(peer, &r.MaPAKN, &call.madonvi)) {
            return refuse(
                NOT_SYNCED,
                &format!(
                    "PAKN {} không phải của đơn vị {} hoặc chưa được đồng bộ",
                    r.MaPAKN, call.madonvi
                ),
            );
        }
        if r.NoiDungTraLoi.trim().is_empty() || r.NguoiXuLy.trim().is_empty() {
            return refuse(INVALID, "Thiếu nội dung trả lời hoặc người xử lý");
        }
        if ![trang_thai::ANSWERED, trang_thai::REFUSED].contains(&r.TrangThai.as_str()) {
            return refuse(
                INVALID,
                &format!("TrangThai {} không phải kết quả (3 hoặc 4)", r.TrangThai),
            );
        }
    }
    let state = &mut peer.petitions;
    for r in call.data {
        let key = (wire(&r.NgayXuLy), r.NoiDungTraLoi.clone());
        let held = state.results.entry(r.MaPAKN.clone()).or_default();
        if held.insert(key, r).is_some() {
            state.repeated += 1;
        }
    }
    Outcome::Stored(Answer::ok())
}

/// The petitions sent here to `unit` that have no result yet.
pub(crate) fn waiting_for(peer: &Peer, unit: &str) -> Vec<PhanAnh> {
    peer.share
        .catalogue
        .petitions
        .iter()
        .filter(|p| p.MaDonVi == unit && !peer.petitions.results.contains_key(&p.MaPAKN))
        .cloned()
        .collect()
}
