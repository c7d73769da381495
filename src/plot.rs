//! Charts of a report, drawn with plotters as SVG (a `String`) or PNG (a file).
//!
//! Every chart has time on the x axis in minutes from the start of the recording (the
//! stride chart: seconds from the stride's initial contact), units in every axis label,
//! and the colour-blind-safe Okabe–Ito palette: left side blue, right side vermillion,
//! unknown side grey. A chart whose metric is not measured draws a panel that says so and
//! why (the reason the report gives in `unavailable`), so it fills in as metrics land.
//!
//! Body-frame signals follow [`alignment`](crate::alignment): specific force in g
//! (1 g at rest), vertical positive up; angular velocity in deg/s.
//!
//! The charts of many runs (weekly load, form trends) are in [`history`].

use crate::alignment::{Aligned, align};
use crate::bouts::Activity;
use crate::events::EventConfig;
use crate::metrics::{FOREFOOT_DEG, REARFOOT_DEG, Step};
use crate::recording::{Frame, Recording, Segment, Side};
use crate::report::{Report, Severity};
use nalgebra::{Matrix3, SymmetricEigen};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::fmt;
use std::ops::Range;
use std::path::Path;
use std::str::FromStr;
use std::sync::Once;

pub mod history;

/// DejaVu Sans (Bitstream Vera licence, in `assets/fonts/DejaVu-LICENSE.txt`): the text
/// of PNG charts, and the metrics plotters lays SVG text out with.
static FONT_TTF: &[u8] = include_bytes!("../assets/fonts/DejaVuSans.ttf");
/// The font family every chart names.
const FONT: &str = "sans-serif";

/// Okabe–Ito colours.
mod palette {
    use plotters::style::RGBColor;
    /// Black.
    pub const OI_BLACK: RGBColor = RGBColor(0, 0, 0);
    /// Orange.
    pub const OI_ORANGE: RGBColor = RGBColor(0xE6, 0x9F, 0x00);
    /// Sky blue.
    pub const OI_SKY: RGBColor = RGBColor(0x56, 0xB4, 0xE9);
    /// Bluish green.
    pub const OI_GREEN: RGBColor = RGBColor(0x00, 0x9E, 0x73);
    /// Yellow.
    pub const OI_YELLOW: RGBColor = RGBColor(0xF0, 0xE4, 0x42);
    /// Blue.
    pub const OI_BLUE: RGBColor = RGBColor(0x00, 0x72, 0xB2);
    /// Vermillion.
    pub const OI_VERMILLION: RGBColor = RGBColor(0xD5, 0x5E, 0x00);
    /// Reddish purple.
    pub const OI_PURPLE: RGBColor = RGBColor(0xCC, 0x79, 0xA7);
    /// Grey for unknowns and reference lines (not Okabe–Ito, neutral).
    pub const OI_GREY: RGBColor = RGBColor(0x88, 0x88, 0x88);
}
use palette::*;

/// Cadence bands, steps/min, lower edges and names: the colour gauge of Garmin Running
/// Dynamics (below 153, 153–163, 164–173, 174–183, above 183).
pub const CADENCE_ZONES_SPM: [(f64, &str); 5] = [
    (0.0, "< 153"),
    (153.0, "153–163"),
    (164.0, "164–173"),
    (174.0, "174–183"),
    (184.0, "> 183"),
];
/// Vertical oscillation bands, mm (Garmin Running Dynamics gauge).
pub const VERTICAL_OSCILLATION_ZONES_MM: [f64; 4] = [67.0, 84.0, 101.0, 118.0];
/// Vertical ratio bands, % (Garmin Running Dynamics gauge).
pub const VERTICAL_RATIO_ZONES_PCT: [f64; 4] = [6.1, 7.5, 8.7, 10.1];

/// Fewest steps in the rolling mean of per-step lines.
const ROLLING_STEPS: usize = 10;

/// Points in the rolling mean of a series of `count` points: 10, or a hundredth of the
/// series on long runs (at most 60), so that an hour's line is not all step-to-step noise;
/// always even (see [`rolling_lines`]).
fn rolling_n(count: usize) -> usize {
    (count / 100).clamp(ROLLING_STEPS, 60) & !1
}
/// A gap between steps longer than this breaks a line, s.
const LINE_GAP_S: f64 = 3.0;

/// The charts runform draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ChartKind {
    /// Cadence over time, step by step and per time segment, over cadence bands.
    Cadence,
    /// Ground contact time per step and side, and the left/right balance over time.
    Contact,
    /// Foot-strike angle distribution per side, and the angle over time with the
    /// pattern bands.
    FootStrike,
    /// Trunk and pelvis transverse rotation per stride.
    Rotation,
    /// Vertical oscillation and vertical ratio against reference bands.
    Vertical,
    /// Impact and braking peaks per step.
    Impact,
    /// Faults over the run, on the activity timeline.
    Faults,
    /// One stride's raw signals with the detected events marked.
    Stride,
}

impl ChartKind {
    /// Every chart, in the order the HTML report shows them.
    pub const ALL: [ChartKind; 8] = [
        ChartKind::Faults,
        ChartKind::Cadence,
        ChartKind::Contact,
        ChartKind::FootStrike,
        ChartKind::Rotation,
        ChartKind::Vertical,
        ChartKind::Impact,
        ChartKind::Stride,
    ];

    /// The name used on the command line and as the file name, e.g. `foot_strike`.
    pub fn name(self) -> &'static str {
        match self {
            ChartKind::Cadence => "cadence",
            ChartKind::Contact => "contact",
            ChartKind::FootStrike => "foot_strike",
            ChartKind::Rotation => "rotation",
            ChartKind::Vertical => "vertical",
            ChartKind::Impact => "impact",
            ChartKind::Faults => "faults",
            ChartKind::Stride => "stride",
        }
    }

    /// A readable title.
    pub fn title(self) -> &'static str {
        match self {
            ChartKind::Cadence => "Cadence over time",
            ChartKind::Contact => "Ground contact time and left/right balance",
            ChartKind::FootStrike => "Foot-strike angle",
            ChartKind::Rotation => "Trunk and pelvis rotation per stride",
            ChartKind::Vertical => "Vertical oscillation and vertical ratio",
            ChartKind::Impact => "Impact and braking per step",
            ChartKind::Faults => "Faults over the run",
            ChartKind::Stride => "One stride: raw signals and detected events",
        }
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for ChartKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ChartKind::ALL
            .into_iter()
            .find(|k| k.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = ChartKind::ALL.iter().map(|k| k.name()).collect();
                format!("unknown chart '{s}' (expected one of {})", names.join(", "))
            })
    }
}

/// A chart that could not be drawn or written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// plotters failed (an I/O error writing the PNG, or a font problem).
    #[error("cannot draw the {chart} chart: {message}")]
    Draw {
        /// The chart.
        chart: &'static str,
        /// plotters' message.
        message: String,
    },
}

