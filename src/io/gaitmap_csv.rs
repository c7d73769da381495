//! gaitmap's CSV: what `pandas.DataFrame.to_csv` writes for gaitmap's synchronised
//! multi-sensor data (a DataFrame whose columns are a two-level MultiIndex, sensor then
//! axis), as in gaitmap's `example_data/imu_sample.csv`:
//!
//! ```text
//! sensor,left_sensor,right_sensor,left_sensor,right_sensor,…
//! axis,acc_x,acc_x,acc_y,acc_y,…,gyr_z,gyr_z
//! 0,0.88,0.31,2.76,-2.39,…
//! ```
//!
//! Line 1 names the sensor of each column after the field `sensor`, line 2 its axis after
//! the field `axis`; columns come in any order, and each sensor needs all six of
//! `acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z` (gaitmap's sensor frame; its body-frame
//! names `acc_pa`, … are not read). `left_sensor` is read as `left_foot`, `right_sensor`
//! as `right_foot`. A named index adds a third header line (the index name, then empty
//! fields), which is skipped. Units are gaitmap's: acceleration in m/s², angular rate in
//! deg/s (`--acc-unit`/`--gyr-unit` override them).
//!
//! The first field of each row is the index. Whole numbers stepping by one are sample
//! numbers: time is sample / rate, with the rate from [`ReadOptions::rate_hz`] or, when
//! that is not given, [`DEFAULT_RATE_HZ`] (the rate of gaitmap's example data) and a
//! `rate_assumed` warning. Any other index is time in seconds (as gaitmap's
//! `get_healthy_example_imu_data` makes it), and the rate comes from it. Cells follow
//! the canonical reader's rules ([`super::canonical_csv`]), with the same located
//! messages; a column is named in them as `<sensor>/<axis>` and the index as `index`.

use super::assemble::{Column, SensorKind, Table, assemble};
use super::canonical_csv::{bad, line_of_byte, parse_exact, split_cells, split_header};
use super::fast_csv::{self, Columns, FileData};
use super::{ReadOptions, WindowPlan, WindowSink};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{AccUnit, GyrUnit, Placement, Recording, Warning};
use std::borrow::Cow;
use std::io::Read;
use std::path::Path;

/// Sampling rate assumed for a file indexed by sample when none is given: 204.8 Hz, the
/// rate of gaitmap's example data (`get_healthy_example_imu_data`).
pub const DEFAULT_RATE_HZ: f64 = 204.8;

/// gaitmap's sensor names runform reads, and where it places them.
const SENSORS: [(&str, Placement); 2] = [
    ("left_sensor", Placement::LeftFoot),
    ("right_sensor", Placement::RightFoot),
];

/// gaitmap's sensor-frame axes, in order.
const AXES: [&str; 6] = ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"];

/// gaitmap's body-frame axes, named in the message when found.
const BODY_AXES: [&str; 6] = ["acc_pa", "acc_ml", "acc_si", "gyr_pa", "gyr_ml", "gyr_si"];

/// Label of the index column in messages.
const INDEX: &str = "index";

/// Reads gaitmap's CSV from `reader`; `source` names it in messages.
pub fn read_gaitmap<R: Read>(
    mut reader: R,
    source: &str,
    options: &ReadOptions,
) -> Result<Recording> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    read_bytes(Cow::Owned(bytes), source, options)
}

/// Reads gaitmap's CSV at `path`, block by block when its data lines are in the plain
/// form (the file is never held whole then).
pub fn read_gaitmap_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    let source = path.display().to_string();
    super::check_rate_option(options)?;
    let data = fast_csv::read_file(path, &source, |head| data_of(head, &source))?;
    let parsed = match data {
        FileData::Columns((header, first_line), values) => {
            let n = values.rows();
            let lines = (first_line..first_line + n).collect();
            table_of(header, values, lines, &source, options.rate_hz)?
        }
        FileData::Whole(bytes) => parse(&bytes, &source, options.rate_hz)?,
    };
    recording_of(parsed, options)
}

/// The header in `head` with the file line of the first data line, where the data
/// starts, and the number of cells of a data line.
fn data_of(head: &[u8], source: &str) -> Result<((Header, usize), usize, usize)> {
    let header = parse_header(head, source)?;
    let (data_start, cells) = (header.data_start, header.columns.len() + 1);
    Ok(((header, line_of_byte(head, data_start)), data_start, cells))
}

