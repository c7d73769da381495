//! Reading recordings: every input format ends as a [`Recording`].
//!
//! A reader turns its format into a [`Table`] (time column plus named sensor columns,
//! values in the input's own units), and [`assemble`] does what every format needs:
//! checks the time column, resamples irregular timestamps onto a uniform base, detects or
//! applies units, checks for stuck and saturated sensors, and builds the recording. Polars
//! stays inside this module; the rest of the library sees typed structs.
//!
//! Readers take any [`std::io::Read`], with path shortcuts beside them, and never write to
//! their input.

mod assemble;
pub mod canonical_csv;
pub mod delimited;
mod fast_csv;
pub mod fit;
pub mod gaitmap_csv;
pub mod mapped;
pub mod parquet;
pub mod phone;

pub use assemble::{Column, SensorKind, Table, assemble};
pub use canonical_csv::{read_csv, read_csv_path, write_csv};
pub use gaitmap_csv::{read_gaitmap, read_gaitmap_path};
pub use mapped::{ColumnMap, TimeUnit};
pub use parquet::{read_parquet, write_parquet};

use crate::dynamics::WatchDynamics;

use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{AccUnit, Frame, GyrUnit, Placement, Recording};
use std::borrow::Cow;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;

/// The layouts runform reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// runform's canonical CSV ([`canonical_csv`]): `time`, then
    /// `<placement>_<acc|gyr|mag>_<x|y|z>`.
    Canonical,
    /// gaitmap's CSV ([`gaitmap_csv`]): a `sensor` and an `axis` header line.
    Gaitmap,
    /// Garmin FIT activity ([`fit`]): the watch's running dynamics.
    Fit,
    /// runform's canonical layout in Parquet ([`parquet`]).
    Parquet,
    /// Sensor Logger export, a zip or its folder ([`phone`]).
    SensorLogger,
    /// phyphox export, a zip or its `Raw Data.csv` ([`phone`]).
    Phyphox,
}

impl InputFormat {
    /// `canonical` or `gaitmap`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Canonical => "canonical",
            InputFormat::Gaitmap => "gaitmap",
            InputFormat::Fit => "fit",
            InputFormat::Parquet => "parquet",
            InputFormat::SensorLogger => "sensor-logger",
            InputFormat::Phyphox => "phyphox",
        }
    }

    /// The layout the content shows: a first line starting with the field `sensor`
    /// (gaitmap's, whose second line starts with `axis`) or `time` (canonical), after an
    /// optional UTF-8 byte-order mark; `None` for anything else.
    ///
    /// Binary layouts are told by their magic bytes first: `.FIT` at byte 8 (FIT),
    /// `PAR1` at the start (Parquet), a zip (phyphox when it holds `Raw Data.csv` or a
    /// `meta/` folder, else Sensor Logger). A text header with `seconds_elapsed` is a
    /// Sensor Logger sensor file; a first column like `Time (s)` is phyphox's.
    pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
        if fit::looks_like_fit(bytes) {
            return Some(InputFormat::Fit);
        }
        if parquet::looks_like_parquet(bytes) {
            return Some(InputFormat::Parquet);
        }
        if phone::looks_like_zip(bytes) {
            return Some(if phone::zip_is_phyphox(bytes) {
                InputFormat::Phyphox
            } else {
                InputFormat::SensorLogger
            });
        }
        {
            let b = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
            let line = b.split(|&c| c == b'\n').next().unwrap_or_default();
            let line = String::from_utf8_lossy(&line[..line.len().min(4096)]);
            if line.contains("seconds_elapsed") {
                return Some(InputFormat::SensorLogger);
            }
            let first = line.split([',', ';', '\t']).next().unwrap_or_default();
            if phone::looks_like_phyphox(first) {
                return Some(InputFormat::Phyphox);
            }
        }
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let line = bytes.split(|&b| b == b'\n').next().unwrap_or_default();
        let first = line.split(|&b| b == b',').next().unwrap_or_default();
        let first = String::from_utf8_lossy(first);
        match first.trim().trim_matches('"') {
            "sensor" => Some(InputFormat::Gaitmap),
            "time" => Some(InputFormat::Canonical),
            _ => None,
        }
    }

    /// The layout a file name declares: `*.gaitmap.csv` is gaitmap's, `*.fit` FIT,
    /// `*.parquet` Parquet; any other name declares nothing.
    pub fn from_extension(path: &Path) -> Option<InputFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        if name.ends_with(".gaitmap.csv") {
            Some(InputFormat::Gaitmap)
        } else if name.ends_with(".fit") {
            Some(InputFormat::Fit)
        } else if name.ends_with(".parquet") || name.ends_with(".pq") {
            Some(InputFormat::Parquet)
        } else {
            None
        }
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s {
            "canonical" => Ok(InputFormat::Canonical),
            "gaitmap" => Ok(InputFormat::Gaitmap),
            "fit" => Ok(InputFormat::Fit),
            "parquet" => Ok(InputFormat::Parquet),
            "sensor-logger" => Ok(InputFormat::SensorLogger),
            "phyphox" => Ok(InputFormat::Phyphox),
            _ => Err(format!(
                "unknown input format '{s}' (expected canonical, gaitmap, fit, parquet, sensor-logger or phyphox)"
            )),
        }
    }
}

