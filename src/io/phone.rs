//! Phone logger exports: Sensor Logger (a zip, or its unpacked folder) and phyphox (a zip,
//! or its `Raw Data.csv` alone). One phone is one sensor, worn where
//! [`ReadOptions::placement`] says (default: pelvis, for a phone in a running belt or a
//! pocket). Samples are in the phone's axes ([`Frame::Sensor`](crate::Frame)): runform
//! finds up and forward itself.
//!
//! **Sensor Logger** writes one CSV per sensor, columns named in the header: `time`
//! (integer nanoseconds since the epoch), `seconds_elapsed` (s from the start; used when
//! present), then `z`, `y`, `x` (in that order; read by name). `Accelerometer.csv` is the
//! acceleration with gravity removed, `Gravity.csv` the gravity, `TotalAcceleration.csv`
//! both (m/s²); `Gyroscope.csv` is rad/s (right-handed, counter-clockwise positive);
//! `Orientation.csv` is not needed; `Metadata.csv` names the `platform`. runform takes
//! `TotalAcceleration.csv`, else `Accelerometer.csv` + `Gravity.csv`, else
//! `Accelerometer.csv` when its magnitude shows that gravity is still in it. Sign and
//! unit conventions: Android reports specific force (a phone lying face up reads
//! +9.81 m/s² on z); iOS (CoreMotion) reports the opposite sign, in g. With platform
//! `ios` in `Metadata.csv`, runform negates the accelerations; the unit (g or m/s²) is
//! read from the magnitude of gravity, so either export reads right.
//!
//! **phyphox** writes `Raw Data.csv` (one experiment) or one CSV per sensor (e.g.
//! `Accelerometer.csv`, `Gyroscope.csv`) with a header per column naming the quantity,
//! the axis and the unit in brackets: `Time (s)`, `Acceleration x (m/s^2)`,
//! `Gyroscope x (rad/s)`, `Magnetic field x (µT)`. The separator (comma, tab or
//! semicolon) and decimal mark (point, or comma with tab or semicolon) are those of the
//! export settings. phyphox gives acceleration with gravity as specific force on both
//! platforms; `Linear Acceleration` (gravity removed) cannot be analysed on its own.
//!
//! Sensors sampled at their own times (the gyroscope beside the accelerometer) are
//! interpolated linearly onto the accelerometer's times. Archive entries are read only
//! when needed, each at most [`MAX_ENTRY_BYTES`].

use super::ReadOptions;
use super::assemble::{Column, SensorKind, Table, assemble, narrow};
use super::delimited::{self, CellKind};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{AccUnit, GyrUnit, Placement, Recording, STANDARD_GRAVITY_MPS2, Warning};
use std::io::{Cursor, Read};
use std::path::Path;

/// Largest archive entry read, bytes (a day at 500 Hz fits).
pub const MAX_ENTRY_BYTES: u64 = 1 << 30;

/// True when `bytes` start like a zip archive.
pub fn looks_like_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")
}

/// True when a zip's bytes name a phyphox export (`Raw Data.csv` or the `meta/` folder).
pub fn zip_is_phyphox(bytes: &[u8]) -> bool {
    let has = |needle: &[u8]| bytes.windows(needle.len()).any(|w| w == needle);
    has(b"Raw Data.csv") || has(b"meta/device.csv")
}

