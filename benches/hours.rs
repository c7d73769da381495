//! Benchmarks of a 4-hour six-sensor recording (feet, shanks, pelvis, trunk at
//! 204.8 Hz, acc + gyr): the 30-minute simulated run of the `pipeline` bench repeated eight
//! times end to end (simulating four hours takes minutes; the seven joins are seven odd
//! strides in 4 h), written to a temporary CSV of about 1.1 GB (kept in memory too).
//!
//! * `read_path/4h_6sensors`: [`runform::io::read_csv_path`] on the file (warm page
//!   cache); `polars_parse/4h_6sensors`: polars' CSV reader alone on the same bytes;
//!   throughput in CSV bytes.
//! * `analyze/4h_6sensors`: [`runform::AnalysisConfig::process`] on the whole recording
//!   in memory; `end_to_end/4h_6sensors`: what `runform analyze` does, read and analyse
//!   the file in windows of 30 minutes
//!   ([`runform::AnalysisConfig::process_path`]); throughput in sensor samples.
//!
//! Ten samples each (criterion's least); one run takes several minutes. Peak memory is
//! measured on the command-line tool, not here (`BENCHMARKS.md`).

mod common;

use common::*;
use criterion::{Criterion, Throughput};
use runform::io::{ReadOptions, read_csv_path};
use std::hint::black_box;

fn hours(c: &mut Criterion) {
    let half_hour = simulated(SIX, 1800.0);
    let f = Fixture::new("4h_6sensors", repeated(&half_hour, 8));
    drop(half_hour);
    let options = ReadOptions::default();
    let mut g = quick(c, "read_path", 30);
    g.throughput(Throughput::Bytes(f.csv.len() as u64));
    g.bench_function(f.name, |b| {
        b.iter(|| read_csv_path(black_box(f.file.path()), &options).unwrap())
    });
    g.finish();
    let mut g = quick(c, "polars_parse", 20);
    g.throughput(Throughput::Bytes(f.csv.len() as u64));
    g.bench_function(f.name, |b| b.iter(|| polars_parse(black_box(&f.csv))));
    g.finish();
    whole_benches(c, &[&f], 40);
}

criterion::criterion_group!(benches, hours);
criterion::criterion_main!(benches);
