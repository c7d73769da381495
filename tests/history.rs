//! A simulated season through the whole pipeline: each planned run is simulated,
//! analysed and turned into a runs-table row; the history must show exactly the planted
//! load warnings and form trend (`simulate::season`).

mod common;

use common::browser::{chromium, ink_and_colours, screenshot};
use common::{runform, succeed};
use rayon::prelude::*;
use runform::AnalysisConfig;
use runform::batch::{run_row, write_runs_csv};
use runform::history::{HistoryConfig, LoadWarningKind, RunRow};
use runform::simulate::season::SeasonConfig;
use runform::simulate::simulate;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::OnceLock;

fn season_rows(season: &SeasonConfig) -> Vec<RunRow> {
    season
        .plan()
        .par_iter()
        .map(|run| {
            let sim = simulate(&run.config).expect("a valid simulator setting");
            let report = AnalysisConfig::default()
                .process(&sim.recording)
                .expect("a simulated run analyses");
            run_row(
                &report,
                &format!("{}-{}.csv", run.date, run.kind),
                "sim",
                Some(run.date),
            )
        })
        .collect()
}

/// The default season's rows, simulated and analysed once for every test here.
fn default_season() -> &'static (SeasonConfig, Vec<RunRow>) {
    static SEASON: OnceLock<(SeasonConfig, Vec<RunRow>)> = OnceLock::new();
    SEASON.get_or_init(|| {
        let season = SeasonConfig::default();
        let rows = season_rows(&season);
        (season, rows)
    })
}

/// Writes `rows` as `dir/runs.csv`, runs `runform history` on it with `--out dir/out`,
/// and returns the page and the output folder.
fn history_page(rows: &[RunRow], dir: &Path) -> (String, std::path::PathBuf) {
    let table = dir.join("runs.csv");
    write_runs_csv(rows, std::fs::File::create(&table).unwrap()).unwrap();
    let out = dir.join("out");
    succeed(runform().args([
        "history",
        table.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]));
    let page = std::fs::read_to_string(out.join("history.html")).unwrap();
    (page, out)
}

/// The values of `attribute` on every element of `class` in `page`, in page order.
fn attributes(page: &str, class: &str, attributes: &[&str]) -> Vec<Vec<String>> {
    let tag = format!("class=\"{class}\"");
    page.match_indices(&tag)
        .map(|(at, _)| {
            let end = at + page[at..].find('>').unwrap();
            let element = &page[at..end];
            attributes
                .iter()
                .map(|a| {
                    let key = format!("{a}=\"");
                    let from = element.find(&key).unwrap() + key.len();
                    element[from..from + element[from..].find('"').unwrap()].to_string()
                })
                .collect()
        })
        .collect()
}

#[test]
fn a_simulated_season_shows_exactly_its_planted_warnings_and_trend() {
    let (season, rows) = default_season();
    assert!(rows.len() >= 60);
    let history = HistoryConfig::default().process(rows);
    let warnings: Vec<(LoadWarningKind, String)> = history
        .warnings
        .iter()
        .map(|w| (w.kind, w.date.to_string()))
        .collect();
    assert_eq!(
        warnings,
        vec![
            // the daily week (Monday 2026-04-13): 7 running days, and the streak from the
            // Sunday before reaches 7 days on the Saturday
            (LoadWarningKind::RunningDays, "2026-04-13".to_string()),
            (LoadWarningKind::NoRestDay, "2026-04-18".to_string()),
            // the planted 40 % long run
            (LoadWarningKind::LongRunJump, "2026-05-31".to_string()),
        ],
        "{:#?}",
        history.warnings
    );
    let jump = &history.warnings[2];
    assert!(jump.evidence.contains("40% longer"), "{}", jump.evidence);

    // cadence falls 6 steps/min over the season: flagged, at the planted rate; nothing
    // else moves
    let span_weeks =
        (rows.last().unwrap().date.unwrap() - rows[0].date.unwrap()).num_days() as f64 / 7.0;
    for t in &history.trends {
        if t.metric == "cadence_spm" {
            assert!(t.flagged, "{t:?}");
            let want = season.cadence_drift_spm / span_weeks;
            assert!(
                (t.per_week - want).abs() < 0.1 * want.abs(),
                "cadence trend {} per week, planted {want}",
                t.per_week
            );
        } else {
            assert!(!t.flagged, "{t:?}");
        }
    }
    assert!(history.trends.iter().any(|t| t.metric == "cadence_spm"));
    assert!(
        history
            .trends
            .iter()
            .any(|t| t.metric == "ground_contact_ms")
    );
    // every week of the season has a load row, with running time
    assert_eq!(history.weeks.len(), season.weeks as usize);
    assert!(history.weeks.iter().all(|w| w.running_s > 0.0));
}

