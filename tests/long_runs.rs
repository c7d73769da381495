//! Layer 3 for a long run: to keep their working signals bounded, events search a bout
//! longer than `EventConfig::piece_s` piece by piece, posture filters a recording longer
//! than `PostureConfig::piece_s` piece by piece, and so does loading beyond
//! `LoadingConfig::piece_s`; bouts take their block means `BoutConfig::piece_s` at a time. The pieces must find the contacts that one search over the
//! whole bout finds, for every placement's method, with no step lost or counted twice at
//! the seams; and the angles, braking and impact one filter over the whole recording
//! gives.

mod common;

use common::aligned;
use runform::events::{EventConfig, StreamContacts};
use runform::posture::PostureConfig;
use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Placement};

fn contacts(config: &EventConfig, sim: &runform::simulate::Simulation) -> Vec<StreamContacts> {
    let recording = &sim.recording;
    let aligned = aligned(recording);
    let bouts = AnalysisConfig::default().bouts.process(recording, &aligned);
    config.process(recording, &aligned, &bouts).unwrap()
}

#[test]
fn pieces_find_the_contacts_of_one_search_over_the_bout() {
    // 4 minutes of running in 45-s pieces: five seams per stream
    let sim = simulate(&SimConfig {
        seed: 11,
        duration_s: 240.0,
        placements: vec![
            Placement::LeftFoot,
            Placement::RightFoot,
            Placement::LeftShank,
            Placement::Pelvis,
            Placement::Trunk,
            Placement::LeftWrist,
        ],
        ..SimConfig::default()
    })
    .unwrap();
    let whole = contacts(
        &EventConfig {
            piece_s: f64::INFINITY,
            ..EventConfig::default()
        },
        &sim,
    );
    let pieces = contacts(
        &EventConfig {
            piece_s: 45.0,
            ..EventConfig::default()
        },
        &sim,
    );
    let sample_s = 1.0 / sim.recording.rate_hz;
    for (w, p) in whole.iter().zip(&pieces) {
        assert_eq!(w.placement, p.placement);
        assert!(
            w.contacts.len() > 300,
            "{}: {}",
            w.placement,
            w.contacts.len()
        );
        assert_eq!(
            w.contacts.len(),
            p.contacts.len(),
            "{}: as many contacts",
            w.placement
        );
        // the same contacts; where a piece's statistics differ from the bout's (its own
        // impact axis, say) a contact may move by a sample
        let mut moved = 0;
        for (a, b) in w.contacts.iter().zip(&p.contacts) {
            let d = (a.initial_contact_s - b.initial_contact_s).abs();
            assert!(d <= 1.01 * sample_s, "{}: {a:?} vs {b:?}", w.placement);
            let to = match (a.toe_off_s, b.toe_off_s) {
                (Some(x), Some(y)) => (x - y).abs(),
                (None, None) => 0.0,
                _ => f64::INFINITY,
            };
            assert!(to <= 1.01 * sample_s, "{}: {a:?} vs {b:?}", w.placement);
            assert_eq!((a.side, a.bout), (b.side, b.bout));
            if d > 1e-9 || to > 1e-9 {
                moved += 1;
            }
        }
        eprintln!(
            "{}: {} contacts, {moved} moved by a sample",
            w.placement,
            w.contacts.len()
        );
        assert!(
            moved * 100 <= w.contacts.len(),
            "{}: {moved} moved",
            w.placement
        );
    }
}

