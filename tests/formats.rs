//! Every input layout on a small file written here from a simulated pelvis recording:
//! what comes back is the recording that went in (round trips), and the CLI analyses each
//! layout to the same cadence as the canonical file.

mod common;

use runform::io::{ColumnMap, ReadOptions, read_path, write_csv, write_parquet};
use runform::recording::STANDARD_GRAVITY_MPS2;
use runform::simulate::{SimConfig, simulate};
use runform::{Placement, Recording};
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::Path;
use std::process::Command;

/// 20 s of a simulated runner, one pelvis sensor (acc + gyr) at 100 Hz.
fn sim() -> Recording {
    let config = SimConfig {
        duration_s: 20.0,
        rate_hz: 100.0,
        placements: vec![Placement::Pelvis],
        seed: 8,
        ..SimConfig::default()
    };
    simulate(&config).unwrap().recording
}

/// A new folder for the files of `name`, removed when it is dropped.
fn dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("runform-{name}-"))
        .tempdir()
        .unwrap()
}

/// Sample by sample: same length, rate and values within `tol` (m/s², rad/s).
fn assert_same(got: &Recording, want: &Recording, tol: f64, what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: length");
    assert!(
        (got.rate_hz - want.rate_hz).abs() < 1e-6 * want.rate_hz,
        "{what}: rate {}",
        got.rate_hz
    );
    let (g, w) = (&got.streams[0], &want.streams[0]);
    assert_eq!(g.placement, w.placement, "{what}: placement");
    let mut worst = 0.0_f64;
    for i in 0..want.len() {
        worst = worst.max((g.acc_mps2.at(i) - w.acc_mps2.at(i)).amax());
        if let (Some(a), Some(b)) = (&g.gyr_radps, &w.gyr_radps) {
            worst = worst.max((a.at(i) - b.at(i)).amax());
        }
    }
    assert!(worst <= tol, "{what}: worst difference {worst}");
    assert_eq!(
        g.gyr_radps.is_some(),
        w.gyr_radps.is_some(),
        "{what}: gyroscope"
    );
}

#[test]
fn parquet_round_trip_is_exact() {
    let rec = sim();
    let mut bytes = Vec::new();
    write_parquet(&rec, &mut bytes).unwrap();
    let back = runform::io::read_parquet(&bytes, "mem.parquet", &ReadOptions::default()).unwrap();
    assert_same(&back, &rec, 0.0, "parquet");
    assert!((back.start_s - rec.start_s).abs() < 1e-12);
}

/// A Sensor Logger CSV: time in ns since the epoch, seconds_elapsed, then z, y, x.
fn sensor_logger_csv(rec: &Recording, k: f64, f: impl Fn(usize) -> [f64; 3]) -> String {
    let mut s = String::from("time,seconds_elapsed,z,y,x\n");
    for i in 0..rec.len() {
        let v = f(i);
        let ns = 1_700_000_000_000_000_000i64 + (i as i64) * 10_000_000;
        let _ = writeln!(
            s,
            "{ns},{},{:.9},{:.9},{:.9}",
            i as f64 / 100.0,
            v[2] * k,
            v[1] * k,
            v[0] * k
        );
    }
    s
}

fn zip_of(files: &[(&str, String)]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    for (name, text) in files {
        z.start_file(*name, zip::write::SimpleFileOptions::default())
            .unwrap();
        z.write_all(text.as_bytes()).unwrap();
    }
    z.finish().unwrap().into_inner()
}

fn axes(a: &runform::Axes3, i: usize) -> [f64; 3] {
    let v = a.at(i);
    [v.x, v.y, v.z]
}

