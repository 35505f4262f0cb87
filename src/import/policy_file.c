/*
 * policy_file.c - the policy file (`chainrisk check --policy FILE`): read
 * it, validate it, and fill a policy (model/policy.h) for the checker.
 *
 * The format (docs/policy.md):
 *
 *   { "name": "...", "description": "...",
 *     "rules": [ { "rule": "max_hhi", "by": "category", "basis": "spend",
 *                  "max": 2500 },
 *                { "rule": "no_spof", "min_criticality": 4,
 *                  "substitutability": ["hard", "none"] }, ... ] }
 *
 * Validation: the keys are a closed set per rule kind, with "did you mean"
 * for near misses and a word for a key that belongs to another kind;
 * every value is checked for its type, its range and its spellings (with
 * hints); required keys are named.  Every problem is reported, not just
 * the first, at the key or value that has it: POLICY:LINE:COLUMN, the
 * 1-based line and character column an editor shows, from json_text.c's
 * walk (the same checks and syntax-error messages as the other JSON
 * readers).
 *
 * Approach: each rule object is read in two steps - its "rule" first, to
 * know which keys it takes, then every key against that kind's table - so
 * one table per kind says what is allowed and what is required.
 *
 * Cost: O(bytes + rules); the file is at most CRISK_MAX_POLICY_BYTES.
 */
#include "json_file.h"
#include "model/policy.h"
#include "util/infile.h"
#include "util/quote.h"
#include "util/sha256.h"
#include "util/suggest.h"
#include "util/util.h"

#include <cjson/cJSON.h>
#include <float.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- the reader's state and its messages ----------------------------------------- */

typedef struct reader {
    crisk__json_file jf;            /* the file, its positions and its problems */
    crisk_policy *policy;
    crisk__rule *rules;             /* as read, valid ones only */
    size_t n_rules, cap_rules;
} reader;

/* Problems at the value or the key of an item (json_file.h). */
#define fail_value(r, ...) crisk__json_file_fail_value(&(r)->jf, __VA_ARGS__)
#define fail_key(r, ...) crisk__json_file_fail_key(&(r)->jf, __VA_ARGS__)

static const char *type_name(const cJSON *item)
{
    return crisk__json_type_name(item->type);
}

/* A policy string for a message: bounded, control characters escaped. */
static const char *quote(char buf[CRISK__QUOTE_MAX], const char *s)
{
    return crisk__quote(buf, s != NULL ? s : "");
}

/* Index of `s` among `names` (exact), or -1. */
static int index_of(const char *s, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (names[i][0] != '\0' && strcmp(s, names[i]) == 0)
            return (int)i;
    return -1;
}

/* "unknown WHAT 'x'WHERE (did you mean 'y'?)" or "... (expected a, b or
 * c)", at the value of `item` or, for a key, at the key.  `where` may be
 * "": " for 'by'". */
static void unknown(reader *r, const cJSON *item, int at_key, const char *what, const char *s,
                    const char *where, const char *const *names, size_t n)
{
    char q[CRISK__QUOTE_MAX], list[512], tail[600];
    const char *hint = crisk__suggest(s, names, n);
    if (hint != NULL)
        snprintf(tail, sizeof tail, "did you mean '%s'?", hint);
    else {
        crisk__or_list(list, sizeof list, names, n);
        snprintf(tail, sizeof tail, "expected %s", list);
    }
    if (at_key)
        fail_key(r, item, "unknown %s '%s'%s (%s)", what, quote(q, s), where, tail);
    else
        fail_value(r, item, "unknown %s '%s'%s (%s)", what, quote(q, s), where, tail);
}

/* ---- what each rule takes ------------------------------------------------------------ */

enum key {
    K_RULE, K_NAME, K_DESCRIPTION, K_BY, K_BASIS, K_MARKET, K_MAX, K_MIN_CRITICALITY,
    K_SUBSTITUTABILITY, K_OF, K_FIELDS, K_FILE, K_HOURS, K_COUNT
};

