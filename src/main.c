/* main.c: the locale and the translations, then the command line. */
#include "config.h"

#include <locale.h>

#include "cli.h"
#include "i18n.h"

int
main(int argc, char **argv)
{
	setlocale(LC_ALL, "");
	i18n_init();
	return cli_main(argc, argv);
}
