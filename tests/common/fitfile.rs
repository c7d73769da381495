//! A small FIT encoder for tests: definition and data messages, developer fields, both
//! CRCs — enough to write activity files whose content the test knows exactly.
#![allow(dead_code)]

/// FIT base types used here.
pub const ENUM: u8 = 0x00;
/// uint8
pub const UINT8: u8 = 0x02;
/// string (null-terminated, fixed size)
pub const STRING: u8 = 0x07;
/// uint16
pub const UINT16: u8 = 0x84;
/// uint32
pub const UINT32: u8 = 0x86;

/// The FIT CRC-16 of `bytes`, continuing from `crc`.
pub fn crc(mut crc: u16, bytes: &[u8]) -> u16 {
    const T: [u16; 16] = [
        0x0000, 0xCC01, 0xD801, 0x1400, 0xF001, 0x3C00, 0x2800, 0xE401, 0xA001, 0x6C00, 0x7800,
        0xB401, 0x5000, 0x9C01, 0x8801, 0x4400,
    ];
    for &b in bytes {
        let tmp = T[(crc & 0xF) as usize];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ T[(b & 0xF) as usize];
        let tmp = T[(crc & 0xF) as usize];
        crc = (crc >> 4) & 0x0FFF;
        crc = crc ^ tmp ^ T[((b >> 4) & 0xF) as usize];
    }
    crc
}

/// One field of a definition: number, size in bytes, base type.
pub type FieldDef = (u8, u8, u8);

/// Messages being written.
#[derive(Default)]
pub struct FitWriter {
    data: Vec<u8>,
}

impl FitWriter {
    /// Defines local message `local` as global message `global` with `fields` and
    /// developer fields `dev` (number, size, developer data index).
    pub fn define(&mut self, local: u8, global: u16, fields: &[FieldDef], dev: &[(u8, u8, u8)]) {
        let flag = if dev.is_empty() { 0x40 } else { 0x60 };
        self.data.push(flag | local);
        self.data.push(0); // reserved
        self.data.push(0); // little endian
        self.data.extend_from_slice(&global.to_le_bytes());
        self.data.push(fields.len() as u8);
        for &(n, size, ty) in fields {
            self.data.extend_from_slice(&[n, size, ty]);
        }
        if !dev.is_empty() {
            self.data.push(dev.len() as u8);
            for &(n, size, idx) in dev {
                self.data.extend_from_slice(&[n, size, idx]);
            }
        }
    }

    /// A data message of local type `local` with the field bytes already encoded.
    pub fn data(&mut self, local: u8, bytes: &[u8]) {
        self.data.push(local);
        self.data.extend_from_slice(bytes);
    }

    /// The whole file: 14-byte header with its CRC, the messages, the file CRC.
    pub fn finish(&self) -> Vec<u8> {
        let mut out = vec![14u8, 0x10];
        out.extend_from_slice(&2093u16.to_le_bytes());
        out.extend_from_slice(&(self.data.len() as u32).to_le_bytes());
        out.extend_from_slice(b".FIT");
        let h = crc(0, &out);
        out.extend_from_slice(&h.to_le_bytes());
        out.extend_from_slice(&self.data);
        let c = crc(0, &out);
        out.extend_from_slice(&c.to_le_bytes());
        out
    }
}

/// A string field of `size` bytes, null padded.
pub fn string(s: &str, size: usize) -> Vec<u8> {
    let mut b = s.as_bytes().to_vec();
    b.resize(size, 0);
    b
}

/// One second of watch running dynamics, in runform's units.
#[derive(Clone, Copy)]
pub struct Second {
    /// Steps/min (written as strides/min + fraction).
    pub cadence_spm: f64,
    /// Ground contact, ms (None: field left invalid).
    pub contact_ms: Option<f64>,
    /// % left.
    pub balance_left_pct: f64,
    /// mm.
    pub vertical_oscillation_mm: f64,
    /// %.
    pub vertical_ratio_pct: f64,
    /// m.
    pub step_length_m: f64,
    /// m/s.
    pub speed_mps: f64,
    /// Developer field 'Ground Time', ms, when written.
    pub dev_ground_time_ms: Option<f64>,
}

/// A FIT activity with one record per second from `start` (FIT epoch seconds): file_id,
/// a developer field description ('Ground Time', ms) when any second carries one, and
/// the records.
pub fn activity(seconds: &[Second]) -> Vec<u8> {
    let mut w = FitWriter::default();
    // file_id: type=activity, manufacturer=garmin, product
    w.define(0, 0, &[(0, 1, ENUM), (1, 2, UINT16), (2, 2, UINT16)], &[]);
    let mut b = vec![4u8];
    b.extend_from_slice(&1u16.to_le_bytes());
    b.extend_from_slice(&2697u16.to_le_bytes());
    w.data(0, &b);
    let with_dev = seconds.iter().any(|s| s.dev_ground_time_ms.is_some());
    if with_dev {
        // developer_data_id: developer_data_index 0
        w.define(1, 207, &[(3, 1, UINT8)], &[]);
        w.data(1, &[0]);
        // field_description: index 0, field 0, uint16, 'Ground Time', 'ms'
        w.define(
            2,
            206,
            &[
                (0, 1, UINT8),
                (1, 1, UINT8),
                (2, 1, UINT8),
                (3, 16, STRING),
                (8, 8, STRING),
            ],
            &[],
        );
        let mut b = vec![0u8, 0, UINT16];
        b.extend(string("Ground Time", 16));
        b.extend(string("ms", 8));
        w.data(2, &b);
    }
    let fields: [FieldDef; 10] = [
        (253, 4, UINT32),
        (4, 1, UINT8),
        (53, 1, UINT8),
        (41, 2, UINT16),
        (84, 2, UINT16),
        (39, 2, UINT16),
        (83, 2, UINT16),
        (85, 2, UINT16),
        (6, 2, UINT16),
        (3, 1, UINT8),
    ];
    let dev: &[(u8, u8, u8)] = if with_dev { &[(0, 2, 0)] } else { &[] };
    w.define(3, 20, &fields, dev);
    let start: u32 = 1_000_000_000;
    for (i, s) in seconds.iter().enumerate() {
        let strides = s.cadence_spm / 2.0;
        let whole = strides.floor();
        let mut b = Vec::new();
        b.extend_from_slice(&(start + i as u32).to_le_bytes());
        b.push(whole as u8);
        b.push(((strides - whole) * 128.0).round() as u8);
        let u16s = |v: f64| (v.round() as u16).to_le_bytes();
        b.extend_from_slice(&s.contact_ms.map_or([0xFF, 0xFF], |c| u16s(c * 10.0)));
        b.extend_from_slice(&u16s(s.balance_left_pct * 100.0));
        b.extend_from_slice(&u16s(s.vertical_oscillation_mm * 10.0));
        b.extend_from_slice(&u16s(s.vertical_ratio_pct * 100.0));
        b.extend_from_slice(&u16s(s.step_length_m * 1000.0 * 10.0));
        b.extend_from_slice(&u16s(s.speed_mps * 1000.0));
        b.push(150);
        if with_dev {
            b.extend_from_slice(&s.dev_ground_time_ms.map_or([0xFF, 0xFF], u16s));
        }
        w.data(3, &b);
    }
    w.finish()
}
