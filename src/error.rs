//! Typed errors of the library.
//!
//! [`Error::Input`] is data runform cannot use: the binary exits with code 2 and prints
//! the one-line message, which names the file, the line (1-based, header = line 1) and
//! the column where they are known, and what was expected. [`Error::Setting`] is a
//! setting that does not fit the data (also exit 2). [`Error::Io`] is the operating
//! system refusing a read or write (exit 1); an input path that does not exist or is a
//! directory is the user's mistake, not the system's, and is an [`Error::Input`]
//! ([`Problem::NoFile`]).
//!
//! Each error is displayed once along its [`source`](std::error::Error::source) chain:
//! a variant that wraps another error either forwards to it (`transparent`) or shows only
//! its own part and leaves the rest to the source, so printing the chain (`{:#}` in
//! anyhow) never repeats a message.

use std::fmt;
use std::path::PathBuf;

/// Result with runform's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the library.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The input data cannot be used (boxed: it carries the file, line and column, and
    /// every `Result` of the library would otherwise be that large).
    #[error(transparent)]
    Input(Box<InputError>),
    /// A setting (option, parameter) is out of range or does not fit the data.
    #[error("invalid setting: {0}")]
    Setting(String),
    /// Reading or writing a file failed. Displayed as the path; the operating system's
    /// message is the [`source`](std::error::Error::source).
    #[error("{}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl From<InputError> for Error {
    fn from(e: InputError) -> Self {
        Error::Input(Box::new(e))
    }
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
    /// One line: control characters from the file (a NUL, an escape sequence, a line
    /// break in a name) are shown escaped.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = self.file.clone();
        if let Some(line) = self.line {
            s.push_str(&format!(", line {line}"));
        }
        if let Some(col) = &self.column {
            s.push_str(&format!(", column '{col}'"));
        }
        s.push_str(&format!(": {}", self.problem));
        for c in s.chars() {
            if c.is_control() {
                write!(f, "{}", c.escape_default())?;
            } else {
                write!(f, "{c}")?;
            }
        }
        Ok(())
    }
}

impl std::error::Error for InputError {}

