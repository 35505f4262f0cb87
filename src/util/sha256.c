/*
 * sha256.c - SHA-256 of files and buffers for provenance, through libmd
 * (Debian libmd-dev: a small, well-kept BSD digest library; see docs/design.md
 * for why it is a dependency).
 */
#include "chainrisk/inventory.h"

#include <errno.h>
#include <sha2.h>
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

void crisk_sha256_hex(char out[65], const void *data, size_t len)
{
    SHA2_CTX ctx;
    unsigned char digest[32];
    SHA256Init(&ctx);
    SHA256Update(&ctx, data, len);
    SHA256Final(digest, &ctx);
    to_hex(out, digest);
}

int crisk_sha256_file(char out[65], const char *path, crisk_error *err)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "cannot open: %s", strerror(errno));
    SHA2_CTX ctx;
    SHA256Init(&ctx);
    unsigned char buf[1 << 16];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0)
        SHA256Update(&ctx, buf, n);
    int failed = ferror(f);
    fclose(f);
    if (failed)
        return crisk_error_set(err, CRISK_EIO, path, 0, 0, "read error");
    unsigned char digest[32];
    SHA256Final(digest, &ctx);
    to_hex(out, digest);
    return CRISK_OK;
}
