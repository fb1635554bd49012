#!/usr/bin/env bash
# The pure modules (core, billing, mapping, documents, payments) do no I/O and read no clock:
# they must not include Asio, Beast, OpenSSL, SQLite, libpq, spdlog or curl, nor call system_clock::now.
set -u
root=${1:?usage: check_purity.sh SOURCE_DIR}
cd "$root" || exit 2
pure=()
for m in core billing mapping documents payments; do
    [ -d "$m" ] && pure+=("$m")
done
status=0
forbidden='#[[:space:]]*include[[:space:]]*[<"](boost/asio|boost/beast|openssl/|sqlite3\.h|libpq-fe\.h|postgresql/|spdlog/|curl/|sys/socket\.h|netinet/)'
hits=$(grep -rnE "$forbidden" "${pure[@]}" --include='*.hpp' --include='*.cpp' --include='*.h' || true)
if [ -n "$hits" ]; then
    echo "pure modules must not include I/O libraries:"
    echo "$hits"
    status=1
fi
hits=$(grep -rnE 'system_clock::now|steady_clock::now|std::getenv|getenv\(|std::rand\(|random_device' "${pure[@]}" \
        --include='*.hpp' --include='*.cpp' || true)
if [ -n "$hits" ]; then
    echo "pure modules must not read the clock, the environment or a random device (inject a port instead):"
    echo "$hits"
    status=1
fi
# Their CMake targets must not link an I/O library either.
mapfile -t cmake_files < <(find "${pure[@]}" -name CMakeLists.txt 2>/dev/null)
hits=$(grep -nE 'OpenSSL::|SQLite::|PostgreSQL::|spdlog::|fakturad_net|fakturad_store|fakturad_connector|Boost::(system|url)' \
        "${cmake_files[@]}" /dev/null || true)
if [ -n "$hits" ]; then
    echo "pure modules must not link I/O libraries:"
    echo "$hits"
    status=1
fi
if [ $status -eq 0 ]; then
    echo "pure modules are pure: ${pure[*]}"
fi
exit $status
