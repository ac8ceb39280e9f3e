/* The module's constants: the table in constants.h, added to the module in one loop at import. */
#include "binding.h"

typedef struct {
    const char *name;
    long value;
} constant;

static const constant constants[] = {
#define CSK_CONST(name) {#name, (long)(name)},
#define CSK_CONST_AS(name, value) {#name, (long)(value)},
#include "constants.h"
#undef CSK_CONST
#undef CSK_CONST_AS
};

int csk_add_constants(PyObject *module)
{
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value) < 0) {
            return -1;
        }
    }
    return 0;
}
