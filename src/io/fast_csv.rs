//! The fast path of the CSV readers: a table of plain numbers, parsed on both cores.
//!
//! It accepts only the plain form — every data line holds exactly the header's number of
//! cells, comma separated, each a number that Rust's `f64` parser reads as finite, with no
//! padding, quotes or blank lines — and gives `None` for anything else, so that the
//! exact parse of the reader decides (it reads the rest, or names the line and column of
//! the first bad cell). What this path reads is therefore read the same by the exact
//! parse: the same numbers, bit for bit.
//!
//! A cell of at most 15 significant digits with a decimal point and no exponent (what
//! loggers write: `-9.806650`) is converted on the fast path of Clinger (1990): its digits
//! as an integer below 2⁵³ and its power of ten up to 10²² are exact doubles, so one
//! division gives the correctly rounded value, as the standard parser's own fast path
//! does. Any other cell (long mantissas, exponents) goes to a correctly rounded parser
//! (Eisel–Lemire, `fast_float2`), and what that does not read whole to the standard one.
//!
//! [`read_file`] reads a file block by block ([`read_stream`]), so that the file is
//! never held whole.

use super::canonical_csv::open_error;
use crate::error::{Error, Result};
use rayon::join;
use std::fs::File;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::path::Path;

use super::WindowPlan;

/// Exact powers of ten as doubles.
const POW10: [f64; 23] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16,
    1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
];

/// Bytes read first from a file: enough for any header, and for telling its layout.
pub(super) const HEAD_BYTES: usize = 1 << 16;

/// Below this many bytes a block is parsed on one core.
const SPLIT_MIN_BYTES: usize = 1 << 16;

/// Bytes read per block by [`read_stream`].
const BLOCK_BYTES: usize = 4 << 20;

/// The cells of the data lines, one column per cell of a line: the first (a time or an
/// index) as `f64`, the others (sensor values, which the recording keeps as `f32`) as
/// `f32`, each the `f64` value rounded to nearest (a value beyond `f32`'s range is not in
/// the plain form: the exact parse reports it).
#[derive(Debug, Clone, Default, PartialEq)]
pub(super) struct Columns {
    /// The first cell of every line.
    pub first: Vec<f64>,
    /// The other cells, one column each.
    pub rest: Vec<Vec<f32>>,
}

impl Columns {
    /// Columns for `cells` cells per line, with room for `rows` lines.
    pub fn with_capacity(cells: usize, rows: usize) -> Self {
        Columns {
            first: Vec::with_capacity(rows),
            rest: (1..cells).map(|_| Vec::with_capacity(rows)).collect(),
        }
    }

    /// Number of lines.
    pub fn rows(&self) -> usize {
        self.first.len()
    }

    /// Splits off the first `end` lines and returns them; keeps a copy of the lines from
    /// `keep_from` on.
    fn split_window(&mut self, end: usize, keep_from: usize) -> Columns {
        fn split<T: Copy>(v: &mut Vec<T>, end: usize, keep_from: usize) -> Vec<T> {
            let kept = v[keep_from..].to_vec();
            let mut window = std::mem::replace(v, kept);
            window.truncate(end);
            window
        }
        Columns {
            first: split(&mut self.first, end, keep_from),
            rest: self
                .rest
                .iter_mut()
                .map(|c| split(c, end, keep_from))
                .collect(),
        }
    }

    /// Room for `rows` lines in all.
    fn reserve_rows(&mut self, rows: usize) {
        let more = rows.saturating_sub(self.rows());
        self.first.reserve_exact(more);
        for c in &mut self.rest {
            c.reserve_exact(more);
        }
    }
}

/// Parses complete data lines `data` into `columns` (appended); `None` when a line is not
/// in the plain form (see the module header). With `at_end` (the data ends the file)
/// trailing blank lines are allowed.
///
/// The lines are counted first (a SIMD newline search), so that each half of a large
/// block is parsed by one core straight into its own rows of the columns.
fn parse_into(data: &[u8], columns: &mut Columns, at_end: bool) -> Option<()> {
    let data = if at_end {
        let blank = data.iter().rev().take_while(|b| b.is_ascii_whitespace());
        let end = data.len() - blank.count();
        if end == 0 {
            return Some(());
        }
        // the line end of the last line stays
        &data[..(end + usize::from(data.get(end) == Some(&b'\r')) + 1).min(data.len())]
    } else {
        data
    };
    if data.is_empty() {
        return Some(());
    }
    let cut = if data.len() < SPLIT_MIN_BYTES {
        data.len()
    } else {
        let mid = data.len() / 2;
        memchr::memchr(b'\n', &data[mid..]).map_or(data.len(), |p| mid + p + 1)
    };
    let (left, right) = data.split_at(cut);
    let (rows_left, rows_right) = (count_lines(left), count_lines(right));
    let old = columns.rows();
    let rows = old + rows_left + rows_right;
    columns.first.resize(rows, 0.0);
    let (first_left, first_right) = columns.first[old..].split_at_mut(rows_left);
    let (mut rest_left, mut rest_right): (Vec<&mut [f32]>, Vec<&mut [f32]>) = columns
        .rest
        .iter_mut()
        .map(|c| {
            c.resize(rows, 0.0);
            c[old..].split_at_mut(rows_left)
        })
        .unzip();
    let (l, r) = join(
        || parse_rows(left, first_left, &mut rest_left),
        || parse_rows(right, first_right, &mut rest_right),
    );
    l.and(r)
}

