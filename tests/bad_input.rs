//! Bad input through the binary: every kind of broken file must end in one clear line on
//! stderr and exit code 2 — never a panic, never a silently wrong number, never a change
//! to the input file.
//!
//! Table-driven: each case is a name, the file (generated here from a valid 100 Hz pelvis
//! recording in g, then corrupted), extra arguments, and what must come out. All cases
//! run, and the failures are reported together, each under its case name. To read every
//! message: `BAD_INPUT_SHOW=1 cargo test --test bad_input -- --nocapture`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const HEADER: &str = "time,pelvis_acc_x,pelvis_acc_y,pelvis_acc_z";

/// A valid pelvis accelerometer row in g: vertical `1 + 0.8 sin(2π·2.8·t)`, small
/// constant x and y.
fn row(t_s: f64) -> String {
    let z = 1.0 + 0.8 * (2.0 * std::f64::consts::PI * 2.8 * t_s).sin();
    format!("{},0.10,0.05,{z:.4}", time(t_s))
}

/// Time with as few decimals as it needs (`0.5`, `0.01`, `3e-6` written out).
fn time(t_s: f64) -> String {
    let s = format!("{t_s:.7}");
    let s = s.trim_end_matches('0');
    s.strip_suffix('.').unwrap_or(s).to_string()
}

/// File lines (index 0 = line 1 = header) of `n` rows at `rate_hz`.
fn lines_at(n: usize, rate_hz: f64) -> Vec<String> {
    std::iter::once(HEADER.to_string())
        .chain((0..n).map(|i| row(i as f64 / rate_hz)))
        .collect()
}

/// 1000 rows (10 s) at 100 Hz.
fn lines() -> Vec<String> {
    lines_at(1000, 100.0)
}

fn join(lines: &[String]) -> Vec<u8> {
    let mut s = lines.join("\n");
    s.push('\n');
    s.into_bytes()
}

/// The good file with `edit` applied to its lines.
fn with(edit: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
    let mut l = lines();
    edit(&mut l);
    join(&l)
}

/// The good file with cell `column` (0 = time) of file line `line` (1-based) replaced.
fn cell(line: usize, column: usize, value: &str) -> Vec<u8> {
    with(|l| {
        let mut cells: Vec<String> = l[line - 1].split(',').map(String::from).collect();
        cells[column] = value.to_string();
        l[line - 1] = cells.join(",");
    })
}

/// Rows with their own time and signal, same header.
fn rows(n: usize, f: impl Fn(usize) -> String) -> Vec<u8> {
    let mut l = vec![HEADER.to_string()];
    l.extend((0..n).map(f));
    join(&l)
}

/// Seeded bytes (xorshift), with NULs in them.
fn garbage(n: usize) -> Vec<u8> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut out: Vec<u8> = (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect();
    out[0] = b'x'; // no byte-order mark by chance
    for i in (5..n).step_by(97) {
        out[i] = 0;
    }
    out
}

fn utf16le_with_bom(text: &[u8]) -> Vec<u8> {
    let text = std::str::from_utf8(text).unwrap();
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// What the case puts at the path given to `runform analyze`.
enum Input {
    File(Vec<u8>),
    /// Nothing: the path does not exist.
    Missing,
    /// A directory.
    Directory,
}

/// What must come out.
enum Expect {
    /// Exit 2, stderr exactly one line `runform: <path>…` containing each text.
    Rejected(&'static [&'static str]),
    /// A command-line usage error (clap): exit 2, stderr containing each text.
    Usage(&'static [&'static str]),
    /// Exit 0 with `--format json`; the report's `warnings` have each code.
    Accepted(&'static [&'static str]),
}

struct Case {
    name: &'static str,
    input: Input,
    args: &'static [&'static str],
    expect: Expect,
}

