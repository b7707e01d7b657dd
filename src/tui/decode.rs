//! The bytes a terminal sends, decoded into crossterm's event types: keys (with the
//! usual escape sequences), SGR and X10 mouse reports, and a bracketed paste as one
//! event. Pure: [`super::reader`] feeds it what it reads. The wizard decodes input
//! itself because crossterm's reader, edge-triggered, leaves whatever follows its first
//! 1 KiB unread until another key arrives.
use crossterm::event::{
    Event, KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

const ESC: u8 = 0x1b;
const PASTE_END: &[u8] = b"\x1b[201~";
/// A paste keeps at most this many bytes (no field is near it); the rest, up to the
/// paste's end, is read and dropped.
pub const MAX_PASTE: usize = 1 << 20;
/// A control sequence this long without its final byte is noise, not a key.
const MAX_SEQUENCE: usize = 64;

/// Bytes not yet decoded: the start of a sequence, or a paste still arriving.
#[derive(Debug, Default)]
pub struct Decoder {
    pending: Vec<u8>,
    paste: Option<Vec<u8>>,
}

/// What the bytes at the front decode to.
enum Decoded {
    /// An event (or a sequence that means nothing here) and how many bytes it took.
    Event(Option<Event>, usize),
    /// The start of a bracketed paste and the length of its marker.
    PasteStart(usize),
    /// The bytes so far start something longer.
    Incomplete,
}

impl Decoder {
    /// Decodes `bytes` after what came before; complete events are appended to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut Vec<Event>) {
        self.pending.extend_from_slice(bytes);
        let mut at = 0;
        loop {
            if let Some(paste) = &mut self.paste {
                let rest = &self.pending[at..];
                match find(rest, PASTE_END) {
                    Some(end) => {
                        push_capped(paste, &rest[..end]);
                        out.push(Event::Paste(paste_text(paste)));
                        self.paste = None;
                        at += end + PASTE_END.len();
                    }
                    None => {
                        // Keep what could be the start of the end marker.
                        let keep = rest.len().min(PASTE_END.len() - 1);
                        push_capped(paste, &rest[..rest.len() - keep]);
                        at += rest.len() - keep;
                        break;
                    }
                }
                continue;
            }
            if at == self.pending.len() {
                break;
            }
            match decode(&self.pending[at..]) {
                Decoded::Event(event, n) => {
                    out.extend(event);
                    at += n;
                }
                Decoded::PasteStart(n) => {
                    self.paste = Some(Vec::new());
                    at += n;
                }
                Decoded::Incomplete => break,
            }
        }
        self.pending.drain(..at);
    }

    /// Whether bytes are waiting for more: an Esc that may start a sequence, a
    /// sequence or a character cut short, a paste not ended yet.
    pub fn waiting(&self) -> bool {
        !self.pending.is_empty() || self.paste.is_some()
    }

    /// Whether a paste has started and not ended.
    pub fn in_paste(&self) -> bool {
        self.paste.is_some()
    }

    /// Nothing more came for a while: what is waiting is complete as it is. A lone Esc
    /// is the Esc key, a paste whose end never came ends here, and a cut-short
    /// sequence is an Esc followed by its bytes as keys.
    pub fn idle(&mut self, out: &mut Vec<Event>) {
        if let Some(mut paste) = self.paste.take() {
            push_capped(&mut paste, &self.pending);
            self.pending.clear();
            out.push(Event::Paste(paste_text(&paste)));
            return;
        }
        while !self.pending.is_empty() {
            let first = self.pending.remove(0);
            if first == ESC {
                out.push(Event::Key(KeyCode::Esc.into()));
            }
            // Anything else left is a broken character: dropped.
            let rest = std::mem::take(&mut self.pending);
            self.feed(&rest, out);
        }
    }
}

fn push_capped(paste: &mut Vec<u8>, bytes: &[u8]) {
    let room = MAX_PASTE.saturating_sub(paste.len());
    paste.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// A paste's text: terminals send line breaks as CR.
fn paste_text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes)
        .replace("\r\n", "\n")
        .replace('\r', "\n")
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn key(code: KeyCode, modifiers: KeyModifiers) -> Option<Event> {
    Some(Event::Key(KeyEvent::new(code, modifiers)))
}

fn decode(buf: &[u8]) -> Decoded {
    if buf[0] != ESC {
        return plain(buf);
    }
    match buf.get(1) {
        None => Decoded::Incomplete,
        Some(b'[') => csi(buf),
        Some(b'O') => match buf.get(2) {
            None => Decoded::Incomplete,
            Some(&b) => Decoded::Event(ss3(b), 3),
        },
        Some(&ESC) => Decoded::Event(key(KeyCode::Esc, KeyModifiers::NONE), 1),
        // Esc then a key: that key with Alt, as terminals send it.
        Some(_) => match plain(&buf[1..]) {
            Decoded::Event(Some(Event::Key(mut k)), n) => {
                k.modifiers |= KeyModifiers::ALT;
                Decoded::Event(Some(Event::Key(k)), n + 1)
            }
            Decoded::Event(other, n) => Decoded::Event(other, n + 1),
            other => other,
        },
    }
}

