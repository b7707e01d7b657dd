//! Large pastes into a field of the full-screen wizard, through a pseudo-terminal: the
//! whole text lands in the field, the wizard then waits idle for the next key, and Esc
//! puts the old value back. Both a bracketed paste (what a terminal sends once the
//! wizard asks for it) and a plain burst of bytes (a terminal without it) are tried.
use std::time::Duration;

use crate::support::pty::{self, ENTER, Wizard};

const ESC: &str = "\x1b";

/// A new host at the Host step, editing the host name (its value is "pds7").
fn editing_the_host_name() -> (tempfile::TempDir, Wizard) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut w = Wizard::start(&["new", "--dir", dir.to_str().unwrap()]);
    w.wait_for("A community PDS");
    w.send(ENTER);
    w.wait_for("Host: the machine");
    w.replace_field("pds7");
    w.wait_for("pds7");
    w.send(pty::UP);
    w.send(ENTER);
    w.wait_for("Esc cancel");
    (tmp, w)
}

/// `n` characters ending in a marker that shows at the end of the edited field.
fn long_text(n: usize) -> String {
    format!("{}TAILMARK", "a".repeat(n - 8))
}

/// A paste is read whole and then the wizard sleeps: over a second of waiting it uses a
/// small fraction of a second of processor time (a busy loop would use all of it).
fn assert_idle(w: &Wizard) {
    let before = w.cpu_time();
    std::thread::sleep(Duration::from_secs(1));
    let used = w.cpu_time() - before;
    assert!(
        used < Duration::from_millis(300),
        "the wizard used {used:?} of processor time while waiting for a key"
    );
}

#[test]
fn a_bracketed_paste_lands_whole_and_esc_cancels_it() {
    let (_tmp, mut w) = editing_the_host_name();
    w.send(&format!("\x1b[200~{}\x1b[201~", long_text(10_000)));
    w.wait_for("TAILMARK");
    assert_idle(&w);
    w.send(ESC);
    w.wait_for("Enter edit");
    let text = w.text();
    assert!(text.contains("pds7"), "{text}");
    assert!(!text.contains("TAILMARK"), "{text}");
}

#[test]
fn a_burst_of_plain_bytes_is_read_whole_and_esc_cancels_it() {
    let (_tmp, mut w) = editing_the_host_name();
    w.send(&long_text(1_500));
    w.wait_for("TAILMARK");
    assert_idle(&w);
    w.send(ESC);
    w.wait_for("Enter edit");
    assert!(w.text().contains("pds7"), "{}", w.text());

    // Ten thousand, then Esc straight after in the same write.
    w.send(ENTER);
    w.wait_for("Esc cancel");
    w.send(&format!("{}{ESC}", long_text(10_000)));
    w.wait_for("Enter edit");
    let text = w.text();
    assert!(text.contains("pds7"), "{text}");
    assert!(!text.contains("TAILMARK"), "{text}");
    assert_idle(&w);
}
