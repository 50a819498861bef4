//! A conformance peer: an HTTP server that plays the national portal as
//! QCVN 120 describes it, strictly. It refuses what a strict peer refuses (a
//! number where a string belongs, a wrong date format, an unknown field, a
//! progress step before its dossier, an insert of a dossier it holds, an
//! unknown session, an answer to a question it did not ask — see
//! `questions` —, a result of a petition it does not hold — see
//! `petitions`), stores what it accepts, and on demand misbehaves:
//! timeouts, 5xx, an error after storing, "đã tồn tại" for a new dossier,
//! expired sessions, slow answers. What it received can be exported as JSON
//! lines, one request body per line.
//!
//! Routes: `POST /auth`, `POST /integration`, `POST /share`, `GET
//! /files/{name}` (the portal's), `POST /_faults`, `POST /_forget`, `GET
//! /_state`, `GET /_export`, `POST /_catalogue`, `POST /_share_faults`,
//! `POST /_submit`, `PUT /_files/{name}` (the test's). The share endpoint
//! answers from a [`Catalogue`] the caller loads (`share`). `/_submit`
//! plays a citizen submitting a dossier on the portal to a unit: the unit
//! takes it with `LayDanhSachHoSoGuiTuDVCQG` and fetches its files from
//! `/files/{name}`, and its status comes back as `DongBoTrangThaiHoSo`.

mod catalogue;
mod petitions;
mod questions;
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
use dvcqg::share::{DongBoHoiDap, KetQuaHoiDap, NoParams, ShareCall, pakn};
pub use questions::ANSWERED;
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
    /// Dossiers citizens submitted here, by code: the unit they went to.
    submitted: BTreeMap<String, String>,
    /// Per dossier submitted here, the statuses its unit sent back, keyed
    /// like steps (repeats and misordered ones are counted with them).
    statuses: BTreeMap<String, BTreeMap<StepKey, TrangThaiHoSo>>,
    /// Files of dossiers submitted here, by name.
    files: BTreeMap<String, Vec<u8>>,
    other: Vec<Value>,
    /// Answers to the questions asked here, by `HOIDAPID` (`questions`).
    answers: BTreeMap<String, KetQuaHoiDap>,
    /// The units' own published questions, by `HOIDAPID`.
    published_questions: BTreeMap<String, DongBoHoiDap>,
    /// Answers and questions sent again for an id already held.
    repeated_questions: u64,
    /// Feedback and petitions (`petitions`).
    petitions: petitions::PetitionState,
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
    /// Per dossier submitted here, the statuses sent back, in time order.
    #[serde(default)]
    pub statuses: BTreeMap<String, Vec<TrangThaiHoSo>>,
    /// The other pushes it accepted (evaluations,
    /// statistics), each call's body as it arrived, in order.
    #[serde(default)]
    pub other: Vec<Value>,
    /// Answers to questions asked here, one per `HOIDAPID`, the latest kept.
    #[serde(default)]
    pub answers: BTreeMap<String, KetQuaHoiDap>,
    /// The units' own questions (`DongBoHoiDap`), one per `HOIDAPID`.
    #[serde(default)]
    pub published_questions: BTreeMap<String, DongBoHoiDap>,
    /// Answers and questions that arrived again for an id already held.
    #[serde(default)]
    pub repeated_questions: u64,
    /// The units' own petitions (`DongBoPAKN`), one per `MaPAKN`.
    #[serde(default)]
    pub petitions: BTreeMap<String, pakn::PhanAnh>,
    /// Results (`DongBoKetQuaPAKN`) per `MaPAKN`, one per time and text,
    /// in time order.
    #[serde(default)]
    pub petition_results: BTreeMap<String, Vec<pakn::KetQuaPAKN>>,
    /// Petitions and results that arrived again unchanged.
    #[serde(default)]
    pub repeated_petitions: u64,
}

type Shared = Arc<Mutex<Peer>>;

/// A step's or status's identity: (time, status, content) as sent.
type StepKey = (String, String, String);

/// Keeps `item` under `key`, counting a repeat, or a new item that arrived
/// after a later one (the sender broke the order).
fn keep<T>(
    held: &mut BTreeMap<StepKey, T>,
    key: StepKey,
    item: T,
    repeated: &mut u64,
    misordered: &mut u64,
) {
    let before_latest = held
        .last_key_value()
        .is_some_and(|(latest, _)| key.0 < latest.0);
    let known = held.contains_key(&key);
    held.insert(key, item);
    if known {
        *repeated += 1;
    } else if before_latest {
        *misordered += 1;
    }
}