/// A byte or a UTF-8 character outside any sequence.
fn plain(buf: &[u8]) -> Decoded {
    let none = KeyModifiers::NONE;
    let ctrl = KeyModifiers::CONTROL;
    let event = match buf[0] {
        b'\r' => key(KeyCode::Enter, none),
        b'\t' => key(KeyCode::Tab, none),
        0x7f | 0x08 => key(KeyCode::Backspace, none),
        0 => key(KeyCode::Char(' '), ctrl),
        // In raw mode LF is Ctrl-J, as crossterm reads it.
        c @ 0x01..=0x1a => key(KeyCode::Char((c - 1 + b'a') as char), ctrl),
        c @ 0x1c..=0x1f => key(KeyCode::Char((c - 0x1c + b'4') as char), ctrl),
        _ => return utf8(buf),
    };
    Decoded::Event(event, 1)
}

fn utf8(buf: &[u8]) -> Decoded {
    let len = match buf[0] {
        0x00..=0x7f => 1,
        0xc2..=0xdf => 2,
        0xe0..=0xef => 3,
        0xf0..=0xf4 => 4,
        _ => return Decoded::Event(None, 1),
    };
    if buf.len() < len {
        // A continuation byte that cannot be one ends the character early.
        return match buf[1..].iter().position(|b| b & 0xc0 != 0x80) {
            Some(bad) => Decoded::Event(None, bad + 1),
            None => Decoded::Incomplete,
        };
    }
    match std::str::from_utf8(&buf[..len])
        .ok()
        .and_then(|s| s.chars().next())
    {
        Some(c) => {
            let modifiers = if c.is_uppercase() {
                KeyModifiers::SHIFT
            } else {
                KeyModifiers::NONE
            };
            Decoded::Event(key(KeyCode::Char(c), modifiers), len)
        }
        None => Decoded::Event(None, 1),
    }
}

/// `ESC O x`: the cursor keys in application mode, and F1 to F4.
fn ss3(b: u8) -> Option<Event> {
    let code = match b {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + b - b'P'),
        _ => return None,
    };
    key(code, KeyModifiers::NONE)
}

/// `ESC [ parameters final`: keys, mouse reports, the start of a paste.
fn csi(buf: &[u8]) -> Decoded {
    // X10 mouse: `ESC [ M` and three bytes.
    if buf.get(2) == Some(&b'M') {
        return match buf.get(3..6) {
            Some(b) => Decoded::Event(mouse(b[0].saturating_sub(32) as u16, b[1], b[2]), 6),
            None => Decoded::Incomplete,
        };
    }
    let Some(end) = buf[2..]
        .iter()
        .position(|b| !(0x20..=0x3f).contains(b))
        .map(|i| i + 2)
    else {
        return if buf.len() > MAX_SEQUENCE {
            Decoded::Event(None, buf.len())
        } else {
            Decoded::Incomplete
        };
    };
    let params = &buf[2..end];
    let last = buf[end];
    let n = end + 1;
    if !(0x40..=0x7e).contains(&last) {
        // Not a control sequence after all: drop the introducer.
        return Decoded::Event(None, 2);
    }
    if params == b"200" && last == b'~' {
        return Decoded::PasteStart(n);
    }
    if let Some(sgr) = params.strip_prefix(b"<") {
        return Decoded::Event(sgr_mouse(sgr, last), n);
    }
    let numbers: Vec<u16> = std::str::from_utf8(params)
        .unwrap_or("")
        .split(';')
        .map(|p| p.parse().unwrap_or(0))
        .collect();
    let modifiers = modifiers(numbers.get(1).copied().unwrap_or(1));
    let code = match last {
        b'A' => KeyCode::Up,
        b'B' => KeyCode::Down,
        b'C' => KeyCode::Right,
        b'D' => KeyCode::Left,
        b'H' => KeyCode::Home,
        b'F' => KeyCode::End,
        b'P'..=b'S' => KeyCode::F(1 + last - b'P'),
        b'Z' => return Decoded::Event(key(KeyCode::BackTab, KeyModifiers::SHIFT), n),
        // rxvt mouse: `ESC [ b ; x ; y M`.
        b'M' if numbers.len() == 3 => {
            let (b, x, y) = (numbers[0].saturating_sub(32), numbers[1], numbers[2]);
            return Decoded::Event(mouse_at(b, x, y, false), n);
        }
        b'~' => match numbers[0] {
            1 | 7 => KeyCode::Home,
            2 => KeyCode::Insert,
            3 => KeyCode::Delete,
            4 | 8 => KeyCode::End,
            5 => KeyCode::PageUp,
            6 => KeyCode::PageDown,
            f @ 11..=15 => KeyCode::F((f - 10) as u8),
            f @ 17..=21 => KeyCode::F((f - 11) as u8),
            f @ 23..=24 => KeyCode::F((f - 12) as u8),
            _ => return Decoded::Event(None, n),
        },
        // Focus reports, answers to queries, keys this wizard has no use for.
        _ => return Decoded::Event(None, n),
    };
    Decoded::Event(key(code, modifiers), n)
}

