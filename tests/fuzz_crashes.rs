//! Replays every file kept under `tests/data/fuzz/` (fuzzer crash files, named
//! `<target>-crash-…`, and the seeds the fuzz targets start from) through every reader:
//! each must give a recording or an error, never a panic. `fuzz/run.sh` adds crash files
//! here when a fuzz target finds one.

use runform::io::{ColumnMap, InputFormat, ReadOptions, read_input_bytes};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn fuzz_files_read_without_panicking() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut all = Vec::new();
    files(&dir, &mut all);
    all.sort();
    assert!(!all.is_empty(), "no files under {}", dir.display());
    let formats = [
        None,
        Some(InputFormat::Canonical),
        Some(InputFormat::Gaitmap),
        Some(InputFormat::Fit),
        Some(InputFormat::Parquet),
        Some(InputFormat::SensorLogger),
        Some(InputFormat::Phyphox),
    ];
    let map = ColumnMap::parse("t=time,time_unit=ms,a=pelvis_acc_x,b=pelvis_acc_y,c=pelvis_acc_z")
        .unwrap();
    let mut panicked = Vec::new();
    for p in &all {
        let bytes = std::fs::read(p).unwrap();
        let name = p.display().to_string();
        for format in formats {
            let format = format.or_else(|| InputFormat::detect(&bytes));
            let run = std::panic::catch_unwind(|| {
                let _ = read_input_bytes(&bytes, &name, format, &ReadOptions::default());
            });
            if run.is_err() {
                panicked.push(format!("{name} as {format:?}"));
            }
        }
        let o = ReadOptions {
            map: Some(map.clone()),
            ..ReadOptions::default()
        };
        if std::panic::catch_unwind(|| read_input_bytes(&bytes, &name, None, &o)).is_err() {
            panicked.push(format!("{name} through a map"));
        }
    }
    assert!(panicked.is_empty(), "panicked on: {panicked:#?}");
}
