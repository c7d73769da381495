//! Faults: the form findings physiotherapy ties to low back pain, each with its
//! evidence — which metric, its value against which threshold, on what share of the
//! steps and where in the run, why it matters and what to do about it.
//!
//! A fault says what the sensors show; it is never a diagnosis.
//!
//! The rules are data: [`Rules`] holds one [`Rule`] per fault and metric, read from TOML
//! (the built-in set is `src/faults/rules.toml`; `runform analyze --rules FILE` replaces
//! it). A rule names a [`Metric`], the [`Direction`] that is worse and up to three
//! thresholds (mild, moderate, marked), in the metric's own unit (the units of
//! [`Summary`]: degrees, cm, ms, g, steps/min, %). A fault is present when the run's
//! value is past the first threshold; its severity is the furthest threshold passed.
//! Where the metric is also measured step by step, the share of running steps past the
//! first threshold and the times of the first and last such step go with it.
//! Where no clinical cut-off exists (the rule gives `typical` values), the evidence says
//! so and sets the value against typical running values and the runner's own
//! between-step variability.

use crate::bouts::Activity;
use crate::error::{InputError, Problem, Result};
use crate::metrics::{Step, StrikePattern, Summary, TimeSegment};
use crate::recording::Placement;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// How strongly a fault shows, from the thresholds of its rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Past the first threshold.
    Mild,
    /// Past the second.
    Moderate,
    /// Past the third.
    Marked,
}

impl Severity {
    /// The name used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Marked => "marked",
        }
    }
}

/// A form fault with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    /// Stable id, e.g. `low_cadence`.
    pub id: String,
    /// Short readable name, e.g. "Low cadence".
    pub title: String,
    /// How strongly it shows.
    pub severity: Severity,
    /// The summary key the fault is judged on, e.g. `cadence_spm`.
    pub metric: String,
    /// The run's value of that metric.
    pub value: f64,
    /// The threshold it crossed (the one that set the severity).
    pub threshold: f64,
    /// Unit of `value` and `threshold`.
    pub unit: String,
    /// Share of the running steps past the first threshold, %, where it is judged step
    /// by step.
    pub steps_affected_pct: Option<f64>,
    /// First running step past the first threshold, s.
    pub first_s: Option<f64>,
    /// Last running step past the first threshold, s.
    pub last_s: Option<f64>,
    /// What the sensors show, in a sentence with the numbers.
    pub evidence: String,
    /// Why it matters for the lower back.
    pub why_it_matters: String,
    /// What to do about it.
    pub what_to_do: String,
    /// Where the threshold comes from.
    pub source: String,
}

/// The rules runform uses unless told otherwise.
pub const BUILT_IN_RULES: &str = include_str!("faults/rules.toml");

/// What a rule judges: a summary value, and where it exists a value per step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Metric {
    /// `cadence_spm`; per step 60 / `step_s`.
    CadenceSpm,
    /// `ground_contact_ms`; per step `contact_ms`.
    GroundContactMs,
    /// `flight_ms`; per step `flight_ms`.
    FlightMs,
    /// `duty_factor`.
    DutyFactor,
    /// `contact_balance_left_pct`.
    ContactBalanceLeftPct,
    /// `foot_strike.angle_deg`; per step `strike_angle_deg`.
    StrikeAngleDeg,
    /// Share of running steps that land rearfoot, `foot_strike.share_pct.rearfoot`; per
    /// step 100 for a rearfoot strike, else 0.
    RearfootSharePct,
    /// `overstride_cm`, per step too.
    OverstrideCm,
    /// `tibia_angle_deg`.
    TibiaAngleDeg,
    /// `step_length_m`, per step too.
    StepLengthM,
    /// `trunk_rotation_deg`.
    TrunkRotationDeg,
    /// `pelvis_rotation_deg`.
    PelvisRotationDeg,
    /// `pelvic_drop_deg`.
    PelvicDropDeg,
    /// `forward_lean_deg`.
    ForwardLeanDeg,
    /// `braking_peak_g`, per step too.
    BrakingPeakG,
    /// `braking_mps`.
    BrakingMps,
    /// `impact_peak_g`, per step too, at `impact_placement`.
    ImpactPeakG,
    /// `loading_rate_g_per_s`, at `impact_placement`.
    LoadingRateGPerS,
    /// `vertical_oscillation_mm`.
    VerticalOscillationMm,
    /// `vertical_ratio_pct`.
    VerticalRatioPct,
    /// Cadence of the last third of the running time segments against the first, %
    /// change.
    CadenceDriftPct,
    /// Ground contact of the last third of the running time segments against the first,
    /// % change.
    ContactDriftPct,
}

