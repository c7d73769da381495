//! End to end against polars, paired: runform reading and analysing a 30-minute CSV of
//! the `pipeline` bench (`end_to_end`), and polars alone parsing the same CSV from memory
//! (`polars_parse`) and reading the file (`polars_read_path`), timed one right after the
//! other, round after round, in an order that turns each round. Each round's ratio is
//! taken within the round, so that all three meet the same load; the `pipeline` bench
//! times them in separate groups minutes apart, and on a machine loaded from outside the
//! ratio of its medians moves with the load between the groups.
//!
//! `cargo bench --bench paired [-- FILTER]` runs the fixtures whose name contains FILTER
//! (`30min_2feet`, `30min_4sensors`, `30min_6sensors`; all by default) and prints, per
//! fixture, the median time of each and the median, range and share within 1.5× of
//! `end_to_end`'s ratio to each polars time. Simulating a fixture takes up to a minute.

mod common;

use common::*;
use runform::AnalysisConfig;
use runform::io::ReadOptions;
use std::hint::black_box;
use std::time::Instant;

/// Rounds per fixture, after two rounds of warm-up.
const ROUNDS: usize = 21;

/// The ratio target of the benchmarks' issue: end to end within this many times polars.
const TARGET_RATIO: f64 = 1.5;

fn main() {
    // cargo passes `--bench`; a `--test` run (cargo test --benches) only checks it starts
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--test") {
        return;
    }
    let filter = args.iter().find(|a| !a.starts_with("--")).cloned();
    let wanted = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let options = ReadOptions::default();
    let config = AnalysisConfig::default();
    for (name, placements) in [
        ("30min_2feet", FEET),
        ("30min_4sensors", FOUR),
        ("30min_6sensors", SIX),
    ] {
        if !wanted(name) {
            continue;
        }
        let f = Fixture::new(name, simulated(placements, 1800.0));
        let runs: [(&str, &dyn Fn()); 3] = [
            ("polars_parse", &|| {
                black_box(polars_parse(black_box(&f.csv)));
            }),
            ("polars_read_path", &|| {
                black_box(polars_read_path(black_box(f.file.path())));
            }),
            ("end_to_end", &|| {
                black_box(end_to_end(&config, black_box(f.file.path()), &options));
            }),
        ];
        let mut seconds = vec![Vec::new(); runs.len()];
        for round in 0..ROUNDS + 2 {
            for k in 0..runs.len() {
                let which = (k + round) % runs.len();
                let started = Instant::now();
                (runs[which].1)();
                if round >= 2 {
                    seconds[which].push(started.elapsed().as_secs_f64());
                }
            }
        }
        println!("{name}: {ROUNDS} rounds");
        for ((label, _), s) in runs.iter().zip(&seconds) {
            println!("  {label:<17} median {:7.1} ms", 1e3 * median(s.clone()));
        }
        let ours = &seconds[2];
        for (polars, label) in [
            (&seconds[0], "polars_parse"),
            (&seconds[1], "polars_read_path"),
        ] {
            let ratios: Vec<f64> = ours.iter().zip(polars).map(|(a, b)| a / b).collect();
            let within = ratios.iter().filter(|&&r| r <= TARGET_RATIO).count();
            let (lo, hi) = ratios.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &r| {
                (lo.min(r), hi.max(r))
            });
            println!(
                "  end_to_end / {label:<17} median {:.2}×, range {lo:.2}–{hi:.2}×, within {TARGET_RATIO}× in {within} of {ROUNDS} rounds",
                median(ratios.clone()),
            );
        }
    }
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        0.5 * (v[n / 2 - 1] + v[n / 2])
    }
}
