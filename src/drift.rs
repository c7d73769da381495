//! Drift: how the per-step metrics change over the run (compensation as the runner
//! tires), per segment and from the first to the last third of the running steps.
//!
//! # Segments
//! Running steps are grouped per kilometre when the distance is known (step lengths on at
//! least 90 % of the running steps; a step without one counts as the mean step length),
//! else per 5 minutes of clock time from the first running step. A tail shorter than half
//! a segment joins the segment before it. Each segment gives the mean of every metric
//! over its running steps.
//!
//! # First third → last third, and when it is flagged
//! For each metric, its values over the running steps (in time order) are cut in thirds
//! by count; `change = mean(last third) − mean(first third)`. It is **flagged** when
//! all of
//! * `|change| > stride_sd`, the metric's stride-to-stride variability: the standard
//!   deviation of one stride's value about its neighbours, from the differences between
//!   a step and the step two on (the same foot, the next stride, which shares no samples
//!   with it): `stride_sd = √(mean(d²) / 2)` over both thirds. Differences of neighbours
//!   do not see a slow trend, so the drift being tested does not inflate its own yardstick;
//!   a change larger than one stride's usual scatter is one that shows in the stride by
//!   stride record, whatever the number of strides; and
//! * `|change| > 3 × SE`, the standard error of the difference of the two means (Welch),
//!   so that a short run with few strides cannot flag a chance difference; and
//! * `|change| > min_change`, a floor per metric at the resolution of the measurement and
//!   the smallest change worth acting on: 1 step/min, 5 ms of contact or flight (half a
//!   sample at 100 Hz on both ends), 2 cm of step length, 3 mm of oscillation, 1° of
//!   strike angle or rotation, 1 cm of overstride, 0.02 g of braking, 0.1 g of impact,
//!   0.1 of coupling, 0.5° of lean, lean range, sway or pelvic drop. A very regular runner (or a simulated
//!   one, whose stride-to-stride scatter is the sensor noise alone) has a `stride_sd`
//!   of hundredths of a degree, far below what the attitude filter holds steady over a
//!   run; without a floor its lean would flag the filter's slow settling.
//!
//! Units are those of each metric's key. `cadence_spm` per step is 120 / `stride_s` (two
//! steps, as [`cadence_spm`](crate::metrics::cadence_spm): a sensor that times left and
//! right contacts differently makes step times alternate, and the mean of 60 / `step_s`
//! would then read high), else 60 / `step_s`.

