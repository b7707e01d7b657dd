# NixOS module for the service; the flake passes itself as `self` to find
# the package. It reads the package's passthru.atproto.security to decide
# how tightly systemd can sandbox it.
self:
{
  config,
  lib,
  pkgs,
  ...
}:

let
  cfg = config.services.my-atproto-service;
  security = cfg.package.passthru.atproto.security;
in
{
  options.services.my-atproto-service = {
    enable = lib.mkEnableOption "my-atproto-service, an AT Protocol service";

    package = lib.mkOption {
      type = lib.types.package;
      default = self.packages.${pkgs.stdenv.hostPlatform.system}.default;
      defaultText = lib.literalMD "this flake's `packages.<system>.default`";
      description = "The package to run.";
    };

    host = lib.mkOption {
      type = lib.types.str;
      default = "127.0.0.1";
      description = "Address to listen on (put a reverse proxy with TLS in front).";
    };

    port = lib.mkOption {
      type = lib.types.port;
      default = 8080;
      description = "TCP port to listen on.";
    };
  };

  config = lib.mkIf cfg.enable {
    systemd.services.my-atproto-service = {
      description = "my-atproto-service (AT Protocol)";
      wantedBy = [ "multi-user.target" ];
      wants = [ "network-online.target" ];
      after = [ "network-online.target" ];

      # The skeleton reads HOST and PORT (index.js).
      environment = {
        HOST = cfg.host;
        PORT = toString cfg.port;
        NODE_ENV = "production";
      };

      serviceConfig = {
        ExecStart = lib.getExe cfg.package;
        Restart = "on-failure";
        DynamicUser = true;
        StateDirectory = "my-atproto-service";
        WorkingDirectory = "/var/lib/my-atproto-service";

        MemoryDenyWriteExecute = security.memoryDenyWriteExecute;
        NoNewPrivileges = true;
        CapabilityBoundingSet = "";
        ProtectSystem = "strict";
        ProtectHome = true;
        PrivateTmp = true;
        PrivateDevices = true;
        ProtectKernelTunables = true;
        ProtectKernelModules = true;
        ProtectControlGroups = true;
        ProtectClock = true;
        ProtectHostname = true;
        RestrictNamespaces = true;
        RestrictRealtime = true;
        RestrictSUIDSGID = true;
        LockPersonality = true;
        RestrictAddressFamilies = [
          "AF_INET"
          "AF_INET6"
          "AF_UNIX"
        ];
        SystemCallArchitectures = "native";
        SystemCallFilter = [ "@system-service" ];
      };
    };
  };
}
