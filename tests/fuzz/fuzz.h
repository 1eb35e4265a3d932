/* fuzz.h - what every libFuzzer target in tests/fuzz/ shares: the entry
 * points' prototypes (the build uses -Wmissing-prototypes), one-time library
 * set-up, and a private temporary file for readers that take a path. */
#ifndef XFA_FUZZ_H
#define XFA_FUZZ_H

#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "xfa.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (xfa_init() < 0)
		abort();
	return 0;
}

/* The path of a per-process temporary file holding `data`; aborts if it
 * cannot be written (that is the harness failing, not the code under test). */
static inline const char *fuzz_tmpfile(const uint8_t *data, size_t size,
				       const char *suffix)
{
	static char path[256];
	int fd;

	snprintf(path, sizeof(path), "%s/xfa-fuzz-%ld%s",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", (long)getpid(),
		 suffix);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || (size && write(fd, data, size) != (ssize_t)size) ||
	    close(fd) < 0)
		abort();
	return path;
}

#endif