static const char *const key_names[K_COUNT] = {
    "rule", "name", "description", "by", "basis", "market", "max", "min_criticality",
    "substitutability", "of", "fields", "file", "hours"
};

#define BIT(k) (1u << (k))
#define COMMON (BIT(K_RULE) | BIT(K_NAME) | BIT(K_DESCRIPTION))

/* The keys each kind takes, and those it needs. */
static const unsigned kind_keys[CRISK__RULE_KIND_COUNT] = {
    [CRISK__RULE_MAX_HHI] = COMMON | BIT(K_BY) | BIT(K_BASIS) | BIT(K_MARKET) | BIT(K_MAX),
    [CRISK__RULE_MAX_TOP1_SHARE] = COMMON | BIT(K_BY) | BIT(K_BASIS) | BIT(K_MARKET) | BIT(K_MAX),
    [CRISK__RULE_MAX_IMPACT_SHARE] = COMMON | BIT(K_MAX),
    [CRISK__RULE_NO_SPOF] = COMMON | BIT(K_MIN_CRITICALITY) | BIT(K_SUBSTITUTABILITY),
    [CRISK__RULE_NO_FALSE_REDUNDANCY] = COMMON,
    [CRISK__RULE_NO_BREACH] = COMMON | BIT(K_MIN_CRITICALITY),
    [CRISK__RULE_COMPLETE] = COMMON | BIT(K_OF) | BIT(K_FIELDS),
    [CRISK__RULE_SCENARIOS] = COMMON | BIT(K_FILE) | BIT(K_HOURS),
};

static const unsigned kind_required[CRISK__RULE_KIND_COUNT] = {
    [CRISK__RULE_MAX_HHI] = BIT(K_BY) | BIT(K_BASIS) | BIT(K_MAX),
    [CRISK__RULE_MAX_TOP1_SHARE] = BIT(K_BY) | BIT(K_BASIS) | BIT(K_MAX),
    [CRISK__RULE_MAX_IMPACT_SHARE] = BIT(K_MAX),
    [CRISK__RULE_COMPLETE] = BIT(K_OF),
    [CRISK__RULE_SCENARIOS] = BIT(K_FILE),
};

/* The keys of `mask`, in key order, as names. */
static size_t keys_of(unsigned mask, const char **out)
{
    size_t n = 0;
    for (int k = 0; k < K_COUNT; k++)
        if (mask & BIT(k))
            out[n++] = key_names[k];
    return n;
}

/* Substitutability values a no_spof rule may count: the four spellings and
 * "unknown" for a provider that has none. */
static const char *const subst_names[CRISK_SUBST_COUNT] = {
    "unknown", "easy", "medium", "hard", "none"
};

/* Fields a completeness rule may ask for (crisk_node_field), and the
 * default of each scope. */
static const crisk_node_field checkable[] = {
    CRISK_FIELD_CRITICALITY, CRISK_FIELD_RTO_HOURS, CRISK_FIELD_RECOVERY_HOURS,
    CRISK_FIELD_SPEND, CRISK_FIELD_COUNTRY, CRISK_FIELD_PARENT, CRISK_FIELD_SUBSTITUTABILITY,
    CRISK_FIELD_PROBABILITY
};
#define N_CHECKABLE (sizeof checkable / sizeof *checkable)

static const unsigned scope_defaults[CRISK__SCOPE_COUNT] = {
    [CRISK__SCOPE_FUNCTIONS] = BIT(CRISK_FIELD_RTO_HOURS) | BIT(CRISK_FIELD_CRITICALITY),
    [CRISK__SCOPE_PROVIDERS] = BIT(CRISK_FIELD_COUNTRY) | BIT(CRISK_FIELD_PARENT)
                             | BIT(CRISK_FIELD_SUBSTITUTABILITY),
    [CRISK__SCOPE_TIER1] = BIT(CRISK_FIELD_SPEND),
};

/* ---- values ---------------------------------------------------------------------------- */

