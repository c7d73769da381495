//! Batch: many recordings analysed in parallel on all cores (one worker thread per core), and the runs table — one
//! row per run with its date, duration, distance and speed when known, every numeric
//! summary metric and every fault — for [`history`](crate::history) and for any tool
//! that reads Parquet or CSV.
//!
//! A file that fails is reported in its [`RunOutcome`] and the batch goes on.
//!
//! # The runs table
//! Columns: `file`, `runner`, `date` (`YYYY-MM-DD` or empty), `month` (`YYYY-MM`, or
//! `undated`), `duration_s`, `running_s`, `distance_m`, `speed_mps`, then one column per
//! numeric summary metric named by its JSON key (nested keys joined by `_`:
//! `foot_strike_angle_deg`, `foot_strike_share_pct_rearfoot`,
//! `cadence_by_placement_pelvis`), then `fault_<id>` with the fault's severity. A value
//! the run does not have is empty (null). [`write_runs_partitioned`] writes
//! `runner=<runner>/month=<month>/runs.parquet` below a folder, the layout DuckDB, Spark
//! and polars read as one table with `runner` and `month` as columns.
//!
//! # Dates
//! A run's date is the first `YYYY-MM-DD` in its file name (e.g.
//! `2026-03-02-tempo.csv`), or the one [`BatchConfig::date`] gives.

use crate::analysis::AnalysisConfig;
use crate::error::{Error, InputError, Problem, Result};
use crate::faults::Severity;
use crate::history::RunRow;
use crate::io::{ReadOptions, WindowPlan};
use crate::report::Report;
use chrono::NaiveDate;
use polars::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// File endings a folder is searched for (case-insensitive).
pub const RECORDING_EXTENSIONS: [&str; 4] = ["csv", "fit", "parquet", "zip"];

/// Settings of a batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchConfig {
    /// How each file is read.
    pub read: ReadOptions,
    /// How each recording is analysed.
    pub analysis: AnalysisConfig,
    /// How a long recording is cut into windows (one at a time per worker).
    pub plan: WindowPlan,
    /// Whose runs these are (the table's `runner`); empty reads as `unknown`.
    pub runner: String,
    /// The date of every run when given (else from each file name).
    pub date: Option<NaiveDate>,
    /// Worker threads; 0 = one per core.
    pub threads: usize,
}

/// What became of one file.
#[derive(Debug)]
pub struct RunOutcome {
    /// The file.
    pub path: PathBuf,
    /// Its report, or why it could not be analysed.
    pub result: Result<Report>,
    /// Wall time of reading and analysing it, s.
    pub seconds: f64,
    /// Its size, bytes (0 when unknown).
    pub bytes: u64,
}

