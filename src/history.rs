//! History: training load and form trends across many runs.
//!
//! Input: one [`RunRow`] per run (what a batch of `runform analyze` writes to
//! `runs.csv`/`runs.parquet`, see [`batch`](crate::batch)). Output: a [`History`] with the
//! load of every ISO week (Monday to Sunday), the load warnings, and the form trends.
//! Runs without a date are counted in [`History::undated_runs`] and left out of every
//! load figure.
//!
//! # Load warnings (the defaults of [`HistoryConfig`])
//! * `long_run_jump`: a run more than 10 % longer than the longest run of the previous
//!   30 days (Frandsen et al. 2025, BJSM: single runs over 10 % longer than the longest of
//!   the previous 30 days raised the injury hazard 1.5–2.3×). "Longer" is by distance
//!   when the run and all its comparison runs have one, else by running time. Needs at
//!   least one run in the previous 30 days.
//! * `distance_and_pace_up`: a week whose distance is more than 10 % above the previous
//!   week's while its mean speed is more than 3 % above it: distance and speed raised
//!   together. Needs distance and speed in both weeks.
//! * `running_days`: more than 5 running days in one ISO week (the articles advise 3–4
//!   runs a week with rest and cross-training).
//! * `no_rest_day`: 7 days in a row with a run, reported once per streak on its 7th day.
//!
//! # Form trends
//! For each tracked metric (cadence, rearfoot share, contact balance, trunk rotation,
//! ground contact), the least-squares line of the run values against the date. A trend
//! is `flagged` when it is both clear and large: its slope is at least 3 standard errors
//! from zero (run-to-run scatter alone rarely does that) and the change the line makes
//! over the dated span is at least the metric's `min_change` (a change a coach would act
//! on: 3 steps/min of cadence, 15 points of rearfoot share, 1 point of contact balance,
//! 3° of trunk rotation, 15 ms of ground contact).

use crate::faults::Severity;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// One analysed run, as a row of the runs table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunRow {
    /// The recording it came from.
    pub file: String,
    /// Whose run it is (the partition key of the table); empty when not given.
    pub runner: String,
    /// The day of the run, when known.
    #[serde(with = "iso_date::option")]
    pub date: Option<NaiveDate>,
    /// Length of the recording, s.
    pub duration_s: f64,
    /// Time spent running, s.
    pub running_s: f64,
    /// Distance run, m, when known.
    pub distance_m: Option<f64>,
    /// Mean running speed, m/s, when known.
    pub speed_mps: Option<f64>,
    /// Every numeric summary metric of the report by its key (e.g. `cadence_spm`,
    /// `foot_strike_share_pct_rearfoot`).
    pub metrics: BTreeMap<String, f64>,
    /// The faults found, by id.
    pub faults: BTreeMap<String, Severity>,
}

/// A metric whose trend over the runs is followed, and the smallest change that counts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendMetric {
    /// Key in [`RunRow::metrics`].
    pub metric: String,
    /// Smallest change over the dated span worth flagging, in the metric's unit.
    pub min_change: f64,
}

/// Settings of the history stage.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryConfig {
    /// A run longer than the longest of the previous `long_run_window_days` by more than
    /// this share, %, is a `long_run_jump`.
    pub long_run_jump_pct: f64,
    /// The window the longest run is taken from, days.
    pub long_run_window_days: u64,
    /// Week-on-week distance rise, %, that counts towards `distance_and_pace_up`.
    pub weekly_distance_rise_pct: f64,
    /// Week-on-week mean speed rise, %, that counts towards `distance_and_pace_up`.
    pub weekly_speed_rise_pct: f64,
    /// More running days than this in a week is a `running_days` warning.
    pub max_running_days_per_week: usize,
    /// This many days in a row with a run is a `no_rest_day` warning.
    pub max_days_in_a_row: usize,
    /// Metrics whose trends are followed.
    pub trends: Vec<TrendMetric>,
    /// A trend's slope must be at least this many standard errors from zero to be flagged.
    pub trend_min_t: f64,
}