/// What the charts are drawn from: the report, and the recording for the charts that
/// show signals (rotation per stride, the raw stride).
#[derive(Debug, Clone, Copy)]
pub struct ChartInput<'a> {
    /// The analysis.
    pub report: &'a Report,
    /// The recording analysed; without it the signal charts say it is needed.
    pub recording: Option<&'a Recording>,
}

/// Chart size.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotConfig {
    /// Width, px.
    pub width_px: u32,
    /// Height of a chart of one panel, px (charts of several panels are taller).
    pub height_px: u32,
}

impl Default for PlotConfig {
    fn default() -> Self {
        PlotConfig {
            width_px: 1000,
            height_px: 420,
        }
    }
}

/// A named, coloured line of `(x, y)` points.
type Series = (String, RGBColor, Vec<(f64, f64)>);
/// A per-step value.
type StepValue = fn(&Step) -> Option<f64>;

/// Cartesian coordinates of two `f64` axes.
type XY =
    Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>;

/// Internal result: plotters' error as text.
type Drawn = Result<(), String>;

fn err<E: std::error::Error + Send + Sync>(e: DrawingAreaErrorKind<E>) -> String {
    e.to_string()
}

impl PlotConfig {
    /// Size of `kind`'s chart, px: panels with data are full height, panels saying
    /// "not measured" are short.
    pub fn size_px(&self, kind: ChartKind, input: &ChartInput) -> (u32, u32) {
        let h: f64 = panel_heights(kind, input).iter().sum();
        (
            self.width_px,
            (self.height_px as f64 * h).round().max(1.0) as u32,
        )
    }

    /// Draws `kind` as an SVG document.
    pub fn svg(&self, kind: ChartKind, input: &ChartInput) -> Result<String, PlotError> {
        register_font();
        let mut svg = String::new();
        {
            let root =
                SVGBackend::with_string(&mut svg, self.size_px(kind, input)).into_drawing_area();
            draw(&root, kind, input)
                .and_then(|()| root.present().map_err(err))
                .map_err(|message| PlotError::Draw {
                    chart: kind.name(),
                    message,
                })?;
        }
        Ok(svg)
    }

    /// Draws `kind` as a PNG file at `path` (whose name must end in `.png`).
    pub fn png(&self, kind: ChartKind, input: &ChartInput, path: &Path) -> Result<(), PlotError> {
        register_font();
        let root = BitMapBackend::new(path, self.size_px(kind, input)).into_drawing_area();
        draw(&root, kind, input)
            .and_then(|()| root.present().map_err(err))
            .map_err(|message| PlotError::Draw {
                chart: kind.name(),
                message,
            })
    }
}

/// Height of a "not measured" panel, in panel heights.
const EMPTY_PANEL: f64 = 0.4;
/// Height of the title, in panel heights.
const TITLE: f64 = 0.1;

/// Heights of `kind`'s panels, in [`PlotConfig::height_px`], the title first.
fn panel_heights(kind: ChartKind, input: &ChartInput) -> Vec<f64> {
    let report = input.report;
    let has = |f: fn(&Step) -> Option<f64>| !per_step(report, None, f).is_empty();
    let full = |yes: bool| if yes { 1.0 } else { EMPTY_PANEL };
    let mut h = vec![TITLE];
    match kind {
        ChartKind::Cadence | ChartKind::Rotation => h.push(1.0),
        ChartKind::Faults => h.push(0.45 + 0.15 * report.faults.len().max(1) as f64),
        ChartKind::Contact => {
            h.push(full(has(|s| s.contact_ms)));
            h.push(full(report.summary.contact_balance_left_pct.is_some()) * 0.8);
        }
        ChartKind::FootStrike => {
            if has(|s| s.strike_angle_deg) {
                h.extend([1.0, 1.0]);
            } else {
                h.push(EMPTY_PANEL);
            }
        }
        ChartKind::Impact => {
            h.push(full(has(|s| s.impact_peak_g)));
            h.push(full(has(|s| s.braking_peak_g)));
        }
        ChartKind::Vertical => {
            let s = &report.summary;
            h.push(if s.vertical_oscillation_mm.is_some() {
                0.5
            } else {
                EMPTY_PANEL
            });
            h.push(if s.vertical_ratio_pct.is_some() {
                0.5
            } else {
                EMPTY_PANEL
            });
        }
        ChartKind::Stride => {
            let n = stride_panels(input).len();
            h.push(if n == 0 {
                EMPTY_PANEL
            } else {
                0.1 + 0.6 * n as f64
            });
        }
    }
    h
}

/// Splits `area` (the chart below its title) into two panels in the proportions of
/// `kind`'s [`panel_heights`].
fn two_panels<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    input: &ChartInput,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    let h = panel_heights(kind, input);
    let share = h.get(1).copied().unwrap_or(1.0) / h.iter().skip(1).sum::<f64>().max(1e-9);
    area.split_vertically((area.dim_in_pixel().1 as f64 * share).round() as u32)
}

fn register_font() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // the font is built in and known good; a failure would only lose PNG text
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, FONT_TTF);
    });
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    kind: ChartKind,
    input: &ChartInput,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    let body = root
        .titled(kind.title(), (FONT, 22).into_font().color(&OI_BLACK))
        .map_err(err)?;
    match kind {
        ChartKind::Cadence => cadence(&body, input.report),
        ChartKind::Contact => contact(&body, input),
        ChartKind::FootStrike => foot_strike(&body, input.report),
        ChartKind::Rotation => rotation(&body, input),
        ChartKind::Vertical => vertical(&body, input),
        ChartKind::Impact => impact(&body, input),
        ChartKind::Faults => faults(&body, input.report),
        ChartKind::Stride => stride(&body, input),
    }
}

/// The reason the report gives for `metric` being absent.
fn reason(report: &Report, metric: &str) -> String {
    report
        .unavailable
        .iter()
        .find(|u| u.metric == metric)
        .map(|u| u.reason.clone())
        .unwrap_or_else(|| "no values in this recording".to_string())
}

/// A grey panel saying what is not measured and why, the text wrapped to the width.
fn not_measured<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, what: &str, why: &str) -> Drawn
where
    DB::ErrorType: 'static,
{
    let (w, h) = area.dim_in_pixel();
    let (w, h) = (w as i32, h as i32);
    area.draw(&Rectangle::new(
        [(20, 10), (w - 20, h - 10)],
        RGBColor(0xF2, 0xF2, 0xF2).filled(),
    ))
    .map_err(err)?;
    area.draw(&Rectangle::new([(20, 10), (w - 20, h - 10)], OI_GREY))
        .map_err(err)?;
    let big = (FONT, 18).into_font().color(&OI_BLACK);
    let small = (FONT, 15).into_font().color(&RGBColor(0x33, 0x33, 0x33));
    let lines = wrap(why, ((w - 80) / 8).max(20) as usize);
    let y0 = (h / 2 - 14 - 10 * lines.len() as i32).max(16);
    area.draw(&Text::new(format!("{what}: not measured"), (40, y0), big))
        .map_err(err)?;
    for (i, line) in lines.iter().enumerate() {
        area.draw(&Text::new(
            line.clone(),
            (40, y0 + 28 + 20 * i as i32),
            small.clone(),
        ))
        .map_err(err)?;
    }
    Ok(())
}

