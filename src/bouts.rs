//! Bouts: which stretches of a recording are running, walking, standing or other.
//!
//! Each stream is cut into windows (`window_s`, stepping by `hop_s`) of its acceleration
//! magnitude (g), reduced to about 50 Hz. A window is `standing` when the magnitude
//! barely varies; otherwise its stride period is read from the autocorrelation. A window
//! is `running` when the movement is as intense as running is at that placement (running
//! has a flight phase: every landing is an impact) and repeats with a running stride
//! (cadence ≥ `min_running_cadence_spm`), `walking` when it repeats with a walking stride,
//! `other` when it is not rhythmic. The streams vote,
//! the labels are smoothed, and runs of equal labels become bouts.

use crate::alignment::{Aligned, Signal};
use crate::recording::{Recording, Segment};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// What the runner was doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Activity {
    /// Still.
    Standing,
    /// Rhythmic, no flight phase.
    Walking,
    /// Rhythmic, running cadence and intensity.
    Running,
    /// Moving but not rhythmically.
    Other,
}

/// A stretch of one activity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bout {
    /// Start, s.
    pub start_s: f64,
    /// End, s.
    pub end_s: f64,
    /// The activity.
    pub activity: Activity,
    /// Step frequency read from the rhythm, Hz (running and walking).
    #[serde(skip)]
    pub step_hz: Option<f64>,
}

impl Bout {
    /// Length, s.
    pub fn duration_s(&self) -> f64 {
        self.end_s - self.start_s
    }
}

/// Settings of bout detection.
#[derive(Debug, Clone, PartialEq)]
pub struct BoutConfig {
    /// Window length, s.
    pub window_s: f64,
    /// Step between windows, s.
    pub hop_s: f64,
    /// Standard deviation of the acceleration magnitude below which a window is still, g.
    pub still_sd_g: f64,
    /// Lowest cadence counted as running, steps/min.
    pub min_running_cadence_spm: f64,
    /// Autocorrelation below which a window is not rhythmic.
    pub min_rhythm: f64,
    /// Shorter running or walking stretches are merged into their neighbours, s.
    pub min_bout_s: f64,
    /// The windows starting within this span are classified from one set of the
    /// magnitudes' block means, s (10 minutes), so that those do not grow with the run.
    pub piece_s: f64,
}

impl Default for BoutConfig {
    fn default() -> Self {
        BoutConfig {
            window_s: 4.0,
            hop_s: 1.0,
            still_sd_g: 0.05,
            min_running_cadence_spm: 130.0,
            min_rhythm: 0.25,
            min_bout_s: 3.0,
            piece_s: 600.0,
        }
    }
}

/// Movement intensity (SD of the acceleration magnitude, g) that running reaches at a
/// segment and walking does not; measured on real recordings: pelvis running 0.7–0.9 g,
/// walking 0.2–0.3 g; shank running 1.2–1.4 g, walking 0.45 g; foot running 1.6–1.9 g,
/// walking 1.0–1.3 g (walking is told apart by its longer stride too). No real wrist
/// recording was at hand: the wrist's value is from simulation (0.37 g at 200 spm) and
/// typical walking (0.2–0.3 g).
fn running_sd_g(segment: Segment) -> f64 {
    match segment {
        Segment::Pelvis | Segment::Trunk => 0.4,
        Segment::Wrist => 0.3,
        Segment::Shank => 0.8,
        Segment::Foot => 1.0,
    }
}