impl Metric {
    /// The name used in rules and in [`Fault::metric`].
    pub fn as_str(self) -> &'static str {
        match self {
            Metric::CadenceSpm => "cadence_spm",
            Metric::GroundContactMs => "ground_contact_ms",
            Metric::FlightMs => "flight_ms",
            Metric::DutyFactor => "duty_factor",
            Metric::ContactBalanceLeftPct => "contact_balance_left_pct",
            Metric::StrikeAngleDeg => "strike_angle_deg",
            Metric::RearfootSharePct => "rearfoot_share_pct",
            Metric::OverstrideCm => "overstride_cm",
            Metric::TibiaAngleDeg => "tibia_angle_deg",
            Metric::StepLengthM => "step_length_m",
            Metric::TrunkRotationDeg => "trunk_rotation_deg",
            Metric::PelvisRotationDeg => "pelvis_rotation_deg",
            Metric::PelvicDropDeg => "pelvic_drop_deg",
            Metric::ForwardLeanDeg => "forward_lean_deg",
            Metric::BrakingPeakG => "braking_peak_g",
            Metric::BrakingMps => "braking_mps",
            Metric::ImpactPeakG => "impact_peak_g",
            Metric::LoadingRateGPerS => "loading_rate_g_per_s",
            Metric::VerticalOscillationMm => "vertical_oscillation_mm",
            Metric::VerticalRatioPct => "vertical_ratio_pct",
            Metric::CadenceDriftPct => "cadence_drift_pct",
            Metric::ContactDriftPct => "contact_drift_pct",
        }
    }

    /// The summary key whose absence leaves this metric unmeasured (`None` for the
    /// drift metrics, which come from the time segments).
    pub fn summary_key(self) -> Option<&'static str> {
        match self {
            Metric::StrikeAngleDeg | Metric::RearfootSharePct => Some("foot_strike"),
            Metric::CadenceDriftPct | Metric::ContactDriftPct => None,
            m => Some(m.as_str()),
        }
    }

    /// How the evidence names it.
    fn label(self) -> &'static str {
        match self {
            Metric::CadenceSpm => "cadence",
            Metric::GroundContactMs => "ground contact",
            Metric::FlightMs => "flight time",
            Metric::DutyFactor => "duty factor",
            Metric::ContactBalanceLeftPct => "ground contact balance",
            Metric::StrikeAngleDeg => "foot-strike angle",
            Metric::RearfootSharePct => "rearfoot strikes",
            Metric::OverstrideCm => "landing distance ahead of the pelvis",
            Metric::TibiaAngleDeg => "shank angle at initial contact",
            Metric::StepLengthM => "step length",
            Metric::TrunkRotationDeg => "trunk rotation per stride",
            Metric::PelvisRotationDeg => "pelvis rotation per stride",
            Metric::PelvicDropDeg => "pelvic drop",
            Metric::ForwardLeanDeg => "forward lean",
            Metric::BrakingPeakG => "peak braking",
            Metric::BrakingMps => "speed lost braking",
            Metric::ImpactPeakG => "peak impact",
            Metric::LoadingRateGPerS => "loading rate",
            Metric::VerticalOscillationMm => "vertical oscillation",
            Metric::VerticalRatioPct => "vertical ratio",
            Metric::CadenceDriftPct => "cadence change from the first to the last third",
            Metric::ContactDriftPct => "ground contact change from the first to the last third",
        }
    }

    /// The run's value.
    fn summary_value(self, s: &Summary) -> Option<f64> {
        match self {
            Metric::CadenceSpm => s.cadence_spm,
            Metric::GroundContactMs => s.ground_contact_ms,
            Metric::FlightMs => s.flight_ms,
            Metric::DutyFactor => s.duty_factor,
            Metric::ContactBalanceLeftPct => s.contact_balance_left_pct,
            Metric::StrikeAngleDeg => s.foot_strike.as_ref().and_then(|f| f.angle_deg),
            Metric::RearfootSharePct => s
                .foot_strike
                .as_ref()
                .and_then(|f| f.share_pct.get("rearfoot").copied()),
            Metric::OverstrideCm => s.overstride_cm,
            Metric::TibiaAngleDeg => s.tibia_angle_deg,
            Metric::StepLengthM => s.step_length_m,
            Metric::TrunkRotationDeg => s.trunk_rotation_deg,
            Metric::PelvisRotationDeg => s.pelvis_rotation_deg,
            Metric::PelvicDropDeg => s.pelvic_drop_deg,
            Metric::ForwardLeanDeg => s.forward_lean_deg,
            Metric::BrakingPeakG => s.braking_peak_g,
            Metric::BrakingMps => s.braking_mps,
            Metric::ImpactPeakG => s.impact_peak_g,
            Metric::LoadingRateGPerS => s.loading_rate_g_per_s,
            Metric::VerticalOscillationMm => s.vertical_oscillation_mm,
            Metric::VerticalRatioPct => s.vertical_ratio_pct,
            Metric::CadenceDriftPct | Metric::ContactDriftPct => None,
        }
    }

    /// One step's value, where the metric exists per step.
    fn step_value(self, s: &Step) -> Option<f64> {
        match self {
            Metric::CadenceSpm => s.step_s.filter(|&d| d > 0.0).map(|d| 60.0 / d),
            Metric::GroundContactMs => s.contact_ms,
            Metric::FlightMs => s.flight_ms,
            Metric::StrikeAngleDeg => s.strike_angle_deg,
            Metric::RearfootSharePct => s.strike_pattern.map(|p| {
                if p == StrikePattern::Rearfoot {
                    100.0
                } else {
                    0.0
                }
            }),
            Metric::OverstrideCm => s.overstride_cm,
            Metric::StepLengthM => s.step_length_m,
            Metric::BrakingPeakG => s.braking_peak_g,
            Metric::ImpactPeakG => s.impact_peak_g,
            _ => None,
        }
    }

    /// The placement the metric was measured at, where that matters.
    fn placement(self, s: &Summary) -> Option<Placement> {
        match self {
            Metric::ImpactPeakG | Metric::LoadingRateGPerS => s.impact_placement,
            _ => None,
        }
    }
}

