//! Metrics: per-step timing and the run's summary (cadence, contact, flight, duty factor),
//! with an FFT cross-check of cadence and cadence over time.
//!
//! Definitions (the simulator's truth uses the same): `step_s` is the time from a step's
//! initial contact to the next step's (the other foot's); `stride_s` to the same foot's
//! next; `contact_ms` from initial contact to toe-off; `flight_ms` from toe-off to the next
//! step's initial contact. Summary values are over **running** steps only: `cadence_spm`
//! = 60 / mean `step_s` (120 / mean `stride_s` when one leg's sensor is all there is).

use crate::alignment::Aligned;
use crate::bouts::{Activity, Bout};
use crate::dsp::spectrum::{Welch, dominant_frequency};
use crate::events::{Contact, StreamContacts, event_uncertainty_ms};
use crate::recording::{Placement, Recording, Segment, Side};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One step as reported.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    /// Which foot.
    pub side: Side,
    /// Activity of its bout.
    pub activity: Activity,
    /// Initial contact, s.
    pub initial_contact_s: f64,
    /// Toe-off, s.
    pub toe_off_s: Option<f64>,
    /// Ground contact time, ms.
    pub contact_ms: Option<f64>,
    /// Flight time to the next step, ms (negative = double support).
    pub flight_ms: Option<f64>,
    /// Time to the next step's initial contact, s.
    pub step_s: Option<f64>,
    /// Time to the same foot's next initial contact, s.
    pub stride_s: Option<f64>,
    /// Foot-strike angle: the sole's angle to the ground at initial contact relative to
    /// its flat-stance angle, degrees (positive = toes up, heel first).
    pub strike_angle_deg: Option<f64>,
    /// Foot-strike pattern of this step (`rearfoot`, `midfoot`, `forefoot`).
    pub strike_pattern: Option<StrikePattern>,
    /// Landing distance: how far ahead of the pelvis the foot lands at initial contact, cm.
    pub overstride_cm: Option<f64>,
    /// Distance covered from this initial contact to the next step's, m.
    pub step_length_m: Option<f64>,
    /// Peak fore-aft deceleration of the pelvis (or trunk) in early stance, g.
    pub braking_peak_g: Option<f64>,
    /// Peak vertical acceleration after initial contact at [`Summary::impact_placement`], g.
    pub impact_peak_g: Option<f64>,
    /// Peak-to-peak height of the pelvis (or trunk) over the stride that starts at this
    /// step, mm (see [`oscillation`](crate::oscillation)).
    pub vertical_oscillation_mm: Option<f64>,
    /// Range of pelvis roll over this step's stance, degrees.
    pub pelvic_drop_deg: Option<f64>,
    /// Peak-to-peak trunk yaw over the stride that starts at this step, drift removed,
    /// degrees.
    pub trunk_rotation_deg: Option<f64>,
    /// Peak-to-peak pelvis yaw over the stride that starts at this step, degrees.
    pub pelvis_rotation_deg: Option<f64>,
    /// Peak-to-peak of trunk yaw − pelvis yaw over the stride, degrees.
    pub trunk_pelvis_rotation_deg: Option<f64>,
    /// Correlation of trunk and pelvis yaw over the stride: +1 in phase, −1 anti-phase.
    pub trunk_pelvis_coupling: Option<f64>,
    /// Mean trunk lean from vertical over the stride, degrees, positive forward.
    pub forward_lean_deg: Option<f64>,
    /// Range of trunk pitch over the stride, degrees.
    pub forward_lean_range_deg: Option<f64>,
    /// Range of trunk roll over the stride (lateral sway), degrees.
    pub lateral_sway_deg: Option<f64>,
    /// Shank angle to the vertical at initial contact, degrees, positive when the ankle
    /// is ahead of the knee (see [`reach`](crate::reach)).
    pub tibia_angle_deg: Option<f64>,
}

