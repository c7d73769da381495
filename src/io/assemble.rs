//! From a parsed table to a [`Recording`]: time checks, resampling, units, sensor checks.
//!
//! Shared by every reader. Values arrive in the input's units; the recording leaves in
//! m/s² and rad/s on a uniform time base.

use super::ReadOptions;
use crate::error::{InputError, Problem, Result};
use crate::recording::{
    AccUnit, Axes3, Frame, GyrUnit, InputUnits, Placement, Recording, STANDARD_GRAVITY_MPS2,
    Segment, Stream, Warning,
};
use rayon::prelude::*;

/// Which instrument a column belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SensorKind {
    /// Accelerometer.
    Acc,
    /// Gyroscope.
    Gyr,
    /// Magnetometer.
    Mag,
}

impl SensorKind {
    /// `acc`, `gyr` or `mag`.
    pub fn as_str(self) -> &'static str {
        match self {
            SensorKind::Acc => "acc",
            SensorKind::Gyr => "gyr",
            SensorKind::Mag => "mag",
        }
    }
}

/// One sensor axis column of a table.
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Where the sensor is worn.
    pub placement: Placement,
    /// Which instrument.
    pub sensor: SensorKind,
    /// 0 = x, 1 = y, 2 = z.
    pub axis: usize,
    /// Values in the input's unit, one per row, as the recording keeps them (`f32`:
    /// 24 bits of mantissa, more than any IMU's converter gives).
    pub values: Vec<f32>,
}

/// Values read as `f64`, as a [`Column`] keeps them (rounded to the nearest `f32`; beyond
/// its range, an infinity that the checks report).
pub fn narrow(values: &[f64]) -> Vec<f32> {
    values.iter().map(|&v| v as f32).collect()
}

impl Column {
    /// The canonical column name, e.g. `pelvis_acc_z`.
    pub fn name(&self) -> String {
        format!(
            "{}_{}_{}",
            self.placement.as_str(),
            self.sensor.as_str(),
            ['x', 'y', 'z'][self.axis]
        )
    }
}

/// A parsed input: a time column and sensor columns, before any checks.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Table {
    /// File name or description, for messages.
    pub source: String,
    /// Time of each row, s.
    pub time_s: Vec<f64>,
    /// Sensor columns, each as long as `time_s`.
    pub columns: Vec<Column>,
    /// 1-based file line of each row, when it differs from `row + 2` (header on line 1).
    pub lines: Option<Vec<usize>>,
}

impl Table {
    fn line_of(&self, row: usize) -> usize {
        self.lines.as_ref().map_or(row + 2, |l| l[row])
    }

    fn err(&self, row: usize, column: &str, problem: Problem) -> InputError {
        InputError::new(&self.source, problem)
            .at_line(self.line_of(row))
            .in_column(column)
    }
}

