#!/usr/bin/env bash
# Run before the tests (npm's pretest) and by npm run scenario when a scenario runs mpirun. Installs
# Debian's openmpi-bin when no launcher is found and we may (root with apt-get); says what to do otherwise.
set -euo pipefail
if command -v mpirun >/dev/null 2>&1 || command -v mpiexec >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "mpirun not found: installing Debian's openmpi-bin for the MPI tests" >&2
  apt-get -o DPkg::Lock::Timeout=300 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -qq openmpi-bin >&2
  exit 0
fi
echo "error: the MPI tests need mpirun (OpenMPI) or mpiexec (MPICH); install one, e.g. 'sudo apt-get install openmpi-bin'" >&2
exit 1
