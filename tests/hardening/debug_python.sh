#!/usr/bin/env bash
# Print the path of the debug interpreter scripts/bootstrap-hardening installs (Debian's
# python3.X-dbg, the newest there is), or fail silently when there is none.
for v in 3.13 3.12 3.11; do
    command -v "python${v}d" && exit 0
done
exit 1
