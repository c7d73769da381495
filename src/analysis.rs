//! The whole analysis: runs the stages in order on a recording and assembles the report.
//!
//! `io` → [`alignment`](crate::alignment) → [`bouts`](crate::bouts) →
//! [`events`](crate::events) → [`metrics`](crate::metrics) → [`posture`](crate::posture)
//! → [`oscillation`](crate::oscillation) → [`symmetry`](crate::symmetry) →
//! [`drift`](crate::drift) → [`faults`](crate::faults) → [`report`](crate::report).

use crate::alignment::{Aligned, align};
use crate::bouts::BoutConfig;
use crate::drift::DriftConfig;
use crate::error::Result;
use crate::events::EventConfig;
use crate::faults::Rules;
use crate::metrics::MetricsConfig;
use crate::oscillation::{OscillationConfig, vertical_ratio_pct};
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
    /// Fault rules.
    pub faults: Rules,
    /// Vertical oscillation.
    pub oscillation: OscillationConfig,
    /// Metrics over the run.
    pub drift: DriftConfig,
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
        metrics.summary.trunk_pelvis_rotation_deg = posture.trunk_pelvis_rotation_deg;
        metrics.summary.trunk_pelvis_coupling = posture.trunk_pelvis_coupling;
        metrics.summary.forward_lean_range_deg = posture.forward_lean_range_deg;
        metrics.summary.lateral_sway_deg = posture.lateral_sway_deg;
        posture.fill(&mut metrics.steps);
        let oscillation = self
            .oscillation
            .process(recording, &aligned, &metrics.steps);
        oscillation.fill(&mut metrics.steps);
        metrics.summary.vertical_oscillation_mm = oscillation.vertical_oscillation_mm;
        lap("oscillation");
        // Every per-step value and the summary's step length are filled above this line:
        // the vertical ratio, symmetry and drift below read them.
        metrics.summary.vertical_ratio_pct = metrics
            .summary
            .vertical_oscillation_mm
            .zip(metrics.summary.step_length_m)
            .and_then(|(vo, len)| vertical_ratio_pct(vo, len));
        metrics.summary.symmetry = crate::symmetry::symmetry_pct(&metrics.steps);
        let drift = self.drift.process(&metrics.steps);
        lap("drift");
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
        if t.event_uncertainty_ms.is_none() && !t.step_sources.is_empty() {
            missing(
                "event_uncertainty_ms",
                "the events of this placement have not been measured against a real reference",
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
        ];
        for (metric, _) in not_measured.iter().filter(|(_, none)| *none) {
            missing(metric, "not measured by this version");
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
        lap("faults");
        for na in &assessment.not_assessed {
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
            let reason = if why.is_empty() {
                na.reason.clone()
            } else {
                format!("{} ({})", na.reason, why.join("; "))
            };
            unavailable.push(Unavailable {
                metric: format!("fault:{}", na.id),
                reason,
            });
        }

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
        lap("report");
        Ok((report, timings))
    }
}
