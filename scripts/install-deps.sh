#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and running fakturad needs.
# Idempotent and quiet when everything is present; the one list of packages lives here.
set -euo pipefail

packages=(
    # toolchain
    build-essential cmake ninja-build ccache pkg-config git
    # libraries
    libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev libboost-system1.81-dev
    libssl-dev libsimdjson-dev libyaml-cpp-dev libspdlog-dev libfmt-dev
    libsqlite3-dev sqlite3 libpq-dev libpugixml-dev libcli11-dev libsystemd-dev
    libhowardhinnant-date-dev tzdata
    # invoice PDFs: shaping and font subsets, PNG logos, PDF/A-3 step, GiroCode; the font and the sRGB
    # profile they embed
    libharfbuzz-dev libpng-dev zlib1g-dev libqpdf-dev libqrencode-dev fonts-dejavu-core icc-profiles-free
    # tests and benchmarks
    libgtest-dev libgmock-dev googletest libbenchmark-dev python3
    # PDF checks: qpdf --check, pdffonts/pdfdetach/pdftotext/pdftoppm, the PDF/A preflight's modules
    qpdf poppler-utils zbar-tools python3-pikepdf python3-fonttools python3-lxml
    # e-invoice conformance tests: the shared validate-einvoice.sh runs the official XSD and schematron
    default-jre-headless libsaxonhe-java libxml2-utils
    # formatting check (clang-format 14)
    clang-format
    # systemd unit checks (systemd-analyze)
    systemd
)

missing=()
for p in "${packages[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing+=("$p")
    fi
done

[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
