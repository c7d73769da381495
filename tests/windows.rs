//! Layer 3 for a recording analysed in windows: a run longer than the window is read a
//! window at a time and the windows' reports merged. The merged report must tell the
//! simulator's truth as the whole analysis does, agree with the whole analysis, and bad
//! input deep in the file must be named by its file line as when it is read whole.

mod common;

use runform::io::{ReadOptions, WindowPlan, write_csv};
use runform::simulate::{SimConfig, Simulation, simulate};
use runform::{AnalysisConfig, Frame, Placement};
use std::path::{Path, PathBuf};

/// Windows of 2 minutes reaching 20 s into their neighbours.
const PLAN: WindowPlan = WindowPlan {
    own_s: 120.0,
    overlap_s: 20.0,
};

/// 9 minutes of running, two feet, pelvis and trunk, written as canonical CSV in `dir`.
fn recording(dir: &Path) -> (Simulation, PathBuf) {
    let sim = simulate(&SimConfig {
        seed: 7,
        duration_s: 540.0,
        placements: vec![
            Placement::LeftFoot,
            Placement::RightFoot,
            Placement::Pelvis,
            Placement::Trunk,
        ],
        ..SimConfig::default()
    })
    .unwrap();
    let path = written(&sim, dir, "run.csv");
    (sim, path)
}

/// `sim`'s recording written as canonical CSV to `name` in `dir`.
fn written(sim: &Simulation, dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    write_csv(
        &sim.recording,
        std::io::BufWriter::new(std::fs::File::create(&path).unwrap()),
    )
    .unwrap();
    path
}

/// `name`'s value in windows, `a`, is within `tol` of the whole analysis', `b`.
fn close(name: &str, a: Option<f64>, b: Option<f64>, tol: f64) {
    let (a, b) = (a.unwrap_or_else(|| panic!("{name} windowed")), b.unwrap());
    assert!((a - b).abs() <= tol, "{name}: windowed {a}, whole {b}");
}

#[test]
fn windows_tell_the_truth_and_agree_with_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (sim, path) = recording(dir.path());
    let config = AnalysisConfig::default();
    // the simulator's axes are the body's
    let read = ReadOptions {
        frame: Frame::Body,
        ..ReadOptions::default()
    };
    let whole = config
        .process_path(&path, &read, WindowPlan::WHOLE)
        .unwrap();
    let windowed = config.process_path(&path, &read, PLAN).unwrap();
    assert_eq!(whole.windows, 1);
    // 540 s planned in windows of 120 s: round(4.5) windows
    assert!(
        (4..=5).contains(&windowed.windows),
        "{} windows",
        windowed.windows
    );
    let (w, m) = (&whole.report, &windowed.report);
    assert!(
        m.warnings.iter().any(|x| x.code == "analysed_in_windows"),
        "{:?}",
        m.warnings
    );
    // every true step found once: none lost or doubled at the seams
    let truth = sim.truth.initial_contacts_s.len();
    let steps = m.steps.len();
    assert!(
        steps.abs_diff(w.steps.len()) <= 2 && steps.abs_diff(truth) <= 4,
        "windowed {steps}, whole {}, truth {truth}",
        w.steps.len()
    );
    let ics: Vec<f64> = m.steps.iter().map(|s| s.initial_contact_s).collect();
    assert!(
        ics.windows(2).all(|p| p[1] - p[0] > 0.15),
        "steps in time order, none twice"
    );
    // the summary agrees with the whole analysis' and with the truth
    let (ms, ws) = (&m.summary, &w.summary);
    close("cadence", ms.cadence_spm, ws.cadence_spm, 0.2);
    close("contact", ms.ground_contact_ms, ws.ground_contact_ms, 1.0);
    close("flight", ms.flight_ms, ws.flight_ms, 1.0);
    close(
        "trunk rotation",
        ms.trunk_rotation_deg,
        ws.trunk_rotation_deg,
        0.2,
    );
    close(
        "pelvis rotation",
        ms.pelvis_rotation_deg,
        ws.pelvis_rotation_deg,
        0.2,
    );
    close(
        "forward lean",
        ms.forward_lean_deg,
        ws.forward_lean_deg,
        0.2,
    );
    close("pelvic drop", ms.pelvic_drop_deg, ws.pelvic_drop_deg, 0.1);
    close("overstride", ms.overstride_cm, ws.overstride_cm, 0.5);
    close("speed", ms.speed_mps, ws.speed_mps, 0.02);
    close("impact", ms.impact_peak_g, ws.impact_peak_g, 0.05);
    close("braking", ms.braking_peak_g, ws.braking_peak_g, 0.01);
    close(
        "cadence truth",
        ms.cadence_spm,
        sim.truth.summary.cadence_spm,
        1.0,
    );
    assert!(
        (ms.running_s - ws.running_s).abs() < 1.0,
        "{} {}",
        ms.running_s,
        ws.running_s
    );
    let ids =
        |r: &runform::Report| -> Vec<String> { r.faults.iter().map(|f| f.id.clone()).collect() };
    assert_eq!(ids(m), ids(w));
    // the charts' stride comes with the minute of samples around it
    let clip = windowed
        .recording
        .as_ref()
        .expect("samples for the stride chart");
    assert!(clip.duration_s() <= 61.0, "{} s", clip.duration_s());
    let shown = m.shown_stride().unwrap().initial_contact_s;
    assert!(
        (clip.start_s..clip.start_s + clip.duration_s()).contains(&shown)
            || m.steps.iter().any(|s| s.stride_s.is_some()
                && (clip.start_s + 1.0..clip.start_s + clip.duration_s() - 1.0)
                    .contains(&s.initial_contact_s))
    );
}

