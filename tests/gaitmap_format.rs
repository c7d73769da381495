//! gaitmap's CSV layout: a simulated two-foot run written the way `pandas.to_csv` writes
//! gaitmap's multi-sensor data (columns interleaved as in gaitmap's
//! `example_data/imu_sample.csv`, acc in m/s², gyr in deg/s) must read back to the same
//! samples and the same cadence, and the layout must be recognised from the content.

use runform::io::{InputFormat, ReadOptions, read_gaitmap, read_path};
use runform::simulate::{SimConfig, simulate};
use runform::{AnalysisConfig, Frame, Placement, Recording};
use std::fmt::Write as _;

/// Two feet, 30 s of running, at gaitmap's example-data rate.
fn two_feet() -> Recording {
    let config = SimConfig {
        placements: vec![Placement::LeftFoot, Placement::RightFoot],
        duration_s: 30.0,
        rate_hz: 204.8,
        ..SimConfig::default()
    };
    simulate(&config).unwrap().recording
}

/// `recording` (left foot, right foot) in gaitmap's layout, sensors interleaved per axis;
/// the index is the sample number, or the time in seconds with `time_index`.
fn gaitmap_csv(recording: &Recording, time_index: bool) -> String {
    let [left, right] = &recording.streams[..] else {
        panic!("expected two streams")
    };
    assert_eq!(
        (left.placement, right.placement),
        (Placement::LeftFoot, Placement::RightFoot)
    );
    let mut s = String::from("sensor");
    for _ in 0..6 {
        s.push_str(",left_sensor,right_sensor");
    }
    s.push_str("\naxis");
    for axis in ["acc_x", "acc_y", "acc_z", "gyr_x", "gyr_y", "gyr_z"] {
        write!(s, ",{axis},{axis}").unwrap();
    }
    s.push('\n');
    let (l, r) = (columns(left), columns(right));
    for i in 0..recording.len() {
        if time_index {
            write!(s, "{}", i as f64 / recording.rate_hz).unwrap();
        } else {
            write!(s, "{i}").unwrap();
        }
        for k in 0..6 {
            // acc as it is (m/s²), gyr in deg/s, every digit kept
            let to_unit = |v: f32| {
                if k < 3 {
                    v as f64
                } else {
                    (v as f64).to_degrees()
                }
            };
            write!(s, ",{},{}", to_unit(l[k][i]), to_unit(r[k][i])).unwrap();
        }
        s.push('\n');
    }
    s
}

/// The six gaitmap columns of a stream: acc x/y/z, gyr x/y/z.
fn columns(stream: &runform::Stream) -> [&[f32]; 6] {
    let g = stream.gyr_radps.as_ref().expect("a foot has a gyroscope");
    let a = &stream.acc_mps2;
    [&a.x, &a.y, &a.z, &g.x, &g.y, &g.z]
}

fn assert_same_samples(back: &Recording, original: &Recording) {
    assert_eq!(back.len(), original.len());
    assert!((back.rate_hz - original.rate_hz).abs() < 1e-6 * original.rate_hz);
    assert!((back.start_s - original.start_s).abs() < 1e-9);
    for (b, o) in back.streams.iter().zip(&original.streams) {
        assert_eq!(b.placement, o.placement);
        assert_eq!(b.acc_mps2, o.acc_mps2, "{} acc", b.placement);
        let (bg, og) = (b.gyr_radps.as_ref().unwrap(), o.gyr_radps.as_ref().unwrap());
        for (bv, ov) in [(&bg.x, &og.x), (&bg.y, &og.y), (&bg.z, &og.z)] {
            // deg/s and back in f64: at most a rounding step of f32
            for (x, y) in bv.iter().zip(ov.iter()) {
                assert!((x - y).abs() <= f32::EPSILON * y.abs(), "{x} vs {y}");
            }
        }
    }
}

fn cadence(recording: &Recording) -> f64 {
    AnalysisConfig::default()
        .process(recording)
        .unwrap()
        .summary
        .cadence_spm
        .expect("a cadence")
}

/// The simulated recording is in the body frame; read the file in the same frame so
/// that the pipeline sees the same input.
fn body_frame() -> ReadOptions {
    ReadOptions {
        frame: Frame::Body,
        ..ReadOptions::default()
    }
}

#[test]
fn sample_indexed_file_round_trips_at_the_default_rate() {
    let original = two_feet();
    let text = gaitmap_csv(&original, false);
    let back = read_gaitmap(text.as_bytes(), "run.csv", &body_frame()).unwrap();
    assert_same_samples(&back, &original);
    assert!(back.warnings.iter().any(|w| w.code == "rate_assumed"));
    assert_eq!(cadence(&back), cadence(&original));
}