/// Which way a metric gets worse.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// More is worse: past a threshold means above it.
    Higher,
    /// Less is worse: past a threshold means below it.
    Lower,
    /// Away from `center` either way is worse: thresholds are distances from it.
    Outside,
}

fn one_digit() -> usize {
    1
}

/// One rule: how one metric shows one fault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Fault id; rules sharing an id are alternatives, the first whose metric was
    /// measured judges the fault.
    pub id: String,
    /// Readable name.
    pub title: String,
    /// What is judged.
    pub metric: Metric,
    /// Unit of the metric and the thresholds, as printed.
    pub unit: String,
    /// Which way is worse.
    pub direction: Direction,
    /// Middle of the good band, for [`Direction::Outside`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center: Option<f64>,
    /// Mild, moderate, marked (one to three), each further from good.
    pub thresholds: Vec<f64>,
    /// Typical running values `[low, high]`, where no clinical cut-off exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub typical: Option<[f64; 2]>,
    /// Placements the thresholds hold for (empty: any).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only_at: Vec<Placement>,
    /// The value must also be at least this many times the run's own variability of
    /// the metric (between time segments, for drift).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_variability_ratio: Option<f64>,
    /// Decimals when printed.
    #[serde(default = "one_digit")]
    pub digits: usize,
    /// Where the thresholds come from.
    pub source: String,
    /// Why it matters for the lower back.
    pub why_it_matters: String,
    /// What to do about it.
    pub what_to_do: String,
}

impl Rule {
    /// Whether `value` is past `threshold` in the rule's direction.
    fn past(&self, value: f64, threshold: f64) -> bool {
        match self.direction {
            Direction::Higher => value > threshold,
            Direction::Lower => value < threshold,
            Direction::Outside => (value - self.center.unwrap_or(0.0)).abs() > threshold,
        }
    }

    /// The severity of `value` and the threshold that set it, `None` when it is not
    /// past the first.
    fn judge(&self, value: f64) -> Option<(Severity, f64)> {
        let levels = [Severity::Mild, Severity::Moderate, Severity::Marked];
        let crossed = self
            .thresholds
            .iter()
            .take_while(|&&t| self.past(value, t))
            .count();
        let t = *self.thresholds.get(crossed.checked_sub(1)?)?;
        let threshold = match self.direction {
            Direction::Outside => {
                let c = self.center.unwrap_or(0.0);
                if value < c { c - t } else { c + t }
            }
            _ => t,
        };
        Some((levels[crossed - 1], threshold))
    }

    /// `v` with the rule's decimals and unit.
    fn fmt(&self, v: f64) -> String {
        self.fmt_unit(&format!("{v:.d$}", d = self.digits))
    }

    /// The bands in short: "mild/moderate/marked above 25.0/32.0/40.0°".
    fn bands(&self) -> String {
        let d = self.digits;
        let names = ["mild", "moderate", "marked"][..self.thresholds.len()].join("/");
        let c = self.center.unwrap_or(0.0);
        let values: Vec<String> = self
            .thresholds
            .iter()
            .map(|&t| match self.direction {
                Direction::Outside => format!("{:.d$}–{:.d$}", c - t, c + t),
                _ => format!("{t:.d$}"),
            })
            .collect();
        let side = match self.direction {
            Direction::Higher => "above",
            Direction::Lower => "below",
            Direction::Outside => "outside",
        };
        format!("{names} {side} {}", self.fmt_unit(&values.join("/")))
    }

    /// `text` followed by the unit.
    fn fmt_unit(&self, text: &str) -> String {
        if self.unit.starts_with('°') || self.unit.starts_with('%') || self.unit.is_empty() {
            format!("{text}{}", self.unit)
        } else {
            format!("{text} {}", self.unit)
        }
    }

    /// A located problem with the rule, or `None`.
    fn check(&self) -> Option<String> {
        let n = self.thresholds.len();
        if !(1..=3).contains(&n) {
            return Some(format!(
                "rule '{}' has {n} thresholds (expected 1 to 3: mild, moderate, marked)",
                self.id
            ));
        }
        if self.thresholds.iter().any(|t| !t.is_finite()) {
            return Some(format!(
                "rule '{}' has a threshold that is not finite",
                self.id
            ));
        }
        let ordered = self.thresholds.windows(2).all(|w| match self.direction {
            Direction::Lower => w[1] < w[0],
            _ => w[1] > w[0],
        });
        if !ordered {
            return Some(format!(
                "rule '{}': the thresholds must go from mild to marked, each {} than the last",
                self.id,
                if self.direction == Direction::Lower {
                    "lower"
                } else {
                    "higher"
                }
            ));
        }
        match (self.direction, self.center) {
            (Direction::Outside, None) => {
                return Some(format!(
                    "rule '{}' has direction \"outside\" but no center",
                    self.id
                ));
            }
            (Direction::Outside, Some(_)) if self.thresholds[0] <= 0.0 => {
                return Some(format!(
                    "rule '{}': the thresholds of an \"outside\" rule are distances from the center (expected positive numbers)",
                    self.id
                ));
            }
            (Direction::Higher | Direction::Lower, Some(_)) => {
                return Some(format!(
                    "rule '{}' has a center but direction \"{}\" (a center goes with \"outside\")",
                    self.id,
                    if self.direction == Direction::Lower {
                        "lower"
                    } else {
                        "higher"
                    }
                ));
            }
            _ => {}
        }
        if let Some([lo, hi]) = self.typical
            && !(lo.is_finite() && hi.is_finite() && lo <= hi)
        {
            return Some(format!(
                "rule '{}': typical must be [low, high] with low ≤ high",
                self.id
            ));
        }
        if self.digits > 6 {
            return Some(format!(
                "rule '{}': digits is {} (expected 0 to 6)",
                self.id, self.digits
            ));
        }
        None
    }
}