/// Bad input in a later window: named by its file line, as when the file is read whole.
#[test]
fn bad_rows_in_a_later_window_are_named_by_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let (_, path) = recording(dir.path());
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let config = AnalysisConfig::default();
    let read = ReadOptions::default();
    let error = |lines: &[String], name: &str| -> String {
        let bad = dir.path().join(name);
        std::fs::write(&bad, lines.join("\n") + "\n").unwrap();
        let e = config.process_path(&bad, &read, PLAN).unwrap_err();
        let whole = config
            .process_path(&bad, &read, WindowPlan::WHOLE)
            .unwrap_err();
        assert_eq!(e.to_string(), whole.to_string());
        e.to_string()
    };
    // a cell that is not a number, in the fourth window (line 80,001 of 108,001)
    let original = lines[80_000].clone();
    lines[80_000] = lines[80_000].replacen(',', ",x", 1);
    let e = error(&lines, "cell.csv");
    assert!(e.contains("line 80001"), "{e}");
    // a time that goes back, in the third window: found by the window's own checks
    lines[80_000] = original;
    let t: Vec<String> = lines[60_000].split(',').map(str::to_string).collect();
    let back = format!("{}", t[0].parse::<f64>().unwrap() - 1.0);
    lines[60_000] = std::iter::once(back.as_str())
        .chain(t[1..].iter().map(String::as_str))
        .collect::<Vec<_>>()
        .join(",");
    let e = error(&lines, "time.csv");
    assert!(e.contains("line 60001"), "{e}");
}

/// A run that starts standing: the shanks' axes found then serve every later window, so
/// the tibia angle is measured over the whole run as when it is analysed whole.
#[test]
fn the_standing_start_gives_every_window_the_shank_axes() {
    let dir = tempfile::tempdir().unwrap();
    let sim = simulate(&SimConfig {
        seed: 5,
        duration_s: 420.0,
        standing_s: 5.0,
        placements: vec![
            Placement::LeftShank,
            Placement::RightShank,
            Placement::Pelvis,
        ],
        ..SimConfig::default()
    })
    .unwrap();
    let path = written(&sim, dir.path(), "shanks.csv");
    let config = AnalysisConfig::default();
    let read = ReadOptions::default();
    let whole = config
        .process_path(&path, &read, WindowPlan::WHOLE)
        .unwrap();
    let windowed = config.process_path(&path, &read, PLAN).unwrap();
    assert!(windowed.windows >= 3, "{} windows", windowed.windows);
    let tibia = |r: &runform::Report| {
        r.steps
            .iter()
            .filter(|s| s.tibia_angle_deg.is_some())
            .count()
    };
    let (w, m) = (&whole.report, &windowed.report);
    assert!(tibia(w) > 1000, "{}", tibia(w));
    assert!(
        tibia(m).abs_diff(tibia(w)) <= 4,
        "windowed {} tibia angles, whole {}",
        tibia(m),
        tibia(w)
    );
    assert!(
        !m.warnings
            .iter()
            .any(|x| x.code == "measured_in_some_windows"),
        "{:?}",
        m.warnings
    );
    let (a, b) = (
        m.summary.tibia_angle_deg.unwrap(),
        w.summary.tibia_angle_deg.unwrap(),
    );
    assert!((a - b).abs() < 0.2, "windowed {a}, whole {b}");
}

