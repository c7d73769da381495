//! Posture: per-stride trunk and pelvis angles from the attitude of their sensors
//! ([`orientation`](crate::orientation)), summarised over the running steps.
//!
//! # Axes, signs, units
//! Segment angles follow the simulator: `R = Rz(yaw)·Ry(−pitch)·Rx(roll)` takes segment
//! axes (x forward, y left, z up) to a gravity-aligned frame; yaw positive = turn left,
//! pitch positive = nose up (forward lean = −pitch of the trunk), roll positive raises the
//! left side. Reported in degrees.
//!
//! * [`Frame::Body`]: the sensor axes are the segment axes, as declared.
//! * [`Frame::Sensor`]: the segment axes in sensor coordinates are those of
//!   [`alignment`](crate::alignment): up = the mean specific force (the segment's mean up,
//!   so its mean tilt is not seen), forward = the horizontal axis of greatest
//!   acceleration, sign unknown. Peak-to-peak yaw is the rotation of that axis about the
//!   vertical: it does not depend on the axis' sign, and hardly on its azimuth on the
//!   segment (a horizontal segment axis turns with the segment's yaw, up to the product
//!   of its pitch and roll). Roll about an estimated forward axis mixes in the pelvis'
//!   pitch oscillation, and the mean tilt is unknown, so pelvic drop and forward lean are
//!   not reported for sensor-frame recordings.
//!
//! # Definitions (the simulator's truth uses the same)
//! * `trunk_rotation_deg`, `pelvis_rotation_deg`: mean over running strides of the
//!   peak-to-peak yaw within the stride. A stride is two consecutive steps of the step
//!   list (every running step with a `stride_s` starts one); the yaw is detrended by the
//!   straight line through its values at the two ends of the stride (heading drift and
//!   gentle turns removed; a periodic yaw is unchanged).
//! * `pelvic_drop_deg`: mean over running stances (initial contact to toe-off) of the
//!   range of pelvis roll.
//! * `forward_lean_deg`: mean of −pitch of the trunk over the running bouts, positive
//!   forward.
//! * `forward_lean_range_deg`, `lateral_sway_deg`: mean over running strides of the range
//!   of trunk pitch and of trunk roll within the stride (body axes only).
//! * `trunk_pelvis_rotation_deg`: mean over running strides of the peak-to-peak of trunk
//!   yaw − pelvis yaw, detrended as the rotations; `trunk_pelvis_coupling`: mean over
//!   running strides of the Pearson correlation of the detrended trunk and pelvis yaw
//!   (+1 in phase, the trunk and pelvis turning as one block; −1 anti-phase, the usual
//!   counter-rotation of running; runners with low back pain show more in-phase
//!   coupling, Seay et al. 2011).

use crate::alignment::Aligned;
use crate::bouts::{Activity, Bout};
use crate::dsp::{PIECE_MARGIN_S, pieces};
use crate::metrics::Step;
use crate::orientation::{OrientationConfig, OrientationFilter, angles, angles_from, yaw_from};
use crate::recording::{Axes3, Frame, Placement, Recording};
use nalgebra::{Matrix3, UnitQuaternion};
use rayon::prelude::*;
use std::ops::Range;

/// Settings of the posture stage.
#[derive(Debug, Clone, PartialEq)]
pub struct PostureConfig {
    /// The attitude filter.
    pub orientation: OrientationConfig,
    /// A recording longer than this is measured piece by piece, s (15 minutes: a piece
    /// costs the filter its warm-up and `warmup_s` more, some 14% of 15 minutes, and
    /// keeps 5 MB of angles at 204.8 Hz): the attitude filter
    /// runs over each piece on its own, from `PIECE_MARGIN_S` before it to the filter's
    /// `warmup_s` after it, so a long run's per-sample angles stay the size of a piece.
    /// Each piece's filter warms up on its own end (see
    /// [`orientation`](crate::orientation)); the switch from the warm-up to the result
    /// pass fades over the `warmup_s` before the piece (0.17° of tilt 5 s after it,
    /// under 0.03° 60 s after it on a simulated run). The heading differs from piece to
    /// piece, which no stride measure reads.
    pub piece_s: f64,
}

impl Default for PostureConfig {
    fn default() -> Self {
        PostureConfig {
            orientation: OrientationConfig::default(),
            piece_s: 900.0,
        }
    }
}

