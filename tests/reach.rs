//! Landing distance (overstride) and tibia angle (`reach`): simulated runs across landing
//! distances, strike angles, speeds and mountings against the simulator's truth, and
//! the reasons given when the sensors worn can't tell.

mod common;

use common::{per_step_errors, simulate_and_analyze as run};

use runform::Report;
use runform::recording::Placement;
use runform::simulate::{Mounting, SimConfig};

/// Landing distance within 5 cm of the truth, on average and per step (RMS), over
/// 5–32 cm, heel and forefoot landings, 2.8–3.5 m/s, aligned and random mounting with
/// sensor noise. (The run's summary also averages the steps of the ramps between walking
/// and running, which the simulator's truth counts as walking: it is printed, and held
/// to 6 cm.)
#[test]
fn landing_distance_from_feet_and_pelvis_matches_the_truth() {
    let cases = [
        // overstride cm, strike °, speed m/s, contact ms, cadence spm
        (8.0, 3.0, 3.3, 230.0, 180.0),
        (15.0, 10.0, 3.0, 250.0, 170.0),
        (32.0, 18.0, 3.0, 290.0, 154.0),
        (20.0, -3.0, 3.2, 240.0, 172.0),
        (25.0, 20.0, 2.8, 300.0, 160.0),
        (5.0, -8.0, 3.5, 210.0, 180.0),
    ];
    for (k, (overstride, strike, speed, contact, cadence)) in cases.into_iter().enumerate() {
        for mounting in [Mounting::Aligned, Mounting::Random] {
            let config = SimConfig {
                seed: 900 + k as u64,
                duration_s: 30.0,
                standing_s: 3.0,
                walking_s: 4.0,
                placements: vec![Placement::LeftFoot, Placement::RightFoot, Placement::Pelvis],
                overstride_cm: overstride,
                strike_angle_deg: strike,
                speed_mps: speed,
                contact_ms: contact,
                cadence_spm: cadence,
                mounting,
                acc_noise_mps2: 0.05,
                gyr_noise_radps: 0.005,
                ..SimConfig::default()
            };
            let (report, truth) = run(&config);
            let got = report
                .summary
                .overstride_cm
                .expect("landing distance measured");
            let want = truth.summary.overstride_cm.unwrap();
            let (n, bias, per_step) = per_step_errors(
                &report,
                &truth,
                |k| report.steps[k].overstride_cm,
                |t| t.overstride_cm,
            );
            println!(
                "overstride {overstride} cm, strike {strike}°, {mounting:?}: summary {got:.1} vs {want:.1} cm; per step bias {bias:+.1} cm, RMSE {per_step:.1} cm over {n} steps"
            );
            assert!(n > 50);
            assert!(bias.abs() <= 5.0, "bias {bias}");
            assert!(per_step <= 5.0, "per step {per_step}");
            assert!((got - want).abs() <= 6.0, "{got} vs {want}");
        }
    }
}

/// A landing further ahead reads further ahead: the heel striker's reach against the
/// efficient runner's, same speed, differ by what the simulator planted (±3 cm).
#[test]
fn landing_distance_tracks_the_planted_difference() {
    let reach = |overstride_cm: f64| {
        let config = SimConfig {
            seed: 77,
            duration_s: 25.0,
            placements: vec![Placement::LeftFoot, Placement::RightFoot, Placement::Pelvis],
            overstride_cm,
            strike_angle_deg: 12.0,
            ..SimConfig::default()
        };
        let (report, truth) = run(&config);
        (
            report.summary.overstride_cm.unwrap(),
            truth.summary.overstride_cm.unwrap(),
        )
    };
    let (near, near_truth) = reach(6.0);
    let (far, far_truth) = reach(30.0);
    let (got, want) = (far - near, far_truth - near_truth);
    assert!((got - want).abs() <= 3.0, "difference {got} vs {want}");
}

/// Tibia angle from shank sensors (calibrated on the standing period) within 3° of the
/// truth on average and 4° per step (RMS), from shank reaching forward (+20°) to tucked
/// under (−12°). The steps come from foot sensors worn with the shanks (the simulated
/// shank has no impact to time contacts by).
#[test]
fn tibia_angle_from_the_shanks_matches_the_truth() {
    for (k, (overstride, strike)) in [(32.0, 18.0), (15.0, 10.0), (5.0, -8.0), (8.0, 3.0)]
        .into_iter()
        .enumerate()
    {
        for mounting in [Mounting::Aligned, Mounting::Random] {
            let config = SimConfig {
                seed: 950 + k as u64,
                duration_s: 30.0,
                standing_s: 3.0,
                walking_s: 0.0,
                placements: vec![
                    Placement::LeftFoot,
                    Placement::RightFoot,
                    Placement::LeftShank,
                    Placement::RightShank,
                ],
                overstride_cm: overstride,
                strike_angle_deg: strike,
                mounting,
                acc_noise_mps2: 0.05,
                gyr_noise_radps: 0.005,
                ..SimConfig::default()
            };
            let (report, truth) = run(&config);
            let got = report
                .summary
                .tibia_angle_deg
                .expect("tibia angle measured");
            let want = truth.summary.tibia_angle_deg.unwrap();
            let (n, bias, per_step) = per_step_errors(
                &report,
                &truth,
                |k| report.steps[k].tibia_angle_deg,
                |t| t.tibia_angle_deg,
            );
            println!(
                "overstride {overstride} cm, {mounting:?}: tibia summary {got:.1}° vs {want:.1}°; per step bias {bias:+.1}°, RMSE {per_step:.1}° over {n} steps"
            );
            assert!(n > 50);
            assert!(bias.abs() <= 3.0, "bias {bias}");
            assert!(per_step <= 4.0, "per step {per_step}");
            assert!((got - want).abs() <= 4.0, "{got} vs {want}");
        }
    }
}

/// Where the sensors can't give them, both are null with the reason.
#[test]
fn reach_says_why_it_is_missing() {
    let reason = |report: &Report, metric: &str| {
        report
            .unavailable
            .iter()
            .find(|u| u.metric == metric)
            .map(|u| u.reason.clone())
            .unwrap_or_default()
    };
    // feet only: no braking phase
    let feet = SimConfig {
        seed: 5,
        duration_s: 15.0,
        placements: vec![Placement::LeftFoot, Placement::RightFoot],
        ..SimConfig::default()
    };
    let (report, _) = run(&feet);
    assert_eq!(report.summary.overstride_cm, None);
    assert!(reason(&report, "overstride_cm").contains("pelvis or trunk"));
    assert!(reason(&report, "tibia_angle_deg").contains("shank"));
    // shanks without a standing period: no axis to calibrate on
    let shanks = SimConfig {
        seed: 6,
        duration_s: 15.0,
        standing_s: 0.0,
        walking_s: 0.0,
        placements: vec![Placement::LeftShank, Placement::RightShank],
        ..SimConfig::default()
    };
    let (report, _) = run(&shanks);
    assert_eq!(report.summary.tibia_angle_deg, None);
    assert!(reason(&report, "tibia_angle_deg").contains("standing"));
    assert!(reason(&report, "overstride_cm").contains("foot sensors"));
}
