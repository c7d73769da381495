//! Loading: braking and impact per step, and the foot-strike pattern inferred from the
//! pelvis (or trunk) when no foot sensor says it.
//!
//! # Axes, signs, units
//! Signals are the body-frame specific forces of [`alignment`](crate::alignment), in g:
//! `vertical_g` (+ up, 1 at rest) and `forward_g` (+ running direction). Times in s on
//! the recording's clock; rates in g/s; velocity in m/s.
//!
//! # Definitions
//! * **Braking** (pelvis, else trunk): the fore-aft specific force minus its mean over the
//!   step (the mean fore-aft force of a steady step is zero, so what remains of the mean
//!   is gravity leaking through the segment's tilt), low-passed at `cutoff_hz`. The
//!   braking phase runs from initial contact (IC) to the first time this signal turns
//!   positive (propulsion), at most to toe-off or `max_braking_share` of the step.
//!   `braking_peak_g` is the deepest deceleration in it, positive; `braking_mps` the speed
//!   lost, `g ∫ max(0, −a) dt` over it. When the forward axis' sign is not known (sensor
//!   frame), it is taken so that stance starts with braking (it does in running).
//!   `braking_s` is the phase's duration and `braking_travel_excess_m` is `∫ (v − v̄) dt`
//!   over it, where `v − v̄` is the step's fore-aft signal integrated (`g ∫ a dt`) less its
//!   mean over the step: with the step's mean speed `v̄` from the feet,
//!   `v̄ · braking_s + braking_travel_excess_m` is how far the body travels while braking
//!   (what [`reach`](crate::reach) turns into the landing distance).
//! * **Impact** (shank, else foot, else pelvis, else trunk: the sensor nearest the
//!   ground that is worn): `impact_peak_g` is the largest vertical specific force from IC
//!   to `impact_window_s` after it (both ends included); `loading_rate_g_per_s` is its
//!   rise from the value at IC divided by the time from IC to that peak. A leg's impact is
//!   a spike well inside the window. At the pelvis a heel strike's impact bump (some
//!   20 ms after IC) is often lower than the stance force still rising at the window's
//!   end, and then the "peak" is that end: the pelvis's impact describes the force early
//!   in stance, not a transient (the high-impact fault reads shanks only).
//! * A recording longer than `piece_s` (5 minutes) is low-passed piece by piece, each
//!   piece with [`PIECE_MARGIN_S`] of the stream before it and that and a step more
//!   after it, so that the stage's working signals stay the size of a piece (the
//!   filter's start has faded long before the piece begins: the numbers are those of one
//!   filter over the run). The forward axis' sign is voted over every step of the run;
//!   each step is measured both ways round until the vote is in.
//! * IC usually falls between two samples (a contact's onset is placed half-way between
//!   the last sample before it and the first after it). Windows start at the sample
//!   nearest IC, the later one from half-way ([`Recording::sample_index`]); durations
//!   (`braking_s`, the loading rate's rise time) are timed from IC itself, and the value
//!   at IC is interpolated between its two samples.
//! * **Strike inferred from the pelvis**: a heel strike stops the leg on the heel pad in
//!   the first tens of ms of stance, a short impact transient that reaches the body as a
//!   sharp jolt of deceleration before the smooth braking of the stance; midfoot and
//!   forefoot landings let the ankle take it up. The transient is the largest deceleration
//!   of the fore-aft specific force beyond its own `transient_cutoff_hz` low-pass, from IC
//!   to `impact_window_s` after it, over the step's mean vertical specific force (so that
//!   it scales out running intensity): `transient_ratio`. A running step whose ratio is
//!   above `rearfoot_transient_ratio` is called rearfoot, otherwise midfoot (forefoot is
//!   not told apart from midfoot). The vertical force carries a transient too, but on
//!   treadmill trials with video labels it also rose on midfoot landings uphill, where the
//!   fore-aft one did not; the threshold sits between the two classes of those trials (see
//!   the README for the accuracy measured).

use crate::alignment::Aligned;
use crate::bouts::Activity;
use crate::dsp::{Butterworth, PIECE_MARGIN_S, pieces};
use crate::metrics::{Step, StrikePattern};
use crate::recording::{Placement, Recording, STANDARD_GRAVITY_MPS2, TIE_SAMPLES};

