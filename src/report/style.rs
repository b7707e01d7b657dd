//! Colour only where it helps and is wanted: a terminal, and `NO_COLOR` unset. Every
//! coloured word also carries its meaning in text ("error", "warning").
use std::io::IsTerminal;

#[derive(Debug, Clone, Copy)]
pub struct Style {
    colour: bool,
}

impl Style {
    pub fn for_stdout() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            colour: !no_color && std::io::stdout().is_terminal(),
        }
    }
    pub fn for_stderr() -> Style {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        Style {
            colour: !no_color && std::io::stderr().is_terminal(),
        }
    }
    pub fn plain() -> Style {
        Style { colour: false }
    }
    fn paint(&self, code: &str, text: &str) -> String {
        if self.colour {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
    pub fn error(&self, text: &str) -> String {
        self.paint("1;31", text)
    }
    pub fn warning(&self, text: &str) -> String {
        self.paint("1;33", text)
    }
    pub fn ok(&self, text: &str) -> String {
        self.paint("1;32", text)
    }
    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }
    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }
    /// A diff's added line.
    pub fn added(&self, text: &str) -> String {
        self.paint("32", text)
    }
    /// A diff's removed line.
    pub fn removed(&self, text: &str) -> String {
        self.paint("31", text)
    }
    /// A diff's hunk header (`@@ … @@`).
    pub fn hunk(&self, text: &str) -> String {
        self.paint("36", text)
    }
    /// Whether this style colours anything.
    pub fn is_coloured(&self) -> bool {
        self.colour
    }
}

impl Style {
    /// Colour whatever the terminal: for a front end that decided already (the
    /// wizard's look), and for tests of what is painted.
    pub fn coloured() -> Style {
        Style { colour: true }
    }
}
