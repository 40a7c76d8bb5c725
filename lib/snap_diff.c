/* snap_diff: checking a snapshot read back, and the diff of two. */
#include "snap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "json.h"
#include "snap_walk.h"
#include "utf8.h"

static const char *const types[] = {
	"file", "dir", "symlink", "fifo", "socket", "chardev", "blockdev", NULL
};

int
gl_snap_check(jv snap, char *why, size_t whysz)
{
	char *prev = NULL, *p;
	size_t plen = 0, len, i, n;
	const char *s;
	jv ents = jv_invalid(), e, c;
	int rc = -1, k;

	if (jv_get_kind(snap) != JV_KIND_OBJECT) {
		snprintf(why, whysz, "not a snapshot object");
		return -1;
	}
	if ((s = gl_json_str(snap, "algorithm")) == NULL || strcmp(s, "sha256") != 0) {
		snprintf(why, whysz, "algorithm: not \"sha256\"");
		return -1;
	}
	c = gl_json_get(snap, "complete");
	k = jv_get_kind(c);
	jv_free(c);
	if (k != JV_KIND_TRUE && k != JV_KIND_FALSE) {
		snprintf(why, whysz, "complete: not a boolean");
		return -1;
	}
	ents = gl_json_get(snap, "entries");
	if (jv_get_kind(ents) != JV_KIND_ARRAY) {
		snprintf(why, whysz, "entries: not an array");
		goto out;
	}
	n = (size_t)jv_array_length(jv_copy(ents));
	for (i = 0; i < n; i++) {
		e = jv_array_get(jv_copy(ents), (int)i);
		p = gl_utf8_get_name(e, "path", &len);
		s = gl_json_str(e, "type");
		for (k = 0; s != NULL && types[k] != NULL && strcmp(s, types[k]) != 0; k++)
			;
		if (p == NULL || s == NULL || types[k] == NULL ||
		    ((s = gl_json_str(e, "sha256")) != NULL && !gl_digest_is_sha256_hex(s))) {
			snprintf(why, whysz, "entries[%zu]: bad path, path_b64, type or sha256", i);
			free(p);
			jv_free(e);
			goto out;
		}
		jv_free(e);
		if (prev != NULL && gl_snap_pathcmp(prev, plen, p, len) >= 0) {
			snprintf(why, whysz, "entries[%zu]: not sorted by path bytes, or a duplicate", i);
			free(p);
			goto out;
		}
		free(prev);
		prev = p;
		plen = len;
	}
	rc = 0;
out:
	free(prev);
	jv_free(ents);
	return rc;
}

struct dent {
	char *path;
	size_t len;
	jv e;
	int used;
};

static struct dent *
decode(jv snap, size_t *n)
{
	jv ents = gl_json_get(snap, "entries");
	struct dent *d;
	size_t i;

	*n = (size_t)jv_array_length(jv_copy(ents));
	if ((d = calloc(*n + 1, sizeof *d)) != NULL)
		for (i = 0; i < *n; i++) {
			d[i].e = jv_array_get(jv_copy(ents), (int)i);
			d[i].path = gl_utf8_get_name(d[i].e, "path", &d[i].len);
		}
	jv_free(ents);
	return d;
}

/* 1 when a.key and b.key differ (absent counts as a value) */
static int
differs(jv a, jv b, const char *key)
{
	jv x = gl_json_get(a, key), y = gl_json_get(b, key);
	int r;

	if (!jv_is_valid(x) || !jv_is_valid(y))
		r = jv_is_valid(x) != jv_is_valid(y);
	else
		r = !jv_equal(jv_copy(x), jv_copy(y));
	jv_free(x);
	jv_free(y);
	return r;
}

/* compared fields, in the (sorted) order of "changes" */
static const struct {
	const char *change, *key, *key2;
} fields[] = {
	{ "content", "sha256", NULL },
	{ "gid", "gid", NULL },
	{ "hardlink", "hardlink", "hardlink_b64" },
	{ "mode", "mode", NULL },
	{ "mount", "mount", NULL },
	{ "rdev", "rdev", NULL },
	{ "size", "size", NULL },
	{ "target", "target", "target_b64" },
	{ "type", "type", NULL },
	{ "uid", "uid", NULL },
	{ "xattrs", "xattrs", NULL },
};

