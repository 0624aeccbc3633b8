#!/usr/bin/env bash
# Run the project's pytest suite against a newer QGIS inside a Debian chroot, besides the host's
# own QGIS (3.22 from Debian 12).
#
#   scripts/qgis_chroot.sh VERSION [pytest args...]     (from the repo root, as root)
#
# VERSION picks the Debian suite that ships that QGIS:
#   3.40  Debian 13 (trixie), with trixie-updates and trixie-security
#   3.44  Debian unstable (sid); its Release file may be past its validity date, so apt runs
#         with Acquire::Check-Valid-Until=false there
#
# Environment:
#   QGIS_CHROOT_ROOT     cache dir of the chroot (default /var/cache/earthmover-flux/chroot-SUITE)
#   REPO_DIR             tree to test (default: git toplevel of the cwd, else the cwd)
#   QGIS_CHROOT_MIRROR   Debian mirror (default http://deb.debian.org/debian)
#   QGIS_CHROOT_SECURITY_MIRROR  security mirror (default "${QGIS_CHROOT_MIRROR}-security";
#                        "none" leaves it out; never used for sid)
#   QGIS_CHROOT_EXTRA_PACKAGES / QGIS_CHROOT_EXTRA_PIP  more Debian / PyPI packages
#   QGIS_CHROOT_REBUILD=1  force a rebuild of the chroot
#   FLUX_*, EARTHMOVER_*, CI  passed through into the chroot
#   CI=true              a missing prerequisite is an error (exit 1), not a skip
#
# The chroot is built once (debootstrap into ROOT.tmp, stamp written last, then renamed to ROOT)
# and reused; a changed tests/requirements.txt only re-runs pip in the chroot's venv. Each run
# bind-mounts proc, /dev, /dev/pts, a tmpfs /dev/shm, the host /tmp and the repo (same absolute
# path), and always unmounts everything it mounted, whatever happens.
set -uo pipefail

# ---------------------------------------------------------------- settings
QGIS_WANTED="${1:-}"
case "$QGIS_WANTED" in
    3.40) SUITE=trixie; EXTRA_SUITES="trixie-updates"; HAS_SECURITY=1 ;;
    3.44) SUITE=sid; EXTRA_SUITES=""; HAS_SECURITY=0 ;;
    *) echo "usage: $0 3.40|3.44 [pytest args...]" >&2; exit 2 ;;
esac
shift
TAG="qgis${QGIS_WANTED/./}"
ROOT="${QGIS_CHROOT_ROOT:-/var/cache/earthmover-flux/chroot-$SUITE}"
MIRROR="${QGIS_CHROOT_MIRROR:-http://deb.debian.org/debian}"
SECURITY_MIRROR="${QGIS_CHROOT_SECURITY_MIRROR:-${MIRROR}-security}"
[ "$HAS_SECURITY" = 1 ] || SECURITY_MIRROR=none
VENV=/opt/flux-venv
# python3-qgis pulls the QGIS core/gui/analysis libraries and PyQt5; qgis-providers brings the
# non-built-in data providers (wms/xyz, postgres, ...); qgis is the desktop package (resources,
# processing plugins) so the layout matches a real install. Most tests run with
# QT_QPA_PLATFORM=offscreen; xvfb/xauth let the tests that start the real `qgis` window run here
# too. The venv gets pip from python3-venv's ensurepip, so no python3-pip. The pip list is the
# host's test requirements, so every QGIS version runs the suite with the same tools.
APT_PACKAGES="qgis python3-qgis qgis-providers python3-venv ca-certificates xvfb xauth curl git make zip unzip imagemagick pyqt5-dev-tools qttools5-dev-tools gdb ${QGIS_CHROOT_EXTRA_PACKAGES:-}"
REQUIREMENTS_FILE="$(cd "$(dirname "$0")/.." && pwd)/tests/requirements.txt"
PIP_PACKAGES="$(sed -e 's/#.*//' "$REQUIREMENTS_FILE" | xargs) ${QGIS_CHROOT_EXTRA_PIP:-}"
RECIPE="v2 suite=$SUITE mirror=$MIRROR security=$SECURITY_MIRROR apt=[$(echo $APT_PACKAGES)]"
PIP_RECIPE="pip=[$(echo $PIP_PACKAGES)]"
STAMP_NAME=.flux-qgis-chroot-complete   # written last: root is usable
PIP_STAMP_NAME=.flux-qgis-chroot-pip    # the pip list the venv was last installed from
MARKER_NAME=.flux-qgis-chroot-owned     # written first: we may delete this dir
# apt options: sid's Release file is often past its Valid-Until date on a snapshot mirror
APT_OPTS=()
[ "$SUITE" = sid ] && APT_OPTS=(-o Acquire::Check-Valid-Until=false)

