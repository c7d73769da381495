//! `runform history`: training load and form trends across analysed runs, per runner.

use super::Format;
use anyhow::{Context, Result};
use runform::batch::{partition_value, read_runs};
use runform::history::{History, HistoryConfig, RunRow};
use runform::html::history::{RunnerHistory, write_history_html};
use runform::plot::PlotConfig;
use runform::plot::history::{HistoryChart, HistoryInput};
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Arguments of `runform history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// The runs: a runs table (runs.csv, runs.parquet), a folder of runner=…/month=…
    /// Parquet partitions, or the --out folder of `runform analyze` on many files.
    path: PathBuf,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write history.json, history.html and the charts (charts/<name>.svg and
    /// .png; charts/runner=<name>/… when there are several runners) into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The table a path names: a batch's --out folder holds `runs/` (Parquet partitions) and
/// `runs.csv`; the partitions win.
fn table_of(path: &Path) -> PathBuf {
    let partitions = path.join("runs");
    if path.is_dir() && partitions.is_dir() {
        partitions
    } else if path.is_dir() && path.join("runs.csv").is_file() {
        path.join("runs.csv")
    } else {
        path.to_path_buf()
    }
}

/// Runs the command.
pub(super) fn run(args: &HistoryArgs, stdout: &mut dyn Write) -> Result<()> {
    let rows = read_runs(&table_of(&args.path))?;
    let mut by_runner: BTreeMap<String, Vec<RunRow>> = BTreeMap::new();
    for r in rows {
        by_runner.entry(r.runner.clone()).or_default().push(r);
    }
    let config = HistoryConfig::default();
    let histories: Vec<(String, Vec<RunRow>, History)> = by_runner
        .into_iter()
        .map(|(runner, runs)| {
            let h = config.process(&runs);
            (runner, runs, h)
        })
        .collect();
    let json = serde_json::json!({
        "runners": histories
            .iter()
            .map(|(runner, runs, h)| serde_json::json!({"runner": runner, "runs": runs.len(), "history": h}))
            .collect::<Vec<_>>()
    });
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
        let path = dir.join("history.json");
        let file = std::fs::File::create(&path)
            .with_context(|| format!("cannot write {}", path.display()))?;
        serde_json::to_writer_pretty(std::io::BufWriter::new(file), &json)
            .with_context(|| format!("cannot write {}", path.display()))?;
        write_page(dir, &config, &histories)?;
    }
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *stdout, &json)?;
            writeln!(stdout)?;
        }
        Format::Text => {
            for (runner, runs, h) in &histories {
                write_text(stdout, runner, runs.len(), h)?;
            }
        }
    }
    Ok(())
}

/// Writes the charts (SVG and PNG) and history.html into `dir`.
fn write_page(
    dir: &Path,
    config: &HistoryConfig,
    histories: &[(String, Vec<RunRow>, History)],
) -> Result<()> {
    let plot = PlotConfig::default();
    let mut charts: Vec<Vec<(HistoryChart, String)>> = Vec::new();
    let mut folders = std::collections::BTreeSet::new();
    for (runner, runs, history) in histories {
        let folder = if histories.len() == 1 {
            dir.join("charts")
        } else {
            let name = if runner.is_empty() { "unknown" } else { runner };
            let mut folder = format!("runner={}", partition_value(name));
            // two names made the same by the folder-name rules (`a/b`, `a_b`) get two folders
            let base = folder.clone();
            let mut n = 1;
            while !folders.insert(folder.clone()) {
                n += 1;
                folder = format!("{base}-{n}");
            }
            dir.join("charts").join(folder)
        };
        fs::create_dir_all(&folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
        let input = HistoryInput {
            history,
            runs,
            config,
        };
        let mut drawn = Vec::new();
        for chart in HistoryChart::all(config) {
            let svg = plot.history_svg(&chart, &input)?;
            let path = folder.join(format!("{}.svg", chart.name()));
            fs::write(&path, &svg).with_context(|| format!("cannot write {}", path.display()))?;
            plot.history_png(
                &chart,
                &input,
                &folder.join(format!("{}.png", chart.name())),
            )?;
            drawn.push((chart, svg));
        }
        charts.push(drawn);
    }
    let runners: Vec<RunnerHistory> = histories
        .iter()
        .zip(&charts)
        .map(|((runner, runs, history), charts)| RunnerHistory {
            runner,
            runs,
            history,
            charts,
        })
        .collect();
    let path = dir.join("history.html");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    write_history_html(&runners, std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn write_text(out: &mut dyn Write, runner: &str, runs: usize, h: &History) -> Result<()> {
    writeln!(out, "Runner {runner}: {runs} runs")?;
    if !h.undated_runs.is_empty() {
        writeln!(
            out,
            "  {} without a date, left out of the load figures: {}",
            h.undated_runs.len(),
            h.undated_runs.join(", ")
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "  {:<10}  {:>4}  {:>4}  {:>7}  {:>8}  {:>8}",
        "week of", "runs", "days", "time", "distance", "cadence"
    )?;
    for w in &h.weeks {
        let minutes = (w.running_s / 60.0).round() as u64;
        writeln!(
            out,
            "  {:<10}  {:>4}  {:>4}  {:>3}h{:02}m  {:>8}  {:>8}",
            w.week_start.to_string(),
            w.runs,
            w.running_days,
            minutes / 60,
            minutes % 60,
            w.distance_m
                .filter(|_| w.runs > 0)
                .map_or("—".to_string(), |d| format!("{:.1} km", d / 1000.0)),
            w.metrics
                .get("cadence_spm")
                .map_or("—".to_string(), |c| format!("{c:.1}"))
        )?;
    }
    writeln!(out)?;
    if h.warnings.is_empty() {
        writeln!(out, "Load warnings: none")?;
    } else {
        writeln!(out, "Load warnings:")?;
        for w in &h.warnings {
            writeln!(out, "  {}  {}: {}", w.date, w.kind.as_str(), w.evidence)?;
        }
    }
    writeln!(out)?;
    writeln!(out, "Form trends (per week, fitted over the dated runs):")?;
    for t in &h.trends {
        writeln!(
            out,
            "  {:<32} {:+.2} ± {:.2} per week ({:.1} → {:.1}, {} runs){}",
            t.metric,
            t.per_week,
            t.per_week_se,
            t.start,
            t.end,
            t.runs,
            if t.flagged { "  ← changing" } else { "" }
        )?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "Pain that lasts two weeks or more is a reason to see a professional; runform shows load and form, it does not diagnose."
    )?;
    Ok(())
}
