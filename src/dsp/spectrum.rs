//! Power spectra with rustfft: Welch's averaged periodogram and the dominant frequency
//! in a band (used to cross-check cadence against the step count).
//!
//! Plan once, run many: a [`Welch`] holds its FFT plan and window for one segment length.

use rustfft::num_complex::Complex;
use rustfft::{Fft, FftPlanner};
use std::f64::consts::PI;
use std::sync::Arc;

/// Welch's method for one segment length: Hann-windowed segments, half overlapping, each
/// zero-padded to `fft_len`, their power averaged.
///
/// The power of a segment zero-padded to `fft_len` is the transform of its
/// autocorrelation (wrapped onto `fft_len` points), so the average power is the transform
/// of the average autocorrelation. That is how it is computed: each segment's power on
/// the fewest points that hold its whole autocorrelation (a power of two ≥ 2 segments,
/// e.g. 1024 for 400 samples), averaged; back to the autocorrelation; then one transform
/// of `fft_len` points. The fine bins cost one long transform per call, not one per
/// segment (8192 points for 0.01 Hz at 51 Hz), and the result is the same up to rounding.
pub struct Welch {
    segment_len: usize,
    fft_len: usize,
    /// Forward and inverse transforms of `short_len` points, and forward of `fft_len`.
    short: Arc<dyn Fft<f64>>,
    short_inverse: Arc<dyn Fft<f64>>,
    long: Arc<dyn Fft<f64>>,
    window: Vec<f64>,
    scratch: Vec<Complex<f64>>,
    buffer: Vec<Complex<f64>>,
}

impl Welch {
    /// Plans segments of `segment_len` samples, zero-padded to `fft_len` (≥ segment_len).
    ///
    /// # Panics
    /// When `segment_len` is below 2 or `fft_len` is below `segment_len`.
    pub fn new(segment_len: usize, fft_len: usize) -> Self {
        assert!(segment_len >= 2 && fft_len >= segment_len);
        let short_len = (2 * segment_len).next_power_of_two();
        let mut planner = FftPlanner::new();
        let short = planner.plan_fft_forward(short_len);
        let short_inverse = planner.plan_fft_inverse(short_len);
        let long = planner.plan_fft_forward(fft_len);
        let window = (0..segment_len)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / (segment_len - 1) as f64).cos())
            .collect();
        let scratch_len = [&short, &short_inverse, &long]
            .iter()
            .map(|f| f.get_inplace_scratch_len())
            .max()
            .unwrap_or(0);
        Welch {
            segment_len,
            fft_len,
            short,
            short_inverse,
            long,
            window,
            scratch: vec![Complex::default(); scratch_len],
            buffer: vec![Complex::default(); short_len.max(fft_len)],
        }
    }

    /// Averaged power at bins `0..fft_len / 2 + 1` (bin k is `k * rate / fft_len` Hz), or
    /// `None` when `x` is shorter than one segment. The mean of each segment is removed.
    pub fn power(&mut self, x: &[f64]) -> Option<Vec<f64>> {
        if x.len() < self.segment_len {
            return None;
        }
        let (m, n, len) = (self.short.len(), self.fft_len, self.segment_len);
        let hop = (len / 2).max(1);
        // the segments' average power on `m` points
        let mut short_power = vec![0.0; m];
        let mut count = 0;
        let mut start = 0;
        while start + len <= x.len() {
            let seg = &x[start..start + len];
            let mean = seg.iter().sum::<f64>() / len as f64;
            let buffer = &mut self.buffer[..m];
            for (i, b) in buffer.iter_mut().enumerate() {
                *b = if i < len {
                    Complex::new((seg[i] - mean) * self.window[i], 0.0)
                } else {
                    Complex::default()
                };
            }
            self.short.process_with_scratch(buffer, &mut self.scratch);
            for (p, b) in short_power.iter_mut().zip(buffer.iter()) {
                *p += b.norm_sqr();
            }
            count += 1;
            start += hop;
        }
        // the average autocorrelation (lags −(len−1)..len−1; `m` ≥ 2·len, so none wrap)
        let buffer = &mut self.buffer[..m];
        for (b, &p) in buffer.iter_mut().zip(&short_power) {
            *b = Complex::new(p / (count as f64 * m as f64), 0.0);
        }
        self.short_inverse
            .process_with_scratch(buffer, &mut self.scratch);
        let lags: Vec<(isize, f64)> = (0..len)
            .map(|lag| (lag as isize, buffer[lag].re))
            .chain((1..len).map(|lag| (-(lag as isize), buffer[m - lag].re)))
            .collect();
        // wrapped onto `n` points and transformed: the power on the fine bins
        let buffer = &mut self.buffer[..n];
        buffer.fill(Complex::default());
        for (lag, r) in lags {
            buffer[lag.rem_euclid(n as isize) as usize].re += r;
        }
        self.long.process_with_scratch(buffer, &mut self.scratch);
        Some(buffer[..n / 2 + 1].iter().map(|b| b.re.max(0.0)).collect())
    }
}

