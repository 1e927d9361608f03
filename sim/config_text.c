/* config_text.c: scenario files as text, beneath the libconfig tree. What a
 * syntax error means in words (cfg__syntax_hint, for cfg__read's messages),
 * the rule for scenario names (cfg_name_check), and the text of a new
 * scenario made from another (cfg_new_scenario_text, for aandacht new).
 *
 * A small lexer and recursive-descent reader follow libconfig's grammar
 * (its scanner.l and grammar.y): settings NAME = VALUE (or NAME : VALUE),
 * each with an optional ';' or ',' after it; groups { }, lists ( ), arrays
 * [ ]; strings (adjacent ones joined), numbers, true and false; comments
 * (#, // and slash-star blocks), and @include lines, which it skips. It is
 * asked only after libconfig has refused a text, to name the first thing it
 * cannot read and what would fix it, or to find where a setting's value is
 * written in a valid text, so that a copy can change that value and keep
 * every other byte.
 *
 * Invariant: it never prints, exits or changes its input; a problem is a
 * message of one line and the line it is on.
 */
#include "config_priv.h"
#include "config_text.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Before libconfig 1.7 a list or an array cannot end with a ','. */
#if LIBCONFIG_VER_MAJOR > 1 || (LIBCONFIG_VER_MAJOR == 1 && LIBCONFIG_VER_MINOR >= 7)
#define TRAILING_COMMA_OK 1
#else
#define TRAILING_COMMA_OK 0
#endif

enum {
    T_END, T_NAME, T_EQUALS, T_SEMICOLON, T_COMMA, T_GROUP, T_GROUP_END, T_LIST, T_LIST_END, T_ARRAY,
    T_ARRAY_END, T_STRING, T_NUMBER, T_BOOL, T_GARBAGE, T_OPEN_STRING
};

typedef struct token {
    int kind;
    size_t at, end;             /* its bytes: text[at, end) */
    int line;                   /* line of its first byte, from 1 */
} token;

typedef struct lexer {
    const char *s;
    size_t n, pos;
    int line;
    int open_comment;           /* line of a comment never closed, 0 if none */
} lexer;

static int at_line_start(const lexer *lx)
{
    for (size_t i = lx->pos; i > 0; i--) {
        char c = lx->s[i - 1];
        if (c == '\n') return 1;
        if (c != ' ' && c != '\t') return 0;
    }
    return 1;
}

/* Past a quoted text that starts at s[i] == '"'; counts its lines. Returns
 * the index after the closing quote, or n (and *closed = 0) when there is
 * none. */
static size_t past_quotes(lexer *lx, size_t i, int *closed)
{
    *closed = 0;
    for (i++; i < lx->n; i++) {
        char c = lx->s[i];
        if (c == '\\' && i + 1 < lx->n && (lx->s[i + 1] == '"' || lx->s[i + 1] == '\\')) i++;
        else if (c == '"') { *closed = 1; return i + 1; }
        else if (c == '\n') lx->line++;
    }
    return lx->n;
}

/* Skips white space, comments and @include lines. */
static void skip_blank(lexer *lx)
{
    const char *s = lx->s;
    while (lx->pos < lx->n) {
        char c = s[lx->pos], d = lx->pos + 1 < lx->n ? s[lx->pos + 1] : '\0';
        if (c == '\n') {
            lx->line++;
            lx->pos++;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
            lx->pos++;
        } else if (c == '#' || (c == '/' && d == '/')) {
            while (lx->pos < lx->n && s[lx->pos] != '\n') lx->pos++;
        } else if (c == '/' && d == '*') {
            int start = lx->line;
            for (lx->pos += 2; lx->pos < lx->n && !(s[lx->pos] == '*' && lx->pos + 1 < lx->n && s[lx->pos + 1] == '/');
                 lx->pos++)
                if (s[lx->pos] == '\n') lx->line++;
            if (lx->pos >= lx->n) lx->open_comment = start;
            else lx->pos += 2;
        } else if (c == '@' && at_line_start(lx) && !strncmp(s + lx->pos, "@include", 8)) {
            size_t i = lx->pos + 8;
            int closed;
            while (i < lx->n && (s[i] == ' ' || s[i] == '\t')) i++;
            if (i == lx->pos + 8 || i >= lx->n || s[i] != '"') return; /* not an @include: garbage */
            lx->pos = past_quotes(lx, i, &closed);
        } else {
            return;
        }
    }
}