/// What the posture stage measures; `None` with a reason in `unavailable` otherwise.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Posture {
    /// Trunk transverse rotation per stride, peak-to-peak, degrees.
    pub trunk_rotation_deg: Option<f64>,
    /// Pelvis transverse rotation per stride, peak-to-peak, degrees.
    pub pelvis_rotation_deg: Option<f64>,
    /// Range of pelvis roll per stance, degrees.
    pub pelvic_drop_deg: Option<f64>,
    /// Mean trunk lean from vertical over running, degrees, positive forward.
    pub forward_lean_deg: Option<f64>,
    /// `(summary key, reason)` for every `None` above.
    pub unavailable: Vec<(&'static str, String)>,
    /// Peak-to-peak of trunk yaw − pelvis yaw per stride, degrees.
    pub trunk_pelvis_rotation_deg: Option<f64>,
    /// Correlation of trunk and pelvis yaw per stride, −1 to +1.
    pub trunk_pelvis_coupling: Option<f64>,
    /// Per step (index-aligned with the steps given), the angles of its stride and stance.
    pub steps: Vec<StepPosture>,
    /// Range of trunk pitch per stride, degrees.
    pub forward_lean_range_deg: Option<f64>,
    /// Range of trunk roll per stride, degrees.
    pub lateral_sway_deg: Option<f64>,
}

/// The angles of one step: of the running stride that starts at it (rotations, lean),
/// and of its stance (pelvic drop); `None` where not measured.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepPosture {
    /// Peak-to-peak trunk yaw, drift removed, degrees.
    pub trunk_rotation_deg: Option<f64>,
    /// Peak-to-peak pelvis yaw, drift removed, degrees.
    pub pelvis_rotation_deg: Option<f64>,
    /// Peak-to-peak trunk yaw − pelvis yaw, drift removed, degrees.
    pub trunk_pelvis_rotation_deg: Option<f64>,
    /// Correlation of the drift-removed trunk and pelvis yaw, −1 to +1.
    pub trunk_pelvis_coupling: Option<f64>,
    /// Mean trunk lean, degrees, positive forward (body axes only).
    pub forward_lean_deg: Option<f64>,
    /// Range of pelvis roll over the stance, degrees (body axes only).
    pub pelvic_drop_deg: Option<f64>,
    /// Range of trunk pitch, degrees (body axes only).
    pub forward_lean_range_deg: Option<f64>,
    /// Range of trunk roll, degrees (body axes only).
    pub lateral_sway_deg: Option<f64>,
}

/// Yaw (unwrapped), pitch and roll of a segment at every sample, radians, as `f32`: half
/// the memory of `f64` over a long run, and within 1e-7 of the angle (4e-5 rad, 0.002°,
/// for a yaw unwrapped to 700 rad, a hundred laps of a track).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SegmentAngles {
    /// Yaw, continuous across ±π.
    pub yaw_rad: Vec<f32>,
    /// Pitch, positive nose up.
    pub pitch_rad: Vec<f32>,
    /// Roll, positive left side up.
    pub roll_rad: Vec<f32>,
}

/// A segment's accelerometer, gyroscope and segment → sensor axes.
type Src<'a> = (&'a Axes3, &'a Axes3, Matrix3<f64>);

/// The posture stage made ready for one recording. Its pieces (see
/// [`PostureConfig::piece_s`]) can be worked on any core, in any grouping: their angles
/// need no steps ([`angles`](Self::angles)) and are measured over the steps when they are
/// known ([`measure_angles`](Self::measure_angles)), or both at once
/// ([`measure`](Self::measure)); [`finish`](Self::finish) puts the pieces together. The
/// analysis runs the first pieces' attitude filters beside the stages that find the
/// steps; [`PostureConfig::process`] does it all in one.
pub struct PosturePlan<'a> {
    recording: &'a Recording,
    /// The trunk's and the pelvis' samples, or why there are none.
    trunk: Result<Src<'a>, String>,
    pelvis: Result<Src<'a>, String>,
    filter: OrientationFilter,
    body_frame: bool,
    /// Each piece's own samples, and the samples its filter runs over.
    parts: Vec<(Range<usize>, Range<usize>)>,
}

/// The trunk's and the pelvis' angles over one piece (`None` for a segment without a
/// sensor).
pub struct PieceAngles {
    piece: usize,
    angles: [Option<SegmentAngles>; 2],
}

/// What one piece measured: its steps' angles (step index, angles), and the trunk's
/// pitch summed over its own running samples, with their number (forward lean).
pub struct PieceMeasure {
    steps: Vec<(usize, StepPosture)>,
    pitch_sum: f64,
    pitch_n: usize,
}

impl PostureConfig {
    /// Measures the trunk and pelvis angles of `recording` over the running `steps`.
    pub fn process(
        &self,
        recording: &Recording,
        aligned: &[Aligned],
        bouts: &[Bout],
        steps: &[Step],
    ) -> Posture {
        let plan = self.plan(recording, aligned);
        let measured = plan.measure(0..plan.pieces(), bouts, steps);
        plan.finish(measured, steps)
    }

