//! Merge: the reports of a long recording's windows made into one report of the whole run.
//!
//! Each window ([`Part`]) is analysed on its own samples, which reach past the stretch of
//! time it owns (`own_s`) into its neighbours', so that its steps and bouts near the
//! seams are found as in one analysis of the whole. The owned stretches follow one
//! another without gap or overlap: every step and every second of a bout belongs to
//! exactly one window.
//!
//! # What the merged report holds
//! * `bouts`: each window's bouts clipped to its owned stretch, in order; neighbours of
//!   the same activity that touch at a seam are joined into one.
//! * `steps`: each window's steps whose initial contact is in its owned stretch
//!   (`start <= t < end`).
//! * `segments`, `drift`, `drift_segments`, `faults`, `faults_assessed`: computed over
//!   the merged steps, bouts and summary by the stages' own functions.
//! * `input`: the first window's, its `duration_s` the owned time that has samples.
//! * `unavailable`: the windows' reasons (the first per metric) for the metrics the
//!   merged summary still lacks, then the faults the merged assessment could not judge.
//! * `warnings`: the windows' own, each once; those the summary calls for
//!   (`no_running`, `cadence_disagrees`) recomputed from the merged summary; then
//!   `analysed_in_windows`; `measured_in_some_windows` for a metric that windows with
//!   running of their own could not give (a shank's tibia angle needs a standing period in
//!   its window), whose value is then over the other windows' steps; and
//!   `windows_disagree` for a window whose units, frame or sensors are not the first
//!   window's.
//!
//! # The summary: exact and weighted fields
//! **Exact** — computed from the merged steps and bouts by the functions the analysis of
//! one recording uses, so that they are what one analysis of the whole would give from
//! the same steps: `cadence_spm`, `ground_contact_ms`, `flight_ms`, `duty_factor`,
//! `contact_balance_left_pct`, `foot_strike` (pattern, shares, angle), `trunk_rotation_deg`,
//! `pelvis_rotation_deg`, `pelvic_drop_deg`, `trunk_pelvis_rotation_deg`,
//! `trunk_pelvis_coupling`, `forward_lean_range_deg`, `lateral_sway_deg` (means over the
//! running steps of their per-step values), `overstride_cm`, `step_length_m`,
//! `tibia_angle_deg`, `braking_peak_g`, `impact_peak_g`, `vertical_oscillation_mm`,
//! `vertical_ratio_pct`, `step_length_per_leg`, `symmetry`, `running_s`, `running_steps`.
//! The steps' own values are each window's: its attitude filters warm up and its
//! loading, strides and shank axes are found within it, so a step's angles, braking and
//! landing distance can differ a little from one analysis of the whole (on a simulated
//! 12-minute run in three windows, the summary means by 0.003 of their unit at most), and
//! a window without a standing period has no tibia angles (`measured_in_some_windows`).
//!
//! **Weighted** — what the steps do not hold (a spectrum, the feet's strides, a per-sample
//! mean): the mean of the windows' values weighted by each window's number of owned
//! running steps, windows without a value or without owned running steps left out:
//! `cadence_fft_spm`, `cadence_by_placement` (per sensor), `speed_mps`, `braking_mps`,
//! `loading_rate_g_per_s`, `forward_lean_deg`.
//!
//! **From the first window that has them**: `step_sources`, `event_uncertainty_ms`,
//! `impact_placement` (when there is an `impact_peak_g`), the foot strike's `sources`.
//!
//! Units are those of the report's keys; times are in seconds on the recording's clock.

use crate::analysis::{AnalysisConfig, SUMMARY_WARNINGS, not_judged, summary_warnings};
use crate::bouts::{Activity, Bout};
use crate::metrics::{
    FootStrike, Step, Summary, cadence_spm, contact_balance_left_pct, duty_factor, running_mean,
    running_s, running_steps,
};
use crate::oscillation::vertical_ratio_pct;
use crate::recording::{InputUnits, Warning};
use crate::report::{Report, Unavailable};
use crate::symmetry::symmetry_pct;
use std::collections::BTreeMap;
use std::ops::Range;

/// One window's report and the stretch of time it owns.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// The window's report (from AnalysisConfig::process on the window's samples).
    pub report: Report,
    /// Time range of the window's samples, s (start of its first sample .. start + its duration).
    pub data_s: Range<f64>,
    /// The time the window owns, s: contiguous from one part to the next; the first part's
    /// start is -inf and the last part's end is +inf. Steps and bouts of a window outside
    /// its own range are its neighbours'.
    pub own_s: Range<f64>,
}