impl Step {
    /// A step of `side` and `activity` landing at `initial_contact_s`, with nothing
    /// measured yet.
    pub fn at(side: Side, activity: Activity, initial_contact_s: f64) -> Step {
        Step {
            side,
            activity,
            initial_contact_s,
            toe_off_s: None,
            contact_ms: None,
            flight_ms: None,
            step_s: None,
            stride_s: None,
            strike_angle_deg: None,
            strike_pattern: None,
            overstride_cm: None,
            step_length_m: None,
            braking_peak_g: None,
            impact_peak_g: None,
            vertical_oscillation_mm: None,
            pelvic_drop_deg: None,
            trunk_rotation_deg: None,
            pelvis_rotation_deg: None,
            trunk_pelvis_rotation_deg: None,
            trunk_pelvis_coupling: None,
            forward_lean_deg: None,
            forward_lean_range_deg: None,
            lateral_sway_deg: None,
            tibia_angle_deg: None,
        }
    }
}

/// Cadence and contact over one stretch of running time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeSegment {
    /// Start, s.
    pub start_s: f64,
    /// End, s.
    pub end_s: f64,
    /// Steps counted.
    pub steps: usize,
    /// Cadence, steps/min.
    pub cadence_spm: Option<f64>,
    /// Mean ground contact, ms.
    pub ground_contact_ms: Option<f64>,
}

/// Rearfoot strikes are above this angle, degrees (Altman & Davis 2012).
pub const REARFOOT_DEG: f64 = 8.0;
/// Forefoot strikes are below this angle, degrees (Altman & Davis 2012).
pub const FOREFOOT_DEG: f64 = -1.6;

/// How a foot lands: the classes of Altman & Davis (2012) by strike angle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StrikePattern {
    /// Heel first (angle above the rearfoot threshold, 8° by default).
    Rearfoot,
    /// Flat (between the two thresholds).
    Midfoot,
    /// Ball of the foot first (angle below the forefoot threshold, −1.6° by default).
    Forefoot,
}

impl StrikePattern {
    /// The name used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            StrikePattern::Rearfoot => "rearfoot",
            StrikePattern::Midfoot => "midfoot",
            StrikePattern::Forefoot => "forefoot",
        }
    }

    /// The pattern of a strike angle (degrees, positive = toes up) with the default
    /// thresholds [`REARFOOT_DEG`] and [`FOREFOOT_DEG`].
    pub fn of_angle(angle_deg: f64) -> Self {
        if angle_deg > REARFOOT_DEG {
            StrikePattern::Rearfoot
        } else if angle_deg < FOREFOOT_DEG {
            StrikePattern::Forefoot
        } else {
            StrikePattern::Midfoot
        }
    }
}

/// Foot-strike summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FootStrike {
    /// The most common pattern.
    pub pattern: StrikePattern,
    /// Share of steps per pattern, %.
    pub share_pct: BTreeMap<String, f64>,
    /// Mean strike angle, degrees (positive = toes up).
    pub angle_deg: Option<f64>,
    /// The sensors the pattern comes from: foot sensors (measured strike angles), or the
    /// pelvis or trunk (inferred from the heel-strike transient, no angle).
    #[serde(default)]
    pub sources: Vec<Placement>,
}

impl FootStrike {
    /// The foot strike of the running steps that have a pattern: the most common pattern
    /// (of equal shares, the first of rearfoot, midfoot, forefoot), each pattern's share
    /// and the mean strike angle, from `sources`; `None` when no running step has a
    /// pattern.
    pub(crate) fn of_steps(steps: &[Step], sources: Vec<Placement>) -> Option<FootStrike> {
        let patterns: Vec<StrikePattern> = steps
            .iter()
            .filter(|s| s.activity == Activity::Running)
            .filter_map(|s| s.strike_pattern)
            .collect();
        if patterns.is_empty() {
            return None;
        }
        let all = [
            StrikePattern::Rearfoot,
            StrikePattern::Midfoot,
            StrikePattern::Forefoot,
        ];
        let share = |p: StrikePattern| {
            100.0 * patterns.iter().filter(|&&x| x == p).count() as f64 / patterns.len() as f64
        };
        let pattern = all
            .into_iter()
            .fold((StrikePattern::Midfoot, -1.0), |best, p| {
                if share(p) > best.1 {
                    (p, share(p))
                } else {
                    best
                }
            })
            .0;
        Some(FootStrike {
            pattern,
            share_pct: all
                .into_iter()
                .map(|p| (p.as_str().into(), share(p)))
                .collect(),
            angle_deg: running_mean(steps, |s| s.strike_angle_deg),
            sources,
        })
    }
}

