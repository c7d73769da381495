//! Command-line interface: argument parsing and the glue that calls the library and
//! prints. Nothing here computes anything about running.

mod batch;
mod history;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use runform::faults::Rules;
use runform::io::{InputFormat, ReadOptions, WindowPlan};
use runform::plot::{ChartInput, ChartKind, PlotConfig};
use runform::recording::{AccUnit, Frame, GyrUnit};
use runform::simulate::{Mounting, SimConfig};
use runform::windowed::Analysed;
use runform::{AnalysisConfig, Placement, Report};
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
    /// Analyse a recording (bouts, steps, cadence, contact, faults; prints a summary), or
    /// many: several files or folders are analysed in parallel into a runs table.
    Analyze(AnalyzeArgs),
    /// Training load and form trends across analysed runs (a runs table or the --out
    /// folder of a batch).
    History(history::HistoryArgs),
    /// Simulate a run: writes a canonical CSV and <name>.truth.json beside it.
    Simulate(Box<SimulateArgs>),
    /// Draw one chart of a recording's analysis as SVG or PNG.
    Plot(PlotArgs),
    /// Convert any readable recording to runform's canonical CSV or Parquet (by the
    /// extension of OUT: .csv, .parquet).
    Convert(ConvertArgs),
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum MountingArg {
    /// Sensor axes = segment axes (the file is in the body frame).
    Aligned,
    /// Each sensor turned by a seeded random rotation (the file is in the sensor frame).
    Random,
}

/// Every simulator parameter; unset ones keep the simulator's defaults (a typical
/// recreational runner: 170 spm, 3 m/s, 250 ms contact, 10° heel strike, 60 s).
#[derive(Debug, clap::Args)]
struct SimulateArgs {
    /// The CSV to write; the truth goes beside it as <name>.truth.json.
    #[arg(long, value_name = "FILE.csv")]
    out: PathBuf,
    /// Seed of every random choice.
    #[arg(long)]
    seed: Option<u64>,
    /// Duration of the running part, s.
    #[arg(long)]
    duration_s: Option<f64>,
    /// Sampling rate, Hz.
    #[arg(long)]
    rate_hz: Option<f64>,
    /// Sensors, comma separated (e.g. left_foot,right_foot,pelvis,trunk).
    #[arg(long, value_delimiter = ',', value_parser = parse_placement)]
    placements: Option<Vec<Placement>>,
    /// Cadence, steps/min.
    #[arg(long)]
    cadence_spm: Option<f64>,
    /// Speed, m/s.
    #[arg(long)]
    speed_mps: Option<f64>,
    /// Ground contact, ms.
    #[arg(long)]
    contact_ms: Option<f64>,
    /// Foot angle at initial contact, degrees (positive = toes up, heel first).
    #[arg(long, allow_negative_numbers = true)]
    strike_angle_deg: Option<f64>,
    /// Landing point ahead of the pelvis at initial contact, cm.
    #[arg(long)]
    overstride_cm: Option<f64>,
    /// Trunk transverse rotation per stride, peak-to-peak, degrees.
    #[arg(long)]
    trunk_rotation_deg: Option<f64>,
    /// Pelvis transverse rotation per stride, peak-to-peak, degrees.
    #[arg(long)]
    pelvis_rotation_deg: Option<f64>,
    /// Pelvic drop on the swing side, degrees.
    #[arg(long)]
    pelvic_drop_deg: Option<f64>,
    /// Trunk forward lean, degrees.
    #[arg(long, allow_negative_numbers = true)]
    forward_lean_deg: Option<f64>,
    /// Vertical oscillation of the pelvis, mm (default: what the physics gives).
    #[arg(long)]
    vertical_oscillation_mm: Option<f64>,
    /// Left contact longer than right by this %.
    #[arg(long, allow_negative_numbers = true)]
    asymmetry_pct: Option<f64>,
    /// Form drift over the run, 0–1.
    #[arg(long)]
    fatigue: Option<f64>,
    /// Stride-to-stride variability scale (1 = typical, 0 = none).
    #[arg(long)]
    variability: Option<f64>,
    /// Accelerometer noise, m/s² (SD per axis).
    #[arg(long)]
    acc_noise_mps2: Option<f64>,
    /// Gyroscope noise, rad/s (SD per axis).
    #[arg(long)]
    gyr_noise_radps: Option<f64>,
    /// Accelerometer bias magnitude, m/s².
    #[arg(long)]
    acc_bias_mps2: Option<f64>,
    /// Gyroscope bias magnitude, rad/s.
    #[arg(long)]
    gyr_bias_radps: Option<f64>,
    /// How the sensors sit on their segments.
    #[arg(long, value_enum)]
    mounting: Option<MountingArg>,
    /// Standing still before and after the run, s each.
    #[arg(long)]
    standing_s: Option<f64>,
    /// Walking before and after the run, s each.
    #[arg(long)]
    walking_s: Option<f64>,
}

