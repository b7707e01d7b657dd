{ ... }: { imports = []; boot.isContainer = true; }
