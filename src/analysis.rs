//! The whole analysis: runs the stages in order on a recording and assembles the report.
//!
//! `io` → [`alignment`](crate::alignment) → [`bouts`](crate::bouts) →
//! [`events`](crate::events) → [`metrics`](crate::metrics) → [`posture`](crate::posture)
//! → [`oscillation`](crate::oscillation) → [`symmetry`](crate::symmetry) →
//! [`drift`](crate::drift) → [`faults`](crate::faults) → [`report`](crate::report).

use crate::alignment::{Aligned, align};
use crate::bouts::BoutConfig;
use crate::drift::DriftConfig;
use crate::dynamics::{DynamicsConfig, WatchDynamics};
use crate::error::Result;
use crate::events::EventConfig;
use crate::faults::{NotAssessed, Rules};
use crate::loading::LoadingConfig;
use crate::metrics::MetricsConfig;
use crate::metrics::{FootStrike, Step, Summary, running_mean};
use crate::oscillation::{OscillationConfig, vertical_ratio_pct};
use crate::posture::PostureConfig;
use crate::reach::ReachConfig;
use crate::recording::{Recording, Segment, Side, Warning};
use crate::report::{InputInfo, Report, SCHEMA_VERSION, Unavailable};
use crate::trajectory::{FootStride, Trajectory, TrajectoryConfig};
use rayon::prelude::*;
use std::time::Instant;

/// Settings of every stage, with defaults.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AnalysisConfig {
    /// Bout detection.
    pub bouts: BoutConfig,
    /// Event detection.
    pub events: EventConfig,
    /// Metrics.
    pub metrics: MetricsConfig,
    /// Trunk and pelvis angles.
    pub posture: PostureConfig,
    /// Fault rules.
    pub faults: Rules,
    /// Vertical oscillation.
    pub oscillation: OscillationConfig,
    /// Metrics over the run.
    pub drift: DriftConfig,
    /// Foot strike angle and strides from foot sensors.
    pub trajectory: TrajectoryConfig,
    /// Braking, impact and the strike inferred from the pelvis.
    pub loading: LoadingConfig,
    /// Watch running dynamics (FIT activities without raw samples).
    pub dynamics: DynamicsConfig,
    /// Landing distance and tibia angle.
    pub reach: ReachConfig,
}

/// Posture's pieces whose attitude filters run beside the stages that find the steps
/// (the two pieces of a run of up to 30 minutes; see [`crate::posture::PostureConfig::piece_s`]):
/// their angles are held until the steps are known.
const EARLY_POSTURE_PIECES: usize = 2;

/// How long one stage took.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTiming {
    /// The stage's module name.
    pub stage: &'static str,
    /// Wall time, s.
    pub seconds: f64,
    /// True for the stages that run side by side with others (posture, beside bouts,
    /// events and metrics and then beside trajectory and loading; trajectory; loading):
    /// each one's time is its own, and overlaps the others'.
    pub side_by_side: bool,
}

/// Times the stages one after another, or side by side.
struct StageClock {
    timings: Vec<StageTiming>,
    since: Instant,
}

impl StageClock {
    fn new() -> Self {
        StageClock {
            timings: Vec::new(),
            since: Instant::now(),
        }
    }

    /// `stage` ended now; it began when the one before it ended.
    fn lap(&mut self, stage: &'static str) {
        self.timings.push(StageTiming {
            stage,
            seconds: self.since.elapsed().as_secs_f64(),
            side_by_side: false,
        });
        self.since = Instant::now();
    }

