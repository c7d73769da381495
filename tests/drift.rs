//! Layer 3 for symmetry and drift: a simulated `fatigue` run must show its drifts, in the
//! simulator's directions (cadence −5 %, contact +8 %, trunk rotation +40 %, lean +4°,
//! pelvic drop +40 % by the end), and a steady run none; an asymmetric runner's contact
//! times show in the symmetry index.

use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Report};

fn run(config: &SimConfig) -> Report {
    let sim = simulate(config).expect("valid settings");
    AnalysisConfig::default().process(&sim.recording).unwrap()
}

/// Twelve minutes of running (2.2 km at 3 m/s) with all four sensors.
fn long_run(seed: u64, fatigue: f64) -> SimConfig {
    SimConfig {
        seed,
        duration_s: 720.0,
        rate_hz: 100.0,
        fatigue,
        ..SimConfig::default()
    }
}

fn print_drift(case: &str, report: &Report) {
    for d in &report.drift {
        eprintln!(
            "{case}: {:<26} {:>9.3} → {:<9.3} change {:+8.3} sd {:.3} se {:.3} {}",
            d.metric,
            d.first_third,
            d.last_third,
            d.change,
            d.stride_sd,
            d.change_se,
            if d.flagged { "FLAGGED" } else { "" }
        );
    }
}

#[test]
fn fatigue_drifts_the_right_metrics_the_right_way_and_a_steady_run_shows_none() {
    let tired = run(&long_run(300, 1.0));
    print_drift("fatigue", &tired);
    let change = |metric: &str| {
        tired
            .drift
            .iter()
            .find(|d| d.metric == metric)
            .unwrap_or_else(|| panic!("no drift of {metric}"))
    };
    // (metric, sign of the change)
    for (metric, sign) in [
        ("cadence_spm", -1.0),
        ("contact_ms", 1.0),
        ("trunk_rotation_deg", 1.0),
        ("forward_lean_deg", 1.0),
        ("pelvic_drop_deg", 1.0),
    ] {
        let d = change(metric);
        assert!(d.flagged, "{metric} not flagged: {d:?}");
        assert!(
            d.change * sign > 0.0,
            "{metric} drifts the wrong way: {d:?}"
        );
    }
    // the simulated sizes over the middle two thirds of the ramp: 2/3 of the full change
    let lean = change("forward_lean_deg").change;
    assert!((lean - 4.0 * 2.0 / 3.0).abs() < 0.6, "lean {lean}");
    let cadence = change("cadence_spm").change_pct.unwrap();
    assert!(
        (cadence + 5.0 * 2.0 / 3.0).abs() < 1.0,
        "cadence {cadence} %"
    );
    // pelvis rotation does not change with fatigue in the simulator
    assert!(!change("pelvis_rotation_deg").flagged);
    // per-segment metrics: per km (the feet give step lengths), trunk rotation grows
    assert_eq!(tired.drift_segments.len(), 2, "{:?}", tired.drift_segments);
    assert!(tired.drift_segments.iter().all(|s| s.start_m.is_some()));
    let trunk = |k: usize| tired.drift_segments[k].metrics["trunk_rotation_deg"];
    assert!(trunk(tired.drift_segments.len() - 1) > trunk(0));

    let steady = run(&long_run(301, 0.0));
    print_drift("steady", &steady);
    assert!(steady.drift.len() >= 8, "{:?}", steady.drift);
    let flagged: Vec<&str> = steady
        .drift
        .iter()
        .filter(|d| d.flagged)
        .map(|d| d.metric.as_str())
        .collect();
    assert!(flagged.is_empty(), "steady run flags {flagged:?}");
}

#[test]
fn asymmetric_contact_shows_in_the_symmetry_index() {
    for (k, asym) in [0.0, 8.0].into_iter().enumerate() {
        let report = run(&SimConfig {
            seed: 310 + k as u64,
            asymmetry_pct: asym,
            duration_s: 90.0,
            ..SimConfig::default()
        });
        let si = &report.summary.symmetry;
        eprintln!("asymmetry {asym} %: {si:?}");
        // left ×(1 + a/200), right ×(1 − a/200): an index of a %
        let contact = si["contact_ms"];
        assert!((contact - asym).abs() < 1.5, "asymmetry {asym}: {contact}");
        let drop = si["pelvic_drop_deg"];
        assert!(drop.abs() < 5.0, "pelvic drop {drop}");
        let json = serde_json::to_value(&report).unwrap();
        assert!(json["summary"]["symmetry"]["contact_ms"].is_f64());
    }
}
