//! The line mode's only contact with the operator: a few line prompts behind a small
//! trait, so the flow (`super::flow`) can be driven by the real terminal
//! ([`super::terminal::Terminal`], inquire) or by a script in tests ([`Scripted`]).
//!
//! The prompter knows nothing of back, help or validation: the flow reads `<` and `?`
//! from text answers and adds "< Back" and "? Help" entries to its own lists.
use std::collections::VecDeque;

/// What the operator did at a prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply<T> {
    Answer(T),
    /// Esc or Ctrl-C.
    Cancel,
}

/// Why a prompt could not be asked at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PromptError {
    /// There is no terminal to ask on (inquire's `NotTTY`).
    NoTerminal,
    /// Reading or drawing failed.
    Io(String),
}

impl std::fmt::Display for PromptError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PromptError::NoTerminal => f.write_str("there is no terminal"),
            PromptError::Io(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for PromptError {}

pub type Asked<T> = Result<Reply<T>, PromptError>;

/// A line of text. An empty answer means `default` when there is one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextAsk {
    pub message: String,
    pub default: Option<String>,
    /// One line under the prompt: how to answer.
    pub hint: String,
}

/// One of a list; `start` is where the cursor begins.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectAsk {
    pub message: String,
    pub options: Vec<String>,
    pub start: usize,
    pub hint: String,
}

/// Any number of a list; `selected` are ticked at first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MultiAsk {
    pub message: String,
    pub options: Vec<String>,
    pub selected: Vec<usize>,
    pub hint: String,
}

/// Yes or no.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfirmAsk {
    pub message: String,
    pub default: bool,
    pub hint: String,
}

/// Line prompts. Every method blocks until the operator answers.
pub trait Prompter {
    /// Shows text (one or more whole lines, each ending in a newline).
    fn say(&mut self, text: &str);
    fn text(&mut self, ask: &TextAsk) -> Asked<String>;
    /// The index of the chosen option.
    fn select(&mut self, ask: &SelectAsk) -> Asked<usize>;
    /// The indices of the ticked options, in list order.
    fn multi_select(&mut self, ask: &MultiAsk) -> Asked<Vec<usize>>;
    fn confirm(&mut self, ask: &ConfirmAsk) -> Asked<bool>;
}

/// One scripted answer for [`Scripted`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Type this text and press Enter (a text prompt).
    Type(String),
    /// Press Enter: the default of a text prompt, the cursor's option of a list, the
    /// ticks as they are in a multi-select, the default of a yes/no question.
    Enter,
    /// Choose the first option containing this text (a list).
    Choose(String),
    /// Toggle the ticks of the options containing these texts, then Enter (a
    /// multi-select).
    Toggle(Vec<String>),
    /// Answer a yes/no question.
    Yes,
    No,
    /// Esc.
    Cancel,
}

/// A prompter that answers from a script and keeps a transcript of everything said
/// and asked, as the operator would have seen it (without colour). Running out of
/// script, or an answer that does not fit the prompt, panics with the transcript.
#[derive(Debug, Default)]
pub struct Scripted {
    script: VecDeque<Input>,
    pub transcript: String,
    /// Every prompt's message, in order.
    pub asked: Vec<String>,
}

impl Scripted {
    pub fn new(script: impl IntoIterator<Item = Input>) -> Scripted {
        Scripted {
            script: script.into_iter().collect(),
            ..Scripted::default()
        }
    }

    /// Whether every scripted answer was used.
    pub fn finished(&self) -> bool {
        self.script.is_empty()
    }

    /// The answers not used yet.
    pub fn left(&self) -> usize {
        self.script.len()
    }

    fn next(&mut self, what: &str) -> Input {
        match self.script.pop_front() {
            Some(i) => i,
            None => panic!(
                "the script ran out at {what}\n--- transcript ---\n{}",
                self.transcript
            ),
        }
    }

    fn wrong(&self, input: &Input, what: &str) -> ! {
        panic!(
            "scripted {input:?} does not fit {what}\n--- transcript ---\n{}",
            self.transcript
        )
    }
}

impl Prompter for Scripted {
    fn say(&mut self, text: &str) {
        self.transcript.push_str(text);
    }