impl BoutConfig {
    /// Finds the bouts of `recording` from each stream's acceleration magnitude
    /// (`aligned` in the order of `recording.streams`).
    pub fn process(&self, recording: &Recording, aligned: &[Aligned]) -> Vec<Bout> {
        let norms_g: Vec<Signal> = aligned.iter().map(Aligned::norm_g).collect();
        let n = recording.len();
        let rate = recording.rate_hz;
        let decim = ((rate / 50.0).round() as usize).max(1);
        let rate_d = rate / decim as f64;
        let duration = recording.duration_s();
        let window_s = self.window_s.min(duration);
        let win = ((window_s * rate_d) as usize).max(4);
        let hop = ((self.hop_s * rate_d) as usize).max(1);
        // the magnitudes' block means, as `block_mean(decim)` gives them
        let len_d = if norms_g.is_empty() {
            0
        } else {
            n.div_ceil(decim)
        };
        // the windows' starts, the last window ending with the recording
        let mut starts = vec![0];
        while starts[starts.len() - 1] + win < len_d {
            starts.push(starts[starts.len() - 1] + hop);
        }
        // each window on its own, on every core; the block means are taken for the
        // windows of `piece_s` at a time
        let at_once = ((self.piece_s / self.hop_s).min(starts.len() as f64) as usize).max(1);
        let mut labels: Vec<(usize, Activity, Option<f64>)> = Vec::with_capacity(starts.len());
        for group in starts.chunks(at_once) {
            let b0 = group[0];
            let b1 = (group[group.len() - 1] + win).min(len_d);
            let reduced: Vec<Vec<f64>> = norms_g
                .par_iter()
                .map(|x| x.block_mean_over(decim, b0..b1))
                .collect();
            labels.par_extend(group.par_iter().map(|&start| {
                let end = (start + win).min(len_d);
                let votes: Vec<(Activity, Option<f64>, usize)> = recording
                    .streams
                    .iter()
                    .enumerate()
                    .map(|(k, s)| {
                        let seg = s.placement.segment();
                        let (a, f) = self.classify(&reduced[k][start - b0..end - b0], rate_d, seg);
                        (a, f, priority(seg))
                    })
                    .collect();
                let (activity, step_hz) = tally(&votes);
                (start + (end - start) / 2, activity, step_hz)
            }));
        }
        smooth(&mut labels);
        // Each window's label covers the half-hops around its centre.
        let mut bouts: Vec<Bout> = Vec::new();
        for (i, &(centre, activity, step_hz)) in labels.iter().enumerate() {
            let from = if i == 0 {
                0.0
            } else {
                (labels[i - 1].0 + centre) as f64 / 2.0 / rate_d
            };
            let to = if i + 1 == labels.len() {
                n as f64 / rate
            } else {
                (centre + labels[i + 1].0) as f64 / 2.0 / rate_d
            };
            let (from, to) = (from + recording.start_s, to + recording.start_s);
            match bouts.last_mut() {
                Some(b) if b.activity == activity => {
                    b.end_s = to;
                    b.step_hz = merge_hz(b.step_hz, step_hz);
                }
                _ => bouts.push(Bout {
                    start_s: from,
                    end_s: to,
                    activity,
                    step_hz,
                }),
            }
        }
        merge_short(&mut bouts, self.min_bout_s);
        let mut bouts = self.trim_still_edges(bouts, &norms_g, rate, recording.start_s);
        // A bout's rhythm is the median of its windows' (a merged neighbour's windows or
        // an odd window do not move it).
        for b in &mut bouts {
            let inside: Vec<f64> = labels
                .iter()
                .filter(|(c, a, _)| {
                    *a == b.activity
                        && (b.start_s..b.end_s).contains(&(recording.start_s + *c as f64 / rate_d))
                })
                .filter_map(|l| l.2)
                .collect();
            if !inside.is_empty() {
                b.step_hz = Some(median(inside));
            }
        }
        bouts
    }

