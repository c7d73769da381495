//! Watch running dynamics: the per-second numbers a sports watch (or a chest strap or pod
//! paired with it) computes and stores, turned into the run summary, bouts and segments.
//!
//! A FIT activity from a Garmin watch holds no raw IMU samples, only what the watch
//! computed from them about once a second ([`WatchSample`]): cadence, ground contact time
//! and its left/right balance, vertical oscillation and ratio, step length, speed. This
//! stage takes those as given — it cannot check them — and summarises the running part
//! the way [`metrics`](crate::metrics) summarises steps, so that a watch owner gets the
//! same report. There are no per-step values: `steps` stays empty.
//!
//! Units: cadence in steps/min (both legs; FIT stores strides/min and the reader
//! doubles it), contact in ms, balance in % left (Garmin's GCT balance: 50 is even),
//! vertical oscillation in mm, vertical ratio in % (oscillation / step length), step
//! length in m, speed in m/s, time in s from the first record.

use crate::bouts::{Activity, Bout};
use crate::metrics::{Summary, TimeSegment};
use crate::recording::Warning;

/// One record of watch running dynamics; `None` where the watch wrote nothing.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct WatchSample {
    /// Time from the first record, s.
    pub time_s: f64,
    /// Cadence, steps/min (both legs).
    pub cadence_spm: Option<f64>,
    /// Ground contact time, ms.
    pub contact_ms: Option<f64>,
    /// Ground contact time balance, % left.
    pub contact_balance_left_pct: Option<f64>,
    /// Vertical oscillation, mm.
    pub vertical_oscillation_mm: Option<f64>,
    /// Vertical ratio, %.
    pub vertical_ratio_pct: Option<f64>,
    /// Step length, m.
    pub step_length_m: Option<f64>,
    /// Speed, m/s.
    pub speed_mps: Option<f64>,
    /// Distance from the start, m.
    pub distance_m: Option<f64>,
    /// Altitude, m.
    pub altitude_m: Option<f64>,
    /// Heart rate, beats/min.
    pub heart_rate_bpm: Option<f64>,
}

/// A whole activity of watch running dynamics, as a reader produces it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct WatchDynamics {
    /// Where the data came from (a path or a description).
    pub source: String,
    /// The recording device, when the file names it (e.g. `garmin fenix5`).
    pub device: Option<String>,
    /// Records in time order.
    pub samples: Vec<WatchSample>,
    /// Which source gave each metric when two could (`metric`, `source`), e.g.
    /// (`ground_contact_ms`, `Stryd developer field 'Ground Time'`).
    pub metric_sources: Vec<(String, String)>,
    /// What the reader noticed but could work with.
    pub warnings: Vec<Warning>,
}

impl WatchDynamics {
    /// Time from the first to the last record plus one typical record interval, s.
    pub fn duration_s(&self) -> f64 {
        match (self.samples.first(), self.samples.last()) {
            (Some(a), Some(b)) => b.time_s - a.time_s + self.interval_s(),
            _ => 0.0,
        }
    }

    /// Median time between records, s (1 s when there are fewer than two).
    pub fn interval_s(&self) -> f64 {
        let mut dts: Vec<f64> = self
            .samples
            .windows(2)
            .map(|w| w[1].time_s - w[0].time_s)
            .filter(|d| *d > 0.0)
            .collect();
        if dts.is_empty() {
            return 1.0;
        }
        let mid = dts.len() / 2;
        *dts.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1
    }
}

/// Settings of the watch-dynamics stage.
#[derive(Debug, Clone, PartialEq)]
pub struct DynamicsConfig {
    /// Cadence from which a record counts as running, steps/min (walking rarely exceeds
    /// 135, running rarely falls below 145).
    pub running_min_spm: f64,
    /// Cadence from which a record counts as walking, steps/min.
    pub walking_min_spm: f64,
    /// Speed below which a record without cadence counts as standing, m/s.
    pub standing_max_mps: f64,
    /// A record stands for the time to the next one, at most this long, s (longer gaps
    /// are pauses: the watch stops writing when the runner stops).
    pub max_record_s: f64,
    /// Length of the time segments, s.
    pub segment_s: f64,
}

impl Default for DynamicsConfig {
    fn default() -> Self {
        DynamicsConfig {
            running_min_spm: 140.0,
            walking_min_spm: 60.0,
            standing_max_mps: 0.3,
            max_record_s: 10.0,
            segment_s: 60.0,
        }
    }
}

/// What the watch-dynamics stage produces.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DynamicsMetrics {
    /// Run-level numbers; `steps`-based fields stay empty.
    pub summary: Summary,
    /// Activities over time.
    pub bouts: Vec<Bout>,
    /// Cadence and contact over time (running only).
    pub segments: Vec<TimeSegment>,
    /// Summary metrics left `None`, with the reason (`metric`, `reason`).
    pub unavailable: Vec<(String, String)>,
}

