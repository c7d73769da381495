//! runform's canonical CSV: `time` in seconds, then `<placement>_<acc|gyr|mag>_<x|y|z>`.
//!
//! Any subset of placements and sensors, columns in any order after `time`, comma
//! separated, `.` as decimal mark, one header line; blank lines between rows are skipped,
//! cells may be quoted or padded with spaces. A file in the plain form (numbers only,
//! no padding, quotes or blank lines between rows) is parsed on both cores, block by
//! block (`io/fast_csv.rs`); anything else goes to a slow exact parse, which reads the file
//! or names the line and column of the first bad cell.

use super::assemble::{Column, SensorKind, Table, assemble};
use super::fast_csv::{self, Columns, FileData};
use super::{ReadOptions, WindowPlan, WindowSink};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{Frame, Placement, Recording};
use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;

/// Reads a canonical CSV from `reader`; `source` names it in messages.
pub fn read_csv<R: Read>(mut reader: R, source: &str, options: &ReadOptions) -> Result<Recording> {
    super::check_rate_option(options)?;
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    let table = parse(&bytes, source, options.frame)?;
    drop(bytes);
    assemble(table, options)
}

/// Reads the canonical CSV at `path`, block by block when it is in the plain form (the
/// file is never held whole then).
pub fn read_csv_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    super::check_rate_option(options)?;
    let source = path.display().to_string();
    let table = read_blocks(path, &source, options)?;
    assemble(table, options)
}

/// A path that names no file is the user's mistake ([`Problem::NoFile`], bad input); any
/// other failure to read is the system's ([`Error::Io`]).
pub(super) fn open_error(path: &Path, source: &str, e: std::io::Error) -> Error {
    let what = match e.kind() {
        std::io::ErrorKind::NotFound => "no such file",
        std::io::ErrorKind::IsADirectory => "this is a directory, not a file",
        _ if path.is_dir() => "this is a directory, not a file",
        _ => return Error::io(path, e),
    };
    bad(source, Problem::NoFile { what: what.into() })
}

/// Writes `recording` as canonical CSV: SI units (m/s², rad/s), six decimals.
pub fn write_csv<W: Write>(recording: &Recording, mut out: W) -> std::io::Result<()> {
    let mut header = String::from("time");
    let mut columns: Vec<&[f32]> = Vec::new();
    for s in &recording.streams {
        let sensors = [
            ("acc", Some(&s.acc_mps2)),
            ("gyr", s.gyr_radps.as_ref()),
            ("mag", s.mag.as_ref()),
        ];
        for (kind, axes) in sensors {
            let Some(a) = axes else { continue };
            for (axis, v) in [("x", &a.x), ("y", &a.y), ("z", &a.z)] {
                header.push_str(&format!(",{}_{}_{}", s.placement, kind, axis));
                columns.push(v);
            }
        }
    }
    writeln!(out, "{header}")?;
    let mut line = String::new();
    for i in 0..recording.len() {
        line.clear();
        use std::fmt::Write as _;
        let _ = write!(line, "{:.6}", recording.time_s(i));
        for c in &columns {
            let _ = write!(line, ",{:.6}", c[i]);
        }
        line.push('\n');
        out.write_all(line.as_bytes())?;
    }
    out.flush()
}

/// One parsed header name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct ColumnName {
    pub(super) placement: Placement,
    pub(super) sensor: SensorKind,
    pub(super) axis: usize,
}

pub(super) fn parse_column_name(name: &str) -> Option<ColumnName> {
    let (rest, axis) = name.rsplit_once('_')?;
    let axis = match axis {
        "x" => 0,
        "y" => 1,
        "z" => 2,
        _ => return None,
    };
    let (placement, sensor) = rest.rsplit_once('_')?;
    let sensor = match sensor {
        "acc" => SensorKind::Acc,
        "gyr" => SensorKind::Gyr,
        "mag" => SensorKind::Mag,
        _ => return None,
    };
    Some(ColumnName {
        placement: placement.parse().ok()?,
        sensor,
        axis,
    })
}

pub(super) fn bad(source: &str, problem: Problem) -> Error {
    InputError::new(source, problem).into()
}