/* A string value, or NULL after reporting what it is instead. */
static const char *string_value(reader *r, const cJSON *item)
{
    if (cJSON_IsString(item))
        return item->valuestring;
    fail_value(r, item, "'%s' must be a string, not %s", item->string, type_name(item));
    return NULL;
}

/* The index of a string value among `names`, or -1 after reporting. */
static int choice(reader *r, const cJSON *item, const char *const *names, size_t n)
{
    const char *s = string_value(r, item);
    if (s == NULL)
        return -1;
    int i = index_of(s, names, n);
    if (i < 0) {
        char where[64];
        snprintf(where, sizeof where, " for '%s'", item->string);
        unknown(r, item, 0, "value", s, where, names, n);
    }
    return i;
}

/* A number value in [lo, hi], or -1 after reporting (`range` says what it
 * must be, for the message). */
static int number_value(reader *r, const cJSON *item, double lo, double hi, const char *range,
                        double *out)
{
    if (!cJSON_IsNumber(item)) {
        fail_value(r, item, "'%s' must be a number, not %s", item->string, type_name(item));
        return -1;
    }
    double x = item->valuedouble;
    if (x < lo || x > hi) {
        fail_value(r, item, "'%s' must be %s, not %g", item->string, range, x);
        return -1;
    }
    *out = x;
    return 0;
}

/* A string, or an array of strings, each one of `names`: the bit of each
 * in *out.  Returns -1 after reporting. */
static int choices(reader *r, const cJSON *item, const char *const *names, size_t n,
                   const unsigned *bits, const char *what, unsigned *out)
{
    *out = 0;
    if (cJSON_IsString(item)) {
        int i = index_of(item->valuestring, names, n);
        if (i < 0) {
            unknown(r, item, 0, what, item->valuestring, "", names, n);
            return -1;
        }
        *out = bits[i];
        return 0;
    }
    if (!cJSON_IsArray(item)) {
        fail_value(r, item, "'%s' must be a string or an array of strings, not %s", item->string,
                   type_name(item));
        return -1;
    }
    if (item->child == NULL) {
        fail_value(r, item, "'%s' is empty: leave it out for the default", item->string);
        return -1;
    }
    int rc = 0;
    for (const cJSON *c = item->child; c != NULL; c = c->next) {
        if (!cJSON_IsString(c)) {
            fail_value(r, c, "each of '%s' must be a string, not %s", item->string, type_name(c));
            rc = -1;
            continue;
        }
        int i = index_of(c->valuestring, names, n);
        if (i < 0) {
            unknown(r, c, 0, what, c->valuestring, "", names, n);
            rc = -1;
        } else {
            *out |= bits[i];
        }
    }
    return rc;
}

/* ---- one rule -------------------------------------------------------------------------- */

/* The "rule" member of `obj`: its kind, or -1 after reporting. */
static int rule_kind(reader *r, const cJSON *obj)
{
    const cJSON *item = cJSON_GetObjectItemCaseSensitive(obj, "rule");
    char list[512];
    if (item == NULL) {
        crisk__or_list(list, sizeof list, crisk__rule_names, CRISK__RULE_KIND_COUNT);
        fail_value(r, obj, "rule without a 'rule' key (its kind: %s)", list);
        return -1;
    }
    const char *s = string_value(r, item);
    if (s == NULL)
        return -1;
    int k = index_of(s, crisk__rule_names, CRISK__RULE_KIND_COUNT);
    if (k < 0)
        unknown(r, item, 0, "rule", s, "", crisk__rule_names, CRISK__RULE_KIND_COUNT);
    return k;
}

