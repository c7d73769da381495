//! Delimited text as phone loggers and spreadsheets write it: the separator (`,`, `;` or
//! tab) and the decimal mark (`.`, or `,` when the separator is not a comma) are told from
//! the file; cells may be quoted; a UTF-8 byte-order mark is skipped. Only the columns
//! asked for are kept, as numbers, seconds (ISO 8601 timestamps) or whole nanoseconds.
//!
//! Used by the Sensor Logger, phyphox and mapped-CSV readers; runform's canonical CSV has
//! its own, faster reader.

use crate::error::{Error, InputError, Problem, Result};

/// How the cells of a kept column are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellKind {
    /// A decimal number.
    Number,
    /// A whole number of nanoseconds (e.g. since the epoch), kept exact by subtracting
    /// the first row's value before it becomes seconds.
    Nanoseconds,
    /// An ISO 8601 date and time (`2024-05-01T07:30:00.125Z`, `+02:00`, or no zone = UTC),
    /// as seconds since the epoch.
    IsoTime,
}

/// The text of a file, split into a header and the kept columns.
#[derive(Debug, Clone, PartialEq)]
pub struct Delimited {
    /// Header names, unquoted and trimmed.
    pub header: Vec<String>,
    /// The separator found.
    pub separator: u8,
    /// True when numbers use `,` as the decimal mark.
    pub decimal_comma: bool,
    /// 1-based line of the header (after any lines skipped before it).
    pub header_line: usize,
}

/// Checks that `bytes` are UTF-8 text (a UTF-16 file, or binary, is refused) and returns
/// them without a byte-order mark.
pub fn text<'a>(bytes: &'a [u8], source: &str) -> Result<&'a str> {
    if bytes.is_empty() {
        return Err(InputError::new(source, Problem::Empty).into());
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        return Err(InputError::new(
            source,
            Problem::NotText("UTF-16 text; save it as UTF-8".into()),
        )
        .into());
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let head = &bytes[..bytes.len().min(4096)];
    if head.contains(&0) {
        return Err(
            InputError::new(source, Problem::NotText("binary data: NUL bytes".into())).into(),
        );
    }
    std::str::from_utf8(bytes).map_err(|e| {
        let line = bytes[..e.valid_up_to()]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1;
        InputError::new(source, Problem::NotText("bytes that are not UTF-8".into()))
            .at_line(line)
            .into()
    })
}

/// Splits a line at `sep`, unquoting and trimming each cell.
pub fn cells(line: &str, sep: u8) -> Vec<&str> {
    let sep = sep as char;
    let mut out = Vec::new();
    let mut start = 0;
    let mut quoted = false;
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(clean(&line[start..i]));
            start = i + 1;
        }
    }
    out.push(clean(&line[start..]));
    out
}

fn clean(cell: &str) -> &str {
    let c = cell.trim();
    c.strip_prefix('"')
        .and_then(|c| c.strip_suffix('"'))
        .unwrap_or(c)
        .trim()
}

/// Reads the header (the first non-empty line) and tells the separator.
pub fn header(text: &str, forced_sep: Option<u8>) -> Delimited {
    let (n, line) = text
        .lines()
        .enumerate()
        .find(|(_, l)| !l.trim().is_empty())
        .unwrap_or((0, ""));
    let count = |c: char| line.matches(c).count();
    let separator = forced_sep.unwrap_or_else(|| {
        [(b'\t', count('\t')), (b';', count(';')), (b',', count(','))]
            .into_iter()
            .max_by_key(|&(_, n)| n)
            .filter(|&(_, n)| n > 0)
            .map_or(b',', |(s, _)| s)
    });
    Delimited {
        header: cells(line, separator)
            .into_iter()
            .map(String::from)
            .collect(),
        separator,
        decimal_comma: false,
        header_line: n + 1,
    }
}

/// Parses a number, with `,` as decimal mark when `decimal_comma`.
fn number(cell: &str, decimal_comma: bool) -> Option<f64> {
    if decimal_comma && cell.contains(',') {
        cell.replacen(',', ".", 1).parse().ok()
    } else {
        cell.parse().ok()
    }
}

/// Reads the columns `wanted` (index, kind) of every data row after the header of `d`.
/// Returns one `Vec` per wanted column and the 1-based file line of each row. Empty lines
/// are skipped; a short row, an empty or unreadable cell is an error naming line and
/// column.
pub fn columns(
    text: &str,
    source: &str,
    d: &mut Delimited,
    wanted: &[(usize, CellKind)],
) -> Result<(Vec<Vec<f64>>, Vec<usize>)> {
    let mut out: Vec<Vec<f64>> = vec![Vec::new(); wanted.len()];
    let mut lines_of = Vec::new();
    let mut first_ns: Vec<Option<i128>> = vec![None; wanted.len()];
    let need = wanted.iter().map(|w| w.0).max().map_or(0, |m| m + 1);
    let mut decided = d.separator == b',';
    for (i, line) in text.lines().enumerate().skip(d.header_line) {
        if line.trim().is_empty() {
            continue;
        }
        let line_no = i + 1;
        let row = cells(line, d.separator);
        if row.len() < need {
            return Err(InputError::new(
                source,
                Problem::Malformed(format!(
                    "{} fields where the header has {} (separator '{}')",
                    row.len(),
                    d.header.len(),
                    (d.separator as char).escape_default()
                )),
            )
            .at_line(line_no)
            .into());
        }
        if !decided {
            // the first row tells the decimal mark: a comma inside a number cell
            d.decimal_comma = wanted
                .iter()
                .any(|&(c, k)| k == CellKind::Number && row[c].contains(','));
            decided = true;
        }
        for (k, &(c, kind)) in wanted.iter().enumerate() {
            let cell = row[c];
            let err = |p: Problem| -> Error {
                InputError::new(source, p)
                    .at_line(line_no)
                    .in_column(d.header.get(c).cloned().unwrap_or_default())
                    .into()
            };
            if cell.is_empty() {
                return Err(err(Problem::Missing));
            }
            let v = match kind {
                CellKind::Number => number(cell, d.decimal_comma).ok_or_else(|| {
                    if !d.decimal_comma && cell.contains(',') {
                        err(Problem::DecimalComma { value: cell.into() })
                    } else {
                        err(Problem::NotANumber { value: cell.into() })
                    }
                })?,
                CellKind::Nanoseconds => {
                    let ns: i128 = cell.parse().map_err(|_| {
                        err(Problem::Other(format!(
                            "'{cell}' is not a whole number of nanoseconds"
                        )))
                    })?;
                    let first = *first_ns[k].get_or_insert(ns);
                    (ns - first) as f64 / 1e9
                }
                CellKind::IsoTime => iso_seconds(cell).ok_or_else(|| {
                    err(Problem::Other(format!(
                        "'{cell}' is not an ISO 8601 time (expected e.g. 2024-05-01T07:30:00.125Z)"
                    )))
                })?,
            };
            out[k].push(v);
        }
        lines_of.push(line_no);
    }
    Ok((out, lines_of))
}

