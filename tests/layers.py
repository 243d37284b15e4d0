#!/usr/bin/env python3
"""layers.py: the module graph of shegong, read from the built objects'
symbols with nm, checked for circles and for uses that run the wrong way.

Usage: tests/layers.py [--graph] [OBJDIR]
  OBJDIR   the build's src folder (default: beside $SHEGONG_BIN, else src)
  --graph  print the graph too: the modules by level (a module uses only
           modules of lower levels), each with what it uses directly,
           leaving out what it reaches through another module it uses
           (the picture at the top of ARCHITECTURE.md is drawn from this)
Exit 0 when every rule holds, 1 naming each broken one with a symbol,
77 (skipped) when nm or the objects are missing.

Modules.  A module is a source file src/X.c, whose object the build
names src/X.o, src/shegong-X.o (the program's files, compiled with
their own flags) or src/libshegong_a-X.o (the library's, if it ever gets
flags of its own); a stale object of a source that is gone is ignored,
and of two objects of one source the newer counts.  One exception:
several library files behind one header are one module, named after the
header.  A library file X-Y.c with no X-Y.h of its own belongs to the
longest X whose X.h and X.c exist: text.c, text-sanitize.c and
text-conv.c are the module "text" (text.h), form.c and form-value.c the
module "form" (form.h); a split of store.c or sync.c into store-*.c or
sync-*.c files is one module, or several where a file has its own
header, with no change here.  The program's files (main, cli*, ui*,
keys) are a module each: the rules below are about them one by one.

Module A uses module B when an object of A needs a global symbol that an
object of B defines.

Rules:
  1. no circle between modules;
  2. the library (libshegong.a: every module but main, cli*, ui* and
     keys) uses nothing of the program: the tests link it without curses
     or the command line; and the archive holds none of the program;
  3. the screens (ui*, keys) use nothing of the command line (cli*, main);
  4. a screen (ui-*.c) uses no other screen: it opens one by name through
     the registry (ui_open); it may use the loop (ui.c), keys.c and the
     widgets every screen shares (WIDGETS below).  ui-screens.c, the
     registry's table, is the one file that names every screen; the
     loop, keys.c and the widgets use no screen.
"""
import os
import re
import subprocess
import sys

# Screen files that other screens may use directly: widgets, not places
# to go.  ui-rows.c: the list widget; ui-pick.c: the pop-up pickers;
# ui-table.c: a screen's table printed or exported.
WIDGETS = {'ui-rows', 'ui-pick', 'ui-table'}
LOOP = 'ui'
# Parts of the loop kept in files of their own: ui-term.c starts curses
# (without REP) for it.
LOOP_PARTS = {'ui-term'}
REGISTRY = 'ui-screens'
OBJ_PREFIXES = ('', 'shegong-', 'libshegong_a-')
NM = os.environ.get('NM') or 'nm'


def is_program(f):
    return f == 'main' or f == 'keys' or f.startswith('cli') or f.startswith('ui')


def is_screen_side(f):
    return f == 'keys' or f == 'ui' or f.startswith('ui-')


def is_command_line(f):
    return f == 'main' or f == 'cli' or f.startswith('cli-')


def is_screen(f):
    return (f.startswith('ui-') and f not in WIDGETS and f != REGISTRY and
            f not in LOOP_PARTS)


def module_of(stem, srcdir):
    """The module a source file belongs to (see the docstring)."""
    if is_program(stem) or os.path.exists(os.path.join(srcdir, stem + '.h')):
        return stem
    parts = stem.split('-')
    for n in range(len(parts) - 1, 0, -1):
        base = '-'.join(parts[:n])
        if (os.path.exists(os.path.join(srcdir, base + '.h')) and
                os.path.exists(os.path.join(srcdir, base + '.c'))):
            return base
    return stem


def nm(args, obj):
    p = subprocess.run([NM, '-P'] + args + [obj], stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE, universal_newlines=True)
    if p.returncode != 0:
        sys.exit('layers: %s %s: %s' % (NM, obj, p.stderr.strip()))
    return [line.split() for line in p.stdout.splitlines() if line.strip()]


def objects(srcdir, objdir):
    """{source stem: its object}; and the sources with no object."""
    found, missing = {}, []
    for f in sorted(os.listdir(srcdir)):
        if not f.endswith('.c'):
            continue
        stem = f[:-2]
        cands = [os.path.join(objdir, p + stem + '.o') for p in OBJ_PREFIXES]
        cands = [c for c in cands if os.path.exists(c)]
        if cands:
            found[stem] = max(cands, key=os.path.getmtime)
        else:
            missing.append(f)
    return found, missing


def read_graph(srcdir, objs):
    """edges[a][b]: the symbols module a needs of module b."""
    mod = {stem: module_of(stem, srcdir) for stem in objs}
    defs, needs = {}, {}
    for stem, o in objs.items():
        for f in nm(['-g', '--defined-only'], o):
            # weak symbols (W, V) are the compiler's own (i386 pc thunks)
            if len(f) >= 2 and f[1] not in 'WwVvU':
                defs.setdefault(f[0], mod[stem])
        needs.setdefault(mod[stem], set()).update(f[0] for f in nm(['-u'], o))
    edges = {m: {} for m in needs}
    for m, syms in needs.items():
        for s in sorted(syms):
            d = defs.get(s)
            if d is not None and d != m:
                edges[m].setdefault(d, []).append(s)
    return mod, edges


