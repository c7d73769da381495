//! Layer 7: golden tests. The binary's JSON report and text summary of one bundled sample
//! file must match the files in `tests/golden/` exactly.
//!
//! When a change to the analysis moves the numbers on purpose, look at the difference,
//! then re-bless the files with
//!
//! ```text
//! RUNFORM_BLESS=1 cargo test --release --test golden
//! ```
//!
//! and commit them with the change. Nothing is masked: the input path is given relative
//! to the repository, and `runform_version` comes from Cargo.toml.

use std::path::{Path, PathBuf};
use std::process::Command;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `runform analyze sample_data/<sample> --frame body --format <format>` from the
/// repository root and returns its standard output.
fn analyze(sample: &str, format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_runform"))
        .current_dir(root())
        .args([
            "analyze",
            &format!("sample_data/{sample}"),
            "--frame",
            "body",
        ])
        .args(["--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Compares `got` with the golden file, or rewrites the file when `RUNFORM_BLESS` is set.
fn check(got: &str, golden: &str) {
    let path: PathBuf = root().join("tests/golden").join(golden);
    if std::env::var_os("RUNFORM_BLESS").is_some() {
        std::fs::write(&path, got).unwrap();
        eprintln!("blessed {}", path.display());
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (create it with RUNFORM_BLESS=1 cargo test --release --test golden)",
            path.display()
        )
    });
    if got != want {
        let line = got
            .lines()
            .zip(want.lines())
            .position(|(g, w)| g != w)
            .unwrap_or_else(|| got.lines().count().min(want.lines().count()));
        panic!(
            "{} differs from the output, first at line {}:\n  golden: {:?}\n  output: {:?}\n\
             If the change is intended, re-bless with RUNFORM_BLESS=1 cargo test --release --test golden",
            path.display(),
            line + 1,
            want.lines().nth(line).unwrap_or("<end>"),
            got.lines().nth(line).unwrap_or("<end>"),
        );
    }
}

#[test]
fn heel_striker_json_report_is_unchanged() {
    check(
        &analyze("heel-striker.csv", "json"),
        "heel-striker.report.json",
    );
}

#[test]
fn heel_striker_text_summary_is_unchanged() {
    check(
        &analyze("heel-striker.csv", "text"),
        "heel-striker.summary.txt",
    );
}
