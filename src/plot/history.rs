//! Charts of a runner's [`History`]: weekly load with the load-warning weeks marked, runs
//! per week, and one chart per tracked form metric over the weeks.
//!
//! The x axis is the date: weeks from the Monday of the first dated run's ISO week, with
//! Mondays labelled (`2 Mar`). A week's bar spans its seven days; a run sits on its day.
//! Same look as the single-run charts (DejaVu Sans, Okabe–Ito palette): weeks in blue,
//! weeks with a load warning in vermillion, per-run values as light sky-blue dots, weekly
//! means as a blue line, a fitted trend in black, or vermillion when it is flagged.

use super::palette::*;
use super::{
    Drawn, EMPTY_PANEL, FONT, PlotConfig, PlotError, TITLE, err, headroom, legend_box,
    not_measured, register_font, value_range,
};
use crate::history::{History, HistoryConfig, LoadWarningKind, RunRow, metric_text};
use chrono::{Datelike, NaiveDate};
use plotters::coord::Shift;
use plotters::prelude::*;
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// Right margin, px: room for the last date label.
const MARGIN_RIGHT: u32 = 36;

/// A chart of a history.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum HistoryChart {
    /// Weekly distance and running time, the weeks with a load warning marked, and each
    /// week's longest run.
    Load,
    /// Runs and running days per week against the running-days limit.
    Runs,
    /// One tracked metric (its key in [`RunRow::metrics`]) over the weeks: per-run values,
    /// weekly means and the fitted trend.
    Trend(String),
}

impl HistoryChart {
    /// The charts of a history page: load, runs, then one per metric `config` tracks.
    pub fn all(config: &HistoryConfig) -> Vec<HistoryChart> {
        let mut out = vec![HistoryChart::Load, HistoryChart::Runs];
        out.extend(
            config
                .trends
                .iter()
                .map(|t| HistoryChart::Trend(t.metric.clone())),
        );
        out
    }

    /// File name without extension: `weekly_load`, `runs_per_week`, `trend_<metric>`.
    pub fn name(&self) -> String {
        match self {
            HistoryChart::Load => "weekly_load".into(),
            HistoryChart::Runs => "runs_per_week".into(),
            HistoryChart::Trend(m) => format!("trend_{m}"),
        }
    }

    /// A readable title.
    pub fn title(&self) -> String {
        match self {
            HistoryChart::Load => "Weekly distance and running time".into(),
            HistoryChart::Runs => "Runs and running days per week".into(),
            HistoryChart::Trend(m) => format!("{} over the weeks", label(m)),
        }
    }

    fn kind(&self) -> &'static str {
        match self {
            HistoryChart::Load => "weekly_load",
            HistoryChart::Runs => "runs_per_week",
            HistoryChart::Trend(_) => "trend",
        }
    }
}

/// The readable name of a metric key, or the key.
fn label(metric: &str) -> String {
    metric_text(metric).map_or_else(|| metric.to_string(), |t| t.label.to_string())
}

/// The unit of a metric key (empty when unknown).
fn unit(metric: &str) -> &'static str {
    metric_text(metric).map_or("", |t| t.unit)
}

/// What the history charts are drawn from: one runner's history, its runs, and the
/// settings it was computed with (for the limits drawn).
#[derive(Debug, Clone, Copy)]
pub struct HistoryInput<'a> {
    /// The history.
    pub history: &'a History,
    /// The runs it was computed from (dated and undated).
    pub runs: &'a [RunRow],
    /// Its settings.
    pub config: &'a HistoryConfig,
}

impl HistoryInput<'_> {
    /// The Monday the x axis counts weeks from.
    fn origin(&self) -> Option<NaiveDate> {
        self.history.weeks.first().map(|w| w.week_start)
    }

    /// Weeks from the origin to `d`.
    fn x(&self, d: NaiveDate) -> f64 {
        self.origin()
            .map_or(0.0, |o| (d - o).num_days() as f64 / 7.0)
    }

    /// The x range: every week, whole.
    fn x_range(&self) -> Range<f64> {
        0.0..(self.history.weeks.len().max(1) as f64)
    }

    /// The warnings of each week, by week index.
    fn week_warnings(&self) -> BTreeMap<usize, Vec<LoadWarningKind>> {
        let mut out: BTreeMap<usize, Vec<LoadWarningKind>> = BTreeMap::new();
        for w in &self.history.warnings {
            let k = self.x(w.date).floor().max(0.0) as usize;
            let kinds = out.entry(k).or_default();
            if !kinds.contains(&w.kind) {
                kinds.push(w.kind);
            }
        }
        out
    }
}

