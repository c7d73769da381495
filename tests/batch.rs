//! `runform analyze` on many files and `runform history` on what it wrote: every run
//! analysed, a corrupt file reported without stopping the rest, the runs table and its
//! partitions, the history of the dated runs.

mod common;

use common::runform;
use runform::Placement;
use runform::simulate::{SimConfig, simulate};
use std::path::Path;

/// Writes `n` simulated runs of `minutes` named `<date>-run<k>.csv`, every other day from
/// 2026-03-02, into `dir`.
fn write_runs(dir: &Path, n: usize, minutes: f64) {
    let start: chrono::NaiveDate = "2026-03-02".parse().unwrap();
    for k in 0..n {
        let sim = simulate(&SimConfig {
            seed: 40 + k as u64,
            duration_s: minutes * 60.0,
            rate_hz: 50.0,
            placements: vec![Placement::Pelvis],
            ..SimConfig::default()
        })
        .unwrap();
        let date = start + chrono::Days::new(2 * k as u64);
        let file = std::fs::File::create(dir.join(format!("{date}-run{k}.csv"))).unwrap();
        runform::io::write_csv(&sim.recording, std::io::BufWriter::new(file)).unwrap();
    }
}

#[test]
fn a_batch_reports_a_corrupt_file_and_analyses_the_rest() {
    let input = tempfile::tempdir().unwrap();
    write_runs(input.path(), 6, 1.0);
    let corrupt = input.path().join("2026-03-05-corrupt.csv");
    std::fs::write(&corrupt, "time,pelvis_acc_x\n0.0,zero\n").unwrap();
    let before = std::fs::read(&corrupt).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = runform()
        .args([
            "analyze",
            input.path().to_str().unwrap(),
            "--runner",
            "ana",
            "--out",
        ])
        .arg(out.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    // bad input among the files: exit 2, the file named, the others done
    assert_eq!(run.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("2026-03-05-corrupt.csv"), "{stderr}");
    assert!(stderr.contains("analysed 6 of 7 recordings"), "{stderr}");
    assert_eq!(std::fs::read(&corrupt).unwrap(), before);
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert_eq!(stdout.lines().count(), 1 + 6, "{stdout}");
    for k in 0..6 {
        let date = "2026-03-02".parse::<chrono::NaiveDate>().unwrap() + chrono::Days::new(2 * k);
        let folder = out.path().join(format!("{date}-run{k}"));
        assert!(folder.join("report.json").is_file(), "{}", folder.display());
        assert!(folder.join("steps.csv").is_file());
    }
    // the runs table: one row per analysed run, dates from the names, partitions by month
    let rows = runform::batch::read_runs(&out.path().join("runs.csv")).unwrap();
    assert_eq!(rows.len(), 6);
    assert!(rows.iter().all(|r| r.runner == "ana" && r.date.is_some()));
    assert!(
        rows.iter()
            .all(|r| (r.metrics["cadence_spm"] - 170.0).abs() < 1.5)
    );
    // the partitions hold the same rows (runs.csv at 4 decimals, Parquet exact)
    let parts = runform::batch::read_runs(&out.path().join("runs")).unwrap();
    assert_eq!(parts.len(), rows.len());
    for (p, r) in parts.iter().zip(&rows) {
        assert_eq!((&p.file, p.date, &p.faults), (&r.file, r.date, &r.faults));
        assert_eq!(
            p.metrics.keys().collect::<Vec<_>>(),
            r.metrics.keys().collect::<Vec<_>>()
        );
        for (k, v) in &p.metrics {
            assert!(
                (v - r.metrics[k]).abs() < 1e-3,
                "{k}: {v} vs {}",
                r.metrics[k]
            );
        }
    }
    assert!(
        out.path()
            .join("runs/runner=ana/month=2026-03/runs.parquet")
            .is_file()
    );

    // history of the folder: six runs in two ISO weeks, no warnings
    let history = runform()
        .args(["history", out.path().to_str().unwrap(), "--format", "json"])
        .output()
        .unwrap();
    assert!(
        history.status.success(),
        "{}",
        String::from_utf8_lossy(&history.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&history.stdout).unwrap();
    let h = &json["runners"][0];
    assert_eq!(h["runner"], "ana");
    assert_eq!(h["runs"], 6);
    let weeks = h["history"]["weeks"].as_array().unwrap();
    assert_eq!(weeks.len(), 2);
    assert_eq!(weeks[0]["week_start"], "2026-03-02");
    assert_eq!(weeks[0]["runs"], 4);
    assert!(h["history"]["warnings"].as_array().unwrap().is_empty());
    let text = runform()
        .args(["history", out.path().to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("Runner ana: 6 runs") && text.contains("Load warnings: none"),
        "{text}"
    );
}

#[test]
fn a_folder_without_recordings_or_a_bad_table_is_bad_input() {
    let empty = tempfile::tempdir().unwrap();
    let run = runform()
        .args(["analyze", empty.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&run.stderr).contains("a directory with no recordings"));
    let table = empty.path().join("runs.csv");
    std::fs::write(&table, "file,runner\nx,y\n").unwrap();
    let run = runform()
        .args(["history", table.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("runs.csv") && stderr.contains("no column 'date'"),
        "{stderr}"
    );
}
