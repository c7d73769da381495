//! The exact answer of a simulated recording, in the keys of runform's JSON report.
//!
//! Times in s from the start of the recording, durations in ms where the name says so,
//! angles in degrees, lengths in m (cm / mm where the name says so). Everything is
//! measured on the simulated, noise-free trajectories themselves (not echoed from the
//! configuration), so it is the truth of the signals produced.
//!
//! Definitions (the analyser uses the same):
//! * contact: foot on the ground from initial contact (IC) to toe-off (TO);
//!   `step_s` = this IC to the next IC (other foot); `flight_ms` = next IC − this TO
//!   (negative when walking: double support).
//! * the summary is over **running** steps: `cadence_spm` = 60 / mean `step_s` over
//!   running steps whose next step is running too; `duty_factor` = mean of
//!   contact / (2 · step); strike pattern per step by its angle: rearfoot > 8°,
//!   forefoot < −1.6°, midfoot between (Altman & Davis 2012); angles are the foot pitch at
//!   IC relative to flat, positive = toes up (heel first).
//! * `trunk_rotation_deg` / `pelvis_rotation_deg`: mean over running strides (left IC to
//!   left IC) of the peak-to-peak yaw within the stride; `pelvic_drop_deg`: mean over
//!   running stances of the range of pelvis roll; `forward_lean_deg`: mean trunk pitch
//!   from vertical over the running bout, positive forward; `vertical_oscillation_mm`:
//!   mean over running strides of the peak-to-peak height of the pelvis sensor;
//!   `step_length_m`: mean sacrum advance from IC to next IC; `speed_mps`: total sacrum
//!   advance over total time of those steps; `contact_balance_left_pct` = 100 · mean
//!   left contact / (mean left + mean right).
//! * `mounting_deg` (random mounting only): the sensor → segment rotation as
//!   `[roll, pitch, yaw]` with `R = Rz(yaw)·Ry(−pitch)·Rx(roll)` (pitch positive nose up,
//!   as everywhere in the simulator); `mounting_matrix` gives the same rotation as rows.

use super::SimConfig;
use super::body::{Body, angles};
use super::sensor::Synthesis;
use crate::recording::{AccUnit, Frame, Placement, Side};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Version of the truth file layout.
pub const TRUTH_SCHEMA_VERSION: u32 = 1;
pub use crate::metrics::{FOREFOOT_DEG, REARFOOT_DEG, StrikePattern};

/// What the runner is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activity {
    /// Still, both feet on the ground.
    Standing,
    /// Walking (no flight phase).
    Walking,
    /// Running.
    Running,
}

/// Foot-strike pattern of one step.
/// A stretch of one activity.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Bout {
    /// Start, s.
    pub start_s: f64,
    /// End, s.
    pub end_s: f64,
    /// What the runner does.
    pub activity: Activity,
}

/// One step of the truth.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TruthStep {
    /// Foot that lands.
    pub side: Side,
    /// Activity of the bout the IC falls in.
    pub activity: Activity,
    /// Initial contact, s.
    pub initial_contact_s: f64,
    /// Toe-off, s.
    pub toe_off_s: f64,
    /// Ground contact, ms.
    pub contact_ms: f64,
    /// Next IC − this TO, ms; `None` when the next IC is past the end.
    pub flight_ms: Option<f64>,
    /// This IC to the next IC, s; `None` when the next IC is past the end.
    pub step_s: Option<f64>,
    /// Foot pitch at IC relative to flat, degrees, positive = toes up.
    pub strike_angle_deg: f64,
    /// Pattern of that angle.
    pub strike_pattern: StrikePattern,
    /// Landing point (heel, or toes for a forefoot strike) ahead of the sacrum at IC, cm.
    pub overstride_cm: f64,
    /// From IC until the fore-aft force turns from braking to propulsion, ms.
    pub braking_ms: f64,
    /// Shank (tibia) angle to the vertical at IC in the sagittal plane, degrees, positive
    /// when the ankle is ahead of the knee.
    pub tibia_angle_deg: f64,
    /// The sacrum's impact: the peak of its vertical specific force in the
    /// [`IMPACT_WINDOW_S`] after IC, g (absent from truths written before it was kept).
    #[serde(default)]
    pub pelvis_impact_peak_g: Option<f64>,
    /// The sacrum's loading rate: its vertical specific force's rise from IC to that
    /// peak over the time to it, g/s.
    #[serde(default)]
    pub pelvis_loading_rate_g_per_s: Option<f64>,
}

/// The time after IC over which the truth's impact is taken, s (the loading stage's
/// default window).
pub const IMPACT_WINDOW_S: f64 = 0.06;

