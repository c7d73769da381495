//! Garmin FIT activities (read with `fitparser`): the watch's running dynamics.
//!
//! A FIT activity holds `record` messages, about one a second, with what the watch
//! computed: `cadence` (+ `fractional_cadence`), `stance_time`, `stance_time_balance`,
//! `vertical_oscillation`, `vertical_ratio`, `step_length`, `speed` (or
//! `enhanced_speed`), `distance`, `altitude` (or `enhanced_altitude`), `heart_rate` and
//! `timestamp`. They become a [`WatchDynamics`] in runform's units:
//!
//! - cadence: FIT stores strides/min (one leg) for running; steps/min =
//!   2 × (`cadence` + `fractional_cadence`), where `fractional_cadence` is the raw value
//!   / 128 (fitparser applies that scale);
//! - stance time in ms, balance in % left, vertical oscillation in mm, vertical ratio in %,
//!   step length in mm (→ m), speed in m/s, distance in m, altitude in m, heart rate in
//!   beats/min;
//! - time: s from the first record.
//!
//! Developer fields (Connect IQ data fields of a Stryd or RunScribe pod) fill a metric the
//! watch did not write: `Ground Time`/`Contact Time` (ms) → contact, `Vertical
//! Oscillation` (cm or mm by its units) → oscillation, `Cadence` (strides/min, doubled)
//! → cadence, `Step Length` (mm or m by its units) → step length. The watch's own field wins
//! when both are present in a record; the report's warnings say which source gave each
//! metric ([`WatchDynamics::metric_sources`]).
//!
//! Raw `accelerometer_data`/`gyroscope_data` messages, when a file has them with their
//! `three_d_sensor_calibration` messages, become a recording ([`read_fit_input`]): each
//! message carries a `timestamp` (+ `timestamp_ms`), per-sample `sample_time_offset` (ms)
//! and counts per axis, calibrated as `(count − level_shift − offset_cal) ×
//! calibration_factor / calibration_divisor`, then turned by `orientation_matrix`; units
//! (g or m/s², deg/s or rad/s) are told from the data. The sensor is at
//! [`ReadOptions::placement`](super::ReadOptions) (default: left wrist, a watch). Raw
//! messages without a calibration are not read (warning).
//!
//! The header is checked before decoding: the `.FIT` signature, a header size of 12 or
//! 14, and a data size that fits in the file (a header claiming more than the file holds is
//! a truncated file, refused before anything is decoded). fitparser checks both CRCs.

use super::assemble::{Column, SensorKind, Table, assemble, narrow};
use super::{Input, ReadOptions};
use crate::dynamics::{WatchDynamics, WatchSample};
use crate::error::{Error, InputError, Problem, Result};
use crate::recording::Placement;
use crate::recording::Warning;
use fitparser::profile::MesgNum;
use fitparser::{FitDataField, Value};

/// True when `bytes` start like a FIT file: header size 12 or 14 and `.FIT` at byte 8.
pub fn looks_like_fit(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && matches!(bytes[0], 12 | 14) && &bytes[8..12] == b".FIT"
}

fn bad(source: &str, what: impl Into<String>) -> Error {
    InputError::new(source, Problem::Fit(what.into())).into()
}

/// Checks the header: signature, size, and that the declared data fit in the file.
fn check_header(bytes: &[u8], source: &str) -> Result<()> {
    if bytes.is_empty() {
        return Err(InputError::new(source, Problem::Empty).into());
    }
    if bytes.len() < 12 {
        return Err(bad(
            source,
            format!(
                "only {} bytes (a FIT header alone is 12 or 14 bytes)",
                bytes.len()
            ),
        ));
    }
    if &bytes[8..12] != b".FIT" {
        return Err(bad(source, "no '.FIT' signature at byte 8"));
    }
    let header = bytes[0] as usize;
    if header != 12 && header != 14 {
        return Err(bad(
            source,
            format!("header size {header} (expected 12 or 14)"),
        ));
    }
    let data = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as u64;
    let have = bytes.len().saturating_sub(header + 2) as u64;
    if data > have {
        return Err(bad(
            source,
            format!(
                "the header declares {data} bytes of messages but the file holds {have} after the header (truncated?)"
            ),
        ));
    }
    Ok(())
}

