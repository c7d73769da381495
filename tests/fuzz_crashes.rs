//! Replays every file kept under `tests/data/fuzz/` (fuzzer crash files, named
//! `<target>-crash-…` or named after what broke, and the seeds the fuzz targets start
//! from) through every reader: each must give a recording or an error, never a panic.
//! `fuzz/run.sh` adds crash files here when a fuzz target finds one; any file put here is
//! picked up without changing this test.

use runform::io::{ColumnMap, InputFormat, ReadOptions, read_input_bytes};
use std::path::{Path, PathBuf};

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            if p.ends_with("open") {
                continue;
            }
            files(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The tests that count or replay panics run one at a time: a panic hook is global, and
/// polars panics on its own threads.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn fuzz_files_read_without_panicking() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // open findings abort the process: they are replayed through the binary below
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

/// Seeded mutations of the seed files (bit flips, byte overwrites, truncation, cut-outs,
/// duplicated spans, huge length fields) through every reader: none may panic, inside a
/// reader's own guard or out of it. A cheap, deterministic stand-in for the fuzz targets
/// that runs with the test suite; `MUTATIONS` sets the count per seed (default 300).
#[test]
fn mutated_seeds_read_without_panicking() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static PANICS: AtomicUsize = AtomicUsize::new(0);
    static FIRST: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        let mut first = FIRST.lock().unwrap_or_else(|e| e.into_inner());
        if first.len() < 5 {
            first.push(info.to_string());
        }
    }));

    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/seeds");
    let mut seeds = Vec::new();
    files(&dir, &mut seeds);
    seeds.sort();
    if let Ok(skip) = std::env::var("MUTATIONS_SKIP") {
        seeds.retain(|p| !p.to_string_lossy().contains(&skip));
    }
    let per_seed: usize = std::env::var("MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move |n: usize| {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        (x % n.max(1) as u64) as usize
    };
    let mut execs = 0usize;
    let mut escaped = Vec::new();
    for seed in &seeds {
        let original = std::fs::read(seed).unwrap();
        let format = InputFormat::detect(&original);
        for m in 0..per_seed {
            let mut b = original.clone();
            for _ in 0..1 + next(4) {
                let len = b.len().max(1);
                match next(6) {
                    0 => {
                        let i = next(len);
                        if let Some(v) = b.get_mut(i) {
                            *v ^= 1 << next(8);
                        }
                    }
                    1 => {
                        let i = next(len);
                        if let Some(v) = b.get_mut(i) {
                            *v = [0, 0xFF, b',', b'\n', b'.', b'-', b'9', b'"'][next(8)];
                        }
                    }
                    2 => b.truncate(next(len)),
                    3 => {
                        let (i, n) = (next(len), next(64));
                        let end = (i + n).min(b.len());
                        if i < end {
                            b.drain(i..end);
                        }
                    }
                    4 => {
                        let (i, n) = (next(len), next(256));
                        let end = (i + n).min(b.len());
                        if i < end {
                            let span = b[i..end].to_vec();
                            b.splice(i..i, span);
                        }
                    }
                    _ => {
                        let i = next(len);
                        for k in 0..4 {
                            if let Some(v) = b.get_mut(i + k) {
                                *v = 0xFF;
                            }
                        }
                    }
                }
            }
            let name = format!("{}#{m}", seed.display());
            if let Some(p) = std::env::var_os("MUTATIONS_LAST") {
                // keeps the input being read, to find the one that aborts the process
                std::fs::write(p, &b).unwrap();
            }
            for f in [format, InputFormat::detect(&b)] {
                execs += 1;
                let run = std::panic::catch_unwind(|| {
                    let _ = read_input_bytes(&b, &name, f, &ReadOptions::default());
                });
                if run.is_err() {
                    escaped.push(format!("{name} as {f:?}"));
                }
            }
        }
    }
    std::panic::set_hook(default_hook);
    let panics = PANICS.load(Ordering::SeqCst);
    eprintln!(
        "{execs} reads of {} mutated seeds, {panics} panics",
        seeds.len()
    );
    assert!(
        escaped.is_empty(),
        "panics escaped the readers: {escaped:#?}"
    );
    assert_eq!(
        panics,
        0,
        "panics inside the readers' guards: {:#?}",
        FIRST.lock().unwrap()
    );
}

/// The format a kept file was found with, from its name (`<target>-…`): the fuzz target
/// that found it forces one; `text` files are recognised by their content.
fn forced_format(name: &str) -> Option<&'static str> {
    match name.split('-').next()? {
        "fit" => Some("fit"),
        "parquet" => Some("parquet"),
        "phone" => Some("sensor-logger"),
        _ => None,
    }
}

/// Every kept finding through the binary as a user would meet it: exit 2 and one line
/// on stderr naming the file (or a report, exit 0, if the bytes happen to be readable);
/// never a panic (101) or an abort (a signal).
#[test]
fn kept_findings_exit_2_with_one_line() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz");
    let mut kept: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_file())
        .collect();
    kept.sort();
    assert!(!kept.is_empty(), "no findings kept in {}", dir.display());
    for p in kept {
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_runform"));
        cmd.arg("analyze").arg(&p);
        if let Some(f) = forced_format(&name) {
            cmd.args(["--input-format", f]);
        }
        let out = cmd.output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        match out.status.code() {
            Some(0) => {}
            Some(2) => {
                assert_eq!(err.lines().count(), 1, "{name}: {err}");
                assert!(err.contains(&name), "{name}: {err}");
            }
            code => panic!("{name}: exit {code:?}: {err}"),
        }
    }
}

/// Open findings (`tests/data/fuzz/open/`, when there are any): inputs on which a
/// dependency aborts the process instead of returning an error and runform cannot yet
/// guard against it. Replayed through the binary, which must exit 2 with one line;
/// ignored until fixed. `cargo test --test fuzz_crashes -- --ignored`.
#[test]
#[ignore = "replays open findings (tests/data/fuzz/open/), when there are any: none are open now"]
fn open_findings_exit_2() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz/open");
    let mut all = Vec::new();
    if dir.is_dir() {
        files(&dir, &mut all);
    }
    for p in all {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_runform"))
            .arg("analyze")
            .arg(&p)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(2),
            "{}: {}",
            p.display(),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