/// Run-level numbers: every field is over running steps, `None` (`null`) when the
/// sensors present cannot give it.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Summary {
    /// Steps per minute, both legs.
    pub cadence_spm: Option<f64>,
    /// Cadence from the step rhythm's spectrum (cross-check), steps/min.
    pub cadence_fft_spm: Option<f64>,
    /// Cadence each sensor gives on its own, steps/min.
    pub cadence_by_placement: BTreeMap<Placement, f64>,
    /// Mean ground contact time, ms.
    pub ground_contact_ms: Option<f64>,
    /// Mean flight time, ms.
    pub flight_ms: Option<f64>,
    /// Contact share of the stride.
    pub duty_factor: Option<f64>,
    /// Ground contact time balance, % left: 100 × mean left contact / (mean left + mean
    /// right), as Garmin's GCT balance; 50 is even (needs sides and toe-off).
    pub contact_balance_left_pct: Option<f64>,
    /// Foot strike pattern and angle.
    pub foot_strike: Option<FootStrike>,
    /// Trunk transverse rotation per stride: mean over running strides of the
    /// peak-to-peak yaw of the trunk sensor, drift removed stride by stride, degrees
    /// (needs a trunk gyroscope; see [`posture`](crate::posture)).
    pub trunk_rotation_deg: Option<f64>,
    /// Pelvis transverse rotation per stride, peak-to-peak, degrees, as the trunk's
    /// (needs a pelvis gyroscope).
    pub pelvis_rotation_deg: Option<f64>,
    /// Pelvic drop: mean over running stances (initial contact to toe-off) of the range
    /// of pelvis roll, degrees (needs a pelvis gyroscope, body axes and toe-off).
    pub pelvic_drop_deg: Option<f64>,
    /// Forward lean: mean trunk pitch from vertical over running, degrees, positive
    /// forward (needs a trunk gyroscope and body axes).
    pub forward_lean_deg: Option<f64>,
    /// Landing distance: mean over running steps of how far ahead of the pelvis the foot
    /// lands at initial contact, cm.
    pub overstride_cm: Option<f64>,
    /// Mean step length, m.
    pub step_length_m: Option<f64>,
    /// Running speed, m/s.
    pub speed_mps: Option<f64>,
    /// Shank angle to vertical at initial contact, degrees (positive = foot ahead of the
    /// knee).
    pub tibia_angle_deg: Option<f64>,
    /// Mean peak fore-aft deceleration of the pelvis (or trunk) in early stance, g.
    pub braking_peak_g: Option<f64>,
    /// Mean forward speed the pelvis loses per step while braking, m/s.
    pub braking_mps: Option<f64>,
    /// Mean peak vertical acceleration after initial contact at `impact_placement`, g.
    pub impact_peak_g: Option<f64>,
    /// Mean vertical loading rate at `impact_placement`, g/s.
    pub loading_rate_g_per_s: Option<f64>,
    /// The sensor impact is measured at (shank first, then foot, then pelvis).
    pub impact_placement: Option<Placement>,
    /// Vertical oscillation of the pelvis per stride, mm.
    pub vertical_oscillation_mm: Option<f64>,
    /// Vertical ratio: vertical oscillation / step length, %.
    pub vertical_ratio_pct: Option<f64>,
    /// Time spent running, s.
    pub running_s: f64,
    /// Running steps counted.
    pub running_steps: usize,
    /// Sensors the steps come from (both feet together, or one sensor).
    pub step_sources: Vec<Placement>,
    /// How far the initial contacts of the step source's method are from a reference,
    /// ms: the mean absolute error measured on real recordings for that placement (see
    /// [`crate::events::event_uncertainty_ms`]).
    pub event_uncertainty_ms: Option<f64>,
    /// Trunk–pelvis relative rotation: mean over running strides of the peak-to-peak of
    /// trunk yaw − pelvis yaw, degrees (needs trunk and pelvis gyroscopes).
    pub trunk_pelvis_rotation_deg: Option<f64>,
    /// Trunk–pelvis coordination: mean over running strides of the correlation of trunk
    /// and pelvis yaw, −1 (anti-phase, counter-rotation) to +1 (in phase, the trunk and
    /// pelvis turning as a block).
    pub trunk_pelvis_coupling: Option<f64>,
    /// Symmetry index of each per-side metric, %: 100 × (L − R) / ((L + R) / 2) of the
    /// left and right means over running steps (positive = larger on the left); a metric
    /// appears when both sides have values (see [`symmetry`](crate::symmetry)).
    pub symmetry: BTreeMap<String, f64>,
    /// Range of trunk pitch per stride, mean over running strides, degrees (needs a trunk
    /// gyroscope and body axes).
    pub forward_lean_range_deg: Option<f64>,
    /// Lateral sway: range of trunk roll per stride, mean over running strides, degrees
    /// (needs a trunk gyroscope and body axes).
    pub lateral_sway_deg: Option<f64>,
    /// Step length over leg length (0.53 × the runner's height, when it is given).
    pub step_length_per_leg: Option<f64>,
}

