# Where crane comes from.
#
#   mkCraneLib = import ./nixlib/pkgs/crane.nix { crane = <see below>; };
#   craneLib = mkCraneLib pkgs;
#
# `crane` may be:
#   - null (the default): the pinned release below, fetched with
#     builtins.fetchTarball (allowed in pure evaluation because it has a hash);
#   - the flake input (`inputs.crane`, has `mkLib`): `crane.mkLib pkgs`;
#   - a path or source tree of crane: `import crane { inherit pkgs; }`.
#
# crane v0.23.4 requires nixpkgs 25.11 or newer (lib/default.nix, minSupported).
#
# The pin: tag v0.23.4 = 10e6e3cb966f7cfcc789fe5eee7a85f3188ce08b (2026-05-17).
# sha256 is the NAR hash of the unpacked tarball, computed from a git mirror
# with `git archive <rev> | tar -x` and `nix-hash --type sha256 --base32`.
# crane's only .gitattributes (examples/quick-start-workspace/…) says
# `merge=binary -crlf`, which does not change archived content; its two
# symlinks (docs/README.md, docs/CHANGELOG.md) are kept by both.
{
  crane ? null,
}:

let
  pinned = builtins.fetchTarball {
    url = "https://github.com/ipetkov/crane/archive/10e6e3cb966f7cfcc789fe5eee7a85f3188ce08b.tar.gz";
    sha256 = "0pax1rc5l08gx0fhx24zyn4kxk16lh47ykifv99hd50fzzcq6wcy";
  };
in
pkgs:
if crane == null then
  import pinned { inherit pkgs; }
else if builtins.isAttrs crane && crane ? mkLib then
  crane.mkLib pkgs
else
  import crane { inherit pkgs; }