/// Splits `text` into lines of at most `width` characters at spaces.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn side_colour(side: Side) -> RGBColor {
    match side {
        Side::Left => OI_BLUE,
        Side::Right => OI_VERMILLION,
        Side::Unknown => OI_GREY,
    }
}

fn running(report: &Report) -> impl Iterator<Item = &Step> {
    report
        .steps
        .iter()
        .filter(|s| s.activity == Activity::Running)
}

/// The x range, minutes, of the whole recording.
fn minutes(report: &Report) -> Range<f64> {
    let end = report
        .bouts
        .iter()
        .map(|b| b.end_s)
        .fold(report.input.duration_s, f64::max);
    let start = report.bouts.iter().map(|b| b.start_s).fold(0.0, f64::min);
    start / 60.0..(end / 60.0).max(start / 60.0 + 0.1)
}

/// `lo..hi` of the values, widened by `pad` of the span (and by at least `min_span`).
fn value_range(values: impl Iterator<Item = f64>, pad: f64, min_span: f64) -> Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
            (a.min(v), b.max(v))
        });
    if !lo.is_finite() {
        return 0.0..1.0;
    }
    let span = (hi - lo).max(min_span);
    let mid = (hi + lo) / 2.0;
    mid - span * (0.5 + pad)..mid + span * (0.5 + pad)
}

/// `r` with room added at the top for the legend.
fn headroom(r: Range<f64>) -> Range<f64> {
    r.start..r.end + 0.3 * (r.end - r.start)
}

/// Rolling mean over `n` points (rounded down to even: `i - n/2 .. i + n/2`), split into runs where consecutive times are within
/// [`LINE_GAP_S`]: each run is one line, `(time_s, value)`.
fn rolling_lines(points: &[(f64, f64)], n: usize) -> Vec<Vec<(f64, f64)>> {
    let mut lines: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut run: Vec<(f64, f64)> = Vec::new();
    let mut flush = |run: &mut Vec<(f64, f64)>| {
        if run.len() >= 2 {
            // an even window holds as many left as right steps, so the line does not
            // zigzag with the two sides' step times
            let half = (n / 2).max(1);
            let line = (0..run.len())
                .map(|i| {
                    let a = i.saturating_sub(half);
                    let b = (i + half).min(run.len());
                    let mean = run[a..b].iter().map(|p| p.1).sum::<f64>() / (b - a) as f64;
                    (run[i].0, mean)
                })
                .collect();
            lines.push(line);
        }
        run.clear();
    };
    for &p in points {
        if run
            .last()
            .is_some_and(|l: &(f64, f64)| p.0 - l.0 > LINE_GAP_S)
        {
            flush(&mut run);
        }
        run.push(p);
    }
    flush(&mut run);
    lines
}

/// Per-step `(time, value)` of running steps of `side` (all sides when `None`).
fn per_step(
    report: &Report,
    side: Option<Side>,
    f: impl Fn(&Step) -> Option<f64>,
) -> Vec<(f64, f64)> {
    running(report)
        .filter(|s| side.is_none_or(|side| s.side == side))
        .filter_map(|s| Some((s.initial_contact_s, f(s)?)))
        .filter(|p| p.1.is_finite())
        .collect()
}

fn legend_box<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    chart: &mut ChartContext<'a, DB, CT>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(OI_GREY)
        .label_font((FONT, 14))
        .position(SeriesLabelPosition::UpperRight)
        .draw()
        .map_err(err)
}

fn cadence<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let points = per_step(report, None, |s| {
        s.step_s.filter(|&t| t > 0.0).map(|t| 60.0 / t)
    });
    if points.is_empty() || report.summary.cadence_spm.is_none() {
        return not_measured(area, "cadence", &reason(report, "cadence_spm"));
    }
    let n = rolling_n(points.len());
    let lines = rolling_lines(&points, n);
    let y = value_range(lines.iter().flatten().map(|p| p.1), 0.25, 30.0);
    let x = minutes(report);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(err)?;
    // cadence bands, light tints from slow (vermillion) to quick (blue)
    let tints = [OI_VERMILLION, OI_ORANGE, OI_YELLOW, OI_GREEN, OI_BLUE];
    for (i, (lo, name)) in CADENCE_ZONES_SPM.iter().enumerate() {
        let hi = CADENCE_ZONES_SPM.get(i + 1).map_or(f64::INFINITY, |z| z.0);
        let (a, b) = (lo.max(y.start), hi.min(y.end));
        if a >= b {
            continue;
        }
        chart
            .draw_series([Rectangle::new(
                [(x.start, a), (x.end, b)],
                tints[i].mix(0.13).filled(),
            )])
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                format!("{name} steps/min"),
                (x.start + 0.01 * (x.end - x.start), b),
                (FONT, 12).into_font().color(&RGBColor(0x55, 0x55, 0x55)),
            )])
            .map_err(err)?;
    }
    chart
        .configure_mesh()
        .x_desc("time, min")
        .y_desc("cadence, steps/min")
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(OI_BLACK.mix(0.12))
        .draw()
        .map_err(err)?;
    let mut first = true;
    for line in &lines {
        let s = chart
            .draw_series(LineSeries::new(
                line.iter().map(|p| (p.0 / 60.0, p.1)),
                OI_BLUE.stroke_width(2),
            ))
            .map_err(err)?;
        if first {
            s.label(format!("{n}-step rolling mean"))
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_BLUE.stroke_width(2)));
            first = false;
        }
    }
    let mut first = true;
    for seg in report.segments.iter().filter(|s| s.cadence_spm.is_some()) {
        let c = seg.cadence_spm.unwrap_or_default();
        let s = chart
            .draw_series([PathElement::new(
                [(seg.start_s / 60.0, c), (seg.end_s / 60.0, c)],
                OI_BLACK.stroke_width(3),
            )])
            .map_err(err)?;
        if first {
            s.label("per time segment")
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_BLACK.stroke_width(3)));
            first = false;
        }
    }
    legend_box(&mut chart)
}