/// Rows per second of gaitmap's CSV from the index of its first rows: the rate when the
/// index counts samples, else the index is time.
fn rows_per_s(index: &[f64], rate_hz: Option<f64>) -> Option<f64> {
    let samples =
        index.len() > 1 && index.iter().all(|v| v.fract() == 0.0) && index[1] - index[0] == 1.0;
    if samples {
        Some(rate_hz.unwrap_or(DEFAULT_RATE_HZ))
    } else {
        fast_csv::rows_per_s_of_time(index)
    }
}

/// Reads gaitmap's CSV at `path` window by window ([`super::read_input_windows`]).
pub(super) fn read_windows(path: &Path, plan: WindowPlan, sink: &mut WindowSink) -> Result<()> {
    let options = sink.options;
    let source = path.display().to_string();
    let whole = fast_csv::read_file_windows(
        path,
        &source,
        |head| data_of(head, &source),
        plan,
        &|index| rows_per_s(index, options.rate_hz),
        |(header, first_line), values, rows| {
            let line = first_line + rows.first_row;
            let lines = (line..line + values.rows()).collect();
            let parsed = table_of(header.clone(), values, lines, &source, options.rate_hz)?;
            let own_s = super::own_time(&parsed.0.time_s, &rows);
            sink.window(own_s, &rows, |o| recording_of(parsed, o))
        },
    )?;
    if let Some(bytes) = whole {
        let parsed = parse(&bytes, &source, options.rate_hz)?;
        drop(bytes);
        sink.whole(|o| recording_of(parsed, o))?;
    }
    Ok(())
}

/// Parses `bytes`, frees them when owned, then builds the recording.
pub(super) fn read_bytes(
    bytes: Cow<'_, [u8]>,
    source: &str,
    options: &ReadOptions,
) -> Result<Recording> {
    super::check_rate_option(options)?;
    let parsed = parse(&bytes, source, options.rate_hz)?;
    drop(bytes);
    recording_of(parsed, options)
}

/// The recording of a parsed table, with the rate assumed when the index counts samples.
fn recording_of(
    (table, assumed_rate_hz): (Table, Option<f64>),
    options: &ReadOptions,
) -> Result<Recording> {
    let options = ReadOptions {
        acc_unit: options.acc_unit.or(Some(AccUnit::Mps2)),
        gyr_unit: options.gyr_unit.or(Some(GyrUnit::DegPerS)),
        ..options.clone()
    };
    let mut recording = assemble(table, &options)?;
    if let Some(rate_hz) = assumed_rate_hz {
        recording.warnings.push(Warning::new(
            "rate_assumed",
            format!(
                "the file has no time, only sample numbers: read at {rate_hz} Hz, the rate of gaitmap's example data (give --rate-hz to set it)"
            ),
        ));
    }
    Ok(recording)
}

/// One sensor column of the header.
#[derive(Debug, Clone, PartialEq)]
struct HeaderColumn {
    placement: Placement,
    sensor: SensorKind,
    axis: usize,
    /// `<sensor>/<axis>` as the file names them.
    label: String,
}

/// The header: sensor columns, and where the data starts.
#[derive(Debug, Clone)]
struct Header {
    columns: Vec<HeaderColumn>,
    /// Byte offset of the first data line.
    data_start: usize,
}

/// The line starting at byte `start`, without its line end, and the start of the next.
fn line_at(bytes: &[u8], start: usize) -> (&[u8], usize) {
    let rest = &bytes[start.min(bytes.len())..];
    let end = rest.iter().position(|&b| b == b'\n').unwrap_or(rest.len());
    let line = &rest[..end];
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    (line, (start + end + 1).min(bytes.len()))
}

fn fields(line: &str) -> Vec<String> {
    split_cells(line)
        .into_iter()
        .map(|c| c.trim().trim_matches('"').trim().to_string())
        .collect()
}

