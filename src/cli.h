/* cli.h: the command line: global options, and one table of verbs so that
 * scripts and tests reach every capability without a terminal. */
#ifndef SHEGONG_CLI_H
#define SHEGONG_CLI_H

/* Run the program as asked by argv; returns the exit status:
 * 0 done, 1 the work failed (message on stderr), 2 bad usage. */
int cli_main(int argc, char **argv);

#endif
