//! Foot-mounted IMU events from the gyroscope: initial contact (IC) and toe-off (TO).
//!
//! The standard foot-IMU method (Falbriard et al. 2018 for running, Rampp et al. 2014 /
//! gaitmap for walking), on the **sagittal angular velocity** `ω` of the foot, rad/s.
//!
//! - **Axis**: the sensor's axes are not known, so the sagittal axis is the principal
//!   axis (largest variance) of the gyroscope over the bout: the foot turns mostly in its
//!   pitch plane.
//! - **Sign**: `ω` is made positive for the mid-swing rotation (toes coming up, pitch
//!   positive = toes up). The lobe that leaves the quiet stance (heel-off, push-off about
//!   the toes) turns the other way, so the sign is chosen so that the first strong
//!   rotation after each stance (the gyroscope energy minimum) is negative. The size of
//!   the lobes does not decide it: on real walking feet the push-off peak can exceed the
//!   mid-swing peak.
//! - **Anchors**: one stance per stride at the minimum of the low-passed gyroscope energy
//!   `|ω|²`, stepped stride by stride (0.7–1.3 strides apart); the mid-swing peaks are the
//!   maxima of `ω` 0.2–0.8 strides before and after it.
//! - **IC**: Rampp's candidate, the minimum of `ω` between its steepest descent after the
//!   mid-swing peak and the steepest ascent that follows; then the impact: IC is the start
//!   (last local minimum) of the first rise of the acceleration magnitude at least half
//!   as steep as the steepest within `foot_ic_before_s`/`foot_ic_after_s` of the
//!   candidate. A walking heel often lands in two rises (first contact, then the loading
//!   behind it); the first is the contact.
//! - **TO**: the push-off minimum of `ω` between the stance and the next mid-swing peak
//!   (Falbriard's feature), refined to the start of the steepest rise of the acceleration
//!   magnitude within −10/+40 ms of it (the foot leaving the ground; in the simulator and
//!   on gaitmap's walking data the magnitude has a sharp minimum there).
//! - Both onsets are the last quiet sample before the rise; the event lies between it and
//!   the next sample, so it is placed half a sample after it ([`onset_sample`]).
//!
//! Times are seconds from the start of the given slice; acceleration magnitude in g.

use super::EventConfig;
use crate::dsp::Butterworth;
use crate::error::Result;
use crate::recording::{Vectors, Window};
use nalgebra::{Matrix3, SymmetricEigen, Vector3};

/// Low-pass cutoff of the gyroscope energy that marks the stance, Hz.
const ENERGY_CUTOFF_HZ: f64 = 10.0;
/// A rotation is strong above this share of the 98th percentile of `|ω|`.
const STRONG_SHARE: f64 = 0.25;
/// IC is the first rise of the acceleration magnitude at least this share as steep as the
/// landing's steepest.
const IC_RISE_SHARE: f64 = 0.5;
/// TO refinement window around the `ω` minimum, s (before, after).
const TO_WINDOW_S: (f64, f64) = (0.01, 0.04);