/// Size in bytes of a FIT base type (the low 5 bits of its byte), `None` if unknown.
fn base_size(base_type: u8) -> Option<usize> {
    match base_type & 0x1F {
        0..=2 | 7 | 0x0A | 0x0D => Some(1),
        3 | 4 | 0x0B => Some(2),
        5 | 6 | 8 | 0x0C => Some(4),
        9 | 0x0E..=0x10 => Some(8),
        _ => None,
    }
}

/// Walks the definition messages of the first FIT file in `bytes` and refuses a field
/// whose size is not a whole number of its base type (invalid, and fitparser would print
/// a line of its own for it). Stops quietly where the decoder will report a problem.
fn check_definitions(bytes: &[u8], source: &str) -> Result<()> {
    let header = bytes[0] as usize;
    let data = u32::from_le_bytes([bytes[4], bytes[5], bytes[6], bytes[7]]) as usize;
    let end = (header + data).min(bytes.len());
    let mut sizes: [Option<usize>; 16] = [None; 16];
    let mut pos = header;
    while pos < end {
        let h = bytes[pos];
        pos += 1;
        if h & 0x80 != 0 {
            let Some(len) = sizes[((h >> 5) & 0x03) as usize] else {
                return Ok(());
            };
            pos += len;
        } else if h & 0x40 != 0 {
            let Some(&n) = bytes.get(pos + 4) else {
                return Ok(());
            };
            pos += 5;
            let mut len = 0;
            for k in 0..n as usize {
                let Some(f) = bytes.get(pos + 3 * k..pos + 3 * k + 3) else {
                    return Ok(());
                };
                let (number, size, base) = (f[0], f[1] as usize, f[2]);
                if let Some(b) = base_size(base)
                    && size % b != 0
                {
                    return Err(bad(
                        source,
                        format!(
                            "at byte {}: field {number} is {size} bytes, not a whole number of its base type's {b}",
                            pos + 3 * k
                        ),
                    ));
                }
                len += size;
            }
            pos += 3 * n as usize;
            if h & 0x20 != 0 {
                let Some(&d) = bytes.get(pos) else {
                    return Ok(());
                };
                pos += 1;
                for k in 0..d as usize {
                    let Some(f) = bytes.get(pos + 3 * k..pos + 3 * k + 3) else {
                        return Ok(());
                    };
                    len += f[1] as usize;
                }
                pos += 3 * d as usize;
            }
            sizes[(h & 0x0F) as usize] = Some(len);
        } else {
            let Some(len) = sizes[(h & 0x0F) as usize] else {
                return Ok(());
            };
            pos += len;
        }
    }
    Ok(())
}

/// Decodes the messages, mapping fitparser's errors to one located line.
fn decode(bytes: &[u8], source: &str) -> Result<Vec<fitparser::FitDataRecord>> {
    check_definitions(bytes, source)?;
    let decoded = std::panic::catch_unwind(|| fitparser::from_bytes(bytes));
    match decoded {
        Ok(Ok(records)) => Ok(records),
        Ok(Err(e)) => {
            let what = match *e {
                fitparser::ErrorKind::InvalidCrc(..) => {
                    format!("{e} (the file is damaged or was cut short)")
                }
                fitparser::ErrorKind::UnexpectedEof(_) => {
                    "the messages end in the middle of a message (truncated?)".to_string()
                }
                _ => e.to_string(),
            };
            Err(bad(source, what))
        }
        Err(_) => Err(bad(source, "the FIT decoder could not read the messages")),
    }
}

fn number(field: &FitDataField) -> Option<f64> {
    let v: f64 = match field.value() {
        Value::Timestamp(t) => t.timestamp_millis() as f64 / 1000.0,
        v => v.clone().try_into().ok()?,
    };
    v.is_finite().then_some(v)
}

fn text(field: &FitDataField) -> Option<String> {
    match field.value() {
        Value::String(s) => Some(s.clone()),
        Value::Array(_) | Value::Invalid => None,
        v => Some(v.to_string()),
    }
}