/* Length of the number at s (libconfig's integer, integer64, hex, hex64 and
 * float, the longest that matches), 0 if none. */
static size_t number_len(const char *s, size_t rem)
{
    size_t i = 0, digits = 0;
    if (rem >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && isxdigit((unsigned char)s[2])) {
        for (i = 2; i < rem && isxdigit((unsigned char)s[i]); i++) {}
    } else {
        int is_float = 0;
        if (i < rem && (s[i] == '-' || s[i] == '+')) i++;
        while (i + digits < rem && isdigit((unsigned char)s[i + digits])) digits++;
        i += digits;
        if (i < rem && s[i] == '.') {
            is_float = 1;
            for (i++; i < rem && isdigit((unsigned char)s[i]); i++) {}
        }
        if (!is_float && !digits) return 0;
        size_t e = i; /* an exponent: e, an optional sign, digits */
        if (e < rem && (s[e] == 'e' || s[e] == 'E')) {
            e++;
            if (e < rem && (s[e] == '-' || s[e] == '+')) e++;
            if (e < rem && isdigit((unsigned char)s[e])) {
                while (e < rem && isdigit((unsigned char)s[e])) e++;
                i = e;
                is_float = 1;
            }
        }
        if (is_float) return i;
    }
    if (i < rem && s[i] == 'L') i += i + 1 < rem && s[i + 1] == 'L' ? 2 : 1;
    return i;
}

static int name_start(char c) { return isalpha((unsigned char)c) || c == '*'; }
static int name_char(char c) { return isalnum((unsigned char)c) || c == '*' || c == '-' || c == '_'; }

static token next_token(lexer *lx)
{
    skip_blank(lx);
    token t = {T_END, lx->pos, lx->pos, lx->line};
    if (lx->pos >= lx->n) return t;
    const char *s = lx->s + lx->pos;
    size_t rem = lx->n - lx->pos, len = 1, num;
    static const char PUNCT[] = "=:;,{}()[]";
    static const int KIND[] = {T_EQUALS, T_EQUALS, T_SEMICOLON, T_COMMA, T_GROUP, T_GROUP_END, T_LIST, T_LIST_END,
                               T_ARRAY, T_ARRAY_END};
    const char *p = strchr(PUNCT, s[0]);
    if (s[0] && p) {
        t.kind = KIND[p - PUNCT];
    } else if (s[0] == '"') {
        int closed;
        len = past_quotes(lx, lx->pos, &closed) - lx->pos;
        t.kind = closed ? T_STRING : T_OPEN_STRING;
    } else if (name_start(s[0])) {
        while (len < rem && name_char(s[len])) len++;
        int is_bool = (len == 4 && !strncasecmp(s, "true", 4)) || (len == 5 && !strncasecmp(s, "false", 5));
        t.kind = is_bool ? T_BOOL : T_NAME;
    } else if ((num = number_len(s, rem)) > 0) {
        t.kind = T_NUMBER;
        len = num;
    } else {
        t.kind = T_GARBAGE;
        /* a whole UTF-8 character, for the message */
        while (len < rem && len < 4 && ((unsigned char)s[len] & 0xC0) == 0x80) len++;
    }
    lx->pos += len;
    t.end = lx->pos;
    return t;
}

/* ---- the reader ------------------------------------------------------ */

#define WANT_MAX 8

