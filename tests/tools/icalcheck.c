/* Strict RFC 5545 check of .ics files with libical: parse each file, apply libical's
 * restriction tables for its METHOD, and print every X-LIC-ERROR libical attaches.
 * Exit status: 0 when every file is clean, 1 when any problem was found, 2 on usage. */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

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

int main(int argc, char **argv) {
    if (argc < 2) { fprintf(stderr, "usage: icalcheck FILE.ics...\n"); return 2; }
    int problems = 0;
    for (int i = 1; i < argc; i++) {
        char *data = read_file(argv[i]);
        if (!data) { printf("%s: cannot read\n", argv[i]); problems++; continue; }
        icalcomponent *comp = icalparser_parse_string(data);
        if (!comp || icalcomponent_isa(comp) != ICAL_VCALENDAR_COMPONENT) {
            printf("%s: not a VCALENDAR\n", argv[i]);
            problems++;
        } else {
            icalrestriction_check(comp);
            problems += report(comp, argv[i]);
        }
        if (comp) icalcomponent_free(comp);
        free(data);
    }
    return problems ? 1 : 0;
}