/// Settings of the loading stage.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadingConfig {
    /// Low-pass cutoff of the braking signal, Hz.
    pub cutoff_hz: f64,
    /// Braking lasts at most this share of the step when toe-off is not known.
    pub max_braking_share: f64,
    /// Impact peak and the heel-strike transient are searched this long after IC, s.
    pub impact_window_s: f64,
    /// The transient is what the force does above this frequency, Hz.
    pub transient_cutoff_hz: f64,
    /// Steps whose transient ratio is above this are called rearfoot.
    pub rearfoot_transient_ratio: f64,
    /// A recording longer than this is filtered piece by piece, s (5 minutes), so that
    /// the stage's working signals do not grow with the run (see `in_pieces`).
    pub piece_s: f64,
}

impl Default for LoadingConfig {
    fn default() -> Self {
        LoadingConfig {
            cutoff_hz: 30.0,
            max_braking_share: 0.6,
            impact_window_s: 0.06,
            transient_cutoff_hz: 10.0,
            rearfoot_transient_ratio: 0.38,
            piece_s: 300.0,
        }
    }
}

/// Loading numbers of one step (index into the step list).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct StepLoading {
    /// Peak fore-aft deceleration in early stance, g (positive).
    pub braking_peak_g: Option<f64>,
    /// Forward speed lost while braking, m/s.
    pub braking_mps: Option<f64>,
    /// Peak vertical specific force after IC at the impact placement, g.
    pub impact_peak_g: Option<f64>,
    /// Vertical loading rate at the impact placement, g/s.
    pub loading_rate_g_per_s: Option<f64>,
    /// Heel-strike transient over the step's mean vertical force (pelvis or trunk).
    pub transient_ratio: Option<f64>,
    /// Strike pattern inferred from the transient (rearfoot or midfoot).
    pub inferred_pattern: Option<StrikePattern>,
    /// Duration of the braking phase, s (from IC to the first propulsive sample).
    pub braking_s: Option<f64>,
    /// How much further the body travelled while braking than at the step's mean speed
    /// would have taken it, m: `∫ (v − v̄) dt` over the braking phase, with `v − v̄` from
    /// the integrated fore-aft force (positive: it entered the step faster than its mean).
    pub braking_travel_excess_m: Option<f64>,
}

/// What the loading stage measures.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Loading {
    /// One per step of the step list.
    pub steps: Vec<StepLoading>,
    /// The sensor braking is measured at.
    pub braking_placement: Option<Placement>,
    /// The sensor impact is measured at.
    pub impact_placement: Option<Placement>,
    /// The sensor the strike pattern is inferred from.
    pub strike_placement: Option<Placement>,
}

fn first_present(recording: &Recording, order: &[Placement]) -> Option<(usize, Placement)> {
    order.iter().find_map(|&p| {
        recording
            .streams
            .iter()
            .position(|s| s.placement == p)
            .map(|i| (i, p))
    })
}

impl LoadingConfig {
    /// Braking, impact and the inferred strike pattern of every step in `steps`.
    pub fn process(&self, recording: &Recording, aligned: &[Aligned], steps: &[Step]) -> Loading {
        let mut out = Loading {
            steps: vec![StepLoading::default(); steps.len()],
            ..Loading::default()
        };
        let rate = recording.rate_hz;
        let trunk_borne = [Placement::Pelvis, Placement::Trunk];
        if let Some((i, p)) = first_present(recording, &trunk_borne) {
            out.braking_placement = Some(p);
            out.strike_placement = Some(p);
            let sign = self.braking(recording, &aligned[i], steps, &mut out.steps);
            self.transient(recording, &aligned[i], steps, sign, &mut out.steps);
        }
        // impact: the sensor nearest the ground, on the step's own leg when it is known
        let order = [
            Placement::LeftShank,
            Placement::RightShank,
            Placement::LeftFoot,
            Placement::RightFoot,
            Placement::Pelvis,
            Placement::Trunk,
        ];
        if let Some((_, p)) = first_present(recording, &order) {
            out.impact_placement = Some(p);
            let wanted = p.segment();
            for (k, step) in steps.iter().enumerate() {
                // the same segment on the step's side, or any one of that segment
                let stream = recording
                    .streams
                    .iter()
                    .position(|s| {
                        s.placement.segment() == wanted && s.placement.side() == step.side
                    })
                    .or_else(|| {
                        (step.side == crate::recording::Side::Unknown
                            || !matches!(
                                wanted,
                                crate::recording::Segment::Shank | crate::recording::Segment::Foot
                            ))
                        .then(|| {
                            recording
                                .streams
                                .iter()
                                .position(|s| s.placement.segment() == wanted)
                        })
                        .flatten()
                    });
                let Some(j) = stream else { continue };
                let v = aligned[j].vertical_g();
                let i0 = recording.sample_index(step.initial_contact_s);
                // the window's last sample: the last at or before its end
                let end =
                    (step.initial_contact_s + self.impact_window_s - recording.start_s) * rate;
                let last = (end + TIE_SAMPLES).floor() as isize;
                if i0 < 1 || last < i0 + 1 || last as usize >= v.len() {
                    continue;
                }
                let i0 = i0 as usize;
                let (ip, peak) = (i0..=last as usize).map(|i| (i, v.at(i))).fold(
                    (i0, f64::NEG_INFINITY),
                    |b, x| if x.1 > b.1 { x } else { b },
                );
                out.steps[k].impact_peak_g = Some(peak);
                // from the contact itself, between samples where it falls between them
                let at = (step.initial_contact_s - recording.start_s) * rate;
                let below = (at.floor() as usize).clamp(i0 - 1, i0);
                let w = (at - below as f64).clamp(0.0, 1.0);
                let at_contact = v.at(below) + w * (v.at(below + 1) - v.at(below));
                let rise_s = (ip as f64 - below as f64 - w) / rate;
                if ip > i0 && rise_s > 0.0 {
                    out.steps[k].loading_rate_g_per_s = Some((peak - at_contact) / rise_s);
                }
            }
        }
        out
    }

