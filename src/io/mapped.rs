//! Any CSV through a column mapping: which source column is the time, and which are
//! which canonical sensor axes (`<placement>_<acc|gyr|mag>_<x|y|z>`), with the units.
//!
//! Inline (`--map`): comma-separated `SOURCE=TARGET` pairs, where TARGET is `time` or a
//! canonical column name, plus the settings `time_unit=s|ms|us|ns|iso`,
//! `acc_unit=g|m/s2`, `gyr_unit=deg/s|rad/s`, `separator=comma|semicolon|tab`:
//!
//! ```text
//! t=time,time_unit=ms,ax=pelvis_acc_x,ay=pelvis_acc_y,az=pelvis_acc_z,acc_unit=g
//! ```
//!
//! As a TOML file: the settings at the top, the pairs in a `[columns]` table:
//!
//! ```toml
//! time_unit = "ms"
//! acc_unit = "g"
//! [columns]
//! t = "time"
//! ax = "pelvis_acc_x"
//! ```
//!
//! Time units: seconds, milliseconds, microseconds, whole nanoseconds (kept exact: the
//! first value is subtracted first), or ISO 8601 timestamps. Columns not named in the map
//! are ignored. The separator and decimal mark are told from the file unless given.

use super::ReadOptions;
use super::assemble::{Column, Table, assemble, narrow};
use super::delimited::{self, CellKind};
use super::parquet::canonical_name;
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::{AccUnit, GyrUnit, Recording};
use std::path::Path;

/// Unit of a mapped time column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeUnit {
    /// Seconds.
    #[default]
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Microseconds.
    Microseconds,
    /// Whole nanoseconds.
    Nanoseconds,
    /// ISO 8601 timestamps.
    Iso,
}

impl std::str::FromStr for TimeUnit {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s {
            "s" => Ok(TimeUnit::Seconds),
            "ms" => Ok(TimeUnit::Milliseconds),
            "us" | "µs" => Ok(TimeUnit::Microseconds),
            "ns" => Ok(TimeUnit::Nanoseconds),
            "iso" => Ok(TimeUnit::Iso),
            _ => Err(format!(
                "unknown time unit '{s}' (expected s, ms, us, ns or iso)"
            )),
        }
    }
}

/// Which source columns are which, and their units.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ColumnMap {
    /// The source column holding time.
    pub time: String,
    /// Its unit.
    pub time_unit: TimeUnit,
    /// (source column, canonical target name).
    pub columns: Vec<(String, String)>,
    /// Accelerometer unit, when the map gives it.
    pub acc_unit: Option<AccUnit>,
    /// Gyroscope unit, when the map gives it.
    pub gyr_unit: Option<GyrUnit>,
    /// The separator, when the map gives it.
    pub separator: Option<u8>,
}

fn setting(e: impl Into<String>) -> Error {
    Error::Setting(e.into())
}

impl ColumnMap {
    /// Parses `spec`: the path of a `.toml` file, or inline pairs.
    pub fn parse(spec: &str) -> Result<ColumnMap> {
        let path = Path::new(spec);
        if spec.to_ascii_lowercase().ends_with(".toml") {
            let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
            return Self::from_toml(&text, spec);
        }
        let mut pairs = Vec::new();
        for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            let (k, v) = item.split_once('=').ok_or_else(|| {
                setting(format!(
                    "--map entry '{item}' is not SOURCE=TARGET (e.g. ax=pelvis_acc_x)"
                ))
            })?;
            pairs.push((k.trim().to_string(), v.trim().to_string()));
        }
        Self::from_pairs(pairs, "--map")
    }

    /// Parses a TOML map; `name` names it in messages.
    pub fn from_toml(text: &str, name: &str) -> Result<ColumnMap> {
        let doc: toml::Table = text
            .parse()
            .map_err(|e: toml::de::Error| setting(format!("{name}: {}", e.message())))?;
        let mut pairs = Vec::new();
        for (k, v) in &doc {
            match (k.as_str(), v) {
                ("columns", toml::Value::Table(t)) => {
                    for (src, target) in t {
                        let target = target.as_str().ok_or_else(|| {
                            setting(format!("{name}: columns.{src} must be a string"))
                        })?;
                        pairs.push((src.clone(), target.to_string()));
                    }
                }
                (k, toml::Value::String(s)) => pairs.push((k.to_string(), s.clone())),
                (k, _) => return Err(setting(format!("{name}: '{k}' must be a string"))),
            }
        }
        Self::from_pairs(pairs, name)
    }

    fn from_pairs(pairs: Vec<(String, String)>, name: &str) -> Result<ColumnMap> {
        let mut map = ColumnMap::default();
        let mut time = None;
        for (k, v) in pairs {
            match k.as_str() {
                "time_unit" => {
                    map.time_unit = v.parse().map_err(|e| setting(format!("{name}: {e}")))?
                }
                "acc_unit" => {
                    map.acc_unit = Some(v.parse().map_err(|e| setting(format!("{name}: {e}")))?)
                }
                "gyr_unit" => {
                    map.gyr_unit = Some(v.parse().map_err(|e| setting(format!("{name}: {e}")))?)
                }
                "separator" => {
                    map.separator = Some(match v.as_str() {
                        "comma" | "," => b',',
                        "semicolon" | ";" => b';',
                        "tab" | "\\t" => b'\t',
                        _ => {
                            return Err(setting(format!(
                                "{name}: unknown separator '{v}' (expected comma, semicolon or tab)"
                            )));
                        }
                    })
                }
                _ if v == "time" => {
                    if time.replace(k.clone()).is_some() {
                        return Err(setting(format!("{name}: two columns map to time")));
                    }
                }
                _ => {
                    if canonical_name(&v).is_none() {
                        return Err(setting(format!(
                            "{name}: '{v}' is not a canonical column (expected time or <placement>_<acc|gyr|mag>_<x|y|z>)"
                        )));
                    }
                    if map.columns.iter().any(|(_, t)| *t == v) {
                        return Err(setting(format!("{name}: two columns map to {v}")));
                    }
                    map.columns.push((k, v));
                }
            }
        }
        map.time =
            time.ok_or_else(|| setting(format!("{name}: no column maps to time (e.g. t=time)")))?;
        if map.columns.is_empty() {
            return Err(setting(format!(
                "{name}: no sensor columns (e.g. ax=pelvis_acc_x)"
            )));
        }
        Ok(map)
    }
}

