//! The HTML report: one self-contained page (inline CSS and SVG charts, no scripts, no
//! network) with the faults first, then the summary, the charts, and what was not
//! measured and why.
//!
//! Every string that comes from the input (the file name, warnings that quote the file)
//! or from the report is escaped with [`escape`]; the charts are SVG that plotters wrote
//! with its own text escaping. Units are those of the JSON report.
//!
//! The page of many runs (load warnings, weekly load, form trends) is in [`history`].

use crate::bouts::Activity;
use crate::plot::ChartKind;
use crate::recording::Frame;
use crate::report::{Report, Severity};
use std::fmt::Write as _;
use std::io::Write;

pub mod history;

/// Escapes `text` for HTML text and attribute values (`&`, `<`, `>`, `"`, `'`).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = r#"
:root { --ink: #1a1a1a; --muted: #555; --line: #ddd; --mild: #56B4E9; --moderate: #E69F00; --marked: #D55E00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.45 "DejaVu Sans", system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: #fafafa; }
main { max-width: 1060px; margin: 0 auto; padding: 24px 20px 48px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 4px; }
h2 { font-size: 1.3em; margin: 32px 0 10px; border-bottom: 2px solid var(--ink); padding-bottom: 4px; }
.meta { color: var(--muted); margin: 0; overflow-wrap: anywhere; }
.fault { border: 1px solid var(--line); border-left: 8px solid var(--mild); border-radius: 4px; padding: 10px 14px; margin: 10px 0; }
.fault.moderate { border-left-color: var(--moderate); }
.fault.marked { border-left-color: var(--marked); }
.fault h3 { margin: 0 0 4px; font-size: 1.1em; }
.badge { display: inline-block; font-size: 0.8em; padding: 1px 8px; border-radius: 10px; background: #eee; margin-left: 6px; vertical-align: middle; }
.fault p { margin: 4px 0; }
.fault .source { color: var(--muted); font-size: 0.85em; }
.note { background: #f2f2f2; border-radius: 4px; padding: 10px 14px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th.num, td.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
td.none { color: var(--muted); }
figure { margin: 18px 0 26px; }
figure svg { width: 100%; height: auto; display: block; }
footer { color: var(--muted); font-size: 0.85em; margin-top: 36px; }
"#;

/// Writes the page for `report` with `charts` (SVG documents from
/// [`PlotConfig::svg`](crate::plot::PlotConfig::svg)) in the order given.
pub fn write_html<W: Write>(
    report: &Report,
    charts: &[(ChartKind, String)],
    mut out: W,
) -> std::io::Result<()> {
    out.write_all(page(report, charts).as_bytes())
}

/// The page as a string.
pub fn page(report: &Report, charts: &[(ChartKind, String)]) -> String {
    let mut h = String::new();
    let input = &report.input;
    let file = escape(&input.path);
    // writing to a String cannot fail
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>runform report: {file}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n\
         <h1>Running form report</h1>\n<p class=\"meta\">{file}</p>\n"
    );
    let sensors = input.sensors_text();
    let running_s: f64 = report
        .bouts
        .iter()
        .filter(|b| b.activity == Activity::Running)
        .map(|b| b.duration_s())
        .sum();
    // a watch's records have no axes: only a recording of samples says which it had
    let axes = match (&input.source, input.frame) {
        (Some(_), _) => String::new(),
        (None, Frame::Body) => "; body axes".into(),
        (None, Frame::Sensor) => "; sensor axes".into(),
    };
    let _ = writeln!(
        h,
        "<p class=\"meta\">{:.1} min recorded at {:.1} Hz, {:.1} min running{axes}; {}: {}</p>",
        input.duration_s / 60.0,
        input.rate_hz,
        running_s / 60.0,
        if input.source.is_some() {
            "from"
        } else {
            "sensors"
        },
        escape(&sensors)
    );

    h.push_str("<h2 id=\"faults\">Faults</h2>\n");
    if report.faults.is_empty() {
        let why = report
            .unavailable
            .iter()
            .find(|u| u.metric == "faults")
            .map(|u| format!("Faults: {}.", u.reason))
            .unwrap_or_else(|| "No form faults found in this run.".into());
        let _ = writeln!(h, "<p class=\"note\">{}</p>", escape(&why));
    }
    let mut faults: Vec<_> = report.faults.iter().collect();
    faults.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in faults {
        let class = match f.severity {
            Severity::Mild => "mild",
            Severity::Moderate => "moderate",
            Severity::Marked => "marked",
        };
        let mut when = String::new();
        if let Some(p) = f.steps_affected_pct {
            let _ = write!(when, "{p:.0} % of running steps");
        }
        if let (Some(a), Some(b)) = (f.first_s, f.last_s) {
            let _ = write!(
                when,
                "{}from {:.1} to {:.1} min",
                if when.is_empty() { "" } else { ", " },
                a / 60.0,
                b / 60.0
            );
        }
        let _ = writeln!(
            h,
            "<div class=\"fault {class}\">\n<h3>{}<span class=\"badge\">{}</span></h3>\n\
             <p>{}</p>\n<p><b>Measured:</b> {:.1} {} (threshold {:.1} {}){}</p>\n\
             <p><b>Why it matters:</b> {}</p>\n<p><b>What to do:</b> {}</p>\n\
             <p class=\"source\">Source: {}</p>\n</div>",
            escape(&f.title),
            class,
            escape(&f.evidence),
            f.value,
            escape(&f.unit),
            f.threshold,
            escape(&f.unit),
            if when.is_empty() {
                String::new()
            } else {
                format!("; {}", escape(&when))
            },
            escape(&f.why_it_matters),
            escape(&f.what_to_do),
            escape(&f.source),
        );
    }

    h.push_str(
        "<h2 id=\"summary\">Summary</h2>\n<table>\n<tr><th>Metric</th><th class=\"num\">Value</th></tr>\n",
    );
    for (label, value) in summary_rows(report) {
        match value {
            Some(v) => {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"num\">{}</td></tr>",
                    escape(label),
                    escape(&v)
                );
            }
            None => {
                let _ = writeln!(
                    h,
                    "<tr><td>{}</td><td class=\"num none\">not measured</td></tr>",
                    escape(label)
                );
            }
        }
    }
    h.push_str("</table>\n");

    h.push_str("<h2 id=\"charts\">Charts</h2>\n");
    for (kind, svg) in charts {
        let _ = writeln!(
            h,
            "<figure id=\"chart-{}\" aria-label=\"{}\">\n{}\n</figure>",
            kind.name(),
            escape(kind.title()),
            strip_xml_declaration(svg)
        );
    }

    if !report.unavailable.is_empty() {
        h.push_str("<h2 id=\"unavailable\">Not measured, and why</h2>\n<table>\n");
        for u in &report.unavailable {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&u.metric),
                escape(&u.reason)
            );
        }
        h.push_str("</table>\n");
    }
    if !report.warnings.is_empty() {
        h.push_str("<h2 id=\"warnings\">Warnings</h2>\n<table>\n");
        for w in &report.warnings {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td></tr>",
                escape(&w.code),
                escape(&w.message)
            );
        }
        h.push_str("</table>\n");
    }
    let _ = writeln!(
        h,
        "<footer>runform {}, report schema {}. The sensors show how you ran; this is not a diagnosis.</footer>\n</main>\n</body>\n</html>",
        escape(&report.runform_version),
        report.schema_version
    );
    h
}

