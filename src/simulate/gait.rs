//! The gait timeline: the steps, their parameters, and the path of the pelvis (sacrum,
//! taken as the centre of mass).
//!
//! Time in s from the start of the recording. World frame: x forward (running
//! direction), y left, z up, metres. A *step* runs from one initial contact (IC) to the
//! next IC of the other foot; steps alternate left, right, left, … starting on the left.
//!
//! The pelvis moves by the forces on it, not by a prescribed curve:
//! * vertical: specific force `f(τ) = b(τ) + A·s(τ) + B·q(τ) + I·pulse(τ)` in each step,
//!   where `s` is a stance-shaped bump on `[0, min(contact, step)]` (zero in flight, so a
//!   running pelvis is ballistic there), `b` a baseline (0 when running, above g when
//!   walking, which with a negative `A` gives the inverted-pendulum dip at mid-stance),
//!   `q = s·cos(πx)` a skew, and the pulse a heel-strike transient. `A` and `B` are solved
//!   per step so that the pelvis arrives at the next IC at that step's periodic height and
//!   vertical velocity: the mean specific force over a step is then g up to the small
//!   stride-to-stride corrections, and the motion neither drifts nor jumps.
//! * lateral: the same scheme with a half sine pushing towards the other side in each
//!   stance (the pelvis sways over the stance foot; zero force in flight).
//! * fore-aft: a smooth nominal speed (ramped between activities) plus, in each stance, a
//!   braking-then-propulsion force: a half sine of depth `D` (braking), then a half sine of
//!   equal area (propulsion), zero net, so in steady running the horizontal specific force
//!   is zero in flight. As in a spring-mass runner, whose leg force points from the centre
//!   of pressure to the centre of mass, braking turns into propulsion when the sacrum passes
//!   over the centre of pressure: the split is solved per step so that it does, with the
//!   centre of pressure [`COP_AHEAD_OF_HEEL_LANDING_M`] ahead of a heel landing (rolled
//!   onto the midfoot) or [`COP_AHEAD_OF_TOE_LANDING_M`] ahead of a forefoot landing. A
//!   landing far ahead of the body therefore brakes for longer.

use super::SimConfig;
use super::curve::{Quintic, TrigSeries, TwoLobes, lerp, smoothstep, smoothstep_integral};
use super::truth::Activity;
use crate::error::{Error, Result};
use crate::metrics::REARFOOT_DEG;
use crate::recording::{STANDARD_GRAVITY_MPS2 as G, Side};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;
use std::f64::consts::PI;

/// Walking cadence, steps/min.
pub(crate) const WALK_CADENCE_SPM: f64 = 110.0;
/// Walking speed, m/s.
pub(crate) const WALK_SPEED_MPS: f64 = 1.3;
/// Walking contact as a multiple of the step time (60 % of the stride).
const WALK_CONTACT_PER_STEP: f64 = 1.2;
/// Walking foot-strike angle, degrees (heel first).
const WALK_STRIKE_DEG: f64 = 15.0;
/// Walking: how far the heel lands ahead of the sacrum, m.
const WALK_LANDING_AHEAD_M: f64 = 0.30;
/// Centre of pressure when braking turns into propulsion, ahead of a heel landing, m.
pub(crate) const COP_AHEAD_OF_HEEL_LANDING_M: f64 = 0.10;
/// The same for a forefoot landing (the load stays on the forefoot), m.
pub(crate) const COP_AHEAD_OF_TOE_LANDING_M: f64 = 0.0;
/// Braking lasts at least and at most these shares of the support.
const BRAKING_SHARE: (f64, f64) = (0.05, 0.95);
/// Duration of the ramps between activities, s.
pub(crate) const RAMP_S: f64 = 2.0;
/// Steps simulated before 0 and after the end when the run is not framed by standing, s.
const PRE_ROLL_S: f64 = 3.0;
/// From the start of the walk (first heel-off) to the first initial contact, s.
pub(crate) const GAIT_START_S: f64 = 0.65;
/// Sacrum height standing, m.
pub(crate) const Z_STAND_M: f64 = 1.00;
/// Sacrum height at initial contact, walking and running, m.
const Z_WALK_IC_M: f64 = 0.97;
const Z_RUN_IC_M: f64 = 0.95;
/// Walking baseline vertical specific force, multiples of g.
const WALK_BASE_G: f64 = 1.35;
/// Stride-to-stride variability at `variability = 1`.
const STEP_CV: f64 = 0.015;
const CONTACT_CV: f64 = 0.03;
const STRIKE_SD_DEG: f64 = 1.5;
const OVERSTRIDE_SD_M: f64 = 0.01;
/// Width of the heel-strike transient in the pelvis force, s (peak at half of it).
const IMPACT_S: f64 = 0.04;

