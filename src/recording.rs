//! The recording model: what every reader produces and every stage reads.
//!
//! A [`Recording`] is one session of one runner: one or more sensor [`Stream`]s, each
//! worn at a [`Placement`], all sampled on one uniform time base (`start_s + i / rate_hz`).
//! Readers resample irregular input onto that base, so stages never see timestamps.
//!
//! Units inside the library are fixed: accelerometer in m/s² (specific force, gravity
//! included: a sensor at rest reads +9.81 m/s² along the axis pointing up), gyroscope in
//! rad/s (right-handed, positive counter-clockwise about the axis), magnetometer in the
//! unit of the input (usually µT). Samples are stored as `f32` per axis ("structure of
//! arrays"): a 30-minute two-foot recording at 204.8 Hz is 18 MB.
//!
//! Axes are those of the sensor ([`Frame::Sensor`]) unless the input declared them
//! anatomical ([`Frame::Body`]: x forward, y left, z up).

use nalgebra::Vector3;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// Standard gravity, m/s².
pub const STANDARD_GRAVITY_MPS2: f64 = 9.806_65;

/// Where on the body a sensor is worn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Left shoe, instep or heel.
    LeftFoot,
    /// Right shoe, instep or heel.
    RightFoot,
    /// Left shank (tibia), above the ankle.
    LeftShank,
    /// Right shank (tibia), above the ankle.
    RightShank,
    /// Sacrum, lower back, hip clip or waist belt.
    Pelvis,
    /// Chest, sternum or upper back.
    Trunk,
    /// Left wrist (watch).
    LeftWrist,
    /// Right wrist (watch).
    RightWrist,
}

impl Placement {
    /// Every placement, in canonical column order.
    pub const ALL: [Placement; 8] = [
        Placement::LeftFoot,
        Placement::RightFoot,
        Placement::LeftShank,
        Placement::RightShank,
        Placement::Pelvis,
        Placement::Trunk,
        Placement::LeftWrist,
        Placement::RightWrist,
    ];

    /// The name used in column headers and reports, e.g. `left_foot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Placement::LeftFoot => "left_foot",
            Placement::RightFoot => "right_foot",
            Placement::LeftShank => "left_shank",
            Placement::RightShank => "right_shank",
            Placement::Pelvis => "pelvis",
            Placement::Trunk => "trunk",
            Placement::LeftWrist => "left_wrist",
            Placement::RightWrist => "right_wrist",
        }
    }

    /// The body side a placement belongs to; `Unknown` for pelvis and trunk.
    pub fn side(self) -> Side {
        match self {
            Placement::LeftFoot | Placement::LeftShank | Placement::LeftWrist => Side::Left,
            Placement::RightFoot | Placement::RightShank | Placement::RightWrist => Side::Right,
            Placement::Pelvis | Placement::Trunk => Side::Unknown,
        }
    }

    /// The body segment, without the side.
    pub fn segment(self) -> Segment {
        match self {
            Placement::LeftFoot | Placement::RightFoot => Segment::Foot,
            Placement::LeftShank | Placement::RightShank => Segment::Shank,
            Placement::Pelvis => Segment::Pelvis,
            Placement::Trunk => Segment::Trunk,
            Placement::LeftWrist | Placement::RightWrist => Segment::Wrist,
        }
    }
}

impl fmt::Display for Placement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Placement {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Placement::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Placement::ALL.iter().map(|p| p.as_str()).collect();
                format!(
                    "unknown placement '{s}' (expected one of {})",
                    names.join(", ")
                )
            })
    }
}

/// A body segment, regardless of side.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Segment {
    /// Foot.
    Foot,
    /// Shank (tibia).
    Shank,
    /// Pelvis / sacrum / waist.
    Pelvis,
    /// Trunk / chest.
    Trunk,
    /// Wrist.
    Wrist,
}

/// Body side of a step or a sensor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    /// Left.
    Left,
    /// Right.
    Right,
    /// Not known (e.g. a pelvis sensor that could not tell).
    Unknown,
}

impl Side {
    /// `left`, `right` or `unknown`.
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Left => "left",
            Side::Right => "right",
            Side::Unknown => "unknown",
        }
    }
}

/// Which axes a recording's samples are expressed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frame {
    /// The sensor's own axes; runform estimates the sensor-to-body alignment.
    #[default]
    Sensor,
    /// Anatomical axes: x forward, y left, z up.
    Body,
}

impl Frame {
    /// `sensor` or `body`, as `--frame` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Frame::Sensor => "sensor",
            Frame::Body => "body",
        }
    }
}

/// Accelerometer unit of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AccUnit {
    /// Multiples of standard gravity.
    #[serde(rename = "g")]
    G,
    /// Metres per second squared.
    #[serde(rename = "m/s2")]
    Mps2,
}

