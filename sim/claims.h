/* claims.h: the claims the model tests (docs/model.md 1.1) and their
 * switches: one parameter per claim that removes the claim's mechanism from
 * every path it takes (docs/model.md section 8). */
#ifndef AD_CLAIMS_H
#define AD_CLAIMS_H

#define AD_N_CLAIMS 7

typedef struct ad_claim {
    const char *id;         /* "C1" .. "C7" */
    const char *text;       /* the claim in a line */
    const char *switch_key; /* the parameter that switches its mechanism */
    double on, off;         /* its default, and the value that removes the mechanism */
} ad_claim;

extern const ad_claim ad_claims[AD_N_CLAIMS];

/* The claims a parameter key (as in the table; brand keys "brands.[I].key")
 * belongs to, separated by spaces ("C2 C4"), or NULL. */
const char *ad_param_claims(const char *key);

/* The claim whose switch the key is, or NULL. */
const ad_claim *ad_claim_switched_by(const char *key);

#endif