    /// Windows blur the edges of a bout by up to half a window: a moving bout's first and
    /// last seconds are cut back, in quarter seconds, while every sensor is still there.
    fn trim_still_edges(
        &self,
        bouts: Vec<Bout>,
        norms_g: &[Signal],
        rate: f64,
        start_s: f64,
    ) -> Vec<Bout> {
        let block = ((0.25 * rate) as usize).max(2);
        let n = norms_g.first().map_or(0, |x| x.len());
        let still = |i: usize| {
            let j = (i + block).min(n);
            j > i + 1
                && norms_g.iter().all(|x| {
                    let m = x.mean(i..j);
                    (x.values(i..j).map(|v| (v - m).powi(2)).sum::<f64>() / (j - i) as f64).sqrt()
                        < self.still_sd_g
                })
        };
        let index = |t: f64| (((t - start_s) * rate).round().max(0.0) as usize).min(n);
        let reach = (self.window_s * rate) as usize;
        let mut out: Vec<Bout> = Vec::new();
        let push = |b: Bout, out: &mut Vec<Bout>| {
            if b.end_s - b.start_s <= 0.0 {
                return;
            }
            match out.last_mut() {
                Some(last) if last.activity == b.activity => last.end_s = b.end_s,
                _ => out.push(b),
            }
        };
        for b in bouts {
            if b.activity == Activity::Standing {
                push(b, &mut out);
                continue;
            }
            let (i0, i1) = (index(b.start_s), index(b.end_s));
            let mut s = i0;
            while s + block <= i1 && s < i0 + reach && still(s) {
                s += block;
            }
            let mut e = i1;
            while e >= s + block && e + reach > i1 && still(e - block) {
                e -= block;
            }
            let t = |i: usize| start_s + i as f64 / rate;
            let standing = |from: f64, to: f64| Bout {
                start_s: from,
                end_s: to,
                activity: Activity::Standing,
                step_hz: None,
            };
            push(standing(b.start_s, t(s).min(b.end_s)), &mut out);
            if e > s {
                push(
                    Bout {
                        start_s: t(s),
                        end_s: t(e),
                        ..b
                    },
                    &mut out,
                );
            }
            push(standing(t(e).max(t(s)), b.end_s), &mut out);
        }
        out
    }

    fn classify(&self, x: &[f64], rate_hz: f64, segment: Segment) -> (Activity, Option<f64>) {
        let n = x.len() as f64;
        let mean = x.iter().sum::<f64>() / n;
        let sd = (x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
        if sd < self.still_sd_g {
            return (Activity::Standing, None);
        }
        // A stride is the period every sensor repeats with, wherever it is worn: step
        // rhythms of trunk-borne sensors are often lopsided (a hip clip feels its own leg
        // more). Running strides last 0.45–0.95 s, walking strides 0.8–2 s; intensity tells
        // which range to read.
        if sd >= running_sd_g(segment)
            && let Some((stride_s, r)) = rhythm(x, rate_hz, 0.45, 0.95)
            && r >= self.min_rhythm
            && 120.0 / stride_s >= self.min_running_cadence_spm
        {
            return (Activity::Running, Some(2.0 / stride_s));
        }
        match rhythm(x, rate_hz, 0.8, 2.0) {
            Some((stride_s, r)) if r >= self.min_rhythm && 120.0 / stride_s >= 60.0 => {
                (Activity::Walking, Some(2.0 / stride_s))
            }
            _ => (Activity::Other, None),
        }
    }
}

fn priority(segment: Segment) -> usize {
    match segment {
        Segment::Pelvis => 5,
        Segment::Trunk => 4,
        Segment::Foot => 3,
        Segment::Shank => 2,
        Segment::Wrist => 1,
    }
}

/// The most common activity; ties go to the highest-priority stream's vote.
fn tally(votes: &[(Activity, Option<f64>, usize)]) -> (Activity, Option<f64>) {
    let mut best: Option<(usize, usize, Activity)> = None;
    for &(a, _, p) in votes {
        let count = votes.iter().filter(|v| v.0 == a).count();
        let top_priority = votes
            .iter()
            .filter(|v| v.0 == a)
            .map(|v| v.2)
            .max()
            .unwrap_or(p);
        if best.is_none_or(|b| (count, top_priority) > (b.0, b.1)) {
            best = Some((count, top_priority, a));
        }
    }
    let activity = best.map_or(Activity::Other, |b| b.2);
    let hz: Vec<f64> = votes
        .iter()
        .filter(|v| v.0 == activity)
        .filter_map(|v| v.1)
        .collect();
    let step_hz = if hz.is_empty() {
        None
    } else {
        Some(median(hz))
    };
    (activity, step_hz)
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn merge_hz(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) => Some(0.5 * (a + b)),
        (a, b) => a.or(b),
    }
}

