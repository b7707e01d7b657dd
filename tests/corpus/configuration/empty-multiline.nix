{ config, ... }:
{
  imports = [
    # modules go here
  ];

  services.nginx.enable = true;
}
