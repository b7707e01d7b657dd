//! The host-side secrets generator, `nixlib/secrets/atproto-secrets.sh`, run for real:
//! formats (with openssl proving the keys are valid), never rotating, atomic files and
//! modes, the env file, missing externals, bad usage, and never printing a value.
//!
//! Needs bash, coreutils and openssl. Without openssl the tests print
//! "SKIPPED: openssl not found" and pass, unless `ATPROTO_REQUIRE_NIX=1` (set by CI),
//! where they fail instead.
use std::collections::BTreeMap;
use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, SystemTime};

fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("nixlib/secrets/atproto-secrets.sh")
}

/// Whether openssl is installed; when it is not, the caller skips (or, with
/// `ATPROTO_REQUIRE_NIX=1`, the test fails).
fn have_openssl() -> bool {
    let found = Command::new("openssl")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success());
    if found {
        return true;
    }
    if std::env::var("ATPROTO_REQUIRE_NIX").is_ok_and(|v| v == "1") {
        panic!(
            "openssl is required (ATPROTO_REQUIRE_NIX=1) but not installed: apt-get install openssl"
        );
    }
    eprintln!("SKIPPED: openssl not found");
    false
}

macro_rules! require_openssl {
    () => {
        if !have_openssl() {
            return;
        }
    };
}

fn run(args: &[&str]) -> Output {
    Command::new("bash")
        .arg(script())
        .args(args)
        .output()
        .expect("run bash")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn assert_ok(out: &Output) {
    assert!(
        out.status.success(),
        "script failed ({:?})\nstdout:\n{}\nstderr:\n{}",
        out.status.code(),
        text(&out.stdout),
        text(&out.stderr)
    );
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn mode(p: &Path) -> u32 {
    fs::metadata(p).unwrap().permissions().mode() & 0o7777
}

/// Every secret value (and, for PEM, every body line) must be absent from what the
/// script printed.
fn assert_quiet(out: &Output, values: &[String]) {
    let printed = format!("{}\n{}", text(&out.stdout), text(&out.stderr));
    for v in values {
        let v = v.trim();
        if v.is_empty() {
            continue;
        }
        let pieces: Vec<&str> = if v.contains('\n') {
            v.lines().filter(|l| !l.starts_with("-----")).collect()
        } else {
            vec![v]
        };
        for p in pieces {
            assert!(
                !printed.contains(p),
                "a secret value was printed by the script:\n{printed}"
            );
        }
    }
}

fn read(p: &Path) -> String {
    fs::read_to_string(p).unwrap_or_else(|e| panic!("read {}: {e}", p.display()))
}

fn all_files(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap())
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                fs::read(e.path()).unwrap(),
            )
        })
        .collect()
}

fn no_temp_files_left(dir: &Path) {
    let left: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with('.'))
        .collect();
    assert!(
        left.is_empty(),
        "temporary files left in {}: {left:?}",
        dir.display()
    );
}

fn base64_decode(s: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    assert!(
        s.len().is_multiple_of(4),
        "base64 length {} is not a multiple of 4",
        s.len()
    );
    let body = s.trim_end_matches('=');
    assert!(s.len() - body.len() <= 2, "too much padding");
    let mut bits: u32 = 0;
    let mut n = 0;
    let mut out = Vec::new();
    for c in body.bytes() {
        let v = ALPHABET
            .iter()
            .position(|&a| a == c)
            .unwrap_or_else(|| panic!("not a base64 character: {:?}", c as char))
            as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
            bits &= (1 << n) - 1;
        }
    }
    assert_eq!(bits, 0, "non-canonical base64 tail");
    out
}