/// Settings of the metric stage.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricsConfig {
    /// Length of the time segments for cadence over time, s.
    pub segment_s: f64,
}

impl Default for MetricsConfig {
    fn default() -> Self {
        MetricsConfig { segment_s: 60.0 }
    }
}

/// What the metric stage produces.
#[derive(Debug, Clone, PartialEq)]
pub struct Metrics {
    /// Steps of the chosen source.
    pub steps: Vec<Step>,
    /// Run-level numbers.
    pub summary: Summary,
    /// Cadence over time.
    pub segments: Vec<TimeSegment>,
}

/// Which sensors' contacts make the step list: both feet, then pelvis, trunk, both shanks,
/// one foot, one shank, a wrist.
fn choose_source(contacts: &[StreamContacts]) -> Option<(Vec<Contact>, bool, Vec<Placement>)> {
    let get = |p: Placement| contacts.iter().find(|c| c.placement == p);
    let pair = |l: Placement, r: Placement| -> Option<(Vec<Contact>, bool, Vec<Placement>)> {
        let (a, b) = (get(l)?, get(r)?);
        let mut all: Vec<Contact> = a.contacts.iter().chain(&b.contacts).copied().collect();
        all.sort_by(|x, y| x.initial_contact_s.total_cmp(&y.initial_contact_s));
        Some((all, false, vec![l, r]))
    };
    let single = |p: Placement| get(p).map(|c| (c.contacts.clone(), c.one_leg, vec![p]));
    pair(Placement::LeftFoot, Placement::RightFoot)
        .or_else(|| single(Placement::Pelvis))
        .or_else(|| single(Placement::Trunk))
        .or_else(|| pair(Placement::LeftShank, Placement::RightShank))
        .or_else(|| single(Placement::LeftFoot))
        .or_else(|| single(Placement::RightFoot))
        .or_else(|| single(Placement::LeftShank))
        .or_else(|| single(Placement::RightShank))
        .or_else(|| single(Placement::LeftWrist))
        .or_else(|| single(Placement::RightWrist))
}