    /// Stages that ran side by side ended now, each after its own time.
    fn side_by_side(&mut self, stages: &[(&'static str, f64)]) {
        self.timings
            .extend(stages.iter().map(|&(stage, seconds)| StageTiming {
                stage,
                seconds,
                side_by_side: true,
            }));
        self.since = Instant::now();
    }
}

/// `f()` and the wall time it took, s.
fn timed<T>(f: impl FnOnce() -> T) -> (T, f64) {
    let started = Instant::now();
    let out = f();
    (out, started.elapsed().as_secs_f64())
}

impl AnalysisConfig {
    /// Reports on a watch's running dynamics ([`crate::dynamics`]): the summary, bouts
    /// and segments come from the watch's own numbers; there are no steps, and the
    /// warnings say where the numbers come from.
    pub fn process_watch(&self, watch: &WatchDynamics) -> Result<Report> {
        let m = self.dynamics.process(watch);
        let mut warnings = vec![Warning::new(
            "source_watch_dynamics",
            format!(
                "source: watch running dynamics{} — per-second values the watch computed (no raw sensor samples, so no steps and no step-based metrics)",
                watch
                    .device
                    .as_ref()
                    .map(|d| format!(" ({d})"))
                    .unwrap_or_default()
            ),
        )];
        for (metric, source) in &watch.metric_sources {
            warnings.push(Warning::new(
                "metric_source",
                format!("{metric}: from {source}"),
            ));
        }
        warnings.extend(watch.warnings.iter().cloned());
        // (the watch gives no spectrum's cadence: no_running is the one that can apply)
        warnings.extend(summary_warnings(&m.summary));
        let mut unavailable: Vec<Unavailable> = m
            .unavailable
            .into_iter()
            .map(|(metric, reason)| Unavailable { metric, reason })
            .collect();
        let assessment = self.faults.process(&m.summary, &[], &m.segments);
        let not_judged = not_judged(&assessment.not_assessed, &unavailable);
        unavailable.extend(not_judged);
        Ok(Report {
            schema_version: SCHEMA_VERSION,
            runform_version: env!("CARGO_PKG_VERSION").to_string(),
            input: InputInfo {
                path: watch.source.clone(),
                duration_s: watch.duration_s(),
                rate_hz: 1.0 / watch.interval_s(),
                frame: crate::recording::Frame::Sensor,
                units: crate::recording::InputUnits {
                    acc: crate::recording::AccUnit::G,
                    acc_detected: false,
                    gyr: None,
                    gyr_detected: false,
                },
                sensors: Vec::new(),
                source: Some(format!(
                    "watch running dynamics (FIT{})",
                    watch
                        .device
                        .as_ref()
                        .map(|d| format!(", {d}"))
                        .unwrap_or_default()
                )),
            },
            bouts: m.bouts,
            summary: m.summary,
            segments: m.segments,
            steps: Vec::new(),
            faults: assessment.faults,
            warnings,
            unavailable,
            faults_assessed: assessment.assessed,
            drift: Vec::new(),
            drift_segments: Vec::new(),
        })
    }

    /// Analyses `recording` and returns its report.
    pub fn process(&self, recording: &Recording) -> Result<Report> {
        self.process_timed(recording).map(|(report, _)| report)
    }

    /// As [`process`](Self::process), with the wall time each stage took.
    pub fn process_timed(&self, recording: &Recording) -> Result<(Report, Vec<StageTiming>)> {
        let mut clock = StageClock::new();
        let aligned: Vec<Aligned> = recording
            .streams
            .par_iter()
            .map(|s| align(s, recording.frame))
            .collect();
        clock.lap("alignment");
        // Posture's attitude filters, nearly all of its work, need the samples and their
        // axes but no steps: those of its first pieces (all of a run of up to 30 minutes;
        // a longer run's later pieces wait, so that its angles are held a few pieces at a
        // time) run beside the stages that find the steps, on the core they leave idle
        let plan = self.posture.plan(recording, &aligned);
        let pieces = plan.pieces();
        let early = pieces.min(EARLY_POSTURE_PIECES);
        // (this thread takes the steps' stages, the filters wait for the other core: with
        // one thread the stages' laps stay their own)
        let (found, (angles, angles_s)) = rayon::join(
            || -> Result<_> {
                let bouts = self.bouts.process(recording, &aligned);
                clock.lap("bouts");
                let contacts = self.events.process(recording, &aligned, &bouts)?;
                clock.lap("events");
                let metrics = self.metrics.process(recording, &aligned, &bouts, &contacts);
                clock.lap("metrics");
                Ok((bouts, contacts, metrics))
            },
            || timed(|| plan.angles(0..early)),
        );
        let (bouts, contacts, mut metrics) = found?;
        // three stages that read the steps and the samples and write nothing, side by
        // side: the rest of posture, the feet's trajectories and the pelvis' loading. A
        // later posture piece is longer than either of the other two: each core starts
        // on posture's work and then takes one of them, so that the cores end together
        // (the strides of the early pieces, measured first, are the shorter work, and
        // go before the shorter stage, loading)
        let steps = &metrics.steps;
        let next = (early + 1).min(pieces);
        let (
            ((first, first_s), (loading, loading_s)),
            ((rest, rest_s), (trajectory, trajectory_s)),
        ) = rayon::join(
            || {
                rayon::join(
                    || {
                        timed(|| {
                            let mut m = plan.measure_angles(angles, &bouts, steps);
                            m.extend(plan.measure(early..next, &bouts, steps));
                            m
                        })
                    },
                    || timed(|| self.loading.process(recording, &aligned, steps)),
                )
            },
            || {
                rayon::join(
                    || timed(|| plan.measure(next..pieces, &bouts, steps)),
                    || timed(|| self.trajectory.process(recording, &contacts)),
                )
            },
        );
        let posture = plan.finish(first.into_iter().chain(rest), steps);
        // the first pieces' filters, then the rest on both cores
        let posture_s = angles_s + first_s.max(rest_s);
        clock.side_by_side(&[
            ("posture", posture_s),
            ("trajectory", trajectory_s),
            ("loading", loading_s),
        ]);
        metrics.summary.trunk_rotation_deg = posture.trunk_rotation_deg;
        metrics.summary.pelvis_rotation_deg = posture.pelvis_rotation_deg;
        metrics.summary.pelvic_drop_deg = posture.pelvic_drop_deg;
        metrics.summary.forward_lean_deg = posture.forward_lean_deg;
        let strike_note = form_metrics(
            &mut metrics.steps,
            &mut metrics.summary,
            &trajectory,
            &loading,
            self,
        );
        metrics.summary.trunk_pelvis_rotation_deg = posture.trunk_pelvis_rotation_deg;
        metrics.summary.trunk_pelvis_coupling = posture.trunk_pelvis_coupling;
        metrics.summary.forward_lean_range_deg = posture.forward_lean_range_deg;
        metrics.summary.lateral_sway_deg = posture.lateral_sway_deg;
        posture.fill(&mut metrics.steps);
        let reach = self
            .reach
            .process(recording, &bouts, &metrics.steps, &loading);
        reach.fill(&mut metrics.steps);
        metrics.summary.overstride_cm = running_mean(&metrics.steps, |s| s.overstride_cm);
        metrics.summary.tibia_angle_deg = running_mean(&metrics.steps, |s| s.tibia_angle_deg);
        clock.lap("reach");
        metrics.summary.step_length_per_leg = self
            .reach
            .step_length_per_leg(metrics.summary.step_length_m);
        let oscillation = self
            .oscillation
            .process(recording, &aligned, &metrics.steps);
        oscillation.fill(&mut metrics.steps);
        metrics.summary.vertical_oscillation_mm = oscillation.vertical_oscillation_mm;
        clock.lap("oscillation");
        // Every per-step value and the summary's step length are filled above this line:
        // the vertical ratio, symmetry and drift below read them.
        metrics.summary.vertical_ratio_pct = metrics
            .summary
            .vertical_oscillation_mm
            .zip(metrics.summary.step_length_m)
            .and_then(|(vo, len)| vertical_ratio_pct(vo, len));
        metrics.summary.symmetry = crate::symmetry::symmetry_pct(&metrics.steps);
        let drift = self.drift.process(&metrics.steps);
        clock.lap("drift");
        let t = &metrics.summary;

        let mut warnings = recording.warnings.clone();
        let mut unavailable = Vec::new();
        fn missing_if(unavailable: &mut Vec<Unavailable>, none: bool, metric: &str, reason: &str) {
            if none {
                unavailable.push(Unavailable {
                    metric: metric.into(),
                    reason: reason.into(),
                });
            }
        }
        let mut missing = |metric: &str, reason: &str| {
            unavailable.push(Unavailable {
                metric: metric.into(),
                reason: reason.into(),
            })
        };
        warnings.extend(summary_warnings(t));
        if t.cadence_spm.is_none() {
            missing(
                "cadence_spm",
                if t.running_s == 0.0 {
                    "no running found"
                } else {
                    "no step intervals in the running bouts"
                },
            );
        }
        if t.ground_contact_ms.is_none() {
            let trunk_borne = t
                .step_sources
                .first()
                .is_some_and(|p| matches!(p.segment(), Segment::Pelvis | Segment::Trunk));
            missing(
                "ground_contact_ms",
                if trunk_borne {
                    "no flight phase found at the pelvis or trunk"
                } else {
                    "toe-off needs a gyroscope on the foot, a running shank, or a pelvis or trunk sensor (wrist toe-off is not measured by this version)"
                },
            );
        }
        if t.flight_ms.is_none() {
            missing("flight_ms", "needs toe-off and the next step's contact");
        }
        if t.duty_factor.is_none() {
            missing("duty_factor", "needs ground contact time and cadence");
        }
        if t.contact_balance_left_pct.is_none() {
            missing(
                "contact_balance_left_pct",
                "needs contact times of steps whose side is known",
            );
        }
        if t.event_uncertainty_ms.is_none() && !t.step_sources.is_empty() {
            missing(
                "event_uncertainty_ms",
                "the events of this placement have not been measured against a real reference",
            );
        }
        if let Some(note) = strike_note {
            warnings.push(Warning::new("foot_strike_inferred", note));
        }
        let has_foot_gyro = trajectory_feet(recording);
        let trunk_borne = loading.braking_placement.is_some();
        if t.foot_strike.is_none() {
            missing(
                "foot_strike",
                if has_foot_gyro || trunk_borne {
                    "no running steps with a measured strike"
                } else {
                    "needs a foot sensor with a gyroscope (strike angle), or a pelvis or trunk sensor (pattern inferred from the impact transient)"
                },
            );
        }
        if t.overstride_cm.is_none() {
            missing(
                "overstride_cm",
                if !has_foot_gyro {
                    "needs foot sensors with a gyroscope (speed and strike angle) together with a pelvis or trunk sensor (the braking phase)"
                } else if !trunk_borne {
                    "needs a pelvis or trunk sensor with the feet: the landing point is found from when braking ends, when the body is over the foot"
                } else {
                    "no running steps with both a braking phase and a measured speed and strike angle"
                },
            );
        }
        let stride_reason = if has_foot_gyro {
            "no running strides between two foot-flat stances"
        } else {
            "needs a foot sensor with a gyroscope (stride length by zero-velocity-aided integration)"
        };
        missing_if(
            &mut unavailable,
            t.step_length_m.is_none(),
            "step_length_m",
            stride_reason,
        );
        missing_if(
            &mut unavailable,
            t.speed_mps.is_none(),
            "speed_mps",
            stride_reason,
        );
        let load_reason = if trunk_borne {
            "no running steps with a step time"
        } else {
            "needs a pelvis or trunk sensor"
        };
        missing_if(
            &mut unavailable,
            t.braking_peak_g.is_none(),
            "braking_peak_g",
            load_reason,
        );
        missing_if(
            &mut unavailable,
            t.braking_mps.is_none(),
            "braking_mps",
            load_reason,
        );
        let impact_reason = if loading.impact_placement.is_some() {
            "no running steps with an impact"
        } else {
            "needs a shank, foot, pelvis or trunk sensor"
        };
        missing_if(
            &mut unavailable,
            t.impact_peak_g.is_none(),
            "impact_peak_g",
            impact_reason,
        );
        missing_if(
            &mut unavailable,
            t.loading_rate_g_per_s.is_none(),
            "loading_rate_g_per_s",
            impact_reason,
        );
        missing_if(
            &mut unavailable,
            t.impact_placement.is_none(),
            "impact_placement",
            impact_reason,
        );
        let mut missing = |metric: &str, reason: &str| {
            unavailable.push(Unavailable {
                metric: metric.into(),
                reason: reason.into(),
            })
        };
        if t.step_length_per_leg.is_none() {
            missing(
                "step_length_per_leg",
                if self.reach.height_cm.is_none() {
                    "needs the runner's height (--height-cm)"
                } else {
                    "needs the step length (foot sensors with a gyroscope)"
                },
            );
        }
        if t.tibia_angle_deg.is_none() {
            missing(
                "tibia_angle_deg",
                if reach.shanks_with_gyroscope == 0 {
                    "needs a shank sensor with a gyroscope"
                } else if !reach.standing_found {
                    "needs a still standing period (at least 1 s) to find the shank's axis"
                } else {
                    "no running steps with a shank angle at initial contact"
                },
            );
        }
        for (metric, reason) in &posture.unavailable {
            missing(metric, reason);
        }
        if let Some(reason) = &oscillation.unavailable {
            missing("vertical_oscillation_mm", reason);
        }
        if t.vertical_ratio_pct.is_none() {
            missing(
                "vertical_ratio_pct",
                match (t.vertical_oscillation_mm, t.step_length_m) {
                    (None, _) => "needs the vertical oscillation",
                    _ => "needs the step length (vertical oscillation / step length)",
                },
            );
        }
        let assessment = self
            .faults
            .process(&metrics.summary, &metrics.steps, &metrics.segments);
        clock.lap("faults");
        let not_judged = not_judged(&assessment.not_assessed, &unavailable);
        unavailable.extend(not_judged);

        let report = Report {
            schema_version: SCHEMA_VERSION,
            runform_version: env!("CARGO_PKG_VERSION").to_string(),
            input: InputInfo::of(recording),
            bouts,
            summary: metrics.summary,
            segments: metrics.segments,
            steps: metrics.steps,
            faults: assessment.faults,
            warnings,
            unavailable,
            faults_assessed: assessment.assessed,
            drift: drift.changes,
            drift_segments: drift.segments,
        };
        clock.lap("report");
        Ok((report, clock.timings))
    }
}

/// True when a foot stream has a gyroscope (strike angle and strides are measurable).
fn trajectory_feet(recording: &Recording) -> bool {
    recording
        .streams
        .iter()
        .any(|s| s.placement.segment() == Segment::Foot && s.gyr_radps.is_some())
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

/// The foot stride of a step: same side (any side when the step's is unknown), initial
/// contact within 60 ms.
fn stride_of<'a>(step: &Step, strides: &StrideIndex<'a>) -> Option<&'a FootStride> {
    const MATCH_S: f64 = 0.06;
    strides.nearest(step.initial_contact_s, MATCH_S, |f| {
        step.side == Side::Unknown || f.side == step.side
    })
}

/// The foot strides in order of initial contact, for finding the nearest to a time
/// without a pass over every stride (a 4-hour run has tens of thousands).
struct StrideIndex<'a> {
    strides: &'a [FootStride],
    /// Indices into `strides`, by initial contact.
    order: Vec<usize>,
}

