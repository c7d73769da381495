//! Layer 3: simulated runs with exact truth go through the whole pipeline and must come
//! back out within stated tolerances.

mod common;

use common::simulate_and_analyze as run;

use runform::bouts::Activity;
use runform::simulate::{Mounting, SimConfig};
use runform::{Placement, Report};

/// Cadence within 1 spm of truth for every placement alone, across 150–200 spm, with noise,
/// bias and random mounting.
#[test]
fn cadence_within_one_spm_for_every_placement_and_cadence() {
    let mut worst = (0.0_f64, String::new());
    for (k, placement) in Placement::ALL.into_iter().enumerate() {
        for (j, cadence) in [150.0, 165.0, 185.0, 200.0].into_iter().enumerate() {
            let config = SimConfig {
                seed: 100 + (k * 10 + j) as u64,
                duration_s: 40.0,
                placements: vec![placement],
                cadence_spm: cadence,
                mounting: Mounting::Random,
                acc_noise_mps2: 0.1,
                gyr_noise_radps: 0.01,
                ..SimConfig::default()
            };
            let (report, truth) = run(&config);
            let truth_cadence = truth.summary.cadence_spm.expect("truth has a cadence");
            let got = report.summary.cadence_spm.unwrap_or_else(|| {
                panic!("{placement} at {cadence}: no cadence ({:?})", report.bouts)
            });
            let err = (got - truth_cadence).abs();
            if err > worst.0 {
                worst = (err, format!("{placement} at {cadence} spm"));
            }
            assert!(
                err <= 1.0,
                "{placement} at {cadence} spm: got {got:.2}, truth {truth_cadence:.2}"
            );
            let fft = report.summary.cadence_fft_spm.expect("spectrum cadence");
            assert!(
                (fft - truth_cadence).abs() <= 2.0,
                "{placement} at {cadence}: spectrum {fft:.2}"
            );
        }
    }
    eprintln!("worst cadence error {:.2} spm ({})", worst.0, worst.1);
}

#[test]
fn every_sensor_of_a_multi_sensor_run_agrees() {
    let config = SimConfig {
        seed: 7,
        duration_s: 60.0,
        placements: Placement::ALL.to_vec(),
        cadence_spm: 172.0,
        ..SimConfig::default()
    };
    let (report, truth) = run(&config);
    let t = truth.summary.cadence_spm.unwrap();
    assert_eq!(report.summary.cadence_by_placement.len(), 8);
    for (p, c) in &report.summary.cadence_by_placement {
        assert!((c - t).abs() <= 1.0, "{p}: {c:.2} vs {t:.2}");
    }
}

#[test]
fn standing_and_walking_are_not_running() {
    let config = SimConfig {
        seed: 21,
        duration_s: 40.0,
        standing_s: 5.0,
        walking_s: 12.0,
        placements: vec![Placement::Pelvis],
        ..SimConfig::default()
    };
    let (report, truth) = run(&config);
    // The simulator ramps cadence and speed over 2 s inside the walking parts, and bouts
    // are read in 4 s windows: each edge of the running bout may sit up to 3 s off.
    let truth_run = truth
        .bouts
        .iter()
        .find(|b| format!("{:?}", b.activity).eq_ignore_ascii_case("running"))
        .unwrap();
    let runs: Vec<_> = report
        .bouts
        .iter()
        .filter(|b| b.activity == Activity::Running)
        .collect();
    assert_eq!(runs.len(), 1, "{:?}", report.bouts);
    assert!(
        (runs[0].start_s - truth_run.start_s).abs() <= 3.0
            && (runs[0].end_s - truth_run.end_s).abs() <= 3.0,
        "running {:?} vs truth {:?}",
        runs[0],
        truth_run
    );
    assert_eq!(
        report.bouts.first().map(|b| b.activity),
        Some(Activity::Standing),
        "{:?}",
        report.bouts
    );
    assert_eq!(
        report.bouts.last().map(|b| b.activity),
        Some(Activity::Standing),
        "{:?}",
        report.bouts
    );
    assert!(
        report.bouts.iter().any(|b| b.activity == Activity::Walking),
        "{:?}",
        report.bouts
    );
    // no running step is reported inside the standing stretches
    for s in report
        .steps
        .iter()
        .filter(|s| s.activity == Activity::Running)
    {
        assert!(
            s.initial_contact_s > truth_run.start_s - 3.0
                && s.initial_contact_s < truth_run.end_s + 3.0,
            "running step at {}",
            s.initial_contact_s
        );
    }
}

