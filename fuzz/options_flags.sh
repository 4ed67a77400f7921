#!/bin/sh
# The libFuzzer flags of a harness's options file, one a line:
#   options_flags.sh fuzz/<name>.options
# The file is in the format of OSS-Fuzz's .options files: `name = value` lines in a
# [libfuzzer] section (comments start with # or ;). `max_len = 16384` gives -max_len=16384.
set -eu
awk '
  /^[[:space:]]*([#;]|$)/ { next }
  /^[[:space:]]*\[/ { section = $0; gsub(/[][[:space:]]/, "", section); next }
  section == "libfuzzer" {
    split($0, pair, "=")
    name = pair[1]; value = substr($0, index($0, "=") + 1)
    gsub(/^[[:space:]]+|[[:space:]]+$/, "", name); gsub(/^[[:space:]]+|[[:space:]]+$/, "", value)
    if (name != "" && value != "") print "-" name "=" value
  }
' "$1"