fn parse_header(bytes: &[u8], source: &str) -> Result<Header> {
    let located = |line: usize, p: Problem| InputError::new(source, p).at_line(line);
    let (line1, line2_start) = split_header(bytes, source)?;
    let sensors = fields(line1);
    if sensors[0] != "sensor" {
        return Err(located(
            1,
            Problem::NotGaitmap {
                found: sensors[0].clone(),
            },
        )
        .into());
    }
    let (line2, data_start) = line_at(bytes, line2_start);
    let line2 = std::str::from_utf8(line2)
        .map_err(|_| located(2, Problem::NotText("the header is not UTF-8 text".into())))?;
    let axes = fields(line2);
    if line2.trim().is_empty() || axes[0] != "axis" {
        let found = if line2_start >= bytes.len() {
            "the end of the file".to_string()
        } else {
            format!("'{}'", axes[0].chars().take(40).collect::<String>())
        };
        return Err(located(2, Problem::NoAxisLine { found }).into());
    }
    if axes.len() != sensors.len() {
        return Err(located(
            2,
            Problem::Malformed(format!(
                "the axis line has {} fields, the sensor line {} (expected one axis per sensor field)",
                axes.len(),
                sensors.len()
            )),
        )
        .into());
    }
    if sensors.len() == 1 {
        return Err(located(
            1,
            Problem::Malformed(
                "no sensor columns (expected left_sensor and right_sensor, six axes each)".into(),
            ),
        )
        .into());
    }
    let mut columns: Vec<HeaderColumn> = Vec::with_capacity(sensors.len() - 1);
    for (sensor, axis) in sensors.iter().zip(&axes).skip(1) {
        let label = format!("{sensor}/{axis}");
        let placement = SENSORS
            .iter()
            .find(|(name, _)| name == sensor)
            .map(|&(_, p)| p)
            .ok_or_else(|| located(1, Problem::UnknownSensor).in_column(sensor.as_str()))?;
        let k = AXES.iter().position(|a| a == axis).ok_or_else(|| {
            located(
                2,
                Problem::UnknownAxis {
                    body_frame: BODY_AXES.contains(&axis.as_str()),
                },
            )
            .in_column(label.as_str())
        })?;
        let (kind, axis) = if k < 3 {
            (SensorKind::Acc, k)
        } else {
            (SensorKind::Gyr, k - 3)
        };
        if columns.iter().any(|c| c.label == label) {
            return Err(located(2, Problem::DuplicateColumn).in_column(label).into());
        }
        columns.push(HeaderColumn {
            placement,
            sensor: kind,
            axis,
            label,
        });
    }
    for (name, _) in SENSORS {
        if !sensors.iter().any(|s| s == name) {
            continue;
        }
        if let Some(axis) = AXES
            .iter()
            .find(|a| !columns.iter().any(|c| c.label == format!("{name}/{a}")))
        {
            return Err(located(
                2,
                Problem::MissingSensorAxis {
                    sensor: name.to_string(),
                    axis: axis.to_string(),
                },
            )
            .into());
        }
    }
    // A named index adds a line: its name, then empty fields.
    let (line3, after3) = line_at(bytes, data_start);
    let line3 = String::from_utf8_lossy(line3);
    let cells = fields(&line3);
    let data_start = if cells.len() == sensors.len()
        && !cells[0].is_empty()
        && cells[0].parse::<f64>().is_err()
        && cells[1..].iter().all(String::is_empty)
    {
        after3
    } else {
        data_start
    };
    Ok(Header {
        columns,
        data_start,
    })
}

/// Parses the file into a table with time in seconds, and the rate assumed when the
/// index counts samples and `rate_hz` is `None`.
fn parse(bytes: &[u8], source: &str, rate_hz: Option<f64>) -> Result<(Table, Option<f64>)> {
    let header = parse_header(bytes, source)?;
    let data_start = header.data_start;
    if bytes[data_start..].iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad(source, Problem::NoRows { found: 0, min: 2 }));
    }
    let labels: Vec<String> = std::iter::once(INDEX.to_string())
        .chain(header.columns.iter().map(|c| c.label.clone()))
        .collect();
    let first_line = line_of_byte(bytes, data_start);
    let (values, lines) = match fast_csv::parse(bytes, data_start, labels.len()) {
        Some(values) => {
            let n = values.rows();
            (values, (first_line..first_line + n).collect())
        }
        None => parse_exact(bytes, data_start, &labels, source)?,
    };
    table_of(header, values, lines, source, rate_hz)
}

/// The table of parsed columns (the index first, then the header's sensor columns), each
/// row's file line in `lines`, with the rate assumed when the index counts samples.
fn table_of(
    header: Header,
    values: Columns,
    lines: Vec<usize>,
    source: &str,
    rate_hz: Option<f64>,
) -> Result<(Table, Option<f64>)> {
    let (time_s, assumed) = index_to_time(&values.first, &lines, source, rate_hz)?;
    let columns = header
        .columns
        .into_iter()
        .zip(values.rest)
        .map(|(c, values)| Column {
            placement: c.placement,
            sensor: c.sensor,
            axis: c.axis,
            values,
        })
        .collect();
    let table = Table {
        source: source.to_string(),
        time_s,
        columns,
        lines: Some(lines),
    };
    Ok((table, assumed))
}