fn hex_decode(s: &str) -> Vec<u8> {
    assert!(s.len().is_multiple_of(2));
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

/// Proves a 64-hex secp256k1 scalar is a real private key: wraps it in a SEC1
/// ECPrivateKey DER (no public key, so openssl must derive it), asks openssl to check
/// the key (scalar in [1, n-1], public point valid), derives the public key, and signs
/// and verifies a message with the pair. Returns openssl's verdict text on failure.
fn secp256k1_key_is_valid(hex: &str, work: &Path) -> Result<(), String> {
    let mut der = vec![0x30, 0x2e, 0x02, 0x01, 0x01, 0x04, 0x20];
    der.extend(hex_decode(hex));
    der.extend([0xa0, 0x07, 0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x0a]);
    let key = work.join("k.der");
    fs::write(&key, &der).unwrap();
    let check = Command::new("openssl")
        .args(["ec", "-inform", "DER", "-in", s(&key), "-check", "-noout"])
        .output()
        .unwrap();
    let verdict = format!("{}{}", text(&check.stdout), text(&check.stderr));
    if !check.status.success() || !verdict.contains("EC Key valid.") {
        return Err(verdict);
    }
    let pub_der = work.join("pub.der");
    let pubout = Command::new("openssl")
        .args([
            "ec",
            "-inform",
            "DER",
            "-in",
            s(&key),
            "-pubout",
            "-outform",
            "DER",
        ])
        .args(["-out", s(&pub_der)])
        .output()
        .unwrap();
    if !pubout.status.success() {
        return Err(text(&pubout.stderr));
    }
    // SubjectPublicKeyInfo, named curve, uncompressed point: 88 bytes ending in 04 || X || Y.
    let spki = fs::read(&pub_der).unwrap();
    if spki.len() != 88 || spki[spki.len() - 65] != 0x04 {
        return Err(format!(
            "unexpected public key encoding: {} bytes",
            spki.len()
        ));
    }
    let msg = work.join("msg");
    fs::write(&msg, [7u8; 32]).unwrap();
    let sig = work.join("sig");
    let sign = Command::new("openssl")
        .args(["pkeyutl", "-sign", "-keyform", "DER", "-inkey", s(&key)])
        .args(["-in", s(&msg), "-out", s(&sig)])
        .output()
        .unwrap();
    if !sign.status.success() {
        return Err(text(&sign.stderr));
    }
    let verify = Command::new("openssl")
        .args([
            "pkeyutl",
            "-verify",
            "-pubin",
            "-keyform",
            "DER",
            "-inkey",
            s(&pub_der),
        ])
        .args(["-in", s(&msg), "-sigfile", s(&sig)])
        .output()
        .unwrap();
    let said = text(&verify.stdout);
    if !verify.status.success() || !said.contains("Signature Verified Successfully") {
        return Err(format!("{said}{}", text(&verify.stderr)));
    }
    Ok(())
}

#[test]
fn every_generator_writes_its_format() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let out = run(&[
        "--dir",
        s(&dir),
        "h16:hex:16",
        "h32:hex",
        "b64:base64:64",
        "b5:base64:5",
        "pw:password:40",
        "pw7:password:7",
        "k:secp256k1-hex:32",
        "k0:secp256k1-hex",
        "p:p256-pem",
    ]);
    assert_ok(&out);

    let h16 = read(&dir.join("h16"));
    assert_eq!(h16.len(), 32, "hex of 16 bytes is 32 characters: {h16:?}");
    assert!(
        h16.bytes()
            .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
    );
    let h32 = read(&dir.join("h32"));
    assert_eq!(h32.len(), 64, "default size is 32 bytes");
    assert!(
        h32.bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
    );

    let b64 = read(&dir.join("b64"));
    assert!(!b64.contains('\n'), "base64 is one line without a newline");
    assert_eq!(base64_decode(&b64).len(), 64);
    assert_eq!(base64_decode(&read(&dir.join("b5"))).len(), 5);

    for (name, len) in [("pw", 40), ("pw7", 7)] {
        let pw = read(&dir.join(name));
        assert_eq!(pw.len(), len, "{name}");
        assert!(
            pw.bytes().all(|c| c.is_ascii_alphanumeric()),
            "{name}: {pw:?}"
        );
    }

    let work = tmp.path().join("work");
    fs::create_dir(&work).unwrap();
    for name in ["k", "k0"] {
        let k = read(&dir.join(name));
        assert_eq!(k.len(), 64, "secp256k1 key is 64 hex characters");
        assert!(
            k.bytes()
                .all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(&c))
        );
        secp256k1_key_is_valid(&k, &work)
            .unwrap_or_else(|e| panic!("openssl rejects the generated secp256k1 key: {e}"));
    }

    let pem = read(&dir.join("p"));
    assert!(
        pem.starts_with("-----BEGIN PRIVATE KEY-----\n"),
        "PKCS#8 PEM"
    );
    assert!(pem.ends_with("-----END PRIVATE KEY-----\n"));
    let parse = Command::new("openssl")
        .args(["pkey", "-noout", "-in", s(&dir.join("p"))])
        .output()
        .unwrap();
    assert!(parse.status.success(), "{}", text(&parse.stderr));
    let described = Command::new("openssl")
        .args(["pkey", "-noout", "-text", "-in", s(&dir.join("p"))])
        .output()
        .unwrap();
    let described = text(&described.stdout);
    assert!(
        described.contains("prime256v1") || described.contains("P-256"),
        "not a P-256 key"
    );

    let values: Vec<String> = all_files(&dir).values().map(|v| text(v)).collect();
    assert_quiet(&out, &values);
    no_temp_files_left(&dir);
}