impl BatchConfig {
    /// Reads and analyses every file, in parallel; `on_done` is called (from the worker
    /// threads) as each finishes. Outcomes come back in the order of `files`.
    ///
    /// The workers are plain threads taking the next file from a shared counter, not a
    /// rayon pool: polars parses on its own rayon pool, and a rayon worker waiting for
    /// another pool steals its own pool's jobs meanwhile, so files would be analysed
    /// nested inside each other until the stack overflows.
    pub fn process(
        &self,
        files: &[PathBuf],
        on_done: &(dyn Fn(&RunOutcome) + Sync),
    ) -> Result<Vec<RunOutcome>> {
        let workers = match self.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        }
        .min(files.len().max(1));
        let next = AtomicUsize::new(0);
        let slots: Vec<Mutex<Option<RunOutcome>>> =
            files.iter().map(|_| Mutex::new(None)).collect();
        std::thread::scope(|scope| -> Result<()> {
            for _ in 0..workers {
                std::thread::Builder::new()
                    // as much stack as the main thread has
                    .stack_size(8 << 20)
                    .spawn_scoped(scope, || {
                        loop {
                            let k = next.fetch_add(1, Ordering::Relaxed);
                            let Some(path) = files.get(k) else { break };
                            let outcome = self.one(path);
                            on_done(&outcome);
                            if let Ok(mut slot) = slots[k].lock() {
                                *slot = Some(outcome);
                            }
                        }
                    })
                    .map_err(|e| Error::Setting(format!("cannot start a worker thread: {e}")))?;
            }
            Ok(())
        })?;
        Ok(slots
            .into_iter()
            .zip(files)
            .map(|(slot, path)| {
                slot.into_inner()
                    .ok()
                    .flatten()
                    .unwrap_or_else(|| RunOutcome {
                        path: path.clone(),
                        result: Err(Error::Setting(format!(
                            "{}: a worker thread stopped before finishing it",
                            path.display()
                        ))),
                        seconds: 0.0,
                        bytes: 0,
                    })
            })
            .collect())
    }

    /// Reads and analyses one file.
    fn one(&self, path: &Path) -> RunOutcome {
        let started = Instant::now();
        let result = self
            .analysis
            .process_path(path, &self.read, self.plan)
            .map(|analysed| analysed.report);
        RunOutcome {
            path: path.to_path_buf(),
            result,
            seconds: started.elapsed().as_secs_f64(),
            bytes: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
        }
    }

    /// The runs-table row of a report.
    pub fn row(&self, path: &Path, report: &Report) -> RunRow {
        run_row(
            report,
            &path.display().to_string(),
            &self.runner,
            self.date.or_else(|| date_in_name(path)),
        )
    }
}

/// The recordings named by `paths`: files as given, folders searched recursively for
/// [`RECORDING_EXTENSIONS`] (skipping hidden entries), each folder's files in name order.
/// A folder with none is an input error naming it.
pub fn recordings_in(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let before = out.len();
            walk(p, &mut out)?;
            if out.len() == before {
                return Err(InputError::new(
                    p.display().to_string(),
                    Problem::NoFile {
                        what: format!(
                            "a directory with no recordings in it (*.{})",
                            RECORDING_EXTENSIONS.join(", *.")
                        ),
                    },
                )
                .into());
            }
        } else if p.is_file() {
            out.push(p.clone());
        } else {
            return Err(InputError::new(
                p.display().to_string(),
                Problem::NoFile {
                    what: "no such file or folder".into(),
                },
            )
            .into());
        }
    }
    Ok(out)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out)?;
        } else if p.extension().is_some_and(|e| {
            RECORDING_EXTENSIONS.contains(&e.to_string_lossy().to_ascii_lowercase().as_str())
        }) {
            out.push(p);
        }
    }
    Ok(())
}

/// The first `YYYY-MM-DD` in the file name that is a real date.
pub fn date_in_name(path: &Path) -> Option<NaiveDate> {
    let name = path.file_name()?.to_string_lossy();
    let b = name.as_bytes();
    (0..b.len().saturating_sub(9)).find_map(|i| {
        let s = &b[i..i + 10];
        let shape = s.iter().enumerate().all(|(k, c)| match k {
            4 | 7 => *c == b'-',
            _ => c.is_ascii_digit(),
        });
        let before_ok = i == 0 || !b[i - 1].is_ascii_digit();
        let after_ok = b.get(i + 10).is_none_or(|c| !c.is_ascii_digit());
        if shape && before_ok && after_ok {
            std::str::from_utf8(s).ok()?.parse().ok()
        } else {
            None
        }
    })
}

/// Numeric leaves of a JSON value, nested keys joined by `_`.
fn numeric_leaves(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, f64>) {
    match v {
        serde_json::Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                out.insert(prefix.to_string(), x);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}_{k}")
                };
                numeric_leaves(&key, v, out);
            }
        }
        _ => {}
    }
}

