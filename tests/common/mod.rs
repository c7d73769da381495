//! Helpers shared by the integration tests.

pub mod fitfile;

use std::path::PathBuf;

/// The folder of real recordings: `$RUNFORM_REAL_DATA`, else `../shared/data/real` beside
/// the repository; `None`, with a printed skip notice, when it does not exist.
#[allow(dead_code)]
pub fn real_data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RUNFORM_REAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: real recordings not found at {} (set RUNFORM_REAL_DATA)",
            dir.display()
        );
        None
    }
}
