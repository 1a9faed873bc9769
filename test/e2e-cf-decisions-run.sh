#!/bin/bash
# e2e-cf-decisions-run.sh HOSTNAME PORT SCRIPT ADDRS -- DAEMON_CMD...
# In fresh UTS and network namespaces: set the host name, bring up loopback,
# add every address of the comma-separated ADDRS outside 127/8 to it, start
# DAEMON_CMD (a sendmail -bD), wait until it listens on 127.0.0.1:PORT, run
# e2e-cf-decisions-chat.mjs from all ADDRS at once (its JSON on stdout),
# stop the daemon.  The status is the chat's.
set -u
here=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
host=$1 port=$2 script=$3 addrs=$4; shift 5
exec unshare --uts --net bash -c '
  hostname "$0"; ip link set lo up
  here=$1 port=$2 script=$3; IFS=, read -r -a addrs <<<"$4"; shift 4
  for a in "${addrs[@]}"; do case $a in 127.*) ;; *) ip addr add "$a"/32 dev lo ;; esac; done
  "$@" >/dev/null 2>&1 &
  pid=$!
  # until it listens, or has exited (a daemon that refuses the cf: the clients find nothing)
  for i in $(seq 150); do
    ss -Hltn "sport = :$port" | grep -q . && break
    kill -0 $pid 2>/dev/null || break
    sleep 0.1
  done
  node "$here/e2e-cf-decisions-chat.mjs" "$port" "$script" "${addrs[@]}"
  status=$?
  kill $pid 2>/dev/null; wait $pid 2>/dev/null
  exit $status
' "$host" "$here" "$port" "$script" "$addrs" "$@"
