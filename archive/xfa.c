/* xfa.c - one call that initialises every dependency of the library. */
#include "xfa.h"

#include "error.h"
#include "key.h"
#include "store.h"

int xfa_init(void)
{
	int err;

	if ((err = xfa_key_global_init()) < 0)
		return err;
	return xfa_store_global_init();
}

void xfa_shutdown(void)
{
	xfa_store_global_shutdown();
}
