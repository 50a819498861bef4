//! Inbound sync: the national procedure database and its dictionaries, read
//! from the share endpoint into the store and the catalogue export.
//!
//! [`import`] lists the procedures (`LayDanhSachTTHC`), fetches each one
//! (`LayThuTuc`, a few at a time), converts it with the domain's conversion
//! (`TryFrom<LayThuTuc> for Procedure`) and compares it with the store's
//! copy; then it pulls the dictionaries. Only when everything has been read
//! does it write: the new and changed procedures to the store
//! (`Store::put_procedures`), then the files, each written to a temporary
//! file beside it and renamed into place, so a failed import leaves the
//! previous files whole:
//!
//! - the catalogue export ([`InboundSettings::export`]): a `LayThuTuc`
//!   answer `{"result": […]}` holding every accepted record as the portal
//!   sent it, one a line. `sitegen import <export>.json` reads it and writes
//!   the procedure pages, from which the site and its search index are built;
//! - beside it, one JSON-lines file per dictionary, named after its service
//!   (`LayDanhMucCoQuan.jsonl`, `LayDanhMucLinhVuc.jsonl`,
//!   `LayDanhMucTinhThanh.jsonl`, `LayDanhMucQuanHuyen.jsonl`,
//!   `LayDanhMucPhuongXa.jsonl`), one wire record a line. The store has no
//!   place for the national dictionaries (its directory holds our own
//!   agencies' organisation), so they live next to the export.
//!
//! A record the portal refuses, that cannot be read, or that the conversion
//! rejects is reported with the reason and left out; it is not an error. A
//! transport failure (timeout, 5xx, a refused login) ends the import with an
//! error before anything is written.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use domain::{LayThuTuc, NationalRecordError, Procedure, ProcedureCode};
use serde::Serialize;
use serde_json::Value;
use store::{Store, StoreError};
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::client::{Client, SendError};
use crate::packets::service;
use crate::share::{
    ByProcedure, DanhMucCoQuan, DanhMucLinhVuc, NoParams, PhuongXa, QuanHuyen, ThuTucTomTat,
    TinhThanh,
};

#[derive(Debug, Clone)]
pub struct InboundSettings {
    /// The unit the calls are made for (`madonvi`).
    pub madonvi: String,
    /// The catalogue export to write (`….json`); the dictionaries go beside it.
    pub export: PathBuf,
    /// How many `LayThuTuc` calls may be in flight at once.
    pub concurrency: usize,
}

/// The national dictionaries, as the share endpoint lists them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dictionaries {
    pub agencies: Vec<DanhMucCoQuan>,
    pub fields: Vec<DanhMucLinhVuc>,
    pub provinces: Vec<TinhThanh>,
    pub districts: Vec<QuanHuyen>,
    pub communes: Vec<PhuongXa>,
}

/// What an import found and did.
#[derive(Debug, Default)]
pub struct InboundReport {
    /// Procedures in `LayDanhSachTTHC`.
    pub listed: usize,
    /// Accepted and not in the store before; written.
    pub new: Vec<ProcedureCode>,
    /// Accepted and different from the store's copy; written.
    pub changed: Vec<ProcedureCode>,
    /// Accepted and equal to the store's copy; not written again.
    pub unchanged: Vec<ProcedureCode>,
    /// Left out, with the reason, in the order listed.
    pub rejected: Vec<Rejected>,
    pub dictionaries: Dictionaries,
    /// The files written: the export, then the dictionaries.
    pub files: Vec<PathBuf>,
}