/// Parameters that vary smoothly with time, given at each IC (a *knot*) and blended
/// between knots with a quintic smoothstep (so every signal built on them stays C2).
/// Angles in rad, lengths in m.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Knot {
    /// Nominal forward speed, m/s (includes the compensation for the stance braking).
    pub speed_mps: f64,
    /// Baseline vertical specific force, m/s².
    pub base_mps2: f64,
    /// Sacrum height at IC, m.
    pub ic_height_m: f64,
    /// Peak-to-peak pelvis yaw per stride.
    pub pelvis_yaw_pp: f64,
    /// Peak-to-peak trunk yaw per stride.
    pub trunk_yaw_pp: f64,
    /// Peak pelvic drop (roll towards the swing side) in a stance.
    pub pelvic_drop: f64,
    /// Forward lean of the trunk (positive forward).
    pub lean: f64,
    /// Share of the lean that tilts the pelvis forward.
    pub pelvis_tilt: f64,
    /// Amplitude of the pelvis pitch oscillation at step frequency.
    pub pelvis_pitch_osc: f64,
    /// Amplitude of the trunk pitch oscillation at step frequency.
    pub trunk_pitch_osc: f64,
    /// Amplitude of the trunk roll (lateral sway) at stride frequency.
    pub trunk_roll: f64,
    /// Amplitude of the arm swing.
    pub arm_swing: f64,
    /// Elbow flexion.
    pub elbow: f64,
    /// Weight of running (1) against walking (0).
    pub run_weight: f64,
}

impl Knot {
    fn standing() -> Self {
        Knot {
            base_mps2: G,
            ic_height_m: Z_STAND_M,
            ..Knot::default()
        }
    }

    fn blend(&self, o: &Knot, w: f64) -> Knot {
        Knot {
            speed_mps: lerp(self.speed_mps, o.speed_mps, w),
            base_mps2: lerp(self.base_mps2, o.base_mps2, w),
            ic_height_m: lerp(self.ic_height_m, o.ic_height_m, w),
            pelvis_yaw_pp: lerp(self.pelvis_yaw_pp, o.pelvis_yaw_pp, w),
            trunk_yaw_pp: lerp(self.trunk_yaw_pp, o.trunk_yaw_pp, w),
            pelvic_drop: lerp(self.pelvic_drop, o.pelvic_drop, w),
            lean: lerp(self.lean, o.lean, w),
            pelvis_tilt: lerp(self.pelvis_tilt, o.pelvis_tilt, w),
            pelvis_pitch_osc: lerp(self.pelvis_pitch_osc, o.pelvis_pitch_osc, w),
            trunk_pitch_osc: lerp(self.trunk_pitch_osc, o.trunk_pitch_osc, w),
            trunk_roll: lerp(self.trunk_roll, o.trunk_roll, w),
            arm_swing: lerp(self.arm_swing, o.arm_swing, w),
            elbow: lerp(self.elbow, o.elbow, w),
            run_weight: lerp(self.run_weight, o.run_weight, w),
        }
    }
}

/// One step: from this IC to the next IC (other foot).
#[derive(Debug, Clone)]
pub(crate) struct Step {
    /// Foot that makes this contact.
    pub side: Side,
    /// Activity of the bout the IC falls in.
    pub activity: Activity,
    /// Initial contact, s.
    pub ic_s: f64,
    /// Step duration (to the next IC), s.
    pub dur_s: f64,
    /// Ground contact of this foot, s.
    pub contact_s: f64,
    /// Running (1) against walking (0).
    pub run_weight: f64,
    /// Foot pitch at IC relative to flat, rad, positive = toes up.
    pub strike_rad: f64,
    /// Planned landing point ahead of the sacrum at IC, m.
    pub overstride_m: f64,
    support: TrigSeries,
    skew: TrigSeries,
    impact: TrigSeries,
    support_mps2: f64,
    skew_mps2: f64,
    impact_mps2: f64,
    base0_mps2: f64,
    base1_mps2: f64,
    z0_m: f64,
    vz0_mps: f64,
    lateral: TrigSeries,
    lateral_skew: TrigSeries,
    lateral_amp_mps2: f64,
    lateral_a_mps2: f64,
    lateral_b_mps2: f64,
    y0_m: f64,
    vy0_mps: f64,
    fore_aft: TwoLobes,
    braking_mps2: f64,
    x0_m: f64,
    speed0_mps: f64,
    speed1_mps: f64,
    phase: Quintic,
}

impl Step {
    /// From IC until braking turns into propulsion, s.
    pub(crate) fn braking_s(&self) -> f64 {
        self.fore_aft.split_s()
    }

    fn sign(&self) -> f64 {
        if self.side == Side::Left { 1.0 } else { -1.0 }
    }

    /// Sacrum position at `tau` s after this step's IC.
    fn position(&self, tau: f64) -> [f64; 3] {
        let t = self.dur_s;
        let (_, fa2) = self.fore_aft.integrals(tau);
        let x = self.x0_m
            + self.speed0_mps * tau
            + (self.speed1_mps - self.speed0_mps) * t * smoothstep_integral(tau / t)
            - self.braking_mps2 * fa2;
        let (_, l2) = self.lateral.integrals(tau);
        let (_, lq2) = self.lateral_skew.integrals(tau);
        let y =
            self.y0_m + self.vy0_mps * tau + self.lateral_a_mps2 * l2 + self.lateral_b_mps2 * lq2;
        let (_, s2) = self.support.integrals(tau);
        let (_, q2) = self.skew.integrals(tau);
        let (_, i2) = self.impact.integrals(tau);
        let db = self.base1_mps2 - self.base0_mps2;
        let z = self.z0_m
            + self.vz0_mps * tau
            + self.support_mps2 * s2
            + self.skew_mps2 * q2
            + self.impact_mps2 * i2
            + (self.base0_mps2 - G) * tau * tau / 2.0
            + db * tau.powi(3) / (6.0 * t);
        [x, y, z]
    }