    /// Braking per step; returns the sign that makes the forward axis point forward.
    fn braking(
        &self,
        recording: &Recording,
        aligned: &Aligned,
        steps: &[Step],
        out: &mut [StepLoading],
    ) -> f64 {
        let rate = recording.rate_hz;
        let Ok(lp) = Butterworth::low_pass(2, self.cutoff_hz.min(0.45 * rate), rate) else {
            return 1.0;
        };
        let n = aligned.len();
        let level = Level::of(recording, aligned, steps);
        // per step: the mean-removed fore-aft signal from IC to the next IC
        let spans: Vec<Option<(usize, usize, usize)>> = steps
            .iter()
            .map(|s| {
                let (i0, i1) = step_samples(recording, s, n, 4)?;
                let step_s = s.step_s?;
                let end_s = s
                    .toe_off_s
                    .map(|to| to - s.initial_contact_s)
                    .unwrap_or(self.max_braking_share * step_s)
                    .min(self.max_braking_share * step_s);
                let ie = (i0 as isize + (end_s * rate).round() as isize).min(i1 as isize);
                Some((i0, ie as usize, i1))
            })
            .collect();
        // the sign votes over every step: each step is measured both ways round where the
        // sign is not known, and keeps the one the vote picks
        let known = aligned.axes.forward_sign_known;
        let early = ((0.04 * rate).round() as usize).max(1);
        let mut vote = 0.0;
        let mut ways: Vec<[Option<Braking>; 2]> = vec![[None; 2]; steps.len()];
        let filtered = |lo: usize, hi: usize| lp.filtfilt(&level.over(aligned, lo..hi));
        in_pieces(
            n,
            self.pieces(rate, n),
            &spans,
            filtered,
            |k, (i0, ie, _), w| {
                let m = w.iter().sum::<f64>() / w.len() as f64;
                let c: Vec<f64> = w.iter().map(|x| x - m).collect();
                if !known {
                    vote += c[..early.min(c.len())].iter().sum::<f64>();
                }
                // from the contact itself, which may fall between samples before `i0`
                let first_s = recording.time_s(i0) - steps[k].initial_contact_s;
                ways[k][0] = braking_of(&c, ie - i0, 1.0, rate, first_s);
                if !known {
                    ways[k][1] = braking_of(&c, ie - i0, -1.0, rate, first_s);
                }
            },
        );
        let sign = if !known && vote > 0.0 { -1.0 } else { 1.0 };
        for (o, w) in out.iter_mut().zip(&ways) {
            if let Some(b) = w[usize::from(sign < 0.0)] {
                o.braking_peak_g = Some(b.peak_g);
                o.braking_mps = Some(b.lost_mps);
                o.braking_s = Some(b.duration_s);
                o.braking_travel_excess_m = Some(b.travel_excess_m);
            }
        }
        sign
    }

