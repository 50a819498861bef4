//! A proxy between the portal and the local DynamoDB/S3 that can fail the
//! way the real endpoints do: restart (every open connection cut, new ones
//! refused, then back with the data intact, as a managed service restarting
//! a node), and S3 refusing uploads (`503 SlowDown`) for a while. It also
//! times every request it forwards, which is the time spent in the emulator.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use hyper_util::rt::TokioIo;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Notify;
use tokio::task::JoinSet;

#[derive(Default)]
pub struct EmulatorTime {
    /// Per DynamoDB operation (`X-Amz-Target` without its prefix) or S3
    /// method: requests and microseconds.
    pub by_operation: std::sync::Mutex<std::collections::BTreeMap<String, (u64, u64)>>,
    pub dynamodb_requests: AtomicU64,
    pub dynamodb_micros: AtomicU64,
    pub s3_requests: AtomicU64,
    pub s3_micros: AtomicU64,
    pub refused_uploads: AtomicU64,
}

struct Shared {
    upstream: String,
    http: reqwest::Client,
    refuse_uploads: AtomicBool,
    time: EmulatorTime,
}

pub struct FaultProxy {
    address: SocketAddr,
    shared: Arc<Shared>,
    restart: Arc<Notify>,
    outage: Arc<std::sync::Mutex<Duration>>,
}

impl FaultProxy {
    /// Listens on a free port of 127.0.0.1 and forwards to `upstream`.
    pub async fn start(upstream: &str) -> anyhow::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await?;
        let address = listener.local_addr()?;
        let shared = Arc::new(Shared {
            upstream: upstream.trim_end_matches('/').to_owned(),
            http: reqwest::Client::builder().no_proxy().build()?,
            refuse_uploads: AtomicBool::new(false),
            time: EmulatorTime::default(),
        });
        let restart = Arc::new(Notify::new());
        let outage = Arc::new(std::sync::Mutex::new(Duration::ZERO));
        tokio::spawn(serve(
            listener,
            address,
            shared.clone(),
            restart.clone(),
            outage.clone(),
        ));
        Ok(Self {
            address,
            shared,
            restart,
            outage,
        })
    }

    pub fn endpoint(&self) -> String {
        format!("http://{}", self.address)
    }

    /// Cuts every open connection and refuses new ones for `outage`.
    pub fn restart(&self, outage: Duration) {
        *self.outage.lock().expect("outage poisoned") = outage;
        self.restart.notify_one();
    }

    /// While set, S3 object uploads are answered `503 SlowDown`.
    pub fn refuse_uploads(&self, refuse: bool) {
        self.shared.refuse_uploads.store(refuse, Ordering::SeqCst);
    }

    pub fn time(&self) -> &EmulatorTime {
        &self.shared.time
    }
}

async fn serve(
    mut listener: TcpListener,
    address: SocketAddr,
    shared: Arc<Shared>,
    restart: Arc<Notify>,
    outage: Arc<std::sync::Mutex<Duration>>,
) {
    let app = axum::Router::new().fallback(forward).with_state(shared);
    loop {
        let mut connections = JoinSet::new();
        loop {
            tokio::select! {
                accepted = listener.accept() => {
                    let Ok((stream, _)) = accepted else { continue };
                    let service = TowerToHyperService::new(app.clone());
                    connections.spawn(async move {
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                () = restart.notified() => break,
            }
        }
        // Down: the listener closed (connections refused), live ones cut.
        drop(listener);
        connections.shutdown().await;
        let pause = *outage.lock().expect("outage poisoned");
        tokio::time::sleep(pause).await;
        listener = loop {
            match TcpListener::bind(address).await {
                Ok(listener) => break listener,
                Err(_) => tokio::time::sleep(Duration::from_millis(50)).await,
            }
        };
    }
}

/// DynamoDB's requests name their operation in `X-Amz-Target`; the rest is S3.
fn is_dynamodb(headers: &HeaderMap) -> bool {
    headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("DynamoDB"))
}

async fn forward(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    match relay(&shared, request).await {
        Ok(response) => response,
        Err(e) => (StatusCode::BAD_GATEWAY, format!("proxy: {e}")).into_response(),
    }
}

async fn relay(shared: &Shared, request: Request) -> anyhow::Result<Response> {
    let (parts, body) = request.into_parts();
    let dynamodb = is_dynamodb(&parts.headers);
    if !dynamodb && parts.method == Method::PUT && shared.refuse_uploads.load(Ordering::SeqCst) {
        shared.time.refused_uploads.fetch_add(1, Ordering::Relaxed);
        return Ok((
            StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "application/xml")],
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>",
        )
            .into_response());
    }
    let body: Bytes = axum::body::to_bytes(Body::new(body), usize::MAX).await?;
    let path = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    let mut outbound = shared
        .http
        .request(parts.method.clone(), format!("{}{path}", shared.upstream));
    for (name, value) in &parts.headers {
        if !matches!(
            name.as_str(),
            "host" | "connection" | "content-length" | "transfer-encoding"
        ) {
            outbound = outbound.header(name, value);
        }
    }
    let started = Instant::now();
    let upstream = outbound.body(body).send().await?;
    let status = upstream.status();
    let headers = upstream.headers().clone();
    let bytes = upstream.bytes().await?;
    let micros = started.elapsed().as_micros() as u64;
    let (count, total) = if dynamodb {
        (&shared.time.dynamodb_requests, &shared.time.dynamodb_micros)
    } else {
        (&shared.time.s3_requests, &shared.time.s3_micros)
    };
    count.fetch_add(1, Ordering::Relaxed);
    total.fetch_add(micros, Ordering::Relaxed);
    let operation = match parts
        .headers
        .get("x-amz-target")
        .and_then(|v| v.to_str().ok())
    {
        Some(target) => target.trim_start_matches("DynamoDB_20120810.").to_owned(),
        None => format!("S3 {}", parts.method),
    };
    let mut by_operation = shared.time.by_operation.lock().expect("timing poisoned");
    let entry = by_operation.entry(operation).or_default();
    entry.0 += 1;
    entry.1 += micros;
    drop(by_operation);
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    // Content-Length stays: a HEAD's is the object's size, not the empty body's.
    for (name, value) in &headers {
        if !matches!(name.as_str(), "connection" | "transfer-encoding") {
            response.headers_mut().append(name, value.clone());
        }
    }
    Ok(response)
}