/// The summary keys that are the windows' values weighted by their owned running steps
/// (see the module header).
pub const WEIGHTED: [&str; 6] = [
    "cadence_fft_spm",
    "cadence_by_placement",
    "speed_mps",
    "braking_mps",
    "loading_rate_g_per_s",
    "forward_lean_deg",
];

/// Bouts that touch across a seam (the next starting at most this long after the
/// previous ends, s) are one bout.
const TOUCH_S: f64 = 1e-9;

/// One report of the whole run from the reports of its windows, in time order (see the
/// module header). One part's report is returned as it is.
///
/// # Panics
/// When `parts` is empty.
pub fn merge(config: &AnalysisConfig, parts: Vec<Part>) -> Report {
    assert!(
        !parts.is_empty(),
        "merge needs at least one window's report"
    );
    let mut parts = parts;
    if parts.len() == 1 {
        return parts.remove(0).report;
    }
    let weights: Vec<f64> = parts
        .iter()
        .map(|p| {
            p.report
                .steps
                .iter()
                .filter(|s| s.activity == Activity::Running && owns(p, s))
                .count() as f64
        })
        .collect();
    let bouts = merged_bouts(&parts);
    let mut steps = Vec::new();
    for p in &mut parts {
        let own = p.own_s.clone();
        steps.extend(
            std::mem::take(&mut p.report.steps)
                .into_iter()
                .filter(|s| own.contains(&s.initial_contact_s)),
        );
    }
    let summary = merged_summary(config, &parts, &weights, &steps, &bouts);
    let summary_json = serde_json::to_value(&summary).expect("a summary is plain data");
    let segments = config.metrics.segments(&steps, &bouts);
    let drift = config.drift.process(&steps);
    let assessment = config.faults.process(&summary, &steps, &segments);
    let mut unavailable = merged_unavailable(&parts, &summary_json);
    let not_judged = not_judged(&assessment.not_assessed, &unavailable);
    unavailable.extend(not_judged);
    let duration_s = parts
        .iter()
        .map(|p| (p.own_s.end.min(p.data_s.end) - p.own_s.start.max(p.data_s.start)).max(0.0))
        .sum();
    let warnings = merged_warnings(&parts, &weights, duration_s, &summary, &summary_json);
    let first = parts.swap_remove(0).report;
    Report {
        schema_version: first.schema_version,
        runform_version: first.runform_version,
        input: crate::report::InputInfo {
            duration_s,
            ..first.input
        },
        bouts,
        summary,
        segments,
        steps,
        faults: assessment.faults,
        warnings,
        unavailable,
        faults_assessed: assessment.assessed,
        drift: drift.changes,
        drift_segments: drift.segments,
    }
}

/// True when `step` is `part`'s: its initial contact is in the part's own stretch.
fn owns(part: &Part, step: &Step) -> bool {
    part.own_s.contains(&step.initial_contact_s)
}

/// Each part's bouts clipped to its own stretch, in order, those of the same activity
/// that touch joined (the first one's step frequency kept).
fn merged_bouts(parts: &[Part]) -> Vec<Bout> {
    let mut out: Vec<Bout> = Vec::new();
    for p in parts {
        for b in &p.report.bouts {
            let clipped = Bout {
                start_s: b.start_s.max(p.own_s.start),
                end_s: b.end_s.min(p.own_s.end),
                ..*b
            };
            if clipped.end_s <= clipped.start_s {
                continue;
            }
            match out.last_mut() {
                Some(prev)
                    if prev.activity == clipped.activity
                        && clipped.start_s <= prev.end_s + TOUCH_S =>
                {
                    prev.end_s = prev.end_s.max(clipped.end_s);
                }
                _ => out.push(clipped),
            }
        }
    }
    out
}

/// The mean of the parts' `value`s weighted by `weights`, parts with no value or no
/// weight left out; `None` when none is left.
fn weighted(
    parts: &[Part],
    weights: &[f64],
    value: impl Fn(&Summary) -> Option<f64>,
) -> Option<f64> {
    let (sum, total) = parts
        .iter()
        .zip(weights)
        .filter(|&(_, &w)| w > 0.0)
        .filter_map(|(p, &w)| value(&p.report.summary).map(|v| (v * w, w)))
        .fold((0.0, 0.0), |(s, n), (x, w)| (s + x, n + w));
    (total > 0.0).then(|| sum / total)
}

