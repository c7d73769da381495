//! Reach: how far ahead of the body the foot lands — the landing distance (overstride)
//! from the feet and the pelvis together, and the tibia angle at initial contact from a
//! shank sensor.
//!
//! # Axes, signs, units
//! Distances in cm ahead of the body (positive: the foot lands ahead of the sacrum).
//! Tibia angle in degrees from the vertical in the plane of travel, **positive when the
//! ankle is ahead of the knee** (the shank reaching forward), 0 for a vertical shank.
//!
//! # Landing distance (`overstride_cm`)
//! The distance from the sacrum to the landing point (heel, or the forefoot for a
//! forefoot landing) at initial contact (IC). No sensor sees it directly: each one's path,
//! integrated, is known only up to an offset. What ties the body to the foot is the
//! force: a runner's leg pushes along itself, from the centre of pressure (CoP) under the
//! foot towards the centre of mass (the spring-mass model), so the fore-aft force turns
//! from braking to propulsion when the body passes over the CoP. The sacrum stands in for
//! the centre of mass. So, per step:
//!
//! * the braking phase from the pelvis (else trunk) sensor ([`loading`](crate::loading)):
//!   its duration `t_b` and `∫ (v − v̄) dt` over it;
//! * the step's mean speed `v̄` and the strike angle from the foot sensors
//!   ([`trajectory`](crate::trajectory));
//! * travel while braking `d = v̄·t_b + ∫ (v − v̄) dt`: the sacrum is then over the CoP;
//! * landing distance = `d` − how far the CoP has moved ahead of the landing point by
//!   then: [`ReachConfig::cop_ahead_of_heel_landing_m`] for a heel-first landing (strike
//!   angle ≥ 0: the foot has rolled onto the midfoot),
//!   [`ReachConfig::cop_ahead_of_toe_landing_m`] for a forefoot landing.
//!
//! The CoP shift is a typical value, not a measurement (its spread between runners, a
//! few cm, goes straight into the error), and a real leg force passes near, not exactly
//! through, the centre of mass; the simulator follows the same model, so its truth checks
//! the arithmetic, not the model. Without foot sensors (no speed, no strike angle) or
//! without a pelvis or trunk sensor (no braking phase) it is `None`.
//!
//! # Tibia angle (`tibia_angle_deg`)
//! From each shank sensor with a gyroscope: the attitude from
//! [`orientation`](crate::orientation); the shank's long axis in sensor coordinates from
//! the mean specific force of a standing period (standing shanks are close to vertical,
//! so this is the reference: angles are relative to the standing shank); the direction
//! of travel, per step, from how the shank turns in early stance (the knee travels
//! forward over the planted foot), averaged over the same shank's steps within
//! `heading_window_s`. Without a standing period, or without a gyroscope, it is `None`.
//!
//! # Step length relative to the leg
//! With the runner's height (`--height-cm`): step length over leg length, taken as
//! [`ReachConfig::leg_length_per_height`] × height.

use crate::bouts::{Activity, Bout};
use crate::loading::Loading;
use crate::metrics::Step;
use crate::orientation::OrientationConfig;
use crate::recording::{Placement, Recording, Segment, Side};
use nalgebra::Vector3;

/// Settings of the reach stage.
#[derive(Debug, Clone, PartialEq)]
pub struct ReachConfig {
    /// How far the centre of pressure has moved ahead of a heel-first landing point when
    /// braking ends (the foot rolled flat, load on the midfoot), m.
    pub cop_ahead_of_heel_landing_m: f64,
    /// The same for a forefoot landing (the load stays on the forefoot), m.
    pub cop_ahead_of_toe_landing_m: f64,
    /// The speed of a step is the mean over the running steps within this time, s
    /// (either side).
    pub speed_window_s: f64,
    /// The shank's turn is read from IC to this long after it, s.
    pub early_stance_s: f64,
    /// Steps of the same shank within this time are averaged for the direction of
    /// travel, s (either side).
    pub heading_window_s: f64,
    /// Shortest standing period that gives the shank's axis, s.
    pub min_standing_s: f64,
    /// The shank's attitude filter.
    pub orientation: OrientationConfig,
    /// The runner's height, cm, when known (step length relative to leg length).
    pub height_cm: Option<f64>,
    /// Leg length (floor to the hip joint) as a share of height: 0.53 (Winter 2009,
    /// Biomechanics and Motor Control of Human Movement, segment lengths).
    pub leg_length_per_height: f64,
    /// The shanks' standing specific force from before the recording: a long run's
    /// earlier windows ([`crate::windowed`]), so that a window without a standing period
    /// of its own still knows the shanks' axes. Empty by default.
    pub standing_before: Vec<StandingForce>,
}