#[test]
fn a_steady_season_shows_nothing() {
    let season = SeasonConfig {
        weeks: 8,
        daily_week: None,
        jump_week: None,
        cadence_drift_spm: 0.0,
        seed: 500,
        ..SeasonConfig::default()
    };
    let history = HistoryConfig::default().process(&season_rows(&season));
    assert!(history.warnings.is_empty(), "{:#?}", history.warnings);
    assert!(
        history.trends.iter().all(|t| !t.flagged),
        "{:#?}",
        history.trends
    );
}

#[test]
fn the_history_page_of_the_season_shows_exactly_its_planted_warnings_and_trend() {
    let (_, rows) = default_season();
    let dir = tempfile::tempdir().unwrap();
    let (page, out) = history_page(rows, dir.path());
    let warnings = attributes(&page, "fault warning", &["data-kind", "data-date"]);
    assert_eq!(
        warnings,
        vec![
            vec!["running_days".to_string(), "2026-04-13".to_string()],
            vec!["no_rest_day".to_string(), "2026-04-18".to_string()],
            vec!["long_run_jump".to_string(), "2026-05-31".to_string()],
        ]
    );
    // each with what to do about it, and the jumped run named
    assert!(page.contains(LoadWarningKind::LongRunJump.what_to_do()));
    assert!(page.contains("run 2026-05-31-long-jump.csv on 2026-05-31"));
    // only cadence is changing
    let flagged = attributes(&page, "trend flagged", &["data-metric"]);
    assert_eq!(flagged, vec![vec!["cadence_spm".to_string()]]);
    assert!(page.contains("Cadence fell from"));
    assert_eq!(attributes(&page, "trend", &["data-metric"]).len(), {
        let h = HistoryConfig::default().process(rows);
        h.trends.len() - 1
    });
    // warnings first, then load, trends, runs
    let at = |text: &str| {
        page.find(text)
            .unwrap_or_else(|| panic!("{text} not in the page"))
    };
    assert!(at("class=\"fault warning\"") < at("<h2>Weekly load"));
    assert!(at("<h2>Weekly load") < at("<h2>Form trends"));
    assert!(at("<h2>Form trends") < at("<h2>Runs"));
    // the charts inline and as files; self-contained: no script, no fetch
    for name in ["weekly_load", "runs_per_week", "trend_cadence_spm"] {
        assert!(page.contains(&format!("id=\"chart-{name}\"")), "{name}");
        for ext in ["svg", "png"] {
            let file = out.join("charts").join(format!("{name}.{ext}"));
            assert!(file.is_file(), "{}", file.display());
        }
    }
    assert!(!page.contains("<script") && !page.contains("<link") && !page.contains("src="));
    // every run is listed, none without a date
    assert_eq!(
        page.matches("-long.csv</td>").count(),
        rows.iter()
            .filter(|r| r.file.ends_with("-long.csv"))
            .count()
    );
    assert!(!page.contains("Runs without a date"));
}

