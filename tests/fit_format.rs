//! Garmin FIT activities: files written here with known running dynamics come back out
//! of the report exactly; damaged files end in one located line and exit code 2; the real
//! watch files in `../shared/data/real/garmin-fit` produce reports.

mod common;

use common::fitfile::{Second, activity};
use runform::AnalysisConfig;
use runform::io::{Input, InputFormat, ReadOptions, read_input_bytes};
use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn second(cadence_spm: f64) -> Second {
    Second {
        cadence_spm,
        contact_ms: Some(245.0),
        balance_left_pct: 49.5,
        vertical_oscillation_mm: 82.0,
        vertical_ratio_pct: 7.9,
        step_length_m: 1.05,
        speed_mps: 3.0,
        dev_ground_time_ms: None,
    }
}

/// Two minutes of running at 171 steps/min (85.5 strides/min: the fractional part
/// matters), then 30 s of walking at 110.
fn run_then_walk() -> Vec<Second> {
    let mut s = vec![second(171.0); 120];
    s.extend(vec![
        Second {
            contact_ms: Some(330.0),
            ..second(110.0)
        };
        30
    ]);
    s
}

fn report_of(bytes: &[u8]) -> runform::Report {
    let input = read_input_bytes(
        bytes,
        "mem.fit",
        InputFormat::detect(bytes),
        &ReadOptions::default(),
    )
    .unwrap();
    let Input::Watch(watch) = input else {
        panic!("a FIT activity without raw samples reads as watch dynamics")
    };
    AnalysisConfig::default().process_watch(&watch).unwrap()
}

#[test]
fn running_dynamics_come_back_out_of_the_report() {
    let bytes = activity(&run_then_walk());
    assert_eq!(InputFormat::detect(&bytes), Some(InputFormat::Fit));
    let r = report_of(&bytes);
    let s = &r.summary;
    let close = |got: Option<f64>, want: f64, tol: f64, what: &str| {
        let got = got.unwrap_or_else(|| panic!("{what} missing"));
        assert!((got - want).abs() <= tol, "{what}: {got} vs {want}");
    };
    close(s.cadence_spm, 171.0, 1e-9, "cadence");
    close(s.ground_contact_ms, 245.0, 1e-9, "contact");
    close(s.contact_balance_left_pct, 49.5, 1e-9, "balance");
    close(s.vertical_oscillation_mm, 82.0, 1e-9, "oscillation");
    close(s.vertical_ratio_pct, 7.9, 1e-9, "ratio");
    close(s.step_length_m, 1.05, 1e-9, "step length");
    close(s.speed_mps, 3.0, 1e-9, "speed");
    close(s.duty_factor, 0.245 * 171.0 / 120.0, 1e-9, "duty factor");
    assert_eq!(s.running_s, 120.0);
    assert_eq!(s.running_steps, 342);
    assert!(r.steps.is_empty());
    assert_eq!(r.bouts.len(), 2);
    assert_eq!(r.segments.len(), 2);
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "source_watch_dynamics" && w.message.contains("garmin"))
    );
    assert!(
        r.unavailable
            .iter()
            .any(|u| u.metric == "foot_strike" && u.reason.contains("raw IMU"))
    );
}

#[test]
fn developer_field_fills_what_the_watch_did_not_write_and_loses_otherwise() {
    let dev_only: Vec<Second> = (0..60)
        .map(|_| Second {
            contact_ms: None,
            dev_ground_time_ms: Some(230.0),
            ..second(170.0)
        })
        .collect();
    let r = report_of(&activity(&dev_only));
    assert_eq!(r.summary.ground_contact_ms, Some(230.0));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "metric_source" && w.message.contains("Ground Time")),
        "{:?}",
        r.warnings
    );
    let both: Vec<Second> = (0..60)
        .map(|_| Second {
            dev_ground_time_ms: Some(230.0),
            ..second(170.0)
        })
        .collect();
    let r = report_of(&activity(&both));
    assert_eq!(r.summary.ground_contact_ms, Some(245.0));
    assert!(
        r.warnings
            .iter()
            .any(|w| w.code == "metric_source" && w.message.contains("watch's own value"))
    );
}

fn runform(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runform"))
        .args(args)
        .output()
        .unwrap()
}

/// `bytes` in a new file `name`, in a folder removed when the guard is dropped.
fn temp(name: &str, bytes: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::Builder::new()
        .prefix("runform-fit-")
        .tempdir()
        .unwrap();
    let p = dir.path().join(name);
    std::fs::write(&p, bytes).unwrap();
    (dir, p)
}

