/* fuzz/common.h: what the libFuzzer targets share: a check that stops the
 * run (a broken promise of the code is a crash the fuzzer keeps), and
 * where the shipped forms and the zh_CN catalogue are. */
#ifndef SHEGONG_FUZZ_COMMON_H
#define SHEGONG_FUZZ_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, \
			        #cond);                                               \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* $SHEGONG_FORMSDIR, else the source tree's forms/ (FUZZ_FORMSDIR). */
static inline const char *
fuzz_formsdir(void)
{
	const char *d = getenv("SHEGONG_FORMSDIR");
	return d && *d ? d : FUZZ_FORMSDIR;
}

#endif
