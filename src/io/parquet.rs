//! runform's canonical layout in Parquet: a `time` column in seconds, then
//! `<placement>_<acc|gyr|mag>_<x|y|z>` columns, any numeric type, no nulls.
//!
//! [`write_parquet`] writes a recording in SI units (m/s², rad/s; `time` as f64, samples as
//! f32, zstd-compressed), as [`write_csv`](super::write_csv) does in text; reading it back
//! gives the same recording. Columns with other names are refused, as in the CSV.

use super::ReadOptions;
use super::assemble::{Column, SensorKind, Table, assemble};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{Placement, Recording};
use polars::prelude::*;
use std::io::{Cursor, Write};

/// True when `bytes` start with the Parquet magic `PAR1`.
pub fn looks_like_parquet(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PAR1")
}

/// Most rows, and most decoded bytes per column chunk, believed per byte of file: sensor
/// samples do not compress further than this, and a footer claiming more is damaged
/// (reading it would allocate what the file cannot hold).
const MAX_EXPANSION: usize = 64;

/// Checks the footer's row count and column sizes against the file's size before
/// anything is decoded.
fn check_footer(bytes: &[u8], source: &str) -> Result<()> {
    let mut reader = ParquetReader::new(Cursor::new(bytes));
    let meta = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || {
        reader.get_metadata().cloned()
    })) {
        Ok(Ok(m)) => m,
        Ok(Err(e)) => {
            let e = e.to_string();
            return Err(bad(source, e.lines().next().unwrap_or_default()));
        }
        Err(_) => return Err(bad(source, "the footer cannot be decoded")),
    };
    let limit = MAX_EXPANSION * bytes.len() + 1_000_000;
    let claims = |what: String| {
        bad(
            source,
            format!(
                "the footer claims {what} in a file of {} bytes (damaged?)",
                bytes.len()
            ),
        )
    };
    if meta.num_rows > limit {
        return Err(claims(format!("{} rows", meta.num_rows)));
    }
    let mut rows = 0usize;
    for rg in &meta.row_groups {
        rows = rows.saturating_add(rg.num_rows());
        if rg.total_byte_size() > limit {
            return Err(claims(format!(
                "a row group of {} bytes",
                rg.total_byte_size()
            )));
        }
        for c in rg.parquet_columns() {
            let size = c.uncompressed_size();
            if size < 0 || size as u64 > limit as u64 {
                return Err(claims(format!("a column chunk of {size} bytes")));
            }
        }
    }
    if rows != meta.num_rows {
        return Err(bad(
            source,
            format!(
                "the footer's row count {} is not the sum of its row groups' {rows} (damaged?)",
                meta.num_rows
            ),
        ));
    }
    Ok(())
}

/// A canonical column name as (placement, sensor, axis 0–2): the layout of
/// [`canonical_csv`](super::canonical_csv).
pub(super) fn canonical_name(name: &str) -> Option<(Placement, SensorKind, usize)> {
    let c = super::canonical_csv::parse_column_name(name)?;
    Some((c.placement, c.sensor, c.axis))
}

fn bad(source: &str, what: impl Into<String>) -> Error {
    InputError::new(source, Problem::Parquet(what.into())).into()
}

