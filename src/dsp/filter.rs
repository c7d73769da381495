//! Butterworth filters as second-order sections, applied forward and backward
//! (zero phase), matching SciPy's `butter(..., output="sos")` and `sosfiltfilt`
//! (odd extension, steady-state initial conditions) to rounding error.
//!
//! Design once per rate and cutoff, filter many signals: [`Butterworth`] holds the
//! coefficients.

use crate::error::{Error, Result};
use std::f64::consts::PI;

/// Low-pass or high-pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Passes frequencies below the cutoff.
    LowPass,
    /// Passes frequencies above the cutoff.
    HighPass,
}

/// One biquad: `[b0, b1, b2, a0 = 1, a1, a2]`.
type Section = [f64; 6];

/// A digital Butterworth filter as cascaded second-order sections.
#[derive(Debug, Clone, PartialEq)]
pub struct Butterworth {
    sections: Vec<Section>,
}

#[derive(Clone, Copy)]
struct C(f64, f64);
impl C {
    fn add(self, o: C) -> C {
        C(self.0 + o.0, self.1 + o.1)
    }
    fn sub(self, o: C) -> C {
        C(self.0 - o.0, self.1 - o.1)
    }
    fn mul(self, o: C) -> C {
        C(self.0 * o.0 - self.1 * o.1, self.0 * o.1 + self.1 * o.0)
    }
    fn div(self, o: C) -> C {
        let d = o.0 * o.0 + o.1 * o.1;
        C(
            (self.0 * o.0 + self.1 * o.1) / d,
            (self.1 * o.0 - self.0 * o.1) / d,
        )
    }
    fn scale(self, k: f64) -> C {
        C(self.0 * k, self.1 * k)
    }
}

