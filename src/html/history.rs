//! The HTML history page: one self-contained page (inline CSS and SVG charts, no
//! scripts, no network) per set of runners. For each runner: the load warnings first
//! (what, which week or run, why it matters, what to do), then the weekly load table and
//! charts, the form trends, and the run list, with the runs that have no date listed
//! apart.
//!
//! Every string from the input (runner names, file names, fault ids) is escaped with
//! [`escape`]; the charts are SVG that plotters wrote with its own text escaping.
//! Distances in km, times in h:mm, speeds in m/s, metrics in the units of
//! [`metric_text`].

use super::{STYLE, escape, strip_xml_declaration};
use crate::history::{History, LoadWarning, LoadWarningKind, RunRow, metric_text};
use crate::plot::history::HistoryChart;
use std::fmt::Write as _;
use std::io::Write;

/// One runner's part of the page.
#[derive(Debug, Clone, Copy)]
pub struct RunnerHistory<'a> {
    /// Whose runs (empty when not given).
    pub runner: &'a str,
    /// The runs, dated and undated.
    pub runs: &'a [RunRow],
    /// Their history.
    pub history: &'a History,
    /// The charts (SVG documents from
    /// [`PlotConfig::history_svg`](crate::plot::PlotConfig::history_svg)), in the order
    /// shown within their section.
    pub charts: &'a [(HistoryChart, String)],
}