impl Default for HistoryConfig {
    fn default() -> Self {
        let t = |metric: &str, min_change: f64| TrendMetric {
            metric: metric.into(),
            min_change,
        };
        HistoryConfig {
            long_run_jump_pct: 10.0,
            long_run_window_days: 30,
            weekly_distance_rise_pct: 10.0,
            weekly_speed_rise_pct: 3.0,
            max_running_days_per_week: 5,
            max_days_in_a_row: 7,
            trends: vec![
                t("cadence_spm", 3.0),
                t("foot_strike_share_pct_rearfoot", 15.0),
                t("contact_balance_left_pct", 1.0),
                t("trunk_rotation_deg", 3.0),
                t("ground_contact_ms", 15.0),
            ],
            trend_min_t: 3.0,
        }
    }
}

/// The load of one ISO week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeekLoad {
    /// Its Monday.
    #[serde(with = "iso_date")]
    pub week_start: NaiveDate,
    /// Runs that week.
    pub runs: usize,
    /// Days with at least one run.
    pub running_days: usize,
    /// Running time, s.
    pub running_s: f64,
    /// Distance, m, when every run of the week has one.
    pub distance_m: Option<f64>,
    /// Mean speed, m/s (distance / running time), when the distance is known.
    pub speed_mps: Option<f64>,
    /// Mean of each tracked metric over the week's runs that have it.
    pub metrics: BTreeMap<String, f64>,
}

/// What a load warning is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoadWarningKind {
    /// A run much longer than the recent longest.
    LongRunJump,
    /// Weekly distance and pace raised together.
    DistanceAndPaceUp,
    /// Too many running days in a week.
    RunningDays,
    /// No rest day for a week.
    NoRestDay,
}

impl LoadWarningKind {
    /// The id used in the report.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadWarningKind::LongRunJump => "long_run_jump",
            LoadWarningKind::DistanceAndPaceUp => "distance_and_pace_up",
            LoadWarningKind::RunningDays => "running_days",
            LoadWarningKind::NoRestDay => "no_rest_day",
        }
    }

    /// A readable title.
    pub fn title(self) -> &'static str {
        match self {
            LoadWarningKind::LongRunJump => "A run much longer than the recent longest",
            LoadWarningKind::DistanceAndPaceUp => "Weekly distance and pace raised together",
            LoadWarningKind::RunningDays => "More than 5 running days in a week",
            LoadWarningKind::NoRestDay => "A week without a rest day",
        }
    }

    /// Why it matters for injury risk.
    pub fn why_it_matters(self) -> &'static str {
        match self {
            LoadWarningKind::LongRunJump => {
                "A single run more than 10 % longer than the longest of the previous 30 days \
                 raised the hazard of a running injury 1.5 to 2.3 times in a cohort of 5,200 \
                 runners; spikes of a single session mattered more than weekly totals."
            }
            LoadWarningKind::DistanceAndPaceUp => {
                "Tissues adapt to more distance or to more speed, but raising both at once \
                 is the \"too much too soon\" that running injuries most often follow."
            }
            LoadWarningKind::RunningDays => {
                "Bone, tendon and the back's muscles remodel between runs; running nearly \
                 every day leaves them little time to recover."
            }
            LoadWarningKind::NoRestDay => {
                "Seven days in a row gives no day for recovery; fatigue builds and form \
                 (cadence, trunk control) tends to slip late in such a block."
            }
        }
    }

    /// What to do about it.
    pub fn what_to_do(self) -> &'static str {
        match self {
            LoadWarningKind::LongRunJump => {
                "Grow the long run in steps of at most 10 % over the longest of the last 30 \
                 days; after a jump, hold the length for a few weeks and watch for pain."
            }
            LoadWarningKind::DistanceAndPaceUp => {
                "Raise one thing at a time: add distance at an easy pace, or add speed while \
                 the distance stays the same."
            }
            LoadWarningKind::RunningDays => {
                "Run 3 to 4 times a week with rest days between, and replace the other \
                 sessions with cross-training (cycling, swimming, strength work)."
            }
            LoadWarningKind::NoRestDay => {
                "Keep at least one rest day a week; make easy days truly easy or replace \
                 them with cross-training."
            }
        }
    }

    /// Where the threshold comes from.
    pub fn source(self) -> &'static str {
        match self {
            LoadWarningKind::LongRunJump => {
                "Frandsen et al. 2025, Br J Sports Med: single-session spikes in running \
                 distance and injury (Garmin-RUNSAFE cohort)"
            }
            LoadWarningKind::DistanceAndPaceUp => {
                "Training-error advice: change one load variable at a time"
            }
            LoadWarningKind::RunningDays | LoadWarningKind::NoRestDay => {
                "Runners' advice on low back pain: 3–4 runs a week with rest and \
                 cross-training"
            }
        }
    }
}