/// An Android export: TotalAcceleration (m/s², gravity in), Gyroscope (rad/s).
fn android_files(rec: &Recording) -> Vec<(&'static str, String)> {
    let s = &rec.streams[0];
    let gyr = s.gyr_radps.as_ref().unwrap();
    vec![
        (
            "Metadata.csv",
            "version,device name,platform\n1.31,Pixel 7,android\n".into(),
        ),
        (
            "TotalAcceleration.csv",
            sensor_logger_csv(rec, 1.0, |i| axes(&s.acc_mps2, i)),
        ),
        (
            "Gyroscope.csv",
            sensor_logger_csv(rec, 1.0, |i| axes(gyr, i)),
        ),
        (
            "Orientation.csv",
            "time,seconds_elapsed,qz,qy,qx,qw\n".into(),
        ),
    ]
}

#[test]
fn sensor_logger_android_zip_and_folder_read_the_same() {
    let rec = sim();
    let files = android_files(&rec);
    let sl = dir("sl");
    let zip_path = sl.path().join("run.zip");
    std::fs::write(&zip_path, zip_of(&files)).unwrap();
    let from_zip = read_path(&zip_path, &ReadOptions::default()).unwrap();
    assert_same(&from_zip, &rec, 1e-5, "sensor logger zip");
    let folder_dir = dir("sl-folder");
    let folder = folder_dir.path();
    for (name, text) in &files {
        std::fs::write(folder.join(name), text).unwrap();
    }
    let from_folder = read_path(folder, &ReadOptions::default()).unwrap();
    assert_same(&from_folder, &rec, 1e-5, "sensor logger folder");
    let on_foot = read_path(
        &zip_path,
        &ReadOptions {
            placement: Some(Placement::LeftFoot),
            ..ReadOptions::default()
        },
    )
    .unwrap();
    assert_eq!(on_foot.streams[0].placement, Placement::LeftFoot);
}

#[test]
fn sensor_logger_ios_gravity_apart_in_g_with_the_sign_flipped() {
    let rec = sim();
    let s = &rec.streams[0];
    // gravity as the mean specific force: what the phone's sensor fusion would give
    let n = rec.len() as f64;
    let mean = |a: &Vec<f32>| a.iter().map(|&v| v as f64).sum::<f64>() / n;
    let g = [
        mean(&s.acc_mps2.x),
        mean(&s.acc_mps2.y),
        mean(&s.acc_mps2.z),
    ];
    let k = -1.0 / STANDARD_GRAVITY_MPS2;
    let files = vec![
        (
            "Metadata.csv",
            "version,device name,platform\n1.31,iPhone 15,ios\n".to_string(),
        ),
        (
            "Accelerometer.csv",
            sensor_logger_csv(&rec, k, |i| {
                let a = axes(&s.acc_mps2, i);
                [a[0] - g[0], a[1] - g[1], a[2] - g[2]]
            }),
        ),
        ("Gravity.csv", sensor_logger_csv(&rec, k, |_| g)),
        (
            "Gyroscope.csv",
            sensor_logger_csv(&rec, 1.0, |i| axes(s.gyr_radps.as_ref().unwrap(), i)),
        ),
    ];
    let ios = dir("sl-ios");
    let p = ios.path().join("run.zip");
    std::fs::write(&p, zip_of(&files)).unwrap();
    let back = read_path(&p, &ReadOptions::default()).unwrap();
    assert_same(&back, &rec, 1e-4, "sensor logger ios");
    assert!(back.warnings.iter().any(|w| w.code == "ios_sign"));
    assert!(back.warnings.iter().any(|w| w.code == "gravity_added"));
}

/// phyphox's Raw Data.csv with `sep` and decimal `mark`; gyroscope columns when `gyr`.
fn phyphox_csv(rec: &Recording, sep: &str, mark: char, gyr: bool) -> String {
    let s = &rec.streams[0];
    let q = |h: &str| format!("\"{h}\"");
    let mut head = vec![
        q("Time (s)"),
        q("Acceleration x (m/s^2)"),
        q("Acceleration y (m/s^2)"),
        q("Acceleration z (m/s^2)"),
        q("Absolute acceleration (m/s^2)"),
    ];
    if gyr {
        head.extend(["x", "y", "z"].map(|a| q(&format!("Gyroscope {a} (rad/s)"))));
    }
    let mut out = head.join(sep) + "\n";
    for i in 0..rec.len() {
        let a = axes(&s.acc_mps2, i);
        let mut cells = vec![format!("{:.9E}", i as f64 / 100.0)];
        cells.extend(a.iter().map(|v| format!("{v:.9E}")));
        cells.push(format!(
            "{:.9E}",
            (a[0] * a[0] + a[1] * a[1] + a[2] * a[2]).sqrt()
        ));
        if gyr {
            cells.extend(
                axes(s.gyr_radps.as_ref().unwrap(), i)
                    .iter()
                    .map(|v| format!("{v:.9E}")),
            );
        }
        out += &cells.join(sep).replace('.', &mark.to_string());
        out.push('\n');
    }
    out
}