/// Checks the bytes are text and returns the header line and where the data starts.
pub(super) fn split_header<'a>(bytes: &'a [u8], source: &str) -> Result<(&'a str, usize)> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(bad(source, Problem::Empty));
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(bad(
            source,
            Problem::NotText("UTF-16 text; save it as UTF-8".into()),
        ));
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    if head.contains(&0) {
        return Err(bad(
            source,
            Problem::NotText("binary data with NUL bytes".into()),
        ));
    }
    let start = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    let end = bytes[start..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |p| start + p);
    let header = std::str::from_utf8(&bytes[start..end]).map_err(|_| {
        bad(
            source,
            Problem::NotText("the header is not UTF-8 text".into()),
        )
    })?;
    Ok((header.trim_end_matches('\r'), (end + 1).min(bytes.len())))
}

fn parse_header(header: &str, source: &str, frame: Frame) -> Result<Vec<ColumnName>> {
    let names: Vec<&str> = header
        .split(',')
        .map(|n| n.trim().trim_matches('"'))
        .collect();
    if names.len() == 1 {
        for (sep, name) in [(';', "semicolon"), ('\t', "tab")] {
            if header.contains(sep) {
                return Err(InputError::new(
                    source,
                    Problem::Malformed(format!(
                        "columns are separated by {name}s (expected commas)"
                    )),
                )
                .at_line(1)
                .into());
            }
        }
    }
    if names[0] != "time" {
        return Err(InputError::new(
            source,
            Problem::NoTimeColumn {
                found: names[0].to_string(),
            },
        )
        .at_line(1)
        .into());
    }
    if names.len() == 1 {
        return Err(InputError::new(source, Problem::NoSensors)
            .at_line(1)
            .into());
    }
    let placements: Vec<&str> = Placement::ALL.iter().map(|p| p.as_str()).collect();
    let mut parsed = Vec::with_capacity(names.len() - 1);
    for (k, name) in names.iter().enumerate().skip(1) {
        if name.is_empty() {
            return Err(
                InputError::new(source, Problem::EmptyColumnName { number: k + 1 })
                    .at_line(1)
                    .into(),
            );
        }
        let c = parse_column_name(name).ok_or_else(|| {
            InputError::new(
                source,
                Problem::UnknownColumn {
                    placements: placements.join(", "),
                },
            )
            .at_line(1)
            .in_column(*name)
        })?;
        if parsed.contains(&c) {
            return Err(InputError::new(source, Problem::DuplicateColumn)
                .at_line(1)
                .in_column(*name)
                .into());
        }
        parsed.push(c);
    }
    // Every sensor needs its three axes, unless the frame is anatomical.
    let mut present: BTreeMap<(Placement, SensorKind), [bool; 3]> = BTreeMap::new();
    for c in &parsed {
        present.entry((c.placement, c.sensor)).or_default()[c.axis] = true;
    }
    for (&(p, kind), axes) in &present {
        if kind != SensorKind::Acc && !present.contains_key(&(p, SensorKind::Acc)) {
            return Err(InputError::new(
                source,
                Problem::NoAccelerometer {
                    placement: p.to_string(),
                },
            )
            .at_line(1)
            .into());
        }
        if frame == Frame::Sensor
            && let Some(axis) = axes.iter().position(|a| !a)
        {
            return Err(InputError::new(
                source,
                Problem::MissingAxis {
                    sensor: format!("{p}_{}", kind.as_str()),
                    axis: ['x', 'y', 'z'][axis],
                },
            )
            .at_line(1)
            .into());
        }
    }
    Ok(parsed)
}

pub(super) fn parse(bytes: &[u8], source: &str, frame: Frame) -> Result<Table> {
    let (names, header_names, data_start) = header_of(bytes, source, frame)?;
    if bytes[data_start..].iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::new(source, Problem::NoRows { found: 0, min: 2 }).into());
    }
    let (values, lines) = match fast_csv::parse(bytes, data_start, header_names.len()) {
        Some(values) => (values, None),
        None => {
            let (values, lines) = parse_exact(bytes, data_start, &header_names, source)?;
            let shifted = lines.iter().enumerate().any(|(row, &l)| l != row + 2);
            (values, shifted.then_some(lines))
        }
    };
    Ok(table_of(source, &names, values, lines))
}