/// The run's summary from the merged steps and bouts (exact fields) and the parts'
/// summaries (weighted fields and the first part's sources); see the module header.
fn merged_summary(
    config: &AnalysisConfig,
    parts: &[Part],
    weights: &[f64],
    steps: &[Step],
    bouts: &[Bout],
) -> Summary {
    let cadence = cadence_spm(steps);
    let ground_contact_ms = running_mean(steps, |s| s.contact_ms);
    let step_length_m = running_mean(steps, |s| s.step_length_m);
    let vertical_oscillation_mm = running_mean(steps, |s| s.vertical_oscillation_mm);
    let impact_peak_g = running_mean(steps, |s| s.impact_peak_g);
    let summaries = || parts.iter().map(|p| &p.report.summary);
    let placements: std::collections::BTreeSet<_> = summaries()
        .flat_map(|s| s.cadence_by_placement.keys().copied())
        .collect();
    let cadence_by_placement: BTreeMap<_, _> = placements
        .into_iter()
        .filter_map(|p| {
            weighted(parts, weights, |s| s.cadence_by_placement.get(&p).copied()).map(|v| (p, v))
        })
        .collect();
    let strike_sources = summaries()
        .find_map(|s| s.foot_strike.as_ref().map(|f| f.sources.clone()))
        .unwrap_or_default();
    Summary {
        cadence_spm: cadence,
        cadence_fft_spm: weighted(parts, weights, |s| s.cadence_fft_spm),
        cadence_by_placement,
        ground_contact_ms,
        flight_ms: running_mean(steps, |s| s.flight_ms),
        duty_factor: duty_factor(ground_contact_ms, cadence),
        contact_balance_left_pct: contact_balance_left_pct(steps),
        foot_strike: FootStrike::of_steps(steps, strike_sources),
        trunk_rotation_deg: running_mean(steps, |s| s.trunk_rotation_deg),
        pelvis_rotation_deg: running_mean(steps, |s| s.pelvis_rotation_deg),
        pelvic_drop_deg: running_mean(steps, |s| s.pelvic_drop_deg),
        forward_lean_deg: weighted(parts, weights, |s| s.forward_lean_deg),
        overstride_cm: running_mean(steps, |s| s.overstride_cm),
        step_length_m,
        speed_mps: weighted(parts, weights, |s| s.speed_mps),
        tibia_angle_deg: running_mean(steps, |s| s.tibia_angle_deg),
        braking_peak_g: running_mean(steps, |s| s.braking_peak_g),
        braking_mps: weighted(parts, weights, |s| s.braking_mps),
        impact_peak_g,
        loading_rate_g_per_s: weighted(parts, weights, |s| s.loading_rate_g_per_s),
        impact_placement: impact_peak_g.and(summaries().find_map(|s| s.impact_placement)),
        vertical_oscillation_mm,
        vertical_ratio_pct: vertical_oscillation_mm
            .zip(step_length_m)
            .and_then(|(vo, len)| vertical_ratio_pct(vo, len)),
        running_s: running_s(bouts),
        running_steps: running_steps(steps),
        step_sources: summaries()
            .map(|s| &s.step_sources)
            .find(|p| !p.is_empty())
            .cloned()
            .unwrap_or_default(),
        event_uncertainty_ms: summaries().find_map(|s| s.event_uncertainty_ms),
        trunk_pelvis_rotation_deg: running_mean(steps, |s| s.trunk_pelvis_rotation_deg),
        trunk_pelvis_coupling: running_mean(steps, |s| s.trunk_pelvis_coupling),
        symmetry: symmetry_pct(steps),
        forward_lean_range_deg: running_mean(steps, |s| s.forward_lean_range_deg),
        lateral_sway_deg: running_mean(steps, |s| s.lateral_sway_deg),
        step_length_per_leg: config.reach.step_length_per_leg(step_length_m),
    }
}

/// True when `key` of the serialised summary has a value (present, not null, not an
/// empty map or list).
fn has_value(summary_json: &serde_json::Value, key: &str) -> bool {
    match summary_json.get(key) {
        None | Some(serde_json::Value::Null) => false,
        Some(serde_json::Value::Object(m)) => !m.is_empty(),
        Some(serde_json::Value::Array(a)) => !a.is_empty(),
        Some(_) => true,
    }
}