    /// The sacrum's impact over the first `window_s` after IC (at most the step): the
    /// peak of its vertical specific force, g, and the loading rate, the rise from IC to
    /// that peak over the time it takes, g/s (`None` when the force does not rise);
    /// evaluated every 0.1 ms.
    pub(crate) fn impact(&self, window_s: f64) -> (f64, Option<f64>) {
        const DT_S: f64 = 1e-4;
        let n = (window_s.min(self.dur_s) / DT_S).round() as usize;
        let at_ic = self.vertical_specific_force(0.0);
        let (tau_peak, peak) = (0..=n)
            .map(|i| {
                (
                    i as f64 * DT_S,
                    self.vertical_specific_force(i as f64 * DT_S),
                )
            })
            .fold(
                (0.0, f64::NEG_INFINITY),
                |b, x| if x.1 > b.1 { x } else { b },
            );
        let rate = (tau_peak > 0.0).then(|| (peak - at_ic) / G / tau_peak);
        (peak / G, rate)
    }

    /// Vertical specific force of the sacrum (its vertical acceleration + g), m/s².
    fn vertical_specific_force(&self, tau: f64) -> f64 {
        let db = self.base1_mps2 - self.base0_mps2;
        self.support_mps2 * self.support.value(tau)
            + self.skew_mps2 * self.skew.value(tau)
            + self.impact_mps2 * self.impact.value(tau)
            + self.base0_mps2
            + db * tau / self.dur_s
    }

    /// Height and vertical velocity at IC of the periodic solution of this step alone.
    fn natural_vertical(&self) -> (f64, f64) {
        let t = self.dur_s;
        let (s1, s2) = self.support.integrals(t);
        let (i1, i2) = self.impact.integrals(t);
        let b = self.base0_mps2;
        let k1 = (b - G) * t + self.impact_mps2 * i1;
        let k2 = (b - G) * t * t / 2.0 + self.impact_mps2 * i2;
        let a = -k1 / s1;
        (self.z0_m, -(a * s2 + k2) / t)
    }

    /// Lateral position and velocity at IC of the mirror-symmetric periodic sway.
    fn natural_lateral(&self) -> (f64, f64) {
        let t = self.dur_s;
        let (s1, s2) = self.lateral.integrals(t);
        let a = self.sign() * self.lateral_amp_mps2;
        (a * (s2 - s1 * t / 2.0) / 2.0, a * s1 / 2.0)
    }
}

/// Amplitudes `(a, b)` of the profiles `s` and `q` that take a point from `start`
/// (position, velocity) to `end` over `dur_s`, given the known part of the force whose
/// integrals over the step are `known = (∫f, ∫∫f)`.
fn solve_pair(
    start: (f64, f64),
    end: (f64, f64),
    dur_s: f64,
    known: (f64, f64),
    s: &TrigSeries,
    q: &TrigSeries,
) -> (f64, f64) {
    let (s1, s2) = s.integrals(dur_s);
    let (q1, q2) = q.integrals(dur_s);
    let r1 = end.1 - start.1 - known.0;
    let r2 = end.0 - start.0 - start.1 * dur_s - known.1;
    let det = s1 * q2 - s2 * q1;
    ((r1 * q2 - r2 * q1) / det, (s1 * r2 - s2 * r1) / det)
}

/// Where a time falls on the timeline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum At {
    /// Before the first IC (standing, or a time the timeline does not cover).
    Before,
    /// In step `k`, `tau` s after its IC.
    In(usize, f64),
    /// After the end of the last step.
    After,
}

/// A stretch of one activity, as configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Segment {
    pub start_s: f64,
    pub end_s: f64,
    pub activity: Activity,
}

/// The activity plan: which activity when, and the ramps between them.
#[derive(Debug, Clone)]
struct Schedule {
    standing_s: f64,
    walking_s: f64,
    run_start_s: f64,
    run_end_s: f64,
    first_ic_s: f64,
    gait_end_s: f64,
    segments: Vec<Segment>,
}

impl Schedule {
    fn new(cfg: &SimConfig) -> Self {
        let s = cfg.standing_s;
        let w = cfg.walking_s;
        let run_start_s = s + w;
        let run_end_s = run_start_s + cfg.duration_s;
        let total = run_end_s + w + s;
        let mut segments = Vec::new();
        let mut push = |a: f64, b: f64, activity| {
            if b > a {
                segments.push(Segment {
                    start_s: a,
                    end_s: b,
                    activity,
                });
            }
        };
        push(0.0, s, Activity::Standing);
        push(s, run_start_s, Activity::Walking);
        push(run_start_s, run_end_s, Activity::Running);
        push(run_end_s, run_end_s + w, Activity::Walking);
        push(run_end_s + w, total, Activity::Standing);
        let (first_ic_s, gait_end_s) = if s > 0.0 {
            (s + GAIT_START_S, total - s)
        } else {
            (-PRE_ROLL_S, total + PRE_ROLL_S)
        };
        Schedule {
            standing_s: s,
            walking_s: w,
            run_start_s,
            run_end_s,
            first_ic_s,
            gait_end_s,
            segments,
        }
    }

