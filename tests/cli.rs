//! Layer 7: the command line on the bundled sample and on a simulated file.

mod common;

use common::{runform, sample, succeed};
use serde_json::Value;

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
    let header = lines.next().unwrap();
    assert!(
        header.starts_with(
            "side,activity,initial_contact_s,toe_off_s,contact_ms,flight_ms,step_s,stride_s"
        ),
        "{header}"
    );
    for column in [
        "strike_angle_deg",
        "strike_pattern",
        "step_length_m",
        "braking_peak_g",
        "impact_peak_g",
        "vertical_oscillation_mm",
        "pelvic_drop_deg",
        "trunk_rotation_deg",
        "trunk_pelvis_coupling",
    ] {
        assert!(header.split(',').any(|c| c == column), "{column}: {header}");
    }
    assert_eq!(lines.count(), report["steps"].as_array().unwrap().len());
    // drift over the run: a change per followed metric, and the segments
    let drift = report["drift"].as_array().unwrap();
    assert!(
        drift
            .iter()
            .any(|d| d["metric"] == "cadence_spm" && d["flagged"].is_boolean()),
        "{drift:?}"
    );
    assert!(!report["drift_segments"].as_array().unwrap().is_empty());
    assert!(report["summary"]["symmetry"].is_object());
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

/// A reader that stops early (`runform analyze … | head -2`) ends the program quietly,
/// with success, whatever the output format.
#[test]
fn a_closed_output_pipe_ends_quietly() {
    use std::process::Stdio;
    let path = sample("efficient.csv");
    for format in ["json", "text"] {
        let mut child = runform()
            .args(["analyze", path.to_str().unwrap(), "--format", format])
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{format}: {:?} {err}", out.status);
        assert!(err.is_empty(), "{format}: {err}");
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
        "faults",
        "report",
        "total",
    ] {
        assert!(
            err.lines().any(|l| l.starts_with(stage)),
            "no {stage} line in:\n{err}"
        );
    }
}

#[test]
fn rules_file_replaces_the_built_in_rules() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    // the efficient runner (about 180 steps/min) has no fault with the built-in rules;
    // a rule calling anything under 185 steps/min low finds one
    std::fs::write(
        &rules,
        "[[rule]]\nid = \"low_cadence\"\ntitle = \"Low cadence\"\nmetric = \"cadence_spm\"\nunit = \"steps/min\"\ndirection = \"lower\"\nthresholds = [185.0]\nsource = \"test\"\nwhy_it_matters = \"w\"\nwhat_to_do = \"d\"\n",
    )
    .unwrap();
    let path = sample("efficient.csv");
    let args = [
        "analyze",
        path.to_str().unwrap(),
        "--frame",
        "body",
        "--format",
        "json",
    ];
    let built_in = json_of(&args);
    assert_eq!(built_in["faults"].as_array().unwrap().len(), 0);
    let mut with_rules = args.to_vec();
    with_rules.extend(["--rules", rules.to_str().unwrap()]);
    let report = json_of(&with_rules);
    let faults = report["faults"].as_array().unwrap();
    assert_eq!(faults.len(), 1, "{faults:?}");
    assert_eq!(faults[0]["id"], "low_cadence");
    assert_eq!(faults[0]["threshold"], 185.0);
    assert_eq!(faults[0]["source"], "test");
    assert_eq!(
        report["faults_assessed"],
        serde_json::json!(["low_cadence"])
    );
}

#[test]
fn bad_rules_file_exits_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("rules.toml");
    std::fs::write(&rules, "[[rule]]\nid = \"x\"\nmetric = \"cadense_spm\"\n").unwrap();
    let path = sample("efficient.csv");
    for file in [rules.clone(), dir.path().join("missing.toml")] {
        let out = runform()
            .args(["analyze", path.to_str().unwrap(), "--rules"])
            .arg(&file)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(file.to_str().unwrap()), "{err}");
    }
    let out = runform()
        .args(["analyze", path.to_str().unwrap(), "--rules"])
        .arg(&rules)
        .output()
        .unwrap();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("line 3") && err.contains("cadense_spm"),
        "{err}"
    );
}

#[test]
fn height_gives_step_length_relative_to_the_leg() {
    let path = sample("heel-striker.csv");
    let path = path.to_str().unwrap();
    let report = json_of(&["analyze", path, "--format", "json", "--height-cm", "175"]);
    let s = &report["summary"];
    let ratio = s["step_length_per_leg"].as_f64().unwrap();
    let want = s["step_length_m"].as_f64().unwrap() / (1.75 * 0.53);
    assert!((ratio - want).abs() < 1e-9, "{ratio} vs {want}");
    // without the height: null, and the reason says how to get it
    let report = json_of(&["analyze", path, "--format", "json"]);
    assert!(report["summary"]["step_length_per_leg"].is_null());
    let reasons = report["unavailable"].as_array().unwrap();
    assert!(reasons.iter().any(|u| u["metric"] == "step_length_per_leg"
        && u["reason"].as_str().unwrap().contains("--height-cm")));
    // an impossible height is refused with exit code 2 and says what was expected
    let out = runform()
        .args(["analyze", path, "--height-cm", "17.5"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("between 100 and 230 cm"));
}

#[test]
fn window_min_cuts_a_long_recording_and_zero_reads_it_whole() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("run.csv");
    succeed(
        runform()
            .args([
                "simulate",
                "--seed",
                "9",
                "--duration-s",
                "360",
                "--placements",
                "pelvis",
                "--out",
            ])
            .arg(&csv),
    );
    let path = csv.to_str().unwrap();
    let codes = |r: &Value| -> Vec<String> {
        r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["code"].as_str().unwrap().to_string())
            .collect()
    };
    let windows = json_of(&["analyze", path, "--format", "json", "--window-min", "2"]);
    let whole = json_of(&["analyze", path, "--format", "json", "--window-min", "0"]);
    let default = json_of(&["analyze", path, "--format", "json"]);
    assert!(codes(&windows).contains(&"analysed_in_windows".to_string()));
    assert!(!codes(&whole).contains(&"analysed_in_windows".to_string()));
    // six minutes are one window of the default 30
    assert_eq!(default, whole);
    let steps = |r: &Value| r["steps"].as_array().unwrap().len();
    assert!(steps(&windows).abs_diff(steps(&whole)) <= 2);
    // a window shorter than 2 minutes is refused: exit 2, naming the option
    let out = runform()
        .args(["analyze", path, "--window-min", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--window-min"), "{err}");
}