typedef struct reader {
    lexer lx;
    token cur, prev, prev2;     /* the token looked at, and the two before it */
    char msg[600];              /* the first problem, "" while none */
    int line;                   /* its line */
    /* the setting to find: want[0] . want[1] ..., groups only */
    const char *want[WANT_MAX];
    int want_n;
    int found;                  /* its value is text[found_at, found_end) */
    size_t found_at, found_end;
    int runs_from, runs_to;     /* lines of the first text in quotes that runs on over lines
                                 * and holds an '=' */
} reader;

static void advance(reader *r)
{
    r->prev2 = r->prev;
    r->prev = r->cur;
    r->cur = next_token(&r->lx);
    /* a text that runs on over lines and holds an '=' has likely swallowed settings */
    if (r->cur.kind == T_STRING && !r->runs_from && r->lx.line > r->cur.line &&
        memchr(r->lx.s + r->cur.at, '=', r->cur.end - r->cur.at)) {
        r->runs_from = r->cur.line;
        r->runs_to = r->lx.line;
    }
}

/* The token after the current one, without moving on. */
static token peek(const reader *r)
{
    lexer copy = r->lx;
    return next_token(&copy);
}

/* Records the first problem; returns -1. */
__attribute__((format(printf, 3, 4)))
static int bad(reader *r, int line, const char *fmt, ...)
{
    if (r->msg[0]) return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->line = line;
    return -1;
}

/* The token's text, cut to fit buf. */
static const char *text_of(const reader *r, const token *t, char *buf, size_t n)
{
    size_t len = t->end - t->at;
    if (len >= n) len = n - 1;
    memcpy(buf, r->lx.s + t->at, len);
    buf[len] = '\0';
    return buf;
}

static int is_value_start(int kind)
{
    return kind == T_STRING || kind == T_NUMBER || kind == T_BOOL || kind == T_GROUP || kind == T_LIST ||
           kind == T_ARRAY;
}

static const char *closer_text(int kind)
{
    return kind == T_GROUP_END ? "}" : kind == T_LIST_END ? ")" : "]";
}

static const char *opener_name(int kind)
{
    return kind == T_GROUP ? "group '{'" : kind == T_LIST ? "list '('" : "array '['";
}

/* Where a separator is missing: at the end of the previous token's line, or
 * before the current token on the same line. */
static const char *missing_where(const reader *r, char *buf, size_t n)
{
    char tok[40];
    if (r->prev.line < r->cur.line) snprintf(buf, n, "at the end of line %d", r->prev.line);
    else snprintf(buf, n, "before '%s'", text_of(r, &r->cur, tok, sizeof tok));
    return buf;
}

/* Problems that read the same anywhere: a character that has no place in
 * the syntax, a quote never closed, an unexpected end of the file. */
static int common_problem(reader *r, const token *open)
{
    char c[8];
    if (r->cur.kind == T_OPEN_STRING) { /* libconfig finds the end of the file instead */
        if (r->runs_from) /* the quote missing is likely where a text first ran on */
            return bad(r, r->lx.line, "a '\"' is missing: the text in double quotes that starts on line %d runs on "
                       "to line %d", r->runs_from, r->runs_to);
        return bad(r, r->lx.line, "the text in double quotes that starts on line %d is never closed: a '\"' is "
                   "missing", r->cur.line);
    }
    if (r->cur.kind == T_GARBAGE) {
        text_of(r, &r->cur, c, sizeof c);
        if (c[0] == '\'')
            return bad(r, r->cur.line, "text goes in double quotes, not single quotes: \"like this\"");
        if (c[0] == '%')
            return bad(r, r->cur.line, "'%%' cannot follow a number: write a share as a number from 0 to 1 "
                       "(0.8 for 80 %%)");
        if (c[0] == '@')
            return bad(r, r->cur.line, "'@' starts an @include line only: @include \"other.cfg\" at the start of "
                       "a line");
        return bad(r, r->cur.line, "the character '%s' cannot be used here (only inside double quotes or in a "
                   "comment after #)", c);
    }
    if (r->cur.kind == T_END && open) {
        char extra[80] = "";
        if (r->lx.open_comment)
            snprintf(extra, sizeof extra, "; the comment opened with '/*' on line %d is never closed",
                     r->lx.open_comment);
        return bad(r, r->cur.line, "the file ends inside the %s opened on line %d: a '%s' is missing%s",
                   opener_name(open->kind), open->line, closer_text(open->kind + 1), extra);
    }
    return 0;
}