/// The runs-table row of `report`.
pub fn run_row(report: &Report, file: &str, runner: &str, date: Option<NaiveDate>) -> RunRow {
    let mut metrics = BTreeMap::new();
    if let Ok(summary) = serde_json::to_value(&report.summary) {
        numeric_leaves("", &summary, &mut metrics);
    }
    let running_s = report.summary.running_s;
    metrics.remove("running_s");
    let distance_in_summary = metrics.remove("distance_m");
    let speed_mps = metrics.get("speed_mps").copied();
    let distance_m = distance_in_summary.or(speed_mps.map(|v| v * running_s));
    RunRow {
        file: file.to_string(),
        runner: runner.to_string(),
        date,
        duration_s: report.input.duration_s,
        running_s,
        distance_m,
        speed_mps,
        metrics,
        faults: report
            .faults
            .iter()
            .map(|f| (f.id.clone(), f.severity))
            .collect(),
    }
}

const FIXED: [&str; 8] = [
    "file",
    "runner",
    "date",
    "month",
    "duration_s",
    "running_s",
    "distance_m",
    "speed_mps",
];

fn runner_or_unknown(r: &RunRow) -> &str {
    if r.runner.is_empty() {
        "unknown"
    } else {
        &r.runner
    }
}

fn month_of(r: &RunRow) -> String {
    r.date
        .map(|d| d.format("%Y-%m").to_string())
        .unwrap_or_else(|| "undated".into())
}

/// The runs table as a polars frame (columns in the module header's order).
pub fn runs_frame(rows: &[RunRow]) -> PolarsResult<DataFrame> {
    let metric_names: BTreeSet<&String> = rows
        .iter()
        .flat_map(|r| r.metrics.keys())
        .filter(|k| !FIXED.contains(&k.as_str()))
        .collect();
    let fault_ids: BTreeSet<&String> = rows.iter().flat_map(|r| r.faults.keys()).collect();
    let text = |name: &str, f: &dyn Fn(&RunRow) -> Option<String>| {
        Column::new(
            name.into(),
            rows.iter().map(f).collect::<Vec<Option<String>>>(),
        )
    };
    let num = |name: &str, f: &dyn Fn(&RunRow) -> Option<f64>| {
        Column::new(
            name.into(),
            rows.iter().map(f).collect::<Vec<Option<f64>>>(),
        )
    };
    let mut columns = vec![
        text("file", &|r| Some(r.file.clone())),
        text("runner", &|r| Some(runner_or_unknown(r).to_string())),
        text("date", &|r| r.date.map(|d| d.to_string())),
        text("month", &|r| Some(month_of(r))),
        num("duration_s", &|r| Some(r.duration_s)),
        num("running_s", &|r| Some(r.running_s)),
        num("distance_m", &|r| r.distance_m),
        num("speed_mps", &|r| r.speed_mps),
    ];
    for m in metric_names {
        columns.push(num(m, &|r| r.metrics.get(m).copied()));
    }
    for id in fault_ids {
        columns.push(text(&format!("fault_{id}"), &|r| {
            r.faults.get(id).map(|s| s.as_str().to_string())
        }));
    }
    DataFrame::new(rows.len(), columns)
}

/// Writes the runs table as CSV.
pub fn write_runs_csv<W: std::io::Write>(rows: &[RunRow], mut out: W) -> PolarsResult<()> {
    let mut df = runs_frame(rows)?;
    CsvWriter::new(&mut out)
        .include_header(true)
        .with_float_precision(Some(4))
        .finish(&mut df)
}

/// Writes the runs table as one Parquet file.
pub fn write_runs_parquet<W: std::io::Write>(rows: &[RunRow], out: W) -> PolarsResult<u64> {
    let mut df = runs_frame(rows)?;
    ParquetWriter::new(out).finish(&mut df)
}

