//! The peer's share endpoint (`POST /share`): the national procedure
//! database, its dictionaries, questions and petitions, answered from the
//! loaded [`Catalogue`] as `{"error_code": 0, "result": […]}`. As strict as
//! the integration endpoint: a session is required, an unknown service or a
//! body that is not exactly the service's (a missing or unknown parameter, a
//! number where a string belongs) is refused.
//!
//! Test routes: `POST /_catalogue` replaces the catalogue (refused with 422
//! if it holds what the national database would never send),
//! `POST /_share_faults` sets [`ShareFaults`]. The integration endpoint's
//! `down` and `expire_sessions` faults apply here too.

use std::time::Duration;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dvcqg::packets::{SESSION_EXPIRED, service};
use dvcqg::share::pakn::TaiLieuPAKN;
use dvcqg::share::{
    ByProcedure, ByQuestion, NoParams, ShareAnswer, ShareCall, ShareHead, ThuTucTomTat,
};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::catalogue::Catalogue;
use crate::{INVALID, Peer, Shared};

/// The error code for a record the share endpoint does not hold.
pub const NOT_FOUND: i64 = 2;

/// How the share endpoint misbehaves, for tests.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ShareFaults {
    /// After this many share requests answered from now on, hold every
    /// further answer `slow_ms` (beyond the client's timeout, it times out):
    /// a portal that stalls in the middle of an import.
    pub slow_after: Option<u32>,
    pub slow_ms: u64,
}

#[derive(Debug, Default)]
pub(crate) struct ShareState {
    pub(crate) catalogue: Catalogue,
    faults: ShareFaults,
    /// Share requests since the faults were set.
    seen: u32,
}

impl ShareState {
    pub(crate) fn new(catalogue: Catalogue) -> Self {
        ShareState {
            catalogue,
            ..ShareState::default()
        }
    }
}

fn json<T: Serialize>(answer: ShareAnswer<T>) -> Response {
    Json(answer).into_response()
}

fn refusal(code: i64, message: &str) -> Response {
    json(ShareAnswer::<Value>::error(code, message))
}