/// The specific force a shank sensor read over standing periods, summed: its direction
/// is the shank's long axis.
#[derive(Debug, Clone, PartialEq)]
pub struct StandingForce {
    /// The shank.
    pub placement: Placement,
    /// Sum of the samples' specific force, m/s², sensor axes.
    pub sum_mps2: Vector3<f64>,
    /// Samples summed.
    pub samples: usize,
}

impl Default for ReachConfig {
    fn default() -> Self {
        ReachConfig {
            cop_ahead_of_heel_landing_m: 0.10,
            cop_ahead_of_toe_landing_m: 0.0,
            speed_window_s: 2.0,
            early_stance_s: 0.08,
            heading_window_s: 3.0,
            min_standing_s: 1.0,
            orientation: OrientationConfig::default(),
            height_cm: None,
            leg_length_per_height: 0.53,
            standing_before: Vec::new(),
        }
    }
}

/// What the reach stage measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Reach {
    /// Landing distance per step of the step list, cm.
    pub overstride_cm: Vec<Option<f64>>,
    /// Tibia angle at IC per step of the step list, degrees.
    pub tibia_angle_deg: Vec<Option<f64>>,
    /// Shank sensors with a gyroscope.
    pub shanks_with_gyroscope: usize,
    /// Whether a standing period long enough to calibrate the shanks was found.
    pub standing_found: bool,
}

impl Reach {
    /// Copies the per-step values onto `steps` (the same step list).
    pub fn fill(&self, steps: &mut [Step]) {
        for (k, s) in steps.iter_mut().enumerate() {
            s.overstride_cm = self.overstride_cm.get(k).copied().flatten();
            s.tibia_angle_deg = self.tibia_angle_deg.get(k).copied().flatten();
        }
    }
}

impl ReachConfig {
    /// Landing distance and tibia angle of every step. `steps` must carry the strike
    /// angle and the step length from the feet where they are known; `loading` is the
    /// loading stage's output for the same steps.
    pub fn process(
        &self,
        recording: &Recording,
        bouts: &[Bout],
        steps: &[Step],
        loading: &Loading,
    ) -> Reach {
        let mut out = Reach {
            overstride_cm: vec![None; steps.len()],
            tibia_angle_deg: vec![None; steps.len()],
            ..Reach::default()
        };
        let speeds = RunningSpeed::new(steps);
        for (k, step) in steps.iter().enumerate() {
            let speed = speeds.around(step.initial_contact_s, self.speed_window_s);
            out.overstride_cm[k] = loading
                .steps
                .get(k)
                .and_then(|l| self.landing_distance_cm(step, speed?, l));
        }
        let standing = self.standing_bouts(bouts);
        out.standing_found = !standing.is_empty() || !self.standing_before.is_empty();
        for stream in &recording.streams {
            if stream.placement.segment() != Segment::Shank {
                continue;
            }
            let Some(gyr) = &stream.gyr_radps else {
                continue;
            };
            out.shanks_with_gyroscope += 1;
            let mut force = force_over(recording, stream.placement, &standing);
            for before in &self.standing_before {
                if before.placement == stream.placement {
                    force.sum_mps2 += before.sum_mps2;
                    force.samples += before.samples;
                }
            }
            let Some(axis) = force.axis() else {
                continue;
            };
            let side = stream.placement.side();
            let index = |t: f64| {
                usize::try_from(recording.sample_index(t))
                    .ok()
                    .filter(|&i| i < stream.len())
            };
            let early = self.early_stance_s;
            // per step of this shank: (k, IC time, sample at IC, sample after early stance)
            let samples: Vec<(usize, f64, usize, usize)> = steps
                .iter()
                .enumerate()
                .filter(|(_, s)| s.side == side && side != Side::Unknown)
                .filter(|(_, s)| s.activity == Activity::Running)
                .filter_map(|(k, s)| {
                    let i0 = index(s.initial_contact_s)?;
                    let i1 = index(s.initial_contact_s + early)?;
                    Some((k, s.initial_contact_s, i0, i1))
                })
                .collect();
            if samples.is_empty() {
                continue;
            }
            // the shank's axis in the world at those samples only
            let mut wanted: Vec<usize> = samples.iter().flat_map(|s| [s.2, s.3]).collect();
            wanted.sort_unstable();
            wanted.dedup();
            let mut world = vec![Vector3::zeros(); wanted.len()];
            self.orientation
                .plan(recording.rate_hz)
                .run_each(&stream.acc_mps2, gyr, |i, q| {
                    if let Ok(w) = wanted.binary_search(&i) {
                        world[w] = q * axis;
                    }
                });
            let world_at = |i: usize| wanted.binary_search(&i).map(|w| world[w]).ok();
            // per step: (k, IC time, shank axis in the world at IC, its horizontal turn
            // in early stance)
            let mut mine: Vec<(usize, f64, Vector3<f64>, Vector3<f64>)> = samples
                .iter()
                .filter_map(|&(k, t, i0, i1)| {
                    let (w0, w1) = (world_at(i0)?, world_at(i1)?);
                    let turn = Vector3::new(w1.x - w0.x, w1.y - w0.y, 0.0);
                    Some((k, t, w0, turn))
                })
                .collect();
            mine.sort_by(|a, b| a.1.total_cmp(&b.1));
            for &(k, t, w0, _) in &mine {
                let lo = mine.partition_point(|m| m.1 < t - self.heading_window_s);
                let heading: Vector3<f64> = mine[lo..]
                    .iter()
                    .take_while(|m| m.1 <= t + self.heading_window_s)
                    .map(|m| m.3)
                    .sum();
                let Some(forward) = heading.try_normalize(1e-9) else {
                    continue;
                };
                out.tibia_angle_deg[k] = Some((-w0.dot(&forward)).atan2(w0.z).to_degrees());
            }
        }
        out
    }

