//! Events: initial contact (IC), toe-off (TO) and side of every step, per stream.
//!
//! Times are seconds on the recording's clock. Methods by placement:
//!
//! - **Pelvis, trunk** (vertical specific force, g): a runner's centre of mass is in free
//!   fall between steps, so the vertical specific force drops near 0 g in flight and
//!   rises above 1 g in stance. Each stance is one bump of the low-passed signal; IC is
//!   where the signal rises through `contact_g` before the bump, TO where it falls
//!   through it after. Without a flight phase (walking) IC is the steepest rise before
//!   the bump and TO is not given. Where the stance ends in a sharp bend of the signal
//!   shortly before that fall (the ground force stopping at toe-off, with soft tissue
//!   stretching the drop to the flight floor over 20–30 ms), TO is the bend instead.
//!   Side comes from the sideways push of each stance ([`side`]).
//! - **Foot with a gyroscope** (`events/foot.rs`): the sagittal angular velocity gives IC (the
//!   impact after the mid-swing rotation) and TO (the push-off rotation about the toes).
//! - **Foot without a gyroscope, shank** (acceleration, g, sensor axes): one impact per
//!   stride, followed stride by stride at the bout's rhythm; IC is the start of the
//!   impact's rise along the impact's own axis (the main direction of the impact peaks),
//!   on the raw signal. A running shank's TO is the moment its specific force turns
//!   away from the leg's axis fastest, once the ground's push along the leg is gone
//!   (`shank_toe_offs`); a foot without a gyroscope, or a walking shank, gets no TO.
//!   One sensor sees every other step.
//! - **Wrist**: one bump of the magnitude per step; IC at the bump, approximate.
//!
//! Physiological limits reject impossible events: steps closer than 0.6 of the bout's
//! step period are merged into the stronger one.

mod foot;
pub mod side;

use crate::alignment::Aligned;
use crate::bouts::{Activity, Bout};
use crate::dsp::peaks::find_peaks;
use crate::dsp::{Butterworth, PIECE_MARGIN_S, pieces};
use crate::error::Result;
use crate::recording::{
    Axes3, Placement, Recording, STANDARD_GRAVITY_MPS2, Segment, Side, Stream, Vectors, Window,
};
use nalgebra::{Matrix3, SymmetricEigen, Vector3};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

/// Leg sensors without a gyroscope: the impact's onset is searched this far before its
/// peak, s.
const IMPACT_ONSET_BACK_S: f64 = 0.08;
/// ... and the raw impact peak this close to the low-passed one, s.
const IMPACT_PEAK_NEAR_S: f64 = 0.03;

/// Initial-contact uncertainty of each placement's method, ms: the mean absolute error
/// of initial contact measured on real recordings against their reference, median over
/// recordings (`tools/score.py`, `ic mae`). `None` where no real reference was available.
///
/// | placement | ms | measured on |
/// |---|---|---|
/// | pelvis | 5.5 | alcantara-pelvis: 8 treadmill trials, sacrum, 500 Hz, force-plate contacts |
/// | shank | 8.3 | bach-shank: 2 treadmill runs, 142.857 Hz, force-plate contacts of that leg |
/// | foot with a gyroscope | 21.3 | gaitmap-foot-walk: a walk, 204.8 Hz, against gaitmap's own initial contacts (a peer's definition, not a force plate; on simulated runs the method is within 3 ms) |
///
/// Trunk, wrist and a foot without a gyroscope have no real reference yet.
pub fn event_uncertainty_ms(placement: Placement, has_gyroscope: bool) -> Option<f64> {
    match placement.segment() {
        Segment::Pelvis => Some(5.5),
        Segment::Shank => Some(8.3),
        Segment::Foot if has_gyroscope => Some(21.3),
        Segment::Foot | Segment::Trunk | Segment::Wrist => None,
    }
}

/// One foot contact.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// Which leg, when known.
    pub side: Side,
    /// Initial contact, s.
    pub initial_contact_s: f64,
    /// Toe-off, s, when the method gives it.
    pub toe_off_s: Option<f64>,
    /// The activity of the bout it belongs to.
    pub activity: Activity,
    /// Index of that bout in the bout list.
    pub bout: usize,
}

/// The contacts one stream saw.
#[derive(Debug, Clone, PartialEq)]
pub struct StreamContacts {
    /// The sensor.
    pub placement: Placement,
    /// True when the sensor sees only its own leg's contacts (every other step).
    pub one_leg: bool,
    /// Contacts in time order.
    pub contacts: Vec<Contact>,
}