    fn framed_by_standing(&self) -> bool {
        self.standing_s > 0.0
    }

    fn activity(&self, t: f64) -> Activity {
        let first = self.segments[0];
        let last = self.segments[self.segments.len() - 1];
        if t < first.start_s {
            return first.activity;
        }
        self.segments
            .iter()
            .find(|g| t >= g.start_s && t < g.end_s)
            .unwrap_or(&last)
            .activity
    }

    /// Running weight: ramps within the walking bouts, so the running bout runs at the
    /// running parameters throughout.
    fn run_weight(&self, t: f64) -> f64 {
        if self.walking_s <= 0.0 {
            return 1.0;
        }
        let ramp = self.walking_s.min(RAMP_S);
        smoothstep((t - (self.run_start_s - ramp)) / ramp)
            * (1.0 - smoothstep((t - self.run_end_s) / ramp))
    }

    /// Moving weight: ramps from and to standing.
    fn move_weight(&self, t: f64) -> f64 {
        if !self.framed_by_standing() {
            return 1.0;
        }
        smoothstep((t - self.first_ic_s) / RAMP_S) * smoothstep((self.gait_end_s - t) / RAMP_S)
    }

    /// Share of the running part done at `t` (0 before it, 1 after it).
    fn run_progress(&self, t: f64) -> f64 {
        ((t - self.run_start_s) / (self.run_end_s - self.run_start_s)).clamp(0.0, 1.0)
    }
}

/// The whole gait: steps and knots, plus the activity segments.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    /// Steps in time order.
    pub steps: Vec<Step>,
    /// Knot `k` is at the IC of step `k`; the last one at the end of the last step.
    pub knots: Vec<Knot>,
    /// The configured activity segments (the truth's bouts).
    pub segments: Vec<Segment>,
    /// Duration of the recording, s.
    pub total_s: f64,
    /// True when the recording starts and ends standing.
    pub framed_by_standing: bool,
    /// Start of the first heel-off when framed by standing, s.
    pub gait_start_s: f64,
    end_position: [f64; 3],
}

/// Randomness of one step: standard normals clamped to ±3.
struct Draws {
    step: f64,
    contact: f64,
    strike: f64,
    overstride: f64,
}

impl Draws {
    fn new(rng: &mut ChaCha8Rng, scale: f64) -> Self {
        let mut n = || -> f64 {
            let v: f64 = rng.sample(StandardNormal);
            v.clamp(-3.0, 3.0) * scale
        };
        Draws {
            step: n(),
            contact: n(),
            strike: n(),
            overstride: n(),
        }
    }
}

/// How far the sacrum travels from IC until it is over the centre of pressure, m, for a
/// landing `landing_m` ahead of it with strike angle `strike_rad` (heel first when ≥ 0).
fn cop_distance_m(landing_m: f64, strike_rad: f64) -> f64 {
    if strike_rad < 0.0 {
        landing_m + COP_AHEAD_OF_TOE_LANDING_M
    } else {
        landing_m + COP_AHEAD_OF_HEEL_LANDING_M
    }
}

/// The fore-aft force of `step` whose braking ends when the sacrum is over the centre of
/// pressure (bisection on the split; the sacrum's path is monotone in it), within
/// [`BRAKING_SHARE`] of the support.
fn braking_split(step: &Step) -> TwoLobes {
    let support_s = step.contact_s.min(step.dur_s);
    let target = cop_distance_m(step.overstride_m, step.strike_rad);
    let mut trial = step.clone();
    let mut travel = |split_s: f64| {
        trial.fore_aft = TwoLobes::new(support_s, split_s);
        trial.position(split_s)[0] - trial.x0_m - target
    };
    let (mut lo, mut hi) = (BRAKING_SHARE.0 * support_s, BRAKING_SHARE.1 * support_s);
    if travel(lo) >= 0.0 {
        return TwoLobes::new(support_s, lo);
    }
    if travel(hi) <= 0.0 {
        return TwoLobes::new(support_s, hi);
    }
    for _ in 0..40 {
        let mid = 0.5 * (lo + hi);
        if travel(mid) < 0.0 {
            lo = mid
        } else {
            hi = mid
        }
    }
    TwoLobes::new(support_s, 0.5 * (lo + hi))
}

/// Heel-strike transient amplitude in the pelvis vertical force, m/s².
fn impact_mps2(strike_deg: f64) -> f64 {
    if strike_deg <= REARFOOT_DEG {
        0.0
    } else {
        (0.5 * G * (strike_deg - REARFOOT_DEG) / 10.0).min(1.5 * G)
    }
}

