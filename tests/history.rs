//! A simulated season through the whole pipeline: each planned run is simulated,
//! analysed and turned into a runs-table row; the history must show exactly the planted
//! load warnings and form trend (`simulate::season`).

use rayon::prelude::*;
use runform::AnalysisConfig;
use runform::batch::run_row;
use runform::history::{HistoryConfig, LoadWarningKind, RunRow};
use runform::simulate::season::SeasonConfig;
use runform::simulate::simulate;

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

#[test]
fn a_simulated_season_shows_exactly_its_planted_warnings_and_trend() {
    let season = SeasonConfig::default();
    let rows = season_rows(&season);
    assert!(rows.len() >= 60);
    let history = HistoryConfig::default().process(&rows);
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
