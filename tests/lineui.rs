//! The line mode's journeys (`--plain`), driven through `lineui::run_with` by a scripted
//! prompter: the same flow the terminal runs, with every prompt and answer in a
//! transcript. Files written are compared with what `atproto-wizard apply` writes.
use std::collections::BTreeMap;
use std::path::Path;

use assert_cmd::Command;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::draft_store::DraftStore;
use atproto_wizard::lineui::prompter::{
    Asked, ConfirmAsk, MultiAsk, PromptError, SelectAsk, TextAsk,
};
use atproto_wizard::lineui::{self, Input, LineOptions, Look, Prompter, Scripted};
use atproto_wizard::wizard::profiles;

fn new_host(dir: &Path, profile: Option<&str>) -> LineOptions {
    LineOptions {
        dir: dir.to_path_buf(),
        profile: profile.map(String::from),
        edit: false,
        ascii: false,
        drafts: None,
    }
}

fn edit_host(dir: &Path) -> LineOptions {
    LineOptions {
        dir: dir.to_path_buf(),
        profile: None,
        edit: true,
        ascii: false,
        drafts: None,
    }
}

fn run(opts: &LineOptions, script: Vec<Input>) -> (i32, Scripted) {
    let mut p = Scripted::new(script);
    let code = lineui::run_with(&mut p, Catalog::embedded(), opts, Look::plain(), 80);
    assert!(
        p.finished(),
        "{} scripted answers left unused\n{}",
        p.left(),
        p.transcript
    );
    (code.as_i32(), p)
}

/// The transcript with every run of whitespace made one space (help text is wrapped).
fn flat(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn t(s: &str) -> Input {
    Input::Type(s.into())
}

fn choose(s: &str) -> Input {
    Input::Choose(s.into())
}

fn keep() -> Input {
    choose("Keep these answers")
}

/// Keeps the answers of the nine integration steps.
fn keep_integrations() -> Vec<Input> {
    vec![keep(); 9]
}

/// Every file in a directory (not recursive) with its bytes.
fn files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn apply(answers: &Path, dir: &Path) -> String {
    let out = Command::cargo_bin("atproto-wizard")
        .unwrap()
        .env("NO_COLOR", "1")
        .args(["apply", "--yes", "--answers"])
        .arg(answers)
        .arg("--dir")
        .arg(dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    stdout
}

/// A first-time PDS host: choose the community PDS, answer the host questions, keep
/// the rest, write.
fn first_pds_script() -> Vec<Input> {
    let mut script = vec![
        choose("community-pds"),
        Input::Enter, // go through the host questions
        t("mypds"),
        t("pds.example.net"),
        t("ops@example.net"),
        Input::Enter, // flake_url
        Input::Enter, // nixpkgs
        Input::Enter, // mode (a list: the cursor is on the current choice)
        Input::Enter, // system
        Input::Enter, // state_version
        Input::Enter, // services as the profile has them
        keep(),       // the PDS's settings
    ];
    script.extend(keep_integrations());
    script.push(Input::No); // no preflight checks
    script.push(t("y"));
    script
}

#[test]
fn a_first_time_pds_host_writes_exactly_what_apply_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let (code, p) = run(&new_host(&dir, None), first_pds_script());
    assert_eq!(code, 0, "{}", p.transcript);
    let written = files(&dir);
    let names: Vec<&str> = written.keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "atproto.nix",
            "atproto.toml",
            "configuration.nix",
            "flake.nix"
        ]
    );
    let toml = String::from_utf8(written["atproto.toml"].clone()).unwrap();
    assert!(toml.contains("hostname = \"mypds\""), "{toml}");
    assert!(toml.contains("domain = \"pds.example.net\""), "{toml}");
    // The profile's comments survive.
    assert!(
        toml.contains("# the PDS keeps its data in SQLite"),
        "{toml}"
    );

    // `apply` with the written answers into another empty directory: the same bytes.
    let other = tmp.path().join("by-apply");
    apply(&dir.join("atproto.toml"), &other);
    assert_eq!(files(&other), written);
    // And into the same directory: nothing to change.
    let again = apply(&dir.join("atproto.toml"), &dir);
    assert!(again.contains("No changes"), "{again}");

    // The review showed the summary, the diff, and the next commands followed.
    let tr = &p.transcript;
    assert!(tr.contains("*.pds.example.net"), "{tr}");
    assert!(tr.contains("+++ b/atproto.nix"), "{tr}");
    assert!(tr.contains("+  networking.hostName = \"mypds\";"), "{tr}");
    assert!(tr.contains("sudo nixos-rebuild switch --flake "), "{tr}");
    assert!(tr.contains("#mypds"), "{tr}");
    assert!(
        tr.contains("sudo cat /var/lib/atproto-secrets/bluesky-pds/admin_password"),
        "{tr}"
    );
    assert!(!tr.contains('\u{1b}'), "no colour in plain style");
}

