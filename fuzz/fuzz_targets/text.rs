//! Any bytes read as text layouts: recognised by content, canonical CSV, gaitmap's CSV,
//! and through a column mapping (time in ms and as ISO 8601): a located error or a
//! result, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use runform::io::{ColumnMap, InputFormat, ReadOptions, read_input_bytes};

fuzz_target!(init: common::let_guards_catch_dependency_panics(), |data: &[u8]| {
    let o = ReadOptions::default();
    let _ = read_input_bytes(data, "fuzz", InputFormat::detect(data), &o);
    let _ = read_input_bytes(data, "fuzz", Some(InputFormat::Canonical), &o);
    let _ = read_input_bytes(data, "fuzz", Some(InputFormat::Gaitmap), &o);
    for unit in ["ms", "iso"] {
        let map = ColumnMap::parse(&format!("t=time,time_unit={unit},a=pelvis_acc_x,b=pelvis_acc_y,c=pelvis_acc_z"))
            .expect("a valid map");
        let o = ReadOptions { map: Some(map), ..ReadOptions::default() };
        let _ = read_input_bytes(data, "fuzz", None, &o);
    }
});