/// Regression: a piece timed its events from its own first sample (`t0 + offset`), a
/// search over the whole bout from the bout's, and the last bit of the two sums decided
/// which sample an event half-way between two samples (a contact's onset) was read at:
/// on a 30-minute run 849 of 5098 steps changed their vertical oscillation by up to
/// 3.3 mm and 816 their landing distance by up to 1.5 cm when events were searched in
/// pieces. Events are now timed from their place in the stream and read at the sample
/// after a tie, so the pieces give the report of one search over the bout.
#[test]
fn event_pieces_give_the_report_of_one_search_over_the_bout() {
    // 4 minutes: feet, shank and pelvis (landing distance, loading, tibia angle,
    // oscillation read their samples at the contacts), in 45-s pieces
    let sim = simulate(&SimConfig {
        seed: 13,
        duration_s: 240.0,
        placements: vec![
            Placement::LeftFoot,
            Placement::RightFoot,
            Placement::LeftShank,
            Placement::RightShank,
            Placement::Pelvis,
        ],
        standing_s: 3.0,
        ..SimConfig::default()
    })
    .unwrap();
    pieces_report_as_whole(
        &sim.recording,
        |piece_s| AnalysisConfig {
            events: EventConfig {
                piece_s,
                ..EventConfig::default()
            },
            ..AnalysisConfig::default()
        },
        &[
            "overstride_cm",
            "impact_peak_g",
            "vertical_oscillation_mm",
            "tibia_angle_deg",
        ],
    );
}

/// Bouts are classified from the magnitudes' block means taken `BoutConfig::piece_s` at a
/// time: the same bouts as from block means over the whole run.
#[test]
fn bouts_in_pieces_are_the_bouts_of_the_whole_run() {
    use runform::bouts::BoutConfig;
    let sim = simulate(&SimConfig {
        seed: 15,
        duration_s: 240.0,
        standing_s: 20.0,
        walking_s: 30.0,
        placements: vec![Placement::LeftFoot, Placement::Pelvis, Placement::LeftWrist],
        ..SimConfig::default()
    })
    .unwrap();
    let recording = &sim.recording;
    let aligned = aligned(recording);
    let bouts = |piece_s: f64| {
        BoutConfig {
            piece_s,
            ..BoutConfig::default()
        }
        .process(recording, &aligned)
    };
    let whole = bouts(f64::INFINITY);
    // standing, walking, running, walking, standing
    assert!(whole.len() >= 5, "{whole:?}");
    for piece_s in [45.0, 60.0, 61.0] {
        assert_eq!(bouts(piece_s), whole, "pieces of {piece_s} s");
    }
}

/// Loading filters a recording longer than `LoadingConfig::piece_s` piece by piece: the
/// braking, landing distance, impact and inferred strike of every step are those of one
/// filter over the run, with the forward axis' sign voted over the whole run (a pelvis
/// worn at a random angle, sensor frame).
#[test]
fn loading_in_pieces_measures_what_one_filter_over_the_run_measures() {
    use runform::loading::LoadingConfig;
    use runform::simulate::Mounting;
    let mut sim = simulate(&SimConfig {
        seed: 14,
        duration_s: 240.0,
        placements: vec![Placement::LeftFoot, Placement::RightFoot, Placement::Pelvis],
        mounting: Mounting::Random,
        ..SimConfig::default()
    })
    .unwrap();
    sim.recording.frame = runform::Frame::Sensor;
    pieces_report_as_whole(
        &sim.recording,
        |piece_s| AnalysisConfig {
            loading: LoadingConfig {
                piece_s,
                ..LoadingConfig::default()
            },
            ..AnalysisConfig::default()
        },
        &["braking_peak_g", "overstride_cm", "impact_peak_g"],
    );
}

/// The report of `recording` with `config(45.0)` (a stage in 45-s pieces) is the one with
/// `config(∞)` (one pass over the run) but for numbers' last bits; both have more than 600
/// steps, more than 500 of them with a value of each of `measured`.
fn pieces_report_as_whole(
    recording: &runform::Recording,
    config: impl Fn(f64) -> AnalysisConfig,
    measured: &[&str],
) {
    let report = |piece_s: f64| {
        let report = config(piece_s).process(recording).unwrap();
        serde_json::to_value(&report).unwrap()
    };
    let (whole, pieces) = (report(f64::INFINITY), report(45.0));
    let steps = whole["steps"].as_array().unwrap();
    assert!(steps.len() > 600, "{} steps", steps.len());
    for key in measured {
        let with = steps.iter().filter(|s| s[key].is_number()).count();
        assert!(with > 500, "{key}: {with} steps");
    }
    same(&whole, &pieces, "report");
}

