/* paths.c: the default places of the database and the demo, and the login name. */
#include "config.h"

#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "paths.h"

static char *
data_home_join(const char *leaf)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	char *out = NULL;
	int n;
	if (xdg && *xdg == '/')
		n = asprintf(&out, "%s/shegong/%s", xdg, leaf);
	else if (home && *home)
		n = asprintf(&out, "%s/.local/share/shegong/%s", home, leaf);
	else {
		struct passwd *pw = getpwuid(getuid());
		n = asprintf(&out, "%s/.local/share/shegong/%s", pw ? pw->pw_dir : "/tmp", leaf);
	}
	return n < 0 ? NULL : out;
}

char *
paths_db(const char *opt)
{
	if (opt && *opt)
		return strdup(opt);
	const char *env = getenv("SHEGONG_DB");
	if (env && *env)
		return strdup(env);
	return data_home_join("db");
}

char *
paths_demo_db(const char *opt)
{
	if (opt && *opt)
		return strdup(opt);
	return data_home_join("demo");
}

char *
paths_login(void)
{
	struct passwd *pw = getpwuid(getuid());
	if (pw && pw->pw_name && *pw->pw_name)
		return strdup(pw->pw_name);
	char *out;
	return asprintf(&out, "uid%ld", (long)getuid()) < 0 ? NULL : out;
}

const char *
paths_forms(void)
{
	const char *env = getenv("SHEGONG_FORMSDIR");
	return env && *env ? env : PKGDATADIR "/forms";
}
