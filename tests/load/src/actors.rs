//! The simulated people: citizens who submit "Xác nhận thông tin về cư trú"
//! with its two papers and then follow their dossiers, and officials who
//! work their queues (the desk accepts, routes and returns; the department
//! head assigns and approves; the specialist reviews and submits). Each
//! waits a little between steps, as people do, and retries a refused step
//! the way the site does: the same request, the same idempotency key.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rand::Rng;
use reqwest::{RequestBuilder, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::record::{Kind, Recorder};

pub const PROCEDURE: &str = "1.010041";
/// The one call that goes to S3 rather than to the portal.
pub const UPLOAD_TO_S3: &str = "upload to S3";
/// How often a refused step is tried again before the person gives up.
const ATTEMPTS: u32 = 12;

#[derive(Clone)]
pub struct Portal {
    pub base: String,
    pub http: reqwest::Client,
    pub recorder: Arc<Recorder>,
}

/// What a call came to, for the caller's next move.
pub enum Answer {
    Ok(Value),
    Conflict,
    Refused,
    Failed,
}

impl Portal {
    pub fn new(base: &str, recorder: Arc<Recorder>) -> anyhow::Result<Self> {
        Ok(Self {
            base: base.trim_end_matches('/').to_owned(),
            // A person gives up on a page after half a minute: that is a hang.
            http: reqwest::Client::builder()
                .timeout(Duration::from_secs(30))
                .pool_max_idle_per_host(512)
                .no_proxy()
                .build()?,
            recorder,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Sends `request`, records it under `operation`, and classifies the answer.
    pub async fn call(&self, operation: &'static str, request: RequestBuilder) -> Answer {
        let started = Instant::now();
        let outcome = match request.send().await {
            Err(e) => Err(format!("no answer: {e}")),
            Ok(response) => {
                let status = response.status();
                let media = response
                    .headers()
                    .get("content-type")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_owned();
                match response.bytes().await {
                    Err(e) => Err(format!("{status}, body cut: {e}")),
                    Ok(body) => Ok((status, media, body)),
                }
            }
        };
        let latency = started.elapsed();
        let (kind, answer) = match outcome {
            // S3 itself out of reach (its endpoint restarting): the site says
            // the upload failed and offers it again; the portal is not at fault.
            Err(_) if operation == UPLOAD_TO_S3 => (Kind::Refusal, Answer::Refused),
            Err(message) => (Kind::Error(message), Answer::Failed),
            Ok((status, media, body)) => classify(status, &media, &body),
        };
        self.recorder.record(operation, latency, kind);
        answer
    }

    /// `call`, again after a pause while the answer is a clear refusal.
    pub async fn call_until_accepted(
        &self,
        operation: &'static str,
        request: impl Fn() -> RequestBuilder,
    ) -> Option<Value> {
        for attempt in 0..ATTEMPTS {
            match self.call(operation, request()).await {
                Answer::Ok(value) => return Some(value),
                Answer::Refused if attempt + 1 < ATTEMPTS => {
                    tokio::time::sleep(Duration::from_secs(1 + u64::from(attempt).min(4))).await
                }
                _ => return None,
            }
        }
        None
    }
}

fn classify(status: StatusCode, media: &str, body: &[u8]) -> (Kind, Answer) {
    let problem = media.starts_with("application/problem+json")
        && serde_json::from_slice::<Value>(body).is_ok_and(|p| p["code"].is_string());
    // S3's own answer to a presigned upload it will not take now.
    let slow_down = status == StatusCode::SERVICE_UNAVAILABLE
        && String::from_utf8_lossy(body).contains("<Code>SlowDown</Code>");
    if status.is_success() {
        let value = serde_json::from_slice(body).unwrap_or(Value::Null);
        (Kind::Success, Answer::Ok(value))
    } else if status == StatusCode::CONFLICT && problem {
        (Kind::Conflict, Answer::Conflict)
    } else if status == StatusCode::SERVICE_UNAVAILABLE && (problem || slow_down) {
        (Kind::Refusal, Answer::Refused)
    } else {
        let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        (
            Kind::Error(format!("{status} {media}: {text}")),
            Answer::Failed,
        )
    }
}

/// Every dossier code a citizen was given, per account.
#[derive(Default)]
pub struct Ledger {
    pub acknowledged: Mutex<BTreeMap<String, Vec<String>>>,
    pub gave_up: Mutex<u64>,
}

async fn pause(min_ms: u64, max_ms: u64) {
    let ms = rand::rng().random_range(min_ms..=max_ms);
    tokio::time::sleep(Duration::from_millis(ms)).await;
}

fn paper(account: &str, n: u32) -> Vec<u8> {
    format!(
        "%PDF-1.4\n% {account} {n} {}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
        uuid::Uuid::new_v4()
    )
    .into_bytes()
}

/// One citizen for the run: fills a dossier in (ten to thirty seconds,
/// a paper at a time), submits it, follows it every few seconds and looks
/// at "my dossiers", then starts the next one.
pub async fn citizen(
    portal: Portal,
    account: String,
    token: String,
    number: u32,
    until: Instant,
    ledger: Arc<Ledger>,
) {
    let mut submitted = 0;
    while Instant::now() < until {
        submitted += 1;
        let Some(code) = submit(&portal, &account, &token, number, submitted).await else {
            *ledger.gave_up.lock().expect("ledger poisoned") += 1;
            pause(5000, 10000).await;
            continue;
        };
        ledger
            .acknowledged
            .lock()
            .expect("ledger poisoned")
            .entry(account.clone())
            .or_default()
            .push(code.clone());
        for _ in 0..3 {
            pause(4000, 8000).await;
            if Instant::now() >= until {
                return;
            }
            let track = || {
                portal
                    .http
                    .get(portal.url(&format!("/api/dossiers/{code}")))
                    .bearer_auth(&token)
            };
            portal.call_until_accepted("track", track).await;
        }
        pause(2000, 4000).await;
        let mine = || {
            portal
                .http
                .get(portal.url("/api/my/dossiers?limit=5"))
                .bearer_auth(&token)
        };
        portal.call_until_accepted("my dossiers", mine).await;
    }
}

/// Two files uploaded, then the dossier: its code, or `None` if a step
/// was still refused after every attempt (or failed).
async fn submit(
    portal: &Portal,
    account: &str,
    token: &str,
    number: u32,
    nth: u32,
) -> Option<String> {
    let mut uploads = Vec::new();
    // The procedure's one paper, in two files (its other entry is a note).
    for file in 0..2 {
        pause(5000, 12000).await;
        let body = paper(account, nth * 2 + file);
        let announce = json!({
            "file_name": format!("giấy tờ {file}.pdf"), "size": body.len(),
            "sha256": hex::encode(Sha256::digest(&body)), "content_type": "application/pdf",
        });
        let ticket = portal
            .call_until_accepted("upload ticket", || {
                portal
                    .http
                    .post(portal.url("/api/uploads"))
                    .bearer_auth(token)
                    .json(&announce)
            })
            .await?;
        portal
            .call_until_accepted(UPLOAD_TO_S3, || {
                let mut put = portal
                    .http
                    .put(ticket["url"].as_str().unwrap_or_default())
                    .body(body.clone());
                for header in ticket["headers"].as_array().into_iter().flatten() {
                    put = put.header(
                        header["name"].as_str().unwrap_or_default(),
                        header["value"].as_str().unwrap_or_default(),
                    );
                }
                put
            })
            .await?;
        uploads.push(json!({"component": 0, "upload_id": ticket["upload_id"]}));
    }
    let form = json!({
        "procedure_code": PROCEDURE,
        "applicant": {
            "owner_type": "citizen",
            "full_name": format!("Công dân tải {number}"),
            "identity_number": format!("001099{number:06}"),
            "phone": format!("09{number:08}"),
            "address": "Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội",
        },
        "summary": "Xác nhận nơi cư trú (kiểm thử tải)",
        "result_delivery": {"method": "online"},
        "files": uploads,
    });
    pause(3000, 6000).await;
    let key = uuid::Uuid::new_v4().to_string();
    let receipt = portal
        .call_until_accepted("submit", || {
            portal
                .http
                .post(portal.url("/api/dossiers"))
                .bearer_auth(token)
                .header("Idempotency-Key", &key)
                .json(&form)
        })
        .await?;
    receipt["code"].as_str().map(str::to_owned)
}

#[derive(Clone, Copy)]
pub enum Duty {
    Desk,
    Head,
    Specialist,
}

impl Duty {
    /// The queues this official works, in turn.
    fn queues(self) -> &'static [&'static str] {
        match self {
            Duty::Desk => &["desk"],
            Duty::Head => &["department:cong-an-xa", "approval:cong-an-xa"],
            Duty::Specialist => &["mine"],
        }
    }
}

/// The next action this official takes on a dossier, with its fields.
fn next_action(duty: Duty, offered: &[&str], specialists: &[String]) -> Option<Value> {
    let has = |key: &str| offered.contains(&key);
    let pick = |preferences: &[&'static str]| preferences.iter().copied().find(|k| has(k));
    let action = match duty {
        Duty::Desk => pick(&["accept", "assign_department", "return_result"])?,
        Duty::Head => pick(&["assign_specialist", "approve"])?,
        Duty::Specialist => pick(&["start_review", "submit_for_approval"])?,
    };
    let mut body = json!({"action": action});
    match action {
        "return_result" => body["delivery"] = json!("online"),
        "assign_specialist" => {
            let to = &specialists[rand::rng().random_range(0..specialists.len())];
            body["to"] = json!(to);
        }
        "approve" => {
            body["result_number"] = json!(format!("{}/TAI", rand::rng().random_range(1..100000)))
        }
        "submit_for_approval" => body["note"] = json!("Đủ điều kiện"),
        _ => {}
    }
    Some(body)
}

pub async fn official(
    portal: Portal,
    token: String,
    duty: Duty,
    specialists: Arc<Vec<String>>,
    until: Instant,
) {
    pause(0, 2000).await;
    let mut turn = 0;
    while Instant::now() < until {
        let queue = duty.queues()[turn % duty.queues().len()];
        turn += 1;
        let Answer::Ok(page) = portal
            .call(
                "official: queue",
                portal
                    .http
                    .get(portal.url(&format!("/api/can-bo/queues/{queue}?limit=20")))
                    .bearer_auth(&token),
            )
            .await
        else {
            pause(1000, 2000).await;
            continue;
        };
        let codes: Vec<String> = page["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|i| i["code"].as_str().map(str::to_owned))
            .collect();
        if codes.is_empty() {
            pause(2000, 4000).await;
            continue;
        }
        let code = &codes[rand::rng().random_range(0..codes.len().min(5))];
        pause(300, 1000).await;
        let Answer::Ok(view) = portal
            .call(
                "official: open dossier",
                portal
                    .http
                    .get(portal.url(&format!("/api/can-bo/dossiers/{code}")))
                    .bearer_auth(&token),
            )
            .await
        else {
            continue;
        };
        let offered: Vec<&str> = view["actions"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|a| a["key"].as_str())
            .collect();
        let Some(mut body) = next_action(duty, &offered, &specialists) else {
            continue;
        };
        body["version"] = view["version"].clone();
        pause(500, 1500).await;
        portal
            .call(
                "official: act",
                portal
                    .http
                    .post(portal.url(&format!("/api/can-bo/dossiers/{code}/actions")))
                    .bearer_auth(&token)
                    .json(&body),
            )
            .await;
        pause(1000, 2000).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_official_takes_the_step_of_their_duty() {
        let specialists = vec!["tai-chuyen-vien-01".to_owned()];
        let desk = next_action(Duty::Desk, &["refuse_intake", "accept"], &specialists).unwrap();
        assert_eq!(desk["action"], "accept");
        let returned = next_action(Duty::Desk, &["return_result"], &specialists).unwrap();
        assert_eq!(returned["delivery"], "online");
        let head = next_action(Duty::Head, &["assign_specialist"], &specialists).unwrap();
        assert_eq!(head["to"], "tai-chuyen-vien-01");
        assert!(next_action(Duty::Specialist, &["approve"], &specialists).is_none());
    }

    #[test]
    fn only_problem_answers_count_as_clear_refusals() {
        let problem =
            r#"{"code":"DICH_VU_TAM_GIAN_DOAN","title":"Dịch vụ tạm thời gián đoạn"}"#.as_bytes();
        let (kind, _) = classify(
            StatusCode::SERVICE_UNAVAILABLE,
            "application/problem+json",
            problem,
        );
        assert!(matches!(kind, Kind::Refusal));
        let (kind, _) = classify(
            StatusCode::SERVICE_UNAVAILABLE,
            "text/plain",
            b"upstream down",
        );
        assert!(matches!(kind, Kind::Error(_)));
        let (kind, _) = classify(
            StatusCode::INTERNAL_SERVER_ERROR,
            "application/problem+json",
            problem,
        );
        assert!(matches!(kind, Kind::Error(_)));
        let (kind, _) = classify(
            StatusCode::CONFLICT,
            "application/problem+json",
            br#"{"code":"HO_SO_DA_THAY_DOI"}"#,
        );
        assert!(matches!(kind, Kind::Conflict));
    }
}
