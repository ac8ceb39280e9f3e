/* The module: its definition, per-module state (multi-phase init), the names it exports, and the
 * capsule through which _ssl finds the socket type.  Nothing static changes after import except
 * the interpreter-wide timeout exception class, set once there.
 */
#include "binding.h"

csk_state *py_state_of_module(PyObject *module)
{
    return (csk_state *)PyModule_GetState(module);
}

csk_state *py_state_of_type(PyTypeObject *type)
{
#if CSK_PY_AT_LEAST(11) /* PyType_GetModuleByDef */
    PyObject *module = PyType_GetModuleByDef(type, &py_module_def);
    return module ? py_state_of_module(module) : NULL;
#else
    /* 3.9/3.10 lack PyType_GetModuleByDef: find csocket's own heap type in the MRO. */
    PyObject *mro = type->tp_mro;
    for (Py_ssize_t i = 0; mro != NULL && i < PyTuple_GET_SIZE(mro); i++) {
        PyTypeObject *base = (PyTypeObject *)PyTuple_GET_ITEM(mro, i);
        if (!PyType_HasFeature(base, Py_TPFLAGS_HEAPTYPE)) {
            continue;
        }
        PyObject *module = ((PyHeapTypeObject *)base)->ht_module;
        if (module != NULL && PyModule_GetDef(module) == &py_module_def) {
            return py_state_of_module(module);
        }
    }
    PyErr_Format(PyExc_TypeError, "%s is not a csocket socket type", type->tp_name);
    return NULL;
#endif
}

static CSK_DOC(mod_scratch_held,
               "_scratch_held() -> int\n\n"
               "Bytes of receive buffer the calling thread has reserved (csocket only).");

static PyObject *mod_scratch_held(PyObject *module, PyObject *Py_UNUSED(ignored))
{
    (void)module;
    return PyLong_FromSize_t(csk_scratch_held());
}

static void capi_free(PyObject *capsule)
{
    PyMem_Free(PyCapsule_GetPointer(capsule, CSK_CAPSULE_NAME));
}

/* _socket.CAPI, exactly as _ssl imports it (the capsule's name must be "_socket.CAPI"). */
static int add_capi(PyObject *module, csk_state *st)
{
    csk_capi *capi = PyMem_Malloc(sizeof *capi);
    if (capi == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    capi->Sock_Type = st->sock_type;
    capi->error = PyExc_OSError;
    capi->timeout_error = st->timeout_error;
    PyObject *capsule = PyCapsule_New(capi, CSK_CAPSULE_NAME, capi_free);
    if (capsule == NULL) {
        PyMem_Free(capi);
        return -1;
    }
    int r = PyModule_AddObject(module, "CAPI", capsule);
    if (r < 0) {
        Py_DECREF(capsule);
    }
    return r;
}

static int add_ref(PyObject *module, const char *name, PyObject *value)
{
    Py_INCREF(value);
    if (PyModule_AddObject(module, name, value) < 0) {
        Py_DECREF(value);
        return -1;
    }
    return 0;
}

PyMethodDef py_module_functions[] = {
    CSK_METHOD("_scratch_held", mod_scratch_held, METH_NOARGS),
    {NULL, NULL, 0, NULL},
};

/* Every area's table of module functions. */
static PyMethodDef *const function_tables[] = {
    py_descriptor_functions, py_timeout_functions, py_resolver_functions, py_convert_functions,
    py_message_functions,    py_module_functions,  py_address_functions,  py_race_functions,
};

static int module_exec(PyObject *module)
{
    csk_state *st = py_state_of_module(module);
    st->default_timeout = CSK_TIMEOUT_NONE;
    st->sock_type = (PyTypeObject *)PyType_FromModuleAndSpec(module, py_sock_spec(), NULL);
    if (st->sock_type == NULL) {
        return -1;
    }
    st->herror = PyErr_NewException("socket.herror", PyExc_OSError, NULL);
    st->gaierror = PyErr_NewException("socket.gaierror", PyExc_OSError, NULL);
#if !CSK_PY_TIMEOUT_IS_TIMEOUTERROR
    st->timeout_error = PyErr_NewException("socket.timeout", PyExc_OSError, NULL);
#else
    st->timeout_error = Py_NewRef(PyExc_TimeoutError);
#endif
    if (st->herror == NULL || st->gaierror == NULL || st->timeout_error == NULL) {
        return -1;
    }
    py_timeout_exc = st->timeout_error;
    if (add_ref(module, "socket", (PyObject *)st->sock_type) < 0 ||
        add_ref(module, "SocketType", (PyObject *)st->sock_type) < 0 ||
        add_ref(module, "error", PyExc_OSError) < 0 ||
        add_ref(module, "timeout", st->timeout_error) < 0 ||
        add_ref(module, "herror", st->herror) < 0 ||
        add_ref(module, "gaierror", st->gaierror) < 0 || add_ref(module, "has_ipv6", Py_True) < 0 ||
        add_capi(module, st) < 0) {
        return -1;
    }
    for (size_t i = 0; i < sizeof function_tables / sizeof function_tables[0]; i++) {
        if (PyModule_AddFunctions(module, function_tables[i]) < 0) {
            return -1;
        }
    }
    return py_add_constants(module);
}

static int module_traverse(PyObject *module, visitproc visit, void *arg)
{
    csk_state *st = py_state_of_module(module);
    Py_VISIT(st->sock_type);
    Py_VISIT(st->herror);
    Py_VISIT(st->gaierror);
    Py_VISIT(st->timeout_error);
    return 0;
}

static int module_clear(PyObject *module)
{
    csk_state *st = py_state_of_module(module);
    Py_CLEAR(st->sock_type);
    Py_CLEAR(st->herror);
    Py_CLEAR(st->gaierror);
    Py_CLEAR(st->timeout_error);
    return 0;
}

static void module_free(void *module)
{
    module_clear((PyObject *)module);
}

static PyModuleDef_Slot module_slots[] = {
    {Py_mod_exec, module_exec},
    {0, NULL},
};

static const char module_doc[] =
    "csocket's implementation of the _socket module: the C layer under Python's socket\n"
    "module, written again.  Import `socket` for the documented interface; use\n"
    "csocket.install() to make the interpreter's socket module run on this one.";

PyModuleDef py_module_def = {
    PyModuleDef_HEAD_INIT,       .m_name = "csocket._csocket", .m_doc = module_doc,
    .m_size = sizeof(csk_state), .m_slots = module_slots,      .m_traverse = module_traverse,
    .m_clear = module_clear,     .m_free = module_free,
};

PyMODINIT_FUNC PyInit__csocket(void)
{
    return PyModuleDef_Init(&py_module_def);
}
