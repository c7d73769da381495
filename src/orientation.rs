//! Orientation: the attitude of one sensor over time from its gyroscope and
//! accelerometer, with a gravity-corrected complementary filter (Mahony's
//! proportional-integral form) on unit quaternions.
//!
//! # Frames, axes, signs, units
//! * Input: the sensor's own axes (whatever they are), specific force in m/s² (gravity
//!   included: +9.81 along the axis pointing up at rest), angular velocity in rad/s,
//!   right-handed.
//! * Output: `q[i]`, the rotation taking **sensor** coordinates to a **gravity-aligned**
//!   frame (`z` up, `x` and `y` horizontal, right-handed): `v_world = q[i] * v_sensor`.
//!   The heading of that frame is arbitrary (set by the initial alignment, which is the
//!   smallest rotation taking the mean specific force to `+z`) and drifts slowly with the
//!   gyroscope's vertical bias: without a magnetometer nothing observes it. Tilt (pitch
//!   and roll) is absolute.
//! * Angles ([`angles`]): `R = Rz(yaw)·Ry(−pitch)·Rx(roll)` as in the simulator; yaw
//!   positive turns `x` toward `+y`, **pitch positive = `x` (nose) up**, roll positive
//!   raises `+y` (the left side of a body-frame sensor). Radians.
//!
//! # Method
//! Between samples the quaternion is propagated by the gyroscope (bias estimate removed)
//! as an exact rotation of the trapezoid-plus-coning angle increment. After each step the
//! measured specific force `f`, **in g and not normalised**, is turned into the
//! gravity-aligned frame with the current estimate, and its horizontal part gives the
//! correction `e_w = (q·f/g) × z` (rad of tilt error, world axes). `e_w` passes two
//! first-order low-passes (`correction_lowpass_s` each) and is turned back into sensor
//! axes, `e`; the gyroscope is corrected by `gain_per_s · e` and the bias estimate moves
//! by `−bias_gain_per_s2 · e · dt` (Mahony, Hamel & Pflimlin 2008's proportional-integral
//! complementary filter). Two choices keep the mean tilt unbiased while running:
//! * `f` is not normalised, so the correction is linear in the specific force, whose mean
//!   over steady running *is* gravity in the world frame (a normalised direction is
//!   biased by the correlation of vertical and horizontal forces within a step);
//! * the correction is low-passed **in the world frame** before it is turned into sensor
//!   axes: a segment that yaws at each stride would otherwise rectify the stride-rhythm
//!   accelerations (centripetal ones above all, which have a non-zero mean in sensor axes)
//!   into a false gyroscope bias, and so into a false tilt (~0.5–2° on a simulated trunk
//!   rotating 35° per stride).
//!
//! With the default gains (0.1 /s and 0.0025 /s², critically damped, time constant
//! ≈ 20 s) the running accelerations at 1–3 Hz reach the tilt attenuated ~100-fold, and a
//! constant gyroscope bias about a horizontal axis leaves no steady tilt error.
//!
//! The filter runs offline. It first converges on the stream (warm-up: forward from the
//! start, then back and forth while the stream is shorter than `warmup_s`, with the gains
//! `warmup_speedup` times faster), then the result is the pass run **backward** from the
//! last sample to the first with the nominal gains, started from the converged state, so
//! every output sample is seen by a converged filter. The first warm-up pass starts at the
//! first still period (acceleration magnitude within `still_acc_g` of 1 g and rotation
//! below `still_gyr_radps` for `still_s`), aligned with its mean specific force and with
//! its mean angular velocity as the bias estimate; without one it starts at the first
//! sample, aligned with the mean specific force of the first `init_s`. The warm-up's
//! state at the last sample forgets where it started: with the default gains its time
//! constant is 5 s, so after `warmup_s` (60 s, 12 time constants) less than 1e-4 of the
//! starting error is left. A stream longer than `warmup_s` after its start therefore warms
//! up on its last `warmup_s` only, aligned with the mean specific force of their first
//! `init_s` and with the still period's bias estimate, if any: one pass over the samples
//! in all, not two.
//!
//! Two streams of the same length (a trunk and a pelvis sensor) can be filtered at once
//! ([`OrientationFilter::run_each_pair`]): each its own warm-up, then one result pass with
//! the two streams in the two lanes of every arithmetic operation, bit for bit what each
//! gets alone, in a little more than the time of one.

use crate::recording::{Axes3, STANDARD_GRAVITY_MPS2};
use nalgebra::{Matrix3, Quaternion, SimdBool, SimdRealField, SimdValue, UnitQuaternion, Vector3};
use simba::simd::AutoF64x2;