#[test]
fn the_secp256k1_validity_check_really_rejects_bad_scalars() {
    // The proof used above must be able to fail: zero, the group order n and all-ones
    // are not private keys; 1 is.
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    for bad in [
        "0000000000000000000000000000000000000000000000000000000000000000",
        "fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141",
        "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
    ] {
        assert!(
            secp256k1_key_is_valid(bad, tmp.path()).is_err(),
            "{bad} was accepted"
        );
    }
    secp256k1_key_is_valid(
        "0000000000000000000000000000000000000000000000000000000000000001",
        tmp.path(),
    )
    .unwrap();
}

#[test]
fn secp256k1_keys_differ_between_hosts() {
    require_openssl!();
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    assert_ok(&run(&["--dir", s(a.path()), "k:secp256k1-hex"]));
    assert_ok(&run(&["--dir", s(b.path()), "k:secp256k1-hex"]));
    assert_ne!(read(&a.path().join("k")), read(&b.path().join("k")));
}

const EVERY_KIND: &[&str] = &[
    "jwt:hex:16=JWT",
    "cookie:base64:64=COOKIE",
    "pw:password:24=PW",
    "plc:secp256k1-hex:32=PLC",
    "signing:p256-pem",
    "smtp:external:0:optional=SMTP",
];

#[test]
fn a_second_run_changes_nothing() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("env");
    let mut args = vec!["--dir", s(&dir), "--env-file", s(&env)];
    args.extend(EVERY_KIND);
    assert_ok(&run(&args));
    let before = all_files(&dir);
    let env_before = read(&env);
    assert_eq!(before.len(), 5, "{:?}", before.keys());

    // Push every mtime far into the past: any rewrite, even of identical bytes,
    // would show as a new mtime.
    let past = SystemTime::UNIX_EPOCH + Duration::from_secs(1_000_000_000);
    for name in before.keys() {
        fs::File::open(dir.join(name))
            .unwrap()
            .set_modified(past)
            .unwrap();
    }
    let inodes: BTreeMap<String, u64> = before
        .keys()
        .map(|n| (n.clone(), fs::metadata(dir.join(n)).unwrap().ino()))
        .collect();

    let out = run(&args);
    assert_ok(&out);
    assert_eq!(all_files(&dir), before, "a second run changed a secret");
    for name in before.keys() {
        let meta = fs::metadata(dir.join(name)).unwrap();
        assert_eq!(meta.modified().unwrap(), past, "{name} was rewritten");
        assert_eq!(meta.ino(), inodes[name], "{name} was replaced");
    }
    assert_eq!(
        read(&env),
        env_before,
        "the env file is derived, so it is the same"
    );
    let values: Vec<String> = before.values().map(|v| text(v)).collect();
    assert_quiet(&out, &values);
}

#[test]
fn existing_values_are_kept_and_empty_files_are_filled() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    fs::create_dir(&dir).unwrap();
    // Not what the generators would make: proves nothing checks or "repairs" them.
    fs::write(dir.join("jwt"), "operator-chosen-value\n").unwrap();
    fs::write(dir.join("plc"), "not-really-hex").unwrap();
    fs::write(dir.join("empty"), "").unwrap();
    let out = run(&[
        "--dir",
        s(&dir),
        "jwt:hex:16",
        "plc:secp256k1-hex",
        "empty:hex:8",
    ]);
    assert_ok(&out);
    assert_eq!(read(&dir.join("jwt")), "operator-chosen-value\n");
    assert_eq!(read(&dir.join("plc")), "not-really-hex");
    assert_eq!(
        read(&dir.join("empty")).len(),
        16,
        "an empty file is generated anew"
    );
    assert_quiet(
        &out,
        &["operator-chosen-value".into(), "not-really-hex".into()],
    );
    no_temp_files_left(&dir);
}

