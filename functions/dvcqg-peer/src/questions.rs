//! Questions and answers as the national portal keeps them (QCVN 120 §6),
//! strictly: an answer (`DongBoKetQuaHoiDapGuiTuDVCQG`) only to a question
//! asked here of the unit that sends it, with its answerer and text; a
//! unit's own question (`DongBoHoiDap`) only under an id that is not one of
//! the portal's questions, with its text. Each is held once per
//! `HOIDAPID`: a repeat replaces it and is counted (a correction is a
//! repeat with another text). An answered question leaves the unit's list
//! (`LayDanhSachHoiDapGuiTuDVCQG`) and `LayNoiDungTraLoiTheoCauHoi` gives
//! it with its answer; the unit's own questions join
//! `LayDanhSachHoiDapBoCoQuan`.

use dvcqg::packets::{Answer, Call};
use dvcqg::share::{DongBoHoiDap, HoiDap, KetQuaHoiDap};

use crate::{INVALID, NOT_SYNCED, Outcome, Peer, strict};

/// `TRANGTHAI` of a question answered here: this peer's reading (the
/// sources name the field, not its values).
pub const ANSWERED: &str = "2";

pub(crate) fn sync_answer(peer: &mut Peer, body: &str) -> Outcome {
    let call: Call<Vec<KetQuaHoiDap>> = match strict(body) {
        Ok(c) => c,
        Err(a) => return Outcome::Answered(a),
    };
    for answer in &call.data {
        let asked = peer
            .share
            .catalogue
            .questions_from_portal
            .iter()
            .any(|q| q.HOIDAPID == answer.HOIDAPID && q.MADONVI == call.madonvi);
        if answer.MADONVI != call.madonvi || !asked {
            return Outcome::Answered(Answer::error(
                NOT_SYNCED,
                &format!(
                    "Câu hỏi {} không được gửi từ Cổng đến đơn vị {}",
                    answer.HOIDAPID, call.madonvi
                ),
            ));
        }
        if answer.NOIDUNGTRALOI.trim().is_empty() || answer.NGUOITRALOI.trim().is_empty() {
            return Outcome::Answered(Answer::error(
                INVALID,
                "Thiếu nội dung trả lời hoặc người trả lời",
            ));
        }
    }
    for answer in call.data {
        if peer
            .answers
            .insert(answer.HOIDAPID.clone(), answer)
            .is_some()
        {
            peer.repeated_questions += 1;
        }
    }
    Outcome::Stored(Answer::ok())
}

pub(crate) fn sync_question(peer: &mut Peer, body: &str) -> Outcome {
    let call: Call<Vec<DongBoHoiDap>> = match strict(body) {
        Ok(c) => c,
        Err(a) => return Outcome::Answered(a),
    };
    for question in &call.data {
        if question.MADONVI != call.madonvi {
            return Outcome::Answered(Answer::error(
                INVALID,
                &format!("MADONVI {} không phải đơn vị gửi", question.MADONVI),
            ));
        }
        if question.HOIDAPID.trim().is_empty() || question.NOIDUNG.trim().is_empty() {
            return Outcome::Answered(Answer::error(INVALID, "Thiếu HOIDAPID hoặc NOIDUNG"));
        }
        let from_portal = peer
            .share
            .catalogue
            .questions_from_portal
            .iter()
            .any(|q| q.HOIDAPID == question.HOIDAPID);
        if from_portal {
            return Outcome::Answered(Answer::error(
                INVALID,
                &format!(
                    "Câu hỏi {} được gửi từ Cổng: trả lời bằng DongBoKetQuaHoiDapGuiTuDVCQG",
                    question.HOIDAPID
                ),
            ));
        }
    }
    for question in call.data {
        if peer
            .published_questions
            .insert(question.HOIDAPID.clone(), question)
            .is_some()
        {
            peer.repeated_questions += 1;
        }
    }
    Outcome::Stored(Answer::ok())
}

/// A question asked here, as `LayNoiDungTraLoiTheoCauHoi` gives it: with
/// its answer once the unit sent one.
pub(crate) fn with_answer(peer: &Peer, question: &HoiDap) -> HoiDap {
    let mut question = question.clone();
    if let Some(answer) = peer.answers.get(&question.HOIDAPID) {
        question.NOIDUNGTRALOI = answer.NOIDUNGTRALOI.clone();
        question.TRANGTHAI = ANSWERED.to_owned();
    }
    question
}

/// The unit's own published questions, as `LayDanhSachHoiDapBoCoQuan` lists them.
pub(crate) fn published_by(peer: &Peer, unit: &str) -> Vec<HoiDap> {
    peer.published_questions
        .values()
        .filter(|q| q.MADONVI == unit)
        .map(|q| HoiDap {
            HOIDAPID: q.HOIDAPID.clone(),
            MALINHVUC: q.MaLinhVuc.clone(),
            NOIDUNG: q.NOIDUNG.clone(),
            MADONVI: q.MADONVI.clone(),
            TENDONVI: q.TENDONVI.clone(),
            NOIDUNGTRALOI: String::new(),
            TRALOIID: String::new(),
            HOVATEN: String::new(),
            DIACHI: String::new(),
            THUDIENTU: String::new(),
            SODIENTHOAI: String::new(),
            MATTHCDP: String::new(),
            TRANGTHAI: ANSWERED.to_owned(),
        })
        .collect()
}
