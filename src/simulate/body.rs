//! Segment kinematics: the pose of every body segment as a smooth function of time.
//!
//! World frame: x forward, y left, z up, metres, seconds. Each segment has its own frame,
//! x forward, y left, z up when the body stands upright (a flat foot: z up, x toward the
//! toes; a shank: z along the tibia from ankle to knee). A pose is the world position of
//! the segment's sensor point and the rotation `R` taking segment axes to world axes.
//!
//! Orientation angles: `R = Rz(yaw) · Ry(−pitch) · Rx(roll)`, right-handed rotations;
//! yaw positive turns x toward +y (left), **pitch positive = nose / toes up** (a rotation
//! about +y by −pitch), roll positive raises the left side. Forward lean = −pitch.
//!
//! * pelvis: sacrum (the centre-of-mass path of [`super::gait`]); yaw peak-to-peak per
//!   stride (the hip of the forward leg forward), roll = pelvic drop on the swing side in
//!   each stance, pitch = a share of the lean plus a small oscillation.
//! * trunk: rigid, pivoting on the sacrum, sensor at the sternum (0.10 m forward, 0.45 m
//!   up in the trunk frame); yaw in anti-phase with the pelvis, pitch = −lean.
//! * feet: on the ground from IC to toe-off. At IC the foot touches at the strike angle
//!   (heel first when positive, forefoot first when negative), rolls about that edge to
//!   flat, stays flat, then rotates about the toes to the toe-off angle. The contact edge
//!   sinks a few mm at IC (the shoe compressing: this is the impact the foot sensor sees)
//!   and rises back before toe-off. Swing: quintic paths C2-matched to both stance
//!   states, with a heel lift that peaks early in the swing (as the knee flexes), and
//!   small roll and yaw bumps.
//! * shanks: two-link sagittal inverse kinematics from a virtual hip (sacrum ± 0.09 m
//!   lateral, 0.05 m up) to the ankle; sensor at mid-shank. A leg stretched beyond 88 % of
//!   its length straightens smoothly and stays straight (the virtual thigh stretches; the
//!   shank stays C2).
//! * wrists: a pendulum arm from the shoulder, swinging in anti-phase with the same-side
//!   leg, elbow flexed when running; sensor on the forearm, axes those of the forearm.

use super::curve::{Quintic, bump, early_bump, lerp, smoothstep};
use super::gait::{At, Step, Timeline};
use crate::recording::{Placement, Side};
use nalgebra::{Matrix3, Vector3};
use std::f64::consts::PI;

/// Heel contact point is the foot frame origin; the toe contact point, m.
pub(crate) const TOE_X_M: f64 = 0.20;
/// Ankle joint in the foot frame, m.
const ANKLE: [f64; 3] = [0.06, 0.0, 0.08];
/// Foot sensor (instep) in the foot frame, m.
const FOOT_SENSOR: [f64; 3] = [0.10, 0.0, 0.06];
/// Lateral offset of each foot and each hip from the midline, m.
const FOOT_Y_M: f64 = 0.09;
/// Hip joint below the sacrum, m: negative, a virtual hip 5 cm above it, so that the
/// two-link leg (0.90 m) is straight when standing (sacrum 1.00 m, ankle 0.08 m: the
/// shank vertical) and nearly straight at a running contact, as a runner's is.
const HIP_DROP_M: f64 = -0.05;
/// Thigh and shank lengths, m.
const THIGH_M: f64 = 0.45;
const SHANK_M: f64 = 0.45;
/// Trunk sensor (sternum) in the trunk frame, from the sacrum, m.
const TRUNK_SENSOR: [f64; 3] = [0.10, 0.0, 0.45];
/// Shoulder in the trunk frame, m (y for the left side).
const SHOULDER: [f64; 3] = [0.0, 0.18, 0.50];
const UPPER_ARM_M: f64 = 0.28;
const FOREARM_M: f64 = 0.25;

/// `Rz(yaw) · Ry(−pitch) · Rx(roll)`, angles in rad, pitch positive nose up.
pub(crate) fn rotation(yaw: f64, pitch: f64, roll: f64) -> Matrix3<f64> {
    let (sy, cy) = yaw.sin_cos();
    let (sb, cb) = (-pitch).sin_cos();
    let (sr, cr) = roll.sin_cos();
    Matrix3::new(
        cy * cb,
        cy * sb * sr - sy * cr,
        cy * sb * cr + sy * sr,
        sy * cb,
        sy * sb * sr + cy * cr,
        sy * sb * cr - cy * sr,
        -sb,
        cb * sr,
        cb * cr,
    )
}