    /// The heel-strike transient of every step (see the module header), with `sign` the
    /// forward axis' sign from [`braking`](Self::braking).
    fn transient(
        &self,
        recording: &Recording,
        aligned: &Aligned,
        steps: &[Step],
        sign: f64,
        out: &mut [StepLoading],
    ) {
        let rate = recording.rate_hz;
        let Ok(lp) = Butterworth::low_pass(2, self.transient_cutoff_hz.min(0.45 * rate), rate)
        else {
            return;
        };
        let (v, f) = (aligned.vertical_g(), aligned.forward_g());
        let n = v.len();
        let window = ((self.impact_window_s * rate).round() as isize).max(2);
        let spans: Vec<Option<(usize, usize, usize)>> = steps
            .iter()
            .map(|s| {
                let (i0, i1) = step_samples(recording, s, n, window)?;
                Some((i0, i0 + window as usize, i1))
            })
            .collect();
        // the fore-aft force less its low-passed self, over each step's first `window`
        let beyond = |lo: usize, hi: usize| {
            let raw = f.slice(lo..hi);
            let smooth = lp.filtfilt(&raw);
            raw.iter().zip(&smooth).map(|(x, s)| x - s).collect()
        };
        in_pieces(
            n,
            self.pieces(rate, n),
            &spans,
            beyond,
            |k, (i0, ie, i1), w| {
                let mean_v = v.mean(i0..i1);
                if mean_v <= 0.1 {
                    return;
                }
                let peak = w[..ie - i0].iter().map(|d| -sign * d).fold(0.0, f64::max);
                let ratio = peak / mean_v;
                out[k].transient_ratio = Some(ratio);
                if steps[k].activity == Activity::Running {
                    out[k].inferred_pattern = Some(if ratio > self.rearfoot_transient_ratio {
                        StrikePattern::Rearfoot
                    } else {
                        StrikePattern::Midfoot
                    });
                }
            },
        );
    }

    /// A piece's length and its margin in samples at `rate`, for a stream of `n` samples
    /// (see [`in_pieces`]).
    fn pieces(&self, rate: f64, n: usize) -> (usize, usize) {
        (
            ((self.piece_s * rate).min(n as f64) as usize).max(1),
            (PIECE_MARGIN_S * rate).ceil() as usize,
        )
    }
}

/// The samples of step `s` from its IC to the next IC, `(i0, i1)`: `None` without a next
/// IC, or unless they lie within the `n` samples and span at least `min_len`.
fn step_samples(
    recording: &Recording,
    s: &Step,
    n: usize,
    min_len: isize,
) -> Option<(usize, usize)> {
    let i0 = recording.sample_index(s.initial_contact_s);
    let i1 = recording.sample_index(s.initial_contact_s + s.step_s?);
    (i0 >= 0 && i1 as usize <= n && i1 - i0 >= min_len).then_some((i0 as usize, i1 as usize))
}

/// Calls `each(k, span, w)` for every step `k` with a span `(i0, ie, i1)` in `spans`, with
/// `w` the samples `i0..i1` of the signal that `signal(lo, hi)` gives for samples `lo..hi`
/// of the stream (`n` samples). A stream longer than `piece` samples is worked on piece
/// by piece, each from `margin` samples before it to `margin` after it and as far again
/// as the longest step reaches, so that the working signals stay the size of a piece; a
/// step belongs to the piece its IC falls in. Steps come in their order.
fn in_pieces(
    n: usize,
    (piece, margin): (usize, usize),
    spans: &[Option<(usize, usize, usize)>],
    signal: impl Fn(usize, usize) -> Vec<f64>,
    mut each: impl FnMut(usize, (usize, usize, usize), &[f64]),
) {
    let longest = spans
        .iter()
        .flatten()
        .map(|sp| sp.2 - sp.0)
        .max()
        .unwrap_or(0);
    for (own, seen) in pieces(0..n, piece, margin, margin + longest) {
        let mut f: Option<Vec<f64>> = None;
        for (k, sp) in spans.iter().enumerate() {
            let Some(sp) = sp.filter(|sp| own.contains(&sp.0)) else {
                continue;
            };
            let f = f.get_or_insert_with(|| signal(seen.start, seen.end));
            each(k, sp, &f[sp.0 - seen.start..sp.2 - seen.start]);
        }
    }
}

/// The braking phase of one step.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Braking {
    peak_g: f64,
    lost_mps: f64,
    duration_s: f64,
    travel_excess_m: f64,
}