/// A foot sensor knows its side: a step of the source whose side is unknown and that
/// lands within 60 ms of one of the foot's contacts takes that side, and the steps
/// between such matches alternate from them.
fn fuse_sides(source: &mut [Contact], legs: &[&StreamContacts]) {
    const MATCH_S: f64 = 0.06;
    let mut known = vec![false; source.len()];
    for leg in legs {
        for c in &leg.contacts {
            let k = source.partition_point(|s| s.initial_contact_s < c.initial_contact_s);
            let nearest = [k.wrapping_sub(1), k]
                .into_iter()
                .filter(|&i| i < source.len())
                .min_by(|&a, &b| {
                    (source[a].initial_contact_s - c.initial_contact_s)
                        .abs()
                        .total_cmp(&(source[b].initial_contact_s - c.initial_contact_s).abs())
                });
            if let Some(i) = nearest
                .filter(|&i| (source[i].initial_contact_s - c.initial_contact_s).abs() <= MATCH_S)
            {
                source[i].side = c.side;
                known[i] = true;
            }
        }
    }
    if !known.iter().any(|&k| k) {
        return;
    }
    let other = |s: Side| match s {
        Side::Left => Side::Right,
        Side::Right => Side::Left,
        Side::Unknown => Side::Unknown,
    };
    for k in 1..source.len() {
        if !known[k] && known[k - 1] && source[k].bout == source[k - 1].bout {
            source[k].side = other(source[k - 1].side);
            known[k] = true;
        }
    }
    for k in (0..source.len().saturating_sub(1)).rev() {
        if !known[k] && known[k + 1] && source[k].bout == source[k + 1].bout {
            source[k].side = other(source[k + 1].side);
            known[k] = true;
        }
    }
}

