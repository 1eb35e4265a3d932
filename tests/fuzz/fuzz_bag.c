/* fuzz_bag.c - the package reader (tar and zip through libarchive) and the
 * bag checks, on a file holding the input, with small limits so that
 * "zip bombs" are refused quickly rather than timing out. */
#include "bagit.h"
#include "fuzz.h"

static int keep_all(const char *path, uint64_t size, void *payload)
{
	(void)path;
	(void)payload;
	return size < 65536;
}

static void finding(const char *file, const char *reason, const char *msg,
		    void *payload)
{
	(void)file;
	(void)reason;
	(void)msg;
	++*(size_t *)payload;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	xfa_bag *b = NULL;
	xfa_bag_limits lim;
	const char *path = fuzz_tmpfile(data, size, ".pkg");
	size_t n = 0, i;

	xfa_bag_limits_default(&lim);
	lim.total = 8u << 20;
	lim.entry = 4u << 20;
	lim.entries = 4096;
	lim.kept = 4u << 20;
	if (xfa_bag_read(&b, path, &lim, keep_all, NULL) == 0) {
		char *oxum = xfa_bag_info(b, "Payload-Oxum");
		char **v = xfa_bag_manifest_paths(b, "manifest-sha256.txt");
		if (xfa_bag_validate(b, finding, &n) != n)
			abort();
		for (i = 0; i < b->n; i++)
			if (xfa_bag_find(b, b->files[i].path) != &b->files[i])
				abort();
		free(oxum);
		xfa_bag_strv_free(v);
		xfa_bag_free(b);
	}
	unlink(path);
	return 0;
}
