/* equations.h: the model's equations, each written once (docs/model.md,
 * section 7), as plain C over scalars.
 *
 * One inline function per equation, named and ordered as docs/model.md
 * gives them; where an equation has a part that is the same for every
 * customer of a brand (computed once a week by brand.c or a phase's set-up)
 * and a part per contact or customer, the two stand side by side here.
 * Every execution path calls these: the block loops of contacts.c and
 * serve.c (compiled for each vector level, so the compiler runs these in
 * vector lanes), the exact re-decisions, the choice and the brand and
 * employee updates. Nothing here branches on data where a select does: a
 * loop of them stays vectorisable. No function reads the world: what an
 * equation needs is its argument list.
 *
 * Arithmetic is IEEE without contraction (CMakeLists.txt), the same on
 * every path, so every path gives the same bytes (test_simd). The order of
 * operations below is part of the results: changing it changes the bytes
 * (still the same model), which the change must say.
 */
#ifndef AD_EQUATIONS_H
#define AD_EQUATIONS_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "world.h"

/* every equation is inlined into the loop that calls it, so that the loop
 * stays one body the compiler can run in vector lanes */
#define EQ static inline __attribute__((always_inline))

/* --- helpers: selects without branches ---------------------------------- */

/* c ? a : b through a bit mask (c 0 or 1): no branch, and a loop of them
 * vectorises */
EQ float select_f(int c, float a, float b)
{
    uint32_t ua, ub;
    const uint32_t mask = 0u - (uint32_t)c;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = (ua & mask) | (ub & ~mask);
    memcpy(&a, &ua, sizeof a);
    return a;
}

EQ double select_d(int c, double a, double b)
{
    uint64_t ua, ub;
    const uint64_t mask = 0u - (uint64_t)c;
    memcpy(&ua, &a, sizeof ua);
    memcpy(&ub, &b, sizeof ub);
    ua = (ua & mask) | (ub & ~mask);
    memcpy(&a, &ua, sizeof a);
    return a;
}

EQ uint32_t select_u(uint32_t c, uint32_t a, uint32_t b)
{
    const uint32_t mask = 0u - c;
    return (a & mask) | (b & ~mask);
}

EQ float clamp01f(float x) { return x < 0.0f ? 0.0f : (x > 1.0f ? 1.0f : x); }
EQ double clamp01(double x) { return x < 0 ? 0.0 : (x > 1 ? 1.0 : x); }
EQ double eq_clamp(double x, double lo, double hi) { return x < lo ? lo : (x > hi ? hi : x); }

/* --- 7.4 Contacts --------------------------------------------------------- */

/* lambda = lambda_i f_b (1 + k_v (l_i - 0.5)) */
EQ float eq_contact_rate(float lambda_i, float f_b, float k_v, float l)
{
    return lambda_i * f_b * (1.0f + k_v * (l - 0.5f));
}

/* P(contact) = 1 - exp(-lambda) */
EQ float eq_contact_probability(float lambda)
{
    return lambda > 0.0f ? 1.0f - expf(-lambda) : 0.0f;
}

/* A customer without a contact forgets: l <- l + loyalty_forget (0.5 - l) */
EQ float eq_forget(float l, double forget)
{
    return (float)((double)l + forget * (0.5 - (double)l));
}

/* The contact is relational with probability r_i (u: a uniform draw) */
EQ uint32_t eq_relational(float u, float r_i) { return u < r_i; }

/* Its kind (AD_C_*): to the robot with probability p_auto (the brand's
 * p_auto_rel or p_auto_trans, as the class is), solved there with
 * probability q_auto (q_ar or q_at); a failed automated contact escalates
 * or frustrates (failed: AD_C_AUTO_ESC or AD_C_AUTO_FRUST, the brand's
 * setting); else a person serves it. u_route, u_solve: uniform draws. */
EQ uint32_t eq_contact_kind(float u_route, float p_auto, float u_solve, float q_auto, uint32_t failed)
{
    const uint32_t autom = u_route < p_auto, ok = u_solve < q_auto;
    return select_u(autom, select_u(ok, AD_C_AUTO_OK, failed), AD_C_HUMAN);
}

/* --- 7.5 Routing (brand level) ------------------------------------------- */

/* p_auto_trans and p_auto_rel of a brand with automation share a; by_need
 * fills the robot with transactional contacts first (tau: last week's
 * transactional share), so the automated share still averages a */
EQ void eq_routing(int by_need, double a, double tau, double *p_auto_trans, double *p_auto_rel)
{
    if (!by_need) {
        *p_auto_trans = *p_auto_rel = a;
    } else if (a <= tau) {
        *p_auto_trans = tau > 0 ? a / tau : 0;
        *p_auto_rel = 0;
    } else {
        *p_auto_trans = 1;
        *p_auto_rel = tau < 1 ? (a - tau) / (1 - tau) : 0;
    }
}

/* --- 7.6 Human capacity and service -------------------------------------- */

/* dil_b = min(1, H_b C / D_b), 1 when D_b = 0 */
EQ double eq_dilution(int64_t H, int64_t C, int64_t D)
{
    const double cap = (double)H * (double)C;
    return D > 0 ? (cap < (double)D ? cap / (double)D : 1.0) : 1.0;
}

