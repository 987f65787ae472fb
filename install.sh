#!/usr/bin/env bash
# Brings up a one-node skiff cluster on Debian 12, as root. Idempotent and
# non-interactive: running it again upgrades packages, rebuilds and restarts.
#
#   ./install.sh [extra `skiff server` flags…]
#
# Environment: SKIFF_DATA_DIR (default /var/lib/skiff),
#              SKIFF_WAIT_SECONDS (default 120).
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
DATA_DIR=${SKIFF_DATA_DIR:-/var/lib/skiff}
WAIT_SECONDS=${SKIFF_WAIT_SECONDS:-120}
KUBECONFIG_FILE="$DATA_DIR/kubeconfig.yaml"
LOG_FILE="$DATA_DIR/skiff.log"
PID_FILE="$DATA_DIR/skiff.pid"
UNIT=/etc/systemd/system/skiff.service
export DEBIAN_FRONTEND=noninteractive

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "run as root (sudo ./install.sh)"
command -v apt-get >/dev/null || die "apt-get not found: this script is for Debian 12"

say "Installing packages"
apt-get update -q
# containerd, runc, CNI plugins and iptables run pods (used by the agent);
# python3, make and g++ build better-sqlite3 when no prebuilt binary fits.
apt-get install -y -q --no-install-recommends \
  ca-certificates containerd runc containernetworking-plugins iptables \
  python3 make g++

# Node.js >= 20.11 (Debian 12's own nodejs is 18: use NodeSource's if apt offers it).
node_ok() {
  command -v node >/dev/null &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>20||(a===20&&b>=11)?0:1)'
}
if ! node_ok; then
  candidate=$(apt-cache policy nodejs | awk '/Candidate:/ {print $2}')
  case "$candidate" in
    2[0-9].* | [3-9][0-9].*) apt-get install -y -q nodejs ;;
    *) die "Node.js >= 20.11 is needed and apt offers nodejs '${candidate:-none}'.
Add NodeSource's repository (https://github.com/nodesource/distributions), then run ./install.sh again." ;;
  esac
  node_ok || die "Node.js >= 20.11 still not found after installing nodejs"
fi
command -v npm >/dev/null || apt-get install -y -q npm

say "Building skiff (npm ci)"
cd "$REPO"
npm ci --no-audit --no-fund

say "Starting skiff server"
mkdir -p "$DATA_DIR"
chmod 0700 "$DATA_DIR"
NODE=$(command -v node)
ARGS=(server --data-dir "$DATA_DIR" "$@")

stop_nohup() {
  if [ -f "$PID_FILE" ]; then
    pid=$(cat "$PID_FILE")
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$PID_FILE"
  fi
}

if [ -d /run/systemd/system ] && [ "$(cat /proc/1/comm 2>/dev/null)" = systemd ]; then
  stop_nohup # from an earlier run without systemd
  systemctl stop skiff.service 2>/dev/null || true
  # The server writes the kubeconfig only once it is ready: wait for a fresh one.
  rm -f "$KUBECONFIG_FILE"
  printf -v EXEC '%q ' "$NODE" "$REPO/bin/skiff" "${ARGS[@]}"
  cat >"$UNIT" <<EOF
[Unit]
Description=skiff: Kubernetes in TypeScript
Documentation=file://$REPO/README.md
Wants=network-online.target
After=network-online.target containerd.service

[Service]
Type=simple
ExecStart=$EXEC
Restart=always
RestartSec=2
KillMode=process
Delegate=yes
LimitNOFILE=1048576
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
EOF
  systemctl daemon-reload
  systemctl enable --now skiff.service
  LOGS="journalctl -u skiff -f"
else
  stop_nohup
  rm -f "$KUBECONFIG_FILE"
  nohup "$NODE" "$REPO/bin/skiff" "${ARGS[@]}" >>"$LOG_FILE" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  LOGS="tail -f $LOG_FILE"
fi

for _ in $(seq 1 $((WAIT_SECONDS * 10))); do
  [ -f "$KUBECONFIG_FILE" ] && break
  if [ -f "$PID_FILE" ] && ! kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
    tail -n 30 "$LOG_FILE" >&2 || true
    die "skiff server exited; see $LOG_FILE"
  fi
  sleep 0.1
done
[ -f "$KUBECONFIG_FILE" ] || die "skiff server not ready after ${WAIT_SECONDS}s; see: $LOGS"

say "skiff is running"
cat <<EOF

  export KUBECONFIG=$KUBECONFIG_FILE
  kubectl get namespaces

Logs:   $LOGS
Token:  $DATA_DIR/token (agents join with it)
EOF
if ! command -v kubectl >/dev/null; then
  cat <<'EOF'

kubectl is not installed. Any kubectl 1.27-1.33 works, for example:
  curl -LO https://dl.k8s.io/release/v1.33.0/bin/linux/amd64/kubectl
  install -m 0755 kubectl /usr/local/bin/kubectl
EOF
fi
