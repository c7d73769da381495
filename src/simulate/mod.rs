//! The running simulator: a kinematic body model whose IMU signals are derived by
//! physics, with the exact truth of every step. It is the base of most tests.
//!
//! # Frames, axes, signs, units
//! * World frame: x forward (running direction), y left, z up; m, s. Gravity is
//!   `−g` along z, `g` = [`STANDARD_GRAVITY_MPS2`](crate::recording::STANDARD_GRAVITY_MPS2).
//! * Segment frames (pelvis, trunk, foot, shank, wrist): x forward, y left, z up when the
//!   body stands upright; a flat foot has z up and x toward the toes.
//! * Orientation angles: `R = Rz(yaw)·Ry(−pitch)·Rx(roll)` (segment → world, right-handed
//!   rotations). Yaw positive turns x toward +y (left). **Pitch positive = nose / toes
//!   up**, i.e. a right-handed rotation about +y by −pitch. Roll positive raises the left
//!   side. Forward lean = −pitch of the trunk.
//! * Foot-strike angle: foot pitch at initial contact relative to the flat foot,
//!   positive = toes up (heel first), negative = forefoot first.
//! * Accelerometer: specific force in the sensor frame, m/s², gravity included
//!   (`R_wsᵀ (p'' + [0, 0, g])`; at rest +g along the axis pointing up). Gyroscope:
//!   body-frame angular velocity `vee(Rᵀ Ṙ)`, rad/s. Integrating the gyroscope gives
//!   back the orientation.
//!
//! # Model
//! `gait` lays out the steps (alternating, starting left) with seeded stride-to-stride
//! variability, asymmetry and fatigue, optional standing and walking before and after the
//! run with 2 s ramps, and moves the pelvis by stance forces (ballistic in flight,
//! momentum balanced per step). `body` poses the trunk, feet, shanks and wrists on it
//! (C2 in time). `sensor` derives the IMU readings, with mounting, bias and noise.
//! [`truth`] measures the truth on the noise-free trajectories.
//!
//! Limits, stated: the feet and shanks are sagittal (no toe-out, a small roll/yaw in the
//! swing only); the first and last step from and to standing are not dynamically tied to
//! the foot contacts; during activity ramps the nominal forward speed changes smoothly
//! in flight too; numerical derivatives leave ~1e-4 m/s² of rounding noise on 30-minute
//! recordings (the position is several km from the origin).
//!
//! ```
//! use runform::simulate::{SimConfig, simulate};
//! let cfg = SimConfig { duration_s: 5.0, ..SimConfig::default() };
//! let sim = simulate(&cfg).unwrap();
//! assert_eq!(sim.recording.streams.len(), 4);
//! let cadence = sim.truth.summary.cadence_spm.unwrap();
//! assert!((cadence - 170.0).abs() < 5.0);
//! ```

mod body;
mod curve;
mod gait;
pub mod season;
mod sensor;
pub mod truth;

pub use truth::{
    Activity, Bout, FootStrike, StrikePattern, StrikeShares, Summary, TRUTH_SCHEMA_VERSION, Truth,
    TruthStep,
};

use crate::error::{Error, Result};
use crate::recording::{AccUnit, Frame, GyrUnit, InputUnits, Placement, Recording};
use serde::{Deserialize, Serialize};

/// How the sensors sit on their segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mounting {
    /// Sensor axes = segment axes (x forward, y left, z up standing); the recording is
    /// in [`Frame::Body`].
    #[default]
    Aligned,
    /// Each sensor turned by a seeded uniformly random rotation on its segment (given in
    /// the truth); the recording is in [`Frame::Sensor`].
    Random,
}