#[test]
fn checking_this_machine_first_lists_the_results_and_still_writes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut script = first_pds_script();
    let at = script.len() - 2;
    assert_eq!(script[at], Input::No);
    script[at] = Input::Yes; // check this machine first
    let (code, p) = run(&new_host(&dir, None), script);
    let tr = &p.transcript;
    assert_eq!(code, 0, "{tr}");
    let asked: Vec<&str> = p.asked.iter().map(String::as_str).collect();
    let check = asked
        .iter()
        .position(|a| a.starts_with("Check this machine first (DNS, ports 80/443, disk, NixOS)?"))
        .expect("the check is offered");
    assert_eq!(asked[check + 1], "Write these files? (y/N)", "{asked:?}");
    // Every result in words (whatever this machine is): the name lookups, the ports
    // the proxy needs, the disk, NixOS; never blocking.
    assert!(tr.contains("Checking this machine (advisory):"), "{tr}");
    for title in [
        "pds.example.net resolves to this machine",
        "port 80 is free for the proxy",
        "port 443 is free for the proxy",
        "free disk under",
        "this machine runs NixOS",
    ] {
        let listed = tr.lines().any(|l| {
            ["ok: ", "warning: ", "problem: ", "could not check: "]
                .iter()
                .any(|w| l.starts_with(&format!("  {w}{title}")))
        });
        assert!(listed, "{title} not listed with its status\n{tr}");
    }
    assert!(!tr.contains("could not check: could not check"), "{tr}");
    assert!(
        tr.contains("(advisory; writing does not wait for it)"),
        "{tr}"
    );
    // And the files are written all the same.
    assert!(dir.join("atproto.toml").exists() && dir.join("flake.nix").exists());
}

#[test]
fn going_back_returns_to_the_previous_question_and_step_and_keeps_answers() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut script = vec![
        choose("community-pds"),
        Input::Enter, // go through the host questions
        t("mypds"),
        t("<"),                               // at Domain: back to Hostname
        Input::Enter,                         // Hostname keeps mypds: on to Domain again
        t("<"),                               // back to Hostname
        t("<"),                               // back from the first question: the step's choice
        choose("< Back"),                     // the previous step: Start
        Input::Enter,                         // the same profile: the answers stay
        keep(),                               // Host
        Input::Toggle(vec!["< Back".into()]), // Services: back to Host
        keep(),                               // Host
        Input::Enter,                         // Services
        keep(),                               // the PDS
    ];
    script.extend(keep_integrations());
    script.extend([
        Input::No,  // no preflight checks
        t("<"),     // at "Write these files?": back to the last step
        keep(),     // Secrets
        Input::No,  // no preflight checks
        t("n"),     // do not write...
        Input::Yes, // ...and discard
    ]);
    let (code, p) = run(&new_host(&dir, None), script);
    assert_eq!(
        code,
        lineui::ExitStatus::NotWritten.as_i32(),
        "{}",
        p.transcript
    );
    assert!(!dir.exists(), "nothing written");

    let asked: Vec<&str> = p.asked.iter().map(String::as_str).collect();
    let hostname = asked.iter().filter(|a| a.ends_with("Hostname")).count();
    let domain = asked.iter().filter(|a| a.ends_with("Domain")).count();
    assert_eq!((hostname, domain), (3, 2), "{asked:?}");
    assert_eq!(
        asked
            .iter()
            .filter(|a| **a == "What will this host run?")
            .count(),
        2
    );
    assert_eq!(asked.iter().filter(|a| **a == "Which services?").count(), 2);
    assert_eq!(
        asked
            .iter()
            .filter(|a| **a == "Write these files? (y/N)")
            .count(),
        2
    );
    // Going back kept the answer: Hostname was offered with mypds as its value.
    assert!(
        p.transcript.contains("? [1/8] Hostname (mypds)"),
        "{}",
        p.transcript
    );
    assert!(
        p.transcript.contains("Hostname: mypds\n"),
        "{}",
        p.transcript
    );
    assert!(p.transcript.contains("Discard your answers? (y/N)"));
}