    /// The stage made ready for `recording` (in the axes `aligned` found): what
    /// [`process`](Self::process) does before it works on the pieces.
    pub fn plan<'a>(&self, recording: &'a Recording, aligned: &[Aligned]) -> PosturePlan<'a> {
        let (rate, n) = (recording.rate_hz, recording.len());
        // a segment's stream, gyroscope and segment → sensor axes, or why there are none
        let source = |p: Placement| -> Result<Src<'a>, String> {
            let i = recording
                .streams
                .iter()
                .position(|s| s.placement == p)
                .ok_or_else(|| format!("no {p} sensor"))?;
            let stream = &recording.streams[i];
            let gyr = stream
                .gyr_radps
                .as_ref()
                .ok_or_else(|| format!("needs a gyroscope on the {p}"))?;
            let axes = &aligned[i].axes;
            let seg_to_sensor = match recording.frame {
                Frame::Body => Matrix3::identity(),
                Frame::Sensor => Matrix3::from_columns(&[axes.forward, axes.left, axes.up]),
            };
            Ok((&stream.acc_mps2, gyr, seg_to_sensor))
        };
        let (trunk, pelvis) = (source(Placement::Trunk), source(Placement::Pelvis));
        // pieces of at most `piece` samples (one, for a recording no longer), each
        // filtered from `margin` before it to `settle` after it; a step belongs to the
        // piece its initial contact falls in
        let piece = ((self.piece_s * rate).min(n as f64) as usize).max(1);
        let margin = (PIECE_MARGIN_S * rate).ceil() as usize;
        let settle = (self.orientation.warmup_s * rate).ceil() as usize;
        let mut parts = pieces(0..n, piece, margin, settle.max(margin));
        if trunk.is_err() && pelvis.is_err() {
            // neither segment: no piece has anything to measure
            parts.clear();
        }
        PosturePlan {
            recording,
            trunk,
            pelvis,
            filter: self.orientation.plan(rate),
            body_frame: recording.frame == Frame::Body,
            parts,
        }
    }
}

/// The running bouts, s.
fn run_spans(bouts: &[Bout]) -> Vec<(f64, f64)> {
    bouts
        .iter()
        .filter(|b| b.activity == Activity::Running)
        .map(|b| (b.start_s, b.end_s))
        .collect()
}

/// The running stride that step `s` starts, s.
fn stride_of(s: &Step) -> Option<(f64, f64)> {
    (s.activity == Activity::Running)
        .then_some(())
        .and_then(|_| Some((s.initial_contact_s, s.initial_contact_s + s.stride_s?)))
}

/// The running stance of step `s`, s.
fn stance_of(s: &Step) -> Option<(f64, f64)> {
    (s.activity == Activity::Running)
        .then_some(())
        .and_then(|_| Some((s.initial_contact_s, s.toe_off_s?)))
}