/// What to simulate. Angles in degrees, lengths as the names say.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Seed of every random choice; the same seed gives the same output everywhere.
    pub seed: u64,
    /// Duration of the running part, s.
    pub duration_s: f64,
    /// Sampling rate, Hz.
    pub rate_hz: f64,
    /// Sensors to simulate (distinct).
    pub placements: Vec<Placement>,
    /// Running cadence at the start of the run, steps/min (both feet).
    pub cadence_spm: f64,
    /// Running speed, m/s.
    pub speed_mps: f64,
    /// Mean ground contact of a running step, ms.
    pub contact_ms: f64,
    /// Mean foot-strike angle, degrees, positive = toes up (heel first).
    pub strike_angle_deg: f64,
    /// Landing point ahead of the sacrum at initial contact, cm.
    pub overstride_cm: f64,
    /// Peak-to-peak trunk yaw per stride, degrees.
    pub trunk_rotation_deg: f64,
    /// Peak-to-peak pelvis yaw per stride, degrees.
    pub pelvis_rotation_deg: f64,
    /// Peak pelvic drop on the swing side in each stance, degrees.
    pub pelvic_drop_deg: f64,
    /// Mean forward lean of the trunk from vertical, degrees, positive forward.
    pub forward_lean_deg: f64,
    /// Peak-to-peak vertical excursion of the sacrum per stride, mm; `None` leaves it to
    /// the model (a half-sine stance force), a value sets the stance-force shape to reach
    /// it (an error when no shape can).
    pub vertical_oscillation_mm: Option<f64>,
    /// Left contact longer than right by this percentage of the mean (left ×(1 + a/200),
    /// right ×(1 − a/200)).
    pub asymmetry_pct: f64,
    /// Fatigue over the run, 0–1: by the end cadence −5 %, contact +8 %, strike +6°,
    /// trunk rotation +40 %, lean +4°, pelvic drop +40 % (each × fatigue).
    pub fatigue: f64,
    /// Scale of the stride-to-stride variability (1 = step time CV 1.5 %, contact CV 3 %,
    /// strike SD 1.5°, overstride SD 1 cm; 0 = none).
    pub variability: f64,
    /// Accelerometer white noise, m/s² per axis (standard deviation).
    pub acc_noise_mps2: f64,
    /// Gyroscope white noise, rad/s per axis (standard deviation).
    pub gyr_noise_radps: f64,
    /// Accelerometer bias magnitude, m/s² (seeded random direction per sensor).
    pub acc_bias_mps2: f64,
    /// Gyroscope bias magnitude, rad/s (seeded random direction per sensor).
    pub gyr_bias_radps: f64,
    /// How the sensors sit on their segments.
    pub mounting: Mounting,
    /// Standing still before and after, s each.
    pub standing_s: f64,
    /// Walking (110 steps/min, 1.3 m/s) before and after the run, s each.
    pub walking_s: f64,
}

impl Default for SimConfig {
    /// A typical recreational runner.
    fn default() -> Self {
        SimConfig {
            seed: 1,
            duration_s: 60.0,
            rate_hz: 200.0,
            placements: vec![
                Placement::LeftFoot,
                Placement::RightFoot,
                Placement::Pelvis,
                Placement::Trunk,
            ],
            cadence_spm: 170.0,
            speed_mps: 3.0,
            contact_ms: 250.0,
            strike_angle_deg: 10.0,
            overstride_cm: 15.0,
            trunk_rotation_deg: 20.0,
            pelvis_rotation_deg: 12.0,
            pelvic_drop_deg: 5.0,
            forward_lean_deg: 6.0,
            vertical_oscillation_mm: None,
            asymmetry_pct: 0.0,
            fatigue: 0.0,
            variability: 1.0,
            acc_noise_mps2: 0.02,
            gyr_noise_radps: 0.002,
            acc_bias_mps2: 0.02,
            gyr_bias_radps: 0.002,
            mounting: Mounting::Aligned,
            standing_s: 0.0,
            walking_s: 0.0,
        }
    }
}

fn check(name: &str, value: f64, lo: f64, hi: f64, unit: &str) -> Result<()> {
    if value.is_finite() && (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(Error::Setting(format!(
            "{name} is {value} (expected {lo} to {hi}{unit})"
        )))
    }
}

