/*
 * sha256.c - SHA-256 of files and buffers for provenance, through OpenSSL's
 * libcrypto EVP interface (see sha256.h for why).  Rejected: libmd (a third
 * of the speed) and a SHA-256 of our own (a cryptographic primitive written
 * by hand, with its own tests to keep).
 */
#include "sha256.h"
#include "chainrisk/inventory.h"

#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

static void to_hex(char out[65], const unsigned char digest[32])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 32; i++) {
        out[2 * i] = hex[digest[i] >> 4];
        out[2 * i + 1] = hex[digest[i] & 15];
    }
    out[64] = '\0';
}

int crisk__sha256_begin(crisk__sha256 *h)
{
    h->failed = 0;
    h->evp = EVP_MD_CTX_new();
    if (h->evp == NULL)
        return -1;
    if (EVP_DigestInit_ex(h->evp, EVP_sha256(), NULL) != 1) {
        crisk__sha256_discard(h);
        return -1;
    }
    return 0;
}

void crisk__sha256_add(crisk__sha256 *h, const void *data, size_t len)
{
    if (h->evp != NULL && !h->failed && len > 0 && EVP_DigestUpdate(h->evp, data, len) != 1)
        h->failed = 1;
}

int crisk__sha256_end_hex(crisk__sha256 *h, char out[65])
{
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    int ok = h->evp != NULL && !h->failed && EVP_DigestFinal_ex(h->evp, digest, &n) == 1
             && n == 32;
    crisk__sha256_discard(h);
    if (!ok) {
        out[0] = '\0';
        return -1;
    }
    to_hex(out, digest);
    return 0;
}

void crisk__sha256_discard(crisk__sha256 *h)
{
    EVP_MD_CTX_free(h->evp);
    h->evp = NULL;
}

int crisk__sha256_hex(char out[65], const void *data, size_t len)
{
    crisk__sha256 h;
    if (crisk__sha256_begin(&h) != 0) {
        out[0] = '\0';
        return -1;
    }
    crisk__sha256_add(&h, data, len);
    return crisk__sha256_end_hex(&h, out);
}

void crisk_sha256_hex(char out[65], const void *data, size_t len)
{
    (void)crisk__sha256_hex(out, data, len);
}

int crisk_sha256_file(char out[65], const char *path, crisk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    crisk__sha256 h;
    if (crisk__sha256_begin(&h) != 0) {
        fclose(f);
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    }
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        crisk__sha256_add(&h, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        crisk__sha256_discard(&h);
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "read error");
    }
    if (crisk__sha256_end_hex(&h, out) != 0)
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    return CRISK_OK;
}
