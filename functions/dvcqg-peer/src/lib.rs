//! A conformance peer: an HTTP server that plays the national portal as
//! QCVN 120 describes it, strictly. It refuses what a strict peer refuses (a
//! number where a string belongs, a wrong date format, an unknown field, a
//! progress step before its dossier, an insert of a dossier it holds, an
//! unknown session), stores what it accepts, and on demand misbehaves:
//! timeouts, 5xx, an error after storing, "đã tồn tại" for a new dossier,
//! expired sessions, slow answers. What it received can be exported as JSON
//! lines, one request body per line.
//!
//! Routes: `POST /auth`, `POST /integration`, `POST /share` (the portal's),
//! `POST /_faults`, `POST /_forget`, `GET /_state`, `GET /_export`,
//! `POST /_catalogue`, `POST /_share_faults` (the test's). The share
//! endpoint answers from a [`Catalogue`] the caller loads (`share`).

mod catalogue;
mod share;

pub use catalogue::{Catalogue, lay_thu_tuc};
pub use share::{NOT_FOUND, ShareFaults};

use std::collections::{BTreeMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use dvcqg::packets::{
    ALREADY_EXISTS, Answer, Call, DanhGia, HoSo, Login, SESSION_EXPIRED, ThongKeHoSo, TienDo,
    TraCuuHoSo, TrangThaiHoSo, service,
};
use dvcqg::share::{DongBoHoiDap, KetQuaHoiDap, pakn};
use rand::Rng;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Error codes this peer answers besides success, expiry and "exists".
pub const INVALID: i64 = 1;
pub const NOT_SYNCED: i64 = 4;

/// What to get wrong, and how often. Counts (`next_*`) apply to the next
/// requests to `/integration`; rates apply to each request at random.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Faults {
    /// Answer 503 without storing.
    pub next_unavailable: u32,
    /// Store, then answer 500 (the sender cannot know it was stored).
    pub next_lost_answer: u32,
    /// Hold the answer this long (beyond the client's timeout, it times out).
    pub next_slow_ms: Vec<u64>,
    /// Answer "đã tồn tại" without storing, for an insert.
    pub next_spurious_exists: u32,
    /// Forget every session now.
    pub expire_sessions: bool,
    /// Each request: probability of 503, of a lost answer, of a slow
    /// answer (`slow_ms`, 3 s if 0), of "đã tồn tại" for an insert, of all
    /// sessions expiring, of the request arriving twice (stored twice, the
    /// first answer returned).
    pub unavailable_rate: f64,
    pub lost_answer_rate: f64,
    pub slow_rate: f64,
    pub slow_ms: u64,
    pub spurious_exists_rate: f64,
    pub expire_rate: f64,
    pub duplicate_rate: f64,
    /// Refuse everything (the portal is down) until set back to false.
    pub down: bool,
}

#[derive(Debug, Default)]
struct Peer {
    username: String,
    password: String,
    sessions: HashSet<String>,
    dossiers: BTreeMap<String, HoSo>,
    /// Per dossier, its steps keyed by (time, status, content): a step sent
    /// twice is stored once and counted in `repeated_steps`.
    progress: BTreeMap<String, BTreeMap<(String, String, String), TienDo>>,
    repeated_steps: u64,
    /// New steps that arrived earlier in time than a step already held.
    misordered_steps: u64,
    other: Vec<Value>,
    received: Vec<String>,
    faults: Faults,
    share: share::ShareState,
}

/// What the peer holds, for tests and reconciliation checks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub dossiers: BTreeMap<String, HoSo>,
    /// Steps per dossier, in the order of their time.
    pub progress: BTreeMap<String, Vec<TienDo>>,
    pub repeated_steps: u64,
    /// Steps that arrived after a later step of their dossier (order broken).
    pub misordered_steps: u64,
    pub requests: usize,
    /// The other pushes it accepted (status back-syncs, evaluations,
    /// statistics, Q&A, PAKN), each call's body as it arrived, in order.
    #[serde(default)]
    pub other: Vec<Value>,
}

type Shared = Arc<Mutex<Peer>>;

/// The peer's router, accepting `username` / `password` at `/auth`.
pub fn router(username: &str, password: &str) -> Router {
    router_with_catalogue(username, password, Catalogue::default())
}

/// The peer's router, its share endpoint answering from `catalogue`.
pub fn router_with_catalogue(username: &str, password: &str, catalogue: Catalogue) -> Router {
    let peer: Shared = Arc::new(Mutex::new(Peer {
        username: username.to_owned(),
        password: password.to_owned(),
        share: share::ShareState::new(catalogue),
        ..Peer::default()
    }));
    Router::new()
        .route("/auth", post(auth))
        .route("/integration", post(integration))
        .route("/share", post(share::share))
        .route("/_catalogue", post(share::set_catalogue))
        .route("/_share_faults", post(share::set_faults))
        .route("/_faults", post(set_faults))
        .route("/_forget", post(forget))
        .route("/_state", get(state))
        .route("/_export", get(export))
        .with_state(peer)
}

