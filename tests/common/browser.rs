//! Headless Chromium for the HTML pages, and a look at its screenshots.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Share of pixels that are not near-white, and the number of distinct colours.
#[allow(dead_code)]
pub fn ink_and_colours(png_path: &Path) -> (f64, usize) {
    let decoder = png::Decoder::new(std::fs::File::open(png_path).unwrap());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    let channels = match info.color_type {
        png::ColorType::Rgb => 3,
        png::ColorType::Rgba => 4,
        other => panic!("unexpected colour type {other:?} in {}", png_path.display()),
    };
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    let pixels = buf[..info.buffer_size()].chunks_exact(channels);
    let n = pixels.len();
    let mut colours = HashSet::new();
    let mut ink = 0usize;
    for p in pixels {
        colours.insert((p[0], p[1], p[2]));
        if p[..3].iter().any(|&c| c < 235) {
            ink += 1;
        }
    }
    (ink as f64 / n as f64, colours.len())
}

/// Chromium's command: `$RUNFORM_CHROMIUM`, else the first of the usual names found.
/// `None`, with a printed skip notice, when there is none (a failure under `CI=true`).
#[allow(dead_code)]
pub fn chromium() -> Option<String> {
    if let Some(c) = std::env::var_os("RUNFORM_CHROMIUM") {
        return Some(c.to_string_lossy().into_owned());
    }
    let found = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status()
                .is_ok_and(|s| s.success())
        })
        .map(String::from);
    if found.is_none() {
        let ci = std::env::var("CI").is_ok_and(|v| v == "true" || v == "1");
        assert!(!ci, "chromium is needed in CI (.ci/run installs it)");
        eprintln!("SKIPPED: chromium not found (set RUNFORM_CHROMIUM or install chromium)");
    }
    found
}

/// Opens `page` in headless `browser` and takes a screenshot of `width`×`height` px
/// into `dir`; checks Chromium succeeded and logged no console message. Returns the
/// screenshot.
#[allow(dead_code)]
pub fn screenshot(browser: &str, page: &Path, dir: &Path, width: u32, height: u32) -> PathBuf {
    let shot = dir.join("page.png");
    let mut child = Command::new(browser)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--hide-scrollbars",
        ])
        .arg(format!("--window-size={width},{height}"))
        .arg(format!("--user-data-dir={}", dir.join("profile").display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let output = child.wait_with_output().unwrap();
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "chromium failed:\n{log}");
    let console: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(
        console.is_empty(),
        "console messages:\n{}",
        console.join("\n")
    );
    assert!(shot.is_file(), "no screenshot:\n{log}");
    shot
}