/// Seconds since 1970-01-01T00:00:00Z of an ISO 8601 date and time
/// (`YYYY-MM-DD[T ]HH:MM:SS[.frac][Z|±HH:MM|±HHMM]`; no zone reads as UTC).
pub fn iso_seconds(s: &str) -> Option<f64> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 19 || b[4] != b'-' || b[7] != b'-' || !matches!(b[10], b'T' | b' ') {
        return None;
    }
    let int = |r: std::ops::Range<usize>| -> Option<i64> {
        let t = s.get(r)?;
        t.bytes()
            .all(|c| c.is_ascii_digit())
            .then(|| t.parse().ok())?
    };
    let (y, mo, d) = (int(0..4)?, int(5..7)?, int(8..10)?);
    if b[13] != b':' || b[16] != b':' {
        return None;
    }
    let (h, mi, sec) = (int(11..13)?, int(14..16)?, int(17..19)?);
    if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || sec > 60 {
        return None;
    }
    let mut rest = &s[19..];
    let mut frac = 0.0;
    if let Some(r) = rest.strip_prefix('.').or_else(|| rest.strip_prefix(',')) {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        frac = format!("0.{}", &r[..n]).parse().ok()?;
        rest = &r[n..];
    }
    let offset_s = match rest {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = match rest.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let digits: String = rest[1..].chars().filter(|c| *c != ':').collect();
            if digits.len() != 4 || !digits.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            let hh: i64 = digits[..2].parse().ok()?;
            let mm: i64 = digits[2..].parse().ok()?;
            sign * (hh * 3600 + mm * 60)
        }
    };
    // days from civil (Howard Hinnant's algorithm)
    let y = if mo <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (mo + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some((days * 86_400 + h * 3600 + mi * 60 + sec - offset_s) as f64 + frac)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separator_and_decimal_mark_are_told_from_the_file() {
        let t = "\"Time (s)\";\"X (m/s^2)\"\n0,01;9,81\n0,02;9,79\n";
        let mut d = header(t, None);
        assert_eq!(d.separator, b';');
        assert_eq!(d.header, ["Time (s)", "X (m/s^2)"]);
        let (cols, lines) = columns(
            t,
            "a",
            &mut d,
            &[(0, CellKind::Number), (1, CellKind::Number)],
        )
        .unwrap();
        assert!(d.decimal_comma);
        assert_eq!(cols[1], [9.81, 9.79]);
        assert_eq!(lines, [2, 3]);
    }

    #[test]
    fn short_rows_and_bad_cells_are_located() {
        let t = "a,b\n1,2\n3\n";
        let mut d = header(t, None);
        let e = columns(t, "f.csv", &mut d, &[(1, CellKind::Number)]).unwrap_err();
        assert!(
            e.to_string().starts_with("f.csv, line 3: malformed CSV"),
            "{e}"
        );
        let t = "a,b\n1,x\n";
        let mut d = header(t, None);
        let e = columns(t, "f.csv", &mut d, &[(1, CellKind::Number)]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.csv, line 2, column 'b': 'x' is not a number"
        );
    }

    #[test]
    fn nanoseconds_stay_exact() {
        let t = "time\n1698765432123456789\n1698765432133456789\n";
        let mut d = header(t, None);
        let (c, _) = columns(t, "a", &mut d, &[(0, CellKind::Nanoseconds)]).unwrap();
        assert_eq!(c[0], [0.0, 0.01]);
    }

    #[test]
    fn iso_times_read_as_epoch_seconds() {
        assert_eq!(iso_seconds("1970-01-01T00:00:00Z"), Some(0.0));
        assert_eq!(iso_seconds("2000-03-01T00:00:00"), Some(951_868_800.0));
        assert_eq!(
            iso_seconds("2000-03-01 01:00:00.5+01:00"),
            Some(951_868_800.5)
        );
        assert_eq!(iso_seconds("2000-13-01T00:00:00"), None);
        assert_eq!(iso_seconds("yesterday"), None);
    }

    #[test]
    fn utf16_and_binary_are_not_text() {
        assert!(
            text(b"\xFF\xFEt\0i\0", "a")
                .unwrap_err()
                .to_string()
                .contains("UTF-16")
        );
        assert!(text(b"a\0b", "a").unwrap_err().to_string().contains("NUL"));
        assert_eq!(text(b"\xEF\xBB\xBFtime", "a").unwrap(), "time");
    }
}