/// A few dated runs of two runners (one with markup in its name), one undated run.
fn small_table() -> Vec<RunRow> {
    let start: chrono::NaiveDate = "2026-03-02".parse().unwrap();
    let mut rows = Vec::new();
    for (runner, file_prefix) in [
        ("<script>alert(1)</script>", "<script>x</script>"),
        ("ben", "ben"),
    ] {
        for k in 0..12u64 {
            let date = start + chrono::Days::new(k * 7 / 3);
            let mut metrics = BTreeMap::new();
            let wobble = [0.0, 1.0, -1.0][(k % 3) as usize];
            for (metric, value, scatter) in [
                ("cadence_spm", 170.0, 1.0),
                ("ground_contact_ms", 250.0, 4.0),
                ("foot_strike_share_pct_rearfoot", 80.0, 5.0),
                ("contact_balance_left_pct", 50.5, 0.4),
                ("trunk_rotation_deg", 24.0 + 0.3 * k as f64, 0.5),
            ] {
                metrics.insert(metric.to_string(), value + scatter * wobble);
            }
            let minutes = if k == 9 { 70.0 } else { 40.0 };
            rows.push(RunRow {
                file: format!("{file_prefix}-{date}.csv"),
                runner: runner.to_string(),
                date: Some(date),
                duration_s: minutes * 60.0 + 30.0,
                running_s: minutes * 60.0,
                distance_m: Some(minutes * 60.0 * 2.9),
                speed_mps: Some(2.9),
                metrics,
                faults: BTreeMap::new(),
            });
        }
    }
    let mut undated = rows[0].clone();
    undated.file = "<img src=x onerror=alert(2)>.csv".into();
    undated.date = None;
    rows.push(undated);
    rows
}

#[test]
fn runner_and_file_names_with_markup_are_escaped_in_the_page() {
    let dir = tempfile::tempdir().unwrap();
    let (page, out) = history_page(&small_table(), dir.path());
    assert!(
        !page.contains("<script") && !page.contains("<img"),
        "markup got through"
    );
    assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&lt;script&gt;x&lt;/script&gt;-2026-03-02.csv"));
    assert!(page.contains("&lt;img src=x onerror=alert(2)&gt;.csv"));
    // two runners: a section and a chart folder each, the folder name made safe
    assert_eq!(page.matches("<section class=\"runner\"").count(), 2);
    assert!(out.join("charts/runner=ben/weekly_load.png").is_file());
    assert!(
        out.join("charts/runner=<script>alert(1)<_script>/weekly_load.svg")
            .is_file()
    );
    // the undated run is listed apart and said to be left out
    assert!(page.contains("Runs without a date"));
    assert!(page.contains("1 run without a date is left out"));
}

#[test]
fn history_html_renders_in_headless_chromium_without_console_errors() {
    let Some(browser) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let (_, out) = history_page(&small_table(), dir.path());
    let shot = screenshot(&browser, &out.join("history.html"), dir.path(), 1200, 3000);
    let (ink, colours) = ink_and_colours(&shot);
    // a blank or unstyled page has almost no ink and a handful of colours
    assert!(
        ink > 0.05 && colours > 100,
        "the page looks blank: ink {ink:.3}, {colours} colours"
    );
}

#[test]
fn runners_whose_names_make_one_folder_name_get_a_chart_folder_each() {
    let mut rows = small_table();
    rows.retain(|r| r.runner == "ben" && r.date.is_some());
    let mut other = rows.clone();
    for r in &mut rows {
        r.runner = "a/b".into();
    }
    for r in &mut other {
        r.runner = "a_b".into();
    }
    rows.extend(other);
    let dir = tempfile::tempdir().unwrap();
    let (page, out) = history_page(&rows, dir.path());
    assert_eq!(page.matches("<section class=\"runner\"").count(), 2);
    for folder in ["runner=a_b", "runner=a_b-2"] {
        let chart = out
            .join("charts")
            .join(folder)
            .join("trend_cadence_spm.png");
        assert!(chart.is_file(), "{}", chart.display());
    }
}