/// Settings of the orientation filter.
#[derive(Debug, Clone, PartialEq)]
pub struct OrientationConfig {
    /// Proportional gain of the gravity correction, rad/s per rad of tilt error (per g).
    pub gain_per_s: f64,
    /// Integral gain (gyroscope bias estimate), rad/s² per rad of tilt error.
    pub bias_gain_per_s2: f64,
    /// Shortest still period used for the initial alignment, s.
    pub still_s: f64,
    /// Largest deviation of the acceleration magnitude from 1 g in a still period, g.
    pub still_acc_g: f64,
    /// Largest angular rate in a still period, rad/s.
    pub still_gyr_radps: f64,
    /// Without a still period: the initial alignment is the mean specific force of this
    /// long a stretch at the start, s.
    pub init_s: f64,
    /// The warm-up passes cover at least this long in total, s.
    pub warmup_s: f64,
    /// The warm-up runs with the proportional gain times this and the integral gain
    /// times its square (the same damping, this many times faster).
    pub warmup_speedup: f64,
    /// Time constant of each of the two first-order low-passes applied to the
    /// world-frame correction before it reaches the gains, s.
    pub correction_lowpass_s: f64,
}

impl Default for OrientationConfig {
    fn default() -> Self {
        OrientationConfig {
            gain_per_s: 0.1,
            bias_gain_per_s2: 0.0025,
            still_s: 0.5,
            still_acc_g: 0.05,
            still_gyr_radps: 0.05,
            init_s: 2.0,
            warmup_s: 60.0,
            warmup_speedup: 4.0,
            correction_lowpass_s: 1.0,
        }
    }
}

impl OrientationConfig {
    /// The filter for one sampling rate.
    ///
    /// # Panics
    /// When `rate_hz` is not positive and finite.
    pub fn plan(&self, rate_hz: f64) -> OrientationFilter {
        assert!(
            rate_hz.is_finite() && rate_hz > 0.0,
            "rate_hz must be positive, got {rate_hz}"
        );
        let samples = |s: f64| ((s * rate_hz).round() as usize).max(1);
        OrientationFilter {
            dt_s: 1.0 / rate_hz,
            kp: self.gain_per_s,
            ki: self.bias_gain_per_s2,
            still_n: samples(self.still_s),
            still_acc_g: self.still_acc_g,
            still_gyr_radps: self.still_gyr_radps,
            init_n: samples(self.init_s),
            warmup_n: samples(self.warmup_s),
            speedup: self.warmup_speedup,
            lp_alpha: (1.0 / (rate_hz * self.correction_lowpass_s)).min(1.0),
        }
    }
}

/// A planned filter: gains and window lengths for one rate, ready to run on streams.
#[derive(Debug, Clone, PartialEq)]
pub struct OrientationFilter {
    dt_s: f64,
    kp: f64,
    ki: f64,
    still_n: usize,
    still_acc_g: f64,
    still_gyr_radps: f64,
    init_n: usize,
    warmup_n: usize,
    speedup: f64,
    lp_alpha: f64,
}

/// The attitude of one sensor over its stream.
#[derive(Debug, Clone, PartialEq)]
pub struct Attitude {
    /// Sensor → gravity-aligned frame, one per sample.
    pub q: Vec<UnitQuaternion<f64>>,
    /// Gyroscope bias estimated at the first sample, rad/s, sensor axes (the component
    /// about the vertical is not observed and stays at its initial value).
    pub gyr_bias_radps: Vector3<f64>,
}

#[derive(Clone, Copy)]
struct State<T: Scalar> {
    q: UnitQuaternion<T>,
    bias: Vector3<T>,
    /// The world-frame correction after the first and the second low-pass.
    lp: [Vector3<T>; 2],
}

/// Two streams of the same length in the two lanes of one filter: each arithmetic
/// operation of the filter works on both at once (`f64` pairs, which the compiler keeps in
/// one register), which halves the instructions per sample, and the filter's time, of two
/// streams filtered one after the other.
type Pair = AutoF64x2;