use crate::bouts::Activity;
use crate::metrics::Step;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A per-step metric followed over the run: its key, how to read it from a step, and
/// the smallest change that is flagged, in its unit.
pub type StepMetric = (&'static str, fn(&Step) -> Option<f64>, f64);

/// The metrics followed over the run, in report order, with their smallest flagged change
/// (see the module header).
pub const DRIFT_METRICS: [StepMetric; 18] = [
    (
        "cadence_spm",
        |s| {
            s.stride_s
                .map(|d| 120.0 / d)
                .or_else(|| s.step_s.map(|d| 60.0 / d))
        },
        1.0,
    ),
    ("contact_ms", |s| s.contact_ms, 5.0),
    ("flight_ms", |s| s.flight_ms, 5.0),
    ("step_length_m", |s| s.step_length_m, 0.02),
    (
        "vertical_oscillation_mm",
        |s| s.vertical_oscillation_mm,
        3.0,
    ),
    ("strike_angle_deg", |s| s.strike_angle_deg, 1.0),
    ("overstride_cm", |s| s.overstride_cm, 1.0),
    ("tibia_angle_deg", |s| s.tibia_angle_deg, 1.0),
    ("braking_peak_g", |s| s.braking_peak_g, 0.02),
    ("impact_peak_g", |s| s.impact_peak_g, 0.1),
    ("trunk_rotation_deg", |s| s.trunk_rotation_deg, 1.0),
    ("pelvis_rotation_deg", |s| s.pelvis_rotation_deg, 1.0),
    (
        "trunk_pelvis_rotation_deg",
        |s| s.trunk_pelvis_rotation_deg,
        1.0,
    ),
    ("trunk_pelvis_coupling", |s| s.trunk_pelvis_coupling, 0.1),
    ("forward_lean_deg", |s| s.forward_lean_deg, 0.5),
    ("pelvic_drop_deg", |s| s.pelvic_drop_deg, 0.5),
    ("forward_lean_range_deg", |s| s.forward_lean_range_deg, 0.5),
    ("lateral_sway_deg", |s| s.lateral_sway_deg, 0.5),
];

/// Settings of the drift stage.
#[derive(Debug, Clone, PartialEq)]
pub struct DriftConfig {
    /// Segment length when the distance is unknown, s.
    pub segment_s: f64,
    /// Segment length when the distance is known, m.
    pub segment_m: f64,
    /// Fewest values in each third for a change to be given.
    pub min_per_third: usize,
}

impl Default for DriftConfig {
    fn default() -> Self {
        DriftConfig {
            segment_s: 300.0,
            segment_m: 1000.0,
            min_per_third: 10,
        }
    }
}

/// The metrics over one stretch of the run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DriftSegment {
    /// First running step's initial contact, s.
    pub start_s: f64,
    /// Last running step's initial contact, s.
    pub end_s: f64,
    /// Distance at the start, m (when known).
    pub start_m: Option<f64>,
    /// Distance at the end, m (when known).
    pub end_m: Option<f64>,
    /// Running steps in it.
    pub steps: usize,
    /// Mean of each metric over its running steps, in the metric's unit.
    pub metrics: BTreeMap<String, f64>,
}

/// A metric's change from the first to the last third of the running steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MetricDrift {
    /// The metric's key (its unit in the name).
    pub metric: String,
    /// Mean over the first third.
    pub first_third: f64,
    /// Mean over the last third.
    pub last_third: f64,
    /// `last_third − first_third`.
    pub change: f64,
    /// `change` as a percentage of `first_third` (`None` when that is zero or negative).
    pub change_pct: Option<f64>,
    /// Stride-to-stride standard deviation (see the module header).
    pub stride_sd: f64,
    /// Standard error of `change`.
    pub change_se: f64,
    /// Values in each third.
    pub per_third: usize,
    /// The smallest change flagged for this metric, whatever its scatter.
    pub min_change: f64,
    /// `|change|` exceeds `stride_sd`, `min_change` and 3 × `change_se`.
    pub flagged: bool,
}

/// What the drift stage gives.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Drift {
    /// Per km (distance known) or per 5 minutes.
    pub segments: Vec<DriftSegment>,
    /// First third → last third, for every metric with enough values.
    pub changes: Vec<MetricDrift>,
}