/// The kinds of bad input, each with what was expected.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Problem {
    /// Nothing in the file.
    #[error("the file is empty (expected a header line and samples)")]
    Empty,
    /// The path does not name a file.
    #[error("{what} (expected the path of a CSV recording)")]
    NoFile {
        /// What is there instead, e.g. `no such file`.
        what: String,
    },
    /// A header but too few samples.
    #[error("{}", rows_message(*found, *min))]
    NoRows {
        /// Data rows found.
        found: usize,
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
    /// A header field with no name.
    #[error(
        "column {number} of the header has no name (a trailing comma?); expected <placement>_<acc|gyr|mag>_<x|y|z>"
    )]
    EmptyColumnName {
        /// 1-based position of the field in the header.
        number: usize,
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
    /// A number written with a decimal comma.
    #[error("'{value}' is not a number (expected '.' as the decimal mark)")]
    DecimalComma {
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
    /// A column with another number of values than the time column (a damaged file).
    #[error("{found} values where the time column has {expected} (damaged?)")]
    ColumnLength {
        /// Values in the column.
        found: usize,
        /// Values in the time column.
        expected: usize,
    },
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
    /// Too many rows repeat the time of the row before to drop them as logger glitches.
    #[error(
        "{count} of {rows} rows repeat the time of the row before, the first on this line (at most 1% can be dropped; expected strictly increasing seconds)"
    )]
    RepeatedTimes {
        /// Rows whose time equals the row before.
        count: usize,
        /// Data rows in the file.
        rows: usize,
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
    /// The time column is in another unit than seconds.
    #[error(
        "sampling rate {rate_hz:.4} Hz read as seconds is far too low: the time column looks like {unit} (expected seconds)"
    )]
    TimeUnit {
        /// Rate read as seconds.
        rate_hz: f64,
        /// The unit that gives a usable rate, e.g. `milliseconds`.
        unit: String,
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
        "{columns} are constant ({values}) for the whole file (a disconnected or stuck sensor?)"
    )]
    Constant {
        /// The sensor's columns, e.g. `pelvis_acc_x/y/z`.
        columns: String,
        /// The constant values as in the file, e.g. `0, 0, 1`.
        values: String,
    },
    /// The first line fits neither input layout.
    #[error(
        "the first column is '{found}' (expected 'time', in seconds, for runform's CSV, or a line 'sensor,…' then a line 'axis,…' for gaitmap's CSV)"
    )]
    UnknownLayout {
        /// The first header field.
        found: String,
    },
    /// A file read as gaitmap's CSV whose first line is not the sensor line.
    #[error(
        "the first column is '{found}' (expected 'sensor', then the sensor of each column: gaitmap's CSV)"
    )]
    NotGaitmap {
        /// The first header field.
        found: String,
    },
    /// gaitmap's CSV without its second header line.
    #[error(
        "expected a second header line starting with 'axis' (then acc_x … gyr_z for each column: gaitmap's CSV has two header lines), found {found}"
    )]
    NoAxisLine {
        /// What is there instead, quoted, or `the end of the file`.
        found: String,
    },
    /// A gaitmap sensor name runform cannot place on the body.
    #[error(
        "unknown sensor (expected left_sensor or right_sensor, read as left_foot and right_foot)"
    )]
    UnknownSensor,
    /// A gaitmap axis name runform does not read.
    #[error("{}", unknown_axis_message(*body_frame))]
    UnknownAxis {
        /// True for gaitmap's body-frame names (`acc_pa`, …), which are not read.
        body_frame: bool,
    },
    /// A gaitmap sensor without one of its six axes.
    #[error(
        "{sensor} has no {axis} column (expected acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z for each sensor)"
    )]
    MissingSensorAxis {
        /// The sensor as the file names it, e.g. `left_sensor`.
        sensor: String,
        /// The missing axis, e.g. `gyr_y`.
        axis: String,
    },
    /// A whole-number index that does not count samples one by one.
    #[error("the index steps by {step} (expected consecutive sample numbers, or time in seconds)")]
    IndexStep {
        /// The typical step between rows.
        step: f64,
    },
    /// The time column gives another rate than the one declared.
    #[error(
        "sampling rate {rate_hz:.3} Hz from the time column does not match the declared {declared_hz} Hz (--rate-hz)"
    )]
    RateMismatch {
        /// The rate the time column gives.
        rate_hz: f64,
        /// The rate declared in the options.
        declared_hz: f64,
    },
    /// A whole-file property that is not as expected.
    #[error("{0}")]
    Other(String),
    /// A fault rules file (`--rules`) that cannot be used.
    #[error(
        "{0} (expected [[rule]] tables with id, title, metric, unit, direction, thresholds, source, why_it_matters, what_to_do, as in runform's built-in rules)"
    )]
    Rules(String),
    /// A FIT file that cannot be decoded.
    #[error("not a readable FIT file: {0}")]
    Fit(String),
    /// A Parquet file that cannot be read in the canonical layout.
    #[error("not a readable Parquet file: {0}")]
    Parquet(String),
    /// A zip archive or folder of a phone logger that cannot be read.
    #[error("{0}")]
    Archive(String),
    /// A file read through a column mapping (`--map`) that does not fit it.
    #[error("{0}")]
    Mapping(String),
}

fn unknown_axis_message(body_frame: bool) -> String {
    let expected = "expected acc_x, acc_y, acc_z, gyr_x, gyr_y or gyr_z";
    if body_frame {
        format!("gaitmap's body-frame axes are not read ({expected}: the sensor frame)")
    } else {
        format!("unknown axis ({expected})")
    }
}

fn rows_message(found: usize, min: usize) -> String {
    match found {
        0 => format!("no samples after the header (expected at least {min} rows)"),
        1 => format!("only 1 data row (expected at least {min})"),
        n => format!("only {n} data rows (expected at least {min})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Printed along its chain (as the binary does), a message appears once.
    #[test]
    fn chain_does_not_repeat_messages() {
        let input: Error = InputError::new("a.csv", Problem::Empty).into();
        let io = Error::io("b.csv", std::io::Error::other("disk on fire"));
        for (e, want) in [
            (
                input,
                "a.csv: the file is empty (expected a header line and samples)",
            ),
            (io, "b.csv: disk on fire"),
        ] {
            let mut shown = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                shown.push_str(&format!(": {s}"));
                source = s.source();
            }
            assert_eq!(shown, want);
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        let e = InputError::new(
            "a\nb.csv",
            Problem::NotANumber {
                value: "1\u{0}\u{1b}[2J".into(),
            },
        )
        .at_line(3)
        .in_column("pelvis_acc_x\r");
        assert_eq!(
            e.to_string(),
            r"a\nb.csv, line 3, column 'pelvis_acc_x\r': '1\u{0}\u{1b}[2J' is not a number"
        );
    }

    #[test]
    fn row_count_is_stated() {
        let p = |found| Problem::NoRows { found, min: 2 }.to_string();
        assert_eq!(
            p(0),
            "no samples after the header (expected at least 2 rows)"
        );
        assert_eq!(p(1), "only 1 data row (expected at least 2)");
    }
}