/// xterm's modifier parameter: 1 plus a bit mask.
fn modifiers(param: u16) -> KeyModifiers {
    let mask = param.saturating_sub(1);
    let mut m = KeyModifiers::NONE;
    for (bit, modifier) in [
        (1, KeyModifiers::SHIFT),
        (2, KeyModifiers::ALT),
        (4, KeyModifiers::CONTROL),
    ] {
        if mask & bit != 0 {
            m |= modifier;
        }
    }
    m
}

/// `ESC [ < b ; x ; y M` (pressed, moved) or `m` (released).
fn sgr_mouse(params: &[u8], last: u8) -> Option<Event> {
    if last != b'M' && last != b'm' {
        return None;
    }
    let mut numbers = std::str::from_utf8(params).ok()?.split(';');
    let mut next = || numbers.next()?.parse::<u16>().ok();
    let (b, x, y) = (next()?, next()?, next()?);
    mouse_at(b, x, y, last == b'm')
}

/// X10 coordinates are bytes offset by 32.
fn mouse(b: u16, x: u8, y: u8) -> Option<Event> {
    mouse_at(
        b,
        x.saturating_sub(32) as u16,
        y.saturating_sub(32) as u16,
        false,
    )
}

/// A mouse report: `b` holds the button, motion, wheel and modifier bits; `x` and `y`
/// count from 1.
fn mouse_at(b: u16, x: u16, y: u16, released: bool) -> Option<Event> {
    let button = match b & 0b11 {
        0 => MouseButton::Left,
        1 => MouseButton::Middle,
        _ => MouseButton::Right,
    };
    let kind = if b & 64 != 0 {
        match b & 0b11 {
            0 => MouseEventKind::ScrollUp,
            1 => MouseEventKind::ScrollDown,
            2 => MouseEventKind::ScrollLeft,
            _ => MouseEventKind::ScrollRight,
        }
    } else if b & 32 != 0 {
        if b & 0b11 == 3 {
            MouseEventKind::Moved
        } else {
            MouseEventKind::Drag(button)
        }
    } else if released || b & 0b11 == 3 {
        MouseEventKind::Up(button)
    } else {
        MouseEventKind::Down(button)
    };
    let mut modifiers = KeyModifiers::NONE;
    for (bit, modifier) in [
        (4, KeyModifiers::SHIFT),
        (8, KeyModifiers::ALT),
        (16, KeyModifiers::CONTROL),
    ] {
        if b & bit != 0 {
            modifiers |= modifier;
        }
    }
    Some(Event::Mouse(MouseEvent {
        kind,
        column: x.saturating_sub(1),
        row: y.saturating_sub(1),
        modifiers,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(bytes: &[u8]) -> Vec<Event> {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        d.feed(bytes, &mut out);
        d.idle(&mut out);
        out
    }

    fn k(code: KeyCode) -> Event {
        Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
    }

    fn km(code: KeyCode, m: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, m))
    }

    #[test]
    fn keys_and_their_sequences() {
        use KeyCode::*;
        let cases: Vec<(&[u8], Vec<Event>)> = vec![
            (
                b"a\r\t\x7f",
                vec![k(Char('a')), k(Enter), k(Tab), k(Backspace)],
            ),
            (b"A", vec![km(Char('A'), KeyModifiers::SHIFT)]),
            ("é日".as_bytes(), vec![k(Char('é')), k(Char('日'))]),
            (
                b"\x15\x03",
                vec![
                    km(Char('u'), KeyModifiers::CONTROL),
                    km(Char('c'), KeyModifiers::CONTROL),
                ],
            ),
            (
                b"\x1b[A\x1b[B\x1b[C\x1b[D",
                vec![k(Up), k(Down), k(Right), k(Left)],
            ),
            (b"\x1bOA\x1bOH\x1b[F", vec![k(Up), k(Home), k(End)]),
            (
                b"\x1b[3~\x1b[5~\x1b[6~\x1b[1~\x1b[4~",
                vec![k(Delete), k(PageUp), k(PageDown), k(Home), k(End)],
            ),
            (b"\x1b[Z", vec![km(BackTab, KeyModifiers::SHIFT)]),
            (b"\x1b[1;5C", vec![km(Right, KeyModifiers::CONTROL)]),
            (b"\x1bx", vec![km(Char('x'), KeyModifiers::ALT)]),
            (b"\x1b\x1b[A", vec![k(Esc), k(Up)]),
            // Focus reports and answers to queries mean nothing here.
            (b"\x1b[I\x1b[?62;22cq", vec![k(Char('q'))]),
        ];
        for (bytes, want) in cases {
            assert_eq!(events(bytes), want, "{bytes:?}");
        }
    }

    #[test]
    fn mouse_reports() {
        let click = |kind, column, row| {
            Event::Mouse(MouseEvent {
                kind,
                column,
                row,
                modifiers: KeyModifiers::NONE,
            })
        };
        assert_eq!(
            events(b"\x1b[<0;5;3M\x1b[<0;5;3m\x1b[<65;1;1M"),
            vec![
                click(MouseEventKind::Down(MouseButton::Left), 4, 2),
                click(MouseEventKind::Up(MouseButton::Left), 4, 2),
                click(MouseEventKind::ScrollDown, 0, 0),
            ]
        );
        assert_eq!(
            events(b"\x1b[M #$"),
            vec![click(MouseEventKind::Down(MouseButton::Left), 2, 3)]
        );
    }

    #[test]
    fn a_bracketed_paste_is_one_event_whatever_it_holds() {
        let text = "line one\r\nline\x1b[Atwo\t\r";
        let bytes = format!("x\x1b[200~{text}\x1b[201~y");
        assert_eq!(
            events(bytes.as_bytes()),
            vec![
                k(KeyCode::Char('x')),
                Event::Paste("line one\nline\x1b[Atwo\t\n".into()),
                k(KeyCode::Char('y')),
            ]
        );
    }

    /// Bytes split anywhere, across as many reads as it takes, decode the same.
    #[test]
    fn reads_split_anywhere_decode_the_same() {
        let bytes: &[u8] =
            "a\x1b[1;5Cé\x1b[<0;12;7M\x1b[200~paste\r\x1b[201~\x1bOB日\x1b[3~".as_bytes();
        let whole = events(bytes);
        assert_eq!(whole.len(), 8, "{whole:?}");
        for split in 1..bytes.len() {
            let mut d = Decoder::default();
            let mut out = Vec::new();
            d.feed(&bytes[..split], &mut out);
            d.feed(&bytes[split..], &mut out);
            assert!(!d.waiting(), "split at {split}");
            assert_eq!(out, whole, "split at {split}");
        }
        let mut d = Decoder::default();
        let mut out = Vec::new();
        for b in bytes {
            d.feed(std::slice::from_ref(b), &mut out);
        }
        assert_eq!(out, whole, "byte by byte");
    }

    #[test]
    fn a_lone_esc_is_a_key_once_nothing_follows() {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        d.feed(b"abc\x1b", &mut out);
        assert_eq!(out.len(), 3);
        assert!(d.waiting());
        d.idle(&mut out);
        assert_eq!(out[3], k(KeyCode::Esc));
        assert!(!d.waiting());
        // A sequence cut short is an Esc and then its bytes as keys.
        let cut = events(b"\x1b[1;");
        assert_eq!(cut[0], k(KeyCode::Esc));
    }

    #[test]
    fn a_paste_without_its_end_ends_when_input_stops_and_is_capped() {
        let mut d = Decoder::default();
        let mut out = Vec::new();
        d.feed(b"\x1b[200~", &mut out);
        let chunk = vec![b'z'; 64 * 1024];
        for _ in 0..(MAX_PASTE / chunk.len() + 4) {
            d.feed(&chunk, &mut out);
        }
        assert!(out.is_empty() && d.in_paste());
        d.idle(&mut out);
        match &out[..] {
            [Event::Paste(p)] => assert_eq!(p.len(), MAX_PASTE),
            other => panic!("{other:?}"),
        }
        assert!(!d.waiting());
    }

    #[test]
    fn noise_is_dropped_not_kept() {
        let mut noise = b"\x1b[".to_vec();
        noise.extend(std::iter::repeat_n(b'1', 200));
        let mut d = Decoder::default();
        let mut out = Vec::new();
        d.feed(&noise, &mut out);
        d.feed(b"q", &mut out);
        assert_eq!(out, vec![k(KeyCode::Char('q'))]);
        assert_eq!(events(&[0xff, 0xc3, b'a']), vec![k(KeyCode::Char('a'))]);
    }
}