impl InboundReport {
    /// Procedures in the export (and in the store, as of this import).
    pub fn accepted(&self) -> usize {
        self.new.len() + self.changed.len() + self.unchanged.len()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The code as listed.
    pub code: String,
    pub reason: RejectReason,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RejectReason {
    #[error("listed more than once")]
    Duplicate,
    #[error("{0}")]
    Refused(String),
    #[error("LayThuTuc answered no record")]
    Missing,
    #[error("LayThuTuc answered the record of `{found}` instead")]
    OtherRecord { found: String },
    #[error("not a LayThuTuc record: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Record(#[from] NationalRecordError),
}

#[derive(Debug, thiserror::Error)]
pub enum InboundError {
    #[error("{service}: {error}")]
    Portal {
        service: &'static str,
        error: SendError,
    },
    #[error("the store: {0}")]
    Store(#[from] StoreError),
    #[error("{}: {error}", path.display())]
    File {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error("a fetch task ended unexpectedly: {0}")]
    Task(String),
}

/// One listed procedure, fetched and judged.
enum Fetched {
    /// The record as sent, and what it converts to, with the store's copy.
    Accepted {
        record: Value,
        procedure: Box<Procedure>,
        stored: Option<Box<Procedure>>,
    },
    Rejected(RejectReason),
}

/// Imports the national procedure database and its dictionaries: see the
/// module's documentation for what is written where.
pub async fn import(
    client: Arc<Client>,
    store: &Store,
    settings: &InboundSettings,
) -> Result<InboundReport, InboundError> {
    let portal = |service: &'static str| move |error| InboundError::Portal { service, error };
    let listed: Vec<ThuTucTomTat> = client
        .share(&settings.madonvi, service::PROCEDURE_LIST, &NoParams {})
        .await
        .map_err(portal(service::PROCEDURE_LIST))?;
    let mut report = InboundReport {
        listed: listed.len(),
        ..InboundReport::default()
    };

    let mut seen = std::collections::HashSet::new();
    let mut outcomes: Vec<Option<Fetched>> = Vec::new();
    let limit = Arc::new(Semaphore::new(settings.concurrency.max(1)));
    let mut tasks = JoinSet::new();
    for (index, item) in listed.iter().enumerate() {
        if !seen.insert(item.MATTHC.clone()) {
            outcomes.push(Some(Fetched::Rejected(RejectReason::Duplicate)));
            continue;
        }
        outcomes.push(None);
        let (client, store, limit) = (client.clone(), store.clone(), limit.clone());
        let (madonvi, code) = (settings.madonvi.clone(), item.MATTHC.clone());
        tasks.spawn(async move {
            let _permit = limit
                .acquire_owned()
                .await
                .expect("the semaphore stays open");
            (index, fetch(&client, &store, &madonvi, &code).await)
        });
    }
    while let Some(done) = tasks.join_next().await {
        let (index, fetched) = done.map_err(|e| InboundError::Task(e.to_string()))?;
        // A fatal error drops `tasks`, which aborts the calls still in flight.
        outcomes[index] = Some(fetched?);
    }

    let dictionaries = Dictionaries {
        agencies: pull(&client, &settings.madonvi, service::AGENCIES).await?,
        fields: pull(&client, &settings.madonvi, service::FIELDS).await?,
        provinces: pull(&client, &settings.madonvi, service::PROVINCES).await?,
        districts: pull(&client, &settings.madonvi, service::DISTRICTS).await?,
        communes: pull(&client, &settings.madonvi, service::COMMUNES).await?,
    };

    let mut records = Vec::new();
    let mut writes = Vec::new();
    for (item, outcome) in listed.iter().zip(outcomes) {
        match outcome.expect("every listed procedure was judged") {
            Fetched::Rejected(reason) => report.rejected.push(Rejected {
                code: item.MATTHC.clone(),
                reason,
            }),
            Fetched::Accepted {
                record,
                procedure,
                stored,
            } => {
                records.push(record);
                let code = procedure.code.clone();
                match stored {
                    None => report.new.push(code),
                    Some(stored) if stored == procedure => {
                        report.unchanged.push(code);
                        continue;
                    }
                    Some(_) => report.changed.push(code),
                }
                writes.push(*procedure);
            }
        }
    }
    store.put_procedures(&writes).await?;

    let directory = settings
        .export
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(directory).map_err(|error| InboundError::File {
        path: directory.to_owned(),
        error,
    })?;
    let mut files = vec![(settings.export.clone(), export_text(&records))];
    let mut dictionary = |service: &str, text: String| {
        files.push((directory.join(format!("{service}.jsonl")), text));
    };
    dictionary(service::AGENCIES, json_lines(&dictionaries.agencies));
    dictionary(service::FIELDS, json_lines(&dictionaries.fields));
    dictionary(service::PROVINCES, json_lines(&dictionaries.provinces));
    dictionary(service::DISTRICTS, json_lines(&dictionaries.districts));
    dictionary(service::COMMUNES, json_lines(&dictionaries.communes));
    write_all(&files)?;
    report.files = files.into_iter().map(|(path, _)| path).collect();
    report.dictionaries = dictionaries;
    tracing::info!(
        listed = report.listed,
        new = report.new.len(),
        changed = report.changed.len(),
        unchanged = report.unchanged.len(),
        rejected = report.rejected.len(),
        export = %settings.export.display(),
        "national procedure database imported"
    );
    Ok(report)
}

/// Fetches one procedure and judges it; `Err` only for what ends the import.
async fn fetch(
    client: &Client,
    store: &Store,
    madonvi: &str,
    code: &str,
) -> Result<Fetched, InboundError> {
    let params = ByProcedure {
        maTTHC: code.to_owned(),
    };
    let answer: Vec<Value> = match client.share(madonvi, service::PROCEDURE, &params).await {
        Ok(answer) => answer,
        Err(error) if error.is_retryable() => {
            return Err(InboundError::Portal {
                service: service::PROCEDURE,
                error,
            });
        }
        Err(refused) => {
            return Ok(Fetched::Rejected(RejectReason::Refused(
                refused.to_string(),
            )));
        }
    };
    let Some(record) = answer.into_iter().next() else {
        return Ok(Fetched::Rejected(RejectReason::Missing));
    };
    let national = match serde_json::from_value::<LayThuTuc>(record.clone()) {
        Ok(national) => national,
        Err(e) => return Ok(Fetched::Rejected(RejectReason::Unreadable(e.to_string()))),
    };
    if national.MATTHC.as_deref() != Some(code) {
        return Ok(Fetched::Rejected(RejectReason::OtherRecord {
            found: national.MATTHC.unwrap_or_default(),
        }));
    }
    let procedure = match Procedure::try_from(national) {
        Ok(procedure) => procedure,
        Err(e) => return Ok(Fetched::Rejected(e.into())),
    };
    let stored = store.get_procedure(&procedure.code).await?;
    Ok(Fetched::Accepted {
        record,
        procedure: Box::new(procedure),
        stored: stored.map(Box::new),
    })
}

async fn pull<T: serde::de::DeserializeOwned>(
    client: &Client,
    madonvi: &str,
    service: &'static str,
) -> Result<Vec<T>, InboundError> {
    client
        .share(madonvi, service, &NoParams {})
        .await
        .map_err(|error| InboundError::Portal { service, error })
}

/// The export as a `LayThuTuc` answer, one record a line (diffs stay readable).
fn export_text(records: &[Value]) -> String {
    let lines: Vec<String> = records.iter().map(Value::to_string).collect();
    if lines.is_empty() {
        return "{\"error_code\":0,\"result\":[]}\n".to_owned();
    }
    format!(
        "{{\"error_code\":0,\"result\":[\n{}\n]}}\n",
        lines.join(",\n")
    )
}

fn json_lines<T: Serialize>(records: &[T]) -> String {
    records
        .iter()
        .map(|r| serde_json::to_string(r).expect("wire records serialise") + "\n")
        .collect()
}

/// Writes every file beside itself first, then renames them all into place.
fn write_all(files: &[(PathBuf, String)]) -> Result<(), InboundError> {
    let temporary = |path: &Path| {
        let mut name = path.file_name().unwrap_or_default().to_owned();
        name.push(format!(".{}.partial", std::process::id()));
        path.with_file_name(name)
    };
    let fail = |path: &Path| {
        let path = path.to_owned();
        move |error| InboundError::File { path, error }
    };
    for (at, (path, text)) in files.iter().enumerate() {
        let partial = temporary(path);
        if let Err(error) = std::fs::write(&partial, text) {
            for (written, _) in &files[..=at] {
                let _ = std::fs::remove_file(temporary(written));
            }
            return Err(fail(&partial)(error));
        }
    }
    for (path, _) in files {
        std::fs::rename(temporary(path), path).map_err(fail(path))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_export_is_a_lay_thu_tuc_answer_one_record_a_line() {
        let records = [
            json!({"MATTHC": "1.000419", "TENTTHC": "Thủ tục đăng ký khai tử lưu động"}),
            json!({"MATTHC": "2.000507", "TENTTHC": "Đăng ký lại kết hôn"}),
        ];
        let text = export_text(&records);
        assert_eq!(text.lines().count(), 4);
        let read: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(read["result"], json!(records));
        let first = LayThuTuc::from_json(&text).unwrap();
        assert_eq!(first.MATTHC.as_deref(), Some("1.000419"));
        let empty: Value = serde_json::from_str(&export_text(&[])).unwrap();
        assert_eq!(empty["result"], json!([]));
    }

    #[test]
    fn files_are_renamed_into_place_only_once_all_are_written() {
        let dir = std::env::temp_dir().join(format!("dvcqg-inbound-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let good = dir.join("a.jsonl");
        std::fs::write(&good, "old\n").unwrap();
        let unwritable = dir.join("missing-directory").join("b.jsonl");
        let result = write_all(&[(good.clone(), "new\n".into()), (unwritable, "x".into())]);
        assert!(matches!(result, Err(InboundError::File { .. })));
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "old\n");
        let left: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(left, ["a.jsonl"], "no partial file is left behind");
        write_all(&[(good.clone(), "new\n".into())]).unwrap();
        assert_eq!(std::fs::read_to_string(&good).unwrap(), "new\n");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn rejections_say_why() {
        assert_eq!(
            RejectReason::OtherRecord {
                found: "1.000001".into()
            }
            .to_string(),
            "LayThuTuc answered the record of `1.000001` instead"
        );
        assert!(
            RejectReason::from(NationalRecordError::Channel("9".into()))
                .to_string()
                .contains("channel `9`")
        );
    }
}