#[test]
fn time_indexed_file_round_trips() {
    let original = two_feet();
    let text = gaitmap_csv(&original, true);
    let back = read_gaitmap(text.as_bytes(), "run.csv", &body_frame()).unwrap();
    assert_same_samples(&back, &original);
    assert!(back.warnings.iter().all(|w| w.code != "rate_assumed"));
    assert_eq!(cadence(&back), cadence(&original));
}

#[test]
fn read_path_recognises_the_layout_and_honours_the_option() {
    let original = two_feet();
    let dir = tempfile::tempdir().unwrap();
    let gaitmap = dir.path().join("run.csv");
    std::fs::write(&gaitmap, gaitmap_csv(&original, false)).unwrap();
    let canonical = dir.path().join("canonical.csv");
    let mut bytes = Vec::new();
    runform::io::write_csv(&original, &mut bytes).unwrap();
    std::fs::write(&canonical, &bytes).unwrap();

    // recognised by content
    let back = read_path(&gaitmap, &body_frame()).unwrap();
    assert_same_samples(&back, &original);
    let from_canonical = read_path(&canonical, &body_frame()).unwrap();
    assert_eq!(from_canonical.len(), original.len());
    // the same cadence from both layouts of the same run (the canonical file keeps six
    // decimals, the gaitmap file every digit)
    let (g, c) = (cadence(&back), cadence(&from_canonical));
    assert!((g - c).abs() < 0.01, "{g} vs {c}");

    // forced: the other reader's message
    let forced = ReadOptions {
        format: Some(InputFormat::Canonical),
        ..body_frame()
    };
    let e = read_path(&gaitmap, &forced).unwrap_err();
    assert!(e.is_bad_input());
    assert!(e.to_string().contains("first column is 'sensor'"), "{e}");
    let declared = ReadOptions {
        rate_hz: Some(100.0),
        ..body_frame()
    };
    let slow = read_path(&gaitmap, &declared).unwrap();
    assert!((slow.rate_hz - 100.0).abs() < 1e-9);
}

#[test]
fn name_decides_only_when_content_does_not() {
    let dir = tempfile::tempdir().unwrap();
    let odd = "timestamp,a,b\n0,1,2\n";
    for (name, want) in [
        (
            "x.csv",
            "expected 'time', in seconds, for runform's CSV, or a line 'sensor,…'",
        ),
        (
            "x.gaitmap.csv",
            "expected 'sensor', then the sensor of each column",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, odd).unwrap();
        let e = read_path(&path, &ReadOptions::default()).unwrap_err();
        assert!(e.to_string().contains(want), "{name}: {e}");
    }
    assert_eq!(
        InputFormat::detect(b"\xEF\xBB\xBFsensor,left_sensor\naxis,acc_x\n"),
        Some(InputFormat::Gaitmap)
    );
    assert_eq!(
        InputFormat::detect(b"time,pelvis_acc_x\n"),
        Some(InputFormat::Canonical)
    );
    assert_eq!(
        InputFormat::detect(b"\"time\",x\n"),
        Some(InputFormat::Canonical)
    );
    assert_eq!(InputFormat::detect(b"timestamp,x\n"), None);
}

/// A file read block by block (it is larger than the 64 KiB head) that turns bad far in
/// is read again whole, and the message names the line and column as for a file read in
/// one go.
#[test]
fn a_bad_cell_deep_in_a_streamed_file_is_located() {
    let text = gaitmap_csv(&two_feet(), false);
    assert!(text.len() > 1 << 16, "{} bytes", text.len());
    let lines: Vec<&str> = text.lines().collect();
    let bad_line = lines.len() - 10; // 1-based line number of the edited line
    let mut cells: Vec<String> = lines[bad_line - 1].split(',').map(String::from).collect();
    cells[3] = "1.2.3".into();
    let mut edited: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
    edited[bad_line - 1] = cells.join(",");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("run.csv");
    std::fs::write(&path, edited.join("\n")).unwrap();
    let e = read_path(&path, &body_frame()).unwrap_err();
    assert!(e.is_bad_input());
    let message = e.to_string();
    assert!(message.contains(&format!("line {bad_line}")), "{message}");
    assert!(message.contains("1.2.3"), "{message}");
    // the same message as from the bytes in memory
    let in_memory = read_gaitmap(
        edited.join("\n").as_bytes(),
        &path.display().to_string(),
        &body_frame(),
    );
    assert_eq!(in_memory.unwrap_err().to_string(), message);
}
