//! Key spellings, in one place.

use chrono::NaiveDateTime;
use domain::{AgencyCode, DossierCode, NationalStatus, ProcedureCode};
use sha2::{Digest, Sha256};

pub const META: &str = "META";
pub const OUTBOX_DVCQG: &str = "OUTBOX#DVCQG";
pub const OUTBOX_NOTIFY: &str = "OUTBOX#NOTIFY";

pub fn dossier(code: &DossierCode) -> String {
    format!("DOSSIER#{code}")
}

pub fn event(seq: u32) -> String {
    format!("EVENT#{seq:06}")
}

pub fn counter(agency: &AgencyCode, day: chrono::NaiveDate) -> String {
    format!("COUNTER#{agency}#{}", day.format("%y%m%d"))
}

pub fn outbox_entry(at: NaiveDateTime, code: &DossierCode, seq: u32) -> String {
    format!("{}#{code}#{seq:06}", at.format("%Y-%m-%dT%H:%M:%S"))
}

/// Owners are identity-provider subjects; hashed so any spelling fits a key.
pub fn owner_hash(owner: &str) -> String {
    hex::encode(&Sha256::digest(owner.as_bytes())[..16])
}

pub fn idempotency(owner: &str, key: &str) -> String {
    format!("IDEMPOTENCY#{}#{key}", owner_hash(owner))
}

pub fn owner_index(owner: &str) -> String {
    format!("OWNER#{}", owner_hash(owner))
}

pub fn owner_sort(received_at: NaiveDateTime, code: &DossierCode) -> String {
    format!("{}#{code}", received_at.format("%Y-%m-%dT%H:%M:%S"))
}

pub fn queue(agency: &AgencyCode, status: NationalStatus) -> String {
    format!("QUEUE#{agency}#{:02}", status.code())
}

/// Dossiers without a deadline sort after every dated one.
pub fn queue_sort(due: Option<NaiveDateTime>, code: &DossierCode) -> String {
    match due {
        Some(due) => format!("{}#{code}", due.format("%Y-%m-%dT%H:%M:%S")),
        None => format!("9999#{code}"),
    }
}

pub fn procedure(code: &ProcedureCode) -> String {
    format!("PROCEDURE#{code}")
}