/// The braking phase of one step from `c`, its fore-aft signal from IC to the next IC less
/// its mean (g), read with the forward axis' `sign`: from IC to the first propulsive
/// sample after the deepest braking in the first `len` samples. `first_s` is how long
/// after IC the first sample is. `None` for an empty step.
fn braking_of(c: &[f64], len: usize, sign: f64, rate: f64, first_s: f64) -> Option<Braking> {
    let c: Vec<f64> = c.iter().map(|x| sign * x).collect();
    let (imin, min) = c[..len.max(1)]
        .iter()
        .copied()
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))?;
    if min >= 0.0 {
        return Some(Braking {
            peak_g: 0.0,
            lost_mps: 0.0,
            duration_s: 0.0,
            travel_excess_m: 0.0,
        });
    }
    let end = (imin..len).find(|&i| c[i] > 0.0).unwrap_or(len);
    let lost_mps =
        c[..end].iter().map(|x| (-x).max(0.0)).sum::<f64>() / rate * STANDARD_GRAVITY_MPS2;
    // velocity relative to the step's start, trapezoid rule, m/s
    let span = c.len();
    let mut v = Vec::with_capacity(span);
    let mut acc = 0.0;
    for i in 0..span {
        if i > 0 {
            acc += 0.5 * (c[i - 1] + c[i]) * STANDARD_GRAVITY_MPS2 / rate;
        }
        v.push(acc);
    }
    let mean_v = v.iter().sum::<f64>() / span as f64;
    let travel_excess_m = v[..end].iter().map(|x| x - mean_v).sum::<f64>() / rate;
    // the zero crossing between the last braking and the first propulsive sample
    let crossing = if end > 0 && end < len && c[end] > c[end - 1] {
        end as f64 - 1.0 - c[end - 1] / (c[end] - c[end - 1])
    } else {
        end as f64
    };
    Some(Braking {
        peak_g: -min,
        lost_mps,
        duration_s: (crossing / rate + first_s).max(0.0),
        travel_excess_m,
    })
}

/// The fore-aft signal with the sensor's pitch taken out: a sensor tilted forward by `θ`
/// reads `forward cos θ + vertical sin θ`, so the stance's large vertical force leaks into
/// it as a false braking in mid-stance. Over the running steps the mean specific force is
/// gravity, straight up: `θ = atan2(mean forward, mean vertical)` there, and the level
/// fore-aft signal is `forward cos θ − vertical sin θ`. Zero for axes found from the data
/// (their up is the mean specific force already).
struct Level {
    /// `(sin θ, cos θ)`; `None` without running steps (the forward signal as it is).
    tilt: Option<(f64, f64)>,
}

impl Level {
    /// The tilt over the running steps of `steps`.
    fn of(recording: &Recording, aligned: &Aligned, steps: &[Step]) -> Level {
        let (forward_g, vertical_g) = (aligned.forward_g(), aligned.vertical_g());
        let n = aligned.len() as isize;
        let (mut sf, mut sv) = (0.0, 0.0);
        for s in steps.iter().filter(|s| s.activity == Activity::Running) {
            let Some(step_s) = s.step_s else { continue };
            let i0 = recording.sample_index(s.initial_contact_s).clamp(0, n) as usize;
            let i1 = recording
                .sample_index(s.initial_contact_s + step_s)
                .clamp(0, n) as usize;
            for i in i0..i1 {
                sf += forward_g.at(i);
                sv += vertical_g.at(i);
            }
        }
        Level {
            tilt: (sv > 0.0).then(|| sf.atan2(sv).sin_cos()),
        }
    }