impl AccUnit {
    /// Factor that turns a value in this unit into m/s².
    pub fn to_mps2(self) -> f64 {
        match self {
            AccUnit::G => STANDARD_GRAVITY_MPS2,
            AccUnit::Mps2 => 1.0,
        }
    }
    /// `g` or `m/s2`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccUnit::G => "g",
            AccUnit::Mps2 => "m/s2",
        }
    }
}

impl FromStr for AccUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "g" => Ok(AccUnit::G),
            "m/s2" | "m/s^2" | "mps2" => Ok(AccUnit::Mps2),
            _ => Err(format!(
                "unknown accelerometer unit '{s}' (expected g or m/s2)"
            )),
        }
    }
}

/// Gyroscope unit of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum GyrUnit {
    /// Degrees per second.
    #[serde(rename = "deg/s")]
    DegPerS,
    /// Radians per second.
    #[serde(rename = "rad/s")]
    RadPerS,
}

impl GyrUnit {
    /// Factor that turns a value in this unit into rad/s.
    pub fn to_radps(self) -> f64 {
        match self {
            GyrUnit::DegPerS => std::f64::consts::PI / 180.0,
            GyrUnit::RadPerS => 1.0,
        }
    }
    /// `deg/s` or `rad/s`.
    pub fn as_str(self) -> &'static str {
        match self {
            GyrUnit::DegPerS => "deg/s",
            GyrUnit::RadPerS => "rad/s",
        }
    }
}

impl FromStr for GyrUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "deg/s" | "dps" => Ok(GyrUnit::DegPerS),
            "rad/s" | "rps" => Ok(GyrUnit::RadPerS),
            _ => Err(format!(
                "unknown gyroscope unit '{s}' (expected deg/s or rad/s)"
            )),
        }
    }
}

/// Three axes of one sensor, one `Vec` per axis, all the same length.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Axes3 {
    /// x axis samples.
    pub x: Vec<f32>,
    /// y axis samples.
    pub y: Vec<f32>,
    /// z axis samples.
    pub z: Vec<f32>,
}

impl Axes3 {
    /// Three empty axes with room for `n` samples each.
    pub fn with_capacity(n: usize) -> Self {
        Axes3 {
            x: Vec::with_capacity(n),
            y: Vec::with_capacity(n),
            z: Vec::with_capacity(n),
        }
    }

    /// Builds the axes from a sequence of vectors.
    pub fn from_vectors<I: IntoIterator<Item = Vector3<f64>>>(it: I) -> Self {
        let mut a = Axes3::default();
        for v in it {
            a.push(v);
        }
        a
    }

    /// Appends one sample.
    pub fn push(&mut self, v: Vector3<f64>) {
        self.x.push(v.x as f32);
        self.y.push(v.y as f32);
        self.z.push(v.z as f32);
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.x.len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.x.is_empty()
    }

    /// Sample `i` as a vector.
    ///
    /// # Panics
    /// When `i` is out of range.
    #[inline]
    pub fn at(&self, i: usize) -> Vector3<f64> {
        Vector3::new(self.x[i] as f64, self.y[i] as f64, self.z[i] as f64)
    }

    /// All samples as vectors.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = Vector3<f64>> + '_ {
        (0..self.len()).map(move |i| self.at(i))
    }

    /// Euclidean norm of every sample.
    pub fn norms(&self) -> Vec<f64> {
        self.iter().map(|v| v.norm()).collect()
    }

    /// Multiplies every sample by `k`.
    pub fn scale(&mut self, k: f64) {
        for axis in [&mut self.x, &mut self.y, &mut self.z] {
            for v in axis.iter_mut() {
                *v = (*v as f64 * k) as f32;
            }
        }
    }

    /// Samples `range` as new axes.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Axes3 {
        Axes3 {
            x: self.x[range.clone()].to_vec(),
            y: self.y[range.clone()].to_vec(),
            z: self.z[range].to_vec(),
        }
    }
}

/// Three-axis samples read by index, as `f64` vectors: a sensor's [`Axes3`] (stored as
/// `f32`) or a slice of vectors, so that a stage can read a stream without copying it.
pub trait Vectors: Sync {
    /// Number of samples.
    fn len(&self) -> usize;
    /// True when there are no samples.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Sample `i`.
    ///
    /// # Panics
    /// When `i` is out of range.
    fn at(&self, i: usize) -> Vector3<f64>;
    /// Every sample, in order.
    fn samples(&self) -> impl Iterator<Item = Vector3<f64>> + '_ {
        (0..self.len()).map(move |i| self.at(i))
    }
}

impl Vectors for Axes3 {
    fn len(&self) -> usize {
        Axes3::len(self)
    }
    #[inline]
    fn at(&self, i: usize) -> Vector3<f64> {
        Axes3::at(self, i)
    }
}