/// A short mark for a warning above its week's bar; `max_days` is the running-days limit
/// of the settings.
fn short(kind: LoadWarningKind, max_days: usize) -> String {
    match kind {
        LoadWarningKind::LongRunJump => "long run".into(),
        LoadWarningKind::DistanceAndPaceUp => "dist.+pace".into(),
        LoadWarningKind::RunningDays => format!("> {max_days} days"),
        LoadWarningKind::NoRestDay => "no rest".into(),
    }
}

impl PlotConfig {
    /// Size of a history chart, px.
    pub fn history_size_px(&self, chart: &HistoryChart, input: &HistoryInput) -> (u32, u32) {
        let h: f64 = history_panels(chart, input).iter().sum();
        (
            self.width_px,
            (self.height_px as f64 * h).round().max(1.0) as u32,
        )
    }

    /// Draws a history chart as an SVG document.
    pub fn history_svg(
        &self,
        chart: &HistoryChart,
        input: &HistoryInput,
    ) -> Result<String, PlotError> {
        register_font();
        let mut svg = String::new();
        {
            let root = SVGBackend::with_string(&mut svg, self.history_size_px(chart, input))
                .into_drawing_area();
            draw(&root, chart, input)
                .and_then(|()| root.present().map_err(err))
                .map_err(|message| PlotError::Draw {
                    chart: chart.kind(),
                    message,
                })?;
        }
        Ok(svg)
    }

    /// Draws a history chart as a PNG file at `path` (whose name must end in `.png`).
    pub fn history_png(
        &self,
        chart: &HistoryChart,
        input: &HistoryInput,
        path: &Path,
    ) -> Result<(), PlotError> {
        register_font();
        let root = BitMapBackend::new(path, self.history_size_px(chart, input)).into_drawing_area();
        draw(&root, chart, input)
            .and_then(|()| root.present().map_err(err))
            .map_err(|message| PlotError::Draw {
                chart: chart.kind(),
                message,
            })
    }
}

/// Heights of the chart's panels in panel heights, the title first.
fn history_panels(chart: &HistoryChart, input: &HistoryInput) -> Vec<f64> {
    let mut h = vec![TITLE];
    if input.history.weeks.is_empty() {
        h.push(EMPTY_PANEL);
        return h;
    }
    match chart {
        HistoryChart::Load => {
            h.push(if has_distance(input.history) {
                0.8
            } else {
                EMPTY_PANEL
            });
            h.push(0.8);
        }
        HistoryChart::Runs => h.push(0.75),
        HistoryChart::Trend(m) => h.push(if trend_points(input, m).is_empty() {
            EMPTY_PANEL
        } else {
            0.9
        }),
    }
    h
}

/// True when some week with runs has a distance.
fn has_distance(h: &History) -> bool {
    h.weeks
        .iter()
        .any(|w| w.runs > 0 && w.distance_m.is_some_and(|d| d > 0.0))
}

/// `(x, value)` of every dated run with the metric.
fn trend_points(input: &HistoryInput, metric: &str) -> Vec<(f64, f64)> {
    input
        .runs
        .iter()
        .filter_map(|r| Some((input.x(r.date?), *r.metrics.get(metric)?)))
        .filter(|p| p.1.is_finite())
        .collect()
}