/// `(yaw, pitch, roll)` of `r` in the convention of [`rotation`].
pub(crate) fn angles(r: &Matrix3<f64>) -> (f64, f64, f64) {
    let yaw = r[(1, 0)].atan2(r[(0, 0)]);
    let pitch = r[(2, 0)].clamp(-1.0, 1.0).asin();
    let roll = r[(2, 1)].atan2(r[(2, 2)]);
    (yaw, pitch, roll)
}

fn v3(a: [f64; 3]) -> Vector3<f64> {
    Vector3::new(a[0], a[1], a[2])
}

fn side_sign(side: Side) -> f64 {
    if side == Side::Left { 1.0 } else { -1.0 }
}

/// A segment pose: where its sensor point is and how it is turned.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pose {
    /// Sensor point, world, m.
    pub pos: Vector3<f64>,
    /// Segment → world rotation.
    pub rot: Matrix3<f64>,
}

impl Default for Pose {
    fn default() -> Self {
        Pose {
            pos: Vector3::zeros(),
            rot: Matrix3::identity(),
        }
    }
}

/// One foot contact: from IC to toe-off (either may be infinite for the standing
/// contacts that open and close a recording framed by standing).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stance {
    /// Initial contact, s.
    pub ic_s: f64,
    /// Toe-off, s.
    pub to_s: f64,
    /// Heel x when the foot is flat, m.
    pub heel_x_m: f64,
    y_m: f64,
    /// Foot pitch at IC, rad, positive toes up.
    pub strike_rad: f64,
    /// First contact with the toes (forefoot strike) rather than the heel.
    pub toe_first: bool,
    roll_s: f64,
    loading: Quintic,
    compress_s: f64,
    compress: Quintic,
    depth_m: f64,
    approach_mps: f64,
    ic_rate_radps: f64,
    heel_off_s: f64,
    heel_off: Quintic,
    to_pitch_rad: f64,
    to_rate_radps: f64,
    clearance_m: f64,
}

/// Sagittal state of the foot origin `[x, z]` and pitch, each `[value, rate, accel]`.
type FootState = ([f64; 3], [f64; 3], [f64; 3]);

impl Stance {
    #[allow(clippy::too_many_arguments)]
    fn new(
        side: Side,
        ic_s: f64,
        to_s: f64,
        heel_x_m: f64,
        strike_rad: f64,
        contact_s: f64,
        run_weight: f64,
    ) -> Self {
        let deg = PI / 180.0;
        let roll_s = 0.17 * contact_s;
        let compress_s = (0.15 * contact_s).min(0.03);
        let approach_mps = lerp(0.25, 0.5, run_weight);
        let depth_m = approach_mps * compress_s / 2.0;
        let ic_rate_radps = -1.5 * strike_rad / roll_s;
        let heel_off_s = if to_s.is_finite() {
            to_s - 0.4 * contact_s
        } else {
            f64::INFINITY
        };
        let to_pitch_rad = lerp(-30.0, -35.0, run_weight) * deg;
        let to_rate_radps = lerp(-6.0, -10.0, run_weight);
        Stance {
            ic_s,
            to_s,
            heel_x_m,
            y_m: side_sign(side) * FOOT_Y_M,
            strike_rad,
            toe_first: strike_rad < 0.0,
            roll_s,
            loading: Quintic::new([strike_rad, ic_rate_radps, 0.0], [0.0; 3], roll_s),
            compress_s,
            compress: Quintic::new([0.0, -approach_mps, 0.0], [-depth_m, 0.0, 0.0], compress_s),
            depth_m,
            approach_mps,
            ic_rate_radps,
            heel_off_s,
            heel_off: Quintic::new(
                [0.0; 3],
                [to_pitch_rad, to_rate_radps, 0.0],
                0.4 * contact_s,
            ),
            to_pitch_rad,
            to_rate_radps,
            clearance_m: lerp(0.03, 0.22, run_weight),
        }
    }