impl SimConfig {
    /// Checks every setting; [`Error::Setting`] names the first one out of range.
    pub fn validate(&self) -> Result<()> {
        check("duration_s", self.duration_s, 2.0, 86_400.0, " s")?;
        check("rate_hz", self.rate_hz, 50.0, 2000.0, " Hz")?;
        check("cadence_spm", self.cadence_spm, 120.0, 240.0, " steps/min")?;
        check("speed_mps", self.speed_mps, 1.5, 8.0, " m/s")?;
        check("contact_ms", self.contact_ms, 120.0, 400.0, " ms")?;
        check("strike_angle_deg", self.strike_angle_deg, -25.0, 30.0, "°")?;
        check("overstride_cm", self.overstride_cm, -10.0, 50.0, " cm")?;
        check(
            "trunk_rotation_deg",
            self.trunk_rotation_deg,
            0.0,
            90.0,
            "°",
        )?;
        check(
            "pelvis_rotation_deg",
            self.pelvis_rotation_deg,
            0.0,
            60.0,
            "°",
        )?;
        check("pelvic_drop_deg", self.pelvic_drop_deg, 0.0, 20.0, "°")?;
        check("forward_lean_deg", self.forward_lean_deg, -15.0, 30.0, "°")?;
        check("asymmetry_pct", self.asymmetry_pct, -30.0, 30.0, " %")?;
        check("fatigue", self.fatigue, 0.0, 1.0, "")?;
        check("variability", self.variability, 0.0, 3.0, "")?;
        check("acc_noise_mps2", self.acc_noise_mps2, 0.0, 10.0, " m/s²")?;
        check("gyr_noise_radps", self.gyr_noise_radps, 0.0, 1.0, " rad/s")?;
        check("acc_bias_mps2", self.acc_bias_mps2, 0.0, 10.0, " m/s²")?;
        check("gyr_bias_radps", self.gyr_bias_radps, 0.0, 1.0, " rad/s")?;
        check("standing_s", self.standing_s, 0.0, 3600.0, " s")?;
        check("walking_s", self.walking_s, 0.0, 3600.0, " s")?;
        if let Some(vo) = self.vertical_oscillation_mm {
            check("vertical_oscillation_mm", vo, 20.0, 200.0, " mm")?;
        }
        let step_ms = 60_000.0 / self.cadence_spm;
        let longest_contact_ms = self.contact_ms
            * (1.0 + self.asymmetry_pct.abs() / 200.0)
            * (1.0 + 0.08 * self.fatigue);
        if longest_contact_ms >= 0.95 * step_ms {
            return Err(Error::Setting(format!(
                "contact_ms {} is too long for cadence {} spm: the longest contact \
                 ({longest_contact_ms:.0} ms with asymmetry and fatigue) must stay below 95 % of \
                 the step ({step_ms:.0} ms), or there is no flight phase",
                self.contact_ms, self.cadence_spm
            )));
        }
        // Where the toes leave the ground behind the sacrum: a 0.9 m leg reaches about
        // 0.6 m behind before it has to stretch (the model stretches it a little more).
        let toe_at_ic_m = self.overstride_cm / 100.0
            + if self.strike_angle_deg < 0.0 {
                0.0
            } else {
                0.2
            };
        let toe_off_behind_m = self.speed_mps * longest_contact_ms / 1000.0 - toe_at_ic_m;
        if toe_off_behind_m > 0.75 {
            return Err(Error::Setting(format!(
                "speed_mps {} with contact_ms {} and overstride_cm {} puts toe-off {toe_off_behind_m:.2} m \
                 behind the sacrum (a leg reaches about 0.75 m; expected contact × speed − overstride \
                 to leave the toes at most that far behind)",
                self.speed_mps, self.contact_ms, self.overstride_cm
            )));
        }
        if self.placements.is_empty() {
            return Err(Error::Setting(
                "placements is empty (expected at least one sensor)".into(),
            ));
        }
        for (i, p) in self.placements.iter().enumerate() {
            if self.placements[..i].contains(p) {
                return Err(Error::Setting(format!("placements lists {p} twice")));
            }
        }
        Ok(())
    }
}

/// A simulated recording and its truth.
#[derive(Debug, Clone)]
pub struct Simulation {
    /// The sensor data, as a reader would give it.
    pub recording: Recording,
    /// What the data contain, exactly.
    pub truth: Truth,
}

/// Simulates `config`: validates it, lays out the gait, poses the body and derives the
/// sensors and the truth.
///
/// # Errors
/// [`Error::Setting`] when a setting is out of range or cannot be reached.
pub fn simulate(config: &SimConfig) -> Result<Simulation> {
    config.validate()?;
    let shape = gait::running_shape(config)?;
    let timeline = gait::Timeline::build(config, shape)?;
    let body = body::Body::new(timeline);
    let mut placements = config.placements.clone();
    placements.sort();
    let n = (body.timeline.total_s * config.rate_hz).round() as usize;
    let syn = sensor::synthesize(&body, config, &placements, n);
    let frame = match config.mounting {
        Mounting::Aligned => Frame::Body,
        Mounting::Random => Frame::Sensor,
    };
    let truth = truth::compute(&body, config, &syn, frame);
    let recording = Recording {
        source: format!("simulated (seed {})", config.seed),
        rate_hz: config.rate_hz,
        start_s: 0.0,
        frame,
        streams: syn.streams,
        units: InputUnits {
            acc: AccUnit::Mps2,
            acc_detected: false,
            gyr: Some(GyrUnit::RadPerS),
            gyr_detected: false,
        },
        warnings: Vec::new(),
    };
    Ok(Simulation { recording, truth })
}

#[cfg(test)]
mod tests {
    use super::body::{Body, BodyPose, Needs};
    use super::gait::Timeline;
    use super::sensor::log_so3;
    use super::*;
    use crate::recording::{STANDARD_GRAVITY_MPS2 as G, Side};
    use nalgebra::{Matrix3, Rotation3, Vector3};

    /// A noise-free, bias-free configuration.
    fn clean(cfg: SimConfig) -> SimConfig {
        SimConfig {
            acc_noise_mps2: 0.0,
            gyr_noise_radps: 0.0,
            acc_bias_mps2: 0.0,
            gyr_bias_radps: 0.0,
            ..cfg
        }
    }