/// Strike shares, percent of steps.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct StrikeShares {
    /// Rearfoot, %.
    pub rearfoot: f64,
    /// Midfoot, %.
    pub midfoot: f64,
    /// Forefoot, %.
    pub forefoot: f64,
}

/// Foot strike over the running steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FootStrike {
    /// The most common pattern.
    pub pattern: StrikePattern,
    /// Share of each pattern, %.
    pub share_pct: StrikeShares,
    /// Mean strike angle, degrees, positive = toes up.
    pub angle_deg: f64,
}

/// Summary over the running steps (`None` where there is nothing to average).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Steps per minute (both feet).
    pub cadence_spm: Option<f64>,
    /// Mean ground contact, ms.
    pub ground_contact_ms: Option<f64>,
    /// Mean flight, ms.
    pub flight_ms: Option<f64>,
    /// Mean contact / stride.
    pub duty_factor: Option<f64>,
    /// Mean step length, m.
    pub step_length_m: Option<f64>,
    /// Mean speed, m/s.
    pub speed_mps: Option<f64>,
    /// Foot strike.
    pub foot_strike: Option<FootStrike>,
    /// Mean overstride, cm.
    pub overstride_cm: Option<f64>,
    /// Mean tibia angle at IC, degrees.
    pub tibia_angle_deg: Option<f64>,
    /// Mean peak-to-peak trunk yaw per stride, degrees.
    pub trunk_rotation_deg: Option<f64>,
    /// Mean peak-to-peak pelvis yaw per stride, degrees.
    pub pelvis_rotation_deg: Option<f64>,
    /// Mean range of pelvis roll per stance, degrees.
    pub pelvic_drop_deg: Option<f64>,
    /// Mean trunk lean, degrees, positive forward.
    pub forward_lean_deg: Option<f64>,
    /// Mean peak-to-peak sacrum height per stride, mm.
    pub vertical_oscillation_mm: Option<f64>,
    /// Left share of the contact time, %.
    pub contact_balance_left_pct: Option<f64>,
}

/// The truth of one simulated recording; written as `<name>.truth.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    /// Layout version, [`TRUTH_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// `runform simulate`.
    pub source: String,
    /// The configuration simulated.
    pub config: SimConfig,
    /// Axes of the recording.
    pub frame: Frame,
    /// Unit of the accelerometer columns.
    pub acc_unit: AccUnit,
    /// `running` (a scoring tool skips other conditions).
    pub condition: String,
    /// Sensor → segment rotation per placement, `[roll, pitch, yaw]` degrees (random
    /// mounting only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mounting_deg: BTreeMap<Placement, [f64; 3]>,
    /// The same rotations as 3 × 3 matrices, rows (random mounting only).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub mounting_matrix: BTreeMap<Placement, [[f64; 3]; 3]>,
    /// Initial contacts of the running steps, s.
    pub initial_contacts_s: Vec<f64>,
    /// Toe-offs of the running steps, s.
    pub toe_offs_s: Vec<f64>,
    /// Mean running contact, ms.
    pub contact_ms_mean: Option<f64>,
    /// Running cadence, steps/min.
    pub cadence_spm: Option<f64>,
    /// Most common running strike pattern.
    pub strike_pattern: Option<StrikePattern>,
    /// Activities as configured.
    pub bouts: Vec<Bout>,
    /// Summary over running steps.
    pub summary: Summary,
    /// Every step with IC and TO inside the recording.
    pub steps: Vec<TruthStep>,
}

fn mean(v: impl IntoIterator<Item = f64>) -> Option<f64> {
    let (s, n) = v
        .into_iter()
        .fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then_some(s / n as f64)
}

/// Peak-to-peak of `v` over the samples of `[a_s, b_s)`.
fn range(v: &[f64], rate_hz: f64, a_s: f64, b_s: f64) -> Option<f64> {
    let i0 = ((a_s * rate_hz).ceil().max(0.0)) as usize;
    let i1 = (((b_s * rate_hz).ceil()).max(0.0) as usize).min(v.len());
    let w = v.get(i0..i1).filter(|w| w.len() > 1)?;
    let lo = w.iter().copied().fold(f64::INFINITY, f64::min);
    let hi = w.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    Some(hi - lo)
}