/// The sagittal angular velocity of `gyr_radps`, rad/s, positive in mid-swing (see the
/// module header), low-passed by `lp_cutoff_hz`; and the stances found on the way (see
/// [`stances`]).
pub(super) fn sagittal_radps(
    gyr_radps: &(impl Vectors + ?Sized),
    rate: f64,
    stride_s: f64,
    lp_cutoff_hz: f64,
) -> Result<(Vec<f64>, Vec<usize>)> {
    // the samples once as vectors: every pass below reads them in order
    let gyr: Vec<Vector3<f64>> = gyr_radps.samples().collect();
    let n = gyr.len().max(1) as f64;
    let mean = gyr.iter().fold(Vector3::zeros(), |s, v| s + v) / n;
    // the six distinct sums of the symmetric scatter matrix, each in sample order
    let [xx, xy, xz, yy, yz, zz] = gyr.iter().fold([0.0; 6], |c, v| {
        let d = v - mean;
        [
            c[0] + d.x * d.x,
            c[1] + d.x * d.y,
            c[2] + d.x * d.z,
            c[3] + d.y * d.y,
            c[4] + d.y * d.z,
            c[5] + d.z * d.z,
        ]
    });
    let cov = Matrix3::new(xx, xy, xz, xy, yy, yz, xz, yz, zz);
    let eig = SymmetricEigen::new(cov);
    let axis = eig.eigenvectors.column(eig.eigenvalues.imax()).into_owned();
    let mut omega = {
        let raw: Vec<f64> = gyr.iter().map(|v| v.dot(&axis)).collect();
        Butterworth::low_pass(2, lp_cutoff_hz.min(0.45 * rate), rate)?.filtfilt(&raw)
    };
    let stances = stances(&gyr[..], rate, stride_s)?;
    let p98 = if omega.is_empty() {
        0.0
    } else {
        // a non-negative double's bits order as its value does (as `total_cmp` orders
        // it), and integers compare faster
        let mut abs: Vec<u64> = omega.iter().map(|w| w.abs().to_bits()).collect();
        let k = (abs.len() * 98 / 100).min(abs.len() - 1);
        f64::from_bits(*abs.select_nth_unstable(k).1)
    };
    let thr = STRONG_SHARE * p98;
    let vote: f64 = stances
        .iter()
        .filter_map(|&k| omega[k..].iter().find(|w| w.abs() >= thr))
        .map(|w| w.signum())
        .sum();
    if vote > 0.0 {
        omega.iter_mut().for_each(|w| *w = -*w);
    }
    Ok((omega, stances))
}

/// One stance per stride: minima of the low-passed gyroscope energy, stride by stride
/// (see [`quietest_per_stride`]).
fn stances(gyr_radps: &(impl Vectors + ?Sized), rate: f64, stride_s: f64) -> Result<Vec<usize>> {
    let energy: Vec<f64> = gyr_radps.samples().map(|v| v.norm_squared()).collect();
    let e = Butterworth::low_pass(2, ENERGY_CUTOFF_HZ.min(0.45 * rate), rate)?.filtfilt(&energy);
    Ok(quietest_per_stride(&e, stride_s * rate))
}

/// One minimum of `energy` per stride (`stride` in samples): the first within one stride,
/// each next 0.7–1.3 strides after the last, then moved to the lowest energy within half
/// a stride either side of it (and more than half a stride after the last).
///
/// Physics: the foot is quietest in stance, flat on the ground, so the stance is the
/// lowest energy of its stride; the swing has quieter moments too (where the foot's
/// rotation reverses), higher than the stance but local minima. A stride walk alone
/// follows whatever it stands on: where the rhythm changes within a bout (walking strides
/// of 1.1 s at the start of a bout whose stride is the running 0.7 s) a window can fall
/// in the swing, and from there every later window, 0.7–1.3 strides on, misses the
/// stances half a stride away and keeps to the swing for the rest of the bout. The
/// half-stride look either side puts each step of the walk back on the stance.
fn quietest_per_stride(energy: &[f64], stride: f64) -> Vec<usize> {
    let n = energy.len();
    let argmin =
        |lo: usize, hi: usize| (lo..hi.min(n)).min_by(|&a, &b| energy[a].total_cmp(&energy[b]));
    let half = (0.5 * stride).round() as usize;
    // the lowest within half a stride either side of `q`, not before `floor`
    let settle = |mut q: usize, floor: usize| {
        while let Some(c) = argmin(q.saturating_sub(half).max(floor), q + half + 1) {
            if energy[c] >= energy[q] {
                break;
            }
            q = c;
        }
        q
    };
    let Some(first) = argmin(0, stride.ceil() as usize) else {
        return Vec::new();
    };
    let mut out = vec![settle(first, 0)];
    loop {
        let last = out[out.len() - 1];
        let (lo, hi) = (
            (last as f64 + 0.7 * stride) as usize,
            (last as f64 + 1.3 * stride).ceil() as usize,
        );
        if hi > n {
            break;
        }
        match argmin(lo, hi) {
            Some(q) => out.push(settle(q, last + half + 1)),
            None => break,
        }
    }
    out
}

