//! Smooth one-dimensional curves the simulator builds its trajectories from.
//!
//! Every curve is a function of local time `tau`, in seconds from the start of its piece
//! (a step, a stance phase, a swing); values are in the caller's unit (m, rad, m/s²).
//! Pieces are built so that where they join the value, the first and the second
//! derivative agree (C2), which keeps accelerations derived from positions continuous.
//!
//! [`TrigSeries`] is a force profile on a support of width `W` written as a short
//! Fourier series in `x = tau / W`; its first and second time integrals have closed
//! forms, so velocities and positions follow exactly from the forces.

use std::f64::consts::PI;

/// Quintic smoothstep `6x⁵ − 15x⁴ + 10x³`, clamped to 0 below 0 and to 1 above 1.
/// Value 0 → 1 with zero first and second derivatives at both ends.
pub(crate) fn smoothstep(x: f64) -> f64 {
    let x = x.clamp(0.0, 1.0);
    x * x * x * (10.0 + x * (-15.0 + 6.0 * x))
}

/// `∫₀ˣ smoothstep`, for `x ≥ 0`; beyond 1 it grows with slope 1 (value 0.5 at 1).
pub(crate) fn smoothstep_integral(x: f64) -> f64 {
    if x <= 0.0 {
        0.0
    } else if x >= 1.0 {
        0.5 + (x - 1.0)
    } else {
        x.powi(4) * (2.5 + x * (-3.0 + x))
    }
}

/// A C2 bump `64 x³ (1 − x)³` on `[0, 1]`, zero outside; peak 1 at `x = 0.5`.
pub(crate) fn bump(x: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        0.0
    } else {
        let u = x * (1.0 - x);
        64.0 * u * u * u
    }
}

/// An early C2 bump `c · x³ (1 − x)⁵` on `[0, 1]`, zero outside; peak 1 at
/// `x = 3/8` (the heel rises early in the swing).
pub(crate) fn early_bump(x: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        0.0
    } else {
        let peak = 0.375f64.powi(3) * 0.625f64.powi(5);
        x.powi(3) * (1.0 - x).powi(5) / peak
    }
}

/// Linear interpolation `a + (b − a) w`.
pub(crate) fn lerp(a: f64, b: f64, w: f64) -> f64 {
    a + (b - a) * w
}

/// A quintic polynomial that joins two states `[value, rate, acceleration]` over a
/// duration: the minimum-jerk-like Hermite interpolant, C2 with whatever it joins.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Quintic {
    c: [f64; 6],
    dur_s: f64,
}

impl Quintic {
    /// The quintic from `start` at `tau = 0` to `end` at `tau = dur_s`.
    pub(crate) fn new(start: [f64; 3], end: [f64; 3], dur_s: f64) -> Self {
        let [p0, v0, a0] = start;
        let [p1, v1, a1] = end;
        let d = dur_s;
        let dp = p1 - p0;
        let c3 =
            (20.0 * dp - (8.0 * v1 + 12.0 * v0) * d - (3.0 * a0 - a1) * d * d) / (2.0 * d.powi(3));
        let c4 = (-30.0 * dp + (14.0 * v1 + 16.0 * v0) * d + (3.0 * a0 - 2.0 * a1) * d * d)
            / (2.0 * d.powi(4));
        let c5 = (12.0 * dp - 6.0 * (v1 + v0) * d + (a1 - a0) * d * d) / (2.0 * d.powi(5));
        Quintic {
            c: [p0, v0, 0.5 * a0, c3, c4, c5],
            dur_s,
        }
    }

    /// Value at `tau`, clamped to the curve's own time span.
    pub(crate) fn eval(&self, tau: f64) -> f64 {
        let t = tau.clamp(0.0, self.dur_s);
        let c = &self.c;
        c[0] + t * (c[1] + t * (c[2] + t * (c[3] + t * (c[4] + t * c[5]))))
    }
}

/// Number of harmonics a [`TrigSeries`] can hold (0 …= 11).
pub(crate) const HARMONICS: usize = 12;

