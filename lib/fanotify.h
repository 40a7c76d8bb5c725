/* fanotify: gl-watch's backend as root.  A filesystem mark on every
 * filesystem that holds a watched directory sees what any process does
 * through any mount of it (the jail's bind and idmapped mounts too), with
 * the pid that did it; events outside the watched directories are dropped.
 * Directory handles are resolved to paths through a cache filled as
 * directories appear, so the contents of a directory deleted before its
 * events are read are still named. */
#ifndef GL_FANOTIFY_H
#define GL_FANOTIFY_H

#include "watch.h"

/* fanotify_init and the marks; sets s->ifd and s->fan.  -1 with errno
 * (EPERM: not privileged enough, EINVAL/ENOSYS: kernel too old). */
int gl_fanotify_open(struct gl_watch_session *s);
/* Read and handle every event queued now. */
int gl_fanotify_drain(struct gl_watch_session *s);
/* Close and free what gl_fanotify_open made. */
void gl_fanotify_close(struct gl_watch_session *s);

#endif
