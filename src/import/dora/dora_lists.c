/*
 * dora_lists.c - the DORA closed lists and value syntaxes (dates, natural
 * numbers, amounts), as formats/dora-roi-columns.md §2 gives them.
 *
 * A list is a QName prefix plus either its members (small lists, searched
 * linearly: at most 24) or a pattern (countries against ISO 3166-1, currency
 * and licensed-activity codes by form).  A value is a member only as
 * written: xBRL QNames are case-sensitive, so 'eba_ta:s19' is reported with
 * the hint 'eba_TA:S19' rather than silently accepted.
 *
 * Decisions where the sources are silent (docs/dora.md): countries are the
 * 249 ISO 3166-1 alpha-2 codes plus XK (Kosovo, in the EBA list), x28 (other
 * countries) and qx2007 (not applicable); currencies are any three capital
 * letters (ISO 4217 changes more often than this code would); licensed
 * activities are eba_TA:x<n> or eba_TA:qx<n> (128+ members, checked by form).
 */
#include "dora_internal.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct dora_list {
    const char *what;                /* "ICT service type" */
    const char *prefix;              /* "eba_TA:" */
    const char *const *members;      /* suffixes; NULL for a pattern list */
    size_t count;
    int (*pattern)(const char *suffix);
    const char *expected;            /* NULL: "a, b or c" built from the members */
};

#define LIST(name, what, prefix, ...)                                                    \
    static const char *const name##_members[] = { __VA_ARGS__ };                         \
    const dora_list dora_list_##name = { what, prefix, name##_members,                   \
        sizeof name##_members / sizeof name##_members[0], NULL, NULL }

LIST(arrangement, "arrangement type", "eba_CO:", "x1", "x2", "x3");
LIST(termination, "termination reason", "eba_CO:", "x4", "x5", "x6", "x7", "x8", "x9");
LIST(yes_no, "yes/no value", "eba_BT:", "x28", "x29");
LIST(criticality, "criticality assessment", "eba_BT:", "x28", "x29", "x21");
LIST(sensitiveness, "data sensitiveness", "eba_ZZ:", "x791", "x792", "x793");
LIST(reliance, "level of reliance", "eba_ZZ:", "x794", "x795", "x796", "x797");
LIST(impact, "impact of discontinuing", "eba_ZZ:", "x791", "x792", "x793", "x799");
LIST(substitutability, "substitutability", "eba_ZZ:", "x959", "x960", "x961", "x962");
LIST(subst_reason, "reason for the substitutability", "eba_ZZ:", "x963", "x964", "x965");
LIST(reintegration, "possibility of reintegration", "eba_ZZ:", "x798", "x966", "x967", "x0");
LIST(nature, "nature of the entity", "eba_ZZ:", "x838", "x839");
LIST(person, "type of person", "eba_CT:", "x212", "x213");
LIST(entity_type, "type of entity", "eba_CT:",
     "x12", "x599", "x643", "x639", "x301", "x302", "x303", "x304", "x305", "x306", "x300",
     "x316", "x315", "x314", "x313", "x312", "x311", "x320", "x309", "x308", "x307", "x318",
     "x317", "x310");
LIST(hierarchy, "hierarchy within the group", "eba_RP:", "x53", "x551", "x56", "x21", "x210");

/* ---- ICT service types (LISTANNEXIII) ------------------------------------------ */

typedef struct service_type {
    const char *code;
    const char *label;
    crisk_category category;     /* mapping §6 */
} service_type;

static const service_type services[DORA_SERVICE_TYPES] = {
    { "S01", "ICT project management", CRISK_CAT_OTHER },
    { "S02", "ICT development", CRISK_CAT_SOFTWARE },
    { "S03", "ICT help desk and first level support", CRISK_CAT_MANAGED_SERVICE },
    { "S04", "ICT security management services", CRISK_CAT_MANAGED_SERVICE },
    { "S05", "Provision of data", CRISK_CAT_MANAGED_SERVICE },
    { "S06", "Data analysis", CRISK_CAT_MANAGED_SERVICE },
    { "S07", "ICT, facilities and hosting services (excluding cloud services)",
      CRISK_CAT_MANAGED_SERVICE },
    { "S08", "Computation", CRISK_CAT_MANAGED_SERVICE },
    { "S09", "Non-cloud data storage", CRISK_CAT_MANAGED_SERVICE },
    { "S10", "Telecom carrier", CRISK_CAT_TELECOM },
    { "S11", "Network infrastructure", CRISK_CAT_TELECOM },
    { "S12", "Hardware and physical devices", CRISK_CAT_HARDWARE },
    { "S13", "Software licencing (excluding SaaS)", CRISK_CAT_SOFTWARE },
    { "S14", "ICT operation management", CRISK_CAT_MANAGED_SERVICE },
    { "S15", "ICT consulting", CRISK_CAT_OTHER },
    { "S16", "ICT risk management", CRISK_CAT_MANAGED_SERVICE },
    { "S17", "Cloud services: IaaS", CRISK_CAT_CLOUD },
    { "S18", "Cloud services: PaaS", CRISK_CAT_CLOUD },
    { "S19", "Cloud services: SaaS", CRISK_CAT_SOFTWARE },
};