/// Checks `table`, resamples it onto a uniform time base, converts units and builds the
/// recording. A rate declared in `options.rate_hz` must agree with the time column
/// within 1% ([`Problem::RateMismatch`]).
pub fn assemble(mut table: Table, options: &ReadOptions) -> Result<Recording> {
    let source = table.source.clone();
    let whole = |p: Problem| InputError::new(&source, p);
    if table.time_s.len() < 2 {
        return Err(whole(Problem::NoRows {
            found: table.time_s.len(),
            min: 2,
        })
        .into());
    }
    check_lengths(&table)?;
    check_finite(&table)?;
    let mut warnings = Vec::new();
    drop_duplicate_times(&mut table, &mut warnings)?;
    let timing = check_time(&table, options)?;
    if let Some(declared_hz) = options.rate_hz
        && (timing.rate_hz - declared_hz).abs() > 0.01 * declared_hz
    {
        return Err(whole(Problem::RateMismatch {
            rate_hz: timing.rate_hz,
            declared_hz,
        })
        .in_column("time")
        .into());
    }

    let duration_s = table.time_s[table.time_s.len() - 1] - table.time_s[0];
    if duration_s < options.min_duration_s {
        return Err(whole(Problem::TooShort {
            duration_s,
            min_s: options.min_duration_s,
        })
        .into());
    }
    if timing.rate_hz < 50.0 {
        warnings.push(Warning::new(
            "low_rate",
            format!(
                "sampled at {:.1} Hz: contact and flight times are only as precise as {:.0} ms",
                timing.rate_hz,
                1000.0 / timing.rate_hz
            ),
        ));
    }
    let (start_s, n_out) = if timing.needs_resampling {
        let n = (duration_s * timing.rate_hz).floor() as usize + 1;
        warnings.push(Warning::new(
            "resampled",
            format!(
                "timestamps were irregular (largest step {:.1} ms, typical {:.1} ms): resampled to {:.3} Hz by linear interpolation",
                timing.max_dt_s * 1000.0,
                1000.0 / timing.rate_hz,
                timing.rate_hz
            ),
        ));
        for c in &mut table.columns {
            c.values =
                resample_linear(&table.time_s, &c.values, table.time_s[0], timing.rate_hz, n);
        }
        (table.time_s[0], n)
    } else {
        (table.time_s[0], table.time_s.len())
    };
    // the times have given the rate and the start: what follows reads the values only (a
    // time column is as large as two sensor axes)
    table.time_s = Vec::new();

    check_not_stuck(&table)?;
    let units = decide_units(&table, options)?;
    let mut streams = build_streams(&mut table, options.frame, &units, n_out)?;
    streams.sort_by_key(|s| s.placement);
    let saturated: Vec<Option<Warning>> = streams.par_iter().map(saturation_warning).collect();
    warnings.extend(saturated.into_iter().flatten());
    if units.acc_detected {
        warnings.push(Warning::new(
            "acc_unit_detected",
            format!(
                "accelerometer unit read as {} from the data (give --acc-unit to set it)",
                units.acc.as_str()
            ),
        ));
    }
    if units.gyr_detected
        && let Some(g) = units.gyr
    {
        warnings.push(Warning::new(
            "gyr_unit_detected",
            format!(
                "gyroscope unit read as {} from the data (give --gyr-unit to set it)",
                g.as_str()
            ),
        ));
    }
    Ok(Recording {
        source,
        rate_hz: timing.rate_hz,
        start_s,
        frame: options.frame,
        streams,
        units,
        warnings,
    })
}

/// Every column has a value for every time (a reader of a damaged file can hand over
/// columns of other lengths).
fn check_lengths(table: &Table) -> Result<()> {
    let expected = table.time_s.len();
    match table.columns.iter().find(|c| c.values.len() != expected) {
        Some(c) => Err(InputError::new(
            &table.source,
            Problem::ColumnLength {
                found: c.values.len(),
                expected,
            },
        )
        .in_column(c.name())
        .into()),
        None => Ok(()),
    }
}

/// Every time and value is a finite number. A sensor value beyond `f32`'s range (±3.4e38)
/// was read as an infinity, and is reported so.
fn check_finite(table: &Table) -> Result<()> {
    if let Some(row) = table.time_s.iter().position(|t| !t.is_finite()) {
        let what = if table.time_s[row].is_nan() {
            "NaN"
        } else {
            "infinity"
        };
        return Err(table
            .err(row, "time", Problem::NotFinite { what: what.into() })
            .into());
    }
    // each column on a core; the first column with one names it
    let rows: Vec<Option<usize>> = table
        .columns
        .par_iter()
        .map(|c| c.values.iter().position(|v| !v.is_finite()))
        .collect();
    for (c, row) in table.columns.iter().zip(rows) {
        if let Some(row) = row {
            let what = if c.values[row].is_nan() {
                "NaN"
            } else {
                "infinity, or a number beyond ±3.4e38"
            };
            return Err(table
                .err(row, &c.name(), Problem::NotFinite { what: what.into() })
                .into());
        }
    }
    Ok(())
}