/// How to interpret an input file.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadOptions {
    /// Accelerometer unit; `None` detects it from the data.
    pub acc_unit: Option<AccUnit>,
    /// Gyroscope unit; `None` detects it from the data.
    pub gyr_unit: Option<GyrUnit>,
    /// Axes of the file.
    pub frame: Frame,
    /// Longest time gap, s, that resampling may bridge by interpolation.
    pub max_gap_s: f64,
    /// Shortest recording accepted, s.
    pub min_duration_s: f64,
    /// Lowest sampling rate accepted, Hz.
    pub min_rate_hz: f64,
    /// Highest sampling rate accepted, Hz.
    pub max_rate_hz: f64,
    /// Sampling rate, Hz, for a file without time (gaitmap's CSV indexed by sample:
    /// [`gaitmap_csv::DEFAULT_RATE_HZ`] when `None`); for a file with time, the rate its
    /// time column must give, within 1%.
    pub rate_hz: Option<f64>,
    /// The layout; `None` recognises it ([`read_path`]).
    pub format: Option<InputFormat>,
    /// Where a single-sensor input (a phone logger, a mapped CSV) was worn; `None` is
    /// the pelvis (a phone in a belt or pocket).
    pub placement: Option<Placement>,
    /// A column mapping for any other CSV ([`mapped`]); when set, it decides the layout.
    pub map: Option<ColumnMap>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            acc_unit: None,
            gyr_unit: None,
            frame: Frame::Sensor,
            max_gap_s: 0.25,
            min_duration_s: 2.0,
            min_rate_hz: 20.0,
            max_rate_hz: 10_000.0,
            rate_hz: None,
            format: None,
            placement: None,
            map: None,
        }
    }
}

/// What an input holds: raw IMU samples, or a watch's running dynamics (a FIT activity).
#[derive(Debug, Clone, PartialEq)]
pub enum Input {
    /// Raw sensor samples.
    Imu(Recording),
    /// Per-second running dynamics computed by a watch ([`crate::dynamics`]).
    Watch(WatchDynamics),
}

/// How a long recording is read in windows ([`read_input_windows`]), so that only one
/// window's samples are held at a time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WindowPlan {
    /// Time each window owns, s. A recording of up to about one and a half times this
    /// is one window; a longer one is cut into windows of about this length.
    pub own_s: f64,
    /// Time a window reaches into each neighbour's, s, so that the steps near its
    /// edges are found with the signal on both sides (at most a quarter of `own_s`, at
    /// least one row).
    pub overlap_s: f64,
}

impl WindowPlan {
    /// The whole recording as one window.
    pub const WHOLE: WindowPlan = WindowPlan {
        own_s: f64::INFINITY,
        overlap_s: 0.0,
    };
}

