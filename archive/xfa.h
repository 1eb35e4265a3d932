/* xfa.h - the library's front door: one call initialises every dependency. */
#ifndef XFA_H
#define XFA_H

#define XFA_VERSION "0.1.0"

/* Initialise libsodium and libgit2 once per process.  Returns 0 or XFA_ERROR. */
int xfa_init(void);

/* Release what xfa_init() set up (optional at exit). */
void xfa_shutdown(void);

#endif
