#!/usr/bin/env bash
# Discovery inside a git repository: .gitignore is honoured, and libgit2 starts
# without reading the system's CA certificates (src/app/git_certs.c): where
# libgit2 calls mbedTLS's certificate loader at all, the dynamic linker must
# bind it to the asynclint executable, not to libmbedx509.
# usage: git_startup.sh BUILD_DIR SOURCE_DIR
set -uo pipefail
bin=$(cd "$1" && pwd)/asynclint
work=$(mktemp -d /tmp/asynclint-git.XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() { echo "git_startup: $*"; exit 1; }

cd "$work" || exit 1
# a repository as `git init` leaves it, written by hand: no git program needed
mkdir -p .git/objects .git/refs/heads .git/refs/tags
printf 'ref: refs/heads/main\n' > .git/HEAD
printf '[core]\n\trepositoryformatversion = 0\n\tbare = false\n' > .git/config
printf 'skip.py\n' > .gitignore
printf 'import time\n' > kept.py
printf 'import time\n' > skip.py
listed=$("$bin" check --show-files) || fail "--show-files failed"
[ "$listed" = "kept.py" ] || fail "expected only kept.py, got: $listed"

LD_DEBUG=bindings "$bin" check . > /dev/null 2> "$work/bindings.txt"
rc=$?
[ $rc -le 1 ] || fail "check exited $rc"
binds=$(grep "normal symbol \`mbedtls_x509_crt_parse_file'" "$work/bindings.txt")
if [ -z "$binds" ]; then
    echo "git_startup: libgit2 does not load certificates through mbedTLS here; nothing to check"
    exit 0
fi
others=$(echo "$binds" | grep -v "to $bin \[0\]")
[ -z "$others" ] || fail "the certificate loader is not the executable's: $others"
echo "git_startup: ok ($(echo "$binds" | head -1 | sed 's/^ *[0-9]*: *//'))"
