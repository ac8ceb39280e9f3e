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

#ifdef CSK_HAVE_AF_BLUETOOTH
/* The two Bluetooth addresses the built-in module exports as text: any local adapter, and the
 * kernel's "local" address (00:00:00:ff:ff:ff), written in upper case as its own results are. */
static int add_bluetooth_addresses(PyObject *module)
{
    if (PyModule_AddStringConstant(module, "BDADDR_ANY", "00:00:00:00:00:00") < 0 ||
        PyModule_AddStringConstant(module, "BDADDR_LOCAL", "00:00:00:FF:FF:FF") < 0) {
        return -1;
    }
    return 0;
}
#endif

int py_add_constants(PyObject *module)
{
    for (size_t i = 0; i < sizeof constants / sizeof constants[0]; i++) {
        if (PyModule_AddIntConstant(module, constants[i].name, constants[i].value) < 0) {
            return -1;
        }
    }
#ifdef CSK_HAVE_AF_BLUETOOTH
    if (add_bluetooth_addresses(module) < 0) {
        return -1;
    }
#endif
    return 0;
}