log() { printf '[%s] %s\n' "$TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
skip() {
    echo "QGIS $QGIS_WANTED run skipped: $*" >&2
    if [ "${CI:-}" = "true" ]; then exit 1; fi
    exit 0
}

# ---------------------------------------------------------------- prerequisites
[ "$(id -u)" = 0 ] || skip "must run as root (chroot/mount/debootstrap need it)"
for tool in chroot mount umount flock; do
    command -v "$tool" >/dev/null 2>&1 || skip "'$tool' not available"
done

case "$ROOT" in
    /*) ;;
    *) die "QGIS_CHROOT_ROOT must be an absolute path: $ROOT" ;;
esac
ROOT="$(realpath -m "$ROOT")"
[ "$(dirname "$ROOT")" != / ] || die "refusing top-level QGIS_CHROOT_ROOT: $ROOT"
TMPROOT="$ROOT.tmp"

if [ -n "${REPO_DIR:-}" ]; then
    REPO="$REPO_DIR"
else
    REPO="$(git rev-parse --show-toplevel 2>/dev/null || pwd)"
fi
[ -d "$REPO" ] || die "REPO_DIR is not a directory: $REPO"
REPO="$(realpath "$REPO")"
[ "$REPO" != / ] || die "refusing to use / as the repo"
case "$REPO/" in
    "$ROOT"/* | "$TMPROOT"/*) die "repo $REPO lies inside the chroot cache" ;;
esac
case "$ROOT/" in
    "$REPO"/*) die "QGIS_CHROOT_ROOT $ROOT lies inside the repo $REPO" ;;
esac

mkdir -p "$(dirname "$ROOT")" || die "cannot create $(dirname "$ROOT")"

# One run at a time per cache dir: runs share the mount points.
exec 9>"$ROOT.lock" || die "cannot open lock $ROOT.lock"
if ! flock -n 9; then
    log "another run holds $ROOT.lock; waiting..."
    flock -w 3600 9 || die "timed out waiting for $ROOT.lock"
fi

# ---------------------------------------------------------------- mounts
# Mount points below $1 (exclusive), deepest first, from /proc/self/mountinfo.
mounts_under() {
    local base="$1"
    awk '{print $5}' /proc/self/mountinfo | while IFS= read -r mp; do
        mp="$(printf '%b' "$mp")"          # undo \040-style escapes
        case "$mp" in "$base"/*) printf '%s\n' "$mp" ;; esac
    done | awk '{print length($0) "\t" $0}' | sort -rn | cut -f2-
}

# Kill processes whose root is inside $1 (left over from tests), so the
# mounts are not busy.  Only processes chrooted into our cache dir.
kill_chrooted() {
    local base="$1" pid r sig n
    for sig in TERM KILL; do
        n=0
        for p in /proc/[0-9]*; do
            pid="${p#/proc/}"
            [ "$pid" = "$$" ] && continue
            r="$(readlink "$p/root" 2>/dev/null)" || continue
            case "$r" in
                "$base" | "$base"/*) kill "-$sig" "$pid" 2>/dev/null && n=$((n + 1)) ;;
            esac
        done
        [ "$n" = 0 ] && return 0
        log "sent SIG$sig to $n leftover process(es) in $base"
        sleep 1
    done
}

unmount_all() {
    local base="$1" mp left
    [ -d "$base" ] || return 0
    kill_chrooted "$base"
    for _ in 1 2 3; do
        while IFS= read -r mp; do
            [ -n "$mp" ] || continue
            umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null || true
        done < <(mounts_under "$base")
        left="$(mounts_under "$base")"
        [ -z "$left" ] && return 0
        sleep 1
    done
    log "ERROR: could not unmount: $left"
    return 1
}

# Delete a chroot dir, only if it is ours and nothing is mounted below it.
remove_root() {
    local dir="$1"
    [ -e "$dir" ] || return 0
    [ -f "$dir/$MARKER_NAME" ] || die "$dir exists but was not made by this script; remove it by hand"
    log "removing $dir"
    unmount_all "$dir" || die "mounts left under $dir; not deleting it"
    [ -z "$(mounts_under "$dir")" ] || die "mounts left under $dir; not deleting it"
    rm -rf --one-file-system "$dir" || die "could not delete $dir"
}

CLEAN_DIRS=()
cleanup() {
    local rc=$? d
    for d in "${CLEAN_DIRS[@]}"; do
        unmount_all "$d" || rc=1
    done
    if [ -n "$(mounts_under "$ROOT")$(mounts_under "$TMPROOT")" ]; then
        log "ERROR: mounts left behind under $ROOT"
        rc=1
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# Mounts a previous, killed run may have left.
CLEAN_DIRS=("$ROOT" "$TMPROOT")
unmount_all "$ROOT" || die "stale mounts under $ROOT"
unmount_all "$TMPROOT" || die "stale mounts under $TMPROOT"

# mount_in DIR: proc, /dev (+pts, fresh shm) inside chroot DIR
mount_basics() {
    local dir="$1"
    mkdir -p "$dir/proc" "$dir/dev" "$dir/tmp"
    mount -t proc proc "$dir/proc" || return 1
    mount --bind /dev "$dir/dev" || return 1
    if [ -d /dev/pts ] && [ -d "$dir/dev/pts" ]; then
        mount --bind /dev/pts "$dir/dev/pts" || return 1
    fi
    if [ -d "$dir/dev/shm" ]; then
        mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs "$dir/dev/shm" || return 1
    fi
}

# ---------------------------------------------------------------- build
# Commands in the chroot do not inherit the lock (fd 9): if this script is
# SIGKILLed, the next run gets the lock, kills its orphans and unmounts.
in_chroot() {   # in_chroot DIR cmd...   (clean environment)
    local dir="$1"; shift
    chroot "$dir" 9>&- /usr/bin/env -i HOME=/root LANG=C.UTF-8 \
        PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        DEBIAN_FRONTEND=noninteractive \
        ${http_proxy:+http_proxy="$http_proxy"} ${https_proxy:+https_proxy="$https_proxy"} \
        ${PIP_INDEX_URL:+PIP_INDEX_URL="$PIP_INDEX_URL"} \
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_DEFAULT_TIMEOUT=180 \
        "$@"
}

ensure_debootstrap() {
    command -v debootstrap >/dev/null 2>&1 && return 0
    command -v apt-get >/dev/null 2>&1 || return 1
    log "installing debootstrap on the host (waits for the dpkg lock)"
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y debootstrap >&2 ||
        { apt-get -o DPkg::Lock::Timeout=900 update >&2 &&
          DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 install -y debootstrap >&2; } ||
        return 1
    command -v debootstrap >/dev/null 2>&1
}

# Replicate the host's apt access setup: Acquire:: settings (proxy, snapshot
# mirror validity, index targets) from apt.conf.d, proxy env vars are passed by
# in_chroot.  The mirror URL itself is $MIRROR, as the host resolves it.
copy_apt_config() {
    local dir="$1" f
    mkdir -p "$dir/etc/apt/apt.conf.d"
    for f in /etc/apt/apt.conf /etc/apt/apt.conf.d/*; do
        [ -f "$f" ] || continue
        # Package defaults (conffiles) are not site config; only local files.
        dpkg -S "$f" >/dev/null 2>&1 && continue
        if grep -qiE '^[[:space:]]*Acquire' "$f"; then
            cp "$f" "$dir/etc/apt/apt.conf.d/$(basename "$f" | sed 's/^apt\.conf$/00host-apt-conf/')"
            log "copied host apt config $f"
        fi
    done
    cat > "$dir/etc/apt/apt.conf.d/90flux-minimal" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Retries "5";
EOF
    rm -f "$dir/etc/apt/sources.list"
    mkdir -p "$dir/etc/apt/sources.list.d"
    {
        printf 'Types: deb\nURIs: %s\nSuites: %s\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
            "$MIRROR" "$(echo $SUITE $EXTRA_SUITES)"
        if [ "$SECURITY_MIRROR" != none ]; then
            printf '\nTypes: deb\nURIs: %s\nSuites: %s-security\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
                "$SECURITY_MIRROR" "$SUITE"
        fi
    } > "$dir/etc/apt/sources.list.d/debian.sources"
}

build_root() {
    local t0=$SECONDS dir="$TMPROOT" ver
    ensure_debootstrap || skip "debootstrap unavailable and could not be installed"
    remove_root "$dir"                       # half-built leftovers
    mkdir -p "$dir" && touch "$dir/$MARKER_NAME" || die "cannot create $dir"
    log "building $SUITE root in $dir (debootstrap --variant=minbase from $MIRROR)"
    debootstrap --variant=minbase "$SUITE" "$dir" "$MIRROR" >&2 ||
        die "debootstrap failed (see $dir/debootstrap/debootstrap.log)"
    log "debootstrap done after $((SECONDS - t0)) s"

    cp -L /etc/resolv.conf "$dir/etc/resolv.conf" 2>/dev/null || true
    grep -qs localhost "$dir/etc/hosts" || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost\n' >> "$dir/etc/hosts"
    copy_apt_config "$dir"
    # The host's CA bundle may hold a CA the host's HTTPS access relies on.
    if [ -f /etc/ssl/certs/ca-certificates.crt ]; then
        mkdir -p "$dir/etc/flux"
        cp /etc/ssl/certs/ca-certificates.crt "$dir/etc/flux/host-ca-certificates.crt"
        printf '[global]\ncert = /etc/flux/host-ca-certificates.crt\n' > "$dir/etc/pip.conf"
    fi

    mount_basics "$dir" || die "mounting proc/dev in $dir failed"
    in_chroot "$dir" apt-get "${APT_OPTS[@]}" update >&2 || die "apt-get update in chroot failed"
    in_chroot "$dir" apt-get "${APT_OPTS[@]}" -y dist-upgrade >&2 || die "apt-get dist-upgrade in chroot failed"
    # shellcheck disable=SC2086
    in_chroot "$dir" apt-get "${APT_OPTS[@]}" install -y --no-install-recommends $APT_PACKAGES >&2 ||
        die "apt-get install in chroot failed"
    in_chroot "$dir" apt-get clean
    log "apt done after $((SECONDS - t0)) s"

    in_chroot "$dir" python3 -m venv --system-site-packages "$VENV" >&2 || die "venv creation failed"

    ver="$(in_chroot "$dir" "$VENV/bin/python" -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)' 2>/dev/null)" ||
        die "qgis.core does not import in the new root"
    unmount_all "$dir" || die "could not unmount build mounts"
    printf '%s\nqgis=%s\nbuilt=%s\n' "$RECIPE" "$ver" "$(date -u +%FT%TZ)" > "$dir/$STAMP_NAME"

    # Swap in: old root (if any, e.g. outdated recipe) out, new in.
    if [ -e "$ROOT" ]; then
        [ -f "$ROOT/$MARKER_NAME" ] || die "$ROOT exists but was not made by this script; remove it by hand"
        mv "$ROOT" "$ROOT.old.$$" || die "cannot move old $ROOT aside"
        mv "$dir" "$ROOT" || die "cannot rename $dir to $ROOT"
        remove_root "$ROOT.old.$$"
    else
        mv "$dir" "$ROOT" || die "cannot rename $dir to $ROOT"
    fi
    log "built $SUITE root with QGIS $ver in $((SECONDS - t0)) s"
}

if [ -f "$ROOT/$STAMP_NAME" ] && [ "$(head -n1 "$ROOT/$STAMP_NAME")" = "$RECIPE" ] && [ "${QGIS_CHROOT_REBUILD:-0}" != 1 ]; then
    log "using cached $SUITE root $ROOT ($(sed -n 's/^qgis=//p' "$ROOT/$STAMP_NAME"))"
else
    if [ -e "$ROOT" ] && [ ! -f "$ROOT/$STAMP_NAME" ]; then
        log "$ROOT has no completion stamp (half-built); rebuilding"
        remove_root "$ROOT"
    elif [ -e "$ROOT" ]; then
        log "$ROOT is outdated (recipe changed or QGIS_CHROOT_REBUILD=1); rebuilding"
    fi
    build_root
fi

# ---------------------------------------------------------------- run
CLEAN_DIRS=("$ROOT")
mount_basics "$ROOT" || die "mounting proc/dev in $ROOT failed"
mount --bind /tmp "$ROOT/tmp" || die "binding /tmp failed"

# The venv's tools follow tests/requirements.txt: pip runs again only when that list changed.
if [ "$(cat "$ROOT/$PIP_STAMP_NAME" 2>/dev/null)" != "$PIP_RECIPE" ]; then
    log "installing the test requirements into $VENV"
    # shellcheck disable=SC2086
    in_chroot "$ROOT" "$VENV/bin/python" -m pip install --no-cache-dir $PIP_PACKAGES >&2 ||
        die "pip install in chroot failed"
    printf '%s\n' "$PIP_RECIPE" > "$ROOT/$PIP_STAMP_NAME"
fi

same_file() { [ "$(stat -L -c %d:%i "$1" 2>/dev/null)" = "$(stat -L -c %d:%i "$2" 2>/dev/null)" ]; }
if same_file "$REPO" "$ROOT$REPO"; then
    :   # already visible (e.g. the repo is below /tmp)
else
    mkdir -p "$ROOT$REPO" || die "cannot create mount point $ROOT$REPO"
    mount --bind "$REPO" "$ROOT$REPO" || die "binding $REPO failed"
fi
same_file "$REPO" "$ROOT$REPO" || die "repo is not visible at $REPO inside the chroot"
# a git worktree keeps its objects in the main checkout's .git: make that visible too (read-only),
# so git (the fresh-clone package test) works inside
GIT_COMMON="$(git -C "$REPO" rev-parse --path-format=absolute --git-common-dir 2>/dev/null || true)"
case "$GIT_COMMON" in
    "" | "$REPO"/*) ;;
    /*) if [ -d "$GIT_COMMON" ] && ! same_file "$GIT_COMMON" "$ROOT$GIT_COMMON"; then
            mkdir -p "$ROOT$GIT_COMMON" && mount --bind -o ro "$GIT_COMMON" "$ROOT$GIT_COMMON" ||
                die "binding $GIT_COMMON failed"
        fi ;;
esac

# Environment passed in: FLUX_*, EARTHMOVER_*, CI.
ENV_ARGS=()
while IFS= read -r name; do
    ENV_ARGS+=("$name=${!name}")
    val="${!name}"
    case "$val" in
        /*) if [ -e "$val" ] && ! same_file "$val" "$ROOT$val"; then
                log "warning: $name=$val is not visible inside the chroot (only /tmp and the repo are shared)"
            fi ;;
    esac
done < <(compgen -e | grep -E '^(FLUX_|EARTHMOVER_)' || true)
[ -n "${CI:-}" ] && ENV_ARGS+=("CI=$CI")
mkdir -p "$ROOT/run/flux-xdg" && chmod 700 "$ROOT/run/flux-xdg"

run_in_root() {
    chroot "$ROOT" 9>&- /usr/bin/env -i HOME=/root \
        PATH="$VENV/bin:/usr/local/bin:/usr/bin:/bin" \
        QT_QPA_PLATFORM=offscreen LANG=C.UTF-8 XDG_RUNTIME_DIR=/run/flux-xdg \
        "${ENV_ARGS[@]}" "$@"
}

QGIS_VER="$(run_in_root python -c 'from qgis.core import Qgis; print(Qgis.QGIS_VERSION)')" ||
    die "cannot import qgis.core inside the chroot"
echo "QGIS inside $SUITE chroot: $QGIS_VER"

t_run=$SECONDS
# Relative pytest args keep their meaning: start in the same directory as the
# caller when that is inside the repo, else at the repo root.
WORKDIR="$REPO"
HERE="$(pwd -P)"
case "$HERE/" in "$REPO"/*) WORKDIR="$HERE" ;; esac
# pytest runs as a waited-for child so a signal to this script runs the
# cleanup trap at once (it kills what runs in the chroot, then unmounts).
run_in_root /bin/sh -c 'cd "$1" && shift && exec python -m pytest "$@"' sh "$WORKDIR" "$@" 0<&0 9>&- &
PYTEST_PID=$!
wait "$PYTEST_PID"
rc=$?
log "pytest (QGIS $QGIS_VER) exited $rc after $((SECONDS - t_run)) s"
exit "$rc"