    /// The level fore-aft signal over samples `range`, g.
    fn over(&self, aligned: &Aligned, range: std::ops::Range<usize>) -> Vec<f64> {
        let (forward_g, vertical_g) = (aligned.forward_g(), aligned.vertical_g());
        match self.tilt {
            Some((sin, cos)) => range
                .map(|i| forward_g.at(i) * cos - vertical_g.at(i) * sin)
                .collect(),
            None => forward_g.slice(range),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::alignment::align;
    use crate::recording::{Frame, InputUnits, Side, Stream};
    use nalgebra::Vector3;

    fn step(t: f64, step_s: f64) -> Step {
        Step {
            toe_off_s: Some(t + 0.25),
            contact_ms: Some(250.0),
            step_s: Some(step_s),
            ..Step::at(Side::Unknown, Activity::Running, t)
        }
    }

    fn pelvis(rate: f64, vertical: Vec<f64>, forward: Vec<f64>) -> Recording {
        let n = vertical.len();
        let acc = crate::recording::Axes3::from_vectors(
            (0..n).map(|i| Vector3::new(forward[i], 0.0, vertical[i]) * STANDARD_GRAVITY_MPS2),
        );
        Recording {
            source: "test".into(),
            rate_hz: rate,
            start_s: 0.0,
            frame: Frame::Body,
            streams: vec![Stream {
                placement: Placement::Pelvis,
                acc_mps2: acc,
                gyr_radps: None,
                mag: None,
            }],
            units: InputUnits {
                acc: crate::recording::AccUnit::G,
                acc_detected: false,
                gyr: None,
                gyr_detected: false,
            },
            warnings: Vec::new(),
        }
    }

    /// Steps of 0.35 s with 0.25 s half-sine stances (2.5 g peak) and a sine braking
    /// then propulsion of ±0.5 g; `transient_g` adds a 30 ms braking pulse at IC.
    fn signals(rate: f64, transient_g: f64) -> (Vec<f64>, Vec<f64>, Vec<Step>) {
        let (step_s, contact_s) = (0.35, 0.25);
        let n = (10.0 * rate) as usize;
        let (mut v, mut f) = (vec![0.0; n], vec![0.0; n]);
        for (i, (vi, fi)) in v.iter_mut().zip(f.iter_mut()).enumerate() {
            let tau = (i as f64 / rate) % step_s;
            if tau < contact_s {
                let x = tau / contact_s;
                *vi = 2.5 * (std::f64::consts::PI * x).sin();
                *fi = -0.5 * (2.0 * std::f64::consts::PI * x).sin();
            }
            let p = (tau - 0.0) / 0.03;
            if (0.0..1.0).contains(&p) {
                *fi -= transient_g * (std::f64::consts::PI * p).sin().powi(2);
            }
        }
        // the step means: vertical ≈ 1 g over a step for a 2.5 g half-sine of 0.25/0.35
        let steps = (1..27).map(|k| step(k as f64 * step_s, step_s)).collect();
        (v, f, steps)
    }

    #[test]
    fn braking_of_a_sine_is_its_amplitude_and_impulse() {
        let rate = 500.0;
        let (v, f, steps) = signals(rate, 0.0);
        let rec = pelvis(rate, v, f);
        let aligned = vec![align(&rec.streams[0], Frame::Body)];
        let out = LoadingConfig::default().process(&rec, &aligned, &steps);
        let s = out.steps[5];
        let peak = s.braking_peak_g.unwrap();
        assert!((peak - 0.5).abs() < 0.02, "peak {peak}");
        // ∫ 0.5 g sin over half of 0.25 s = 0.5 g · 0.25/π
        let expected = 0.5 * STANDARD_GRAVITY_MPS2 * 0.25 / std::f64::consts::PI;
        let lost = s.braking_mps.unwrap();
        assert!(
            (lost - expected).abs() < 0.03 * expected,
            "{lost} vs {expected}"
        );
        // the half sine still rises at the end of the impact window (which is included)
        let w = LoadingConfig::default().impact_window_s;
        let expected = 2.5 * (std::f64::consts::PI * w / 0.25).sin();
        let impact = s.impact_peak_g.unwrap();
        assert!(
            (impact - expected).abs() < 0.01,
            "impact {impact} vs {expected}"
        );
        let rate_g_per_s = s.loading_rate_g_per_s.unwrap();
        assert!((rate_g_per_s - expected / w).abs() < 0.01 * expected / w);
        assert_eq!(out.impact_placement, Some(Placement::Pelvis));
    }

    #[test]
    fn a_sharp_early_transient_reads_as_rearfoot() {
        let rate = 500.0;
        for (transient_g, want) in [
            (0.0, StrikePattern::Midfoot),
            (1.0, StrikePattern::Rearfoot),
        ] {
            let (v, f, steps) = signals(rate, transient_g);
            let rec = pelvis(rate, v, f);
            let aligned = vec![align(&rec.streams[0], Frame::Body)];
            let out = LoadingConfig::default().process(&rec, &aligned, &steps);
            let got: Vec<_> = out.steps[2..20]
                .iter()
                .map(|s| s.inferred_pattern.unwrap())
                .collect();
            assert!(got.iter().all(|p| *p == want), "{transient_g}: {got:?}");
        }
    }
}
