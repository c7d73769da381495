//! Fixtures and bench groups shared by the `pipeline` (5 and 30 minutes) and `hours`
//! (4 hours) benches; each bench's `//!` header says what it times.
#![allow(dead_code)]

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode, Throughput};
use polars::prelude::{CsvReadOptions, SerReader};
use runform::alignment::{Aligned, align};
use runform::bouts::Bout;
use runform::events::StreamContacts;
use runform::io::{
    Column, ReadOptions, SensorKind, Table, WindowPlan, assemble, read_csv, read_csv_path,
};
use runform::metrics::Metrics;
use runform::orientation::OrientationConfig;
use runform::plot::{ChartInput, ChartKind, PlotConfig};
use runform::recording::Frame;
use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Placement, Recording, Report};
use std::hint::black_box;
use std::io::{Cursor, Write};
use std::time::Duration;
use tempfile::NamedTempFile;

pub const RATE_HZ: f64 = 204.8;
pub const PELVIS: &[Placement] = &[Placement::Pelvis];
pub const FEET: &[Placement] = &[Placement::LeftFoot, Placement::RightFoot];
pub const FOUR: &[Placement] = &[
    Placement::LeftFoot,
    Placement::RightFoot,
    Placement::Pelvis,
    Placement::Trunk,
];
pub const SIX: &[Placement] = &[
    Placement::LeftFoot,
    Placement::RightFoot,
    Placement::LeftShank,
    Placement::RightShank,
    Placement::Pelvis,
    Placement::Trunk,
];

/// A recording, its canonical CSV in memory and on disk.
pub struct Fixture {
    pub name: &'static str,
    pub recording: Recording,
    pub csv: Vec<u8>,
    /// Deleted when the fixture is dropped.
    pub file: NamedTempFile,
}

pub fn simulated(placements: &[Placement], duration_s: f64) -> Recording {
    let config = SimConfig {
        duration_s,
        rate_hz: RATE_HZ,
        placements: placements.to_vec(),
        ..SimConfig::default()
    };
    simulate(&config).expect("simulate fixture").recording
}

/// `recording` repeated `times` times, one after the other.
pub fn repeated(recording: &Recording, times: usize) -> Recording {
    let mut out = recording.clone();
    for s in &mut out.streams {
        let one = recording.stream(s.placement).expect("same placements");
        for _ in 1..times {
            for (all, part) in [
                (&mut s.acc_mps2, Some(&one.acc_mps2)),
                (
                    s.gyr_radps.as_mut().expect("gyroscope"),
                    one.gyr_radps.as_ref(),
                ),
            ] {
                let part = part.expect("gyroscope");
                all.x.extend_from_slice(&part.x);
                all.y.extend_from_slice(&part.y);
                all.z.extend_from_slice(&part.z);
            }
        }
    }
    out
}

impl Fixture {
    pub fn new(name: &'static str, recording: Recording) -> Fixture {
        let mut csv = Vec::new();
        runform::io::write_csv(&recording, &mut csv).expect("write CSV to memory");
        let mut file = NamedTempFile::new().expect("create temporary CSV");
        file.write_all(&csv).expect("write temporary CSV");
        file.flush().expect("flush temporary CSV");
        Fixture {
            name,
            recording,
            csv,
            file,
        }
    }

    pub fn sensor_samples(&self) -> u64 {
        (self.recording.len() * self.recording.streams.len()) as u64
    }

    /// The recording as a reader's table, in SI units; with `jitter`, each time moved
    /// by up to ±20% of the sample interval (a fixed pattern, no randomness).
    pub fn table(&self, jitter: bool) -> Table {
        let r = &self.recording;
        let dt = 1.0 / r.rate_hz;
        let time_s = (0..r.len())
            .map(|i| {
                let wobble = if jitter {
                    0.2 * dt * ((i as f64 * 0.7).sin())
                } else {
                    0.0
                };
                r.time_s(i) + wobble
            })
            .collect();
        let mut columns = Vec::new();
        for s in &r.streams {
            for (sensor, axes) in [
                (SensorKind::Acc, Some(&s.acc_mps2)),
                (SensorKind::Gyr, s.gyr_radps.as_ref()),
            ] {
                let Some(a) = axes else { continue };
                for (axis, v) in [&a.x, &a.y, &a.z].into_iter().enumerate() {
                    columns.push(Column {
                        placement: s.placement,
                        sensor,
                        axis,
                        values: v.clone(),
                    });
                }
            }
        }
        Table {
            source: self.name.to_string(),
            time_s,
            columns,
            lines: None,
        }
    }
}

