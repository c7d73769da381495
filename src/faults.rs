//! Faults: the form findings physiotherapy ties to low back pain, each with its
//! evidence — which metric, its value against which threshold, on what share of the
//! steps and where in the run, why it matters and what to do about it.
//!
//! A fault says what the sensors show; it is never a diagnosis.

use serde::{Deserialize, Serialize};

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
