//! runform's canonical layout in Parquet: a `time` column in seconds, then
//! `<placement>_<acc|gyr|mag>_<x|y|z>` columns, any numeric type, no nulls.
//!
//! [`write_parquet`] writes a recording in SI units (m/s², rad/s; `time` as f64, samples as
//! f32, zstd-compressed), as [`write_csv`](super::write_csv) does in text; reading it back
//! gives the same recording. Columns with other names are refused, as in the CSV.

use super::ReadOptions;
use super::assemble::{Column, SensorKind, Table, assemble, narrow};
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
    walk_footer(bytes).map_err(|what| bad(source, format!("{what} (damaged?)")))?;
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
            let start = c.dictionary_page_offset().unwrap_or(c.data_page_offset());
            let chunk = chunk_range(bytes.len(), start, c.compressed_size())
                .map_err(|what| bad(source, format!("{what} (damaged?)")))?;
            check_pages(&bytes[chunk], c.num_values(), limit)
                .map_err(|what| bad(source, format!("{what} (damaged?)")))?;
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

/// Walks the footer's Thrift encoding before polars decodes it: its length must fit in
/// the file, and no list in it may claim more items than there are bytes left (polars
/// reserves room for a list's claimed length up front: a footer claiming 2^31 schema
/// elements is an allocation of hundreds of gigabytes, which aborts the process).
/// `bytes` end with the footer's length and `PAR1`.
fn walk_footer(bytes: &[u8]) -> std::result::Result<(), String> {
    let n = bytes.len();
    let Some(len_bytes) = bytes.get(n.saturating_sub(8)..n.saturating_sub(4)) else {
        return Err("no footer".into());
    };
    let footer_len = u32::from_le_bytes(len_bytes.try_into().unwrap_or_default()) as usize;
    if footer_len > n.saturating_sub(12) {
        return Err(format!(
            "the footer claims {footer_len} bytes in a file of {n} bytes"
        ));
    }
    let mut t = Thrift {
        bytes: &bytes[n - 8 - footer_len..n - 8],
        pos: 0,
        depth: 0,
    };
    t.walk(&Shape::Struct(FILE_METADATA))
        .ok_or_else(|| "the footer's metadata cannot be decoded".to_string())
}