/// A developer field's metric, its factor to runform's unit, and a description.
fn developer_metric(name: &str, units: &str) -> Option<(&'static str, f64)> {
    let name = name.to_ascii_lowercase();
    let units = units.to_ascii_lowercase();
    let per_m = |u: &str| match u {
        "m" | "meters" | "metres" => Some(1000.0),
        "cm" | "centimeters" | "centimetres" => Some(10.0),
        "mm" | "millimeters" | "millimetres" | "" => Some(1.0),
        _ => None,
    };
    match name.as_str() {
        "ground time" | "ground contact time" | "contact time" | "gct" => {
            let k = match units.as_str() {
                "s" | "seconds" => 1000.0,
                _ => 1.0,
            };
            Some(("contact_ms", k))
        }
        "vertical oscillation" => per_m(&units).map(|k| ("vertical_oscillation_mm", k)),
        "step length" => per_m(&units).map(|k| ("step_length_m", k / 1000.0)),
        "cadence" => Some(("cadence_spm", 2.0)),
        _ => None,
    }
}

/// A sensor calibration: counts → physical units.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Calibration {
    factor: f64,
    divisor: f64,
    level_shift: f64,
    offset: [f64; 3],
    matrix: Option<[f64; 9]>,
}

impl Calibration {
    fn apply(&self, raw: [f64; 3]) -> [f64; 3] {
        let k = self.factor / self.divisor;
        let v = [0, 1, 2].map(|a| (raw[a] - self.level_shift - self.offset[a]) * k);
        match self.matrix {
            Some(m) => {
                [0, 1, 2].map(|r| m[3 * r] * v[0] + m[3 * r + 1] * v[1] + m[3 * r + 2] * v[2])
            }
            None => v,
        }
    }
}

fn numbers(field: &FitDataField) -> Vec<f64> {
    match field.value() {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.clone().try_into().ok())
            .collect(),
        _ => number(field).into_iter().collect(),
    }
}

/// Raw samples of one sensor: (time s, counts x, y, z).
type RawSamples = Vec<(f64, [f64; 3])>;

fn raw_samples(rec: &fitparser::FitDataRecord, prefix: &str, out: &mut RawSamples) {
    let (mut t, mut ms, mut offsets) = (None, 0.0, Vec::new());
    let mut axes: [Vec<f64>; 3] = Default::default();
    for f in rec.fields() {
        match f.name() {
            "timestamp" => t = number(f),
            "timestamp_ms" => ms = number(f).unwrap_or(0.0),
            "sample_time_offset" => offsets = numbers(f),
            name => {
                for (k, axis) in ["x", "y", "z"].iter().enumerate() {
                    if name == format!("{prefix}_{axis}") {
                        axes[k] = numbers(f);
                    }
                }
            }
        }
    }
    let Some(t) = t else { return };
    // the timestamp is whole seconds (fitparser may already include timestamp_ms)
    let t0 = t.floor() + ms / 1000.0;
    let [x, y, z] = &axes;
    for (i, ((&x, &y), &z)) in x.iter().zip(y).zip(z).enumerate() {
        let dt = offsets.get(i).copied().unwrap_or(0.0) / 1000.0;
        out.push((t0 + dt, [x, y, z]));
    }
}

fn calibration(rec: &fitparser::FitDataRecord) -> Option<(bool, Calibration)> {
    let mut c = Calibration {
        factor: f64::NAN,
        divisor: 1.0,
        level_shift: 0.0,
        offset: [0.0; 3],
        matrix: None,
    };
    let mut gyro = None;
    for f in rec.fields() {
        match f.name() {
            "sensor_type" => {
                gyro = match f.value() {
                    Value::String(s) => Some(s.contains("gyro")),
                    v => v.clone().try_into().ok().map(|x: f64| x == 1.0),
                }
            }
            "calibration_factor" | "accel_cal_factor" | "gyro_cal_factor" => c.factor = number(f)?,
            "calibration_divisor" => c.divisor = number(f)?,
            "level_shift" => c.level_shift = number(f)?,
            "offset_cal" => {
                let v = numbers(f);
                if v.len() == 3 {
                    c.offset = [v[0], v[1], v[2]];
                }
            }
            "orientation_matrix" => {
                let v = numbers(f);
                if v.len() == 9 {
                    c.matrix = Some(std::array::from_fn(|i| v[i]));
                }
            }
            _ => {}
        }
    }
    (c.factor.is_finite() && c.divisor != 0.0).then_some((gyro?, c))
}