/* A key the rule's kind does not take: a key of another kind, or a typo. */
static void foreign_key(reader *r, const cJSON *c, crisk__rule_kind kind)
{
    char q[CRISK__QUOTE_MAX], list[512];
    const char *names[K_COUNT];
    size_t n = keys_of(kind_keys[kind], names);
    crisk__or_list(list, sizeof list, names, n);
    if (index_of(c->string, key_names, K_COUNT) >= 0) {
        fail_key(r, c, "'%s' does not apply to rule '%s' (it takes %s)", quote(q, c->string),
                 crisk__rule_names[kind], list);
        return;
    }
    const char *hint = crisk__suggest(c->string, names, n);
    if (hint != NULL)
        fail_key(r, c, "unknown key '%s' in rule '%s' (did you mean '%s'?)", quote(q, c->string),
                 crisk__rule_names[kind], hint);
    else
        fail_key(r, c, "unknown key '%s' in rule '%s' (expected %s)", quote(q, c->string),
                 crisk__rule_names[kind], list);
}

/* The members of a rule object by key (first of each); problems reported. */
static void rule_members(reader *r, const cJSON *obj, crisk__rule_kind kind,
                         const cJSON *member[K_COUNT])
{
    memset(member, 0, K_COUNT * sizeof *member);
    for (const cJSON *c = obj->child; c != NULL; c = c->next) {
        int k = index_of(c->string, key_names, K_COUNT);
        if (k < 0 || !(kind_keys[kind] & BIT(k)))
            foreign_key(r, c, kind);
        else if (member[k] == NULL)
            member[k] = c;
    }
    for (int k = 0; k < K_COUNT; k++)
        if ((kind_required[kind] & BIT(k)) && member[k] == NULL)
            fail_value(r, obj, "rule '%s' needs '%s'", crisk__rule_names[kind], key_names[k]);
}

static const char *keep(reader *r, const char *s)
{
    const char *copy = crisk__pool_copy(&r->policy->pool, s, strlen(s));
    if (copy == NULL)
        r->jf.status = CRISK_ENOMEM;
    return copy;
}

/* by, basis, market and max of a concentration rule. */
static int read_concentration(reader *r, const cJSON *const member[K_COUNT], crisk__rule *rule)
{
    int rc = 0, by = -1;
    if (member[K_BY] != NULL && (by = choice(r, member[K_BY], crisk__by_names, 3)) >= 0)
        rule->by = (crisk_concentration_by)by;
    int basis = member[K_BASIS] ? choice(r, member[K_BASIS], crisk__basis_names, CRISK__BASIS_COUNT) : -1;
    rc |= by < 0 || basis < 0;
    rule->basis = basis < 0 ? CRISK__BASIS_SPEND : (crisk__basis)basis;
    rule->market = -1;
    const cJSON *market = member[K_MARKET];
    if (market != NULL && by >= 0 && rule->by != CRISK_BY_CATEGORY) {
        fail_key(r, market, "'market' applies to \"by\": \"category\" only (by %s, all providers "
                            "form one market)", crisk__by_names[rule->by]);
        rc = 1;
    } else if (market != NULL) {
        static const char *const categories[CRISK_CAT_COUNT] = {
            "cloud", "managed-service", "software", "hardware", "telecom", "other"
        };
        const char *s = string_value(r, market);
        int k = s != NULL ? index_of(s, categories, CRISK_CAT_COUNT) : -1;
        if (s != NULL && k < 0)
            unknown(r, market, 0, "market", s, "", categories, CRISK_CAT_COUNT);
        rule->market = k;
        rc |= k < 0;
    }
    if (member[K_MAX] == NULL)
        return -1;
    if (rule->kind == CRISK__RULE_MAX_HHI)
        rc |= number_value(r, member[K_MAX], 0, 10000, "an HHI from 0 to 10000", &rule->max) != 0;
    else
        rc |= number_value(r, member[K_MAX], 0, 1, "a share from 0 to 1 (40% is 0.4)",
                           &rule->max) != 0;
    return rc ? -1 : 0;
}

static int read_no_spof(reader *r, const cJSON *const member[K_COUNT], crisk__rule *rule)
{
    static const unsigned bits[CRISK_SUBST_COUNT] = { 1u << 0, 1u << 1, 1u << 2, 1u << 3, 1u << 4 };
    int rc = 0;
    if (member[K_SUBSTITUTABILITY] != NULL)
        rc |= choices(r, member[K_SUBSTITUTABILITY], subst_names, CRISK_SUBST_COUNT, bits,
                      "substitutability", &rule->substitutability);
    return rc;
}

