//! Every screen of the full-screen wizard drawn on ratatui's TestBackend at 80×24 and
//! 120×40, including error states, overlays and `--ascii`; insta snapshots.
use std::path::PathBuf;

use atproto_wizard::apply::DirState;
use atproto_wizard::catalog::Catalog;
use atproto_wizard::catalog::Level;
use atproto_wizard::preview::deep::Finding;
use atproto_wizard::preview::probes::{ProbeResult, ProbeStatus};
use atproto_wizard::preview::rebuild::CannotRun;
use atproto_wizard::tui::draw::draw;
use atproto_wizard::wizard::action::Action;
use atproto_wizard::wizard::preview::PreviewEvent;
use atproto_wizard::wizard::probes::ProbeEvent;
use atproto_wizard::wizard::profiles;
use atproto_wizard::wizard::state::{Look, WizardState};
use atproto_wizard::wizard::update::update;
use atproto_wizard::wizard::{Draft, StepKind};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

use crate::support;

const SIZES: [(u16, u16); 2] = [(80, 24), (120, 40)];

fn new_state(profile: Option<&str>) -> WizardState {
    let p = profile.map(|n| profiles::find(n).unwrap());
    let mut s = WizardState::new_host(
        Catalog::embedded(),
        PathBuf::from("/srv/host"),
        DirState::default(),
        p,
    );
    s.look = Look {
        ascii: false,
        colour: false,
    };
    s
}

fn render(state: &WizardState, size: (u16, u16)) -> String {
    let mut state = state.clone();
    update(&mut state, Action::Resize(size.0, size.1));
    let mut terminal = Terminal::new(TestBackend::new(size.0, size.1)).unwrap();
    terminal.draw(|f| draw(f, &state)).unwrap();
    terminal.backend().to_string()
}

fn snap(name: &str, state: &WizardState) {
    for size in SIZES {
        let text = render(state, size);
        support::assert_snapshot!(format!("{name}-{}x{}", size.0, size.1), text);
    }
}

fn at(mut s: WizardState, step: StepKind) -> WizardState {
    update(&mut s, Action::Resize(80, 24));
    atproto_wizard::wizard::update::go_to(&mut s, step);
    s
}

fn act(s: &mut WizardState, actions: &[Action]) {
    for a in actions {
        update(s, a.clone());
    }
}

#[test]
fn start_new() {
    snap("start-new", &new_state(None));
}

#[test]
fn start_edit() {
    let draft = profiles::find("relay-node")
        .unwrap()
        .draft(Catalog::embedded());
    let mut s = WizardState::edit_host(PathBuf::from("/etc/nixos"), DirState::default(), draft);
    s.look.colour = false;
    let s = at(s, StepKind::Start);
    snap("start-edit", &s);
}

#[test]
fn host() {
    snap("host", &new_state(Some("community-pds")));
}

#[test]
fn host_missing_required_field() {
    let mut s = new_state(Some("custom"));
    act(&mut s, &[Action::Down]);
    snap("host-missing-required", &s);
}

#[test]
fn host_editing_with_an_error_as_typed() {
    let mut s = new_state(Some("community-pds"));
    act(&mut s, &[Action::Down, Action::Enter, Action::ClearLine]);
    for c in "Pds.Mine".chars() {
        update(&mut s, Action::Type(c));
    }
    snap("host-editing", &s);
}

#[test]
fn services() {
    let s = at(new_state(Some("community-pds")), StepKind::Services);
    snap("services", &s);
}

#[test]
fn settings_pds() {
    let s = at(
        new_state(Some("community-pds")),
        StepKind::Settings("bluesky-pds".into()),
    );
    snap("settings-pds", &s);
}

#[test]
fn settings_port_clash() {
    let mut s = new_state(Some("microcosm-indexers"));
    s.draft.set(
        "services.spacedust.ports.http",
        &atproto_wizard::value::Value::Int(6789),
    );
    let s = at(s, StepKind::Settings("spacedust".into()));
    snap("settings-port-clash", &s);
}

#[test]
fn integration_tls() {
    let s = at(
        new_state(Some("community-pds")),
        StepKind::Integration("tls".into()),
    );
    snap("integration-tls", &s);
}

#[test]
fn integration_choice_list() {
    let mut s = at(
        new_state(Some("community-pds")),
        StepKind::Integration("proxy".into()),
    );
    act(&mut s, &[Action::Enter]);
    snap("integration-choice", &s);
}

#[test]
fn review_with_problems() {
    let mut s = new_state(Some("community-pds"));
    s.draft.set(
        "services.constellation.enable",
        &atproto_wizard::value::Value::Bool(true),
    );
    let s = at(s, StepKind::Review);
    snap("review-errors", &s);
}

#[test]
fn review_valid() {
    let s = at(new_state(Some("relay-node")), StepKind::Review);
    snap("review", &s);
}