fn parse_placement(s: &str) -> Result<Placement, String> {
    s.parse()
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

#[derive(Debug, Clone, Copy, ValueEnum)]
enum InputFormatArg {
    /// runform's CSV: time, then <placement>_<acc|gyr|mag>_<x|y|z>.
    Canonical,
    /// gaitmap's CSV: a 'sensor' and an 'axis' header line, then an index column.
    Gaitmap,
    /// Garmin FIT activity (the watch's running dynamics).
    Fit,
    /// runform's canonical layout in Parquet.
    Parquet,
    /// Sensor Logger export: its zip, or the unpacked folder.
    SensorLogger,
    /// phyphox export: its zip, or Raw Data.csv.
    Phyphox,
}

#[derive(Debug, clap::Args)]
struct AnalyzeArgs {
    /// The recording: runform's CSV (time, then <placement>_<acc|gyr|mag>_<x|y|z>) or
    /// Parquet, gaitmap's CSV, a Garmin FIT activity, a Sensor Logger export (zip or
    /// folder), a phyphox export, or any CSV with --map. Several files, or folders
    /// (searched for recordings), make a batch: analysed in parallel, with a report per
    /// run and the runs table in --out.
    #[arg(required = true, num_args = 1.., value_name = "FILE|DIR")]
    files: Vec<PathBuf>,
    #[command(flatten)]
    read: ReadArgs,
    /// What to print on standard output.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Also write report.json, steps.csv, steps.parquet, report.html and the charts
    /// (charts/<name>.svg and .png) into this folder; for a batch, one such folder per
    /// run, runs.csv and runs/runner=…/month=…/runs.parquet.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Print the time and throughput of each stage on standard error.
    #[arg(long)]
    timings: bool,
    /// A recording longer than this many minutes and a half is analysed in windows of
    /// about this length, one at a time, so that hours of samples are never held at once
    /// (the windows' reports are merged into one); 0 analyses any recording whole.
    #[arg(long, value_name = "MIN", default_value_t = 30.0, value_parser = parse_window_min)]
    window_min: f64,
    /// Fault rules (TOML) to use instead of the built-in ones (same layout as
    /// src/faults/rules.toml).
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The runner's height, cm (100–230): step length is also given relative to leg
    /// length (0.53 × height).
    #[arg(long, value_name = "CM", value_parser = parse_height_cm)]
    height_cm: Option<f64>,
    /// The day of the run (YYYY-MM-DD) for the runs table [default: the first date in
    /// each file name].
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<chrono::NaiveDate>,
    /// Whose runs these are (the runs table's runner column and partition).
    #[arg(long, value_name = "NAME", default_value = "")]
    runner: String,
    /// Worker threads for a batch [default: one per core].
    #[arg(long, value_name = "N", default_value_t = 0)]
    jobs: usize,
}

#[derive(Debug, clap::Args)]
struct ConvertArgs {
    /// The recording to read (any layout `analyze` reads that holds raw samples).
    input: PathBuf,
    /// The file to write: canonical CSV (.csv) or Parquet (.parquet), SI units.
    output: PathBuf,
    #[command(flatten)]
    read: ReadArgs,
}

/// How to read the input.
#[derive(Debug, clap::Args)]
struct ReadArgs {
    /// Layout of the file [default: recognised from its content (FIT and Parquet
    /// signatures, CSV header names), then its name: *.gaitmap.csv, *.fit, *.parquet].
    #[arg(long, value_enum)]
    input_format: Option<InputFormatArg>,
    /// Sampling rate, Hz, of a file indexed by sample number (gaitmap's CSV; default
    /// 204.8, with a warning); for a file with time, the rate it must give.
    #[arg(long, value_name = "HZ", value_parser = parse_rate_hz)]
    rate_hz: Option<f64>,
    /// Accelerometer unit of the file [default: detected from the data].
    #[arg(long, value_name = "g|m/s2", value_parser = parse_acc_unit)]
    acc_unit: Option<AccUnit>,
    /// Gyroscope unit of the file [default: detected from the data].
    #[arg(long, value_name = "deg/s|rad/s", value_parser = parse_gyr_unit)]
    gyr_unit: Option<GyrUnit>,
    /// Axes of the file.
    #[arg(long, value_enum, default_value = "sensor")]
    frame: FrameArg,
    /// Where a single sensor was worn [default: pelvis for a phone (Sensor Logger,
    /// phyphox), left_wrist for a FIT file's raw watch samples].
    #[arg(long, value_parser = parse_placement)]
    placement: Option<Placement>,
    /// Read any CSV through a column mapping: 'SOURCE=TARGET,…' pairs (TARGET: time or
    /// <placement>_<acc|gyr|mag>_<x|y|z>) with time_unit=s|ms|us|ns|iso,
    /// acc_unit=g|m/s2, gyr_unit=deg/s|rad/s, separator=comma|semicolon|tab; or the path
    /// of a .toml file with those settings and a [columns] table.
    #[arg(long, value_name = "MAP")]
    map: Option<String>,
}

impl ReadArgs {
    fn options(&self) -> Result<ReadOptions> {
        let map = match &self.map {
            Some(spec) => Some(runform::io::ColumnMap::parse(spec)?),
            None => None,
        };
        Ok(ReadOptions {
            acc_unit: self.acc_unit,
            gyr_unit: self.gyr_unit,
            frame: match self.frame {
                FrameArg::Sensor => Frame::Sensor,
                FrameArg::Body => Frame::Body,
            },
            rate_hz: self.rate_hz,
            format: self.input_format.map(|f| match f {
                InputFormatArg::Canonical => InputFormat::Canonical,
                InputFormatArg::Gaitmap => InputFormat::Gaitmap,
                InputFormatArg::Fit => InputFormat::Fit,
                InputFormatArg::Parquet => InputFormat::Parquet,
                InputFormatArg::SensorLogger => InputFormat::SensorLogger,
                InputFormatArg::Phyphox => InputFormat::Phyphox,
            }),
            placement: self.placement,
            map,
            ..ReadOptions::default()
        })
    }
}

/// The charts, as `runform plot --chart` names them.
#[derive(Debug, Clone, Copy, ValueEnum)]
#[value(rename_all = "snake_case")]
enum ChartArg {
    /// Faults over the run, on the activity timeline.
    Faults,
    /// Cadence over time over cadence bands.
    Cadence,
    /// Ground contact time per step and side; left/right balance over time.
    Contact,
    /// Foot-strike angle per side, and over time with the pattern bands.
    FootStrike,
    /// Trunk and pelvis rotation per stride.
    Rotation,
    /// Vertical oscillation and vertical ratio against reference bands.
    Vertical,
    /// Impact and braking peaks per step.
    Impact,
    /// One stride's raw signals with the detected events marked.
    Stride,
}

impl ChartArg {
    fn kind(self) -> ChartKind {
        match self {
            ChartArg::Faults => ChartKind::Faults,
            ChartArg::Cadence => ChartKind::Cadence,
            ChartArg::Contact => ChartKind::Contact,
            ChartArg::FootStrike => ChartKind::FootStrike,
            ChartArg::Rotation => ChartKind::Rotation,
            ChartArg::Vertical => ChartKind::Vertical,
            ChartArg::Impact => ChartKind::Impact,
            ChartArg::Stride => ChartKind::Stride,
        }
    }
}

#[derive(Debug, clap::Args)]
struct PlotArgs {
    /// The recording, as for `analyze`.
    file: PathBuf,
    /// The chart to draw.
    #[arg(long, value_enum)]
    chart: ChartArg,
    /// Where to write it; the format follows the extension [default: <chart>.svg].
    #[arg(long, value_name = "PATH.svg|PATH.png")]
    out: Option<PathBuf>,
    /// Width, px.
    #[arg(long, default_value_t = 1000)]
    width_px: u32,
    /// Height of one panel, px.
    #[arg(long, default_value_t = 420)]
    height_px: u32,
    #[command(flatten)]
    read: ReadArgs,
}

fn parse_acc_unit(s: &str) -> Result<AccUnit, String> {
    s.parse()
}

fn parse_rate_hz(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "'{s}' is not a sampling rate (expected a positive number of Hz)"
        )),
    }
}

