//! Peak picking on sampled signals.

/// Indices of local maxima of `x` that are at least `min_height` and at least
/// `min_distance` samples apart; where two are closer, the higher one wins (as SciPy's
/// `find_peaks(height=..., distance=...)`). Plateaus report their first sample.
pub fn find_peaks(x: &[f64], min_height: f64, min_distance: usize) -> Vec<usize> {
    let mut candidates = Vec::new();
    let n = x.len();
    let mut i = 1;
    while i + 1 < n {
        if x[i] > x[i - 1] && x[i] >= min_height {
            let mut j = i;
            while j + 1 < n && x[j + 1] == x[i] {
                j += 1;
            }
            if j + 1 < n && x[j + 1] < x[i] {
                candidates.push(i);
            }
            i = j + 1;
        } else {
            i += 1;
        }
    }
    if min_distance <= 1 {
        return candidates;
    }
    // Keep the highest peaks first, suppressing neighbours closer than min_distance.
    let mut order: Vec<usize> = (0..candidates.len()).collect();
    order.sort_by(|&a, &b| x[candidates[b]].total_cmp(&x[candidates[a]]));
    let mut keep = vec![true; candidates.len()];
    for &k in &order {
        if !keep[k] {
            continue;
        }
        let p = candidates[k];
        let mut m = k;
        while m > 0 && p - candidates[m - 1] < min_distance {
            m -= 1;
            keep[m] = false;
        }
        let mut m = k + 1;
        while m < candidates.len() && candidates[m] - p < min_distance {
            keep[m] = false;
            m += 1;
        }
    }
    candidates
        .into_iter()
        .zip(keep)
        .filter(|&(_, k)| k)
        .map(|(c, _)| c)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_separated_maxima() {
        let x = [0.0, 1.0, 0.0, 3.0, 0.0, 2.0, 2.0, 0.0, 5.0, 4.0];
        assert_eq!(find_peaks(&x, 0.5, 1), vec![1, 3, 5, 8]);
        assert_eq!(find_peaks(&x, 2.5, 1), vec![3, 8]);
        assert_eq!(find_peaks(&x, 0.5, 3), vec![3, 8]);
    }

    #[test]
    fn edges_are_not_peaks() {
        assert!(find_peaks(&[5.0, 1.0, 0.0, 1.0, 5.0], 0.0, 1).is_empty());
    }
}