    fn body_of(cfg: &SimConfig) -> Body {
        let shape = gait::running_shape(cfg).unwrap();
        Body::new(Timeline::build(cfg, shape).unwrap())
    }

    const ALL_NEEDS: Needs = Needs {
        feet: true,
        shanks: true,
        wrists: true,
    };

    fn true_pose(body: &Body, t: f64) -> BodyPose {
        let mut p = BodyPose::default();
        body.pose(t, ALL_NEEDS, &mut p);
        p
    }

    #[test]
    fn integrating_the_gyroscope_gives_back_the_orientation() {
        let cfg = clean(SimConfig {
            duration_s: 30.0,
            placements: Placement::ALL.to_vec(),
            fatigue: 0.5,
            ..SimConfig::default()
        });
        let sim = simulate(&cfg).unwrap();
        let body = body_of(&cfg);
        let dt = 1.0 / cfg.rate_hz;
        for stream in &sim.recording.streams {
            let gyr = stream.gyr_radps.as_ref().unwrap();
            let mut r = true_pose(&body, 0.0).of(stream.placement).rot;
            let mut worst: f64 = 0.0;
            for i in 0..gyr.len() - 1 {
                let (w0, w1) = (gyr.at(i), gyr.at(i + 1));
                // Second-order (trapezoid + coning) rotation-vector integration.
                let dtheta = (w0 + w1) * (dt / 2.0) + w0.cross(&w1) * (dt * dt / 12.0);
                r *= Rotation3::new(dtheta).into_inner();
                let truth = true_pose(&body, (i + 1) as f64 * dt)
                    .of(stream.placement)
                    .rot;
                worst = worst.max(log_so3(&(truth.transpose() * r)).norm().to_degrees());
            }
            println!("{}: gyro integration worst {worst:.4}°", stream.placement);
            assert!(
                worst < 0.5,
                "{}: gyro integration is off by {worst:.3}° within 30 s",
                stream.placement
            );
        }
    }

