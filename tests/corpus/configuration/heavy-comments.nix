/*
 * Hand-maintained config for the community PDS box.
 * Ask #infra before changing anything below.
 */
{config,pkgs,lib,...}:   # args on one line, that is how I like it


{

    # ---- modules ---------------------------------------------------
    imports   =   [   # keep these sorted
        ./hardware-configuration.nix     # generated, do not touch
        ./users.nix   # people
        ./backup.nix /* restic */   # offsite copy
    ] ;   # end of imports


    # ---- the rest --------------------------------------------------
    services.openssh.enable=true;
    /* block
       comment */ networking.hostName   = "bsky-pds";

    system.stateVersion = "24.11";
}    # fin
