/*
 * lazy/crypto: the few OpenSSL functions gl-jail uses, loaded from
 * libcrypto.so.3 when one is first called.  gl-jail starts every session
 * and needs OpenSSL only to digest its profile and base64 a file name for
 * a report; relocating libcrypto at every start cost 0.5 ms, a sixth of
 * the budget of a whole jail (gl-jail(1), make bench).  Linked into gl-jail
 * only (Makefile), ahead of libgl.a, so these definitions satisfy
 * lib/digest.c and lib/b64.c and the linker drops -lcrypto (--as-needed).
 * When the library cannot be loaded there is no report: exit 125.
 */
#include <dlfcn.h>
#include <err.h>
#include <stddef.h>
#include <openssl/evp.h>

#include "gl.h"

/* The address of name in libcrypto.so.3; never NULL. */
static void *
sym(const char *name)
{
	static void *lib;
	void *p;

	if (lib == NULL && (lib = dlopen("libcrypto.so.3", RTLD_NOW | RTLD_LOCAL)) == NULL)
		errx(GL_EX_SETUP, "libcrypto.so.3: %s", dlerror());
	if ((p = dlsym(lib, name)) == NULL)
		errx(GL_EX_SETUP, "libcrypto.so.3: %s", dlerror());
	return p;
}

/* POSIX's way to turn dlsym's answer into a function pointer */
#define LOAD(f, name) do { if ((f) == NULL) *(void **)&(f) = sym(name); } while (0)

int
EVP_EncodeBlock(unsigned char *t, const unsigned char *f, int n)
{
	static int (*fn)(unsigned char *, const unsigned char *, int);

	LOAD(fn, "EVP_EncodeBlock");
	return fn(t, f, n);
}

int
EVP_DecodeBlock(unsigned char *t, const unsigned char *f, int n)
{
	static int (*fn)(unsigned char *, const unsigned char *, int);

	LOAD(fn, "EVP_DecodeBlock");
	return fn(t, f, n);
}

const EVP_MD *
EVP_sha256(void)
{
	static const EVP_MD *(*fn)(void);

	LOAD(fn, "EVP_sha256");
	return fn();
}

int
EVP_Digest(const void *data, size_t count, unsigned char *md, unsigned int *size,
    const EVP_MD *type, ENGINE *impl)
{
	static int (*fn)(const void *, size_t, unsigned char *, unsigned int *,
	    const EVP_MD *, ENGINE *);

	LOAD(fn, "EVP_Digest");
	return fn(data, count, md, size, type, impl);
}

EVP_MD_CTX *
EVP_MD_CTX_new(void)
{
	static EVP_MD_CTX *(*fn)(void);

	LOAD(fn, "EVP_MD_CTX_new");
	return fn();
}

void
EVP_MD_CTX_free(EVP_MD_CTX *ctx)
{
	static void (*fn)(EVP_MD_CTX *);

	LOAD(fn, "EVP_MD_CTX_free");
	fn(ctx);
}

int
EVP_DigestInit_ex(EVP_MD_CTX *ctx, const EVP_MD *type, ENGINE *impl)
{
	static int (*fn)(EVP_MD_CTX *, const EVP_MD *, ENGINE *);

	LOAD(fn, "EVP_DigestInit_ex");
	return fn(ctx, type, impl);
}

int
EVP_DigestUpdate(EVP_MD_CTX *ctx, const void *d, size_t cnt)
{
	static int (*fn)(EVP_MD_CTX *, const void *, size_t);

	LOAD(fn, "EVP_DigestUpdate");
	return fn(ctx, d, cnt);
}

int
EVP_DigestFinal_ex(EVP_MD_CTX *ctx, unsigned char *md, unsigned int *s)
{
	static int (*fn)(EVP_MD_CTX *, unsigned char *, unsigned int *);

	LOAD(fn, "EVP_DigestFinal_ex");
	return fn(ctx, md, s);
}