static jv
changes(jv a, jv b)
{
	jv ch = jv_array();
	size_t i;

	for (i = 0; i < sizeof fields / sizeof fields[0]; i++)
		if (differs(a, b, fields[i].key) ||
		    (fields[i].key2 != NULL && differs(a, b, fields[i].key2)))
			ch = jv_array_append(ch, jv_string(fields[i].change));
	return ch;
}

/* a regular, non-empty file with a digest: a rename candidate */
static const char *
renameable(jv e)
{
	const char *t = gl_json_str(e, "type");
	jv sz = gl_json_get(e, "size");
	int ok = jv_get_kind(sz) == JV_KIND_NUMBER && jv_number_value(sz) > 0;

	jv_free(sz);
	if (!ok || t == NULL || strcmp(t, "file") != 0)
		return NULL;
	return gl_json_str(e, "sha256");
}

static struct dent *shabase;

static int
shacmp(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	int r = strcmp(renameable(shabase[x].e), renameable(shabase[y].e));

	return r ? r : (x > y) - (x < y);
}

struct pair {
	size_t from, to;
};

static struct dent *pairbase;

static int
paircmp(const void *x, const void *y)
{
	const struct dent *a = &pairbase[((const struct pair *)x)->from];
	const struct dent *b = &pairbase[((const struct pair *)y)->from];

	return gl_snap_pathcmp(a->path, a->len, b->path, b->len);
}

/* The entries below d[i] ("path/..."): they follow it, contiguous, in byte
 * order; the count. */
static size_t
below_count(const struct dent *d, size_t n, size_t i)
{
	size_t k = i + 1;

	while (k < n && d[k].len > d[i].len + 1 && memcmp(d[k].path, d[i].path, d[i].len) == 0 &&
	    d[k].path[d[i].len] == '/')
		k++;
	return k - i - 1;
}

/* 1 when directory a[i] holds exactly what b[j] holds: the same names below
 * it, each the same type and (files) the same digest, and at least one file */
static int
same_tree(const struct dent *a, size_t na, size_t i, const struct dent *b, size_t nb, size_t j)
{
	size_t n = below_count(a, na, i), k, files = 0;
	const char *x, *y;

	if (n == 0 || n != below_count(b, nb, j))
		return 0;
	for (k = 1; k <= n; k++) {
		const struct dent *p = &a[i + k], *q = &b[j + k];
		if (p->len - a[i].len != q->len - b[j].len ||
		    memcmp(p->path + a[i].len, q->path + b[j].len, p->len - a[i].len) != 0)
			return 0;
		x = gl_json_str(p->e, "type");
		y = gl_json_str(q->e, "type");
		if (x == NULL || y == NULL || strcmp(x, y) != 0)
			return 0;
		x = gl_json_str(p->e, "sha256");
		y = gl_json_str(q->e, "sha256");
		if ((x == NULL) != (y == NULL) || (x != NULL && strcmp(x, y) != 0))
			return 0;
		files += x != NULL;
	}
	return files > 0;
}

