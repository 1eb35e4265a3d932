/* i18n.h - messages in the user's language through GNU gettext (text
 * domain "xfa"; catalogue cli/po/zh_CN.po), as git does. */
#ifndef XFA_I18N_H
#define XFA_I18N_H

#include <libintl.h>

#define _(s) gettext(s)
#define N_(s) (s)
/* A message with a context (gettext's msgctxt), for one English word
 * that needs two translations: C_("list", ", ") is "、". */
#define C_(ctx, s) cli_pgettext(ctx "\004" s, s)

/* The translation of `ctx_id` ("context\004message"), else `msgid`. */
const char *cli_pgettext(const char *ctx_id, const char *msgid);

/*
 * The language the environment asks for: "zh" when the first of
 * LANGUAGE, LC_ALL, LC_MESSAGES and LANG that is set names Chinese
 * (zh, zh_CN.UTF-8...), else "en" (C, POSIX, en_US...).  Borrowed.
 */
const char *cli_lang_from_env(void);

/*
 * Bind the "xfa" text domain and select `lang` ("zh" or "en") for
 * messages.  The catalogue is looked up in $XFA_LOCALEDIR, else in
 * "locale" beside the running binary (the build tree), else in the
 * installed $(PREFIX)/share/locale.  Chinese is used even when the
 * zh_CN.UTF-8 locale was never generated (through LANGUAGE over C.UTF-8);
 * without the catalogue, messages stay as written (English).
 */
void cli_i18n_init(const char *lang);

#endif