#[test]
fn env_file_lists_values_in_spec_order() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("run/svc.env");
    fs::create_dir(&dir).unwrap();
    fs::write(
        dir.join("smtp"),
        "smtps://user:p%40ss@smtp.example.com:465/\n",
    )
    .unwrap();
    fs::write(dir.join("odd"), "a b \"c\" $d `e` \\f 'g' #h").unwrap();
    let out = run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "zeta:hex:4=ZETA",
        "alpha:password:10=ALPHA",
        "quiet:hex:4",
        "smtp:external=SMTP_URL",
        "absent:external:optional=ABSENT",
        "odd:external=ODD",
        "mid:base64:3=MID",
    ]);
    assert_ok(&out);
    let zeta = read(&dir.join("zeta"));
    let alpha = read(&dir.join("alpha"));
    let mid = read(&dir.join("mid"));
    let expected = format!(
        "ZETA={zeta}\nALPHA={alpha}\nSMTP_URL=smtps://user:p%40ss@smtp.example.com:465/\n\
         ODD=\"a b \\\"c\\\" \\$d \\`e\\` \\\\f 'g' #h\"\nMID={mid}\n"
    );
    assert_eq!(read(&env), expected);
    assert_eq!(mode(&env), 0o400);
    assert!(
        !dir.join("absent").exists(),
        "an optional external is never created"
    );
    no_temp_files_left(env.parent().unwrap());

    // systemd reads EnvironmentFile= double quotes like the shell does for \ " ` $,
    // so bash must read back exactly what the files hold.
    let back = Command::new("bash")
        .arg("-c")
        .arg("set -a; . \"$1\"; printf '%s\\n%s' \"$ODD\" \"$SMTP_URL\"")
        .arg("bash")
        .arg(&env)
        .output()
        .unwrap();
    assert_eq!(
        text(&back.stdout),
        "a b \"c\" $d `e` \\f 'g' #h\nsmtps://user:p%40ss@smtp.example.com:465/"
    );

    // Rebuilt every run: a value the operator changes shows up in the next env file.
    fs::remove_file(dir.join("smtp")).unwrap();
    fs::write(dir.join("smtp"), "smtp:///?sendmail=true").unwrap();
    let _ = fs::write(&env, "stale"); // fails unless root (0400): either way it is replaced
    assert_ok(&run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "zeta:hex:4=ZETA",
        "smtp:external=SMTP_URL",
    ]));
    assert_eq!(
        read(&env),
        // '?' is quoted, as systemd's own env-file writer does for glob characters.
        format!("ZETA={zeta}\nSMTP_URL=\"smtp:///?sendmail=true\"\n")
    );
}

#[test]
fn files_are_root_only() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a/b/secrets");
    let mut args = vec!["--dir", s(&dir)];
    args.extend(EVERY_KIND);
    assert_ok(&run(&args));
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(
        mode(&tmp.path().join("a")),
        0o700,
        "parents made are 0700 too"
    );
    for name in all_files(&dir).keys() {
        let m = mode(&dir.join(name));
        assert!(m == 0o400 || m == 0o600, "{name} has mode {m:o}");
    }

    // An existing directory with loose permissions, and an operator's file readable
    // by others: both are tightened, the content is left alone.
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(dir.join("ext"), "value").unwrap();
    fs::set_permissions(dir.join("ext"), fs::Permissions::from_mode(0o644)).unwrap();
    assert_ok(&run(&["--dir", s(&dir), "ext:external"]));
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("ext")) & 0o077, 0);
    assert_eq!(read(&dir.join("ext")), "value");
}

