#!/usr/bin/env bash
# Throwaway PostgreSQL + PostGIS server for truce's tests.
#
# Sourced:   . .ci/postgres.sh && pg_start   (exports TRUCE_TEST_POSTGRES)
#            ...; pg_stop                     (or: trap pg_stop EXIT)
# Executed:  .ci/postgres.sh start | stop | status   (stop: whoever started it)
#            .ci/postgres.sh run go test ./store/postgres/...   (start, run, stop)
#
# It installs postgresql and postgis from Debian's packages if they are
# missing, runs the server as the unprivileged user "postgres" (created if
# missing) from a directory under /tmp, on 127.0.0.1 and a free port. Starting
# twice reuses the running server, and only the shell that started it stops
# it. TRUCE_PG_DIR moves the directory;
# TRUCE_PG_DURABLE=1 keeps fsync on (benchmarks), otherwise CI runs without it.

truce_pg_dir() { echo "${TRUCE_PG_DIR:-/tmp/truce-pg}"; }

# truce_pg_bindir finds the newest installed server >= 15 with PostGIS.
truce_pg_bindir() {
	local v
	for v in $(ls /usr/lib/postgresql 2>/dev/null | sort -rn); do
		if [ "$v" -ge 15 ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] &&
			ls /usr/share/postgresql/"$v"/extension/postgis.control >/dev/null 2>&1; then
			echo "/usr/lib/postgresql/$v/bin"
			return 0
		fi
	done
	return 1
}

truce_pg_install() {
	truce_pg_bindir >/dev/null && return 0
	local sudo=""
	[ "$(id -u)" = 0 ] || sudo="sudo"
	echo "postgres.sh: installing PostgreSQL and PostGIS from Debian packages" >&2
	$sudo apt-get update -qq >&2 || return 1
	local v
	v=$(apt-cache search --names-only '^postgresql-[0-9]+-postgis-3$' | sed -E 's/^postgresql-([0-9]+)-.*/\1/' | sort -rn | head -1)
	[ -n "$v" ] || v=15
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
		"postgresql-$v" "postgresql-$v-postgis-3" >&2 || return 1
	truce_pg_bindir >/dev/null
}

# truce_pg_as runs a command as the server's user: postgres when we are root.
truce_pg_as() {
	if [ "$(id -u)" = 0 ]; then
		(cd / && runuser -u postgres -- "$@") # from a folder the postgres user may enter
	else
		"$@"
	fi
}

truce_pg_free_port() {
	local p
	for p in $(seq 55432 55532); do
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	return 1
}

truce_pg_start() {
	local dir bin port
	dir=$(truce_pg_dir)
	truce_pg_install || { echo "postgres.sh: cannot install PostgreSQL" >&2; return 1; }
	bin=$(truce_pg_bindir)
	if [ -f "$dir/port" ] && truce_pg_as "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
		port=$(cat "$dir/port")
	else
		TRUCE_PG_STARTED="$dir"
		if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
			useradd --system --user-group --home-dir /var/lib/postgresql --shell /bin/bash postgres || return 1
		fi
		rm -rf "$dir"
		mkdir -p "$dir"
		[ "$(id -u)" = 0 ] && chown postgres: "$dir"
		truce_pg_as "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 ||
			{ cat "$dir/initdb.log" >&2; return 1; }
		port=$(truce_pg_free_port) || { echo "postgres.sh: no free port" >&2; return 1; }
		local opts="-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=200"
		if [ "${TRUCE_PG_DURABLE:-0}" != 1 ]; then
			opts="$opts -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
		fi
		truce_pg_as "$bin/pg_ctl" -D "$dir/data" -o "$opts" -l "$dir/server.log" -w -t 60 start >/dev/null ||
			{ cat "$dir/server.log" >&2; return 1; }
		echo "$port" >"$dir/port"
		truce_pg_as "$bin/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres \
			-c 'CREATE EXTENSION IF NOT EXISTS postgis' >/dev/null || return 1
	fi
	export TRUCE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
	echo "postgres.sh: PostgreSQL on 127.0.0.1:$port ($dir)" >&2
}

# truce_pg_stop stops the server if this shell started it (a server found
# running and reused is left alone); "--force" stops it anyway.
truce_pg_stop() {
	local dir bin
	dir=$(truce_pg_dir)
	bin=$(truce_pg_bindir) || return 0
	if [ "${1:-}" != --force ] && [ "${TRUCE_PG_STARTED:-}" != "$dir" ]; then
		return 0
	fi
	if [ -d "$dir/data" ]; then
		truce_pg_as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
		rm -rf "$dir"
	fi
	unset TRUCE_TEST_POSTGRES
}

# Short names, as .ci/run calls them.
pg_start() { truce_pg_start "$@"; }
pg_stop() { truce_pg_stop "$@"; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	case "${1:-}" in
	start) truce_pg_start && echo "$TRUCE_TEST_POSTGRES" ;;
	stop) truce_pg_stop --force ;;
	status) truce_pg_as "$(truce_pg_bindir)/pg_ctl" -D "$(truce_pg_dir)/data" status ;;
	run)
		shift
		truce_pg_start
		trap truce_pg_stop EXIT
		"$@"
		;;
	*)
		echo "usage: $0 start|stop|status|run COMMAND..." >&2
		exit 2
		;;
	esac
fi