impl Timeline {
    /// Builds the timeline for `cfg`, with running stance-force sharpness `run_shape`.
    pub(crate) fn build(cfg: &SimConfig, run_shape: f64) -> Result<Timeline> {
        let sched = Schedule::new(cfg);
        let mut rng = ChaCha8Rng::seed_from_u64(cfg.seed);
        rng.set_stream(0);
        let deg = PI / 180.0;
        let mut steps: Vec<Step> = Vec::new();
        let mut knots: Vec<Knot> = Vec::new();
        let mut t = sched.first_ic_s;
        loop {
            let k = steps.len();
            let d = Draws::new(&mut rng, cfg.variability);
            let wm = sched.move_weight(t);
            let wr = sched.run_weight(t);
            let fat = cfg.fatigue * sched.run_progress(t);
            let side = if k.is_multiple_of(2) {
                Side::Left
            } else {
                Side::Right
            };
            let sign = if side == Side::Left { 1.0 } else { -1.0 };
            let cadence = lerp(WALK_CADENCE_SPM, cfg.cadence_spm * (1.0 - 0.05 * fat), wr);
            let nominal_s = 60.0 / cadence;
            let dur_s = nominal_s * (1.0 + STEP_CV * d.step);
            if sched.framed_by_standing() {
                if t + dur_s > sched.gait_end_s {
                    break;
                }
            } else if t > sched.gait_end_s {
                break;
            }
            let run_contact = cfg.contact_ms / 1000.0 * (1.0 + 0.08 * fat);
            // Contact shortens early in a walk-to-run ramp, so that contact × speed (the
            // ground the foot covers) stays within the leg's reach.
            let wc = 1.0 - (1.0 - wr) * (1.0 - wr);
            let nominal_contact_s = lerp(WALK_CONTACT_PER_STEP * nominal_s, run_contact, wc);
            let contact_s = lerp(
                WALK_CONTACT_PER_STEP * dur_s,
                run_contact * (1.0 + sign * cfg.asymmetry_pct / 200.0),
                wc,
            ) * (1.0 + CONTACT_CV * d.contact);
            let strike_deg = lerp(WALK_STRIKE_DEG, cfg.strike_angle_deg + 6.0 * fat, wr)
                + STRIKE_SD_DEG * d.strike;
            let overstride_m = lerp(WALK_LANDING_AHEAD_M, cfg.overstride_cm / 100.0, wr)
                + OVERSTRIDE_SD_M * d.overstride;
            let support_s = contact_s.min(dur_s);
            let shape = lerp(1.0, run_shape, wr);
            let support = TrigSeries::stance_shape(support_s, shape);
            let lateral = TrigSeries::stance_shape(support_s, 1.0);
            let braking = wm
                * lerp(
                    1.0,
                    2.0 + 0.08 * cfg.overstride_cm + 0.05 * cfg.strike_angle_deg.max(0.0),
                    wr,
                );
            // split solved below, once the sacrum's path up to this IC is known
            let fore_aft = TwoLobes::new(support_s, support_s / 2.0);
            // The stance braking sets the sacrum back per step; the nominal speed makes up
            // for it (from nominal values, so that it changes only as smoothly as the ramps
            // and the fatigue do).
            let nominal_support_s = nominal_contact_s.min(nominal_s);
            let nominal_speed = wm * lerp(WALK_SPEED_MPS, cfg.speed_mps, wr);
            let nominal_reach = cop_distance_m(
                lerp(WALK_LANDING_AHEAD_M, cfg.overstride_cm / 100.0, wr),
                lerp(WALK_STRIKE_DEG, cfg.strike_angle_deg, wr) * deg,
            );
            let nominal_split = if nominal_speed > 0.0 {
                nominal_reach / nominal_speed
            } else {
                nominal_support_s / 2.0
            };
            let lag = TwoLobes::new(nominal_support_s, nominal_split)
                .integrals(nominal_support_s)
                .1;
            let knot = Knot {
                speed_mps: nominal_speed + braking * lag / nominal_s,
                base_mps2: lerp(G, lerp(WALK_BASE_G * G, 0.0, wr), wm),
                ic_height_m: lerp(Z_STAND_M, lerp(Z_WALK_IC_M, Z_RUN_IC_M, wr), wm),
                pelvis_yaw_pp: wm * lerp(10.0, cfg.pelvis_rotation_deg, wr) * deg,
                trunk_yaw_pp: wm * lerp(8.0, cfg.trunk_rotation_deg * (1.0 + 0.4 * fat), wr) * deg,
                pelvic_drop: wm * lerp(4.0, cfg.pelvic_drop_deg * (1.0 + 0.4 * fat), wr) * deg,
                lean: wm * lerp(2.0, cfg.forward_lean_deg + 4.0 * fat, wr) * deg,
                pelvis_tilt: 0.3,
                pelvis_pitch_osc: wm * lerp(1.0, 2.0, wr) * deg,
                trunk_pitch_osc: wm * lerp(0.5, 1.5, wr) * deg,
                trunk_roll: wm * lerp(1.0, 2.0, wr) * deg,
                arm_swing: wm * lerp(12.0, 25.0, wr) * deg,
                elbow: wm * lerp(20.0, 80.0, wr) * deg,
                run_weight: wr,
            };
            knots.push(if k == 0 && sched.framed_by_standing() {
                Knot::standing()
            } else {
                knot
            });
            steps.push(Step {
                side,
                activity: sched.activity(t),
                ic_s: t,
                dur_s,
                contact_s,
                run_weight: wr,
                strike_rad: strike_deg * deg,
                overstride_m,
                skew: support.times_cos(),
                support,
                impact: TrigSeries::pulse(IMPACT_S.min(support_s)),
                support_mps2: 0.0,
                skew_mps2: 0.0,
                impact_mps2: wr * wm * impact_mps2(strike_deg),
                base0_mps2: knot.base_mps2,
                base1_mps2: 0.0,
                z0_m: knot.ic_height_m,
                vz0_mps: 0.0,
                lateral_skew: lateral.times_cos(),
                lateral,
                lateral_amp_mps2: wm * lerp(0.8, 1.5, wr),
                lateral_a_mps2: 0.0,
                lateral_b_mps2: 0.0,
                y0_m: 0.0,
                vy0_mps: 0.0,
                fore_aft,
                braking_mps2: braking,
                x0_m: 0.0,
                speed0_mps: knot.speed_mps,
                speed1_mps: 0.0,
                phase: Quintic::default(),
            });
            t += dur_s;
        }
        if steps.len() < 4 {
            return Err(Error::Setting(format!(
                "the walking and running parts ({:.1} s) are too short to take four steps",
                sched.gait_end_s - sched.first_ic_s
            )));
        }
        let n = steps.len();
        if sched.framed_by_standing() {
            // The first step starts from standing, the last ends standing.
            steps[0].base0_mps2 = G;
            steps[0].z0_m = Z_STAND_M;
            steps[0].speed0_mps = 0.0;
            knots.push(Knot::standing());
        } else {
            let mut end = knots[n - 1];
            end.speed_mps = knots[n - 1].speed_mps;
            knots.push(end);
        }
        for k in 0..n {
            steps[k].base1_mps2 = knots[k + 1].base_mps2;
            steps[k].speed1_mps = knots[k + 1].speed_mps;
            steps[k].base0_mps2 = knots[k].base_mps2;
            steps[k].speed0_mps = knots[k].speed_mps;
        }

        // Phase: a C2 function of time that is k at IC k.
        let rate = |k: usize| -> f64 {
            if k == 0 {
                1.0 / steps[0].dur_s
            } else if k == n {
                1.0 / steps[n - 1].dur_s
            } else {
                2.0 / (steps[k - 1].dur_s + steps[k].dur_s)
            }
        };
        let rates: Vec<f64> = (0..=n).map(rate).collect();
        for (k, s) in steps.iter_mut().enumerate() {
            s.phase = Quintic::new([0.0, rates[k], 0.0], [1.0, rates[k + 1], 0.0], s.dur_s);
        }

        // Pelvis: carry the state from IC to IC.
        let standing = sched.framed_by_standing();
        let vertical_target = |steps: &[Step], k: usize| -> (f64, f64) {
            if k == n {
                if standing {
                    (Z_STAND_M, 0.0)
                } else {
                    steps[n - 1].natural_vertical()
                }
            } else {
                steps[k].natural_vertical()
            }
        };
        let lateral_target = |steps: &[Step], k: usize| -> (f64, f64) {
            if k == n {
                if standing {
                    (0.0, 0.0)
                } else {
                    steps[n - 1].natural_lateral()
                }
            } else {
                steps[k].natural_lateral()
            }
        };
        let mut vert = if standing {
            (Z_STAND_M, 0.0)
        } else {
            steps[0].natural_vertical()
        };
        let mut lat = if standing {
            (0.0, 0.0)
        } else {
            steps[0].natural_lateral()
        };
        let mut x = 0.0;
        for k in 0..n {
            let mut vt = vertical_target(&steps, k + 1);
            if k + 1 < n {
                // Go half way to the next step's natural IC velocity: the mean force of
                // a step stays closer to g, and trends (fatigue, ramps) are still
                // followed within a few steps.
                vt.1 = 0.5 * (vert.1 + vt.1);
            }
            let lt = lateral_target(&steps, k + 1);
            let s = &mut steps[k];
            let dur = s.dur_s;
            let (i1, i2) = s.impact.integrals(dur);
            let db = s.base1_mps2 - s.base0_mps2;
            let known = (
                (s.base0_mps2 + db / 2.0 - G) * dur + s.impact_mps2 * i1,
                (s.base0_mps2 - G) * dur * dur / 2.0 + db * dur * dur / 6.0 + s.impact_mps2 * i2,
            );
            let (a, b) = solve_pair(vert, vt, dur, known, &s.support, &s.skew);
            s.z0_m = vert.0;
            s.vz0_mps = vert.1;
            s.support_mps2 = a;
            s.skew_mps2 = b;
            let (a, b) = solve_pair(lat, lt, dur, (0.0, 0.0), &s.lateral, &s.lateral_skew);
            s.y0_m = lat.0;
            s.vy0_mps = lat.1;
            s.lateral_a_mps2 = a;
            s.lateral_b_mps2 = b;
            s.x0_m = x;
            s.fore_aft = braking_split(s);
            vert = vt;
            lat = lt;
            x = s.position(dur)[0];
        }
        let last = &steps[n - 1];
        let end_position = last.position(last.dur_s);
        Ok(Timeline {
            steps,
            knots,
            segments: sched.segments.clone(),
            total_s: sched.run_end_s + sched.walking_s + sched.standing_s,
            framed_by_standing: standing,
            gait_start_s: sched.standing_s,
            end_position,
        })
    }

