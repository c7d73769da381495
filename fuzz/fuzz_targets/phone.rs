//! Any bytes read as a Sensor Logger zip and as a phyphox export (zip or CSV): a located
//! error or a result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use runform::io::{InputFormat, ReadOptions, read_input_bytes};

fuzz_target!(init: common::let_guards_catch_dependency_panics(), |data: &[u8]| {
    for format in [InputFormat::SensorLogger, InputFormat::Phyphox] {
        let _ = read_input_bytes(data, "fuzz", Some(format), &ReadOptions::default());
    }
});
