//! Sample plans the benchmarks and tests share.

use toml_edit::DocumentMut;

use super::{Answers, edit};
use crate::catalog::Catalog;

/// The largest plan: every catalog service enabled and every value resolved (defaults
/// written out, free ports allocated), as the answers file's text. The benchmarks
/// measure validation, rendering and the wizard on it; it need not be valid.
pub fn largest_plan_text(catalog: &Catalog) -> String {
    let mut text = String::from(
        "schema = 1\n[host]\nhostname = \"big\"\ndomain = \"big.example.com\"\nadmin_email = \"a@example.com\"\n\
         [integrations.secrets]\nbackend = \"generate\"\n[integrations.tls]\naccept_terms = true\n\
         [integrations.monitoring]\nprometheus = true\ngrafana = true\nnode_exporter = true\n",
    );
    for id in catalog.services.keys() {
        text.push_str(&format!("[services.{id}]\nenable = true\n"));
    }
    let answers = Answers::parse("big.toml", &text).expect("the sample parses");
    let mut doc: DocumentMut = text.parse().expect("the sample is TOML");
    edit::resolve(catalog, &mut doc, &answers.tree);
    doc.to_string()
}

/// [`largest_plan_text`], parsed.
pub fn largest_plan(catalog: &Catalog) -> Answers {
    Answers::parse("big.toml", &largest_plan_text(catalog)).expect("the resolved sample parses")
}
