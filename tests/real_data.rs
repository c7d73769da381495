//! Layer 5: real recordings scored against their force-plate truth.
//!
//! The recordings live outside the repository, in `../shared/data/real` or the folder named
//! by `RUNFORM_REAL_DATA`. When neither exists every test here prints a skip notice and
//! passes; CI always has them.

mod common;

use runform::bouts::Activity;
use runform::io::{ReadOptions, read_path};
use runform::recording::{AccUnit, Frame};
use runform::{AnalysisConfig, Placement, Report};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn analyze(path: &Path, acc_unit: Option<AccUnit>, frame: Frame) -> Report {
    let options = ReadOptions {
        acc_unit,
        frame,
        ..ReadOptions::default()
    };
    let recording = read_path(path, &options).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    AnalysisConfig::default().process(&recording).unwrap()
}

/// (file, truth) for every running recording with a truth file in `folder`.
fn trials(folder: &str) -> Option<Vec<(PathBuf, Value)>> {
    let dir = common::real_data_dir()?.join(folder);
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "csv") {
            let truth_path = path.with_extension("truth.json");
            if let Ok(text) = std::fs::read_to_string(&truth_path) {
                let truth: Value = serde_json::from_str(&text).unwrap();
                if truth
                    .get("condition")
                    .and_then(Value::as_str)
                    .unwrap_or("running")
                    == "running"
                {
                    out.push((path, truth));
                }
            }
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    assert!(!out.is_empty(), "no recordings in {}", dir.display());
    Some(out)
}

fn options_of(truth: &Value) -> (Option<AccUnit>, Frame) {
    let unit = (truth["acc_unit"] == "g").then_some(AccUnit::G);
    let frame = if truth["frame"] == "body" {
        Frame::Body
    } else {
        Frame::Sensor
    };
    (unit, frame)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Absolute cadence error (spm) of every running trial in `folder`; each must be under
/// `max_spm`.
fn cadence_errors(folder: &str, max_spm: f64) -> Option<Vec<f64>> {
    let mut errors = Vec::new();
    for (path, truth) in &trials(folder)? {
        let (unit, frame) = options_of(truth);
        let r = analyze(path, unit, frame);
        let got = r
            .summary
            .cadence_spm
            .unwrap_or_else(|| panic!("{}: no cadence", path.display()));
        let err = got - truth["cadence_spm"].as_f64().unwrap();
        eprintln!("{}: cadence {got:.1} spm, error {err:+.2}", path.display());
        assert!(
            err.abs() < max_spm,
            "{}: cadence error {err:.2} spm",
            path.display()
        );
        errors.push(err.abs());
    }
    Some(errors)
}

#[test]
fn pelvis_cadence_matches_force_plate() {
    let Some(errors) = cadence_errors("alcantara-pelvis", 3.0) else {
        return;
    };
    let m = median(errors);
    assert!(m <= 1.0, "median cadence error {m:.2} spm");
}

#[test]
fn shank_cadence_matches_force_plate() {
    cadence_errors("bach-shank", 2.0);
}

#[test]
fn shank_walk_is_not_running() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let r = analyze(
        &dir.join("bach-shank/trial03.csv"),
        Some(AccUnit::G),
        Frame::Sensor,
    );
    assert_eq!(r.summary.running_s, 0.0, "{:?}", r.bouts);
    assert!(r.bouts.iter().any(|b| b.activity == Activity::Walking));
}

#[test]
fn outdoor_run_foot_and_pelvis_agree_and_standing_start_is_not_running() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let r = analyze(
        &dir.join("adept-outdoor/outdoor-run-25min.csv"),
        Some(AccUnit::G),
        Frame::Sensor,
    );
    let by = &r.summary.cadence_by_placement;
    let (foot, pelvis) = (by[&Placement::LeftFoot], by[&Placement::Pelvis]);
    eprintln!(
        "outdoor run: foot {foot:.2} spm, pelvis {pelvis:.2} spm, spectrum {:?}",
        r.summary.cadence_fft_spm
    );
    assert!(
        (foot - pelvis).abs() <= 1.0,
        "foot {foot:.2} vs pelvis {pelvis:.2}"
    );
    // the dominant step frequency of this run is about 2.6 Hz
    assert!((150.0..165.0).contains(&pelvis));
    let first = &r.bouts[0];
    assert_eq!(first.activity, Activity::Standing, "{:?}", &r.bouts[..3]);
    assert!(first.end_s >= 1.5, "standing start ends at {}", first.end_s);
    let first_running = r
        .bouts
        .iter()
        .find(|b| b.activity == Activity::Running)
        .unwrap();
    assert!(first_running.start_s >= 1.5);
    // a 25-minute run with stops: most of it is running
    assert!(
        r.summary.running_s > 15.0 * 60.0,
        "running {} s",
        r.summary.running_s
    );
}