static const char *const service_members[DORA_SERVICE_TYPES] = {
    "S01", "S02", "S03", "S04", "S05", "S06", "S07", "S08", "S09", "S10",
    "S11", "S12", "S13", "S14", "S15", "S16", "S17", "S18", "S19",
};

const dora_list dora_list_service = {
    "ICT service type", "eba_TA:", service_members, DORA_SERVICE_TYPES, NULL,
    "eba_TA:S01 to eba_TA:S19"
};

int dora_service_index(const char *v)
{
    if (strncmp(v, "eba_TA:S", 8) != 0 || !isdigit((unsigned char)v[8])
        || !isdigit((unsigned char)v[9]) || v[10] != '\0')
        return -1;
    int n = (v[8] - '0') * 10 + (v[9] - '0');
    return n >= 1 && n <= DORA_SERVICE_TYPES ? n - 1 : -1;
}

const char *dora_service_code(int index) { return services[index].code; }
const char *dora_service_label(int index) { return services[index].label; }
crisk_category dora_service_category(int index) { return services[index].category; }

/* ---- pattern lists ----------------------------------------------------------------- */

/* ISO 3166-1 alpha-2, officially assigned (249), plus XK. */
static const char iso_countries[] =
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN "
    "BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
    "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL "
    "GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM "
    "JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME "
    "MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP "
    "NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD "
    "SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO "
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW";

static int is_upper2(const char *s)
{
    return s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' && s[1] <= 'Z' && s[2] == '\0';
}

static int country_pattern(const char *s)
{
    if (strcmp(s, "x28") == 0 || strcmp(s, "qx2007") == 0)
        return 1;
    if (!is_upper2(s))
        return 0;
    for (const char *p = iso_countries; *p != '\0'; p += p[2] == ' ' ? 3 : 2)
        if (p[0] == s[0] && p[1] == s[1])
            return 1;
    return 0;
}

static int currency_pattern(const char *s)
{
    if (strcmp(s, "x46") == 0)
        return 1;
    for (int i = 0; i < 3; i++)
        if (s[i] < 'A' || s[i] > 'Z')
            return 0;
    return s[3] == '\0';
}

/* x<n> or qx<n>: the licensed activities (LIST0601020) by form. */
static int activity_pattern(const char *s)
{
    if (s[0] == 'q')
        s++;
    if (s[0] != 'x' || s[1] == '\0')
        return 0;
    for (s++; *s != '\0'; s++)
        if (!isdigit((unsigned char)*s))
            return 0;
    return 1;
}

static const char *const code_type_members[] = {
    "qx2000", "qx2001", "qx2002", "qx2003", "qx2004", "qx2005"
};

const dora_list dora_list_country = {
    "country", "eba_GA:", NULL, 0, country_pattern,
    "eba_GA: and an ISO 3166-1 alpha-2 code, eba_GA:x28 or eba_GA:qx2007"
};
const dora_list dora_list_currency = {
    "currency", "eba_CU:", NULL, 0, currency_pattern,
    "eba_CU: and an ISO 4217 code, or eba_CU:x46"
};
const dora_list dora_list_activity = {
    "licensed activity", "eba_TA:", NULL, 0, activity_pattern,
    "eba_TA:x followed by a number, e.g. eba_TA:x163"
};
const dora_list dora_list_code_type = {
    "type of code", "eba_qCO:", code_type_members, 6, NULL,
    "eba_qCO:qx2000 to eba_qCO:qx2005"
};

/* The ITS/dry-run spelling of a code type, still used by some producers:
 * 'LEI' or '<CC>_CRN|VAT|PNR|NIN' (columns doc §3.5: accepted on import). */
