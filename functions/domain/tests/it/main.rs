//! Tests over the real national-portal data in `shared/data`.

mod real_catalogue;

use std::path::PathBuf;

/// `shared/data`, beside the clone, or where `DVC_SHARED_DATA` points.
pub fn shared_data(file: &str) -> String {
    let dir = std::env::var_os("DVC_SHARED_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data"));
    let path = dir.join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("reading {}: {e}", path.display()))
}