#[test]
fn cli_reports_a_fit_file_by_its_content() {
    // named .bin: the content decides, not the extension
    let (_dir, p) = temp("watch.bin", &activity(&run_then_walk()));
    let out = runform(&["analyze", p.to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["cadence_spm"].as_f64(), Some(171.0));
    assert_eq!(v["steps"].as_array().map(Vec::len), Some(0));
}

#[test]
fn text_report_names_the_watch_as_the_source() {
    // regression: the second line of the text report read "sensors: " with nothing after
    let (_dir, p) = temp("watch-text.fit", &activity(&run_then_walk()));
    let out = runform(&["analyze", p.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let second = text.lines().nth(1).unwrap_or_default();
    assert!(
        second.contains("source: watch running dynamics (FIT"),
        "{second}"
    );
    assert!(!second.contains("sensors:"), "{second}");
    assert!(
        text.contains("(from the watch's own step count)") && !text.contains("(from none)"),
        "{text}"
    );
    let out = runform(&["analyze", p.to_str().unwrap(), "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let source = v["input"]["source"].as_str().unwrap_or_default();
    assert!(
        source.starts_with("watch running dynamics (FIT"),
        "{source}"
    );
    assert_eq!(v["input"]["sensors"].as_array().map(Vec::len), Some(0));
    // the HTML page too: a watch's records have no axes and no sensors
    let html = runform::html::page(&report_of(&activity(&run_then_walk())), &[]);
    let meta = html
        .lines()
        .find(|l| l.contains("min recorded at"))
        .unwrap_or_default();
    assert!(meta.contains("from: watch running dynamics (FIT"), "{meta}");
    assert!(
        !meta.contains("axes") && !meta.contains("sensors"),
        "{meta}"
    );
}

/// Exit 2, one line on stderr that names the file and contains `want`; the file unchanged.
fn refused(name: &str, bytes: &[u8], want: &str) {
    let (_dir, p) = temp(name, bytes);
    let out = runform(&["analyze", p.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{name}: {err}");
    assert_eq!(err.lines().count(), 1, "{name}: {err}");
    assert!(err.contains(p.to_str().unwrap()), "{name}: {err}");
    assert!(err.contains(want), "{name}: {err}");
    assert_eq!(std::fs::read(&p).unwrap(), bytes, "{name}: input changed");
}

#[test]
fn damaged_fit_files_are_refused_with_one_line() {
    let good = activity(&run_then_walk());
    let mut bad_crc = good.clone();
    let n = bad_crc.len();
    bad_crc[n - 40] ^= 0x55;
    refused("bad-crc.fit", &bad_crc, "CRC");
    refused("truncated.fit", &good[..good.len() / 2], "truncated");
    let mut huge = good.clone();
    huge[4..8].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
    refused("huge-claim.fit", &huge, "declares");
    refused("header-only.fit", &good[..14], "declares");
    let mut bad_header_crc = good.clone();
    bad_header_crc[12] ^= 0xFF;
    refused("bad-header-crc.fit", &bad_header_crc, "CRC");
}

fn real_fit(name: &str) -> Option<PathBuf> {
    let p = common::real_data_dir()?.join("garmin-fit").join(name);
    p.is_file().then_some(p)
}

fn real_report(name: &str) -> Option<Value> {
    let p = real_fit(name)?;
    let out = runform(&["analyze", p.to_str().unwrap(), "--format", "json"]);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).unwrap())
}

fn num(v: &Value, key: &str) -> f64 {
    v["summary"][key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} missing: {}", v["summary"]))
}

#[test]
fn real_fenix2_run_gives_cadence_and_contact() {
    let Some(v) = real_report("activity-small-fenix2-run.fit") else {
        return;
    };
    let cadence = num(&v, "cadence_spm");
    assert!((150.0..190.0).contains(&cadence), "{cadence}");
    let contact = num(&v, "ground_contact_ms");
    assert!((180.0..320.0).contains(&contact), "{contact}");
    assert!(num(&v, "running_s") > 20.0 * 60.0);
}

#[test]
fn real_fenix5_run_gives_all_running_dynamics() {
    let Some(v) = real_report("garmin-fenix-5-run.fit") else {
        return;
    };
    let cadence = num(&v, "cadence_spm");
    assert!((150.0..200.0).contains(&cadence), "{cadence}");
    for (key, lo, hi) in [
        ("ground_contact_ms", 180.0, 320.0),
        ("contact_balance_left_pct", 45.0, 55.0),
        ("vertical_oscillation_mm", 50.0, 130.0),
        ("vertical_ratio_pct", 4.0, 12.0),
        ("step_length_m", 0.6, 1.6),
        ("speed_mps", 2.0, 5.0),
    ] {
        let x = num(&v, key);
        assert!((lo..hi).contains(&x), "{key} = {x}");
    }
}

#[test]
fn real_fenix5_text_report_names_the_watch() {
    let Some(p) = real_fit("garmin-fenix-5-run.fit") else {
        return;
    };
    let out = runform(&["analyze", p.to_str().unwrap()]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    let second = text.lines().nth(1).unwrap_or_default();
    assert!(
        second.contains("source: watch running dynamics (FIT"),
        "{second}"
    );
}

#[test]
fn real_fenix5_walk_reports_no_running() {
    let Some(v) = real_report("garmin-fenix-5-walk.fit") else {
        return;
    };
    assert!(v["summary"]["cadence_spm"].is_null());
    let walking: f64 = v["bouts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["activity"] == "walking")
        .map(|b| b["end_s"].as_f64().unwrap() - b["start_s"].as_f64().unwrap())
        .sum();
    assert!(walking > 30.0, "{}", v["bouts"]);
}

/// A FIT file with raw accelerometer messages (50 Hz, one message a second, counts) and
/// their calibration: 1 count = 1 mg, level shift 2048, identity orientation.
fn raw_accelerometer_fit(seconds: u32) -> Vec<u8> {
    use common::fitfile::{ENUM, FitWriter, UINT16, UINT32};
    const SINT32: u8 = 0x85;
    let mut w = FitWriter::default();
    // three_d_sensor_calibration: accelerometer
    w.define(
        0,
        167,
        &[
            (253, 4, UINT32),
            (0, 1, ENUM),
            (1, 4, UINT32),
            (2, 4, UINT32),
            (3, 4, UINT32),
            (4, 12, SINT32),
            (5, 36, SINT32),
        ],
        &[],
    );
    let mut b = Vec::new();
    b.extend_from_slice(&1_000_000_000u32.to_le_bytes());
    b.push(0);
    b.extend_from_slice(&1u32.to_le_bytes());
    b.extend_from_slice(&1000u32.to_le_bytes());
    b.extend_from_slice(&2048u32.to_le_bytes());
    b.extend_from_slice(&[0u8; 12]);
    for k in 0..9 {
        let v: i32 = if k % 4 == 0 { 65535 } else { 0 };
        b.extend_from_slice(&v.to_le_bytes());
    }
    w.data(0, &b);
    // accelerometer_data: 50 samples per message
    w.define(
        1,
        165,
        &[
            (253, 4, UINT32),
            (0, 2, UINT16),
            (1, 100, UINT16),
            (2, 100, UINT16),
            (3, 100, UINT16),
            (4, 100, UINT16),
        ],
        &[],
    );
    for s in 0..seconds {
        let mut b = Vec::new();
        b.extend_from_slice(&(1_000_000_000 + s).to_le_bytes());
        b.extend_from_slice(&0u16.to_le_bytes());
        for i in 0..50u16 {
            b.extend_from_slice(&(i * 20).to_le_bytes());
        }
        for axis in 0..3 {
            for i in 0..50 {
                let g = raw_g(s as f64 + i as f64 / 50.0)[axis];
                b.extend_from_slice(&((2048.0 + 1000.0 * g).round() as u16).to_le_bytes());
            }
        }
        w.data(1, &b);
    }
    w.finish()
}

fn raw_g(t_s: f64) -> [f64; 3] {
    [
        0.1,
        0.05,
        1.0 + 0.8 * (2.0 * std::f64::consts::PI * 2.8 * t_s).sin(),
    ]
}

#[test]
fn raw_accelerometer_messages_become_a_calibrated_recording() {
    let bytes = raw_accelerometer_fit(20);
    let input = read_input_bytes(
        &bytes,
        "raw.fit",
        InputFormat::detect(&bytes),
        &ReadOptions::default(),
    )
    .unwrap();
    let Input::Imu(rec) = input else {
        panic!("raw samples with a calibration read as a recording")
    };
    assert_eq!(rec.streams.len(), 1);
    assert_eq!(rec.streams[0].placement, runform::Placement::LeftWrist);
    assert!((rec.rate_hz - 50.0).abs() < 1e-6, "{}", rec.rate_hz);
    assert_eq!(rec.len(), 1000);
    let g = runform::recording::STANDARD_GRAVITY_MPS2;
    let mut worst = 0.0_f64;
    for i in 0..rec.len() {
        let want = raw_g(i as f64 / 50.0);
        let got = rec.streams[0].acc_mps2.at(i);
        worst = worst
            .max((got.x - want[0] * g).abs())
            .max((got.y - want[1] * g).abs())
            .max((got.z - want[2] * g).abs());
    }
    // counts are whole milli-g: half a count of rounding
    assert!(worst < 0.006, "worst {worst} m/s²");
}