impl PosturePlan<'_> {
    /// The number of pieces.
    pub fn pieces(&self) -> usize {
        self.parts.len()
    }

    /// The angles of pieces `which`, side by side on the cores: the attitude filters,
    /// nearly all of the stage's work, which need no steps.
    pub fn angles(&self, which: Range<usize>) -> Vec<PieceAngles> {
        which
            .into_par_iter()
            .map(|piece| self.piece_angles(piece))
            .collect()
    }

    /// Measures the strides and stances of `steps` (in running `bouts`) in pieces whose
    /// angles are known.
    pub fn measure_angles(
        &self,
        angles: Vec<PieceAngles>,
        bouts: &[Bout],
        steps: &[Step],
    ) -> Vec<PieceMeasure> {
        self.measure_each(angles.into_par_iter(), bouts, steps)
    }

    /// The angles of pieces `which`, each measured over `steps` (in running `bouts`) and
    /// dropped, side by side on the cores: a long run's angles are held a piece at a time.
    pub fn measure(
        &self,
        which: Range<usize>,
        bouts: &[Bout],
        steps: &[Step],
    ) -> Vec<PieceMeasure> {
        let angles = which.into_par_iter().map(|piece| self.piece_angles(piece));
        self.measure_each(angles, bouts, steps)
    }

    /// Measures each piece's angles as they come.
    fn measure_each(
        &self,
        angles: impl ParallelIterator<Item = PieceAngles>,
        bouts: &[Bout],
        steps: &[Step],
    ) -> Vec<PieceMeasure> {
        let run_spans = run_spans(bouts);
        angles
            .map(|a| self.measure_piece(&a, &run_spans, steps))
            .collect()
    }

    /// The angles of piece `piece`, over the samples its filter runs over.
    fn piece_angles(&self, piece: usize) -> PieceAngles {
        let seen = self.parts[piece].1.clone();
        PieceAngles {
            piece,
            angles: self.angles_over(seen),
        }
    }

    /// A segment's angles, none yet, for `n` samples: in sensor axes pitch and roll are
    /// about estimated axes and never read (see [`finish`](Self::finish)), and yaw alone
    /// spares an arcsine and an arctangent per sample.
    fn empty(&self, n: usize) -> SegmentAngles {
        if self.body_frame {
            SegmentAngles::zeros(n)
        } else {
            SegmentAngles::yaw_only(n)
        }
    }

    /// Sets sample `i` of a segment's angles from its sensor's attitude `q`.
    fn set(&self, a: &mut SegmentAngles, i: usize, q: &UnitQuaternion<f64>, src: &Src<'_>) {
        if self.body_frame {
            a.set_from(i, q, &src.2);
        } else {
            a.set_yaw_from(i, q, &src.2);
        }
    }

    /// The trunk's and the pelvis' angles over samples `range`, straight from the filter
    /// (no quaternion per sample is kept); both at once in the lanes of one filter when
    /// there are both.
    fn angles_over(&self, range: Range<usize>) -> [Option<SegmentAngles>; 2] {
        let mut out = [None, None];
        match (&self.trunk, &self.pelvis) {
            (Ok(t), Ok(p)) => {
                let mut a = [self.empty(range.len()), self.empty(range.len())];
                self.filter
                    .run_each_pair((t.0, t.1), (p.0, p.1), range, |i, [qt, qp]| {
                        self.set(&mut a[0], i, &qt, t);
                        self.set(&mut a[1], i, &qp, p);
                    });
                out = a.map(Some);
            }
            (t, p) => {
                for (o, src) in out.iter_mut().zip([t, p]) {
                    let Ok(src) = src else { continue };
                    let mut a = self.empty(range.len());
                    self.filter
                        .run_each_in(src.0, src.1, range.clone(), |i, q| {
                            self.set(&mut a, i, &q, src)
                        });
                    *o = Some(a);
                }
            }
        }
        for a in out.iter_mut().flatten() {
            a.unwrap_yaw();
        }
        out
    }

    /// Measures the steps of a piece (those whose initial contact is in its own samples)
    /// on its angles; `run_spans` are the running bouts, s.
    fn measure_piece(
        &self,
        angles: &PieceAngles,
        run_spans: &[(f64, f64)],
        steps: &[Step],
    ) -> PieceMeasure {
        let (recording, body_frame) = (self.recording, self.body_frame);
        let rate = recording.rate_hz;
        let (own, seen) = &self.parts[angles.piece];
        let (c0, c1, lo) = (own.start, own.end, seen.start);
        let [ta, pa] = &angles.angles;
        let t0 = recording.time_s(lo);
        let (tc0, tc1) = (recording.time_s(c0), recording.time_s(c1));
        let whole = self.parts.len() == 1;
        let mine = |s: &Step| whole || (tc0..tc1).contains(&s.initial_contact_s);
        let mut measured: Vec<(usize, StepPosture)> = steps
            .iter()
            .enumerate()
            .filter(|(_, s)| mine(s))
            .map(|(k, _)| (k, StepPosture::default()))
            .collect();
        let (mut pitch_sum, mut pitch_n) = (0.0, 0_usize);
        if let Some(a) = ta {
            for (o, s) in measured.iter_mut().map(|(k, o)| (o, &steps[*k])) {
                let Some((p, q)) = stride_of(s) else { continue };
                o.trunk_rotation_deg =
                    stride_peak_to_peak(&a.yaw_rad, rate, t0, p, q).map(f64::to_degrees);
                if body_frame {
                    o.forward_lean_deg =
                        mean_over(&a.pitch_rad, rate, t0, &[(p, q)]).map(|x| -x.to_degrees());
                    o.forward_lean_range_deg =
                        mean_range(&a.pitch_rad, rate, t0, &[(p, q)]).map(f64::to_degrees);
                    o.lateral_sway_deg =
                        mean_range(&a.roll_rad, rate, t0, &[(p, q)]).map(f64::to_degrees);
                }
            }
            // the running samples of this piece's own part
            for &(a_s, b_s) in run_spans {
                for i in inside(a.pitch_rad.len(), rate, t0, a_s, b_s)
                    .filter(|i| (c0..c1).contains(&(lo + i)))
                {
                    pitch_sum += f64::from(a.pitch_rad[i]);
                    pitch_n += 1;
                }
            }
        }
        if let Some(a) = pa {
            for (o, s) in measured.iter_mut().map(|(k, o)| (o, &steps[*k])) {
                if let Some((p, q)) = stride_of(s) {
                    o.pelvis_rotation_deg =
                        stride_peak_to_peak(&a.yaw_rad, rate, t0, p, q).map(f64::to_degrees);
                }
                if let Some(span) = stance_of(s).filter(|_| body_frame) {
                    o.pelvic_drop_deg =
                        mean_range(&a.roll_rad, rate, t0, &[span]).map(f64::to_degrees);
                }
            }
        }
        if let (Some(a), Some(b)) = (ta, pa) {
            let relative: Vec<f32> = a
                .yaw_rad
                .iter()
                .zip(&b.yaw_rad)
                .map(|(x, y)| x - y)
                .collect();
            for (o, s) in measured.iter_mut().map(|(k, o)| (o, &steps[*k])) {
                let Some((p, q)) = stride_of(s) else { continue };
                o.trunk_pelvis_rotation_deg =
                    stride_peak_to_peak(&relative, rate, t0, p, q).map(f64::to_degrees);
                o.trunk_pelvis_coupling = stride_coupling(&a.yaw_rad, &b.yaw_rad, rate, t0, p, q);
            }
        }
        PieceMeasure {
            steps: measured,
            pitch_sum,
            pitch_n,
        }
    }

    /// Puts the measures of all pieces (in any order) over `steps` together into the
    /// stage's result.
    pub fn finish(
        self,
        measured: impl IntoIterator<Item = PieceMeasure>,
        steps: &[Step],
    ) -> Posture {
        let body_frame = self.body_frame;
        let stances = steps
            .iter()
            .filter(|s| s.activity == Activity::Running && s.toe_off_s.is_some())
            .count();
        let (trunk, pelvis) = (&self.trunk, &self.pelvis);
        let no_strides = "no running strides";
        let mut out = Posture::default();
        let mut per_step = vec![StepPosture::default(); steps.len()];
        let (mut pitch_sum, mut pitch_n) = (0.0, 0_usize);
        for piece in measured {
            for (k, o) in piece.steps {
                per_step[k] = o;
            }
            pitch_sum += piece.pitch_sum;
            pitch_n += piece.pitch_n;
        }
        let mut record = |key: &'static str, v: Result<f64, String>| match v {
            Ok(v) => Some(v),
            Err(reason) => {
                out.unavailable.push((key, reason));
                None
            }
        };
        // a segment's summary: the mean of its steps' values
        let over_steps = |src: &Result<_, String>, f: fn(&StepPosture) -> Option<f64>| {
            src.as_ref().map_err(Clone::clone)?;
            mean(per_step.iter().filter_map(f)).ok_or_else(|| no_strides.to_string())
        };
        let trunk_rotation_deg = record(
            "trunk_rotation_deg",
            over_steps(trunk, |o| o.trunk_rotation_deg),
        );
        let pelvis_rotation_deg = record(
            "pelvis_rotation_deg",
            over_steps(pelvis, |o| o.pelvis_rotation_deg),
        );
        let drop = pelvis.as_ref().map_err(Clone::clone).and_then(|_| {
            if !body_frame {
                return Err(
                    "needs body axes (x forward, y left, z up): in sensor axes the \
                            pelvis' forward axis is estimated and its pitch mixes into roll"
                        .into(),
                );
            }
            if stances == 0 {
                return Err("needs running steps with toe-off to delimit the stances".into());
            }
            mean(per_step.iter().filter_map(|o| o.pelvic_drop_deg))
                .ok_or_else(|| "no running stances inside the recording".into())
        });
        let pelvic_drop_deg = record("pelvic_drop_deg", drop);
        let lean = trunk.as_ref().map_err(Clone::clone).and_then(|_| {
            if !body_frame {
                return Err(
                    "needs body axes (x forward, y left, z up): the sensor's tilt \
                            on the trunk is unknown in sensor axes"
                        .into(),
                );
            }
            (pitch_n > 0)
                .then(|| -(pitch_sum / pitch_n as f64).to_degrees())
                .ok_or_else(|| "no running found".into())
        });
        let forward_lean_deg = record("forward_lean_deg", lean);
        let trunk_body = trunk.as_ref().map_err(Clone::clone).and_then(|_| {
            if body_frame {
                Ok(())
            } else {
                Err(
                    "needs body axes (x forward, y left, z up): in sensor axes the trunk's \
                     pitch and roll are about estimated axes and mix"
                        .to_string(),
                )
            }
        });
        let trunk_stride_mean = |f: fn(&StepPosture) -> Option<f64>| -> Result<f64, String> {
            trunk_body.clone()?;
            mean(per_step.iter().filter_map(f)).ok_or_else(|| no_strides.to_string())
        };
        let forward_lean_range_deg = record(
            "forward_lean_range_deg",
            trunk_stride_mean(|o| o.forward_lean_range_deg),
        );
        let lateral_sway_deg = record(
            "lateral_sway_deg",
            trunk_stride_mean(|o| o.lateral_sway_deg),
        );
        let both = match (&trunk, &pelvis) {
            (Err(e), _) | (_, Err(e)) => Err(format!(
                "needs trunk and pelvis sensors with gyroscopes: {e}"
            )),
            _ => Ok(()),
        };
        let stride_mean = |f: fn(&StepPosture) -> Option<f64>| -> Result<f64, String> {
            both.clone()?;
            mean(per_step.iter().filter_map(f)).ok_or_else(|| no_strides.to_string())
        };
        let trunk_pelvis_rotation_deg = record(
            "trunk_pelvis_rotation_deg",
            stride_mean(|o| o.trunk_pelvis_rotation_deg),
        );
        let trunk_pelvis_coupling = record(
            "trunk_pelvis_coupling",
            stride_mean(|o| o.trunk_pelvis_coupling),
        );
        Posture {
            trunk_rotation_deg,
            pelvis_rotation_deg,
            pelvic_drop_deg,
            forward_lean_deg,
            trunk_pelvis_rotation_deg,
            trunk_pelvis_coupling,
            forward_lean_range_deg,
            lateral_sway_deg,
            steps: per_step,
            ..out
        }
    }
}