#[test]
fn phyphox_any_separator_and_decimal_mark() {
    let rec = sim();
    let acc_only = Recording {
        streams: vec![runform::Stream {
            gyr_radps: None,
            ..rec.streams[0].clone()
        }],
        ..rec.clone()
    };
    for (sep, mark, name) in [
        (",", '.', "comma"),
        (";", ',', "semicolon"),
        ("\t", ',', "tab"),
    ] {
        let d = dir("phyphox");
        let p = d.path().join(format!("{name}.csv"));
        std::fs::write(&p, phyphox_csv(&rec, sep, mark, false)).unwrap();
        let back = read_path(&p, &ReadOptions::default()).unwrap();
        assert_same(&back, &acc_only, 1e-5, name);
    }
    let z = zip_of(&[
        ("Raw Data.csv", phyphox_csv(&rec, "\t", ',', true)),
        ("meta/device.csv", "\"property\"\t\"value\"\n".into()),
    ]);
    let d = dir("phyphox");
    let p = d.path().join("export.zip");
    std::fs::write(&p, z).unwrap();
    let back = read_path(&p, &ReadOptions::default()).unwrap();
    assert_same(&back, &rec, 1e-5, "phyphox zip");
}

fn mapped_csv(rec: &Recording, time: impl Fn(usize) -> String) -> String {
    let s = &rec.streams[0];
    let mut out = String::from("idx;stamp;AX;AY;AZ;temp\n");
    for i in 0..rec.len() {
        let a = axes(&s.acc_mps2, i);
        let _ = writeln!(
            out,
            "{i};{};{:.9};{:.9};{:.9};21.5",
            time(i),
            a[0] / STANDARD_GRAVITY_MPS2,
            a[1] / STANDARD_GRAVITY_MPS2,
            a[2] / STANDARD_GRAVITY_MPS2
        );
    }
    out
}