/// Lines in `data`: its line ends, and a last line without one.
fn count_lines(data: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', data).count() + usize::from(data.last().is_some_and(|&b| b != b'\n'))
}

/// Parses the text of `bytes` from `data_start` on into one column per cell of a line;
/// `None` also when there is no data line.
pub(super) fn parse(bytes: &[u8], data_start: usize, cells: usize) -> Option<Columns> {
    let data = bytes.get(data_start..)?;
    let mut columns = Columns::with_capacity(cells, estimate_rows(data, cells));
    parse_into(data, &mut columns, true)?;
    (columns.rows() > 0).then_some(columns)
}

/// What [`read_file`] read.
pub(super) enum FileData<H> {
    /// The header, and the columns of data lines all in the plain form, read block by
    /// block (the file was never held whole).
    Columns(H, Columns),
    /// The whole file, for the reader's exact parse: it fits in the first block, or a
    /// line is not in the plain form.
    Whole(Vec<u8>),
}

/// Reads the CSV file at `path` block by block. `header` gets the file's first bytes (at
/// least 64 KiB, all the header a reader needs) and gives the reader's header, the byte
/// where the data lines start and their number of cells, or the header's error.
pub(super) fn read_file<H: Clone>(
    path: &Path,
    source: &str,
    header: impl FnOnce(&[u8]) -> Result<(H, usize, usize)>,
) -> Result<FileData<H>> {
    let mut read = None;
    let whole = read_file_windows(
        path,
        source,
        header,
        WindowPlan::WHOLE,
        &|_| None,
        |h, columns, _| {
            read = Some((h.clone(), columns));
            Ok(())
        },
    )?;
    match (whole, read) {
        (None, Some((h, columns))) => Ok(FileData::Columns(h, columns)),
        (Some(bytes), _) => Ok(FileData::Whole(bytes)),
        (None, None) => unreachable!("a file read whole is one window"),
    }
}

/// Why [`stream_blocks`] stopped early.
enum Stop {
    /// The reader failed.
    Io(std::io::Error),
    /// The block hook failed.
    Window(Error),
}

/// Reads the data lines of `reader` block by block into columns, as [`read_stream`];
/// after each block is parsed, `after_block` gets the columns read so far, whether the
/// block was the last, and the number of rows the whole stream is estimated to hold.
///
/// Two blocks take turns: the next is read while the lines of this one are parsed, so
/// that no core waits for the copy out of the page cache (about 1.3 GB/s here, a sixth
/// of the whole read).
fn stream_blocks(
    mut reader: impl Read + Send,
    cells: usize,
    size_hint: usize,
    mut after_block: impl FnMut(&mut Columns, bool, usize) -> Result<()>,
) -> std::result::Result<Option<Columns>, Stop> {
    let size = BLOCK_BYTES.min(size_hint + 1).max(1024);
    let (mut buf, mut next) = (vec![0u8; size], vec![0u8; size]);
    let mut len = read_full(&mut reader, &mut buf).map_err(Stop::Io)?;
    let rows = estimate_rows(&buf[..len], cells) as f64 * (size_hint as f64) / (len.max(1) as f64);
    let estimated_rows = (rows * 1.02) as usize + 16;
    let mut columns = Columns::with_capacity(cells, estimated_rows);
    loop {
        // a block the reader could not fill is the last
        let at_end = len < buf.len();
        // complete lines only, unless the file ends without a line end
        let end = if at_end {
            len
        } else {
            match memchr::memrchr(b'\n', &buf[..len]) {
                Some(p) => p + 1,
                // a line longer than the block is not the plain form
                None => return Ok(None),
            }
        };
        // the rest of the last line starts the next block
        let tail = len - end;
        next[..tail].copy_from_slice(&buf[end..len]);
        let (lines, rest) = (&buf[..end], &mut next[tail..]);
        let (parsed, got) = if at_end {
            (parse_into(lines, &mut columns, true), Ok(0))
        } else {
            join(
                || parse_into(lines, &mut columns, false),
                || read_full(&mut reader, rest),
            )
        };
        if parsed.is_none() {
            return Ok(None);
        }
        after_block(&mut columns, at_end, estimated_rows).map_err(Stop::Window)?;
        if at_end {
            break;
        }
        len = tail + got.map_err(Stop::Io)?;
        std::mem::swap(&mut buf, &mut next);
    }
    Ok((columns.rows() > 0).then_some(columns))
}