/// Rows whose time repeats the row before are dropped when they are rare (a logger
/// writing one sample twice); time going backwards is an error.
fn drop_duplicate_times(table: &mut Table, warnings: &mut Vec<Warning>) -> Result<()> {
    let t = &table.time_s;
    let mut duplicates = Vec::new();
    for i in 1..t.len() {
        if t[i] < t[i - 1] {
            return Err(table
                .err(
                    i,
                    "time",
                    Problem::TimeNotIncreasing {
                        prev_s: t[i - 1],
                        this_s: t[i],
                    },
                )
                .into());
        }
        if t[i] == t[i - 1] {
            duplicates.push(i);
        }
    }
    if duplicates.is_empty() {
        return Ok(());
    }
    if duplicates.len() * 100 > t.len() {
        return Err(table
            .err(
                duplicates[0],
                "time",
                Problem::RepeatedTimes {
                    count: duplicates.len(),
                    rows: t.len(),
                },
            )
            .into());
    }
    warnings.push(Warning::new(
        "duplicate_time",
        format!(
            "{} rows repeat the time of the row before (first on line {}): kept the first of each",
            duplicates.len(),
            table.line_of(duplicates[0])
        ),
    ));
    let keep: Vec<bool> = {
        let mut k = vec![true; t.len()];
        for &i in &duplicates {
            k[i] = false;
        }
        k
    };
    retain_kept(&mut table.time_s, &keep);
    for c in &mut table.columns {
        retain_kept(&mut c.values, &keep);
    }
    if let Some(lines) = &mut table.lines {
        retain_kept(lines, &keep);
    } else {
        let lines: Vec<usize> = (0..keep.len())
            .filter(|&i| keep[i])
            .map(|i| i + 2)
            .collect();
        table.lines = Some(lines);
    }
    Ok(())
}

/// Keeps the items of `v` whose `keep` is true.
fn retain_kept<T>(v: &mut Vec<T>, keep: &[bool]) {
    let mut i = 0;
    v.retain(|_| {
        i += 1;
        keep[i - 1]
    });
}

struct Timing {
    rate_hz: f64,
    needs_resampling: bool,
    max_dt_s: f64,
}

fn check_time(table: &Table, options: &ReadOptions) -> Result<Timing> {
    let t = &table.time_s;
    let mut dts: Vec<f64> = t.windows(2).map(|w| w[1] - w[0]).collect();
    let (mut max_dt_s, mut max_at) = (0.0_f64, 0);
    for (i, &dt) in dts.iter().enumerate() {
        if dt > max_dt_s {
            max_dt_s = dt;
            max_at = i;
        }
    }
    let min_dt_s = dts.iter().copied().fold(f64::INFINITY, f64::min);
    let mid = dts.len() / 2;
    let median_dt_s = *dts.select_nth_unstable_by(mid, |a, b| a.total_cmp(b)).1;
    let nominal_hz = 1.0 / median_dt_s;
    // The limits hold up to rounding: 10 kHz written to 0.1 ms reads as 10000.0000001 Hz.
    let usable = |hz: f64| {
        hz >= options.min_rate_hz * (1.0 - 1e-6) && hz <= options.max_rate_hz * (1.0 + 1e-6)
    };
    // Below 1 Hz no IMU is read in seconds: a rate that becomes usable in a smaller unit
    // says which one the time column is in.
    let smaller = [
        (1e3, "milliseconds"),
        (1e6, "microseconds"),
        (1e9, "nanoseconds"),
    ];
    if let Some((_, unit)) = smaller
        .iter()
        .find(|(factor, _)| nominal_hz < 1.0 && usable(nominal_hz * factor))
    {
        return Err(InputError::new(
            &table.source,
            Problem::TimeUnit {
                rate_hz: nominal_hz,
                unit: unit.to_string(),
            },
        )
        .in_column("time")
        .into());
    }
    if !usable(nominal_hz) {
        return Err(InputError::new(
            &table.source,
            Problem::Rate {
                rate_hz: nominal_hz,
                min_hz: options.min_rate_hz,
                max_hz: options.max_rate_hz,
            },
        )
        .in_column("time")
        .into());
    }
    let max_gap_s = options.max_gap_s.max(3.0 * median_dt_s);
    if max_dt_s > max_gap_s {
        return Err(table
            .err(
                max_at + 1,
                "time",
                Problem::Gap {
                    after_s: t[max_at],
                    gap_s: max_dt_s,
                    max_gap_s,
                },
            )
            .into());
    }
    // Timestamps rounded to a clock tick jitter by up to one tick; anything more than 5%
    // of the sample interval is resampled.
    let jitter = (max_dt_s - median_dt_s).max(median_dt_s - min_dt_s) / median_dt_s;
    let needs_resampling = jitter > 0.05;
    let rate_hz = if needs_resampling {
        nominal_hz
    } else {
        (t.len() - 1) as f64 / (t[t.len() - 1] - t[0])
    };
    Ok(Timing {
        rate_hz,
        needs_resampling,
        max_dt_s,
    })
}