const HISTORY_STYLE: &str = r#"
.fault.warning { border-left-color: var(--marked); }
.when { color: var(--muted); font-size: 0.9em; margin-left: 6px; }
tr.flagged td { background: #fdf0e6; font-weight: bold; }
tr.warned td:first-child { border-left: 4px solid var(--marked); }
.changing { border-left: 8px solid var(--marked); border-radius: 4px; padding: 6px 12px; margin: 8px 0; background: #fdf6f0; }
h3 { font-size: 1.1em; margin: 22px 0 8px; }
nav ul { margin: 4px 0; }
"#;

/// Writes the page for `runners`.
pub fn write_history_html<W: Write>(runners: &[RunnerHistory], mut out: W) -> std::io::Result<()> {
    out.write_all(history_page(runners).as_bytes())
}

/// A runner's name as shown.
fn runner_name(runner: &str) -> String {
    if runner.is_empty() {
        "(no runner given)".into()
    } else {
        escape(runner)
    }
}

/// Running time as `1h05` or `45 min`.
fn duration(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    if minutes >= 60 {
        format!("{}h{:02}", minutes / 60, minutes % 60)
    } else {
        format!("{minutes} min")
    }
}

/// Which week or run a warning concerns.
fn concerns(w: &LoadWarning) -> String {
    match w.kind {
        LoadWarningKind::LongRunJump => format!(
            "run {} on {}",
            w.file.as_deref().map_or_else(String::new, escape),
            w.date
        ),
        LoadWarningKind::DistanceAndPaceUp | LoadWarningKind::RunningDays => {
            format!("week of {}", w.date)
        }
        LoadWarningKind::NoRestDay => format!("the 7 days up to {}", w.date),
    }
}

/// The page as a string.
pub fn history_page(runners: &[RunnerHistory]) -> String {
    let mut h = String::new();
    let names: Vec<String> = runners.iter().map(|r| runner_name(r.runner)).collect();
    // writing to a String cannot fail
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>runform history: {}</title>\n<style>{STYLE}{HISTORY_STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Training history</h1>\n",
        names.join(", ")
    );
    let total: usize = runners.iter().map(|r| r.runs.len()).sum();
    let _ = writeln!(
        h,
        "<p class=\"meta\">{total} runs of {} runner{}: {}</p>",
        runners.len(),
        if runners.len() == 1 { "" } else { "s" },
        names.join(", ")
    );
    if runners.len() > 1 {
        h.push_str("<nav><ul>\n");
        for (k, name) in names.iter().enumerate() {
            let _ = writeln!(h, "<li><a href=\"#runner-{k}\">{name}</a></li>");
        }
        h.push_str("</ul></nav>\n");
    }
    if runners.is_empty() {
        h.push_str("<p class=\"note\">No runs in the table.</p>\n");
    }
    for (k, r) in runners.iter().enumerate() {
        let suffix = if runners.len() > 1 {
            format!(": {}", names[k])
        } else {
            String::new()
        };
        let _ = writeln!(h, "<section class=\"runner\" id=\"runner-{k}\">");
        warnings(&mut h, r, &suffix);
        load(&mut h, r, &suffix);
        trends(&mut h, r, &suffix);
        run_list(&mut h, r, &suffix);
        h.push_str("</section>\n");
    }
    let _ = writeln!(
        h,
        "<footer>runform {}. The runs show load and form; this is not a diagnosis.</footer>\n\
         </main>\n</body>\n</html>",
        env!("CARGO_PKG_VERSION")
    );
    h
}

fn warnings(h: &mut String, r: &RunnerHistory, suffix: &str) {
    let _ = writeln!(h, "<h2>Load warnings{suffix}</h2>");
    if r.history.warnings.is_empty() {
        h.push_str("<p class=\"note\">No load warnings over the dated runs.</p>\n");
    }
    for w in &r.history.warnings {
        let kind = w.kind;
        let _ = writeln!(
            h,
            "<div class=\"fault warning\" data-kind=\"{}\" data-date=\"{}\">\n\
             <h3>{}<span class=\"badge\">{}</span><span class=\"when\">{}</span></h3>\n\
             <p>{}</p>\n<p><b>Why it matters:</b> {}</p>\n<p><b>What to do:</b> {}</p>\n\
             <p class=\"source\">Source: {}</p>\n</div>",
            kind.as_str(),
            w.date,
            escape(kind.title()),
            kind.as_str(),
            concerns(w),
            escape(&w.evidence),
            escape(kind.why_it_matters()),
            escape(kind.what_to_do()),
            escape(kind.source()),
        );
    }
    let undated = &r.history.undated_runs;
    if !undated.is_empty() {
        let _ = writeln!(
            h,
            "<p class=\"note undated\">{} run{} without a date {} left out of the load figures \
             and trends (listed at the end). Give a date with <code>--date</code> or a \
             YYYY-MM-DD in the file name.</p>",
            undated.len(),
            if undated.len() == 1 { "" } else { "s" },
            if undated.len() == 1 { "is" } else { "are" },
        );
    }
    h.push_str(
        "<p class=\"note\">Pain that lasts two weeks or more is a reason to see a professional.</p>\n",
    );
}

fn charts_of<'a>(
    r: &'a RunnerHistory,
    keep: impl Fn(&HistoryChart) -> bool,
) -> impl Iterator<Item = &'a (HistoryChart, String)> {
    r.charts.iter().filter(move |(c, _)| keep(c))
}

fn figure(h: &mut String, chart: &HistoryChart, svg: &str) {
    let _ = writeln!(
        h,
        "<figure id=\"chart-{}\" aria-label=\"{}\">\n{}\n</figure>",
        escape(&chart.name()),
        escape(&chart.title()),
        strip_xml_declaration(svg)
    );
}

