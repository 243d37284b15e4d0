/* paths.h: where things live: the database, the demo database, the forms,
 * the translations, and who is running the program.  No curses. */
#ifndef SHEGONG_PATHS_H
#define SHEGONG_PATHS_H

#include <stdbool.h>

/* Whether the program runs with privileges the one who started it lacks:
 * setgid to the data's group in a township install
 * (tools/township-setup.sh).  The environment is then not trusted. */
bool paths_privileged(void);
/* The data directory: opt (from --db) when given, else $SHEGONG_DB, else
 * $XDG_DATA_HOME/shegong/db (~/.local/share/shegong/db).  A setgid run
 * ignores the three variables (the home is the real user's account's).
 * malloc'd, or NULL when out of memory. */
char *paths_db(const char *opt);
/* The demo database: opt when given, else $XDG_DATA_HOME/shegong/demo
 * (~/.local/share/shegong/demo). */
char *paths_demo_db(const char *opt);
/* The folder of the forms: $SHEGONG_FORMSDIR when set (tests, an
 * uninstalled build), else the installed one.  In a setgid run the
 * variable is followed only when it names, without symbolic links, a
 * folder that root alone can change (and every folder above it).  Not to
 * be freed. */
const char *paths_forms(void);
/* A village PC keeps the forms its township sent (sync.c) in the database
 * folder's "forms": from now on paths_forms() names that folder when it
 * holds them (not in a setgid run). */
void paths_use_db_forms(const char *dbdir);
/* Whether dir is the database folder's "forms" that paths_use_db_forms
 * put in force. */
bool paths_is_db_forms(const char *dir);
/* The folder of the program's cache (the parsed forms, form-cache.c):
 * $XDG_CACHE_HOME/shegong, else ~/.cache/shegong; NULL in a setgid run,
 * which keeps no cache a worker could have planted.  malloc'd. */
char *paths_cache(void);
/* The folder of the translations: $SHEGONG_LOCALEDIR when set, else the
 * installed one; a setgid run follows the variable as paths_forms does.
 * Not to be freed. */
const char *paths_locale(void);
/* The login name of the account running the program: the real user's,
 * so a setgid install still names the worker; never $USER or $LOGNAME.
 * malloc'd. */
char *paths_login(void);
/* A setgid run: TERMINFO, TERMINFO_DIRS and TERMCAP out of the
 * environment (ncurses would follow them once the ids agree). */
void paths_scrub_env(void);
/* Give up the effective and saved group for good: all three ids become
 * the real group (checked with getresgid), the process stays not
 * dumpable, and every descriptor open now (the database's) is closed on
 * exec.  0, or an errno value; the program must stop when it fails. */
int paths_drop_group(void);

#endif
