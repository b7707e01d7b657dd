//! `fleet edit` full screen: the fleet view (each host with its services and its
//! state), Enter opens the selected host in the usual steps on the same screen (checked
//! with its fleet; Write saves its answers and comes back here), `a` leaves the full
//! screen and applies the fleet with `fleet apply`'s diff and one question, `q` quits.
use std::path::Path;

use anyhow::Result;
use crossterm::event::{Event, KeyCode, KeyEventKind, KeyModifiers};
use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::reader::{Input, Reader};
use super::signals::Signals;
use super::theme::Theme;
use super::widgets::{block, rect};
use super::{Screen, TICK, event_loop, keep, look};
use crate::catalog::Catalog;
use crate::cli::fleet_edit;
use crate::exit_status::ExitStatus;
use crate::report::Style;
use crate::safe_text::escape;
use crate::wizard::action::Action;
use crate::wizard::draft::Draft;
use crate::wizard::fleet_view::{FleetChoice, FleetKey, FleetView};
use crate::wizard::layout::Area;
use crate::wizard::state::{Look, StepStatus, WizardState, WriteOutcome};
use crate::wizard::update::update;

/// Runs the fleet view on the terminal; returns the exit status.
pub fn run(file: &Path, ascii: bool) -> Result<ExitStatus> {
    let catalog = Catalog::embedded();
    let look = look(ascii);
    // Unreadable before the screen is taken: said on the main screen.
    if let Err((report, status)) = fleet_edit::read(file, Style::for_stderr()) {
        eprint!("{report}");
        return Ok(status);
    }
    let signals = Signals::catch()?;
    let mut message: Option<String> = None;
    let mut selected = 0;
    let choice = {
        let _guard = Screen::enter()?;
        let mut terminal =
            ratatui::Terminal::new(ratatui::backend::CrosstermBackend::new(std::io::stdout()))?;
        loop {
            let loaded = match fleet_edit::read(file, Style::plain()) {
                Ok(l) => l,
                Err((report, status)) => {
                    drop(_guard);
                    eprint!("{report}");
                    return Ok(status);
                }
            };
            let mut view = fleet_edit::view(catalog, &loaded);
            view.selected = selected.min(view.rows.len().saturating_sub(1));
            view.message = message.take();
            let chosen = match choose(&mut terminal, &signals, &mut view, look)? {
                Ok(c) => c,
                Err(status) => return Ok(status),
            };
            selected = view.selected;
            let FleetChoice::Open(index) = chosen else {
                break chosen;
            };
            let name = view.rows[index].name.clone();
            let host = match fleet_edit::open_host(&loaded, index) {
                Ok(h) => h,
                Err(why) => {
                    message = Some(why);
                    continue;
                }
            };
            let draft = match Draft::parse(catalog, &host.text) {
                Ok(d) => d.in_fleet(host.seat),
                Err(e) => {
                    message = Some(format!("{name}: {e}"));
                    continue;
                }
            };
            let dir_state = match crate::disk::host::read_host_files(
                &host.dir,
                crate::disk::read::Links::Refuse,
            ) {
                Ok(d) => d,
                Err(e) => {
                    message = Some(format!("{name}: {e}"));
                    continue;
                }
            };
            let mut state = WizardState::edit_host(host.dir.clone(), dir_state, draft);
            state.look = look;
            let size = terminal.size()?;
            update(&mut state, Action::Resize(size.width, size.height));
            let mut keeping = keep::Keeping::start(None, &mut state);
            let status = event_loop(&mut terminal, &mut state, &signals, &mut keeping)?;
            if let ExitStatus::Signal(_) = status {
                return Ok(status);
            }
            message = Some(match &state.outcome {
                Some(WriteOutcome::Written { .. }) => {
                    format!("{name}: answers saved. a applies the fleet (every host's files).")
                }
                Some(WriteOutcome::NothingToDo { .. }) => format!("{name}: nothing to change."),
                _ => format!("{name}: nothing saved."),
            });
        }
    };
    drop(signals);
    match choice {
        FleetChoice::Apply => {
            let mut ask = crate::cli::hand_off::ask_on_terminal;
            Ok(fleet_edit::apply(
                catalog,
                file,
                Style::for_stdout(),
                &mut ask,
                &mut std::io::stdout(),
            ))
        }
        _ => Ok(ExitStatus::Success),
    }
}