/// `cos(jπx)` and `sin(jπx)` for `j = 0 … HARMONICS − 1`, by the Chebyshev recurrence.
fn harmonics(x: f64) -> ([f64; HARMONICS], [f64; HARMONICS]) {
    let (s1, c1) = (PI * x).sin_cos();
    let mut c = [0.0; HARMONICS];
    let mut s = [0.0; HARMONICS];
    c[0] = 1.0;
    c[1] = c1;
    s[1] = s1;
    for j in 2..HARMONICS {
        c[j] = 2.0 * c1 * c[j - 1] - c[j - 2];
        s[j] = 2.0 * c1 * s[j - 1] - s[j - 2];
    }
    (c, s)
}

fn binomial(n: usize, k: usize) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// A profile `Σ aⱼ cos(jπx) + bⱼ sin(jπx)` with `x = tau / width_s` on `[0, width_s]`,
/// zero outside, with closed-form time integrals.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TrigSeries {
    width_s: f64,
    cos: [f64; HARMONICS],
    sin: [f64; HARMONICS],
    end_int1: f64,
    end_int2: f64,
}

impl TrigSeries {
    /// A series from its coefficients.
    pub(crate) fn new(width_s: f64, cos: [f64; HARMONICS], sin: [f64; HARMONICS]) -> Self {
        let mut s = TrigSeries {
            width_s,
            cos,
            sin,
            end_int1: 0.0,
            end_int2: 0.0,
        };
        let (i1, i2) = s.inner_integrals(width_s);
        s.end_int1 = i1;
        s.end_int2 = i2;
        s
    }

    /// `sin^n(πx)` for an integer `n ≥ 0` (power-reduction formulas).
    fn sine_power_int(n: usize) -> ([f64; HARMONICS], [f64; HARMONICS]) {
        let mut cos = [0.0; HARMONICS];
        let mut sin = [0.0; HARMONICS];
        let scale = 2.0 / 2f64.powi(n as i32);
        if n % 2 == 1 {
            let m = (n - 1) / 2;
            for k in 0..=m {
                let sign = if (m - k).is_multiple_of(2) { 1.0 } else { -1.0 };
                sin[n - 2 * k] += scale * sign * binomial(n, k);
            }
        } else {
            let m = n / 2;
            cos[0] += binomial(n, m) / 2f64.powi(n as i32);
            for k in 0..m {
                let sign = if (m - k).is_multiple_of(2) { 1.0 } else { -1.0 };
                cos[n - 2 * k] += scale * sign * binomial(n, k);
            }
        }
        (cos, sin)
    }

    /// The stance force shape with sharpness `p` in `[0, 8]` on a support of `width_s`:
    /// `p = 1` is a half sine, `p = n` is `sin^n(πx)` (peakier as `p` grows), values
    /// between integers mix neighbours linearly, and `p < 1` mixes the half sine with a
    /// flat-topped shape (`sin πx + sin 3πx / 3 + sin 5πx / 5`). Never negative.
    pub(crate) fn stance_shape(width_s: f64, p: f64) -> Self {
        let p = p.clamp(0.0, 8.0);
        let mut cos = [0.0; HARMONICS];
        let mut sin = [0.0; HARMONICS];
        if p < 1.0 {
            sin[1] = 1.0;
            sin[3] = (1.0 - p) / 3.0;
            sin[5] = (1.0 - p) / 5.0;
        } else {
            let n = (p.floor() as usize).min(7);
            let f = p - n as f64;
            let (c0, s0) = Self::sine_power_int(n);
            let (c1, s1) = Self::sine_power_int(n + 1);
            for j in 0..HARMONICS {
                cos[j] = (1.0 - f) * c0[j] + f * c1[j];
                sin[j] = (1.0 - f) * s0[j] + f * s1[j];
            }
        }
        TrigSeries::new(width_s, cos, sin)
    }

    /// `sin(πx)^2`: a short smooth pulse (used for the heel-strike transient).
    pub(crate) fn pulse(width_s: f64) -> Self {
        let (cos, sin) = Self::sine_power_int(2);
        TrigSeries::new(width_s, cos, sin)
    }