/// Start of the first rise of `acc_g` within `lo..hi` at least `share` as steep as the
/// steepest one (1: the steepest itself): the last local minimum before it.
fn start_of_rise(acc_g: &[f64], lo: usize, hi: usize, share: f64) -> Option<usize> {
    let lo = lo.max(1);
    let hi = hi.min(acc_g.len());
    let rise = |i: usize| acc_g[i] - acc_g[i - 1];
    let steepest = (lo..hi).map(rise).max_by(f64::total_cmp)?;
    let level = if steepest > 0.0 {
        share * steepest
    } else {
        steepest
    };
    let j = (lo..hi).find(|&i| rise(i) >= level)?;
    let mut s = j - 1;
    while s > lo && acc_g[s - 1] <= acc_g[s] {
        s -= 1;
    }
    Some(s)
}

/// The time of an onset whose last quiet sample is `i`, in samples: the event happened
/// after sample `i` and by sample `i + 1`, at any moment between them alike, so half a
/// sample after `i` is its unbiased estimate (at 200 Hz, taking the sample itself reads
/// 2.5 ms early on average).
pub(super) fn onset_sample(i: usize) -> f64 {
    i as f64 + 0.5
}

fn arg_by(lo: usize, hi: usize, f: impl Fn(usize) -> f64) -> Option<usize> {
    (lo..hi).min_by(|&a, &b| f(a).total_cmp(&f(b)))
}