impl Vectors for [Vector3<f64>] {
    fn len(&self) -> usize {
        <[Vector3<f64>]>::len(self)
    }
    #[inline]
    fn at(&self, i: usize) -> Vector3<f64> {
        self[i]
    }
}

/// Samples `start..start + len` of some [`Vectors`], read in place.
#[derive(Debug, Clone, Copy)]
pub struct Window<'a, V: ?Sized> {
    /// The samples.
    pub of: &'a V,
    /// First sample.
    pub start: usize,
    /// Number of samples.
    pub len: usize,
}

impl<V: Vectors + ?Sized> Vectors for Window<'_, V> {
    fn len(&self) -> usize {
        self.len
    }
    #[inline]
    fn at(&self, i: usize) -> Vector3<f64> {
        assert!(i < self.len, "sample {i} of a window of {}", self.len);
        self.of.at(self.start + i)
    }
}

/// One sensor worn at one placement.
#[derive(Debug, Clone, PartialEq)]
pub struct Stream {
    /// Where the sensor is worn.
    pub placement: Placement,
    /// Specific force, m/s², gravity included.
    pub acc_mps2: Axes3,
    /// Angular velocity, rad/s, when the sensor has a gyroscope.
    pub gyr_radps: Option<Axes3>,
    /// Magnetic field in the input's unit, when present.
    pub mag: Option<Axes3>,
}

impl Stream {
    /// Number of samples.
    pub fn len(&self) -> usize {
        self.acc_mps2.len()
    }
    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.acc_mps2.is_empty()
    }
}

/// A note about the input that did not stop the analysis but may matter for its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    /// Stable machine-readable code, e.g. `resampled`, `saturation`.
    pub code: String,
    /// One sentence for a person.
    pub message: String,
}

impl Warning {
    /// A warning with `code` and `message`.
    pub fn new(code: &str, message: impl Into<String>) -> Self {
        Warning {
            code: code.to_string(),
            message: message.into(),
        }
    }
}

/// Units the input was read in, and whether they were detected or declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputUnits {
    /// Accelerometer unit of the input.
    pub acc: AccUnit,
    /// True when the accelerometer unit was inferred from the data.
    pub acc_detected: bool,
    /// Gyroscope unit of the input, when there is a gyroscope.
    pub gyr: Option<GyrUnit>,
    /// True when the gyroscope unit was inferred from the data.
    pub gyr_detected: bool,
}

/// One session of sensor data on one uniform time base.
#[derive(Debug, Clone, PartialEq)]
pub struct Recording {
    /// Where the data came from (a path or a description), for messages and reports.
    pub source: String,
    /// Sampling rate shared by every stream, Hz.
    pub rate_hz: f64,
    /// Time of the first sample, s.
    pub start_s: f64,
    /// Axes of the samples.
    pub frame: Frame,
    /// The sensors, at most one per placement.
    pub streams: Vec<Stream>,
    /// Units the input was read in.
    pub units: InputUnits,
    /// What the reader noticed but could work with.
    pub warnings: Vec<Warning>,
}

/// How near to half-way between two samples (in samples) a position counts as half-way
/// when rounded to a sample: far above the rounding error of a time in seconds (1e-7
/// samples for a start time of 1e9 s at 200 Hz), far below any real difference.
pub const TIE_SAMPLES: f64 = 1e-6;

/// The sample nearest to position `at` (in samples); a position within [`TIE_SAMPLES`]
/// of half-way between two samples gives the later one.
#[inline]
pub fn nearest_sample(at: f64) -> isize {
    (at + TIE_SAMPLES).round() as isize
}