impl Posture {
    /// Writes the per-step angles into `steps` (the same steps as given to
    /// [`PostureConfig::process`]).
    pub fn fill(&self, steps: &mut [Step]) {
        for (s, o) in steps.iter_mut().zip(&self.steps) {
            s.pelvic_drop_deg = o.pelvic_drop_deg;
            s.trunk_rotation_deg = o.trunk_rotation_deg;
            s.pelvis_rotation_deg = o.pelvis_rotation_deg;
            s.trunk_pelvis_rotation_deg = o.trunk_pelvis_rotation_deg;
            s.trunk_pelvis_coupling = o.trunk_pelvis_coupling;
            s.forward_lean_deg = o.forward_lean_deg;
            s.forward_lean_range_deg = o.forward_lean_range_deg;
            s.lateral_sway_deg = o.lateral_sway_deg;
        }
    }
}

/// Yaw (unwrapped), pitch and roll of a sequence of segment → world rotations.
pub fn segment_angles(rotations: impl Iterator<Item = Matrix3<f64>>) -> SegmentAngles {
    let rotations: Vec<Matrix3<f64>> = rotations.collect();
    let mut a = SegmentAngles::zeros(rotations.len());
    for (i, r) in rotations.iter().enumerate() {
        a.set(i, r);
    }
    a.unwrap_yaw();
    a
}