impl DriftConfig {
    /// Follows [`DRIFT_METRICS`] over the running steps of `steps`.
    pub fn process(&self, steps: &[Step]) -> Drift {
        let running: Vec<(usize, &Step)> = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| s.activity == Activity::Running)
            .collect();
        Drift {
            segments: self.segments(&running),
            changes: DRIFT_METRICS
                .iter()
                .filter_map(|&(key, f, floor)| {
                    let values: Vec<(usize, f64)> = running
                        .iter()
                        .filter_map(|&(i, s)| f(s).filter(|v| v.is_finite()).map(|v| (i, v)))
                        .collect();
                    self.change(key, floor, &values)
                })
                .collect(),
        }
    }

    fn segments(&self, running: &[(usize, &Step)]) -> Vec<DriftSegment> {
        if running.is_empty() {
            return Vec::new();
        }
        let with_length = running
            .iter()
            .filter(|(_, s)| s.step_length_m.is_some())
            .count();
        // distance at each running step's initial contact, when known
        let distance: Option<Vec<f64>> = (with_length * 10 >= running.len() * 9).then(|| {
            let mean_len = running
                .iter()
                .filter_map(|(_, s)| s.step_length_m)
                .sum::<f64>()
                / with_length as f64;
            let mut d = 0.0;
            running
                .iter()
                .map(|(_, s)| {
                    let here = d;
                    d += s.step_length_m.unwrap_or(mean_len);
                    here
                })
                .collect()
        });
        let t0 = running[0].1.initial_contact_s;
        let (position, length): (Vec<f64>, f64) = match &distance {
            Some(d) => (d.clone(), self.segment_m),
            None => (
                running
                    .iter()
                    .map(|(_, s)| s.initial_contact_s - t0)
                    .collect(),
                self.segment_s,
            ),
        };
        let total = position.last().copied().unwrap_or(0.0);
        let mut count = (total / length).floor() as usize + 1;
        if count > 1 && total - (count - 1) as f64 * length < 0.5 * length {
            count -= 1;
        }
        let mut groups: Vec<Vec<usize>> = vec![Vec::new(); count];
        for (k, &p) in position.iter().enumerate() {
            groups[((p / length).floor() as usize).min(count - 1)].push(k);
        }
        groups
            .into_iter()
            .filter(|g| !g.is_empty())
            .map(|g| {
                let (first, last) = (g[0], g[g.len() - 1]);
                let metrics = DRIFT_METRICS
                    .iter()
                    .filter_map(|&(key, f, _)| {
                        let (s, n) = g
                            .iter()
                            .filter_map(|&k| f(running[k].1).filter(|v| v.is_finite()))
                            .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
                        (n > 0).then(|| (key.to_string(), s / n as f64))
                    })
                    .collect();
                DriftSegment {
                    start_s: running[first].1.initial_contact_s,
                    end_s: running[last].1.initial_contact_s,
                    start_m: distance.as_ref().map(|d| d[first]),
                    end_m: distance.as_ref().map(|d| d[last]),
                    steps: g.len(),
                    metrics,
                }
            })
            .collect()
    }

    /// The change of one metric from `values` (step index, value) in time order.
    fn change(&self, key: &str, min_change: f64, values: &[(usize, f64)]) -> Option<MetricDrift> {
        let third = values.len() / 3;
        if third < self.min_per_third.max(2) {
            return None;
        }
        let (first, last) = (&values[..third], &values[values.len() - third..]);
        let stats = |v: &[(usize, f64)]| {
            let n = v.len() as f64;
            let m = v.iter().map(|x| x.1).sum::<f64>() / n;
            let var = v.iter().map(|x| (x.1 - m).powi(2)).sum::<f64>() / (n - 1.0);
            (m, var / n)
        };
        let ((m1, se1), (m2, se2)) = (stats(first), stats(last));
        // differences between a step and the step two on, within each third
        let (mut sum_d2, mut n_d) = (0.0, 0usize);
        for part in [first, last] {
            for w in part.windows(3) {
                if let Some(j) = w[1..].iter().find(|x| x.0 == w[0].0 + 2) {
                    sum_d2 += (j.1 - w[0].1).powi(2);
                    n_d += 1;
                }
            }
        }
        if n_d == 0 {
            return None;
        }
        let stride_sd = (sum_d2 / n_d as f64 / 2.0).sqrt();
        let change = m2 - m1;
        let change_se = (se1 + se2).sqrt();
        Some(MetricDrift {
            metric: key.to_string(),
            first_third: m1,
            last_third: m2,
            change,
            change_pct: (m1 > 0.0).then(|| 100.0 * change / m1),
            stride_sd,
            change_se,
            per_third: third,
            min_change,
            flagged: change.abs() > stride_sd.max(min_change) && change.abs() > 3.0 * change_se,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Contact;
    use crate::metrics::steps_from;
    use crate::recording::Side;

    /// Running steps every 0.35 s with contact `contact(k)`, ms.
    fn steps(n: usize, contact: impl Fn(usize) -> f64) -> Vec<Step> {
        let contacts: Vec<Contact> = (0..n)
            .map(|k| {
                let t = k as f64 * 0.35;
                Contact {
                    side: if k % 2 == 0 { Side::Left } else { Side::Right },
                    initial_contact_s: t,
                    toe_off_s: Some(t + contact(k) / 1000.0),
                    activity: Activity::Running,
                    bout: 0,
                }
            })
            .collect();
        steps_from(&contacts, false)
    }

    /// A deterministic ±`amp` scatter with no trend.
    fn scatter(k: usize, amp: f64) -> f64 {
        amp * [0.3, -0.8, 0.5, 1.0, -0.4, -0.6, 0.9, -0.2, -0.7, 0.0][k % 10]
    }

    #[test]
    fn a_trend_larger_than_the_scatter_is_flagged_and_scatter_alone_is_not() {
        // 30 minutes; contact 240 → 270 ms with ±8 ms scatter
        let n = 5143;
        let drifting = steps(n, |k| 240.0 + 30.0 * k as f64 / n as f64 + scatter(k, 8.0));
        let d = DriftConfig::default().process(&drifting);
        let c = d.changes.iter().find(|c| c.metric == "contact_ms").unwrap();
        // thirds centred at 1/6 and 5/6: a change of 2/3 × 30 ms
        assert!((c.change - 20.0).abs() < 0.5, "{c:?}");
        assert!(c.flagged, "{c:?}");
        assert!(c.stride_sd > 4.0 && c.stride_sd < 10.0, "{c:?}");
        let steady = steps(n, |k| 250.0 + scatter(k, 8.0));
        let d = DriftConfig::default().process(&steady);
        assert!(d.changes.iter().all(|c| !c.flagged), "{:?}", d.changes);
        // cadence is followed too, and is steady
        assert!(d.changes.iter().any(|c| c.metric == "cadence_spm"));
        // six 5-minute segments
        assert_eq!(d.segments.len(), 6, "{:?}", d.segments.len());
        assert!((d.segments[0].metrics["contact_ms"] - 250.0).abs() < 1.0);
        assert!(d.segments.iter().all(|s| s.start_m.is_none()));
    }

    #[test]
    fn a_small_change_against_a_large_scatter_is_not_flagged() {
        // contact 250 → 254 ms under ±20 ms scatter: larger than its standard error,
        // smaller than one stride's scatter
        let n = 5000;
        let s = steps(n, |k| 250.0 + 4.0 * k as f64 / n as f64 + scatter(k, 20.0));
        let d = DriftConfig::default().process(&s);
        let c = d.changes.iter().find(|c| c.metric == "contact_ms").unwrap();
        assert!(!c.flagged, "{c:?}");
        assert!(c.change.abs() > 3.0 * c.change_se, "{c:?}");
    }

    #[test]
    fn segments_are_per_kilometre_when_step_lengths_are_known() {
        // 1.25 m steps: 2100 steps are 2.6 km → segments 0–1, 1–2, 2–2.6 km (a tail of
        // at least half a segment stays on its own)
        let mut s = steps(2100, |_| 250.0);
        s.iter_mut().for_each(|s| s.step_length_m = Some(1.25));
        let d = DriftConfig::default().process(&s);
        assert_eq!(d.segments.len(), 3);
        assert_eq!(d.segments[0].steps, 800);
        assert_eq!(d.segments[1].start_m, Some(1000.0));
        // 2.3 km: the 0.3 km tail joins the second kilometre
        let d = DriftConfig::default().process(&s[..1840]);
        assert_eq!(d.segments.len(), 2);
        assert_eq!(d.segments[1].steps, 1040);
    }

    #[test]
    fn too_few_steps_give_no_change() {
        let d = DriftConfig::default().process(&steps(20, |_| 250.0));
        assert!(d.changes.is_empty());
        assert_eq!(d.segments.len(), 1);
    }
}