/// Reads a FIT file: its raw accelerometer (and gyroscope) samples as a recording when it
/// has them with a calibration, else the running dynamics of [`read_fit`].
pub fn read_fit_input(bytes: &[u8], source: &str, options: &ReadOptions) -> Result<Input> {
    check_header(bytes, source)?;
    let records = decode(bytes, source)?;
    let (mut acc, mut gyr) = (RawSamples::new(), RawSamples::new());
    let (mut acc_cal, mut gyr_cal) = (None, None);
    for rec in &records {
        match rec.kind() {
            MesgNum::AccelerometerData => raw_samples(rec, "accel", &mut acc),
            MesgNum::GyroscopeData => raw_samples(rec, "gyro", &mut gyr),
            MesgNum::ThreeDSensorCalibration => match calibration(rec) {
                Some((false, c)) => acc_cal = acc_cal.or(Some(c)),
                Some((true, c)) => gyr_cal = gyr_cal.or(Some(c)),
                None => {}
            },
            _ => {}
        }
    }
    let Some(acc_cal) = acc_cal.filter(|_| acc.len() >= 2) else {
        return dynamics(&records, source).map(Input::Watch);
    };
    let placement = options.placement.unwrap_or(Placement::LeftWrist);
    let mut table = Table {
        source: source.to_string(),
        time_s: acc.iter().map(|s| s.0).collect(),
        ..Table::default()
    };
    let cal: Vec<[f64; 3]> = acc.iter().map(|s| acc_cal.apply(s.1)).collect();
    for axis in 0..3 {
        table.columns.push(Column {
            placement,
            sensor: SensorKind::Acc,
            axis,
            values: cal.iter().map(|v| v[axis] as f32).collect(),
        });
    }
    if let (Some(gc), true) = (gyr_cal, gyr.len() >= 2) {
        let t: Vec<f64> = gyr.iter().map(|s| s.0).collect();
        let cal: Vec<[f64; 3]> = gyr.iter().map(|s| gc.apply(s.1)).collect();
        for axis in 0..3 {
            let v: Vec<f64> = cal.iter().map(|c| c[axis]).collect();
            table.columns.push(Column {
                placement,
                sensor: SensorKind::Gyr,
                axis,
                values: narrow(&super::phone::interpolate(&t, &v, &table.time_s)),
            });
        }
    }
    assemble(table, options).map(Input::Imu)
}

/// Reads a FIT activity's running dynamics. `source` names the file in messages.
pub fn read_fit(bytes: &[u8], source: &str) -> Result<WatchDynamics> {
    check_header(bytes, source)?;
    let records = decode(bytes, source)?;
    dynamics(&records, source)
}