/// A lone window between two equal neighbours takes their label.
fn smooth(labels: &mut [(usize, Activity, Option<f64>)]) {
    for i in 1..labels.len().saturating_sub(1) {
        if labels[i - 1].1 == labels[i + 1].1 && labels[i].1 != labels[i - 1].1 {
            labels[i].1 = labels[i - 1].1;
            labels[i].2 = merge_hz(labels[i - 1].2, labels[i + 1].2);
        }
    }
}

/// Bouts shorter than `min_s` join the longer neighbour (unless they are the only one).
fn merge_short(bouts: &mut Vec<Bout>, min_s: f64) {
    while bouts.len() > 1 {
        let Some(i) = bouts
            .iter()
            .enumerate()
            .filter(|(_, b)| b.duration_s() < min_s)
            .min_by(|a, b| a.1.duration_s().total_cmp(&b.1.duration_s()))
            .map(|(i, _)| i)
        else {
            break;
        };
        let into = if i == 0 {
            1
        } else if i + 1 == bouts.len() || bouts[i - 1].duration_s() >= bouts[i + 1].duration_s() {
            i - 1
        } else {
            i + 1
        };
        let short = bouts.remove(i);
        let j = if into > i { into - 1 } else { into };
        bouts[j].start_s = bouts[j].start_s.min(short.start_s);
        bouts[j].end_s = bouts[j].end_s.max(short.end_s);
        // neighbours with the same activity now touch: join them
        let mut k = 1;
        while k < bouts.len() {
            if bouts[k].activity == bouts[k - 1].activity {
                let b = bouts.remove(k);
                bouts[k - 1].end_s = b.end_s;
                bouts[k - 1].step_hz = merge_hz(bouts[k - 1].step_hz, b.step_hz);
            } else {
                k += 1;
            }
        }
    }
}

/// The lag (s) of the highest autocorrelation peak between `lo_s` and `hi_s`, refined by
/// a parabola, with its normalised autocorrelation.
fn rhythm(x: &[f64], rate_hz: f64, lo_s: f64, hi_s: f64) -> Option<(f64, f64)> {
    let n = x.len();
    let mean = x.iter().sum::<f64>() / n as f64;
    let d: Vec<f64> = x.iter().map(|v| v - mean).collect();
    let energy: f64 = d.iter().map(|v| v * v).sum();
    if energy <= 0.0 {
        return None;
    }
    let lo = ((lo_s * rate_hz) as usize).max(1);
    // at most three quarters of the window, so that a lag has enough overlap
    let hi = ((hi_s * rate_hz).ceil() as usize).min(n.saturating_sub(n / 4 + 2));
    if hi <= lo + 1 {
        return None;
    }
    let ac = |lag: usize| dot(&d[..n - lag], &d[lag..]) / energy * n as f64 / (n - lag) as f64;
    let values: Vec<f64> = (lo - 1..=hi + 1).map(ac).collect();
    let at = |k: usize| values[k + 1 - lo];
    let lag = (lo..=hi)
        .filter(|&k| at(k) >= at(k - 1) && at(k) > at(k + 1))
        .max_by(|&a, &b| at(a).total_cmp(&at(b)))?;
    let (a, b, c) = (at(lag - 1), at(lag), at(lag + 1));
    let den = a - 2.0 * b + c;
    let off = if den.abs() > 1e-12 {
        (0.5 * (a - c) / den).clamp(-0.5, 0.5)
    } else {
        0.0
    };
    Some(((lag as f64 + off) / rate_hz, b))
}