/// Every stage's output on a fixture, computed once, in pipeline order.
pub struct Staged<'r> {
    aligned: Vec<Aligned<'r>>,
    bouts: Vec<Bout>,
    contacts: Vec<StreamContacts>,
    metrics: Metrics,
    report: Report,
    charts: Vec<(ChartKind, String)>,
}

impl<'r> Staged<'r> {
    pub fn new(config: &AnalysisConfig, r: &'r Recording) -> Staged<'r> {
        let aligned: Vec<Aligned> = r.streams.iter().map(|s| align(s, r.frame)).collect();
        let bouts = config.bouts.process(r, &aligned);
        let contacts = config.events.process(r, &aligned, &bouts).expect("events");
        let metrics = config.metrics.process(r, &aligned, &bouts, &contacts);
        let report = config.process(r).expect("analyse fixture");
        assert!(report.summary.running_steps > 0, "no steps");
        let input = ChartInput {
            report: &report,
            recording: Some(r),
        };
        let charts = ChartKind::ALL
            .iter()
            .map(|&k| (k, PlotConfig::default().svg(k, &input).expect("chart")))
            .collect();
        Staged {
            aligned,
            bouts,
            contacts,
            metrics,
            report,
            charts,
        }
    }
}

/// Ten samples, flat sampling, short times: one iteration takes 1 ms to several
/// seconds, and criterion's defaults would run for minutes per bench.
pub fn quick<'a>(c: &'a mut Criterion, group: &str, seconds: u64) -> BenchmarkGroup<'a, WallTime> {
    let mut g = c.benchmark_group(group);
    g.sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(seconds));
    g
}

/// polars' CSV reader alone: every column as f64, on two threads as runform reads.
pub fn polars_parse(csv: &[u8]) -> usize {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_n_threads(Some(2))
        .into_reader_with_file_handle(Cursor::new(csv))
        .finish()
        .expect("polars parse");
    df.height()
}

/// polars' CSV reader alone on the file, as a user of polars would read it (polars maps
/// the file into memory): the counterpart of `read_path`.
pub fn polars_read_path(path: &std::path::Path) -> usize {
    let df = CsvReadOptions::default()
        .with_has_header(true)
        .with_n_threads(Some(2))
        .try_into_reader_with_file_path(Some(path.to_path_buf()))
        .expect("polars open")
        .finish()
        .expect("polars parse");
    df.height()
}

pub fn read_benches(c: &mut Criterion, fixtures: &[&Fixture], seconds: u64) {
    let options = ReadOptions::default();
    let mut g = quick(c, "read", seconds);
    for f in fixtures {
        g.throughput(Throughput::Bytes(f.csv.len() as u64));
        g.bench_function(f.name, |b| {
            b.iter(|| read_csv(black_box(f.csv.as_slice()), f.name, &options).unwrap())
        });
    }
    g.finish();
    let mut g = quick(c, "read_path", seconds);
    for f in fixtures {
        g.throughput(Throughput::Bytes(f.csv.len() as u64));
        g.bench_function(f.name, |b| {
            b.iter(|| read_csv_path(black_box(f.file.path()), &options).unwrap())
        });
    }
    g.finish();
    let mut g = quick(c, "polars_parse", seconds);
    for f in fixtures {
        g.throughput(Throughput::Bytes(f.csv.len() as u64));
        g.bench_function(f.name, |b| b.iter(|| polars_parse(black_box(&f.csv))));
    }
    g.finish();
    let mut g = quick(c, "polars_read_path", seconds);
    for f in fixtures {
        g.throughput(Throughput::Bytes(f.csv.len() as u64));
        g.bench_function(f.name, |b| {
            b.iter(|| polars_read_path(black_box(f.file.path())))
        });
    }
    g.finish();
}

pub fn assemble_benches(c: &mut Criterion, fixtures: &[&Fixture], seconds: u64) {
    let options = ReadOptions::default();
    for (group, jitter) in [("resample", true), ("assemble", false)] {
        let mut g = quick(c, group, seconds);
        for f in fixtures {
            let table = f.table(jitter);
            let r = assemble(table.clone(), &options).expect("assemble");
            let resampled = r.warnings.iter().any(|w| w.code == "resampled");
            assert_eq!(resampled, jitter, "{}: resampling as intended", f.name);
            g.throughput(Throughput::Elements(f.sensor_samples()));
            g.bench_function(f.name, |b| {
                b.iter_batched(
                    || table.clone(),
                    |t| assemble(t, &options).unwrap(),
                    criterion::BatchSize::LargeInput,
                )
            });
        }
        g.finish();
    }
}