static int value(reader *r, const token *name, int depth, int on_path);

/* A setting's value is missing or cannot start with the current token. */
static int no_value(reader *r, const token *name)
{
    char nm[80], tok[80];
    if (common_problem(r, NULL)) return -1;
    if (name) text_of(r, name, nm, sizeof nm);
    switch (r->cur.kind) {
    case T_NAME:
        text_of(r, &r->cur, tok, sizeof tok);
        if (name) return bad(r, r->cur.line, "text must be written in double quotes: %s = \"%s\";", nm, tok);
        return bad(r, r->cur.line, "text must be written in double quotes: \"%s\"", tok);
    case T_END:
        if (name) return bad(r, r->cur.line, "the file ends after '%s =': write %s = VALUE;", nm, nm);
        return bad(r, r->cur.line, "the file ends where a value should be");
    case T_EQUALS:
        return bad(r, r->cur.line, "a second '=' where a value should be%s%s%s", name ? " (after '" : "",
                   name ? nm : "", name ? "')" : "");
    default:
        if (name) return bad(r, r->cur.line, "'%s =' has no value: write %s = VALUE;", nm, nm);
        if (r->prev.kind == T_COMMA)
            return bad(r, r->cur.line, "a ',' with no value after it: remove it, or add the missing value");
        return bad(r, r->cur.line, "a value is missing here");
    }
}

/* After an element of a list or an array (open), neither ',' nor the
 * closer follows. */
static int no_separator(reader *r, const token *open)
{
    char where[64], tok[80];
    const char *closer = closer_text(open->kind + 1);
    if (common_problem(r, open)) return -1;
    switch (r->cur.kind) {
    case T_SEMICOLON:
        return bad(r, r->cur.line, "inside a %s the elements are separated by ',', not ';'",
                   open->kind == T_LIST ? "list ( )" : "array [ ]");
    case T_NAME:
        if (peek(r).kind == T_EQUALS)
            return bad(r, r->cur.line, "a setting inside a list must be inside a group: ( { %s = ...; } ) (is a "
                       "'{' missing?)", text_of(r, &r->cur, tok, sizeof tok));
        return bad(r, r->cur.line, "text must be written in double quotes: \"%s\"",
                   text_of(r, &r->cur, tok, sizeof tok));
    case T_GROUP_END:
    case T_LIST_END:
    case T_ARRAY_END:
        return bad(r, r->cur.line, "'%s' closes nothing here: the %s opened on line %d is still open (is a '%s' "
                   "missing, or is the '%s' one too many?)", closer_text(r->cur.kind), opener_name(open->kind),
                   open->line, closer, closer_text(r->cur.kind));
    default:
        if (is_value_start(r->cur.kind))
            return bad(r, r->cur.line, "the elements of a %s are separated by ',' (is one missing %s?)",
                       open->kind == T_LIST ? "list ( )" : "array [ ]", missing_where(r, where, sizeof where));
        return bad(r, r->cur.line, "'%s' cannot follow an element of the %s opened on line %d",
                   text_of(r, &r->cur, tok, sizeof tok), opener_name(open->kind), open->line);
    }
}

