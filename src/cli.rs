//! Command-line interface: argument parsing and the glue that calls the library and
//! prints. Nothing here computes anything about running.

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use runform::io::ReadOptions;
use runform::recording::{AccUnit, Frame, GyrUnit};
use runform::{AnalysisConfig, Report};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Running-form analysis from wearable IMU logs.
#[derive(Debug, Parser)]
#[command(name = "runform", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Analyse a recording: bouts, steps, cadence, contact; prints a summary.
    Analyze(AnalyzeArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    /// Readable summary.
    Text,
    /// The JSON report.
    Json,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum FrameArg {
    /// Axes unknown: runform finds up and forward itself.
    Sensor,
    /// Axes anatomical: x forward, y left, z up.
    Body,
}

#[derive(Debug, clap::Args)]
struct AnalyzeArgs {
    /// The recording (canonical CSV: time, then <placement>_<acc|gyr|mag>_<x|y|z>).
    file: PathBuf,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write report.json and steps.csv into this folder.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Accelerometer unit of the file [default: detected from the data].
    #[arg(long, value_name = "g|m/s2", value_parser = parse_acc_unit)]
    acc_unit: Option<AccUnit>,
    /// Gyroscope unit of the file [default: detected from the data].
    #[arg(long, value_name = "deg/s|rad/s", value_parser = parse_gyr_unit)]
    gyr_unit: Option<GyrUnit>,
    /// Axes of the file.
    #[arg(long, value_enum, default_value = "sensor")]
    frame: FrameArg,
}

fn parse_acc_unit(s: &str) -> Result<AccUnit, String> {
    s.parse()
}

fn parse_gyr_unit(s: &str) -> Result<GyrUnit, String> {
    s.parse()
}

/// Runs the command.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Analyze(args) => analyze(&args, stdout),
    }
}

fn analyze(args: &AnalyzeArgs, stdout: &mut dyn Write) -> Result<()> {
    let options = ReadOptions {
        acc_unit: args.acc_unit,
        gyr_unit: args.gyr_unit,
        frame: match args.frame {
            FrameArg::Sensor => Frame::Sensor,
            FrameArg::Body => Frame::Body,
        },
        ..ReadOptions::default()
    };
    let recording = runform::io::read_path(&args.file, &options)?;
    let report = AnalysisConfig::default().process(&recording)?;
    if let Some(dir) = &args.out {
        write_outputs(&report, dir)?;
    }
    match args.format {
        Format::Json => {
            report.write_json(&mut *stdout)?;
            writeln!(stdout)?;
        }
        Format::Text => report.write_text(&mut *stdout)?,
    }
    Ok(())
}

fn write_outputs(report: &Report, dir: &Path) -> Result<()> {
    fs::create_dir_all(dir)
        .with_context(|| format!("cannot create the output folder {}", dir.display()))?;
    let path = dir.join("report.json");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    report
        .write_json(std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let path = dir.join("steps.csv");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    report
        .write_steps_csv(std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