/// The frequency of the highest power between `lo_hz` and `hi_hz`, refined by a parabola
/// through the peak bin and its neighbours, with the share of the band's power within
/// ±8% of that frequency (how clearly one rhythm dominates). `None` when the band holds no power.
pub fn dominant_frequency(
    power: &[f64],
    rate_hz: f64,
    lo_hz: f64,
    hi_hz: f64,
) -> Option<(f64, f64)> {
    let fft_len = (power.len() - 1) * 2;
    let bin_hz = rate_hz / fft_len as f64;
    let lo = ((lo_hz / bin_hz).ceil() as usize).max(1);
    let hi = ((hi_hz / bin_hz).floor() as usize).min(power.len() - 2);
    if lo >= hi {
        return None;
    }
    let k = (lo..=hi).max_by(|&a, &b| power[a].total_cmp(&power[b]))?;
    let total: f64 = power[lo..=hi].iter().sum();
    if total <= 0.0 {
        return None;
    }
    let (a, b, c) = (power[k - 1], power[k], power[k + 1]);
    let denom = a - 2.0 * b + c;
    let offset = if denom.abs() > 0.0 {
        (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    let f = (k as f64 + offset) * bin_hz;
    let near = |i: usize| ((i as f64 * bin_hz) - f).abs() <= 0.08 * f;
    let share = (lo..=hi)
        .filter(|&i| near(i))
        .map(|i| power[i])
        .sum::<f64>()
        / total;
    Some((f, share))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_a_sine_frequency() {
        let rate = 100.0;
        let x: Vec<f64> = (0..3000)
            .map(|i| {
                (2.0 * PI * 2.83 * i as f64 / rate).sin()
                    + 0.3 * (2.0 * PI * 1.415 * i as f64 / rate).sin()
            })
            .collect();
        let mut w = Welch::new(1000, 4096);
        let p = w.power(&x).unwrap();
        let (f, share) = dominant_frequency(&p, rate, 2.0, 4.0).unwrap();
        assert!((f - 2.83).abs() < 0.01, "{f}");
        assert!(share > 0.5);
        let (f, _) = dominant_frequency(&p, rate, 1.0, 2.0).unwrap();
        assert!((f - 1.415).abs() < 0.01, "{f}");
    }

    /// Welch's average the plain way: every segment's padded transform.
    fn direct(x: &[f64], len: usize, fft_len: usize) -> Vec<f64> {
        let fft = FftPlanner::new().plan_fft_forward(fft_len);
        let window: Vec<f64> = (0..len)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / (len - 1) as f64).cos())
            .collect();
        let mut power = vec![0.0; fft_len / 2 + 1];
        let mut count = 0;
        let mut start = 0;
        while start + len <= x.len() {
            let seg = &x[start..start + len];
            let mean = seg.iter().sum::<f64>() / len as f64;
            let mut b: Vec<Complex<f64>> = (0..fft_len)
                .map(|i| match seg.get(i) {
                    Some(v) => Complex::new((v - mean) * window[i], 0.0),
                    None => Complex::default(),
                })
                .collect();
            fft.process(&mut b);
            for (p, b) in power.iter_mut().zip(&b) {
                *p += b.norm_sqr();
            }
            count += 1;
            start += (len / 2).max(1);
        }
        power.iter().map(|p| p / count as f64).collect()
    }

    #[test]
    fn the_average_autocorrelation_gives_the_padded_periodograms_average() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let x: Vec<f64> = (0..5000)
            .map(|i| (i as f64 * 0.37).sin() * 2.0 + rng.random_range(-1.0..1.0))
            .collect();
        // padded far (fine bins), to the next power of two, and not at all (wrapped lags)
        for (len, fft_len) in [(400, 8192), (400, 512), (256, 256), (37, 64), (2, 2)] {
            let want = direct(&x, len, fft_len);
            let got = Welch::new(len, fft_len).power(&x).unwrap();
            let scale = want.iter().copied().fold(0.0, f64::max);
            for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-9 * scale,
                    "len {len}, fft {fft_len}, bin {k}: {g} vs {w}"
                );
            }
        }
    }

    #[test]
    fn short_input_has_no_spectrum() {
        assert!(Welch::new(100, 128).power(&[0.0; 50]).is_none());
    }
}
