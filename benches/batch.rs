//! Benchmark of a batch: 500 short simulated recordings (30 s of running, pelvis acc +
//! gyr, 100 Hz, canonical CSV in a temporary folder) read and analysed by
//! [`BatchConfig::process`] on one worker thread and on one per core. The ratio of the
//! two is how well a batch uses the machine (2 cores here: close to 2× is the goal).
//!
//! `cargo bench --bench batch`. Figures are in `BENCHMARKS.md`.

use criterion::{Criterion, SamplingMode, Throughput, criterion_group, criterion_main};
use runform::Placement;
use runform::batch::BatchConfig;
use runform::io::write_csv;
use runform::simulate::{SimConfig, simulate};
use std::path::PathBuf;
use std::time::Duration;

const FILES: usize = 500;

fn fixtures(dir: &std::path::Path) -> Vec<PathBuf> {
    let sim = |seed: u64| {
        simulate(&SimConfig {
            seed,
            duration_s: 30.0,
            rate_hz: 100.0,
            placements: vec![Placement::Pelvis],
            ..SimConfig::default()
        })
        .expect("a valid simulator setting")
    };
    (0..FILES)
        .map(|k| {
            // ten distinct runs, written 50 times each: simulating is not what is timed
            let path = dir.join(format!("run{k:03}.csv"));
            let file = std::fs::File::create(&path).expect("a temporary file");
            write_csv(
                &sim(1 + (k % 10) as u64).recording,
                std::io::BufWriter::new(file),
            )
            .expect("the CSV is written");
            path
        })
        .collect()
}

fn batch(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let files = fixtures(dir.path());
    let bytes: u64 = files
        .iter()
        .map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0))
        .sum();
    let mut group = c.benchmark_group("batch");
    group
        .sampling_mode(SamplingMode::Flat)
        .sample_size(10)
        .warm_up_time(Duration::from_secs(2))
        .measurement_time(Duration::from_secs(30))
        .throughput(Throughput::Bytes(bytes));
    for (name, threads) in [("500_files_1_thread", 1), ("500_files_all_cores", 0)] {
        let config = BatchConfig {
            threads,
            ..BatchConfig::default()
        };
        group.bench_function(name, |b| {
            b.iter(|| {
                let outcomes = config.process(&files, &|_| {}).expect("the pool starts");
                assert!(outcomes.iter().all(|o| o.result.is_ok()));
                outcomes
            })
        });
    }
    group.finish();
}

criterion_group!(benches, batch);
criterion_main!(benches);
