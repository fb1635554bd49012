#!/usr/bin/env bash
# Installs the systemd integration of fakturad into a temporary DESTDIR and checks it:
#   1. `cmake --install --prefix /usr --component systemd` puts unit, sysusers.d and tmpfiles.d files where
#      systemd looks for them, and the generated ExecStart= follows the install prefix;
#   2. systemd-sysusers and systemd-tmpfiles accept the files (applied inside the DESTDIR; root only);
#   3. `systemd-analyze verify` reports nothing about the unit;
#   4. `systemd-analyze security --offline=true` rates the sandbox at or below --max-exposure.
#
# No running systemd is needed: verify on a unit file path and security --offline=true work without a
# manager (the sandbox this was written in has no systemd as PID 1).
#
# Usage: check_systemd_unit.sh --cmake <cmake> --build-dir <dir> --unit-dir <dir> --sysusers-dir <dir>
#            --tmpfiles-dir <dir> --max-exposure <x.y> [--daemon <fakturad binary or "">]
# Without --daemon, ExecStart= of the checked copy points at a stand-in executable (the unit checks do
# not depend on the binary). With --daemon it points at the built daemon; if that does not exist (yet)
# the test exits 77, which CTest reports as skipped.
set -euo pipefail

SKIP=77
cmake_bin=cmake
build_dir=
unit_dir=
sysusers_dir=
tmpfiles_dir=
max_exposure=2.0
daemon_mode=0
daemon=