/* brand part of A: dil_b (phi + (1 - phi) g_b) */
EQ double eq_attention_factor(double dil, double phi, double g)
{
    return dil * (phi + (1.0 - phi) * g);
}

/* a person's attention: the brand's factor times clamp01(e_0 + k (e_j - e_0)),
 * k = employee.attention_engagement (C4's switch: at 0 every person gives
 * the attention of engagement e_0) */
EQ double eq_person_attention(double e_j, double factor, double e0, double k)
{
    const double e = e0 + k * (e_j - e0);
    return factor * select_d(e < 0, 0.0, select_d(e > 1, 1.0, e));
}

/* a machine's figure with its gap to a reference partly closed: ref + gap
 * (machine - ref); gap 1 the machine's own figure, gap 0 the reference's.
 * The switches: channel.attention_gap (C1; reference: the attention of the
 * brand's people) and channel.relational_gap (C5; on a relational contact,
 * reference: the machine's success on a transactional one, and the
 * people's attention) */
EQ double eq_machine_gap(double machine, double ref, double gap)
{
    return ref + gap * (machine - ref);
}

/* A of one contact: a person's attention when a person serves it; the
 * machine's when the robot handles it; 0 when routed to a person and
 * nobody is left */
EQ double eq_attention(uint32_t human, uint32_t unserved, double person, double machine)
{
    return select_d((int)human, person, select_d((int)unserved, 0.0, machine));
}

/* q_h,b = min(1, q_h + q_emp empowerment_b) (and not below 0) */
EQ double eq_human_success(double q_h, double q_emp, double empowerment)
{
    return eq_clamp(q_h + q_emp * empowerment, 0, 1);
}

/* --- 7.8 Satisfaction ----------------------------------------------------- */

/* the parameters of the contact's equations (7.8, 7.9), once a step */
typedef struct eq_contact_params {
    double w_T, w_X, w_E, w_A, theta;   /* satisfaction weights, theta */
    double noise_w;                      /* width of the uniform noise: sqrt(12) satisfaction.noise */
    double mu, k_x, k_soc, loyalty_rate, beta_x;
    double promoter_min, detractor_max;
} eq_contact_params;

/* brand part of S: w_F (F_b - w_pv (p_b - pbar) / pbar) - w_ref g_b */
EQ double eq_satisfaction_brand(double w_F, double w_pv, double F, double price, double mean_price, double w_ref,
                                double surprise)
{
    return w_F * (F - w_pv * (price - mean_price) / mean_price) - w_ref * surprise;
}

/* brand part of the waiting term: w_W (1 - dil_b) */
EQ double eq_wait(double w_W, double dil)
{
    return w_W * (1.0 - dil);
}

/* S of one contact: the brand part (eq_satisfaction_brand), success,
 * frustration, waiting for a person, a failed robot first, attention on a
 * relational contact weighed by the deficit d before it, and noise u
 * (uniform in [0, 1)), cut to [0, 1] */
EQ double eq_satisfaction(const eq_contact_params *p, double brand_part, double wait, uint32_t success,
                                     uint32_t frustrated, uint32_t human, uint32_t escalated, uint32_t relational,
                                     double A, double d, double u)
{
    const double S = brand_part + p->w_T * (double)(int32_t)success - p->w_X * (double)(int32_t)frustrated +
                     select_d((int)human, -wait, 0.0) - select_d((int)escalated, p->w_E, 0.0) +
                     select_d((int)relational, p->w_A * A * (1.0 + p->theta * d), 0.0) + p->noise_w * (u - 0.5);
    return select_d(S < 0, 0.0, select_d(S > 1, 1.0, S));
}

/* --- 7.9 Customer update after a contact ---------------------------------- */

/* d_i <- (1 - mu) d_i + mu (1 - A), relational contacts only */
EQ double eq_deficit(const eq_contact_params *p, uint32_t relational, double d, double A)
{
    return select_d((int)relational, (1.0 - p->mu) * d + p->mu * (1.0 - A), d);
}

/* brand part of V: k_rep Rep_b - k_shock Stated_b */
EQ double eq_loyalty_brand(double k_rep, double rep, double k_shock, double stated)
{
    return k_rep * rep - k_shock * stated;
}

/* the social term of V: n_ib / deg - share_b (n_over_deg = n_ib / deg) */
EQ double eq_social(double n_over_deg, double share)
{
    return n_over_deg - share;
}

/* V = S + k_x (S - x_i) + (k_rep Rep_b - k_shock Stated_b) + k_soc social */
EQ double eq_loyalty_pull(const eq_contact_params *p, double S, double x, double brand_part, double social)
{
    return S + p->k_x * (S - x) + brand_part + p->k_soc * social;
}

/* l_i <- clamp01(l_i + loyalty_rate (V - l_i)) */
EQ float eq_loyalty(const eq_contact_params *p, double l, double V)
{
    const float ln = (float)(l + p->loyalty_rate * (V - l));
    return select_f(ln < 0.0f, 0.0f, select_f(ln > 1.0f, 1.0f, ln));
}