fn dynamics(records: &[fitparser::FitDataRecord], source: &str) -> Result<WatchDynamics> {
    let mut watch = WatchDynamics {
        source: source.to_string(),
        ..WatchDynamics::default()
    };
    let mut t0: Option<f64> = None;
    let mut last_t: Option<f64> = None;
    let mut raw_imu = false;
    let mut from_developer: Vec<(String, String)> = Vec::new();
    let mut from_watch: Vec<&'static str> = Vec::new();
    for rec in records {
        match rec.kind() {
            MesgNum::FileId if watch.device.is_none() => {
                let get = |name: &str| {
                    rec.fields()
                        .iter()
                        .find(|f| f.name() == name)
                        .and_then(text)
                };
                let parts: Vec<String> = [
                    get("manufacturer"),
                    get("garmin_product").or_else(|| get("product")),
                ]
                .into_iter()
                .flatten()
                .collect();
                if !parts.is_empty() {
                    watch.device = Some(parts.join(" "));
                }
            }
            MesgNum::AccelerometerData | MesgNum::GyroscopeData => raw_imu = true,
            MesgNum::Record => {
                let mut s = WatchSample::default();
                let mut time = None;
                let (mut strides, mut fraction) = (None, None);
                let mut dev: Vec<(&'static str, f64, String)> = Vec::new();
                for f in rec.fields() {
                    let v = number(f);
                    match f.name() {
                        "timestamp" => time = v,
                        "cadence" => strides = v,
                        "fractional_cadence" => fraction = v,
                        "stance_time" => s.contact_ms = v,
                        "stance_time_balance" => s.contact_balance_left_pct = v,
                        "vertical_oscillation" => s.vertical_oscillation_mm = v,
                        "vertical_ratio" => s.vertical_ratio_pct = v,
                        "step_length" => s.step_length_m = v.map(|mm| mm / 1000.0),
                        "enhanced_speed" => s.speed_mps = v,
                        "speed" => s.speed_mps = s.speed_mps.or(v),
                        "distance" => s.distance_m = v,
                        "enhanced_altitude" => s.altitude_m = v,
                        "altitude" => s.altitude_m = s.altitude_m.or(v),
                        "heart_rate" => s.heart_rate_bpm = v,
                        name => {
                            if let (Some((metric, k)), Some(v)) =
                                (developer_metric(name, f.units()), v)
                            {
                                dev.push((metric, v * k, name.to_string()));
                            }
                        }
                    }
                }
                s.cadence_spm = strides.map(|c| 2.0 * (c + fraction.unwrap_or(0.0)));
                for (metric, value, name) in dev {
                    let slot = match metric {
                        "contact_ms" => &mut s.contact_ms,
                        "vertical_oscillation_mm" => &mut s.vertical_oscillation_mm,
                        "step_length_m" => &mut s.step_length_m,
                        _ => &mut s.cadence_spm,
                    };
                    if slot.is_none() {
                        *slot = Some(value);
                        if !from_developer.iter().any(|(m, _)| m == metric) {
                            from_developer.push((metric.to_string(), name));
                        }
                    } else if !from_watch.contains(&metric) {
                        from_watch.push(metric);
                    }
                }
                let Some(t) = time else { continue };
                if let Some(prev) = last_t
                    && t < prev
                {
                    watch.warnings.push(Warning::new(
                        "time_backwards",
                        format!(
                            "a record's timestamp goes back {:.0} s: records out of order were dropped",
                            prev - t
                        ),
                    ));
                    continue;
                }
                if last_t == Some(t) {
                    // a second record for the same second: keep the first
                    continue;
                }
                last_t = Some(t);
                let t0 = *t0.get_or_insert(t);
                s.time_s = t - t0;
                watch.samples.push(s);
            }
            _ => {}
        }
    }
    watch.warnings.dedup_by(|a, b| a.code == b.code);
    if watch.samples.is_empty() {
        return Err(bad(
            source,
            "no 'record' messages with a timestamp (expected an activity file)",
        ));
    }
    let device = watch.device.clone().unwrap_or_else(|| "the watch".into());
    for (metric, name) in &from_developer {
        watch.metric_sources.push((
            metric.clone(),
            format!("developer field '{name}' (the watch did not write it)"),
        ));
    }
    for metric in from_watch {
        watch.metric_sources.push((
            metric.to_string(),
            format!("{device} (a developer field also gave it; the watch's own value is used)"),
        ));
    }
    if raw_imu {
        watch.warnings.push(Warning::new(
            "fit_raw_imu_not_read",
            "the file also holds raw accelerometer or gyroscope messages, but no calibration for them: the report uses the watch's running dynamics",
        ));
    }
    Ok(watch)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_checks_name_what_is_wrong() {
        let msg = |b: &[u8]| check_header(b, "a.fit").unwrap_err().to_string();
        assert!(msg(b"").contains("empty"));
        assert!(msg(b"\x0e\x10").contains("only 2 bytes"));
        assert!(msg(b"\x0e\x10\x00\x00\x00\x00\x00\x00.CSV\x00\x00\x00\x00").contains("signature"));
        assert!(
            msg(b"\x0d\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00\x00\x00").contains("header size 13")
        );
        // 10 GB declared
        let mut h = b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00".to_vec();
        h[4..8].copy_from_slice(&0xFFFF_FFFFu32.to_le_bytes());
        assert!(msg(&h).contains("4294967295 bytes"));
        assert!(looks_like_fit(
            b"\x0e\x10\x00\x00\x00\x00\x00\x00.FIT\x00\x00"
        ));
        assert!(!looks_like_fit(b"time,pelvis_acc_x"));
    }

    #[test]
    fn developer_fields_convert_units() {
        assert_eq!(
            developer_metric("Ground Time", "ms"),
            Some(("contact_ms", 1.0))
        );
        assert_eq!(
            developer_metric("Vertical Oscillation", "cm"),
            Some(("vertical_oscillation_mm", 10.0))
        );
        assert_eq!(
            developer_metric("Cadence", "RPM"),
            Some(("cadence_spm", 2.0))
        );
        assert_eq!(developer_metric("Power", "Watts"), None);
    }
}