#[test]
fn an_invalid_answer_is_asked_again_with_the_validators_message() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let script = vec![
        choose("custom"),
        Input::Enter, // go through the host questions
        Input::Enter, // Hostname has no value: required
        t("Bad Name"),
        t("box1"),
        t("not a domain"),
        t("box.example.net"),
        t("ops@example.net"),
        t("?"), // the help of flake_url
        Input::Enter,
        Input::Cancel,
        Input::Yes, // discard
    ];
    let (code, p) = run(&new_host(&dir, None), script);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32());
    assert!(!dir.exists());
    let tr = &flat(&p.transcript);
    // The same words as `check`.
    assert!(
        tr.contains("error: Set host.hostname, like pds1. Try again"),
        "{tr}"
    );
    assert!(
        tr.contains(
            "error: \"Bad Name\" must be a machine name as networking.hostName accepts: letters, digits, '-' and '_', starting and ending with a letter or digit, at most 63 characters, like pds1."
        ),
        "{tr}"
    );
    assert!(
        tr.contains("error: \"not a domain\" must be a fully qualified domain name"),
        "{tr}"
    );
    let asked = |label: &str| {
        p.asked
            .iter()
            .filter(|a| a.to_lowercase().ends_with(&label.to_lowercase()))
            .count()
    };
    assert_eq!(asked("Hostname"), 3);
    assert_eq!(asked("Domain"), 2);
    assert_eq!(asked("Admin email"), 1);
    // `?` showed the catalog's help for the field and asked again.
    assert_eq!(asked("Flake url"), 2);
    assert!(
        tr.to_lowercase().contains("flake url (host.flake_url):"),
        "{tr}"
    );
    assert!(
        tr.contains("It becomes an input of the host's flake.nix."),
        "{tr}"
    );
}

#[test]
fn an_answer_that_does_not_parse_is_explained_and_asked_again() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let script = vec![
        keep(),       // Host (profile given on the command line)
        Input::Enter, // Services
        Input::Enter, // go through the PDS's questions
        Input::Enter, // Domain
        t("80a"),     // Port: http
        t("70000"),
        t("3000"),
        Input::Cancel,
        Input::Yes,
    ];
    let (code, p) = run(&new_host(&dir, Some("community-pds")), script);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32());
    let tr = &flat(&p.transcript);
    assert!(
        tr.contains("error: type a port number between 1 and 65535. Try again."),
        "{tr}"
    );
    assert!(
        tr.contains("error: a port is a number between 1 and 65535. Try again."),
        "{tr}"
    );
    assert_eq!(
        p.asked.iter().filter(|a| a.ends_with("Port: http")).count(),
        3
    );
}

