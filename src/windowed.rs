//! Long recordings in bounded memory: analysed window by window, the windows' reports
//! merged into one.
//!
//! [`io::read_input_windows`](crate::io::read_input_windows) hands a long CSV recording
//! over a window at a time ([`WindowPlan`]: 30 minutes each by default, reaching 30 s into
//! their neighbours); each window is analysed as a recording of its own
//! ([`AnalysisConfig::process_timed`]) and dropped, and [`merge()`] puts the windows'
//! reports together into the report of the whole run. Only one window's samples are held
//! at a time, so a run of hours takes the memory of one window. A recording of up to 45
//! minutes is one window: its report is the one [`AnalysisConfig::process`] gives.
//!
//! The first window decides the units when they are detected, and the later ones are
//! read in them. Each window finds its own sensor axes; [`merge()`] says in a warning
//! when windows disagree. One thing passes from a window to the next in the analysis:
//! the shanks' standing specific force, which gives their axes for the tibia angle
//! ([`crate::reach::ReachConfig::standing_before`]), so that a run that starts standing
//! has tibia angles in every window; a run that stands only at its end has them in its
//! last window only, and a warning says so.

pub mod merge;
pub use merge::{Part, merge};

use crate::analysis::{AnalysisConfig, StageTiming};
use crate::error::Result;
use crate::io::{Input, ReadOptions, WindowPlan, read_input_windows};
use crate::reach::StandingForce;
use crate::recording::Recording;
use crate::report::{Report, middle_stride};
use std::ops::Range;
use std::path::Path;
use std::time::Instant;

/// The analysis of a recording read in windows.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysed {
    /// The report of the whole run.
    pub report: Report,
    /// The samples the charts drawn from the signals need: the whole recording when it
    /// was one window; for a longer one, the minute around the middle running stride of
    /// the window that holds the run's middle stride; `None` for a watch's running
    /// dynamics.
    pub recording: Option<Recording>,
    /// Windows the recording was analysed in.
    pub windows: usize,
    /// The wall time each stage took, summed over the windows, and the merge's when
    /// there were several.
    pub stages: Vec<StageTiming>,
    /// The wall time of everything but the analysis of the windows and the merge
    /// (reading the file), s.
    pub read_s: f64,
    /// Sensor samples analysed (a window's overlap counts in both windows).
    pub samples: usize,
}

/// Seconds of samples kept on each side of the stride the charts show.
const CLIP_S: f64 = 30.0;

impl AnalysisConfig {
    /// Reads the recording at `path` in the windows of `plan` ([`read_input_windows`])
    /// and analyses it window by window; a watch's FIT activity is reported on as
    /// [`process_watch`](Self::process_watch) does.
    pub fn process_path(
        &self,
        path: &Path,
        options: &ReadOptions,
        plan: WindowPlan,
    ) -> Result<Analysed> {
        let started = Instant::now();
        let mut parts: Vec<Part> = Vec::new();
        // each window's samples around its middle running stride, for the charts
        let mut clips: Vec<Option<Recording>> = Vec::new();
        let mut whole = None;
        let mut stages: Vec<StageTiming> = Vec::new();
        let (mut analysis_s, mut samples) = (0.0, 0);
        // what a window passes on to the next: the shanks' standing specific force
        let mut config = self.clone();
        read_input_windows(path, options, plan, |window| {
            if window.index == 0 {
                // (a file read again whole starts over)
                (parts, clips, stages, analysis_s, samples) = Default::default();
                config
                    .reach
                    .standing_before
                    .clone_from(&self.reach.standing_before);
            }
            let analysing = Instant::now();
            let one = window.index == 0 && window.last;
            match window.input {
                Input::Watch(watch) => {
                    let report = self.process_watch(&watch)?;
                    parts.push(Part {
                        data_s: 0.0..report.input.duration_s,
                        report,
                        own_s: window.own_s,
                    });
                    clips.push(None);
                }
                Input::Imu(recording) => {
                    let (report, timings) = config.process_timed(&recording)?;
                    add_timings(&mut stages, &timings);
                    if !window.last {
                        let found = config.reach.standing_force(
                            &recording,
                            &report.bouts,
                            window.own_s.clone(),
                        );
                        add_standing(&mut config.reach.standing_before, found);
                    }
                    samples += recording.len() * recording.streams.len();
                    let data_s = recording.start_s..recording.start_s + recording.duration_s();
                    if one {
                        whole = Some(recording);
                        clips.push(None);
                    } else {
                        clips.push(stride_clip(&recording, &report, &window.own_s));
                    }
                    parts.push(Part {
                        report,
                        data_s,
                        own_s: window.own_s,
                    });
                }
            }
            analysis_s += analysing.elapsed().as_secs_f64();
            Ok(())
        })?;
        let windows = parts.len();
        let owners: Vec<Range<f64>> = parts.iter().map(|p| p.own_s.clone()).collect();
        let merging = Instant::now();
        let report = merge(self, parts);
        if windows > 1 {
            let seconds = merging.elapsed().as_secs_f64();
            analysis_s += seconds;
            stages.push(StageTiming {
                stage: "merge",
                seconds,
                side_by_side: false,
            });
        }
        let recording = whole.or_else(|| {
            let ic = report.shown_stride()?.initial_contact_s;
            let k = owners.iter().position(|own| own.contains(&ic))?;
            clips.swap_remove(k)
        });
        Ok(Analysed {
            report,
            recording,
            windows,
            stages,
            read_s: started.elapsed().as_secs_f64() - analysis_s,
            samples,
        })
    }
}

/// Adds a window's standing specific force to the windows' before it.
fn add_standing(sums: &mut Vec<StandingForce>, found: Vec<StandingForce>) {
    for f in found {
        match sums.iter_mut().find(|s| s.placement == f.placement) {
            Some(s) => {
                s.sum_mps2 += f.sum_mps2;
                s.samples += f.samples;
            }
            None => sums.push(f),
        }
    }
}

/// Adds a window's stage timings to the sums of the windows before it.
fn add_timings(sums: &mut Vec<StageTiming>, timings: &[StageTiming]) {
    for t in timings {
        match sums.iter_mut().find(|s| s.stage == t.stage) {
            Some(s) => s.seconds += t.seconds,
            None => sums.push(t.clone()),
        }
    }
}

/// The samples [`CLIP_S`] either side of the middle running stride that the window owns,
/// or `None` when it owns none.
fn stride_clip(recording: &Recording, report: &Report, own_s: &Range<f64>) -> Option<Recording> {
    let owned = report
        .steps
        .iter()
        .filter(|s| own_s.contains(&s.initial_contact_s));
    let ic = middle_stride(owned)?.initial_contact_s;
    let at = |t: f64| recording.sample_index(t).clamp(0, recording.len() as isize) as usize;
    Some(recording.clip(at(ic - CLIP_S)..at(ic + CLIP_S)))
}