fn contact<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &ChartInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let report = input.report;
    let (top, bottom) = two_panels(area, ChartKind::Contact, input);
    let all = per_step(report, None, |s| s.contact_ms);
    let x = minutes(report);
    if all.is_empty() {
        not_measured(
            &top,
            "ground contact time",
            &reason(report, "ground_contact_ms"),
        )?;
    } else {
        let y = headroom(value_range(all.iter().map(|p| p.1), 0.1, 60.0));
        let mut chart = ChartBuilder::on(&top)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x.clone(), y)
            .map_err(err)?;
        mesh(&mut chart, "time, min", "ground contact, ms")?;
        for side in [Side::Left, Side::Right, Side::Unknown] {
            let pts = per_step(report, Some(side), |s| s.contact_ms);
            if pts.is_empty() {
                continue;
            }
            let c = side_colour(side);
            chart
                .draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0 / 60.0, p.1), 2, c.mix(0.45).filled())),
                )
                .map_err(err)?;
            let mut first = true;
            for line in rolling_lines(&pts, rolling_n(pts.len())) {
                let s = chart
                    .draw_series(LineSeries::new(
                        line.iter().map(|p| (p.0 / 60.0, p.1)),
                        c.stroke_width(2),
                    ))
                    .map_err(err)?;
                if first {
                    s.label(format!(
                        "{} (dots: steps, line: rolling mean)",
                        side.as_str()
                    ))
                    .legend(move |(x, y)| {
                        PathElement::new([(x, y), (x + 20, y)], c.stroke_width(2))
                    });
                    first = false;
                }
            }
        }
        legend_box(&mut chart)?;
    }
    // balance per time segment: 100 × mean left / (mean left + mean right)
    let balance: Vec<(f64, f64, f64)> = report
        .segments
        .iter()
        .filter_map(|seg| {
            let mean = |side| {
                let v: Vec<f64> = running(report)
                    .filter(|s| s.side == side)
                    .filter(|s| {
                        s.initial_contact_s >= seg.start_s && s.initial_contact_s < seg.end_s
                    })
                    .filter_map(|s| s.contact_ms)
                    .collect();
                (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64)
            };
            let (l, r) = (mean(Side::Left)?, mean(Side::Right)?);
            Some((seg.start_s / 60.0, seg.end_s / 60.0, 100.0 * l / (l + r)))
        })
        .collect();
    if balance.is_empty() || report.summary.contact_balance_left_pct.is_none() {
        return not_measured(
            &bottom,
            "left/right contact balance",
            &reason(report, "contact_balance_left_pct"),
        );
    }
    let y = headroom(value_range(
        balance.iter().map(|b| b.2).chain([50.0]),
        0.15,
        4.0,
    ));
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.clone(), y)
        .map_err(err)?;
    mesh(&mut chart, "time, min", "contact balance, % left")?;
    chart
        .draw_series([PathElement::new(
            [(x.start, 50.0), (x.end, 50.0)],
            OI_GREY.stroke_width(1),
        )])
        .map_err(err)?
        .label("50 % = even")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_GREY));
    chart
        .draw_series(
            balance
                .iter()
                .map(|&(a, b, v)| PathElement::new([(a, v), (b, v)], OI_BLUE.stroke_width(4))),
        )
        .map_err(err)?
        .label("per time segment (above 50: left contact longer)")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_BLUE.stroke_width(4)));
    legend_box(&mut chart)
}

fn mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, XY>,
    x_desc: &str,
    y_desc: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    chart
        .configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(OI_BLACK.mix(0.12))
        .draw()
        .map_err(err)
}

fn foot_strike<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let all = per_step(report, None, |s| s.strike_angle_deg);
    if all.is_empty() {
        return not_measured(area, "foot-strike angle", &reason(report, "foot_strike"));
    }
    let (top, bottom) = area.split_vertically(area.dim_in_pixel().1 / 2);
    const BIN_DEG: f64 = 2.0;
    let x = value_range(
        all.iter().map(|p| p.1).chain([FOREFOOT_DEG, REARFOOT_DEG]),
        0.1,
        10.0,
    );
    let bin = |v: f64| ((v - x.start) / BIN_DEG).floor() as usize;
    let bins = bin(x.end) + 1;
    let sides: Vec<(Side, Vec<usize>, usize)> = [Side::Left, Side::Right, Side::Unknown]
        .into_iter()
        .filter_map(|side| {
            let v = per_step(report, Some(side), |s| s.strike_angle_deg);
            if v.is_empty() {
                return None;
            }
            let mut counts = vec![0usize; bins];
            for p in &v {
                counts[bin(p.1).min(bins - 1)] += 1;
            }
            Some((side, counts, v.len()))
        })
        .collect();
    let peak = sides
        .iter()
        .flat_map(|(_, c, n)| c.iter().map(move |&k| 100.0 * k as f64 / *n as f64))
        .fold(1.0, f64::max);
    let mut chart = ChartBuilder::on(&top)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.clone(), 0.0..peak * 1.15)
        .map_err(err)?;
    mesh(
        &mut chart,
        "strike angle, deg (positive = toes up, heel first)",
        "steps of the side, %",
    )?;
    pattern_bands(&mut chart, x.clone(), 0.0..peak * 1.15, true)?;
    let width = BIN_DEG / sides.len() as f64;
    for (k, (side, counts, n)) in sides.iter().enumerate() {
        let c = side_colour(*side);
        chart
            .draw_series(
                counts
                    .iter()
                    .enumerate()
                    .filter(|(_, k)| **k > 0)
                    .map(|(i, &count)| {
                        let a = x.start + i as f64 * BIN_DEG + k as f64 * width;
                        Rectangle::new(
                            [(a, 0.0), (a + width, 100.0 * count as f64 / *n as f64)],
                            c.filled(),
                        )
                    }),
            )
            .map_err(err)?
            .label(format!("{} ({n} steps)", side.as_str()))
            .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.filled()));
    }
    legend_box(&mut chart)?;
    let t = minutes(report);
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(t.clone(), x.clone())
        .map_err(err)?;
    mesh(&mut chart, "time, min", "strike angle, deg")?;
    pattern_bands(&mut chart, t, x, false)?;
    for side in [Side::Left, Side::Right, Side::Unknown] {
        let c = side_colour(side);
        chart
            .draw_series(
                per_step(report, Some(side), |s| s.strike_angle_deg)
                    .into_iter()
                    .map(|p| Circle::new((p.0 / 60.0, p.1), 2, c.filled())),
            )
            .map_err(err)?;
    }
    Ok(())
}

/// Forefoot / midfoot / rearfoot bands along the angle axis (x when `angle_on_x`).
fn pattern_bands<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, XY>,
    x: Range<f64>,
    y: Range<f64>,
    angle_on_x: bool,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let angle = if angle_on_x { x.clone() } else { y.clone() };
    let bands = [
        (angle.start, FOREFOOT_DEG, "forefoot", OI_GREEN),
        (FOREFOOT_DEG, REARFOOT_DEG, "midfoot", OI_SKY),
        (REARFOOT_DEG, angle.end, "rearfoot", OI_ORANGE),
    ];
    for (a, b, name, c) in bands {
        let (a, b) = (a.max(angle.start), b.min(angle.end));
        if a >= b {
            continue;
        }
        let (rect, label) = if angle_on_x {
            ([(a, y.start), (b, y.end)], (a + 0.3, y.end))
        } else {
            (
                [(x.start, a), (x.end, b)],
                (x.start + 0.01 * (x.end - x.start), b),
            )
        };
        chart
            .draw_series([Rectangle::new(rect, c.mix(0.12).filled())])
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                name,
                label,
                (FONT, 13).into_font().color(&RGBColor(0x44, 0x44, 0x44)),
            )])
            .map_err(err)?;
    }
    Ok(())
}

