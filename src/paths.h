/* paths.h: where things live: the database, the demo database, the forms,
 * and who is running the program.  No curses. */
#ifndef SHEGONG_PATHS_H
#define SHEGONG_PATHS_H

/* The data directory: opt (from --db) when given, else $SHEGONG_DB, else
 * $XDG_DATA_HOME/shegong/db (~/.local/share/shegong/db).  malloc'd, or
 * NULL when out of memory. */
char *paths_db(const char *opt);
/* The demo database: opt when given, else $XDG_DATA_HOME/shegong/demo
 * (~/.local/share/shegong/demo). */
char *paths_demo_db(const char *opt);
/* The folder of the forms: $SHEGONG_FORMSDIR when set (tests, an
 * uninstalled build), else the installed one.  Not to be freed. */
const char *paths_forms(void);
/* The login name of the account running the program (the real user,
 * so a setgid install still names the worker).  malloc'd. */
char *paths_login(void);

#endif