#[test]
fn cancelling_halfway_leaves_the_directory_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    std::fs::write(
        dir.join("configuration.nix"),
        "{ ... }:\n{\n  imports = [ ./hardware-configuration.nix ];\n}\n",
    )
    .unwrap();
    std::fs::write(dir.join("hardware-configuration.nix"), "{ ... }: { }\n").unwrap();
    let before = files(&dir);
    let script = vec![
        Input::Enter, // go through the host questions
        t("x1"),
        Input::Cancel, // at Domain
        Input::No,     // do not discard: Domain again
        t("x.example.net"),
        Input::Cancel, // at Admin email
        Input::Yes,    // discard
    ];
    let (code, p) = run(&new_host(&dir, Some("community-pds")), script);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32());
    assert_eq!(files(&dir), before, "the directory is as it was");
    let domain = p.asked.iter().filter(|a| a.ends_with("Domain")).count();
    assert_eq!(domain, 2);
    assert!(
        p.transcript.contains("Nothing was written;"),
        "{}",
        p.transcript
    );
}

#[test]
fn cancelling_before_any_change_asks_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    apply(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/dev-host.toml"),
        &dir,
    );
    let before = files(&dir);
    let (code, p) = run(&edit_host(&dir), vec![Input::Cancel]);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32());
    assert!(!p.transcript.contains("Discard"), "{}", p.transcript);
    assert_eq!(files(&dir), before);
}

#[test]
fn editing_a_pds_host_to_add_constellation_shows_the_change_then_writes_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    apply(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/community-pds.toml"),
        &dir,
    );
    let before = files(&dir);
    let mut script = vec![
        keep(), // Host
        Input::Toggle(vec!["(constellation)".into()]),
        keep(), // the PDS
        keep(), // Constellation
    ];
    script.extend(keep_integrations());
    script.extend([
        // Constellation on the PDS's name clashes: the review lists the error; fix it.
        choose("Fix services.constellation.domain"),
        t("links.example.com"),
        Input::No, // no preflight checks
        t("y"),
    ]);
    let (code, p) = run(&edit_host(&dir), script);
    let tr = &p.transcript;
    assert_eq!(code, 0, "{tr}");
    assert!(tr.contains("error: Constellation and Bluesky PDS"), "{tr}");
    // The review shows exactly what changes: the answers and the generated module.
    assert!(
        tr.contains("--- a/atproto.toml\n+++ b/atproto.toml\n"),
        "{tr}"
    );
    assert!(tr.contains("+[services.constellation]\n"), "{tr}");
    assert!(tr.contains("+domain = \"links.example.com\"\n"), "{tr}");
    assert!(
        tr.contains("--- a/atproto.nix\n+++ b/atproto.nix\n"),
        "{tr}"
    );
    assert!(tr.contains("services.constellation"), "{tr}");
    assert!(tr.contains("update atproto.toml"), "{tr}");
    assert!(tr.contains("keep   configuration.nix"), "{tr}");
    assert!(tr.contains("links.example.com  (Constellation)"), "{tr}");

    let after = files(&dir);
    let toml = String::from_utf8(after["atproto.toml"].clone()).unwrap();
    assert!(toml.contains("[services.constellation]"), "{toml}");
    // The operator's comments stay; the old files are backed up.
    assert!(
        toml.contains("# the PDS keeps its data in SQLite"),
        "{toml}"
    );
    assert!(
        after
            .keys()
            .any(|k| k.starts_with("atproto.toml.") && k.ends_with(".bak")),
        "{:?}",
        after.keys()
    );
    assert_eq!(after["configuration.nix"], before["configuration.nix"]);
    // `apply` with what was written finds nothing to change.
    let again = apply(&dir.join("atproto.toml"), &dir);
    assert!(again.contains("No changes"), "{again}");
}