/// Linear interpolation of `(t, v)` at `n` points `t0 + i / rate_hz`.
fn resample_linear(t: &[f64], v: &[f32], t0: f64, rate_hz: f64, n: usize) -> Vec<f32> {
    let mut out = Vec::with_capacity(n);
    let mut j = 0;
    for i in 0..n {
        let ti = t0 + i as f64 / rate_hz;
        while j + 2 < t.len() && t[j + 1] < ti {
            j += 1;
        }
        let (ta, tb) = (t[j], t[j + 1]);
        let w = ((ti - ta) / (tb - ta)).clamp(0.0, 1.0);
        let (a, b) = (f64::from(v[j]), f64::from(v[j + 1]));
        out.push((a + w * (b - a)) as f32);
    }
    out
}

fn decide_units(table: &Table, options: &ReadOptions) -> Result<InputUnits> {
    let (acc, acc_detected) = match options.acc_unit {
        Some(u) => (u, false),
        None => (detect_acc_unit(table)?, true),
    };
    let has_gyr = table.columns.iter().any(|c| c.sensor == SensorKind::Gyr);
    let (gyr, gyr_detected) = match (has_gyr, options.gyr_unit) {
        (false, _) => (None, false),
        (true, Some(u)) => (Some(u), false),
        (true, None) => (Some(detect_gyr_unit(table)?), true),
    };
    Ok(InputUnits {
        acc,
        acc_detected,
        gyr,
        gyr_detected,
    })
}