/// How a tracked metric is shown and read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MetricText {
    /// Readable name, e.g. `Cadence`.
    pub label: &'static str,
    /// Unit, e.g. `steps/min`.
    pub unit: &'static str,
    /// What a change in it means, for a flagged trend.
    pub when_changing: &'static str,
}

/// The name, unit and meaning of a tracked metric's key; `None` for a key runform does
/// not describe.
pub fn metric_text(metric: &str) -> Option<MetricText> {
    let t = |label, unit, when_changing| {
        Some(MetricText {
            label,
            unit,
            when_changing,
        })
    };
    match metric {
        "cadence_spm" => t(
            "Cadence",
            "steps/min",
            "A falling cadence at the same speed means longer steps that land further \
             ahead of the body (overstriding, more braking and more load on knees and back); \
             it is also a sign of fatigue. Short, quick steps are the usual cue.",
        ),
        "foot_strike_share_pct_rearfoot" => t(
            "Rearfoot strike share",
            "% of steps",
            "A change in how the foot lands shifts load between the knee (rearfoot) and the \
             calf and Achilles (forefoot); change it gradually, if at all.",
        ),
        "contact_balance_left_pct" => t(
            "Contact balance",
            "% left",
            "A growing left/right difference in ground contact can follow pain, an old \
             injury or fatigue on one side; if it persists, have it looked at.",
        ),
        "trunk_rotation_deg" => t(
            "Trunk rotation",
            "°",
            "More trunk rotation per stride loads the lower back; trunk and hip strength \
             work and a relaxed, forward arm swing help.",
        ),
        "ground_contact_ms" => t(
            "Ground contact time",
            "ms",
            "Longer ground contact at the same speed points to heavier, less springy \
             running, often with fatigue.",
        ),
        _ => None,
    }
}

/// A load warning with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LoadWarning {
    /// What it is about.
    pub kind: LoadWarningKind,
    /// The day it concerns (the run's day, the week's Monday, the streak's 7th day).
    #[serde(with = "iso_date")]
    pub date: NaiveDate,
    /// The run it concerns, for `long_run_jump`.
    pub file: Option<String>,
    /// What the numbers show.
    pub evidence: String,
}

/// The trend of one metric over the dated runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trend {
    /// Key in [`RunRow::metrics`].
    pub metric: String,
    /// Runs that have it.
    pub runs: usize,
    /// Slope of the least-squares line, unit per week.
    pub per_week: f64,
    /// Standard error of that slope, unit per week.
    pub per_week_se: f64,
    /// The line's value on the first dated day.
    pub start: f64,
    /// The line's value on the last dated day.
    pub end: f64,
    /// True when the change is clear and large (see the module header).
    pub flagged: bool,
}