fn case(name: &'static str, bytes: Vec<u8>, args: &'static [&'static str], expect: Expect) -> Case {
    Case {
        name,
        input: Input::File(bytes),
        args,
        expect,
    }
}

// Generators for the cases that need more than one edit.

/// Keeps columns `keep` of every line.
fn only_columns(keep: &[usize]) -> Vec<u8> {
    with(|l| {
        for s in l.iter_mut() {
            let c: Vec<&str> = s.split(',').collect();
            *s = keep.iter().map(|&k| c[k]).collect::<Vec<_>>().join(",");
        }
    })
}

/// Appends `header` to the header line and `value` to every row.
fn extra_columns(header: &str, value: &str) -> Vec<u8> {
    with(|l| {
        l[0].push_str(header);
        l.iter_mut().skip(1).for_each(|s| s.push_str(value));
    })
}

/// Every byte `from` of the good file turned into `to`.
fn separators(map: &[(u8, u8)]) -> Vec<u8> {
    join(&lines())
        .into_iter()
        .map(|b| map.iter().find(|m| m.0 == b).map_or(b, |m| m.1))
        .collect()
}

/// Times jittered by ±1 ms, and three samples written twice.
fn jitter_and_few_duplicates() -> Vec<u8> {
    with(|l| {
        for (i, s) in l.iter_mut().enumerate().skip(1) {
            *s = row((i - 1) as f64 / 100.0 + [0.0, 0.001, -0.001][i % 3]);
        }
        for at in [300, 600, 900] {
            let d = l[at].clone();
            l.insert(at + 1, d);
        }
    })
}

/// Every second row repeats the time of the row before (line 3 repeats line 2).
fn many_duplicate_times() -> Vec<u8> {
    with(|l| {
        for i in (2..l.len()).step_by(2) {
            let t = l[i - 1].split(',').next().unwrap().to_string();
            let rest = l[i].split_once(',').unwrap().1.to_string();
            l[i] = format!("{t},{rest}");
        }
    })
}

/// From line 402 on, times are 3 s later.
fn gap_of_seconds() -> Vec<u8> {
    with(|l| {
        for (i, s) in l.iter_mut().enumerate().skip(401) {
            *s = row((i - 1) as f64 / 100.0 + 3.0);
        }
    })
}

/// A blank line after line 20, then time going back on what is line 102 of the file.
fn blank_line_then_backwards() -> Vec<u8> {
    with(|l| {
        l[100] = row(0.5);
        l.insert(20, String::new());
    })
}

/// Line 52 loses its last field.
fn too_few_fields() -> Vec<u8> {
    with(|l| l[51] = l[51].rsplit_once(',').unwrap().0.to_string())
}

/// Byte 0xFF inside the x cell of line 52.
fn invalid_utf8_in_data() -> Vec<u8> {
    let mut b = cell(52, 1, "0.1X");
    let at = b.iter().position(|&c| c == b'X').unwrap();
    b[at] = 0xFF;
    b
}

/// A NUL byte inside line 3500, beyond the first 64 KiB that are checked for binary data.
fn nul_byte_late() -> Vec<u8> {
    let mut l = lines_at(4000, 100.0);
    l[3499] = l[3499].replacen("0.10", "0.1\0", 1);
    join(&l)
}

/// Time written in milliseconds.
fn time_in_milliseconds() -> Vec<u8> {
    rows(1000, |i| {
        let r = row(i as f64 / 100.0);
        format!("{}{}", i * 10, &r[r.find(',').unwrap()..])
    })
}

/// Vertical acceleration around 4: neither g nor m/s².
fn mean_magnitude_four() -> Vec<u8> {
    rows(1000, |i| {
        let r = row(i as f64 / 100.0);
        let (head, z) = r.rsplit_once(',').unwrap();
        format!("{head},{:.4}", z.parse::<f64>().unwrap() + 3.0)
    })
}

/// The accelerometer reads the same on every row.
fn stuck_accelerometer() -> Vec<u8> {
    rows(1000, |i| format!("{},0.0,0.0,1.0", time(i as f64 / 100.0)))
}

// gaitmap's layout: two header lines, an index column, acc in m/s², gyr in deg/s.

const GAITMAP_HEADER: [&str; 2] = [
    "sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor,left_sensor,right_sensor,right_sensor,right_sensor,right_sensor,right_sensor,right_sensor",
    "axis,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
];

/// A valid gaitmap row for sample `i` at 204.8 Hz: each foot with gravity plus a 2.8 Hz
/// wobble on z and a 1.4 Hz swing of ±300 deg/s on y, the feet in antiphase.
fn gaitmap_row(i: usize) -> String {
    let t = i as f64 / 204.8;
    let foot = |phase: f64| {
        let z = 9.81 + 6.0 * (2.0 * std::f64::consts::PI * 2.8 * t + phase).sin();
        let w = 300.0 * (2.0 * std::f64::consts::PI * 1.4 * t + phase).sin();
        format!("0.50,0.20,{z:.4},5.0,{w:.4},-3.0")
    };
    format!("{i},{},{}", foot(0.0), foot(std::f64::consts::PI))
}

/// File lines (index 0 = line 1) of 1000 gaitmap rows (4.9 s at 204.8 Hz).
fn gaitmap_lines() -> Vec<String> {
    GAITMAP_HEADER
        .iter()
        .map(|s| s.to_string())
        .chain((0..1000).map(gaitmap_row))
        .collect()
}

/// The good gaitmap file with `edit` applied to its lines.
fn gaitmap_with(edit: impl FnOnce(&mut Vec<String>)) -> Vec<u8> {
    let mut l = gaitmap_lines();
    edit(&mut l);
    join(&l)
}

/// The good gaitmap file with cell `column` (0 = index) of file line `line` replaced.
fn gaitmap_cell(line: usize, column: usize, value: &str) -> Vec<u8> {
    gaitmap_with(|l| {
        let mut cells: Vec<String> = l[line - 1].split(',').map(String::from).collect();
        cells[column] = value.to_string();
        l[line - 1] = cells.join(",");
    })
}

#[rustfmt::skip]
fn cases() -> Vec<Case> {
    use Expect::{Accepted, Rejected, Usage};
    let good = join(&lines());
    let header = |h: &str| with(|l| l[0] = h.to_string());
    vec![
        // Controls: these must be accepted.
        case("good_file", good.clone(), &[], Accepted(&["acc_unit_detected"])),
        case("good_file_crlf", lines().join("\r\n").into_bytes(), &[], Accepted(&[])),
        case("good_file_utf8_bom", [b"\xEF\xBB\xBF".as_slice(), &good].concat(), &[], Accepted(&[])),
        case("missing_axis_body_frame", only_columns(&[0, 1, 3]), &["--frame", "body"], Accepted(&[])),
        case("cells_padded_with_spaces", cell(52, 1, " 0.10 "), &[], Accepted(&[])),
        case("number_spellings", with(|l| l[52] = l[52].replacen("0.10,0.05", "+.1,5e-2", 1)), &[], Accepted(&[])),
        case("blank_lines_between_rows", with(|l| { l.insert(500, String::new()); l.insert(20, " ".into()); l.push(String::new()); }), &[], Accepted(&[])),
        case("shortest_accepted", join(&lines_at(201, 100.0)), &[], Accepted(&[])),
        case("lowest_rate_accepted", join(&lines_at(200, 20.0)), &[], Accepted(&["low_rate"])),
        case("highest_rate_accepted", join(&lines_at(20_001, 10_000.0)), &[], Accepted(&[])),
        case("few_duplicate_times_and_jitter", jitter_and_few_duplicates(), &[], Accepted(&["duplicate_time", "resampled"])),
        // Whole-file problems.
        case("empty_file", Vec::new(), &[], Rejected(&["the file is empty"])),
        case("whitespace_only", b" \n\t\n   \r\n\n".to_vec(), &[], Rejected(&["the file is empty"])),
        case("header_only", format!("{HEADER}\n").into_bytes(), &[], Rejected(&["no samples after the header"])),
        case("one_data_row", join(&lines()[..2]), &[], Rejected(&["only 1 data row", "at least 2"])),
        case("utf16_with_bom", utf16le_with_bom(&good), &[], Rejected(&["UTF-16", "UTF-8"])),
        case("binary_garbage", garbage(4096), &[], Rejected(&["binary data"])),
        case("semicolon_separator_decimal_comma", separators(&[(b',', b';'), (b'.', b',')]), &[], Rejected(&["line 1", "semicolons", "expected commas"])),
        case("tab_separator", separators(&[(b',', b'\t')]), &[], Rejected(&["line 1", "tabs", "expected commas"])),
        // Header problems.
        case("no_time_column", header("pelvis_acc_x,time,pelvis_acc_y,pelvis_acc_z"), &[], Rejected(&["line 1", "first column is 'pelvis_acc_x'", "expected 'time'"])),
        case("unknown_column", header("time,knee_acc_x,pelvis_acc_y,pelvis_acc_z"), &[], Rejected(&["line 1", "column 'knee_acc_x'", "unknown column", "pelvis"])),
        case("duplicate_column", extra_columns(",pelvis_acc_x", ",0.10"), &[], Rejected(&["line 1", "column 'pelvis_acc_x'", "appears twice"])),
        case("empty_column_name", extra_columns(",", ","), &[], Rejected(&["line 1", "column 5 of the header has no name", "trailing comma"])),
        case("missing_axis_sensor_frame", only_columns(&[0, 1, 3]), &[], Rejected(&["line 1", "pelvis_acc has no y axis", "--frame body"])),
        case("gyroscope_without_accelerometer", extra_columns(",left_foot_gyr_x,left_foot_gyr_y,left_foot_gyr_z", ",1.0,2.0,3.0"), &[], Rejected(&["line 1", "left_foot has a gyroscope", "left_foot_acc_x"])),
        // Cells.
        case("not_a_number", cell(52, 1, "abc"), &[], Rejected(&["line 52", "column 'pelvis_acc_x'", "'abc' is not a number"])),
        case("quoted_decimal_comma", cell(52, 3, "\"1,02\""), &[], Rejected(&["line 52", "column 'pelvis_acc_z'", "'1,02' is not a number"])),
        case("empty_cell", cell(52, 2, ""), &[], Rejected(&["line 52", "column 'pelvis_acc_y'", "empty cell"])),
        case("nan_cell", cell(300, 3, "NaN"), &[], Rejected(&["line 300", "column 'pelvis_acc_z'", "NaN where a finite number is expected"])),
        case("inf_cell", cell(300, 3, "inf"), &[], Rejected(&["line 300", "column 'pelvis_acc_z'", "infinity where a finite number is expected"])),
        case("overflowing_number", cell(300, 3, "1e400"), &[], Rejected(&["line 300", "column 'pelvis_acc_z'", "finite number"])),
        case("nan_time", cell(300, 0, "nan"), &[], Rejected(&["line 300", "column 'time'", "NaN"])),
        case("beyond_sensor_range", cell(300, 3, "1e39"), &[], Rejected(&["line 300", "column 'pelvis_acc_z'", "beyond ±3.4e38 where a finite number is expected"])),
        case("beyond_sensor_range_padded", cell(300, 2, " -4e38"), &[], Rejected(&["line 300", "column 'pelvis_acc_y'", "beyond ±3.4e38"])),
        case("too_many_fields", with(|l| l[51].push_str(",0.3")), &[], Rejected(&["line 52", "5 fields (expected 4"])),
        case("too_few_fields", too_few_fields(), &[], Rejected(&["line 52", "3 fields (expected 4"])),
        case("nul_byte_after_64_kib", nul_byte_late(), &[], Rejected(&["line 3500", "column 'pelvis_acc_x'", "'0.1\\u{0}' is not a number"])),
        case("escape_sequence_in_header", header("time,pelvis_acc_x\u{1b}[2J,pelvis_acc_y,pelvis_acc_z"), &[], Rejected(&["line 1", "column 'pelvis_acc_x\\u{1b}[2J'", "unknown column"])),
        case("invalid_utf8_in_data", invalid_utf8_in_data(), &[], Rejected(&["line 52", "column 'pelvis_acc_x'", "invalid UTF-8"])),
        // Time.
        case("time_backwards", cell(102, 0, "0.5"), &[], Rejected(&["line 102", "column 'time'", "does not increase"])),
        case("time_backwards_after_blank_line", blank_line_then_backwards(), &[], Rejected(&["line 102", "column 'time'", "does not increase"])),
        case("many_duplicate_times", many_duplicate_times(), &[], Rejected(&["line 3", "column 'time'", "500 of 1000 rows repeat"])),
        case("gap_of_seconds", gap_of_seconds(), &[], Rejected(&["line 402", "column 'time'", "gap of 3.010 s"])),
        case("rate_too_low", join(&lines_at(60, 5.0)), &[], Rejected(&["column 'time'", "sampling rate 5.00 Hz", "20–10000 Hz"])),
        case("rate_absurdly_high", join(&lines_at(3000, 1e6)), &[], Rejected(&["column 'time'", "Hz is outside 20–10000 Hz"])),
        case("time_in_milliseconds", time_in_milliseconds(), &[], Rejected(&["column 'time'", "0.1000 Hz", "milliseconds"])),
        case("too_short", join(&lines_at(150, 100.0)), &[], Rejected(&["only 1.49 s of data", "at least 2 s"])),
        // Signals.
        case("stuck_accelerometer", stuck_accelerometer(), &[], Rejected(&["pelvis_acc_x/y/z are constant (0, 0, 1)"])),
        case("all_zero_accelerometer", rows(1000, |i| format!("{},0,0,0", time(i as f64 / 100.0))), &[], Rejected(&["pelvis_acc_x/y/z are constant (0, 0, 0)"])),
        case("ambiguous_acc_unit", mean_magnitude_four(), &[], Rejected(&["cannot tell the accelerometer unit", "--acc-unit"])),
        // gaitmap's layout.
        case("gaitmap_good", gaitmap_with(|_| {}), &[], Accepted(&["rate_assumed"])),
        case("gaitmap_good_named_index", gaitmap_with(|l| l.insert(2, format!("sample{}", ",".repeat(12)))), &["--rate-hz", "204.8"], Accepted(&[])),
        case("gaitmap_header_one_line", gaitmap_with(|l| { l.remove(1); }), &[], Rejected(&["line 2", "expected a second header line starting with 'axis'", "found '0'"])),
        case("gaitmap_unknown_sensor", gaitmap_with(|l| l[0] = l[0].replace("right_sensor", "knee_sensor")), &[], Rejected(&["line 1", "column 'knee_sensor'", "unknown sensor", "left_sensor or right_sensor"])),
        case("gaitmap_body_frame_axes", gaitmap_with(|l| l[1] = l[1].replace("acc_x", "acc_pa")), &[], Rejected(&["line 2", "column 'left_sensor/acc_pa'", "body-frame", "acc_x"])),
        case("gaitmap_missing_axis", gaitmap_with(|l| { for s in l.iter_mut() { *s = s.rsplit_once(',').unwrap().0.to_string(); } }), &[], Rejected(&["line 2", "right_sensor has no gyr_z column"])),
        case("gaitmap_not_a_number", gaitmap_cell(52, 2, "abc"), &[], Rejected(&["line 52", "column 'left_sensor/acc_y'", "'abc' is not a number"])),
        case("gaitmap_nan_cell", gaitmap_cell(300, 11, "nan"), &[], Rejected(&["line 300", "column 'right_sensor/gyr_y'", "NaN where a finite number is expected"])),
        case("gaitmap_beyond_sensor_range", gaitmap_cell(300, 11, "5e38"), &[], Rejected(&["line 300", "column 'right_sensor/gyr_y'", "beyond ±3.4e38"])),
        case("gaitmap_index_in_milliseconds", gaitmap_with(|l| { for (i, s) in l.iter_mut().skip(2).enumerate() { let rest = s.split_once(',').unwrap().1.to_string(); *s = format!("{},{rest}", i * 5); } }), &[], Rejected(&["line 3", "column 'index'", "steps by 5"])),
        case("gaitmap_forced_on_canonical_file", good.clone(), &["--input-format", "gaitmap"], Rejected(&["line 1", "first column is 'time'", "expected 'sensor'"])),
        case("canonical_forced_on_gaitmap_file", gaitmap_with(|_| {}), &["--input-format", "canonical"], Rejected(&["line 1", "first column is 'sensor'", "expected 'time'"])),
        case("unknown_first_line_names_both_layouts", header("timestamp,pelvis_acc_x,pelvis_acc_y,pelvis_acc_z"), &[], Rejected(&["line 1", "'timestamp'", "runform's CSV", "gaitmap's CSV"])),
        case("declared_rate_disagrees_with_time", good.clone(), &["--rate-hz", "50"], Rejected(&["column 'time'", "100.000 Hz", "declared 50 Hz"])),
        case("rate_option_not_positive", gaitmap_with(|_| {}), &["--rate-hz", "0"], Usage(&["--rate-hz", "positive"])),
        // The path itself, and the options.
        Case { name: "nonexistent_file", input: Input::Missing, args: &[], expect: Rejected(&["no such file"]) },
        Case { name: "directory_not_file", input: Input::Directory, args: &[], expect: Rejected(&["a directory"]) },
        case("invalid_acc_unit_option", good, &["--acc-unit", "furlong"], Usage(&["furlong", "--acc-unit"])),
    ]
}

fn run(path: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_runform"))
        .arg("analyze")
        .arg(path)
        .args(args)
        .output()
        .expect("the runform binary runs")
}

fn listing(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

/// Runs one case; returns what went wrong.
fn check(case: &Case, dir: &Path) -> Vec<String> {
    let path = dir.join(format!("{}.csv", case.name));
    let before = match &case.input {
        Input::File(bytes) => {
            std::fs::write(&path, bytes).unwrap();
            Some(bytes.clone())
        }
        Input::Missing => None,
        Input::Directory => {
            std::fs::create_dir(&path).unwrap();
            None
        }
    };
    let files_before = listing(dir);
    let mut args = case.args.to_vec();
    if let Expect::Accepted(_) = case.expect {
        args.extend(["--format", "json"]);
    }
    let out = run(&path, &args);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(what);

    if stderr.contains("panicked") {
        fail("panicked".into());
    }
    if before.is_some_and(|bytes| std::fs::read(&path).ok() != Some(bytes)) {
        fail("the input file changed".into());
    }
    if listing(dir) != files_before {
        fail("files appeared or vanished beside the input".into());
    }
    let code = out.status.code();
    match case.expect {
        Expect::Rejected(texts) | Expect::Usage(texts) => {
            if code != Some(2) {
                fail(format!("exit code {code:?}, expected 2"));
            }
            if !stdout.is_empty() {
                fail(format!("stdout not empty: {stdout:?}"));
            }
            for t in texts {
                if !stderr.contains(t) {
                    fail(format!("stderr lacks {t:?}"));
                }
            }
        }
        Expect::Accepted(codes) => {
            if code != Some(0) {
                fail(format!("exit code {code:?}, expected 0"));
            }
            match serde_json::from_str::<serde_json::Value>(&stdout) {
                Err(e) => fail(format!("stdout is not JSON ({e})")),
                Ok(json) => {
                    let found: Vec<&str> = json["warnings"]
                        .as_array()
                        .map(|w| w.iter().filter_map(|w| w["code"].as_str()).collect())
                        .unwrap_or_default();
                    for c in codes {
                        if !found.contains(c) {
                            fail(format!("no {c:?} warning, warnings: {found:?}"));
                        }
                    }
                }
            }
        }
    }
    if let Expect::Rejected(_) = case.expect {
        if stderr.trim_end_matches('\n').chars().any(char::is_control) {
            fail("stderr has control characters".into());
        }
        let shown = path.display().to_string();
        if stderr.lines().count() != 1 || !stderr.ends_with('\n') {
            fail("stderr is not exactly one line".into());
        }
        if !stderr.starts_with("runform: ") {
            fail("stderr does not start with 'runform: '".into());
        }
        if !stderr.contains(&shown) {
            fail(format!("stderr does not name the file {shown}"));
        }
    }
    if !problems.is_empty() {
        problems.push(format!("stderr was: {}", stderr.trim_end()));
    }
    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        eprintln!("[{}] exit {code:?}\n{}", case.name, stderr.trim_end());
    }
    problems
}

#[test]
fn bad_input_gets_one_clear_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let rejected = cases
        .iter()
        .filter(|c| !matches!(c.expect, Expect::Accepted(_)))
        .count();
    assert!(rejected >= 20, "only {rejected} bad-input cases");

    let mut failures = Vec::new();
    for case in &cases {
        let problems = check(case, dir.path());
        if !problems.is_empty() {
            failures.push(format!("[{}]\n    {}", case.name, problems.join("\n    ")));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