/// A run that ends with minutes of standing, its gyroscope in deg/s: a window of standing
/// alone cannot tell the unit (its angular speed is near zero in either), so every
/// window is read in the units the first window found.
#[test]
fn every_window_is_read_in_the_first_windows_units() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("stop.csv");
    let mut text = String::from(
        "time,pelvis_acc_x,pelvis_acc_y,pelvis_acc_z,pelvis_gyr_x,pelvis_gyr_y,pelvis_gyr_z\n",
    );
    let rate_hz = 100.0;
    for i in 0..48_000 {
        let t = i as f64 / rate_hz;
        // 4 minutes of rhythmic motion (±150 deg/s), then 4 minutes standing still
        let moving = if t < 240.0 { 1.0 } else { 0.0 };
        let w = 2.0 * std::f64::consts::PI * 1.4 * t;
        let jitter = 0.01 * (17.0 * t).sin();
        text.push_str(&format!(
            "{t:.2},{:.4},{:.4},{:.4},{:.4},{:.4},{:.4}\n",
            0.3 * moving * w.sin() + jitter,
            jitter,
            9.81 + 4.0 * moving * (2.0 * w).sin() + jitter,
            150.0 * moving * w.cos() + jitter,
            40.0 * moving * w.sin() + jitter,
            20.0 * moving * (2.0 * w).cos() + jitter,
        ));
    }
    std::fs::write(&path, text).unwrap();
    let mut units = Vec::new();
    runform::io::read_input_windows(&path, &ReadOptions::default(), PLAN, |w| {
        if let runform::io::Input::Imu(r) = w.input {
            units.push(r.units.gyr);
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(units.len(), 4, "{units:?}");
    assert!(
        units
            .iter()
            .all(|&u| u == Some(runform::recording::GyrUnit::DegPerS)),
        "{units:?}"
    );
}

/// A real run of 25 minutes outdoors with stops (a foot accelerometer and the pelvis,
/// sensor axes), cut into windows of 10 minutes: the windows' report must tell the run
/// as the whole analysis does. Each window finds its own axes, and from them the pelvis'
/// left and right: where a window cannot tell the sides, steps stay unknown, so the
/// per-side figures (contact balance, the impact of the foot's steps) move more.
#[test]
fn a_real_run_in_windows_agrees_with_the_whole() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let path = dir.join("adept-outdoor/outdoor-run-25min.csv");
    let config = AnalysisConfig::default();
    let read = ReadOptions::default();
    let whole = config
        .process_path(&path, &read, WindowPlan::WHOLE)
        .unwrap();
    let plan = WindowPlan {
        own_s: 600.0,
        ..WindowPlan::default()
    };
    let windowed = config.process_path(&path, &read, plan).unwrap();
    assert!(windowed.windows >= 2, "{} windows", windowed.windows);
    let (w, m) = (&whole.report.summary, &windowed.report.summary);
    let steps = |r: &runform::Report| r.steps.len() as f64;
    assert!(
        (steps(&windowed.report) / steps(&whole.report) - 1.0).abs() < 0.01,
        "steps: windowed {}, whole {}",
        steps(&windowed.report),
        steps(&whole.report)
    );
    assert!((m.running_s - w.running_s).abs() < 0.01 * w.running_s);
    close("cadence", m.cadence_spm, w.cadence_spm, 0.3);
    close("contact", m.ground_contact_ms, w.ground_contact_ms, 2.0);
    close("flight", m.flight_ms, w.flight_ms, 2.0);
    close("braking", m.braking_peak_g, w.braking_peak_g, 0.02);
    close(
        "oscillation",
        m.vertical_oscillation_mm,
        w.vertical_oscillation_mm,
        1.0,
    );
    let ids =
        |r: &runform::Report| -> Vec<String> { r.faults.iter().map(|f| f.id.clone()).collect() };
    assert_eq!(ids(&windowed.report), ids(&whole.report));
}