    /// Where `t` falls.
    pub(crate) fn at(&self, t: f64) -> At {
        let n = self.steps.partition_point(|s| s.ic_s <= t);
        if n == 0 {
            return At::Before;
        }
        let k = n - 1;
        let s = &self.steps[k];
        let tau = t - s.ic_s;
        if k + 1 == self.steps.len() && tau >= s.dur_s {
            At::After
        } else {
            At::In(k, tau)
        }
    }

    /// Smoothly varying parameters at `t`.
    pub(crate) fn knot(&self, at: At) -> Knot {
        match at {
            At::Before => self.knots[0],
            At::In(k, tau) => {
                self.knots[k].blend(&self.knots[k + 1], smoothstep(tau / self.steps[k].dur_s))
            }
            At::After => self.knots[self.knots.len() - 1],
        }
    }

    /// Gait phase in steps: `k` at IC `k`, C2 in time; stride angle is `π·phase`
    /// (left IC at even phases).
    pub(crate) fn phase(&self, t: f64, at: At) -> f64 {
        match at {
            At::Before => (t - self.steps[0].ic_s) / self.steps[0].dur_s,
            At::In(k, tau) => k as f64 + self.steps[k].phase.eval(tau),
            At::After => {
                let last = &self.steps[self.steps.len() - 1];
                self.steps.len() as f64 + (t - last.ic_s - last.dur_s) / last.dur_s
            }
        }
    }

