//! Posture: per-stride trunk and pelvis angles from the attitude of their sensors
//! ([`orientation`](crate::orientation)), summarised over the running steps.
//!
//! # Axes, signs, units
//! Segment angles follow the simulator: `R = Rz(yaw)·Ry(−pitch)·Rx(roll)` takes segment
//! axes (x forward, y left, z up) to a gravity-aligned frame; yaw positive = turn left,
//! pitch positive = nose up (forward lean = −pitch of the trunk), roll positive raises the
//! left side. Reported in degrees.
//!
//! * [`Frame::Body`]: the sensor axes are the segment axes, as declared.
//! * [`Frame::Sensor`]: the segment axes in sensor coordinates are those of
//!   [`alignment`](crate::alignment): up = the mean specific force (the segment's mean up,
//!   so its mean tilt is not seen), forward = the horizontal axis of greatest
//!   acceleration, sign unknown. Peak-to-peak yaw is the rotation of that axis about the
//!   vertical: it does not depend on the axis' sign, and hardly on its azimuth on the
//!   segment (a horizontal segment axis turns with the segment's yaw, up to the product
//!   of its pitch and roll). Roll about an estimated forward axis mixes in the pelvis'
//!   pitch oscillation, and the mean tilt is unknown, so pelvic drop and forward lean are
//!   not reported for sensor-frame recordings.
//!
//! # Definitions (the simulator's truth uses the same)
//! * `trunk_rotation_deg`, `pelvis_rotation_deg`: mean over running strides of the
//!   peak-to-peak yaw within the stride. A stride is two consecutive steps of the step
//!   list (every running step with a `stride_s` starts one); the yaw is detrended by the
//!   straight line through its values at the two ends of the stride (heading drift and
//!   gentle turns removed; a periodic yaw is unchanged).
//! * `pelvic_drop_deg`: mean over running stances (initial contact to toe-off) of the
//!   range of pelvis roll.
//! * `forward_lean_deg`: mean of −pitch of the trunk over the running bouts, positive
//!   forward.

use crate::alignment::Aligned;
use crate::bouts::{Activity, Bout};
use crate::metrics::Step;
use crate::orientation::{OrientationConfig, angles};
use crate::recording::{Frame, Placement, Recording};
use nalgebra::Matrix3;

/// Settings of the posture stage.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PostureConfig {
    /// The attitude filter.
    pub orientation: OrientationConfig,
}

/// What the posture stage measures; `None` with a reason in `unavailable` otherwise.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Posture {
    /// Trunk transverse rotation per stride, peak-to-peak, degrees.
    pub trunk_rotation_deg: Option<f64>,
    /// Pelvis transverse rotation per stride, peak-to-peak, degrees.
    pub pelvis_rotation_deg: Option<f64>,
    /// Range of pelvis roll per stance, degrees.
    pub pelvic_drop_deg: Option<f64>,
    /// Mean trunk lean from vertical over running, degrees, positive forward.
    pub forward_lean_deg: Option<f64>,
    /// `(summary key, reason)` for every `None` above.
    pub unavailable: Vec<(&'static str, String)>,
}

/// Yaw (unwrapped), pitch and roll of a segment at every sample, radians.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentAngles {
    /// Yaw, continuous across ±π.
    pub yaw_rad: Vec<f64>,
    /// Pitch, positive nose up.
    pub pitch_rad: Vec<f64>,
    /// Roll, positive left side up.
    pub roll_rad: Vec<f64>,
}

