//! Typed errors of the library.
//!
//! [`Error::Input`] is data runform cannot use: the binary exits with code 2 and prints
//! the one-line message, which names the file, the line (1-based, header = line 1) and
//! the column where they are known, and what was expected. [`Error::Setting`] is a
//! setting that does not fit the data (also exit 2). [`Error::Io`] is the operating
//! system refusing a read or write.

use std::fmt;
use std::path::PathBuf;

/// Result with runform's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input data cannot be used.
    #[error("{0}")]
    Input(#[from] InputError),
    /// A setting (option, parameter) is out of range or does not fit the data.
    #[error("invalid setting: {0}")]
    Setting(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// True when the error is the caller's input or settings (exit code 2), not the system.
    pub fn is_bad_input(&self) -> bool {
        matches!(self, Error::Input(_) | Error::Setting(_))
    }

    /// An [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// Bad input, located as precisely as the reader could.
#[derive(Debug, Clone, PartialEq)]
pub struct InputError {
    /// The file (or source description).
    pub file: String,
    /// 1-based line in the file, header = line 1.
    pub line: Option<usize>,
    /// Column name.
    pub column: Option<String>,
    /// What is wrong.
    pub problem: Problem,
}

impl InputError {
    /// An error about the whole file.
    pub fn new(file: impl Into<String>, problem: Problem) -> Self {
        InputError {
            file: file.into(),
            line: None,
            column: None,
            problem,
        }
    }

    /// Adds the line.
    pub fn at_line(mut self, line: usize) -> Self {
        self.line = Some(line);
        self
    }

    /// Adds the column.
    pub fn in_column(mut self, column: impl Into<String>) -> Self {
        self.column = Some(column.into());
        self
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(col) = &self.column {
            write!(f, ", column '{col}'")?;
        }
        write!(f, ": {}", self.problem)
    }
}

impl std::error::Error for InputError {}

/// The kinds of bad input, each with what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// Nothing in the file.
    #[error("the file is empty (expected a header line and samples)")]
    Empty,
    /// A header but no samples.
    #[error("no samples after the header (expected at least {min} rows)")]
    NoRows {
        /// Rows needed.
        min: usize,
    },
    /// The bytes are not text of the expected kind.
    #[error("not a CSV text file ({0})")]
    NotText(String),
    /// The CSV could not be parsed.
    #[error("malformed CSV: {0}")]
    Malformed(String),
    /// The first column is not `time`.
    #[error("the first column is '{found}' (expected 'time', in seconds)")]
    NoTimeColumn {
        /// What the header has instead.
        found: String,
    },
    /// A header names a column runform does not know.
    #[error(
        "unknown column (expected <placement>_<acc|gyr|mag>_<x|y|z>, placements: {placements})"
    )]
    UnknownColumn {
        /// The known placements, listed.
        placements: String,
    },
    /// The same column twice.
    #[error("the column appears twice")]
    DuplicateColumn,
    /// A sensor with some axes missing.
    #[error(
        "{sensor} has no {axis} axis (a missing axis is only allowed with --frame body, where it reads as zero)"
    )]
    MissingAxis {
        /// e.g. `pelvis_acc`.
        sensor: String,
        /// e.g. `y`.
        axis: char,
    },
    /// A gyroscope or magnetometer without an accelerometer.
    #[error(
        "{placement} has a gyroscope or magnetometer but no accelerometer columns (expected {placement}_acc_x/y/z)"
    )]
    NoAccelerometer {
        /// The placement.
        placement: String,
    },
    /// No sensor columns at all.
    #[error("no sensor columns (expected columns like pelvis_acc_x, pelvis_acc_y, pelvis_acc_z)")]
    NoSensors,
    /// A cell that is not a number.
    #[error("'{value}' is not a number")]
    NotANumber {
        /// The cell text.
        value: String,
    },
    /// NaN or infinity where a measurement is needed.
    #[error("{what} where a finite number is expected")]
    NotFinite {
        /// `NaN`, `inf`, or a description.
        what: String,
    },
    /// An empty cell.
    #[error("empty cell (expected a number)")]
    Missing,
    /// Time does not increase.
    #[error(
        "time {this_s} s does not increase after {prev_s} s on the line before (expected strictly increasing seconds)"
    )]
    TimeNotIncreasing {
        /// Previous time.
        prev_s: f64,
        /// This time.
        this_s: f64,
    },
    /// A gap too long to bridge.
    #[error(
        "gap of {gap_s:.3} s in time after {after_s} s (at most {max_gap_s:.3} s can be bridged by resampling)"
    )]
    Gap {
        /// Time before the gap.
        after_s: f64,
        /// Length of the gap.
        gap_s: f64,
        /// Longest gap allowed.
        max_gap_s: f64,
    },
    /// The sampling rate is out of the usable range.
    #[error("sampling rate {rate_hz:.2} Hz is outside {min_hz}–{max_hz} Hz")]
    Rate {
        /// Measured rate.
        rate_hz: f64,
        /// Lowest usable rate.
        min_hz: f64,
        /// Highest accepted rate.
        max_hz: f64,
    },
    /// Too little data.
    #[error("only {duration_s:.2} s of data (expected at least {min_s} s)")]
    TooShort {
        /// Duration found.
        duration_s: f64,
        /// Minimum.
        min_s: f64,
    },
    /// Units could not be told from the data.
    #[error("cannot tell the {sensor} unit from the data ({detail}); give it with {flag}")]
    AmbiguousUnit {
        /// `accelerometer` or `gyroscope`.
        sensor: String,
        /// The statistic that was ambiguous.
        detail: String,
        /// The option that settles it.
        flag: String,
    },
    /// A sensor that never changes.
    #[error(
        "the signal is constant at {value} for the whole file (a disconnected or stuck sensor?)"
    )]
    Constant {
        /// The value.
        value: f64,
    },
    /// A whole-file property that is not as expected.
    #[error("{0}")]
    Other(String),
}