    /// Sacrum position (the pelvis sensor point), m.
    pub(crate) fn pelvis_position(&self, at: At) -> [f64; 3] {
        match at {
            At::Before => {
                let s = &self.steps[0];
                [s.x0_m, s.y0_m, s.z0_m]
            }
            At::In(k, tau) => self.steps[k].position(tau),
            At::After => self.end_position,
        }
    }

    /// Vertical specific force of the sacrum, m/s² (g when standing).
    #[cfg(test)]
    pub(crate) fn pelvis_vertical_specific_force(&self, at: At) -> f64 {
        match at {
            At::In(k, tau) => self.steps[k].vertical_specific_force(tau),
            _ => G,
        }
    }
}

/// Mean peak-to-peak sacrum height per running stride, mm, over the first strides of
/// the run (at most 30), with running stance-force sharpness `shape`.
fn start_vertical_oscillation_mm(cfg: &SimConfig, shape: f64) -> Result<f64> {
    let tl = Timeline::build(cfg, shape)?;
    let steps = &tl.steps;
    let mut sum = 0.0;
    let mut strides = 0;
    for k in 0..steps.len().saturating_sub(2) {
        let run = |j: usize| steps[j].activity == Activity::Running && steps[j].ic_s >= 0.0;
        if steps[k].side != Side::Left || !(run(k) && run(k + 1) && run(k + 2)) {
            continue;
        }
        let (a, b) = (steps[k].ic_s, steps[k + 2].ic_s);
        let (mut lo, mut hi) = (f64::INFINITY, f64::NEG_INFINITY);
        for i in 0..200 {
            let t = a + (b - a) * i as f64 / 200.0;
            let z = tl.pelvis_position(tl.at(t))[2];
            lo = lo.min(z);
            hi = hi.max(z);
        }
        sum += hi - lo;
        strides += 1;
        if strides == 30 {
            break;
        }
    }
    if strides == 0 {
        return Err(Error::Setting(
            "vertical_oscillation_mm needs at least one running stride".into(),
        ));
    }
    Ok(sum / strides as f64 * 1000.0)
}

/// Range of running stance-force sharpness the model allows.
pub(crate) const SHAPE_RANGE: (f64, f64) = (0.0, 8.0);
/// Default running stance-force sharpness: a half sine.
pub(crate) const DEFAULT_SHAPE: f64 = 1.0;

