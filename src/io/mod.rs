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

pub use assemble::{Column, SensorKind, Table, assemble};
pub use canonical_csv::{read_csv, read_csv_path, write_csv};

use crate::error::Result;
use crate::recording::{AccUnit, Frame, GyrUnit, Recording};
use std::path::Path;

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
        }
    }
}

/// Reads the recording at `path`, recognising its format.
pub fn read_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    read_csv_path(path, options)
}
