# What the real NixOS modules do with the options stub-nixos.nix declares, where it
# decides whether a host evaluates or its units start: the certificates nginx asks the
# ACME module for, the ACME module's, nginx's and PostgreSQL's assertions, and
# fail2ban's refusal to start a jail whose log file never exists. Each block names the
# nixpkgs file it follows; messages are nixpkgs' own.
{ config, lib, ... }:
let
  nginx = config.services.nginx;
  acme = config.security.acme;
  pg = config.services.postgresql;
  f2b = config.services.fail2ban;
  vhosts = lib.attrValues (lib.mapAttrs (name: v: v // { serverName = name; }) nginx.virtualHosts);
  acmeVhosts = lib.filter (v: v.enableACME || v.useACMEHost != null) vhosts;

  # nginx writes its error log to a file only when logError names one; the access log
  # goes to nginx's compiled-in /var/log/nginx/access.log (nixpkgs sets no access_log).
  firstWord = s: builtins.head (lib.splitString " " s);
  nginxFiles = lib.optionals nginx.enable (
    [ "/var/log/nginx/access.log" ]
    ++ lib.optional (lib.hasPrefix "/" nginx.logError) (firstWord nginx.logError));
  logFiles = nginxFiles;
  jailSettings = name: j: (f2b.jails.DEFAULT.settings or { }) // { backend = "systemd"; } // j.settings;
in
{
  config = lib.mkMerge [
    # services/web-servers/nginx/default.nix: security.acme.certs for ACME vhosts.
    (lib.mkIf nginx.enable {
      security.acme.certs = builtins.listToAttrs (
        map
          (v: lib.nameValuePair v.serverName {
            dnsProvider = lib.mkOverride (if v.acmeRoot != null then 1000 else 2000) null;
            webroot = lib.mkOverride (if v.acmeRoot != null then 1000 else 2000) v.acmeRoot;
            extraDomainNames = v.serverAliases;
            group = lib.mkDefault nginx.group;
            reloadServices = [ "nginx.service" ];
          })
          (lib.filter (v: v.enableACME && v.useACMEHost == null) acmeVhosts)
        ++ map (v: lib.nameValuePair v.useACMEHost { reloadServices = [ "nginx.service" ]; })
          (lib.filter (v: v.useACMEHost != null) acmeVhosts));
      assertions = [{
        assertion = lib.all (v: !(v.enableACME && v.useACMEHost != null)) vhosts;
        message = ''
          Options services.nginx.service.virtualHosts.<name>.enableACME and
          services.nginx.virtualHosts.<name>.useACMEHost are mutually exclusive.
        '';
      }];
    })

    # security/acme/default.nix.
    (lib.mkIf (acme.certs != { }) {
      assertions = [
        {
          assertion = acme.defaults.email != null || lib.all (c: c.email != null) (lib.attrValues acme.certs);
          message = ''
            You must define `security.acme.certs.<name>.email` or
            `security.acme.defaults.email` to register with the CA. Note that using
            many different addresses for certs may trigger account rate limits.
          '';
        }
        {
          assertion = acme.acceptTerms;
          message = ''
            You must accept the CA's terms of service before using
            the ACME module by setting `security.acme.acceptTerms`
            to `true`. For Let's Encrypt's ToS see https://letsencrypt.org/repository/
          '';
        }
      ] ++ lib.concatLists (lib.mapAttrsToList
        (cert: c:
          let exclusive = { inherit (c) dnsProvider webroot listenHTTP s3Bucket; }; in [
            {
              assertion = !lib.hasInfix "*" cert;
              message = ''
                The cert option path `security.acme.certs.${cert}.dnsProvider`
                cannot contain a * character.
              '';
            }
            {
              assertion = lib.length (lib.filter (x: x != null) (lib.attrValues exclusive)) == 1;
              message = ''
                Exactly one of the options
                `security.acme.certs.${cert}.dnsProvider`,
                `security.acme.certs.${cert}.webroot`,
                `security.acme.certs.${cert}.listenHTTP` and
                `security.acme.certs.${cert}.s3Bucket`
                is required.
              '';
            }
          ])
        acme.certs);
    })

    # databases/postgresql.nix.
    (lib.mkIf pg.enable {
      assertions = map
        (u: {
          assertion = u.ensureDBOwnership -> lib.elem u.name pg.ensureDatabases;
          message = ''
            For each database user defined with `services.postgresql.ensureUsers` and
            `ensureDBOwnership = true;`, a database with the same name must be defined
            in `services.postgresql.ensureDatabases`.

            Offender: ${u.name} has not been found among databases.
          '';
        })
        pg.ensureUsers;
    })

    # services/security/fail2ban.nix sets backend = systemd in DEFAULT; a jail that
    # overrides it reads files, and fail2ban refuses to start (every jail, sshd's too)
    # when one has no log file.
    (lib.mkIf f2b.enable {
      assertions = lib.mapAttrsToList
        (name: j:
          let s = jailSettings name j; in {
            assertion = !j.enabled || s.backend == "systemd" || lib.elem (s.logpath or "") logFiles;
            message = "fail2ban: Have not found any log file for ${name} jail (${s.logpath or "no logpath"}; files written on this host: ${toString logFiles})";
          })
        (builtins.removeAttrs f2b.jails [ "DEFAULT" ]);
    })
  ];
}