/// The stance-force sharpness that gives `cfg.vertical_oscillation_mm` over the first
/// strides of the run (or the default when it is not set); an error naming the reachable
/// range when it cannot be reached.
pub(crate) fn running_shape(cfg: &SimConfig) -> Result<f64> {
    let Some(target) = cfg.vertical_oscillation_mm else {
        return Ok(DEFAULT_SHAPE);
    };
    let (mut lo, mut hi) = SHAPE_RANGE;
    let (vo_lo, vo_hi) = (
        start_vertical_oscillation_mm(cfg, lo)?,
        start_vertical_oscillation_mm(cfg, hi)?,
    );
    if !(vo_lo..=vo_hi).contains(&target) {
        return Err(Error::Setting(format!(
            "vertical_oscillation_mm {target} cannot be reached at cadence {} spm and contact {} ms \
             (a stance force from flat to peaked gives {vo_lo:.0}–{vo_hi:.0} mm; \
             change the cadence or the contact time, or leave it unset)",
            cfg.cadence_spm, cfg.contact_ms
        )));
    }
    // Secant-guarded bisection: the oscillation grows with the sharpness.
    let (mut f_lo, mut f_hi) = (vo_lo - target, vo_hi - target);
    for _ in 0..40 {
        let mut mid = lo - f_lo * (hi - lo) / (f_hi - f_lo);
        if !(mid > lo + 0.05 * (hi - lo) && mid < hi - 0.05 * (hi - lo)) {
            mid = 0.5 * (lo + hi);
        }
        let f = start_vertical_oscillation_mm(cfg, mid)? - target;
        if f.abs() < 0.05 {
            return Ok(mid);
        }
        if f < 0.0 {
            (lo, f_lo) = (mid, f);
        } else {
            (hi, f_hi) = (mid, f);
        }
    }
    Ok(0.5 * (lo + hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vertical_oscillation_grows_with_sharpness() {
        let cfg = SimConfig {
            duration_s: 12.0,
            ..SimConfig::default()
        };
        let mut prev = 0.0;
        for i in 0..=8 {
            let vo = start_vertical_oscillation_mm(&cfg, i as f64).unwrap();
            assert!(vo > prev, "shape {i} gives {vo} mm after {prev}");
            prev = vo;
        }
        let half_sine = start_vertical_oscillation_mm(&cfg, 1.0).unwrap();
        assert!((60.0..100.0).contains(&half_sine), "{half_sine}");
    }

    #[test]
    fn running_pelvis_force_is_zero_in_flight_and_g_on_average() {
        let cfg = SimConfig {
            duration_s: 10.0,
            strike_angle_deg: 18.0,
            ..SimConfig::default()
        };
        let tl = Timeline::build(&cfg, 1.0).unwrap();
        let mut worst: f64 = 0.0;
        for s in &tl.steps[5..tl.steps.len() - 5] {
            let n = 2000;
            let mut mean = 0.0;
            for i in 0..n {
                let tau = s.dur_s * (i as f64 + 0.5) / n as f64;
                let f = tl.pelvis_vertical_specific_force(tl.at(s.ic_s + tau));
                if tau > s.contact_s.min(s.dur_s) {
                    assert_eq!(f, 0.0, "flight force at {}", s.ic_s + tau);
                } else {
                    assert!(f > -1e-9, "pulling ground at {}", s.ic_s + tau);
                }
                mean += f / n as f64;
            }
            worst = worst.max((mean - G).abs() / G);
        }
        assert!(worst < 0.02, "mean force off by {worst} of g over a step");
    }

    #[test]
    fn braking_ends_with_the_sacrum_over_the_centre_of_pressure() {
        for (overstride_cm, strike_deg) in [(8.0, 3.0), (32.0, 18.0), (10.0, -8.0)] {
            let cfg = SimConfig {
                overstride_cm,
                strike_angle_deg: strike_deg,
                ..SimConfig::default()
            };
            let tl = Timeline::build(&cfg, running_shape(&cfg).unwrap()).unwrap();
            let mut checked = 0;
            for s in tl.steps.iter().filter(|s| s.run_weight == 1.0) {
                let reach = cop_distance_m(s.overstride_m, s.strike_rad);
                let split = s.braking_s();
                let support = s.contact_s.min(s.dur_s);
                if split <= BRAKING_SHARE.0 * support * 1.001 {
                    continue;
                }
                let travel = s.position(split)[0] - s.position(0.0)[0];
                assert!((travel - reach).abs() < 1e-6, "{travel} {reach}");
                // braking before the split, propulsion after
                let (v0, _) = s.fore_aft.integrals(split * 0.5);
                let (v1, _) = s.fore_aft.integrals(split);
                assert!(v1 > v0 && v0 > 0.0);
                checked += 1;
            }
            assert!(checked > 20, "{overstride_cm} {strike_deg}: {checked}");
        }
    }

    #[test]
    fn phase_is_integer_at_each_contact() {
        let tl = Timeline::build(&SimConfig::default(), 1.0).unwrap();
        for (k, s) in tl.steps.iter().enumerate().take(50) {
            let p = tl.phase(s.ic_s, tl.at(s.ic_s));
            assert!((p - k as f64).abs() < 1e-9, "{p} at step {k}");
        }
    }

    #[test]
    fn pelvis_state_is_continuous_across_steps() {
        let cfg = SimConfig {
            standing_s: 3.0,
            walking_s: 5.0,
            duration_s: 10.0,
            ..SimConfig::default()
        };
        let tl = Timeline::build(&cfg, 1.0).unwrap();
        let e = 1e-6;
        for s in &tl.steps[1..] {
            let before = tl.pelvis_position(tl.at(s.ic_s - e));
            let after = tl.pelvis_position(tl.at(s.ic_s + e));
            for a in 0..3 {
                assert!(
                    (before[a] - after[a]).abs() < 1e-5,
                    "axis {a} at {}",
                    s.ic_s
                );
            }
        }
    }
}