    /// This profile times `cos(πx)`: the same support, skewed (early half positive, late
    /// half negative); for a symmetric profile its integral is zero.
    ///
    /// # Panics
    /// When the highest harmonic is already the last one the series can hold.
    pub(crate) fn times_cos(&self) -> Self {
        assert!(
            self.cos[HARMONICS - 1] == 0.0 && self.sin[HARMONICS - 1] == 0.0,
            "no room for one more harmonic"
        );
        let mut cos = [0.0; HARMONICS];
        let mut sin = [0.0; HARMONICS];
        for j in 0..HARMONICS - 1 {
            // cos(jy)cos(y) = [cos((j+1)y) + cos((j−1)y)] / 2, likewise for sin.
            if j == 0 {
                cos[1] += self.cos[0];
            } else {
                cos[j + 1] += 0.5 * self.cos[j];
                cos[j - 1] += 0.5 * self.cos[j];
                sin[j + 1] += 0.5 * self.sin[j];
                sin[j - 1] += 0.5 * self.sin[j];
            }
        }
        sin[0] = 0.0;
        TrigSeries::new(self.width_s, cos, sin)
    }

    /// Profile value at `tau` (zero outside the support).
    pub(crate) fn value(&self, tau: f64) -> f64 {
        if tau <= 0.0 || tau >= self.width_s {
            return 0.0;
        }
        let (c, s) = harmonics(tau / self.width_s);
        (0..HARMONICS)
            .map(|j| self.cos[j] * c[j] + self.sin[j] * s[j])
            .sum()
    }

    /// `(∫₀^τ f, ∫₀^τ ∫₀^σ f)`: the velocity and the displacement a unit-amplitude
    /// profile gives from rest; constant force after the support has ended is zero.
    pub(crate) fn integrals(&self, tau: f64) -> (f64, f64) {
        if tau <= 0.0 {
            (0.0, 0.0)
        } else if tau >= self.width_s {
            (
                self.end_int1,
                self.end_int2 + self.end_int1 * (tau - self.width_s),
            )
        } else {
            self.inner_integrals(tau)
        }
    }

    fn inner_integrals(&self, tau: f64) -> (f64, f64) {
        let w = self.width_s;
        let (c, s) = harmonics(tau / w);
        let mut i1 = self.cos[0] * tau;
        let mut i2 = self.cos[0] * tau * tau / 2.0;
        for j in 1..HARMONICS {
            let (a, b) = (self.cos[j], self.sin[j]);
            if a == 0.0 && b == 0.0 {
                continue;
            }
            let k = w / (j as f64 * PI);
            i1 += a * k * s[j] + b * k * (1.0 - c[j]);
            i2 += a * k * k * (1.0 - c[j]) + b * (k * tau - k * k * s[j]);
        }
        (i1, i2)
    }
}

/// Two half-sine lobes of opposite sign and equal area on `[0, width_s]`: `+sin(πτ/s)`
/// on `[0, s]`, then `−(s/(w−s))·sin(π(τ−s)/(w−s))` on `[s, w]`, zero outside. Zero net;
/// the sign changes at `split_s` (used with a negative amplitude for the fore-aft force:
/// braking until `split_s`, propulsion after).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct TwoLobes {
    first: TrigSeries,
    second: TrigSeries,
    split_s: f64,
    ratio: f64,
}

impl TwoLobes {
    /// The lobes on `[0, width_s]` changing sign at `split_s` (kept inside the support).
    pub(crate) fn new(width_s: f64, split_s: f64) -> Self {
        let split_s = split_s.clamp(0.01 * width_s, 0.99 * width_s);
        let rest_s = width_s - split_s;
        TwoLobes {
            first: TrigSeries::stance_shape(split_s, 1.0),
            second: TrigSeries::stance_shape(rest_s, 1.0),
            split_s,
            ratio: split_s / rest_s,
        }
    }

    /// Where the sign changes, s from the start.
    pub(crate) fn split_s(&self) -> f64 {
        self.split_s
    }

    /// Profile value at `tau` (zero outside the support).
    #[cfg(test)]
    pub(crate) fn value(&self, tau: f64) -> f64 {
        self.first.value(tau) - self.ratio * self.second.value(tau - self.split_s)
    }

