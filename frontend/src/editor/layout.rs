//! Auto-layout: layered, left to right. Each node goes in the column of its
//! longest path from a source; the order within a column is improved by a few
//! barycentre sweeps (fewer crossing wires); columns are centred vertically.
//! Pure: nodes are indices with a card height, wires are index pairs.

use super::geometry::NODE_W;
use std::collections::VecDeque;

/// Space between columns and between cards in a column (graph units).
pub const GAP_X: f64 = 84.0;
pub const GAP_Y: f64 = 40.0;
/// Where the layout's top-left corner goes.
pub const ORIGIN: (f64, f64) = (60.0, 60.0);
const SWEEPS: usize = 4;

/// The column of each node: 0 for sources, else one more than its furthest
/// predecessor. Nodes on a cycle (a broken graph) are placed after the
/// predecessors already placed, so the answer always exists.
pub fn ranks(n: usize, edges: &[(usize, usize)]) -> Vec<usize> {
    let mut indeg = vec![0usize; n];
    let mut succ = vec![Vec::new(); n];
    let mut pred = vec![Vec::new(); n];
    for &(a, b) in edges.iter().filter(|(a, b)| a != b && *a < n && *b < n) {
        succ[a].push(b);
        pred[b].push(a);
        indeg[b] += 1;
    }
    let mut rank = vec![0usize; n];
    let mut done = vec![false; n];
    let mut queue: VecDeque<usize> = (0..n).filter(|&i| indeg[i] == 0).collect();
    loop {
        while let Some(v) = queue.pop_front() {
            done[v] = true;
            for &w in &succ[v] {
                if done[w] {
                    continue; // a wire back into a cycle already placed
                }
                rank[w] = rank[w].max(rank[v] + 1);
                indeg[w] -= 1;
                if indeg[w] == 0 {
                    queue.push_back(w);
                }
            }
        }
        // A cycle stops the queue: break it at its first node in input order.
        let Some(v) = (0..n).find(|&i| !done[i] && indeg[i] > 0) else {
            break;
        };
        rank[v] = pred[v].iter().filter(|&&p| done[p]).map(|&p| rank[p] + 1).max().unwrap_or(0);
        indeg[v] = 0;
        queue.push_back(v);
    }
    rank
}

/// The nodes of each column, ordered to reduce crossings.
fn columns(rank: &[usize], edges: &[(usize, usize)]) -> Vec<Vec<usize>> {
    let width = rank.iter().max().map_or(0, |m| m + 1);
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); width];
    for (i, &r) in rank.iter().enumerate() {
        cols[r].push(i);
    }
    let mut place = vec![0.0; rank.len()];
    let set_places = |cols: &Vec<Vec<usize>>, place: &mut Vec<f64>| {
        for col in cols {
            for (k, &i) in col.iter().enumerate() {
                place[i] = k as f64;
            }
        }
    };
    set_places(&cols, &mut place);
    for sweep in 0..SWEEPS {
        let down = sweep % 2 == 0;
        let order: Vec<usize> = if down { (1..width).collect() } else { (0..width.saturating_sub(1)).rev().collect() };
        for c in order {
            let neighbour_col = if down { c - 1 } else { c + 1 };
            let bary = |i: usize| {
                let ps: Vec<f64> = edges
                    .iter()
                    .filter_map(|&(a, b)| {
                        let other = if down { (b == i).then_some(a) } else { (a == i).then_some(b) }?;
                        (rank[other] == neighbour_col).then(|| place[other])
                    })
                    .collect();
                if ps.is_empty() { place[i] } else { ps.iter().sum::<f64>() / ps.len() as f64 }
            };
            let mut keyed: Vec<(f64, f64, usize)> = cols[c].iter().map(|&i| (bary(i), place[i], i)).collect();
            keyed.sort_by(|x, y| x.0.total_cmp(&y.0).then(x.1.total_cmp(&y.1)));
            cols[c] = keyed.into_iter().map(|(_, _, i)| i).collect();
            for (k, &i) in cols[c].iter().enumerate() {
                place[i] = k as f64;
            }
        }
    }
    cols
}

