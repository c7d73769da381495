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
pub struct Welch {
    segment_len: usize,
    fft: Arc<dyn Fft<f64>>,
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
        let fft = FftPlanner::new().plan_fft_forward(fft_len);
        let window = (0..segment_len)
            .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / (segment_len - 1) as f64).cos())
            .collect();
        let scratch = vec![Complex::default(); fft.get_inplace_scratch_len()];
        Welch {
            segment_len,
            fft,
            window,
            scratch,
            buffer: vec![Complex::default(); fft_len],
        }
    }

    /// Averaged power at bins `0..fft_len / 2 + 1` (bin k is `k * rate / fft_len` Hz), or
    /// `None` when `x` is shorter than one segment. The mean of each segment is removed.
    pub fn power(&mut self, x: &[f64]) -> Option<Vec<f64>> {
        if x.len() < self.segment_len {
            return None;
        }
        let n = self.buffer.len();
        let hop = (self.segment_len / 2).max(1);
        let mut power = vec![0.0; n / 2 + 1];
        let mut count = 0;
        let mut start = 0;
        while start + self.segment_len <= x.len() {
            let seg = &x[start..start + self.segment_len];
            let mean = seg.iter().sum::<f64>() / seg.len() as f64;
            for (i, b) in self.buffer.iter_mut().enumerate() {
                *b = if i < seg.len() {
                    Complex::new((seg[i] - mean) * self.window[i], 0.0)
                } else {
                    Complex::default()
                };
            }
            self.fft
                .process_with_scratch(&mut self.buffer, &mut self.scratch);
            for (p, b) in power.iter_mut().zip(&self.buffer) {
                *p += b.norm_sqr();
            }
            count += 1;
            start += hop;
        }
        for p in &mut power {
            *p /= count as f64;
        }
        Some(power)
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

    #[test]
    fn short_input_has_no_spectrum() {
        assert!(Welch::new(100, 128).power(&[0.0; 50]).is_none());
    }
}