fn draw<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    chart: &HistoryChart,
    input: &HistoryInput,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    root.fill(&WHITE).map_err(err)?;
    let mut title = chart.title();
    if let HistoryChart::Trend(m) = chart
        && input
            .history
            .trends
            .iter()
            .any(|t| &t.metric == m && t.flagged)
    {
        title.push_str(": changing");
    }
    let body = root
        .titled(&title, (FONT, 22).into_font().color(&OI_BLACK))
        .map_err(err)?;
    if input.history.weeks.is_empty() {
        return not_measured(
            &body,
            "weekly figures",
            "no run has a date; give dates with --date or a YYYY-MM-DD in the file name",
        );
    }
    match chart {
        HistoryChart::Load => load(&body, input),
        HistoryChart::Runs => runs(&body, input),
        HistoryChart::Trend(m) => trend(&body, input, m),
    }
}

/// The date axis: Mondays labelled, the year(s) in the description; `counts` labels the
/// y axis with whole numbers, that many labels at most.
fn date_mesh<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, super::XY>,
    input: &HistoryInput,
    y_desc: &str,
    counts: Option<usize>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let origin = input.origin().unwrap_or_default();
    let weeks = input.history.weeks.len();
    let years = match (input.history.weeks.first(), input.history.weeks.last()) {
        (Some(a), Some(b)) if a.week_start.year() != (b.week_start.year()) => {
            format!("{}–{}", a.week_start.year(), b.week_start.year())
        }
        (Some(a), _) => a.week_start.year().to_string(),
        _ => String::new(),
    };
    // Mondays only: a tick between two (on a short axis) goes unlabelled
    let formatter = |x: &f64| {
        if (x - x.round()).abs() > 1e-9 || *x < 0.0 {
            return String::new();
        }
        let day = origin + chrono::Days::new(7 * x.round() as u64);
        day.format("%-d %b").to_string()
    };
    let whole = |y: &f64| {
        if (y - y.round()).abs() < 1e-9 {
            format!("{y:.0}")
        } else {
            String::new()
        }
    };
    let mut mesh = chart.configure_mesh();
    mesh.x_desc(format!("week starting Monday, {years}"))
        .y_desc(y_desc)
        .x_labels(weeks.clamp(2, 12) + 1)
        .x_label_formatter(&formatter);
    if let Some(n) = counts {
        mesh.y_labels(n.min(12)).y_label_formatter(&whole);
    }
    mesh.label_style((FONT, 14))
        .axis_desc_style((FONT, 15))
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(OI_BLACK.mix(0.12))
        .draw()
        .map_err(err)
}

/// Bars of `value` per week, warning weeks in vermillion with their marks above.
fn week_bars<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, super::XY>,
    input: &HistoryInput,
    value: impl Fn(usize) -> Option<f64>,
    y: &Range<f64>,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let warned = input.week_warnings();
    let bar = |k: usize, v: f64| {
        let c = if warned.contains_key(&k) {
            OI_VERMILLION
        } else {
            OI_BLUE
        };
        Rectangle::new(
            [(k as f64 + 0.12, 0.0), (k as f64 + 0.88, v)],
            c.mix(0.8).filled(),
        )
    };
    let weeks = input.history.weeks.len();
    let values: Vec<(usize, f64)> = (0..weeks).filter_map(|k| Some((k, value(k)?))).collect();
    chart
        .draw_series(
            values
                .iter()
                .filter(|(k, _)| !warned.contains_key(k))
                .map(|&(k, v)| bar(k, v)),
        )
        .map_err(err)?
        .label("week")
        .legend(|(x, y)| Rectangle::new([(x, y - 5), (x + 14, y + 5)], OI_BLUE.mix(0.8).filled()));
    let s = chart
        .draw_series(
            values
                .iter()
                .filter(|(k, _)| warned.contains_key(k))
                .map(|&(k, v)| bar(k, v)),
        )
        .map_err(err)?;
    if !warned.is_empty() {
        s.label("week with a load warning").legend(|(x, y)| {
            Rectangle::new(
                [(x, y - 5), (x + 14, y + 5)],
                OI_VERMILLION.mix(0.8).filled(),
            )
        });
    }
    // the marks, one line per warning above the bar
    let line_h = (y.end - y.start) * 0.055;
    let font = (FONT, 12).into_font().color(&OI_VERMILLION);
    for (k, kinds) in &warned {
        let top = values
            .iter()
            .find(|(j, _)| j == k)
            .map_or(0.0, |p| p.1.max(0.0));
        for (i, kind) in kinds.iter().rev().enumerate() {
            chart
                .draw_series([Text::new(
                    short(*kind, input.config.max_running_days_per_week),
                    (*k as f64 + 0.02, top + line_h * (0.4 + i as f64)),
                    font.clone().pos(plotters::style::text_anchor::Pos::new(
                        plotters::style::text_anchor::HPos::Left,
                        plotters::style::text_anchor::VPos::Bottom,
                    )),
                )])
                .map_err(err)?;
        }
    }
    Ok(())
}