/// The fault rules: the configuration of the fault stage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rules {
    /// In order: faults of equal severity are reported in this order.
    pub rule: Vec<Rule>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RulesFile {
    rule: Vec<toml::Spanned<Rule>>,
}

impl Default for Rules {
    /// The built-in rules, [`BUILT_IN_RULES`].
    fn default() -> Self {
        Rules::from_toml_str(BUILT_IN_RULES, "built-in rules")
            .expect("the built-in rules parse (checked by a unit test)")
    }
}

/// A fault the rules could not judge, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct NotAssessed {
    /// The fault id.
    pub id: String,
    /// The summary keys that were missing (their own reasons are in the report's
    /// `unavailable`).
    pub missing: Vec<&'static str>,
    /// Why, in a sentence.
    pub reason: String,
}

/// What the fault stage produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Assessment {
    /// Faults found, most severe first, then in rule order.
    pub faults: Vec<Fault>,
    /// Faults that could not be judged.
    pub not_assessed: Vec<NotAssessed>,
    /// Ids of the faults judged (found or not).
    pub assessed: Vec<String>,
}

/// 1-based line and column of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

impl Rules {
    /// Reads rules from TOML text; `name` (the file) locates errors.
    pub fn from_toml_str(text: &str, name: &str) -> Result<Self> {
        let located = |offset: usize, message: String| {
            let (line, column) = line_column(text, offset);
            InputError::new(name, Problem::Rules(format!("column {column}: {message}")))
                .at_line(line)
        };
        let file: RulesFile = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().to_string();
            match e.span() {
                Some(span) => located(span.start, message),
                None => InputError::new(name, Problem::Rules(message)),
            }
        })?;
        if file.rule.is_empty() {
            return Err(InputError::new(name, Problem::Rules("no [[rule]] tables".into())).into());
        }
        for r in &file.rule {
            if let Some(problem) = r.get_ref().check() {
                return Err(located(r.span().start, problem).into());
            }
        }
        Ok(Rules {
            rule: file.rule.into_iter().map(|r| r.into_inner()).collect(),
        })
    }

    /// Reads rules from a TOML file.
    pub fn from_path(path: &Path) -> Result<Self> {
        let name = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => {
                InputError::new(&name, Problem::Rules("no such file".into())).into()
            }
            std::io::ErrorKind::InvalidData => {
                InputError::new(&name, Problem::Rules("not UTF-8 text".into())).into()
            }
            _ => crate::Error::io(path, e),
        })?;
        Self::from_toml_str(&text, &name)
    }

    /// Judges the run: `summary` and `steps` from [`metrics`](crate::metrics) (with the
    /// posture angles filled in), `segments` its running time segments.
    pub fn process(
        &self,
        summary: &Summary,
        steps: &[Step],
        segments: &[TimeSegment],
    ) -> Assessment {
        let mut out = Assessment::default();
        let mut ids: Vec<&str> = Vec::new();
        for r in &self.rule {
            if !ids.contains(&r.id.as_str()) {
                ids.push(&r.id);
            }
        }
        let drift = Drift::of(segments);
        for id in ids {
            let mut reasons = Vec::new();
            let mut missing = Vec::new();
            let mut judged = false;
            for rule in self.rule.iter().filter(|r| r.id == id) {
                match measure(rule, summary, steps, &drift) {
                    Ok(m) => {
                        judged = true;
                        if let Some(f) = judge(rule, &m) {
                            out.faults.push(f);
                        }
                        break;
                    }
                    Err((reason, key)) => {
                        reasons.push(reason);
                        if let Some(key) = key.filter(|k| !missing.contains(k)) {
                            missing.push(key);
                        }
                    }
                }
            }
            if judged {
                out.assessed.push(id.to_string());
            } else {
                out.not_assessed.push(NotAssessed {
                    id: id.to_string(),
                    missing,
                    reason: reasons.join("; or "),
                });
            }
        }
        out.faults.sort_by_key(|f| std::cmp::Reverse(f.severity));
        out
    }
}