/// Settings of event detection.
#[derive(Debug, Clone, PartialEq)]
pub struct EventConfig {
    /// Vertical specific force that marks contact at the pelvis or trunk, g. Contact is a
    /// vertical ground reaction force above ~50 N, about 0.07 body weights; the pelvis
    /// follows the centre of mass with some soft-tissue lag.
    pub contact_g: f64,
    /// Low-pass cutoff for the contact signals, Hz.
    pub signal_cutoff_hz: f64,
    /// Steps closer than this share of the step period are not separate steps.
    pub min_step_share: f64,
    /// Foot with a gyroscope: the impact that marks IC is searched from this long before
    /// the minimum of the sagittal angular velocity after the swing, s (gaitmap: 80 ms).
    pub foot_ic_before_s: f64,
    /// ... to this long after it, s (gaitmap: 50 ms).
    pub foot_ic_after_s: f64,
    /// Pelvis or trunk toe-off: a bend of the vertical specific force sharper than this
    /// (second derivative below minus this, g/s²) shortly before it falls through
    /// `contact_g` marks the onset of the final fall, i.e. the foot leaving the ground.
    pub to_bend_g_per_s2: f64,
    /// ... searched this long before the fall through `contact_g`, s.
    pub to_bend_window_s: f64,
    /// Shank toe-off: low-pass cutoff of the acceleration whose direction is followed, Hz.
    pub shank_to_cutoff_hz: f64,
    /// A bout longer than this is searched piece by piece, s: a long run's working
    /// signals then stay the size of a piece (a few MB per stream), not of the run. Five
    /// minutes hold some 400 strides, plenty for the statistics a method takes over what
    /// it searches (the foot's sagittal axis, the shank's impact axis).
    pub piece_s: f64,
}

impl Default for EventConfig {
    fn default() -> Self {
        EventConfig {
            contact_g: 0.15,
            signal_cutoff_hz: 20.0,
            min_step_share: 0.6,
            foot_ic_before_s: 0.08,
            foot_ic_after_s: 0.05,
            to_bend_g_per_s2: 1000.0,
            to_bend_window_s: 0.04,
            shank_to_cutoff_hz: 25.0,
            piece_s: 300.0,
        }
    }
}

impl EventConfig {
    /// Detects the contacts of every stream within the running and walking bouts.
    pub fn process(
        &self,
        recording: &Recording,
        aligned: &[Aligned],
        bouts: &[Bout],
    ) -> Result<Vec<StreamContacts>> {
        let rate = recording.rate_hz;
        let cutoff = self.signal_cutoff_hz.min(0.45 * rate);
        let lp = Butterworth::low_pass(2, cutoff, rate)?;
        // each sensor on its own core
        recording
            .streams
            .par_iter()
            .zip(aligned)
            .map(|(stream, al)| self.stream_contacts(recording, stream, al, bouts, &lp))
            .collect()
    }