/// Gravity's size in the input's unit, per placement. For a sensor on the trunk or pelvis
/// the mean specific force over any stretch longer than a few strides is gravity (the
/// body does not keep accelerating), so its magnitude is 1 in g and 9.81 in m/s². A
/// foot, shank or wrist swings, and the centripetal acceleration of the swing does not
/// average out: there the median magnitude is read, which for a limb lies between about
/// 0.8 and 3 g in any gait — below 3.5 means g, above 5 means m/s².
fn detect_acc_unit(table: &Table) -> Result<AccUnit> {
    // the trunk-borne sensors when there are any, else the limbs; each on a core
    let (trunk_borne, limbs): (Vec<Placement>, Vec<Placement>) = placements(table)
        .into_iter()
        .partition(|p| matches!(p.segment(), Segment::Pelvis | Segment::Trunk));
    let trunk = !trunk_borne.is_empty();
    let read = if trunk { trunk_borne } else { limbs };
    let mut magnitudes: Vec<f64> = read
        .into_par_iter()
        .map(|p| {
            let axes = sensor_columns(table, p, SensorKind::Acc);
            // the columns' length, not the time column's: resampling may have changed it
            let n = axes.first().map_or(0, |c| c.values.len());
            if trunk {
                let mut mean = [0.0; 3];
                for c in &axes {
                    mean[c.axis] = c.values.iter().map(|&v| f64::from(v)).sum::<f64>() / n as f64;
                }
                (mean[0].powi(2) + mean[1].powi(2) + mean[2].powi(2)).sqrt()
            } else {
                let mut sorted = norms(&axes);
                let mid = sorted.len() / 2;
                *sorted.select_nth_unstable_by(mid, f64::total_cmp).1
            }
        })
        .collect();
    magnitudes.sort_by(f64::total_cmp);
    let m = magnitudes[magnitudes.len() / 2];
    if (0.5..=3.5).contains(&m) {
        Ok(AccUnit::G)
    } else if (5.0..=40.0).contains(&m) {
        Ok(AccUnit::Mps2)
    } else {
        Err(InputError::new(
            &table.source,
            Problem::AmbiguousUnit {
                sensor: "accelerometer".into(),
                detail: format!(
                    "the mean acceleration has magnitude {m:.3}, expected 0.5–3.5 for g or 5–40 for m/s²"
                ),
                flag: "--acc-unit g|m/s2".into(),
            },
        )
        .into())
    }
}

/// Human segments rarely turn faster than 30 rad/s (1700 deg/s) and a running or walking
/// segment turns faster than 0.6 rad/s (35 deg/s) at some point of every stride, so the
/// 99th percentile of the angular speed tells the unit apart.
fn detect_gyr_unit(table: &Table) -> Result<GyrUnit> {
    // each placement on a core
    let speeds: Vec<f64> = placements(table)
        .into_par_iter()
        .filter_map(|p| {
            let axes = sensor_columns(table, p, SensorKind::Gyr);
            let n = axes.first()?.values.len();
            let mut s = norms(&axes);
            let k = ((n as f64) * 0.99) as usize;
            let k = k.min(n - 1);
            Some(*s.select_nth_unstable_by(k, |a, b| a.total_cmp(b)).1)
        })
        .collect();
    let p99 = speeds.iter().copied().fold(0.0, f64::max);
    if p99 > 40.0 && p99 < 5000.0 {
        Ok(GyrUnit::DegPerS)
    } else if p99 > 0.3 && p99 <= 40.0 {
        Ok(GyrUnit::RadPerS)
    } else {
        Err(InputError::new(
            &table.source,
            Problem::AmbiguousUnit {
                sensor: "gyroscope".into(),
                detail: format!("99th percentile angular speed {p99:.3}"),
                flag: "--gyr-unit deg/s|rad/s".into(),
            },
        )
        .into())
    }
}

/// The columns of placement `p`'s sensor `kind`.
fn sensor_columns(table: &Table, p: Placement, kind: SensorKind) -> Vec<&Column> {
    table
        .columns
        .iter()
        .filter(|c| c.placement == p && c.sensor == kind)
        .collect()
}

/// The magnitude of each sample of a sensor's axes (as long as the first).
fn norms(axes: &[&Column]) -> Vec<f64> {
    let n = axes.first().map_or(0, |c| c.values.len());
    (0..n)
        .map(|i| {
            axes.iter()
                .map(|c| f64::from(c.values[i]).powi(2))
                .sum::<f64>()
                .sqrt()
        })
        .collect()
}

fn placements(table: &Table) -> Vec<Placement> {
    let mut ps: Vec<Placement> = table.columns.iter().map(|c| c.placement).collect();
    ps.sort();
    ps.dedup();
    ps
}