    /// Foot origin (heel) `[x, z]` and pitch at `t` within the stance.
    fn pose(&self, t: f64) -> ([f64; 2], f64) {
        let tau = t - self.ic_s;
        let (pitch, on_toe) = if tau < self.roll_s {
            (self.loading.eval(tau), self.toe_first)
        } else if t > self.heel_off_s {
            (self.heel_off.eval(t - self.heel_off_s), true)
        } else {
            (0.0, false)
        };
        let pz = if tau < self.compress_s {
            self.compress.eval(tau)
        } else if t > self.heel_off_s {
            -self.depth_m
                * (1.0 - smoothstep((t - self.heel_off_s) / (self.to_s - self.heel_off_s)))
        } else {
            -self.depth_m
        };
        let r = if on_toe { TOE_X_M } else { 0.0 };
        let (s, c) = pitch.sin_cos();
        ([self.heel_x_m + r - r * c, pz - r * s], pitch)
    }

    /// Contact point at IC (heel, or toes for a forefoot strike), x, m.
    pub(crate) fn landing_x_m(&self) -> f64 {
        self.heel_x_m + if self.toe_first { TOE_X_M } else { 0.0 }
    }

    /// State at IC, from the stance side.
    fn ic_state(&self) -> FootState {
        let r = if self.toe_first { TOE_X_M } else { 0.0 };
        let (a, w) = (self.strike_rad, self.ic_rate_radps);
        let (s, c) = a.sin_cos();
        (
            [self.heel_x_m + r - r * c, r * w * s, r * w * w * c],
            [-r * s, -self.approach_mps - r * w * c, r * w * w * s],
            [a, w, 0.0],
        )
    }

    /// State at toe-off, from the stance side.
    fn toe_off_state(&self) -> FootState {
        let r = TOE_X_M;
        let (a, w) = (self.to_pitch_rad, self.to_rate_radps);
        let (s, c) = a.sin_cos();
        (
            [self.heel_x_m + r - r * c, r * w * s, r * w * w * c],
            [-r * s, -r * w * c, r * w * w * s],
            [a, w, 0.0],
        )
    }
}

/// The flight of one foot from a toe-off to the next IC.
#[derive(Debug, Clone, Copy)]
struct Swing {
    start_s: f64,
    dur_s: f64,
    x: Quintic,
    z: Quintic,
    pitch: Quintic,
    clearance_m: f64,
}

impl Swing {
    fn new(from: &Stance, to: &Stance) -> Self {
        let dur_s = to.ic_s - from.to_s;
        let (x0, z0, p0) = from.toe_off_state();
        let (x1, z1, p1) = to.ic_state();
        Swing {
            start_s: from.to_s,
            dur_s,
            x: Quintic::new(x0, x1, dur_s),
            z: Quintic::new(z0, z1, dur_s),
            pitch: Quintic::new(p0, p1, dur_s),
            clearance_m: to.clearance_m,
        }
    }
}

/// Everything one foot does.
#[derive(Debug, Clone)]
pub(crate) struct FootPlan {
    side: Side,
    /// Contacts in time order.
    pub stances: Vec<Stance>,
    /// `swings[i]` joins `stances[i]` to `stances[i + 1]`.
    swings: Vec<Swing>,
}

impl FootPlan {
    /// Foot origin (heel, world) and rotation at `t`.
    fn pose(&self, t: f64) -> (Vector3<f64>, Matrix3<f64>) {
        let n = self.stances.partition_point(|s| s.ic_s <= t);
        let (st, t) = if n == 0 {
            (&self.stances[0], self.stances[0].ic_s)
        } else {
            (&self.stances[n - 1], t)
        };
        if t <= st.to_s || n == 0 || n == self.stances.len() {
            let t = t.min(st.to_s);
            let ([x, z], pitch) = st.pose(t);
            return (Vector3::new(x, st.y_m, z), rotation(0.0, pitch, 0.0));
        }
        let sw = &self.swings[n - 1];
        let tau = t - sw.start_s;
        let b = bump(tau / sw.dur_s);
        let sign = side_sign(self.side);
        let deg = PI / 180.0;
        let pos = Vector3::new(
            sw.x.eval(tau),
            st.y_m,
            sw.z.eval(tau) + sw.clearance_m * early_bump(tau / sw.dur_s),
        );
        let rot = rotation(
            sign * 3.0 * deg * b,
            sw.pitch.eval(tau),
            -sign * 5.0 * deg * b,
        );
        (pos, rot)
    }
}

/// Which segments a caller needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Needs {
    /// Feet (also implied by shanks).
    pub feet: bool,
    /// Shanks.
    pub shanks: bool,
    /// Wrists.
    pub wrists: bool,
}

impl Needs {
    /// What `placements` need.
    pub(crate) fn of(placements: &[Placement]) -> Self {
        let has = |p: &[Placement]| placements.iter().any(|x| p.contains(x));
        let shanks = has(&[Placement::LeftShank, Placement::RightShank]);
        Needs {
            feet: shanks || has(&[Placement::LeftFoot, Placement::RightFoot]),
            shanks,
            wrists: has(&[Placement::LeftWrist, Placement::RightWrist]),
        }
    }
}