/// Top-left positions, in the order of `heights`, for nodes of those card
/// heights joined by `edges` (index pairs).
pub fn layered(heights: &[f64], edges: &[(usize, usize)]) -> Vec<(f64, f64)> {
    let rank = ranks(heights.len(), edges);
    let cols = columns(&rank, edges);
    let col_h = |col: &Vec<usize>| col.iter().map(|&i| heights[i] + GAP_Y).sum::<f64>() - GAP_Y;
    let tallest = cols.iter().map(col_h).fold(0.0, f64::max);
    let mut pos = vec![(0.0, 0.0); heights.len()];
    for (c, col) in cols.iter().enumerate() {
        let x = ORIGIN.0 + c as f64 * (NODE_W + GAP_X);
        let mut y = ORIGIN.1 + (tallest - col_h(col)) / 2.0;
        for &i in col {
            pos[i] = (x, y.round());
            y += heights[i] + GAP_Y;
        }
    }
    pos
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::editor::geometry::overlaps;

    #[test]
    fn columns_follow_the_longest_path_from_a_source() {
        // a → b → d, a → c, c → d, e alone.
        assert_eq!(ranks(5, &[(0, 1), (1, 3), (0, 2), (2, 3)]), [0, 1, 1, 2, 0]);
        // A long way round puts the sink furthest right.
        assert_eq!(ranks(4, &[(0, 3), (0, 1), (1, 2), (2, 3)]), [0, 1, 2, 3]);
    }

    #[test]
    fn a_cycle_still_gets_columns() {
        let r = ranks(3, &[(0, 1), (1, 2), (2, 1)]);
        assert_eq!(r[0], 0);
        assert!(r[1] >= 1 && r[2] >= 1);
        assert_eq!(ranks(2, &[(0, 0), (1, 1)]), [0, 0]);
    }

    #[test]
    fn wires_run_left_to_right_and_cards_never_overlap() {
        let heights = [66.0, 66.0, 84.0, 66.0, 66.0, 66.0];
        let edges = [(0, 2), (1, 2), (2, 3), (2, 4), (4, 5)];
        let pos = layered(&heights, &edges);
        for (a, b) in edges {
            assert!(pos[a].0 + NODE_W < pos[b].0, "{a} → {b}: {pos:?}");
        }
        for i in 0..pos.len() {
            for j in i + 1..pos.len() {
                let (ri, rj) = ((pos[i].0, pos[i].1, NODE_W, heights[i]), (pos[j].0, pos[j].1, NODE_W, heights[j]));
                assert!(!overlaps(ri, rj), "{i} and {j} overlap: {pos:?}");
            }
        }
        assert_eq!(pos[0], ORIGIN);
    }

    #[test]
    fn the_order_in_a_column_uncrosses_wires() {
        // Sources a, b; a feeds y and b feeds x, listed x first: the sweeps put
        // y above x, in the order of their sources.
        let heights = [66.0; 4];
        let pos = layered(&heights, &[(0, 3), (1, 2)]);
        assert!(pos[0].1 < pos[1].1);
        assert!(pos[3].1 < pos[2].1, "{pos:?}");
    }

    #[test]
    fn a_thousand_node_graph_lays_out() {
        let n = 1000;
        let edges: Vec<(usize, usize)> = (100..n).map(|i| (i - 100, i)).collect();
        let pos = layered(&vec![66.0; n], &edges);
        assert_eq!(pos.len(), n);
        assert!(pos.iter().all(|p| p.0.is_finite() && p.1.is_finite()));
        assert_eq!(pos[999].0, ORIGIN.0 + 9.0 * (NODE_W + GAP_X));
    }
}