fn load(h: &mut String, r: &RunnerHistory, suffix: &str) {
    let _ = writeln!(h, "<h2>Weekly load{suffix}</h2>");
    if r.history.weeks.is_empty() {
        h.push_str("<p class=\"note\">No dated runs: no weekly figures.</p>\n");
        return;
    }
    // distance and speed columns only when some week has them
    let with_distance = r
        .history
        .weeks
        .iter()
        .any(|w| w.runs > 0 && w.distance_m.is_some());
    let _ = writeln!(
        h,
        "<table class=\"weeks\">\n<tr><th>Week of</th><th class=\"num\">Runs</th>\
         <th class=\"num\">Running days</th><th class=\"num\">Time</th>{}<th>Warnings</th></tr>",
        if with_distance {
            "<th class=\"num\">Distance</th><th class=\"num\">Mean speed</th>"
        } else {
            ""
        }
    );
    for w in &r.history.weeks {
        let end = w.week_start + chrono::Days::new(7);
        let ids: Vec<&str> = r
            .history
            .warnings
            .iter()
            .filter(|x| x.date >= w.week_start && x.date < end)
            .map(|x| x.kind.as_str())
            .collect();
        let distance = w
            .distance_m
            .filter(|_| w.runs > 0)
            .map_or_else(|| "—".into(), |d| format!("{:.1} km", d / 1000.0));
        let speed = w
            .speed_mps
            .filter(|_| w.runs > 0)
            .map_or_else(|| "—".into(), |s| format!("{s:.2} m/s"));
        let distance_cells = if with_distance {
            format!("<td class=\"num\">{distance}</td><td class=\"num\">{speed}</td>")
        } else {
            String::new()
        };
        let _ = writeln!(
            h,
            "<tr{}><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td>{distance_cells}<td>{}</td></tr>",
            if ids.is_empty() {
                ""
            } else {
                " class=\"warned\""
            },
            w.week_start,
            w.runs,
            w.running_days,
            if w.runs > 0 {
                duration(w.running_s)
            } else {
                "—".into()
            },
            ids.join(", ")
        );
    }
    h.push_str("</table>\n");
    for (c, svg) in charts_of(r, |c| !matches!(c, HistoryChart::Trend(_))) {
        figure(h, c, svg);
    }
}

fn trends(h: &mut String, r: &RunnerHistory, suffix: &str) {
    let _ = writeln!(h, "<h2>Form trends{suffix}</h2>");
    let _ = writeln!(
        h,
        "<p>The least-squares line of each metric over the dated runs; a trend is flagged \
         as changing when its slope is at least 3 standard errors from zero and the change \
         over the span is large enough to act on.</p>"
    );
    if r.history.trends.is_empty() {
        h.push_str("<p class=\"note\">Fewer than 3 dated runs with form metrics: no trends.</p>\n");
    } else {
        h.push_str(
            "<table class=\"trends\">\n<tr><th>Metric</th><th class=\"num\">Runs</th>\
             <th class=\"num\">Per week</th><th class=\"num\">Start → end</th><th>Verdict</th></tr>\n",
        );
        for t in &r.history.trends {
            let (label, unit) =
                metric_text(&t.metric).map_or((t.metric.as_str(), ""), |m| (m.label, m.unit));
            let _ = writeln!(
                h,
                "<tr class=\"trend{}\" data-metric=\"{}\"><td>{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{:+.2} ± {:.2} {}</td><td class=\"num\">{:.1} → {:.1}</td><td>{}</td></tr>",
                if t.flagged { " flagged" } else { "" },
                escape(&t.metric),
                escape(label),
                t.runs,
                t.per_week,
                t.per_week_se,
                escape(unit),
                t.start,
                t.end,
                if t.flagged {
                    "changing"
                } else {
                    "no clear change"
                }
            );
        }
        h.push_str("</table>\n");
        for t in r.history.trends.iter().filter(|t| t.flagged) {
            if let Some(m) = metric_text(&t.metric) {
                let _ = writeln!(
                    h,
                    "<p class=\"changing\"><b>{} {} from {:.1} to {:.1}{}{}.</b> {}</p>",
                    escape(m.label),
                    if t.end < t.start { "fell" } else { "rose" },
                    t.start,
                    t.end,
                    if m.unit == "°" { "" } else { " " },
                    escape(m.unit),
                    escape(m.when_changing)
                );
            }
        }
    }
    for (c, svg) in charts_of(r, |c| matches!(c, HistoryChart::Trend(_))) {
        figure(h, c, svg);
    }
}