    /// The standing bouts long enough to give the shanks' axes.
    fn standing_bouts<'a>(&self, bouts: &'a [Bout]) -> Vec<&'a Bout> {
        bouts
            .iter()
            .filter(|b| {
                b.activity == Activity::Standing && b.end_s - b.start_s >= self.min_standing_s
            })
            .collect()
    }

    /// The standing specific force of each shank with a gyroscope over the standing
    /// bouts of `bouts` within `within_s` (s), for the windows that follow
    /// ([`ReachConfig::standing_before`]).
    pub fn standing_force(
        &self,
        recording: &Recording,
        bouts: &[Bout],
        within_s: std::ops::Range<f64>,
    ) -> Vec<StandingForce> {
        let clipped: Vec<Bout> = self
            .standing_bouts(bouts)
            .into_iter()
            .map(|b| Bout {
                start_s: b.start_s.max(within_s.start),
                end_s: b.end_s.min(within_s.end),
                ..*b
            })
            .filter(|b| b.end_s > b.start_s)
            .collect();
        let clipped: Vec<&Bout> = clipped.iter().collect();
        recording
            .streams
            .iter()
            .filter(|s| s.placement.segment() == Segment::Shank && s.gyr_radps.is_some())
            .map(|s| force_over(recording, s.placement, &clipped))
            .filter(|f| f.samples > 0)
            .collect()
    }

    /// Step length over leg length, when the height is known.
    pub fn step_length_per_leg(&self, step_length_m: Option<f64>) -> Option<f64> {
        let leg_m = self.height_cm? / 100.0 * self.leg_length_per_height;
        let step_m = step_length_m?;
        (leg_m > 0.0).then(|| step_m / leg_m)
    }

    /// Landing distance of one step, cm, from its braking phase, the speed around it and
    /// its strike angle.
    fn landing_distance_cm(
        &self,
        step: &Step,
        speed: f64,
        loading: &crate::loading::StepLoading,
    ) -> Option<f64> {
        let angle = step.strike_angle_deg?;
        let travel = speed * loading.braking_s? + loading.braking_travel_excess_m?;
        let cop = if angle >= 0.0 {
            self.cop_ahead_of_heel_landing_m
        } else {
            self.cop_ahead_of_toe_landing_m
        };
        Some(100.0 * (travel - cop))
    }
}

/// The running steps' lengths and times in time order, for the mean speed around any
/// time from a binary search and the few steps in the window.
struct RunningSpeed {
    /// (initial contact s, step length m, step time s), in time order.
    steps: Vec<(f64, f64, f64)>,
}

impl RunningSpeed {
    fn new(steps: &[Step]) -> Self {
        let mut known: Vec<(f64, f64, f64)> = steps
            .iter()
            .filter(|s| s.activity == Activity::Running)
            .filter_map(|s| Some((s.initial_contact_s, s.step_length_m?, s.step_s?)))
            .collect();
        known.sort_by(|a, b| a.0.total_cmp(&b.0));
        RunningSpeed { steps: known }
    }

