/* claims.c: the claims C1-C7 (docs/model.md 1.1), the switch of each and
 * the parameters of each claim's mechanism, for `aandacht params --json`
 * and tools/validate.py. */
#include "claims.h"

#include <string.h>

const ad_claim ad_claims[AD_N_CLAIMS] = {
    {"C1", "automation makes attentive human contact scarce", "channel.attention_gap", 1.0, 0.0},
    {"C2", "what is scarce gains value", "satisfaction.theta", 1.0, 0.0},
    {"C3", "as the 4 P's commoditise, brands differentiate on relation", "market.commoditisation", 0.1, 0.0},
    {"C4", "engaged employees make engaged, loyal customers, and that pays", "employee.attention_engagement", 1.0,
     0.0},
    {"C5", "automate the transactional contact, keep the relational contact human", "channel.relational_gap", 1.0,
     0.0},
    {"C6", "a reputation shock lingers", "shock.stated_effect", 1.0, 0.0},
    {"C7", "people pay voluntarily for attention", "tipping.damping", 0.35, 0.0},
};

/* each parameter of a claim's mechanism (its switch first), with the
 * claims it belongs to */
static const struct {
    const char *key, *claims;
} MEMBERS[] = {
    {"channel.attention_gap", "C1"},
    {"channel.attention", "C1"},
    {"satisfaction.theta", "C2"},
    {"customer.deficit_rate", "C2"},
    {"market.commoditisation", "C3"},
    {"choice.beta_functional", "C3"},
    {"choice.beta_relational", "C2 C3 C4 C5"},
    {"employee.attention_engagement", "C4"},
    {"employee.hr_effect", "C4"},
    {"employee.reciprocity", "C4"},
    {"employee.attention_floor", "C4"},
    {"satisfaction.w_attention", "C2 C4 C5"},
    {"channel.relational_gap", "C5"},
    {"channel.success_relational", "C5"},
    {"shock.stated_effect", "C6"},
    {"shock.loyalty_weight", "C6"},
    {"choice.beta_shock", "C6"},
    {"tipping.damping", "C7"},
    {"tipping.enabled", "C7"},
    {"brands.[I].hr_investment", "C4"},
    {"brands.[I].hr_marketing", "C4"},
    {"brands.[I].routing", "C5"},
};

const char *ad_param_claims(const char *key)
{
    for (size_t k = 0; k < sizeof MEMBERS / sizeof MEMBERS[0]; k++)
        if (!strcmp(MEMBERS[k].key, key)) return MEMBERS[k].claims;
    return NULL;
}

const ad_claim *ad_claim_switched_by(const char *key)
{
    for (int k = 0; k < AD_N_CLAIMS; k++)
        if (!strcmp(ad_claims[k].switch_key, key)) return &ad_claims[k];
    return NULL;
}