/// Writes `dir/runner=<runner>/month=<YYYY-MM>/runs.parquet`, one file per runner and
/// month (`month=undated` for runs without a date); returns the files written.
pub fn write_runs_partitioned(rows: &[RunRow], dir: &Path) -> Result<Vec<PathBuf>> {
    let mut parts: BTreeMap<(String, String), Vec<RunRow>> = BTreeMap::new();
    for r in rows {
        parts
            .entry((runner_or_unknown(r).to_string(), month_of(r)))
            .or_default()
            .push(r.clone());
    }
    let mut written = Vec::new();
    for ((runner, month), part) in parts {
        let folder = dir
            .join(format!("runner={}", partition_value(&runner)))
            .join(format!("month={month}"));
        std::fs::create_dir_all(&folder).map_err(|e| Error::io(&folder, e))?;
        let path = folder.join("runs.parquet");
        let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
        write_runs_parquet(&part, file)
            .map_err(|e| Error::io(&path, std::io::Error::other(e.to_string())))?;
        written.push(path);
    }
    Ok(written)
}

/// A runner's name as a folder name: path separators and control characters become `_`.
pub fn partition_value(name: &str) -> String {
    name.chars()
        .map(|c| {
            if c == '/' || c == '\\' || c == '=' || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect()
}

/// Reads a runs table back: a `.csv`, a `.parquet`, or a folder of partitions (every
/// `*.parquet` below it).
pub fn read_runs(path: &Path) -> Result<Vec<RunRow>> {
    let source = path.display().to_string();
    let bad = |what: String| -> Error { InputError::new(&source, Problem::Malformed(what)).into() };
    let mut frames = Vec::new();
    if path.is_dir() {
        let mut files = Vec::new();
        collect_parquet(path, &mut files)?;
        if files.is_empty() {
            return Err(bad("no runs.parquet files in this folder".into()));
        }
        for f in files {
            let file = std::fs::File::open(&f).map_err(|e| Error::io(&f, e))?;
            frames.push(ParquetReader::new(file).finish().map_err(|e| {
                Error::from(InputError::new(
                    f.display().to_string(),
                    Problem::Malformed(format!("not a runs table: {e}")),
                ))
            })?);
        }
    } else {
        let file = std::fs::File::open(path).map_err(|e| {
            if e.kind() == std::io::ErrorKind::NotFound {
                InputError::new(
                    &source,
                    Problem::NoFile {
                        what: "no such file".into(),
                    },
                )
                .into()
            } else {
                Error::io(path, e)
            }
        })?;
        let is_parquet = path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
        let df = if is_parquet {
            ParquetReader::new(file).finish()
        } else {
            CsvReadOptions::default()
                .with_has_header(true)
                .with_infer_schema_length(None)
                .into_reader_with_file_handle(file)
                .finish()
        }
        .map_err(|e| bad(format!("not a runs table: {e}")))?;
        frames.push(df);
    }
    let mut rows = Vec::new();
    for df in &frames {
        rows.extend(rows_of(df).map_err(bad)?);
    }
    Ok(rows)
}

fn collect_parquet(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            collect_parquet(&p, out)?;
        } else if p
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("parquet"))
        {
            out.push(p);
        }
    }
    Ok(())
}