def circles(edges):
    """Tarjan's strongly connected components of more than one module."""
    index, low, stack, on, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def shortest_circle(edges, comp):
    """The shortest circle inside a strongly connected component, as the
    list of its modules (the first of them not repeated at the end)."""
    inside = set(comp)
    best = None
    for start in comp:
        prev, todo = {start: None}, [start]
        while todo:
            nxt = []
            for a in todo:
                for b in sorted(edges[a]):
                    if b == start:
                        path = [a]
                        while prev[path[-1]] is not None:
                            path.append(prev[path[-1]])
                        path.reverse()
                        if best is None or len(path) < len(best):
                            best = path
                        nxt = []
                        break
                    if b in inside and b not in prev:
                        prev[b] = a
                        nxt.append(b)
                else:
                    continue
                break
            todo = nxt
    return best


def faults(edges, archive_members, mod):
    bad = []
    for comp in circles(edges):
        path = shortest_circle(edges, comp)
        steps = ['%s -> %s (%s)' % (a, b, edges[a][b][0])
                 for a, b in zip(path, path[1:] + path[:1])]
        bad.append('circle: %s%s' % (', '.join(steps),
                   '; %d modules depend on each other through it: %s'
                   % (len(comp), ' '.join(comp)) if len(comp) > len(path) else ''))
    for a in sorted(edges):
        for b in sorted(edges[a]):
            sym = edges[a][b][0]
            if not is_program(a) and is_program(b):
                bad.append("upward: the library's %s uses %s of the program's %s"
                           % (a, sym, b))
            elif is_screen_side(a) and is_command_line(b):
                bad.append("upward: the screens' %s uses %s of the command line's %s"
                           % (a, sym, b))
            elif is_screen(a) and is_screen(b):
                bad.append('sideways: the screen %s calls %s of the screen %s: '
                           'open it by name (ui_open)' % (a, sym, b))
            elif (a == LOOP or a == 'keys' or a in WIDGETS) and is_screen(b):
                bad.append('upward: %s uses %s of the screen %s: only %s, the '
                           'registry, names a screen' % (a, sym, b, REGISTRY))
    for m in archive_members:
        stem = re.sub(r'^(libshegong_a-|shegong-)', '', m[:-2])
        if is_program(stem):
            bad.append('the library archive holds %s, a file of the program' % m)
    return bad


def levels(edges):
    """A module's level: 0 when it uses nothing, else one more than the
    highest level among what it uses (circles were reported already)."""
    lv = {}

    def level(m, seen=()):
        if m not in lv:
            deps = [d for d in edges[m] if d not in seen]
            lv[m] = 1 + max((level(d, seen + (m,)) for d in deps), default=-1)
        return lv[m]
    for m in edges:
        level(m)
    return lv


def reduced(edges):
    """What each module uses directly, less what it reaches through
    another module it uses (the transitive reduction)."""
    reach = {}

    def below(m, seen=()):
        if m not in reach:
            r = set()
            for d in edges[m]:
                if d not in seen:
                    r.add(d)
                    r |= below(d, seen + (m,))
            reach[m] = r
        return reach[m]
    out = {}
    for m in edges:
        direct = set(edges[m])
        via = set()
        for d in direct:
            via |= below(d)
        out[m] = sorted(direct - via)
    return out


def print_graph(mod, edges):
    groups = {}
    for stem, m in mod.items():
        groups.setdefault(m, []).append(stem + '.c')
    for m in sorted(groups):
        if len(groups[m]) > 1:
            print('module %s = %s (behind %s.h)' % (m, ' '.join(sorted(groups[m])), m))
    lv = levels(edges)
    red = reduced(edges)
    for n in range(max(lv.values()) + 1):
        print('level %d:' % n)
        for m in sorted(x for x in lv if lv[x] == n):
            side = 'program' if is_program(m) else 'library'
            print('  %-14s %-7s -> %s' % (m, side, ' '.join(red[m]) or '-'))


def main():
    args = sys.argv[1:]
    show = '--graph' in args
    args = [a for a in args if a != '--graph']
    if args:
        objdir = args[0]
    elif os.environ.get('SHEGONG_BIN'):
        objdir = os.path.dirname(os.environ['SHEGONG_BIN'])
    else:
        objdir = 'src'
    srcdir = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'src')
    try:
        subprocess.run([NM, '--version'], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError:
        print('layers: no %s: skipped' % NM)
        return 77
    objs, missing = objects(srcdir, objdir)
    if not objs:
        print('layers: no objects in %s (build first): skipped' % objdir)
        return 77
    mod, edges = read_graph(srcdir, objs)
    n = sum(len(v) for v in edges.values())
    if n == 0:
        print('layers: no symbols read from the objects (an LTO build?): skipped')
        return 77
    archive = os.path.join(objdir, 'libshegong.a')
    members = []
    if os.path.exists(archive):
        p = subprocess.run(['ar', 't', archive], stdout=subprocess.PIPE,
                           universal_newlines=True)
        members = p.stdout.split()
    if show:
        print_graph(mod, edges)
    bad = ['no object in %s for src/%s: is it in Makefile.am?' % (objdir, f) for f in missing]
    bad += faults(edges, members, mod)
    for b in bad:
        print('FAIL - ' + b)
    print('layers: %d modules, %d uses between them, %d faults'
          % (len(edges), n, len(bad)))
    return 1 if bad else 0


sys.exit(main())