/// The parts' reasons for the metrics the merged summary lacks: the first reason per
/// metric, faults left out (the merged assessment names its own). A metric the summary
/// does not have as a key is kept when every part lists it; a summary metric that some
/// part measured but the merged summary lacks (measured only on steps another part owns)
/// is listed with that reason.
fn merged_unavailable(parts: &[Part], summary_json: &serde_json::Value) -> Vec<Unavailable> {
    let listed = |p: &Part, metric: &str| p.report.unavailable.iter().any(|u| u.metric == metric);
    let part_summaries: Vec<serde_json::Value> = parts
        .iter()
        .map(|p| serde_json::to_value(&p.report.summary).expect("a summary is plain data"))
        .collect();
    let mut out: Vec<Unavailable> = Vec::new();
    let mut seen: Vec<&str> = Vec::new();
    for u in parts.iter().flat_map(|p| &p.report.unavailable) {
        if u.metric.starts_with("fault:") || seen.contains(&u.metric.as_str()) {
            continue;
        }
        seen.push(&u.metric);
        let keep = if summary_json.get(&u.metric).is_some() {
            !has_value(summary_json, &u.metric)
        } else {
            parts.iter().all(|p| listed(p, &u.metric))
        };
        if keep {
            out.push(u.clone());
        }
    }
    if let serde_json::Value::Object(keys) = summary_json {
        for (key, value) in keys {
            if value.is_null()
                && !seen.contains(&key.as_str())
                && part_summaries
                    .iter()
                    .any(|s| s.get(key).is_some_and(|v| !v.is_null()))
            {
                out.push(Unavailable {
                    metric: key.clone(),
                    reason: "measured only where a window reaches into its neighbours' time, on steps that are not its own".into(),
                });
            }
        }
    }
    out
}

/// The parts' warnings, each once, those the summary calls for recomputed from the
/// merged summary, then what the windows are, the metrics some windows with running
/// could not give, and where the windows disagree.
fn merged_warnings(
    parts: &[Part],
    weights: &[f64],
    duration_s: f64,
    summary: &Summary,
    summary_json: &serde_json::Value,
) -> Vec<Warning> {
    let mut out: Vec<Warning> = Vec::new();
    for w in parts.iter().flat_map(|p| &p.report.warnings) {
        if !SUMMARY_WARNINGS.contains(&w.code.as_str()) && !out.contains(w) {
            out.push(w.clone());
        }
    }
    out.extend(summary_warnings(summary));
    out.push(analysed_in_windows(parts, duration_s, summary_json));
    out.extend(partly_measured(parts, weights, summary_json));
    let first = &parts[0].report.input;
    for (k, p) in parts.iter().enumerate().skip(1) {
        let input = &p.report.input;
        let mut differs = Vec::new();
        if (input.units.acc, input.units.gyr) != (first.units.acc, first.units.gyr) {
            differs.push(format!(
                "units ({}, not {})",
                units_text(&input.units),
                units_text(&first.units)
            ));
        }
        if input.frame != first.frame {
            differs.push(format!(
                "frame ({}, not {})",
                input.frame.as_str(),
                first.frame.as_str()
            ));
        }
        if input.sensors_text() != first.sensors_text() {
            differs.push(format!(
                "sensors ({}, not {})",
                input.sensors_text(),
                first.sensors_text()
            ));
        }
        if !differs.is_empty() {
            out.push(Warning::new(
                "windows_disagree",
                format!(
                    "window {} of {} ({:.0}–{:.0} s) differs from the first in its {}: the report's input is the first window's",
                    k + 1,
                    parts.len(),
                    p.data_s.start,
                    p.data_s.end,
                    differs.join(", ")
                ),
            ));
        }
    }
    out
}

/// The warning that says how the run (`duration_s` long) was analysed: the windows,
/// their overlap, and which summary values are weighted.
fn analysed_in_windows(
    parts: &[Part],
    duration_s: f64,
    summary_json: &serde_json::Value,
) -> Warning {
    let duration = if duration_s >= 3600.0 {
        format!("{:.1} h", duration_s / 3600.0)
    } else {
        format!("{:.0} min", duration_s / 60.0)
    };
    let window_min = parts
        .iter()
        .map(|p| p.data_s.end - p.data_s.start)
        .sum::<f64>()
        / parts.len() as f64
        / 60.0;
    // how far a window reaches past its own stretch into each neighbour's
    let reach: Vec<f64> = parts
        .windows(2)
        .flat_map(|w| {
            [
                w[0].data_s.end - w[0].own_s.end,
                w[1].own_s.start - w[1].data_s.start,
            ]
        })
        .collect();
    let reach_s = reach.iter().sum::<f64>() / reach.len() as f64;
    let weighted: Vec<&str> = WEIGHTED
        .into_iter()
        .filter(|k| has_value(summary_json, k))
        .collect();
    let weighted = if weighted.is_empty() {
        String::new()
    } else {
        format!(
            "; {} are the windows' values weighted by their running steps",
            weighted.join(", ")
        )
    };
    Warning::new(
        "analysed_in_windows",
        format!(
            "a long recording ({duration}): analysed in {} windows of about {window_min:.0} min that overlap their neighbours by {reach_s:.0} s on each side; bouts, steps, summary, drift and faults are merged over the whole run (fields computed from the steps are exact{weighted})",
            parts.len()
        ),
    )
}