/// Per-stride rotation, degrees, as [`posture`](crate::posture) measured it on each
/// running step that starts a stride: `(stride start, deg)`.
fn stride_rotations(report: &Report, deg: fn(&Step) -> Option<f64>) -> Vec<(f64, f64)> {
    running(report)
        .filter_map(|s| Some((s.initial_contact_s, deg(s)?)))
        .collect()
}

fn rotation<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &ChartInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let report = input.report;
    type Rotations = (&'static str, RGBColor, Result<Vec<(f64, f64)>, String>);
    let trunk: fn(&Step) -> Option<f64> = |s| s.trunk_rotation_deg;
    let pelvis: fn(&Step) -> Option<f64> = |s| s.pelvis_rotation_deg;
    let series: Vec<Rotations> = [
        ("trunk", trunk, "trunk_rotation_deg", OI_PURPLE),
        ("pelvis", pelvis, "pelvis_rotation_deg", OI_GREEN),
    ]
    .into_iter()
    .map(|(name, deg, key, c)| {
        let v = if report.unavailable.iter().any(|u| u.metric == key) {
            Err(reason(report, key))
        } else {
            Ok(stride_rotations(report, deg))
        };
        (
            name,
            c,
            v.and_then(|v| {
                if v.is_empty() {
                    Err("no running strides".into())
                } else {
                    Ok(v)
                }
            }),
        )
    })
    .collect();
    if series.iter().all(|s| s.2.is_err()) {
        let why: Vec<String> = series
            .iter()
            .map(|(n, _, r)| format!("{n}: {}", r.as_ref().err().map_or("", |s| s.as_str())))
            .collect();
        return not_measured(area, "trunk and pelvis rotation", &why.join("; "));
    }
    let y_max = series
        .iter()
        .filter_map(|s| s.2.as_ref().ok())
        .flatten()
        .map(|p| p.1)
        .fold(5.0, f64::max);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(minutes(report), 0.0..y_max * 1.4)
        .map_err(err)?;
    mesh(
        &mut chart,
        "time, min",
        "rotation per stride, deg (peak-to-peak yaw)",
    )?;
    for (name, c, v) in &series {
        let c = *c;
        match v {
            Ok(v) => {
                chart
                    .draw_series(
                        v.iter()
                            .map(|p| Circle::new((p.0 / 60.0, p.1), 2, c.mix(0.45).filled())),
                    )
                    .map_err(err)?;
                let mut first = true;
                for line in rolling_lines(v, rolling_n(v.len())) {
                    let s = chart
                        .draw_series(LineSeries::new(
                            line.iter().map(|p| (p.0 / 60.0, p.1)),
                            c.stroke_width(2),
                        ))
                        .map_err(err)?;
                    if first {
                        s.label(format!("{name} (dots: strides, line: rolling mean)"))
                            .legend(move |(x, y)| {
                                PathElement::new([(x, y), (x + 20, y)], c.stroke_width(2))
                            });
                        first = false;
                    }
                }
            }
            Err(why) => {
                chart
                    .draw_series([PathElement::new([(0.0, 0.0), (0.0, 0.0)], OI_GREY)])
                    .map_err(err)?
                    .label(format!("{name}: not measured ({why})"))
                    .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_GREY));
            }
        }
    }
    legend_box(&mut chart)
}

fn vertical<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &ChartInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let report = input.report;
    let (top, bottom) = two_panels(area, ChartKind::Vertical, input);
    let s = &report.summary;
    let gauges = [
        (
            &top,
            "vertical oscillation",
            "vertical_oscillation_mm",
            s.vertical_oscillation_mm,
            "vertical oscillation of the pelvis, mm",
            VERTICAL_OSCILLATION_ZONES_MM,
        ),
        (
            &bottom,
            "vertical ratio",
            "vertical_ratio_pct",
            s.vertical_ratio_pct,
            "vertical ratio (oscillation / step length), %",
            VERTICAL_RATIO_ZONES_PCT,
        ),
    ];
    for (panel, what, key, value, desc, zones) in gauges {
        let Some(v) = value.filter(|v| v.is_finite()) else {
            not_measured(panel, what, &reason(report, key))?;
            continue;
        };
        let span = zones[3] - zones[0];
        let x = (zones[0] - span / 2.0).min(v - span / 10.0).max(0.0)
            ..(zones[3] + span / 2.0).max(v + span / 10.0);
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(20)
            .build_cartesian_2d(x.clone(), 0.0..1.0)
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(desc)
            .disable_y_axis()
            .disable_y_mesh()
            .label_style((FONT, 14))
            .axis_desc_style((FONT, 15))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(err)?;
        let tints = [OI_BLUE, OI_SKY, OI_GREEN, OI_ORANGE, OI_VERMILLION];
        let edges: Vec<f64> = [x.start].into_iter().chain(zones).chain([x.end]).collect();
        for (i, w) in edges.windows(2).enumerate() {
            chart
                .draw_series([Rectangle::new(
                    [(w[0], 0.25), (w[1], 0.6)],
                    tints[i].mix(0.35).filled(),
                )])
                .map_err(err)?;
        }
        chart
            .draw_series([PathElement::new(
                [(v, 0.15), (v, 0.7)],
                OI_BLACK.stroke_width(4),
            )])
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                format!("{v:.1}"),
                (v, 0.92),
                (FONT, 16).into_font().color(&OI_BLACK),
            )])
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                "bands: Garmin Running Dynamics gauge, lower is more economical",
                (x.start + 0.01 * (x.end - x.start), 0.12),
                (FONT, 12).into_font().color(&RGBColor(0x55, 0x55, 0x55)),
            )])
            .map_err(err)?;
    }
    Ok(())
}

fn impact<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &ChartInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let report = input.report;
    let (top, bottom) = two_panels(area, ChartKind::Impact, input);
    let panels = [
        (
            &top,
            "impact peak",
            "impact_peak_g",
            "impact peak, g",
            (|s: &Step| s.impact_peak_g) as StepValue,
        ),
        (
            &bottom,
            "braking peak",
            "braking_peak_g",
            "braking peak, g",
            (|s: &Step| s.braking_peak_g) as StepValue,
        ),
    ];
    for (panel, what, key, desc, f) in panels {
        let all = per_step(report, None, f);
        if all.is_empty() {
            not_measured(panel, what, &reason(report, key))?;
            continue;
        }
        let y = headroom(value_range(all.iter().map(|p| p.1), 0.1, 0.5));
        let mut chart = ChartBuilder::on(panel)
            .margin(12)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(minutes(report), y)
            .map_err(err)?;
        mesh(&mut chart, "time, min", desc)?;
        for side in [Side::Left, Side::Right, Side::Unknown] {
            let pts = per_step(report, Some(side), f);
            if pts.is_empty() {
                continue;
            }
            let c = side_colour(side);
            chart
                .draw_series(
                    pts.iter()
                        .map(|p| Circle::new((p.0 / 60.0, p.1), 2, c.mix(0.5).filled())),
                )
                .map_err(err)?
                .label(side.as_str())
                .legend(move |(x, y)| Circle::new((x + 6, y), 4, c.filled()));
            for line in rolling_lines(&pts, rolling_n(pts.len())) {
                chart
                    .draw_series(LineSeries::new(
                        line.iter().map(|p| (p.0 / 60.0, p.1)),
                        c.stroke_width(2),
                    ))
                    .map_err(err)?;
            }
        }
        legend_box(&mut chart)?;
    }
    Ok(())
}

