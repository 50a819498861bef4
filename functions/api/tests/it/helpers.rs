use std::sync::{Arc, Mutex, OnceLock};

use api::dev_issuer::DevIssuer;
use api::{AppState, Authenticator};
use axum::Router;
use chrono::{NaiveDate, NaiveDateTime};
use domain::{AgencyCode, Procedure, ProcedureCode, WorkingCalendar, import_catalogue};
use localaws::Moto;
use reqwest::{Response, StatusCode};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use store::{AccessLog, FileLimits, RequestCounter, Store, StoreSettings};

static MOTO: OnceLock<Moto> = OnceLock::new();
static CATALOGUE: OnceLock<Vec<Procedure>> = OnceLock::new();

/// Xác nhận thông tin về cư trú: online, one required paper and a note, 1 working day.
pub const RESIDENCE_CONFIRMATION: &str = "1.010041";
/// Khai báo tạm vắng: online, every paper conditional, 1 working day.
pub const TEMPORARY_ABSENCE: &str = "1.003677";
/// Đăng ký khai tử lưu động: at the counter only.
pub const COUNTER_ONLY: &str = "1.000419";

pub const AGENCY: &str = "000.00.01.H29";

/// Wednesday 03/06/2026 10:00 in Hà Nội.
pub fn now() -> NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 6, 3)
        .unwrap()
        .and_hms_opt(10, 0, 0)
        .unwrap()
}

fn catalogue() -> &'static [Procedure] {
    CATALOGUE.get_or_init(|| {
        let dir = std::env::var_os("DVC_SHARED_DATA")
            .map(std::path::PathBuf::from)
            .unwrap_or_else(|| {
                std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data")
            });
        let text = std::fs::read_to_string(dir.join("procedures.jsonl"))
            .expect("shared/data/procedures.jsonl");
        import_catalogue(&text).procedures
    })
}

/// The fallback search index of the real catalogue, as the site's build
/// writes it (without the site's taxonomy labels: the procedures' own).
fn search_index() -> Arc<search::FallbackIndex> {
    static INDEX: OnceLock<Arc<search::FallbackIndex>> = OnceLock::new();
    INDEX
        .get_or_init(|| {
            let vocabulary = search::Vocabulary::bundled();
            let documents: Vec<search::SearchDocument> = catalogue()
                .iter()
                .map(|p| {
                    let names = |v: &[domain::Named]| v.iter().map(|n| n.name.clone()).collect();
                    let entry = search::Entry {
                        code: p.code.to_string(),
                        name: p.name.to_string(),
                        url: format!("/thu-tuc/{}/", p.code.as_str().replace('.', "-")),
                        fields: names(&p.fields),
                        agencies: names(&p.agencies),
                        levels: p.levels.iter().map(|l| l.label_vi().to_owned()).collect(),
                        audiences: p.audiences.clone(),
                        ..search::Entry::default()
                    };
                    search::SearchDocument::new(
                        &entry,
                        vocabulary.aliases(&entry.name),
                        vocabulary.spellings(&entry.name),
                    )
                })
                .collect();
            Arc::new(search::FallbackIndex::build(
                &documents,
                &[],
                &vocabulary.listed_stop_words,
            ))
        })
        .clone()
}

pub fn procedure(code: &str) -> Procedure {
    let code = ProcedureCode::parse(code).unwrap();
    catalogue()
        .iter()
        .find(|p| p.code == code)
        .cloned()
        .expect("procedure in the real catalogue")
}

pub struct TestApp {
    pub base: String,
    pub http: reqwest::Client,
    pub issuer: Arc<DevIssuer>,
    pub counter: RequestCounter,
    pub store: Store,
    pub s3: aws_sdk_s3::Client,
    pub bucket: String,
    clock: Arc<Mutex<NaiveDateTime>>,
    access: AccessLog,
}

