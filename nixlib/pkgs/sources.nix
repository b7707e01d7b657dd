# Upstream pins for every package built here: one place to bump.
#
# How each `hash` was computed (see docs/PACKAGES.md): from a git mirror of
# the upstream repository,
#   git --git-dir=<mirror> archive <rev> | tar -x -C /tmp/x
#   nix-hash --type sha256 /tmp/x      (then hex -> SRI)
# which is the NAR hash of the tree fetchFromGitHub unpacks, because none of
# these trees has a .gitattributes with export-ignore / export-subst (checked;
# atproto's only has linguist-* lines) and git archive, like GitHub's
# tarballs, writes the same files and executable bits. rsky's one submodule
# (rsky-repo/tests/interop_src) is an empty directory in both.
#
# `date` is the commit date, used for "unstable" versions.
{
  # at-microcosm/microcosm-rs main, "Merge branch 'ufos-stats'"
  microcosm = {
    owner = "at-microcosm";
    repo = "microcosm-rs";
    rev = "6f52fc2c707fe326df3f405601248bf5c951a8f4";
    hash = "sha256-wb9UZSqKJ8IiGjqBgwW1+1lv1Ta9iXWb7hU26v3SGTo=";
    date = "2026-05-05";
  };

  # Tag reflector-v0.0.2: the last commit where who-am-i/ and reflector/
  # were workspace members (with a Cargo.lock). At 6f52fc2 they sit in
  # legacy/, outside the workspace and without a lockfile, so they cannot be
  # built from there. Their sources differ only by refactors (let-chains,
  # `clap = { workspace = true }`); flags and behaviour are the same.
  microcosm-legacy = {
    owner = "at-microcosm";
    repo = "microcosm-rs";
    rev = "4e0bca4847421d5fab0c7e41d828160f5da99e40";
    tag = "reflector-v0.0.2";
    hash = "sha256-GcOV2/LhxQ7Du+Yr9CZIAKiYVBgS90u0/sAxoPHIpWc=";
    date = "2025-09-05";
  };

  # blacksky-algorithms/rsky main, "Merge pull request #236 …"
  rsky = {
    owner = "blacksky-algorithms";
    repo = "rsky";
    rev = "7ebd21ae788c550ee8510034d94eb19ede148738";
    hash = "sha256-bsWrtqAZT27TxcDIYNgaKc1vryU9r/fPB1KHEKq581g=";
    date = "2026-08-20";
  };

  # bluesky-social/jetstream tag v0.2.0 (the 2026 rewrite)
  jetstream = {
    owner = "bluesky-social";
    repo = "jetstream";
    rev = "289b0328c2e1a0ccf8c870cb45de0b2397de19fb";
    tag = "v0.2.0";
    hash = "sha256-Bq2T0p2ycE2izKjrXDatTHg6+FG0BqxTa++1A1vtqok=";
    date = "2026-08-13";
  };

  # bluesky-social/feed-generator main
  feed-generator = {
    owner = "bluesky-social";
    repo = "feed-generator";
    rev = "e4f3b822261eff6c7a133aeea40cc849869cff9f";
    hash = "sha256-fG3LG3FFX+AG1OJHX2maACNSfWdCe+/uhENuTU9YkYY=";
    date = "2026-02-24";
  };

  # bluesky-social/ozone main (service/ pins @atproto/ozone 0.1.167)
  ozone = {
    owner = "bluesky-social";
    repo = "ozone";
    rev = "99dce84de111a48cfabdc99eaace86b5c22815d0";
    hash = "sha256-17LdEjzNV1Eu5KOxakHj7tWt22zXzod8Kbh8qOZpLN4=";
    date = "2026-06-19";
  };

  # bluesky-social/atproto main (services/bsky = the AppView entry point,
  # @atproto/bsky 0.0.275)
  atproto = {
    owner = "bluesky-social";
    repo = "atproto";
    rev = "d6296a1cfdb40a773319cb59061300e4e8e52f26";
    hash = "sha256-VdGiILb6IcpVKVWzEpzbgd93L0uvkt8wMJS+ygDR3n4=";
    date = "2026-08-20";
  };
}