impl SegmentAngles {
    /// `n` samples of zero angles.
    fn zeros(n: usize) -> Self {
        SegmentAngles {
            yaw_rad: vec![0.0; n],
            pitch_rad: vec![0.0; n],
            roll_rad: vec![0.0; n],
        }
    }

    /// `n` samples of zero yaw, without pitch and roll (empty).
    fn yaw_only(n: usize) -> Self {
        SegmentAngles {
            yaw_rad: vec![0.0; n],
            pitch_rad: Vec::new(),
            roll_rad: Vec::new(),
        }
    }

    /// Sets sample `i`'s yaw as [`set_from`](Self::set_from) does, and nothing else.
    fn set_yaw_from(&mut self, i: usize, q: &UnitQuaternion<f64>, seg_to_sensor: &Matrix3<f64>) {
        // the first column of R(q)·seg_to_sensor: R(q) applied to the segment's forward
        // axis, without the rest of the matrix
        let first = q.transform_vector(&seg_to_sensor.column(0).into_owned());
        self.yaw_rad[i] = yaw_from(&first) as f32;
    }

    /// Sets sample `i` to the angles of rotation `r`, yaw within ±π.
    fn set(&mut self, i: usize, r: &Matrix3<f64>) {
        self.put(i, angles(r));
    }

    /// Sets sample `i` to the angles of the segment → world rotation `R(q)·seg_to_sensor`,
    /// as [`set`](Self::set), from the five of its entries that the angles read.
    fn set_from(&mut self, i: usize, q: &UnitQuaternion<f64>, seg_to_sensor: &Matrix3<f64>) {
        let r = q.to_rotation_matrix().into_inner();
        let first = r * seg_to_sensor.column(0);
        let bottom = r.row(2);
        let m = |col: usize| bottom.dot(&seg_to_sensor.column(col).transpose());
        self.put(i, angles_from(&first, m(1), m(2)));
    }

    fn put(&mut self, i: usize, (yaw, pitch, roll): (f64, f64, f64)) {
        (self.yaw_rad[i], self.pitch_rad[i], self.roll_rad[i]) =
            (yaw as f32, pitch as f32, roll as f32);
    }

    /// Makes yaw continuous: each sample within π of the one before.
    fn unwrap_yaw(&mut self) {
        let (pi, tau) = (std::f64::consts::PI, std::f64::consts::TAU);
        for i in 1..self.yaw_rad.len() {
            let (last, yaw) = (f64::from(self.yaw_rad[i - 1]), f64::from(self.yaw_rad[i]));
            // within 0.9π of the one before (one sample's turn, nearly always) the number
            // of turns to add rounds to 0: the division and the rounding are spared
            if (last - yaw).abs() > 0.9 * pi {
                self.yaw_rad[i] = (yaw + tau * ((last - yaw) / tau).round()) as f32;
            }
        }
    }
}

/// `x` at time `t_s` by linear interpolation (`x[i]` at `start_s + i / rate_hz`);
/// `None` outside the samples.
fn at<T: Copy + Into<f64>>(x: &[T], rate_hz: f64, start_s: f64, t_s: f64) -> Option<f64> {
    let p = (t_s - start_s) * rate_hz;
    if p.is_nan() || p < 0.0 || p > (x.len() as f64 - 1.0) {
        return None;
    }
    let i = (p.floor() as usize).min(x.len().saturating_sub(2));
    let w = p - i as f64;
    let xi: f64 = x[i].into();
    let xj: f64 = x.get(i + 1).map_or(xi, |&v| v.into());
    Some(xi + w * (xj - xi))
}

