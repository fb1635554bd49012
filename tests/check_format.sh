#!/usr/bin/env bash
# Every C++ file git tracks must be formatted with the repository's .clang-format (STYLE K1).
# Fix with: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i
set -u
root=${1:?usage: check_format.sh SOURCE_DIR}
cd "$root" || exit 2
if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed (scripts/install-deps.sh installs it)"
    exit 1
fi
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    echo "not a git checkout; nothing to check"
    exit 0
fi
mapfile -t files < <(git ls-files '*.cpp' '*.hpp' '*.h' ':!:tests/data/**')
[ ${#files[@]} -eq 0 ] && exit 0
if ! clang-format --dry-run --Werror "${files[@]}" 2>/tmp/fakturad-format.$$; then
    grep -E '^[^ ].*: (warning|error):' /tmp/fakturad-format.$$ | cut -d: -f1 | sort -u | sed 's/^/not formatted: /'
    rm -f /tmp/fakturad-format.$$
    echo "run: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i"
    exit 1
fi
rm -f /tmp/fakturad-format.$$
echo "${#files[@]} files formatted"
