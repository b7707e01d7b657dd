//! The next steps after writing, numbered: the list itself is worked out from the plan
//! (`crate::wizard::summary::next_steps`), this is how `apply` and the line mode print
//! it. An entry is an instruction, then each command on a line of its own.

use super::Style;

/// The heading over the list.
pub const HEADING: &str = "Next:";

/// One step: its instruction, and its commands (one per line, unindented).
pub fn parts(step: &str) -> (&str, Vec<&str>) {
    let mut lines = step.split('\n');
    let instruction = lines.next().unwrap_or_default();
    (instruction, lines.map(str::trim_start).collect())
}

/// The steps under [`HEADING`], numbered, their commands indented beneath.
pub fn numbered(steps: &[String], style: Style) -> String {
    let mut out = format!("\n{}\n", style.bold(HEADING));
    for (i, step) in steps.iter().enumerate() {
        let (instruction, commands) = parts(step);
        out.push_str(&format!("{:>2}. {instruction}\n", i + 1));
        for command in commands {
            out.push_str(&format!("      {command}\n"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_step_is_numbered_with_its_commands_beneath() {
        let steps = vec![
            "Preview it:\n  atproto-wizard preview '/srv/my host'".to_string(),
            "Switch.".to_string(),
        ];
        assert_eq!(
            numbered(&steps, Style::plain()),
            "\nNext:\n 1. Preview it:\n      atproto-wizard preview '/srv/my host'\n 2. Switch.\n"
        );
    }
}
