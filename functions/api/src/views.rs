//! Request and response bodies of the citizen API (the wire shapes, kept
//! apart from the domain types they are converted to and from).

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A time in Vietnam, as RFC 3339 with its +07:00 offset.
pub fn rfc3339(t: NaiveDateTime) -> String {
    format!("{}+07:00", t.format("%Y-%m-%dT%H:%M:%S"))
}

/// The same time as a person reads it: "17:00 ngày 06/05/2026".
pub fn text_vi(t: NaiveDateTime) -> String {
    t.format("%H:%M ngày %d/%m/%Y").to_string()
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct UploadForm {
    pub file_name: String,
    /// Bytes.
    pub size: u64,
    /// SHA-256 of the file, hex.
    pub sha256: String,
    pub content_type: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeaderView {
    pub name: String,
    pub value: String,
}

/// Upload the file with a PUT to `url`, sending exactly `headers`.
#[derive(Debug, Serialize, ToSchema)]
pub struct UploadTicketView {
    pub upload_id: String,
    pub method: String,
    pub url: String,
    pub headers: Vec<HeaderView>,
    pub expires_in_seconds: u64,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ApplicantForm {
    /// `citizen` or `business`.
    pub owner_type: String,
    pub full_name: String,
    /// 12-digit identity number, or a business's tax code.
    pub identity_number: String,
    pub phone: String,
    #[serde(default)]
    pub email: Option<String>,
    pub address: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DeliveryForm {
    /// `at_desk`, `post` or `online`.
    pub method: String,
    /// Required for `post`.
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct FileForm {
    /// Index of the dossier component in the procedure's list.
    pub component: usize,
    pub upload_id: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SubmitForm {
    pub procedure_code: String,
    pub applicant: ApplicantForm,
    /// What is asked for, in the applicant's words (trích yếu).
    #[serde(default)]
    pub summary: Option<String>,
    pub result_delivery: DeliveryForm,
    pub files: Vec<FileForm>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct SupplementForm {
    pub files: Vec<FileForm>,
    #[serde(default)]
    pub note: Option<String>,
    /// The dossier version the applicant saw; a newer one answers 409.
    #[serde(default)]
    pub version: Option<u64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct StatusView {
    /// National status code, 1–10.
    pub code: u8,
    /// The national status name.
    pub label: String,
    /// Where the dossier is, in plain Vietnamese.
    pub stage: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AppointmentView {
    pub at: String,
    pub text: String,
    /// `on_track`, `due_soon` or `overdue` (open dossiers only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook_label: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReceiptView {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub received_at: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<AppointmentView>,
    /// Keep it: with the code it lets the applicant track without signing in.
    pub tracking_secret: String,
    pub tracking_url: String,
    /// Vietnamese confirmation for the applicant (ND 45/2020 Art. 12).
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ActionRequiredView {
    /// `supplement` or `payment`.
    pub kind: String,
    pub message: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HistoryView {
    pub at: String,
    pub text: String,
    pub action: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FileView {
    pub id: String,
    pub component: usize,
    pub file_name: String,
    pub size: u64,
    /// 0 for the first submission, then one more per supplement round.
    pub revision: u32,
}

impl From<&store::StoredFile> for FileView {
    fn from(f: &store::StoredFile) -> Self {
        FileView {
            id: f.id.clone(),
            component: f.component,
            file_name: f.file_name.clone(),
            size: f.size,
            revision: f.revision,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TrackView {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub received_at: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<AppointmentView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub action_required: Option<ActionRequiredView>,
    /// Set when the result is ready or returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<String>,
    pub history: Vec<HistoryView>,
    pub files: Vec<FileView>,
    /// The result papers, once the result is returned (downloaded like the
    /// dossier's own files, signed in).
    pub result_files: Vec<FileView>,
    /// The version to send back with a supplement.
    pub version: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DossierSummaryView {
    pub code: String,
    pub procedure_name: String,
    pub received_at: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub appointment: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MyDossiersView {
    pub items: Vec<DossierSummaryView>,
    /// Pass as `cursor` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DownloadView {
    pub url: String,
    pub expires_in_seconds: u64,
}