fn severity_colour(s: Severity) -> RGBColor {
    match s {
        Severity::Mild => OI_SKY,
        Severity::Moderate => OI_ORANGE,
        Severity::Marked => OI_VERMILLION,
    }
}

fn faults<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, report: &Report) -> Drawn
where
    DB::ErrorType: 'static,
{
    let x = minutes(report);
    let rows = report.faults.len().max(1);
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .x_label_area_size(44)
        .y_label_area_size(20)
        .build_cartesian_2d(x.clone(), -1.0..rows as f64)
        .map_err(err)?;
    chart
        .configure_mesh()
        .x_desc("time, min")
        .disable_y_axis()
        .disable_y_mesh()
        .label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(OI_BLACK.mix(0.12))
        .draw()
        .map_err(err)?;
    // the activity strip at the bottom row (-1..-0.4)
    for (activity, c, name) in [
        (Activity::Running, OI_GREEN, "running"),
        (Activity::Walking, OI_SKY, "walking"),
        (Activity::Standing, OI_GREY, "standing"),
        (Activity::Other, OI_YELLOW, "other"),
    ] {
        let bouts: Vec<_> = report
            .bouts
            .iter()
            .filter(|b| b.activity == activity)
            .collect();
        if bouts.is_empty() {
            continue;
        }
        chart
            .draw_series(bouts.iter().map(|b| {
                Rectangle::new(
                    [(b.start_s / 60.0, -0.9), (b.end_s / 60.0, -0.45)],
                    c.mix(0.6).filled(),
                )
            }))
            .map_err(err)?
            .label(name)
            .legend(move |(x, y)| {
                Rectangle::new([(x, y - 5), (x + 12, y + 5)], c.mix(0.6).filled())
            });
    }
    let label = (FONT, 14).into_font().color(&OI_BLACK);
    if report.faults.is_empty() {
        let text = if report.unavailable.iter().any(|u| u.metric == "faults") {
            format!("No faults listed: {}", reason(report, "faults"))
        } else {
            "No form faults found in this run.".to_string()
        };
        let chars = (area.dim_in_pixel().0 as usize / 8).max(20);
        for (i, line) in wrap(&text, chars).iter().enumerate() {
            chart
                .draw_series([Text::new(
                    line.clone(),
                    (x.start + 0.01 * (x.end - x.start), 0.6 - 0.12 * i as f64),
                    label.clone(),
                )])
                .map_err(err)?;
        }
    }
    let whole = report
        .bouts
        .iter()
        .filter(|b| b.activity == Activity::Running)
        .fold(None, |acc: Option<(f64, f64)>, b| {
            Some(acc.map_or((b.start_s, b.end_s), |(a, e)| {
                (a.min(b.start_s), e.max(b.end_s))
            }))
        })
        .unwrap_or((x.start * 60.0, x.end * 60.0));
    for (i, f) in report.faults.iter().enumerate() {
        let row = (rows - 1 - i) as f64;
        let (a, b) = (f.first_s.unwrap_or(whole.0), f.last_s.unwrap_or(whole.1));
        let c = severity_colour(f.severity);
        chart
            .draw_series([Rectangle::new(
                [(a / 60.0, row + 0.1), (b.max(a + 1.0) / 60.0, row + 0.5)],
                c.filled(),
            )])
            .map_err(err)?;
        chart
            .draw_series([Text::new(
                format!(
                    "{} ({}): {:.1} {} vs {:.1}",
                    f.title,
                    f.severity.as_str(),
                    f.value,
                    f.unit,
                    f.threshold
                ),
                (x.start + 0.01 * (x.end - x.start), row + 0.9),
                label.clone(),
            )])
            .map_err(err)?;
    }
    legend_box(&mut chart)
}

/// One panel of the stride chart: a title (y description) and its lines.
struct StridePanel {
    y_desc: String,
    lines: Vec<Series>,
    threshold: Option<(f64, String)>,
}

/// The stride shown ([`Report::shown_stride`]), or, when `recording` holds only part of
/// the run and not that stride (a long run analysed in windows keeps the minute around
/// one stride), the middle one of the running strides it holds. Returns its initial
/// contact and the window around it, s.
fn chosen_stride(report: &Report, recording: Option<&Recording>) -> Option<(f64, f64, f64)> {
    let around = |s: &Step| {
        let (ic, stride) = (s.initial_contact_s, s.stride_s?);
        Some((ic, ic - 0.15 * stride, ic + 1.15 * stride))
    };
    let shown = around(report.shown_stride()?)?;
    let Some(r) = recording else {
        return Some(shown);
    };
    let held = |&(_, a, b): &(f64, f64, f64)| a >= r.start_s && b <= r.start_s + r.duration_s();
    if held(&shown) {
        return Some(shown);
    }
    let strides: Vec<_> = running(report).filter_map(around).filter(held).collect();
    Some(strides.get(strides.len() / 2).copied().unwrap_or(shown))
}

fn stride_panels(input: &ChartInput) -> Vec<StridePanel> {
    let (Some(recording), Some((ic, a, b))) = (
        input.recording,
        chosen_stride(input.report, input.recording),
    ) else {
        return Vec::new();
    };
    let rate = recording.rate_hz;
    let lo = (((a - recording.start_s) * rate).floor().max(0.0) as usize).min(recording.len());
    let hi = (((b - recording.start_s) * rate).ceil().max(0.0) as usize + 1).min(recording.len());
    if hi <= lo + 2 {
        return Vec::new();
    }
    let t = |i: usize| recording.time_s(i);
    let aligned: Vec<Aligned> = recording
        .streams
        .iter()
        .map(|s| align(s, recording.frame))
        .collect();
    let mut panels = Vec::new();
    let contact_g = EventConfig::default().contact_g;
    for segment in [
        Segment::Foot,
        Segment::Shank,
        Segment::Pelvis,
        Segment::Trunk,
        Segment::Wrist,
    ] {
        let members: Vec<usize> = (0..recording.streams.len())
            .filter(|&i| recording.streams[i].placement.segment() == segment)
            .collect();
        if members.is_empty() {
            continue;
        }
        let colour = |i: usize| match recording.streams[i].placement.side() {
            Side::Unknown => OI_BLACK,
            s => side_colour(s),
        };
        let trunk_borne = matches!(segment, Segment::Pelvis | Segment::Trunk);
        let lines = members
            .iter()
            .map(|&i| {
                let sig = if trunk_borne {
                    aligned[i].vertical_g()
                } else {
                    aligned[i].norm_g()
                };
                (
                    recording.streams[i].placement.as_str().to_string(),
                    colour(i),
                    (lo..hi).map(|k| (t(k) - ic, sig.at(k))).collect(),
                )
            })
            .collect();
        panels.push(StridePanel {
            y_desc: if trunk_borne {
                format!("{} vertical specific force, g", segment_name(segment))
            } else {
                format!("{} acceleration magnitude, g", segment_name(segment))
            },
            lines,
            threshold: trunk_borne.then(|| (contact_g, format!("contact threshold {contact_g} g"))),
        });
        if segment == Segment::Foot {
            let gyro: Vec<Series> = members
                .iter()
                .filter_map(|&i| {
                    let g = recording.streams[i].gyr_radps.as_ref()?;
                    let axis = sagittal_axis(g, lo..hi, recording.frame);
                    Some((
                        recording.streams[i].placement.as_str().to_string(),
                        colour(i),
                        (lo..hi)
                            .map(|k| (t(k) - ic, g.at(k).dot(&axis).to_degrees()))
                            .collect(),
                    ))
                })
                .collect();
            if !gyro.is_empty() {
                panels.push(StridePanel {
                    y_desc: "foot sagittal angular velocity, deg/s".into(),
                    lines: gyro,
                    threshold: None,
                });
            }
        }
    }
    panels
}

