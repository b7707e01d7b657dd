# Reflector (legacy): flags only; its port is fixed upstream at 0.0.0.0:3001, so keep openFirewall off behind the proxy.
import ../../lib/service-module.nix { id = "reflector"; }