/// The header line of `bytes`: the sensor columns, every column's name as written, and
/// where the data starts.
fn header_of(
    bytes: &[u8],
    source: &str,
    frame: Frame,
) -> Result<(Vec<ColumnName>, Vec<String>, usize)> {
    let (header, data_start) = split_header(bytes, source)?;
    let names = parse_header(header, source, frame)?;
    let header_names: Vec<String> = header
        .split(',')
        .map(|n| n.trim().trim_matches('"').to_string())
        .collect();
    Ok((names, header_names, data_start))
}

/// The table of parsed columns (time first, then the sensor columns `names`).
fn table_of(
    source: &str,
    names: &[ColumnName],
    values: Columns,
    lines: Option<Vec<usize>>,
) -> Table {
    let time_s = values.first;
    let columns = names
        .iter()
        .zip(values.rest)
        .map(|(c, values)| Column {
            placement: c.placement,
            sensor: c.sensor,
            axis: c.axis,
            values,
        })
        .collect();
    Table {
        source: source.to_string(),
        time_s,
        columns,
        lines,
    }
}

/// Reads the canonical CSV at `path` block by block ([`fast_csv::read_file`]), so that
/// the file is never held whole; a file not in the plain form is read whole and parsed
/// as [`parse`] does.
fn read_blocks(path: &Path, source: &str, options: &ReadOptions) -> Result<Table> {
    let data = fast_csv::read_file(path, source, |head| data_of(head, source, options.frame))?;
    match data {
        FileData::Columns(names, values) => Ok(table_of(source, &names, values, None)),
        FileData::Whole(bytes) => parse(&bytes, source, options.frame),
    }
}

/// The sensor columns of the header in `head`, where the data starts, and the number of
/// cells of a data line.
fn data_of(head: &[u8], source: &str, frame: Frame) -> Result<(Vec<ColumnName>, usize, usize)> {
    let (names, header_names, data_start) = header_of(head, source, frame)?;
    Ok((names, data_start, header_names.len()))
}

/// Reads the canonical CSV at `path` window by window ([`super::read_input_windows`]).
pub(super) fn read_windows(path: &Path, plan: WindowPlan, sink: &mut WindowSink) -> Result<()> {
    let options = sink.options;
    let source = path.display().to_string();
    let whole = fast_csv::read_file_windows(
        path,
        &source,
        |head| data_of(head, &source, options.frame),
        plan,
        &fast_csv::rows_per_s_of_time,
        |names, values, rows| {
            // the header is line 1
            let lines = (rows.first_row > 0)
                .then(|| (rows.first_row + 2..rows.first_row + 2 + values.rows()).collect());
            let table = table_of(&source, names, values, lines);
            let own_s = super::own_time(&table.time_s, &rows);
            sink.window(own_s, &rows, |o| assemble(table, o))
        },
    )?;
    if let Some(bytes) = whole {
        let table = parse(&bytes, &source, options.frame)?;
        drop(bytes);
        sink.whole(|o| assemble(table, o))?;
    }
    Ok(())
}