    /// The contacts one stream saw within the running and walking bouts.
    fn stream_contacts(
        &self,
        recording: &Recording,
        stream: &Stream,
        al: &Aligned,
        bouts: &[Bout],
        lp: &Butterworth,
    ) -> Result<StreamContacts> {
        let rate = recording.rate_hz;
        let segment = stream.placement.segment();
        let one_leg = matches!(segment, Segment::Foot | Segment::Shank);
        let n = al.len();
        let margin = (PIECE_MARGIN_S * rate).ceil() as usize;
        let piece = ((self.piece_s * rate).min(n as f64) as usize).max(1);
        // the low-passed contact signal over `lo..hi`, filtered with `margin` samples of
        // the stream either side (a foot with a gyroscope times its events on the raw
        // magnitude)
        let signal = |lo: usize, hi: usize| -> Vec<f64> {
            let x = match (segment, &stream.gyr_radps) {
                (Segment::Pelvis | Segment::Trunk, _) => al.vertical_g(),
                (Segment::Foot, Some(_)) => return Vec::new(),
                _ => al.norm_g(),
            };
            let (a, b) = (lo.saturating_sub(margin), (hi + margin).min(n));
            let mut y = lp.filtfilt(&x.slice(a..b));
            y.truncate(hi - a);
            y.drain(..lo - a);
            y
        };
        let mut contacts: Vec<Contact> = Vec::new();
        for (b, bout) in bouts.iter().enumerate() {
            if !matches!(bout.activity, Activity::Running | Activity::Walking) {
                continue;
            }
            let i0 = ((bout.start_s - recording.start_s) * rate).max(0.0) as usize;
            let i1 = (((bout.end_s - recording.start_s) * rate) as usize).min(n);
            if i1 <= i0 + 4 {
                continue;
            }
            let step_hz = bout.step_hz.unwrap_or(2.8);
            let period = if one_leg {
                2.0 / step_hz
            } else {
                1.0 / step_hz
            };
            // pieces of at most `piece` samples (one, for a bout no longer), each
            // searched with `margin` more of the bout either side
            for (k, (own, seen)) in pieces(i0..i1, piece, margin, margin)
                .into_iter()
                .enumerate()
            {
                let (c0, c1, lo, hi) = (own.start, own.end, seen.start, seen.end);
                let found = self.piece_contacts(
                    stream,
                    al,
                    lo..hi,
                    &signal(lo, hi),
                    rate,
                    period,
                    step_hz,
                    bout,
                )?;
                let side = stream.placement.side();
                let min_gap = self.min_step_share * period;
                for (ic, to) in found {
                    // positions in the stream, exact for the whole and half samples the
                    // searches return: a piece times an event as one search over the
                    // bout does, to the last bit
                    let at = lo as f64 + ic;
                    if at < c0 as f64 || at >= c1 as f64 {
                        continue; // a neighbour's
                    }
                    let initial_contact_s = recording.time_at(at);
                    // a step at the seam of two pieces, seen by both
                    if k > 0
                        && contacts.last().is_some_and(|c| {
                            c.bout == b && initial_contact_s - c.initial_contact_s < min_gap
                        })
                    {
                        continue;
                    }
                    contacts.push(Contact {
                        side,
                        initial_contact_s,
                        toe_off_s: to.map(|t| recording.time_at(lo as f64 + t)),
                        activity: bout.activity,
                        bout: b,
                    });
                }
            }
        }
        // Braking tells the sign of a sensor-frame pelvis's horizontal axes; a trunk
        // pitches forward at each landing, which hides it there.
        if segment == Segment::Pelvis || (segment == Segment::Trunk && al.axes.forward_sign_known) {
            side::assign_sides(&mut contacts, al, rate, recording.start_s);
        }
        Ok(StreamContacts {
            placement: stream.placement,
            one_leg,
            contacts,
        })
    }

    /// The contacts of one stream within samples `range` of a bout, by its placement's
    /// method; `signal` is its low-passed contact signal over `range`. Initial contact and
    /// toe-off in samples from the start of `range`.
    #[allow(clippy::too_many_arguments)]
    fn piece_contacts(
        &self,
        stream: &Stream,
        al: &Aligned,
        range: std::ops::Range<usize>,
        signal: &[f64],
        rate: f64,
        period: f64,
        step_hz: f64,
        bout: &Bout,
    ) -> Result<Vec<(f64, Option<f64>)>> {
        let segment = stream.placement.segment();
        let (i0, i1) = (range.start, range.end);
        match (segment, &stream.gyr_radps) {
            (Segment::Pelvis | Segment::Trunk, _) => {
                self.trunk_contacts(signal, rate, period, step_hz)
            }
            (Segment::Foot, Some(g)) => {
                let gyr = Window {
                    of: g,
                    start: i0,
                    len: i1.min(g.len()).saturating_sub(i0),
                };
                self.foot_gyro_contacts(&al.norm_g().slice(i0..i1), &gyr, rate, period)
            }
            (Segment::Foot | Segment::Shank, _) => {
                let acc_g = InG(Window {
                    of: &stream.acc_mps2,
                    start: i0,
                    len: i1 - i0,
                });
                let toe_off = segment == Segment::Shank && bout.activity == Activity::Running;
                self.leg_contacts(signal, &acc_g, rate, period, toe_off)
            }
            (Segment::Wrist, _) => self.wrist_contacts(signal, rate, period, step_hz),
        }
    }

