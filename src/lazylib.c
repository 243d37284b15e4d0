/* lazylib.c: shared libraries opened when first needed; see lazylib.h. */
#include "config.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "lazylib.h"

const char *lazylib_test_missing;

bool
lazylib_load(void **handle, const char *soname, const struct lazylib_sym *syms, size_t n,
             const char *feature, const char *package, char *why, size_t whysize)
{
	const char *name = soname;
	if (lazylib_test_missing && strstr(soname, lazylib_test_missing))
		name = "libshegong-test-missing.so.0";
	void *h = *handle;
	bool fresh = false;
	if (!h) {
		/* RTLD_LOCAL: its symbols stay out of the way of everything else */
		h = dlopen(name, RTLD_NOW | RTLD_LOCAL);
		if (!h) {
			const char *e = dlerror();
			if (why && whysize)
				snprintf(why, whysize,
				         _("%s needs the library %s, which cannot be loaded on this computer (%s): "
				           "ask the administrator to install the package %s."),
				         feature, name, e ? e : "?", package);
			return false;
		}
		fresh = true;
	}
	for (size_t i = 0; i < n; i++) {
		(void)dlerror();
		void *p = dlsym(h, syms[i].name);
		if (!p || syms[i].size != sizeof p) {
			if (why && whysize)
				snprintf(why, whysize,
				         _("%s needs the function %s in the library %s, which this version lacks: "
				           "ask the administrator to install the package %s again."),
				         feature, syms[i].name, name, package);
			if (fresh)
				dlclose(h);
			return false;
		}
		/* POSIX: a function's address from dlsym, through its bytes */
		memcpy(syms[i].slot, &p, sizeof p);
	}
	*handle = h;
	return true;
}