impl Default for WindowPlan {
    /// Windows of 30 minutes that reach 30 s into their neighbours: every recording of
    /// up to 45 minutes is one window.
    fn default() -> Self {
        WindowPlan {
            own_s: 1800.0,
            overlap_s: 30.0,
        }
    }
}

/// One window of an input read in windows ([`read_input_windows`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    /// The window's samples (or a watch's running dynamics, always one window).
    pub input: Input,
    /// The time the window owns, s: the windows' owned times follow one another, from
    /// −∞ for the first to +∞ for the last; what a window holds beyond its own time
    /// (its overlap) belongs to its neighbours.
    pub own_s: Range<f64>,
    /// Which window, from 0. A window 0 that follows others starts the input over: part
    /// way through, the file turned out not to be in the plain form that is read in
    /// windows, and it is read again whole, as one window.
    pub index: usize,
    /// True for the last window.
    pub last: bool,
}

impl Window {
    /// The samples of the window `rows`, which owns `own_s`.
    fn imu(recording: Recording, own_s: Range<f64>, rows: &fast_csv::WindowRows) -> Window {
        Window {
            input: Input::Imu(recording),
            own_s,
            index: rows.index,
            last: rows.last,
        }
    }

    /// The whole input as one window.
    fn whole(input: Input) -> Window {
        Window {
            input,
            own_s: f64::NEG_INFINITY..f64::INFINITY,
            index: 0,
            last: true,
        }
    }
}

/// Reads whatever `path` holds as [`read_input_path`] does, handing it to `each` a
/// window at a time: canonical and gaitmap CSV files in the plain form (see the
/// `fast_csv` reader) are read block by block and cut as `plan` says, so that a
/// recording of hours is never held whole; every other input is one window. Units the
/// first window detects are those of every later window.
pub fn read_input_windows(
    path: &Path,
    options: &ReadOptions,
    plan: WindowPlan,
    mut each: impl FnMut(Window) -> Result<()>,
) -> Result<()> {
    if !path.is_dir()
        && let Some(format) = streamed_format(path, options)
    {
        check_rate_option(options)?;
        let mut sink = WindowSink {
            options,
            later: None,
            each: &mut each,
        };
        return match format {
            InputFormat::Gaitmap => gaitmap_csv::read_windows(path, plan, &mut sink),
            _ => canonical_csv::read_windows(path, plan, &mut sink),
        };
    }
    each(Window::whole(read_input_path(path, options)?))
}

/// Where a CSV reader hands on the windows it reads ([`read_input_windows`]).
struct WindowSink<'a> {
    /// How the file is read.
    options: &'a ReadOptions,
    /// How the windows after the first are read: in the units the first found, as if
    /// they had been given, so that every window of a file is read in the same units (a
    /// window of standing alone could not tell its gyroscope's unit, nor would it need
    /// to).
    later: Option<ReadOptions>,
    each: &'a mut dyn FnMut(Window) -> Result<()>,
}

impl WindowSink<'_> {
    /// Hands on the window `rows`, which owns `own_s`, its samples built by `build` with
    /// the options it is read with.
    fn window(
        &mut self,
        own_s: Range<f64>,
        rows: &fast_csv::WindowRows,
        build: impl FnOnce(&ReadOptions) -> Result<Recording>,
    ) -> Result<()> {
        let recording = build(self.later.as_ref().unwrap_or(self.options))?;
        let options = self.options;
        self.later.get_or_insert_with(|| ReadOptions {
            acc_unit: Some(recording.units.acc),
            gyr_unit: recording.units.gyr.or(options.gyr_unit),
            ..options.clone()
        });
        (self.each)(Window::imu(recording, own_s, rows))
    }

    /// Hands on the whole file as one window, its samples built by `build` with the
    /// file's options (a file read again whole starts over).
    fn whole(&mut self, build: impl FnOnce(&ReadOptions) -> Result<Recording>) -> Result<()> {
        (self.each)(Window::whole(Input::Imu(build(self.options)?)))
    }
}