/// Samples `range` of one sensor's accelerometer (m/s²) and gyroscope (rad/s): what the
/// filter runs over, without a copy of a piece of a longer stream.
#[derive(Clone, Copy)]
struct Slices<'a> {
    acc: [&'a [f32]; 3],
    gyr: [&'a [f32]; 3],
}

impl<'a> Slices<'a> {
    /// # Panics
    /// When the lengths differ, or `range` is not within them.
    fn new(acc: &'a Axes3, gyr: &'a Axes3, range: std::ops::Range<usize>) -> Self {
        assert_eq!(acc.len(), gyr.len(), "accelerometer and gyroscope lengths");
        let r = |v: &'a Vec<f32>| &v[range.clone()];
        Slices {
            acc: [r(&acc.x), r(&acc.y), r(&acc.z)],
            gyr: [r(&gyr.x), r(&gyr.y), r(&gyr.z)],
        }
    }

    fn len(&self) -> usize {
        self.acc[0].len()
    }
}

/// What one step of the filter reads: a stream's accelerometer and gyroscope (`f64`), or
/// two streams' in the lanes of a [`Pair`].
trait Samples<T: Scalar> {
    fn acc(&self, i: usize) -> Vector3<T>;
    fn gyr(&self, i: usize) -> Vector3<T>;
}

/// Sample `i` of three axes.
#[inline(always)]
fn at(v: &[&[f32]; 3], i: usize) -> Vector3<f64> {
    Vector3::new(f64::from(v[0][i]), f64::from(v[1][i]), f64::from(v[2][i]))
}

impl Samples<f64> for Slices<'_> {
    #[inline(always)]
    fn acc(&self, i: usize) -> Vector3<f64> {
        at(&self.acc, i)
    }
    #[inline(always)]
    fn gyr(&self, i: usize) -> Vector3<f64> {
        at(&self.gyr, i)
    }
}

impl Samples<Pair> for [Slices<'_>; 2] {
    #[inline(always)]
    fn acc(&self, i: usize) -> Vector3<Pair> {
        pair_at(&self[0].acc, &self[1].acc, i)
    }
    #[inline(always)]
    fn gyr(&self, i: usize) -> Vector3<Pair> {
        pair_at(&self[0].gyr, &self[1].gyr, i)
    }
}

/// Sample `i` of `a` and of `b`, in the two lanes.
#[inline(always)]
fn pair_at(a: &[&[f32]; 3], b: &[&[f32]; 3], i: usize) -> Vector3<Pair> {
    let lanes = |k: usize| Pair::from([f64::from(a[k][i]), f64::from(b[k][i])]);
    Vector3::new(lanes(0), lanes(1), lanes(2))
}

/// Lane `l` of a quaternion of pairs.
#[inline]
fn lane(q: &UnitQuaternion<Pair>, l: usize) -> UnitQuaternion<f64> {
    UnitQuaternion::new_unchecked(Quaternion::from(q.coords.map(|x| x.extract(l))))
}

/// Two states in the lanes of one.
fn pair_state(a: &State<f64>, b: &State<f64>) -> State<Pair> {
    let pair = |x: f64, y: f64| Pair::from([x, y]);
    let v = |x: &Vector3<f64>, y: &Vector3<f64>| x.zip_map(y, pair);
    State {
        q: UnitQuaternion::new_unchecked(Quaternion::from(a.q.coords.zip_map(&b.q.coords, pair))),
        bias: v(&a.bias, &b.bias),
        lp: [v(&a.lp[0], &b.lp[0]), v(&a.lp[1], &b.lp[1])],
    }
}

impl OrientationFilter {
    /// The attitude at every sample of a stream.
    ///
    /// # Panics
    /// When the accelerometer and gyroscope lengths differ.
    pub fn run(&self, acc_mps2: &Axes3, gyr_radps: &Axes3) -> Attitude {
        let mut q = vec![UnitQuaternion::identity(); acc_mps2.len()];
        let gyr_bias_radps = self.run_each(acc_mps2, gyr_radps, |i, qi| q[i] = qi);
        Attitude { q, gyr_bias_radps }
    }

    /// As [`run`](Self::run), but each sample's attitude is handed to `each` (with its
    /// index, from the last sample to the first) instead of kept: a stage that reads a
    /// few samples, or angles, of a long recording does not hold a quaternion per
    /// sample. Returns the gyroscope bias.
    ///
    /// # Panics
    /// When the accelerometer and gyroscope lengths differ.
    pub fn run_each(
        &self,
        acc_mps2: &Axes3,
        gyr_radps: &Axes3,
        each: impl FnMut(usize, UnitQuaternion<f64>),
    ) -> Vector3<f64> {
        self.run_each_in(acc_mps2, gyr_radps, 0..acc_mps2.len(), each)
    }

    /// As [`run_each`](Self::run_each) on samples `range` of the stream alone, as if they
    /// were the whole of it (`each` gets indices from 0 at `range.start`).
    ///
    /// # Panics
    /// When the accelerometer and gyroscope lengths differ, or `range` is beyond them.
    pub fn run_each_in(
        &self,
        acc_mps2: &Axes3,
        gyr_radps: &Axes3,
        range: std::ops::Range<usize>,
        mut each: impl FnMut(usize, UnitQuaternion<f64>),
    ) -> Vector3<f64> {
        let samples = Slices::new(acc_mps2, gyr_radps, range);
        let n = samples.len();
        if n == 0 {
            return Vector3::zeros();
        }
        let mut state = self.warmed_up(samples);
        let gains = (self.kp, self.ki);
        let out = &mut |i: usize, q: &UnitQuaternion<f64>| each(i, *q);
        self.pass(&samples, (n - 1, 0), gains, &mut state, out);
        state.bias
    }