    /// Mean speed of the running steps within `window_s` of `t_s` (each step's length over
    /// its time, summed: one stride's speed varies more than the body's), m/s.
    fn around(&self, t_s: f64, window_s: f64) -> Option<f64> {
        let lo = self.steps.partition_point(|s| s.0 < t_s - window_s);
        let (length, time) = self.steps[lo..]
            .iter()
            .take_while(|s| s.0 <= t_s + window_s)
            .fold((0.0, 0.0), |a, s| (a.0 + s.1, a.1 + s.2));
        (time > 0.0).then(|| length / time)
    }
}

impl StandingForce {
    /// The shank's long axis (up when standing) in sensor coordinates: the direction of
    /// the mean specific force; `None` without samples.
    pub fn axis(&self) -> Option<Vector3<f64>> {
        (self.samples > 0)
            .then(|| self.sum_mps2 / self.samples as f64)
            .and_then(|m| m.try_normalize(1e-6))
    }
}

/// The specific force of the sensor at `placement` summed over the standing periods
/// `standing`.
fn force_over(recording: &Recording, placement: Placement, standing: &[&Bout]) -> StandingForce {
    let mut force = StandingForce {
        placement,
        sum_mps2: Vector3::zeros(),
        samples: 0,
    };
    let Some(acc) = recording.stream(placement).map(|s| &s.acc_mps2) else {
        return force;
    };
    for b in standing {
        let i0 = ((b.start_s - recording.start_s) * recording.rate_hz)
            .ceil()
            .max(0.0) as usize;
        let i1 =
            (((b.end_s - recording.start_s) * recording.rate_hz).floor() as usize).min(acc.len());
        for i in i0..i1 {
            force.sum_mps2 += acc.at(i);
            force.samples += 1;
        }
    }
    force
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::loading::StepLoading;

    fn step(strike_deg: f64) -> Step {
        let mut s = Step::at(Side::Left, Activity::Running, 10.0);
        s.step_s = Some(0.35);
        s.step_length_m = Some(1.05); // 3 m/s
        s.strike_angle_deg = Some(strike_deg);
        s
    }

    #[test]
    fn landing_distance_is_travel_while_braking_less_the_cop_shift() {
        let cfg = ReachConfig::default();
        let braking = StepLoading {
            braking_s: Some(0.1),
            braking_travel_excess_m: Some(0.01),
            ..StepLoading::default()
        };
        // 3 m/s × 0.1 s + 0.01 m = 0.31 m; heel landing: CoP 0.10 m ahead of it
        let heel = cfg.landing_distance_cm(&step(12.0), 3.0, &braking).unwrap();
        assert!((heel - 21.0).abs() < 1e-9, "{heel}");
        let toe = cfg.landing_distance_cm(&step(-5.0), 3.0, &braking).unwrap();
        assert!((toe - 31.0).abs() < 1e-9, "{toe}");
        // no strike angle or no braking phase: unknown
        let mut s = step(12.0);
        s.strike_angle_deg = None;
        assert_eq!(cfg.landing_distance_cm(&s, 3.0, &braking), None);
        let none = StepLoading::default();
        assert_eq!(cfg.landing_distance_cm(&step(12.0), 3.0, &none), None);
    }

    #[test]
    fn step_length_is_related_to_leg_length_when_height_is_given() {
        let mut cfg = ReachConfig::default();
        assert_eq!(cfg.step_length_per_leg(Some(1.2)), None);
        cfg.height_cm = Some(180.0);
        let r = cfg.step_length_per_leg(Some(1.2)).unwrap();
        assert!((r - 1.2 / 0.954).abs() < 1e-9, "{r}");
        assert_eq!(cfg.step_length_per_leg(None), None);
    }

    #[test]
    fn speed_is_the_mean_over_nearby_running_steps() {
        let cfg = ReachConfig::default();
        let mut steps: Vec<Step> = (0..20)
            .map(|i| {
                let mut s = step(10.0);
                s.initial_contact_s = 10.0 + 0.35 * i as f64;
                // alternating 2.7 and 3.3 m/s strides: 3.0 m/s around
                s.step_length_m = Some(if i % 2 == 0 { 0.945 } else { 1.155 });
                s
            })
            .collect();
        let v = RunningSpeed::new(&steps)
            .around(13.5, cfg.speed_window_s)
            .unwrap();
        assert!((v - 3.0).abs() < 0.05, "{v}");
        for s in &mut steps {
            s.activity = Activity::Walking;
        }
        assert_eq!(
            RunningSpeed::new(&steps).around(13.5, cfg.speed_window_s),
            None
        );
    }
}