/// The time, s, each window owns, from the time of each row of its table: from its first
/// owned row (−∞ for the first window) to the first row of the next (+∞ for the last).
fn own_time(time_s: &[f64], rows: &fast_csv::WindowRows) -> Range<f64> {
    let start = if rows.index == 0 {
        f64::NEG_INFINITY
    } else {
        time_s[rows.own.start]
    };
    let end = if rows.last {
        f64::INFINITY
    } else {
        time_s[rows.own.end]
    };
    start..end
}

/// Reads whatever `path` holds: raw samples as [`read_path`] does, or a FIT activity's
/// running dynamics.
pub fn read_input_path(path: &Path, options: &ReadOptions) -> Result<Input> {
    let source = path.display().to_string();
    if path.is_dir() {
        return read_folder(path, options).map(Input::Imu);
    }
    if let Some(format) = streamed_format(path, options) {
        return read_streamed(path, format, options).map(Input::Imu);
    }
    let bytes = std::fs::read(path).map_err(|e| canonical_csv::open_error(path, &source, e))?;
    let format = options
        .format
        .or_else(|| InputFormat::detect(&bytes))
        .or_else(|| InputFormat::from_extension(path));
    read_input_cow(Cow::Owned(bytes), &source, format, options)
}

/// As [`read_input_path`], from bytes in memory; `source` names them in messages.
pub fn read_input_bytes(
    bytes: &[u8],
    source: &str,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Input> {
    read_input_cow(Cow::Borrowed(bytes), source, format, options)
}

/// As [`read_input_bytes`]; bytes it owns are freed as soon as they are parsed.
fn read_input_cow(
    bytes: Cow<'_, [u8]>,
    source: &str,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Input> {
    match format {
        Some(InputFormat::Fit) => {
            check_rate_option(options)?;
            fit::read_fit_input(&bytes, source, options)
        }
        _ => read_bytes(bytes, source, format, options).map(Input::Imu),
    }
}

/// An unpacked Sensor Logger export: a folder with its CSV files.
fn read_folder(path: &Path, options: &ReadOptions) -> Result<Recording> {
    let source = path.display().to_string();
    check_rate_option(options)?;
    let is_export = std::fs::read_dir(path).is_ok_and(|entries| {
        entries.flatten().any(|e| {
            let name = e.file_name().to_string_lossy().to_ascii_lowercase();
            name == "totalacceleration.csv" || name == "accelerometer.csv"
        })
    });
    match options.format {
        None if !is_export => Err(InputError::new(
            source,
            Problem::NoFile {
                what: "this is a directory, not a file (a folder is read only as a Sensor Logger export, and this one has no TotalAcceleration.csv or Accelerometer.csv)".into(),
            },
        )
        .into()),
        None | Some(InputFormat::SensorLogger) => {
            phone::read_sensor_logger(None, Some(path), &source, options)
        }
        Some(f) => Err(InputError::new(
            source,
            Problem::NoFile {
                what: format!(
                    "this is a directory, not a file (only a Sensor Logger export is read from a folder, not {})",
                    f.as_str()
                ),
            },
        )
        .into()),
    }
}

/// Reads the recording at `path`. The layout is `options.format` when set, else the one
/// the first line shows ([`InputFormat::detect`]), else the one the file name declares
/// ([`InputFormat::from_extension`]), else canonical — where a first line that fits
/// neither layout is a [`Problem::UnknownLayout`] naming both.
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    let source = path.display().to_string();
    if path.is_dir() {
        return read_folder(path, options);
    }
    if let Some(format) = streamed_format(path, options) {
        return read_streamed(path, format, options);
    }
    let bytes = std::fs::read(path).map_err(|e| canonical_csv::open_error(path, &source, e))?;
    let format = options
        .format
        .or_else(|| InputFormat::detect(&bytes))
        .or_else(|| InputFormat::from_extension(path));
    read_bytes(Cow::Owned(bytes), &source, format, options)
}

/// The text layout the file at `path` is read in block by block — canonical or gaitmap's
/// CSV, by `options.format` or by its first line, without `--map` — or `None` when it
/// is read whole (every other layout).
fn streamed_format(path: &Path, options: &ReadOptions) -> Option<InputFormat> {
    if options.map.is_some() {
        return None;
    }
    let format = options.format.or_else(|| {
        let mut head = Vec::new();
        std::fs::File::open(path)
            .and_then(|f| f.take(fast_csv::HEAD_BYTES as u64).read_to_end(&mut head))
            .ok()
            .and_then(|_| InputFormat::detect(&head))
    })?;
    matches!(format, InputFormat::Canonical | InputFormat::Gaitmap).then_some(format)
}

/// Reads the file at `path` in a streamed layout ([`streamed_format`]).
fn read_streamed(path: &Path, format: InputFormat, options: &ReadOptions) -> Result<Recording> {
    match format {
        InputFormat::Gaitmap => gaitmap_csv::read_gaitmap_path(path, options),
        _ => canonical_csv::read_csv_path(path, options),
    }
}

/// Reads a recording from `reader`, with the layout of `options.format` or recognised
/// from the content as in [`read_path`]; `source` names it in messages.
pub fn read<R: Read>(mut reader: R, source: &str, options: &ReadOptions) -> Result<Recording> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    let format = options.format.or_else(|| InputFormat::detect(&bytes));
    read_bytes(Cow::Owned(bytes), source, format, options)
}