/// Builds the streams: each column becomes its axis (moved, and scaled in place), so that
/// the table and the streams are never both whole.
fn build_streams(
    table: &mut Table,
    frame: Frame,
    units: &InputUnits,
    n: usize,
) -> Result<Vec<Stream>> {
    let source = table.source.clone();
    let mut streams = Vec::new();
    for p in placements(table) {
        let mut axes_of = |kind: SensorKind, scale: f64| -> Option<Axes3> {
            let cols: Vec<&mut Column> = table
                .columns
                .iter_mut()
                .filter(|c| c.placement == p && c.sensor == kind)
                .collect();
            if cols.is_empty() {
                return None;
            }
            // each column becomes its axis, scaled in place: no copy
            let mut a = [Vec::new(), Vec::new(), Vec::new()];
            for c in cols {
                let mut values = std::mem::take(&mut c.values);
                if scale != 1.0 {
                    for v in &mut values {
                        *v = (f64::from(*v) * scale) as f32;
                    }
                }
                values.resize(n, 0.0);
                a[c.axis] = values;
            }
            for axis in &mut a {
                axis.resize(n, 0.0);
            }
            let [x, y, z] = a;
            Some(Axes3 { x, y, z })
        };
        let acc = axes_of(SensorKind::Acc, units.acc.to_mps2()).ok_or_else(|| {
            InputError::new(
                &source,
                Problem::NoAccelerometer {
                    placement: p.to_string(),
                },
            )
        })?;
        let gyr = units
            .gyr
            .and_then(|g| axes_of(SensorKind::Gyr, g.to_radps()));
        let mag = axes_of(SensorKind::Mag, 1.0);
        debug_assert!(frame == Frame::Body || acc.len() == n);
        streams.push(Stream {
            placement: p,
            acc_mps2: acc,
            gyr_radps: gyr,
            mag,
        });
    }
    Ok(streams)
}

/// An accelerometer whose columns never change is disconnected or stuck. Checked before
/// the unit is detected, which would otherwise fail on it with a less useful message; the
/// values are shown as the file has them.
fn check_not_stuck(table: &Table) -> Result<()> {
    for p in placements(table) {
        let mut axes = sensor_columns(table, p, SensorKind::Acc);
        axes.sort_by_key(|c| c.axis);
        let constant = |c: &&Column| c.values.iter().all(|&v| v == c.values[0]);
        if !axes.is_empty() && axes.iter().all(constant) {
            let letters: Vec<&str> = axes.iter().map(|c| ["x", "y", "z"][c.axis]).collect();
            let values: Vec<String> = axes.iter().map(|c| c.values[0].to_string()).collect();
            return Err(InputError::new(
                &table.source,
                Problem::Constant {
                    columns: format!("{p}_acc_{}", letters.join("/")),
                    values: values.join(", "),
                },
            )
            .into());
        }
    }
    Ok(())
}