/// The rows of one window of a file read in windows ([`read_file_windows`]).
#[derive(Debug, Clone, PartialEq)]
pub(super) struct WindowRows {
    /// The window's first row: its index among the file's data lines, from 0.
    pub first_row: usize,
    /// The rows the window owns, counted from its first (the others overlap its
    /// neighbours').
    pub own: Range<usize>,
    /// Which window, from 0.
    pub index: usize,
    /// True for the last window (it owns every row to the end of the file).
    pub last: bool,
}

/// Cuts the columns of a stream into windows as its blocks are parsed, and hands each
/// window on: it holds the rows of at most one window and the block being parsed.
struct Cutter<'a, F> {
    plan: WindowPlan,
    /// Rows per second of the file, from the first column of its first rows (`None`: it
    /// cannot be cut).
    rows_per_s: &'a dyn Fn(&[f64]) -> Option<f64>,
    /// How the file is cut, decided at its first block.
    cut: Option<Cut>,
    /// File row of the columns' first row.
    base: usize,
    /// The next window's index.
    next: usize,
    /// True once the last window is handed on.
    done: bool,
    each: F,
}

/// How [`Cutter`] cuts a file, in rows.
#[derive(Debug, Clone, Copy)]
struct Cut {
    /// Rows each window owns (the last, the rest of the file).
    own: usize,
    /// Rows a window reaches into each neighbour's.
    overlap: usize,
    /// Windows planned, from the file's size.
    planned: usize,
    /// Rows of one window and a block: the room the columns are given.
    room: usize,
}

impl Cut {
    /// The whole file as one window.
    const WHOLE: Cut = Cut {
        own: usize::MAX,
        overlap: 0,
        planned: 1,
        room: 0,
    };
}

impl<F: FnMut(Columns, WindowRows) -> Result<()>> Cutter<'_, F> {
    /// Hands on the windows whose rows `columns` now holds; at the end of the file, the
    /// last (`estimated_rows`: the rows the file is estimated to hold).
    fn after_block(
        &mut self,
        columns: &mut Columns,
        at_end: bool,
        estimated_rows: usize,
    ) -> Result<()> {
        let cut = *self.cut.get_or_insert_with(|| {
            let per_s = (self.rows_per_s)(&columns.first).filter(|r| r.is_finite() && *r > 0.0);
            let Some(per_s) = per_s else {
                return Cut::WHOLE;
            };
            let own_rows = (self.plan.own_s * per_s).max(1.0);
            let planned = ((estimated_rows as f64 / own_rows).round() as usize).max(1);
            if planned == 1 {
                return Cut::WHOLE;
            }
            let own = estimated_rows.div_ceil(planned);
            // at least a row: a window's owned time ends at its successor's first owned row
            let overlap = ((self.plan.overlap_s * per_s) as usize).min(own / 4).max(1);
            // the rows of one window and a block, not the file's
            let room = own + 2 * overlap + columns.rows();
            columns.first.shrink_to(room);
            for c in &mut columns.rest {
                c.shrink_to(room);
            }
            Cut {
                own,
                overlap,
                planned,
                room,
            }
        });
        let Cut { own, overlap, .. } = cut;
        // a window is handed on once the rows it reaches into its successor are read
        while self.next + 1 < cut.planned {
            let k = self.next;
            let own_end = (k + 1) * own;
            if self.base + columns.rows() < own_end + overlap {
                break;
            }
            let start = (k * own).saturating_sub(overlap);
            let keep_from = own_end - overlap;
            // the window takes the rows read so far; its overlap with the next is copied
            let window = columns.split_window(own_end + overlap - self.base, keep_from - self.base);
            let rows = WindowRows {
                first_row: start,
                own: k * own - start..own_end - start,
                index: k,
                last: false,
            };
            (self.each)(window, rows)?;
            // room for the next window once this one's samples are freed, in their place
            columns.reserve_rows(cut.room);
            self.base = keep_from;
            self.next += 1;
        }
        if at_end && columns.rows() > 0 {
            let k = self.next;
            let start = self.base;
            let own_start = if k == 0 { 0 } else { k * own - start };
            let rows = WindowRows {
                first_row: start,
                own: own_start..columns.rows(),
                index: k,
                last: true,
            };
            (self.each)(std::mem::take(columns), rows)?;
            self.done = true;
        }
        Ok(())
    }
}

