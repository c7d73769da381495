//! Signal processing used by several stages: zero-phase Butterworth filters, spectra and
//! peak picking. Every function works on plain `f64` slices sampled at a known rate; the
//! stages decide what the signals mean.

pub mod filter;
pub mod peaks;
pub mod spectrum;

pub use filter::Butterworth;
