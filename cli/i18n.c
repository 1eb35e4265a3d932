/* i18n.c - choosing the language of messages and binding the gettext
 * catalogue (see i18n.h). */
#include "i18n.h"

#include <limits.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef XFA_LOCALEDIR
#define XFA_LOCALEDIR "/usr/local/share/locale"
#endif

const char *cli_lang_from_env(void)
{
	static const char *const vars[] = { "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG" };
	const char *v;
	size_t i;

	for (i = 0; i < sizeof(vars) / sizeof(vars[0]); i++)
		if ((v = getenv(vars[i])) && *v)
			return strncmp(v, "zh", 2) ? "en" : "zh";
	return "en";
}

/* "locale" beside the running binary, if it holds the catalogue. */
static const char *build_dir(char *buf, size_t cap)
{
	char exe[PATH_MAX], probe[PATH_MAX + 64], *slash;
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	struct stat sb;

	if (n <= 0)
		return NULL;
	exe[n] = '\0';
	if (!(slash = strrchr(exe, '/')))
		return NULL;
	*slash = '\0';
	snprintf(probe, sizeof(probe), "%s/locale/zh_CN/LC_MESSAGES/xfa.mo", exe);
	if (stat(probe, &sb) < 0 || (size_t)snprintf(buf, cap, "%s/locale", exe) >= cap)
		return NULL;
	return buf;
}

void cli_i18n_init(const char *lang)
{
	char buf[PATH_MAX + 64], dirbuf[PATH_MAX + 16];
	const char *dir = getenv("XFA_LOCALEDIR");

	if (!dir || !*dir)
		dir = build_dir(dirbuf, sizeof(dirbuf));
	if (!dir)
		dir = XFA_LOCALEDIR;
	snprintf(buf, sizeof(buf), "%s/zh_CN/LC_MESSAGES/xfa.mo", dir);
	if (!strcmp(lang, "zh") && access(buf, R_OK) == 0) {
		/* gettext ignores LANGUAGE only in the "C" locale itself */
		if (!setlocale(LC_MESSAGES, "zh_CN.UTF-8") &&
		    !setlocale(LC_MESSAGES, "C.UTF-8"))
			setlocale(LC_MESSAGES, "");
		setenv("LANGUAGE", "zh_CN", 1);
	} else {
		/* English, or no Chinese catalogue: the messages as written
		 * (and the C library's in English too) */
		setlocale(LC_MESSAGES, "C");
	}
	bindtextdomain("xfa", dir);
	bind_textdomain_codeset("xfa", "UTF-8");
	textdomain("xfa");
}

const char *cli_pgettext(const char *ctx_id, const char *msgid)
{
	const char *t = gettext(ctx_id);

	return t == ctx_id ? msgid : t;
}