fn segment_name(s: Segment) -> &'static str {
    match s {
        Segment::Foot => "foot",
        Segment::Shank => "shank",
        Segment::Pelvis => "pelvis",
        Segment::Trunk => "trunk",
        Segment::Wrist => "wrist",
    }
}

/// The foot's pitch axis: body y (left) in body axes, else the principal axis of the
/// angular velocity over the window, its sign making the mid-swing rotation positive
/// (the largest excursion).
fn sagittal_axis(
    g: &crate::recording::Axes3,
    range: Range<usize>,
    frame: Frame,
) -> nalgebra::Vector3<f64> {
    if frame == Frame::Body {
        return nalgebra::Vector3::y();
    }
    let mut m = Matrix3::zeros();
    for k in range.clone() {
        let v = g.at(k);
        m += v * v.transpose();
    }
    let e = SymmetricEigen::new(m);
    let i = e.eigenvalues.imax();
    let axis = e.eigenvectors.column(i).into_owned();
    let (mut lo, mut hi) = (0.0f64, 0.0f64);
    for k in range {
        let w = g.at(k).dot(&axis);
        lo = lo.min(w);
        hi = hi.max(w);
    }
    if -lo > hi { -axis } else { axis }
}

fn stride<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &ChartInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let report = input.report;
    if input.recording.is_none() {
        return not_measured(
            area,
            "raw stride",
            "drawn from the recording's signals: give the recording (runform plot FILE)",
        );
    }
    let Some((ic0, a, b)) = chosen_stride(report, input.recording) else {
        return not_measured(
            area,
            "raw stride",
            "no running stride with both initial contacts found",
        );
    };
    let panels = stride_panels(input);
    if panels.is_empty() {
        return not_measured(
            area,
            "raw stride",
            "the stride lies outside the recording's samples",
        );
    }
    let key_h = 34;
    let (key, rest) = area.split_vertically(key_h);
    let key_font = (FONT, 14).into_font().color(&OI_BLACK);
    key.draw(&Text::new(
        "events: solid line = initial contact (IC), dashed = toe-off (TO); blue = left, vermillion = right, grey = side unknown",
        (70, 10),
        key_font,
    ))
    .map_err(err)?;
    let areas = rest.split_evenly((panels.len(), 1));
    let events: Vec<&Step> = report
        .steps
        .iter()
        .filter(|s| s.initial_contact_s >= a - 1.0 && s.initial_contact_s <= b + 1.0)
        .collect();
    for (k, (panel, p)) in areas.iter().zip(&panels).enumerate() {
        let y = value_range(
            p.lines
                .iter()
                .flat_map(|l| l.2.iter().map(|q| q.1))
                .chain(p.threshold.iter().map(|t| t.0)),
            0.08,
            0.5,
        );
        // headroom for the legend and the event labels
        let y = y.start..y.end + 0.25 * (y.end - y.start);
        let last = k + 1 == panels.len();
        let mut chart = ChartBuilder::on(panel)
            .margin_left(12)
            .margin_right(12)
            .margin_top(6)
            .margin_bottom(4)
            .x_label_area_size(if last { 44 } else { 22 })
            .y_label_area_size(64)
            .build_cartesian_2d(a - ic0..b - ic0, y.clone())
            .map_err(err)?;
        chart
            .configure_mesh()
            .x_desc(if last {
                "time from the stride's initial contact, s"
            } else {
                ""
            })
            .y_desc(&p.y_desc)
            .label_style((FONT, 13))
            .axis_desc_style((FONT, 13))
            .light_line_style(WHITE.mix(0.0))
            .bold_line_style(OI_BLACK.mix(0.1))
            .draw()
            .map_err(err)?;
        for s in &events {
            let c = side_colour(s.side);
            let ic = s.initial_contact_s - ic0;
            if (a - ic0..=b - ic0).contains(&ic) {
                chart
                    .draw_series([PathElement::new(
                        [(ic, y.start), (ic, y.end)],
                        c.stroke_width(2),
                    )])
                    .map_err(err)?;
                if k == 0 {
                    chart
                        .draw_series([Text::new(
                            format!("IC {}", side_letter(s.side)),
                            (ic + 0.005, y.end - 0.02 * (y.end - y.start)),
                            (FONT, 13).into_font().color(&c),
                        )])
                        .map_err(err)?;
                }
            }
            if let Some(to) = s
                .toe_off_s
                .map(|t| t - ic0)
                .filter(|t| (a - ic0..=b - ic0).contains(t))
            {
                let dashes = dashed(to, y.clone(), 14);
                chart
                    .draw_series(
                        dashes
                            .into_iter()
                            .map(|d| PathElement::new(d, c.stroke_width(2))),
                    )
                    .map_err(err)?;
                if k == 0 {
                    chart
                        .draw_series([Text::new(
                            format!("TO {}", side_letter(s.side)),
                            (to + 0.005, y.end - 0.12 * (y.end - y.start)),
                            (FONT, 13).into_font().color(&c),
                        )])
                        .map_err(err)?;
                }
            }
        }
        if let Some((v, name)) = &p.threshold {
            chart
                .draw_series([PathElement::new(
                    [(a - ic0, *v), (b - ic0, *v)],
                    OI_GREY.stroke_width(1),
                )])
                .map_err(err)?
                .label(name.clone())
                .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_GREY));
        }
        for (name, c, pts) in &p.lines {
            let c = *c;
            chart
                .draw_series(LineSeries::new(
                    pts.iter().copied(),
                    c.mix(0.85).stroke_width(1),
                ))
                .map_err(err)?
                .label(name.clone())
                .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], c.stroke_width(2)));
        }
        legend_box(&mut chart)?;
    }
    Ok(())
}