impl<'a> StrideIndex<'a> {
    fn new(strides: &'a [FootStride]) -> Self {
        let mut order: Vec<usize> = (0..strides.len()).collect();
        order.sort_by(|&a, &b| {
            strides[a]
                .initial_contact_s
                .total_cmp(&strides[b].initial_contact_s)
        });
        StrideIndex { strides, order }
    }

    /// The stride that `keep` accepts whose initial contact is nearest to `t`, at most
    /// `within_s` away; of equally near ones, the first in `strides`.
    fn nearest(
        &self,
        t: f64,
        within_s: f64,
        keep: impl Fn(&FootStride) -> bool,
    ) -> Option<&'a FootStride> {
        let ic = |i: usize| self.strides[i].initial_contact_s;
        // a margin beyond the window, so that rounding never leaves out a stride the exact
        // test below accepts
        let margin = 1e-9 * (1.0 + t.abs());
        let from = self
            .order
            .partition_point(|&i| ic(i) < t - within_s - margin);
        self.order[from..]
            .iter()
            .take_while(|&&i| ic(i) <= t + within_s + margin)
            .copied()
            .filter(|&i| (ic(i) - t).abs() <= within_s && keep(&self.strides[i]))
            .min_by(|&a, &b| {
                (ic(a) - t)
                    .abs()
                    .total_cmp(&(ic(b) - t).abs())
                    .then(a.cmp(&b))
            })
            .map(|i| &self.strides[i])
    }
}