/// Load and trends over a runner's runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Every ISO week from the first dated run to the last, empty weeks included.
    pub weeks: Vec<WeekLoad>,
    /// Load warnings in date order.
    pub warnings: Vec<LoadWarning>,
    /// One per tracked metric with at least three dated runs.
    pub trends: Vec<Trend>,
    /// Runs without a date (listed, left out of the load figures).
    pub undated_runs: Vec<String>,
}

/// Dates as ISO 8601 strings (`2026-03-02`) in serde.
pub mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    /// Writes `2026-03-02`.
    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    /// Reads `2026-03-02`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }

    /// The same for an optional date (`null` when absent).
    pub mod option {
        use chrono::NaiveDate;
        use serde::{Deserialize, Deserializer, Serializer};

        /// Writes `2026-03-02` or `null`.
        pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
            match d {
                Some(d) => s.collect_str(d),
                None => s.serialize_none(),
            }
        }

        /// Reads `2026-03-02` or `null`.
        pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
            Option::<String>::deserialize(d)?
                .map(|t| t.parse().map_err(serde::de::Error::custom))
                .transpose()
        }
    }
}

fn monday(d: NaiveDate) -> NaiveDate {
    d.week(chrono::Weekday::Mon).first_day()
}

fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

fn fmt_size(metres: Option<f64>, seconds: f64) -> String {
    match metres {
        Some(m) => format!("{:.1} km", m / 1000.0),
        None => format!("{:.0} min", seconds / 60.0),
    }
}

