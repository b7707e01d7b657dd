{ config, pkgs, ... }:
{
	networking.hostName = "tabby";
	services.openssh = {
		enable = true;
		settings.PasswordAuthentication = false;
	};
}