fn side_letter(s: Side) -> &'static str {
    match s {
        Side::Left => "L",
        Side::Right => "R",
        Side::Unknown => "?",
    }
}

/// A vertical dashed line at `x` over `y` in `n` dashes.
fn dashed(x: f64, y: Range<f64>, n: usize) -> Vec<Vec<(f64, f64)>> {
    let step = (y.end - y.start) / n as f64;
    (0..n)
        .map(|i| {
            let a = y.start + i as f64 * step;
            vec![(x, a), (x, a + 0.55 * step)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::AnalysisConfig;
    use crate::simulate::{SimConfig, simulate};

    fn simulated(duration_s: f64) -> (Recording, Report) {
        let config = SimConfig {
            duration_s,
            rate_hz: 100.0,
            standing_s: 2.0,
            walking_s: 0.0,
            ..SimConfig::default()
        };
        let sim = simulate(&config).unwrap();
        let report = AnalysisConfig::default().process(&sim.recording).unwrap();
        (sim.recording, report)
    }

    #[test]
    fn rotation_per_stride_averages_to_the_summary() {
        let (_, report) = simulated(20.0);
        let trunk: fn(&Step) -> Option<f64> = |s| s.trunk_rotation_deg;
        let pelvis: fn(&Step) -> Option<f64> = |s| s.pelvis_rotation_deg;
        for (p, deg, summary) in [
            ("trunk", trunk, report.summary.trunk_rotation_deg.unwrap()),
            (
                "pelvis",
                pelvis,
                report.summary.pelvis_rotation_deg.unwrap(),
            ),
        ] {
            let per = stride_rotations(&report, deg);
            assert!(per.len() > 10, "{p}: {} strides", per.len());
            let mean = per.iter().map(|x| x.1).sum::<f64>() / per.len() as f64;
            assert!((mean - summary).abs() < 0.05, "{p}: {mean} vs {summary}");
        }
    }

    #[test]
    fn every_chart_draws_and_empty_reports_say_not_measured() {
        let (recording, report) = simulated(12.0);
        let config = PlotConfig::default();
        let input = ChartInput {
            report: &report,
            recording: Some(&recording),
        };
        for kind in ChartKind::ALL {
            let svg = config.svg(kind, &input).unwrap();
            assert!(
                svg.starts_with("<svg") && svg.contains(kind.title()),
                "{kind}"
            );
        }
        let cadence = config.svg(ChartKind::Cadence, &input).unwrap();
        assert!(!cadence.contains("not measured"));
        // no steps, no summary, no recording: every chart but the timeline says why
        let empty = Report {
            steps: Vec::new(),
            segments: Vec::new(),
            summary: Default::default(),
            ..report.clone()
        };
        let input = ChartInput {
            report: &empty,
            recording: None,
        };
        for kind in ChartKind::ALL {
            let svg = config.svg(kind, &input).unwrap();
            if kind != ChartKind::Faults {
                assert!(svg.contains("not measured"), "{kind}");
            }
        }
        let stride = config.svg(ChartKind::Stride, &input).unwrap();
        assert!(stride.contains("give the recording"));
    }

    /// The charts of metrics other stages will fill, drawn from values set here.
    #[test]
    fn charts_of_filled_metrics_draw_their_data() {
        use crate::faults::Fault;
        let (recording, mut report) = simulated(30.0);
        for (i, s) in report.steps.iter_mut().enumerate() {
            let wobble = (i as f64 * 0.7).sin();
            s.strike_angle_deg = Some(if s.side == Side::Left { 14.0 } else { 4.0 } + 3.0 * wobble);
            s.impact_peak_g = Some(3.0 + 0.4 * wobble);
            s.braking_peak_g = Some(0.6 + 0.1 * wobble);
        }
        report.summary.vertical_oscillation_mm = Some(92.0);
        report.summary.vertical_ratio_pct = Some(8.1);
        let (a, b) = (
            report.steps[20].initial_contact_s,
            report.steps[60].initial_contact_s,
        );
        report.faults = vec![Fault {
            id: "rearfoot_strike".into(),
            title: "Heel striking".into(),
            severity: Severity::Moderate,
            metric: "foot_strike".into(),
            value: 14.0,
            threshold: 8.0,
            unit: "deg".into(),
            steps_affected_pct: Some(50.0),
            first_s: Some(a),
            last_s: Some(b),
            evidence: String::new(),
            why_it_matters: String::new(),
            what_to_do: String::new(),
            source: String::new(),
        }];
        let input = ChartInput {
            report: &report,
            recording: Some(&recording),
        };
        let config = PlotConfig::default();
        for kind in [
            ChartKind::FootStrike,
            ChartKind::Impact,
            ChartKind::Vertical,
            ChartKind::Faults,
        ] {
            let svg = config.svg(kind, &input).unwrap();
            assert!(!svg.contains("not measured"), "{kind}");
        }
        let strike = config.svg(ChartKind::FootStrike, &input).unwrap();
        assert!(strike.contains("rearfoot") && strike.contains("strike angle, deg"));
        let faults = config.svg(ChartKind::Faults, &input).unwrap();
        assert!(faults.contains("Heel striking (moderate)"));
    }

    #[test]
    fn chart_names_round_trip_and_unknown_names_list_the_choices() {
        for k in ChartKind::ALL {
            assert_eq!(k.name().parse::<ChartKind>().unwrap(), k);
        }
        let e = "cadance".parse::<ChartKind>().unwrap_err();
        assert!(e.contains("cadence") && e.contains("stride"), "{e}");
    }

    #[test]
    fn wrap_keeps_words_and_width() {
        let lines = wrap("needs a foot sensor with a gyroscope", 12);
        assert_eq!(lines, ["needs a foot", "sensor with", "a gyroscope"]);
        assert!(wrap("", 10).is_empty());
    }

    #[test]
    fn rolling_lines_break_at_gaps_and_average() {
        let pts = [(0.0, 1.0), (1.0, 3.0), (2.0, 5.0), (10.0, 7.0), (11.0, 9.0)];
        let lines = rolling_lines(&pts, 2);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], [(0.0, 1.0), (1.0, 2.0), (2.0, 4.0)]);
        assert_eq!(lines[1], [(10.0, 7.0), (11.0, 8.0)]);
        // alternating sides: an even window removes the zigzag
        let alt: Vec<(f64, f64)> = (0..8)
            .map(|i| (i as f64, if i % 2 == 0 { 1.0 } else { 3.0 }))
            .collect();
        let line = &rolling_lines(&alt, 4)[0];
        assert!(line[2..6].iter().all(|p| p.1 == 2.0), "{line:?}");
    }

    #[test]
    fn value_range_pads_and_keeps_a_minimum_span() {
        let r = value_range([10.0, 12.0].into_iter(), 0.0, 10.0);
        assert_eq!(r, 6.0..16.0);
        assert_eq!(value_range(std::iter::empty(), 0.1, 1.0), 0.0..1.0);
    }
}