/// A metric's value for one run, with what goes into the evidence.
struct Measured {
    value: f64,
    /// Running steps with a value: (initial contact s, value).
    per_step: Vec<(f64, f64)>,
    /// The run's own variability of the metric, in its unit, and what it is over.
    variability: Option<(f64, &'static str)>,
}

/// Cadence and contact change over the running time segments.
struct Drift {
    cadence: Option<(f64, f64)>,
    contact: Option<(f64, f64)>,
    segments: usize,
}

/// Fewest running time segments drift is judged on.
const DRIFT_MIN_SEGMENTS: usize = 4;
/// Fewest steps a time segment needs to count for drift.
const DRIFT_MIN_STEPS: usize = 10;

impl Drift {
    fn of(segments: &[TimeSegment]) -> Self {
        let full: Vec<&TimeSegment> = segments
            .iter()
            .filter(|s| s.steps >= DRIFT_MIN_STEPS)
            .collect();
        let change = |get: &dyn Fn(&TimeSegment) -> Option<f64>| {
            let v: Vec<f64> = full.iter().filter_map(|s| get(s)).collect();
            drift_pct(&v)
        };
        Drift {
            cadence: change(&|s| s.cadence_spm),
            contact: change(&|s| s.ground_contact_ms),
            segments: full.len(),
        }
    }
}

/// % change from the mean of the first third of `v` to the last third, and the
/// variability between segments (SD of the residuals of a straight-line fit, % of the
/// first third's mean); `None` with fewer than [`DRIFT_MIN_SEGMENTS`] values.
fn drift_pct(v: &[f64]) -> Option<(f64, f64)> {
    let n = v.len();
    if n < DRIFT_MIN_SEGMENTS {
        return None;
    }
    let k = n / 3;
    let first = v[..k].iter().sum::<f64>() / k as f64;
    let last = v[n - k..].iter().sum::<f64>() / k as f64;
    if first <= 0.0 {
        return None;
    }
    let xm = (n - 1) as f64 / 2.0;
    let ym = v.iter().sum::<f64>() / n as f64;
    let sxx: f64 = (0..n).map(|i| (i as f64 - xm).powi(2)).sum();
    let sxy: f64 = v
        .iter()
        .enumerate()
        .map(|(i, y)| (i as f64 - xm) * (y - ym))
        .sum();
    let slope = sxy / sxx;
    let ss: f64 = v
        .iter()
        .enumerate()
        .map(|(i, y)| (y - ym - slope * (i as f64 - xm)).powi(2))
        .sum();
    let sd = (ss / (n - 2) as f64).sqrt();
    Some((100.0 * (last - first) / first, 100.0 * sd / first))
}

/// The metric's value for `rule`, or why it cannot be judged (and the summary key that
/// was missing).
fn measure(
    rule: &Rule,
    summary: &Summary,
    steps: &[Step],
    drift: &Drift,
) -> std::result::Result<Measured, (String, Option<&'static str>)> {
    let m = rule.metric;
    let drift_value = match m {
        Metric::CadenceDriftPct => Some(drift.cadence),
        Metric::ContactDriftPct => Some(drift.contact),
        _ => None,
    };
    if let Some(d) = drift_value {
        let (value, sd) = d.ok_or_else(|| {
            (
                format!(
                    "needs {} with at least {DRIFT_MIN_SEGMENTS} running time segments of {DRIFT_MIN_STEPS} steps or more (this run has {})",
                    if m == Metric::CadenceDriftPct { "cadence" } else { "ground contact" },
                    drift.segments
                ),
                None,
            )
        })?;
        return Ok(Measured {
            value,
            per_step: Vec::new(),
            variability: Some((sd, "between time segments")),
        });
    }
    let value = m
        .summary_value(summary)
        .ok_or_else(|| (format!("needs {}", m.as_str()), m.summary_key()))?;
    if !rule.only_at.is_empty() {
        let at = m.placement(summary);
        if !at.is_some_and(|p| rule.only_at.contains(&p)) {
            let wanted: Vec<&str> = rule.only_at.iter().map(|p| p.as_str()).collect();
            return Err((
                format!(
                    "its thresholds hold for {} at {}; it was measured at {}",
                    m.as_str(),
                    wanted.join(" or "),
                    at.map_or("an unknown placement", |p| p.as_str())
                ),
                None,
            ));
        }
    }
    let per_step: Vec<(f64, f64)> = steps
        .iter()
        .filter(|s| s.activity == Activity::Running)
        .filter_map(|s| {
            m.step_value(s)
                .filter(|v| v.is_finite())
                .map(|v| (s.initial_contact_s, v))
        })
        .collect();
    let variability = (per_step.len() >= 3).then(|| {
        let n = per_step.len() as f64;
        let mean = per_step.iter().map(|p| p.1).sum::<f64>() / n;
        let var = per_step.iter().map(|p| (p.1 - mean).powi(2)).sum::<f64>() / (n - 1.0);
        (var.sqrt(), "between steps")
    });
    Ok(Measured {
        value,
        per_step,
        variability,
    })
}

/// The fault `rule` finds in `m`, if any.
fn judge(rule: &Rule, m: &Measured) -> Option<Fault> {
    let (severity, threshold) = rule.judge(m.value)?;
    if let (Some(ratio), Some((sd, _))) = (rule.min_variability_ratio, m.variability)
        && m.value.abs() < ratio * sd
    {
        return None;
    }
    let label = rule.metric.label();
    let side = match rule.direction {
        Direction::Higher => "above",
        Direction::Lower => "below",
        Direction::Outside => "outside",
    };
    let mut evidence = match rule.direction {
        Direction::Outside => {
            let c = rule.center.unwrap_or(0.0);
            let lo = 2.0 * c - threshold;
            let (lo, hi) = if lo < threshold {
                (lo, threshold)
            } else {
                (threshold, lo)
            };
            let d = rule.digits;
            format!(
                "{label} {} is outside the {} band {lo:.d$}–{} ({})",
                rule.fmt(m.value),
                severity.as_str(),
                rule.fmt(hi),
                rule.bands()
            )
        }
        _ => format!(
            "{label} {} is {side} the {} threshold of {} ({})",
            rule.fmt(m.value),
            severity.as_str(),
            rule.fmt(threshold),
            rule.bands()
        ),
    };
    let first = rule.thresholds[0];
    let past: Vec<f64> = m
        .per_step
        .iter()
        .filter(|(_, v)| rule.past(*v, first))
        .map(|(t, _)| *t)
        .collect();
    let (mut steps_affected_pct, mut first_s, mut last_s) = (None, None, None);
    if !m.per_step.is_empty() {
        let pct = 100.0 * past.len() as f64 / m.per_step.len() as f64;
        steps_affected_pct = Some(pct);
        first_s = past.first().copied();
        last_s = past.last().copied();
        let mild = match rule.direction {
            Direction::Outside => {
                let c = rule.center.unwrap_or(0.0);
                format!(
                    "outside {}",
                    rule.fmt_unit(&format!(
                        "{:.d$}–{:.d$}",
                        c - first,
                        c + first,
                        d = rule.digits
                    ))
                )
            }
            _ => format!("{side} {}", rule.fmt(first)),
        };
        evidence.push_str(&format!(
            "; {pct:.0}% of {} running steps are {mild}",
            m.per_step.len(),
        ));
        if let (Some(a), Some(b)) = (first_s, last_s) {
            evidence.push_str(&format!(", from {a:.1} s to {b:.1} s"));
        }
    }
    evidence.push('.');
    if let Some([lo, hi]) = rule.typical {
        evidence.push_str(&format!(
            " No clinical cut-off exists: typical running values are {:.d$}–{}",
            lo,
            rule.fmt(hi),
            d = rule.digits
        ));
        match m.variability {
            Some((sd, over)) if sd > 0.0 => {
                let beyond = match rule.direction {
                    Direction::Lower => (lo - m.value) / sd,
                    _ => (m.value - hi) / sd,
                };
                let place = if beyond > 0.0 {
                    format!("{beyond:.1} SD {side} the typical range")
                } else {
                    "within the typical range".to_string()
                };
                evidence.push_str(&format!(
                    "; this run varies by {} (SD {over}), so its value is {place}.",
                    rule.fmt(sd)
                ));
            }
            _ => evidence.push_str(
                "; its spread from stride to stride is not measured, so only the typical values are compared.",
            ),
        }
    } else if rule.min_variability_ratio.is_some()
        && let Some((sd, over)) = m.variability
    {
        evidence.push_str(&format!(
            " The run varies by {} {over}, so the change is {:.1} times that.",
            rule.fmt(sd),
            m.value.abs() / sd.max(f64::MIN_POSITIVE)
        ));
    }
    Some(Fault {
        id: rule.id.clone(),
        title: rule.title.clone(),
        severity,
        metric: rule.metric.as_str().to_string(),
        value: m.value,
        threshold,
        unit: rule.unit.clone(),
        steps_affected_pct,
        first_s,
        last_s,
        evidence,
        why_it_matters: rule.why_it_matters.clone(),
        what_to_do: rule.what_to_do.clone(),
        source: rule.source.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::metrics::FootStrike;
    use crate::recording::Side;
    use std::collections::BTreeMap;

    fn step(t: f64, activity: Activity) -> Step {
        Step::at(Side::Left, activity, t)
    }

    fn strike(angle_deg: f64) -> FootStrike {
        let pattern = StrikePattern::of_angle(angle_deg);
        let share_pct: BTreeMap<String, f64> = [
            ("rearfoot", StrikePattern::Rearfoot),
            ("midfoot", StrikePattern::Midfoot),
            ("forefoot", StrikePattern::Forefoot),
        ]
        .into_iter()
        .map(|(k, p)| (k.to_string(), if p == pattern { 100.0 } else { 0.0 }))
        .collect();
        FootStrike {
            pattern,
            share_pct,
            angle_deg: Some(angle_deg),
            sources: Vec::new(),
        }
    }

    /// The summaries of the two bundled sample runners as the simulator's truth gives them.
    fn heel_striker() -> Summary {
        Summary {
            cadence_spm: Some(153.6),
            ground_contact_ms: Some(289.4),
            contact_balance_left_pct: Some(50.0),
            foot_strike: Some(strike(18.1)),
            overstride_cm: Some(32.1),
            trunk_rotation_deg: Some(38.0),
            pelvic_drop_deg: Some(8.0),
            forward_lean_deg: Some(12.0),
            ..Summary::default()
        }
    }

    fn efficient() -> Summary {
        Summary {
            cadence_spm: Some(180.2),
            ground_contact_ms: Some(230.2),
            contact_balance_left_pct: Some(49.9),
            foot_strike: Some(strike(2.9)),
            overstride_cm: Some(7.9),
            trunk_rotation_deg: Some(12.0),
            pelvic_drop_deg: Some(4.0),
            forward_lean_deg: Some(5.0),
            ..Summary::default()
        }
    }

    fn find<'a>(a: &'a Assessment, id: &str) -> Option<&'a Fault> {
        a.faults.iter().find(|f| f.id == id)
    }

    #[test]
    fn built_in_rules_parse_and_cover_the_faults() {
        let rules = Rules::default();
        for id in [
            "heel_striking",
            "overstriding",
            "low_cadence",
            "long_ground_contact",
            "trunk_rotation",
            "forward_lean",
            "pelvic_drop",
            "high_impact",
            "imbalance",
            "form_drift_cadence",
            "form_drift_contact",
        ] {
            assert!(rules.rule.iter().any(|r| r.id == id), "no rule for {id}");
        }
        assert!(rules.rule.iter().all(|r| !r.source.is_empty()
            && !r.why_it_matters.is_empty()
            && !r.what_to_do.is_empty()));
    }

    #[test]
    fn heel_striker_has_the_four_faults_with_severities() {
        let a = Rules::default().process(&heel_striker(), &[], &[]);
        let sev = |id| find(&a, id).map(|f| f.severity);
        assert_eq!(sev("heel_striking"), Some(Severity::Moderate));
        assert_eq!(sev("overstriding"), Some(Severity::Moderate));
        assert_eq!(sev("low_cadence"), Some(Severity::Mild));
        assert_eq!(sev("trunk_rotation"), Some(Severity::Moderate));
        assert_eq!(sev("forward_lean"), Some(Severity::Mild));
        assert_eq!(sev("long_ground_contact"), Some(Severity::Mild));
        assert_eq!(sev("imbalance"), None);
        // most severe first
        assert!(a.faults.windows(2).all(|w| w[0].severity >= w[1].severity));
        let cadence = find(&a, "low_cadence").unwrap();
        assert_eq!(cadence.threshold, 164.0);
        assert_eq!(cadence.metric, "cadence_spm");
        assert!(
            cadence.evidence.contains("153.6 steps/min"),
            "{}",
            cadence.evidence
        );
        let trunk = find(&a, "trunk_rotation").unwrap();
        assert!(
            trunk.evidence.contains("No clinical cut-off"),
            "{}",
            trunk.evidence
        );
    }

    #[test]
    fn efficient_runner_has_no_fault() {
        let a = Rules::default().process(&efficient(), &[], &[]);
        assert!(a.faults.is_empty(), "{:?}", a.faults);
        assert!(a.assessed.contains(&"heel_striking".to_string()));
        assert!(a.assessed.contains(&"overstriding".to_string()));
    }

    #[test]
    fn per_step_share_and_times_count_running_steps_only() {
        let mut steps = Vec::new();
        for (k, cm) in [10.0, 25.0, 30.0, 15.0, 40.0].into_iter().enumerate() {
            let mut s = step(10.0 + k as f64, Activity::Running);
            s.overstride_cm = Some(cm);
            steps.push(s);
        }
        let mut walk = step(1.0, Activity::Walking);
        walk.overstride_cm = Some(50.0);
        steps.insert(0, walk);
        let summary = Summary {
            overstride_cm: Some(24.0),
            ..Summary::default()
        };
        let a = Rules::default().process(&summary, &steps, &[]);
        let f = find(&a, "overstriding").unwrap();
        assert_eq!(f.severity, Severity::Mild);
        assert_eq!(f.steps_affected_pct, Some(60.0));
        assert_eq!((f.first_s, f.last_s), (Some(11.0), Some(14.0)));
        assert!(f.evidence.contains("SD between steps"), "{}", f.evidence);
    }

    #[test]
    fn cadence_per_step_comes_from_step_time() {
        let mut steps = Vec::new();
        for (k, d) in [0.40, 0.36, 0.39].into_iter().enumerate() {
            let mut s = step(k as f64, Activity::Running);
            s.step_s = Some(d);
            steps.push(s);
        }
        let summary = Summary {
            cadence_spm: Some(158.0),
            ..Summary::default()
        };
        let f = Rules::default().process(&summary, &steps, &[]).faults;
        let f = f.iter().find(|f| f.id == "low_cadence").unwrap();
        // 150, 166.7, 153.8 steps/min: two below 164
        assert!((f.steps_affected_pct.unwrap() - 200.0 / 3.0).abs() < 1e-9);
        assert_eq!((f.first_s, f.last_s), (Some(0.0), Some(2.0)));
    }

    #[test]
    fn a_missing_metric_leaves_the_fault_not_assessed() {
        let summary = Summary {
            cadence_spm: Some(170.0),
            ..Summary::default()
        };
        let a = Rules::default().process(&summary, &[], &[]);
        let over = a
            .not_assessed
            .iter()
            .find(|n| n.id == "overstriding")
            .unwrap();
        assert_eq!(over.missing, vec!["overstride_cm", "tibia_angle_deg"]);
        assert!(a.assessed.contains(&"low_cadence".to_string()));
        assert!(!a.assessed.contains(&"overstriding".to_string()));
    }

    #[test]
    fn alternatives_fall_back_to_the_next_measured_metric() {
        let summary = Summary {
            tibia_angle_deg: Some(13.0),
            ..Summary::default()
        };
        let a = Rules::default().process(&summary, &[], &[]);
        let f = find(&a, "overstriding").unwrap();
        assert_eq!(
            (f.metric.as_str(), f.severity),
            ("tibia_angle_deg", Severity::Moderate)
        );
    }

    #[test]
    fn impact_thresholds_hold_at_the_shank_only() {
        let mut summary = Summary {
            impact_peak_g: Some(9.0),
            impact_placement: Some(Placement::Pelvis),
            ..Summary::default()
        };
        let a = Rules::default().process(&summary, &[], &[]);
        assert!(find(&a, "high_impact").is_none());
        let na = a
            .not_assessed
            .iter()
            .find(|n| n.id == "high_impact")
            .unwrap();
        assert!(na.reason.contains("measured at pelvis"), "{}", na.reason);
        summary.impact_placement = Some(Placement::LeftShank);
        let a = Rules::default().process(&summary, &[], &[]);
        assert_eq!(find(&a, "high_impact").unwrap().severity, Severity::Mild);
    }

    #[test]
    fn balance_is_judged_outside_a_band_either_way() {
        let judge = |pct: f64| {
            let s = Summary {
                contact_balance_left_pct: Some(pct),
                ..Summary::default()
            };
            find(&Rules::default().process(&s, &[], &[]), "imbalance")
                .map(|f| (f.severity, f.threshold))
        };
        assert_eq!(judge(50.5), None);
        assert_eq!(judge(49.3), None);
        assert_eq!(judge(51.0), Some((Severity::Mild, 50.8)));
        assert_eq!(judge(52.5), Some((Severity::Moderate, 52.2)));
        assert_eq!(judge(47.0), Some((Severity::Moderate, 47.8)));
        assert_eq!(judge(45.0).map(|j| j.0), Some(Severity::Marked));
    }

    fn segments(cadence: &[f64]) -> Vec<TimeSegment> {
        cadence
            .iter()
            .enumerate()
            .map(|(k, &c)| TimeSegment {
                start_s: 60.0 * k as f64,
                end_s: 60.0 * (k + 1) as f64,
                steps: 170,
                cadence_spm: Some(c),
                ground_contact_ms: Some(250.0),
            })
            .collect()
    }

    #[test]
    fn drift_needs_a_change_beyond_the_runs_own_variability() {
        let rules = Rules::default();
        let s = Summary::default();
        // falls steadily from 179.2 to 167.5 (thirds' means): −6.5%, moderate (−5 … −8)
        let falling = segments(&[
            180.0, 179.5, 178.0, 176.0, 174.0, 171.5, 168.0, 167.0, 167.5,
        ]);
        let a = rules.process(&s, &[], &falling);
        let f = find(&a, "form_drift_cadence").unwrap();
        assert_eq!(f.severity, Severity::Moderate);
        assert!((f.value - (167.5 - 179.1667) / 179.1667 * 100.0).abs() < 0.01);
        // contact is flat
        assert!(find(&a, "form_drift_contact").is_none());
        assert!(a.assessed.contains(&"form_drift_contact".to_string()));
        // the same first/last thirds but noisy in between: not beyond 2× the variability
        let noisy = segments(&[
            180.0, 179.5, 178.0, 160.0, 190.0, 150.0, 168.0, 167.0, 167.5,
        ]);
        assert!(find(&rules.process(&s, &[], &noisy), "form_drift_cadence").is_none());
        // too short a run
        let short = rules.process(&s, &[], &segments(&[180.0, 175.0, 170.0]));
        assert!(
            short
                .not_assessed
                .iter()
                .any(|n| n.id == "form_drift_cadence")
        );
    }

    #[test]
    fn a_bad_rules_file_is_located() {
        let rule = |metric: &str, thresholds: &str| {
            format!(
                "# rules\n\n[[rule]]\nid = \"x\"\ntitle = \"X\"\nmetric = \"{metric}\"\nunit = \"°\"\ndirection = \"higher\"\nthresholds = {thresholds}\nsource = \"s\"\nwhy_it_matters = \"w\"\nwhat_to_do = \"d\"\n"
            )
        };
        assert!(Rules::from_toml_str(&rule("trunk_rotation_deg", "[1.0, 2.0]"), "r.toml").is_ok());
        let err = |text: &str| match Rules::from_toml_str(text, "r.toml") {
            Err(crate::Error::Input(e)) => *e,
            other => panic!("expected an input error, got {other:?}"),
        };
        let e = err(&rule("trunk_twist", "[1.0]"));
        assert_eq!(e.line, Some(6));
        assert!(e.to_string().contains("trunk_twist"), "{e}");
        let e = err(&rule("trunk_rotation_deg", "[3.0, 2.0]"));
        assert_eq!(e.line, Some(3));
        assert!(e.to_string().contains("mild to marked"), "{e}");
        let e = err(&rule("trunk_rotation_deg", "[1.0, 2.0, 3.0, 4.0]"));
        assert!(e.to_string().contains("1 to 3"), "{e}");
        let e = err(&format!(
            "{}colour = \"red\"\n",
            rule("trunk_rotation_deg", "[1.0]")
        ));
        assert!(e.to_string().contains("colour"), "{e}");
        assert!(err("").to_string().contains("rule"));
        let e = err("[[rule]]\nid = 3\n");
        assert_eq!(e.line, Some(2));
    }

    #[test]
    fn line_and_column_are_one_based() {
        assert_eq!(line_column("ab\ncd", 0), (1, 1));
        assert_eq!(line_column("ab\ncd", 4), (2, 2));
    }
}