/* x_i <- x_i + beta_x (S - x_i) */
EQ float eq_expectation(const eq_contact_params *p, double x, double S)
{
    return (float)(x + p->beta_x * (S - x));
}

/* experience: promoter (1) if S >= promoter_min, detractor (-1) if
 * S < detractor_max, else passive (0) */
EQ uint32_t eq_promoter(const eq_contact_params *p, double S) { return S >= p->promoter_min; }
EQ uint32_t eq_detractor(const eq_contact_params *p, double S)
{
    return (S < p->detractor_max) & (eq_promoter(p, S) ^ 1u);
}

/* --- 7.10 Reconsidering and brand choice ---------------------------------- */

/* P(reconsider) before the burn-in multiplier: nu / (1 + exp(-(l_crit - l) / s))
 * (world.c tabulates it over loyalty) */
EQ double eq_reconsider(double nu, double l_crit, double s, double l)
{
    return nu / (1.0 + exp(-(l_crit - l) / s));
}

/* price surprise g_b = (p_b - p_ref,b) / p_ref,b */
EQ double eq_price_surprise(double price, double ref_price)
{
    return (price - ref_price) / ref_price;
}

/* p_ref,b <- p_ref,b + (p_b - p_ref,b) / T_ref */
EQ double eq_reference_price(double ref_price, double price, double memory)
{
    return ref_price + (price - ref_price) / memory;
}

/* brand part of U: beta_F F_b - beta_p p_b - beta_ref g_b + beta_rep Rep_b -
 * beta_shock Stated_b */
EQ double eq_utility_brand(double beta_F, double F, double beta_p, double price, double beta_ref, double surprise,
                           double beta_rep, double rep, double beta_shock, double stated)
{
    return beta_F * F - beta_p * price - beta_ref * surprise + beta_rep * rep - beta_shock * stated;
}

/* U without the Gumbel terms: the brand part, beta_R r_i R_b (rel =
 * beta_R r_i), (beta_soc / deg)(n_ib + w_ib) (soc = beta_soc / deg, score =
 * n_ib + w_ib), beta_stay for the current brand */
EQ double eq_utility_systematic(double brand_part, double rel, double R, double soc, int score, int current,
                                           double beta_stay)
{
    return brand_part + rel * R + soc * score + (current ? beta_stay : 0.0);
}

/* U = systematic + sigma_taste eps_ib + sigma_occ eta_ib(t) (+ asc, the
 * log starting share of the first choice) */
EQ double eq_utility(double systematic, double sigma_taste, double eps, double sigma_occ, double eta,
                                double asc)
{
    return systematic + sigma_taste * eps + sigma_occ * eta + asc;
}

/* --- 7.11 Word of mouth, reputation and ambassadors ----------------------- */

/* Rep_b <- Rep_b + rep_rate (clamp((P_b - delta D_b) / visits_b, -1, 1) - Rep_b) */
EQ double eq_reputation_wom(double rep, double rep_rate, double promoters, double delta, double detractors,
                                       double visits)
{
    const double net = (promoters - delta * detractors) / visits;
    return rep + rep_rate * (eq_clamp(net, -1, 1) - rep);
}

/* Rep_b <- clamp(Rep_b + amb_effect E_b / H_b, -1, 1) (amb_share = E_b / H_b) */
EQ double eq_reputation_ambassadors(double rep, double amb_effect, double amb_share)
{
    return eq_clamp(rep + amb_effect * amb_share, -1, 1);
}

/* --- 7.12 Relational value and attention scarcity ------------------------- */

/* att_rel_b <- att_rel_b + rel_memory (Abar_rel,b - att_rel_b) */
EQ double eq_attention_known(double att_rel, double rel_memory, double mean_att_rel)
{
    return att_rel + rel_memory * (mean_att_rel - att_rel);
}

/* R_b = att_rel_b (1 + theta Sigma) */
EQ double eq_relational_value(double att_rel, double theta, double sigma)
{
    return att_rel * (1.0 + theta * sigma);
}

/* --- 7.13 Employee engagement --------------------------------------------- */

/* a new hire: clamp01(e_0 + t_j + h_b dh) */
EQ double eq_engagement_start(double e0, double t_j, double h_b, double dh)
{
    return clamp01(e0 + t_j + h_b * dh);
}

/* brand part of e*: e_0 + h_b dh - iota (a_b - abar_b) */
EQ double eq_engagement_brand(double e0, double h_b, double dh, double iota, double a, double abar)
{
    return e0 + h_b * dh - iota * (a - abar);
}

/* e*_j = brand part + t_j + rho W_j - omega max(0, L_j / C - 1) (load = L_j / C) */
EQ double eq_engagement_target(double brand_part, double t_j, double rho, double W, double omega,
                                          double load)
{
    return brand_part + t_j + rho * W - omega * (load > 1 ? load - 1 : 0);
}

/* e_j <- clamp01(e_j + kappa (e*_j - e_j) + u), u the noise */
EQ double eq_engagement(double e, double kappa, double target, double u)
{
    return clamp01(e + kappa * (target - e) + u);
}

#endif