    /// As [`run_each_in`](Self::run_each_in) on two streams of the same length at once
    /// (`a` and `b`, each its accelerometer and gyroscope): `each` gets a sample's index
    /// and its attitude in `a` and in `b`. The attitudes are bit for bit those of each
    /// stream alone, in about the time of one (the two share each arithmetic operation of
    /// the result pass). Returns the two gyroscope biases.
    ///
    /// # Panics
    /// When the four lengths are not all the same, or `range` is beyond them.
    pub fn run_each_pair(
        &self,
        a: (&Axes3, &Axes3),
        b: (&Axes3, &Axes3),
        range: std::ops::Range<usize>,
        mut each: impl FnMut(usize, [UnitQuaternion<f64>; 2]),
    ) -> [Vector3<f64>; 2] {
        assert_eq!(a.0.len(), b.0.len(), "lengths of the two streams");
        let samples = [
            Slices::new(a.0, a.1, range.clone()),
            Slices::new(b.0, b.1, range),
        ];
        let n = samples[0].len();
        if n == 0 {
            return [Vector3::zeros(); 2];
        }
        // the warm-ups differ from stream to stream (where each still period is, and so
        // how far each goes) and are a small share of a long stream: each its own; the
        // result pass, the same for both, in the lanes
        let mut state = pair_state(&self.warmed_up(samples[0]), &self.warmed_up(samples[1]));
        let gains = (self.kp, self.ki);
        let out = &mut |i: usize, q: &UnitQuaternion<Pair>| each(i, [lane(q, 0), lane(q, 1)]);
        self.pass(&samples, (n - 1, 0), gains, &mut state, out);
        let bias = |l: usize| state.bias.map(|x| x.extract(l));
        [bias(0), bias(1)]
    }

    /// The state at the last sample of non-empty `samples`, after the warm-up.
    fn warmed_up(&self, samples: Slices<'_>) -> State<f64> {
        let n = samples.len();
        let (mut start, mut state) = self.initial_state(samples);
        // Warm-up: forward from the start, then back and forth until long enough,
        // ending forward so that the result pass starts from the last sample. Only its
        // last `warmup_n` samples count (see the module header), so a longer stream warms
        // up on those alone: levelled on their first `init_n`, with the still period's
        // bias estimate.
        if n - start > self.warmup_n {
            start = n - self.warmup_n;
            let mean = (start..start + self.init_n.min(self.warmup_n))
                .map(|i| samples.acc(i))
                .sum::<Vector3<f64>>();
            state.q = level(&mean);
        }
        let k = self.speedup;
        let fast = (self.kp * k, self.ki * k * k);
        let skip = &mut |_: usize, _: &UnitQuaternion<f64>| {};
        self.pass(&samples, (start, n - 1), fast, &mut state, skip);
        let mut covered = n - start;
        while covered < self.warmup_n && n > 1 {
            self.pass(&samples, (n - 1, 0), fast, &mut state, skip);
            self.pass(&samples, (0, n - 1), fast, &mut state, skip);
            covered += 2 * n;
        }
        state
    }

    /// Start sample and state: the first still period, else the first `init_n` samples.
    fn initial_state(&self, samples: Slices<'_>) -> (usize, State<f64>) {
        let n = samples.len();
        let (acc, gyr) = (|i| samples.acc(i), |i| samples.gyr(i));
        let still = |i: usize| {
            (acc(i).norm() / STANDARD_GRAVITY_MPS2 - 1.0).abs() <= self.still_acc_g
                && gyr(i).norm() <= self.still_gyr_radps
        };
        let mut run = 0;
        let mut found = None;
        for i in 0..n {
            run = if still(i) { run + 1 } else { 0 };
            if run >= self.still_n {
                found = Some(i + 1 - run);
                break;
            }
        }
        let (start, len, bias) = match found {
            Some(s) => {
                let bias =
                    (s..s + self.still_n).map(gyr).sum::<Vector3<f64>>() / self.still_n as f64;
                (s, self.still_n, bias)
            }
            None => (0, self.init_n.min(n), Vector3::zeros()),
        };
        let mean = (start..start + len).map(acc).sum::<Vector3<f64>>();
        (
            start,
            State {
                q: level(&mean),
                bias,
                lp: [Vector3::zeros(); 2],
            },
        )
    }