    /// Stance bumps of the vertical specific force; events in samples from the slice start.
    fn trunk_contacts(
        &self,
        v: &[f64],
        rate: f64,
        period_s: f64,
        step_hz: f64,
    ) -> Result<Vec<(f64, Option<f64>)>> {
        let smooth = Butterworth::low_pass(2, (2.0 * step_hz).min(0.45 * rate), rate)?.filtfilt(v);
        let min_dist = (self.min_step_share * period_s * rate) as usize;
        let peaks = find_peaks(&smooth, 1.0, min_dist.max(1));
        let reach = (0.6 * period_s * rate) as usize;
        let mut out = Vec::with_capacity(peaks.len());
        for (k, &p) in peaks.iter().enumerate() {
            // search no further back than the previous stance, no further on than the next
            let lo = p
                .saturating_sub(reach)
                .max(if k > 0 { peaks[k - 1] } else { 0 });
            let hi = (p + reach)
                .min(v.len() - 1)
                .min(peaks.get(k + 1).copied().unwrap_or(usize::MAX));
            let ic = (lo..p)
                .rev()
                .find(|&i| v[i] < self.contact_g)
                .map(|i| crossing(v, i, self.contact_g));
            let ic = match ic {
                Some(t) => t,
                // a stance cut by the start of the bout has no visible contact
                None if lo == 0 => continue,
                None => steepest_rise(v, lo, p) as f64,
            };
            let to = (p..hi).find(|&i| v[i + 1] < self.contact_g).map(|i| {
                let level = crossing(v, i, self.contact_g);
                fall_onset(v, p, i, rate, self.to_bend_g_per_s2, self.to_bend_window_s)
                    .map_or(level, |onset| onset.min(level))
            });
            // two contacts closer than a step allows are one step seen twice
            if out.last().is_some_and(|&(last, _): &(f64, Option<f64>)| {
                ic - last < self.min_step_share * period_s * rate
            }) {
                continue;
            }
            out.push((ic, to));
        }
        Ok(out)
    }

    /// One impact per stride, found by walking along the bout one stride at a time: the
    /// next impact is the largest low-passed acceleration magnitude (`acc_lp_g`)
    /// 0.7–1.3 strides after the last one, so no stride is skipped or counted twice while
    /// the rhythm holds. IC is where the impact begins along the impact's own axis: the
    /// raw acceleration (`acc_g`, sensor axes, g) is projected on the main direction of
    /// the impact peaks (signed so that the impacts are positive), and IC is the last
    /// local minimum of that projection before the impact peak, placed half a sample
    /// after it ([`foot::onset_sample`]).
    ///
    /// Physics: the ground stops the foot at IC; the impact peak of the shank follows some
    /// 15–35 ms later, while the heel pad and shoe compress. Along the impact's axis the
    /// late-swing deceleration of the leg turns into the impact's rise at contact, which
    /// is the last minimum before the peak. The magnitude mixes in the other axes (the
    /// swing's centripetal acceleration) and smears that turn, and a low-pass filter moves
    /// it, so the raw projection is used.
    ///
    /// With `toe_off` (a running shank) each contact also gets its toe-off
    /// ([`shank_toe_offs`]).
    fn leg_contacts(
        &self,
        acc_lp_g: &[f64],
        acc_g: &(impl Vectors + ?Sized),
        rate: f64,
        stride_s: f64,
        toe_off: bool,
    ) -> Result<Vec<(f64, Option<f64>)>> {
        let n = acc_lp_g.len().min(acc_g.len());
        let impacts = stride_walk(&acc_lp_g[..n], stride_s * rate);
        let back = (IMPACT_ONSET_BACK_S * rate).ceil() as usize;
        let near = (IMPACT_PEAK_NEAR_S * rate).ceil() as usize;
        // the raw impact peak near each low-passed one
        let peaks: Vec<usize> = impacts
            .into_iter()
            .filter_map(|p| {
                (p.saturating_sub(near)..(p + near + 1).min(n))
                    .max_by(|&a, &b| acc_g.at(a).norm().total_cmp(&acc_g.at(b).norm()))
            })
            .filter(|&p| p > back && p + 1 < n)
            .collect();
        let (along, peaks) = match impact_axis(acc_g, &peaks) {
            Some(u) => {
                // the impacts stand out more along their axis than in the magnitude,
                // which a mid-stance or swing bump can top: walk the strides again on it
                let along: Vec<f64> = (0..n).map(|i| acc_g.at(i).dot(&u)).collect();
                let peaks = stride_walk(&along, stride_s * rate)
                    .into_iter()
                    .filter(|&p| p > back && p + 1 < n)
                    .collect();
                (along, peaks)
            }
            None => ((0..n).map(|i| acc_g.at(i).norm()).collect(), peaks),
        };
        let ics: Vec<f64> = peaks
            .into_iter()
            .map(|p| {
                let from = p - back;
                let start = (from.max(1)..p)
                    .rev()
                    .find(|&i| along[i] <= along[i - 1] && along[i] <= along[i + 1])
                    .unwrap_or(from);
                foot::onset_sample(start)
            })
            .collect();
        let tos = if toe_off {
            let lp = Butterworth::low_pass(2, self.shank_to_cutoff_hz.min(0.45 * rate), rate)?;
            let acc_g = Window {
                of: acc_g,
                start: 0,
                len: n,
            };
            shank_toe_offs(&acc_g, &ics, stride_s * rate, rate, &lp)
        } else {
            vec![None; ics.len()]
        };
        Ok(ics.into_iter().zip(tos).collect())
    }

