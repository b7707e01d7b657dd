//! What a probe saw: its output, or why it could not run. Recorded outputs are the
//! judgement's only input, so the judgement is tested without a host.
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Observed {
    /// The command ran and exited with `code`.
    Output {
        code: i32,
        stdout: String,
        stderr: String,
    },
    /// The program is not installed where the probe runs.
    NotInstalled(String),
    /// It could not be run or did not finish (timed out, could not connect).
    CouldNotRun(String),
}

impl Observed {
    pub fn ok(stdout: &str) -> Observed {
        Observed::Output {
            code: 0,
            stdout: stdout.into(),
            stderr: String::new(),
        }
    }

    pub fn failed(code: i32, stderr: &str) -> Observed {
        Observed::Output {
            code,
            stdout: String::new(),
            stderr: stderr.into(),
        }
    }

    /// The output of a successful run.
    pub fn stdout(&self) -> Option<&str> {
        match self {
            Observed::Output {
                code: 0, stdout, ..
            } => Some(stdout),
            _ => None,
        }
    }

    /// Why it did not succeed, in a few words (the first line of stderr).
    pub fn problem(&self) -> String {
        match self {
            Observed::Output { code, stderr, .. } => {
                let first = stderr.lines().map(str::trim).find(|l| !l.is_empty());
                match first {
                    Some(line) => line.to_string(),
                    None => format!("exited with status {code}"),
                }
            }
            Observed::NotInstalled(program) => format!("{program} is not installed"),
            Observed::CouldNotRun(why) => why.clone(),
        }
    }
}

/// Every probe's observation, by probe key.
pub type Observations = BTreeMap<String, Observed>;
