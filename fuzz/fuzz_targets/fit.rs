//! Any bytes read as FIT: a located error or a result, never a panic.
//!
//! Each input is read twice: as it is, and with its header and both CRCs made valid
//! (header size 14, `.FIT` at byte 8, the data size the bytes give). Without the second
//! read almost every mutation would stop at a CRC check, and the message decoder and
//! runform's handling of what it returns would hardly be reached. A crash found on the
//! second read is kept with the repair applied (`fit_with_valid_crcs` below), so that
//! `tests/fuzz_crashes.rs` replays exactly the bytes that crashed.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "common.rs"]
mod common;
use runform::io::{InputFormat, ReadOptions, read_input_bytes};

/// FIT's CRC-16.
fn crc(mut crc: u16, bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    for &b in bytes {
        for nibble in [b & 0xF, b >> 4] {
            let tmp = T[(crc & 0xF) as usize];
            crc = ((crc >> 4) & 0x0FFF) ^ tmp ^ T[nibble as usize];
        }
    }
    crc
}

/// `data` with a valid 14-byte header and file CRC; `None` when shorter than a header
/// and a CRC.
fn fit_with_valid_crcs(data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 16 {
        return None;
    }
    let mut b = data.to_vec();
    let n = b.len();
    b[0] = 14;
    b[4..8].copy_from_slice(&((n - 16) as u32).to_le_bytes());
    b[8..12].copy_from_slice(b".FIT");
    let h = crc(0, &b[..12]);
    b[12..14].copy_from_slice(&h.to_le_bytes());
    let f = crc(0, &b[..n - 2]);
    b[n - 2..].copy_from_slice(&f.to_le_bytes());
    Some(b)
}

fuzz_target!(init: common::let_guards_catch_dependency_panics(), |data: &[u8]| {
    let o = ReadOptions::default();
    let _ = read_input_bytes(data, "fuzz", Some(InputFormat::Fit), &o);
    if let Some(fixed) = fit_with_valid_crcs(data) {
        let _ = read_input_bytes(&fixed, "fuzz", Some(InputFormat::Fit), &o);
    }
});