impl Recording {
    /// Number of samples per stream.
    pub fn len(&self) -> usize {
        self.streams.first().map_or(0, Stream::len)
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Duration covered by the samples, s.
    pub fn duration_s(&self) -> f64 {
        self.len() as f64 / self.rate_hz
    }

    /// Time of sample `i`, s.
    #[inline]
    pub fn time_s(&self, i: usize) -> f64 {
        self.start_s + i as f64 / self.rate_hz
    }

    /// Time of the position `at` in samples (between samples where it has a fraction), s.
    #[inline]
    pub fn time_at(&self, at: f64) -> f64 {
        self.start_s + at / self.rate_hz
    }

    /// The sample nearest to time `t_s` (the inverse of [`time_s`](Self::time_s)); it
    /// may lie outside the recording (negative, or `len()` and beyond).
    ///
    /// A time half-way between two samples gives the later one, and so does a time
    /// within [`TIE_SAMPLES`] of half-way: an event placed between the last sample before
    /// it and the first after it (a contact's onset) reads from the first sample after it,
    /// whatever the last bit of the arithmetic that made its time.
    #[inline]
    pub fn sample_index(&self, t_s: f64) -> isize {
        nearest_sample((t_s - self.start_s) * self.rate_hz)
    }

    /// The stream worn at `placement`, if any.
    pub fn stream(&self, placement: Placement) -> Option<&Stream> {
        self.streams.iter().find(|s| s.placement == placement)
    }

    /// Samples `range` of every stream (clamped to the recording) as a recording of
    /// their own: `start_s` is the time of the first sample kept, the rest (rate, frame,
    /// units, warnings, source) as here. A window of a long recording, analysed on its own.
    pub fn clip(&self, range: std::ops::Range<usize>) -> Recording {
        let end = range.end.min(self.len());
        let range = range.start.min(end)..end;
        Recording {
            source: self.source.clone(),
            rate_hz: self.rate_hz,
            start_s: self.time_s(range.start),
            frame: self.frame,
            streams: self
                .streams
                .iter()
                .map(|s| Stream {
                    placement: s.placement,
                    acc_mps2: s.acc_mps2.slice(range.clone()),
                    gyr_radps: s.gyr_radps.as_ref().map(|a| a.slice(range.clone())),
                    mag: s.mag.as_ref().map(|a| a.slice(range.clone())),
                })
                .collect(),
            units: self.units.clone(),
            warnings: self.warnings.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placement_names_round_trip() {
        for p in Placement::ALL {
            assert_eq!(p.as_str().parse::<Placement>().unwrap(), p);
        }
        assert!("left_knee".parse::<Placement>().is_err());
    }

    #[test]
    fn units_convert() {
        assert_eq!(AccUnit::G.to_mps2(), STANDARD_GRAVITY_MPS2);
        assert!((GyrUnit::DegPerS.to_radps() * 180.0 - std::f64::consts::PI).abs() < 1e-12);
        assert_eq!("m/s2".parse::<AccUnit>().unwrap(), AccUnit::Mps2);
        assert!("furlongs".parse::<GyrUnit>().is_err());
    }

    #[test]
    fn axes_store_and_return_vectors() {
        let mut a = Axes3::with_capacity(2);
        a.push(Vector3::new(1.0, 2.0, 3.0));
        a.push(Vector3::new(0.0, 3.0, 4.0));
        assert_eq!(a.len(), 2);
        assert_eq!(a.at(1), Vector3::new(0.0, 3.0, 4.0));
        assert_eq!(a.norms()[1], 5.0);
        a.scale(2.0);
        assert_eq!(a.at(0), Vector3::new(2.0, 4.0, 6.0));
    }

    #[test]
    fn clip_keeps_the_samples_of_the_range_and_their_time() {
        let axes = |k: f32| Axes3 {
            x: (0..10).map(|i| k * i as f32).collect(),
            y: vec![k; 10],
            z: vec![-k; 10],
        };
        let recording = Recording {
            source: "run.csv".into(),
            rate_hz: 4.0,
            start_s: 100.0,
            frame: Frame::Body,
            streams: vec![
                Stream {
                    placement: Placement::Pelvis,
                    acc_mps2: axes(1.0),
                    gyr_radps: Some(axes(2.0)),
                    mag: None,
                },
                Stream {
                    placement: Placement::LeftFoot,
                    acc_mps2: axes(3.0),
                    gyr_radps: None,
                    mag: Some(axes(4.0)),
                },
            ],
            units: InputUnits {
                acc: AccUnit::G,
                acc_detected: true,
                gyr: Some(GyrUnit::DegPerS),
                gyr_detected: false,
            },
            warnings: vec![Warning::new("resampled", "resampled to 4 Hz")],
        };
        let clip = recording.clip(3..7);
        assert_eq!(clip.len(), 4);
        assert_eq!(clip.start_s, 100.75);
        assert_eq!(clip.streams[0].acc_mps2.x, vec![3.0, 4.0, 5.0, 6.0]);
        assert_eq!(
            clip.streams[0].gyr_radps.as_ref().unwrap().x,
            vec![6.0, 8.0, 10.0, 12.0]
        );
        assert_eq!(
            clip.streams[1].mag.as_ref().unwrap().x,
            vec![12.0, 16.0, 20.0, 24.0]
        );
        assert!(clip.streams[1].gyr_radps.is_none());
        assert_eq!(clip.streams[1].placement, Placement::LeftFoot);
        assert_eq!(
            (
                &clip.source,
                clip.rate_hz,
                clip.frame,
                &clip.units,
                &clip.warnings
            ),
            (
                &recording.source,
                recording.rate_hz,
                recording.frame,
                &recording.units,
                &recording.warnings
            )
        );
        // clamped to the recording; the time of a sample is the same in both
        let tail = recording.clip(8..50);
        assert_eq!(tail.len(), 2);
        assert_eq!(tail.time_s(1), recording.time_s(9));
        assert!(recording.clip(12..20).is_empty());
        assert_eq!(recording.clip(0..10), recording);
    }
}
