//! The report: the JSON document (`schema_version` 1), the text summary, and the per-step
//! table (`steps.csv`, written with polars).
//!
//! Every metric the placements present cannot give is `null` in `summary` with an entry
//! in `unavailable` saying why; nothing is made up. Units are in the key names.

use crate::bouts::{Activity, Bout};
use crate::drift::{DriftSegment, MetricDrift};
pub use crate::faults::{Fault, Severity};
use crate::metrics::{Step, StrikePattern, Summary, TimeSegment};
use crate::recording::{Frame, InputUnits, Placement, Recording, Warning};
use polars::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;

/// Version of the JSON layout; bumped when a key changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// A sensor as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SensorInfo {
    /// Where it was worn.
    pub placement: Placement,
    /// Sampling rate, Hz.
    pub rate_hz: f64,
    /// Has a gyroscope.
    pub gyroscope: bool,
    /// Has a magnetometer.
    pub magnetometer: bool,
}

/// What was read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    /// The file.
    pub path: String,
    /// Length, s.
    pub duration_s: f64,
    /// Sampling rate, Hz.
    pub rate_hz: f64,
    /// Axes of the file.
    pub frame: Frame,
    /// Units of the file.
    pub units: InputUnits,
    /// The sensors.
    pub sensors: Vec<SensorInfo>,
    /// What the numbers come from when there are no raw sensor samples, e.g.
    /// `watch running dynamics (FIT, garmin fenix5)`; absent for a recording of samples.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl InputInfo {
    /// Describes `recording`.
    pub fn of(recording: &Recording) -> Self {
        InputInfo {
            path: recording.source.clone(),
            duration_s: recording.duration_s(),
            rate_hz: recording.rate_hz,
            frame: recording.frame,
            units: recording.units.clone(),
            sensors: recording
                .streams
                .iter()
                .map(|s| SensorInfo {
                    placement: s.placement,
                    rate_hz: recording.rate_hz,
                    gyroscope: s.gyr_radps.is_some(),
                    magnetometer: s.mag.is_some(),
                })
                .collect(),
            source: None,
        }
    }

    /// What was measured, as the text and HTML reports name it: the sensors with their
    /// placements (`pelvis (acc+gyr), left_foot (acc)`), else the source of the numbers
    /// (`watch running dynamics (FIT, …)`), else `none`.
    pub fn sensors_text(&self) -> String {
        if self.sensors.is_empty() {
            return self.source.clone().unwrap_or_else(|| "none".to_string());
        }
        let sensors: Vec<String> = self
            .sensors
            .iter()
            .map(|s| {
                format!(
                    "{}{}",
                    s.placement,
                    if s.gyroscope { " (acc+gyr)" } else { " (acc)" }
                )
            })
            .collect();
        sensors.join(", ")
    }
}

/// A metric that could not be given, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unavailable {
    /// The summary key.
    pub metric: String,
    /// Why.
    pub reason: String,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// Layout version.
    pub schema_version: u32,
    /// runform version that wrote it.
    pub runform_version: String,
    /// What was read.
    pub input: InputInfo,
    /// Activities over time.
    pub bouts: Vec<Bout>,
    /// Run-level numbers.
    pub summary: Summary,
    /// Cadence and contact over time (running only).
    pub segments: Vec<TimeSegment>,
    /// One entry per step.
    pub steps: Vec<Step>,
    /// Form faults found.
    pub faults: Vec<Fault>,
    /// What the reader or analysis noticed.
    pub warnings: Vec<Warning>,
    /// Metrics left `null`, with reasons; faults the sensors present cannot judge are
    /// listed as `fault:<id>`.
    pub unavailable: Vec<Unavailable>,
    /// Ids of the faults that were judged, found or not: a fault missing from `faults`
    /// is known to be absent only when it is listed here.
    #[serde(default)]
    pub faults_assessed: Vec<String>,
    /// Each metric's change from the first to the last third of the running steps, and
    /// whether it exceeds the stride-to-stride variability (see [`drift`](crate::drift)).
    #[serde(default)]
    pub drift: Vec<MetricDrift>,
    /// The metrics per km (distance known) or per 5 minutes of running.
    #[serde(default)]
    pub drift_segments: Vec<DriftSegment>,
}

