# Prometheus scraping every enabled service's metrics port (catalog ports with
# metrics = true, when their enabled_by setting is on), the node exporter, and Grafana
# with Prometheus provisioned as its data source and the dashboard in assets/grafana.
# Everything listens on loopback: reach Grafana through an SSH tunnel or add a proxy
# host for it yourself.
{ config, lib, pkgs, ... }:
let
  m = config.atproto.integration.monitoring;
  logging = config.atproto.integration.logging;
  active = config.atproto.registry != { };
  scraped = lib.filterAttrs (_: e: e.metrics != [ ]) config.atproto.registry;
  local = port: "127.0.0.1:${toString port}";
  files = import ../../lib/secret-files.nix { inherit lib; };
  grafanaSecrets = files.generatedDir "grafana";
  # Grafana runs as User=grafana (nixpkgs' module) and reads `$__file{…}` itself, so it
  # gets its secrets as systemd credentials: systemd copies the root-only files into
  # the unit's credentials directory, readable by the unit's user only. The files
  # stay root-only, and nothing depends on the mode of the secrets directory.
  grafanaCredential = name: "/run/credentials/grafana.service/${name}";
in
{
  config = lib.mkIf active (lib.mkMerge [
    (lib.mkIf m.prometheus {
      services.prometheus = {
        enable = true;
        listenAddress = lib.mkDefault "127.0.0.1";
        port = lib.mkDefault m.prometheus_port;
        scrapeConfigs = lib.mapAttrsToList
          (id: e: {
            job_name = id;
            static_configs = [{ targets = map local e.metrics; }];
          })
          scraped
        ++ lib.optional m.node_exporter {
          job_name = "node";
          static_configs = [{ targets = [ (local config.services.prometheus.exporters.node.port) ]; }];
        };
      };
    })

    (lib.mkIf m.node_exporter {
      services.prometheus.exporters.node = {
        enable = true;
        listenAddress = lib.mkDefault "127.0.0.1";
        port = lib.mkDefault m.node_exporter_port;
        enabledCollectors = [ "systemd" ];
      };
    })

    (lib.mkIf m.grafana {
      services.grafana = {
        enable = true;
        settings = {
          server = {
            http_addr = lib.mkDefault "127.0.0.1";
            http_port = lib.mkDefault m.grafana_port;
          };
          # Generated on the host by atproto-secrets-grafana, passed as credentials.
          security = {
            admin_password = "$__file{${grafanaCredential "admin_password"}}";
            secret_key = "$__file{${grafanaCredential "secret_key"}}";
          };
        };
        provision = {
          enable = true;
          datasources.settings.datasources =
            lib.optional m.prometheus {
              name = "Prometheus";
              uid = "prometheus";
              type = "prometheus";
              access = "proxy";
              url = "http://${local config.services.prometheus.port}";
              isDefault = true;
            }
            ++ lib.optional (logging.kind == "loki") {
              name = "Loki";
              uid = "loki";
              type = "loki";
              access = "proxy";
              url = "http://${local logging.loki_port}";
            };
          dashboards.settings.providers = [{
            name = "ATProto";
            options.path = ../../../assets/grafana;
          }];
        };
      };

      systemd.services.atproto-secrets-grafana = {
        description = "Create Grafana's admin password and secret key";
        wantedBy = [ "grafana.service" ];
        before = [ "grafana.service" ];
        path = [ pkgs.openssl pkgs.coreutils ];
        serviceConfig = {
          Type = "oneshot";
          RemainAfterExit = true;
          UMask = "0077";
        };
        script = ''
          install -d -m 0700 ${files.secretsDir}
          ${files.makeDir grafanaSecrets}${pkgs.bash}/bin/bash ${../../secrets/atproto-secrets.sh} --dir ${grafanaSecrets} admin_password:password:24 secret_key:hex:32
        '';
      };
      systemd.services.grafana = {
        requires = [ "atproto-secrets-grafana.service" ];
        after = [ "atproto-secrets-grafana.service" ];
        serviceConfig.LoadCredential = map (n: "${n}:${grafanaSecrets}/${n}") [ "admin_password" "secret_key" ];
      };
    })
  ]);
}
