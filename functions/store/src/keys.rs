//! Key spellings, in one place.

use chrono::NaiveDateTime;
use domain::{
    AgencyCode, DossierCode, NationalPetitionCode, NationalQuestionId, PetitionCode, ProcedureCode,
    QuestionCode, Queue,
};

use crate::petitions::PetitionQueue;
use crate::questions::QuestionQueue;
use sha2::{Digest, Sha256};

pub const META: &str = "META";
pub const OUTBOX_DVCQG: &str = "OUTBOX#DVCQG";
pub const OUTBOX_NOTIFY: &str = "OUTBOX#NOTIFY";
/// Messages to petitions' senders: a partition beside the dossiers' messages.
pub const OUTBOX_NOTIFY_PETITIONS: &str = "OUTBOX#NOTIFY#PAKN";
/// In a dossier's partition: its national-portal sync waits behind a dead letter.
pub const SYNC_HELD: &str = "SYNC#HELD";
/// In a dossier's partition: the applicant's rating.
pub const RATING: &str = "RATING";

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

/// The idempotency key a dossier submitted on the national portal is taken
/// in under: the portal may list it again, and it must become one dossier.
pub fn national_intake(code: &domain::NationalDossierCode) -> String {
    format!("DVCQG#{code}")
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

pub fn queue(agency: &AgencyCode, queue: &Queue) -> String {
    match queue {
        Queue::Desk => format!("QUEUE#{agency}#DESK"),
        Queue::Applicant => format!("QUEUE#{agency}#APPLICANT"),
        Queue::Department(d) => format!("QUEUE#{agency}#DEPT#{d}"),
        Queue::Approval(d) => format!("QUEUE#{agency}#APPROVAL#{d}"),
        Queue::Official(subject) => format!("QUEUE#{agency}#USER#{}", owner_hash(subject)),
    }
}

/// The register (sổ theo dõi) partition of an agency's month.
pub fn register(agency: &AgencyCode, day: chrono::NaiveDate) -> String {
    format!("REGISTER#{agency}#{}", day.format("%Y-%m"))
}

/// The ratings of an agency's dossiers given in the month of `day` (GSI3).
pub fn ratings(agency: &AgencyCode, day: chrono::NaiveDate) -> String {
    format!("RATINGS#{agency}#{}", day.format("%Y-%m"))
}

pub fn audit(agency: &AgencyCode, day: chrono::NaiveDate) -> String {
    format!("AUDIT#{agency}#{}", day.format("%Y-%m"))
}

pub fn official(subject: &str) -> String {
    format!("OFFICIAL#{}", owner_hash(subject))
}

pub fn staff(agency: &AgencyCode) -> String {
    format!("STAFF#{agency}")
}

pub fn agency(agency: &AgencyCode) -> String {
    format!("AGENCY#{agency}")
}

pub const AGENCIES: &str = "AGENCIES";

pub fn department(id: &domain::DepartmentId) -> String {
    format!("DEPT#{id}")
}

pub fn route(procedure: &ProcedureCode) -> String {
    format!("ROUTE#{procedure}")
}

/// Time stamps in sort keys: sortable text, Vietnam time.
pub fn stamp(at: NaiveDateTime) -> String {
    at.format("%Y-%m-%dT%H:%M:%S").to_string()
}

/// Dossiers without a deadline sort after every dated one.
pub fn queue_sort(due: Option<NaiveDateTime>, code: &DossierCode) -> String {
    match due {
        Some(due) => format!("{}#{code}", due.format("%Y-%m-%dT%H:%M:%S")),
        None => format!("9999#{code}"),
    }
}

pub fn question(code: &QuestionCode) -> String {
    format!("QUESTION#{code}")
}

/// An agency's lists of questions (GSI2), apart from its other queues.
pub fn question_queue(agency: &AgencyCode, queue: QuestionQueue) -> String {
    match queue {
        QuestionQueue::Unanswered => format!("QUEUE#{agency}#HOIDAP"),
        QuestionQueue::Unpublished => format!("QUEUE#{agency}#HOIDAP#PUBLISH"),
    }
}

pub fn question_sort(at: NaiveDateTime, code: &QuestionCode) -> String {
    format!("{}#{code}", stamp(at))
}

/// Every published answer of the deployment (GSI3), newest first.
pub const PUBLISHED_QUESTIONS: &str = "HOIDAP#PUBLISHED";

/// Question keys live beside the others of the same scope without meeting them.
pub fn question_idempotency(scope: &str, key: &str) -> String {
    idempotency(scope, &format!("HOIDAP#{key}"))
}

/// The key a question asked on the national portal is taken in under, for good.
pub fn national_question(id: &NationalQuestionId) -> String {
    format!("DVCQG#{id}")
}

/// Question packets for the national portal, apart from the dossiers' outbox.
pub const OUTBOX_DVCQG_QUESTIONS: &str = "OUTBOX#DVCQG#HOIDAP";

pub fn procedure(code: &ProcedureCode) -> String {
    format!("PROCEDURE#{code}")
}

pub fn petition(code: &PetitionCode) -> String {
    format!("PETITION#{code}")
}

/// An agency's petition queues (GSI2), apart from its dossier queues.
pub fn petition_queue(agency: &AgencyCode, queue: PetitionQueue) -> String {
    match queue {
        PetitionQueue::Open => format!("QUEUE#{agency}#PAKN"),
        PetitionQueue::Waiting => format!("QUEUE#{agency}#PAKN#WAITING"),
        PetitionQueue::Publish => format!("QUEUE#{agency}#PAKN#PUBLISH"),
    }
}

/// The petitions an agency received in the month of `day` (GSI3).
pub fn petition_register(agency: &AgencyCode, day: chrono::NaiveDate) -> String {
    format!("PAKN#{agency}#{}", day.format("%Y-%m"))
}

pub fn petition_sort(at: NaiveDateTime, code: &PetitionCode) -> String {
    format!("{}#{code}", stamp(at))
}

pub fn petition_outbox_entry(at: NaiveDateTime, code: &PetitionCode, seq: u32) -> String {
    format!("{}#{code}#{seq:06}", stamp(at))
}

/// PAKN packets for the national portal, apart from the dossiers' outbox.
pub const OUTBOX_DVCQG_PETITIONS: &str = "OUTBOX#DVCQG#PAKN";

/// The key a petition sent on the national portal is taken in under, for good.
pub fn national_petition(code: &NationalPetitionCode) -> String {
    format!("DVCQG#{code}")
}

/// The published answers to petitions, one item each (`SK` = the code).
pub const PUBLISHED_PETITIONS: &str = "PAKN#PUBLISHED";

/// "My petitions" (GSI1): beside the owner's dossiers, in a partition of their own.
pub fn petition_owner_index(owner: &str) -> String {
    format!("{}#PAKN", owner_index(owner))
}

/// Petition keys live beside dossier keys of the same scope without meeting them.
pub fn petition_idempotency(scope: &str, key: &str) -> String {
    idempotency(scope, &format!("PAKN#{key}"))
}
