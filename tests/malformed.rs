//! The malformed-input corpus of the new layouts (FIT, Parquet, zip archives, phone
//! logger CSVs, mapped CSVs): each file, written here, must end in exit code 2 and one
//! line on stderr that names the file and says what is wrong — never a panic, never a
//! change to the file. All cases run; failures are reported together, each under its
//! name. `MALFORMED_SHOW=1 cargo test --test malformed -- --nocapture` prints every
//! message.

mod common;

use common::fitfile::{FitWriter, Second, UINT8, activity};
use polars::prelude::*;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

struct Case {
    name: &'static str,
    /// File name to write (its extension may matter).
    file: &'static str,
    bytes: Vec<u8>,
    args: Vec<String>,
    /// A piece of the message.
    want: &'static str,
}

fn case(name: &'static str, file: &'static str, bytes: Vec<u8>, want: &'static str) -> Case {
    Case {
        name,
        file,
        bytes,
        args: Vec::new(),
        want,
    }
}

fn seconds(n: usize) -> Vec<Second> {
    (0..n)
        .map(|_| Second {
            cadence_spm: 170.0,
            contact_ms: Some(240.0),
            balance_left_pct: 50.0,
            vertical_oscillation_mm: 80.0,
            vertical_ratio_pct: 7.5,
            step_length_m: 1.1,
            speed_mps: 3.1,
            dev_ground_time_ms: None,
        })
        .collect()
}