/// Top of a bar chart's y axis: the highest value, with room above for the warning marks
/// (each line about 6 % of the axis) and the legend (about a third of it), so that
/// neither hides a bar.
fn bar_top(max: f64, marks: usize) -> f64 {
    let max = if max > 0.0 { max } else { 1.0 };
    max / (1.0 - 0.33 - 0.06 * marks as f64 - 0.03)
}

fn load<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &HistoryInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let h = input.history;
    let panels = history_panels(&HistoryChart::Load, input);
    let share = panels[1] / (panels[1] + panels[2]);
    let (top, bottom) =
        area.split_vertically((area.dim_in_pixel().1 as f64 * share).round() as u32);
    let x = input.x_range();
    let marks = input
        .week_warnings()
        .values()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    if has_distance(h) {
        let km = |k: usize| {
            let w = &h.weeks[k];
            w.distance_m.filter(|_| w.runs > 0).map(|d| d / 1000.0)
        };
        let max = (0..h.weeks.len()).filter_map(km).fold(0.0, f64::max);
        let y = 0.0..bar_top(max, marks);
        let mut chart = ChartBuilder::on(&top)
            .margin(12)
            .margin_right(MARGIN_RIGHT)
            .x_label_area_size(44)
            .y_label_area_size(64)
            .build_cartesian_2d(x.clone(), y.clone())
            .map_err(err)?;
        date_mesh(&mut chart, input, "distance, km per week", None)?;
        week_bars(&mut chart, input, km, &y)?;
        legend_box(&mut chart)?;
    } else {
        not_measured(
            &top,
            "weekly distance",
            "no run has a distance (it needs a measured speed: foot sensors with gyroscopes, or a watch's FIT file); the running time below is the load",
        )?;
    }
    let hours = |k: usize| Some(h.weeks[k].running_s / 3600.0);
    // each week's longest run, h
    let mut longest: BTreeMap<usize, f64> = BTreeMap::new();
    for r in input.runs {
        let Some(d) = r.date else { continue };
        let k = input.x(d).floor().max(0.0) as usize;
        let e = longest.entry(k).or_insert(0.0);
        *e = e.max(r.running_s / 3600.0);
    }
    let max = (0..h.weeks.len()).filter_map(hours).fold(0.0, f64::max);
    let y = 0.0..bar_top(max, marks);
    let mut chart = ChartBuilder::on(&bottom)
        .margin(12)
        .margin_right(MARGIN_RIGHT)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y.clone())
        .map_err(err)?;
    date_mesh(&mut chart, input, "running time, h per week", None)?;
    week_bars(&mut chart, input, hours, &y)?;
    chart
        .draw_series(
            longest
                .iter()
                .map(|(&k, &v)| Circle::new((k as f64 + 0.5, v), 4, OI_BLACK.filled())),
        )
        .map_err(err)?
        .label("the week's longest run, h")
        .legend(|(x, y)| Circle::new((x + 7, y), 4, OI_BLACK.filled()));
    legend_box(&mut chart)
}

