/* lazylib.h: a shared library opened only when a feature first needs it
 * (dlopen), so that every start-up of shegong does not pay for loading and
 * relocating libraries most commands never use (libxlsxwriter and what it
 * brings: libminizip, libcrypto, libz; Pango, Cairo and GLib). */
#ifndef SHEGONG_LAZYLIB_H
#define SHEGONG_LAZYLIB_H

#include <stdbool.h>
#include <stddef.h>

/* One function to look up: its name and where to put its address.  The
 * slot is a function pointer of SIZE bytes (the same size as void *). */
struct lazylib_sym {
	const char *name;
	void *slot;
	size_t size;
};

/* Open SONAME (once; later calls return the first answer) and fill every
 * slot of SYMS.  On failure: false, every slot left as it was, and WHY
 * says in Chinese what is missing, for FEATURE (a translated phrase such
 * as "export to Excel") and the Debian package PACKAGE to install. */
bool lazylib_load(void **handle, const char *soname, const struct lazylib_sym *syms, size_t n,
                  const char *feature, const char *package, char *why, size_t whysize);

/* Only for tests: the soname asked for instead of the real one (to see
 * the message when the library is missing), or NULL. */
extern const char *lazylib_test_missing;

#endif