impl HistoryConfig {
    /// Load and trends of `runs` (any order; one runner's runs).
    pub fn process(&self, runs: &[RunRow]) -> History {
        let mut dated: Vec<(&RunRow, NaiveDate)> =
            runs.iter().filter_map(|r| Some((r, r.date?))).collect();
        dated.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.file.cmp(&b.0.file)));
        let undated_runs = runs
            .iter()
            .filter(|r| r.date.is_none())
            .map(|r| r.file.clone())
            .collect();
        let weeks = self.weeks(&dated);
        let mut warnings = self.long_run_jumps(&dated);
        warnings.extend(self.week_warnings(&weeks));
        warnings.extend(self.streaks(&dated));
        warnings.sort_by(|a, b| a.date.cmp(&b.date).then(a.kind.cmp(&b.kind)));
        let trends = self.trends(&dated);
        History {
            weeks,
            warnings,
            trends,
            undated_runs,
        }
    }

    fn weeks(&self, dated: &[(&RunRow, NaiveDate)]) -> Vec<WeekLoad> {
        let (Some(first), Some(last)) = (dated.first(), dated.last()) else {
            return Vec::new();
        };
        let mut out = Vec::new();
        let mut week = monday(first.1);
        while week <= last.1 {
            let end = week + Days::new(7);
            let runs: Vec<&RunRow> = dated
                .iter()
                .filter(|(_, d)| *d >= week && *d < end)
                .map(|(r, _)| *r)
                .collect();
            let days: BTreeSet<NaiveDate> = dated
                .iter()
                .filter(|(_, d)| *d >= week && *d < end)
                .map(|(_, d)| *d)
                .collect();
            let running_s: f64 = runs.iter().map(|r| r.running_s).sum();
            let distance_m = if runs.is_empty() {
                Some(0.0)
            } else {
                runs.iter().map(|r| r.distance_m).sum::<Option<f64>>()
            };
            let speed_mps = distance_m
                .filter(|_| running_s > 0.0)
                .map(|d| d / running_s);
            let mut metrics = BTreeMap::new();
            for t in &self.trends {
                let v: Vec<f64> = runs
                    .iter()
                    .filter_map(|r| r.metrics.get(&t.metric).copied())
                    .collect();
                if !v.is_empty() {
                    metrics.insert(t.metric.clone(), v.iter().sum::<f64>() / v.len() as f64);
                }
            }
            out.push(WeekLoad {
                week_start: week,
                runs: runs.len(),
                running_days: days.len(),
                running_s,
                distance_m,
                speed_mps,
                metrics,
            });
            week = end;
        }
        out
    }

    fn long_run_jumps(&self, dated: &[(&RunRow, NaiveDate)]) -> Vec<LoadWarning> {
        let mut out = Vec::new();
        for (k, (run, day)) in dated.iter().enumerate() {
            let window: Vec<&RunRow> = dated[..k]
                .iter()
                .filter(|(_, d)| {
                    let ago = days_between(*d, *day);
                    ago > 0 && ago <= self.long_run_window_days as i64
                })
                .map(|(r, _)| *r)
                .collect();
            if window.is_empty() {
                continue;
            }
            let by_distance =
                run.distance_m.is_some() && window.iter().all(|r| r.distance_m.is_some());
            let size = |r: &RunRow| {
                if by_distance {
                    r.distance_m.unwrap_or(0.0)
                } else {
                    r.running_s
                }
            };
            let Some(longest) = window
                .iter()
                .copied()
                .max_by(|a, b| size(a).total_cmp(&size(b)))
            else {
                continue;
            };
            let (this, before) = (size(run), size(longest));
            if before > 0.0 && this > before * (1.0 + self.long_run_jump_pct / 100.0) {
                out.push(LoadWarning {
                    kind: LoadWarningKind::LongRunJump,
                    date: *day,
                    file: Some(run.file.clone()),
                    evidence: format!(
                        "{} is {:.0}% longer than the longest run of the previous {} days ({}, {})",
                        fmt_size(by_distance.then_some(this), run.running_s),
                        100.0 * (this / before - 1.0),
                        self.long_run_window_days,
                        fmt_size(by_distance.then_some(before), longest.running_s),
                        longest.date.map(|d| d.to_string()).unwrap_or_default(),
                    ),
                });
            }
        }
        out
    }

    fn week_warnings(&self, weeks: &[WeekLoad]) -> Vec<LoadWarning> {
        let mut out = Vec::new();
        for (k, w) in weeks.iter().enumerate() {
            if w.running_days > self.max_running_days_per_week {
                out.push(LoadWarning {
                    kind: LoadWarningKind::RunningDays,
                    date: w.week_start,
                    file: None,
                    evidence: format!(
                        "{} running days in the week of {} (more than {}; 3–4 runs a week with rest and cross-training is the usual advice)",
                        w.running_days, w.week_start, self.max_running_days_per_week
                    ),
                });
            }
            let Some(prev) = k.checked_sub(1).map(|j| &weeks[j]) else {
                continue;
            };
            if let (Some(d1), Some(d0), Some(s1), Some(s0)) =
                (w.distance_m, prev.distance_m, w.speed_mps, prev.speed_mps)
                && d0 > 0.0
                && s0 > 0.0
                && d1 > d0 * (1.0 + self.weekly_distance_rise_pct / 100.0)
                && s1 > s0 * (1.0 + self.weekly_speed_rise_pct / 100.0)
            {
                out.push(LoadWarning {
                    kind: LoadWarningKind::DistanceAndPaceUp,
                    date: w.week_start,
                    file: None,
                    evidence: format!(
                        "week of {}: distance {:.1} km (+{:.0}%) and mean speed {:.2} m/s (+{:.0}%) both raised over the previous week",
                        w.week_start,
                        d1 / 1000.0,
                        100.0 * (d1 / d0 - 1.0),
                        s1,
                        100.0 * (s1 / s0 - 1.0)
                    ),
                });
            }
        }
        out
    }

    fn streaks(&self, dated: &[(&RunRow, NaiveDate)]) -> Vec<LoadWarning> {
        let days: BTreeSet<NaiveDate> = dated.iter().map(|(_, d)| *d).collect();
        let mut out = Vec::new();
        let mut streak = 0usize;
        let mut prev: Option<NaiveDate> = None;
        for &d in &days {
            streak = match prev {
                Some(p) if days_between(p, d) == 1 => streak + 1,
                _ => 1,
            };
            if streak == self.max_days_in_a_row {
                out.push(LoadWarning {
                    kind: LoadWarningKind::NoRestDay,
                    date: d,
                    file: None,
                    evidence: format!(
                        "{} days in a row with a run, up to {d}: no rest day",
                        self.max_days_in_a_row
                    ),
                });
            }
            prev = Some(d);
        }
        out
    }

    fn trends(&self, dated: &[(&RunRow, NaiveDate)]) -> Vec<Trend> {
        let Some(first) = dated.first().map(|(_, d)| *d) else {
            return Vec::new();
        };
        let last = dated.last().map(|(_, d)| *d).unwrap_or(first);
        let mut out = Vec::new();
        for t in &self.trends {
            let points: Vec<(f64, f64)> = dated
                .iter()
                .filter_map(|(r, d)| {
                    let v = *r.metrics.get(&t.metric)?;
                    Some((days_between(first, *d) as f64 / 7.0, v))
                })
                .collect();
            let Some(fit) = line_fit(&points) else {
                continue;
            };
            let span_weeks = days_between(first, last) as f64 / 7.0;
            let change = fit.slope * span_weeks;
            let clear = fit.slope_se > 0.0 && (fit.slope / fit.slope_se).abs() >= self.trend_min_t
                || fit.slope_se == 0.0 && fit.slope != 0.0;
            out.push(Trend {
                metric: t.metric.clone(),
                runs: points.len(),
                per_week: fit.slope,
                per_week_se: fit.slope_se,
                start: fit.intercept,
                end: fit.intercept + change,
                flagged: clear && change.abs() >= t.min_change,
            });
        }
        out
    }
}