fn runs<DB: DrawingBackend>(area: &DrawingArea<DB, Shift>, input: &HistoryInput) -> Drawn
where
    DB::ErrorType: 'static,
{
    let h = input.history;
    let limit = input.config.max_running_days_per_week as f64;
    let max = h.weeks.iter().map(|w| w.runs as f64).fold(limit, f64::max);
    let marks = input
        .week_warnings()
        .values()
        .map(Vec::len)
        .max()
        .unwrap_or(0);
    let y = 0.0..bar_top(max, marks).max(8.0);
    let x = input.x_range();
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(MARGIN_RIGHT)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x.clone(), y.clone())
        .map_err(err)?;
    date_mesh(
        &mut chart,
        input,
        "runs per week",
        Some(y.end.floor() as usize + 1),
    )?;
    chart
        .draw_series([PathElement::new(
            [(x.start, limit + 0.5), (x.end, limit + 0.5)],
            OI_VERMILLION.stroke_width(2),
        )])
        .map_err(err)?
        .label(format!(
            "more than {} running days: a warning",
            input.config.max_running_days_per_week
        ))
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_VERMILLION.stroke_width(2)));
    week_bars(&mut chart, input, |k| Some(h.weeks[k].runs as f64), &y)?;
    chart
        .draw_series(
            h.weeks
                .iter()
                .enumerate()
                .filter(|(_, w)| w.runs > 0)
                .map(|(k, w)| {
                    Circle::new(
                        (k as f64 + 0.5, w.running_days as f64),
                        4,
                        OI_BLACK.filled(),
                    )
                }),
        )
        .map_err(err)?
        .label("running days")
        .legend(|(x, y)| Circle::new((x + 7, y), 4, OI_BLACK.filled()));
    legend_box(&mut chart)
}