    /// Runs the filter with gains `(kp, ki)` from sample `from` to sample `to` (either
    /// direction) of `samples`, updating `state`, and hands the attitude of every sample
    /// visited to `out`. `T` is `f64` for one stream, [`Pair`] for two.
    fn pass<T: Scalar>(
        &self,
        samples: &impl Samples<T>,
        (from, to): (usize, usize),
        (kp, ki): (f64, f64),
        state: &mut State<T>,
        out: &mut impl FnMut(usize, &UnitQuaternion<T>),
    ) {
        let up = Vector3::z();
        let forward = to >= from;
        let sign = if forward { 1.0 } else { -1.0 };
        let h = sign * self.dt_s;
        let (half_h, coning) = (T::splat(h / 2.0), T::splat(h * h / 12.0));
        let (k_g, alpha) = (
            T::splat(1.0 / STANDARD_GRAVITY_MPS2),
            T::splat(self.lp_alpha),
        );
        let (k_p, k_i) = (T::splat(kp * self.dt_s), T::splat(sign * ki * self.dt_s));
        let (three_halves, half) = (T::splat(1.5), T::splat(0.5));
        let mut i = from;
        out(i, &state.q);
        while i != to {
            let j = if forward { i + 1 } else { i - 1 };
            let (w0, w1) = (samples.gyr(i) - state.bias, samples.gyr(j) - state.bias);
            // trapezoid plus coning term, in the direction of travel
            let dtheta = (w0 + w1) * half_h + w0.cross(&w1) * coning;
            let mut q = state.q * small_rotation(&dtheta);
            let e_world = (q * (samples.acc(j) * k_g)).cross(&up);
            state.lp[0] += (e_world - state.lp[0]) * alpha;
            state.lp[1] += (state.lp[0] - state.lp[1]) * alpha;
            let e = q.inverse_transform_vector(&state.lp[1]);
            q *= small_rotation(&(e * k_p));
            state.bias -= e * k_i;
            // normalised by one Newton step for 1/|q| from 1: the products of unit
            // quaternions leave |q|² within a few 1e-16 of 1, where the step's error
            // (3/8·(|q|² − 1)²) is below 1e-31, and it spares the square root and the
            // division on the chain from one sample to the next
            let q = q.into_inner();
            state.q = UnitQuaternion::new_unchecked(q * (three_halves - half * q.norm_squared()));
            out(j, &state.q);
            i = j;
        }
    }
}

/// The number types the filter runs on: `f64`, or two of them in lanes (simba's
/// `AutoF64x2`).
pub trait Scalar: SimdRealField<Element = f64> + Copy {}
impl<T: SimdRealField<Element = f64> + Copy> Scalar for T {}

/// The rotation by the rotation vector `v` (axis times angle, rad), as
/// `UnitQuaternion::from_scaled_axis`, without its square root and `sin_cos` for the
/// small angles of one sample's turn: `cos(θ/2)` and `sin(θ/2)/θ` from their series, whose
/// first left-out terms are below 1e-20 up to θ = 0.2 rad (39 rad/s at 200 Hz). Larger
/// angles take the library's path (for lanes of several rotations, lane by lane when any
/// is larger).
#[inline(always)]
pub fn small_rotation<T: Scalar>(v: &Vector3<T>) -> UnitQuaternion<T> {
    let x2 = T::splat(0.25) * v.norm_squared(); // (θ/2)²
    if x2.simd_gt(T::splat(0.01)).any() {
        let mut q = Quaternion::from_parts(T::splat(0.0), Vector3::repeat(T::splat(0.0)));
        for l in 0..T::LANES {
            let r = UnitQuaternion::from_scaled_axis(v.map(|x| x.extract(l)));
            for (to, from) in q.coords.iter_mut().zip(r.coords.iter()) {
                to.replace(l, *from);
            }
        }
        return UnitQuaternion::new_unchecked(q);
    }
    // Horner's scheme with the reciprocals folded at compile time: a division by a
    // constant is not turned into a multiplication by the compiler (the two round
    // differently); the ten divisions per call took an eighth of the filter's time
    let c = |k: f64| x2 * T::splat(1.0 / k);
    let one = T::splat(1.0);
    let cos = one - c(2.0) * (one - c(12.0) * (one - c(30.0) * (one - c(56.0) * (one - c(90.0)))));
    let sinc =
        one - c(6.0) * (one - c(20.0) * (one - c(42.0) * (one - c(72.0) * (one - c(110.0)))));
    let s = T::splat(0.5) * sinc;
    UnitQuaternion::new_unchecked(Quaternion::new(cos, s * v.x, s * v.y, s * v.z))
}

/// The smallest rotation taking the specific force `f` (sensor axes) to `+z`.
pub fn level(f: &Vector3<f64>) -> UnitQuaternion<f64> {
    UnitQuaternion::rotation_between(f, &Vector3::z()).unwrap_or_else(|| {
        UnitQuaternion::from_axis_angle(&Vector3::x_axis(), std::f64::consts::PI)
    })
}

/// `(yaw, pitch, roll)` of a rotation in the convention `R = Rz(yaw)·Ry(−pitch)·Rx(roll)`,
/// pitch positive nose up, radians.
pub fn angles(r: &Matrix3<f64>) -> (f64, f64, f64) {
    angles_from(&r.column(0).into_owned(), r[(2, 1)], r[(2, 2)])
}