pub(crate) async fn share(State(shared): State<Shared>, body: String) -> Response {
    let delay = {
        let mut peer = shared.lock().expect("peer poisoned");
        peer.received.push(body.replace('\n', " "));
        if peer.faults.down {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        let share = &mut peer.share;
        share.seen += 1;
        share
            .faults
            .slow_after
            .filter(|&after| share.seen > after)
            .map(|_| share.faults.slow_ms)
    };
    if let Some(ms) = delay {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    let peer = shared.lock().expect("peer poisoned");
    answer(&peer, &body)
}

/// The call read strictly as `P`, or the refusal that says why not.
fn read<P: DeserializeOwned>(body: &Value) -> Result<P, ShareAnswer<Value>> {
    ShareCall::<P>::read(body)
        .map(|call| call.params)
        .map_err(|e| ShareAnswer::error(INVALID, &format!("Dữ liệu không hợp lệ: {e}")))
}

fn answer(peer: &Peer, body: &str) -> Response {
    let value: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(e) => return refusal(INVALID, &format!("Dữ liệu không hợp lệ: {e}")),
    };
    let head = match ShareHead::read(&value) {
        Ok(head) => head,
        Err(e) => return refusal(INVALID, &format!("Dữ liệu không hợp lệ: {e}")),
    };
    if !peer.sessions.contains(&head.session) {
        return refusal(
            SESSION_EXPIRED,
            "Phiên làm việc không tồn tại hoặc đã hết hạn (session expired)",
        );
    }
    let catalogue = &peer.share.catalogue;
    macro_rules! list {
        ($records:expr) => {
            match read::<NoParams>(&value) {
                Ok(NoParams {}) => json(ShareAnswer::ok($records)),
                Err(refused) => json(refused),
            }
        };
    }
    let unit = head.madonvi.as_str();
    match head.service.as_str() {
        service::PROCEDURE_LIST => list!(
            catalogue
                .procedures
                .iter()
                .map(|r| ThuTucTomTat {
                    MATTHC: text(r, "MATTHC"),
                    TENTTHC: text(r, "TENTTHC"),
                })
                .collect::<Vec<_>>()
        ),
        service::PROCEDURE => match read::<ByProcedure>(&value) {
            Ok(ByProcedure { maTTHC }) => match catalogue
                .procedures
                .iter()
                .find(|r| r.get("MATTHC").and_then(Value::as_str) == Some(&maTTHC))
            {
                Some(record) => json(ShareAnswer::ok(vec![record.clone()])),
                None => refusal(NOT_FOUND, &format!("Không tìm thấy thủ tục {maTTHC}")),
            },
            Err(refused) => json(refused),
        },
        service::PUBLIC_SERVICES => match read::<ByProcedure>(&value) {
            Ok(ByProcedure { maTTHC }) => json(ShareAnswer::ok(
                catalogue
                    .services
                    .iter()
                    .filter(|s| s.MATTHC == maTTHC)
                    .cloned()
                    .collect(),
            )),
            Err(refused) => json(refused),
        },
        service::AGENCIES => list!(catalogue.agencies.clone()),
        service::FIELDS => list!(catalogue.fields.clone()),
        service::PROVINCES => list!(catalogue.provinces.clone()),
        service::DISTRICTS => list!(catalogue.districts.clone()),
        service::COMMUNES => list!(catalogue.communes.clone()),
        // Until the unit answers them.
        service::QUESTIONS_FROM_PORTAL => list!(
            catalogue
                .questions_from_portal
                .iter()
                .filter(|q| q.MADONVI == unit && !peer.answers.contains_key(&q.HOIDAPID))
                .cloned()
                .collect::<Vec<_>>()
        ),
        service::QUESTIONS_OF_AGENCY => list!(
            catalogue
                .questions_of_agencies
                .iter()
                .filter(|q| q.MADONVI == unit)
                .cloned()
                .chain(crate::questions::published_by(peer, unit))
                .collect::<Vec<_>>()
        ),
        service::ANSWER_TO_QUESTION => match read::<ByQuestion>(&value) {
            Ok(ByQuestion { cauhoiid }) => match catalogue
                .questions_from_portal
                .iter()
                .chain(&catalogue.questions_of_agencies)
                .find(|q| q.HOIDAPID == cauhoiid)
            {
                Some(q) => json(ShareAnswer::ok(vec![crate::questions::with_answer(
                    peer, q,
                )])),
                None => refusal(NOT_FOUND, &format!("Không tìm thấy câu hỏi {cauhoiid}")),
            },
            Err(refused) => json(refused),
        },
        // Until the unit sends a result.
        service::PETITIONS_FROM_PORTAL => list!(crate::petitions::waiting_for(peer, unit)),
        service::PETITION_FILES => match read::<TaiLieuPAKN>(&value) {
            Ok(TaiLieuPAKN { TepTinPhanAnh }) => {
                let mut files = Vec::new();
                for path in &TepTinPhanAnh {
                    match catalogue
                        .petition_files
                        .iter()
                        .find(|f| &f.DuongDan == path)
                    {
                        Some(file) => files.push(file.clone()),
                        None => {
                            return refusal(NOT_FOUND, &format!("Không tìm thấy tệp {path}"));
                        }
                    }
                }
                json(ShareAnswer::ok(files))
            }
            Err(refused) => json(refused),
        },
        other => refusal(
            INVALID,
            &format!("Dịch vụ `{other}` không được hỗ trợ trên trục chia sẻ"),
        ),
    }
}

fn text(record: &Value, key: &str) -> String {
    record
        .get(key)
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

pub(crate) async fn set_catalogue(
    State(shared): State<Shared>,
    Json(catalogue): Json<Catalogue>,
) -> Response {
    if let Err(why) = catalogue.check() {
        return (StatusCode::UNPROCESSABLE_ENTITY, why).into_response();
    }
    shared.lock().expect("peer poisoned").share.catalogue = catalogue;
    StatusCode::NO_CONTENT.into_response()
}

pub(crate) async fn set_faults(
    State(shared): State<Shared>,
    Json(faults): Json<ShareFaults>,
) -> StatusCode {
    let mut peer = shared.lock().expect("peer poisoned");
    peer.share.faults = faults;
    peer.share.seen = 0;
    StatusCode::NO_CONTENT
}