while [[ $# -gt 0 ]]; do
    case "$1" in
        --cmake) cmake_bin=$2; shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --unit-dir) unit_dir=$2; shift 2 ;;
        --sysusers-dir) sysusers_dir=$2; shift 2 ;;
        --tmpfiles-dir) tmpfiles_dir=$2; shift 2 ;;
        --max-exposure) max_exposure=$2; shift 2 ;;
        # CMake passes an empty value when the fakturad target does not exist; tolerate it being dropped.
        --daemon) daemon_mode=1; daemon=${2-}; shift $(($# >= 2 ? 2 : 1)) ;;
        *) echo "unknown argument: $1" >&2; exit 2 ;;
    esac
done
for v in build_dir unit_dir sysusers_dir tmpfiles_dir; do
    if [[ -z ${!v} ]]; then
        echo "missing --${v//_/-}" >&2
        exit 2
    fi
done

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

if [[ $daemon_mode == 1 ]]; then
    if [[ -z $daemon ]]; then
        echo "SKIPPED: there is no CMake target 'fakturad' yet, so the unit cannot be checked against the daemon."
        exit $SKIP
    fi
    if [[ ! -x $daemon ]]; then
        echo "SKIPPED: daemon binary $daemon is not built (cmake --build $build_dir --target fakturad)."
        exit $SKIP
    fi
    exe=$daemon
else
    # verify only checks that ExecStart= names an existing executable; any will do for the unit checks.
    exe=$(type -P true) || fail "no 'true' executable in PATH"
fi

if ! command -v systemd-analyze >/dev/null; then
    echo "SKIPPED: systemd-analyze is not installed (Debian package systemd)."
    exit $SKIP
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root

# --- 1. install -----------------------------------------------------------------------------------
# Component "systemd" only: the rest of the project may not be built, and install(TARGETS) of an unbuilt
# target fails. --prefix /usr is what a package uses; relative destinations resolve under it.
if ! DESTDIR=$root "$cmake_bin" --install "$build_dir" --prefix /usr --component systemd >"$work/install.log" 2>&1
then
    cat "$work/install.log" >&2
    fail "cmake --install failed"
fi
sed 's/^/install: /' "$work/install.log"

in_root() { # destination as configured (relative: under the prefix /usr) -> path inside DESTDIR
    if [[ $1 == /* ]]; then echo "$root$1"; else echo "$root/usr/$1"; fi
}
unit=$(in_root "$unit_dir")/fakturad.service
sysusers=$(in_root "$sysusers_dir")/fakturad.conf
tmpfiles=$(in_root "$tmpfiles_dir")/fakturad.conf
for f in "$unit" "$sysusers" "$tmpfiles"; do
    [[ -f $f ]] || fail "not installed: ${f#"$root"}"
done

expected_exec='ExecStart=/usr/bin/fakturad --config /etc/fakturad/fakturad.yaml'
grep -qxF "$expected_exec" "$unit" ||
    fail "unit does not contain '$expected_exec' (ExecStart must follow the install prefix): $(grep '^ExecStart=' "$unit")"
if grep -q '@[A-Z_]*@' "$unit"; then
    fail "unsubstituted placeholder in the installed unit: $(grep '@[A-Z_]*@' "$unit")"
fi
echo "ok: installed ${unit#"$root"}, ${sysusers#"$root"}, ${tmpfiles#"$root"}"

# --- 2. sysusers.d and tmpfiles.d -----------------------------------------------------------------
# --root makes both tools read their config from, and write into, the DESTDIR only (file arguments
# are looked up inside the root too). Creating files owned by root needs root; elsewhere skip this part.
if [[ $(id -u) == 0 ]] && command -v systemd-sysusers >/dev/null && command -v systemd-tmpfiles >/dev/null; then
    mkdir -p "$root/etc"
    systemd-sysusers --root="$root" fakturad.conf || fail "systemd-sysusers rejected ${sysusers#"$root"}"
    grep -q '^fakturad:x:[0-9]*:[0-9]*:[^:]*:/var/lib/fakturad:/usr/sbin/nologin$' "$root/etc/passwd" ||
        fail "sysusers did not create user fakturad as expected: $(cat "$root/etc/passwd")"
    grep -q '^fakturad:' "$root/etc/group" || fail "sysusers did not create group fakturad"
    systemd-tmpfiles --root="$root" --create fakturad.conf || fail "systemd-tmpfiles rejected ${tmpfiles#"$root"}"
    [[ $(stat -c '%a %U %G' "$root/etc/fakturad/credentials") == '700 root root' ]] ||
        fail "/etc/fakturad/credentials: $(stat -c '%a %U %G' "$root/etc/fakturad/credentials"), want 700 root root"
    echo "ok: systemd-sysusers and systemd-tmpfiles --create applied in DESTDIR"
else
    echo "note: not root (or sysusers/tmpfiles missing): sysusers.d and tmpfiles.d files not applied"
fi

# --- 3. systemd-analyze verify --------------------------------------------------------------------
# verify checks that ExecStart= exists and is executable on *this* machine, and /usr/bin/fakturad is
# only inside the DESTDIR. `verify --root=<DESTDIR>` would look there, but systemd 252 then also wants
# sysinit.target and the rest of the default dependencies inside the root ("Unit sysinit.target not
# found"). So: a copy of the installed unit (same file name, it names the unit) whose ExecStart=
# points at $exe; everything else is unchanged. verify does not look up User=, so the missing
# fakturad user on the build machine is no problem.
mkdir -p "$work/verify"
copy=$work/verify/fakturad.service
sed "s|^ExecStart=/usr/bin/fakturad |ExecStart=$exe |" "$unit" >"$copy"
grep -q "^ExecStart=$exe " "$copy" || fail "could not point ExecStart= of the copy at $exe"
verify_rc=0
systemd-analyze verify "$copy" >"$work/verify.out" 2>"$work/verify.err" || verify_rc=$?
cat "$work/verify.out"
# On a real host verify also loads the dependencies (network-online.target, multi-user.target, ...)
# and may print notes about *other* units; those are shown but do not fail the test.
if grep -q 'fakturad' "$work/verify.err" || [[ $verify_rc != 0 ]]; then
    cat "$work/verify.err" >&2
    fail "systemd-analyze verify reported problems with the unit (exit $verify_rc)"
fi
sed 's/^/verify note (other unit): /' "$work/verify.err"
echo "ok: systemd-analyze verify (ExecStart=$exe) reports nothing about fakturad.service"

# --- 4. systemd-analyze security ------------------------------------------------------------------
# --offline=true rates the unit file itself instead of asking a running manager. --threshold is in
# tenths (exposure 2.0 = 20): the command fails above it. The figure is parsed as well, to print it
# and to fail loudly if the output format ever changes.
threshold=$(awk -v m="$max_exposure" 'BEGIN { printf "%d", m * 10 + 0.5 }')
security_rc=0
systemd-analyze security --offline=true --threshold="$threshold" "$unit" >"$work/security.out" 2>&1 ||
    security_rc=$?
exposure=$(sed -n 's/.*Overall exposure level for fakturad\.service: \([0-9][0-9.]*\).*/\1/p' "$work/security.out")
echo "Settings that still add exposure:"
grep '✗' "$work/security.out" || true
if [[ -z $exposure ]]; then
    cat "$work/security.out" >&2
    fail "no 'Overall exposure level' in the output of systemd-analyze security"
fi
echo "systemd-analyze security --offline=true: overall exposure $exposure (limit $max_exposure)"
if [[ $security_rc != 0 ]] || ! awk -v e="$exposure" -v m="$max_exposure" 'BEGIN { exit !(e <= m) }'; then
    cat "$work/security.out" >&2
    fail "exposure $exposure is above $max_exposure (systemd-analyze exit $security_rc)"
fi

echo "PASS"