/// Fills the strike, stride and loading fields of the steps and the summary; returns a
/// note when the strike pattern is inferred rather than measured.
fn form_metrics(
    steps: &mut [Step],
    summary: &mut Summary,
    trajectory: &Trajectory,
    loading: &crate::loading::Loading,
    config: &AnalysisConfig,
) -> Option<String> {
    let strides = StrideIndex::new(&trajectory.strides);
    // speed around each step: its own foot stride, else the nearest stride of any foot
    let speed_near = |t: f64| {
        strides
            .nearest(t, 1.5, |f| f.speed_mps().is_some())
            .and_then(FootStride::speed_mps)
    };
    for (k, step) in steps.iter_mut().enumerate() {
        if let Some(f) = stride_of(step, &strides)
            && let Some(angle) = f.strike_angle_deg
        {
            step.strike_angle_deg = Some(angle);
            step.strike_pattern = Some(config.trajectory.pattern(angle));
        }
        if let (Some(v), Some(step_s)) = (speed_near(step.initial_contact_s), step.step_s) {
            step.step_length_m = Some(v * step_s);
        }
        let l = loading.steps.get(k).copied().unwrap_or_default();
        step.braking_peak_g = l.braking_peak_g;
        step.impact_peak_g = l.impact_peak_g;
    }
    let mut note = None;
    let running = |s: &&Step| s.activity == crate::bouts::Activity::Running;
    if trajectory.placements.is_empty() && loading.strike_placement.is_some() {
        for (step, l) in steps.iter_mut().zip(&loading.steps) {
            step.strike_pattern = l.inferred_pattern;
        }
        if steps
            .iter()
            .filter(running)
            .any(|s| s.strike_pattern.is_some())
        {
            note = Some(format!(
                "foot strike is inferred from the {} (heel-strike impact transient): rearfoot or not, without an angle; see the README for its measured accuracy",
                loading
                    .strike_placement
                    .map(|p| p.as_str())
                    .unwrap_or("pelvis")
            ));
        }
    }
    summary.foot_strike = FootStrike::of_steps(
        steps,
        if trajectory.placements.is_empty() {
            loading.strike_placement.into_iter().collect()
        } else {
            trajectory.placements.clone()
        },
    );
    let run_strides: Vec<&FootStride> = trajectory
        .strides
        .iter()
        .filter(|f| f.activity == crate::bouts::Activity::Running)
        .filter(|f| f.stride_length_m.is_some() && f.stride_s.is_some())
        .collect();
    if !run_strides.is_empty() {
        let length: f64 = run_strides.iter().filter_map(|f| f.stride_length_m).sum();
        let time: f64 = run_strides.iter().filter_map(|f| f.stride_s).sum();
        summary.speed_mps = Some(length / time);
    }
    summary.step_length_m = running_mean(steps, |s| s.step_length_m);
    // (the steps hold the loading's braking and impact peaks, set above)
    summary.braking_peak_g = running_mean(steps, |s| s.braking_peak_g);
    summary.impact_peak_g = running_mean(steps, |s| s.impact_peak_g);
    let run_loads = || {
        steps
            .iter()
            .zip(&loading.steps)
            .filter(|(s, _)| s.activity == crate::bouts::Activity::Running)
            .map(|(_, l)| l)
    };
    summary.braking_mps = mean(run_loads().filter_map(|l| l.braking_mps));
    summary.loading_rate_g_per_s = mean(run_loads().filter_map(|l| l.loading_rate_g_per_s));
    summary.impact_placement = summary.impact_peak_g.and(loading.impact_placement);
    note
}