/// Steps with their intervals; intervals across bouts or outside physiological limits
/// (0.2–1.2 s per step, or far from the bout's typical step) are left empty.
pub fn steps_from(contacts: &[Contact], one_leg: bool) -> Vec<Step> {
    let n = contacts.len();
    let mut steps: Vec<Step> = contacts
        .iter()
        .map(|c| Step {
            toe_off_s: c.toe_off_s,
            contact_ms: c.toe_off_s.map(|to| (to - c.initial_contact_s) * 1000.0),
            ..Step::at(c.side, c.activity, c.initial_contact_s)
        })
        .collect();
    let interval =
        |k: usize, j: usize| contacts[j].initial_contact_s - contacts[k].initial_contact_s;
    let same_bout = |k: usize, j: usize| contacts[k].bout == contacts[j].bout;
    // typical interval per bout
    let mut typical: BTreeMap<usize, f64> = BTreeMap::new();
    for b in contacts
        .iter()
        .map(|c| c.bout)
        .collect::<std::collections::BTreeSet<_>>()
    {
        let mut d: Vec<f64> = (0..n.saturating_sub(1))
            .filter(|&k| contacts[k].bout == b && same_bout(k, k + 1))
            .map(|k| interval(k, k + 1))
            .collect();
        if !d.is_empty() {
            d.sort_by(f64::total_cmp);
            typical.insert(b, d[d.len() / 2]);
        }
    }
    let (lo, hi) = if one_leg { (0.4, 2.4) } else { (0.2, 1.2) };
    for k in 0..n.saturating_sub(1) {
        if !same_bout(k, k + 1) {
            continue;
        }
        let d = interval(k, k + 1);
        let t = typical.get(&contacts[k].bout).copied().unwrap_or(d);
        if d < lo || d > hi || d < 0.6 * t || d > 1.5 * t {
            continue;
        }
        if one_leg {
            steps[k].stride_s = Some(d);
        } else {
            steps[k].step_s = Some(d);
            if let Some(to) = contacts[k].toe_off_s {
                steps[k].flight_ms = Some((contacts[k + 1].initial_contact_s - to) * 1000.0);
            }
        }
    }
    if !one_leg {
        // stride: two valid steps on (the same foot again, whether or not sides are known)
        for k in 0..n.saturating_sub(2) {
            if steps[k].step_s.is_some() && steps[k + 1].step_s.is_some() {
                steps[k].stride_s = Some(interval(k, k + 2));
            }
        }
    }
    steps
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// Mean over the running steps of a per-step value (those that have it), as the summary
/// gives every per-step metric; `None` when no running step has it.
pub(crate) fn running_mean(steps: &[Step], value: impl Fn(&Step) -> Option<f64>) -> Option<f64> {
    mean(
        steps
            .iter()
            .filter(|s| s.activity == Activity::Running)
            .filter_map(value),
    )
}

/// Number of running steps.
pub(crate) fn running_steps(steps: &[Step]) -> usize {
    steps
        .iter()
        .filter(|s| s.activity == Activity::Running)
        .count()
}

/// Time spent running, s: the running bouts' durations summed.
pub(crate) fn running_s(bouts: &[Bout]) -> f64 {
    // (a fold from +0.0: an empty float sum is -0.0)
    bouts
        .iter()
        .filter(|b| b.activity == Activity::Running)
        .map(Bout::duration_s)
        .fold(0.0, |a, b| a + b)
}

/// Duty factor: the contact share of the stride, from the mean ground contact (ms) and
/// the cadence (steps/min).
pub(crate) fn duty_factor(ground_contact_ms: Option<f64>, cadence_spm: Option<f64>) -> Option<f64> {
    match (ground_contact_ms, cadence_spm) {
        (Some(c), Some(f)) => Some(c / 1000.0 / (2.0 * 60.0 / f)),
        _ => None,
    }
}

/// Cadence of running steps, steps/min: 120 / mean stride (two steps, so that a sensor
/// that times left and right contacts differently does not bias it), else 60 / mean step.
pub fn cadence_spm(steps: &[Step]) -> Option<f64> {
    let running = || steps.iter().filter(|s| s.activity == Activity::Running);
    mean(running().filter_map(|s| s.stride_s))
        .map(|m| 120.0 / m)
        .or_else(|| mean(running().filter_map(|s| s.step_s)).map(|m| 60.0 / m))
}

/// Ground contact balance of running steps, % left; `None` unless both sides have
/// contact times.
pub fn contact_balance_left_pct(steps: &[Step]) -> Option<f64> {
    let side_mean = |side: Side| {
        mean(
            steps
                .iter()
                .filter(|s| s.activity == Activity::Running && s.side == side)
                .filter_map(|s| s.contact_ms),
        )
    };
    let (left, right) = (side_mean(Side::Left)?, side_mean(Side::Right)?);
    Some(100.0 * left / (left + right))
}

impl MetricsConfig {
    /// Computes steps, run timing and cadence over time.
    pub fn process(
        &self,
        recording: &Recording,
        aligned: &[Aligned],
        bouts: &[Bout],
        contacts: &[StreamContacts],
    ) -> Metrics {
        let running_s = running_s(bouts);
        let Some((mut source, one_leg, placements)) = choose_source(contacts) else {
            return Metrics {
                steps: Vec::new(),
                summary: empty_summary(running_s),
                segments: Vec::new(),
            };
        };
        if !one_leg && source.iter().any(|c| c.side == Side::Unknown) {
            // only legs whose events are validated to a few ms (a foot with a gyroscope)
            let legs: Vec<&StreamContacts> = contacts
                .iter()
                .filter(|c| c.one_leg && c.contacts.iter().any(|e| e.toe_off_s.is_some()))
                .collect();
            fuse_sides(&mut source, &legs);
        }
        let steps = steps_from(&source, one_leg);
        let cadence_by_placement = contacts
            .iter()
            .filter_map(|c| {
                cadence_spm(&steps_from(&c.contacts, c.one_leg)).map(|v| (c.placement, v))
            })
            .collect();
        let ground_contact_ms = running_mean(&steps, |s| s.contact_ms);
        let cadence = cadence_spm(&steps);
        let source_index = recording
            .streams
            .iter()
            .position(|s| s.placement == placements[0]);
        let cadence_fft_spm = source_index
            .and_then(|i| fft_cadence(recording, &aligned[i], placements[0].segment(), bouts));
        let segments = self.segments(&steps, bouts);
        Metrics {
            summary: Summary {
                cadence_spm: cadence,
                cadence_fft_spm,
                cadence_by_placement,
                ground_contact_ms,
                flight_ms: running_mean(&steps, |s| s.flight_ms),
                duty_factor: duty_factor(ground_contact_ms, cadence),
                contact_balance_left_pct: contact_balance_left_pct(&steps),
                running_steps: running_steps(&steps),
                running_s,
                step_sources: placements.clone(),
                event_uncertainty_ms: recording
                    .streams
                    .iter()
                    .find(|s| s.placement == placements[0])
                    .and_then(|s| event_uncertainty_ms(s.placement, s.gyr_radps.is_some())),
                ..Summary::default()
            },
            steps,
            segments,
        }
    }

    /// Cadence and contact over time: each running bout cut into segments of about
    /// `segment_s`, with the steps whose initial contact is in each.
    pub(crate) fn segments(&self, steps: &[Step], bouts: &[Bout]) -> Vec<TimeSegment> {
        let mut out = Vec::new();
        for b in bouts.iter().filter(|b| b.activity == Activity::Running) {
            let n = ((b.duration_s() / self.segment_s).round() as usize).max(1);
            let len = b.duration_s() / n as f64;
            for k in 0..n {
                let (s, e) = (b.start_s + k as f64 * len, b.start_s + (k + 1) as f64 * len);
                let inside: Vec<Step> = steps
                    .iter()
                    .filter(|st| st.initial_contact_s >= s && st.initial_contact_s < e)
                    .cloned()
                    .collect();
                out.push(TimeSegment {
                    start_s: s,
                    end_s: e,
                    steps: inside.len(),
                    cadence_spm: cadence_spm(&inside),
                    ground_contact_ms: mean(inside.iter().filter_map(|s| s.contact_ms)),
                });
            }
        }
        out
    }
}

fn empty_summary(running_s: f64) -> Summary {
    Summary {
        running_s,
        ..Summary::default()
    }
}

/// Dominant step frequency of the source stream over the running bouts (Welch, 8 s
/// segments zero-padded for 0.01 Hz bins). Trunk-borne sensors show the step rhythm in the
/// vertical force; a leg's sensor shows its stride, which is doubled.
fn fft_cadence(
    recording: &Recording,
    aligned: &Aligned,
    segment: Segment,
    bouts: &[Bout],
) -> Option<f64> {
    // the step rhythm is below 5 Hz: read it from ~50 Hz block means
    let decim = ((recording.rate_hz / 50.0).floor() as usize).max(1);
    let rate = recording.rate_hz / decim as f64;
    let seg_len = ((8.0 * rate) as usize).max(16);
    let fft_len = ((rate / 0.01) as usize)
        .next_power_of_two()
        .max(seg_len.next_power_of_two());
    let leg = matches!(segment, Segment::Foot | Segment::Shank);
    let signal = if leg {
        aligned.norm_g()
    } else {
        aligned.vertical_g()
    }
    .block_mean(decim);
    let mut welch = Welch::new(seg_len, fft_len);
    let mut total: Option<Vec<f64>> = None;
    for b in bouts.iter().filter(|b| b.activity == Activity::Running) {
        let i0 = ((b.start_s - recording.start_s) * rate).max(0.0) as usize;
        let i1 = (((b.end_s - recording.start_s) * rate) as usize).min(signal.len());
        let len = i1.saturating_sub(i0);
        let mut w = if len >= seg_len {
            None
        } else if len >= 64 {
            Some(Welch::new(len, fft_len))
        } else {
            continue;
        };
        let p = match &mut w {
            Some(w) => w.power(&signal[i0..i1]),
            None => welch.power(&signal[i0..i1]),
        }?;
        let weight = len as f64;
        match &mut total {
            Some(t) => t.iter_mut().zip(&p).for_each(|(a, b)| *a += b * weight),
            None => total = Some(p.iter().map(|v| v * weight).collect()),
        }
    }
    let power = total?;
    if leg {
        dominant_frequency(&power, rate, 0.9, 2.1).map(|(f, _)| f * 120.0)
    } else {
        dominant_frequency(&power, rate, 1.8, 4.2).map(|(f, _)| f * 60.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn contact(t: f64, side: Side, to: Option<f64>) -> Contact {
        Contact {
            side,
            initial_contact_s: t,
            toe_off_s: to,
            activity: Activity::Running,
            bout: 0,
        }
    }

    #[test]
    fn cadence_from_steps_and_from_one_leg() {
        let both: Vec<Contact> = (0..20)
            .map(|k| {
                contact(
                    k as f64 * 0.35,
                    if k % 2 == 0 { Side::Left } else { Side::Right },
                    Some(k as f64 * 0.35 + 0.25),
                )
            })
            .collect();
        let steps = steps_from(&both, false);
        assert!((cadence_spm(&steps).unwrap() - 60.0 / 0.35).abs() < 1e-9);
        assert!((steps[0].contact_ms.unwrap() - 250.0).abs() < 1e-9);
        assert!((steps[0].flight_ms.unwrap() - 100.0).abs() < 1e-9);
        assert!((steps[0].stride_s.unwrap() - 0.7).abs() < 1e-9);
        let left: Vec<Contact> = both
            .iter()
            .filter(|c| c.side == Side::Left)
            .copied()
            .collect();
        assert!((cadence_spm(&steps_from(&left, true)).unwrap() - 60.0 / 0.35).abs() < 1e-9);
    }

    #[test]
    fn a_leg_sensor_names_the_sides_of_trunk_steps() {
        let mut trunk: Vec<Contact> = (0..8)
            .map(|k| contact(k as f64 * 0.35, Side::Unknown, None))
            .collect();
        let shank = StreamContacts {
            placement: Placement::RightShank,
            one_leg: true,
            contacts: vec![
                contact(0.37, Side::Right, None),
                contact(1.06, Side::Right, None),
            ],
        };
        fuse_sides(&mut trunk, &[&shank]);
        let sides: Vec<Side> = trunk.iter().map(|c| c.side).collect();
        assert_eq!(sides[0], Side::Left);
        assert_eq!(sides[1], Side::Right);
        assert_eq!(sides[3], Side::Right);
        assert_eq!(sides[7], Side::Right);
    }

    #[test]
    fn contact_balance_is_the_left_share() {
        let c = |t: f64, side, contact_s: f64| contact(t, side, Some(t + contact_s));
        let steps = steps_from(
            &[
                c(0.0, Side::Left, 0.26),
                c(0.35, Side::Right, 0.24),
                c(0.7, Side::Left, 0.26),
                c(1.05, Side::Right, 0.24),
            ],
            false,
        );
        assert!((contact_balance_left_pct(&steps).unwrap() - 52.0).abs() < 1e-9);
        let unknown: Vec<Step> = steps
            .into_iter()
            .map(|s| Step {
                side: Side::Unknown,
                ..s
            })
            .collect();
        assert!(contact_balance_left_pct(&unknown).is_none());
    }

    #[test]
    fn a_missed_step_does_not_count_as_a_long_one() {
        let mut c: Vec<Contact> = (0..20)
            .map(|k| contact(k as f64 * 0.35, Side::Unknown, None))
            .collect();
        c.remove(10);
        let steps = steps_from(&c, false);
        assert!(steps[9].step_s.is_none());
        assert!((cadence_spm(&steps).unwrap() - 60.0 / 0.35).abs() < 1e-9);
    }
}
