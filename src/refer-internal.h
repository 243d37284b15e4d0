/* refer-internal.h: what refer.c shows its tests beside refer.h.  Not
 * for the program's other files. */
#ifndef SHEGONG_REFER_INTERNAL_H
#define SHEGONG_REFER_INTERNAL_H

#include <stddef.h>

#include "refer.h"

/* refer_merge, counting in *ops (when not NULL) each comparison of two
 * history lines and each step of a loop over them: tests/check-refer.c
 * holds a merge of long histories to n log n by this count, not by a
 * clock. */
int refer_merge_ops(const record *owner, const record *other, struct refer_merge *m, size_t *ops);

#endif
