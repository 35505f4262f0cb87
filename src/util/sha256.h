/*
 * sha256.h - SHA-256 digests for provenance (private), through OpenSSL's
 * libcrypto (EVP): every digest chainrisk computes goes through here.
 *
 * Why libcrypto (docs/design.md, "Dependencies"): its SHA-256 uses the CPU's
 * SHA extensions where there are some and is tested as part of OpenSSL, so
 * the library carries no cryptographic primitive written by hand; on the
 * reference machine it hashes about 1.4 GB/s, against 320 MB/s for libmd and
 * 850 MB/s for the hand-written SHA-NI code it replaced.
 */
#ifndef CRISK_SHA256_H
#define CRISK_SHA256_H

#include <stddef.h>

/* A digest being computed.  begin/add/end, one thread at a time. */
typedef struct crisk__sha256 {
    void *evp;          /* EVP_MD_CTX */
    int failed;         /* libcrypto refused an update */
} crisk__sha256;

/* Start a digest.  Returns 0, or -1 when out of memory (nothing to end). */
int  crisk__sha256_begin(crisk__sha256 *h);
void crisk__sha256_add(crisk__sha256 *h, const void *data, size_t len);
/* Finish: `out` gets 64 lower-case hex digits and a NUL.  Returns 0, or -1
 * (out = "") when libcrypto failed.  The digest is released either way. */
int  crisk__sha256_end_hex(crisk__sha256 *h, char out[65]);
/* Release a digest that will not be finished (NULL-safe, idempotent). */
void crisk__sha256_discard(crisk__sha256 *h);

/* The digest of data[0..len) as hex.  Returns 0, or -1 (out = "") when out
 * of memory. */
int  crisk__sha256_hex(char out[65], const void *data, size_t len);

#endif