    /// One bump of the magnitude per step, in samples from the slice start.
    fn wrist_contacts(
        &self,
        x: &[f64],
        rate: f64,
        period_s: f64,
        step_hz: f64,
    ) -> Result<Vec<(f64, Option<f64>)>> {
        let smooth = Butterworth::low_pass(2, (1.5 * step_hz).min(0.45 * rate), rate)?.filtfilt(x);
        let min_dist = (self.min_step_share * period_s * rate) as usize;
        Ok(find_peaks(&smooth, 1.0, min_dist.max(1))
            .into_iter()
            .map(|p| (p as f64, None))
            .collect())
    }
}

/// Toe-off of each running shank contact (`ics`, samples), in samples; `None` where the
/// stride shows no clear toe-off. `stride` in samples, `lp` the low-pass applied to each
/// axis of `acc_g` (sensor axes, g) first.
///
/// Physics: in stance the ground pushes the leg along its length, so the shank's specific
/// force keeps near its mean direction over the stride (the leg's axis). When the foot
/// leaves the ground that push is gone and the swing takes over: the direction turns
/// away from the mean fastest just then, and on until it is furthest from it some 20 ms
/// later, as the knee flexes. So the peak of the angle from the mean direction in
/// 0.2–0.6 strides after IC is found, and TO is the steepest rise of that angle nearest
/// before it (the last local maximum of its rate within 0.1 s; none, no TO), placed
/// between its two samples. Angles are free of how the sensor is mounted.
///
/// Checked on force-plate running (bach-shank), not on the simulator: its two-link
/// shank, posed by inverse kinematics without the ground's push, has no such turn at
/// toe-off, and simulated shank contact times read about 168 ms whatever the truth.
fn shank_toe_offs(
    acc_g: &(impl Vectors + ?Sized),
    ics: &[f64],
    stride: f64,
    rate: f64,
    lp: &Butterworth,
) -> Vec<Option<f64>> {
    let n = acc_g.len();
    let axis = |k: usize| lp.filtfilt(&acc_g.samples().map(|a| a[k]).collect::<Vec<f64>>());
    let (x, y, z) = (axis(0), axis(1), axis(2));
    let sum = (0..n).fold(Vector3::zeros(), |m, i| m + Vector3::new(x[i], y[i], z[i]));
    let Some(mean) = sum.try_normalize(1e-12) else {
        return vec![None; ics.len()];
    };
    let angle: Vec<f64> = (0..n)
        .map(|i| {
            let v = Vector3::new(x[i], y[i], z[i]);
            v.cross(&mean).norm().atan2(v.dot(&mean))
        })
        .collect();
    let rise = |j: usize| angle[j + 1] - angle[j];
    let back = (0.1 * rate).ceil() as usize;
    ics.iter()
        .enumerate()
        .map(|(k, &ic)| {
            let next = ics.get(k + 1).copied().unwrap_or(f64::INFINITY);
            let lo = (ic + 0.2 * stride).ceil() as usize;
            let hi = ((ic + 0.6 * stride).min(next).floor() as usize).min(n);
            let peak = (lo..hi).max_by(|&a, &b| angle[a].total_cmp(&angle[b]))?;
            // a peak on the window's edge is not the swing's turn
            if peak == lo || peak + 1 == hi {
                return None;
            }
            let j = (peak.saturating_sub(back).max(1)..peak)
                .rev()
                .find(|&j| rise(j) >= rise(j - 1) && rise(j) > rise(j + 1))?;
            let to = j as f64 + 0.5;
            (to > ic).then_some(to)
        })
        .collect()
}

