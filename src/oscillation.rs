//! Oscillation: the vertical excursion of the pelvis (or trunk) per stride, from its
//! accelerometer alone (no gyroscope needed).
//!
//! # Axes, signs, units
//! The vertical is [`alignment`](crate::alignment)'s `vertical_g` (+ up, specific force
//! in g): the declared z axis for [`Frame::Body`](crate::Frame::Body) recordings, the
//! direction of the mean specific force for sensor-frame ones. A tilt of a few degrees
//! between that axis and the true vertical scales the excursion by its cosine (< 1 % at
//! 8°). Output in mm.
//!
//! # Method
//! A stride is two consecutive steps of the step list (every running step with a
//! `stride_s` starts one). Over one stride the body returns to the same height at the same
//! vertical speed, so within the stride window the vertical acceleration has zero mean,
//! the vertical velocity ends where it starts and has zero mean, and the height ends
//! where it starts. The stride's vertical acceleration `(vertical_g − its mean) · g`
//! (gravity, sensor offset and axis tilt go with the mean) is integrated to velocity, the
//! straight line through its two ends is removed (the drift of what is left of an
//! offset), then its mean (the integration constant); it is integrated again to height,
//! the line through the ends removed again, and the peak-to-peak of that height is the
//! stride's oscillation.
//!
//! # Definitions (the simulator's truth uses the same)
//! * `vertical_oscillation_mm`: mean over running strides of the peak-to-peak height of
//!   the pelvis sensor (the trunk sensor when there is no pelvis sensor).
//! * `vertical_ratio_pct`: `vertical_oscillation_mm` / step length, as a percentage
//!   (Garmin's vertical ratio, whose "stride length" is the step length), when the step
//!   length is known.

use crate::alignment::Aligned;
use crate::bouts::Activity;
use crate::metrics::Step;
use crate::recording::{Placement, Recording, STANDARD_GRAVITY_MPS2};
use rayon::prelude::*;

/// Settings of the oscillation stage.
#[derive(Debug, Clone, PartialEq)]
pub struct OscillationConfig {
    /// Sensors tried in order; the first one worn is used.
    pub placements: Vec<Placement>,
}

impl Default for OscillationConfig {
    fn default() -> Self {
        OscillationConfig {
            placements: vec![Placement::Pelvis, Placement::Trunk],
        }
    }
}

/// What the oscillation stage measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Oscillation {
    /// The sensor used.
    pub placement: Option<Placement>,
    /// Per step (index-aligned with the steps given): the oscillation of the running
    /// stride that starts at the step, mm.
    pub per_step_mm: Vec<Option<f64>>,
    /// Mean over running strides, mm.
    pub vertical_oscillation_mm: Option<f64>,
    /// Why `vertical_oscillation_mm` is `None`.
    pub unavailable: Option<String>,
}

impl OscillationConfig {
    /// Measures the vertical oscillation of every running stride of `steps`.
    pub fn process(
        &self,
        recording: &Recording,
        aligned: &[Aligned],
        steps: &[Step],
    ) -> Oscillation {
        let Some((i, placement)) = self.placements.iter().find_map(|p| {
            recording
                .streams
                .iter()
                .position(|s| s.placement == *p)
                .map(|i| (i, *p))
        }) else {
            return Oscillation {
                per_step_mm: vec![None; steps.len()],
                unavailable: Some("needs a pelvis or trunk sensor".into()),
                ..Oscillation::default()
            };
        };
        let v = aligned[i].vertical_g();
        let rate = recording.rate_hz;
        // each stride on its own, on every core
        let per_step_mm: Vec<Option<f64>> = steps
            .par_iter()
            .map(|s| {
                if s.activity != Activity::Running {
                    return None;
                }
                let a = usize::try_from(recording.sample_index(s.initial_contact_s)).ok()?;
                let b = recording.sample_index(s.initial_contact_s + s.stride_s?) as usize;
                if b >= v.len() {
                    return None;
                }
                // both ends: the same phase of the stride
                stride_excursion_m(&v.slice(a..b + 1), rate).map(|m| m * 1000.0)
            })
            .collect();
        let mean = mean(per_step_mm.iter().flatten().copied());
        Oscillation {
            placement: Some(placement),
            vertical_oscillation_mm: mean,
            unavailable: mean
                .is_none()
                .then(|| "no running strides inside the recording".into()),
            per_step_mm,
        }
    }
}

impl Oscillation {
    /// Writes the per-stride values into `steps` (the same steps as given to
    /// [`OscillationConfig::process`]).
    pub fn fill(&self, steps: &mut [Step]) {
        for (s, v) in steps.iter_mut().zip(&self.per_step_mm) {
            s.vertical_oscillation_mm = *v;
        }
    }
}