/// A least-squares line and the standard error of its slope.
#[derive(Debug, Clone, Copy, PartialEq)]
struct LineFit {
    intercept: f64,
    slope: f64,
    slope_se: f64,
}

/// Ordinary least squares of y on x; `None` with fewer than three points or no spread in x.
fn line_fit(points: &[(f64, f64)]) -> Option<LineFit> {
    let n = points.len();
    if n < 3 {
        return None;
    }
    let nf = n as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / nf;
    let my = points.iter().map(|p| p.1).sum::<f64>() / nf;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    if sxx <= 0.0 {
        return None;
    }
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let sse: f64 = points
        .iter()
        .map(|p| (p.1 - intercept - slope * p.0).powi(2))
        .sum();
    let slope_se = (sse / (nf - 2.0) / sxx).sqrt();
    Some(LineFit {
        intercept,
        slope,
        slope_se,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn run(date: &str, minutes: f64, km: Option<f64>) -> RunRow {
        RunRow {
            file: format!("{date}.csv"),
            runner: String::new(),
            date: Some(day(date)),
            duration_s: minutes * 60.0 + 60.0,
            running_s: minutes * 60.0,
            distance_m: km.map(|k| k * 1000.0),
            speed_mps: km.map(|k| k * 1000.0 / (minutes * 60.0)),
            metrics: BTreeMap::new(),
            faults: BTreeMap::new(),
        }
    }

    fn kinds(h: &History) -> Vec<(LoadWarningKind, String)> {
        h.warnings
            .iter()
            .map(|w| (w.kind, w.date.to_string()))
            .collect()
    }

    #[test]
    fn a_steady_three_runs_a_week_gives_no_warning() {
        // Sunday long run of 60 min, Tuesday and Thursday 40 min, for 6 weeks
        let mut runs = Vec::new();
        let mut d = day("2026-03-01");
        for _ in 0..6 {
            runs.push(run(&d.to_string(), 60.0, None));
            runs.push(run(&(d + Days::new(2)).to_string(), 40.0, None));
            runs.push(run(&(d + Days::new(4)).to_string(), 40.0, None));
            d = d + Days::new(7);
        }
        let h = HistoryConfig::default().process(&runs);
        assert!(h.warnings.is_empty(), "{:?}", h.warnings);
        // 2026-03-01 is a Sunday: its ISO week starts on 2026-02-23
        assert_eq!(h.weeks.len(), 7);
        assert_eq!(h.weeks[0].week_start, day("2026-02-23"));
        assert_eq!((h.weeks[1].runs, h.weeks[1].running_days), (3, 3));
        assert!((h.weeks[1].running_s - 140.0 * 60.0).abs() < 1e-9);
    }

    #[test]
    fn a_run_over_ten_percent_longer_than_the_30_day_longest_is_flagged() {
        let runs = vec![
            run("2026-03-01", 60.0, None),
            run("2026-03-10", 50.0, None),
            // 65.9 min: 9.8 % over 60, not flagged
            run("2026-03-20", 65.9, None),
            // 73 min: 10.8 % over 65.9
            run("2026-03-28", 73.0, None),
            // 40 days after the last: no comparison run, nothing said
            run("2026-05-07", 120.0, None),
        ];
        let h = HistoryConfig::default().process(&runs);
        assert_eq!(
            kinds(&h),
            vec![(LoadWarningKind::LongRunJump, "2026-03-28".into())]
        );
        assert_eq!(h.warnings[0].file.as_deref(), Some("2026-03-28.csv"));
    }

    #[test]
    fn distance_is_used_over_time_when_every_run_has_one() {
        // longer by time (slower), not by distance: no jump
        let runs = vec![
            run("2026-03-01", 50.0, Some(10.0)),
            run("2026-03-08", 60.0, Some(10.5)),
        ];
        assert!(HistoryConfig::default().process(&runs).warnings.is_empty());
        // one run without a distance: time decides, 20 % longer
        let runs = vec![
            run("2026-03-01", 50.0, None),
            run("2026-03-08", 60.0, Some(10.5)),
        ];
        assert_eq!(HistoryConfig::default().process(&runs).warnings.len(), 1);
    }

    #[test]
    fn more_than_five_days_and_seven_in_a_row_are_two_warnings() {
        let mut runs: Vec<RunRow> = (0..7)
            .map(|k| run(&(day("2026-03-02") + Days::new(k)).to_string(), 30.0, None))
            .collect();
        runs.push(run("2026-02-23", 30.0, None));
        let h = HistoryConfig::default().process(&runs);
        assert_eq!(
            kinds(&h),
            vec![
                (LoadWarningKind::RunningDays, "2026-03-02".into()),
                (LoadWarningKind::NoRestDay, "2026-03-08".into()),
            ]
        );
        // six days in a week, with a rest day: only the first
        let six: Vec<RunRow> = runs.iter().skip(1).cloned().collect();
        let h = HistoryConfig::default().process(&six);
        assert_eq!(
            kinds(&h),
            vec![(LoadWarningKind::RunningDays, "2026-03-02".into())]
        );
    }

    #[test]
    fn distance_and_pace_raised_together_is_flagged_but_either_alone_is_not() {
        // n runs on the first n days of the week; more runs, never a longer one
        let week = |monday: &str, n: u64, km: f64, minutes: f64| -> Vec<RunRow> {
            (0..n)
                .map(|k| run(&(day(monday) + Days::new(k)).to_string(), minutes, Some(km)))
                .collect()
        };
        // +20 % distance at the same pace, then +5 % pace at the same distance
        let mut runs = week("2026-03-02", 3, 8.0, 48.0);
        runs.extend(week("2026-03-09", 4, 7.2, 43.2));
        runs.extend(week("2026-03-16", 4, 7.2, 41.14));
        assert!(HistoryConfig::default().process(&runs).warnings.is_empty());
        // both: +20 % distance and +5 % pace
        runs.extend(week("2026-03-23", 5, 6.912, 37.6));
        let h = HistoryConfig::default().process(&runs);
        assert_eq!(
            kinds(&h),
            vec![(LoadWarningKind::DistanceAndPaceUp, "2026-03-23".into())]
        );
    }

    #[test]
    fn empty_weeks_are_listed_and_undated_runs_left_out() {
        let mut undated = run("2026-03-02", 30.0, None);
        undated.date = None;
        let runs = vec![
            run("2026-03-02", 30.0, None),
            run("2026-03-18", 30.0, None),
            undated,
        ];
        let h = HistoryConfig::default().process(&runs);
        assert_eq!(h.weeks.len(), 3);
        assert_eq!(h.weeks[1].runs, 0);
        assert_eq!(h.weeks[1].distance_m, Some(0.0));
        assert_eq!(h.undated_runs, vec!["2026-03-02.csv".to_string()]);
    }

    #[test]
    fn a_clear_large_drift_is_flagged_and_noise_is_not() {
        // cadence falls 0.5 spm/week over 12 weeks (6 spm) with ±0.5 spm scatter;
        // trunk rotation only scatters
        let mut runs = Vec::new();
        for k in 0..36u64 {
            let mut r = run(
                &(day("2026-01-05") + Days::new(k * 7 / 3)).to_string(),
                40.0,
                None,
            );
            let weeks = (k * 7 / 3) as f64 / 7.0;
            let wobble = if k % 2 == 0 { 0.5 } else { -0.5 };
            r.metrics
                .insert("cadence_spm".into(), 172.0 - 0.5 * weeks + wobble);
            r.metrics
                .insert("trunk_rotation_deg".into(), 20.0 + 2.0 * wobble);
            runs.push(r);
        }
        let h = HistoryConfig::default().process(&runs);
        let cadence = h.trends.iter().find(|t| t.metric == "cadence_spm").unwrap();
        assert!(cadence.flagged);
        assert!(
            (cadence.per_week + 0.5).abs() < 0.05,
            "{}",
            cadence.per_week
        );
        let trunk = h
            .trends
            .iter()
            .find(|t| t.metric == "trunk_rotation_deg")
            .unwrap();
        assert!(!trunk.flagged);
        // too few runs for a line: no trend at all
        assert!(!h.trends.iter().any(|t| t.metric == "ground_contact_ms"));
    }

    #[test]
    fn every_tracked_metric_and_warning_has_its_texts() {
        for t in HistoryConfig::default().trends {
            let text = metric_text(&t.metric).unwrap_or_else(|| panic!("{}", t.metric));
            assert!(
                !text.label.is_empty() && !text.unit.is_empty() && !text.when_changing.is_empty()
            );
        }
        assert!(metric_text("no_such_metric").is_none());
        for k in [
            LoadWarningKind::LongRunJump,
            LoadWarningKind::DistanceAndPaceUp,
            LoadWarningKind::RunningDays,
            LoadWarningKind::NoRestDay,
        ] {
            assert!(!k.title().is_empty() && !k.why_it_matters().is_empty());
            assert!(!k.what_to_do().is_empty() && !k.source().is_empty());
        }
    }

    #[test]
    fn the_line_fit_matches_a_hand_computation() {
        let f = line_fit(&[(0.0, 1.0), (1.0, 3.0), (2.0, 5.0), (3.0, 7.5)]).unwrap();
        // slope = sxy/sxx = (1.5*... ) computed by hand: mx 1.5, my 4.125
        // sxy = (-1.5)(-3.125)+(-0.5)(-1.125)+(0.5)(0.875)+(1.5)(3.375) = 10.75, sxx = 5
        assert!((f.slope - 2.15).abs() < 1e-12);
        assert!((f.intercept - (4.125 - 2.15 * 1.5)).abs() < 1e-12);
        assert!(line_fit(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]).is_none());
    }
}