fn parse_gyr_unit(s: &str) -> Result<GyrUnit, String> {
    s.parse()
}

/// Runs the command.
pub fn run(cli: Cli, stdout: &mut dyn Write) -> Result<()> {
    match cli.command {
        Command::Analyze(args) => match args.files.as_slice() {
            [one] if !one.is_dir() => analyze(&args, one, stdout),
            _ => batch::run(&args, stdout),
        },
        Command::History(args) => history::run(&args, stdout),
        Command::Simulate(args) => simulate(&args, stdout),
        Command::Plot(args) => plot(&args, stdout),
        Command::Convert(args) => convert(&args, stdout),
    }
}

fn plot(args: &PlotArgs, stdout: &mut dyn Write) -> Result<()> {
    let options = args.read.options()?;
    let kind = args.chart.kind();
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(format!("{}.svg", kind.name())));
    let png = match out.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("png") => true,
        Some(e) if e.eq_ignore_ascii_case("svg") => false,
        _ => {
            return Err(runform::Error::Setting(format!(
                "--out {}: the chart's file name must end in .svg or .png",
                out.display()
            ))
            .into());
        }
    };
    let analysed =
        AnalysisConfig::default().process_path(&args.file, &options, WindowPlan::default())?;
    let input = ChartInput {
        report: &analysed.report,
        recording: analysed.recording.as_ref(),
    };
    let config = PlotConfig {
        width_px: args.width_px,
        height_px: args.height_px,
    };
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    if png {
        config.png(kind, &input, &out)?;
    } else {
        let svg = config.svg(kind, &input)?;
        fs::write(&out, svg).with_context(|| format!("cannot write {}", out.display()))?;
    }
    writeln!(stdout, "wrote {}", out.display())?;
    Ok(())
}

