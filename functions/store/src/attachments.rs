//! Attachments: the browser uploads straight to S3 through a presigned URL
//! whose size and SHA-256 are fixed when it is issued; before a dossier takes
//! a file, the object is checked — its size, its SHA-256 and its type, read
//! from the content, not the name. Files are never public: downloads go
//! through short-lived links.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::StoreError;
use crate::{Store, keys};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    Pdf,
    Jpeg,
    Png,
    Docx,
    Xlsx,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Pdf,
        FileKind::Jpeg,
        FileKind::Png,
        FileKind::Docx,
        FileKind::Xlsx,
    ];

    pub fn mime(self) -> &'static str {
        match self {
            FileKind::Pdf => "application/pdf",
            FileKind::Jpeg => "image/jpeg",
            FileKind::Png => "image/png",
            FileKind::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            FileKind::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    pub fn from_mime(mime: &str) -> Option<Self> {
        let mime = mime
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        Self::ALL.into_iter().find(|k| k.mime() == mime)
    }

    /// The kind the bytes really are, whatever the name or declared type says.
    pub fn detect(bytes: &[u8]) -> Option<Self> {
        infer::get(bytes).and_then(|t| Self::from_mime(t.mime_type()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileLimits {
    pub max_file_bytes: u64,
    pub max_dossier_bytes: u64,
    pub allowed: Vec<FileKind>,
}

impl Default for FileLimits {
    /// 20 MB a file, 100 MB a dossier, PDF/JPEG/PNG/DOCX/XLSX.
    fn default() -> Self {
        Self {
            max_file_bytes: 20 << 20,
            max_dossier_bytes: 100 << 20,
            allowed: FileKind::ALL.to_vec(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum AttachmentError {
    #[error("the file is {size} bytes; at most {max} are accepted")]
    TooLarge { size: u64, max: u64 },
    #[error("the file is empty")]
    Empty,
    #[error("`{0}` is not a hex SHA-256")]
    BadChecksum(String),
    #[error("files of type `{0}` are not accepted")]
    TypeNotAllowed(String),
    #[error("the file name is empty, too long or contains a path")]
    BadFileName,
    #[error("upload `{0}` was not found")]
    NotFound(String),
    #[error("upload `{id}` announced {announced} bytes but holds {actual}")]
    SizeMismatch {
        id: String,
        announced: u64,
        actual: u64,
    },
    #[error("upload `{0}` does not match its announced SHA-256")]
    ChecksumMismatch(String),
    #[error("upload `{id}` is declared {declared} but its content is {detected}")]
    ContentMismatch {
        id: String,
        declared: String,
        detected: String,
    },
    #[error("the dossier's files add up to {total} bytes; at most {max} are accepted")]
    DossierTooLarge { total: u64, max: u64 },
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the browser announces before uploading.
#[derive(Debug, Clone)]
pub struct UploadRequest {
    pub file_name: String,
    pub size: u64,
    pub sha256_hex: String,
    pub content_type: String,
}

/// Where and how to upload: a PUT to `url` with exactly `headers`.
#[derive(Debug, Clone, Serialize)]
pub struct UploadTicket {
    pub upload_id: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub expires_in_seconds: u64,
}

/// An uploaded object that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedUpload {
    pub upload_id: String,
    pub key: String,
    pub file_name: String,
    pub size: u64,
    pub sha256_hex: String,
    pub kind: FileKind,
}

/// A file attached to a dossier, as the dossier records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub id: String,
    /// Index of the dossier component in the procedure.
    pub component: usize,
    /// 0 for the first submission, then one more per supplement round.
    pub revision: u32,
    pub file_name: String,
    pub size: u64,
    pub sha256: String,
    pub kind: FileKind,
    pub key: String,
    pub uploaded_at: NaiveDateTime,
}

impl StoredFile {
    pub fn new(
        upload: VerifiedUpload,
        component: usize,
        revision: u32,
        uploaded_at: NaiveDateTime,
    ) -> Self {
        Self {
            id: upload.upload_id,
            component,
            revision,
            file_name: upload.file_name,
            size: upload.size,
            sha256: upload.sha256_hex,
            kind: upload.kind,
            key: upload.key,
            uploaded_at,
        }
    }
}

const META_OWNER: &str = "owner";
const META_SHA256: &str = "sha256";
const META_SIZE: &str = "size";
const META_NAME: &str = "file-name";

fn upload_key(owner: &str, upload_id: &str) -> String {
    format!("uploads/{}/{upload_id}", keys::owner_hash(owner))
}

impl Store {
    /// Issues a presigned PUT for one file of `owner`.
    pub async fn presign_upload(
        &self,
        owner: &str,
        request: &UploadRequest,
    ) -> Result<UploadTicket, AttachmentError> {
        let limits = &self.settings.limits;
        if request.size == 0 {
            return Err(AttachmentError::Empty);
        }
        if request.size > limits.max_file_bytes {
            return Err(AttachmentError::TooLarge {
                size: request.size,
                max: limits.max_file_bytes,
            });
        }
        let digest = hex::decode(&request.sha256_hex)
            .ok()
            .filter(|d| d.len() == 32)
            .ok_or_else(|| AttachmentError::BadChecksum(request.sha256_hex.clone()))?;
        let kind = FileKind::from_mime(&request.content_type)
            .filter(|k| limits.allowed.contains(k))
            .ok_or_else(|| AttachmentError::TypeNotAllowed(request.content_type.clone()))?;
        let name = request.file_name.trim();
        if name.is_empty() || name.chars().count() > 255 || name.contains(['/', '\\']) {
            return Err(AttachmentError::BadFileName);
        }
        let upload_id = uuid::Uuid::new_v4().to_string();
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(self.settings.link_ttl)
            .map_err(|e| AttachmentError::Store(StoreError::Unavailable(e.to_string())))?;
        let presigned = self
            .s3
            .put_object()
            .bucket(&self.settings.bucket)
            .key(upload_key(owner, &upload_id))
            .content_length(request.size as i64)
            .content_type(kind.mime())
            .checksum_sha256(STANDARD.encode(&digest))
            .metadata(META_OWNER, keys::owner_hash(owner))
            .metadata(META_SHA256, hex::encode(&digest))
            .metadata(META_SIZE, request.size.to_string())
            .metadata(META_NAME, URL_SAFE_NO_PAD.encode(name.as_bytes()))
            .tagging("state=pending")
            .presigned(config)
            .await
            .map_err(|e| AttachmentError::Store(StoreError::sdk(e)))?;
        let headers = presigned
            .headers()
            // The browser sets these itself (and may not set them by hand).
            .filter(|(name, _)| {
                !name.eq_ignore_ascii_case("host") && !name.eq_ignore_ascii_case("content-length")
            })
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        Ok(UploadTicket {
            upload_id,
            url: presigned.uri().to_owned(),
            headers,
            expires_in_seconds: self.settings.link_ttl.as_secs(),
        })
    }

    /// Checks an uploaded object of `owner` before a dossier takes it.
    pub async fn verify_upload(
        &self,
        owner: &str,
        upload_id: &str,
    ) -> Result<VerifiedUpload, AttachmentError> {
        let not_found = || AttachmentError::NotFound(upload_id.to_owned());
        uuid::Uuid::parse_str(upload_id).map_err(|_| not_found())?;
        let key = upload_key(owner, upload_id);
        let head = self
            .s3
            .head_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| match e.as_service_error() {
                Some(err) if err.is_not_found() => not_found(),
                _ => AttachmentError::Store(StoreError::sdk(e)),
            })?;
        let metadata = head.metadata().cloned().unwrap_or_default();
        if metadata.get(META_OWNER) != Some(&keys::owner_hash(owner)) {
            return Err(not_found());
        }
        let announced: u64 = metadata
            .get(META_SIZE)
            .and_then(|s| s.parse().ok())
            .ok_or_else(not_found)?;
        let actual = head.content_length().unwrap_or_default().max(0) as u64;
        let max = self.settings.limits.max_file_bytes;
        if actual > max {
            return Err(AttachmentError::TooLarge { size: actual, max });
        }
        if actual != announced {
            return Err(AttachmentError::SizeMismatch {
                id: upload_id.to_owned(),
                announced,
                actual,
            });
        }
        let declared = head.content_type().and_then(FileKind::from_mime);
        let body = self
            .s3
            .get_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| AttachmentError::Store(StoreError::sdk(e)))?
            .body
            .collect()
            .await
            .map_err(|e| AttachmentError::Store(StoreError::Unavailable(e.to_string())))?
            .into_bytes();
        if body.len() as u64 != announced {
            return Err(AttachmentError::SizeMismatch {
                id: upload_id.to_owned(),
                announced,
                actual: body.len() as u64,
            });
        }
        let sha256_hex = hex::encode(Sha256::digest(&body));
        if metadata.get(META_SHA256) != Some(&sha256_hex) {
            return Err(AttachmentError::ChecksumMismatch(upload_id.to_owned()));
        }
        let detected = FileKind::detect(&body).filter(|k| self.settings.limits.allowed.contains(k));
        if detected.is_none() || detected != declared {
            return Err(AttachmentError::ContentMismatch {
                id: upload_id.to_owned(),
                declared: declared.map_or("unknown", FileKind::mime).to_owned(),
                detected: detected.map_or_else(
                    || {
                        infer::get(&body)
                            .map_or("unknown", |t| t.mime_type())
                            .to_owned()
                    },
                    |k| k.mime().to_owned(),
                ),
            });
        }
        let file_name = metadata
            .get(META_NAME)
            .and_then(|n| URL_SAFE_NO_PAD.decode(n).ok())
            .and_then(|n| String::from_utf8(n).ok())
            .unwrap_or_else(|| upload_id.to_owned());
        Ok(VerifiedUpload {
            upload_id: upload_id.to_owned(),
            key,
            file_name,
            size: actual,
            sha256_hex,
            kind: detected.expect("checked above"),
        })
    }

    /// Verifies every upload of a dossier and checks the dossier's total size.
    pub async fn verify_uploads(
        &self,
        owner: &str,
        upload_ids: &[&str],
    ) -> Result<Vec<VerifiedUpload>, AttachmentError> {
        let mut verified = Vec::with_capacity(upload_ids.len());
        for id in upload_ids {
            verified.push(self.verify_upload(owner, id).await?);
        }
        let total: u64 = verified.iter().map(|v| v.size).sum();
        let max = self.settings.limits.max_dossier_bytes;
        if total > max {
            return Err(AttachmentError::DossierTooLarge { total, max });
        }
        Ok(verified)
    }

    /// Keeps a file the portal fetched itself (from the national portal, for
    /// a dossier submitted there), under the same checks as an upload: size,
    /// type read from the bytes. It is stored already attached: the dossier
    /// that names it is written next, and a dossier that is not leaves at
    /// most an unreferenced object behind, never a dossier without its file.
    pub async fn keep_file(
        &self,
        scope: &str,
        file_name: &str,
        body: &[u8],
    ) -> Result<VerifiedUpload, AttachmentError> {
        let limits = &self.settings.limits;
        let size = body.len() as u64;
        if size == 0 {
            return Err(AttachmentError::Empty);
        }
        if size > limits.max_file_bytes {
            return Err(AttachmentError::TooLarge {
                size,
                max: limits.max_file_bytes,
            });
        }
        let name = file_name.trim();
        if name.is_empty() || name.chars().count() > 255 || name.contains(['/', '\\']) {
            return Err(AttachmentError::BadFileName);
        }
        let kind = FileKind::detect(body)
            .filter(|k| limits.allowed.contains(k))
            .ok_or_else(|| {
                AttachmentError::TypeNotAllowed(
                    infer::get(body)
                        .map_or("unknown", |t| t.mime_type())
                        .to_owned(),
                )
            })?;
        let upload_id = uuid::Uuid::new_v4().to_string();
        let key = format!("fetched/{}/{upload_id}", keys::owner_hash(scope));
        let digest = Sha256::digest(body);
        self.s3
            .put_object()
            .bucket(&self.settings.bucket)
            .key(&key)
            .content_type(kind.mime())
            .checksum_sha256(STANDARD.encode(digest))
            .tagging("state=attached")
            .body(body.to_vec().into())
            .send()
            .await
            .map_err(|e| AttachmentError::Store(StoreError::sdk(e)))?;
        Ok(VerifiedUpload {
            upload_id,
            key,
            file_name: name.to_owned(),
            size,
            sha256_hex: hex::encode(digest),
            kind,
        })
    }

    /// Marks objects as belonging to a dossier, so the lifecycle rule that
    /// expires abandoned uploads leaves them alone.
    pub async fn mark_attached(&self, files: &[StoredFile]) -> Result<(), StoreError> {
        for file in files {
            let tagging = aws_sdk_s3::types::Tagging::builder()
                .tag_set(
                    aws_sdk_s3::types::Tag::builder()
                        .key("state")
                        .value("attached")
                        .build()
                        .map_err(StoreError::corrupt)?,
                )
                .build()
                .map_err(StoreError::corrupt)?;
            self.s3
                .put_object_tagging()
                .bucket(&self.settings.bucket)
                .key(&file.key)
                .tagging(tagging)
                .send()
                .await
                .map_err(StoreError::sdk)?;
        }
        Ok(())
    }

    /// A short-lived link that downloads `file` under its own name.
    pub async fn presign_download(&self, file: &StoredFile) -> Result<String, StoreError> {
        let config = aws_sdk_s3::presigning::PresigningConfig::expires_in(self.settings.link_ttl)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        let encoded: String = file
            .file_name
            .bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'.' | b'-' | b'_' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect();
        let presigned = self
            .s3
            .get_object()
            .bucket(&self.settings.bucket)
            .key(&file.key)
            .response_content_disposition(format!("attachment; filename*=UTF-8''{encoded}"))
            .response_content_type(file.kind.mime())
            .presigned(config)
            .await
            .map_err(StoreError::sdk)?;
        Ok(presigned.uri().to_owned())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_read_from_the_bytes() {
        assert_eq!(
            FileKind::detect(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"),
            Some(FileKind::Pdf)
        );
        assert_eq!(
            FileKind::detect(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0]),
            Some(FileKind::Png)
        );
        assert_eq!(
            FileKind::detect(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F']),
            Some(FileKind::Jpeg)
        );
        // An ELF executable named .pdf is not a PDF.
        assert_eq!(
            FileKind::detect(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00"),
            None
        );
        assert_eq!(FileKind::detect(b"MZ\x90\x00\x03\x00\x00\x00"), None);
        assert_eq!(
            FileKind::from_mime("application/pdf; charset=binary"),
            Some(FileKind::Pdf)
        );
        assert_eq!(FileKind::from_mime("application/x-msdownload"), None);
    }
}
