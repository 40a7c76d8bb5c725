/* redact: argument values that look like secrets become "[REDACTED]".
 * Used on command lines gl-watch records (gleisner-events(5)). */
#ifndef GL_REDACT_H
#define GL_REDACT_H
#include <stddef.h>

#define GL_REDACTED "[REDACTED]"

/* Redact argv[0..argc) in place: each argv[i] is either left alone or
 * replaced by a malloc'ed string (the old one is freed; all must be
 * malloc'ed).  Returns the number of values redacted, -1 on ENOMEM. */
int gl_redact_argv(char **argv, size_t argc);
/* 1 when the word (an option or variable name, any case) names a secret:
 * token, secret, password, passwd, apikey, api_key, credential, auth... */
int gl_redact_secret_name(const char *name, size_t len);
/* 1 when the value itself looks like a credential (a known token prefix,
 * a JWT, a URL with a password). */
int gl_redact_secret_value(const char *v);

#endif