/// The analysis settings `args` asks for.
fn analysis_config(args: &AnalyzeArgs) -> Result<AnalysisConfig> {
    let mut config = AnalysisConfig::default();
    if let Some(path) = &args.rules {
        config.faults = Rules::from_path(path)?;
    }
    config.reach.height_cm = args.height_cm;
    Ok(config)
}

/// The windows of `--window-min`.
fn window_plan(window_min: f64) -> WindowPlan {
    if window_min == 0.0 {
        WindowPlan::WHOLE
    } else {
        WindowPlan {
            own_s: 60.0 * window_min,
            ..WindowPlan::default()
        }
    }
}

/// 0, or a window of 2 to 1440 minutes.
fn parse_window_min(s: &str) -> std::result::Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v == 0.0 || (2.0..=1440.0).contains(&v) => Ok(v),
        _ => Err(format!(
            "expected 0 (the whole recording at once) or a window of 2 to 1440 minutes, found '{s}'"
        )),
    }
}

/// A height in cm between 100 and 230.
fn parse_height_cm(s: &str) -> std::result::Result<f64, String> {
    let v: f64 = s
        .parse()
        .map_err(|_| format!("expected a height in cm (a number), found '{s}'"))?;
    if (100.0..=230.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!(
            "expected a height between 100 and 230 cm, found {s}"
        ))
    }
}