pub fn stage_benches(c: &mut Criterion, fixtures: &[(&Fixture, &Staged)], seconds: u64) {
    let config = AnalysisConfig::default();
    macro_rules! stage {
        ($group:literal, |$r:ident, $s:ident| $body:expr) => {{
            let mut g = quick(c, $group, seconds);
            for (f, $s) in fixtures {
                let $r = &f.recording;
                let _ = (&$r, &$s);
                g.throughput(Throughput::Elements(f.sensor_samples()));
                g.bench_function(f.name, |b| b.iter(|| black_box($body)));
            }
            g.finish();
        }};
    }
    // the fixtures are simulated in body axes, where alignment has nothing to estimate;
    // timed in sensor axes (the command line's default), it estimates each sensor's axes
    stage!("alignment", |r, s| r
        .streams
        .iter()
        .map(|st| align(st, Frame::Sensor))
        .collect::<Vec<_>>());
    stage!("bouts", |r, s| config.bouts.process(r, &s.aligned));
    stage!("events", |r, s| config
        .events
        .process(r, &s.aligned, &s.bouts)
        .unwrap());
    stage!("metrics", |r, s| config.metrics.process(
        r,
        &s.aligned,
        &s.bouts,
        &s.contacts
    ));
    stage!("posture", |r, s| config.posture.process(
        r,
        &s.aligned,
        &s.bouts,
        &s.metrics.steps
    ));
    stage!("trajectory", |r, s| config
        .trajectory
        .process(r, &s.contacts));
    stage!("loading", |r, s| config.loading.process(
        r,
        &s.aligned,
        &s.metrics.steps
    ));
    stage!("oscillation", |r, s| config.oscillation.process(
        r,
        &s.aligned,
        &s.report.steps
    ));
    stage!("drift", |r, s| config.drift.process(&s.report.steps));
    stage!("faults", |r, s| config.faults.process(
        &s.report.summary,
        &s.report.steps,
        &s.report.segments
    ));
    stage!("charts", |r, s| {
        let input = ChartInput {
            report: &s.report,
            recording: Some(r),
        };
        ChartKind::ALL
            .iter()
            .map(|&k| PlotConfig::default().svg(k, &input).unwrap().len())
            .sum::<usize>()
    });
    stage!("html", |r, s| runform::html::page(&s.report, &s.charts)
        .len());
    stage!("json", |r, s| {
        let mut out = Vec::new();
        s.report.write_json(&mut out).unwrap();
        out.len()
    });
}

pub fn orientation_benches(c: &mut Criterion, f: &Fixture, seconds: u64) {
    let filter = OrientationConfig::default().plan(f.recording.rate_hz);
    let mut g = quick(c, "orientation", seconds);
    for p in [Placement::LeftFoot, Placement::Pelvis] {
        let s = f.recording.stream(p).expect("stream");
        let gyr = s.gyr_radps.as_ref().expect("gyroscope");
        g.throughput(Throughput::Elements(s.len() as u64));
        g.bench_function(format!("{}_{}", f.name, p), |b| {
            b.iter(|| filter.run(black_box(&s.acc_mps2), gyr).q.len())
        });
    }
    g.finish();
}

/// What `runform analyze` does with the file at `path`, less printing the report: read
/// it in the default windows and analyse them ([`AnalysisConfig::process_path`]).
pub fn end_to_end(
    config: &AnalysisConfig,
    path: &std::path::Path,
    options: &ReadOptions,
) -> Report {
    config
        .process_path(path, options, WindowPlan::default())
        .unwrap()
        .report
}

pub fn whole_benches(c: &mut Criterion, fixtures: &[&Fixture], seconds: u64) {
    let (options, config) = (ReadOptions::default(), AnalysisConfig::default());
    let mut g = quick(c, "analyze", seconds);
    for f in fixtures {
        g.throughput(Throughput::Elements(f.sensor_samples()));
        g.bench_function(f.name, |b| {
            b.iter(|| config.process(black_box(&f.recording)).unwrap())
        });
    }
    g.finish();
    let mut g = quick(c, "end_to_end", seconds);
    for f in fixtures {
        g.throughput(Throughput::Elements(f.sensor_samples()));
        g.bench_function(f.name, |b| {
            b.iter(|| end_to_end(&config, black_box(f.file.path()), &options))
        });
    }
    g.finish();
}
