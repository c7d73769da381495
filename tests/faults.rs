//! Layer 3: the faults on the bundled sample runners, whose form the simulator sets
//! (`sample_data/make.sh`): the overstriding heel striker shows its faults with
//! severities, the efficient runner none of them.

use runform::faults::Severity;
use runform::io::{ReadOptions, read_path};
use runform::{AnalysisConfig, Frame, Report};
use std::path::Path;

fn analyze(name: &str) -> Report {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(name);
    let options = ReadOptions {
        frame: Frame::Body,
        ..ReadOptions::default()
    };
    AnalysisConfig::default()
        .process(&read_path(&path, &options).unwrap())
        .unwrap()
}

fn severity(report: &Report, id: &str) -> Option<Severity> {
    report
        .faults
        .iter()
        .find(|f| f.id == id)
        .map(|f| f.severity)
}

fn assessed(report: &Report, id: &str) -> bool {
    report.faults_assessed.iter().any(|a| a == id)
}

/// Each fault is either judged or listed in `unavailable` with a reason, never both.
fn judged_or_explained(report: &Report) {
    for id in [
        "heel_striking",
        "overstriding",
        "low_cadence",
        "trunk_rotation",
        "high_impact",
        "form_drift_cadence",
    ] {
        let key = format!("fault:{id}");
        let explained = report.unavailable.iter().any(|u| u.metric == key);
        assert!(
            assessed(report, id) != explained,
            "{id}: judged {} and explained {explained}",
            assessed(report, id)
        );
    }
    assert!(!report.unavailable.iter().any(|u| u.metric == "faults"));
}

#[test]
fn heel_striker_shows_its_faults_with_severities() {
    let r = analyze("heel-striker.csv");
    judged_or_explained(&r);
    let s = &r.summary;
    // truth: 154 steps/min (Garmin orange zone), 38° trunk rotation, 12° lean, 8° drop
    assert_eq!(severity(&r, "low_cadence"), Some(Severity::Mild));
    assert!(severity(&r, "trunk_rotation") >= Some(Severity::Moderate));
    assert!(severity(&r, "forward_lean").is_some());
    assert!(severity(&r, "pelvic_drop").is_some());
    if s.foot_strike.is_some() {
        // truth: 18° strike angle, every step rearfoot
        assert!(severity(&r, "heel_striking") >= Some(Severity::Moderate));
        let f = r.faults.iter().find(|f| f.id == "heel_striking").unwrap();
        assert!(f.steps_affected_pct.is_none_or(|p| p > 80.0), "{f:?}");
    }
    if s.overstride_cm.is_some() || s.tibia_angle_deg.is_some() {
        // truth: lands 32 cm ahead of the pelvis
        assert!(severity(&r, "overstriding").is_some());
    }
    let cadence = r.faults.iter().find(|f| f.id == "low_cadence").unwrap();
    assert!(cadence.steps_affected_pct.unwrap() > 50.0, "{cadence:?}");
    let (first, last) = (cadence.first_s.unwrap(), cadence.last_s.unwrap());
    assert!(first < last && first >= 0.0 && last <= r.input.duration_s);
    // most severe first
    assert!(r.faults.windows(2).all(|w| w[0].severity >= w[1].severity));
}

#[test]
fn efficient_runner_shows_none_of_them() {
    let r = analyze("efficient.csv");
    judged_or_explained(&r);
    let s = &r.summary;
    for id in [
        "low_cadence",
        "trunk_rotation",
        "forward_lean",
        "pelvic_drop",
        "long_ground_contact",
        "imbalance",
    ] {
        assert!(assessed(&r, id), "{id} not judged");
        assert_eq!(severity(&r, id), None, "{id}");
    }
    if s.foot_strike.is_some() {
        assert!(assessed(&r, "heel_striking"));
        assert_eq!(severity(&r, "heel_striking"), None);
    }
    if s.overstride_cm.is_some() || s.tibia_angle_deg.is_some() {
        assert!(assessed(&r, "overstriding"));
        assert_eq!(severity(&r, "overstriding"), None);
    }
    assert!(r.faults.is_empty(), "{:?}", r.faults);
}