static int read_complete(reader *r, const cJSON *const member[K_COUNT], crisk__rule *rule)
{
    const char *names[N_CHECKABLE];
    unsigned bits[N_CHECKABLE];
    for (size_t i = 0; i < N_CHECKABLE; i++) {
        names[i] = crisk_node_field_name(checkable[i]);
        bits[i] = BIT(checkable[i]);
    }
    if (member[K_OF] == NULL)
        return -1;
    int scope = choice(r, member[K_OF], crisk__scope_names, CRISK__SCOPE_COUNT);
    if (scope < 0)
        return -1;
    rule->scope = (crisk__scope)scope;
    rule->fields = scope_defaults[scope];
    if (member[K_FIELDS] == NULL)
        return 0;
    if (!cJSON_IsArray(member[K_FIELDS])) {
        fail_value(r, member[K_FIELDS], "'fields' must be an array of column names, not %s",
                   type_name(member[K_FIELDS]));
        return -1;
    }
    return choices(r, member[K_FIELDS], names, N_CHECKABLE, bits, "field", &rule->fields);
}

/* The scenario file named by `file`, relative to the policy file's folder
 * unless absolute; NULL when out of memory (the caller frees). */
static char *beside_policy(const char *policy, const char *file)
{
    const char *slash = strrchr(policy, '/');
    size_t dir = file[0] == '/' || slash == NULL ? 0 : (size_t)(slash - policy) + 1;
    size_t n = strlen(file);
    char *path = malloc(dir + n + 1);
    if (path != NULL) {
        memcpy(path, policy, dir);
        memcpy(path + dir, file, n + 1);
    }
    return path;
}

/* file and hours of a scenarios rule.  The file must be there now, so a
 * missing one is reported at its name in the policy; it is read against
 * an inventory later (crisk_policy_load_scenarios). */
static int read_scenarios(reader *r, const cJSON *const member[K_COUNT], crisk__rule *rule)
{
    int rc = 0;
    if (member[K_HOURS] != NULL) {
        rc |= number_value(r, member[K_HOURS], 0, DBL_MAX, "a number of hours >= 0",
                           &rule->hours) != 0;
        rule->use_hours = 1;
    }
    const char *file = member[K_FILE] != NULL ? string_value(r, member[K_FILE]) : NULL;
    if (file == NULL)
        return -1;
    if (file[0] == '\0') {
        fail_value(r, member[K_FILE], "'file' is empty: name a scenario file");
        return -1;
    }
    char *path = beside_policy(r->policy->path, file), why[256], q[CRISK__QUOTE_MAX];
    if (path == NULL) {
        r->jf.status = CRISK_ENOMEM;
        return -1;
    }
    int fd;
    struct stat st;
    if (crisk__infile_open(path, 0, &fd, &st, why, sizeof why) != CRISK_OK) {
        fail_value(r, member[K_FILE], "scenario file '%s': %s", quote(q, path), why);
        rc = 1;
    } else {
        close(fd);
    }
    const crisk__json_place *at = crisk__json_file_where(&r->jf, member[K_FILE]);
    rule->file = keep(r, file);
    rule->file_path = keep(r, path);
    rule->file_line = at->line;
    rule->file_column = at->column;
    free(path);
    return rc ? -1 : 0;
}