static int is_legacy_code_type(const char *v)
{
    if (strcmp(v, "LEI") == 0)
        return 1;
    if (strlen(v) != 6 || !is_upper2(((char[3]){ v[0], v[1], '\0' })) || v[2] != '_')
        return 0;
    return strcmp(v + 3, "CRN") == 0 || strcmp(v + 3, "VAT") == 0
        || strcmp(v + 3, "PNR") == 0 || strcmp(v + 3, "NIN") == 0;
}

/* ---- lookup ----------------------------------------------------------------------- */

const char *dora_list_what(const dora_list *list) { return list->what; }


static int member_index(const dora_list *l, const char *suffix)
{
    if (l->pattern != NULL)
        return l->pattern(suffix) ? 0 : -1;
    for (size_t i = 0; i < l->count; i++)
        if (strcmp(suffix, l->members[i]) == 0)
            return (int)i;
    return -1;
}

/* A value with the right prefix ignoring case ('eba_ga:de'), or no prefix
 * at all ('DE'): the spelling it was probably meant to be. */
static int near_spelling(const dora_list *l, const char *v, char *out, size_t size)
{
    size_t plen = strlen(l->prefix);
    const char *suffix = strncasecmp(v, l->prefix, plen) == 0 ? v + plen : v;
    char fixed[64];
    if (strlen(suffix) >= sizeof fixed)
        return 0;
    for (int pass = 0; pass < 3; pass++) {
        /* as written, upper-cased (countries, S19), lower-cased (x28) */
        size_t i = 0;
        for (; suffix[i] != '\0'; i++)
            fixed[i] = pass == 1 ? (char)toupper((unsigned char)suffix[i])
                     : pass == 2 ? (char)tolower((unsigned char)suffix[i]) : suffix[i];
        fixed[i] = '\0';
        if (member_index(l, fixed) >= 0) {
            snprintf(out, size, "%s%s", l->prefix, fixed);
            return 1;
        }
    }
    return 0;
}

int dora_list_find(const dora_list *list, const char *v, char *hint, size_t hint_size)
{
    size_t plen = strlen(list->prefix);
    hint[0] = '\0';
    if (strncmp(v, list->prefix, plen) == 0) {
        int i = member_index(list, v + plen);
        if (i >= 0)
            return i;
    }
    if (list == &dora_list_code_type && is_legacy_code_type(v))
        return 0;
    /* Only case and prefix slips get a hint: codes are numbers, and the
     * nearest number ('eba_ZZ:x958' -> x959) would be a guess, not a fix. */
    near_spelling(list, v, hint, hint_size);
    return -1;
}

/* How a message lists the members of a small list: "a, b or c". */
static void spell_members(const dora_list *l, char *buf, size_t size)
{
    size_t o = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < l->count && o < size; i++) {
        const char *sep = i == 0 ? "" : i + 1 == l->count ? " or " : ", ";
        o += (size_t)snprintf(buf + o, size - o, "%s%s%s", sep, l->prefix, l->members[i]);
    }
}

const char *dora_list_expected(const dora_list *l, char *buf, size_t size)
{
    if (l->expected != NULL)
        return l->expected;
    spell_members(l, buf, size);
    return buf;
}

/* ---- dates and numbers ------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!isdigit((unsigned char)s[i]))
            return 0;
    return 1;
}

int dora_is_date(const char *s)
{
    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-' || !digits(s, 4) || !digits(s + 5, 2)
        || !digits(s + 8, 2))
        return 0;
    int y = atoi(s), m = atoi(s + 5), d = atoi(s + 8);
    static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (m < 1 || m > 12 || d < 1)
        return 0;
    return d <= days[m - 1] + (m == 2 && leap);
}

int dora_parse_natural(const char *s, uint64_t *out)
{
    size_t n = strlen(s);
    if (n == 0 || n > 18 || !digits(s, n))
        return -1;
    *out = strtoull(s, NULL, 10);
    return 0;
}

int dora_parse_amount(const char *s, double *out)
{
    const char *p = s;
    if (*p == '-')
        p++;
    size_t whole = strspn(p, "0123456789");
    if (whole == 0)
        return -1;
    p += whole;
    if (*p == '.') {
        size_t frac = strspn(p + 1, "0123456789");
        if (frac == 0)
            return -1;
        p += 1 + frac;
    }
    if (*p != '\0' || p - s > 40)
        return -1;
    *out = strtod(s, NULL);
    if (*out == 0.0)
        *out = 0.0;   /* no -0 */
    return 0;
}
