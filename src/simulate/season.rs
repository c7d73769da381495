//! A simulated training season: dated runs with planted load and form changes, the
//! known answer for [`history`](crate::history).
//!
//! The plan: a runner runs three times a week — an easy run on Tuesday, a steady one on
//! Thursday and a long run on Sunday that grows by `long_run_growth_pct` a week (below
//! the 10 % rule) — at a constant speed; the first week has only its long run. Planted
//! in it:
//! * in week `daily_week`, a run on every day (more than 5 running days, and no rest day
//!   from the Sunday before to the Saturday);
//! * in week `jump_week`, a long run `long_run_jump_pct` longer than the longest of the
//!   previous 30 days (the weeks after it go back to the plan, below it);
//! * cadence falls steadily by `cadence_drift_spm` over the season.
//!
//! Nothing else changes, so a history of the season must show exactly these.

use super::SimConfig;
use crate::recording::Placement;
use chrono::{Datelike, Days, NaiveDate, Weekday};

/// Shape of the season.
#[derive(Debug, Clone, PartialEq)]
pub struct SeasonConfig {
    /// The first Monday.
    pub start: NaiveDate,
    /// Weeks.
    pub weeks: u32,
    /// Seed of the first run (each run adds its index).
    pub seed: u64,
    /// Sensors worn on every run.
    pub placements: Vec<Placement>,
    /// Sampling rate, Hz.
    pub rate_hz: f64,
    /// Easy run, min.
    pub easy_min: f64,
    /// Steady run, min.
    pub steady_min: f64,
    /// First long run, min.
    pub long_run_min: f64,
    /// Weekly growth of the long run, %.
    pub long_run_growth_pct: f64,
    /// Cadence at the start, steps/min.
    pub cadence_spm: f64,
    /// Cadence change from the first run to the last, steps/min (negative = falls).
    pub cadence_drift_spm: f64,
    /// The week (0-based) with a run every day; `None` for none.
    pub daily_week: Option<u32>,
    /// Length of the extra runs of the daily week, min.
    pub daily_min: f64,
    /// The week (0-based) whose long run jumps; `None` for none.
    pub jump_week: Option<u32>,
    /// How much longer the jumped long run is than the longest of the 30 days before, %.
    pub long_run_jump_pct: f64,
}

impl Default for SeasonConfig {
    fn default() -> Self {
        SeasonConfig {
            start: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            weeks: 20,
            seed: 100,
            placements: vec![Placement::Pelvis],
            rate_hz: 50.0,
            easy_min: 30.0,
            steady_min: 35.0,
            long_run_min: 45.0,
            long_run_growth_pct: 2.0,
            cadence_spm: 172.0,
            cadence_drift_spm: -6.0,
            daily_week: Some(6),
            daily_min: 20.0,
            jump_week: Some(12),
            long_run_jump_pct: 40.0,
        }
    }
}

/// One run of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PlannedRun {
    /// Its day.
    pub date: NaiveDate,
    /// `easy`, `steady`, `long`, `long-jump` or `daily`.
    pub kind: &'static str,
    /// What to simulate.
    pub config: SimConfig,
}

impl SeasonConfig {
    /// The runs of the season in date order.
    pub fn plan(&self) -> Vec<PlannedRun> {
        let mut days: Vec<(NaiveDate, &'static str, f64)> = Vec::new();
        let mut longest_so_far = 0.0f64;
        for w in 0..self.weeks {
            let monday = self.start + Days::new(7 * u64::from(w));
            let planned_long =
                self.long_run_min * (1.0 + self.long_run_growth_pct / 100.0).powi(w as i32);
            let (long_kind, long_min) = if self.jump_week == Some(w) {
                let base = if longest_so_far > 0.0 {
                    longest_so_far
                } else {
                    planned_long
                };
                ("long-jump", base * (1.0 + self.long_run_jump_pct / 100.0))
            } else {
                ("long", planned_long)
            };
            for offset in 0..7u64 {
                let day = monday + Days::new(offset);
                let run = match day.weekday() {
                    // the season opens with its long run, so the shorter runs after it are
                    // never longer than the longest of their 30 days
                    Weekday::Tue if w > 0 => Some(("easy", self.easy_min)),
                    Weekday::Thu if w > 0 => Some(("steady", self.steady_min)),
                    Weekday::Sun => Some((long_kind, long_min)),
                    _ if self.daily_week == Some(w) => Some(("daily", self.daily_min)),
                    _ => None,
                };
                if let Some((kind, minutes)) = run {
                    days.push((day, kind, minutes));
                }
            }
            if long_kind == "long" {
                longest_so_far = longest_so_far.max(long_min);
            }
        }
        let n = days.len().max(2) as f64;
        days.into_iter()
            .enumerate()
            .map(|(k, (date, kind, minutes))| PlannedRun {
                date,
                kind,
                config: SimConfig {
                    seed: self.seed + k as u64,
                    duration_s: minutes * 60.0,
                    rate_hz: self.rate_hz,
                    placements: self.placements.clone(),
                    cadence_spm: self.cadence_spm + self.cadence_drift_spm * k as f64 / (n - 1.0),
                    ..SimConfig::default()
                },
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_has_its_planted_weeks_and_nothing_else() {
        let plan = SeasonConfig::default().plan();
        // the first week's long run, 19 weeks × 3 runs, 4 extra days in the daily week
        assert_eq!(plan.len(), 62);
        let daily: Vec<_> = plan.iter().filter(|r| r.kind == "daily").collect();
        assert_eq!(daily.len(), 4);
        assert!(
            daily
                .iter()
                .all(|r| r.date >= "2026-04-13".parse().unwrap())
        );
        let jump = plan.iter().find(|r| r.kind == "long-jump").unwrap();
        assert_eq!(jump.date, "2026-05-31".parse::<NaiveDate>().unwrap());
        let before: f64 = plan
            .iter()
            .filter(|r| r.date < jump.date && (jump.date - r.date).num_days() <= 30)
            .map(|r| r.config.duration_s)
            .fold(0.0, f64::max);
        assert!((jump.config.duration_s / before - 1.4).abs() < 1e-9);
        // the other long runs grow by 2 % a week
        let start: NaiveDate = "2026-03-02".parse().unwrap();
        for r in plan.iter().filter(|r| r.kind == "long") {
            let week = (r.date - start).num_days() / 7;
            let want = 45.0 * 60.0 * 1.02f64.powi(week as i32);
            assert!((r.config.duration_s - want).abs() < 1e-6, "{}", r.date);
        }
        // and every other run is shorter than the long run before it
        assert!(plan[0].kind == "long");
        assert!(
            plan.iter()
                .all(|r| r.kind.starts_with("long") || r.config.duration_s <= 35.0 * 60.0)
        );
        assert!((plan[0].config.cadence_spm - 172.0).abs() < 1e-9);
        assert!((plan[61].config.cadence_spm - 166.0).abs() < 1e-9);
    }
}
