#!/bin/sh
# screen-deps.sh: the screens depend one way, read from the objects'
# symbols with nm (ARCHITECTURE.md's picture): the loop (ui.o), the list
# widgets (ui-rows.o, ui-table.o), the pickers (ui-pick.o) and keys.o use nothing of
# any screen; a screen uses nothing of another screen (it opens it by
# name through ui_open); only ui-screens.o, the registry, names them.
# Fails, naming the symbol, on any other edge between the objects.
set -u
src=$(dirname "${SHEGONG_BIN:-$(dirname "$0")/../src/shegong}")
command -v nm >/dev/null 2>&1 || { echo "no nm: skipped"; exit 77; }
cd "$src" || exit 1
objs=$(ls shegong-ui*.o shegong-keys.o 2>/dev/null)
[ -n "$objs" ] || { echo "no screen objects in $src: skipped"; exit 77; }
tmp=$(mktemp "${TMPDIR:-/tmp}/shegong-deps-XXXXXX")
trap 'rm -f "$tmp"' EXIT
for o in $objs; do
  nm --defined-only -g "$o" | awk -v o="$o" 'NF == 3 { print $3, o }'
done | sort >"$tmp"
# the objects a screen may use: the loop, the widgets (rows, a table
# printed or exported: ui-table.o), the pickers, keys,
# and the loop's start of curses (ui-term.o)
base="shegong-ui.o shegong-ui-rows.o shegong-ui-table.o shegong-ui-pick.o shegong-keys.o shegong-ui-term.o"
fail=0 edges=0
for o in $objs; do
  for sym in $(nm -u "$o" | awk '{ print $2 }'); do
    d=$(awk -v s="$sym" '$1 == s { print $2 }' "$tmp")
    [ -n "$d" ] && [ "$d" != "$o" ] || continue
    edges=$((edges + 1))
    case " $base " in *" $o "*) lower=yes ;; *) lower=no ;; esac
    case " $base " in *" $d "*) tobase=yes ;; *) tobase=no ;; esac
    if [ "$o" = shegong-ui-screens.o ]; then
      continue                        # the registry names every screen
    elif [ "$lower" = yes ] && [ "$tobase" = no ]; then
      echo "FAIL - $o uses $sym of the screen $d (upward)"
      fail=1
    elif [ "$lower" = no ] && [ "$tobase" = no ]; then
      echo "FAIL - the screen $o calls $sym of the screen $d: open it by name (ui_open)"
      fail=1
    elif [ "$o" = shegong-ui-pick.o ] && [ "$d" != shegong-ui.o ] && [ "$d" != shegong-ui-rows.o ] \
        && [ "$d" != shegong-keys.o ]; then
      echo "FAIL - the pickers use $sym of $d"
      fail=1
    fi
  done
done
[ "$edges" -gt 0 ] || { echo "no symbols read from the objects (an LTO build?): skipped"; exit 77; }
[ "$fail" -eq 0 ] && echo "ok - $edges symbol uses among the screen objects, all one way"
exit "$fail"