    fn text(&mut self, ask: &TextAsk) -> Asked<String> {
        self.asked.push(ask.message.clone());
        let default = ask
            .default
            .as_ref()
            .map(|d| format!(" ({d})"))
            .unwrap_or_default();
        self.transcript
            .push_str(&format!("? {}{default}\n", ask.message));
        let input = self.next(&ask.message);
        let answer = match &input {
            Input::Type(t) if t.is_empty() => ask.default.clone().unwrap_or_default(),
            Input::Type(t) => t.clone(),
            Input::Enter => ask.default.clone().unwrap_or_default(),
            Input::Yes => "yes".into(),
            Input::No => "no".into(),
            Input::Cancel => {
                self.transcript.push_str("> <canceled>\n");
                return Ok(Reply::Cancel);
            }
            other => self.wrong(other, &format!("the text prompt {:?}", ask.message)),
        };
        self.transcript.push_str(&format!("> {answer}\n"));
        Ok(Reply::Answer(answer))
    }

    fn select(&mut self, ask: &SelectAsk) -> Asked<usize> {
        self.asked.push(ask.message.clone());
        self.transcript.push_str(&format!("? {}\n", ask.message));
        for (i, o) in ask.options.iter().enumerate() {
            let mark = if i == ask.start { ">" } else { " " };
            self.transcript.push_str(&format!("{mark} {o}\n"));
        }
        let input = self.next(&ask.message);
        let index = match &input {
            Input::Enter => ask.start,
            Input::Choose(text) => match ask.options.iter().position(|o| o.contains(text.as_str()))
            {
                Some(i) => i,
                None => self.wrong(&input, &format!("the list {:?}", ask.options)),
            },
            Input::Cancel => {
                self.transcript.push_str("> <canceled>\n");
                return Ok(Reply::Cancel);
            }
            other => self.wrong(other, &format!("the list {:?}", ask.message)),
        };
        self.transcript
            .push_str(&format!("> {}\n", ask.options[index]));
        Ok(Reply::Answer(index))
    }

    fn multi_select(&mut self, ask: &MultiAsk) -> Asked<Vec<usize>> {
        self.asked.push(ask.message.clone());
        self.transcript.push_str(&format!("? {}\n", ask.message));
        for (i, o) in ask.options.iter().enumerate() {
            let tick = if ask.selected.contains(&i) {
                "[x]"
            } else {
                "[ ]"
            };
            self.transcript.push_str(&format!("  {tick} {o}\n"));
        }
        let input = self.next(&ask.message);
        let mut selected = ask.selected.clone();
        match &input {
            Input::Enter => {}
            Input::Toggle(texts) => {
                for text in texts {
                    let Some(i) = ask.options.iter().position(|o| o.contains(text.as_str())) else {
                        self.wrong(&input, &format!("the list {:?}", ask.options))
                    };
                    match selected.iter().position(|s| *s == i) {
                        Some(at) => {
                            selected.remove(at);
                        }
                        None => selected.push(i),
                    }
                }
            }
            Input::Cancel => {
                self.transcript.push_str("> <canceled>\n");
                return Ok(Reply::Cancel);
            }
            other => self.wrong(other, &format!("the list {:?}", ask.message)),
        }
        selected.sort_unstable();
        let names: Vec<&str> = selected.iter().map(|i| ask.options[*i].as_str()).collect();
        self.transcript
            .push_str(&format!("> {}\n", names.join(" | ")));
        Ok(Reply::Answer(selected))
    }

    fn confirm(&mut self, ask: &ConfirmAsk) -> Asked<bool> {
        self.asked.push(ask.message.clone());
        self.transcript.push_str(&format!("? {}\n", ask.message));
        let input = self.next(&ask.message);
        let answer = match &input {
            Input::Yes => true,
            Input::No => false,
            Input::Enter => ask.default,
            Input::Cancel => {
                self.transcript.push_str("> <canceled>\n");
                return Ok(Reply::Cancel);
            }
            other => self.wrong(other, &format!("the question {:?}", ask.message)),
        };
        self.transcript
            .push_str(if answer { "> yes\n" } else { "> no\n" });
        Ok(Reply::Answer(answer))
    }
}