/// As [`angles`], from the entries of the rotation that they read: its first column and
/// the entries `(2, 1)` and `(2, 2)`.
#[inline]
pub fn angles_from(first: &Vector3<f64>, r21: f64, r22: f64) -> (f64, f64, f64) {
    let yaw = yaw_from(first);
    let pitch = first.z.clamp(-1.0, 1.0).asin();
    let roll = r21.atan2(r22);
    (yaw, pitch, roll)
}

/// The yaw of [`angles`], from the rotation's first column alone.
#[inline]
pub fn yaw_from(first: &Vector3<f64>) -> f64 {
    first.y.atan2(first.x)
}

/// `Rz(yaw)·Ry(−pitch)·Rx(roll)`, radians, pitch positive nose up.
pub fn rotation(yaw: f64, pitch: f64, roll: f64) -> Matrix3<f64> {
    (UnitQuaternion::from_axis_angle(&Vector3::z_axis(), yaw)
        * UnitQuaternion::from_axis_angle(&Vector3::y_axis(), -pitch)
        * UnitQuaternion::from_axis_angle(&Vector3::x_axis(), roll))
    .to_rotation_matrix()
    .into_inner()
}

#[cfg(test)]
mod tests {

    use super::*;
    use std::f64::consts::PI;

    const G: f64 = STANDARD_GRAVITY_MPS2;
    const DEG: f64 = PI / 180.0;

    /// The series agree with `from_scaled_axis` to rounding, on both sides of the switch.
    #[test]
    fn small_rotation_is_from_scaled_axis() {
        for k in 0..400 {
            let t = k as f64;
            let dir = Vector3::new(t.sin(), (0.7 * t).cos(), (1.3 * t).sin() - 0.2);
            let angle = 0.25 * (k as f64 / 400.0).powi(3) + if k == 0 { 0.0 } else { 1e-9 };
            let v = dir.normalize() * angle;
            let (got, want) = (small_rotation(&v), UnitQuaternion::from_scaled_axis(v));
            assert!(
                (got.coords - want.coords).amax() < 2e-16,
                "angle {angle}: {got:?} vs {want:?}"
            );
        }
        assert_eq!(
            small_rotation(&Vector3::<f64>::zeros()),
            UnitQuaternion::identity()
        );
    }
    /// A stream longer than the warm-up warms up on its end only: the attitude agrees with
    /// a warm-up that goes over the whole stream, back and forth.
    #[test]
    fn warming_up_on_the_end_of_a_long_stream_changes_nothing() {
        use crate::simulate::{SimConfig, simulate};
        let sim = simulate(&SimConfig {
            duration_s: 150.0,
            placements: vec![crate::Placement::Pelvis],
            ..SimConfig::default()
        })
        .unwrap();
        let s = &sim.recording.streams[0];
        let gyr = s.gyr_radps.as_ref().unwrap();
        let rate = sim.recording.rate_hz;
        let short = OrientationConfig::default()
            .plan(rate)
            .run(&s.acc_mps2, gyr);
        let whole = OrientationConfig {
            warmup_s: 400.0,
            ..OrientationConfig::default()
        }
        .plan(rate)
        .run(&s.acc_mps2, gyr);
        // Tilt is observed: the two agree. The heading is not: the two differ by a yaw
        // that drifts with the bias about the vertical, which neither observes and each
        // learns a little of (here 3e-5 rad/s apart). Posture reads yaw stride by stride,
        // so it is held to within 0.005° over any second.
        let ypr = |q: &UnitQuaternion<f64>| angles(&q.to_rotation_matrix().into_inner());
        let mut tilt: f64 = 0.0;
        let mut yaw_apart = Vec::new();
        for (a, b) in short.q.iter().zip(&whole.q) {
            let ((y0, p0, r0), (y1, p1, r1)) = (ypr(a), ypr(b));
            tilt = tilt.max((p0 - p1).abs()).max((r0 - r1).abs());
            yaw_apart.push((y1 - y0 + PI).rem_euclid(2.0 * PI) - PI);
        }
        let second = rate.round() as usize;
        let yaw_drift = yaw_apart
            .windows(second + 1)
            .map(|w| (w[second] - w[0]).abs())
            .fold(0.0, f64::max);
        assert!(tilt < 0.005 * DEG, "tilt {} deg apart", tilt / DEG);
        assert!(
            yaw_drift < 0.005 * DEG,
            "yaw {} deg/s apart",
            yaw_drift / DEG
        );
    }

