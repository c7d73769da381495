//! Benchmarks of each stage of the pipeline, and of the whole of it from a file, on
//! 5- and 30-minute recordings of one to six sensors (4 hours: the `hours` bench).
//!
//! Fixtures are simulated once, outside the timed loops (seed 1, the default runner:
//! 170 steps/min, 3 m/s, 250 ms contact, aligned mounting), at 204.8 Hz, acc + gyr:
//! * `5min_1pelvis`, `5min_2feet`, `30min_2feet` (the size of the peer benchmark:
//!   gaitmap's pipeline on such a file), `30min_4sensors` (feet, pelvis, trunk),
//!   `30min_6sensors` (feet, shanks, pelvis, trunk);
//!
//! Groups, each named after the stage it times (a filter on the name runs one:
//! `cargo bench --bench pipeline -- events/`):
//! * `read`: [`runform::io::read_csv`] on the canonical CSV in memory; `read_path`: [`runform::io::read_csv_path`]
//!   on the temporary file (warm page cache); `polars_parse`: polars' CSV reader alone on
//!   the same bytes, into a frame of f64 columns — the floor that `read` is held against;
//!   `polars_read_path`: polars reading the temporary file itself (it maps the file), the
//!   counterpart of `read_path` and of `end_to_end`. Throughput in CSV bytes.
//! * `resample`: [`runform::io::assemble`] on the fixture's table with the time column jittered by up
//!   to ±20% of the sample interval, so that every column is resampled; `assemble`: the
//!   same on the uniform table (time checks, unit detection, building the streams only).
//! * `alignment`, `bouts`, `events`, `metrics`, `posture`, `trajectory`, `loading`,
//!   `oscillation`, `drift`, `faults`: each stage's `process` on the outputs of the stages
//!   before it (computed once), as [`AnalysisConfig::process`] runs them; `alignment`
//!   estimates each sensor's axes (sensor frame, the command line's default: the fixtures
//!   are simulated in body axes, where it has nothing to do).
//! * `orientation`: the attitude filter over one foot stream and over the pelvis stream.
//! * `charts`: every chart of [`runform::plot::ChartKind::ALL`] as SVG; `html`: the report page from
//!   the report and those SVGs; `json`: the report serialised.
//! * `analyze`: [`AnalysisConfig::process`] on the recording in memory.
//! * `end_to_end`: [`AnalysisConfig::process_path`] on the file, in the default windows (a
//!   run of 30 minutes is one: [`runform::io::read_csv_path`] then
//!   [`AnalysisConfig::process`]) — what `runform analyze` does, less printing the report.
//!
//! Stage throughput is in sensor samples (samples per sensor × sensors). Every bench takes
//! 10 samples (criterion's least) with flat sampling and short warm-up and measurement
//! times. Making the fixtures takes about a minute before the first bench. Figures and the machine they were taken
//! on are in `BENCHMARKS.md`.

mod common;

use common::*;
use criterion::Criterion;
use runform::AnalysisConfig;

fn minutes(c: &mut Criterion) {
    let config = AnalysisConfig::default();
    let six30 = simulated(SIX, 1800.0);
    let fixtures = [
        Fixture::new("5min_1pelvis", simulated(PELVIS, 300.0)),
        Fixture::new("5min_2feet", simulated(FEET, 300.0)),
        Fixture::new("30min_2feet", simulated(FEET, 1800.0)),
        Fixture::new("30min_4sensors", simulated(FOUR, 1800.0)),
        Fixture::new("30min_6sensors", six30),
    ];
    let all: Vec<&Fixture> = fixtures.iter().collect();
    read_benches(c, &all, 3);
    assemble_benches(c, &all, 3);
    let staged: Vec<Staged> = fixtures
        .iter()
        .map(|f| Staged::new(&config, &f.recording))
        .collect();
    let pairs: Vec<(&Fixture, &Staged)> = fixtures.iter().zip(&staged).collect();
    stage_benches(c, &pairs, 2);
    orientation_benches(c, &fixtures[4], 3);
    whole_benches(c, &all, 4);
}

criterion::criterion_group!(benches, minutes);
criterion::criterion_main!(benches);