/* The parameters of `rule` (its kind known) from its members. */
static int read_parameters(reader *r, const cJSON *const member[K_COUNT], crisk__rule *rule)
{
    int rc = 0;
    if (member[K_NAME] != NULL) {
        const char *name = string_value(r, member[K_NAME]);
        rule->name = name != NULL ? keep(r, name) : NULL;
        rc |= name == NULL;
    }
    if (member[K_DESCRIPTION] != NULL)
        rc |= string_value(r, member[K_DESCRIPTION]) == NULL;
    if (member[K_MIN_CRITICALITY] != NULL)
        rc |= number_value(r, member[K_MIN_CRITICALITY], 0, DBL_MAX, "a criticality >= 0",
                           &rule->min_criticality) != 0;
    switch (rule->kind) {
    case CRISK__RULE_MAX_HHI:
    case CRISK__RULE_MAX_TOP1_SHARE:
        return read_concentration(r, member, rule) != 0 || rc ? -1 : 0;
    case CRISK__RULE_MAX_IMPACT_SHARE:
        if (member[K_MAX] == NULL)
            return -1;
        rc |= number_value(r, member[K_MAX], 0, 1, "a share from 0 to 1 (40% is 0.4)",
                           &rule->max) != 0;
        return rc ? -1 : 0;
    case CRISK__RULE_NO_SPOF:
        return read_no_spof(r, member, rule) != 0 || rc ? -1 : 0;
    case CRISK__RULE_COMPLETE:
        return read_complete(r, member, rule) != 0 || rc ? -1 : 0;
    case CRISK__RULE_SCENARIOS:
        return read_scenarios(r, member, rule) != 0 || rc ? -1 : 0;
    default:
        return rc ? -1 : 0;
    }
}

static void read_rule(reader *r, const cJSON *obj)
{
    if (!cJSON_IsObject(obj)) {
        fail_value(r, obj, "a rule must be an object, not %s", type_name(obj));
        return;
    }
    int kind = rule_kind(r, obj);
    if (kind < 0)
        return;
    const cJSON *member[K_COUNT];
    const crisk__json_place *at = crisk__json_file_where(&r->jf, obj);
    crisk__rule rule = { .kind = (crisk__rule_kind)kind, .line = at->line, .column = at->column };
    rule_members(r, obj, rule.kind, member);
    if (read_parameters(r, member, &rule) != 0)
        return;
    if (crisk__grow((void **)&r->rules, &r->cap_rules, r->n_rules + 1, sizeof *r->rules) != 0) {
        r->jf.status = CRISK_ENOMEM;
        return;
    }
    r->rules[r->n_rules++] = rule;
}

/* ---- the policy ------------------------------------------------------------------------ */

enum top_key { T_NAME, T_DESCRIPTION, T_RULES, T_COUNT };
static const char *const top_names[T_COUNT] = { "name", "description", "rules" };

static void read_rules(reader *r, const cJSON *rules)
{
    if (!cJSON_IsArray(rules)) {
        fail_value(r, rules, "'rules' must be an array, not %s", type_name(rules));
        return;
    }
    if (rules->child == NULL) {
        fail_value(r, rules, "'rules' is empty: a policy needs at least one rule");
        return;
    }
    for (const cJSON *c = rules->child; c != NULL && r->jf.status == CRISK_OK; c = c->next)
        read_rule(r, c);
}

static void read_policy(reader *r, const cJSON *root)
{
    if (!cJSON_IsObject(root)) {
        fail_value(r, root, "a policy must be a JSON object, not %s", type_name(root));
        return;
    }
    const cJSON *member[T_COUNT] = { NULL, NULL, NULL };
    for (const cJSON *c = root->child; c != NULL; c = c->next) {
        int k = index_of(c->string, top_names, T_COUNT);
        if (k < 0)
            unknown(r, c, 1, "key", c->string, "", top_names, T_COUNT);
        else if (member[k] == NULL)
            member[k] = c;
    }
    if (member[T_NAME] != NULL) {
        const char *name = string_value(r, member[T_NAME]);
        r->policy->name = name != NULL ? keep(r, name) : NULL;
    }
    if (member[T_DESCRIPTION] != NULL)
        string_value(r, member[T_DESCRIPTION]);
    if (member[T_RULES] == NULL)
        fail_value(r, root, "missing key 'rules' (the list of rules)");
    else
        read_rules(r, member[T_RULES]);
}