#[test]
fn review_with_probe_results() {
    let mut s = at(new_state(Some("relay-node")), StepKind::Review);
    let result = |id: &str, title: &str, status, detail: &str, fix: Option<&str>| ProbeResult {
        id: id.into(),
        title: title.into(),
        status,
        detail: detail.into(),
        fix: fix.map(String::from),
    };
    act(
        &mut s,
        &[
            Action::Probe,
            Action::ProbeEvent(ProbeEvent::Done {
                results: vec![
                    result(
                        "dns:relay.example.com",
                        "relay.example.com resolves to this machine",
                        ProbeStatus::Unknown,
                        "could not check: the lookup timed out (offline?)",
                        Some("add an A record pointing at this machine's public address"),
                    ),
                    result(
                        "port:443",
                        "port 443 is free for the proxy",
                        ProbeStatus::Failed,
                        "port 443 is held by nginx (pid 812)",
                        Some("stop nginx, or turn its virtual host off before switching"),
                    ),
                    result(
                        "disk",
                        "free disk under /var/lib",
                        ProbeStatus::Warning,
                        "12 GB free; the chosen services want 40 GB",
                        Some("grow the disk or move the state directory"),
                    ),
                    result(
                        "nixos",
                        "this machine runs NixOS",
                        ProbeStatus::Ok,
                        "/etc/NIXOS exists",
                        None,
                    ),
                ],
                cancelled: false,
            }),
        ],
    );
    snap("review-probes", &s);
}

#[test]
fn write() {
    let s = at(new_state(Some("relay-node")), StepKind::Write);
    snap("write", &s);
}

#[test]
fn write_blocked_by_errors() {
    let s = at(new_state(Some("custom")), StepKind::Write);
    snap("write-blocked", &s);
}

fn written(profile: &str) -> WizardState {
    use atproto_wizard::wizard::state::{WriteOutcome, WrittenFile};
    let mut s = new_state(Some(profile));
    let text = s.draft.text().to_string();
    let files = [
        "atproto.toml",
        "atproto.nix",
        "configuration.nix",
        "flake.nix",
    ]
    .iter()
    .map(|p| WrittenFile {
        path: p.to_string(),
        created: true,
        backup: None,
    })
    .collect();
    update(
        &mut s,
        Action::Written(WriteOutcome::Written {
            files,
            notes: vec![],
            git_add: vec![],
            answers_text: text,
        }),
    );
    s
}

fn preview(s: &mut WizardState, events: Vec<PreviewEvent>) {
    update(s, Action::Preview);
    for e in events {
        update(s, Action::PreviewEvent(e));
    }
}

#[test]
fn done_preview_running() {
    let mut s = written("community-pds");
    let mut events = vec![
        PreviewEvent::Phase("Preview".into()),
        PreviewEvent::Started {
            index: 0,
            total: 2,
            step: "dry-build".into(),
            title: "what would be built and fetched".into(),
            command: "nixos-rebuild dry-build --flake /srv/host#pds".into(),
        },
    ];
    for i in 0..30 {
        events.push(PreviewEvent::Line {
            step: "dry-build".into(),
            text: format!("  /nix/store/{i:02}aaaaaaaaaaaaaaaaaaaaaaaaaaaaa-unit-{i}.drv"),
        });
    }
    preview(&mut s, events);
    snap("done-preview-running", &s);
}

#[test]
fn done_preview_cannot_run() {
    let mut s = written("community-pds");
    preview(
        &mut s,
        vec![
            PreviewEvent::Phase("Preview".into()),
            PreviewEvent::Rebuild {
                summary: vec![
                    "nixos-rebuild: not run here (the commands to run on the host are above)"
                        .into(),
                ],
                cannot_run: Some(CannotRun {
                    why: "nixos-rebuild is not installed here: it comes with NixOS. Run the \
                          preview on the host itself."
                        .into(),
                    commands: vec![
                        "nixos-rebuild dry-build --flake /srv/host#pds".into(),
                        "nixos-rebuild dry-activate --flake /srv/host#pds".into(),
                    ],
                }),
                notes: vec![],
                cancelled: false,
            },
            PreviewEvent::End,
        ],
    );
    snap("done-preview-cannot-run", &s);
}

#[test]
fn done_deep_check_failure_on_a_step() {
    let mut s = written("community-pds");
    let c = Catalog::embedded();
    preview(
        &mut s,
        vec![
            PreviewEvent::Phase("Deep check".into()),
            PreviewEvent::Deep {
                findings: vec![Finding::from_text(
                    Level::Error,
                    "atproto.integration.tls.handles: handle subdomains need a wildcard \
                     certificate: choose a DNS provider",
                    c,
                )],
                summary: "1 assertion failed, 0 warnings".into(),
                notes: vec![],
                cancelled: false,
            },
            PreviewEvent::Note(
                "nixos-rebuild was left out: the deep check found errors. Fix them first.".into(),
            ),
            PreviewEvent::End,
        ],
    );
    snap("done-deep-failure", &s);
}