/// Poses of all segments at one time (index 0 = left, 1 = right).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct BodyPose {
    pub pelvis: Pose,
    pub trunk: Pose,
    pub feet: [Pose; 2],
    pub heels: [Vector3<f64>; 2],
    pub shanks: [Pose; 2],
    pub wrists: [Pose; 2],
}

impl BodyPose {
    /// The pose of the segment a placement is on.
    pub(crate) fn of(&self, p: Placement) -> &Pose {
        match p {
            Placement::LeftFoot => &self.feet[0],
            Placement::RightFoot => &self.feet[1],
            Placement::LeftShank => &self.shanks[0],
            Placement::RightShank => &self.shanks[1],
            Placement::Pelvis => &self.pelvis,
            Placement::Trunk => &self.trunk,
            Placement::LeftWrist => &self.wrists[0],
            Placement::RightWrist => &self.wrists[1],
        }
    }
}

/// The whole body: the gait timeline plus the foot plans.
#[derive(Debug, Clone)]
pub(crate) struct Body {
    /// Gait timeline and pelvis path.
    pub timeline: Timeline,
    /// Left (0) and right (1) foot.
    pub feet: [FootPlan; 2],
}

fn stance_of(step: &Step, pelvis_x: f64) -> Stance {
    let landing = pelvis_x + step.overstride_m;
    let heel_x = landing - if step.strike_rad < 0.0 { TOE_X_M } else { 0.0 };
    Stance::new(
        step.side,
        step.ic_s,
        step.ic_s + step.contact_s,
        heel_x,
        step.strike_rad,
        step.contact_s,
        step.run_weight,
    )
}

impl Body {
    /// The body for a timeline.
    pub(crate) fn new(timeline: Timeline) -> Self {
        let tl = &timeline;
        let steps = &tl.steps;
        let n = steps.len();
        let mut stances: [Vec<Stance>; 2] = [Vec::new(), Vec::new()];
        for s in steps {
            let px = tl.pelvis_position(tl.at(s.ic_s))[0];
            stances[side_index(s.side)].push(stance_of(s, px));
        }
        if tl.framed_by_standing {
            let start_x = tl.pelvis_position(At::Before)[0] - ANKLE[0];
            let end_x = tl.pelvis_position(At::After)[0] - ANKLE[0];
            let first = &steps[0];
            let wr = first.run_weight;
            // Opening: the left heel rises at the start of the walk, the right after
            // the first IC.
            let left_to = tl.gait_start_s + 0.25;
            let right_to = first.ic_s + (0.2 * first.dur_s).max(0.05);
            for (i, to_s) in [(0, left_to), (1, right_to)] {
                let side = if i == 0 { Side::Left } else { Side::Right };
                let mut st = Stance::new(side, f64::NEG_INFINITY, to_s, start_x, 0.0, 0.625, wr);
                st.heel_off_s = to_s - 0.25;
                stances[i].insert(0, st);
            }
            // Closing: the last foot down lands under the sacrum and stays; the other
            // foot comes alongside at the end of the last step.
            let last = &steps[n - 1];
            let li = side_index(last.side);
            let st = Stance::new(
                last.side,
                last.ic_s,
                f64::INFINITY,
                end_x,
                last.strike_rad.max(5.0 * PI / 180.0),
                last.contact_s,
                last.run_weight,
            );
            *stances[li].last_mut().expect("a last stance") = st;
            let other = if li == 0 { Side::Right } else { Side::Left };
            let close = Stance::new(
                other,
                last.ic_s + last.dur_s,
                f64::INFINITY,
                end_x,
                5.0 * PI / 180.0,
                0.6,
                0.0,
            );
            stances[1 - li].push(close);
        }
        let feet = stances.map(|st| {
            let side = if st[0].y_m > 0.0 {
                Side::Left
            } else {
                Side::Right
            };
            let swings = st.windows(2).map(|w| Swing::new(&w[0], &w[1])).collect();
            FootPlan {
                side,
                stances: st,
                swings,
            }
        });
        Body { timeline, feet }
    }

    /// The steps' contacts of one foot.
    #[cfg(test)]
    pub(crate) fn stances(&self, side: Side) -> &[Stance] {
        &self.feet[side_index(side)].stances
    }