pub async fn spawn_app() -> TestApp {
    let moto = MOTO.get_or_init(|| Moto::start().expect("moto_server starts"));
    let sdk = moto.sdk_config().await;
    let id = uuid::Uuid::new_v4().simple().to_string();
    let settings = StoreSettings {
        table: format!("t-{id}"),
        bucket: format!("b-{id}"),
        s3_path_style: true,
        limits: FileLimits::default(),
        link_ttl: std::time::Duration::from_secs(300),
    };
    let counter = RequestCounter::default();
    let access = AccessLog::scoped();
    let store = Store::observed(
        &sdk,
        settings.clone(),
        Some(counter.clone()),
        Some(access.clone()),
    );
    store.create_resources().await.expect("table and bucket");
    store
        .put_procedures(&[
            procedure(RESIDENCE_CONFIRMATION),
            procedure(TEMPORARY_ABSENCE),
            procedure(COUNTER_ONLY),
        ])
        .await
        .expect("catalogue");
    let clock = Arc::new(Mutex::new(now()));
    let issuer = Arc::new(DevIssuer::new("http://127.0.0.1/dev-issuer", "dvc-portal"));
    let auth = Authenticator::with_keys(issuer.settings.clone(), issuer.jwks().clone());
    let state = AppState {
        store: store.clone(),
        calendar: Arc::new(WorkingCalendar::vietnam()),
        auth: Arc::new(auth),
        agency: AgencyCode::parse(AGENCY).unwrap(),
        public_url: "http://127.0.0.1:8080".into(),
        sign_in: None,
        clock: {
            let clock = clock.clone();
            Arc::new(move || *clock.lock().unwrap())
        },
        calendars: Default::default(),
        search: api::SearchIndex::fixed(Some(search_index())),
    };
    let router = served_by("submit", api::submission_router())
        .merge(served_by("track", api::tracking_router()))
        .merge(served_by("backoffice", api::backoffice_router()))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    counter.reset();
    TestApp {
        base,
        http: reqwest::Client::new(),
        issuer,
        counter,
        store,
        s3: aws_sdk_s3::Client::from_conf(
            aws_sdk_s3::config::Builder::from(&sdk)
                .force_path_style(true)
                .build(),
        ),
        bucket: settings.bucket,
        clock,
        access,
    }
}

/// The routes as their own function serves them in the stack: the store's
/// requests made for them are that function's.
fn served_by(function: &'static str, router: Router<AppState>) -> Router<AppState> {
    router.layer(axum::middleware::from_fn(
        move |request: axum::extract::Request, next: axum::middleware::Next| {
            store::ACTOR.scope(function, next.run(request))
        },
    ))
}

/// Every request the app's functions made in the test is one their roles
/// in the stack allow (the store's access log against the template).
impl Drop for TestApp {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            infra::assert_allowed(&self.access.entries());
        }
    }
}

