#!/bin/sh
# Run a command where nothing can leave the machine: a new network namespace holding only `lo`
# (brought up), and a new mount namespace in which a private /etc/hosts is bound over the real one.
# It maps localhost to both 127.0.0.1 and ::1 (this machine's maps it to 127.0.0.1 only, which
# fails IPv6 tests under either socket module) and keeps this host's own name on 127.0.0.1, as
# the real file does.  Any other name fails at once: there is no route to a resolver.
# glibc's AI_ADDRCONFIG counts no address but 127.0.0.1 and ::1 as configured, so with those alone
# getaddrinfo("localhost", ..., AI_ADDRCONFIG) finds nothing (anyio asks that way); lo gets one more
# address of each family, still on lo and reachable from nowhere else.
# Usage: tests/peers/in_netns.sh COMMAND [ARG...]      (as root)
set -eu
exec unshare --net --mount -- sh -euc '
    ip link set lo up
    ip addr add 127.0.0.2/8 dev lo
    ip addr add fd00:c5::1/128 dev lo
    hosts=$(mktemp)
    printf "127.0.0.1\tlocalhost %s\n::1\tlocalhost ip6-localhost ip6-loopback\n" "$(hostname)" >"$hosts"
    mount --bind "$hosts" /etc/hosts
    rm -f "$hosts"
    exec "$@"
' in_netns "$@"