#[test]
fn done() {
    use atproto_wizard::wizard::state::{WriteOutcome, WrittenFile};
    let mut s = new_state(Some("community-pds"));
    let text = s.draft.text().to_string();
    let files = [
        "atproto.toml",
        "atproto.nix",
        "configuration.nix",
        "flake.nix",
    ]
    .iter()
    .map(|p| WrittenFile {
        path: p.to_string(),
        created: true,
        backup: None,
    })
    .collect();
    update(
        &mut s,
        Action::Written(WriteOutcome::Written {
            files,
            notes: vec![],
            git_add: vec![],
            answers_text: text,
        }),
    );
    snap("done", &s);
}

#[test]
fn help_overlay() {
    let mut s = new_state(Some("community-pds"));
    act(&mut s, &[Action::Down, Action::Help]);
    snap("help", &s);
}

#[test]
fn resume_offer() {
    use atproto_wizard::wizard::resume::ResumeOffer;
    use atproto_wizard::wizard::state::Overlay;
    use atproto_wizard::wizard::stored_draft::{FORMAT, StoredDraft};
    let answers = profiles::find("relay-node")
        .unwrap()
        .draft(Catalog::embedded())
        .text()
        .replace("hostname = \"relay1\"", "hostname = \"relay7\"")
        .replace(
            "email = \"admin@example.com\"",
            "email = \"ops@relay7.net\"",
        );
    let draft = StoredDraft {
        format: FORMAT,
        dir: "/srv/host".into(),
        saved_at: 1_000,
        profile: Some("relay-node".into()),
        answers,
    };
    let mut s = new_state(None);
    let offer = ResumeOffer::new(Catalog::embedded(), &draft, None, 1_000 + 3 * 3600).unwrap();
    s.overlay = Some(Overlay::Resume(offer));
    snap("resume", &s);
}

#[test]
fn quit_confirmation() {
    let mut s = new_state(Some("community-pds"));
    act(&mut s, &[Action::Quit]);
    snap("quit", &s);
}

#[test]
fn jump_list() {
    let mut s = new_state(Some("community-pds"));
    act(&mut s, &[Action::JumpList]);
    snap("jump", &s);
}

#[test]
fn ascii_screens() {
    let mut s = new_state(Some("community-pds"));
    s.look.ascii = true;
    snap("ascii-host", &s);
    let s2 = at(s.clone(), StepKind::Services);
    snap("ascii-services", &s2);
    let mut s3 = s.clone();
    s3.draft.set(
        "services.constellation.enable",
        &atproto_wizard::value::Value::Bool(true),
    );
    let s3 = at(s3, StepKind::Review);
    snap("ascii-review", &s3);
    for size in SIZES {
        for text in [render(&s, size), render(&s2, size), render(&s3, size)] {
            assert!(
                text.is_ascii(),
                "--ascii drew a non-ASCII character:\n{text}"
            );
        }
    }
}

#[test]
fn draft_round_trip_for_edit() {
    // Editing opens the file as it is: every step filled in.
    let text = profiles::find("relay-node").unwrap().text;
    let d = Draft::parse(Catalog::embedded(), text).unwrap();
    assert_eq!(d.text(), text);
}

#[test]
fn no_colour_means_no_colour_and_states_carry_words() {
    use ratatui::style::Color;
    let mut s = new_state(Some("community-pds"));
    s.draft.set(
        "services.constellation.enable",
        &atproto_wizard::value::Value::Bool(true),
    );
    let s = at(s, StepKind::Review);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).unwrap();
    terminal.draw(|f| draw(f, &s)).unwrap();
    for cell in terminal.backend().buffer().content() {
        assert_eq!(cell.fg, Color::Reset);
        assert_eq!(cell.bg, Color::Reset);
    }
    let text = terminal.backend().to_string();
    assert!(text.contains("error"), "{text}");
    // With colour, errors are red, and still say "error".
    let mut coloured = s.clone();
    coloured.look.colour = true;
    terminal.draw(|f| draw(f, &coloured)).unwrap();
    assert!(
        terminal
            .backend()
            .buffer()
            .content()
            .iter()
            .any(|c| c.fg == Color::Red)
    );
}

#[test]
fn services_with_a_package_that_cannot_build_yet() {
    // relay-node runs Jetstream, whose Go vendor hash is still lib.fakeHash: the warning
    // stands under its row, saying where the real hash goes.
    let mut s = at(new_state(Some("relay-node")), StepKind::Services);
    let jetstream = s
        .questions()
        .iter()
        .position(|q| q.path == "services.jetstream.enable")
        .unwrap();
    s.focus.insert(StepKind::Services, jetstream);
    snap("services-placeholder-hash", &s);
}