impl DynamicsConfig {
    /// Classifies each record, merges them into bouts and averages the running records,
    /// each weighted by the time it stands for.
    pub fn process(&self, watch: &WatchDynamics) -> DynamicsMetrics {
        let samples = &watch.samples;
        let typical_s = watch.interval_s().min(self.max_record_s);
        let weight: Vec<f64> = (0..samples.len())
            .map(|i| match samples.get(i + 1) {
                Some(next) => (next.time_s - samples[i].time_s).clamp(0.0, self.max_record_s),
                None => typical_s,
            })
            .collect();
        let activity: Vec<Activity> = samples.iter().map(|s| self.classify(s)).collect();

        let mut bouts: Vec<Bout> = Vec::new();
        for (i, s) in samples.iter().enumerate() {
            let end_s = s.time_s + weight[i];
            match bouts.last_mut() {
                Some(b) if b.activity == activity[i] && (s.time_s - b.end_s).abs() < 1e-9 => {
                    b.end_s = end_s
                }
                _ => bouts.push(Bout {
                    start_s: s.time_s,
                    end_s,
                    activity: activity[i],
                    step_hz: None,
                }),
            }
        }

        let running: Vec<usize> = (0..samples.len())
            .filter(|&i| activity[i] == Activity::Running)
            .collect();
        let mean =
            |f: &dyn Fn(&WatchSample) -> Option<f64>| weighted_mean(&running, samples, &weight, f);
        let cadence_spm = mean(&|s| s.cadence_spm);
        let ground_contact_ms = mean(&|s| s.contact_ms);
        let step_length_m = mean(&|s| s.step_length_m);
        let vertical_oscillation_mm = mean(&|s| s.vertical_oscillation_mm);
        let vertical_ratio_pct = mean(&|s| s.vertical_ratio_pct).or_else(|| {
            mean(&|s| match (s.vertical_oscillation_mm, s.step_length_m) {
                (Some(v), Some(l)) if l > 0.0 => Some(v / 10.0 / l),
                _ => None,
            })
        });
        let (flight_ms, duty_factor) = match (ground_contact_ms, cadence_spm) {
            (Some(c), Some(f)) if f > 0.0 => (
                Some((60_000.0 / f - c).max(0.0)),
                Some(c / 1000.0 / (2.0 * 60.0 / f)),
            ),
            _ => (None, None),
        };
        let running_s = running.iter().fold(0.0, |acc, &i| acc + weight[i]);
        let running_steps = running
            .iter()
            .filter_map(|&i| samples[i].cadence_spm.map(|c| c * weight[i] / 60.0))
            .sum::<f64>()
            .round() as usize;
        let summary = Summary {
            cadence_spm,
            ground_contact_ms,
            flight_ms,
            duty_factor,
            contact_balance_left_pct: mean(&|s| s.contact_balance_left_pct),
            step_length_m,
            speed_mps: mean(&|s| s.speed_mps),
            vertical_oscillation_mm,
            vertical_ratio_pct,
            running_s,
            running_steps,
            ..Summary::default()
        };

        let mut segments: Vec<TimeSegment> = Vec::new();
        let mut k = 0;
        while k < running.len() {
            let start_s = samples[running[k]].time_s;
            let mut j = k;
            while j < running.len() && samples[running[j]].time_s < start_s + self.segment_s {
                j += 1;
            }
            let part = &running[k..j];
            let steps = part
                .iter()
                .filter_map(|&i| samples[i].cadence_spm.map(|c| c * weight[i] / 60.0))
                .sum::<f64>()
                .round() as usize;
            let last = *part.last().expect("a segment holds at least one record");
            segments.push(TimeSegment {
                start_s,
                end_s: samples[last].time_s + weight[last],
                steps,
                cadence_spm: weighted_mean(part, samples, &weight, &|s| s.cadence_spm),
                ground_contact_ms: weighted_mean(part, samples, &weight, &|s| s.contact_ms),
            });
            k = j;
        }

        let mut unavailable = Vec::new();
        let mut missing =
            |metric: &str, reason: &str| unavailable.push((metric.to_string(), reason.to_string()));
        let not_recorded = if running.is_empty() {
            "no running found in the watch records"
        } else {
            "the watch did not record it (running dynamics need a watch that measures them or a chest strap or foot pod paired with it)"
        };
        let s = &summary;
        for (metric, none) in [
            ("cadence_spm", s.cadence_spm.is_none()),
            ("ground_contact_ms", s.ground_contact_ms.is_none()),
            ("flight_ms", s.flight_ms.is_none()),
            ("duty_factor", s.duty_factor.is_none()),
            (
                "contact_balance_left_pct",
                s.contact_balance_left_pct.is_none(),
            ),
            ("step_length_m", s.step_length_m.is_none()),
            ("speed_mps", s.speed_mps.is_none()),
            (
                "vertical_oscillation_mm",
                s.vertical_oscillation_mm.is_none(),
            ),
            ("vertical_ratio_pct", s.vertical_ratio_pct.is_none()),
        ] {
            if none {
                missing(metric, not_recorded);
            }
        }
        for metric in [
            "cadence_fft_spm",
            "foot_strike",
            "overstride_cm",
            "tibia_angle_deg",
            "braking_peak_g",
            "braking_mps",
            "impact_peak_g",
            "loading_rate_g_per_s",
            "impact_placement",
            "trunk_rotation_deg",
            "pelvis_rotation_deg",
            "pelvic_drop_deg",
            "forward_lean_deg",
        ] {
            missing(
                metric,
                "needs raw IMU samples: the file holds only the watch's running dynamics",
            );
        }
        DynamicsMetrics {
            summary,
            bouts,
            segments,
            unavailable,
        }
    }