fn rows_of(df: &DataFrame) -> std::result::Result<Vec<RunRow>, String> {
    let strings = |name: &str| -> std::result::Result<Vec<Option<String>>, String> {
        let c = df
            .column(name)
            .map_err(|_| format!("no column '{name}'"))?
            .cast(&DataType::String)
            .map_err(|e| format!("column '{name}': {e}"))?;
        let s = c.str().map_err(|e| format!("column '{name}': {e}"))?;
        Ok(s.iter().map(|v| v.map(str::to_string)).collect())
    };
    let numbers = |name: &str| -> std::result::Result<Vec<Option<f64>>, String> {
        let c = df
            .column(name)
            .map_err(|_| format!("no column '{name}'"))?
            .cast(&DataType::Float64)
            .map_err(|e| format!("column '{name}' is not numeric: {e}"))?;
        let s = c.f64().map_err(|e| format!("column '{name}': {e}"))?;
        Ok(s.iter().collect())
    };
    let file = strings("file")?;
    let runner = strings("runner")?;
    let date = strings("date")?;
    let duration_s = numbers("duration_s")?;
    let running_s = numbers("running_s")?;
    let distance_m = numbers("distance_m")?;
    let speed_mps = numbers("speed_mps")?;
    let mut rows: Vec<RunRow> = (0..df.height())
        .map(|i| -> std::result::Result<RunRow, String> {
            let date = match date[i].as_deref().filter(|d| !d.is_empty()) {
                Some(d) => Some(
                    d.parse::<NaiveDate>()
                        .map_err(|_| format!("row {}: date '{d}' is not YYYY-MM-DD", i + 1))?,
                ),
                None => None,
            };
            Ok(RunRow {
                file: file[i].clone().unwrap_or_default(),
                runner: runner[i].clone().unwrap_or_default(),
                date,
                duration_s: duration_s[i].unwrap_or(f64::NAN),
                running_s: running_s[i].unwrap_or(0.0),
                distance_m: distance_m[i],
                speed_mps: speed_mps[i],
                metrics: BTreeMap::new(),
                faults: BTreeMap::new(),
            })
        })
        .collect::<std::result::Result<_, _>>()?;
    for name in df.get_column_names() {
        let name = name.as_str();
        if FIXED.contains(&name) {
            continue;
        }
        if let Some(id) = name.strip_prefix("fault_") {
            for (row, v) in rows.iter_mut().zip(strings(name)?) {
                let severity = match v.as_deref() {
                    None | Some("") => continue,
                    Some("mild") => Severity::Mild,
                    Some("moderate") => Severity::Moderate,
                    Some("marked") => Severity::Marked,
                    Some(other) => {
                        return Err(format!(
                            "column '{name}': '{other}' is not a severity (mild, moderate, marked)"
                        ));
                    }
                };
                row.faults.insert(id.to_string(), severity);
            }
        } else {
            for (row, v) in rows.iter_mut().zip(numbers(name)?) {
                if let Some(v) = v {
                    row.metrics.insert(name.to_string(), v);
                }
            }
        }
    }
    for r in &mut rows {
        // the table carries speed and distance in their own columns; keep them visible to
        // the metrics as run_row does
        if let Some(v) = r.speed_mps {
            r.metrics.insert("speed_mps".into(), v);
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(file: &str, date: Option<&str>, runner: &str) -> RunRow {
        RunRow {
            file: file.into(),
            runner: runner.into(),
            date: date.map(|d| d.parse().unwrap()),
            duration_s: 1900.0,
            running_s: 1800.0,
            distance_m: Some(5400.0),
            speed_mps: Some(3.0),
            metrics: BTreeMap::from([
                ("cadence_spm".to_string(), 171.5),
                ("speed_mps".to_string(), 3.0),
                ("foot_strike_share_pct_rearfoot".to_string(), 80.0),
            ]),
            faults: BTreeMap::from([("low_cadence".to_string(), Severity::Mild)]),
        }
    }

    #[test]
    fn dates_are_found_in_file_names() {
        let d = |s: &str| date_in_name(Path::new(s));
        assert_eq!(d("runs/2026-03-02-tempo.csv"), "2026-03-02".parse().ok());
        assert_eq!(d("easy_2026-12-31.fit"), "2026-12-31".parse().ok());
        assert_eq!(d("2026-02-30.csv"), None);
        assert_eq!(d("12026-03-02.csv"), None);
        assert_eq!(d("run.csv"), None);
        // the folder's name does not count
        assert_eq!(d("2026-03-02/run.csv"), None);
    }

    #[test]
    fn the_runs_table_round_trips_through_csv_and_parquet() {
        let mut other = row("b.csv", None, "");
        other.distance_m = None;
        other.speed_mps = None;
        other.metrics.remove("speed_mps");
        other.metrics.insert("trunk_rotation_deg".into(), 21.0);
        other.faults.clear();
        let rows = vec![row("a.csv", Some("2026-03-02"), "ana"), other];
        let mut csv = Vec::new();
        write_runs_csv(&rows, &mut csv).unwrap();
        let text = String::from_utf8(csv.clone()).unwrap();
        assert!(text.starts_with(
            "file,runner,date,month,duration_s,running_s,distance_m,speed_mps,cadence_spm,"
        ));
        let dir = tempfile::tempdir().unwrap();
        let csv_path = dir.path().join("runs.csv");
        std::fs::write(&csv_path, &csv).unwrap();
        let parquet_path = dir.path().join("runs.parquet");
        write_runs_parquet(&rows, std::fs::File::create(&parquet_path).unwrap()).unwrap();
        for path in [&csv_path, &parquet_path] {
            let mut back = read_runs(path).unwrap();
            // the unnamed runner reads back as 'unknown'
            back[1].runner.clear();
            assert_eq!(back, rows, "{}", path.display());
        }
    }

    #[test]
    fn partitions_are_by_runner_and_month_and_read_back_as_one_table() {
        let rows = vec![
            row("a.csv", Some("2026-03-02"), "ana"),
            row("b.csv", Some("2026-03-20"), "ana"),
            row("c.csv", Some("2026-04-01"), "ana"),
            row("d.csv", None, "ben/x"),
        ];
        let dir = tempfile::tempdir().unwrap();
        let written = write_runs_partitioned(&rows, dir.path()).unwrap();
        let rel: Vec<String> = written
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(
            rel,
            vec![
                "runner=ana/month=2026-03/runs.parquet",
                "runner=ana/month=2026-04/runs.parquet",
                "runner=ben_x/month=undated/runs.parquet",
            ]
        );
        let back = read_runs(dir.path()).unwrap();
        let files: Vec<&str> = back.iter().map(|r| r.file.as_str()).collect();
        assert_eq!(files, vec!["a.csv", "b.csv", "c.csv", "d.csv"]);
    }

    #[test]
    fn a_table_that_is_not_a_runs_table_is_a_located_input_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("other.csv");
        std::fs::write(&path, "a,b\n1,2\n").unwrap();
        let e = read_runs(&path).unwrap_err();
        assert!(e.is_bad_input());
        let msg = e.to_string();
        assert!(
            msg.contains("other.csv") && msg.contains("no column 'file'"),
            "{msg}"
        );
        let bad_date = dir.path().join("bad.csv");
        std::fs::write(
            &bad_date,
            "file,runner,date,month,duration_s,running_s,distance_m,speed_mps\na.csv,x,2026-13-01,2026-13,1,1,,\n",
        )
        .unwrap();
        let msg = read_runs(&bad_date).unwrap_err().to_string();
        assert!(msg.contains("row 1") && msg.contains("2026-13-01"), "{msg}");
    }

    #[test]
    fn folders_are_searched_for_recordings_in_name_order() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["b.csv", "a.CSV", "notes.txt", ".hidden.csv", "sub/c.fit"] {
            let p = dir.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, "").unwrap();
        }
        let found = recordings_in(&[dir.path().to_path_buf()]).unwrap();
        let names: Vec<String> = found
            .iter()
            .map(|p| p.strip_prefix(dir.path()).unwrap().display().to_string())
            .collect();
        assert_eq!(names, vec!["a.CSV", "b.csv", "sub/c.fit"]);
        assert!(recordings_in(&[dir.path().join("missing")]).is_err());
        let empty = dir.path().join("empty");
        std::fs::create_dir(&empty).unwrap();
        let e = recordings_in(&[empty]).unwrap_err();
        assert!(e.is_bad_input());
        assert!(
            e.to_string().contains("a directory with no recordings"),
            "{e}"
        );
    }
}