/// SVG embedded in HTML takes no XML declaration.
fn strip_xml_declaration(svg: &str) -> &str {
    let s = svg.trim_start();
    if s.starts_with("<?xml") {
        s.find("?>").map_or(s, |i| s[i + 2..].trim_start())
    } else {
        s
    }
}

/// The summary table's rows: label with unit, and the formatted value (`None` when not
/// measured).
fn summary_rows(report: &Report) -> Vec<(&'static str, Option<String>)> {
    let s = &report.summary;
    let f = |v: Option<f64>, digits: usize, unit: &str| {
        v.filter(|v| v.is_finite())
            .map(|v| format!("{v:.digits$} {unit}").trim_end().to_string())
    };
    vec![
        ("Running steps", Some(s.running_steps.to_string())),
        ("Cadence", f(s.cadence_spm, 1, "steps/min")),
        ("Ground contact time", f(s.ground_contact_ms, 0, "ms")),
        ("Flight time", f(s.flight_ms, 0, "ms")),
        ("Duty factor", f(s.duty_factor, 2, "")),
        (
            "Contact balance (left share)",
            f(s.contact_balance_left_pct, 1, "%"),
        ),
        (
            "Foot strike",
            s.foot_strike.as_ref().map(|fs| {
                let pattern = serde_json::to_value(fs.pattern)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default();
                match fs.angle_deg {
                    Some(a) => format!("{pattern}, {a:.1}°"),
                    None => pattern,
                }
            }),
        ),
        (
            "Overstride (landing ahead of pelvis)",
            f(s.overstride_cm, 1, "cm"),
        ),
        ("Step length", f(s.step_length_m, 2, "m")),
        ("Speed", f(s.speed_mps, 2, "m/s")),
        ("Tibia angle at contact", f(s.tibia_angle_deg, 1, "°")),
        ("Trunk rotation per stride", f(s.trunk_rotation_deg, 1, "°")),
        (
            "Pelvis rotation per stride",
            f(s.pelvis_rotation_deg, 1, "°"),
        ),
        ("Pelvic drop", f(s.pelvic_drop_deg, 1, "°")),
        ("Forward lean", f(s.forward_lean_deg, 1, "°")),
        ("Braking peak", f(s.braking_peak_g, 2, "g")),
        ("Braking (speed lost per step)", f(s.braking_mps, 3, "m/s")),
        ("Impact peak", f(s.impact_peak_g, 2, "g")),
        ("Loading rate", f(s.loading_rate_g_per_s, 0, "g/s")),
        (
            "Vertical oscillation",
            f(s.vertical_oscillation_mm, 0, "mm"),
        ),
        ("Vertical ratio", f(s.vertical_ratio_pct, 1, "%")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_replaces_every_markup_character() {
        assert_eq!(
            escape(r#"<script>alert("x" & 'y')</script>"#),
            "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)&lt;/script&gt;"
        );
        assert_eq!(escape("run 5 km – ü"), "run 5 km – ü");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn xml_declaration_is_dropped_from_inline_svg() {
        assert_eq!(
            strip_xml_declaration("<?xml version=\"1.0\"?>\n<svg></svg>"),
            "<svg></svg>"
        );
        assert_eq!(strip_xml_declaration("<svg></svg>"), "<svg></svg>");
    }
}