/// Whole numbers whose typical step is one are sample numbers (time = index / rate);
/// whole numbers with another step are an error; anything else is time in seconds.
fn index_to_time(
    index: &[f64],
    lines: &[usize],
    source: &str,
    rate_hz: Option<f64>,
) -> Result<(Vec<f64>, Option<f64>)> {
    let whole = index.iter().all(|v| v.fract() == 0.0);
    if !whole || index.len() < 2 {
        return Ok((index.to_vec(), None));
    }
    let mut steps: Vec<f64> = index.windows(2).map(|w| w[1] - w[0]).collect();
    let mid = steps.len() / 2;
    let step = *steps.select_nth_unstable_by(mid, f64::total_cmp).1;
    if step != 1.0 {
        return Err(InputError::new(source, Problem::IndexStep { step })
            .at_line(lines[0])
            .in_column(INDEX)
            .into());
    }
    let rate = rate_hz.unwrap_or(DEFAULT_RATE_HZ);
    let time_s = index.iter().map(|&i| i / rate).collect();
    Ok((time_s, rate_hz.is_none().then_some(rate)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::Frame;

    const HEADER: &str = "sensor,left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor,left_sensor,right_sensor\naxis,acc_x,acc_x,acc_y,acc_y,acc_z,acc_z,gyr_x,gyr_x,gyr_y,gyr_y,gyr_z,gyr_z\n";

    /// Row `i`, interleaved as in gaitmap's example: acc m/s² with gravity on z, gyr
    /// deg/s swinging at 1.5 Hz (200 deg/s peak).
    fn row(index: &str, i: usize, rate_hz: f64) -> String {
        let t = i as f64 / rate_hz;
        let w = 200.0 * (2.0 * std::f64::consts::PI * 1.5 * t).sin();
        let z = 9.81 + 3.0 * (2.0 * std::f64::consts::PI * 3.0 * t).sin();
        format!(
            "{index},0.9,0.3,2.7,-2.4,{z:.4},{z:.4},1.0,-1.0,{w:.4},{:.4},0.5,-0.5",
            -w
        )
    }

    fn file(rows: usize, index: impl Fn(usize) -> String, rate_hz: f64) -> String {
        let mut s = HEADER.to_string();
        for i in 0..rows {
            s.push_str(&row(&index(i), i, rate_hz));
            s.push('\n');
        }
        s
    }

    fn samples(rows: usize) -> String {
        file(rows, |i| i.to_string(), DEFAULT_RATE_HZ)
    }

    fn read(text: &str, options: &ReadOptions) -> Result<Recording> {
        read_gaitmap(text.as_bytes(), "mem.csv", options)
    }

    #[test]
    fn sample_index_reads_at_the_default_rate_with_a_warning() {
        let r = read(&samples(1000), &ReadOptions::default()).unwrap();
        assert!((r.rate_hz - 204.8).abs() < 1e-6, "{}", r.rate_hz);
        assert_eq!(r.len(), 1000);
        let places: Vec<Placement> = r.streams.iter().map(|s| s.placement).collect();
        assert_eq!(places, [Placement::LeftFoot, Placement::RightFoot]);
        let left = &r.streams[0];
        assert!((left.acc_mps2.x[0] - 0.9).abs() < 1e-6);
        assert!((r.streams[1].acc_mps2.y[0] + 2.4).abs() < 1e-6);
        // 0.5 deg/s on the left gyr_z
        let gz = left.gyr_radps.as_ref().unwrap().z[0] as f64;
        assert!((gz - 0.5f64.to_radians()).abs() < 1e-7, "{gz}");
        assert!(!r.units.acc_detected && r.units.gyr == Some(GyrUnit::DegPerS));
        assert!(r.warnings.iter().any(|w| w.code == "rate_assumed"));
    }

    #[test]
    fn declared_rate_is_used_without_a_warning() {
        let options = ReadOptions {
            rate_hz: Some(100.0),
            ..Default::default()
        };
        let r = read(&samples(1000), &options).unwrap();
        assert!((r.rate_hz - 100.0).abs() < 1e-9);
        assert!(!r.warnings.iter().any(|w| w.code == "rate_assumed"));
    }

    #[test]
    fn time_index_gives_the_rate() {
        let text = file(1000, |i| format!("{}", i as f64 / 128.0), 128.0);
        let r = read(&text, &ReadOptions::default()).unwrap();
        assert!((r.rate_hz - 128.0).abs() < 1e-6);
        assert!(r.warnings.iter().all(|w| w.code != "rate_assumed"));
        let options = ReadOptions {
            rate_hz: Some(200.0),
            ..Default::default()
        };
        let e = read(&text, &options).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, column 'time': sampling rate 128.000 Hz from the time column does not match the declared 200 Hz (--rate-hz)"
        );
    }

    #[test]
    fn index_name_line_is_skipped_and_blocks_of_columns_read() {
        // sensor by sensor, as `sort_index(axis=1)` writes it, with a named index
        let mut text = String::from(
            "sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor\naxis,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\nsample,,,,,,\n",
        );
        for i in 0..500 {
            text.push_str(&format!("{i},0.1,0.2,9.8{},0,{},0\n", i % 7, i % 50));
        }
        let r = read(&text, &ReadOptions::default()).unwrap();
        assert_eq!(r.len(), 500);
        assert_eq!(r.streams.len(), 1);
        assert!((r.streams[0].acc_mps2.y[3] - 0.2).abs() < 1e-6);
    }

    #[test]
    fn bad_cell_is_located_by_line_and_column() {
        let text = samples(1000).replacen("\n50,0.9,0.3,", "\n50,0.9,abc,", 1);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert!(e.is_bad_input());
        assert_eq!(
            e.to_string(),
            "mem.csv, line 53, column 'right_sensor/acc_x': 'abc' is not a number"
        );
        let text = samples(1000).replacen("\n50,0.9,0.3,", "\n50,NaN,0.3,", 1);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 53, column 'left_sensor/acc_x': NaN where a finite number is expected"
        );
    }

    #[test]
    fn header_problems_are_located() {
        let cases = [
            (
                samples(300).replacen("axis,", "0,", 1),
                "mem.csv, line 2: expected a second header line starting with 'axis' (then acc_x … gyr_z for each column: gaitmap's CSV has two header lines), found '0'",
            ),
            (
                "sensor,left_sensor\n".to_string(),
                "mem.csv, line 2: expected a second header line starting with 'axis' (then acc_x … gyr_z for each column: gaitmap's CSV has two header lines), found the end of the file",
            ),
            (
                samples(300).replacen(",right_sensor,", ",knee_sensor,", 1),
                "mem.csv, line 1, column 'knee_sensor': unknown sensor (expected left_sensor or right_sensor, read as left_foot and right_foot)",
            ),
            (
                samples(300).replacen(",acc_x,", ",acc_pa,", 1),
                "mem.csv, line 2, column 'left_sensor/acc_pa': gaitmap's body-frame axes are not read (expected acc_x, acc_y, acc_z, gyr_x, gyr_y or gyr_z: the sensor frame)",
            ),
            (
                samples(300).replacen(",gyr_y,", ",gyr_x,", 1),
                "mem.csv, line 2, column 'left_sensor/gyr_x': the column appears twice",
            ),
            (
                samples(300).replacen(",gyr_z,gyr_z", ",gyr_z", 1),
                "mem.csv, line 2: malformed CSV: the axis line has 12 fields, the sensor line 13 (expected one axis per sensor field)",
            ),
            (
                samples(300).replacen("sensor,", "time,", 1),
                "mem.csv, line 1: the first column is 'time' (expected 'sensor', then the sensor of each column: gaitmap's CSV)",
            ),
            (
                HEADER.to_string(),
                "mem.csv: no samples after the header (expected at least 2 rows)",
            ),
        ];
        for (text, want) in cases {
            let e = read(&text, &ReadOptions::default()).unwrap_err();
            assert_eq!(e.to_string(), want);
        }
    }

    #[test]
    fn sensor_without_an_axis_is_named() {
        let text = "sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor\naxis,acc_x,acc_y,acc_z,gyr_x,gyr_z\n0,1,2,3,4,5\n";
        let e = read(text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 2: left_sensor has no gyr_y column (expected acc_x, acc_y, acc_z, gyr_x, gyr_y, gyr_z for each sensor)"
        );
    }

    #[test]
    fn whole_index_with_another_step_is_refused() {
        let text = file(1000, |i| (i * 5).to_string(), 200.0);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 3, column 'index': the index steps by 5 (expected consecutive sample numbers, or time in seconds)"
        );
    }

    #[test]
    fn crlf_bom_and_quoted_header_read_alike() {
        let plain = read(&samples(500), &ReadOptions::default()).unwrap();
        let text = format!("\u{feff}{}", samples(500).replace('\n', "\r\n")).replacen(
            "sensor,left_sensor",
            "\"sensor\",\"left_sensor\"",
            1,
        );
        let other = read(&text, &ReadOptions::default()).unwrap();
        assert_eq!(plain.streams, other.streams);
    }

    #[test]
    fn frame_option_passes_through() {
        let options = ReadOptions {
            frame: Frame::Body,
            ..Default::default()
        };
        let r = read(&samples(500), &options).unwrap();
        assert_eq!(r.frame, Frame::Body);
    }
}