/// Vertical ratio, %: oscillation (mm) over step length (m).
pub fn vertical_ratio_pct(vertical_oscillation_mm: f64, step_length_m: f64) -> Option<f64> {
    (step_length_m > 0.0).then(|| vertical_oscillation_mm / (10.0 * step_length_m))
}

/// Peak-to-peak height, m, over one stride of vertical specific force `vertical_g`
/// sampled at `rate_hz`, from one initial contact to the same foot's next, both included
/// (see the module header); `None` for fewer than 8 samples.
pub fn stride_excursion_m(vertical_g: &[f64], rate_hz: f64) -> Option<f64> {
    let n = vertical_g.len();
    if n < 8 {
        return None;
    }
    let dt = 1.0 / rate_hz;
    let m = vertical_g.iter().sum::<f64>() / n as f64;
    let vel = integrate(
        vertical_g.iter().map(|g| (g - m) * STANDARD_GRAVITY_MPS2),
        dt,
    );
    let mut vel = vel;
    remove_drift(&mut vel);
    let mv = vel.iter().sum::<f64>() / n as f64;
    let mut pos = integrate(vel.iter().map(|u| u - mv), dt);
    remove_drift(&mut pos);
    let (lo, hi) = pos
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &x| {
            (lo.min(x), hi.max(x))
        });
    Some(hi - lo)
}

/// Trapezoid integral of `x` from 0 at the first sample.
fn integrate(x: impl Iterator<Item = f64>, dt: f64) -> Vec<f64> {
    let mut out = Vec::new();
    let (mut sum, mut last) = (0.0, None);
    for v in x {
        if let Some(l) = last {
            sum += 0.5 * (l + v) * dt;
        }
        out.push(sum);
        last = Some(v);
    }
    out
}

/// Removes the straight line through the first and last values of `x`: a periodic
/// signal sampled over whole periods keeps its shape, an integration drift goes. (A
/// least-squares line would not do: a sine over whole periods has a slope against time.)
fn remove_drift(x: &mut [f64]) {
    let n = x.len();
    if n < 2 {
        return;
    }
    let (a, b) = (x[0], x[n - 1]);
    let last = (n - 1) as f64;
    for (i, v) in x.iter_mut().enumerate() {
        *v -= a + (b - a) * i as f64 / last;
    }
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::f64::consts::PI;

    /// Specific force of a body whose height is `amp_m · cos(2π t / period)` (+ 1 g).
    fn sine_g(amp_m: f64, period_s: f64, rate: f64, n: usize, offset_g: f64) -> Vec<f64> {
        let w = 2.0 * PI / period_s;
        (0..n)
            .map(|i| {
                let t = i as f64 / rate;
                1.0 + offset_g - amp_m * w * w * (w * t + 0.4).cos() / STANDARD_GRAVITY_MPS2
            })
            .collect()
    }

    #[test]
    fn a_sinusoidal_bounce_gives_its_peak_to_peak() {
        // 40 mm amplitude (80 mm peak to peak) at the step rhythm: two bounces per stride
        let rate = 200.0;
        let g = sine_g(0.04, 0.35, rate, 141, 0.0);
        let pp = stride_excursion_m(&g, rate).unwrap() * 1000.0;
        assert!((pp - 80.0).abs() < 1.0, "{pp}");
        // a tilted axis (1 g read as 0.99 g) and a bias change nothing
        let g = sine_g(0.04, 0.35, rate, 141, -0.013);
        let pp = stride_excursion_m(&g, rate).unwrap() * 1000.0;
        assert!((pp - 80.0).abs() < 1.0, "{pp}");
        assert!(stride_excursion_m(&g[..5], rate).is_none());
    }

    #[test]
    fn remove_drift_takes_out_the_line_through_the_ends() {
        let mut x: Vec<f64> = (0..11).map(|i| 2.0 + 0.5 * i as f64).collect();
        remove_drift(&mut x);
        assert!(x.iter().all(|v| v.abs() < 1e-12), "{x:?}");
        // an integration drift on a bounce is taken out
        let rate = 200.0;
        let mut g = sine_g(0.04, 0.35, rate, 141, 0.0);
        g.iter_mut()
            .enumerate()
            .for_each(|(i, v)| *v += 0.002 * i as f64 / 141.0);
        let pp = stride_excursion_m(&g, rate).unwrap() * 1000.0;
        assert!((pp - 80.0).abs() < 1.5, "{pp}");
    }

    #[test]
    fn vertical_ratio_is_oscillation_over_step_length() {
        // 90 mm over a 1.10 m step is 8.18 %
        assert!((vertical_ratio_pct(90.0, 1.1).unwrap() - 90.0 / 11.0).abs() < 1e-12);
        assert!(vertical_ratio_pct(90.0, 0.0).is_none());
    }
}
