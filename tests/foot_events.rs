//! Foot-IMU events from the gyroscope (`events::foot`): IC and TO per step against the
//! simulator's truth, and gaitmap's walking recording against gaitmap's own events.

mod common;

use runform::io::{ReadOptions, read_path};
use runform::recording::{Frame, Side};
use runform::simulate::{Activity, Mounting, SimConfig, simulate};
use runform::{AnalysisConfig, Placement};
use serde_json::Value;

/// Signed errors (detected − truth, s) of every truth time, matched to the nearest
/// detected time of the same side.
fn errors(truth: &[(Side, f64)], found: &[(Side, f64)]) -> Vec<f64> {
    truth
        .iter()
        .filter_map(|&(side, t)| {
            found
                .iter()
                .filter(|f| f.0 == side)
                .map(|f| f.1 - t)
                .min_by(|a, b| a.abs().total_cmp(&b.abs()))
        })
        .collect()
}

fn mae_ms(e: &[f64]) -> f64 {
    1000.0 * e.iter().map(|x| x.abs()).sum::<f64>() / e.len() as f64
}

fn bias_ms(e: &[f64]) -> f64 {
    1000.0 * e.iter().sum::<f64>() / e.len() as f64
}

#[test]
fn foot_gyro_events_match_the_simulated_truth_across_cadence_and_contact() {
    let mut all_ic = Vec::new();
    let mut all_to = Vec::new();
    for (seed, cadence, contact) in [
        (1, 150.0, 320.0),
        (2, 165.0, 280.0),
        (3, 180.0, 240.0),
        (4, 200.0, 180.0),
    ] {
        let cfg = SimConfig {
            seed,
            duration_s: 30.0,
            placements: vec![Placement::LeftFoot, Placement::RightFoot],
            cadence_spm: cadence,
            contact_ms: contact,
            mounting: Mounting::Random,
            ..SimConfig::default()
        };
        let sim = simulate(&cfg).unwrap();
        let report = AnalysisConfig::default().process(&sim.recording).unwrap();
        let steps: Vec<_> = sim.truth.steps.iter().collect();
        // the first and last two steps of each foot may be cut by the bout's edges
        let inner = &steps[4..steps.len() - 4];
        let truth_ic: Vec<_> = inner
            .iter()
            .map(|s| (s.side, s.initial_contact_s))
            .collect();
        let truth_to: Vec<_> = inner.iter().map(|s| (s.side, s.toe_off_s)).collect();
        let found_ic: Vec<_> = report
            .steps
            .iter()
            .map(|s| (s.side, s.initial_contact_s))
            .collect();
        let found_to: Vec<_> = report
            .steps
            .iter()
            .filter_map(|s| s.toe_off_s.map(|t| (s.side, t)))
            .collect();
        let (ic, to) = (errors(&truth_ic, &found_ic), errors(&truth_to, &found_to));
        eprintln!(
            "{cadence} spm, {contact} ms: IC MAE {:.1} ms bias {:+.1} ms; TO MAE {:.1} ms bias {:+.1} ms; {} steps",
            mae_ms(&ic),
            bias_ms(&ic),
            mae_ms(&to),
            bias_ms(&to),
            ic.len()
        );
        assert_eq!(ic.len(), truth_ic.len());
        assert!(mae_ms(&ic) < 5.0, "IC MAE {} ms", mae_ms(&ic));
        assert!(mae_ms(&to) < 10.0, "TO MAE {} ms", mae_ms(&to));
        all_ic.extend(ic);
        all_to.extend(to);
    }
    // nearly every step within the tolerance, not only on average
    let share =
        |e: &[f64], tol: f64| e.iter().filter(|x| x.abs() <= tol).count() as f64 / e.len() as f64;
    assert!(share(&all_ic, 0.005) > 0.95, "{}", share(&all_ic, 0.005));
    assert!(share(&all_to, 0.010) > 0.95, "{}", share(&all_to, 0.010));
}

