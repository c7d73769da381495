//! Benchmarks of the pipeline on realistic sizes: reading, the analysis, and both end to end.
//!
//! Fixtures are simulated (seed 1, the default runner: 170 steps/min, 3 m/s) once per
//! group, outside the timed loop, written to canonical CSV in memory and, where a bench
//! reads a path, to a temporary file:
//! * `30min_2feet`: left and right foot, acc + gyr, 204.8 Hz, 30 min — the size of the
//!   peer benchmark (gaitmap's pipeline: 77 s and 2.2 GB on such a file);
//! * `30min_4sensors` and `5min_4sensors`: both feet, pelvis and trunk, acc + gyr, 200 Hz.
//!
//! What each bench measures:
//! * `read/csv_30min_2feet`: [`read_csv`] on the CSV bytes already in memory (parse,
//!   time checks, unit detection, building the recording); throughput in CSV bytes.
//! * `read/csv_path_30min_2feet`: [`read_csv_path`] on the temporary file (warm page
//!   cache: the file was just written); throughput in CSV bytes.
//! * `analyze/<fixture>`: [`AnalysisConfig::process`] on a recording already in memory
//!   (alignment, bouts, events, metrics, report assembly); throughput in sensor samples
//!   (samples per sensor × sensors).
//! * `end_to_end/30min_2feet`: read the file, then analyse it — what `runform analyze`
//!   does, less printing the report; throughput in sensor samples.
//!
//! Run them all with `cargo bench --bench pipeline`, or one group or bench by a filter on
//! its name: `cargo bench --bench pipeline -- end_to_end` (every group still simulates its
//! fixtures, a few seconds in all). Figures and the machine they were taken on are in
//! `BENCHMARKS.md`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use runform::io::{ReadOptions, read_csv, read_csv_path, write_csv};
use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Placement, Recording};
use std::hint::black_box;
use std::io::Write;
use std::time::Duration;
use tempfile::NamedTempFile;

const FEET: &[Placement] = &[Placement::LeftFoot, Placement::RightFoot];
const FOUR: &[Placement] = &[
    Placement::LeftFoot,
    Placement::RightFoot,
    Placement::Pelvis,
    Placement::Trunk,
];

/// A simulated recording, its canonical CSV in memory, and the CSV on disk.
struct Fixture {
    /// Bench id suffix, e.g. `30min_2feet`.
    name: String,
    recording: Recording,
    csv: Vec<u8>,
    /// Deleted when the fixture is dropped.
    file: NamedTempFile,
}

impl Fixture {
    /// Simulates `duration_s` of running at `rate_hz` with sensors at `placements`.
    fn new(name: &str, placements: &[Placement], duration_s: f64, rate_hz: f64) -> Fixture {
        let config = SimConfig {
            duration_s,
            rate_hz,
            placements: placements.to_vec(),
            ..SimConfig::default()
        };
        let recording = simulate(&config).expect("simulate fixture").recording;
        let mut csv = Vec::new();
        write_csv(&recording, &mut csv).expect("write CSV to memory");
        let mut file = NamedTempFile::new().expect("create temporary CSV");
        file.write_all(&csv).expect("write temporary CSV");
        file.flush().expect("flush temporary CSV");
        Fixture {
            name: name.to_string(),
            recording,
            csv,
            file,
        }
    }

    /// Samples per sensor × sensors.
    fn sensor_samples(&self) -> u64 {
        (self.recording.len() * self.recording.streams.len()) as u64
    }
}

/// Few samples, flat sampling: one iteration takes 0.1–1 s, so criterion's default
/// (100 samples, linearly more iterations per sample) would run for minutes per bench.
fn configure(group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>) {
    group
        .sample_size(10)
        .sampling_mode(SamplingMode::Flat)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(8));
}

fn read(c: &mut Criterion) {
    let feet = Fixture::new("30min_2feet", FEET, 1800.0, 204.8);
    let options = ReadOptions::default();
    let mut group = c.benchmark_group("read");
    configure(&mut group);
    group.throughput(Throughput::Bytes(feet.csv.len() as u64));
    group.bench_function(format!("csv_{}", feet.name), |b| {
        b.iter(|| read_csv(black_box(feet.csv.as_slice()), "bench.csv", &options).unwrap())
    });
    group.bench_function(format!("csv_path_{}", feet.name), |b| {
        b.iter(|| read_csv_path(black_box(feet.file.path()), &options).unwrap())
    });
    group.finish();
}

fn analyze(c: &mut Criterion) {
    let fixtures = [
        Fixture::new("30min_2feet", FEET, 1800.0, 204.8),
        Fixture::new("30min_4sensors", FOUR, 1800.0, 200.0),
        Fixture::new("5min_4sensors", FOUR, 300.0, 200.0),
    ];
    let config = AnalysisConfig::default();
    let mut group = c.benchmark_group("analyze");
    configure(&mut group);
    for f in &fixtures {
        // Time the real work, not an early exit: the run must be found.
        let report = config.process(&f.recording).expect("analyse fixture");
        assert!(report.summary.running_steps > 0, "{}: no steps", f.name);
        group.throughput(Throughput::Elements(f.sensor_samples()));
        group.bench_function(&f.name, |b| {
            b.iter(|| config.process(black_box(&f.recording)).unwrap())
        });
    }
    group.finish();
}

fn end_to_end(c: &mut Criterion) {
    let feet = Fixture::new("30min_2feet", FEET, 1800.0, 204.8);
    let (options, config) = (ReadOptions::default(), AnalysisConfig::default());
    let mut group = c.benchmark_group("end_to_end");
    configure(&mut group);
    group.throughput(Throughput::Elements(feet.sensor_samples()));
    group.bench_function(&feet.name, |b| {
        b.iter(|| {
            let recording = read_csv_path(black_box(feet.file.path()), &options).unwrap();
            config.process(&recording).unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, read, analyze, end_to_end);
criterion_main!(benches);
