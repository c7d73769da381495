//! `runform analyze` on many recordings: analysed in parallel with a progress bar on
//! standard error; with `--out`, a report folder per run, `runs.csv` and the Parquet
//! partitions `runs/runner=…/month=…/runs.parquet`.

use super::{AnalyzeArgs, Format, analysis_config, write_outputs};
use anyhow::{Context, Result, anyhow};
use indicatif::{ProgressBar, ProgressStyle};
use runform::batch::{BatchConfig, recordings_in, write_runs_csv, write_runs_partitioned};
use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

/// Analyses every recording `args` names.
pub(super) fn run(args: &AnalyzeArgs, stdout: &mut dyn Write) -> Result<()> {
    let files = recordings_in(&args.files)?;
    let config = BatchConfig {
        read: args.read.options()?,
        analysis: analysis_config(args)?,
        plan: super::window_plan(args.window_min),
        runner: args.runner.clone(),
        date: args.date,
        threads: args.jobs,
    };
    let bar = ProgressBar::new(files.len() as u64);
    if let Ok(style) = ProgressStyle::with_template(
        "{bar:30} {pos}/{len} recordings  {msg}  [{elapsed} ~{eta} left]",
    ) {
        bar.set_style(style);
    }
    let started = Instant::now();
    let (failed, bytes) = (AtomicUsize::new(0), AtomicU64::new(0));
    let outcomes = config.process(&files, &|o| {
        bytes.fetch_add(o.bytes, Ordering::Relaxed);
        if let Err(e) = &o.result {
            failed.fetch_add(1, Ordering::Relaxed);
            bar.suspend(|| eprintln!("runform: {e}"));
        }
        let mb_per_s = bytes.load(Ordering::Relaxed) as f64 / 1e6 / started.elapsed().as_secs_f64();
        bar.set_message(format!(
            "{} failed, {mb_per_s:.1} MB/s",
            failed.load(Ordering::Relaxed)
        ));
        bar.inc(1);
    })?;
    bar.finish_and_clear();

    let mut rows = Vec::new();
    let mut folders = BTreeSet::new();
    for o in &outcomes {
        let Ok(report) = &o.result else { continue };
        rows.push(config.row(&o.path, report));
        if let Some(dir) = &args.out {
            write_outputs(report, None, &dir.join(run_folder(&o.path, &mut folders)))?;
        }
    }
    if let Some(dir) = &args.out {
        fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        let path = dir.join("runs.csv");
        let file =
            fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
        write_runs_csv(&rows, std::io::BufWriter::new(file))
            .with_context(|| format!("cannot write {}", path.display()))?;
        write_runs_partitioned(&rows, &dir.join("runs"))?;
    }
    match args.format {
        Format::Text => {
            writeln!(
                stdout,
                "{:<10}  {:>7}  {:>8}  {:>8}  {:>6}  file",
                "date", "run min", "cadence", "contact", "faults"
            )?;
            for (o, r) in outcomes.iter().filter(|o| o.result.is_ok()).zip(&rows) {
                let metric = |k: &str, digits: usize| {
                    r.metrics
                        .get(k)
                        .map_or("—".to_string(), |v| format!("{v:.digits$}"))
                };
                writeln!(
                    stdout,
                    "{:<10}  {:>7.1}  {:>8}  {:>8}  {:>6}  {}",
                    r.date.map_or("—".to_string(), |d| d.to_string()),
                    r.running_s / 60.0,
                    metric("cadence_spm", 1),
                    metric("ground_contact_ms", 0),
                    r.faults.len(),
                    o.path.display()
                )?;
            }
        }
        Format::Json => {
            let entries: Vec<serde_json::Value> = outcomes
                .iter()
                .map(|o| match &o.result {
                    Ok(report) => serde_json::json!({"file": o.path.display().to_string(), "report": report}),
                    Err(e) => serde_json::json!({"file": o.path.display().to_string(), "error": e.to_string()}),
                })
                .collect();
            serde_json::to_writer_pretty(&mut *stdout, &entries)?;
            writeln!(stdout)?;
        }
    }
    let failed = failed.into_inner();
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "analysed {} of {} recordings in {seconds:.1} s ({:.1} MB/s){}",
        outcomes.len() - failed,
        outcomes.len(),
        bytes.into_inner() as f64 / 1e6 / seconds,
        if failed > 0 {
            format!("; {failed} could not be analysed (listed above)")
        } else {
            String::new()
        }
    );
    match outcomes.into_iter().find_map(|o| o.result.err()) {
        // the batch went on; the exit code still says that some input was bad
        Some(first) => Err(anyhow!(first).context(format!(
            "{failed} of {} recordings could not be analysed; the first",
            files.len()
        ))),
        None => Ok(()),
    }
}

/// A report folder for `path` under `--out`: its file stem, made unique.
fn run_folder(path: &Path, taken: &mut BTreeSet<String>) -> String {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "run".into());
    let mut name = stem.clone();
    let mut k = 2;
    while !taken.insert(name.clone()) {
        name = format!("{stem}-{k}");
        k += 1;
    }
    name
}