pub fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.7\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// How the store spells an owner in object keys and metadata.
pub fn owner_hash(subject: &str) -> String {
    hex::encode(&Sha256::digest(subject.as_bytes())[..16])
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Another agency served by the same deployment.
pub const OTHER_AGENCY: &str = "000.00.01.H01";

/// The officials of [`TestApp::onboard`], by subject: (subject, department, roles).
pub const STAFF: [(&str, Option<&str>, &[&str]); 8] = [
    ("mot-cua-1", None, &["desk"]),
    ("mot-cua-2", None, &["desk"]),
    ("chuyen-vien-1", Some("phong-ho-tich"), &["specialist"]),
    ("chuyen-vien-2", Some("phong-ho-tich"), &["specialist"]),
    (
        "truong-phong-1",
        Some("phong-ho-tich"),
        &["department_head"],
    ),
    ("lanh-dao-1", None, &["agency_leader"]),
    ("quan-tri-1", None, &["agency_admin"]),
    ("quan-tri-he-thong", None, &["system_admin"]),
];

impl TestApp {
    /// Sets up the test agency and another one, as an administrator would
    /// import them: departments, officials (see [`STAFF`]; the other
    /// agency's have the same names with an `-x` suffix) and a route for
    /// the counter-only procedure through the civil-status department.
    pub async fn onboard(&self) {
        for (agency, suffix) in [(AGENCY, ""), (OTHER_AGENCY, "-x")] {
            let officials: Vec<Value> = STAFF
                .iter()
                .map(|(subject, department, roles)| {
                    json!({
                        "subject": format!("{subject}{suffix}"),
                        "name": format!("Cán bộ {subject}{suffix}"),
                        "agency": agency,
                        "department": department,
                        "roles": roles,
                    })
                })
                .collect();
            let setup: store::AgencySetup = serde_json::from_value(json!({
                "agency": {
                    "code": agency,
                    "name": format!("Ủy ban nhân dân xã thử nghiệm {agency}"),
                    "parent_name": "ỦY BAN NHÂN DÂN TỈNH NINH BÌNH",
                    "desk_name": "Bộ phận Một cửa",
                    "place": "Ninh Bình",
                    "national_unit_code": agency,
                },
                "departments": [
                    {"id": "phong-ho-tich", "name": "Tư pháp – Hộ tịch"},
                    {"id": "phong-cu-tru", "name": "Công an xã – Cư trú"},
                ],
                "officials": officials,
                "routes": [
                    {"procedure": COUNTER_ONLY, "route": [
                        {"department": "phong-ho-tich", "time": {"amount": 4, "unit": "working_days"}},
                    ]},
                ],
            }))
            .unwrap();
            self.store.import_setup(&setup).await.unwrap();
        }
        self.counter.reset();
    }

    /// A bearer token for an official of [`STAFF`] (or of the other agency).
    pub fn staff(&self, subject: &str) -> String {
        let agency = if subject.ends_with("-x") {
            OTHER_AGENCY
        } else {
            AGENCY
        };
        self.issuer.token(subject, "Cán bộ", &[], Some(agency))
    }

    pub async fn bo_get(&self, token: &str, path: &str) -> Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn bo_send(
        &self,
        method: reqwest::Method,
        token: &str,
        path: &str,
        body: &Value,
    ) -> Response {
        self.http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .unwrap()
    }

    /// Does `action` (with its `fields`) on `code` at the dossier's current
    /// version, as `subject`; the new desk view, or panics with the problem.
    pub async fn act(&self, subject: &str, code: &str, action: &str, fields: Value) -> Value {
        let version = self.desk_view(subject, code).await["version"].clone();
        let mut body = json!({"action": action, "version": version});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        let response = self
            .bo_send(
                reqwest::Method::POST,
                &self.staff(subject),
                &format!("/api/can-bo/dossiers/{code}/actions"),
                &body,
            )
            .await;
        let status = response.status();
        let value: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{action} by {subject}: {value}");
        value
    }

    pub async fn desk_view(&self, subject: &str, code: &str) -> Value {
        let response = self
            .bo_get(
                &self.staff(subject),
                &format!("/api/can-bo/dossiers/{code}"),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The codes in one of `subject`'s queues (`desk`, `mine`, `department:…`).
    pub async fn queue_codes(&self, subject: &str, queue: &str, query: &str) -> Vec<String> {
        let response = self
            .bo_get(
                &self.staff(subject),
                &format!("/api/can-bo/queues/{queue}?{query}"),
            )
            .await;
        assert_eq!(
            response.status(),
            StatusCode::OK,
            "queue {queue} of {subject}"
        );
        let page: Value = response.json().await.unwrap();
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Moves the portal's clock.
    pub fn set_now(&self, at: NaiveDateTime) {
        *self.clock.lock().unwrap() = at;
    }

    pub fn citizen(&self, who: &str) -> String {
        self.issuer.token(who, "Nguyễn Văn An", &["citizen"], None)
    }

    pub fn official(&self, who: &str, role: &str, agency: &str) -> String {
        self.issuer.token(who, "Cán bộ", &[role], Some(agency))
    }

    /// Asks for an upload ticket announcing `announced` (name, type, size, hash).
    pub async fn ticket(
        &self,
        token: &str,
        content_type: &str,
        size: u64,
        sha256: &str,
    ) -> Response {
        self.http
            .post(format!("{}/api/uploads", self.base))
            .bearer_auth(token)
            .json(&json!({"file_name": "giấy tờ.pdf", "size": size, "sha256": sha256, "content_type": content_type}))
            .send()
            .await
            .unwrap()
    }

    /// PUTs `body` to a ticket's URL with its headers; the status S3 answered.
    pub async fn put(&self, ticket: &Value, body: Vec<u8>) -> StatusCode {
        let mut request = self.http.put(ticket["url"].as_str().unwrap()).body(body);
        for header in ticket["headers"].as_array().unwrap() {
            request = request.header(
                header["name"].as_str().unwrap(),
                header["value"].as_str().unwrap(),
            );
        }
        request.send().await.unwrap().status()
    }

    /// Announces `body` (its size and SHA-256) and returns the upload ticket.
    pub async fn announce(&self, token: &str, content_type: &str, body: &[u8]) -> Value {
        let response = self
            .ticket(token, content_type, body.len() as u64, &sha256_hex(body))
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        response.json().await.unwrap()
    }

    /// Uploads a file the honest way and returns its upload id.
    pub async fn upload(&self, token: &str, content_type: &str, body: Vec<u8>) -> String {
        let ticket = self.announce(token, content_type, &body).await;
        assert!(self.put(&ticket, body).await.is_success());
        ticket["upload_id"].as_str().unwrap().to_owned()
    }

    pub async fn submit(&self, token: &str, body: &Value, key: Option<&str>) -> Response {
        let mut request = self
            .http
            .post(format!("{}/api/dossiers", self.base))
            .bearer_auth(token)
            .json(body);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.unwrap()
    }

    pub async fn track_with_secret(&self, code: &str, secret: &str) -> Response {
        self.http
            .get(format!("{}/api/dossiers/{code}", self.base))
            .header("X-Tracking-Secret", secret)
            .send()
            .await
            .unwrap()
    }

    pub async fn track_as(&self, code: &str, token: &str) -> Response {
        self.http
            .get(format!("{}/api/dossiers/{code}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    pub async fn my_dossiers(&self, token: &str, query: &str) -> Response {
        self.http
            .get(format!("{}/api/my/dossiers?{query}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .unwrap()
    }

    /// Submits "Khai báo tạm vắng" (no papers needed) and returns the dossier code.
    pub async fn submit_simple(&self, token: &str) -> String {
        let response = self
            .submit(token, &form(TEMPORARY_ABSENCE, &[]), None)
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let receipt: Value = response.json().await.unwrap();
        receipt["code"].as_str().unwrap().to_owned()
    }

    /// A complete submission of "Xác nhận thông tin về cư trú" with both papers.
    pub async fn residence_form(&self, token: &str) -> Value {
        let first = self.upload(token, "application/pdf", pdf("to khai")).await;
        let second = self.upload(token, "application/pdf", pdf("giay to")).await;
        form(RESIDENCE_CONFIRMATION, &[(0, &first), (0, &second)])
    }
}

pub fn form(procedure: &str, files: &[(usize, &str)]) -> Value {
    json!({
        "procedure_code": procedure,
        "applicant": {
            "owner_type": "citizen",
            "full_name": "Nguyễn Văn An",
            "identity_number": "001099012345",
            "phone": "0912345678",
            "email": "an.nguyen@example.vn",
            "address": "Số 1 Tràng Tiền, phường Hoàn Kiếm, Hà Nội"
        },
        "summary": "Xác nhận nơi cư trú để bổ sung hồ sơ xin việc",
        "result_delivery": {"method": "online"},
        "files": files.iter().map(|(c, id)| json!({"component": c, "upload_id": id})).collect::<Vec<_>>()
    })
}

/// The problem's stable code, checking the media type on the way.
pub async fn problem_code(response: Response) -> (StatusCode, String) {
    let status = response.status();
    let media = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(media, "application/problem+json", "status {status}");
    let body: Value = response.json().await.unwrap();
    assert!(body["title"].as_str().is_some_and(|t| !t.is_empty()));
    (status, body["code"].as_str().unwrap().to_owned())
}

/// One kind of case — petitions (PAKN) or questions (hỏi đáp) — as the
/// API serves it: the sender's paths and the back office's, the problem
/// codes of a case not there and of a stale move, and the back office's
/// screen for it. Both kinds are sent, read with a secret or an account,
/// listed and moved the same way.
#[derive(Debug, Clone, Copy)]
pub struct CaseApi {
    pub citizen: &'static str,
    pub back_office: &'static str,
    pub not_found: &'static str,
    pub stale: &'static str,
    /// In `/api/can-bo/me`'s `sections`.
    pub section: &'static str,
}

pub const PETITIONS: CaseApi = CaseApi {
    citizen: "/api/phan-anh",
    back_office: "/api/can-bo/phan-anh",
    not_found: "PHAN_ANH_KHONG_TON_TAI",
    stale: "PHAN_ANH_DA_THAY_DOI",
    section: "petitions",
};

pub const QUESTIONS: CaseApi = CaseApi {
    citizen: "/api/hoi-dap",
    back_office: "/api/can-bo/hoi-dap",
    not_found: "HOI_DAP_KHONG_TON_TAI",
    stale: "HOI_DAP_DA_THAY_DOI",
    section: "questions",
};

impl TestApp {
    /// Sends a case, signed in with `token` and under idempotency `key` if given.
    pub async fn send_case(
        &self,
        api: CaseApi,
        token: Option<&str>,
        body: &Value,
        key: Option<&str>,
    ) -> Response {
        let mut request = self
            .http
            .post(format!("{}{}", self.base, api.citizen))
            .json(body);
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request.send().await.unwrap()
    }

    /// Sends a case without an account; its code and tracking secret.
    pub async fn send_case_anonymously(&self, api: CaseApi, body: &Value) -> (String, String) {
        let response = self.send_case(api, None, body, None).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let receipt: Value = response.json().await.unwrap();
        (
            receipt["code"].as_str().unwrap().to_owned(),
            receipt["tracking_secret"].as_str().unwrap().to_owned(),
        )
    }

    /// The sender's view of case `code`, asked for with its secret or a token.
    pub async fn read_case(
        &self,
        api: CaseApi,
        code: &str,
        secret: Option<&str>,
        token: Option<&str>,
    ) -> Response {
        let mut request = self
            .http
            .get(format!("{}{}/{code}", self.base, api.citizen));
        if let Some(secret) = secret {
            request = request.header("X-Tracking-Secret", secret);
        }
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        request.send().await.unwrap()
    }

    /// The sender's view read with the secret, which must open it.
    pub async fn case_with_secret(&self, api: CaseApi, code: &str, secret: &str) -> Value {
        let response = self.read_case(api, code, Some(secret), None).await;
        assert_eq!(response.status(), StatusCode::OK);
        response.json().await.unwrap()
    }

    /// The back office's view of case `code`, which `subject` must be let see.
    pub async fn case_desk_view(&self, api: CaseApi, subject: &str, code: &str) -> Value {
        let response = self
            .bo_get(&self.staff(subject), &format!("{}/{code}", api.back_office))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{subject} reads {code}");
        response.json().await.unwrap()
    }

    /// An official's move on case `code` at its current version.
    pub async fn move_case(
        &self,
        api: CaseApi,
        subject: &str,
        code: &str,
        fields: Value,
    ) -> Response {
        let version = self.case_desk_view(api, subject, code).await["version"].clone();
        let mut body = json!({"version": version});
        body.as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        self.bo_send(
            reqwest::Method::POST,
            &self.staff(subject),
            &format!("{}/{code}/actions", api.back_office),
            &body,
        )
        .await
    }

    /// An official's move that must succeed; the new view.
    pub async fn case_moved(
        &self,
        api: CaseApi,
        subject: &str,
        code: &str,
        fields: Value,
    ) -> Value {
        let response = self.move_case(api, subject, code, fields.clone()).await;
        let status = response.status();
        let value: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{fields} by {subject}: {value}");
        value
    }

    /// The items of one of the agency's lists of cases, as `subject` sees it.
    pub async fn case_list(&self, api: CaseApi, subject: &str, which: &str) -> Vec<Value> {
        let response = self
            .bo_get(
                &self.staff(subject),
                &format!("{}?queue={which}", api.back_office),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "list {which}");
        let page: Value = response.json().await.unwrap();
        page["items"].as_array().unwrap().clone()
    }

    /// The codes in that list.
    pub async fn case_list_codes(&self, api: CaseApi, subject: &str, which: &str) -> Vec<String> {
        self.case_list(api, subject, which)
            .await
            .iter()
            .map(|i| i["code"].as_str().unwrap().to_owned())
            .collect()
    }

    /// The audit operations recorded today on `code`, oldest first.
    pub async fn audit_operations(&self, code: &str) -> Vec<String> {
        let agency = AgencyCode::parse(AGENCY).unwrap();
        let page = self
            .store
            .audit_page(&agency, now().date(), 100, None)
            .await
            .unwrap();
        let mut ops: Vec<String> = page
            .entries
            .iter()
            .filter(|e| e.target == code)
            .map(|e| e.operation.clone())
            .collect();
        ops.reverse();
        ops
    }
}

/// The keys of the actions a view offers.
pub fn offered_actions(view: &Value) -> Vec<String> {
    view["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["key"].as_str().unwrap().to_owned())
        .collect()
}

impl TestApp {
    /// Only who holds case `code` reads it: `owner`'s account, or its
    /// `secret` (the code in any case); to a wrong secret, none, or another
    /// citizen it does not exist, and neither do the `unknown` codes; an
    /// official is not its sender.
    pub async fn assert_only_its_holders_read(
        &self,
        api: CaseApi,
        code: &str,
        secret: &str,
        owner: &str,
        unknown: &[&str],
    ) {
        let owned = self.read_case(api, code, None, Some(owner)).await;
        assert_eq!(owned.status(), StatusCode::OK);
        let lower = self
            .read_case(api, &code.to_lowercase(), Some(secret), None)
            .await;
        assert_eq!(lower.status(), StatusCode::OK);
        for (secret, token) in [
            (Some("doan-bua"), None),
            (None, None),
            (None, Some(self.citizen("citizen-case-stranger"))),
        ] {
            let response = self.read_case(api, code, secret, token.as_deref()).await;
            assert_eq!(
                problem_code(response).await,
                (StatusCode::NOT_FOUND, api.not_found.into())
            );
        }
        for unknown in unknown {
            let response = self.read_case(api, unknown, Some(secret), None).await;
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{unknown}");
        }
        let official = self
            .read_case(api, code, None, Some(&self.staff("mot-cua-1")))
            .await;
        assert_eq!(official.status(), StatusCode::FORBIDDEN);
    }

    /// Only the desk and the leaders of case `code`'s agency handle it:
    /// another agency's do not see it in `list`, read or move it; in the
    /// agency, specialists, department heads and administrators neither
    /// list nor read it, and the back office shows its screen to the
    /// handlers only. A list it does not have, or a bad limit, is refused.
    pub async fn assert_only_its_handlers_see(&self, api: CaseApi, code: &str, list: &str) {
        for subject in ["mot-cua-1-x", "lanh-dao-1-x"] {
            assert!(self.case_list_codes(api, subject, list).await.is_empty());
            let read = self
                .bo_get(&self.staff(subject), &format!("{}/{code}", api.back_office))
                .await;
            assert_eq!(
                problem_code(read).await,
                (StatusCode::NOT_FOUND, api.not_found.into())
            );
            let acted = self
                .bo_send(
                    reqwest::Method::POST,
                    &self.staff(subject),
                    &format!("{}/{code}/actions", api.back_office),
                    &json!({"action": "answer", "version": 1, "note": "Trả lời"}),
                )
                .await;
            assert_eq!(acted.status(), StatusCode::NOT_FOUND);
        }
        for subject in ["chuyen-vien-1", "truong-phong-1", "quan-tri-1"] {
            let listed = self
                .bo_get(
                    &self.staff(subject),
                    &format!("{}?queue={list}", api.back_office),
                )
                .await;
            assert_eq!(listed.status(), StatusCode::FORBIDDEN, "{subject}");
            let read = self
                .bo_get(&self.staff(subject), &format!("{}/{code}", api.back_office))
                .await;
            assert_eq!(read.status(), StatusCode::NOT_FOUND, "{subject}");
        }
        for (subject, shown) in [
            ("mot-cua-1", true),
            ("lanh-dao-1", true),
            ("chuyen-vien-1", false),
            ("truong-phong-1", false),
            ("quan-tri-1", false),
        ] {
            let me: Value = self
                .bo_get(&self.staff(subject), "/api/can-bo/me")
                .await
                .json()
                .await
                .unwrap();
            let sections = me["sections"].as_array().unwrap();
            assert_eq!(sections.contains(&json!(api.section)), shown, "{subject}");
        }
        for query in ["queue=tat-ca", "limit=nhieu"] {
            let refused = self
                .bo_get(
                    &self.staff("mot-cua-1"),
                    &format!("{}?{query}", api.back_office),
                )
                .await;
            assert_eq!(
                problem_code(refused).await,
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "DU_LIEU_KHONG_HOP_LE".into()
                ),
                "{query}"
            );
        }
    }

    /// The desk's `desk_move` and a leader's `leader_move` on case `code`
    /// at version 1, at once: one wins, the other is told the case as the
    /// winner left it; one step and one audit record are written; a later
    /// move on version 1 is told the same.
    pub async fn assert_one_of_two_moves_wins(
        &self,
        api: CaseApi,
        code: &str,
        desk_move: Value,
        leader_move: Value,
    ) {
        let path = format!("{}/{code}/actions", api.back_office);
        let (desk, leader) = (self.staff("mot-cua-1"), self.staff("lanh-dao-1"));
        let (a, b) = tokio::join!(
            self.bo_send(reqwest::Method::POST, &desk, &path, &desk_move),
            self.bo_send(reqwest::Method::POST, &leader, &path, &leader_move),
        );
        let (sa, sb) = (a.status(), b.status());
        let (ba, bb): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
        let (loser, winner) = match (sa, sb) {
            (StatusCode::OK, StatusCode::CONFLICT) => (bb, ba),
            (StatusCode::CONFLICT, StatusCode::OK) => (ba, bb),
            other => panic!("expected one success and one conflict, got {other:?}: {ba} {bb}"),
        };
        assert_eq!(loser["code"], api.stale);
        assert_eq!(loser["current"]["status"], winner["status"]);
        assert_eq!(loser["current"]["version"], 2);
        assert_eq!(winner["version"], 2);
        let view = self.case_desk_view(api, "mot-cua-1", code).await;
        assert_eq!(view["history"].as_array().unwrap().len(), 2, "one move");
        assert_eq!(
            self.audit_operations(code).await.len(),
            1,
            "one audit record"
        );

        // A move on a version already passed is told the same, with the state.
        let stale = self
            .bo_send(reqwest::Method::POST, &desk, &path, &desk_move)
            .await;
        let stale: Value = stale.json().await.unwrap();
        assert_eq!(stale["code"], api.stale);
        assert_eq!(stale["current"]["version"], 2);
    }

    /// `form` sent eleven times under idempotency `key` (ten at once) is one
    /// case, the first answer's; the same key with another `title` is
    /// refused, not merged. The first answer.
    pub async fn assert_one_case_per_key(&self, api: CaseApi, form: &Value, key: &str) -> Value {
        let first = self.send_case(api, None, form, Some(key)).await;
        assert_eq!(first.status(), StatusCode::CREATED);
        let first: Value = first.json().await.unwrap();
        let answers =
            futures::future::join_all((0..10).map(|_| self.send_case(api, None, form, Some(key))))
                .await;
        for answer in answers {
            assert_eq!(answer.status(), StatusCode::OK);
            let again: Value = answer.json().await.unwrap();
            assert_eq!(again["code"], first["code"]);
            assert_eq!(again["tracking_secret"], first["tracking_secret"]);
        }
        let mut other = form.clone();
        other["title"] = json!("Một tiêu đề khác");
        let reused = self.send_case(api, None, &other, Some(key)).await;
        assert_eq!(
            problem_code(reused).await,
            (
                StatusCode::UNPROCESSABLE_ENTITY,
                "KHOA_CHONG_TRUNG_DA_DUNG".into()
            )
        );
        first
    }

    /// Each of `paths` is in the API description (`/api/openapi.json`).
    pub async fn assert_described(&self, paths: &[&str]) -> Value {
        let doc: Value = self
            .http
            .get(format!("{}/api/openapi.json", self.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        for path in paths {
            assert!(
                doc["paths"].get(path).is_some(),
                "{path} in the API description"
            );
        }
        doc
    }
}