/// Reads a CSV through `map`; `source` names it in messages.
pub fn read_mapped(
    bytes: &[u8],
    source: &str,
    map: &ColumnMap,
    options: &ReadOptions,
) -> Result<Recording> {
    let text = delimited::text(bytes, source)?;
    let mut d = delimited::header(text, map.separator);
    let find = |name: &str| -> Result<usize> {
        d.header.iter().position(|h| h == name).ok_or_else(|| {
            InputError::new(
                source,
                Problem::Mapping(format!(
                    "no column '{name}' named in the map (the header has: {})",
                    d.header.join(", ")
                )),
            )
            .at_line(d.header_line)
            .into()
        })
    };
    let kind = match map.time_unit {
        TimeUnit::Nanoseconds => CellKind::Nanoseconds,
        TimeUnit::Iso => CellKind::IsoTime,
        _ => CellKind::Number,
    };
    let mut wanted = vec![(find(&map.time)?, kind)];
    for (src, _) in &map.columns {
        wanted.push((find(src)?, CellKind::Number));
    }
    let (mut cols, lines) = delimited::columns(text, source, &mut d, &wanted)?;
    let mut time_s = cols.remove(0);
    let scale = match map.time_unit {
        TimeUnit::Milliseconds => 1e-3,
        TimeUnit::Microseconds => 1e-6,
        _ => 1.0,
    };
    if let Some(&t0) = time_s.first() {
        for t in &mut time_s {
            // relative to the first row: epoch times keep their precision
            *t = (*t - t0) * scale;
        }
    }
    let mut table = Table {
        source: source.to_string(),
        time_s,
        lines: Some(lines),
        ..Table::default()
    };
    for ((_, target), values) in map.columns.iter().zip(cols) {
        let (placement, sensor, axis) = canonical_name(target).expect("checked when parsed");
        table.columns.push(Column {
            placement,
            sensor,
            axis,
            values: narrow(&values),
        });
    }
    let options = ReadOptions {
        acc_unit: options.acc_unit.or(map.acc_unit),
        gyr_unit: options.gyr_unit.or(map.gyr_unit),
        ..options.clone()
    };
    assemble(table, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_and_toml_maps_agree() {
        let inline = ColumnMap::parse("t=time, time_unit=ms, ax=pelvis_acc_x, acc_unit=g").unwrap();
        let toml = ColumnMap::from_toml(
            "time_unit = \"ms\"\nacc_unit = \"g\"\n[columns]\nt = \"time\"\nax = \"pelvis_acc_x\"\n",
            "m.toml",
        )
        .unwrap();
        assert_eq!(inline, toml);
        assert_eq!(inline.time_unit, TimeUnit::Milliseconds);
        assert_eq!(inline.acc_unit, Some(AccUnit::G));
    }

    #[test]
    fn bad_maps_say_what_is_wrong() {
        let e = |s: &str| ColumnMap::parse(s).unwrap_err().to_string();
        assert!(e("ax=pelvis_acc_x").contains("no column maps to time"));
        assert!(e("t=time,ax=knee_acc_x").contains("not a canonical column"));
        assert!(e("t=time,ax").contains("not SOURCE=TARGET"));
        assert!(e("t=time,time_unit=fortnights,ax=pelvis_acc_x").contains("unknown time unit"));
    }
}