/// The truth of the simulation of `cfg` by `body`, measured on `syn`.
pub(crate) fn compute(body: &Body, cfg: &SimConfig, syn: &Synthesis, frame: Frame) -> Truth {
    let tl = &body.timeline;
    let total_s = syn.samples.pelvis_z_m.len() as f64 / cfg.rate_hz;
    let deg = 180.0 / std::f64::consts::PI;
    let mut ones = [0usize; 2];
    // Steps with their foot contacts, tagged with their index in tl.steps.
    let mut truth_steps: Vec<(usize, TruthStep)> = Vec::new();
    // Sacrum advance from each step's IC to the next IC.
    let mut advance: Vec<Option<f64>> = Vec::new();
    let n = tl.steps.len();
    for (k, s) in tl.steps.iter().enumerate() {
        // The next IC: the next step's, or the closing one when the run ends standing.
        let next_ic = match tl.steps.get(k + 1) {
            Some(next) => next.ic_s,
            None if tl.framed_by_standing => s.ic_s + s.dur_s,
            None => f64::INFINITY,
        };
        let side = if s.side == Side::Left { 0 } else { 1 };
        let stance = body.feet[side].stances[ones[side] + usize::from(tl.framed_by_standing)];
        ones[side] += 1;
        debug_assert_eq!(stance.ic_s, s.ic_s);
        if s.ic_s < 0.0 || stance.to_s >= total_s {
            advance.push(None);
            continue;
        }
        let next_ok = next_ic < total_s;
        let mut pose = super::body::BodyPose::default();
        let needs = super::body::Needs {
            feet: true,
            shanks: true,
            wrists: false,
        };
        body.pose(s.ic_s, needs, &mut pose);
        let (_, pitch, _) = angles(&pose.feet[side].rot);
        let tibia = pose.shanks[side].rot.column(2).into_owned();
        let pelvis_x = pose.pelvis.pos.x;
        let strike_deg = pitch * deg;
        let (impact_g, loading_rate) = s.impact(IMPACT_WINDOW_S);
        advance.push(next_ok.then(|| {
            let mut p2 = super::body::BodyPose::default();
            body.pose(next_ic, needs, &mut p2);
            p2.pelvis.pos.x - pelvis_x
        }));
        truth_steps.push((
            k,
            TruthStep {
                side: s.side,
                activity: s.activity,
                initial_contact_s: s.ic_s,
                toe_off_s: stance.to_s,
                contact_ms: (stance.to_s - s.ic_s) * 1000.0,
                flight_ms: next_ok.then_some((next_ic - stance.to_s) * 1000.0),
                step_s: next_ok.then_some(next_ic - s.ic_s),
                strike_angle_deg: strike_deg,
                strike_pattern: StrikePattern::of_angle(strike_deg),
                overstride_cm: (stance.landing_x_m() - pelvis_x) * 100.0,
                braking_ms: s.braking_s() * 1000.0,
                tibia_angle_deg: (-tibia.x).atan2(tibia.z) * deg,
                pelvis_impact_peak_g: Some(impact_g),
                pelvis_loading_rate_g_per_s: loading_rate,
            },
        ));
    }

    let running = |k: usize| k < n && tl.steps[k].activity == super::truth::Activity::Running;
    let run: Vec<&(usize, TruthStep)> = truth_steps.iter().filter(|(k, _)| running(*k)).collect();
    // Running steps whose next step is running too.
    let paired: Vec<&(usize, TruthStep)> = run
        .iter()
        .copied()
        .filter(|(k, s)| s.step_s.is_some() && running(k + 1))
        .collect();
    let step_mean = mean(paired.iter().map(|(_, s)| s.step_s.unwrap_or(0.0)));
    let adv: Vec<(f64, f64)> = paired
        .iter()
        .filter_map(|(k, s)| Some((advance[*k]?, s.step_s?)))
        .collect();
    let shares = |p: StrikePattern| {
        100.0 * run.iter().filter(|(_, s)| s.strike_pattern == p).count() as f64 / run.len() as f64
    };
    let foot_strike = (!run.is_empty()).then(|| {
        let share_pct = StrikeShares {
            rearfoot: shares(StrikePattern::Rearfoot),
            midfoot: shares(StrikePattern::Midfoot),
            forefoot: shares(StrikePattern::Forefoot),
        };
        let pattern = [
            (StrikePattern::Rearfoot, share_pct.rearfoot),
            (StrikePattern::Midfoot, share_pct.midfoot),
            (StrikePattern::Forefoot, share_pct.forefoot),
        ]
        .into_iter()
        .fold((StrikePattern::Midfoot, -1.0), |best, x| {
            if x.1 > best.1 { x } else { best }
        })
        .0;
        FootStrike {
            pattern,
            share_pct,
            angle_deg: mean(run.iter().map(|(_, s)| s.strike_angle_deg)).unwrap_or(0.0),
        }
    });
    let side_contact = |side: Side| {
        mean(
            run.iter()
                .filter(|(_, s)| s.side == side)
                .map(|(_, s)| s.contact_ms),
        )
    };

    // Strides: a running left IC to the next running left IC.
    let rate = cfg.rate_hz;
    let smp = &syn.samples;
    let strides: Vec<(f64, f64)> = (0..n.saturating_sub(2))
        .filter(|&k| {
            tl.steps[k].side == Side::Left
                && running(k)
                && running(k + 1)
                && running(k + 2)
                && tl.steps[k].ic_s >= 0.0
                && tl.steps[k + 2].ic_s < total_s
        })
        .map(|k| (tl.steps[k].ic_s, tl.steps[k + 2].ic_s))
        .collect();
    let per_stride = |v: &[f64], scale: f64| {
        mean(strides.iter().filter_map(|&(a, b)| range(v, rate, a, b))).map(|x| x * scale)
    };
    let lean_samples = tl
        .segments
        .iter()
        .filter(|g| g.activity == Activity::Running)
        .flat_map(|g| {
            let i0 = (g.start_s * rate).ceil() as usize;
            let i1 = ((g.end_s * rate).ceil() as usize).min(smp.trunk_lean_rad.len());
            smp.trunk_lean_rad[i0.min(i1)..i1].iter().copied()
        });

    let summary = Summary {
        cadence_spm: step_mean.map(|s| 60.0 / s),
        ground_contact_ms: mean(run.iter().map(|(_, s)| s.contact_ms)),
        flight_ms: mean(run.iter().filter_map(|(_, s)| s.flight_ms)),
        duty_factor: mean(
            run.iter()
                .filter_map(|(_, s)| Some(s.contact_ms / 1000.0 / (2.0 * s.step_s?))),
        ),
        step_length_m: mean(adv.iter().map(|a| a.0)),
        speed_mps: (!adv.is_empty())
            .then(|| adv.iter().map(|a| a.0).sum::<f64>() / adv.iter().map(|a| a.1).sum::<f64>()),
        foot_strike: foot_strike.clone(),
        overstride_cm: mean(run.iter().map(|(_, s)| s.overstride_cm)),
        tibia_angle_deg: mean(run.iter().map(|(_, s)| s.tibia_angle_deg)),
        trunk_rotation_deg: per_stride(&smp.trunk_yaw_rad, deg),
        pelvis_rotation_deg: per_stride(&smp.pelvis_yaw_rad, deg),
        pelvic_drop_deg: mean(run.iter().filter_map(|(_, s)| {
            range(&smp.pelvis_roll_rad, rate, s.initial_contact_s, s.toe_off_s)
        }))
        .map(|x| x * deg),
        forward_lean_deg: mean(lean_samples).map(|x| x * deg),
        vertical_oscillation_mm: per_stride(&smp.pelvis_z_m, 1000.0),
        contact_balance_left_pct: match (side_contact(Side::Left), side_contact(Side::Right)) {
            (Some(l), Some(r)) => Some(100.0 * l / (l + r)),
            _ => None,
        },
    };

    let (mut mounting_deg, mut mounting_matrix) = (BTreeMap::new(), BTreeMap::new());
    if cfg.mounting == super::Mounting::Random {
        for (p, m) in &syn.mounting {
            let (yaw, pitch, roll) = angles(m);
            mounting_deg.insert(*p, [roll * deg, pitch * deg, yaw * deg]);
            mounting_matrix.insert(*p, [0, 1, 2].map(|r| [m[(r, 0)], m[(r, 1)], m[(r, 2)]]));
        }
    }

    Truth {
        schema_version: TRUTH_SCHEMA_VERSION,
        source: "runform simulate".to_string(),
        config: cfg.clone(),
        frame,
        acc_unit: AccUnit::Mps2,
        condition: "running".to_string(),
        mounting_deg,
        mounting_matrix,
        initial_contacts_s: run.iter().map(|(_, s)| s.initial_contact_s).collect(),
        toe_offs_s: run.iter().map(|(_, s)| s.toe_off_s).collect(),
        contact_ms_mean: summary.ground_contact_ms,
        cadence_spm: summary.cadence_spm,
        strike_pattern: foot_strike.map(|f| f.pattern),
        bouts: tl
            .segments
            .iter()
            .map(|g| Bout {
                start_s: g.start_s,
                end_s: g.end_s,
                activity: g.activity,
            })
            .collect(),
        summary,
        steps: truth_steps.into_iter().map(|(_, s)| s).collect(),
    }
}