    fn classify(&self, s: &WatchSample) -> Activity {
        match s.cadence_spm {
            Some(c) if c >= self.running_min_spm => Activity::Running,
            Some(c) if c >= self.walking_min_spm => Activity::Walking,
            _ => match s.speed_mps {
                Some(v) if v >= self.standing_max_mps => Activity::Other,
                _ => Activity::Standing,
            },
        }
    }
}

fn weighted_mean(
    rows: &[usize],
    samples: &[WatchSample],
    weight: &[f64],
    f: &dyn Fn(&WatchSample) -> Option<f64>,
) -> Option<f64> {
    let (mut sum, mut total) = (0.0, 0.0);
    for &i in rows {
        if let Some(v) = f(&samples[i]).filter(|v| v.is_finite()) {
            sum += v * weight[i];
            total += weight[i];
        }
    }
    (total > 0.0).then(|| sum / total)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(n: usize, cadence_spm: f64, contact_ms: f64) -> Vec<WatchSample> {
        (0..n)
            .map(|i| WatchSample {
                time_s: i as f64,
                cadence_spm: Some(cadence_spm),
                contact_ms: Some(contact_ms),
                vertical_oscillation_mm: Some(80.0),
                step_length_m: Some(1.0),
                speed_mps: Some(cadence_spm / 60.0),
                ..WatchSample::default()
            })
            .collect()
    }

    #[test]
    fn running_records_are_averaged_and_walking_left_out() {
        let mut samples = run(120, 170.0, 250.0);
        for (i, s) in run(60, 110.0, 400.0).into_iter().enumerate() {
            samples.push(WatchSample {
                time_s: 120.0 + i as f64,
                ..s
            });
        }
        let watch = WatchDynamics {
            samples,
            ..WatchDynamics::default()
        };
        let m = DynamicsConfig::default().process(&watch);
        let s = &m.summary;
        assert_eq!(s.cadence_spm, Some(170.0));
        assert_eq!(s.ground_contact_ms, Some(250.0));
        assert_eq!(s.running_s, 120.0);
        assert_eq!(s.running_steps, 340);
        // 60000 / 170 − 250 ms
        assert!((s.flight_ms.unwrap() - 102.94).abs() < 0.01);
        // 80 mm over 1 m
        assert!((s.vertical_ratio_pct.unwrap() - 8.0).abs() < 1e-9);
        assert_eq!(m.bouts.len(), 2);
        assert_eq!(m.bouts[0].activity, Activity::Running);
        assert_eq!(m.bouts[1].activity, Activity::Walking);
        assert_eq!((m.bouts[1].start_s, m.bouts[1].end_s), (120.0, 180.0));
        assert_eq!(m.segments.len(), 2);
        assert_eq!(m.segments[0].steps, 170);
        assert!(
            m.unavailable
                .iter()
                .any(|(k, _)| k == "contact_balance_left_pct")
        );
        assert!(!m.unavailable.iter().any(|(k, _)| k == "cadence_spm"));
    }

    #[test]
    fn pauses_do_not_count_as_running_time() {
        let mut samples = run(10, 170.0, 250.0);
        samples[9].time_s = 1000.0;
        let watch = WatchDynamics {
            samples,
            ..WatchDynamics::default()
        };
        let s = DynamicsConfig::default().process(&watch).summary;
        // nine 1 s records, a 10 s cap across the pause, and the last one
        assert_eq!(s.running_s, 8.0 + 10.0 + 1.0);
    }

    #[test]
    fn empty_input_gives_empty_summary() {
        let m = DynamicsConfig::default().process(&WatchDynamics::default());
        assert_eq!(m.summary.cadence_spm, None);
        assert!(m.bouts.is_empty() && m.segments.is_empty());
    }
}