/// Sample indices strictly inside `(a_s, b_s)`.
fn inside(n: usize, rate_hz: f64, start_s: f64, a_s: f64, b_s: f64) -> std::ops::Range<usize> {
    let lo = ((a_s - start_s) * rate_hz).floor() + 1.0;
    let hi = ((b_s - start_s) * rate_hz).ceil();
    let clamp = |v: f64| v.clamp(0.0, n as f64) as usize;
    clamp(lo)..clamp(hi).max(clamp(lo))
}

/// `x` within the stride `(a_s, b_s)` with the straight line through its values at the
/// stride's ends removed, as `(sample index, value)`; `None` when the stride is not
/// wholly inside the samples.
fn detrended<T: Copy + Into<f64>>(
    x: &[T],
    rate_hz: f64,
    start_s: f64,
    a_s: f64,
    b_s: f64,
) -> Option<impl Iterator<Item = (usize, f64)> + '_> {
    let (xa, xb) = (at(x, rate_hz, start_s, a_s)?, at(x, rate_hz, start_s, b_s)?);
    // the line at sample i (time start_s + i / rate_hz) as c0 + c1·i: no division per
    // sample
    let slope = (xb - xa) / (b_s - a_s);
    let (c0, c1) = (xa + slope * (start_s - a_s), slope / rate_hz);
    Some(
        inside(x.len(), rate_hz, start_s, a_s, b_s)
            .map(move |i| (i, x[i].into() - (c0 + c1 * i as f64))),
    )
}

/// Peak-to-peak of `yaw` within one stride `(a_s, b_s)` after removing the straight line
/// through its values at the stride's ends; `None` when the stride is not wholly inside
/// the samples.
pub fn stride_peak_to_peak<T: Copy + Into<f64>>(
    yaw: &[T],
    rate_hz: f64,
    start_s: f64,
    a_s: f64,
    b_s: f64,
) -> Option<f64> {
    let (lo, hi) = detrended(yaw, rate_hz, start_s, a_s, b_s)?
        .fold((0.0_f64, 0.0_f64), |(lo, hi), (_, d)| {
            (lo.min(d), hi.max(d))
        });
    Some(hi - lo)
}

/// Pearson correlation of `x` and `y` (same sampling) within one stride, each detrended
/// as in [`stride_peak_to_peak`]: +1 when they turn together, −1 when they counter-rotate;
/// `None` outside the samples or when either is flat.
pub fn stride_coupling<T: Copy + Into<f64>>(
    x: &[T],
    y: &[T],
    rate_hz: f64,
    start_s: f64,
    a_s: f64,
    b_s: f64,
) -> Option<f64> {
    let dx: Vec<f64> = detrended(x, rate_hz, start_s, a_s, b_s)?
        .map(|v| v.1)
        .collect();
    let dy: Vec<f64> = detrended(y, rate_hz, start_s, a_s, b_s)?
        .map(|v| v.1)
        .collect();
    let n = dx.len().min(dy.len());
    if n < 4 {
        return None;
    }
    let (mx, my) = (
        dx[..n].iter().sum::<f64>() / n as f64,
        dy[..n].iter().sum::<f64>() / n as f64,
    );
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for k in 0..n {
        let (a, b) = (dx[k] - mx, dy[k] - my);
        sxy += a * b;
        sxx += a * a;
        syy += b * b;
    }
    (sxx > 0.0 && syy > 0.0).then(|| sxy / (sxx * syy).sqrt())
}

/// Mean over `spans` of the range of `x` within each (ends interpolated).
pub fn mean_range<T: Copy + Into<f64>>(
    x: &[T],
    rate_hz: f64,
    start_s: f64,
    spans: &[(f64, f64)],
) -> Option<f64> {
    mean(spans.iter().filter_map(|&(a, b)| {
        let (xa, xb) = (at(x, rate_hz, start_s, a)?, at(x, rate_hz, start_s, b)?);
        let (mut lo, mut hi) = (xa.min(xb), xa.max(xb));
        for i in inside(x.len(), rate_hz, start_s, a, b) {
            lo = lo.min(x[i].into());
            hi = hi.max(x[i].into());
        }
        Some(hi - lo)
    }))
}

/// Mean of the samples of `x` within `spans`.
fn mean_over<T: Copy + Into<f64>>(
    x: &[T],
    rate_hz: f64,
    start_s: f64,
    spans: &[(f64, f64)],
) -> Option<f64> {
    mean(
        spans
            .iter()
            .flat_map(|&(a, b)| inside(x.len(), rate_hz, start_s, a, b))
            .map(|i| x[i].into()),
    )
}

