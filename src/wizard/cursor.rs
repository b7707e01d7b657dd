//! The selected entry of a list (a step's questions or profiles, the jump list, an
//! enum's choices), moved by the keys. Every move clamps to the list: the first entry
//! stays first on Up, the last stays last on Down; nothing wraps. An empty list keeps
//! index 0. Plain data; the state stores only the index.

/// An index into a list of `len` entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListCursor {
    pub index: usize,
    pub len: usize,
}

impl ListCursor {
    pub fn new(index: usize, len: usize) -> ListCursor {
        ListCursor { index, len }
    }

    /// At `index`, or at the last entry when the list is shorter than that.
    pub fn clamped(index: usize, len: usize) -> ListCursor {
        ListCursor::new(index, len).to(index)
    }

    pub fn is_empty(self) -> bool {
        self.len == 0
    }

    /// The last entry's index (0 for an empty list).
    fn last(self) -> usize {
        self.len.saturating_sub(1)
    }

    /// At entry `i`, or the last one when `i` is past the end.
    pub fn to(self, i: usize) -> ListCursor {
        ListCursor {
            index: i.min(self.last()),
            ..self
        }
    }

    pub fn up(self) -> ListCursor {
        self.page_up(1)
    }

    pub fn down(self) -> ListCursor {
        self.page_down(1)
    }

    pub fn home(self) -> ListCursor {
        self.to(0)
    }

    pub fn end(self) -> ListCursor {
        self.to(self.last())
    }

    /// `rows` entries up, stopping at the first.
    pub fn page_up(self, rows: usize) -> ListCursor {
        self.to(self.index.saturating_sub(rows))
    }

    /// `rows` entries down, stopping at the last.
    pub fn page_down(self, rows: usize) -> ListCursor {
        self.to(self.index.saturating_add(rows))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(index: usize, len: usize) -> ListCursor {
        ListCursor::new(index, len)
    }

    #[test]
    fn moves_stop_at_the_ends() {
        assert_eq!(at(0, 4).up().index, 0);
        assert_eq!(at(3, 4).down().index, 3);
        assert_eq!(at(1, 4).up().index, 0);
        assert_eq!(at(1, 4).down().index, 2);
        assert_eq!(at(2, 4).home().index, 0);
        assert_eq!(at(0, 4).end().index, 3);
        assert_eq!(at(0, 4).to(9).index, 3);
        assert_eq!(at(0, 4).to(2), at(2, 4));
        assert_eq!(ListCursor::clamped(9, 4), at(3, 4));
        assert_eq!(ListCursor::clamped(1, 4), at(1, 4));
    }

    #[test]
    fn pages_clamp_to_the_list() {
        assert_eq!(at(7, 10).page_down(5).index, 9);
        assert_eq!(at(2, 10).page_down(5).index, 7);
        assert_eq!(at(3, 10).page_up(5).index, 0);
        assert_eq!(at(8, 10).page_up(5).index, 3);
        assert_eq!(at(0, 10).page_down(usize::MAX).index, 9);
    }

    #[test]
    fn an_index_past_a_list_that_shrank_comes_back_inside_it() {
        assert_eq!(at(10, 5).up().index, 4);
        assert_eq!(at(10, 5).down().index, 4);
        assert_eq!(at(10, 5).page_up(5).index, 4);
    }

    #[test]
    fn an_empty_list_keeps_index_zero() {
        let empty = at(0, 0);
        assert!(empty.is_empty() && !at(0, 1).is_empty());
        for moved in [
            empty.up(),
            empty.down(),
            empty.home(),
            empty.end(),
            empty.page_up(5),
            empty.page_down(5),
            empty.to(3),
            ListCursor::clamped(3, 0),
        ] {
            assert_eq!(moved.index, 0);
        }
    }
}