/* A list ( ... ) or an array [ ... ]; the current token opens it. */
static int sequence(reader *r, int depth)
{
    token open = r->cur;
    int is_array = open.kind == T_ARRAY, closer = open.kind + 1;
    advance(r);
    if (r->cur.kind == closer) { advance(r); return 0; }
    for (;;) {
        if (is_array && (r->cur.kind == T_GROUP || r->cur.kind == T_LIST || r->cur.kind == T_ARRAY))
            return bad(r, r->cur.line, "an array [ ... ] holds plain values only (numbers, text, true or false); "
                       "write groups and lists in a list ( ... )");
        if (value(r, NULL, depth, 0)) return -1;
        if (r->cur.kind == closer) { advance(r); return 0; }
        if (r->cur.kind != T_COMMA) return no_separator(r, &open);
        advance(r);
        if (r->cur.kind == closer) {
            if (TRAILING_COMMA_OK) { advance(r); return 0; }
            return bad(r, r->cur.line, "remove the ',' %s%d before '%s': the last element of %s has no ',' after "
                       "it", r->prev.line < r->cur.line ? "at the end of line " : "on line ", r->prev.line,
                       closer_text(closer), is_array ? "an array" : "a list");
        }
    }
}

static int same_text(const reader *r, const token *a, const token *b)
{
    return a->end - a->at == b->end - b->at && !memcmp(r->lx.s + a->at, r->lx.s + b->at, a->end - a->at);
}

static int is_word(const reader *r, const token *t, const char *w)
{
    return t->end - t->at == strlen(w) && !memcmp(r->lx.s + t->at, w, t->end - t->at);
}

/* In a group (open; NULL at the top level), where a setting's name should
 * be, there is something else. */
static int no_name(reader *r, const token *open)
{
    char tok[80], nm[80];
    if (common_problem(r, open)) return -1;
    int after_value = r->prev.kind == T_STRING || r->prev.kind == T_NUMBER || r->prev.kind == T_BOOL;
    switch (r->cur.kind) {
    case T_GROUP_END:
    case T_LIST_END:
    case T_ARRAY_END:
        if (!open)
            return bad(r, r->cur.line, "'%s' closes nothing: there is no '%s' open (is it one too many?)",
                       closer_text(r->cur.kind), r->cur.kind == T_GROUP_END ? "{" : r->cur.kind == T_LIST_END ? "("
                       : "[");
        return bad(r, r->cur.line, "'%s' inside the group '{' opened on line %d: close the group with '}' first "
                   "(is a '}' missing?)", closer_text(r->cur.kind), open->line);
    case T_NUMBER:
        if (r->prev.kind == T_COMMA && r->prev2.kind == T_NUMBER && r->prev2.end == r->prev.at &&
            r->prev.end == r->cur.at)
            return bad(r, r->cur.line, "numbers are written without ',': 0.5, not 0,5, and 1000, not 1,000");
        /* fall through */
    case T_STRING:
    case T_BOOL:
        if (after_value)
            return bad(r, r->cur.line, "a second value '%s' after a setting's value: a setting has one value (a "
                       "list of values is written ( a, b ))", text_of(r, &r->cur, tok, sizeof tok));
        if (r->cur.kind == T_STRING)
            return bad(r, r->cur.line, "a setting's name is written without quotes: name = value;");
        return bad(r, r->cur.line, "'%s' where a setting's name should be: a setting is written name = value;",
                   text_of(r, &r->cur, tok, sizeof tok));
    case T_SEMICOLON:
    case T_COMMA:
        return bad(r, r->cur.line, "a '%s' with no setting before it: a setting is written name = value;",
                   text_of(r, &r->cur, tok, sizeof tok));
    case T_EQUALS:
        return bad(r, r->cur.line, "'=' with no setting name before it: a setting is written name = value;");
    case T_GROUP:
    case T_LIST:
    case T_ARRAY:
        return bad(r, r->cur.line, "'%s' with no name before it: write name = %s ... %s;",
                   text_of(r, &r->cur, tok, sizeof tok), tok, closer_text(r->cur.kind + 1));
    default:
        return bad(r, r->cur.line, "'%s' where a setting's name should be",
                   text_of(r, &r->cur, nm, sizeof nm));
    }
}