    #[test]
    fn standing_sensors_read_one_g_up() {
        let cfg = clean(SimConfig {
            standing_s: 4.0,
            walking_s: 3.0,
            duration_s: 4.0,
            placements: Placement::ALL.to_vec(),
            ..SimConfig::default()
        });
        let sim = simulate(&cfg).unwrap();
        let rec = &sim.recording;
        let last_ic = sim.truth.steps.last().unwrap().initial_contact_s;
        let total = rec.duration_s();
        let still = |t: f64| t < cfg.standing_s - 0.05 || (t > last_ic + 2.0 && t < total - 0.01);
        let mut checked = 0;
        for s in &rec.streams {
            for i in 0..rec.len() {
                if !still(rec.time_s(i)) {
                    continue;
                }
                let a = s.acc_mps2.at(i);
                assert!(
                    (a.norm() - G).abs() < 1e-6 * G,
                    "{} reads {a} at {} s",
                    s.placement,
                    rec.time_s(i)
                );
                assert!(s.gyr_radps.as_ref().unwrap().at(i).norm() < 1e-9);
                if s.placement.segment() != crate::recording::Segment::Shank {
                    assert!(
                        (a.z - G).abs() < 1e-6 * G,
                        "{} z reads {}",
                        s.placement,
                        a.z
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 8 * 1000, "only {checked} samples checked");
    }

    #[test]
    fn double_integrated_acceleration_gives_the_displacement() {
        let cfg = clean(SimConfig {
            duration_s: 6.0,
            rate_hz: 1000.0,
            placements: Placement::ALL.to_vec(),
            strike_angle_deg: 14.0,
            ..SimConfig::default()
        });
        let sim = simulate(&cfg).unwrap();
        let body = body_of(&cfg);
        let dt = 1.0 / cfg.rate_hz;
        let window = 400; // samples = 0.4 s, covering contacts and toe-offs
        for s in &sim.recording.streams {
            let mut worst: f64 = 0.0;
            for start in (0..sim.recording.len() - window - 1).step_by(337) {
                let t0 = start as f64 * dt;
                let h = 1e-5;
                let p0 = true_pose(&body, t0).of(s.placement).pos;
                let mut vel = (true_pose(&body, t0 + h).of(s.placement).pos
                    - true_pose(&body, t0 - h).of(s.placement).pos)
                    / (2.0 * h);
                let mut pos = p0;
                let world = |i: usize| {
                    let r = true_pose(&body, i as f64 * dt).of(s.placement).rot;
                    r * s.acc_mps2.at(i) - Vector3::new(0.0, 0.0, G)
                };
                let mut a_prev = world(start);
                for i in start + 1..=start + window {
                    let a = world(i);
                    let v_new = vel + (a_prev + a) * (dt / 2.0);
                    // Exact for piecewise-linear acceleration.
                    pos += vel * dt + (a_prev * (2.0 / 6.0) + a * (1.0 / 6.0)) * dt * dt;
                    vel = v_new;
                    a_prev = a;
                }
                let truth = true_pose(&body, (start + window) as f64 * dt)
                    .of(s.placement)
                    .pos;
                worst = worst.max((pos - truth).norm());
            }
            println!("{}: displacement worst {:.4} mm", s.placement, worst * 1e3);
            assert!(
                worst < 5e-4,
                "{}: displacement off by {:.2} mm over 0.4 s",
                s.placement,
                worst * 1e3
            );
        }
    }

    #[test]
    fn pelvis_is_ballistic_in_flight_and_balanced_per_stride() {
        let cfg = clean(SimConfig {
            duration_s: 20.0,
            placements: vec![Placement::Pelvis],
            strike_angle_deg: 16.0,
            ..SimConfig::default()
        });
        let sim = simulate(&cfg).unwrap();
        let rec = &sim.recording;
        let acc = &rec.stream(Placement::Pelvis).unwrap().acc_mps2;
        let body = body_of(&cfg);
        let steps = &sim.truth.steps;
        let mut flight_samples = 0;
        for w in steps.windows(3) {
            let (a, b) = (w[0].toe_off_s + 0.002, w[1].initial_contact_s - 0.002);
            for i in (a * rec.rate_hz).ceil() as usize..(b * rec.rate_hz) as usize {
                let f = acc.at(i).norm();
                assert!(
                    f < 0.05,
                    "pelvis specific force {f} m/s² in flight at {} s",
                    rec.time_s(i)
                );
                flight_samples += 1;
            }
            // Mean vertical specific force over a stride (world vertical).
            let (s0, s1) = (
                (w[0].initial_contact_s * rec.rate_hz).ceil() as usize,
                (w[2].initial_contact_s * rec.rate_hz).ceil() as usize,
            );
            let mean_fz = (s0..s1)
                .map(|i| (true_pose(&body, rec.time_s(i)).pelvis.rot * acc.at(i)).z)
                .sum::<f64>()
                / (s1 - s0) as f64;
            assert!(
                (mean_fz - G).abs() < 0.02 * G,
                "mean vertical force {mean_fz} over a stride"
            );
        }
        assert!(flight_samples > 500);
        // In stance the pelvis carries more than body weight (the impact peak included).
        let peak = (0..rec.len()).map(|i| acc.at(i).z).fold(0.0, f64::max);
        assert!(peak > 2.0 * G && peak < 4.0 * G, "peak {peak}");
    }

    #[test]
    fn truth_matches_the_configuration() {
        let cfg = SimConfig::default();
        let t = simulate(&cfg).unwrap().truth;
        let s = &t.summary;
        let rel = |got: Option<f64>, want: f64| (got.unwrap() - want).abs() / want;
        assert!(
            rel(s.cadence_spm, 170.0) < 0.01,
            "cadence {:?}",
            s.cadence_spm
        );
        assert!(
            rel(s.ground_contact_ms, 250.0) < 0.01,
            "contact {:?}",
            s.ground_contact_ms
        );
        let fs = s.foot_strike.as_ref().unwrap();
        assert!((fs.angle_deg - 10.0).abs() < 0.5, "strike {}", fs.angle_deg);
        assert_eq!(fs.pattern, StrikePattern::Rearfoot);
        assert!(
            fs.share_pct.midfoot > 1.0,
            "variability puts some steps below 8°"
        );
        assert!(
            (s.overstride_cm.unwrap() - 15.0).abs() < 1.0,
            "overstride {:?}",
            s.overstride_cm
        );
        assert!(
            (s.trunk_rotation_deg.unwrap() - 20.0).abs() < 1.0,
            "{:?}",
            s.trunk_rotation_deg
        );
        assert!(
            (s.pelvis_rotation_deg.unwrap() - 12.0).abs() < 1.0,
            "{:?}",
            s.pelvis_rotation_deg
        );
        assert!(
            (s.pelvic_drop_deg.unwrap() - 5.0).abs() < 0.5,
            "{:?}",
            s.pelvic_drop_deg
        );
        assert!(
            (s.forward_lean_deg.unwrap() - 6.0).abs() < 0.5,
            "{:?}",
            s.forward_lean_deg
        );
        assert!(rel(s.speed_mps, 3.0) < 0.02, "speed {:?}", s.speed_mps);
        let step_len = 3.0 * 60.0 / 170.0;
        assert!(
            rel(s.step_length_m, step_len) < 0.02,
            "step {:?}",
            s.step_length_m
        );
        assert!(rel(s.duty_factor, 0.25 / (2.0 * 60.0 / 170.0)) < 0.02);
        assert!((s.contact_balance_left_pct.unwrap() - 50.0).abs() < 0.5);
        let vo = s.vertical_oscillation_mm.unwrap();
        assert!((60.0..100.0).contains(&vo), "vertical oscillation {vo} mm");
        // Per-step consistency.
        for w in t.steps.windows(2) {
            let (a, b) = (&w[0], &w[1]);
            assert_ne!(a.side, b.side);
            assert!(
                (a.step_s.unwrap() - (b.initial_contact_s - a.initial_contact_s)).abs() < 1e-12
            );
            assert!(
                (a.flight_ms.unwrap() - (b.initial_contact_s - a.toe_off_s) * 1e3).abs() < 1e-9
            );
            assert!(a.flight_ms.unwrap() > 0.0);
        }
        assert_eq!(t.initial_contacts_s.len(), t.steps.len());
        assert_eq!(t.cadence_spm, s.cadence_spm);
        assert_eq!(t.contact_ms_mean, s.ground_contact_ms);
        assert_eq!(t.strike_pattern, Some(StrikePattern::Rearfoot));
    }

    #[test]
    fn forefoot_strikers_land_toes_first() {
        let cfg = SimConfig {
            strike_angle_deg: -8.0,
            overstride_cm: 5.0,
            contact_ms: 220.0,
            duration_s: 20.0,
            ..SimConfig::default()
        };
        let t = simulate(&cfg).unwrap().truth;
        let fs = t.summary.foot_strike.unwrap();
        assert_eq!(fs.pattern, StrikePattern::Forefoot);
        assert!((fs.angle_deg + 8.0).abs() < 1.0);
        assert!((t.summary.overstride_cm.unwrap() - 5.0).abs() < 1.0);
    }

    #[test]
    fn asymmetry_and_fatigue_show_in_the_truth() {
        let cfg = SimConfig {
            asymmetry_pct: 4.0,
            fatigue: 1.0,
            duration_s: 120.0,
            ..SimConfig::default()
        };
        let t = simulate(&cfg).unwrap().truth;
        let bal = t.summary.contact_balance_left_pct.unwrap();
        assert!((bal - 51.0).abs() < 0.3, "balance {bal}");
        let run: Vec<&TruthStep> = t.steps.iter().collect();
        let part = |v: &[&TruthStep], f: &dyn Fn(&TruthStep) -> f64| {
            v.iter().map(|s| f(s)).sum::<f64>() / v.len() as f64
        };
        let (early, late) = (&run[..40], &run[run.len() - 41..run.len() - 1]);
        let cad = |v: &[&TruthStep]| 60.0 / part(v, &|s| s.step_s.unwrap());
        let drop = 1.0 - cad(late) / cad(early);
        assert!((0.035..0.065).contains(&drop), "cadence dropped {drop}");
        let rise = part(late, &|s| s.contact_ms) / part(early, &|s| s.contact_ms) - 1.0;
        assert!((0.05..0.11).contains(&rise), "contact rose {rise}");
        let strike = part(late, &|s| s.strike_angle_deg) - part(early, &|s| s.strike_angle_deg);
        assert!((4.5..7.5).contains(&strike), "strike rose {strike}");
    }

    #[test]
    fn vertical_oscillation_target_is_reached_or_refused() {
        for want in [65.0, 95.0] {
            let cfg = SimConfig {
                vertical_oscillation_mm: Some(want),
                duration_s: 20.0,
                ..SimConfig::default()
            };
            let vo = simulate(&cfg)
                .unwrap()
                .truth
                .summary
                .vertical_oscillation_mm
                .unwrap();
            assert!((vo - want).abs() < 3.0, "asked {want} mm, got {vo}");
        }
        let cfg = SimConfig {
            vertical_oscillation_mm: Some(25.0),
            ..SimConfig::default()
        };
        match simulate(&cfg) {
            Err(Error::Setting(m)) => assert!(m.contains("vertical_oscillation_mm"), "{m}"),
            other => panic!("expected a setting error, got {other:?}"),
        }
    }

    #[test]
    fn seeds_reproduce_and_differ() {
        let cfg = SimConfig {
            duration_s: 5.0,
            mounting: Mounting::Random,
            ..SimConfig::default()
        };
        let a = simulate(&cfg).unwrap();
        let b = simulate(&cfg).unwrap();
        assert_eq!(a.recording, b.recording);
        assert_eq!(a.truth, b.truth);
        let c = simulate(&SimConfig { seed: 2, ..cfg }).unwrap();
        assert_ne!(
            a.recording.streams[0].acc_mps2,
            c.recording.streams[0].acc_mps2
        );
        assert_ne!(a.truth.initial_contacts_s, c.truth.initial_contacts_s);
        assert_eq!(a.recording.source, "simulated (seed 1)");
    }

    #[test]
    fn random_mounting_turns_the_aligned_signals() {
        let aligned = clean(SimConfig {
            duration_s: 4.0,
            placements: vec![
                Placement::Trunk,
                Placement::LeftShank,
                Placement::RightWrist,
            ],
            ..SimConfig::default()
        });
        let random = SimConfig {
            mounting: Mounting::Random,
            ..aligned.clone()
        };
        let a = simulate(&aligned).unwrap();
        let r = simulate(&random).unwrap();
        assert_eq!(a.recording.frame, Frame::Body);
        assert_eq!(r.recording.frame, Frame::Sensor);
        assert!(a.truth.mounting_deg.is_empty());
        let order: Vec<Placement> = r.recording.streams.iter().map(|s| s.placement).collect();
        assert_eq!(
            order,
            vec![
                Placement::LeftShank,
                Placement::Trunk,
                Placement::RightWrist
            ]
        );
        for (sa, sr) in a.recording.streams.iter().zip(&r.recording.streams) {
            let m = r.truth.mounting_matrix[&sr.placement];
            let m = Matrix3::from_fn(|i, j| m[i][j]);
            let [roll, pitch, yaw] = r.truth.mounting_deg[&sr.placement];
            let from_angles =
                body::rotation(yaw.to_radians(), pitch.to_radians(), roll.to_radians());
            assert!((from_angles - m).norm() < 1e-9);
            for i in (0..sa.len()).step_by(7) {
                let got = m * sr.acc_mps2.at(i);
                assert!((got - sa.acc_mps2.at(i)).norm() < 1e-4, "{}", sr.placement);
                let got = m * sr.gyr_radps.as_ref().unwrap().at(i);
                assert!((got - sa.gyr_radps.as_ref().unwrap().at(i)).norm() < 1e-5);
            }
        }
    }

    #[test]
    fn walking_and_standing_frame_the_run() {
        let cfg = SimConfig {
            standing_s: 5.0,
            walking_s: 10.0,
            duration_s: 20.0,
            ..SimConfig::default()
        };
        let sim = simulate(&cfg).unwrap();
        let t = &sim.truth;
        assert!((sim.recording.duration_s() - 50.0).abs() < 1e-9);
        let kinds: Vec<Activity> = t.bouts.iter().map(|b| b.activity).collect();
        use Activity::*;
        assert_eq!(kinds, vec![Standing, Walking, Running, Walking, Standing]);
        assert_eq!((t.bouts[2].start_s, t.bouts[2].end_s), (15.0, 35.0));
        let walk: Vec<&TruthStep> = t.steps.iter().filter(|s| s.activity == Walking).collect();
        assert!(walk.len() > 25);
        // Walking: double support, contact ~60 % of the stride, once up to speed.
        let steady: Vec<&&TruthStep> = walk
            .iter()
            .filter(|s| (8.0..13.0).contains(&s.initial_contact_s))
            .collect();
        for s in &steady {
            assert!(
                s.flight_ms.unwrap() < 0.0,
                "walking step with flight at {}",
                s.initial_contact_s
            );
            let duty = s.contact_ms / 1000.0 / (2.0 * s.step_s.unwrap());
            assert!((duty - 0.6).abs() < 0.05, "walking duty {duty}");
            assert!((60.0 / s.step_s.unwrap() - 110.0).abs() < 6.0);
        }
        let cad = t.summary.cadence_spm.unwrap();
        assert!((cad - 170.0).abs() < 1.7, "running cadence {cad}");
        assert!(
            t.initial_contacts_s
                .iter()
                .all(|&ic| (15.0..35.0).contains(&ic))
        );
        assert!((t.summary.speed_mps.unwrap() - 3.0).abs() < 0.06);
        assert_eq!(sim.recording.streams.len(), 4);
    }

    #[test]
    fn truth_json_round_trips_with_report_keys() {
        let cfg = SimConfig {
            duration_s: 4.0,
            mounting: Mounting::Random,
            ..SimConfig::default()
        };
        let t = simulate(&cfg).unwrap().truth;
        let json = serde_json::to_string_pretty(&t).unwrap();
        let back: Truth = serde_json::from_str(&json).unwrap();
        // serde_json may read a float back one ulp off.
        assert_eq!(back.steps.len(), t.steps.len());
        assert_eq!(back.config, t.config);
        assert_eq!(back.mounting_deg.len(), 4);
        let close = |a: f64, b: f64| (a - b).abs() < 1e-9;
        assert!(
            back.steps
                .iter()
                .zip(&t.steps)
                .all(|(a, b)| close(a.toe_off_s, b.toe_off_s) && a.side == b.side)
        );
        assert!(close(
            back.summary.cadence_spm.unwrap(),
            t.summary.cadence_spm.unwrap()
        ));
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        for key in [
            "schema_version",
            "frame",
            "acc_unit",
            "condition",
            "initial_contacts_s",
            "contact_ms_mean",
            "cadence_spm",
            "strike_pattern",
            "bouts",
            "summary",
            "steps",
            "config",
        ] {
            assert!(v.get(key).is_some(), "missing {key}");
        }
        assert_eq!(v["acc_unit"], "m/s2");
        assert_eq!(v["frame"], "sensor");
        assert_eq!(v["condition"], "running");
        assert_eq!(v["config"]["mounting"], "random");
        assert!(v["mounting_deg"]["left_foot"].is_array());
        assert!(v["summary"]["foot_strike"]["share_pct"]["rearfoot"].is_number());
        assert!(v["steps"][0]["side"] == "left" || v["steps"][0]["side"] == "right");
        assert!(v["steps"][0]["step_s"].is_number());
        // A partial configuration fills in the defaults; an unknown key is refused.
        let c: SimConfig =
            serde_json::from_str(r#"{"cadence_spm": 180, "mounting": "aligned"}"#).unwrap();
        assert_eq!(
            c,
            SimConfig {
                cadence_spm: 180.0,
                ..SimConfig::default()
            }
        );
        assert!(serde_json::from_str::<SimConfig>(r#"{"cadense_spm": 180}"#).is_err());
    }

    #[test]
    fn bad_settings_are_refused_with_their_name() {
        let bad = [
            (
                "cadence_spm",
                SimConfig {
                    cadence_spm: 100.0,
                    ..SimConfig::default()
                },
            ),
            (
                "contact_ms",
                SimConfig {
                    contact_ms: 450.0,
                    ..SimConfig::default()
                },
            ),
            (
                "contact_ms",
                SimConfig {
                    contact_ms: 330.0,
                    cadence_spm: 180.0,
                    ..SimConfig::default()
                },
            ),
            (
                "rate_hz",
                SimConfig {
                    rate_hz: 20.0,
                    ..SimConfig::default()
                },
            ),
            (
                "duration_s",
                SimConfig {
                    duration_s: 0.0,
                    ..SimConfig::default()
                },
            ),
            (
                "speed_mps",
                SimConfig {
                    speed_mps: f64::NAN,
                    ..SimConfig::default()
                },
            ),
            (
                "fatigue",
                SimConfig {
                    fatigue: 1.5,
                    ..SimConfig::default()
                },
            ),
            (
                "placements",
                SimConfig {
                    placements: vec![],
                    ..SimConfig::default()
                },
            ),
            (
                "pelvis",
                SimConfig {
                    placements: vec![Placement::Pelvis, Placement::Pelvis],
                    ..SimConfig::default()
                },
            ),
        ];
        for (name, cfg) in bad {
            match simulate(&cfg) {
                Err(e @ Error::Setting(_)) => {
                    assert!(e.is_bad_input());
                    assert!(e.to_string().contains(name), "{e} should name {name}");
                }
                other => panic!(
                    "{name}: expected a setting error, got {:?}",
                    other.map(|_| ())
                ),
            }
        }
        assert!(SimConfig::default().validate().is_ok());
    }

    #[test]
    fn sides_alternate_starting_left() {
        let t = simulate(&SimConfig {
            duration_s: 3.0,
            ..SimConfig::default()
        })
        .unwrap()
        .truth;
        assert!(t.steps.len() >= 6);
        // Steps start before the recording, so the first one seen may be either side.
        let first = t.steps[0].side;
        for (i, s) in t.steps.iter().enumerate() {
            let want = if i % 2 == 0 {
                first
            } else if first == Side::Left {
                Side::Right
            } else {
                Side::Left
            };
            assert_eq!(s.side, want);
        }
    }

    /// `cargo test --release --lib simulate::tests::thirty_minutes -- --ignored --nocapture`
    #[test]
    #[ignore = "timing, run in release"]
    fn thirty_minutes_of_four_sensors() {
        let cfg = SimConfig {
            duration_s: 1800.0,
            ..SimConfig::default()
        };
        let start = std::time::Instant::now();
        let sim = simulate(&cfg).unwrap();
        let took = start.elapsed().as_secs_f64();
        println!(
            "30 min, 4 sensors, 200 Hz: {took:.2} s, {} steps",
            sim.truth.steps.len()
        );
        assert!(took < 5.0);
    }
}