/// The file line (1-based) that holds byte `at` of `bytes`.
pub(super) fn line_of_byte(bytes: &[u8], at: usize) -> usize {
    bytes[..at].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Splits a CSV line at the commas outside double quotes.
pub(super) fn split_cells(line: &str) -> Vec<&str> {
    let mut cells = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => {
                cells.push(&line[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    cells.push(&line[start..]);
    cells
}

/// The slow exact parse: every data line, cell by cell. Returns the columns in header
/// order and the 1-based file line of each row (blank lines are skipped), or the first
/// line with the wrong number of fields, or the first cell that is not a finite number
/// (a sensor value, in any column but the first: within `f32`'s range, ±3.4e38, as the
/// recording keeps it). Cells may be padded with spaces or quoted.
pub(super) fn parse_exact(
    bytes: &[u8],
    data_start: usize,
    header: &[String],
    source: &str,
) -> Result<(Columns, Vec<usize>)> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let bad_at = e.valid_up_to();
        let line_start = bytes[..bad_at]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |p| p + 1);
        let line = line_of_byte(bytes, line_start);
        // the line up to the bad byte is valid UTF-8
        let before = std::str::from_utf8(&bytes[line_start..bad_at]).unwrap_or_default();
        let mut err =
            InputError::new(source, Problem::NotText("invalid UTF-8".into())).at_line(line);
        if let Some(name) = header.get(split_cells(before).len() - 1) {
            err = err.in_column(name.as_str());
        }
        Error::from(err)
    })?;
    let first_line = line_of_byte(bytes, data_start);
    let mut values = Columns::with_capacity(header.len(), 0);
    let mut lines = Vec::new();
    for (k, raw) in text[data_start.min(text.len())..].split('\n').enumerate() {
        let line_no = first_line + k;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells = split_cells(line);
        if cells.len() != header.len() {
            return Err(InputError::new(
                source,
                Problem::Malformed(format!(
                    "{} fields (expected {}, as in the header)",
                    cells.len(),
                    header.len()
                )),
            )
            .at_line(line_no)
            .into());
        }
        for (k, (cell, name)) in cells.iter().zip(header).enumerate() {
            let cell = cell.trim().trim_matches('"').trim();
            let at = |p: Problem| -> Error {
                InputError::new(source, p)
                    .at_line(line_no)
                    .in_column(name.as_str())
                    .into()
            };
            let text_of = |cell: &str| cell.chars().take(40).collect::<String>();
            match cell.parse::<f64>() {
                Ok(v) if k == 0 && v.is_finite() => values.first.push(v),
                Ok(v) if (v as f32).is_finite() => values.rest[k - 1].push(v as f32),
                Ok(v) if v.is_finite() => {
                    return Err(at(Problem::NotFinite {
                        what: "a number beyond ±3.4e38".into(),
                    }));
                }
                Ok(v) => {
                    let what = if v.is_nan() { "NaN" } else { "infinity" };
                    return Err(at(Problem::NotFinite { what: what.into() }));
                }
                Err(_) if cell.is_empty() => return Err(at(Problem::Missing)),
                Err(_)
                    if cell.contains(',') && cell.replacen(',', ".", 1).parse::<f64>().is_ok() =>
                {
                    return Err(at(Problem::DecimalComma {
                        value: text_of(cell),
                    }));
                }
                Err(_) => {
                    return Err(at(Problem::NotANumber {
                        value: text_of(cell),
                    }));
                }
            }
        }
        lines.push(line_no);
    }
    Ok((values, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::STANDARD_GRAVITY_MPS2;

    fn csv(header: &str, rows: usize, f: impl Fn(usize) -> String) -> String {
        let mut s = format!("{header}\n");
        for i in 0..rows {
            s.push_str(&f(i));
            s.push('\n');
        }
        s
    }

    fn pelvis_g(rows: usize) -> String {
        csv("time,pelvis_acc_x,pelvis_acc_y,pelvis_acc_z", rows, |i| {
            let t = i as f64 / 100.0;
            format!("{t:.3},0.1,0.0,{:.4}", 1.0 + 0.8 * (t * 18.0).sin())
        })
    }

    fn read(text: &str, options: &ReadOptions) -> Result<Recording> {
        read_csv(text.as_bytes(), "mem.csv", options)
    }

    #[test]
    fn reads_a_literal_file() {
        let r = read(&pelvis_g(300), &ReadOptions::default()).unwrap();
        assert_eq!(r.streams.len(), 1);
        assert_eq!(r.streams[0].placement, Placement::Pelvis);
        assert_eq!(r.len(), 300);
        assert!((r.rate_hz - 100.0).abs() < 1e-6);
        assert!((r.streams[0].acc_mps2.x[0] as f64 - 0.1 * STANDARD_GRAVITY_MPS2).abs() < 1e-4);
    }

    #[test]
    fn column_names_parse() {
        let c = parse_column_name("left_foot_gyr_z").unwrap();
        assert_eq!(
            (c.placement, c.sensor, c.axis),
            (Placement::LeftFoot, SensorKind::Gyr, 2)
        );
        assert!(parse_column_name("left_foot_gyro_z").is_none());
        assert!(parse_column_name("knee_acc_x").is_none());
        assert!(parse_column_name("pelvis_acc_w").is_none());
    }

    #[test]
    fn bad_cell_is_located() {
        let mut text = pelvis_g(300);
        text = text.replacen("0.500,0.1", "0.500,abc", 1);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 52, column 'pelvis_acc_x': 'abc' is not a number"
        );
    }

    #[test]
    fn empty_cell_is_located() {
        let text = pelvis_g(300).replacen("0.500,0.1,0.0,", "0.500,0.1,,", 1);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 52, column 'pelvis_acc_y': empty cell (expected a number)"
        );
    }

    #[test]
    fn blank_lines_are_skipped_and_lines_stay_true() {
        let mut lines: Vec<String> = pelvis_g(300).lines().map(String::from).collect();
        lines[101] = "0.5,0.1,0.0,1.0".into(); // time going back on line 102
        lines.insert(20, String::new());
        lines.insert(40, "  \r".into());
        let e = read(&lines.join("\n"), &ReadOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("mem.csv, line 104, column 'time'"),
            "{e}"
        );
        lines[103] = "1.00,0.1,0.0,1.0".into();
        let r = read(&lines.join("\n"), &ReadOptions::default()).unwrap();
        assert_eq!(r.len(), 300);
    }

    #[test]
    fn padded_and_quoted_cells_are_read_exactly() {
        let text = pelvis_g(300).replacen("0.500,0.1,0.0,", "0.500, 0.1 ,\"0.25\",", 1);
        let r = read(&text, &ReadOptions::default()).unwrap();
        assert_eq!(r.len(), 300);
        assert!((r.streams[0].acc_mps2.y[50] as f64 - 0.25 * STANDARD_GRAVITY_MPS2).abs() < 1e-4);
    }

    #[test]
    fn decimal_comma_is_named() {
        let text = pelvis_g(300).replacen("0.500,0.1,", "0.500,\"0,1\",", 1);
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 52, column 'pelvis_acc_x': '0,1' is not a number (expected '.' as the decimal mark)"
        );
    }

    #[test]
    fn invalid_utf8_is_located() {
        let mut bytes = pelvis_g(300).replacen("0.500,0.1,0.0,", "0.500,0.1,0.0X,", 1);
        let at = bytes.find('X').unwrap();
        let mut bytes = std::mem::take(&mut bytes).into_bytes();
        bytes[at] = 0xFF;
        let e = read_csv(&bytes[..], "mem.csv", &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "mem.csv, line 52, column 'pelvis_acc_y': not a CSV text file (invalid UTF-8)"
        );
    }

    #[test]
    fn a_path_without_a_file_is_bad_input() {
        let dir = tempfile::tempdir().unwrap();
        for (path, what) in [
            (dir.path().join("none.csv"), "no such file"),
            (dir.path().to_path_buf(), "this is a directory"),
        ] {
            let e = read_csv_path(&path, &ReadOptions::default()).unwrap_err();
            assert!(e.is_bad_input(), "{e}");
            assert!(e.to_string().contains(what), "{e}");
        }
    }

    #[test]
    fn missing_axis_needs_body_frame() {
        let text = csv("time,pelvis_acc_x,pelvis_acc_z", 300, |i| {
            format!(
                "{},0.1,{}",
                i as f64 / 100.0,
                1.0 + 0.5 * (i as f64 * 0.2).sin()
            )
        });
        let e = read(&text, &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("pelvis_acc has no y axis"), "{e}");
        let r = read(
            &text,
            &ReadOptions {
                frame: Frame::Body,
                ..Default::default()
            },
        )
        .unwrap();
        assert!(r.streams[0].acc_mps2.y.iter().all(|&v| v == 0.0));
    }

    #[test]
    fn write_then_read_round_trips() {
        let r = read(&pelvis_g(300), &ReadOptions::default()).unwrap();
        let mut buf = Vec::new();
        write_csv(&r, &mut buf).unwrap();
        let back = read_csv(&buf[..], "back.csv", &ReadOptions::default()).unwrap();
        assert_eq!(back.len(), r.len());
        for i in 0..r.len() {
            assert!((back.streams[0].acc_mps2.z[i] - r.streams[0].acc_mps2.z[i]).abs() < 1e-5);
        }
    }
}