/* After a setting's name there is no '=' (or ':'). */
static int no_equals(reader *r, const token *name)
{
    char nm[80], tok[80];
    text_of(r, name, nm, sizeof nm);
    if (common_problem(r, NULL)) return -1;
    if (r->prev2.kind == T_NUMBER && r->prev2.end == name->at) /* 1e, 0x, 12abc */
        return bad(r, name->line, "'%s%s' is not a number: numbers are written like 20, 0.5, 1e-3 or "
                   "12345678901L", text_of(r, &r->prev2, tok, sizeof tok), nm);
    if (r->cur.kind == T_NUMBER && r->lx.s[r->cur.at] == '.') {
        token after = peek(r);
        if (r->cur.end - r->cur.at == 1 && after.kind == T_NAME && after.at == r->cur.end)
            text_of(r, &after, tok, sizeof tok);
        else
            snprintf(tok, sizeof tok, "...");
        return bad(r, r->cur.line, "'%s.%s': in a file a dotted key is written as nested groups, e.g. %s = { %s = "
                   "...; }; (the dotted form is for --set)", nm, tok, nm, tok);
    }
    if (r->cur.kind == T_NAME && peek(r).kind == T_EQUALS)
        return bad(r, r->cur.line, "a setting's name has no spaces: '%s %s' (is it %s_%s? aandacht params lists the "
                   "keys)", nm, text_of(r, &r->cur, tok, sizeof tok), nm, tok);
    if (r->cur.kind == T_END)
        return bad(r, r->cur.line, "the file ends after '%s': write %s = VALUE;", nm, nm);
    if (r->cur.kind == T_GROUP)
        return bad(r, r->cur.line, "'=' is missing after '%s': write %s = { ... };", nm, nm);
    return bad(r, r->cur.line, "'%s' must be followed by '=': write %s = VALUE;", nm, nm);
}

/* The settings of a group up to its '}' (open; NULL: the whole text, up to
 * its end), the current token being the first. depth: the group's depth in
 * the wanted path, on_path: the group is on that path so far. */
static int settings(reader *r, const token *open, int depth, int on_path)
{
    int end = open ? T_GROUP_END : T_END;
    token *names = NULL;        /* this group's setting names, for duplicates */
    size_t n_names = 0, cap = 0;
    int rc = 0;
    while (r->cur.kind != end) {
        token name = r->cur;
        if (name.kind != T_NAME) { rc = no_name(r, open); break; }
        advance(r);
        if (r->cur.kind != T_EQUALS) { rc = no_equals(r, &name); break; }
        for (size_t i = 0; i < n_names; i++)
            if (same_text(r, &names[i], &name)) {
                char nm[80];
                rc = bad(r, name.line, "duplicate setting: '%s' is set twice in the same group (also on line %d); "
                         "each setting may appear only once", text_of(r, &name, nm, sizeof nm), names[i].line);
                break;
            }
        if (rc) break;
        if (n_names == cap) {
            token *grown = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof *names);
            if (!grown) { rc = bad(r, name.line, "out of memory reading the file"); break; }
            names = grown;
        }
        names[n_names++] = name;
        advance(r);
        int wanted = on_path && depth < r->want_n && is_word(r, &name, r->want[depth]);
        size_t at = r->cur.at;
        if ((rc = value(r, &name, depth + 1, wanted))) break;
        if (wanted && depth + 1 == r->want_n && !r->found) {
            r->found = 1;
            r->found_at = at;
            r->found_end = r->prev.end;
        }
        if (r->cur.kind == T_SEMICOLON || r->cur.kind == T_COMMA) advance(r);
    }
    free(names);
    return rc;
}

/* A value; name is the setting's (NULL in a list or an array). */
static int value(reader *r, const token *name, int depth, int on_path)
{
    switch (r->cur.kind) {
    case T_STRING:
        while (r->cur.kind == T_STRING) advance(r); /* strings next to each other are joined */
        return 0;
    case T_NUMBER:
    case T_BOOL:
        advance(r);
        return 0;
    case T_GROUP: {
        token open = r->cur;
        advance(r);
        if (settings(r, &open, depth, on_path)) return -1;
        advance(r);
        return 0;
    }
    case T_LIST:
    case T_ARRAY:
        return sequence(r, depth);
    default:
        return no_value(r, name);
    }
}