/// Issue 3: standing, then walking (strides of 1.1 s) at the start of a bout whose stride
/// is the running 0.7 s put one foot's stride-by-stride stance search onto a quiet moment
/// of the swing, where it stayed for the whole run: that foot's ICs came half a step
/// early, landing with the other foot's (cadence 117 instead of 170 steps/min).
#[test]
fn foot_contacts_stay_on_the_stance_after_standing_and_walking() {
    for (seed, strike_deg, mounting) in [
        (952, -8.0, Mounting::Aligned),
        (953, -8.0, Mounting::Random),
        (954, -8.0, Mounting::Aligned),
        (952, 12.0, Mounting::Random),
        (953, 12.0, Mounting::Aligned),
        (954, 12.0, Mounting::Random),
    ] {
        let cfg = SimConfig {
            seed,
            duration_s: 30.0,
            placements: vec![Placement::LeftFoot, Placement::RightFoot],
            strike_angle_deg: strike_deg,
            overstride_cm: 5.0,
            standing_s: 3.0,
            walking_s: 4.0,
            mounting,
            ..SimConfig::default()
        };
        let sim = simulate(&cfg).unwrap();
        let report = AnalysisConfig::default().process(&sim.recording).unwrap();
        let running: Vec<_> = sim
            .truth
            .steps
            .iter()
            .filter(|s| s.activity == Activity::Running)
            .collect();
        let truth_ic: Vec<_> = running
            .iter()
            .map(|s| (s.side, s.initial_contact_s))
            .collect();
        let found_ic: Vec<_> = report
            .steps
            .iter()
            .map(|s| (s.side, s.initial_contact_s))
            .collect();
        let ic = errors(&truth_ic, &found_ic);
        let within =
            |tol: f64| ic.iter().filter(|e| e.abs() <= tol).count() as f64 / ic.len() as f64;
        // cadence over the same stretch as the truth's: the simulator calls the steps of
        // its walk-to-run ramps walking, though they already have a flight phase
        let (first, last) = (truth_ic[0].1 - 0.01, truth_ic[truth_ic.len() - 1].1 + 0.01);
        let strides: Vec<f64> = report
            .steps
            .iter()
            .filter(|s| (first..=last).contains(&s.initial_contact_s))
            .filter_map(|s| s.stride_s)
            .collect();
        let cadence = 120.0 * strides.len() as f64 / strides.iter().sum::<f64>();
        let truth_cadence = sim.truth.cadence_spm.unwrap();
        let summary_cadence = report.summary.cadence_spm.unwrap();
        eprintln!(
            "seed {seed}, strike {strike_deg}°: IC within 5 ms {:.1}%, within 6 ms {:.1}%, MAE {:.1} ms, bias {:+.1} ms; cadence {cadence:.1} (summary {summary_cadence:.1}) vs {truth_cadence:.1} steps/min",
            100.0 * within(0.005),
            100.0 * within(0.006),
            mae_ms(&ic),
            bias_ms(&ic)
        );
        assert!(within(0.005) >= 0.98, "seed {seed}: {:?}", ic);
        assert!((cadence - truth_cadence).abs() < 1.0, "cadence {cadence}");
        // the summary also counts the ramps' steps, which are faster or slower than the run
        assert!(
            (summary_cadence - truth_cadence).abs() < 2.0,
            "summary cadence {summary_cadence}"
        );
    }
}

#[test]
fn gaitmap_walk_initial_contacts_match_gaitmaps_own() {
    let Some(dir) = common::real_data_dir() else {
        return;
    };
    let path = dir.join("gaitmap-foot-walk/walk-2x20m.csv");
    let peer_path = dir.join("gaitmap-foot-walk/walk-2x20m.peer-events.json");
    if !path.is_file() || !peer_path.is_file() {
        eprintln!("SKIPPED: {} not found", path.display());
        return;
    }
    let options = ReadOptions {
        frame: Frame::Sensor,
        ..ReadOptions::default()
    };
    let recording = read_path(&path, &options).unwrap();
    let report = AnalysisConfig::default().process(&recording).unwrap();
    let peer: Value = serde_json::from_str(&std::fs::read_to_string(&peer_path).unwrap()).unwrap();
    let mut peer_ic = Vec::new();
    let mut peer_tc = Vec::new();
    for (name, side) in [("left", Side::Left), ("right", Side::Right)] {
        for s in peer["strides"][name].as_array().unwrap() {
            peer_ic.push((side, s["ic"].as_f64().unwrap()));
            peer_tc.push((side, s["tc"].as_f64().unwrap()));
        }
    }
    let ours_ic: Vec<_> = report
        .steps
        .iter()
        .map(|s| (s.side, s.initial_contact_s))
        .collect();
    let ours_to: Vec<_> = report
        .steps
        .iter()
        .filter_map(|s| s.toe_off_s.map(|t| (s.side, t)))
        .collect();
    let (ic, to) = (errors(&peer_ic, &ours_ic), errors(&peer_tc, &ours_to));
    // every one of gaitmap's contacts has one of ours near it
    let missed = ic.iter().filter(|e| e.abs() > 0.1).count();
    let ic: Vec<f64> = ic.into_iter().filter(|e| e.abs() <= 0.1).collect();
    let to: Vec<f64> = to.into_iter().filter(|e| e.abs() <= 0.1).collect();
    let within_20_ms = ic.iter().filter(|e| e.abs() <= 0.020).count();
    eprintln!(
        "gaitmap walk: IC MAE {:.1} ms bias {:+.1} ms ({} matched, {within_20_ms} within 20 ms, {missed} missed); TO vs tc MAE {:.1} ms bias {:+.1} ms",
        mae_ms(&ic),
        bias_ms(&ic),
        ic.len(),
        mae_ms(&to),
        bias_ms(&to)
    );
    assert!(
        missed <= 2,
        "{missed} of gaitmap's contacts have none of ours"
    );
    assert!(mae_ms(&ic) < 25.0, "IC MAE {} ms", mae_ms(&ic));
    assert!(mae_ms(&to) < 15.0, "TO MAE {} ms", mae_ms(&to));
}