fn mean(v: impl Iterator<Item = f64>) -> Option<f64> {
    let (s, n) = v.fold((0.0, 0usize), |(s, n), x| (s + x, n + 1));
    (n > 0).then(|| s / n as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::orientation::rotation;
    use std::f64::consts::PI;

    #[test]
    fn stride_peak_to_peak_removes_drift_but_keeps_the_swing() {
        // 100 Hz, a 0.7 s stride, ±10° yaw (20° peak-to-peak) on a 5°/s heading drift
        let rate = 100.0;
        let yaw: Vec<f64> = (0..1000)
            .map(|i| {
                let t = i as f64 / rate;
                (10.0 * (2.0 * PI * t / 0.7 + 0.3).sin() + 5.0 * t).to_radians()
            })
            .collect();
        let strides: Vec<(f64, f64)> = (0..12)
            .map(|k| (0.05 + k as f64 * 0.7, 0.75 + k as f64 * 0.7))
            .collect();
        let per_stride: Vec<f64> = strides
            .iter()
            .map(|&(a, b)| stride_peak_to_peak(&yaw, rate, 0.0, a, b).unwrap())
            .collect();
        let pp = mean(per_stride.into_iter()).unwrap().to_degrees();
        assert!((pp - 20.0).abs() < 0.05, "{pp}");
        // without the detrend the drift distorts it (here to ~18.3°)
        let raw = mean_range(&yaw, rate, 0.0, &strides).unwrap().to_degrees();
        assert!((raw - 20.0).abs() > 1.0, "{raw}");
        // a stride past the end is skipped
        assert!(stride_peak_to_peak(&yaw, rate, 0.0, 9.5, 10.2).is_none());
    }

    #[test]
    fn coupling_is_plus_one_in_phase_and_minus_one_anti_phase() {
        // 100 Hz, a 0.7 s stride; the pelvis yaw turns on a heading drift
        let rate = 100.0;
        let swing = |amp: f64, lag: f64| -> Vec<f64> {
            (0..300)
                .map(|i| {
                    let t = i as f64 / rate;
                    (amp * (2.0 * PI * (t - lag) / 0.7).sin() + 3.0 * t).to_radians()
                })
                .collect()
        };
        let pelvis = swing(6.0, 0.0);
        let (a, b) = (0.2, 0.9);
        let with = |trunk: &[f64]| stride_coupling(trunk, &pelvis, rate, 0.0, a, b).unwrap();
        assert!((with(&swing(10.0, 0.0)) - 1.0).abs() < 1e-9);
        assert!((with(&swing(10.0, 0.35)) + 1.0).abs() < 1e-9);
        // a quarter stride apart: uncorrelated
        assert!(with(&swing(10.0, 0.175)).abs() < 0.05);
        // relative rotation of counter-rotating segments is the sum of their swings
        let trunk = swing(10.0, 0.35);
        let rel: Vec<f64> = trunk.iter().zip(&pelvis).map(|(t, p)| t - p).collect();
        let pp = stride_peak_to_peak(&rel, rate, 0.0, a, b)
            .unwrap()
            .to_degrees();
        assert!((pp - 32.0).abs() < 0.1, "{pp}");
        assert!(stride_coupling(&trunk, &pelvis, rate, 0.0, 2.5, 3.2).is_none());
    }

    #[test]
    fn ranges_and_means_use_the_samples_between_the_ends() {
        let x = [0.0, 1.0, 3.0, 2.0, 0.0];
        // 10 Hz: (0.05, 0.35) holds samples 1..=3, ends interpolated at 0.5 and 1.0
        assert!((mean_range(&x, 10.0, 0.0, &[(0.05, 0.35)]).unwrap() - 2.5).abs() < 1e-12);
        assert!((mean_over(&x, 10.0, 0.0, &[(0.05, 0.35)]).unwrap() - 2.0).abs() < 1e-12);
        assert_eq!(at(&x, 10.0, 0.0, 0.45), None);
        assert_eq!(at(&x, 10.0, 0.0, 0.4), Some(0.0));
    }

    #[test]
    fn segment_angles_unwrap_yaw() {
        let a = segment_angles(
            [170.0_f64, 179.0, -179.0, -170.0]
                .iter()
                .map(|d| rotation(d.to_radians(), 0.1, -0.2)),
        );
        // angles are kept as f32: within 1e-7 of the angle
        let deg: Vec<f64> = a
            .yaw_rad
            .iter()
            .map(|&y| f64::from(y).to_degrees())
            .collect();
        assert!(
            (deg[2] - 181.0).abs() < 1e-4 && (deg[3] - 190.0).abs() < 1e-4,
            "{deg:?}"
        );
        let (pitch, roll) = (f64::from(a.pitch_rad[3]), f64::from(a.roll_rad[3]));
        assert!((pitch - 0.1).abs() < 1e-7 && (roll + 0.2).abs() < 1e-7);
    }
}
