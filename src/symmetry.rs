//! Symmetry: left against right for every per-side metric of the steps.
//!
//! The symmetry index of a metric is `100 × (L − R) / ((L + R) / 2)`, %, of the mean of
//! its left steps `L` and of its right steps `R` over running steps (Robinson et al.
//! 1987): 0 is even, positive means larger on the left, ±10 % is a tenth of the mean.
//! It needs both sides, and both means positive: for a signed metric that can cross zero
//! (a strike angle near flat) the ratio to the mean means nothing and the metric is left
//! out. Ground contact balance (% left, as Garmin's) is in
//! [`metrics`](crate::metrics::contact_balance_left_pct).

use crate::bouts::Activity;
use crate::metrics::Step;
use crate::recording::Side;
use std::collections::BTreeMap;

/// A per-side metric: its key and how to read it from a step.
pub type SideMetric = (&'static str, fn(&Step) -> Option<f64>);

/// The per-side metrics of a step whose symmetry is reported.
pub const SIDE_METRICS: [SideMetric; 8] = [
    ("contact_ms", |s| s.contact_ms),
    ("flight_ms", |s| s.flight_ms),
    ("pelvic_drop_deg", |s| s.pelvic_drop_deg),
    ("strike_angle_deg", |s| s.strike_angle_deg),
    ("overstride_cm", |s| s.overstride_cm),
    ("step_length_m", |s| s.step_length_m),
    ("braking_peak_g", |s| s.braking_peak_g),
    ("impact_peak_g", |s| s.impact_peak_g),
];

/// Symmetry index, %, of every metric in [`SIDE_METRICS`] that has positive means on
/// both sides over the running steps.
pub fn symmetry_pct(steps: &[Step]) -> BTreeMap<String, f64> {
    SIDE_METRICS
        .iter()
        .filter_map(|&(key, f)| {
            let side_mean = |side: Side| {
                let (s, n) = steps
                    .iter()
                    .filter(|s| s.activity == Activity::Running && s.side == side)
                    .filter_map(f)
                    .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
                (n > 0).then(|| s / n as f64)
            };
            let (l, r) = (side_mean(Side::Left)?, side_mean(Side::Right)?);
            symmetry_index_pct(l, r).map(|v| (key.to_string(), v))
        })
        .collect()
}

/// `100 × (left − right) / ((left + right) / 2)`; `None` unless both are positive.
pub fn symmetry_index_pct(left: f64, right: f64) -> Option<f64> {
    (left > 0.0 && right > 0.0).then(|| 200.0 * (left - right) / (left + right))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Contact;
    use crate::metrics::steps_from;

    #[test]
    fn symmetry_index_of_literal_steps() {
        let contacts: Vec<Contact> = (0..8)
            .map(|k| {
                let t = k as f64 * 0.35;
                let left = k % 2 == 0;
                Contact {
                    side: if left { Side::Left } else { Side::Right },
                    initial_contact_s: t,
                    toe_off_s: Some(t + if left { 0.21 } else { 0.19 }),
                    activity: Activity::Running,
                    bout: 0,
                }
            })
            .collect();
        let mut steps = steps_from(&contacts, false);
        // strike angles that cross zero are left out
        for (k, s) in steps.iter_mut().enumerate() {
            s.strike_angle_deg = Some(if k % 2 == 0 { 2.0 } else { -1.0 });
            s.impact_peak_g = Some(3.0); // even
        }
        let si = symmetry_pct(&steps);
        // 210 ms left, 190 ms right: 20 / 200 = 10 %
        assert!((si["contact_ms"] - 10.0).abs() < 1e-9, "{si:?}");
        assert!(si["impact_peak_g"].abs() < 1e-12);
        assert!(!si.contains_key("strike_angle_deg"));
        assert!(!si.contains_key("braking_peak_g"));
        // flight: left 350 − 210 = 140, right 160 (the last step has none)
        assert!((si["flight_ms"] - 200.0 * (140.0 - 160.0) / 300.0).abs() < 1e-9);
        let unknown: Vec<Step> = steps
            .into_iter()
            .map(|s| Step {
                side: Side::Unknown,
                ..s
            })
            .collect();
        assert!(symmetry_pct(&unknown).is_empty());
    }

    #[test]
    fn symmetry_index_sign_and_zero() {
        assert!((symmetry_index_pct(11.0, 9.0).unwrap() - 20.0).abs() < 1e-12);
        assert!(symmetry_index_pct(9.0, 11.0).unwrap() < 0.0);
        assert!(symmetry_index_pct(0.0, 1.0).is_none());
    }
}