fn trend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    input: &HistoryInput,
    metric: &str,
) -> Drawn
where
    DB::ErrorType: 'static,
{
    let points = trend_points(input, metric);
    let name = label(metric);
    let fit = input.history.trends.iter().find(|t| t.metric == metric);
    let (Some(fit), false) = (fit, points.is_empty()) else {
        return not_measured(
            area,
            &name.to_lowercase(),
            &match points.len() {
                0 => "no dated run has a value (see the single-run reports for why)".to_string(),
                1 => "1 dated run has a value; a trend needs at least 3".to_string(),
                n => format!("{n} dated runs have a value; a trend needs at least 3"),
            },
        );
    };
    let u = unit(metric);
    let weekly: Vec<(f64, f64)> = input
        .history
        .weeks
        .iter()
        .enumerate()
        .filter_map(|(k, w)| Some((k as f64 + 0.5, *w.metrics.get(metric)?)))
        .collect();
    // the fitted line spans the dated runs
    let dated: Vec<NaiveDate> = input.runs.iter().filter_map(|r| r.date).collect();
    let (x0, x1) = match (dated.iter().min(), dated.iter().max()) {
        (Some(a), Some(b)) => (input.x(*a), input.x(*b)),
        _ => (0.0, 1.0),
    };
    let line = [(x0, fit.start), (x1, fit.end)];
    let min_change = input
        .config
        .trends
        .iter()
        .find(|t| t.metric == metric)
        .map_or(0.0, |t| t.min_change);
    let mut y = value_range(
        points.iter().map(|p| p.1).chain([fit.start, fit.end]),
        0.1,
        min_change.max(1e-6) * 2.0,
    );
    if u.starts_with('%') {
        // a share stays within 0–100 %
        y = y.start.max(0.0)..y.end.min(100.0).max(y.start.max(0.0) + 1.0);
    }
    let y = headroom(y);
    let x = input.x_range();
    let mut chart = ChartBuilder::on(area)
        .margin(12)
        .margin_right(MARGIN_RIGHT)
        .x_label_area_size(44)
        .y_label_area_size(64)
        .build_cartesian_2d(x, y)
        .map_err(err)?;
    let y_desc = if u.is_empty() {
        name.to_lowercase()
    } else {
        format!("{}, {u}", name.to_lowercase())
    };
    date_mesh(&mut chart, input, &y_desc, None)?;
    chart
        .draw_series(
            points
                .iter()
                .map(|&p| Circle::new(p, 3, OI_SKY.mix(0.7).filled())),
        )
        .map_err(err)?
        .label("one run")
        .legend(|(x, y)| Circle::new((x + 7, y), 3, OI_SKY.mix(0.7).filled()));
    chart
        .draw_series(LineSeries::new(
            weekly.iter().copied(),
            OI_BLUE.stroke_width(2),
        ))
        .map_err(err)?
        .label("weekly mean")
        .legend(|(x, y)| PathElement::new([(x, y), (x + 20, y)], OI_BLUE.stroke_width(2)));
    chart
        .draw_series(weekly.iter().map(|&p| Circle::new(p, 3, OI_BLUE.filled())))
        .map_err(err)?;
    let (colour, width, verdict) = if fit.flagged {
        (OI_VERMILLION, 4, "changing")
    } else {
        (OI_BLACK, 2, "no clear change")
    };
    let space = if u.is_empty() || u == "°" { "" } else { " " };
    chart
        .draw_series([PathElement::new(line, colour.stroke_width(width))])
        .map_err(err)?
        .label(format!(
            "trend {:+.2}{space}{u} per week ({:.1} → {:.1}): {verdict}",
            fit.per_week, fit.start, fit.end
        ))
        .legend(move |(x, y)| PathElement::new([(x, y), (x + 20, y)], colour.stroke_width(width)));
    legend_box(&mut chart)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Days;

    fn rows() -> Vec<RunRow> {
        let start: NaiveDate = "2026-03-01".parse().unwrap();
        (0..30u64)
            .map(|k| {
                let mut metrics = BTreeMap::new();
                metrics.insert("cadence_spm".to_string(), 175.0 - 0.2 * k as f64);
                RunRow {
                    file: format!("run{k}.csv"),
                    runner: "ana".into(),
                    date: Some(start + Days::new(k * 7 / 3)),
                    duration_s: 1900.0,
                    running_s: 1800.0 + if k == 20 { 1800.0 } else { 0.0 },
                    distance_m: None,
                    speed_mps: None,
                    metrics,
                    faults: BTreeMap::new(),
                }
            })
            .collect()
    }

    #[test]
    fn every_history_chart_draws_with_dates_units_and_marks() {
        let runs = rows();
        let config = HistoryConfig::default();
        let history = config.process(&runs);
        assert!(!history.warnings.is_empty());
        let input = HistoryInput {
            history: &history,
            runs: &runs,
            config: &config,
        };
        let plot = PlotConfig::default();
        let charts = HistoryChart::all(&config);
        assert_eq!(charts.len(), 2 + config.trends.len());
        for chart in &charts {
            let svg = plot.history_svg(chart, &input).unwrap();
            if svg.contains("not measured") {
                continue;
            }
            assert!(svg.contains("week starting Monday, 2026"), "{chart:?}");
            assert!(svg.contains("2 Mar") || svg.contains("23 Feb"), "{chart:?}");
        }
        let load = plot.history_svg(&HistoryChart::Load, &input).unwrap();
        assert!(load.contains("running time, h per week"));
        assert!(load.contains("long run") && load.contains("week with a load warning"));
        // no distance in these runs: the panel says so
        assert!(load.contains("weekly distance: not measured"));
        let cadence = plot
            .history_svg(&HistoryChart::Trend("cadence_spm".into()), &input)
            .unwrap();
        assert!(cadence.contains("cadence, steps/min"));
        assert!(cadence.contains("Cadence over the weeks: changing"));
        let trunk = plot
            .history_svg(&HistoryChart::Trend("trunk_rotation_deg".into()), &input)
            .unwrap();
        assert!(trunk.contains("no dated run has a value"));
    }

    #[test]
    fn the_running_days_mark_follows_the_settings() {
        assert_eq!(short(LoadWarningKind::RunningDays, 5), "> 5 days");
        assert_eq!(short(LoadWarningKind::RunningDays, 3), "> 3 days");
    }

    #[test]
    fn a_history_without_dates_draws_a_note() {
        let mut runs = rows();
        for r in &mut runs {
            r.date = None;
        }
        let config = HistoryConfig::default();
        let history = config.process(&runs);
        let input = HistoryInput {
            history: &history,
            runs: &runs,
            config: &config,
        };
        let svg = PlotConfig::default()
            .history_svg(&HistoryChart::Load, &input)
            .unwrap();
        assert!(svg.contains("no run has a date"));
    }
}