/// The Thrift shape the footer decoder expects of a value. Polars reads each field it
/// knows by its id whatever type the file declares for it, so [`Thrift::walk`] checks
/// that every known field has the type the decoder will read it as (a list header where
/// an integer belongs would be read as an integer here and as a list by polars, which
/// reserves room for the list's claimed length up front). Unknown fields are skipped by
/// their declared type, as polars does.
enum Shape {
    Bool,
    Byte,
    I16,
    I32,
    I64,
    Binary,
    List(&'static Shape),
    Struct(&'static [(i64, Shape)]),
}

impl Shape {
    /// The compact protocol's type code; both boolean codes (1 true, 2 false) are 1.
    fn code(&self) -> u8 {
        match self {
            Shape::Bool => 1,
            Shape::Byte => 3,
            Shape::I16 => 4,
            Shape::I32 => 5,
            Shape::I64 => 6,
            Shape::Binary => 8,
            Shape::List(_) => 9,
            Shape::Struct(_) => 12,
        }
    }
}

/// An empty struct (a union's unit variants).
const EMPTY: &[(i64, Shape)] = &[];
/// `TimeUnit`: a union of empty structs.
const TIME_UNIT: &[(i64, Shape)] = &[
    (1, Shape::Struct(EMPTY)),
    (2, Shape::Struct(EMPTY)),
    (3, Shape::Struct(EMPTY)),
];
/// `TimeType` and `TimestampType`.
const TIME: &[(i64, Shape)] = &[(1, Shape::Bool), (2, Shape::Struct(TIME_UNIT))];
/// `LogicalType`: a union; 5 decimal, 7 time, 8 timestamp, 10 integer, the rest empty.
const LOGICAL_TYPE: &[(i64, Shape)] = &[
    (1, Shape::Struct(EMPTY)),
    (2, Shape::Struct(EMPTY)),
    (3, Shape::Struct(EMPTY)),
    (4, Shape::Struct(EMPTY)),
    (5, Shape::Struct(&[(1, Shape::I32), (2, Shape::I32)])),
    (6, Shape::Struct(EMPTY)),
    (7, Shape::Struct(TIME)),
    (8, Shape::Struct(TIME)),
    (10, Shape::Struct(&[(1, Shape::Byte), (2, Shape::Bool)])),
    (11, Shape::Struct(EMPTY)),
    (12, Shape::Struct(EMPTY)),
    (13, Shape::Struct(EMPTY)),
    (14, Shape::Struct(EMPTY)),
    (15, Shape::Struct(EMPTY)),
];
const SCHEMA_ELEMENT: &[(i64, Shape)] = &[
    (1, Shape::I32),
    (2, Shape::I32),
    (3, Shape::I32),
    (4, Shape::Binary),
    (5, Shape::I32),
    (6, Shape::I32),
    (7, Shape::I32),
    (8, Shape::I32),
    (9, Shape::I32),
    (10, Shape::Struct(LOGICAL_TYPE)),
];
const STATISTICS: &[(i64, Shape)] = &[
    (1, Shape::Binary),
    (2, Shape::Binary),
    (3, Shape::I64),
    (4, Shape::I64),
    (5, Shape::Binary),
    (6, Shape::Binary),
    (7, Shape::Bool),
    (8, Shape::Bool),
];
const COLUMN_META_DATA: &[(i64, Shape)] = &[
    (1, Shape::I32),
    (2, Shape::List(&Shape::I32)),
    (3, Shape::List(&Shape::Binary)),
    (4, Shape::I32),
    (5, Shape::I64),
    (6, Shape::I64),
    (7, Shape::I64),
    (9, Shape::I64),
    (10, Shape::I64),
    (11, Shape::I64),
    (12, Shape::Struct(STATISTICS)),
    (14, Shape::I64),
    (15, Shape::I32),
];
const COLUMN_CHUNK: &[(i64, Shape)] = &[
    (1, Shape::Binary),
    (2, Shape::I64),
    (3, Shape::Struct(COLUMN_META_DATA)),
    (4, Shape::I64),
    (5, Shape::I32),
    (6, Shape::I64),
    (7, Shape::I32),
];
const SORTING_COLUMN: &[(i64, Shape)] = &[(1, Shape::I32), (2, Shape::Bool), (3, Shape::Bool)];
const ROW_GROUP: &[(i64, Shape)] = &[
    (1, Shape::List(&Shape::Struct(COLUMN_CHUNK))),
    (2, Shape::I64),
    (3, Shape::I64),
    (4, Shape::List(&Shape::Struct(SORTING_COLUMN))),
    (5, Shape::I64),
    (6, Shape::I64),
    (7, Shape::I16),
];
const KEY_VALUE: &[(i64, Shape)] = &[(1, Shape::Binary), (2, Shape::Binary)];
/// `FileMetaData`, the footer, as polars 0.55 decodes it (its fields 8 and 9, encryption,
/// are skipped by their declared type).
const FILE_METADATA: &[(i64, Shape)] = &[
    (1, Shape::I32),
    (2, Shape::List(&Shape::Struct(SCHEMA_ELEMENT))),
    (3, Shape::I64),
    (4, Shape::List(&Shape::Struct(ROW_GROUP))),
    (5, Shape::List(&Shape::Struct(KEY_VALUE))),
    (6, Shape::Binary),
    (
        7,
        Shape::List(&Shape::Struct(&[
            (1, Shape::Struct(EMPTY)),
            (2, Shape::Struct(EMPTY)),
        ])),
    ),
];

/// Where a column chunk's pages lie, checked to lie inside the file before its footer
/// (the decoder slices the file there without checking).
fn chunk_range(
    file_len: usize,
    start: i64,
    size: i64,
) -> std::result::Result<std::ops::Range<usize>, String> {
    let end = start.checked_add(size);
    // the footer's length and the closing magic take the last 8 bytes
    let body = file_len.saturating_sub(8) as i64;
    match end {
        Some(end) if start >= 4 && size >= 0 && end <= body => Ok(start as usize..end as usize),
        _ => Err(format!(
            "a column chunk claims bytes {start} to {start}+{size} of a file of {file_len} bytes"
        )),
    }
}

/// Walks the page headers of one column chunk as the decoder will, before it does:
/// every size and count must be non-negative, each page must lie inside the chunk, and
/// no page may claim more values or decoded bytes than `limit`. The decoder takes these
/// numbers as given (a negative count turns into an allocation of exabytes, which
/// aborts the process).
fn check_pages(chunk: &[u8], num_values: i64, limit: usize) -> std::result::Result<(), String> {
    if num_values < 0 || num_values as u64 > limit as u64 {
        return Err(format!("a column chunk claims {num_values} values"));
    }
    let limit = limit as i64;
    let (mut pos, mut seen) = (0usize, 0i64);
    while seen < num_values {
        let mut t = Thrift {
            bytes: chunk,
            pos,
            depth: 0,
        };
        let h = t.page_header().ok_or_else(|| {
            format!("the page header at byte {pos} of a column chunk cannot be decoded")
        })?;
        let counts = [
            ("a page size", h.uncompressed),
            ("a compressed page size", h.compressed),
            ("a page's value count", h.values),
            ("a page's null count", h.nulls),
            ("a page's row count", h.rows),
            ("a page's definition level length", h.def_levels),
            ("a page's repetition level length", h.rep_levels),
        ];
        for (what, n) in counts {
            if !(0..=limit).contains(&n) {
                return Err(format!("{what} of {n}"));
            }
        }
        let levels = h.def_levels + h.rep_levels;
        if levels > h.compressed.min(h.uncompressed) {
            return Err(format!(
                "a page's levels of {levels} bytes in a page of {} bytes",
                h.compressed.min(h.uncompressed)
            ));
        }
        let end = t.pos as i64 + h.compressed;
        if end > chunk.len() as i64 {
            return Err(format!(
                "a page of {} bytes at byte {pos} of a column chunk of {} bytes",
                h.compressed,
                chunk.len()
            ));
        }
        if h.data {
            seen = seen.saturating_add(h.values);
        }
        pos = end as usize;
    }
    Ok(())
}

/// What [`check_pages`] needs of a page header; counts absent from it are 0.
#[derive(Default)]
struct PageHeader {
    uncompressed: i64,
    compressed: i64,
    /// A data page (v1 or v2), whose values count towards the chunk's.
    data: bool,
    values: i64,
    nulls: i64,
    rows: i64,
    /// A v2 page's definition level length, bytes.
    def_levels: i64,
    /// A v2 page's repetition level length, bytes.
    rep_levels: i64,
}

/// A reader of Thrift's compact protocol, the encoding of Parquet's page headers: just
/// enough to find the sizes and counts in one, skipping every other field.
struct Thrift<'a> {
    bytes: &'a [u8],
    pos: usize,
    depth: usize,
}

impl Thrift<'_> {
    fn byte(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..70).step_by(7) {
            let b = self.byte()?;
            v |= u64::from(b & 0x7F).checked_shl(shift)?;
            if b & 0x80 == 0 {
                return Some(v);
            }
        }
        None
    }

    fn int(&mut self) -> Option<i64> {
        let v = self.varint()?;
        Some((v >> 1) as i64 ^ -((v & 1) as i64))
    }

    fn skip_bytes(&mut self, n: u64) -> Option<()> {
        let end = self.pos.checked_add(usize::try_from(n).ok()?)?;
        (end <= self.bytes.len()).then(|| self.pos = end)
    }

    /// Skips a value of compact type `ty` as the decoder skips it. That is not always
    /// the format's way: the decoder skips a boolean in a list as no bytes (the format
    /// gives it one), and refuses sets and maps. Walking a list of booleans the format's
    /// way would leave this walk and the decoder reading different bytes as the next
    /// field, where the decoder can find a list claiming billions of items (a fuzzed
    /// footer asked for 89 GB so).
    fn skip(&mut self, ty: u8) -> Option<()> {
        match ty {
            1 | 2 => Some(()),
            3 => self.skip_bytes(1),
            4..=6 => self.int().map(drop),
            7 => self.skip_bytes(8),
            8 => {
                let n = self.varint()?;
                self.skip_bytes(n)
            }
            9 => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                if n == 0 {
                    return Some(());
                }
                // more items than bytes left is damage, even of items that take none
                if n > (self.bytes.len() - self.pos) as u64 {
                    return None;
                }
                (0..n).try_for_each(|_| self.skip(h & 0x0F))
            }
            12 => self.fields(|_, _, _| Some(false)),
            _ => None,
        }
    }

    /// Walks a value the decoder reads as `shape`: every field it knows must have the
    /// type it reads, and every list the element type and no more items than there are
    /// bytes left. Fields it does not know are skipped by their declared type.
    fn walk(&mut self, shape: &Shape) -> Option<()> {
        match shape {
            Shape::Struct(known) => self.fields(|t, id, ty| {
                let Some((_, expected)) = known.iter().find(|(k, _)| *k == id) else {
                    return Some(false);
                };
                let ty = if ty == 2 { 1 } else { ty };
                if ty != expected.code() {
                    return None;
                }
                t.walk(expected)?;
                Some(true)
            }),
            Shape::List(item) => {
                let h = self.byte()?;
                let n = match h >> 4 {
                    15 => self.varint()?,
                    n => u64::from(n),
                };
                // an empty list may leave its element type 0 (fastparquet does)
                if n == 0 {
                    return Some(());
                }
                if h & 0x0F != item.code() || n > (self.bytes.len() - self.pos) as u64 {
                    return None;
                }
                (0..n).try_for_each(|_| self.walk(item))
            }
            // a boolean field's value is in its type code
            Shape::Bool => Some(()),
            Shape::Byte => self.skip_bytes(1),
            Shape::I16 | Shape::I32 | Shape::I64 => self.int().map(drop),
            Shape::Binary => self.skip(8),
        }
    }

    /// Reads a struct's fields up to its stop byte, giving each (`id`, `type`) to
    /// `field`, which reads the value and returns `true`, or returns `false` to skip it.
    fn fields(&mut self, mut field: impl FnMut(&mut Self, i64, u8) -> Option<bool>) -> Option<()> {
        self.depth += 1;
        if self.depth > 32 {
            return None;
        }
        // ids are i16, as the decoder reads them: a long-form id is cut to 16 bits (an id
        // written as 65538 is field 2 to it), and a delta past i16::MAX is an error
        let mut id = 0i16;
        loop {
            let b = self.byte()?;
            if b == 0 {
                break;
            }
            let ty = b & 0x0F;
            id = match b >> 4 {
                0 => self.int()? as i16,
                delta => id.checked_add(i16::from(delta))?,
            };
            if !field(self, i64::from(id), ty)? {
                self.skip(ty)?;
            }
        }
        self.depth -= 1;
        Some(())
    }

    /// A `PageHeader`: 2 uncompressed size, 3 compressed size, 5 data page header
    /// (1 values), 7 dictionary page header (1 values), 8 data page header v2 (1 values,
    /// 2 nulls, 3 rows, 5 and 6 level lengths).
    fn page_header(&mut self) -> Option<PageHeader> {
        let mut h = PageHeader::default();
        self.fields(|t, id, ty| {
            match (id, ty) {
                (2, 5) => h.uncompressed = t.int()?,
                (3, 5) => h.compressed = t.int()?,
                (5 | 7 | 8, 12) => {
                    h.data |= id != 7;
                    t.fields(|t, inner, ty| {
                        if ty != 5 {
                            return Some(false);
                        }
                        let v = t.int()?;
                        match (id, inner) {
                            (_, 1) => h.values = v,
                            (8, 2) => h.nulls = v,
                            (8, 3) => h.rows = v,
                            (8, 5) => h.def_levels = v,
                            (8, 6) => h.rep_levels = v,
                            _ => {}
                        }
                        Some(true)
                    })?;
                }
                _ => return Some(false),
            }
            Some(true)
        })?;
        Some(h)
    }
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
    let decode = |name: &str| -> Result<Vec<f64>> {
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
    // polars can panic turning a damaged column into values (a column whose footer type
    // it cannot build from its scalar, found by fuzzing): that is the file's fault too
    let values = |name: &str| -> Result<Vec<f64>> {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| decode(name))).unwrap_or_else(
            |_| {
                Err(InputError::new(
                    source,
                    Problem::Parquet("the Parquet decoder could not read this column".into()),
                )
                .in_column(name)
                .into())
            },
        )
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
            values: narrow(&values(name)?),
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

    fn zigzag(v: i64, out: &mut Vec<u8>) {
        let mut u = ((v << 1) ^ (v >> 63)) as u64;
        while u >= 0x80 {
            out.push((u as u8) | 0x80);
            u >>= 7;
        }
        out.push(u as u8);
    }

    /// A v1 data page: its header in Thrift's compact protocol (with a statistics struct
    /// holding a binary, to be skipped), then `data` bytes, of which the header claims
    /// `compressed`.
    fn page(values: i64, compressed: i64, data: usize) -> Vec<u8> {
        let mut b = Vec::new();
        for (field, v) in [(0x15, 0), (0x15, data as i64), (0x15, compressed)] {
            b.push(field);
            zigzag(v, &mut b);
        }
        b.push(0x2C); // field 5, a struct: the data page header
        b.push(0x15); // its field 1: the value count
        zigzag(values, &mut b);
        b.extend([0x15, 0x00]); // encoding
        b.extend([0x3C, 0x18, 0x02, 0xAB, 0xCD, 0x00]); // field 5: statistics {1: binary}
        b.push(0x00);
        b.push(0x00);
        b.extend(std::iter::repeat_n(0u8, data));
        b
    }

    #[test]
    fn page_headers_are_walked_and_checked() {
        let limit = 1_000_000;
        let mut two = page(3, 10, 10);
        two.extend(page(4, 10, 10));
        assert_eq!(check_pages(&two, 7, limit), Ok(()));
        // the decoder stops at the chunk's value count: bytes after it are not read
        assert_eq!(check_pages(&two[..two.len() / 2], 3, limit), Ok(()));
        let e = check_pages(&page(-151, 10, 10), 3, limit).unwrap_err();
        assert!(e.contains("value count of -151"), "{e}");
        let e = check_pages(&page(3, 11, 10), 3, limit).unwrap_err();
        assert!(e.contains("a page of 11 bytes"), "{e}");
        let e = check_pages(&page(3, -1, 10), 3, limit).unwrap_err();
        assert!(e.contains("compressed page size of -1"), "{e}");
        let e = check_pages(&page(2_000_000, 10, 10), 3, limit).unwrap_err();
        assert!(e.contains("value count of 2000000"), "{e}");
        let e = check_pages(&two[..5], 7, limit).unwrap_err();
        assert!(e.contains("cannot be decoded"), "{e}");
        assert!(check_pages(&two, -1, limit).is_err());
        // a list claiming more items than there are bytes, and runaway nesting
        assert!(check_pages(&[0x19, 0xF5, 0xFF, 0xFF, 0xFF, 0x0F], 1, limit).is_err());
        assert!(check_pages(&[0x1C; 100], 1, limit).is_err());
    }

    #[test]
    fn footer_lists_are_checked_against_its_length() {
        // the footer: a struct whose field 2 is a list of structs claiming 2^31 - 1 items
        let footer = [0x29, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00];
        let mut file = b"PAR1".to_vec();
        file.extend(footer);
        file.extend((footer.len() as u32).to_le_bytes());
        file.extend(b"PAR1");
        let e = walk_footer(&file).unwrap_err();
        assert!(e.contains("cannot be decoded"), "{e}");
        let e = parse(&file, "a.parquet").unwrap_err().to_string();
        assert!(e.starts_with("a.parquet: "), "{e}");
        // an empty list of schema elements is fine
        let mut ok = b"PAR1".to_vec();
        ok.extend([0x29, 0x0C, 0x00]);
        ok.extend(3u32.to_le_bytes());
        ok.extend(b"PAR1");
        assert_eq!(walk_footer(&ok), Ok(()));
        let mut long = ok.clone();
        let n = long.len();
        long[n - 8..n - 4].copy_from_slice(&100u32.to_le_bytes());
        assert!(walk_footer(&long).unwrap_err().contains("claims 100 bytes"));
    }

    /// A file holding `footer` as its footer.
    fn with_footer(footer: &[u8]) -> Vec<u8> {
        let mut file = b"PAR1".to_vec();
        file.extend(footer);
        file.extend((footer.len() as u32).to_le_bytes());
        file.extend(b"PAR1");
        file
    }

    #[test]
    fn footer_fields_must_have_the_type_the_decoder_reads() {
        // field 2 (the schema, a list) declared as an integer whose varint bytes, read as
        // a list header, claim 2^31 items
        let e = walk_footer(&with_footer(&[0x25, 0xF9, 0xFF, 0xFF, 0xFF, 0x07, 0x00]));
        assert!(e.unwrap_err().contains("cannot be decoded"));
        // field 1 (the version, an integer) declared as a list
        assert!(walk_footer(&with_footer(&[0x19, 0x0C, 0x00])).is_err());
        // a list of schema elements declared as a list of integers
        assert!(walk_footer(&with_footer(&[0x29, 0x15, 0x02, 0x00])).is_err());
        // a boolean where the version belongs
        assert!(walk_footer(&with_footer(&[0x11, 0x00])).is_err());
        // fields the decoder does not know are skipped by their declared type
        // (the version, then field 20 as a list of one integer, by a long-form id; then
        // the version, then field 11 as the same list, by a delta)
        let long_id = [0x15, 0x02, 0x09, 0x28, 0x15, 0x04, 0x00];
        let delta = [0x15, 0x02, 0xA9, 0x15, 0x04, 0x00];
        assert_eq!(walk_footer(&with_footer(&long_id)), Ok(()));
        assert_eq!(walk_footer(&with_footer(&delta)), Ok(()));
    }

    #[test]
    fn written_footers_pass_the_walk() {
        let recording = crate::simulate::simulate(&crate::simulate::SimConfig {
            duration_s: 5.0,
            ..Default::default()
        })
        .unwrap()
        .recording;
        let mut bytes = Vec::new();
        write_parquet(&recording, &mut bytes).unwrap();
        assert_eq!(walk_footer(&bytes), Ok(()));
    }

    #[test]
    fn footer_claiming_a_huge_list_is_refused_before_decoding() {
        // a fuzzer's find: polars 0.55 aborted allocating 76 GB for a list in the footer
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/fuzz/parquet-crash-footer-list-alloc.parquet"
        ))
        .unwrap();
        let e = parse(&bytes, "a.parquet").unwrap_err().to_string();
        assert!(e.contains("footer"), "{e}");
    }

    #[test]
    fn chunk_ranges_lie_inside_the_file() {
        assert_eq!(chunk_range(100, 4, 50), Ok(4..54));
        assert!(chunk_range(100, 4, 89).is_err());
        assert!(chunk_range(100, -8, 10).is_err());
        assert!(chunk_range(100, i64::MAX, i64::MAX).is_err());
        assert!(chunk_range(100, 4, -1).is_err());
    }

    #[test]
    fn negative_page_value_count_is_refused_before_decoding() {
        // a fuzzer's find: polars 0.55 aborted the process allocating 2^61 bytes for it
        let bytes = std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/fuzz/parquet-page-values-negative.parquet"
        ))
        .unwrap();
        let e = parse(&bytes, "a.parquet").unwrap_err().to_string();
        assert!(e.contains("value count of -151"), "{e}");
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
