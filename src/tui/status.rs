//! `status` on a terminal: the report full screen, probed again every few seconds in the
//! background (the screen answers keys while the probes run), `r` at once; scrolled
//! with the arrows and PgUp/PgDn; `q`, Esc or Ctrl-C leave with the last report's exit
//! status. The probes and the judgement are `status`'s own (`cli::status_cmd::Session`).
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::time::Duration;

use anyhow::Result;
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

use super::reader::{Input, Reader};
use super::signals::Signals;
use super::theme::Theme;
use super::widgets::{block, rect};
use super::{Screen, TICK, look};
use crate::cli::status_cmd::Session;
use crate::exit_status::ExitStatus;
use crate::safe_text::escape;
use crate::status::lines::{Tone, lines};
use crate::status::{Level, Report};
use crate::wizard::layout::Area;
use crate::wizard::state::Look;

/// What the background prober is told.
enum Ask {
    Now,
    Stop,
}

/// Runs the status screen over an open session, probing every `every`.
pub fn run(session: Session, every: Duration, ascii: bool) -> Result<ExitStatus> {
    let look = look(ascii);
    let cancel = session.cancel_token();
    let (ask_tx, ask_rx) = mpsc::channel::<Ask>();
    let (report_tx, report_rx) = mpsc::channel::<Report>();
    let prober = std::thread::spawn(move || probe_loop(session, every, ask_rx, report_tx));
    let signals = Signals::catch()?;
    let status = {
        let _guard = Screen::enter()?;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
        show(&mut terminal, &signals, &ask_tx, &report_rx, look)?
    };
    // Stop a probe under way (its running tool is killed) and the loop.
    cancel.cancel();
    let _ = ask_tx.send(Ask::Stop);
    let _ = prober.join();
    Ok(status)
}

/// Probes, sends the report, waits for the next round (or `r`), until told to stop.
fn probe_loop(session: Session, every: Duration, asks: Receiver<Ask>, reports: Sender<Report>) {
    loop {
        let Some(report) = session.round() else {
            return;
        };
        if reports.send(report).is_err() {
            return;
        }
        match asks.recv_timeout(every) {
            Ok(Ask::Now) | Err(RecvTimeoutError::Timeout) => {}
            Ok(Ask::Stop) | Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// The screen's loop: draws the last report, reads keys.
fn show(
    terminal: &mut ratatui::DefaultTerminal,
    signals: &Signals,
    ask: &Sender<Ask>,
    reports: &Receiver<Report>,
    look: Look,
) -> Result<ExitStatus> {
    let mut input = Reader::stdin();
    let mut report: Option<Report> = None;
    let mut checking = true;
    let mut scroll = 0usize;
    loop {
        let shown = report.as_ref().map(lines).unwrap_or_default();
        let height = terminal.size()?.height.saturating_sub(4) as usize;
        scroll = scroll.min(shown.len().saturating_sub(height));
        terminal.draw(|f| draw(f, report.as_ref(), &shown, scroll, checking, look))?;
        let events = loop {
            if let Some(sig) = signals.ending() {
                return Ok(ExitStatus::Signal(sig as u8));
            }
            if signals.take_resized() {
                break Vec::new();
            }
            if let Ok(r) = reports.try_recv() {
                report = Some(r);
                checking = false;
                break Vec::new();
            }
            match input.wait(TICK) {
                Input::HungUp => return Ok(ExitStatus::Signal(libc::SIGHUP as u8)),
                Input::Events(e) if !e.is_empty() => break e,
                Input::Events(_) => {}
            }
        };
        for event in events {
            let Event::Key(k) = event else { continue };
            if k.kind == KeyEventKind::Release {
                continue;
            }
            let ctrl_c =
                k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c');
            match k.code {
                KeyCode::Char('q') | KeyCode::Esc => return Ok(ended(report.as_ref())),
                _ if ctrl_c => return Ok(ended(report.as_ref())),
                KeyCode::Char('r') => {
                    checking = true;
                    let _ = ask.send(Ask::Now);
                }
                KeyCode::Up | KeyCode::Char('k') => scroll = scroll.saturating_sub(1),
                KeyCode::Down | KeyCode::Char('j') => scroll += 1,
                KeyCode::PageUp => scroll = scroll.saturating_sub(height.max(1)),
                KeyCode::PageDown => scroll += height.max(1),
                KeyCode::Home => scroll = 0,
                KeyCode::End => scroll = usize::MAX,
                _ => {}
            }
        }
    }
}

/// The exit status on leaving: the last report's (0 healthy, 1 needs attention).
fn ended(report: Option<&Report>) -> ExitStatus {
    report.map_or(ExitStatus::Success, Report::exit_status)
}

fn draw(
    f: &mut Frame,
    report: Option<&Report>,
    shown: &[(Tone, String)],
    scroll: usize,
    checking: bool,
    look: Look,
) {
    let theme = Theme::new(look);
    let area = f.area();
    let style_of = |tone: Tone| match tone {
        Tone::Heading => theme.heading(),
        Tone::Check(Level::Error) => theme.error(),
        Tone::Check(Level::Warning) => theme.warning(),
        Tone::Check(Level::Ok) => theme.ok(),
        Tone::Check(Level::Info) | Tone::Detail => theme.dim(),
        Tone::Plain => ratatui::style::Style::default(),
    };
    let mut body: Vec<Line> = if shown.is_empty() {
        vec![Line::from(Span::styled(
            "  Checking the host's units, health endpoints, disk, secrets, certificates and backup…",
            theme.dim(),
        ))]
    } else {
        shown
            .iter()
            .skip(scroll)
            .map(|(tone, text)| Line::from(Span::styled(text.clone(), style_of(*tone))))
            .collect()
    };
    let inner = area.height.saturating_sub(3) as usize;
    body.truncate(inner);
    let state = if checking { "checking…" } else { "checked" };
    let title = match report {
        Some(r) => format!(
            "Status of {}{} ({state})",
            escape(&r.host),
            r.via
                .as_ref()
                .map(|v| format!(" through ssh {}", escape(v)))
                .unwrap_or_default()
        ),
        None => format!("Status ({state})"),
    };
    let main = Area {
        x: 0,
        y: 0,
        width: area.width,
        height: area.height.saturating_sub(1),
    };
    // Long lines wrap (a journal line, a long next step) rather than lose their end.
    f.render_widget(
        Paragraph::new(body)
            .block(block(&title, &theme))
            .wrap(Wrap { trim: false }),
        rect(main),
    );
    let keys = Area {
        x: 1,
        y: area.height.saturating_sub(1),
        width: area.width.saturating_sub(1),
        height: 1,
    };
    f.render_widget(
        Paragraph::new(Line::from(Span::styled(
            format!(
                "r check again   {} PgUp PgDn scroll   q quit",
                look.up_down()
            ),
            theme.key(),
        ))),
        rect(keys),
    );
}