static crisk_policy *new_policy(const char *path)
{
    crisk_policy *p = calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    crisk__pool_init(&p->pool);
    p->path = strdup(path);
    if (p->path == NULL) {
        free(p);
        return NULL;
    }
    return p;
}

int crisk_policy_load(crisk_policy **out, const char *path, crisk_diagnostics *diags,
                      crisk_error *err)
{
    *out = NULL;
    reader r;
    memset(&r, 0, sizeof r);
    crisk__json_file_init(&r.jf, path, diags);
    int rc = crisk__json_file_read(&r.jf, CRISK_MAX_POLICY_BYTES, err);
    if (rc != CRISK_OK)
        return rc;
    r.policy = new_policy(path);
    if (r.policy == NULL || crisk__sha256_hex(r.policy->sha256, r.jf.text, r.jf.n) != 0) {
        crisk__json_file_release(&r.jf);
        crisk_policy_free(r.policy);
        return crisk_error_set(err, CRISK_ENOMEM, path, 0, 0, "out of memory");
    }
    r.policy->bytes = r.jf.n;
    cJSON *root = crisk__json_file_parse(&r.jf, "a JSON object");
    if (root != NULL)
        read_policy(&r, root);
    cJSON_Delete(root);
    crisk__json_file_release(&r.jf);
    crisk_diagnostics_sort(diags);
    rc = crisk__json_file_status(&r.jf, err);
    if (rc == CRISK_OK) {
        r.policy->rules = r.rules;
        r.policy->n_rules = r.n_rules;
        *out = r.policy;
        return CRISK_OK;
    }
    free(r.rules);
    crisk_policy_free(r.policy);
    return rc;
}

/* Rule i's scenario file could not be read: say, at the rule's "file" in
 * the policy, which rule named it - after the file's own positioned
 * errors (`found` of them), or with the file's problem (in `err`) when it
 * reported none.  Returns the load's error again (CRISK_EINVALID when the
 * file's errors were reported). */
static int blame_rule(const crisk_policy *p, size_t i, size_t found, crisk_diagnostics *diags,
                      crisk_error *err)
{
    const crisk__rule *rule = &p->rules[i];
    char q[CRISK__QUOTE_MAX], label[CRISK__QUOTE_MAX + 16], why[CRISK_ERROR_FILE_MAX + 700];
    if (rule->name != NULL)
        snprintf(label, sizeof label, " '%s'", crisk__quote(q, rule->name));
    else
        label[0] = '\0';
    if (found > 0)
        snprintf(why, sizeof why, "%zu error%s above", found, found == 1 ? "" : "s");
    else
        crisk_error_format(err, why, sizeof why);
    int code = err->code != CRISK_OK ? err->code : CRISK_EINVALID;
    if (crisk_diagnostics_add(diags, CRISK_SEV_ERROR, p->path, rule->file_line, rule->file_column,
                              "rule %zu (scenarios%s) names scenario file '%s', which cannot be "
                              "used: %s", i + 1, label, crisk__quote(q, rule->file), why)
        != CRISK_OK)
        return crisk_error_set(err, CRISK_ENOMEM, NULL, 0, 0, "out of memory");
    return code;
}

int crisk_policy_load_scenarios(crisk_policy *p, const crisk_inventory *inv,
                                crisk_diagnostics *diags, crisk_error *err)
{
    for (size_t i = 0; i < p->n_rules; i++) {
        crisk__rule *rule = &p->rules[i];
        if (rule->kind != CRISK__RULE_SCENARIOS)
            continue;
        crisk_scenario_set_free(rule->set);
        rule->set = NULL;
        rule->set_inv = NULL;
        size_t before = diags->errors;
        int rc = crisk_scenario_set_load(&rule->set, inv, rule->file_path, diags, err);
        if (rc != CRISK_OK && rc != CRISK_ENOMEM)
            rc = blame_rule(p, i, diags->errors - before, diags, err);
        if (rc != CRISK_OK)
            return rc;
        rule->set_inv = inv;
    }
    return CRISK_OK;
}
