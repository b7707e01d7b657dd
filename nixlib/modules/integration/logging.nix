# Logs: every unit writes to the journal. loki: a local Loki (filesystem storage, on
# loopback) fed by Grafana Alloy reading the journal; alloy: Alloy ships the journal to
# the Loki at atproto.integration.logging.loki_url.
{ config, lib, ... }:
let
  l = config.atproto.integration.logging;
  active = config.atproto.registry != { };
  # An Alloy string literal: double-quoted with Go's escapes, which JSON's are a subset
  # of, so no value can end the string and write configuration of its own.
  alloyString = builtins.toJSON;
  pushUrl =
    if l.kind == "loki" then "http://127.0.0.1:${toString l.loki_port}/loki/api/v1/push"
    else l.loki_url;
in
{
  config = lib.mkIf active (lib.mkMerge [
    (lib.mkIf (l.kind == "loki") {
      services.loki = {
        enable = true;
        # Every leaf a default: a host's own Loki settings win one by one.
        configuration = lib.mapAttrsRecursive (_: lib.mkDefault) {
          auth_enabled = false;
          server = {
            http_listen_address = "127.0.0.1";
            http_listen_port = l.loki_port;
            grpc_listen_address = "127.0.0.1";
          };
          common = {
            path_prefix = "/var/lib/loki";
            replication_factor = 1;
            ring.kvstore.store = "inmemory";
            ring.instance_addr = "127.0.0.1";
            storage.filesystem = {
              chunks_directory = "/var/lib/loki/chunks";
              rules_directory = "/var/lib/loki/rules";
            };
          };
          schema_config.configs = [{
            from = "2024-01-01";
            store = "tsdb";
            object_store = "filesystem";
            schema = "v13";
            index = {
              prefix = "index_";
              period = "24h";
            };
          }];
          limits_config.retention_period = "744h";
          compactor = {
            working_directory = "/var/lib/loki/compactor";
            retention_enabled = true;
            delete_request_store = "filesystem";
          };
        };
      };
    })

    (lib.mkIf (l.kind != "journald" && pushUrl != null) {
      services.alloy.enable = true;
      environment.etc."alloy/config.alloy".text = ''
        loki.relabel "journal" {
          forward_to = []
          rule {
            source_labels = ["__journal__systemd_unit"]
            target_label  = "unit"
          }
        }

        loki.source.journal "journal" {
          forward_to    = [loki.write.default.receiver]
          relabel_rules = loki.relabel.journal.rules
          labels        = { host = ${alloyString config.networking.hostName} }
        }

        loki.write "default" {
          endpoint {
            url = ${alloyString pushUrl}
          }
        }
      '';
    })
  ]);
}