#[test]
fn editing_without_changes_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    apply(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/relay-node.toml"),
        &dir,
    );
    let before = files(&dir);
    // Edit mode starts at Host and offers to keep each step's answers.
    let mut script = vec![Input::Enter, Input::Enter];
    let steps = {
        let text = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
        let answers = atproto_wizard::plan::Answers::parse("t", &text).unwrap();
        let view = atproto_wizard::plan::PlanView::new(Catalog::embedded(), &answers.tree);
        view.enabled_services().count()
    };
    script.extend(vec![Input::Enter; steps + 9]);
    let (code, p) = run(&edit_host(&dir), script);
    assert_eq!(code, 0, "{}", p.transcript);
    assert!(p.transcript.contains("No changes: "), "{}", p.transcript);
    assert_eq!(files(&dir), before);
}

#[test]
fn edit_without_an_answers_file_says_what_to_run() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, p) = run(&edit_host(tmp.path()), vec![]);
    assert_eq!(code, lineui::ExitStatus::Unusable.as_i32());
    assert!(
        p.transcript.contains("atproto-wizard new --dir"),
        "{}",
        p.transcript
    );
}

#[test]
fn edit_over_a_hand_written_host_says_to_adopt_it_first() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("configuration.nix"),
        "{ ... }: { services.bluesky-pds.enable = true; }\n",
    )
    .unwrap();
    let (code, p) = run(&edit_host(tmp.path()), vec![]);
    assert_eq!(code, lineui::ExitStatus::Unusable.as_i32());
    let text = flat(&p.transcript);
    assert!(text.contains("does not manage yet"), "{text}");
    assert!(text.contains("atproto-wizard adopt"), "{text}");
    assert!(!text.contains("atproto-wizard new --dir"), "{text}");
}

#[test]
fn new_over_a_hand_written_host_offers_adopt_and_hands_over_to_it() {
    let tmp = tempfile::tempdir().unwrap();
    let configuration = "{ ... }:\n{\n  networking.hostName = \"pds\";\n  security.acme.defaults.email = \"a@example.org\";\n  services.bluesky-pds.enable = true;\n  services.bluesky-pds.settings.PDS_HOSTNAME = \"pds.example.org\";\n  services.bluesky-pds.environmentFiles = [ \"/var/lib/pds/pds.env\" ];\n}\n";
    std::fs::write(tmp.path().join("configuration.nix"), configuration).unwrap();
    let (code, p) = run(
        &new_host(tmp.path(), None),
        vec![choose("Take over the NixOS host already here"), Input::Yes],
    );
    let text = flat(&p.transcript);
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("the choices after the profiles take it over"),
        "{text}"
    );
    // adopt's own report and question, then its writing.
    assert!(
        text.contains(
            "services.bluesky-pds.settings.hostname = \"pds.example.org\" from configuration.nix:6"
        ),
        "{text}"
    );
    assert!(text.contains("Write 3 files?"), "{text}");
    assert!(text.contains("Wrote 3 files in"), "{text}");
    let answers = std::fs::read_to_string(tmp.path().join("atproto.toml")).unwrap();
    assert!(answers.contains("own_secrets = true"), "{answers}");
}

#[test]
fn an_unknown_profile_lists_the_profiles() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, p) = run(&new_host(tmp.path(), Some("nope")), vec![]);
    assert_eq!(code, lineui::ExitStatus::Unusable.as_i32());
    assert!(
        p.transcript.contains("community-pds, relay-node"),
        "{}",
        p.transcript
    );
}

#[test]
fn a_problem_no_question_sets_is_explained_at_the_review() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    apply(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("profiles/dev-host.toml"),
        &dir,
    );
    // A typo by hand in the answers file.
    let path = dir.join("atproto.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let text = text.replace(
        "[services.constellation.settings]\n",
        "[services.constellation.settings]\njetstrem = \"x\"\n",
    );
    std::fs::write(&path, &text).unwrap();
    let before = files(&dir);
    // Host, Services, then the PDS, constellation and the nine integrations.
    let mut script = vec![keep(), Input::Enter];
    script.extend(vec![keep(); 2 + 9]);
    script.extend([
        choose("Fix services.constellation.settings.jetstrem"),
        choose("Quit without writing"),
    ]);
    let (code, p) = run(&edit_host(&dir), script);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32());
    let tr = flat(&p.transcript);
    assert!(tr.contains("did you mean jetstream?"), "{tr}");
    assert!(
        tr.contains("no question sets services.constellation.settings.jetstrem"),
        "{tr}"
    );
    assert_eq!(files(&dir), before);
}

