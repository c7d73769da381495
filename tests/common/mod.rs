//! Helpers shared by the integration tests.

pub mod browser;
pub mod fitfile;

use std::path::PathBuf;

/// The folder of real recordings: `$RUNFORM_REAL_DATA`, else `../shared/data/real` beside
/// the repository; `None`, with a printed skip notice, when it does not exist.
#[allow(dead_code)]
pub fn real_data_dir() -> Option<PathBuf> {
    let dir = std::env::var_os("RUNFORM_REAL_DATA")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/real"));
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!(
            "SKIPPED: real recordings not found at {} (set RUNFORM_REAL_DATA)",
            dir.display()
        );
        None
    }
}

/// The `runform` binary of this build.
#[allow(dead_code)]
pub fn runform() -> std::process::Command {
    std::process::Command::new(env!("CARGO_BIN_EXE_runform"))
}

/// A file of `sample_data/`.
#[allow(dead_code)]
pub fn sample(name: &str) -> PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample_data")
        .join(name)
}

/// Runs the command and checks it succeeded, showing its stderr when it did not.
#[allow(dead_code)]
pub fn succeed(command: &mut std::process::Command) -> std::process::Output {
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Every stream of `recording` aligned, as the analysis aligns them.
#[allow(dead_code)]
pub fn aligned(recording: &runform::Recording) -> Vec<runform::alignment::Aligned<'_>> {
    recording
        .streams
        .iter()
        .map(|s| runform::alignment::align(s, recording.frame))
        .collect()
}

/// Simulates `config` and analyses it as a user would: the axes are declared body axes
/// only when the sensors sit aligned on their segments, else unknown.
#[allow(dead_code)]
pub fn simulate_and_analyze(
    config: &runform::simulate::SimConfig,
) -> (runform::Report, runform::simulate::Truth) {
    let sim = runform::simulate::simulate(config).expect("valid simulator settings");
    let mut recording = sim.recording;
    recording.frame = if config.mounting == runform::simulate::Mounting::Aligned {
        runform::Frame::Body
    } else {
        runform::Frame::Sensor
    };
    let report = runform::AnalysisConfig::default()
        .process(&recording)
        .expect("analysis runs");
    (report, sim.truth)
}

/// Per-step errors against the simulator's truth over its running steps that have an
/// analysed step (same side, IC within 30 ms) with a value: `got(k)` of `report.steps[k]`
/// less `want` of the truth step, as (count, mean, RMS).
#[allow(dead_code)]
pub fn per_step_errors(
    report: &runform::Report,
    truth: &runform::simulate::Truth,
    got: impl Fn(usize) -> Option<f64>,
    want: impl Fn(&runform::simulate::TruthStep) -> f64,
) -> (usize, f64, f64) {
    let errors: Vec<f64> = truth
        .steps
        .iter()
        .filter(|t| t.activity == runform::simulate::Activity::Running)
        .filter_map(|t| {
            let k = report.steps.iter().position(|s| {
                s.side == t.side && (s.initial_contact_s - t.initial_contact_s).abs() < 0.03
            })?;
            Some(got(k)? - want(t))
        })
        .collect();
    let n = errors.len().max(1) as f64;
    let bias = errors.iter().sum::<f64>() / n;
    let rms = (errors.iter().map(|e| e * e).sum::<f64>() / n).sqrt();
    (errors.len(), bias, rms)
}