/// Reads a canonical Parquet file from its bytes; `source` names it in messages.
pub fn read_parquet(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Recording> {
    assemble(parse(bytes, source)?, options)
}

fn parse(bytes: &[u8], source: &str) -> Result<Table> {
    if bytes.is_empty() {
        return Err(InputError::new(source, Problem::Empty).into());
    }
    if bytes.len() < 12 || !bytes.ends_with(b"PAR1") {
        return Err(bad(source, "no 'PAR1' footer at the end (truncated?)"));
    }
    check_footer(bytes, source)?;
    let read = std::panic::catch_unwind(|| ParquetReader::new(Cursor::new(bytes)).finish());
    let df = match read {
        Ok(Ok(df)) => df,
        Ok(Err(e)) => {
            let first = e.to_string();
            let first = first.lines().next().unwrap_or_default().to_string();
            return Err(bad(source, first));
        }
        Err(_) => return Err(bad(source, "the Parquet decoder could not read the file")),
    };
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let Some(first) = names.first() else {
        return Err(InputError::new(source, Problem::NoSensors).into());
    };
    if first != "time" {
        return Err(InputError::new(
            source,
            Problem::NoTimeColumn {
                found: first.clone(),
            },
        )
        .into());
    }
    let values = |name: &str| -> Result<Vec<f64>> {
        let col = df.column(name).map_err(|e| bad(source, e.to_string()))?;
        let cast = col
            .as_materialized_series()
            .strict_cast(&DataType::Float64)
            .map_err(|_| {
                InputError::new(
                    source,
                    Problem::Parquet(format!("type {} is not numeric", col.dtype())),
                )
                .in_column(name)
            })?;
        let ca = cast.f64().map_err(|e| bad(source, e.to_string()))?;
        let mut out = Vec::with_capacity(ca.len());
        let values = ca.downcast_iter().flat_map(|arr| arr.iter());
        for (row, v) in values.enumerate() {
            match v {
                Some(v) => out.push(*v),
                None => {
                    return Err(InputError::new(
                        source,
                        Problem::Parquet(format!("null in row {} (expected a number)", row + 1)),
                    )
                    .in_column(name)
                    .into());
                }
            }
        }
        Ok(out)
    };
    let mut table = Table {
        source: source.to_string(),
        time_s: values("time")?,
        ..Table::default()
    };
    for name in &names[1..] {
        let Some((placement, sensor, axis)) = canonical_name(name) else {
            let placements: Vec<&str> = Placement::ALL.iter().map(|p| p.as_str()).collect();
            return Err(InputError::new(
                source,
                Problem::UnknownColumn {
                    placements: placements.join(", "),
                },
            )
            .in_column(name.clone())
            .into());
        };
        table.columns.push(Column {
            placement,
            sensor,
            axis,
            values: values(name)?,
        });
    }
    if table.columns.is_empty() {
        return Err(InputError::new(source, Problem::NoSensors).into());
    }
    Ok(table)
}

/// The recording as a polars frame in the canonical layout (SI units).
pub fn recording_frame(recording: &Recording) -> PolarsResult<DataFrame> {
    let n = recording.len();
    let mut cols = vec![polars::prelude::Column::new(
        "time".into(),
        (0..n).map(|i| recording.time_s(i)).collect::<Vec<f64>>(),
    )];
    for s in &recording.streams {
        let sensors = [
            ("acc", Some(&s.acc_mps2)),
            ("gyr", s.gyr_radps.as_ref()),
            ("mag", s.mag.as_ref()),
        ];
        for (kind, axes) in sensors {
            let Some(a) = axes else { continue };
            for (axis, v) in [("x", &a.x), ("y", &a.y), ("z", &a.z)] {
                let name = format!("{}_{}_{}", s.placement, kind, axis);
                cols.push(polars::prelude::Column::new(name.into(), v.clone()));
            }
        }
    }
    DataFrame::new(n, cols)
}

/// Writes `recording` as canonical Parquet.
pub fn write_parquet<W: Write>(recording: &Recording, out: W) -> PolarsResult<()> {
    let mut df = recording_frame(recording)?;
    ParquetWriter::new(out).finish(&mut df)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_parse() {
        assert_eq!(
            canonical_name("left_foot_gyr_z"),
            Some((Placement::LeftFoot, SensorKind::Gyr, 2))
        );
        assert_eq!(canonical_name("pelvis_acc_w"), None);
        assert_eq!(canonical_name("knee_acc_x"), None);
    }

    #[test]
    fn not_parquet_is_named() {
        let e = parse(b"PAR1 garbage that is not parquet PAR1", "a.parquet")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("a.parquet: "), "{e}");
        let e = parse(b"PAR1 cut", "a.parquet").unwrap_err().to_string();
        assert!(e.contains("footer"), "{e}");
    }
}