fn wire<T: Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

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
        .route("/_submit", post(submit))
        .route("/_files/{name}", axum::routing::put(put_file))
        .route("/files/{name}", get(get_file))
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
            let peer = &mut *peer;
            for step in call.data {
                let key = (
                    wire(&step.ThoiDiemXuLy),
                    wire(&step.TrangThai),
                    step.NoiDungXuLy.clone(),
                );
                let steps = peer.progress.entry(step.MaHoSo.clone()).or_default();
                keep(
                    steps,
                    key,
                    step,
                    &mut peer.repeated_steps,
                    &mut peer.misordered_steps,
                );
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
        service::PORTAL_DOSSIERS => {
            let read = serde_json::from_str(body)
                .map_err(|e| e.to_string())
                .and_then(|v| ShareCall::<NoParams>::read(&v));
            let call = match read {
                Ok(c) => c,
                Err(e) => {
                    return refuse(Answer::error(
                        INVALID,
                        &format!("Dữ liệu không hợp lệ: {e}"),
                    ));
                }
            };
            let waiting = peer
                .submitted
                .iter()
                .filter(|(code, unit)| **unit == call.madonvi && !peer.statuses.contains_key(*code))
                .filter_map(|(code, _)| peer.dossiers.get(code).cloned())
                .collect();
            let mut found = Answer::ok();
            found.result = Some(waiting);
            Outcome::Answered(found)
        }
        service::STATUS_BACK_SYNC => {
            let call: Call<TrangThaiHoSo> = match strict(body) {
                Ok(c) => c,
                Err(a) => return refuse(a),
            };
            let status = call.data;
            if peer.submitted.get(&status.MaHoSo) != Some(&call.madonvi)
                || !peer.dossiers.contains_key(&status.MaHoSo)
            {
                return refuse(Answer::error(
                    NOT_SYNCED,
                    &format!(
                        "Hồ sơ {} không được nộp trên Cổng đến đơn vị {}",
                        status.MaHoSo, call.madonvi
                    ),
                ));
            }
            if status.MaHoSoDonVi.trim().is_empty() {
                return refuse(Answer::error(
                    INVALID,
                    "Thiếu mã hồ sơ của đơn vị (MaHoSoDonVi)",
                ));
            }
            let peer = &mut *peer;
            let code = status.MaHoSo.clone();
            let key = (
                wire(&status.NgayXuLy),
                wire(&status.TrangThai),
                status.NoiDung.clone(),
            );
            let held = peer.statuses.entry(code.clone()).or_default();
            keep(
                held,
                key,
                status,
                &mut peer.repeated_steps,
                &mut peer.misordered_steps,
            );
            // The dossier is as its latest status says.
            if let (Some(latest), Some(dossier)) =
                (held.values().next_back(), peer.dossiers.get_mut(&code))
            {
                dossier.TrangThaiHoSo = latest.TrangThai;
            }
            Outcome::Stored(Answer::ok())
        }
        service::EVALUATION => stored_other::<Call<Vec<DanhGia>>>(peer, body),
        service::STATISTICS => stored_other::<Call<Vec<ThongKeHoSo>>>(peer, body),
        service::SYNC_QUESTION => questions::sync_question(peer, body),
        service::SYNC_ANSWER => questions::sync_answer(peer, body),
        service::SYNC_PETITION => petitions::sync_petition(peer, body),
        service::SYNC_PETITION_RESULT => petitions::sync_result(peer, body),
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
        peer.statuses.remove(code);
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
        statuses: peer
            .statuses
            .iter()
            .map(|(code, held)| (code.clone(), held.values().cloned().collect()))
            .collect(),
        other: peer.other.clone(),
        answers: peer.answers.clone(),
        published_questions: peer.published_questions.clone(),
        repeated_questions: peer.repeated_questions,
        petitions: peer.petitions.petitions.clone(),
        petition_results: peer
            .petitions
            .results
            .iter()
            .map(|(code, held)| (code.clone(), held.values().cloned().collect()))
            .collect(),
        repeated_petitions: peer.petitions.repeated,
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

/// A citizen submits `dossier` here to the unit `madonvi`.
#[derive(Debug, Deserialize)]
struct Submission {
    madonvi: String,
    dossier: HoSo,
}

async fn submit(State(peer): State<Shared>, Json(submission): Json<Submission>) -> StatusCode {
    let mut peer = peer.lock().expect("peer poisoned");
    let code = submission.dossier.MaHoSo.clone();
    peer.submitted.insert(code.clone(), submission.madonvi);
    peer.dossiers.insert(code, submission.dossier);
    StatusCode::NO_CONTENT
}

async fn put_file(
    State(peer): State<Shared>,
    axum::extract::Path(name): axum::extract::Path<String>,
    body: axum::body::Bytes,
) -> StatusCode {
    let mut peer = peer.lock().expect("peer poisoned");
    peer.files.insert(name, body.to_vec());
    StatusCode::NO_CONTENT
}

async fn get_file(
    State(peer): State<Shared>,
    axum::extract::Path(name): axum::extract::Path<String>,
) -> Response {
    let peer = peer.lock().expect("peer poisoned");
    if peer.faults.down {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    match peer.files.get(&name) {
        Some(bytes) => bytes.clone().into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