impl EventConfig {
    /// IC and TO of one foot over one bout; `acc_g` is the acceleration magnitude in g,
    /// `gyr_radps` the gyroscope, `stride_s` the bout's stride period. Initial contact and
    /// toe-off in samples from the slice start.
    pub(super) fn foot_gyro_contacts(
        &self,
        acc_g: &[f64],
        gyr_radps: &(impl Vectors + ?Sized),
        rate: f64,
        stride_s: f64,
    ) -> Result<Vec<(f64, Option<f64>)>> {
        let n = acc_g.len().min(gyr_radps.len());
        if n < 8 {
            return Ok(Vec::new());
        }
        let gyr_radps = Window {
            of: gyr_radps,
            start: 0,
            len: n,
        };
        let (omega, stances) = sagittal_radps(&gyr_radps, rate, stride_s, self.signal_cutoff_hz)?;
        let slope: Vec<f64> = (0..n)
            .map(|i| omega[(i + 1).min(n - 1)] - omega[i.saturating_sub(1)])
            .collect();
        let s = stride_s * rate;
        let at = |f: f64| (f * s) as usize;
        let secs = |x: f64| (x * rate).round() as usize;
        let mut out = Vec::new();
        for q in stances {
            // IC: between the previous mid-swing peak and this stance
            let ic = (q >= at(0.8)).then(|| {
                let peak = arg_by(q - at(0.8), q - at(0.2), |i| -omega[i])?;
                let descent = arg_by(peak, q, |i| slope[i])?;
                let ascent = arg_by(descent, q, |i| -slope[i]).unwrap_or(descent);
                let cand = arg_by(descent, ascent + 1, |i| omega[i])?;
                let lo = cand.saturating_sub(secs(self.foot_ic_before_s)).max(peak);
                let hi = (cand + secs(self.foot_ic_after_s)).min(q);
                start_of_rise(acc_g, lo, hi, IC_RISE_SHARE)
            });
            let Some(Some(ic)) = ic else { continue };
            // TO: the push-off minimum before the next mid-swing peak
            let to = (q + at(0.8) < n)
                .then(|| {
                    let peak = arg_by(q + at(0.2), q + at(0.8), |i| -omega[i])?;
                    let cand = arg_by(q, peak, |i| omega[i])?;
                    let lo = cand.saturating_sub(secs(TO_WINDOW_S.0)).max(q);
                    let hi = (cand + secs(TO_WINDOW_S.1)).min(peak);
                    start_of_rise(acc_g, lo, hi, 1.0)
                        .map(onset_sample)
                        .or(Some(cand as f64))
                })
                .flatten();
            out.push((onset_sample(ic), to));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::stride_walk;

    #[test]
    fn start_of_rise_is_the_last_minimum_before_the_steepest_rise() {
        let acc = [1.0, 1.2, 0.9, 0.8, 0.7, 0.9, 3.0, 6.0, 2.0, 1.0];
        assert_eq!(start_of_rise(&acc, 0, acc.len(), 1.0), Some(4));
    }

    /// A landing in two rises (the heel's first contact, then the loading behind it):
    /// the first one at least half as steep as the second marks contact, a smaller one
    /// does not.
    #[test]
    fn start_of_rise_takes_the_first_rise_half_as_steep_as_the_steepest() {
        let acc = [1.0, 0.9, 0.8, 2.0, 2.4, 1.7, 1.6, 3.4, 5.5, 3.0];
        assert_eq!(start_of_rise(&acc, 0, acc.len(), 0.5), Some(2));
        assert_eq!(start_of_rise(&acc, 0, acc.len(), 1.0), Some(6));
        let small = [1.0, 0.9, 0.8, 1.3, 1.4, 1.3, 1.2, 3.4, 5.5, 3.0];
        assert_eq!(start_of_rise(&small, 0, small.len(), 0.5), Some(6));
    }

    #[test]
    fn stride_walk_keeps_one_peak_per_stride() {
        let x: Vec<f64> = (0..100)
            .map(|i| {
                if i % 20 == 7 {
                    5.0
                } else {
                    (i % 3) as f64 * 0.1
                }
            })
            .collect();
        assert_eq!(stride_walk(&x, 20.0), vec![7, 27, 47, 67, 87]);
    }

    /// Stances (energy 0) 15 samples apart while walking, then 10 apart (the bout's
    /// stride) while running; the swing's quieter moments (2) lie 11 samples after the
    /// walking stance and half a stride from each running one.
    #[test]
    fn stances_recover_from_a_change_of_rhythm() {
        let mut e = vec![5.0; 80];
        for i in [5, 20, 30, 40, 50, 60, 70] {
            e[i] = 0.0;
        }
        for i in [16, 25, 35, 45, 55, 65] {
            e[i] = 2.0;
        }
        assert_eq!(
            quietest_per_stride(&e, 10.0),
            vec![5, 20, 30, 40, 50, 60, 70]
        );
        // a plain stride walk steps onto the swing and stays there
        let neg: Vec<f64> = e.iter().map(|x| -x).collect();
        assert_eq!(stride_walk(&neg, 10.0)[..4], [5, 16, 25, 35]);
    }

    #[test]
    fn stances_follow_a_steady_rhythm() {
        let e: Vec<f64> = (0..100).map(|i| ((i % 20) as f64 - 7.0).abs()).collect();
        assert_eq!(quietest_per_stride(&e, 20.0), vec![7, 27, 47, 67, 87]);
    }

    /// A synthetic foot about sensor y, written as `−ω`: quiet stance, a push-off lobe
    /// (peak −10 rad/s) then a wider but lower swing lobe (+6 rad/s).
    #[test]
    fn sagittal_sign_makes_the_lobe_after_stance_negative() {
        let rate = 200.0;
        let stride_s = 0.7;
        let gyr: Vec<Vector3<f64>> = (0..(10.0 * rate) as usize)
            .map(|i| {
                let ph = (i as f64 / rate) % stride_s;
                let w = if (0.2..0.35).contains(&ph) {
                    -10.0 * (std::f64::consts::PI * (ph - 0.2) / 0.15).sin()
                } else if (0.35..0.65).contains(&ph) {
                    6.0 * (std::f64::consts::PI * (ph - 0.35) / 0.3).sin()
                } else {
                    0.0
                };
                Vector3::new(0.01 * w, -w, 0.0)
            })
            .collect();
        let (omega, _) = sagittal_radps(&gyr[..], rate, stride_s, 20.0).unwrap();
        // mid-swing (0.5 of the stride) positive, push-off (0.275) negative
        let i = (3.0 * stride_s * rate) as usize;
        assert!(omega[i + (0.5 * rate) as usize] > 4.0);
        assert!(omega[i + (0.275 * rate) as usize] < -8.0);
    }
}