/// A warning for each metric the run has a value of that some windows with running steps
/// of their own could not give: the value is over the other windows' steps.
fn partly_measured(
    parts: &[Part],
    weights: &[f64],
    summary_json: &serde_json::Value,
) -> Vec<Warning> {
    // (metric, the windows without it, 1-based, the first one's reason)
    let mut partial: Vec<(&str, Vec<String>, &str)> = Vec::new();
    for (k, (p, &w)) in parts.iter().zip(weights).enumerate() {
        let missing = p.report.unavailable.iter().filter(|u| {
            w > 0.0 && !u.metric.starts_with("fault:") && has_value(summary_json, &u.metric)
        });
        for u in missing {
            match partial.iter_mut().find(|(m, ..)| *m == u.metric) {
                Some((_, windows, _)) => windows.push((k + 1).to_string()),
                None => partial.push((&u.metric, vec![(k + 1).to_string()], &u.reason)),
            }
        }
    }
    partial
        .into_iter()
        .map(|(metric, windows, reason)| {
            Warning::new(
                "measured_in_some_windows",
                format!(
                    "{metric} is from part of the run: window{} {} of {} could not give it ({reason})",
                    if windows.len() > 1 { "s" } else { "" },
                    windows.join(", "),
                    parts.len()
                ),
            )
        })
        .collect()
}