    /// `(∫₀^τ f, ∫₀^τ ∫₀^σ f)`, as [`TrigSeries::integrals`].
    pub(crate) fn integrals(&self, tau: f64) -> (f64, f64) {
        let (a1, a2) = self.first.integrals(tau);
        let (b1, b2) = self.second.integrals(tau - self.split_s);
        (a1 - self.ratio * b1, a2 - self.ratio * b2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Trapezoid integration of `f` on `[0, t]` with `n` intervals.
    fn trapz(f: impl Fn(f64) -> f64, t: f64, n: usize) -> f64 {
        let h = t / n as f64;
        (0..=n)
            .map(|i| {
                let w = if i == 0 || i == n { 0.5 } else { 1.0 };
                w * f(i as f64 * h)
            })
            .sum::<f64>()
            * h
    }

    #[test]
    fn sine_powers_match_their_expansion() {
        for p in [1.0, 2.0, 3.0, 4.0, 5.0, 8.0] {
            let s = TrigSeries::stance_shape(1.0, p);
            for x in [0.1, 0.3, 0.5, 0.77] {
                let want = (PI * x).sin().powf(p);
                assert!((s.value(x) - want).abs() < 1e-12, "p {p} x {x}");
            }
        }
    }

    #[test]
    fn shapes_are_never_negative() {
        for p in [0.0, 0.4, 1.0, 2.5, 7.9] {
            let s = TrigSeries::stance_shape(0.25, p);
            let q = s.times_cos();
            for i in 1..1000 {
                let tau = 0.25 * i as f64 / 1000.0;
                assert!(s.value(tau) > -1e-12, "p {p}");
                assert!(q.value(tau).abs() <= s.value(tau) + 1e-12);
            }
        }
    }

    #[test]
    fn closed_form_integrals_match_quadrature() {
        let s = TrigSeries::stance_shape(0.25, 2.6).times_cos();
        for tau in [0.05, 0.2, 0.25, 0.3] {
            let (i1, i2) = s.integrals(tau);
            let q1 = trapz(|u| s.value(u), tau, 20_000);
            let q2 = trapz(|u| (tau - u) * s.value(u), tau, 20_000);
            assert!((i1 - q1).abs() < 1e-8, "{i1} {q1}");
            assert!((i2 - q2).abs() < 1e-8, "{i2} {q2}");
        }
    }

    #[test]
    fn two_lobes_have_zero_net_and_change_sign_at_the_split() {
        let f = TwoLobes::new(0.25, 0.08);
        assert!(f.value(0.079) > 0.0 && f.value(0.081) < 0.0 && f.value(0.3) == 0.0);
        let (i1, _) = f.integrals(0.3);
        assert!(i1.abs() < 1e-12, "{i1}");
        for tau in [0.05, 0.08, 0.2, 0.25, 0.4] {
            let (i1, i2) = f.integrals(tau);
            let q1 = trapz(|u| f.value(u), tau, 40_000);
            let q2 = trapz(|u| (tau - u) * f.value(u), tau, 40_000);
            assert!((i1 - q1).abs() < 1e-7, "{i1} {q1}");
            assert!((i2 - q2).abs() < 1e-7, "{i2} {q2}");
        }
    }

    #[test]
    fn quintic_meets_both_states() {
        let q = Quintic::new([1.0, -2.0, 3.0], [4.0, 0.5, -1.0], 0.4);
        let h = 1e-5;
        let d = |t: f64| (q.eval(t + h) - q.eval(t - h)) / (2.0 * h);
        let dd = |t: f64| (q.eval(t + h) - 2.0 * q.eval(t) + q.eval(t - h)) / (h * h);
        assert!((q.eval(0.0) - 1.0).abs() < 1e-12);
        assert!((q.eval(0.4) - 4.0).abs() < 1e-12);
        assert!((d(2e-5) + 2.0).abs() < 1e-3);
        assert!((d(0.4 - 2e-5) - 0.5).abs() < 1e-3);
        // Second derivatives, extrapolated linearly to the ends.
        assert!((2.0 * dd(1e-4) - dd(2e-4) - 3.0).abs() < 1e-3);
        assert!((2.0 * dd(0.4 - 1e-4) - dd(0.4 - 2e-4) + 1.0).abs() < 1e-3);
    }

    #[test]
    fn smoothstep_integral_is_the_integral() {
        for x in [0.2, 0.5, 0.9, 1.0] {
            let q = trapz(smoothstep, x, 10_000);
            assert!((smoothstep_integral(x) - q).abs() < 1e-8);
        }
    }
}