/// Reads the CSV file at `path` block by block as [`read_file`] does, and hands the data
/// lines to `each` a window at a time ([`WindowPlan`]): a file of up to about one and a
/// half windows is one window, a longer one is cut into windows of about
/// `plan.own_s` each (the last takes the rest of the file), each reaching
/// `plan.overlap_s` into its neighbours. Only one window's rows are held at a time.
///
/// `rows_per_s` gives the file's rows per second from the first column of its first rows,
/// or `None` when it cannot tell (the file is then one window). Returns `None` when all windows were handed on, or the whole file
/// (as [`FileData::Whole`]) when it is small or a line is not in the plain form: the
/// reader's exact parse then reads it, and any window handed on before is void.
pub(super) fn read_file_windows<H>(
    path: &Path,
    source: &str,
    header: impl FnOnce(&[u8]) -> Result<(H, usize, usize)>,
    plan: WindowPlan,
    rows_per_s: &dyn Fn(&[f64]) -> Option<f64>,
    mut each: impl FnMut(&H, Columns, WindowRows) -> Result<()>,
) -> Result<Option<Vec<u8>>> {
    let mut file = File::open(path).map_err(|e| open_error(path, source, e))?;
    let size = file.metadata().map_or(0, |m| m.len() as usize);
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut file)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| open_error(path, source, e))?;
    if head.len() < HEAD_BYTES {
        return Ok(Some(head));
    }
    let (h, data_start, cells) = header(&head)?;
    let rest = Cursor::new(&head[data_start.min(head.len())..]).chain(&mut file);
    let mut cutter = Cutter {
        plan,
        rows_per_s,
        cut: None,
        base: 0,
        next: 0,
        done: false,
        each: |columns, rows| each(&h, columns, rows),
    };
    let streamed = stream_blocks(
        rest,
        cells,
        size.saturating_sub(data_start),
        |c, end, est| cutter.after_block(c, end, est),
    );
    match streamed {
        // every row went to a window
        Ok(_) if cutter.done => Ok(None),
        Ok(_) => {
            drop(head);
            let mut bytes = Vec::with_capacity(size);
            File::open(path)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| Error::io(source, e))?;
            Ok(Some(bytes))
        }
        Err(Stop::Io(e)) => Err(Error::io(source, e)),
        Err(Stop::Window(e)) => Err(e),
    }
}

