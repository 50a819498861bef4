//! Request and response bodies of the back office.

use serde::{Deserialize, Serialize};

use crate::views::{ApplicantForm, DeliveryForm, FileForm, StatusView};

#[derive(Debug, Serialize)]
pub struct QueueSummaryView {
    /// The queue's name in URLs (`desk`, `department:phong-a`…).
    pub key: String,
    pub label: String,
    pub total: u64,
    pub overdue: u64,
    /// Overdue or due within 2 working days.
    pub at_risk: u64,
}

#[derive(Debug, Serialize)]
pub struct MeView {
    pub subject: String,
    pub name: String,
    pub agency: String,
    pub agency_name: Option<String>,
    pub department: Option<String>,
    pub roles: Vec<RoleView>,
    pub queues: Vec<QueueSummaryView>,
    /// What the menu offers: `queues`, `counter`, `register`, `supervision`, `admin`, `questions`.
    pub sections: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct RoleView {
    pub key: &'static str,
    pub label: &'static str,
}

#[derive(Debug, Serialize)]
pub struct QueueItemView {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub applicant_name: String,
    pub channel: String,
    pub received_at: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_text: Option<String>,
    /// `on_track`, `due_soon` (within 2 working days) or `overdue`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    pub version: u64,
}

#[derive(Debug, Serialize)]
pub struct QueuePageView {
    pub queue: String,
    pub label: String,
    pub items: Vec<QueueItemView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct QueueQuery {
    /// `overdue` or `at_risk`.
    #[serde(default)]
    pub due: Option<String>,
    /// A national status code, 1–10.
    #[serde(default)]
    pub status: Option<u8>,
    #[serde(default)]
    pub procedure: Option<String>,
    #[serde(default)]
    pub limit: Option<u16>,
    #[serde(default)]
    pub cursor: Option<String>,
}

/// A move the official can make now, and what it asks for.
#[derive(Debug, Serialize)]
pub struct ActionView {
    pub key: &'static str,
    pub label: &'static str,
    /// Fields the action form needs: `to_department`, `to_specialist`,
    /// `reasons`, `note`, `new_due`, `result`, `delivery`.
    pub needs: Vec<&'static str>,
}

#[derive(Debug, Serialize)]
pub struct EventView {
    pub seq: u32,
    pub at: String,
    pub text: String,
    pub action: String,
    pub actor: String,
    pub role: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handed_to: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct OptionView {
    pub value: String,
    pub label: String,
}

#[derive(Debug, Serialize)]
pub struct DeskFileView {
    pub id: String,
    pub component: usize,
    pub component_name: String,
    pub file_name: String,
    pub size: u64,
    pub revision: u32,
    /// `applicant` or `result`.
    pub source: &'static str,
}

#[derive(Debug, Serialize)]
pub struct DossierDeskView {
    pub code: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub summary: String,
    pub channel: String,
    pub applicant: serde_json::Value,
    pub result_delivery: String,
    pub received_at: String,
    pub status: StatusView,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due_text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub outlook: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assignee: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeliness: Option<String>,
    pub history: Vec<EventView>,
    pub files: Vec<DeskFileView>,
    pub actions: Vec<ActionView>,
    /// Printable forms for this dossier now (`mau-01`…`mau-05`).
    pub forms: Vec<OptionView>,
    /// Choices for `to_department` / `to_specialist`, when an action needs them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub departments: Vec<OptionView>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub specialists: Vec<OptionView>,
    /// Send back with the next action; a newer version answers 409.
    pub version: u64,
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub action: String,
    pub version: u64,
    #[serde(default)]
    pub note: Option<String>,
    /// A department id or an official's subject, for the hand-overs.
    #[serde(default)]
    pub to: Option<String>,
    /// `YYYY-MM-DD` (17:00 that day) or `YYYY-MM-DDTHH:MM`.
    #[serde(default)]
    pub new_due: Option<String>,
    /// Mẫu 02's items to add, or Mẫu 03's reasons.
    #[serde(default)]
    pub reasons: Vec<String>,
    #[serde(default)]
    pub result_number: Option<String>,
    /// Upload ids of the result's files (from `/api/can-bo/uploads`).
    #[serde(default)]
    pub result_files: Vec<String>,
    /// `at_desk`, `post` or `online`, for the return.
    #[serde(default)]
    pub delivery: Option<String>,
}

/// One paper handed in at the counter.
#[derive(Debug, Deserialize)]
pub struct PaperForm {
    pub component: usize,
    #[serde(default)]
    pub originals: u32,
    #[serde(default)]
    pub copies: u32,
}

#[derive(Debug, Deserialize)]
pub struct CounterForm {
    pub procedure_code: String,
    pub applicant: ApplicantForm,
    #[serde(default)]
    pub summary: Option<String>,
    pub result_delivery: DeliveryForm,
    pub papers: Vec<PaperForm>,
    /// Scans of the papers (from `/api/can-bo/uploads`).
    #[serde(default)]
    pub files: Vec<FileForm>,
    /// `counter` or `post`.
    #[serde(default)]
    pub channel: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct CounterReceiptView {
    pub dossier: DossierDeskView,
    /// Printed on Mẫu 01: with the code it lets the applicant track online.
    pub tracking_secret: String,
    pub tracking_url: String,
    pub receipt_form: String,
}