#[test]
fn the_review_and_what_next_say_to_copy_the_flake_where_flake_url_points() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let flake = tmp.path().join("atproto-nix");
    let mut script = first_pds_script();
    let at = 5;
    assert_eq!(script[at], Input::Enter, "the flake_url question");
    script[at] = t(&format!("path:{}", flake.display()));
    let (code, p) = run(&new_host(&dir, None), script);
    let tr = flat(&p.transcript);
    assert_eq!(code, 0, "{tr}");
    let sentence = format!(
        "host.flake_url is path:{0}, but {0} does not hold this project's flake on this machine",
        flake.display()
    );
    // In the review, before the question to write…
    let review = tr.find("Before the first switch (warning):").expect(&tr);
    assert!(
        tr[review..].starts_with(&format!("Before the first switch (warning): {sentence}")),
        "{tr}"
    );
    let write = tr.find("Write these files?").unwrap();
    assert!(review < write, "{tr}");
    // …and in what to do next, before the switch, with the commands.
    let next = &tr[tr.find(" Next: 1. ").expect(&tr)..];
    let copy = next
        .find(&format!("Before the first switch: {sentence}"))
        .expect(next);
    let switch = next.find("sudo nixos-rebuild switch --flake").unwrap();
    assert!(copy < switch, "{next}");
    assert!(
        next.contains(&format!("sudo mkdir -p {}", flake.display())),
        "{next}"
    );
}

#[test]
fn the_services_step_warns_when_a_chosen_package_cannot_build_yet() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let mut script = first_pds_script();
    let at = 10;
    assert_eq!(script[at], Input::Enter, "the services question");
    script[at] = Input::Toggle(vec!["(jetstream)".into()]);
    script.insert(at + 2, keep()); // Jetstream's settings
    // Jetstream is served at the PDS's name, an error at the review: quit there.
    script.truncate(script.len() - 2);
    script.push(choose("Quit without writing"));
    script.push(Input::Yes);
    let (code, p) = run(&new_host(&dir, None), script);
    let tr = flat(&p.transcript);
    assert_eq!(code, lineui::ExitStatus::NotWritten.as_i32(), "{tr}");
    assert!(
        tr.contains("domain-clash") || tr.contains("both served at"),
        "{tr}"
    );
    // Right after the choice, before Jetstream's settings are asked.
    let chosen = tr.find("Chosen: Bluesky PDS, Jetstream.").expect(&tr);
    let warning = tr
        .find(
            "warning: Jetstream cannot be built yet: a dependency hash of its package is a \
             placeholder (lib.fakeHash): vendorHash in nixlib/pkgs/jetstream/default.nix.",
        )
        .expect(&tr);
    let settings = tr[chosen..].find("Jetstream:").map(|i| i + chosen);
    assert!(chosen < warning, "{tr}");
    assert!(settings.is_none_or(|s| warning < s), "{tr}");
    assert!(tr[warning..].contains("local change to that copy"), "{tr}");
}

/// The line mode keeping its drafts in `state`.
fn keeping(opts: LineOptions, state: &Path) -> LineOptions {
    LineOptions {
        drafts: Some(DraftStore::at(state)),
        ..opts
    }
}