#[test]
fn owner_is_applied() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("env");
    let me = fs::metadata(tmp.path()).unwrap();
    // Chowning to oneself works for any user, so this runs unprivileged too.
    let owner = format!("{}:{}", me.uid(), me.gid());
    let out = run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "--owner",
        &owner,
        "a:hex=A",
    ]);
    assert_ok(&out);
    for p in [dir.clone(), dir.join("a"), env.clone()] {
        let m = fs::metadata(&p).unwrap();
        assert_eq!((m.uid(), m.gid()), (me.uid(), me.gid()), "{}", p.display());
    }
    assert_eq!(
        run(&["--dir", s(&dir), "--owner", "nogroup", "a:hex"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_missing_required_external_stops_with_instructions() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("env");
    let out = run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "jwt:hex=JWT",
        "smtp_url:external=PDS_EMAIL_SMTP_URL",
    ]);
    assert!(!out.status.success());
    assert_ne!(out.status.code(), Some(2), "not a usage error");
    let err = text(&out.stderr);
    let expected = format!(
        "atproto-secrets: {}/smtp_url is missing: put the value there (one line), mode 0400, then restart the unit",
        dir.display()
    );
    assert!(err.contains(&expected), "stderr was:\n{err}");
    // The others are made anyway, so the restart only needs the one file.
    assert_eq!(read(&dir.join("jwt")).len(), 64);
    assert!(
        !env.exists(),
        "no env file while a required secret is missing"
    );
    assert_quiet(&out, &[read(&dir.join("jwt"))]);
    no_temp_files_left(&dir);

    // A file with nothing in it counts as missing.
    fs::write(dir.join("smtp_url"), "").unwrap();
    assert!(
        !run(&["--dir", s(&dir), "smtp_url:external"])
            .status
            .success()
    );
}

#[test]
fn an_optional_external_is_skipped() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("env");
    let out = run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "smtp:external:optional=SMTP",
        "other:external:0:optional",
    ]);
    assert_ok(&out);
    assert!(!dir.join("smtp").exists());
    assert_eq!(read(&env), "");
}

#[test]
fn a_multi_line_value_is_refused_for_the_env_file() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let env = tmp.path().join("env");
    fs::create_dir(&dir).unwrap();
    fs::write(dir.join("two"), "first-line-secret\nsecond-line-secret\n").unwrap();
    fs::write(&env, "OLD=1\n").unwrap();
    let out = run(&["--dir", s(&dir), "--env-file", s(&env), "two:external=TWO"]);
    assert!(!out.status.success());
    assert_ne!(out.status.code(), Some(2));
    let err = text(&out.stderr);
    assert!(err.contains(&format!("{}/two", dir.display())), "{err}");
    assert!(
        err.contains("more than one line") && err.contains("TWO"),
        "{err}"
    );
    assert_eq!(
        read(&env),
        "OLD=1\n",
        "the previous env file stays until a good one replaces it"
    );
    assert_quiet(
        &out,
        &["first-line-secret".into(), "second-line-secret".into()],
    );
    no_temp_files_left(tmp.path());

    // A PEM key is multi-line too: it goes to the service as a file, not in env.
    let out = run(&["--dir", s(&dir), "--env-file", s(&env), "key:p256-pem=KEY"]);
    assert!(!out.status.success());
    assert!(text(&out.stderr).contains("more than one line"));
    assert_quiet(&out, &[read(&dir.join("key"))]);

    // One line with a trailing newline (what `echo value > file` makes) is fine, and
    // the newline is not part of the value.
    fs::write(dir.join("one"), "one-line\n").unwrap();
    assert_ok(&run(&[
        "--dir",
        s(&dir),
        "--env-file",
        s(&env),
        "one:external=ONE",
    ]));
    assert_eq!(read(&env), "ONE=one-line\n");
}