fn analyze(args: &AnalyzeArgs, file: &Path, stdout: &mut dyn Write) -> Result<()> {
    let options = args.read.options()?;
    let config = analysis_config(args)?;
    let started = std::time::Instant::now();
    let analysed = config.process_path(file, &options, window_plan(args.window_min))?;
    if args.timings && analysed.samples > 0 {
        print_timings(file, &analysed, started.elapsed().as_secs_f64());
    }
    let (report, recording) = (analysed.report, analysed.recording);
    if let Some(dir) = &args.out {
        write_outputs(&report, recording.as_ref(), dir)?;
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

fn convert(args: &ConvertArgs, stdout: &mut dyn Write) -> Result<()> {
    let out = &args.output;
    let ext = out
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if !matches!(ext.as_str(), "csv" | "parquet" | "pq") {
        return Err(runform::Error::Setting(format!(
            "cannot tell the output layout of {} (expected a name ending in .csv or .parquet)",
            out.display()
        ))
        .into());
    }
    if let (Ok(a), Ok(b)) = (fs::canonicalize(&args.input), fs::canonicalize(out))
        && a == b
    {
        return Err(runform::Error::Setting(format!(
            "{} is the input: convert never writes over its input",
            out.display()
        ))
        .into());
    }
    let recording = runform::io::read_path(&args.input, &args.read.options()?)?;
    if let Some(dir) = out.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = fs::File::create(out).with_context(|| format!("cannot write {}", out.display()))?;
    let writer = std::io::BufWriter::new(file);
    if ext == "csv" {
        runform::io::write_csv(&recording, writer)
            .with_context(|| format!("cannot write {}", out.display()))?;
    } else {
        runform::io::write_parquet(&recording, writer)
            .with_context(|| format!("cannot write {}", out.display()))?;
    }
    writeln!(
        stdout,
        "wrote {} ({:.1} s, {} sensors at {:.2} Hz)",
        out.display(),
        recording.duration_s(),
        recording.streams.len(),
        recording.rate_hz
    )?;
    Ok(())
}

/// Writes the report files into `dir`; without the recording, the raw-stride chart says
/// it was not drawn.
fn write_outputs(
    report: &Report,
    recording: Option<&runform::Recording>,
    dir: &Path,
) -> Result<()> {
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
    let path = dir.join("steps.parquet");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    report
        .write_steps_parquet(std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", path.display()))?;
    let charts_dir = dir.join("charts");
    fs::create_dir_all(&charts_dir)
        .with_context(|| format!("cannot create {}", charts_dir.display()))?;
    let input = ChartInput { report, recording };
    let config = PlotConfig::default();
    let mut charts = Vec::new();
    for kind in ChartKind::ALL {
        let svg = config.svg(kind, &input)?;
        let path = charts_dir.join(format!("{}.svg", kind.name()));
        fs::write(&path, &svg).with_context(|| format!("cannot write {}", path.display()))?;
        config.png(
            kind,
            &input,
            &charts_dir.join(format!("{}.png", kind.name())),
        )?;
        charts.push((kind, svg));
    }
    let path = dir.join("report.html");
    let file =
        fs::File::create(&path).with_context(|| format!("cannot write {}", path.display()))?;
    runform::html::write_html(report, &charts, std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn simulate(args: &SimulateArgs, stdout: &mut dyn Write) -> Result<()> {
    let mut c = SimConfig::default();
    macro_rules! set {
        ($($field:ident),*) => { $( if let Some(v) = args.$field.clone() { c.$field = v; } )* };
    }
    set!(
        seed,
        duration_s,
        rate_hz,
        placements,
        cadence_spm,
        speed_mps,
        contact_ms,
        strike_angle_deg,
        overstride_cm,
        trunk_rotation_deg,
        pelvis_rotation_deg,
        pelvic_drop_deg,
        forward_lean_deg,
        asymmetry_pct,
        fatigue,
        variability,
        acc_noise_mps2,
        gyr_noise_radps,
        acc_bias_mps2,
        gyr_bias_radps,
        standing_s,
        walking_s
    );
    if args.vertical_oscillation_mm.is_some() {
        c.vertical_oscillation_mm = args.vertical_oscillation_mm;
    }
    if let Some(m) = args.mounting {
        c.mounting = match m {
            MountingArg::Aligned => Mounting::Aligned,
            MountingArg::Random => Mounting::Random,
        };
    }
    let sim = runform::simulate::simulate(&c)?;
    let csv_path = &args.out;
    if let Some(dir) = csv_path.parent().filter(|d| !d.as_os_str().is_empty()) {
        fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let file = fs::File::create(csv_path)
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    runform::io::write_csv(&sim.recording, std::io::BufWriter::new(file))
        .with_context(|| format!("cannot write {}", csv_path.display()))?;
    let truth_path = truth_path_for(csv_path);
    let file = fs::File::create(&truth_path)
        .with_context(|| format!("cannot write {}", truth_path.display()))?;
    serde_json::to_writer_pretty(std::io::BufWriter::new(file), &sim.truth)
        .with_context(|| format!("cannot write {}", truth_path.display()))?;
    writeln!(
        stdout,
        "wrote {} ({:.1} s, {} sensors at {} Hz) and {}",
        csv_path.display(),
        sim.recording.duration_s(),
        sim.recording.streams.len(),
        sim.recording.rate_hz,
        truth_path.display()
    )?;
    Ok(())
}

/// `run.csv` → `run.truth.json`.
fn truth_path_for(csv: &Path) -> PathBuf {
    let stem = csv
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "simulated".into());
    csv.with_file_name(format!("{stem}.truth.json"))
}

/// Stage times and throughput (sensor samples per second) on standard error, so that
/// `--format json` output stays clean; `total_s` is the wall time of reading and
/// analysing, which is less than the sum where stages run side by side.
fn print_timings(file: &Path, analysed: &Analysed, total_s: f64) {
    let (read_s, stages) = (analysed.read_s, &analysed.stages);
    let samples = analysed.samples as f64;
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0) as f64;
    if analysed.windows > 1 {
        eprintln!(
            "analysed in {} windows: each stage's time is its sum over them, merge puts their reports together, and read is the rest of the wall time",
            analysed.windows
        );
    }
    eprintln!("{:<12} {:>9} {:>16}", "stage", "ms", "throughput");
    eprintln!(
        "{:<12} {:>9.1} {:>11.1} MB/s",
        "read",
        read_s * 1e3,
        bytes / read_s / 1e6
    );
    for t in stages {
        eprintln!(
            "{:<12} {:>9.1} {:>7.1} M samples/s",
            if t.side_by_side {
                format!("{} *", t.stage)
            } else {
                t.stage.to_string()
            },
            t.seconds * 1e3,
            samples / t.seconds.max(1e-9) / 1e6
        );
    }
    eprintln!(
        "{:<12} {:>9.1} {:>7.1} M samples/s ({} sensor samples)",
        "total",
        total_s * 1e3,
        samples / total_s / 1e6,
        samples
    );
    if stages.iter().any(|t| t.side_by_side) {
        eprintln!("* side by side: their times overlap, and the total is the wall time");
    }
}
