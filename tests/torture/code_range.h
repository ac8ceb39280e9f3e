/* Where a loaded shared object's code lies: both torture helpers count only the calls made from
 * csocket's own machine code, found by its path among the objects the dynamic linker has loaded.
 * Test-only. */
#ifndef CSK_TORTURE_CODE_RANGE_H
#define CSK_TORTURE_CODE_RANGE_H

#include <link.h>
#include <stdint.h>
#include <string.h>

struct code_range {
    const char *path;
    uintptr_t lo, hi, base; /* executable segments' span, and the load address */
};

static int code_range_visit(struct dl_phdr_info *info, size_t size, void *arg)
{
    (void)size;
    struct code_range *q = arg;
    if (info->dlpi_name == NULL || strcmp(info->dlpi_name, q->path) != 0) {
        return 0;
    }
    q->base = info->dlpi_addr;
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type == PT_LOAD && (ph->p_flags & PF_X)) {
            uintptr_t lo = info->dlpi_addr + ph->p_vaddr, hi = lo + ph->p_memsz;
            q->lo = (q->lo == 0 || lo < q->lo) ? lo : q->lo;
            q->hi = hi > q->hi ? hi : q->hi;
        }
    }
    return 1;
}

/* The code range of the object loaded from path; 0, or -1 when no such object is loaded. */
static inline int code_range_of(const char *path, struct code_range *out)
{
    *out = (struct code_range){path, 0, 0, 0};
    dl_iterate_phdr(code_range_visit, out);
    return out->lo != 0 ? 0 : -1;
}

#endif