impl PostureConfig {
    /// Measures the trunk and pelvis angles of `recording` over the running `steps`.
    pub fn process(
        &self,
        recording: &Recording,
        aligned: &[Aligned],
        bouts: &[Bout],
        steps: &[Step],
    ) -> Posture {
        let running: Vec<&Step> = steps
            .iter()
            .filter(|s| s.activity == Activity::Running)
            .collect();
        let strides: Vec<(f64, f64)> = running
            .iter()
            .filter_map(|s| Some((s.initial_contact_s, s.initial_contact_s + s.stride_s?)))
            .collect();
        let stances: Vec<(f64, f64)> = running
            .iter()
            .filter_map(|s| Some((s.initial_contact_s, s.toe_off_s?)))
            .collect();
        let run_spans: Vec<(f64, f64)> = bouts
            .iter()
            .filter(|b| b.activity == Activity::Running)
            .map(|b| (b.start_s, b.end_s))
            .collect();
        let (rate, t0) = (recording.rate_hz, recording.start_s);
        let filter = self.orientation.plan(rate);
        let segment = |p: Placement| -> Result<SegmentAngles, String> {
            let i = recording
                .streams
                .iter()
                .position(|s| s.placement == p)
                .ok_or_else(|| format!("no {p} sensor"))?;
            let stream = &recording.streams[i];
            let gyr = stream
                .gyr_radps
                .as_ref()
                .ok_or_else(|| format!("needs a gyroscope on the {p}"))?;
            let axes = &aligned[i].axes;
            let seg_to_sensor = match recording.frame {
                Frame::Body => Matrix3::identity(),
                Frame::Sensor => Matrix3::from_columns(&[axes.forward, axes.left, axes.up]),
            };
            let att = filter.run(&stream.acc_mps2, gyr);
            Ok(segment_angles(att.q.iter().map(|q| {
                q.to_rotation_matrix().into_inner() * seg_to_sensor
            })))
        };
        let trunk = segment(Placement::Trunk);
        let pelvis = segment(Placement::Pelvis);
        let body_frame = recording.frame == Frame::Body;
        let no_strides = "no running strides";
        let mut out = Posture::default();
        let mut record = |key: &'static str, v: Result<f64, String>| match v {
            Ok(v) => Some(v),
            Err(reason) => {
                out.unavailable.push((key, reason));
                None
            }
        };
        let rotation = |a: &Result<SegmentAngles, String>| -> Result<f64, String> {
            let a = a.as_ref().map_err(Clone::clone)?;
            stride_rotation(&a.yaw_rad, rate, t0, &strides)
                .map(f64::to_degrees)
                .ok_or_else(|| no_strides.to_string())
        };
        let trunk_rotation_deg = record("trunk_rotation_deg", rotation(&trunk));
        let pelvis_rotation_deg = record("pelvis_rotation_deg", rotation(&pelvis));
        let drop = pelvis.as_ref().map_err(Clone::clone).and_then(|a| {
            if !body_frame {
                return Err(
                    "needs body axes (x forward, y left, z up): in sensor axes the \
                            pelvis' forward axis is estimated and its pitch mixes into roll"
                        .into(),
                );
            }
            if stances.is_empty() {
                return Err("needs running steps with toe-off to delimit the stances".into());
            }
            mean_range(&a.roll_rad, rate, t0, &stances)
                .map(f64::to_degrees)
                .ok_or_else(|| "no running stances inside the recording".into())
        });
        let pelvic_drop_deg = record("pelvic_drop_deg", drop);
        let lean = trunk.as_ref().map_err(Clone::clone).and_then(|a| {
            if !body_frame {
                return Err(
                    "needs body axes (x forward, y left, z up): the sensor's tilt \
                            on the trunk is unknown in sensor axes"
                        .into(),
                );
            }
            mean_over(&a.pitch_rad, rate, t0, &run_spans)
                .map(|p| -p.to_degrees())
                .ok_or_else(|| "no running found".into())
        });
        let forward_lean_deg = record("forward_lean_deg", lean);
        Posture {
            trunk_rotation_deg,
            pelvis_rotation_deg,
            pelvic_drop_deg,
            forward_lean_deg,
            ..out
        }
    }
}

/// Yaw (unwrapped), pitch and roll of a sequence of segment → world rotations.
pub fn segment_angles(rotations: impl Iterator<Item = Matrix3<f64>>) -> SegmentAngles {
    let mut a = SegmentAngles::default();
    let tau = std::f64::consts::TAU;
    for r in rotations {
        let (mut yaw, pitch, roll) = angles(&r);
        if let Some(&last) = a.yaw_rad.last() {
            yaw += tau * ((last - yaw) / tau).round();
        }
        a.yaw_rad.push(yaw);
        a.pitch_rad.push(pitch);
        a.roll_rad.push(roll);
    }
    a
}

/// `x` at time `t_s` by linear interpolation (`x[i]` at `start_s + i / rate_hz`);
/// `None` outside the samples.
fn at(x: &[f64], rate_hz: f64, start_s: f64, t_s: f64) -> Option<f64> {
    let p = (t_s - start_s) * rate_hz;
    if p.is_nan() || p < 0.0 || p > (x.len() as f64 - 1.0) {
        return None;
    }
    let i = (p.floor() as usize).min(x.len().saturating_sub(2));
    let w = p - i as f64;
    Some(x[i] + w * (x.get(i + 1).copied().unwrap_or(x[i]) - x[i]))
}

/// Sample indices strictly inside `(a_s, b_s)`.
fn inside(n: usize, rate_hz: f64, start_s: f64, a_s: f64, b_s: f64) -> std::ops::Range<usize> {
    let lo = ((a_s - start_s) * rate_hz).floor() + 1.0;
    let hi = ((b_s - start_s) * rate_hz).ceil();
    let clamp = |v: f64| v.clamp(0.0, n as f64) as usize;
    clamp(lo)..clamp(hi).max(clamp(lo))
}

