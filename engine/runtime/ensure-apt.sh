#!/usr/bin/env bash
# Installs one of Debian's packages for a test or a command when its command is missing and we may
# (root with apt-get); otherwise says how to install it and exits 0, so that what needs it can skip
# naming the same reason. Usage: ensure-apt.sh COMMAND PACKAGE "WHAT IT IS FOR"
set -euo pipefail
command_name="$1" package="$2" purpose="$3"
if command -v "$command_name" >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "$command_name not found: installing Debian's $package for $purpose" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$package" >&2
  exit 0
fi
echo "warning: $command_name not found and not installable here (needs root and apt-get): $purpose will skip; install it with 'sudo apt-get install $package'" >&2
