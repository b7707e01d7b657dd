# Stands in for nixos-generate-config's output; adopt never reads it.
{ ... }:
{
}