/// The middle one of the running steps with a stride time among `steps`.
pub fn middle_stride<'a>(steps: impl IntoIterator<Item = &'a Step>) -> Option<&'a Step> {
    let strides: Vec<&Step> = steps
        .into_iter()
        .filter(|s| s.activity == Activity::Running && s.stride_s.is_some())
        .collect();
    strides.get(strides.len() / 2).copied()
}

impl Report {
    /// The stride the charts show: the middle one of the running steps with a stride
    /// time ([`middle_stride`]).
    pub fn shown_stride(&self) -> Option<&Step> {
        middle_stride(&self.steps)
    }

    /// Writes the JSON report, pretty-printed.
    pub fn write_json<W: Write>(&self, out: W) -> std::io::Result<()> {
        serde_json::to_writer_pretty(out, self).map_err(|e| match e.io_error_kind() {
            // the writer's own failure (a closed pipe, a full disk) keeps its kind
            Some(kind) => std::io::Error::new(kind, e),
            None => std::io::Error::other(e),
        })
    }

    /// Writes the readable summary.
    pub fn write_text<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        let opt = |v: Option<f64>, unit: &str, digits: usize| match v {
            Some(v) => format!("{v:.digits$} {unit}"),
            None => "—".to_string(),
        };
        writeln!(
            out,
            "runform {} — {}",
            self.runform_version, self.input.path
        )?;
        if self.input.sensors.is_empty() && self.input.source.is_some() {
            writeln!(
                out,
                "{:.1} min, one record every {:.1} s; source: {}",
                self.input.duration_s / 60.0,
                1.0 / self.input.rate_hz,
                self.input.sensors_text()
            )?;
        } else {
            writeln!(
                out,
                "{:.1} min at {:.1} Hz, {} frame; sensors: {}",
                self.input.duration_s / 60.0,
                self.input.rate_hz,
                self.input.frame.as_str(),
                self.input.sensors_text()
            )?;
        }
        writeln!(out)?;
        self.write_faults(&mut out)?;
        writeln!(out)?;
        let mut by_activity: BTreeMap<&str, f64> = BTreeMap::new();
        for b in &self.bouts {
            let name = match b.activity {
                Activity::Running => "running",
                Activity::Walking => "walking",
                Activity::Standing => "standing",
                Activity::Other => "other",
            };
            *by_activity.entry(name).or_default() += b.duration_s();
        }
        let acts: Vec<String> = by_activity
            .iter()
            .map(|(k, v)| format!("{k} {:.0} s", v))
            .collect();
        writeln!(out, "Activity:        {}", acts.join(", "))?;
        let s = &self.summary;
        let source = if s.step_sources.is_empty() {
            if self.input.source.is_some() {
                "the watch's own step count".to_string()
            } else {
                "none".to_string()
            }
        } else {
            s.step_sources
                .iter()
                .map(|p| p.as_str())
                .collect::<Vec<_>>()
                .join(" + ")
        };
        writeln!(out, "Running steps:   {} (from {source})", s.running_steps)?;
        writeln!(
            out,
            "Cadence:         {}  (spectrum: {})",
            opt(s.cadence_spm, "steps/min", 1),
            opt(s.cadence_fft_spm, "steps/min", 1)
        )?;
        if s.cadence_by_placement.len() > 1 {
            let per: Vec<String> = s
                .cadence_by_placement
                .iter()
                .map(|(p, v)| format!("{p} {v:.1}"))
                .collect();
            writeln!(out, "  by sensor:     {}", per.join(", "))?;
        }
        writeln!(
            out,
            "Ground contact:  {}",
            opt(s.ground_contact_ms, "ms", 0)
        )?;
        writeln!(out, "Flight:          {}", opt(s.flight_ms, "ms", 0))?;
        writeln!(
            out,
            "Contact balance: {}",
            opt(s.contact_balance_left_pct, "% left", 1)
        )?;
        writeln!(
            out,
            "Duty factor:     {}",
            opt(s.duty_factor, "", 2).trim_end()
        )?;
        let strike = match &s.foot_strike {
            Some(f) => format!(
                "{} ({:.0}% of steps{}; from {})",
                f.pattern.as_str(),
                f.share_pct.get(f.pattern.as_str()).copied().unwrap_or(0.0),
                f.angle_deg
                    .map(|a| format!(", angle {a:.1}°"))
                    .unwrap_or_default(),
                f.sources
                    .iter()
                    .map(|p| p.as_str())
                    .collect::<Vec<_>>()
                    .join(" + ")
            ),
            None => "—".to_string(),
        };
        writeln!(out, "Foot strike:     {strike}")?;
        writeln!(
            out,
            "Step length:     {}  (speed {}{})",
            opt(s.step_length_m, "m", 2),
            opt(s.speed_mps, "m/s", 2),
            s.step_length_per_leg
                .map(|r| format!("; {r:.2} × leg length"))
                .unwrap_or_default()
        )?;
        writeln!(
            out,
            "Landing:         {} ahead of the pelvis  (tibia angle {})",
            opt(s.overstride_cm, "cm", 1),
            opt(s.tibia_angle_deg, "°", 1)
        )?;
        writeln!(
            out,
            "Braking:         {}  (speed lost per step {})",
            opt(s.braking_peak_g, "g", 2),
            opt(s.braking_mps, "m/s", 2)
        )?;
        writeln!(
            out,
            "Impact:          {}{}  (loading rate {})",
            opt(s.impact_peak_g, "g", 1),
            s.impact_placement
                .map(|p| format!(" at the {p}"))
                .unwrap_or_default(),
            opt(s.loading_rate_g_per_s, "g/s", 0)
        )?;
        writeln!(
            out,
            "Trunk rotation:  {}  (per stride, peak to peak)",
            opt(s.trunk_rotation_deg, "°", 1)
        )?;
        writeln!(
            out,
            "Pelvis rotation: {}",
            opt(s.pelvis_rotation_deg, "°", 1)
        )?;
        writeln!(out, "Pelvic drop:     {}", opt(s.pelvic_drop_deg, "°", 1))?;
        writeln!(out, "Forward lean:    {}", opt(s.forward_lean_deg, "°", 1))?;
        writeln!(
            out,
            "  per stride:    range {}, lateral sway {}",
            opt(s.forward_lean_range_deg, "°", 1),
            opt(s.lateral_sway_deg, "°", 1)
        )?;
        writeln!(
            out,
            "Trunk − pelvis:  {}  (coupling {}: −1 counter-rotating, +1 turning together)",
            opt(s.trunk_pelvis_rotation_deg, "°", 1),
            opt(s.trunk_pelvis_coupling, "", 2).trim_end()
        )?;
        writeln!(
            out,
            "Vertical osc.:   {}  (ratio {})",
            opt(s.vertical_oscillation_mm, "mm", 0),
            opt(s.vertical_ratio_pct, "%", 1)
        )?;
        if !s.symmetry.is_empty() {
            let si: Vec<String> = s
                .symmetry
                .iter()
                .map(|(k, v)| format!("{k} {v:+.1}"))
                .collect();
            writeln!(out, "Symmetry (L−R, % of mean): {}", si.join(", "))?;
        }
        if !self.segments.is_empty() && self.segments.len() <= 60 {
            writeln!(out)?;
            writeln!(out, "Over time:")?;
            for seg in &self.segments {
                writeln!(
                    out,
                    "  {:>6.0}–{:<6.0} s  cadence {:>12}  contact {:>8}",
                    seg.start_s,
                    seg.end_s,
                    opt(seg.cadence_spm, "spm", 1),
                    opt(seg.ground_contact_ms, "ms", 0)
                )?;
            }
        }
        self.write_drift_text(&mut out)?;
        if !self.unavailable.is_empty() {
            writeln!(out)?;
            writeln!(out, "Not measured:")?;
            for u in &self.unavailable {
                writeln!(out, "  {}: {}", u.metric, u.reason)?;
            }
        }
        if !self.warnings.is_empty() {
            writeln!(out)?;
            writeln!(out, "Warnings:")?;
            for w in &self.warnings {
                writeln!(out, "  {}: {}", w.code, w.message)?;
            }
        }
        Ok(())
    }

    /// The faults section of the text summary: each fault with its severity, evidence,
    /// why it matters and what to do, then the faults that could not be judged.
    fn write_faults<W: Write>(&self, out: &mut W) -> std::io::Result<()> {
        writeln!(
            out,
            "Faults — what the sensors show, not a diagnosis; pain that lasts two weeks or more needs a professional."
        )?;
        for f in &self.faults {
            writeln!(out, "  [{}] {}", f.severity.as_str(), f.title)?;
            writeln!(out, "      {}", f.evidence)?;
            writeln!(out, "      Why it matters: {}", f.why_it_matters)?;
            writeln!(out, "      What to do: {}", f.what_to_do)?;
        }
        let not_assessed: Vec<&str> = self
            .unavailable
            .iter()
            .filter_map(|u| u.metric.strip_prefix("fault:"))
            .collect();
        let clear: Vec<&str> = self
            .faults_assessed
            .iter()
            .filter(|id| !self.faults.iter().any(|f| &f.id == *id))
            .map(String::as_str)
            .collect();
        if self.faults_assessed.is_empty() {
            writeln!(out, "  None could be judged with these sensors.")?;
        } else if !clear.is_empty() {
            writeln!(
                out,
                "  {}: {}.",
                if self.faults.is_empty() {
                    "None found among those judged"
                } else {
                    "Judged and not found"
                },
                clear.join(", ")
            )?;
        }
        if !not_assessed.is_empty() {
            writeln!(
                out,
                "  Not judged (see 'Not measured' below): {}.",
                not_assessed.join(", ")
            )?;
        }
        Ok(())
    }

    /// The per-segment table and the first-to-last-third changes.
    fn write_drift_text<W: Write>(&self, mut out: W) -> std::io::Result<()> {
        // (key, column head, width, digits)
        const COLUMNS: [(&str, &str, usize, usize); 8] = [
            ("cadence_spm", "spm", 6, 1),
            ("contact_ms", "contact", 7, 0),
            ("vertical_oscillation_mm", "osc mm", 6, 0),
            ("step_length_m", "step m", 6, 2),
            ("strike_angle_deg", "strike°", 7, 1),
            ("trunk_rotation_deg", "trunk°", 6, 1),
            ("pelvic_drop_deg", "drop°", 5, 1),
            ("forward_lean_deg", "lean°", 5, 1),
        ];
        let segs = &self.drift_segments;
        if !segs.is_empty() {
            let cols: Vec<_> = COLUMNS
                .iter()
                .filter(|c| segs.iter().any(|s| s.metrics.contains_key(c.0)))
                .collect();
            let by_km = segs[0].start_m.is_some();
            writeln!(out)?;
            writeln!(
                out,
                "Per {}:",
                if by_km { "kilometre" } else { "5 minutes" }
            )?;
            let mut head = format!(
                "  {:>15}  {:>5}",
                if by_km { "km" } else { "time s" },
                "steps"
            );
            for c in &cols {
                head += &format!("  {:>w$}", c.1, w = c.2);
            }
            writeln!(out, "{head}")?;
            for s in segs {
                let span = match (s.start_m, s.end_m) {
                    (Some(a), Some(b)) => format!("{:.2}–{:.2}", a / 1000.0, b / 1000.0),
                    _ => format!("{:.0}–{:.0}", s.start_s, s.end_s),
                };
                let mut line = format!("  {span:>15}  {:>5}", s.steps);
                for c in &cols {
                    let v = match s.metrics.get(c.0) {
                        Some(v) => format!("{v:.d$}", d = c.3),
                        None => "—".into(),
                    };
                    line += &format!("  {v:>w$}", w = c.2);
                }
                writeln!(out, "{line}")?;
            }
        }
        if !self.drift.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "Drift, first → last third of the running steps (* = beyond the stride-to-stride scatter):"
            )?;
            for d in &self.drift {
                writeln!(
                    out,
                    "  {} {:<26} {:>9.3} → {:<9.3} change {:+.3}{} (stride SD {:.3})",
                    if d.flagged { "*" } else { " " },
                    d.metric,
                    d.first_third,
                    d.last_third,
                    d.change,
                    d.change_pct
                        .map(|p| format!(" ({p:+.1} %)"))
                        .unwrap_or_default(),
                    d.stride_sd
                )?;
            }
        }
        Ok(())
    }

    /// The per-step table as a polars frame.
    pub fn steps_frame(&self) -> PolarsResult<DataFrame> {
        let st = &self.steps;
        let col_f = |name: &str, f: &dyn Fn(&Step) -> Option<f64>| {
            Column::new(name.into(), st.iter().map(f).collect::<Vec<Option<f64>>>())
        };
        let side: Vec<&str> = st.iter().map(|s| s.side.as_str()).collect();
        let activity: Vec<String> = st
            .iter()
            .map(|s| format!("{:?}", s.activity).to_lowercase())
            .collect();
        let pattern: Vec<Option<&str>> = st
            .iter()
            .map(|s| s.strike_pattern.map(StrikePattern::as_str))
            .collect();
        DataFrame::new(
            st.len(),
            vec![
                Column::new("side".into(), side),
                Column::new("activity".into(), activity),
                col_f("initial_contact_s", &|s| Some(s.initial_contact_s)),
                col_f("toe_off_s", &|s| s.toe_off_s),
                col_f("contact_ms", &|s| s.contact_ms),
                col_f("flight_ms", &|s| s.flight_ms),
                col_f("step_s", &|s| s.step_s),
                col_f("stride_s", &|s| s.stride_s),
                col_f("strike_angle_deg", &|s| s.strike_angle_deg),
                Column::new("strike_pattern".into(), pattern),
                col_f("overstride_cm", &|s| s.overstride_cm),
                col_f("step_length_m", &|s| s.step_length_m),
                col_f("braking_peak_g", &|s| s.braking_peak_g),
                col_f("impact_peak_g", &|s| s.impact_peak_g),
                col_f("vertical_oscillation_mm", &|s| s.vertical_oscillation_mm),
                col_f("pelvic_drop_deg", &|s| s.pelvic_drop_deg),
                col_f("trunk_rotation_deg", &|s| s.trunk_rotation_deg),
                col_f("pelvis_rotation_deg", &|s| s.pelvis_rotation_deg),
                col_f("trunk_pelvis_rotation_deg", &|s| {
                    s.trunk_pelvis_rotation_deg
                }),
                col_f("trunk_pelvis_coupling", &|s| s.trunk_pelvis_coupling),
                col_f("forward_lean_deg", &|s| s.forward_lean_deg),
                col_f("forward_lean_range_deg", &|s| s.forward_lean_range_deg),
                col_f("lateral_sway_deg", &|s| s.lateral_sway_deg),
                col_f("tibia_angle_deg", &|s| s.tibia_angle_deg),
            ],
        )
    }

    /// Writes `steps.parquet`: the same table as `steps.csv`, typed (floats stay `f64`,
    /// missing values are nulls).
    pub fn write_steps_parquet<W: Write>(&self, out: W) -> PolarsResult<()> {
        let mut df = self.steps_frame()?;
        ParquetWriter::new(out).finish(&mut df).map(|_| ())
    }

    /// Writes `steps.csv`.
    pub fn write_steps_csv<W: Write>(&self, mut out: W) -> PolarsResult<()> {
        let mut df = self.steps_frame()?;
        CsvWriter::new(&mut out)
            .include_header(true)
            .with_float_precision(Some(4))
            .finish(&mut df)
    }
}
