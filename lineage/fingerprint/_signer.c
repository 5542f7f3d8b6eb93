/* The text signer, compiled ahead when the package is installed: tokenise, hash tokens
 * (CRC-32), combine them into shingle hashes and keep the MinHash minima in one pass over
 * each text's bytes, with no Python object per token or shingle, and without the GIL.
 *
 * It computes exactly what lineage.fingerprint.text computes in numpy (tests hold the two
 * equal); lineage.fingerprint.compiled is its Python face and documents the arguments.
 * Every length is checked against the buffers before the GIL is released: a wrong call
 * raises, it never reads or writes outside them.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define SEPARATOR 0
#define WORD 1
#define SINGLE 2

/* The minima loop is where the time goes: built for AVX2 too where the compiler can, and
 * the processor's best chosen when the module loads. */
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__clang__)
#define PER_PROCESSOR __attribute__((target_clones("avx2", "default")))
#else
#define PER_PROCESSOR
#endif

static uint32_t crc_table[256];
/* ASCII as normalize_text folds it: capitals to lower case, and str.split()'s whitespace
 * (tab to carriage return, the four separators) to a space. */
static uint8_t folded[256];

static void
init_tables(void)
{
    for (uint32_t byte = 0; byte < 256; byte++) {
        uint32_t crc = byte;
        for (int bit = 0; bit < 8; bit++) {
            crc = (crc & 1) ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        crc_table[byte] = crc;
        folded[byte] = (uint8_t)byte;
    }
    for (int byte = 'A'; byte <= 'Z'; byte++) {
        folded[byte] = (uint8_t)(byte + 32);
    }
    static const uint8_t spaces[] = {9, 10, 11, 12, 13, 28, 29, 30, 31};
    for (size_t i = 0; i < sizeof spaces; i++) {
        folded[spaces[i]] = ' ';
    }
}

static inline uint32_t
crc32_of(const uint8_t *text, Py_ssize_t start, Py_ssize_t end)
{
    uint32_t crc = 0xFFFFFFFFu;
    for (Py_ssize_t i = start; i < end; i++) {
        crc = crc_table[(crc ^ text[i]) & 0xFF] ^ (crc >> 8);
    }
    return crc ^ 0xFFFFFFFFu;
}

static inline uint32_t
fmix32(uint32_t value)
{
    value ^= value >> 16;
    value *= 0x85EBCA6Bu;
    value ^= value >> 13;
    value *= 0xC2B2AE35u;
    return value ^ (value >> 16);
}

/* Lower-case, whitespace runs as one space, none at either end; written from `start`,
 * returns where the normalised text ends. Every byte is written, and the write position
 * moves on unless it is a space after a space (or at the start). */
static Py_ssize_t
normalize_ascii(const uint8_t *data, Py_ssize_t start, Py_ssize_t end, uint8_t *out)
{
    Py_ssize_t write = start;
    int after_space = 1;
    for (Py_ssize_t i = start; i < end; i++) {
        uint8_t byte = folded[data[i]];
        int is_space = byte == ' ';
        out[write] = byte;
        write += !(is_space && after_space);
        after_space = is_space;
    }
    if (write > start && out[write - 1] == ' ') {
        write--;
    }
    return write;
}

/* CRC-32 of each run of word bytes, into `tokens`; returns how many. */
static Py_ssize_t
ascii_token_hashes(const uint8_t *text, Py_ssize_t start, Py_ssize_t end,
                   const uint8_t *word_bytes, uint32_t *tokens)
{
    Py_ssize_t count = 0;
    uint32_t crc = 0xFFFFFFFFu;
    int in_token = 0;
    for (Py_ssize_t i = start; i < end; i++) {
        uint8_t byte = text[i];
        if (word_bytes[byte]) {
            crc = crc_table[(crc ^ byte) & 0xFF] ^ (crc >> 8);
            in_token = 1;
        }
        else if (in_token) {
            tokens[count++] = crc ^ 0xFFFFFFFFu;
            crc = 0xFFFFFFFFu;
            in_token = 0;
        }
    }
    if (in_token) {
        tokens[count++] = crc ^ 0xFFFFFFFFu;
    }
    return count;
}

/* The code point at `index` of UTF-8 and its width; a sequence cut short by the end is
 * one separator to the end, so that nothing past it is read. */
static inline uint32_t
code_point(const uint8_t *text, Py_ssize_t index, Py_ssize_t end, Py_ssize_t *width)
{
    uint32_t lead = text[index];
    if (lead < 0x80) {
        *width = 1;
        return lead;
    }
    Py_ssize_t size = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    if (index + size > end) {
        *width = end - index;
        return 0;
    }
    *width = size;
    if (size == 2) {
        return ((lead & 0x1F) << 6) | (text[index + 1] & 0x3F);
    }
    if (size == 3) {
        return ((lead & 0x0F) << 12) | ((text[index + 1] & 0x3Fu) << 6) | (text[index + 2] & 0x3F);
    }
    return ((lead & 0x07) << 18) | ((text[index + 1] & 0x3Fu) << 12) |
           ((text[index + 2] & 0x3Fu) << 6) | (text[index + 3] & 0x3F);
}

/* CRC-32 of the UTF-8 of each token, into `tokens`; returns how many. A token is a run of
 * word characters, or one character of a script written without spaces. */
static Py_ssize_t
utf8_token_hashes(const uint8_t *text, Py_ssize_t start, Py_ssize_t end, const uint8_t *classes,
                  Py_ssize_t classes_length, uint32_t *tokens)
{
    Py_ssize_t count = 0;
    Py_ssize_t run = -1; /* where the current run of word characters began */
    Py_ssize_t index = start;
    while (index <= end) {
        Py_ssize_t width = 1;
        int kind = SEPARATOR;
        if (index < end) {
            uint32_t code = code_point(text, index, end, &width);
            kind = code < (uint32_t)classes_length ? classes[code] : SEPARATOR;
        }
        if (run >= 0 && kind != WORD) {
            tokens[count++] = crc32_of(text, run, index);
            run = -1;
        }
        if (kind == SINGLE) {
            tokens[count++] = crc32_of(text, index, index + width);
        }
        else if (kind == WORD && run < 0) {
            run = index;
        }
        index += width;
    }
    return count;
}

/* The minima of every permutation of every n-gram's hash (all tokens when fewer than n);
 * 32-bit arithmetic wraps, as in numpy and datasketch's affine32 scheme. */
PER_PROCESSOR static void
minima(const uint32_t *tokens, Py_ssize_t count, const uint32_t *a, const uint32_t *b,
       Py_ssize_t permutations, Py_ssize_t ngram, uint32_t *out)
{
    for (Py_ssize_t p = 0; p < permutations; p++) {
        out[p] = 0xFFFFFFFFu;
    }
    if (count == 0) {
        return;
    }
    Py_ssize_t width = ngram < count ? ngram : count;
    for (Py_ssize_t first = 0; first + width <= count; first++) {
        uint32_t shingle = tokens[first];
        for (Py_ssize_t offset = 1; offset < width; offset++) {
            shingle = fmix32(shingle * 0x9E3779B1u + tokens[first + offset]);
        }
        shingle = fmix32(shingle);
        for (Py_ssize_t p = 0; p < permutations; p++) {
            uint32_t permuted = a[p] * shingle + b[p];
            out[p] = permuted < out[p] ? permuted : out[p];
        }
    }
}

/* The buffers of one call, checked against each other. */
typedef struct {
    Py_buffer data, ends, a, b, values;
    Py_ssize_t texts, permutations, longest;
} Batch;

static int
aligned(const Py_buffer *view, size_t item, const char *name)
{
    if (view->len % (Py_ssize_t)item || (uintptr_t)view->buf % item) {
        PyErr_Format(PyExc_ValueError, "%s: not an aligned array of %zu-byte items", name, item);
        return 0;
    }
    return 1;
}

static int
check_batch(Batch *batch, Py_ssize_t ngram)
{
    if (!aligned(&batch->ends, 8, "ends") || !aligned(&batch->a, 4, "a") ||
        !aligned(&batch->b, 4, "b") || !aligned(&batch->values, 4, "values")) {
        return 0;
    }
    batch->texts = batch->ends.len / 8;
    batch->permutations = batch->a.len / 4;
    if (batch->b.len != batch->a.len || ngram < 1) {
        PyErr_SetString(PyExc_ValueError, "a and b differ in length, or ngram is under 1");
        return 0;
    }
    if (batch->values.len != batch->texts * batch->permutations * 4) {
        PyErr_SetString(PyExc_ValueError, "values is not texts x permutations");
        return 0;
    }
    const int64_t *ends = batch->ends.buf;
    int64_t start = 0;
    batch->longest = 0;
    for (Py_ssize_t text = 0; text < batch->texts; text++) {
        if (ends[text] < start || ends[text] > batch->data.len) {
            PyErr_SetString(PyExc_ValueError, "ends do not rise within the data");
            return 0;
        }
        if (ends[text] - start > batch->longest) {
            batch->longest = (Py_ssize_t)(ends[text] - start);
        }
        start = ends[text];
    }
    return 1;
}

static void
release(Batch *batch, Py_buffer *extra[], int extras)
{
    PyBuffer_Release(&batch->data);
    PyBuffer_Release(&batch->ends);
    PyBuffer_Release(&batch->a);
    PyBuffer_Release(&batch->b);
    PyBuffer_Release(&batch->values);
    for (int i = 0; i < extras; i++) {
        PyBuffer_Release(extra[i]);
    }
}

/* Room for the tokens of the longest text: at most one per byte. */
static uint32_t *
token_room(const Batch *batch)
{
    uint32_t *tokens = malloc(((size_t)batch->longest + 1) * sizeof(uint32_t));
    if (tokens == NULL) {
        PyErr_NoMemory();
    }
    return tokens;
}

static PyObject *
sign_ascii(PyObject *module, PyObject *args)
{
    Batch batch;
    Py_buffer word_bytes, normalized, normalized_ends;
    Py_ssize_t ngram;
    if (!PyArg_ParseTuple(args, "y*y*y*y*ny*w*w*w*", &batch.data, &batch.ends, &batch.a,
                          &batch.b, &ngram, &word_bytes, &batch.values, &normalized,
                          &normalized_ends)) {
        return NULL;
    }
    Py_buffer *extra[] = {&word_bytes, &normalized, &normalized_ends};
    uint32_t *tokens = NULL;
    int ok = check_batch(&batch, ngram) && aligned(&normalized_ends, 8, "normalized_ends");
    if (ok && (word_bytes.len != 256 || normalized.len != batch.data.len ||
               normalized_ends.len != batch.ends.len)) {
        PyErr_SetString(PyExc_ValueError, "word_bytes, normalized or normalized_ends: bad size");
        ok = 0;
    }
    if (ok && (tokens = token_room(&batch)) == NULL) {
        ok = 0;
    }
    if (ok) {
        const uint8_t *data = batch.data.buf;
        const int64_t *ends = batch.ends.buf;
        int64_t *written = normalized_ends.buf;
        uint32_t *values = batch.values.buf;
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t start = 0;
        for (Py_ssize_t text = 0; text < batch.texts; text++) {
            written[text] = normalize_ascii(data, start, ends[text], normalized.buf);
            Py_ssize_t count = ascii_token_hashes(normalized.buf, start, written[text],
                                                  word_bytes.buf, tokens);
            minima(tokens, count, batch.a.buf, batch.b.buf, batch.permutations, ngram,
                   values + text * batch.permutations);
            start = ends[text];
        }
        Py_END_ALLOW_THREADS
    }
    free(tokens);
    release(&batch, extra, 3);
    if (!ok) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyObject *
sign_utf8(PyObject *module, PyObject *args)
{
    Batch batch;
    Py_buffer classes;
    Py_ssize_t ngram;
    if (!PyArg_ParseTuple(args, "y*y*y*y*ny*w*", &batch.data, &batch.ends, &batch.a, &batch.b,
                          &ngram, &classes, &batch.values)) {
        return NULL;
    }
    Py_buffer *extra[] = {&classes};
    uint32_t *tokens = NULL;
    int ok = check_batch(&batch, ngram) && (tokens = token_room(&batch)) != NULL;
    if (ok) {
        const uint8_t *data = batch.data.buf;
        const int64_t *ends = batch.ends.buf;
        uint32_t *values = batch.values.buf;
        Py_BEGIN_ALLOW_THREADS
        Py_ssize_t start = 0;
        for (Py_ssize_t text = 0; text < batch.texts; text++) {
            Py_ssize_t count =
                utf8_token_hashes(data, start, ends[text], classes.buf, classes.len, tokens);
            minima(tokens, count, batch.a.buf, batch.b.buf, batch.permutations, ngram,
                   values + text * batch.permutations);
            start = ends[text];
        }
        Py_END_ALLOW_THREADS
    }
    free(tokens);
    release(&batch, extra, 1);
    if (!ok) {
        return NULL;
    }
    Py_RETURN_NONE;
}

static PyMethodDef methods[] = {
    {"sign_ascii", sign_ascii, METH_VARARGS,
     "sign_ascii(data, ends, a, b, ngram, word_bytes, values, normalized, normalized_ends)"},
    {"sign_utf8", sign_utf8, METH_VARARGS,
     "sign_utf8(data, ends, a, b, ngram, classes, values)"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef signer_module = {
    PyModuleDef_HEAD_INIT, "_signer", "The compiled text signer (lineage.fingerprint.compiled).",
    0, methods,
};

PyMODINIT_FUNC
PyInit__signer(void)
{
    init_tables();
    return PyModule_Create(&signer_module);
}
