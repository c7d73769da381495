//! IMU synthesis: what a sensor fixed on a segment reads, derived from the segment's
//! pose trajectory.
//!
//! * Accelerometer: specific force in the sensor frame, m/s², gravity included:
//!   `acc = R_ws(t)ᵀ · (p''(t) + [0, 0, g])`, with `p` the world position of the sensor
//!   point (m) and `R_ws` the sensor → world rotation; `p''` by a central second
//!   difference with step `h = 2⁻¹³ s` (≈ 0.12 ms, exact in binary so `t ± h` is exact).
//! * Gyroscope: body-frame angular velocity of the same rotation trajectory, rad/s,
//!   right-handed: `ω = log(R(t − h)ᵀ R(t + h)) / 2h` (the vee of `Rᵀ Ṙ`, to O(h²)).
//! * Mounting: `aligned` makes the sensor axes the segment axes; `random` turns the
//!   sensor on its segment by a seeded uniformly random rotation `R_seg←sensor`.
//! * Errors: a constant bias per sensor (given magnitude, seeded random direction) and
//!   white Gaussian noise per axis (given standard deviation), both in sensor axes.
//!
//! Random streams of `ChaCha8Rng::seed_from_u64(seed)`: 0 gait, 1 mounting, 2 biases,
//! 3 noise, so the same seed gives the same gait whatever the noise settings.

use super::body::{Body, BodyPose, Needs, Pose, angles};
use super::{Mounting, SimConfig};
use crate::recording::{Axes3, Placement, STANDARD_GRAVITY_MPS2, Stream};
use nalgebra::{Matrix3, Quaternion, UnitQuaternion, Vector3};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::StandardNormal;

/// Step of the numerical derivatives, s.
pub(crate) const DIFF_STEP_S: f64 = 1.0 / 8192.0;

/// Noise-free specific force and angular velocity of a segment, in segment axes, from
/// its poses at `t − h`, `t`, `t + h`.
pub(crate) fn ideal_imu(
    prev: &Pose,
    here: &Pose,
    next: &Pose,
    h: f64,
) -> (Vector3<f64>, Vector3<f64>) {
    let acc_world = (next.pos - 2.0 * here.pos + prev.pos) / (h * h)
        + Vector3::new(0.0, 0.0, STANDARD_GRAVITY_MPS2);
    let acc = here.rot.transpose() * acc_world;
    (acc, log_so3(&(prev.rot.transpose() * next.rot)) / (2.0 * h))
}

/// Rotation vector (axis × angle, rad) of a rotation matrix with angle below π/2.
pub(crate) fn log_so3(m: &Matrix3<f64>) -> Vector3<f64> {
    let v = 0.5
        * Vector3::new(
            m[(2, 1)] - m[(1, 2)],
            m[(0, 2)] - m[(2, 0)],
            m[(1, 0)] - m[(0, 1)],
        );
    let s = v.norm();
    if s < 1e-300 {
        return v;
    }
    let c = 0.5 * (m.trace() - 1.0);
    v * (s.atan2(c) / s)
}

/// Per-sample values of the noise-free body that the truth is computed from.
#[derive(Debug, Clone, Default)]
pub(crate) struct BodySamples {
    /// Sacrum height, m.
    pub pelvis_z_m: Vec<f64>,
    /// Pelvis yaw, rad.
    pub pelvis_yaw_rad: Vec<f64>,
    /// Pelvis roll, rad (positive = left side up).
    pub pelvis_roll_rad: Vec<f64>,
    /// Trunk yaw, rad.
    pub trunk_yaw_rad: Vec<f64>,
    /// Trunk forward lean, rad (= −pitch).
    pub trunk_lean_rad: Vec<f64>,
}

/// What [`synthesize`] makes.
#[derive(Debug, Clone)]
pub(crate) struct Synthesis {
    /// One stream per placement, in placement order.
    pub streams: Vec<Stream>,
    /// Sensor → segment rotation of each placement.
    pub mounting: Vec<(Placement, Matrix3<f64>)>,
    /// The body at every sample.
    pub samples: BodySamples,
}

