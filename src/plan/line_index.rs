//! Lines and columns of byte offsets in a text, indexed once. A file with many keys
//! (each a possible diagnostic) is located in time linear in its size: scanning the
//! text from the start for every key made 40,000 unknown keys take seconds.

/// A line and a column, both counted from 1 (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Location {
    pub line: usize,
    pub column: usize,
}

/// Characters are counted from a checkpoint every `BLOCK` bytes, so a lookup reads at
/// most `BLOCK` bytes even on one very long line (a huge inline table).
const BLOCK: usize = 64;

/// The byte offset where every line starts, and the character count at every block.
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
    chars_before_block: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> LineIndex<'a> {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        line_starts.extend(newlines(bytes).map(|i| i + 1));
        let mut chars_before_block = Vec::with_capacity(bytes.len() / BLOCK + 1);
        let mut chars = 0;
        for block in bytes.chunks(BLOCK) {
            chars_before_block.push(chars);
            chars += char_starts(block);
        }
        chars_before_block.push(chars);
        LineIndex {
            text,
            line_starts,
            chars_before_block,
        }
    }

    /// Where a byte offset is (offsets past the end are the end).
    pub fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        // The last line starting at or before `offset`.
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        Location {
            line,
            column: self.chars_before(offset) - self.chars_before(start) + 1,
        }
    }

    /// How many characters begin before byte `offset`.
    fn chars_before(&self, offset: usize) -> usize {
        let block = offset / BLOCK;
        let from = block * BLOCK;
        self.chars_before_block[block] + char_starts(&self.text.as_bytes()[from..offset])
    }
}

/// Line and column of one byte offset; for many, build a [`LineIndex`] once.
pub fn location_of(text: &str, offset: usize) -> Location {
    LineIndex::new(text).location(offset)
}

fn newlines(bytes: &[u8]) -> impl Iterator<Item = usize> + '_ {
    bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .map(|(i, _)| i)
}

/// Characters starting in `bytes`: every byte but UTF-8 continuation bytes.
fn char_starts(bytes: &[u8]) -> usize {
    bytes.iter().filter(|b| (**b as i8) >= -0x40).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = 2\n";
        assert_eq!(location_of(text, 0), Location { line: 1, column: 1 });
        assert_eq!(
            location_of(text, text.find('=').unwrap()),
            Location { line: 1, column: 3 }
        );
        // "é" is two bytes but one column.
        assert_eq!(
            location_of(text, text.rfind('=').unwrap()),
            Location { line: 2, column: 4 }
        );
        assert_eq!(
            location_of(text, text.len() + 5),
            Location { line: 3, column: 1 }
        );
    }

    /// Every character boundary of a text with long lines, multi-byte characters and
    /// blocks that start inside a character agrees with counting from the start.
    #[test]
    fn the_index_agrees_with_counting_from_the_start() {
        let text = format!(
            "é\n{}\n\n{}ü = 1\r\nkey = \"日本語\"\n",
            "x".repeat(200),
            "ñ".repeat(150)
        );
        let index = LineIndex::new(&text);
        for (offset, _) in text.char_indices().chain([(text.len(), ' ')]) {
            let before = &text[..offset];
            let line = before.matches('\n').count() + 1;
            let start = before.rfind('\n').map_or(0, |i| i + 1);
            let column = before[start..].chars().count() + 1;
            assert_eq!(
                index.location(offset),
                Location { line, column },
                "at byte {offset}"
            );
        }
    }
}