/// `a` and `b` are the same JSON but for numbers' last bits (1e-9 relative): a contact
/// interpolated between samples (a pelvis's level crossing) is timed from the stream's
/// first sample in two roundings instead of one.
fn same(a: &serde_json::Value, b: &serde_json::Value, at: &str) {
    use serde_json::Value;
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let (x, y) = (x.as_f64().unwrap(), y.as_f64().unwrap());
            assert!((x - y).abs() <= 1e-9 * (1.0 + x.abs()), "{at}: {x} vs {y}");
        }
        (Value::Array(x), Value::Array(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: length");
            for (k, (x, y)) in x.iter().zip(y).enumerate() {
                same(x, y, &format!("{at}[{k}]"));
            }
        }
        (Value::Object(x), Value::Object(y)) => {
            assert_eq!(x.len(), y.len(), "{at}: keys");
            for (key, x) in x {
                same(x, &y[key], &format!("{at}.{key}"));
            }
        }
        _ => assert_eq!(a, b, "{at}"),
    }
}

#[test]
fn posture_in_pieces_measures_what_one_filter_over_the_run_measures() {
    // 4 minutes of running, trunk and pelvis in body axes, in 45-s pieces
    let sim = simulate(&SimConfig {
        seed: 12,
        duration_s: 240.0,
        placements: vec![Placement::Pelvis, Placement::Trunk],
        ..SimConfig::default()
    })
    .unwrap();
    let report = |piece_s: f64| {
        AnalysisConfig {
            posture: PostureConfig {
                piece_s,
                ..PostureConfig::default()
            },
            ..AnalysisConfig::default()
        }
        .process(&sim.recording)
        .unwrap()
    };
    let (whole, pieces) = (report(f64::INFINITY), report(45.0));
    type Angle = fn(&runform::metrics::Step) -> Option<f64>;
    let per_step: [(&str, Angle); 7] = [
        ("trunk_rotation_deg", |s| s.trunk_rotation_deg),
        ("pelvis_rotation_deg", |s| s.pelvis_rotation_deg),
        ("trunk_pelvis_rotation_deg", |s| s.trunk_pelvis_rotation_deg),
        ("forward_lean_deg", |s| s.forward_lean_deg),
        ("forward_lean_range_deg", |s| s.forward_lean_range_deg),
        ("lateral_sway_deg", |s| s.lateral_sway_deg),
        ("pelvic_drop_deg", |s| s.pelvic_drop_deg),
    ];
    assert_eq!(whole.steps.len(), pieces.steps.len());
    for (name, f) in per_step {
        let (mut both, mut worst) = (0, 0.0_f64);
        for (a, b) in whole.steps.iter().zip(&pieces.steps) {
            match (f(a), f(b)) {
                (Some(x), Some(y)) => {
                    both += 1;
                    worst = worst.max((x - y).abs());
                }
                (None, None) => {}
                (x, y) => panic!("{name} at {}: {x:?} vs {y:?}", a.initial_contact_s),
            }
        }
        eprintln!("{name}: {both} steps, worst {worst:.5}°");
        assert!(both > 500, "{name}: {both} steps");
        // a piece's filter starts `warmup_s` (60 s) after the piece ends: the switch
        // from its warm-up to the result pass has faded to a few hundredths of a degree
        // of tilt by then (it is 0.17° after 5 s)
        assert!(worst < 0.05, "{name}: {worst}°");
    }
    let (a, b) = (&whole.summary, &pieces.summary);
    for (name, x, y) in [
        (
            "trunk_rotation_deg",
            a.trunk_rotation_deg,
            b.trunk_rotation_deg,
        ),
        ("pelvic_drop_deg", a.pelvic_drop_deg, b.pelvic_drop_deg),
        ("forward_lean_deg", a.forward_lean_deg, b.forward_lean_deg),
        (
            "trunk_pelvis_coupling",
            a.trunk_pelvis_coupling,
            b.trunk_pelvis_coupling,
        ),
    ] {
        let (x, y) = (x.unwrap(), y.unwrap());
        eprintln!("{name}: {x:.5} vs {y:.5}");
        assert!((x - y).abs() < 0.01, "{name}: {x} vs {y}");
    }
}
