//! The real prompter: inquire's line prompts on the terminal. Only line prompts (no
//! full-screen drawing, no box drawing), so it works over a serial console, `ssh -t` and
//! with a screen reader. Colour only with `NO_COLOR` unset and a terminal, and never
//! alone (the flow says "error:" and "warning:" in words); `--ascii` keeps every
//! character ASCII, including inquire's own prefixes and help lines.
use std::io::Write;

use inquire::ui::{RenderConfig, Styled};
use inquire::{InquireError, MultiSelect, Select, Text};

use super::prompter::{
    Asked, ConfirmAsk, MultiAsk, PromptError, Prompter, Reply, SelectAsk, TextAsk,
};
use super::text::to_ascii;

pub struct Terminal {
    ascii: bool,
    colour: bool,
}

impl Terminal {
    pub fn new(ascii: bool, colour: bool) -> Terminal {
        Terminal { ascii, colour }
    }

    /// The terminal's width in columns (80 when it cannot tell).
    pub fn width() -> usize {
        crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w).clamp(30, 200))
    }

    fn page_size() -> usize {
        crossterm::terminal::size()
            .map_or(10, |(_, h)| usize::from(h).saturating_sub(8).clamp(3, 15))
    }

    fn plain(&self, text: &str) -> String {
        if self.ascii {
            to_ascii(text)
        } else {
            text.to_string()
        }
    }

    fn config(&self) -> RenderConfig<'static> {
        // Both configs use ASCII prefixes ("?", ">", "[x]", "^", "v").
        if self.colour {
            RenderConfig::default_colored()
        } else {
            // An answered prompt reads "> question answer", not "? ...".
            RenderConfig::empty().with_answered_prompt_prefix(Styled::new(">"))
        }
    }

    /// Options shortened to one line of the terminal: inquire redraws a list by lines,
    /// and a wrapped option would break that on narrow terminals.
    fn fit(&self, options: &[String], prefix: usize) -> Vec<String> {
        let room = Terminal::width().saturating_sub(prefix + 2).max(20);
        options
            .iter()
            .map(|o| {
                let o = self.plain(o);
                if o.chars().count() > room {
                    let cut: String = o.chars().take(room - 3).collect();
                    format!("{cut}...")
                } else {
                    o
                }
            })
            .collect()
    }
}

fn outcome<T>(result: Result<T, InquireError>) -> Asked<T> {
    match result {
        Ok(v) => Ok(Reply::Answer(v)),
        Err(InquireError::OperationCanceled) => Ok(Reply::Cancel),
        Err(InquireError::OperationInterrupted) => {
            // inquire leaves the prompt drawn on Ctrl-C (on Esc it writes "<canceled>"):
            // clear what is below the cursor and end the line the same way.
            let mut err = std::io::stderr();
            let _ = err.write_all(b"\x1b[J <canceled>\n");
            let _ = err.flush();
            Ok(Reply::Cancel)
        }
        Err(InquireError::NotTTY) => Err(PromptError::NoTerminal),
        Err(e) => Err(PromptError::Io(e.to_string())),
    }
}

impl Prompter for Terminal {
    fn say(&mut self, text: &str) {
        // On stderr, with inquire's prompts: the questions and what they are about stay
        // together even when stdout is redirected.
        let mut out = std::io::stderr();
        let _ = out.write_all(self.plain(text).as_bytes());
        let _ = out.flush();
    }

    fn text(&mut self, ask: &TextAsk) -> Asked<String> {
        let message = self.plain(&ask.message);
        let hint = self.plain(&ask.hint);
        let default = ask.default.as_deref().map(|d| self.plain(d));
        let mut prompt = Text::new(&message)
            .with_help_message(&hint)
            .with_render_config(self.config());
        if let Some(d) = default.as_deref() {
            prompt = prompt.with_default(d);
        }
        let answer = outcome(prompt.prompt())?;
        // The ASCII form of the default stands for the default itself.
        Ok(match answer {
            Reply::Answer(a) if Some(a.as_str()) == default.as_deref() => {
                Reply::Answer(ask.default.clone().unwrap_or(a))
            }
            other => other,
        })
    }

    fn select(&mut self, ask: &SelectAsk) -> Asked<usize> {
        let message = self.plain(&ask.message);
        let hint = self.plain(&ask.hint);
        let options: Vec<Indexed> = self
            .fit(&ask.options, 2)
            .into_iter()
            .enumerate()
            .map(|(i, text)| Indexed(i, text))
            .collect();
        let prompt = Select::new(&message, options)
            .with_starting_cursor(ask.start.min(ask.options.len().saturating_sub(1)))
            .with_help_message(&hint)
            .with_page_size(Terminal::page_size())
            .with_render_config(self.config());
        Ok(match outcome(prompt.prompt())? {
            Reply::Answer(Indexed(i, _)) => Reply::Answer(i),
            Reply::Cancel => Reply::Cancel,
        })
    }

    fn multi_select(&mut self, ask: &MultiAsk) -> Asked<Vec<usize>> {
        let message = self.plain(&ask.message);
        let hint = self.plain(&ask.hint);
        let options: Vec<Indexed> = self
            .fit(&ask.options, 6)
            .into_iter()
            .enumerate()
            .map(|(i, text)| Indexed(i, text))
            .collect();
        let formatter = &|chosen: &[inquire::list_option::ListOption<&Indexed>]| {
            if chosen.is_empty() {
                "none".to_string()
            } else {
                format!("{} chosen", chosen.len())
            }
        };
        let prompt = MultiSelect::new(&message, options)
            .with_default(&ask.selected)
            .with_help_message(&hint)
            .with_page_size(Terminal::page_size())
            .with_formatter(formatter)
            .with_render_config(self.config());
        Ok(match outcome(prompt.prompt())? {
            Reply::Answer(chosen) => {
                let mut v: Vec<usize> = chosen.into_iter().map(|Indexed(i, _)| i).collect();
                v.sort_unstable();
                Reply::Answer(v)
            }
            Reply::Cancel => Reply::Cancel,
        })
    }

    fn confirm(&mut self, ask: &ConfirmAsk) -> Asked<bool> {
        // inquire shows "(y/N)" itself.
        let message = self.plain(
            ask.message
                .trim_end_matches(" (y/N)")
                .trim_end_matches(" (Y/n)"),
        );
        let hint = self.plain(&ask.hint);
        let prompt = inquire::Confirm::new(&message)
            .with_default(ask.default)
            .with_help_message(&hint)
            .with_render_config(self.config());
        outcome(prompt.prompt())
    }
}

/// An option with its place in the list, shown as its text.
#[derive(Clone)]
struct Indexed(usize, String);

impl std::fmt::Display for Indexed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.1)
    }
}