static void reader_init(reader *r, const char *text, size_t n)
{
    memset(r, 0, sizeof *r);
    r->lx.s = text;
    r->lx.n = n;
    r->lx.line = 1;
    r->cur = next_token(&r->lx);
}

int cfg__syntax_hint(const char *text, size_t n, char *msg, size_t cap, int *line)
{
    reader *r = malloc(sizeof *r);
    if (!r) return 0;
    reader_init(r, text, n);
    int found = settings(r, NULL, 0, 0) != 0;
    if (found) {
        snprintf(msg, cap, "%s", r->msg);
        *line = r->line;
    }
    free(r);
    return found;
}

/* ---- scenario names and new scenarios ---------------------------------- */

int cfg_name_check(const char *name, char *why, size_t n)
{
    int idx = ad_param_find("scenario.name", AD_SCOPE_G);
    size_t max = (size_t)ad_param_table[idx].max - 1;
    if (!name[0]) {
        snprintf(why, n, "it is empty");
        return -1;
    }
    if (strlen(name) > max) {
        snprintf(why, n, "it is %zu bytes long, at most %zu are allowed", strlen(name), max);
        return -1;
    }
    for (const char *c = name; *c; c++)
        if (!isalnum((unsigned char)*c) && *c != '_' && *c != '.' && *c != '-') {
            snprintf(why, n, "it may only contain letters, digits, '_', '.' and '-'");
            return -1;
        }
    return 0;
}

char *cfg_new_scenario_text(const char *text, const char *name, const char *made_from, ad_error *err)
{
    size_t n = strlen(text);
    reader *r = malloc(sizeof *r);
    if (!r) {
        ad_error_set(err, AD_ERR_NOMEM, made_from, 0, NULL, "out of memory");
        return NULL;
    }
    reader_init(r, text, n);
    r->want[0] = "scenario";
    r->want[1] = "name";
    r->want_n = 2;
    int rc = settings(r, NULL, 0, 1);
    if (rc || !r->found) {
        if (rc) ad_error_set(err, AD_ERR_CONFIG, made_from, r->line, NULL, "syntax error: %s", r->msg);
        else ad_error_set(err, AD_ERR_CONFIG, made_from, 0, "scenario.name", "the file does not set scenario.name "
                          "itself (it comes from an @include): copy the file that sets it");
        free(r);
        return NULL;
    }
    size_t at = r->found_at, end = r->found_end;
    free(r);

    /* the opening comment block: the lines from the first that start with '#' */
    size_t head = 0;
    while (head < n) {
        size_t i = head;
        while (i < n && (text[i] == ' ' || text[i] == '\t')) i++;
        if (i >= n || text[i] != '#') break;
        const char *nl = memchr(text + i, '\n', n - i);
        head = nl ? (size_t)(nl - text) + 1 : n;
    }

    const char *fmt = "# %s: <one line: what this scenario asks>\n"
                      "#\n"
                      "# Question:\n"
                      "#\n"
                      "# Look at:\n"
                      "#\n"
                      "# Made from %s.\n%s";
    int blen = snprintf(NULL, 0, fmt, name, made_from, head ? "" : "\n");
    size_t len = (size_t)blen + (at - head) + strlen(name) + 2 + (n - end) + 1;
    char *out = malloc(len);
    if (!out) {
        ad_error_set(err, AD_ERR_NOMEM, made_from, 0, NULL, "out of memory");
        return NULL;
    }
    int k = snprintf(out, len, fmt, name, made_from, head ? "" : "\n");
    snprintf(out + k, len - (size_t)k, "%.*s\"%s\"%s", (int)(at - head), text + head, name, text + end);
    return out;
}