/// Fills `buf` from `reader` as far as it goes; the bytes read (0 at the end).
fn read_full(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Rows per second of a file whose first column is time in seconds, from its first rows
/// (`None` unless the time grows).
pub(super) fn rows_per_s_of_time(first: &[f64]) -> Option<f64> {
    let (a, b) = (first.first()?, first.last()?);
    (b > a).then(|| (first.len() - 1) as f64 / (b - a))
}

/// Rows in `data`, from the length of its first line.
fn estimate_rows(data: &[u8], cells: usize) -> usize {
    let line = memchr::memchr(b'\n', data).map_or(data.len(), |p| p + 1);
    let per_line = line.max(2 * cells).max(1);
    data.len() / per_line + 1
}

/// Parses complete lines on one core into `first` and `rest` (one slice per column, as
/// long as the lines); `None` unless every line is in the plain form and they fill the
/// rows exactly.
fn parse_rows(data: &[u8], first: &mut [f64], rest: &mut [&mut [f32]]) -> Option<()> {
    let mut pos = 0;
    let last = rest.len().saturating_sub(1);
    for (row, first) in first.iter_mut().enumerate() {
        let (value, end) = number(data, pos)?;
        *first = value;
        pos = next_cell(data, end, rest.is_empty())?;
        for (k, column) in rest.iter_mut().enumerate() {
            let (value, end) = number_f32(data, pos)?;
            // beyond f32's range: the exact parse names the cell
            column[row] = Some(value).filter(|v| v.is_finite())?;
            pos = next_cell(data, end, k == last)?;
        }
    }
    (pos == data.len()).then_some(())
}

/// Where the next cell starts after a cell that ends at `end`: past a comma, or past the
/// line end after the `last` cell of a line; `None` for anything else.
#[inline]
fn next_cell(data: &[u8], end: usize, last: bool) -> Option<usize> {
    match data.get(end) {
        Some(b',') if !last => Some(end + 1),
        Some(b'\n') if last => Some(end + 1),
        Some(b'\r') if last && data.get(end + 1) == Some(&b'\n') => Some(end + 2),
        None if last => Some(end),
        _ => None,
    }
}

/// The number in the cell that starts at `start`, and where the cell ends.
#[inline]
fn number(data: &[u8], start: usize) -> Option<(f64, usize)> {
    if let Some(d) = Decimal::of(&data[start..])
        && d.digits <= 15
    {
        // at most 15 digits: the mantissa below 2⁵³, so the quotient is correctly rounded
        return Some((d.quotient(), start + d.len));
    }
    standard(data, start)
}

/// A cell in the plain decimal form: an optional minus, digits, an optional point and
/// more digits, 1 to 19 digits in all (so that they fit in a `u64`), then the cell's end.
struct Decimal {
    negative: bool,
    /// The digits as an integer.
    mantissa: u64,
    /// How many digits, before and after the point.
    digits: usize,
    /// How many after the point.
    decimals: usize,
    /// The cell's length in bytes.
    len: usize,
}

impl Decimal {
    /// The cell at the start of `cell` (the data from the cell on), when it is in the
    /// plain decimal form.
    #[inline]
    fn of(cell: &[u8]) -> Option<Decimal> {
        let negative = cell.first() == Some(&b'-');
        let sign = usize::from(negative);
        let mut mantissa = 0u64;
        let whole = read_digits(&cell[sign..], &mut mantissa);
        let mut len = sign + whole;
        let mut decimals = 0;
        if cell.get(len) == Some(&b'.') {
            decimals = read_digits(&cell[len + 1..], &mut mantissa);
            len += 1 + decimals;
        }
        let digits = whole + decimals;
        (ends_cell(cell.get(len)) && (1..=19).contains(&digits)).then_some(Decimal {
            negative,
            mantissa,
            digits,
            decimals,
            len,
        })
    }

    /// The digits as a double over the exact double of `10^decimals` (`decimals` < 20),
    /// signed: the correctly rounded value for at most 15 digits (Clinger's fast path),
    /// within two roundings of it for more.
    #[inline]
    fn quotient(&self) -> f64 {
        let v = self.mantissa as f64 / POW10[self.decimals];
        if self.negative { -v } else { v }
    }
}

/// The number in the cell that starts at `start` as `f32`: the `f32` nearest to its
/// correctly rounded `f64` (as [`number`], then `as f32`), and where the cell ends.
///
/// A cell of 16 to 19 significant digits without an exponent (a double printed in full,
/// as pandas writes gaitmap's deg/s: `0.04555014471290045`) is not exact as a double, so
/// [`number`] takes the correctly rounded parser for it. Its `f32` is known without that:
/// the digits as an integer (below 2⁶⁴) rounded to a double, divided by an exact power of
/// ten, are within 2⁻⁵² relative (two roundings) of the cell's value, and so within a few
/// units in the last place of its correctly rounded double. The two round to the same
/// `f32` unless an `f32` rounding boundary (the midpoint of two neighbouring `f32`) lies
/// between them, which needs the 29 bits of the quotient below `f32`'s precision to be
/// within a few units of one half; within 64 of it (one cell in some 4 million), and
/// outside `f32`'s normal range, the cell goes to the correctly rounded parser, as does a
/// cell not in the plain decimal form (as [`number`] would send them).
#[inline]
fn number_f32(data: &[u8], start: usize) -> Option<(f32, usize)> {
    if let Some(d) = Decimal::of(&data[start..]) {
        let v = d.quotient();
        if d.digits <= 15 {
            return Some((v as f32, start + d.len));
        }
        if let Some(f) = f32_clear_of_boundaries(v) {
            return Some((f, start + d.len));
        }
    }
    standard(data, start).map(|(v, end)| (v as f32, end))
}

/// `v as f32` when every double within a few units in the last place of `v` rounds to the
/// same `f32` (see [`number_f32`]); `None` near an `f32` rounding boundary, and outside
/// `f32`'s normal range (where it drops more bits, or overflows).
#[inline]
fn f32_clear_of_boundaries(v: f64) -> Option<f32> {
    const BELOW_F32: u32 = 52 - 23;
    const HALF: u64 = 1 << (BELOW_F32 - 1);
    const MARGIN: u64 = 64;
    if v == 0.0 {
        return Some(v as f32);
    }
    let magnitude = v.abs();
    if !(magnitude >= f64::from(f32::MIN_POSITIVE) && magnitude < f64::from(f32::MAX)) {
        return None;
    }
    let below = v.to_bits() & ((1 << BELOW_F32) - 1);
    (below.abs_diff(HALF) > MARGIN).then_some(v as f32)
}

/// The leading digits of `text` appended to `mantissa` (wrapping beyond 19 digits: such
/// a number is not taken from the mantissa); how many there were.
#[inline]
fn read_digits(text: &[u8], mantissa: &mut u64) -> usize {
    let mut n = 0;
    for &c in text {
        let d = c.wrapping_sub(b'0');
        if d >= 10 {
            break;
        }
        *mantissa = mantissa.wrapping_mul(10).wrapping_add(u64::from(d));
        n += 1;
    }
    n
}

/// True at the end of a cell: a comma, a line end, or the end of the data.
#[inline]
fn ends_cell(byte: Option<&u8>) -> bool {
    matches!(byte, None | Some(b',' | b'\n' | b'\r'))
}

/// The cell at `start` read as a finite number by a correctly rounded parser: the
/// Eisel–Lemire algorithm (`fast_float2`) when the number it reads ends the cell, else
/// the standard parser (both round correctly, so they agree on every cell both read).
fn standard(data: &[u8], start: usize) -> Option<(f64, usize)> {
    if let Ok((v, used)) = fast_float2::parse_partial::<f64, _>(&data[start..])
        && ends_cell(data.get(start + used))
    {
        return v.is_finite().then_some((v, start + used));
    }
    let len = data[start..]
        .iter()
        .position(|b| ends_cell(Some(b)))
        .unwrap_or(data.len() - start);
    let v: f64 = std::str::from_utf8(&data[start..start + len])
        .ok()?
        .parse()
        .ok()?;
    v.is_finite().then_some((v, start + len))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reads the data lines of `reader` (what follows the header) block by block: one column
    /// per cell, or `None` when a line is not in the plain form or the data holds no line.
    /// `size_hint` (bytes, e.g. the file's length) sizes the columns. Errors of the reader
    /// itself are returned as such.
    fn read_stream(
        reader: impl Read + Send,
        cells: usize,
        size_hint: usize,
    ) -> std::io::Result<Option<Columns>> {
        match stream_blocks(reader, cells, size_hint, |_, _, _| Ok(())) {
            Ok(columns) => Ok(columns),
            Err(Stop::Io(e)) => Err(e),
            Err(Stop::Window(_)) => unreachable!("no window is handed over"),
        }
    }

    /// The columns read, all as `f64`.
    fn table(text: &str, cells: usize) -> Option<Vec<Vec<f64>>> {
        parse(text.as_bytes(), 0, cells).map(|c| {
            let rest = c.rest.iter().map(|r| r.iter().map(|&v| v as f64).collect());
            std::iter::once(c.first).chain(rest).collect()
        })
    }

    #[test]
    fn reads_plain_lines_with_either_line_end() {
        let t = table("0.0,1.5,-2\n0.005,-0.25,3e2\r\n0.010,.5,7.", 3).unwrap();
        assert_eq!(t[0], [0.0, 0.005, 0.01]);
        assert_eq!(t[1], [1.5, -0.25, 0.5]);
        assert_eq!(t[2], [-2.0, 300.0, 7.0]);
        // blank lines at the end of the file
        assert_eq!(table("1,2\n3,4\n\n \r\n", 2).unwrap()[1], [2.0, 4.0]);
        assert_eq!(table("\n\n", 2), None);
    }

    /// Every value equals the standard parser's, bit for bit, fast path or not.
    #[test]
    fn values_are_the_standard_parsers() {
        let cells = [
            "0.1",
            "-9.806650",
            "123456789012345",
            "0.123456789012345",
            "1234567890123456789",
            "0.30000000000000004",
            "9007199254740993",
            "-0.000000",
            "1e-7",
            "+2.5",
            "0000000000000000001.5",
            "179769313486231570000000000000000000000000000000000000000000",
            "4.9e-324",
            "0.0000000000000000000000001",
            "0.04555014471290045",
            "-410.2581213153966",
            "2.2250738585072011e-308",
            "1.7976931348623157e308",
        ];
        let text = cells.join("\n");
        let t = table(&text, 1).unwrap();
        for (cell, v) in cells.iter().zip(&t[0]) {
            let want: f64 = cell.parse().unwrap();
            assert_eq!(v.to_bits(), want.to_bits(), "{cell}");
        }
    }

    /// A seeded xorshift, for test values.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    /// The `f32` read from a cell is the standard parser's double rounded to `f32`, bit
    /// for bit: on random cells of 1 to 20 digits, and on cells within a few units of an
    /// `f32` rounding boundary (the midpoint of two neighbouring `f32`), where the long
    /// digits' quick quotient must give way to the exact parse.
    #[test]
    fn f32_cells_are_the_standard_parsers_double_rounded() {
        let check = |cell: &str| {
            let want = cell.parse::<f64>().unwrap() as f32;
            let (got, end) = number_f32(cell.as_bytes(), 0).unwrap();
            assert_eq!(end, cell.len(), "{cell}");
            assert_eq!(got.to_bits(), want.to_bits(), "{cell}: {got} vs {want}");
        };
        let mut state = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..200_000 {
            let r = xorshift(&mut state);
            let digits = 1 + (r % 20) as usize;
            let whole = ((r >> 8) % (digits as u64 + 1)) as usize;
            let text: String = (0..digits)
                .map(|_| char::from(b'0' + (xorshift(&mut state) % 10) as u8))
                .collect();
            let sign = if (r >> 40) & 1 == 1 { "-" } else { "" };
            let cell = if whole == digits {
                format!("{sign}{text}")
            } else {
                format!("{sign}{}.{}", &text[..whole], &text[whole..])
            };
            check(&cell);
        }
        // midpoints of neighbouring f32 in [1, 100), printed to 17 decimals (18–19
        // digits), and their neighbours a few units of the 17th decimal away
        let mut hits = 0;
        for _ in 0..20_000 {
            let r = xorshift(&mut state);
            let a = 1.0 + (r % 99_000_000) as f32 / 1_000_000.0;
            let b = f32::from_bits(a.to_bits() + 1);
            let mid = (f64::from(a) + f64::from(b)) / 2.0;
            let text = format!("{mid:.17}");
            let (int, frac) = text.split_once('.').unwrap();
            let last: u64 = frac.parse().unwrap();
            for k in [-3_i64, -1, 0, 1, 3] {
                let Some(f) = last.checked_add_signed(k) else {
                    continue;
                };
                let cell = format!("{int}.{f:017}");
                if cell.len() == text.len() {
                    check(&cell);
                    hits += 1;
                }
            }
        }
        assert!(hits > 90_000, "{hits} near-midpoint cells");
        for cell in [
            "0.0000000000000000",
            "-0.0000000000000000",
            "1.17549435e-38",
        ] {
            check(cell);
        }
    }

    /// Runs of every length up to 20 digits before and after the point give the
    /// standard parser's bits (up to 15 on the fast path, the rest on the exact one).
    #[test]
    fn digit_runs_of_every_length_read_as_the_standard_parser() {
        let digits = "73195408622847319540";
        let mut cells = Vec::new();
        for whole in 0..=20 {
            for decimals in 0..=20 {
                if whole + decimals == 0 {
                    continue;
                }
                let mut cell = digits[..whole].to_string();
                if decimals > 0 {
                    cell += ".";
                    cell += &digits[20 - decimals..];
                }
                cells.push(format!("-{cell}"));
                cells.push(cell);
            }
        }
        let text = cells.join("\n");
        let t = table(&text, 1).unwrap();
        for (cell, v) in cells.iter().zip(&t[0]) {
            let want: f64 = cell.parse().unwrap();
            assert_eq!(v.to_bits(), want.to_bits(), "{cell}");
        }
    }

    #[test]
    fn anything_but_the_plain_form_is_left_to_the_exact_parse() {
        for text in [
            "1,2\n3\n",     // too few cells
            "1,2\n3,4,5\n", // too many
            "1,2\n\n3,4\n", // a blank line between rows
            "\n1,2\n",      // a blank line first
            "1, 2\n",       // padding
            "\"1\",2\n",    // quotes
            "1,nan\n",      // not finite
            "1,inf\n",      // not finite
            "1,1,5\n",      // a decimal comma reads as a third cell
            "1,x\n",        // not a number
            "1,\n",         // empty
            "1,2\r\r\n",    // a stray carriage return
            "1,-\n",        // a sign alone
        ] {
            assert_eq!(table(text, 2), None, "{text:?}");
        }
    }

    /// Random tables of tricky cells: whatever the fast path reads, the exact parse reads
    /// too, to the same bits; and a table of plain cells is always read fast.
    #[test]
    fn the_fast_path_agrees_with_the_exact_parse() {
        use rand::{Rng, SeedableRng};
        let tokens = [
            "0",
            "-0",
            "1.5",
            "-2.25",
            "0.000001",
            "123456789012345",
            "1234567890123456",
            "1e3",
            "-1E-3",
            "+4",
            ".5",
            "5.",
            "-.5",
            "nan",
            "inf",
            "",
            " 1",
            "1 ",
            "\"2\"",
            "1,5",
            "x",
            "-",
            ".",
            "0x10",
            "1_0",
            "99999999999999999999",
            "3.14159265358979",
            "0.04555014471290045",
            "-410.2581213153966",
            "1e",
            "1e+",
            "1.e5",
            "+.5",
            "-+1",
            "1ee5",
            ".e5",
            "1d5",
            "1E5",
            "infinity",
            "INF",
            "NaN",
            "+nan",
            "1e400",
            "-1e-400",
            "1e39",
            "-3.4028235e38",
            "1e-46",
            "2.2250738585072011e-308",
            "9007199254740993.0",
            "00.5",
            "-00",
            "1.5e+01",
        ];
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        let mut fast = 0;
        for _ in 0..3000 {
            let (cols, rows) = (rng.random_range(1..4), rng.random_range(1..5));
            let mut text = String::new();
            for r in 0..rows {
                let cells: Vec<&str> = (0..cols)
                    .map(|_| tokens[rng.random_range(0..tokens.len())])
                    .collect();
                text += &cells.join(",");
                if r + 1 < rows || rng.random_bool(0.5) {
                    text += if rng.random_bool(0.2) { "\r\n" } else { "\n" };
                }
            }
            let Some(got) = parse(text.as_bytes(), 0, cols) else {
                continue;
            };
            fast += 1;
            let header: Vec<String> = (0..cols).map(|k| format!("c{k}")).collect();
            let (want, _) =
                super::super::canonical_csv::parse_exact(text.as_bytes(), 0, &header, "t")
                    .unwrap_or_else(|e| panic!("{text:?}: fast read it, exact says {e}"));
            let bits = |t: &Columns| -> Vec<Vec<u64>> {
                let rest = t.rest.iter().map(|c| c.iter().map(|v| v.to_bits().into()));
                std::iter::once(t.first.iter().map(|v| v.to_bits()).collect())
                    .chain(rest.map(Iterator::collect))
                    .collect()
            };
            assert_eq!(bits(&got), bits(&want), "{text:?}");
        }
        assert!(fast > 100, "only {fast} tables read fast");
        assert!(table("1,-2.5\n3,4\n", 2).is_some());
    }

    #[test]
    fn both_halves_of_a_large_block_keep_their_order() {
        let text: String = (0..20_000).map(|i| format!("{i},-{i}.25\n")).collect();
        assert!(text.len() > SPLIT_MIN_BYTES);
        let t = table(&text, 2).unwrap();
        assert_eq!(t[0].len(), 20_000);
        assert!(t[0].iter().enumerate().all(|(i, &v)| v == i as f64));
        assert!(
            t[1].iter()
                .enumerate()
                .all(|(i, &v)| v == -(i as f64) - 0.25)
        );
    }

    /// Blocks cut mid-line: the stream carries the rest of the line into the next block.
    #[test]
    fn the_stream_reads_what_the_whole_parse_reads() {
        let header = "time,a\n";
        let body: String = (0..600_000)
            .map(|i| format!("{}.5,{}\n", i, i % 7))
            .collect();
        assert!(body.len() > BLOCK_BYTES);
        let file = format!("{header}{body}");
        let whole = parse(file.as_bytes(), header.len(), 2).unwrap();
        let streamed = read_stream(body.as_bytes(), 2, body.len())
            .unwrap()
            .unwrap();
        assert_eq!(whole, streamed);
        // without a final line end, and with a wrong size hint
        let cut = &body[..body.len() - 1];
        let streamed = read_stream(cut.as_bytes(), 2, 10).unwrap().unwrap();
        assert_eq!(streamed.rows(), 600_000);
        // a bad line far into the stream
        let bad = format!("{body}1,x\n");
        assert_eq!(read_stream(bad.as_bytes(), 2, bad.len()).unwrap(), None);
        // a line longer than a block (1 KiB for a small size hint)
        let long = format!("1,{}\n2,3\n", "1".repeat(1500));
        assert_eq!(read_stream(long.as_bytes(), 2, 10).unwrap(), None);
        // a stream that ends exactly at a block's end: two blocks of 1 KiB, 8-byte lines
        let exact: String = (0..256).map(|i| format!("{i:05},9\n")).collect();
        assert_eq!(exact.len(), 2048);
        let streamed = read_stream(exact.as_bytes(), 2, 10).unwrap().unwrap();
        assert_eq!(streamed.rows(), 256);
        assert_eq!(streamed.first[255], 255.0);
        // no data lines
        assert_eq!(read_stream(&b""[..], 2, 0).unwrap(), None);
        assert_eq!(read_stream(&b"\n\n"[..], 2, 2).unwrap(), None);
    }

    /// The windows `plan` cuts the data lines `body` into, at 100 lines per second; every
    /// line goes to a window.
    fn cut(body: &str, plan: WindowPlan) -> Vec<(Columns, WindowRows)> {
        let mut windows = Vec::new();
        let mut cutter = Cutter {
            plan,
            rows_per_s: &|_| Some(100.0),
            cut: None,
            base: 0,
            next: 0,
            done: false,
            each: |c: Columns, r: WindowRows| {
                windows.push((c, r));
                Ok(())
            },
        };
        let rest = stream_blocks(body.as_bytes(), 2, body.len(), |c, end, est| {
            cutter.after_block(c, end, est)
        });
        assert!(
            matches!(rest, Ok(None)),
            "the last window takes every line left"
        );
        assert!(cutter.done, "every window handed on");
        windows
    }

    /// The windows of a stream: each owned row in exactly one window, in order, with the
    /// overlap on either side; the last takes the rest; every value as the whole parse.
    #[test]
    fn windows_own_every_row_once_and_overlap_their_neighbours() {
        let body: String = (0..600_000)
            .map(|i| format!("{}.5,{}\n", i, i % 7))
            .collect();
        let whole = read_stream(body.as_bytes(), 2, body.len())
            .unwrap()
            .unwrap();
        // 100 rows per second: windows of 1,000 s own about 100,000 rows, and reach
        // 5,000 rows into each neighbour
        let plan = WindowPlan {
            own_s: 1000.0,
            overlap_s: 50.0,
        };
        let windows = cut(&body, plan);
        assert_eq!(windows.len(), 6);
        let mut owned = Columns::with_capacity(2, 0);
        for (k, (c, r)) in windows.iter().enumerate() {
            assert_eq!(r.index, k);
            assert_eq!(r.last, k == 5);
            // the rows are the file's rows from first_row on
            assert_eq!(
                c.first[..],
                whole.first[r.first_row..r.first_row + c.rows()]
            );
            assert_eq!(
                c.rest[0][..],
                whole.rest[0][r.first_row..r.first_row + c.rows()]
            );
            // the overlap: 5,000 rows before the owned ones (but the first's), and after
            // (but the last's)
            assert_eq!(r.own.start, if k == 0 { 0 } else { 5_000 });
            assert_eq!(c.rows() - r.own.end, if r.last { 0 } else { 5_000 });
            owned.first.extend_from_slice(&c.first[r.own.clone()]);
            owned.rest[0].extend_from_slice(&c.rest[0][r.own.clone()]);
        }
        assert_eq!(owned, whole);
        // windows without overlap still reach a row into the next: the first row it owns
        // is where their own time ends
        let bare = cut(
            &body,
            WindowPlan {
                own_s: 1000.0,
                overlap_s: 0.0,
            },
        );
        assert_eq!(bare.len(), 6);
        assert!(
            bare.iter()
                .all(|(c, r)| r.last || c.rows() == r.own.end + 1)
        );
        // a plan of one window hands the whole stream over at its end, uncopied
        let one = cut(&body, WindowPlan::WHOLE);
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, whole);
        assert_eq!(one[0].1.own, 0..600_000);
    }
}
