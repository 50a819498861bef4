use std::time::Duration;

use crate::attachments::FileLimits;

/// Where the records and files live, and the limits on files.
#[derive(Debug, Clone)]
pub struct StoreSettings {
    pub table: String,
    pub bucket: String,
    /// Path-style S3 addresses, for local S3-compatible endpoints.
    pub s3_path_style: bool,
    pub limits: FileLimits,
    /// How long upload and download links stay valid.
    pub link_ttl: Duration,
}

impl StoreSettings {
    /// Reads `DVC_TABLE`, `DVC_BUCKET`, `DVC_S3_PATH_STYLE`, `DVC_MAX_FILE_MB`,
    /// `DVC_MAX_DOSSIER_MB`, `DVC_LINK_TTL_SECONDS`.
    pub fn from_env() -> Result<Self, String> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let number = |name: &str, default: u64| -> Result<u64, String> {
            var(name)
                .map(|v| {
                    v.trim()
                        .parse()
                        .map_err(|_| format!("{name} must be a whole number, not `{v}`"))
                })
                .unwrap_or(Ok(default))
        };
        let defaults = FileLimits::default();
        Ok(Self {
            table: var("DVC_TABLE").ok_or("DVC_TABLE is not set")?,
            bucket: var("DVC_BUCKET").ok_or("DVC_BUCKET is not set")?,
            s3_path_style: var("DVC_S3_PATH_STYLE").is_some_and(|v| v == "1" || v == "true"),
            limits: FileLimits {
                max_file_bytes: number("DVC_MAX_FILE_MB", defaults.max_file_bytes >> 20)? << 20,
                max_dossier_bytes: number("DVC_MAX_DOSSIER_MB", defaults.max_dossier_bytes >> 20)?
                    << 20,
                ..defaults
            },
            link_ttl: Duration::from_secs(number("DVC_LINK_TTL_SECONDS", 300)?),
        })
    }
}