jv
gl_snap_diff(jv pre, jv post)
{
	struct dent *a, *b;
	size_t na, nb, i = 0, j = 0, k, *dl = NULL, *al = NULL, nd = 0, nadd = 0, lo, hi;
	jv added = jv_array(), deleted = jv_array(), modified = jv_array(), renamed = jv_array();
	struct pair *pairs = NULL;
	size_t np = 0;
	jv c, out, ca, cb;
	int cmp, complete;

	ca = gl_json_get(pre, "complete");
	cb = gl_json_get(post, "complete");
	complete = jv_get_kind(ca) == JV_KIND_TRUE && jv_get_kind(cb) == JV_KIND_TRUE;
	jv_free(ca);
	jv_free(cb);
	a = decode(pre, &na);
	b = decode(post, &nb);
	if (a == NULL || b == NULL ||
	    (dl = malloc((na + 1) * sizeof *dl)) == NULL ||
	    (al = malloc((nb + 1) * sizeof *al)) == NULL ||
	    (pairs = malloc((na + 1) * sizeof *pairs)) == NULL) {
		out = jv_invalid_with_msg(jv_string(strerror(ENOMEM)));
		goto done;
	}
	while (i < na || j < nb) {
		cmp = i == na ? 1 : j == nb ? -1 : gl_snap_pathcmp(a[i].path, a[i].len, b[j].path, b[j].len);
		if (cmp < 0) {
			dl[nd++] = i++;
		} else if (cmp > 0) {
			al[nadd++] = j++;
		} else {
			c = changes(a[i].e, b[j].e);
			if (jv_array_length(jv_copy(c)) > 0) {
				jv m = gl_utf8_set_name(jv_object(), "path", a[i].path, a[i].len);
				m = jv_object_set(m, jv_string("before"), jv_copy(a[i].e));
				m = jv_object_set(m, jv_string("after"), jv_copy(b[j].e));
				m = jv_object_set(m, jv_string("changes"), c);
				modified = jv_array_append(modified, m);
			} else
				jv_free(c);
			i++;
			j++;
		}
	}
	/* renames: each deleted file, in path order, takes the first added
	 * file (in path order) with the same digest not yet taken */
	{
		size_t *cand = malloc((nadd + 1) * sizeof *cand), nc = 0;
		if (cand == NULL) {
			out = jv_invalid_with_msg(jv_string(strerror(ENOMEM)));
			goto done;
		}
		for (k = 0; k < nadd; k++)
			if (renameable(b[al[k]].e) != NULL)
				cand[nc++] = al[k];
		shabase = b;
		qsort(cand, nc, sizeof *cand, shacmp);
		for (k = 0; k < nd; k++) {
			const char *s = renameable(a[dl[k]].e);
			if (s == NULL)
				continue;
			lo = 0;
			hi = nc;
			while (lo < hi) {
				size_t mid = lo + (hi - lo) / 2;
				if (strcmp(renameable(b[cand[mid]].e), s) < 0)
					lo = mid + 1;
				else
					hi = mid;
			}
			for (; lo < nc && strcmp(renameable(b[cand[lo]].e), s) == 0; lo++)
				if (!b[cand[lo]].used)
					break;
			if (lo == nc || strcmp(renameable(b[cand[lo]].e), s) != 0)
				continue;
			b[cand[lo]].used = 1;
			a[dl[k]].used = 1;
			pairs[np].from = dl[k];
			pairs[np++].to = cand[lo];
		}
		free(cand);
	}
	/* directories: a deleted one whose whole content is under an added one */
	for (k = 0; k < nd; k++) {
		const char *t = gl_json_str(a[dl[k]].e, "type");
		size_t m;
		if (t == NULL || strcmp(t, "dir") != 0 || a[dl[k]].used)
			continue;
		for (m = 0; m < nadd; m++) {
			t = gl_json_str(b[al[m]].e, "type");
			if (t == NULL || strcmp(t, "dir") != 0 || b[al[m]].used ||
			    !same_tree(a, na, dl[k], b, nb, al[m]))
				continue;
			a[dl[k]].used = b[al[m]].used = 1;
			pairs[np].from = dl[k];
			pairs[np++].to = al[m];
			break;
		}
	}
	pairbase = a;
	qsort(pairs, np, sizeof *pairs, paircmp);
	for (k = 0; k < np; k++) {
		c = jv_object_set(jv_object(), jv_string("from"), jv_copy(a[pairs[k].from].e));
		c = jv_object_set(c, jv_string("to"), jv_copy(b[pairs[k].to].e));
		renamed = jv_array_append(renamed, c);
	}
	for (k = 0; k < nd; k++)
		if (!a[dl[k]].used)
			deleted = jv_array_append(deleted, jv_copy(a[dl[k]].e));
	for (k = 0; k < nadd; k++)
		if (!b[al[k]].used)
			added = jv_array_append(added, jv_copy(b[al[k]].e));
	out = jv_object_set(jv_object(), jv_string("added"), added);
	out = jv_object_set(out, jv_string("deleted"), deleted);
	out = jv_object_set(out, jv_string("modified"), modified);
	out = jv_object_set(out, jv_string("renamed"), renamed);
	out = jv_object_set(out, jv_string("complete"), jv_bool(complete));
	added = deleted = modified = renamed = jv_null();
done:
	jv_free(added);
	jv_free(deleted);
	jv_free(modified);
	jv_free(renamed);
	for (k = 0; a != NULL && k < na; k++) {
		free(a[k].path);
		jv_free(a[k].e);
	}
	for (k = 0; b != NULL && k < nb; k++) {
		free(b[k].path);
		jv_free(b[k].e);
	}
	free(a);
	free(b);
	free(dl);
	free(al);
	free(pairs);
	jv_free(pre);
	jv_free(post);
	return out;
}