fn random_rotation(rng: &mut ChaCha8Rng) -> Matrix3<f64> {
    let mut n = || -> f64 { rng.sample(StandardNormal) };
    let q = Quaternion::new(n(), n(), n(), n());
    UnitQuaternion::from_quaternion(q)
        .to_rotation_matrix()
        .into_inner()
}

fn random_direction(rng: &mut ChaCha8Rng) -> Vector3<f64> {
    let mut n = || -> f64 { rng.sample(StandardNormal) };
    let v = Vector3::new(n(), n(), n());
    v / v.norm()
}

/// Samples `n` readings at `cfg.rate_hz` from `t = 0` for each of `placements` (sorted,
/// distinct).
pub(crate) fn synthesize(
    body: &Body,
    cfg: &SimConfig,
    placements: &[Placement],
    n: usize,
) -> Synthesis {
    let rng_for = |stream: u64| {
        let mut r = ChaCha8Rng::seed_from_u64(cfg.seed);
        r.set_stream(stream);
        r
    };
    let mut mount_rng = rng_for(1);
    let mut bias_rng = rng_for(2);
    let mut noise_rng = rng_for(3);
    let mounting: Vec<(Placement, Matrix3<f64>)> = placements
        .iter()
        .map(|&p| {
            let r = match cfg.mounting {
                Mounting::Aligned => Matrix3::identity(),
                Mounting::Random => random_rotation(&mut mount_rng),
            };
            (p, r)
        })
        .collect();
    let biases: Vec<(Vector3<f64>, Vector3<f64>)> = placements
        .iter()
        .map(|_| {
            let a = random_direction(&mut bias_rng) * cfg.acc_bias_mps2;
            let g = random_direction(&mut bias_rng) * cfg.gyr_bias_radps;
            (a, g)
        })
        .collect();
    let mut streams: Vec<Stream> = placements
        .iter()
        .map(|&p| Stream {
            placement: p,
            acc_mps2: Axes3::with_capacity(n),
            gyr_radps: Some(Axes3::with_capacity(n)),
            mag: None,
        })
        .collect();
    let mut samples = BodySamples {
        pelvis_z_m: Vec::with_capacity(n),
        pelvis_yaw_rad: Vec::with_capacity(n),
        pelvis_roll_rad: Vec::with_capacity(n),
        trunk_yaw_rad: Vec::with_capacity(n),
        trunk_lean_rad: Vec::with_capacity(n),
    };
    let needs = Needs::of(placements);
    let h = DIFF_STEP_S;
    let (mut prev, mut here, mut next) = (
        BodyPose::default(),
        BodyPose::default(),
        BodyPose::default(),
    );
    let noisy = cfg.acc_noise_mps2 > 0.0 || cfg.gyr_noise_radps > 0.0;
    for i in 0..n {
        let t = i as f64 / cfg.rate_hz;
        body.pose(t - h, needs, &mut prev);
        body.pose(t, needs, &mut here);
        body.pose(t + h, needs, &mut next);
        let (py, _, pr) = angles(&here.pelvis.rot);
        let (ty, tp, _) = angles(&here.trunk.rot);
        samples.pelvis_z_m.push(here.pelvis.pos.z);
        samples.pelvis_yaw_rad.push(py);
        samples.pelvis_roll_rad.push(pr);
        samples.trunk_yaw_rad.push(ty);
        samples.trunk_lean_rad.push(-tp);
        for (j, stream) in streams.iter_mut().enumerate() {
            let p = stream.placement;
            let (acc, gyr) = ideal_imu(prev.of(p), here.of(p), next.of(p), h);
            let m = &mounting[j].1;
            let mut acc = m.tr_mul(&acc) + biases[j].0;
            let mut gyr = m.tr_mul(&gyr) + biases[j].1;
            if noisy {
                for a in 0..3 {
                    let na: f64 = noise_rng.sample(StandardNormal);
                    let ng: f64 = noise_rng.sample(StandardNormal);
                    acc[a] += cfg.acc_noise_mps2 * na;
                    gyr[a] += cfg.gyr_noise_radps * ng;
                }
            }
            stream.acc_mps2.push(acc);
            if let Some(g) = stream.gyr_radps.as_mut() {
                g.push(gyr);
            }
        }
    }
    Synthesis {
        streams,
        mounting,
        samples,
    }
}