impl Butterworth {
    /// Designs an `order`-th order filter with its -3 dB point at `cutoff_hz`.
    ///
    /// Errors when the order is 0 or above 12, or the cutoff is not strictly between 0
    /// and the Nyquist frequency.
    pub fn new(kind: Kind, order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self> {
        let nyquist = rate_hz / 2.0;
        if !(1..=12).contains(&order) {
            return Err(Error::Setting(format!(
                "Butterworth order {order} (expected 1 to 12)"
            )));
        }
        if !(cutoff_hz > 0.0 && cutoff_hz < nyquist) {
            return Err(Error::Setting(format!(
                "filter cutoff {cutoff_hz} Hz must be between 0 and the Nyquist frequency {nyquist} Hz"
            )));
        }
        let fs2 = 2.0 * rate_hz;
        let warped = fs2 * (PI * cutoff_hz / rate_hz).tan();
        let bilinear = |s: C| C(fs2, 0.0).add(s).div(C(fs2, 0.0).sub(s));
        let (zero, eval_at) = match kind {
            Kind::LowPass => (C(-1.0, 0.0), C(1.0, 0.0)),
            Kind::HighPass => (C(1.0, 0.0), C(-1.0, 0.0)),
        };
        let mut sections = Vec::new();
        // Analog prototype poles in the left half plane; one of each conjugate pair.
        for k in 0..order.div_ceil(2) {
            let theta = PI * (2 * k + order + 1) as f64 / (2 * order) as f64;
            let proto = C(theta.cos(), theta.sin());
            let s = match kind {
                Kind::LowPass => proto.scale(warped),
                Kind::HighPass => C(warped, 0.0).div(proto),
            };
            let z = bilinear(s);
            let real = order % 2 == 1 && k == order / 2;
            let mut sec = if real {
                [1.0, -zero.0, 0.0, 1.0, -z.0, 0.0]
            } else {
                let zz = zero.mul(zero);
                [
                    1.0,
                    -2.0 * zero.0,
                    zz.0,
                    1.0,
                    -2.0 * z.0,
                    z.0 * z.0 + z.1 * z.1,
                ]
            };
            // unit gain at DC (low-pass) or Nyquist (high-pass), section by section
            let e = eval_at.0;
            let num = sec[0] + sec[1] * e + sec[2] * e * e;
            let den = sec[3] + sec[4] * e + sec[5] * e * e;
            let g = den / num;
            for b in &mut sec[..3] {
                *b *= g;
            }
            sections.push(sec);
        }
        Ok(Butterworth { sections })
    }

    /// Shorthand for a low-pass filter.
    pub fn low_pass(order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self> {
        Self::new(Kind::LowPass, order, cutoff_hz, rate_hz)
    }

    /// Shorthand for a high-pass filter.
    pub fn high_pass(order: usize, cutoff_hz: f64, rate_hz: f64) -> Result<Self> {
        Self::new(Kind::HighPass, order, cutoff_hz, rate_hz)
    }

    /// The sections, `[b0, b1, b2, 1, a1, a2]` each.
    pub fn sections(&self) -> &[[f64; 6]] {
        &self.sections
    }

    /// Samples that `filtfilt` pads each end with (SciPy's default `padlen`).
    fn pad_len(&self) -> usize {
        let n = self.sections.len();
        let zeros_b = self.sections.iter().filter(|s| s[2] == 0.0).count();
        let zeros_a = self.sections.iter().filter(|s| s[5] == 0.0).count();
        3 * (2 * n + 1 - zeros_b.min(zeros_a))
    }

    /// Steady-state state of each section for a unit step input.
    fn steady_state(&self) -> Vec<[f64; 2]> {
        let mut scale = 1.0;
        self.sections
            .iter()
            .map(|s| {
                let g = (s[0] + s[1] + s[2]) / (1.0 + s[4] + s[5]);
                let zi = [scale * (g - s[0]), scale * (s[2] - s[5] * g)];
                scale *= g;
                zi
            })
            .collect()
    }

    /// Filters `x` in place, from its first sample on, or from its last back to the first
    /// when `backward`; each section starts in its steady state for the first sample met.
    fn run(&self, x: &mut [f64], backward: bool) {
        let Some(&x0) = (if backward { x.last() } else { x.first() }) else {
            return;
        };
        for (s, zi) in self.sections.iter().zip(self.steady_state()) {
            let (mut z0, mut z1) = (zi[0] * x0, zi[1] * x0);
            let mut step = |v: &mut f64| {
                let xin = *v;
                let y = s[0] * xin + z0;
                z0 = s[1] * xin - s[4] * y + z1;
                z1 = s[2] * xin - s[5] * y;
                *v = y;
            };
            if backward {
                x.iter_mut().rev().for_each(&mut step);
            } else {
                x.iter_mut().for_each(&mut step);
            }
            // the next section's input starts at this section's steady output
        }
    }

    /// Zero-phase filtering (forward, then backward), as SciPy's `sosfiltfilt`.
    ///
    /// Signals shorter than the padding are padded with as much as they have.
    pub fn filtfilt(&self, x: &[f64]) -> Vec<f64> {
        let n = x.len();
        if n < 2 {
            return x.to_vec();
        }
        let pad = self.pad_len().min(n - 1);
        let mut ext = Vec::with_capacity(n + 2 * pad);
        ext.extend((1..=pad).rev().map(|i| 2.0 * x[0] - x[i]));
        ext.extend_from_slice(x);
        ext.extend((1..=pad).map(|i| 2.0 * x[n - 1] - x[n - 1 - i]));
        self.run(&mut ext, false);
        self.run(&mut ext, true);
        // the padding off, in place: no second signal-long vector
        ext.truncate(pad + n);
        ext.drain(..pad);
        ext
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize)]
    struct Case {
        order: usize,
        cutoff_hz: f64,
        kind: String,
        sos: Vec<Vec<f64>>,
        filtfilt: Vec<f64>,
    }
    #[derive(Deserialize)]
    struct Reference {
        rate_hz: f64,
        input: Vec<f64>,
        cases: Vec<Case>,
    }

    #[test]
    fn matches_scipy_reference() {
        let text = include_str!("../../tests/data/scipy/butterworth.json");
        let r: Reference = serde_json::from_str(text).unwrap();
        for c in r.cases {
            let kind = if c.kind == "low" {
                Kind::LowPass
            } else {
                Kind::HighPass
            };
            let f = Butterworth::new(kind, c.order, c.cutoff_hz, r.rate_hz).unwrap();
            // same overall transfer function: compare the products of the sections' gains at a few frequencies
            let h = |secs: &[[f64; 6]], w: f64| {
                let z = C(w.cos(), -w.sin());
                secs.iter().fold(C(1.0, 0.0), |acc, s| {
                    let num = C(s[0], 0.0)
                        .add(C(s[1], 0.0).mul(z))
                        .add(C(s[2], 0.0).mul(z.mul(z)));
                    let den = C(1.0, 0.0)
                        .add(C(s[4], 0.0).mul(z))
                        .add(C(s[5], 0.0).mul(z.mul(z)));
                    acc.mul(num.div(den))
                })
            };
            let reference: Vec<[f64; 6]> = c
                .sos
                .iter()
                .map(|s| [s[0], s[1], s[2], s[3], s[4], s[5]])
                .collect();
            for w in [0.01, 0.1, 0.5, 1.0, 2.0, 3.0] {
                let (a, b) = (h(f.sections(), w), h(&reference, w));
                assert!(
                    (a.0 - b.0).abs() < 1e-9 && (a.1 - b.1).abs() < 1e-9,
                    "{} {} at w={w}",
                    c.kind,
                    c.order
                );
            }
            let y = f.filtfilt(&r.input);
            let worst = y
                .iter()
                .zip(&c.filtfilt)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0, f64::max);
            assert!(
                worst < 1e-8,
                "{} order {} cutoff {}: max error {worst}",
                c.kind,
                c.order,
                c.cutoff_hz
            );
        }
    }

    #[test]
    fn low_pass_keeps_dc_and_removes_high_frequency() {
        let f = Butterworth::low_pass(2, 5.0, 100.0).unwrap();
        let x: Vec<f64> = (0..1000)
            .map(|i| 2.0 + (i as f64 * PI * 0.8).sin())
            .collect();
        let y = f.filtfilt(&x);
        for v in &y[100..900] {
            assert!((v - 2.0).abs() < 0.01, "{v}");
        }
    }

    #[test]
    fn rejects_cutoff_above_nyquist() {
        assert!(Butterworth::low_pass(2, 60.0, 100.0).is_err());
        assert!(Butterworth::low_pass(0, 10.0, 100.0).is_err());
    }
}