#[test]
fn a_kept_draft_is_offered_resumed_and_gone_once_written() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let profile = profiles::find("community-pds").unwrap();
    let answers = profile
        .text
        .replace("hostname = \"pds1\"", "hostname = \"seeded\"");
    assert_ne!(answers, profile.text, "the profile names its host pds1");
    let draft = DraftStore::at(&state).host(&dir);
    draft.save(&answers, Some("community-pds")).unwrap();

    let mut script = vec![Input::Yes, keep(), Input::Enter, keep()];
    script.extend(keep_integrations());
    script.extend([Input::No, t("y")]);
    let (code, p) = run(&keeping(new_host(&dir, None), &state), script);
    assert_eq!(code, 0, "{}", p.transcript);
    let text = flat(&p.transcript);
    assert!(
        text.contains("in an earlier session were not written"),
        "{text}"
    );
    assert!(
        text.contains(
            "Against the profile community-pds: host.hostname = \"seeded\" (was \"pds1\")"
        ),
        "{text}"
    );
    assert!(
        text.contains("Resumed the answers saved just now."),
        "{text}"
    );
    let toml = std::fs::read_to_string(dir.join("atproto.toml")).unwrap();
    assert!(toml.contains("hostname = \"seeded\""), "{toml}");
    assert!(!draft.path().exists(), "written: the draft is gone");
}

#[test]
fn a_kept_draft_declined_is_discarded_and_esc_keeps_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let draft = DraftStore::at(&state).host(&dir);
    let answers = "schema = 1\n[host]\nhostname = \"kept\"\n";
    let opts = keeping(new_host(&dir, None), &state);

    // Esc at the offer quits and leaves it for another time.
    draft.save(answers, None).unwrap();
    let (code, p) = run(&opts, vec![Input::Cancel]);
    assert_eq!(code, 4, "{}", p.transcript);
    assert_eq!(draft.load().unwrap().answers, answers);

    // No discards it at once, whatever happens next.
    let (code, p) = run(&opts, vec![Input::No, Input::Cancel]);
    assert_eq!(code, 4, "{}", p.transcript);
    assert!(p.transcript.contains("the earlier answers are discarded"));
    assert!(!draft.path().exists());
    assert!(!dir.exists());
}

/// A terminal that goes away once the script is done: every prompt after fails, as
/// inquire's do when the terminal is gone.
struct Dropping(Scripted);

impl Prompter for Dropping {
    fn say(&mut self, text: &str) {
        self.0.say(text);
    }
    fn text(&mut self, ask: &TextAsk) -> Asked<String> {
        self.gone()?;
        self.0.text(ask)
    }
    fn select(&mut self, ask: &SelectAsk) -> Asked<usize> {
        self.gone()?;
        self.0.select(ask)
    }
    fn multi_select(&mut self, ask: &MultiAsk) -> Asked<Vec<usize>> {
        self.gone()?;
        self.0.multi_select(ask)
    }
    fn confirm(&mut self, ask: &ConfirmAsk) -> Asked<bool> {
        self.gone()?;
        self.0.confirm(ask)
    }
}

impl Dropping {
    fn gone(&self) -> Result<(), PromptError> {
        if self.0.finished() {
            return Err(PromptError::Io("the terminal is gone".into()));
        }
        Ok(())
    }
}

#[test]
fn a_lost_terminal_keeps_the_answers_and_discarding_removes_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("host");
    let state = tmp.path().join("state");
    let draft = DraftStore::at(&state).host(&dir);
    let opts = keeping(new_host(&dir, Some("relay-node")), &state);
    let mut p = Dropping(Scripted::new(vec![Input::Enter, t("relay9")]));
    let code = lineui::run_with(&mut p, Catalog::embedded(), &opts, Look::plain(), 80);
    assert_eq!(code.as_i32(), 2, "{}", p.0.transcript);
    let kept = draft.load().expect("the answers are kept");
    assert!(
        kept.answers.contains("hostname = \"relay9\""),
        "{}",
        kept.answers
    );
    assert_eq!(kept.profile.as_deref(), Some("relay-node"));
    assert!(!dir.exists());

    // Next time they are offered; resumed, then discarded on the way out.
    let (code, p) = run(&opts, vec![Input::Yes, Input::Cancel, Input::Yes]);
    assert_eq!(code, 4, "{}", p.transcript);
    assert!(p.transcript.contains("Discard your answers?"));
    assert!(!draft.path().exists(), "discarded");
}