#[test]
fn pelvis_contact_and_flight_are_close_to_truth() {
    let config = SimConfig {
        seed: 5,
        duration_s: 60.0,
        placements: vec![Placement::Pelvis],
        strike_angle_deg: 2.0,
        ..SimConfig::default()
    };
    let (report, truth) = run(&config);
    let (got, want) = (
        report.summary.ground_contact_ms.unwrap(),
        truth.summary.ground_contact_ms.unwrap(),
    );
    // issue-2 level: the threshold method is within 30 ms; see the step-event work for more
    assert!(
        (got - want).abs() < 30.0,
        "contact {got:.1} vs {want:.1} ms"
    );
}

/// Share of the truth's running steps whose nearest reported step (within 50 ms) has the
/// same side.
fn side_share(report: &Report, truth: &runform::simulate::Truth) -> f64 {
    let (mut ok, mut n) = (0, 0);
    for t in truth
        .steps
        .iter()
        .filter(|s| format!("{:?}", s.activity).eq_ignore_ascii_case("running"))
    {
        let nearest = report.steps.iter().min_by(|a, b| {
            (a.initial_contact_s - t.initial_contact_s)
                .abs()
                .total_cmp(&(b.initial_contact_s - t.initial_contact_s).abs())
        });
        if let Some(s) =
            nearest.filter(|s| (s.initial_contact_s - t.initial_contact_s).abs() < 0.05)
        {
            n += 1;
            if s.side.as_str() == format!("{:?}", t.side).to_lowercase() {
                ok += 1;
            }
        }
    }
    assert!(n > 50, "only {n} steps matched");
    ok as f64 / n as f64
}

#[test]
fn pelvis_tells_left_from_right() {
    for (seed, mounting) in [
        (31, Mounting::Aligned),
        (32, Mounting::Random),
        (33, Mounting::Random),
    ] {
        for cadence in [155.0, 185.0] {
            let config = SimConfig {
                seed,
                duration_s: 40.0,
                cadence_spm: cadence,
                placements: vec![Placement::Pelvis],
                mounting,
                ..SimConfig::default()
            };
            let (report, truth) = run(&config);
            let share = side_share(&report, &truth);
            assert!(
                share >= 0.98,
                "seed {seed} {mounting:?} {cadence}: {:.1}% of sides right",
                share * 100.0
            );
        }
    }
}

#[test]
fn two_feet_give_contact_time_and_sides() {
    let config = SimConfig {
        seed: 41,
        duration_s: 60.0,
        placements: vec![Placement::LeftFoot, Placement::RightFoot],
        mounting: Mounting::Random,
        ..SimConfig::default()
    };
    let (report, truth) = run(&config);
    let (got, want) = (
        report.summary.ground_contact_ms.unwrap(),
        truth.summary.ground_contact_ms.unwrap(),
    );
    assert!((got - want).abs() < 5.0, "contact {got:.1} vs {want:.1} ms");
    assert!(side_share(&report, &truth) >= 0.99);
}

#[test]
fn a_foot_sensor_names_the_sides_of_trunk_steps() {
    // a trunk sensor in the sensor frame cannot tell sides alone; one foot can
    let config = SimConfig {
        seed: 51,
        duration_s: 40.0,
        placements: vec![Placement::Trunk, Placement::LeftFoot],
        mounting: Mounting::Random,
        ..SimConfig::default()
    };
    let (report, truth) = run(&config);
    assert_eq!(report.summary.step_sources, vec![Placement::Trunk]);
    assert!(side_share(&report, &truth) >= 0.98);
}

#[test]
fn contact_balance_follows_the_asymmetry() {
    for (placements, seed) in [
        (vec![Placement::LeftFoot, Placement::RightFoot], 61),
        (vec![Placement::Pelvis], 62),
    ] {
        for asymmetry_pct in [0.0, 6.0] {
            let config = SimConfig {
                seed,
                duration_s: 60.0,
                placements: placements.clone(),
                asymmetry_pct,
                strike_angle_deg: 3.0,
                ..SimConfig::default()
            };
            let (report, truth) = run(&config);
            let got = report.summary.contact_balance_left_pct.expect("balance");
            let want = truth.summary.contact_balance_left_pct.unwrap();
            eprintln!(
                "{placements:?} asymmetry {asymmetry_pct}%: balance {got:.2} vs truth {want:.2}"
            );
            assert!(
                (got - want).abs() <= 0.5,
                "{placements:?} asymmetry {asymmetry_pct}%: {got:.2} vs {want:.2}"
            );
        }
    }
}