fn units_text(u: &InputUnits) -> String {
    match u.gyr {
        Some(g) => format!("{} and {}", u.acc.as_str(), g.as_str()),
        None => u.acc.as_str().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::StrikePattern;
    use crate::recording::{AccUnit, Frame, Placement, Recording, Side};
    use crate::report::{InputInfo, SCHEMA_VERSION, SensorInfo};
    use crate::simulate::{SimConfig, simulate};
    use serde_json::Value;

    /// `recording` cut at `seams_s` into windows that reach `margin_s` into their
    /// neighbours, each analysed on its own.
    fn windows(
        config: &AnalysisConfig,
        recording: &Recording,
        seams_s: &[f64],
        margin_s: f64,
    ) -> Vec<Part> {
        let mut bounds = vec![f64::NEG_INFINITY];
        bounds.extend_from_slice(seams_s);
        bounds.push(f64::INFINITY);
        let at = |t: f64| recording.sample_index(t).clamp(0, recording.len() as isize) as usize;
        bounds
            .windows(2)
            .map(|own| {
                let clip = recording.clip(at(own[0] - margin_s)..at(own[1] + margin_s));
                Part {
                    report: config.process(&clip).unwrap(),
                    data_s: clip.start_s..clip.start_s + clip.duration_s(),
                    own_s: own[0]..own[1],
                }
            })
            .collect()
    }

    /// A report of `steps` in `bouts`, over `data_s`, with nothing else in it.
    fn report(bouts: Vec<Bout>, steps: Vec<Step>, data_s: &Range<f64>) -> Report {
        Report {
            schema_version: SCHEMA_VERSION,
            runform_version: "0.1.0".into(),
            input: InputInfo {
                path: "run.csv".into(),
                duration_s: data_s.end - data_s.start,
                rate_hz: 100.0,
                frame: Frame::Body,
                units: InputUnits {
                    acc: AccUnit::G,
                    acc_detected: false,
                    gyr: None,
                    gyr_detected: false,
                },
                sensors: vec![SensorInfo {
                    placement: Placement::Pelvis,
                    rate_hz: 100.0,
                    gyroscope: false,
                    magnetometer: false,
                }],
                source: None,
            },
            bouts,
            summary: Summary::default(),
            segments: Vec::new(),
            steps,
            faults: Vec::new(),
            warnings: Vec::new(),
            unavailable: Vec::new(),
            faults_assessed: Vec::new(),
            drift: Vec::new(),
            drift_segments: Vec::new(),
        }
    }

    fn bout(start_s: f64, end_s: f64, activity: Activity) -> Bout {
        Bout {
            start_s,
            end_s,
            activity,
            step_hz: None,
        }
    }

    /// Running steps every 0.25 s (exact in binary) from `from_s` to before `to_s`,
    /// alternating sides, with a contact time when `contact`.
    fn steps(from_s: f64, to_s: f64, contact: bool) -> Vec<Step> {
        (0..)
            .map(|k: u32| (k, 0.25 * f64::from(k)))
            .skip_while(|&(_, t)| t < from_s)
            .take_while(|&(_, t)| t < to_s)
            .map(|(k, t)| {
                let side = if k.is_multiple_of(2) {
                    Side::Left
                } else {
                    Side::Right
                };
                Step {
                    step_s: Some(0.25),
                    contact_ms: contact.then_some(150.0),
                    ..Step::at(side, Activity::Running, t)
                }
            })
            .collect()
    }

    fn unavailable(metric: &str, reason: &str) -> Unavailable {
        Unavailable {
            metric: metric.into(),
            reason: reason.into(),
        }
    }

    #[test]
    fn one_part_is_its_report_unchanged() {
        let sim = simulate(&SimConfig {
            duration_s: 20.0,
            placements: vec![Placement::Pelvis],
            ..SimConfig::default()
        })
        .unwrap();
        let config = AnalysisConfig::default();
        let whole = config.process(&sim.recording).unwrap();
        let part = Part {
            report: whole.clone(),
            data_s: 0.0..sim.recording.duration_s(),
            own_s: f64::NEG_INFINITY..f64::INFINITY,
        };
        assert_eq!(merge(&config, vec![part]), whole);
    }

    #[test]
    fn bouts_join_across_a_seam_and_each_step_has_one_owner() {
        // two windows on 0–20 s, the seam at 10 s, each reaching 2 s past it; both see
        // the steps of 8–12 s, the first window would end its running bout at its end
        let (a_s, b_s) = (0.0..12.0, 8.0..20.0);
        let mut a = report(
            vec![
                bout(0.0, 2.0, Activity::Standing),
                bout(2.0, 12.0, Activity::Running),
            ],
            steps(2.0, 12.0, true),
            &a_s,
        );
        a.warnings = vec![
            Warning::new("resampled", "resampled to 100 Hz"),
            Warning::new(
                "no_running",
                "no running was found: running metrics are empty",
            ),
        ];
        a.unavailable = vec![
            unavailable("tibia_angle_deg", "needs a shank sensor"),
            unavailable("speed_mps", "needs a foot sensor"),
            unavailable("strike_angle_deg", "needs a foot sensor"),
            unavailable("rearfoot_share_pct", "needs a foot sensor"),
            unavailable("fault:low_cadence", "needs the cadence"),
        ];
        // the second window's sensor gives no contact times, and it was read in sensor axes
        let mut b = report(
            vec![
                bout(8.0, 18.0, Activity::Running),
                bout(18.0, 20.0, Activity::Standing),
            ],
            steps(8.0, 18.0, false),
            &b_s,
        );
        b.input.frame = Frame::Sensor;
        b.warnings = vec![
            Warning::new("resampled", "resampled to 100 Hz"),
            Warning::new("saturation", "the pelvis saturates at 19 s"),
        ];
        b.unavailable = vec![
            unavailable("speed_mps", "needs a foot sensor (window 2)"),
            unavailable("ground_contact_ms", "needs toe-off"),
            unavailable("strike_angle_deg", "needs a foot sensor"),
        ];
        let parts = vec![
            Part {
                report: a,
                data_s: a_s,
                own_s: f64::NEG_INFINITY..10.0,
            },
            Part {
                report: b,
                data_s: b_s,
                own_s: 10.0..f64::INFINITY,
            },
        ];
        let merged = merge(&AnalysisConfig::default(), parts);
        let spans: Vec<(f64, f64, Activity)> = merged
            .bouts
            .iter()
            .map(|b| (b.start_s, b.end_s, b.activity))
            .collect();
        assert_eq!(
            spans,
            [
                (0.0, 2.0, Activity::Standing),
                (2.0, 18.0, Activity::Running),
                (18.0, 20.0, Activity::Standing)
            ]
        );
        // every step once, in order; the one at the seam is the second window's
        let times: Vec<f64> = merged.steps.iter().map(|s| s.initial_contact_s).collect();
        let expected: Vec<f64> = steps(2.0, 18.0, false)
            .iter()
            .map(|s| s.initial_contact_s)
            .collect();
        assert_eq!(times, expected);
        let at_seam = merged.steps.iter().find(|s| s.initial_contact_s == 10.0);
        assert_eq!(at_seam.unwrap().contact_ms, None);
        assert_eq!(merged.steps[31].contact_ms, Some(150.0)); // 9.75 s, the first's
        let s = &merged.summary;
        assert_eq!(s.running_steps, 64);
        assert_eq!(s.running_s, 16.0);
        assert_eq!(s.cadence_spm, Some(240.0));
        // contact from the first window's steps alone, which the warnings say
        assert_eq!(s.ground_contact_ms, Some(150.0));
        assert_eq!(merged.input.duration_s, 20.0);
        assert_eq!(merged.input.frame, Frame::Body);
        // the first reason of each metric the run lacks; a metric that is not a summary
        // key when every window lists it; the contact is there; the faults are the
        // merged assessment's
        let (faults, metrics): (Vec<_>, Vec<_>) = merged
            .unavailable
            .iter()
            .partition(|u| u.metric.starts_with("fault:"));
        assert_eq!(
            metrics,
            [
                &unavailable("tibia_angle_deg", "needs a shank sensor"),
                &unavailable("speed_mps", "needs a foot sensor"),
                &unavailable("strike_angle_deg", "needs a foot sensor")
            ]
        );
        assert!(faults.iter().all(|u| u.metric != "fault:low_cadence"));
        assert!(faults.iter().any(|u| u.metric == "fault:high_impact"));
        let codes: Vec<&str> = merged.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "resampled",
                "saturation",
                "analysed_in_windows",
                "measured_in_some_windows",
                "windows_disagree"
            ]
        );
        assert!(
            merged.warnings[2]
                .message
                .starts_with("a long recording (0 min): analysed in 2 windows of about 0 min that overlap their neighbours by 2 s on each side"),
            "{}",
            merged.warnings[2].message
        );
        assert_eq!(
            merged.warnings[3].message,
            "ground_contact_ms is from part of the run: window 2 of 2 could not give it (needs toe-off)"
        );
        assert!(
            merged.warnings[4].message.contains(
                "window 2 of 2 (8–20 s) differs from the first in its frame (sensor, not body)"
            ),
            "{}",
            merged.warnings[4].message
        );
    }

    /// How far each summary value of the windows' merged report may be from the whole
    /// recording's (the key's unit), with what was measured; `None` for the values
    /// computed from the same steps, which must agree to the rounding of a sum.
    fn tolerance(key: &str) -> Option<f64> {
        Some(match key {
            // from the steps: the same steps give the same values
            "cadence_spm"
            | "ground_contact_ms"
            | "flight_ms"
            | "duty_factor"
            | "contact_balance_left_pct"
            | "step_length_m"
            | "vertical_oscillation_mm"
            | "vertical_ratio_pct"
            | "impact_peak_g"
            | "running_s"
            | "running_steps"
            | "event_uncertainty_ms" => {
                return None;
            }
            // from the steps, whose values each window measures on its own attitude
            // filter, loading and strides (measured 2e-6 to 0.002 of the unit)
            "trunk_rotation_deg"
            | "pelvis_rotation_deg"
            | "pelvic_drop_deg"
            | "trunk_pelvis_rotation_deg"
            | "forward_lean_range_deg"
            | "lateral_sway_deg" => 0.01,
            "trunk_pelvis_coupling" => 0.001,
            "overstride_cm" => 0.02,
            "braking_peak_g" => 0.002,
            // the middle window has no standing period to find the shanks' axes: the
            // run's tibia angle is the other windows' steps' (measured 0.12°)
            "tibia_angle_deg" => 0.2,
            // weighted (measured 0.035 spm, 1.6e-4 m/s, 3e-5 m/s, 0.003 g/s, 0.037°)
            "cadence_fft_spm" => 0.1,
            "speed_mps" => 0.002,
            "braking_mps" => 0.001,
            "loading_rate_g_per_s" => 0.05,
            "forward_lean_deg" => 0.1,
            _ => panic!("no tolerance stated for {key}"),
        })
    }

    fn assert_close(key: &str, whole: f64, merged: f64, tolerance: Option<f64>) {
        let tolerance = tolerance.unwrap_or(1e-9 * whole.abs().max(1.0));
        assert!(
            (whole - merged).abs() <= tolerance,
            "{key}: whole {whole}, windows {merged} (tolerance {tolerance})"
        );
    }

    #[test]
    fn windows_merged_give_the_report_of_the_whole_recording() {
        // 12 minutes of a tiring runner with six sensors, standing at either end, in
        // three windows that reach 30 s into their neighbours
        let sim = simulate(&SimConfig {
            seed: 5,
            duration_s: 720.0,
            standing_s: 3.0,
            placements: vec![
                Placement::LeftFoot,
                Placement::RightFoot,
                Placement::LeftShank,
                Placement::RightShank,
                Placement::Pelvis,
                Placement::Trunk,
            ],
            fatigue: 0.5,
            ..SimConfig::default()
        })
        .unwrap();
        let config = AnalysisConfig::default();
        let whole = config.process(&sim.recording).unwrap();
        let parts = windows(&config, &sim.recording, &[240.0, 480.0], 30.0);
        let merged = merge(&config, parts);

        assert!(whole.steps.len() > 2000);
        assert!(
            whole.steps.len().abs_diff(merged.steps.len()) <= 2,
            "{} steps, windows {}",
            whole.steps.len(),
            merged.steps.len()
        );
        assert_eq!(whole.input.duration_s, merged.input.duration_s);
        let spans = |r: &Report| -> Vec<(f64, f64, Activity)> {
            r.bouts
                .iter()
                .map(|b| (b.start_s, b.end_s, b.activity))
                .collect()
        };
        assert_eq!(spans(&whole), spans(&merged));
        assert_eq!(whole.summary.running_steps, merged.summary.running_steps);

        let a = serde_json::to_value(&whole.summary).unwrap();
        let b = serde_json::to_value(&merged.summary).unwrap();
        let mut compared = 0;
        for (key, w) in a.as_object().unwrap() {
            let m = &b[key];
            if w.is_null() {
                continue;
            }
            match (key.as_str(), w) {
                ("cadence_by_placement", Value::Object(w)) => {
                    // weighted, per sensor (measured 0.03 spm)
                    assert_eq!(w.len(), m.as_object().unwrap().len());
                    for (p, v) in w {
                        assert_close(p, v.as_f64().unwrap(), m[p].as_f64().unwrap(), Some(0.1));
                    }
                }
                ("symmetry", Value::Object(w)) => {
                    // % of the mean (measured 0.013)
                    let keys =
                        |o: &serde_json::Map<String, Value>| o.keys().cloned().collect::<Vec<_>>();
                    assert_eq!(keys(w), keys(m.as_object().unwrap()));
                    for (k, v) in w {
                        assert_close(k, v.as_f64().unwrap(), m[k].as_f64().unwrap(), Some(0.05));
                    }
                }
                ("foot_strike", _) => {
                    let (w, m) = (
                        whole.summary.foot_strike.as_ref().unwrap(),
                        merged.summary.foot_strike.as_ref().unwrap(),
                    );
                    assert_eq!(w.pattern, StrikePattern::Rearfoot);
                    assert_eq!((w.pattern, &w.sources), (m.pattern, &m.sources));
                    for (k, v) in &w.share_pct {
                        assert_close(k, *v, m.share_pct[k], None);
                    }
                    // measured 2e-6°
                    assert_close(
                        "angle_deg",
                        w.angle_deg.unwrap(),
                        m.angle_deg.unwrap(),
                        Some(0.01),
                    );
                }
                (_, Value::Number(w)) => {
                    let m = m
                        .as_f64()
                        .unwrap_or_else(|| panic!("{key}: none from the windows"));
                    assert_close(key, w.as_f64().unwrap(), m, tolerance(key));
                }
                _ => assert_eq!(w, m, "{key}"),
            }
            compared += 1;
        }
        // every field but the step length over leg length (no height given)
        assert_eq!(compared, a.as_object().unwrap().len() - 1);

        let ids = |r: &Report| r.faults.iter().map(|f| f.id.clone()).collect::<Vec<_>>();
        assert_eq!(ids(&whole), ids(&merged));
        assert_eq!(whole.faults_assessed, merged.faults_assessed);
        assert_eq!(whole.segments.len(), merged.segments.len());
        let drift = |r: &Report| -> Vec<(String, bool)> {
            r.drift
                .iter()
                .map(|d| (d.metric.clone(), d.flagged))
                .collect()
        };
        assert_eq!(drift(&whole), drift(&merged));
        assert_eq!(whole.unavailable, merged.unavailable);
        let codes: Vec<&str> = merged.warnings.iter().map(|w| w.code.as_str()).collect();
        assert_eq!(codes, ["analysed_in_windows", "measured_in_some_windows"]);
        assert!(
            merged.warnings[1]
                .message
                .starts_with("tibia_angle_deg is from part of the run: window 2 of 3"),
            "{}",
            merged.warnings[1].message
        );
    }
}
