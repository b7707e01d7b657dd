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
  grafanaSecrets = "/var/lib/atproto-secrets/grafana";
in
{
  config = lib.mkIf active (lib.mkMerge [
    (lib.mkIf m.prometheus {
      services.prometheus = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = m.prometheus_port;
        scrapeConfigs = lib.mapAttrsToList
          (id: e: {
            job_name = id;
            static_configs = [{ targets = map local e.metrics; }];
          })
          scraped
        ++ lib.optional m.node_exporter {
          job_name = "node";
          static_configs = [{ targets = [ (local m.node_exporter_port) ]; }];
        };
      };
    })

    (lib.mkIf m.node_exporter {
      services.prometheus.exporters.node = {
        enable = true;
        listenAddress = "127.0.0.1";
        port = m.node_exporter_port;
        enabledCollectors = [ "systemd" ];
      };
    })

    (lib.mkIf m.grafana {
      services.grafana = {
        enable = true;
        settings = {
          server = {
            http_addr = "127.0.0.1";
            http_port = m.grafana_port;
          };
          # Generated on the host by atproto-secrets-grafana, read by Grafana itself.
          security = {
            admin_password = "$__file{${grafanaSecrets}/admin_password}";
            secret_key = "$__file{${grafanaSecrets}/secret_key}";
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
              url = "http://${local m.prometheus_port}";
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
          ExecStart = "${pkgs.bash}/bin/bash ${../../secrets/atproto-secrets.sh} --dir ${grafanaSecrets} --owner grafana:grafana admin_password:password:24 secret_key:hex:32";
        };
      };
      systemd.services.grafana = {
        requires = [ "atproto-secrets-grafana.service" ];
        after = [ "atproto-secrets-grafana.service" ];
      };
    })
  ]);
}