/// The main direction of the acceleration at the impact peaks `peaks` (unit vector,
/// signed so that the impacts read positive); `None` with fewer than three impacts.
fn impact_axis(acc_g: &(impl Vectors + ?Sized), peaks: &[usize]) -> Option<Vector3<f64>> {
    if peaks.len() < 3 {
        return None;
    }
    let scatter = peaks.iter().fold(Matrix3::zeros(), |m, &p| {
        let a = acc_g.at(p);
        m + a * a.transpose()
    });
    let eig = SymmetricEigen::new(scatter);
    let u = eig.eigenvectors.column(eig.eigenvalues.imax()).into_owned();
    let sum: f64 = peaks.iter().map(|&p| acc_g.at(p).dot(&u)).sum();
    Some(if sum < 0.0 { -u } else { u })
}

/// A stretch of a stream's accelerometer in g, read in place (sensor axes).
struct InG<'a>(Window<'a, Axes3>);

impl Vectors for InG<'_> {
    fn len(&self) -> usize {
        self.0.len
    }
    #[inline]
    fn at(&self, i: usize) -> Vector3<f64> {
        self.0.at(i) / STANDARD_GRAVITY_MPS2
    }
}

/// Maxima of `x`, the first within one stride, each next 0.7–1.3 strides after the last.
fn stride_walk(x: &[f64], stride: f64) -> Vec<usize> {
    let n = x.len();
    let argmax = |lo: usize, hi: usize| (lo..hi.min(n)).max_by(|&a, &b| x[a].total_cmp(&x[b]));
    let Some(first) = argmax(0, stride.ceil() as usize) else {
        return Vec::new();
    };
    let mut out = vec![first];
    loop {
        let last = out[out.len() - 1] as f64;
        let (lo, hi) = (
            (last + 0.7 * stride) as usize,
            (last + 1.3 * stride).ceil() as usize,
        );
        if hi > n {
            break;
        }
        match argmax(lo, hi) {
            Some(p) => out.push(p),
            None => break,
        }
    }
    out
}

/// Where `v` crosses `level` between samples `i` and `i + 1`, in samples.
fn crossing(v: &[f64], i: usize, level: f64) -> f64 {
    let (a, b) = (v[i], v[i + 1]);
    let w = if (b - a).abs() > 1e-12 {
        ((level - a) / (b - a)).clamp(0.0, 1.0)
    } else {
        0.0
    };
    i as f64 + w
}

/// Onset of the final fall of a trunk-borne stance bump (peak at `peak`, falling through
/// the contact level between `cross` and `cross + 1`): the latest sharp bend (a local
/// minimum of the second derivative below `-bend_g_per_s2`) within `window_s` before the
/// fall through the level, in samples; `None` when the stance ends without one.
///
/// Physics: the vertical ground reaction force stops when the foot leaves the ground, so
/// the vertical specific force leaves its late-stance course with a sharp bend and drops
/// to the flight floor. At the sacrum soft tissue (and any low-pass filter applied before
/// runform) stretches that drop over 20–30 ms, so an absolute level is reached late; the
/// bend where the drop begins is not delayed. A stance that ends smoothly (the force
/// easing to zero) has no such bend, and the level crossing stands.
fn fall_onset(
    v: &[f64],
    peak: usize,
    cross: usize,
    rate: f64,
    bend_g_per_s2: f64,
    window_s: f64,
) -> Option<f64> {
    let d2 = |i: usize| (v[i + 1] - 2.0 * v[i] + v[i - 1]) * rate * rate;
    let lo = (peak + 2).max(cross.saturating_sub((window_s * rate).round() as usize));
    (lo..cross.min(v.len().saturating_sub(2)))
        .rev()
        .find(|&i| {
            let c = d2(i);
            c < -bend_g_per_s2 && c < d2(i - 1) && c <= d2(i + 1)
        })
        .map(|i| i as f64)
}