/// The codes of the warnings [`summary_warnings`] gives.
pub(crate) const SUMMARY_WARNINGS: [&str; 2] = ["no_running", "cadence_disagrees"];

/// The warnings the summary itself calls for: no running at all, and a cadence from the
/// steps that the spectrum's does not confirm (within 3 %).
pub(crate) fn summary_warnings(t: &Summary) -> Vec<Warning> {
    let mut warnings = Vec::new();
    if t.running_s == 0.0 {
        warnings.push(Warning::new(
            SUMMARY_WARNINGS[0],
            "no running was found: running metrics are empty",
        ));
    }
    if let (Some(c), Some(f)) = (t.cadence_spm, t.cadence_fft_spm)
        && (c - f).abs() > 0.03 * c
    {
        warnings.push(Warning::new(
                SUMMARY_WARNINGS[1],
                format!("cadence from steps ({c:.1}) and from the spectrum ({f:.1}) differ by more than 3%: steps may be missed or doubled"),
            ));
    }
    warnings
}

/// A `fault:<id>` entry for each fault that could not be judged, with the reasons its
/// missing metrics have in `unavailable`.
pub(crate) fn not_judged(
    not_assessed: &[NotAssessed],
    unavailable: &[Unavailable],
) -> Vec<Unavailable> {
    not_assessed
        .iter()
        .map(|na| {
            let why: Vec<String> = na
                .missing
                .iter()
                .filter_map(|key| {
                    unavailable
                        .iter()
                        .find(|u| u.metric == *key)
                        .map(|u| format!("{key}: {}", u.reason))
                })
                .collect();
            Unavailable {
                metric: format!("fault:{}", na.id),
                reason: if why.is_empty() {
                    na.reason.clone()
                } else {
                    format!("{} ({})", na.reason, why.join("; "))
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bouts::Activity;
    use crate::recording::Placement;

    fn stride(side: Side, initial_contact_s: f64, speed: bool) -> FootStride {
        FootStride {
            placement: Placement::LeftFoot,
            side,
            activity: Activity::Running,
            initial_contact_s,
            strike_angle_deg: None,
            stride_length_m: speed.then_some(2.0),
            stride_s: speed.then_some(0.7),
            climb_m: None,
        }
    }

    /// The pass over every stride that [`StrideIndex::nearest`] replaces.
    fn naive(
        strides: &[FootStride],
        t: f64,
        within_s: f64,
        keep: impl Fn(&FootStride) -> bool,
    ) -> Option<&FootStride> {
        strides
            .iter()
            .filter(|f| (f.initial_contact_s - t).abs() <= within_s && keep(f))
            .min_by(|a, b| {
                (a.initial_contact_s - t)
                    .abs()
                    .total_cmp(&(b.initial_contact_s - t).abs())
            })
    }

    #[test]
    fn nearest_stride_is_the_one_a_pass_over_all_finds() {
        // left strides then right strides, each in time order, with exact ties (a step
        // halfway between two strides) and strides without a speed
        let mut strides: Vec<FootStride> = (0..40)
            .map(|i| stride(Side::Left, 0.7 * i as f64, i % 3 != 0))
            .collect();
        strides.extend((0..40).map(|i| stride(Side::Right, 0.35 + 0.7 * i as f64, i % 4 != 0)));
        strides.push(stride(Side::Right, 7.0, true));
        let index = StrideIndex::new(&strides);
        let mut times: Vec<f64> = (0..700).map(|k| -1.0 + 0.0425 * k as f64).collect();
        let mut ics: Vec<f64> = strides.iter().map(|f| f.initial_contact_s).collect();
        ics.sort_by(f64::total_cmp);
        times.extend(ics.windows(2).map(|w| 0.5 * (w[0] + w[1])));
        for t in times {
            for within_s in [0.06, 0.35, 1.5] {
                let keeps: [&dyn Fn(&FootStride) -> bool; 3] =
                    [&|_| true, &|f| f.side == Side::Left, &|f| {
                        f.speed_mps().is_some()
                    }];
                for keep in keeps {
                    let fast = index.nearest(t, within_s, keep).map(|f| f as *const _);
                    let slow = naive(&strides, t, within_s, keep).map(|f| f as *const _);
                    assert_eq!(fast, slow, "t {t}, within {within_s}");
                }
            }
        }
    }
}