#[test]
fn bad_usage_exits_2_and_touches_nothing() {
    // No openssl needed: usage is checked before anything runs.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let d = s(&dir);
    let cases: Vec<Vec<&str>> = vec![
        vec!["a:hex"],                                // no --dir
        vec!["--dir"],                                // --dir without value
        vec!["--dir", d],                             // no SPEC
        vec!["--dir", d, "a:rot13"],                  // unknown generator
        vec!["--dir", d, "Bad:hex"],                  // NAME not [a-z0-9_]+
        vec!["--dir", d, "with-dash:hex"],            // NAME not [a-z0-9_]+
        vec!["--dir", d, "../escape:hex"],            // NAME not [a-z0-9_]+
        vec!["--dir", d, "a"],                        // no generator
        vec!["--dir", d, "a:hex:0"],                  // zero bytes
        vec!["--dir", d, "a:hex:99999"],              // too many
        vec!["--dir", d, "a:hex:abc"],                // not a number
        vec!["--dir", d, "a:hex:optional:16"],        // BYTES after optional
        vec!["--dir", d, "a:secp256k1-hex:16"],       // fixed size
        vec!["--dir", d, "a:hex:"],                   // trailing colon
        vec!["--dir", d, "a:hex=1BAD"],               // bad ENVVAR
        vec!["--dir", d, "a:hex", "a:base64"],        // NAME twice
        vec!["--dir", d, "a:hex=X", "b:hex=X"],       // ENVVAR twice
        vec!["--dir", d, "a:hex\nb:hex"],             // not one word
        vec!["--dir", d, "--frobnicate", "a:hex"],    // unknown option
        vec!["--dir", d, "--owner", "root", "a:hex"], // owner without group
    ];
    for args in cases {
        let out = run(&args);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&out.stderr)
        );
        let err = text(&out.stderr);
        assert!(err.contains("usage:"), "{args:?}: no usage message: {err}");
        assert!(out.stdout.is_empty(), "{args:?}: usage goes to stderr");
        assert!(!dir.exists(), "{args:?}: created {d}");
    }
    let help = run(&["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help.stdout).contains("SPEC = NAME:GENERATOR[:BYTES][:optional][=ENVVAR]"));
}

#[test]
fn concurrent_runs_agree_on_one_value() {
    // Values are created with link(2), which never replaces: however runs interleave,
    // every run ends up using the value that stays on disk.
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let children: Vec<_> = (0..12)
        .map(|i| {
            Command::new("bash")
                .arg(script())
                .args(["--dir", s(&dir), "--env-file"])
                .arg(tmp.path().join(format!("env{i}")))
                .args(["a:hex=A", "b:password=B", "c:secp256k1-hex=C", "d:base64=D"])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let mut created = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert_ok(&out);
        created += text(&out.stdout).matches(": generated ").count();
    }
    // Each file was put in place exactly once: a run that lost the race kept the
    // winner's value instead of replacing it (a `mv` over it would count more here).
    assert_eq!(created, 4, "some secret was written more than once");
    let files = all_files(&dir);
    assert_eq!(files.len(), 4, "{:?}", files.keys());
    let expected = format!(
        "A={}\nB={}\nC={}\nD={}\n",
        text(&files["a"]),
        text(&files["b"]),
        text(&files["c"]),
        text(&files["d"])
    );
    for i in 0..12 {
        assert_eq!(
            read(&tmp.path().join(format!("env{i}"))),
            expected,
            "run {i} used a value that is not the one kept"
        );
    }
    no_temp_files_left(&dir);
}

#[test]
fn a_symlinked_dir_is_refused_and_its_target_left_alone() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let real = tmp.path().join("elsewhere");
    fs::create_dir(&real).unwrap();
    fs::set_permissions(&real, fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(real.join("keep"), "not a secret").unwrap();
    let link = tmp.path().join("secrets");
    std::os::unix::fs::symlink(&real, &link).unwrap();
    let before = all_files(&real);
    for dir in [s(&link).to_string(), format!("{}/", s(&link))] {
        let out = run(&["--dir", &dir, "a:hex", "b:password"]);
        assert_eq!(out.status.code(), Some(1), "{dir}: {}", text(&out.stderr));
        let err = text(&out.stderr);
        assert!(
            err.contains("is a symbolic link") && err.contains(s(&real)),
            "{dir}: {err}"
        );
        assert!(err.contains("remove the link"), "{err}");
        assert_eq!(mode(&real), 0o755, "{dir}: the link's target was chmodded");
        assert_eq!(
            all_files(&real),
            before,
            "{dir}: something was written there"
        );
    }
}

/// The PID of a process that has exited.
fn dead_pid() -> u32 {
    let mut child = Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn temporary_files_left_by_a_killed_run_are_removed_by_the_next() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("secrets");
    let run_dir = tmp.path().join("run");
    fs::create_dir(&dir).unwrap();
    fs::create_dir(&run_dir).unwrap();
    let env = run_dir.join("svc.env");
    let dead = dead_pid();
    let live = std::process::id();
    let stale = [
        dir.join(format!(".pw.tmp.{dead}.1")),
        dir.join(format!(".pw.empty.tmp.{dead}.2")),
        // An earlier version's name (mktemp's).
        dir.join(".pw.tmp.Ab3dE9xZ"),
        run_dir.join(format!(".svc.env.tmp.{dead}.3")),
    ];
    for f in &stale {
        fs::write(f, "PW=whole-secret-value").unwrap();
    }
    let kept = [
        // A running process's file, and files that are not ours.
        dir.join(format!(".pw.tmp.{live}.1")),
        dir.join(".notes"),
        run_dir.join(".other.env.tmp.Ab3dE9xZ"),
    ];
    for f in &kept {
        fs::write(f, "x").unwrap();
    }
    let out = run(&["--dir", s(&dir), "--env-file", s(&env), "pw:password=PW"]);
    assert_ok(&out);
    for f in &stale {
        assert!(!f.exists(), "{} was left", f.display());
    }
    for f in &kept {
        assert!(f.exists(), "{} was removed", f.display());
    }
    assert!(text(&out.stdout).contains("left by an earlier run"));
    assert!(!text(&out.stdout).contains("whole-secret-value"));
}

/// Dot files (temporary files) in a directory.
fn dot_files(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .map(|d| {
            d.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

/// Starts the script in a process group of its own (as systemd kills a unit's whole
/// cgroup), on enough slow keys that a signal lands in the middle.
fn start_busy(dir: &Path, env: &Path) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let mut specs: Vec<String> = (0..5).map(|i| format!("k{i}:p256-pem")).collect();
    specs.extend((0..5).map(|i| format!("h{i}:hex=H{i}")));
    Command::new("bash")
        .arg(script())
        .args(["--dir", s(dir), "--env-file", s(env)])
        .args(&specs)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap()
}

fn signal_group(child: &std::process::Child, signal: i32) {
    // SAFETY: kill(2) on the child's own process group.
    unsafe {
        libc::kill(-(child.id() as i32), signal);
    }
}

#[test]
fn a_run_killed_at_any_moment_leaves_no_secret_behind_after_the_next_run() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    let mut landed = 0;
    for i in 0..20u64 {
        let dir = tmp.path().join(format!("k{i}/secrets"));
        let env = tmp.path().join(format!("k{i}/run/svc.env"));
        let mut child = start_busy(&dir, &env);
        std::thread::sleep(Duration::from_millis(5 + i * 7 % 60));
        signal_group(&child, libc::SIGKILL);
        child.wait().unwrap();
        if !dot_files(&dir).is_empty() || !dot_files(env.parent().unwrap()).is_empty() {
            landed += 1;
        }
        let mut again = start_busy(&dir, &env);
        assert!(
            again.wait().unwrap().success(),
            "run {i}: the next run failed"
        );
        no_temp_files_left(&dir);
        no_temp_files_left(env.parent().unwrap());
    }
    assert!(landed > 0, "no kill landed while a temporary file existed");
}

#[test]
fn a_run_stopped_by_a_signal_removes_its_temporary_files() {
    require_openssl!();
    let tmp = tempfile::tempdir().unwrap();
    for (i, signal) in [libc::SIGTERM, libc::SIGINT, libc::SIGHUP]
        .into_iter()
        .cycle()
        .take(15)
        .enumerate()
    {
        let dir = tmp.path().join(format!("s{i}/secrets"));
        let env = tmp.path().join(format!("s{i}/run/svc.env"));
        let mut child = start_busy(&dir, &env);
        std::thread::sleep(Duration::from_millis(5 + (i as u64) * 7 % 60));
        signal_group(&child, signal);
        child.wait().unwrap();
        assert!(
            dot_files(&dir).is_empty(),
            "signal {signal}: {:?}",
            dot_files(&dir)
        );
        assert!(dot_files(env.parent().unwrap()).is_empty());
    }
}