#[test]
fn foot_walk_is_walking_not_running() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let r = analyze(
        &dir.join("gaitmap-foot-walk/walk-2x20m.csv"),
        None,
        Frame::Sensor,
    );
    assert_eq!(r.summary.running_s, 0.0, "{:?}", r.bouts);
    assert!(
        r.bouts
            .iter()
            .filter(|b| b.activity == Activity::Walking)
            .map(|b| b.duration_s())
            .sum::<f64>()
            > 20.0
    );
}

/// Mean absolute error, ms, of each force-plate initial contact against the nearest
/// reported one (as `tools/score.py`).
fn ic_mae_ms(truth: &Value, report: &Report) -> f64 {
    let got: Vec<f64> = report.steps.iter().map(|s| s.initial_contact_s).collect();
    assert!(!got.is_empty(), "no steps");
    let truth_ic = truth["initial_contacts_s"].as_array().unwrap();
    truth_ic
        .iter()
        .map(|t| {
            let t = t.as_f64().unwrap();
            got.iter()
                .map(|g| (g - t).abs())
                .fold(f64::INFINITY, f64::min)
                * 1000.0
        })
        .sum::<f64>()
        / truth_ic.len() as f64
}

/// One trial's initial-contact MAE (ms), contact-time error (ms, when reported) and the
/// report's event uncertainty (ms).
type TrialErrors = (f64, Option<f64>, Option<f64>);

/// Per running trial of `folder`: its [`TrialErrors`].
fn event_errors(folder: &str) -> Option<Vec<TrialErrors>> {
    let mut out = Vec::new();
    for (path, truth) in &trials(folder)? {
        let (unit, frame) = options_of(truth);
        let r = analyze(path, unit, frame);
        let ic = ic_mae_ms(truth, &r);
        let contact = r
            .summary
            .ground_contact_ms
            .map(|c| c - truth["contact_ms_mean"].as_f64().unwrap());
        eprintln!(
            "{}: IC MAE {ic:.1} ms, contact error {contact:?} ms",
            path.display()
        );
        out.push((ic, contact, r.summary.event_uncertainty_ms));
    }
    Some(out)
}

/// The median as `tools/score.py` takes it: the mean of the two middle values of an even
/// count.
fn median_mid(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n.is_multiple_of(2) {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    } else {
        v[n / 2]
    }
}

/// The median over trials of the absolute contact-time error, ms; every trial must
/// report contact time, each within `each_below_ms` of the force plate.
fn median_contact_error_ms(e: &[TrialErrors], placement: &str, each_below_ms: f64) -> f64 {
    let contact: Vec<f64> = e.iter().map(|x| x.1.expect("contact time").abs()).collect();
    assert!(contact.iter().all(|&c| c < each_below_ms), "{contact:?}");
    let median = median_mid(contact);
    eprintln!("{placement}: median contact-time error {median:.1} ms");
    median
}

#[test]
fn pelvis_contact_and_toe_off_match_force_plate() {
    let Some(e) = event_errors("alcantara-pelvis") else {
        return;
    };
    let ic = median_mid(e.iter().map(|x| x.0).collect());
    let contact = median_contact_error_ms(&e, "pelvis", 40.0);
    eprintln!("pelvis: median IC MAE {ic:.1} ms");
    assert!(ic <= 15.0, "median IC MAE {ic:.1} ms");
    assert!(contact <= 15.0, "median contact-time error {contact:.1} ms");
    // the uncertainty the report states is the one measured here
    let stated = e[0].2.expect("pelvis event uncertainty");
    assert!(
        (stated - ic).abs() <= 2.0,
        "stated {stated} vs measured {ic:.1}"
    );
}

#[test]
fn shank_contact_and_toe_off_match_force_plate() {
    let Some(e) = event_errors("bach-shank") else {
        return;
    };
    let mae: Vec<f64> = e.iter().map(|x| x.0).collect();
    assert!(mae.iter().all(|&m| m < 15.0), "{mae:?}");
    let mean = mae.iter().sum::<f64>() / mae.len() as f64;
    eprintln!("shank: mean of the trials' IC MAE {mean:.1} ms");
    assert!(mean <= 10.0, "IC MAE {mean:.1} ms");
    let stated = e[0].2.expect("shank event uncertainty");
    assert!(
        (stated - mean).abs() <= 2.0,
        "stated {stated} vs measured {mean:.1}"
    );
    // contact time from the toe-offs of the running trials
    let contact = median_contact_error_ms(&e, "shank", 30.0);
    assert!(contact <= 20.0, "median contact-time error {contact:.1} ms");
}