fn run_list(h: &mut String, r: &RunnerHistory, suffix: &str) {
    let mut dated: Vec<&RunRow> = r.runs.iter().filter(|x| x.date.is_some()).collect();
    dated.sort_by(|a, b| a.date.cmp(&b.date).then_with(|| a.file.cmp(&b.file)));
    let _ = writeln!(h, "<h2>Runs{suffix}</h2>");
    let num = |v: Option<f64>, digits: usize, unit: &str| {
        v.filter(|v| v.is_finite())
            .map_or_else(|| "—".to_string(), |v| format!("{v:.digits$} {unit}"))
    };
    if dated.is_empty() {
        h.push_str("<p class=\"note\">No dated runs.</p>\n");
    } else {
        h.push_str(
            "<table class=\"runs\">\n<tr><th>Date</th><th>File</th><th class=\"num\">Time</th>\
             <th class=\"num\">Distance</th><th class=\"num\">Cadence</th><th>Faults</th></tr>\n",
        );
        for x in dated {
            let faults: Vec<String> = x.faults.keys().map(|k| escape(k)).collect();
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td>{}</td></tr>",
                x.date.map(|d| d.to_string()).unwrap_or_default(),
                escape(&x.file),
                duration(x.running_s),
                num(x.distance_m.map(|d| d / 1000.0), 1, "km"),
                num(x.metrics.get("cadence_spm").copied(), 1, "steps/min"),
                faults.join(", ")
            );
        }
        h.push_str("</table>\n");
    }
    let undated: Vec<&RunRow> = r.runs.iter().filter(|x| x.date.is_none()).collect();
    if !undated.is_empty() {
        h.push_str(
            "<h3 id=\"undated\">Runs without a date (not in the load figures)</h3>\n\
             <table class=\"undated\">\n<tr><th>File</th><th class=\"num\">Time</th>\
             <th class=\"num\">Distance</th><th class=\"num\">Cadence</th></tr>\n",
        );
        for x in undated {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                escape(&x.file),
                duration(x.running_s),
                num(x.distance_m.map(|d| d / 1000.0), 1, "km"),
                num(x.metrics.get("cadence_spm").copied(), 1, "steps/min"),
            );
        }
        h.push_str("</table>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::HistoryConfig;
    use std::collections::BTreeMap;

    fn row(file: &str, runner: &str, date: Option<&str>, minutes: f64) -> RunRow {
        RunRow {
            file: file.into(),
            runner: runner.into(),
            date: date.map(|d| d.parse().unwrap()),
            duration_s: minutes * 60.0,
            running_s: minutes * 60.0,
            distance_m: None,
            speed_mps: None,
            metrics: BTreeMap::new(),
            faults: BTreeMap::new(),
        }
    }

    #[test]
    fn names_and_files_are_escaped_and_undated_runs_listed_apart() {
        let runner = "<script>alert('r')</script>";
        let runs = vec![
            row("<b>a</b>.csv", runner, Some("2026-03-01"), 40.0),
            row("b.csv", runner, Some("2026-03-08"), 60.0),
            row("<img src=x onerror=alert(1)>.csv", runner, None, 30.0),
        ];
        let history = HistoryConfig::default().process(&runs);
        assert_eq!(history.warnings.len(), 1);
        let page = history_page(&[RunnerHistory {
            runner,
            runs: &runs,
            history: &history,
            charts: &[],
        }]);
        assert!(!page.contains("<script") && !page.contains("<img") && !page.contains("<b>a"));
        assert!(page.contains("&lt;script&gt;alert(&#39;r&#39;)&lt;/script&gt;"));
        assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;.csv"));
        assert!(page.contains("1 run without a date is left out"));
        // the undated run is in its own table, after the dated ones
        let undated_table = page.find("<table class=\"undated\">").unwrap();
        assert!(page[undated_table..].contains("onerror"));
        assert!(!page[..undated_table].contains("onerror=alert(1)&gt;.csv</td>"));
        // the warning comes before the load table, with its texts
        let warning = page.find("data-kind=\"long_run_jump\"").unwrap();
        assert!(warning < page.find("<table class=\"weeks\">").unwrap());
        assert!(page.contains(LoadWarningKind::LongRunJump.what_to_do()));
    }
}
