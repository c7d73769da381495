//! runform's canonical CSV: `time` in seconds, then `<placement>_<acc|gyr|mag>_<x|y|z>`.
//!
//! Any subset of placements and sensors, columns in any order after `time`, comma
//! separated, `.` as decimal mark, one header line. Parsing is done by polars; when it
//! fails, or a cell is empty or not finite, a slow exact scan finds the first bad cell so
//! that the error names its line and column.

use super::ReadOptions;
use super::assemble::{Column, SensorKind, Table, assemble};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{Frame, Placement, Recording};
use polars::prelude::*;
use std::collections::BTreeMap;
use std::io::{Cursor, Read, Write};
use std::path::Path;

/// Reads a canonical CSV from `reader`; `source` names it in messages.
pub fn read_csv<R: Read>(mut reader: R, source: &str, options: &ReadOptions) -> Result<Recording> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::io(source, e))?;
    let table = parse(&bytes, source, options.frame)?;
    assemble(table, options)
}

/// Reads the canonical CSV at `path`.
pub fn read_csv_path(path: &Path, options: &ReadOptions) -> Result<Recording> {
    let source = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let table = parse(&bytes, &source, options.frame)?;
    assemble(table, options)
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
struct ColumnName {
    placement: Placement,
    sensor: SensorKind,
    axis: usize,
}

fn parse_column_name(name: &str) -> Option<ColumnName> {
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

fn bad(source: &str, problem: Problem) -> Error {
    InputError::new(source, problem).into()
}

/// Checks the bytes are text and returns the header line and where the data starts.
fn split_header<'a>(bytes: &'a [u8], source: &str) -> Result<(&'a str, usize)> {
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
            Problem::NotText("binary data (NUL bytes)".into()),
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
                return Err(bad(
                    source,
                    Problem::Malformed(format!(
                        "columns are separated by {name}s (expected commas)"
                    )),
                ));
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
    for name in &names[1..] {
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
            return Err(bad(
                source,
                Problem::NoAccelerometer {
                    placement: p.to_string(),
                },
            ));
        }
        if frame == Frame::Sensor {
            if let Some(axis) = axes.iter().position(|a| !a) {
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
    }
    Ok(parsed)
}

fn parse(bytes: &[u8], source: &str, frame: Frame) -> Result<Table> {
    let (header, data_start) = split_header(bytes, source)?;
    let names = parse_header(header, source, frame)?;
    let header_names: Vec<String> = header
        .split(',')
        .map(|n| n.trim().trim_matches('"').to_string())
        .collect();
    if bytes[data_start..].iter().all(|b| b.is_ascii_whitespace()) {
        return Err(InputError::new(source, Problem::NoRows { min: 2 }).into());
    }
    let schema: Schema = header_names
        .iter()
        .map(|n| Field::new(n.as_str().into(), DataType::Float64))
        .collect();
    let parsed = CsvReadOptions::default()
        .with_has_header(true)
        .with_schema(Some(Arc::new(schema)))
        .with_n_threads(Some(2))
        .into_reader_with_file_handle(Cursor::new(bytes))
        .finish();
    let df = match parsed {
        Ok(df) => df,
        Err(e) => {
            return Err(diagnose(bytes, data_start, &header_names, source)
                .unwrap_or_else(|| bad(source, Problem::Malformed(e.to_string()))));
        }
    };
    let column = |name: &str| -> Result<Vec<f64>> {
        let s = df
            .column(name)
            .and_then(|c| c.f64().cloned())
            .map_err(|e| bad(source, Problem::Malformed(e.to_string())))?;
        if s.null_count() > 0 {
            return Err(diagnose(bytes, data_start, &header_names, source)
                .unwrap_or_else(|| bad(source, Problem::Missing)));
        }
        Ok(s.into_no_null_iter().collect())
    };
    let time_s = column("time")?;
    let mut columns = Vec::with_capacity(names.len());
    for (c, name) in names.iter().zip(&header_names[1..]) {
        columns.push(Column {
            placement: c.placement,
            sensor: c.sensor,
            axis: c.axis,
            values: column(name)?,
        });
    }
    let table = Table {
        source: source.to_string(),
        time_s,
        columns,
        lines: None,
    };
    // Blank or comment lines would shift the row → line mapping; find the exact lines.
    let data_lines = bytes[data_start..]
        .split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
        .count();
    if data_lines != table.time_s.len() {
        return Err(
            diagnose(bytes, data_start, &header_names, source).unwrap_or_else(|| {
                bad(
                    source,
                    Problem::Malformed(format!(
                        "{} data lines but {} rows parsed",
                        data_lines,
                        table.time_s.len()
                    )),
                )
            }),
        );
    }
    Ok(table)
}

/// Walks every data line and returns the first cell that is not a finite number, or the
/// first line with the wrong number of fields.
fn diagnose(bytes: &[u8], data_start: usize, header: &[String], source: &str) -> Option<Error> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let line = bytes[..e.valid_up_to()]
                .iter()
                .filter(|&&b| b == b'\n')
                .count()
                + 1;
            return Some(
                InputError::new(source, Problem::NotText("invalid UTF-8".into()))
                    .at_line(line)
                    .into(),
            );
        }
    };
    let first_line = bytes[..data_start].iter().filter(|&&b| b == b'\n').count() + 1;
    for (k, raw) in text[data_start.min(text.len())..].split('\n').enumerate() {
        let line_no = first_line + k;
        let line = raw.trim_end_matches('\r');
        if line.trim().is_empty() {
            continue;
        }
        let cells: Vec<&str> = line.split(',').collect();
        if cells.len() != header.len() {
            return Some(
                InputError::new(
                    source,
                    Problem::Malformed(format!(
                        "{} fields (expected {}, as in the header)",
                        cells.len(),
                        header.len()
                    )),
                )
                .at_line(line_no)
                .into(),
            );
        }
        for (cell, name) in cells.iter().zip(header) {
            let cell = cell.trim().trim_matches('"');
            let at = |p: Problem| {
                Some(
                    InputError::new(source, p)
                        .at_line(line_no)
                        .in_column(name.as_str())
                        .into(),
                )
            };
            if cell.is_empty() {
                return at(Problem::Missing);
            }
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => {}
                Ok(v) => {
                    return at(Problem::NotFinite {
                        what: if v.is_nan() {
                            "NaN".into()
                        } else {
                            "infinity".into()
                        },
                    });
                }
                Err(_) => {
                    return at(Problem::NotANumber {
                        value: cell.chars().take(40).collect(),
                    });
                }
            }
        }
    }
    None
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
