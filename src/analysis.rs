//! The whole analysis: runs the stages in order on a recording and assembles the report.
//!
//! `io` → [`alignment`](crate::alignment) → [`bouts`](crate::bouts) →
//! [`events`](crate::events) → [`metrics`](crate::metrics) → [`posture`](crate::posture)
//! → [`report`](crate::report).

use crate::alignment::{Aligned, align};
use crate::bouts::BoutConfig;
use crate::dynamics::{DynamicsConfig, WatchDynamics};
use crate::error::Result;
use crate::events::EventConfig;
use crate::metrics::MetricsConfig;
use crate::posture::PostureConfig;
use crate::recording::{Recording, Segment, Warning};
use crate::report::{InputInfo, Report, SCHEMA_VERSION, Unavailable};
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
    /// Watch running dynamics (FIT activities without raw samples).
    pub dynamics: DynamicsConfig,
}

/// How long one stage took.
#[derive(Debug, Clone, PartialEq)]
pub struct StageTiming {
    /// The stage's module name.
    pub stage: &'static str,
    /// Wall time, s.
    pub seconds: f64,
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
        if m.summary.running_s == 0.0 {
            warnings.push(Warning::new(
                "no_running",
                "no running was found: running metrics are empty",
            ));
        }
        let mut unavailable: Vec<Unavailable> = m
            .unavailable
            .into_iter()
            .map(|(metric, reason)| Unavailable { metric, reason })
            .collect();
        unavailable.push(Unavailable {
            metric: "faults".into(),
            reason: "form faults are not assessed by this version: an empty list does not mean none were found".into(),
        });
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
            },
            bouts: m.bouts,
            summary: m.summary,
            segments: m.segments,
            steps: Vec::new(),
            faults: Vec::new(),
            warnings,
            unavailable,
        })
    }

    /// Analyses `recording` and returns its report.
    pub fn process(&self, recording: &Recording) -> Result<Report> {
        self.process_timed(recording).map(|(report, _)| report)
    }

    /// As [`process`](Self::process), with the wall time each stage took.
    pub fn process_timed(&self, recording: &Recording) -> Result<(Report, Vec<StageTiming>)> {
        let mut timings = Vec::new();
        let mut clock = Instant::now();
        let mut lap = |stage: &'static str| {
            timings.push(StageTiming {
                stage,
                seconds: clock.elapsed().as_secs_f64(),
            });
            clock = Instant::now();
        };
        let aligned: Vec<Aligned> = recording
            .streams
            .iter()
            .map(|s| align(s, recording.frame))
            .collect();
        lap("alignment");
        let norms: Vec<&[f64]> = aligned.iter().map(|a| a.norm_g.as_slice()).collect();
        let bouts = self.bouts.process(recording, &norms);
        lap("bouts");
        let contacts = self.events.process(recording, &aligned, &bouts)?;
        lap("events");
        let mut metrics = self.metrics.process(recording, &aligned, &bouts, &contacts);
        lap("metrics");
        let posture = self
            .posture
            .process(recording, &aligned, &bouts, &metrics.steps);
        lap("posture");
        metrics.summary.trunk_rotation_deg = posture.trunk_rotation_deg;
        metrics.summary.pelvis_rotation_deg = posture.pelvis_rotation_deg;
        metrics.summary.pelvic_drop_deg = posture.pelvic_drop_deg;
        metrics.summary.forward_lean_deg = posture.forward_lean_deg;
        let t = &metrics.summary;

        let mut warnings = recording.warnings.clone();
        let mut unavailable = Vec::new();
        let mut missing = |metric: &str, reason: &str| {
            unavailable.push(Unavailable {
                metric: metric.into(),
                reason: reason.into(),
            })
        };
        if t.running_s == 0.0 {
            warnings.push(Warning::new(
                "no_running",
                "no running was found: running metrics are empty",
            ));
        }
        if let (Some(c), Some(f)) = (t.cadence_spm, t.cadence_fft_spm)
            && (c - f).abs() > 0.03 * c
        {
            warnings.push(Warning::new(
                    "cadence_disagrees",
                    format!("cadence from steps ({c:.1}) and from the spectrum ({f:.1}) differ by more than 3%: steps may be missed or doubled"),
                ));
        }
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
                    "toe-off needs a gyroscope on the foot, or a pelvis or trunk sensor (shank and wrist toe-off are not measured by this version)"
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
        let not_measured = [
            ("foot_strike", t.foot_strike.is_none()),
            ("overstride_cm", t.overstride_cm.is_none()),
            ("step_length_m", t.step_length_m.is_none()),
            ("speed_mps", t.speed_mps.is_none()),
            ("tibia_angle_deg", t.tibia_angle_deg.is_none()),
            ("braking_peak_g", t.braking_peak_g.is_none()),
            ("braking_mps", t.braking_mps.is_none()),
            ("impact_peak_g", t.impact_peak_g.is_none()),
            ("loading_rate_g_per_s", t.loading_rate_g_per_s.is_none()),
            ("impact_placement", t.impact_placement.is_none()),
            (
                "vertical_oscillation_mm",
                t.vertical_oscillation_mm.is_none(),
            ),
            ("vertical_ratio_pct", t.vertical_ratio_pct.is_none()),
        ];
        for (metric, _) in not_measured.iter().filter(|(_, none)| *none) {
            missing(metric, "not measured by this version");
        }
        missing(
            "faults",
            "form faults are not assessed by this version: an empty list does not mean none were found",
        );
        for (metric, reason) in &posture.unavailable {
            missing(metric, reason);
        }

        let report = Report {
            schema_version: SCHEMA_VERSION,
            runform_version: env!("CARGO_PKG_VERSION").to_string(),
            input: InputInfo::of(recording),
            bouts,
            summary: metrics.summary,
            segments: metrics.segments,
            steps: metrics.steps,
            faults: Vec::new(),
            warnings,
            unavailable,
        };
        lap("report");
        Ok((report, timings))
    }
}
