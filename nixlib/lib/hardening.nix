# The systemd hardening every ATProto unit starts from (our seed design). A module
# relaxes an entry only with a comment saying why, through `overrides`.
# `jit`: the runtime writes executable memory (Node's V8), so MemoryDenyWriteExecute
# would kill it at the first JIT-compiled function.
{ jit ? false }:
{
  NoNewPrivileges = true;
  ProtectSystem = "strict";
  ProtectHome = true;
  PrivateTmp = true;
  PrivateDevices = true;
  ProtectKernelTunables = true;
  ProtectKernelModules = true;
  ProtectKernelLogs = true;
  ProtectControlGroups = true;
  ProtectClock = true;
  ProtectHostname = true;
  RestrictSUIDSGID = true;
  RestrictNamespaces = true;
  RestrictRealtime = true;
  LockPersonality = true;
  MemoryDenyWriteExecute = !jit;
  RestrictAddressFamilies = [ "AF_INET" "AF_INET6" "AF_UNIX" ];
  SystemCallFilter = [ "@system-service" "~@privileged" ];
  SystemCallArchitectures = "native";
  CapabilityBoundingSet = "";
  AmbientCapabilities = "";
  UMask = "0077";
}
