# systemd's own quoting of one command line argument (ExecStart=, ExecStartPost=): in
# double quotes, with \, " and $ escaped and "%" doubled, so systemd neither splits it
# nor expands a variable or a specifier in it. The `%d/<name>` credential paths the
# modules write themselves keep their specifier.
a:
let
  escaped = builtins.replaceStrings [ "\\" "\"" "$" ] [ "\\\\" "\\\"" "$$" ] a;
  kept = if builtins.substring 0 3 a == "%d/" then escaped else builtins.replaceStrings [ "%" ] [ "%%" ] escaped;
in
"\"${kept}\""
