//! Signal processing used by several stages: zero-phase Butterworth filters, spectra and
//! peak picking. Every function works on plain `f64` slices sampled at a known rate; the
//! stages decide what the signals mean.

pub mod filter;
pub mod peaks;
pub mod spectrum;

pub use filter::Butterworth;

/// Means of consecutive blocks of `k` samples (the last block may be shorter): a cheap
/// decimation by `k` whose boxcar average is the anti-alias filter, enough for reading
/// rhythms of a few hertz from signals sampled at hundreds.
pub fn block_mean(x: &[f64], k: usize) -> Vec<f64> {
    if k <= 1 {
        return x.to_vec();
    }
    x.chunks(k)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect()
}