    /// Two streams in the lanes of one filter get, bit for bit, the attitudes and biases
    /// each gets alone, over a part of the streams too; one of them turns faster than the
    /// series of `small_rotation` reach for a few samples (that lane's rotation then takes
    /// the library's path).
    #[test]
    fn a_pair_of_streams_is_filtered_as_each_alone() {
        use crate::simulate::{SimConfig, simulate};
        let sim = simulate(&SimConfig {
            duration_s: 120.0,
            placements: vec![crate::Placement::Trunk, crate::Placement::Pelvis],
            ..SimConfig::default()
        })
        .unwrap();
        let [t, p] = [0, 1].map(|k| &sim.recording.streams[k]);
        let (tg, mut pg) = (t.gyr_radps.clone().unwrap(), p.gyr_radps.clone().unwrap());
        for i in 9000..9005 {
            pg.x[i] = 60.0;
        }
        let filter = OrientationConfig::default().plan(sim.recording.rate_hz);
        let n = t.acc_mps2.len();
        for range in [0..n, 700..n - 300, 8800..9300] {
            let len = range.len();
            let mut alone = [
                vec![UnitQuaternion::identity(); len],
                vec![UnitQuaternion::identity(); len],
            ];
            let bias_t =
                filter.run_each_in(&t.acc_mps2, &tg, range.clone(), |i, q| alone[0][i] = q);
            let bias_p =
                filter.run_each_in(&p.acc_mps2, &pg, range.clone(), |i, q| alone[1][i] = q);
            let mut seen = 0;
            let biases = filter.run_each_pair(
                (&t.acc_mps2, &tg),
                (&p.acc_mps2, &pg),
                range,
                |i, [a, b]| {
                    assert_eq!(a, alone[0][i], "trunk, sample {i}");
                    assert_eq!(b, alone[1][i], "pelvis, sample {i}");
                    seen += 1;
                },
            );
            assert_eq!(seen, len);
            assert_eq!(biases, [bias_t, bias_p]);
        }
    }

    fn constant(v: Vector3<f64>, n: usize) -> Axes3 {
        Axes3::from_vectors(std::iter::repeat_n(v, n))
    }

    fn tilt_deg(q: &UnitQuaternion<f64>) -> (f64, f64) {
        let (_, p, r) = angles(&q.to_rotation_matrix().into_inner());
        (p / DEG, r / DEG)
    }

    #[test]
    fn angles_invert_rotation() {
        let (y, p, r) = angles(&rotation(0.3, -0.2, 0.1));
        assert!((y - 0.3).abs() < 1e-12 && (p + 0.2).abs() < 1e-12 && (r - 0.1).abs() < 1e-12);
        // pitch positive lifts x, roll positive lifts y
        assert!(rotation(0.0, 0.2, 0.0)[(2, 0)] > 0.0);
        assert!(rotation(0.0, 0.0, 0.2)[(2, 1)] > 0.0);
    }

    #[test]
    fn a_static_tilt_comes_out_within_a_tenth_of_a_degree() {
        // sensor pitched 20° nose up and rolled 10° left side up, at rest
        let r = rotation(0.0, 20.0 * DEG, 10.0 * DEG);
        let f = r.transpose() * Vector3::new(0.0, 0.0, G);
        let n = 1000;
        let att = OrientationConfig::default()
            .plan(100.0)
            .run(&constant(f, n), &constant(Vector3::zeros(), n));
        for q in [&att.q[0], &att.q[n / 2], &att.q[n - 1]] {
            let (p, ro) = tilt_deg(q);
            assert!(
                (p - 20.0).abs() < 0.1 && (ro - 10.0).abs() < 0.1,
                "{p} {ro}"
            );
        }
    }

    #[test]
    fn a_gyroscope_bias_is_learned_and_leaves_no_tilt() {
        // moving from the start (no still period): 0.01 rad/s bias on every axis, a sensor
        // at rest tilted 15° nose down; 30 s at 100 Hz.
        let r = rotation(0.0, -15.0 * DEG, 0.0);
        let f = r.transpose() * Vector3::new(0.0, 0.0, G);
        let bias = Vector3::new(0.01, 0.01, 0.01);
        let n = 3000;
        let cfg = OrientationConfig {
            still_gyr_radps: 0.001,
            ..OrientationConfig::default()
        };
        let att = cfg.plan(100.0).run(&constant(f, n), &constant(bias, n));
        let (p, ro) = tilt_deg(&att.q[0]);
        assert!((p + 15.0).abs() < 0.1 && ro.abs() < 0.1, "{p} {ro}");
        let (p, ro) = tilt_deg(&att.q[n - 1]);
        assert!((p + 15.0).abs() < 0.1 && ro.abs() < 0.1, "{p} {ro}");
        // the horizontal part of the bias is observed
        let up = f.normalize();
        let horizontal = |v: Vector3<f64>| v - up * v.dot(&up);
        assert!(
            (horizontal(att.gyr_bias_radps) - horizontal(bias)).norm() < 1e-3,
            "{:?}",
            att.gyr_bias_radps
        );
        // without the integral term the same bias tilts the estimate by bias / gain
        let p_only = OrientationConfig {
            bias_gain_per_s2: 0.0,
            ..cfg
        };
        let att = p_only.plan(100.0).run(&constant(f, n), &constant(bias, n));
        let (p, ro) = tilt_deg(&att.q[n / 2]);
        assert!((p + 15.0).abs() > 1.0 || ro.abs() > 1.0, "{p} {ro}");
    }