/// The files of an export: a zip in memory or a folder on disk.
enum Files<'a> {
    Zip(zip::ZipArchive<Cursor<&'a [u8]>>),
    Folder(&'a Path),
}

fn archive_error(source: &str, what: impl Into<String>) -> Error {
    InputError::new(source, Problem::Archive(what.into())).into()
}

impl<'a> Files<'a> {
    fn zip(bytes: &'a [u8], source: &str) -> Result<Self> {
        let opened = std::panic::catch_unwind(|| zip::ZipArchive::new(Cursor::new(bytes)));
        match opened {
            Ok(Ok(z)) => Ok(Files::Zip(z)),
            Ok(Err(e)) => Err(archive_error(
                source,
                format!("not a readable zip archive: {e} (truncated?)"),
            )),
            Err(_) => Err(archive_error(source, "not a readable zip archive")),
        }
    }

    /// The names of the CSV files, without folders.
    fn csv_names(&mut self, source: &str) -> Result<Vec<String>> {
        let mut names = Vec::new();
        match self {
            Files::Zip(z) => {
                for n in z.file_names() {
                    let n = n.map_err(|e| {
                        archive_error(source, format!("unreadable entry name: {e}"))
                    })?;
                    if n.to_ascii_lowercase().ends_with(".csv") {
                        names.push(n.to_string());
                    }
                }
            }
            Files::Folder(dir) => {
                let dir: &Path = dir;
                let entries = std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
                for e in entries.flatten() {
                    let n = e.file_name().to_string_lossy().into_owned();
                    if n.to_ascii_lowercase().ends_with(".csv") && e.path().is_file() {
                        names.push(n);
                    }
                }
            }
        }
        names.sort();
        Ok(names)
    }

    /// The entry whose file name (after any folder) is `name`, case-insensitive.
    fn find(&mut self, source: &str, name: &str) -> Result<Option<String>> {
        Ok(self.csv_names(source)?.into_iter().find(|n| {
            n.rsplit('/')
                .next()
                .is_some_and(|base| base.eq_ignore_ascii_case(name))
        }))
    }

    fn read(&mut self, source: &str, name: &str) -> Result<Vec<u8>> {
        let too_big = |n: u64| {
            archive_error(
                source,
                format!(
                    "{name} holds {n} bytes (more than the {MAX_ENTRY_BYTES} runform reads from one file)"
                ),
            )
        };
        match self {
            Files::Zip(z) => {
                let index = z
                    .index_for_name(name)
                    .ok_or_else(|| archive_error(source, format!("no entry {name}")))?;
                let mut f = z
                    .by_index(index)
                    .map_err(|e| archive_error(source, format!("{name}: {e}")))?;
                if f.size() > MAX_ENTRY_BYTES {
                    return Err(too_big(f.size()));
                }
                let mut out = Vec::with_capacity(f.size().min(1 << 24) as usize);
                (&mut f)
                    .take(MAX_ENTRY_BYTES + 1)
                    .read_to_end(&mut out)
                    .map_err(|e| {
                        archive_error(
                            source,
                            format!("{name}: {e} (damaged or truncated archive)"),
                        )
                    })?;
                if out.len() as u64 > MAX_ENTRY_BYTES {
                    return Err(too_big(out.len() as u64));
                }
                Ok(out)
            }
            Files::Folder(dir) => {
                let p = dir.join(name);
                let len = std::fs::metadata(&p).map_err(|e| Error::io(&p, e))?.len();
                if len > MAX_ENTRY_BYTES {
                    return Err(too_big(len));
                }
                std::fs::read(&p).map_err(|e| Error::io(&p, e))
            }
        }
    }

    /// Names an entry in messages: `archive.zip:Accelerometer.csv` or the file's path.
    fn describe(&self, source: &str, name: &str) -> String {
        match self {
            Files::Zip(_) => format!("{source}:{name}"),
            Files::Folder(dir) => dir.join(name).display().to_string(),
        }
    }
}

/// Samples of one sensor file: time, s, and x, y, z in the file's unit.
struct Triple {
    time_s: Vec<f64>,
    xyz: [Vec<f64>; 3],
    lines: Vec<usize>,
}

/// Linear interpolation of (`t`, `v`) at `at`, held at the ends.
pub(super) fn interpolate(t: &[f64], v: &[f64], at: &[f64]) -> Vec<f64> {
    let mut j = 0;
    at.iter()
        .map(|&x| {
            while j + 1 < t.len() && t[j + 1] < x {
                j += 1;
            }
            if t.len() == 1 || x <= t[0] {
                return v[0];
            }
            if j + 1 >= t.len() {
                return v[t.len() - 1];
            }
            let (t0, t1) = (t[j], t[j + 1]);
            if t1 <= t0 {
                return v[j];
            }
            let w = ((x - t0) / (t1 - t0)).clamp(0.0, 1.0);
            v[j] + w * (v[j + 1] - v[j])
        })
        .collect()
}

fn push_sensor(table: &mut Table, placement: Placement, sensor: SensorKind, xyz: [Vec<f64>; 3]) {
    for (axis, values) in xyz.into_iter().enumerate() {
        table.columns.push(Column {
            placement,
            sensor,
            axis,
            values: narrow(&values),
        });
    }
}

/// Reads a Sensor Logger sensor CSV by column name.
fn sensor_logger_csv(bytes: &[u8], source: &str) -> Result<Triple> {
    let text = delimited::text(bytes, source)?;
    let mut d = delimited::header(text, Some(b','));
    let find = |name: &str| d.header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let (time_col, kind) = match (find("seconds_elapsed"), find("time")) {
        (Some(c), _) => (c, CellKind::Number),
        (None, Some(c)) => (c, CellKind::Nanoseconds),
        _ => {
            return Err(InputError::new(
                source,
                Problem::Archive(
                    "no 'seconds_elapsed' or 'time' column (expected Sensor Logger's time, seconds_elapsed, z, y, x)".into(),
                ),
            )
            .at_line(d.header_line)
            .into());
        }
    };
    let mut wanted = vec![(time_col, kind)];
    for axis in ["x", "y", "z"] {
        let c = find(axis).ok_or_else(|| {
            Error::from(
                InputError::new(
                    source,
                    Problem::Archive(format!(
                        "no '{axis}' column (expected Sensor Logger's time, seconds_elapsed, z, y, x)"
                    )),
                )
                .at_line(d.header_line),
            )
        })?;
        wanted.push((c, CellKind::Number));
    }
    let (mut cols, lines) = delimited::columns(text, source, &mut d, &wanted)?;
    let z = cols.pop().unwrap_or_default();
    let y = cols.pop().unwrap_or_default();
    let x = cols.pop().unwrap_or_default();
    let time_s = cols.pop().unwrap_or_default();
    Ok(Triple {
        time_s,
        xyz: [x, y, z],
        lines,
    })
}

/// Reads a Sensor Logger export: a zip (`bytes`) or an unpacked folder (`folder`).
pub fn read_sensor_logger(
    bytes: Option<&[u8]>,
    folder: Option<&Path>,
    source: &str,
    options: &ReadOptions,
) -> Result<Recording> {
    let mut files = match (bytes, folder) {
        (Some(b), _) => Files::zip(b, source)?,
        (None, Some(dir)) => Files::Folder(dir),
        (None, None) => return Err(InputError::new(source, Problem::Empty).into()),
    };
    let mut warnings = Vec::new();
    let load = |files: &mut Files, name: &str| -> Result<Option<(Triple, String)>> {
        match files.find(source, name)? {
            Some(entry) => {
                let bytes = files.read(source, &entry)?;
                let described = files.describe(source, &entry);
                Ok(Some((sensor_logger_csv(&bytes, &described)?, described)))
            }
            None => Ok(None),
        }
    };
    let platform = match files.find(source, "Metadata.csv")? {
        Some(entry) => {
            let bytes = files.read(source, &entry)?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let mut lines = text.lines();
            let head = delimited::cells(lines.next().unwrap_or_default(), b',')
                .into_iter()
                .map(|s| s.to_ascii_lowercase())
                .collect::<Vec<_>>();
            let row = lines.next().unwrap_or_default().to_string();
            let row = delimited::cells(&row, b',');
            head.iter()
                .position(|h| h == "platform")
                .and_then(|i| row.get(i).map(|p| p.to_ascii_lowercase()))
        }
        None => None,
    };
    let (acc, acc_name) = if let Some(total) = load(&mut files, "TotalAcceleration.csv")? {
        total
    } else if let Some((user, name)) = load(&mut files, "Accelerometer.csv")? {
        if let Some((gravity, _)) = load(&mut files, "Gravity.csv")? {
            let mut sum = user;
            for axis in 0..3 {
                let g = interpolate(&gravity.time_s, &gravity.xyz[axis], &sum.time_s);
                for (a, g) in sum.xyz[axis].iter_mut().zip(g) {
                    *a += g;
                }
            }
            warnings.push(Warning::new(
                "gravity_added",
                "Accelerometer.csv has gravity removed: Gravity.csv was added back to it",
            ));
            (sum, name)
        } else {
            let n = user.time_s.len().max(1) as f64;
            let mean = |k: usize| user.xyz[k].iter().sum::<f64>() / n;
            let g = (mean(0).powi(2) + mean(1).powi(2) + mean(2).powi(2)).sqrt();
            let with_gravity = (0.7..1.3).contains(&g)
                || (0.7 * STANDARD_GRAVITY_MPS2..1.3 * STANDARD_GRAVITY_MPS2).contains(&g);
            if !with_gravity {
                return Err(archive_error(
                    source,
                    format!(
                        "Accelerometer.csv has gravity removed (mean {g:.2}) and there is no Gravity.csv or TotalAcceleration.csv to add it back (record them in Sensor Logger)"
                    ),
                ));
            }
            (user, name)
        }
    } else {
        return Err(archive_error(
            source,
            "no TotalAcceleration.csv or Accelerometer.csv (expected a Sensor Logger export)",
        ));
    };
    let placement = options.placement.unwrap_or(Placement::Pelvis);
    let mut table = Table {
        source: acc_name,
        time_s: acc.time_s,
        lines: Some(acc.lines),
        ..Table::default()
    };
    let mut xyz = acc.xyz;
    if platform.as_deref() == Some("ios") {
        for axis in xyz.iter_mut() {
            for v in axis.iter_mut() {
                *v = -*v;
            }
        }
        warnings.push(Warning::new(
            "ios_sign",
            "recorded on iOS: accelerations negated to specific force (CoreMotion's sign is the opposite of Android's)",
        ));
    }
    let gyr = load(&mut files, "Gyroscope.csv")?;
    push_sensor(&mut table, placement, SensorKind::Acc, xyz);
    let has_gyr = gyr.is_some();
    if let Some((g, _)) = gyr {
        let at = &table.time_s;
        let xyz = [0, 1, 2].map(|k| interpolate(&g.time_s, &g.xyz[k], at));
        push_sensor(&mut table, placement, SensorKind::Gyr, xyz);
    }
    let options = ReadOptions {
        gyr_unit: options.gyr_unit.or(has_gyr.then_some(GyrUnit::RadPerS)),
        ..options.clone()
    };
    let mut rec = assemble(table, &options)?;
    rec.source = source.to_string();
    rec.warnings.extend(warnings);
    Ok(rec)
}

/// What a phyphox column holds.
#[derive(Debug, Clone, Copy, PartialEq)]
enum PhyphoxColumn {
    Time {
        to_s: f64,
    },
    Axis {
        sensor: SensorKind,
        axis: usize,
        unit: Option<UnitOf>,
    },
    LinearAcc,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum UnitOf {
    Acc(AccUnit),
    Gyr(GyrUnit),
    Mag,
}

fn phyphox_column(name: &str) -> PhyphoxColumn {
    let lower = name.to_lowercase();
    let (label, unit) = match lower.rfind('(') {
        Some(i) => (
            lower[..i].trim().to_string(),
            lower[i + 1..].trim_end_matches(')').trim().to_string(),
        ),
        None => (lower.trim().to_string(), String::new()),
    };
    if label.starts_with("time") {
        let to_s = match unit.as_str() {
            "ms" => 1e-3,
            "µs" | "us" => 1e-6,
            "ns" => 1e-9,
            _ => 1.0,
        };
        return PhyphoxColumn::Time { to_s };
    }
    let axis = match label.rsplit(' ').next() {
        Some("x") => 0,
        Some("y") => 1,
        Some("z") => 2,
        _ => return PhyphoxColumn::Other,
    };
    if label.contains("linear") {
        return PhyphoxColumn::LinearAcc;
    }
    let unit_of = match unit.replace('²', "^2").as_str() {
        "m/s^2" | "m/s2" => Some(UnitOf::Acc(AccUnit::Mps2)),
        "g" => Some(UnitOf::Acc(AccUnit::G)),
        "rad/s" => Some(UnitOf::Gyr(GyrUnit::RadPerS)),
        "deg/s" | "°/s" => Some(UnitOf::Gyr(GyrUnit::DegPerS)),
        "µt" | "μt" | "ut" => Some(UnitOf::Mag),
        _ => None,
    };
    let sensor = match unit_of {
        Some(UnitOf::Acc(_)) => SensorKind::Acc,
        Some(UnitOf::Gyr(_)) => SensorKind::Gyr,
        Some(UnitOf::Mag) => SensorKind::Mag,
        None if label.starts_with("acc") => SensorKind::Acc,
        None if label.starts_with("gyr") => SensorKind::Gyr,
        None if label.starts_with("mag") => SensorKind::Mag,
        None => return PhyphoxColumn::Other,
    };
    PhyphoxColumn::Axis {
        sensor,
        axis,
        unit: unit_of,
    }
}

/// One phyphox CSV: its time and the sensor axes it holds.
struct PhyphoxFile {
    source: String,
    time_s: Vec<f64>,
    lines: Vec<usize>,
    axes: Vec<(SensorKind, usize, Vec<f64>)>,
    acc_unit: Option<AccUnit>,
    gyr_unit: Option<GyrUnit>,
    linear_only: bool,
}

/// True when a header line looks like phyphox's: a first column `Time (s)`.
pub fn looks_like_phyphox(header_first_cell: &str) -> bool {
    let c = header_first_cell.trim().trim_matches('"').to_lowercase();
    c.starts_with("time (") && c.ends_with(')')
}

fn phyphox_csv(bytes: &[u8], source: &str) -> Result<PhyphoxFile> {
    let text = delimited::text(bytes, source)?;
    let mut d = delimited::header(text, None);
    let kinds: Vec<PhyphoxColumn> = d.header.iter().map(|h| phyphox_column(h)).collect();
    let Some((time_col, to_s)) = kinds.iter().enumerate().find_map(|(i, k)| match k {
        PhyphoxColumn::Time { to_s } => Some((i, *to_s)),
        _ => None,
    }) else {
        return Err(InputError::new(
            source,
            Problem::NoTimeColumn {
                found: d.header.first().cloned().unwrap_or_default(),
            },
        )
        .at_line(d.header_line)
        .into());
    };
    let mut wanted = vec![(time_col, CellKind::Number)];
    let mut meta = Vec::new();
    let (mut acc_unit, mut gyr_unit) = (None, None);
    let mut linear = false;
    for (i, k) in kinds.iter().enumerate() {
        match *k {
            PhyphoxColumn::Axis { sensor, axis, unit } => {
                if meta.iter().any(|&(s, a)| s == sensor && a == axis) {
                    continue;
                }
                let mixed = match unit {
                    Some(UnitOf::Acc(u)) => acc_unit.replace(u).is_some_and(|was| was != u),
                    Some(UnitOf::Gyr(u)) => gyr_unit.replace(u).is_some_and(|was| was != u),
                    _ => false,
                };
                if mixed {
                    return Err(InputError::new(
                        source,
                        Problem::Archive(
                            "mixed units: the axes of one sensor are in different units (expected one unit per sensor)".into(),
                        ),
                    )
                    .at_line(d.header_line)
                    .in_column(d.header[i].clone())
                    .into());
                }
                wanted.push((i, CellKind::Number));
                meta.push((sensor, axis));
            }
            PhyphoxColumn::LinearAcc => linear = true,
            _ => {}
        }
    }
    let (mut cols, lines) = delimited::columns(text, source, &mut d, &wanted)?;
    let mut time_s = cols.remove(0);
    for t in &mut time_s {
        *t *= to_s;
    }
    let axes = meta
        .into_iter()
        .zip(cols)
        .map(|((s, a), v)| (s, a, v))
        .collect();
    Ok(PhyphoxFile {
        source: source.to_string(),
        time_s,
        lines,
        axes,
        acc_unit,
        gyr_unit,
        linear_only: linear,
    })
}

/// Reads a phyphox export: a zip of CSVs (`Raw Data.csv`, or one per sensor), or one CSV.
pub fn read_phyphox(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Recording> {
    let mut parts = Vec::new();
    if looks_like_zip(bytes) {
        let mut files = Files::zip(bytes, source)?;
        for name in files.csv_names(source)? {
            if name.starts_with("meta/") || name.contains("/meta/") {
                continue;
            }
            let b = files.read(source, &name)?;
            parts.push(phyphox_csv(&b, &files.describe(source, &name))?);
        }
        if parts.is_empty() {
            return Err(archive_error(
                source,
                "no CSV files in the archive (expected phyphox's 'Raw Data.csv')",
            ));
        }
    } else {
        parts.push(phyphox_csv(bytes, source)?);
    }
    let has_acc = |p: &PhyphoxFile| p.axes.iter().any(|(s, _, _)| *s == SensorKind::Acc);
    let Some(base) = parts.iter().position(has_acc) else {
        let what = if parts.iter().any(|p| p.linear_only) {
            "only linear acceleration (gravity removed), which runform cannot align to the body: export 'Acceleration with g'"
        } else {
            "no acceleration columns (expected e.g. 'Acceleration x (m/s^2)')"
        };
        return Err(InputError::new(source, Problem::Archive(what.into())).into());
    };
    let placement = options.placement.unwrap_or(Placement::Pelvis);
    let base_file = parts.swap_remove(base);
    let mut table = Table {
        source: base_file.source.clone(),
        time_s: base_file.time_s.clone(),
        lines: Some(base_file.lines.clone()),
        ..Table::default()
    };
    let (mut acc_unit, mut gyr_unit) = (base_file.acc_unit, base_file.gyr_unit);
    let mut seen: Vec<(SensorKind, usize)> = Vec::new();
    for (s, a, v) in base_file.axes {
        seen.push((s, a));
        table.columns.push(Column {
            placement,
            sensor: s,
            axis: a,
            values: narrow(&v),
        });
    }
    for p in parts {
        if p.time_s.is_empty() {
            continue;
        }
        acc_unit = acc_unit.or(p.acc_unit);
        gyr_unit = gyr_unit.or(p.gyr_unit);
        for (s, a, v) in p.axes {
            if seen.contains(&(s, a)) {
                continue;
            }
            seen.push((s, a));
            table.columns.push(Column {
                placement,
                sensor: s,
                axis: a,
                values: narrow(&interpolate(&p.time_s, &v, &table.time_s)),
            });
        }
    }
    let options = ReadOptions {
        acc_unit: options.acc_unit.or(acc_unit),
        gyr_unit: options.gyr_unit.or(gyr_unit),
        ..options.clone()
    };
    let mut rec = assemble(table, &options)?;
    rec.source = source.to_string();
    Ok(rec)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phyphox_headers_name_sensor_axis_and_unit() {
        assert_eq!(
            phyphox_column("Acceleration x (m/s^2)"),
            PhyphoxColumn::Axis {
                sensor: SensorKind::Acc,
                axis: 0,
                unit: Some(UnitOf::Acc(AccUnit::Mps2))
            }
        );
        assert_eq!(
            phyphox_column("Gyroscope z (rad/s)"),
            PhyphoxColumn::Axis {
                sensor: SensorKind::Gyr,
                axis: 2,
                unit: Some(UnitOf::Gyr(GyrUnit::RadPerS))
            }
        );
        assert_eq!(
            phyphox_column("Time (ms)"),
            PhyphoxColumn::Time { to_s: 1e-3 }
        );
        assert_eq!(
            phyphox_column("Linear Acceleration y (m/s^2)"),
            PhyphoxColumn::LinearAcc
        );
        assert_eq!(
            phyphox_column("Absolute acceleration (m/s^2)"),
            PhyphoxColumn::Other
        );
        assert!(looks_like_phyphox("\"Time (s)\""));
        assert!(!looks_like_phyphox("time"));
    }

    #[test]
    fn interpolation_holds_the_ends() {
        let v = interpolate(&[0.0, 1.0, 2.0], &[0.0, 10.0, 20.0], &[-1.0, 0.5, 1.5, 3.0]);
        assert_eq!(v, [0.0, 5.0, 15.0, 20.0]);
    }
}