/// The sample in `lo..hi` after which `v` rises most.
fn steepest_rise(v: &[f64], lo: usize, hi: usize) -> usize {
    (lo..hi.max(lo + 1))
        .filter(|&i| i + 1 < v.len())
        .max_by(|&a, &b| (v[a + 1] - v[a]).total_cmp(&(v[b + 1] - v[b])))
        .unwrap_or(lo)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A running pelvis: 0 g in flight, a half-sine stance of peak 2.5 g.
    fn pelvis(rate: f64, step_s: f64, contact_s: f64, steps: usize) -> Vec<f64> {
        (0..(rate * step_s * steps as f64) as usize)
            .map(|i| {
                let ph = (i as f64 / rate) % step_s;
                if ph < contact_s {
                    2.5 * (std::f64::consts::PI * ph / contact_s).sin()
                } else {
                    0.0
                }
            })
            .collect()
    }

    #[test]
    fn pelvis_contacts_come_from_the_flight_gaps() {
        let rate = 500.0;
        let v = pelvis(rate, 0.32, 0.22, 10);
        let c = EventConfig::default()
            .trunk_contacts(&v, rate, 0.32, 1.0 / 0.32)
            .unwrap();
        assert_eq!(c.len(), 10);
        for (k, (ic, to)) in c.iter().enumerate().skip(1) {
            let (ic, to) = (ic / rate, to.map(|t| t / rate));
            let true_ic = k as f64 * 0.32;
            // the half-sine reaches 0.15 g 6 ms after contact, and leaves it 6 ms before toe-off
            assert!((ic - true_ic).abs() < 0.008, "step {k}: {ic} vs {true_ic}");
            assert!((to.unwrap() - (true_ic + 0.22)).abs() < 0.008);
        }
    }

    /// A sacrum whose reading lags toe-off: a sine stance that is cut at toe-off
    /// (0.22 s, still 1.2 g) and then takes 30 ms to fall to the flight floor.
    #[test]
    fn pelvis_toe_off_is_the_onset_of_the_final_fall() {
        let (rate, step_s, to_s) = (500.0, 0.32, 0.22);
        let v: Vec<f64> = (0..(rate * step_s * 10.0) as usize)
            .map(|i| {
                let ph = (i as f64 / rate) % step_s;
                let at_to = 2.5 * (std::f64::consts::PI * to_s / 0.26).sin();
                if ph < to_s {
                    2.5 * (std::f64::consts::PI * ph / 0.26).sin()
                } else if ph < to_s + 0.03 {
                    at_to * (1.0 - (ph - to_s) / 0.03)
                } else {
                    0.0
                }
            })
            .collect();
        let c = EventConfig::default()
            .trunk_contacts(&v, rate, step_s, 1.0 / step_s)
            .unwrap();
        assert_eq!(c.len(), 10);
        for (k, (ic, to)) in c.iter().enumerate().skip(1) {
            let true_to = k as f64 * step_s + to_s;
            // the level crossing alone would read 26 ms late
            let to = to.unwrap() / rate;
            assert!((to - true_to).abs() < 0.004, "step {k}: {to} vs {true_to}");
            assert!(ic / rate < to);
        }
    }

    #[test]
    fn fall_onset_needs_a_sharp_bend() {
        // a straight fall has no bend; a corner has one (at sample 3)
        let straight = [2.0, 1.8, 1.6, 1.4, 1.2, 1.0, 0.8, 0.6, 0.4, 0.2, 0.1];
        assert_eq!(fall_onset(&straight, 0, 9, 100.0, 1000.0, 0.1), None);
        let corner = [1.0, 1.0, 1.0, 1.0, 0.7, 0.4, 0.1, 0.0, 0.0];
        let t = fall_onset(&corner, 0, 5, 100.0, 1000.0, 0.1).unwrap();
        assert_eq!(t, 3.0);
    }

    /// A shank at 200 Hz with its impact axis between sensor x and y: the leg decelerates
    /// (−1 g along the axis) for 50 ms before contact, the impact rises to 6 g in 20 ms,
    /// and a wide 3 g mid-stance bump along z follows.
    #[test]
    fn shank_contact_is_the_start_of_the_impact_along_its_axis() {
        let (rate, stride_s, ic_s) = (200.0, 0.7, 0.3);
        let u = Vector3::new(0.6, -0.8, 0.0);
        let acc: Vec<Vector3<f64>> = (0..(rate * stride_s * 8.0) as usize)
            .map(|i| {
                let ph = (i as f64 / rate) % stride_s - ic_s;
                let along = if (-0.05..0.0).contains(&ph) {
                    -(ph + 0.05) / 0.05
                } else if (0.0..0.02).contains(&ph) {
                    -1.0 + 7.0 * ph / 0.02
                } else if (0.02..0.05).contains(&ph) {
                    6.0 * (0.05 - ph) / 0.03
                } else {
                    0.0
                };
                let bump = if (0.05..0.25).contains(&ph) {
                    3.0 * (std::f64::consts::PI * (ph - 0.05) / 0.2).sin()
                } else {
                    0.0
                };
                u * along + Vector3::new(0.0, 0.0, 1.0 + bump)
            })
            .collect();
        let norm: Vec<f64> = acc.iter().map(|a| a.norm()).collect();
        let lp = Butterworth::low_pass(2, 20.0, rate)
            .unwrap()
            .filtfilt(&norm);
        let c = EventConfig::default()
            .leg_contacts(&lp, acc.as_slice(), rate, stride_s, false)
            .unwrap();
        assert!(c.len() >= 7, "{c:?}");
        for (ic, to) in c {
            let ic = ic / rate;
            let k = (ic / stride_s).floor();
            let err = ic - (k * stride_s + ic_s);
            assert!(err.abs() < 0.5 / rate + 1e-9, "IC {ic}: {err}");
            assert!(to.is_none());
        }
    }

    /// A running shank at 200 Hz, mounted at an arbitrary angle: in stance the ground's
    /// push keeps its specific force along the leg; from toe-off it turns 110° away in
    /// the sagittal plane (fastest at toe-off, a smooth step 8 ms wide), then back over
    /// the swing.
    #[test]
    fn shank_toe_off_is_where_the_force_turns_from_the_leg_fastest() {
        let (rate, stride_s, contact_s) = (200.0, 0.72, 0.26);
        let mount = nalgebra::Rotation3::from_euler_angles(0.7, -0.4, 1.9);
        let (leg, ahead) = (Vector3::z(), Vector3::x());
        let acc: Vec<Vector3<f64>> = (0..(rate * stride_s * 8.0) as usize)
            .map(|i| {
                let t = (i as f64 / rate) % stride_s;
                let (dt, tau) = (t - contact_s, 0.008);
                let turn = 110f64.to_radians() / (1.0 + (-dt / tau).exp())
                    * (-(dt - 0.02).max(0.0) / 0.1).exp();
                let size = if t < contact_s {
                    1.0 + 1.5 * (std::f64::consts::PI * t / contact_s).sin()
                } else {
                    1.2
                };
                mount * ((leg * turn.cos() + ahead * turn.sin()) * size)
            })
            .collect();
        let ics: Vec<f64> = (0..8).map(|k| k as f64 * stride_s * rate).collect();
        let lp = Butterworth::low_pass(2, 25.0, rate).unwrap();
        let tos = shank_toe_offs(acc.as_slice(), &ics, stride_s * rate, rate, &lp);
        assert_eq!(tos.len(), 8);
        assert!(tos.iter().filter(|t| t.is_some()).count() >= 7, "{tos:?}");
        for (k, to) in tos.iter().enumerate() {
            if let Some(to) = to {
                let err_s = to / rate - (k as f64 * stride_s + contact_s);
                assert!(err_s.abs() <= 0.003, "stride {k}: {err_s} s");
            }
        }
        // a stride without the turn (the force stays on the leg) has no toe-off
        let still: Vec<Vector3<f64>> = acc.iter().map(|_| mount * leg).collect();
        assert!(
            shank_toe_offs(still.as_slice(), &ics, stride_s * rate, rate, &lp)
                .iter()
                .all(Option::is_none)
        );
    }

    #[test]
    fn uncertainty_is_given_only_where_measured() {
        assert_eq!(event_uncertainty_ms(Placement::Pelvis, false), Some(5.5));
        assert_eq!(event_uncertainty_ms(Placement::LeftShank, false), Some(8.3));
        assert_eq!(event_uncertainty_ms(Placement::RightFoot, true), Some(21.3));
        assert_eq!(event_uncertainty_ms(Placement::RightFoot, false), None);
        assert_eq!(event_uncertainty_ms(Placement::Trunk, true), None);
    }

    #[test]
    fn crossing_interpolates() {
        assert_eq!(crossing(&[0.0, 1.0], 0, 0.25), 0.25);
        assert_eq!(crossing(&[0.0, 0.0, 2.0, 4.0], 2, 3.5), 2.75);
    }
}