/// Reads `bytes` in `format`. The CSV readers free bytes they own once parsed, before
/// the table becomes a recording, so that the file, the parsed columns and the
/// recording are never all held at once.
fn read_bytes(
    bytes: Cow<'_, [u8]>,
    source: &str,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Recording> {
    check_rate_option(options)?;
    if let Some(map) = &options.map {
        return mapped::read_mapped(&bytes, source, map, options);
    }
    match format {
        Some(InputFormat::SensorLogger) if phone::looks_like_zip(&bytes) => {
            phone::read_sensor_logger(Some(&bytes), None, source, options)
        }
        Some(InputFormat::SensorLogger) => Err(InputError::new(
            source,
            Problem::Archive(
                "a single Sensor Logger CSV (expected the export's zip or folder, with TotalAcceleration.csv or Accelerometer.csv and Gravity.csv)".into(),
            ),
        )
        .into()),
        Some(InputFormat::Phyphox) => phone::read_phyphox(&bytes, source, options),
        Some(InputFormat::Gaitmap) => gaitmap_csv::read_bytes(bytes, source, options),
        Some(InputFormat::Parquet) => parquet::read_parquet(&bytes, source, options),
        Some(InputFormat::Fit) => {
            if let Input::Imu(recording) = fit::read_fit_input(&bytes, source, options)? {
                return Ok(recording);
            }
            Err(InputError::new(
                source,
                Problem::Fit(
                    "the activity holds the watch's running dynamics, not raw sensor samples (runform analyze reports on them; there are no samples to convert)".into(),
                ),
            )
            .into())
        }
        Some(InputFormat::Canonical) => {
            let table = canonical_csv::parse(&bytes, source, options.frame)?;
            drop(bytes);
            assemble(table, options)
        }
        None => {
            let table =
                canonical_csv::parse(&bytes, source, options.frame).map_err(|e| match e {
                    Error::Input(e) => match e.problem {
                        Problem::NoTimeColumn { found } => InputError {
                            problem: Problem::UnknownLayout { found },
                            ..*e
                        }
                        .into(),
                        _ => Error::Input(e),
                    },
                    e => e,
                })?;
            drop(bytes);
            assemble(table, options)
        }
    }
}

/// A declared rate must be a positive number.
pub(super) fn check_rate_option(options: &ReadOptions) -> Result<()> {
    match options.rate_hz {
        Some(r) if !(r.is_finite() && r > 0.0) => Err(Error::Setting(format!(
            "the sampling rate is {r} Hz (expected a positive number of Hz)"
        ))),
        _ => Ok(()),
    }
}