    /// Poses of the needed segments at `t` (pelvis and trunk always).
    pub(crate) fn pose(&self, t: f64, needs: Needs, out: &mut BodyPose) {
        let tl = &self.timeline;
        let at = tl.at(t);
        let kn = tl.knot(at);
        let th = PI * tl.phase(t, at);
        let cos_th = th.cos();
        let cos_2th = 2.0 * cos_th * cos_th - 1.0;

        // Pelvis.
        let drop = match at {
            At::In(k, tau) => {
                let steps = &tl.steps;
                let mut b = side_sign(steps[k].side) * bump(tau / steps[k].contact_s);
                if k > 0 {
                    let p = &steps[k - 1];
                    b += side_sign(p.side) * bump((tau + p.dur_s) / p.contact_s);
                }
                b
            }
            _ => 0.0,
        };
        let p = tl.pelvis_position(at);
        let pelvis_pos = Vector3::new(p[0], p[1], p[2]);
        let pelvis_rot = rotation(
            -0.5 * kn.pelvis_yaw_pp * cos_th,
            -kn.pelvis_tilt * kn.lean + kn.pelvis_pitch_osc * cos_2th,
            kn.pelvic_drop * drop,
        );
        out.pelvis = Pose {
            pos: pelvis_pos,
            rot: pelvis_rot,
        };

        // Trunk.
        let trunk_rot = rotation(
            0.5 * kn.trunk_yaw_pp * cos_th,
            -kn.lean + kn.trunk_pitch_osc * (2.0 * th - 0.6).cos(),
            -kn.trunk_roll * (th - 0.4 * PI).cos(),
        );
        out.trunk = Pose {
            pos: pelvis_pos + trunk_rot * v3(TRUNK_SENSOR),
            rot: trunk_rot,
        };

        if needs.feet {
            for i in 0..2 {
                let (heel, rot) = self.feet[i].pose(t);
                out.heels[i] = heel;
                out.feet[i] = Pose {
                    pos: heel + rot * v3(FOOT_SENSOR),
                    rot,
                };
            }
        }
        if needs.shanks {
            for i in 0..2 {
                let sign = if i == 0 { 1.0 } else { -1.0 };
                let hip = pelvis_pos + pelvis_rot * Vector3::new(0.0, sign * FOOT_Y_M, -HIP_DROP_M);
                let ankle = out.heels[i] + out.feet[i].rot * v3(ANKLE);
                out.shanks[i] = shank(hip, ankle);
            }
        }
        if needs.wrists {
            for i in 0..2 {
                let sign = if i == 0 { 1.0 } else { -1.0 };
                // Left arm back when the left leg is forward (left IC at θ = 0).
                let swing = -sign * kn.arm_swing * cos_th;
                let shoulder = pelvis_pos
                    + trunk_rot * Vector3::new(SHOULDER[0], sign * SHOULDER[1], SHOULDER[2]);
                let upper = trunk_rot * rotation(0.0, swing, 0.0);
                let fore = trunk_rot * rotation(0.0, swing + kn.elbow, 0.0);
                let wrist = shoulder
                    + upper * Vector3::new(0.0, 0.0, -UPPER_ARM_M)
                    + fore * Vector3::new(0.0, 0.0, -FOREARM_M);
                out.wrists[i] = Pose {
                    pos: wrist,
                    rot: fore,
                };
            }
        }
    }
}

fn side_index(side: Side) -> usize {
    if side == Side::Left { 0 } else { 1 }
}