/// Mean over `strides` of the peak-to-peak of `yaw` within each, after removing the
/// straight line through its values at the stride's ends. Strides not wholly inside
/// the samples are skipped; `None` when none is left.
pub fn stride_rotation(
    yaw: &[f64],
    rate_hz: f64,
    start_s: f64,
    strides: &[(f64, f64)],
) -> Option<f64> {
    mean(strides.iter().filter_map(|&(a, b)| {
        let (ya, yb) = (at(yaw, rate_hz, start_s, a)?, at(yaw, rate_hz, start_s, b)?);
        let line = |t: f64| ya + (yb - ya) * (t - a) / (b - a);
        let (mut lo, mut hi) = (0.0_f64, 0.0_f64);
        for i in inside(yaw.len(), rate_hz, start_s, a, b) {
            let d = yaw[i] - line(start_s + i as f64 / rate_hz);
            lo = lo.min(d);
            hi = hi.max(d);
        }
        Some(hi - lo)
    }))
}

/// Mean over `spans` of the range of `x` within each (ends interpolated).
pub fn mean_range(x: &[f64], rate_hz: f64, start_s: f64, spans: &[(f64, f64)]) -> Option<f64> {
    mean(spans.iter().filter_map(|&(a, b)| {
        let (xa, xb) = (at(x, rate_hz, start_s, a)?, at(x, rate_hz, start_s, b)?);
        let (mut lo, mut hi) = (xa.min(xb), xa.max(xb));
        for i in inside(x.len(), rate_hz, start_s, a, b) {
            lo = lo.min(x[i]);
            hi = hi.max(x[i]);
        }
        Some(hi - lo)
    }))
}

/// Mean of the samples of `x` within `spans`.
fn mean_over(x: &[f64], rate_hz: f64, start_s: f64, spans: &[(f64, f64)]) -> Option<f64> {
    mean(
        spans
            .iter()
            .flat_map(|&(a, b)| inside(x.len(), rate_hz, start_s, a, b))
            .map(|i| x[i]),
    )
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orientation::rotation;
    use std::f64::consts::PI;

    #[test]
    fn stride_rotation_removes_drift_but_keeps_the_swing() {
        // 100 Hz, a 0.7 s stride, ±10° yaw (20° peak-to-peak) on a 5°/s heading drift
        let rate = 100.0;
        let yaw: Vec<f64> = (0..1000)
            .map(|i| {
                let t = i as f64 / rate;
                (10.0 * (2.0 * PI * t / 0.7 + 0.3).sin() + 5.0 * t).to_radians()
            })
            .collect();
        let strides: Vec<(f64, f64)> = (0..12)
            .map(|k| (0.05 + k as f64 * 0.7, 0.75 + k as f64 * 0.7))
            .collect();
        let pp = stride_rotation(&yaw, rate, 0.0, &strides)
            .unwrap()
            .to_degrees();
        assert!((pp - 20.0).abs() < 0.05, "{pp}");
        // without the detrend the drift distorts it (here to ~18.3°)
        let raw = mean_range(&yaw, rate, 0.0, &strides).unwrap().to_degrees();
        assert!((raw - 20.0).abs() > 1.0, "{raw}");
        // a stride past the end is skipped
        assert!(stride_rotation(&yaw, rate, 0.0, &[(9.5, 10.2)]).is_none());
    }

    #[test]
    fn ranges_and_means_use_the_samples_between_the_ends() {
        let x = [0.0, 1.0, 3.0, 2.0, 0.0];
        // 10 Hz: (0.05, 0.35) holds samples 1..=3, ends interpolated at 0.5 and 1.0
        assert!((mean_range(&x, 10.0, 0.0, &[(0.05, 0.35)]).unwrap() - 2.5).abs() < 1e-12);
        assert!((mean_over(&x, 10.0, 0.0, &[(0.05, 0.35)]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(at(&x, 10.0, 0.0, 0.45), None);
        assert_eq!(at(&x, 10.0, 0.0, 0.4), Some(0.0));
    }

    #[test]
    fn segment_angles_unwrap_yaw() {
        let a = segment_angles(
            [170.0_f64, 179.0, -179.0, -170.0]
                .iter()
                .map(|d| rotation(d.to_radians(), 0.1, -0.2)),
        );
        let deg: Vec<f64> = a.yaw_rad.iter().map(|y| y.to_degrees()).collect();
        assert!(
            (deg[2] - 181.0).abs() < 1e-9 && (deg[3] - 190.0).abs() < 1e-9,
            "{deg:?}"
        );
        assert!((a.pitch_rad[3] - 0.1).abs() < 1e-12 && (a.roll_rad[3] + 0.2).abs() < 1e-12);
    }
}