/// Serves the peer on 127.0.0.1 (port 0: any free one); returns its base URL.
pub async fn spawn(username: &str, password: &str) -> std::io::Result<String> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await?;
    let base = format!("http://{}", listener.local_addr()?);
    let app = router(username, password);
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(base)
}

fn answer(a: Answer) -> Response {
    Json(a).into_response()
}

async fn auth(State(peer): State<Shared>, body: String) -> Response {
    let mut peer = peer.lock().expect("peer poisoned");
    peer.received.push(body.replace('\n', " "));
    if peer.faults.down {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    let Ok(login) = serde_json::from_str::<Login>(&body) else {
        return answer(Answer::error(INVALID, "Dữ liệu đăng nhập không hợp lệ"));
    };
    if login.username != peer.username || login.password != peer.password {
        return answer(Answer::error(INVALID, "Sai tên đăng nhập hoặc mật khẩu"));
    }
    let session = format!("s-{:016x}", rand::rng().random::<u64>());
    peer.sessions.insert(session.clone());
    let mut ok = Answer::ok();
    ok.session = Some(session);
    answer(ok)
}

/// A body read strictly as `T`, or the answer that says why not.
fn strict<T: DeserializeOwned>(body: &str) -> Result<T, Answer> {
    serde_json::from_str(body)
        .map_err(|e| Answer::error(INVALID, &format!("Dữ liệu không hợp lệ: {e}")))
}

enum Outcome {
    Stored(Answer),
    Answered(Answer),
}

async fn integration(State(shared): State<Shared>, body: String) -> Response {
    // Faults decided under the lock, waits taken outside it.
    let (delay, fault) = {
        let mut peer = shared.lock().expect("peer poisoned");
        peer.received.push(body.replace('\n', " "));
        if peer.faults.down {
            return StatusCode::SERVICE_UNAVAILABLE.into_response();
        }
        let mut rng = rand::rng();
        let faults = &mut peer.faults;
        let mut delay = if faults.next_slow_ms.is_empty() {
            None
        } else {
            Some(faults.next_slow_ms.remove(0))
        };
        if delay.is_none() && rng.random_bool(faults.slow_rate.clamp(0.0, 1.0)) {
            delay = Some(if faults.slow_ms == 0 {
                3_000
            } else {
                faults.slow_ms
            });
        }
        let fault = if faults.next_unavailable > 0 {
            faults.next_unavailable -= 1;
            Some(StatusCode::SERVICE_UNAVAILABLE)
        } else if rng.random_bool(faults.unavailable_rate.clamp(0.0, 1.0)) {
            Some(StatusCode::SERVICE_UNAVAILABLE)
        } else {
            None
        };
        if rng.random_bool(peer.faults.expire_rate.clamp(0.0, 1.0)) {
            peer.sessions.clear();
        }
        (delay, fault)
    };
    if let Some(ms) = delay {
        tokio::time::sleep(Duration::from_millis(ms)).await;
    }
    if let Some(status) = fault {
        return status.into_response();
    }
    let mut peer = shared.lock().expect("peer poisoned");
    let outcome = handle(&mut peer, &body);
    let rate = peer.faults.duplicate_rate.clamp(0.0, 1.0);
    if rand::rng().random_bool(rate) {
        peer.received.push(body.replace('\n', " "));
        handle(&mut peer, &body);
    }
    let lose_answer = matches!(outcome, Outcome::Stored(_))
        && (peer.faults.next_lost_answer > 0 || {
            let rate = peer.faults.lost_answer_rate.clamp(0.0, 1.0);
            rand::rng().random_bool(rate)
        });
    if lose_answer {
        peer.faults.next_lost_answer = peer.faults.next_lost_answer.saturating_sub(1);
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    match outcome {
        Outcome::Stored(a) | Outcome::Answered(a) => answer(a),
    }
}

fn handle(peer: &mut Peer, body: &str) -> Outcome {
    #[derive(Deserialize)]
    struct Head {
        session: String,
        service: String,
    }
    let head: Head = match strict::<Head>(body) {
        Ok(head) => head,
        Err(a) => return Outcome::Answered(a),
    };
    if !peer.sessions.contains(&head.session) {
        return Outcome::Answered(Answer::error(
            SESSION_EXPIRED,
            "Phiên làm việc không tồn tại hoặc đã hết hạn (session expired)",
        ));
    }
    let refuse = Outcome::Answered;
    match head.service.as_str() {
        service::SYNC_DOSSIER => {
            let call: Call<Vec<HoSo>> = match strict(body) {
                Ok(c) => c,
                Err(a) => return refuse(a),
            };
            let updating = call.isUpdating.is_some_and(|u| u.0);
            for dossier in &call.data {
                let exists = peer.dossiers.contains_key(&dossier.MaHoSo);
                if exists && !updating {
                    return refuse(Answer::error(
                        ALREADY_EXISTS,
                        &format!("Hồ sơ {} đã tồn tại", dossier.MaHoSo),
                    ));
                }
                if !exists && updating {
                    return refuse(Answer::error(
                        NOT_SYNCED,
                        &format!("Hồ sơ {} chưa được đồng bộ", dossier.MaHoSo),
                    ));
                }
            }
            if !updating && peer.faults.next_spurious_exists > 0 {
                peer.faults.next_spurious_exists -= 1;
                return refuse(Answer::error(ALREADY_EXISTS, "Hồ sơ đã tồn tại"));
            }
            let rate = peer.faults.spurious_exists_rate.clamp(0.0, 1.0);
            if !updating && rand::rng().random_bool(rate) {
                return refuse(Answer::error(ALREADY_EXISTS, "Hồ sơ đã tồn tại"));
            }
            for dossier in call.data {
                peer.dossiers.insert(dossier.MaHoSo.clone(), dossier);
            }
            Outcome::Stored(Answer::ok())
        }
        service::PROGRESS => {
            let call: Call<Vec<TienDo>> = match strict(body) {
                Ok(c) => c,
                Err(a) => return refuse(a),
            };
            if let Some(step) = call
                .data
                .iter()
                .find(|s| !peer.dossiers.contains_key(&s.MaHoSo))
            {
                return refuse(Answer::error(
                    NOT_SYNCED,
                    &format!("Hồ sơ {} chưa được đồng bộ", step.MaHoSo),
                ));
            }
            for step in call.data {
                let key = (
                    serde_json::to_string(&step.ThoiDiemXuLy).unwrap_or_default(),
                    serde_json::to_string(&step.TrangThai).unwrap_or_default(),
                    step.NoiDungXuLy.clone(),
                );
                let steps = peer.progress.entry(step.MaHoSo.clone()).or_default();
                let before_latest = steps
                    .last_key_value()
                    .is_some_and(|(latest, _)| key.0 < latest.0);
                let known = steps.contains_key(&key);
                steps.insert(key, step);
                if known {
                    peer.repeated_steps += 1;
                } else if before_latest {
                    peer.misordered_steps += 1;
                }
            }
            Outcome::Stored(Answer::ok())
        }
        service::LOOK_UP => {
            let call: TraCuuHoSo = match strict(body) {
                Ok(c) => c,
                Err(a) => return refuse(a),
            };
            let mut found = Answer::ok();
            found.result = Some(
                peer.dossiers
                    .get(&call.mahoso)
                    .cloned()
                    .into_iter()
                    .collect(),
            );
            Outcome::Answered(found)
        }
        service::STATUS_BACK_SYNC => stored_other::<Call<TrangThaiHoSo>>(peer, body),
        service::EVALUATION => stored_other::<Call<Vec<DanhGia>>>(peer, body),
        service::STATISTICS => stored_other::<Call<Vec<ThongKeHoSo>>>(peer, body),
        service::SYNC_QUESTION => stored_other::<Call<Vec<DongBoHoiDap>>>(peer, body),
        service::SYNC_ANSWER => stored_other::<Call<Vec<KetQuaHoiDap>>>(peer, body),
        service::SYNC_PETITION => stored_other::<Call<Vec<pakn::PhanAnh>>>(peer, body),
        service::SYNC_PETITION_RESULT => stored_other::<Call<Vec<pakn::KetQuaPAKN>>>(peer, body),
        other => refuse(Answer::error(
            INVALID,
            &format!("Dịch vụ `{other}` không được hỗ trợ"),
        )),
    }
}

fn stored_other<T: DeserializeOwned>(peer: &mut Peer, body: &str) -> Outcome {
    match strict::<T>(body) {
        Ok(_) => {
            peer.other
                .push(serde_json::from_str(body).unwrap_or(Value::Null));
            Outcome::Stored(Answer::ok())
        }
        Err(a) => Outcome::Answered(a),
    }
}

async fn set_faults(State(peer): State<Shared>, Json(faults): Json<Faults>) -> StatusCode {
    let mut peer = peer.lock().expect("peer poisoned");
    if faults.expire_sessions {
        peer.sessions.clear();
    }
    peer.faults = Faults {
        expire_sessions: false,
        ..faults
    };
    StatusCode::NO_CONTENT
}

/// The portal loses what it held of these dossiers (their steps too), as a
/// real one did after a restore: only reconciliation can find that.
async fn forget(State(peer): State<Shared>, Json(codes): Json<Vec<String>>) -> StatusCode {
    let mut peer = peer.lock().expect("peer poisoned");
    for code in &codes {
        peer.dossiers.remove(code);
        peer.progress.remove(code);
    }
    StatusCode::NO_CONTENT
}

async fn state(State(peer): State<Shared>) -> Json<Snapshot> {
    let peer = peer.lock().expect("peer poisoned");
    Json(Snapshot {
        dossiers: peer.dossiers.clone(),
        progress: peer
            .progress
            .iter()
            .map(|(code, steps)| (code.clone(), steps.values().cloned().collect()))
            .collect(),
        repeated_steps: peer.repeated_steps,
        misordered_steps: peer.misordered_steps,
        requests: peer.received.len(),
        other: peer.other.clone(),
    })
}

async fn export(State(peer): State<Shared>) -> Response {
    let peer = peer.lock().expect("peer poisoned");
    let mut lines = peer.received.join("\n");
    lines.push('\n');
    (
        [(axum::http::header::CONTENT_TYPE, "application/x-ndjson")],
        lines,
    )
        .into_response()
}