/// Each force-plate toe-off of the shank's running trials against the nearest reported
/// one: at most one in ten without a reported toe-off within 0.2 s, the others' mean
/// absolute error and bias within 10 ms.
#[test]
fn shank_toe_off_matches_force_plate() {
    let Some(trials) = trials("bach-shank") else {
        return;
    };
    for (path, truth) in &trials {
        let (unit, frame) = options_of(truth);
        let r = analyze(path, unit, frame);
        if r.summary.running_s == 0.0 {
            continue;
        }
        let got: Vec<f64> = r.steps.iter().filter_map(|s| s.toe_off_s).collect();
        let err_ms: Vec<f64> = truth["toe_offs_s"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| {
                let t = t.as_f64().unwrap();
                let g = got
                    .iter()
                    .copied()
                    .min_by(|a, b| (a - t).abs().total_cmp(&(b - t).abs()))
                    .expect("toe-offs");
                (g - t) * 1000.0
            })
            .collect();
        let found: Vec<f64> = err_ms.iter().copied().filter(|e| e.abs() < 200.0).collect();
        let n = found.len() as f64;
        let bias = found.iter().sum::<f64>() / n;
        let mae = found.iter().map(|e| e.abs()).sum::<f64>() / n;
        let within = found.iter().filter(|e| e.abs() <= 20.0).count();
        eprintln!(
            "{}: TO MAE {mae:.1} ms, bias {bias:+.1} ms; {} of {} toe-offs found, {within} within 20 ms",
            path.display(),
            found.len(),
            err_ms.len()
        );
        assert!(found.len() * 10 >= err_ms.len() * 9, "{err_ms:?}");
        assert!(
            mae <= 10.0 && bias.abs() <= 10.0,
            "TO MAE {mae:.1}, bias {bias:.1}"
        );
    }
}

/// The 25-minute outdoor run (hip and shoe accelerometers, no gyroscope): per-segment
/// metrics with no gaps and nothing absurd, shown in the text; the gyroscope metrics are
/// null with that reason.
#[test]
fn outdoor_run_per_segment_metrics_are_complete_and_plausible() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let r = analyze(
        &dir.join("adept-outdoor/outdoor-run-25min.csv"),
        Some(AccUnit::G),
        Frame::Sensor,
    );
    let segs = &r.drift_segments;
    for s in segs {
        eprintln!(
            "{:>6.0}–{:<6.0} s {:>4} steps {:?}",
            s.start_s, s.end_s, s.steps, s.metrics
        );
    }
    // about 19 minutes of running in 5-minute segments (no distance: no step length)
    assert!((4..=6).contains(&segs.len()), "{} segments", segs.len());
    for s in segs {
        assert!(s.start_m.is_none() && s.steps > 200, "{s:?}");
        let m = |k: &str| {
            *s.metrics
                .get(k)
                .unwrap_or_else(|| panic!("{k} missing at {:.0} s", s.start_s))
        };
        assert!((140.0..200.0).contains(&m("cadence_spm")), "{s:?}");
        assert!((150.0..350.0).contains(&m("contact_ms")), "{s:?}");
        assert!(
            (30.0..150.0).contains(&m("vertical_oscillation_mm")),
            "{s:?}"
        );
    }
    let vo = r.summary.vertical_oscillation_mm.unwrap();
    assert!((30.0..150.0).contains(&vo), "{vo}");
    for d in &r.drift {
        eprintln!(
            "{:<24} {:>8.2} → {:<8.2} ({:+.2}, stride SD {:.2}){}",
            d.metric,
            d.first_third,
            d.last_third,
            d.change,
            d.stride_sd,
            if d.flagged { " flagged" } else { "" }
        );
        assert!(d.first_third.is_finite() && d.last_third.is_finite());
    }
    assert!(
        r.drift
            .iter()
            .any(|d| d.metric == "vertical_oscillation_mm")
    );
    for metric in ["pelvis_rotation_deg", "pelvic_drop_deg"] {
        let why = r
            .unavailable
            .iter()
            .find(|u| u.metric == metric)
            .unwrap_or_else(|| panic!("{metric} without a reason"));
        assert!(why.reason.contains("gyroscope"), "{metric}: {}", why.reason);
    }
    let mut text = Vec::new();
    r.write_text(&mut text).unwrap();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("Per 5 minutes:"), "{text}");
    assert!(text.contains("Drift, first → last third"), "{text}");
}
