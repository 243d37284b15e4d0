/* main.c: the file mode of a setgid run, the locale and the translations,
 * then the command line. */
#include "config.h"

#include <locale.h>
#include <sys/auxv.h>
#include <sys/stat.h>

#include "cli.h"
#include "i18n.h"
#include "paths.h"

#ifdef __SANITIZE_ADDRESS__
/* A sanitizer build (--enable-sanitizers) started setgid: LeakSanitizer
 * cannot stop the world of a process that is not dumpable, and it cannot
 * read $ASAN_OPTIONS there either (/proc/self/environ is closed to the
 * process), so without this every run would end in its fatal error.  The
 * other checks stay. */
const char *__asan_default_options(void);
const char *
__asan_default_options(void)
{
	return getauxval(AT_SECURE) ? "detect_leaks=0" : "";
}
#endif

int
main(int argc, char **argv)
{
	/* A township install runs setgid to the data's group for workers
	 * who are not in it (tools/township-setup.sh): what one worker's
	 * session creates in the data folder (LMDB's lock file, a new
	 * database) must stay readable and writable by the group, whatever
	 * umask the login left, or the next worker is locked out.  The folder
	 * is setgid, so new files take its group. */
	if (paths_privileged())
		umask(007);
	setlocale(LC_ALL, "");
	i18n_init();
	return cli_main(argc, argv);
}
