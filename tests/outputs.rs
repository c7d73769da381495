//! Layers 4 and 7: the files `analyze --out` writes (steps.parquet read back, report.html
//! escaped and opened in headless Chromium, the charts as images) and `runform plot`.

mod common;

use common::browser::{chromium, ink_and_colours, screenshot};
use common::{runform, sample, succeed};
use polars::prelude::*;
use runform::AnalysisConfig;
use runform::simulate::{SimConfig, simulate};

#[test]
fn steps_parquet_reads_back_as_the_steps_table() {
    let sim = simulate(&SimConfig {
        duration_s: 15.0,
        rate_hz: 100.0,
        ..SimConfig::default()
    })
    .unwrap();
    let report = AnalysisConfig::default().process(&sim.recording).unwrap();
    let mut bytes = Vec::new();
    report.write_steps_parquet(&mut bytes).unwrap();
    let back = ParquetReader::new(std::io::Cursor::new(bytes))
        .finish()
        .unwrap();
    let want = report.steps_frame().unwrap();
    assert!(want.height() > 30);
    assert_eq!(back.get_column_names(), want.get_column_names());
    assert!(
        back.equals_missing(&want),
        "read back:\n{back}\nwritten:\n{want}"
    );
    // typed: floats stay f64 and unmeasured values are nulls, not text
    assert_eq!(
        back.column("contact_ms").unwrap().dtype(),
        &DataType::Float64
    );
    assert_eq!(
        back.column("initial_contact_s")
            .unwrap()
            .f64()
            .unwrap()
            .get(0),
        Some(report.steps[0].initial_contact_s)
    );
}

#[test]
fn out_folder_gets_parquet_html_and_every_chart_as_svg_and_png() {
    let dir = tempfile::tempdir().unwrap();
    succeed(runform().args([
        "analyze",
        sample("heel-striker.csv").to_str().unwrap(),
        "--frame",
        "body",
        "--out",
        dir.path().to_str().unwrap(),
    ]));
    for f in ["report.json", "steps.csv", "steps.parquet", "report.html"] {
        assert!(dir.path().join(f).is_file(), "missing {f}");
    }
    let html = std::fs::read_to_string(dir.path().join("report.html")).unwrap();
    assert!(!html.contains("<script"), "the page has no scripts");
    assert!(
        !html.contains("src=\"http") && !html.contains("href=\"http"),
        "no network"
    );
    let names = [
        "faults",
        "cadence",
        "contact",
        "foot_strike",
        "rotation",
        "vertical",
        "impact",
        "stride",
    ];
    for name in names {
        let svg = dir.path().join("charts").join(format!("{name}.svg"));
        assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
        assert!(html.contains(&format!("id=\"chart-{name}\"")), "{name}");
        let (ink, colours) =
            ink_and_colours(&dir.path().join("charts").join(format!("{name}.png")));
        // text alone (a 'not measured' panel) gives a few % of ink and anti-aliased greys
        assert!(
            ink > 0.01 && colours > 8,
            "{name}.png: ink {ink:.3}, {colours} colours"
        );
    }
    // faults come first, then the summary, then the charts
    let at = |s: &str| html.find(s).unwrap_or_else(|| panic!("no {s}"));
    assert!(at("id=\"faults\"") < at("id=\"summary\""));
    assert!(at("id=\"summary\"") < at("id=\"charts\""));
}

#[test]
fn file_names_with_markup_are_escaped_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let nasty = dir.path().join("<script>alert('x')<");
    std::fs::create_dir(&nasty).unwrap();
    let file = nasty.join("script> & \"run\".csv");
    std::fs::copy(sample("efficient.csv"), &file).unwrap();
    let out = dir.path().join("out");
    succeed(runform().args([
        "analyze",
        file.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(!html.contains("<script"), "unescaped markup in the page");
    assert!(!html.contains("alert('x')"));
    assert!(
        html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;run&quot;.csv"),
        "the file name is not shown escaped"
    );
}

#[test]
fn plot_draws_one_chart_as_png_or_svg_and_rejects_bad_names() {
    let dir = tempfile::tempdir().unwrap();
    let png_path = dir.path().join("sub").join("stride.png");
    let out = succeed(runform().args([
        "plot",
        sample("efficient.csv").to_str().unwrap(),
        "--chart",
        "stride",
        "--out",
        png_path.to_str().unwrap(),
    ]));
    assert!(String::from_utf8_lossy(&out.stdout).contains("stride.png"));
    let (ink, colours) = ink_and_colours(&png_path);
    assert!(
        ink > 0.03 && colours > 20,
        "ink {ink:.3}, {colours} colours"
    );
    let svg_path = dir.path().join("cadence.svg");
    succeed(runform().args([
        "plot",
        sample("efficient.csv").to_str().unwrap(),
        "--chart",
        "cadence",
        "--out",
        svg_path.to_str().unwrap(),
    ]));
    let svg = std::fs::read_to_string(&svg_path).unwrap();
    assert!(svg.contains("cadence, steps/min") && svg.contains("time, min"));

    let bad = runform()
        .args([
            "plot",
            sample("efficient.csv").to_str().unwrap(),
            "--chart",
            "cadance",
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("foot_strike"));
    let bad = runform()
        .args([
            "plot",
            sample("efficient.csv").to_str().unwrap(),
            "--chart",
            "cadence",
            "--out",
            dir.path().join("c.jpg").to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains(".svg or .png"));
    let help = succeed(runform().args(["plot", "--help"]));
    let help = String::from_utf8_lossy(&help.stdout);
    for name in ["faults", "cadence", "foot_strike", "stride"] {
        assert!(help.contains(name), "--help does not list {name}");
    }
}

#[test]
fn report_html_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    succeed(runform().args([
        "analyze",
        sample("heel-striker.csv").to_str().unwrap(),
        "--frame",
        "body",
        "--out",
        out.to_str().unwrap(),
    ]));
    let shot = screenshot(&browser, &out.join("report.html"), dir.path(), 1200, 3000);
    let (ink, colours) = ink_and_colours(&shot);
    // a blank or unstyled page has almost no ink and a handful of colours
    assert!(
        ink > 0.05 && colours > 100,
        "the page looks blank: ink {ink:.3}, {colours} colours"
    );
}
