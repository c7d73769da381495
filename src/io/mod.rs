//! Reading recordings: every input format ends as a [`Recording`](crate::Recording).
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
pub mod fit;
pub mod gaitmap_csv;
pub mod parquet;

pub use assemble::{Column, SensorKind, Table, assemble};
pub use canonical_csv::{read_csv, read_csv_path, write_csv};
pub use gaitmap_csv::{read_gaitmap, read_gaitmap_path};
pub use parquet::{read_parquet, write_parquet};

use crate::dynamics::WatchDynamics;

use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{AccUnit, Frame, GyrUnit, Recording};
use std::io::Read;
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
}

impl InputFormat {
    /// `canonical` or `gaitmap`.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Canonical => "canonical",
            InputFormat::Gaitmap => "gaitmap",
            InputFormat::Fit => "fit",
            InputFormat::Parquet => "parquet",
        }
    }

    /// The layout the content shows: a first line starting with the field `sensor`
    /// (gaitmap's, whose second line starts with `axis`) or `time` (canonical), after an
    /// optional UTF-8 byte-order mark; `None` for anything else.
    ///
    /// Binary layouts are told by their magic bytes first: `.FIT` at byte 8 (FIT),
    /// `PAR1` at the start (Parquet).
    pub fn detect(bytes: &[u8]) -> Option<InputFormat> {
        if fit::looks_like_fit(bytes) {
            return Some(InputFormat::Fit);
        }
        if parquet::looks_like_parquet(bytes) {
            return Some(InputFormat::Parquet);
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
            _ => Err(format!(
                "unknown input format '{s}' (expected canonical, gaitmap, fit or parquet)"
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

/// Reads whatever `path` holds: raw samples as [`read_path`] does, or a FIT activity's
/// running dynamics.
pub fn read_input_path(path: &Path, options: &ReadOptions) -> Result<Input> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| canonical_csv::open_error(path, &source, e))?;
    let format = options
        .format
        .or_else(|| InputFormat::detect(&bytes))
        .or_else(|| InputFormat::from_extension(path));
    read_input_bytes(&bytes, &source, format, options)
}

/// As [`read_input_path`], from bytes in memory; `source` names them in messages.
pub fn read_input_bytes(
    bytes: &[u8],
    source: &str,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Input> {
    match format {
        Some(InputFormat::Fit) => fit::read_fit(bytes, source).map(Input::Watch),
        _ => read_bytes(bytes, source, format, options).map(Input::Imu),
    }
}

/// Reads the recording at `path`. The layout is `options.format` when set, else the one
/// the first line shows ([`InputFormat::detect`]), else the one the file name declares
/// ([`InputFormat::from_extension`]), else canonical — where a first line that fits
/// neither layout is a [`Problem::UnknownLayout`] naming both.
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| canonical_csv::open_error(path, &source, e))?;
    let format = options
        .format
        .or_else(|| InputFormat::detect(&bytes))
        .or_else(|| InputFormat::from_extension(path));
    read_bytes(&bytes, &source, format, options)
}

/// Reads a recording from `reader`, with the layout of `options.format` or recognised
/// from the content as in [`read_path`]; `source` names it in messages.
pub fn read<R: Read>(mut reader: R, source: &str, options: &ReadOptions) -> Result<Recording> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    let format = options.format.or_else(|| InputFormat::detect(&bytes));
    read_bytes(&bytes, source, format, options)
}

fn read_bytes(
    bytes: &[u8],
    source: &str,
    format: Option<InputFormat>,
    options: &ReadOptions,
) -> Result<Recording> {
    check_rate_option(options)?;
    match format {
        Some(InputFormat::Gaitmap) => gaitmap_csv::read_bytes(bytes, source, options),
        Some(InputFormat::Parquet) => parquet::read_parquet(bytes, source, options),
        Some(InputFormat::Fit) => {
            fit::read_fit(bytes, source)?;
            Err(InputError::new(
                source,
                Problem::Fit(
                    "the activity holds the watch's running dynamics, not raw sensor samples (analyse it with read_input_path or runform analyze)".into(),
                ),
            )
            .into())
        }
        Some(InputFormat::Canonical) => {
            assemble(canonical_csv::parse(bytes, source, options.frame)?, options)
        }
        None => {
            let table =
                canonical_csv::parse(bytes, source, options.frame).map_err(|e| match e {
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
