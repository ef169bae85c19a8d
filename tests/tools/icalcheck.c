/* Strict RFC 5545 check of .ics files with libical: parse each file, apply libical's
 * restriction tables for its METHOD, and print every X-LIC-ERROR libical attaches.
 * Exit status: 0 when every file is clean, 1 when any problem was found, 2 on usage.
 *
 * icalcheck --instants FILE.ics... prints "UID<TAB>start<TAB>end" per VEVENT in UTC, converted
 * with the VTIMEZONE definitions in the file itself (libical looks there before its own zones). */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *data = malloc((size_t)size + 1);
    if (fread(data, 1, (size_t)size, f) != (size_t)size) { fclose(f); free(data); return NULL; }
    data[size] = '\0';
    fclose(f);
    return data;
}

static int report(icalcomponent *comp, const char *path);

/* icalrestriction_check() stops at the first component that fails. Check each component of
 * the calendar on its own: a copy of the calendar's properties holding just that component.
 * Without METHOD, libical applies RFC 5545's own rules (which forbid, e.g., COMMENT in a
 * VTIMEZONE); with it, the iTIP (RFC 5546) rules of that method. Both are applied. */
static int check_each(icalcomponent *comp, const char *path, int with_method) {
    int problems = 0;
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT)) {
        icalcomponent *single = icalcomponent_new(ICAL_VCALENDAR_COMPONENT);
        for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_ANY_PROPERTY); p;
             p = icalcomponent_get_next_property(comp, ICAL_ANY_PROPERTY))
            if (with_method || icalproperty_isa(p) != ICAL_METHOD_PROPERTY)
                icalcomponent_add_property(single, icalproperty_new_clone(p));
        icalcomponent_add_component(single, icalcomponent_new_clone(c));
        icalrestriction_check(single);
        problems += report(icalcomponent_get_first_component(single, ICAL_ANY_COMPONENT), path);
        icalcomponent_free(single);
    }
    return problems;
}

static int report(icalcomponent *comp, const char *path) {
    int problems = 0;
    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
        printf("%s: %s: %s\n", path, icalcomponent_kind_to_string(icalcomponent_isa(comp)),
               icalproperty_get_xlicerror(p));
        problems++;
    }
    for (icalcomponent *c = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        problems += report(c, path);
    return problems;
}

static void utc(struct icaltimetype t, char *out) {
    struct icaltimetype u = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    sprintf(out, "%04d-%02d-%02dT%02d:%02d:%02dZ", u.year, u.month, u.day, u.hour, u.minute, u.second);
}

static int instants(const char *path) {
    char *data = read_file(path);
    if (!data) { fprintf(stderr, "%s: cannot read\n", path); return 1; }
    icalcomponent *comp = icalparser_parse_string(data);
    if (!comp) { fprintf(stderr, "%s: not iCalendar\n", path); free(data); return 1; }
    char start[32], end[32];
    for (icalcomponent *e = icalcomponent_get_first_component(comp, ICAL_VEVENT_COMPONENT); e;
         e = icalcomponent_get_next_component(comp, ICAL_VEVENT_COMPONENT)) {
        struct icaltimetype s = icalcomponent_get_dtstart(e), f = icalcomponent_get_dtend(e);
        if (!s.zone || !f.zone) { fprintf(stderr, "%s: %s has a floating time\n", path, icalcomponent_get_uid(e)); return 1; }
        utc(s, start);
        utc(f, end);
        printf("%s\t%s\t%s\n", icalcomponent_get_uid(e), start, end);
    }
    icalcomponent_free(comp);
    free(data);
    return 0;
}

/* Errors libical attached to the calendar itself while parsing (not to its components). */
static int report_own(icalcomponent *comp, const char *path) {
    int problems = 0;
    for (icalproperty *p = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); p;
         p = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY)) {
        printf("%s: VCALENDAR: %s\n", path, icalproperty_get_xlicerror(p));
        problems++;
    }
    return problems;
}

int main(int argc, char **argv) {
    if (argc >= 3 && strcmp(argv[1], "--instants") == 0) {
        for (int i = 2; i < argc; i++)
            if (instants(argv[i]) != 0) return 1;
        return 0;
    }
    if (argc < 2) { fprintf(stderr, "usage: icalcheck FILE.ics... | icalcheck --instants FILE.ics...\n"); return 2; }
    int problems = 0;
    for (int i = 1; i < argc; i++) {
        char *data = read_file(argv[i]);
        if (!data) { printf("%s: cannot read\n", argv[i]); problems++; continue; }
        icalcomponent *comp = icalparser_parse_string(data);
        if (!comp || icalcomponent_isa(comp) != ICAL_VCALENDAR_COMPONENT) {
            printf("%s: not a VCALENDAR\n", argv[i]);
            problems++;
        } else {
            problems += report_own(comp, argv[i]) + check_each(comp, argv[i], 0) + check_each(comp, argv[i], 1);
        }
        if (comp) icalcomponent_free(comp);
        free(data);
    }
    return problems ? 1 : 0;
}
