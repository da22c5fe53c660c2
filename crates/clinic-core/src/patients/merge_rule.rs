//! The merge rule, written once over plain data: which merges may be made, and which moves of a row
//! from one patient record to another belong to a merge. The app checks a merge with it before making
//! one; the clinic server checks every change with it against the records as it holds them, so two
//! computers that merged the same two records in opposite directions while apart cannot both stand:
//! the second to reach the server is refused as a whole and put back, and nothing leaves the lists.

/// A patient record as the rule sees it: its id and the record it redirects to, if it was merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MergeSide<'a> {
    pub id: &'a str,
    pub merged_into: Option<&'a str>,
}

/// Why two records may not be merged.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MergeRefusal {
    /// The record to keep was merged into the other one: the same person, merged the other way.
    OtherWay,
    /// The record to keep was merged into a third record.
    KeptMergedElsewhere,
    /// The duplicate was already merged into another record.
    MergedElsewhere,
}

/// Whether `merged` may be merged into `kept`, as the records stand. The same merge made twice stands:
/// its duplicate already redirects to the record it is kept in.
pub fn merge_refusal(kept: MergeSide<'_>, merged: MergeSide<'_>) -> Option<MergeRefusal> {
    match (kept.merged_into, merged.merged_into) {
        (Some(into), _) if into == merged.id => Some(MergeRefusal::OtherWay),
        (Some(_), _) => Some(MergeRefusal::KeptMergedElsewhere),
        (None, Some(into)) if into != kept.id => Some(MergeRefusal::MergedElsewhere),
        _ => None,
    }
}

/// Whether a row may move from record `from` to record `to`: only along a merge, from the duplicate
/// to the record it redirects to, or back from there while that merge is being undone (the redirect
/// stands until the rows are back). `undoing` says whether the merge of `to` into `from` is marked
/// undone.
pub fn moves_with_a_merge(from: MergeSide<'_>, to: MergeSide<'_>, undoing: bool) -> bool {
    from.merged_into == Some(to.id) || (undoing && to.merged_into == Some(from.id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record<'a>(id: &'a str, merged_into: Option<&'a str>) -> MergeSide<'a> {
        MergeSide { id, merged_into }
    }

    #[test]
    fn a_merge_needs_both_records_of_their_own_or_the_same_merge_made_already() {
        let (a, b, c) = ("a", "b", "c");
        assert_eq!(merge_refusal(record(b, None), record(a, None)), None);
        // Made on two computers the same way: the second stands.
        assert_eq!(merge_refusal(record(b, None), record(a, Some(b))), None);
        assert_eq!(
            merge_refusal(record(a, Some(b)), record(b, None)),
            Some(MergeRefusal::OtherWay)
        );
        assert_eq!(
            merge_refusal(record(a, Some(c)), record(b, None)),
            Some(MergeRefusal::KeptMergedElsewhere)
        );
        assert_eq!(
            merge_refusal(record(b, None), record(a, Some(c))),
            Some(MergeRefusal::MergedElsewhere)
        );
    }

    #[test]
    fn rows_move_only_along_a_merge_and_back_only_when_it_is_undone() {
        let (a, b, c) = ("a", "b", "c");
        // A merged into B: A's rows go to B.
        assert!(moves_with_a_merge(
            record(a, Some(b)),
            record(b, None),
            false
        ));
        // B's rows may not go to A, unless the merge of A into B is being undone.
        assert!(!moves_with_a_merge(
            record(b, None),
            record(a, Some(b)),
            false
        ));
        assert!(moves_with_a_merge(
            record(b, None),
            record(a, Some(b)),
            true
        ));
        // Nothing moves between records no merge links.
        assert!(!moves_with_a_merge(record(a, None), record(b, None), true));
        assert!(!moves_with_a_merge(
            record(a, Some(c)),
            record(b, None),
            false
        ));
    }
}