/// Shank pose from hip and ankle by two-link inverse kinematics in the plane that holds
/// the leg and the world lateral axis (knee forward).
fn shank(hip: Vector3<f64>, ankle: Vector3<f64>) -> Pose {
    let leg = hip - ankle;
    let d = leg.norm();
    let u = leg / d;
    let reach = THIGH_M + SHANK_M;
    let knee_at = 0.88 * reach;
    let d_eff = if d <= knee_at {
        d
    } else {
        // reach − δ·g(u), g(u) = (1 − u)⁶ (1 + 4u + 9u²) on [0, 1], 0 beyond: slope 1
        // and no curvature where it starts, straight (and C2: the knee angle goes as
        // (1 − u)³) from d = reach + δ on
        let delta = reach - knee_at;
        let u = ((d - knee_at) / (2.0 * delta)).min(1.0);
        reach - delta * (1.0 - u).powi(6) * (1.0 + 4.0 * u + 9.0 * u * u)
    };
    let cos_b = ((SHANK_M * SHANK_M + d_eff * d_eff - THIGH_M * THIGH_M) / (2.0 * SHANK_M * d_eff))
        .clamp(-1.0, 1.0);
    let sin_b = (1.0 - cos_b * cos_b).sqrt();
    let forward = Vector3::y().cross(&u).normalize();
    let axis = cos_b * u + sin_b * forward;
    let knee = ankle + SHANK_M * axis;
    let x = Vector3::y().cross(&axis).normalize();
    let y = axis.cross(&x);
    Pose {
        pos: 0.5 * (ankle + knee),
        rot: Matrix3::from_columns(&[x, y, axis]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::simulate::SimConfig;
    use crate::simulate::gait::Timeline;

    fn body(cfg: &SimConfig) -> Body {
        Body::new(Timeline::build(cfg, 1.0).unwrap())
    }

    #[test]
    fn rotation_convention_pitch_up_lifts_the_toes() {
        let r = rotation(0.0, 0.2, 0.0);
        assert!(r[(2, 0)] > 0.0, "x axis must point up for positive pitch");
        let (y, p, ro) = angles(&rotation(0.3, -0.2, 0.1));
        assert!((y - 0.3).abs() < 1e-12 && (p + 0.2).abs() < 1e-12 && (ro - 0.1).abs() < 1e-12);
        let r = rotation(0.0, 0.0, 0.1);
        assert!(r[(2, 1)] > 0.0, "positive roll raises the left side");
    }

    /// Acceleration of a point path at `t` from one side only (`dir` = ±1), m/s².
    fn one_sided_acc(f: &impl Fn(f64) -> Vector3<f64>, t: f64, dir: f64) -> Vector3<f64> {
        let e = 1e-4 * dir;
        (f(t + 2.0 * e) - 2.0 * f(t + e) + f(t)) / (e * e)
    }

    #[test]
    fn feet_and_pelvis_are_c2_at_contact_and_toe_off() {
        for strike in [12.0, -6.0] {
            let cfg = SimConfig {
                strike_angle_deg: strike,
                standing_s: 2.0,
                walking_s: 4.0,
                duration_s: 6.0,
                ..SimConfig::default()
            };
            let b = body(&cfg);
            let needs = Needs {
                feet: true,
                shanks: true,
                wrists: true,
            };
            let mut knots = Vec::new();
            for side in [Side::Left, Side::Right] {
                for st in b.stances(side) {
                    knots.extend([st.ic_s, st.to_s].into_iter().filter(|t| t.is_finite()));
                }
            }
            for t in knots {
                for pl in Placement::ALL {
                    let f = |t: f64| {
                        let mut p = BodyPose::default();
                        b.pose(t, needs, &mut p);
                        p.of(pl).pos
                    };
                    let jump = (one_sided_acc(&f, t, 1.0) - one_sided_acc(&f, t, -1.0)).norm();
                    assert!(
                        jump < 5.0,
                        "{pl} acceleration jumps by {jump} m/s² at {t} s"
                    );
                }
            }
        }
    }

    #[test]
    fn feet_stay_above_the_ground_and_legs_within_reach() {
        for strike in [15.0, 2.0, -8.0] {
            let cfg = SimConfig {
                strike_angle_deg: strike,
                standing_s: 2.0,
                walking_s: 5.0,
                duration_s: 10.0,
                ..SimConfig::default()
            };
            let b = body(&cfg);
            let needs = Needs {
                feet: true,
                shanks: true,
                wrists: false,
            };
            let mut p = BodyPose::default();
            let mut t = 0.0;
            let mut highest: f64 = 0.0;
            while t < b.timeline.total_s {
                b.pose(t, needs, &mut p);
                for i in 0..2 {
                    let toe = p.heels[i] + p.feet[i].rot * Vector3::new(TOE_X_M, 0.0, 0.0);
                    assert!(p.heels[i].z > -0.01, "heel {} at {t} s", p.heels[i].z);
                    assert!(toe.z > -0.01, "toe {} at {t} s (strike {strike})", toe.z);
                    let ankle = p.heels[i] + p.feet[i].rot * v3(ANKLE);
                    let hip = p.pelvis.pos.z - HIP_DROP_M;
                    assert!(
                        hip - ankle.z > 0.3,
                        "leg folded at {t} s: ankle {} m high",
                        ankle.z
                    );
                    highest = highest.max(ankle.z);
                }
                t += 0.002;
            }
            assert!(
                (0.25..0.55).contains(&highest),
                "ankle rises to {highest} m"
            );
        }
    }
}