/// `Σ a[i]·b[i]` over the shorter length, in eight interleaved partial sums: eight
/// independent chains of additions that overlap, where one sum in order waits for each
/// addition (the autocorrelations of the windows took most of this stage).
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut sums = [0.0; 8];
    let (blocks_a, blocks_b) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f64 = blocks_a
        .remainder()
        .iter()
        .zip(blocks_b.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in blocks_a.zip(blocks_b) {
        for k in 0..8 {
            sums[k] += x[k] * y[k];
        }
    }
    let quarter = |k: usize| sums[k] + sums[k + 4];
    (quarter(0) + quarter(2)) + (quarter(1) + quarter(3)) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pulses(rate: f64, secs: f64, hz: f64, amp: f64) -> Vec<f64> {
        (0..(rate * secs) as usize)
            .map(|i| {
                let ph = (i as f64 / rate * hz).fract();
                1.0 + amp
                    * (if ph < 0.35 {
                        (ph / 0.35 * std::f64::consts::PI).sin() * 2.0 - 0.6
                    } else {
                        -0.6
                    })
            })
            .collect()
    }

    /// The interleaved sums equal a sum in order to rounding, at every length around
    /// the eight-wide blocks.
    #[test]
    fn dot_is_the_sum_of_products() {
        let a: Vec<f64> = (0..40).map(|i| (i as f64 * 0.37).sin() + 0.1).collect();
        let b: Vec<f64> = (0..40).map(|i| (i as f64 * 0.91).cos() - 0.2).collect();
        for n in 0..40 {
            let want: f64 = a[..n].iter().zip(&b[..n]).map(|(x, y)| x * y).sum();
            let scale: f64 = a[..n].iter().zip(&b[..n]).map(|(x, y)| (x * y).abs()).sum();
            let got = dot(&a[..n], &b[..n]);
            assert!(
                (got - want).abs() <= 1e-15 * scale.max(1.0),
                "{n}: {got} vs {want}"
            );
        }
        assert_eq!(dot(&[1.0, 2.0, 3.0], &[4.0, 5.0]), 14.0);
        assert_eq!(dot(&[2.0; 17], &[0.5; 17]), 17.0);
    }

    #[test]
    fn rhythm_finds_the_period_in_range() {
        let x = pulses(50.0, 4.0, 1.45, 1.0);
        let (period, r) = rhythm(&x, 50.0, 0.45, 0.95).unwrap();
        assert!((1.0 / period - 1.45).abs() < 0.03, "{}", 1.0 / period);
        assert!(r > 0.8);
        assert!(rhythm(&x, 50.0, 0.8, 0.9).is_none_or(|(_, r)| r < 0.5));
    }

    #[test]
    fn rhythm_of_noise_is_weak() {
        // deterministic pseudo-noise
        let mut s = 12345u64;
        let x: Vec<f64> = (0..200)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                (s >> 33) as f64 / (1u64 << 31) as f64
            })
            .collect();
        let r = rhythm(&x, 50.0, 0.45, 2.0).map_or(0.0, |v| v.1);
        assert!(r < 0.25, "{r}");
    }

    #[test]
    fn short_bouts_join_their_neighbours() {
        let b = |s: f64, e: f64, a| Bout {
            start_s: s,
            end_s: e,
            activity: a,
            step_hz: None,
        };
        let mut v = vec![
            b(0.0, 10.0, Activity::Running),
            b(10.0, 11.0, Activity::Other),
            b(11.0, 30.0, Activity::Running),
        ];
        merge_short(&mut v, 3.0);
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].start_s, v[0].end_s, v[0].activity),
            (0.0, 30.0, Activity::Running)
        );
    }
}