fn zip_of(files: &[(&str, &[u8])], method: ::zip::CompressionMethod) -> Vec<u8> {
    let mut z = ::zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let o = ::zip::write::SimpleFileOptions::default().compression_method(method);
    for (name, bytes) in files {
        z.start_file(*name, o).unwrap();
        z.write_all(bytes).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn deflated(files: &[(&str, &[u8])]) -> Vec<u8> {
    zip_of(files, ::zip::CompressionMethod::Deflated)
}

/// A Sensor Logger sensor CSV of `n` rows at 100 Hz, `f` giving (x, y, z).
fn sl_csv(n: usize, f: impl Fn(usize) -> (f64, f64, f64)) -> Vec<u8> {
    let mut s = String::from("time,seconds_elapsed,z,y,x\n");
    for i in 0..n {
        let (x, y, z) = f(i);
        s += &format!(
            "{},{},{z},{y},{x}\n",
            1_700_000_000_000_000_000i64 + i as i64 * 10_000_000,
            i as f64 / 100.0
        );
    }
    s.into_bytes()
}

fn running(i: usize) -> (f64, f64, f64) {
    let t = i as f64 / 100.0;
    (
        0.3,
        0.2,
        9.81 + 8.0 * (2.0 * std::f64::consts::PI * 2.8 * t).sin(),
    )
}

/// phyphox Raw Data.csv text with `header` and `n` rows of `row(i)`.
fn phyphox(header: &str, n: usize, row: impl Fn(usize) -> String) -> Vec<u8> {
    let mut s = format!("{header}\n");
    for i in 0..n {
        s += &row(i);
        s.push('\n');
    }
    s.into_bytes()
}

const PHYPHOX_HEAD: &str =
    "\"Time (s)\",\"Acceleration x (m/s^2)\",\"Acceleration y (m/s^2)\",\"Acceleration z (m/s^2)\"";

fn phyphox_row(i: usize) -> String {
    let (x, y, z) = running(i);
    format!("{:.3},{x},{y},{z}", i as f64 / 100.0)
}

fn parquet_of(columns: Vec<Column>) -> Vec<u8> {
    let n = columns[0].len();
    let mut df = DataFrame::new(n, columns).unwrap();
    let mut out = Vec::new();
    ParquetWriter::new(&mut out).finish(&mut df).unwrap();
    out
}

fn good_parquet() -> Vec<u8> {
    let n = 1000;
    let t: Vec<f64> = (0..n).map(|i| i as f64 / 100.0).collect();
    let z: Vec<f64> = (0..n).map(|i| running(i).2).collect();
    parquet_of(vec![
        Column::new("time".into(), t),
        Column::new("pelvis_acc_x".into(), vec![0.3; n]),
        Column::new("pelvis_acc_y".into(), vec![0.2; n]),
        Column::new("pelvis_acc_z".into(), z),
    ])
}

fn garbage(n: usize, mut x: u64) -> Vec<u8> {
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

fn mapped(header: &str, n: usize, row: impl Fn(usize) -> String) -> Vec<u8> {
    phyphox(header, n, row)
}

fn with_map(mut c: Case, map: &str) -> Case {
    c.args = vec!["--map".into(), map.into()];
    c
}

const MAP: &str = "stamp=time,time_unit=ms,ax=pelvis_acc_x,ay=pelvis_acc_y,az=pelvis_acc_z";

fn cases() -> Vec<Case> {
    let fit = activity(&seconds(60));
    let n = fit.len();
    let sl_good = sl_csv(1000, running);
    let mut v = vec![
        // FIT
        case(
            "fit_bad_data_crc",
            "a.fit",
            {
                let mut b = fit.clone();
                b[n - 30] ^= 0x5A;
                b
            },
            "CRC",
        ),
        case(
            "fit_bad_header_crc",
            "a.fit",
            {
                let mut b = fit.clone();
                b[12] ^= 0xFF;
                b
            },
            "CRC",
        ),
        case(
            "fit_truncated",
            "a.fit",
            fit[..n * 2 / 3].to_vec(),
            "truncated",
        ),
        case("fit_header_only", "a.fit", fit[..14].to_vec(), "declares"),
        case(
            "fit_claims_10_gb",
            "a.fit",
            {
                let mut b = fit.clone();
                b[4..8].copy_from_slice(&2_500_000_000u32.to_le_bytes());
                b
            },
            "declares 2500000000 bytes",
        ),
        case(
            "fit_header_size_13",
            "a.fit",
            {
                let mut b = fit.clone();
                b[0] = 13;
                b
            },
            "header size 13",
        ),
        case(
            "fit_extension_but_text",
            "a.fit",
            b"these are notes about a run, not the watch file\n".to_vec(),
            "signature",
        ),
        case("fit_empty", "a.fit", Vec::new(), "empty"),
        case(
            "fit_no_records",
            "a.fit",
            {
                let mut w = FitWriter::default();
                w.define(0, 0, &[(0, 1, UINT8)], &[]);
                w.data(0, &[4]);
                w.finish()
            },
            "no 'record' messages",
        ),
        case(
            "fit_garbage_messages",
            "a.fit",
            {
                let mut b = fit.clone();
                let g = garbage(n - 16, 7);
                b[14..n - 2].copy_from_slice(&g);
                b
            },
            "not a readable FIT file",
        ),
        // zip archives
        case(
            "zip_truncated",
            "a.zip",
            {
                let z = deflated(&[("TotalAcceleration.csv", &sl_good)]);
                z[..z.len() / 2].to_vec()
            },
            "not a readable zip archive",
        ),
        case(
            "zip_magic_then_garbage",
            "a.zip",
            {
                let mut b = b"PK\x03\x04".to_vec();
                b.extend(garbage(3000, 11));
                b
            },
            "not a readable zip archive",
        ),
        case(
            "zip_empty_archive",
            "a.zip",
            deflated(&[]),
            "no TotalAcceleration.csv",
        ),
        case(
            "zip_entry_claims_10_gb",
            "a.zip",
            {
                let mut z = zip_of(
                    &[("TotalAcceleration.csv", &sl_good)],
                    ::zip::CompressionMethod::Stored,
                );
                // the central directory's uncompressed size (offset 24 in its record)
                let cd = z.windows(4).position(|w| w == b"PK\x01\x02").unwrap();
                z[cd + 24..cd + 28].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
                z
            },
            "TotalAcceleration.csv",
        ),
        case(
            "sensor_logger_gravity_removed_only",
            "a.zip",
            deflated(&[(
                "Accelerometer.csv",
                &sl_csv(1000, |i| (0.1, 0.1, running(i).2 - 9.81)),
            )]),
            "gravity removed",
        ),
        case(
            "sensor_logger_no_x_column",
            "a.zip",
            deflated(&[(
                "TotalAcceleration.csv",
                b"time,seconds_elapsed,z,y\n1,0,9.8,0\n2,0.01,9.8,0\n" as &[u8],
            )]),
            "no 'x' column",
        ),
        case(
            "sensor_logger_bad_number",
            "a.zip",
            deflated(&[("TotalAcceleration.csv", &{
                let mut b = sl_good.clone();
                let at = b.len() / 2;
                let nl = at + b[at..].iter().position(|&c| c == b'\n').unwrap();
                b.splice(nl..nl, b"oops".iter().copied());
                b
            })]),
            "is not a number",
        ),
        case(
            "sensor_logger_time_backwards",
            "a.zip",
            deflated(&[(
                "TotalAcceleration.csv",
                &sl_csv(1000, running)
                    .split(|&c| c == b'\n')
                    .enumerate()
                    .map(|(i, l)| {
                        let mut l = l.to_vec();
                        if i == 500 {
                            let s = String::from_utf8(l).unwrap();
                            let mut f: Vec<&str> = s.split(',').collect();
                            f[1] = "1.0";
                            l = f.join(",").into_bytes();
                        }
                        l.push(b'\n');
                        l
                    })
                    .collect::<Vec<_>>()
                    .concat(),
            )]),
            "does not increase",
        ),
        case(
            "sensor_logger_utf16_entry",
            "a.zip",
            deflated(&[(
                "TotalAcceleration.csv",
                &[
                    b"\xFF\xFE" as &[u8],
                    &"time"
                        .encode_utf16()
                        .flat_map(|u| u.to_le_bytes())
                        .collect::<Vec<u8>>(),
                ]
                .concat(),
            )]),
            "UTF-16",
        ),
        case(
            "sensor_logger_single_csv",
            "Accelerometer.csv",
            sl_good.clone(),
            "single Sensor Logger CSV",
        ),
        case(
            "phyphox_linear_only",
            "export.zip",
            deflated(&[(
                "Raw Data.csv",
                &phyphox(
                    "\"Time (s)\",\"Linear Acceleration x (m/s^2)\",\"Linear Acceleration y (m/s^2)\",\"Linear Acceleration z (m/s^2)\"",
                    100,
                    |i| format!("{},0,0,0.1", i as f64 / 100.0),
                ),
            )]),
            "linear acceleration",
        ),
        // phone CSVs and text
        case(
            "phyphox_header_only",
            "Raw Data.csv",
            phyphox(PHYPHOX_HEAD, 0, phyphox_row),
            "no samples",
        ),
        case(
            "phyphox_mixed_units",
            "Raw Data.csv",
            phyphox(
                "\"Time (s)\",\"Acceleration x (g)\",\"Acceleration y (m/s^2)\",\"Acceleration z (m/s^2)\"",
                1000,
                phyphox_row,
            ),
            "mixed units",
        ),
        case(
            "phyphox_short_row",
            "Raw Data.csv",
            phyphox(PHYPHOX_HEAD, 1000, |i| {
                if i == 400 {
                    "4.0,1.0".into()
                } else {
                    phyphox_row(i)
                }
            }),
            "fields where the header has",
        ),
        case(
            "phyphox_decimal_comma_in_comma_file",
            "Raw Data.csv",
            phyphox(PHYPHOX_HEAD, 1000, |i| {
                if i == 10 {
                    "0.1,\"0,3\",0.2,9.8".into()
                } else {
                    phyphox_row(i)
                }
            }),
            "decimal mark",
        ),
        case(
            "phyphox_time_backwards",
            "Raw Data.csv",
            phyphox(PHYPHOX_HEAD, 1000, |i| {
                let (x, y, z) = running(i);
                let t = if i == 700 { 1.0 } else { i as f64 / 100.0 };
                format!("{t},{x},{y},{z}")
            }),
            "does not increase",
        ),
        case("binary_garbage", "a.dat", garbage(5000, 3), ""),
        case(
            "utf16_text",
            "a.csv",
            [
                b"\xFF\xFE" as &[u8],
                &"Time (s),x\n"
                    .encode_utf16()
                    .flat_map(|u| u.to_le_bytes())
                    .collect::<Vec<u8>>(),
            ]
            .concat(),
            "",
        ),
        // Parquet
        case(
            "parquet_truncated",
            "a.parquet",
            {
                let p = good_parquet();
                p[..p.len() / 2].to_vec()
            },
            "footer",
        ),
        case(
            "parquet_garbage_between_magics",
            "a.parquet",
            {
                let mut b = b"PAR1".to_vec();
                b.extend(garbage(2000, 5));
                b.extend(b"PAR1");
                b
            },
            "not a readable Parquet file",
        ),
        case(
            "parquet_first_column_not_time",
            "a.parquet",
            parquet_of(vec![
                Column::new("t".into(), vec![0.0, 0.01]),
                Column::new("pelvis_acc_x".into(), vec![1.0, 1.0]),
            ]),
            "expected 'time'",
        ),
        case(
            "parquet_unknown_column",
            "a.parquet",
            parquet_of(vec![
                Column::new("time".into(), vec![0.0, 0.01]),
                Column::new("knee_acc_x".into(), vec![1.0, 1.0]),
            ]),
            "unknown column",
        ),
        case(
            "parquet_null_cell",
            "a.parquet",
            parquet_of(vec![
                Column::new("time".into(), vec![Some(0.0), Some(0.01), Some(0.02)]),
                Column::new("pelvis_acc_x".into(), vec![Some(1.0), None, Some(1.0)]),
            ]),
            "null in row 2",
        ),
        case(
            "parquet_text_column",
            "a.parquet",
            parquet_of(vec![
                Column::new("time".into(), vec![0.0, 0.01]),
                Column::new("pelvis_acc_x".into(), vec!["a", "b"]),
            ]),
            "is not numeric",
        ),
    ];
    v.push(case(
        "fit_field_size_not_whole_base_type",
        "a.fit",
        {
            let mut w = FitWriter::default();
            // a uint32 timestamp declared 3 bytes long
            w.define(0, 20, &[(253, 3, 0x86)], &[]);
            w.data(0, &[1, 2, 3]);
            w.finish()
        },
        "not a whole number of its base type",
    ));
    // mapped CSVs
    let row = |i: usize| {
        let (x, y, z) = running(i);
        format!("{},{x},{y},{z}", i * 10)
    };
    v.push(with_map(
        case(
            "map_column_missing",
            "m.csv",
            mapped("stamp,ax,ay,AZ", 1000, row),
            "no column 'az'",
        ),
        MAP,
    ));
    v.push(with_map(
        case(
            "map_bad_iso_time",
            "m.csv",
            mapped("stamp,ax,ay,az", 1000, |i| {
                let (x, y, z) = running(i);
                format!("2024-05-01 7:30:{},{x},{y},{z}", i / 100)
            }),
            "ISO 8601",
        ),
        &MAP.replace("ms", "iso"),
    ));
    v.push(with_map(
        case(
            "map_ns_time_backwards",
            "m.csv",
            mapped("stamp,ax,ay,az", 1000, |i| {
                let (x, y, z) = running(i);
                let t = if i == 600 {
                    5u64
                } else {
                    10_000_000 * i as u64
                };
                format!("{},{x},{y},{z}", 1_700_000_000_000_000_000u64 + t)
            }),
            "does not increase",
        ),
        &MAP.replace("ms", "ns"),
    ));
    v.push(with_map(
        case(
            "map_text_in_cell",
            "m.csv",
            mapped("stamp,ax,ay,az", 1000, |i| {
                if i == 3 { "30,x,0,0".into() } else { row(i) }
            }),
            "'x' is not a number",
        ),
        MAP,
    ));
    v.push(with_map(
        case(
            "map_time_in_seconds_declared_ms",
            "m.csv",
            mapped("stamp,ax,ay,az", 1000, |i| {
                let (x, y, z) = running(i);
                format!("{},{x},{y},{z}", i as f64 / 100.0)
            }),
            "Hz",
        ),
        MAP,
    ));
    v
}

fn check(c: &Case, dir: &Path) -> Vec<String> {
    let path = dir.join(c.name).join(c.file);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, &c.bytes).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_runform"))
        .arg("analyze")
        .arg(&path)
        .args(&c.args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    if std::env::var_os("MALFORMED_SHOW").is_some() {
        eprintln!(
            "[{}] exit {:?}: {}",
            c.name,
            out.status.code(),
            err.trim_end()
        );
    }
    let mut problems = Vec::new();
    if out.status.code() != Some(2) {
        problems.push(format!("exit {:?}, expected 2", out.status.code()));
    }
    if err.lines().count() != 1 || !err.starts_with("runform: ") {
        problems.push("stderr is not one 'runform: ' line".into());
    }
    if !err.contains(&path.display().to_string()) {
        problems.push("stderr does not name the file".into());
    }
    if !err.contains(c.want) {
        problems.push(format!("stderr lacks {:?}", c.want));
    }
    if std::fs::read(&path).unwrap() != c.bytes {
        problems.push("the input changed".into());
    }
    if !problems.is_empty() {
        problems.push(format!("stderr was: {}", err.trim_end()));
    }
    problems
}

#[test]
fn malformed_inputs_get_one_located_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(cases.len() >= 30, "only {} cases", cases.len());
    let mut names: Vec<&str> = cases.iter().map(|c| c.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), cases.len(), "case names must be unique");
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| {
            let p = check(c, dir.path());
            (!p.is_empty()).then(|| format!("[{}]\n    {}", c.name, p.join("\n    ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
