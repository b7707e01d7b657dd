//! The preflight probes' results as `preview --probes` and the line mode print them.
use super::Style;
use crate::preview::probes::{self, ProbeResult, ProbeStatus};

/// The probe results as the CLI and the line mode print them: the status word
/// (coloured where the style allows), the finding, and what to do about it.
pub fn lines(results: &[ProbeResult], style: Style) -> String {
    let mut out = String::new();
    for r in results {
        let word = match r.status {
            ProbeStatus::Ok => style.ok(r.status.word()),
            ProbeStatus::Warning | ProbeStatus::Unknown => style.warning(r.status.word()),
            ProbeStatus::Failed => style.error(r.status.word()),
        };
        let (head, fix) = probes::result_text(r);
        out.push_str(&format!("  {word}: {head}\n"));
        if let Some(fix) = fix {
            out.push_str(&format!("    {fix}\n"));
        }
    }
    out
}
