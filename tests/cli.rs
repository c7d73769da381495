//! Layer 7: the command line on the bundled sample and on a simulated file.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn runform() -> Command {
    Command::new(env!("CARGO_BIN_EXE_runform"))
}

fn sample(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(name)
}

/// Runs the command and checks it succeeded, showing its stderr when it did not.
fn succeed(command: &mut Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json_of(args: &[&str]) -> Value {
    serde_json::from_slice(&succeed(runform().args(args)).stdout).unwrap()
}

#[test]
fn sample_report_has_the_documented_shape_and_the_truth() {
    let path = sample("heel-striker.csv");
    let report = json_of(&["analyze", path.to_str().unwrap(), "--format", "json"]);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("heel-striker.truth.json")).unwrap())
            .unwrap();
    assert_eq!(report["schema_version"], 1);
    for key in [
        "input",
        "bouts",
        "summary",
        "segments",
        "steps",
        "faults",
        "warnings",
        "unavailable",
    ] {
        assert!(report.get(key).is_some(), "missing {key}");
    }
    let got = report["summary"]["cadence_spm"].as_f64().unwrap();
    let want = truth["summary"]["cadence_spm"].as_f64().unwrap();
    // the sample ramps from walking into running; ramp steps at the bout edges pull it down a little
    assert!((got - want).abs() < 1.5, "cadence {got} vs truth {want}");
    // every null summary metric is explained
    let summary = report["summary"].as_object().unwrap();
    let explained: Vec<&str> = report["unavailable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["metric"].as_str().unwrap())
        .collect();
    for (key, value) in summary {
        if value.is_null() {
            assert!(
                explained.contains(&key.as_str()),
                "{key} is null without a reason"
            );
        }
    }
    assert_eq!(report["input"]["sensors"].as_array().unwrap().len(), 4);
    assert!(report["steps"].as_array().unwrap().len() > 100);
}

#[test]
fn out_folder_gets_report_and_steps_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = sample("efficient.csv");
    let out = succeed(
        runform()
            .args(["analyze", path.to_str().unwrap(), "--out"])
            .arg(dir.path()),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Cadence:"), "{text}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report.json")).unwrap())
            .unwrap();
    let steps = std::fs::read_to_string(dir.path().join("steps.csv")).unwrap();
    let mut lines = steps.lines();
    assert_eq!(
        lines.next().unwrap(),
        "side,activity,initial_contact_s,toe_off_s,contact_ms,flight_ms,step_s,stride_s,\
         strike_angle_deg,strike_pattern,overstride_cm,step_length_m,braking_peak_g,impact_peak_g"
    );
    assert_eq!(lines.count(), report["steps"].as_array().unwrap().len());
}

#[test]
fn simulate_writes_a_recording_and_its_truth_that_analyze_reads() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("run.csv");
    succeed(
        runform()
            .args([
                "simulate",
                "--seed",
                "4",
                "--duration-s",
                "20",
                "--placements",
                "pelvis",
                "--cadence-spm",
                "182",
                "--out",
            ])
            .arg(&csv),
    );
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("run.truth.json")).unwrap())
            .unwrap();
    let report = json_of(&[
        "analyze",
        csv.to_str().unwrap(),
        "--format",
        "json",
        "--frame",
        "body",
    ]);
    let (got, want) = (
        report["summary"]["cadence_spm"].as_f64().unwrap(),
        truth["cadence_spm"].as_f64().unwrap(),
    );
    assert!((got - want).abs() <= 1.0, "{got} vs {want}");
}

#[test]
fn bad_simulator_setting_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let out = runform()
        .args(["simulate", "--cadence-spm", "400", "--out"])
        .arg(dir.path().join("x.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("cadence"), "{err}");
}

#[test]
fn sample_in_body_frame_gives_posture_close_to_truth() {
    let path = sample("heel-striker.csv");
    let report = json_of(&[
        "analyze",
        path.to_str().unwrap(),
        "--format",
        "json",
        "--frame",
        "body",
    ]);
    let truth: Value =
        serde_json::from_str(&std::fs::read_to_string(sample("heel-striker.truth.json")).unwrap())
            .unwrap();
    for (key, tolerance) in [
        ("trunk_rotation_deg", 2.0),
        ("pelvic_drop_deg", 1.0),
        ("forward_lean_deg", 1.5),
    ] {
        let got = report["summary"][key]
            .as_f64()
            .unwrap_or_else(|| panic!("{key} is null"));
        let want = truth["summary"][key].as_f64().unwrap();
        assert!(
            (got - want).abs() <= tolerance,
            "{key}: {got:.2} vs truth {want:.2}"
        );
    }
}

#[test]
fn timings_go_to_stderr_and_leave_the_json_clean() {
    let path = sample("efficient.csv");
    let out = runform()
        .args([
            "analyze",
            path.to_str().unwrap(),
            "--format",
            "json",
            "--timings",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let _: Value = serde_json::from_slice(&out.stdout).expect("stdout is only the JSON report");
    let err = String::from_utf8(out.stderr).unwrap();
    for stage in [
        "read",
        "alignment",
        "bouts",
        "events",
        "metrics",
        "posture",
        "report",
        "total",
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(stage)),
            "no {stage} line in:\n{err}"
        );
    }
}
