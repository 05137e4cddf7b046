//! Where appointments sit in a calendar column: overlapping ones (an overbooking, or everyone's
//! appointments in one day column) share the width side by side instead of hiding each other.

/// An item's lane and how many lanes its group of overlapping items needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lane {
    pub lane: usize,
    pub lanes: usize,
}

/// Lanes for half-open intervals `(start, end)` (minutes), returned in input order. Items
/// that overlap, directly or through others, form a group; each takes the first free lane.
pub fn lanes(items: &[(i64, i64)]) -> Vec<Lane> {
    let mut order: Vec<usize> = (0..items.len()).collect();
    // Longer items first among equal starts, so they keep the leftmost lane.
    order.sort_by_key(|&i| (items[i].0, std::cmp::Reverse(items[i].1)));
    let mut placed = vec![Lane { lane: 0, lanes: 1 }; items.len()];
    let mut group: Vec<usize> = Vec::new();
    let mut lane_ends: Vec<i64> = Vec::new();
    let mut group_end = i64::MIN;
    let close_group = |group: &mut Vec<usize>, lane_ends: &mut Vec<i64>, placed: &mut Vec<Lane>| {
        for &i in group.iter() {
            placed[i].lanes = lane_ends.len().max(1);
        }
        group.clear();
        lane_ends.clear();
    };
    for i in order {
        let (start, end) = items[i];
        if start >= group_end {
            close_group(&mut group, &mut lane_ends, &mut placed);
            group_end = i64::MIN;
        }
        let lane = match lane_ends.iter().position(|&lane_end| lane_end <= start) {
            Some(free) => free,
            None => {
                lane_ends.push(i64::MIN);
                lane_ends.len() - 1
            }
        };
        lane_ends[lane] = end;
        placed[i].lane = lane;
        group.push(i);
        group_end = group_end.max(end);
    }
    close_group(&mut group, &mut lane_ends, &mut placed);
    placed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separate_items_take_the_whole_width() {
        let placed = lanes(&[(600, 630), (630, 660)]);
        assert_eq!(placed, vec![Lane { lane: 0, lanes: 1 }, Lane { lane: 0, lanes: 1 }]);
    }

    #[test]
    fn overlapping_items_sit_side_by_side() {
        let placed = lanes(&[(600, 660), (630, 690), (700, 730)]);
        assert_eq!(placed, vec![Lane { lane: 0, lanes: 2 }, Lane { lane: 1, lanes: 2 }, Lane { lane: 0, lanes: 1 }]);
    }

    #[test]
    fn a_freed_lane_is_reused_within_a_group() {
        // 1 overlaps 2 and 3; 2 ends before 3 starts, so 3 takes lane 1 again.
        let placed = lanes(&[(600, 720), (600, 630), (630, 660)]);
        assert_eq!(placed, vec![Lane { lane: 0, lanes: 2 }, Lane { lane: 1, lanes: 2 }, Lane { lane: 1, lanes: 2 }]);
    }

    #[test]
    fn no_items_no_lanes() {
        assert!(lanes(&[]).is_empty());
    }
}