/// A sensor at the end of its range reads its limit for several samples in a row. When
/// more than 0.1% of samples sit at the extreme value of an axis in such runs, the
/// peaks (impact, loading rate) of that sensor are underestimated.
fn saturation_warning(s: &Stream) -> Option<Warning> {
    let a = &s.acc_mps2;
    let mut worst: Option<(char, f64, f64)> = None;
    for (name, axis) in [('x', &a.x), ('y', &a.y), ('z', &a.z)] {
        let max_abs = axis.iter().fold(0.0f32, |m, &v| m.max(v.abs()));
        if max_abs == 0.0 {
            continue;
        }
        let mut clipped = 0usize;
        let mut run = 0usize;
        for &v in axis.iter() {
            if v.abs() >= max_abs * 0.999 {
                run += 1;
            } else {
                if run >= 3 {
                    clipped += run;
                }
                run = 0;
            }
        }
        if run >= 3 {
            clipped += run;
        }
        let share = clipped as f64 / axis.len() as f64;
        if share > 0.001 && worst.is_none_or(|w| share > w.2) {
            worst = Some((name, max_abs as f64, share));
        }
    }
    worst.map(|(axis, limit, share)| {
        Warning::new(
            "saturation",
            format!(
                "{} accelerometer {axis} axis sits at its limit of ±{:.1} g on {:.1}% of samples: impact peaks there are underestimated",
                s.placement,
                limit / STANDARD_GRAVITY_MPS2,
                share * 100.0
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(time_s: Vec<f64>, z: Vec<f64>) -> Table {
        let n = time_s.len();
        let col = |axis, values| Column {
            placement: Placement::Pelvis,
            sensor: SensorKind::Acc,
            axis,
            values,
        };
        Table {
            source: "t.csv".into(),
            time_s,
            columns: vec![
                col(0, vec![0.1; n]),
                col(1, vec![0.0; n]),
                col(2, narrow(&z)),
            ],
            lines: None,
        }
    }

    fn regular(n: usize, rate: f64) -> Vec<f64> {
        (0..n).map(|i| i as f64 / rate).collect()
    }

    fn wobble(n: usize) -> Vec<f64> {
        (0..n).map(|i| 1.0 + 0.5 * (i as f64 * 0.3).sin()).collect()
    }

    #[test]
    fn regular_g_data_becomes_mps2() {
        let r = assemble(
            table(regular(500, 100.0), wobble(500)),
            &ReadOptions::default(),
        )
        .unwrap();
        assert!((r.rate_hz - 100.0).abs() < 1e-9);
        assert_eq!(r.units.acc, AccUnit::G);
        assert!((r.streams[0].acc_mps2.z[0] as f64 - STANDARD_GRAVITY_MPS2).abs() < 1e-4);
        assert!(r.warnings.iter().any(|w| w.code == "acc_unit_detected"));
    }

    #[test]
    fn foot_unit_is_detected_after_resampling_to_fewer_rows() {
        // the last time comes early: the uniform base has one sample fewer than the rows
        // (a reader once indexed the detection past the resampled columns' end)
        let n = 1000;
        let mut t: Vec<f64> = (0..n)
            .map(|i| i as f64 / 100.0 + if i % 10 == 5 { 0.003 } else { 0.0 })
            .collect();
        t[n - 1] -= 0.003;
        let mut t2 = table(t, wobble(n));
        for c in &mut t2.columns {
            c.placement = Placement::LeftFoot;
        }
        let r = assemble(t2, &ReadOptions::default()).unwrap();
        assert!(r.warnings.iter().any(|w| w.code == "resampled"));
        assert_eq!(r.len(), n - 1);
        assert_eq!(r.units.acc, AccUnit::G);
    }

    #[test]
    fn a_column_shorter_than_the_time_is_named() {
        let mut t = table(regular(300, 100.0), vec![1.0; 300]);
        t.columns[1].values.truncate(22);
        let e = assemble(t, &ReadOptions::default())
            .unwrap_err()
            .to_string();
        assert!(e.contains("22 values where the time column has 300"), "{e}");
    }

    #[test]
    fn jittered_time_is_resampled_linearly() {
        let t: Vec<f64> = (0..500)
            .map(|i| i as f64 / 100.0 + if i % 2 == 1 { 0.002 } else { 0.0 })
            .collect();
        let z: Vec<f64> = t.iter().map(|&t| 1.0 + 0.01 * t).collect();
        let r = assemble(table(t, z), &ReadOptions::default()).unwrap();
        assert!(r.warnings.iter().any(|w| w.code == "resampled"));
        // a linear signal is reproduced exactly by linear interpolation
        let z10 = r.streams[0].acc_mps2.z[10] as f64 / STANDARD_GRAVITY_MPS2;
        assert!((z10 - (1.0 + 0.01 * r.time_s(10))).abs() < 1e-5, "{z10}");
    }

    #[test]
    fn backwards_time_names_its_line() {
        let mut t = regular(500, 100.0);
        t[100] = 0.5;
        let e = assemble(table(t, wobble(500)), &ReadOptions::default()).unwrap_err();
        assert_eq!(
            e.to_string(),
            "t.csv, line 102, column 'time': time 0.5 s does not increase after 0.99 s on the line before (expected strictly increasing seconds)"
        );
    }

    #[test]
    fn rare_duplicate_times_are_dropped_with_a_warning() {
        let mut t = regular(500, 100.0);
        t[200] = t[199];
        let r = assemble(table(t, wobble(500)), &ReadOptions::default()).unwrap();
        assert_eq!(r.len(), 499);
        assert!(
            r.warnings
                .iter()
                .any(|w| w.code == "duplicate_time" && w.message.contains("line 202"))
        );
    }

    #[test]
    fn long_gap_is_an_error() {
        let mut t = regular(500, 100.0);
        for v in t.iter_mut().skip(300) {
            *v += 1.0;
        }
        let e = assemble(table(t, wobble(500)), &ReadOptions::default()).unwrap_err();
        assert!(
            e.to_string().contains("line 302") && e.to_string().contains("gap of 1.010 s"),
            "{e}"
        );
    }

    #[test]
    fn ambiguous_acc_unit_asks_for_the_flag() {
        let z = (0..500).map(|i| 4.0 + (i as f64).sin()).collect();
        let e = assemble(table(regular(500, 100.0), z), &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("--acc-unit"), "{e}");
    }

    #[test]
    fn rate_limits_hold_up_to_rounding() {
        // times as written to 0.1 ms: the median step is 0.0001 minus rounding
        let t: Vec<f64> = (0..20_001)
            .map(|i| format!("{:.4}", i as f64 / 10_000.0).parse().unwrap())
            .collect();
        let n = t.len();
        let z = (0..n)
            .map(|i| 1.0 + 0.5 * (i as f64 * 0.002).sin())
            .collect();
        let r = assemble(table(t, z), &ReadOptions::default()).unwrap();
        assert!((r.rate_hz - 10_000.0).abs() < 1e-3, "{}", r.rate_hz);
    }

    #[test]
    fn time_in_milliseconds_is_named() {
        let t = (0..500).map(|i| i as f64 * 10.0).collect();
        let e = assemble(table(t, wobble(500)), &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains("looks like milliseconds"), "{e}");
    }

    #[test]
    fn many_repeated_times_are_counted() {
        let t = (0..500).map(|i| (i / 2) as f64 / 100.0).collect();
        let e = assemble(table(t, wobble(500)), &ReadOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("t.csv, line 3, column 'time': 250 of 500 rows repeat"),
            "{e}"
        );
    }

    #[test]
    fn stuck_accelerometer_is_named_before_its_unit() {
        let t = regular(500, 100.0);
        let mut tab = table(t, vec![0.0; 500]);
        tab.columns[0].values = vec![0.0; 500];
        let e = assemble(tab, &ReadOptions::default()).unwrap_err();
        assert!(
            e.to_string()
                .contains("pelvis_acc_x/y/z are constant (0, 0, 0)"),
            "{e}"
        );
    }

    #[test]
    fn resample_reproduces_lines() {
        let t = [0.0, 0.1, 0.25, 0.3];
        let v = [0.0, 1.0, 2.5, 3.0];
        let out = resample_linear(&t, &v, 0.0, 10.0, 4);
        for (i, o) in out.iter().enumerate() {
            assert!((f64::from(*o) - i as f64).abs() < 1e-6);
        }
    }

    #[test]
    fn saturation_is_warned() {
        let z: Vec<f64> = (0..1000)
            .map(|i| (2.0 * (i as f64 * 0.05).sin()).clamp(-1.5, 1.5) + 1.0)
            .collect();
        let r = assemble(
            table(regular(1000, 100.0), z),
            &ReadOptions {
                acc_unit: Some(AccUnit::G),
                ..Default::default()
            },
        )
        .unwrap();
        assert!(
            r.warnings.iter().any(|w| w.code == "saturation"),
            "{:?}",
            r.warnings
        );
    }
}
