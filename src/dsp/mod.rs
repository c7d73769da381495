//! Signal processing used by several stages: zero-phase Butterworth filters, spectra,
//! peak picking, and the pieces a long signal is worked on in. Every function works on
//! plain `f64` slices sampled at a known rate, or on sample ranges; the stages decide
//! what the signals mean.

pub mod filter;
pub mod peaks;
pub mod spectrum;

pub use filter::Butterworth;

use std::ops::Range;

/// How far around a piece the stages that work on long recordings piece by piece look, s:
/// a low-pass filter forgets its start within a fraction of a second, so a signal filtered
/// with this much of the stream either side is the one filtered over the whole stream, and
/// a search sees whole steps at the piece's ends (events, posture, loading).
pub const PIECE_MARGIN_S: f64 = 5.0;

/// `range` cut into pieces of at most `piece` samples, each as `(own, seen)`: the samples
/// it owns (the pieces' own samples tile `range`) and the samples worked on for it, from
/// `before` samples before its own to `after` after them, within `range`. A range no
/// longer than a piece is one piece that sees just the range.
pub fn pieces(
    range: Range<usize>,
    piece: usize,
    before: usize,
    after: usize,
) -> Vec<(Range<usize>, Range<usize>)> {
    let piece = piece.max(1);
    let count = range.len().div_ceil(piece);
    if count <= 1 {
        return vec![(range.clone(), range); count];
    }
    (0..count)
        .map(|k| {
            let own = range.start + k * piece..(range.start + (k + 1) * piece).min(range.end);
            let seen =
                own.start.saturating_sub(before).max(range.start)..(own.end + after).min(range.end);
            (own, seen)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_tile_the_range_and_see_around_them() {
        assert_eq!(
            pieces(10..35, 10, 2, 4),
            vec![(10..20, 10..24), (20..30, 18..34), (30..35, 28..35)]
        );
        assert_eq!(pieces(10..20, 10, 2, 4), vec![(10..20, 10..20)]);
        assert_eq!(pieces(10..10, 10, 2, 4), vec![]);
        assert_eq!(
            pieces(0..3, 0, 0, 0),
            vec![(0..1, 0..1), (1..2, 1..2), (2..3, 2..3)]
        );
    }
}
