{ ... }:
{
  imports = [ ];
  boot.isContainer = true;
}