#[test]
fn mapped_csv_with_each_time_unit() {
    let rec = sim();
    let acc_only = Recording {
        streams: vec![runform::Stream {
            gyr_radps: None,
            ..rec.streams[0].clone()
        }],
        start_s: 0.0,
        ..rec.clone()
    };
    type Case = (&'static str, Box<dyn Fn(usize) -> String>);
    let cases: [Case; 4] = [
        (
            "ms",
            Box::new(|i| format!("{}", 1_700_000_000_000u64 + 10 * i as u64)),
        ),
        (
            "ns",
            Box::new(|i| format!("{}", 1_700_000_000_000_000_000u64 + 10_000_000 * i as u64)),
        ),
        ("s", Box::new(|i| format!("{:.2}", i as f64 / 100.0))),
        (
            "iso",
            Box::new(|i| format!("2024-05-01T07:30:{:02}.{:02}Z", i / 100, i % 100)),
        ),
    ];
    for (unit, time) in cases {
        let d = dir("mapped");
        let p = d.path().join(format!("{unit}.csv"));
        std::fs::write(&p, mapped_csv(&rec, time)).unwrap();
        let map = ColumnMap::parse(&format!(
            "stamp=time,time_unit={unit},AX=pelvis_acc_x,AY=pelvis_acc_y,AZ=pelvis_acc_z,acc_unit=g"
        ))
        .unwrap();
        let back = read_path(
            &p,
            &ReadOptions {
                map: Some(map),
                ..ReadOptions::default()
            },
        )
        .unwrap();
        assert_same(&back, &acc_only, 1e-5, unit);
        assert_eq!(back.start_s, 0.0);
    }
}

fn runform(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_runform"))
        .args(args)
        .output()
        .unwrap()
}

fn cadence(path: &Path, extra: &[&str]) -> f64 {
    let mut args = vec!["analyze", path.to_str().unwrap(), "--format", "json"];
    args.extend(extra);
    let out = runform(&args);
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["summary"]["cadence_spm"].as_f64().unwrap()
}

#[test]
fn cli_reads_every_layout_to_the_same_cadence() {
    let rec = sim();
    let cli = dir("cli");
    let d = cli.path();
    let canonical = d.join("run.csv");
    write_csv(&rec, std::fs::File::create(&canonical).unwrap()).unwrap();
    let want = cadence(&canonical, &[]);
    let zip_path = d.join("logger.zip");
    std::fs::write(&zip_path, zip_of(&android_files(&rec))).unwrap();
    let same = |got: f64, what: &str| assert!((got - want).abs() < 0.01, "{what}: {got} vs {want}");
    same(cadence(&zip_path, &[]), "sensor logger");
    // convert: sensor logger → parquet → canonical csv, each read to the same cadence
    let pq = d.join("converted.parquet");
    let out = runform(&["convert", zip_path.to_str().unwrap(), pq.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    same(cadence(&pq, &[]), "parquet");
    let csv = d.join("converted.csv");
    let out = runform(&["convert", pq.to_str().unwrap(), csv.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    same(cadence(&csv, &[]), "csv from parquet");
    // a mapped CSV through a TOML map
    let mapped = d.join("other.csv");
    std::fs::write(&mapped, mapped_csv(&rec, |i| format!("{}", 10 * i))).unwrap();
    let toml = d.join("map.toml");
    std::fs::write(
        &toml,
        "time_unit = \"ms\"\nacc_unit = \"g\"\n[columns]\nstamp = \"time\"\nAX = \"pelvis_acc_x\"\nAY = \"pelvis_acc_y\"\nAZ = \"pelvis_acc_z\"\n",
    )
    .unwrap();
    let got = cadence(&mapped, &["--map", toml.to_str().unwrap()]);
    assert!((got - want).abs() < 1.0, "mapped: {got} vs {want}");
}

/// Parquet written by other tools (pyarrow with v1 and v2 data pages, dictionaries,
/// statistics, a page index, several row groups, a float32 time column; DuckDB) reads
/// as the same recording as the file runform wrote, whose columns they copy
/// (`tests/data/parquet/make.sh`).
#[test]
fn other_writers_parquet_reads_as_runform_wrote_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/parquet");
    let want = read_path(&dir.join("runform.parquet"), &ReadOptions::default()).unwrap();
    assert_eq!(want.streams.len(), 2);
    for name in [
        "pyarrow-v2-pages.parquet",
        "pyarrow-v1-gzip-f32-time.parquet",
        "duckdb.parquet",
    ] {
        let got = read_path(&dir.join(name), &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(got.len(), want.len(), "{name}: length");
        assert!((got.rate_hz - want.rate_hz).abs() < 1e-3, "{name}: rate");
        assert_eq!(got.streams.len(), want.streams.len(), "{name}: streams");
        for (g, w) in got.streams.iter().zip(&want.streams) {
            assert_eq!(g.placement, w.placement, "{name}");
            for i in 0..want.len() {
                let d = (g.acc_mps2.at(i) - w.acc_mps2.at(i)).amax();
                assert!(
                    d == 0.0,
                    "{name}: {:?} acc at {i} differs by {d}",
                    w.placement
                );
                let (a, b) = (g.gyr_radps.as_ref().unwrap(), w.gyr_radps.as_ref().unwrap());
                assert!((a.at(i) - b.at(i)).amax() == 0.0, "{name}: gyr at {i}");
            }
        }
    }
}
