# The argument nixlib/secrets/atproto-secrets.sh takes for one secret of a unit:
# NAME:GENERATOR[:BYTES][:optional][=ENVVAR]. A secret whose file is not in the unit's
# own directory (agenix's, a key shared with another service, a database password) is
# linked there and never generated: its generator becomes `external`.
{ dir, secret }:
let
  own = secret.file == "${dir}/${secret.name}";
  generator = if own then secret.generator else "external";
  bytes = secret.bytes or 0;
  sized = if generator != "external" && bytes > 0 then ":${toString bytes}" else "";
  optional = if secret.required or true then "" else ":optional";
  env = if (secret.env or "") != "" then "=${secret.env}" else "";
in
"${secret.name}:${generator}${sized}${optional}${env}"