/// Shows the view until the operator chooses; `Err(status)` when a signal or a hang-up
/// ends the session.
fn choose(
    terminal: &mut ratatui::DefaultTerminal,
    signals: &Signals,
    view: &mut FleetView,
    look: Look,
) -> Result<std::result::Result<FleetChoice, ExitStatus>> {
    let mut input = Reader::stdin();
    loop {
        terminal.draw(|f| draw(f, view, look))?;
        let events = loop {
            if let Some(sig) = signals.ending() {
                return Ok(Err(ExitStatus::Signal(sig as u8)));
            }
            if signals.take_resized() {
                break Vec::new();
            }
            match input.wait(TICK) {
                Input::HungUp => return Ok(Err(ExitStatus::Signal(libc::SIGHUP as u8))),
                Input::Events(e) if !e.is_empty() => break e,
                Input::Events(_) => {}
            }
        };
        for event in events {
            let Some(key) = key_of(&event) else { continue };
            if let Some(choice) = view.key(key) {
                if choice == FleetChoice::Apply && !view.can_apply() {
                    view.message = Some(
                        "The fleet has errors (see each host's state): open the host and fix them first."
                            .into(),
                    );
                    continue;
                }
                return Ok(Ok(choice));
            }
        }
    }
}

/// The fleet view's keys.
fn key_of(event: &Event) -> Option<FleetKey> {
    let Event::Key(k) = event else { return None };
    if k.kind == KeyEventKind::Release {
        return None;
    }
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return Some(FleetKey::Quit);
    }
    Some(match k.code {
        KeyCode::Up | KeyCode::Char('k') => FleetKey::Up,
        KeyCode::Down | KeyCode::Char('j') => FleetKey::Down,
        KeyCode::Enter | KeyCode::Right => FleetKey::Enter,
        KeyCode::Char('a') => FleetKey::Apply,
        KeyCode::Char('q') | KeyCode::Esc => FleetKey::Quit,
        _ => return None,
    })
}

/// The view: a heading, a row per host (its state in words, never by colour alone),
/// the fleet's own problems, the last message and the keys.
fn draw(f: &mut Frame, view: &FleetView, look: Look) {
    let theme = Theme::new(look);
    let area = f.area();
    let mut lines: Vec<Line> = vec![Line::from(Span::styled(
        format!(
            "    {:<12} {:<22} {:<10} services",
            "host", "target", "state"
        ),
        theme.dim(),
    ))];
    for (i, row) in view.rows.iter().enumerate() {
        let marker = if i == view.selected {
            look.current()
        } else {
            " "
        };
        let style = match row.status {
            _ if i == view.selected => theme.focus(),
            StepStatus::Errors(_) => theme.error(),
            StepStatus::Warnings(_) => theme.warning(),
            _ => ratatui::style::Style::default(),
        };
        let text = format!(
            "{marker} {} {}",
            row.status.symbol(look),
            escape(&FleetView::row_text(row))
        );
        lines.push(Line::from(Span::styled(text, style)));
    }
    lines.push(Line::from(""));
    for problem in &view.problems {
        lines.push(Line::from(Span::styled(
            format!("  error: {}", escape(problem)),
            theme.error(),
        )));
    }
    if let Some(m) = &view.message {
        lines.push(Line::from(Span::raw(format!("  {}", escape(m)))));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        "  Enter opens a host in the usual steps · a applies the fleet · q quits · a new host: atproto-wizard fleet add-host (or --line)",
        theme.key(),
    )));
    let title = format!(
        "Fleet {} ({}, {} hosts)",
        escape(&view.name),
        view.engine,
        view.rows.len()
    );
    let whole = Area {
        x: 0,
        y: 0,
        width: area.width,
        height: area.height,
    };
    f.render_widget(
        Paragraph::new(lines).block(block(&title, &theme)),
        rect(whole),
    );
}