    #[test]
    fn a_constant_turn_is_followed() {
        // a sensor pitched 15° up turning left about the vertical at 1 rad/s for 10 s:
        // in its own axes both the rotation rate and the specific force are constant
        let rate = 200.0;
        let r0 = rotation(0.0, 15.0 * DEG, 0.0);
        let w = r0.transpose() * Vector3::new(0.0, 0.0, 1.0);
        let f = r0.transpose() * Vector3::new(0.0, 0.0, G);
        let n = 2000;
        let att = OrientationConfig::default()
            .plan(rate)
            .run(&constant(f, n), &constant(w, n));
        let yaw0 = angles(&att.q[0].to_rotation_matrix().into_inner()).0;
        for i in (0..n).step_by(97) {
            let m = att.q[i].to_rotation_matrix().into_inner();
            let (yaw, pitch, roll) = angles(&m);
            let want = (i as f64 / rate + yaw0 + PI).rem_euclid(2.0 * PI) - PI;
            let dyaw = (yaw - want + PI).rem_euclid(2.0 * PI) - PI;
            assert!(dyaw.abs() < 0.1 * DEG, "sample {i}: yaw off {}", dyaw / DEG);
            assert!((pitch / DEG - 15.0).abs() < 0.1 && roll.abs() / DEG < 0.1);
        }
    }

    #[test]
    fn the_mean_tilt_is_unbiased_under_running_accelerations() {
        // a level sensor whose specific force swings like a runner's: vertical 0–2.5 g
        // in stance, forward ±0.5 g correlated with it, lateral ±0.2 g, all zero-mean
        // over the stride beyond gravity
        let rate = 200.0;
        let n = (60.0 * rate) as usize;
        let step_hz = 2.8;
        let f: Vec<Vector3<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / rate;
                let ph = 2.0 * PI * step_hz * t;
                let v = 1.0 - 1.5 * (ph).cos();
                Vector3::new(0.5 * (ph).sin() * v / 2.5, 0.2 * (ph / 2.0).sin(), v) * G
            })
            .collect();
        let acc = Axes3::from_vectors(f);
        let att = OrientationConfig::default()
            .plan(rate)
            .run(&acc, &constant(Vector3::zeros(), n));
        let (mut sp, mut sr, mut worst) = (0.0, 0.0, 0.0_f64);
        for q in &att.q {
            let (p, r) = tilt_deg(q);
            sp += p;
            sr += r;
            worst = worst.max(p.abs()).max(r.abs());
        }
        let (mp, mr) = (sp / n as f64, sr / n as f64);
        assert!(mp.abs() < 0.1 && mr.abs() < 0.1, "mean tilt {mp} {mr}");
        assert!(worst < 0.5, "worst tilt {worst}°");
    }

    #[test]
    fn without_gravity_correction_it_integrates_the_gyroscope() {
        // gain 0: the output is the gyroscope integral, compared with a naive
        // small-step Euler integration of the rotation matrix
        let rate = 100.0;
        let n = 500;
        let w: Vec<Vector3<f64>> = (0..n)
            .map(|i| {
                let t = i as f64 / rate;
                Vector3::new((2.0 * t).sin(), 0.5 * (3.0 * t).cos(), 0.3)
            })
            .collect();
        let gyr = Axes3::from_vectors(w);
        let cfg = OrientationConfig {
            gain_per_s: 0.0,
            bias_gain_per_s2: 0.0,
            ..OrientationConfig::default()
        };
        let acc = constant(Vector3::new(0.0, 0.0, G), n);
        let att = cfg.plan(rate).run(&acc, &gyr);
        let mut r = att.q[0].to_rotation_matrix().into_inner();
        let sub = 100;
        let h = 1.0 / rate / sub as f64;
        for i in 0..n - 1 {
            for k in 0..sub {
                let a = k as f64 / sub as f64;
                let wk = gyr.at(i) * (1.0 - a) + gyr.at(i + 1) * a;
                r += r * wk.cross_matrix() * h;
            }
            let got = att.q[i + 1].to_rotation_matrix().into_inner();
            assert!((got - r).norm() < 2e-3, "sample {i}: {}", (got - r).norm());
        }
    }
}
